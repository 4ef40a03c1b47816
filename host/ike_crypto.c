/*
 * ike_crypto.c - IKEv2's cryptography on OpenSSL 3.  See ike_crypto.h and
 * docs/ike-crypto.md.  Every primitive is OpenSSL's, reached through EVP,
 * EVP_MAC and EVP_PKEY; what is written here is only IKEv2's framing of
 * them: which bytes go in, in which order, padded how.
 */
#include "ike_crypto.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#define N(a)		(sizeof(a) / sizeof((a)[0]))

/* The IKE header (RFC 7296 3.1), its Length field, a payload's generic
 * header (3.2): ike_wire.h's. */
#define HDR_LEN		IKE_HDR_LEN
#define HDR_LENGTH_OFF	IKE_HDR_LENGTH_OFF
#define PLD_HDR_LEN	IKE_PLD_HDR_LEN

#define AES_BLOCK	16
#define CBC_IV_LEN	16	/* RFC 3602 3 */
#define GCM_IV_LEN	8	/* RFC 5282 3.1 */
#define GCM_SALT_LEN	4	/* RFC 5282 7.1, RFC 4106 8.1 */
#define GCM_ICV_LEN	16	/* ENCR_AES_GCM_16 */

static void
say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/*
 * "what: OpenSSL's reason".  The error queue is emptied, so that a later
 * failure does not report this one's reason.
 */
static void
say_ossl(char *err, size_t errlen, const char *what)
{
	unsigned long e = ERR_peek_last_error();
	char r[256];

	if (e != 0)
		ERR_error_string_n(e, r, sizeof(r));
	else
		snprintf(r, sizeof(r), "no reason given");
	ERR_clear_error();
	say(err, errlen, "%s: %s", what, r);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, v >> 32);
	put32(p + 4, (uint32_t)v);
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* ---- random bytes -------------------------------------------------- */

int
ike_random(void *buf, size_t len, char *err, size_t errlen)
{
	/* RAND_bytes takes an int: feed it in pieces. */
	uint8_t *p = buf;
	size_t k;

	while (len > 0) {
		k = len > 65536 ? 65536 : len;
		if (RAND_bytes(p, (int)k) != 1) {
			say_ossl(err, errlen, "RAND_bytes failed");
			return -1;
		}
		p += k;
		len -= k;
	}
	return 0;
}

int
ike_random_spi(uint64_t *spi, char *err, size_t errlen)
{
	uint8_t b[8];
	int i;

	do {
		if (ike_random(b, sizeof(b), err, errlen) != 0)
			return -1;
		for (*spi = 0, i = 0; i < 8; i++)
			*spi = *spi << 8 | b[i];
	} while (*spi == 0);
	return 0;
}

/* ---- key exchange -------------------------------------------------- */

enum dh_kind { DH_MODP, DH_ECP, DH_X25519 };

static const uint8_t oid_p256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
    0x3d, 0x03, 0x01, 0x07 };			/* 1.2.840.10045.3.1.7 */
static const uint8_t oid_p384[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00,
    0x22 };					/* 1.3.132.0.34 */
static const uint8_t oid_p521[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00,
    0x23 };					/* 1.3.132.0.35 */

static const struct dh_group {
	uint16_t	 id;
	enum dh_kind	 kind;
	const char	*name;		/* as strongSwan logs it */
	const char	*ossl;		/* OpenSSL's group name */
	size_t		 plen;		/* KE data */
	size_t		 slen;		/* g^ir */
	/*
	 * MODP: the private exponent's bits.  RFC 3526 1 wants "double the
	 * entropy of the strength", and its section 8 puts the strengths at
	 * up to 160, 210 and 240 bits: 320, 420, 480, where OpenSSL's
	 * default would be twice NIST's 112, 128, 152 (about 225-325).
	 */
	int		 priv_bits;
	const uint8_t	*oid;		/* ECP: the curve's, DER */
	size_t		 oidlen;
} dh_groups[] = {
	{ KE_MODP_2048, DH_MODP, "MODP_2048", "modp_2048", 256, 256, 320,
	    NULL, 0 },
	{ KE_MODP_3072, DH_MODP, "MODP_3072", "modp_3072", 384, 384, 420,
	    NULL, 0 },
	{ KE_MODP_4096, DH_MODP, "MODP_4096", "modp_4096", 512, 512, 480,
	    NULL, 0 },
	{ KE_ECP_256, DH_ECP, "ECP_256", "P-256", 64, 32, 0,
	    oid_p256, sizeof(oid_p256) },
	{ KE_ECP_384, DH_ECP, "ECP_384", "P-384", 96, 48, 0,
	    oid_p384, sizeof(oid_p384) },
	{ KE_ECP_521, DH_ECP, "ECP_521", "P-521", 132, 66, 0,
	    oid_p521, sizeof(oid_p521) },
	{ KE_CURVE_25519, DH_X25519, "CURVE_25519", "X25519", 32, 32, 0,
	    NULL, 0 },
};

struct ike_dh {
	const struct dh_group	*g;
	EVP_PKEY		*key;
	uint8_t			 pub[IKE_DH_MAX];	/* KE data */
};

static const struct dh_group *
dh_group(uint16_t id)
{
	size_t i;

	for (i = 0; i < N(dh_groups); i++)
		if (dh_groups[i].id == id)
			return &dh_groups[i];
	return NULL;
}

static int
no_group(uint16_t id, char *err, size_t errlen)
{
	say(err, errlen, "DH group %u is not supported (nicsec does MODP "
	    "2048/3072/4096, ECP 256/384/521, Curve25519)", id);
	return -1;
}

size_t
ike_dh_public_len(uint16_t group)
{
	const struct dh_group *g = dh_group(group);

	return g != NULL ? g->plen : 0;
}

size_t
ike_dh_shared_len(uint16_t group)
{
	const struct dh_group *g = dh_group(group);

	return g != NULL ? g->slen : 0;
}

uint16_t
ike_dh_group(const struct ike_dh *dh)
{
	return dh->g->id;
}

/*
 * Our public value as the KE payload carries it (RFC 7296 3.4): MODP as
 * OpenSSL encodes it, big-endian padded to the prime's length (padded
 * again here should a version not do it); ECP x | y (RFC 5903 7),
 * OpenSSL's uncompressed point without its 0x04; X25519 the raw 32 bytes.
 */
