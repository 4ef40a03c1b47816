/*
 * cavp.h - reader for NIST CAVP AES-GCM response files (.rsp).
 *
 * The GCM vectors (gcmEncryptExtIV{128,192,256}.rsp, gcmDecrypt{128,192,256}.rsp)
 * are shipped by Debian's python3-cryptography-vectors.  Each file holds
 * sections headed by [Keylen], [IVlen], [PTlen], [AADlen] and [Taglen] (in
 * bits), each section a run of vectors starting at "Count = N".  A decrypt
 * vector ends with "PT = ..." when its tag verifies or with "FAIL" when it
 * must be rejected.
 *
 * Used by both the C unit tests and the C++ Verilator harness.
 */
#ifndef NICSEC_CAVP_H
#define NICSEC_CAVP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Where Debian installs the vectors; NICSEC_CAVP_DIR overrides it. */
#define CAVP_GCM_DIR_DEFAULT \
	"/usr/lib/python3/dist-packages/cryptography_vectors/ciphers/AES/GCM"

#define CAVP_GCM_NFILES	6
/* The basenames of the six GCM files, encrypt files first. */
extern const char *const cavp_gcm_files[CAVP_GCM_NFILES];

struct gcm_vec {
	char     file[64];     /* basename of the .rsp file, for messages */
	int      line;         /* line of "Count = N" in that file */
	int      count;        /* "Count = N" within its section */
	int      decrypt;      /* 1 for a gcmDecrypt file */
	int      fail;         /* decrypt vector marked FAIL: the tag must not verify */
	size_t   keylen;       /* bytes: 16, 24 or 32 */
	uint8_t  key[32];
	size_t   ivlen;        /* bytes, 1..128 */
	uint8_t  iv[128];
	size_t   aadlen, textlen, taglen;   /* bytes; taglen 4..16 */
	/*
	 * Heap buffers of aadlen and textlen bytes.  aad and ct are never NULL
	 * (a zero-length value still gets a 1-byte allocation, so callers may
	 * pass them to memcmp and friends); pt is NULL when fail is set.
	 */
	uint8_t *aad, *pt, *ct;
	uint8_t  tag[16];      /* taglen bytes used, the rest zero */
};

/*
 * Loads every vector in path.  Returns 0 with *vecs (free with cavp_free) and
 * *n set, or -1 with *vecs = NULL, *n = 0 and a "path:line: what" message in
 * err.  A file holding no vector at all is an error too, so that a wrong or
 * truncated file can not make a test pass by testing nothing.
 */
int  cavp_load(const char *path, struct gcm_vec **vecs, size_t *n,
               char *err, size_t errlen);
void cavp_free(struct gcm_vec *vecs, size_t n);

/* $NICSEC_CAVP_DIR if set and not empty, else CAVP_GCM_DIR_DEFAULT. */
const char *cavp_gcm_dir(void);

#ifdef __cplusplus
}
#endif

#endif /* NICSEC_CAVP_H */
