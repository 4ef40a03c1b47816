/*
 * ike_exch_cross.c - the messages of CREATE_CHILD_SA and INFORMATIONAL
 * (host/ike_child.c, host/ike_info.c) as a wire would carry them, for
 * tests/unit/ike_crypto_oracle.py --exchanges to take apart with
 * python3-cryptography and scapy's IKEv2 dissector and check against RFC
 * 7296 on its own: nothing but the messages, the IKE SA's keys and the
 * initiator's private DH values goes from here to there.
 *
 *	ike_exch_cross CASES [--seed S]
 *
 * One case per DH group and IKE suite: both ends in one process through
 * IKE_SA_INIT and IKE_AUTH; a CHILD_SA rekey with PFS of that group (the
 * initiator's key pair planted from a known private value); the IKE SA
 * rekeyed into another suite with that group (likewise); a DELETE of two
 * ESP SPIs over the new IKE SA and its answer.  Written to CASES, in the
 * oracle's "name hex" lines: the IKE SA's suite and keys, the private
 * values, the messages, and what the C side made of them (the CHILD_SA's
 * KEYMAT and SPIs, the new IKE SA's suite, SPIs and seven keys), which the
 * oracle must compute again from the messages alone.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cross_out.h"
#include "ike_auth.h"
#include "ike_child.h"
#include "ike_info.h"
#include "ike_init.h"
#include "rng.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

static FILE *out;
static uint64_t rng;		/* splitmix64, rng.h */

#define CHECK(x) do { if (!(x)) { fprintf(stderr, "ike_exch_cross:%d: %s: " \
	"%s\n", __LINE__, #x, err); exit(1); } } while (0)

static void
num(const char *name, unsigned long long v)
{
	fprintf(out, "%s %llu\n", name, v);
}

static void
suite(const char *pre, const struct ike_sa *sa)
{
	static const char *names[] = { "d", "ai", "ar", "ei", "er", "pi", "pr" };
	const struct ike_key *k[] = { &sa->keys.d, &sa->keys.ai, &sa->keys.ar,
	    &sa->keys.ei, &sa->keys.er, &sa->keys.pi, &sa->keys.pr };
	char n[32];

	snprintf(n, sizeof(n), "%sencr", pre);
	num(n, sa->suite.encr);
	snprintf(n, sizeof(n), "%sencr_bits", pre);
	num(n, sa->suite.encr_bits);
	snprintf(n, sizeof(n), "%sinteg", pre);
	num(n, sa->suite.integ);
	snprintf(n, sizeof(n), "%sprf", pre);
	num(n, sa->suite.prf);
	for (size_t i = 0; i < N(names); i++) {
		snprintf(n, sizeof(n), "%ssk_%s", pre, names[i]);
		cross_put(out, n, k[i]->b, k[i]->len);
	}
}

/* A private value valid for the group (below an ECP group's order). */
static struct ike_dh *
planted(uint16_t group, const char *name)
{
	uint8_t p[IKE_DH_MAX];
	size_t len = group == KE_CURVE_25519 ? 32 :
	    group >= KE_ECP_256 ? ike_dh_shared_len(group) : 48;
	struct ike_dh *dh;
	char err[256] = "";

	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)rng_splitmix64(&rng);
	if (group == KE_ECP_521)
		p[0] = 0;
	else if (group == KE_ECP_256 || group == KE_ECP_384)
		p[0] &= 0x7f;
	p[len - 1] |= 1;
	CHECK(ike_dh_new_private(group, p, len, &dh, err, sizeof(err)) == 0);
	cross_put(out, name, p, len);
	return dh;
}

static void
v4(struct sockaddr_storage *ss, const char *ip)
{
	struct sockaddr_in *s = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	s->sin_family = AF_INET;
	s->sin_port = htons(500);
	inet_pton(AF_INET, ip, &s->sin_addr);
}

static void
ts(struct ike_ts *t, const char *a, const char *b)
{
	memset(t, 0, sizeof(*t));
	t->type = IKE_TS_IPV4_RANGE;
	t->eport = 0xffff;
	inet_pton(AF_INET, a, t->start);
	inet_pton(AF_INET, b, t->end);
}

