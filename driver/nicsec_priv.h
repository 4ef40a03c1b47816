/*
 * nicsec_priv.h - what libnicsec's card files share; not part of its API.
 */
#ifndef NICSEC_PRIV_H
#define NICSEC_PRIV_H

#include "nicsec.h"
#include "dev_backend.h"	/* nicsec_errf */

/* The exception path's state (nicsec_exc.c). */
struct nicsec_exc {
	int      on;
	uint8_t *mem;			/* DMA memory, this process's view */
	uint64_t iova;			/* the card's view of mem */
	unsigned tx_size, rx_size;	/* descriptors a ring */
	size_t   buf_len;		/* bytes a buffer */
	unsigned tx_tail, tx_clean;	/* next to fill; next to reclaim */
	unsigned rx_next;		/* next the card fills */
	struct nicsec_exc_stats st;
};

struct nicsec {
	struct nicsec_dev  *dev;
	/* SA_COMMIT was seen idle since the lock was taken: the next commit
	 * need not wait first (nicsec_sa.c). */
	int                 sa_idle;
	struct nicsec_caps  caps;
	struct nicsec_exc   exc;
	char                err[256];
};

/* Sets card->err; returns -1, for `return card_err(...)`. */
int card_err(struct nicsec *card, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * -1 with card->err set if the device refused an access since the last
 * check (a bad offset, a vanished simulator), else 0.  Checked after each
 * register sequence, so a failure is reported where it happened.
 */
int card_dev_check(struct nicsec *card);

/* Locks the card; -1 with card->err set. */
int card_lock(struct nicsec *card);
void card_unlock(struct nicsec *card);

/* nicsec_sa_find with the card already locked (nicsec_sa.c); used, if not
 * NULL, is SA_USED as read under this lock, for a caller that has it. */
int sa_find_locked(struct nicsec *card, int dir, uint32_t spi, int family,
                   const uint8_t *dst, const uint32_t *used, unsigned *slot);

#endif /* NICSEC_PRIV_H */
