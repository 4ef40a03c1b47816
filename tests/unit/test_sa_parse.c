/*
 * test_sa_parse.c - SA lines in `ip xfrm state add` syntax.
 *
 * Good lines are read field by field (a strongSwan SA as `ip xfrm state`
 * shows it, IPv4 and IPv6, with and without UDP encapsulation, ESN, limits),
 * written back with sa_format() and read again to the same struct.  Every
 * error is made to happen on line 3 of a file, and its message must name the
 * file, the line and the offending token.  Where iproute2 is installed and we
 * are root, each good line (less nicsec's own keywords) is also given to the
 * real `ip xfrm state add` in a scratch network namespace, so that the syntax
 * we call ip's is ip's.
 */
#define _DEFAULT_SOURCE		/* mkdtemp(), getline() */

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "sa_parse.h"
#include "scratch.h"


/* Keys: the key, then the 4-byte salt.  Test values, never used elsewhere. */
#define K128	"0x00112233445566778899aabbccddeeffc0c1c2c3"
#define K256	"0x000102030405060708090a0b0c0d0e0f" \
		"101112131415161718191a1b1c1d1e1f5a5b5c5d"

/*
 * A strongSwan 5.9 CHILD_SA with NAT-T, as `ip xfrm state` prints it:
 *
 *	src 203.0.113.10 dst 198.51.100.20
 *		proto esp spi 0xc3b5a1f2 reqid 1 mode tunnel
 *		replay-window 0 flag af-unspec esn
 *		aead rfc4106(gcm(aes)) 0x00112233...c0c1c2c3 128
 *		encap type espinudp sport 4500 dport 4500 addr 0.0.0.0
 *		anti-replay esn context:
 *		 seq-hi 0x0, seq 0x0, oseq-hi 0x0, oseq 0x0
 *		 replay_window 32, bitmap-length 1
 *		 00000000
 *		sel src 0.0.0.0/0 dst 0.0.0.0/0
 *
 * In `add` syntax that is the line below, less 'af-unspec' (which means
 * nothing to the card and is refused), with the ESN context's window as
 * replay-window, and with the CHILD_SA's traffic selectors as sel (strongSwan
 * leaves a tunnel SA's sel empty because the kernel's SPD holds them; for
 * nicsec an outbound SA's sel is what sends traffic into it).
 */
#define SWAN_OUT \
	"ip xfrm state add src 203.0.113.10 dst 198.51.100.20 proto esp " \
	"spi 0xc3b5a1f2 reqid 1 mode tunnel replay-window 32 flag esn " \
	"aead 'rfc4106(gcm(aes))' " K128 " 128 " \
	"encap espinudp 4500 4500 0.0.0.0 " \
	"sel src 10.1.0.0/24 dst 10.2.0.0/24 dir out"
/* Its inbound partner, as a file line: no "ip xfrm state add". */
#define SWAN_IN \
	"src 198.51.100.20 dst 203.0.113.10 proto esp spi 0xc7e0d3a9 " \
	"reqid 1 mode tunnel replay-window 32 flag esn " \
	"aead 'rfc4106(gcm(aes))' " K128 " 128 " \
	"encap espinudp 4500 4500 0.0.0.0 " \
	"sel src 10.2.0.0/24 dst 10.1.0.0/24 dir in"
/* IPv6 outside and in, AES-256, 64-bit ICV, limits, no encap. */
#define V6_OUT \
	"src 2001:db8:1::1 dst 2001:db8:2::1 proto esp spi 4096 reqid 7 " \
	"mode tunnel aead rfc4106(gcm(aes)) " K256 " 64 " \
	"sel src 2001:db8:a::/48 dst 2001:db8:b::/48 proto ipv6-icmp " \
	"limit byte-soft 900000000 limit byte-hard 1000000000 " \
	"limit packet-soft 18446744073709551614 " \
	"limit packet-hard 18446744073709551615 dir out " \
	"ether src 52:54:00:12:34:56 dst 52:54:00:65:43:21"
/* IPv6 traffic over an IPv4 tunnel, ESN with both halves, 96-bit ICV. */
#define V6_IN_V4 \
	"src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x00000101 mode tunnel " \
	"replay-window 4096 flag esn replay-seq 0xfffffff0 replay-seq-hi 3 " \
	"aead \"rfc4106(gcm(aes))\" " K256 " 96 " \
	"sel src 2001:db8::/32 dst ::/0 dir in ether dst 02:aa:bb:cc:dd:ee"
/* The least an outbound SA needs; a bare address is a host. */
#define MIN_OUT \
	"src 192.0.2.1 dst 192.0.2.2 proto esp spi 1 mode tunnel " \
	"aead rfc4106(gcm(aes)) " K128 " 128 " \
	"sel src 10.0.0.1 dst 10.0.0.2 proto 47 dir out"
/* The least an inbound SA needs: no sel. */
#define MIN_IN \
	"src 192.0.2.2 dst 192.0.2.1 proto esp spi 0xffffffff mode tunnel " \
	"aead rfc4106(gcm(aes)) " K128 " 128 dir in"
/* Outbound, ESN, sequence numbers to start from. */
#define OSEQ_OUT \
	"src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x2000 mode tunnel " \
	"flag esn replay-window 64 replay-oseq 4294967295 " \
	"replay-oseq-hi 0x7fffffff " \
	"aead rfc4106(gcm(aes)) " K128 " 128 " \
	"sel src 0.0.0.0/0 dst 0.0.0.0/0 proto udp dir out"

static const char *const good_lines[] = {
	SWAN_OUT, SWAN_IN, V6_OUT, V6_IN_V4, MIN_OUT, MIN_IN, OSEQ_OUT,
};
#define NGOOD (sizeof(good_lines) / sizeof(good_lines[0]))

/* ---- helpers ------------------------------------------------------------ */

static void
parse_ok(const char *line, struct nicsec_sa *sa)
{
	char err[512];
	int r = sa_parse_line(line, sa, err, sizeof(err));

	if (r != 1)
		fail_msg("sa_parse_line returned %d: %s\n  line: %s", r, err,
		    line);
}

