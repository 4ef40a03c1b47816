/*
 * pcap.c - classic libpcap capture files of Ethernet frames.
 *
 * The format (https://www.tcpdump.org/manpages/pcap-savefile.5.html):
 *
 *	file header, 24 bytes:
 *	    magic        0xa1b2c3d4 (microseconds) or 0xa1b23c4d (nanoseconds),
 *	                 in the writer's byte order, which tells it
 *	    version      2.4 (two 16-bit numbers)
 *	    thiszone     0 in practice; ignored
 *	    sigfigs      0 in practice; ignored
 *	    snaplen      no record holds more bytes than this
 *	    linktype     1 for Ethernet
 *	then records, each a 16-byte header and incl_len bytes of frame:
 *	    ts_sec, ts_frac (micro- or nanoseconds), incl_len, orig_len
 *
 * Fields are decoded byte by byte in the file's order, so the reader does
 * not care what the host's is.  The reader is strict: a file it takes is one
 * the replay can trust frame by frame, and anything else is an error naming
 * the record, which beats a replay that quietly stops or misparses.
 */
#define _POSIX_C_SOURCE 200809L	/* strdup() */

#include "pcap.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC_USEC	0xa1b2c3d4u
#define MAGIC_NSEC	0xa1b23c4du
#define MAGIC_PCAPNG	0x0a0d0d0au	/* a Section Header Block, any order */
#define MAGIC_KUZNETZOV	0xa1b2cd34u	/* "modified" pcap of old Linux tools */
#define LINKTYPE_ETHERNET 1u
#define FILE_HDR_LEN	24
#define REC_HDR_LEN	16
/* libpcap's own limit; a length above it means a corrupt record header. */
#define LIBPCAP_MAX_SNAPLEN 262144u

struct pcap_reader {
	FILE          *fp;
	char          *path;
	int            big_endian;	/* the file's byte order */
	int            nano;		/* ts_frac is in nanoseconds */
	uint32_t       snaplen;
	unsigned long  recno;		/* records read so far */
	int            failed;		/* a -1 was returned: it sticks */
	char           failmsg[512];
	uint8_t        buf[PCAP_MAX_FRAME];
};

struct pcap_writer {
	FILE          *fp;
	char          *path;
	unsigned long  nframes;
	char           err[512];
};

/* Formats into a caller's buffer, if it has one. */
static void
fmt(char *err, size_t errlen, const char *f, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, f);
	vsnprintf(err, errlen, f, ap);
	va_end(ap);
}

static uint32_t
get32(const uint8_t *p, int big_endian)
{
	if (big_endian)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0];
}

static uint16_t
get16(const uint8_t *p, int big_endian)
{
	return (uint16_t)(big_endian ? p[0] << 8 | p[1] : p[1] << 8 | p[0]);
}

static uint32_t
bswap32(uint32_t v)
{
	return v >> 24 | (v >> 8 & 0xff00) | (v << 8 & 0xff0000) | v << 24;
}

/* Names for the link types a capture on Linux is likely to have instead. */
static const char *
linktype_name(uint32_t lt)
{
	switch (lt) {
	case 0:
		return "NULL, BSD loopback";
	case 101:
		return "RAW, IP without a link layer";
	case 105:
		return "IEEE802_11";
	case 113:
		return "LINUX_SLL, as 'tcpdump -i any' writes: capture on one "
		    "interface instead";
	case 127:
		return "IEEE802_11_RADIOTAP";
	case 228:
		return "IPV4";
	case 229:
		return "IPV6";
	case 276:
		return "LINUX_SLL2, as 'tcpdump -i any' writes: capture on one "
		    "interface instead";
	default:
		return "unknown";
	}
}

