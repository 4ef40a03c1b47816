/*
 * test_ike_init - IKE_SA_INIT with both ends in one process (host/ike_init.c):
 * the messages go through ike_msg_parse() between them, as on a wire.
 * Both ends must derive the same keys, and each one's SK payload must open
 * at the other; INVALID_KE_PAYLOAD, COOKIE and NO_PROPOSAL_CHOSEN take
 * their rounds; NAT detection sees an address rewritten on the way; a
 * response that is not ours changes nothing.
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

#include "ike_init.h"
#include "ike_pld.h"

struct pair {
	struct ike_sa i, r;
	struct ike_proposal pi[IKE_PROPOSALS_MAX], pr[IKE_PROPOSALS_MAX];
	size_t npi, npr;
	uint8_t req[IKE_MSG_MAX], resp[IKE_MSG_MAX];
	size_t req_len, resp_len;
	struct ike_msg m;
	char err[1024];
};

static void
addr(struct sockaddr_storage *ss, const char *ip, uint16_t port)
{
	struct sockaddr_in *s = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	s->sin_family = AF_INET;
	s->sin_port = htons(port);
	assert_int_equal(inet_pton(AF_INET, ip, &s->sin_addr), 1);
}

/* Both ends' proposals, the addresses each sees (no NAT: crossed). */
static void
setup(struct pair *p, const char *prop_i, const char *prop_r)
{
	char err[256];

	memset(p, 0, sizeof(*p));
	assert_int_equal(ike_xform_parse(IKE_PROTO_IKE, prop_i, p->pi,
	    IKE_PROPOSALS_MAX, &p->npi, err, sizeof(err)), 0);
	assert_int_equal(ike_xform_parse(IKE_PROTO_IKE, prop_r, p->pr,
	    IKE_PROPOSALS_MAX, &p->npr, err, sizeof(err)), 0);
	addr(&p->i.local, "192.0.2.1", 500);
	addr(&p->i.remote, "192.0.2.2", 500);
	addr(&p->r.local, "192.0.2.2", 500);
	addr(&p->r.remote, "192.0.2.1", 500);
}

static void
parse(struct pair *p, const uint8_t *buf, size_t len)
{
	assert_int_equal(ike_msg_parse(buf, len, &p->m, p->err,
	    sizeof(p->err)), IKE_OK);
}

/* The initiator's request through the responder. */
static enum ike_init_result
to_responder(struct pair *p, const struct ike_cookie_cfg *c)
{
	assert_int_equal(ike_init_request(&p->i, p->pi, p->npi, p->req,
	    sizeof(p->req), &p->req_len, p->err, sizeof(p->err)), 0);
	parse(p, p->req, p->req_len);
	return ike_init_request_in(&p->r, &p->m, p->pr, p->npr, c, p->resp,
	    sizeof(p->resp), &p->resp_len, p->err, sizeof(p->err));
}

static enum ike_init_result
to_initiator(struct pair *p)
{
	parse(p, p->resp, p->resp_len);
	return ike_init_response_in(&p->i, &p->m, p->pi, p->npi, p->err,
	    sizeof(p->err));
}

static void
same_key(const struct ike_key *a, const struct ike_key *b)
{
	assert_int_equal(a->len, b->len);
	assert_memory_equal(a->b, b->b, a->len);
}

/* Both ends agree, and each one's SK payload opens at the other. */
static void
check_agree(struct pair *p)
{
	const struct ike_keys *a = &p->i.keys, *b = &p->r.keys;
	struct ike_sa *from[2] = { &p->i, &p->r }, *to[2] = { &p->r, &p->i };
	uint8_t msg[512], plain[64], got[64];
	size_t mlen, glen;

	assert_int_equal(p->i.state, IKE_S_INIT_DONE);
	assert_int_equal(p->r.state, IKE_S_INIT_DONE);
	assert_true(p->i.spi_i == p->r.spi_i && p->i.spi_r == p->r.spi_r);
	assert_true(p->i.spi_r != 0);
	same_key(&a->d, &b->d);
	same_key(&a->ai, &b->ai);
	same_key(&a->ar, &b->ar);
	same_key(&a->ei, &b->ei);
	same_key(&a->er, &b->er);
	same_key(&a->pi, &b->pi);
	same_key(&a->pr, &b->pr);
	assert_memory_equal(&p->i.chosen, &p->r.chosen, sizeof(p->i.chosen));
	for (int k = 0; k < 2; k++) {
		struct ike_hdr h = { 0 };
		struct ike_buf bb;

		h.spi_i = p->i.spi_i;
		h.spi_r = p->i.spi_r;
		h.exchange = IKE_AUTH;
		h.msgid = 1;
		ike_buf_init(&bb, msg, sizeof(msg));
		ike_buf_hdr(&bb, &h);
		ike_buf_begin(&bb, IKE_PLD_SK, 0);
		assert_int_equal(ike_buf_finish(&bb), 0);
		memset(plain, 0x40 + k, sizeof(plain));
		assert_int_equal(ike_sk_seal(&from[k]->sk_out, msg, sizeof(msg),
		    IKE_HDR_LEN, plain, sizeof(plain), &mlen, p->err,
		    sizeof(p->err)), 0);
		assert_int_equal(ike_sk_open(&to[k]->sk_in, msg, mlen,
		    IKE_HDR_LEN, got, sizeof(got), &glen, p->err,
		    sizeof(p->err)), 0);
		assert_int_equal(glen, sizeof(plain));
		assert_memory_equal(got, plain, glen);
	}
	assert_int_equal(p->i.init_req_len, p->r.init_req_len);
	assert_memory_equal(p->i.init_req, p->r.init_req, p->i.init_req_len);
	assert_int_equal(p->i.init_resp_len, p->r.init_resp_len);
	assert_memory_equal(p->i.init_resp, p->r.init_resp, p->i.init_resp_len);
}

