/*
 * dp_build.c - a negotiated CHILD_SA (struct ike_child) as the card's two
 * SAs and its protect rules.  See dp_priv.h.
 */
#include "dp_priv.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

static int
outer_addr(const struct sockaddr *a, int *family, uint8_t out[16])
{
	memset(out, 0, 16);
	if (a == NULL)
		return -1;
	if (a->sa_family == AF_INET)
		memcpy(out, &((const struct sockaddr_in *)a)->sin_addr, 4);
	else if (a->sa_family == AF_INET6)
		memcpy(out, &((const struct sockaddr_in6 *)a)->sin6_addr, 16);
	else
		return -1;
	*family = a->sa_family;
	return 0;
}

static void
set_ether(const struct dp_ether *e, uint8_t src[6], uint8_t dst[6])
{
	static const uint8_t zero[6], dsrc[6] = SA_ETHER_SRC_DEFAULT,
	    ddst[6] = SA_ETHER_DST_DEFAULT;

	memcpy(src, memcmp(e->src, zero, 6) ? e->src : dsrc, 6);
	memcpy(dst, memcmp(e->dst, zero, 6) ? e->dst : ddst, 6);
}

static uint64_t
limit(uint64_t v)
{
	return v == 0 ? SA_NO_LIMIT : v;
}

/* What both SAs share, and each one's direction, ends, SPI and UDP
 * ports (from src's to dst's). */
static void
sa_common(struct nicsec_sa *sa, const struct dp_child_params *p,
    int family, int esn, const struct ike_key *k, int dir,
    const uint8_t *src, const uint8_t *dst, uint32_t spi, uint16_t sport,
    uint16_t dport)
{
	sa->dir = dir;
	memcpy(sa->src, src, 16);
	memcpy(sa->dst, dst, 16);
	sa->spi = spi;
	sa->encap_sport = sport;
	sa->encap_dport = dport;
	sa->family = family;
	sa->key_len = k->len - 4;
	memcpy(sa->key, k->b, sa->key_len);
	memcpy(sa->salt, k->b + sa->key_len, 4);
	sa->icv_len = 16;		/* AES_GCM_16 */
	sa->esn = esn;
	sa->encap = p->encap;
	sa->encap_ofamily = AF_INET;	/* OADDR 0.0.0.0, as ip xfrm */
	sa->soft_bytes = limit(p->limits.soft_bytes);
	sa->hard_bytes = limit(p->limits.hard_bytes);
	sa->soft_packets = limit(p->limits.soft_packets);
	sa->hard_packets = limit(p->limits.hard_packets);
}

/* Checks what the card can't take; -1 with dp->err. */
static int
params_ok(struct dp *dp, const struct dp_child_params *p, int *esn)
{
	const struct ike_child *ch = p->child;
	const struct ike_proposal *pr = &ch->chosen;
	const struct dp_limits *l = &p->limits;
	unsigned bits;

	if (pr->n[IKE_XF_ENCR] < 1 ||
	    pr->xf[IKE_XF_ENCR][0].id != ENCR_AES_GCM_16 ||
	    ((bits = pr->xf[IKE_XF_ENCR][0].keylen) != 128 && bits != 256))
		return dp_err(dp, "CHILD_SA 0x%08x: the card does AES_GCM_16 "
		    "with 128- or 256-bit keys, not encryption %u/%u",
		    ch->spi_in, pr->n[IKE_XF_ENCR] ? pr->xf[IKE_XF_ENCR][0].id :
		    0, pr->n[IKE_XF_ENCR] ? pr->xf[IKE_XF_ENCR][0].keylen : 0);
	if (ch->keys.i2r.len != bits / 8 + 4 ||
	    ch->keys.r2i.len != bits / 8 + 4)
		return dp_err(dp, "CHILD_SA 0x%08x: keys of %zu and %zu bytes;"
		    " AES_GCM_16_%u takes %u (key and 4-byte salt)", ch->spi_in,
		    ch->keys.i2r.len, ch->keys.r2i.len, bits, bits / 8 + 4);
	*esn = pr->n[IKE_XF_ESN] > 0 && pr->xf[IKE_XF_ESN][0].id == ESN_YES;
	if (ch->spi_out == 0)
		return dp_err(dp, "CHILD_SA 0x%08x: the peer's SPI is 0",
		    ch->spi_in);
	if (p->replay_window > 4096)
		return dp_err(dp, "CHILD_SA 0x%08x: replay window %u; the card "
		    "takes 0 .. 4096", ch->spi_in, p->replay_window);
	if (p->encap && (p->local_port == 0 || p->remote_port == 0))
		return dp_err(dp, "CHILD_SA 0x%08x: UDP encapsulation without "
		    "both ports (%u, %u)", ch->spi_in, p->local_port,
		    p->remote_port);
	if ((l->soft_bytes && l->hard_bytes && l->soft_bytes > l->hard_bytes)
	    || (l->soft_packets && l->hard_packets &&
	    l->soft_packets > l->hard_packets))
		return dp_err(dp, "CHILD_SA 0x%08x: a soft limit above its hard"
		    " limit", ch->spi_in);
	return 0;
}

