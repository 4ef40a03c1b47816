/*
 * test_cavp.c - the CAVP .rsp parser.
 *
 * Checks it on the six NIST GCM files (what it counts, a few vectors read
 * back field by field) and on small files, good and malformed, written to a
 * temporary directory.  Each malformed file must fail with an error naming
 * the file and the offending line; none may crash.  (Leaks on those error
 * paths were checked under valgrind: see the report with this file.)
 */
#define _POSIX_C_SOURCE 200809L	/* mkdtemp() */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cavp.h"
#include "scratch.h"


/* ---- helpers ------------------------------------------------------------ */

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

/* Asserts that the len bytes at p are the hex string s. */
static void
assert_hex(const uint8_t *p, size_t len, const char *s)
{
	uint8_t want[256];

	assert_true(len <= sizeof(want));
	hex(s, want, len);
	assert_memory_equal(p, want, len);
}

static void
nist_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", cavp_gcm_dir(), name);
}

static void
load_nist(const char *name, struct gcm_vec **v, size_t *n)
{
	char path[512], err[512];

	nist_path(path, sizeof(path), name);
	if (cavp_load(path, v, n, err, sizeof(err)) != 0)
		fail_msg("%s (install python3-cryptography-vectors with "
		    "scripts/install-deps.sh, or set NICSEC_CAVP_DIR)", err);
}

/* Writes len bytes to a fresh file in tmpdir; returns its path in buf. */
static void
write_tmp(char *buf, size_t buflen, const char *name, const char *data,
    size_t len)
{
	FILE *fp;

	snprintf(buf, buflen, "%s/%s", tmpdir, name);
	fp = fopen(buf, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static const struct gcm_vec *
find_line(const struct gcm_vec *v, size_t n, int line)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].line == line)
			return &v[i];
	fail_msg("no vector starts at line %d", line);
	return NULL;
}

/* ---- the NIST files ----------------------------------------------------- */

/* FAIL entries per decrypt file, counted with grep when this was written. */
static int
nist_fails(const char *name)
{
	if (strcmp(name, "gcmDecrypt128.rsp") == 0)
		return 4011;
	if (strcmp(name, "gcmDecrypt192.rsp") == 0)
		return 3978;
	if (strcmp(name, "gcmDecrypt256.rsp") == 0)
		return 3919;
	return 0;
}

/*
 * Each file: 525 sections (3 IV lengths x 5 text lengths x 5 AAD lengths x
 * 7 tag lengths) of 15 vectors.
 */
static void
test_nist_counts(void **state)
{
	const char *name = *state;
	int decrypt = strncmp(name, "gcmDecrypt", 10) == 0;
	size_t keylen = (size_t)atoi(name + strlen(name) - 7) / 8;
	struct gcm_vec *v;
	size_t n, i, iv96 = 0, first = 0, fails = 0;

	load_nist(name, &v, &n);
	assert_int_equal(n, 7875);
	for (i = 0; i < n; i++) {
		assert_string_equal(v[i].file, name);
		assert_int_equal(v[i].decrypt, decrypt);
		assert_int_equal(v[i].keylen, keylen);
		assert_in_range(v[i].count, 0, 14);
		assert_true(v[i].ivlen == 1 || v[i].ivlen == 12 ||
		    v[i].ivlen == 128);
		assert_true(v[i].textlen == 0 || v[i].textlen == 13 ||
		    v[i].textlen == 16 || v[i].textlen == 32 ||
		    v[i].textlen == 51);
		assert_true(v[i].aadlen == 0 || v[i].aadlen == 16 ||
		    v[i].aadlen == 20 || v[i].aadlen == 48 ||
		    v[i].aadlen == 90);
		assert_true(v[i].taglen == 4 || v[i].taglen == 8 ||
		    (v[i].taglen >= 12 && v[i].taglen <= 16));
		assert_non_null(v[i].aad);
		assert_non_null(v[i].ct);
		/* A FAIL vector has no plaintext; every other one has. */
		if (v[i].fail)
			assert_null(v[i].pt);
		else
			assert_non_null(v[i].pt);
		iv96 += v[i].ivlen == 12;
		first += v[i].count == 0;
		fails += v[i].fail;
	}
	assert_int_equal(iv96, 2625);
	assert_int_equal(first, 525);
	assert_int_equal(fails, nist_fails(name));
	cavp_free(v, n);
}

