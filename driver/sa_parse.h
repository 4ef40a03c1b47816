/*
 * sa_parse.h - SA lines in the argument syntax of `ip xfrm state add`.
 *
 * SA files (`nicsec-sim replay --sa FILE`) and `nicsecctl sa add` describe an
 * ESP SA the way `ip xfrm state add` takes it, so that what a user knows from
 * Linux, or copies out of `ip xfrm state`, works here:
 *
 *	src 198.51.100.1 dst 203.0.113.2 proto esp spi 0xc1a2b3c4 reqid 1
 *	    mode tunnel replay-window 128 flag esn
 *	    aead 'rfc4106(gcm(aes))' 0x<16- or 32-byte key><4-byte salt> 128
 *	    encap espinudp 4500 4500 0.0.0.0
 *	    sel src 10.1.0.0/24 dst 10.2.0.0/24
 *	    limit byte-hard 1000000000 dir out
 *
 * (one line in a file; wrapped here).  An optional leading "ip xfrm state
 * add" is skipped.  What the card does not do (other algorithms, transport
 * mode, AH, marks, time lifetimes, ...) is an error naming the token.
 *
 * nicsec's own keywords, which `ip` does not know:
 *	dir in|out		required: which way the SA carries traffic
 *	ether src MAC dst MAC	the Ethernet addresses of the frames the card
 *				sends for this SA: for an outbound SA the ESP
 *				frame on the WAN, for an inbound SA the
 *				decapsulated frame on the LAN.  Either may be
 *				left out; the defaults are SA_ETHER_SRC_DEFAULT
 *				and SA_ETHER_DST_DEFAULT (locally administered
 *				addresses that mean "not configured").
 *
 * Required: src, dst, proto esp, spi, mode tunnel, aead, dir, and sel for an
 * outbound SA.  (ip requires proto too, and its default mode is transport,
 * so a line without `mode tunnel` would mean something else to ip.)
 * Where nicsec is stricter than ip: keys must be hex (0x...), not ip's raw
 * strings; `sel` must give both src and dst, with no host bits set; each
 * `flag` but esn is refused.  Numbers are read as ip reads them (strtoul
 * base 0): 0x hex, a leading 0 octal, else decimal.
 *
 * Used by C and by the C++ Verilator harness, so valid as both.
 */
#ifndef NICSEC_SA_PARSE_H
#define NICSEC_SA_PARSE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* struct nicsec_sa.dir; 0 is never a valid direction. */
#define SA_DIR_IN	1
#define SA_DIR_OUT	2

/* A limit that was not given. */
#define SA_NO_LIMIT	UINT64_MAX

/* "not configured" Ethernet addresses: locally administered, unicast. */
#define SA_ETHER_SRC_DEFAULT	{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 }
#define SA_ETHER_DST_DEFAULT	{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 }

/* Longest line sa_parse_line() takes, without the newline. */
#define SA_LINE_MAX	4095

/*
 * One SA.  Addresses are in network byte order; an IPv4 address takes the
 * first 4 bytes of its array and the rest are zero.  The parser zeroes the
 * whole struct first, padding too, so memcmp() tells two parsed SAs apart.
 * family fields are AF_INET or AF_INET6.
 */
struct nicsec_sa {
	int      dir;			/* SA_DIR_IN or SA_DIR_OUT */
	int      family;		/* outer (tunnel) addresses */
	uint8_t  src[16], dst[16];
	uint32_t spi;			/* nonzero */
	uint32_t reqid;			/* 0 when not given */

	size_t   key_len;		/* AES key, bytes: 16 or 32 */
	uint8_t  key[32];
	uint8_t  salt[4];		/* RFC 4106: the nonce's first 4 bytes */
	int      icv_len;		/* bytes: 8, 12 or 16 */

	int      encap;			/* 1: ESP in UDP (RFC 3948) */
	uint16_t encap_sport, encap_dport;
	int      encap_ofamily;		/* OADDR as given, kept for sa_format() */
	uint8_t  encap_oaddr[16];

	uint32_t replay_window;		/* 0..4096, 0: no check; unused out */
	int      esn;			/* 1: 64-bit sequence numbers */
	/*
	 * Where the sequence numbers start, with the -hi halves on top (only
	 * with esn).  As in xfrm, oseq is the last number sent, so the first
	 * packet carries oseq + 1; seq is the highest number already seen.
	 */
	uint64_t oseq;			/* outbound SAs only */
	uint64_t seq;			/* inbound SAs only */

	/*
	 * Inner selectors.  For an outbound SA: the traffic that goes into it
	 * (required).  For an inbound SA: what decapsulated packets must match;
	 * family 0 when not given, which matches anything.
	 */
	struct {
		int      family;
		uint8_t  src[16], dst[16];
		int      src_plen, dst_plen;	/* host bits are always zero */
		int      proto;			/* IP protocol, -1 any */
	} sel;

	/* Lifetime limits; SA_NO_LIMIT when not given.  soft <= hard. */
	uint64_t soft_bytes, hard_bytes, soft_packets, hard_packets;

	uint8_t  ether_src[6], ether_dst[6];
};

/*
 * Parses one line (with or without its newline).  Returns 1 with *sa filled
 * in, 0 for a blank or comment line (*sa zeroed), or -1 with a message in
 * err (*sa zeroed).  A message never holds key material: a long hex token is
 * shown by its length only.
 */
int sa_parse_line(const char *line, struct nicsec_sa *sa, char *err,
                  size_t errlen);

/*
 * Parses every line of path.  Returns 0 with *sas (free with sa_free) and *n
 * set; a file with no SA gives *sas = NULL, *n = 0.  Returns -1 with *sas =
 * NULL, *n = 0 and a "path:line: message" in err.  Besides each line's
 * checks: two inbound SAs may not share an SPI (the card finds an inbound SA
 * by its SPI alone), nor two outbound SAs the same dst and SPI.
 */
int sa_parse_file(const char *path, struct nicsec_sa **sas, size_t *n,
                  char *err, size_t errlen);

/* Wipes the keys and frees an array from sa_parse_file(); NULL is fine. */
void sa_free(struct nicsec_sa *sas, size_t n);

/*
 * Writes sa as one line (no newline) that sa_parse_line() reads back to the
 * same struct.  With show_key 0 the key and salt are written as
 * "[key hidden]", which sa_parse_line() refuses with a message saying so.
 * Returns the length of the whole line, as snprintf() does (the line was cut
 * if that is >= len), or -1 if sa holds something it can't write (a bad
 * family or direction).  With show_key 0 a key_len of 0 is taken too: an
 * SA read back from the card, which gives neither the key nor its size.
 */
int sa_format(const struct nicsec_sa *sa, int show_key, char *buf,
              size_t len);

#ifdef __cplusplus
}
#endif

#endif /* NICSEC_SA_PARSE_H */
