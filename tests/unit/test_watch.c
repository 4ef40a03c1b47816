/*
 * test_watch.c - the black-hole and monitor verdicts (host/watch.c), from
 * sequences of card counters (one sample a second, as exch_watch.c takes
 * them) and of answered or missed echo requests, with what an operator
 * would call each: a black hole is packets going out and none coming in
 * for the whole blackhole_time; an idle tunnel, a tunnel that answers,
 * a lone packet or a burst long ago are not.  One report per episode, and
 * a new one only after inbound moved again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "watch.h"

/* One sample a second from t = 1: in[i], out[i]; the verdicts. */
static void
run(struct bh_watch *w, const uint64_t *in, const uint64_t *out, size_t n,
    double limit, enum bh_verdict *got, uint64_t *sent)
{
	for (size_t i = 0; i < n; i++)
		got[i] = bh_judge(w, in[i], out[i], (double)(i + 1), limit,
		    &sent[i]);
}

/* Pings out every second, the replies stop at t = 3: reported at t = 3 +
 * 5, once, with the packets counted from the window's start. */
static void
test_hole(void **state)
{
	static const uint64_t in[] = { 0, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2 };
	static const uint64_t out[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
	enum bh_verdict v[12];
	uint64_t sent[12];
	struct bh_watch w;

	(void)state;
	memset(&w, 0, sizeof(w));
	run(&w, in, out, 12, 5, v, sent);
	for (size_t i = 0; i < 12; i++)
		assert_int_equal(v[i], i == 7 ? BH_HOLE : BH_OK);
	/* the window opened at t = 3 (in 2, out 2): 8 - 3 = 5 s, out 2 -> 7 */
	assert_int_equal(sent[7], 5);
	assert_true(w.warned);
}

/* The same, and then inbound moves: BH_OVER once, then armed again. */
static void
test_over_rearms(void **state)
{
	static const uint64_t in[] = { 0, 0, 0, 0, 0, 0, 0, 5, 5, 5, 5, 5, 5,
	    5, 5 };
	static const uint64_t out[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
	    12, 13, 14 };
	enum bh_verdict v[15];
	uint64_t sent[15];
	struct bh_watch w;

	(void)state;
	memset(&w, 0, sizeof(w));
	run(&w, in, out, 15, 4, v, sent);
	/* window from t = 1; hole at t = 5; inbound at t = 8; hole again
	 * at t = 12 (4 s after the window reopened at 8) */
	for (size_t i = 0; i < 15; i++)
		assert_int_equal(v[i], i == 4 || i == 11 ? BH_HOLE :
		    i == 7 ? BH_OVER : BH_OK);
	assert_int_equal(sent[4], 4);
	assert_int_equal(sent[11], 4);
}

/* Nothing out and nothing in (an idle tunnel), or both moving (a
 * working one): never. */
static void
test_idle_and_working(void **state)
{
	enum bh_verdict v;
	struct bh_watch w;
	uint64_t sent;
	int i;

	(void)state;
	memset(&w, 0, sizeof(w));
	for (i = 1; i <= 100; i++)
		assert_int_equal(bh_judge(&w, 7, 9, i, 5, &sent), BH_OK);
	memset(&w, 0, sizeof(w));
	for (i = 1; i <= 100; i++) {
		v = bh_judge(&w, (uint64_t)i, (uint64_t)(i * 10), i, 5, &sent);
		assert_int_equal(v, BH_OK);
	}
	/* replies that come only every 4 s under a limit of 5: fine */
	memset(&w, 0, sizeof(w));
	for (i = 1; i <= 100; i++) {
		v = bh_judge(&w, (uint64_t)(i / 4), (uint64_t)i, i, 5, &sent);
		assert_int_equal(v, BH_OK);
	}
}

/* After a long idle time, the first packets out do not count the idle
 * time: the window opens when they go out. */
static void
test_idle_then_traffic(void **state)
{
	struct bh_watch w;
	uint64_t sent;
	int i;

	(void)state;
	memset(&w, 0, sizeof(w));
	for (i = 1; i <= 1000; i++)
		assert_int_equal(bh_judge(&w, 50, 50, i, 30, &sent), BH_OK);
	for (i = 1001; i < 1030; i++)
		assert_int_equal(bh_judge(&w, 50, 50 + (uint64_t)(i - 1000), i,
		    30, &sent), BH_OK);
	assert_int_equal(bh_judge(&w, 50, 80, 1030, 30, &sent), BH_HOLE);
	assert_int_equal(sent, 30);
}

/* Fewer than BH_MIN_OUT out: a lone packet is not a black hole; and a
 * burst long ago, then silence past the limit, then two more packets: not
 * one window of them all. */
static void
test_few_and_stale(void **state)
{
	struct bh_watch w;
	uint64_t sent;
	int i;

	(void)state;
	memset(&w, 0, sizeof(w));
	assert_int_equal(bh_judge(&w, 0, 0, 1, 5, &sent), BH_OK);
	for (i = 2; i <= 100; i++)
		assert_int_equal(bh_judge(&w, 0, BH_MIN_OUT - 1, i, 5, &sent),
		    BH_OK);
	memset(&w, 0, sizeof(w));
	assert_int_equal(bh_judge(&w, 0, 0, 1, 5, &sent), BH_OK);
	assert_int_equal(bh_judge(&w, 0, 2, 2, 5, &sent), BH_OK);
	for (i = 3; i <= 60; i++)
		assert_int_equal(bh_judge(&w, 0, 2, i, 5, &sent), BH_OK);
	assert_int_equal(bh_judge(&w, 0, 3, 61, 5, &sent), BH_OK);
	assert_int_equal(bh_judge(&w, 0, 4, 62, 5, &sent), BH_OK);
	/* only now: 5 s of packets out from t = 60 */
	for (i = 63; i < 65; i++)
		assert_int_equal(bh_judge(&w, 0, (uint64_t)i - 58, i, 5,
		    &sent), BH_OK);
	assert_int_equal(bh_judge(&w, 0, 7, 65, 5, &sent), BH_HOLE);
	assert_int_equal(sent, 5);
}

/* Counters that go back are another SA's: start over, no report. */
static void
test_counters_back(void **state)
{
	struct bh_watch w;
	uint64_t sent;
	int i;

	(void)state;
	memset(&w, 0, sizeof(w));
	for (i = 1; i <= 4; i++)
		assert_int_equal(bh_judge(&w, 100, 100 + (uint64_t)i, i, 5,
		    &sent), BH_OK);
	assert_int_equal(bh_judge(&w, 0, 1, 5, 5, &sent), BH_OK);
	for (i = 6; i < 10; i++)
		assert_int_equal(bh_judge(&w, 0, (uint64_t)i - 4, i, 5, &sent),
		    BH_OK);
	assert_int_equal(bh_judge(&w, 0, 6, 10, 5, &sent), BH_HOLE);
}

/* Monitoring: threshold misses in a row is down, once; a reply is up,
 * once; a miss short of the threshold between replies is nothing. */
static void
test_monitor(void **state)
{
	/* 1 answered, 0 missed */
	static const int ans[] = { 1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0 };
	static const enum mon_verdict want[] = { MON_SAME, MON_SAME, MON_SAME,
	    MON_SAME, MON_SAME, MON_SAME, MON_DOWN, MON_SAME, MON_SAME, MON_UP,
	    MON_SAME, MON_SAME, MON_SAME, MON_DOWN };
	struct mon_watch m;

	(void)state;
	memset(&m, 0, sizeof(m));
	for (size_t i = 0; i < sizeof(ans) / sizeof(ans[0]); i++)
		assert_int_equal(mon_judge(&m, ans[i], 3), want[i]);
	/* threshold 1: every miss after a reply is down */
	memset(&m, 0, sizeof(m));
	assert_int_equal(mon_judge(&m, 0, 1), MON_DOWN);
	assert_int_equal(mon_judge(&m, 0, 1), MON_SAME);
	assert_int_equal(mon_judge(&m, 1, 1), MON_UP);
	assert_int_equal(mon_judge(&m, 0, 1), MON_DOWN);
	/* a very long run does not wrap */
	memset(&m, 0, sizeof(m));
	for (int i = 0; i < 100000; i++)
		mon_judge(&m, 0, 1000);
	assert_int_equal(m.down, 1);
	assert_int_equal(mon_judge(&m, 1, 1000), MON_UP);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hole),
		cmocka_unit_test(test_over_rearms),
		cmocka_unit_test(test_idle_and_working),
		cmocka_unit_test(test_idle_then_traffic),
		cmocka_unit_test(test_few_and_stale),
		cmocka_unit_test(test_counters_back),
		cmocka_unit_test(test_monitor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
