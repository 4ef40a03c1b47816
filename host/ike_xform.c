/*
 * ike_xform.c - IKEv2 transforms, strongSwan proposal strings, selection.
 * See ike_xform.h.  The keyword spellings and the checks follow strongSwan
 * 5.9 (src/libstrongswan/crypto/proposal/), so that a swanctl.conf
 * proposal means the same here; what nicsec does not do is refused by
 * name, with what it takes instead.
 */
#define _DEFAULT_SOURCE		/* strtok_r() */

#include "ike_xform.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The keywords nicsec takes, strongSwan's spellings and aliases. */
static const struct keyword {
	const char	*kw;
	int		 type;
	uint16_t	 id, keylen;
} keywords[] = {
	{ "aes128",	  IKE_XF_ENCR, ENCR_AES_CBC, 128 },
	{ "aes256",	  IKE_XF_ENCR, ENCR_AES_CBC, 256 },
	{ "aes",	  IKE_XF_ENCR, ENCR_AES_CBC, 128 },
	{ "aes128gcm16",  IKE_XF_ENCR, ENCR_AES_GCM_16, 128 },
	{ "aes128gcm128", IKE_XF_ENCR, ENCR_AES_GCM_16, 128 },
	{ "aes128gcm",	  IKE_XF_ENCR, ENCR_AES_GCM_16, 128 },
	{ "aes256gcm16",  IKE_XF_ENCR, ENCR_AES_GCM_16, 256 },
	{ "aes256gcm128", IKE_XF_ENCR, ENCR_AES_GCM_16, 256 },
	{ "aes256gcm",	  IKE_XF_ENCR, ENCR_AES_GCM_16, 256 },
	{ "sha256",	  IKE_XF_INTEG, AUTH_HMAC_SHA2_256_128, 0 },
	{ "sha2_256",	  IKE_XF_INTEG, AUTH_HMAC_SHA2_256_128, 0 },
	{ "sha384",	  IKE_XF_INTEG, AUTH_HMAC_SHA2_384_192, 0 },
	{ "sha2_384",	  IKE_XF_INTEG, AUTH_HMAC_SHA2_384_192, 0 },
	{ "sha512",	  IKE_XF_INTEG, AUTH_HMAC_SHA2_512_256, 0 },
	{ "sha2_512",	  IKE_XF_INTEG, AUTH_HMAC_SHA2_512_256, 0 },
	{ "prfsha256",	  IKE_XF_PRF, PRF_HMAC_SHA2_256, 0 },
	{ "prfsha384",	  IKE_XF_PRF, PRF_HMAC_SHA2_384, 0 },
	{ "prfsha512",	  IKE_XF_PRF, PRF_HMAC_SHA2_512, 0 },
	{ "modp2048",	  IKE_XF_KE, KE_MODP_2048, 0 },
	{ "modp3072",	  IKE_XF_KE, KE_MODP_3072, 0 },
	{ "modp4096",	  IKE_XF_KE, KE_MODP_4096, 0 },
	{ "ecp256",	  IKE_XF_KE, KE_ECP_256, 0 },
	{ "ecp384",	  IKE_XF_KE, KE_ECP_384, 0 },
	{ "ecp521",	  IKE_XF_KE, KE_ECP_521, 0 },
	{ "curve25519",	  IKE_XF_KE, KE_CURVE_25519, 0 },
	{ "x25519",	  IKE_XF_KE, KE_CURVE_25519, 0 },
	{ "esn",	  IKE_XF_ESN, ESN_YES, 0 },
	{ "noesn",	  IKE_XF_ESN, ESN_NO, 0 },
};

/* What to tell a user, by type: the keywords we take. */
static const char *const takes[IKE_XF_NTYPES] = {
	NULL,
	"aes128, aes256, aes128gcm16, aes256gcm16 for encryption",
	"prfsha256, prfsha384, prfsha512 for the PRF",
	"sha256, sha384, sha512 for integrity",
	"modp2048, modp3072, modp4096, ecp256, ecp384, ecp521, curve25519 "
	    "for DH",
	"esn, noesn",
};
#define TAKES_ESP_ENCR	"aes128gcm16, aes256gcm16 for ESP encryption"

