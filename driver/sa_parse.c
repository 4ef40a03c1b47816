/*
 * sa_parse.c - SA lines in the argument syntax of `ip xfrm state add`.
 *
 * See sa_parse.h for the syntax.  The parser follows iproute2's own
 * (ip/xfrm_state.c) where it can: the same keywords, the same grouping
 * (`sel` and `flag` take the tokens after them for as long as they are
 * theirs), numbers read with strtoul base 0.  It is stricter where a quiet
 * misreading would be costly on a card: every SA must say which way it goes,
 * every unsupported option is refused by name, and a selector with host bits
 * set is refused rather than masked.
 *
 * Key material passes through the caller's line, our copy of it, the stdio
 * and getline() buffers of sa_parse_file(), and the struct.  Every buffer of
 * ours is wiped with explicit_bzero() before it is released, and no error
 * message repeats a key: a long hex token is shown by its length.
 *
 * Kept valid C++ as well as C11 (the Verilator harness may build it as C++):
 * hence the casts on malloc() and no designated initializers.
 */
#define _DEFAULT_SOURCE		/* explicit_bzero(), getline() */

#include "sa_parse.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* More than any valid line has (about 60); a line with more is refused. */
#define MAX_TOKENS	128

#define GCM_ONLY	"nicsec does AES-GCM only: aead 'rfc4106(gcm(aes))'"
#define AEAD_NAME	"rfc4106(gcm(aes))"

/* Keywords that may be given once each: a bit each in parser.seen. */
enum kw {
	K_SRC, K_DST, K_PROTO, K_SPI, K_REQID, K_MODE, K_REPLAY_WINDOW,
	K_REPLAY_SEQ, K_REPLAY_OSEQ, K_REPLAY_SEQ_HI, K_REPLAY_OSEQ_HI,
	K_FLAG_ESN, K_AEAD, K_ENCAP, K_SEL, K_DIR, K_ETHER,
	K_BYTE_SOFT, K_BYTE_HARD, K_PACKET_SOFT, K_PACKET_HARD,
	NKW
};

/*
 * Options of `ip xfrm state add` that the card has no use for, each with the
 * reason given to the user.  Anything that is neither here nor handled below
 * is an "unknown keyword".
 */
static const struct {
	const char *kw;
	const char *why;
} unsupported[] = {
	{ "enc",	 GCM_ONLY },
	{ "auth",	 GCM_ONLY },
	{ "auth-trunc",	 GCM_ONLY },
	{ "comp",	 "nicsec does not do IPComp" },
	{ "mark",	 "marks steer the kernel's lookups; the card has none" },
	{ "output-mark", "marks steer the kernel's routing; the card has none" },
	{ "if_id",	 "xfrm interfaces are a kernel feature" },
	{ "seq",	 "ip's 'seq' matches an ACQUIRE; to start the ESP "
			 "sequence elsewhere use replay-oseq" },
	{ "coa",	 "Mobile IPv6 is not supported" },
	{ "ctx",	 "security contexts are a kernel (LSM) feature" },
	{ "extra-flag",	 "no extra flags are supported" },
	{ "tfcpad",	 "TFC padding is not supported" },
	{ "offload",	 "kernel offload: the card is the offload" },
};

/* ip's state flags: all but esn are refused by name. */
static const char *const ip_flags[] = {
	"noecn", "decap-dscp", "nopmtudisc", "wildrecv", "icmp", "af-unspec",
	"align4", "esn",
};

struct parser {
	char              *tok[MAX_TOKENS];
	int                ntok, i;		/* i: the next token to read */
	unsigned long      seen;		/* bit per enum kw */
	struct nicsec_sa  *sa;
	const char        *src_tok, *dst_tok;	/* for a family mismatch */
	char               shown[2][64];	/* see show() */
	char              *err;
	size_t             errlen;
};

