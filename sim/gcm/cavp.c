/*
 * cavp.c - reader for NIST CAVP AES-GCM response files.
 *
 * The format, as found in the CAVS 14.0 GCM files:
 *
 *	# GCM Decrypt with keysize 128 test information     <- tells the mode
 *	[Keylen = 128]                                      <- section headers,
 *	[IVlen = 96]                                           all in bits
 *	[PTlen = 0]
 *	[AADlen = 0]
 *	[Taglen = 128]
 *
 *	Count = 0                                           <- starts a vector
 *	Key = cf063a34d4a9a76c2c86787d3f96db71
 *	IV = 113b9785971864c83b01c787
 *	CT =                                                <- empty value
 *	AAD =
 *	Tag = 72ac8493e3a5228b5d130a69d2510e42
 *	PT =                                                <- or "FAIL"
 *
 * Lines end in CR LF.  A vector ends at a blank line, the next Count, a
 * section header or the end of the file; it is checked as a whole there.
 *
 * The parser is strict on purpose: it feeds both the unit tests and the RTL
 * harness, and a vector misread quietly (a short tag, a dropped AAD) would
 * make the RTL look wrong or, worse, right.  Anything it does not understand
 * is an error naming the file and line.
 *
 * Verilator's build compiles the harness's .c files with the C++ compiler,
 * so this file is kept valid C++ as well as C11: hence the casts on malloc()
 * and no designated array initializers.
 */
#define _POSIX_C_SOURCE 200809L	/* getline() */

#include "cavp.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const cavp_gcm_files[CAVP_GCM_NFILES] = {
	"gcmEncryptExtIV128.rsp",
	"gcmEncryptExtIV192.rsp",
	"gcmEncryptExtIV256.rsp",
	"gcmDecrypt128.rsp",
	"gcmDecrypt192.rsp",
	"gcmDecrypt256.rsp",
};

const char *
cavp_gcm_dir(void)
{
	const char *d = getenv("NICSEC_CAVP_DIR");

	return (d != NULL && *d != '\0') ? d : CAVP_GCM_DIR_DEFAULT;
}

/* Section headers, in bits; a value's length is checked against its header. */
enum hdr { H_KEY, H_IV, H_TEXT, H_AAD, H_TAG, H_NONE, NHDR = H_NONE };

static const char *const hdr_names[NHDR] = {
	"Keylen", "IVlen", "PTlen", "AADlen", "Taglen",
};

/*
 * The fields of a vector, "FAIL" being one without a value.  The table below
 * is in enum order.
 */
enum field { F_KEY, F_IV, F_PT, F_AAD, F_CT, F_TAG, F_FAIL, NFIELD };

static const struct {
	const char *name;
	enum hdr    hdr;
} fields[NFIELD] = {
	{ "Key",  H_KEY },	/* F_KEY */
	{ "IV",   H_IV },	/* F_IV */
	{ "PT",   H_TEXT },	/* F_PT */
	{ "AAD",  H_AAD },	/* F_AAD */
	{ "CT",   H_TEXT },	/* F_CT */
	{ "Tag",  H_TAG },	/* F_TAG */
	{ "FAIL", H_NONE },	/* F_FAIL */
};

struct parser {
	const char     *path;
	const char     *base;		/* basename of path */
	int             lineno;
	int             mode;		/* -1 not known yet, 0 encrypt, 1 decrypt */
	long            hdr[NHDR];	/* bits, -1 until its header is seen */

	int             in_vec;		/* a Count line was seen, cur is open */
	unsigned        seen;		/* bit per enum field present in cur */
	int             text_line;	/* line of the first of PT/CT, for a mismatch */
	struct gcm_vec  cur;

	struct gcm_vec *v;
	size_t          n, cap;

	char           *err;
	size_t          errlen;
};

