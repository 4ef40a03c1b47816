/*
 * test_dp_ts.c - traffic selectors as the card's prefixes (host/dp_ts.c).
 *
 * Ranges to prefixes: known cases, then random IPv4 and IPv6 ranges whose
 * prefixes must be aligned, in order, touching, and cover the range
 * exactly; protect rules from selector pairs (protocols, families,
 * duplicates, ports refused, too many); covering prefixes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "dp_ts.h"
#include "ike_wire.h"
#include "rng.h"

static struct ike_ts
range(const char *a, const char *b, uint8_t proto)
{
	struct ike_ts ts;
	int f = strchr(a, ':') ? AF_INET6 : AF_INET;

	memset(&ts, 0, sizeof(ts));
	ts.type = f == AF_INET6 ? IKE_TS_IPV6_RANGE : IKE_TS_IPV4_RANGE;
	ts.proto = proto;
	ts.eport = 65535;
	assert_int_equal(inet_pton(f, a, ts.start), 1);
	assert_int_equal(inet_pton(f, b, ts.end), 1);
	return ts;
}

static void
assert_prefixes(const struct dp_prefix *p, size_t n, const char *const *want)
{
	char buf[64];
	size_t i;

	for (i = 0; i < n; i++) {
		if (want[i] == NULL)
			fail_msg("prefix %zu (%s) more than expected", i,
			    dp_prefix_str(&p[i], buf, sizeof(buf)));
		assert_string_equal(dp_prefix_str(&p[i], buf, sizeof(buf)),
		    want[i]);
	}
	assert_null(want[n]);
}

/* a .. b (any protocol) as exactly the prefixes want. */
static void
assert_range(const char *a, const char *b, const char *const *want)
{
	struct dp_prefix p[256];
	struct ike_ts ts = range(a, b, 0);

	assert_prefixes(p, dp_range_prefixes(&ts, p, 256), want);
}

