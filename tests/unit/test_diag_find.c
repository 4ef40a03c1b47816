/*
 * test_diag_find.c - the known problems `nicsecctl diagnose` names
 * (host/diag_find.c), one rule at a time, from facts made by hand.
 *
 * The failure lines are the ones host/ike_child.c and host/exch_life.c
 * write, copied from a run against strongSwan: the PFS rule must read
 * them as they are.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "conf.h"
#include "diag_find.h"

/* ours as the initiator: the peer's bare NO_PROPOSAL_CHOSEN */
#define PFS_OURS "peer accepted none of our CHILD_SA proposals " \
	"(NO_PROPOSAL_CHOSEN); we proposed ESP:AES_GCM_16_128/NO_EXT_SEQ, " \
	"with no DH group: a PFS mismatch if the peer's ESP proposals " \
	"require one"
/* ours as the responder: both sides known */
#define PFS_BOTH "PFS mismatch: peer proposed ESP:AES_GCM_16_128/NO_EXT_SEQ " \
	"with no DH group, we require ESP:AES_GCM_16_128/MODP_2048/NO_EXT_SEQ " \
	"with MODP_2048 (NO_PROPOSAL_CHOSEN)"

static struct diag_conn hc;
static struct diag_facts f;
static struct diag_problem p[DIAG_PROBLEMS_MAX];

/* A healthy tunnel: up, DPD on, one child up with its rekey done. */
static int
healthy(void **state)
{
	(void)state;
	memset(&hc, 0, sizeof(hc));
	memset(&f, 0, sizeof(f));
	snprintf(hc.name, sizeof(hc.name), "gw");
	hc.nchild = 1;
	snprintf(hc.child[0].name, sizeof(hc.child[0].name), "net");
	hc.child[0].rekey.at = 90;
	hc.child[0].rekey.end_at = 90;
	hc.child[0].rekey.ours = 1;
	hc.child[0].rekey.how = DIAG_DONE;
	hc.child[0].rekey.ndone = 3;
	f.conn = "gw";
	f.now = 100;
	f.up = 1;
	f.dpd_delay = 30;
	f.h = &hc;
	f.nchild = 1;
	f.child[0].name = "net";
	f.child[0].up = 1;
	f.child[0].close_action = CONF_ACTION_START;
	f.child[0].h = &hc.child[0];
	return 0;
}

static size_t
find(void)
{
	memset(p, 0, sizeof(p));
	return diag_find(&f, p, DIAG_PROBLEMS_MAX);
}

static void
test_healthy(void **state)
{
	(void)state;
	assert_int_equal(find(), 0);
}

static void
test_dpd_off(void **state)
{
	(void)state;
	f.dpd_delay = 0;
	assert_int_equal(find(), 1);
	assert_non_null(strstr(p[0].what, "DPD is off (dpd_delay 0)"));
	assert_non_null(strstr(p[0].fix, "dpd_delay = 30s"));
}

static void
test_pfs_ours_refused(void **state)
{
	struct diag_rekey *r = &hc.child[0].rekey;

	(void)state;
	r->how = DIAG_REFUSED;
	r->nfailed = 2;
	snprintf(r->why, sizeof(r->why), "%s", PFS_OURS);
	assert_int_equal(find(), 1);
	assert_non_null(strstr(p[0].what, "CHILD_SA net: PFS mismatch: the "
	    "peer refused our rekey of it with NO_PROPOSAL_CHOSEN"));
	/* our side, as the line gave it, and what that means the peer wants */
	assert_non_null(strstr(p[0].what, "We proposed ESP:AES_GCM_16_128/"
	    "NO_EXT_SEQ, with no DH group;"));
	assert_non_null(strstr(p[0].what, "require a DH group (PFS), ours "
	    "have none"));
	assert_non_null(strstr(p[0].fix, "the same DH group, or none, in "
	    "esp_proposals on both sides"));
}

static void
test_pfs_ours_with_group(void **state)
{
	struct diag_rekey *r = &hc.child[0].rekey;

	(void)state;
	r->how = DIAG_REFUSED;
	snprintf(r->why, sizeof(r->why), "peer accepted none of our CHILD_SA "
	    "proposals (NO_PROPOSAL_CHOSEN); we proposed ESP:AES_GCM_16_128/"
	    "MODP_2048/NO_EXT_SEQ, PFS with MODP_2048: a PFS mismatch if the "
	    "peer's ESP proposals have no DH group or another");
	assert_int_equal(find(), 1);
	assert_non_null(strstr(p[0].what, "PFS with MODP_2048; the peer"));
	assert_non_null(strstr(p[0].what, "have no DH group, or another one"));
}

static void
test_pfs_both_sides(void **state)
{
	struct diag_rekey *r = &hc.child[0].rekey;

	(void)state;
	r->how = DIAG_WE_REFUSED;
	r->ours = 0;
	r->nfailed = 1;
	snprintf(r->why, sizeof(r->why), "%s", PFS_BOTH);
	assert_int_equal(find(), 1);
	assert_non_null(strstr(p[0].what, "CHILD_SA net: PFS mismatch: the "
	    "peer's rekey of it was refused"));
	assert_non_null(strstr(p[0].what, PFS_BOTH));
	assert_non_null(strstr(p[0].fix, "the same DH group, or none"));
}

