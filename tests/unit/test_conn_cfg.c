/*
 * test_conn_cfg.c - from nicsecd's configuration to what the exchanges
 * take (host/conn_cfg.c), each expectation taken from what strongSwan 5.9
 * does with the same swanctl.conf, not from our own code:
 *
 *  - which connection a packet is for: libcharon's ike_cfg.c match() and
 *    backend_manager.c get_ike_match(), i.e. 129 for the one address, a
 *    subnet's prefix length + 1, 1 for %any or a range that is no subnet,
 *    the local quality times 8 plus the remote one times 16 (+4 for a
 *    config with `version = 2`), stable order among equals;
 *  - IDs: identification_create_from_string() and matches(): FQDN and
 *    RFC822 compared without case, an IP ID by its bytes; our %any is the
 *    IKE address (swanctl.conf(5): local id defaults to the IP address
 *    when no certificate says otherwise);
 *  - the PSK: credential_manager.c get_shared() over mem_cred.c's
 *    has_owner(): the peer's match first, ours second, a secret without
 *    ids owned by %any (vici_cred.c load_shared), one matching neither
 *    end never used;
 *  - `dynamic` selectors: swanctl.conf(5) local_ts: "replaced by the
 *    tunnel outer address", keeping [proto/port];
 *  - IDs printed as strongSwan's %Y does.
 *
 * The configs are loaded through conf_load() from files, as nicsecd does.
 */
#define _DEFAULT_SOURCE

#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "conf.h"
#include "conn_cfg.h"
#include "ike_wire.h"
#include "scratch.h"

static struct conf *
load(const char *name, const char *text)
{
	char path[600], err[512];
	struct conf *cf;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	if (conf_load(path, &cf, err, sizeof(err)) != 0)
		fail_msg("load failed: %s", err);
	return cf;
}

static struct sockaddr_storage
sa(const char *ip, uint16_t port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
	} else {
		assert_int_equal(inet_pton(AF_INET6, ip, &s6->sin6_addr), 1);
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
	}
	return ss;
}

/* The names cfg_conns_for() gives for remote -> local, comma-separated. */
static const char *
conns_for(const struct conf *cf, const char *local, const char *remote)
{
	static char buf[512];
	const struct conf_conn *out[16];
	struct sockaddr_storage l = sa(local, 500), r = sa(remote, 500);
	size_t n, i, k = 0;

	n = cfg_conns_for(cf, &l, &r, out, 16);
	buf[0] = '\0';
	for (i = 0; i < n; i++)
		k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s%s",
		    i ? "," : "", out[i]->name);
	return buf;
}

#define PSKAUTH	" local { auth = psk }\n remote { auth = psk }\n"

/* ---- which connection ------------------------------------------------- */

static void
test_conns_order(void **state)
{
	struct conf *cf;

	(void)state;
	cf = load("order.conf",
	    "connections {\n"
	    " any1 {\n" PSKAUTH " }\n"
	    " range {\n remote_addrs = 198.51.100.1-198.51.100.200\n"
	    PSKAUTH " }\n"
	    " wide {\n remote_addrs = 198.51.0.0/16\n" PSKAUTH " }\n"
	    " narrow {\n remote_addrs = 198.51.100.0/24\n" PSKAUTH " }\n"
	    " exact {\n remote_addrs = 10.9.9.9, 198.51.100.7\n"
	    PSKAUTH " }\n"
	    " any2 {\n remote_addrs = %any\n" PSKAUTH " }\n"
	    " v6 {\n remote_addrs = 2001:db8::/32\n" PSKAUTH " }\n"
	    "}\n");
	/*
	 * strongSwan: exact 129 > /24 (25) > /16 (17) > a range that is no
	 * subnet, and %any, both 1 (each times 16 as the remote address,
	 * plus 8 for the local %any): those three tie and keep config order.
	 */
	assert_string_equal(conns_for(cf, "192.0.2.1", "198.51.100.7"),
	    "exact,narrow,wide,any1,range,any2");
	/* outside the range and the /24, inside the /16 */
	assert_string_equal(conns_for(cf, "192.0.2.1", "198.51.200.1"),
	    "wide,any1,any2");
	/* an IPv6 peer: only %any and the IPv6 subnet; IPv4 entries are
	 * another family and match nothing */
	assert_string_equal(conns_for(cf, "2001:db8:1::1", "2001:db8::5"),
	    "v6,any1,any2");
	assert_string_equal(conns_for(cf, "2001:db8:1::1", "2001:db9::5"),
	    "any1,any2");
	conf_free(cf);
}

