/*
 * test_ike_info - INFORMATIONAL with both ends in one process
 * (host/ike_info.c), after IKE_SA_INIT, IKE_AUTH and a second CHILD_SA
 * (CREATE_CHILD_SA) between them: liveness both ways, DELETEs of CHILD_SAs
 * answered with the other halves, crossed deletes, the IKE SA deleted by
 * either end, notifies reported, UNSUPPORTED_CRITICAL_PAYLOAD and a
 * malformed DELETE answered with their errors; tampered, garbled,
 * truncated, replayed and misdirected messages dropped with nothing
 * changed; the shared SK frame (host/ike_sk_msg.c) on IKE_AUTH's messages.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ike_child.h"
#include "ike_info.h"
#include "ike_pair.h"
#include "ike_sk_msg.h"

struct t {
	struct ike_pair p;
	/* each end's CHILD_SAs: IKE_AUTH's, then one more */
	struct ike_child kids_i[2], kids_r[2];
	struct ike_info_got got_i, got_r;
	uint8_t m1[IKE_MSG_MAX], m2[IKE_MSG_MAX], plain[IKE_MSG_MAX];
	size_t l1, l2;
	char err_i[1024], err_r[1024];
};

static struct t *
setup(void)
{
	struct t *t = test_calloc(1, sizeof(*t));
	struct ike_proposal esp[IKE_PROPOSALS_MAX];
	struct ike_child_req req = { 0 };
	struct ike_child_rcfg rc = { 0 };
	struct ike_child_xchg x = { 0 };
	struct ike_child_made made;
	char err[512];

	ike_pair_up(&t->p, "aes128-sha256-modp2048");
	assert_int_equal(ike_xform_parse(IKE_PROTO_ESP, "aes256gcm16", esp,
	    IKE_PROPOSALS_MAX, &req.nesp, err, sizeof(err)), 0);
	req.esp = rc.esp = esp;
	rc.nesp = req.nesp;
	req.spi_in = 0xc0de0011;
	rc.spi_in = 0xc0de0012;
	ike_pair_ts(&req.tsi[0], "10.1.1.0", "10.1.1.255");
	ike_pair_ts(&req.tsr[0], "10.2.1.0", "10.2.1.255");
	req.ntsi = req.ntsr = 1;
	rc.remote_ts[0] = req.tsi[0];
	rc.local_ts[0] = req.tsr[0];
	rc.nremote_ts = rc.nlocal_ts = 1;
	assert_int_equal(ike_child_request(&t->p.i, &x, &req, 0, t->m1,
	    sizeof(t->m1), &t->l1, err, sizeof(err)), 0);
	assert_int_equal(ike_child_request_in(&t->p.r, t->m1, t->l1, &rc, &made,
	    NULL, t->m2, sizeof(t->m2), &t->l2, err, sizeof(err)),
	    IKE_CHILD_OK);
	assert_int_equal(ike_child_response_in(&t->p.i, &x, t->m2, t->l2, &req,
	    &t->kids_i[1], err, sizeof(err)), IKE_CHILD_OK);
	t->kids_i[0] = t->p.first_i;
	t->kids_r[0] = t->p.first_r;
	t->kids_r[1] = made.child;
	ike_child_xchg_clear(&x);
	return t;
}

static void
done(struct t *t)
{
	for (int k = 0; k < 2; k++) {
		ike_child_keys_wipe(&t->kids_i[k].keys);
		ike_child_keys_wipe(&t->kids_r[k].keys);
	}
	ike_pair_down(&t->p);
	test_free(t);
}

/*
 * One INFORMATIONAL from a to b, children as each knows them; the
 * responder's result.
 */
static enum ike_info_result
info(struct t *t, struct ike_sa *a, struct ike_sa *b,
    const struct ike_info_req *req, const struct ike_child *ka, size_t na,
    const struct ike_child *kb, size_t nb, enum ike_info_result *ra)
{
	enum ike_info_result rb;

	if (ike_info_request(a, req, t->m1, sizeof(t->m1), &t->l1, t->err_i,
	    sizeof(t->err_i)) != 0)
		fail_msg("request: %s", t->err_i);
	rb = ike_info_request_in(b, t->m1, t->l1, kb, nb, &t->got_r, t->m2,
	    sizeof(t->m2), &t->l2, t->err_r, sizeof(t->err_r));
	if (rb == IKE_INFO_DROP)
		fail_msg("responder dropped it: %s", t->err_r);
	*ra = ike_info_response_in(a, t->m2, t->l2, ka, na, &t->got_i,
	    t->err_i, sizeof(t->err_i));
	return rb;
}