static int
export_public(const struct dh_group *g, EVP_PKEY *key, uint8_t *buf)
{
	uint8_t tmp[1 + IKE_DH_MAX];
	size_t n = 0;

	switch (g->kind) {
	case DH_MODP:
		if (!EVP_PKEY_get_octet_string_param(key,
		    OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, tmp, sizeof(tmp), &n) ||
		    n == 0 || n > g->plen)
			return -1;
		memset(buf, 0, g->plen - n);
		memcpy(buf + g->plen - n, tmp, n);
		return 0;
	case DH_ECP:
		if (!EVP_PKEY_get_octet_string_param(key,
		    OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, tmp, sizeof(tmp), &n) ||
		    n != 1 + g->plen || tmp[0] != 0x04)
			return -1;
		memcpy(buf, tmp + 1, g->plen);
		return 0;
	case DH_X25519:
		n = g->plen;
		if (!EVP_PKEY_get_raw_public_key(key, buf, &n) || n != g->plen)
			return -1;
		return 0;
	}
	return -1;
}

/* Wraps a key pair; frees key on failure. */
static int
dh_wrap(const struct dh_group *g, EVP_PKEY *key, struct ike_dh **out,
    char *err, size_t errlen)
{
	struct ike_dh *dh;

	if ((dh = calloc(1, sizeof(*dh))) == NULL) {
		EVP_PKEY_free(key);
		say(err, errlen, "%s: out of memory", g->name);
		return -1;
	}
	dh->g = g;
	dh->key = key;
	if (export_public(g, key, dh->pub) != 0) {
		say_ossl(err, errlen, "exporting our public value failed");
		ike_dh_free(dh);
		return -1;
	}
	*out = dh;
	return 0;
}

int
ike_dh_new(uint16_t group, struct ike_dh **out, char *err, size_t errlen)
{
	static const char *const types[] = { "DH", "EC", "X25519" };
	const struct dh_group *g;
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *key = NULL;
	OSSL_PARAM params[3], *p = params;
	int bits, ok;

	*out = NULL;
	if ((g = dh_group(group)) == NULL)
		return no_group(group, err, errlen);
	if (g->kind != DH_X25519)
		*p++ = OSSL_PARAM_construct_utf8_string(
		    OSSL_PKEY_PARAM_GROUP_NAME, (char *)g->ossl, 0);
	if (g->kind == DH_MODP) {
		bits = g->priv_bits;
		*p++ = OSSL_PARAM_construct_int(OSSL_PKEY_PARAM_DH_PRIV_LEN,
		    &bits);
	}
	*p = OSSL_PARAM_construct_end();
	ctx = EVP_PKEY_CTX_new_from_name(NULL, types[g->kind], NULL);
	ok = ctx != NULL && EVP_PKEY_keygen_init(ctx) == 1 &&
	    EVP_PKEY_CTX_set_params(ctx, params) == 1 &&
	    EVP_PKEY_generate(ctx, &key) == 1;
	EVP_PKEY_CTX_free(ctx);
	if (!ok) {
		say_ossl(err, errlen, "generating a key failed");
		return -1;
	}
	return dh_wrap(g, key, out, err, errlen);
}

/*
 * The peer's KE value as an EVP_PKEY, with the group's parameters.  The
 * length has been checked.  ECP: OpenSSL checks the point is on the curve
 * as it decodes it (EC_POINT_oct2point), and ike_dh_shared checks again.
 */
static EVP_PKEY *
import_peer(const struct ike_dh *dh, const uint8_t *peer, size_t len)
{
	const struct dh_group *g = dh->g;
	uint8_t pt[1 + IKE_DH_MAX];
	OSSL_PARAM params[3];
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *key = NULL;

	switch (g->kind) {
	case DH_MODP:
		if ((key = EVP_PKEY_new()) == NULL)
			return NULL;
		if (EVP_PKEY_copy_parameters(key, dh->key) != 1 ||
		    EVP_PKEY_set1_encoded_public_key(key, peer, len) != 1) {
			EVP_PKEY_free(key);
			return NULL;
		}
		return key;
	case DH_ECP:
		pt[0] = 0x04;		/* uncompressed: x | y follow */
		memcpy(pt + 1, peer, len);
		params[0] = OSSL_PARAM_construct_utf8_string(
		    OSSL_PKEY_PARAM_GROUP_NAME, (char *)g->ossl, 0);
		params[1] = OSSL_PARAM_construct_octet_string(
		    OSSL_PKEY_PARAM_PUB_KEY, pt, 1 + len);
		params[2] = OSSL_PARAM_construct_end();
		ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
		if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
		    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY,
		    params) != 1)
			key = NULL;
		EVP_PKEY_CTX_free(ctx);
		return key;
	case DH_X25519:
		return EVP_PKEY_new_raw_public_key_ex(NULL, "X25519", NULL,
		    peer, len);
	}
	return NULL;
}

/* OpenSSL's derivation with a peer key checked before; into out (the
 * group's slen bytes, MODP padded). */
static int
derive(const struct ike_dh *dh, EVP_PKEY *peer, uint8_t *out)
{
	const struct dh_group *g = dh->g;
	uint8_t tmp[IKE_DH_MAX];
	OSSL_PARAM params[2];
	EVP_PKEY_CTX *ctx;
	unsigned int pad = 1;
	size_t n = sizeof(tmp);
	int ok;

	/* MODP: pad g^ir to the prime's length (RFC 7296 2.14), where
	 * OpenSSL would otherwise strip leading zeros. */
	params[0] = OSSL_PARAM_construct_uint(OSSL_EXCHANGE_PARAM_PAD, &pad);
	params[1] = OSSL_PARAM_construct_end();
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, dh->key, NULL);
	ok = ctx != NULL && EVP_PKEY_derive_init(ctx) == 1 &&
	    (g->kind != DH_MODP || EVP_PKEY_CTX_set_params(ctx, params) == 1) &&
	    EVP_PKEY_derive_set_peer_ex(ctx, peer, 0) == 1 &&
	    EVP_PKEY_derive(ctx, tmp, &n) == 1 && n > 0 && n <= g->slen;
	EVP_PKEY_CTX_free(ctx);
	if (ok) {
		memset(out, 0, g->slen - n);
		memcpy(out + g->slen - n, tmp, n);
	}
	OPENSSL_cleanse(tmp, sizeof(tmp));
	return ok ? 0 : -1;
}

int
ike_dh_public(const struct ike_dh *dh, uint8_t *buf, size_t len)
{
	if (len != dh->g->plen)
		return -1;
	memcpy(buf, dh->pub, len);
	return 0;
}

