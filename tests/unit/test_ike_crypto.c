/*
 * test_ike_crypto.c - IKEv2's cryptography (host/ike_crypto.c).
 *
 * Known answers from sources nobody here wrote: RFC 4231's HMAC-SHA2
 * test cases for the PRFs, RFC 5903 8's ECP vectors (both KE values and
 * g^ir), RFC 7748 6.1's X25519 Alice and Bob, RFC 3526's primes for the
 * MODP peer values that must be refused.  The key derivations are checked
 * for their structure here (which bytes, which order), and byte for byte
 * against an independent Python implementation by ike_crypto_cross.c.
 * The SK payload: every suite both ways, every bit flipped, every
 * truncation, bad lengths and padding, buffers one byte short.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/evp.h>

#include "ike_crypto.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/* Hex with spaces, as the RFCs print it, into out; returns the length. */
static size_t
unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;
	unsigned int b;

	for (; *s != '\0'; s++) {
		if (*s == ' ')
			continue;
		assert_true(n < max);
		assert_int_equal(sscanf(s, "%2x", &b), 1);
		out[n++] = (uint8_t)b;
		s++;
	}
	return n;
}

static void
assert_hex(const uint8_t *got, size_t len, const char *want)
{
	uint8_t w[1024];
	size_t n = unhex(want, w, sizeof(w));

	assert_int_equal(len, n);
	assert_memory_equal(got, w, n);
}

/* ---- PRF: RFC 4231 4.2-4.8 ------------------------------------------ */

static const char tc7[] = "This is a test using a larger than block-size "
    "key and a larger than block-size data. The key needs to be hashed "
    "before being used by the HMAC algorithm.";

static const struct {
	int		 tc;		/* RFC 4231 test case */
	const char	*sha256, *sha384, *sha512;
} rfc4231[] = {
	{ 1,
	  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
	  "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
	  "faea9ea9076ede7f4af152e8b2fa9cb6",
	  "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
	  "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854" },
	{ 2,
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
	  "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
	  "8e2240ca5e69e2c78b3239ecfab21649",
	  "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
	  "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737" },
	{ 3,
	  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
	  "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b"
	  "2a5ab39dc13814b94e3ab6e101a34f27",
	  "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
	  "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb" },
	{ 4,
	  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
	  "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e"
	  "6801dd23c4a7d679ccf8a386c674cffb",
	  "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
	  "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd" },
	{ 6,
	  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
	  "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
	  "0c2ef6ab4030fe8296248df163f44952",
	  "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
	  "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598" },
	{ 7,
	  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
	  "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5"
	  "a678cc31e799176d3860e6110c46523e",
	  "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
	  "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58" },
};

/* The key and data of RFC 4231's test case tc. */
static void
rfc4231_input(int tc, uint8_t *key, size_t *klen, uint8_t *data,
    size_t *dlen)
{
	size_t i;

	switch (tc) {
	case 1:
		memset(key, 0x0b, *klen = 20);
		memcpy(data, "Hi There", *dlen = 8);
		break;
	case 2:
		memcpy(key, "Jefe", *klen = 4);
		memcpy(data, "what do ya want for nothing?", *dlen = 28);
		break;
	case 3:
		memset(key, 0xaa, *klen = 20);
		memset(data, 0xdd, *dlen = 50);
		break;
	case 4:
		for (i = 0; i < 25; i++)
			key[i] = (uint8_t)(i + 1);
		*klen = 25;
		memset(data, 0xcd, *dlen = 50);
		break;
	case 6:
		memset(key, 0xaa, *klen = 131);
		memcpy(data, "Test Using Larger Than Block-Size Key - Hash Key "
		    "First", *dlen = 54);
		break;
	case 7:
		memset(key, 0xaa, *klen = 131);
		memcpy(data, tc7, *dlen = strlen(tc7));
		break;
	}
}

static void
test_prf_rfc4231(void **state)
{
	uint8_t key[256], data[256], out[IKE_PRF_MAX];
	size_t i, klen = 0, dlen = 0;

	(void)state;
	assert_int_equal(ike_prf_len(PRF_HMAC_SHA2_256), 32);
	assert_int_equal(ike_prf_len(PRF_HMAC_SHA2_384), 48);
	assert_int_equal(ike_prf_len(PRF_HMAC_SHA2_512), 64);
	for (i = 0; i < N(rfc4231); i++) {
		rfc4231_input(rfc4231[i].tc, key, &klen, data, &dlen);
		assert_int_equal(ike_prf(PRF_HMAC_SHA2_256, key, klen, data,
		    dlen, out), 0);
		assert_hex(out, 32, rfc4231[i].sha256);
		assert_int_equal(ike_prf(PRF_HMAC_SHA2_384, key, klen, data,
		    dlen, out), 0);
		assert_hex(out, 48, rfc4231[i].sha384);
		assert_int_equal(ike_prf(PRF_HMAC_SHA2_512, key, klen, data,
		    dlen, out), 0);
		assert_hex(out, 64, rfc4231[i].sha512);
	}
}

static void
test_prf_gathered_and_unknown(void **state)
{
	uint8_t key[256], data[256], a[64], b[64];
	struct ike_iov v[3];
	size_t klen, dlen;

	(void)state;
	rfc4231_input(7, key, &klen, data, &dlen);
	v[0].p = data; v[0].len = 10;
	v[1].p = data + 10; v[1].len = 0;
	v[2].p = data + 10; v[2].len = dlen - 10;
	assert_int_equal(ike_prf_v(PRF_HMAC_SHA2_384, key, klen, v, 3, a), 0);
	assert_hex(a, 48, rfc4231[5].sha384);
	/* An empty key is a key (HMAC pads it with zeros). */
	assert_int_equal(ike_prf(PRF_HMAC_SHA2_256, NULL, 0, data, dlen, a),
	    0);
	memset(key, 0, 64);
	assert_int_equal(ike_prf(PRF_HMAC_SHA2_256, key, 64, data, dlen, b),
	    0);
	assert_memory_equal(a, b, 32);
	/* PRF_HMAC_SHA1 (2), AES128_XCBC (4), unassigned: none. */
	assert_int_equal(ike_prf_len(2), 0);
	assert_int_equal(ike_prf_len(4), 0);
	assert_int_equal(ike_prf(2, key, 20, data, dlen, a), -1);
	assert_int_equal(ike_prf_plus(4, key, 20, data, dlen, a, 10), -1);
}

/* ---- prf+ (RFC 7296 2.13) ------------------------------------------- */

static void
test_prf_plus(void **state)
{
	static const uint16_t prfs[] = { PRF_HMAC_SHA2_256, PRF_HMAC_SHA2_384,
	    PRF_HMAC_SHA2_512 };
	uint8_t key[40], seed[70], in[IKE_PRF_MAX + 71], t[IKE_PRF_MAX];
	uint8_t out[255 * 64 + 1], big[255 * 64 + 1];
	struct ike_iov v[2];
	size_t i, k, hl;

	(void)state;
	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i * 7 + 1);
	for (i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)(i * 13 + 5);
	for (k = 0; k < N(prfs); k++) {
		hl = ike_prf_len(prfs[k]);
		/* The whole 255 blocks the counter allows, and no more. */
		assert_int_equal(ike_prf_plus(prfs[k], key, sizeof(key), seed,
		    sizeof(seed), big, 255 * hl), 0);
		assert_int_equal(ike_prf_plus(prfs[k], key, sizeof(key), seed,
		    sizeof(seed), out, 255 * hl + 1), -1);
		/* T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n). */
		memcpy(in, seed, sizeof(seed));
		in[sizeof(seed)] = 1;
		assert_int_equal(ike_prf(prfs[k], key, sizeof(key), in,
		    sizeof(seed) + 1, t), 0);
		assert_memory_equal(big, t, hl);
		for (i = 2; i <= 255; i++) {
			memcpy(in, t, hl);
			memcpy(in + hl, seed, sizeof(seed));
			in[hl + sizeof(seed)] = (uint8_t)i;
			assert_int_equal(ike_prf(prfs[k], key, sizeof(key), in,
			    hl + sizeof(seed) + 1, t), 0);
			assert_memory_equal(big + (i - 1) * hl, t, hl);
		}
		/* A shorter output is a prefix: no length goes in. */
		assert_int_equal(ike_prf_plus(prfs[k], key, sizeof(key), seed,
		    sizeof(seed), out, 77), 0);
		assert_memory_equal(out, big, 77);
		/* Gathered is the same as contiguous. */
		v[0].p = seed; v[0].len = 33;
		v[1].p = seed + 33; v[1].len = sizeof(seed) - 33;
		assert_int_equal(ike_prf_plus_v(prfs[k], key, sizeof(key), v,
		    2, out, 200), 0);
		assert_memory_equal(out, big, 200);
	}
}

/* ---- ECP: RFC 5903 8 ------------------------------------------------- */

/*
 * RFC 5903 section 8 ("Test Vectors"), 8.1 to 8.3: the initiator's and
 * responder's private keys i and r, their KE values (x | y, each the
 * field's length) and the shared secret, g^ir's x coordinate, as the RFC
 * prints them.
 */