/* A few vectors read back byte for byte, one of each shape. */
static void
test_nist_fields(void **state)
{
	struct gcm_vec *v;
	const struct gcm_vec *x;
	size_t n;

	(void)state;
	load_nist("gcmDecrypt128.rsp", &v, &n);
	/* The first vector: all empty, tag verifies. */
	x = &v[0];
	assert_int_equal(x->line, 13);
	assert_int_equal(x->count, 0);
	assert_int_equal(x->fail, 0);
	assert_int_equal(x->keylen, 16);
	assert_hex(x->key, 16, "cf063a34d4a9a76c2c86787d3f96db71");
	assert_int_equal(x->ivlen, 12);
	assert_hex(x->iv, 12, "113b9785971864c83b01c787");
	assert_int_equal(x->aadlen, 0);
	assert_int_equal(x->textlen, 0);
	assert_int_equal(x->taglen, 16);
	assert_hex(x->tag, 16, "72ac8493e3a5228b5d130a69d2510e42");
	/* The second one ends in FAIL. */
	x = &v[1];
	assert_int_equal(x->count, 1);
	assert_int_equal(x->fail, 1);
	assert_null(x->pt);
	assert_hex(x->tag, 16, "a2be08210d8c470a8df6e8fbd79ec5cf");
	cavp_free(v, n);

	load_nist("gcmEncryptExtIV256.rsp", &v, &n);
	/* Text and AAD, a 256-bit key. */
	x = find_line(v, n, 5305);
	assert_int_equal(x->count, 0);
	assert_int_equal(x->decrypt, 0);
	assert_hex(x->key, 32, "92e11dcdaa866f5ce790fd24501f9250"
	    "9aacf4cb8b1339d50c9c1240935dd08b");
	assert_hex(x->iv, 12, "ac93a1a6145299bde902f21a");
	assert_int_equal(x->textlen, 16);
	assert_hex(x->pt, 16, "2d71bcfa914e4ac045b2aa60955fad24");
	assert_int_equal(x->aadlen, 16);
	assert_hex(x->aad, 16, "1e0889016f67601c8ebea4943bc23ad6");
	assert_hex(x->ct, 16, "8995ae2e6df3dbf96fac7b7137bae67f");
	assert_hex(x->tag, 16, "eca5aa77d51d4a0a14d9c51e1da474ab");
	cavp_free(v, n);

	load_nist("gcmDecrypt192.rsp", &v, &n);
	/* A 1024-bit IV (fills iv[] exactly) and a 14-byte tag. */
	x = find_line(v, n, 44365);
	assert_int_equal(x->keylen, 24);
	assert_int_equal(x->ivlen, 128);
	assert_hex(x->iv, 4, "6f855490");
	assert_hex(x->iv + 124, 4, "ffd3e8d0");
	assert_int_equal(x->taglen, 14);
	assert_hex(x->tag, 16, "45a1bc6594c77c5680b1486927260000");
	assert_int_equal(x->fail, 1);
	cavp_free(v, n);
}

/* ---- small files that must load ----------------------------------------- */

