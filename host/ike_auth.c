/*
 * ike_auth.c - the IKE_AUTH exchange, the initiator's half.  See
 * ike_auth.h.
 */
#include "ike_auth.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ike_msg.h"

#define PLAIN_MAX	8192

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* An ID as strongSwan writes it: the address, or the string. */
static void
id_str(uint8_t type, const uint8_t *d, size_t n, char *buf, size_t len)
{
	if (type == IKE_ID_IPV4_ADDR && n == 4)
		snprintf(buf, len, "%u.%u.%u.%u", d[0], d[1], d[2], d[3]);
	else if (type == IKE_ID_FQDN || type == IKE_ID_RFC822_ADDR)
		snprintf(buf, len, "%.*s", (int)n, (const char *)d);
	else
		snprintf(buf, len, "(ID type %u, %zu bytes)", type, n);
}

int
ike_auth_request(struct ike_sa *sa, const struct ike_auth_cfg *a,
    const struct ike_child_req *c, uint8_t *buf, size_t cap, size_t *len,
    char *err, size_t errlen)
{
	uint8_t plain[PLAIN_MAX], oct[IKE_INIT_MSG_MAX + IKE_NONCE_MAX +
	    IKE_PRF_MAX], mac[IKE_PRF_MAX], spi[4];
	struct ike_buf in, out;
	struct ike_hdr h = { 0 };
	size_t id_off, olen, sk_off;
	uint16_t prf = sa->suite.prf;

	if (sa->state != IKE_S_INIT_DONE || !sa->initiator)
		return fail(err, errlen, "IKE_AUTH before IKE_SA_INIT is done");
	ike_buf_init(&in, plain, sizeof(plain));
	id_off = in.len;
	ike_put_id(&in, IKE_PLD_IDI, a->id_type, a->id, a->id_len);
	/* AUTH covers the ID payload's body as sent (RFC 7296 2.15). */
	if (in.overflow || ike_auth_octets(prf, &sa->keys.pi, sa->init_req,
	    sa->init_req_len, sa->nr, sa->nr_len, plain + id_off + 4,
	    in.len - id_off - 4, oct, sizeof(oct), &olen) != 0 ||
	    ike_auth_psk(prf, a->psk, a->psk_len, oct, olen, mac) != 0)
		return fail(err, errlen, "IKE_AUTH: computing AUTH failed");
	ike_put_auth(&in, IKE_AUTH_PSK, mac, ike_prf_len(prf));
	OPENSSL_cleanse(mac, sizeof(mac));
	ike_set32(spi, c->spi_in);
	ike_put_sa(&in, c->esp, c->nesp, spi, 4);
	ike_put_ts(&in, IKE_PLD_TSI, c->tsi, c->ntsi);
	ike_put_ts(&in, IKE_PLD_TSR, c->tsr, c->ntsr);
	if (in.overflow)
		return fail(err, errlen, "IKE_AUTH request: too long");

	h.spi_i = sa->spi_i;
	h.spi_r = sa->spi_r;
	h.exchange = IKE_AUTH;
	h.flags = IKE_FLAG_INITIATOR;
	h.msgid = sa->msgid_out;
	ike_buf_init(&out, buf, cap);
	ike_buf_hdr(&out, &h);
	ike_buf_begin(&out, IKE_PLD_SK, 0);
	if (out.overflow)
		return fail(err, errlen, "IKE_AUTH request: no room");
	sk_off = out.pld_off;
	buf[sk_off] = in.first;
	if (ike_sk_seal(&sa->sk_out, buf, cap, sk_off, plain, in.len, len, err,
	    errlen) != 0)
		return -1;
	OPENSSL_cleanse(plain, sizeof(plain));
	sa->state = IKE_S_AUTH_SENT;
	return 0;
}

/* Is every address and port of t inside one of ours? */
static int
ts_inside(const struct ike_ts *t, const struct ike_ts *ours, size_t n)
{
	size_t alen = t->type == IKE_TS_IPV4_RANGE ? 4 : 16;

	for (size_t i = 0; i < n; i++) {
		const struct ike_ts *o = &ours[i];

		if (o->type != t->type || (o->proto != 0 && o->proto != t->proto))
			continue;
		if (memcmp(t->start, o->start, alen) >= 0 &&
		    memcmp(t->end, o->end, alen) <= 0 &&
		    memcmp(t->start, t->end, alen) <= 0 &&
		    t->sport >= o->sport && t->eport <= o->eport &&
		    t->sport <= t->eport)
			return 1;
	}
	return 0;
}

