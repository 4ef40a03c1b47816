/*
 * ike_crypto.h - the cryptography of nicsecd's IKEv2, on OpenSSL 3 (EVP,
 * EVP_MAC, EVP_PKEY): the key exchange (RFC 7296 3.4), the PRF and prf+
 * (2.13), the IKE SA's keys (2.14, 2.18) and a CHILD_SA's (2.17), the SK
 * payload (3.14, RFC 5282), the AUTH payload's octets and its PSK MAC
 * (2.15), and random bytes.  docs/ike-crypto.md says what each computes.
 *
 * Functions return 0, or -1 (the SK payload's also -2, -3: see there).
 * Where a failure comes from outside (the peer's values, the suite, the
 * system's RNG) they take err/errlen and write one line there for the log;
 * the rest fail only on a caller's bug (a PRF nicsec has no name for) or
 * when OpenSSL does.  Keys live in the caller's structs below; wipe them
 * with ike_keys_wipe(), ike_child_keys_wipe(), ike_sk_wipe(); ike_dh_free()
 * frees a private key.  Nothing here keeps state between calls.
 */
#ifndef NICSEC_IKE_CRYPTO_H
#define NICSEC_IKE_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "ike_wire.h"
#include "ike_xform.h"

/* The longest KE value and shared secret: MODP_4096's 512 bytes. */
#define IKE_DH_MAX		512
/* The longest PRF output (PRF_HMAC_SHA2_512), and of any one key. */
#define IKE_PRF_MAX		64
#define IKE_KEY_MAX		64

/* ---- random bytes -------------------------------------------------- */

/* len bytes from OpenSSL's CSPRNG (RAND_bytes): nonces, IVs. */
int ike_random(void *buf, size_t len, char *err, size_t errlen);
/* A fresh IKE SPI: random and never zero (RFC 7296 3.1). */
int ike_random_spi(uint64_t *spi, char *err, size_t errlen);

/* ---- key exchange (RFC 7296 3.4) ----------------------------------- */

/*
 * One side's ephemeral key for a KE payload, by IANA group number:
 * KE_MODP_2048/3072/4096 (RFC 3526), KE_ECP_256/384/521 (RFC 5903),
 * KE_CURVE_25519 (RFC 8031).  Opaque; the private key never leaves it.
 */
struct ike_dh;

/* The KE payload's Key Exchange Data length for group (MODP: the prime's
 * bytes; ECP: x | y, 2 * the field's; X25519: 32); 0: not supported. */
size_t ike_dh_public_len(uint16_t group);
/* The shared secret's length (MODP: the prime's; ECP: x alone; 32). */
size_t ike_dh_shared_len(uint16_t group);

/* A fresh key pair. */
int ike_dh_new(uint16_t group, struct ike_dh **dh, char *err,
    size_t errlen);
/*
 * For known-answer tests only: the key pair of a given private key (MODP:
 * the exponent, big-endian, any length; ECP: the scalar, big-endian, the
 * field's length; X25519: the 32-byte string of RFC 7748 5).
 */
int ike_dh_new_private(uint16_t group, const uint8_t *priv, size_t len,
    struct ike_dh **dh, char *err, size_t errlen);
uint16_t ike_dh_group(const struct ike_dh *dh);
/* Our KE value: exactly ike_dh_public_len() bytes into buf (MODP
 * left-padded with zeros to the prime's length).  -1 if len differs. */
int ike_dh_public(const struct ike_dh *dh, uint8_t *buf, size_t len);
/*
 * g^ir from the peer's KE value peer[0..len), which must be exactly the
 * group's length and valid: MODP 1 < y < p-1 (RFC 6989 asks no more of a
 * safe prime); ECP a point on the curve; X25519 a non-zero result.  On input
 * *slen is secret's room; on return, the secret's length
 * (ike_dh_shared_len(); MODP left-padded to the prime's, RFC 7296 2.14).
 * The caller wipes secret after use.
 */
int ike_dh_shared(struct ike_dh *dh, const uint8_t *peer, size_t len,
    uint8_t *secret, size_t *slen, char *err, size_t errlen);
/* Frees the key (OpenSSL clears the private key); NULL is fine. */
void ike_dh_free(struct ike_dh *dh);

