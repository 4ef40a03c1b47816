/*
 * test_ike_xform.c - transforms, strongSwan proposal strings, selection
 * (host/ike_xform.c).
 *
 * Proposal strings are checked by formatting what they parse to, in
 * strongSwan's log spelling, against the line strongSwan 5.9 logs for the
 * same string (its rules: PRF from the integrity keywords, AEAD drops
 * integrity, ESP noesn by default).  Selection runs both directions and
 * the mismatch line a responder logs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ike_xform.h"

static void
parse_as(int proto, const char *s, const char *want)
{
	struct ike_proposal p[IKE_PROPOSALS_MAX];
	char err[512], got[2048];
	size_t n;

	if (ike_xform_parse(proto, s, p, IKE_PROPOSALS_MAX, &n, err,
	    sizeof(err)) != 0)
		fail_msg("'%s': %s", s, err);
	ike_xform_format_list(p, n, got, sizeof(got));
	if (strcmp(got, want) != 0)
		fail_msg("'%s'\n  got  %s\n  want %s", s, got, want);
}

static void
test_parse(void **state)
{
	(void)state;
	parse_as(IKE_PROTO_IKE, "aes128-sha256-modp2048",
	    "IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048");
	/* strongSwan's docs' example: the order of kinds does not matter */
	parse_as(IKE_PROTO_IKE,
	    "aes256gcm16-aes128gcm16-prfsha384-prfsha256-ecp384-modp3072",
	    "IKE:AES_GCM_16_256/AES_GCM_16_128/PRF_HMAC_SHA2_384/"
	    "PRF_HMAC_SHA2_256/ECP_384/MODP_3072");
	parse_as(IKE_PROTO_IKE,
	    "aes256gcm16-prfsha384-ecp384-aes128gcm16-prfsha256-modp3072",
	    "IKE:AES_GCM_16_256/AES_GCM_16_128/PRF_HMAC_SHA2_384/"
	    "PRF_HMAC_SHA2_256/ECP_384/MODP_3072");
	parse_as(IKE_PROTO_IKE,
	    "aes128gcm16-aes256gcm16-prfsha256-ecp256-modp2048",
	    "IKE:AES_GCM_16_128/AES_GCM_16_256/PRF_HMAC_SHA2_256/ECP_256/"
	    "MODP_2048");
	/* one PRF per integrity algorithm, in order */
	parse_as(IKE_PROTO_IKE, "aes256-aes128-sha384-sha256-x25519-ecp521",
	    "IKE:AES_CBC_256/AES_CBC_128/HMAC_SHA2_384_192/HMAC_SHA2_256_128/"
	    "PRF_HMAC_SHA2_384/PRF_HMAC_SHA2_256/CURVE_25519/ECP_521");
	/* an explicit PRF wins over the integrity-derived one */
	parse_as(IKE_PROTO_IKE, "aes-sha2_512-prfsha256-curve25519",
	    "IKE:AES_CBC_128/HMAC_SHA2_512_256/PRF_HMAC_SHA2_256/CURVE_25519");
	/* AEAD: integrity keywords give the PRF, then go (strongSwan) */
	parse_as(IKE_PROTO_IKE, "aes256gcm128-sha384-ecp384",
	    "IKE:AES_GCM_16_256/PRF_HMAC_SHA2_384/ECP_384");
	/* aliases, duplicates, two proposals with spaces around the comma */
	parse_as(IKE_PROTO_IKE, "aes128gcm-aes128gcm16-prfsha512-modp4096 , "
	    "aes256-sha512-modp3072",
	    "IKE:AES_GCM_16_128/PRF_HMAC_SHA2_512/MODP_4096, "
	    "IKE:AES_CBC_256/HMAC_SHA2_512_256/PRF_HMAC_SHA2_512/MODP_3072");

	parse_as(IKE_PROTO_ESP, "aes128gcm16",
	    "ESP:AES_GCM_16_128/NO_EXT_SEQ");
	parse_as(IKE_PROTO_ESP, "aes256gcm16-aes128gcm16-modp2048-esn-noesn",
	    "ESP:AES_GCM_16_256/AES_GCM_16_128/MODP_2048/EXT_SEQ/NO_EXT_SEQ");
	/* strongSwan drops PRF and, beside an AEAD, integrity in ESP */
	parse_as(IKE_PROTO_ESP, "aes256gcm16-sha256-prfsha256-ecp256",
	    "ESP:AES_GCM_16_256/ECP_256/NO_EXT_SEQ");
}