/*
 * strongSwan keywords nicsec does not take, sorted into types by their
 * prefixes (strongSwan's spellings are regular enough), and the weak ones
 * among them, which deserve saying so.
 */
static const struct {
	const char	*prefix;
	int		 type;
} families[] = {
	{ "prf", IKE_XF_PRF },
	{ "modp", IKE_XF_KE }, { "ecp", IKE_XF_KE }, { "curve", IKE_XF_KE },
	{ "x448", IKE_XF_KE }, { "ntru", IKE_XF_KE }, { "kyber", IKE_XF_KE },
	{ "none", IKE_XF_KE },
	{ "sha", IKE_XF_INTEG }, { "md5", IKE_XF_INTEG },
	{ "aesxcbc", IKE_XF_INTEG }, { "aescmac", IKE_XF_INTEG },
	{ "camelliaxcbc", IKE_XF_INTEG },
	{ "aes", IKE_XF_ENCR }, { "3des", IKE_XF_ENCR }, { "des", IKE_XF_ENCR },
	{ "null", IKE_XF_ENCR }, { "camellia", IKE_XF_ENCR },
	{ "chacha20", IKE_XF_ENCR }, { "blowfish", IKE_XF_ENCR },
	{ "cast", IKE_XF_ENCR }, { "serpent", IKE_XF_ENCR },
	{ "twofish", IKE_XF_ENCR },
};
static const struct {
	const char	*kw;
	const char	*why;
} weak[] = {
	{ "3des", "a 64-bit block cipher" }, { "des", "a 64-bit block cipher" },
	{ "blowfish", "a 64-bit block cipher" },
	{ "cast128", "a 64-bit block cipher" },
	{ "null", "no encryption at all" },
	{ "md5", "MD5 is broken" }, { "md5_128", "MD5 is broken" },
	{ "prfmd5", "MD5 is broken" },
	{ "sha", "SHA-1 is weak" }, { "sha1", "SHA-1 is weak" },
	{ "sha1_160", "SHA-1 is weak" }, { "prfsha1", "SHA-1 is weak" },
	{ "modp768", "a group under 2048 bits" },
	{ "modp1024", "a group under 2048 bits" },
	{ "modp1536", "a group under 2048 bits" },
	{ "modp1024s160", "an RFC 5114 group of questionable origin" },
	{ "modp2048s224", "an RFC 5114 group of questionable origin" },
	{ "modp2048s256", "an RFC 5114 group of questionable origin" },
};

#define N(a)	(sizeof(a) / sizeof((a)[0]))

static int
perr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* The refusal for a keyword that is not one of ours. */
static int
refuse(int protocol, const char *kw, char *err, size_t errlen)
{
	size_t i;
	int type = 0;

	for (i = 0; i < N(families); i++) {
		if (strncmp(kw, families[i].prefix,
		    strlen(families[i].prefix)) == 0) {
			type = families[i].type;
			break;
		}
	}
	if (type == 0)
		return perr(err, errlen, "'%s' is not an algorithm keyword "
		    "(nicsec takes %s; %s; %s; %s; %s)", kw, takes[1],
		    takes[3], takes[2], takes[4], takes[5]);
	for (i = 0; i < N(weak); i++)
		if (strcmp(kw, weak[i].kw) == 0)
			return perr(err, errlen, "'%s' is not offered: %s "
			    "(nicsec takes %s)", kw, weak[i].why,
			    protocol == IKE_PROTO_ESP && type == IKE_XF_ENCR ?
			    TAKES_ESP_ENCR : takes[type]);
	return perr(err, errlen, "'%s' is not supported (nicsec takes %s)", kw,
	    protocol == IKE_PROTO_ESP && type == IKE_XF_ENCR ?
	    TAKES_ESP_ENCR : takes[type]);
}

