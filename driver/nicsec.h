/*
 * nicsec.h - libnicsec: a nicsec card's SAs, policy rules, counters, events
 * and exception frames.  Built on the device layer (nicsec_dev.h), which
 * moves the 32-bit register words; this layer knows what they mean
 * (regmap/bar0.def, docs/bar0.md, docs/card.md).  See docs/libnicsec.md.
 *
 * Every call that fails returns -1 and leaves one line in nicsec_error()
 * that names what is wrong ("slot 0x012 holds inbound SA spi 0x00000012").
 * A failed call changes nothing on the card.  Calls that span several
 * registers hold the card's lock (nicsec_dev_lock), so processes sharing a
 * card (nicsecctl beside nicsecd) never interleave an install.
 */
#ifndef NICSEC_H
#define NICSEC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "nicsec_dev.h"
#include "sa_parse.h"
#include "spd_parse.h"

#ifdef __cplusplus
extern "C" {
#endif

struct nicsec;

/* What the card says of itself (the CAP_* registers). */
struct nicsec_caps {
	uint32_t version;		/* major << 16 | minor */
	unsigned sa_slots;		/* SA table slots: an index is below */
	unsigned lanes;			/* datapath width, 128-bit lanes */
	unsigned rules;			/* policy rules */
	unsigned max_frame;		/* longest frame, bytes */
	unsigned sa_counters;		/* per-SA counter selects */
	unsigned glb_counters;		/* global counter selects */
	int      dma;			/* the exception path's DMA rings */
};

/*
 * Opens the card spec names (nicsec_dev.h: pci:ADDR, pci:auto, sim:PATH) and
 * checks it is a nicsec card of a register map this library knows.  0, or
 * -1 with one line in err.
 */
int nicsec_open(const char *spec, struct nicsec **card, char *err,
                size_t errlen);
/* The same over a device already open; the card owns dev from then on,
 * and closes it on failure too. */
int nicsec_open_dev(struct nicsec_dev *dev, struct nicsec **card, char *err,
                    size_t errlen);
void nicsec_close(struct nicsec *card);

const struct nicsec_caps *nicsec_caps(const struct nicsec *card);
struct nicsec_dev *nicsec_device(struct nicsec *card);
const char *nicsec_name(const struct nicsec *card);
/* The last failure's message ("" if none). */
const char *nicsec_error(const struct nicsec *card);

/* Soft reset (RESET.go): every SA and rule gone, counters zeroed. */
int nicsec_reset(struct nicsec *card);

/* ---- SAs (nicsec_sa.c) ----------------------------------------------- */

/*
 * The slot an SA goes in.  An inbound SA's slot is fixed by its SPI (the
 * card finds it by the SPI's low log2(sa_slots) bits); an outbound SA takes
 * the lowest free slot unless one is asked for.
 */
#define NICSEC_SLOT_AUTO	(-1)

/*
 * Installs sa.  With NICSEC_SLOT_AUTO the slot is chosen as above; a slot
 * given for an inbound SA must be the one its SPI names.  Refused when the
 * slot holds an SA, or (NICSEC_SLOT_AUTO) when an outbound SA of the same
 * SPI and outer destination is installed elsewhere: a caller that places
 * outbound SAs itself keeps their SPIs apart itself.  *slot_out (if not NULL) gets the
 * slot.  The key is wiped from sa (and from every buffer this library used)
 * before the call returns, whether it succeeded or not: after the write,
 * only the card holds it.
 */
int nicsec_sa_add(struct nicsec *card, struct nicsec_sa *sa, int slot,
                  unsigned *slot_out);

/*
 * Replaces the installed SA of sa's direction, SPI and outer destination
 * with sa (a new record and key, installed as one commit, so traffic sees
 * the old SA or the new).  An outbound SA goes on from the sequence number
 * the card last sent, or sa's oseq if that is higher, so no nonce is used
 * twice under a key; an inbound SA's replay window starts again from sa's
 * seq.  The SA's counters start again from 0.  The key is wiped as by
 * nicsec_sa_add.
 */
int nicsec_sa_update(struct nicsec *card, struct nicsec_sa *sa,
                     unsigned *slot_out);

/* Deletes the SA in slot (the card stops using it at once). */
int nicsec_sa_del(struct nicsec *card, unsigned slot);

/*
 * Reads the SA in slot back from the card into *sa: 1, or 0 (and *sa
 * zeroed) when the slot is empty.  What the card does not give back (the
 * key and its salt) or a record does not hold (reqid, sequence numbers,
 * the selector's protocol) comes back zero; the sequence numbers are in
 * the counters.
 */
int nicsec_sa_read(struct nicsec *card, unsigned slot, struct nicsec_sa *sa);

/*
 * The slot holding the SA of direction dir (SA_DIR_IN or SA_DIR_OUT), spi,
 * and outer destination dst (family AF_INET or AF_INET6; dst NULL: any):
 * 1 with *slot set, or 0 if none.
 */
int nicsec_sa_find(struct nicsec *card, int dir, uint32_t spi, int family,
                   const uint8_t *dst, unsigned *slot);

/*
 * Which slots hold an SA: bit s % 32 of used[s / 32], sa_slots bits (the
 * caller gives sa_slots / 32 words).  One read a word.
 */
int nicsec_sa_used(struct nicsec *card, uint32_t *used);

/* ---- policy rules (nicsec_spd.c) ------------------------------------- */

/*
 * Writes rule idx (0 first; the card takes the first rule that matches).
 * A protect rule goes into the outbound SA whose SPI rule->spi gives, which
 * must be installed; its slot is looked up here.  The card takes the rule
 * whole: a lookup sees the old rule or the new.  Repointing a protect rule
 * at a new SA is how the outbound side of a rekey switches.
 */
int nicsec_spd_write(struct nicsec *card, unsigned idx,
                     const struct nicsec_spd_rule *rule);
int nicsec_spd_del(struct nicsec *card, unsigned idx);
/*
 * Reads rule idx back: 1 (for protect, rule->spi is the SPI of the SA in
 * *sa_slot now, 0 if that slot is empty), or 0 if the rule is not in use.
 * sa_slot may be NULL.
 */
int nicsec_spd_read(struct nicsec *card, unsigned idx,
                    struct nicsec_spd_rule *rule, unsigned *sa_slot);

/* ---- counters and events (nicsec_stats.c) ---------------------------- */

/* Per-SA counter selects (CNT_SEL.sel), docs/card.md "Counters". */
enum {
	NICSEC_SA_PACKETS, NICSEC_SA_BYTES, NICSEC_SA_DROP_REPLAY,
	NICSEC_SA_DROP_ICV, NICSEC_SA_DROP_PAD, NICSEC_SA_DROP_SELECTOR,
	NICSEC_SA_DROP_SEQ_EXHAUSTED, NICSEC_SA_DROP_LIFETIME,
	NICSEC_SA_LAST_SEQ,
	NICSEC_SA_NCOUNTERS
};
/* Global counter selects (GLB_SEL.sel). */
enum {
	NICSEC_G_LAN_RX, NICSEC_G_WAN_RX, NICSEC_G_LAN_TX, NICSEC_G_WAN_TX,
	NICSEC_G_HOST_RX, NICSEC_G_HOST_TX, NICSEC_G_NO_SA,
	NICSEC_G_MALFORMED, NICSEC_G_TOO_SHORT, NICSEC_G_BYPASS,
	NICSEC_G_POLICY_DROP, NICSEC_G_TO_HOST, NICSEC_G_EVENTS_LOST,
	NICSEC_G_OVERSIZE, NICSEC_G_WAN_TO_HOST,
	NICSEC_G_NCOUNTERS
};
/* Their names as nicsecctl stats prints them ("packets", "lan_rx"). */
extern const char *const nicsec_sa_counter_names[NICSEC_SA_NCOUNTERS];
extern const char *const nicsec_global_counter_names[NICSEC_G_NCOUNTERS];

/* All of an SA's counters (v[NICSEC_SA_NCOUNTERS]), or all global ones. */
int nicsec_sa_stats(struct nicsec *card, unsigned slot, uint64_t *v);
int nicsec_global_stats(struct nicsec *card, uint64_t *v);

/* An event off the card's FIFO (EV_DATA). */
enum {
	NICSEC_EV_SOFT_LIMIT = 1, NICSEC_EV_HARD_LIMIT, NICSEC_EV_SEQ_NEAR_END,
	NICSEC_EV_SEQ_EXHAUSTED, NICSEC_EV_ICV_FAIL
};
struct nicsec_event {
	int      type;			/* NICSEC_EV_* */
	unsigned slot;
	int      out;			/* 1: an outbound SA */
};
/* Takes the oldest event: 1, or 0 if there is none. */
int nicsec_event_next(struct nicsec *card, struct nicsec_event *ev);
/* "soft-limit", "hard-limit", "seq-near-end", "seq-exhausted", "icv-fail". */
const char *nicsec_event_name(int type);

/* ---- exception frames (nicsec_exc.c) --------------------------------- */

/* The card's ports, as descriptors and nicsecctl name them. */
#define NICSEC_PORT_LAN	0
#define NICSEC_PORT_WAN	1

/*
 * Sets the DMA rings up in the device's DMA memory (nicsec_dev_dma_mem) and
 * turns them on: from then on frames the card gives the host wait in the
 * receive ring, and this process owns the exception path (one process a
 * card: starting again takes it over).
 */
int nicsec_exc_start(struct nicsec *card);
/*
 * Queues a frame (14 .. max_frame bytes) to leave by port.  0; 1 when the
 * transmit ring is full (try again after nicsec_exc_poll); -1 on error.
 */
int nicsec_exc_send(struct nicsec *card, int port, const void *frame,
                    size_t len);
/*
 * The next frame the card gave the host: its length (copied into buf, cut
 * at cap) with *port set, or 0 if none is waiting, or -1.  A frame the card
 * had to cut (longer than a receive buffer) is skipped and counted.
 */
ssize_t nicsec_exc_recv(struct nicsec *card, int *port, void *buf,
                        size_t cap);
/*
 * A descriptor to poll for POLLIN: readable when an interrupt may have
 * come; then call nicsec_exc_poll, which takes the interrupts, clears the
 * causes and reclaims sent frames' descriptors.  -1 if the device has no
 * interrupts (poll with a timeout instead).
 */
int nicsec_exc_fd(struct nicsec *card);
int nicsec_exc_poll(struct nicsec *card);

/* What the exception path saw (host side). */
struct nicsec_exc_stats {
	uint64_t rx_frames, rx_bytes, tx_frames, tx_bytes;
	uint64_t rx_cut;		/* frames cut by the card, skipped */
	uint64_t tx_full;		/* sends refused: ring full */
	uint64_t tx_err;		/* frames the card refused */
	uint64_t irqs;
};
void nicsec_exc_stats(const struct nicsec *card, struct nicsec_exc_stats *st);

#ifdef __cplusplus
}
#endif

#endif /* NICSEC_H */
