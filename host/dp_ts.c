/*
 * dp_ts.c - traffic selectors to prefixes, policy rules and covering
 * selectors.  See dp_ts.h.
 *
 * IKE gives address ranges; the card matches prefixes.  A range becomes
 * the fewest prefixes that cover it exactly (a /24 stays one, 10.1.0.1 ..
 * 10.1.0.254 becomes 14), so what the card protects is exactly what was
 * negotiated: never more (traffic the peer would drop as outside the
 * CHILD_SA) and never less (traffic that would leave in the clear or be
 * dropped by another rule).
 */
#include "dp_ts.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "ike_wire.h"

typedef unsigned __int128 u128;

static int
ts_family(const struct ike_ts *ts)
{
	return ts->type == IKE_TS_IPV6_RANGE ? AF_INET6 : AF_INET;
}

static int
fam_bits(int family)
{
	return family == AF_INET6 ? 128 : 32;
}

static u128
get_addr(const uint8_t *a, int bits)
{
	u128 v = 0;
	int i;

	for (i = 0; i < bits / 8; i++)
		v = v << 8 | a[i];
	return v;
}

static void
put_addr(u128 v, uint8_t *a, int bits)
{
	int i;

	memset(a, 0, 16);
	for (i = bits / 8 - 1; i >= 0; i--) {
		a[i] = (uint8_t)v;
		v >>= 8;
	}
}

/* The k low bits set (k 0 .. 128). */
static u128
low_mask(int k)
{
	return k >= 128 ? ~(u128)0 : ((u128)1 << k) - 1;
}

size_t
dp_range_prefixes(const struct ike_ts *ts, struct dp_prefix *out,
    size_t max)
{
	int family = ts_family(ts), w = fam_bits(family), k;
	u128 s = get_addr(ts->start, w), e = get_addr(ts->end, w), last;
	size_t n = 0;

	if (s > e)
		return 0;
	for (;;) {
		/* The widest block that starts at s and ends by e. */
		for (k = w; k > 0; k--)
			if ((s & low_mask(k)) == 0 && e - s >= low_mask(k))
				break;
		if (n == max)
			return 0;
		out[n].family = family;
		put_addr(s, out[n].addr, w);
		out[n].plen = w - k;
		n++;
		last = s + low_mask(k);
		if (last == e)		/* also where s + 1 would wrap */
			return n;
		s = last + 1;
	}
}

const char *
dp_prefix_str(const struct dp_prefix *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (inet_ntop(p->family, p->addr, a, sizeof(a)) == NULL)
		snprintf(a, sizeof(a), "?");
	snprintf(buf, len, "%s/%d", a, p->plen);
	return buf;
}

/* A range as strongSwan writes it, for messages. */
static void
range_str(const struct ike_ts *ts, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	int f = ts_family(ts);

	if (inet_ntop(f, ts->start, a, sizeof(a)) == NULL ||
	    inet_ntop(f, ts->end, b, sizeof(b)) == NULL)
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "%s..%s", a, b);
}

/* -1 with err if the card can't match ts as it is. */
static int
ts_ok(const struct ike_ts *ts, char *err, size_t errlen)
{
	char r[2 * INET6_ADDRSTRLEN + 4];

	range_str(ts, r, sizeof(r));
	if (ts->type != IKE_TS_IPV4_RANGE && ts->type != IKE_TS_IPV6_RANGE) {
		snprintf(err, errlen, "traffic selector type %u: the card "
		    "takes IPv4 and IPv6 address ranges", ts->type);
		return -1;
	}
	if (ts->sport != 0 || ts->eport != 65535) {
		snprintf(err, errlen, "traffic selector %s proto %u ports "
		    "%u-%u: the card's policy rules match the protocol but "
		    "not ports", r, ts->proto, ts->sport, ts->eport);
		return -1;
	}
	if (memcmp(ts->start, ts->end, 16) > 0) {
		snprintf(err, errlen, "traffic selector %s is empty", r);
		return -1;
	}
	return 0;
}