static void
test_default(void **state)
{
	(void)state;
	parse_as(IKE_PROTO_IKE, "default",
	    "IKE:AES_CBC_128/AES_CBC_256/HMAC_SHA2_256_128/HMAC_SHA2_384_192/"
	    "HMAC_SHA2_512_256/PRF_HMAC_SHA2_256/PRF_HMAC_SHA2_384/"
	    "PRF_HMAC_SHA2_512/ECP_256/ECP_384/ECP_521/CURVE_25519/MODP_3072/"
	    "MODP_4096/MODP_2048, "
	    "IKE:AES_GCM_16_128/AES_GCM_16_256/PRF_HMAC_SHA2_256/"
	    "PRF_HMAC_SHA2_384/PRF_HMAC_SHA2_512/ECP_256/ECP_384/ECP_521/"
	    "CURVE_25519/MODP_3072/MODP_4096/MODP_2048");
	parse_as(IKE_PROTO_ESP, "default", "ESP:AES_GCM_16_128/AES_GCM_16_256/"
	    "NO_EXT_SEQ");
	parse_as(IKE_PROTO_ESP, "aes256gcm16-esn,default",
	    "ESP:AES_GCM_16_256/EXT_SEQ, ESP:AES_GCM_16_128/AES_GCM_16_256/"
	    "NO_EXT_SEQ");
}

struct bad {
	int		 proto;
	const char	*s;
	const char	*want;
};

static const struct bad bads[] = {
	{ IKE_PROTO_IKE, "aes192-sha256-modp2048",
	    "'aes192' is not supported (nicsec takes aes128, aes256, "
	    "aes128gcm16, aes256gcm16 for encryption)" },
	{ IKE_PROTO_IKE, "3des-sha1-modp1024",
	    "'3des' is not offered: a 64-bit block cipher (nicsec takes "
	    "aes128" },
	{ IKE_PROTO_IKE, "aes128-sha1-modp2048",
	    "'sha1' is not offered: SHA-1 is weak (nicsec takes sha256, "
	    "sha384, sha512 for integrity)" },
	{ IKE_PROTO_IKE, "aes128-sha256-modp1024",
	    "'modp1024' is not offered: a group under 2048 bits (nicsec takes "
	    "modp2048, modp3072, modp4096, ecp256, ecp384, ecp521, "
	    "curve25519 for DH)" },
	{ IKE_PROTO_IKE, "aes128-sha256-prfsha1-modp2048",
	    "'prfsha1' is not offered: SHA-1 is weak (nicsec takes prfsha256" },
	{ IKE_PROTO_IKE, "aes128-sha256-ecp256bp",
	    "'ecp256bp' is not supported (nicsec takes modp2048" },
	{ IKE_PROTO_IKE, "chacha20poly1305-prfsha256-x25519",
	    "'chacha20poly1305' is not supported (nicsec takes aes128" },
	{ IKE_PROTO_IKE, "aes128-aesxcbc-modp2048",
	    "'aesxcbc' is not supported (nicsec takes sha256" },
	{ IKE_PROTO_IKE, "aes128-sha256-bogus",
	    "'bogus' is not an algorithm keyword (nicsec takes aes128, aes256, "
	    "aes128gcm16, aes256gcm16 for encryption; sha256" },
	{ IKE_PROTO_IKE, "sha256-modp2048",
	    "'sha256-modp2048': an encryption algorithm is mandatory in IKE "
	    "proposals" },
	{ IKE_PROTO_IKE, "aes128-aes128gcm16-sha256-modp2048",
	    "classic and combined-mode (AEAD) ciphers can't be in the same "
	    "IKE proposal" },
	{ IKE_PROTO_IKE, "aes128-prfsha256-modp2048",
	    "an integrity algorithm is mandatory in IKE proposals with a "
	    "classic (non-AEAD) cipher" },
	{ IKE_PROTO_IKE, "aes128gcm16-ecp256",
	    "'aes128gcm16-ecp256': a PRF is mandatory in IKE proposals" },
	{ IKE_PROTO_IKE, "aes128-sha256",
	    "'aes128-sha256': a DH group is mandatory in IKE proposals" },
	{ IKE_PROTO_IKE, "aes128-sha256-modp2048-esn",
	    "'esn' is for ESP proposals" },
	{ IKE_PROTO_IKE, "aes128--sha256-modp2048", "an empty keyword" },
	{ IKE_PROTO_IKE, "aes128-sha256-modp2048-", "an empty keyword" },
	{ IKE_PROTO_IKE, "aes128-sha256-modp2048,", "an empty proposal" },
	{ IKE_PROTO_IKE, "aes128-sha256 modp2048", "a space in a proposal" },
	{ IKE_PROTO_ESP, "aes128-sha256",
	    "'aes128' (AES-CBC) is not supported for ESP: the card does "
	    "AES-GCM only (nicsec takes aes128gcm16, aes256gcm16 for ESP "
	    "encryption)" },
	{ IKE_PROTO_ESP, "aes128gcm12",
	    "'aes128gcm12' is not supported (nicsec takes aes128gcm16, "
	    "aes256gcm16 for ESP encryption)" },
	{ IKE_PROTO_ESP, "3des-md5", "'3des' is not offered: a 64-bit block "
	    "cipher (nicsec takes aes128gcm16, aes256gcm16 for ESP" },
	{ IKE_PROTO_ESP, "modp2048",
	    "an encryption algorithm is mandatory in ESP proposals" },
	{ IKE_PROTO_ESP, "aes128gcm16,aes128gcm16,aes128gcm16,aes128gcm16,"
	    "aes128gcm16,aes128gcm16,aes128gcm16,aes128gcm16,aes128gcm16,"
	    "aes128gcm16,aes128gcm16,aes128gcm16,aes128gcm16,aes128gcm16,"
	    "aes128gcm16,aes128gcm16,aes128gcm16", "more than 16 proposals" },
};
#define NBADS (sizeof(bads) / sizeof(bads[0]))

