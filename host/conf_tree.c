/*
 * conf_tree.c - strongSwan's settings syntax into a tree.  See conf_tree.h
 * for the syntax; the comments here say where and why we differ from
 * strongSwan's flex/bison parser.
 *
 * A hand-written scanner over the whole file in memory: the grammar is
 * small (names, `=`, `{`, `}`, values to the end of the line), and the
 * errors can then say what was expected in words rather than bison's.
 * Values may be PSKs, so every buffer a value passed through is wiped
 * before it is freed (explicit_bzero), the file buffers too.
 */
#define _DEFAULT_SOURCE		/* explicit_bzero() */

#include "conf_tree.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Sections open at once within one file. */
#define MAX_NEST	64

struct ctx {
	struct conf_tree *tree;
	char		 *err;
	size_t		  errlen;
	int		  depth;			/* files being read */
	dev_t		  dev[CONF_INCLUDE_DEPTH];
	ino_t		  ino[CONF_INCLUDE_DEPTH];
};

struct reader {
	const char	*file;		/* the tree's copy of the name */
	const char	*buf;
	size_t		 pos;
	int		 line;
};

/* A growing string; wiped when it grows or is dropped. */
struct sbuf {
	char	*p;
	size_t	 len, cap;
};

static int
perr(struct ctx *c, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (c->err == NULL || c->errlen == 0)
		return -1;
	if (line > 0)
		k = snprintf(c->err, c->errlen, "%s:%d: ", file, line);
	else
		k = snprintf(c->err, c->errlen, "%s: ", file);
	if (k >= 0 && (size_t)k < c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err + k, c->errlen - (size_t)k, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int
sb_add(struct sbuf *sb, char ch)
{
	char *np;
	size_t ncap;

	if (sb->len + 1 >= sb->cap) {
		ncap = sb->cap > 0 ? 2 * sb->cap : 64;
		if ((np = malloc(ncap)) == NULL)
			return -1;
		if (sb->p != NULL) {
			memcpy(np, sb->p, sb->len);
			explicit_bzero(sb->p, sb->cap);
			free(sb->p);
		}
		sb->p = np;
		sb->cap = ncap;
	}
	sb->p[sb->len++] = ch;
	sb->p[sb->len] = '\0';
	return 0;
}

static void
sb_drop(struct sbuf *sb)
{
	if (sb->p != NULL) {
		explicit_bzero(sb->p, sb->cap);
		free(sb->p);
	}
	memset(sb, 0, sizeof(*sb));
}

/* Hands the string over (an empty one if nothing was added). */
static char *
sb_take(struct sbuf *sb)
{
	char *s = sb->p;

	if (s == NULL)
		s = strdup("");
	memset(sb, 0, sizeof(*sb));
	return s;
}

static int
is_space(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* A character that ends a name: what strongSwan's NAME excludes, less
 * . , : which we read into the name to say what is wrong with it. */
static int
ends_name(int ch)
{
	return ch == '\0' || is_space(ch) || strchr("{}=\"#", ch) != NULL;
}

/* Skips white space, newlines and comments. */
static void
skip_blank(struct reader *r)
{
	for (;;) {
		char ch = r->buf[r->pos];

		if (ch == '\n') {
			r->line++;
			r->pos++;
		} else if (ch == ' ' || ch == '\t' || ch == '\r') {
			r->pos++;
		} else if (ch == '#') {
			while (r->buf[r->pos] != '\0' && r->buf[r->pos] != '\n')
				r->pos++;
		} else {
			return;
		}
	}
}

/* Skips spaces and tabs on this line. */
static void
skip_space(struct reader *r)
{
	while (r->buf[r->pos] == ' ' || r->buf[r->pos] == '\t' ||
	    r->buf[r->pos] == '\r')
		r->pos++;
}

/* A "..." part, r->pos on the opening quote. */
static int
read_quoted(struct ctx *c, struct reader *r, struct sbuf *sb)
{
	int start = r->line, ch;

	r->pos++;
	for (;;) {
		ch = r->buf[r->pos];
		if (ch == '\0')
			return perr(c, r->file, start, "unterminated quoted "
			    "string (no closing '\"')");
		r->pos++;
		if (ch == '"')
			return 0;
		if (ch == '\r')
			continue;
		if (ch == '\n')
			r->line++;
		if (ch == '\\') {
			ch = r->buf[r->pos];
			if (ch == '\0')
				return perr(c, r->file, start, "unterminated "
				    "quoted string (no closing '\"')");
			r->pos++;
			if (ch == '\r' && r->buf[r->pos] == '\n')
				r->pos++, ch = '\n';
			if (ch == '\n') {	/* joins the lines */
				r->line++;
				continue;
			}
			if (ch == 'n')
				ch = '\n';
			else if (ch == 'r')
				ch = '\r';
			else if (ch == 't')
				ch = '\t';
		}
		if (sb_add(sb, (char)ch) != 0)
			return perr(c, r->file, r->line, "out of memory");
	}
}

/* After `=`: the value's parts, one space between them. */
static int
read_value(struct ctx *c, struct reader *r, struct sbuf *sb)
{
	int parts = 0, ch;

	for (;;) {
		skip_space(r);
		ch = r->buf[r->pos];
		if (ch == '\0' || ch == '\n' || ch == '#' || ch == '}')
			return 0;
		if (parts++ > 0 && sb_add(sb, ' ') != 0)
			return perr(c, r->file, r->line, "out of memory");
		if (ch == '"') {
			if (read_quoted(c, r, sb) != 0)
				return -1;
			continue;
		}
		while ((ch = r->buf[r->pos]) != '\0' && !is_space(ch) &&
		    ch != '#' && ch != '}' && ch != '"') {
			if (sb_add(sb, (char)ch) != 0)
				return perr(c, r->file, r->line,
				    "out of memory");
			r->pos++;
		}
	}
}

static struct conf_section *
find_sub(const struct conf_section *sec, const char *name)
{
	struct conf_section *s;

	for (s = sec->sub; s != NULL; s = s->next)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

static struct conf_kv *
find_kv(const struct conf_section *sec, const char *key)
{
	struct conf_kv *kv;

	for (kv = sec->kv; kv != NULL; kv = kv->next)
		if (strcmp(kv->key, key) == 0)
			return kv;
	return NULL;
}

/* Takes name and value (freed here whatever happens). */
static int
add_kv(struct ctx *c, struct reader *r, struct conf_section *sec, char *key,
    char *value, int line)
{
	struct conf_kv *kv, **tail;

	if ((kv = find_kv(sec, key)) != NULL) {
		/* strongSwan: the later value wins. */
		explicit_bzero(kv->value, strlen(kv->value));
		free(kv->value);
		kv->value = value;
		kv->file = r->file;
		kv->line = line;
		free(key);
		return 0;
	}
	if ((kv = calloc(1, sizeof(*kv))) == NULL) {
		free(key);
		explicit_bzero(value, strlen(value));
		free(value);
		return perr(c, r->file, line, "out of memory");
	}
	kv->key = key;
	kv->value = value;
	kv->file = r->file;
	kv->line = line;
	for (tail = &sec->kv; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = kv;
	return 0;
}

/* Takes name.  A section seen before is opened again (strongSwan merges). */
static struct conf_section *
add_section(struct conf_section *sec, char *name, const char *file, int line)
{
	struct conf_section *s, **tail;

	if ((s = find_sub(sec, name)) != NULL) {
		free(name);
		return s;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		free(name);
		return NULL;
	}
	s->name = name;
	s->file = file;
	s->line = line;
	s->parent = sec;
	for (tail = &sec->sub; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = s;
	return s;
}

static int parse_file(struct ctx *, const char *, struct conf_section *,
    const char *, int);

/* `include PATTERN`, r->pos just after the word. */
static int
include(struct ctx *c, struct reader *r, struct conf_section *sec, int line)
{
	struct sbuf pat = { 0 };
	char *dir = NULL, *copy = NULL, *full = NULL;
	glob_t g;
	size_t i;
	int ch, rc, r2 = -1;

	skip_space(r);
	if (r->buf[r->pos] == '"') {
		if (read_quoted(c, r, &pat) != 0)
			goto out;
	} else {
		/* strongSwan's escapes here: \" \# \} and "\ ". */
		while ((ch = r->buf[r->pos]) != '\0' && !is_space(ch) &&
		    ch != '#' && ch != '}') {
			if (ch == '\\' && strchr("\"#} ", r->buf[r->pos + 1]) &&
			    r->buf[r->pos + 1] != '\0')
				ch = r->buf[++r->pos];
			if (sb_add(&pat, (char)ch) != 0) {
				perr(c, r->file, line, "out of memory");
				goto out;
			}
			r->pos++;
		}
	}
	if (pat.len == 0) {
		perr(c, r->file, line, "include: no file pattern given");
		goto out;
	}
	if (pat.p[0] != '/') {
		if ((copy = strdup(r->file)) == NULL)
			goto oom;
		dir = dirname(copy);
		if (strcmp(dir, ".") != 0) {
			size_t n = strlen(dir) + pat.len + 2;

			if ((full = malloc(n)) == NULL)
				goto oom;
			snprintf(full, n, "%s/%s", dir, pat.p);
		}
	}
	rc = glob(full != NULL ? full : pat.p, 0, NULL, &g);
	if (rc == GLOB_NOMATCH) {
		/* As strongSwan: a pattern that matches nothing is fine. */
		r2 = 0;
		goto out;
	}
	if (rc != 0) {
		perr(c, r->file, line, "include '%s': %s", pat.p,
		    rc == GLOB_NOSPACE ? "out of memory" : "read error");
		goto out;
	}
	for (i = 0; i < g.gl_pathc; i++)
		if (parse_file(c, g.gl_pathv[i], sec, r->file, line) != 0)
			break;
	r2 = i == g.gl_pathc ? 0 : -1;
	globfree(&g);
	goto out;
oom:
	perr(c, r->file, line, "out of memory");
out:
	free(full);
	free(copy);
	sb_drop(&pat);
	return r2;
}

/* What is wrong with a name holding . , or :, or 0 if nothing. */
static int
check_name(struct ctx *c, struct reader *r, const char *name, int line)
{
	if (strchr(name, ':') != NULL)
		return perr(c, r->file, line, "'%s': section references "
		    "('NAME : OTHER { ... }') are not supported", name);
	if (strchr(name, '.') != NULL)
		return perr(c, r->file, line, "'%s': a '.' in a name (dotted "
		    "keys are not swanctl.conf syntax: nest sections, "
		    "'a { b = ... }')", name);
	if (strchr(name, ',') != NULL)
		return perr(c, r->file, line, "'%s': a ',' in a name", name);
	return 0;
}

static int
parse_buf(struct ctx *c, struct reader *r, struct conf_section *top)
{
	struct conf_section *cur = top, *s;
	struct sbuf name, val;
	int open[MAX_NEST], nopen = 0, line, ch;

	for (;;) {
		skip_blank(r);
		ch = r->buf[r->pos];
		line = r->line;
		if (ch == '\0') {
			if (nopen > 0)
				return perr(c, r->file, open[nopen - 1],
				    "section '%s' is not closed (a '}' is "
				    "missing)", cur->name);
			return 0;
		}
		if (ch == '}') {
			if (nopen == 0)
				return perr(c, r->file, line, "'}' without a "
				    "section to close");
			cur = cur->parent;
			nopen--;
			r->pos++;
			continue;
		}
		if (ch == '{')
			return perr(c, r->file, line, "'{' without a section "
			    "name before it");
		if (ch == '=')
			return perr(c, r->file, line, "'=' without a key "
			    "before it");
		if (ch == '"')
			return perr(c, r->file, line, "a quoted string where "
			    "a key or section name should be");

		memset(&name, 0, sizeof(name));
		while (!ends_name(r->buf[r->pos])) {
			if (sb_add(&name, r->buf[r->pos++]) != 0)
				return perr(c, r->file, line, "out of memory");
		}
		/* `include x` (but `include = x` is a key called include) */
		if (strcmp(name.p, "include") == 0 &&
		    (r->buf[r->pos] == ' ' || r->buf[r->pos] == '\t')) {
			skip_space(r);
			if (r->buf[r->pos] != '=') {
				sb_drop(&name);
				if (include(c, r, cur, line) != 0)
					return -1;
				continue;
			}
		}
		if (check_name(c, r, name.p, line) != 0) {
			sb_drop(&name);
			return -1;
		}
		skip_blank(r);
		ch = r->buf[r->pos];
		if (ch == '=') {
			r->pos++;
			memset(&val, 0, sizeof(val));
			if (read_value(c, r, &val) != 0) {
				sb_drop(&name);
				sb_drop(&val);
				return -1;
			}
			if (add_kv(c, r, cur, sb_take(&name), sb_take(&val),
			    line) != 0)
				return -1;
		} else if (ch == '{') {
			r->pos++;
			if (nopen == MAX_NEST) {
				sb_drop(&name);
				return perr(c, r->file, line, "sections nested "
				    "deeper than %d", MAX_NEST);
			}
			s = add_section(cur, sb_take(&name), r->file, line);
			if (s == NULL)
				return perr(c, r->file, line, "out of memory");
			open[nopen++] = line;
			cur = s;
		} else if (ch == ':') {
			perr(c, r->file, line, "'%s : ...': section references "
			    "('NAME : OTHER { ... }') are not supported", name.p);
			sb_drop(&name);
			return -1;
		} else {
			perr(c, r->file, line, "'%s' must be followed by '=' "
			    "(a key) or '{' (a section)", name.p);
			sb_drop(&name);
			return -1;
		}
	}
}

/* The whole of path, NUL-terminated; wipe and free it after use. */
static char *
slurp(struct ctx *c, const char *path, struct stat *st, const char *from,
    int from_line)
{
	char *buf = NULL;
	size_t got = 0;
	ssize_t k;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, st) != 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		if (from != NULL)
			perr(c, from, from_line, "include '%s': %s", path,
			    strerror(e));
		else
			perr(c, path, 0, "%s", strerror(e));
		return NULL;
	}
	if (!S_ISREG(st->st_mode) || st->st_size > CONF_FILE_MAX) {
		close(fd);
		perr(c, path, 0, S_ISREG(st->st_mode) ? "bigger than %d bytes" :
		    "not a regular file", CONF_FILE_MAX);
		return NULL;
	}
	if ((buf = malloc((size_t)st->st_size + 1)) == NULL) {
		close(fd);
		perr(c, path, 0, "out of memory");
		return NULL;
	}
	while (got < (size_t)st->st_size &&
	    (k = read(fd, buf + got, (size_t)st->st_size - got)) > 0)
		got += (size_t)k;
	close(fd);
	buf[got] = '\0';
	if (strlen(buf) != got) {
		int line = 1;
		size_t i;

		for (i = 0; buf[i] != '\0'; i++)
			line += buf[i] == '\n';
		perr(c, path, line, "NUL byte in the file");
		explicit_bzero(buf, got);
		free(buf);
		return NULL;
	}
	return buf;
}

static int
parse_file(struct ctx *c, const char *path, struct conf_section *into,
    const char *from, int from_line)
{
	struct reader r;
	struct stat st;
	char *buf, *name, **nf;
	size_t len;
	int i, rc;

	if ((buf = slurp(c, path, &st, from, from_line)) == NULL)
		return -1;
	len = strlen(buf);
	rc = -1;
	for (i = 0; i < c->depth; i++) {
		if (c->dev[i] == st.st_dev && c->ino[i] == st.st_ino) {
			perr(c, from, from_line, "include loop: '%s' is "
			    "already being read", path);
			goto out;
		}
	}
	if (c->depth == CONF_INCLUDE_DEPTH) {
		perr(c, from, from_line, "include '%s': includes nested deeper "
		    "than %d files", path, CONF_INCLUDE_DEPTH);
		goto out;
	}
	nf = realloc(c->tree->files, (c->tree->nfiles + 1) * sizeof(*nf));
	if (nf == NULL || (name = strdup(path)) == NULL) {
		if (nf != NULL)
			c->tree->files = nf;
		perr(c, path, 0, "out of memory");
		goto out;
	}
	c->tree->files = nf;
	c->tree->files[c->tree->nfiles++] = name;
	c->dev[c->depth] = st.st_dev;
	c->ino[c->depth] = st.st_ino;
	c->depth++;
	r.file = name;
	r.buf = buf;
	r.pos = 0;
	r.line = 1;
	rc = parse_buf(c, &r, into);
	c->depth--;
out:
	explicit_bzero(buf, len);
	free(buf);
	return rc;
}

int
conf_tree_load(const char *path, struct conf_tree **tree, char *err,
    size_t errlen)
{
	struct ctx c;

	*tree = NULL;
	memset(&c, 0, sizeof(c));
	c.err = err;
	c.errlen = errlen;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if ((c.tree = calloc(1, sizeof(*c.tree))) == NULL) {
		perr(&c, path, 0, "out of memory");
		return -1;
	}
	if (parse_file(&c, path, &c.tree->root, NULL, 0) != 0) {
		conf_tree_free(c.tree);
		return -1;
	}
	*tree = c.tree;
	return 0;
}

static void
free_section(struct conf_section *sec)
{
	struct conf_section *s, *ns;
	struct conf_kv *kv, *nkv;

	for (s = sec->sub; s != NULL; s = ns) {
		ns = s->next;
		free_section(s);
		free(s);
	}
	for (kv = sec->kv; kv != NULL; kv = nkv) {
		nkv = kv->next;
		explicit_bzero(kv->value, strlen(kv->value));
		free(kv->value);
		free(kv->key);
		free(kv);
	}
	free(sec->name);
}

void
conf_tree_free(struct conf_tree *tree)
{
	size_t i;

	if (tree == NULL)
		return;
	free_section(&tree->root);
	for (i = 0; i < tree->nfiles; i++)
		free(tree->files[i]);
	free(tree->files);
	free(tree);
}

const struct conf_section *
conf_section_find(const struct conf_section *sec, const char *name)
{
	return find_sub(sec, name);
}

const struct conf_kv *
conf_kv_find(const struct conf_section *sec, const char *key)
{
	return find_kv(sec, key);
}

static size_t
put_path(const struct conf_section *sec, char *buf, size_t len)
{
	size_t n;
	int k;

	if (sec == NULL || sec->name == NULL)
		return 0;
	n = put_path(sec->parent, buf, len);
	if (n + 1 >= len)
		return n;
	k = snprintf(buf + n, len - n, "%s%s", n > 0 ? "." : "", sec->name);
	if (k < 0 || (size_t)k >= len - n)
		return len - 1;
	return n + (size_t)k;
}

char *
conf_path(const struct conf_section *sec, const char *key, char *buf,
    size_t len)
{
	size_t n;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	n = put_path(sec, buf, len);
	if (key != NULL && n + 1 < len)
		snprintf(buf + n, len - n, "%s%s", n > 0 ? "." : "", key);
	return buf;
}
