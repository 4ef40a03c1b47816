/*
 * dp_priv.h - what the data plane's files share (dataplane.c: open, SPIs,
 * counters, events; dp_child.c: CHILD_SAs; dp_build.c: the SAs made of an
 * ike_child; dp_card.c: the card's writes, or none's log).  Not an API.
 */
#ifndef NICSEC_DP_PRIV_H
#define NICSEC_DP_PRIV_H

#include "dataplane.h"
#include "dp_slots.h"
#include "dp_ts.h"
#include "nicsec.h"

struct dp_child {
	uint32_t spi_in, spi_out;
	unsigned slot_in, slot_out;
	int      out_on;		/* the outbound SA is on the card */
	int      staged;		/* out_sa holds it, key and all */
	struct nicsec_sa out_sa;
	uint32_t replaces;		/* a rekey: the old CHILD_SA */
	int      repoint;		/* the switch repoints its rules */
	int      rules_on;		/* rule_idx[] hold our rules */
	unsigned nrules;
	unsigned rule_idx[DP_RULES_MAX];
	struct nicsec_spd_rule rules[DP_RULES_MAX];
};

/* A trap's punt rules (dp_trap.c), under the daemon's key. */
struct dp_trap {
	unsigned key;
	unsigned nrules;
	unsigned rule_idx[DP_RULES_MAX];
};

struct dp {
	struct nicsec    *card;		/* NULL: --dataplane none */
	char              name[128];
	struct dp_slots   t;
	struct dp_child **owner;	/* a slot's CHILD_SA, in or out */
	uint32_t         *promised;	/* a RESERVED inbound slot's SPI */
	struct dp_trap   *traps;	/* dp_trap.c */
	size_t            ntraps;
	dp_log_fn        *log;
	void             *log_arg;
	char              err[512];
};

/* Sets dp->err; returns -1, for `return dp_err(...)`. */
int dp_err(struct dp *dp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void dp_logf(struct dp *dp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void dp_wipe(void *p, size_t n);
void dp_wipe_keys(struct ike_child_keys *k);

/* dataplane.c: slots, SPIs and the CHILD_SA table. */
unsigned dp_home_slot(const struct dp *dp, uint32_t spi);
int dp_is_promised(const struct dp *dp, uint32_t spi);
struct dp_child *dp_find_child(const struct dp *dp, uint32_t spi_in);
int dp_pick_slot(struct dp *dp, const char *what, unsigned *slot);
void dp_child_free(struct dp_child *c);

/*
 * dp_build.c: the inbound and outbound SA and the protect rules of p's
 * CHILD_SA into *in, *out and c (spi_in, spi_out, nrules, rules).  Wipes
 * p's keys whatever happens: the SAs hold them now.
 */
int dp_build(struct dp *dp, struct dp_child_params *p, struct nicsec_sa *in,
    struct nicsec_sa *out, struct dp_child *c);

/* dp_card.c: each -1 with dp->err; with `none`, logged only. */
int dp_sa_put(struct dp *dp, struct nicsec_sa *sa, unsigned slot,
    uint32_t child);
int dp_sa_drop(struct dp *dp, unsigned slot, uint32_t child,
    const char *what);
int dp_rule_put(struct dp *dp, unsigned idx, const struct nicsec_spd_rule *r,
    uint32_t child);
int dp_rule_drop(struct dp *dp, unsigned idx, uint32_t child);
int dp_rule_check(struct dp *dp, const struct dp_child *c);
/* Reads rule_idx[0..n) back before they are written; one taken meanwhile
 * is swapped for another free index.  child 0: a trap's rules. */
int dp_rules_still_free(struct dp *dp, unsigned *rule_idx, unsigned n,
    uint32_t child);
const char *dp_rule_str(const struct nicsec_spd_rule *r, char *buf,
    size_t len);

#endif /* NICSEC_DP_PRIV_H */
