/*
 * test_ike_cert - X.509 credentials (host/ike_cert.c) and IKE_AUTH with
 * certificates (host/ike_auth.c), both ends in one process after an
 * IKE_SA_INIT between them.  The keys and certificates are made at test
 * time by the openssl command (a CA, another CA, RSA 2048 and 3072, ECDSA
 * P-256, P-384 and P-521, an intermediate CA, an expired one, an encrypted and a DER key), and the
 * openssl command is the oracle for our RFC 7427 signatures both ways: it
 * verifies ours (pkeyutl/dgst -verify) and signs octets we verify.
 *
 * Cases: loading (PEM, DER, passphrase, wrong passphrase, a key that is
 * not the certificate's), identities (DN, DNS, email, IP), signatures of
 * every method and hash (and a tampered one), the peer's certificate
 * (trusted, wrong CA, expired, through an intermediate CA sent along or
 * trusted, pinned and sent or not, an ID it does not hold), IKE_AUTH in both roles with RSA and ECDSA, the classic methods
 * for a peer without SIGNATURE_HASH_ALGORITHMS, a cert one way and a PSK
 * the other, each failure with its line, and ike_cert_creds_load() from
 * a swanctl.conf.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/pem.h>

#include "conf.h"
#include "ike_auth.h"
#include "ike_cert.h"
#include "ike_pair.h"
#include "scratch.h"

/* Made once by the group setup, in tmpdir. */
static const char pki_sh[] =
	"set -e\n"
	"cd \"$1\"\n"
	"q() { \"$@\" >/dev/null 2>&1; }\n"
	"ca() {  # NAME CN\n"
	"  q openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 "
	"-out $1.key\n"
	"  q openssl req -x509 -new -key $1.key -subj \"/CN=$2\" -days 30 "
	"-sha256 -out $1.pem -addext basicConstraints=critical,CA:true "
	"-addext keyUsage=critical,keyCertSign,cRLSign\n"
	"}\n"
	"host() {  # NAME KEYOPTS CA SUBJ SAN\n"
	"  q openssl genpkey $2 -out $1.key\n"
	"  q openssl req -new -key $1.key -subj \"$4\" -out $1.csr\n"
	"  printf 'subjectAltName=%s\\n' \"$5\" > $1.ext\n"
	"  q openssl x509 -req -in $1.csr -CA $3.pem -CAkey $3.key "
	"-CAcreateserial -days 30 -sha256 -extfile $1.ext -out $1.pem\n"
	"}\n"
	"RSA2='-algorithm RSA -pkeyopt rsa_keygen_bits:2048'\n"
	"RSA3='-algorithm RSA -pkeyopt rsa_keygen_bits:3072'\n"
	"EC256='-algorithm EC -pkeyopt ec_paramgen_curve:P-256'\n"
	"EC384='-algorithm EC -pkeyopt ec_paramgen_curve:P-384'\n"
	"EC521='-algorithm EC -pkeyopt ec_paramgen_curve:P-521'\n"
	"ca ca 'nicsec test CA'\n"
	"ca other 'other CA'\n"
	"host left \"$RSA2\" ca /O=nicsec/CN=left "
	"'DNS:left.test,email:ops@left.test,IP:192.0.2.1'\n"
	"host right \"$EC256\" ca /CN=right DNS:right.test\n"
	"host r384 \"$EC384\" ca /CN=r384 DNS:r384.test\n"
	"host r521 \"$EC521\" ca /CN=r521 DNS:r521.test\n"
	"host r3072 \"$RSA3\" ca /CN=r3072 DNS:r3072.test\n"
	"host gw2 \"$EC256\" other /CN=gw2 DNS:gw2.test\n"
	/* an intermediate CA under ca, and a leaf under it */
	"q openssl genpkey $EC256 -out sub.key\n"
	"q openssl req -new -key sub.key -subj '/CN=nicsec sub CA' -out sub.csr\n"
	"printf '%s\\n' basicConstraints=critical,CA:true "
	"keyUsage=critical,keyCertSign,cRLSign > sub.ext\n"
	"q openssl x509 -req -in sub.csr -CA ca.pem -CAkey ca.key "
	"-CAcreateserial -days 30 -sha256 -extfile sub.ext -out sub.pem\n"
	"host leaf \"$EC256\" sub /CN=leaf DNS:leaf.test\n"
	/* expired: openssl ca takes explicit dates */
	"q openssl genpkey $EC256 -out old.key\n"
	"q openssl req -new -key old.key -subj /CN=old -out old.csr\n"
	"touch index.txt; echo 01 > serial\n"
	"printf '%s\\n' '[ca]' 'default_ca=d' '[d]' 'database=index.txt' "
	"'new_certs_dir=.' 'serial=serial' 'default_md=sha256' 'policy=p' "
	"'unique_subject=no' 'x509_extensions=x' '[p]' 'commonName=supplied' "
	"'[x]' 'subjectAltName=DNS:old.test' > ca.cnf\n"
	"q openssl ca -batch -config ca.cnf -notext -cert ca.pem -keyfile ca.key "
	"-startdate 20200101000000Z -enddate 20200201000000Z -in old.csr "
	"-out old.pem\n"
	/* the left key encrypted (PKCS#8), the right key and cert as DER */
	"q openssl pkcs8 -topk8 -in left.key -v2 aes-256-cbc -passout pass:pw "
	"-out left-enc.key\n"
	"q openssl pkey -in right.key -outform DER -out right-key.der\n"
	"q openssl x509 -in right.pem -outform DER -out right.der\n"
	"for n in left right r384 r521 r3072; do "
	"q openssl x509 -in $n.pem -pubkey -noout -out $n.pub; done\n";

static int
setup_pki(void **state)
{
	char cmd[1024];
	FILE *f;

	if (scratch_make(state) != 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "%s/pki.sh", tmpdir);
	if ((f = fopen(cmd, "w")) == NULL)
		return -1;
	fputs(pki_sh, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "sh %s/pki.sh %s", tmpdir, tmpdir);
	if (system(cmd) != 0) {
		fprintf(stderr, "openssl failed making the test PKI\n");
		return -1;
	}
	return 0;
}

static const char *
path(const char *name)
{
	static char b[8][512];
	static int i;

	i = (i + 1) % 8;
	snprintf(b[i], sizeof(b[i]), "%s/%s", tmpdir, name);
	return b[i];
}