int
ike_dh_shared(struct ike_dh *dh, const uint8_t *peer, size_t len,
    uint8_t *secret, size_t *slen, char *err, size_t errlen)
{
	const struct dh_group *g = dh->g;
	EVP_PKEY_CTX *vctx;
	EVP_PKEY *pk;
	uint8_t zero = 0;
	size_t i;
	int ok;

	if (len != g->plen) {
		say(err, errlen, "the peer's %s KE data is %zu bytes, want %zu",
		    g->name, len, g->plen);
		return -1;
	}
	if (*slen < g->slen) {
		say(err, errlen, "no room for the %s secret (%zu bytes, want "
		    "%zu)", g->name, *slen, g->slen);
		return -1;
	}
	/*
	 * MODP: 1 < y < p-1.  With RFC 3526's safe primes that is the whole
	 * test (RFC 6989: only the DSA-style groups of RFC 5114 need y^q =
	 * 1), and it is cheap, where y^q mod p would cost a responder more
	 * than the exchange itself.  ECP: on the curve, not the point at
	 * infinity (the curves' cofactor is 1: no order check, RFC 6989).
	 * OpenSSL's quick check does exactly these; derive_set_peer
	 * is told not to check again.  X25519 has nothing to check but the
	 * result (RFC 7748 6.1).
	 */
	ok = (pk = import_peer(dh, peer, len)) != NULL;
	if (ok && g->kind != DH_X25519) {
		vctx = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
		ok = vctx != NULL && EVP_PKEY_public_check_quick(vctx) == 1;
		EVP_PKEY_CTX_free(vctx);
	}
	if (!ok) {
		EVP_PKEY_free(pk);
		ERR_clear_error();
		if (g->kind == DH_MODP)
			say(err, errlen, "the peer's %s value is out of range "
			    "(want 1 < y < p-1)", g->name);
		else
			say(err, errlen, "the peer's %s value is not a point "
			    "on the curve", g->name);
		return -1;
	}
	ok = derive(dh, pk, secret) == 0;
	EVP_PKEY_free(pk);
	if (!ok) {
		/* OpenSSL's X25519 fails an all-zero result itself. */
		say_ossl(err, errlen, g->kind == DH_X25519 ?
		    "X25519 with the peer's value failed (a small-order "
		    "point?)" : "deriving the shared secret failed");
		OPENSSL_cleanse(secret, g->slen);
		return -1;
	}
	/* RFC 8031 2: refuse an all-zero X25519 secret, whatever OpenSSL
	 * did; without branching on the secret's bytes. */
	if (g->kind == DH_X25519) {
		for (i = 0; i < g->slen; i++)
			zero |= secret[i];
		if (zero == 0) {
			say(err, errlen, "X25519 with the peer's value gave "
			    "all zeros (a small-order point)");
			return -1;
		}
	}
	*slen = g->slen;
	return 0;
}

void
ike_dh_free(struct ike_dh *dh)
{
	if (dh == NULL)
		return;
	EVP_PKEY_free(dh->key);
	OPENSSL_cleanse(dh, sizeof(*dh));
	free(dh);
}

/*
 * The test-only constructor.  OpenSSL 3.0 does not compute a public key
 * from a private one it is given as parameters, so each kind takes the
 * way that makes it do so:
 *  - X25519: a raw private key (RFC 7748 5's byte string).
 *  - ECP: an RFC 5915 ECPrivateKey without its optional publicKey, which
 *    OpenSSL's decoder completes.
 *  - MODP: the exponent as a parameter, then g^x = derive(x, g), set as
 *    the public value.
 */
static EVP_PKEY *
ecp_private(const struct dh_group *g, const uint8_t *priv, size_t len)
{
	uint8_t der[128];
	const uint8_t *p = der;
	size_t n = 0;

	der[n++] = 0x30;			/* SEQUENCE */
	der[n++] = 0;				/* its length, below */
	der[n++] = 0x02; der[n++] = 1; der[n++] = 1;	/* version 1 */
	der[n++] = 0x04; der[n++] = (uint8_t)len;	/* privateKey */
	memcpy(der + n, priv, len);
	n += len;
	der[n++] = 0xa0; der[n++] = (uint8_t)g->oidlen;	/* [0] curve */
	memcpy(der + n, g->oid, g->oidlen);
	n += g->oidlen;
	der[1] = (uint8_t)(n - 2);		/* < 128 for P-521 too */
	return d2i_PrivateKey(EVP_PKEY_EC, NULL, &p, (long)n);
}

static EVP_PKEY *
modp_private(const struct dh_group *g, const uint8_t *priv, size_t len)
{
	struct ike_dh tmp;
	OSSL_PARAM_BLD *bld;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *key = NULL, *gen = NULL;
	BIGNUM *x;
	uint8_t two[IKE_DH_MAX], gx[IKE_DH_MAX];
	int ok = 0;

	x = BN_bin2bn(priv, (int)len, NULL);
	bld = OSSL_PARAM_BLD_new();
	if (x != NULL && bld != NULL &&
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    g->ossl, 0) && OSSL_PARAM_BLD_push_BN(bld,
	    OSSL_PKEY_PARAM_PRIV_KEY, x))
		params = OSSL_PARAM_BLD_to_param(bld);
	if (params != NULL &&
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL)) != NULL &&
	    EVP_PKEY_fromdata_init(ctx) == 1 &&
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_KEYPAIR, params) == 1) {
		memset(two, 0, g->plen);
		two[g->plen - 1] = 2;		/* the generator */
		tmp.g = g;
		tmp.key = key;
		if ((gen = import_peer(&tmp, two, g->plen)) != NULL &&
		    derive(&tmp, gen, gx) == 0 &&
		    EVP_PKEY_set1_encoded_public_key(key, gx, g->plen) == 1)
			ok = 1;
	}
	EVP_PKEY_free(gen);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_clear_free(x);
	if (!ok) {
		EVP_PKEY_free(key);
		key = NULL;
	}
	return key;
}

int
ike_dh_new_private(uint16_t group, const uint8_t *priv, size_t len,
    struct ike_dh **out, char *err, size_t errlen)
{
	const struct dh_group *g;
	EVP_PKEY *key = NULL;

	*out = NULL;
	if ((g = dh_group(group)) == NULL)
		return no_group(group, err, errlen);
	if (len == 0 || len > g->plen ||
	    (g->kind != DH_MODP && len != g->slen)) {
		say(err, errlen, "a %s private key of %zu bytes", g->name, len);
		return -1;
	}
	switch (g->kind) {
	case DH_MODP:
		key = modp_private(g, priv, len);
		break;
	case DH_ECP:
		key = ecp_private(g, priv, len);
		break;
	case DH_X25519:
		key = EVP_PKEY_new_raw_private_key_ex(NULL, "X25519", NULL,
		    priv, len);
		break;
	}
	if (key == NULL) {
		say_ossl(err, errlen, "loading the private key failed");
		return -1;
	}
	return dh_wrap(g, key, out, err, errlen);
}

/* ---- PRF and prf+ -------------------------------------------------- */

static const struct prf_alg {
	uint16_t	 id;
	const char	*md;
	size_t		 len;
} prf_algs[] = {
	{ PRF_HMAC_SHA2_256, "SHA256", 32 },
	{ PRF_HMAC_SHA2_384, "SHA384", 48 },
	{ PRF_HMAC_SHA2_512, "SHA512", 64 },
};