/* ---- PRF and prf+ (RFC 7296 2.13) ---------------------------------- */

/* A piece of a gathered input. */
struct ike_iov {
	const void	*p;
	size_t		 len;
};

/* PRF_HMAC_SHA2_256/384/512's output length (32/48/64); 0: unknown. */
size_t ike_prf_len(uint16_t prf);
/*
 * prf(key, data) into out (ike_prf_len() bytes).  HMAC takes a key of any
 * length as it is (RFC 4868 2.1.2); -1 only for an unknown prf or when
 * OpenSSL fails.  The _v form takes the data in pieces.
 */
int ike_prf(uint16_t prf, const uint8_t *key, size_t klen,
    const uint8_t *data, size_t dlen, uint8_t *out);
int ike_prf_v(uint16_t prf, const uint8_t *key, size_t klen,
    const struct ike_iov *v, size_t n, uint8_t *out);
/*
 * prf+(key, seed) = T1 | T2 | ..., T1 = prf(K, S | 0x01), Tn = prf(K,
 * Tn-1 | S | n), its first outlen bytes into out.  -1 if outlen is more
 * than 255 blocks.
 */
int ike_prf_plus(uint16_t prf, const uint8_t *key, size_t klen,
    const uint8_t *seed, size_t slen, uint8_t *out, size_t outlen);
int ike_prf_plus_v(uint16_t prf, const uint8_t *key, size_t klen,
    const struct ike_iov *v, size_t n, uint8_t *out, size_t outlen);

/* ---- the IKE SA's keys (RFC 7296 2.14, 2.18) ----------------------- */

/* An IKE SA's algorithms: one transform of each type. */
struct ike_suite {
	uint16_t encr;		/* ENCR_AES_CBC or ENCR_AES_GCM_16 */
	uint16_t encr_bits;	/* 128 or 256 */
	uint16_t integ;		/* AUTH_HMAC_SHA2_*; 0 with AES-GCM */
	uint16_t prf;		/* PRF_HMAC_SHA2_* */
	uint16_t dh;		/* KE_*; not used by the key derivation */
};

/* The suite of an IKE proposal ike_xform_select() chose; -1 with a line
 * in err if nicsec can't run it. */
int ike_suite_from_proposal(const struct ike_proposal *chosen,
    struct ike_suite *s, char *err, size_t errlen);
/* 0 if nicsec can run suite s (the DH group aside). */
int ike_suite_check(const struct ike_suite *s, char *err, size_t errlen);
/* SK_e's length: the AES key, plus the 4-byte salt for AES-GCM (RFC 5282
 * 7.1); 0: unknown.  SK_a's: the HMAC key (RFC 4868 2.1.1); 0: none. */
size_t ike_encr_key_len(uint16_t encr, uint16_t bits);
size_t ike_integ_key_len(uint16_t integ);

struct ike_key {
	size_t	len;
	uint8_t	b[IKE_KEY_MAX];
};

/*
 * The seven keys, in prf+'s order.  SK_ai/SK_ei protect what the original
 * initiator sends, SK_ar/SK_er what the original responder sends; SK_pi/
 * SK_pr go into the initiator's and responder's AUTH (2.15); SK_d makes
 * the CHILD_SAs' keys.  SK_a is empty (len 0) with AES-GCM.
 */
struct ike_keys {
	struct ike_key d, ai, ar, ei, er, pi, pr;
};

/*
 * An IKE SA made by IKE_SA_INIT:
 *	SKEYSEED = prf(Ni | Nr, g^ir)
 *	{SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}
 *	    = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr)
 * ni/nr the Nonce Data (16..256 bytes), gir from ike_dh_shared(), the
 * SPIs as in the IKE header (written big-endian).
 */
int ike_sa_keys(const struct ike_suite *s, const uint8_t *ni, size_t nilen,
    const uint8_t *nr, size_t nrlen, const uint8_t *gir, size_t girlen,
    uint64_t spi_i, uint64_t spi_r, struct ike_keys *k, char *err,
    size_t errlen);
