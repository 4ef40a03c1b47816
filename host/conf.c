/*
 * conf.c - swanctl.conf onto nicsecd's configuration.  See conf.h, and
 * docs/nicsecd-conf.md for the list of keys.
 *
 * Each section kind has a function that walks its keys and subsections in
 * file order and takes each or refuses it: known keys parse into the
 * struct, keys nicsecd does not do are in a table with the reason (and
 * the values that mean "off", which are taken), anything else is unknown.
 * The first problem ends the load with one line naming the file, the
 * line, the dotted key and the reason.
 *
 * Defaults and derived values (life_time from rekey_time, ...) are filled
 * in after a section's keys are read, as strongSwan's vici backend does.
 */
#define _DEFAULT_SOURCE		/* explicit_bzero() */

#include "conf.h"
#include "conf_tree.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#define N(a)	(sizeof(a) / sizeof((a)[0]))
#define TIME_FORMS	"30s, 5m, 1h, 1d"
#define MAX_LIST	64	/* items in a comma list */

struct ctx {
	char		*err;
	size_t		 errlen;
	char		*dir;		/* the main file's directory */
	struct conf	*conf;
};

/* A key nicsecd knows but does not do; `ok` values are taken as "off". */
struct refusal {
	const char	*key;
	const char	*ok;		/* space-separated, or NULL */
	const char	*why;
};

static int
verr(struct ctx *c, const char *file, int line, const char *path,
    const char *fmt, va_list ap)
{
	int k;

	if (c->err == NULL || c->errlen == 0)
		return -1;
	k = snprintf(c->err, c->errlen, "%s:%d: %s%s", file, line, path,
	    *path != '\0' ? ": " : "");
	if (k >= 0 && (size_t)k < c->errlen)
		vsnprintf(c->err + k, c->errlen - (size_t)k, fmt, ap);
	return -1;
}

/* "FILE:LINE: a.b.key: message" */
static int
kerr(struct ctx *c, const struct conf_section *sec, const struct conf_kv *kv,
    const char *fmt, ...)
{
	char path[256];
	va_list ap;

	va_start(ap, fmt);
	conf_path(sec, kv->key, path, sizeof(path));
	verr(c, kv->file, kv->line, path, fmt, ap);
	va_end(ap);
	return -1;
}

/* "FILE:LINE: a.b: message", at the section's opening line */
static int
serr(struct ctx *c, const struct conf_section *sec, const char *fmt, ...)
{
	char path[256];
	va_list ap;

	va_start(ap, fmt);
	conf_path(sec, NULL, path, sizeof(path));
	verr(c, sec->file, sec->line, path, fmt, ap);
	va_end(ap);
	return -1;
}

static int
oom(struct ctx *c, const struct conf_section *sec, const struct conf_kv *kv)
{
	return kerr(c, sec, kv, "out of memory");
}

/* Is word one of the space-separated words in list? */
static int
in_list(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word)) != NULL) {
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' ||
		    p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

/* 1: refused (err set); 0: taken as off; -1: not in the table. */
static int
refused(struct ctx *c, const struct conf_section *sec,
    const struct conf_kv *kv, const struct refusal *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(kv->key, t[i].key) != 0)
			continue;
		if (t[i].ok != NULL && in_list(t[i].ok, kv->value))
			return 0;
		if (t[i].ok != NULL)
			kerr(c, sec, kv, "'%s = %s' is not supported (%s)",
			    kv->key, kv->value, t[i].why);
		else
			kerr(c, sec, kv, "'%s' is not supported (%s)", kv->key,
			    t[i].why);
		return 1;
	}
	return -1;
}

/* Splits a comma list into trimmed items in buf; returns the count. */
static int
split(struct ctx *c, const struct conf_section *sec, const struct conf_kv *kv,
    char *buf, size_t len, char *item[MAX_LIST])
{
	char *p, *e;
	int n = 0;

	if (snprintf(buf, len, "%s", kv->value) >= (int)len)
		return kerr(c, sec, kv, "value too long");
	for (p = buf;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		e = p + strcspn(p, ",");
		item[n] = p;
		p = *e != '\0' ? e + 1 : NULL;
		*e = '\0';
		while (e > item[n] && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		if (*item[n] == '\0')
			return kerr(c, sec, kv, "an empty item in '%s'",
			    kv->value);
		if (++n == MAX_LIST && p != NULL)
			return kerr(c, sec, kv, "more than %d items",
			    MAX_LIST);
		if (p == NULL)
			return n;
	}
}

/* ---- values --------------------------------------------------------- */

/* A number, all of s, base 10; -1 if not. */
static int
number(const char *s, const char **end, uint64_t *v)
{
	char *e;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &e, 10);
	if (errno == ERANGE)
		return -1;
	*end = e;
	return 0;
}

/* strongSwan's time values: seconds, or s/m/h/d. */
static int
p_time(struct ctx *c, const struct conf_section *sec,
    const struct conf_kv *kv, uint64_t *out)
{
	const char *e;
	uint64_t v, mul = 1;

	if (number(kv->value, &e, &v) != 0)
		goto bad;
	while (*e == ' ')
		e++;
	if (*e == 's')
		e++;
	else if (*e == 'm')
		mul = 60, e++;
	else if (*e == 'h')
		mul = 3600, e++;
	else if (*e == 'd')
		mul = 86400, e++;
	if (*e != '\0' || v > UINT32_MAX)
		goto bad;
	*out = v * mul;
	return 0;
bad:
	return kerr(c, sec, kv, "'%s' is not a time (%s)", kv->value,
	    TIME_FORMS);
}

/* Byte and packet counts: a number, or with K, M or G (1024-based). */
static int
p_count(struct ctx *c, const struct conf_section *sec,
    const struct conf_kv *kv, uint64_t *out)
{
	const char *e;
	uint64_t v;
	int shift = 0;

	if (number(kv->value, &e, &v) != 0)
		goto bad;
	while (*e == ' ')
		e++;
	if (*e == 'k' || *e == 'K')
		shift = 10, e++;
	else if (*e == 'm' || *e == 'M')
		shift = 20, e++;
	else if (*e == 'g' || *e == 'G')
		shift = 30, e++;
	if (*e != '\0' || v > (UINT64_MAX >> shift))
		goto bad;
	*out = v << shift;
	return 0;
bad:
	return kerr(c, sec, kv, "'%s' is not a count (a number, or with K, "
	    "M, G)", kv->value);
}

static int
p_uint(struct ctx *c, const struct conf_section *sec,
    const struct conf_kv *kv, uint64_t max, uint64_t *out)
{
	const char *e;

	if (number(kv->value, &e, out) != 0 || *e != '\0' || *out > max)
		return kerr(c, sec, kv, "'%s' is not a number from 0 to %llu",
		    kv->value, (unsigned long long)max);
	return 0;
}

/* As strongSwan's vici: yes/true/enabled/1 and no/false/disabled/0. */
static int
p_bool(struct ctx *c, const struct conf_section *sec,
    const struct conf_kv *kv, int *out)
{
	if (in_list("yes true enabled 1", kv->value))
		*out = 1;
	else if (in_list("no false disabled 0", kv->value))
		*out = 0;
	else
		return kerr(c, sec, kv, "'%s' is not yes or no", kv->value);
	return 0;
}

/* One of names[] (space-separated aliases per value). */
static int
p_enum(struct ctx *c, const struct conf_section *sec,
    const struct conf_kv *kv, const char *const *names, size_t n,
    const char *expect, int *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (in_list(names[i], kv->value)) {
			*out = (int)i;
			return 0;
		}
	}
	return kerr(c, sec, kv, "'%s' is not %s", kv->value, expect);
}

/* start_action may combine trap|start; the others take one. */
static int
p_action(struct ctx *c, const struct conf_section *sec,
    const struct conf_kv *kv, int combine, int *out)
{
	static const char *const names[] = { "none clear", "trap route",
	    "start restart" };

	if (combine && (strcmp(kv->value, "trap|start") == 0 ||
	    strcmp(kv->value, "start|trap") == 0)) {
		*out = CONF_ACTION_TRAP | CONF_ACTION_START;
		return 0;
	}
	return p_enum(c, sec, kv, names, N(names), combine ?
	    "none, trap, start or trap|start" : "none, trap or start", out);
}