static void
hex(const char *s, uint8_t *out, size_t len)
{
	size_t i;
	unsigned int b;

	if (s[0] == '0' && s[1] == 'x')
		s += 2;
	assert_int_equal(strlen(s), 2 * len);
	for (i = 0; i < len; i++) {
		assert_int_equal(sscanf(s + 2 * i, "%2x", &b), 1);
		out[i] = (uint8_t)b;
	}
}

static void
assert_addr(int family, const uint8_t *got, const char *want)
{
	uint8_t a[16];

	memset(a, 0, sizeof(a));
	assert_int_equal(inet_pton(family, want, a), 1);
	assert_memory_equal(got, a, 16);
}

static void
assert_mac(const uint8_t *got, const char *want)
{
	unsigned int m[6];
	int i;

	assert_int_equal(sscanf(want, "%x:%x:%x:%x:%x:%x", &m[0], &m[1],
	    &m[2], &m[3], &m[4], &m[5]), 6);
	for (i = 0; i < 6; i++)
		assert_int_equal(got[i], m[i]);
}

static void
assert_contains(const char *s, const char *want)
{
	if (strstr(s, want) == NULL)
		fail_msg("message \"%s\" does not contain \"%s\"", s, want);
}

static void
write_tmp(char *path, size_t len, const char *name, const char *text)
{
	FILE *fp;

	snprintf(path, len, "%s/%s", tmpdir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
	assert_int_equal(fclose(fp), 0);
}

/* ---- good lines, field by field ----------------------------------------- */

static void
test_strongswan_out(void **state)
{
	struct nicsec_sa sa;
	uint8_t key[20];

	(void)state;
	parse_ok(SWAN_OUT, &sa);
	hex(K128, key, sizeof(key));
	assert_int_equal(sa.dir, SA_DIR_OUT);
	assert_int_equal(sa.family, AF_INET);
	assert_addr(AF_INET, sa.src, "203.0.113.10");
	assert_addr(AF_INET, sa.dst, "198.51.100.20");
	assert_int_equal(sa.spi, 0xc3b5a1f2);
	assert_int_equal(sa.reqid, 1);
	assert_int_equal(sa.key_len, 16);
	assert_memory_equal(sa.key, key, 16);
	assert_memory_equal(sa.salt, key + 16, 4);
	assert_int_equal(sa.icv_len, 16);
	assert_int_equal(sa.encap, 1);
	assert_int_equal(sa.encap_sport, 4500);
	assert_int_equal(sa.encap_dport, 4500);
	assert_int_equal(sa.encap_ofamily, AF_INET);
	assert_addr(AF_INET, sa.encap_oaddr, "0.0.0.0");
	assert_int_equal(sa.replay_window, 32);
	assert_int_equal(sa.esn, 1);
	assert_int_equal(sa.oseq, 0);
	assert_int_equal(sa.seq, 0);
	assert_int_equal(sa.sel.family, AF_INET);
	assert_addr(AF_INET, sa.sel.src, "10.1.0.0");
	assert_addr(AF_INET, sa.sel.dst, "10.2.0.0");
	assert_int_equal(sa.sel.src_plen, 24);
	assert_int_equal(sa.sel.dst_plen, 24);
	assert_int_equal(sa.sel.proto, -1);
	assert_true(sa.soft_bytes == SA_NO_LIMIT);
	assert_true(sa.hard_bytes == SA_NO_LIMIT);
	assert_true(sa.soft_packets == SA_NO_LIMIT);
	assert_true(sa.hard_packets == SA_NO_LIMIT);
	assert_mac(sa.ether_src, "02:00:00:00:00:01");
	assert_mac(sa.ether_dst, "02:00:00:00:00:02");
}

static void
test_strongswan_in(void **state)
{
	struct nicsec_sa sa;

	(void)state;
	parse_ok(SWAN_IN, &sa);
	assert_int_equal(sa.dir, SA_DIR_IN);
	assert_addr(AF_INET, sa.src, "198.51.100.20");
	assert_int_equal(sa.spi, 0xc7e0d3a9);
	assert_int_equal(sa.replay_window, 32);
	assert_int_equal(sa.esn, 1);
	assert_int_equal(sa.encap, 1);
	assert_addr(AF_INET, sa.sel.src, "10.2.0.0");
}

static void
test_v6(void **state)
{
	struct nicsec_sa sa;
	uint8_t key[36];

	(void)state;
	parse_ok(V6_OUT, &sa);
	hex(K256, key, sizeof(key));
	assert_int_equal(sa.family, AF_INET6);
	assert_addr(AF_INET6, sa.src, "2001:db8:1::1");
	assert_addr(AF_INET6, sa.dst, "2001:db8:2::1");
	assert_int_equal(sa.spi, 4096);
	assert_int_equal(sa.reqid, 7);
	assert_int_equal(sa.key_len, 32);
	assert_memory_equal(sa.key, key, 32);
	assert_memory_equal(sa.salt, key + 32, 4);
	assert_int_equal(sa.icv_len, 8);
	assert_int_equal(sa.encap, 0);
	assert_int_equal(sa.esn, 0);
	assert_int_equal(sa.replay_window, 0);
	assert_int_equal(sa.sel.family, AF_INET6);
	assert_addr(AF_INET6, sa.sel.src, "2001:db8:a::");
	assert_addr(AF_INET6, sa.sel.dst, "2001:db8:b::");
	assert_int_equal(sa.sel.src_plen, 48);
	assert_int_equal(sa.sel.dst_plen, 48);
	assert_int_equal(sa.sel.proto, 58);
	assert_true(sa.soft_bytes == 900000000);
	assert_true(sa.hard_bytes == 1000000000);
	assert_true(sa.soft_packets == UINT64_MAX - 1);
	assert_true(sa.hard_packets == UINT64_MAX);	/* = none */
	assert_mac(sa.ether_src, "52:54:00:12:34:56");
	assert_mac(sa.ether_dst, "52:54:00:65:43:21");
}

static void
test_v6_in_v4(void **state)
{
	struct nicsec_sa sa;

	(void)state;
	parse_ok(V6_IN_V4, &sa);
	assert_int_equal(sa.family, AF_INET);
	assert_int_equal(sa.sel.family, AF_INET6);
	assert_int_equal(sa.sel.src_plen, 32);
	assert_int_equal(sa.sel.dst_plen, 0);
	assert_int_equal(sa.icv_len, 12);
	assert_int_equal(sa.replay_window, 4096);
	assert_true(sa.seq == (3ull << 32 | 0xfffffff0u));
	assert_int_equal(sa.oseq, 0);
	/* Only ether dst given: src keeps its default. */
	assert_mac(sa.ether_src, "02:00:00:00:00:01");
	assert_mac(sa.ether_dst, "02:aa:bb:cc:dd:ee");
}

static void
test_minimal(void **state)
{
	struct nicsec_sa sa;

	(void)state;
	parse_ok(MIN_OUT, &sa);
	assert_int_equal(sa.spi, 1);
	assert_int_equal(sa.reqid, 0);
	assert_int_equal(sa.sel.src_plen, 32);
	assert_int_equal(sa.sel.dst_plen, 32);
	assert_int_equal(sa.sel.proto, 47);

	parse_ok(MIN_IN, &sa);
	assert_int_equal(sa.spi, 0xffffffffu);
	assert_int_equal(sa.sel.family, 0);	/* matches anything */
	assert_int_equal(sa.sel.proto, -1);
}

static void
test_oseq(void **state)
{
	struct nicsec_sa sa;

	(void)state;
	parse_ok(OSEQ_OUT, &sa);
	assert_true(sa.oseq == (0x7fffffffull << 32 | 0xffffffffu));
	assert_int_equal(sa.sel.proto, 17);
	assert_int_equal(sa.sel.src_plen, 0);
}

/* The shell strips the quotes, a file keeps them: the same SA either way. */
static void
test_quotes_and_prefix(void **state)
{
	static const char *const forms[] = {
		"ip xfrm state add " MIN_IN,
		"src 192.0.2.2 dst 192.0.2.1 proto esp spi 0xffffffff mode "
		    "tunnel aead 'rfc4106(gcm(aes))' " K128 " 128 dir in",
		"src 192.0.2.2 dst 192.0.2.1 proto esp spi 0xffffffff mode "
		    "tunnel aead \"rfc4106(gcm(aes))\" " K128 " 128 dir in",
		"  \tsrc 192.0.2.2   dst 192.0.2.1 proto\tesp spi 4294967295 "
		    "mode tunnel aead rfc4106(gcm(aes)) " K128 " 128 dir in   "
		    "# trailing\r\n",
		"dir in aead rfc4106(gcm(aes)) " K128 " 128 spi 037777777777 "
		    "dst 192.0.2.1 src 192.0.2.2 proto esp mode tunnel",
	};
	struct nicsec_sa want, got;
	size_t i;

	(void)state;
	parse_ok(MIN_IN, &want);
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		parse_ok(forms[i], &got);
		assert_memory_equal(&got, &want, sizeof(want));
	}
}