static void
test_conns_both_ends(void **state)
{
	struct conf *cf;

	(void)state;
	cf = load("ends.conf",
	    "connections {\n"
	    " loc {\n local_addrs = 192.0.2.1\n" PSKAUTH " }\n"
	    " rem {\n remote_addrs = 198.51.100.7\n" PSKAUTH " }\n"
	    " both {\n local_addrs = 192.0.2.1\n remote_addrs = 198.51.100.7\n"
	    PSKAUTH " }\n"
	    " other {\n local_addrs = 192.0.2.99\n"
	    " remote_addrs = 198.51.100.7\n" PSKAUTH " }\n"
	    " v2 {\n version = 2\n" PSKAUTH " }\n"
	    " v0 {\n" PSKAUTH " }\n"
	    "}\n");
	/*
	 * Both ends must match (other: our address is not 192.0.2.99).  The
	 * remote address counts twice the local one: rem (8 + 129 * 16)
	 * before loc (129 * 8 + 16).  version = 2 gets strongSwan's
	 * MATCH_VERSION (4) over version = 0, which takes IKEv1 too.
	 */
	assert_string_equal(conns_for(cf, "192.0.2.1", "198.51.100.7"),
	    "both,rem,loc,v2,v0");
	assert_string_equal(conns_for(cf, "192.0.2.1", "198.51.100.8"),
	    "loc,v2,v0");
	assert_string_equal(conns_for(cf, "192.0.2.99", "198.51.100.7"),
	    "other,rem,v2,v0");
	assert_string_equal(conns_for(cf, "192.0.2.2", "198.51.100.8"),
	    "v2,v0");
	conf_free(cf);
}

static void
test_conns_any_family(void **state)
{
	struct conf *cf;

	(void)state;
	cf = load("anyfam.conf",
	    "connections {\n"
	    " v4 {\n remote_addrs = %any4\n" PSKAUTH " }\n"
	    " v6 {\n remote_addrs = %any6\n" PSKAUTH " }\n"
	    " zero4 {\n remote_addrs = 0.0.0.0\n" PSKAUTH " }\n"
	    " zero6 {\n remote_addrs = ::\n" PSKAUTH " }\n"
	    " any {\n remote_addrs = %any\n" PSKAUTH " }\n"
	    "}\n");
	/*
	 * host.c: %any4 and 0.0.0.0 are any IPv4 address, %any6 and :: any
	 * IPv6 one, and none of them an address of the other family; %any
	 * is either.  All match as %any does (quality 1): config order.
	 */
	assert_string_equal(conns_for(cf, "192.0.2.1", "198.51.100.7"),
	    "v4,zero4,any");
	assert_string_equal(conns_for(cf, "2001:db8::1", "2001:db8::7"),
	    "v6,zero6,any");
	conf_free(cf);
}

static void
test_conns_max(void **state)
{
	const struct conf_conn *out[2];
	struct sockaddr_storage l = sa("192.0.2.1", 500),
	    r = sa("198.51.100.1", 500);
	struct conf *cf;

	(void)state;
	cf = load("max.conf", "connections {\n a {\n" PSKAUTH " }\n"
	    " b {\n" PSKAUTH " }\n c {\n" PSKAUTH " }\n"
	    " d {\n remote_addrs = 198.51.100.1\n" PSKAUTH " }\n}\n");
	/* room for two: the best two, even when the best comes last */
	assert_int_equal(cfg_conns_for(cf, &l, &r, out, 2), 2);
	assert_string_equal(out[0]->name, "d");
	assert_string_equal(out[1]->name, "a");
	assert_int_equal(cfg_conns_for(cf, &l, &r, out, 1), 1);
	assert_string_equal(out[0]->name, "d");
	assert_int_equal(cfg_conns_for(cf, &l, &r, out, 0), 0);
	assert_int_equal(cfg_addr_match(cf->conns[0].remote_addrs,
	    cf->conns[0].nremote_addrs, &r), 1);
	conf_free(cf);
	cf = load("none.conf", "# no connections\n");
	assert_int_equal(cfg_conns_for(cf, &l, &r, out, 2), 0);
	conf_free(cf);
}

/* ---- IDs ------------------------------------------------------------------ */

