/*
 * dev_backend.h - what the device layer (nicsec_dev.c) and its backends
 * share; not part of libnicsec's API.
 *
 * A backend opens one kind of spec and fills a struct nicsec_dev: its ops,
 * its name and BAR0's size.  The device layer checks every offset before an
 * op sees it, so a backend's rd32 and wr32 are only ever given an aligned
 * offset whose word lies inside bar_size.
 */
#ifndef NICSEC_DEV_BACKEND_H
#define NICSEC_DEV_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "nicsec_dev.h"

struct nicsec_dev_ops {
	uint32_t (*rd32)(struct nicsec_dev *dev, uint32_t off);
	/* May be held back (posted) until the next rd32, flush, unlock or
	 * close; writes and reads still reach the card in program order. */
	void     (*wr32)(struct nicsec_dev *dev, uint32_t off, uint32_t val);
	void     (*flush)(struct nicsec_dev *dev);
	/* The card to this process alone, across processes, until unlock
	 * (a staged SA is many registers).  0, or -1 with dev->error set. */
	int      (*lock)(struct nicsec_dev *dev);
	void     (*unlock)(struct nicsec_dev *dev);
	/* The host memory the card can DMA into (struct nicsec_dma_mem), or
	 * -1 with a message that says why there is none. */
	int      (*dma_mem)(struct nicsec_dev *dev, struct nicsec_dma_mem *mem,
	                    char *err, size_t errlen);
	/* A descriptor that polls readable when an interrupt may have come
	 * (-1: none), and the interrupts that came since the last call
	 * (never blocks). */
	int      (*irq_fd)(struct nicsec_dev *dev);
	unsigned (*irq_take)(struct nicsec_dev *dev);
	/* Releases what the backend holds; the device layer frees dev. */
	void     (*close)(struct nicsec_dev *dev);
};

struct nicsec_dev {
	const struct nicsec_dev_ops *ops;
	void   *priv;			/* the backend's own state */
	size_t  bar_size;		/* bytes; accesses are checked against it */
	char    name[64];		/* canonical spec, "pci:0000:03:00.0" */
	char    error[160];		/* first refused access, "" if none */
	unsigned long long reads, writes;	/* accesses made */
};

/*
 * The pci backend (pci_dev.c).  addr is "DDDD:BB:DD.F" or "BB:DD.F" (the
 * spec after "pci:"), or NULL for the first nicsec card on the bus;
 * sysfs_pci is never NULL here.  Fills dev (allocated and zeroed by the
 * caller) or returns -1 with a message.
 */
int pci_dev_open(struct nicsec_dev *dev, const char *addr,
                 const char *sysfs_pci, char *err, size_t errlen);

/*
 * The sim backend (sim_dev.c): path is what nicsec-sim run --pcie was
 * given.  As pci_dev_open.
 */
int sim_dev_open(struct nicsec_dev *dev, const char *path, char *err,
                 size_t errlen);

/* snprintf into err, if there is one; returns -1, for `return errf(...)`. */
int nicsec_errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif /* NICSEC_DEV_BACKEND_H */
