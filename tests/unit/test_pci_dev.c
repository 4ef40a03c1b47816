/*
 * test_pci_dev.c - the device layer's pci backend against a fake sysfs tree.
 *
 * The tree is what libpci 3.9's linux-sysfs method and the backend read:
 * <root>/devices/<DDDD:BB:DD.F>/ with vendor, device, class (libpci reads
 * these three for PCI_FILL_IDENT and PCI_FILL_CLASS), config (the command
 * register, for memory decoding), irq, resource (BAR0's line) and resource0,
 * here a plain file filled with a pattern, which a MAP_SHARED mapping treats
 * as a BAR.  Checked: discovery (auto picks the lowest-addressed card; an
 * explicit address), reads that see the file's bytes little-endian, writes
 * that land in the file, refused offsets, and every error that names what
 * is wrong: address, IDs, resource0, BAR size, spec syntax, sysfs, libpci.
 */
#define _XOPEN_SOURCE 700	/* nftw */

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "nicsec_dev.h"
#include "nicsec_ids.h"
#include "scratch.h"

#if defined(__has_include)
#if __has_include("bar0.h")
#include "bar0.h"
#endif
#endif

#define KIB		1024u
#define BAR_LEN		(64 * KIB)

/* One PCI function of a fake tree. */
struct fake_fn {
	const char *addr;
	unsigned    vendor, device, class;
	unsigned    cmd;		/* command register */
	size_t      bar;		/* resource0's length; 0: no file */
	size_t      res;		/* BAR0's size in `resource`; 0: bar */
	int         io;			/* BAR0 flagged as I/O ports */
	unsigned    seed;		/* resource0's pattern */
	mode_t      mode;		/* resource0's mode; 0: 0600 */
};

/* PCI_COMMAND: memory space and bus master enabled, as a bound card has. */
#define CMD_ON		0x0006

/* The pattern's byte at offset i: differs byte to byte and card to card. */
static uint8_t
pat(unsigned seed, size_t i)
{
	return (uint8_t)(seed + i * 37 + (i >> 8) * 11);
}

static void
put_file(const char *dir, const char *name, const void *data, size_t len)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void
put_text(const char *dir, const char *name, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	put_file(dir, name, buf, (size_t)n);
}

static void
mkdir_p(const char *path)
{
	char buf[1024];
	char *s;

	snprintf(buf, sizeof(buf), "%s", path);
	for (s = buf + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		assert_true(mkdir(buf, 0755) == 0 || errno == EEXIST);
		*s = '/';
	}
	assert_true(mkdir(buf, 0755) == 0 || errno == EEXIST);
}

/* <tmpdir>/<tree>/bus/pci: what the tests hand over as sysfs_pci. */
static void
tree_path(const char *tree, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s/bus/pci", tmpdir, tree);
}