/* Formats "path:line: message" into the caller's buffer; returns -1. */
static int
perr(struct parser *p, int line, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (p->err == NULL || p->errlen == 0)
		return -1;
	k = snprintf(p->err, p->errlen, "%s:%d: ", p->path, line);
	if (k >= 0 && (size_t)k < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + k, p->errlen - (size_t)k, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void
vec_release(struct gcm_vec *v)
{
	free(v->aad);
	free(v->pt);
	free(v->ct);
	v->aad = v->pt = v->ct = NULL;
}

void
cavp_free(struct gcm_vec *vecs, size_t n)
{
	size_t i;

	if (vecs == NULL)
		return;
	for (i = 0; i < n; i++)
		vec_release(&vecs[i]);
	free(vecs);
}

static int
hexdigit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Checks that s is an even number of hex digits making at most max bytes and
 * returns that byte count in *len.  Decoding is separate so that heap fields
 * can be sized first.
 */
static int
hex_check(struct parser *p, const char *name, const char *s, size_t max,
    size_t *len)
{
	size_t i, nd = strlen(s);

	for (i = 0; i < nd; i++) {
		if (hexdigit((unsigned char)s[i]) < 0)
			return perr(p, p->lineno,
			    "%s: bad hex digit '%c' at position %zu",
			    name, s[i], i + 1);
	}
	if (nd % 2 != 0)
		return perr(p, p->lineno, "%s: odd number of hex digits (%zu)",
		    name, nd);
	if (nd / 2 > max)
		return perr(p, p->lineno,
		    "%s: %zu bytes is longer than its field (%zu bytes at most)",
		    name, nd / 2, max);
	*len = nd / 2;
	return 0;
}

static void
hex_decode(const char *s, uint8_t *out, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		out[i] = (uint8_t)(hexdigit((unsigned char)s[2 * i]) << 4 |
		    hexdigit((unsigned char)s[2 * i + 1]));
}

/* A heap copy of a hex value; never NULL on success, even for 0 bytes. */
static int
hex_alloc(struct parser *p, const char *name, const char *s, uint8_t **out,
    size_t *len)
{
	if (hex_check(p, name, s, SIZE_MAX / 2, len) != 0)
		return -1;
	*out = (uint8_t *)malloc(*len > 0 ? *len : 1);
	if (*out == NULL)
		return perr(p, p->lineno, "%s: out of memory", name);
	hex_decode(s, *out, *len);
	return 0;
}

/* Parses a decimal number in 0..INT_MAX that makes up all of s. */
static int
parse_uint(const char *s, long *out)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > INT_MAX)
		return -1;
	*out = v;
	return 0;
}

/* Checks that a value of len bytes agrees with its section header. */
static int
check_hdr(struct parser *p, enum field f, size_t len)
{
	enum hdr h = fields[f].hdr;

	if (h == H_NONE || p->hdr[h] < 0)
		return 0;
	if ((unsigned long)p->hdr[h] != (unsigned long)len * 8)
		return perr(p, p->lineno,
		    "%s has %zu bytes (%zu bits) but the section says [%s = %ld]",
		    fields[f].name, len, len * 8, hdr_names[h], p->hdr[h]);
	return 0;
}

/* Checks the vector in p->cur as a whole and appends it to the array. */
static int
finish_vec(struct parser *p)
{
	struct gcm_vec *v = &p->cur;
	static const enum field need[] = { F_KEY, F_IV, F_AAD, F_CT, F_TAG };
	size_t i;

	if (!p->in_vec)
		return 0;
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		if (!(p->seen & 1u << need[i]))
			return perr(p, v->line, "vector Count = %d has no %s",
			    v->count, fields[need[i]].name);
	}
	/* A decrypt vector says what must happen: PT on success, or FAIL. */
	if (!(p->seen & (1u << F_PT | 1u << F_FAIL)))
		return perr(p, v->line, "vector Count = %d has no %s", v->count,
		    p->mode == 1 ? "PT or FAIL" : "PT");

	if (p->n == p->cap) {
		size_t ncap = p->cap > 0 ? p->cap * 2 : 256;
		struct gcm_vec *nv = (struct gcm_vec *)realloc(p->v,
		    ncap * sizeof(*nv));

		if (nv == NULL)
			return perr(p, v->line, "out of memory");
		p->v = nv;
		p->cap = ncap;
	}
	v->decrypt = p->mode;
	v->fail = (p->seen & 1u << F_FAIL) != 0;
	snprintf(v->file, sizeof(v->file), "%s", p->base);
	p->v[p->n++] = *v;		/* the array owns the buffers now */
	memset(v, 0, sizeof(*v));
	p->in_vec = 0;
	p->seen = 0;
	return 0;
}

