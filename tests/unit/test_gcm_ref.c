/*
 * test_gcm_ref.c - the OpenSSL reference model.
 *
 * The model is the oracle for the RTL, so it is checked against every vector
 * of the six NIST GCM files (all key sizes, 8-, 96- and 1024-bit IVs, tags of
 * 4 to 16 bytes), against a few published answers that do not depend on
 * those files, and for the edges the harness relies on: empty buffers passed
 * as NULL, truncated tags, and rejection of anything tampered with.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/err.h>

#include "cavp.h"
#include "gcm_ref.h"

static void
hex(const char *s, uint8_t *out, size_t len)
{
	size_t i;
	unsigned int b;

	assert_int_equal(strlen(s), 2 * len);
	for (i = 0; i < len; i++) {
		assert_int_equal(sscanf(s + 2 * i, "%2x", &b), 1);
		out[i] = (uint8_t)b;
	}
}

/* ---- every NIST vector -------------------------------------------------- */

/* Checks one vector; returns a description of what went wrong, or NULL. */
static const char *
check_vec(const struct gcm_vec *v)
{
	uint8_t *out, tag[16];
	const char *bad = NULL;
	int r;

	/* One spare byte so that a zero-length text still has a buffer. */
	out = malloc(v->textlen + 1);
	assert_non_null(out);
	if (!v->decrypt) {
		if (gcm_ref_encrypt(v->key, v->keylen, v->iv, v->ivlen, v->aad,
		    v->aadlen, v->pt, v->textlen, out, tag) != 0)
			bad = "encrypt returned an error";
		else if (memcmp(out, v->ct, v->textlen) != 0)
			bad = "wrong CT";
		else if (memcmp(tag, v->tag, v->taglen) != 0)
			bad = "wrong Tag";
	} else {
		r = gcm_ref_decrypt(v->key, v->keylen, v->iv, v->ivlen, v->aad,
		    v->aadlen, v->ct, v->textlen, v->tag, v->taglen, out);
		if (r < 0)
			bad = "decrypt returned an error";
		else if (v->fail && r != 0)
			bad = "FAIL vector verified";
		else if (!v->fail && r != 1)
			bad = "tag did not verify";
		else if (!v->fail && memcmp(out, v->pt, v->textlen) != 0)
			bad = "wrong PT";
	}
	free(out);
	return bad;
}

static void
test_nist(void **state)
{
	const char *name = *state;
	char path[512], err[512];
	struct gcm_vec *v;
	size_t n, i, nbad = 0, nfail = 0;

	snprintf(path, sizeof(path), "%s/%s", cavp_gcm_dir(), name);
	if (cavp_load(path, &v, &n, err, sizeof(err)) != 0)
		fail_msg("%s (install python3-cryptography-vectors with "
		    "scripts/install-deps.sh, or set NICSEC_CAVP_DIR)", err);
	for (i = 0; i < n; i++) {
		const char *bad = check_vec(&v[i]);

		nfail += v[i].fail;
		if (bad == NULL)
			continue;
		if (nbad++ < 10)
			print_error("%s:%d: Count = %d (key %zu, IV %zu, AAD %zu, "
			    "text %zu, tag %zu bytes): %s\n", v[i].file,
			    v[i].line, v[i].count, v[i].keylen, v[i].ivlen,
			    v[i].aadlen, v[i].textlen, v[i].taglen, bad);
	}
	print_message("    %s: %zu vectors, %zu of them FAIL, %zu wrong\n",
	    name, n, nfail, nbad);
	cavp_free(v, n);
	assert_int_equal(n, 7875);
	assert_int_equal(nbad, 0);
	/* Every answer came from a clean call: nothing left queued. */
	assert_int_equal(ERR_peek_error(), 0);
}

/* ---- published answers, independent of the files ------------------------ */

/*
 * Test cases 1, 2, 13 and 14 of McGrew and Viega, "The Galois/Counter Mode
 * of Operation (GCM)": all-zero key and IV, no AAD, no text or one zero
 * block.  The empty buffers go in as NULL, as the harness may pass them.
 */
