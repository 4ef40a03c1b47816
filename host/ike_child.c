/*
 * ike_child.c - the CREATE_CHILD_SA exchange, both roles.  See ike_child.h.
 */
#include "ike_child.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ike_child_in.h"
#include "ike_err.h"
#include "ike_init.h"		/* IKE_NONCE_LEN */
#include "ike_msg.h"
#include "ike_pld.h"
#include "ike_sk_msg.h"
#include "ike_ts.h"

#define PLAIN_MAX	8192

/* ---- shared pieces ------------------------------------------------- */

static const char *
gname(uint16_t g)
{
	const char *s = ike_xform_name(IKE_XF_KE, g);

	return s != NULL ? s : "an unknown group";
}

/* A proposal's KE groups as a line says them: "no DH group",
 * "MODP_2048", "MODP_2048 or ECP_256". */
static void
groups_str(const struct ike_proposal *p, char *buf, size_t len)
{
	size_t off = 0;
	int k, any = 0;

	buf[0] = '\0';
	for (k = 0; k < p->n[IKE_XF_KE]; k++) {
		if (p->xf[IKE_XF_KE][k].id == 0)
			continue;		/* NONE */
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%s",
		    any ? " or " : "", gname(p->xf[IKE_XF_KE][k].id));
		any = 1;
	}
	if (!any)
		snprintf(buf, len, "no DH group");
}

/* The first proposal's first KE group; 0 for none (no PFS). */
static uint16_t
first_group(const struct ike_proposal *p, size_t n)
{
	if (n == 0)
		return 0;
	for (int k = 0; k < p[0].n[IKE_XF_KE]; k++)
		if (p[0].xf[IKE_XF_KE][k].id != 0)
			return p[0].xf[IKE_XF_KE][k].id;
	return 0;
}

static int
offers_group(const struct ike_proposal *p, size_t n, uint16_t g)
{
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < p[i].n[IKE_XF_KE]; k++)
			if (p[i].xf[IKE_XF_KE][k].id == g && g != 0)
				return 1;
	return 0;
}

static uint16_t
chosen_group(const struct ike_proposal *p)
{
	return p->n[IKE_XF_KE] > 0 ? p->xf[IKE_XF_KE][0].id : 0;
}

void
ike_child_xchg_clear(struct ike_child_xchg *x)
{
	ike_dh_free(x->dh);
	OPENSSL_cleanse(x, sizeof(*x));
}

/* x's key pair for group (none for 0); a planted one of that group is
 * kept. */
static int
start_ke(struct ike_child_xchg *x, uint16_t group, char *err, size_t errlen)
{
	x->group = group;
	if (x->dh != NULL && group != 0 && ike_dh_group(x->dh) == group)
		return 0;
	ike_dh_free(x->dh);
	x->dh = NULL;
	if (group == 0)
		return 0;
	return ike_dh_new(group, &x->dh, err, errlen);
}

static int
put_ke(struct ike_buf *b, const struct ike_dh *dh)
{
	uint8_t pub[IKE_DH_MAX];
	uint16_t g = ike_dh_group(dh);
	size_t plen = ike_dh_public_len(g);

	if (plen == 0 || ike_dh_public(dh, pub, plen) != 0)
		return -1;
	ike_put_ke(b, g, pub, plen);
	return 0;
}

static void
put_nonce(struct ike_buf *b, const uint8_t *n, size_t len)
{
	ike_buf_begin(b, IKE_PLD_NONCE, 0);
	ike_buf_put(b, n, len);
	ike_buf_end(b);
}

static void
put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i));
}

/*
 * g^ir from the KE payload of m, which must be of group: 0, or -1 with
 * err (no KE, another group, a bad value).
 */
static int
shared(struct ike_dh *dh, const struct ike_msg *m, uint16_t group,
    uint8_t *gir, size_t *glen, char *err, size_t errlen)
{
	const struct ike_pld *pl = ike_msg_find(m, IKE_PLD_KE, 0);
	struct ike_ke ke;

	*glen = IKE_DH_MAX;
	if (pl == NULL || ike_pld_ke(pl, &ke, NULL, 0) != 0)
		return ike_errf(err, errlen, "no KE payload for %s",
		    gname(group));
	if (ke.group != group)
		return ike_errf(err, errlen, "a KE of %s where %s was chosen",
		    gname(ke.group), gname(group));
	return ike_dh_shared(dh, ke.data, ke.len, gir, glen, err, errlen);
}

static int
nonce_of(const struct ike_msg *m, const uint8_t **n, size_t *len, char *err,
    size_t errlen)
{
	const struct ike_pld *pl = ike_msg_find(m, IKE_PLD_NONCE, 0);

	if (pl == NULL)
		return ike_errf(err, errlen, "no nonce");
	return ike_pld_nonce(pl, n, len, err, errlen);
}

