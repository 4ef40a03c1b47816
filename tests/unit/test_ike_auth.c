/*
 * test_ike_auth - IKE_AUTH with both ends in one process (host/ike_auth.c),
 * after an IKE_SA_INIT between them (host/ike_init.c), every message
 * through the parser and the SK payload as on a wire: PSK both ways, the
 * first CHILD_SA's SPIs crossed and its keys the same at both ends, traffic
 * selectors narrowed by the responder; a wrong PSK, an unexpected ID, no
 * common ESP proposal and selectors with nothing in common each fail with
 * their line, at both ends.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "ike_auth.h"
#include "ike_init.h"

struct pair {
	struct ike_sa i, r;
	struct ike_proposal ike[IKE_PROPOSALS_MAX], esp_i[IKE_PROPOSALS_MAX],
	    esp_r[IKE_PROPOSALS_MAX];
	size_t nike;
	struct ike_child_req req;	/* the initiator's */
	struct ike_auth_cfg ai;
	struct ike_auth_rcfg ar;	/* the responder's */
	struct ike_child ci, cr;
	uint8_t m1[IKE_MSG_MAX], m2[IKE_MSG_MAX];
	size_t l1, l2;
	char err_i[1024], err_r[1024];
};

static void
addr(struct sockaddr_storage *ss, const char *ip)
{
	struct sockaddr_in *s = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	s->sin_family = AF_INET;
	s->sin_port = htons(500);
	assert_int_equal(inet_pton(AF_INET, ip, &s->sin_addr), 1);
}

static void
cidr(struct ike_ts *t, const char *a, const char *b)
{
	memset(t, 0, sizeof(*t));
	t->type = IKE_TS_IPV4_RANGE;
	t->eport = 0xffff;
	assert_int_equal(inet_pton(AF_INET, a, t->start), 1);
	assert_int_equal(inet_pton(AF_INET, b, t->end), 1);
}

/* Both ends through IKE_SA_INIT; the IKE_AUTH configs as given. */
static struct pair *
setup(const char *esp_i, const char *esp_r)
{
	struct pair *p = test_calloc(1, sizeof(*p));
	struct ike_msg m;
	size_t n;
	char err[512];

	assert_int_equal(ike_xform_parse(IKE_PROTO_IKE,
	    "aes256gcm16-prfsha384-ecp384", p->ike, IKE_PROPOSALS_MAX, &p->nike,
	    err, sizeof(err)), 0);
	assert_int_equal(ike_xform_parse(IKE_PROTO_ESP, esp_i, p->esp_i,
	    IKE_PROPOSALS_MAX, &p->req.nesp, err, sizeof(err)), 0);
	assert_int_equal(ike_xform_parse(IKE_PROTO_ESP, esp_r, p->esp_r,
	    IKE_PROPOSALS_MAX, &p->ar.nesp, err, sizeof(err)), 0);
	addr(&p->i.local, "192.0.2.1");
	addr(&p->i.remote, "192.0.2.2");
	addr(&p->r.local, "192.0.2.2");
	addr(&p->r.remote, "192.0.2.1");
	assert_int_equal(ike_init_begin(&p->i, p->ike, p->nike, 0, err,
	    sizeof(err)), 0);
	assert_int_equal(ike_init_request(&p->i, p->ike, p->nike, p->m1,
	    sizeof(p->m1), &p->l1, err, sizeof(err)), 0);
	assert_int_equal(ike_msg_parse(p->m1, p->l1, &m, err, sizeof(err)),
	    IKE_OK);
	assert_int_equal(ike_init_request_in(&p->r, &m, p->ike, p->nike, NULL,
	    p->m2, sizeof(p->m2), &p->l2, err, sizeof(err)), IKE_INIT_OK);
	assert_int_equal(ike_msg_parse(p->m2, p->l2, &m, err, sizeof(err)),
	    IKE_OK);
	assert_int_equal(ike_init_response_in(&p->i, &m, p->ike, p->nike, err,
	    sizeof(err)), IKE_INIT_OK);
	(void)n;

	p->req.esp = p->esp_i;
	p->req.spi_in = 0xc0de0001;
	cidr(&p->req.tsi[0], "10.1.0.0", "10.1.255.255");
	cidr(&p->req.tsr[0], "10.2.0.0", "10.2.255.255");
	p->req.ntsi = p->req.ntsr = 1;
	p->ai.id_type = p->ai.peer_id_type = IKE_ID_FQDN;
	p->ai.id = (const uint8_t *)"left";
	p->ai.id_len = 4;
	p->ai.peer_id = (const uint8_t *)"right";
	p->ai.peer_id_len = 5;
	p->ai.psk = (const uint8_t *)"secret";
	p->ai.psk_len = 6;

	p->ar.auth.id_type = p->ar.auth.peer_id_type = IKE_ID_FQDN;
	p->ar.auth.id = (const uint8_t *)"right";
	p->ar.auth.id_len = 5;
	p->ar.auth.peer_id = (const uint8_t *)"left";
	p->ar.auth.peer_id_len = 4;
	p->ar.auth.psk = (const uint8_t *)"secret";
	p->ar.auth.psk_len = 6;
	p->ar.esp = p->esp_r;
	p->ar.spi_in = 0xc0de0002;
	/* the responder allows less than is asked: narrowed */
	cidr(&p->ar.remote_ts[0], "10.1.0.0", "10.1.0.255");
	cidr(&p->ar.local_ts[0], "10.2.0.0", "10.2.0.255");
	p->ar.nremote_ts = p->ar.nlocal_ts = 1;
	return p;
}

