/*
 * pci_dev.c - the pci backend: find the card with libpci, map its BAR0
 * through sysfs (<sysfs_pci>/devices/<addr>/resource0) and access it with
 * volatile 32-bit loads and stores.
 *
 * Everything here is plain Linux sysfs, so the same code runs against a fake
 * tree whose resource0 is an ordinary file (tests/unit/test_pci_dev.c):
 * libpci is pointed at it through its sysfs.path parameter, and a
 * MAP_SHARED mapping of a file behaves as a BAR does for loads and stores.
 */
#define _DEFAULT_SOURCE		/* le32toh, htole32 */

#include "dev_backend.h"
#include "nicsec_ids.h"

#include <ctype.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pci/pci.h>

/* The kernel's resource flag for an I/O-port BAR, as `resource` shows it. */
#define IORESOURCE_IO	0x100

struct pci_addr {
	unsigned dom, bus, dev, fn;
};

/* What the libpci scan tells about the device picked. */
struct pci_found {
	struct pci_addr a;
	int      cmd_known;		/* config space was readable */
	unsigned cmd;			/* its command register */
};

struct pci_priv {
	volatile uint8_t *bar;
	size_t            map_len;
	int               fd;		/* resource0, for flock */
};

/*
 * libpci reports errors by calling acc->error, which must not return (its
 * default prints and exits, which a library must never do to its caller).
 * Ours jumps back to the scan that called libpci, with the message.
 */
static _Thread_local jmp_buf *lib_jmp;
static _Thread_local char lib_msg[256];

static _Noreturn void
lib_error(char *msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	vsnprintf(lib_msg, sizeof(lib_msg), msg, ap);
	va_end(ap);
	if (lib_jmp == NULL) {
		/* Only outside pci_find(), which would be a libpci bug. */
		fprintf(stderr, "libnicsec: libpci: %s\n", lib_msg);
		abort();
	}
	longjmp(*lib_jmp, 1);
}

/* Warnings (an unreadable config file, say) are not ours to print: the
 * checks below say what matters in their own error. */
static void
lib_quiet(char *msg, ...)
{
	(void)msg;
}

static int
hexval(char c)
{
	return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* "DDDD:BB:DD.F" or "BB:DD.F", hex: 0 with *a set, or -1. */
static int
parse_addr(const char *s, struct pci_addr *a)
{
	static const int maxd[4] = { 8, 2, 2, 1 };	/* digits a field */
	static const char sep[4] = { ':', ':', '.', '\0' };
	const char *c1 = strchr(s, ':');
	unsigned v[4] = { 0, 0, 0, 0 };
	int i;

	/* The domain is there when there are two colons. */
	for (i = c1 != NULL && strchr(c1 + 1, ':') != NULL ? 0 : 1; i < 4;
	    i++) {
		int n;

		for (n = 0; n < maxd[i] && isxdigit((unsigned char)*s); n++)
			v[i] = v[i] * 16 + (unsigned)hexval(*s++);
		if (n == 0 || *s != sep[i])
			return -1;
		if (*s != '\0')
			s++;
	}
	/* libpci takes domains up to 0x7fffffff; a slot has 32 devices of
	 * 8 functions. */
	if (v[0] > 0x7fffffff || v[2] > 0x1f || v[3] > 7)
		return -1;
	a->dom = v[0];
	a->bus = v[1];
	a->dev = v[2];
	a->fn = v[3];
	return 0;
}

static int
addr_cmp(const struct pci_addr *x, const struct pci_addr *y)
{
	if (x->dom != y->dom)
		return x->dom < y->dom ? -1 : 1;
	if (x->bus != y->bus)
		return x->bus < y->bus ? -1 : 1;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->fn != y->fn)
		return x->fn < y->fn ? -1 : 1;
	return 0;
}

/* The address as sysfs names its directory: "0000:03:00.0". */
static void
addr_str(const struct pci_addr *a, char *buf, size_t len)
{
	snprintf(buf, len, "%04x:%02x:%02x.%u", a->dom, a->bus, a->dev, a->fn);
}

/*
 * Picks the device from a scanned bus: the one at want, which must carry
 * nicsec's IDs, or with want NULL the nicsec card with the lowest address
 * (readdir order is arbitrary; the lowest is the same card every time).
 * Runs under pci_find()'s jump: libpci may bail out of any call here.
 */
