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
#include "ike_cert.h"
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
ike_pair_fqdn(uint8_t *type, const uint8_t **id, size_t *len, const char *s)
{
	*type = IKE_ID_FQDN;
	*id = (const uint8_t *)s;
	*len = strlen(s);
}

static void
psk(const uint8_t **key, size_t *len)
{
	*key = (const uint8_t *)"secret";
	*len = 6;
}

void
ike_pair_setup(struct ike_pair *p, const char *ike, const char *esp_i,
    const char *esp_r)
{
	char err[1024];

	memset(p, 0, sizeof(*p));
	assert_int_equal(ike_xform_parse(IKE_PROTO_IKE, ike, p->ike,
	    IKE_PROPOSALS_MAX, &p->nike, err, sizeof(err)), 0);
	assert_int_equal(ike_xform_parse(IKE_PROTO_ESP, esp_i, p->esp_i,
	    IKE_PROPOSALS_MAX, &p->req.nesp, err, sizeof(err)), 0);
	assert_int_equal(ike_xform_parse(IKE_PROTO_ESP, esp_r, p->esp_r,
	    IKE_PROPOSALS_MAX, &p->ar.nesp, err, sizeof(err)), 0);
	addr(&p->i.local, "192.0.2.1");
	addr(&p->i.remote, "192.0.2.2");
	addr(&p->r.local, "192.0.2.2");
	addr(&p->r.remote, "192.0.2.1");

	p->req.esp = p->esp_i;
	p->req.spi_in = 0xc0de0001;
	ike_pair_ts(&p->req.tsi[0], "10.1.0.0", "10.1.0.255");
	ike_pair_ts(&p->req.tsr[0], "10.2.0.0", "10.2.0.255");
	p->req.ntsi = p->req.ntsr = 1;
	ike_pair_fqdn(&p->ai.id_type, &p->ai.id, &p->ai.id_len, "left");
	ike_pair_fqdn(&p->ai.peer_id_type, &p->ai.peer_id, &p->ai.peer_id_len,
	    "right");
	psk(&p->ai.psk, &p->ai.psk_len);
	ike_pair_fqdn(&p->ar.auth.id_type, &p->ar.auth.id, &p->ar.auth.id_len,
	    "right");
	ike_pair_fqdn(&p->ar.auth.peer_id_type, &p->ar.auth.peer_id,
	    &p->ar.auth.peer_id_len, "left");
	psk(&p->ar.auth.psk, &p->ar.auth.psk_len);
	p->ar.esp = p->esp_r;
	p->ar.spi_in = 0xc0de0002;
	p->ar.remote_ts[0] = p->req.tsi[0];
	p->ar.local_ts[0] = p->req.tsr[0];
	p->ar.nremote_ts = p->ar.nlocal_ts = 1;
}

void
ike_pair_init(struct ike_pair *p)
{
	struct ike_msg m;
	char err[1024];

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
}

void
ike_pair_auth(struct ike_pair *p, enum ike_auth_result *ri,
    enum ike_auth_result *rr)
{
	if (ike_auth_request(&p->i, &p->ai, &p->req, p->m1, sizeof(p->m1),
	    &p->l1, p->err_i, sizeof(p->err_i)) != 0)
		fail_msg("IKE_AUTH request: %s", p->err_i);
	*rr = ike_auth_request_in(&p->r, p->m1, p->l1, &p->ar, &p->first_r,
	    p->m2, sizeof(p->m2), &p->l2, p->err_r, sizeof(p->err_r));
	assert_int_not_equal(*rr, IKE_AUTH_DROP);
	*ri = ike_auth_response_in(&p->i, p->m2, p->l2, &p->ai, &p->req,
	    &p->first_i, p->err_i, sizeof(p->err_i));
}

void
ike_pair_auth_ok(struct ike_pair *p)
{
	enum ike_auth_result ri, rr;

	ike_pair_auth(p, &ri, &rr);
	if (rr != IKE_AUTH_OK)
		fail_msg("IKE_AUTH responder: %s", p->err_r);
	if (ri != IKE_AUTH_OK)
		fail_msg("IKE_AUTH initiator: %s", p->err_i);
	assert_int_equal(p->i.state, IKE_S_ESTABLISHED);
	assert_int_equal(p->r.state, IKE_S_ESTABLISHED);
	assert_int_equal(p->first_i.spi_out, p->first_r.spi_in);
	assert_int_equal(p->first_r.spi_out, p->first_i.spi_in);
	assert_int_equal(p->first_i.keys.i2r.len, p->first_r.keys.i2r.len);
	assert_memory_equal(p->first_i.keys.i2r.b, p->first_r.keys.i2r.b,
	    p->first_i.keys.i2r.len);
	assert_memory_equal(p->first_i.keys.r2i.b, p->first_r.keys.r2i.b,
	    p->first_i.keys.i2r.len);
}

void
ike_pair_up(struct ike_pair *p, const char *ike)
{
	ike_pair_setup(p, ike, "aes128gcm16", "aes128gcm16");
	ike_pair_init(p);
	ike_pair_auth_ok(p);
}

void
ike_pair_down(struct ike_pair *p)
{
	ike_child_keys_wipe(&p->first_i.keys);
	ike_child_keys_wipe(&p->first_r.keys);
	ike_sa_clear(&p->i);
	ike_sa_clear(&p->r);
	ike_creds_free(p->creds_i);
	ike_creds_free(p->creds_r);
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
