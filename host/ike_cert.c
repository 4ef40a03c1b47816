/*
 * ike_cert.c - X.509 credentials for IKE_AUTH.  See ike_cert.h.
 */
#include "ike_cert.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "conf.h"
#include "ike_err.h"
#include "ike_wire.h"

/* Key files and certificates are small; a bigger file is a mistake. */
#define FILE_MAX	(256 * 1024)

struct ike_creds {
	X509		*cert;		/* ours */
	uint8_t		*cert_der;
	size_t		 cert_len;
	EVP_PKEY	*key;		/* ours */
	STACK_OF(X509)	*cas;		/* trusted CAs */
	STACK_OF(X509)	*pinned;	/* trusted peer certificates */
	X509_STORE	*store;		/* the CAs, for X509_verify_cert */
};

/* ---- reading files ------------------------------------------------- */

/* The file's bytes, malloc'd (the caller wipes and frees them). */
static uint8_t *
slurp(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	size_t n;

	if (f == NULL)
		return ike_errf(err, errlen, "%s: cannot open", path), NULL;
	if ((b = malloc(FILE_MAX)) == NULL) {
		fclose(f);
		return ike_errf(err, errlen, "%s: out of memory", path), NULL;
	}
	n = fread(b, 1, FILE_MAX, f);
	if (ferror(f) || n == FILE_MAX) {
		fclose(f);
		OPENSSL_cleanse(b, FILE_MAX);
		free(b);
		return ike_errf(err, errlen, "%s: %s", path, n == FILE_MAX ?
		    "longer than a key or certificate file can be" :
		    "read error"), NULL;
	}
	fclose(f);
	*len = n;
	return b;
}

static void
burn(uint8_t *b, size_t len)
{
	if (b != NULL) {
		OPENSSL_cleanse(b, len);
		free(b);
	}
}

/* Every certificate in path (PEM), or the one (DER), onto sk. */
static int
read_certs(const char *path, STACK_OF(X509) *sk, int first_only, char *err,
    size_t errlen)
{
	size_t len, n0 = (size_t)sk_X509_num(sk);
	uint8_t *b = slurp(path, &len, err, errlen);
	const unsigned char *p;
	X509 *x;
	BIO *bio;

	if (b == NULL)
		return -1;
	if ((bio = BIO_new_mem_buf(b, (int)len)) != NULL) {
		while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
			if (!sk_X509_push(sk, x))
				X509_free(x);
			if (first_only)
				break;
		}
		BIO_free(bio);
	}
	ERR_clear_error();	/* the PEM reader's end of input */
	if ((size_t)sk_X509_num(sk) == n0) {
		p = b;
		if ((x = d2i_X509(NULL, &p, (long)len)) != NULL &&
		    !sk_X509_push(sk, x))
			X509_free(x);
	}
	burn(b, len);
	if ((size_t)sk_X509_num(sk) == n0)
		return ike_errf(err, errlen, "%s: no X.509 certificate in it "
		    "(PEM or DER)", path);
	return 0;
}

int
ike_creds_new(struct ike_creds **out, char *err, size_t errlen)
{
	struct ike_creds *c = calloc(1, sizeof(*c));

	if (c == NULL || (c->cas = sk_X509_new_null()) == NULL ||
	    (c->pinned = sk_X509_new_null()) == NULL ||
	    (c->store = X509_STORE_new()) == NULL) {
		ike_creds_free(c);
		return ike_errf(err, errlen, "credentials: out of memory");
	}
	/* every certificate in cacerts is a trust anchor, as strongSwan
	 * takes them, an intermediate CA too */
	X509_STORE_set_flags(c->store, X509_V_FLAG_PARTIAL_CHAIN);
	*out = c;
	return 0;
}

void
ike_creds_free(struct ike_creds *c)
{
	if (c == NULL)
		return;
	X509_free(c->cert);
	OPENSSL_free(c->cert_der);
	EVP_PKEY_free(c->key);
	sk_X509_pop_free(c->cas, X509_free);
	sk_X509_pop_free(c->pinned, X509_free);
	X509_STORE_free(c->store);
	free(c);
}

void
ike_cert_subject(X509 *x, char *buf, size_t len)
{
	unsigned long fl = (XN_FLAG_ONELINE & ~XN_FLAG_SPC_EQ &
	    ~ASN1_STRFLGS_ESC_MSB) | ASN1_STRFLGS_UTF8_CONVERT;
	BIO *b = BIO_new(BIO_s_mem());
	int n;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (b == NULL)
		return;
	if (X509_NAME_print_ex(b, X509_get_subject_name(x), 0, fl) >= 0 &&
	    (n = BIO_read(b, buf, (int)len - 1)) > 0)
		buf[n] = '\0';
	BIO_free(b);
	if (buf[0] == '\0')
		snprintf(buf, len, "(empty subject)");
}

int
ike_creds_set_cert(struct ike_creds *c, const char *path, char *err,
    size_t errlen)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	unsigned char *der = NULL;
	int n;

	if (sk == NULL)
		return ike_errf(err, errlen, "credentials: out of memory");
	if (read_certs(path, sk, 1, err, errlen) != 0) {
		sk_X509_free(sk);
		return -1;
	}
	X509_free(c->cert);
	OPENSSL_free(c->cert_der);
	c->cert = sk_X509_shift(sk);
	sk_X509_pop_free(sk, X509_free);
	c->cert_der = NULL;
	if ((n = i2d_X509(c->cert, &der)) <= 0 || n > IKE_CERT_DER_MAX) {
		OPENSSL_free(der);
		return ike_errf(err, errlen, "%s: a certificate of %d bytes "
		    "(at most %d fit a CERT payload here)", path, n,
		    IKE_CERT_DER_MAX);
	}
	c->cert_der = der;
	c->cert_len = (size_t)n;
	return 0;
}

