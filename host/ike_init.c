/*
 * ike_init.c - the IKE_SA_INIT exchange, both roles.  See ike_init.h.
 */
#include "ike_init.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ike_cert.h"
#include "ike_err.h"
#include "ike_pld.h"

/* ---- NAT detection, cookies ---------------------------------------- */

static size_t
addr_bytes(const struct sockaddr_storage *a, const uint8_t **p,
    uint16_t *port)
{
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *s = (const struct sockaddr_in *)a;

		*p = (const uint8_t *)&s->sin_addr;
		*port = s->sin_port;		/* network order, as hashed */
		return 4;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)a;

		*p = (const uint8_t *)&s->sin6_addr;
		*port = s->sin6_port;
		return 16;
	}
	return 0;
}

int
ike_natd_hash(uint64_t spi_i, uint64_t spi_r, const struct sockaddr_storage *a,
    uint8_t out[20])
{
	uint8_t spis[16];
	const uint8_t *ip;
	uint16_t port;
	unsigned int olen = 0;
	size_t alen = addr_bytes(a, &ip, &port);
	EVP_MD_CTX *c;
	int ok;

	if (alen == 0 || (c = EVP_MD_CTX_new()) == NULL)
		return -1;
	for (int i = 0; i < 8; i++) {
		spis[i] = (uint8_t)(spi_i >> (56 - 8 * i));
		spis[8 + i] = (uint8_t)(spi_r >> (56 - 8 * i));
	}
	ok = EVP_DigestInit_ex(c, EVP_sha1(), NULL) &&
	    EVP_DigestUpdate(c, spis, 16) && EVP_DigestUpdate(c, ip, alen) &&
	    EVP_DigestUpdate(c, &port, 2) && EVP_DigestFinal_ex(c, out, &olen);
	EVP_MD_CTX_free(c);
	return ok && olen == 20 ? 0 : -1;
}

/* RFC 7296 2.6: <VersionIDofSecret> | Hash(Ni | IPi | SPIi | <secret>). */
static int
cookie_make(const struct ike_cookie_cfg *cfg, const uint8_t *ni,
    size_t ni_len, const struct sockaddr_storage *from, uint64_t spi_i,
    uint8_t out[33])
{
	uint8_t spi[8];
	const uint8_t *ip;
	uint16_t port;
	unsigned int olen = 0;
	size_t alen = addr_bytes(from, &ip, &port);
	EVP_MD_CTX *c;
	int ok;

	if (alen == 0 || (c = EVP_MD_CTX_new()) == NULL)
		return -1;
	for (int i = 0; i < 8; i++)
		spi[i] = (uint8_t)(spi_i >> (56 - 8 * i));
	out[0] = cfg->version;
	ok = EVP_DigestInit_ex(c, EVP_sha256(), NULL) &&
	    EVP_DigestUpdate(c, ni, ni_len) && EVP_DigestUpdate(c, ip, alen) &&
	    EVP_DigestUpdate(c, spi, 8) &&
	    EVP_DigestUpdate(c, cfg->secret, sizeof(cfg->secret)) &&
	    EVP_DigestFinal_ex(c, out + 1, &olen);
	EVP_MD_CTX_free(c);
	return ok && olen == 32 ? 0 : -1;
}

/* ---- shared pieces ------------------------------------------------- */

/* The KE groups a proposal list offers, first the first proposal's. */
static int
offers_group(const struct ike_proposal *p, size_t n, uint16_t g)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < p[i].n[IKE_XF_KE]; k++)
			if (p[i].xf[IKE_XF_KE][k].id == g)
				return 1;
	return 0;
}

static void
put_natd(struct ike_buf *b, const struct ike_sa *sa, uint64_t spi_r)
{
	uint8_t h[20];

	/* source: where this message comes from; destination: where it
	 * goes.  A hash we can't make is sent as zeros: it just reads as
	 * a NAT, which costs only the move to port 4500. */
	if (ike_natd_hash(sa->spi_i, spi_r, &sa->local, h) != 0)
		memset(h, 0, sizeof(h));
	/* encap = yes: a source hash that can't match, so that the peer
	 * sees a NAT and encapsulates ESP in UDP, as strongSwan does. */
	if (sa->fake_natd)
		h[0] ^= 0xff;
	ike_put_notify(b, 0, N_NAT_DETECTION_SOURCE_IP, NULL, 0, h, 20);
	if (ike_natd_hash(sa->spi_i, spi_r, &sa->remote, h) != 0)
		memset(h, 0, sizeof(h));
	ike_put_notify(b, 0, N_NAT_DETECTION_DESTINATION_IP, NULL, 0, h, 20);
}

