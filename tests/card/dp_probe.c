/*
 * dp_probe - host/dataplane.c driven one command a line, for
 * tests/card/dataplane.py, which holds the scenario and checks the card
 * with nicsecctl (another process) and the wire with scapy.
 *
 *	dp_probe SPEC		(sim:PATH, pci:..., auto or none)
 *
 * Commands on stdin, one JSON object a line on stdout for each
 * ({"ok": true, ...} or {"ok": false, "err": "..."}):
 *
 *	alloc			a fresh inbound SPI: "spi"
 *	free SPI
 *	add KEY=VALUE...	dp_child_add, or with half=1
 *				dp_child_add_inbound, of an ike_child made of:
 *	    spi_in= spi_out=	the SPIs
 *	    role=i|r		initiator of the exchange, or responder
 *	    bits=128|256 esn=0|1
 *	    i2r=HEX r2i=HEX	KEYMAT's two halves, key then salt each
 *	    tsi=TS,... tsr=TS,...  TS: A/LEN or A-B, then @PROTO and
 *				#LO-HI (ports) if wanted
 *	    local= remote=	the IKE SA's addresses
 *	    encap=0|1 lport= rport= window=
 *	    wan=SRC/DST lan=SRC/DST  MACs
 *	    soft_packets= hard_packets= replaces=SPI half=0|1
 *	switch SPI | del SPI | info SPI | counters SPI | since SPI MARK
 *	events			what dp_events() gave: "events": [...]
 *	fill			dp_spi_alloc until it fails: "n", "err"
 *	unfill			dp_spi_free of every SPI fill took
 *	capacity		dp_capacity(): slots, rules, free ones
 *	trap KEY tsi=TS,... tsr=TS,...	dp_trap_add: punt rules; "rules"
 *	untrap KEY		dp_trap_del
 *	wiped			1 if the last add left the ike_child's keys zero
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dataplane.h"
#include "nicsec.h"

#define MAX_FILL	4096

static uint32_t filled[MAX_FILL];
static unsigned nfilled;
static int last_wiped = -1;

static void
json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void
fail_reply(const char *err)
{
	printf("{\"ok\": false, \"err\": ");
	json_str(err);
	printf("}\n");
}

/* The value of key in the words, or NULL. */
static const char *
arg(char **w, int n, const char *key)
{
	size_t k = strlen(key);
	int i;

	for (i = 0; i < n; i++)
		if (strncmp(w[i], key, k) == 0 && w[i][k] == '=')
			return w[i] + k + 1;
	return NULL;
}

static unsigned long long
num(char **w, int n, const char *key, unsigned long long def)
{
	const char *v = arg(w, n, key);

	return v ? strtoull(v, NULL, 0) : def;
}

static int
hex(const char *s, uint8_t *out, size_t max, size_t *len)
{
	size_t n = strlen(s), i;
	unsigned b;

	if (n % 2 || n / 2 > max)
		return -1;
	for (i = 0; i < n / 2; i++) {
		if (sscanf(s + 2 * i, "%2x", &b) != 1)
			return -1;
		out[i] = (uint8_t)b;
	}
	*len = n / 2;
	return 0;
}