/* "RSA" or "ECDSA P-256" (curve nicsec signs with), or NULL. */
static const char *
key_kind(EVP_PKEY *k, int *bits)
{
	char g[64];

	*bits = EVP_PKEY_get_bits(k);
	if (EVP_PKEY_is_a(k, "RSA"))
		return "RSA";
	if (!EVP_PKEY_is_a(k, "EC") || EVP_PKEY_get_utf8_string_param(k,
	    OSSL_PKEY_PARAM_GROUP_NAME, g, sizeof(g), NULL) != 1)
		return NULL;
	if (strcmp(g, "prime256v1") == 0 || strcmp(g, "P-256") == 0)
		return "ECDSA P-256";
	if (strcmp(g, "secp384r1") == 0 || strcmp(g, "P-384") == 0)
		return "ECDSA P-384";
	if (strcmp(g, "secp521r1") == 0 || strcmp(g, "P-521") == 0)
		return "ECDSA P-521";
	return NULL;
}

int
ike_creds_set_key(struct ike_creds *c, const char *path, const uint8_t *pass,
    size_t passlen, char *err, size_t errlen)
{
	OSSL_DECODER_CTX *dc;
	EVP_PKEY *k = NULL;
	const unsigned char *p;
	size_t len, left;
	uint8_t *b = slurp(path, &len, err, errlen);
	char name[256];
	int bits;

	if (b == NULL)
		return -1;
	dc = OSSL_DECODER_CTX_new_for_pkey(&k, NULL, NULL, NULL,
	    OSSL_KEYMGMT_SELECT_PRIVATE_KEY, NULL, NULL);
	if (dc != NULL && pass != NULL)
		OSSL_DECODER_CTX_set_passphrase(dc, pass, passlen);
	p = b;
	left = len;
	if (dc == NULL || OSSL_DECODER_from_data(dc, &p, &left) != 1)
		k = NULL;
	OSSL_DECODER_CTX_free(dc);
	ERR_clear_error();
	burn(b, len);
	if (k == NULL)
		return ike_errf(err, errlen, "%s: no private key read (PEM or "
		    "DER; %s)", path, pass ? "a wrong passphrase?" :
		    "encrypted, and no passphrase given?");
	if (key_kind(k, &bits) == NULL) {
		EVP_PKEY_free(k);
		return ike_errf(err, errlen, "%s: a key nicsec can't sign with "
		    "(RSA, or ECDSA on P-256, P-384, P-521)", path);
	}
	if (c->cert != NULL && X509_check_private_key(c->cert, k) != 1) {
		ike_cert_subject(c->cert, name, sizeof(name));
		EVP_PKEY_free(k);
		return ike_errf(err, errlen, "key %s is not the one of "
		    "certificate '%s'", path, name);
	}
	EVP_PKEY_free(c->key);
	c->key = k;
	return 0;
}

int
ike_creds_add_ca(struct ike_creds *c, const char *path, char *err,
    size_t errlen)
{
	int n0 = sk_X509_num(c->cas);

	if (read_certs(path, c->cas, 0, err, errlen) != 0)
		return -1;
	for (int i = n0; i < sk_X509_num(c->cas); i++)
		if (X509_STORE_add_cert(c->store, sk_X509_value(c->cas,
		    i)) != 1)
			return ike_errf(err, errlen, "%s: the CA certificate "
			    "could not be added to the trust store", path);
	return 0;
}

int
ike_creds_add_peer(struct ike_creds *c, const char *path, char *err,
    size_t errlen)
{
	return read_certs(path, c->pinned, 0, err, errlen);
}

int
ike_creds_can_sign(const struct ike_creds *c)
{
	return c != NULL && c->cert != NULL && c->key != NULL;
}

int
ike_creds_can_verify(const struct ike_creds *c)
{
	return c != NULL && (sk_X509_num(c->cas) > 0 ||
	    sk_X509_num(c->pinned) > 0);
}

int
ike_creds_cert_der(const struct ike_creds *c, const uint8_t **der,
    size_t *len)
{
	if (c == NULL || c->cert_der == NULL)
		return -1;
	*der = c->cert_der;
	*len = c->cert_len;
	return 0;
}

int
ike_creds_certreq(const struct ike_creds *c, uint8_t *buf, size_t cap,
    size_t *len)
{
	*len = 0;
	for (int i = 0; i < sk_X509_num(c->cas); i++) {
		X509_PUBKEY *pk = X509_get_X509_PUBKEY(sk_X509_value(c->cas,
		    i));
		unsigned char *der = NULL;
		int n;

		if (*len + 20 > cap)
			return -1;
		if (pk == NULL || (n = i2d_X509_PUBKEY(pk, &der)) <= 0)
			return -1;
		EVP_Digest(der, (size_t)n, buf + *len, NULL, EVP_sha1(), NULL);
		OPENSSL_free(der);
		*len += 20;
	}
	return 0;
}

/* The subjects of sk, "a; b", or "none". */
static void
names(STACK_OF(X509) *sk, char *buf, size_t len)
{
	size_t o = 0;
	char one[256];

	snprintf(buf, len, "none");
	for (int i = 0; i < sk_X509_num(sk) && o < len; i++) {
		ike_cert_subject(sk_X509_value(sk, i), one, sizeof(one));
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? "; " : "",
		    one);
	}
}