/*
 * The peer's NAT_DETECTION payloads against the addresses this message
 * really had (RFC 7296 2.23): a source hash matching none means the peer
 * is behind a NAT; a destination hash that does not match ours, that we
 * are.  spi_r as the message carried it.  No payloads: nothing known.
 */
static void
check_natd(struct ike_sa *sa, const struct ike_msg *m, uint64_t spi_r)
{
	uint8_t mine[20], theirs[20];
	int src = 0, src_ok = 0, dst = 0, dst_ok = 0;

	if (ike_natd_hash(sa->spi_i, spi_r, &sa->remote, theirs) != 0 ||
	    ike_natd_hash(sa->spi_i, spi_r, &sa->local, mine) != 0)
		return;
	for (size_t i = 0; i < m->npld; i++) {
		struct ike_notify n;

		if (m->pld[i].type != IKE_PLD_NOTIFY ||
		    ike_pld_notify(&m->pld[i], &n, NULL, 0) != 0 || n.len != 20)
			continue;
		if (n.type == N_NAT_DETECTION_SOURCE_IP) {
			src = 1;
			src_ok |= memcmp(n.data, theirs, 20) == 0;
		} else if (n.type == N_NAT_DETECTION_DESTINATION_IP) {
			dst = 1;
			dst_ok |= memcmp(n.data, mine, 20) == 0;
		}
	}
	sa->nat_remote = src && !src_ok;
	sa->nat_local = dst && !dst_ok;
}

/* RFC 7427 4: the hashes we verify signatures with, in both roles. */
static void
put_sig_hashes(struct ike_buf *b)
{
	static const uint8_t h[] = { 0, IKE_HASH_SHA2_256, 0,
	    IKE_HASH_SHA2_384, 0, IKE_HASH_SHA2_512 };

	ike_put_notify(b, 0, N_SIGNATURE_HASH_ALGORITHMS, NULL, 0, h,
	    sizeof(h));
}

/* The hashes the peer's SIGNATURE_HASH_ALGORITHMS names, as bits; 0 for
 * none (it signs the classic way, and so must we). */
static unsigned
peer_sig_hashes(const struct ike_msg *m)
{
	const struct ike_pld *pl = ike_msg_notify(m,
	    N_SIGNATURE_HASH_ALGORITHMS);
	struct ike_notify no;
	unsigned bits = 0;

	if (pl == NULL || ike_pld_notify(pl, &no, NULL, 0) != 0)
		return 0;
	for (size_t i = 0; i + 1 < no.len; i += 2) {
		uint16_t h = ike_get16(no.data + i);

		if (h < 32)
			bits |= IKE_HASH_BIT(h);
	}
	return bits;
}

/* The peer's SA payload as proposals select() can take: the usable ones
 * for IKE, in their order. */
static int
their_proposals(const struct ike_msg *m, struct ike_proposal *out,
    size_t *n, char *err, size_t errlen)
{
	struct ike_sa_prop sp[IKE_PROPOSALS_MAX];
	const struct ike_pld *pl = ike_msg_find(m, IKE_PLD_SA, 0);
	size_t k, i;

	*n = 0;
	if (pl == NULL)
		return ike_errf(err, errlen, "no SA payload");
	if (ike_pld_sa(pl, sp, IKE_PROPOSALS_MAX, &k, err, errlen) != 0)
		return -1;
	for (i = 0; i < k; i++)
		if (!sp[i].unusable && sp[i].p.protocol == IKE_PROTO_IKE &&
		    sp[i].spi_len == 0)
			out[(*n)++] = sp[i].p;
	return 0;
}