static int
start_vec(struct parser *p, const char *val)
{
	long count;

	if (finish_vec(p) != 0)
		return -1;
	if (parse_uint(val, &count) != 0)
		return perr(p, p->lineno, "Count: '%s' is not a number", val);
	if (p->mode < 0)
		return perr(p, p->lineno, "no '# GCM Encrypt' or '# GCM Decrypt' "
		    "line before the first vector: can't tell the mode");
	memset(&p->cur, 0, sizeof(p->cur));
	p->cur.count = (int)count;
	p->cur.line = p->lineno;
	p->in_vec = 1;
	p->seen = 0;
	return 0;
}

/* One "Name = value" line (or "FAIL") inside a vector. */
static int
set_field(struct parser *p, enum field f, const char *val)
{
	struct gcm_vec *v = &p->cur;
	const char *name = fields[f].name;
	size_t len = 0;

	if (!p->in_vec)
		return perr(p, p->lineno, "%s outside a vector (no Count line "
		    "before it)", name);
	if (p->seen & 1u << f)
		return perr(p, p->lineno, "%s appears twice in vector Count = %d",
		    name, v->count);

	switch (f) {
	case F_KEY:
		if (hex_check(p, name, val, sizeof(v->key), &len) != 0)
			return -1;
		if (len != 16 && len != 24 && len != 32)
			return perr(p, p->lineno,
			    "Key has %zu bytes, not 16, 24 or 32", len);
		hex_decode(val, v->key, len);
		v->keylen = len;
		break;
	case F_IV:
		if (hex_check(p, name, val, sizeof(v->iv), &len) != 0)
			return -1;
		if (len == 0)
			return perr(p, p->lineno, "IV is empty");
		hex_decode(val, v->iv, len);
		v->ivlen = len;
		break;
	case F_TAG:
		if (hex_check(p, name, val, sizeof(v->tag), &len) != 0)
			return -1;
		if (len < 4)
			return perr(p, p->lineno,
			    "Tag has %zu bytes, fewer than 4", len);
		hex_decode(val, v->tag, len);
		v->taglen = len;
		break;
	case F_AAD:
		if (hex_alloc(p, name, val, &v->aad, &len) != 0)
			return -1;
		v->aadlen = len;
		break;
	case F_PT:
	case F_CT:
		if (f == F_PT && (p->seen & 1u << F_FAIL))
			return perr(p, p->lineno, "vector Count = %d has both "
			    "FAIL and PT", v->count);
		if (hex_alloc(p, name, val, f == F_PT ? &v->pt : &v->ct,
		    &len) != 0)
			return -1;
		/* PT and CT are the same length: GCM is a stream cipher. */
		if (p->seen & (1u << F_PT | 1u << F_CT)) {
			if (len != v->textlen)
				return perr(p, p->lineno, "%s has %zu bytes but "
				    "%s on line %d has %zu", name, len,
				    f == F_PT ? "CT" : "PT", p->text_line,
				    v->textlen);
		} else {
			p->text_line = p->lineno;
		}
		v->textlen = len;
		break;
	case F_FAIL:
		if (p->mode != 1)
			return perr(p, p->lineno, "FAIL in an encrypt file");
		if (*val != '\0')
			return perr(p, p->lineno, "FAIL takes no value");
		if (p->seen & 1u << F_PT)
			return perr(p, p->lineno, "vector Count = %d has both "
			    "PT and FAIL", v->count);
		break;
	case NFIELD:
		break;
	}
	p->seen |= 1u << f;
	return check_hdr(p, f, len);
}

