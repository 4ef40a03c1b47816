/*
 * ike_auth.c - the IKE_AUTH exchange, both roles.  See ike_auth.h.
 */
#include "ike_auth.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ike_err.h"
#include "ike_msg.h"
#include "ike_ts.h"

#define PLAIN_MAX	8192

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
		return ike_errf(err, errlen, "IKE_AUTH before IKE_SA_INIT is done");
	ike_buf_init(&in, plain, sizeof(plain));
	id_off = in.len;
	ike_put_id(&in, IKE_PLD_IDI, a->id_type, a->id, a->id_len);
	/* AUTH covers the ID payload's body as sent (RFC 7296 2.15). */
	if (in.overflow || ike_auth_octets(prf, &sa->keys.pi, sa->init_req,
	    sa->init_req_len, sa->nr, sa->nr_len, plain + id_off + 4,
	    in.len - id_off - 4, oct, sizeof(oct), &olen) != 0 ||
	    ike_auth_psk(prf, a->psk, a->psk_len, oct, olen, mac) != 0)
		return ike_errf(err, errlen, "IKE_AUTH: computing AUTH failed");
	ike_put_auth(&in, IKE_AUTH_PSK, mac, ike_prf_len(prf));
	OPENSSL_cleanse(mac, sizeof(mac));
	ike_set32(spi, c->spi_in);
	ike_put_sa(&in, c->esp, c->nesp, spi, 4);
	ike_put_ts(&in, IKE_PLD_TSI, c->tsi, c->ntsi);
	ike_put_ts(&in, IKE_PLD_TSR, c->tsr, c->ntsr);
	if (in.overflow)
		return ike_errf(err, errlen, "IKE_AUTH request: too long");

	h.spi_i = sa->spi_i;
	h.spi_r = sa->spi_r;
	h.exchange = IKE_AUTH;
	h.flags = IKE_FLAG_INITIATOR;
	h.msgid = sa->msgid_out;
	ike_buf_init(&out, buf, cap);
	ike_buf_hdr(&out, &h);
	ike_buf_begin(&out, IKE_PLD_SK, 0);
	if (out.overflow)
		return ike_errf(err, errlen, "IKE_AUTH request: no room");
	sk_off = out.pld_off;
	buf[sk_off] = in.first;
	if (ike_sk_seal(&sa->sk_out, buf, cap, sk_off, plain, in.len, len, err,
	    errlen) != 0)
		return -1;
	OPENSSL_cleanse(plain, sizeof(plain));
	sa->state = IKE_S_AUTH_SENT;
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
				return ike_errf(err, errlen, "peer accepted none of "
				    "our CHILD_SA proposals (NO_PROPOSAL_CHOSEN);"
				    " we proposed %s", a), IKE_AUTH_CHILD_FAIL;
			}
			if (no.type == N_TS_UNACCEPTABLE) {
				ike_ts_format(&c->tsi[0], a, sizeof(a));
				ike_ts_format(&c->tsr[0], b, sizeof(b));
				return ike_errf(err, errlen, "TS_UNACCEPTABLE: peer "
				    "allows none of %s === %s", a, b),
				    IKE_AUTH_CHILD_FAIL;
			}
			return ike_errf(err, errlen, "peer refused the CHILD_SA: %s "
			    "(%u)", ike_notify_name(no.type) ?
			    ike_notify_name(no.type) : "error", no.type),
			    IKE_AUTH_CHILD_FAIL;
		}
	if ((pl = ike_msg_find(m, IKE_PLD_SA, 0)) == NULL ||
	    ike_pld_sa(pl, sp, IKE_PROPOSALS_MAX, &n, err, errlen) != 0 ||
	    n != 1 || sp[0].p.protocol != IKE_PROTO_ESP ||
	    sp[0].spi_len != 4)
		return ike_errf(err, errlen, "IKE_AUTH response: no single ESP "
		    "proposal with a 4-byte SPI"), IKE_AUTH_CHILD_FAIL;
	theirs = sp[0].p;
	if (ike_xform_select(c->esp, c->nesp, &theirs, 1, IKE_XFORM_SKIP_KE,
	    &ch->chosen, NULL) != 0) {
		ike_xform_format(&theirs, a, sizeof(a));
		return ike_errf(err, errlen, "peer chose ESP %s, which we did not "
		    "propose", a), IKE_AUTH_CHILD_FAIL;
	}
	ch->spi_in = c->spi_in;
	ch->spi_out = ike_get32(sp[0].spi);
	if ((pl = ike_msg_find(m, IKE_PLD_TSI, 0)) == NULL ||
	    ike_pld_ts(pl, ch->tsi, IKE_TS_MAX, &ch->ntsi, err, errlen) != 0 ||
	    (pl = ike_msg_find(m, IKE_PLD_TSR, 0)) == NULL ||
	    ike_pld_ts(pl, ch->tsr, IKE_TS_MAX, &ch->ntsr, err, errlen) != 0)
		return ike_errf(err, errlen, "IKE_AUTH response: traffic selectors "
		    "missing or malformed"), IKE_AUTH_CHILD_FAIL;
	/* RFC 7296 2.9: a responder may only narrow */
	if (!ike_ts_inside(ch->tsi, ch->ntsi, c->tsi, c->ntsi) ||
	    !ike_ts_inside(ch->tsr, ch->ntsr, c->tsr, c->ntsr)) {
		ike_ts_format_list(ch->tsi, ch->ntsi, a, sizeof(a));
		ike_ts_format_list(ch->tsr, ch->ntsr, b, sizeof(b));
		return ike_errf(err, errlen, "peer granted %s === %s, more than we "
		    "asked", a, b), IKE_AUTH_CHILD_FAIL;
	}
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
		return ike_errf(err, errlen, "not the response to our IKE_AUTH "
		    "request"), IKE_AUTH_DROP;
	if (m.sk_off == 0)
		return ike_errf(err, errlen, "IKE_AUTH response without an SK "
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
		return ike_errf(err, errlen, "peer refused our authentication "
		    "(AUTHENTICATION_FAILED): our ID or PSK is not what it "
		    "has"), IKE_AUTH_FAIL;
	}
	if ((pl = ike_msg_find(&m, IKE_PLD_IDR, 0)) == NULL ||
	    ike_pld_id(pl, &id, err, errlen) != 0 ||
	    (pl = ike_msg_find(&m, IKE_PLD_AUTH, 0)) == NULL ||
	    ike_pld_auth(pl, &au, err, errlen) != 0) {
		sa->state = IKE_S_DEAD;
		return ike_errf(err, errlen, "IKE_AUTH response without IDr and "
		    "AUTH"), IKE_AUTH_FAIL;
	}
	if (a->peer_id_type != 0 && (id.type != a->peer_id_type ||
	    id.len != a->peer_id_len || memcmp(id.data, a->peer_id,
	    id.len) != 0)) {
		id_str(id.type, id.data, id.len, got, sizeof(got));
		id_str(a->peer_id_type, a->peer_id, a->peer_id_len, want,
		    sizeof(want));
		sa->state = IKE_S_DEAD;
		return ike_errf(err, errlen, "peer ID %s is not the one we expect, "
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
			return ike_errf(err, errlen, "peer %s authenticates with "
			    "method %u, we expect a PSK (2)", got, au.method),
			    IKE_AUTH_FAIL;
		return ike_errf(err, errlen, "peer %s's AUTH does not verify with "
		    "our PSK", got), IKE_AUTH_FAIL;
	}
	sa->state = IKE_S_ESTABLISHED;
	return child_in(sa, &m, c, ch, err, errlen);
}

