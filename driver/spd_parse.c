/*
 * spd_parse.c - policy rules, one a line: src PFX dst PFX [proto P] action A.
 * See spd_parse.h.  Written to read like the SA parser's selectors, so a
 * prefix or protocol means the same in both files.
 */
#define _DEFAULT_SOURCE		/* getline() */

#include "spd_parse.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* More than any good line has (8). */
#define MAX_TOKENS	16

static int
perr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* ADDR[/PLEN] into out, *family and *plen; -1 with a message. */
static int
prefix(const char *kw, const char *s, int *family, uint8_t out[16], int *plen,
    char *err, size_t errlen)
{
	const char *slash = strchr(s, '/');
	char a[64];
	int i, max;

	memset(out, 0, 16);
	if (slash != NULL && (size_t)(slash - s) >= sizeof(a))
		return perr(err, errlen, "%s: '%s' is not an IPv4 or IPv6 "
		    "prefix", kw, s);
	snprintf(a, sizeof(a), "%.*s", slash != NULL ? (int)(slash - s) :
	    (int)strlen(s), s);
	if (inet_pton(AF_INET, a, out) == 1)
		*family = AF_INET;
	else if (inet_pton(AF_INET6, a, out) == 1)
		*family = AF_INET6;
	else
		return perr(err, errlen, "%s: '%s' is not an IPv4 or IPv6 "
		    "prefix", kw, s);
	max = *family == AF_INET ? 32 : 128;
	*plen = max;
	if (slash != NULL) {
		const char *d = slash + 1;

		if (*d == '\0' || strspn(d, "0123456789") != strlen(d) ||
		    strlen(d) > 3 || atoi(d) > max)
			return perr(err, errlen, "%s: '%s': bad prefix length "
			    "(0..%d)", kw, s, max);
		*plen = atoi(d);
	}
	/* Host bits set are most likely a typo for another network. */
	for (i = *plen; i < max; i++) {
		if (out[i / 8] & (0x80 >> (i % 8)))
			return perr(err, errlen, "%s: '%s' has host bits set "
			    "past /%d", kw, s, *plen);
	}
	return 0;
}

static int
protocol(const char *s, int *proto, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		int         num;
	} names[] = {
		{ "tcp", 6 }, { "udp", 17 }, { "icmp", 1 }, { "ipv6-icmp", 58 },
	};
	char *end;
	unsigned long v;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(s, names[i].name) == 0) {
			*proto = names[i].num;
			return 0;
		}
	}
	errno = 0;
	v = strtoul(s, &end, 0);
	if (!isdigit((unsigned char)*s) || *end != '\0' || errno != 0 ||
	    v > 255)
		return perr(err, errlen, "proto: '%s' is not tcp, udp, icmp, "
		    "ipv6-icmp or a number 0..255", s);
	*proto = v == 0 ? -1 : (int)v;	/* 0: any, as ip's selectors */
	return 0;
}

/* An SPI as ip reads one (strtoul base 0), nonzero and 32 bits. */
static int
spi_value(const char *s, uint32_t *spi, char *err, size_t errlen)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (*s == '-' || *end != '\0' || errno != 0 || v == 0 ||
	    v > UINT32_MAX)
		return perr(err, errlen, "spi: '%s' is not a number 1 .. "
		    "0xffffffff", s);
	*spi = (uint32_t)v;
	return 0;
}

static int
action(const char *s, int *act, char *err, size_t errlen)
{
	if (strcmp(s, "bypass") == 0)
		*act = SPD_BYPASS;
	else if (strcmp(s, "drop") == 0)
		*act = SPD_DROP;
	else if (strcmp(s, "punt") == 0)
		*act = SPD_PUNT;
	else if (strcmp(s, "protect") == 0)
		*act = SPD_PROTECT;
	else
		return perr(err, errlen, "action: '%s' is not protect, bypass, "
		    "drop or punt", s);
	return 0;
}