static void
test_known_answers(void **state)
{
	static const struct {
		size_t      keylen, len;
		const char *ct, *tag;
	} kat[] = {
		{ 16, 0, "", "58e2fccefa7e3061367f1d57a4e7455a" },
		{ 16, 16, "0388dace60b6a392f328c2b971b2fe78",
		    "ab6e47d42cec13bdf53a67b21257bddf" },
		{ 32, 0, "", "530f8afbc74536b9a963b4f1c4cb738b" },
		{ 32, 16, "cea7403d4d606b6e074ec5d3baf39d18",
		    "d0d1c8a799996bf0265b98b5d48ab919" },
	};
	static const uint8_t zero[32];
	uint8_t ct[16], tag[16], pt[16], want[16];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(kat) / sizeof(kat[0]); i++) {
		const uint8_t *in = kat[i].len > 0 ? zero : NULL;
		uint8_t *out = kat[i].len > 0 ? ct : NULL;

		assert_int_equal(gcm_ref_encrypt(zero, kat[i].keylen, zero, 12,
		    NULL, 0, in, kat[i].len, out, tag), 0);
		hex(kat[i].ct, want, kat[i].len);
		assert_memory_equal(ct, want, kat[i].len);
		hex(kat[i].tag, want, 16);
		assert_memory_equal(tag, want, 16);

		memset(pt, 0xaa, sizeof(pt));
		assert_int_equal(gcm_ref_decrypt(zero, kat[i].keylen, zero, 12,
		    NULL, 0, out, kat[i].len, want, 16,
		    kat[i].len > 0 ? pt : NULL), 1);
		assert_memory_equal(pt, zero, kat[i].len);
	}
}

/* ---- round trips and tampering ------------------------------------------ */

static void
fill(uint8_t *p, size_t len, unsigned seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(seed * 131 + i * 7 + (i >> 8));
}

/*
 * Every key size, IV lengths at the edges OpenSSL takes (1 and 128 bytes)
 * and around 12, text and AAD lengths around block boundaries: decrypting
 * what was encrypted gives the text back and verifies; changing one bit of
 * the text, the AAD, the IV or the compared part of the tag makes it fail,
 * while the bytes past a truncated tag do not matter.
 */
static void
test_roundtrip(void **state)
{
	static const size_t keylens[] = { 16, 24, 32 };
	static const size_t ivlens[] = { 1, 11, 12, 13, 16, 60, 128 };
	static const size_t lens[] = { 0, 1, 15, 16, 17, 31, 32, 33, 64, 100,
	    1500 };
	static const size_t aadlens[] = { 0, 1, 8, 12, 16, 17, 90, 300 };
	uint8_t key[32], iv[128], aad[300], pt[1500], ct[1500], out[1500];
	uint8_t tag[16], bad[16];
	size_t a, b, c, d, taglen, runs = 0;

	(void)state;
	fill(key, sizeof(key), 1);
	fill(iv, sizeof(iv), 2);
	fill(aad, sizeof(aad), 3);
	fill(pt, sizeof(pt), 4);
	for (a = 0; a < sizeof(keylens) / sizeof(keylens[0]); a++)
	for (b = 0; b < sizeof(ivlens) / sizeof(ivlens[0]); b++)
	for (c = 0; c < sizeof(lens) / sizeof(lens[0]); c++)
	for (d = 0; d < sizeof(aadlens) / sizeof(aadlens[0]); d++) {
		size_t kl = keylens[a], il = ivlens[b], len = lens[c];
		size_t al = aadlens[d];

		assert_int_equal(gcm_ref_encrypt(key, kl, iv, il, aad, al, pt,
		    len, ct, tag), 0);
		if (len >= 16)	/* keystream is not all zero */
			assert_memory_not_equal(ct, pt, len);
		memset(out, 0, sizeof(out));
		assert_int_equal(gcm_ref_decrypt(key, kl, iv, il, aad, al, ct,
		    len, tag, 16, out), 1);
		assert_memory_equal(out, pt, len);

		/* A truncated tag: only its first taglen bytes count. */
		taglen = 4 + (runs % 13);	/* 4..16 */
		memcpy(bad, tag, 16);
		if (taglen < 16) {
			bad[taglen] ^= 0x01;
			assert_int_equal(gcm_ref_decrypt(key, kl, iv, il, aad, al,
			    ct, len, bad, taglen, out), 1);
		}
		bad[taglen - 1] ^= 0x80;
		assert_int_equal(gcm_ref_decrypt(key, kl, iv, il, aad, al, ct,
		    len, bad, taglen, out), 0);

		if (len > 0) {
			ct[len / 2] ^= 0x10;
			assert_int_equal(gcm_ref_decrypt(key, kl, iv, il, aad,
			    al, ct, len, tag, 16, out), 0);
			ct[len / 2] ^= 0x10;
		}
		if (al > 0) {
			aad[al - 1] ^= 0x01;
			assert_int_equal(gcm_ref_decrypt(key, kl, iv, il, aad,
			    al, ct, len, tag, 16, out), 0);
			aad[al - 1] ^= 0x01;
		}
		iv[0] ^= 0x01;
		assert_int_equal(gcm_ref_decrypt(key, kl, iv, il, aad, al, ct,
		    len, tag, 16, out), 0);
		iv[0] ^= 0x01;
		runs++;
	}
	assert_int_equal(runs, 3 * 7 * 11 * 8);
	/* A mismatch is an answer, not an error: nothing may stay queued. */
	assert_int_equal(ERR_peek_error(), 0);
}