static int
mac(const char *s, uint8_t m[6])
{
	unsigned v[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4],
	    &v[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		m[i] = (uint8_t)v[i];
	return 0;
}

static int
ether(const char *s, struct dp_ether *e)
{
	const char *slash = s ? strchr(s, '/') : NULL;

	memset(e, 0, sizeof(*e));
	if (s == NULL)
		return 0;
	if (slash == NULL || mac(s, e->src) != 0 || mac(slash + 1, e->dst) != 0)
		return -1;
	return 0;
}

/* One selector: A/LEN or A-B, [@PROTO], [#LO-HI]. */
static int
one_ts(char *s, struct ike_ts *ts)
{
	char *p, *dash, *slash;
	int fam, plen, i, bits;
	unsigned lo, hi;

	memset(ts, 0, sizeof(*ts));
	ts->eport = 65535;
	if ((p = strchr(s, '#')) != NULL) {
		*p++ = '\0';
		if (sscanf(p, "%u-%u", &lo, &hi) != 2)
			return -1;
		ts->sport = (uint16_t)lo;
		ts->eport = (uint16_t)hi;
	}
	if ((p = strchr(s, '@')) != NULL) {
		*p++ = '\0';
		ts->proto = (uint8_t)atoi(p);
	}
	fam = strchr(s, ':') ? AF_INET6 : AF_INET;
	ts->type = fam == AF_INET6 ? IKE_TS_IPV6_RANGE : IKE_TS_IPV4_RANGE;
	bits = fam == AF_INET6 ? 128 : 32;
	if ((slash = strchr(s, '/')) != NULL) {
		*slash = '\0';
		plen = atoi(slash + 1);
		if (inet_pton(fam, s, ts->start) != 1)
			return -1;
		memcpy(ts->end, ts->start, 16);
		for (i = plen; i < bits; i++) {
			ts->start[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
			ts->end[i / 8] |= (uint8_t)(0x80 >> (i % 8));
		}
		return 0;
	}
	if ((dash = strchr(s, '-')) == NULL)
		return -1;
	*dash = '\0';
	return inet_pton(fam, s, ts->start) == 1 &&
	    inet_pton(fam, dash + 1, ts->end) == 1 ? 0 : -1;
}

static int
ts_list(const char *v, struct ike_ts *ts, size_t *n)
{
	char buf[2048], *tok, *save;

	*n = 0;
	if (v == NULL || strlen(v) >= sizeof(buf))
		return -1;
	strcpy(buf, v);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (*n == IKE_TS_MAX || one_ts(tok, &ts[*n]) != 0)
			return -1;
		(*n)++;
	}
	return *n ? 0 : -1;
}

static int
addr(const char *v, struct sockaddr_storage *ss)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (v != NULL && inet_pton(AF_INET, v, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		return 0;
	}
	if (v != NULL && inet_pton(AF_INET6, v, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		return 0;
	}
	return -1;
}

static int
all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		if (*b++)
			return 0;
	return 1;
}

static void
cmd_add(struct dp *dp, char **w, int n)
{
	static struct ike_child ch;
	struct dp_child_params p;
	struct sockaddr_storage l, r;
	unsigned bits = (unsigned)num(w, n, "bits", 128);
	const char *v;
	int rc;

	memset(&ch, 0, sizeof(ch));
	memset(&p, 0, sizeof(p));
	ch.spi_in = (uint32_t)num(w, n, "spi_in", 0);
	ch.spi_out = (uint32_t)num(w, n, "spi_out", 0);
	ch.chosen.protocol = IKE_PROTO_ESP;
	ch.chosen.n[IKE_XF_ENCR] = 1;
	ch.chosen.xf[IKE_XF_ENCR][0].id = ENCR_AES_GCM_16;
	ch.chosen.xf[IKE_XF_ENCR][0].keylen = (uint16_t)bits;
	ch.chosen.n[IKE_XF_ESN] = 1;
	ch.chosen.xf[IKE_XF_ESN][0].id = num(w, n, "esn", 0) ? ESN_YES :
	    ESN_NO;
	if ((v = arg(w, n, "i2r")) == NULL || hex(v, ch.keys.i2r.b,
	    sizeof(ch.keys.i2r.b), &ch.keys.i2r.len) != 0 ||
	    (v = arg(w, n, "r2i")) == NULL || hex(v, ch.keys.r2i.b,
	    sizeof(ch.keys.r2i.b), &ch.keys.r2i.len) != 0) {
		fail_reply("probe: bad i2r= or r2i=");
		return;
	}
	if (ts_list(arg(w, n, "tsi"), ch.tsi, &ch.ntsi) != 0 ||
	    ts_list(arg(w, n, "tsr"), ch.tsr, &ch.ntsr) != 0) {
		fail_reply("probe: bad tsi= or tsr=");
		return;
	}
	if (addr(arg(w, n, "local"), &l) != 0 ||
	    addr(arg(w, n, "remote"), &r) != 0 ||
	    ether(arg(w, n, "wan"), &p.wan) != 0 ||
	    ether(arg(w, n, "lan"), &p.lan) != 0) {
		fail_reply("probe: bad local=, remote=, wan= or lan=");
		return;
	}
	p.child = &ch;
	p.initiator = (v = arg(w, n, "role")) != NULL && strcmp(v, "i") == 0;
	p.local = (struct sockaddr *)&l;
	p.remote = (struct sockaddr *)&r;
	p.encap = (int)num(w, n, "encap", 0);
	p.local_port = (uint16_t)num(w, n, "lport", 0);
	p.remote_port = (uint16_t)num(w, n, "rport", 0);
	p.replay_window = (uint32_t)num(w, n, "window", 32);
	p.limits.soft_packets = num(w, n, "soft_packets", 0);
	p.limits.hard_packets = num(w, n, "hard_packets", 0);
	p.replaces = (uint32_t)num(w, n, "replaces", 0);
	rc = num(w, n, "half", 0) ? dp_child_add_inbound(dp, &p) :
	    dp_child_add(dp, &p);
	last_wiped = all_zero(&ch.keys, sizeof(ch.keys));
	if (rc != 0)
		fail_reply(dp_error(dp));
	else
		printf("{\"ok\": true}\n");
}

static void
cmd_info(struct dp *dp, uint32_t spi)
{
	struct dp_child_info in;
	unsigned i;
	int rc = dp_child_info(dp, spi, &in);

	if (rc == 0) {
		printf("{\"ok\": true, \"found\": false}\n");
		return;
	}
	printf("{\"ok\": true, \"found\": true, \"spi_in\": %u, \"spi_out\": "
	    "%u, \"slot_in\": %u, \"slot_out\": %u, \"out_installed\": %d, "
	    "\"rules\": [", in.spi_in, in.spi_out, in.slot_in, in.slot_out,
	    in.out_installed);
	for (i = 0; i < in.nrules; i++)
		printf("%s%u", i ? ", " : "", in.rules[i]);
	printf("]}\n");
}

static void
cmd_counters(struct dp *dp, uint32_t spi)
{
	struct dp_counters c;

	if (dp_child_counters(dp, spi, &c) != 0) {
		fail_reply(dp_error(dp));
		return;
	}
	printf("{\"ok\": true, \"in_packets\": %" PRIu64 ", \"in_bytes\": %"
	    PRIu64 ", \"out_packets\": %" PRIu64 ", \"out_bytes\": %" PRIu64
	    ", \"in_drops\": %" PRIu64 ", \"out_drops\": %" PRIu64
	    ", \"out_seq\": %" PRIu64 "}\n", c.in_packets, c.in_bytes,
	    c.out_packets, c.out_bytes, c.in_drops, c.out_drops, c.out_seq);
}

static int nev;

static void
on_event(void *arg, const struct dp_event *e)
{
	(void)arg;
	printf("%s{\"type\": ", nev++ ? ", " : "");
	json_str(nicsec_event_name(e->type));
	printf(", \"out\": %d, \"spi_in\": %u, \"spi\": %u, \"slot\": %u}",
	    e->out, e->spi_in, e->spi, e->slot);
}

static void
cmd_events(struct dp *dp)
{
	int rc;

	nev = 0;
	printf("{\"ok\": true, \"events\": [");
	rc = dp_events(dp, on_event, NULL);
	printf("], \"n\": %d}\n", rc);
}

static void
cmd_fill(struct dp *dp)
{
	uint32_t spi;

	while (nfilled < MAX_FILL && dp_spi_alloc(dp, &spi) == 0)
		filled[nfilled++] = spi;
	printf("{\"ok\": true, \"n\": %u, \"err\": ", nfilled);
	json_str(nfilled < MAX_FILL ? dp_error(dp) : "");
	printf("}\n");
}

static void
cmd_unfill(struct dp *dp)
{
	unsigned i, bad = 0;

	for (i = 0; i < nfilled; i++)
		bad += dp_spi_free(dp, filled[i]) != 0;
	printf("{\"ok\": %s, \"freed\": %u}\n", bad ? "false" : "true",
	    nfilled - bad);
	nfilled = 0;
}

static void
cmd_trap(struct dp *dp, unsigned key, char **w, int n)
{
	struct ike_ts l[IKE_TS_MAX], r[IKE_TS_MAX];
	unsigned idx[64], k, i;
	size_t nl = 0, nr = 0;

	if (ts_list(arg(w, n, "tsi"), l, &nl) != 0 ||
	    ts_list(arg(w, n, "tsr"), r, &nr) != 0) {
		fail_reply("probe: bad tsi= or tsr=");
		return;
	}
	if (dp_trap_add(dp, key, l, nl, r, nr) != 0) {
		fail_reply(dp_error(dp));
		return;
	}
	k = dp_trap_rules(dp, key, idx, 64);
	printf("{\"ok\": true, \"rules\": [");
	for (i = 0; i < k; i++)
		printf("%s%u", i ? ", " : "", idx[i]);
	printf("]}\n");
}

static void
command(struct dp *dp, char **w, int n)
{
	uint32_t spi = n > 1 ? (uint32_t)strtoul(w[1], NULL, 0) : 0;
	unsigned a, b, c, d;
	uint64_t mark;
	int rc;

	if (strcmp(w[0], "alloc") == 0) {
		if (dp_spi_alloc(dp, &spi) != 0)
			fail_reply(dp_error(dp));
		else
			printf("{\"ok\": true, \"spi\": %u}\n", spi);
	} else if (strcmp(w[0], "free") == 0 || strcmp(w[0], "switch") == 0 ||
	    strcmp(w[0], "del") == 0) {
		rc = w[0][0] == 'f' ? dp_spi_free(dp, spi) : w[0][0] == 's' ?
		    dp_child_switch(dp, spi) : dp_child_delete(dp, spi);
		if (rc != 0)
			fail_reply(dp_error(dp));
		else
			printf("{\"ok\": true}\n");
	} else if (strcmp(w[0], "add") == 0) {
		cmd_add(dp, w, n);
	} else if (strcmp(w[0], "info") == 0) {
		cmd_info(dp, spi);
	} else if (strcmp(w[0], "counters") == 0) {
		cmd_counters(dp, spi);
	} else if (strcmp(w[0], "since") == 0 && n == 3) {
		mark = strtoull(w[2], NULL, 0);
		rc = dp_child_inbound_since(dp, spi, &mark);
		printf("{\"ok\": %s, \"seen\": %d, \"mark\": %" PRIu64 "}\n",
		    rc < 0 ? "false" : "true", rc, mark);
	} else if (strcmp(w[0], "events") == 0) {
		cmd_events(dp);
	} else if (strcmp(w[0], "fill") == 0) {
		cmd_fill(dp);
	} else if (strcmp(w[0], "unfill") == 0) {
		cmd_unfill(dp);
	} else if (strcmp(w[0], "capacity") == 0) {
		dp_capacity(dp, &a, &b, &c, &d);
		printf("{\"ok\": true, \"slots\": %u, \"rules\": %u, "
		    "\"free_slots\": %u, \"free_rules\": %u}\n", a, b, c, d);
	} else if (strcmp(w[0], "trap") == 0 && n >= 2) {
		cmd_trap(dp, spi, w, n);
	} else if (strcmp(w[0], "untrap") == 0 && n == 2) {
		if (dp_trap_del(dp, spi) != 0)
			fail_reply(dp_error(dp));
		else
			printf("{\"ok\": true}\n");
	} else if (strcmp(w[0], "wiped") == 0) {
		printf("{\"ok\": true, \"wiped\": %d}\n", last_wiped);
	} else {
		fail_reply("probe: unknown command");
	}
}

int
main(int argc, char **argv)
{
	char line[8192], *w[64], *save;
	struct dp *dp;
	char err[512];
	int n;

	if (argc != 2) {
		fprintf(stderr, "usage: dp_probe SPEC\n");
		return 2;
	}
	if (dp_open(argv[1], &dp, err, sizeof(err)) != 0) {
		printf("{\"ok\": false, \"err\": ");
		json_str(err);
		printf("}\n");
		return 1;
	}
	printf("{\"ok\": true, \"name\": ");
	json_str(dp_name(dp));
	printf(", \"none\": %d}\n", dp_is_none(dp));
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		n = 0;
		for (w[n] = strtok_r(line, " \t\n", &save); w[n] != NULL &&
		    n < 63; w[n] = strtok_r(NULL, " \t\n", &save))
			n++;
		if (n == 0)
			continue;
		if (strcmp(w[0], "quit") == 0)
			break;
		command(dp, w, n);
		fflush(stdout);
	}
	dp_close(dp);
	return 0;
}
