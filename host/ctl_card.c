/*
 * ctl_card.c - nicsecctl's card commands.  See ctl_card.h and
 * docs/nicsecctl.md.  Each command is one libnicsec call or a loop of them;
 * what they print is meant for people (and, with --json, for scripts).
 */
#include "ctl_card.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nicsec.h"
#include "nicsec_tap.h"

#define BAD_USAGE	2
#define FAILED		1

/* One line on stderr, "nicsecctl: " first. */
static void
vmsg(const char *fmt, va_list ap)
{
	fputs("nicsecctl: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* The card or a file refused: the message, and exit status 1. */
static int
fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	return FAILED;
}

/* A bad command line: the message, and exit status 2. */
static int
bad_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
bad_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	return BAD_USAGE;
}

static int
card_fail(struct nicsec *card)
{
	return fail("%s", nicsec_error(card));
}

/* The words of argv joined by spaces: an SA or rule line. */
static char *
join(int argc, char **argv)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if ((s = calloc(1, len)) == NULL)
		return NULL;
	for (i = 0; i < argc; i++) {
		if (i > 0)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

/* Wipes and frees a line that may hold a key. */
static void
free_line(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

static int
parse_u32(const char *s, uint32_t *v)
{
	unsigned long long x;
	char *end;

	errno = 0;
	x = strtoull(s, &end, 0);
	if (*s == '\0' || *s == '-' || *end != '\0' || errno != 0 ||
	    x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

static const char *
addr_str(int family, const uint8_t *a, char *buf, size_t len)
{
	if (inet_ntop(family, a, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

/* ---- info --------------------------------------------------------- */

static int
cmd_info(struct nicsec *card)
{
	const struct nicsec_caps *c = nicsec_caps(card);

	printf("card %s: register map %u.%u, %u SA slots, %u policy rules, "
	    "%u x 128-bit lanes, frames up to %u bytes, DMA rings %s\n",
	    nicsec_name(card), c->version >> 16, c->version & 0xffff,
	    c->sa_slots, c->rules, c->lanes, c->max_frame,
	    c->dma ? "yes" : "no");
	return 0;
}

/* ---- sa ----------------------------------------------------------- */

static int
sa_add_one(struct nicsec *card, const char *line, int update,
    const char *where)
{
	struct nicsec_sa sa;
	char err[512];
	unsigned slot;
	int rc;

	rc = sa_parse_line(line, &sa, err, sizeof(err));
	if (rc < 0)
		return bad_usage("%s%s", where, err);
	if (rc == 0)
		return 0;
	rc = update ? nicsec_sa_update(card, &sa, &slot) :
	    nicsec_sa_add(card, &sa, NICSEC_SLOT_AUTO, &slot);
	if (rc != 0)
		return fail("%s%s", where, nicsec_error(card));
	printf("%s SA spi 0x%08x %s: slot 0x%03x\n",
	    update ? "updated" : "installed", sa.spi,
	    sa.dir == SA_DIR_OUT ? "out" : "in", slot);
	return 0;
}

static int
sa_add_file(struct nicsec *card, const char *path)
{
	struct nicsec_sa *sas;
	char err[512];
	size_t n, i;
	unsigned slot;
	int rc = 0;

	if (sa_parse_file(path, &sas, &n, err, sizeof(err)) != 0)
		return fail("%s", err);
	for (i = 0; i < n; i++) {
		uint32_t spi = sas[i].spi;
		int dir = sas[i].dir;

		if (nicsec_sa_add(card, &sas[i], NICSEC_SLOT_AUTO, &slot) !=
		    0) {
			/* The ones before stay: each is whole on its own. */
			rc = fail("%s: SA %zu of %zu: %s (the %zu before it "
			    "are installed)", path, i + 1, n,
			    nicsec_error(card), i);
			break;
		}
		printf("installed SA spi 0x%08x %s: slot 0x%03x\n", spi,
		    dir == SA_DIR_OUT ? "out" : "in", slot);
	}
	sa_free(sas, n);
	return rc;
}

static int
sa_del(struct nicsec *card, int argc, char **argv)
{
	uint8_t dst[16], src[16];
	int have_spi = 0, have_slot = 0, dir = 0, fam = 0, sfam = 0, i, rc;
	uint32_t spi = 0, slot = 0;
	struct nicsec_sa sa;
	unsigned found[2];
	int nfound = 0;

	for (i = 0; i < argc; i += 2) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (v == NULL)
			return bad_usage("sa del: '%s' needs a value", k);
		if (strcmp(k, "spi") == 0 && parse_u32(v, &spi) == 0 &&
		    spi != 0)
			have_spi = 1;
		else if (strcmp(k, "slot") == 0 && parse_u32(v, &slot) == 0)
			have_slot = 1;
		else if (strcmp(k, "dir") == 0 && (strcmp(v, "in") == 0 ||
		    strcmp(v, "out") == 0))
			dir = strcmp(v, "in") == 0 ? SA_DIR_IN : SA_DIR_OUT;
		else if (strcmp(k, "dst") == 0 && (fam = inet_pton(AF_INET, v,
		    dst) == 1 ? AF_INET : inet_pton(AF_INET6, v, dst) == 1 ?
		    AF_INET6 : 0) != 0)
			;
		else if (strcmp(k, "src") == 0 && (sfam = inet_pton(AF_INET, v,
		    src) == 1 ? AF_INET : inet_pton(AF_INET6, v, src) == 1 ?
		    AF_INET6 : 0) != 0)
			;
		else if (strcmp(k, "proto") == 0 && strcmp(v, "esp") == 0)
			;
		else
			return bad_usage("sa del: bad '%s %s' (sa del spi SPI [dst "
			    "ADDR] [dir in|out], or sa del slot N)", k, v);
	}
	if (have_slot == have_spi)
		return bad_usage("sa del: give spi SPI or slot N");
	if (have_slot) {
		if (nicsec_sa_del(card, slot) != 0)
			return card_fail(card);
		printf("deleted slot 0x%03x\n", slot);
		return 0;
	}
	for (i = SA_DIR_IN; i <= SA_DIR_OUT; i++) {
		if (dir != 0 && i != dir)
			continue;
		rc = nicsec_sa_find(card, i, spi, fam, fam ? dst : NULL,
		    &found[nfound]);
		if (rc < 0)
			return card_fail(card);
		if (rc == 0)
			continue;
		if (sfam != 0) {
			if (nicsec_sa_read(card, found[nfound], &sa) < 0)
				return card_fail(card);
			if (sa.family != sfam || memcmp(sa.src, src,
			    sfam == AF_INET ? 4 : 16) != 0)
				continue;
		}
		nfound++;
	}
	if (nfound == 0)
		return fail("sa del: no SA spi 0x%08x%s on the card", spi,
		    fam || sfam || dir ? " matching src/dst/dir" : "");
	if (nfound > 1)
		return fail("sa del: spi 0x%08x is an inbound SA (slot 0x%03x) "
		    "and an outbound SA (slot 0x%03x); say dir in or dir out",
		    spi, found[0], found[1]);
	if (nicsec_sa_del(card, found[0]) != 0)
		return card_fail(card);
	printf("deleted SA spi 0x%08x: slot 0x%03x\n", spi, found[0]);
	return 0;
}

static int
sa_list(struct nicsec *card, int json)
{
	const struct nicsec_caps *c = nicsec_caps(card);
	uint32_t used[4096 / 32];
	uint64_t v[NICSEC_SA_NCOUNTERS];
	struct nicsec_sa sa;
	char line[1024], a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	unsigned s, n = 0;

	if (nicsec_sa_used(card, used) != 0)
		return card_fail(card);
	if (json)
		printf("[");
	for (s = 0; s < c->sa_slots; s++) {
		if (!(used[s / 32] >> (s % 32) & 1))
			continue;
		if (nicsec_sa_read(card, s, &sa) < 0 ||
		    nicsec_sa_stats(card, s, v) != 0)
			return card_fail(card);
		if (sa.dir == 0)
			continue;	/* deleted meanwhile */
		if (json) {
			printf("%s\n {\"slot\": %u, \"dir\": \"%s\", \"spi\": "
			    "%u, \"src\": \"%s\", \"dst\": \"%s\", \"packets\": "
			    "%" PRIu64 ", \"bytes\": %" PRIu64 ", \"last_seq\": %"
			    PRIu64 "}", n ? "," : "", s, sa.dir == SA_DIR_OUT ?
			    "out" : "in", sa.spi,
			    addr_str(sa.family, sa.src, a, sizeof(a)),
			    addr_str(sa.family, sa.dst, b, sizeof(b)),
			    v[NICSEC_SA_PACKETS], v[NICSEC_SA_BYTES],
			    v[NICSEC_SA_LAST_SEQ]);
		} else {
			if (sa_format(&sa, 0, line, sizeof(line)) < 0)
				snprintf(line, sizeof(line), "spi 0x%08x",
				    sa.spi);
			printf("slot 0x%03x: %s\n    %" PRIu64 " packets, %"
			    PRIu64 " bytes%s", s, line, v[NICSEC_SA_PACKETS],
			    v[NICSEC_SA_BYTES], sa.dir == SA_DIR_OUT ?
			    ", last seq " : "\n");
			if (sa.dir == SA_DIR_OUT)
				printf("%" PRIu64 "\n", v[NICSEC_SA_LAST_SEQ]);
		}
		n++;
	}
	if (json)
		printf("%s]\n", n ? "\n" : "");
	else if (n == 0)
		printf("no SAs\n");
	return 0;
}

static int
cmd_sa(struct nicsec *card, int argc, char **argv)
{
	char *line;
	int rc;

	if (argc < 1)
		return bad_usage("sa: add, update, del or list");
	if (strcmp(argv[0], "list") == 0) {
		if (argc > 2 || (argc == 2 && strcmp(argv[1], "--json") != 0))
			return bad_usage("sa list [--json]");
		return sa_list(card, argc == 2);
	}
	if (strcmp(argv[0], "del") == 0)
		return sa_del(card, argc - 1, argv + 1);
	if (strcmp(argv[0], "add") == 0 && argc == 3 &&
	    strcmp(argv[1], "-f") == 0)
		return sa_add_file(card, argv[2]);
	if (strcmp(argv[0], "add") == 0 || strcmp(argv[0], "update") == 0) {
		if (argc < 2)
			return bad_usage("sa %s: give the SA (ip xfrm state syntax "
			    "and dir in|out)", argv[0]);
		if ((line = join(argc - 1, argv + 1)) == NULL)
			return fail("out of memory");
		rc = sa_add_one(card, line, strcmp(argv[0], "update") == 0,
		    "");
		free_line(line);
		return rc;
	}
	return bad_usage("sa: unknown command '%s' (add, update, del, list)",
	    argv[0]);
}

/* ---- spd ---------------------------------------------------------- */

static void
rule_str(const struct nicsec_spd_rule *r, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], p[24] = "", s[24] = "";

	if (r->proto >= 0)
		snprintf(p, sizeof(p), " proto %d", r->proto);
	if (r->action == SPD_PROTECT)
		snprintf(s, sizeof(s), " spi 0x%08x", r->spi);
	snprintf(buf, len, "src %s/%d dst %s/%d%s action %s%s",
	    addr_str(r->family, r->src, a, sizeof(a)), r->src_plen,
	    addr_str(r->family, r->dst, b, sizeof(b)), r->dst_plen, p,
	    spd_action_name(r->action), s);
}

static int
spd_list(struct nicsec *card, int json)
{
	struct nicsec_spd_rule r;
	char line[256];
	unsigned i, slot, n = 0;
	int rc;

	if (json)
		printf("[");
	for (i = 0; i < nicsec_caps(card)->rules; i++) {
		if ((rc = nicsec_spd_read(card, i, &r, &slot)) < 0)
			return card_fail(card);
		if (rc == 0)
			continue;
		rule_str(&r, line, sizeof(line));
		if (json)
			printf("%s\n {\"index\": %u, \"rule\": \"%s\", "
			    "\"action\": \"%s\", \"slot\": %d}", n ? "," : "",
			    i, line, spd_action_name(r.action),
			    r.action == SPD_PROTECT ? (int)slot : -1);
		else
			printf("%2u: %s%s\n", i, line, r.action == SPD_PROTECT &&
			    r.spi == 0 ? "  (its SA slot is empty: traffic "
			    "dropped as no_sa)" : "");
		n++;
	}
	if (json)
		printf("%s]\n", n ? "\n" : "");
	else if (n == 0)
		printf("no policy rules (all LAN traffic goes to the host)\n");
	return 0;
}

static int
cmd_spd(struct nicsec *card, int argc, char **argv)
{
	struct nicsec_spd_rule r, old;
	uint32_t idx;
	char err[256], *line;
	int explicit = 0, rc;

	if (argc < 1)
		return bad_usage("spd: add, del or list");
	if (strcmp(argv[0], "list") == 0) {
		if (argc > 2 || (argc == 2 && strcmp(argv[1], "--json") != 0))
			return bad_usage("spd list [--json]");
		return spd_list(card, argc == 2);
	}
	if (strcmp(argv[0], "del") == 0) {
		if (argc != 2 || parse_u32(argv[1], &idx) != 0)
			return bad_usage("spd del N: the rule's index");
		if ((rc = nicsec_spd_read(card, idx, &old, NULL)) < 0)
			return card_fail(card);
		if (rc == 0)
			return fail("spd del: rule %u is not in use", idx);
		if (nicsec_spd_del(card, idx) != 0)
			return card_fail(card);
		printf("deleted rule %u\n", idx);
		return 0;
	}
	if (strcmp(argv[0], "add") != 0)
		return bad_usage("spd: unknown command '%s' (add, del, list)",
		    argv[0]);
	argc--, argv++;
	if (argc >= 2 && strcmp(argv[0], "index") == 0) {
		if (parse_u32(argv[1], &idx) != 0)
			return bad_usage("spd add: index '%s' is not a number",
			    argv[1]);
		explicit = 1;
		argc -= 2, argv += 2;
	}
	if ((line = join(argc, argv)) == NULL)
		return fail("out of memory");
	rc = spd_parse_line(line, &r, err, sizeof(err));
	free(line);
	if (rc <= 0)
		return bad_usage("spd add: %s", rc < 0 ? err : "no rule given");
	if (!explicit) {
		/* The first free index: rules keep the order they came in. */
		for (idx = 0; idx < nicsec_caps(card)->rules; idx++) {
			if ((rc = nicsec_spd_read(card, idx, &old, NULL)) < 0)
				return card_fail(card);
			if (rc == 0)
				break;
		}
		if (idx == nicsec_caps(card)->rules)
			return fail("spd add: all %u rules are in use",
			    nicsec_caps(card)->rules);
	}
	if (nicsec_spd_write(card, idx, &r) != 0)
		return card_fail(card);
	printf("rule %u written\n", idx);
	return 0;
}

/* ---- stats, events ------------------------------------------------ */

static int
cmd_stats(struct nicsec *card, int argc, char **argv)
{
	const struct nicsec_caps *c = nicsec_caps(card);
	uint64_t g[NICSEC_G_NCOUNTERS], v[NICSEC_SA_NCOUNTERS];
	uint32_t used[4096 / 32], one = UINT32_MAX;
	int json = 0, i, n = 0;
	unsigned s;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "slot") == 0 && i + 1 < argc &&
		    parse_u32(argv[i + 1], &one) == 0)
			i++;
		else
			return bad_usage("stats [--json] [slot N]");
	}
	if (nicsec_global_stats(card, g) != 0)
		return card_fail(card);
	if (one != UINT32_MAX) {
		if (one >= c->sa_slots)
			return fail("stats: slot %u: the card has slots 0 .. %u",
			    one, c->sa_slots - 1);
		memset(used, 0, sizeof(used));
		used[one / 32] = 1u << (one % 32);
	} else if (nicsec_sa_used(card, used) != 0)
		return card_fail(card);

	if (json) {
		printf("{\"global\": {");
		for (i = 0; i < NICSEC_G_NCOUNTERS; i++)
			printf("%s\"%s\": %" PRIu64, i ? ", " : "",
			    nicsec_global_counter_names[i], g[i]);
		printf("}, \"sa\": {");
	} else {
		printf("global:\n");
		for (i = 0; i < NICSEC_G_NCOUNTERS; i++)
			printf("  %-12s %" PRIu64 "\n",
			    nicsec_global_counter_names[i], g[i]);
	}
	for (s = 0; s < c->sa_slots; s++) {
		if (!(used[s / 32] >> (s % 32) & 1))
			continue;
		if (nicsec_sa_stats(card, s, v) != 0)
			return card_fail(card);
		if (json) {
			printf("%s\"%u\": {", n ? ", " : "", s);
			for (i = 0; i < NICSEC_SA_NCOUNTERS; i++)
				printf("%s\"%s\": %" PRIu64, i ? ", " : "",
				    nicsec_sa_counter_names[i], v[i]);
			printf("}");
		} else {
			printf("slot 0x%03x:\n", s);
			for (i = 0; i < NICSEC_SA_NCOUNTERS; i++)
				printf("  %-18s %" PRIu64 "\n",
				    nicsec_sa_counter_names[i], v[i]);
		}
		n++;
	}
	if (json)
		printf("}}\n");
	return 0;
}

static int
cmd_events(struct nicsec *card, int argc, char **argv)
{
	struct nicsec_event ev;
	int json = argc == 1 && strcmp(argv[0], "--json") == 0, rc, n = 0;

	if (argc > 1 || (argc == 1 && !json))
		return bad_usage("events [--json]");
	if (json)
		printf("[");
	while ((rc = nicsec_event_next(card, &ev)) == 1) {
		if (json)
			printf("%s{\"type\": \"%s\", \"slot\": %u, \"dir\": "
			    "\"%s\"}", n ? ", " : "", nicsec_event_name(ev.type),
			    ev.slot, ev.out ? "out" : "in");
		else
			printf("%s: slot 0x%03x (%s)\n",
			    nicsec_event_name(ev.type), ev.slot,
			    ev.out ? "out" : "in");
		n++;
	}
	if (json)
		printf("]\n");
	else if (rc == 0 && n == 0)
		printf("no events\n");
	return rc < 0 ? card_fail(card) : 0;
}

/* ---- tap ---------------------------------------------------------- */

static volatile sig_atomic_t stop_tap;

static void
on_signal(int sig)
{
	(void)sig;
	stop_tap = 1;
}

static int
cmd_tap(struct nicsec *card, int argc, char **argv)
{
	const char *name[2] = { NULL, NULL };
	struct nicsec_tap_stats st;
	struct sigaction sa;
	char err[256];
	int tap[2] = { -1, -1 }, i, rc;

	for (i = 0; i < argc; i += 2) {
		if (i + 1 < argc && strcmp(argv[i], "--lan") == 0)
			name[NICSEC_PORT_LAN] = argv[i + 1];
		else if (i + 1 < argc && strcmp(argv[i], "--wan") == 0)
			name[NICSEC_PORT_WAN] = argv[i + 1];
		else
			return bad_usage("tap [--lan NAME] [--wan NAME]");
	}
	if (name[0] == NULL && name[1] == NULL)
		return bad_usage("tap: give --lan NAME, --wan NAME or both");
	for (i = 0; i < 2; i++)
		if (name[i] != NULL &&
		    (tap[i] = nicsec_tap_open(name[i], err, sizeof(err))) < 0)
			return fail("%s", err);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fprintf(stderr, "nicsecctl: %s: exception path on TAP %s (LAN) and "
	    "%s (WAN)\n", nicsec_name(card), name[0] ? name[0] : "-",
	    name[1] ? name[1] : "-");
	rc = nicsec_tap_bridge(card, tap, &stop_tap, &st);
	fprintf(stderr, "nicsecctl: tap: to the host %llu LAN, %llu WAN; "
	    "from the host %llu LAN, %llu WAN; %llu dropped (ring full)\n",
	    st.to_tap[0], st.to_tap[1], st.from_tap[0], st.from_tap[1],
	    st.dropped);
	for (i = 0; i < 2; i++)
		if (tap[i] >= 0)
			close(tap[i]);
	return rc != 0 ? card_fail(card) : 0;
}

int
ctl_card(const char *spec, int argc, char **argv)
{
	struct nicsec *card;
	char err[256];
	int rc;

	if (argc < 1)
		return bad_usage("no command given (nicsecctl --help)");
	if (nicsec_open(spec, &card, err, sizeof(err)) != 0)
		return fail("%s", err);
	if (strcmp(argv[0], "info") == 0 && argc == 1)
		rc = cmd_info(card);
	else if (strcmp(argv[0], "sa") == 0)
		rc = cmd_sa(card, argc - 1, argv + 1);
	else if (strcmp(argv[0], "spd") == 0)
		rc = cmd_spd(card, argc - 1, argv + 1);
	else if (strcmp(argv[0], "stats") == 0)
		rc = cmd_stats(card, argc - 1, argv + 1);
	else if (strcmp(argv[0], "events") == 0)
		rc = cmd_events(card, argc - 1, argv + 1);
	else if (strcmp(argv[0], "reset") == 0 && argc == 1)
		rc = nicsec_reset(card) != 0 ? card_fail(card) :
		    printf("card reset\n") < 0;
	else if (strcmp(argv[0], "tap") == 0)
		rc = cmd_tap(card, argc - 1, argv + 1);
	else
		rc = bad_usage("unknown card command '%s' (nicsecctl --help)",
		    argv[0]);
	nicsec_close(card);
	return rc;
}