static const struct {
	uint16_t	 group;
	const char	*i, *gix, *giy, *r, *grx, *gry, *girx;
} rfc5903[] = {
	{ KE_ECP_256,	/* 8.1.  256-Bit Random ECP Group */
	    "C88F01F5 10D9AC3F 70A292DA A2316DE5 44E9AAB8 AFE84049 "
	    "C62A9C57 862D1433",
	    "DAD0B653 94221CF9 B051E1FE CA5787D0 98DFE637 FC90B9EF "
	    "945D0C37 72581180",
	    "5271A046 1CDB8252 D61F1C45 6FA3E59A B1F45B33 ACCF5F58 "
	    "389E0577 B8990BB3",
	    "C6EF9C5D 78AE012A 011164AC B397CE20 88685D8F 06BF9BE0 "
	    "B283AB46 476BEE53",
	    "D12DFB52 89C8D4F8 1208B702 70398C34 2296970A 0BCCB74C "
	    "736FC755 4494BF63",
	    "56FBF3CA 366CC23E 8157854C 13C58D6A AC23F046 ADA30F83 "
	    "53E74F33 039872AB",
	    "D6840F6B 42F6EDAF D13116E0 E1256520 2FEF8E9E CE7DCE03 "
	    "812464D0 4B9442DE" },
	{ KE_ECP_384,	/* 8.2.  384-Bit Random ECP Group */
	    "099F3C70 34D4A2C6 99884D73 A375A67F 7624EF7C 6B3C0F16 "
	    "0647B674 14DCE655 E35B5380 41E649EE 3FAEF896 783AB194",
	    "667842D7 D180AC2C DE6F74F3 7551F557 55C7645C 20EF73E3 "
	    "1634FE72 B4C55EE6 DE3AC808 ACB4BDB4 C88732AE E95F41AA",
	    "9482ED1F C0EEB9CA FC498462 5CCFC23F 65032149 E0E144AD "
	    "A0241815 35A0F38E EB9FCFF3 C2C947DA E69B4C63 4573A81C",
	    "41CB0779 B4BDB85D 47846725 FBEC3C94 30FAB46C C8DC5060 "
	    "855CC9BD A0AA2942 E0308312 916B8ED2 960E4BD5 5A7448FC",
	    "E558DBEF 53EECDE3 D3FCCFC1 AEA08A89 A987475D 12FD950D "
	    "83CFA417 32BC509D 0D1AC43A 0336DEF9 6FDA41D0 774A3571",
	    "DCFBEC7A ACF31964 72169E83 8430367F 66EEBE3C 6E70C416 "
	    "DD5F0C68 759DD1FF F83FA401 42209DFF 5EAAD96D B9E6386C",
	    "11187331 C279962D 93D60424 3FD592CB 9D0A926F 422E4718 "
	    "7521287E 7156C5C4 D6031355 69B9E9D0 9CF5D4A2 70F59746" },
	{ KE_ECP_521,	/* 8.3.  521-Bit Random ECP Group */
	    "0037ADE9 319A89F4 DABDB3EF 411AACCC A5123C61 ACAB57B5 "
	    "393DCE47 608172A0 95AA85A3 0FE1C295 2C6771D9 37BA9777 "
	    "F5957B26 39BAB072 462F68C2 7A57382D 4A52",
	    "0015417E 84DBF28C 0AD3C278 713349DC 7DF153C8 97A1891B "
	    "D98BAB43 57C9ECBE E1E3BF42 E00B8E38 0AEAE57C 2D107564 "
	    "94188594 2AF5A7F4 601723C4 195D176C ED3E",
	    "017CAE20 B6641D2E EB695786 D8C94614 6239D099 E18E1D5A "
	    "514C739D 7CB4A10A D8A78801 5AC405D7 799DC75E 7B7D5B6C "
	    "F2261A6A 7F150743 8BF01BEB 6CA3926F 9582",
	    "0145BA99 A847AF43 793FDD0E 872E7CDF A16BE30F DC780F97 "
	    "BCCC3F07 8380201E 9C677D60 0B343757 A3BDBF2A 3163E4C2 "
	    "F869CCA7 458AA4A4 EFFC311F 5CB15168 5EB9",
	    "00D0B397 5AC4B799 F5BEA16D 5E13E9AF 971D5E9B 984C9F39 "
	    "728B5E57 39735A21 9B97C356 436ADC6E 95BB0352 F6BE64A6 "
	    "C2912D4E F2D0433C ED2B6171 640012D9 460F",
	    "015C6822 6383956E 3BD066E7 97B623C2 7CE0EAC2 F551A10C "
	    "2C724D98 52077B87 220B6536 C5C408A1 D2AEBB8E 86D678AE "
	    "49CB5709 1F473229 6579AB44 FCD17F0F C56A",
	    "01144C7D 79AE6956 BC8EDB8E 7C787C45 21CB086F A64407F9 "
	    "7894E5E6 B2D79B04 D1427E73 CA4BAA24 0A347868 59810C06 "
	    "B3C715A3 A8CC3151 F2BEE417 996D19F3 DDEA" },
};

static struct ike_dh *
dh_private(uint16_t group, const char *hex)
{
	uint8_t priv[IKE_DH_MAX];
	struct ike_dh *dh;
	char err[256];
	size_t n = unhex(hex, priv, sizeof(priv));

	if (ike_dh_new_private(group, priv, n, &dh, err, sizeof(err)) != 0)
		fail_msg("group %u: %s", group, err);
	assert_int_equal(ike_dh_group(dh), group);
	return dh;
}

static void
test_ecp_rfc5903(void **state)
{
	uint8_t pi[IKE_DH_MAX], pr[IKE_DH_MAX], s[IKE_DH_MAX], w[IKE_DH_MAX];
	struct ike_dh *di, *dr;
	size_t i, plen, slen, n;
	char err[256];

	(void)state;
	for (i = 0; i < N(rfc5903); i++) {
		plen = ike_dh_public_len(rfc5903[i].group);
		di = dh_private(rfc5903[i].group, rfc5903[i].i);
		dr = dh_private(rfc5903[i].group, rfc5903[i].r);
		/* KEi = gix | giy, KEr = grx | gry (RFC 5903 7, 8). */
		assert_int_equal(ike_dh_public(di, pi, plen), 0);
		n = unhex(rfc5903[i].gix, w, sizeof(w));
		n += unhex(rfc5903[i].giy, w + n, sizeof(w) - n);
		assert_int_equal(n, plen);
		assert_memory_equal(pi, w, plen);
		assert_int_equal(ike_dh_public(dr, pr, plen), 0);
		n = unhex(rfc5903[i].grx, w, sizeof(w));
		n += unhex(rfc5903[i].gry, w + n, sizeof(w) - n);
		assert_memory_equal(pr, w, plen);
		/* Both sides: g^ir is girx alone (RFC 5903 9). */
		slen = sizeof(s);
		if (ike_dh_shared(di, pr, plen, s, &slen, err,
		    sizeof(err)) != 0)
			fail_msg("%s", err);
		assert_int_equal(slen, ike_dh_shared_len(rfc5903[i].group));
		assert_hex(s, slen, rfc5903[i].girx);
		slen = sizeof(s);
		if (ike_dh_shared(dr, pi, plen, s, &slen, err,
		    sizeof(err)) != 0)
			fail_msg("%s", err);
		assert_hex(s, slen, rfc5903[i].girx);
		ike_dh_free(di);
		ike_dh_free(dr);
	}
	assert_int_equal(ike_dh_public_len(KE_ECP_256), 64);
	assert_int_equal(ike_dh_public_len(KE_ECP_384), 96);
	assert_int_equal(ike_dh_public_len(KE_ECP_521), 132);
	assert_int_equal(ike_dh_shared_len(KE_ECP_521), 66);
}

static int
shared(struct ike_dh *dh, const uint8_t *peer, size_t len, char *err)
{
	uint8_t s[IKE_DH_MAX];
	size_t slen = sizeof(s);

	return ike_dh_shared(dh, peer, len, s, &slen, err, 256);
}

static void
test_ecp_bad_points(void **state)
{
	uint8_t p[1 + IKE_DH_MAX];
	struct ike_dh *a, *b;
	size_t i, plen;
	char err[256];

	(void)state;
	for (i = 0; i < N(rfc5903); i++) {
		uint16_t g = rfc5903[i].group;

		plen = ike_dh_public_len(g);
		assert_int_equal(ike_dh_new(g, &a, err, sizeof(err)), 0);
		assert_int_equal(ike_dh_new(g, &b, err, sizeof(err)), 0);
		assert_int_equal(ike_dh_public(b, p, plen), 0);
		assert_int_equal(shared(a, p, plen, err), 0);
		/* y off by one bit: not on the curve. */
		p[plen - 1] ^= 1;
		assert_int_equal(shared(a, p, plen, err), -1);
		assert_non_null(strstr(err, "not a point on the curve"));
		p[plen - 1] ^= 1;
		/* Zeros (the point at infinity has no x | y form). */
		memset(p, 0, plen);
		assert_int_equal(shared(a, p, plen, err), -1);
		/* Coordinates past the prime. */
		memset(p, 0xff, plen);
		assert_int_equal(shared(a, p, plen, err), -1);
		/* SEC1's 0x04 | x | y is not the KE encoding, nor a byte
		 * short. */
		p[0] = 0x04;
		assert_int_equal(ike_dh_public(b, p + 1, plen), 0);
		assert_int_equal(shared(a, p, plen + 1, err), -1);
		assert_non_null(strstr(err, "want"));
		assert_int_equal(shared(a, p + 1, plen - 1, err), -1);
		assert_int_equal(ike_dh_public(b, p, plen - 1), -1);
		ike_dh_free(a);
		ike_dh_free(b);
	}
}

