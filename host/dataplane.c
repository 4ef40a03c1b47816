/*
 * dataplane.c - nicsecd's CHILD_SAs on the card.  See dataplane.h and
 * docs/dataplane.md.
 *
 * The card is the record of what it holds (libnicsec keeps no table); this
 * module keeps only what the card can't say: which CHILD_SA owns which
 * slots and rules, which slots are promised or quarantined, and a staged
 * outbound SA's key.  What the card held at open stays untouched.
 */
#include "dataplane.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "bar0.h"
#include "dp_slots.h"
#include "dp_ts.h"
#include "nicsec.h"

/* The most events one dp_events() call takes: the rest wait for the next,
 * so a card raising events without end can't hold the daemon here. */
#define EVENTS_PER_CALL	256

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

struct dp {
	struct nicsec    *card;		/* NULL: --dataplane none */
	char              name[128];
	struct dp_slots   t;
	struct dp_child **owner;	/* a slot's CHILD_SA, in or out */
	uint32_t         *promised;	/* a RESERVED inbound slot's SPI */
	dp_log_fn        *log;
	void             *log_arg;
	char              err[512];
};

static int
dp_err(struct dp *dp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
dp_err(struct dp *dp, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dp->err, sizeof(dp->err), fmt, ap);
	va_end(ap);
	return -1;
}