/* Integrity: the key is the hash's length, the ICV its first half
 * (RFC 4868 2.1.1, 2.1.2). */
static const struct integ_alg {
	uint16_t	 id;
	const char	*md;
	size_t		 keylen, icvlen;
} integ_algs[] = {
	{ AUTH_HMAC_SHA2_256_128, "SHA256", 32, 16 },
	{ AUTH_HMAC_SHA2_384_192, "SHA384", 48, 24 },
	{ AUTH_HMAC_SHA2_512_256, "SHA512", 64, 32 },
};

static const struct prf_alg *
prf_alg(uint16_t id)
{
	size_t i;

	for (i = 0; i < N(prf_algs); i++)
		if (prf_algs[i].id == id)
			return &prf_algs[i];
	return NULL;
}

static const struct integ_alg *
integ_alg(uint16_t id)
{
	size_t i;

	for (i = 0; i < N(integ_algs); i++)
		if (integ_algs[i].id == id)
			return &integ_algs[i];
	return NULL;
}

/* An HMAC context keyed with key[0..klen), any length (an empty key is
 * passed as a non-NULL pointer: NULL would mean "keep the old key"). */
static EVP_MAC_CTX *
hmac_new(const char *md, const uint8_t *key, size_t klen)
{
	static const uint8_t none[1];
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx;
	EVP_MAC *mac;

	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return NULL;
	ctx = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);		/* ctx keeps its own reference */
	if (ctx == NULL)
		return NULL;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)md, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(ctx, klen > 0 ? key : none, klen, params) != 1) {
		EVP_MAC_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

static int
hmac_update(EVP_MAC_CTX *ctx, const struct ike_iov *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].len > 0 && EVP_MAC_update(ctx, v[i].p, v[i].len) != 1)
			return -1;
	return 0;
}

static int
hmac_final(EVP_MAC_CTX *ctx, uint8_t *out, size_t len)
{
	size_t n = 0;

	return EVP_MAC_final(ctx, out, &n, len) == 1 && n == len ? 0 : -1;
}

/* HMAC over the pieces into out (the full output, mdlen bytes). */
static int
hmac_v(const char *md, size_t mdlen, const uint8_t *key, size_t klen,
    const struct ike_iov *v, size_t n, uint8_t *out)
{
	EVP_MAC_CTX *ctx;
	int rc = -1;

	if ((ctx = hmac_new(md, key, klen)) == NULL)
		return -1;
	if (hmac_update(ctx, v, n) == 0 && hmac_final(ctx, out, mdlen) == 0)
		rc = 0;
	EVP_MAC_CTX_free(ctx);		/* cleanses the key */
	return rc;
}

size_t
ike_prf_len(uint16_t prf)
{
	const struct prf_alg *a = prf_alg(prf);

	return a != NULL ? a->len : 0;
}

int
ike_prf_v(uint16_t prf, const uint8_t *key, size_t klen,
    const struct ike_iov *v, size_t n, uint8_t *out)
{
	const struct prf_alg *a = prf_alg(prf);

	if (a == NULL)
		return -1;
	return hmac_v(a->md, a->len, key, klen, v, n, out);
}

int
ike_prf(uint16_t prf, const uint8_t *key, size_t klen, const uint8_t *data,
    size_t dlen, uint8_t *out)
{
	struct ike_iov v = { data, dlen };

	return ike_prf_v(prf, key, klen, &v, 1, out);
}

int
ike_prf_plus_v(uint16_t prf, const uint8_t *key, size_t klen,
    const struct ike_iov *v, size_t n, uint8_t *out, size_t outlen)
{
	const struct prf_alg *a = prf_alg(prf);
	EVP_MAC_CTX *base, *ctx;
	uint8_t t[IKE_PRF_MAX], i;
	size_t done, k;
	int rc = -1;

	/* The counter is one byte: at most 255 blocks (RFC 7296 2.13). */
	if (a == NULL || outlen > 255 * a->len)
		return -1;
	if ((base = hmac_new(a->md, key, klen)) == NULL)
		return -1;
	for (done = 0, i = 1; done < outlen; i++) {
		/* Tn = prf(K, Tn-1 | S | n); T0 is empty. */
		if ((ctx = EVP_MAC_CTX_dup(base)) == NULL)
			goto out;
		if ((i > 1 && EVP_MAC_update(ctx, t, a->len) != 1) ||
		    hmac_update(ctx, v, n) != 0 ||
		    EVP_MAC_update(ctx, &i, 1) != 1 ||
		    hmac_final(ctx, t, a->len) != 0) {
			EVP_MAC_CTX_free(ctx);
			goto out;
		}
		EVP_MAC_CTX_free(ctx);
		k = outlen - done < a->len ? outlen - done : a->len;
		memcpy(out + done, t, k);
		done += k;
	}
	rc = 0;
out:
	OPENSSL_cleanse(t, sizeof(t));
	EVP_MAC_CTX_free(base);
	if (rc != 0)
		OPENSSL_cleanse(out, outlen);
	return rc;
}

int
ike_prf_plus(uint16_t prf, const uint8_t *key, size_t klen,
    const uint8_t *seed, size_t slen, uint8_t *out, size_t outlen)
{
	struct ike_iov v = { seed, slen };

	return ike_prf_plus_v(prf, key, klen, &v, 1, out, outlen);
}

/* ---- suites and the IKE SA's keys ---------------------------------- */

size_t
ike_encr_key_len(uint16_t encr, uint16_t bits)
{
	if (bits != 128 && bits != 256)
		return 0;
	switch (encr) {
	case ENCR_AES_CBC:
		return bits / 8;
	case ENCR_AES_GCM_16:
		return bits / 8 + GCM_SALT_LEN;
	}
	return 0;
}

size_t
ike_integ_key_len(uint16_t integ)
{
	const struct integ_alg *a = integ_alg(integ);

	return a != NULL ? a->keylen : 0;
}

int
ike_suite_check(const struct ike_suite *s, char *err, size_t errlen)
{
	if (ike_encr_key_len(s->encr, s->encr_bits) == 0) {
		say(err, errlen, "encryption algorithm %u with a %u-bit key is "
		    "not supported (nicsec does AES-CBC and AES-GCM-16, 128 "
		    "or 256 bits)", s->encr, s->encr_bits);
		return -1;
	}
	if (s->encr == ENCR_AES_GCM_16 && s->integ != 0) {
		say(err, errlen, "AES-GCM with integrity algorithm %u: an "
		    "AEAD cipher takes none (RFC 5282 8)", s->integ);
		return -1;
	}
	if (s->encr == ENCR_AES_CBC && integ_alg(s->integ) == NULL) {
		say(err, errlen, "AES-CBC with integrity algorithm %u (nicsec "
		    "does HMAC-SHA2-256/384/512)", s->integ);
		return -1;
	}
	if (prf_alg(s->prf) == NULL) {
		say(err, errlen, "PRF %u is not supported (nicsec does "
		    "HMAC-SHA2-256/384/512)", s->prf);
		return -1;
	}
	return 0;
}