static enum ike_auth_result
child_in(struct ike_sa *sa, const struct ike_msg *m,
    const struct ike_child_req *c, struct ike_child *ch, char *err,
    size_t errlen)
{
	struct ike_sa_prop sp[IKE_PROPOSALS_MAX];
	struct ike_proposal theirs;
	const struct ike_pld *pl;
	struct ike_notify no;
	char a[512], b[512];
	size_t n;

	for (size_t i = 0; i < m->npld; i++)
		if (m->pld[i].type == IKE_PLD_NOTIFY &&
		    ike_pld_notify(&m->pld[i], &no, NULL, 0) == 0 &&
		    no.type <= N_ERROR_MAX) {
			if (no.type == N_NO_PROPOSAL_CHOSEN) {
				ike_xform_format_list(c->esp, c->nesp, a,
				    sizeof(a));
				return fail(err, errlen, "peer accepted none of "
				    "our CHILD_SA proposals (NO_PROPOSAL_CHOSEN);"
				    " we proposed %s", a), IKE_AUTH_CHILD_FAIL;
			}
			if (no.type == N_TS_UNACCEPTABLE) {
				ike_ts_format(&c->tsi[0], a, sizeof(a));
				ike_ts_format(&c->tsr[0], b, sizeof(b));
				return fail(err, errlen, "TS_UNACCEPTABLE: peer "
				    "allows none of %s === %s", a, b),
				    IKE_AUTH_CHILD_FAIL;
			}
			return fail(err, errlen, "peer refused the CHILD_SA: %s "
			    "(%u)", ike_notify_name(no.type) ?
			    ike_notify_name(no.type) : "error", no.type),
			    IKE_AUTH_CHILD_FAIL;
		}
	if ((pl = ike_msg_find(m, IKE_PLD_SA, 0)) == NULL ||
	    ike_pld_sa(pl, sp, IKE_PROPOSALS_MAX, &n, err, errlen) != 0 ||
	    n != 1 || sp[0].p.protocol != IKE_PROTO_ESP ||
	    sp[0].spi_len != 4)
		return fail(err, errlen, "IKE_AUTH response: no single ESP "
		    "proposal with a 4-byte SPI"), IKE_AUTH_CHILD_FAIL;
	theirs = sp[0].p;
	if (ike_xform_select(c->esp, c->nesp, &theirs, 1, IKE_XFORM_SKIP_KE,
	    &ch->chosen, NULL) != 0) {
		ike_xform_format(&theirs, a, sizeof(a));
		return fail(err, errlen, "peer chose ESP %s, which we did not "
		    "propose", a), IKE_AUTH_CHILD_FAIL;
	}
	ch->spi_in = c->spi_in;
	ch->spi_out = ike_get32(sp[0].spi);
	if ((pl = ike_msg_find(m, IKE_PLD_TSI, 0)) == NULL ||
	    ike_pld_ts(pl, ch->tsi, IKE_TS_MAX, &ch->ntsi, err, errlen) != 0 ||
	    (pl = ike_msg_find(m, IKE_PLD_TSR, 0)) == NULL ||
	    ike_pld_ts(pl, ch->tsr, IKE_TS_MAX, &ch->ntsr, err, errlen) != 0)
		return fail(err, errlen, "IKE_AUTH response: traffic selectors "
		    "missing or malformed"), IKE_AUTH_CHILD_FAIL;
	for (n = 0; n < ch->ntsi; n++)
		if (!ts_inside(&ch->tsi[n], c->tsi, c->ntsi))
			return fail(err, errlen, "peer's TSi is wider than we "
			    "asked"), IKE_AUTH_CHILD_FAIL;
	for (n = 0; n < ch->ntsr; n++)
		if (!ts_inside(&ch->tsr[n], c->tsr, c->ntsr))
			return fail(err, errlen, "peer's TSr is wider than we "
			    "asked"), IKE_AUTH_CHILD_FAIL;
	if (ike_child_keymat(sa->suite.prf, &sa->keys.d,
	    ch->chosen.xf[IKE_XF_ENCR][0].id, ch->chosen.xf[IKE_XF_ENCR][0].keylen,
	    NULL, 0, sa->ni, sa->ni_len, sa->nr, sa->nr_len, &ch->keys, err,
	    errlen) != 0)
		return IKE_AUTH_CHILD_FAIL;
	return IKE_AUTH_OK;
}