static void
test_blank_and_comments(void **state)
{
	static const char *const lines[] = {
		"", "\n", "   \t  \r\n", "# a comment", "   # indented " K128,
		"#src 1.2.3.4",
	};
	struct nicsec_sa sa;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		memset(&sa, 0xa5, sizeof(sa));
		assert_int_equal(sa_parse_line(lines[i], &sa, err, sizeof(err)),
		    0);
		/* Nothing left over from before, or from the comment. */
		assert_int_equal(sa.spi, 0);
		assert_int_equal(sa.key[0], 0);
	}
}

/* ---- parse -> format -> parse ------------------------------------------- */

static void
test_round_trip(void **state)
{
	struct nicsec_sa a, b;
	char line[1024], hidden[1024], err[512];
	size_t i;
	int n;

	(void)state;
	for (i = 0; i < NGOOD; i++) {
		parse_ok(good_lines[i], &a);
		n = sa_format(&a, 1, line, sizeof(line));
		assert_true(n > 0 && (size_t)n < sizeof(line));
		assert_int_equal(strlen(line), n);
		parse_ok(line, &b);
		if (memcmp(&a, &b, sizeof(a)) != 0)
			fail_msg("round trip changed the SA\n  in:  %s\n  out: %s",
			    good_lines[i], line);

		/* sa list's form: the same line with the key hidden. */
		n = sa_format(&a, 0, hidden, sizeof(hidden));
		assert_true(n > 0 && (size_t)n < sizeof(hidden));
		assert_contains(hidden, "[key hidden]");
		assert_null(strstr(hidden, a.key_len == 16 ? K128 + 2 :
		    K256 + 2));
		assert_null(strstr(hidden, "0011223344"));
		assert_null(strstr(hidden, "000102030405"));
		assert_int_equal(sa_parse_line(hidden, &b, err, sizeof(err)),
		    -1);
		assert_contains(err, "hidden");
	}
}

/* A short buffer: cut, terminated, and the length needed returned. */
static void
test_format_short_buffer(void **state)
{
	struct nicsec_sa sa;
	char full[1024], small[32];
	int n, m;

	(void)state;
	parse_ok(V6_OUT, &sa);
	n = sa_format(&sa, 1, full, sizeof(full));
	m = sa_format(&sa, 1, small, sizeof(small));
	assert_int_equal(n, m);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_memory_equal(small, full, sizeof(small) - 1);
	assert_int_equal(sa_format(&sa, 1, NULL, 0), n);

	sa.family = 99;
	assert_int_equal(sa_format(&sa, 1, full, sizeof(full)), -1);
}

/* ---- bad lines ---------------------------------------------------------- */

/* A good outbound SA to append a fault to, and one to take a part out of. */
#define BASE \
	"src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x1000 reqid 1 " \
	"mode tunnel aead 'rfc4106(gcm(aes))' " K128 " 128 " \
	"sel src 10.1.0.0/16 dst 10.2.0.0/16"
#define AEAD_ "aead 'rfc4106(gcm(aes))' " K128 " 128 "
#define SEL_ "sel src 10.1.0.0/16 dst 10.2.0.0/16 "
#define PM_ "proto esp mode tunnel "

struct bad {
	const char *name;
	const char *line;
	const char *want1, *want2;	/* both must be in the message */
};

