/*
 * test_sa_pack.c - SAs packed into the card's SA record, key and sequence.
 *
 * Each SA line is parsed, packed, and every field read back with a reader of
 * this file's own (bit by bit, from the record's bit numbering as
 * regmap/sa_record.def states it) against values written out here by hand
 * from the line: addresses as their 32-bit pieces, MACs and the salt as
 * numbers.  A count of the set bits catches a stray bit anywhere.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sys/socket.h>

#include <cmocka.h>

#include "sa_pack.h"

#define K128	"0x00112233445566778899aabbccddeeffc0c1c2c3"
#define K256	"0x000102030405060708090a0b0c0d0e0f" \
		"101112131415161718191a1b1c1d1e1f5a5b5c5d"

/* Outbound, IPv4, NAT-T, ESN, oseq with both halves, packet limits, MACs. */
#define OUT_V4 \
	"src 203.0.113.10 dst 198.51.100.20 proto esp spi 0xc3b5a1f2 " \
	"reqid 1 mode tunnel replay-window 32 flag esn " \
	"aead 'rfc4106(gcm(aes))' " K128 " 128 " \
	"encap espinudp 4500 4501 0.0.0.0 " \
	"sel src 10.1.0.0/24 dst 10.2.0.0/24 " \
	"replay-oseq 0x10 replay-oseq-hi 2 " \
	"limit packet-soft 100 limit packet-hard 200 " \
	"ether src 02:11:22:33:44:55 dst 02:66:77:88:99:aa dir out"
/* Inbound, IPv6, AES-256, 64-bit ICV, no selector, byte limits. */
#define IN_V6 \
	"src 2001:db8:2::1 dst 2001:db8:1::1 proto esp spi 0x1abc " \
	"mode tunnel replay-window 4096 " \
	"aead rfc4106(gcm(aes)) " K256 " 64 replay-seq 7 " \
	"limit byte-soft 1000 limit byte-hard 0x123456789a dir in"
/* Inbound with an IPv6 selector over IPv4. */
#define IN_SEL6 \
	"src 192.0.2.2 dst 192.0.2.1 proto esp spi 0x00000101 mode tunnel " \
	"replay-window 64 aead rfc4106(gcm(aes)) " K128 " 96 " \
	"sel src 2001:db8:a::/48 dst 2001:db8:bb00::/40 dir in"

static void
parse_ok(const char *line, struct nicsec_sa *sa)
{
	char err[512];
	int r = sa_parse_line(line, sa, err, sizeof(err));

	if (r != 1)
		fail_msg("sa_parse_line returned %d: %s", r, err);
}

/* Bit n of the record: word n / 32, bit n % 32 of it. */
static unsigned
bit(const uint32_t *rec, unsigned n)
{
	return rec[n >> 5] >> (n & 31) & 1u;
}

/* Up to 64 bits from lsb, the way the def file numbers them. */
static uint64_t
field(const uint32_t *rec, unsigned lsb, unsigned bits)
{
	uint64_t v = 0;

	while (bits-- > 0)
		v = v << 1 | bit(rec, lsb + bits);
	return v;
}