/* "[Name = N]": a section header. */
static int
set_header(struct parser *p, char *s)
{
	char *close = strchr(s, ']'), *eq = strchr(s, '=');
	char *name, *end;
	long bits;
	int h;

	if (close == NULL || close[1] != '\0' || eq == NULL || eq > close)
		return perr(p, p->lineno, "malformed section header '%s'", s);
	if (finish_vec(p) != 0)
		return -1;

	*close = '\0';
	*eq = '\0';
	name = s + 1;
	while (*name == ' ' || *name == '\t')
		name++;
	for (end = eq; end > name && (end[-1] == ' ' || end[-1] == '\t'); end--)
		;
	*end = '\0';
	for (s = eq + 1; *s == ' ' || *s == '\t'; s++)
		;
	for (end = close; end > s && (end[-1] == ' ' || end[-1] == '\t'); end--)
		;
	*end = '\0';

	for (h = 0; h < NHDR; h++)
		if (strcmp(name, hdr_names[h]) == 0)
			break;
	if (h == NHDR)
		return perr(p, p->lineno, "unknown section header [%s]", name);
	if (parse_uint(s, &bits) != 0)
		return perr(p, p->lineno, "[%s]: '%s' is not a number", name, s);
	if (bits % 8 != 0)
		return perr(p, p->lineno,
		    "[%s = %ld] is not a whole number of bytes", name, bits);
	p->hdr[h] = bits;
	return 0;
}

static int
parse_line(struct parser *p, char *s)
{
	char *eq, *name, *val, *end;
	int f;

	if (*s == '\0')
		return finish_vec(p);
	if (*s == '#') {
		int m = strstr(s, "GCM Decrypt") != NULL ? 1 :
		    strstr(s, "GCM Encrypt") != NULL ? 0 : -1;

		if (m >= 0 && p->mode >= 0 && m != p->mode)
			return perr(p, p->lineno,
			    "file says both GCM Encrypt and GCM Decrypt");
		if (m >= 0)
			p->mode = m;
		return 0;
	}
	if (*s == '[')
		return set_header(p, s);
	if (strcmp(s, "FAIL") == 0)
		return set_field(p, F_FAIL, "");

	if ((eq = strchr(s, '=')) == NULL)
		return perr(p, p->lineno, "expected 'Name = value', got '%s'", s);
	name = s;
	for (end = eq; end > name && (end[-1] == ' ' || end[-1] == '\t'); end--)
		;
	*end = '\0';
	for (val = eq + 1; *val == ' ' || *val == '\t'; val++)
		;

	if (strcmp(name, "Count") == 0)
		return start_vec(p, val);
	for (f = 0; f < NFIELD; f++)
		if (strcmp(name, fields[f].name) == 0)
			return set_field(p, (enum field)f, val);
	return perr(p, p->lineno, "unknown field '%s'", name);
}

int
cavp_load(const char *path, struct gcm_vec **vecs, size_t *n, char *err,
    size_t errlen)
{
	struct parser p;
	FILE *fp;
	char *line = NULL;
	size_t linecap = 0;
	ssize_t len;
	int h, rc = 0;

	*vecs = NULL;
	*n = 0;
	if (err != NULL && errlen > 0)
		err[0] = '\0';

	memset(&p, 0, sizeof(p));
	p.path = path;
	p.base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	p.mode = -1;
	for (h = 0; h < NHDR; h++)
		p.hdr[h] = -1;
	p.err = err;
	p.errlen = errlen;

	if ((fp = fopen(path, "r")) == NULL) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}

	while (rc == 0 && (len = getline(&line, &linecap, fp)) != -1) {
		char *s = line;

		p.lineno++;
		/* A NUL would hide the rest of the line from the string code. */
		if (strlen(line) != (size_t)len) {
			rc = perr(&p, p.lineno, "NUL byte in line");
			break;
		}
		/* CR LF endings, and stray blanks at either end, are noise. */
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' ||
		    line[len - 1] == ' ' || line[len - 1] == '\t'))
			line[--len] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		rc = parse_line(&p, s);
	}
	if (rc == 0 && ferror(fp))
		rc = perr(&p, p.lineno, "read error: %s", strerror(errno));
	if (rc == 0)
		rc = finish_vec(&p);
	if (rc == 0 && p.n == 0)
		rc = perr(&p, p.lineno, "no test vectors in the file");
	free(line);
	fclose(fp);

	if (rc != 0) {
		vec_release(&p.cur);
		cavp_free(p.v, p.n);
		return -1;
	}
	*vecs = p.v;
	*n = p.n;
	return 0;
}