/* Formats a message into the caller's buffer; returns -1. */
static int
perr(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	if (p->err != NULL && p->errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(p->err, p->errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int
ishex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return c - 'A' + 10;
}

/*
 * A token as it may appear in a message, in one of two slots (a message
 * shows at most two tokens).  A hex number too long to be anything but key
 * material is shown by its length, so that a key given in the wrong place
 * does not end up in a log; anything else long is cut.
 */
static const char *
show(struct parser *p, int slot, const char *tok)
{
	char *out = p->shown[slot];
	size_t i, n = strlen(tok);

	if (n > 18 && tok[0] == '0' && (tok[1] == 'x' || tok[1] == 'X')) {
		for (i = 2; i < n && ishex((unsigned char)tok[i]); i++)
			;
		if (i == n) {
			snprintf(out, sizeof(p->shown[0]),
			    "0x... (%zu hex digits)", n - 2);
			return out;
		}
	}
	if (n >= sizeof(p->shown[0]))
		snprintf(out, sizeof(p->shown[0]), "%.40s...", tok);
	else
		snprintf(out, sizeof(p->shown[0]), "%s", tok);
	return out;
}

/* The next token, or NULL with a message when the line ends before it. */
static const char *
next(struct parser *p, const char *what)
{
	if (p->i >= p->ntok) {
		perr(p, "'%s' needs a value: the line ends after it", what);
		return NULL;
	}
	return p->tok[p->i++];
}

/* Marks k seen; a second time is an error naming it. */
static int
once(struct parser *p, enum kw k, const char *name)
{
	if (p->seen & 1ul << k)
		return perr(p, "duplicate '%s'", name);
	p->seen |= 1ul << k;
	return 0;
}

/*
 * Reads all of s as a number the way ip does (strtoull base 0: 0x hex, a
 * leading 0 octal, else decimal), but without the sign or leading space
 * strtoull would let through.  0: *out set; -1: not a number; -2: too big.
 */
static int
parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (*end != '\0')
		return -1;
	if (errno == ERANGE)
		return -2;
	*out = (uint64_t)v;
	return 0;
}

/* The value after keyword kw: a number in min..max. */
static int
number(struct parser *p, const char *kw, uint64_t min, uint64_t max,
    uint64_t *out)
{
	const char *s = next(p, kw);
	int r;

	if (s == NULL)
		return -1;
	r = parse_u64(s, out);
	if (r == -1)
		return perr(p, "%s: '%s' is not a number", kw, show(p, 0, s));
	if (r == -2 || *out < min || *out > max)
		return perr(p, "%s: '%s' is out of range (%llu..%llu)", kw,
		    show(p, 0, s), (unsigned long long)min,
		    (unsigned long long)max);
	return 0;
}

static const char *
family_name(int family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}

/* An IPv4 or IPv6 address, all of s. */
static int
parse_addr(const char *s, int *family, uint8_t out[16])
{
	memset(out, 0, 16);
	if (inet_pton(AF_INET, s, out) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return -1;
}

/* The value after kw: a single address (the tunnel ends, OADDR). */
static int
address(struct parser *p, const char *kw, int *family, uint8_t out[16],
    const char **tok)
{
	const char *s = next(p, kw);

	if (s == NULL)
		return -1;
	if (strchr(s, '/') != NULL)
		return perr(p, "%s: '%s': takes an address, not a prefix", kw,
		    show(p, 0, s));
	if (parse_addr(s, family, out) != 0)
		return perr(p, "%s: '%s' is not an IPv4 or IPv6 address", kw,
		    show(p, 0, s));
	if (tok != NULL)
		*tok = s;
	return 0;
}

/* The value after kw: ADDR[/PLEN]; a bare address is a host (/32, /128). */
static int
prefix(struct parser *p, const char *kw, int *family, uint8_t out[16],
    int *plen)
{
	const char *s = next(p, kw), *slash;
	char a[64];
	uint64_t len;
	int i, max;

	if (s == NULL)
		return -1;
	slash = strchr(s, '/');
	if (slash == NULL) {
		snprintf(a, sizeof(a), "%s", s);
	} else if ((size_t)(slash - s) < sizeof(a)) {
		memcpy(a, s, (size_t)(slash - s));
		a[slash - s] = '\0';
	} else {
		a[0] = '\0';
	}
	if (parse_addr(a, family, out) != 0)
		return perr(p, "%s: '%s' is not an IPv4 or IPv6 prefix", kw,
		    show(p, 0, s));
	max = *family == AF_INET ? 32 : 128;
	if (slash == NULL) {
		*plen = max;
		return 0;
	}
	/* Decimal only here, as ip reads it. */
	if (!isdigit((unsigned char)slash[1]) || strspn(slash + 1,
	    "0123456789") != strlen(slash + 1) || strlen(slash + 1) > 3)
		return perr(p, "%s: '%s': bad prefix length", kw,
		    show(p, 0, s));
	len = strtoull(slash + 1, NULL, 10);
	if (len > (uint64_t)max)
		return perr(p, "%s: '%s': prefix length %d is more than an "
		    "%s address has (%d)", kw, show(p, 0, s), (int)len,
		    family_name(*family), max);
	*plen = (int)len;
	/* Host bits set are most likely a typo for another network. */
	for (i = *plen; i < max; i++) {
		if (out[i / 8] & (0x80 >> (i % 8)))
			return perr(p, "%s: '%s' has host bits set past /%d",
			    kw, show(p, 0, s), *plen);
	}
	return 0;
}

/* The value after kw: a MAC address, six hex pairs with colons. */
static int
mac(struct parser *p, const char *kw, uint8_t out[6])
{
	const char *s = next(p, kw);
	int i;

	if (s == NULL)
		return -1;
	for (i = 0; i < 6; i++) {
		const char *q = s + 3 * i;

		if (!ishex((unsigned char)q[0]) || !ishex((unsigned char)q[1]) ||
		    q[2] != (i < 5 ? ':' : '\0'))
			return perr(p, "%s: '%s' is not a MAC address "
			    "(xx:xx:xx:xx:xx:xx)", kw, show(p, 0, s));
		out[i] = (uint8_t)(hexval(q[0]) << 4 | hexval(q[1]));
	}
	return 0;
}

/* Strips one pair of matching quotes: a file keeps what the shell strips. */
static const char *
unquote(char *s)
{
	size_t n = strlen(s);

	if (n >= 2 && (s[0] == '\'' || s[0] == '"') && s[n - 1] == s[0]) {
		s[n - 1] = '\0';
		return s + 1;
	}
	return s;
}

/* aead NAME KEYMAT ICVBITS */
static int
parse_aead(struct parser *p)
{
	struct nicsec_sa *sa = p->sa;
	const char *name, *km;
	uint64_t icv;
	size_t nd, nb, i;

	if (p->i >= p->ntok)
		return perr(p, "'aead' needs a value: the line ends after it");
	name = unquote(p->tok[p->i++]);
	if (strcmp(name, AEAD_NAME) != 0)
		return perr(p, "aead: unsupported: '%s' (%s)", show(p, 0, name),
		    GCM_ONLY);

	if ((km = next(p, "aead " AEAD_NAME)) == NULL)
		return -1;
	if (km[0] == '[')
		return perr(p, "aead: the key is hidden ('[key hidden]', as sa "
		    "list shows it): give the key itself, 0x...");
	if (km[0] != '0' || (km[1] != 'x' && km[1] != 'X'))
		return perr(p, "aead: the key must be hex: 0x followed by the "
		    "key and the 4-byte salt (40 or 72 hex digits)");
	km += 2;
	nd = strlen(km);
	for (i = 0; i < nd; i++) {
		if (!ishex((unsigned char)km[i]))
			return perr(p, "aead: the key has a character that is "
			    "not a hex digit at position %zu", i + 3);
	}
	if (nd % 2 != 0)
		return perr(p, "aead: the key has an odd number of hex digits "
		    "(%zu)", nd);
	nb = nd / 2;
	if (nb == 28)
		return perr(p, "aead: the key is 28 bytes: AES-192 is not "
		    "supported (key and salt: 20 bytes for AES-128, 36 for "
		    "AES-256)");
	if (nb != 20 && nb != 36)
		return perr(p, "aead: the key is %zu bytes; it must be the AES "
		    "key and the 4-byte salt: 20 bytes for AES-128, 36 for "
		    "AES-256", nb);
	sa->key_len = nb - 4;
	for (i = 0; i < nb; i++) {
		uint8_t b = (uint8_t)(hexval(km[2 * i]) << 4 |
		    hexval(km[2 * i + 1]));

		if (i < sa->key_len)
			sa->key[i] = b;
		else
			sa->salt[i - sa->key_len] = b;
	}

	if (number(p, "aead ICV length", 0, UINT64_MAX, &icv) != 0)
		return -1;
	if (icv != 64 && icv != 96 && icv != 128)
		return perr(p, "aead: ICV length %llu bits: rfc4106 takes 64, 96 "
		    "or 128", (unsigned long long)icv);
	sa->icv_len = (int)(icv / 8);
	return 0;
}

/* encap espinudp SPORT DPORT OADDR */
static int
parse_encap(struct parser *p)
{
	struct nicsec_sa *sa = p->sa;
	const char *type = next(p, "encap");
	uint64_t port;

	if (type == NULL)
		return -1;
	if (strcmp(type, "espinudp-nonike") == 0)
		return perr(p, "encap: 'espinudp-nonike' (the non-IKE marker of "
		    "an old draft) is not supported: use espinudp (RFC 3948)");
	if (strcmp(type, "espintcp") == 0)
		return perr(p, "encap: 'espintcp' (ESP in TCP, RFC 8229) is not "
		    "supported: use espinudp (RFC 3948)");
	if (strcmp(type, "espinudp") != 0)
		return perr(p, "encap: unknown type '%s' (nicsec takes "
		    "espinudp)", show(p, 0, type));
	if (number(p, "encap espinudp SPORT", 1, 65535, &port) != 0)
		return -1;
	sa->encap_sport = (uint16_t)port;
	if (number(p, "encap espinudp DPORT", 1, 65535, &port) != 0)
		return -1;
	sa->encap_dport = (uint16_t)port;
	if (address(p, "encap espinudp OADDR", &sa->encap_ofamily,
	    sa->encap_oaddr, NULL) != 0)
		return -1;
	sa->encap = 1;
	return 0;
}

/* flag FLAG...: ip takes flags for as long as the tokens are flag names. */
static int
parse_flags(struct parser *p)
{
	const char *f;
	size_t k;
	int nflags = 0;

	while (p->i < p->ntok) {
		f = p->tok[p->i];
		for (k = 0; k < sizeof(ip_flags) / sizeof(ip_flags[0]); k++) {
			if (strcmp(f, ip_flags[k]) == 0)
				break;
		}
		if (k == sizeof(ip_flags) / sizeof(ip_flags[0])) {
			if (nflags > 0)
				break;		/* the next keyword */
			if (f[0] == '0' && (f[1] == 'x' || f[1] == 'X'))
				return perr(p, "flag: numeric flags ('%s') are "
				    "not supported: write 'flag esn'",
				    show(p, 0, f));
			return perr(p, "flag: '%s' is not a flag", show(p, 0, f));
		}
		if (strcmp(f, "af-unspec") == 0)
			return perr(p, "unsupported flag 'af-unspec' (nicsec "
			    "takes only 'flag esn'; strongSwan sets af-unspec, "
			    "which means nothing to the card: leave it out)");
		if (strcmp(f, "esn") != 0)
			return perr(p, "unsupported flag '%s' (nicsec takes only "
			    "'flag esn')", f);
		if (once(p, K_FLAG_ESN, "flag esn") != 0)
			return -1;
		p->sa->esn = 1;
		p->i++;
		nflags++;
	}
	if (nflags == 0)
		return perr(p, "'flag' needs a value: the line ends after it");
	return 0;
}

/* sel src PREFIX dst PREFIX [proto P]: both addresses are required. */
static int
parse_sel(struct parser *p)
{
	struct nicsec_sa *sa = p->sa;
	int have_src = 0, have_dst = 0, have_proto = 0, fsrc = 0, fdst = 0;
	const char *t, *src_tok = NULL, *dst_tok = NULL, *proto_tok = NULL;
	uint64_t v;

	while (p->i < p->ntok) {
		t = p->tok[p->i];
		if (strcmp(t, "src") == 0) {
			if (have_src++)
				return perr(p, "duplicate 'sel src' (a second "
				    "'src' after 'sel' is the selector's; put "
				    "the SA's src before sel)");
			p->i++;
			src_tok = p->i < p->ntok ? p->tok[p->i] : NULL;
			if (prefix(p, "sel src", &fsrc, sa->sel.src,
			    &sa->sel.src_plen) != 0)
				return -1;
		} else if (strcmp(t, "dst") == 0) {
			if (have_dst++)
				return perr(p, "duplicate 'sel dst' (a second "
				    "'dst' after 'sel' is the selector's; put "
				    "the SA's dst before sel)");
			p->i++;
			dst_tok = p->i < p->ntok ? p->tok[p->i] : NULL;
			if (prefix(p, "sel dst", &fdst, sa->sel.dst,
			    &sa->sel.dst_plen) != 0)
				return -1;
		} else if (strcmp(t, "proto") == 0) {
			if (have_proto++)
				return perr(p, "duplicate 'sel proto'");
			p->i++;
			if ((proto_tok = next(p, "sel proto")) == NULL)
				return -1;
			if (strcmp(proto_tok, "tcp") == 0)
				sa->sel.proto = 6;
			else if (strcmp(proto_tok, "udp") == 0)
				sa->sel.proto = 17;
			else if (strcmp(proto_tok, "icmp") == 0)
				sa->sel.proto = 1;
			else if (strcmp(proto_tok, "ipv6-icmp") == 0)
				sa->sel.proto = 58;
			else if (parse_u64(proto_tok, &v) == 0 && v <= 255)
				sa->sel.proto = v == 0 ? -1 : (int)v; /* 0: any */
			else
				return perr(p, "sel proto: '%s' is not tcp, udp, "
				    "icmp, ipv6-icmp or a number 0..255%s",
				    show(p, 0, proto_tok),
				    strcmp(proto_tok, "esp") == 0 ? " (put the "
				    "SA's 'proto esp' before sel)" : "");
		} else if (strcmp(t, "dev") == 0 || strcmp(t, "sport") == 0 ||
		    strcmp(t, "dport") == 0 || strcmp(t, "type") == 0 ||
		    strcmp(t, "code") == 0 || strcmp(t, "key") == 0) {
			return perr(p, "unsupported: 'sel ... %s' (nicsec's "
			    "selectors match addresses and protocol only)", t);
		} else {
			break;
		}
	}
	if (!have_src)
		return perr(p, "sel: missing 'src' (sel src PREFIX dst PREFIX)");
	if (!have_dst)
		return perr(p, "sel: missing 'dst' (sel src PREFIX dst PREFIX)");
	if (fsrc != fdst)
		return perr(p, "sel: src %s is %s but dst %s is %s",
		    show(p, 0, src_tok), family_name(fsrc), show(p, 1, dst_tok),
		    family_name(fdst));
	sa->sel.family = fsrc;
	/* Either would match nothing: ICMP for IPv6 is ipv6-icmp. */
	if (sa->sel.proto == 1 && fsrc == AF_INET6)
		return perr(p, "sel proto: '%s' with IPv6 selectors matches "
		    "nothing: use ipv6-icmp", show(p, 0, proto_tok));
	if (sa->sel.proto == 58 && fsrc == AF_INET)
		return perr(p, "sel proto: '%s' with IPv4 selectors matches "
		    "nothing: use icmp", show(p, 0, proto_tok));
	return 0;
}

/* limit ITEM N, one item per `limit`, as ip takes it. */
static int
parse_limit(struct parser *p)
{
	static const struct {
		const char *name;
		enum kw     k;
	} items[] = {
		{ "byte-soft",	 K_BYTE_SOFT },
		{ "byte-hard",	 K_BYTE_HARD },
		{ "packet-soft", K_PACKET_SOFT },
		{ "packet-hard", K_PACKET_HARD },
	};
	struct nicsec_sa *sa = p->sa;
	uint64_t *field[] = { &sa->soft_bytes, &sa->hard_bytes,
	    &sa->soft_packets, &sa->hard_packets };
	const char *t = next(p, "limit");
	char kw[32];
	size_t k;

	if (t == NULL)
		return -1;
	if (strncmp(t, "time-", 5) == 0)
		return perr(p, "unsupported: 'limit %s' (time lifetimes belong "
		    "to the daemon, nicsecd, which rekeys or deletes the SA; "
		    "the card counts bytes and packets)", show(p, 0, t));
	for (k = 0; k < sizeof(items) / sizeof(items[0]); k++) {
		if (strcmp(t, items[k].name) != 0)
			continue;
		snprintf(kw, sizeof(kw), "limit %s", items[k].name);
		if (once(p, items[k].k, kw) != 0)
			return -1;
		return number(p, kw, 0, UINT64_MAX, field[k]);
	}
	return perr(p, "limit: unknown item '%s' (byte-soft, byte-hard, "
	    "packet-soft or packet-hard, each after its own 'limit')",
	    show(p, 0, t));
}

/* ether [src MAC] [dst MAC], at least one. */
static int
parse_ether(struct parser *p)
{
	struct nicsec_sa *sa = p->sa;
	int have_src = 0, have_dst = 0;
	const char *t;

	while (p->i < p->ntok) {
		t = p->tok[p->i];
		if (strcmp(t, "src") == 0 && !have_src) {
			p->i++;
			have_src = 1;
			if (mac(p, "ether src", sa->ether_src) != 0)
				return -1;
			/* A source address may not be a group address. */
			if (sa->ether_src[0] & 1)
				return perr(p, "ether src: '%s' is a multicast "
				    "address", show(p, 0, p->tok[p->i - 1]));
		} else if (strcmp(t, "dst") == 0 && !have_dst) {
			p->i++;
			have_dst = 1;
			if (mac(p, "ether dst", sa->ether_dst) != 0)
				return -1;
		} else if (strcmp(t, "src") == 0 || strcmp(t, "dst") == 0) {
			return perr(p, "duplicate 'ether %s'", t);
		} else {
			break;
		}
	}
	if (!have_src && !have_dst)
		return perr(p, "ether: needs src MAC and/or dst MAC");
	return 0;
}

/* One keyword at p->tok[p->i - 1] and its values. */
static int
keyword(struct parser *p, const char *t)
{
	struct nicsec_sa *sa = p->sa;
	uint64_t v;
	size_t k;
	int fam;

	if (strcmp(t, "src") == 0 || strcmp(t, "dst") == 0) {
		int is_src = t[0] == 's';

		if (once(p, is_src ? K_SRC : K_DST, t) != 0 ||
		    address(p, t, &fam, is_src ? sa->src : sa->dst,
		    is_src ? &p->src_tok : &p->dst_tok) != 0)
			return -1;
		/* The tunnel's two ends, in whichever order they came. */
		if ((p->seen & 1ul << (is_src ? K_DST : K_SRC)) &&
		    fam != sa->family)
			return perr(p, "%s %s is %s but %s %s is %s", t,
			    show(p, 0, is_src ? p->src_tok : p->dst_tok),
			    family_name(fam), is_src ? "dst" : "src",
			    show(p, 1, is_src ? p->dst_tok : p->src_tok),
			    family_name(sa->family));
		sa->family = fam;
		return 0;
	}
	if (strcmp(t, "proto") == 0) {
		const char *v2;

		if (once(p, K_PROTO, "proto") != 0 ||
		    (v2 = next(p, "proto")) == NULL)
			return -1;
		if (strcmp(v2, "esp") != 0)
			return perr(p, "unsupported: 'proto %s' (nicsec does ESP "
			    "only)", show(p, 0, v2));
		return 0;
	}
	if (strcmp(t, "spi") == 0) {
		if (once(p, K_SPI, "spi") != 0 ||
		    number(p, "spi", 1, UINT32_MAX, &v) != 0)
			return -1;
		sa->spi = (uint32_t)v;
		return 0;
	}
	if (strcmp(t, "reqid") == 0) {
		if (once(p, K_REQID, "reqid") != 0 ||
		    number(p, "reqid", 0, UINT32_MAX, &v) != 0)
			return -1;
		sa->reqid = (uint32_t)v;
		return 0;
	}
	if (strcmp(t, "mode") == 0) {
		const char *m;

		if (once(p, K_MODE, "mode") != 0 || (m = next(p, "mode")) == NULL)
			return -1;
		if (strcmp(m, "tunnel") != 0)
			return perr(p, "unsupported: 'mode %s' (nicsec does tunnel "
			    "mode only)", show(p, 0, m));
		return 0;
	}
	if (strcmp(t, "replay-window") == 0) {
		if (once(p, K_REPLAY_WINDOW, t) != 0 ||
		    number(p, t, 0, 4096, &v) != 0)
			return -1;
		sa->replay_window = (uint32_t)v;
		return 0;
	}
	/* The four halves of the initial sequence numbers. */
	if (strcmp(t, "replay-seq") == 0 || strcmp(t, "replay-oseq") == 0 ||
	    strcmp(t, "replay-seq-hi") == 0 ||
	    strcmp(t, "replay-oseq-hi") == 0) {
		int out = t[7] == 'o', hi = strstr(t, "-hi") != NULL;
		uint64_t *f = out ? &sa->oseq : &sa->seq;

		if (once(p, out ? (hi ? K_REPLAY_OSEQ_HI : K_REPLAY_OSEQ) :
		    (hi ? K_REPLAY_SEQ_HI : K_REPLAY_SEQ), t) != 0 ||
		    number(p, t, 0, UINT32_MAX, &v) != 0)
			return -1;
		if (hi)
			*f = (*f & 0xffffffffu) | v << 32;
		else
			*f = (*f & ~(uint64_t)0xffffffffu) | v;
		return 0;
	}
	if (strcmp(t, "flag") == 0)
		return parse_flags(p);
	if (strcmp(t, "aead") == 0) {
		if (once(p, K_AEAD, "aead") != 0)
			return -1;
		return parse_aead(p);
	}
	if (strcmp(t, "encap") == 0) {
		if (once(p, K_ENCAP, "encap") != 0)
			return -1;
		return parse_encap(p);
	}
	if (strcmp(t, "sel") == 0) {
		if (once(p, K_SEL, "sel") != 0)
			return -1;
		return parse_sel(p);
	}
	if (strcmp(t, "limit") == 0)
		return parse_limit(p);
	if (strcmp(t, "dir") == 0) {
		const char *d;

		if (once(p, K_DIR, "dir") != 0 || (d = next(p, "dir")) == NULL)
			return -1;
		if (strcmp(d, "in") == 0)
			sa->dir = SA_DIR_IN;
		else if (strcmp(d, "out") == 0)
			sa->dir = SA_DIR_OUT;
		else
			return perr(p, "dir: '%s' is not in or out", show(p, 0, d));
		return 0;
	}
	if (strcmp(t, "ether") == 0) {
		if (once(p, K_ETHER, "ether") != 0)
			return -1;
		return parse_ether(p);
	}
	for (k = 0; k < sizeof(unsupported) / sizeof(unsupported[0]); k++) {
		if (strcmp(t, unsupported[k].kw) == 0)
			return perr(p, "unsupported: '%s' (%s)", t,
			    unsupported[k].why);
	}
	return perr(p, "unknown keyword '%s'", show(p, 0, t));
}

/* What can only be checked once the whole line is read. */
static int
check_sa(struct parser *p)
{
	static const struct {
		enum kw     k;
		const char *name;
	} required[] = {
		{ K_SRC, "src" }, { K_DST, "dst" }, { K_SPI, "spi" },
		{ K_AEAD, "aead" }, { K_DIR, "dir" },
	};
	struct nicsec_sa *sa = p->sa;
	size_t k;

	for (k = 0; k < sizeof(required) / sizeof(required[0]); k++) {
		if (!(p->seen & 1ul << required[k].k))
			return perr(p, "missing '%s'", required[k].name);
	}
	/*
	 * ip requires proto, and without mode it makes a transport SA: a line
	 * means the same to nicsec as to ip only if both are there.
	 */
	if (!(p->seen & 1ul << K_PROTO))
		return perr(p, "missing 'proto esp' (ip xfrm requires it too)");
	if (!(p->seen & 1ul << K_MODE))
		return perr(p, "missing 'mode tunnel' (without it ip xfrm "
		    "makes a transport-mode SA, which nicsec does not do)");
	if (sa->dir == SA_DIR_OUT && !(p->seen & 1ul << K_SEL))
		return perr(p, "missing 'sel' (an outbound SA needs the traffic "
		    "it carries: sel src PREFIX dst PREFIX)");

	/* Each end keeps only its own counter; the other one is meaningless. */
	if (sa->dir == SA_DIR_OUT && (p->seen & (1ul << K_REPLAY_SEQ |
	    1ul << K_REPLAY_SEQ_HI)))
		return perr(p, "'%s' is for inbound SAs (this one is dir out)",
		    p->seen & 1ul << K_REPLAY_SEQ ? "replay-seq" :
		    "replay-seq-hi");
	if (sa->dir == SA_DIR_IN && (p->seen & (1ul << K_REPLAY_OSEQ |
	    1ul << K_REPLAY_OSEQ_HI)))
		return perr(p, "'%s' is for outbound SAs (this one is dir in)",
		    p->seen & 1ul << K_REPLAY_OSEQ ? "replay-oseq" :
		    "replay-oseq-hi");
	/*
	 * As ip: an ESN receiver needs the window to tell the high half
	 * (RFC 4303 2.2.1, A2); on an outbound SA the window is unused.
	 */
	if (sa->esn && sa->replay_window == 0)
		return perr(p, "'flag esn' needs a replay-window of 1..4096 "
		    "(ip refuses it too)");
	if (!sa->esn && (p->seen & (1ul << K_REPLAY_SEQ_HI |
	    1ul << K_REPLAY_OSEQ_HI)))
		return perr(p, "'%s' needs 'flag esn'",
		    p->seen & 1ul << K_REPLAY_SEQ_HI ? "replay-seq-hi" :
		    "replay-oseq-hi");

	if (sa->soft_bytes != SA_NO_LIMIT && sa->hard_bytes != SA_NO_LIMIT &&
	    sa->soft_bytes > sa->hard_bytes)
		return perr(p, "limit byte-soft %llu is above limit byte-hard "
		    "%llu", (unsigned long long)sa->soft_bytes,
		    (unsigned long long)sa->hard_bytes);
	if (sa->soft_packets != SA_NO_LIMIT &&
	    sa->hard_packets != SA_NO_LIMIT &&
	    sa->soft_packets > sa->hard_packets)
		return perr(p, "limit packet-soft %llu is above limit "
		    "packet-hard %llu", (unsigned long long)sa->soft_packets,
		    (unsigned long long)sa->hard_packets);
	return 0;
}

/* Splits buf in place at white space; a token starting with # ends it. */
static int
tokenize(struct parser *p, char *buf)
{
	char *s = buf;

	p->ntok = 0;
	for (;;) {
		while (*s != '\0' && isspace((unsigned char)*s))
			s++;
		if (*s == '\0' || *s == '#')
			return 0;
		if (p->ntok == MAX_TOKENS)
			return perr(p, "more than %d words on the line",
			    MAX_TOKENS);
		p->tok[p->ntok++] = s;
		while (*s != '\0' && !isspace((unsigned char)*s))
			s++;
		if (*s != '\0')
			*s++ = '\0';
	}
}

int
sa_parse_line(const char *line, struct nicsec_sa *sa, char *err,
    size_t errlen)
{
	static const uint8_t esrc[6] = SA_ETHER_SRC_DEFAULT;
	static const uint8_t edst[6] = SA_ETHER_DST_DEFAULT;
	char buf[SA_LINE_MAX + 1];
	struct parser p;
	size_t n = strlen(line);
	int r = -1;

	memset(&p, 0, sizeof(p));
	memset(sa, 0, sizeof(*sa));
	p.sa = sa;
	p.err = err;
	p.errlen = errlen;
	if (err != NULL && errlen > 0)
		err[0] = '\0';

	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	if (n > SA_LINE_MAX)
		return perr(&p, "line too long (%zu bytes, at most %d)", n,
		    SA_LINE_MAX);
	memcpy(buf, line, n);
	buf[n] = '\0';
	if (tokenize(&p, buf) != 0)
		goto out;
	if (p.ntok == 0) {
		r = 0;
		goto out;
	}

	/* What `ip xfrm state` shows as "not set". */
	sa->sel.proto = -1;
	sa->soft_bytes = sa->hard_bytes = SA_NO_LIMIT;
	sa->soft_packets = sa->hard_packets = SA_NO_LIMIT;
	memcpy(sa->ether_src, esrc, 6);
	memcpy(sa->ether_dst, edst, 6);

	/* A line copied from a shell command. */
	if (strcmp(p.tok[0], "ip") == 0) {
		if (p.ntok < 4 || strcmp(p.tok[1], "xfrm") != 0 ||
		    strcmp(p.tok[2], "state") != 0 ||
		    strcmp(p.tok[3], "add") != 0) {
			perr(&p, "a line starting with 'ip' must go on "
			    "'xfrm state add'");
			goto out;
		}
		p.i = 4;
	}
	while (p.i < p.ntok) {
		const char *t = p.tok[p.i++];

		if (keyword(&p, t) != 0)
			goto out;
	}
	if (check_sa(&p) != 0)
		goto out;
	r = 1;
out:
	explicit_bzero(buf, sizeof(buf));
	explicit_bzero(&p, sizeof(p));
	if (r != 1)
		explicit_bzero(sa, sizeof(*sa));
	return r;
}

void
sa_free(struct nicsec_sa *sas, size_t n)
{
	if (sas == NULL)
		return;
	explicit_bzero(sas, n * sizeof(*sas));
	free(sas);
}

/* Formats "path:line: message"; returns -1. */
static int
ferr(char *err, size_t errlen, const char *path, int line, const char *fmt,
    ...)
{
	va_list ap;
	int k;

	if (err == NULL || errlen == 0)
		return -1;
	if (line > 0)
		k = snprintf(err, errlen, "%s:%d: ", path, line);
	else
		k = snprintf(err, errlen, "%s: ", path);
	if (k >= 0 && (size_t)k < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + k, errlen - (size_t)k, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/*
 * SAs the card could not tell apart: inbound ones by SPI alone (the SPI may
 * index its table), outbound ones by destination and SPI as xfrm does.
 * Returns the index of the clash, or n.
 */
static size_t
find_clash(const struct nicsec_sa *v, size_t n, const struct nicsec_sa *sa)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i].dir != sa->dir || v[i].spi != sa->spi)
			continue;
		if (sa->dir == SA_DIR_IN)
			return i;
		if (v[i].family == sa->family &&
		    memcmp(v[i].dst, sa->dst, 16) == 0)
			return i;
	}
	return n;
}