static void
summary(const struct ike_sa *reader, struct t *t, const uint8_t *m,
    size_t l, const char *want)
{
	struct ike_msg msg;
	char line[256];

	ike_pair_peek(reader, m, l, &msg, t->plain, sizeof(t->plain), line,
	    sizeof(line));
	assert_string_equal(line, want);
}

static void
test_liveness_both_ways(void **state)
{
	struct t *t = setup();
	enum ike_info_result ra;

	(void)state;
	/* the original initiator asks (its Message ID 3: INIT, AUTH, a
	 * CREATE_CHILD_SA before) */
	assert_int_equal(info(t, &t->p.i, &t->p.r, NULL, NULL, 0, NULL, 0, &ra),
	    IKE_INFO_OK);
	assert_int_equal(ra, IKE_INFO_OK);
	assert_true(t->got_r.empty);
	assert_true(t->got_i.empty);
	summary(&t->p.r, t, t->m1, t->l1, "INFORMATIONAL request 3 [ SK ]");
	summary(&t->p.i, t, t->m2, t->l2, "INFORMATIONAL response 3 [ SK ]");
	assert_int_equal(t->p.i.msgid_out, 4);
	assert_int_equal(t->p.r.msgid_in, 4);
	/* the original responder asks, with its own Message IDs, from 0 */
	assert_int_equal(info(t, &t->p.r, &t->p.i, NULL, NULL, 0, NULL, 0, &ra),
	    IKE_INFO_OK);
	assert_int_equal(ra, IKE_INFO_OK);
	summary(&t->p.i, t, t->m1, t->l1, "INFORMATIONAL request 0 [ SK ]");
	assert_int_equal(t->p.r.msgid_out, 1);
	assert_int_equal(t->p.i.msgid_in, 1);
	/* again, each: the IDs go on */
	assert_int_equal(info(t, &t->p.r, &t->p.i, NULL, NULL, 0, NULL, 0, &ra),
	    IKE_INFO_OK);
	assert_int_equal(info(t, &t->p.i, &t->p.r, NULL, NULL, 0, NULL, 0, &ra),
	    IKE_INFO_OK);
	assert_int_equal(t->p.r.msgid_out, 2);
	assert_int_equal(t->p.i.msgid_out, 5);
	assert_int_equal(t->p.i.state, IKE_S_ESTABLISHED);
	assert_int_equal(t->p.r.state, IKE_S_ESTABLISHED);
	done(t);
}

static void
test_delete_children(void **state)
{
	struct t *t = setup();
	uint32_t del[3] = { 0xc0de0001, 0xc0de0011, 0x0badf00d };
	struct ike_info_req req = { .esp = del, .nesp = 3 };
	struct ike_msg m;
	struct ike_delete d;
	enum ike_info_result ra;
	char line[256];

	(void)state;
	assert_int_equal(info(t, &t->p.i, &t->p.r, &req, t->kids_i, 2,
	    t->kids_r, 2, &ra), IKE_INFO_OK);
	/* the responder is told which of its CHILD_SAs go, both SPIs */
	assert_int_equal(t->got_r.nesp, 2);
	assert_int_equal(t->got_r.esp[0].spi_in, 0xc0de0002);
	assert_int_equal(t->got_r.esp[0].spi_out, 0xc0de0001);
	assert_int_equal(t->got_r.esp[1].spi_in, 0xc0de0012);
	assert_int_equal(t->got_r.esp[1].spi_out, 0xc0de0011);
	assert_int_equal(t->got_r.nunknown, 1);
	assert_int_equal(t->got_r.unknown[0], 0x0badf00d);
	assert_false(t->got_r.delete_ike);
	summary(&t->p.r, t, t->m1, t->l1, "INFORMATIONAL request 3 [ D ]");
	/* RFC 7296 1.4.1: the response deletes the other halves */
	ike_pair_peek(&t->p.i, t->m2, t->l2, &m, t->plain, sizeof(t->plain),
	    line, sizeof(line));
	assert_string_equal(line, "INFORMATIONAL response 3 [ D ]");
	assert_int_equal(ike_pld_delete(ike_msg_find(&m, IKE_PLD_DELETE, 0), &d,
	    NULL, 0), 0);
	assert_int_equal(d.protocol, IKE_PROTO_ESP);
	assert_int_equal(d.count, 2);
	assert_int_equal(ike_get32(d.spis), 0xc0de0002);
	assert_int_equal(ike_get32(d.spis + 4), 0xc0de0012);
	assert_int_equal(ra, IKE_INFO_OK);
	assert_int_equal(t->got_i.nesp, 2);
	assert_int_equal(t->got_i.esp[0].spi_in, 0xc0de0001);
	assert_int_equal(t->got_i.esp[0].spi_out, 0xc0de0002);
	assert_int_equal(t->got_i.esp[1].spi_in, 0xc0de0011);
	assert_int_equal(t->got_i.nunknown, 0);
	/* the IKE SA stays */
	assert_int_equal(t->p.i.state, IKE_S_ESTABLISHED);
	assert_int_equal(t->p.r.state, IKE_S_ESTABLISHED);
	done(t);
}