/* ---- X25519: RFC 7748 6.1, RFC 8031 ---------------------------------- */

static void
test_x25519_rfc7748(void **state)
{
	/* RFC 7748 6.1: Alice's and Bob's private keys, public keys, and
	 * their shared secret K. */
	static const char a[] =
	    "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
	static const char a_pub[] =
	    "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
	static const char b[] =
	    "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
	static const char b_pub[] =
	    "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
	static const char k[] =
	    "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
	uint8_t pa[32], pb[32], s[64];
	struct ike_dh *da, *db;
	size_t slen;
	char err[256];

	(void)state;
	assert_int_equal(ike_dh_public_len(KE_CURVE_25519), 32);
	assert_int_equal(ike_dh_shared_len(KE_CURVE_25519), 32);
	da = dh_private(KE_CURVE_25519, a);
	db = dh_private(KE_CURVE_25519, b);
	assert_int_equal(ike_dh_public(da, pa, 32), 0);
	assert_hex(pa, 32, a_pub);
	assert_int_equal(ike_dh_public(db, pb, 32), 0);
	assert_hex(pb, 32, b_pub);
	slen = sizeof(s);
	assert_int_equal(ike_dh_shared(da, pb, 32, s, &slen, err,
	    sizeof(err)), 0);
	assert_hex(s, slen, k);
	slen = sizeof(s);
	assert_int_equal(ike_dh_shared(db, pa, 32, s, &slen, err,
	    sizeof(err)), 0);
	assert_hex(s, slen, k);
	/* Room for the secret is checked. */
	slen = 31;
	assert_int_equal(ike_dh_shared(db, pa, 32, s, &slen, err,
	    sizeof(err)), -1);
	ike_dh_free(da);
	ike_dh_free(db);
}

static void
test_x25519_small_order(void **state)
{
	uint8_t p[33];
	struct ike_dh *a;
	char err[256];

	(void)state;
	assert_int_equal(ike_dh_new(KE_CURVE_25519, &a, err, sizeof(err)), 0);
	/* u = 0 and u = 1 are of small order: the result is all zeros,
	 * which RFC 8031 2 says to refuse. */
	memset(p, 0, sizeof(p));
	assert_int_equal(shared(a, p, 32, err), -1);
	assert_non_null(strstr(err, "X25519"));
	p[0] = 1;
	assert_int_equal(shared(a, p, 32, err), -1);
	/* 32 bytes exactly. */
	p[0] = 9;
	assert_int_equal(shared(a, p, 32, err), 0);
	assert_int_equal(shared(a, p, 31, err), -1);
	assert_int_equal(shared(a, p, 33, err), -1);
	ike_dh_free(a);
}

/* ---- MODP ------------------------------------------------------------- */

/* RFC 3526 3, 4, 5: the primes of groups 14, 15 and 16. */
static const char modp2048[] =
    "FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1"
    "29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD"
    "EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245"
    "E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED"
    "EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D"
    "C2007CB8 A163BF05 98DA4836 1C55D39A 69163FA8 FD24CF5F"
    "83655D23 DCA3AD96 1C62F356 208552BB 9ED52907 7096966D"
    "670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B"
    "E39E772C 180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9"
    "DE2BCBF6 95581718 3995497C EA956AE5 15D22618 98FA0510"
    "15728E5A 8AACAA68 FFFFFFFF FFFFFFFF";
static const char modp3072[] =
    "FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1"
    "29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD"
    "EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245"
    "E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED"
    "EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D"
    "C2007CB8 A163BF05 98DA4836 1C55D39A 69163FA8 FD24CF5F"
    "83655D23 DCA3AD96 1C62F356 208552BB 9ED52907 7096966D"
    "670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B"
    "E39E772C 180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9"
    "DE2BCBF6 95581718 3995497C EA956AE5 15D22618 98FA0510"
    "15728E5A 8AAAC42D AD33170D 04507A33 A85521AB DF1CBA64"
    "ECFB8504 58DBEF0A 8AEA7157 5D060C7D B3970F85 A6E1E4C7"
    "ABF5AE8C DB0933D7 1E8C94E0 4A25619D CEE3D226 1AD2EE6B"
    "F12FFA06 D98A0864 D8760273 3EC86A64 521F2B18 177B200C"
    "BBE11757 7A615D6C 770988C0 BAD946E2 08E24FA0 74E5AB31"
    "43DB5BFC E0FD108E 4B82D120 A93AD2CA FFFFFFFF FFFFFFFF";
static const char modp4096[] =
    "FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1"
    "29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD"
    "EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245"
    "E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED"
    "EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D"
    "C2007CB8 A163BF05 98DA4836 1C55D39A 69163FA8 FD24CF5F"
    "83655D23 DCA3AD96 1C62F356 208552BB 9ED52907 7096966D"
    "670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B"
    "E39E772C 180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9"
    "DE2BCBF6 95581718 3995497C EA956AE5 15D22618 98FA0510"
    "15728E5A 8AAAC42D AD33170D 04507A33 A85521AB DF1CBA64"
    "ECFB8504 58DBEF0A 8AEA7157 5D060C7D B3970F85 A6E1E4C7"
    "ABF5AE8C DB0933D7 1E8C94E0 4A25619D CEE3D226 1AD2EE6B"
    "F12FFA06 D98A0864 D8760273 3EC86A64 521F2B18 177B200C"
    "BBE11757 7A615D6C 770988C0 BAD946E2 08E24FA0 74E5AB31"
    "43DB5BFC E0FD108E 4B82D120 A9210801 1A723C12 A787E6D7"
    "88719A10 BDBA5B26 99C32718 6AF4E23C 1A946834 B6150BDA"
    "2583E9CA 2AD44CE8 DBBBC2DB 04DE8EF9 2E8EFC14 1FBECAA6"
    "287C5947 4E6BC05D 99B2964F A090C3A2 233BA186 515BE7ED"
    "1F612970 CEE2D7AF B81BDD76 2170481C D0069127 D5B05AA9"
    "93B4EA98 8D8FDDC1 86FFB7DC 90A6C08F 4DF435C9 34063199"
    "FFFFFFFF FFFFFFFF";

static const struct {
	uint16_t	 group;
	const char	*p;
} modp[] = {
	{ KE_MODP_2048, modp2048 },
	{ KE_MODP_3072, modp3072 },
	{ KE_MODP_4096, modp4096 },
};

static void
test_modp_agree(void **state)
{
	uint8_t pa[IKE_DH_MAX], pb[IKE_DH_MAX], sa[IKE_DH_MAX], sb[IKE_DH_MAX];
	struct ike_dh *a, *b;
	size_t i, plen, la, lb;
	char err[256];

	(void)state;
	for (i = 0; i < N(modp); i++) {
		uint8_t p[IKE_DH_MAX];

		plen = ike_dh_public_len(modp[i].group);
		assert_int_equal(unhex(modp[i].p, p, sizeof(p)), plen);
		assert_int_equal(plen, 256 + 128 * i);
		assert_int_equal(ike_dh_shared_len(modp[i].group), plen);
		assert_int_equal(ike_dh_new(modp[i].group, &a, err,
		    sizeof(err)), 0);
		assert_int_equal(ike_dh_new(modp[i].group, &b, err,
		    sizeof(err)), 0);
		assert_int_equal(ike_dh_public(a, pa, plen), 0);
		assert_int_equal(ike_dh_public(b, pb, plen), 0);
		assert_int_equal(ike_dh_public(a, pa, plen - 1), -1);
		assert_int_equal(ike_dh_public(a, pa, plen + 1), -1);
		assert_memory_not_equal(pa, pb, plen);
		la = lb = IKE_DH_MAX;
		if (ike_dh_shared(a, pb, plen, sa, &la, err,
		    sizeof(err)) != 0 ||
		    ike_dh_shared(b, pa, plen, sb, &lb, err, sizeof(err)) != 0)
			fail_msg("%s", err);
		assert_int_equal(la, plen);
		assert_int_equal(lb, plen);
		assert_memory_equal(sa, sb, plen);
		ike_dh_free(a);
		ike_dh_free(b);
	}
}

/* The byte string p + d (d a small signed number), p from RFC 3526. */
static void
p_plus(const char *hex, int d, uint8_t *out, size_t len)
{
	int i, v;

	assert_int_equal(unhex(hex, out, len), len);
	for (i = (int)len - 1; d != 0 && i >= 0; i--) {
		v = out[i] + d;
		out[i] = (uint8_t)v;
		d = v < 0 ? -1 : v > 255 ? 1 : 0;
	}
}