/* LF line endings, blanks around '=', no newline at the end. */
static void
test_small_decrypt(void **state)
{
	static const char text[] =
	    "# GCM Decrypt with keysize 128 test information\n"
	    "[Keylen = 128]\n[IVlen = 8]\n[PTlen = 24]\n[AADlen = 8]\n"
	    "[Taglen = 32]\n"
	    "\n"
	    "Count = 0\n"
	    "Key = 000102030405060708090A0B0C0D0E0F\n"
	    "IV = ff\n"
	    "CT = 0a0b0c\n"
	    "AAD = 99\n"
	    "Tag = 01020304\n"
	    "PT = 414243\n"
	    "\n"
	    "Count = 1\n"
	    "Key=000102030405060708090a0b0c0d0e0f\n"
	    "IV   =   fe\t\n"
	    "CT = 0a0b0d\n"
	    "AAD = 98\n"
	    "Tag = 05060708\n"
	    "FAIL";
	char path[512], err[512];
	struct gcm_vec *v;
	size_t n;

	(void)state;
	write_tmp(path, sizeof(path), "small-dec.rsp", text, strlen(text));
	if (cavp_load(path, &v, &n, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].file, "small-dec.rsp");
	assert_int_equal(v[0].line, 8);
	assert_int_equal(v[0].decrypt, 1);
	assert_int_equal(v[0].fail, 0);
	assert_hex(v[0].key, 16, "000102030405060708090a0b0c0d0e0f");
	assert_int_equal(v[0].ivlen, 1);
	assert_int_equal(v[0].iv[0], 0xff);
	assert_int_equal(v[0].textlen, 3);
	assert_hex(v[0].ct, 3, "0a0b0c");
	assert_hex(v[0].pt, 3, "414243");
	assert_int_equal(v[0].aadlen, 1);
	assert_int_equal(v[0].aad[0], 0x99);
	assert_int_equal(v[0].taglen, 4);
	assert_hex(v[0].tag, 16, "01020304000000000000000000000000");
	assert_int_equal(v[1].line, 16);
	assert_int_equal(v[1].count, 1);
	assert_int_equal(v[1].fail, 1);
	assert_null(v[1].pt);
	assert_int_equal(v[1].iv[0], 0xfe);
	assert_hex(v[1].ct, 3, "0a0b0d");
	cavp_free(v, n);
}

/* CR LF, no section headers at all, empty values. */
static void
test_small_encrypt(void **state)
{
	static const char text[] =
	    "# CAVS 14.0\r\n"
	    "# GCM Encrypt with keysize 256 test information\r\n"
	    "\r\n"
	    "Count = 7\r\n"
	    "Key = 00000000000000000000000000000000"
	    "00000000000000000000000000000000\r\n"
	    "IV = 000000000000000000000000\r\n"
	    "PT = \r\n"
	    "AAD = \r\n"
	    "CT = \r\n"
	    "Tag = 530f8afbc74536b9a963b4f1c4cb738b\r\n"
	    "\r\n";
	char path[512], err[512];
	struct gcm_vec *v;
	size_t n;

	(void)state;
	write_tmp(path, sizeof(path), "small-enc.rsp", text, strlen(text));
	if (cavp_load(path, &v, &n, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].count, 7);
	assert_int_equal(v[0].decrypt, 0);
	assert_int_equal(v[0].keylen, 32);
	assert_int_equal(v[0].textlen, 0);
	assert_int_equal(v[0].aadlen, 0);
	assert_non_null(v[0].pt);
	assert_non_null(v[0].ct);
	assert_non_null(v[0].aad);
	assert_hex(v[0].tag, 16, "530f8afbc74536b9a963b4f1c4cb738b");
	cavp_free(v, n);
}

/* ---- malformed files ---------------------------------------------------- */

#define DEC	"# GCM Decrypt with keysize 128 test information\n" \
		"[Keylen = 128]\n[IVlen = 96]\n[PTlen = 0]\n[AADlen = 0]\n" \
		"[Taglen = 128]\n\n"
#define ENC	"# GCM Encrypt with keysize 128 test information\n" \
		"[Keylen = 128]\n[IVlen = 96]\n[PTlen = 0]\n[AADlen = 0]\n" \
		"[Taglen = 128]\n\n"
#define KEY	"Key = 000102030405060708090a0b0c0d0e0f\n"
#define IV	"IV = 101112131415161718191a1b\n"
#define TAG	"Tag = 202122232425262728292a2b2c2d2e2f\n"
#define Z8	"0000000000000000"		/* 8 zero bytes */
#define Z32	Z8 Z8 Z8 Z8