void
ike_creds_ca_names(const struct ike_creds *c, char *buf, size_t len)
{
	names(c->cas, buf, len);
}

/* ---- identities ---------------------------------------------------- */

int
ike_cert_dn_der(const char *dn, uint8_t *buf, size_t cap, size_t *len,
    char *err, size_t errlen)
{
	X509_NAME *nm = X509_NAME_new();
	char *s = strdup(dn), *p, *next, *eq, *k, *v, *e;
	char sep = strchr(dn, ',') == NULL && dn[0] == '/' ? '/' : ',';
	unsigned char *der = NULL;
	int n, rc = -1;

	if (nm == NULL || s == NULL) {
		ike_errf(err, errlen, "DN: out of memory");
		goto out;
	}
	for (p = s + (sep == '/'); p != NULL && *p != '\0'; p = next) {
		if ((next = strchr(p, sep)) != NULL)
			*next++ = '\0';
		while (*p == ' ')
			p++;
		if ((eq = strchr(p, '=')) == NULL) {
			ike_errf(err, errlen, "DN '%s': '%s' is not TYPE=value",
			    dn, p);
			goto out;
		}
		*eq = '\0';
		k = p;
		v = eq + 1;
		for (e = eq; e > k && e[-1] == ' '; e--)
			e[-1] = '\0';
		/* strongSwan's names that OpenSSL spells otherwise; it
		 * takes them in any case ("cn=") */
		if (OBJ_txt2nid(k) == NID_undef)
			for (e = k; *e != '\0'; e++)
				*e = (char)toupper((unsigned char)*e);
		if (strcmp(k, "E") == 0 || strcmp(k, "EMAIL") == 0)
			k = "emailAddress";
		else if (strcmp(k, "S") == 0)
			k = "ST";
		else if (strcmp(k, "SN") == 0)
			k = "serialNumber";
		if (X509_NAME_add_entry_by_txt(nm, k, MBSTRING_UTF8,
		    (const unsigned char *)v, -1, -1, 0) != 1) {
			ike_errf(err, errlen, "DN '%s': unknown attribute type "
			    "'%s'", dn, k);
			goto out;
		}
	}
	if ((n = i2d_X509_NAME(nm, &der)) <= 0 || (size_t)n > cap) {
		ike_errf(err, errlen, "DN '%s': does not encode in %zu bytes",
		    dn, cap);
		goto out;
	}
	memcpy(buf, der, (size_t)n);
	*len = (size_t)n;
	rc = 0;
out:
	OPENSSL_free(der);
	X509_NAME_free(nm);
	free(s);
	return rc;
}

int
ike_cert_conf_id(const struct ike_creds *c, const struct conf_id *id,
    uint8_t *type, uint8_t *buf, size_t cap, size_t *len, char *err,
    size_t errlen)
{
	X509_NAME *subj = c && c->cert ? X509_get_subject_name(c->cert) : NULL;
	X509_NAME *nm;
	const unsigned char *p;
	unsigned char *der = NULL;
	size_t n;
	int dl;

	switch (id->type) {
	case CONF_ID_IPV4_ADDR:
	case CONF_ID_IPV6_ADDR:
		n = id->type == CONF_ID_IPV4_ADDR ? 4 : 16;
		if (n > cap)
			return ike_errf(err, errlen, "ID: no room");
		memcpy(buf, id->addr, n);
		*len = n;
		*type = (uint8_t)id->type;
		return 0;
	case CONF_ID_FQDN:
	case CONF_ID_RFC822_ADDR:
		if ((n = strlen(id->str)) > cap)
			return ike_errf(err, errlen, "ID '%s' is too long",
			    id->str);
		memcpy(buf, id->str, n);
		*len = n;
		*type = (uint8_t)id->type;
		return 0;
	case CONF_ID_DER_ASN1_DN:
		if (ike_cert_dn_der(id->str, buf, cap, len, err, errlen) != 0)
			return -1;
		*type = IKE_ID_DER_ASN1_DN;
		p = buf;
		/* the certificate's own bytes for the same name: a peer
		 * may compare them as they are */
		if (subj != NULL && (nm = d2i_X509_NAME(NULL, &p,
		    (long)*len)) != NULL) {
			if (X509_NAME_cmp(nm, subj) == 0)
				goto subject;
			X509_NAME_free(nm);
		}
		return 0;
	case CONF_ID_ANY:
		if (subj == NULL)
			return ike_errf(err, errlen, "no ID given and no "
			    "certificate to take its subject as the ID");
		nm = NULL;
		goto subject;
	}
	return ike_errf(err, errlen, "ID type %d: not one IKE sends", id->type);
subject:
	X509_NAME_free(nm);
	if ((dl = i2d_X509_NAME(subj, &der)) <= 0 || (size_t)dl > cap) {
		OPENSSL_free(der);
		return ike_errf(err, errlen, "the certificate's subject does not "
		    "fit an ID");
	}
	memcpy(buf, der, (size_t)dl);
	OPENSSL_free(der);
	*len = (size_t)dl;
	*type = IKE_ID_DER_ASN1_DN;
	return 0;
}