/* ---- responder ----------------------------------------------------- */

/* Seals the inner payloads in in as the response to request m. */
static int
respond(struct ike_sa *sa, const struct ike_msg *m, struct ike_buf *in,
    uint8_t *resp, size_t cap, size_t *resp_len, char *err, size_t errlen)
{
	struct ike_hdr h = { 0 };
	struct ike_buf out;

	if (in->overflow)
		return ike_errf(err, errlen, "IKE_AUTH response: too long");
	h.spi_i = sa->spi_i;
	h.spi_r = sa->spi_r;
	h.exchange = IKE_AUTH;
	h.flags = IKE_FLAG_RESPONSE;
	h.msgid = m->hdr.msgid;
	ike_buf_init(&out, resp, cap);
	ike_buf_hdr(&out, &h);
	ike_buf_begin(&out, IKE_PLD_SK, 0);
	if (out.overflow)
		return ike_errf(err, errlen, "IKE_AUTH response: no room");
	resp[out.pld_off] = in->first;
	return ike_sk_seal(&sa->sk_out, resp, cap, out.pld_off, in->p, in->len,
	    resp_len, err, errlen);
}

enum ike_auth_result
ike_auth_request_in(struct ike_sa *sa, const uint8_t *raw, size_t len,
    const struct ike_auth_rcfg *cfg, struct ike_child *ch, uint8_t *resp,
    size_t cap, size_t *resp_len, char *err, size_t errlen)
{
	static uint8_t plain[IKE_MSG_MAX], inner[PLAIN_MAX];
	uint8_t oct[IKE_INIT_MSG_MAX + IKE_NONCE_MAX + IKE_PRF_MAX];
	uint8_t mac[IKE_PRF_MAX], spi[4];
	struct ike_sa_prop sp[IKE_PROPOSALS_MAX];
	struct ike_proposal theirs[IKE_PROPOSALS_MAX];
	struct ike_ts tsi[IKE_TS_MAX], tsr[IKE_TS_MAX];
	const struct ike_pld *pl;
	struct ike_msg m;
	struct ike_id id;
	struct ike_auth au;
	struct ike_buf in;
	size_t plen, olen, n, nt = 0, ntsi, ntsr, id_off, idx;
	char got[256], want[256], a[512], b[512], c[512], d[512];
	uint16_t prf = sa->suite.prf;

	memset(ch, 0, sizeof(*ch));
	if (ike_msg_parse(raw, len, &m, err, errlen) != IKE_OK)
		return IKE_AUTH_DROP;
	if (m.hdr.exchange != IKE_AUTH || (m.hdr.flags & IKE_FLAG_RESPONSE) ||
	    !(m.hdr.flags & IKE_FLAG_INITIATOR) || m.hdr.spi_i != sa->spi_i ||
	    m.hdr.spi_r != sa->spi_r || m.hdr.msgid != sa->msgid_in ||
	    sa->state != IKE_S_INIT_DONE || sa->initiator || m.sk_off == 0)
		return ike_errf(err, errlen, "not an IKE_AUTH request for this IKE "
		    "SA"), IKE_AUTH_DROP;
	if (ike_sk_open(&sa->sk_in, raw, len, m.sk_off, plain, sizeof(plain),
	    &plen, err, errlen) != 0 ||
	    ike_msg_parse_inner(&m, plain, plen, err, errlen) != IKE_OK)
		return IKE_AUTH_DROP;
	if ((pl = ike_msg_find(&m, IKE_PLD_IDI, 0)) == NULL ||
	    ike_pld_id(pl, &id, err, errlen) != 0 ||
	    (pl = ike_msg_find(&m, IKE_PLD_AUTH, 0)) == NULL ||
	    ike_pld_auth(pl, &au, err, errlen) != 0)
		return ike_errf(err, errlen, "IKE_AUTH request without IDi and "
		    "AUTH"), IKE_AUTH_DROP;
	sa->msgid_in++;

	ike_buf_init(&in, inner, sizeof(inner));
	id_str(id.type, id.data, id.len, got, sizeof(got));
	if (cfg->auth.peer_id_type != 0 && (id.type != cfg->auth.peer_id_type ||
	    id.len != cfg->auth.peer_id_len || memcmp(id.data,
	    cfg->auth.peer_id, id.len) != 0)) {
		id_str(cfg->auth.peer_id_type, cfg->auth.peer_id,
		    cfg->auth.peer_id_len, want, sizeof(want));
		ike_errf(err, errlen, "peer ID %s matches no connection, expected "
		    "%s", got, want);
		goto auth_failed;
	}
	if (au.method != IKE_AUTH_PSK) {
		ike_errf(err, errlen, "peer %s authenticates with method %u, we "
		    "expect a PSK (2)", got, au.method);
		goto auth_failed;
	}
	if (ike_auth_octets(prf, &sa->keys.pi, sa->init_req, sa->init_req_len,
	    sa->nr, sa->nr_len, id.body, id.body_len, oct, sizeof(oct),
	    &olen) != 0 || ike_auth_psk_verify(prf, cfg->auth.psk,
	    cfg->auth.psk_len, oct, olen, au.data, au.len) != 0) {
		ike_errf(err, errlen, "peer %s's AUTH does not verify with our PSK "
		    "(the two PSKs differ)", got);
		goto auth_failed;
	}
	sa->state = IKE_S_ESTABLISHED;

	/* Our IDr and AUTH, then the CHILD_SA or why not. */
	id_off = in.len;
	ike_put_id(&in, IKE_PLD_IDR, cfg->auth.id_type, cfg->auth.id,
	    cfg->auth.id_len);
	if (in.overflow || ike_auth_octets(prf, &sa->keys.pr, sa->init_resp,
	    sa->init_resp_len, sa->ni, sa->ni_len, inner + id_off + 4,
	    in.len - id_off - 4, oct, sizeof(oct), &olen) != 0 ||
	    ike_auth_psk(prf, cfg->auth.psk, cfg->auth.psk_len, oct, olen,
	    mac) != 0)
		return ike_errf(err, errlen, "computing our AUTH failed"),
		    IKE_AUTH_DROP;
	ike_put_auth(&in, IKE_AUTH_PSK, mac, ike_prf_len(prf));
	OPENSSL_cleanse(mac, sizeof(mac));

	if ((pl = ike_msg_find(&m, IKE_PLD_SA, 0)) == NULL ||
	    ike_pld_sa(pl, sp, IKE_PROPOSALS_MAX, &n, err, errlen) != 0)
		n = 0;
	for (size_t i = 0; i < n; i++)
		if (!sp[i].unusable && sp[i].p.protocol == IKE_PROTO_ESP &&
		    sp[i].spi_len == 4)
			theirs[nt++] = sp[i].p;
	if (ike_xform_select(cfg->esp, cfg->nesp, theirs, nt,
	    IKE_XFORM_SKIP_KE, &ch->chosen, &idx) != 0) {
		ike_xform_mismatch(cfg->esp, cfg->nesp, theirs, nt, a, sizeof(a));
		ike_errf(err, errlen, "no acceptable CHILD_SA proposal: %s", a);
		ike_put_notify(&in, 0, N_NO_PROPOSAL_CHOSEN, NULL, 0, NULL, 0);
		goto child_failed;
	}
	/* the SPI of the peer's proposal we took */
	for (size_t i = 0, k = 0; i < n; i++)
		if (!sp[i].unusable && sp[i].p.protocol == IKE_PROTO_ESP &&
		    sp[i].spi_len == 4 && k++ == idx)
			ch->spi_out = ike_get32(sp[i].spi);
	if ((pl = ike_msg_find(&m, IKE_PLD_TSI, 0)) == NULL ||
	    ike_pld_ts(pl, tsi, IKE_TS_MAX, &ntsi, err, errlen) != 0 ||
	    (pl = ike_msg_find(&m, IKE_PLD_TSR, 0)) == NULL ||
	    ike_pld_ts(pl, tsr, IKE_TS_MAX, &ntsr, err, errlen) != 0) {
		ike_put_notify(&in, 0, N_TS_UNACCEPTABLE, NULL, 0, NULL, 0);
		ike_errf(err, errlen, "TS_UNACCEPTABLE: traffic selectors missing "
		    "or malformed");
		goto child_failed;
	}
	/* TSi is the initiator's side: our remote_ts; TSr, our local_ts */
	ch->ntsi = ike_ts_narrow(tsi, ntsi, cfg->remote_ts, cfg->nremote_ts,
	    ch->tsi, IKE_TS_MAX);
	ch->ntsr = ike_ts_narrow(tsr, ntsr, cfg->local_ts, cfg->nlocal_ts,
	    ch->tsr, IKE_TS_MAX);
	if (ch->ntsi == 0 || ch->ntsr == 0) {
		ike_ts_format_list(tsi, ntsi, a, sizeof(a));
		ike_ts_format_list(tsr, ntsr, b, sizeof(b));
		ike_ts_format_list(cfg->remote_ts, cfg->nremote_ts, c, sizeof(c));
		ike_ts_format_list(cfg->local_ts, cfg->nlocal_ts, d, sizeof(d));
		ike_errf(err, errlen, "TS_UNACCEPTABLE: peer proposed %s === %s, we "
		    "allow %s === %s", a, b, c, d);
		ike_put_notify(&in, 0, N_TS_UNACCEPTABLE, NULL, 0, NULL, 0);
		goto child_failed;
	}
	ch->spi_in = cfg->spi_in;
	if (ike_child_keymat(prf, &sa->keys.d, ch->chosen.xf[IKE_XF_ENCR][0].id,
	    ch->chosen.xf[IKE_XF_ENCR][0].keylen, NULL, 0, sa->ni, sa->ni_len,
	    sa->nr, sa->nr_len, &ch->keys, err, errlen) != 0) {
		ike_put_notify(&in, 0, N_NO_PROPOSAL_CHOSEN, NULL, 0, NULL, 0);
		goto child_failed;
	}
	ike_set32(spi, ch->spi_in);
	ike_put_sa(&in, &ch->chosen, 1, spi, 4);
	ike_put_ts(&in, IKE_PLD_TSI, ch->tsi, ch->ntsi);
	ike_put_ts(&in, IKE_PLD_TSR, ch->tsr, ch->ntsr);
	if (respond(sa, &m, &in, resp, cap, resp_len, err, errlen) != 0) {
		ike_child_keys_wipe(&ch->keys);
		return IKE_AUTH_DROP;
	}
	OPENSSL_cleanse(inner, sizeof(inner));
	return IKE_AUTH_OK;

child_failed:
	if (respond(sa, &m, &in, resp, cap, resp_len, NULL, 0) != 0)
		return IKE_AUTH_DROP;
	OPENSSL_cleanse(inner, sizeof(inner));
	return IKE_AUTH_CHILD_FAIL;

auth_failed:
	/* RFC 7296 2.21.2: AUTHENTICATION_FAILED alone, and the IKE SA
	 * goes. */
	ike_put_notify(&in, 0, N_AUTHENTICATION_FAILED, NULL, 0, NULL, 0);
	sa->state = IKE_S_DEAD;
	if (respond(sa, &m, &in, resp, cap, resp_len, NULL, 0) != 0)
		return IKE_AUTH_DROP;
	return IKE_AUTH_FAIL;
}