/*
 * Each text marks the line the error must name with a '!' at its start (the
 * '!' is taken out before the file is written).
 */
static const struct bad {
	const char *name;	/* test name, also the file name */
	const char *text;
	const char *what;	/* must appear in the message */
} bads[] = {
	{ "bad-hex", DEC "Count = 0\n" KEY
	    "!IV = 1011121314151617181x1a1b\n" "CT = \nAAD = \n" TAG "PT = \n",
	    "bad hex digit 'x'" },
	{ "odd-digits", DEC "Count = 0\n"
	    "!Key = 000102030405060708090a0b0c0d0e0\n" IV
	    "CT = \nAAD = \n" TAG "PT = \n",
	    "odd number of hex digits" },
	{ "key-too-long", DEC "Count = 0\n" "!Key = " Z32 "00\n" IV
	    "CT = \nAAD = \n" TAG "PT = \n",
	    "33 bytes is longer than its field" },
	{ "iv-too-long", DEC "Count = 0\n" KEY "!IV = " Z32 Z32 Z32 Z32 "00\n"
	    "CT = \nAAD = \n" TAG "PT = \n",
	    "129 bytes is longer than its field" },
	{ "tag-too-long", DEC "Count = 0\n" KEY IV "CT = \nAAD = \n"
	    "!Tag = 202122232425262728292a2b2c2d2e2f30\n" "PT = \n",
	    "17 bytes is longer than its field" },
	{ "key-odd-size", DEC "Count = 0\n"
	    "!Key = 000102030405060708090a0b0c0d0e0f10111213\n" IV
	    "CT = \nAAD = \n" TAG "PT = \n",
	    "not 16, 24 or 32" },
	{ "tag-too-short", DEC "Count = 0\n" KEY IV "CT = \nAAD = \n"
	    "!Tag = 202122\n" "PT = \n",
	    "fewer than 4" },
	{ "iv-empty", DEC "Count = 0\n" KEY "!IV = \n" "CT = \nAAD = \n" TAG
	    "PT = \n",
	    "IV is empty" },
	{ "no-tag", DEC "!Count = 0\n" KEY IV "CT = \nAAD = \n" "PT = \n"
	    "\nCount = 1\n" KEY IV "CT = \nAAD = \n" TAG "PT = \n",
	    "Count = 0 has no Tag" },
	{ "no-key", DEC "!Count = 3\n" IV "CT = \nAAD = \n" TAG "PT = \n",
	    "Count = 3 has no Key" },
	{ "no-pt-or-fail", DEC "Count = 0\n" KEY IV "CT = \nAAD = \n" TAG
	    "PT = \n\n" "!Count = 1\n" KEY IV "CT = \nAAD = \n" TAG,
	    "has no PT or FAIL" },
	{ "encrypt-no-ct", ENC "!Count = 0\n" KEY IV "PT = \nAAD = \n" TAG,
	    "has no CT" },
	{ "encrypt-no-pt", ENC "!Count = 0\n" KEY IV "AAD = \nCT = \n" TAG,
	    "has no PT" },
	{ "ptlen-mismatch", DEC "[PTlen = 128]\n\n" "Count = 0\n" KEY IV
	    "!CT = 0001020304050607\n" "AAD = \n" TAG "PT = \n",
	    "[PTlen = 128]" },
	{ "aadlen-mismatch", DEC "Count = 0\n" KEY IV "CT = \n"
	    "!AAD = 00\n" TAG "PT = \n",
	    "[AADlen = 0]" },
	{ "taglen-mismatch", DEC "Count = 0\n" KEY IV "CT = \nAAD = \n"
	    "!Tag = 202122232425262728292a2b\n" "PT = \n",
	    "[Taglen = 128]" },
	{ "ivlen-mismatch", DEC "Count = 0\n" KEY "!IV = 1011121314151617\n"
	    "CT = \nAAD = \n" TAG "PT = \n",
	    "[IVlen = 96]" },
	{ "keylen-mismatch", DEC "Count = 0\n" "!Key = " Z32 "\n" IV
	    "CT = \nAAD = \n" TAG "PT = \n",
	    "[Keylen = 128]" },
	{ "pt-ct-differ", "# GCM Encrypt with keysize 128\n\n" "Count = 0\n"
	    KEY IV "PT = 0001\n" "AAD = \n" "!CT = 000102\n" TAG,
	    "CT has 3 bytes but PT on line 6 has 2" },
	{ "fail-in-encrypt", ENC "Count = 0\n" KEY IV "PT = \nAAD = \nCT = \n"
	    TAG "!FAIL\n",
	    "FAIL in an encrypt file" },
	{ "pt-and-fail", DEC "Count = 0\n" KEY IV "CT = \nAAD = \n" TAG
	    "FAIL\n" "!PT = \n",
	    "both FAIL and PT" },
	{ "fail-with-value", DEC "Count = 0\n" KEY IV "CT = \nAAD = \n" TAG
	    "!FAIL = 00\n",
	    "FAIL takes no value" },
	{ "duplicate-field", DEC "Count = 0\n" KEY IV "CT = \nAAD = \n"
	    "!AAD = \n" TAG "PT = \n",
	    "AAD appears twice" },
	{ "field-before-count", DEC "!" KEY "Count = 0\n",
	    "outside a vector" },
	{ "unknown-field", DEC "Count = 0\n" KEY IV "!Nonce = 00\n",
	    "unknown field 'Nonce'" },
	{ "garbage-line", DEC "Count = 0\n" KEY "!this is not a field\n",
	    "expected 'Name = value'" },
	{ "no-mode", "# CAVS 14.0\n[Keylen = 128]\n\n" "!Count = 0\n" KEY IV
	    "CT = \nAAD = \n" TAG "PT = \n",
	    "can't tell the mode" },
	{ "two-modes", "# GCM Encrypt\n" "!# GCM Decrypt\n",
	    "both GCM Encrypt and GCM Decrypt" },
	{ "no-vectors", "# GCM Encrypt with keysize 128\n[Keylen = 128]\n!\n",
	    "no test vectors" },
	{ "bad-count", DEC "!Count = x1\n" KEY,
	    "Count: 'x1' is not a number" },
	{ "header-not-bytes", "# GCM Decrypt\n" "!  [PTlen = 7]\n",
	    "not a whole number of bytes" },
	{ "header-not-number", "# GCM Decrypt\n" "![PTlen = -8]\n",
	    "is not a number" },
	{ "header-unknown", "# GCM Decrypt\n" "![Colour = 8]\n",
	    "unknown section header [Colour]" },
	{ "header-malformed", "# GCM Decrypt\n" "![PTlen = 8\n",
	    "malformed section header" },
};
#define NBADS	(sizeof(bads) / sizeof(bads[0]))

