/*
 * sa_pack.c - an SA as the card takes it: record, key, starting sequence.
 * See sa_pack.h; the layout is regmap/sa_record.def's.
 */
#include "sa_pack.h"

#include <string.h>
#include <sys/socket.h>

void
sa_record_put(uint32_t *rec, unsigned lsb, unsigned bits, uint64_t v)
{
	unsigned i;

	/* Bit by bit: fields straddle words anywhere, and records are few. */
	for (i = 0; i < bits; i++) {
		unsigned b = lsb + i;
		uint32_t m = (uint32_t)1 << (b % 32);

		if (v >> i & 1)
			rec[b / 32] |= m;
		else
			rec[b / 32] &= ~m;
	}
}

uint64_t
sa_record_get(const uint32_t *rec, unsigned lsb, unsigned bits)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < bits; i++) {
		unsigned b = lsb + i;

		v |= (uint64_t)(rec[b / 32] >> (b % 32) & 1) << i;
	}
	return v;
}

void
sa_record_put_bytes(uint32_t *rec, unsigned lsb, unsigned bits,
    const uint8_t *p, size_t n)
{
	size_t i;

	/* The last byte is the least significant: it goes lowest. */
	sa_record_put(rec, lsb, bits > 64 ? 64 : bits, 0);
	if (bits > 64)
		sa_record_put(rec, lsb + 64, bits - 64, 0);
	for (i = 0; i < n; i++)
		sa_record_put(rec, lsb + 8 * (unsigned)(n - 1 - i), 8, p[i]);
}

/* An address as the record's 128-bit number: IPv4 in the low 32 bits. */
static void
put_addr(uint32_t *rec, unsigned lsb, int family, const uint8_t a[16])
{
	sa_record_put_bytes(rec, lsb, 128, a, family == AF_INET ? 4 : 16);
}

#define PUT(rec, f, v) \
	sa_record_put(rec, SA_REC_##f##_LSB, SA_REC_##f##_BITS, v)

void
sa_record_pack(const struct nicsec_sa *sa, uint32_t rec[SA_REC_WORDS])
{
	memset(rec, 0, SA_REC_WORDS * sizeof(rec[0]));
	PUT(rec, VALID, 1);
	PUT(rec, DIR_OUT, sa->dir == SA_DIR_OUT);
	PUT(rec, ESN, sa->esn != 0);
	PUT(rec, ICV_LEN, (uint64_t)sa->icv_len);
	PUT(rec, SPI, sa->spi);
	sa_record_put_bytes(rec, SA_REC_SALT_LSB, SA_REC_SALT_BITS, sa->salt, 4);
	PUT(rec, WIN, sa->replay_window);
	PUT(rec, UDP, sa->encap != 0);
	PUT(rec, SPORT, sa->encap_sport);
	PUT(rec, DPORT, sa->encap_dport);
	PUT(rec, V6, sa->family == AF_INET6);
	put_addr(rec, SA_REC_SRC_LSB, sa->family, sa->src);
	put_addr(rec, SA_REC_DST_LSB, sa->family, sa->dst);
	sa_record_put_bytes(rec, SA_REC_ETH_SRC_LSB, SA_REC_ETH_SRC_BITS,
	    sa->ether_src, 6);
	sa_record_put_bytes(rec, SA_REC_ETH_DST_LSB, SA_REC_ETH_DST_BITS,
	    sa->ether_dst, 6);
	/*
	 * The selector: the card checks it on inbound SAs (an outbound SA's
	 * selector is a policy rule instead), but it is written either way so
	 * that a record read back shows the whole SA.
	 */
	PUT(rec, SEL_ANY, sa->sel.family == 0);
	if (sa->sel.family != 0) {
		PUT(rec, SEL_V6, sa->sel.family == AF_INET6);
		put_addr(rec, SA_REC_SEL_SRC_LSB, sa->sel.family, sa->sel.src);
		PUT(rec, SEL_SRC_PLEN, (uint64_t)sa->sel.src_plen);
		put_addr(rec, SA_REC_SEL_DST_LSB, sa->sel.family, sa->sel.dst);
		PUT(rec, SEL_DST_PLEN, (uint64_t)sa->sel.dst_plen);
	}
	PUT(rec, SOFT_PKTS, sa->soft_packets);
	PUT(rec, HARD_PKTS, sa->hard_packets);
	PUT(rec, SOFT_BYTES, sa->soft_bytes);
	PUT(rec, HARD_BYTES, sa->hard_bytes);
}

/* The n bytes of a field written by sa_record_put_bytes(), p[0] on top. */
static void
get_bytes(const uint32_t *rec, unsigned lsb, uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)sa_record_get(rec, lsb + 8 * (unsigned)(n - 1 - i),
		    8);
}

