/*
 * nicsec_card.c - a card opened: its capabilities, errors, lock and reset.
 * See nicsec.h.
 */
#include "nicsec_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bar0.h"

/* The register map this library was built for: same major, any minor. */
#define MAP_MAJOR	(BAR0_VERSION_VALUE >> 16)

/* Polls for the end of a soft reset (16 cycles): far more than enough. */
#define RESET_POLLS	1000

int
card_err(struct nicsec *card, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(card->err, sizeof(card->err), "%s: ",
	    nicsec_dev_name(card->dev));
	if (n < 0 || (size_t)n >= sizeof(card->err))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(card->err + n, sizeof(card->err) - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

int
card_dev_check(struct nicsec *card)
{
	const char *e = nicsec_dev_error(card->dev);

	if (e == NULL)
		return 0;
	snprintf(card->err, sizeof(card->err), "%s", e);
	nicsec_dev_clear_error(card->dev);
	return -1;
}

int
card_lock(struct nicsec *card)
{
	/* Another process may have left a commit going. */
	card->sa_idle = 0;
	if (nicsec_dev_lock(card->dev) != 0)
		return card_dev_check(card) != 0 ? -1 :
		    card_err(card, "cannot lock the card");
	return 0;
}

void
card_unlock(struct nicsec *card)
{
	nicsec_dev_unlock(card->dev);
}

int
nicsec_open(const char *spec, struct nicsec **card, char *err, size_t errlen)
{
	struct nicsec_dev *dev;

	*card = NULL;
	if (nicsec_dev_open(spec, &dev, err, errlen) != 0)
		return -1;
	return nicsec_open_dev(dev, card, err, errlen);
}

int
nicsec_open_dev(struct nicsec_dev *dev, struct nicsec **card, char *err,
    size_t errlen)
{
	struct nicsec *c;
	uint32_t id, ver, cnt;

	*card = NULL;
	id = nicsec_rd32(dev, BAR0_ID);
	ver = nicsec_rd32(dev, BAR0_VERSION);
	if (nicsec_dev_error(dev) != NULL) {
		nicsec_errf(err, errlen, "%s", nicsec_dev_error(dev));
		nicsec_dev_close(dev);
		return -1;
	}
	if (id != BAR0_ID_MAGIC) {
		nicsec_errf(err, errlen, "%s: not a nicsec card: ID reads "
		    "0x%08x, expected 0x%08x (\"NSEC\")%s", nicsec_dev_name(dev),
		    id, BAR0_ID_MAGIC, id == 0xffffffffu ? "; the device does "
		    "not answer" : "");
		nicsec_dev_close(dev);
		return -1;
	}
	if (ver >> 16 != MAP_MAJOR) {
		nicsec_errf(err, errlen, "%s: register map version %u.%u; this "
		    "libnicsec knows %u.x", nicsec_dev_name(dev), ver >> 16,
		    ver & 0xffff, MAP_MAJOR);
		nicsec_dev_close(dev);
		return -1;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		nicsec_errf(err, errlen, "%s: out of memory",
		    nicsec_dev_name(dev));
		nicsec_dev_close(dev);
		return -1;
	}
	c->dev = dev;
	c->caps.version = ver;
	c->caps.sa_slots = nicsec_rd32(dev, BAR0_CAP_SA);
	c->caps.lanes = nicsec_rd32(dev, BAR0_CAP_LANES);
	c->caps.rules = nicsec_rd32(dev, BAR0_CAP_RULES);
	c->caps.max_frame = nicsec_rd32(dev, BAR0_CAP_FRAME);
	cnt = nicsec_rd32(dev, BAR0_CAP_COUNTERS);
	c->caps.sa_counters = (cnt & BAR0_CAP_COUNTERS_SA_MASK) >>
	    BAR0_CAP_COUNTERS_SA_SHIFT;
	c->caps.glb_counters = (cnt & BAR0_CAP_COUNTERS_GLB_MASK) >>
	    BAR0_CAP_COUNTERS_GLB_SHIFT;
	c->caps.dma = (nicsec_rd32(dev, BAR0_CAP_FEATURES) &
	    BAR0_CAP_FEATURES_DMA_MASK) != 0;
	/* Sizes this library's arrays and fields rely on. */
	if (nicsec_dev_error(dev) != NULL || c->caps.sa_slots == 0 ||
	    c->caps.sa_slots > 4096 ||
	    (c->caps.sa_slots & (c->caps.sa_slots - 1)) != 0 ||
	    c->caps.rules == 0 || c->caps.rules > 64 ||
	    c->caps.sa_counters < NICSEC_SA_NCOUNTERS ||
	    c->caps.glb_counters < NICSEC_G_NCOUNTERS) {
		nicsec_errf(err, errlen, "%s: capabilities out of range: "
		    "%u SA slots, %u rules, %u SA and %u global counters",
		    nicsec_dev_name(dev), c->caps.sa_slots, c->caps.rules,
		    c->caps.sa_counters, c->caps.glb_counters);
		nicsec_close(c);
		return -1;
	}
	*card = c;
	return 0;
}

void
nicsec_close(struct nicsec *card)
{
	if (card == NULL)
		return;
	nicsec_dev_close(card->dev);
	free(card);
}

const struct nicsec_caps *
nicsec_caps(const struct nicsec *card)
{
	return &card->caps;
}

struct nicsec_dev *
nicsec_device(struct nicsec *card)
{
	return card->dev;
}

const char *
nicsec_name(const struct nicsec *card)
{
	return nicsec_dev_name(card->dev);
}

const char *
nicsec_error(const struct nicsec *card)
{
	return card->err;
}

int
nicsec_reset(struct nicsec *card)
{
	int i;

	if (card_lock(card) != 0)
		return -1;
	nicsec_wr32(card->dev, BAR0_RESET, BAR0_RESET_GO_MASK);
	for (i = 0; i < RESET_POLLS; i++)
		if ((nicsec_rd32(card->dev, BAR0_RESET) &
		    BAR0_RESET_GO_MASK) == 0)
			break;
	card_unlock(card);
	if (card_dev_check(card) != 0)
		return -1;
	if (i == RESET_POLLS)
		return card_err(card, "still in reset after %d reads of RESET",
		    RESET_POLLS);
	card->exc.on = 0;		/* the rings went with the reset */
	return 0;
}
