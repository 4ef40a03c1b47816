/*
 * nicsec_stats.c - the card's counters and its event FIFO.  See nicsec.h
 * and docs/card.md, "Counters" and "Events".
 */
#include "nicsec_priv.h"

#include "bar0.h"

const char *const nicsec_sa_counter_names[NICSEC_SA_NCOUNTERS] = {
	"packets", "bytes", "drop_replay", "drop_icv", "drop_pad",
	"drop_selector", "drop_seq_exhausted", "drop_lifetime", "last_seq",
};

const char *const nicsec_global_counter_names[NICSEC_G_NCOUNTERS] = {
	"lan_rx", "wan_rx", "lan_tx", "wan_tx", "host_rx", "host_tx",
	"no_sa", "malformed", "too_short", "bypass", "policy_drop",
	"to_host", "events_lost", "oversize", "wan_to_host",
};

/*
 * One 64-bit counter: the select, then _LO (which latches the high half),
 * then _HI.  The lock keeps another process's select from landing between.
 */
static uint64_t
read64(struct nicsec *card, uint32_t sel_reg, uint32_t sel, uint32_t lo_reg,
    uint32_t hi_reg)
{
	uint64_t lo;

	nicsec_wr32(card->dev, sel_reg, sel);
	lo = nicsec_rd32(card->dev, lo_reg);
	return lo | (uint64_t)nicsec_rd32(card->dev, hi_reg) << 32;
}

int
nicsec_sa_stats(struct nicsec *card, unsigned slot, uint64_t *v)
{
	unsigned i;

	if (slot >= card->caps.sa_slots)
		return card_err(card, "SA slot %u: the card has slots 0 .. %u",
		    slot, card->caps.sa_slots - 1);
	if (card_lock(card) != 0)
		return -1;
	for (i = 0; i < NICSEC_SA_NCOUNTERS; i++)
		v[i] = read64(card, BAR0_CNT_SEL,
		    slot << BAR0_CNT_SEL_IDX_SHIFT |
		    i << BAR0_CNT_SEL_SEL_SHIFT, BAR0_CNT_LO, BAR0_CNT_HI);
	card_unlock(card);
	return card_dev_check(card);
}

int
nicsec_global_stats(struct nicsec *card, uint64_t *v)
{
	unsigned i;

	if (card_lock(card) != 0)
		return -1;
	for (i = 0; i < NICSEC_G_NCOUNTERS; i++)
		v[i] = read64(card, BAR0_GLB_SEL, i << BAR0_GLB_SEL_SEL_SHIFT,
		    BAR0_GLB_LO, BAR0_GLB_HI);
	card_unlock(card);
	return card_dev_check(card);
}

int
nicsec_event_next(struct nicsec *card, struct nicsec_event *ev)
{
	/* One read pops: no lock needed, and two readers get different
	 * events, never one twice. */
	uint32_t v = nicsec_rd32(card->dev, BAR0_EV_DATA);

	if (card_dev_check(card) != 0)
		return -1;
	ev->type = (int)((v & BAR0_EV_DATA_TYPE_MASK) >>
	    BAR0_EV_DATA_TYPE_SHIFT);
	ev->slot = (v & BAR0_EV_DATA_SA_MASK) >> BAR0_EV_DATA_SA_SHIFT;
	ev->out = (v & BAR0_EV_DATA_OUT_MASK) != 0;
	return ev->type != 0;
}

const char *
nicsec_event_name(int type)
{
	static const char *const names[] = {
		"none", "soft-limit", "hard-limit", "seq-near-end",
		"seq-exhausted", "icv-fail",
	};

	if (type < 0 || type >= (int)(sizeof(names) / sizeof(names[0])))
		return "unknown";
	return names[type];
}
