/*
 * sim_client: libnicsec's sim backend against a live `nicsec-sim run`
 * (tests/sim/run_basic.sh starts it).  Each command checks one thing and
 * prints a line per check, "ok - ..." or "not ok - ...", and exits 1 if any
 * failed.
 *
 *	sim_client basic PATH		registers, posted writes, the lock, memory
 *	sim_client stress PATH		four clients taking the lock at once
 *	sim_client rings PATH IFNAME	the DMA rings, IFNAME the LAN port's peer
 *	sim_client bypass PATH		a policy rule: every IPv4 frame bypasses
 *	sim_client gone PATH		the simulator killed mid-session (after
 *					"ready" on stdout, the test kills it
 *					and writes a line to stdin)
 *	sim_client missing PATH		the error for a path nothing serves
 *	sim_client flood IFNAME SECONDS	IPv4 frames out of IFNAME for SECONDS
 */
#define _GNU_SOURCE

#include "nicsec_dev.h"
#include "bar0.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures;

static void
check(int ok, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
check(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", ok ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (!ok)
		failures++;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static struct nicsec_dev *
open_or_die(const char *path)
{
	struct nicsec_dev *dev;
	char spec[512], err[256];

	snprintf(spec, sizeof(spec), "sim:%s", path);
	if (nicsec_dev_open(spec, &dev, err, sizeof(err)) != 0) {
		fprintf(stderr, "sim_client: %s\n", err);
		exit(2);
	}
	return dev;
}

/* The lock: a second client's read waits while the first holds it. */
static void
lock_excludes(const char *path, struct nicsec_dev *dev)
{
	int pfd[2];
	pid_t pid;
	double t0, waited = -1;
	uint32_t seen = 0;

	if (pipe(pfd) != 0) {
		check(0, "pipe: %s", strerror(errno));
		return;
	}
	check(nicsec_dev_lock(dev) == 0, "lock taken");
	nicsec_wr32(dev, BAR0_SCRATCH, 0x1111);
	nicsec_dev_flush(dev);
	t0 = now();
	pid = fork();
	if (pid == 0) {
		struct nicsec_dev *d2 = open_or_die(path);
		double t = now();
		uint32_t v = nicsec_rd32(d2, BAR0_SCRATCH);

		t = now() - t;
		if (write(pfd[1], &t, sizeof(t)) < 0 ||
		    write(pfd[1], &v, sizeof(v)) < 0)
			_exit(1);
		nicsec_dev_close(d2);
		_exit(0);
	}
	/* Long enough that the child is surely waiting on its read. */
	usleep(400000);
	nicsec_wr32(dev, BAR0_SCRATCH, 0x2222);
	nicsec_dev_unlock(dev);
	if (read(pfd[0], &waited, sizeof(waited)) != sizeof(waited) ||
	    read(pfd[0], &seen, sizeof(seen)) != sizeof(seen))
		waited = -1;
	waitpid(pid, NULL, 0);
	close(pfd[0]);
	close(pfd[1]);
	check(waited >= 0.3, "a second client's read waited for the unlock "
	    "(%.3f s of %.3f s held)", waited, now() - t0);
	check(seen == 0x2222, "and saw the holder's last write (0x%x)", seen);

	/* A holder that dies without unlocking does not keep the card. */
	pid = fork();
	if (pid == 0) {
		struct nicsec_dev *d2 = open_or_die(path);

		if (nicsec_dev_lock(d2) != 0)
			_exit(1);
		nicsec_wr32(d2, BAR0_SCRATCH, 0x3333);
		nicsec_dev_flush(d2);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	t0 = now();
	seen = nicsec_rd32(dev, BAR0_SCRATCH);
	check(seen == 0x3333 && now() - t0 < 1.0, "a holder that dies "
	    "unlocked releases the lock (0x%x after %.3f s)", seen, now() - t0);
}

static int
cmd_basic(const char *path)
{
	struct nicsec_dev *dev = open_or_die(path), *d2;
	struct nicsec_dma_mem m, m2;
	char err[256];
	uint32_t v;
	double t;
	int i, n;

	check(strcmp(nicsec_dev_name(dev), "sim:") > 0 &&
	    strncmp(nicsec_dev_name(dev), "sim:", 4) == 0 &&
	    strcmp(nicsec_dev_name(dev) + 4, path) == 0,
	    "name is sim:PATH (%s)", nicsec_dev_name(dev));
	check(nicsec_dev_bar_size(dev) == 0x1000, "BAR0 is 0x%zx bytes",
	    nicsec_dev_bar_size(dev));
	v = nicsec_rd32(dev, BAR0_ID);
	check(v == 0x4e534543, "ID reads 0x%08x", v);
	check(nicsec_rd32(dev, BAR0_CAP_SA) == 4096, "CAP_SA 4096");

	nicsec_wr32(dev, BAR0_SCRATCH, 0xa5a55a5a);
	v = nicsec_rd32(dev, BAR0_SCRATCH);
	check(v == 0xa5a55a5a, "SCRATCH write then read: 0x%08x", v);

	nicsec_wr32(dev, BAR0_ERR, 0xffffffff);
	v = nicsec_rd32(dev, 0xff0);
	check(v == 0xdeadbeef, "unmapped 0xff0 reads 0x%08x", v);
	v = nicsec_rd32(dev, BAR0_ERR);
	check(v & BAR0_ERR_RD_UNMAPPED_MASK, "and sets ERR.rd_unmapped "
	    "(ERR 0x%x)", v);
	v = nicsec_rd32(dev, BAR0_ERR_ADDR);
	check(v == 0xff0, "ERR_ADDR names it (0x%x)", v);
	nicsec_wr32(dev, BAR0_ERR, 0xffffffff);
	check(nicsec_dev_error(dev) == NULL, "no device error so far");
	v = nicsec_rd32(dev, 0x1000);
	check(v == NICSEC_RD_BAD && nicsec_dev_error(dev) != NULL,
	    "a read past BAR0 refused by the device layer: %s",
	    nicsec_dev_error(dev) ? nicsec_dev_error(dev) : "(none)");
	nicsec_dev_clear_error(dev);

	/* 200 posted writes: more than one batch. */
	for (i = 1; i <= 200; i++)
		nicsec_wr32(dev, BAR0_SCRATCH, (uint32_t)i);
	v = nicsec_rd32(dev, BAR0_SCRATCH);
	check(v == 200, "200 posted writes, then a read sees the last (%u)",
	    v);
	for (i = 0, n = 0; i < 50; i++) {
		nicsec_wr32(dev, BAR0_SCRATCH, 0x100 + (uint32_t)i);
		nicsec_wr32(dev, BAR0_SPD_SA, (uint32_t)i);
		if (nicsec_rd32(dev, BAR0_SCRATCH) == 0x100 + (uint32_t)i &&
		    nicsec_rd32(dev, BAR0_SPD_SA) == (uint32_t)i)
			n++;
	}
	check(n == 50, "writes and reads interleaved stay in order (%d/50)",
	    n);
	t = now();
	for (i = 0; i < 200; i++)
		nicsec_rd32(dev, BAR0_SCRATCH);
	t = now() - t;
	check(t < 2.0, "200 reads in %.3f s (%.0f us each)", t,
	    t / 200 * 1e6);

	lock_excludes(path, dev);

	/* Writes a client posts just before it closes still reach the card. */
	d2 = open_or_die(path);
	for (i = 0; i < 100; i++)
		nicsec_wr32(d2, BAR0_SCRATCH, 0xc1000000 + (uint32_t)i);
	nicsec_dev_close(d2);
	usleep(200000);
	v = nicsec_rd32(dev, BAR0_SCRATCH);
	check(v == 0xc1000063, "writes posted just before close land "
	    "(0x%08x)", v);

	memset(&m, 0, sizeof(m));
	i = nicsec_dev_dma_mem(dev, &m, err, sizeof(err));
	check(i == 0, "dma_mem: %zu bytes at iova 0x%llx", m.len,
	    (unsigned long long)m.iova);
	check(m.iova == 0x1000000000ull && m.len == 16u << 20,
	    "16 MB at 0x10_0000_0000");
	d2 = open_or_die(path);
	check(nicsec_dev_dma_mem(d2, &m2, err, sizeof(err)) == 0 &&
	    m2.len == m.len, "a second client maps it too");
	memcpy((char *)m.va + m.len - 16, "nicsec-sim run!", 16);
	check(memcmp((char *)m2.va + m.len - 16, "nicsec-sim run!", 16) == 0,
	    "and sees the first's bytes");
	check(nicsec_dev_irq_fd(dev) >= 0, "irq_fd is a descriptor");
	nicsec_dev_irq_take(dev);
	check(nicsec_dev_irq_take(dev) == 0, "irq_take: none pending");
	nicsec_dev_close(d2);
	nicsec_dev_close(dev);
	return failures != 0;
}

/*
 * Four processes at once, each 100 times: take the lock, write SCRATCH 70
 * times (more than a batch), read back the last, unlock, read ID unlocked.
 * Another's write between a holder's last write and its read would show.
 */
static int
cmd_stress(const char *path)
{
	int k, st, bad = 0;

	for (k = 0; k < 4; k++)
		if (fork() == 0) {
			struct nicsec_dev *d = open_or_die(path);
			int i, j, b = 0;

			for (i = 0; i < 100; i++) {
				uint32_t v = (uint32_t)getpid() * 1000 +
				    (uint32_t)i;

				if (nicsec_dev_lock(d) != 0)
					b++;
				for (j = 70; j >= 0; j--)
					nicsec_wr32(d, BAR0_SCRATCH,
					    v - (uint32_t)j);
				if (nicsec_rd32(d, BAR0_SCRATCH) != v)
					b++;
				nicsec_dev_unlock(d);
				if (nicsec_rd32(d, BAR0_ID) != 0x4e534543)
					b++;
			}
			nicsec_dev_close(d);
			_exit(b != 0);
		}
	for (k = 0; k < 4; k++)
		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			bad++;
	check(bad == 0, "4 clients, 400 locked sections of 71 writes and a "
	    "read, none disturbed (%d clients saw otherwise)", bad);
	return failures != 0;
}

/* Writes the policy rule 0: any IPv4 frame from the LAN bypasses. */
static int
cmd_bypass(const char *path)
{
	struct nicsec_dev *dev = open_or_die(path);
	int i;

	nicsec_wr32(dev, BAR0_SPD_INDEX, 0);
	nicsec_wr32(dev, BAR0_SPD_FLAGS, BAR0_SPD_FLAGS_VALID_MASK |
	    BAR0_SPD_FLAGS_PROTO_ANY_MASK);
	nicsec_wr32(dev, BAR0_SPD_PLEN, 0);
	nicsec_wr32(dev, BAR0_SPD_ACTION, 1);		/* bypass */
	for (i = 0; i < 4; i++) {
		nicsec_wr32(dev, BAR0_SPD_SRC + 4 * (uint32_t)i, 0);
		nicsec_wr32(dev, BAR0_SPD_DST + 4 * (uint32_t)i, 0);
	}
	nicsec_wr32(dev, BAR0_SPD_COMMIT, 1);
	check(nicsec_rd32(dev, BAR0_ERR) == 0, "bypass rule written");
	nicsec_dev_close(dev);
	return failures != 0;
}

static int
cmd_gone(const char *path)
{
	struct nicsec_dev *dev = open_or_die(path);
	char line[16];
	uint32_t v;

	check(nicsec_rd32(dev, BAR0_ID) == 0x4e534543, "ID before");
	nicsec_wr32(dev, BAR0_SCRATCH, 7);
	printf("ready\n");
	fflush(stdout);
	if (fgets(line, sizeof(line), stdin) == NULL)
		return 2;
	nicsec_wr32(dev, BAR0_SCRATCH, 8);
	v = nicsec_rd32(dev, BAR0_ID);
	check(v == NICSEC_RD_BAD, "after the simulator died a read returns "
	    "0x%08x", v);
	check(nicsec_dev_error(dev) != NULL &&
	    strstr(nicsec_dev_error(dev), "went away") != NULL,
	    "and the error says so: %s",
	    nicsec_dev_error(dev) ? nicsec_dev_error(dev) : "(none)");
	check(nicsec_rd32(dev, BAR0_SCRATCH) == NICSEC_RD_BAD,
	    "and so does the next");
	check(nicsec_dev_lock(dev) != 0, "lock fails");
	nicsec_wr32(dev, BAR0_SCRATCH, 9);
	nicsec_dev_flush(dev);
	nicsec_dev_unlock(dev);
	nicsec_dev_close(dev);
	check(1, "writes, flush, unlock and close after it: no crash");
	return failures != 0;
}

static int
cmd_missing(const char *path)
{
	struct nicsec_dev *dev;
	char spec[512], err[512], want[1200];

	snprintf(spec, sizeof(spec), "sim:%s", path);
	snprintf(want, sizeof(want), "sim:%s: cannot connect: No such file or "
	    "directory (is nicsec-sim run --pcie %s running?)", path, path);
	check(nicsec_dev_open(spec, &dev, err, sizeof(err)) == -1 &&
	    dev == NULL, "open fails");
	check(strcmp(err, want) == 0, "error: %s", err);
	return failures != 0;
}

/* A packet socket on IFNAME (in this namespace). */
static int
packet_socket(const char *ifname, int *ifindex)
{
	struct sockaddr_ll sll;
	int s, one = 1;

	*ifindex = (int)if_nametoindex(ifname);
	if (*ifindex == 0) {
		fprintf(stderr, "sim_client: %s: no such interface\n", ifname);
		exit(2);
	}
	s = socket(AF_PACKET, SOCK_RAW, 0);
	if (s < 0) {
		fprintf(stderr, "sim_client: packet socket: %s\n",
		    strerror(errno));
		exit(2);
	}
	setsockopt(s, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = *ifindex;
	if (bind(s, (struct sockaddr *)&sll, sizeof(sll)) != 0) {
		fprintf(stderr, "sim_client: bind %s: %s\n", ifname,
		    strerror(errno));
		exit(2);
	}
	return s;
}

/* An IPv4/UDP frame of len bytes (IP checksum left 0: the card does not
 * check it), numbered n in its payload. */
static size_t
udp_frame(uint8_t *f, size_t len, uint32_t n)
{
	static const uint8_t hdr[] = {
		0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
		0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0,
		10, 9, 0, 1, 10, 9, 0, 2,
		0x30, 0x39, 0x30, 0x39, 0, 0, 0, 0,
	};
	size_t ip = len - 14, udp = ip - 20;

	memset(f, 0, len);
	memcpy(f, hdr, sizeof(hdr));
	f[16] = (uint8_t)(ip >> 8);
	f[17] = (uint8_t)ip;
	f[38] = (uint8_t)(udp >> 8);
	f[39] = (uint8_t)udp;
	memcpy(f + 42, &n, sizeof(n));
	return len;
}

static int
cmd_flood(const char *ifname, double seconds)
{
	int ifindex, s = packet_socket(ifname, &ifindex);
	uint8_t f[1500];
	double end = now() + seconds;
	uint32_t n = 0;

	/* Faster than the simulation takes them, so it never waits for
	 * one; the kernel drops what its socket has no room for. */
	while (now() < end) {
		size_t len = udp_frame(f, 64 + (n * 97) % 1400, n);

		if (send(s, f, len, 0) > 0)
			n++;
		if (n % 64 == 0)
			usleep(2000);
	}
	printf("%u frames sent\n", n);
	close(s);
	return 0;
}

struct desc {
	uint64_t addr;
	uint16_t len;
	uint8_t  port;
	uint8_t  flags;
	uint32_t zero;
};

/* Waits up to `secs` for an interrupt: 1 if one came. */
static int
wait_irq(struct nicsec_dev *dev, double secs)
{
	struct pollfd p = { nicsec_dev_irq_fd(dev), POLLIN, 0 };

	if (poll(&p, 1, (int)(secs * 1000)) <= 0)
		return 0;
	return nicsec_dev_irq_take(dev) > 0;
}

static int
cmd_rings(const char *path, const char *ifname)
{
	struct nicsec_dev *dev = open_or_die(path);
	struct nicsec_dma_mem m;
	volatile struct desc *tx, *rx;
	uint8_t *buf, arp[42], vlan[46], got[2048];
	char err[256];
	int ifindex, s = packet_socket(ifname, &ifindex), ok;
	uint32_t cause, v;
	double t;
	ssize_t n;

	if (!(nicsec_rd32(dev, BAR0_CAP_FEATURES) &
	    BAR0_CAP_FEATURES_DMA_MASK)) {
		check(0, "CAP_FEATURES.dma is set");
		return 1;
	}
	if (nicsec_dev_dma_mem(dev, &m, err, sizeof(err)) != 0) {
		check(0, "%s", err);
		return 1;
	}
	/* 8 descriptors a ring at 0 and 0x1000, buffers from 0x10000. */
	tx = (volatile struct desc *)m.va;
	rx = (volatile struct desc *)((char *)m.va + 0x1000);
	buf = (uint8_t *)m.va + 0x10000;
	memset(m.va, 0, 0x2000);
	memset(buf, 0xee, 4096);
	rx[0].addr = m.iova + 0x10000;
	rx[0].len = 2048;
	__atomic_thread_fence(__ATOMIC_RELEASE);

	nicsec_wr32(dev, BAR0_INT_MASK, 0);
	nicsec_wr32(dev, BAR0_TXR_SIZE, 0);
	nicsec_wr32(dev, BAR0_TXR_TAIL, 0);
	nicsec_wr32(dev, BAR0_TXR_BASE_LO, (uint32_t)m.iova);
	nicsec_wr32(dev, BAR0_TXR_BASE_HI, (uint32_t)(m.iova >> 32));
	nicsec_wr32(dev, BAR0_TXR_SIZE, 8);
	nicsec_wr32(dev, BAR0_RXR_SIZE, 0);
	nicsec_wr32(dev, BAR0_RXR_BASE_LO, (uint32_t)(m.iova + 0x1000));
	nicsec_wr32(dev, BAR0_RXR_BASE_HI, (uint32_t)((m.iova + 0x1000) >> 32));
	nicsec_wr32(dev, BAR0_RXR_SIZE, 8);
	nicsec_wr32(dev, BAR0_RXR_TAIL, 1);
	nicsec_wr32(dev, BAR0_INT_CAUSE, 0xffffffff);
	nicsec_wr32(dev, BAR0_INT_MASK, BAR0_INT_MASK_RX_MASK |
	    BAR0_INT_MASK_TX_MASK);
	/* A read returns once the writes before it are done (as on PCIe):
	 * the ring must be armed before the frame comes. */
	v = nicsec_rd32(dev, BAR0_RXR_TAIL);
	check(v == 1, "the receive ring armed (RXR_TAIL %u)", v);
	nicsec_dev_irq_take(dev);

	/* An ARP request into the LAN port: the card gives it to the host. */
	memset(arp, 0, sizeof(arp));
	memcpy(arp, "\xff\xff\xff\xff\xff\xff\x02\x00\x00\x00\x00\x01\x08\x06"
	    "\x00\x01\x08\x00\x06\x04\x00\x01\x02\x00\x00\x00\x00\x01"
	    "\x0a\x09\x00\x01\x00\x00\x00\x00\x00\x00\x0a\x09\x00\x02", 42);
	check(send(s, arp, sizeof(arp), 0) == (ssize_t)sizeof(arp),
	    "ARP request sent into the LAN port");
	ok = wait_irq(dev, 10);
	check(ok, "an interrupt came");
	check(rx[0].flags & 1, "receive descriptor 0 DONE (flags 0x%x, len "
	    "%u, port %u)", rx[0].flags, rx[0].len, rx[0].port);
	check(rx[0].len == sizeof(arp) && rx[0].port == 0,
	    "its length and port: the ARP frame from the LAN");
	check(memcmp(buf, arp, sizeof(arp)) == 0, "the frame is in the "
	    "buffer, byte for byte");
	check(rx[0].addr == m.iova + 0x10000, "the descriptor's address "
	    "kept");
	v = nicsec_rd32(dev, BAR0_RXR_HEAD);
	check(v == 1, "RXR_HEAD moved to 1 (%u)", v);
	cause = nicsec_rd32(dev, BAR0_INT_CAUSE);
	check(cause & BAR0_INT_CAUSE_RX_MASK, "INT_CAUSE.rx (0x%x)", cause);
	nicsec_wr32(dev, BAR0_INT_CAUSE, cause);

	/* A VLAN-tagged frame: the kernel takes the tag off as lan0 receives
	 * it; the card must see it as the wire carried it. */
	memcpy(vlan, arp, 12);
	memcpy(vlan + 12, "\x81\x00\x20\x05", 4);	/* PCP 1, VID 5 */
	memcpy(vlan + 16, arp + 12, sizeof(arp) - 12);
	rx[1].addr = m.iova + 0x10000 + 4096;
	rx[1].len = 2048;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	nicsec_wr32(dev, BAR0_RXR_TAIL, 2);
	v = nicsec_rd32(dev, BAR0_RXR_TAIL);
	check(send(s, vlan, sizeof(vlan), 0) == (ssize_t)sizeof(vlan),
	    "a VLAN-tagged ARP request sent");
	ok = wait_irq(dev, 10);
	check(ok && (rx[1].flags & 1) && rx[1].len == sizeof(vlan) &&
	    memcmp(buf + 4096, vlan, sizeof(vlan)) == 0,
	    "it reaches the host with its tag (%u bytes)", rx[1].len);
	nicsec_wr32(dev, BAR0_INT_CAUSE, nicsec_rd32(dev, BAR0_INT_CAUSE));

	/* A frame through the transmit ring, out of the LAN port. */
	memset(got, 0, sizeof(got));
	udp_frame(buf + 2048, 300, 0x5a5a5a5a);
	tx[0].addr = m.iova + 0x10000 + 2048;
	tx[0].len = 300;
	tx[0].port = 0;
	tx[0].flags = 0;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	nicsec_wr32(dev, BAR0_TXR_TAIL, 1);
	nicsec_dev_flush(dev);
	ok = wait_irq(dev, 10);
	check(ok, "an interrupt came for the transmit");
	check(tx[0].flags == 1, "transmit descriptor 0 DONE (flags 0x%x)",
	    tx[0].flags);
	t = now();
	n = -1;
	while (now() - t < 5) {
		struct pollfd p = { s, POLLIN, 0 };

		if (poll(&p, 1, 200) > 0) {
			n = recv(s, got, sizeof(got), 0);
			/* skip anything else the namespace says */
			if (n == 300 && memcmp(got + 42, "\x5a\x5a", 2) == 0)
				break;
		}
	}
	check(n == 300 && memcmp(got, buf + 2048, 300) == 0,
	    "the frame came out of the LAN port unchanged (%zd bytes)", n);
	v = nicsec_rd32(dev, BAR0_TXR_HEAD);
	check(v == 1, "TXR_HEAD moved to 1 (%u)", v);

	/* An access outside the region: zeros, logged by the simulator. */
	tx[1].addr = 0x40;
	tx[1].len = 64;
	tx[1].port = 0;
	tx[1].flags = 0;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	nicsec_wr32(dev, BAR0_TXR_TAIL, 2);
	nicsec_dev_flush(dev);
	for (t = now(); now() - t < 5 && nicsec_rd32(dev, BAR0_TXR_HEAD) != 2;)
		usleep(10000);
	check(nicsec_rd32(dev, BAR0_TXR_HEAD) == 2, "a frame read from "
	    "outside host memory still completes");
	nicsec_dev_close(dev);
	close(s);
	return failures != 0;
}

int
main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc == 3 && strcmp(argv[1], "basic") == 0)
		return cmd_basic(argv[2]);
	if (argc == 3 && strcmp(argv[1], "stress") == 0)
		return cmd_stress(argv[2]);
	if (argc == 3 && strcmp(argv[1], "bypass") == 0)
		return cmd_bypass(argv[2]);
	if (argc == 3 && strcmp(argv[1], "gone") == 0)
		return cmd_gone(argv[2]);
	if (argc == 3 && strcmp(argv[1], "missing") == 0)
		return cmd_missing(argv[2]);
	if (argc == 4 && strcmp(argv[1], "rings") == 0)
		return cmd_rings(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "flood") == 0)
		return cmd_flood(argv[2], atof(argv[3]));
	fprintf(stderr, "usage: sim_client basic|stress|bypass|gone|missing PATH, "
	    "sim_client rings PATH IFNAME, sim_client flood IFNAME SECONDS\n");
	return 2;
}