static int
addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

static int
parse_ip(const char *s, int *family, uint8_t a[16])
{
	memset(a, 0, 16);
	if (inet_pton(AF_INET, s, a) == 1)
		*family = AF_INET;
	else if (inet_pton(AF_INET6, s, a) == 1)
		*family = AF_INET6;
	else
		return -1;
	return 0;
}

/*
 * ADDR, ADDR/PLEN or ADDR-ADDR into from..to.  Returns 0, -1 for
 * something that is not one of those, or -2 with err set.
 */
static int
parse_span(struct ctx *c, const struct conf_section *sec,
    const struct conf_kv *kv, const char *s, int *family, uint8_t from[16],
    uint8_t to[16], int *host)
{
	char a[INET6_ADDRSTRLEN + 8];
	const char *dash = strchr(s, '-'), *slash = strchr(s, '/');
	int f2, plen, max, i;

	*host = 0;
	if (strlen(s) >= sizeof(a))
		return -1;
	if (dash != NULL) {
		snprintf(a, sizeof(a), "%.*s", (int)(dash - s), s);
		if (parse_ip(a, family, from) != 0 ||
		    parse_ip(dash + 1, &f2, to) != 0)
			return -1;
		if (f2 != *family)
			return kerr(c, sec, kv, "'%s': a range from one address "
			    "family to another", s), -2;
		if (memcmp(from, to, 16) > 0)
			return kerr(c, sec, kv, "'%s': a range that ends before "
			    "it starts", s), -2;
		return 0;
	}
	snprintf(a, sizeof(a), "%.*s", slash != NULL ? (int)(slash - s) :
	    (int)strlen(s), s);
	if (parse_ip(a, family, from) != 0)
		return -1;
	max = addr_len(*family) * 8;
	plen = max;
	if (slash != NULL) {
		const char *d = slash + 1;

		if (*d == '\0' || strlen(d) > 3 ||
		    strspn(d, "0123456789") != strlen(d) || atoi(d) > max)
			return kerr(c, sec, kv, "'%s': bad prefix length "
			    "(0..%d)", s, max), -2;
		plen = atoi(d);
	}
	memcpy(to, from, 16);
	for (i = plen; i < max; i++) {
		/* Host bits set are most likely a typo for another net. */
		if (from[i / 8] & (0x80 >> (i % 8)))
			return kerr(c, sec, kv, "'%s' has host bits set past "
			    "/%d", s, plen), -2;
		to[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	}
	*host = slash == NULL;
	return 0;
}

/* local_addrs, remote_addrs: addresses, subnets, ranges, %any. */
static int
p_addrs(struct ctx *c, const struct conf_section *sec,
    const struct conf_kv *kv, struct conf_addr **out, size_t *n)
{
	char buf[4096], *item[MAX_LIST];
	struct conf_addr *v;
	int k, i, r;

	if ((k = split(c, sec, kv, buf, sizeof(buf), item)) < 0)
		return -1;
	if ((v = calloc((size_t)k, sizeof(*v))) == NULL)
		return oom(c, sec, kv);
	for (i = 0; i < k; i++) {
		if (strcmp(item[i], "%any") == 0)
			continue;	/* family 0: any */
		if (in_list("%any4 0.0.0.0 %any6 ::", item[i])) {
			/* strongSwan (host.c): any address of that family */
			v[i].family = strchr(item[i], '6') != NULL ||
			    item[i][0] == ':' ? AF_INET6 : AF_INET;
			memset(v[i].to, 0xff, (size_t)addr_len(v[i].family));
			continue;
		}
		r = parse_span(c, sec, kv, item[i], &v[i].family, v[i].from,
		    v[i].to, &v[i].host);
		if (r == -1)
			kerr(c, sec, kv, "'%s' is not an address: nicsec does "
			    "not resolve DNS names (give an IPv4 or IPv6 "
			    "address, a subnet, a range or %%any)", item[i]);
		if (r != 0) {
			free(v);
			return -1;
		}
	}
	free(*out);
	*out = v;
	*n = (size_t)k;
	return 0;
}

/* [proto/port] of a traffic selector, s past the '['. */
static int
parse_protoport(struct ctx *c, const struct conf_section *sec,
    const struct conf_kv *kv, const char *item, char *s, struct conf_ts *ts)
{
	static const struct {
		const char	*name;
		int		 proto;
	} protos[] = {
		{ "tcp", 6 }, { "udp", 17 }, { "icmp", 1 }, { "ipv6-icmp", 58 },
		{ "icmpv6", 58 }, { "sctp", 132 }, { "gre", 47 },
	};
	char *close = strchr(s, ']'), *port;
	const char *e;
	uint64_t v, w;
	size_t i;

	if (close == NULL || close[1] != '\0')
		return kerr(c, sec, kv, "'%s': a '[' with no ']' at the end",
		    item);
	*close = '\0';
	if ((port = strchr(s, '/')) != NULL)
		*port++ = '\0';
	if (*s != '\0' && strcmp(s, "%any") != 0) {
		for (i = 0; i < N(protos); i++)
			if (strcmp(s, protos[i].name) == 0)
				break;
		if (i < N(protos))
			ts->proto = protos[i].proto;
		else if (number(s, &e, &v) == 0 && *e == '\0' && v <= 255)
			ts->proto = (int)v;
		else
			return kerr(c, sec, kv, "'%s': '%s' is not a protocol "
			    "(a number, or tcp, udp, icmp, ipv6-icmp, sctp, "
			    "gre)", item, s);
	}
	ts->port_from = 0;
	ts->port_to = 65535;
	if (port == NULL || *port == '\0' || strcmp(port, "%any") == 0)
		return 0;
	if (number(port, &e, &v) != 0 || v > 65535)
		goto badport;
	w = v;
	if (*e == '-' && (number(e + 1, &e, &w) != 0 || w > 65535 || w < v))
		goto badport;
	if (*e != '\0')
		goto badport;
	ts->port_from = (uint16_t)v;
	ts->port_to = (uint16_t)w;
	return 0;
badport:
	return kerr(c, sec, kv, "'%s': '%s' is not a port or port range "
	    "(nicsec takes numbers: 53, 1024-65535)", item, port);
}

static int
p_ts(struct ctx *c, const struct conf_section *sec, const struct conf_kv *kv,
    struct conf_ts **out, size_t *n)
{
	char buf[4096], *item[MAX_LIST], *br, copy[256];
	struct conf_ts *v;
	int k, i, host;

	if ((k = split(c, sec, kv, buf, sizeof(buf), item)) < 0)
		return -1;
	if ((v = calloc((size_t)k, sizeof(*v))) == NULL)
		return oom(c, sec, kv);
	for (i = 0; i < k; i++) {
		snprintf(copy, sizeof(copy), "%s", item[i]);
		v[i].port_to = 65535;
		if ((br = strchr(item[i], '[')) != NULL) {
			*br++ = '\0';
			if (parse_protoport(c, sec, kv, copy, br, &v[i]) != 0)
				goto fail;
		}
		if (strcmp(item[i], "dynamic") == 0) {
			v[i].dynamic = 1;
			continue;
		}
		switch (parse_span(c, sec, kv, item[i], &v[i].family,
		    v[i].from, v[i].to, &host)) {
		case 0:
			continue;
		case -1:
			kerr(c, sec, kv, "'%s' is not a traffic selector "
			    "(a subnet, a range a-b, or dynamic, each with an "
			    "optional [proto/port])", copy);
		}
		goto fail;
	}
	free(*out);
	*out = v;
	*n = (size_t)k;
	return 0;
fail:
	free(v);
	return -1;
}

static int
p_proposals(struct ctx *c, const struct conf_section *sec,
    const struct conf_kv *kv, int protocol, struct ike_proposal *out,
    size_t *n)
{
	char msg[400];

	if (ike_xform_parse(protocol, kv->value, out, IKE_PROPOSALS_MAX, n,
	    msg, sizeof(msg)) != 0)
		return kerr(c, sec, kv, "%s", msg);
	return 0;
}

/* An identity, as strongSwan's identification_create_from_string(). */
static int
p_id(struct ctx *c, const struct conf_section *sec, const struct conf_kv *kv,
    struct conf_id *id)
{
	static const struct {
		const char	*prefix;
		int		 type;
	} prefixes[] = {
		{ "fqdn:", CONF_ID_FQDN }, { "dns:", CONF_ID_FQDN },
		{ "rfc822:", CONF_ID_RFC822_ADDR },
		{ "email:", CONF_ID_RFC822_ADDR },
		{ "userfqdn:", CONF_ID_RFC822_ADDR },
		{ "asn1dn:", CONF_ID_DER_ASN1_DN },
	};
	const char *s = kv->value;
	size_t i;
	int family;

	free(id->str);
	memset(id, 0, sizeof(*id));
	for (i = 0; i < N(prefixes); i++) {
		if (strncmp(s, prefixes[i].prefix,
		    strlen(prefixes[i].prefix)) == 0) {
			id->type = prefixes[i].type;
			s += strlen(prefixes[i].prefix);
			goto store;
		}
	}
	if (s[0] == '{' || strncmp(s, "ipv4:", 5) == 0 || strncmp(s, "ipv6:", 5) == 0 ||
	    strncmp(s, "keyid:", 6) == 0 || strncmp(s, "asn1gn:", 7) == 0)
		return kerr(c, sec, kv, "'%s': this identity type prefix is "
		    "not supported (write the address, @name, user@host or "
		    "the DN as it is)", s);
	if (strchr(s, '=') != NULL) {
		id->type = CONF_ID_DER_ASN1_DN;
	} else if (strchr(s, '@') == NULL) {
		if (in_list("%any %any6 0.0.0.0 :: 0::0 *", s))
			return 0;		/* CONF_ID_ANY */
		if (parse_ip(s, &family, id->addr) == 0) {
			id->type = family == AF_INET ? CONF_ID_IPV4_ADDR :
			    CONF_ID_IPV6_ADDR;
		} else if (strchr(s, '/') != NULL || (strchr(s, '-') != NULL &&
		    strspn(s, "0123456789.:-abcdefABCDEF") == strlen(s))) {
			return kerr(c, sec, kv, "'%s': subnet and range "
			    "identities are not supported", s);
		} else {
			id->type = CONF_ID_FQDN;
		}
	} else if (s[0] == '@') {
		s++;
		if (s[0] == '#')
			return kerr(c, sec, kv, "'%s': key-id identities "
			    "(@#hex) are not supported", kv->value);
		if (s[0] == '@') {
			id->type = CONF_ID_RFC822_ADDR;
			s++;
		} else {
			id->type = CONF_ID_FQDN;
		}
	} else {
		id->type = CONF_ID_RFC822_ADDR;
	}
store:
	if (*s == '\0')
		return kerr(c, sec, kv, "'%s': an empty identity", kv->value);
	if ((id->str = strdup(s)) == NULL)
		return oom(c, sec, kv);
	return 0;
}

/* name, relative to the config's directory, then its sub/ folder. */
static int
resolve(struct ctx *c, const struct conf_section *sec,
    const struct conf_kv *kv, const char *name, const char *sub, char **out)
{
	char a[4096], b[4096];
	struct stat st;

	if (name[0] == '/')
		snprintf(a, sizeof(a), "%s", name);
	else
		snprintf(a, sizeof(a), "%s/%s", c->dir, name);
	if (stat(a, &st) != 0 && name[0] != '/') {
		snprintf(b, sizeof(b), "%s/%s/%s", c->dir, sub, name);
		if (stat(b, &st) == 0)
			snprintf(a, sizeof(a), "%s", b);
		else
			return kerr(c, sec, kv, "'%s' not found (looked in %s/ "
			    "and %s/%s/)", name, c->dir, c->dir, sub);
	} else if (name[0] == '/' && stat(a, &st) != 0) {
		return kerr(c, sec, kv, "'%s': %s", name, strerror(errno));
	}
	if (!S_ISREG(st.st_mode))
		return kerr(c, sec, kv, "'%s' is not a regular file", name);
	if ((*out = strdup(a)) == NULL)
		return oom(c, sec, kv);
	return 0;
}

static void
free_list(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int
p_files(struct ctx *c, const struct conf_section *sec,
    const struct conf_kv *kv, const char *sub, char ***out, size_t *n)
{
	char buf[4096], *item[MAX_LIST], **v;
	int k, i;

	if ((k = split(c, sec, kv, buf, sizeof(buf), item)) < 0)
		return -1;
	if ((v = calloc((size_t)k, sizeof(*v))) == NULL)
		return oom(c, sec, kv);
	for (i = 0; i < k; i++) {
		if (resolve(c, sec, kv, item[i], sub, &v[i]) != 0) {
			free_list(v, (size_t)i);
			return -1;
		}
	}
	free_list(*out, *n);
	*out = v;
	*n = (size_t)k;
	return 0;
}

/* A secret: 0x hex, 0s base64, or the text itself.  Never echoed. */
static int
p_secret(struct ctx *c, const struct conf_section *sec,
    const struct conf_kv *kv, uint8_t **out, size_t *len)
{
	const char *s = kv->value;
	size_t n = strlen(s), i, pad = 0;
	uint8_t *v;
	int k;

	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		n -= 2;
		if (n == 0 || n % 2 != 0 || strspn(s, "0123456789abcdefABCDEF")
		    != n)
			return kerr(c, sec, kv, "not an even number of hex "
			    "digits after 0x");
		if ((v = malloc(n / 2)) == NULL)
			return oom(c, sec, kv);
		for (i = 0; i < n / 2; i++) {
			unsigned int b;

			sscanf(s + 2 * i, "%2x", &b);
			v[i] = (uint8_t)b;
		}
		*len = n / 2;
	} else if (n >= 2 && s[0] == '0' && s[1] == 's') {
		s += 2;
		n -= 2;
		if (n == 0 || n % 4 != 0)
			return kerr(c, sec, kv, "not base64 after 0s");
		if ((v = malloc(n / 4 * 3 + 1)) == NULL)
			return oom(c, sec, kv);
		k = EVP_DecodeBlock(v, (const unsigned char *)s, (int)n);
		if (k < 0) {
			free(v);
			return kerr(c, sec, kv, "not base64 after 0s");
		}
		pad = (s[n - 1] == '=') + (s[n - 2] == '=');
		*len = (size_t)k - pad;
	} else {
		if (n == 0)
			return kerr(c, sec, kv, "an empty secret");
		if ((v = malloc(n)) == NULL)
			return oom(c, sec, kv);
		memcpy(v, s, n);
		*len = n;
	}
	if (*out != NULL)
		free(*out);
	*out = v;
	return 0;
}

/* ---- sections ------------------------------------------------------- */

static int
is_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static const struct refusal round_refused[] = {
	{ "round", NULL, "nicsec does one authentication round: "
	    "its order needs no number" },
	{ "eap_id", NULL, "nicsec does no EAP" },
	{ "aaa_id", NULL, "nicsec does no EAP" },
	{ "xauth_id", NULL, "nicsec does no XAuth" },
	{ "groups", NULL, "nicsec checks no group memberships" },
	{ "cert_policy", NULL, "nicsec checks no certificate policies" },
	{ "ca_id", NULL, "give the CA in cacerts" },
	{ "pubkeys", NULL, "nicsec takes certificates, not raw public keys" },
	{ "revocation", "relaxed", "nicsec fetches no CRLs or OCSP" },
};

static int
auth_round(struct ctx *c, const struct conf_section *sec,
    struct conf_auth *a, int remote)
{
	const struct conf_section *s;
	const struct conf_kv *kv;
	int r;

	for (kv = sec->kv; kv != NULL; kv = kv->next) {
		if (*kv->value == '\0')
			continue;
		if (strcmp(kv->key, "auth") == 0) {
			if (strcmp(kv->value, "psk") == 0)
				a->auth = CONF_AUTH_PSK;
			else if (strcmp(kv->value, "pubkey") == 0)
				a->auth = CONF_AUTH_PUBKEY;
			else if (is_prefix(kv->value, "eap") ||
			    is_prefix(kv->value, "xauth"))
				return kerr(c, sec, kv, "'%s' is not supported "
				    "(nicsec does no EAP or XAuth: psk or "
				    "pubkey)", kv->value);
			else if (is_prefix(kv->value, "pubkey") ||
			    is_prefix(kv->value, "rsa") ||
			    is_prefix(kv->value, "ecdsa") ||
			    is_prefix(kv->value, "ike:") ||
			    is_prefix(kv->value, "ed25519"))
				return kerr(c, sec, kv, "'%s' is not supported "
				    "(nicsec takes no key type or signature "
				    "constraints: use pubkey)", kv->value);
			else
				return kerr(c, sec, kv, "'%s' is not psk or "
				    "pubkey", kv->value);
		} else if (strcmp(kv->key, "id") == 0) {
			if (p_id(c, sec, kv, &a->id) != 0)
				return -1;
		} else if (strcmp(kv->key, "certs") == 0) {
			if (p_files(c, sec, kv, "x509", &a->certs,
			    &a->ncerts) != 0)
				return -1;
		} else if (remote && strcmp(kv->key, "cacerts") == 0) {
			if (p_files(c, sec, kv, "x509ca", &a->cacerts,
			    &a->ncacerts) != 0)
				return -1;
		} else if ((r = refused(c, sec, kv, round_refused,
		    N(round_refused))) != -1) {
			if (r == 1)
				return -1;
		} else {
			return kerr(c, sec, kv, "unknown key '%s'", kv->key);
		}
	}
	for (s = sec->sub; s != NULL; s = s->next) {
		if (is_prefix(s->name, "cert"))
			return serr(c, s, "'%s' sections are not supported "
			    "(nicsec loads certificates from files: use "
			    "%s)", s->name, is_prefix(s->name, "cacert") ?
			    "cacerts" : "certs");
		return serr(c, s, "unknown section '%s'", s->name);
	}
	return 0;
}

static const struct refusal child_refused[] = {
	{ "ah_proposals", NULL, "nicsec does no AH" },
	{ "sha256_96", "no false 0", "the card does AES-GCM only" },
	{ "updown", NULL, "nicsecd runs no updown scripts" },
	{ "hostaccess", "no false 0", "nicsecd runs no updown scripts" },
	{ "policies", "yes true 1", "the card's policies are nicsecd's "
	    "own" },
	{ "policies_fwd_out", "no false 0", "the card has no FWD policies" },
	{ "ipcomp", "no false 0", "nicsec does no IPComp" },
	{ "reqid", "0", "nicsecd chooses reqids" },
	{ "priority", "0", "the card orders policies itself" },
	{ "interface", NULL, "the card has its own LAN port" },
	{ "mark_in", NULL, "marks are a kernel feature" },
	{ "mark_in_sa", "no false 0", "marks are a kernel feature" },
	{ "mark_out", NULL, "marks are a kernel feature" },
	{ "set_mark_in", NULL, "marks are a kernel feature" },
	{ "set_mark_out", NULL, "marks are a kernel feature" },
	{ "if_id_in", "0", "XFRM interfaces are a kernel feature" },
	{ "if_id_out", "0", "XFRM interfaces are a kernel feature" },
	{ "label", NULL, "nicsec does no security labels" },
	{ "label_mode", NULL, "nicsec does no security labels" },
	{ "tfc_padding", "0", "the card does no TFC padding" },
	{ "hw_offload", "no false 0", "the card is the offload" },
	{ "copy_df", "yes true 1", "the card copies the DF bit" },
	{ "copy_ecn", "yes true 1", "the card copies ECN" },
	{ "copy_dscp", "out", "the card copies DSCP outwards only" },
};

/* ---- nicsecd's own child keys: black holes, monitoring --------------- */

/* An IPv4 address for monitor_address, monitor_source. */
static int
p_ipv4(struct ctx *c, const struct conf_section *sec,
    const struct conf_kv *kv, uint8_t out[4])
{
	if (inet_pton(AF_INET, kv->value, out) != 1)
		return kerr(c, sec, kv, "'%s' is not an IPv4 address (the "
		    "monitor sends ICMP echo requests, IPv4 only)", kv->value);
	return 0;
}

/* Is a inside one of the selectors?  -1: one is dynamic, so we cannot
 * tell before the IKE SA is up. */
static int
in_ts(const struct conf_ts *t, size_t n, const uint8_t a[4])
{
	if (n == 0)
		return -1;		/* dynamic, by default */
	for (size_t i = 0; i < n; i++)
		if (t[i].dynamic)
			return -1;
	for (size_t i = 0; i < n; i++)
		if (t[i].family == AF_INET && memcmp(t[i].from, a, 4) <= 0 &&
		    memcmp(a, t[i].to, 4) <= 0 && (t[i].proto == 0 ||
		    t[i].proto == 1))
			return 1;
	return 0;
}

/*
 * blackhole_time and the monitor_* keys.  1: not one of them; 0: taken;
 * -1: err set.  *first is set to the first monitor_* key other than
 * monitor_address met, for the check that it has one.
 */
static int
watch_key(struct ctx *c, const struct conf_section *sec,
    const struct conf_kv *kv, struct conf_child *ch,
    const struct conf_kv **first)
{
	static const char *const actions[] = { "wait-recover", "fail-over" };
	const char *k = kv->key;
	uint64_t v;

	if (strcmp(k, "blackhole_time") == 0)
		return p_time(c, sec, kv, &ch->blackhole_time);
	if (strncmp(k, "monitor_", 8) != 0)
		return 1;
	if (strcmp(k, "monitor_address") == 0) {
		ch->monitor = 1;
		return p_ipv4(c, sec, kv, ch->monitor_address);
	}
	if (*first == NULL)
		*first = kv;
	if (strcmp(k, "monitor_source") == 0)
		return p_ipv4(c, sec, kv, ch->monitor_source);
	if (strcmp(k, "monitor_interval") == 0) {
		if (p_time(c, sec, kv, &ch->monitor_interval) != 0)
			return -1;
		if (ch->monitor_interval == 0)
			return kerr(c, sec, kv, "'0' is too short: an echo "
			    "request goes out every monitor_interval (at "
			    "least 1s)");
		return 0;
	}
	if (strcmp(k, "monitor_threshold") == 0) {
		if (p_uint(c, sec, kv, 1000, &v) != 0)
			return -1;
		if (v == 0)
			return kerr(c, sec, kv, "'0' is not a number of missed "
			    "replies (1 to 1000)");
		ch->monitor_threshold = (uint32_t)v;
		return 0;
	}
	if (strcmp(k, "monitor_action") == 0)
		return p_enum(c, sec, kv, actions, N(actions),
		    "wait-recover or fail-over", &ch->monitor_action);
	if (strcmp(k, "monitor_hook") == 0) {
		if (kv->value[0] != '/')
			return kerr(c, sec, kv, "'%s' is not an absolute path "
			    "(it is run with no shell and no PATH search)",
			    kv->value);
		if (access(kv->value, X_OK) != 0)
			return kerr(c, sec, kv, "'%s' can't be run: %s",
			    kv->value, strerror(errno));
		free(ch->monitor_hook);
		if ((ch->monitor_hook = strdup(kv->value)) == NULL)
			return oom(c, sec, kv);
		return 0;
	}
	return kerr(c, sec, kv, "unknown key '%s' (nicsecd's monitor keys: "
	    "monitor_address, monitor_source, monitor_interval, "
	    "monitor_threshold, monitor_action, monitor_hook)", k);
}

/* The monitor keys together, once the child's keys are all read. */
static int
watch_check(struct ctx *c, const struct conf_section *sec,
    const struct conf_child *ch, const struct conf_kv *first)
{
	const struct conf_kv *addr = conf_kv_find(sec, "monitor_address");
	const struct conf_kv *src = conf_kv_find(sec, "monitor_source");
	const struct conf_kv *act = conf_kv_find(sec, "monitor_action");
	const struct conf_kv *hook = conf_kv_find(sec, "monitor_hook");
	char a[INET_ADDRSTRLEN];

	if (!ch->monitor) {
		if (first != NULL)
			return kerr(c, sec, first, "'%s' without "
			    "monitor_address (the address to ping through the "
			    "tunnel)", first->key);
		return 0;
	}
	if (src == NULL || *src->value == '\0')
		return kerr(c, sec, addr, "monitor_source is needed too (our "
		    "address inside local_ts, which the echo requests leave "
		    "from so that they enter the tunnel)");
	if (in_ts(ch->local_ts, ch->nlocal_ts, ch->monitor_source) == 0)
		return kerr(c, sec, src, "%s is not inside local_ts (with "
		    "ICMP): echo requests from it would not enter the tunnel",
		    inet_ntop(AF_INET, ch->monitor_source, a, sizeof(a)));
	if (in_ts(ch->remote_ts, ch->nremote_ts, ch->monitor_address) == 0)
		return kerr(c, sec, addr, "%s is not inside remote_ts (with "
		    "ICMP): echo requests to it would not enter the tunnel",
		    inet_ntop(AF_INET, ch->monitor_address, a, sizeof(a)));
	if (ch->monitor_action == CONF_MONITOR_FAILOVER &&
	    ch->monitor_hook == NULL)
		return kerr(c, sec, act, "'fail-over' needs monitor_hook, the "
		    "program that moves the routes");
	if (ch->monitor_action != CONF_MONITOR_FAILOVER &&
	    ch->monitor_hook != NULL)
		return kerr(c, sec, hook, "monitor_hook is run only with "
		    "monitor_action = fail-over (wait-recover rekeys the "
		    "CHILD_SA instead)");
	return 0;
}

static int
child(struct ctx *c, const struct conf_section *sec, struct conf_child *ch)
{
	static const char *const modes = "tunnel";
	const struct conf_kv *kv, *life = NULL, *rand = NULL;
	const struct conf_kv *lifeb = NULL, *lifep = NULL, *mon = NULL;
	uint64_t v;
	int r, has_rand_b = 0, has_rand_p = 0;

	if ((ch->name = strdup(sec->name)) == NULL)
		return serr(c, sec, "out of memory");
	ch->file = sec->file;
	ch->line = sec->line;
	ch->rekey_time = 3600;
	ch->replay_window = 32;
	ch->blackhole_time = 30;
	ch->monitor_interval = 5;
	ch->monitor_threshold = 3;
	ch->nesp = ike_xform_default(IKE_PROTO_ESP, ch->esp,
	    IKE_PROPOSALS_MAX);
	for (kv = sec->kv; kv != NULL; kv = kv->next) {
		const char *k = kv->key;

		if (*kv->value == '\0')
			continue;
		if (strcmp(k, "local_ts") == 0)
			r = p_ts(c, sec, kv, &ch->local_ts, &ch->nlocal_ts);
		else if (strcmp(k, "remote_ts") == 0)
			r = p_ts(c, sec, kv, &ch->remote_ts, &ch->nremote_ts);
		else if (strcmp(k, "esp_proposals") == 0)
			r = p_proposals(c, sec, kv, IKE_PROTO_ESP, ch->esp,
			    &ch->nesp);
		else if (strcmp(k, "mode") == 0)
			r = in_list(modes, kv->value) ? 0 : kerr(c, sec, kv,
			    "'mode = %s' is not supported (nicsec does tunnel "
			    "mode only)", kv->value);
		else if (strcmp(k, "start_action") == 0)
			r = p_action(c, sec, kv, 1, &ch->start_action);
		else if (strcmp(k, "close_action") == 0)
			r = p_action(c, sec, kv, 0, &ch->close_action);
		else if (strcmp(k, "dpd_action") == 0)
			r = p_action(c, sec, kv, 0, &ch->dpd_action);
		else if (strcmp(k, "rekey_time") == 0)
			r = p_time(c, sec, kv, &ch->rekey_time);
		else if (strcmp(k, "life_time") == 0)
			r = p_time(c, sec, kv, &ch->life_time), life = kv;
		else if (strcmp(k, "rand_time") == 0)
			r = p_time(c, sec, kv, &ch->rand_time), rand = kv;
		else if (strcmp(k, "rekey_bytes") == 0)
			r = p_count(c, sec, kv, &ch->rekey_bytes);
		else if (strcmp(k, "life_bytes") == 0)
			r = p_count(c, sec, kv, &ch->life_bytes), lifeb = kv;
		else if (strcmp(k, "rand_bytes") == 0)
			r = p_count(c, sec, kv, &ch->rand_bytes), has_rand_b = 1;
		else if (strcmp(k, "rekey_packets") == 0)
			r = p_count(c, sec, kv, &ch->rekey_packets);
		else if (strcmp(k, "life_packets") == 0)
			r = p_count(c, sec, kv, &ch->life_packets), lifep = kv;
		else if (strcmp(k, "rand_packets") == 0)
			r = p_count(c, sec, kv, &ch->rand_packets),
			    has_rand_p = 1;
		else if (strcmp(k, "replay_window") == 0) {
			r = p_uint(c, sec, kv, 4096, &v);
			ch->replay_window = (uint32_t)v;
		} else if (strcmp(k, "inactivity") == 0)
			r = p_time(c, sec, kv, &ch->inactivity);
		else if ((r = watch_key(c, sec, kv, ch, &mon)) != 1)
			;
		else if ((r = refused(c, sec, kv, child_refused,
		    N(child_refused))) == -1)
			r = kerr(c, sec, kv, "unknown key '%s'", k);
		if (r != 0)
			return -1;
	}
	if (sec->sub != NULL)
		return serr(c, sec->sub, "unknown section '%s'",
		    sec->sub->name);
	if (watch_check(c, sec, ch, mon) != 0)
		return -1;

	/* strongSwan's defaults: hard limits 10% over, jitter the gap. */
	if (life == NULL)
		ch->life_time = ch->rekey_time * 110 / 100;
	else if (ch->rekey_time != 0 && ch->life_time != 0 &&
	    ch->life_time <= ch->rekey_time)
		return kerr(c, sec, life, "life_time (%llus) must be more than "
		    "rekey_time (%llus)", (unsigned long long)ch->life_time,
		    (unsigned long long)ch->rekey_time);
	if (rand == NULL)
		ch->rand_time = ch->life_time > ch->rekey_time ?
		    ch->life_time - ch->rekey_time : 0;
	else if (ch->rekey_time != 0 && ch->rand_time >= ch->rekey_time)
		return kerr(c, sec, rand, "rand_time (%llus) must be less than "
		    "rekey_time (%llus)", (unsigned long long)ch->rand_time,
		    (unsigned long long)ch->rekey_time);
	if (lifeb == NULL)
		ch->life_bytes = ch->rekey_bytes / 100 * 110;
	if (!has_rand_b)
		ch->rand_bytes = ch->life_bytes > ch->rekey_bytes ?
		    ch->life_bytes - ch->rekey_bytes : 0;
	if (lifep == NULL)
		ch->life_packets = ch->rekey_packets / 100 * 110;
	if (!has_rand_p)
		ch->rand_packets = ch->life_packets > ch->rekey_packets ?
		    ch->life_packets - ch->rekey_packets : 0;
	return 0;
}

static const struct refusal conn_refused[] = {
	{ "vips", NULL, "nicsec does no virtual IPs" },
	{ "pools", NULL, "nicsec does no virtual IPs" },
	{ "pull", NULL, "nicsec does no Mode Config" },
	{ "aggressive", "no false 0", "Aggressive Mode is IKEv1" },
	{ "dscp", "000000", "nicsecd sets no DSCP on IKE packets" },
	{ "mobike", "no false 0", "nicsec does no MOBIKE" },
	{ "fragmentation", "no false 0", "nicsec does no IKE "
	    "fragmentation" },
	{ "childless", "allow", "nicsecd creates the first CHILD_SA in "
	    "IKE_AUTH" },
	{ "ppk_id", NULL, "nicsec does no postquantum PPKs" },
	{ "ppk_required", "no false 0", "nicsec does no postquantum PPKs" },
	{ "if_id_in", "0", "XFRM interfaces are a kernel feature" },
	{ "if_id_out", "0", "XFRM interfaces are a kernel feature" },
	{ "mediation", "no false 0", "nicsec does no IKE mediation" },
	{ "mediated_by", NULL, "nicsec does no IKE mediation" },
	{ "mediation_peer", NULL, "nicsec does no IKE mediation" },
};

static int
conn_key(struct ctx *c, const struct conf_section *sec,
    const struct conf_kv *kv, struct conf_conn *cn, int *have_over,
    int *have_rand)
{
	static const char *const uniq[] = { "no", "never", "replace", "keep" };
	static const char *const sendc[] = { "ifasked", "always", "never" };
	const char *k = kv->key;
	uint64_t v;
	int r;

	if (strcmp(k, "children") == 0)
		return kerr(c, sec, kv, "'children' is a section: children "
		    "{ NAME { ... } }");
	if (strcmp(k, "version") == 0) {
		if (strcmp(kv->value, "1") == 0)
			return kerr(c, sec, kv, "'version = 1' is not "
			    "supported (nicsec does IKEv2 only)");
		if (strcmp(kv->value, "0") != 0 && strcmp(kv->value, "2") != 0)
			return kerr(c, sec, kv, "'%s' is not 0 or 2",
			    kv->value);
		cn->version = kv->value[0] - '0';
		return 0;
	}
	if (strcmp(k, "local_addrs") == 0)
		return p_addrs(c, sec, kv, &cn->local_addrs,
		    &cn->nlocal_addrs);
	if (strcmp(k, "remote_addrs") == 0)
		return p_addrs(c, sec, kv, &cn->remote_addrs,
		    &cn->nremote_addrs);
	if (strcmp(k, "local_port") == 0 || strcmp(k, "remote_port") == 0) {
		if (p_uint(c, sec, kv, 65535, &v) != 0)
			return -1;
		if (v == 0)
			return kerr(c, sec, kv, "port 0");
		*(k[0] == 'l' ? &cn->local_port : &cn->remote_port) =
		    (uint16_t)v;
		return 0;
	}
	if (strcmp(k, "proposals") == 0)
		return p_proposals(c, sec, kv, IKE_PROTO_IKE, cn->ike,
		    &cn->nike);
	if (strcmp(k, "encap") == 0)
		return p_bool(c, sec, kv, &cn->encap);
	if (strcmp(k, "dpd_delay") == 0)
		return p_time(c, sec, kv, &cn->dpd_delay);
	if (strcmp(k, "dpd_timeout") == 0)
		return p_time(c, sec, kv, &cn->dpd_timeout);
	if (strcmp(k, "rekey_time") == 0)
		return p_time(c, sec, kv, &cn->rekey_time);
	if (strcmp(k, "reauth_time") == 0) {
		if (p_time(c, sec, kv, &cn->reauth_time) != 0)
			return -1;
		if (cn->reauth_time != 0)
			return kerr(c, sec, kv, "'reauth_time = %s' is not "
			    "supported (nicsec rekeys IKE SAs, it does not "
			    "reauthenticate)", kv->value);
		return 0;
	}
	if (strcmp(k, "over_time") == 0)
		return *have_over = 1, p_time(c, sec, kv, &cn->over_time);
	if (strcmp(k, "rand_time") == 0)
		return *have_rand = 1, p_time(c, sec, kv, &cn->rand_time);
	if (strcmp(k, "keyingtries") == 0) {
		r = p_uint(c, sec, kv, UINT32_MAX, &v);
		cn->keyingtries = (uint32_t)v;
		return r;
	}
	if (strcmp(k, "unique") == 0)
		return p_enum(c, sec, kv, uniq, N(uniq),
		    "no, never, replace or keep", &cn->unique);
	if (strcmp(k, "send_certreq") == 0)
		return p_bool(c, sec, kv, &cn->send_certreq);
	if (strcmp(k, "send_cert") == 0)
		return p_enum(c, sec, kv, sendc, N(sendc),
		    "ifasked, always or never", &cn->send_cert);
	if ((r = refused(c, sec, kv, conn_refused, N(conn_refused))) != -1)
		return r == 1 ? -1 : 0;
	return kerr(c, sec, kv, "unknown key '%s'", k);
}

/* Some remote address one can send to: needed to initiate. */
static int
has_host(const struct conf_addr *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i].host)
			return 1;
	return 0;
}