static int
derive(struct ike_sa *sa, const uint8_t *peer_ke, size_t peer_len, char *err,
    size_t errlen)
{
	uint8_t gir[IKE_DH_MAX];
	size_t glen = sizeof(gir);
	int rc;

	if (ike_suite_from_proposal(&sa->chosen, &sa->suite, err, errlen) != 0)
		return -1;
	if (ike_dh_shared(sa->dh, peer_ke, peer_len, gir, &glen, err,
	    errlen) != 0)
		return -1;
	rc = ike_sa_keys(&sa->suite, sa->ni, sa->ni_len, sa->nr, sa->nr_len,
	    gir, glen, sa->spi_i, sa->spi_r, &sa->keys, err, errlen);
	OPENSSL_cleanse(gir, sizeof(gir));
	if (rc == 0)
		rc = ike_sk_pair(&sa->suite, &sa->keys, sa->initiator,
		    &sa->sk_out, &sa->sk_in, err, errlen);
	/* g^ir is made; the private value has done its work. */
	ike_dh_free(sa->dh);
	sa->dh = NULL;
	return rc;
}

static int
new_dh(struct ike_sa *sa, uint16_t group, char *err, size_t errlen)
{
	ike_dh_free(sa->dh);
	sa->dh = NULL;
	sa->group = group;
	return ike_dh_new(group, &sa->dh, err, errlen);
}

static int
put_ke(struct ike_buf *b, const struct ike_sa *sa)
{
	uint8_t pub[IKE_DH_MAX];
	size_t plen = ike_dh_public_len(sa->group);

	if (plen == 0 || ike_dh_public(sa->dh, pub, plen) != 0)
		return -1;
	ike_put_ke(b, sa->group, pub, plen);
	return 0;
}

/* ---- initiator ----------------------------------------------------- */

int
ike_init_begin(struct ike_sa *sa, const struct ike_proposal *ours, size_t n,
    uint16_t group, char *err, size_t errlen)
{
	if (n == 0 || ours[0].n[IKE_XF_KE] == 0)
		return ike_errf(err, errlen, "no IKE proposal with a KE group");
	if (group == 0)
		group = ours[0].xf[IKE_XF_KE][0].id;
	sa->initiator = 1;
	sa->state = IKE_S_NEW;
	if (ike_random_spi(&sa->spi_i, err, errlen) != 0 ||
	    ike_random(sa->ni, IKE_NONCE_LEN, err, errlen) != 0)
		return -1;
	sa->ni_len = IKE_NONCE_LEN;
	return new_dh(sa, group, err, errlen);
}

int
ike_init_request(struct ike_sa *sa, const struct ike_proposal *ours, size_t n,
    uint8_t *buf, size_t cap, size_t *len, char *err, size_t errlen)
{
	struct ike_hdr h = { 0 };
	struct ike_buf b;

	h.spi_i = sa->spi_i;
	h.exchange = IKE_SA_INIT;
	h.flags = IKE_FLAG_INITIATOR;
	h.msgid = 0;
	ike_buf_init(&b, buf, cap);
	ike_buf_hdr(&b, &h);
	/* RFC 7296 2.6: the cookie first, the rest as before. */
	if (sa->cookie_len > 0)
		ike_put_notify(&b, 0, N_COOKIE, NULL, 0, sa->cookie,
		    sa->cookie_len);
	ike_put_sa(&b, ours, n, NULL, 0);
	if (put_ke(&b, sa) != 0)
		return ike_errf(err, errlen, "KE: no public value for group %u",
		    sa->group);
	ike_buf_begin(&b, IKE_PLD_NONCE, 0);
	ike_buf_put(&b, sa->ni, sa->ni_len);
	ike_buf_end(&b);
	put_natd(&b, sa, 0);
	put_sig_hashes(&b);
	if (ike_buf_finish(&b) != 0 || b.len > sizeof(sa->init_req))
		return ike_errf(err, errlen, "IKE_SA_INIT request: too long");
	memcpy(sa->init_req, buf, b.len);
	sa->init_req_len = b.len;
	sa->state = IKE_S_INIT_SENT;
	sa->msgid_out = 1;
	*len = b.len;
	return 0;
}

