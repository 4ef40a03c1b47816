/*
 * dataplane.h - nicsecd's data plane: the CHILD_SAs IKE negotiates, put
 * on the card (`nicsecd --dataplane sim:PATH|pci:ADDR|auto|none`) through
 * libnicsec (driver/nicsec.h, docs/libnicsec.md).  docs/dataplane.md says
 * how it places SAs and why.
 *
 * A CHILD_SA is two SAs and its policy rules: the inbound SA, in the slot
 * its SPI's low bits name (the card finds inbound SAs so); the outbound SA,
 * in a slot chosen here; and one protect rule for each pair of local and
 * remote traffic selector prefixes, pointing at the outbound SA.  The
 * daemon names a CHILD_SA by its inbound SPI, which this module chose
 * (dp_spi_alloc) and which is unique on the card.
 *
 * A new CHILD_SA:
 *	dp_spi_alloc(dp, &spi)		before the exchange: spi goes into
 *					our proposal (ike_child_req.spi_in)
 *	... negotiation ...		failed: dp_spi_free(dp, spi)
 *	dp_child_add(dp, &params)	inbound SA, outbound SA, rules
 * A rekey (make-before-break; params.replaces = the old inbound SPI):
 *	dp_spi_alloc(dp, &spi)		a fresh slot, never the old one's
 *	dp_child_add_inbound(dp, &p)	before our response goes out (or as
 *					soon as the response comes in)
 *	dp_child_switch(dp, spi)	outbound SA in, the old CHILD_SA's
 *					rules repointed to it in one write each
 *	dp_child_delete(dp, old_spi)	a few seconds later
 * Deleting: dp_child_delete(dp, spi): rules, outbound SA, inbound SA.
 * Counters: dp_child_counters(); for DPD dp_child_inbound_since().
 * Events (soft and hard lifetimes, sequence numbers running out):
 * dp_events(dp, fn, arg), called from the daemon's timer.
 *
 * Every call that fails returns -1 and leaves one line in dp_error() that
 * says what and why ("no free policy rule: CHILD_SA 0x1a2b3c4d needs 3,
 * 1 of 64 left"); a refused call changes nothing on the card.  Capacity
 * is checked before the first write.
 *
 * `none` is a data plane too: every call checks and records as with a
 * card, and logs what it would have installed, but nothing is written
 * anywhere.  Counters read 0.
 *
 * One thread a struct dp.
 */
#ifndef NICSEC_DATAPLANE_H
#define NICSEC_DATAPLANE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ike_auth.h"
#include "ike_pld.h"

struct dp;

/*
 * Slot quarantine: a slot whose SA was deleted is not reused for this
 * long, since packets of the old SA may still be inside the card (docs/
 * card.md: "a few hundred cycles"; a wall-clock second covers the
 * simulator too).  Slots are also handed out round robin, so in practice
 * one comes back only after every other has been used.
 */
#define DP_QUARANTINE_MS	1000

/* Receives each log line (no newline).  The default writes
 * "nicsecd: dataplane: LINE" to stderr. */
typedef void dp_log_fn(void *arg, const char *line);

/*
 * Opens the data plane spec names: "none", "auto" (the nicsec card on the
 * PCI bus, the lowest-addressed if there are several: libnicsec's
 * pci:auto), "pci:ADDR" or "sim:PATH".  Reads which SA slots and policy
 * rules the card holds already (left alone: not ours).  0, or -1 with one
 * line in err.
 */
int dp_open(const char *spec, struct dp **dp, char *err, size_t errlen);
/* dp_open with its log function set from the start, so that the lines of
 * the open itself (the card's size, what it held already) go to fn too;
 * fn NULL: the default. */
int dp_open_log(const char *spec, struct dp **dp, dp_log_fn *fn, void *arg,
    char *err, size_t errlen);
/* Closes the card; the SAs stay on it.  Wipes staged keys.  NULL is fine. */
void dp_close(struct dp *dp);
void dp_set_log(struct dp *dp, dp_log_fn *fn, void *arg);
/* "none", or the card's canonical spec ("sim:/run/card.sock"). */
const char *dp_name(const struct dp *dp);
int dp_is_none(const struct dp *dp);
/* The last failure's line ("" if none). */
const char *dp_error(const struct dp *dp);
/* SA slots and policy rules: the card's (none: 4096 and 4096), and how
 * many of each are free now. */
void dp_capacity(const struct dp *dp, unsigned *slots, unsigned *rules,
    unsigned *free_slots, unsigned *free_rules);

/*
 * A fresh inbound SPI for a CHILD_SA about to be negotiated: random high
 * bits over a slot index that is free on the card, not reserved, and not
 * in quarantine.  The slot stays reserved for the SPI until dp_child_add
 * uses it or dp_spi_free gives it back.
 */
int dp_spi_alloc(struct dp *dp, uint32_t *spi);
/* Negotiation failed: the SPI's slot is free again.  Refused for an SPI
 * with an SA installed (dp_child_delete). */
int dp_spi_free(struct dp *dp, uint32_t spi);

/* Ethernet addresses of the frames the card sends; all zero: libnicsec's
 * "not configured" defaults. */
struct dp_ether {
	uint8_t  src[6], dst[6];
};

/* Lifetime limits for each of the two SAs; 0: none.  soft <= hard. */
struct dp_limits {
	uint64_t soft_bytes, hard_bytes, soft_packets, hard_packets;
};