/*
 * An IKE SA made by rekeying one (CREATE_CHILD_SA): SKEYSEED =
 * prf_old(SK_d (old), g^ir (new) | Ni | Nr), with the old SA's PRF, then
 * the keys as above with the new suite's PRF.  Ni, SPIi are the rekey
 * exchange's initiator's (its nonce, the SPI in its SA payload), Nr, SPIr
 * the responder's; the peer that initiated the rekey is the new SA's
 * original initiator.
 */
int ike_sa_rekey(const struct ike_suite *s, uint16_t old_prf,
    const struct ike_key *old_d, const uint8_t *ni, size_t nilen,
    const uint8_t *nr, size_t nrlen, const uint8_t *gir, size_t girlen,
    uint64_t spi_i, uint64_t spi_r, struct ike_keys *k, char *err,
    size_t errlen);
void ike_keys_wipe(struct ike_keys *k);

/* ---- a CHILD_SA's keys (RFC 7296 2.17) ----------------------------- */

/*
 * ESP AES-GCM keys, each the AES key then its 4-byte salt (RFC 4106 8.1):
 * i2r for the SA carrying what the exchange's initiator sends, r2i the
 * other.  "Initiator" is the initiator of the exchange that made the
 * CHILD_SA (IKE_AUTH or CREATE_CHILD_SA), not the IKE SA's.
 */
struct ike_child_keys {
	struct ike_key i2r, r2i;
};

/*
 * KEYMAT = prf+(SK_d, Ni | Nr), or prf+(SK_d, g^ir (new) | Ni | Nr) with
 * PFS (gir not NULL): i2r's key and salt first, then r2i's.  encr must be
 * ENCR_AES_GCM_16 (all the card does), bits 128 or 256.  Ni, Nr: IKE_SA_INIT's
 * for the CHILD_SA of IKE_AUTH, else the CREATE_CHILD_SA's.
 */
int ike_child_keymat(uint16_t prf, const struct ike_key *sk_d,
    uint16_t encr, uint16_t bits, const uint8_t *gir, size_t girlen,
    const uint8_t *ni, size_t nilen, const uint8_t *nr, size_t nrlen,
    struct ike_child_keys *ck, char *err, size_t errlen);
void ike_child_keys_wipe(struct ike_child_keys *ck);

/* ---- the SK payload (RFC 7296 3.14, RFC 5282) ---------------------- */

/*
 * One direction's keys: what we seal with (out) or open with (in).  As
 * the original initiator we seal with SK_ei/SK_ai and open with SK_er/
 * SK_ar; as the original responder the other way round (ike_sk_pair()).
 *
 * AES-GCM's 8-byte explicit IV is a 64-bit counter, one per context
 * (there is one context per key), started at a random value by
 * ike_sk_init() and counted up by every seal, so no IV repeats under a
 * key (RFC 5282 3.1) whatever the caller does with Message IDs and
 * retransmissions.  Seal refuses to go on once 2^64 - 1 IVs are used.
 * AES-CBC's 16-byte IV is random for every message (RFC 7296 3.14).
 */
struct ike_sk_ctx {
	uint16_t	encr;		/* ENCR_AES_CBC, ENCR_AES_GCM_16 */
	uint16_t	integ;		/* AUTH_HMAC_SHA2_*; 0 with GCM */
	struct ike_key	ek;		/* SK_e (GCM: key then salt) */
	struct ike_key	ak;		/* SK_a; empty with GCM */
	uint64_t	iv_next;	/* GCM: the next explicit IV */
	uint64_t	iv_left;	/* GCM: IVs not yet used */
};

/* What ike_sk_open() returns besides 0 and -1 (-1: our side failed, or
 * the plaintext does not fit: not the peer's doing). */
#define IKE_SK_MALFORMED	(-2)	/* lengths or padding wrong */
#define IKE_SK_ICV		(-3)	/* integrity check failed: drop
					 * the message, change no state */

/* One direction's context from a suite and its SK_e, SK_a. */
int ike_sk_init(struct ike_sk_ctx *c, const struct ike_suite *s,
    const struct ike_key *ek, const struct ike_key *ak, char *err,
    size_t errlen);
/* Both of ours: initiator is 1 if we are the IKE SA's original
 * initiator (we set the I flag, RFC 7296 3.1). */
int ike_sk_pair(const struct ike_suite *s, const struct ike_keys *k,
    int initiator, struct ike_sk_ctx *out, struct ike_sk_ctx *in, char *err,
    size_t errlen);
