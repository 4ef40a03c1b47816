/*
 * ike_pair.c - two ends of one IKE SA in one process.  See ike_pair.h.
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

#include "ike_pair.h"
#include "ike_init.h"
#include "ike_crypto.h"

static void
addr(struct sockaddr_storage *ss, const char *ip)
{
	struct sockaddr_in *s = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	s->sin_family = AF_INET;
	s->sin_port = htons(500);
	assert_int_equal(inet_pton(AF_INET, ip, &s->sin_addr), 1);
}

void
ike_pair_ts(struct ike_ts *t, const char *a, const char *b)
{
	memset(t, 0, sizeof(*t));
	t->type = IKE_TS_IPV4_RANGE;
	t->eport = 0xffff;
	assert_int_equal(inet_pton(AF_INET, a, t->start), 1);
	assert_int_equal(inet_pton(AF_INET, b, t->end), 1);
}

void
ike_pair_up(struct ike_pair *p, const char *ike)
{
	static uint8_t m1[IKE_MSG_MAX], m2[IKE_MSG_MAX];
	struct ike_proposal esp[IKE_PROPOSALS_MAX];
	struct ike_child_req req = { 0 };
	struct ike_auth_cfg ai = { 0 };
	struct ike_auth_rcfg ar = { 0 };
	struct ike_msg m;
	size_t l1, l2, nesp;
	char err[1024];

	memset(p, 0, sizeof(*p));
	assert_int_equal(ike_xform_parse(IKE_PROTO_IKE, ike, p->ike,
	    IKE_PROPOSALS_MAX, &p->nike, err, sizeof(err)), 0);
	assert_int_equal(ike_xform_parse(IKE_PROTO_ESP, "aes128gcm16", esp,
	    IKE_PROPOSALS_MAX, &nesp, err, sizeof(err)), 0);
	addr(&p->i.local, "192.0.2.1");
	addr(&p->i.remote, "192.0.2.2");
	addr(&p->r.local, "192.0.2.2");
	addr(&p->r.remote, "192.0.2.1");
	assert_int_equal(ike_init_begin(&p->i, p->ike, p->nike, 0, err,
	    sizeof(err)), 0);
	assert_int_equal(ike_init_request(&p->i, p->ike, p->nike, m1,
	    sizeof(m1), &l1, err, sizeof(err)), 0);
	assert_int_equal(ike_msg_parse(m1, l1, &m, err, sizeof(err)), IKE_OK);
	assert_int_equal(ike_init_request_in(&p->r, &m, p->ike, p->nike, NULL,
	    m2, sizeof(m2), &l2, err, sizeof(err)), IKE_INIT_OK);
	assert_int_equal(ike_msg_parse(m2, l2, &m, err, sizeof(err)), IKE_OK);
	assert_int_equal(ike_init_response_in(&p->i, &m, p->ike, p->nike, err,
	    sizeof(err)), IKE_INIT_OK);

	req.esp = esp;
	req.nesp = nesp;
	req.spi_in = 0xc0de0001;
	ike_pair_ts(&req.tsi[0], "10.1.0.0", "10.1.0.255");
	ike_pair_ts(&req.tsr[0], "10.2.0.0", "10.2.0.255");
	req.ntsi = req.ntsr = 1;
	ai.id_type = ai.peer_id_type = IKE_ID_FQDN;
	ai.id = (const uint8_t *)"left";
	ai.id_len = 4;
	ai.peer_id = (const uint8_t *)"right";
	ai.peer_id_len = 5;
	ai.psk = (const uint8_t *)"secret";
	ai.psk_len = 6;
	ar.auth.id_type = ar.auth.peer_id_type = IKE_ID_FQDN;
	ar.auth.id = ai.peer_id;
	ar.auth.id_len = 5;
	ar.auth.peer_id = ai.id;
	ar.auth.peer_id_len = 4;
	ar.auth.psk = ai.psk;
	ar.auth.psk_len = 6;
	ar.esp = esp;
	ar.nesp = nesp;
	ar.spi_in = 0xc0de0002;
	ar.remote_ts[0] = req.tsi[0];
	ar.local_ts[0] = req.tsr[0];
	ar.nremote_ts = ar.nlocal_ts = 1;
	assert_int_equal(ike_auth_request(&p->i, &ai, &req, m1, sizeof(m1), &l1,
	    err, sizeof(err)), 0);
	if (ike_auth_request_in(&p->r, m1, l1, &ar, &p->first_r, m2,
	    sizeof(m2), &l2, err, sizeof(err)) != IKE_AUTH_OK)
		fail_msg("IKE_AUTH responder: %s", err);
	if (ike_auth_response_in(&p->i, m2, l2, &ai, &req, &p->first_i, err,
	    sizeof(err)) != IKE_AUTH_OK)
		fail_msg("IKE_AUTH initiator: %s", err);
	assert_int_equal(p->i.state, IKE_S_ESTABLISHED);
	assert_int_equal(p->r.state, IKE_S_ESTABLISHED);
	assert_true(l1 <= sizeof(p->auth_req) && l2 <= sizeof(p->auth_resp));
	memcpy(p->auth_req, m1, l1);
	p->auth_req_len = l1;
	memcpy(p->auth_resp, m2, l2);
	p->auth_resp_len = l2;
}

void
ike_pair_down(struct ike_pair *p)
{
	ike_child_keys_wipe(&p->first_i.keys);
	ike_child_keys_wipe(&p->first_r.keys);
	ike_sa_clear(&p->i);
	ike_sa_clear(&p->r);
}

void
ike_pair_same_but_ids(const struct ike_sa *before, const struct ike_sa *now,
    uint32_t d_out, uint32_t d_in)
{
	struct ike_sa t = *now;

	assert_int_equal(now->msgid_out, before->msgid_out + d_out);
	assert_int_equal(now->msgid_in, before->msgid_in + d_in);
	t.msgid_out = before->msgid_out;
	t.msgid_in = before->msgid_in;
	t.sk_out.iv_next = before->sk_out.iv_next;
	t.sk_out.iv_left = before->sk_out.iv_left;
	assert_memory_equal(&t, before, sizeof(t));
}

void
ike_pair_peek(const struct ike_sa *reader, const uint8_t *msg, size_t len,
    struct ike_msg *m, uint8_t *plain, size_t cap, char *line,
    size_t linelen)
{
	size_t plen;
	char err[256];

	assert_int_equal(ike_msg_parse(msg, len, m, err, sizeof(err)), IKE_OK);
	assert_true(m->sk_off != 0);
	if (ike_sk_open(&reader->sk_in, msg, len, m->sk_off, plain, cap,
	    &plen, err, sizeof(err)) != 0)
		fail_msg("peek: %s", err);
	assert_int_equal(ike_msg_parse_inner(m, plain, plen, err, sizeof(err)),
	    IKE_OK);
	ike_msg_summary(m, line, linelen);
}
