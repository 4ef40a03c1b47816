/*
 * ike_err.c - one-line error messages.  See ike_err.h.
 */
#include "ike_err.h"

#include <stdarg.h>
#include <stdio.h>

int
ike_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}