static const struct bad bads[] = {
	/* what nicsec does not do */
	{ "auth-trunc", BASE " dir out auth-trunc 'hmac(sha256)' 0x0102 128",
	    "unsupported: 'auth-trunc' (nicsec does AES-GCM only: aead "
	    "'rfc4106(gcm(aes))')", NULL },
	{ "enc", "src 192.0.2.1 dst 192.0.2.2 " PM_ "spi 1 enc 'cbc(aes)' "
	    "0x00112233445566778899aabbccddeeff dir in",
	    "unsupported: 'enc'", "AES-GCM only" },
	{ "auth", BASE " dir out auth 'hmac(sha1)' 0x01", "'auth'", NULL },
	{ "comp", BASE " dir out comp deflate", "'comp'", "IPComp" },
	{ "mark", BASE " dir out mark 7", "'mark'", NULL },
	{ "output-mark", BASE " dir out output-mark 7", "'output-mark'", NULL },
	{ "if_id", BASE " dir out if_id 7", "'if_id'", NULL },
	{ "seq", BASE " dir out seq 7", "'seq'", "replay-oseq" },
	{ "coa", BASE " dir out coa 10.0.0.1", "'coa'", NULL },
	{ "ctx", BASE " dir out ctx foo", "'ctx'", NULL },
	{ "extra-flag", BASE " dir out extra-flag dont-encap-dscp",
	    "'extra-flag'", NULL },
	{ "tfcpad", BASE " dir out tfcpad 100", "'tfcpad'", NULL },
	{ "offload", BASE " dir out offload dev eth0 dir out", "'offload'",
	    NULL },
	{ "unknown keyword", BASE " dir out frobnicate 1",
	    "unknown keyword 'frobnicate'", NULL },
	{ "proto ah", "src 192.0.2.1 dst 192.0.2.2 proto ah spi 1",
	    "'proto ah'", "ESP only" },
	{ "mode transport", "src 192.0.2.1 dst 192.0.2.2 proto esp spi 1 "
	    "mode transport "
	    AEAD_ "dir in", "'mode transport'", "tunnel mode only" },
	{ "mode beet", "mode beet", "'mode beet'", NULL },
	{ "aead rfc4543", "src 192.0.2.1 dst 192.0.2.2 " PM_ "spi 1 aead "
	    "'rfc4543(gcm(aes))' " K128 " 128 dir in", "'rfc4543(gcm(aes))'",
	    "AES-GCM only" },
	{ "aead ccm", "aead rfc4309(ccm(aes)) " K128 " 128",
	    "'rfc4309(ccm(aes))'", NULL },
	{ "key without salt", "aead rfc4106(gcm(aes)) "
	    "0x00112233445566778899aabbccddeeff 128", "16 bytes", "salt" },
	{ "key AES-192", "aead rfc4106(gcm(aes)) 0x00112233445566778899aabb"
	    "ccddeeff0011223344556677c0c1c2c3 128", "28 bytes", "AES-192" },
	{ "key odd length", "aead rfc4106(gcm(aes)) 0x0011223344556677889"
	    "9aabbccddeeffc0c1c2c 128", "odd number of hex digits (39)", NULL },
	{ "key not hex", "aead rfc4106(gcm(aes)) 0x00112233445566778899aabb"
	    "ccddeeffc0c1c2cg 128", "not a hex digit at position 42", NULL },
	{ "key as text", "aead rfc4106(gcm(aes)) mysecretkey 128",
	    "must be hex", NULL },
	{ "key hidden", "aead 'rfc4106(gcm(aes))' [key hidden] 128",
	    "hidden", NULL },
	{ "ICV 32", "aead rfc4106(gcm(aes)) " K128 " 32",
	    "ICV length 32 bits", "64, 96 or 128" },
	{ "ICV 127", "aead rfc4106(gcm(aes)) " K128 " 127", "127", NULL },
	{ "ICV missing", "aead rfc4106(gcm(aes)) " K128,
	    "'aead ICV length' needs a value", NULL },
	{ "ICV not a number", "aead rfc4106(gcm(aes)) " K128 " dir",
	    "'dir' is not a number", NULL },
	{ "espinudp-nonike", BASE " dir out encap espinudp-nonike 4500 4500 "
	    "0.0.0.0", "'espinudp-nonike'", "espinudp" },
	{ "espintcp", BASE " dir out encap espintcp 4500 4500 0.0.0.0",
	    "'espintcp'", NULL },
	{ "encap port 0", BASE " dir out encap espinudp 0 4500 0.0.0.0",
	    "encap espinudp SPORT: '0' is out of range (1..65535)", NULL },
	{ "encap port 65536", BASE " dir out encap espinudp 4500 65536 "
	    "0.0.0.0", "DPORT: '65536' is out of range", NULL },
	{ "encap bad OADDR", BASE " dir out encap espinudp 4500 4500 any",
	    "OADDR: 'any' is not an IPv4 or IPv6 address", NULL },
	{ "flag noecn", BASE " dir out flag noecn", "'noecn'", "flag esn" },
	{ "flag esn noecn", BASE " dir out flag esn noecn", "'noecn'", NULL },
	{ "flag af-unspec", BASE " dir out flag af-unspec esn", "'af-unspec'",
	    "strongSwan" },
	{ "flag numeric", BASE " dir out flag 0x80", "'0x80'", NULL },
	{ "flag no value", BASE " dir out flag", "'flag' needs a value",
	    NULL },
	{ "flag not a flag", BASE " flag dir out", "flag: 'dir' is not a flag",
	    NULL },
	{ "esn without replay-window", BASE " dir out flag esn",
	    "'flag esn' needs a replay-window", NULL },
	{ "replay-window 4097", BASE " dir out replay-window 4097",
	    "replay-window: '4097' is out of range (0..4096)", NULL },
	{ "replay-window -1", BASE " dir out replay-window -1",
	    "replay-window: '-1' is not a number", NULL },
	{ "spi 0", "src 192.0.2.1 dst 192.0.2.2 " PM_ "spi 0 " AEAD_ "dir in",
	    "spi: '0' is out of range (1..4294967295)", NULL },
	{ "spi 33 bits", "spi 0x100000000", "spi: '0x100000000' is out of "
	    "range", NULL },
	{ "spi huge", "spi 99999999999999999999999", "spi: "
	    "'99999999999999999999999' is out of range", NULL },
	{ "spi not a number", "spi 12ab", "spi: '12ab' is not a number",
	    NULL },
	{ "spi octal 8", "spi 08", "spi: '08' is not a number", NULL },
	{ "duplicate reqid", BASE " dir out reqid 4294967296", "duplicate "
	    "'reqid'", NULL },
	{ "reqid range", "reqid 4294967296", "reqid: '4294967296' is out of "
	    "range", NULL },
	{ "replay-oseq range", BASE " dir out replay-oseq 4294967296",
	    "replay-oseq: '4294967296' is out of range", NULL },
	{ "replay-seq outbound", BASE " dir out replay-seq 5",
	    "'replay-seq' is for inbound SAs", NULL },
	{ "replay-oseq inbound", "src 192.0.2.1 dst 192.0.2.2 " PM_ "spi 1 "
	    AEAD_ "dir in replay-oseq 5", "'replay-oseq' is for outbound SAs",
	    NULL },
	{ "replay-oseq-hi without esn", BASE " dir out replay-oseq-hi 1",
	    "'replay-oseq-hi' needs 'flag esn'", NULL },
	{ "replay-seq-hi without esn", "src 192.0.2.1 dst 192.0.2.2 " PM_
	    "spi 1 " AEAD_ "dir in replay-window 64 replay-seq-hi 1",
	    "'replay-seq-hi' needs 'flag esn'", NULL },
	{ "sel prefix 33", "sel src 10.1.0.0/33 dst 10.2.0.0/16",
	    "sel src: '10.1.0.0/33': prefix length 33", NULL },
	{ "sel prefix 129", "sel src 2001:db8::/129 dst ::/0",
	    "'2001:db8::/129'", "(128)" },
	{ "sel host bits", "sel src 10.1.0.1/16 dst 10.2.0.0/16",
	    "sel src: '10.1.0.1/16' has host bits set past /16", NULL },
	{ "sel bad prefix length", "sel src 10.1.0.0/1a dst 10.2.0.0/16",
	    "'10.1.0.0/1a': bad prefix length", NULL },
	{ "sel empty prefix length", "sel src 10.1.0.0/ dst 10.2.0.0/16",
	    "'10.1.0.0/': bad prefix length", NULL },
	{ "sel bad address", "sel src 10.1.0.300/24 dst 10.2.0.0/16",
	    "'10.1.0.300/24' is not an IPv4 or IPv6 prefix", NULL },
	{ "sel family mismatch", "sel src 10.1.0.0/16 dst 2001:db8::/32",
	    "sel: src 10.1.0.0/16 is IPv4 but dst 2001:db8::/32 is IPv6",
	    NULL },
	{ "sel no dst", "src 192.0.2.1 dst 192.0.2.2 " PM_ "spi 1 " AEAD_
	    "sel src 10.1.0.0/16 dir out", "sel: missing 'dst'", NULL },
	{ "sel empty", "sel dir out", "sel: missing 'src'", NULL },
	{ "sel duplicate src", BASE " src 192.0.2.9 dir out",
	    "duplicate 'sel src'", NULL },
	{ "sel proto esp", "sel src 10.1.0.0/16 dst 10.2.0.0/16 proto esp",
	    "sel proto: 'esp'", "before sel" },
	{ "sel proto 256", "sel src 10.1.0.0/16 dst 10.2.0.0/16 proto 256",
	    "sel proto: '256'", NULL },
	{ "sel icmp on v6", "sel src ::/0 dst ::/0 proto icmp",
	    "'icmp' with IPv6 selectors", "ipv6-icmp" },
	{ "sel ipv6-icmp on v4", "sel src 0.0.0.0/0 dst 0.0.0.0/0 proto "
	    "ipv6-icmp", "'ipv6-icmp' with IPv4", NULL },
	{ "sel sport", "sel src 0.0.0.0/0 dst 0.0.0.0/0 proto tcp sport 80",
	    "'sel ... sport'", NULL },
	{ "sel dev", "sel src 0.0.0.0/0 dst 0.0.0.0/0 dev eth0",
	    "'sel ... dev'", NULL },
	{ "family mismatch", "src 192.0.2.1 dst 2001:db8::2",
	    "dst 2001:db8::2 is IPv6 but src 192.0.2.1 is IPv4", NULL },
	{ "family mismatch, dst first", "dst 2001:db8::2 src 192.0.2.1",
	    "src 192.0.2.1 is IPv4 but dst 2001:db8::2 is IPv6", NULL },
	{ "src with prefix", "src 192.0.2.0/24", "src: '192.0.2.0/24': "
	    "takes an address, not a prefix", NULL },
	{ "dst not an address", "src 192.0.2.1 dst gateway.example",
	    "dst: 'gateway.example' is not an IPv4 or IPv6 address", NULL },
	{ "src no value", "src", "'src' needs a value", NULL },
	{ "missing src", "dst 192.0.2.2 " PM_ "spi 1 " AEAD_ SEL_ "dir out",
	    "missing 'src'", NULL },
	{ "missing dst", "src 192.0.2.1 " PM_ "spi 1 " AEAD_ SEL_ "dir out",
	    "missing 'dst'", NULL },
	{ "missing spi", "src 192.0.2.1 dst 192.0.2.2 " PM_ AEAD_ SEL_
	    "dir out", "missing 'spi'", NULL },
	{ "missing aead", "src 192.0.2.1 dst 192.0.2.2 " PM_ "spi 1 " SEL_
	    "dir out", "missing 'aead'", NULL },
	{ "missing dir", BASE, "missing 'dir'", NULL },
	{ "missing sel", "src 192.0.2.1 dst 192.0.2.2 " PM_ "spi 1 " AEAD_
	    "dir out", "missing 'sel'", "outbound" },
	{ "missing proto", "src 192.0.2.1 dst 192.0.2.2 spi 1 mode tunnel "
	    AEAD_ SEL_ "dir out", "missing 'proto esp'", NULL },
	{ "missing mode", "src 192.0.2.1 dst 192.0.2.2 proto esp spi 1 "
	    AEAD_ SEL_ "dir out", "missing 'mode tunnel'", "transport" },
	{ "duplicate src", "src 192.0.2.1 src 192.0.2.3", "duplicate 'src'",
	    NULL },
	{ "duplicate dst", "dst 192.0.2.1 dst 192.0.2.3", "duplicate 'dst'",
	    NULL },
	{ "duplicate spi", "spi 1 spi 2", "duplicate 'spi'", NULL },
	{ "duplicate proto", "proto esp proto esp", "duplicate 'proto'",
	    NULL },
	{ "duplicate mode", "mode tunnel mode tunnel", "duplicate 'mode'",
	    NULL },
	{ "duplicate aead", BASE " dir out " AEAD_, "duplicate 'aead'", NULL },
	{ "duplicate sel", BASE " dir out " SEL_, "duplicate 'sel'", NULL },
	{ "duplicate dir", BASE " dir out dir in", "duplicate 'dir'", NULL },
	{ "duplicate flag esn", "flag esn flag esn", "duplicate 'flag esn'",
	    NULL },
	{ "duplicate replay-window", "replay-window 1 replay-window 2",
	    "duplicate 'replay-window'", NULL },
	{ "duplicate encap", "encap espinudp 1 2 0.0.0.0 encap espinudp 1 2 "
	    "0.0.0.0", "duplicate 'encap'", NULL },
	{ "duplicate limit", "limit byte-soft 1 limit byte-soft 2",
	    "duplicate 'limit byte-soft'", NULL },
	{ "duplicate ether", "ether src 02:00:00:00:00:09 ether dst "
	    "02:00:00:00:00:08", "duplicate 'ether'", NULL },
	{ "duplicate ether src", "ether src 02:00:00:00:00:09 src "
	    "02:00:00:00:00:08", "duplicate 'ether src'", NULL },
	{ "limit time-soft", BASE " dir out limit time-soft 3600",
	    "'limit time-soft'", "time lifetimes belong to the daemon" },
	{ "limit time-use-hard", "limit time-use-hard 60",
	    "'limit time-use-hard'", "daemon" },
	{ "limit unknown", "limit soft-byte-limit 100",
	    "unknown item 'soft-byte-limit'", "byte-soft" },
	{ "limit range", "limit byte-hard 18446744073709551616",
	    "limit byte-hard: '18446744073709551616' is out of range", NULL },
	{ "limit soft above hard", BASE " dir out limit byte-soft 2000 "
	    "limit byte-hard 1000", "byte-soft 2000 is above limit byte-hard "
	    "1000", NULL },
	{ "limit packets soft above hard", BASE " dir out limit packet-hard "
	    "5 limit packet-soft 6", "packet-soft 6 is above", NULL },
	{ "dir fwd", "dir fwd", "dir: 'fwd' is not in or out", NULL },
	{ "dir no value", BASE " dir", "'dir' needs a value", NULL },
	{ "ether bad mac", "ether src 02:00:00:00:00", "ether src: "
	    "'02:00:00:00:00' is not a MAC address", NULL },
	{ "ether bad mac long", "ether dst 02:00:00:00:00:00:00",
	    "'02:00:00:00:00:00:00' is not a MAC", NULL },
	{ "ether multicast src", "ether src 01:00:5e:00:00:01",
	    "'01:00:5e:00:00:01' is a multicast address", NULL },
	{ "ether nothing", "ether dir out", "ether: needs src MAC", NULL },
	{ "ip state update", "ip xfrm state update " BASE " dir out",
	    "'xfrm state add'", NULL },
	{ "ip only", "ip", "'xfrm state add'", NULL },
};
#define NBADS (sizeof(bads) / sizeof(bads[0]))