/* The inbound selector: what decapsulated packets must match. */
static void
in_selector(struct dp *dp, struct nicsec_sa *in, const struct ike_ts *lts,
    size_t nl, const struct ike_ts *rts, size_t nr)
{
	struct dp_prefix l, r, one;
	char a[INET6_ADDRSTRLEN + 4], b[INET6_ADDRSTRLEN + 4];

	if (dp_ts_cover(rts, nr, &r) && dp_ts_cover(lts, nl, &l) &&
	    l.family == r.family) {
		in->sel.family = l.family;
		memcpy(in->sel.src, r.addr, 16);
		memcpy(in->sel.dst, l.addr, 16);
		in->sel.src_plen = r.plen;
		in->sel.dst_plen = l.plen;
		in->sel.proto = -1;
		/* Exact when each side is one prefix; else say so. */
		if (nl != 1 || nr != 1 || dp_range_prefixes(&lts[0], &one, 1) !=
		    1 || dp_range_prefixes(&rts[0], &one, 1) != 1)
			dp_logf(dp, "CHILD_SA 0x%08x: the card checks inbound "
			    "packets against %s === %s, more than the %zu and %zu "
			    "traffic selectors negotiated (it takes one prefix "
			    "each way)", in->spi, dp_prefix_str(&r, a, sizeof(a)),
			    dp_prefix_str(&l, b, sizeof(b)), nr, nl);
		return;
	}
	/* The card checks one prefix pair of one family. */
	dp_logf(dp, "CHILD_SA 0x%08x: traffic selectors of both address "
	    "families: the card can't check inbound packets against them",
	    in->spi);
}

/*
 * The inbound and outbound SA and the protect rules of p's CHILD_SA.
 * Wipes p's keys whatever happens: the SAs hold them now.
 */
int
dp_build(struct dp *dp, struct dp_child_params *p, struct nicsec_sa *in,
    struct nicsec_sa *out, struct dp_child *c)
{
	struct ike_child *ch = p->child;
	const struct ike_ts *lts = p->initiator ? ch->tsi : ch->tsr;
	const struct ike_ts *rts = p->initiator ? ch->tsr : ch->tsi;
	size_t nl = p->initiator ? ch->ntsi : ch->ntsr;
	size_t nr = p->initiator ? ch->ntsr : ch->ntsi, n;
	uint8_t la[16], ra[16];
	int lf = 0, rf = 0, esn = 0, rc = -1;
	char err[256];

	memset(in, 0, sizeof(*in));
	memset(out, 0, sizeof(*out));
	if (params_ok(dp, p, &esn) != 0)
		goto done;
	if (outer_addr(p->local, &lf, la) != 0 ||
	    outer_addr(p->remote, &rf, ra) != 0 || lf != rf) {
		dp_err(dp, "CHILD_SA 0x%08x: the IKE SA's addresses are not two "
		    "of one family", ch->spi_in);
		goto done;
	}
	if (dp_ts_rules(lts, nl, rts, nr, ch->spi_out, c->rules, DP_RULES_MAX,
	    &n, err, sizeof(err)) != 0) {
		dp_err(dp, "CHILD_SA 0x%08x: %s", ch->spi_in, err);
		goto done;
	}
	c->nrules = (unsigned)n;
	c->spi_in = ch->spi_in;
	c->spi_out = ch->spi_out;

	/* Ours: KEYMAT is i2r then r2i (RFC 7296 2.17), each a key and
	 * its salt (RFC 4106 8.1). */
	sa_common(out, p, lf, esn, p->initiator ? &ch->keys.i2r :
	    &ch->keys.r2i, SA_DIR_OUT, la, ra, ch->spi_out, p->local_port,
	    p->remote_port);
	/* The card's rules select; the SA's own selector only describes. */
	out->sel.family = c->rules[0].family;
	memcpy(out->sel.src, c->rules[0].src, 16);
	memcpy(out->sel.dst, c->rules[0].dst, 16);
	out->sel.src_plen = c->rules[0].src_plen;
	out->sel.dst_plen = c->rules[0].dst_plen;
	out->sel.proto = -1;
	set_ether(&p->wan, out->ether_src, out->ether_dst);

	sa_common(in, p, lf, esn, p->initiator ? &ch->keys.r2i :
	    &ch->keys.i2r, SA_DIR_IN, ra, la, ch->spi_in, p->remote_port,
	    p->local_port);
	in->replay_window = p->replay_window;
	in_selector(dp, in, lts, nl, rts, nr);
	set_ether(&p->lan, in->ether_src, in->ether_dst);
	rc = 0;
done:
	dp_wipe_keys(&ch->keys);
	if (rc != 0) {
		dp_wipe(in, sizeof(*in));
		dp_wipe(out, sizeof(*out));
	}
	return rc;
}