static void
test_bad(void **state)
{
	struct ike_proposal p[IKE_PROPOSALS_MAX];
	char err[512];
	size_t i, n;

	(void)state;
	for (i = 0; i < NBADS; i++) {
		err[0] = '\0';
		if (ike_xform_parse(bads[i].proto, bads[i].s, p,
		    IKE_PROPOSALS_MAX, &n, err, sizeof(err)) != -1)
			fail_msg("'%s' parsed", bads[i].s);
		if (strstr(err, bads[i].want) == NULL)
			fail_msg("'%s'\n  got  %s\n  want %s", bads[i].s, err,
			    bads[i].want);
	}
	/* more alternatives of one kind than a proposal holds */
	{
		char s[600] = "aes128";
		static const char *const ke[] = { "modp2048", "modp3072",
		    "modp4096", "ecp256", "ecp384", "ecp521", "curve25519" };

		for (i = 0; i < 3; i++) {
			size_t j;

			for (j = 0; j < 7; j++) {
				strcat(s, "-");
				strcat(s, ke[j]);
			}
		}
		/* 7 distinct groups only: duplicates are dropped */
		assert_int_equal(ike_xform_parse(IKE_PROTO_IKE, strcat(s,
		    "-sha256"), p, 1, &n, err, sizeof(err)), 0);
		assert_int_equal(p[0].n[IKE_XF_KE], 7);
	}
	assert_int_equal(ike_xform_parse(IKE_PROTO_IKE, "default", p, 1, &n,
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "more than 1 proposals"));
	assert_int_equal(ike_xform_parse(2, "aes128", p, 1, &n, err,
	    sizeof(err)), -1);
}

