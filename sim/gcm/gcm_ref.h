/*
 * gcm_ref.h - AES-GCM reference model on OpenSSL 3's EVP interface.
 *
 * The oracle the RTL is checked against.  Any key size (16, 24 or 32 bytes),
 * any IV length OpenSSL takes (1 to 128 bytes; 12 is the ESP case, the others
 * go through GHASH to make J0), any AAD and text length including 0.  A NULL
 * buffer is fine where its length is 0.
 */
#ifndef NICSEC_GCM_REF_H
#define NICSEC_GCM_REF_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Encrypts len bytes of pt into ct and writes the full 16-byte tag; a
 * truncated tag is its first bytes.  Returns 0 on success, -1 on an OpenSSL
 * error or a bad argument (key size, IV length, a length over INT_MAX).
 */
int gcm_ref_encrypt(const uint8_t *key, size_t keylen, const uint8_t *iv,
                    size_t ivlen, const uint8_t *aad, size_t aadlen,
                    const uint8_t *pt, size_t len, uint8_t *ct,
                    uint8_t tag[16]);

/*
 * Decrypts len bytes of ct into pt and checks the first taglen (1..16) bytes
 * of the tag.  Returns 1 if they verify, 0 if not, -1 on an OpenSSL error or
 * a bad argument.  pt is written either way (as GCM hardware does: the
 * plaintext leaves before the tag is known), so a caller must not trust it
 * unless 1 came back.
 */
int gcm_ref_decrypt(const uint8_t *key, size_t keylen, const uint8_t *iv,
                    size_t ivlen, const uint8_t *aad, size_t aadlen,
                    const uint8_t *ct, size_t len, const uint8_t *tag,
                    size_t taglen, uint8_t *pt);

#ifdef __cplusplus
}
#endif

#endif /* NICSEC_GCM_REF_H */
