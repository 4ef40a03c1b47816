/*
 * ike_ts.c - traffic selectors narrowed.  See ike_ts.h.
 */
#include "ike_ts.h"

#include <stdio.h>
#include <string.h>

static size_t
alen(const struct ike_ts *t)
{
	return t->type == IKE_TS_IPV4_RANGE ? 4 : 16;
}

/* The intersection of a and b in *o: 1, or 0 when it is empty. */
static int
meet(const struct ike_ts *a, const struct ike_ts *b, struct ike_ts *o)
{
	size_t n = alen(a);

	if (a->type != b->type)
		return 0;
	if (a->proto != 0 && b->proto != 0 && a->proto != b->proto)
		return 0;
	memset(o, 0, sizeof(*o));
	o->type = a->type;
	o->proto = a->proto ? a->proto : b->proto;
	o->sport = a->sport > b->sport ? a->sport : b->sport;
	o->eport = a->eport < b->eport ? a->eport : b->eport;
	/* addresses compare as big-endian numbers: memcmp does it */
	memcpy(o->start, memcmp(a->start, b->start, n) > 0 ? a->start :
	    b->start, n);
	memcpy(o->end, memcmp(a->end, b->end, n) < 0 ? a->end : b->end, n);
	return o->sport <= o->eport && memcmp(o->start, o->end, n) <= 0;
}

size_t
ike_ts_narrow(const struct ike_ts *theirs, size_t n, const struct ike_ts *ours,
    size_t m, struct ike_ts *out, size_t max)
{
	size_t k = 0;

	for (size_t j = 0; j < m; j++)
		for (size_t i = 0; i < n && k < max; i++) {
			struct ike_ts t;
			size_t d;

			if (!meet(&theirs[i], &ours[j], &t))
				continue;
			for (d = 0; d < k; d++)
				if (memcmp(&out[d], &t, sizeof(t)) == 0)
					break;
			if (d == k)
				out[k++] = t;
		}
	return k;
}

int
ike_ts_inside(const struct ike_ts *sub, size_t n, const struct ike_ts *sup,
    size_t m)
{
	for (size_t i = 0; i < n; i++) {
		size_t j;

		for (j = 0; j < m; j++) {
			struct ike_ts t;

			/* inside: the intersection is sub[i] itself */
			if (meet(&sub[i], &sup[j], &t) &&
			    memcmp(&t, &sub[i], sizeof(t)) == 0)
				break;
		}
		if (j == m)
			return 0;
	}
	return 1;
}

int
ike_ts_format_list(const struct ike_ts *ts, size_t n, char *buf, size_t len)
{
	size_t o = 0;

	if (len > 0)
		buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char one[128];

		ike_ts_format(&ts[i], one, sizeof(one));
		int w = snprintf(buf + (o < len ? o : len), o < len ? len - o :
		    0, "%s%s", i ? " " : "", one);
		if (w > 0)
			o += (size_t)w;
	}
	return (int)o;
}
