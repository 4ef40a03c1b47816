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
#include <cmocka.h>

#include "ike_pair.h"

/* Both ends through IKE_SA_INIT (ike_pair.c); the IKE_AUTH configs as
 * given, the initiator asking for /16s. */
static struct ike_pair *
setup(const char *esp_i, const char *esp_r)
{
	struct ike_pair *p = test_calloc(1, sizeof(*p));

	ike_pair_setup(p, "aes256gcm16-prfsha384-ecp384", esp_i, esp_r);
	ike_pair_init(p);
	/* the responder allows less than is asked: narrowed */
	ike_pair_ts(&p->req.tsi[0], "10.1.0.0", "10.1.255.255");
	ike_pair_ts(&p->req.tsr[0], "10.2.0.0", "10.2.255.255");
	return p;
}

static void
done(struct ike_pair *p)
{
	ike_pair_down(p);
	test_free(p);
}

static void
test_psk_child(void **state)
{
	struct ike_pair *p = setup("aes256gcm16-aes128gcm16", "aes128gcm16");
	char a[128];

	(void)state;
	ike_pair_auth_ok(p);	/* up, SPIs crossed, the same keys */
	assert_int_equal(p->first_i.spi_in, 0xc0de0001);
	assert_int_equal(p->first_r.spi_in, 0xc0de0002);
	assert_int_equal(p->first_i.chosen.xf[IKE_XF_ENCR][0].keylen, 128);
	assert_int_equal(p->first_i.keys.i2r.len, 20);
	assert_memory_not_equal(p->first_i.keys.i2r.b, p->first_i.keys.r2i.b,
	    20);
	assert_int_equal(p->first_i.ntsi, 1);
	ike_ts_format(&p->first_i.tsi[0], a, sizeof(a));
	assert_string_equal(a, "10.1.0.0/24");
	ike_ts_format(&p->first_i.tsr[0], a, sizeof(a));
	assert_string_equal(a, "10.2.0.0/24");
	done(p);
}

static void
test_wrong_psk(void **state)
{
	struct ike_pair *p = setup("aes128gcm16", "aes128gcm16");
	enum ike_auth_result ri, rr;

	(void)state;
	p->ar.auth.psk = (const uint8_t *)"Secret";
	ike_pair_auth(p, &ri, &rr);
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
	struct ike_pair *p = setup("aes128gcm16", "aes128gcm16");
	enum ike_auth_result ri, rr;

	(void)state;
	p->ai.id = (const uint8_t *)"intruder";
	p->ai.id_len = 8;
	ike_pair_auth(p, &ri, &rr);
	assert_int_equal(rr, IKE_AUTH_FAIL);
	assert_string_equal(p->err_r, "peer ID intruder matches no connection, "
	    "expected left");
	assert_int_equal(ri, IKE_AUTH_FAIL);
	done(p);
}

static void
test_responder_id_checked(void **state)
{
	struct ike_pair *p = setup("aes128gcm16", "aes128gcm16");
	enum ike_auth_result ri, rr;

	(void)state;
	p->ai.peer_id = (const uint8_t *)"elsewhere";
	p->ai.peer_id_len = 9;
	ike_pair_auth(p, &ri, &rr);
	assert_int_equal(rr, IKE_AUTH_OK);
	assert_int_equal(ri, IKE_AUTH_FAIL);
	assert_string_equal(p->err_i, "peer ID right is not the one we expect, "
	    "elsewhere");
	done(p);
}

static void
test_no_esp_proposal(void **state)
{
	struct ike_pair *p = setup("aes256gcm16", "aes128gcm16");
	enum ike_auth_result ri, rr;

	(void)state;
	ike_pair_auth(p, &ri, &rr);
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
	struct ike_pair *p = setup("aes128gcm16", "aes128gcm16");
	enum ike_auth_result ri, rr;

	(void)state;
	ike_pair_ts(&p->ar.remote_ts[0], "10.3.0.0", "10.3.0.255");
	ike_pair_auth(p, &ri, &rr);
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
	struct ike_pair *p = setup("aes128gcm16", "aes128gcm16");
	struct ike_sa before;

	(void)state;
	assert_int_equal(ike_auth_request(&p->i, &p->ai, &p->req, p->m1,
	    sizeof(p->m1), &p->l1, p->err_i, sizeof(p->err_i)), 0);
	p->m1[p->l1 - 1] ^= 1;		/* the ICV */
	before = p->r;
	assert_int_equal(ike_auth_request_in(&p->r, p->m1, p->l1, &p->ar,
	    &p->first_r, p->m2, sizeof(p->m2), &p->l2, p->err_r,
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
