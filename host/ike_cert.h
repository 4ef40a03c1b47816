/*
 * ike_cert.h - X.509 credentials for IKE_AUTH (RFC 7296 2.15, 3.6, 3.7;
 * RFC 7427), on OpenSSL 3: our certificate and private key, the CAs and
 * pinned certificates we trust a peer's with, the peer's certificate
 * checked against them and against its ID, and AUTH signatures made and
 * checked.  No I/O but reading the files named; ike_auth.c uses it.
 *
 * For the daemon: one call per connection builds what its local and
 * remote rounds need from the configuration,
 *
 *	struct ike_creds *cr;
 *	if (ike_cert_creds_load(conf, conn, &cr, err, sizeof(err)) != 0)
 *		log(err);
 *
 * then struct ike_auth_cfg's cert = cr when conn->local.auth is
 * CONF_AUTH_PUBKEY (psk unused), trust = cr when conn->remote.auth is
 * (see ike_auth.h); ike_creds_free(cr) once no IKE SA uses it.  Our ID
 * comes from ike_cert_conf_id(cr, &conn->local.id, ...), which gives the
 * certificate's subject DN when the config names none, as strongSwan
 * does.  As a responder, put ike_creds_certreq()'s hashes (of every
 * connection that trusts CAs) in sa->certreq before ike_init_request_in(),
 * so that the initiator, which cannot yet know which connection it
 * meets, sends its certificate (strongSwan's send_cert = ifasked).
 *
 * Errors are one line in err, naming the file or the certificate and
 * both sides' values.  A credential set is read-only once loaded, so one
 * may serve any number of IKE SAs; private keys are freed (and so wiped)
 * by ike_creds_free(), and key files' bytes are wiped once decoded.
 */
#ifndef NICSEC_IKE_CERT_H
#define NICSEC_IKE_CERT_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "ike_pld.h"

struct conf;
struct conf_conn;
struct conf_id;

/* The longest AUTH data we make or take: method 14's length byte and
 * AlgorithmIdentifier, then an RSA-8192 signature. */
#define IKE_SIG_MAX		1100
/* The longest certificate we send (one CERT payload). */
#define IKE_CERT_DER_MAX	8192

/* Our certificate and key, and what we trust a peer's certificate by. */
struct ike_creds;

int ike_creds_new(struct ike_creds **out, char *err, size_t errlen);
/* Frees it all; NULL is fine. */
void ike_creds_free(struct ike_creds *c);

/* Our end-entity certificate, PEM or DER (the first, if several). */
int ike_creds_set_cert(struct ike_creds *c, const char *path, char *err,
    size_t errlen);
/*
 * Our private key: PEM or DER, PKCS#8 (encrypted or not) or the
 * traditional RSA/EC forms; RSA, or ECDSA on P-256, P-384 or P-521.
 * pass may be NULL.  After ike_creds_set_cert(), a key that is not the
 * certificate's is refused ("key FILE is not the one of certificate
 * 'CN=...'").
 */
int ike_creds_set_key(struct ike_creds *c, const char *path,
    const uint8_t *pass, size_t passlen, char *err, size_t errlen);
/* A trusted CA certificate (PEM, every certificate in the file; or
 * DER). */
int ike_creds_add_ca(struct ike_creds *c, const char *path, char *err,
    size_t errlen);
/* A pinned peer certificate: trusted as it is, within its validity. */
int ike_creds_add_peer(struct ike_creds *c, const char *path, char *err,
    size_t errlen);

/* 1 when there is a certificate and its key to authenticate with. */
int ike_creds_can_sign(const struct ike_creds *c);
/* 1 when there are CAs or pinned certificates to check a peer's by. */
int ike_creds_can_verify(const struct ike_creds *c);
/* Our certificate's DER, for a CERT payload (points into c). */
int ike_creds_cert_der(const struct ike_creds *c, const uint8_t **der,
    size_t *len);
/*
 * The CERTREQ payload's data (RFC 7296 3.7): the SHA-1 hash of each
 * trusted CA's SubjectPublicKeyInfo, 20 bytes each, into buf; *len 0 when
 * there are no CAs.  -1 if they do not fit.
 */
int ike_creds_certreq(const struct ike_creds *c, uint8_t *buf, size_t cap,
    size_t *len);
/* The CAs' subjects, "CN=a CA; CN=b CA", for log lines ("none"). */
void ike_creds_ca_names(const struct ike_creds *c, char *buf, size_t len);

/*
 * An identity as IKE sends it (RFC 7296 3.5): type IKE_ID_*, data.  From
 * a conf_id: FQDN and RFC822 as the text, addresses as their bytes, a DN
 * as DER (the certificate's own subject when it is the same name, so the
 * peer compares equal bytes); CONF_ID_ANY (the config named none) gives
 * the certificate's subject DN, or -1 without a certificate.  c may be
 * NULL for a remote ID.
 */
int ike_cert_conf_id(const struct ike_creds *c, const struct conf_id *id,
    uint8_t *type, uint8_t *buf, size_t cap, size_t *len, char *err,
    size_t errlen);