static void
run(const char *prop_i, const char *prop_r)
{
	struct pair *p = test_malloc(sizeof(*p));

	setup(p, prop_i, prop_r);
	assert_int_equal(ike_init_begin(&p->i, p->pi, p->npi, 0, p->err,
	    sizeof(p->err)), 0);
	assert_int_equal(to_responder(p, NULL), IKE_INIT_OK);
	assert_int_equal(to_initiator(p), IKE_INIT_OK);
	check_agree(p);
	assert_false(p->i.nat_local || p->i.nat_remote || p->r.nat_local ||
	    p->r.nat_remote);
	ike_sa_clear(&p->i);
	ike_sa_clear(&p->r);
	test_free(p);
}

static void
test_every_group_and_suite(void **state)
{
	static const char *const groups[] = { "modp2048", "modp3072",
	    "modp4096", "ecp256", "ecp384", "ecp521", "curve25519" };
	static const char *const suites[] = { "aes128-sha256",
	    "aes256-sha384", "aes256-sha512", "aes128gcm16-prfsha256",
	    "aes256gcm16-prfsha384", "aes256gcm16-prfsha512" };
	char a[128];

	(void)state;
	for (size_t g = 0; g < 7; g++)
		for (size_t s = 0; s < 6; s++) {
			if (g < 3 && s % 2)	/* MODP is slow: a few suites */
				continue;
			snprintf(a, sizeof(a), "%s-%s", suites[s], groups[g]);
			run(a, a);
		}
}

static void
test_responder_picks_its_own_first(void **state)
{
	struct pair *p = test_malloc(sizeof(*p));

	(void)state;
	/* strongSwan's rule: our order decides (ike_xform.h) */
	setup(p, "aes128-sha256-modp2048,aes256gcm16-prfsha384-ecp384",
	    "aes256gcm16-prfsha384-ecp384,aes128-sha256-modp2048");
	assert_int_equal(ike_init_begin(&p->i, p->pi, p->npi, KE_ECP_384,
	    p->err, sizeof(p->err)), 0);
	if (to_responder(p, NULL) != IKE_INIT_OK)
		fail_msg("%s", p->err);
	assert_int_equal(to_initiator(p), IKE_INIT_OK);
	check_agree(p);
	assert_int_equal(p->i.chosen.xf[IKE_XF_ENCR][0].id, ENCR_AES_GCM_16);
	assert_int_equal(p->i.chosen.number, 2);	/* the initiator's 2nd */
	ike_sa_clear(&p->i);
	ike_sa_clear(&p->r);
	test_free(p);
}

static void
test_invalid_ke_round(void **state)
{
	struct pair *p = test_malloc(sizeof(*p));
	struct ike_notify n;

	(void)state;
	setup(p, "aes128-sha256-ecp256-modp2048", "aes128-sha256-modp2048");
	assert_int_equal(ike_init_begin(&p->i, p->pi, p->npi, 0, p->err,
	    sizeof(p->err)), 0);
	assert_int_equal(p->i.group, KE_ECP_256);
	assert_int_equal(to_responder(p, NULL), IKE_INIT_ANSWER);
	assert_non_null(strstr(p->err, "INVALID_KE_PAYLOAD"));
	assert_int_equal(p->r.state, IKE_S_NEW);	/* no state kept */
	parse(p, p->resp, p->resp_len);
	assert_int_equal(ike_pld_notify(ike_msg_notify(&p->m,
	    N_INVALID_KE_PAYLOAD), &n, NULL, 0), 0);
	assert_int_equal(ike_get16(n.data), KE_MODP_2048);
	assert_int_equal(p->m.hdr.spi_r, 0);
	assert_int_equal(to_initiator(p), IKE_INIT_RETRY);
	assert_int_equal(p->i.group, KE_MODP_2048);
	assert_int_equal(to_responder(p, NULL), IKE_INIT_OK);
	assert_int_equal(to_initiator(p), IKE_INIT_OK);
	check_agree(p);
	ike_sa_clear(&p->i);
	ike_sa_clear(&p->r);
	test_free(p);
}