int
sa_parse_file(const char *path, struct nicsec_sa **sas, size_t *n, char *err,
    size_t errlen)
{
	/*
	 * Our own stdio buffer and a getline() buffer big enough for any
	 * good line, so that no copy of a key is left in memory we free
	 * without wiping (a buffer getline() outgrows is freed as it is).
	 */
	char iobuf[8192], msg[512];
	struct nicsec_sa sa, *v = NULL, *nv;
	int *lines = NULL, *nl, lineno = 0, r = -1, rc;
	size_t nsa = 0, cap = 0, linecap = SA_LINE_MAX + 2, c;
	char *line;
	ssize_t len;
	FILE *fp;

	*sas = NULL;
	*n = 0;
	if ((fp = fopen(path, "r")) == NULL)
		return ferr(err, errlen, path, 0, "%s", strerror(errno));
	setvbuf(fp, iobuf, _IOFBF, sizeof(iobuf));
	if ((line = (char *)malloc(linecap)) == NULL) {
		fclose(fp);
		return ferr(err, errlen, path, 0, "out of memory");
	}

	while ((len = getline(&line, &linecap, fp)) != -1) {
		lineno++;
		if (strlen(line) != (size_t)len) {
			ferr(err, errlen, path, lineno, "NUL byte in the line");
			goto out;
		}
		rc = sa_parse_line(line, &sa, msg, sizeof(msg));
		if (rc < 0) {
			ferr(err, errlen, path, lineno, "%s", msg);
			goto out;
		}
		if (rc == 0)
			continue;
		if ((c = find_clash(v, nsa, &sa)) < nsa) {
			ferr(err, errlen, path, lineno, "spi 0x%08x is already "
			    "used by the %s SA on line %d%s", sa.spi,
			    sa.dir == SA_DIR_IN ? "inbound" : "outbound",
			    lines[c], sa.dir == SA_DIR_IN ? " (the card finds "
			    "an inbound SA by its SPI alone)" : " to the same "
			    "dst");
			goto out;
		}
		if (nsa == cap) {
			/* Not realloc(): the old array must be wiped. */
			size_t ncap = cap > 0 ? 2 * cap : 16;

			nv = (struct nicsec_sa *)calloc(ncap, sizeof(*nv));
			nl = (int *)realloc(lines, ncap * sizeof(*nl));
			if (nl != NULL)
				lines = nl;
			if (nv == NULL || nl == NULL) {
				free(nv);
				ferr(err, errlen, path, lineno, "out of memory");
				goto out;
			}
			if (nsa > 0)
				memcpy(nv, v, nsa * sizeof(*v));
			sa_free(v, nsa);
			v = nv;
			cap = ncap;
		}
		v[nsa] = sa;
		lines[nsa++] = lineno;
	}
	if (ferror(fp)) {
		ferr(err, errlen, path, lineno + 1, "read error: %s",
		    strerror(errno));
		goto out;
	}
	r = 0;
out:
	explicit_bzero(line, linecap);
	free(line);
	explicit_bzero(&sa, sizeof(sa));
	fclose(fp);
	explicit_bzero(iobuf, sizeof(iobuf));
	free(lines);
	if (r == 0 && nsa > 0) {
		*sas = v;
		*n = nsa;
	} else {
		sa_free(v, nsa);
	}
	return r;
}