static void
test_modp_bad_peer(void **state)
{
	static const int ds[] = { -1, 0, 1 };
	uint8_t y[IKE_DH_MAX + 1];
	struct ike_dh *a;
	size_t i, k, plen;
	char err[256];

	(void)state;
	for (i = 0; i < N(modp); i++) {
		plen = ike_dh_public_len(modp[i].group);
		assert_int_equal(ike_dh_new(modp[i].group, &a, err,
		    sizeof(err)), 0);
		/* 0 and 1 */
		memset(y, 0, plen);
		assert_int_equal(shared(a, y, plen, err), -1);
		assert_non_null(strstr(err, "1 < y < p-1"));
		y[plen - 1] = 1;
		assert_int_equal(shared(a, y, plen, err), -1);
		/* 2, the generator, is fine. */
		y[plen - 1] = 2;
		assert_int_equal(shared(a, y, plen, err), 0);
		/* p-1, p, p+1 */
		for (k = 0; k < N(ds); k++) {
			p_plus(modp[i].p, ds[k], y, plen);
			assert_int_equal(shared(a, y, plen, err), -1);
		}
		memset(y, 0xff, plen);
		assert_int_equal(shared(a, y, plen, err), -1);
		/* p-2 is in range.  Its order is 2q, so no honest peer sends
		 * it, but it only tells the peer our exponent's parity, of
		 * an exponent used once: RFC 6989 asks no more than the
		 * range check for safe primes. */
		p_plus(modp[i].p, -2, y, plen);
		assert_int_equal(shared(a, y, plen, err), 0);
		/* The prime's length exactly: a value with its leading zero
		 * dropped, or one more byte, is refused. */
		memset(y, 0, plen + 1);
		y[plen] = 2;
		assert_int_equal(shared(a, y + 1, plen - 1, err), -1);
		assert_non_null(strstr(err, "want"));
		assert_int_equal(shared(a, y, plen + 1, err), -1);
		ike_dh_free(a);
	}
}

/*
 * Leading zero bytes are kept: in our public value (x = 1 gives g^x = 2,
 * 255 zero bytes and a 2), and in g^ir (RFC 7296 2.14), found by trying
 * exponents until a secret starts with a zero byte (1 in 256).
 */
static void
test_modp_padding(void **state)
{
	static const uint8_t one[] = { 1 };
	uint8_t pa[IKE_DH_MAX], pb[IKE_DH_MAX], sa[IKE_DH_MAX], sb[IKE_DH_MAX];
	uint8_t x[32];
	struct ike_dh *a, *b;
	size_t i, plen, la, lb;
	unsigned int y;
	char err[256];

	(void)state;
	for (i = 0; i < N(modp); i++) {
		uint16_t g = modp[i].group;

		plen = ike_dh_public_len(g);
		if (ike_dh_new_private(g, one, 1, &b, err, sizeof(err)) != 0)
			fail_msg("%s", err);
		assert_int_equal(ike_dh_public(b, pb, plen), 0);
		memset(pa, 0, plen);
		pa[plen - 1] = 2;
		assert_memory_equal(pb, pa, plen);
		ike_dh_free(b);

		memset(x, 0x5c, sizeof(x));
		if (ike_dh_new_private(g, x, sizeof(x), &a, err,
		    sizeof(err)) != 0)
			fail_msg("%s", err);
		assert_int_equal(ike_dh_public(a, pa, plen), 0);
		for (y = 2; y < 20000; y++) {
			uint8_t yb[2] = { (uint8_t)(y >> 8), (uint8_t)y };

			assert_int_equal(ike_dh_new_private(g, yb, 2, &b, err,
			    sizeof(err)), 0);
			assert_int_equal(ike_dh_public(b, pb, plen), 0);
			la = sizeof(sa);
			assert_int_equal(ike_dh_shared(a, pb, plen, sa, &la,
			    err, sizeof(err)), 0);
			if (sa[0] == 0)
				break;
			ike_dh_free(b);
		}
		assert_true(y < 20000);
		lb = sizeof(sb);
		assert_int_equal(ike_dh_shared(b, pa, plen, sb, &lb, err,
		    sizeof(err)), 0);
		assert_int_equal(la, plen);
		assert_int_equal(lb, plen);
		assert_memory_equal(sa, sb, plen);
		ike_dh_free(a);
		ike_dh_free(b);
	}
}

static void
test_dh_unsupported(void **state)
{
	/* MODP_768/1024/1536, 6144/8192, the 5114 groups, brainpool,
	 * Curve448, NONE. */
	static const uint16_t bad[] = { 0, 1, 2, 5, 17, 18, 22, 23, 24, 26,
	    28, 32 };
	static const uint8_t priv[32] = { 1 };
	struct ike_dh *dh;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < N(bad); i++) {
		assert_int_equal(ike_dh_public_len(bad[i]), 0);
		assert_int_equal(ike_dh_shared_len(bad[i]), 0);
		assert_int_equal(ike_dh_new(bad[i], &dh, err, sizeof(err)),
		    -1);
		assert_null(dh);
		assert_non_null(strstr(err, "not supported"));
		assert_int_equal(ike_dh_new_private(bad[i], priv, 32, &dh, err,
		    sizeof(err)), -1);
	}
	/* A private key of the wrong size. */
	assert_int_equal(ike_dh_new_private(KE_ECP_256, priv, 31, &dh, err,
	    sizeof(err)), -1);
	assert_int_equal(ike_dh_new_private(KE_CURVE_25519, priv, 16, &dh,
	    err, sizeof(err)), -1);
	ike_dh_free(NULL);
}

/* ---- suites and keys --------------------------------------------------- */

static const struct ike_suite suites[] = {
	{ ENCR_AES_CBC, 128, AUTH_HMAC_SHA2_256_128, PRF_HMAC_SHA2_256,
	    KE_MODP_2048 },
	{ ENCR_AES_CBC, 256, AUTH_HMAC_SHA2_384_192, PRF_HMAC_SHA2_384,
	    KE_ECP_384 },
	{ ENCR_AES_CBC, 256, AUTH_HMAC_SHA2_512_256, PRF_HMAC_SHA2_512,
	    KE_ECP_521 },
	{ ENCR_AES_CBC, 128, AUTH_HMAC_SHA2_512_256, PRF_HMAC_SHA2_256,
	    KE_CURVE_25519 },
	{ ENCR_AES_CBC, 256, AUTH_HMAC_SHA2_256_128, PRF_HMAC_SHA2_512,
	    KE_ECP_256 },
	{ ENCR_AES_CBC, 128, AUTH_HMAC_SHA2_384_192, PRF_HMAC_SHA2_256,
	    KE_ECP_256 },
	{ ENCR_AES_GCM_16, 128, 0, PRF_HMAC_SHA2_256, KE_ECP_256 },
	{ ENCR_AES_GCM_16, 256, 0, PRF_HMAC_SHA2_384, KE_ECP_384 },
};

static void
fill(uint8_t *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed * 131 + i * 29 + (i >> 8));
}

static void
test_suite_from_proposal(void **state)
{
	static const struct {
		const char	*s;
		struct ike_suite want;
	} t[] = {
		{ "aes128-sha256-modp2048", { ENCR_AES_CBC, 128,
		    AUTH_HMAC_SHA2_256_128, PRF_HMAC_SHA2_256, KE_MODP_2048 } },
		{ "aes256-sha512-prfsha384-ecp521", { ENCR_AES_CBC, 256,
		    AUTH_HMAC_SHA2_512_256, PRF_HMAC_SHA2_384, KE_ECP_521 } },
		{ "aes256gcm16-prfsha384-ecp384", { ENCR_AES_GCM_16, 256, 0,
		    PRF_HMAC_SHA2_384, KE_ECP_384 } },
		{ "aes128gcm16-sha512-curve25519", { ENCR_AES_GCM_16, 128, 0,
		    PRF_HMAC_SHA2_512, KE_CURVE_25519 } },
	};
	struct ike_proposal p[IKE_PROPOSALS_MAX], chosen;
	struct ike_suite s, bad;
	char err[256];
	size_t i, n;

	(void)state;
	for (i = 0; i < N(t); i++) {
		if (ike_xform_parse(IKE_PROTO_IKE, t[i].s, p,
		    IKE_PROPOSALS_MAX, &n, err, sizeof(err)) != 0)
			fail_msg("%s: %s", t[i].s, err);
		assert_int_equal(ike_xform_select(p, n, p, n, 0, &chosen,
		    NULL), 0);
		if (ike_suite_from_proposal(&chosen, &s, err, sizeof(err)) != 0)
			fail_msg("%s: %s", t[i].s, err);
		assert_memory_equal(&s, &t[i].want, sizeof(s));
	}
	chosen.protocol = IKE_PROTO_ESP;
	assert_int_equal(ike_suite_from_proposal(&chosen, &s, err,
	    sizeof(err)), -1);
	/* What ike_suite_check refuses. */
	bad = suites[0];
	bad.encr_bits = 192;
	assert_int_equal(ike_suite_check(&bad, err, sizeof(err)), -1);
	bad = suites[0];
	bad.encr = 3;		/* 3DES */
	assert_int_equal(ike_suite_check(&bad, err, sizeof(err)), -1);
	bad = suites[0];
	bad.integ = 2;		/* HMAC_SHA1_96 */
	assert_int_equal(ike_suite_check(&bad, err, sizeof(err)), -1);
	bad = suites[0];
	bad.integ = 0;
	assert_int_equal(ike_suite_check(&bad, err, sizeof(err)), -1);
	bad = suites[6];
	bad.integ = AUTH_HMAC_SHA2_256_128;
	assert_int_equal(ike_suite_check(&bad, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "AEAD"));
	bad = suites[6];
	bad.prf = 2;		/* PRF_HMAC_SHA1 */
	assert_int_equal(ike_suite_check(&bad, err, sizeof(err)), -1);
	assert_int_equal(ike_encr_key_len(ENCR_AES_CBC, 128), 16);
	assert_int_equal(ike_encr_key_len(ENCR_AES_GCM_16, 256), 36);
	assert_int_equal(ike_integ_key_len(AUTH_HMAC_SHA2_384_192), 48);
	assert_int_equal(ike_integ_key_len(0), 0);
}

