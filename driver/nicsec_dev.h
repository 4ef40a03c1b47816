/*
 * nicsec_dev.h - libnicsec's device layer: open a nicsec card and read and
 * write its 32-bit BAR0 registers.
 *
 * A card is named by a spec:
 *
 *	pci:DDDD:BB:DD.F	the card at that PCI address (hex, as lspci -D
 *				prints it; the domain may be left out:
 *				pci:BB:DD.F means domain 0000)
 *	pci:auto		the first nicsec card on the bus (lowest
 *				address) with NICSEC_PCI_VENDOR:NICSEC_PCI_DEVICE
 *	sim:PATH		the simulated card of `nicsec-sim run --pcie PATH`
 *
 * Register offsets are byte offsets into BAR0, as the register map
 * (build/gen/bar0.h) gives them.  This layer knows nothing of what the
 * registers mean; it only moves 32-bit words.  See docs/libnicsec.md.
 *
 * One thread uses a device at a time.  Processes that share a card take
 * nicsec_dev_lock around anything that spans several registers.
 */
#ifndef NICSEC_DEV_H
#define NICSEC_DEV_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nicsec_dev;

/* What a refused read returns: all ones, as a PCIe read nothing answers. */
#define NICSEC_RD_BAD		0xffffffffu

/* libpci's default sysfs.path: the directory holding devices/<addr>/. */
#define NICSEC_SYSFS_PCI	"/sys/bus/pci"

/*
 * Opens the card spec names.  Returns 0 with *dev set, or -1 with *dev NULL
 * and one line in err that names what is wrong (the spec, the address, the
 * file).
 */
int nicsec_dev_open(const char *spec, struct nicsec_dev **dev, char *err,
                    size_t errlen);

/*
 * The same, with the pci backend looking under sysfs_pci instead of
 * NICSEC_SYSFS_PCI (NULL: the default): the directory libpci's sysfs.path
 * parameter names, whose devices/ holds one directory per PCI function.
 * Tests point it at a fake tree.
 */
int nicsec_dev_open_at(const char *spec, const char *sysfs_pci,
                       struct nicsec_dev **dev, char *err, size_t errlen);

/* Unmaps and frees; NULL is fine. */
void nicsec_dev_close(struct nicsec_dev *dev);

/*
 * One 32-bit register, little-endian as PCIe is, at byte offset off.  An
 * offset that is not a multiple of 4, or whose word does not fit inside
 * BAR0, is refused: a read returns NICSEC_RD_BAD, a write does nothing, and
 * the device keeps a message (nicsec_dev_error).
 */
uint32_t nicsec_rd32(struct nicsec_dev *dev, uint32_t off);
void nicsec_wr32(struct nicsec_dev *dev, uint32_t off, uint32_t val);

/*
 * The first access refused since the device was opened or the error last
 * cleared, as one line ("pci:0000:03:00.0: read at 0x10000: past the end of
 * BAR0 (65536 bytes)"), or NULL if none was.  The first is kept, not the
 * last, because it is the one that tells what went wrong.
 */
const char *nicsec_dev_error(const struct nicsec_dev *dev);
void nicsec_dev_clear_error(struct nicsec_dev *dev);

/*
 * Writes may be posted, as PCIe memory writes are: held back until the next
 * read, nicsec_dev_flush, nicsec_dev_unlock or close.  Flush after a doorbell.
 */
void nicsec_dev_flush(struct nicsec_dev *dev);

/*
 * The card to this process alone until nicsec_dev_unlock (other processes
 * that lock it wait).  0, or -1 with nicsec_dev_error set.  Not nested.
 */
int nicsec_dev_lock(struct nicsec_dev *dev);
void nicsec_dev_unlock(struct nicsec_dev *dev);

/*
 * Host memory the card reaches by DMA: va in this process, iova the address
 * the card is given for va (descriptors and ring bases), len bytes.  All of
 * it is the caller's to carve up.
 */
struct nicsec_dma_mem {
	void     *va;
	uint64_t  iova;
	size_t    len;
};
int nicsec_dev_dma_mem(struct nicsec_dev *dev, struct nicsec_dma_mem *mem,
                       char *err, size_t errlen);

/*
 * Interrupts (INT_CAUSE & INT_MASK going non-zero, docs/dma.md): a
 * descriptor to poll for POLLIN (-1 if the device has none), and the count
 * that came since the last call, without blocking.
 */
int nicsec_dev_irq_fd(struct nicsec_dev *dev);
unsigned nicsec_dev_irq_take(struct nicsec_dev *dev);

/* Register reads and writes made since open (refused ones not counted):
 * what the benches report per operation. */
void nicsec_dev_accesses(const struct nicsec_dev *dev,
                         unsigned long long *reads,
                         unsigned long long *writes);

/* The device's canonical spec ("pci:0000:03:00.0"), for messages. */
const char *nicsec_dev_name(const struct nicsec_dev *dev);

/* BAR0's size in bytes, as mapped. */
size_t nicsec_dev_bar_size(const struct nicsec_dev *dev);

#ifdef __cplusplus
}
#endif

#endif /* NICSEC_DEV_H */