/* One IKE_AUTH round: the results at both ends. */
static void
round_trip(struct pair *p, enum ike_auth_result *ri, enum ike_auth_result *rr)
{
	assert_int_equal(ike_auth_request(&p->i, &p->ai, &p->req, p->m1,
	    sizeof(p->m1), &p->l1, p->err_i, sizeof(p->err_i)), 0);
	*rr = ike_auth_request_in(&p->r, p->m1, p->l1, &p->ar, &p->cr, p->m2,
	    sizeof(p->m2), &p->l2, p->err_r, sizeof(p->err_r));
	assert_int_not_equal(*rr, IKE_AUTH_DROP);
	*ri = ike_auth_response_in(&p->i, p->m2, p->l2, &p->ai, &p->req,
	    &p->ci, p->err_i, sizeof(p->err_i));
}

static void
done(struct pair *p)
{
	ike_child_keys_wipe(&p->ci.keys);
	ike_child_keys_wipe(&p->cr.keys);
	ike_sa_clear(&p->i);
	ike_sa_clear(&p->r);
	test_free(p);
}

static void
test_psk_child(void **state)
{
	struct pair *p = setup("aes256gcm16-aes128gcm16", "aes128gcm16");
	enum ike_auth_result ri, rr;
	char a[128];

	(void)state;
	round_trip(p, &ri, &rr);
	if (rr != IKE_AUTH_OK)
		fail_msg("responder: %s", p->err_r);
	if (ri != IKE_AUTH_OK)
		fail_msg("initiator: %s", p->err_i);
	assert_int_equal(p->i.state, IKE_S_ESTABLISHED);
	assert_int_equal(p->r.state, IKE_S_ESTABLISHED);
	assert_int_equal(p->ci.spi_in, 0xc0de0001);
	assert_int_equal(p->ci.spi_out, 0xc0de0002);
	assert_int_equal(p->cr.spi_in, 0xc0de0002);
	assert_int_equal(p->cr.spi_out, 0xc0de0001);
	assert_int_equal(p->ci.chosen.xf[IKE_XF_ENCR][0].keylen, 128);
	assert_int_equal(p->ci.keys.i2r.len, 20);
	assert_memory_equal(p->ci.keys.i2r.b, p->cr.keys.i2r.b, 20);
	assert_memory_equal(p->ci.keys.r2i.b, p->cr.keys.r2i.b, 20);
	assert_memory_not_equal(p->ci.keys.i2r.b, p->ci.keys.r2i.b, 20);
	assert_int_equal(p->ci.ntsi, 1);
	ike_ts_format(&p->ci.tsi[0], a, sizeof(a));
	assert_string_equal(a, "10.1.0.0/24");
	ike_ts_format(&p->ci.tsr[0], a, sizeof(a));
	assert_string_equal(a, "10.2.0.0/24");
	done(p);
}

static void
test_wrong_psk(void **state)
{
	struct pair *p = setup("aes128gcm16", "aes128gcm16");
	enum ike_auth_result ri, rr;

	(void)state;
	p->ar.auth.psk = (const uint8_t *)"Secret";
	round_trip(p, &ri, &rr);
	assert_int_equal(rr, IKE_AUTH_FAIL);
	assert_string_equal(p->err_r, "peer left's AUTH does not verify with "
	    "our PSK (the two PSKs differ)");
	assert_int_equal(ri, IKE_AUTH_FAIL);
	assert_non_null(strstr(p->err_i, "AUTHENTICATION_FAILED"));
	assert_int_equal(p->r.state, IKE_S_DEAD);
	assert_int_equal(p->i.state, IKE_S_DEAD);
	done(p);
}