const char *
ike_cert_id_str(uint8_t type, const uint8_t *d, size_t n, char *buf,
    size_t len)
{
	char a[INET6_ADDRSTRLEN];
	X509_NAME *nm;
	const unsigned char *p = d;

	if (type == 0)
		snprintf(buf, len, "%%any");	/* no ID expected */
	else if (type == IKE_ID_IPV4_ADDR && n == 4)
		snprintf(buf, len, "%s", inet_ntop(AF_INET, d, a, sizeof(a)));
	else if (type == IKE_ID_IPV6_ADDR && n == 16)
		snprintf(buf, len, "%s", inet_ntop(AF_INET6, d, a, sizeof(a)));
	else if (type == IKE_ID_FQDN || type == IKE_ID_RFC822_ADDR)
		snprintf(buf, len, "%.*s", (int)n, (const char *)d);
	else if (type == IKE_ID_DER_ASN1_DN &&
	    (nm = d2i_X509_NAME(NULL, &p, (long)n)) != NULL) {
		X509 *x = X509_new();

		/* ike_cert_subject() prints a certificate's name */
		if (x != NULL && X509_set_subject_name(x, nm) == 1)
			ike_cert_subject(x, buf, len);
		else
			snprintf(buf, len, "(a DN of %zu bytes)", n);
		X509_free(x);
		X509_NAME_free(nm);
	} else
		snprintf(buf, len, "(ID type %u, %zu bytes)", type, n);
	return buf;
}

int
ike_cert_id_match(X509 *x, uint8_t id_type, const uint8_t *id, size_t id_len)
{
	GENERAL_NAMES *gens;
	const unsigned char *p = id;
	int want, hit = 0;

	if (id_type == IKE_ID_DER_ASN1_DN) {
		X509_NAME *nm = d2i_X509_NAME(NULL, &p, (long)id_len);

		/* canonical comparison: case and spacing of values and
		 * the string types aside, as strongSwan's DN match */
		hit = nm != NULL && p == id + id_len &&
		    X509_NAME_cmp(nm, X509_get_subject_name(x)) == 0;
		X509_NAME_free(nm);
		return hit;
	}
	if (id_type == IKE_ID_FQDN)
		want = GEN_DNS;
	else if (id_type == IKE_ID_RFC822_ADDR)
		want = GEN_EMAIL;
	else if (id_type == IKE_ID_IPV4_ADDR || id_type == IKE_ID_IPV6_ADDR)
		want = GEN_IPADD;
	else
		return 0;
	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	for (int i = 0; !hit && i < sk_GENERAL_NAME_num(gens); i++) {
		GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		ASN1_STRING *s;

		if (g->type != want)
			continue;
		s = want == GEN_IPADD ? g->d.iPAddress : g->d.ia5;
		if ((size_t)ASN1_STRING_length(s) != id_len)
			continue;
		if (want == GEN_IPADD)
			hit = memcmp(ASN1_STRING_get0_data(s), id, id_len) == 0;
		else
			hit = strncasecmp((const char *)ASN1_STRING_get0_data(s),
			    (const char *)id, id_len) == 0;
	}
	GENERAL_NAMES_free(gens);
	return hit;
}

int
ike_cert_id_equal(uint8_t ta, const uint8_t *a, size_t alen, uint8_t tb,
    const uint8_t *b, size_t blen)
{
	const unsigned char *pa = a, *pb = b;
	X509_NAME *na, *nb;
	int eq;

	if (ta != tb)
		return 0;
	if (ta == IKE_ID_DER_ASN1_DN) {
		na = d2i_X509_NAME(NULL, &pa, (long)alen);
		nb = d2i_X509_NAME(NULL, &pb, (long)blen);
		eq = na != NULL && nb != NULL && X509_NAME_cmp(na, nb) == 0;
		X509_NAME_free(na);
		X509_NAME_free(nb);
		return eq;
	}
	if (alen != blen)
		return 0;
	if (ta == IKE_ID_FQDN || ta == IKE_ID_RFC822_ADDR)
		return strncasecmp((const char *)a, (const char *)b, alen) == 0;
	return memcmp(a, b, alen) == 0;
}

void
ike_cert_ids(X509 *x, char *buf, size_t len)
{
	GENERAL_NAMES *gens;
	size_t o;
	char a[INET6_ADDRSTRLEN];

	ike_cert_subject(x, buf, len);
	o = strlen(buf);
	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	for (int i = 0; i < sk_GENERAL_NAME_num(gens) && o < len; i++) {
		GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		const unsigned char *d;
		int n;

		if (g->type == GEN_DNS || g->type == GEN_EMAIL) {
			d = ASN1_STRING_get0_data(g->d.ia5);
			n = ASN1_STRING_length(g->d.ia5);
			o += (size_t)snprintf(buf + o, len - o, ", %s:%.*s",
			    g->type == GEN_DNS ? "DNS" : "email", n,
			    (const char *)d);
		} else if (g->type == GEN_IPADD) {
			d = ASN1_STRING_get0_data(g->d.iPAddress);
			n = ASN1_STRING_length(g->d.iPAddress);
			if (n != 4 && n != 16)
				continue;
			o += (size_t)snprintf(buf + o, len - o, ", IP:%s",
			    inet_ntop(n == 4 ? AF_INET : AF_INET6, d, a,
			    sizeof(a)));
		}
	}
	GENERAL_NAMES_free(gens);
}

/* ---- the peer's certificate ---------------------------------------- */

static void
asn1_time_str(const ASN1_TIME *t, char *buf, size_t len)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		snprintf(buf, len, "(no time)");
	else
		strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