/* a later rekey that went through ends the problem */
static void
test_pfs_then_done(void **state)
{
	struct diag_rekey *r = &hc.child[0].rekey;

	(void)state;
	r->nfailed = 2;
	snprintf(r->why, sizeof(r->why), "%s", PFS_OURS);
	r->how = DIAG_DONE;
	assert_int_equal(find(), 0);
}

static void
test_temporary_failure(void **state)
{
	struct diag_rekey *r = &hc.child[0].rekey;

	(void)state;
	r->how = DIAG_REFUSED;
	snprintf(r->why, sizeof(r->why), "peer refused the CHILD_SA: "
	    "TEMPORARY_FAILURE");
	assert_int_equal(find(), 0);
}

static void
test_rekey_timeout(void **state)
{
	struct diag_rekey *r = &hc.child[0].rekey;

	(void)state;
	r->how = DIAG_TIMEOUT;
	snprintf(r->why, sizeof(r->why), "peer 192.0.2.2 did not answer "
	    "CREATE_CHILD_SA for 20 s (5 retransmits)");
	assert_int_equal(find(), 1);
	assert_non_null(strstr(p[0].what, "CHILD_SA net: our rekey got no "
	    "answer: peer 192.0.2.2 did not answer"));
}

static void
test_ike_rekey_refused(void **state)
{
	(void)state;
	hc.ike_rekey.how = DIAG_REFUSED;
	hc.ike_rekey.ours = 1;
	snprintf(hc.ike_rekey.why, sizeof(hc.ike_rekey.why), "peer accepted "
	    "none of our IKE proposals for the rekey (NO_PROPOSAL_CHOSEN); we "
	    "proposed IKE:AES_GCM_16_128/PRF_HMAC_SHA2_256/CURVE_25519");
	assert_int_equal(find(), 1);
	assert_non_null(strstr(p[0].what, "IKE_SA: our rekey was refused"));
	assert_non_null(strstr(p[0].fix, "the proposals"));
}

static void
test_close_action_none(void **state)
{
	(void)state;
	f.child[0].up = 0;
	f.child[0].close_action = CONF_ACTION_NONE;
	hc.child[0].deleted_at = 40;
	hc.child[0].close_action = CONF_ACTION_NONE;
	assert_int_equal(find(), 1);
	assert_non_null(strstr(p[0].what, "CHILD_SA net is down: the peer "
	    "deleted it 60 s ago, and close_action none left it down"));
	assert_non_null(strstr(p[0].fix, "close_action = start in child net"));
	/* back up (initiated by hand): no longer a problem */
	f.child[0].up = 1;
	assert_int_equal(find(), 0);
	/* close_action start took it: not the rule's */
	f.child[0].up = 0;
	hc.child[0].close_action = CONF_ACTION_START;
	assert_int_equal(find(), 0);
}

static void
test_retrying(void **state)
{
	(void)state;
	f.up = 0;
	f.child[0].up = 0;
	f.retry_n = 3;
	f.retry_in = 4;
	f.retry_child = "net";
	hc.down_at = 50;
	snprintf(hc.down, sizeof(hc.down), "peer 192.0.2.2 did not answer DPD "
	    "for 4 s (3 retransmits): dpd_action restart: initiating net again");
	hc.setup_at = 95;
	snprintf(hc.setup, sizeof(hc.setup), "peer 192.0.2.2 did not answer "
	    "IKE_SA_INIT for 4 s (3 retransmits)");
	assert_int_equal(find(), 1);
	assert_non_null(strstr(p[0].what, "initiating net fails: 3 failures in "
	    "a row, trying again in 4 s"));
	assert_non_null(strstr(p[0].what, "the last error: peer 192.0.2.2 did "
	    "not answer IKE_SA_INIT"));
	assert_non_null(strstr(p[0].fix, "the peer does not answer"));
}

static void
test_auth_failure(void **state)
{
	(void)state;
	f.up = 0;
	f.child[0].up = 0;
	hc.setup_at = 95;
	snprintf(hc.setup, sizeof(hc.setup), "peer right's AUTH does not "
	    "verify with our PSK (the two PSKs differ)");
	assert_int_equal(find(), 1);
	assert_non_null(strstr(p[0].what, "setting up the IKE SA failed 5 s "
	    "ago: peer right's AUTH"));
	assert_non_null(strstr(p[0].fix, "the two PSKs differ"));
	snprintf(hc.setup, sizeof(hc.setup), "peer refused our authentication "
	    "(AUTHENTICATION_FAILED): our ID or PSK is not what it has");
	assert_int_equal(find(), 1);
	assert_non_null(strstr(p[0].fix, "the peer refused our authentication: "
	    "our local id must be its remote id"));
	snprintf(hc.setup, sizeof(hc.setup), "peer ID stranger matches no "
	    "connection, expected right");
	assert_int_equal(find(), 1);
	assert_non_null(strstr(p[0].fix, "the IDs"));
	/* up since: an old failure is no problem */
	f.up = 1;
	f.child[0].up = 1;
	assert_int_equal(find(), 0);
}