/* Appends to a buffer as snprintf() would, counting what did not fit. */
struct out {
	char   *buf;
	size_t  len, pos;
};

static void
put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	if (o->pos < o->len)
		k = vsnprintf(o->buf + o->pos, o->len - o->pos, fmt, ap);
	else
		k = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (k > 0)
		o->pos += (size_t)k;
}

static void
put_addr(struct out *o, int family, const uint8_t *a)
{
	char s[INET6_ADDRSTRLEN];

	if (inet_ntop(family, a, s, sizeof(s)) == NULL)
		snprintf(s, sizeof(s), "?");
	put(o, "%s", s);
}

static void
put_mac(struct out *o, const uint8_t *m)
{
	put(o, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
	    m[5]);
}

int
sa_format(const struct nicsec_sa *sa, int show_key, char *buf, size_t len)
{
	static const char *const limit_names[] = {
		"byte-soft", "byte-hard", "packet-soft", "packet-hard",
	};
	const uint64_t limits[] = { sa->soft_bytes, sa->hard_bytes,
	    sa->soft_packets, sa->hard_packets };
	struct out o;
	size_t i;

	if ((sa->family != AF_INET && sa->family != AF_INET6) ||
	    (sa->dir != SA_DIR_IN && sa->dir != SA_DIR_OUT) ||
	    /* an SA read back from the card has no key, nor its size */
	    (sa->key_len != 16 && sa->key_len != 32 &&
	    (show_key || sa->key_len != 0)) ||
	    (sa->sel.family != 0 && sa->sel.family != AF_INET &&
	    sa->sel.family != AF_INET6) ||
	    (sa->encap && sa->encap_ofamily != AF_INET &&
	    sa->encap_ofamily != AF_INET6))
		return -1;
	o.buf = buf;
	o.len = len;
	o.pos = 0;
	if (len > 0)
		buf[0] = '\0';

	/* In the order `ip xfrm state add` documents them. */
	put(&o, "src ");
	put_addr(&o, sa->family, sa->src);
	put(&o, " dst ");
	put_addr(&o, sa->family, sa->dst);
	put(&o, " proto esp spi 0x%08x", sa->spi);
	if (sa->reqid != 0)
		put(&o, " reqid %u", sa->reqid);
	put(&o, " mode tunnel");
	if (sa->replay_window != 0)
		put(&o, " replay-window %u", sa->replay_window);
	if (sa->esn)
		put(&o, " flag esn");
	if (sa->seq != 0) {
		put(&o, " replay-seq %u", (unsigned)(sa->seq & 0xffffffffu));
		if (sa->seq >> 32)
			put(&o, " replay-seq-hi %u", (unsigned)(sa->seq >> 32));
	}
	if (sa->oseq != 0) {
		put(&o, " replay-oseq %u", (unsigned)(sa->oseq & 0xffffffffu));
		if (sa->oseq >> 32)
			put(&o, " replay-oseq-hi %u",
			    (unsigned)(sa->oseq >> 32));
	}
	put(&o, " aead '%s' ", AEAD_NAME);
	if (show_key) {
		put(&o, "0x");
		for (i = 0; i < sa->key_len; i++)
			put(&o, "%02x", sa->key[i]);
		for (i = 0; i < 4; i++)
			put(&o, "%02x", sa->salt[i]);
	} else {
		put(&o, "[key hidden]");
	}
	put(&o, " %d", sa->icv_len * 8);
	if (sa->encap) {
		put(&o, " encap espinudp %u %u ", sa->encap_sport,
		    sa->encap_dport);
		put_addr(&o, sa->encap_ofamily, sa->encap_oaddr);
	}
	if (sa->sel.family != 0) {
		put(&o, " sel src ");
		put_addr(&o, sa->sel.family, sa->sel.src);
		put(&o, "/%d dst ", sa->sel.src_plen);
		put_addr(&o, sa->sel.family, sa->sel.dst);
		put(&o, "/%d", sa->sel.dst_plen);
		if (sa->sel.proto == 6)
			put(&o, " proto tcp");
		else if (sa->sel.proto == 17)
			put(&o, " proto udp");
		else if (sa->sel.proto == 1)
			put(&o, " proto icmp");
		else if (sa->sel.proto == 58)
			put(&o, " proto ipv6-icmp");
		else if (sa->sel.proto > 0)
			put(&o, " proto %d", sa->sel.proto);
	}
	for (i = 0; i < 4; i++) {
		if (limits[i] != SA_NO_LIMIT)
			put(&o, " limit %s %llu", limit_names[i],
			    (unsigned long long)limits[i]);
	}
	put(&o, " dir %s ether src ", sa->dir == SA_DIR_IN ? "in" : "out");
	put_mac(&o, sa->ether_src);
	put(&o, " dst ");
	put_mac(&o, sa->ether_dst);
	return o.pos > 0x7fffffff ? -1 : (int)o.pos;
}