/* Within its validity times now? */
static int
valid_now(X509 *x, const char *what, char *err, size_t errlen)
{
	char name[256], t[64];

	ike_cert_subject(x, name, sizeof(name));
	if (X509_cmp_current_time(X509_get0_notBefore(x)) >= 0) {
		asn1_time_str(X509_get0_notBefore(x), t, sizeof(t));
		return ike_errf(err, errlen, "%s '%s' is not valid before %s",
		    what, name, t);
	}
	if (X509_cmp_current_time(X509_get0_notAfter(x)) <= 0) {
		asn1_time_str(X509_get0_notAfter(x), t, sizeof(t));
		return ike_errf(err, errlen, "%s '%s' expired on %s", what,
		    name, t);
	}
	return 0;
}

/* x chained up to one of trust's CAs, or why not. */
static int
chain_ok(const struct ike_creds *trust, X509 *x, STACK_OF(X509) *untrusted,
    char *err, size_t errlen)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	X509 *cur;
	char name[256], issuer[256], cas[512], curname[256];
	char nb[64], na[64];
	int ok, e;

	ike_cert_subject(x, name, sizeof(name));
	ike_creds_ca_names(trust, cas, sizeof(cas));
	if (ctx == NULL || X509_STORE_CTX_init(ctx, trust->store, x,
	    untrusted) != 1) {
		X509_STORE_CTX_free(ctx);
		return ike_errf(err, errlen, "peer certificate '%s': cannot "
		    "verify (out of memory)", name);
	}
	ok = X509_verify_cert(ctx) == 1;
	e = X509_STORE_CTX_get_error(ctx);
	cur = X509_STORE_CTX_get_current_cert(ctx);
	if (cur == NULL)
		cur = x;
	/* all we say of the certificate it stopped at, while ctx holds it */
	ike_cert_subject(cur, curname, sizeof(curname));
	asn1_time_str(X509_get0_notBefore(cur), nb, sizeof(nb));
	asn1_time_str(X509_get0_notAfter(cur), na, sizeof(na));
	cur = cur == x ? x : NULL;
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	if (ok)
		return 0;
	switch (e) {
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
		{
			X509 *tmp = X509_new();

			issuer[0] = '\0';
			if (tmp != NULL && X509_set_subject_name(tmp,
			    X509_get_issuer_name(x)) == 1)
				ike_cert_subject(tmp, issuer, sizeof(issuer));
			X509_free(tmp);
		}
		return ike_errf(err, errlen, "peer certificate '%s' is not "
		    "signed by a trusted CA (its issuer: %s; cacerts: %s)",
		    name, issuer, cas);
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return ike_errf(err, errlen, "peer certificate '%s'%s%s%s "
		    "expired on %s", name, cur != x ? ": its CA '" : "",
		    cur != x ? curname : "", cur != x ? "'" : "", na);
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return ike_errf(err, errlen, "peer certificate '%s'%s%s%s is "
		    "not valid before %s", name, cur != x ? ": its CA '" : "",
		    cur != x ? curname : "", cur != x ? "'" : "", nb);
	case X509_V_ERR_CERT_SIGNATURE_FAILURE:
		return ike_errf(err, errlen, "peer certificate '%s': the "
		    "signature on '%s' does not verify with its issuer's key "
		    "(cacerts: %s)", name, curname, cas);
	}
	return ike_errf(err, errlen, "peer certificate '%s' does not verify "
	    "at '%s': %s (cacerts: %s)", name, curname,
	    X509_verify_cert_error_string(e), cas);
}

/* The pinned certificate equal to x, or the one that holds the ID. */
static X509 *
pinned_find(const struct ike_creds *trust, X509 *x, uint8_t id_type,
    const uint8_t *id, size_t id_len)
{
	for (int i = 0; i < sk_X509_num(trust->pinned); i++) {
		X509 *p = sk_X509_value(trust->pinned, i);

		if (x != NULL ? X509_cmp(p, x) == 0 :
		    ike_cert_id_match(p, id_type, id, id_len))
			return p;
	}
	return NULL;
}

int
ike_cert_peer(const struct ike_creds *trust, const struct ike_cert *certs,
    size_t n, uint8_t id_type, const uint8_t *id, size_t id_len, X509 **out,
    char *err, size_t errlen)
{
	STACK_OF(X509) *chain = NULL;
	X509 *x = NULL, *pin;
	char name[256], ids[1024], idstr[256], pins[512];
	int rc = -1;

	*out = NULL;
	ike_cert_id_str(id_type, id, id_len, idstr, sizeof(idstr));
	if (!ike_creds_can_verify(trust))
		return ike_errf(err, errlen, "no CA or peer certificate to "
		    "check peer %s's certificate with", idstr);
	for (size_t i = 0; i < n; i++) {
		const unsigned char *p = certs[i].data;
		X509 *c;

		if (certs[i].encoding != IKE_CERT_X509_SIG)
			continue;	/* hash-and-URL etc.: not taken */
		if ((c = d2i_X509(NULL, &p, (long)certs[i].len)) == NULL ||
		    p != certs[i].data + certs[i].len) {
			X509_free(c);
			ike_errf(err, errlen, "peer %s's CERT payload %zu is not "
			    "a DER X.509 certificate", idstr, i + 1);
			goto out;
		}
		if (x == NULL)
			x = c;
		else if ((chain == NULL && (chain = sk_X509_new_null()) ==
		    NULL) || !sk_X509_push(chain, c)) {
			X509_free(c);
			ike_errf(err, errlen, "out of memory");
			goto out;
		}
	}
	if (x == NULL) {
		/* No CERT: the peer was not asked for one, or relies on
		 * us having it, as with pinned certificates. */
		if ((pin = pinned_find(trust, NULL, id_type, id,
		    id_len)) == NULL) {
			names(trust->pinned, pins, sizeof(pins));
			ike_errf(err, errlen, "peer %s sent no certificate, and "
			    "none of ours is for that ID (certs: %s)", idstr,
			    pins);
			goto out;
		}
		if (!X509_up_ref(pin))
			goto out;
		x = pin;
	}
	ike_cert_subject(x, name, sizeof(name));
	if (pinned_find(trust, x, 0, NULL, 0) != NULL) {
		if (valid_now(x, "peer certificate", err, errlen) != 0)
			goto out;
	} else if (sk_X509_num(trust->cas) == 0) {
		names(trust->pinned, pins, sizeof(pins));
		ike_errf(err, errlen, "peer certificate '%s' is not one we "
		    "trust (certs: %s)", name, pins);
		goto out;
	} else if (chain_ok(trust, x, chain, err, errlen) != 0)
		goto out;
	if (!ike_cert_id_match(x, id_type, id, id_len)) {
		ike_cert_ids(x, ids, sizeof(ids));
		ike_errf(err, errlen, "peer ID %s matches none of its "
		    "certificate's identities (%s)", idstr, ids);
		goto out;
	}
	*out = x;
	x = NULL;
	rc = 0;
out:
	X509_free(x);
	sk_X509_pop_free(chain, X509_free);
	return rc;
}