static void
one(unsigned n, const char *ike_s, const char *group_s, uint16_t group,
    const char *rekey_s)
{
	static uint8_t m1[IKE_MSG_MAX], m2[IKE_MSG_MAX];
	static struct ike_sa i, r, ni, nr;
	struct ike_proposal ike[IKE_PROPOSALS_MAX], esp[IKE_PROPOSALS_MAX];
	struct ike_proposal rk[IKE_PROPOSALS_MAX];
	struct ike_child_req req = { 0 };
	struct ike_auth_cfg ai = { 0 };
	struct ike_auth_rcfg ar = { 0 };
	struct ike_child_rcfg rc = { 0 };
	struct ike_child_xchg x = { 0 };
	struct ike_child first_i, first_r, ci, kids_r[2];
	struct ike_child_made made;
	struct ike_info_got got;
	struct ike_msg m;
	uint32_t del[2];
	struct ike_info_req dq = { .esp = del, .nesp = 2 };
	size_t nike, nesp, nrk, l1, l2;
	char err[1024] = "", s[128];

	memset(&i, 0, sizeof(i));
	memset(&r, 0, sizeof(r));
	memset(&ni, 0, sizeof(ni));
	memset(&nr, 0, sizeof(nr));
	CHECK(ike_xform_parse(IKE_PROTO_IKE, ike_s, ike, IKE_PROPOSALS_MAX,
	    &nike, err, sizeof(err)) == 0);
	snprintf(s, sizeof(s), "aes256gcm16-%s", group_s);
	CHECK(ike_xform_parse(IKE_PROTO_ESP, s, esp, IKE_PROPOSALS_MAX, &nesp,
	    err, sizeof(err)) == 0);
	snprintf(s, sizeof(s), "%s-%s", rekey_s, group_s);
	CHECK(ike_xform_parse(IKE_PROTO_IKE, s, rk, IKE_PROPOSALS_MAX, &nrk,
	    err, sizeof(err)) == 0);
	v4(&i.local, "192.0.2.1");
	v4(&i.remote, "192.0.2.2");
	v4(&r.local, "192.0.2.2");
	v4(&r.remote, "192.0.2.1");
	CHECK(ike_init_begin(&i, ike, nike, 0, err, sizeof(err)) == 0);
	CHECK(ike_init_request(&i, ike, nike, m1, sizeof(m1), &l1, err,
	    sizeof(err)) == 0);
	CHECK(ike_msg_parse(m1, l1, &m, err, sizeof(err)) == IKE_OK);
	CHECK(ike_init_request_in(&r, &m, ike, nike, NULL, m2, sizeof(m2), &l2,
	    err, sizeof(err)) == IKE_INIT_OK);
	CHECK(ike_msg_parse(m2, l2, &m, err, sizeof(err)) == IKE_OK);
	CHECK(ike_init_response_in(&i, &m, ike, nike, err, sizeof(err)) ==
	    IKE_INIT_OK);

	req.esp = ar.esp = rc.esp = esp;
	req.nesp = ar.nesp = rc.nesp = nesp;
	req.spi_in = 0xc0de0001;
	ar.spi_in = 0xc0de0002;
	ts(&req.tsi[0], "10.1.0.0", "10.1.0.255");
	ts(&req.tsr[0], "10.2.0.0", "10.2.0.255");
	req.ntsi = req.ntsr = 1;
	ar.remote_ts[0] = rc.remote_ts[0] = req.tsi[0];
	ar.local_ts[0] = rc.local_ts[0] = req.tsr[0];
	ar.nremote_ts = ar.nlocal_ts = rc.nremote_ts = rc.nlocal_ts = 1;
	ai.id_type = ai.peer_id_type = ar.auth.id_type =
	    ar.auth.peer_id_type = IKE_ID_FQDN;
	ai.id = ar.auth.peer_id = (const uint8_t *)"left";
	ai.peer_id = ar.auth.id = (const uint8_t *)"right";
	ai.id_len = ar.auth.peer_id_len = 4;
	ai.peer_id_len = ar.auth.id_len = 5;
	ai.psk = ar.auth.psk = (const uint8_t *)"secret";
	ai.psk_len = ar.auth.psk_len = 6;
	CHECK(ike_auth_request(&i, &ai, &req, m1, sizeof(m1), &l1, err,
	    sizeof(err)) == 0);
	CHECK(ike_auth_request_in(&r, m1, l1, &ar, &first_r, m2, sizeof(m2),
	    &l2, err, sizeof(err)) == IKE_AUTH_OK);
	CHECK(ike_auth_response_in(&i, m2, l2, &ai, &req, &first_i, err,
	    sizeof(err)) == IKE_AUTH_OK);

	fprintf(out, "case %u\n", n);
	num("group", group);
	suite("", &i);
	num("esp_bits", 256);
	/* the first CHILD_SA rekeyed, with PFS */
	x.dh = planted(group, "child_priv_i");
	req.spi_in = 0xc0de0011;
	rc.spi_in = 0xc0de0012;
	rc.children = &first_r;
	rc.nchildren = 1;
	CHECK(ike_child_request(&i, &x, &req, first_i.spi_in, m1, sizeof(m1),
	    &l1, err, sizeof(err)) == 0);
	CHECK(ike_child_request_in(&r, m1, l1, &rc, &made, NULL, m2, sizeof(m2),
	    &l2, err, sizeof(err)) == IKE_CHILD_OK);
	CHECK(ike_child_response_in(&i, &x, m2, l2, &req, &ci, err,
	    sizeof(err)) == IKE_CHILD_OK);
	cross_put(out, "child_req", m1, l1);
	cross_put(out, "child_resp", m2, l2);
	num("child_msgid", x.msgid);
	num("rekey_spi", first_i.spi_in);
	num("child_spi_i", ci.spi_in);
	num("child_spi_r", ci.spi_out);
	cross_put(out, "child_i2r", ci.keys.i2r.b, ci.keys.i2r.len);
	cross_put(out, "child_r2i", ci.keys.r2i.b, ci.keys.r2i.len);
	kids_r[1] = made.child;
	ike_child_xchg_clear(&x);

	/* the IKE SA rekeyed into another suite */
	memset(&x, 0, sizeof(x));
	x.dh = planted(group, "ike_priv_i");
	rc.ike = rk;
	rc.nike = nrk;
	CHECK(ike_child_ike_rekey_request(&i, &x, rk, nrk, m1, sizeof(m1), &l1,
	    err, sizeof(err)) == 0);
	CHECK(ike_child_request_in(&r, m1, l1, &rc, &made, &nr, m2, sizeof(m2),
	    &l2, err, sizeof(err)) == IKE_CHILD_OK);
	CHECK(ike_child_ike_rekey_response_in(&i, &x, m2, l2, rk, nrk, &ni, err,
	    sizeof(err)) == IKE_CHILD_OK);
	cross_put(out, "ike_req", m1, l1);
	cross_put(out, "ike_resp", m2, l2);
	num("ike_msgid", x.msgid);
	suite("new_", &ni);
	cross_put64(out, "new_spi_i", ni.spi_i);
	cross_put64(out, "new_spi_r", ni.spi_r);
	ike_child_xchg_clear(&x);

	/* both CHILD_SAs, moved to the new IKE SA, deleted over it */
	kids_r[0] = first_r;
	del[0] = first_i.spi_in;
	del[1] = ci.spi_in;
	CHECK(ike_info_request(&ni, &dq, m1, sizeof(m1), &l1, err,
	    sizeof(err)) == 0);
	CHECK(ike_info_request_in(&nr, m1, l1, kids_r, 2, &got, m2, sizeof(m2),
	    &l2, err, sizeof(err)) == IKE_INFO_OK);
	CHECK(got.nesp == 2);
	CHECK(ike_info_response_in(&ni, m2, l2, NULL, 0, &got, err,
	    sizeof(err)) == IKE_INFO_OK);
	cross_put(out, "info_req", m1, l1);
	cross_put(out, "info_resp", m2, l2);
	ike_child_keys_wipe(&kids_r[1].keys);
	ike_child_keys_wipe(&ci.keys);
	ike_child_keys_wipe(&first_i.keys);
	ike_child_keys_wipe(&first_r.keys);
	ike_sa_clear(&i);
	ike_sa_clear(&r);
	ike_sa_clear(&ni);
	ike_sa_clear(&nr);
}

