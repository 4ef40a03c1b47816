/*
 * ike_err.h - the one-line error messages nicsecd's IKE code hands back.
 */
#ifndef NICSEC_IKE_ERR_H
#define NICSEC_IKE_ERR_H

#include <stddef.h>

/* Writes the message into err[0..errlen) (nothing if err is NULL or errlen
 * 0) and returns -1, for `return ike_errf(err, errlen, ...)`. */
int ike_errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif /* NICSEC_IKE_ERR_H */