/*
 * Each bad line goes on line 3 of a file, after a comment and a good SA, and
 * must fail there with a message naming the file and the line; on its own,
 * sa_parse_line() must give the same message and leave *sa zeroed.
 */
static void
test_bad(void **state)
{
	const struct bad *b = (const struct bad *)*state;
	struct nicsec_sa *sas, sa, zero;
	char path[512], text[4096], err[1024], err1[1024], want[600];
	size_t n = 99;

	snprintf(text, sizeof(text), "# nicsec SAs\n%s\n%s\n%s\n", SWAN_IN,
	    b->line, SWAN_OUT);
	write_tmp(path, sizeof(path), "bad.sa", text);
	assert_int_equal(sa_parse_file(path, &sas, &n, err, sizeof(err)), -1);
	assert_null(sas);
	assert_int_equal(n, 0);
	snprintf(want, sizeof(want), "%s:3: ", path);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("message \"%s\" does not start \"%s\"", err, want);
	assert_contains(err, b->want1);
	if (b->want2 != NULL)
		assert_contains(err, b->want2);
	/* No key in any message, whatever the mistake. */
	assert_null(strstr(err, "00112233445566778899"));

	memset(&sa, 0xa5, sizeof(sa));
	memset(&zero, 0, sizeof(zero));
	assert_int_equal(sa_parse_line(b->line, &sa, err1, sizeof(err1)), -1);
	assert_string_equal(err1, err + strlen(want));
	assert_memory_equal(&sa, &zero, sizeof(sa));
}