/* Checks the 24-byte file header in h (n bytes of it were read). */
static int
read_header(struct pcap_reader *r, const uint8_t *h, size_t n, char *err,
    size_t errlen)
{
	uint32_t magic, lt;
	uint16_t major;

	if (n == 0) {
		fmt(err, errlen, "%s: empty file, not a pcap", r->path);
		return -1;
	}
	if (n >= 2 && h[0] == 0x1f && h[1] == 0x8b) {
		fmt(err, errlen, "%s: gzip-compressed: gunzip it first",
		    r->path);
		return -1;
	}
	if (n < 4) {
		fmt(err, errlen, "%s: truncated file header (%zu of %d bytes)",
		    r->path, n, FILE_HDR_LEN);
		return -1;
	}
	magic = get32(h, 0);
	if (magic == MAGIC_USEC || magic == MAGIC_NSEC) {
		r->big_endian = 0;
	} else if (magic == bswap32(MAGIC_USEC) || magic == bswap32(MAGIC_NSEC)) {
		r->big_endian = 1;
		magic = bswap32(magic);
	} else if (magic == MAGIC_PCAPNG) {
		fmt(err, errlen, "%s: a pcapng file; nicsec reads classic pcap "
		    "(convert it: editcap -F pcap IN OUT, or tcpdump -r IN "
		    "-w OUT)", r->path);
		return -1;
	} else if (magic == MAGIC_KUZNETZOV ||
	    magic == bswap32(MAGIC_KUZNETZOV)) {
		fmt(err, errlen, "%s: a Kuznetzov \"modified\" pcap, not "
		    "supported (convert it: editcap -F pcap IN OUT)", r->path);
		return -1;
	} else {
		fmt(err, errlen, "%s: not a pcap file (it starts %02x %02x %02x "
		    "%02x)", r->path, h[0], h[1], h[2], h[3]);
		return -1;
	}
	r->nano = magic == MAGIC_NSEC;
	if (n < FILE_HDR_LEN) {
		fmt(err, errlen, "%s: truncated file header (%zu of %d bytes)",
		    r->path, n, FILE_HDR_LEN);
		return -1;
	}
	major = get16(h + 4, r->big_endian);
	if (major != 2) {
		fmt(err, errlen, "%s: pcap version %u.%u; nicsec reads 2.x",
		    r->path, major, get16(h + 6, r->big_endian));
		return -1;
	}
	r->snaplen = get32(h + 16, r->big_endian);
	lt = get32(h + 20, r->big_endian);
	if (lt != LINKTYPE_ETHERNET) {
		/* The top bits can say the frames end in an FCS. */
		if ((lt & 0xffff) == LINKTYPE_ETHERNET)
			fmt(err, errlen, "%s: link type field 0x%08x: Ethernet "
			    "with flags (an FCS on each frame?), not supported",
			    r->path, lt);
		else
			fmt(err, errlen, "%s: link type %u (%s) is not Ethernet "
			    "(1)", r->path, lt, linktype_name(lt));
		return -1;
	}
	return 0;
}

struct pcap_reader *
pcap_open_read(const char *path, char *err, size_t errlen)
{
	struct pcap_reader *r;
	uint8_t h[FILE_HDR_LEN];
	size_t n;

	r = (struct pcap_reader *)calloc(1, sizeof(*r));
	if (r == NULL || (r->path = strdup(path)) == NULL) {
		fmt(err, errlen, "%s: out of memory", path);
		free(r);
		return NULL;
	}
	if ((r->fp = fopen(path, "rb")) == NULL) {
		fmt(err, errlen, "%s: %s", path, strerror(errno));
		pcap_close_read(r);
		return NULL;
	}
	n = fread(h, 1, sizeof(h), r->fp);
	if (ferror(r->fp)) {
		fmt(err, errlen, "%s: read error: %s", path, strerror(errno));
		pcap_close_read(r);
		return NULL;
	}
	if (read_header(r, h, n, err, errlen) != 0) {
		pcap_close_read(r);
		return NULL;
	}
	return r;
}

/* Records the message of a failed pcap_next() and returns -1. */
static int
rec_fail(struct pcap_reader *r, char *err, size_t errlen, const char *f, ...)
{
	va_list ap;
	int k;

	k = snprintf(r->failmsg, sizeof(r->failmsg), "%s: record %lu: ",
	    r->path, r->recno);
	if (k >= 0 && (size_t)k < sizeof(r->failmsg)) {
		va_start(ap, f);
		vsnprintf(r->failmsg + k, sizeof(r->failmsg) - (size_t)k, f, ap);
		va_end(ap);
	}
	r->failed = 1;
	fmt(err, errlen, "%s", r->failmsg);
	return -1;
}

int
pcap_next(struct pcap_reader *r, const uint8_t **data, size_t *len,
    uint64_t *ts_ns, char *err, size_t errlen)
{
	uint8_t h[REC_HDR_LEN];
	uint32_t sec, frac, incl, orig;
	size_t n;

	if (r->failed) {
		fmt(err, errlen, "%s", r->failmsg);
		return -1;
	}
	r->recno++;
	n = fread(h, 1, sizeof(h), r->fp);
	if (ferror(r->fp))
		return rec_fail(r, err, errlen, "read error: %s",
		    strerror(errno));
	if (n == 0) {
		r->recno--;			/* there was no such record */
		return 0;
	}
	if (n < sizeof(h))
		return rec_fail(r, err, errlen, "truncated record header (%zu "
		    "of %d bytes)", n, REC_HDR_LEN);

	sec = get32(h, r->big_endian);
	frac = get32(h + 4, r->big_endian);
	incl = get32(h + 8, r->big_endian);
	orig = get32(h + 12, r->big_endian);
	if (frac >= (r->nano ? 1000000000u : 1000000u))
		return rec_fail(r, err, errlen, "timestamp fraction %u is not "
		    "below one second", frac);
	if (incl > LIBPCAP_MAX_SNAPLEN)
		return rec_fail(r, err, errlen, "length %u is more than any "
		    "capture holds (corrupt file?)", incl);
	if (r->snaplen != 0 && incl > r->snaplen)
		return rec_fail(r, err, errlen, "%u bytes, more than the file's "
		    "snaplen (%u)", incl, r->snaplen);
	if (incl > PCAP_MAX_FRAME)
		return rec_fail(r, err, errlen, "%u bytes, more than the %d "
		    "nicsec handles (captured with GRO or TSO on? ethtool -K "
		    "IF gro off tso off)", incl, PCAP_MAX_FRAME);
	if (incl < PCAP_MIN_FRAME)
		return rec_fail(r, err, errlen, "%u bytes, shorter than an "
		    "Ethernet header (%d)", incl, PCAP_MIN_FRAME);
	if (incl > orig)
		return rec_fail(r, err, errlen, "%u bytes captured of a %u-byte "
		    "frame", incl, orig);
	if (incl < orig)
		return rec_fail(r, err, errlen, "only %u of the frame's %u bytes "
		    "were captured (the snaplen cut it); nicsec replays whole "
		    "frames", incl, orig);

	n = fread(r->buf, 1, incl, r->fp);
	if (ferror(r->fp))
		return rec_fail(r, err, errlen, "read error: %s",
		    strerror(errno));
	if (n < incl)
		return rec_fail(r, err, errlen, "truncated: the file ends after "
		    "%zu of its %u bytes", n, incl);

	*data = r->buf;
	*len = incl;
	*ts_ns = (uint64_t)sec * 1000000000u +
	    (uint64_t)frac * (r->nano ? 1u : 1000u);
	return 1;
}