static void
add_fn(const char *tree, const struct fake_fn *fn)
{
	char root[512], dir[1024];
	uint8_t cfg[256];
	size_t res = fn->res != 0 ? fn->res : fn->bar;
	unsigned long long start = 0xfb000000ull;
	int i;

	tree_path(tree, root, sizeof(root));
	snprintf(dir, sizeof(dir), "%s/devices/%s", root, fn->addr);
	mkdir_p(dir);
	put_text(dir, "vendor", "0x%04x\n", fn->vendor);
	put_text(dir, "device", "0x%04x\n", fn->device);
	put_text(dir, "class", "0x%06x\n", fn->class);
	put_text(dir, "irq", "0\n");

	/* Config space: IDs, command, class, as the kernel shows them. */
	memset(cfg, 0, sizeof(cfg));
	cfg[0] = (uint8_t)fn->vendor;
	cfg[1] = (uint8_t)(fn->vendor >> 8);
	cfg[2] = (uint8_t)fn->device;
	cfg[3] = (uint8_t)(fn->device >> 8);
	cfg[4] = (uint8_t)fn->cmd;
	cfg[5] = (uint8_t)(fn->cmd >> 8);
	cfg[9] = (uint8_t)fn->class;
	cfg[10] = (uint8_t)(fn->class >> 8);
	cfg[11] = (uint8_t)(fn->class >> 16);
	put_file(dir, "config", cfg, sizeof(cfg));

	/* resource: BAR0's line (start end flags), then the other BARs,
	 * the ROM and the bridge windows, all unused. */
	{
		char text[2048];
		size_t n;

		if (res != 0)
			n = (size_t)snprintf(text, sizeof(text),
			    "0x%016llx 0x%016llx 0x%016llx\n", start,
			    start + res - 1, fn->io ? 0x40101ull : 0x40200ull);
		else
			n = (size_t)snprintf(text, sizeof(text), "0x%016llx "
			    "0x%016llx 0x%016llx\n", 0ull, 0ull, 0ull);
		for (i = 1; i < 13; i++)
			n += (size_t)snprintf(text + n, sizeof(text) - n,
			    "0x%016llx 0x%016llx 0x%016llx\n", 0ull, 0ull,
			    0ull);
		put_file(dir, "resource", text, n);
	}

	if (fn->bar != 0) {
		uint8_t *b = malloc(fn->bar);
		char path[1100];
		size_t j;

		assert_non_null(b);
		for (j = 0; j < fn->bar; j++)
			b[j] = pat(fn->seed, j);
		put_file(dir, "resource0", b, fn->bar);
		free(b);
		snprintf(path, sizeof(path), "%s/resource0", dir);
		assert_int_equal(chmod(path, fn->mode != 0 ? fn->mode : 0600),
		    0);
	}
}

static const struct fake_fn sata = {
	"0000:00:1f.2", 0x8086, 0x2922, 0x010601, CMD_ON, 2 * KIB, 0, 0, 1, 0
};
static const struct fake_fn vga = {
	"0000:00:02.0", 0x8086, 0x46a6, 0x030000, CMD_ON, 16 * KIB, 0, 0, 2, 0
};

/* The good tree: a SATA controller and two cards, the second higher. */
static const struct fake_fn card = {
	"0000:03:00.0", NICSEC_PCI_VENDOR, NICSEC_PCI_DEVICE, 0x020000,
	CMD_ON, BAR_LEN, 0, 0, 0x5a, 0
};
static const struct fake_fn card2 = {
	"0000:81:00.0", NICSEC_PCI_VENDOR, NICSEC_PCI_DEVICE, 0x020000,
	CMD_ON, BAR_LEN, 0, 0, 0xc3, 0
};

/* Cards that must not open, each for its own reason. */
static const struct fake_fn bad_fns[] = {
	{ "0000:04:00.0", NICSEC_PCI_VENDOR, NICSEC_PCI_DEVICE, 0x020000,
	  CMD_ON, 0, 0, 0, 0, 0 },			/* no resource0 */
	{ "0000:05:00.0", NICSEC_PCI_VENDOR, NICSEC_PCI_DEVICE, 0x020000,
	  CMD_ON, 1 * KIB, 0, 0, 0, 0 },		/* 1 KiB BAR0 */
	{ "0000:06:00.0", NICSEC_PCI_VENDOR, NICSEC_PCI_DEVICE, 0x020000,
	  0x0000, BAR_LEN, 0, 0, 0, 0 },		/* decoding off */
	{ "0000:07:00.0", NICSEC_PCI_VENDOR, NICSEC_PCI_DEVICE, 0x020000,
	  CMD_ON, BAR_LEN, 2 * BAR_LEN, 0, 0, 0 },	/* sizes disagree */
	{ "0000:08:00.0", NICSEC_PCI_VENDOR, NICSEC_PCI_DEVICE, 0x020000,
	  CMD_ON, BAR_LEN, 0, 1, 0, 0 },		/* I/O BAR */
	{ "0000:0a:00.0", NICSEC_PCI_VENDOR, NICSEC_PCI_DEVICE, 0x020000,
	  CMD_ON, BAR_LEN, 0, 0, 0, 0444 },		/* read-only */
};