/* A key given where a number belongs is not repeated in the message. */
static void
test_key_not_in_message(void **state)
{
	struct nicsec_sa sa;
	char err[512];

	(void)state;
	assert_int_equal(sa_parse_line("src 192.0.2.1 dst 192.0.2.2 spi "
	    K256 " dir in", &sa, err, sizeof(err)), -1);
	assert_contains(err, "spi: '0x... (72 hex digits)' is out of range");
	assert_null(strstr(err, "0a0b0c"));
	assert_int_equal(sa_parse_line("aead rfc4106(gcm(aes)) 128 " K128,
	    &sa, err, sizeof(err)), -1);
	assert_contains(err, "must be hex");
	assert_int_equal(sa_parse_line("aead rfc4106(gcm(aes)) " K128 " "
	    K128, &sa, err, sizeof(err)), -1);
	assert_contains(err, "(40 hex digits)");
	assert_null(strstr(err, "8899aabb"));
}

static void
test_long_line(void **state)
{
	struct nicsec_sa sa;
	char *line, err[256];

	(void)state;
	line = (char *)malloc(SA_LINE_MAX + 10);
	assert_non_null(line);
	memset(line, ' ', SA_LINE_MAX + 9);
	line[SA_LINE_MAX + 9] = '\0';
	memcpy(line, MIN_IN, strlen(MIN_IN));
	assert_int_equal(sa_parse_line(line, &sa, err, sizeof(err)), -1);
	assert_contains(err, "line too long");

	/* At the limit it is fine. */
	line[SA_LINE_MAX] = '\0';
	assert_int_equal(sa_parse_line(line, &sa, err, sizeof(err)), 1);
	free(line);

	/* Many words. */
	line = (char *)malloc(SA_LINE_MAX + 1);
	assert_non_null(line);
	memset(line, 0, SA_LINE_MAX + 1);
	while (strlen(line) + 4 < SA_LINE_MAX)
		strcat(line, "x y ");
	assert_int_equal(sa_parse_line(line, &sa, err, sizeof(err)), -1);
	assert_contains(err, "words");
	free(line);
}