static void
test_child_setup(void **state)
{
	(void)state;
	f.child[0].up = 0;
	hc.setup_at = 98;
	snprintf(hc.setup_child, sizeof(hc.setup_child), "net");
	snprintf(hc.setup, sizeof(hc.setup), "TS_UNACCEPTABLE: peer proposed "
	    "10.9.0.0/24 === 10.1.1.0/24, we allow 10.2.0.0/16 === "
	    "10.1.0.0/16");
	assert_int_equal(find(), 1);
	assert_non_null(strstr(p[0].what, "setting up CHILD_SA net failed 2 s "
	    "ago: TS_UNACCEPTABLE"));
	assert_non_null(strstr(p[0].fix, "the traffic selectors"));
	snprintf(hc.setup, sizeof(hc.setup), "no acceptable CHILD_SA proposal: "
	    "peer proposed ESP:AES_CBC_128/HMAC_SHA2_256_128 (NO_PROPOSAL_"
	    "CHOSEN)");
	assert_int_equal(find(), 1);
	assert_non_null(strstr(p[0].fix, "the proposals"));
	f.child[0].up = 1;
	assert_int_equal(find(), 0);
}

static void
test_black_hole(void **state)
{
	(void)state;
	f.child[0].hole_out = 40;
	f.child[0].hole_for = 56;
	assert_int_equal(find(), 1);
	assert_non_null(strstr(p[0].what, "CHILD_SA net: 40 packets out and "
	    "none in for 56 s: a black hole; its last rekey was 10 s ago"));
	assert_non_null(strstr(p[0].fix, "its inbound SPI must be our "
	    "outbound one"));
	/* no rekey near: the path, not the rekey */
	hc.child[0].rekey.end_at = 10;
	assert_int_equal(find(), 1);
	assert_null(strstr(p[0].what, "last rekey"));
	/* the watcher sees none (inbound moved again) */
	f.child[0].hole_for = 0;
	assert_int_equal(find(), 0);
	/* the none data plane counts nothing: never a black hole */
	f.child[0].hole_for = 56;
	f.dp_none = 1;
	assert_int_equal(find(), 0);
	/* a CHILD_SA that is down has no traffic to judge */
	f.dp_none = 0;
	f.child[0].up = 0;
	assert_int_equal(find(), 0);
}

static void
test_down(void **state)
{
	(void)state;
	f.up = 0;
	f.child[0].up = 0;
	hc.down_at = 80;
	snprintf(hc.down, sizeof(hc.down), "peer 192.0.2.2 did not answer DPD "
	    "for 4 s (3 retransmits): dpd_action clear: closing net");
	assert_int_equal(find(), 1);
	assert_non_null(strstr(p[0].what, "the tunnel is down: its IKE SA "
	    "closed 20 s ago: peer 192.0.2.2 did not answer DPD"));
	assert_non_null(strstr(p[0].fix, "dpd_action = restart"));
	assert_non_null(strstr(p[0].fix, "nicsecctl initiate --ike gw"));
	/* the operator's terminate: not a problem */
	hc.down_ours = 1;
	assert_int_equal(find(), 0);
}

/* several at once, each once, in a fixed order */
static void
test_several(void **state)
{
	struct diag_rekey *r = &hc.child[0].rekey;

	(void)state;
	f.dpd_delay = 0;
	r->how = DIAG_REFUSED;
	snprintf(r->why, sizeof(r->why), "%s", PFS_OURS);
	assert_int_equal(find(), 2);
	assert_non_null(strstr(p[0].what, "PFS mismatch"));
	assert_non_null(strstr(p[1].what, "DPD is off"));
	/* no room: what fits */
	assert_int_equal(diag_find(&f, p, 1), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_healthy, healthy),
		cmocka_unit_test_setup(test_dpd_off, healthy),
		cmocka_unit_test_setup(test_pfs_ours_refused, healthy),
		cmocka_unit_test_setup(test_pfs_ours_with_group, healthy),
		cmocka_unit_test_setup(test_pfs_both_sides, healthy),
		cmocka_unit_test_setup(test_pfs_then_done, healthy),
		cmocka_unit_test_setup(test_temporary_failure, healthy),
		cmocka_unit_test_setup(test_rekey_timeout, healthy),
		cmocka_unit_test_setup(test_ike_rekey_refused, healthy),
		cmocka_unit_test_setup(test_close_action_none, healthy),
		cmocka_unit_test_setup(test_retrying, healthy),
		cmocka_unit_test_setup(test_auth_failure, healthy),
		cmocka_unit_test_setup(test_child_setup, healthy),
		cmocka_unit_test_setup(test_black_hole, healthy),
		cmocka_unit_test_setup(test_down, healthy),
		cmocka_unit_test_setup(test_several, healthy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
