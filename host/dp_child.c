/*
 * dp_child.c - CHILD_SAs on the card: install whole or in halves (a rekey's
 * make-before-break), switch, delete.  See dataplane.h.
 *
 * Everything that can refuse a CHILD_SA (the SPI, room for its outbound SA
 * and rules, an outbound SPI another of ours uses) is checked before the
 * first write; a write the card refuses is undone, so a failed call leaves
 * the card as it was.
 */
#include "dp_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
same_rules(const struct dp_child *a, const struct dp_child *b)
{
	unsigned i;

	if (a->nrules != b->nrules)
		return 0;
	for (i = 0; i < a->nrules; i++) {
		const struct nicsec_spd_rule *x = &a->rules[i], *y = &b->rules[i];

		if (x->family != y->family || x->proto != y->proto ||
		    x->src_plen != y->src_plen || x->dst_plen != y->dst_plen ||
		    memcmp(x->src, y->src, 16) || memcmp(x->dst, y->dst, 16))
			return 0;
	}
	return 1;
}

/* Another CHILD_SA of ours sending with spi: its rules would name it. */
static const struct dp_child *
out_spi_user(const struct dp *dp, uint32_t spi)
{
	unsigned s;

	for (s = 0; s < dp->t.nslots; s++) {
		const struct dp_child *o = dp->owner[s];

		if (o != NULL && o->slot_in == s && o->spi_out == spi &&
		    (o->out_on || o->staged))
			return o;
	}
	return NULL;
}

/*
 * Everything that can refuse the CHILD_SA, before the card is touched:
 * the SPI promised, the old CHILD_SA there, room for the outbound SA and
 * the rules.  Picks the outbound slot and the rule indices.
 */
static int
reserve(struct dp *dp, struct dp_child *c, uint32_t replaces)
{
	const struct dp_child *old = NULL, *o;
	unsigned need;

	if (!dp_is_promised(dp, c->spi_in))
		return dp_err(dp, "CHILD_SA 0x%08x: %s", c->spi_in,
		    dp_find_child(dp, c->spi_in) ? "installed already" :
		    "its inbound SPI was not handed out by dp_spi_alloc");
	if ((o = out_spi_user(dp, c->spi_out)) != NULL)
		return dp_err(dp, "CHILD_SA 0x%08x: outbound SPI 0x%08x is that "
		    "of CHILD_SA 0x%08x too; the card's policy rules name "
		    "outbound SAs by SPI", c->spi_in, c->spi_out, o->spi_in);
	if (replaces != 0) {
		old = dp_find_child(dp, replaces);
		if (old == NULL || !old->rules_on)
			return dp_err(dp, "CHILD_SA 0x%08x: it replaces CHILD_SA "
			    "0x%08x, which is not installed with its rules",
			    c->spi_in, replaces);
	}
	c->replaces = replaces;
	c->repoint = old != NULL && same_rules(c, old);
	need = c->repoint ? 0 : c->nrules;
	if (dp_rules_pick(&dp->t, need, c->rule_idx) != 0)
		return dp_err(dp, "%s: no free policy rule: CHILD_SA 0x%08x "
		    "needs %u, %u of %u are free", dp->name, c->spi_in, need,
		    dp_rules_free_count(&dp->t), dp->t.nrules);
	return dp_pick_slot(dp, "an outbound SA", &c->slot_out);
}

int
dp_child_add_inbound(struct dp *dp, struct dp_child_params *p)
{
	struct nicsec_sa in;
	struct dp_child *c;
	unsigned i;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		dp_wipe_keys(&p->child->keys);
		return dp_err(dp, "out of memory");
	}
	if (dp_build(dp, p, &in, &c->out_sa, c) != 0 ||
	    reserve(dp, c, p->replaces) != 0)
		goto fail;
	c->slot_in = dp_home_slot(dp, c->spi_in);
	if (dp_sa_put(dp, &in, c->slot_in, c->spi_in) != 0)
		goto fail;
	dp_slot_set(&dp->t, c->slot_in, DP_SLOT_USED, 0);
	dp->promised[c->slot_in] = 0;
	dp->owner[c->slot_in] = c;
	dp_slot_set(&dp->t, c->slot_out, DP_SLOT_RESERVED, 0);
	dp->owner[c->slot_out] = c;
	if (!c->repoint)
		for (i = 0; i < c->nrules; i++)
			dp->t.rule_state[c->rule_idx[i]] = DP_SLOT_RESERVED;
	c->staged = 1;
	return 0;
fail:
	dp_wipe(&in, sizeof(in));
	dp_child_free(c);
	return -1;
}