void ike_sk_wipe(struct ike_sk_ctx *c);
/* The IV's length (16 CBC, 8 GCM): the inner payloads may be built at
 * msg + sk_off + 4 + ike_sk_iv_len(), where seal need not move them. */
size_t ike_sk_iv_len(const struct ike_sk_ctx *c);
/* What seal appends to the 4-byte SK header for plain_len bytes: IV,
 * padding, the Pad Length byte, ICV. */
size_t ike_sk_overhead(const struct ike_sk_ctx *c, size_t plain_len);

/*
 * Seals plain[0..plain_len) (the inner payloads) into the message being
 * written in msg[0..cap).  The caller has written the IKE header (28
 * bytes), any payloads that stay in the clear, and the SK payload's
 * generic header (its Next Payload the first inner payload's type) at
 * msg + sk_off.  Seal appends IV, ciphertext (plain, padding, Pad Length)
 * and ICV, sets the SK payload's and the header's Length fields, and
 * computes the ICV last, over the finished message.  *msg_len is the
 * message's length.  plain may be anywhere, in msg too.  0, or -1 with a
 * line in err (bad arguments, no room: nothing written; OpenSSL failed:
 * msg's bytes after the SK header cleared).  Nothing is ever written at
 * or past msg + cap.
 */
int ike_sk_seal(struct ike_sk_ctx *c, uint8_t *msg, size_t cap,
    size_t sk_off, const uint8_t *plain, size_t plain_len, size_t *msg_len,
    char *err, size_t errlen);
/*
 * Opens a received message msg[0..len) whose last payload, the SK
 * payload, begins at sk_off: checks the lengths (the header's Length is
 * len, the SK payload runs to the end), checks the ICV in constant time
 * (for CBC before decrypting), decrypts, checks and strips the padding,
 * and copies the inner payloads to plain[0..cap), *plain_len their
 * length.  0; IKE_SK_MALFORMED or IKE_SK_ICV for what the peer sent; -1
 * for a plaintext longer than cap, an sk_off inside the IKE header, or an
 * OpenSSL failure; each with a line in err.  Nothing is written to plain
 * unless it returns 0, and never at or past plain + cap.
 */
int ike_sk_open(const struct ike_sk_ctx *c, const uint8_t *msg, size_t len,
    size_t sk_off, uint8_t *plain, size_t cap, size_t *plain_len, char *err,
    size_t errlen);

/* ---- AUTH (RFC 7296 2.15) ------------------------------------------ */

/* The PSK pad: 17 bytes, no NUL. */
#define IKE_AUTH_KEY_PAD	"Key Pad for IKEv2"

/*
 * The octets an AUTH payload signs or MACs:
 *	RealMessage | Nonce(peer) | prf(SK_p, IDType | RESERVED | IDData)
 * real_msg: the whole first message its sender sent (IKE_SA_INIT request
 * for the initiator's, response for the responder's); nonce: the other
 * side's Nonce Data; id: the sender's ID payload body as on the wire
 * (type, 3 reserved bytes, data); sk_p: SK_pi for the initiator's AUTH,
 * SK_pr for the responder's.  Into out[0..cap): mlen + nlen +
 * ike_prf_len(prf) bytes, *olen.
 */
int ike_auth_octets(uint16_t prf, const struct ike_key *sk_p,
    const uint8_t *real_msg, size_t mlen, const uint8_t *nonce, size_t nlen,
    const uint8_t *id, size_t idlen, uint8_t *out, size_t cap,
    size_t *olen);
/* AUTH = prf(prf(psk, "Key Pad for IKEv2"), octets): ike_prf_len() bytes
 * into auth. */
int ike_auth_psk(uint16_t prf, const uint8_t *psk, size_t psklen,
    const uint8_t *octets, size_t olen, uint8_t *auth);
/* 0 if the peer's AUTH data auth[0..alen) is the PSK MAC of octets
 * (compared in constant time), else -1. */
int ike_auth_psk_verify(uint16_t prf, const uint8_t *psk, size_t psklen,
    const uint8_t *octets, size_t olen, const uint8_t *auth, size_t alen);

#endif /* NICSEC_IKE_CRYPTO_H */