/* Appends x to type's list unless it is there; -1 when the list is full. */
static int
add(struct ike_proposal *p, int type, uint16_t id, uint16_t keylen)
{
	uint8_t i;

	for (i = 0; i < p->n[type]; i++)
		if (p->xf[type][i].id == id && p->xf[type][i].keylen == keylen)
			return 0;
	if (p->n[type] == IKE_XF_MAX)
		return -1;
	p->xf[type][p->n[type]].id = id;
	p->xf[type][p->n[type]].keylen = keylen;
	p->n[type]++;
	return 0;
}

static int
is_aead(uint16_t encr)
{
	return encr == ENCR_AES_GCM_16;
}

/* strongSwan's rules for a whole proposal (check_proposal()). */
static int
check(struct ike_proposal *p, const char *s, char *err, size_t errlen)
{
	static const uint16_t prf_of[][2] = {
		{ AUTH_HMAC_SHA2_256_128, PRF_HMAC_SHA2_256 },
		{ AUTH_HMAC_SHA2_384_192, PRF_HMAC_SHA2_384 },
		{ AUTH_HMAC_SHA2_512_256, PRF_HMAC_SHA2_512 },
	};
	const char *proto = p->protocol == IKE_PROTO_IKE ? "IKE" : "ESP";
	int i, j, aead = 0, classic = 0;

	for (i = 0; i < p->n[IKE_XF_ENCR]; i++) {
		if (is_aead(p->xf[IKE_XF_ENCR][i].id))
			aead = 1;
		else
			classic = 1;
	}
	if (!aead && !classic)
		return perr(err, errlen, "'%s': an encryption algorithm is "
		    "mandatory in %s proposals", s, proto);
	if (aead && classic)
		return perr(err, errlen, "'%s': classic and combined-mode "
		    "(AEAD) ciphers can't be in the same %s proposal (make two "
		    "proposals, separated by a comma)", s, proto);
	if (p->protocol == IKE_PROTO_IKE) {
		/* No prf keyword: one per integrity algorithm, in order. */
		if (p->n[IKE_XF_PRF] == 0) {
			for (i = 0; i < p->n[IKE_XF_INTEG]; i++)
				for (j = 0; j < (int)N(prf_of); j++)
					if (p->xf[IKE_XF_INTEG][i].id ==
					    prf_of[j][0])
						add(p, IKE_XF_PRF,
						    prf_of[j][1], 0);
		}
		if (p->n[IKE_XF_PRF] == 0)
			return perr(err, errlen, "'%s': a PRF is mandatory in "
			    "IKE proposals (%s, or an integrity algorithm to "
			    "take it from)", s, takes[IKE_XF_PRF]);
		if (p->n[IKE_XF_KE] == 0)
			return perr(err, errlen, "'%s': a DH group is "
			    "mandatory in IKE proposals (%s)", s,
			    takes[IKE_XF_KE]);
		if (classic && p->n[IKE_XF_INTEG] == 0)
			return perr(err, errlen, "'%s': an integrity algorithm "
			    "is mandatory in IKE proposals with a classic "
			    "(non-AEAD) cipher (%s)", s, takes[IKE_XF_INTEG]);
	} else {
		p->n[IKE_XF_PRF] = 0;
		if (p->n[IKE_XF_ESN] == 0)
			add(p, IKE_XF_ESN, ESN_NO, 0);
	}
	/* AEAD: no integrity algorithm may be proposed (RFC 7296 3.3). */
	if (aead)
		p->n[IKE_XF_INTEG] = 0;
	return 0;
}