/* Writes a bad file (without its '!') and checks the error it gives. */
static void
test_malformed(void **state)
{
	const struct bad *b = *state;
	char text[4096], path[512], err[512], fname[80], where[160];
	const char *mark;
	static struct gcm_vec dummy;
	struct gcm_vec *v = &dummy;	/* must come back NULL */
	size_t n = 99, i, line = 1;

	mark = strchr(b->text, '!');
	assert_non_null(mark);
	assert_true(strlen(b->text) < sizeof(text));
	for (i = 0; b->text + i < mark; i++)
		line += b->text[i] == '\n';
	memcpy(text, b->text, (size_t)(mark - b->text));
	strcpy(text + (mark - b->text), mark + 1);

	snprintf(fname, sizeof(fname), "%s.rsp", b->name);
	write_tmp(path, sizeof(path), fname, text, strlen(text));
	assert_int_equal(cavp_load(path, &v, &n, err, sizeof(err)), -1);
	assert_null(v);
	assert_int_equal(n, 0);
	snprintf(where, sizeof(where), "%s:%zu: ", fname, line);
	if (strstr(err, where) == NULL || strstr(err, b->what) == NULL)
		fail_msg("want \"%s...%s\", got \"%s\"", where, b->what, err);
	print_message("    %s\n", err);
}