/* Undoes what switch_rules wrote, after a failure. */
static void
unswitch(struct dp *dp, struct dp_child *c, struct dp_child *old,
    unsigned done)
{
	struct nicsec_spd_rule r;
	unsigned i;

	for (i = 0; i < done; i++) {
		if (c->repoint) {
			r = old->rules[i];
			r.spi = old->spi_out;
			dp_rule_put(dp, old->rule_idx[i], &r, c->spi_in);
		} else if (dp_rule_drop(dp, c->rule_idx[i], c->spi_in) == 0) {
			/* still promised to this CHILD_SA */
			dp->t.rule_state[c->rule_idx[i]] = DP_SLOT_RESERVED;
		}
	}
}

/* Points traffic at c's outbound SA: old's rules repointed, or c's own
 * written (then old's deleted).  -1 with everything as it was. */
static int
switch_rules(struct dp *dp, struct dp_child *c, struct dp_child *old)
{
	struct nicsec_spd_rule r;
	char err[sizeof(dp->err)];
	unsigned i;

	for (i = 0; i < c->nrules; i++) {
		r = c->rules[i];
		r.spi = c->spi_out;
		if (c->repoint)
			c->rule_idx[i] = old->rule_idx[i];
		if (dp_rule_put(dp, c->rule_idx[i], &r, c->spi_in) != 0)
			break;
	}
	if (i == c->nrules && dp_rule_check(dp, c) == 0) {
		if (old != NULL && !c->repoint)
			for (i = 0; i < old->nrules; i++)
				dp_rule_drop(dp, old->rule_idx[i], old->spi_in);
		for (i = 0; i < c->nrules; i++)
			dp->t.rule_state[c->rule_idx[i]] = DP_SLOT_USED;
		if (old != NULL) {
			old->rules_on = 0;
			old->nrules = 0;
		}
		c->rules_on = 1;
		return 0;
	}
	memcpy(err, dp->err, sizeof(err));
	unswitch(dp, c, old, i);
	memcpy(dp->err, err, sizeof(err));
	return -1;
}

static void
log_switch(struct dp *dp, const struct dp_child *c, const struct dp_child *old)
{
	char r[256], from[64] = "";

	if (old != NULL)
		snprintf(from, sizeof(from), " (%s CHILD_SA 0x%08x's)",
		    c->repoint ? "repointed: they were" : "replacing", old->spi_in);
	dp_logf(dp, "CHILD_SA 0x%08x/0x%08x: outbound SA in slot 0x%03x, %u "
	    "policy rule%s from %u%s, the first %s", c->spi_in, c->spi_out,
	    c->slot_out, c->nrules, c->nrules == 1 ? "" : "s", c->rule_idx[0],
	    from, dp_rule_str(&c->rules[0], r, sizeof(r)));
}

int
dp_child_switch(struct dp *dp, uint32_t spi_in)
{
	struct dp_child *c = dp_find_child(dp, spi_in), *old = NULL;
	struct nicsec_sa out;
	char err[sizeof(dp->err)];

	if (c == NULL || !c->staged)
		return dp_err(dp, "CHILD_SA 0x%08x: %s", spi_in, c == NULL ?
		    "not installed" : "its outbound SA is in already");
	if (c->replaces != 0 && (old = dp_find_child(dp, c->replaces)) == NULL)
		return dp_err(dp, "CHILD_SA 0x%08x: the CHILD_SA it replaces, "
		    "0x%08x, is gone", spi_in, c->replaces);
	/* Two rekeys of one CHILD_SA (a collision, RFC 7296 2.8.1): the
	 * first to switch takes the rules; the other is to be deleted. */
	if (old != NULL && !old->rules_on)
		return dp_err(dp, "CHILD_SA 0x%08x: CHILD_SA 0x%08x, which it "
		    "replaces, has handed its rules on already (another rekey "
		    "of it switched first)", spi_in, old->spi_in);
	if (!c->repoint &&
	    dp_rules_still_free(dp, c->rule_idx, c->nrules, c->spi_in) != 0)
		return -1;
	/* A copy, so that a refused install leaves the staged SA for a
	 * retry (the card's call wipes what it is given). */
	out = c->out_sa;
	if (dp_sa_put(dp, &out, c->slot_out, spi_in) != 0) {
		dp_wipe(&out, sizeof(out));
		return -1;
	}
	c->out_on = 1;
	if (switch_rules(dp, c, old) != 0) {
		/* The old rules are back; the outbound SA goes, its slot
		 * into quarantine (traffic may have reached it), and the
		 * CHILD_SA stays inbound only, for the daemon to delete. */
		memcpy(err, dp->err, sizeof(err));
		dp_sa_drop(dp, c->slot_out, spi_in, "outbound");
		c->out_on = 0;
		c->staged = 0;
		dp_wipe(&c->out_sa, sizeof(c->out_sa));
		memcpy(dp->err, err, sizeof(err));
		return -1;
	}
	dp_wipe(&c->out_sa, sizeof(c->out_sa));
	c->staged = 0;
	dp_slot_set(&dp->t, c->slot_out, DP_SLOT_USED, 0);
	log_switch(dp, c, old);
	return 0;
}