/* The local ID of connection 0 on the wire. */
static void
wire(const char *id, const char *ike_addr, uint8_t type, const void *data,
    size_t len)
{
	char text[512];
	struct sockaddr_storage a = sa(ike_addr, 500);
	struct cfg_id out;
	struct conf *cf;
	char err[256];

	snprintf(text, sizeof(text), "connections { c {\n"
	    " local { auth = psk\n id = \"%s\" }\n remote { auth = psk }\n"
	    "} }\n", id);
	cf = load("wire.conf", text);
	assert_int_equal(cfg_id_wire(&cf->conns[0].local.id, &a, &out, err,
	    sizeof(err)), 0);
	assert_int_equal(out.type, type);
	assert_int_equal(out.len, len);
	assert_memory_equal(out.data, data, len);
	conf_free(cf);
}

static void
test_id_wire(void **state)
{
	uint8_t v4[4], v6[16], ike6[16];

	(void)state;
	inet_pton(AF_INET, "192.0.2.7", v4);
	inet_pton(AF_INET6, "2001:db8::7", v6);
	inet_pton(AF_INET6, "2001:db8::1", ike6);
	wire("192.0.2.7", "192.0.2.1", IKE_ID_IPV4_ADDR, v4, 4);
	wire("2001:db8::7", "2001:db8::1", IKE_ID_IPV6_ADDR, v6, 16);
	/* identification_create_from_string(): no '@' and no address is
	 * an FQDN; a leading '@' is dropped; "@@" and "user@host" RFC822 */
	wire("moon.example.org", "192.0.2.1", IKE_ID_FQDN, "moon.example.org",
	    16);
	wire("@moon", "192.0.2.1", IKE_ID_FQDN, "moon", 4);
	wire("@@carol@example.org", "192.0.2.1", IKE_ID_RFC822_ADDR,
	    "carol@example.org", 17);
	wire("carol@example.org", "192.0.2.1", IKE_ID_RFC822_ADDR,
	    "carol@example.org", 17);
	/* no id (or %any) for our side: the IKE address, of its family */
	inet_pton(AF_INET, "192.0.2.1", v4);
	wire("%any", "192.0.2.1", IKE_ID_IPV4_ADDR, v4, 4);
	wire("%any", "2001:db8::1", IKE_ID_IPV6_ADDR, ike6, 16);
}

static void
test_id_wire_remote_and_dn(void **state)
{
	struct conf_id any = { 0 };
	struct conf_id dn = { .type = CONF_ID_DER_ASN1_DN, .str = "CN=x" };
	struct cfg_id out;
	char err[256];

	(void)state;
	/* the peer's %any: type 0, anyone */
	out.type = 99;
	assert_int_equal(cfg_id_wire(&any, NULL, &out, err, sizeof(err)), 0);
	assert_int_equal(out.type, 0);
	assert_int_equal(out.len, 0);
	/* a DN is made by the certificate code, not here */
	assert_int_equal(cfg_id_wire(&dn, NULL, &out, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "CN=x"));
}

