/*
 * ike_child_in.c - a CHILD_SA as IKE_AUTH and CREATE_CHILD_SA both make
 * it.  See ike_child_in.h.
 */
#include "ike_child_in.h"

#include <string.h>

#include "ike_crypto.h"
#include "ike_err.h"
#include "ike_pld.h"
#include "ike_ts.h"

int
ike_child_in_error(const struct ike_msg *m, struct ike_notify *no)
{
	for (size_t i = 0; i < m->npld; i++)
		if (m->pld[i].type == IKE_PLD_NOTIFY &&
		    ike_pld_notify(&m->pld[i], no, NULL, 0) == 0 &&
		    no->type <= N_ERROR_MAX)
			return 1;
	return 0;
}

int
ike_child_in_refused(const struct ike_notify *no, const char *what,
    const struct ike_child_req *c, char *err, size_t errlen)
{
	char a[1024], b[1024];

	if (c != NULL && no->type == N_NO_PROPOSAL_CHOSEN) {
		ike_xform_format_list(c->esp, c->nesp, a, sizeof(a));
		return ike_errf(err, errlen, "peer accepted none of our CHILD_SA "
		    "proposals (NO_PROPOSAL_CHOSEN); we proposed %s", a);
	}
	if (c != NULL && no->type == N_TS_UNACCEPTABLE) {
		ike_ts_format_list(c->tsi, c->ntsi, a, sizeof(a));
		ike_ts_format_list(c->tsr, c->ntsr, b, sizeof(b));
		return ike_errf(err, errlen, "TS_UNACCEPTABLE: peer allows none of "
		    "%s === %s", a, b);
	}
	return ike_errf(err, errlen, "peer refused the %s: %s (%u)", what,
	    ike_notify_name(no->type) ? ike_notify_name(no->type) : "error",
	    no->type);
}

size_t
ike_child_in_props(const struct ike_msg *m, int protocol, size_t spi_len,
    struct ike_proposal *out, uint8_t spis[][8])
{
	struct ike_sa_prop sp[IKE_PROPOSALS_MAX];
	const struct ike_pld *pl = ike_msg_find(m, IKE_PLD_SA, 0);
	size_t n, k = 0;

	if (pl == NULL || ike_pld_sa(pl, sp, IKE_PROPOSALS_MAX, &n, NULL,
	    0) != 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!sp[i].unusable && sp[i].p.protocol == protocol &&
		    sp[i].spi_len == spi_len) {
			out[k] = sp[i].p;
			memcpy(spis[k++], sp[i].spi, spi_len);
		}
	return k;
}

int
ike_child_in(const struct ike_msg *m, uint8_t exch,
    const struct ike_child_req *c, unsigned flags, struct ike_child *ch,
    char *err, size_t errlen)
{
	struct ike_proposal theirs[IKE_PROPOSALS_MAX];
	uint8_t spis[IKE_PROPOSALS_MAX][8];
	const struct ike_pld *pl;
	char a[512], b[512];

	if (ike_child_in_props(m, IKE_PROTO_ESP, 4, theirs, spis) != 1)
		return ike_errf(err, errlen, "%s response: no single ESP "
		    "proposal with a 4-byte SPI", ike_exchange_name(exch));
	if (ike_xform_select(c->esp, c->nesp, theirs, 1, flags, &ch->chosen,
	    NULL) != 0) {
		ike_xform_format(&theirs[0], a, sizeof(a));
		return ike_errf(err, errlen, "peer chose ESP %s, which we did not "
		    "propose", a);
	}
	ch->spi_in = c->spi_in;
	ch->spi_out = ike_get32(spis[0]);
	if ((pl = ike_msg_find(m, IKE_PLD_TSI, 0)) == NULL ||
	    ike_pld_ts(pl, ch->tsi, IKE_TS_MAX, &ch->ntsi, err, errlen) != 0 ||
	    (pl = ike_msg_find(m, IKE_PLD_TSR, 0)) == NULL ||
	    ike_pld_ts(pl, ch->tsr, IKE_TS_MAX, &ch->ntsr, err, errlen) != 0)
		return ike_errf(err, errlen, "%s response: traffic selectors "
		    "missing or malformed", ike_exchange_name(exch));
	/* RFC 7296 2.9: a responder may only narrow */
	if (!ike_ts_inside(ch->tsi, ch->ntsi, c->tsi, c->ntsi) ||
	    !ike_ts_inside(ch->tsr, ch->ntsr, c->tsr, c->ntsr)) {
		ike_ts_format_list(ch->tsi, ch->ntsi, a, sizeof(a));
		ike_ts_format_list(ch->tsr, ch->ntsr, b, sizeof(b));
		return ike_errf(err, errlen, "peer granted %s === %s, more than we "
		    "asked", a, b);
	}
	return 0;
}

int
ike_child_narrow(const struct ike_msg *m, const struct ike_ts *local,
    size_t nlocal, const struct ike_ts *remote, size_t nremote,
    struct ike_child *ch, char *err, size_t errlen)
{
	struct ike_ts tsi[IKE_TS_MAX], tsr[IKE_TS_MAX];
	const struct ike_pld *pl;
	size_t ntsi, ntsr;
	char a[512], b[512], c[512], d[512];

	if ((pl = ike_msg_find(m, IKE_PLD_TSI, 0)) == NULL ||
	    ike_pld_ts(pl, tsi, IKE_TS_MAX, &ntsi, err, errlen) != 0 ||
	    (pl = ike_msg_find(m, IKE_PLD_TSR, 0)) == NULL ||
	    ike_pld_ts(pl, tsr, IKE_TS_MAX, &ntsr, err, errlen) != 0)
		return ike_errf(err, errlen, "TS_UNACCEPTABLE: traffic selectors "
		    "missing or malformed");
	ch->ntsi = ike_ts_narrow(tsi, ntsi, remote, nremote, ch->tsi,
	    IKE_TS_MAX);
	ch->ntsr = ike_ts_narrow(tsr, ntsr, local, nlocal, ch->tsr,
	    IKE_TS_MAX);
	if (ch->ntsi == 0 || ch->ntsr == 0) {
		ike_ts_format_list(tsi, ntsi, a, sizeof(a));
		ike_ts_format_list(tsr, ntsr, b, sizeof(b));
		ike_ts_format_list(remote, nremote, c, sizeof(c));
		ike_ts_format_list(local, nlocal, d, sizeof(d));
		return ike_errf(err, errlen, "TS_UNACCEPTABLE: peer proposed %s === "
		    "%s, we allow %s === %s", a, b, c, d);
	}
	return 0;
}

int
ike_child_derive(const struct ike_sa *sa, struct ike_child *ch,
    const uint8_t *gir, size_t glen, const uint8_t *ni, size_t ni_len,
    const uint8_t *nr, size_t nr_len, char *err, size_t errlen)
{
	return ike_child_keymat(sa->suite.prf, &sa->keys.d,
	    ch->chosen.xf[IKE_XF_ENCR][0].id,
	    ch->chosen.xf[IKE_XF_ENCR][0].keylen, gir, glen, ni, ni_len, nr,
	    nr_len, &ch->keys, err, errlen);
}