static int
group_setup(void **state)
{
	char path[512];
	size_t i;

	if (scratch_make(state) != 0)
		return -1;
	add_fn("good", &card2);		/* made first: order must not matter */
	add_fn("good", &sata);
	add_fn("good", &card);
	add_fn("none", &sata);
	add_fn("none", &vga);
	for (i = 0; i < sizeof(bad_fns) / sizeof(bad_fns[0]); i++)
		add_fn("bad", &bad_fns[i]);
	/* A tree libpci itself refuses: an entry that is no PCI address. */
	add_fn("junk", &card);
	tree_path("junk", path, sizeof(path));
	strcat(path, "/devices/junk");
	mkdir_p(path);
	return 0;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
group_teardown(void **state)
{
	(void)state;
	return nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static struct nicsec_dev *
open_ok(const char *spec, const char *tree)
{
	struct nicsec_dev *dev = NULL;
	char root[512], err[512];

	tree_path(tree, root, sizeof(root));
	if (nicsec_dev_open_at(spec, root, &dev, err, sizeof(err)) != 0)
		fail_msg("%s: %s", spec, err);
	assert_non_null(dev);
	return dev;
}

/* Opening spec fails with exactly want, "%s" in want standing for the
 * tree's sysfs_pci (at most twice). */
static void
open_fails(const char *spec, const char *tree, const char *want)
{
	struct nicsec_dev *dev = (struct nicsec_dev *)&dev;
	char root[512], err[512], exp[2048];

	tree_path(tree, root, sizeof(root));
	snprintf(exp, sizeof(exp), want, root, root);
	err[0] = '\0';
	assert_int_equal(nicsec_dev_open_at(spec, root, &dev, err,
	    sizeof(err)), -1);
	assert_null(dev);
	assert_string_equal(err, exp);
}

/* The file's word at off, little-endian, as a BAR read must return it. */
static uint32_t
file_word(const char *tree, const char *addr, uint32_t off)
{
	char root[512], path[1024];
	uint8_t b[4];
	int fd;

	tree_path(tree, root, sizeof(root));
	snprintf(path, sizeof(path), "%s/devices/%s/resource0", root, addr);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, b, 4, off), 4);
	close(fd);
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24;
}

static uint32_t
pat_word(unsigned seed, uint32_t off)
{
	return (uint32_t)pat(seed, off) | (uint32_t)pat(seed, off + 1) << 8 |
	    (uint32_t)pat(seed, off + 2) << 16 |
	    (uint32_t)pat(seed, off + 3) << 24;
}

static void
test_auto_finds_lowest_card(void **state)
{
	struct nicsec_dev *dev;

	(void)state;
	dev = open_ok("pci:auto", "good");
	assert_string_equal(nicsec_dev_name(dev), "pci:0000:03:00.0");
	assert_int_equal(nicsec_dev_bar_size(dev), BAR_LEN);
	assert_int_equal(nicsec_rd32(dev, 0), pat_word(card.seed, 0));
	assert_null(nicsec_dev_error(dev));
	nicsec_dev_close(dev);
}

static void
test_explicit_address(void **state)
{
	struct nicsec_dev *dev;

	(void)state;
	dev = open_ok("pci:0000:81:00.0", "good");
	assert_string_equal(nicsec_dev_name(dev), "pci:0000:81:00.0");
	assert_int_equal(nicsec_rd32(dev, 0x40), pat_word(card2.seed, 0x40));
	nicsec_dev_close(dev);

	/* Domain left out (0000), as lspci takes it. */
	dev = open_ok("pci:03:00.0", "good");
	assert_string_equal(nicsec_dev_name(dev), "pci:0000:03:00.0");
	nicsec_dev_close(dev);
}