/* A negotiated CHILD_SA and what the card needs besides. */
struct dp_child_params {
	/*
	 * The CHILD_SA: SPIs (spi_in from dp_spi_alloc), traffic selectors,
	 * the chosen proposal (AES_GCM_16 128 or 256; ESN from its ESN
	 * transform), keys.  Its keys are wiped by the call, whether it
	 * succeeds or not: after it only the card (and, for a staged
	 * outbound SA, this module) holds them.
	 */
	struct ike_child *child;
	/*
	 * 1 if we initiated the exchange that made it (IKE_AUTH or
	 * CREATE_CHILD_SA; not the IKE SA's original initiator): then our
	 * outbound SA uses the i2r keys and our traffic selectors are TSi.
	 */
	int      initiator;
	/* The IKE SA's addresses: the ESP packets' outer src and dst (ports
	 * ignored). */
	const struct sockaddr *local, *remote;
	/* UDP encapsulation (RFC 3948): our port (4500) and the peer's as
	 * we see it (its NAT's). */
	int      encap;
	uint16_t local_port, remote_port;
	uint32_t replay_window;		/* 0 .. 4096; 0: no replay check */
	struct dp_ether wan;		/* outbound: our WAN MAC, next hop's */
	struct dp_ether lan;		/* inbound: our LAN MAC, next hop's */
	struct dp_limits limits;
	/* A rekey: the inbound SPI of the CHILD_SA this one replaces, whose
	 * rules move to this one at the switch; 0 for a new CHILD_SA. */
	uint32_t replaces;
};

/*
 * Installs a CHILD_SA whole: inbound SA, outbound SA, then the protect
 * rules (with replaces: the old CHILD_SA's rules repointed).  Traffic
 * selectors with port ranges are refused (the card's rules match
 * protocol, not ports); address ranges become prefixes.  On failure
 * nothing of the CHILD_SA stays on the card and its inbound SPI is still
 * promised: the daemon frees it (dp_spi_free) or tries again.
 */
int dp_child_add(struct dp *dp, struct dp_child_params *p);
/*
 * The inbound half now; the outbound SA (its key with it), its slot and
 * the rules it needs are prepared and reserved, so that dp_child_switch
 * does not fail for want of room.
 */
int dp_child_add_inbound(struct dp *dp, struct dp_child_params *p);
/*
 * The outbound half of a CHILD_SA added by dp_child_add_inbound.  Refused
 * before any write (no such CHILD_SA, the one it replaces gone or already
 * switched away from by a colliding rekey, the card refusing the outbound
 * SA): the staged half stays, to try again.  Refused after (a rule the card
 * refused; the old rules are restored): the CHILD_SA is left inbound only,
 * for the daemon to delete.
 */
int dp_child_switch(struct dp *dp, uint32_t spi_in);
/*
 * Deletes a CHILD_SA: its rules, its outbound SA, its inbound SA, in that
 * order (traffic stops going out before the way back closes).  Its slots
 * go into quarantine.  An SPI reserved but not installed is freed.
 */
int dp_child_delete(struct dp *dp, uint32_t spi_in);

/* What the card holds of a CHILD_SA. */
struct dp_child_info {
	uint32_t spi_in, spi_out;
	unsigned slot_in, slot_out;
	int      out_installed;		/* 0: staged (dp_child_add_inbound) */
	unsigned nrules;		/* protect rules pointing at it */
	unsigned rules[64];		/* their indices, the first nrules */
};
/* 1 with *info, 0 if spi_in names no installed CHILD_SA. */
int dp_child_info(struct dp *dp, uint32_t spi_in, struct dp_child_info *info);

/* A CHILD_SA's counters, as the card has them (none: all 0). */
struct dp_counters {
	uint64_t in_packets, in_bytes, out_packets, out_bytes;
	uint64_t in_drops, out_drops;	/* every drop counter, summed */
	uint64_t in_drop_replay, in_drop_icv;
	uint64_t out_seq;		/* the last sequence number sent */
};
int dp_child_counters(struct dp *dp, uint32_t spi_in, struct dp_counters *c);
/*
 * For dead peer detection: 1 if the CHILD_SA took inbound packets (ones
 * that authenticated) since *mark was set, 0 if not, -1 on error; *mark is
 * set to the count now.  Start with *mark = 0.  Always 0 with `none`.
 */
int dp_child_inbound_since(struct dp *dp, uint32_t spi_in, uint64_t *mark);

/* An event off the card, tied to the CHILD_SA it concerns. */
struct dp_event {
	int      type;			/* NICSEC_EV_* (nicsec.h) */
	int      out;			/* 1: the outbound SA */
	uint32_t spi_in;		/* the CHILD_SA; 0: not one of ours */
	uint32_t spi;			/* the SA's own SPI; 0 if unknown */
	unsigned slot;
};
typedef void dp_event_fn(void *arg, const struct dp_event *ev);
/* Drains the card's event FIFO into fn: how many, or -1. */
int dp_events(struct dp *dp, dp_event_fn *fn, void *arg);

/*
 * Trap rules (dp_trap.c; docs/dataplane.md, "Trap rules"): a `punt` rule
 * for each pair of a child's local and remote selectors, made as its
 * protect rules would be, so that the traffic its CHILD_SA would carry
 * goes to the host while it has none.  key is the caller's name for the
 * set (not 0).  The caller takes them off before the CHILD_SA's own rules
 * go on, since rules are tried in index order and a punt rule would come
 * first.  0, or -1 with dp_error() and nothing on the card.
 */
int dp_trap_add(struct dp *dp, unsigned key, const struct ike_ts *local,
    size_t nl, const struct ike_ts *remote, size_t nr);
/* Takes key's rules off; 0 if it had none.  -1: a rule the card refused
 * to delete (left on it, said in dp_error()). */
int dp_trap_del(struct dp *dp, unsigned key);
/* How many rules key has on the card, their indices in idx[0..max). */
unsigned dp_trap_rules(const struct dp *dp, unsigned key, unsigned *idx,
    unsigned max);

#endif /* NICSEC_DATAPLANE_H */
