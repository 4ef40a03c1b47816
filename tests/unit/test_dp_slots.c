/*
 * test_dp_slots.c - the data plane's SA slots and rule indices
 * (host/dp_slots.c), on a clock the test turns: slots round robin, a
 * deleted SA's slot quarantined until its time is up (and only then, even
 * when nothing else is free), slots the card says are taken skipped for
 * good, a card that fails, the reasons when full, rule indices lowest
 * first.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dp_slots.h"

#define QUIET	1000

static unsigned
pick(struct dp_slots *t, uint64_t now)
{
	unsigned s = ~0u;

	assert_int_equal(dp_slot_pick(t, now, NULL, NULL, &s), 1);
	return s;
}

static void
test_round_robin_and_quarantine(void **state)
{
	struct dp_slots t;
	unsigned s, i;

	(void)state;
	assert_int_equal(dp_slots_init(&t, 8, 4, QUIET), 0);
	for (i = 0; i < 8; i++) {
		s = pick(&t, 0);
		assert_int_equal(s, i);
		dp_slot_set(&t, s, DP_SLOT_USED, 0);
	}
	assert_int_equal(dp_slot_pick(&t, 0, NULL, NULL, &s), 0);
	/* Slot 2 deleted at t=5000: not before 6000, though it is the
	 * only one. */
	dp_slot_set(&t, 2, DP_SLOT_QUIET, 5000);
	assert_int_equal(dp_slots_free_count(&t, 5999), 0);
	assert_int_equal(dp_slot_pick(&t, 5999, NULL, NULL, &s), 0);
	assert_int_equal(dp_slots_free_count(&t, 6000), 1);
	assert_int_equal(pick(&t, 6000), 2);
	/* Round robin: freed slots behind the cursor wait their turn. */
	dp_slot_set(&t, 2, DP_SLOT_FREE, 0);
	dp_slot_set(&t, 6, DP_SLOT_FREE, 0);
	assert_int_equal(pick(&t, 6000), 6);
	dp_slot_set(&t, 6, DP_SLOT_USED, 0);
	assert_int_equal(pick(&t, 6000), 2);
	dp_slots_free(&t);
}

static int
card_says(void *arg, unsigned slot)
{
	const int *taken = arg;

	if (taken[slot] < 0)
		return -1;
	return !taken[slot];
}

static void
test_card_taken_and_failing(void **state)
{
	struct dp_slots t;
	int taken[4] = { 1, 0, 1, 0 };
	char why[256];
	unsigned s;

	(void)state;
	assert_int_equal(dp_slots_init(&t, 4, 2, QUIET), 0);
	assert_int_equal(dp_slot_pick(&t, 0, card_says, taken, &s), 1);
	assert_int_equal(s, 1);
	assert_int_equal(t.state[0], DP_SLOT_FOREIGN);
	dp_slot_set(&t, 1, DP_SLOT_RESERVED, 0);
	/* Slot 0 is not asked again: FOREIGN stays. */
	taken[0] = 0;
	assert_int_equal(dp_slot_pick(&t, 0, card_says, taken, &s), 1);
	assert_int_equal(s, 3);
	dp_slot_set(&t, 3, DP_SLOT_USED, 0);
	assert_int_equal(dp_slot_pick(&t, 0, card_says, taken, &s), 0);
	dp_slot_why_full(&t, 0, why, sizeof(why));
	assert_string_equal(why, "all 4 SA slots are taken: 1 by our SAs, 1 "
	    "promised to CHILD_SAs being negotiated, 0 in quarantine (deleted "
	    "less than 1000 ms ago), 2 by SAs nicsecd did not install");
	/* A card that can't answer: -1, and the slot is left as it was. */
	dp_slot_set(&t, 3, DP_SLOT_FREE, 0);
	taken[3] = -1;
	assert_int_equal(dp_slot_pick(&t, 0, card_says, taken, &s), -1);
	assert_int_equal(t.state[3], DP_SLOT_FREE);
	dp_slots_free(&t);
}

static void
test_rules(void **state)
{
	struct dp_slots t;
	unsigned idx[4];

	(void)state;
	assert_int_equal(dp_slots_init(&t, 4, 4, QUIET), 0);
	t.rule_state[0] = DP_SLOT_FOREIGN;
	t.rule_state[2] = DP_SLOT_USED;
	assert_int_equal(dp_rules_free_count(&t), 2);
	assert_int_equal(dp_rules_pick(&t, 2, idx), 0);
	assert_int_equal(idx[0], 1);
	assert_int_equal(idx[1], 3);
	/* Not marked: the caller does. */
	assert_int_equal(dp_rules_free_count(&t), 2);
	assert_int_equal(dp_rules_pick(&t, 3, idx), -1);
	assert_int_equal(dp_rules_pick(&t, 0, idx), 0);
	dp_slots_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_robin_and_quarantine),
		cmocka_unit_test(test_card_taken_and_failing),
		cmocka_unit_test(test_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