/*
 * The seven keys are prf+(SKEYSEED, Ni | Nr | SPIi | SPIr) cut in order,
 * SKEYSEED = prf(Ni | Nr, g^ir), each of its suite's length.
 */
static void
test_sa_keys(void **state)
{
	uint8_t ni[48], nr[32], gir[256], key[80], skeyseed[64], seed[96];
	uint8_t km[512];
	const struct ike_key *ks[7];
	struct ike_keys k;
	size_t i, j, off, len[7], pl, al, el;
	char err[256];

	(void)state;
	fill(ni, sizeof(ni), 1);
	fill(nr, sizeof(nr), 2);
	fill(gir, sizeof(gir), 3);
	for (i = 0; i < N(suites); i++) {
		const struct ike_suite *s = &suites[i];

		if (ike_sa_keys(s, ni, sizeof(ni), nr, sizeof(nr), gir,
		    sizeof(gir), 0x0102030405060708ULL, 0x1112131415161718ULL,
		    &k, err, sizeof(err)) != 0)
			fail_msg("%s", err);
		pl = ike_prf_len(s->prf);
		al = s->integ ? pl == 0 ? 0 : ike_integ_key_len(s->integ) : 0;
		el = s->encr_bits / 8 + (s->encr == ENCR_AES_GCM_16 ? 4 : 0);
		memcpy(key, ni, sizeof(ni));
		memcpy(key + sizeof(ni), nr, sizeof(nr));
		assert_int_equal(ike_prf(s->prf, key, sizeof(key), gir,
		    sizeof(gir), skeyseed), 0);
		memcpy(seed, key, sizeof(key));
		for (j = 0; j < 8; j++) {
			seed[80 + j] = (uint8_t)(1 + j);
			seed[88 + j] = (uint8_t)(0x11 + j);
		}
		assert_int_equal(ike_prf_plus(s->prf, skeyseed, pl, seed,
		    sizeof(seed), km, sizeof(km)), 0);
		ks[0] = &k.d; ks[1] = &k.ai; ks[2] = &k.ar; ks[3] = &k.ei;
		ks[4] = &k.er; ks[5] = &k.pi; ks[6] = &k.pr;
		len[0] = pl; len[1] = len[2] = al; len[3] = len[4] = el;
		len[5] = len[6] = pl;
		for (off = 0, j = 0; j < 7; j++) {
			assert_int_equal(ks[j]->len, len[j]);
			assert_memory_equal(ks[j]->b, km + off, len[j]);
			off += len[j];
		}
		ike_keys_wipe(&k);
		for (j = 0; j < sizeof(k); j++)
			assert_int_equal(((uint8_t *)&k)[j], 0);
	}
	/* Nonces RFC 7296 3.9 does not allow. */
	assert_int_equal(ike_sa_keys(&suites[0], ni, 15, nr, sizeof(nr), gir,
	    sizeof(gir), 1, 2, &k, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "16 to 256"));
	assert_int_equal(ike_sa_keys(&suites[0], ni, 16, km, 257, gir,
	    sizeof(gir), 1, 2, &k, err, sizeof(err)), -1);
}