static void
test_reads_see_file_le(void **state)
{
	static const uint32_t offs[] = { 0, 4, 0x100, 0x1ffc, 0x8000,
	    BAR_LEN - 4 };
	struct nicsec_dev *dev;
	size_t i;

	(void)state;
	dev = open_ok("pci:0000:03:00.0", "good");
	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		assert_int_equal(nicsec_rd32(dev, offs[i]),
		    file_word("good", "0000:03:00.0", offs[i]));
		/* and what that is, byte 0 lowest, from the pattern */
		assert_int_equal(nicsec_rd32(dev, offs[i]),
		    pat_word(card.seed, offs[i]));
	}
	assert_null(nicsec_dev_error(dev));
	nicsec_dev_close(dev);
}

static void
test_writes_land_in_file(void **state)
{
	struct nicsec_dev *dev;
	char root[512], path[1024];
	uint8_t b[4];
	int fd;

	(void)state;
	dev = open_ok("pci:0000:03:00.0", "good");
	nicsec_wr32(dev, 0x100, 0x11223344);
	nicsec_wr32(dev, BAR_LEN - 4, 0xa1b2c3d4);
	assert_int_equal(nicsec_rd32(dev, 0x100), 0x11223344);
	assert_int_equal(nicsec_rd32(dev, BAR_LEN - 4), 0xa1b2c3d4);
	/* The neighbours are untouched: one word written, not more. */
	assert_int_equal(nicsec_rd32(dev, 0xfc), pat_word(card.seed, 0xfc));
	assert_int_equal(nicsec_rd32(dev, 0x104), pat_word(card.seed, 0x104));
	assert_null(nicsec_dev_error(dev));

	/* In the file, little-endian, while still mapped ... */
	tree_path("good", root, sizeof(root));
	snprintf(path, sizeof(path), "%s/devices/0000:03:00.0/resource0",
	    root);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, b, 4, 0x100), 4);
	assert_int_equal(b[0], 0x44);
	assert_int_equal(b[1], 0x33);
	assert_int_equal(b[2], 0x22);
	assert_int_equal(b[3], 0x11);
	close(fd);
	nicsec_dev_close(dev);

	/* ... and after, to a new opener. */
	assert_int_equal(file_word("good", "0000:03:00.0", BAR_LEN - 4),
	    0xa1b2c3d4);
	dev = open_ok("pci:auto", "good");
	assert_int_equal(nicsec_rd32(dev, 0x100), 0x11223344);
	/* put the pattern back for the other tests */
	nicsec_wr32(dev, 0x100, pat_word(card.seed, 0x100));
	nicsec_wr32(dev, BAR_LEN - 4, pat_word(card.seed, BAR_LEN - 4));
	nicsec_dev_close(dev);
}

static void
test_bad_offsets_refused(void **state)
{
	struct nicsec_dev *dev;

	(void)state;
	dev = open_ok("pci:0000:03:00.0", "good");
	assert_int_equal(nicsec_rd32(dev, BAR_LEN), NICSEC_RD_BAD);
	assert_string_equal(nicsec_dev_error(dev), "pci:0000:03:00.0: read "
	    "at 0x10000: past the end of BAR0 (65536 bytes)");
	/* The first refusal is kept. */
	assert_int_equal(nicsec_rd32(dev, 0xfffffffc), NICSEC_RD_BAD);
	nicsec_wr32(dev, BAR_LEN - 2, 0);
	assert_string_equal(nicsec_dev_error(dev), "pci:0000:03:00.0: read "
	    "at 0x10000: past the end of BAR0 (65536 bytes)");
	/* Good accesses go on working and leave it alone. */
	assert_int_equal(nicsec_rd32(dev, BAR_LEN - 4),
	    pat_word(card.seed, BAR_LEN - 4));
	assert_non_null(nicsec_dev_error(dev));

	nicsec_dev_clear_error(dev);
	assert_null(nicsec_dev_error(dev));
	nicsec_wr32(dev, 2, 0xffffffff);
	assert_string_equal(nicsec_dev_error(dev), "pci:0000:03:00.0: write "
	    "at 0x2: not a multiple of 4 (65536 bytes)");
	nicsec_dev_clear_error(dev);
	nicsec_wr32(dev, 0xfffffffc, 0);
	assert_string_equal(nicsec_dev_error(dev), "pci:0000:03:00.0: write "
	    "at 0xfffffffc: past the end of BAR0 (65536 bytes)");
	assert_int_equal(nicsec_rd32(dev, 1), NICSEC_RD_BAD);
	nicsec_dev_close(dev);

	/* Nothing refused reached the file. */
	assert_int_equal(file_word("good", "0000:03:00.0", 0),
	    pat_word(card.seed, 0));
	assert_int_equal(file_word("good", "0000:03:00.0", 4),
	    pat_word(card.seed, 4));
	assert_int_equal(file_word("good", "0000:03:00.0", BAR_LEN - 4),
	    pat_word(card.seed, BAR_LEN - 4));
}