enum ike_init_result
ike_init_response_in(struct ike_sa *sa, const struct ike_msg *m,
    const struct ike_proposal *ours, size_t n, char *err, size_t errlen)
{
	struct ike_proposal theirs[IKE_PROPOSALS_MAX], pick;
	const struct ike_pld *pl;
	struct ike_notify no;
	struct ike_ke ke;
	const uint8_t *nonce;
	size_t nt, nlen;
	char a[512], b2[512];

	if (m->hdr.exchange != IKE_SA_INIT || !(m->hdr.flags &
	    IKE_FLAG_RESPONSE) || m->hdr.msgid != 0 ||
	    m->hdr.spi_i != sa->spi_i || sa->state != IKE_S_INIT_SENT)
		return ike_errf(err, errlen, "not the response to our IKE_SA_INIT "
		    "request"), IKE_INIT_DROP;
	if ((pl = ike_msg_notify(m, N_COOKIE)) != NULL) {
		if (ike_pld_notify(pl, &no, err, errlen) != 0 || no.len < 1 ||
		    no.len > sizeof(sa->cookie))
			return ike_errf(err, errlen, "a COOKIE of %zu bytes (1 .. "
			    "64)", no.len), IKE_INIT_DROP;
		memcpy(sa->cookie, no.data, no.len);
		sa->cookie_len = no.len;
		sa->state = IKE_S_NEW;
		ike_errf(err, errlen, "the peer asked for a COOKIE: sending the "
		    "request again with it");
		return IKE_INIT_RETRY;
	}
	if ((pl = ike_msg_notify(m, N_INVALID_KE_PAYLOAD)) != NULL) {
		uint16_t g;

		if (ike_pld_notify(pl, &no, err, errlen) != 0 || no.len != 2)
			return ike_errf(err, errlen, "INVALID_KE_PAYLOAD without "
			    "its group"), IKE_INIT_DROP;
		g = ike_get16(no.data);
		if (!offers_group(ours, n, g) || g == sa->group)
			return ike_errf(err, errlen, "peer wants KE group %s (%u), "
			    "which we %s", ike_xform_name(IKE_XF_KE, g) ?
			    ike_xform_name(IKE_XF_KE, g) : "?", g,
			    g == sa->group ? "sent already" : "did not "
			    "propose"), IKE_INIT_FAIL;
		ike_errf(err, errlen, "peer wants KE group %s instead of %s: "
		    "sending the request again", ike_xform_name(IKE_XF_KE, g),
		    ike_xform_name(IKE_XF_KE, sa->group));
		if (new_dh(sa, g, NULL, 0) != 0)
			return ike_errf(err, errlen, "KE group %u: no key pair",
			    g), IKE_INIT_FAIL;
		sa->state = IKE_S_NEW;
		return IKE_INIT_RETRY;
	}
	if (ike_msg_notify(m, N_NO_PROPOSAL_CHOSEN) != NULL) {
		ike_xform_format_list(ours, n, a, sizeof(a));
		return ike_errf(err, errlen, "peer accepted none of our IKE "
		    "proposals (NO_PROPOSAL_CHOSEN); we proposed %s", a),
		    IKE_INIT_FAIL;
	}
	for (size_t i = 0; i < m->npld; i++)
		if (m->pld[i].type == IKE_PLD_NOTIFY &&
		    ike_pld_notify(&m->pld[i], &no, NULL, 0) == 0 &&
		    no.type <= N_ERROR_MAX)
			return ike_errf(err, errlen, "peer answered %s (%u)",
			    ike_notify_name(no.type) ? ike_notify_name(no.type) :
			    "an error", no.type), IKE_INIT_FAIL;

	if (m->hdr.spi_r == 0)
		return ike_errf(err, errlen, "a response with no responder SPI"),
		    IKE_INIT_DROP;
	if (their_proposals(m, theirs, &nt, err, errlen) != 0)
		return IKE_INIT_DROP;
	/* The answer is one proposal, one transform a type, out of ours. */
	if (nt != 1 || ike_xform_select(ours, n, theirs, 1, 0, &pick,
	    NULL) != 0 || memcmp(pick.n, theirs[0].n, sizeof(pick.n)) != 0) {
		ike_xform_format_list(theirs, nt, a, sizeof(a));
		ike_xform_format_list(ours, n, b2, sizeof(b2));
		return ike_errf(err, errlen, "peer chose %s, which is not one of "
		    "ours: %s", nt ? a : "nothing", b2), IKE_INIT_FAIL;
	}
	if ((pl = ike_msg_find(m, IKE_PLD_KE, 0)) == NULL ||
	    ike_pld_ke(pl, &ke, err, errlen) != 0)
		return ike_errf(err, errlen, "no KE payload"), IKE_INIT_DROP;
	if (ke.group != sa->group || pick.xf[IKE_XF_KE][0].id != sa->group)
		return ike_errf(err, errlen, "peer's KE is group %u, we sent %u",
		    ke.group, sa->group), IKE_INIT_FAIL;
	if ((pl = ike_msg_find(m, IKE_PLD_NONCE, 0)) == NULL ||
	    ike_pld_nonce(pl, &nonce, &nlen, err, errlen) != 0)
		return IKE_INIT_DROP;
	if (m->raw_len > sizeof(sa->init_resp))
		return ike_errf(err, errlen, "response too long"), IKE_INIT_DROP;

	sa->spi_r = m->hdr.spi_r;
	sa->chosen = pick;
	memcpy(sa->nr, nonce, nlen);
	sa->nr_len = nlen;
	if (derive(sa, ke.data, ke.len, err, errlen) != 0) {
		sa->spi_r = 0;
		return IKE_INIT_FAIL;
	}
	check_natd(sa, m, sa->spi_r);
	sa->peer_hashes = peer_sig_hashes(m);
	sa->peer_certreq = ike_msg_find(m, IKE_PLD_CERTREQ, 0) != NULL;
	memcpy(sa->init_resp, m->raw, m->raw_len);
	sa->init_resp_len = m->raw_len;
	sa->state = IKE_S_INIT_DONE;
	return IKE_INIT_OK;
}