/* Both ends delete the same CHILD_SA at once (RFC 7296 1.4.1): each has
 * removed it already when the other's DELETE comes, and answers with an
 * empty response. */
static void
test_crossed_deletes(void **state)
{
	struct t *t = setup();
	uint32_t di = 0xc0de0011, dr = 0xc0de0012;
	struct ike_info_req ri = { .esp = &di, .nesp = 1 };
	struct ike_info_req rr = { .esp = &dr, .nesp = 1 };
	enum ike_info_result ra;

	(void)state;
	assert_int_equal(info(t, &t->p.i, &t->p.r, &ri, t->kids_i, 1,
	    t->kids_r, 1, &ra), IKE_INFO_OK);
	assert_int_equal(t->got_r.nesp, 0);
	assert_int_equal(t->got_r.nunknown, 1);
	assert_true(t->got_i.empty);
	summary(&t->p.i, t, t->m2, t->l2, "INFORMATIONAL response 3 [ SK ]");
	assert_int_equal(info(t, &t->p.r, &t->p.i, &rr, t->kids_r, 1,
	    t->kids_i, 1, &ra), IKE_INFO_OK);
	assert_int_equal(t->got_r.nunknown, 1);
	assert_int_equal(t->got_r.unknown[0], 0xc0de0012);
	assert_int_equal(ra, IKE_INFO_OK);
	done(t);
}

static void
delete_ike(struct ike_sa *a, struct ike_sa *b, struct t *t)
{
	struct ike_info_req req = { .delete_ike = 1 };
	enum ike_info_result ra;
	uint8_t m[512];
	size_t l;

	assert_int_equal(ike_info_request(a, &req, t->m1, sizeof(t->m1),
	    &t->l1, t->err_i, sizeof(t->err_i)), 0);
	assert_int_equal(a->state, IKE_S_DELETING);
	summary(b, t, t->m1, t->l1, a == &t->p.i ?
	    "INFORMATIONAL request 3 [ D ]" : "INFORMATIONAL request 0 [ D ]");
	assert_int_equal(ike_info_request_in(b, t->m1, t->l1, NULL, 0,
	    &t->got_r, t->m2, sizeof(t->m2), &t->l2, t->err_r,
	    sizeof(t->err_r)), IKE_INFO_OK);
	assert_true(t->got_r.delete_ike);
	assert_int_equal(b->state, IKE_S_DEAD);
	ra = ike_info_response_in(a, t->m2, t->l2, NULL, 0, &t->got_i,
	    t->err_i, sizeof(t->err_i));
	assert_int_equal(ra, IKE_INFO_OK);
	assert_true(t->got_i.empty);
	assert_int_equal(a->state, IKE_S_DEAD);
	/* neither sends on it any more */
	assert_int_equal(ike_info_request(a, NULL, m, sizeof(m), &l, t->err_i,
	    sizeof(t->err_i)), -1);
	assert_int_equal(ike_info_request(b, NULL, m, sizeof(m), &l, t->err_r,
	    sizeof(t->err_r)), -1);
	assert_string_equal(t->err_r, "INFORMATIONAL: the IKE SA is not "
	    "established");
}

static void
test_delete_ike_sa(void **state)
{
	struct t *t = setup();

	(void)state;
	delete_ike(&t->p.i, &t->p.r, t);
	done(t);
}

static void
test_delete_ike_sa_by_responder(void **state)
{
	struct t *t = setup();

	(void)state;
	delete_ike(&t->p.r, &t->p.i, t);
	done(t);
}

