/*
 * cross_out.c - the cross tools' lines.  See cross_out.h.
 */
#include "cross_out.h"

void
cross_put(FILE *f, const char *name, const void *p, size_t len)
{
	fprintf(f, "%s ", name);
	for (size_t i = 0; i < len; i++)
		fprintf(f, "%02x", ((const uint8_t *)p)[i]);
	if (len == 0)
		fprintf(f, "-");
	fprintf(f, "\n");
}

void
cross_put64(FILE *f, const char *name, uint64_t v)
{
	uint8_t b[8];

	for (int k = 0; k < 8; k++)
		b[k] = (uint8_t)(v >> (56 - 8 * k));
	cross_put(f, name, b, 8);
}