static void
test_no_such_device(void **state)
{
	(void)state;
	open_fails("pci:0000:09:00.0", "good", "pci:0000:09:00.0: no such PCI "
	    "device (not in %s/devices)");
	/* Another domain: the full address counts. */
	open_fails("pci:0001:03:00.0", "good", "pci:0001:03:00.0: no such PCI "
	    "device (not in %s/devices)");
}

static void
test_not_a_nicsec_card(void **state)
{
	(void)state;
	open_fails("pci:0000:00:1f.2", "good", "pci:0000:00:1f.2: device "
	    "8086:2922 is not a nicsec card (10ee:4e53)");
}

static void
test_no_card_on_bus(void **state)
{
	(void)state;
	open_fails("pci:auto", "none", "pci:auto: no nicsec card (10ee:4e53) "
	    "on the bus (2 PCI devices in %s/devices)");
}

static void
test_resource0_missing(void **state)
{
	(void)state;
	open_fails("pci:0000:04:00.0", "bad", "pci:0000:04:00.0: "
	    "%s/devices/0000:04:00.0/resource0 is missing: the card has no "
	    "BAR0 (or the kernel did not assign it)");
}

static void
test_bar_too_small(void **state)
{
	(void)state;
	open_fails("pci:0000:05:00.0", "bad", "pci:0000:05:00.0: BAR0 is too "
	    "small: 1024 bytes (%s/devices/0000:05:00.0/resource0), a nicsec "
	    "card's is at least 4096");
}

static void
test_memory_decoding_off(void **state)
{
	(void)state;
	open_fails("pci:0000:06:00.0", "bad", "pci:0000:06:00.0: memory "
	    "decoding is off (command register 0x0000): as root, echo 1 > "
	    "%s/devices/0000:06:00.0/enable");
}

static void
test_bar_sizes_disagree(void **state)
{
	(void)state;
	open_fails("pci:0000:07:00.0", "bad", "pci:0000:07:00.0: "
	    "%s/devices/0000:07:00.0/resource0 is 65536 bytes but "
	    "%s/devices/0000:07:00.0/resource says BAR0 is 131072");
}

static void
test_io_bar(void **state)
{
	(void)state;
	open_fails("pci:0000:08:00.0", "bad", "pci:0000:08:00.0: BAR0 is I/O "
	    "ports, not memory (%s/devices/0000:08:00.0/resource): not a "
	    "nicsec card's BAR");
}

static void
test_resource0_permission(void **state)
{
	(void)state;
	/* Root opens any file whatever its mode: nothing to see there. */
	if (geteuid() == 0)
		skip();
	open_fails("pci:0000:0a:00.0", "bad", "pci:0000:0a:00.0: cannot open "
	    "%s/devices/0000:0a:00.0/resource0: Permission denied (run as "
	    "root, or give this user read and write access to it)");
}

