/*
 * nicsec_dev.c - the device layer: a spec to a backend, and every register
 * access checked before the backend sees it.  See nicsec_dev.h.
 *
 * The checks live here, not in each backend, so that a bad offset is
 * refused the same way whether the card is real or simulated, and a mapped
 * BAR is never touched outside its bounds.
 */
#include "dev_backend.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPEC_SYNTAX	"expected pci:DDDD:BB:DD.F, pci:auto or sim:PATH"

int
nicsec_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int
nicsec_dev_open(const char *spec, struct nicsec_dev **dev, char *err,
    size_t errlen)
{
	return nicsec_dev_open_at(spec, NULL, dev, err, errlen);
}

int
nicsec_dev_open_at(const char *spec, const char *sysfs_pci,
    struct nicsec_dev **dev, char *err, size_t errlen)
{
	struct nicsec_dev *d;
	int rc;

	*dev = NULL;
	if (spec == NULL || *spec == '\0')
		return nicsec_errf(err, errlen, "no device given: "
		    SPEC_SYNTAX);
	if (strncmp(spec, "sim:", 4) == 0 && spec[4] == '\0')
		return nicsec_errf(err, errlen, "bad device spec '%s': sim: "
		    "needs the path nicsec-sim run --pcie serves", spec);
	if (strncmp(spec, "sim:", 4) != 0 && strncmp(spec, "pci:", 4) != 0)
		return nicsec_errf(err, errlen, "bad device spec '%s': "
		    SPEC_SYNTAX, spec);

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return nicsec_errf(err, errlen, "%s: out of memory", spec);
	if (strncmp(spec, "sim:", 4) == 0)
		rc = sim_dev_open(d, spec + 4, err, errlen);
	else
		rc = pci_dev_open(d, strcmp(spec + 4, "auto") == 0 ? NULL :
		    spec + 4, sysfs_pci != NULL ? sysfs_pci :
		    NICSEC_SYSFS_PCI, err, errlen);
	if (rc != 0) {
		free(d);
		return -1;
	}
	*dev = d;
	return 0;
}

void
nicsec_dev_close(struct nicsec_dev *dev)
{
	if (dev == NULL)
		return;
	dev->ops->close(dev);
	free(dev);
}

/* 1 if a 32-bit access at off is allowed; else 0, the first reason kept. */
static int
access_ok(struct nicsec_dev *dev, const char *what, uint32_t off)
{
	const char *why;

	if (off % 4 != 0)
		why = "not a multiple of 4";
	else if ((uint64_t)off + 4 > dev->bar_size)
		why = "past the end of BAR0";
	else
		return 1;
	if (dev->error[0] == '\0')
		snprintf(dev->error, sizeof(dev->error), "%s: %s at 0x%x: %s "
		    "(%zu bytes)", dev->name, what, off, why, dev->bar_size);
	return 0;
}

uint32_t
nicsec_rd32(struct nicsec_dev *dev, uint32_t off)
{
	if (!access_ok(dev, "read", off))
		return NICSEC_RD_BAD;
	dev->reads++;
	return dev->ops->rd32(dev, off);
}

void
nicsec_wr32(struct nicsec_dev *dev, uint32_t off, uint32_t val)
{
	if (access_ok(dev, "write", off)) {
		dev->writes++;
		dev->ops->wr32(dev, off, val);
	}
}

void
nicsec_dev_flush(struct nicsec_dev *dev)
{
	dev->ops->flush(dev);
}

int
nicsec_dev_lock(struct nicsec_dev *dev)
{
	return dev->ops->lock(dev);
}

void
nicsec_dev_unlock(struct nicsec_dev *dev)
{
	dev->ops->unlock(dev);
}

int
nicsec_dev_dma_mem(struct nicsec_dev *dev, struct nicsec_dma_mem *mem,
    char *err, size_t errlen)
{
	return dev->ops->dma_mem(dev, mem, err, errlen);
}

int
nicsec_dev_irq_fd(struct nicsec_dev *dev)
{
	return dev->ops->irq_fd(dev);
}

unsigned
nicsec_dev_irq_take(struct nicsec_dev *dev)
{
	return dev->ops->irq_take(dev);
}

const char *
nicsec_dev_error(const struct nicsec_dev *dev)
{
	return dev->error[0] != '\0' ? dev->error : NULL;
}

void
nicsec_dev_clear_error(struct nicsec_dev *dev)
{
	dev->error[0] = '\0';
}

void
nicsec_dev_accesses(const struct nicsec_dev *dev, unsigned long long *reads,
    unsigned long long *writes)
{
	*reads = dev->reads;
	*writes = dev->writes;
}

const char *
nicsec_dev_name(const struct nicsec_dev *dev)
{
	return dev->name;
}

size_t
nicsec_dev_bar_size(const struct nicsec_dev *dev)
{
	return dev->bar_size;
}