int
spd_parse_line(const char *line, struct nicsec_spd_rule *r, char *err,
    size_t errlen)
{
	char buf[SPD_LINE_MAX + 2], *tok[MAX_TOKENS], *s, *save = NULL;
	int ntok = 0, i, fsrc = 0, fdst = 0;
	int have_src = 0, have_dst = 0, have_proto = 0, have_action = 0;
	int have_spi = 0;
	size_t len = strlen(line);

	memset(r, 0, sizeof(*r));
	r->proto = -1;
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (len > SPD_LINE_MAX)
		return perr(err, errlen, "line longer than %d characters",
		    SPD_LINE_MAX);
	memcpy(buf, line, len);
	buf[len] = '\0';
	if ((s = strchr(buf, '#')) != NULL)
		*s = '\0';
	for (s = strtok_r(buf, " \t", &save); s != NULL;
	    s = strtok_r(NULL, " \t", &save)) {
		if (ntok == MAX_TOKENS)
			return perr(err, errlen, "too many words (a rule is "
			    "src PFX dst PFX [proto P] action A)");
		tok[ntok++] = s;
	}
	if (ntok == 0)
		return 0;

	for (i = 0; i < ntok; i += 2) {
		const char *kw = tok[i], *v = i + 1 < ntok ? tok[i + 1] : NULL;
		int rc, *seen;

		if (strcmp(kw, "src") == 0)
			seen = &have_src;
		else if (strcmp(kw, "dst") == 0)
			seen = &have_dst;
		else if (strcmp(kw, "proto") == 0)
			seen = &have_proto;
		else if (strcmp(kw, "action") == 0)
			seen = &have_action;
		else if (strcmp(kw, "spi") == 0)
			seen = &have_spi;
		else
			return perr(err, errlen, "unknown keyword '%s' (a rule "
			    "is src PFX dst PFX [proto P] action A [spi N])",
			    kw);
		if ((*seen)++)
			return perr(err, errlen, "'%s' given twice", kw);
		if (v == NULL)
			return perr(err, errlen, "'%s' needs a value", kw);
		if (seen == &have_src)
			rc = prefix("src", v, &fsrc, r->src, &r->src_plen, err,
			    errlen);
		else if (seen == &have_dst)
			rc = prefix("dst", v, &fdst, r->dst, &r->dst_plen, err,
			    errlen);
		else if (seen == &have_proto)
			rc = protocol(v, &r->proto, err, errlen);
		else if (seen == &have_spi)
			rc = spi_value(v, &r->spi, err, errlen);
		else
			rc = action(v, &r->action, err, errlen);
		if (rc != 0)
			return -1;
	}
	if (!have_src || !have_dst || !have_action)
		return perr(err, errlen, "missing '%s' (a rule is src PFX dst "
		    "PFX [proto P] action A)", !have_src ? "src" :
		    !have_dst ? "dst" : "action");
	if (r->action == SPD_PROTECT && !have_spi)
		return perr(err, errlen, "action protect needs 'spi N': the "
		    "outbound SA the traffic goes into");
	if (r->action != SPD_PROTECT && have_spi)
		return perr(err, errlen, "'spi' goes with action protect only, "
		    "not %s", spd_action_name(r->action));
	if (fsrc != fdst)
		return perr(err, errlen, "src is %s but dst is %s",
		    fsrc == AF_INET ? "IPv4" : "IPv6",
		    fdst == AF_INET ? "IPv4" : "IPv6");
	r->family = fsrc;
	return 1;
}

int
spd_parse_file(const char *path, struct nicsec_spd_rule **rules, size_t *n,
    char *err, size_t errlen)
{
	struct nicsec_spd_rule r, *v = NULL, *nv;
	char *line = NULL, msg[512];
	size_t linecap = 0, nr = 0, cap = 0;
	int lineno = 0, rc, ret = -1;
	FILE *fp;

	*rules = NULL;
	*n = 0;
	if ((fp = fopen(path, "r")) == NULL)
		return perr(err, errlen, "%s: %s", path, strerror(errno));
	while (getline(&line, &linecap, fp) != -1) {
		lineno++;
		rc = spd_parse_line(line, &r, msg, sizeof(msg));
		if (rc < 0) {
			perr(err, errlen, "%s:%d: %s", path, lineno, msg);
			goto out;
		}
		if (rc == 0)
			continue;
		if (nr == cap) {
			cap = cap > 0 ? 2 * cap : 16;
			if ((nv = (struct nicsec_spd_rule *)realloc(v,
			    cap * sizeof(*v))) == NULL) {
				perr(err, errlen, "%s:%d: out of memory", path,
				    lineno);
				goto out;
			}
			v = nv;
		}
		v[nr++] = r;
	}
	if (ferror(fp)) {
		perr(err, errlen, "%s: read error: %s", path, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	free(line);
	fclose(fp);
	if (ret == 0 && nr > 0) {
		*rules = v;
		*n = nr;
	} else {
		free(v);
	}
	return ret;
}

const char *
spd_action_name(int act)
{
	switch (act) {
	case SPD_BYPASS:
		return "bypass";
	case SPD_DROP:
		return "drop";
	case SPD_PUNT:
		return "punt";
	default:
		return "protect";
	}
}