/* A NUL inside a line is an error too, not the end of that line. */
static void
test_nul_byte(void **state)
{
	static const char text[] = DEC "Count = 0\nKey = 00\0" "01\n";
	char path[512], err[512];
	struct gcm_vec *v;
	size_t n;

	(void)state;
	write_tmp(path, sizeof(path), "nul.rsp", text, sizeof(text) - 1);
	assert_int_equal(cavp_load(path, &v, &n, err, sizeof(err)), -1);
	if (strstr(err, "nul.rsp:9: NUL byte") == NULL)
		fail_msg("got \"%s\"", err);
}

static void
test_missing_file(void **state)
{
	char path[512], err[512];
	struct gcm_vec *v;
	size_t n;

	(void)state;
	snprintf(path, sizeof(path), "%s/does-not-exist.rsp", tmpdir);
	assert_int_equal(cavp_load(path, &v, &n, err, sizeof(err)), -1);
	assert_null(v);
	assert_non_null(strstr(err, "does-not-exist.rsp: "));
}

/* A short error buffer truncates the message; no buffer at all is fine. */
static void
test_small_err_buffer(void **state)
{
	static const char text[] = DEC "Count = 0\n" KEY "IV = zz\n";
	char path[512], err[16];
	struct gcm_vec *v;
	size_t n;

	(void)state;
	write_tmp(path, sizeof(path), "short-err.rsp", text, strlen(text));
	memset(err, 'x', sizeof(err));
	assert_int_equal(cavp_load(path, &v, &n, err, 8), -1);
	assert_int_equal(strlen(err), 7);
	assert_int_equal(err[8], 'x');
	assert_int_equal(cavp_load(path, &v, &n, NULL, 0), -1);
	assert_null(v);
}

/* ---- main --------------------------------------------------------------- */

int
main(void)
{
	static char names[CAVP_GCM_NFILES + NBADS][96];
	struct CMUnitTest test_cavp[CAVP_GCM_NFILES + NBADS + 6];
	size_t i, k = 0;

	/* Keep cmocka's stdout and stderr lines in order through a pipe. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	for (i = 0; i < CAVP_GCM_NFILES; i++, k++) {
		snprintf(names[k], sizeof(names[k]), "nist_counts %s",
		    cavp_gcm_files[i]);
		test_cavp[k] = (struct CMUnitTest){ names[k], test_nist_counts,
		    NULL, NULL, (void *)cavp_gcm_files[i] };
	}
	test_cavp[k++] = (struct CMUnitTest)cmocka_unit_test(test_nist_fields);
	test_cavp[k++] = (struct CMUnitTest)cmocka_unit_test(test_small_decrypt);
	test_cavp[k++] = (struct CMUnitTest)cmocka_unit_test(test_small_encrypt);
	for (i = 0; i < NBADS; i++, k++) {
		snprintf(names[CAVP_GCM_NFILES + i], sizeof(names[0]),
		    "malformed %s", bads[i].name);
		test_cavp[k] = (struct CMUnitTest){ names[CAVP_GCM_NFILES + i],
		    test_malformed, NULL, NULL, (void *)&bads[i] };
	}
	test_cavp[k++] = (struct CMUnitTest)cmocka_unit_test(test_nul_byte);
	test_cavp[k++] = (struct CMUnitTest)cmocka_unit_test(test_missing_file);
	test_cavp[k++] = (struct CMUnitTest)cmocka_unit_test(test_small_err_buffer);

	/* The array is filled at run time: make sure every slot was. */
	if (k != sizeof(test_cavp) / sizeof(test_cavp[0])) {
		fprintf(stderr, "test_cavp: %zu tests made, array holds %zu\n",
		    k, sizeof(test_cavp) / sizeof(test_cavp[0]));
		return 1;
	}
	return cmocka_run_group_tests(test_cavp, scratch_make, scratch_remove);
}