int
ike_suite_from_proposal(const struct ike_proposal *p, struct ike_suite *s,
    char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	if (p->protocol != IKE_PROTO_IKE) {
		say(err, errlen, "not an IKE proposal");
		return -1;
	}
	if (p->n[IKE_XF_ENCR] < 1 || p->n[IKE_XF_PRF] < 1) {
		say(err, errlen, "the proposal has no %s",
		    p->n[IKE_XF_ENCR] < 1 ? "encryption algorithm" : "PRF");
		return -1;
	}
	s->encr = p->xf[IKE_XF_ENCR][0].id;
	s->encr_bits = p->xf[IKE_XF_ENCR][0].keylen;
	s->prf = p->xf[IKE_XF_PRF][0].id;
	if (p->n[IKE_XF_INTEG] > 0)
		s->integ = p->xf[IKE_XF_INTEG][0].id;
	if (p->n[IKE_XF_KE] > 0)
		s->dh = p->xf[IKE_XF_KE][0].id;
	return ike_suite_check(s, err, errlen);
}

static int
check_nonces(size_t nilen, size_t nrlen, char *err, size_t errlen)
{
	if (nilen < IKE_NONCE_MIN || nilen > IKE_NONCE_MAX ||
	    nrlen < IKE_NONCE_MIN || nrlen > IKE_NONCE_MAX) {
		say(err, errlen, "nonces of %zu and %zu bytes (RFC 7296 3.9: "
		    "16 to 256)", nilen, nrlen);
		return -1;
	}
	return 0;
}

static void
take(struct ike_key *k, const uint8_t **p, size_t len)
{
	k->len = len;
	memcpy(k->b, *p, len);
	*p += len;
}

/* {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} =
 * prf+(SKEYSEED, Ni | Nr | SPIi | SPIr), with s's PRF. */
static int
sa_keys(const struct ike_suite *s, const uint8_t *skeyseed, size_t sklen,
    const uint8_t *ni, size_t nilen, const uint8_t *nr, size_t nrlen,
    uint64_t spi_i, uint64_t spi_r, struct ike_keys *k, char *err,
    size_t errlen)
{
	uint8_t km[3 * IKE_PRF_MAX + 4 * IKE_KEY_MAX], spis[16];
	size_t pl = ike_prf_len(s->prf), al = ike_integ_key_len(s->integ);
	size_t el = ike_encr_key_len(s->encr, s->encr_bits);
	size_t total = 3 * pl + 2 * al + 2 * el;
	const uint8_t *p = km;
	struct ike_iov v[3];

	put64(spis, spi_i);
	put64(spis + 8, spi_r);
	v[0].p = ni; v[0].len = nilen;
	v[1].p = nr; v[1].len = nrlen;
	v[2].p = spis; v[2].len = sizeof(spis);
	if (ike_prf_plus_v(s->prf, skeyseed, sklen, v, N(v), km, total) != 0) {
		say_ossl(err, errlen, "prf+ failed");
		return -1;
	}
	take(&k->d, &p, pl);
	take(&k->ai, &p, al);
	take(&k->ar, &p, al);
	take(&k->ei, &p, el);
	take(&k->er, &p, el);
	take(&k->pi, &p, pl);
	take(&k->pr, &p, pl);
	OPENSSL_cleanse(km, sizeof(km));
	return 0;
}

int
ike_sa_keys(const struct ike_suite *s, const uint8_t *ni, size_t nilen,
    const uint8_t *nr, size_t nrlen, const uint8_t *gir, size_t girlen,
    uint64_t spi_i, uint64_t spi_r, struct ike_keys *k, char *err,
    size_t errlen)
{
	uint8_t key[2 * IKE_NONCE_MAX], skeyseed[IKE_PRF_MAX];
	int rc;

	memset(k, 0, sizeof(*k));
	if (ike_suite_check(s, err, errlen) != 0 ||
	    check_nonces(nilen, nrlen, err, errlen) != 0)
		return -1;
	/*
	 * SKEYSEED = prf(Ni | Nr, g^ir).  RFC 7296 2.14 keys a PRF with a
	 * fixed key size (AES-XCBC, AES-CMAC) with only the first 64 bits
	 * of each nonce; HMAC takes any key length, so every PRF nicsec
	 * does is keyed with the whole of Ni | Nr.
	 */
	memcpy(key, ni, nilen);
	memcpy(key + nilen, nr, nrlen);
	if (ike_prf(s->prf, key, nilen + nrlen, gir, girlen, skeyseed) != 0) {
		say_ossl(err, errlen, "SKEYSEED: the PRF failed");
		rc = -1;
	} else
		rc = sa_keys(s, skeyseed, ike_prf_len(s->prf), ni, nilen, nr,
		    nrlen, spi_i, spi_r, k, err, errlen);
	OPENSSL_cleanse(skeyseed, sizeof(skeyseed));
	return rc;
}

int
ike_sa_rekey(const struct ike_suite *s, uint16_t old_prf,
    const struct ike_key *old_d, const uint8_t *ni, size_t nilen,
    const uint8_t *nr, size_t nrlen, const uint8_t *gir, size_t girlen,
    uint64_t spi_i, uint64_t spi_r, struct ike_keys *k, char *err,
    size_t errlen)
{
	uint8_t skeyseed[IKE_PRF_MAX];
	struct ike_iov v[3];
	int rc;

	memset(k, 0, sizeof(*k));
	if (ike_suite_check(s, err, errlen) != 0 ||
	    check_nonces(nilen, nrlen, err, errlen) != 0)
		return -1;
	if (ike_prf_len(old_prf) == 0 || old_d->len == 0 ||
	    old_d->len > IKE_KEY_MAX) {
		say(err, errlen, "rekey: the old IKE SA's PRF %u or SK_d (%zu "
		    "bytes) is not usable", old_prf, old_d->len);
		return -1;
	}
	/* SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr), the old SA's
	 * PRF "because the rekeying exchange belongs to the old IKE SA"
	 * (RFC 7296 2.18). */
	v[0].p = gir; v[0].len = girlen;
	v[1].p = ni; v[1].len = nilen;
	v[2].p = nr; v[2].len = nrlen;
	if (ike_prf_v(old_prf, old_d->b, old_d->len, v, N(v), skeyseed) != 0) {
		say_ossl(err, errlen, "rekey SKEYSEED: the PRF failed");
		rc = -1;
	} else
		rc = sa_keys(s, skeyseed, ike_prf_len(old_prf), ni, nilen, nr,
		    nrlen, spi_i, spi_r, k, err, errlen);
	OPENSSL_cleanse(skeyseed, sizeof(skeyseed));
	return rc;
}