static void
test_names(void **state)
{
	struct ike_proposal p;
	char buf[256];
	int n;

	(void)state;
	assert_string_equal(ike_xform_name(IKE_XF_ENCR, 20), "AES_GCM_16");
	assert_string_equal(ike_xform_name(IKE_XF_KE, 31), "CURVE_25519");
	assert_string_equal(ike_xform_name(IKE_XF_INTEG, 2), "HMAC_SHA1_96");
	assert_string_equal(ike_xform_name(IKE_XF_PRF, 7), "PRF_HMAC_SHA2_512");
	assert_string_equal(ike_xform_name(IKE_XF_ESN, 1), "EXT_SEQ");
	assert_null(ike_xform_name(IKE_XF_ENCR, 999));
	assert_true(ike_xform_supported(IKE_PROTO_IKE, IKE_XF_ENCR, 12, 256));
	assert_false(ike_xform_supported(IKE_PROTO_IKE, IKE_XF_ENCR, 12, 192));
	assert_false(ike_xform_supported(IKE_PROTO_ESP, IKE_XF_ENCR, 12, 128));
	assert_true(ike_xform_supported(IKE_PROTO_ESP, IKE_XF_ENCR, 20, 128));
	assert_false(ike_xform_supported(IKE_PROTO_ESP, IKE_XF_INTEG, 12, 0));
	assert_false(ike_xform_supported(IKE_PROTO_IKE, IKE_XF_ESN, 0, 0));
	assert_true(ike_xform_supported(IKE_PROTO_ESP, IKE_XF_ESN, 1, 0));
	assert_false(ike_xform_supported(IKE_PROTO_IKE, IKE_XF_KE, 2, 0));

	/* a peer's odd proposal, with names we know and one we don't */
	memset(&p, 0, sizeof(p));
	p.protocol = IKE_PROTO_IKE;
	p.n[IKE_XF_ENCR] = 2;
	p.xf[IKE_XF_ENCR][0].id = 3;
	p.xf[IKE_XF_ENCR][1].id = 77;
	p.xf[IKE_XF_ENCR][1].keylen = 128;
	p.n[IKE_XF_KE] = 1;
	p.xf[IKE_XF_KE][0].id = 2;
	n = ike_xform_format(&p, buf, sizeof(buf));
	assert_string_equal(buf, "3DES_CBC/UNKNOWN_1_77_128/MODP_1024");
	assert_int_equal(n, strlen(buf));
	/* cut short: terminated, the whole length returned */
	assert_int_equal(ike_xform_format(&p, buf, 5), n);
	assert_string_equal(buf, "3DES");
	assert_int_equal(ike_xform_format_list(&p, 0, buf, sizeof(buf)), 7);
	assert_string_equal(buf, "nothing");
}

static void
parse1(int proto, const char *s, struct ike_proposal *p, size_t *n)
{
	char err[512];

	if (ike_xform_parse(proto, s, p, IKE_PROPOSALS_MAX, n, err,
	    sizeof(err)) != 0)
		fail_msg("'%s': %s", s, err);
}

static void
select_as(int proto, const char *ours, const char *theirs, unsigned flags,
    const char *want, size_t want_index)
{
	struct ike_proposal o[IKE_PROPOSALS_MAX], t[IKE_PROPOSALS_MAX], ch;
	char got[512];
	size_t no, nt, i, idx = 99;

	parse1(proto, ours, o, &no);
	parse1(proto, theirs, t, &nt);
	for (i = 0; i < nt; i++)
		t[i].number = (uint8_t)(i + 1);
	if (want == NULL) {
		assert_int_equal(ike_xform_select(o, no, t, nt, flags, &ch,
		    &idx), -1);
		return;
	}
	if (ike_xform_select(o, no, t, nt, flags, &ch, &idx) != 0)
		fail_msg("ours '%s', theirs '%s': no match", ours, theirs);
	ike_xform_format(&ch, got, sizeof(got));
	if (strcmp(got, want) != 0)
		fail_msg("ours '%s', theirs '%s'\n  got  %s\n  want %s", ours,
		    theirs, got, want);
	assert_int_equal(idx, want_index);
	assert_int_equal(ch.number, want_index + 1);
}