static void
test_id_match(void **state)
{
	struct conf_id any = { 0 };
	struct conf_id fqdn = { .type = CONF_ID_FQDN, .str = "sun.example.org" };
	struct conf_id mail = { .type = CONF_ID_RFC822_ADDR,
	    .str = "carol@example.org" };
	struct conf_id v4 = { .type = CONF_ID_IPV4_ADDR };
	struct conf_id v6 = { .type = CONF_ID_IPV6_ADDR };
	uint8_t a4[4], a6[16], b6[16];

	(void)state;
	inet_pton(AF_INET, "198.51.100.2", v4.addr);
	inet_pton(AF_INET, "198.51.100.2", a4);
	inet_pton(AF_INET6, "2001:db8::2", v6.addr);
	inet_pton(AF_INET6, "2001:db8::2", a6);
	inet_pton(AF_INET6, "2001:db8::3", b6);

	/* %any takes any ID */
	assert_true(cfg_id_match(&any, IKE_ID_FQDN, (const uint8_t *)"x", 1));
	assert_true(cfg_id_match(&any, IKE_ID_IPV4_ADDR, a4, 4));
	/* FQDN: the same name, without case (strongSwan's
	 * equals_strcasecmp), not a longer or shorter one, nor the same
	 * text as another type */
	assert_true(cfg_id_match(&fqdn, IKE_ID_FQDN,
	    (const uint8_t *)"sun.example.org", 15));
	assert_true(cfg_id_match(&fqdn, IKE_ID_FQDN,
	    (const uint8_t *)"SUN.Example.ORG", 15));
	assert_false(cfg_id_match(&fqdn, IKE_ID_FQDN,
	    (const uint8_t *)"sun.example.or", 14));
	assert_false(cfg_id_match(&fqdn, IKE_ID_FQDN,
	    (const uint8_t *)"sun.example.org.", 16));
	assert_false(cfg_id_match(&fqdn, IKE_ID_RFC822_ADDR,
	    (const uint8_t *)"sun.example.org", 15));
	assert_true(cfg_id_match(&mail, IKE_ID_RFC822_ADDR,
	    (const uint8_t *)"Carol@Example.org", 17));
	assert_false(cfg_id_match(&mail, IKE_ID_FQDN,
	    (const uint8_t *)"carol@example.org", 17));
	/* addresses: by their bytes and family */
	assert_true(cfg_id_match(&v4, IKE_ID_IPV4_ADDR, a4, 4));
	a4[3]++;
	assert_false(cfg_id_match(&v4, IKE_ID_IPV4_ADDR, a4, 4));
	assert_true(cfg_id_match(&v6, IKE_ID_IPV6_ADDR, a6, 16));
	assert_false(cfg_id_match(&v6, IKE_ID_IPV6_ADDR, b6, 16));
	assert_false(cfg_id_match(&v6, IKE_ID_IPV4_ADDR, a6, 4));
	/* a leading '*' stands for any start (matches_string()): the rest
	 * must end the ID, which is at least as long as the pattern */
	{
		struct conf_id wf = { .type = CONF_ID_FQDN,
		    .str = "*.example.org" };
		struct conf_id wm = { .type = CONF_ID_RFC822_ADDR,
		    .str = "*@example.org" };

		assert_true(cfg_id_match(&wf, IKE_ID_FQDN,
		    (const uint8_t *)"moon.example.org", 16));
		assert_true(cfg_id_match(&wf, IKE_ID_FQDN,
		    (const uint8_t *)"MOON.Example.Org", 16));
		assert_true(cfg_id_match(&wf, IKE_ID_FQDN,
		    (const uint8_t *)"a.example.org", 13));
		assert_false(cfg_id_match(&wf, IKE_ID_FQDN,
		    (const uint8_t *)".example.org", 12));
		assert_false(cfg_id_match(&wf, IKE_ID_FQDN,
		    (const uint8_t *)"moonexample.org", 15));
		assert_false(cfg_id_match(&wf, IKE_ID_FQDN,
		    (const uint8_t *)"example.org", 11));
		assert_false(cfg_id_match(&wf, IKE_ID_RFC822_ADDR,
		    (const uint8_t *)"moon.example.org", 16));
		assert_true(cfg_id_match(&wm, IKE_ID_RFC822_ADDR,
		    (const uint8_t *)"carol@example.org", 17));
		assert_false(cfg_id_match(&wm, IKE_ID_RFC822_ADDR,
		    (const uint8_t *)"carol@example.com", 17));
	}
	/* an IP address ID is not its text as an FQDN */
	assert_false(cfg_id_match(&v4, IKE_ID_FQDN,
	    (const uint8_t *)"198.51.100.2", 12));
}

/* ---- the PSK ------------------------------------------------------------- */

static struct cfg_id
fqdn_id(const char *name)
{
	struct cfg_id id;

	memset(&id, 0, sizeof(id));
	id.type = IKE_ID_FQDN;
	id.len = strlen(name);
	memcpy(id.data, name, id.len);
	return id;
}

/* The name of the secret cfg_psk() picks for our ID and the peer's. */
static const char *
psk_for(const struct conf *cf, const char *me, const char *peer)
{
	struct cfg_id l = fqdn_id(me), r = fqdn_id(peer);
	const struct conf_secret *s = cfg_psk(cf, &l, &r);

	return s != NULL ? s->name : "(none)";
}