#define F(rec, name) field(rec, SA_REC_##name##_LSB, SA_REC_##name##_BITS)
/* 32 bits of a 128-bit field: piece 0 is the top, 3 the bottom. */
#define F32(rec, name, piece) \
	field(rec, SA_REC_##name##_LSB + 96 - 32 * (piece), 32)

static int
popcount64(uint64_t v)
{
	int n = 0;

	for (; v != 0; v &= v - 1)
		n++;
	return n;
}

static int
record_popcount(const uint32_t *rec)
{
	int n = 0, i;

	for (i = 0; i < SA_REC_WORDS; i++)
		n += popcount64(rec[i]);
	return n;
}

static void
test_layout(void **state)
{
	(void)state;
	/* The generated header and the words the packer fills agree. */
	assert_int_equal(SA_REC_WORDS, (SA_REC_BITS + 31) / 32);
	assert_int_equal(SA_REC_HARD_BYTES_LSB + SA_REC_HARD_BYTES_BITS,
	    SA_REC_BITS);
}

static void
test_outbound_v4(void **state)
{
	struct nicsec_sa sa;
	uint32_t rec[SA_REC_WORDS], key[SA_KEY_WORDS];
	int i, ones = 0;

	(void)state;
	parse_ok(OUT_V4, &sa);
	memset(rec, 0xa5, sizeof(rec));	/* packing must clear it all */
	sa_record_pack(&sa, rec);

	assert_int_equal(F(rec, VALID), 1);
	assert_int_equal(F(rec, DIR_OUT), 1);
	assert_int_equal(F(rec, ESN), 1);
	assert_int_equal(F(rec, ICV_LEN), 16);
	assert_int_equal(F(rec, SPI), 0xc3b5a1f2);
	assert_int_equal(F(rec, SALT), 0xc0c1c2c3);
	assert_int_equal(F(rec, WIN), 32);
	assert_int_equal(F(rec, UDP), 1);
	assert_int_equal(F(rec, SPORT), 4500);
	assert_int_equal(F(rec, DPORT), 4501);
	assert_int_equal(F(rec, V6), 0);
	/* 203.0.113.10 and 198.51.100.20 in the low 32 bits */
	for (i = 0; i < 3; i++) {
		assert_int_equal(F32(rec, SRC, i), 0);
		assert_int_equal(F32(rec, DST, i), 0);
	}
	assert_int_equal(F32(rec, SRC, 3), 0xcb00710a);
	assert_int_equal(F32(rec, DST, 3), 0xc6336414);
	assert_int_equal(F(rec, ETH_SRC), 0x021122334455ull);
	assert_int_equal(F(rec, ETH_DST), 0x0266778899aaull);
	assert_int_equal(F(rec, SEL_ANY), 0);
	assert_int_equal(F(rec, SEL_V6), 0);
	assert_int_equal(F32(rec, SEL_SRC, 3), 0x0a010000);
	assert_int_equal(F32(rec, SEL_DST, 3), 0x0a020000);
	assert_int_equal(F(rec, SEL_SRC_PLEN), 24);
	assert_int_equal(F(rec, SEL_DST_PLEN), 24);
	assert_int_equal(F(rec, SOFT_PKTS), 100);
	assert_int_equal(F(rec, HARD_PKTS), 200);
	assert_true(F(rec, SOFT_BYTES) == UINT64_MAX);
	assert_true(F(rec, HARD_BYTES) == UINT64_MAX);

	/* Nothing set but the fields above. */
	ones = 1 + 1 + 1 + popcount64(16) + popcount64(0xc3b5a1f2) +
	    popcount64(0xc0c1c2c3) + popcount64(32) + 1 + popcount64(4500) +
	    popcount64(4501) + popcount64(0xcb00710a) +
	    popcount64(0xc6336414) + popcount64(0x021122334455ull) +
	    popcount64(0x0266778899aaull) + popcount64(0x0a010000) +
	    popcount64(0x0a020000) + 2 * popcount64(24) + popcount64(100) +
	    popcount64(200) + 128;
	assert_int_equal(record_popcount(rec), ones);

	assert_int_equal(sa_key_words(&sa, key), 0);
	assert_int_equal(key[7], 0x00112233);
	assert_int_equal(key[6], 0x44556677);
	assert_int_equal(key[5], 0x8899aabb);
	assert_int_equal(key[4], 0xccddeeff);
	for (i = 0; i < 4; i++)
		assert_int_equal(key[i], 0);
	assert_true(sa_start_seq(&sa) == 0x200000010ull);
}

static void
test_inbound_v6(void **state)
{
	struct nicsec_sa sa;
	uint32_t rec[SA_REC_WORDS], key[SA_KEY_WORDS];
	const uint32_t want_key[8] = {
		0x1c1d1e1f, 0x18191a1b, 0x14151617, 0x10111213,
		0x0c0d0e0f, 0x08090a0b, 0x04050607, 0x00010203,
	};
	int i;

	(void)state;
	parse_ok(IN_V6, &sa);
	sa_record_pack(&sa, rec);
	assert_int_equal(F(rec, VALID), 1);
	assert_int_equal(F(rec, DIR_OUT), 0);
	assert_int_equal(F(rec, ESN), 0);
	assert_int_equal(F(rec, ICV_LEN), 8);
	assert_int_equal(F(rec, SPI), 0x1abc);
	assert_int_equal(F(rec, SALT), 0x5a5b5c5d);
	assert_int_equal(F(rec, WIN), 4096);
	assert_int_equal(F(rec, UDP), 0);
	assert_int_equal(F(rec, V6), 1);
	assert_int_equal(F32(rec, SRC, 0), 0x20010db8);
	assert_int_equal(F32(rec, SRC, 1), 0x00020000);
	assert_int_equal(F32(rec, SRC, 2), 0);
	assert_int_equal(F32(rec, SRC, 3), 1);
	assert_int_equal(F32(rec, DST, 1), 0x00010000);
	/* Not given: the parser's "not configured" MACs. */
	assert_int_equal(F(rec, ETH_SRC), 0x020000000001ull);
	assert_int_equal(F(rec, ETH_DST), 0x020000000002ull);
	assert_int_equal(F(rec, SEL_ANY), 1);
	assert_true(F(rec, SOFT_PKTS) == UINT64_MAX);
	assert_true(F(rec, HARD_PKTS) == UINT64_MAX);
	assert_int_equal(F(rec, SOFT_BYTES), 1000);
	assert_true(F(rec, HARD_BYTES) == 0x123456789aull);

	assert_int_equal(sa_key_words(&sa, key), 1);
	for (i = 0; i < 8; i++)
		assert_int_equal(key[i], want_key[i]);
	assert_true(sa_start_seq(&sa) == 7);
}

static void
test_inbound_selector_v6(void **state)
{
	struct nicsec_sa sa;
	uint32_t rec[SA_REC_WORDS];

	(void)state;
	parse_ok(IN_SEL6, &sa);
	sa_record_pack(&sa, rec);
	assert_int_equal(F(rec, ICV_LEN), 12);
	assert_int_equal(F(rec, V6), 0);
	assert_int_equal(F32(rec, SRC, 3), 0xc0000202);
	assert_int_equal(F(rec, SEL_ANY), 0);
	assert_int_equal(F(rec, SEL_V6), 1);
	assert_int_equal(F32(rec, SEL_SRC, 0), 0x20010db8);
	assert_int_equal(F32(rec, SEL_SRC, 1), 0x000a0000);
	assert_int_equal(F32(rec, SEL_DST, 0), 0x20010db8);
	assert_int_equal(F32(rec, SEL_DST, 1), 0xbb000000);
	assert_int_equal(F(rec, SEL_SRC_PLEN), 48);
	assert_int_equal(F(rec, SEL_DST_PLEN), 40);
	assert_true(sa_start_seq(&sa) == 0);
}

/* The field helpers across word boundaries, read back by this file's reader. */
static void
test_put_get(void **state)
{
	uint32_t rec[SA_REC_WORDS];
	const uint8_t b[6] = { 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02 };

	(void)state;
	memset(rec, 0, sizeof(rec));
	sa_record_put(rec, 30, 40, 0xab12345678ull);
	assert_true(field(rec, 30, 40) == 0xab12345678ull);
	assert_true(sa_record_get(rec, 30, 40) == 0xab12345678ull);
	assert_int_equal(bit(rec, 29), 0);
	assert_int_equal(bit(rec, 70), 0);
	sa_record_put(rec, 30, 40, 0);
	assert_int_equal(record_popcount(rec), 0);

	sa_record_put_bytes(rec, 100, 128, b, 6);
	assert_true(field(rec, 100, 48) == 0xdeadbeef0102ull);
	assert_true(field(rec, 148, 64) == 0);
	memset(rec, 0xff, sizeof(rec));
	sa_record_put_bytes(rec, 100, 128, b, 6);
	assert_true(field(rec, 148, 64) == 0);
	assert_true(field(rec, 212, 16) == 0);
	assert_int_equal(bit(rec, 99), 1);
	assert_int_equal(bit(rec, 228), 1);
}

/*
 * What a record read back from the card gives: the SA that was packed, but
 * for what the record does not hold (key, reqid, sequence numbers, the
 * selector's protocol, encap's OADDR).
 */
static void
unpack_same(const char *line)
{
	struct nicsec_sa sa, back;
	uint32_t rec[SA_REC_WORDS];

	parse_ok(line, &sa);
	sa_record_pack(&sa, rec);
	assert_int_equal(sa_record_unpack(rec, &back), 1);
	memset(sa.key, 0, sizeof(sa.key));
	sa.key_len = 0;
	sa.reqid = 0;
	sa.oseq = sa.seq = 0;
	sa.sel.proto = -1;
	memset(sa.encap_oaddr, 0, sizeof(sa.encap_oaddr));
	if (sa.encap)
		sa.encap_ofamily = AF_INET;
	assert_memory_equal(&sa, &back, sizeof(sa));
}

static void
test_unpack(void **state)
{
	struct nicsec_sa sa;
	uint32_t rec[SA_REC_WORDS] = { 0 };

	(void)state;
	unpack_same(OUT_V4);
	unpack_same(IN_V6);
	unpack_same(IN_SEL6);
	/* an empty slot */
	memset(&sa, 0x5a, sizeof(sa));
	assert_int_equal(sa_record_unpack(rec, &sa), 0);
	assert_int_equal(sa.dir, 0);
	assert_int_equal(sa.spi, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_outbound_v4),
		cmocka_unit_test(test_inbound_v6),
		cmocka_unit_test(test_inbound_selector_v6),
		cmocka_unit_test(test_put_get),
		cmocka_unit_test(test_unpack),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