/* ---- AUTH signatures ----------------------------------------------- */

/* RFC 7427 appendix A: the AlgorithmIdentifiers, DER, each with its
 * length byte as in the AUTH payload. */
static const struct sig_alg {
	int		 rsa;		/* 1 RSA PKCS#1 v1.5, 0 ECDSA */
	int		 hash;		/* IKE_HASH_* */
	const char	*name;
	uint8_t		 len;
	uint8_t		 der[15];
} sig_algs[] = {
	{ 1, IKE_HASH_SHA2_256, "sha256WithRSAEncryption", 15,
	  { 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
	    0x01, 0x0b, 0x05, 0x00 } },
	{ 1, IKE_HASH_SHA2_384, "sha384WithRSAEncryption", 15,
	  { 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
	    0x01, 0x0c, 0x05, 0x00 } },
	{ 1, IKE_HASH_SHA2_512, "sha512WithRSAEncryption", 15,
	  { 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
	    0x01, 0x0d, 0x05, 0x00 } },
	{ 0, IKE_HASH_SHA2_256, "ecdsa-with-SHA256", 12,
	  { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03,
	    0x02 } },
	{ 0, IKE_HASH_SHA2_384, "ecdsa-with-SHA384", 12,
	  { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03,
	    0x03 } },
	{ 0, IKE_HASH_SHA2_512, "ecdsa-with-SHA512", 12,
	  { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03,
	    0x04 } },
};
#define NSIG_ALGS	(sizeof(sig_algs) / sizeof(sig_algs[0]))

static const EVP_MD *
hash_md(int h)
{
	switch (h) {
	case IKE_HASH_SHA1:	return EVP_sha1();
	case IKE_HASH_SHA2_256:	return EVP_sha256();
	case IKE_HASH_SHA2_384:	return EVP_sha384();
	case IKE_HASH_SHA2_512:	return EVP_sha512();
	}
	return NULL;
}

/* An ECDSA key's field in bytes, and its hash for methods 9/10/11. */
static int
ec_curve(EVP_PKEY *k, size_t *flen, int *hash, uint8_t *method)
{
	int bits;
	const char *kind = key_kind(k, &bits);

	if (kind == NULL || strncmp(kind, "ECDSA", 5) != 0)
		return -1;
	*flen = ((size_t)bits + 7) / 8;
	*hash = bits == 256 ? IKE_HASH_SHA2_256 : bits == 384 ?
	    IKE_HASH_SHA2_384 : IKE_HASH_SHA2_512;
	*method = bits == 256 ? IKE_AUTH_ECDSA_256 : bits == 384 ?
	    IKE_AUTH_ECDSA_384 : IKE_AUTH_ECDSA_521;
	return 0;
}

static int
digest_sign(EVP_PKEY *k, const EVP_MD *md, const uint8_t *m, size_t mlen,
    uint8_t *sig, size_t *slen)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ok;

	ok = c != NULL && EVP_DigestSignInit(c, NULL, md, NULL, k) == 1 &&
	    EVP_DigestSign(c, sig, slen, m, mlen) == 1;
	EVP_MD_CTX_free(c);
	return ok ? 0 : -1;
}

static int
digest_verify(EVP_PKEY *k, const EVP_MD *md, const uint8_t *m, size_t mlen,
    const uint8_t *sig, size_t slen)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ok;

	ok = c != NULL && EVP_DigestVerifyInit(c, NULL, md, NULL, k) == 1 &&
	    EVP_DigestVerify(c, sig, slen, m, mlen) == 1;
	EVP_MD_CTX_free(c);
	return ok ? 0 : -1;
}

/* ECDSA's DER Ecdsa-Sig-Value to r | s, each flen bytes, and back. */
static int
ecdsa_der_to_raw(const uint8_t *der, size_t dlen, size_t flen, uint8_t *out)
{
	const unsigned char *p = der;
	ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)dlen);
	const BIGNUM *r, *sv;
	int ok;

	if (s == NULL)
		return -1;
	ECDSA_SIG_get0(s, &r, &sv);
	ok = BN_bn2binpad(r, out, (int)flen) == (int)flen &&
	    BN_bn2binpad(sv, out + flen, (int)flen) == (int)flen;
	ECDSA_SIG_free(s);
	return ok ? 0 : -1;
}