/* One proposal: s[0..len), keywords separated by '-'. */
static int
parse_one(int protocol, const char *s, size_t len, struct ike_proposal *p,
    char *err, size_t errlen)
{
	char buf[512], *kw, *save = NULL;
	size_t i;

	memset(p, 0, sizeof(*p));
	p->protocol = protocol;
	if (len >= sizeof(buf))
		return perr(err, errlen, "a proposal of %zu characters is too "
		    "long", len);
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (buf[0] == '-' || buf[len - 1] == '-' || strstr(buf, "--") != NULL)
		return perr(err, errlen, "'%s': an empty keyword between "
		    "dashes", buf);
	for (kw = strtok_r(buf, "-", &save); kw != NULL;
	    kw = strtok_r(NULL, "-", &save)) {
		for (i = 0; i < N(keywords); i++)
			if (strcmp(kw, keywords[i].kw) == 0)
				break;
		if (i == N(keywords))
			return refuse(protocol, kw, err, errlen);
		if (protocol == IKE_PROTO_ESP &&
		    keywords[i].id == ENCR_AES_CBC &&
		    keywords[i].type == IKE_XF_ENCR)
			return perr(err, errlen, "'%s' (AES-CBC) is not "
			    "supported for ESP: the card does AES-GCM only "
			    "(nicsec takes %s)", kw, TAKES_ESP_ENCR);
		if (protocol == IKE_PROTO_IKE && keywords[i].type == IKE_XF_ESN)
			return perr(err, errlen, "'%s' is for ESP proposals, "
			    "not IKE ones", kw);
		if (add(p, keywords[i].type, keywords[i].id,
		    keywords[i].keylen) != 0)
			return perr(err, errlen, "more than %d algorithms of "
			    "one kind in a proposal", IKE_XF_MAX);
	}
	/* strncpy-free copy of the proposal for the messages */
	memcpy(buf, s, len);
	buf[len] = '\0';
	return check(p, buf, err, errlen);
}

int
ike_xform_parse(int protocol, const char *s, struct ike_proposal *out,
    size_t max, size_t *n, char *err, size_t errlen)
{
	const char *p = s, *end;
	size_t len, k;

	*n = 0;
	if (protocol != IKE_PROTO_IKE && protocol != IKE_PROTO_ESP)
		return perr(err, errlen, "protocol %d: IKE or ESP only",
		    protocol);
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		end = p + strcspn(p, ",");
		len = (size_t)(end - p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == 0)
			return perr(err, errlen, "an empty proposal in '%s'", s);
		if (len == 7 && strncmp(p, "default", 7) == 0) {
			if (*n + 2 > max)
				goto toomany;
			*n += ike_xform_default(protocol, out + *n, max - *n);
		} else {
			if (*n == max)
				goto toomany;
			for (k = 0; k < len; k++)
				if (p[k] == ' ' || p[k] == '\t')
					break;
			if (k < len)
				return perr(err, errlen, "'%.*s': a space in a "
				    "proposal (keywords are joined by '-', "
				    "proposals separated by ',')", (int)len,
				    p);
			if (parse_one(protocol, p, len, &out[*n], err,
			    errlen) != 0)
				return -1;
			(*n)++;
		}
		if (*end == '\0')
			return 0;
		p = end + 1;
	}
toomany:
	return perr(err, errlen, "more than %d proposals", (int)max);
}