/* Credentials: our cert and key (NULL: none), the CA to trust (NULL). */
static struct ike_creds *
creds(const char *cert, const char *key, const char *ca)
{
	struct ike_creds *c;
	char err[512];

	assert_int_equal(ike_creds_new(&c, err, sizeof(err)), 0);
	if (cert && ike_creds_set_cert(c, path(cert), err, sizeof(err)) != 0)
		fail_msg("%s", err);
	if (key && ike_creds_set_key(c, path(key), NULL, 0, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	if (ca && ike_creds_add_ca(c, path(ca), err, sizeof(err)) != 0)
		fail_msg("%s", err);
	return c;
}

static X509 *
load_x509(const char *name)
{
	FILE *f = fopen(path(name), "r");
	X509 *x;

	assert_non_null(f);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(x);
	return x;
}

static void
write_file(const char *name, const uint8_t *d, size_t n)
{
	FILE *f = fopen(path(name), "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(d, 1, n, f), n);
	fclose(f);
}

static int
sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* ---- loading ------------------------------------------------------- */

static void
test_load(void **state)
{
	struct ike_creds *c;
	char err[512];
	const uint8_t *der;
	size_t len;

	(void)state;
	assert_int_equal(ike_creds_new(&c, err, sizeof(err)), 0);
	assert_int_equal(ike_creds_can_sign(c), 0);
	/* DER certificate and DER key */
	assert_int_equal(ike_creds_set_cert(c, path("right.der"), err,
	    sizeof(err)), 0);
	assert_int_equal(ike_creds_set_key(c, path("right-key.der"), NULL, 0,
	    err, sizeof(err)), 0);
	assert_int_equal(ike_creds_can_sign(c), 1);
	assert_int_equal(ike_creds_cert_der(c, &der, &len), 0);
	assert_true(len > 100 && der[0] == 0x30);
	/* a key that is not the certificate's */
	assert_int_equal(ike_creds_set_key(c, path("left.key"), NULL, 0, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "left.key is not the one of certificate "
	    "'CN=right'"));
	ike_creds_free(c);

	/* an encrypted PKCS#8 key: with and without its passphrase */
	assert_int_equal(ike_creds_new(&c, err, sizeof(err)), 0);
	assert_int_equal(ike_creds_set_cert(c, path("left.pem"), err,
	    sizeof(err)), 0);
	assert_int_equal(ike_creds_set_key(c, path("left-enc.key"),
	    (const uint8_t *)"wrong", 5, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "left-enc.key: no private key read (PEM or "
	    "DER; a wrong passphrase?)"));
	assert_int_equal(ike_creds_set_key(c, path("left-enc.key"),
	    (const uint8_t *)"pw", 2, err, sizeof(err)), 0);
	assert_int_equal(ike_creds_can_sign(c), 1);
	/* not a certificate */
	assert_int_equal(ike_creds_add_ca(c, path("ca.cnf"), err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "ca.cnf: no X.509 certificate in it"));
	ike_creds_free(c);
}

/* ---- identities ---------------------------------------------------- */

static void
test_identities(void **state)
{
	X509 *x = load_x509("left.pem");
	uint8_t dn[256], ip[4] = { 192, 0, 2, 1 }, ip2[4] = { 192, 0, 2, 9 };
	size_t dlen;
	char buf[512], err[256];

	(void)state;
	ike_cert_ids(x, buf, sizeof(buf));
	assert_string_equal(buf, "O=nicsec, CN=left, DNS:left.test, "
	    "email:ops@left.test, IP:192.0.2.1");
	assert_true(ike_cert_id_match(x, IKE_ID_FQDN, (const uint8_t *)
	    "left.test", 9));
	assert_true(ike_cert_id_match(x, IKE_ID_FQDN, (const uint8_t *)
	    "LEFT.test", 9));
	assert_false(ike_cert_id_match(x, IKE_ID_FQDN, (const uint8_t *)
	    "left.tes", 8));
	assert_false(ike_cert_id_match(x, IKE_ID_FQDN, (const uint8_t *)
	    "left", 4));		/* the CN is no FQDN identity */
	assert_true(ike_cert_id_match(x, IKE_ID_RFC822_ADDR, (const uint8_t *)
	    "ops@left.test", 13));
	assert_true(ike_cert_id_match(x, IKE_ID_IPV4_ADDR, ip, 4));
	assert_false(ike_cert_id_match(x, IKE_ID_IPV4_ADDR, ip2, 4));
	/* the DN as strongSwan writes it, spaces and case aside */
	assert_int_equal(ike_cert_dn_der("O=nicsec, CN=left", dn, sizeof(dn),
	    &dlen, err, sizeof(err)), 0);
	assert_true(ike_cert_id_match(x, IKE_ID_DER_ASN1_DN, dn, dlen));
	assert_int_equal(ike_cert_dn_der("/O=NICSEC/CN=left", dn, sizeof(dn),
	    &dlen, err, sizeof(err)), 0);
	assert_true(ike_cert_id_match(x, IKE_ID_DER_ASN1_DN, dn, dlen));
	ike_cert_id_str(IKE_ID_DER_ASN1_DN, dn, dlen, buf, sizeof(buf));
	assert_string_equal(buf, "O=NICSEC, CN=left");
	assert_int_equal(ike_cert_dn_der("CN=left, O=nicsec", dn, sizeof(dn),
	    &dlen, err, sizeof(err)), 0);
	assert_false(ike_cert_id_match(x, IKE_ID_DER_ASN1_DN, dn, dlen));
	assert_int_equal(ike_cert_dn_der("CN=a, XX=b", dn, sizeof(dn), &dlen,
	    err, sizeof(err)), -1);
	assert_string_equal(err, "DN 'CN=a, XX=b': unknown attribute type "
	    "'XX'");
	X509_free(x);
}

static void
test_conf_id(void **state)
{
	struct ike_creds *c = creds("left.pem", "left.key", NULL);
	struct conf_id id = { 0 };
	X509 *x = load_x509("left.pem");
	uint8_t buf[512], type, *der = NULL;
	size_t len;
	int n;
	char err[256];

	(void)state;
	/* none given: the certificate's subject, byte for byte */
	assert_int_equal(ike_cert_conf_id(c, &id, &type, buf, sizeof(buf),
	    &len, err, sizeof(err)), 0);
	assert_int_equal(type, IKE_ID_DER_ASN1_DN);
	n = i2d_X509_NAME(X509_get_subject_name(x), &der);
	assert_int_equal(len, (size_t)n);
	assert_memory_equal(buf, der, len);
	/* the same name written in another case: still its own bytes */
	id.type = CONF_ID_DER_ASN1_DN;
	id.str = "o=NicSec, cn=LEFT";
	assert_int_equal(ike_cert_conf_id(c, &id, &type, buf, sizeof(buf),
	    &len, err, sizeof(err)), 0);
	assert_int_equal(len, (size_t)n);
	assert_memory_equal(buf, der, len);
	id.type = CONF_ID_FQDN;
	id.str = "left.test";
	assert_int_equal(ike_cert_conf_id(c, &id, &type, buf, sizeof(buf),
	    &len, err, sizeof(err)), 0);
	assert_int_equal(type, IKE_ID_FQDN);
	assert_memory_equal(buf, "left.test", 9);
	id.type = CONF_ID_ANY;
	assert_int_equal(ike_cert_conf_id(NULL, &id, &type, buf, sizeof(buf),
	    &len, err, sizeof(err)), -1);
	OPENSSL_free(der);
	X509_free(x);
	ike_creds_free(c);
}

/* ---- signatures ---------------------------------------------------- */

static const uint8_t octets[] = "RealMessage | Nonce | prf(SK_p, ID): the "
    "AUTH octets stand-in";

/* Signs with name's key for peer_hashes, checks the method, verifies it
 * with the certificate, then a tampered copy does not verify. */
static void
sign_verify(const char *name, unsigned hashes, uint8_t want_method,
    const char *kind, uint8_t *auth, size_t *alen)
{
	char c[64], k[64], err[512], want[256];
	struct ike_creds *cr;
	uint8_t method;
	X509 *x;

	snprintf(c, sizeof(c), "%s.pem", name);
	snprintf(k, sizeof(k), "%s.key", name);
	cr = creds(c, k, NULL);
	x = load_x509(c);
	if (ike_cert_sign(cr, hashes, octets, sizeof(octets), &method, auth,
	    IKE_SIG_MAX, alen, err, sizeof(err)) != 0)
		fail_msg("%s: %s", name, err);
	assert_int_equal(method, want_method);
	if (ike_cert_verify(x, method, auth, *alen, octets, sizeof(octets),
	    err, sizeof(err)) != 0)
		fail_msg("%s: %s", name, err);
	auth[*alen - 3] ^= 0x10;
	assert_int_equal(ike_cert_verify(x, method, auth, *alen, octets,
	    sizeof(octets), err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "peer's signature does not verify with its "
	    "certificate's %s key", kind);
	if (strcmp(err, want) != 0 && strstr(err, "not r | s") == NULL)
		fail_msg("%s: %s", name, err);
	auth[*alen - 3] ^= 0x10;
	X509_free(x);
	ike_creds_free(cr);
}

#define ALL_SHA2	(IKE_HASH_BIT(IKE_HASH_SHA2_256) | \
			 IKE_HASH_BIT(IKE_HASH_SHA2_384) | \
			 IKE_HASH_BIT(IKE_HASH_SHA2_512))

/* Method 14's AUTH data, checked by openssl: the AlgorithmIdentifier
 * (parsed by openssl asn1parse) names the hash, the signature verifies
 * with openssl dgst -verify and the certificate's public key. */
static void
oracle(const char *name, const uint8_t *auth, size_t alen, const char *md,
    const char *algname)
{
	char f[64];

	write_file("octets.bin", octets, sizeof(octets));
	write_file("algid.der", auth + 1, auth[0]);
	write_file("sig.bin", auth + 1 + auth[0], alen - 1 - auth[0]);
	assert_int_equal(sh("openssl asn1parse -inform DER -in %s | grep -q "
	    ":%s", path("algid.der"), algname), 0);
	snprintf(f, sizeof(f), "%s.pub", name);
	assert_int_equal(sh("openssl dgst -%s -verify %s -signature %s %s "
	    ">/dev/null", md, path(f), path("sig.bin"), path("octets.bin")),
	    0);
}

static void
test_sign_methods(void **state)
{
	uint8_t auth[IKE_SIG_MAX];
	size_t alen;
	const unsigned h256 = IKE_HASH_BIT(IKE_HASH_SHA2_256);
	const unsigned h512 = IKE_HASH_BIT(IKE_HASH_SHA2_512);

	(void)state;
	/* RFC 7427: RSA with SHA2-256, ECDSA with the curve's hash */
	sign_verify("left", ALL_SHA2, IKE_AUTH_DIGITAL_SIG, "RSA", auth, &alen);
	assert_int_equal(auth[0], 15);
	assert_int_equal(alen, 1 + 15 + 256);
	oracle("left", auth, alen, "sha256", "sha256WithRSAEncryption");
	sign_verify("r3072", ALL_SHA2, IKE_AUTH_DIGITAL_SIG, "RSA", auth,
	    &alen);
	assert_int_equal(alen, 1 + 15 + 384);
	oracle("r3072", auth, alen, "sha256", "sha256WithRSAEncryption");
	sign_verify("left", h512, IKE_AUTH_DIGITAL_SIG, "RSA", auth, &alen);
	oracle("left", auth, alen, "sha512", "sha512WithRSAEncryption");
	sign_verify("right", ALL_SHA2, IKE_AUTH_DIGITAL_SIG, "ECDSA P-256",
	    auth, &alen);
	assert_int_equal(auth[0], 12);
	oracle("right", auth, alen, "sha256", "ecdsa-with-SHA256");
	sign_verify("r384", ALL_SHA2, IKE_AUTH_DIGITAL_SIG, "ECDSA P-384", auth,
	    &alen);
	oracle("r384", auth, alen, "sha384", "ecdsa-with-SHA384");
	/* a P-384 key for a peer that has only SHA2-256 */
	sign_verify("r384", h256, IKE_AUTH_DIGITAL_SIG, "ECDSA P-384", auth,
	    &alen);
	oracle("r384", auth, alen, "sha256", "ecdsa-with-SHA256");
	/* no SIGNATURE_HASH_ALGORITHMS: the classic methods */
	sign_verify("left", 0, IKE_AUTH_RSA_SIG, "RSA", auth, &alen);
	assert_int_equal(alen, 256);
	write_file("octets.bin", octets, sizeof(octets));
	write_file("sig.bin", auth, alen);
	assert_int_equal(sh("openssl dgst -sha1 -verify %s -signature %s %s "
	    ">/dev/null", path("left.pub"), path("sig.bin"),
	    path("octets.bin")), 0);
	sign_verify("right", 0, IKE_AUTH_ECDSA_256, "ECDSA P-256", auth, &alen);
	assert_int_equal(alen, 64);
	sign_verify("r384", 0, IKE_AUTH_ECDSA_384, "ECDSA P-384", auth, &alen);
	assert_int_equal(alen, 96);
	/* P-521: its own hash, SHA2-512, and 66-byte r and s */
	sign_verify("r521", ALL_SHA2, IKE_AUTH_DIGITAL_SIG, "ECDSA P-521", auth,
	    &alen);
	oracle("r521", auth, alen, "sha512", "ecdsa-with-SHA512");
	sign_verify("r521", 0, IKE_AUTH_ECDSA_521, "ECDSA P-521", auth, &alen);
	assert_int_equal(alen, 132);
	/* a peer that lists only SHA-1: the classic method again */
	sign_verify("left", IKE_HASH_BIT(IKE_HASH_SHA1), IKE_AUTH_RSA_SIG,
	    "RSA", auth, &alen);
}

/* openssl signs, we verify: the other direction of the oracle. */
static void
test_verify_openssl_signatures(void **state)
{
	static const uint8_t rsa256[] = { 15, 0x30, 0x0d, 0x06, 0x09, 0x2a,
	    0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00 };
	static const uint8_t ec384[] = { 12, 0x30, 0x0a, 0x06, 0x08, 0x2a,
	    0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03 };
	struct { const char *name, *md; const uint8_t *alg; size_t alen; }
	    cases[] = { { "left", "sha256", rsa256, sizeof(rsa256) },
	    { "r384", "sha384", ec384, sizeof(ec384) } };
	uint8_t auth[IKE_SIG_MAX];
	char err[512], k[64], c[64];
	FILE *f;

	(void)state;
	write_file("octets.bin", octets, sizeof(octets));
	for (size_t i = 0; i < 2; i++) {
		size_t n;
		X509 *x;

		snprintf(k, sizeof(k), "%s.key", cases[i].name);
		snprintf(c, sizeof(c), "%s.pem", cases[i].name);
		assert_int_equal(sh("openssl dgst -%s -sign %s -out %s %s",
		    cases[i].md, path(k), path("osig.bin"),
		    path("octets.bin")), 0);
		memcpy(auth, cases[i].alg, cases[i].alen);
		assert_non_null(f = fopen(path("osig.bin"), "rb"));
		n = fread(auth + cases[i].alen, 1, sizeof(auth) - cases[i].alen,
		    f);
		fclose(f);
		x = load_x509(c);
		if (ike_cert_verify(x, IKE_AUTH_DIGITAL_SIG, auth,
		    cases[i].alen + n, octets, sizeof(octets), err,
		    sizeof(err)) != 0)
			fail_msg("%s: %s", cases[i].name, err);
		X509_free(x);
	}
	/* a key of the other kind than the AlgorithmIdentifier's */
	{
		X509 *x = load_x509("right.pem");

		memcpy(auth, rsa256, sizeof(rsa256));
		memset(auth + sizeof(rsa256), 1, 256);
		assert_int_equal(ike_cert_verify(x, IKE_AUTH_DIGITAL_SIG, auth,
		    sizeof(rsa256) + 256, octets, sizeof(octets), err,
		    sizeof(err)), -1);
		assert_string_equal(err, "peer signs with sha256WithRSAEncryption, "
		    "but its certificate has an ECDSA P-256 key");
		assert_int_equal(ike_cert_verify(x, IKE_AUTH_ECDSA_384, auth,
		    96, octets, sizeof(octets), err, sizeof(err)), -1);
		assert_string_equal(err, "peer authenticates with ECDSA P-384 "
		    "(10), but its certificate has an ECDSA P-256 key");
		X509_free(x);
	}
}

/* ---- the peer's certificate ---------------------------------------- */

/* name's certificate as one CERT payload, DER in buf. */
static struct ike_cert
cert_pld(const char *name, uint8_t *buf)
{
	X509 *x = load_x509(name);
	unsigned char *p = buf;
	struct ike_cert c = { IKE_CERT_X509_SIG, buf, 0 };

	c.len = (size_t)i2d_X509(x, &p);
	X509_free(x);
	return c;
}

static void
test_peer_cert(void **state)
{
	struct ike_creds *trust = creds(NULL, NULL, "ca.pem");
	struct ike_creds *pin;
	uint8_t b1[4096], b2[4096];
	struct ike_cert c;
	char err[512];
	X509 *x;

	(void)state;
	c = cert_pld("right.pem", b1);
	assert_int_equal(ike_cert_peer(trust, &c, 1, IKE_ID_FQDN,
	    (const uint8_t *)"right.test", 10, &x, err, sizeof(err)), 0);
	X509_free(x);
	/* an ID the certificate does not hold */
	assert_int_equal(ike_cert_peer(trust, &c, 1, IKE_ID_FQDN,
	    (const uint8_t *)"moon.example", 12, &x, err, sizeof(err)), -1);
	assert_string_equal(err, "peer ID moon.example matches none of its "
	    "certificate's identities (CN=right, DNS:right.test)");
	assert_null(x);
	/* another CA's */
	c = cert_pld("gw2.pem", b1);
	assert_int_equal(ike_cert_peer(trust, &c, 1, IKE_ID_FQDN,
	    (const uint8_t *)"gw2.test", 8, &x, err, sizeof(err)), -1);
	assert_string_equal(err, "peer certificate 'CN=gw2' is not signed by a "
	    "trusted CA (its issuer: CN=other CA; cacerts: CN=nicsec test CA)");
	/* expired */
	c = cert_pld("old.pem", b1);
	assert_int_equal(ike_cert_peer(trust, &c, 1, IKE_ID_FQDN,
	    (const uint8_t *)"old.test", 8, &x, err, sizeof(err)), -1);
	assert_string_equal(err, "peer certificate 'CN=old' expired on "
	    "2020-02-01 00:00:00 UTC");
	/* the intermediate CA sent along is taken, not trusted: the
	 * other CA's cert as a CERT after gw2's changes nothing */
	{
		struct ike_cert two[2] = { cert_pld("gw2.pem", b1),
		    cert_pld("other.pem", b2) };

		assert_int_equal(ike_cert_peer(trust, two, 2, IKE_ID_FQDN,
		    (const uint8_t *)"gw2.test", 8, &x, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "is not signed by a trusted CA"));
	}
	/* a chain: the leaf with its intermediate CA; without it the
	 * issuer is unknown */
	{
		struct ike_cert two[2] = { cert_pld("leaf.pem", b1),
		    cert_pld("sub.pem", b2) };

		assert_int_equal(ike_cert_peer(trust, two, 2, IKE_ID_FQDN,
		    (const uint8_t *)"leaf.test", 9, &x, err, sizeof(err)), 0);
		X509_free(x);
		assert_int_equal(ike_cert_peer(trust, two, 1, IKE_ID_FQDN,
		    (const uint8_t *)"leaf.test", 9, &x, err, sizeof(err)), -1);
		assert_string_equal(err, "peer certificate 'CN=leaf' is not "
		    "signed by a trusted CA (its issuer: CN=nicsec sub CA; "
		    "cacerts: CN=nicsec test CA)");
	}
	/* garbage */
	c.data = (const uint8_t *)"\x30\x03\x02\x01\x01";
	c.len = 5;
	assert_int_equal(ike_cert_peer(trust, &c, 1, IKE_ID_FQDN,
	    (const uint8_t *)"x", 1, &x, err, sizeof(err)), -1);
	assert_string_equal(err, "peer x's CERT payload 1 is not a DER X.509 "
	    "certificate");
	ike_creds_free(trust);

	/* an intermediate CA in cacerts is a trust anchor by itself */
	trust = creds(NULL, NULL, "sub.pem");
	c = cert_pld("leaf.pem", b1);
	if (ike_cert_peer(trust, &c, 1, IKE_ID_FQDN, (const uint8_t *)
	    "leaf.test", 9, &x, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	X509_free(x);
	ike_creds_free(trust);

	/* pinned: trusted as it is, sent or found by the ID */
	assert_int_equal(ike_creds_new(&pin, err, sizeof(err)), 0);
	assert_int_equal(ike_creds_add_peer(pin, path("gw2.pem"), err,
	    sizeof(err)), 0);
	c = cert_pld("gw2.pem", b1);
	assert_int_equal(ike_cert_peer(pin, &c, 1, IKE_ID_FQDN,
	    (const uint8_t *)"gw2.test", 8, &x, err, sizeof(err)), 0);
	X509_free(x);
	assert_int_equal(ike_cert_peer(pin, NULL, 0, IKE_ID_FQDN,
	    (const uint8_t *)"gw2.test", 8, &x, err, sizeof(err)), 0);
	X509_free(x);
	assert_int_equal(ike_cert_peer(pin, NULL, 0, IKE_ID_FQDN,
	    (const uint8_t *)"right.test", 10, &x, err, sizeof(err)), -1);
	assert_string_equal(err, "peer right.test sent no certificate, and none "
	    "of ours is for that ID (certs: CN=gw2)");
	c = cert_pld("right.pem", b1);
	assert_int_equal(ike_cert_peer(pin, &c, 1, IKE_ID_FQDN,
	    (const uint8_t *)"right.test", 10, &x, err, sizeof(err)), -1);
	assert_string_equal(err, "peer certificate 'CN=right' is not one we "
	    "trust (certs: CN=gw2)");
	ike_creds_free(pin);
}

static void
test_certreq(void **state)
{
	struct ike_creds *c = creds(NULL, NULL, "ca.pem");
	uint8_t h[64];
	size_t len;
	char hex[41], want[128];
	FILE *f;

	(void)state;
	assert_int_equal(ike_creds_add_ca(c, path("other.pem"), want,
	    sizeof(want)), 0);
	assert_int_equal(ike_creds_certreq(c, h, sizeof(h), &len), 0);
	assert_int_equal(len, 40);
	assert_int_equal(ike_creds_certreq(c, h, 39, &len), -1);
	assert_int_equal(ike_creds_certreq(c, h, sizeof(h), &len), 0);
	ike_creds_ca_names(c, want, sizeof(want));
	assert_string_equal(want, "CN=nicsec test CA; CN=other CA");
	/* openssl's SHA-1 of the CA's SubjectPublicKeyInfo */
	assert_int_equal(sh("openssl x509 -in %s -pubkey -noout | openssl pkey "
	    "-pubin -outform DER | openssl dgst -sha1 -r | cut -c1-40 > %s",
	    path("ca.pem"), path("spki.sha1")), 0);
	assert_non_null(f = fopen(path("spki.sha1"), "r"));
	assert_non_null(fgets(want, sizeof(want), f));
	fclose(f);
	for (int i = 0; i < 20; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
	assert_memory_equal(hex, want, 40);
	ike_creds_free(c);
}

/* ---- IKE_AUTH, both ends ------------------------------------------- */

/*
 * Both ends through IKE_SA_INIT (ike_pair.c), the responder asking for
 * certificates of its CA in the response; the initiator as left.test with
 * icert, the responder as right.test with rcert, each trusting the test
 * CA, and no PSK.
 */
static struct ike_pair *
setup(const char *icert, const char *rcert)
{
	struct ike_pair *p = test_calloc(1, sizeof(*p));
	uint8_t creq[64];
	size_t clen;
	char k[64], sum[512];
	struct ike_msg m;

	ike_pair_setup(p, "aes256gcm16-prfsha384-ecp384", "aes128gcm16",
	    "aes128gcm16");
	snprintf(k, sizeof(k), "%.*s.key", (int)strlen(icert) - 4, icert);
	p->creds_i = creds(icert, k, "ca.pem");
	snprintf(k, sizeof(k), "%.*s.key", (int)strlen(rcert) - 4, rcert);
	p->creds_r = creds(rcert, k, "ca.pem");
	assert_int_equal(ike_creds_certreq(p->creds_r, creq, sizeof(creq),
	    &clen), 0);
	p->r.certreq = creq;
	p->r.certreq_len = clen;
	ike_pair_init(p);
	p->r.certreq = NULL;
	/* the response asks for the CA's certificates, and both sides
	 * know the other's hashes */
	assert_int_equal(ike_msg_parse(p->m2, p->l2, &m, sum, sizeof(sum)),
	    IKE_OK);
	ike_msg_summary(&m, sum, sizeof(sum));
	assert_non_null(strstr(sum, "N(NATD_D_IP) CERTREQ N(HASH_ALG) ]"));
	assert_int_equal(p->i.peer_hashes, ALL_SHA2);
	assert_int_equal(p->r.peer_hashes, ALL_SHA2);

	ike_pair_fqdn(&p->ai.id_type, &p->ai.id, &p->ai.id_len, "left.test");
	ike_pair_fqdn(&p->ai.peer_id_type, &p->ai.peer_id, &p->ai.peer_id_len,
	    "right.test");
	p->ai.cert = p->creds_i;
	p->ai.trust = p->creds_i;
	p->ai.psk = NULL;
	p->ai.psk_len = 0;
	ike_pair_fqdn(&p->ar.auth.id_type, &p->ar.auth.id, &p->ar.auth.id_len,
	    "right.test");
	ike_pair_fqdn(&p->ar.auth.peer_id_type, &p->ar.auth.peer_id,
	    &p->ar.auth.peer_id_len, "left.test");
	p->ar.auth.cert = p->creds_r;
	p->ar.auth.trust = p->creds_r;
	p->ar.auth.psk = NULL;
	p->ar.auth.psk_len = 0;
	return p;
}

/* The AUTH method in a message of ours, opened with the peer's keys. */
static uint8_t
auth_method(struct ike_sa *peer, const uint8_t *raw, size_t len, char *sum,
    size_t sumlen)
{
	static uint8_t plain[IKE_MSG_MAX];
	struct ike_msg m;
	struct ike_auth au;
	size_t plen;
	char err[256];

	assert_int_equal(ike_msg_parse(raw, len, &m, err, sizeof(err)), IKE_OK);
	assert_int_equal(ike_sk_open(&peer->sk_in, raw, len, m.sk_off, plain,
	    sizeof(plain), &plen, err, sizeof(err)), 0);
	assert_int_equal(ike_msg_parse_inner(&m, plain, plen, err,
	    sizeof(err)), IKE_OK);
	ike_msg_summary(&m, sum, sumlen);
	assert_int_equal(ike_pld_auth(ike_msg_find(&m, IKE_PLD_AUTH, 0), &au,
	    err, sizeof(err)), 0);
	return au.method;
}

static void
done(struct ike_pair *p)
{
	ike_pair_down(p);
	test_free(p);
}

static void
test_auth_rsa_ecdsa(void **state)
{
	struct ike_pair *p = setup("left.pem", "right.pem");
	char sum[512];

	(void)state;
	ike_pair_auth_ok(p);
	/* the messages: our CERT (and a CERTREQ from the initiator) and
	 * RFC 7427 AUTH both ways, opened with the other end's keys */
	assert_int_equal(auth_method(&p->r, p->m1, p->l1, sum, sizeof(sum)),
	    IKE_AUTH_DIGITAL_SIG);
	assert_string_equal(sum, "IKE_AUTH request 1 [ IDi CERT CERTREQ AUTH SA "
	    "TSi TSr ]");
	assert_int_equal(auth_method(&p->i, p->m2, p->l2, sum, sizeof(sum)),
	    IKE_AUTH_DIGITAL_SIG);
	assert_string_equal(sum, "IKE_AUTH response 1 [ IDr CERT AUTH SA TSi "
	    "TSr ]");
	done(p);
}

static void
test_auth_rsa3072_p384(void **state)
{
	struct ike_pair *p = setup("r384.pem", "r3072.pem");

	(void)state;
	ike_pair_fqdn(&p->ai.id_type, &p->ai.id, &p->ai.id_len, "r384.test");
	ike_pair_fqdn(&p->ai.peer_id_type, &p->ai.peer_id, &p->ai.peer_id_len,
	    "r3072.test");
	ike_pair_fqdn(&p->ar.auth.id_type, &p->ar.auth.id, &p->ar.auth.id_len,
	    "r3072.test");
	ike_pair_fqdn(&p->ar.auth.peer_id_type, &p->ar.auth.peer_id,
	    &p->ar.auth.peer_id_len, "r384.test");
	ike_pair_auth_ok(p);
	done(p);
}

/* Peers that sent no SIGNATURE_HASH_ALGORITHMS: methods 1 and 9. */
static void
test_auth_classic(void **state)
{
	struct ike_pair *p = setup("left.pem", "right.pem");
	char sum[512];

	(void)state;
	p->i.peer_hashes = p->r.peer_hashes = 0;
	ike_pair_auth_ok(p);
	assert_int_equal(auth_method(&p->r, p->m1, p->l1, sum, sizeof(sum)),
	    IKE_AUTH_RSA_SIG);
	assert_int_equal(auth_method(&p->i, p->m2, p->l2, sum, sizeof(sum)),
	    IKE_AUTH_ECDSA_256);
	done(p);
}

/* Our ID as the certificate's subject DN, both ways. */
static void
test_auth_dn_ids(void **state)
{
	struct ike_pair *p = setup("left.pem", "right.pem");
	struct conf_id any = { 0 };
	uint8_t idi[256], idr[256];
	char err[256];

	(void)state;
	assert_int_equal(ike_cert_conf_id(p->creds_i, &any, &p->ai.id_type,
	    idi, sizeof(idi), &p->ai.id_len, err, sizeof(err)), 0);
	assert_int_equal(ike_cert_conf_id(p->creds_r, &any,
	    &p->ar.auth.id_type, idr, sizeof(idr), &p->ar.auth.id_len, err,
	    sizeof(err)), 0);
	p->ai.id = idi;
	p->ar.auth.id = idr;
	p->ai.peer_id_type = p->ar.auth.peer_id_type = 0;	/* %any */
	ike_pair_auth_ok(p);
	done(p);
}

/* A certificate one way, a PSK the other. */
static void
test_auth_cert_and_psk(void **state)
{
	struct ike_pair *p = setup("left.pem", "right.pem");

	(void)state;
	p->ai.trust = NULL;
	p->ar.auth.cert = NULL;
	p->ai.psk = p->ar.auth.psk = (const uint8_t *)"secret";
	p->ai.psk_len = p->ar.auth.psk_len = 6;
	ike_pair_auth_ok(p);
	done(p);
}

static void
expect_fail(struct ike_pair *p, const char *err_r, const char *err_i)
{
	enum ike_auth_result ri, rr;

	ike_pair_auth(p, &ri, &rr);
	assert_int_equal(rr, IKE_AUTH_FAIL);
	assert_string_equal(p->err_r, err_r);
	assert_int_equal(p->r.state, IKE_S_DEAD);
	assert_int_equal(ri, IKE_AUTH_FAIL);
	assert_string_equal(p->err_i, err_i);
	assert_int_equal(p->i.state, IKE_S_DEAD);
}

static const char refused_cert[] = "peer refused our authentication "
    "(AUTHENTICATION_FAILED): our ID or certificate is not what it trusts";

/* A DN expected as the config writes it (another case, and UTF8String
 * where the certificate may have PrintableString) matches the peer's. */
static void
test_auth_dn_peer_id(void **state)
{
	struct ike_pair *p = setup("left.pem", "right.pem");
	struct conf_id any = { 0 };
	uint8_t idi[256], want[256];
	char err[256];

	(void)state;
	assert_int_equal(ike_cert_conf_id(p->creds_i, &any, &p->ai.id_type,
	    idi, sizeof(idi), &p->ai.id_len, err, sizeof(err)), 0);
	p->ai.id = idi;
	assert_int_equal(ike_cert_dn_der("o=NICSEC, cn=Left", want,
	    sizeof(want), &p->ar.auth.peer_id_len, err, sizeof(err)), 0);
	p->ar.auth.peer_id_type = IKE_ID_DER_ASN1_DN;
	p->ar.auth.peer_id = want;
	/* the other way, an FQDN in another case */
	ike_pair_fqdn(&p->ai.peer_id_type, &p->ai.peer_id, &p->ai.peer_id_len,
	    "Right.TEST");
	ike_pair_auth_ok(p);
	done(p);

	p = setup("left.pem", "right.pem");
	assert_int_equal(ike_cert_conf_id(p->creds_i, &any, &p->ai.id_type,
	    idi, sizeof(idi), &p->ai.id_len, err, sizeof(err)), 0);
	p->ai.id = idi;
	assert_int_equal(ike_cert_dn_der("O=nicsec, CN=right", want,
	    sizeof(want), &p->ar.auth.peer_id_len, err, sizeof(err)), 0);
	p->ar.auth.peer_id_type = IKE_ID_DER_ASN1_DN;
	p->ar.auth.peer_id = want;
	expect_fail(p, "peer ID O=nicsec, CN=left matches no connection, "
	    "expected O=nicsec, CN=right", refused_cert);
	done(p);
}

static void
test_auth_wrong_ca(void **state)
{
	struct ike_pair *p = setup("left.pem", "right.pem");

	(void)state;
	ike_creds_free(p->creds_r);
	p->creds_r = creds("right.pem", "right.key", "other.pem");
	p->ar.auth.cert = p->ar.auth.trust = p->creds_r;
	expect_fail(p, "peer certificate 'O=nicsec, CN=left' is not signed by "
	    "a trusted CA (its issuer: CN=nicsec test CA; cacerts: CN=other "
	    "CA)", refused_cert);
	done(p);

	/* the responder's certificate from a CA the initiator does not
	 * trust: it fails at the initiator, after the responder is up */
	p = setup("left.pem", "gw2.pem");
	ike_pair_fqdn(&p->ar.auth.id_type, &p->ar.auth.id, &p->ar.auth.id_len,
	    "gw2.test");
	p->ai.peer_id_type = 0;
	{
		enum ike_auth_result ri, rr;

		ike_pair_auth(p, &ri, &rr);
		assert_int_equal(rr, IKE_AUTH_OK);
		assert_int_equal(ri, IKE_AUTH_FAIL);
		assert_string_equal(p->err_i, "peer certificate 'CN=gw2' is not "
		    "signed by a trusted CA (its issuer: CN=other CA; cacerts: "
		    "CN=nicsec test CA)");
	}
	done(p);
}

static void
test_auth_expired(void **state)
{
	struct ike_pair *p = setup("old.pem", "right.pem");

	(void)state;
	ike_pair_fqdn(&p->ai.id_type, &p->ai.id, &p->ai.id_len, "old.test");
	ike_pair_fqdn(&p->ar.auth.peer_id_type, &p->ar.auth.peer_id,
	    &p->ar.auth.peer_id_len, "old.test");
	expect_fail(p, "peer certificate 'CN=old' expired on 2020-02-01 "
	    "00:00:00 UTC", refused_cert);
	done(p);
}

static void
test_auth_id_not_in_cert(void **state)
{
	struct ike_pair *p = setup("left.pem", "right.pem");

	(void)state;
	ike_pair_fqdn(&p->ai.id_type, &p->ai.id, &p->ai.id_len, "moon.example");
	p->ar.auth.peer_id_type = 0;
	expect_fail(p, "peer ID moon.example matches none of its certificate's "
	    "identities (O=nicsec, CN=left, DNS:left.test, email:ops@left.test, "
	    "IP:192.0.2.1)", refused_cert);
	done(p);
}

/* AUTH signed over other octets than the responder has: a changed
 * IKE_SA_INIT request, as a man in the middle would make. */
static void
test_auth_tampered_signature(void **state)
{
	struct ike_pair *p = setup("left.pem", "right.pem");

	(void)state;
	p->r.init_req[p->r.init_req_len - 1] ^= 1;
	expect_fail(p, "peer's signature does not verify with its "
	    "certificate's RSA key", refused_cert);
	done(p);

	p = setup("left.pem", "right.pem");
	p->i.init_resp[p->i.init_resp_len - 1] ^= 1;
	{
		enum ike_auth_result ri, rr;

		ike_pair_auth(p, &ri, &rr);
		assert_int_equal(rr, IKE_AUTH_OK);
		assert_int_equal(ri, IKE_AUTH_FAIL);
		assert_string_equal(p->err_i, "peer's signature does not verify "
		    "with its certificate's ECDSA P-256 key");
	}
	done(p);
}

static void
test_auth_psk_vs_cert(void **state)
{
	struct ike_pair *p = setup("left.pem", "right.pem");

	(void)state;
	/* the initiator uses a PSK, the responder wants a certificate */
	p->ai.cert = NULL;
	p->ai.psk = p->ar.auth.psk = (const uint8_t *)"secret";
	p->ai.psk_len = p->ar.auth.psk_len = 6;
	expect_fail(p, "peer left.test authenticates with a PSK, we expect a "
	    "certificate", "peer refused our authentication "
	    "(AUTHENTICATION_FAILED): our ID or PSK is not what it has");
	done(p);

	/* the initiator signs, the responder wants a PSK */
	p = setup("left.pem", "right.pem");
	p->ar.auth.trust = NULL;
	p->ai.psk = p->ar.auth.psk = (const uint8_t *)"secret";
	p->ai.psk_len = p->ar.auth.psk_len = 6;
	expect_fail(p, "peer left.test authenticates with method 14, we expect "
	    "a PSK (2)", refused_cert);
	done(p);
}

/* The responder pins the initiator's certificate and trusts no CA. */
static void
test_auth_pinned(void **state)
{
	struct ike_pair *p = setup("left.pem", "right.pem");
	struct ike_creds *pin;
	char err[256];

	(void)state;
	assert_int_equal(ike_creds_new(&pin, err, sizeof(err)), 0);
	assert_int_equal(ike_creds_add_peer(pin, path("left.pem"), err,
	    sizeof(err)), 0);
	p->ar.auth.trust = pin;
	ike_pair_auth_ok(p);
	done(p);
	ike_creds_free(pin);
}

/* send_cert = ifasked (the default) sends our certificate only to a peer
 * that sent a CERTREQ, always and never as they say; send_certreq = no.
 * Without a CERT, each end finds the other's pinned certificate by ID. */
static void
test_send_cert(void **state)
{
	struct ike_pair *p;
	struct ike_creds *pin_i, *pin_r;
	char sum[512], err[256];
	int i;

	(void)state;
	assert_int_equal(ike_creds_new(&pin_i, err, sizeof(err)), 0);
	assert_int_equal(ike_creds_add_peer(pin_i, path("right.pem"), err,
	    sizeof(err)), 0);
	assert_int_equal(ike_creds_new(&pin_r, err, sizeof(err)), 0);
	assert_int_equal(ike_creds_add_peer(pin_r, path("left.pem"), err,
	    sizeof(err)), 0);
	for (i = 0; i < 3; i++) {
		static const char *want_req[] = {
		    "IKE_AUTH request 1 [ IDi AUTH SA TSi TSr ]",
		    "IKE_AUTH request 1 [ IDi CERT AUTH SA TSi TSr ]",
		    "IKE_AUTH request 1 [ IDi CERTREQ AUTH SA TSi TSr ]" };
		static const char *want_resp[] = {
		    "IKE_AUTH response 1 [ IDr AUTH SA TSi TSr ]",
		    "IKE_AUTH response 1 [ IDr CERT AUTH SA TSi TSr ]",
		    "IKE_AUTH response 1 [ IDr AUTH SA TSi TSr ]" };

		p = setup("left.pem", "right.pem");
		p->ai.trust = pin_i;
		p->ar.auth.trust = pin_r;
		if (i == 0) {		/* ifasked, and nobody asks */
			p->i.peer_certreq = 0;
			p->ai.no_certreq = 1;
		} else if (i == 1) {	/* always, unasked */
			p->i.peer_certreq = 0;
			p->ai.send_cert = CONF_SEND_CERT_ALWAYS;
			p->ar.auth.send_cert = CONF_SEND_CERT_ALWAYS;
		} else {		/* never, though asked */
			p->ai.send_cert = CONF_SEND_CERT_NEVER;
			p->ar.auth.send_cert = CONF_SEND_CERT_NEVER;
			/* a CERTREQ needs CAs: the initiator trusts one */
			assert_int_equal(ike_creds_add_ca(pin_i, path("ca.pem"),
			    err, sizeof(err)), 0);
		}
		ike_pair_auth_ok(p);
		auth_method(&p->r, p->m1, p->l1, sum, sizeof(sum));
		assert_string_equal(sum, want_req[i]);
		auth_method(&p->i, p->m2, p->l2, sum, sizeof(sum));
		assert_string_equal(sum, want_resp[i]);
		done(p);
	}
	ike_creds_free(pin_i);
	ike_creds_free(pin_r);
}

/* The responder picks the connection by IDi first, with certificates in
 * the request too. */
static void
test_peek_id(void **state)
{
	struct ike_pair *p = setup("left.pem", "right.pem");
	uint8_t type, id[64];
	size_t len;
	char err[256];

	(void)state;
	assert_int_equal(ike_auth_request(&p->i, &p->ai, &p->req, p->m1,
	    sizeof(p->m1), &p->l1, p->err_i, sizeof(p->err_i)), 0);
	assert_int_equal(ike_auth_peek_id(&p->r, p->m1, p->l1, &type, id,
	    sizeof(id), &len, err, sizeof(err)), 0);
	assert_int_equal(type, IKE_ID_FQDN);
	assert_int_equal(len, 9);
	assert_memory_equal(id, "left.test", 9);
	done(p);
}

/* ---- from a swanctl.conf ------------------------------------------- */

static void
write_conf(const char *secrets)
{
	FILE *f = fopen(path("swanctl.conf"), "w");

	assert_non_null(f);
	fprintf(f, "connections {\n gw {\n  remote_addrs = 192.0.2.2\n"
	    "  local {\n   auth = pubkey\n   certs = left.pem\n"
	    "   id = left.test\n  }\n  remote {\n   auth = pubkey\n"
	    "   cacerts = ca.pem\n   certs = gw2.pem\n  }\n }\n"
	    " psk {\n  remote_addrs = 192.0.2.3\n  local {\n   auth = psk\n"
	    "  }\n  remote {\n   auth = psk\n  }\n }\n}\n"
	    "secrets {\n%s}\n", secrets);
	fclose(f);
}

static void
test_creds_load(void **state)
{
	struct conf *cf;
	struct ike_creds *cr;
	uint8_t type, id[64];
	size_t len;
	char err[1024];
	X509 *x;
	uint8_t b[4096];
	struct ike_cert c;

	(void)state;
	/* the right key is tried first and is not the certificate's */
	write_conf(" private-r {\n  file = right.key\n }\n private-l {\n"
	    "  file = left-enc.key\n  secret = pw\n }\n");
	if (conf_load(path("swanctl.conf"), &cf, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	if (ike_cert_creds_load(cf, conf_conn_find(cf, "gw"), &cr, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(ike_creds_can_sign(cr), 1);
	assert_int_equal(ike_creds_can_verify(cr), 1);
	assert_int_equal(ike_cert_conf_id(cr, &conf_conn_find(cf,
	    "gw")->local.id, &type, id, sizeof(id), &len, err, sizeof(err)), 0);
	assert_int_equal(type, IKE_ID_FQDN);
	/* the CA's and the pinned one both vouch */
	c = cert_pld("right.pem", b);
	assert_int_equal(ike_cert_peer(cr, &c, 1, IKE_ID_FQDN,
	    (const uint8_t *)"right.test", 10, &x, err, sizeof(err)), 0);
	X509_free(x);
	c = cert_pld("gw2.pem", b);
	assert_int_equal(ike_cert_peer(cr, &c, 1, IKE_ID_FQDN,
	    (const uint8_t *)"gw2.test", 8, &x, err, sizeof(err)), 0);
	X509_free(x);
	ike_creds_free(cr);
	/* a PSK connection needs none */
	assert_int_equal(ike_cert_creds_load(cf, conf_conn_find(cf, "psk"),
	    &cr, err, sizeof(err)), 0);
	assert_null(cr);
	conf_free(cf);

	/* no key of the certificate's: the line says what was tried */
	write_conf(" private-r {\n  file = right.key\n }\n private-l {\n"
	    "  file = left-enc.key\n }\n");
	assert_int_equal(conf_load(path("swanctl.conf"), &cf, err,
	    sizeof(err)), 0);
	assert_int_equal(ike_cert_creds_load(cf, conf_conn_find(cf, "gw"), &cr,
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "connections.gw: no private key in secrets "
	    "is the one of certificate 'O=nicsec, CN=left' (2 key files "
	    "tried; "));
	assert_non_null(strstr(err, "left-enc.key: no private key read (PEM or "
	    "DER; encrypted, and no passphrase given?)"));
	conf_free(cf);
}

/* ---- IDs as text (the daemon's log and list-sas print them so) ------- */

static void
test_id_str(void **state)
{
	uint8_t v4[4], v6[16];
	char buf[128];

	(void)state;
	inet_pton(AF_INET, "192.0.2.1", v4);
	inet_pton(AF_INET6, "2001:db8::1", v6);
	/* as strongSwan's %Y prints them */
	assert_string_equal(ike_cert_id_str(0, NULL, 0, buf, sizeof(buf)), "%any");
	assert_string_equal(ike_cert_id_str(IKE_ID_IPV4_ADDR, v4, 4, buf,
	    sizeof(buf)), "192.0.2.1");
	assert_string_equal(ike_cert_id_str(IKE_ID_IPV6_ADDR, v6, 16, buf,
	    sizeof(buf)), "2001:db8::1");
	assert_string_equal(ike_cert_id_str(IKE_ID_FQDN,
	    (const uint8_t *)"moon.example.org", 16, buf, sizeof(buf)),
	    "moon.example.org");
	assert_string_equal(ike_cert_id_str(IKE_ID_RFC822_ADDR,
	    (const uint8_t *)"carol@example.org", 17, buf, sizeof(buf)),
	    "carol@example.org");
	/* not NUL-terminated on the wire: only len bytes */
	assert_string_equal(ike_cert_id_str(IKE_ID_FQDN,
	    (const uint8_t *)"moonXXXX", 4, buf, sizeof(buf)), "moon");
	/* an address ID of the wrong length is not read as an address */
	assert_string_equal(ike_cert_id_str(IKE_ID_IPV4_ADDR, v4, 3, buf,
	    sizeof(buf)), "(ID type 1, 3 bytes)");
	assert_string_equal(ike_cert_id_str(IKE_ID_KEY_ID, v4, 4, buf,
	    sizeof(buf)), "(ID type 11, 4 bytes)");
	/* a short buffer is cut, not overrun */
	assert_string_equal(ike_cert_id_str(IKE_ID_FQDN,
	    (const uint8_t *)"moon.example.org", 16, buf, 5), "moon");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_identities),
		cmocka_unit_test(test_conf_id),
		cmocka_unit_test(test_sign_methods),
		cmocka_unit_test(test_verify_openssl_signatures),
		cmocka_unit_test(test_peer_cert),
		cmocka_unit_test(test_certreq),
		cmocka_unit_test(test_auth_rsa_ecdsa),
		cmocka_unit_test(test_auth_rsa3072_p384),
		cmocka_unit_test(test_auth_classic),
		cmocka_unit_test(test_auth_dn_ids),
		cmocka_unit_test(test_auth_dn_peer_id),
		cmocka_unit_test(test_auth_cert_and_psk),
		cmocka_unit_test(test_auth_wrong_ca),
		cmocka_unit_test(test_auth_expired),
		cmocka_unit_test(test_auth_id_not_in_cert),
		cmocka_unit_test(test_auth_tampered_signature),
		cmocka_unit_test(test_auth_psk_vs_cert),
		cmocka_unit_test(test_auth_pinned),
		cmocka_unit_test(test_send_cert),
		cmocka_unit_test(test_peek_id),
		cmocka_unit_test(test_creds_load),
		cmocka_unit_test(test_id_str),
	};

	return cmocka_run_group_tests(tests, setup_pki, scratch_remove);
}
