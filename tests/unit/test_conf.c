/*
 * test_conf.c - swanctl.conf onto nicsecd's configuration (host/conf.c).
 *
 * Two whole configs of the kind strongSwan's docs show (a site-to-site PSK
 * tunnel, a certificate one) load and read back field by field, with
 * strongSwan's defaults where keys are left out.  Every refusal and bad
 * value is made to happen on a known line, and its message must read
 * "FILE:LINE: dotted.key: reason".  Secrets decode from text, hex and
 * base64, and a failed load leaves nothing behind.
 */
#define _DEFAULT_SOURCE

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf.h"
#include "scratch.h"

static char *
write_file(const char *name, const char *text)
{
	static char path[4][512];
	static int k;
	char *p = path[k++ % 4];
	FILE *fp;

	snprintf(p, 512, "%s/%s", tmpdir, name);
	fp = fopen(p, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
	assert_int_equal(fclose(fp), 0);
	return p;
}

static struct conf *
load_ok(const char *name, const char *text)
{
	struct conf *cf;
	char err[512];

	if (conf_load(write_file(name, text), &cf, err, sizeof(err)) != 0)
		fail_msg("load failed: %s", err);
	return cf;
}

static void
assert_ip(const uint8_t *got, const char *want)
{
	uint8_t a[16];

	memset(a, 0, sizeof(a));
	if (inet_pton(AF_INET, want, a) != 1)
		assert_int_equal(inet_pton(AF_INET6, want, a), 1);
	assert_memory_equal(got, a, 16);
}

static void
assert_ip4(const uint8_t *got, const char *want)
{
	uint8_t a[4];

	assert_int_equal(inet_pton(AF_INET, want, a), 1);
	assert_memory_equal(got, a, 4);
}

static void
assert_proposals(const struct ike_proposal *p, size_t n, const char *want)
{
	char got[2048];

	ike_xform_format_list(p, n, got, sizeof(got));
	assert_string_equal(got, want);
}

/* ---- good configs ---------------------------------------------------- */

/* A site-to-site PSK tunnel, as strongSwan's swanctl examples write one. */
static const char PSK[] =
	"connections {\n"
	"    gw-gw {\n"
	"        local_addrs  = 192.0.2.1\n"
	"        remote_addrs = 198.51.100.2\n"
	"        proposals = aes256gcm16-prfsha384-ecp384\n"
	"        dpd_delay = 30s\n"
	"        rekey_time = 1d\n"
	"        local {\n"
	"            auth = psk\n"
	"            id = moon.example.org\n"
	"        }\n"
	"        remote {\n"
	"            auth = psk\n"
	"            id = @sun.example.org\n"
	"        }\n"
	"        children {\n"
	"            net-net {\n"
	"                local_ts  = 10.1.0.0/16\n"
	"                remote_ts = 10.2.0.0/16, 10.3.0.1-10.3.0.9[tcp/443]\n"
	"                esp_proposals = aes256gcm16-ecp384\n"
	"                rekey_time = 5400\n"
	"                start_action = trap|start\n"
	"                dpd_action = restart\n"
	"                close_action = trap\n"
	"            }\n"
	"        }\n"
	"        version = 2\n"
	"        mobike = no\n"
	"    }\n"
	"}\n"
	"secrets {\n"
	"    ike-1 {\n"
	"        id-1 = moon.example.org\n"
	"        id-2 = @sun.example.org\n"
	"        secret = \"0sFpZAZqEN6Ti9sqt4ZP5EWcqx\"\n"
	"    }\n"
	"    ike-2 {\n"
	"        secret = 0x2a2b2c\n"
	"    }\n"
	"    ike-3 {\n"
	"        id = 198.51.100.2\n"
	"        secret = \"plain text, with spaces\"\n"
	"    }\n"
	"}\n";

static void
test_psk(void **state)
{
	struct conf *cf;
	const struct conf_conn *c;
	const struct conf_child *ch;

	(void)state;
	cf = load_ok("psk.conf", PSK);
	assert_int_equal(cf->nconns, 1);
	c = conf_conn_find(cf, "gw-gw");
	assert_non_null(c);
	assert_null(conf_conn_find(cf, "nope"));
	assert_int_equal(c->version, 2);
	assert_int_equal(c->nlocal_addrs, 1);
	assert_int_equal(c->local_addrs[0].family, AF_INET);
	assert_int_equal(c->local_addrs[0].host, 1);
	assert_ip(c->local_addrs[0].from, "192.0.2.1");
	assert_ip(c->remote_addrs[0].to, "198.51.100.2");
	assert_int_equal(c->local_port, 500);
	assert_int_equal(c->remote_port, 500);
	assert_proposals(c->ike, c->nike,
	    "IKE:AES_GCM_16_256/PRF_HMAC_SHA2_384/ECP_384");
	assert_int_equal(c->dpd_delay, 30);
	assert_int_equal(c->rekey_time, 86400);
	assert_int_equal(c->over_time, 8640);		/* 10% */
	assert_int_equal(c->rand_time, 8640);		/* = over_time */
	assert_int_equal(c->keyingtries, 1);
	assert_int_equal(c->unique, CONF_UNIQUE_NO);
	assert_int_equal(c->send_certreq, 1);
	assert_int_equal(c->send_cert, CONF_SEND_CERT_IFASKED);
	assert_int_equal(c->encap, 0);
	assert_int_equal(c->local.auth, CONF_AUTH_PSK);
	assert_int_equal(c->local.id.type, CONF_ID_FQDN);
	assert_string_equal(c->local.id.str, "moon.example.org");
	assert_int_equal(c->remote.id.type, CONF_ID_FQDN);
	assert_string_equal(c->remote.id.str, "sun.example.org");
	assert_int_equal(c->line, 2);

	assert_int_equal(c->nchildren, 1);
	ch = &c->children[0];
	assert_string_equal(ch->name, "net-net");
	assert_int_equal(ch->nlocal_ts, 1);
	assert_ip(ch->local_ts[0].from, "10.1.0.0");
	assert_ip(ch->local_ts[0].to, "10.1.255.255");
	assert_int_equal(ch->local_ts[0].proto, 0);
	assert_int_equal(ch->local_ts[0].port_to, 65535);
	assert_int_equal(ch->nremote_ts, 2);
	assert_ip(ch->remote_ts[1].from, "10.3.0.1");
	assert_ip(ch->remote_ts[1].to, "10.3.0.9");
	assert_int_equal(ch->remote_ts[1].proto, 6);
	assert_int_equal(ch->remote_ts[1].port_from, 443);
	assert_int_equal(ch->remote_ts[1].port_to, 443);
	assert_proposals(ch->esp, ch->nesp, "ESP:AES_GCM_16_256/ECP_384/"
	    "NO_EXT_SEQ");
	assert_int_equal(ch->rekey_time, 5400);
	assert_int_equal(ch->life_time, 5940);		/* + 10% */
	assert_int_equal(ch->rand_time, 540);
	assert_int_equal(ch->start_action, CONF_ACTION_TRAP |
	    CONF_ACTION_START);
	assert_int_equal(ch->dpd_action, CONF_ACTION_START);
	assert_int_equal(ch->close_action, CONF_ACTION_TRAP);
	assert_int_equal(ch->replay_window, 32);
	assert_int_equal(ch->line, 17);

	assert_int_equal(cf->nsecrets, 3);
	assert_string_equal(cf->secrets[0].name, "ike-1");
	assert_int_equal(cf->secrets[0].nids, 2);
	assert_int_equal(cf->secrets[0].ids[1].type, CONF_ID_FQDN);
	assert_int_equal(cf->secrets[0].len, 18);
	assert_memory_equal(cf->secrets[0].secret,
	    "\x16\x96\x40\x66\xa1\x0d\xe9\x38\xbd\xb2\xab\x78\x64\xfe\x44"
	    "\x59\xca\xb1", 18);
	assert_int_equal(cf->secrets[1].nids, 0);	/* any identity */
	assert_int_equal(cf->secrets[1].len, 3);
	assert_memory_equal(cf->secrets[1].secret, "\x2a\x2b\x2c", 3);
	assert_int_equal(cf->secrets[2].ids[0].type, CONF_ID_IPV4_ADDR);
	assert_ip(cf->secrets[2].ids[0].addr, "198.51.100.2");
	assert_int_equal(cf->secrets[2].len, 23);
	assert_memory_equal(cf->secrets[2].secret, "plain text, with spaces",
	    23);
	conf_free(cf);
}

/* Certificates, a responder for any peer, IPv6, defaults. */
static void
test_certs(void **state)
{
	struct conf *cf;
	const struct conf_conn *c;
	const struct conf_child *ch;
	char sub[600], key[700];

	(void)state;
	write_file("gw.crt", "not really a cert\n");
	write_file("ca.crt", "not really a CA\n");
	snprintf(sub, sizeof(sub), "%s/private", tmpdir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(key, sizeof(key), "%s/gw.key", sub);
	fclose(fopen(key, "w"));
	cf = load_ok("certs.conf",
	    "connections {\n"
	    "  rw {\n"
	    "    local_addrs = 2001:db8::1, 192.0.2.1\n"
	    "    remote_addrs = %any, 2001:db8:1::/48\n"
	    "    local { certs = gw.crt\n"
	    "            id = \"C=CH, O=nicsec, CN=gw.example.org\" }\n"
	    "    remote { cacerts = ca.crt\n"
	    "             id = *@example.org }\n"
	    "    children { host { esp_proposals = aes128gcm16-esn\n"
	    "                      remote_ts = dynamic[udp/1024-65535] } }\n"
	    "  }\n"
	    "}\n"
	    "secrets { private-gw { file = gw.key\n"
	    "                        secret = 0x00ff } }\n");
	rmdir(sub);	/* fails while gw.key is there */
	unlink(key);
	rmdir(sub);
	c = &cf->conns[0];
	assert_int_equal(c->version, 0);
	assert_int_equal(c->local_addrs[0].family, AF_INET6);
	assert_int_equal(c->remote_addrs[0].family, 0);		/* %any */
	assert_int_equal(c->remote_addrs[1].host, 0);
	assert_ip(c->remote_addrs[1].to, "2001:db8:1:ffff:ffff:ffff:ffff:ffff");
	assert_proposals(c->ike, c->nike, "IKE:AES_CBC_128/AES_CBC_256/"
	    "HMAC_SHA2_256_128/HMAC_SHA2_384_192/HMAC_SHA2_512_256/"
	    "PRF_HMAC_SHA2_256/PRF_HMAC_SHA2_384/PRF_HMAC_SHA2_512/ECP_256/"
	    "ECP_384/ECP_521/CURVE_25519/MODP_3072/MODP_4096/MODP_2048, "
	    "IKE:AES_GCM_16_128/AES_GCM_16_256/PRF_HMAC_SHA2_256/"
	    "PRF_HMAC_SHA2_384/PRF_HMAC_SHA2_512/ECP_256/ECP_384/ECP_521/"
	    "CURVE_25519/MODP_3072/MODP_4096/MODP_2048");
	assert_int_equal(c->rekey_time, 14400);			/* 4h */
	assert_int_equal(c->over_time, 1440);
	assert_int_equal(c->local.auth, CONF_AUTH_PUBKEY);
	assert_int_equal(c->local.id.type, CONF_ID_DER_ASN1_DN);
	assert_string_equal(c->local.id.str, "C=CH, O=nicsec, CN=gw.example.org");
	assert_int_equal(c->local.ncerts, 1);
	assert_non_null(strstr(c->local.certs[0], "/gw.crt"));
	assert_int_equal(c->remote.id.type, CONF_ID_RFC822_ADDR);
	assert_int_equal(c->remote.ncacerts, 1);
	ch = &c->children[0];
	assert_int_equal(ch->nlocal_ts, 0);			/* dynamic */
	assert_int_equal(ch->remote_ts[0].dynamic, 1);
	assert_int_equal(ch->remote_ts[0].proto, 17);
	assert_int_equal(ch->remote_ts[0].port_from, 1024);
	assert_proposals(ch->esp, ch->nesp, "ESP:AES_GCM_16_128/EXT_SEQ");
	assert_int_equal(ch->rekey_time, 3600);
	assert_int_equal(ch->life_time, 3960);
	assert_int_equal(ch->rand_time, 360);
	assert_int_equal(ch->start_action, CONF_ACTION_NONE);
	assert_int_equal(ch->dpd_action, CONF_ACTION_NONE);
	assert_int_equal(cf->nkeys, 1);
	assert_non_null(strstr(cf->keys[0].file, "/private/gw.key"));
	assert_int_equal(cf->keys[0].passlen, 2);
	conf_free(cf);
}

/* Identities as strongSwan types them; times, counts, empty values. */
static void
test_values(void **state)
{
	static const struct {
		const char	*id;
		int		 type;
		const char	*str;
	} ids[] = {
		{ "192.0.2.7", CONF_ID_IPV4_ADDR, "192.0.2.7" },
		{ "2001:db8::7", CONF_ID_IPV6_ADDR, "2001:db8::7" },
		{ "gw.example.org", CONF_ID_FQDN, "gw.example.org" },
		{ "@gw", CONF_ID_FQDN, "gw" },
		{ "@@user@example.org", CONF_ID_RFC822_ADDR, "user@example.org" },
		{ "user@example.org", CONF_ID_RFC822_ADDR, "user@example.org" },
		{ "fqdn:10.0.0.1", CONF_ID_FQDN, "10.0.0.1" },
		{ "email:a@b", CONF_ID_RFC822_ADDR, "a@b" },
		{ "CN=x", CONF_ID_DER_ASN1_DN, "CN=x" },
		{ "%any", CONF_ID_ANY, NULL },
	};
	struct conf *cf;
	char text[1024];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		snprintf(text, sizeof(text), "connections { c {\n"
		    "remote { auth = psk\n id = \"%s\" } } }\n", ids[i].id);
		cf = load_ok("ids.conf", text);
		assert_int_equal(cf->conns[0].remote.id.type, ids[i].type);
		if (ids[i].str != NULL)
			assert_string_equal(cf->conns[0].remote.id.str,
			    ids[i].str);
		else
			assert_null(cf->conns[0].remote.id.str);
		conf_free(cf);
	}
	cf = load_ok("vals.conf",
	    "connections { c {\n"
	    "  remote { auth = psk }\n"
	    "  dpd_delay = 5m\n dpd_timeout = 2h\n keyingtries = 0\n"
	    "  rekey_time = \n"			/* empty: default */
	    "  unique = replace\n send_cert = always\n send_certreq = no\n"
	    "  encap = yes\n fragmentation = no\n aggressive = no\n"
	    "  local_port = 4500\n remote_port = 4500\n reauth_time = 0\n"
	    "  over_time = 1h\n rand_time = 10m\n"
	    "  children {\n   a { rekey_bytes = 1G\n life_packets = 10k\n"
	    "   rekey_packets = 5000\n rekey_time = 8\n life_time = 14\n"
	    "   rand_time = 0\n replay_window = 4096\n inactivity = 1d\n"
	    "   mode = tunnel\n policies = yes\n hw_offload = no } }\n"
	    "} }\n");
	assert_int_equal(cf->conns[0].dpd_delay, 300);
	assert_int_equal(cf->conns[0].dpd_timeout, 7200);
	assert_int_equal(cf->conns[0].keyingtries, 0);
	assert_int_equal(cf->conns[0].rekey_time, 14400);
	assert_int_equal(cf->conns[0].over_time, 3600);
	assert_int_equal(cf->conns[0].rand_time, 600);
	assert_int_equal(cf->conns[0].unique, CONF_UNIQUE_REPLACE);
	assert_int_equal(cf->conns[0].send_cert, CONF_SEND_CERT_ALWAYS);
	assert_int_equal(cf->conns[0].send_certreq, 0);
	assert_int_equal(cf->conns[0].encap, 1);
	assert_int_equal(cf->conns[0].local_port, 4500);
	assert_int_equal(cf->conns[0].children[0].rekey_bytes, 1ull << 30);
	assert_int_equal(cf->conns[0].children[0].life_bytes,
	    (1ull << 30) / 100 * 110);
	assert_int_equal(cf->conns[0].children[0].life_packets, 10240);
	assert_int_equal(cf->conns[0].children[0].rand_packets, 5240);
	assert_int_equal(cf->conns[0].children[0].life_time, 14);
	assert_int_equal(cf->conns[0].children[0].rand_time, 0);
	assert_int_equal(cf->conns[0].children[0].replay_window, 4096);
	assert_int_equal(cf->conns[0].children[0].inactivity, 86400);
	conf_free(cf);

	/* no connections, no secrets: an empty config is fine */
	cf = load_ok("empty.conf", "# nothing yet\n");
	assert_int_equal(cf->nconns, 0);
	conf_free(cf);
}

/* ---- errors ------------------------------------------------------------ */

/* Each text's problem is on line 2 unless said otherwise. */
#define CONN	"connections { gw {\n"
#define PSKR	"remote { auth = psk }\n"
struct bad {
	const char	*name;
	const char	*text;
	int		 line;
	const char	*want;
};

static const struct bad bads[] = {
	/* the brief's own three examples */
	{ "unknown child key", CONN PSKR "children { net {\n foo = 1\n} }\n"
	    "} }\n", 4, "connections.gw.children.net.foo: unknown key 'foo'" },
	{ "mobike", CONN "mobike = yes\n" PSKR "} }\n", 2,
	    "connections.gw.mobike: 'mobike = yes' is not supported (nicsec "
	    "does no MOBIKE)" },
	{ "bad time", CONN "dpd_delay = 30x\n" PSKR "} }\n", 2,
	    "connections.gw.dpd_delay: '30x' is not a time (30s, 5m, 1h, 1d)" },

	{ "top key", "a = 1\n", 1, "a: 'a' outside any section" },
	{ "top unknown", "\nconnection { }\n", 2,
	    "connection: unknown section 'connection'" },
	{ "pools", "\npools { p { addrs = 10.0.0.0/24 } }\n", 2,
	    "pools: 'pools' is not supported (nicsec does no virtual IPs)" },
	{ "authorities", "\nauthorities { }\n", 2,
	    "authorities: 'authorities' is not supported" },
	{ "conns key", "connections {\n x = 1\n}\n", 2,
	    "connections.x: a key directly in connections" },
	{ "conn unknown", CONN "bogus = 1\n} }\n", 2,
	    "connections.gw.bogus: unknown key 'bogus'" },
	{ "conn section", CONN "bogus { }\n} }\n", 2,
	    "connections.gw.bogus: unknown section 'bogus'" },
	{ "version 1", CONN "version = 1\n} }\n", 2,
	    "'version = 1' is not supported (nicsec does IKEv2 only)" },
	{ "version 3", CONN "version = 3\n} }\n", 2, "'3' is not 0 or 2" },
	{ "dns name", CONN "remote_addrs = vpn.example.org\n} }\n", 2,
	    "connections.gw.remote_addrs: 'vpn.example.org' is not an "
	    "address: nicsec does not resolve DNS names" },
	{ "host bits", CONN "local_addrs = 10.0.0.1/8\n} }\n", 2,
	    "'10.0.0.1/8' has host bits set past /8" },
	{ "plen", CONN "local_addrs = 10.0.0.0/33\n} }\n", 2,
	    "'10.0.0.0/33': bad prefix length (0..32)" },
	{ "range fam", CONN "local_addrs = 10.0.0.1-::1\n} }\n", 2,
	    "a range from one address family to another" },
	{ "range back", CONN "local_addrs = 10.0.0.9-10.0.0.1\n} }\n", 2,
	    "a range that ends before it starts" },
	{ "empty item", CONN "local_addrs = 10.0.0.1,,10.0.0.2\n} }\n", 2,
	    "an empty item in '10.0.0.1,,10.0.0.2'" },
	{ "port", CONN "remote_port = 70000\n} }\n", 2,
	    "'70000' is not a number from 0 to 65535" },
	{ "port 0", CONN "local_port = 0\n} }\n", 2, "port 0" },
	{ "proposal", CONN "proposals = aes192-sha256-modp2048\n} }\n", 2,
	    "connections.gw.proposals: 'aes192' is not supported (nicsec "
	    "takes aes128, aes256, aes128gcm16" },
	{ "bool", CONN "encap = maybe\n} }\n", 2, "'maybe' is not yes or no" },
	{ "reauth", CONN "reauth_time = 1h\n} }\n", 2,
	    "'reauth_time = 1h' is not supported (nicsec rekeys" },
	{ "unique", CONN "unique = always\n} }\n", 2,
	    "'always' is not no, never, replace or keep" },
	{ "send_cert", CONN "send_cert = yes\n} }\n", 2,
	    "'yes' is not ifasked, always or never" },
	{ "fragmentation", CONN "fragmentation = yes\n} }\n", 2,
	    "'fragmentation = yes' is not supported (nicsec does no IKE "
	    "fragmentation)" },
	{ "vips", CONN "vips = 0.0.0.0\n} }\n", 2,
	    "'vips' is not supported (nicsec does no virtual IPs)" },
	{ "aggressive", CONN "aggressive = yes\n} }\n", 2,
	    "'aggressive = yes' is not supported (Aggressive Mode is IKEv1)" },
	{ "dscp", CONN "dscp = 101110\n} }\n", 2,
	    "'dscp = 101110' is not supported" },
	{ "keyingtries", CONN "keyingtries = -1\n} }\n", 2,
	    "'-1' is not a number from 0 to 4294967295" },
	{ "conn rand", CONN PSKR "rekey_time = 1h\nrand_time = 2h\n} }\n", 4,
	    "rand_time (7200s) must be less than rekey_time (3600s)" },
	{ "second local", CONN "local { auth = psk }\nlocal-2 { auth = psk }\n"
	    "} }\n", 3, "connections.gw.local-2: a second local "
	    "authentication round ('local-2' after 'local') is not "
	    "supported" },
	{ "second remote", CONN PSKR "remote-2 { auth = psk }\n} }\n", 3,
	    "a second remote authentication round" },
	{ "auth eap", CONN "remote { auth = eap-mschapv2 }\n} }\n", 2,
	    "connections.gw.remote.auth: 'eap-mschapv2' is not supported "
	    "(nicsec does no EAP or XAuth" },
	{ "auth rsa", CONN "remote { auth = rsa-2048 }\n} }\n", 2,
	    "'rsa-2048' is not supported (nicsec takes no key type" },
	{ "auth other", CONN "local { auth = null }\n" PSKR "} }\n", 2,
	    "'null' is not psk or pubkey" },
	{ "round key", CONN "remote { auth = psk\n groups = admins }\n} }\n",
	    3, "'groups' is not supported" },
	{ "round unknown", CONN "remote { auth = psk\n bogus = 1 }\n} }\n", 3,
	    "connections.gw.remote.bogus: unknown key 'bogus'" },
	{ "revocation", CONN "remote { auth = psk\n revocation = strict }\n"
	    "} }\n", 3, "'revocation = strict' is not supported" },
	{ "cert section", CONN "local { cert-1 { file = x } }\n" PSKR "} }\n",
	    2, "connections.gw.local.cert-1: 'cert-1' sections are not "
	    "supported" },
	{ "round section", CONN "local { x { } }\n" PSKR "} }\n", 2,
	    "connections.gw.local.x: unknown section 'x'" },
	{ "cert missing", CONN "local { certs = nope.crt }\n" PSKR "} }\n", 2,
	    "connections.gw.local.certs: 'nope.crt' not found (looked in " },
	{ "cert abs", CONN "local { certs = /no/such.crt }\n" PSKR "} }\n", 2,
	    "'/no/such.crt': No such file" },
	{ "id subnet", CONN "remote { auth = psk\n id = 10.0.0.0/8 }\n} }\n",
	    3, "subnet and range identities are not supported" },
	{ "id keyid", CONN "remote { auth = psk\n id = \"@#0102\" }\n} }\n", 3,
	    "key-id identities (@#hex) are not supported" },
	{ "id prefix", CONN "remote { auth = psk\n id = \"ipv4:#0a000001\" }\n"
	    "} }\n", 3, "this identity type prefix is not supported" },
	{ "id empty", CONN "remote { auth = psk\n id = @ }\n} }\n", 3,
	    "'@': an empty identity" },
	{ "pubkey no ca", CONN "remote { auth = pubkey }\n} }\n", 1,
	    "connections.gw: remote auth is pubkey but no remote certs or "
	    "cacerts" },
	{ "pubkey default", CONN "} }\n", 1,
	    "remote auth is pubkey but no remote certs" },
	{ "children key", CONN PSKR "children = x\n} }\n", 3,
	    "'children' is a section" },
	{ "children direct key", CONN PSKR "children {\n x = 1 }\n} }\n", 4,
	    "connections.gw.children.x: a key directly in children" },
	{ "child section", CONN PSKR "children { c {\n s { } } }\n} }\n", 4,
	    "connections.gw.children.c.s: unknown section 's'" },
	{ "ts", CONN PSKR "children { c {\n local_ts = 10.0.0.0/8[tcp\n"
	    "} }\n} }\n", 4, "a '[' with no ']' at the end" },
	{ "ts proto", CONN PSKR "children { c {\n local_ts = 10.0.0.0/8[xyz]\n"
	    "} }\n} }\n", 4, "'xyz' is not a protocol" },
	{ "ts port", CONN PSKR "children { c {\n local_ts = 10.0.0.0/8[tcp/http]\n"
	    "} }\n} }\n", 4, "'http' is not a port or port range" },
	{ "ts port range", CONN PSKR "children { c {\n"
	    " local_ts = 10.0.0.0/8[tcp/90-80]\n} }\n} }\n", 4,
	    "'90-80' is not a port or port range" },
	{ "ts name", CONN PSKR "children { c {\n remote_ts = lan\n} }\n} }\n",
	    4, "'lan' is not a traffic selector" },
	{ "ts family", CONN PSKR "children { c {\n local_ts = 10.0.0.0/8\n"
	    " remote_ts = 2001:db8::/32\n} }\n} }\n", 5,
	    "connections.gw.children.c.remote_ts: no address family in common "
	    "with local_ts" },
	{ "addr family", CONN PSKR "local_addrs = 192.0.2.1\n"
	    "remote_addrs = 2001:db8::1\n} }\n", 4,
	    "connections.gw.remote_addrs: no address family in common" },
	{ "esp cbc", CONN PSKR "children { c {\n esp_proposals = aes128-sha256\n"
	    "} }\n} }\n", 4, "connections.gw.children.c.esp_proposals: "
	    "'aes128' (AES-CBC) is not supported for ESP: the card does "
	    "AES-GCM only" },
	{ "mode", CONN PSKR "children { c {\n mode = transport\n} }\n} }\n", 4,
	    "'mode = transport' is not supported (nicsec does tunnel mode "
	    "only)" },
	{ "start_action", CONN PSKR "children { c {\n start_action = go\n"
	    "} }\n} }\n", 4, "'go' is not none, trap, start or trap|start" },
	{ "dpd_action", CONN PSKR "children { c {\n dpd_action = trap|start\n"
	    "} }\n} }\n", 4, "'trap|start' is not none, trap or start" },
	{ "start any", CONN PSKR "children { c {\n start_action = start\n"
	    "} }\n} }\n", 4, "'start_action = start' needs an address to "
	    "initiate to, and remote_addrs has none" },
	{ "start subnet", CONN PSKR "remote_addrs = 10.0.0.0/8\n"
	    "children { c {\n start_action = trap\n} }\n} }\n", 5,
	    "'start_action = trap' needs an address" },
	{ "life", CONN PSKR "children { c {\n rekey_time = 1h\n"
	    " life_time = 30m\n} }\n} }\n", 5,
	    "life_time (1800s) must be more than rekey_time (3600s)" },
	{ "rand", CONN PSKR "children { c {\n rand_time = 2h\n} }\n} }\n", 4,
	    "rand_time (7200s) must be less than rekey_time (3600s)" },
	{ "count", CONN PSKR "children { c {\n rekey_bytes = 1T\n} }\n} }\n",
	    4, "'1T' is not a count (a number, or with K, M, G)" },
	{ "replay", CONN PSKR "children { c {\n replay_window = 8192\n"
	    "} }\n} }\n", 4, "'8192' is not a number from 0 to 4096" },
	{ "updown", CONN PSKR "children { c {\n updown = /bin/true\n"
	    "} }\n} }\n", 4, "connections.gw.children.c.updown: 'updown' is "
	    "not supported (nicsecd runs no updown scripts)" },
	{ "policies", CONN PSKR "children { c {\n policies = no\n} }\n} }\n",
	    4, "'policies = no' is not supported" },
	{ "ah", CONN PSKR "children { c {\n ah_proposals = sha256\n} }\n} }\n",
	    4, "'ah_proposals' is not supported (nicsec does no AH)" },
	{ "secrets key", "secrets {\n x = 1\n}\n", 2,
	    "secrets.x: a key directly in secrets" },
	{ "secret eap", "secrets {\n eap-u { secret = x } }\n", 2,
	    "secrets.eap-u: 'eap-u' is not supported (nicsec does no EAP)" },
	{ "secret xauth", "secrets {\n xauth { secret = x } }\n", 2,
	    "'xauth' is not supported (nicsec does no XAuth)" },
	{ "secret pkcs12", "secrets {\n pkcs12-a { file = x } }\n", 2,
	    "nicsec loads no PKCS#12 containers" },
	{ "secret unknown", "secrets {\n foo { } }\n", 2,
	    "secrets.foo: unknown secret type 'foo'" },
	{ "secret none", "secrets {\n ike-a { id = x } }\n", 2,
	    "secrets.ike-a: no secret given" },
	{ "secret key", "secrets { ike-a {\n secret = x\n bogus = 1 } }\n", 3,
	    "secrets.ike-a.bogus: unknown key 'bogus'" },
	{ "secret hex", "secrets { ike-a {\n secret = 0x123 } }\n", 2,
	    "secrets.ike-a.secret: not an even number of hex digits after 0x" },
	{ "secret b64", "secrets { ike-a {\n secret = 0sabc } }\n", 2,
	    "not base64 after 0s" },
	{ "secret b64 chars", "secrets { ike-a {\n secret = 0s@@@@ } }\n", 2,
	    "not base64 after 0s" },
	{ "key nofile", "secrets {\n private-a { secret = x } }\n", 2,
	    "secrets.private-a: no file given" },
	{ "key missing", "secrets { rsa-a {\n file = none.key } }\n", 2,
	    "secrets.rsa-a.file: 'none.key' not found (looked in " },
	{ "key unknown", "secrets { ecdsa-a {\n pin = 1 } }\n", 2,
	    "unknown key 'pin'" },
	{ "syntax", CONN "version 2\n} }\n", 2,
	    "'version' must be followed by '='" },

	/* nicsecd { }: each key's bad value, an unknown key, a subsection */
	{ "nicsecd timeout", "nicsecd {\n retransmit_timeout = 4x\n}\n", 2,
	    "nicsecd.retransmit_timeout: '4x' is not a number from 0.1 to "
	    "3600" },
	{ "nicsecd timeout 0", "nicsecd {\n retransmit_timeout = 0\n}\n", 2,
	    "nicsecd.retransmit_timeout: '0' is not a number from 0.1 to "
	    "3600" },
	{ "nicsecd base", "nicsecd {\n retransmit_base = 0.5\n}\n", 2,
	    "nicsecd.retransmit_base: '0.5' is not a number from 1 to 10" },
	{ "nicsecd base nan", "nicsecd {\n retransmit_base = nan\n}\n", 2,
	    "nicsecd.retransmit_base: 'nan' is not a number from 1 to 10" },
	{ "nicsecd tries", "nicsecd {\n retransmit_tries = 101\n}\n", 2,
	    "nicsecd.retransmit_tries: '101' is not a number from 0 to 100" },
	{ "nicsecd tries frac", "nicsecd {\n retransmit_tries = 2.5\n}\n", 2,
	    "nicsecd.retransmit_tries: '2.5' is not a number from 0 to 100" },
	{ "nicsecd limit", "nicsecd {\n retransmit_limit = -1\n}\n", 2,
	    "nicsecd.retransmit_limit: '-1' is not a number from 0 to 86400" },
	{ "nicsecd keep_alive", "nicsecd {\n keep_alive = 20x\n}\n", 2,
	    "nicsecd.keep_alive: '20x' is not a time (30s, 5m, 1h, 1d)" },
	{ "nicsecd cookie", "nicsecd {\n cookie_threshold = many\n}\n", 2,
	    "nicsecd.cookie_threshold: 'many' is not a number from 0 to "
	    "1000000" },
	{ "nicsecd unknown", "nicsecd {\n retransmit_timeout = 2\n"
	    " retransmit_jitter = 5\n}\n", 3,
	    "nicsecd.retransmit_jitter: unknown key 'retransmit_jitter'" },
	{ "nicsecd charon key", "connections { }\nnicsecd {\n"
	    " install_routes = no\n}\n", 3,
	    "nicsecd.install_routes: unknown key 'install_routes'" },
	{ "nicsecd section", "nicsecd {\n keep_alive = 10\n timers {\n"
	    "  x = 1\n }\n}\n", 3,
	    "nicsecd.timers: unknown section 'timers' (nicsecd takes keys "
	    "only)" },
	/* nicsecd { }: the card's Ethernet addresses */
	{ "wan_interface long", "nicsecd {\n wan_interface = abcdefghijklmnop\n"
	    "}\n", 2, "nicsecd.wan_interface: wan_interface 'abcdefghijklmnop' "
	    "is longer than 15 characters" },
	{ "lan_interface slash", "nicsecd {\n lan_interface = tap/0\n}\n", 2,
	    "nicsecd.lan_interface: lan_interface 'tap/0' is not an interface "
	    "name" },
	{ "lan_next_hop", "nicsecd {\n lan_interface = tl\n"
	    " lan_next_hop = 10.1.0\n}\n", 3, "nicsecd.lan_next_hop: '10.1.0' "
	    "is not an IPv4 or IPv6 address" },
	{ "lan_next_hop alone", "nicsecd {\n lan_next_hop = 10.1.0.2\n}\n", 1,
	    "nicsecd: lan_next_hop needs lan_interface (the interface whose "
	    "neighbour table holds it)" },
	{ "mac short", "nicsecd {\n wan_mac = 02:00:00:00:01\n}\n", 2,
	    "nicsecd.wan_mac: '02:00:00:00:01' is not a MAC address (six hex "
	    "pairs with colons: 02:00:5e:10:00:01)" },
	{ "mac unpadded", "nicsecd {\n lan_mac = 2:0:0:0:0:1\n}\n", 2,
	    "nicsecd.lan_mac: '2:0:0:0:0:1' is not a MAC address" },
	{ "mac junk", "nicsecd {\n lan_next_hop_mac = 02:00:00:00:00:0g\n}\n",
	    2, "nicsecd.lan_next_hop_mac: '02:00:00:00:00:0g' is not a MAC" },
	{ "mac long", "nicsecd {\n wan_next_hop_mac = 02:00:00:00:00:011\n}\n",
	    2, "'02:00:00:00:00:011' is not a MAC address" },
	{ "mac multicast", "nicsecd {\n wan_next_hop_mac = 01:00:5e:00:00:01\n"
	    "}\n", 2, "nicsecd.wan_next_hop_mac: '01:00:5e:00:00:01' is a "
	    "multicast address: the card's frames go to one next hop" },
	{ "mac zero", "nicsecd {\n wan_mac = 00:00:00:00:00:00\n}\n", 2,
	    "nicsecd.wan_mac: '00:00:00:00:00:00' is no address (leave the key "
	    "out to have it found)" },
	/* nicsecd's own child keys: black holes and monitoring */
	{ "blackhole_time", CONN PSKR "children { net {\n"
	    " blackhole_time = 3x\n} }\n} }\n", 4,
	    "connections.gw.children.net.blackhole_time: '3x' is not a time "
	    "(30s, 5m, 1h, 1d)" },
	{ "monitor_address short", CONN PSKR "children { net {\n"
	    " monitor_address = 10.2.0\n} }\n} }\n", 4,
	    "children.net.monitor_address: '10.2.0' is not an IPv4 address "
	    "(the monitor sends ICMP echo requests, IPv4 only)" },
	{ "monitor_address v6", CONN PSKR "children { net {\n"
	    " monitor_address = 2001:db8::1\n} }\n} }\n", 4,
	    "'2001:db8::1' is not an IPv4 address" },
	{ "monitor_source", CONN PSKR "children { net {\n"
	    " monitor_address = 10.2.0.1\n monitor_source = me\n} }\n} }\n",
	    5, "children.net.monitor_source: 'me' is not an IPv4 address" },
	{ "monitor_interval 0", CONN PSKR "children { net {\n"
	    " monitor_address = 10.2.0.1\n monitor_interval = 0\n} }\n} }\n",
	    5, "children.net.monitor_interval: '0' is too short: an echo "
	    "request goes out every monitor_interval (at least 1s)" },
	{ "monitor_interval", CONN PSKR "children { net {\n"
	    " monitor_interval = soon\n} }\n} }\n", 4,
	    "monitor_interval: 'soon' is not a time" },
	{ "monitor_threshold 0", CONN PSKR "children { net {\n"
	    " monitor_threshold = 0\n} }\n} }\n", 4,
	    "monitor_threshold: '0' is not a number of missed replies (1 to "
	    "1000)" },
	{ "monitor_threshold big", CONN PSKR "children { net {\n"
	    " monitor_threshold = 1001\n} }\n} }\n", 4,
	    "monitor_threshold: '1001' is not a number from 0 to 1000" },
	{ "monitor_action", CONN PSKR "children { net {\n"
	    " monitor_action = failover\n} }\n} }\n", 4,
	    "monitor_action: 'failover' is not wait-recover or fail-over" },
	{ "monitor_hook relative", CONN PSKR "children { net {\n"
	    " monitor_hook = bin/true\n} }\n} }\n", 4,
	    "monitor_hook: 'bin/true' is not an absolute path (it is run with "
	    "no shell and no PATH search)" },
	{ "monitor_hook missing", CONN PSKR "children { net {\n"
	    " monitor_hook = /nonexistent/hook\n} }\n} }\n", 4,
	    "monitor_hook: '/nonexistent/hook' can't be run: No such file" },
	{ "monitor_foo", CONN PSKR "children { net {\n"
	    " monitor_foo = 1\n} }\n} }\n", 4,
	    "children.net.monitor_foo: unknown key 'monitor_foo' (nicsecd's "
	    "monitor keys: " },
	{ "monitor key alone", CONN PSKR "children { net {\n"
	    " blackhole_time = 0\n monitor_interval = 2s\n"
	    " monitor_threshold = 2\n} }\n} }\n", 5,
	    "children.net.monitor_interval: 'monitor_interval' without "
	    "monitor_address (the address to ping through the tunnel)" },
	{ "monitor no source", CONN PSKR "children { net {\n"
	    " local_ts = 10.1.0.0/24\n remote_ts = 10.2.0.0/24\n"
	    " monitor_address = 10.2.0.1\n} }\n} }\n", 6,
	    "children.net.monitor_address: monitor_source is needed too (our "
	    "address inside local_ts" },
	{ "monitor source outside", CONN PSKR "children { net {\n"
	    " local_ts = 10.1.0.0/24\n remote_ts = 10.2.0.0/24\n"
	    " monitor_address = 10.2.0.1\n monitor_source = 10.9.0.1\n"
	    "} }\n} }\n", 7,
	    "children.net.monitor_source: 10.9.0.1 is not inside local_ts "
	    "(with ICMP): echo requests from it would not enter the tunnel" },
	{ "monitor address outside", CONN PSKR "children { net {\n"
	    " local_ts = 10.1.0.0/24\n remote_ts = 10.2.0.0/24[tcp]\n"
	    " monitor_address = 10.2.0.1\n monitor_source = 10.1.0.1\n"
	    "} }\n} }\n", 6,
	    "children.net.monitor_address: 10.2.0.1 is not inside remote_ts "
	    "(with ICMP)" },
	{ "fail-over no hook", CONN PSKR "children { net {\n"
	    " monitor_address = 10.2.0.1\n monitor_source = 10.1.0.1\n"
	    " monitor_action = fail-over\n} }\n} }\n", 6,
	    "children.net.monitor_action: 'fail-over' needs monitor_hook, the "
	    "program that moves the routes" },
	{ "hook without fail-over", CONN PSKR "children { net {\n"
	    " monitor_address = 10.2.0.1\n monitor_source = 10.1.0.1\n"
	    " monitor_hook = /bin/true\n} }\n} }\n", 6,
	    "children.net.monitor_hook: monitor_hook is run only with "
	    "monitor_action = fail-over" },
};
#define NBADS (sizeof(bads) / sizeof(bads[0]))

/*
 * nicsecd's own child keys (not swanctl.conf(5)'s): blackhole_time 30s
 * by default, 0 off; no monitor unless monitor_address, then interval 5s,
 * threshold 3, wait-recover; `dynamic` selectors cannot be checked
 * against monitor_source before the IKE SA is up, so they are taken.
 */
static void
test_watch_keys(void **state)
{
	const struct conf_child *ch;
	struct conf *cf;

	(void)state;
	cf = load_ok("w0.conf", CONN PSKR "children { net { } }\n} }\n");
	ch = &cf->conns[0].children[0];
	assert_int_equal(ch->blackhole_time, 30);
	assert_int_equal(ch->monitor, 0);
	assert_int_equal(ch->monitor_interval, 5);
	assert_int_equal(ch->monitor_threshold, 3);
	assert_int_equal(ch->monitor_action, CONF_MONITOR_WAIT);
	assert_null(ch->monitor_hook);
	conf_free(cf);

	cf = load_ok("w1.conf", CONN PSKR "children { net {\n"
	    " local_ts = 10.1.0.0/24, 192.168.7.0/24\n"
	    " remote_ts = 10.2.0.0/16[icmp]\n"
	    " blackhole_time = 1m\n monitor_address = 10.2.200.9\n"
	    " monitor_source = 192.168.7.1\n monitor_interval = 2\n"
	    " monitor_threshold = 1000\n monitor_action = fail-over\n"
	    " monitor_hook = /bin/true\n} }\n} }\n");
	ch = &cf->conns[0].children[0];
	assert_int_equal(ch->blackhole_time, 60);
	assert_int_equal(ch->monitor, 1);
	assert_ip4(ch->monitor_address, "10.2.200.9");
	assert_ip4(ch->monitor_source, "192.168.7.1");
	assert_int_equal(ch->monitor_interval, 2);
	assert_int_equal(ch->monitor_threshold, 1000);
	assert_int_equal(ch->monitor_action, CONF_MONITOR_FAILOVER);
	assert_string_equal(ch->monitor_hook, "/bin/true");
	conf_free(cf);

	cf = load_ok("w2.conf", CONN PSKR "children { net {\n"
	    " blackhole_time = 0\n monitor_address = 10.2.0.1\n"
	    " monitor_source = 10.1.0.1\n monitor_action = wait-recover\n"
	    "} }\n} }\n");
	ch = &cf->conns[0].children[0];
	assert_int_equal(ch->blackhole_time, 0);
	assert_int_equal(ch->monitor, 1);
	assert_int_equal(ch->monitor_action, CONF_MONITOR_WAIT);
	conf_free(cf);
}

/*
 * nicsecd { }: the daemon's timers, named and defaulted after strongSwan's
 * strongswan.conf(5) charon.* keys: retransmit_timeout 4.0,
 * retransmit_base 1.8, retransmit_tries 5, retransmit_limit 0 (no cap),
 * keep_alive 20s, cookie_threshold 10 (as charon.conf of strongSwan 5.x
 * lists them).  An empty value is the default, as strongSwan's settings
 * take it.
 */
static void
assert_daemon(const struct conf_daemon *d, double timeout, double base,
    uint32_t tries, double limit, uint64_t keep_alive, uint32_t cookies)
{
	if (d->retransmit_timeout != timeout || d->retransmit_base != base ||
	    d->retransmit_limit != limit)
		fail_msg("timeout %g base %g limit %g, wanted %g %g %g",
		    d->retransmit_timeout, d->retransmit_base,
		    d->retransmit_limit, timeout, base, limit);
	assert_int_equal(d->retransmit_tries, tries);
	assert_int_equal(d->keep_alive, keep_alive);
	assert_int_equal(d->cookie_threshold, cookies);
}

static void
test_daemon(void **state)
{
	struct conf *cf;

	(void)state;
	/* no section, an empty one, empty values: strongSwan's defaults */
	cf = load_ok("d0.conf", "# nothing\n");
	assert_daemon(&cf->daemon, 4.0, 1.8, 5, 0, 20, 10);
	conf_free(cf);
	cf = load_ok("d1.conf", CONN PSKR "} }\nnicsecd { }\n");
	assert_daemon(&cf->daemon, 4.0, 1.8, 5, 0, 20, 10);
	assert_int_equal(cf->nconns, 1);
	conf_free(cf);
	cf = load_ok("d2.conf", "nicsecd {\n retransmit_timeout =\n"
	    " retransmit_tries = \n keep_alive = \"\"\n}\n");
	assert_daemon(&cf->daemon, 4.0, 1.8, 5, 0, 20, 10);
	conf_free(cf);

	/* each key; PAN-OS's DPD schedule (1 s doubling up to 64 s, 10
	 * tries), keep_alive with a unit as strongSwan's times take */
	cf = load_ok("d3.conf", "nicsecd {\n"
	    " retransmit_timeout = 1\n retransmit_base = 2\n"
	    " retransmit_tries = 10\n retransmit_limit = 64\n"
	    " keep_alive = 1m\n cookie_threshold = 0\n}\n" CONN PSKR
	    "} }\n");
	assert_daemon(&cf->daemon, 1, 2, 10, 64, 60, 0);
	conf_free(cf);
	/* fractions, the ends of each range, keep_alive 0 (none) */
	cf = load_ok("d4.conf", "nicsecd {\n"
	    " retransmit_timeout = 0.5\n retransmit_base = 1\n"
	    " retransmit_tries = 0\n retransmit_limit = 2.5\n"
	    " keep_alive = 0\n cookie_threshold = 1000000\n}\n");
	assert_daemon(&cf->daemon, 0.5, 1, 0, 2.5, 0, 1000000);
	conf_free(cf);
	cf = load_ok("d5.conf", "nicsecd {\n"
	    " retransmit_timeout = 3600\n retransmit_base = 10\n"
	    " retransmit_tries = 100\n retransmit_limit = 86400\n"
	    " keep_alive = 30s\n}\n");
	assert_daemon(&cf->daemon, 3600, 10, 100, 86400, 30, 10);
	conf_free(cf);
}

static void
test_bad(void **state)
{
	const struct bad *b = *state;
	struct conf *cf = (struct conf *)1;
	char name[128], prefix[600], err[512], *path;

	snprintf(name, sizeof(name), "bad-%s.conf", b->name);
	path = write_file(name, b->text);
	assert_int_equal(conf_load(path, &cf, err, sizeof(err)), -1);
	assert_null(cf);
	snprintf(prefix, sizeof(prefix), "%s:%d: ", path, b->line);
	if (strncmp(err, prefix, strlen(prefix)) != 0 ||
	    strstr(err, b->want) == NULL)
		fail_msg("message \"%s\"\n  wanted \"%s...%s\"", err, prefix,
		    b->want);
	assert_null(strchr(err, '\n'));
}

/* A secret never shows up in a message, even when it is what's wrong. */
static void
test_secret_not_shown(void **state)
{
	struct conf *cf;
	char err[512];

	(void)state;
	assert_int_equal(conf_load(write_file("leak.conf",
	    "secrets { ike-a {\n secret = 0xdeadbeefdeadbeefcafe1 } }\n"),
	    &cf, err, sizeof(err)), -1);
	assert_null(strstr(err, "deadbeef"));
	assert_int_equal(conf_load(write_file("leak2.conf",
	    "secrets { ike-a {\n secret = 0sc2VjcmV0c2VjcmV0!!!! } }\n"),
	    &cf, err, sizeof(err)), -1);
	assert_null(strstr(err, "c2VjcmV0"));
}

/* strongSwan's 'off' values of refused keys are taken silently. */
static void
test_off_values(void **state)
{
	struct conf *cf;

	(void)state;
	cf = load_ok("off.conf", CONN PSKR
	    "mobike = no\n fragmentation = no\n aggressive = no\n"
	    " dscp = 000000\n childless = allow\n ppk_required = no\n"
	    " mediation = no\n if_id_in = 0\n if_id_out = 0\n"
	    "children { c { sha256_96 = no\n hostaccess = no\n ipcomp = no\n"
	    " reqid = 0\n priority = 0\n tfc_padding = 0\n copy_df = yes\n"
	    " copy_ecn = yes\n copy_dscp = out\n mark_in_sa = no\n"
	    " policies_fwd_out = no\n if_id_in = 0 } }\n} }\n");
	assert_int_equal(cf->conns[0].nchildren, 1);
	conf_free(cf);
}

/* nicsecd { }: the card's Ethernet addresses, each key; none by default */
static void
test_ether(void **state)
{
	static const uint8_t zero[6];
	const uint8_t wm[6] = { 0x02, 0, 0x01, 0, 0, 0x02 },
	    lm[6] = { 0x02, 0, 0x01, 0, 0, 0x01 },
	    wn[6] = { 0x02, 0xab, 0xcd, 0xef, 0, 0x09 },
	    ln[6] = { 0x0a, 0, 0x0a, 0, 0, 0x02 };
	struct conf *cf;

	(void)state;
	cf = load_ok("e0.conf", "nicsecd { }\n");
	assert_string_equal(cf->daemon.wan_interface, "");
	assert_string_equal(cf->daemon.lan_interface, "");
	assert_int_equal(cf->daemon.lan_next_hop_family, 0);
	assert_memory_equal(cf->daemon.wan_mac, zero, 6);
	assert_memory_equal(cf->daemon.lan_next_hop_mac, zero, 6);
	conf_free(cf);
	cf = load_ok("e1.conf", "nicsecd {\n wan_interface = tw\n"
	    " lan_interface = tl\n lan_next_hop = 10.1.0.2\n}\n");
	assert_string_equal(cf->daemon.wan_interface, "tw");
	assert_string_equal(cf->daemon.lan_interface, "tl");
	assert_int_equal(cf->daemon.lan_next_hop_family, AF_INET);
	assert_ip(cf->daemon.lan_next_hop, "10.1.0.2");
	assert_memory_equal(cf->daemon.wan_next_hop_mac, zero, 6);
	conf_free(cf);
	/* every override, upper-case hex, an IPv6 next hop */
	cf = load_ok("e2.conf", "nicsecd {\n wan_interface = eth1.100\n"
	    " lan_interface = tl\n lan_next_hop = 2001:db8::1\n"
	    " wan_mac = 02:00:01:00:00:02\n lan_mac = 02:00:01:00:00:01\n"
	    " wan_next_hop_mac = 02:AB:cd:EF:00:09\n"
	    " lan_next_hop_mac = 0a:00:0a:00:00:02\n}\n");
	assert_string_equal(cf->daemon.wan_interface, "eth1.100");
	assert_int_equal(cf->daemon.lan_next_hop_family, AF_INET6);
	assert_ip(cf->daemon.lan_next_hop, "2001:db8::1");
	assert_memory_equal(cf->daemon.wan_mac, wm, 6);
	assert_memory_equal(cf->daemon.lan_mac, lm, 6);
	assert_memory_equal(cf->daemon.wan_next_hop_mac, wn, 6);
	assert_memory_equal(cf->daemon.lan_next_hop_mac, ln, 6);
	conf_free(cf);
	/* static addresses alone, no interface */
	cf = load_ok("e3.conf", "nicsecd {\n wan_next_hop_mac = "
	    "02:ab:cd:ef:00:09\n}\n");
	assert_memory_equal(cf->daemon.wan_next_hop_mac, wn, 6);
	conf_free(cf);
}

int
main(void)
{
	static char names[NBADS][96];
	struct CMUnitTest tests[NBADS + 8];
	size_t i, k = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_psk);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_certs);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_values);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_off_values);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_daemon);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_ether);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_watch_keys);
	for (i = 0; i < NBADS; i++, k++) {
		snprintf(names[i], sizeof(names[i]), "bad %s", bads[i].name);
		tests[k] = (struct CMUnitTest){ names[i], test_bad, NULL, NULL,
		    (void *)&bads[i] };
	}
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_secret_not_shown);
	if (k != sizeof(tests) / sizeof(tests[0])) {
		fprintf(stderr, "test_conf: %zu tests made\n", k);
		return 1;
	}
	return cmocka_run_group_tests(tests, scratch_make, scratch_remove);
}