static void
dp_logf(struct dp *dp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
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

static void
wipe(void *p, size_t n)
{
	explicit_bzero(p, n);
}

/* Member by member: gcc 12 takes a wipe of the whole as overflowing the
 * first. */
static void
wipe_keys(struct ike_child_keys *k)
{
	wipe(&k->i2r, sizeof(k->i2r));
	wipe(&k->r2i, sizeof(k->r2i));
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
	if (strcmp(spec, "none") == 0) {
		/* What a card has, so that the daemon's runs with and without
		 * one place SAs alike. */
		snprintf(dp->name, sizeof(dp->name), "none");
		rc = dp_slots_init(&dp->t, 4096, 64, DP_QUARANTINE_MS);
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

static void
child_free(struct dp_child *c)
{
	wipe(c, sizeof(*c));
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
				child_free(dp->owner[s]);
	free(dp->owner);
	free(dp->promised);
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

static int
pick_slot(struct dp *dp, const char *what, unsigned *slot)
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
	if (pick_slot(dp, "a new inbound SPI", &slot) != 0)
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

static unsigned
home_slot(const struct dp *dp, uint32_t spi)
{
	return spi & (dp->t.nslots - 1);
}

static int
is_promised(const struct dp *dp, uint32_t spi)
{
	unsigned s = home_slot(dp, spi);

	return dp->t.state[s] == DP_SLOT_RESERVED && dp->owner[s] == NULL &&
	    dp->promised[s] == spi;
}

static struct dp_child *
find_child(const struct dp *dp, uint32_t spi_in)
{
	struct dp_child *c = dp->owner[home_slot(dp, spi_in)];

	return c != NULL && c->spi_in == spi_in &&
	    c->slot_in == home_slot(dp, spi_in) ? c : NULL;
}

int
dp_spi_free(struct dp *dp, uint32_t spi)
{
	unsigned s = home_slot(dp, spi);

	if (find_child(dp, spi) != NULL)
		return dp_err(dp, "inbound SPI 0x%08x has its CHILD_SA "
		    "installed: delete that instead", spi);
	if (!is_promised(dp, spi))
		return dp_err(dp, "inbound SPI 0x%08x was not handed out by "
		    "dp_spi_alloc (or is freed already)", spi);
	/* Never installed, so nothing of it can be inside the card. */
	dp_slot_set(&dp->t, s, DP_SLOT_FREE, 0);
	dp->promised[s] = 0;
	return 0;
}

/* ---- building the SAs --------------------------------------------- */

static int
outer_addr(const struct sockaddr *a, int *family, uint8_t out[16])
{
	memset(out, 0, 16);
	if (a == NULL)
		return -1;
	if (a->sa_family == AF_INET)
		memcpy(out, &((const struct sockaddr_in *)a)->sin_addr, 4);
	else if (a->sa_family == AF_INET6)
		memcpy(out, &((const struct sockaddr_in6 *)a)->sin6_addr, 16);
	else
		return -1;
	*family = a->sa_family;
	return 0;
}

static void
set_ether(const struct dp_ether *e, uint8_t src[6], uint8_t dst[6])
{
	static const uint8_t zero[6], dsrc[6] = SA_ETHER_SRC_DEFAULT,
	    ddst[6] = SA_ETHER_DST_DEFAULT;

	memcpy(src, memcmp(e->src, zero, 6) ? e->src : dsrc, 6);
	memcpy(dst, memcmp(e->dst, zero, 6) ? e->dst : ddst, 6);
}

static uint64_t
limit(uint64_t v)
{
	return v == 0 ? SA_NO_LIMIT : v;
}

/* What both SAs share. */
static void
sa_common(struct nicsec_sa *sa, const struct dp_child_params *p,
    int family, int esn, const struct ike_key *k)
{
	sa->family = family;
	sa->key_len = k->len - 4;
	memcpy(sa->key, k->b, sa->key_len);
	memcpy(sa->salt, k->b + sa->key_len, 4);
	sa->icv_len = 16;		/* AES_GCM_16 */
	sa->esn = esn;
	sa->encap = p->encap;
	sa->encap_ofamily = AF_INET;	/* OADDR 0.0.0.0, as ip xfrm */
	sa->soft_bytes = limit(p->limits.soft_bytes);
	sa->hard_bytes = limit(p->limits.hard_bytes);
	sa->soft_packets = limit(p->limits.soft_packets);
	sa->hard_packets = limit(p->limits.hard_packets);
}

/* Checks what the card can't take; -1 with dp->err. */
static int
params_ok(struct dp *dp, const struct dp_child_params *p, int *esn)
{
	const struct ike_child *ch = p->child;
	const struct ike_proposal *pr = &ch->chosen;
	const struct dp_limits *l = &p->limits;
	unsigned bits;

	if (pr->n[IKE_XF_ENCR] < 1 ||
	    pr->xf[IKE_XF_ENCR][0].id != ENCR_AES_GCM_16 ||
	    ((bits = pr->xf[IKE_XF_ENCR][0].keylen) != 128 && bits != 256))
		return dp_err(dp, "CHILD_SA 0x%08x: the card does AES_GCM_16 "
		    "with 128- or 256-bit keys, not encryption %u/%u",
		    ch->spi_in, pr->n[IKE_XF_ENCR] ? pr->xf[IKE_XF_ENCR][0].id :
		    0, pr->n[IKE_XF_ENCR] ? pr->xf[IKE_XF_ENCR][0].keylen : 0);
	if (ch->keys.i2r.len != bits / 8 + 4 ||
	    ch->keys.r2i.len != bits / 8 + 4)
		return dp_err(dp, "CHILD_SA 0x%08x: keys of %zu and %zu bytes;"
		    " AES_GCM_16_%u takes %u (key and 4-byte salt)", ch->spi_in,
		    ch->keys.i2r.len, ch->keys.r2i.len, bits, bits / 8 + 4);
	*esn = pr->n[IKE_XF_ESN] > 0 && pr->xf[IKE_XF_ESN][0].id == ESN_YES;
	if (ch->spi_out == 0)
		return dp_err(dp, "CHILD_SA 0x%08x: the peer's SPI is 0",
		    ch->spi_in);
	if (p->replay_window > 4096)
		return dp_err(dp, "CHILD_SA 0x%08x: replay window %u; the card "
		    "takes 0 .. 4096", ch->spi_in, p->replay_window);
	if (p->encap && (p->local_port == 0 || p->remote_port == 0))
		return dp_err(dp, "CHILD_SA 0x%08x: UDP encapsulation without "
		    "both ports (%u, %u)", ch->spi_in, p->local_port,
		    p->remote_port);
	if ((l->soft_bytes && l->hard_bytes && l->soft_bytes > l->hard_bytes)
	    || (l->soft_packets && l->hard_packets &&
	    l->soft_packets > l->hard_packets))
		return dp_err(dp, "CHILD_SA 0x%08x: a soft limit above its hard"
		    " limit", ch->spi_in);
	return 0;
}

/* The inbound selector: what decapsulated packets must match. */
static void
in_selector(struct dp *dp, struct nicsec_sa *in, const struct ike_ts *lts,
    size_t nl, const struct ike_ts *rts, size_t nr)
{
	struct dp_prefix l, r;

	if (dp_ts_cover(rts, nr, &r) && dp_ts_cover(lts, nl, &l) &&
	    l.family == r.family) {
		in->sel.family = l.family;
		memcpy(in->sel.src, r.addr, 16);
		memcpy(in->sel.dst, l.addr, 16);
		in->sel.src_plen = r.plen;
		in->sel.dst_plen = l.plen;
		in->sel.proto = -1;
		return;
	}
	/* The card checks one prefix pair of one family. */
	dp_logf(dp, "CHILD_SA 0x%08x: traffic selectors of both address "
	    "families: the card can't check inbound packets against them",
	    in->spi);
}

/*
 * The inbound and outbound SA and the protect rules of p's CHILD_SA.
 * Wipes p's keys whatever happens: the SAs hold them now.
 */
static int
build(struct dp *dp, struct dp_child_params *p, struct nicsec_sa *in,
    struct nicsec_sa *out, struct dp_child *c)
{
	struct ike_child *ch = p->child;
	const struct ike_ts *lts = p->initiator ? ch->tsi : ch->tsr;
	const struct ike_ts *rts = p->initiator ? ch->tsr : ch->tsi;
	size_t nl = p->initiator ? ch->ntsi : ch->ntsr;
	size_t nr = p->initiator ? ch->ntsr : ch->ntsi, n;
	uint8_t la[16], ra[16];
	int lf = 0, rf = 0, esn = 0, rc = -1;
	char err[256];

	memset(in, 0, sizeof(*in));
	memset(out, 0, sizeof(*out));
	if (params_ok(dp, p, &esn) != 0)
		goto done;
	if (outer_addr(p->local, &lf, la) != 0 ||
	    outer_addr(p->remote, &rf, ra) != 0 || lf != rf) {
		dp_err(dp, "CHILD_SA 0x%08x: the IKE SA's addresses are not two "
		    "of one family", ch->spi_in);
		goto done;
	}
	if (dp_ts_rules(lts, nl, rts, nr, ch->spi_out, c->rules, DP_RULES_MAX,
	    &n, err, sizeof(err)) != 0) {
		dp_err(dp, "CHILD_SA 0x%08x: %s", ch->spi_in, err);
		goto done;
	}
	c->nrules = (unsigned)n;
	c->spi_in = ch->spi_in;
	c->spi_out = ch->spi_out;

	/* Ours: KEYMAT is i2r then r2i (RFC 7296 2.17), each a key and
	 * its salt (RFC 4106 8.1). */
	sa_common(out, p, lf, esn, p->initiator ? &ch->keys.i2r :
	    &ch->keys.r2i);
	out->dir = SA_DIR_OUT;
	memcpy(out->src, la, 16);
	memcpy(out->dst, ra, 16);
	out->spi = ch->spi_out;
	out->encap_sport = p->local_port;
	out->encap_dport = p->remote_port;
	/* The card's rules select; the SA's own selector only describes. */
	out->sel.family = c->rules[0].family;
	memcpy(out->sel.src, c->rules[0].src, 16);
	memcpy(out->sel.dst, c->rules[0].dst, 16);
	out->sel.src_plen = c->rules[0].src_plen;
	out->sel.dst_plen = c->rules[0].dst_plen;
	out->sel.proto = -1;
	set_ether(&p->wan, out->ether_src, out->ether_dst);

	sa_common(in, p, lf, esn, p->initiator ? &ch->keys.r2i :
	    &ch->keys.i2r);
	in->dir = SA_DIR_IN;
	memcpy(in->src, ra, 16);
	memcpy(in->dst, la, 16);
	in->spi = ch->spi_in;
	in->encap_sport = p->remote_port;
	in->encap_dport = p->local_port;
	in->replay_window = p->replay_window;
	in_selector(dp, in, lts, nl, rts, nr);
	set_ether(&p->lan, in->ether_src, in->ether_dst);
	rc = 0;
done:
	wipe_keys(&ch->keys);
	if (rc != 0) {
		wipe(in, sizeof(*in));
		wipe(out, sizeof(*out));
	}
	return rc;
}

/* ---- the card's writes, or none's log ------------------------------ */

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
static int
sa_put(struct dp *dp, struct nicsec_sa *sa, unsigned slot, uint32_t child)
{
	int rc = 0;

	log_sa(dp, "installing", sa, slot);
	if (dp->card != NULL &&
	    nicsec_sa_add(dp->card, sa, (int)slot, NULL) != 0)
		rc = dp_err(dp, "CHILD_SA 0x%08x: %s", child,
		    nicsec_error(dp->card));
	wipe(sa->key, sizeof(sa->key));
	wipe(sa->salt, sizeof(sa->salt));
	return rc;
}

/* Deletes the SA in slot; a failure leaves the slot FOREIGN (we no longer
 * know what it holds) and its line in dp->err. */
static int
sa_drop(struct dp *dp, unsigned slot, uint32_t child, const char *what)
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

static const char *
rule_str(const struct nicsec_spd_rule *r, char *buf, size_t len)
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

static int
rule_put(struct dp *dp, unsigned idx, const struct nicsec_spd_rule *r,
    uint32_t child)
{
	char s[256];

	if (dp->card == NULL) {
		dp_logf(dp, "none: would have written policy rule %u: %s "
		    "protect spi 0x%08x", idx, rule_str(r, s, sizeof(s)),
		    r->spi);
		return 0;
	}
	if (nicsec_spd_write(dp->card, idx, r) != 0)
		return dp_err(dp, "CHILD_SA 0x%08x: %s", child,
		    nicsec_error(dp->card));
	return 0;
}

static int
rule_drop(struct dp *dp, unsigned idx, uint32_t child)
{
	if (dp->card == NULL)
		dp_logf(dp, "none: would have deleted policy rule %u", idx);
	else if (nicsec_spd_del(dp->card, idx) != 0) {
		dp_err(dp, "CHILD_SA 0x%08x: deleting policy rule %u: %s",
		    child, idx, nicsec_error(dp->card));
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
static int
rule_check(struct dp *dp, const struct dp_child *c)
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

/* ---- CHILD_SAs ---------------------------------------------------- */

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

	if (!is_promised(dp, c->spi_in))
		return dp_err(dp, "CHILD_SA 0x%08x: %s", c->spi_in,
		    find_child(dp, c->spi_in) ? "installed already" :
		    "its inbound SPI was not handed out by dp_spi_alloc");
	if ((o = out_spi_user(dp, c->spi_out)) != NULL)
		return dp_err(dp, "CHILD_SA 0x%08x: outbound SPI 0x%08x is that "
		    "of CHILD_SA 0x%08x too; the card's policy rules name "
		    "outbound SAs by SPI", c->spi_in, c->spi_out, o->spi_in);
	if (replaces != 0) {
		old = find_child(dp, replaces);
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
	return pick_slot(dp, "an outbound SA", &c->slot_out);
}

int
dp_child_add_inbound(struct dp *dp, struct dp_child_params *p)
{
	struct nicsec_sa in;
	struct dp_child *c;
	unsigned i;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		wipe_keys(&p->child->keys);
		return dp_err(dp, "out of memory");
	}
	if (build(dp, p, &in, &c->out_sa, c) != 0 ||
	    reserve(dp, c, p->replaces) != 0)
		goto fail;
	c->slot_in = home_slot(dp, c->spi_in);
	if (sa_put(dp, &in, c->slot_in, c->spi_in) != 0)
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
	wipe(&in, sizeof(in));
	child_free(c);
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
			rule_put(dp, old->rule_idx[i], &r, c->spi_in);
		} else if (rule_drop(dp, c->rule_idx[i], c->spi_in) == 0) {
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
		if (rule_put(dp, c->rule_idx[i], &r, c->spi_in) != 0)
			break;
	}
	if (i == c->nrules && rule_check(dp, c) == 0) {
		if (old != NULL && !c->repoint)
			for (i = 0; i < old->nrules; i++)
				rule_drop(dp, old->rule_idx[i], old->spi_in);
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
	    from, rule_str(&c->rules[0], r, sizeof(r)));
}

int
dp_child_switch(struct dp *dp, uint32_t spi_in)
{
	struct dp_child *c = find_child(dp, spi_in), *old = NULL;
	struct nicsec_sa out;
	char err[sizeof(dp->err)];

	if (c == NULL || !c->staged)
		return dp_err(dp, "CHILD_SA 0x%08x: %s", spi_in, c == NULL ?
		    "not installed" : "its outbound SA is in already");
	if (c->replaces != 0 && (old = find_child(dp, c->replaces)) == NULL)
		return dp_err(dp, "CHILD_SA 0x%08x: the CHILD_SA it replaces, "
		    "0x%08x, is gone", spi_in, c->replaces);
	/* A copy, so that a refused install leaves the staged SA for a
	 * retry (the card's call wipes what it is given). */
	out = c->out_sa;
	if (sa_put(dp, &out, c->slot_out, spi_in) != 0) {
		wipe(&out, sizeof(out));
		return -1;
	}
	c->out_on = 1;
	if (switch_rules(dp, c, old) != 0) {
		memcpy(err, dp->err, sizeof(err));
		if (sa_drop(dp, c->slot_out, spi_in, "outbound") == 0) {
			/* The slot stays promised to the retry; its SA was
			 * on the card, so it waits out the quarantine. */
			dp_slot_set(&dp->t, c->slot_out, DP_SLOT_RESERVED, 0);
			dp->owner[c->slot_out] = c;
			c->out_on = 0;
		}
		memcpy(dp->err, err, sizeof(err));
		return -1;
	}
	wipe(&c->out_sa, sizeof(c->out_sa));
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
		unsigned s = home_slot(dp, spi);

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
	struct dp_child *c = find_child(dp, spi_in);
	char first[sizeof(dp->err)] = "";
	unsigned i;

	if (c == NULL) {
		if (is_promised(dp, spi_in))
			return dp_spi_free(dp, spi_in);
		return dp_err(dp, "no CHILD_SA with inbound SPI 0x%08x",
		    spi_in);
	}
	/* Traffic stops going out first, then the way back closes. */
	for (i = 0; i < c->nrules; i++) {
		if (c->rules_on) {
			if (rule_drop(dp, c->rule_idx[i], spi_in) != 0 &&
			    first[0] == '\0')
				memcpy(first, dp->err, sizeof(first));
		} else if (!c->repoint) {
			dp->t.rule_state[c->rule_idx[i]] = DP_SLOT_FREE;
		}
	}
	if (c->rules_on)
		hand_over_rules(dp, c);
	if (c->out_on) {
		if (sa_drop(dp, c->slot_out, spi_in, "outbound") != 0 &&
		    first[0] == '\0')
			memcpy(first, dp->err, sizeof(first));
	} else if (c->staged) {
		dp_slot_set(&dp->t, c->slot_out, DP_SLOT_FREE, 0);
		dp->owner[c->slot_out] = NULL;
	}
	if (sa_drop(dp, c->slot_in, spi_in, "inbound") != 0 &&
	    first[0] == '\0')
		memcpy(first, dp->err, sizeof(first));
	dp_logf(dp, "CHILD_SA 0x%08x/0x%08x: deleted%s%s", c->spi_in,
	    c->spi_out, first[0] ? ", with an error: " : "", first);
	child_free(c);
	if (first[0] != '\0') {
		memcpy(dp->err, first, sizeof(dp->err));
		return -1;
	}
	return 0;
}

int
dp_child_info(struct dp *dp, uint32_t spi_in, struct dp_child_info *info)
{
	const struct dp_child *c = find_child(dp, spi_in);
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
	const struct dp_child *c = find_child(dp, spi_in);
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