size_t
ike_xform_default(int protocol, struct ike_proposal *out, size_t max)
{
	static const uint16_t integ[] = { AUTH_HMAC_SHA2_256_128,
	    AUTH_HMAC_SHA2_384_192, AUTH_HMAC_SHA2_512_256 };
	static const uint16_t prf[] = { PRF_HMAC_SHA2_256, PRF_HMAC_SHA2_384,
	    PRF_HMAC_SHA2_512 };
	/* strongSwan's rounds: ECC, then MODP >= 3072, then MODP 2048 */
	static const uint16_t ke[] = { KE_ECP_256, KE_ECP_384, KE_ECP_521,
	    KE_CURVE_25519, KE_MODP_3072, KE_MODP_4096, KE_MODP_2048 };
	struct ike_proposal *p;
	size_t i;

	if (max == 0)
		return 0;
	p = &out[0];
	memset(p, 0, sizeof(*p));
	p->protocol = protocol;
	if (protocol == IKE_PROTO_ESP) {
		add(p, IKE_XF_ENCR, ENCR_AES_GCM_16, 128);
		add(p, IKE_XF_ENCR, ENCR_AES_GCM_16, 256);
		add(p, IKE_XF_ESN, ESN_NO, 0);
		return 1;
	}
	/* IKE: classic first, then AEAD, as strongSwan's vici backend */
	add(p, IKE_XF_ENCR, ENCR_AES_CBC, 128);
	add(p, IKE_XF_ENCR, ENCR_AES_CBC, 256);
	for (i = 0; i < N(integ); i++)
		add(p, IKE_XF_INTEG, integ[i], 0);
	for (i = 0; i < N(prf); i++)
		add(p, IKE_XF_PRF, prf[i], 0);
	for (i = 0; i < N(ke); i++)
		add(p, IKE_XF_KE, ke[i], 0);
	if (max == 1)
		return 1;
	out[1] = out[0];
	p = &out[1];
	p->n[IKE_XF_ENCR] = 0;
	p->n[IKE_XF_INTEG] = 0;
	add(p, IKE_XF_ENCR, ENCR_AES_GCM_16, 128);
	add(p, IKE_XF_ENCR, ENCR_AES_GCM_16, 256);
	return 2;
}

const char *
ike_xform_name(int type, uint16_t id)
{
	/* strongSwan's names, for what a peer may well propose */
	static const struct {
		int		 type;
		uint16_t	 id;
		const char	*name;
	} names[] = {
		{ IKE_XF_ENCR, 2, "DES_CBC" }, { IKE_XF_ENCR, 3, "3DES_CBC" },
		{ IKE_XF_ENCR, 6, "CAST_CBC" }, { IKE_XF_ENCR, 7, "BLOWFISH_CBC" },
		{ IKE_XF_ENCR, 11, "NULL" }, { IKE_XF_ENCR, 12, "AES_CBC" },
		{ IKE_XF_ENCR, 13, "AES_CTR" }, { IKE_XF_ENCR, 14, "AES_CCM_8" },
		{ IKE_XF_ENCR, 15, "AES_CCM_12" },
		{ IKE_XF_ENCR, 16, "AES_CCM_16" },
		{ IKE_XF_ENCR, 18, "AES_GCM_8" },
		{ IKE_XF_ENCR, 19, "AES_GCM_12" },
		{ IKE_XF_ENCR, 20, "AES_GCM_16" },
		{ IKE_XF_ENCR, 21, "NULL_AES_GMAC" },
		{ IKE_XF_ENCR, 23, "CAMELLIA_CBC" },
		{ IKE_XF_ENCR, 24, "CAMELLIA_CTR" },
		{ IKE_XF_ENCR, 28, "CHACHA20_POLY1305" },
		{ IKE_XF_PRF, 1, "PRF_HMAC_MD5" },
		{ IKE_XF_PRF, 2, "PRF_HMAC_SHA1" },
		{ IKE_XF_PRF, 4, "PRF_AES128_XCBC" },
		{ IKE_XF_PRF, 5, "PRF_HMAC_SHA2_256" },
		{ IKE_XF_PRF, 6, "PRF_HMAC_SHA2_384" },
		{ IKE_XF_PRF, 7, "PRF_HMAC_SHA2_512" },
		{ IKE_XF_PRF, 8, "PRF_AES128_CMAC" },
		{ IKE_XF_INTEG, 0, "NONE" },
		{ IKE_XF_INTEG, 1, "HMAC_MD5_96" },
		{ IKE_XF_INTEG, 2, "HMAC_SHA1_96" },
		{ IKE_XF_INTEG, 5, "AES_XCBC_96" },
		{ IKE_XF_INTEG, 8, "AES_CMAC_96" },
		{ IKE_XF_INTEG, 12, "HMAC_SHA2_256_128" },
		{ IKE_XF_INTEG, 13, "HMAC_SHA2_384_192" },
		{ IKE_XF_INTEG, 14, "HMAC_SHA2_512_256" },
		{ IKE_XF_KE, 0, "NONE" }, { IKE_XF_KE, 1, "MODP_768" },
		{ IKE_XF_KE, 2, "MODP_1024" }, { IKE_XF_KE, 5, "MODP_1536" },
		{ IKE_XF_KE, 14, "MODP_2048" }, { IKE_XF_KE, 15, "MODP_3072" },
		{ IKE_XF_KE, 16, "MODP_4096" }, { IKE_XF_KE, 17, "MODP_6144" },
		{ IKE_XF_KE, 18, "MODP_8192" }, { IKE_XF_KE, 19, "ECP_256" },
		{ IKE_XF_KE, 20, "ECP_384" }, { IKE_XF_KE, 21, "ECP_521" },
		{ IKE_XF_KE, 22, "MODP_1024_160" },
		{ IKE_XF_KE, 23, "MODP_2048_224" },
		{ IKE_XF_KE, 24, "MODP_2048_256" },
		{ IKE_XF_KE, 25, "ECP_192" }, { IKE_XF_KE, 26, "ECP_224" },
		{ IKE_XF_KE, 27, "ECP_224_BP" }, { IKE_XF_KE, 28, "ECP_256_BP" },
		{ IKE_XF_KE, 29, "ECP_384_BP" }, { IKE_XF_KE, 30, "ECP_512_BP" },
		{ IKE_XF_KE, 31, "CURVE_25519" }, { IKE_XF_KE, 32, "CURVE_448" },
		{ IKE_XF_ESN, 0, "NO_EXT_SEQ" }, { IKE_XF_ESN, 1, "EXT_SEQ" },
	};
	size_t i;

	for (i = 0; i < N(names); i++)
		if (names[i].type == type && names[i].id == id)
			return names[i].name;
	return NULL;
}