/* The address families a list covers: bit 1 IPv4, bit 2 IPv6, 3 any. */
static int
families_addr(const struct conf_addr *a, size_t n)
{
	size_t i;
	int f = 0;

	if (n == 0)
		return 3;
	for (i = 0; i < n; i++)
		f |= a[i].family == AF_INET ? 1 : a[i].family == AF_INET6 ? 2 :
		    3;
	return f;
}

static int
families_ts(const struct conf_ts *t, size_t n)
{
	size_t i;
	int f = 0;

	if (n == 0)
		return 3;		/* dynamic */
	for (i = 0; i < n; i++)
		f |= t[i].dynamic ? 3 : t[i].family == AF_INET ? 1 : 2;
	return f;
}

/* Checks across keys, once the connection is read. */
static int
conn_check(struct ctx *c, const struct conf_section *sec,
    struct conf_conn *cn)
{
	const struct conf_section *cs;
	const struct conf_kv *kv;
	size_t i;

	if ((families_addr(cn->local_addrs, cn->nlocal_addrs) &
	    families_addr(cn->remote_addrs, cn->nremote_addrs)) == 0) {
		kv = conf_kv_find(sec, "remote_addrs");
		return kerr(c, sec, kv, "no address family in common with "
		    "local_addrs");
	}
	if (cn->remote.auth == CONF_AUTH_PUBKEY && cn->remote.ncerts == 0 &&
	    cn->remote.ncacerts == 0)
		return serr(c, sec, "remote auth is pubkey but no remote "
		    "certs or cacerts are given (nicsecd trusts no CA folder "
		    "by itself)");
	cs = conf_section_find(sec, "children");
	for (i = 0; i < cn->nchildren; i++) {
		struct conf_child *ch = &cn->children[i];
		const struct conf_section *chs = conf_section_find(cs,
		    ch->name);

		if ((families_ts(ch->local_ts, ch->nlocal_ts) &
		    families_ts(ch->remote_ts, ch->nremote_ts)) == 0)
			return kerr(c, chs, conf_kv_find(chs, "remote_ts"),
			    "no address family in common with local_ts: no "
			    "traffic could match");
		if (ch->start_action != CONF_ACTION_NONE &&
		    !has_host(cn->remote_addrs, cn->nremote_addrs))
			return kerr(c, chs, conf_kv_find(chs, "start_action"),
			    "'start_action = %s' needs an address to "
			    "initiate to, and remote_addrs has none (only "
			    "%%any, subnets or ranges)",
			    conf_kv_find(chs, "start_action")->value);
	}
	return 0;
}