static void
test_bad_specs(void **state)
{
	static const char *const bad_pci[] = {
		"pci:", "pci:0000:03:00", "pci:0000:03:20.0",
		"pci:0000:03:00.8", "pci:zz:00.0", "pci:0000:03:00.0x",
		"pci:0000:003:00.0", "pci:0000:03:00:0", "pci:AUTO ",
		"pci:123456789:03:00.0", "pci:-1:03:00.0",
	};
	char want[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_pci) / sizeof(bad_pci[0]); i++) {
		snprintf(want, sizeof(want), "bad device spec '%s': expected "
		    "pci:DDDD:BB:DD.F (hex; device 00..1f, function 0..7) or "
		    "pci:auto", bad_pci[i]);
		open_fails(bad_pci[i], "good", want);
	}
	open_fails("", "good", "no device given: expected pci:DDDD:BB:DD.F, "
	    "pci:auto or sim:PATH");
	open_fails("0000:03:00.0", "good", "bad device spec '0000:03:00.0': "
	    "expected pci:DDDD:BB:DD.F, pci:auto or sim:PATH");
	open_fails("usb:1-2", "good", "bad device spec 'usb:1-2': expected "
	    "pci:DDDD:BB:DD.F, pci:auto or sim:PATH");
	open_fails("sim:", "good", "bad device spec 'sim:': sim: needs the "
	    "path nicsec-sim run --pcie serves");
}

/* sim: goes to the sim backend, which names the missing simulator. */
static void
test_sim_missing(void **state)
{
	(void)state;
	open_fails("sim:/run/nicsec-sim/none", "good", "sim:/run/nicsec-sim/"
	    "none: cannot connect: No such file or directory (is nicsec-sim "
	    "run --pcie /run/nicsec-sim/none running?)");
}

static void
test_no_sysfs(void **state)
{
	(void)state;
	open_fails("pci:auto", "absent", "cannot read %s/devices: No such "
	    "file or directory (is sysfs mounted?)");
}

static void
test_libpci_error_returns(void **state)
{
	struct nicsec_dev *dev = NULL;
	char root[512], err[512], want[1024];

	(void)state;
	/* libpci's own error (it would exit the process by default) comes
	 * back as an error, and the next open works. */
	tree_path("junk", root, sizeof(root));
	snprintf(want, sizeof(want), "libpci, scanning %s: sysfs_scan: "
	    "Couldn't parse entry name junk", root);
	assert_int_equal(nicsec_dev_open_at("pci:auto", root, &dev, err,
	    sizeof(err)), -1);
	assert_null(dev);
	assert_string_equal(err, want);
	dev = open_ok("pci:auto", "good");
	nicsec_dev_close(dev);
}

static void
test_min_bar_is_regmap_size(void **state)
{
	(void)state;
#ifdef BAR0_SIZE
	assert_int_equal(NICSEC_BAR0_MIN, BAR0_SIZE);
#else
	skip();
#endif
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auto_finds_lowest_card),
		cmocka_unit_test(test_explicit_address),
		cmocka_unit_test(test_reads_see_file_le),
		cmocka_unit_test(test_writes_land_in_file),
		cmocka_unit_test(test_bad_offsets_refused),
		cmocka_unit_test(test_no_such_device),
		cmocka_unit_test(test_not_a_nicsec_card),
		cmocka_unit_test(test_no_card_on_bus),
		cmocka_unit_test(test_resource0_missing),
		cmocka_unit_test(test_bar_too_small),
		cmocka_unit_test(test_memory_decoding_off),
		cmocka_unit_test(test_bar_sizes_disagree),
		cmocka_unit_test(test_io_bar),
		cmocka_unit_test(test_resource0_permission),
		cmocka_unit_test(test_bad_specs),
		cmocka_unit_test(test_sim_missing),
		cmocka_unit_test(test_no_sysfs),
		cmocka_unit_test(test_libpci_error_returns),
		cmocka_unit_test(test_min_bar_is_regmap_size),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
