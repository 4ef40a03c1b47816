/*
 * dp_slots.h - which SA slots and policy rule indices nicsecd may use on
 * its card, which it holds, and which rest in quarantine.  No I/O: the
 * caller asks the card (dataplane.c) and tells this what it saw.
 */
#ifndef NICSEC_DP_SLOTS_H
#define NICSEC_DP_SLOTS_H

#include <stddef.h>
#include <stdint.h>

enum dp_slot_state {
	DP_SLOT_FREE,
	DP_SLOT_FOREIGN,	/* held on the card by someone else */
	DP_SLOT_RESERVED,	/* promised: an inbound SPI, a staged SA */
	DP_SLOT_USED,		/* an SA of ours is in it */
	DP_SLOT_QUIET,		/* ours was deleted: quarantined */
};

struct dp_slots {
	unsigned  nslots, nrules;
	uint8_t  *state;		/* enum dp_slot_state, a slot */
	uint64_t *quiet_until;		/* ms, CLOCK_MONOTONIC */
	unsigned  cursor;		/* where the next search starts */
	uint8_t  *rule_state;		/* FREE, FOREIGN, RESERVED or USED */
	unsigned  quiet_ms;
};

/* 0, or -1 out of memory. */
int dp_slots_init(struct dp_slots *t, unsigned nslots, unsigned nrules,
    unsigned quiet_ms);
void dp_slots_free(struct dp_slots *t);

/* Milliseconds on CLOCK_MONOTONIC. */
uint64_t dp_now_ms(void);

/*
 * The next slot that may take a new SA, round robin from the last one
 * given: free, or quiet for long enough.  card_empty (if not NULL) is
 * asked about each candidate; a slot it says is taken (1: empty, 0: taken,
 * -1: error) becomes FOREIGN and the search goes on.  1 with *slot, 0 if
 * none is left, -1 if card_empty failed.  The slot is not marked: the
 * caller does (dp_slot_set).
 */
int dp_slot_pick(struct dp_slots *t, uint64_t now,
    int (*card_empty)(void *arg, unsigned slot), void *arg, unsigned *slot);
/* Why dp_slot_pick found none, for the error line. */
void dp_slot_why_full(const struct dp_slots *t, uint64_t now, char *buf,
    size_t len);

/* Sets a slot's state; QUIET starts its quarantine at now. */
void dp_slot_set(struct dp_slots *t, unsigned slot, int state,
    uint64_t now);

/* Free slots (quiet ones past their time counted), free rules. */
unsigned dp_slots_free_count(const struct dp_slots *t, uint64_t now);
unsigned dp_rules_free_count(const struct dp_slots *t);

/*
 * n free rule indices, lowest first, into idx; 0, or -1 when fewer are
 * free (nothing marked).  The caller marks them (rule_state).
 */
int dp_rules_pick(const struct dp_slots *t, unsigned n, unsigned *idx);

#endif /* NICSEC_DP_SLOTS_H */