/* ---- responder ----------------------------------------------------- */

/* An error response: the request's SPIi, SPIr 0, one notify. */
static enum ike_init_result
answer(const struct ike_msg *m, uint16_t type, const uint8_t *data,
    size_t dlen, uint8_t *buf, size_t cap, size_t *len)
{
	struct ike_hdr h = { 0 };
	struct ike_buf b;

	h.spi_i = m->hdr.spi_i;
	h.exchange = IKE_SA_INIT;
	h.flags = IKE_FLAG_RESPONSE;
	ike_buf_init(&b, buf, cap);
	ike_buf_hdr(&b, &h);
	ike_put_notify(&b, 0, type, NULL, 0, data, dlen);
	if (ike_buf_finish(&b) != 0)
		return IKE_INIT_DROP;
	*len = b.len;
	return IKE_INIT_ANSWER;
}

enum ike_init_result
ike_init_request_in(struct ike_sa *sa, const struct ike_msg *m,
    const struct ike_proposal *ours, size_t n,
    const struct ike_cookie_cfg *cookie, uint8_t *buf, size_t cap,
    size_t *len, char *err, size_t errlen)
{
	struct ike_proposal theirs[IKE_PROPOSALS_MAX];
	const struct ike_pld *pl;
	struct ike_hdr h = { 0 };
	struct ike_buf b;
	struct ike_ke ke;
	const uint8_t *nonce;
	size_t nt, nlen, idx;
	uint8_t want[33];
	char a[1024];

	if (m->hdr.exchange != IKE_SA_INIT || (m->hdr.flags &
	    IKE_FLAG_RESPONSE) || !(m->hdr.flags & IKE_FLAG_INITIATOR) ||
	    m->hdr.msgid != 0 || m->hdr.spi_r != 0 || m->hdr.spi_i == 0)
		return ike_errf(err, errlen, "not an IKE_SA_INIT request"),
		    IKE_INIT_DROP;
	if ((pl = ike_msg_find(m, IKE_PLD_NONCE, 0)) == NULL ||
	    ike_pld_nonce(pl, &nonce, &nlen, err, errlen) != 0)
		return ike_errf(err, errlen, "IKE_SA_INIT request without a good "
		    "nonce"), IKE_INIT_DROP;
	if ((pl = ike_msg_find(m, IKE_PLD_KE, 0)) == NULL ||
	    ike_pld_ke(pl, &ke, err, errlen) != 0)
		return ike_errf(err, errlen, "IKE_SA_INIT request without a KE "
		    "payload"), IKE_INIT_DROP;
	if (their_proposals(m, theirs, &nt, err, errlen) != 0)
		return IKE_INIT_DROP;

	/* RFC 7296 2.6: before any state or DH, a cookie if asked for. */
	if (cookie != NULL && cookie->required) {
		struct ike_notify no;

		if (cookie_make(cookie, nonce, nlen, &sa->remote, m->hdr.spi_i,
		    want) != 0)
			return IKE_INIT_DROP;
		pl = ike_msg_notify(m, N_COOKIE);
		if (pl == NULL || ike_pld_notify(pl, &no, NULL, 0) != 0 ||
		    no.len != sizeof(want) ||
		    CRYPTO_memcmp(no.data, want, sizeof(want)) != 0) {
			ike_errf(err, errlen, "%s: asking the peer for a cookie",
			    pl ? "a stale or wrong COOKIE" : "no COOKIE");
			return answer(m, N_COOKIE, want, sizeof(want), buf, cap,
			    len);
		}
	}
	if (ike_xform_select(ours, n, theirs, nt, 0, &sa->chosen, &idx) != 0) {
		ike_xform_mismatch(ours, n, theirs, nt, a, sizeof(a));
		ike_errf(err, errlen, "no acceptable IKE proposal: %s", a);
		return answer(m, N_NO_PROPOSAL_CHOSEN, NULL, 0, buf, cap, len);
	}
	if (ke.group != sa->chosen.xf[IKE_XF_KE][0].id) {
		uint8_t g[2];
		uint16_t want_g = sa->chosen.xf[IKE_XF_KE][0].id;

		/* The group we would take must be one they proposed, which
		 * select() made sure of; tell them which (RFC 7296 1.3). */
		ike_set16(g, want_g);
		ike_errf(err, errlen, "peer's KE is %s, we take %s of what it "
		    "proposed: INVALID_KE_PAYLOAD", ike_xform_name(IKE_XF_KE,
		    ke.group) ? ike_xform_name(IKE_XF_KE, ke.group) : "unknown",
		    ike_xform_name(IKE_XF_KE, want_g));
		return answer(m, N_INVALID_KE_PAYLOAD, g, 2, buf, cap, len);
	}

	sa->initiator = 0;
	sa->spi_i = m->hdr.spi_i;
	memcpy(sa->ni, nonce, nlen);
	sa->ni_len = nlen;
	if (m->raw_len > sizeof(sa->init_req))
		return ike_errf(err, errlen, "request too long"), IKE_INIT_DROP;
	memcpy(sa->init_req, m->raw, m->raw_len);
	sa->init_req_len = m->raw_len;
	if (ike_random_spi(&sa->spi_r, err, errlen) != 0 ||
	    ike_random(sa->nr, IKE_NONCE_LEN, err, errlen) != 0 ||
	    new_dh(sa, ke.group, err, errlen) != 0)
		return IKE_INIT_DROP;
	sa->nr_len = IKE_NONCE_LEN;
	check_natd(sa, m, 0);
	sa->peer_hashes = peer_sig_hashes(m);

	h.spi_i = sa->spi_i;
	h.spi_r = sa->spi_r;
	h.exchange = IKE_SA_INIT;
	h.flags = IKE_FLAG_RESPONSE;
	ike_buf_init(&b, buf, cap);
	ike_buf_hdr(&b, &h);
	ike_put_sa(&b, &sa->chosen, 1, NULL, 0);
	if (put_ke(&b, sa) != 0)
		return ike_errf(err, errlen, "KE: no public value"), IKE_INIT_DROP;
	ike_buf_begin(&b, IKE_PLD_NONCE, 0);
	ike_buf_put(&b, sa->nr, sa->nr_len);
	ike_buf_end(&b);
	put_natd(&b, sa, sa->spi_r);
	/* RFC 7296 3.7: the CAs we trust, so the initiator sends its
	 * certificate (strongSwan sends one only when asked) */
	if (sa->certreq != NULL && sa->certreq_len > 0)
		ike_put_cert(&b, IKE_PLD_CERTREQ, IKE_CERT_X509_SIG,
		    sa->certreq, sa->certreq_len);
	put_sig_hashes(&b);
	if (ike_buf_finish(&b) != 0 || b.len > sizeof(sa->init_resp))
		return ike_errf(err, errlen, "response too long"), IKE_INIT_DROP;
	if (derive(sa, ke.data, ke.len, err, errlen) != 0)
		return IKE_INIT_DROP;
	memcpy(sa->init_resp, buf, b.len);
	sa->init_resp_len = b.len;
	sa->state = IKE_S_INIT_DONE;
	sa->msgid_in = 1;
	*len = b.len;
	return IKE_INIT_OK;
}
