/*
 * ike_auth.c - the IKE_AUTH exchange, both roles.  See ike_auth.h.
 */
#include "ike_auth.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "conf.h"
#include "ike_cert.h"
#include "ike_child_in.h"
#include "ike_err.h"
#include "ike_msg.h"
#include "ike_ts.h"

/* The inner payloads we send: room for a CERT of IKE_CERT_DER_MAX. */
#define PLAIN_MAX	(IKE_CERT_DER_MAX + 8192)
/* The peer's CERT payloads we look at: its own and intermediates. */
#define PEER_CERTS_MAX	8

/*
 * After our ID payload: [CERT] (asked is 1 when the peer sent a CERTREQ),
 * [CERTREQ] (the initiator's, certreq 1; a responder's goes in its
 * IKE_SA_INIT response), then AUTH over octets: the signature with our
 * certificate's key, or the PSK's MAC.  IDs in log lines are as strongSwan
 * writes them (ike_cert_id_str(): address, string or DN).
 */
static int
put_auth(struct ike_buf *in, const struct ike_sa *sa,
    const struct ike_auth_cfg *a, int asked, int certreq, const uint8_t *oct,
    size_t olen, char *err, size_t errlen)
{
	uint8_t sig[IKE_SIG_MAX], hashes[20 * 64], method;
	const uint8_t *der;
	size_t slen, dlen, hlen;

	if (a->cert != NULL && (a->send_cert == CONF_SEND_CERT_ALWAYS ||
	    (a->send_cert == CONF_SEND_CERT_IFASKED && asked))) {
		if (ike_creds_cert_der(a->cert, &der, &dlen) != 0)
			return ike_errf(err, errlen, "no certificate of ours to "
			    "send");
		ike_put_cert(in, IKE_PLD_CERT, IKE_CERT_X509_SIG, der, dlen);
	}
	/* RFC 7296 3.7: the CAs we would take the peer's certificate
	 * from; without one strongSwan does not send it */
	if (certreq && !a->no_certreq && a->trust != NULL &&
	    ike_creds_certreq(a->trust, hashes, sizeof(hashes), &hlen) == 0 &&
	    hlen > 0)
		ike_put_cert(in, IKE_PLD_CERTREQ, IKE_CERT_X509_SIG, hashes,
		    hlen);
	if (a->cert == NULL) {
		if (ike_auth_psk(sa->suite.prf, a->psk, a->psk_len, oct, olen,
		    sig) != 0)
			return ike_errf(err, errlen, "computing AUTH failed");
		ike_put_auth(in, IKE_AUTH_PSK, sig, ike_prf_len(sa->suite.prf));
		OPENSSL_cleanse(sig, sizeof(sig));
		return 0;
	}
	if (ike_cert_sign(a->cert, sa->peer_hashes, oct, olen, &method, sig,
	    sizeof(sig), &slen, err, errlen) != 0)
		return -1;
	ike_put_auth(in, method, sig, slen);
	return 0;
}

/*
 * The peer's AUTH au over octets, as a says it must be: the PSK's MAC, or
 * a signature by a certificate that a->trust vouches for and whose
 * identities hold the peer's ID.  0, or -1 with why in err.
 */
static int
check_auth(const struct ike_msg *m, const struct ike_id *id,
    const struct ike_auth *au, const struct ike_auth_cfg *a,
    const uint8_t *oct, size_t olen, uint16_t prf, const char *psk_diff,
    char *err, size_t errlen)
{
	struct ike_cert certs[PEER_CERTS_MAX];
	const struct ike_pld *pl;
	char got[256];
	size_t n = 0;
	X509 *x;
	int rc;

	ike_cert_id_str(id->type, id->data, id->len, got, sizeof(got));
	if (a->trust == NULL) {
		if (au->method != IKE_AUTH_PSK)
			return ike_errf(err, errlen, "peer %s authenticates with "
			    "method %u, we expect a PSK (2)", got, au->method);
		if (ike_auth_psk_verify(prf, a->psk, a->psk_len, oct, olen,
		    au->data, au->len) != 0)
			return ike_errf(err, errlen, "peer %s's AUTH does not "
			    "verify with our PSK%s", got, psk_diff);
		return 0;
	}
	if (au->method == IKE_AUTH_PSK)
		return ike_errf(err, errlen, "peer %s authenticates with a PSK, "
		    "we expect a certificate", got);
	for (int i = 0; n < PEER_CERTS_MAX &&
	    (pl = ike_msg_find(m, IKE_PLD_CERT, i)) != NULL; i++)
		if (ike_pld_cert(pl, &certs[n], NULL, 0) == 0)
			n++;
	if (ike_cert_peer(a->trust, certs, n, id->type, id->data, id->len, &x,
	    err, errlen) != 0)
		return -1;
	rc = ike_cert_verify(x, au->method, au->data, au->len, oct, olen, err,
	    errlen);
	X509_free(x);
	return rc;
}