/* Does the SA payload of m ask for an IKE SA? */
static int
asks_ike(const struct ike_msg *m)
{
	struct ike_sa_prop sp[IKE_PROPOSALS_MAX];
	const struct ike_pld *pl = ike_msg_find(m, IKE_PLD_SA, 0);
	size_t n;

	if (pl == NULL || ike_pld_sa(pl, sp, IKE_PROPOSALS_MAX, &n, NULL,
	    0) != 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (sp[i].p.protocol == IKE_PROTO_IKE)
			return 1;
	return 0;
}

/*
 * A rekeyed IKE SA (RFC 7296 2.18): keys with the old SA's SK_d and PRF,
 * the new suite's SK contexts, Message IDs from 0.  initiator: we started
 * the rekey, so we are the new SA's original initiator.
 */
static int
make_sa(const struct ike_sa *old, const struct ike_proposal *chosen,
    int initiator, uint64_t spi_i, uint64_t spi_r, const uint8_t *ni,
    size_t ni_len, const uint8_t *nr, size_t nr_len, const uint8_t *gir,
    size_t glen, struct ike_sa *sa, char *err, size_t errlen)
{
	memset(sa, 0, sizeof(*sa));
	sa->initiator = initiator;
	sa->spi_i = spi_i;
	sa->spi_r = spi_r;
	sa->local = old->local;
	sa->remote = old->remote;
	sa->nat_local = old->nat_local;
	sa->nat_remote = old->nat_remote;
	sa->chosen = *chosen;
	sa->group = chosen_group(chosen);
	memcpy(sa->ni, ni, ni_len);
	sa->ni_len = ni_len;
	memcpy(sa->nr, nr, nr_len);
	sa->nr_len = nr_len;
	if (ike_suite_from_proposal(chosen, &sa->suite, err, errlen) != 0 ||
	    ike_sa_rekey(&sa->suite, old->suite.prf, &old->keys.d, ni, ni_len,
	    nr, nr_len, gir, glen, spi_i, spi_r, &sa->keys, err, errlen) != 0 ||
	    ike_sk_pair(&sa->suite, &sa->keys, initiator, &sa->sk_out,
	    &sa->sk_in, err, errlen) != 0) {
		ike_sa_clear(sa);
		memset(sa, 0, sizeof(*sa));
		return -1;
	}
	sa->state = IKE_S_ESTABLISHED;
	return 0;
}

/* ---- initiator ----------------------------------------------------- */

/* Seals inner as our request and remembers that it is out. */
static int
send_request(struct ike_sa *sa, struct ike_child_xchg *x, struct ike_buf *in,
    uint8_t *buf, size_t cap, size_t *len, char *err, size_t errlen)
{
	int rc = ike_sk_msg_seal(sa, CREATE_CHILD_SA, 0, sa->msgid_out, in,
	    buf, cap, len, err, errlen);

	OPENSSL_cleanse(in->p, in->len);
	if (rc != 0)
		return -1;
	x->msgid = sa->msgid_out;
	x->sent = 1;
	return 0;
}

static int
fresh_nonce(struct ike_child_xchg *x, char *err, size_t errlen)
{
	x->ni_len = IKE_NONCE_LEN;
	return ike_random(x->ni, x->ni_len, err, errlen);
}

int
ike_child_request(struct ike_sa *sa, struct ike_child_xchg *x,
    const struct ike_child_req *c, uint32_t rekey_spi, uint8_t *buf,
    size_t cap, size_t *len, char *err, size_t errlen)
{
	uint8_t inner[PLAIN_MAX], spi[4];
	struct ike_buf in;

	if (sa->state != IKE_S_ESTABLISHED)
		return ike_errf(err, errlen, "CREATE_CHILD_SA: the IKE SA is not "
		    "established");
	if (c->nesp == 0)
		return ike_errf(err, errlen, "CREATE_CHILD_SA: no ESP proposal");
	if (x->sent)
		return ike_errf(err, errlen, "CREATE_CHILD_SA: our request %u is "
		    "still out", x->msgid);
	if (start_ke(x, x->group ? x->group : first_group(c->esp, c->nesp),
	    err, errlen) != 0 || fresh_nonce(x, err, errlen) != 0)
		return -1;
	x->kind = rekey_spi ? IKE_CHILD_REKEY : IKE_CHILD_NEW;
	x->rekey_spi = rekey_spi;

	ike_buf_init(&in, inner, sizeof(inner));
	if (rekey_spi != 0) {
		/* RFC 7296 1.3.3: the SPI we receive the old SA's ESP on */
		ike_set32(spi, rekey_spi);
		ike_put_notify(&in, IKE_PROTO_ESP, N_REKEY_SA, spi, 4, NULL, 0);
	}
	ike_set32(spi, c->spi_in);
	ike_put_sa(&in, c->esp, c->nesp, spi, 4);
	put_nonce(&in, x->ni, x->ni_len);
	if (x->dh != NULL && put_ke(&in, x->dh) != 0)
		return ike_errf(err, errlen, "KE: no public value for %s",
		    gname(x->group));
	ike_put_ts(&in, IKE_PLD_TSI, c->tsi, c->ntsi);
	ike_put_ts(&in, IKE_PLD_TSR, c->tsr, c->ntsr);
	return send_request(sa, x, &in, buf, cap, len, err, errlen);
}

int
ike_child_ike_rekey_request(struct ike_sa *sa, struct ike_child_xchg *x,
    const struct ike_proposal *ike, size_t n, uint8_t *buf, size_t cap,
    size_t *len, char *err, size_t errlen)
{
	uint8_t inner[PLAIN_MAX], spi[8];
	struct ike_buf in;
	uint16_t g = x->group ? x->group : first_group(ike, n);

	if (sa->state != IKE_S_ESTABLISHED)
		return ike_errf(err, errlen, "IKE SA rekey: the IKE SA is not "
		    "established");
	if (g == 0)
		return ike_errf(err, errlen, "IKE SA rekey: no IKE proposal with "
		    "a KE group");
	if (x->sent)
		return ike_errf(err, errlen, "IKE SA rekey: our request %u is "
		    "still out", x->msgid);
	if (start_ke(x, g, err, errlen) != 0 ||
	    fresh_nonce(x, err, errlen) != 0 ||
	    (x->spi == 0 && ike_random_spi(&x->spi, err, errlen) != 0))
		return -1;
	x->kind = IKE_CHILD_IKE_REKEY;
	x->rekey_spi = 0;

	ike_buf_init(&in, inner, sizeof(inner));
	put64(spi, x->spi);
	ike_put_sa(&in, ike, n, spi, 8);
	put_nonce(&in, x->ni, x->ni_len);
	if (put_ke(&in, x->dh) != 0)
		return ike_errf(err, errlen, "KE: no public value for %s",
		    gname(g));
	return send_request(sa, x, &in, buf, cap, len, err, errlen);
}

/*
 * An error notify in the response, as one line; what it means for the
 * exchange (RETRY with x->group set for INVALID_KE_PAYLOAD), or OK when
 * there is none.  c is NULL for an IKE SA rekey.
 */
static enum ike_child_result
refused(struct ike_child_xchg *x, const struct ike_msg *m,
    const struct ike_proposal *ours, size_t n, const struct ike_child_req *c,
    char *err, size_t errlen)
{
	const char *what = c ? "CHILD_SA" : "IKE SA rekey";
	struct ike_notify no;
	char a[1024], g[128];
	uint16_t want;

	if (!ike_child_in_error(m, &no))
		return IKE_CHILD_OK;
	switch (no.type) {
	case N_NO_PROPOSAL_CHOSEN:
		ike_xform_format_list(ours, n, a, sizeof(a));
		if (c == NULL)
			return ike_errf(err, errlen, "peer accepted none of our "
			    "IKE proposals for the rekey (NO_PROPOSAL_CHOSEN); we "
			    "proposed %s", a), IKE_CHILD_FAIL;
		/* The one an operator can't see from here: a PFS group on
		 * one side only (or another one). */
		groups_str(&ours[0], g, sizeof(g));
		if (x->group != 0)
			return ike_errf(err, errlen, "peer accepted none of "
			    "our CHILD_SA proposals (NO_PROPOSAL_CHOSEN); we "
			    "proposed %s, PFS with %s: a PFS mismatch if the "
			    "peer's ESP proposals have no DH group or another",
			    a, g), IKE_CHILD_FAIL;
		return ike_errf(err, errlen, "peer accepted none of our "
		    "CHILD_SA proposals (NO_PROPOSAL_CHOSEN); we proposed "
		    "%s, with no DH group: a PFS mismatch if the peer's ESP "
		    "proposals require one", a), IKE_CHILD_FAIL;
	case N_INVALID_KE_PAYLOAD:
		if (no.len != 2)
			return ike_errf(err, errlen, "INVALID_KE_PAYLOAD "
			    "without its group"), IKE_CHILD_FAIL;
		want = ike_get16(no.data);
		if (x->group == 0 && !offers_group(ours, n, want))
			return ike_errf(err, errlen, "PFS mismatch: peer "
			    "requires %s (INVALID_KE_PAYLOAD), our ESP "
			    "proposals have no DH group", gname(want)),
			    IKE_CHILD_FAIL;
		if (!offers_group(ours, n, want) || want == x->group)
			return ike_errf(err, errlen, "peer wants KE group %s "
			    "(%u) for the %s, which we %s", gname(want), want,
			    what, want == x->group ? "sent already" :
			    "did not propose"), IKE_CHILD_FAIL;
		ike_errf(err, errlen, "peer wants KE group %s instead of %s "
		    "for the %s: sending the request again", gname(want),
		    gname(x->group), what);
		x->group = want;
		return IKE_CHILD_RETRY;
	case N_CHILD_SA_NOT_FOUND:
		return ike_errf(err, errlen, "peer has no CHILD_SA for our "
		    "inbound SPI %08x to rekey (CHILD_SA_NOT_FOUND)",
		    x->rekey_spi), IKE_CHILD_FAIL;
	case N_TEMPORARY_FAILURE:
		return ike_errf(err, errlen, "peer answered the %s with "
		    "TEMPORARY_FAILURE: it is rekeying or deleting that SA "
		    "itself; try again later", what), IKE_CHILD_FAIL;
	case N_NO_ADDITIONAL_SAS:
		return ike_errf(err, errlen, "peer takes no more CHILD_SAs "
		    "on this IKE SA (NO_ADDITIONAL_SAS)"), IKE_CHILD_FAIL;
	}
	/* TS_UNACCEPTABLE, and any other */
	ike_child_in_refused(&no, what, c, err, errlen);
	return IKE_CHILD_FAIL;
}

/* Opens the response to x's request; the Message ID moves on. */
static int
open_response(struct ike_sa *sa, struct ike_child_xchg *x, int ike_rekey,
    const uint8_t *raw, size_t len, struct ike_msg *m, uint8_t *plain,
    size_t cap, size_t *plen, char *err, size_t errlen)
{
	if (!x->sent || (x->kind == IKE_CHILD_IKE_REKEY) != ike_rekey ||
	    x->msgid != sa->msgid_out)
		return ike_errf(err, errlen, "CREATE_CHILD_SA response: no such "
		    "request of ours is out");
	if (ike_sk_msg_open(sa, raw, len, CREATE_CHILD_SA, 1, sa->msgid_out, m,
	    plain, cap, plen, err, errlen) != 0)
		return -1;
	/* From here the peer is who holds the keys: its answer counts. */
	sa->msgid_out++;
	x->sent = 0;
	return 0;
}

static enum ike_child_result
child_response(struct ike_sa *sa, struct ike_child_xchg *x,
    const struct ike_msg *m, const struct ike_child_req *c,
    struct ike_child *ch, char *err, size_t errlen)
{
	uint8_t gir[IKE_DH_MAX];
	const uint8_t *nr;
	size_t nr_len, glen = 0;
	uint16_t g;
	enum ike_child_result rc;
	int krc;

	if ((rc = refused(x, m, c->esp, c->nesp, c, err, errlen)) !=
	    IKE_CHILD_OK)
		return rc;
	if (ike_child_in(m, CREATE_CHILD_SA, c, 0, ch, err, errlen) != 0)
		return IKE_CHILD_FAIL;
	g = chosen_group(&ch->chosen);
	if (g != x->group)
		return ike_errf(err, errlen, "peer chose ESP with %s, but our KE "
		    "was %s", g ? gname(g) : "no DH group", x->group ?
		    gname(x->group) : "none"), IKE_CHILD_FAIL;
	if (nonce_of(m, &nr, &nr_len, err, errlen) != 0)
		return IKE_CHILD_FAIL;
	if (g != 0 && shared(x->dh, m, g, gir, &glen, err, errlen) != 0)
		return IKE_CHILD_FAIL;
	krc = ike_child_derive(sa, ch, g ? gir : NULL, glen, x->ni, x->ni_len,
	    nr, nr_len, err, errlen);
	OPENSSL_cleanse(gir, sizeof(gir));
	if (krc != 0)
		return IKE_CHILD_FAIL;
	memcpy(x->nr, nr, nr_len);
	x->nr_len = nr_len;
	return IKE_CHILD_OK;
}

enum ike_child_result
ike_child_response_in(struct ike_sa *sa, struct ike_child_xchg *x,
    const uint8_t *raw, size_t len, const struct ike_child_req *c,
    struct ike_child *ch, char *err, size_t errlen)
{
	static uint8_t plain[IKE_MSG_MAX];
	struct ike_msg m;
	size_t plen;
	enum ike_child_result rc;

	memset(ch, 0, sizeof(*ch));
	if (open_response(sa, x, 0, raw, len, &m, plain, sizeof(plain), &plen,
	    err, errlen) != 0)
		return IKE_CHILD_DROP;
	rc = child_response(sa, x, &m, c, ch, err, errlen);
	OPENSSL_cleanse(plain, plen);
	if (rc != IKE_CHILD_OK) {
		ike_child_keys_wipe(&ch->keys);
		memset(ch, 0, sizeof(*ch));
	}
	if (rc != IKE_CHILD_RETRY) {	/* its private value is done with */
		ike_dh_free(x->dh);
		x->dh = NULL;
	}
	return rc;
}

static enum ike_child_result
ike_rekey_response(struct ike_sa *sa, struct ike_child_xchg *x,
    const struct ike_msg *m, const struct ike_proposal *ours, size_t n,
    struct ike_sa *new_sa, char *err, size_t errlen)
{
	struct ike_proposal theirs[IKE_PROPOSALS_MAX], pick;
	uint8_t spis[IKE_PROPOSALS_MAX][8], gir[IKE_DH_MAX];
	const uint8_t *nr;
	size_t nt, nr_len, glen;
	char a[1024], b[1024];
	enum ike_child_result rc;
	uint64_t spi_r;
	int mrc;

	if ((rc = refused(x, m, ours, n, NULL, err, errlen)) != IKE_CHILD_OK)
		return rc;
	nt = ike_child_in_props(m, IKE_PROTO_IKE, 8, theirs, spis);
	/* The answer is one proposal, one transform a type, out of ours. */
	if (nt != 1 || ike_xform_select(ours, n, theirs, 1, 0, &pick,
	    NULL) != 0 || memcmp(pick.n, theirs[0].n, sizeof(pick.n)) != 0) {
		ike_xform_format_list(theirs, nt, a, sizeof(a));
		ike_xform_format_list(ours, n, b, sizeof(b));
		return ike_errf(err, errlen, "peer chose %s for the rekeyed IKE SA, "
		    "which is not one of ours: %s", nt ? a : "nothing", b),
		    IKE_CHILD_FAIL;
	}
	if ((spi_r = ike_get64(spis[0])) == 0)
		return ike_errf(err, errlen, "peer's new IKE SPI is 0"),
		    IKE_CHILD_FAIL;
	if (chosen_group(&pick) != x->group)
		return ike_errf(err, errlen, "peer chose %s for the rekeyed IKE "
		    "SA, but our KE was %s", gname(chosen_group(&pick)),
		    gname(x->group)), IKE_CHILD_FAIL;
	if (nonce_of(m, &nr, &nr_len, err, errlen) != 0 ||
	    shared(x->dh, m, x->group, gir, &glen, err, errlen) != 0)
		return IKE_CHILD_FAIL;
	mrc = make_sa(sa, &pick, 1, x->spi, spi_r, x->ni, x->ni_len, nr,
	    nr_len, gir, glen, new_sa, err, errlen);
	OPENSSL_cleanse(gir, sizeof(gir));
	if (mrc != 0)
		return IKE_CHILD_FAIL;
	memcpy(x->nr, nr, nr_len);
	x->nr_len = nr_len;
	return IKE_CHILD_OK;
}

enum ike_child_result
ike_child_ike_rekey_response_in(struct ike_sa *sa, struct ike_child_xchg *x,
    const uint8_t *raw, size_t len, const struct ike_proposal *ike, size_t n,
    struct ike_sa *new_sa, char *err, size_t errlen)
{
	static uint8_t plain[IKE_MSG_MAX];
	struct ike_msg m;
	size_t plen;
	enum ike_child_result rc;

	if (open_response(sa, x, 1, raw, len, &m, plain, sizeof(plain), &plen,
	    err, errlen) != 0)
		return IKE_CHILD_DROP;
	rc = ike_rekey_response(sa, x, &m, ike, n, new_sa, err, errlen);
	OPENSSL_cleanse(plain, plen);
	if (rc != IKE_CHILD_RETRY) {
		ike_dh_free(x->dh);
		x->dh = NULL;
	}
	return rc;
}

/* ---- responder ----------------------------------------------------- */

/* INVALID_KE_PAYLOAD with the group we take (RFC 7296 1.3, 3.10.1). */
static void
put_invalid_ke(struct ike_buf *in, uint16_t want)
{
	uint8_t g[2];

	ike_set16(g, want);
	ike_put_notify(in, 0, N_INVALID_KE_PAYLOAD, NULL, 0, g, 2);
}

/* The line for a KE that is not of the group chosen. */
static void
say_invalid_ke(const struct ike_msg *m, uint16_t want, char *err,
    size_t errlen)
{
	const struct ike_pld *pl = ike_msg_find(m, IKE_PLD_KE, 0);
	struct ike_ke ke;

	if (pl == NULL || ike_pld_ke(pl, &ke, NULL, 0) != 0)
		ike_errf(err, errlen, "peer sent no KE, we take %s of what it "
		    "proposed: INVALID_KE_PAYLOAD", gname(want));
	else
		ike_errf(err, errlen, "peer's KE is %s, we take %s of what it "
		    "proposed: INVALID_KE_PAYLOAD", gname(ke.group), gname(want));
}

static int
has_ke(const struct ike_msg *m, uint16_t group)
{
	const struct ike_pld *pl = ike_msg_find(m, IKE_PLD_KE, 0);
	struct ike_ke ke;

	return pl != NULL && ike_pld_ke(pl, &ke, NULL, 0) == 0 &&
	    ke.group == group;
}

/*
 * Why no ESP proposal was chosen, in one line.  When ours and theirs
 * would match but for the KE type, say that it is PFS, and the groups on
 * each side: the failure operators could not tell from "no proposal".
 */
static void
say_no_esp(const struct ike_proposal *ours, size_t n,
    const struct ike_proposal *theirs, size_t nt, char *err, size_t errlen)
{
	struct ike_proposal tmp;
	char a[1024], b[1024], ga[128], gb[128];
	size_t j;

	for (size_t i = 0; i < n; i++)
		if (ike_xform_select(&ours[i], 1, theirs, nt, IKE_XFORM_SKIP_KE,
		    &tmp, &j) == 0) {
			ike_xform_format_list(&theirs[j], 1, a, sizeof(a));
			ike_xform_format_list(&ours[i], 1, b, sizeof(b));
			groups_str(&theirs[j], ga, sizeof(ga));
			groups_str(&ours[i], gb, sizeof(gb));
			ike_errf(err, errlen, "PFS mismatch: peer proposed %s with "
			    "%s, we require %s with %s (NO_PROPOSAL_CHOSEN)", a, ga,
			    b, gb);
			return;
		}
	ike_xform_mismatch(ours, n, theirs, nt, a, sizeof(a));
	ike_errf(err, errlen, "no acceptable CHILD_SA proposal: %s", a);
}

/*
 * Our key pair for group g and g^ir with the peer's KE, which has that
 * group (has_ke()).  A value that is not one of the group's (RFC 7296
 * 3.4) is answered INVALID_SYNTAX, with the line.
 */
static int
peer_ke(const struct ike_msg *m, uint16_t g, struct ike_dh **dh,
    uint8_t *gir, size_t *glen, struct ike_buf *in, char *err, size_t errlen)
{
	char why[256];

	*dh = NULL;
	if (ike_dh_new(g, dh, err, errlen) != 0) {
		ike_put_notify(in, 0, N_NO_PROPOSAL_CHOSEN, NULL, 0, NULL, 0);
		return -1;
	}
	if (shared(*dh, m, g, gir, glen, why, sizeof(why)) != 0) {
		ike_dh_free(*dh);
		*dh = NULL;
		ike_put_notify(in, 0, N_INVALID_SYNTAX, NULL, 0, NULL, 0);
		return ike_errf(err, errlen, "peer's %s KE value is not one of the "
		    "group's (%s): INVALID_SYNTAX", gname(g), why);
	}
	return 0;
}

/* The CHILD_SA whose outbound SPI (the peer's inbound) is spi, or -1. */
static long
find_child(const struct ike_child_rcfg *cfg, uint32_t spi)
{
	for (size_t i = 0; i < cfg->nchildren; i++)
		if (cfg->children[i].spi_out == spi)
			return (long)i;
	return -1;
}

/* 1 if m rekeys a CHILD_SA that cfg says we are deleting. */
static int
rekeys_closing(const struct ike_msg *m, const struct ike_child_rcfg *cfg)
{
	const struct ike_pld *pl = ike_msg_notify(m, N_REKEY_SA);
	struct ike_notify no;
	long k;

	if (pl == NULL || ike_pld_notify(pl, &no, NULL, 0) != 0 ||
	    no.spi_len != 4 || (k = find_child(cfg, ike_get32(no.spi))) < 0)
		return 0;
	for (size_t i = 0; i < cfg->nclosing; i++)
		if (cfg->closing[i] == cfg->children[k].spi_in)
			return 1;
	return 0;
}

/*
 * A new or rekeyed CHILD_SA (RFC 7296 1.3.1, 1.3.3), its response
 * payloads or error notify into in.
 */
static enum ike_child_result
child_request(struct ike_sa *sa, const struct ike_msg *m,
    const struct ike_child_rcfg *cfg, const uint8_t *ni, size_t ni_len,
    struct ike_child_made *made, struct ike_buf *in, char *err, size_t errlen)
{
	struct ike_proposal theirs[IKE_PROPOSALS_MAX];
	uint8_t spis[IKE_PROPOSALS_MAX][8], spi[4], nr[IKE_NONCE_LEN];
	uint8_t gir[IKE_DH_MAX];
	struct ike_child *ch = &made->child;
	struct ike_dh *dh = NULL;
	const struct ike_pld *pl;
	struct ike_notify no;
	size_t nt, idx, glen = 0;
	uint16_t g;
	long k;
	int rc;

	made->kind = IKE_CHILD_NEW;
	if ((pl = ike_msg_notify(m, N_REKEY_SA)) != NULL) {
		uint32_t old;

		if (ike_pld_notify(pl, &no, NULL, 0) != 0 ||
		    no.protocol != IKE_PROTO_ESP || no.spi_len != 4) {
			ike_put_notify(in, 0, N_INVALID_SYNTAX, NULL, 0, NULL, 0);
			return ike_errf(err, errlen, "REKEY_SA without an ESP SPI: "
			    "INVALID_SYNTAX"), IKE_CHILD_FAIL;
		}
		old = ike_get32(no.spi);
		if ((k = find_child(cfg, old)) < 0) {
			ike_put_notify(in, IKE_PROTO_ESP, N_CHILD_SA_NOT_FOUND,
			    no.spi, 4, NULL, 0);
			return ike_errf(err, errlen, "peer rekeys the CHILD_SA of "
			    "its inbound SPI %08x, which this IKE SA does not "
			    "have: CHILD_SA_NOT_FOUND", old), IKE_CHILD_FAIL;
		}
		made->kind = IKE_CHILD_REKEY;
		made->rekeyed = cfg->children[k].spi_in;
		made->rekeyed_index = (size_t)k;
	}

	nt = ike_child_in_props(m, IKE_PROTO_ESP, 4, theirs, spis);
	if (ike_xform_select(cfg->esp, cfg->nesp, theirs, nt, 0, &ch->chosen,
	    &idx) != 0) {
		say_no_esp(cfg->esp, cfg->nesp, theirs, nt, err, errlen);
		ike_put_notify(in, 0, N_NO_PROPOSAL_CHOSEN, NULL, 0, NULL, 0);
		return IKE_CHILD_FAIL;
	}
	/* A KE of another group than the chosen proposal's: say which
	 * (RFC 7296 1.3.1).  One where the proposal has none is not used. */
	g = chosen_group(&ch->chosen);
	if (g != 0 && !has_ke(m, g)) {
		say_invalid_ke(m, g, err, errlen);
		put_invalid_ke(in, g);
		return IKE_CHILD_FAIL;
	}
	ch->spi_out = ike_get32(spis[idx]);
	if (ike_child_narrow(m, cfg->local_ts, cfg->nlocal_ts, cfg->remote_ts,
	    cfg->nremote_ts, ch, err, errlen) != 0) {
		ike_put_notify(in, 0, N_TS_UNACCEPTABLE, NULL, 0, NULL, 0);
		return IKE_CHILD_FAIL;
	}
	if (ike_random(nr, sizeof(nr), err, errlen) != 0)
		return IKE_CHILD_DROP;
	if (g != 0 && peer_ke(m, g, &dh, gir, &glen, in, err, errlen) != 0)
		return IKE_CHILD_FAIL;
	ch->spi_in = cfg->spi_in;
	rc = ike_child_derive(sa, ch, g ? gir : NULL, glen, ni, ni_len, nr,
	    sizeof(nr), err, errlen);
	OPENSSL_cleanse(gir, sizeof(gir));
	if (rc != 0) {
		ike_dh_free(dh);
		ike_put_notify(in, 0, N_NO_PROPOSAL_CHOSEN, NULL, 0, NULL, 0);
		return IKE_CHILD_FAIL;
	}
	ike_set32(spi, ch->spi_in);
	ike_put_sa(in, &ch->chosen, 1, spi, 4);
	put_nonce(in, nr, sizeof(nr));
	memcpy(made->nr, nr, sizeof(nr));
	made->nr_len = sizeof(nr);
	if (dh != NULL) {
		rc = put_ke(in, dh);
		ike_dh_free(dh);
		if (rc != 0)
			return ike_errf(err, errlen, "KE: no public value"),
			    IKE_CHILD_DROP;
	}
	ike_put_ts(in, IKE_PLD_TSI, ch->tsi, ch->ntsi);
	ike_put_ts(in, IKE_PLD_TSR, ch->tsr, ch->ntsr);
	return IKE_CHILD_OK;
}

/* The IKE SA rekeyed (RFC 7296 1.3.2, 2.18), into new_sa. */
static enum ike_child_result
ike_rekey_request(struct ike_sa *sa, const struct ike_msg *m,
    const struct ike_child_rcfg *cfg, const uint8_t *ni, size_t ni_len,
    struct ike_child_made *made, struct ike_sa *new_sa, struct ike_buf *in,
    char *err, size_t errlen)
{
	struct ike_proposal theirs[IKE_PROPOSALS_MAX], pick;
	const struct ike_proposal *ours = cfg->ike ? cfg->ike : &sa->chosen;
	size_t n = cfg->ike ? cfg->nike : 1, nt, idx, glen;
	uint8_t spis[IKE_PROPOSALS_MAX][8], spi[8], nr[IKE_NONCE_LEN];
	uint8_t gir[IKE_DH_MAX];
	struct ike_dh *dh = NULL;
	uint64_t spi_i, spi_r;
	char a[1024];
	uint16_t g;
	int rc;

	made->kind = IKE_CHILD_IKE_REKEY;
	nt = ike_child_in_props(m, IKE_PROTO_IKE, 8, theirs, spis);
	if (ike_xform_select(ours, n, theirs, nt, 0, &pick, &idx) != 0) {
		ike_xform_mismatch(ours, n, theirs, nt, a, sizeof(a));
		ike_put_notify(in, 0, N_NO_PROPOSAL_CHOSEN, NULL, 0, NULL, 0);
		return ike_errf(err, errlen, "no acceptable IKE proposal for the "
		    "rekey: %s", a), IKE_CHILD_FAIL;
	}
	if ((spi_i = ike_get64(spis[idx])) == 0) {
		ike_put_notify(in, 0, N_INVALID_SYNTAX, NULL, 0, NULL, 0);
		return ike_errf(err, errlen, "IKE SA rekey with SPI 0: "
		    "INVALID_SYNTAX"), IKE_CHILD_FAIL;
	}
	g = chosen_group(&pick);
	if (!has_ke(m, g)) {
		say_invalid_ke(m, g, err, errlen);
		put_invalid_ke(in, g);
		return IKE_CHILD_FAIL;
	}
	if (ike_random_spi(&spi_r, err, errlen) != 0 ||
	    ike_random(nr, sizeof(nr), err, errlen) != 0)
		return IKE_CHILD_DROP;
	if (peer_ke(m, g, &dh, gir, &glen, in, err, errlen) != 0)
		return IKE_CHILD_FAIL;
	rc = make_sa(sa, &pick, 0, spi_i, spi_r, ni, ni_len, nr, sizeof(nr),
	    gir, glen, new_sa, err, errlen);
	OPENSSL_cleanse(gir, sizeof(gir));
	if (rc != 0) {
		ike_dh_free(dh);
		ike_put_notify(in, 0, N_NO_PROPOSAL_CHOSEN, NULL, 0, NULL, 0);
		return IKE_CHILD_FAIL;
	}
	put64(spi, spi_r);
	ike_put_sa(in, &pick, 1, spi, 8);
	put_nonce(in, nr, sizeof(nr));
	memcpy(made->nr, nr, sizeof(nr));
	made->nr_len = sizeof(nr);
	rc = put_ke(in, dh);
	ike_dh_free(dh);
	if (rc != 0) {
		ike_sa_clear(new_sa);
		memset(new_sa, 0, sizeof(*new_sa));
		return ike_errf(err, errlen, "KE: no public value"),
		    IKE_CHILD_DROP;
	}
	return IKE_CHILD_OK;
}

enum ike_child_result
ike_child_request_in(struct ike_sa *sa, const uint8_t *raw, size_t len,
    const struct ike_child_rcfg *cfg, struct ike_child_made *made,
    struct ike_sa *new_sa, uint8_t *resp, size_t cap, size_t *resp_len,
    char *err, size_t errlen)
{
	static uint8_t plain[IKE_MSG_MAX], inner[PLAIN_MAX];
	const uint8_t *ni = NULL;
	struct ike_msg m;
	struct ike_buf in;
	size_t plen, ni_len = 0;
	enum ike_child_result rc;
	char e2[256];

	memset(made, 0, sizeof(*made));
	if (sa->state != IKE_S_ESTABLISHED && sa->state != IKE_S_DELETING)
		return ike_errf(err, errlen, "CREATE_CHILD_SA request: the IKE SA "
		    "is not established"), IKE_CHILD_DROP;
	if (ike_sk_msg_open(sa, raw, len, CREATE_CHILD_SA, 0, sa->msgid_in, &m,
	    plain, sizeof(plain), &plen, err, errlen) != 0)
		return IKE_CHILD_DROP;

	ike_buf_init(&in, inner, sizeof(inner));
	if (m.unknown_critical != 0) {
		uint8_t t = m.unknown_critical;

		ike_put_notify(&in, 0, N_UNSUPPORTED_CRITICAL_PAYLOAD, NULL, 0,
		    &t, 1);
		ike_errf(err, errlen, "CREATE_CHILD_SA request with a critical "
		    "payload of unknown type %u: UNSUPPORTED_CRITICAL_PAYLOAD", t);
		rc = IKE_CHILD_FAIL;
	} else if (nonce_of(&m, &ni, &ni_len, e2, sizeof(e2)) != 0) {
		ni = NULL;
		ike_put_notify(&in, 0, N_INVALID_SYNTAX, NULL, 0, NULL, 0);
		ike_errf(err, errlen, "CREATE_CHILD_SA request: %s: "
		    "INVALID_SYNTAX", e2);
		rc = IKE_CHILD_FAIL;
	} else if (sa->state == IKE_S_DELETING || cfg->temporary_failure ||
	    rekeys_closing(&m, cfg)) {
		/* RFC 7296 2.25: not now; the peer may try again later */
		made->kind = asks_ike(&m) ? IKE_CHILD_IKE_REKEY :
		    ike_msg_notify(&m, N_REKEY_SA) ? IKE_CHILD_REKEY :
		    IKE_CHILD_NEW;
		ike_put_notify(&in, 0, N_TEMPORARY_FAILURE, NULL, 0, NULL, 0);
		ike_errf(err, errlen, "CREATE_CHILD_SA request while %s: "
		    "TEMPORARY_FAILURE", sa->state == IKE_S_DELETING ?
		    "the IKE SA is being deleted" : "we rekey or delete that SA "
		    "ourselves");
		rc = IKE_CHILD_FAIL;
	} else if (asks_ike(&m))
		rc = ike_rekey_request(sa, &m, cfg, ni, ni_len, made, new_sa, &in,
		    err, errlen);
	else
		rc = child_request(sa, &m, cfg, ni, ni_len, made, &in, err,
		    errlen);
	if (ni != NULL && ni_len <= sizeof(made->ni)) {
		memcpy(made->ni, ni, ni_len);
		made->ni_len = ni_len;
	}
	OPENSSL_cleanse(plain, plen);
	if (rc == IKE_CHILD_DROP ||
	    ike_sk_msg_seal(sa, CREATE_CHILD_SA, 1, m.hdr.msgid, &in, resp, cap,
	    resp_len, rc == IKE_CHILD_OK ? err : NULL, errlen) != 0) {
		OPENSSL_cleanse(inner, sizeof(inner));
		ike_child_keys_wipe(&made->child.keys);
		if (made->kind == IKE_CHILD_IKE_REKEY && rc == IKE_CHILD_OK) {
			ike_sa_clear(new_sa);
			memset(new_sa, 0, sizeof(*new_sa));
		}
		memset(made, 0, sizeof(*made));
		return IKE_CHILD_DROP;
	}
	OPENSSL_cleanse(inner, in.len);
	/* answered: the next request the peer sends has the next ID */
	sa->msgid_in++;
	if (rc != IKE_CHILD_OK) {
		ike_child_keys_wipe(&made->child.keys);
		memset(&made->child, 0, sizeof(made->child));
	}
	return rc;
}