/* The text is a plain keystream XOR: a prefix encrypts to a prefix. */
static void
test_prefix(void **state)
{
	uint8_t key[16], iv[12], pt[80], ct[80], ct2[80], tag[16], tag2[16];
	size_t len;

	(void)state;
	fill(key, sizeof(key), 5);
	fill(iv, sizeof(iv), 6);
	fill(pt, sizeof(pt), 7);
	assert_int_equal(gcm_ref_encrypt(key, 16, iv, 12, NULL, 0, pt, 80, ct,
	    tag), 0);
	for (len = 1; len < 80; len++) {
		assert_int_equal(gcm_ref_encrypt(key, 16, iv, 12, NULL, 0, pt,
		    len, ct2, tag2), 0);
		assert_memory_equal(ct2, ct, len);
		/* ... but the tag covers the length. */
		assert_memory_not_equal(tag2, tag, 16);
	}
}

/* Arguments EVP would refuse, or that make no sense, give -1. */
static void
test_bad_args(void **state)
{
	uint8_t key[32] = { 0 }, iv[129] = { 0 }, buf[16] = { 0 }, tag[16];

	(void)state;
	assert_int_equal(gcm_ref_encrypt(key, 17, iv, 12, NULL, 0, buf, 16,
	    buf, tag), -1);
	assert_int_equal(gcm_ref_encrypt(key, 0, iv, 12, NULL, 0, buf, 16,
	    buf, tag), -1);
	assert_int_equal(gcm_ref_encrypt(NULL, 16, iv, 12, NULL, 0, buf, 16,
	    buf, tag), -1);
	assert_int_equal(gcm_ref_encrypt(key, 16, iv, 0, NULL, 0, buf, 16,
	    buf, tag), -1);
	assert_int_equal(gcm_ref_encrypt(key, 16, iv, 129, NULL, 0, buf, 16,
	    buf, tag), -1);
	assert_int_equal(gcm_ref_encrypt(key, 16, NULL, 12, NULL, 0, buf, 16,
	    buf, tag), -1);
	assert_int_equal(gcm_ref_decrypt(key, 16, iv, 12, NULL, 0, buf, 16,
	    tag, 0, buf), -1);
	assert_int_equal(gcm_ref_decrypt(key, 16, iv, 12, NULL, 0, buf, 16,
	    tag, 17, buf), -1);
	assert_int_equal(gcm_ref_decrypt(key, 16, iv, 12, NULL, 0, buf, 16,
	    NULL, 16, buf), -1);
	assert_int_equal(gcm_ref_decrypt(key, 24, iv, 0, NULL, 0, buf, 16,
	    tag, 16, buf), -1);
	ERR_clear_error();
}

int
main(void)
{
	static char names[CAVP_GCM_NFILES][64];
	struct CMUnitTest test_gcm_ref[CAVP_GCM_NFILES + 4];
	size_t i, k = 0;

	/* Keep cmocka's stdout and stderr lines in order through a pipe. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	for (i = 0; i < CAVP_GCM_NFILES; i++, k++) {
		snprintf(names[i], sizeof(names[i]), "nist %s",
		    cavp_gcm_files[i]);
		test_gcm_ref[k] = (struct CMUnitTest){ names[i], test_nist,
		    NULL, NULL, (void *)cavp_gcm_files[i] };
	}
	test_gcm_ref[k++] = (struct CMUnitTest)cmocka_unit_test(test_known_answers);
	test_gcm_ref[k++] = (struct CMUnitTest)cmocka_unit_test(test_roundtrip);
	test_gcm_ref[k++] = (struct CMUnitTest)cmocka_unit_test(test_prefix);
	test_gcm_ref[k++] = (struct CMUnitTest)cmocka_unit_test(test_bad_args);
	/* The array is filled at run time: make sure every slot was. */
	if (k != sizeof(test_gcm_ref) / sizeof(test_gcm_ref[0])) {
		fprintf(stderr, "test_gcm_ref: %zu tests made, array holds %zu\n",
		    k, sizeof(test_gcm_ref) / sizeof(test_gcm_ref[0]));
		return 1;
	}
	return cmocka_run_group_tests(test_gcm_ref, NULL, NULL);
}