/* A liveness check may still come while we delete: answered. */
static void
test_request_while_deleting(void **state)
{
	struct t *t = setup();
	struct ike_info_req req = { .delete_ike = 1 };
	uint8_t m[512], r[512];
	size_t l, lr;
	enum ike_info_result ra;

	(void)state;
	assert_int_equal(ike_info_request(&t->p.i, &req, m, sizeof(m), &l,
	    t->err_i, sizeof(t->err_i)), 0);
	assert_int_equal(info(t, &t->p.r, &t->p.i, NULL, NULL, 0, NULL, 0, &ra),
	    IKE_INFO_OK);
	assert_int_equal(ra, IKE_INFO_OK);
	assert_int_equal(t->p.i.state, IKE_S_DELETING);
	assert_int_equal(ike_info_request_in(&t->p.r, m, l, NULL, 0, &t->got_r,
	    r, sizeof(r), &lr, t->err_r, sizeof(t->err_r)), IKE_INFO_OK);
	assert_int_equal(ike_info_response_in(&t->p.i, r, lr, NULL, 0,
	    &t->got_i, t->err_i, sizeof(t->err_i)), IKE_INFO_OK);
	assert_int_equal(t->p.i.state, IKE_S_DEAD);
	done(t);
}

static void
test_notifies_reported(void **state)
{
	struct t *t = setup();
	struct ike_info_notify n[2] = {
		/* AUTH_LIFETIME (RFC 4478, 16403): seconds */
		{ .type = 16403, .data = { 0, 0, 0x0e, 0x10 }, .len = 4 },
		{ .protocol = IKE_PROTO_ESP, .type = N_ESP_TFC_PADDING_NOT_SUPPORTED,
		  .spi = 0xc0de0011 },
	};
	struct ike_info_req req = { .notify = n, .nnotify = 2 };
	enum ike_info_result ra;

	(void)state;
	assert_int_equal(info(t, &t->p.i, &t->p.r, &req, NULL, 0, NULL, 0, &ra),
	    IKE_INFO_OK);
	summary(&t->p.r, t, t->m1, t->l1, "INFORMATIONAL request 3 [ N(16403) "
	    "N(ESP_TFC_PAD_N) ]");
	assert_int_equal(t->got_r.nnotify, 2);
	assert_int_equal(t->got_r.notify[0].type, 16403);
	assert_int_equal(t->got_r.notify[0].len, 4);
	assert_memory_equal(t->got_r.notify[0].data, n[0].data, 4);
	assert_int_equal(t->got_r.notify[1].protocol, IKE_PROTO_ESP);
	assert_int_equal(t->got_r.notify[1].spi, 0xc0de0011);
	assert_false(t->got_r.empty);
	assert_int_equal(ra, IKE_INFO_OK);
	assert_true(t->got_i.empty);
	done(t);
}

/* A request built by hand, sealed for i's side of the SA. */
static void
handmade(struct t *t, void (*fill)(struct ike_buf *))
{
	uint8_t inner[512];
	struct ike_buf in;

	ike_buf_init(&in, inner, sizeof(inner));
	fill(&in);
	assert_int_equal(ike_sk_msg_seal(&t->p.i, INFORMATIONAL, 0,
	    t->p.i.msgid_out, &in, t->m1, sizeof(t->m1), &t->l1, t->err_i,
	    sizeof(t->err_i)), 0);
}

static void
fill_critical(struct ike_buf *b)
{
	ike_buf_begin(b, 200, 1);
	ike_buf_u32(b, 0x12345678);
	ike_buf_end(b);
}

static void
fill_bad_delete(struct ike_buf *b)
{
	/* ESP, 4-byte SPIs, says 3 of them, holds 1 */
	ike_buf_begin(b, IKE_PLD_DELETE, 0);
	ike_buf_u8(b, IKE_PROTO_ESP);
	ike_buf_u8(b, 4);
	ike_buf_u16(b, 3);
	ike_buf_u32(b, 0xc0de0001);
	ike_buf_end(b);
}