int
dp_child_add(struct dp *dp, struct dp_child_params *p)
{
	uint32_t spi = p->child->spi_in;
	char err[sizeof(dp->err)];

	if (dp_child_add_inbound(dp, p) != 0)
		return -1;
	if (dp_child_switch(dp, spi) == 0)
		return 0;
	/* Whole or not at all: the inbound SA goes too, and the SPI is
	 * promised again, as after any failed add, for the daemon to free
	 * or retry. */
	memcpy(err, dp->err, sizeof(err));
	if (dp_child_delete(dp, spi) == 0) {
		unsigned s = dp_home_slot(dp, spi);

		dp_slot_set(&dp->t, s, DP_SLOT_RESERVED, 0);
		dp->promised[s] = spi;
	}
	memcpy(dp->err, err, sizeof(err));
	return -1;
}

/*
 * A staged CHILD_SA that was to repoint c's rules gets their indices,
 * freed now, promised instead, so that its switch still finds room.
 */
static void
hand_over_rules(struct dp *dp, struct dp_child *c)
{
	unsigned s, i;

	for (s = 0; s < dp->t.nslots; s++) {
		struct dp_child *n = dp->owner[s];

		if (n == NULL || n->slot_in != s || !n->staged ||
		    n->replaces != c->spi_in)
			continue;
		n->replaces = 0;
		if (n->repoint)
			for (i = 0; i < n->nrules; i++) {
				n->rule_idx[i] = c->rule_idx[i];
				dp->t.rule_state[n->rule_idx[i]] =
				    DP_SLOT_RESERVED;
			}
		n->repoint = 0;
	}
}

int
dp_child_delete(struct dp *dp, uint32_t spi_in)
{
	struct dp_child *c = dp_find_child(dp, spi_in);
	char first[sizeof(dp->err)] = "";
	unsigned i;

	if (c == NULL) {
		if (dp_is_promised(dp, spi_in))
			return dp_spi_free(dp, spi_in);
		return dp_err(dp, "no CHILD_SA with inbound SPI 0x%08x",
		    spi_in);
	}
	/* Traffic stops going out first, then the way back closes. */
	for (i = 0; i < c->nrules; i++) {
		if (c->rules_on) {
			if (dp_rule_drop(dp, c->rule_idx[i], spi_in) != 0 &&
			    first[0] == '\0')
				memcpy(first, dp->err, sizeof(first));
		} else if (!c->repoint) {
			dp->t.rule_state[c->rule_idx[i]] = DP_SLOT_FREE;
		}
	}
	if (c->rules_on)
		hand_over_rules(dp, c);
	if (c->out_on) {
		if (dp_sa_drop(dp, c->slot_out, spi_in, "outbound") != 0 &&
		    first[0] == '\0')
			memcpy(first, dp->err, sizeof(first));
	} else if (c->staged) {
		dp_slot_set(&dp->t, c->slot_out, DP_SLOT_FREE, 0);
		dp->owner[c->slot_out] = NULL;
	}
	if (dp_sa_drop(dp, c->slot_in, spi_in, "inbound") != 0 &&
	    first[0] == '\0')
		memcpy(first, dp->err, sizeof(first));
	dp_logf(dp, "CHILD_SA 0x%08x/0x%08x: deleted%s%s", c->spi_in,
	    c->spi_out, first[0] ? ", with an error: " : "", first);
	dp_child_free(c);
	if (first[0] != '\0') {
		memcpy(dp->err, first, sizeof(dp->err));
		return -1;
	}
	return 0;
}

int
dp_child_info(struct dp *dp, uint32_t spi_in, struct dp_child_info *info)
{
	const struct dp_child *c = dp_find_child(dp, spi_in);
	unsigned i;

	memset(info, 0, sizeof(*info));
	if (c == NULL)
		return 0;
	info->spi_in = c->spi_in;
	info->spi_out = c->spi_out;
	info->slot_in = c->slot_in;
	info->slot_out = c->slot_out;
	info->out_installed = c->out_on;
	if (c->rules_on) {
		info->nrules = c->nrules;
		for (i = 0; i < c->nrules; i++)
			info->rules[i] = c->rule_idx[i];
	}
	return 1;
}