/* A DN as strongSwan writes it ("C=CH, O=example, CN=moon", or with
 * '/' between the parts) into DER. */
int ike_cert_dn_der(const char *dn, uint8_t *buf, size_t cap, size_t *len,
    char *err, size_t errlen);

/* ---- the peer's certificate ---------------------------------------- */

/*
 * The peer's end-entity certificate: the first of its CERT payloads
 * certs[0..n) (the rest are taken as intermediate CAs), or, when it sent
 * none, the pinned certificate of trust whose identities hold id.
 * Checked against trust: a pinned certificate as it is, or a chain to a
 * trusted CA (X509_verify_cert: signatures, validity times, CA
 * constraints); then the peer's ID (type, data as in the ID payload) must
 * be one of its identities: the subject DN (ID_DER_ASN1_DN) or a
 * subjectAltName (DNS for ID_FQDN, email for ID_RFC822_ADDR, IP for
 * ID_IPV4_ADDR and ID_IPV6_ADDR).  *out is the certificate (X509_free it).
 */
int ike_cert_peer(const struct ike_creds *trust, const struct ike_cert *certs,
    size_t n, uint8_t id_type, const uint8_t *id, size_t id_len, X509 **out,
    char *err, size_t errlen);
/* 1 if the ID is one of the certificate's identities (see above). */
int ike_cert_id_match(X509 *x, uint8_t id_type, const uint8_t *id,
    size_t id_len);
/*
 * The peer's ID against a configured one, as strongSwan compares them:
 * the same type, and DNs equal as names (X509_NAME_cmp: case, spacing and
 * string types aside, so a DN made from the config's text matches a
 * certificate's subject), FQDNs and RFC 822 addresses equal but for case,
 * addresses byte for byte.  1 if equal.
 */
int ike_cert_id_equal(uint8_t ta, const uint8_t *a, size_t alen, uint8_t tb,
    const uint8_t *b, size_t blen);
/* "CN=moon, O=example" */
void ike_cert_subject(X509 *x, char *buf, size_t len);
/* Its identities: "CN=moon, O=example, DNS:moon.example, IP:192.0.2.1" */
void ike_cert_ids(X509 *x, char *buf, size_t len);
/* An ID as the logs show it: the address or the text, or the DN. */
const char *ike_cert_id_str(uint8_t type, const uint8_t *d, size_t n, char *buf,
    size_t len);

/* ---- AUTH signatures ----------------------------------------------- */

/* The hash algorithms of RFC 7427 4 (SIGNATURE_HASH_ALGORITHMS), as bits
 * (1 << IKE_HASH_*) in ike_sa's peer_hashes. */
#define IKE_HASH_SHA1		1
#define IKE_HASH_SHA2_256	2
#define IKE_HASH_SHA2_384	3
#define IKE_HASH_SHA2_512	4
#define IKE_HASH_BIT(h)		(1u << (h))

/*
 * Signs the AUTH octets (ike_auth_octets()) with our key.  With a peer
 * that announced hashes (peer_hashes, from its SIGNATURE_HASH_ALGORITHMS)
 * it is method 14 (RFC 7427 3): the AlgorithmIdentifier of RFC 7427 A,
 * RSA PKCS#1 v1.5 or ECDSA (DER), SHA2-256 for RSA and the curve's own
 * hash for ECDSA when the peer has them, else another SHA-2 it has.  With
 * peer_hashes 0 (or no SHA-2 in them) the classic methods: 1 (RSA, SHA-1)
 * or 9, 10, 11 (ECDSA P-256/SHA-256, P-384/SHA-384, P-521/SHA-512, r | s).  *method and
 * auth[0..*alen) are the AUTH payload's.
 */
int ike_cert_sign(const struct ike_creds *c, unsigned peer_hashes,
    const uint8_t *octets, size_t olen, uint8_t *method, uint8_t *auth,
    size_t cap, size_t *alen, char *err, size_t errlen);
/*
 * Checks the peer's AUTH (method, data) over octets with its
 * certificate's key: methods 1, 9, 10, 11 and 14 (with the six
 * AlgorithmIdentifiers above); the key must be of the kind the method
 * names.  0, or -1 and why ("peer's signature does not verify with its
 * certificate's RSA key").
 */
int ike_cert_verify(X509 *x, uint8_t method, const uint8_t *auth,
    size_t alen, const uint8_t *octets, size_t olen, char *err,
    size_t errlen);

/* ---- from the configuration ---------------------------------------- */

/*
 * The credentials connection conn needs: for local auth = pubkey its
 * first local cert, and the key among conf's private key files
 * (secrets.private*, rsa*, ecdsa*, pkcs8*, with their passphrases) that
 * is this certificate's; for remote auth = pubkey the remote cacerts and
 * pinned certs.  *out NULL (and 0) when neither round is pubkey.  -1 with
 * "connections.NAME: ..." in err.
 */
int ike_cert_creds_load(const struct conf *conf, const struct conf_conn *conn,
    struct ike_creds **out, char *err, size_t errlen);

#endif /* NICSEC_IKE_CERT_H */