static int
same_rule(const struct nicsec_spd_rule *a, const struct nicsec_spd_rule *b)
{
	return a->family == b->family && a->src_plen == b->src_plen &&
	    a->dst_plen == b->dst_plen && a->proto == b->proto &&
	    memcmp(a->src, b->src, 16) == 0 && memcmp(a->dst, b->dst, 16) == 0;
}

/* Adds the rules of one local and one remote selector; -1 if full. */
static int
pair_rules(const struct ike_ts *l, const struct ike_ts *r, uint32_t spi,
    struct nicsec_spd_rule *out, size_t max, size_t *n)
{
	struct dp_prefix lp[2 * 128], rp[2 * 128];
	struct nicsec_spd_rule rule;
	size_t nl, nr, i, j, k;

	if (ts_family(l) != ts_family(r) ||
	    (l->proto != 0 && r->proto != 0 && l->proto != r->proto))
		return 0;		/* no traffic is in both */
	nl = dp_range_prefixes(l, lp, 2 * 128);
	nr = dp_range_prefixes(r, rp, 2 * 128);
	for (i = 0; i < nl; i++) {
		for (j = 0; j < nr; j++) {
			memset(&rule, 0, sizeof(rule));
			rule.family = lp[i].family;
			memcpy(rule.src, lp[i].addr, 16);
			memcpy(rule.dst, rp[j].addr, 16);
			rule.src_plen = lp[i].plen;
			rule.dst_plen = rp[j].plen;
			rule.proto = l->proto ? l->proto : r->proto ? r->proto :
			    -1;
			rule.action = SPD_PROTECT;
			rule.spi = spi;
			for (k = 0; k < *n; k++)
				if (same_rule(&out[k], &rule))
					break;
			if (k < *n)
				continue;
			if (*n == max)
				return -1;
			out[(*n)++] = rule;
		}
	}
	return 0;
}

int
dp_ts_rules(const struct ike_ts *local, size_t nl,
    const struct ike_ts *remote, size_t nr, uint32_t spi,
    struct nicsec_spd_rule *out, size_t max, size_t *n, char *err,
    size_t errlen)
{
	size_t i, j;

	*n = 0;
	for (i = 0; i < nl; i++)
		if (ts_ok(&local[i], err, errlen) != 0)
			return -1;
	for (j = 0; j < nr; j++)
		if (ts_ok(&remote[j], err, errlen) != 0)
			return -1;
	for (i = 0; i < nl; i++)
		for (j = 0; j < nr; j++)
			if (pair_rules(&local[i], &remote[j], spi, out, max,
			    n) != 0) {
				snprintf(err, errlen, "the traffic selectors "
				    "need more than %zu policy rules as "
				    "prefixes", max);
				return -1;
			}
	if (*n == 0) {
		snprintf(err, errlen, "the traffic selectors (%zu local, %zu "
		    "remote) have no pair of one address family and protocol",
		    nl, nr);
		return -1;
	}
	return 0;
}

int
dp_ts_cover(const struct ike_ts *ts, size_t n, struct dp_prefix *p)
{
	int family, w, plen;
	u128 lo, hi, v;
	size_t i;

	if (n == 0)
		return 0;
	family = ts_family(&ts[0]);
	w = fam_bits(family);
	lo = get_addr(ts[0].start, w);
	hi = get_addr(ts[0].end, w);
	for (i = 1; i < n; i++) {
		if (ts_family(&ts[i]) != family)
			return 0;
		if ((v = get_addr(ts[i].start, w)) < lo)
			lo = v;
		if ((v = get_addr(ts[i].end, w)) > hi)
			hi = v;
	}
	/* The bits lo and hi share, from the top. */
	for (plen = 0; plen < w; plen++)
		if ((lo ^ hi) >> (w - 1 - plen) & 1)
			break;
	p->family = family;
	p->plen = plen;
	put_addr(plen == 0 ? 0 : lo & ~low_mask(w - plen), p->addr, w);
	return 1;
}
