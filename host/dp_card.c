/*
 * dp_card.c - the data plane's writes to the card through libnicsec, or,
 * with `none`, a log line saying what would have been written.  See
 * dp_priv.h.
 */
#include "dp_priv.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static void
log_sa(struct dp *dp, const char *verb, const struct nicsec_sa *sa,
    unsigned slot)
{
	char line[1024];

	if (sa_format(sa, 0, line, sizeof(line)) < 0)
		snprintf(line, sizeof(line), "spi 0x%08x", sa->spi);
	dp_logf(dp, "%s%s %s SA in slot 0x%03x: %s", dp->card ? "" : "none: ",
	    dp->card ? verb : "would have installed",
	    sa->dir == SA_DIR_OUT ? "outbound" : "inbound", slot, line);
}

/* Installs sa in slot (wiping sa's key); -1 with dp->err. */
int
dp_sa_put(struct dp *dp, struct nicsec_sa *sa, unsigned slot, uint32_t child)
{
	int rc = 0;

	log_sa(dp, "installing", sa, slot);
	if (dp->card != NULL &&
	    nicsec_sa_add(dp->card, sa, (int)slot, NULL) != 0)
		rc = dp_err(dp, "CHILD_SA 0x%08x: %s", child,
		    nicsec_error(dp->card));
	dp_wipe(sa->key, sizeof(sa->key));
	dp_wipe(sa->salt, sizeof(sa->salt));
	return rc;
}

/* Deletes the SA in slot; a failure leaves the slot FOREIGN (we no longer
 * know what it holds) and its line in dp->err. */
int
dp_sa_drop(struct dp *dp, unsigned slot, uint32_t child, const char *what)
{
	if (dp->card == NULL) {
		dp_logf(dp, "none: would have deleted CHILD_SA 0x%08x's %s SA "
		    "in slot 0x%03x", child, what, slot);
	} else if (nicsec_sa_del(dp->card, slot) != 0) {
		dp_err(dp, "CHILD_SA 0x%08x: deleting its %s SA: %s", child,
		    what, nicsec_error(dp->card));
		dp_slot_set(&dp->t, slot, DP_SLOT_FOREIGN, 0);
		dp->owner[slot] = NULL;
		return -1;
	}
	dp_slot_set(&dp->t, slot, DP_SLOT_QUIET, dp_now_ms());
	dp->owner[slot] = NULL;
	return 0;
}

const char *
dp_rule_str(const struct nicsec_spd_rule *r, char *buf, size_t len)
{
	struct dp_prefix s = { r->family, { 0 }, r->src_plen };
	struct dp_prefix d = { r->family, { 0 }, r->dst_plen };
	char a[INET6_ADDRSTRLEN + 8], b[INET6_ADDRSTRLEN + 8];

	memcpy(s.addr, r->src, 16);
	memcpy(d.addr, r->dst, 16);
	if (r->proto >= 0)
		snprintf(buf, len, "%s === %s proto %d", dp_prefix_str(&s, a,
		    sizeof(a)), dp_prefix_str(&d, b, sizeof(b)), r->proto);
	else
		snprintf(buf, len, "%s === %s", dp_prefix_str(&s, a, sizeof(a)),
		    dp_prefix_str(&d, b, sizeof(b)));
	return buf;
}

/* Whose rule, for the lines: a CHILD_SA's, or (child 0) a trap's. */
static const char *
rule_owner(uint32_t child, char *buf, size_t len)
{
	if (child == 0)
		return "trap rule";
	snprintf(buf, len, "CHILD_SA 0x%08x", child);
	return buf;
}