int
ike_auth_request(struct ike_sa *sa, const struct ike_auth_cfg *a,
    const struct ike_child_req *c, uint8_t *buf, size_t cap, size_t *len,
    char *err, size_t errlen)
{
	static uint8_t plain[PLAIN_MAX];
	uint8_t oct[IKE_INIT_MSG_MAX + IKE_NONCE_MAX + IKE_PRF_MAX], spi[4];
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
	    in.len - id_off - 4, oct, sizeof(oct), &olen) != 0)
		return ike_errf(err, errlen, "IKE_AUTH: computing AUTH failed");
	if (put_auth(&in, sa, a, sa->peer_certreq, 1, oct, olen, err,
	    errlen) != 0)
		return -1;
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
	struct ike_notify no;

	if (ike_child_in_error(m, &no)) {
		ike_child_in_refused(&no, "CHILD_SA", c, err, errlen);
		return IKE_AUTH_CHILD_FAIL;
	}
	/* no KE here: the IKE SA's DH made its keys (RFC 7296 1.2) */
	if (ike_child_in(m, IKE_AUTH, c, IKE_XFORM_SKIP_KE, ch, err,
	    errlen) != 0 || ike_child_derive(sa, ch, NULL, 0, sa->ni,
	    sa->ni_len, sa->nr, sa->nr_len, err, errlen) != 0)
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
		    "(AUTHENTICATION_FAILED): our ID or %s is not what it "
		    "%s", a->cert ? "certificate" : "PSK", a->cert ? "trusts" :
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
	if (a->peer_id_type != 0 && !ike_cert_id_equal(id.type, id.data,
	    id.len, a->peer_id_type, a->peer_id, a->peer_id_len)) {
		ike_cert_id_str(id.type, id.data, id.len, got, sizeof(got));
		ike_cert_id_str(a->peer_id_type, a->peer_id, a->peer_id_len,
		    want, sizeof(want));
		sa->state = IKE_S_DEAD;
		return ike_errf(err, errlen, "peer ID %s is not the one we expect, "
		    "%s", got, want), IKE_AUTH_FAIL;
	}
	if (ike_auth_octets(sa->suite.prf, &sa->keys.pr, sa->init_resp,
	    sa->init_resp_len, sa->ni, sa->ni_len, id.body, id.body_len, oct,
	    sizeof(oct), &olen) != 0) {
		sa->state = IKE_S_DEAD;
		return ike_errf(err, errlen, "IKE_AUTH: computing the peer's "
		    "AUTH octets failed"), IKE_AUTH_FAIL;
	}
	if (check_auth(&m, &id, &au, a, oct, olen, sa->suite.prf, "", err,
	    errlen) != 0) {
		sa->state = IKE_S_DEAD;
		return IKE_AUTH_FAIL;
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
	uint8_t spi[4];
	struct ike_sa_prop sp[IKE_PROPOSALS_MAX];
	struct ike_proposal theirs[IKE_PROPOSALS_MAX];
	const struct ike_pld *pl;
	struct ike_msg m;
	struct ike_id id;
	struct ike_auth au;
	struct ike_buf in;
	size_t plen, olen, n, nt = 0, id_off, idx;
	char got[256], want[256], a[512];
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
	ike_cert_id_str(id.type, id.data, id.len, got, sizeof(got));
	if (cfg->auth.peer_id_type != 0 && !ike_cert_id_equal(id.type,
	    id.data, id.len, cfg->auth.peer_id_type, cfg->auth.peer_id,
	    cfg->auth.peer_id_len)) {
		ike_cert_id_str(cfg->auth.peer_id_type, cfg->auth.peer_id,
		    cfg->auth.peer_id_len, want, sizeof(want));
		ike_errf(err, errlen, "peer ID %s matches no connection, expected "
		    "%s", got, want);
		goto auth_failed;
	}
	if (ike_auth_octets(prf, &sa->keys.pi, sa->init_req, sa->init_req_len,
	    sa->nr, sa->nr_len, id.body, id.body_len, oct, sizeof(oct),
	    &olen) != 0) {
		ike_errf(err, errlen, "computing the peer's AUTH octets failed");
		goto auth_failed;
	}
	if (check_auth(&m, &id, &au, &cfg->auth, oct, olen, prf,
	    " (the two PSKs differ)", err, errlen) != 0)
		goto auth_failed;
	sa->state = IKE_S_ESTABLISHED;

	/* Our IDr and AUTH, then the CHILD_SA or why not. */
	id_off = in.len;
	ike_put_id(&in, IKE_PLD_IDR, cfg->auth.id_type, cfg->auth.id,
	    cfg->auth.id_len);
	if (in.overflow || ike_auth_octets(prf, &sa->keys.pr, sa->init_resp,
	    sa->init_resp_len, sa->ni, sa->ni_len, inner + id_off + 4,
	    in.len - id_off - 4, oct, sizeof(oct), &olen) != 0)
		return ike_errf(err, errlen, "computing our AUTH failed"),
		    IKE_AUTH_DROP;
	if (put_auth(&in, sa, &cfg->auth, ike_msg_find(&m, IKE_PLD_CERTREQ,
	    0) != NULL, 0, oct, olen, err, errlen) != 0)
		goto auth_failed;	/* we can't prove who we are */

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
	if (ike_child_narrow(&m, cfg->local_ts, cfg->nlocal_ts, cfg->remote_ts,
	    cfg->nremote_ts, ch, err, errlen) != 0) {
		ike_put_notify(&in, 0, N_TS_UNACCEPTABLE, NULL, 0, NULL, 0);
		goto child_failed;
	}
	ch->spi_in = cfg->spi_in;
	if (ike_child_derive(sa, ch, NULL, 0, sa->ni, sa->ni_len, sa->nr,
	    sa->nr_len, err, errlen) != 0) {
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
	ike_buf_init(&in, inner, sizeof(inner));
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