static void
test_known_ranges(void **state)
{
	static const char *const r14[] = { "10.1.0.1/32", "10.1.0.2/31",
		"10.1.0.4/30", "10.1.0.8/29", "10.1.0.16/28", "10.1.0.32/27",
		"10.1.0.64/26", "10.1.0.128/26", "10.1.0.192/27",
		"10.1.0.224/28", "10.1.0.240/29", "10.1.0.248/30",
		"10.1.0.252/31", "10.1.0.254/32", NULL };
	static const char *const r24[] = { "10.1.0.0/24", NULL };
	static const char *const all4[] = { "0.0.0.0/0", NULL };
	static const char *const all6[] = { "::/0", NULL };
	static const char *const host[] = { "192.0.2.7/32", NULL };
	static const char *const v6[] = { "2001:db8::/48", "2001:db8:1::/64",
		NULL };
	struct dp_prefix p[256];
	struct ike_ts ts;

	(void)state;
	assert_range("10.1.0.0", "10.1.0.255", r24);
	assert_range("10.1.0.1", "10.1.0.254", r14);
	assert_range("0.0.0.0", "255.255.255.255", all4);
	assert_range("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", all6);
	assert_range("192.0.2.7", "192.0.2.7", host);
	assert_range("2001:db8::", "2001:db8:1::ffff:ffff:ffff:ffff", v6);
	/* Empty, and more than fit: 0. */
	ts = range("10.1.0.9", "10.1.0.8", 0);
	assert_int_equal(dp_range_prefixes(&ts, p, 256), 0);
	ts = range("10.1.0.1", "10.1.0.254", 0);
	assert_int_equal(dp_range_prefixes(&ts, p, 13), 0);
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;	/* xorshift64*, rng.h */

typedef unsigned __int128 u128;

static u128
num(const uint8_t *a, int bytes)
{
	u128 v = 0;
	int i;

	for (i = 0; i < bytes; i++)
		v = v << 8 | a[i];
	return v;
}

/* Random ranges: the prefixes tile [start, end] exactly, in order. */
static void
test_random_ranges_tile(void **state)
{
	struct dp_prefix p[256];
	struct ike_ts ts;
	int round, v6, bytes, w, i, ended;
	size_t n, k;
	u128 s, e, at, size;

	(void)state;
	for (round = 0; round < 4000; round++) {
		v6 = round & 1;
		bytes = v6 ? 16 : 4;
		w = 8 * bytes;
		memset(&ts, 0, sizeof(ts));
		ts.type = v6 ? IKE_TS_IPV6_RANGE : IKE_TS_IPV4_RANGE;
		ts.eport = 65535;
		for (i = 0; i < bytes; i++) {
			ts.start[i] = (uint8_t)rng_xorshift64s(&rng);
			ts.end[i] = (uint8_t)rng_xorshift64s(&rng);
		}
		/* Often a short range inside one block: the usual case. */
		if (round % 3 == 0)
			memcpy(ts.end, ts.start, (size_t)bytes - 2);
		s = num(ts.start, bytes);
		e = num(ts.end, bytes);
		if (s > e) {
			uint8_t t[16];

			memcpy(t, ts.start, 16);
			memcpy(ts.start, ts.end, 16);
			memcpy(ts.end, t, 16);
			at = s; s = e; e = at;
		}
		n = dp_range_prefixes(&ts, p, 256);
		assert_true(n >= 1 && n <= (size_t)(2 * w - 2));
		at = s;
		ended = 0;
		for (k = 0; k < n && !ended; k++) {
			assert_int_equal(p[k].family, v6 ? AF_INET6 : AF_INET);
			assert_true(p[k].plen >= 0 && p[k].plen <= w);
			assert_true(num(p[k].addr, bytes) == at);
			size = p[k].plen == 0 ? 0 : (u128)1 << (w - p[k].plen);
			/* aligned on its size */
			assert_true(size == 0 || (at & (size - 1)) == 0);
			if (size == 0 || at + size - 1 == e) {
				/* the last one ends the range */
				assert_int_equal(k, n - 1);
				ended = 1;
			}
			at += size;
		}
		assert_true(ended);
	}
}

static void
test_rules(void **state)
{
	struct nicsec_spd_rule r[DP_RULES_MAX];
	struct ike_ts l[3], rm[3];
	char err[256], buf[64];
	struct dp_prefix pf;
	size_t n;

	(void)state;
	/* TCP on one side, any on the other: a TCP rule; a second remote
	 * range of the other family makes no rule; a duplicate none. */
	l[0] = range("10.1.0.0", "10.1.0.255", 6);
	rm[0] = range("10.2.0.0", "10.2.0.255", 0);
	rm[1] = range("2001:db8::", "2001:db8::ffff", 0);
	rm[2] = range("10.2.0.0", "10.2.0.255", 0);
	assert_int_equal(dp_ts_rules(l, 1, rm, 3, 0xabc, r, DP_RULES_MAX, &n,
	    err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].family, AF_INET);
	assert_int_equal(r[0].proto, 6);
	assert_int_equal(r[0].action, SPD_PROTECT);
	assert_int_equal(r[0].spi, 0xabc);
	assert_int_equal(r[0].src_plen, 24);
	memcpy(pf.addr, r[0].dst, 16);
	pf.family = AF_INET;
	pf.plen = r[0].dst_plen;
	assert_string_equal(dp_prefix_str(&pf, buf, sizeof(buf)),
	    "10.2.0.0/24");
	/* Any and any: proto -1. */
	l[0].proto = 0;
	assert_int_equal(dp_ts_rules(l, 1, rm, 1, 1, r, DP_RULES_MAX, &n, err,
	    sizeof(err)), 0);
	assert_int_equal(r[0].proto, -1);
	/* TCP against UDP: nothing in both. */
	l[0].proto = 6;
	rm[0].proto = 17;
	assert_int_equal(dp_ts_rules(l, 1, rm, 1, 1, r, DP_RULES_MAX, &n, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "no pair of one address family and "
	    "protocol"));
	/* Ports. */
	rm[0].proto = 6;
	rm[0].sport = rm[0].eport = 443;
	assert_int_equal(dp_ts_rules(l, 1, rm, 1, 1, r, DP_RULES_MAX, &n, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "traffic selector 10.2.0.0..10.2.0.255 proto "
	    "6 ports 443-443: the card's policy rules match the protocol but "
	    "not ports");
	/* 14 x 14 prefixes are more than the card's 64 rules. */
	l[0] = range("10.1.0.1", "10.1.0.254", 0);
	rm[0] = range("10.2.0.1", "10.2.0.254", 0);
	assert_int_equal(dp_ts_rules(l, 1, rm, 1, 1, r, DP_RULES_MAX, &n, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "the traffic selectors need more than 64 "
	    "policy rules as prefixes");
}

static void
test_cover(void **state)
{
	struct ike_ts ts[3];
	struct dp_prefix p;
	char buf[64];

	(void)state;
	ts[0] = range("10.1.0.0", "10.1.0.255", 0);
	ts[1] = range("10.5.0.0", "10.5.0.255", 0);
	ts[2] = range("10.6.0.0", "10.6.0.255", 0);
	assert_int_equal(dp_ts_cover(ts, 3, &p), 1);
	assert_string_equal(dp_prefix_str(&p, buf, sizeof(buf)), "10.0.0.0/13");
	assert_int_equal(dp_ts_cover(ts, 1, &p), 1);
	assert_string_equal(dp_prefix_str(&p, buf, sizeof(buf)), "10.1.0.0/24");
	ts[0] = range("10.2.0.1", "10.2.0.254", 0);
	assert_int_equal(dp_ts_cover(ts, 1, &p), 1);
	assert_string_equal(dp_prefix_str(&p, buf, sizeof(buf)), "10.2.0.0/24");
	ts[1] = range("2001:db8::", "2001:db8::ff", 0);
	assert_int_equal(dp_ts_cover(ts, 2, &p), 0);
	ts[0] = range("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0);
	assert_int_equal(dp_ts_cover(ts, 1, &p), 1);
	assert_string_equal(dp_prefix_str(&p, buf, sizeof(buf)), "::/0");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_ranges),
		cmocka_unit_test(test_random_ranges_tile),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_cover),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