void
ike_keys_wipe(struct ike_keys *k)
{
	OPENSSL_cleanse(k, sizeof(*k));
}

/* ---- a CHILD_SA's keys --------------------------------------------- */

int
ike_child_keymat(uint16_t prf, const struct ike_key *sk_d, uint16_t encr,
    uint16_t bits, const uint8_t *gir, size_t girlen, const uint8_t *ni,
    size_t nilen, const uint8_t *nr, size_t nrlen,
    struct ike_child_keys *ck, char *err, size_t errlen)
{
	uint8_t km[2 * IKE_KEY_MAX];
	const uint8_t *p = km;
	struct ike_iov v[3];
	size_t el, n = 0;

	memset(ck, 0, sizeof(*ck));
	if (encr != ENCR_AES_GCM_16 || (bits != 128 && bits != 256)) {
		say(err, errlen, "ESP encryption %u with a %u-bit key: the "
		    "card does AES-GCM-16, 128 or 256 bits", encr, bits);
		return -1;
	}
	if (ike_prf_len(prf) == 0 || sk_d->len == 0 ||
	    sk_d->len > IKE_KEY_MAX) {
		say(err, errlen, "KEYMAT: PRF %u or SK_d (%zu bytes) is not "
		    "usable", prf, sk_d->len);
		return -1;
	}
	if (check_nonces(nilen, nrlen, err, errlen) != 0)
		return -1;
	/* The ESP key and its salt, taken as one (RFC 4106 8.1). */
	el = ike_encr_key_len(encr, bits);
	if (gir != NULL) {		/* PFS: g^ir (new) first */
		v[n].p = gir;
		v[n++].len = girlen;
	}
	v[n].p = ni; v[n++].len = nilen;
	v[n].p = nr; v[n++].len = nrlen;
	if (ike_prf_plus_v(prf, sk_d->b, sk_d->len, v, n, km, 2 * el) != 0) {
		say_ossl(err, errlen, "KEYMAT: prf+ failed");
		return -1;
	}
	/* Initiator to responder first (RFC 7296 2.17). */
	take(&ck->i2r, &p, el);
	take(&ck->r2i, &p, el);
	OPENSSL_cleanse(km, sizeof(km));
	return 0;
}

void
ike_child_keys_wipe(struct ike_child_keys *ck)
{
	OPENSSL_cleanse(ck, sizeof(*ck));
}

/* ---- the SK payload ------------------------------------------------ */

int
ike_sk_init(struct ike_sk_ctx *c, const struct ike_suite *s,
    const struct ike_key *ek, const struct ike_key *ak, char *err,
    size_t errlen)
{
	uint8_t iv[8];
	int i;

	memset(c, 0, sizeof(*c));
	if (ike_suite_check(s, err, errlen) != 0)
		return -1;
	if (ek->len != ike_encr_key_len(s->encr, s->encr_bits) ||
	    ak->len != ike_integ_key_len(s->integ)) {
		say(err, errlen, "SK keys of %zu and %zu bytes, the suite "
		    "wants %zu and %zu", ek->len, ak->len,
		    ike_encr_key_len(s->encr, s->encr_bits),
		    ike_integ_key_len(s->integ));
		return -1;
	}
	c->encr = s->encr;
	c->integ = s->integ;
	c->ek = *ek;
	c->ak = *ak;
	if (c->encr == ENCR_AES_GCM_16) {
		/* A random start: two contexts under one key (a bug) would
		 * still be unlikely to meet. */
		if (ike_random(iv, sizeof(iv), err, errlen) != 0) {
			ike_sk_wipe(c);
			return -1;
		}
		for (i = 0; i < 8; i++)
			c->iv_next = c->iv_next << 8 | iv[i];
		c->iv_left = UINT64_MAX;
	}
	return 0;
}

int
ike_sk_pair(const struct ike_suite *s, const struct ike_keys *k,
    int initiator, struct ike_sk_ctx *out, struct ike_sk_ctx *in, char *err,
    size_t errlen)
{
	/* RFC 7296 2.14: SK_ai and SK_ei protect what the original
	 * initiator sends. */
	const struct ike_key *oe = initiator ? &k->ei : &k->er;
	const struct ike_key *oa = initiator ? &k->ai : &k->ar;
	const struct ike_key *ie = initiator ? &k->er : &k->ei;
	const struct ike_key *ia = initiator ? &k->ar : &k->ai;

	if (ike_sk_init(out, s, oe, oa, err, errlen) != 0)
		return -1;
	if (ike_sk_init(in, s, ie, ia, err, errlen) != 0) {
		ike_sk_wipe(out);
		return -1;
	}
	return 0;
}

void
ike_sk_wipe(struct ike_sk_ctx *c)
{
	OPENSSL_cleanse(c, sizeof(*c));
}

static int
is_gcm(const struct ike_sk_ctx *c)
{
	return c->encr == ENCR_AES_GCM_16;
}

size_t
ike_sk_iv_len(const struct ike_sk_ctx *c)
{
	return is_gcm(c) ? GCM_IV_LEN : CBC_IV_LEN;
}

static size_t
icv_len(const struct ike_sk_ctx *c)
{
	const struct integ_alg *a = integ_alg(c->integ);

	if (is_gcm(c))
		return GCM_ICV_LEN;
	return a != NULL ? a->icvlen : 0;
}

/*
 * Padding (bytes before the Pad Length byte).  CBC: the fewest that make
 * payloads | padding | Pad Length whole blocks, as RFC 7296 3.14 says the
 * sender SHOULD.  GCM is a stream mode and RFC 5282 3 has "no alignment
 * requirements on the length of the Padding field": none.
 */
static size_t
pad_len(const struct ike_sk_ctx *c, size_t plain_len)
{
	if (is_gcm(c))
		return 0;
	return (AES_BLOCK - (plain_len + 1) % AES_BLOCK) % AES_BLOCK;
}

size_t
ike_sk_overhead(const struct ike_sk_ctx *c, size_t plain_len)
{
	return ike_sk_iv_len(c) + pad_len(c, plain_len) + 1 + icv_len(c);
}

static int
ctx_ok(const struct ike_sk_ctx *c)
{
	return (c->encr == ENCR_AES_GCM_16 && c->integ == 0) ||
	    (c->encr == ENCR_AES_CBC && integ_alg(c->integ) != NULL);
}