static int
ecdsa_raw_to_der(const uint8_t *raw, size_t flen, uint8_t *out, size_t cap,
    size_t *olen)
{
	ECDSA_SIG *s = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(raw, (int)flen, NULL);
	BIGNUM *sv = BN_bin2bn(raw + flen, (int)flen, NULL);
	unsigned char *der = NULL;
	int n = -1;

	if (s != NULL && r != NULL && sv != NULL && ECDSA_SIG_set0(s, r, sv)) {
		r = sv = NULL;
		n = i2d_ECDSA_SIG(s, &der);
	}
	BN_free(r);
	BN_free(sv);
	ECDSA_SIG_free(s);
	if (n <= 0 || (size_t)n > cap) {
		OPENSSL_free(der);
		return -1;
	}
	memcpy(out, der, (size_t)n);
	OPENSSL_free(der);
	*olen = (size_t)n;
	return 0;
}

/* The hash method 14 signs with: the curve's own or SHA2-256 for RSA
 * when the peer has it, else the first SHA-2 it has; 0 none. */
static int
pick_hash(int pref, unsigned peer)
{
	static const int order[] = { IKE_HASH_SHA2_256, IKE_HASH_SHA2_384,
	    IKE_HASH_SHA2_512 };

	if (peer & IKE_HASH_BIT(pref))
		return pref;
	for (size_t i = 0; i < 3; i++)
		if (peer & IKE_HASH_BIT(order[i]))
			return order[i];
	return 0;
}

int
ike_cert_sign(const struct ike_creds *c, unsigned peer_hashes,
    const uint8_t *octets, size_t olen, uint8_t *method, uint8_t *auth,
    size_t cap, size_t *alen, char *err, size_t errlen)
{
	uint8_t der[IKE_SIG_MAX];
	const struct sig_alg *a = NULL;
	size_t flen = 0, slen;
	int rsa, hash, hash14, bits;
	uint8_t m = IKE_AUTH_RSA_SIG;

	if (!ike_creds_can_sign(c))
		return ike_errf(err, errlen, "no certificate and key to sign "
		    "AUTH with");
	rsa = EVP_PKEY_is_a(c->key, "RSA");
	if (!rsa && ec_curve(c->key, &flen, &hash, &m) != 0)
		return ike_errf(err, errlen, "our key is of a kind nicsec "
		    "does not sign with");
	if (rsa)
		hash = IKE_HASH_SHA2_256;
	/* RFC 7427 with a SHA-2 the peer has; else (no list, or one with
	 * only SHA-1) the method of the key's kind, which every peer takes */
	if (peer_hashes != 0 && (hash14 = pick_hash(hash, peer_hashes)) != 0) {
		hash = hash14;
		for (size_t i = 0; i < NSIG_ALGS; i++)
			if (sig_algs[i].rsa == rsa && sig_algs[i].hash == hash)
				a = &sig_algs[i];
		m = IKE_AUTH_DIGITAL_SIG;
	} else if (rsa)
		hash = IKE_HASH_SHA1;
	slen = EVP_PKEY_get_size(c->key);
	if (slen > sizeof(der) || digest_sign(c->key, hash_md(hash), octets,
	    olen, der, &slen) != 0)
		return ike_errf(err, errlen, "signing AUTH with our %s key "
		    "failed", key_kind(c->key, &bits));
	if (a != NULL) {
		if (1 + a->len + slen > cap)
			return ike_errf(err, errlen, "AUTH: no room");
		auth[0] = a->len;
		memcpy(auth + 1, a->der, a->len);
		memcpy(auth + 1 + a->len, der, slen);
		*alen = 1 + a->len + slen;
	} else if (rsa) {
		if (slen > cap)
			return ike_errf(err, errlen, "AUTH: no room");
		memcpy(auth, der, slen);
		*alen = slen;
	} else {
		if (2 * flen > cap || ecdsa_der_to_raw(der, slen, flen,
		    auth) != 0)
			return ike_errf(err, errlen, "AUTH: ECDSA signature "
			    "does not convert");
		*alen = 2 * flen;
	}
	*method = m;
	return 0;
}

static const char *
method_name(uint8_t m)
{
	switch (m) {
	case IKE_AUTH_RSA_SIG:		return "RSA signature (1)";
	case IKE_AUTH_PSK:		return "a PSK (2)";
	case IKE_AUTH_DSS_SIG:		return "DSS signature (3)";
	case IKE_AUTH_ECDSA_256:	return "ECDSA P-256 (9)";
	case IKE_AUTH_ECDSA_384:	return "ECDSA P-384 (10)";
	case IKE_AUTH_ECDSA_521:	return "ECDSA P-521 (11)";
	case IKE_AUTH_DIGITAL_SIG:	return "a digital signature (14)";
	}
	return "an unknown method";
}

