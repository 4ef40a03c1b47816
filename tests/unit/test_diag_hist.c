/*
 * test_diag_hist.c - diagnose's history (host/diag_hist.c): the counter
 * ring across a rekey, a gap and a wrap, and what the hooks record.
 *
 * The daemon's clock and the data plane's counters are stubs here, so
 * that each sample's numbers are the test's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "daemon.h"
#include "dataplane.h"
#include "diag_hist.h"
#include "ike_child.h"

static double clock_now;

double
dmn_now(void)
{
	return clock_now;
}

/* The data plane: packets per inbound SPI. */
static struct {
	uint32_t spi;
	uint64_t in, out;
} dp[4];

int
dp_child_counters(struct dp *p, uint32_t spi_in, struct dp_counters *c)
{
	(void)p;
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < 4; i++)
		if (dp[i].spi == spi_in) {
			c->in_packets = dp[i].in;
			c->out_packets = dp[i].out;
			return 0;
		}
	return -1;
}

static struct daemon d;
static struct ikesa s;

static int
setup(void **state)
{
	(void)state;
	memset(&d, 0, sizeof(d));
	memset(&s, 0, sizeof(s));
	memset(dp, 0, sizeof(dp));
	clock_now = 100;
	d.dp = (struct dp *)&dp;	/* any non-NULL: this test's dp_child_counters reads dp[] */
	d.t.head = &s;
	snprintf(s.conn, sizeof(s.conn), "gw");
	s.sa.state = IKE_S_ESTABLISHED;
	s.established = 90;
	s.nchild = 1;
	snprintf(s.child[0].name, sizeof(s.child[0].name), "net");
	s.child[0].spi_in = 0x100;
	dp[0].spi = 0x100;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	diag_hist_free(&d.diag);
	return 0;
}

static const struct diag_child *
net(void)
{
	return diag_child_find(diag_conn_find(&d.diag, "gw"), "net");
}

/* One sample DIAG_SAMPLE_EVERY s after the last. */
static void
tick(void)
{
	clock_now += DIAG_SAMPLE_EVERY;
	diag_sample(&d, clock_now);
}

static void
test_out_rising_in_flat(void **state)
{
	uint64_t in, out;
	double span;

	(void)state;
	/* due at once, then not again before DIAG_SAMPLE_EVERY */
	assert_true(diag_sample(&d, clock_now) == clock_now + DIAG_SAMPLE_EVERY);
	assert_true(diag_sample(&d, clock_now + 1) == clock_now +
	    DIAG_SAMPLE_EVERY);
	for (int i = 1; i <= 3; i++) {
		dp[0].out = 10 * (uint64_t)i;
		dp[0].in = 7;
		tick();
	}
	diag_trend(net(), &in, &out, &span);
	assert_int_equal(net()->nring, 4);
	assert_int_equal(out, 30);
	assert_int_equal(in, 7);	/* all before the second sample */
	assert_true(span == 3 * DIAG_SAMPLE_EVERY);
	diag_step(net(), 3, &in, &out);
	assert_int_equal(in, 0);
	assert_int_equal(out, 10);
}

/* A rekey: the old SA's last packets and the new one's from 0, each
 * counted once. */
static void
test_across_a_rekey(void **state)
{
	uint64_t in, out;
	double span;

	(void)state;
	dp[0].out = 20;
	diag_sample(&d, clock_now);
	/* the new CHILD SA beside the old (REKEYED) one */
	s.nchild = 2;
	s.child[1] = s.child[0];
	s.child[1].spi_in = 0x200;
	s.child[0].state = CHILD_REKEYED;
	dp[1].spi = 0x200;
	dp[0].out = 25;
	dp[1].out = 5;
	tick();
	diag_step(net(), 1, &in, &out);
	assert_int_equal(out, 10);
	/* the old one gone */
	s.child[0] = s.child[1];
	s.nchild = 1;
	dp[1].out = 15;
	tick();
	diag_step(net(), 2, &in, &out);
	assert_int_equal(out, 10);
	diag_trend(net(), &in, &out, &span);
	assert_int_equal(out, 20);
}

/* No CHILD SA for a while: empty samples, then counting from 0 again. */
static void
test_gap_and_wrap(void **state)
{
	uint64_t in, out;
	double span;

	(void)state;
	dp[0].out = 50;
	diag_sample(&d, clock_now);
	s.nchild = 0;
	tick();
	diag_step(net(), 1, &in, &out);
	assert_int_equal(out, 0);
	s.nchild = 1;
	s.child[0].spi_in = 0x300;
	dp[0].spi = 0x300;
	dp[0].out = 3;
	tick();
	diag_step(net(), 2, &in, &out);
	assert_int_equal(out, 3);
	/* a minute and more: the ring keeps the last DIAG_SAMPLES */
	for (int i = 0; i < 2 * DIAG_SAMPLES; i++) {
		dp[0].out += 2;
		tick();
	}
	diag_trend(net(), &in, &out, &span);
	assert_int_equal(net()->nring, DIAG_SAMPLES);
	assert_int_equal(out, 2 * (DIAG_SAMPLES - 1));
	assert_true(span == (DIAG_SAMPLES - 1) * DIAG_SAMPLE_EVERY);
	/* only established IKE SAs are sampled */
	s.sa.state = IKE_S_INIT_SENT;
	tick();
	diag_step(net(), DIAG_SAMPLES - 1, &in, &out);
	assert_int_equal(out, 0);
}