static void
test_unknown_peer_id(void **state)
{
	struct pair *p = setup("aes128gcm16", "aes128gcm16");
	enum ike_auth_result ri, rr;

	(void)state;
	p->ai.id = (const uint8_t *)"intruder";
	p->ai.id_len = 8;
	round_trip(p, &ri, &rr);
	assert_int_equal(rr, IKE_AUTH_FAIL);
	assert_string_equal(p->err_r, "peer ID intruder matches no connection, "
	    "expected left");
	assert_int_equal(ri, IKE_AUTH_FAIL);
	done(p);
}

static void
test_responder_id_checked(void **state)
{
	struct pair *p = setup("aes128gcm16", "aes128gcm16");
	enum ike_auth_result ri, rr;

	(void)state;
	p->ai.peer_id = (const uint8_t *)"elsewhere";
	p->ai.peer_id_len = 9;
	round_trip(p, &ri, &rr);
	assert_int_equal(rr, IKE_AUTH_OK);
	assert_int_equal(ri, IKE_AUTH_FAIL);
	assert_string_equal(p->err_i, "peer ID right is not the one we expect, "
	    "elsewhere");
	done(p);
}

static void
test_no_esp_proposal(void **state)
{
	struct pair *p = setup("aes256gcm16", "aes128gcm16");
	enum ike_auth_result ri, rr;

	(void)state;
	round_trip(p, &ri, &rr);
	assert_int_equal(rr, IKE_AUTH_CHILD_FAIL);
	assert_non_null(strstr(p->err_r, "peer proposed ESP:AES_GCM_16_256/"
	    "NO_EXT_SEQ; we accept ESP:AES_GCM_16_128/NO_EXT_SEQ"));
	assert_int_equal(ri, IKE_AUTH_CHILD_FAIL);
	assert_non_null(strstr(p->err_i, "NO_PROPOSAL_CHOSEN"));
	/* the IKE SA is up at both ends all the same */
	assert_int_equal(p->i.state, IKE_S_ESTABLISHED);
	assert_int_equal(p->r.state, IKE_S_ESTABLISHED);
	done(p);
}

static void
test_ts_unacceptable(void **state)
{
	struct pair *p = setup("aes128gcm16", "aes128gcm16");
	enum ike_auth_result ri, rr;

	(void)state;
	cidr(&p->ar.remote_ts[0], "10.3.0.0", "10.3.0.255");
	round_trip(p, &ri, &rr);
	assert_int_equal(rr, IKE_AUTH_CHILD_FAIL);
	assert_string_equal(p->err_r, "TS_UNACCEPTABLE: peer proposed "
	    "10.1.0.0/16 === 10.2.0.0/16, we allow 10.3.0.0/24 === "
	    "10.2.0.0/24");
	assert_int_equal(ri, IKE_AUTH_CHILD_FAIL);
	assert_non_null(strstr(p->err_i, "TS_UNACCEPTABLE"));
	done(p);
}

static void
test_tampered_request_dropped(void **state)
{
	struct pair *p = setup("aes128gcm16", "aes128gcm16");
	struct ike_sa before;

	(void)state;
	assert_int_equal(ike_auth_request(&p->i, &p->ai, &p->req, p->m1,
	    sizeof(p->m1), &p->l1, p->err_i, sizeof(p->err_i)), 0);
	p->m1[p->l1 - 1] ^= 1;		/* the ICV */
	before = p->r;
	assert_int_equal(ike_auth_request_in(&p->r, p->m1, p->l1, &p->ar,
	    &p->cr, p->m2, sizeof(p->m2), &p->l2, p->err_r,
	    sizeof(p->err_r)), IKE_AUTH_DROP);
	assert_memory_equal(&before, &p->r, sizeof(before));
	done(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_psk_child),
		cmocka_unit_test(test_wrong_psk),
		cmocka_unit_test(test_unknown_peer_id),
		cmocka_unit_test(test_responder_id_checked),
		cmocka_unit_test(test_no_esp_proposal),
		cmocka_unit_test(test_ts_unacceptable),
		cmocka_unit_test(test_tampered_request_dropped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