static void
test_psk_choice(void **state)
{
	struct conf *cf;

	(void)state;
	/* each secret's text names itself, for the check below */
	cf = load("psk.conf",
	    "secrets {\n"
	    " ike-both { id-1 = moon\n id-2 = sun\n secret = both }\n"
	    " ike-peer { id = sun\n secret = peer }\n"
	    " ike-ours { id = moon\n secret = ours }\n"
	    " ike-noids { secret = noids }\n"
	    " ike-neither { id = venus\n secret = neither }\n"
	    "}\n");
	/* both ids match: the best there is */
	assert_string_equal(psk_for(cf, "moon", "sun"), "ike-both");
	/* the peer's ID counts first (get_shared compares match_other
	 * before match_me): both beats peer beats no ids (%any on both
	 * sides) beats ours alone */
	assert_string_equal(psk_for(cf, "moon", "SUN"), "ike-both");
	/* ike-both and ike-peer match alike here (the peer only): the one
	 * loaded last wins, as mem_cred enumerates the newest first */
	assert_string_equal(psk_for(cf, "mars", "sun"), "ike-peer");
	assert_string_equal(psk_for(cf, "moon", "mars"), "ike-noids");
	/* the ends swapped: a secret's ids are not sides, ike-both names
	 * both */
	assert_string_equal(psk_for(cf, "sun", "moon"), "ike-both");
	assert_string_equal(psk_for(cf, "mars", "pluto"), "ike-noids");
	/* "venus" is never used for other pairs, only where it matches */
	assert_string_equal(psk_for(cf, "venus", "pluto"), "ike-noids");
	assert_string_equal(psk_for(cf, "pluto", "venus"), "ike-neither");
	conf_free(cf);

	/* without the no-id secret, ours alone is used, and a secret whose
	 * ids match neither end is never used */
	cf = load("psk2.conf",
	    "secrets {\n"
	    " ike-ours { id = moon\n secret = ours }\n"
	    " ike-neither { id = venus\n secret = neither }\n"
	    "}\n");
	assert_string_equal(psk_for(cf, "moon", "mars"), "ike-ours");
	assert_string_equal(psk_for(cf, "mars", "pluto"), "(none)");
	conf_free(cf);
}

static void
test_psk_any_and_ties(void **state)
{
	struct cfg_id l = fqdn_id("moon"), r = fqdn_id("sun");
	struct cfg_id unknown = { 0 };
	const struct conf_secret *s;
	struct conf *cf;

	(void)state;
	cf = load("psk3.conf",
	    "secrets {\n"
	    " ike-a { secret = first }\n"
	    " ike-any { id = %any\n secret = any }\n"
	    " ike-ours { id = moon\n secret = ours }\n"
	    "}\n");
	/* id = %any is what no ids mean; of equals, strongSwan uses the
	 * one loaded last (mem_cred inserts each new secret first) */
	s = cfg_psk(cf, &l, &r);
	assert_non_null(s);
	assert_string_equal(s->name, "ike-any");
	assert_int_equal(s->len, 3);
	assert_memory_equal(s->secret, "any", 3);
	/* a peer not known yet (%any) matches only %any secrets */
	s = cfg_psk(cf, &l, &unknown);
	assert_string_equal(s->name, "ike-any");
	conf_free(cf);

	/* a wildcard id (ID_MATCH_ONE_WILDCARD) is between the same ID
	 * (ID_MATCH_PERFECT) and %any (ID_MATCH_ANY) */
	cf = load("pskw.conf",
	    "secrets {\n"
	    " ike-exact { id = sun.example.org\n secret = exact }\n"
	    " ike-wild { id = *.example.org\n secret = wild }\n"
	    " ike-noids { secret = noids }\n"
	    "}\n");
	assert_string_equal(psk_for(cf, "moon", "sun.example.org"),
	    "ike-exact");
	assert_string_equal(psk_for(cf, "moon", "venus.Example.org"),
	    "ike-wild");
	assert_string_equal(psk_for(cf, "moon", "mars.example.com"),
	    "ike-noids");
	/* only ours by wildcard: the peer's match counts first, and %any
	 * matches the peer where ike-wild does not */
	assert_string_equal(psk_for(cf, "gw.example.org", "mars"),
	    "ike-noids");
	conf_free(cf);

	/* IP address IDs, and a peer listed beside a %any id */
	cf = load("psk4.conf",
	    "secrets {\n"
	    " ike-ip { id = 198.51.100.2\n secret = ip }\n"
	    " ike-mixed { id-1 = %any\n id-2 = 2001:db8::2\n secret = mx }\n"
	    "}\n");
	memset(&r, 0, sizeof(r));
	r.type = IKE_ID_IPV4_ADDR;
	r.len = 4;
	inet_pton(AF_INET, "198.51.100.2", r.data);
	assert_string_equal(cfg_psk(cf, &l, &r)->name, "ike-ip");
	/* an IPv6 peer: ike-mixed matches it exactly and us as %any */
	r.type = IKE_ID_IPV6_ADDR;
	r.len = 16;
	inet_pton(AF_INET6, "2001:db8::2", r.data);
	assert_string_equal(cfg_psk(cf, &l, &r)->name, "ike-mixed");
	conf_free(cf);
}