static void
test_select(void **state)
{
	(void)state;
	/* our order of preference, as strongSwan by default */
	select_as(IKE_PROTO_IKE, "aes256-sha384-ecp384",
	    "aes128-aes256-sha256-sha384-modp2048-ecp384", 0,
	    "AES_CBC_256/HMAC_SHA2_384_192/PRF_HMAC_SHA2_384/ECP_384", 0);
	select_as(IKE_PROTO_IKE, "aes128gcm16-prfsha256-ecp256,"
	    "aes256-sha256-modp2048",
	    "aes256-sha256-modp2048,aes128gcm16-prfsha256-ecp256", 0,
	    "AES_GCM_16_128/PRF_HMAC_SHA2_256/ECP_256", 1);
	/* the peer's integrity NONE beside an AEAD is fine */
	select_as(IKE_PROTO_IKE, "default", "aes256gcm16-prfsha512-x25519", 0,
	    "AES_GCM_16_256/PRF_HMAC_SHA2_512/CURVE_25519", 0);
	/* key length must match */
	select_as(IKE_PROTO_IKE, "aes128-sha256-modp2048",
	    "aes256-sha256-modp2048", 0, NULL, 0);
	/* one type missing kills the proposal */
	select_as(IKE_PROTO_IKE, "aes128-sha256-modp2048",
	    "aes128-sha256-modp3072", 0, NULL, 0);

	/* ESP: PFS must agree, unless KE is skipped (IKE_AUTH) */
	select_as(IKE_PROTO_ESP, "aes128gcm16-modp2048", "aes128gcm16", 0,
	    NULL, 0);
	select_as(IKE_PROTO_ESP, "aes128gcm16", "aes128gcm16-modp2048", 0,
	    NULL, 0);
	select_as(IKE_PROTO_ESP, "aes128gcm16-modp2048", "aes128gcm16",
	    IKE_XFORM_SKIP_KE, "AES_GCM_16_128/NO_EXT_SEQ", 0);
	select_as(IKE_PROTO_ESP, "aes256gcm16-ecp256-modp2048",
	    "aes256gcm16-modp2048-ecp256-esn-noesn", 0,
	    "AES_GCM_16_256/ECP_256/NO_EXT_SEQ", 0);
	select_as(IKE_PROTO_ESP, "aes256gcm16-esn", "aes256gcm16", 0, NULL, 0);
	select_as(IKE_PROTO_ESP, "default", "aes256gcm16-noesn", 0,
	    "AES_GCM_16_256/NO_EXT_SEQ", 0);
}

/* KE NONE from a peer: an optional KE matches no KE of ours. */
static void
test_select_none(void **state)
{
	struct ike_proposal o[2], t, ch, ike;
	size_t n;

	(void)state;
	parse1(IKE_PROTO_ESP, "aes128gcm16", o, &n);
	parse1(IKE_PROTO_ESP, "aes128gcm16-modp2048", &t, &n);
	t.xf[IKE_XF_KE][1] = t.xf[IKE_XF_KE][0];
	t.xf[IKE_XF_KE][0].id = 0;		/* NONE first */
	t.n[IKE_XF_KE] = 2;
	assert_int_equal(ike_xform_select(o, 1, &t, 1, 0, &ch, NULL), 0);
	assert_int_equal(ch.n[IKE_XF_KE], 0);
	/* a protocol mismatch never matches */
	parse1(IKE_PROTO_IKE, "aes128gcm16-prfsha256-ecp256", &ike, &n);
	parse1(IKE_PROTO_ESP, "aes128gcm16", o, &n);
	assert_int_equal(ike_xform_select(&ike, 1, o, 1, 0, &ch, NULL), -1);
	assert_int_equal(ch.n[IKE_XF_ENCR], 0);
}

static void
test_mismatch(void **state)
{
	struct ike_proposal o[IKE_PROPOSALS_MAX], t[IKE_PROPOSALS_MAX], ch;
	char line[1024];
	size_t no, nt;
	int n;

	(void)state;
	parse1(IKE_PROTO_IKE, "aes256gcm16-prfsha384-ecp384", o, &no);
	parse1(IKE_PROTO_IKE, "aes128-sha256-modp2048", t, &nt);
	assert_int_equal(ike_xform_select(o, no, t, nt, 0, &ch, NULL), -1);
	n = ike_xform_mismatch(o, no, t, nt, line, sizeof(line));
	assert_string_equal(line, "peer proposed "
	    "IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048; "
	    "we accept IKE:AES_GCM_16_256/PRF_HMAC_SHA2_384/ECP_384");
	assert_int_equal(n, strlen(line));
	assert_int_equal(ike_xform_mismatch(o, no, t, nt, line, 10), n);
	assert_string_equal(line, "peer prop");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_select_none),
		cmocka_unit_test(test_mismatch),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
