/*
 * dp_slots.c - SA slots and rule indices for nicsecd.  See dp_slots.h.
 *
 * Why round robin and a quarantine: the card may still hold packets of a
 * deleted SA in its pipeline for a few hundred cycles, looked up by slot;
 * an SA installed in that slot at once would meet them (docs/card.md: "a
 * rekeyed SA goes to a fresh index").  Handing slots out in turn puts
 * every other slot between a delete and a reuse; the quarantine holds even
 * when the table is nearly full and the turn comes round fast.
 */
#include "dp_slots.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

uint64_t
dp_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int
dp_slots_init(struct dp_slots *t, unsigned nslots, unsigned nrules,
    unsigned quiet_ms)
{
	t->nslots = nslots;
	t->nrules = nrules;
	t->cursor = 0;
	t->quiet_ms = quiet_ms;
	t->state = calloc(nslots, 1);
	t->quiet_until = calloc(nslots, sizeof(t->quiet_until[0]));
	t->rule_state = calloc(nrules ? nrules : 1, 1);
	if (t->state == NULL || t->quiet_until == NULL ||
	    t->rule_state == NULL) {
		dp_slots_free(t);
		return -1;
	}
	return 0;
}

void
dp_slots_free(struct dp_slots *t)
{
	free(t->state);
	free(t->quiet_until);
	free(t->rule_state);
	t->state = t->rule_state = NULL;
	t->quiet_until = NULL;
}

static int
takeable(const struct dp_slots *t, unsigned s, uint64_t now)
{
	return t->state[s] == DP_SLOT_FREE ||
	    (t->state[s] == DP_SLOT_QUIET && now >= t->quiet_until[s]);
}

int
dp_slot_pick(struct dp_slots *t, uint64_t now,
    int (*card_empty)(void *arg, unsigned slot), void *arg, unsigned *slot)
{
	unsigned i, s;
	int rc;

	for (i = 0; i < t->nslots; i++) {
		s = (t->cursor + i) % t->nslots;
		if (!takeable(t, s, now))
			continue;
		if (card_empty != NULL) {
			if ((rc = card_empty(arg, s)) < 0)
				return -1;
			if (rc == 0) {
				t->state[s] = DP_SLOT_FOREIGN;
				continue;
			}
		}
		t->cursor = (s + 1) % t->nslots;
		*slot = s;
		return 1;
	}
	return 0;
}

void
dp_slot_why_full(const struct dp_slots *t, uint64_t now, char *buf,
    size_t len)
{
	unsigned n[DP_SLOT_QUIET + 1] = { 0 }, s;

	for (s = 0; s < t->nslots; s++)
		n[t->state[s]]++;
	(void)now;
	snprintf(buf, len, "all %u SA slots are taken: %u by our SAs, %u "
	    "promised to CHILD_SAs being negotiated, %u in quarantine (deleted "
	    "less than %u ms ago), %u by SAs nicsecd did not install",
	    t->nslots, n[DP_SLOT_USED], n[DP_SLOT_RESERVED], n[DP_SLOT_QUIET],
	    t->quiet_ms, n[DP_SLOT_FOREIGN]);
}

void
dp_slot_set(struct dp_slots *t, unsigned slot, int state, uint64_t now)
{
	t->state[slot] = (uint8_t)state;
	t->quiet_until[slot] = state == DP_SLOT_QUIET ? now + t->quiet_ms : 0;
}

unsigned
dp_slots_free_count(const struct dp_slots *t, uint64_t now)
{
	unsigned s, n = 0;

	for (s = 0; s < t->nslots; s++)
		n += takeable(t, s, now);
	return n;
}

unsigned
dp_rules_free_count(const struct dp_slots *t)
{
	unsigned i, n = 0;

	for (i = 0; i < t->nrules; i++)
		n += t->rule_state[i] == DP_SLOT_FREE;
	return n;
}

int
dp_rules_pick(const struct dp_slots *t, unsigned n, unsigned *idx)
{
	unsigned i, k = 0;

	for (i = 0; i < t->nrules && k < n; i++)
		if (t->rule_state[i] == DP_SLOT_FREE)
			idx[k++] = i;
	return k == n ? 0 : -1;
}