int
ike_auth_peek_id(const struct ike_sa *sa, const uint8_t *raw, size_t len,
    uint8_t *id_type, uint8_t *idbuf, size_t cap, size_t *id_len, char *err,
    size_t errlen)
{
	static uint8_t plain[IKE_MSG_MAX];
	const struct ike_pld *pl;
	struct ike_msg m;
	struct ike_id id;
	size_t plen;
	int rc = -1;

	if (ike_msg_parse(raw, len, &m, err, errlen) != IKE_OK)
		return -1;
	if (m.hdr.exchange != IKE_AUTH || (m.hdr.flags & IKE_FLAG_RESPONSE) ||
	    m.hdr.spi_i != sa->spi_i || m.hdr.spi_r != sa->spi_r ||
	    m.sk_off == 0)
		return ike_errf(err, errlen, "not an IKE_AUTH request for this IKE "
		    "SA");
	if (ike_sk_open(&sa->sk_in, raw, len, m.sk_off, plain, sizeof(plain),
	    &plen, err, errlen) != 0)
		return -1;
	if (ike_msg_parse_inner(&m, plain, plen, err, errlen) != IKE_OK)
		goto out;
	if ((pl = ike_msg_find(&m, IKE_PLD_IDI, 0)) == NULL ||
	    ike_pld_id(pl, &id, err, errlen) != 0) {
		ike_errf(err, errlen, "IKE_AUTH request without IDi");
		goto out;
	}
	if (id.len > cap) {
		ike_errf(err, errlen, "IDi of %zu bytes is too long", id.len);
		goto out;
	}
	*id_type = id.type;
	memcpy(idbuf, id.data, id.len);
	*id_len = id.len;
	rc = 0;
out:
	OPENSSL_cleanse(plain, plen);
	return rc;
}
