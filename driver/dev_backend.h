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
	void     (*wr32)(struct nicsec_dev *dev, uint32_t off, uint32_t val);
	/* Releases what the backend holds; the device layer frees dev. */
	void     (*close)(struct nicsec_dev *dev);
};

struct nicsec_dev {
	const struct nicsec_dev_ops *ops;
	void   *priv;			/* the backend's own state */
	size_t  bar_size;		/* bytes; accesses are checked against it */
	char    name[64];		/* canonical spec, "pci:0000:03:00.0" */
	char    error[160];		/* first refused access, "" if none */
};

/*
 * The pci backend (pci_dev.c).  addr is "DDDD:BB:DD.F" or "BB:DD.F" (the
 * spec after "pci:"), or NULL for the first nicsec card on the bus;
 * sysfs_pci is never NULL here.  Fills dev (allocated and zeroed by the
 * caller) or returns -1 with a message.
 */
int pci_dev_open(struct nicsec_dev *dev, const char *addr,
                 const char *sysfs_pci, char *err, size_t errlen);

/* snprintf into err, if there is one; returns -1, for `return errf(...)`. */
int nicsec_errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif /* NICSEC_DEV_BACKEND_H */