static void
test_cookie_round(void **state)
{
	struct pair *p = test_malloc(sizeof(*p));
	struct ike_cookie_cfg c = { .required = 1, .version = 3 };

	(void)state;
	memset(c.secret, 0x5c, sizeof(c.secret));
	setup(p, "aes128gcm16-prfsha256-curve25519",
	    "aes128gcm16-prfsha256-curve25519");
	assert_int_equal(ike_init_begin(&p->i, p->pi, p->npi, 0, p->err,
	    sizeof(p->err)), 0);
	assert_int_equal(to_responder(p, &c), IKE_INIT_ANSWER);
	assert_int_equal(p->r.state, IKE_S_NEW);
	assert_int_equal(to_initiator(p), IKE_INIT_RETRY);
	assert_int_equal(p->i.cookie_len, 33);
	assert_int_equal(p->i.cookie[0], 3);
	assert_int_equal(to_responder(p, &c), IKE_INIT_OK);
	assert_int_equal(to_initiator(p), IKE_INIT_OK);
	check_agree(p);
	/* a cookie made under another secret is refused again */
	ike_sa_clear(&p->i);
	ike_sa_clear(&p->r);
	memset(&p->r, 0, sizeof(p->r));
	addr(&p->r.local, "192.0.2.2", 500);
	addr(&p->r.remote, "192.0.2.1", 500);
	p->i.state = IKE_S_NEW;
	assert_int_equal(ike_init_begin(&p->i, p->pi, p->npi, 0, p->err,
	    sizeof(p->err)), 0);
	memset(c.secret, 0x77, sizeof(c.secret));
	assert_int_equal(to_responder(p, &c), IKE_INIT_ANSWER);
	assert_non_null(strstr(p->err, "COOKIE"));
	ike_sa_clear(&p->i);
	ike_sa_clear(&p->r);
	test_free(p);
}

static void
test_no_proposal(void **state)
{
	struct pair *p = test_malloc(sizeof(*p));

	(void)state;
	setup(p, "aes128-sha256-modp2048", "aes256gcm16-prfsha384-ecp384");
	assert_int_equal(ike_init_begin(&p->i, p->pi, p->npi, 0, p->err,
	    sizeof(p->err)), 0);
	assert_int_equal(to_responder(p, NULL), IKE_INIT_ANSWER);
	/* the responder's line names both sides */
	assert_non_null(strstr(p->err, "peer proposed IKE:AES_CBC_128/"
	    "HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048"));
	assert_non_null(strstr(p->err, "we accept IKE:AES_GCM_16_256/"
	    "PRF_HMAC_SHA2_384/ECP_384"));
	assert_int_equal(to_initiator(p), IKE_INIT_FAIL);
	assert_non_null(strstr(p->err, "NO_PROPOSAL_CHOSEN"));
	assert_non_null(strstr(p->err, "AES_CBC_128"));
	ike_sa_clear(&p->i);
	ike_sa_clear(&p->r);
	test_free(p);
}

static void
test_nat_detected(void **state)
{
	struct pair *p = test_malloc(sizeof(*p));

	(void)state;
	setup(p, "aes128gcm16-prfsha256-ecp256", "aes128gcm16-prfsha256-ecp256");
	/* the initiator is 10.99.0.2:500 behind a NAT that sends from
	 * 192.0.2.1:4501 */
	addr(&p->i.local, "10.99.0.2", 500);
	addr(&p->r.remote, "192.0.2.1", 4501);
	assert_int_equal(ike_init_begin(&p->i, p->pi, p->npi, 0, p->err,
	    sizeof(p->err)), 0);
	assert_int_equal(to_responder(p, NULL), IKE_INIT_OK);
	assert_int_equal(to_initiator(p), IKE_INIT_OK);
	check_agree(p);
	assert_true(p->r.nat_remote && !p->r.nat_local);
	assert_true(p->i.nat_local && !p->i.nat_remote);
	ike_sa_clear(&p->i);
	ike_sa_clear(&p->r);
	test_free(p);
}

static void
test_foreign_response_changes_nothing(void **state)
{
	struct pair *p = test_malloc(sizeof(*p));
	struct ike_sa before;

	(void)state;
	setup(p, "aes128-sha256-ecp256", "aes128-sha256-ecp256");
	assert_int_equal(ike_init_begin(&p->i, p->pi, p->npi, 0, p->err,
	    sizeof(p->err)), 0);
	assert_int_equal(to_responder(p, NULL), IKE_INIT_OK);
	/* the response, with another SPIi: not ours */
	p->resp[0] ^= 0xff;
	before = p->i;
	assert_int_equal(to_initiator(p), IKE_INIT_DROP);
	assert_memory_equal(&before, &p->i, sizeof(before));
	/* and the real response still does its work after it */
	p->resp[0] ^= 0xff;
	assert_int_equal(to_initiator(p), IKE_INIT_OK);
	ike_sa_clear(&p->i);
	ike_sa_clear(&p->r);
	test_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_group_and_suite),
		cmocka_unit_test(test_responder_picks_its_own_first),
		cmocka_unit_test(test_invalid_ke_round),
		cmocka_unit_test(test_cookie_round),
		cmocka_unit_test(test_no_proposal),
		cmocka_unit_test(test_nat_detected),
		cmocka_unit_test(test_foreign_response_changes_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