/* ---- files -------------------------------------------------------------- */

static void
test_file(void **state)
{
	struct nicsec_sa *sas, sa;
	char path[512], err[512];
	size_t n, i;

	(void)state;
	write_tmp(path, sizeof(path), "good.sa",
	    "# the tunnel to site B\r\n"
	    "\r\n"
	    SWAN_OUT "\r\n"
	    "   # inbound\n"
	    SWAN_IN "\n"
	    V6_OUT "\n"
	    V6_IN_V4 "\n"
	    MIN_OUT "\n"
	    MIN_IN "\n"
	    OSEQ_OUT);			/* no newline at the end */
	assert_int_equal(sa_parse_file(path, &sas, &n, err, sizeof(err)), 0);
	assert_int_equal(n, NGOOD);
	for (i = 0; i < n; i++) {
		parse_ok(good_lines[i], &sa);
		assert_memory_equal(&sas[i], &sa, sizeof(sa));
	}
	sa_free(sas, n);

	/* Nothing but comments: no SA, not an error. */
	write_tmp(path, sizeof(path), "empty.sa", "# nothing yet\n\n");
	assert_int_equal(sa_parse_file(path, &sas, &n, err, sizeof(err)), 0);
	assert_null(sas);
	assert_int_equal(n, 0);
	sa_free(NULL, 0);

	/* Enough SAs to grow the array a few times. */
	{
		FILE *fp;

		snprintf(path, sizeof(path), "%s/many.sa", tmpdir);
		fp = fopen(path, "w");
		assert_non_null(fp);
		for (i = 1; i <= 100; i++)
			fprintf(fp, "src 192.0.2.1 dst 192.0.2.2 proto esp "
			    "spi %zu mode tunnel aead rfc4106(gcm(aes)) %s 128 "
			    "dir in\n", i, K128);
		assert_int_equal(fclose(fp), 0);
		assert_int_equal(sa_parse_file(path, &sas, &n, err,
		    sizeof(err)), 0);
		assert_int_equal(n, 100);
		assert_int_equal(sas[99].spi, 100);
		sa_free(sas, n);
	}
}