int
ike_xform_supported(int protocol, int type, uint16_t id, uint16_t keylen)
{
	size_t i;

	if (protocol == IKE_PROTO_ESP && type == IKE_XF_ENCR &&
	    id == ENCR_AES_CBC)
		return 0;
	if ((protocol == IKE_PROTO_ESP && (type == IKE_XF_PRF ||
	    type == IKE_XF_INTEG)) ||
	    (protocol == IKE_PROTO_IKE && type == IKE_XF_ESN))
		return 0;
	for (i = 0; i < N(keywords); i++)
		if (keywords[i].type == type && keywords[i].id == id &&
		    keywords[i].keylen == keylen)
			return 1;
	return 0;
}

/*
 * The first of our alternatives for type that they have too, or -1.  An
 * empty list on both sides is a match (returns IKE_XF_MAX: nothing to
 * pick); for optional types, so is one side empty and the other offering
 * NONE (ID 0).
 */
static int
pick(const struct ike_proposal *o, const struct ike_proposal *t, int type,
    int optional)
{
	int i, j;

	if (o->n[type] == 0 || t->n[type] == 0) {
		const struct ike_proposal *x = o->n[type] ? o : t;

		if (x->n[type] == 0)
			return IKE_XF_MAX;
		if (optional)
			for (i = 0; i < x->n[type]; i++)
				if (x->xf[type][i].id == 0)
					return IKE_XF_MAX;
		return -1;
	}
	for (i = 0; i < o->n[type]; i++)
		for (j = 0; j < t->n[type]; j++)
			if (o->xf[type][i].id == t->xf[type][j].id &&
			    o->xf[type][i].keylen == t->xf[type][j].keylen)
				return i;
	return -1;
}

