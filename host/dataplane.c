/*
 * dataplane.c - nicsecd's data plane: open, inbound SPIs and slots,
 * counters and events.  See dataplane.h and docs/dataplane.md; the
 * CHILD_SAs themselves are dp_child.c's.
 *
 * The card is the record of what it holds (libnicsec keeps no table); this
 * module keeps only what the card can't say: which CHILD_SA owns which
 * slots and rules, which slots are promised or quarantined, and a staged
 * outbound SA's key.  What the card held at open stays untouched.
 */
#include "dp_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "bar0.h"

/* The most events one dp_events() call takes: the rest wait for the next,
 * so a card raising events without end can't hold the daemon here. */
#define EVENTS_PER_CALL	256

int
dp_err(struct dp *dp, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dp->err, sizeof(dp->err), fmt, ap);
	va_end(ap);
	return -1;
}

void
dp_logf(struct dp *dp, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (dp->log != NULL)
		dp->log(dp->log_arg, line);
	else
		fprintf(stderr, "nicsecd: dataplane: %s\n", line);
}

void
dp_wipe(void *p, size_t n)
{
	explicit_bzero(p, n);
}

/* Member by member: gcc 12 takes a wipe of the whole as overflowing the
 * first. */
void
dp_wipe_keys(struct ike_child_keys *k)
{
	dp_wipe(&k->i2r, sizeof(k->i2r));
	dp_wipe(&k->r2i, sizeof(k->r2i));
}

/* ---- open and close ----------------------------------------------- */

/* Marks what the card holds already as not ours. */
static int
scan_card(struct dp *dp, unsigned *nsa, unsigned *nrules)
{
	uint32_t used[4096 / 32];
	struct nicsec_spd_rule r;
	unsigned s, i;
	int rc;

	*nsa = *nrules = 0;
	if (nicsec_sa_used(dp->card, used) != 0)
		return dp_err(dp, "%s", nicsec_error(dp->card));
	for (s = 0; s < dp->t.nslots; s++)
		if (used[s / 32] >> (s % 32) & 1) {
			dp->t.state[s] = DP_SLOT_FOREIGN;
			(*nsa)++;
		}
	for (i = 0; i < dp->t.nrules; i++) {
		if ((rc = nicsec_spd_read(dp->card, i, &r, NULL)) < 0)
			return dp_err(dp, "%s", nicsec_error(dp->card));
		if (rc == 1) {
			dp->t.rule_state[i] = DP_SLOT_FOREIGN;
			(*nrules)++;
		}
	}
	return 0;
}

static int
open_card(struct dp *dp, const char *spec, char *err, size_t errlen)
{
	const struct nicsec_caps *c;
	unsigned nsa, nrules;

	if (nicsec_open(spec, &dp->card, err, errlen) != 0)
		return -1;
	c = nicsec_caps(dp->card);
	snprintf(dp->name, sizeof(dp->name), "%s", nicsec_name(dp->card));
	if (c->sa_slots == 0 || c->sa_slots > 4096 ||
	    (c->sa_slots & (c->sa_slots - 1)) != 0 || c->rules == 0 ||
	    c->rules > DP_RULES_MAX) {
		snprintf(err, errlen, "%s: %u SA slots and %u policy rules: "
		    "nicsecd takes a power of two up to 4096 slots and up to "
		    "%d rules", dp->name, c->sa_slots, c->rules, DP_RULES_MAX);
		return -1;
	}
	if (dp_slots_init(&dp->t, c->sa_slots, c->rules,
	    DP_QUARANTINE_MS) != 0) {
		snprintf(err, errlen, "%s: out of memory", dp->name);
		return -1;
	}
	if (scan_card(dp, &nsa, &nrules) != 0) {
		snprintf(err, errlen, "%s", dp->err);
		return -1;
	}
	dp_logf(dp, "%s: %u SA slots, %u policy rules%s", dp->name,
	    c->sa_slots, c->rules, nsa || nrules ? "" : "; empty");
	if (nsa || nrules)
		dp_logf(dp, "%s holds %u SAs and %u policy rules nicsecd did "
		    "not install: left as they are, their slots and rules not "
		    "used", dp->name, nsa, nrules);
	return 0;
}

int
dp_open(const char *spec, struct dp **dpp, char *err, size_t errlen)
{
	return dp_open_log(spec, dpp, NULL, NULL, err, errlen);
}