static int
conn(struct ctx *c, const struct conf_section *sec, struct conf_conn *cn)
{
	const struct conf_section *s, *cs, *local = NULL, *remote = NULL;
	const struct conf_kv *kv;
	struct conf_child *nv;
	int have_over = 0, have_rand = 0;

	if ((cn->name = strdup(sec->name)) == NULL)
		return serr(c, sec, "out of memory");
	cn->file = sec->file;
	cn->line = sec->line;
	cn->local_port = cn->remote_port = 500;
	cn->nike = ike_xform_default(IKE_PROTO_IKE, cn->ike,
	    IKE_PROPOSALS_MAX);
	cn->rekey_time = 4 * 3600;
	cn->keyingtries = 1;
	cn->send_certreq = 1;
	cn->local.auth = cn->remote.auth = CONF_AUTH_PUBKEY;
	for (kv = sec->kv; kv != NULL; kv = kv->next) {
		if (*kv->value == '\0')
			continue;
		if (conn_key(c, sec, kv, cn, &have_over, &have_rand) != 0)
			return -1;
	}
	for (s = sec->sub; s != NULL; s = s->next) {
		if (strcmp(s->name, "children") == 0) {
			continue;
		} else if (is_prefix(s->name, "local")) {
			if (local != NULL)
				return serr(c, s, "a second local "
				    "authentication round ('%s' after '%s') "
				    "is not supported (nicsec does one round: "
				    "no RFC 4739 multiple authentication)",
				    s->name, local->name);
			local = s;
			if (auth_round(c, s, &cn->local, 0) != 0)
				return -1;
		} else if (is_prefix(s->name, "remote")) {
			if (remote != NULL)
				return serr(c, s, "a second remote "
				    "authentication round ('%s' after '%s') "
				    "is not supported (nicsec does one round: "
				    "no RFC 4739 multiple authentication)",
				    s->name, remote->name);
			remote = s;
			if (auth_round(c, s, &cn->remote, 1) != 0)
				return -1;
		} else {
			return serr(c, s, "unknown section '%s'", s->name);
		}
	}
	if ((cs = conf_section_find(sec, "children")) != NULL) {
		if (cs->kv != NULL)
			return kerr(c, cs, cs->kv, "a key directly in children "
			    "(each child is a section: children { NAME { ... "
			    "} })");
		for (s = cs->sub; s != NULL; s = s->next) {
			nv = realloc(cn->children, (cn->nchildren + 1) *
			    sizeof(*nv));
			if (nv == NULL)
				return serr(c, s, "out of memory");
			cn->children = nv;
			memset(&nv[cn->nchildren], 0, sizeof(*nv));
			cn->nchildren++;
			if (child(c, s, &nv[cn->nchildren - 1]) != 0)
				return -1;
		}
	}
	/* strongSwan: over_time 10% of rekey (reauth is 0), rand over */
	if (!have_over)
		cn->over_time = cn->rekey_time / 10;
	if (!have_rand)
		cn->rand_time = cn->over_time;
	else if (cn->rekey_time != 0 && cn->rand_time >= cn->rekey_time)
		return kerr(c, sec, conf_kv_find(sec, "rand_time"),
		    "rand_time (%llus) must be less than rekey_time (%llus)",
		    (unsigned long long)cn->rand_time,
		    (unsigned long long)cn->rekey_time);
	return conn_check(c, sec, cn);
}

