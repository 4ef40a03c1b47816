/*
 * test_pcap.c - the pcap reader and writer.
 *
 * Frames of every size from 14 to 16384 bytes written and read back with
 * their nanosecond timestamps; files built byte by byte here in both byte
 * orders and both time units; malformed files (pcapng, other link types,
 * truncated headers and records, records the snaplen cut) each refused with
 * a message naming the file and the record.  Then the other tool: scapy,
 * when Debian's python3-scapy is installed, writes files in all four
 * variants that our reader must read to the same bytes, and reads with
 * rdpcap() a file our writer made.  Without scapy those two tests are
 * skipped with a note.
 */
#define _DEFAULT_SOURCE		/* mkdtemp(), getline() */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pcap.h"
#include "rng.h"
#include "scratch.h"


/* ---- helpers ------------------------------------------------------------ */

/* xorshift64* (rng.h): deterministic frames, the same on every run. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static void
fill(uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(rng_xorshift64s(&rng_state) >> 56);
}

static void
tmp_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
}

static void
write_file(const char *path, const uint8_t *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	if (len > 0)
		assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static void
assert_contains(const char *s, const char *want)
{
	if (strstr(s, want) == NULL)
		fail_msg("message \"%s\" does not contain \"%s\"", s, want);
}

/* Builds files byte by byte, in either order, apart from our writer. */
struct buf {
	uint8_t b[65536];
	size_t  n;
	int     be;
};

static void
put16(struct buf *b, uint16_t v)
{
	b->b[b->n++] = (uint8_t)(b->be ? v >> 8 : v);
	b->b[b->n++] = (uint8_t)(b->be ? v : v >> 8);
}

static void
put32(struct buf *b, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		b->b[b->n++] = (uint8_t)(v >> (b->be ? 24 - 8 * i : 8 * i));
}

static void
file_hdr(struct buf *b, uint32_t magic, uint16_t major, uint32_t snaplen,
    uint32_t linktype)
{
	put32(b, magic);
	put16(b, major);
	put16(b, 4);
	put32(b, 0);
	put32(b, 0);
	put32(b, snaplen);
	put32(b, linktype);
}

/* A record of incl bytes of frame (orig on the wire) of pattern bytes. */
static void
record(struct buf *b, uint32_t sec, uint32_t frac, uint32_t incl,
    uint32_t orig)
{
	uint32_t i;

	put32(b, sec);
	put32(b, frac);
	put32(b, incl);
	put32(b, orig);
	for (i = 0; i < incl; i++)
		b->b[b->n++] = (uint8_t)(i * 7 + sec);
}

/* ---- round trips -------------------------------------------------------- */

static void
test_round_trip(void **state)
{
	static const size_t fixed[] = {
		14, 15, 59, 60, 64, 65, 127, 128, 1499, 1500, 1514, 1518,
		4096, 8999, 9000, 9018, 9216, 16383, 16384,
	};
	static const uint64_t ts_fixed[] = {
		0, 1, 999999999, 1000000000, 1700000000123456789ull,
		4294967295999999999ull,		/* the last nanosecond of 2106 */
	};
	enum { NRAND = 60, N = 19 + NRAND };
	struct pcap_writer *w;
	struct pcap_reader *r;
	uint8_t *frames[N], hdr[24];
	size_t lens[N], len, i;
	uint64_t ts[N], t;
	const uint8_t *data;
	char path[512], err[512];
	uint32_t magic, linktype;
	uint16_t major;
	FILE *fp;

	(void)state;
	for (i = 0; i < N; i++) {
		lens[i] = i < 19 ? fixed[i] : 14 + rng_xorshift64s(&rng_state) % (16384 - 14 + 1);
		ts[i] = i < 6 ? ts_fixed[i] : rng_xorshift64s(&rng_state) % 4294967296000000000ull;
		frames[i] = (uint8_t *)malloc(lens[i]);
		assert_non_null(frames[i]);
		fill(frames[i], lens[i]);
	}

	tmp_path(path, sizeof(path), "rt.pcap");
	w = pcap_open_write(path, err, sizeof(err));
	if (w == NULL)
		fail_msg("%s", err);
	for (i = 0; i < N; i++)
		assert_int_equal(pcap_write(w, frames[i], lens[i], ts[i]), 0);
	assert_string_equal(pcap_write_error(w), "");
	assert_int_equal(pcap_close_write(w, err, sizeof(err)), 0);

	/* Nanosecond magic in host order, version 2.4, Ethernet. */
	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fread(hdr, 1, sizeof(hdr), fp), sizeof(hdr));
	fclose(fp);
	memcpy(&magic, hdr, 4);
	memcpy(&major, hdr + 4, 2);
	memcpy(&linktype, hdr + 20, 4);
	assert_int_equal(magic, 0xa1b23c4d);
	assert_int_equal(major, 2);
	assert_int_equal(linktype, 1);

	r = pcap_open_read(path, err, sizeof(err));
	if (r == NULL)
		fail_msg("%s", err);
	for (i = 0; i < N; i++) {
		if (pcap_next(r, &data, &len, &t, err, sizeof(err)) != 1)
			fail_msg("frame %zu: %s", i + 1, err);
		assert_int_equal(len, lens[i]);
		assert_memory_equal(data, frames[i], len);
		assert_true(t == ts[i]);
	}
	assert_int_equal(pcap_next(r, &data, &len, &t, err, sizeof(err)), 0);
	assert_int_equal(pcap_next(r, &data, &len, &t, err, sizeof(err)), 0);
	pcap_close_read(r);
	for (i = 0; i < N; i++)
		free(frames[i]);
}