static void
test_rekeys(void **state)
{
	const struct diag_conn *c;

	(void)state;
	diag_rekey_start(&d.diag, "gw", "net", 1);
	assert_int_equal(net()->rekey.how, DIAG_PENDING);
	clock_now += 1;
	diag_rekey_end(&d.diag, "gw", "net", DIAG_DONE, NULL);
	diag_rekey_start(&d.diag, "gw", "net", 1);
	diag_child_failed(&d.diag, "gw", "net", 1, "peer accepted none");
	assert_int_equal(net()->rekey.how, DIAG_REFUSED);
	assert_int_equal(net()->rekey.ndone, 1);
	assert_int_equal(net()->rekey.nfailed, 1);
	assert_string_equal(net()->rekey.why, "peer accepted none");
	/* the peer's, refused by us; and its IKE SA rekey */
	diag_refused(&d.diag, "gw", "net", IKE_CHILD_REKEY, "PFS mismatch: x");
	assert_int_equal(net()->rekey.how, DIAG_WE_REFUSED);
	assert_false(net()->rekey.ours);
	diag_refused(&d.diag, "gw", "net", IKE_CHILD_NEW, "TS_UNACCEPTABLE");
	c = diag_conn_find(&d.diag, "gw");
	assert_string_equal(c->setup, "TS_UNACCEPTABLE");
	assert_string_equal(c->setup_child, "net");
	s.sa.initiator = 0;
	diag_ike_rekeyed(&d.diag, &s);
	assert_int_equal(c->ike_rekey.how, DIAG_DONE);
	assert_false(c->ike_rekey.ours);
	/* a responder's IKE SA that has no connection yet: nothing kept */
	diag_setup_error(&d.diag, "", NULL, "x");
	assert_int_equal(d.diag.n, 1);
}

static void
test_ike_gone(void **state)
{
	const struct diag_conn *c;

	(void)state;
	/* DPD out when the peer was given up on */
	diag_dpd(&d.diag, "gw");
	s.req = REQ_INFO;
	s.cur.kind = TASK_DPD;
	diag_ike_gone(&d.diag, &s, "peer 192.0.2.2 did not answer DPD");
	c = diag_conn_find(&d.diag, "gw");
	assert_int_equal(c->dpd, DPD_UNANSWERED);
	assert_string_equal(c->down, "peer 192.0.2.2 did not answer DPD");
	assert_false(c->down_ours);
	/* a rekey out: timed out */
	s.req = REQ_CHILD;
	s.cur.kind = TASK_REKEY;
	snprintf(s.cur.name, sizeof(s.cur.name), "net");
	diag_rekey_start(&d.diag, "gw", "net", 1);
	diag_ike_gone(&d.diag, &s, "no answer");
	assert_int_equal(net()->rekey.how, DIAG_TIMEOUT);
	/* before IKE_AUTH's end: a setup error, not a tunnel going down */
	s.req = REQ_INIT;
	s.sa.state = IKE_S_INIT_SENT;
	s.established = 0;
	diag_ike_gone(&d.diag, &s, "did not answer IKE_SA_INIT");
	assert_string_equal(c->setup, "did not answer IKE_SA_INIT");
	assert_string_equal(c->down, "no answer");
	/* IKE_AUTH refused: DEAD, but never up */
	s.sa.state = IKE_S_DEAD;
	diag_ike_gone(&d.diag, &s, "AUTHENTICATION_FAILED");
	assert_string_equal(c->setup, "AUTHENTICATION_FAILED");
	assert_string_equal(c->down, "no answer");
	/* our DELETE answered: ours */
	s.req = REQ_NONE;
	s.sa.state = IKE_S_ESTABLISHED;
	s.established = 50;
	s.cur.kind = TASK_DEL_IKE;
	diag_ike_gone(&d.diag, &s, NULL);
	assert_true(c->down_ours);
	/* the DPD answered this time */
	diag_dpd(&d.diag, "gw");
	s.cur.kind = TASK_DPD;
	diag_info_answered(&d.diag, &s);
	assert_int_equal(c->dpd, DPD_ANSWERED);
}

static void
test_peer_delete(void **state)
{
	(void)state;
	clock_now = 321;
	diag_peer_delete(&d.diag, "gw", "net", 0);
	assert_true(net()->deleted_at == 321);
	assert_int_equal(net()->close_action, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_out_rising_in_flat, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_across_a_rekey, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_gap_and_wrap, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rekeys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ike_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_delete, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