static int
connections(struct ctx *c, const struct conf_section *sec)
{
	const struct conf_section *s;
	struct conf_conn *nv;
	struct conf *cf = c->conf;

	if (sec->kv != NULL)
		return kerr(c, sec, sec->kv, "a key directly in connections "
		    "(each connection is a section: connections { NAME { ... "
		    "} })");
	for (s = sec->sub; s != NULL; s = s->next) {
		if ((nv = realloc(cf->conns, (cf->nconns + 1) *
		    sizeof(*nv))) == NULL)
			return serr(c, s, "out of memory");
		cf->conns = nv;
		memset(&nv[cf->nconns], 0, sizeof(*nv));
		cf->nconns++;
		if (conn(c, s, &nv[cf->nconns - 1]) != 0)
			return -1;
	}
	return 0;
}

static int
secret_ike(struct ctx *c, const struct conf_section *sec,
    struct conf_secret *sc)
{
	const struct conf_kv *kv;
	struct conf_id *nv;

	for (kv = sec->kv; kv != NULL; kv = kv->next) {
		if (*kv->value == '\0')
			continue;
		if (strcmp(kv->key, "secret") == 0) {
			if (p_secret(c, sec, kv, &sc->secret, &sc->len) != 0)
				return -1;
		} else if (is_prefix(kv->key, "id")) {
			if ((nv = realloc(sc->ids, (sc->nids + 1) *
			    sizeof(*nv))) == NULL)
				return oom(c, sec, kv);
			sc->ids = nv;
			memset(&nv[sc->nids], 0, sizeof(*nv));
			sc->nids++;
			if (p_id(c, sec, kv, &nv[sc->nids - 1]) != 0)
				return -1;
		} else {
			return kerr(c, sec, kv, "unknown key '%s'", kv->key);
		}
	}
	if (sc->secret == NULL)
		return serr(c, sec, "no secret given");
	return 0;
}