int
dp_open_log(const char *spec, struct dp **dpp, dp_log_fn *log, void *log_arg,
    char *err, size_t errlen)
{
	struct dp *dp;
	int rc;

	*dpp = NULL;
	if (strcmp(spec, "none") != 0 && strcmp(spec, "auto") != 0 &&
	    strncmp(spec, "sim:", 4) != 0 && strncmp(spec, "pci:", 4) != 0) {
		snprintf(err, errlen, "'%s' is not sim:PATH, pci:ADDR, auto "
		    "or none", spec);
		return -1;
	}
	if ((dp = calloc(1, sizeof(*dp))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* before the card is opened: what the open says goes to the log */
	dp->log = log;
	dp->log_arg = log_arg;
	if (strcmp(spec, "none") == 0) {
		/* A card's SA slots, so that the daemon's runs with and
		 * without one place SAs alike; but a policy rule for each of
		 * them, not the card's 64, since control-plane runs (and
		 * ike.setups_per_s) hold hundreds of tunnels. */
		snprintf(dp->name, sizeof(dp->name), "none");
		rc = dp_slots_init(&dp->t, 4096, 4096, DP_QUARANTINE_MS);
		if (rc != 0)
			snprintf(err, errlen, "out of memory");
		else
			dp_logf(dp, "none: no card; CHILD_SAs are logged, not "
			    "installed");
	} else {
		/* auto: libnicsec's pci:auto, the lowest-addressed nicsec
		 * card, so that the same one is taken every time. */
		rc = open_card(dp, strcmp(spec, "auto") == 0 ? "pci:auto" :
		    spec, err, errlen);
	}
	if (rc == 0) {
		dp->owner = calloc(dp->t.nslots, sizeof(dp->owner[0]));
		dp->promised = calloc(dp->t.nslots, sizeof(dp->promised[0]));
		if (dp->owner == NULL || dp->promised == NULL) {
			snprintf(err, errlen, "out of memory");
			rc = -1;
		}
	}
	if (rc != 0) {
		dp_close(dp);
		return -1;
	}
	*dpp = dp;
	return 0;
}

void
dp_child_free(struct dp_child *c)
{
	dp_wipe(c, sizeof(*c));
	free(c);
}

void
dp_close(struct dp *dp)
{
	unsigned s;

	if (dp == NULL)
		return;
	if (dp->owner != NULL)
		for (s = 0; s < dp->t.nslots; s++)
			if (dp->owner[s] != NULL && dp->owner[s]->slot_in == s)
				dp_child_free(dp->owner[s]);
	free(dp->owner);
	free(dp->promised);
	free(dp->traps);
	dp_slots_free(&dp->t);
	nicsec_close(dp->card);
	free(dp);
}

void
dp_set_log(struct dp *dp, dp_log_fn *fn, void *arg)
{
	dp->log = fn;
	dp->log_arg = arg;
}

const char *
dp_name(const struct dp *dp)
{
	return dp->name;
}

int
dp_is_none(const struct dp *dp)
{
	return dp->card == NULL;
}

const char *
dp_error(const struct dp *dp)
{
	return dp->err;
}

void
dp_capacity(const struct dp *dp, unsigned *slots, unsigned *rules,
    unsigned *free_slots, unsigned *free_rules)
{
	*slots = dp->t.nslots;
	*rules = dp->t.nrules;
	*free_slots = dp_slots_free_count(&dp->t, dp_now_ms());
	*free_rules = dp_rules_free_count(&dp->t);
}

/* ---- slots and SPIs ----------------------------------------------- */

/* dp_slot_pick's question to the card: one word of SA_USED. */
static int
card_slot_empty(void *arg, unsigned slot)
{
	struct dp *dp = arg;
	struct nicsec_dev *dev = nicsec_device(dp->card);
	uint32_t w = nicsec_rd32(dev, BAR0_SA_USED_AT(slot / 32));

	if (nicsec_dev_error(dev) != NULL) {
		dp_err(dp, "%s", nicsec_dev_error(dev));
		nicsec_dev_clear_error(dev);
		return -1;
	}
	return !(w >> (slot % 32) & 1);
}

int
dp_pick_slot(struct dp *dp, const char *what, unsigned *slot)
{
	char why[256];
	uint64_t now = dp_now_ms();
	int rc;

	rc = dp_slot_pick(&dp->t, now, dp->card ? card_slot_empty : NULL, dp,
	    slot);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		dp_slot_why_full(&dp->t, now, why, sizeof(why));
		return dp_err(dp, "%s: no free SA slot for %s: %s", dp->name,
		    what, why);
	}
	return 0;
}

int
dp_spi_alloc(struct dp *dp, uint32_t *spi)
{
	unsigned slot, bits = 0;
	uint32_t r, v;

	while ((1u << bits) < dp->t.nslots)
		bits++;
	if (dp_pick_slot(dp, "a new inbound SPI", &slot) != 0)
		return -1;
	/* Random high bits: a peer's stale packets for an SPI we used
	 * before in this slot are refused (the card compares the whole
	 * SPI).  1 .. 255 are reserved (RFC 4303 2.1). */
	do {
		if (RAND_bytes((unsigned char *)&r, sizeof(r)) != 1)
			return dp_err(dp, "no random bytes for an SPI "
			    "(OpenSSL RAND_bytes failed)");
		v = bits == 32 ? slot : (r << bits) | slot;
	} while (v < 0x100);
	dp_slot_set(&dp->t, slot, DP_SLOT_RESERVED, 0);
	dp->promised[slot] = v;
	*spi = v;
	return 0;
}

unsigned
dp_home_slot(const struct dp *dp, uint32_t spi)
{
	return spi & (dp->t.nslots - 1);
}

int
dp_is_promised(const struct dp *dp, uint32_t spi)
{
	unsigned s = dp_home_slot(dp, spi);

	return dp->t.state[s] == DP_SLOT_RESERVED && dp->owner[s] == NULL &&
	    dp->promised[s] == spi;
}

struct dp_child *
dp_find_child(const struct dp *dp, uint32_t spi_in)
{
	struct dp_child *c = dp->owner[dp_home_slot(dp, spi_in)];

	return c != NULL && c->spi_in == spi_in &&
	    c->slot_in == dp_home_slot(dp, spi_in) ? c : NULL;
}

int
dp_spi_free(struct dp *dp, uint32_t spi)
{
	unsigned s = dp_home_slot(dp, spi);

	if (dp_find_child(dp, spi) != NULL)
		return dp_err(dp, "inbound SPI 0x%08x has its CHILD_SA "
		    "installed: delete that instead", spi);
	if (!dp_is_promised(dp, spi))
		return dp_err(dp, "inbound SPI 0x%08x was not handed out by "
		    "dp_spi_alloc (or is freed already)", spi);
	/* Never installed, so nothing of it can be inside the card. */
	dp_slot_set(&dp->t, s, DP_SLOT_FREE, 0);
	dp->promised[s] = 0;
	return 0;
}

/* ---- counters and events ------------------------------------------ */

static uint64_t
drops(const uint64_t *v)
{
	return v[NICSEC_SA_DROP_REPLAY] + v[NICSEC_SA_DROP_ICV] +
	    v[NICSEC_SA_DROP_PAD] + v[NICSEC_SA_DROP_SELECTOR] +
	    v[NICSEC_SA_DROP_SEQ_EXHAUSTED] + v[NICSEC_SA_DROP_LIFETIME];
}

int
dp_child_counters(struct dp *dp, uint32_t spi_in, struct dp_counters *ct)
{
	const struct dp_child *c = dp_find_child(dp, spi_in);
	uint64_t vi[NICSEC_SA_NCOUNTERS], vo[NICSEC_SA_NCOUNTERS];

	memset(ct, 0, sizeof(*ct));
	if (c == NULL)
		return dp_err(dp, "no CHILD_SA with inbound SPI 0x%08x",
		    spi_in);
	if (dp->card == NULL)
		return 0;
	memset(vo, 0, sizeof(vo));
	if (nicsec_sa_stats(dp->card, c->slot_in, vi) != 0 ||
	    (c->out_on && nicsec_sa_stats(dp->card, c->slot_out, vo) != 0))
		return dp_err(dp, "CHILD_SA 0x%08x: %s", spi_in,
		    nicsec_error(dp->card));
	ct->in_packets = vi[NICSEC_SA_PACKETS];
	ct->in_bytes = vi[NICSEC_SA_BYTES];
	ct->in_drops = drops(vi);
	ct->in_drop_replay = vi[NICSEC_SA_DROP_REPLAY];
	ct->in_drop_icv = vi[NICSEC_SA_DROP_ICV];
	ct->out_packets = vo[NICSEC_SA_PACKETS];
	ct->out_bytes = vo[NICSEC_SA_BYTES];
	ct->out_drops = drops(vo);
	ct->out_seq = vo[NICSEC_SA_LAST_SEQ];
	return 0;
}

int
dp_child_inbound_since(struct dp *dp, uint32_t spi_in, uint64_t *mark)
{
	struct dp_counters ct;
	int seen;

	if (dp_child_counters(dp, spi_in, &ct) != 0)
		return -1;
	seen = ct.in_packets > *mark;
	*mark = ct.in_packets;
	return seen;
}

int
dp_events(struct dp *dp, dp_event_fn *fn, void *arg)
{
	struct nicsec_event ev;
	struct dp_event e;
	int n = 0, rc;

	if (dp->card == NULL)
		return 0;
	while (n < EVENTS_PER_CALL) {
		if ((rc = nicsec_event_next(dp->card, &ev)) < 0)
			return dp_err(dp, "%s", nicsec_error(dp->card));
		if (rc == 0)
			break;
		memset(&e, 0, sizeof(e));
		e.type = ev.type;
		e.out = ev.out;
		e.slot = ev.slot;
		if (ev.slot < dp->t.nslots && dp->owner[ev.slot] != NULL) {
			const struct dp_child *c = dp->owner[ev.slot];

			e.spi_in = c->spi_in;
			e.spi = ev.out ? c->spi_out : c->spi_in;
		}
		fn(arg, &e);
		n++;
	}
	return n;
}

