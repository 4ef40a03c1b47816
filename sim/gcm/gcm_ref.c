/*
 * gcm_ref.c - AES-GCM reference model on OpenSSL 3's EVP interface.
 *
 * Nothing here is cryptography of our own: it only drives EVP_aes_*_gcm()
 * the documented way, so that the RTL is compared against an implementation
 * that is tested by others.
 *
 * Verilator's build compiles this file with the C++ compiler: keep it valid
 * C++ as well as C11.
 */
#include "gcm_ref.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <string.h>

/* EVP lengths are ints: feed longer buffers in pieces of this many bytes. */
#define CHUNK	(1 << 30)

static const EVP_CIPHER *
gcm_cipher(size_t keylen)
{
	switch (keylen) {
	case 16:
		return EVP_aes_128_gcm();
	case 24:
		return EVP_aes_192_gcm();
	case 32:
		return EVP_aes_256_gcm();
	default:
		return NULL;
	}
}

/*
 * Sets up ctx for one message: cipher, IV length (before the IV itself, as
 * EVP wants for anything but 12 bytes), key and IV, then the AAD.
 */
static int
gcm_start(EVP_CIPHER_CTX *ctx, int enc, const uint8_t *key, size_t keylen,
    const uint8_t *iv, size_t ivlen, const uint8_t *aad, size_t aadlen)
{
	const EVP_CIPHER *cipher = gcm_cipher(keylen);
	int outl;

	if (cipher == NULL || key == NULL || iv == NULL || ivlen == 0 ||
	    ivlen > 128)
		return -1;
	if (EVP_CipherInit_ex(ctx, cipher, NULL, NULL, NULL, enc) != 1)
		return -1;
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, (int)ivlen,
	    NULL) != 1)
		return -1;
	if (EVP_CipherInit_ex(ctx, NULL, NULL, key, iv, enc) != 1)
		return -1;
	/* AAD goes in with a NULL output; an empty AAD is simply not fed. */
	while (aadlen > 0) {
		int k = aadlen > CHUNK ? CHUNK : (int)aadlen;

		if (EVP_CipherUpdate(ctx, NULL, &outl, aad, k) != 1)
			return -1;
		aad += k;
		aadlen -= (size_t)k;
	}
	return 0;
}

/* Runs len bytes of text through; GCM's EVP output is as long as its input. */
static int
gcm_text(EVP_CIPHER_CTX *ctx, const uint8_t *in, size_t len, uint8_t *out)
{
	int outl;

	while (len > 0) {
		int k = len > CHUNK ? CHUNK : (int)len;

		if (EVP_CipherUpdate(ctx, out, &outl, in, k) != 1 || outl != k)
			return -1;
		in += k;
		out += k;
		len -= (size_t)k;
	}
	return 0;
}

int
gcm_ref_encrypt(const uint8_t *key, size_t keylen, const uint8_t *iv,
    size_t ivlen, const uint8_t *aad, size_t aadlen, const uint8_t *pt,
    size_t len, uint8_t *ct, uint8_t tag[16])
{
	EVP_CIPHER_CTX *ctx;
	uint8_t tail[16];	/* Final writes nothing for GCM; ct may be NULL */
	int outl, rc = -1;

	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	if (gcm_start(ctx, 1, key, keylen, iv, ivlen, aad, aadlen) != 0)
		goto out;
	if (gcm_text(ctx, pt, len, ct) != 0)
		goto out;
	if (EVP_EncryptFinal_ex(ctx, tail, &outl) != 1 || outl != 0)
		goto out;
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag) != 1)
		goto out;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

int
gcm_ref_decrypt(const uint8_t *key, size_t keylen, const uint8_t *iv,
    size_t ivlen, const uint8_t *aad, size_t aadlen, const uint8_t *ct,
    size_t len, const uint8_t *tag, size_t taglen, uint8_t *pt)
{
	EVP_CIPHER_CTX *ctx;
	uint8_t tail[16], exp[16];
	int ok, outl, rc = -1;

	if (tag == NULL || taglen < 1 || taglen > 16)
		return -1;
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	if (gcm_start(ctx, 0, key, keylen, iv, ivlen, aad, aadlen) != 0)
		goto out;
	if (gcm_text(ctx, ct, len, pt) != 0)
		goto out;
	/*
	 * EVP compares the first taglen bytes of the computed tag with these
	 * (a copy, as the ctrl takes a pointer to non-const).
	 */
	memcpy(exp, tag, taglen);
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, (int)taglen,
	    exp) != 1)
		goto out;
	/*
	 * Final fails exactly when the tag does not match.  The mark keeps
	 * whatever OpenSSL queues for that out of the error queue, where it
	 * would later be mistaken for a real error.
	 */
	ERR_set_mark();
	ok = EVP_DecryptFinal_ex(ctx, tail, &outl);
	ERR_pop_to_mark();
	if (ok == 1)
		rc = outl == 0 ? 1 : -1;
	else
		rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}