int
main(int argc, char **argv)
{
	static const char *groups[] = { "modp2048", "modp3072", "modp4096",
	    "ecp256", "ecp384", "ecp521", "curve25519" };
	static const uint16_t ids[] = { KE_MODP_2048, KE_MODP_3072,
	    KE_MODP_4096, KE_ECP_256, KE_ECP_384, KE_ECP_521, KE_CURVE_25519 };
	/* each suite's IKE SA, and the one it is rekeyed into */
	static const char *suites[][2] = {
		{ "aes256gcm16-prfsha384-ecp384", "aes128-sha256" },
		{ "aes128-sha512-modp2048", "aes256gcm16-prfsha256" },
	};
	unsigned n = 0;

	if (argc != 2 && !(argc == 4 && strcmp(argv[2], "--seed") == 0)) {
		fprintf(stderr, "usage: ike_exch_cross CASES [--seed S]\n");
		return 2;
	}
	rng = argc == 4 ? strtoull(argv[3], NULL, 0) : 1;
	if ((out = fopen(argv[1], "w")) == NULL) {
		perror(argv[1]);
		return 1;
	}
	for (size_t s = 0; s < N(suites); s++)
		for (size_t g = 0; g < N(ids); g++)
			one(n++, suites[s][0], groups[g], ids[g], suites[s][1]);
	fclose(out);
	printf("ike_exch_cross: %u cases written to %s\n", n, argv[1]);
	return 0;
}