void
pcap_close_read(struct pcap_reader *r)
{
	if (r == NULL)
		return;
	if (r->fp != NULL)
		fclose(r->fp);
	free(r->path);
	free(r);
}

/* Records the first error of w; returns -1. */
static int
wr_fail(struct pcap_writer *w, const char *f, ...)
{
	va_list ap;
	int k;

	if (w->err[0] != '\0')
		return -1;
	k = snprintf(w->err, sizeof(w->err), "%s: ", w->path);
	if (k >= 0 && (size_t)k < sizeof(w->err)) {
		va_start(ap, f);
		vsnprintf(w->err + k, sizeof(w->err) - (size_t)k, f, ap);
		va_end(ap);
	}
	return -1;
}

struct pcap_writer *
pcap_open_write(const char *path, char *err, size_t errlen)
{
	/* Host byte order, as libpcap writes: the magic tells readers. */
	const uint32_t magic = MAGIC_NSEC, zone = 0, sigfigs = 0,
	    snaplen = PCAP_MAX_FRAME, lt = LINKTYPE_ETHERNET;
	const uint16_t major = 2, minor = 4;
	uint8_t h[FILE_HDR_LEN];
	struct pcap_writer *w;

	w = (struct pcap_writer *)calloc(1, sizeof(*w));
	if (w == NULL || (w->path = strdup(path)) == NULL) {
		fmt(err, errlen, "%s: out of memory", path);
		free(w);
		return NULL;
	}
	if ((w->fp = fopen(path, "wb")) == NULL) {
		fmt(err, errlen, "%s: %s", path, strerror(errno));
		free(w->path);
		free(w);
		return NULL;
	}
	memcpy(h, &magic, 4);
	memcpy(h + 4, &major, 2);
	memcpy(h + 6, &minor, 2);
	memcpy(h + 8, &zone, 4);
	memcpy(h + 12, &sigfigs, 4);
	memcpy(h + 16, &snaplen, 4);
	memcpy(h + 20, &lt, 4);
	if (fwrite(h, 1, sizeof(h), w->fp) != sizeof(h)) {
		fmt(err, errlen, "%s: write error: %s", path, strerror(errno));
		fclose(w->fp);
		free(w->path);
		free(w);
		return NULL;
	}
	return w;
}

int
pcap_write(struct pcap_writer *w, const uint8_t *data, size_t len,
    uint64_t ts_ns)
{
	uint32_t rec[4];
	uint64_t sec = ts_ns / 1000000000u;

	if (w->err[0] != '\0')
		return -1;
	w->nframes++;
	if (len < PCAP_MIN_FRAME || len > PCAP_MAX_FRAME)
		return wr_fail(w, "frame %lu: %zu bytes; frames are %d to %d",
		    w->nframes, len, PCAP_MIN_FRAME, PCAP_MAX_FRAME);
	if (sec > UINT32_MAX)
		return wr_fail(w, "frame %lu: timestamp %llu ns is past what "
		    "pcap holds (2106)", w->nframes, (unsigned long long)ts_ns);
	rec[0] = (uint32_t)sec;
	rec[1] = (uint32_t)(ts_ns % 1000000000u);
	rec[2] = rec[3] = (uint32_t)len;
	if (fwrite(rec, 1, sizeof(rec), w->fp) != sizeof(rec) ||
	    fwrite(data, 1, len, w->fp) != len)
		return wr_fail(w, "frame %lu: write error: %s", w->nframes,
		    strerror(errno));
	return 0;
}

const char *
pcap_write_error(const struct pcap_writer *w)
{
	return w->err;
}

int
pcap_close_write(struct pcap_writer *w, char *err, size_t errlen)
{
	int r = 0;

	if (w == NULL)
		return 0;
	/* fclose() flushes: a full disk shows up here. */
	if (fclose(w->fp) != 0)
		wr_fail(w, "write error: %s", strerror(errno));
	if (w->err[0] != '\0') {
		fmt(err, errlen, "%s", w->err);
		r = -1;
	}
	free(w->path);
	free(w);
	return r;
}