/* A capture of nothing is a good file. */
static void
test_no_frames(void **state)
{
	struct pcap_writer *w;
	struct pcap_reader *r;
	const uint8_t *data;
	size_t len;
	uint64_t t;
	char path[512], err[512];

	(void)state;
	tmp_path(path, sizeof(path), "none.pcap");
	w = pcap_open_write(path, err, sizeof(err));
	assert_non_null(w);
	assert_int_equal(pcap_close_write(w, err, sizeof(err)), 0);
	r = pcap_open_read(path, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(pcap_next(r, &data, &len, &t, err, sizeof(err)), 0);
	pcap_close_read(r);
	pcap_close_read(NULL);
	assert_int_equal(pcap_close_write(NULL, err, sizeof(err)), 0);
}

/* Files made here byte by byte: both byte orders, both time units. */
static void
test_orders_and_units(void **state)
{
	static struct buf b;
	struct pcap_reader *r;
	const uint8_t *data;
	size_t len;
	uint64_t t;
	char path[512], err[512];
	int be, nano;
	uint32_t i;

	(void)state;
	for (be = 0; be < 2; be++) {
		for (nano = 0; nano < 2; nano++) {
			memset(&b, 0, sizeof(b));
			b.be = be;
			file_hdr(&b, nano ? 0xa1b23c4d : 0xa1b2c3d4, 2, 65535, 1);
			record(&b, 1700000000, nano ? 123456789 : 123456, 60, 60);
			record(&b, 7, nano ? 999999999 : 999999, 9018, 9018);
			record(&b, 0, 0, 14, 14);
			tmp_path(path, sizeof(path), "hand.pcap");
			write_file(path, b.b, b.n);

			r = pcap_open_read(path, err, sizeof(err));
			if (r == NULL)
				fail_msg("%s", err);
			assert_int_equal(pcap_next(r, &data, &len, &t, err,
			    sizeof(err)), 1);
			assert_int_equal(len, 60);
			assert_true(t == (nano ? 1700000000123456789ull :
			    1700000000123456000ull));
			for (i = 0; i < 60; i++)
				assert_int_equal(data[i],
				    (uint8_t)(i * 7 + 1700000000u));
			assert_int_equal(pcap_next(r, &data, &len, &t, err,
			    sizeof(err)), 1);
			assert_int_equal(len, 9018);
			assert_true(t == (nano ? 7999999999ull : 7999999000ull));
			assert_int_equal(data[9017], (uint8_t)(9017 * 7 + 7));
			assert_int_equal(pcap_next(r, &data, &len, &t, err,
			    sizeof(err)), 1);
			assert_int_equal(len, 14);
			assert_true(t == 0);
			assert_int_equal(pcap_next(r, &data, &len, &t, err,
			    sizeof(err)), 0);
			pcap_close_read(r);
		}
	}
}

/* ---- malformed files ---------------------------------------------------- */

/* How to spoil a file, and the message that must come back. */
struct bad {
	const char *name;
	void      (*make)(struct buf *);
	int         rec;		/* 0: pcap_open_read fails */
	const char *want1, *want2;
};

static void
good_hdr(struct buf *b)
{
	file_hdr(b, 0xa1b2c3d4, 2, 65535, 1);
}

static void
mk_empty(struct buf *b)
{
	(void)b;
}

static void
mk_short_hdr(struct buf *b)
{
	good_hdr(b);
	b->n = 10;
}

static void
mk_pcapng(struct buf *b)
{
	/* A Section Header Block, as tcpdump or dumpcap write it. */
	static const uint8_t shb[] = {
		0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0x00, 0x00, 0x00,
		0x4d, 0x3c, 0x2b, 0x1a, 0x01, 0x00, 0x00, 0x00,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0x1c, 0x00, 0x00, 0x00,
	};

	memcpy(b->b, shb, sizeof(shb));
	b->n = sizeof(shb);
}

static void
mk_text(struct buf *b)
{
	memcpy(b->b, "src 192.0.2.1 dst 192.0.2.2 ...\n", 32);
	b->n = 32;
}

static void
mk_gzip(struct buf *b)
{
	static const uint8_t gz[] = { 0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0 };

	memcpy(b->b, gz, sizeof(gz));
	b->n = sizeof(gz);
}

static void
mk_kuznetzov(struct buf *b)
{
	file_hdr(b, 0xa1b2cd34, 2, 65535, 1);
}

static void
mk_version(struct buf *b)
{
	b->be = 1;
	file_hdr(b, 0xa1b2c3d4, 1, 65535, 1);
}

static void
mk_sll(struct buf *b)
{
	file_hdr(b, 0xa1b2c3d4, 2, 65535, 113);
	record(b, 1, 0, 60, 60);
}

static void
mk_raw(struct buf *b)
{
	b->be = 1;
	file_hdr(b, 0xa1b23c4d, 2, 65535, 101);
}

static void
mk_fcs(struct buf *b)
{
	file_hdr(b, 0xa1b2c3d4, 2, 65535, 0x14000001);	/* 4-byte FCS */
}

static void
mk_short_rec_hdr(struct buf *b)
{
	good_hdr(b);
	record(b, 1, 0, 60, 60);
	record(b, 2, 0, 60, 60);
	b->n -= 60 + 9;		/* 7 bytes of record 2's header are left */
}

static void
mk_short_rec(struct buf *b)
{
	b->be = 1;
	file_hdr(b, 0xa1b23c4d, 2, 65535, 1);
	record(b, 1, 0, 60, 60);
	record(b, 2, 0, 100, 100);
	b->n -= 60;		/* 40 of record 2's 100 bytes are left */
}

static void
mk_over_snaplen(struct buf *b)
{
	file_hdr(b, 0xa1b2c3d4, 2, 96, 1);
	record(b, 1, 0, 100, 100);
}

static void
mk_giant(struct buf *b)
{
	good_hdr(b);
	record(b, 1, 0, 60, 60);
	record(b, 1, 0, 60, 60);
	record(b, 2, 0, 20000, 20000);	/* from a capture with GRO on */
}

static void
mk_corrupt_len(struct buf *b)
{
	good_hdr(b);
	put32(b, 1);
	put32(b, 0);
	put32(b, 0x7fffffff);
	put32(b, 0x7fffffff);
}

static void
mk_cut(struct buf *b)
{
	file_hdr(b, 0xa1b2c3d4, 2, 96, 1);
	record(b, 1, 0, 96, 1514);	/* tcpdump -s 96 */
}

static void
mk_incl_over_orig(struct buf *b)
{
	good_hdr(b);
	record(b, 1, 0, 100, 60);
}

static void
mk_tiny(struct buf *b)
{
	good_hdr(b);
	record(b, 1, 0, 13, 13);
}

static void
mk_usec(struct buf *b)
{
	good_hdr(b);
	record(b, 1, 0, 60, 60);
	record(b, 1, 1000000, 60, 60);
}

static const struct bad bads[] = {
	{ "empty file", mk_empty, 0, "empty file", NULL },
	{ "truncated file header", mk_short_hdr, 0,
	    "truncated file header (10 of 24 bytes)", NULL },
	{ "pcapng", mk_pcapng, 0, "pcapng", "classic pcap" },
	{ "not a pcap", mk_text, 0, "not a pcap file", "73 72 63 20" },
	{ "gzip", mk_gzip, 0, "gzip", NULL },
	{ "modified pcap", mk_kuznetzov, 0, "modified", NULL },
	{ "version 1", mk_version, 0, "pcap version 1.4", NULL },
	{ "linktype LINUX_SLL", mk_sll, 0, "link type 113", "tcpdump -i any" },
	{ "linktype RAW", mk_raw, 0, "link type 101", "not Ethernet" },
	{ "linktype with FCS", mk_fcs, 0, "0x14000001", "FCS" },
	{ "truncated record header", mk_short_rec_hdr, 2,
	    "record 2: truncated record header (7 of 16 bytes)", NULL },
	{ "truncated record", mk_short_rec, 2,
	    "record 2: truncated: the file ends after 40 of its 100 bytes",
	    NULL },
	{ "record over snaplen", mk_over_snaplen, 1,
	    "record 1: 100 bytes, more than the file's snaplen (96)", NULL },
	{ "record over 16384", mk_giant, 3,
	    "record 3: 20000 bytes, more than the 16384", "GRO" },
	{ "corrupt record length", mk_corrupt_len, 1,
	    "record 1: length 2147483647", "corrupt" },
	{ "record cut by snaplen", mk_cut, 1,
	    "record 1: only 96 of the frame's 1514 bytes", NULL },
	{ "record longer than its frame", mk_incl_over_orig, 1,
	    "record 1: 100 bytes captured of a 60-byte frame", NULL },
	{ "record under 14 bytes", mk_tiny, 1,
	    "record 1: 13 bytes, shorter than an Ethernet header", NULL },
	{ "microseconds over a second", mk_usec, 2,
	    "record 2: timestamp fraction 1000000", NULL },
};
#define NBADS (sizeof(bads) / sizeof(bads[0]))

static void
test_bad(void **state)
{
	const struct bad *bad = (const struct bad *)*state;
	static struct buf b;
	struct pcap_reader *r;
	const uint8_t *data;
	char path[512], err[512], err2[512], want[600];
	size_t len;
	uint64_t t;
	int i, rc;

	memset(&b, 0, sizeof(b));
	bad->make(&b);
	tmp_path(path, sizeof(path), "bad.pcap");
	write_file(path, b.b, b.n);

	r = pcap_open_read(path, err, sizeof(err));
	if (bad->rec == 0) {
		assert_null(r);
		snprintf(want, sizeof(want), "%s: ", path);
	} else {
		if (r == NULL)
			fail_msg("%s", err);
		for (i = 1; i < bad->rec; i++)
			assert_int_equal(pcap_next(r, &data, &len, &t, err,
			    sizeof(err)), 1);
		rc = pcap_next(r, &data, &len, &t, err, sizeof(err));
		assert_int_equal(rc, -1);
		/* It sticks, with the same message. */
		assert_int_equal(pcap_next(r, &data, &len, &t, err2,
		    sizeof(err2)), -1);
		assert_string_equal(err, err2);
		pcap_close_read(r);
		snprintf(want, sizeof(want), "%s: record %d: ", path, bad->rec);
	}
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("message \"%s\" does not start \"%s\"", err, want);
	assert_contains(err, bad->want1);
	if (bad->want2 != NULL)
		assert_contains(err, bad->want2);
}

static void
test_open_errors(void **state)
{
	char path[512], err[512];

	(void)state;
	tmp_path(path, sizeof(path), "no-such.pcap");
	assert_null(pcap_open_read(path, err, sizeof(err)));
	assert_contains(err, path);
	assert_contains(err, "No such file");
	assert_null(pcap_open_read(path, NULL, 0));

	tmp_path(path, sizeof(path), "no-such-dir/out.pcap");
	assert_null(pcap_open_write(path, err, sizeof(err)));
	assert_contains(err, path);
	assert_contains(err, "No such file");
}

/* Bad frames are refused, and the first error sticks through the close. */
static void
test_write_errors(void **state)
{
	struct pcap_writer *w;
	uint8_t frame[PCAP_MAX_FRAME + 1];
	char path[512], err[512];

	(void)state;
	memset(frame, 0x5a, sizeof(frame));
	tmp_path(path, sizeof(path), "werr.pcap");
	w = pcap_open_write(path, err, sizeof(err));
	assert_non_null(w);
	assert_int_equal(pcap_write(w, frame, 60, 1), 0);
	assert_int_equal(pcap_write(w, frame, PCAP_MAX_FRAME + 1, 2), -1);
	assert_contains(pcap_write_error(w), "frame 2: 16385 bytes");
	assert_int_equal(pcap_write(w, frame, 60, 3), -1);
	assert_int_equal(pcap_close_write(w, err, sizeof(err)), -1);
	assert_contains(err, path);
	assert_contains(err, "frame 2: 16385 bytes");

	w = pcap_open_write(path, err, sizeof(err));
	assert_non_null(w);
	assert_int_equal(pcap_write(w, frame, 13, 1), -1);
	assert_contains(pcap_write_error(w), "frame 1: 13 bytes");
	assert_int_equal(pcap_close_write(w, NULL, 0), -1);

	w = pcap_open_write(path, err, sizeof(err));
	assert_non_null(w);
	assert_int_equal(pcap_write(w, frame, 60, 4294967296000000000ull),
	    -1);
	assert_contains(pcap_write_error(w), "2106");
	assert_int_equal(pcap_close_write(w, err, sizeof(err)), -1);

	/* A full disk shows by the close at the latest. */
	if (access("/dev/full", W_OK) == 0) {
		w = pcap_open_write("/dev/full", err, sizeof(err));
		if (w != NULL) {
			assert_int_equal(pcap_write(w, frame, 60, 1), 0);
			assert_int_equal(pcap_close_write(w, err, sizeof(err)),
			    -1);
		}
		assert_contains(err, "/dev/full");
		assert_contains(err, "No space left");
	}
}

/* ---- scapy: files from a tool that is not ours, and the other way ------- */

static const char scapy_script[] =
"import sys\n"
"from scapy.all import (Ether, IP, IPv6, UDP, TCP, ICMP, ARP, Raw,\n"
"                       RawPcapWriter, PcapReader, rdpcap, wrpcapng)\n"
"\n"
"A = dict(src='02:00:00:00:00:0a', dst='02:00:00:00:00:0b')\n"
"\n"
"def gen(d):\n"
"    pkts = [\n"
"        Ether(**A) / IP(src='10.1.0.1', dst='10.2.0.1') /\n"
"        UDP(sport=1234, dport=5678) / Raw(b'hello'),\n"
"        Ether(**A) / IPv6(src='2001:db8::1', dst='2001:db8::2') /\n"
"        TCP(sport=443, dport=50000, flags='PA') /\n"
"        Raw(bytes(range(256)) * 4),\n"
"        Ether(src=A['src'], dst='ff:ff:ff:ff:ff:ff') /\n"
"        ARP(psrc='10.1.0.1', hwsrc=A['src'], pdst='10.1.0.2'),\n"
"        Ether(**A) / IP(src='10.1.0.1', dst='10.2.0.1') / UDP() /\n"
"        Raw(b'\\xab' * 8972),\n"
"        Ether(**A) / IP(src='10.1.0.1', dst='10.2.0.1') / ICMP() /\n"
"        Raw(b'x' * (16384 - 14 - 20 - 8)),\n"
"        Ether(type=0x88b5, **A),\n"
"    ]\n"
"    frames = [bytes(p) for p in pkts]\n"
"    times = [(1700000000, 123456789), (1700000001, 999999999), (0, 0),\n"
"             (4294967295, 999999999), (1, 1), (86400, 500000000)]\n"
"    for endian, en in (('<', 'le'), ('>', 'be')):\n"
"        for nano, unit in ((False, 'us'), (True, 'ns')):\n"
"            name = '%s/scapy_%s_%s' % (d, en, unit)\n"
"            w = RawPcapWriter(name + '.pcap', linktype=1,\n"
"                              endianness=endian, nano=nano)\n"
"            w.write_header(None)\n"
"            with open(name + '.txt', 'w') as f:\n"
"                for fr, (s, ns) in zip(frames, times):\n"
"                    frac = ns if nano else ns // 1000\n"
"                    w.write_packet(fr, sec=s, usec=frac)\n"
"                    f.write('%d %s\\n' % (s * 1000000000 +\n"
"                            (frac if nano else frac * 1000), fr.hex()))\n"
"            w.close()\n"
"    w = RawPcapWriter(d + '/scapy_sll.pcap', linktype=113)\n"
"    w.write_header(None)\n"
"    w.write_packet(frames[0], sec=1, usec=0)\n"
"    w.close()\n"
"    wrpcapng(d + '/scapy.pcapng', pkts[:2])\n"
"\n"
"def read(path, out):\n"
"    r = PcapReader(path)\n"
"    lt = r.linktype\n"
"    r.close()\n"
"    with open(out, 'w') as f:\n"
"        f.write('linktype %d\\n' % lt)\n"
"        for p in rdpcap(path):\n"
"            f.write('%s %d %s\\n' % (type(p).__name__,\n"
"                    int(p.time * 1000000000), p.original.hex()))\n"
"\n"
"if sys.argv[1] == 'gen':\n"
"    gen(sys.argv[2])\n"
"else:\n"
"    read(sys.argv[2], sys.argv[3])\n";

/*
 * A Python with scapy: $NICSEC_PYTHON if set, else Debian's /usr/bin/python3
 * first, as python3-scapy installs there (a python3 earlier on PATH may be
 * another one).  NULL if there is none; found once.
 */
static const char *
scapy_python(void)
{
	static const char *cands[] = { "/usr/bin/python3", "python3" };
	static int tried;
	static const char *found;
	const char *env = getenv("NICSEC_PYTHON");
	char cmd[512];
	size_t i, n = sizeof(cands) / sizeof(cands[0]);

	if (tried)
		return found;
	tried = 1;
	if (env != NULL && *env != '\0') {
		cands[0] = env;
		n = 1;
	}
	for (i = 0; i < n; i++) {
		snprintf(cmd, sizeof(cmd), "%s -c 'import scapy.all' "
		    ">/dev/null 2>&1", cands[i]);
		if (system(cmd) == 0) {
			found = cands[i];
			break;
		}
	}
	return found;
}

/* Runs the script with args; fails the test with its output if it fails. */
static void
run_script(const char *py, const char *args)
{
	char script[512], log[512], cmd[2048], line[512];
	FILE *fp;

	tmp_path(script, sizeof(script), "scapy_pcap.py");
	write_file(script, (const uint8_t *)scapy_script,
	    strlen(scapy_script));
	tmp_path(log, sizeof(log), "scapy.log");
	snprintf(cmd, sizeof(cmd), "%s %s %s >%s 2>&1", py, script, args, log);
	if (system(cmd) != 0) {
		if ((fp = fopen(log, "r")) != NULL) {
			while (fgets(line, sizeof(line), fp) != NULL)
				printf("scapy: %s", line);
			fclose(fp);
		}
		fail_msg("%s failed", cmd);
	}
}

static size_t
unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;
	unsigned int v;

	while (s[0] != '\0' && s[0] != '\n' && n < max) {
		assert_int_equal(sscanf(s, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

/* Checks that our reader gets from pcap exactly the frames listed in txt. */
static void
check_against(const char *pcap, const char *txt)
{
	static uint8_t want[PCAP_MAX_FRAME + 1];
	struct pcap_reader *r;
	const uint8_t *data;
	char err[512], *line = NULL, *sp;
	size_t cap = 0, len, wlen, nframes = 0;
	uint64_t t;
	FILE *fp;

	r = pcap_open_read(pcap, err, sizeof(err));
	if (r == NULL)
		fail_msg("%s", err);
	fp = fopen(txt, "r");
	assert_non_null(fp);
	while (getline(&line, &cap, fp) > 0) {
		sp = strchr(line, ' ');
		assert_non_null(sp);
		wlen = unhex(sp + 1, want, sizeof(want));
		if (pcap_next(r, &data, &len, &t, err, sizeof(err)) != 1)
			fail_msg("%s: frame %zu: %s", pcap, nframes + 1, err);
		assert_int_equal(len, wlen);
		assert_memory_equal(data, want, len);
		assert_true(t == strtoull(line, NULL, 10));
		nframes++;
	}
	assert_int_equal(pcap_next(r, &data, &len, &t, err, sizeof(err)), 0);
	assert_int_equal(nframes, 6);
	free(line);
	fclose(fp);
	pcap_close_read(r);
}

static void
test_scapy_writes(void **state)
{
	static const char *const variants[] = {
		"le_us", "le_ns", "be_us", "be_ns",
	};
	const char *py = scapy_python();
	char pcap[512], txt[512], args[600], err[512];
	size_t i;

	(void)state;
	if (py == NULL) {
		printf("note: no python3 with scapy (apt-get install "
		    "python3-scapy): files from another tool not checked\n");
		skip();
	}
	snprintf(args, sizeof(args), "gen %s", tmpdir);
	run_script(py, args);
	for (i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		snprintf(pcap, sizeof(pcap), "%s/scapy_%s.pcap", tmpdir,
		    variants[i]);
		snprintf(txt, sizeof(txt), "%s/scapy_%s.txt", tmpdir,
		    variants[i]);
		check_against(pcap, txt);
	}

	/* What scapy writes that we must refuse, by name. */
	tmp_path(pcap, sizeof(pcap), "scapy_sll.pcap");
	assert_null(pcap_open_read(pcap, err, sizeof(err)));
	assert_contains(err, "link type 113");
	tmp_path(pcap, sizeof(pcap), "scapy.pcapng");
	assert_null(pcap_open_read(pcap, err, sizeof(err)));
	assert_contains(err, "pcapng");
}

static void
test_scapy_reads(void **state)
{
	enum { N = 40 };
	static uint8_t frames[N][PCAP_MAX_FRAME], got[PCAP_MAX_FRAME + 1];
	const char *py = scapy_python();
	struct pcap_writer *w;
	char pcap[512], txt[512], args[1200], err[512], *line = NULL;
	char name[32];
	size_t lens[N], cap = 0, i, n = 0, glen;
	uint64_t ts[N];
	FILE *fp;
	int off;

	(void)state;
	if (py == NULL) {
		printf("note: no python3 with scapy (apt-get install "
		    "python3-scapy): our files not checked with rdpcap\n");
		skip();
	}
	for (i = 0; i < N; i++) {
		lens[i] = i == 0 ? 14 : i == 1 ? PCAP_MAX_FRAME : i == 2 ?
		    9018 : 14 + rng_xorshift64s(&rng_state) % (PCAP_MAX_FRAME - 14 + 1);
		ts[i] = i == 3 ? 4294967295999999999ull :
		    1700000000000000000ull + rng_xorshift64s(&rng_state) % 1000000000000ull;
		fill(frames[i], lens[i]);
	}
	tmp_path(pcap, sizeof(pcap), "ours.pcap");
	w = pcap_open_write(pcap, err, sizeof(err));
	assert_non_null(w);
	for (i = 0; i < N; i++)
		assert_int_equal(pcap_write(w, frames[i], lens[i], ts[i]), 0);
	assert_int_equal(pcap_close_write(w, err, sizeof(err)), 0);

	tmp_path(txt, sizeof(txt), "ours.txt");
	snprintf(args, sizeof(args), "read %s %s", pcap, txt);
	run_script(py, args);

	fp = fopen(txt, "r");
	assert_non_null(fp);
	assert_true(getline(&line, &cap, fp) > 0);
	assert_string_equal(line, "linktype 1\n");
	while (getline(&line, &cap, fp) > 0) {
		assert_true(n < N);
		/*
		 * "CLASS NS HEX": scapy took the frames for Ethernet, which
		 * it calls Dot3 where the type field is a length (<= 1500).
		 */
		assert_int_equal(sscanf(line, "%31s %*u %n", name, &off), 1);
		if (strcmp(name, "Ether") != 0 && strcmp(name, "Dot3") != 0)
			fail_msg("scapy read frame %zu as %s", n + 1, name);
		assert_true(strtoull(line + strlen(name) + 1, NULL, 10) ==
		    ts[n]);
		glen = unhex(line + off, got, sizeof(got));
		assert_int_equal(glen, lens[n]);
		assert_memory_equal(got, frames[n], glen);
		n++;
	}
	assert_int_equal(n, N);
	free(line);
	fclose(fp);
}

/* ---- setup -------------------------------------------------------------- */

int
main(void)
{
	static char names[NBADS][96];
	struct CMUnitTest tests[NBADS + 7];
	size_t i, k = 0;

	/* Keep cmocka's stdout and stderr lines in order through a pipe. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_round_trip);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_no_frames);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_orders_and_units);
	for (i = 0; i < NBADS; i++, k++) {
		snprintf(names[i], sizeof(names[i]), "bad %s", bads[i].name);
		tests[k] = (struct CMUnitTest){ names[i], test_bad, NULL, NULL,
		    (void *)&bads[i] };
	}
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_open_errors);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_write_errors);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_scapy_writes);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_scapy_reads);

	/* The array is filled at run time: make sure every slot was. */
	if (k != sizeof(tests) / sizeof(tests[0])) {
		fprintf(stderr, "test_pcap: %zu tests made, array holds %zu\n",
		    k, sizeof(tests) / sizeof(tests[0]));
		return 1;
	}
	return cmocka_run_group_tests(tests, scratch_make, scratch_remove);
}