/* AES-CBC, no padding (ours is IKE's), in place or not. */
static int
cbc_crypt(const struct ike_sk_ctx *c, int enc, const uint8_t *iv,
    const uint8_t *in, uint8_t *out, size_t len)
{
	const EVP_CIPHER *ciph = c->ek.len == 16 ? EVP_aes_128_cbc() :
	    EVP_aes_256_cbc();
	EVP_CIPHER_CTX *x;
	int n1 = 0, n2 = 0, ok;

	if ((x = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	ok = EVP_CipherInit_ex(x, ciph, NULL, c->ek.b, iv, enc) == 1 &&
	    EVP_CIPHER_CTX_set_padding(x, 0) == 1 &&
	    EVP_CipherUpdate(x, out, &n1, in, (int)len) == 1 &&
	    EVP_CipherFinal_ex(x, out + n1, &n2) == 1 &&
	    (size_t)(n1 + n2) == len;
	EVP_CIPHER_CTX_free(x);		/* cleanses the key schedule */
	return ok ? 0 : -1;
}

/*
 * AES-GCM with nonce = salt | IV (RFC 5282 4), the given AAD and a 16-byte
 * tag.  Decrypting, returns IKE_SK_ICV if the tag does not verify.
 */
static int
gcm_crypt(const struct ike_sk_ctx *c, int enc, const uint8_t *iv,
    const uint8_t *aad, size_t aadlen, const uint8_t *in, uint8_t *out,
    size_t len, uint8_t *tag)
{
	size_t kl = c->ek.len - GCM_SALT_LEN;
	const EVP_CIPHER *ciph = kl == 16 ? EVP_aes_128_gcm() :
	    EVP_aes_256_gcm();
	uint8_t nonce[GCM_SALT_LEN + GCM_IV_LEN];
	EVP_CIPHER_CTX *x;
	int n = 0, rc = -1;

	memcpy(nonce, c->ek.b + kl, GCM_SALT_LEN);
	memcpy(nonce + GCM_SALT_LEN, iv, GCM_IV_LEN);
	if ((x = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	if (EVP_CipherInit_ex(x, ciph, NULL, NULL, NULL, enc) != 1 ||
	    EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_IVLEN, sizeof(nonce),
	    NULL) != 1 ||
	    EVP_CipherInit_ex(x, NULL, NULL, c->ek.b, nonce, enc) != 1 ||
	    EVP_CipherUpdate(x, NULL, &n, aad, (int)aadlen) != 1 ||
	    (len > 0 && EVP_CipherUpdate(x, out, &n, in, (int)len) != 1) ||
	    (!enc && EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_TAG,
	    GCM_ICV_LEN, tag) != 1))
		goto out;
	if (EVP_CipherFinal_ex(x, out + (len > 0 ? n : 0), &n) != 1) {
		rc = enc ? -1 : IKE_SK_ICV;
		goto out;
	}
	if (enc && EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_GET_TAG, GCM_ICV_LEN,
	    tag) != 1)
		goto out;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(x);
	return rc;
}

/* The truncated HMAC over msg[0..len) (RFC 7296 3.14, RFC 4868). */
static int
icv(const struct ike_sk_ctx *c, const uint8_t *msg, size_t len,
    uint8_t *out)
{
	const struct integ_alg *a = integ_alg(c->integ);
	uint8_t full[IKE_PRF_MAX];
	struct ike_iov v = { msg, len };
	int rc;

	rc = hmac_v(a->md, a->keylen, c->ak.b, c->ak.len, &v, 1, full);
	if (rc == 0)
		memcpy(out, full, a->icvlen);
	OPENSSL_cleanse(full, sizeof(full));
	return rc;
}

int
ike_sk_seal(struct ike_sk_ctx *c, uint8_t *msg, size_t cap, size_t sk_off,
    const uint8_t *plain, size_t plain_len, size_t *msg_len, char *err,
    size_t errlen)
{
	size_t ivlen, icvlen, padlen, ctlen, sklen, total, iv_off, ct_off;
	size_t icv_off;

	if (!ctx_ok(c)) {
		say(err, errlen, "SK seal: the context has no keys");
		return -1;
	}
	if (sk_off < HDR_LEN || sk_off > cap || cap - sk_off < PLD_HDR_LEN) {
		say(err, errlen, "SK seal: an SK payload at %zu in a %zu-byte "
		    "buffer", sk_off, cap);
		return -1;
	}
	if (plain_len > 0xffff) {
		say(err, errlen, "SK seal: %zu bytes of payloads do not fit in "
		    "one SK payload", plain_len);
		return -1;
	}
	ivlen = ike_sk_iv_len(c);
	icvlen = icv_len(c);
	padlen = pad_len(c, plain_len);
	ctlen = plain_len + padlen + 1;
	sklen = PLD_HDR_LEN + ivlen + ctlen + icvlen;
	total = sk_off + sklen;
	if (sklen > 0xffff || total > cap) {
		say(err, errlen, "SK seal: the message would be %zu bytes (SK "
		    "payload %zu), room for %zu", total, sklen, cap);
		return -1;
	}
	if (is_gcm(c) && c->iv_left == 0) {
		say(err, errlen, "SK seal: AES-GCM IVs used up under this key "
		    "(rekey the IKE SA)");
		return -1;
	}
	iv_off = sk_off + PLD_HDR_LEN;
	ct_off = iv_off + ivlen;
	icv_off = ct_off + ctlen;

	/* The plaintext first: it may sit where the IV goes. */
	if (plain_len > 0)
		memmove(msg + ct_off, plain, plain_len);
	memset(msg + ct_off + plain_len, 0, padlen);	/* any value does */
	msg[icv_off - 1] = (uint8_t)padlen;
	/* The lengths before anything is authenticated: they are part of
	 * what the ICV (CBC) or the AAD (GCM) covers. */
	put16(msg + sk_off + 2, (uint16_t)sklen);
	put32(msg + HDR_LENGTH_OFF, (uint32_t)total);

	if (is_gcm(c)) {
		/* Taken before use, so a failure can never lead to reuse. */
		put64(msg + iv_off, c->iv_next++);
		c->iv_left--;
		if (gcm_crypt(c, 1, msg + iv_off, msg, iv_off, msg + ct_off,
		    msg + ct_off, ctlen, msg + icv_off) != 0)
			goto fail;
	} else {
		/* RFC 7296 3.14: random, unpredictable, one per message. */
		if (ike_random(msg + iv_off, ivlen, err, errlen) != 0)
			goto wiped;
		if (cbc_crypt(c, 1, msg + iv_off, msg + ct_off, msg + ct_off,
		    ctlen) != 0 ||
		    icv(c, msg, icv_off, msg + icv_off) != 0)
			goto fail;
	}
	*msg_len = total;
	return 0;
fail:
	say_ossl(err, errlen, "SK seal: OpenSSL failed");
wiped:
	/* Never leave plaintext where the ciphertext should be. */
	OPENSSL_cleanse(msg + iv_off, total - iv_off);
	return -1;
}

int
ike_sk_open(const struct ike_sk_ctx *c, const uint8_t *msg, size_t len,
    size_t sk_off, uint8_t *plain, size_t cap, size_t *plain_len, char *err,
    size_t errlen)
{
	uint8_t want[IKE_PRF_MAX], *tmp;
	size_t ivlen, icvlen, body, ctlen, n, iv_off, ct_off, icv_off;
	unsigned int padlen;
	uint32_t hlen;
	uint16_t sklen;
	int rc;

	if (!ctx_ok(c)) {
		say(err, errlen, "SK open: the context has no keys");
		return -1;
	}
	if (sk_off < HDR_LEN) {
		say(err, errlen, "SK open: an SK payload at %zu, inside the "
		    "IKE header", sk_off);
		return -1;
	}
	if (len < HDR_LEN) {
		say(err, errlen, "a %zu-byte message is shorter than the IKE "
		    "header", len);
		return IKE_SK_MALFORMED;
	}
	if ((hlen = get32(msg + HDR_LENGTH_OFF)) != len) {
		say(err, errlen, "the IKE header's Length is %u, the message "
		    "%zu bytes", hlen, len);
		return IKE_SK_MALFORMED;
	}
	if (sk_off > len || len - sk_off < PLD_HDR_LEN) {
		say(err, errlen, "the SK payload at %zu does not fit in a "
		    "%zu-byte message", sk_off, len);
		return IKE_SK_MALFORMED;
	}
	if ((sklen = get16(msg + sk_off + 2)) != len - sk_off) {
		say(err, errlen, "the SK payload's Length is %u, it has %zu "
		    "bytes to the end of the message", sklen, len - sk_off);
		return IKE_SK_MALFORMED;
	}
	ivlen = ike_sk_iv_len(c);
	icvlen = icv_len(c);
	body = len - sk_off - PLD_HDR_LEN;
	/* At least one block (CBC) or the Pad Length byte (GCM). */
	if (body < ivlen + (is_gcm(c) ? 1 : AES_BLOCK) + icvlen) {
		say(err, errlen, "an SK payload of %u bytes is too short for "
		    "an IV, data and an ICV", sklen);
		return IKE_SK_MALFORMED;
	}
	ctlen = body - ivlen - icvlen;
	if (!is_gcm(c) && ctlen % AES_BLOCK != 0) {
		say(err, errlen, "an AES-CBC ciphertext of %zu bytes is not "
		    "whole blocks", ctlen);
		return IKE_SK_MALFORMED;
	}
	iv_off = sk_off + PLD_HDR_LEN;
	ct_off = iv_off + ivlen;
	icv_off = ct_off + ctlen;

	if (!is_gcm(c)) {
		/* Integrity first: nothing is decrypted that a forger
		 * made. */
		if (icv(c, msg, icv_off, want) != 0) {
			say_ossl(err, errlen, "SK open: OpenSSL failed");
			return -1;
		}
		rc = CRYPTO_memcmp(want, msg + icv_off, icvlen);
		OPENSSL_cleanse(want, sizeof(want));
		if (rc != 0) {
			say(err, errlen, "ICV mismatch");
			return IKE_SK_ICV;
		}
	}
	if ((tmp = malloc(ctlen)) == NULL) {
		say(err, errlen, "SK open: out of memory");
		return -1;
	}
	/* (GCM only reads the tag it is given.) */
	if (is_gcm(c))
		rc = gcm_crypt(c, 0, msg + iv_off, msg, iv_off, msg + ct_off,
		    tmp, ctlen, (uint8_t *)msg + icv_off);
	else
		rc = cbc_crypt(c, 0, msg + iv_off, msg + ct_off, tmp, ctlen);
	if (rc != 0) {
		if (rc == IKE_SK_ICV) {
			ERR_clear_error();
			say(err, errlen, "ICV mismatch");
		} else
			say_ossl(err, errlen, "SK open: OpenSSL failed");
		goto out;
	}
	/* Any pad bytes, any Pad Length that stays inside the data
	 * (RFC 7296 3.14, RFC 5282 3). */
	padlen = tmp[ctlen - 1];
	if (padlen + 1 > ctlen) {
		say(err, errlen, "the Pad Length is %u, but only %zu bytes "
		    "come before it", padlen, ctlen - 1);
		rc = IKE_SK_MALFORMED;
		goto out;
	}
	n = ctlen - padlen - 1;
	if (n > cap) {
		say(err, errlen, "SK open: %zu bytes of payloads, room for %zu",
		    n, cap);
		rc = -1;
		goto out;
	}
	memcpy(plain, tmp, n);
	*plain_len = n;
	rc = 0;
out:
	OPENSSL_cleanse(tmp, ctlen);
	free(tmp);
	return rc;
}

/* ---- AUTH ---------------------------------------------------------- */

int
ike_auth_octets(uint16_t prf, const struct ike_key *sk_p,
    const uint8_t *real_msg, size_t mlen, const uint8_t *nonce, size_t nlen,
    const uint8_t *id, size_t idlen, uint8_t *out, size_t cap, size_t *olen)
{
	size_t pl = ike_prf_len(prf);

	if (pl == 0 || sk_p->len == 0 || sk_p->len > IKE_KEY_MAX ||
	    mlen > cap || nlen > cap - mlen || pl > cap - mlen - nlen)
		return -1;
	if (mlen > 0)
		memcpy(out, real_msg, mlen);
	if (nlen > 0)
		memcpy(out + mlen, nonce, nlen);
	/* MACedID = prf(SK_p, RestOfIDPayload): the ID payload's body. */
	if (ike_prf(prf, sk_p->b, sk_p->len, id, idlen, out + mlen + nlen) != 0)
		return -1;
	*olen = mlen + nlen + pl;
	return 0;
}

int
ike_auth_psk(uint16_t prf, const uint8_t *psk, size_t psklen,
    const uint8_t *octets, size_t olen, uint8_t *auth)
{
	static const char pad[] = IKE_AUTH_KEY_PAD;
	uint8_t key[IKE_PRF_MAX];
	int rc;

	/* The pad without its NUL: 17 bytes (RFC 7296 2.15). */
	rc = ike_prf(prf, psk, psklen, (const uint8_t *)pad, sizeof(pad) - 1,
	    key);
	if (rc == 0)
		rc = ike_prf(prf, key, ike_prf_len(prf), octets, olen, auth);
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

int
ike_auth_psk_verify(uint16_t prf, const uint8_t *psk, size_t psklen,
    const uint8_t *octets, size_t olen, const uint8_t *auth, size_t alen)
{
	uint8_t want[IKE_PRF_MAX];
	size_t pl = ike_prf_len(prf);
	int rc = -1;

	if (pl != 0 && alen == pl &&
	    ike_auth_psk(prf, psk, psklen, octets, olen, want) == 0 &&
	    CRYPTO_memcmp(want, auth, pl) == 0)
		rc = 0;
	OPENSSL_cleanse(want, sizeof(want));
	return rc;
}