static int
secret_key(struct ctx *c, const struct conf_section *sec, const char *sub,
    struct conf_key *k)
{
	const struct conf_kv *kv;

	for (kv = sec->kv; kv != NULL; kv = kv->next) {
		if (*kv->value == '\0')
			continue;
		if (strcmp(kv->key, "file") == 0) {
			free(k->file);
			k->file = NULL;
			if (resolve(c, sec, kv, kv->value, sub, &k->file) != 0)
				return -1;
		} else if (strcmp(kv->key, "secret") == 0) {
			if (p_secret(c, sec, kv, &k->passphrase,
			    &k->passlen) != 0)
				return -1;
		} else {
			return kerr(c, sec, kv, "unknown key '%s'", kv->key);
		}
	}
	if (k->file == NULL)
		return serr(c, sec, "no file given (the private key to load)");
	return 0;
}

static int
secrets(struct ctx *c, const struct conf_section *sec)
{
	/* strongSwan's prefixes, in the order swanctl tries them */
	static const struct {
		const char	*prefix;
		const char	*dir;		/* private key folder */
		const char	*why;		/* refused */
	} kinds[] = {
		{ "eap", NULL, "nicsec does no EAP" },
		{ "xauth", NULL, "nicsec does no XAuth" },
		{ "ntlm", NULL, "nicsec does no EAP" },
		{ "ike", NULL, NULL },
		{ "ppk", NULL, "nicsec does no postquantum PPKs" },
		{ "private", "private", NULL },
		{ "rsa", "rsa", NULL },
		{ "ecdsa", "ecdsa", NULL },
		{ "pkcs8", "pkcs8", NULL },
		{ "pkcs12", NULL, "nicsec loads no PKCS#12 containers: "
		    "give the key (private-*) and certs apart" },
		{ "token", NULL, "nicsec uses no smartcards or tokens" },
	};
	const struct conf_section *s;
	struct conf *cf = c->conf;
	size_t i;

	if (sec->kv != NULL)
		return kerr(c, sec, sec->kv, "a key directly in secrets (each "
		    "secret is a section: secrets { ike-NAME { ... } })");
	for (s = sec->sub; s != NULL; s = s->next) {
		for (i = 0; i < N(kinds); i++)
			if (is_prefix(s->name, kinds[i].prefix))
				break;
		if (i == N(kinds))
			return serr(c, s, "unknown secret type '%s' (nicsec "
			    "takes ike-*, and private-*, rsa-*, ecdsa-*, "
			    "pkcs8-* for private key files)", s->name);
		if (kinds[i].why != NULL)
			return serr(c, s, "'%s' is not supported (%s)",
			    s->name, kinds[i].why);
		if (kinds[i].dir == NULL) {
			struct conf_secret *nv = realloc(cf->secrets,
			    (cf->nsecrets + 1) * sizeof(*nv));

			if (nv == NULL)
				return serr(c, s, "out of memory");
			cf->secrets = nv;
			memset(&nv[cf->nsecrets], 0, sizeof(*nv));
			if ((nv[cf->nsecrets++].name = strdup(s->name)) == NULL)
				return serr(c, s, "out of memory");
			if (secret_ike(c, s, &nv[cf->nsecrets - 1]) != 0)
				return -1;
		} else {
			struct conf_key *nv = realloc(cf->keys, (cf->nkeys + 1) *
			    sizeof(*nv));

			if (nv == NULL)
				return serr(c, s, "out of memory");
			cf->keys = nv;
			memset(&nv[cf->nkeys], 0, sizeof(*nv));
			if ((nv[cf->nkeys++].name = strdup(s->name)) == NULL)
				return serr(c, s, "out of memory");
			if (secret_key(c, s, kinds[i].dir,
			    &nv[cf->nkeys - 1]) != 0)
				return -1;
		}
	}
	return 0;
}