enum ike_auth_result
ike_auth_response_in(struct ike_sa *sa, const uint8_t *raw, size_t len,
    const struct ike_auth_cfg *a, const struct ike_child_req *c,
    struct ike_child *ch, char *err, size_t errlen)
{
	static uint8_t plain[IKE_MSG_MAX];
	uint8_t oct[IKE_INIT_MSG_MAX + IKE_NONCE_MAX + IKE_PRF_MAX];
	const struct ike_pld *pl;
	struct ike_msg m;
	struct ike_id id;
	struct ike_auth au;
	size_t plen, olen;
	char got[256], want[256];
	int rc;

	memset(ch, 0, sizeof(*ch));
	if (ike_msg_parse(raw, len, &m, err, errlen) != IKE_OK)
		return IKE_AUTH_DROP;
	if (m.hdr.exchange != IKE_AUTH || !(m.hdr.flags & IKE_FLAG_RESPONSE) ||
	    m.hdr.spi_i != sa->spi_i || m.hdr.spi_r != sa->spi_r ||
	    m.hdr.msgid != sa->msgid_out || sa->state != IKE_S_AUTH_SENT)
		return fail(err, errlen, "not the response to our IKE_AUTH "
		    "request"), IKE_AUTH_DROP;
	if (m.sk_off == 0)
		return fail(err, errlen, "IKE_AUTH response without an SK "
		    "payload"), IKE_AUTH_DROP;
	rc = ike_sk_open(&sa->sk_in, raw, len, m.sk_off, plain, sizeof(plain),
	    &plen, err, errlen);
	if (rc != 0)
		return IKE_AUTH_DROP;	/* ICV or malformed: err says */
	if (ike_msg_parse_inner(&m, plain, plen, err, errlen) != IKE_OK)
		return IKE_AUTH_DROP;
	/* From here the peer is who holds the keys: its answer counts. */
	sa->msgid_out++;
	if (ike_msg_notify(&m, N_AUTHENTICATION_FAILED) != NULL) {
		sa->state = IKE_S_DEAD;
		return fail(err, errlen, "peer refused our authentication "
		    "(AUTHENTICATION_FAILED): our ID or PSK is not what it "
		    "has"), IKE_AUTH_FAIL;
	}
	if ((pl = ike_msg_find(&m, IKE_PLD_IDR, 0)) == NULL ||
	    ike_pld_id(pl, &id, err, errlen) != 0 ||
	    (pl = ike_msg_find(&m, IKE_PLD_AUTH, 0)) == NULL ||
	    ike_pld_auth(pl, &au, err, errlen) != 0) {
		sa->state = IKE_S_DEAD;
		return fail(err, errlen, "IKE_AUTH response without IDr and "
		    "AUTH"), IKE_AUTH_FAIL;
	}
	if (a->peer_id_type != 0 && (id.type != a->peer_id_type ||
	    id.len != a->peer_id_len || memcmp(id.data, a->peer_id,
	    id.len) != 0)) {
		id_str(id.type, id.data, id.len, got, sizeof(got));
		id_str(a->peer_id_type, a->peer_id, a->peer_id_len, want,
		    sizeof(want));
		sa->state = IKE_S_DEAD;
		return fail(err, errlen, "peer ID %s is not the one we expect, "
		    "%s", got, want), IKE_AUTH_FAIL;
	}
	if (au.method != IKE_AUTH_PSK ||
	    ike_auth_octets(sa->suite.prf, &sa->keys.pr, sa->init_resp,
	    sa->init_resp_len, sa->ni, sa->ni_len, id.body, id.body_len, oct,
	    sizeof(oct), &olen) != 0 ||
	    ike_auth_psk_verify(sa->suite.prf, a->psk, a->psk_len, oct, olen,
	    au.data, au.len) != 0) {
		id_str(id.type, id.data, id.len, got, sizeof(got));
		sa->state = IKE_S_DEAD;
		if (au.method != IKE_AUTH_PSK)
			return fail(err, errlen, "peer %s authenticates with "
			    "method %u, we expect a PSK (2)", got, au.method),
			    IKE_AUTH_FAIL;
		return fail(err, errlen, "peer %s's AUTH does not verify with "
		    "our PSK", got), IKE_AUTH_FAIL;
	}
	sa->state = IKE_S_ESTABLISHED;
	return child_in(sa, &m, c, ch, err, errlen);
}