static int
pick(struct pci_access *pacc, const char *sysfs_pci,
    const struct pci_addr *want, struct pci_found *out, char *err,
    size_t errlen)
{
	struct pci_dev *d, *best = NULL;
	struct pci_addr a;
	char as[32];
	unsigned n = 0;

	for (d = pacc->devices; d != NULL; d = d->next) {
		a.dom = (unsigned)d->domain;
		a.bus = d->bus;
		a.dev = d->dev;
		a.fn = d->func;
		n++;
		if (want != NULL) {
			if (addr_cmp(&a, want) == 0)
				best = d;
			continue;
		}
		pci_fill_info(d, PCI_FILL_IDENT);
		if (d->vendor_id != NICSEC_PCI_VENDOR ||
		    d->device_id != NICSEC_PCI_DEVICE)
			continue;
		if (best == NULL || addr_cmp(&a, &out->a) < 0) {
			best = d;
			out->a = a;
		}
	}

	if (best == NULL && want != NULL) {
		addr_str(want, as, sizeof(as));
		return nicsec_errf(err, errlen, "pci:%s: no such PCI device "
		    "(not in %s/devices)", as, sysfs_pci);
	}
	if (best == NULL)
		return nicsec_errf(err, errlen, "pci:auto: no nicsec card "
		    "(%04x:%04x) on the bus (%u PCI devices in %s/devices)",
		    NICSEC_PCI_VENDOR, NICSEC_PCI_DEVICE, n, sysfs_pci);

	if (want != NULL) {
		out->a = *want;
		pci_fill_info(best, PCI_FILL_IDENT);
		if (best->vendor_id != NICSEC_PCI_VENDOR ||
		    best->device_id != NICSEC_PCI_DEVICE) {
			addr_str(want, as, sizeof(as));
			return nicsec_errf(err, errlen, "pci:%s: device "
			    "%04x:%04x is not a nicsec card (%04x:%04x)", as,
			    best->vendor_id, best->device_id,
			    NICSEC_PCI_VENDOR, NICSEC_PCI_DEVICE);
		}
	}

	/* The command register, to catch a card whose memory decoding is
	 * off: its BAR would map, but every read would come back all ones.
	 * Config space that can't be read leaves the question open. */
	{
		uint8_t cmd[2] = { 0, 0 };

		out->cmd_known = pci_read_block(best, PCI_COMMAND, cmd, 2);
		out->cmd = (unsigned)cmd[0] | (unsigned)cmd[1] << 8;
	}
	return 0;
}

/* Scans the bus under sysfs_pci with libpci and picks the device. */
static int
pci_find(const char *sysfs_pci, const struct pci_addr *want,
    struct pci_found *out, char *err, size_t errlen)
{
	struct pci_access *pacc;
	jmp_buf jb;
	int rc;

	if ((pacc = pci_alloc()) == NULL)
		return nicsec_errf(err, errlen, "libpci: out of memory");
	pacc->error = lib_error;
	pacc->warning = lib_quiet;
	pacc->debug = lib_quiet;
	/* Only sysfs: it is what the BAR is mapped through, and a fake tree
	 * in a test must be the only place devices come from. */
	pacc->method = PCI_ACCESS_SYS_BUS_PCI;
	/*
	 * Back here when libpci gives up (a sysfs tree it can't read: never
	 * the kernel's).  What libpci had open at that moment, a directory
	 * handle mid-scan, can't be unwound from outside and stays leaked;
	 * pci_cleanup() frees the rest.
	 */
	if (setjmp(jb) != 0) {
		lib_jmp = NULL;
		pci_cleanup(pacc);
		return nicsec_errf(err, errlen, "libpci, scanning %s: %s",
		    sysfs_pci, lib_msg);
	}
	lib_jmp = &jb;
	/* pci_set_param copies the value; the cast is for its old
	 * prototype, which takes a char *. */
	pci_set_param(pacc, "sysfs.path", (char *)sysfs_pci);
	pci_init(pacc);
	pci_scan_bus(pacc);
	rc = pick(pacc, sysfs_pci, want, out, err, errlen);
	lib_jmp = NULL;
	pci_cleanup(pacc);
	return rc;
}