/* A non-negative number of seconds or a factor, with a fraction. */
static int
p_real(struct ctx *c, const struct conf_section *sec,
    const struct conf_kv *kv, double lo, double hi, double *out)
{
	char *e;
	double v;

	v = strtod(kv->value, &e);
	if (e == kv->value || *e != '\0' || !(v >= lo && v <= hi))
		return kerr(c, sec, kv, "'%s' is not a number from %g to %g",
		    kv->value, lo, hi);
	*out = v;
	return 0;
}

/* An interface name as the kernel takes one: 1 to 15 characters, no
 * '/', ':' or white space. */
static int
p_ifname(struct ctx *c, const struct conf_section *sec,
    const struct conf_kv *kv, char out[16])
{
	size_t n = strlen(kv->value);

	if (n >= 16)
		return kerr(c, sec, kv, "%s '%s' is longer than 15 characters",
		    kv->key, kv->value);
	if (strcspn(kv->value, "/: \t") != n)
		return kerr(c, sec, kv, "%s '%s' is not an interface name",
		    kv->key, kv->value);
	memcpy(out, kv->value, n + 1);
	return 0;
}

/* A unicast MAC address, six hex pairs with colons; not all zero (the
 * card's "not configured"). */
static int
p_mac(struct ctx *c, const struct conf_section *sec,
    const struct conf_kv *kv, uint8_t out[6])
{
	static const uint8_t zero[6];
	unsigned m[6];
	char end;
	int i;

	if (sscanf(kv->value, "%2x:%2x:%2x:%2x:%2x:%2x%c", &m[0], &m[1],
	    &m[2], &m[3], &m[4], &m[5], &end) != 6 || strlen(kv->value) != 17)
		return kerr(c, sec, kv, "'%s' is not a MAC address (six hex "
		    "pairs with colons: 02:00:5e:10:00:01)", kv->value);
	for (i = 0; i < 6; i++)
		out[i] = (uint8_t)m[i];
	if (out[0] & 1)
		return kerr(c, sec, kv, "'%s' is a multicast address: the "
		    "card's frames go to one next hop", kv->value);
	if (memcmp(out, zero, 6) == 0)
		return kerr(c, sec, kv, "'%s' is no address (leave the key "
		    "out to have it found)", kv->value);
	return 0;
}