static void
test_errors_answered(void **state)
{
	struct t *t = setup();

	(void)state;
	handmade(t, fill_critical);
	assert_int_equal(ike_info_request_in(&t->p.r, t->m1, t->l1, t->kids_r,
	    2, &t->got_r, t->m2, sizeof(t->m2), &t->l2, t->err_r,
	    sizeof(t->err_r)), IKE_INFO_FAIL);
	assert_string_equal(t->err_r, "INFORMATIONAL request with a critical "
	    "payload of unknown type 200: UNSUPPORTED_CRITICAL_PAYLOAD");
	assert_int_equal(ike_info_response_in(&t->p.i, t->m2, t->l2, NULL, 0,
	    &t->got_i, t->err_i, sizeof(t->err_i)), IKE_INFO_FAIL);
	assert_string_equal(t->err_i, "peer answered our INFORMATIONAL request "
	    "with UNSUPPORTED_CRITICAL_PAYLOAD (1)");
	assert_int_equal(t->got_i.notify[0].data[0], 200);

	handmade(t, fill_bad_delete);
	assert_int_equal(ike_info_request_in(&t->p.r, t->m1, t->l1, t->kids_r,
	    2, &t->got_r, t->m2, sizeof(t->m2), &t->l2, t->err_r,
	    sizeof(t->err_r)), IKE_INFO_FAIL);
	assert_string_equal(t->err_r, "D: ESP, 3 SPIs of 4 bytes in 4 bytes");
	assert_int_equal(t->got_r.nesp, 0);	/* nothing deleted */
	assert_int_equal(ike_info_response_in(&t->p.i, t->m2, t->l2, NULL, 0,
	    &t->got_i, t->err_i, sizeof(t->err_i)), IKE_INFO_FAIL);
	assert_string_equal(t->err_i, "peer answered our INFORMATIONAL request "
	    "with INVALID_SYNTAX (7)");
	/* both exchanges counted; the SA goes on */
	assert_int_equal(t->p.i.msgid_out, 5);
	assert_int_equal(t->p.r.msgid_in, 5);
	assert_int_equal(t->p.r.state, IKE_S_ESTABLISHED);
	done(t);
}

static void
drop_request(struct t *t, const uint8_t *m, size_t l, const char *why)
{
	struct ike_sa before = t->p.r;

	if (ike_info_request_in(&t->p.r, m, l, t->kids_r, 2, &t->got_r, t->m2,
	    sizeof(t->m2), &t->l2, t->err_r, sizeof(t->err_r)) != IKE_INFO_DROP)
		fail_msg("%s: not dropped", why);
	assert_memory_equal(&before, &t->p.r, sizeof(before));
	assert_int_equal(t->got_r.nesp, 0);
	assert_false(t->got_r.delete_ike);
}

static void
test_bad_messages_dropped(void **state)
{
	struct t *t = setup();
	struct ike_info_req req = { .delete_ike = 1 };
	uint8_t bad[IKE_MSG_MAX];
	struct ike_sa before;
	uint64_t rnd = 42;

	(void)state;
	assert_int_equal(ike_info_request(&t->p.i, &req, t->m1, sizeof(t->m1),
	    &t->l1, t->err_i, sizeof(t->err_i)), 0);
	for (int k = 0; k < 300; k++) {
		rnd = rnd * 6364136223846793005ULL + 1442695040888963407ULL;
		memcpy(bad, t->m1, t->l1);
		bad[(rnd >> 33) % t->l1] ^= (uint8_t)(1u << ((rnd >> 20) & 7));
		drop_request(t, bad, t->l1, "bit flip");
	}
	for (size_t l = 0; l < t->l1; l++)
		drop_request(t, t->m1, l, "truncated");
	memcpy(bad, t->m1, t->l1);
	bad[18] = CREATE_CHILD_SA;
	drop_request(t, bad, t->l1, "exchange");
	/* our own request reflected to us */
	before = t->p.i;
	assert_int_equal(ike_info_request_in(&t->p.i, t->m1, t->l1, NULL, 0,
	    &t->got_i, t->m2, sizeof(t->m2), &t->l2, t->err_i,
	    sizeof(t->err_i)), IKE_INFO_DROP);
	assert_string_equal(t->err_i, "INFORMATIONAL request with the I flag "
	    "set: the peer is this IKE SA's original responder");
	assert_memory_equal(&before, &t->p.i, sizeof(before));

	/* the real one, then its replay */
	assert_int_equal(ike_info_request_in(&t->p.r, t->m1, t->l1, NULL, 0,
	    &t->got_r, t->m2, sizeof(t->m2), &t->l2, t->err_r,
	    sizeof(t->err_r)), IKE_INFO_OK);
	assert_int_equal(t->p.r.state, IKE_S_DEAD);
	t->p.r.state = IKE_S_ESTABLISHED;	/* as if it had lived on */
	drop_request(t, t->m1, t->l1, "replay");
	assert_string_equal(t->err_r, "INFORMATIONAL request with message ID 3, "
	    "expected 4");

	/* a garbled response changes nothing at the initiator */
	before = t->p.i;
	memcpy(bad, t->m2, t->l2);
	bad[t->l2 - 3] ^= 4;
	assert_int_equal(ike_info_response_in(&t->p.i, bad, t->l2, NULL, 0,
	    &t->got_i, t->err_i, sizeof(t->err_i)), IKE_INFO_DROP);
	assert_memory_equal(&before, &t->p.i, sizeof(before));
	assert_int_equal(t->p.i.state, IKE_S_DELETING);
	/* nor does a request where the response should be */
	assert_int_equal(ike_info_response_in(&t->p.i, t->m1, t->l1, NULL, 0,
	    &t->got_i, t->err_i, sizeof(t->err_i)), IKE_INFO_DROP);
	assert_memory_equal(&before, &t->p.i, sizeof(before));
	assert_int_equal(ike_info_response_in(&t->p.i, t->m2, t->l2, NULL, 0,
	    &t->got_i, t->err_i, sizeof(t->err_i)), IKE_INFO_OK);
	assert_int_equal(t->p.i.state, IKE_S_DEAD);
	done(t);
}