int
ike_cert_verify(X509 *x, uint8_t method, const uint8_t *auth, size_t alen,
    const uint8_t *octets, size_t olen, char *err, size_t errlen)
{
	EVP_PKEY *k = X509_get0_pubkey(x);
	const struct sig_alg *a = NULL;
	const uint8_t *sig = auth;
	uint8_t der[IKE_SIG_MAX], want_m;
	size_t slen = alen, flen = 0;
	const char *kind;
	int bits, rsa, hash = 0, ec_hash = 0;

	if (k == NULL || (kind = key_kind(k, &bits)) == NULL)
		return ike_errf(err, errlen, "peer's certificate has a key "
		    "nicsec does not verify with (RSA, ECDSA P-256/384/521)");
	rsa = EVP_PKEY_is_a(k, "RSA");
	if (!rsa)
		ec_curve(k, &flen, &ec_hash, &want_m);
	switch (method) {
	case IKE_AUTH_DIGITAL_SIG:
		if (alen < 1 || alen < 1u + auth[0])
			return ike_errf(err, errlen, "peer's AUTH (method 14) "
			    "is shorter than its AlgorithmIdentifier");
		for (size_t i = 0; i < NSIG_ALGS; i++)
			if (sig_algs[i].len == auth[0] && memcmp(sig_algs[i].der,
			    auth + 1, auth[0]) == 0)
				a = &sig_algs[i];
		if (a == NULL)
			return ike_errf(err, errlen, "peer signs with an "
			    "AlgorithmIdentifier nicsec does not take (%u bytes; "
			    "we take RSA PKCS#1 v1.5 and ECDSA with SHA2-256, "
			    "384, 512)", auth[0]);
		if (a->rsa != rsa)
			return ike_errf(err, errlen, "peer signs with %s, but its "
			    "certificate has an %s key", a->name, kind);
		hash = a->hash;
		sig = auth + 1 + auth[0];
		slen = alen - 1 - auth[0];
		break;
	case IKE_AUTH_RSA_SIG:
		if (!rsa)
			return ike_errf(err, errlen, "peer authenticates with "
			    "%s, but its certificate has an %s key",
			    method_name(method), kind);
		hash = IKE_HASH_SHA1;
		break;
	case IKE_AUTH_ECDSA_256:
	case IKE_AUTH_ECDSA_384:
	case IKE_AUTH_ECDSA_521:
		if (rsa || method != want_m)
			return ike_errf(err, errlen, "peer authenticates with "
			    "%s, but its certificate has an %s key",
			    method_name(method), kind);
		if (alen != 2 * flen ||
		    ecdsa_raw_to_der(auth, flen, der, sizeof(der), &slen) != 0)
			return ike_errf(err, errlen, "peer's %s AUTH is %zu "
			    "bytes, not r | s of %zu", method_name(method), alen,
			    2 * flen);
		hash = ec_hash;
		sig = der;
		break;
	default:
		return ike_errf(err, errlen, "peer authenticates with %s, we "
		    "expect a certificate's signature", method_name(method));
	}
	if (digest_verify(k, hash_md(hash), octets, olen, sig, slen) != 0) {
		ERR_clear_error();
		return ike_errf(err, errlen, "peer's signature does not verify "
		    "with its certificate's %s key", kind);
	}
	return 0;
}

/* ---- from the configuration ---------------------------------------- */

/* The private key among conf's that is the certificate's. */
static int
load_key(struct ike_creds *cr, const struct conf *conf, const char *conn,
    char *err, size_t errlen)
{
	char name[256], why[512] = "", one[512];
	size_t o = 0;

	for (size_t i = 0; i < conf->nkeys; i++) {
		const struct conf_key *k = &conf->keys[i];

		if (ike_creds_set_key(cr, k->file, k->passphrase, k->passlen,
		    one, sizeof(one)) == 0)
			return 0;
		/* a key of another certificate is not worth naming */
		if (strstr(one, "is not the one of") == NULL && o < sizeof(why))
			o += (size_t)snprintf(why + o, sizeof(why) - o, "; %s",
			    one);
	}
	ike_cert_subject(cr->cert, name, sizeof(name));
	return ike_errf(err, errlen, "connections.%s: no private key in "
	    "secrets is the one of certificate '%s' (%zu key files tried%s)",
	    conn, name, conf->nkeys, why);
}

int
ike_cert_creds_load(const struct conf *conf, const struct conf_conn *conn,
    struct ike_creds **out, char *err, size_t errlen)
{
	struct ike_creds *cr;
	char e[512];
	int local = conn->local.auth == CONF_AUTH_PUBKEY;
	int remote = conn->remote.auth == CONF_AUTH_PUBKEY;

	*out = NULL;
	if (!local && !remote)
		return 0;
	if (ike_creds_new(&cr, err, errlen) != 0)
		return -1;
	if (local) {
		if (conn->local.ncerts == 0) {
			ike_errf(err, errlen, "connections.%s.local: auth = "
			    "pubkey needs certs (the certificate to "
			    "authenticate with)", conn->name);
			goto fail;
		}
		if (ike_creds_set_cert(cr, conn->local.certs[0], e,
		    sizeof(e)) != 0) {
			ike_errf(err, errlen, "connections.%s.local.certs: %s",
			    conn->name, e);
			goto fail;
		}
		if (load_key(cr, conf, conn->name, err, errlen) != 0)
			goto fail;
	}
	if (remote) {
		for (size_t i = 0; i < conn->remote.ncacerts; i++)
			if (ike_creds_add_ca(cr, conn->remote.cacerts[i], e,
			    sizeof(e)) != 0) {
				ike_errf(err, errlen, "connections.%s.remote."
				    "cacerts: %s", conn->name, e);
				goto fail;
			}
		for (size_t i = 0; i < conn->remote.ncerts; i++)
			if (ike_creds_add_peer(cr, conn->remote.certs[i], e,
			    sizeof(e)) != 0) {
				ike_errf(err, errlen, "connections.%s.remote."
				    "certs: %s", conn->name, e);
				goto fail;
			}
		if (!ike_creds_can_verify(cr)) {
			ike_errf(err, errlen, "connections.%s.remote: auth = "
			    "pubkey needs cacerts or certs", conn->name);
			goto fail;
		}
	}
	*out = cr;
	return 0;
fail:
	ike_creds_free(cr);
	return -1;
}
