/*
 * cross_out.h - the "NAME HEX" lines the cross tools (ike_crypto_cross.c,
 * ike_exch_cross.c) write for tests/unit/ike_crypto_oracle.py to compute
 * again: an empty value is "-".
 */
#ifndef NICSEC_TEST_CROSS_OUT_H
#define NICSEC_TEST_CROSS_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

void cross_put(FILE *f, const char *name, const void *p, size_t len);
/* v as 8 bytes, most significant first (an IKE SPI). */
void cross_put64(FILE *f, const char *name, uint64_t v);

#endif /* NICSEC_TEST_CROSS_OUT_H */