static void
test_file_errors(void **state)
{
	struct nicsec_sa *sas;
	char path[512], want[600], err[512];
	size_t n;
	FILE *fp;

	(void)state;
	/* Two inbound SAs with one SPI: the card could not tell them apart. */
	write_tmp(path, sizeof(path), "dupspi.sa",
	    MIN_IN "\n# x\n"
	    "src 192.0.2.9 dst 192.0.2.1 proto esp spi 4294967295 mode tunnel "
	    "aead rfc4106(gcm(aes)) " K256 " 128 dir in\n");
	assert_int_equal(sa_parse_file(path, &sas, &n, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:3: spi 0xffffffff is already used by "
	    "the inbound SA on line 1", path);
	assert_contains(err, want);

	/* Outbound: the same SPI is fine to another peer, not to the same. */
	write_tmp(path, sizeof(path), "dupspi_out.sa",
	    MIN_OUT "\n"
	    "src 192.0.2.1 dst 192.0.2.3 " PM_ "spi 1 " AEAD_ SEL_ "dir out\n"
	    "src 192.0.2.1 dst 192.0.2.2 " PM_ "spi 1 " AEAD_ SEL_ "dir out\n");
	assert_int_equal(sa_parse_file(path, &sas, &n, err, sizeof(err)), -1);
	assert_contains(err, ":3: spi 0x00000001 is already used by the "
	    "outbound SA on line 1");

	/* A NUL byte would hide the rest of the line. */
	snprintf(path, sizeof(path), "%s/nul.sa", tmpdir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("# ok\n", fp);
	fwrite(MIN_IN "\0 spi 2\n", 1, strlen(MIN_IN) + 8, fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(sa_parse_file(path, &sas, &n, err, sizeof(err)), -1);
	assert_contains(err, ":2: NUL byte");

	snprintf(path, sizeof(path), "%s/no-such.sa", tmpdir);
	assert_int_equal(sa_parse_file(path, &sas, &n, err, sizeof(err)), -1);
	assert_contains(err, path);
	assert_contains(err, "No such file");

	/* A directory opens but does not read. */
	assert_int_equal(sa_parse_file(tmpdir, &sas, &n, err, sizeof(err)),
	    -1);
	assert_contains(err, tmpdir);

	/* A tiny message buffer is cut, not overrun. */
	write_tmp(path, sizeof(path), "bad2.sa", "spi x\n");
	assert_int_equal(sa_parse_file(path, &sas, &n, err, 8), -1);
	assert_int_equal(strlen(err), 7);
	assert_int_equal(sa_parse_file(path, &sas, &n, NULL, 0), -1);
}

/* ---- the real ip -------------------------------------------------------- */

static char netns[64];

/*
 * Runs argv, its output to out (cut to outlen); returns the exit status, or
 * -1 if it did not exit normally.
 */
static int
run(char *const argv[], char *out, size_t outlen)
{
	int pfd[2], st;
	ssize_t k;
	size_t got = 0;
	pid_t pid;

	if (pipe(pfd) != 0)
		return -1;
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		close(pfd[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	while ((k = read(pfd[0], out + got, outlen - 1 - got)) > 0)
		got += (size_t)k;
	out[got] = '\0';
	close(pfd[0]);
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static int
make_netns(void **state)
{
	char *argv[] = { (char *)"ip", (char *)"netns", (char *)"add", netns,
	    NULL };
	char out[512];

	(void)state;
	snprintf(netns, sizeof(netns), "nicsec-ut-%ld", (long)getpid());
	if (geteuid() != 0 || run(argv, out, sizeof(out)) != 0) {
		netns[0] = '\0';	/* the test says why it skipped */
		return 0;
	}
	return 0;
}

static int
remove_netns(void **state)
{
	char *argv[] = { (char *)"ip", (char *)"netns", (char *)"del", netns,
	    NULL };
	char out[512];

	(void)state;
	if (netns[0] != '\0')
		run(argv, out, sizeof(out));
	return 0;
}

/*
 * The line as argv for `ip netns exec NS ip xfrm state add`: without our
 * own keywords (dir, ether and its addresses) and with the quotes a shell
 * would take off.
 */
static int
ip_argv(const char *line, char *buf, size_t buflen, char **argv, int max)
{
	char *t, *save = NULL;
	int n = 0, in_ether = 0;

	snprintf(buf, buflen, "%s", line);
	argv[n++] = (char *)"ip";
	argv[n++] = (char *)"netns";
	argv[n++] = (char *)"exec";
	argv[n++] = netns;
	argv[n++] = (char *)"ip";
	argv[n++] = (char *)"xfrm";
	argv[n++] = (char *)"state";
	argv[n++] = (char *)"add";
	t = strtok_r(buf, " ", &save);
	if (t != NULL && strcmp(t, "ip") == 0) {
		strtok_r(NULL, " ", &save);
		strtok_r(NULL, " ", &save);
		strtok_r(NULL, " ", &save);
		t = strtok_r(NULL, " ", &save);
	}
	for (; t != NULL; t = strtok_r(NULL, " ", &save)) {
		size_t len = strlen(t);

		/* ether's src and dst, each with its MAC. */
		if (in_ether && (strcmp(t, "src") == 0 ||
		    strcmp(t, "dst") == 0)) {
			strtok_r(NULL, " ", &save);
			continue;
		}
		in_ether = 0;
		if (strcmp(t, "ether") == 0) {
			in_ether = 1;
			continue;
		}
		if (strcmp(t, "dir") == 0) {
			strtok_r(NULL, " ", &save);
			continue;
		}
		if (len >= 2 && (t[0] == '\'' || t[0] == '"') &&
		    t[len - 1] == t[0]) {
			t[len - 1] = '\0';
			t++;
		}
		if (n == max - 1)
			return -1;
		argv[n++] = t;
	}
	argv[n] = NULL;
	return n;
}

static void
test_real_ip(void **state)
{
	char *flush[] = { (char *)"ip", (char *)"netns", (char *)"exec", netns,
	    (char *)"ip", (char *)"xfrm", (char *)"state", (char *)"flush",
	    NULL };
	char *argv[128], buf[SA_LINE_MAX + 1], out[2048], fmt[1024];
	struct nicsec_sa sa;
	size_t i;
	int rc, lacking = 0;

	(void)state;
	if (netns[0] == '\0') {
		printf("note: not root or no 'ip netns': the lines were not "
		    "checked against iproute2\n");
		skip();
	}
	/* Each good line, and sa_format()'s version of it. */
	for (i = 0; i < 2 * NGOOD; i++) {
		const char *line = good_lines[i / 2];

		if (i % 2 == 1) {
			parse_ok(line, &sa);
			assert_true(sa_format(&sa, 1, fmt, sizeof(fmt)) > 0);
			line = fmt;
		}
		assert_true(ip_argv(line, buf, sizeof(buf), argv,
		    (int)(sizeof(argv) / sizeof(argv[0]))) > 8);
		/* Our own keywords must all be gone. */
		for (rc = 0; argv[rc] != NULL; rc++) {
			assert_string_not_equal(argv[rc], "dir");
			assert_string_not_equal(argv[rc], "ether");
		}
		rc = run(argv, out, sizeof(out));
		/*
		 * ip exits 255 when it refuses the arguments and 2 when the
		 * kernel refuses the SA.  A kernel without ESP or without
		 * rfc4106(gcm(aes)) says so; ip's parser took the line.
		 */
		if (rc == 2 && (strstr(out, "Protocol not supported") != NULL ||
		    strstr(out, "algorithm not found") != NULL)) {
			lacking++;
		} else if (rc != 0) {
			fail_msg("ip xfrm state add exited %d: %s  line: %s",
			    rc, out, line);
		}
		run(flush, out, sizeof(out));
	}
	if (lacking > 0)
		printf("note: iproute2's parser took all %zu lines; the kernel "
		    "refused %d of them (no ESP or no rfc4106(gcm(aes)) in "
		    "this kernel), so those SAs were not installed\n",
		    2 * NGOOD, lacking);

	/* And ip refuses what it should: the check can fail. */
	assert_true(ip_argv(BASE " limit bogus 1", buf, sizeof(buf), argv,
	    (int)(sizeof(argv) / sizeof(argv[0]))) > 8);
	assert_int_equal(run(argv, out, sizeof(out)), 255);
}

/* ---- setup -------------------------------------------------------------- */

int
main(void)
{
	static char names[NBADS][96];
	struct CMUnitTest tests[NBADS + 15];
	size_t i, k = 0;

	/* Keep cmocka's stdout and stderr lines in order through a pipe. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_strongswan_out);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_strongswan_in);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_v6);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_v6_in_v4);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_minimal);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_oseq);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_quotes_and_prefix);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_blank_and_comments);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_round_trip);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_format_short_buffer);
	for (i = 0; i < NBADS; i++, k++) {
		snprintf(names[i], sizeof(names[i]), "bad %s", bads[i].name);
		tests[k] = (struct CMUnitTest){ names[i], test_bad, NULL, NULL,
		    (void *)&bads[i] };
	}
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_key_not_in_message);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_long_line);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_file);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_file_errors);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test_setup_teardown(
	    test_real_ip, make_netns, remove_netns);

	/* The array is filled at run time: make sure every slot was. */
	if (k != sizeof(tests) / sizeof(tests[0])) {
		fprintf(stderr, "test_sa_parse: %zu tests made, array holds "
		    "%zu\n", k, sizeof(tests) / sizeof(tests[0]));
		return 1;
	}
	return cmocka_run_group_tests(tests, scratch_make, scratch_remove);
}