/* ---- traffic selectors ------------------------------------------------ */

static void
assert_ts(const struct ike_ts *t, uint8_t type, const char *from,
    const char *to, uint8_t proto, uint16_t sport, uint16_t eport)
{
	uint8_t a[16], b[16];
	size_t n = type == IKE_TS_IPV4_RANGE ? 4 : 16;
	int af = n == 4 ? AF_INET : AF_INET6;

	assert_int_equal(inet_pton(af, from, a), 1);
	assert_int_equal(inet_pton(af, to, b), 1);
	assert_int_equal(t->type, type);
	assert_memory_equal(t->start, a, n);
	assert_memory_equal(t->end, b, n);
	assert_int_equal(t->proto, proto);
	assert_int_equal(t->sport, sport);
	assert_int_equal(t->eport, eport);
}

static void
test_ts(void **state)
{
	struct sockaddr_storage a4 = sa("192.0.2.1", 500),
	    a6 = sa("2001:db8::1", 4500);
	struct ike_ts ts[IKE_TS_MAX];
	const struct conf_child *ch;
	struct conf *cf;

	(void)state;
	cf = load("ts.conf",
	    "connections { c {\n" PSKAUTH
	    " children { net {\n"
	    "  local_ts = dynamic[tcp/443], 10.1.0.0/16, "
	    "10.3.0.1-10.3.0.9[udp/500-510]\n"
	    " }\n"
	    " net6 { local_ts = dynamic, 2001:db8:1::/48[icmpv6] }\n"
	    " def { }\n"
	    "} } }\n");
	ch = &cf->conns[0].children[0];
	assert_int_equal(cfg_ts(ch->local_ts, ch->nlocal_ts, &a4, ts,
	    IKE_TS_MAX), 3);
	/* dynamic: a host selector of the IKE address; [tcp/443] kept */
	assert_ts(&ts[0], IKE_TS_IPV4_RANGE, "192.0.2.1", "192.0.2.1", 6,
	    443, 443);
	/* a subnet as its range, any protocol and port (0-65535) */
	assert_ts(&ts[1], IKE_TS_IPV4_RANGE, "10.1.0.0", "10.1.255.255", 0, 0,
	    65535);
	assert_ts(&ts[2], IKE_TS_IPV4_RANGE, "10.3.0.1", "10.3.0.9", 17, 500,
	    510);
	/* room for fewer: the first ones */
	assert_int_equal(cfg_ts(ch->local_ts, ch->nlocal_ts, &a4, ts, 1), 1);

	ch = &cf->conns[0].children[1];
	assert_int_equal(cfg_ts(ch->local_ts, ch->nlocal_ts, &a6, ts,
	    IKE_TS_MAX), 2);
	assert_ts(&ts[0], IKE_TS_IPV6_RANGE, "2001:db8::1", "2001:db8::1", 0,
	    0, 65535);
	assert_ts(&ts[1], IKE_TS_IPV6_RANGE, "2001:db8:1::",
	    "2001:db8:1:ffff:ffff:ffff:ffff:ffff", 58, 0, 65535);

	/* swanctl.conf(5): local_ts and remote_ts default to dynamic */
	ch = &cf->conns[0].children[2];
	if (ch->nlocal_ts == 0) {
		struct conf_ts dyn = { .dynamic = 1, .port_to = 65535 };

		/* the loader leaves the default to the daemon (exch.c) */
		assert_int_equal(cfg_ts(&dyn, 1, &a4, ts, IKE_TS_MAX), 1);
	} else {
		assert_int_equal(cfg_ts(ch->local_ts, ch->nlocal_ts, &a4, ts,
		    IKE_TS_MAX), 1);
	}
	assert_ts(&ts[0], IKE_TS_IPV4_RANGE, "192.0.2.1", "192.0.2.1", 0, 0,
	    65535);
	conf_free(cf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conns_order),
		cmocka_unit_test(test_conns_both_ends),
		cmocka_unit_test(test_conns_any_family),
		cmocka_unit_test(test_conns_max),
		cmocka_unit_test(test_id_wire),
		cmocka_unit_test(test_id_wire_remote_and_dn),
		cmocka_unit_test(test_id_match),
		cmocka_unit_test(test_psk_choice),
		cmocka_unit_test(test_psk_any_and_ties),
		cmocka_unit_test(test_ts),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests(tests, scratch_make, scratch_remove);
}
