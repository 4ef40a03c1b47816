/*
 * dp_trap.c - trap rules: while a child with a `trap` action has no
 * CHILD_SA, a `punt` policy rule for each pair of its selectors sends the
 * traffic it would carry to the host (the card's LAN TAP), where nicsecd
 * sees the first packet and starts the child (exch_trap.c).  Without a
 * rule such traffic reaches the host too (docs/card.md: no rule matched),
 * but only while no broader rule of the operator's (a bypass or a drop
 * after ours) takes it first; and an explicit rule shows in `spd list` as
 * what it is.  See dataplane.h.
 */
#include "dp_priv.h"

#include <stdlib.h>
#include <string.h>

static struct dp_trap *
find(const struct dp *dp, unsigned key)
{
	for (size_t i = 0; i < dp->ntraps; i++)
		if (dp->traps[i].key == key)
			return &dp->traps[i];
	return NULL;
}

int
dp_trap_add(struct dp *dp, unsigned key, const struct ike_ts *local,
    size_t nl, const struct ike_ts *remote, size_t nr)
{
	struct nicsec_spd_rule rules[DP_RULES_MAX];
	struct dp_trap t = { key, 0, { 0 } }, *grown;
	char err[256], s[256];
	size_t n;
	unsigned i;

	if (key == 0 || find(dp, key) != NULL)
		return dp_err(dp, "trap %u: %s", key, key == 0 ? "key 0 is "
		    "not a key" : "its rules are on the card already");
	if (dp_ts_rules(local, nl, remote, nr, 0, rules, DP_RULES_MAX, &n,
	    err, sizeof(err)) != 0)
		return dp_err(dp, "trap rule: %s", err);
	if (dp_rules_pick(&dp->t, (unsigned)n, t.rule_idx) != 0)
		return dp_err(dp, "%s: no free policy rule for a trap: it needs "
		    "%zu, %u of %u are free", dp->name, n,
		    dp_rules_free_count(&dp->t), dp->t.nrules);
	t.nrules = (unsigned)n;
	for (i = 0; i < t.nrules; i++)
		dp->t.rule_state[t.rule_idx[i]] = DP_SLOT_RESERVED;
	if ((grown = realloc(dp->traps, (dp->ntraps + 1) *
	    sizeof(*grown))) == NULL) {
		for (i = 0; i < t.nrules; i++)
			dp->t.rule_state[t.rule_idx[i]] = DP_SLOT_FREE;
		return dp_err(dp, "out of memory");
	}
	dp->traps = grown;
	i = 0;
	if (dp_rules_still_free(dp, t.rule_idx, t.nrules, 0) != 0)
		goto undo;
	for (i = 0; i < t.nrules; i++) {
		rules[i].action = SPD_PUNT;
		rules[i].spi = 0;
		if (dp_rule_put(dp, t.rule_idx[i], &rules[i], 0) != 0)
			goto undo;
		dp->t.rule_state[t.rule_idx[i]] = DP_SLOT_USED;
		dp_logf(dp, "trap: policy rule %u: %s punt", t.rule_idx[i],
		    dp_rule_str(&rules[i], s, sizeof(s)));
	}
	dp->traps[dp->ntraps++] = t;
	return 0;
undo:
	/* the ones written come off; the rest were only promised */
	while (i-- > 0)
		dp_rule_drop(dp, t.rule_idx[i], 0);
	for (i = 0; i < t.nrules; i++)
		if (dp->t.rule_state[t.rule_idx[i]] == DP_SLOT_RESERVED)
			dp->t.rule_state[t.rule_idx[i]] = DP_SLOT_FREE;
	return -1;
}

int
dp_trap_del(struct dp *dp, unsigned key)
{
	struct dp_trap *t = find(dp, key);
	int rc = 0;

	if (t == NULL)
		return 0;
	for (unsigned i = 0; i < t->nrules; i++)
		if (dp_rule_drop(dp, t->rule_idx[i], 0) != 0)
			rc = -1;	/* left FOREIGN, said in dp->err */
		else
			dp_logf(dp, "trap: policy rule %u removed",
			    t->rule_idx[i]);
	*t = dp->traps[--dp->ntraps];
	return rc;
}

unsigned
dp_trap_rules(const struct dp *dp, unsigned key, unsigned *idx, unsigned max)
{
	const struct dp_trap *t = find(dp, key);
	unsigned n = 0;

	for (; t != NULL && n < t->nrules && n < max; n++)
		idx[n] = t->rule_idx[n];
	return t != NULL ? t->nrules : 0;
}