/* Device dir/file: "<sysfs_pci>/devices/<addr>/<file>". */
static int
dev_path(char *buf, size_t len, const char *sysfs_pci, const char *as,
    const char *file)
{
	int n = snprintf(buf, len, "%s/devices/%s/%s", sysfs_pci, as, file);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/*
 * BAR0's line of the `resource` file: "0x<start> 0x<end> 0x<flags>".
 * Returns 1 with *size and *flags, 0 when the file can't be read or says
 * nothing (a BAR0 that is not there reads as all zeros).
 */
static int
resource_bar0(const char *path, uint64_t *size, uint64_t *flags)
{
	unsigned long long start, end, fl;
	char line[128];
	FILE *f;
	int ok;

	if ((f = fopen(path, "re")) == NULL)
		return 0;
	ok = fgets(line, sizeof(line), f) != NULL &&
	    sscanf(line, "%llx %llx %llx", &start, &end, &fl) == 3 &&
	    end > start;
	fclose(f);
	if (!ok)
		return 0;
	*size = end - start + 1;
	*flags = fl;
	return 1;
}

static uint32_t
pci_rd32(struct nicsec_dev *dev, uint32_t off)
{
	struct pci_priv *p = dev->priv;

	/* One 32-bit load, never split or merged: a register read can have
	 * side effects (an event FIFO's pop). */
	return le32toh(*(volatile uint32_t *)(p->bar + off));
}

static void
pci_wr32(struct nicsec_dev *dev, uint32_t off, uint32_t val)
{
	struct pci_priv *p = dev->priv;

	*(volatile uint32_t *)(p->bar + off) = htole32(val);
}

/* Stores to a mapped BAR are not held back here; the CPU's write
 * combining does not apply to an uncached BAR mapping. */
static void
pci_flush(struct nicsec_dev *dev)
{
	(void)dev;
	__sync_synchronize();
}

/* Every process that opens the card opens resource0, so an flock on it
 * is the one lock they all see; it goes with the process if it dies. */
static int
pci_lock(struct nicsec_dev *dev)
{
	struct pci_priv *p = dev->priv;

	while (flock(p->fd, LOCK_EX) != 0)
		if (errno != EINTR) {
			snprintf(dev->error, sizeof(dev->error), "%s: cannot "
			    "lock resource0: %s", dev->name, strerror(errno));
			return -1;
		}
	return 0;
}

static void
pci_unlock(struct nicsec_dev *dev)
{
	struct pci_priv *p = dev->priv;

	__sync_synchronize();
	flock(p->fd, LOCK_UN);
}

/* DMA on a real server needs memory the card can reach and whose bus
 * addresses are known: VFIO (an IOMMU mapping) or pinned hugepages
 * (docs/libnicsec.md, "DMA on a real server").  This backend maps BAR0
 * through sysfs only, which gives neither. */
static int
pci_dma_mem(struct nicsec_dev *dev, struct nicsec_dma_mem *mem, char *err,
    size_t errlen)
{
	(void)mem;
	return nicsec_errf(err, errlen, "%s: no DMA memory: the pci backend "
	    "maps BAR0 through sysfs only; DMA needs the card bound to "
	    "vfio-pci (docs/libnicsec.md)", dev->name);
}

static int
pci_irq_fd(struct nicsec_dev *dev)
{
	(void)dev;
	return -1;
}

static unsigned
pci_irq_take(struct nicsec_dev *dev)
{
	(void)dev;
	return 0;
}

static void
pci_close(struct nicsec_dev *dev)
{
	struct pci_priv *p = dev->priv;

	munmap((void *)p->bar, p->map_len);
	close(p->fd);
	free(p);
}

static const struct nicsec_dev_ops pci_ops = {
	.rd32 = pci_rd32,
	.wr32 = pci_wr32,
	.flush = pci_flush,
	.lock = pci_lock,
	.unlock = pci_unlock,
	.dma_mem = pci_dma_mem,
	.irq_fd = pci_irq_fd,
	.irq_take = pci_irq_take,
	.close = pci_close,
};

int
pci_dev_open(struct nicsec_dev *dev, const char *addr, const char *sysfs_pci,
    char *err, size_t errlen)
{
	struct pci_addr want;
	struct pci_found f;
	struct pci_priv *p;
	struct stat st;
	uint64_t rsize = 0, rflags = 0, size;
	char as[32], path[1024], rpath[1024];
	void *bar;
	int fd, have_res;

	if (addr != NULL && parse_addr(addr, &want) != 0)
		return nicsec_errf(err, errlen, "bad device spec 'pci:%s': "
		    "expected pci:DDDD:BB:DD.F (hex; device 00..1f, function "
		    "0..7) or pci:auto", addr);
	/* Checked here, so that a missing sysfs is named as that and not as
	 * a libpci failure. */
	if (snprintf(path, sizeof(path), "%s/devices", sysfs_pci) >=
	    (int)sizeof(path))
		return nicsec_errf(err, errlen, "%s: path too long",
		    sysfs_pci);
	if (access(path, R_OK | X_OK) != 0)
		return nicsec_errf(err, errlen, "cannot read %s: %s (is "
		    "sysfs mounted?)", path, strerror(errno));

	memset(&f, 0, sizeof(f));
	if (pci_find(sysfs_pci, addr != NULL ? &want : NULL, &f, err,
	    errlen) != 0)
		return -1;
	addr_str(&f.a, as, sizeof(as));
	snprintf(dev->name, sizeof(dev->name), "pci:%s", as);

	if (dev_path(path, sizeof(path), sysfs_pci, as, "resource0") != 0 ||
	    dev_path(rpath, sizeof(rpath), sysfs_pci, as, "resource") != 0)
		return nicsec_errf(err, errlen, "%s: path too long",
		    sysfs_pci);
	have_res = resource_bar0(rpath, &rsize, &rflags);
	if (have_res && (rflags & IORESOURCE_IO))
		return nicsec_errf(err, errlen, "%s: BAR0 is I/O ports, not "
		    "memory (%s): not a nicsec card's BAR", dev->name, rpath);

	if ((fd = open(path, O_RDWR | O_CLOEXEC)) < 0) {
		int e = errno;

		if (e == ENOENT)
			return nicsec_errf(err, errlen, "%s: %s is missing: "
			    "the card has no BAR0 (or the kernel did not "
			    "assign it)", dev->name, path);
		if (e == EACCES || e == EPERM)
			return nicsec_errf(err, errlen, "%s: cannot open %s: "
			    "%s (run as root, or give this user read and "
			    "write access to it)", dev->name, path,
			    strerror(e));
		return nicsec_errf(err, errlen, "%s: cannot open %s: %s",
		    dev->name, path, strerror(e));
	}
	if (fstat(fd, &st) != 0) {
		int e = errno;

		close(fd);
		return nicsec_errf(err, errlen, "%s: %s: %s", dev->name, path,
		    strerror(e));
	}

	/*
	 * The kernel gives resource0 the BAR's size; `resource` says the
	 * same.  They can only disagree in a tree that is not the kernel's,
	 * and then mapping the larger would fault past the end: refuse.
	 */
	size = (uint64_t)st.st_size;
	if (size == 0 && have_res)
		size = rsize;
	if (have_res && size != rsize) {
		close(fd);
		return nicsec_errf(err, errlen, "%s: %s is %" PRIu64 " bytes "
		    "but %s says BAR0 is %" PRIu64, dev->name, path, size,
		    rpath, rsize);
	}
	if (size < NICSEC_BAR0_MIN) {
		close(fd);
		return nicsec_errf(err, errlen, "%s: BAR0 is too small: %"
		    PRIu64 " bytes (%s), a nicsec card's is at least %u",
		    dev->name, size, path, NICSEC_BAR0_MIN);
	}
	if (f.cmd_known && !(f.cmd & PCI_COMMAND_MEMORY)) {
		close(fd);
		return nicsec_errf(err, errlen, "%s: memory decoding is off "
		    "(command register 0x%04x): as root, echo 1 > "
		    "%s/devices/%s/enable", dev->name, f.cmd, sysfs_pci, as);
	}
	/* Offsets are 32 bits: a larger BAR is used up to 4 GiB. */
	if (size > UINT32_MAX)
		size = (uint64_t)UINT32_MAX + 1;

	bar = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
	    0);
	if (bar == MAP_FAILED) {
		int e = errno;

		close(fd);
		return nicsec_errf(err, errlen, "%s: cannot map %s: %s",
		    dev->name, path, strerror(e));
	}

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		munmap(bar, (size_t)size);
		close(fd);
		return nicsec_errf(err, errlen, "%s: out of memory",
		    dev->name);
	}
	p->bar = bar;
	p->map_len = (size_t)size;
	p->fd = fd;			/* kept: the lock is a flock on it */
	dev->ops = &pci_ops;
	dev->priv = p;
	dev->bar_size = (size_t)size;
	return 0;
}