static int
match(const struct ike_proposal *o, const struct ike_proposal *t,
    unsigned flags, struct ike_proposal *out)
{
	static const int order[] = { IKE_XF_ENCR, IKE_XF_INTEG, IKE_XF_PRF,
	    IKE_XF_KE, IKE_XF_ESN };
	size_t k;
	int type, i, aead = 0;

	if (o->protocol != t->protocol)
		return -1;
	memset(out, 0, sizeof(*out));
	out->protocol = t->protocol;
	out->number = t->number;
	for (k = 0; k < N(order); k++) {
		type = order[k];
		if (type == IKE_XF_INTEG && aead)
			continue;
		if (type == IKE_XF_KE && (flags & IKE_XFORM_SKIP_KE))
			continue;
		i = pick(o, t, type, type == IKE_XF_KE &&
		    o->protocol == IKE_PROTO_ESP);
		if (i < 0)
			return -1;
		if (i == IKE_XF_MAX)
			continue;
		/* A NONE picked from both is no transform at all. */
		if (o->xf[type][i].id == 0 && type != IKE_XF_ESN)
			continue;
		out->xf[type][0] = o->xf[type][i];
		out->n[type] = 1;
		if (type == IKE_XF_ENCR && is_aead(o->xf[type][i].id))
			aead = 1;
	}
	return 0;
}

int
ike_xform_select(const struct ike_proposal *ours, size_t n_ours,
    const struct ike_proposal *theirs, size_t n_theirs, unsigned flags,
    struct ike_proposal *chosen, size_t *theirs_index)
{
	size_t i, j;

	for (i = 0; i < n_ours; i++) {
		for (j = 0; j < n_theirs; j++) {
			if (match(&ours[i], &theirs[j], flags, chosen) == 0) {
				if (theirs_index != NULL)
					*theirs_index = j;
				return 0;
			}
		}
	}
	memset(chosen, 0, sizeof(*chosen));
	return -1;
}

/* Appends to a buffer as snprintf() would, counting what did not fit. */
struct out {
	char	*buf;
	size_t	 len, pos;
};

static void
put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	if (o->pos < o->len)
		k = vsnprintf(o->buf + o->pos, o->len - o->pos, fmt, ap);
	else
		k = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (k > 0)
		o->pos += (size_t)k;
}

static void
put_proposal(struct out *o, const struct ike_proposal *p)
{
	static const int order[] = { IKE_XF_ENCR, IKE_XF_INTEG, IKE_XF_PRF,
	    IKE_XF_KE, IKE_XF_ESN };
	const char *name;
	size_t k;
	int i, first = 1;

	for (k = 0; k < N(order); k++) {
		for (i = 0; i < p->n[order[k]]; i++) {
			const struct ike_xform *x = &p->xf[order[k]][i];

			put(o, "%s", first ? "" : "/");
			first = 0;
			if ((name = ike_xform_name(order[k], x->id)) != NULL)
				put(o, "%s", name);
			else
				put(o, "UNKNOWN_%d_%u", order[k], x->id);
			if (x->keylen != 0)
				put(o, "_%u", x->keylen);
		}
	}
}

static int
done(struct out *o)
{
	return o->pos > 0x7fffffff ? 0x7fffffff : (int)o->pos;
}

int
ike_xform_format(const struct ike_proposal *p, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };

	if (len > 0)
		buf[0] = '\0';
	put_proposal(&o, p);
	return done(&o);
}

static void
put_list(struct out *o, const struct ike_proposal *p, size_t n)
{
	size_t i;

	if (n == 0)
		put(o, "nothing");
	for (i = 0; i < n; i++) {
		put(o, "%s%s:", i > 0 ? ", " : "",
		    p[i].protocol == IKE_PROTO_IKE ? "IKE" :
		    p[i].protocol == IKE_PROTO_ESP ? "ESP" : "?");
		put_proposal(o, &p[i]);
	}
}

int
ike_xform_format_list(const struct ike_proposal *p, size_t n, char *buf,
    size_t len)
{
	struct out o = { buf, len, 0 };

	if (len > 0)
		buf[0] = '\0';
	put_list(&o, p, n);
	return done(&o);
}

int
ike_xform_mismatch(const struct ike_proposal *ours, size_t n_ours,
    const struct ike_proposal *theirs, size_t n_theirs, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };

	if (len > 0)
		buf[0] = '\0';
	put(&o, "peer proposed ");
	put_list(&o, theirs, n_theirs);
	put(&o, "; we accept ");
	put_list(&o, ours, n_ours);
	return done(&o);
}