/* The shared SK frame reads IKE_AUTH's messages as ike_auth.c wrote them,
 * and writes the same header: ike_auth.c can use it as it is. */
static void
test_sk_frame_serves_ike_auth(void **state)
{
	struct t *t = setup();
	struct ike_msg m;
	struct ike_buf in;
	uint8_t inner[64], msg[256];
	size_t plen, l;
	char line[256];

	(void)state;
	assert_int_equal(ike_sk_msg_open(&t->p.r, t->p.m1,
	    t->p.l1, IKE_AUTH, 0, 1, &m, t->plain, sizeof(t->plain),
	    &plen, t->err_r, sizeof(t->err_r)), 0);
	ike_msg_summary(&m, line, sizeof(line));
	assert_string_equal(line, "IKE_AUTH request 1 [ IDi AUTH SA TSi TSr ]");
	assert_int_equal(ike_sk_msg_open(&t->p.i, t->p.m2,
	    t->p.l2, IKE_AUTH, 1, 1, &m, t->plain, sizeof(t->plain),
	    &plen, t->err_i, sizeof(t->err_i)), 0);
	ike_msg_summary(&m, line, sizeof(line));
	assert_string_equal(line, "IKE_AUTH response 1 [ IDr AUTH SA TSi TSr ]");
	/* as ike_auth.c's respond(): the same header (SPIs, SK first,
	 * exchange, flags, Message ID) */
	ike_buf_init(&in, inner, sizeof(inner));
	ike_put_notify(&in, 0, N_AUTHENTICATION_FAILED, NULL, 0, NULL, 0);
	assert_int_equal(ike_sk_msg_seal(&t->p.r, IKE_AUTH, 1, 1, &in, msg,
	    sizeof(msg), &l, t->err_r, sizeof(t->err_r)), 0);
	assert_memory_equal(msg, t->p.m2, 24);
	/* and the wrong Message ID, or the wrong role, is refused */
	assert_int_equal(ike_sk_msg_open(&t->p.r, t->p.m1,
	    t->p.l1, IKE_AUTH, 0, 2, &m, t->plain, sizeof(t->plain),
	    &plen, t->err_r, sizeof(t->err_r)), -1);
	assert_string_equal(t->err_r, "IKE_AUTH request with message ID 1, "
	    "expected 2");
	assert_int_equal(ike_sk_msg_open(&t->p.r, t->p.m1,
	    t->p.l1, IKE_AUTH, 1, 1, &m, t->plain, sizeof(t->plain),
	    &plen, t->err_r, sizeof(t->err_r)), -1);
	assert_string_equal(t->err_r, "IKE_AUTH request where IKE_AUTH response "
	    "is expected");
	done(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_liveness_both_ways),
		cmocka_unit_test(test_delete_children),
		cmocka_unit_test(test_crossed_deletes),
		cmocka_unit_test(test_delete_ike_sa),
		cmocka_unit_test(test_delete_ike_sa_by_responder),
		cmocka_unit_test(test_request_while_deleting),
		cmocka_unit_test(test_notifies_reported),
		cmocka_unit_test(test_errors_answered),
		cmocka_unit_test(test_bad_messages_dropped),
		cmocka_unit_test(test_sk_frame_serves_ike_auth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