/* Rekey: SKEYSEED = prf_old(SK_d, g^ir | Ni | Nr), then the new PRF. */
static void
test_sa_rekey(void **state)
{
	uint8_t ni[32], nr[40], gir[96], in[168], skeyseed[64], seed[88];
	uint8_t km[512];
	const struct ike_suite *s = &suites[2];	/* PRF_HMAC_SHA2_512 */
	struct ike_key old_d;
	struct ike_keys k;
	char err[256];

	(void)state;
	fill(ni, sizeof(ni), 4);
	fill(nr, sizeof(nr), 5);
	fill(gir, sizeof(gir), 6);
	old_d.len = 32;			/* an SHA-256 SA's SK_d */
	fill(old_d.b, old_d.len, 7);
	if (ike_sa_rekey(s, PRF_HMAC_SHA2_256, &old_d, ni, sizeof(ni), nr,
	    sizeof(nr), gir, sizeof(gir), 0xa1a2a3a4a5a6a7a8ULL,
	    0xb1b2b3b4b5b6b7b8ULL, &k, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	memcpy(in, gir, sizeof(gir));
	memcpy(in + sizeof(gir), ni, sizeof(ni));
	memcpy(in + sizeof(gir) + sizeof(ni), nr, sizeof(nr));
	assert_int_equal(ike_prf(PRF_HMAC_SHA2_256, old_d.b, old_d.len, in,
	    sizeof(in), skeyseed), 0);
	memcpy(seed, ni, sizeof(ni));
	memcpy(seed + 32, nr, sizeof(nr));
	unhex("a1a2a3a4a5a6a7a8b1b2b3b4b5b6b7b8", seed + 72, 16);
	assert_int_equal(ike_prf_plus(PRF_HMAC_SHA2_512, skeyseed, 32, seed,
	    sizeof(seed), km, sizeof(km)), 0);
	assert_int_equal(k.d.len, 64);
	assert_memory_equal(k.d.b, km, 64);
	assert_int_equal(k.ai.len, 64);
	assert_memory_equal(k.ar.b, km + 128, 64);
	assert_int_equal(k.er.len, 32);
	assert_memory_equal(k.er.b, km + 192 + 32, 32);
	assert_memory_equal(k.pr.b, km + 192 + 64 + 64, 64);
	ike_keys_wipe(&k);
	/* An old PRF nicsec has no name for. */
	assert_int_equal(ike_sa_rekey(s, 2, &old_d, ni, sizeof(ni), nr,
	    sizeof(nr), gir, sizeof(gir), 1, 2, &k, err, sizeof(err)), -1);
	old_d.len = 0;
	assert_int_equal(ike_sa_rekey(s, PRF_HMAC_SHA2_256, &old_d, ni,
	    sizeof(ni), nr, sizeof(nr), gir, sizeof(gir), 1, 2, &k, err,
	    sizeof(err)), -1);
}

static void
test_child_keymat(void **state)
{
	uint8_t ni[32], nr[32], gir[64], seed[128], km[128];
	struct ike_child_keys ck;
	struct ike_key d;
	char err[256];
	size_t j;

	(void)state;
	fill(ni, sizeof(ni), 8);
	fill(nr, sizeof(nr), 9);
	fill(gir, sizeof(gir), 10);
	d.len = 48;
	fill(d.b, d.len, 11);
	/* No PFS: prf+(SK_d, Ni | Nr); i2r then r2i, key then salt. */
	if (ike_child_keymat(PRF_HMAC_SHA2_384, &d, ENCR_AES_GCM_16, 128,
	    NULL, 0, ni, sizeof(ni), nr, sizeof(nr), &ck, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	memcpy(seed, ni, 32);
	memcpy(seed + 32, nr, 32);
	assert_int_equal(ike_prf_plus(PRF_HMAC_SHA2_384, d.b, d.len, seed, 64,
	    km, 40), 0);
	assert_int_equal(ck.i2r.len, 20);
	assert_int_equal(ck.r2i.len, 20);
	assert_memory_equal(ck.i2r.b, km, 20);
	assert_memory_equal(ck.r2i.b, km + 20, 20);
	/* PFS: prf+(SK_d, g^ir (new) | Ni | Nr), 256-bit keys. */
	assert_int_equal(ike_child_keymat(PRF_HMAC_SHA2_384, &d,
	    ENCR_AES_GCM_16, 256, gir, sizeof(gir), ni, sizeof(ni), nr,
	    sizeof(nr), &ck, err, sizeof(err)), 0);
	memcpy(seed, gir, 64);
	memcpy(seed + 64, ni, 32);
	memcpy(seed + 96, nr, 32);
	assert_int_equal(ike_prf_plus(PRF_HMAC_SHA2_384, d.b, d.len, seed,
	    128, km, 72), 0);
	assert_int_equal(ck.i2r.len, 36);
	assert_memory_equal(ck.i2r.b, km, 36);
	assert_memory_equal(ck.r2i.b, km + 36, 36);
	ike_child_keys_wipe(&ck);
	for (j = 0; j < sizeof(ck); j++)
		assert_int_equal(((uint8_t *)&ck)[j], 0);
	/* The card does AES-GCM only. */
	assert_int_equal(ike_child_keymat(PRF_HMAC_SHA2_384, &d, ENCR_AES_CBC,
	    128, NULL, 0, ni, sizeof(ni), nr, sizeof(nr), &ck, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "AES-GCM"));
	assert_int_equal(ike_child_keymat(PRF_HMAC_SHA2_384, &d,
	    ENCR_AES_GCM_16, 192, NULL, 0, ni, sizeof(ni), nr, sizeof(nr),
	    &ck, err, sizeof(err)), -1);
	assert_int_equal(ike_child_keymat(2, &d, ENCR_AES_GCM_16, 128, NULL,
	    0, ni, sizeof(ni), nr, sizeof(nr), &ck, err, sizeof(err)), -1);
}

/* ---- AUTH (RFC 7296 2.15) ---------------------------------------------- */

static void
test_auth(void **state)
{
	uint8_t msg[300], nonce[32], id[12], out[400], mac[64], key[64];
	uint8_t want[64], auth[64];
	struct ike_key skp;
	size_t olen;

	(void)state;
	fill(msg, sizeof(msg), 12);
	fill(nonce, sizeof(nonce), 13);
	memcpy(id, "\x02\0\0\0moon.org", 12);	/* ID_FQDN */
	skp.len = 48;
	fill(skp.b, skp.len, 14);
	assert_int_equal(ike_auth_octets(PRF_HMAC_SHA2_384, &skp, msg,
	    sizeof(msg), nonce, sizeof(nonce), id, sizeof(id), out,
	    sizeof(out), &olen), 0);
	assert_int_equal(olen, 300 + 32 + 48);
	assert_memory_equal(out, msg, 300);
	assert_memory_equal(out + 300, nonce, 32);
	assert_int_equal(ike_prf(PRF_HMAC_SHA2_384, skp.b, skp.len, id,
	    sizeof(id), mac), 0);
	assert_memory_equal(out + 332, mac, 48);
	/* One byte short. */
	assert_int_equal(ike_auth_octets(PRF_HMAC_SHA2_384, &skp, msg,
	    sizeof(msg), nonce, sizeof(nonce), id, sizeof(id), out, olen - 1,
	    &olen), -1);

	/* AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), octets),
	 * the pad 17 bytes with no NUL. */
	assert_int_equal(strlen(IKE_AUTH_KEY_PAD), 17);
	assert_int_equal(ike_prf(PRF_HMAC_SHA2_384,
	    (const uint8_t *)"s3cr3t", 6, (const uint8_t *)"Key Pad for IKEv2",
	    17, key), 0);
	assert_int_equal(ike_prf(PRF_HMAC_SHA2_384, key, 48, out, olen, want),
	    0);
	assert_int_equal(ike_auth_psk(PRF_HMAC_SHA2_384,
	    (const uint8_t *)"s3cr3t", 6, out, olen, auth), 0);
	assert_memory_equal(auth, want, 48);
	assert_int_equal(ike_auth_psk_verify(PRF_HMAC_SHA2_384,
	    (const uint8_t *)"s3cr3t", 6, out, olen, auth, 48), 0);
	auth[47] ^= 0x80;
	assert_int_equal(ike_auth_psk_verify(PRF_HMAC_SHA2_384,
	    (const uint8_t *)"s3cr3t", 6, out, olen, auth, 48), -1);
	auth[47] ^= 0x80;
	assert_int_equal(ike_auth_psk_verify(PRF_HMAC_SHA2_384,
	    (const uint8_t *)"s3cr3t", 6, out, olen, auth, 47), -1);
	assert_int_equal(ike_auth_psk_verify(PRF_HMAC_SHA2_384,
	    (const uint8_t *)"s3cr3T", 6, out, olen, auth, 48), -1);
}

/* ---- random -------------------------------------------------------------- */

static void
test_random(void **state)
{
	uint8_t a[64], b[64];
	uint64_t spi;
	char err[256];
	int i;

	(void)state;
	assert_int_equal(ike_random(a, 0, err, sizeof(err)), 0);
	assert_int_equal(ike_random(a, sizeof(a), err, sizeof(err)), 0);
	assert_int_equal(ike_random(b, sizeof(b), err, sizeof(err)), 0);
	assert_memory_not_equal(a, b, sizeof(a));
	for (i = 0; i < 100; i++) {
		assert_int_equal(ike_random_spi(&spi, err, sizeof(err)), 0);
		assert_true(spi != 0);
	}
}

/* ---- the SK payload ------------------------------------------------ */

#define SK_OFF_PLAIN	36	/* an 8-byte payload before the SK one */

/* Both sides of an IKE SA of suite s: the initiator's and the
 * responder's contexts. */
struct sides {
	struct ike_sk_ctx i_out, i_in, r_out, r_in;
};

static void
sides(const struct ike_suite *s, struct sides *x)
{
	uint8_t ni[32], nr[32], gir[64];
	struct ike_keys k;
	char err[256];

	fill(ni, sizeof(ni), 20);
	fill(nr, sizeof(nr), 21);
	fill(gir, sizeof(gir), 22);
	if (ike_sa_keys(s, ni, 32, nr, 32, gir, 64, 7, 8, &k, err,
	    sizeof(err)) != 0 ||
	    ike_sk_pair(s, &k, 1, &x->i_out, &x->i_in, err, sizeof(err)) != 0 ||
	    ike_sk_pair(s, &k, 0, &x->r_out, &x->r_in, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	ike_keys_wipe(&k);
}

/* An IKE header (and sk_off - 28 bytes of a plain payload) and the SK
 * generic header, as the message code would write them. */
static void
prefix(uint8_t *msg, size_t sk_off)
{
	size_t i;

	for (i = 0; i < 16; i++)
		msg[i] = (uint8_t)(0xa0 + i);		/* SPIs */
	msg[16] = sk_off == 28 ? 46 : 41;		/* SK or N */
	msg[17] = 0x20;					/* IKEv2 */
	msg[18] = 37;					/* INFORMATIONAL */
	msg[19] = 0x08;					/* I */
	memcpy(msg + 20, "\0\0\0\x05", 4);		/* Message ID 5 */
	memset(msg + 24, 0, 4);
	for (i = 28; i < sk_off; i++)
		msg[i] = (uint8_t)i;
	if (sk_off > 28)
		msg[28] = 46;
	msg[sk_off] = 41;				/* inner: N */
	msg[sk_off + 1] = 0;
	msg[sk_off + 2] = msg[sk_off + 3] = 0;
}

static size_t
seal(struct ike_sk_ctx *c, uint8_t *msg, size_t cap, size_t sk_off,
    const uint8_t *plain, size_t n)
{
	size_t len = 0;
	char err[256];

	prefix(msg, sk_off);
	if (ike_sk_seal(c, msg, cap, sk_off, plain, n, &len, err,
	    sizeof(err)) != 0)
		fail_msg("seal: %s", err);
	return len;
}

static int
open_sk(const struct ike_sk_ctx *c, const uint8_t *msg, size_t len,
    size_t sk_off, uint8_t *plain, size_t cap, size_t *n, char *err)
{
	return ike_sk_open(c, msg, len, sk_off, plain, cap, n, err, 256);
}

static void
test_sk_roundtrip(void **state)
{
	uint8_t plain[3000], msg[3200], out[3000];
	struct sides x;
	size_t i, n, len, got, sk_off, ivlen, icvlen, bs;
	char err[256];

	(void)state;
	fill(plain, sizeof(plain), 23);
	for (i = 0; i < N(suites); i++) {
		int gcm = suites[i].encr == ENCR_AES_GCM_16;

		sides(&suites[i], &x);
		ivlen = gcm ? 8 : 16;
		icvlen = gcm ? 16 : ike_integ_key_len(suites[i].integ) / 2;
		bs = gcm ? 1 : 16;
		assert_int_equal(ike_sk_iv_len(&x.i_out), ivlen);
		for (n = 0; n < 2900; n += n < 70 ? 1 : 97) {
			sk_off = n % 2 ? SK_OFF_PLAIN : 28;
			len = seal(&x.i_out, msg, sizeof(msg), sk_off, plain,
			    n);
			/* Lengths, padding to the block, the overhead. */
			assert_int_equal(len, sk_off + 4 +
			    ike_sk_overhead(&x.i_out, n) + n);
			assert_int_equal((len - sk_off - 4 - ivlen - icvlen) %
			    bs, 0);
			assert_true(len - sk_off - 4 - ivlen - icvlen - n <=
			    bs);
			assert_int_equal(msg[24] << 24 | msg[25] << 16 |
			    msg[26] << 8 | msg[27], len);
			assert_int_equal(msg[sk_off + 2] << 8 | msg[sk_off + 3],
			    len - sk_off);
			assert_int_equal(msg[sk_off], 41);
			/* The responder opens what the initiator sealed. */
			if (open_sk(&x.r_in, msg, len, sk_off, out, sizeof(out),
			    &got, err) != 0)
				fail_msg("suite %zu, %zu bytes: %s", i, n, err);
			assert_int_equal(got, n);
			assert_memory_equal(out, plain, n);
			/* The initiator's own in-context has the other keys. */
			assert_int_equal(open_sk(&x.i_in, msg, len, sk_off, out,
			    sizeof(out), &got, err), IKE_SK_ICV);
			/* And back. */
			len = seal(&x.r_out, msg, sizeof(msg), sk_off, plain,
			    n);
			assert_int_equal(open_sk(&x.i_in, msg, len, sk_off, out,
			    sizeof(out), &got, err), 0);
			assert_int_equal(got, n);
			assert_memory_equal(out, plain, n);
		}
		/* Inner payloads built in place, where seal need not move
		 * them. */
		memcpy(msg + 28 + 4 + ivlen, plain, 100);
		len = seal(&x.i_out, msg, sizeof(msg), 28, msg + 32 + ivlen,
		    100);
		assert_int_equal(open_sk(&x.r_in, msg, len, 28, out,
		    sizeof(out), &got, err), 0);
		assert_int_equal(got, 100);
		assert_memory_equal(out, plain, 100);
		/* ... or right after the SK header, where the IV goes. */
		memcpy(msg + 32, plain, 100);
		len = seal(&x.i_out, msg, sizeof(msg), 28, msg + 32, 100);
		assert_int_equal(open_sk(&x.r_in, msg, len, 28, out,
		    sizeof(out), &got, err), 0);
		assert_memory_equal(out, plain, 100);
		ike_sk_wipe(&x.i_out);
		ike_sk_wipe(&x.i_in);
		ike_sk_wipe(&x.r_out);
		ike_sk_wipe(&x.r_in);
	}
}

/* A bit flipped anywhere: the ICV fails, except in the two Length
 * fields, which are checked first (malformed). */
static void
test_sk_bitflip(void **state)
{
	uint8_t plain[45], msg[256], out[256];
	struct sides x;
	size_t i, len, got, b, sk_off = SK_OFF_PLAIN;
	char err[256];
	int rc, want;

	(void)state;
	fill(plain, sizeof(plain), 24);
	for (i = 0; i < N(suites); i++) {
		sides(&suites[i], &x);
		len = seal(&x.i_out, msg, sizeof(msg), sk_off, plain,
		    sizeof(plain));
		for (b = 0; b < len * 8; b++) {
			size_t at = b / 8;

			msg[at] ^= (uint8_t)(1 << (b % 8));
			rc = open_sk(&x.r_in, msg, len, sk_off, out,
			    sizeof(out), &got, err);
			want = (at >= 24 && at < 28) ||
			    at == sk_off + 2 || at == sk_off + 3 ?
			    IKE_SK_MALFORMED : IKE_SK_ICV;
			if (rc != want)
				fail_msg("suite %zu, byte %zu bit %zu: %d (%s)",
				    i, at, b % 8, rc, err);
			if (want == IKE_SK_ICV)
				assert_string_equal(err, "ICV mismatch");
			msg[at] ^= (uint8_t)(1 << (b % 8));
		}
		assert_int_equal(open_sk(&x.r_in, msg, len, sk_off, out,
		    sizeof(out), &got, err), 0);
	}
}

static void
set_lengths(uint8_t *msg, size_t len, size_t sk_off)
{
	msg[24] = (uint8_t)(len >> 24);
	msg[25] = (uint8_t)(len >> 16);
	msg[26] = (uint8_t)(len >> 8);
	msg[27] = (uint8_t)len;
	msg[sk_off + 2] = (uint8_t)((len - sk_off) >> 8);
	msg[sk_off + 3] = (uint8_t)(len - sk_off);
}

static void
test_sk_truncated(void **state)
{
	uint8_t plain[40], msg[256], copy[256], out[256];
	struct sides x;
	size_t i, t, len, got, min, ivlen, icvlen, sk_off = 28;
	char err[256];
	int rc, gcm;

	(void)state;
	fill(plain, sizeof(plain), 25);
	for (i = 0; i < N(suites); i++) {
		gcm = suites[i].encr == ENCR_AES_GCM_16;
		sides(&suites[i], &x);
		ivlen = ike_sk_iv_len(&x.r_in);
		icvlen = gcm ? 16 : ike_integ_key_len(suites[i].integ) / 2;
		min = sk_off + 4 + ivlen + (gcm ? 1 : 16) + icvlen;
		len = seal(&x.i_out, msg, sizeof(msg), sk_off, plain,
		    sizeof(plain));
		for (t = 0; t < len; t++) {
			/* Cut short: the header's Length disagrees. */
			assert_int_equal(open_sk(&x.r_in, msg, t, sk_off, out,
			    sizeof(out), &got, err), IKE_SK_MALFORMED);
			/* Cut short with both Lengths made to agree. */
			if (t < sk_off + 4)
				continue;
			memcpy(copy, msg, t);
			set_lengths(copy, t, sk_off);
			rc = open_sk(&x.r_in, copy, t, sk_off, out, sizeof(out),
			    &got, err);
			if (t < min || (!gcm && (t - min) % 16 != 0))
				assert_int_equal(rc, IKE_SK_MALFORMED);
			else
				assert_int_equal(rc, IKE_SK_ICV);
		}
		/* Longer than its Length says (a trailing byte). */
		msg[len] = 0;
		assert_int_equal(open_sk(&x.r_in, msg, len + 1, sk_off, out,
		    sizeof(out), &got, err), IKE_SK_MALFORMED);
		/* The SK payload's Length alone wrong. */
		msg[sk_off + 3]--;
		assert_int_equal(open_sk(&x.r_in, msg, len, sk_off, out,
		    sizeof(out), &got, err), IKE_SK_MALFORMED);
		assert_non_null(strstr(err, "SK payload's Length"));
		msg[sk_off + 3]++;
		/* An SK payload that is not where the caller says. */
		assert_int_equal(open_sk(&x.r_in, msg, len, len - 3, out,
		    sizeof(out), &got, err), IKE_SK_MALFORMED);
		assert_int_equal(open_sk(&x.r_in, msg, len, len + 4, out,
		    sizeof(out), &got, err), IKE_SK_MALFORMED);
		assert_int_equal(open_sk(&x.r_in, msg, len, 20, out,
		    sizeof(out), &got, err), -1);
		assert_int_equal(open_sk(&x.r_in, msg, len, sk_off, out,
		    sizeof(out), &got, err), 0);
	}
}

/*
 * A message sealed by hand (OpenSSL directly), with the padding given in
 * body as it is: to make what ike_sk_seal never makes.  body: inner
 * payloads, padding, Pad Length.
 */
static size_t
seal_raw(const struct ike_sk_ctx *c, uint8_t *msg, size_t sk_off,
    const uint8_t *body, size_t blen)
{
	int gcm = c->encr == ENCR_AES_GCM_16;
	size_t ivlen = gcm ? 8 : 16;
	size_t icvlen = gcm ? 16 : c->ak.len / 2;
	size_t ct = sk_off + 4 + ivlen, len = ct + blen + icvlen;
	const char *md = c->ak.len == 32 ? "SHA256" : c->ak.len == 48 ?
	    "SHA384" : "SHA512";
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	uint8_t nonce[12], mac[64];
	unsigned int ml = 0;
	int n;

	prefix(msg, sk_off);
	set_lengths(msg, len, sk_off);
	fill(msg + sk_off + 4, ivlen, 26);
	memcpy(msg + ct, body, blen);
	if (gcm) {
		memcpy(nonce, c->ek.b + c->ek.len - 4, 4);
		memcpy(nonce + 4, msg + sk_off + 4, 8);
		assert_int_equal(EVP_EncryptInit_ex(x, c->ek.len == 20 ?
		    EVP_aes_128_gcm() : EVP_aes_256_gcm(), NULL, c->ek.b,
		    nonce), 1);
		assert_int_equal(EVP_EncryptUpdate(x, NULL, &n, msg,
		    (int)(sk_off + 4)), 1);
		assert_int_equal(EVP_EncryptUpdate(x, msg + ct, &n, msg + ct,
		    (int)blen), 1);
		assert_int_equal(EVP_EncryptFinal_ex(x, msg + ct + n, &n), 1);
		assert_int_equal(EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_GET_TAG,
		    16, msg + ct + blen), 1);
	} else {
		assert_int_equal(EVP_EncryptInit_ex(x, c->ek.len == 16 ?
		    EVP_aes_128_cbc() : EVP_aes_256_cbc(), NULL, c->ek.b,
		    msg + sk_off + 4), 1);
		EVP_CIPHER_CTX_set_padding(x, 0);
		assert_int_equal(EVP_EncryptUpdate(x, msg + ct, &n, msg + ct,
		    (int)blen), 1);
		assert_true(EVP_Q_mac(NULL, "HMAC", NULL, md, NULL, c->ak.b,
		    c->ak.len, msg, ct + blen, mac, sizeof(mac), NULL) != NULL);
		memcpy(msg + ct + blen, mac, icvlen);
		(void)ml;
	}
	EVP_CIPHER_CTX_free(x);
	return len;
}

static void
test_sk_padding(void **state)
{
	uint8_t body[512], msg[700], out[512];
	struct sides x;
	size_t i, len, got, pad, blen;
	char err[256];
	int gcm;

	(void)state;
	for (i = 0; i < N(suites); i++) {
		gcm = suites[i].encr == ENCR_AES_GCM_16;
		sides(&suites[i], &x);
		/* Any pad bytes and any Pad Length that fits are taken:
		 * 20 bytes of payloads, then pad bytes 0xee. */
		for (pad = 0; pad < 256; pad++) {
			blen = 20 + pad + 1;
			if (!gcm && blen % 16 != 0)
				continue;
			fill(body, 20, 27);
			memset(body + 20, 0xee, pad);
			body[blen - 1] = (uint8_t)pad;
			len = seal_raw(&x.r_in, msg, 28, body, blen);
			if (open_sk(&x.r_in, msg, len, 28, out, sizeof(out),
			    &got, err) != 0)
				fail_msg("pad %zu: %s", pad, err);
			assert_int_equal(got, 20);
			assert_memory_equal(out, body, 20);
		}
		/* All of it padding: no payloads (Pad Length = length - 1). */
		memset(body, 0, 48);
		body[47] = 47;
		len = seal_raw(&x.r_in, msg, 28, body, 48);
		assert_int_equal(open_sk(&x.r_in, msg, len, 28, out,
		    sizeof(out), &got, err), 0);
		assert_int_equal(got, 0);
		/* A Pad Length past the start of the data: authentic, but
		 * malformed. */
		body[47] = 48;
		len = seal_raw(&x.r_in, msg, 28, body, 48);
		assert_int_equal(open_sk(&x.r_in, msg, len, 28, out,
		    sizeof(out), &got, err), IKE_SK_MALFORMED);
		assert_non_null(strstr(err, "Pad Length is 48"));
		body[47] = 255;
		len = seal_raw(&x.r_in, msg, 28, body, 48);
		assert_int_equal(open_sk(&x.r_in, msg, len, 28, out,
		    sizeof(out), &got, err), IKE_SK_MALFORMED);
	}
}

/* Buffers one byte short: refused, and nothing written past them. */
static void
test_sk_caps(void **state)
{
	uint8_t plain[100], msg[400], out[200];
	struct sides x;
	size_t i, j, len, need, got;
	char err[256];

	(void)state;
	fill(plain, sizeof(plain), 28);
	for (i = 0; i < N(suites); i++) {
		sides(&suites[i], &x);
		need = 28 + 4 + ike_sk_overhead(&x.i_out, 77) + 77;
		memset(msg, 0x5a, sizeof(msg));
		prefix(msg, 28);
		assert_int_equal(ike_sk_seal(&x.i_out, msg, need - 1, 28, plain,
		    77, &len, err, sizeof(err)), -1);
		for (j = 32; j < sizeof(msg); j++)
			assert_int_equal(msg[j], 0x5a);
		/* No room for the SK header itself, or one inside the IKE
		 * header. */
		assert_int_equal(ike_sk_seal(&x.i_out, msg, 31, 28, plain, 77,
		    &len, err, sizeof(err)), -1);
		assert_int_equal(ike_sk_seal(&x.i_out, msg, sizeof(msg), 27,
		    plain, 77, &len, err, sizeof(err)), -1);
		assert_int_equal(ike_sk_seal(&x.i_out, msg, need, 28, plain,
		    77, &len, err, sizeof(err)), 0);
		assert_int_equal(len, need);
		for (j = need; j < sizeof(msg); j++)
			assert_int_equal(msg[j], 0x5a);

		memset(out, 0x5a, sizeof(out));
		assert_int_equal(open_sk(&x.r_in, msg, len, 28, out, 76, &got,
		    err), -1);
		assert_non_null(strstr(err, "room for 76"));
		for (j = 0; j < sizeof(out); j++)
			assert_int_equal(out[j], 0x5a);
		assert_int_equal(open_sk(&x.r_in, msg, len, 28, out, 77, &got,
		    err), 0);
		assert_int_equal(got, 77);
		for (j = 77; j < sizeof(out); j++)
			assert_int_equal(out[j], 0x5a);
	}
	/* More than an SK payload's 16-bit Length can say. */
	sides(&suites[6], &x);
	{
		static uint8_t big[70000], bigmsg[70100];

		prefix(bigmsg, 28);
		assert_int_equal(ike_sk_seal(&x.i_out, bigmsg, sizeof(bigmsg),
		    28, big, 65510, &len, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "room"));
		assert_int_equal(ike_sk_seal(&x.i_out, bigmsg, sizeof(bigmsg),
		    28, big, sizeof(big), &len, err, sizeof(err)), -1);
	}
}

/* AES-GCM's IV: a counter per context, from a random start. */
static void
test_sk_gcm_iv(void **state)
{
	uint8_t plain[10] = { 0 }, msg[200], out[100];
	struct sides x, y;
	size_t len, got;
	char err[256];
	int k;

	(void)state;
	sides(&suites[7], &x);
	sides(&suites[7], &y);
	/* Same keys, different starts. */
	assert_true(x.i_out.iv_next != y.i_out.iv_next);
	assert_true(x.i_out.iv_next != x.r_out.iv_next);
	x.i_out.iv_next = UINT64_MAX - 1;
	for (k = 0; k < 3; k++) {
		len = seal(&x.i_out, msg, sizeof(msg), 28, plain,
		    sizeof(plain));
		assert_memory_equal(msg + 32, k == 0 ?
		    "\xff\xff\xff\xff\xff\xff\xff\xfe" : k == 1 ?
		    "\xff\xff\xff\xff\xff\xff\xff\xff" :
		    "\0\0\0\0\0\0\0\0", 8);
		assert_int_equal(open_sk(&x.r_in, msg, len, 28, out,
		    sizeof(out), &got, err), 0);
	}
	/* Used up: refused, and the message's tail is cleared. */
	x.i_out.iv_left = 1;
	seal(&x.i_out, msg, sizeof(msg), 28, plain, sizeof(plain));
	prefix(msg, 28);
	assert_int_equal(ike_sk_seal(&x.i_out, msg, sizeof(msg), 28, plain,
	    sizeof(plain), &len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "rekey"));
	/* A context never set up has no keys. */
	memset(&y.i_out, 0, sizeof(y.i_out));
	assert_int_equal(ike_sk_seal(&y.i_out, msg, sizeof(msg), 28, plain,
	    sizeof(plain), &len, err, sizeof(err)), -1);
	assert_int_equal(open_sk(&y.i_out, msg, 100, 28, out, sizeof(out),
	    &got, err), -1);
}

/* Which keys each side seals and opens with. */
static void
test_sk_pair_keys(void **state)
{
	uint8_t ni[32], nr[32], gir[32];
	struct ike_sk_ctx out, in;
	struct ike_keys k;
	char err[256];

	(void)state;
	fill(ni, 32, 30);
	fill(nr, 32, 31);
	fill(gir, 32, 32);
	assert_int_equal(ike_sa_keys(&suites[1], ni, 32, nr, 32, gir, 32, 1,
	    2, &k, err, sizeof(err)), 0);
	assert_int_equal(ike_sk_pair(&suites[1], &k, 1, &out, &in, err,
	    sizeof(err)), 0);
	assert_memory_equal(out.ek.b, k.ei.b, k.ei.len);
	assert_memory_equal(out.ak.b, k.ai.b, k.ai.len);
	assert_memory_equal(in.ek.b, k.er.b, k.er.len);
	assert_memory_equal(in.ak.b, k.ar.b, k.ar.len);
	assert_int_equal(ike_sk_pair(&suites[1], &k, 0, &out, &in, err,
	    sizeof(err)), 0);
	assert_memory_equal(out.ek.b, k.er.b, k.er.len);
	assert_memory_equal(out.ak.b, k.ar.b, k.ar.len);
	assert_memory_equal(in.ek.b, k.ei.b, k.ei.len);
	assert_memory_equal(in.ak.b, k.ai.b, k.ai.len);
	/* Keys that do not fit the suite. */
	k.ei.len = 15;
	assert_int_equal(ike_sk_init(&out, &suites[1], &k.ei, &k.ai, err,
	    sizeof(err)), -1);
	ike_keys_wipe(&k);
	ike_sk_wipe(&out);
	ike_sk_wipe(&in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prf_rfc4231),
		cmocka_unit_test(test_prf_gathered_and_unknown),
		cmocka_unit_test(test_prf_plus),
		cmocka_unit_test(test_ecp_rfc5903),
		cmocka_unit_test(test_ecp_bad_points),
		cmocka_unit_test(test_x25519_rfc7748),
		cmocka_unit_test(test_x25519_small_order),
		cmocka_unit_test(test_modp_agree),
		cmocka_unit_test(test_modp_bad_peer),
		cmocka_unit_test(test_modp_padding),
		cmocka_unit_test(test_dh_unsupported),
		cmocka_unit_test(test_suite_from_proposal),
		cmocka_unit_test(test_sa_keys),
		cmocka_unit_test(test_sa_rekey),
		cmocka_unit_test(test_child_keymat),
		cmocka_unit_test(test_auth),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_sk_roundtrip),
		cmocka_unit_test(test_sk_bitflip),
		cmocka_unit_test(test_sk_truncated),
		cmocka_unit_test(test_sk_padding),
		cmocka_unit_test(test_sk_caps),
		cmocka_unit_test(test_sk_gcm_iv),
		cmocka_unit_test(test_sk_pair_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