int
dp_rule_put(struct dp *dp, unsigned idx, const struct nicsec_spd_rule *r,
    uint32_t child)
{
	char s[256], o[32];

	if (dp->card == NULL) {
		if (r->action == SPD_PROTECT)
			dp_logf(dp, "none: would have written policy rule %u: "
			    "%s protect spi 0x%08x", idx, dp_rule_str(r, s,
			    sizeof(s)), r->spi);
		else
			dp_logf(dp, "none: would have written policy rule %u: "
			    "%s %s", idx, dp_rule_str(r, s, sizeof(s)),
			    spd_action_name(r->action));
		return 0;
	}
	if (nicsec_spd_write(dp->card, idx, r) != 0)
		return dp_err(dp, "%s: %s", rule_owner(child, o, sizeof(o)),
		    nicsec_error(dp->card));
	return 0;
}

int
dp_rule_drop(struct dp *dp, unsigned idx, uint32_t child)
{
	char o[32];

	if (dp->card == NULL)
		dp_logf(dp, "none: would have deleted policy rule %u", idx);
	else if (nicsec_spd_del(dp->card, idx) != 0) {
		dp_err(dp, "%s: deleting policy rule %u: %s", rule_owner(child,
		    o, sizeof(o)), idx, nicsec_error(dp->card));
		dp->t.rule_state[idx] = DP_SLOT_FOREIGN;
		return -1;
	}
	dp->t.rule_state[idx] = DP_SLOT_FREE;
	return 0;
}

/*
 * The card finds a protect rule's SA by its SPI (nicsec_spd_write): if an
 * SA nicsecd did not install has the same SPI in a lower slot, the rule
 * would go there.  Read the first rule back to be sure it went to ours.
 */
int
dp_rule_check(struct dp *dp, const struct dp_child *c)
{
	struct nicsec_spd_rule r;
	unsigned slot;

	if (dp->card == NULL)
		return 0;
	if (nicsec_spd_read(dp->card, c->rule_idx[0], &r, &slot) != 1)
		return dp_err(dp, "CHILD_SA 0x%08x: reading policy rule %u "
		    "back: %s", c->spi_in, c->rule_idx[0],
		    nicsec_error(dp->card));
	if (slot != c->slot_out)
		return dp_err(dp, "CHILD_SA 0x%08x: policy rule %u went to SA "
		    "slot 0x%03x, not to its outbound SA's 0x%03x: another "
		    "outbound SA with SPI 0x%08x is on the card", c->spi_in,
		    c->rule_idx[0], slot, c->slot_out, c->spi_out);
	return 0;
}


/*
 * Rule indices this module picked are free in its view, but an operator's
 * `nicsecctl spd add` takes the card's first free index: read each back
 * before writing, so that theirs is never overwritten.  A taken one is
 * marked FOREIGN and another free index promised instead; -1 if none is
 * left.
 */
int
dp_rules_still_free(struct dp *dp, unsigned *rule_idx, unsigned n,
    uint32_t child)
{
	struct nicsec_spd_rule r;
	unsigned i, idx;
	char o[32];
	int rc;

	if (dp->card == NULL)
		return 0;
	for (i = 0; i < n; i++) {
		while ((rc = nicsec_spd_read(dp->card, rule_idx[i], &r,
		    NULL)) == 1) {
			dp->t.rule_state[rule_idx[i]] = DP_SLOT_FOREIGN;
			if (dp_rules_pick(&dp->t, 1, &idx) != 0)
				return dp_err(dp, "%s: no free policy rule: "
				    "%s's rule %u was written by someone else "
				    "meanwhile, and none is left", dp->name,
				    rule_owner(child, o, sizeof(o)), rule_idx[i]);
			dp_logf(dp, "%s: policy rule %u was written by someone "
			    "else meanwhile (nicsecctl spd add?): taking %u "
			    "instead", rule_owner(child, o, sizeof(o)),
			    rule_idx[i], idx);
			rule_idx[i] = idx;
			dp->t.rule_state[idx] = DP_SLOT_RESERVED;
		}
		if (rc < 0)
			return dp_err(dp, "%s: %s", rule_owner(child, o,
			    sizeof(o)), nicsec_error(dp->card));
	}
	return 0;
}