#define GET(rec, f) sa_record_get(rec, SA_REC_##f##_LSB, SA_REC_##f##_BITS)

int
sa_record_unpack(const uint32_t rec[SA_REC_WORDS], struct nicsec_sa *sa)
{
	size_t alen;

	memset(sa, 0, sizeof(*sa));
	if (!GET(rec, VALID))
		return 0;
	sa->dir = GET(rec, DIR_OUT) ? SA_DIR_OUT : SA_DIR_IN;
	sa->esn = (int)GET(rec, ESN);
	sa->icv_len = (int)GET(rec, ICV_LEN);
	sa->spi = (uint32_t)GET(rec, SPI);
	get_bytes(rec, SA_REC_SALT_LSB, sa->salt, 4);
	sa->replay_window = (uint32_t)GET(rec, WIN);
	sa->encap = (int)GET(rec, UDP);
	sa->encap_sport = (uint16_t)GET(rec, SPORT);
	sa->encap_dport = (uint16_t)GET(rec, DPORT);
	if (sa->encap)
		sa->encap_ofamily = AF_INET;	/* ip's 0.0.0.0: not recorded */
	sa->family = GET(rec, V6) ? AF_INET6 : AF_INET;
	alen = sa->family == AF_INET ? 4 : 16;
	get_bytes(rec, SA_REC_SRC_LSB, sa->src, alen);
	get_bytes(rec, SA_REC_DST_LSB, sa->dst, alen);
	get_bytes(rec, SA_REC_ETH_SRC_LSB, sa->ether_src, 6);
	get_bytes(rec, SA_REC_ETH_DST_LSB, sa->ether_dst, 6);
	sa->sel.proto = -1;
	if (!GET(rec, SEL_ANY)) {
		sa->sel.family = GET(rec, SEL_V6) ? AF_INET6 : AF_INET;
		alen = sa->sel.family == AF_INET ? 4 : 16;
		get_bytes(rec, SA_REC_SEL_SRC_LSB, sa->sel.src, alen);
		get_bytes(rec, SA_REC_SEL_DST_LSB, sa->sel.dst, alen);
		sa->sel.src_plen = (int)GET(rec, SEL_SRC_PLEN);
		sa->sel.dst_plen = (int)GET(rec, SEL_DST_PLEN);
	}
	sa->soft_packets = GET(rec, SOFT_PKTS);
	sa->hard_packets = GET(rec, HARD_PKTS);
	sa->soft_bytes = GET(rec, SOFT_BYTES);
	sa->hard_bytes = GET(rec, HARD_BYTES);
	return 1;
}

int
sa_key_words(const struct nicsec_sa *sa, uint32_t words[SA_KEY_WORDS])
{
	size_t i;

	memset(words, 0, SA_KEY_WORDS * sizeof(words[0]));
	/* Byte i of the key sits at bits 255 - 8i .. 248 - 8i. */
	for (i = 0; i < sa->key_len && i < 32; i++) {
		unsigned bit = 256 - 8 * (unsigned)(i + 1);

		words[bit / 32] |= (uint32_t)sa->key[i] << (bit % 32);
	}
	return sa->key_len == 32;
}

uint64_t
sa_start_seq(const struct nicsec_sa *sa)
{
	return sa->dir == SA_DIR_OUT ? sa->oseq : sa->seq;
}