/* The keys that give the card's Ethernet addresses; 1: not one of them. */
static int
ether_key(struct ctx *c, const struct conf_section *sec,
    const struct conf_kv *kv, struct conf_daemon *d)
{
	const char *k = kv->key;

	if (strcmp(k, "wan_interface") == 0)
		return p_ifname(c, sec, kv, d->wan_interface);
	if (strcmp(k, "lan_next_hop") == 0) {
		if (parse_ip(kv->value, &d->lan_next_hop_family,
		    d->lan_next_hop) != 0)
			return kerr(c, sec, kv, "'%s' is not an IPv4 or IPv6 "
			    "address", kv->value);
		return 0;
	}
	if (strcmp(k, "lan_mac") == 0)
		return p_mac(c, sec, kv, d->lan_mac);
	if (strcmp(k, "wan_mac") == 0)
		return p_mac(c, sec, kv, d->wan_mac);
	if (strcmp(k, "lan_next_hop_mac") == 0)
		return p_mac(c, sec, kv, d->lan_next_hop_mac);
	if (strcmp(k, "wan_next_hop_mac") == 0)
		return p_mac(c, sec, kv, d->wan_next_hop_mac);
	return 1;
}

static int
daemon_section(struct ctx *c, const struct conf_section *sec)
{
	struct conf_daemon *d = &c->conf->daemon;
	const struct conf_kv *kv;
	uint64_t v;
	int r;

	if (sec->sub != NULL)
		return serr(c, sec->sub, "unknown section '%s' (nicsecd takes "
		    "keys only)", sec->sub->name);
	for (kv = sec->kv; kv != NULL; kv = kv->next) {
		const char *k = kv->key;

		if (*kv->value == '\0')
			continue;	/* as strongSwan's settings: the default */
		if (strcmp(k, "retransmit_timeout") == 0)
			r = p_real(c, sec, kv, 0.1, 3600, &d->retransmit_timeout);
		else if (strcmp(k, "retransmit_base") == 0)
			r = p_real(c, sec, kv, 1, 10, &d->retransmit_base);
		else if (strcmp(k, "retransmit_limit") == 0)
			r = p_real(c, sec, kv, 0, 86400, &d->retransmit_limit);
		else if (strcmp(k, "retransmit_tries") == 0) {
			r = p_uint(c, sec, kv, 100, &v);
			d->retransmit_tries = (uint32_t)v;
		} else if (strcmp(k, "keep_alive") == 0)
			r = p_time(c, sec, kv, &d->keep_alive);
		else if (strcmp(k, "cookie_threshold") == 0) {
			r = p_uint(c, sec, kv, 1000000, &v);
			d->cookie_threshold = (uint32_t)v;
		} else if (strcmp(k, "lan_interface") == 0)
			r = p_ifname(c, sec, kv, d->lan_interface);
		else if ((r = ether_key(c, sec, kv, d)) == 1)
			r = kerr(c, sec, kv, "unknown key '%s'", k);
		if (r != 0)
			return -1;
	}
	/* a neighbour is looked up on an interface */
	if (d->lan_next_hop_family != 0 && d->lan_interface[0] == '\0')
		return serr(c, sec, "lan_next_hop needs lan_interface (the "
		    "interface whose neighbour table holds it)");
	return 0;
}

static int
top(struct ctx *c, const struct conf_section *root)
{
	const struct conf_section *s;

	if (root->kv != NULL)
		return kerr(c, root, root->kv, "'%s' outside any section "
		    "(swanctl.conf keys belong in connections or secrets)",
		    root->kv->key);
	for (s = root->sub; s != NULL; s = s->next) {
		if (strcmp(s->name, "connections") == 0) {
			if (connections(c, s) != 0)
				return -1;
		} else if (strcmp(s->name, "secrets") == 0) {
			if (secrets(c, s) != 0)
				return -1;
		} else if (strcmp(s->name, "nicsecd") == 0) {
			if (daemon_section(c, s) != 0)
				return -1;
		} else if (strcmp(s->name, "pools") == 0) {
			return serr(c, s, "'pools' is not supported (nicsec "
			    "does no virtual IPs)");
		} else if (strcmp(s->name, "authorities") == 0) {
			return serr(c, s, "'authorities' is not supported "
			    "(give CA certificates in remote cacerts)");
		} else {
			return serr(c, s, "unknown section '%s'", s->name);
		}
	}
	return 0;
}

static void
free_id(struct conf_id *id)
{
	free(id->str);
}

static void
free_auth(struct conf_auth *a)
{
	free_id(&a->id);
	free_list(a->certs, a->ncerts);
	free_list(a->cacerts, a->ncacerts);
}

void
conf_free(struct conf *cf)
{
	size_t i, j;

	if (cf == NULL)
		return;
	for (i = 0; i < cf->nconns; i++) {
		struct conf_conn *cn = &cf->conns[i];

		for (j = 0; j < cn->nchildren; j++) {
			free(cn->children[j].name);
			free(cn->children[j].local_ts);
			free(cn->children[j].remote_ts);
			free(cn->children[j].monitor_hook);
		}
		free(cn->children);
		free(cn->name);
		free(cn->local_addrs);
		free(cn->remote_addrs);
		free_auth(&cn->local);
		free_auth(&cn->remote);
	}
	free(cf->conns);
	for (i = 0; i < cf->nsecrets; i++) {
		struct conf_secret *s = &cf->secrets[i];

		if (s->secret != NULL)
			explicit_bzero(s->secret, s->len);
		free(s->secret);
		for (j = 0; j < s->nids; j++)
			free_id(&s->ids[j]);
		free(s->ids);
		free(s->name);
	}
	free(cf->secrets);
	for (i = 0; i < cf->nkeys; i++) {
		struct conf_key *k = &cf->keys[i];

		if (k->passphrase != NULL)
			explicit_bzero(k->passphrase, k->passlen);
		free(k->passphrase);
		free(k->file);
		free(k->name);
	}
	free(cf->keys);
	free(cf->path);
	free(cf);
}

int
conf_load(const char *path, struct conf **out, char *err, size_t errlen)
{
	struct conf_tree *tree;
	struct ctx c;
	char *copy;
	int r = -1;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	c.err = err;
	c.errlen = errlen;
	if (conf_tree_load(path, &tree, err, errlen) != 0)
		return -1;
	copy = strdup(path);
	c.dir = copy != NULL ? strdup(dirname(copy)) : NULL;
	free(copy);
	c.conf = calloc(1, sizeof(*c.conf));
	if (c.dir == NULL || c.conf == NULL ||
	    (c.conf->path = strdup(path)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	c.conf->daemon.retransmit_timeout = 4.0;
	c.conf->daemon.retransmit_base = 1.8;
	c.conf->daemon.retransmit_tries = 5;
	c.conf->daemon.keep_alive = 20;
	c.conf->daemon.cookie_threshold = 10;
	if ((r = top(&c, &tree->root)) == 0) {
		*out = c.conf;
		c.conf = NULL;
	}
out:
	conf_free(c.conf);
	free(c.dir);
	conf_tree_free(tree);
	return r;
}

const struct conf_conn *
conf_conn_find(const struct conf *cf, const char *name)
{
	size_t i;

	for (i = 0; i < cf->nconns; i++)
		if (strcmp(cf->conns[i].name, name) == 0)
			return &cf->conns[i];
	return NULL;
}
