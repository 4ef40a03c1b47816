/*
 * test_ike_child - CREATE_CHILD_SA with both ends in one process
 * (host/ike_child.c), after IKE_SA_INIT and IKE_AUTH between them
 * (tests/unit/ike_pair.c), every message through the parser and the SK
 * payload as on a wire: a new CHILD_SA, with PFS in every DH group, a
 * CHILD_SA rekey naming the old SPI, the IKE SA rekeyed (by either end,
 * into another suite, the new SA then carrying an INFORMATIONAL and a
 * CHILD_SA, the old one deleted); each refusal (PFS mismatch three ways, no
 * common cipher, INVALID_KE_PAYLOAD and the retry, TS_UNACCEPTABLE,
 * CHILD_SA_NOT_FOUND, TEMPORARY_FAILURE, the IKE rekey's
 * NO_PROPOSAL_CHOSEN) with its line at both ends and the old SAs kept; a
 * rekey collision, both ends agreeing on the nonces; tampered, garbled, truncated, replayed
 * and misdirected messages dropped with nothing changed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ike_child.h"
#include "ike_info.h"
#include "ike_pair.h"
#include "ike_pld.h"
#include "ike_sk_msg.h"

struct t {
	struct ike_pair p;
	struct ike_proposal esp_i[IKE_PROPOSALS_MAX], esp_r[IKE_PROPOSALS_MAX];
	struct ike_proposal ike_i[IKE_PROPOSALS_MAX], ike_r[IKE_PROPOSALS_MAX];
	size_t nike_i, nike_r;
	struct ike_child_req req;	/* the initiator's */
	struct ike_child_rcfg rc;	/* the responder's */
	struct ike_child_xchg x;
	struct ike_child ci;
	struct ike_child_made made;
	struct ike_sa new_i, new_r;
	uint8_t m1[IKE_MSG_MAX], m2[IKE_MSG_MAX], plain[IKE_MSG_MAX];
	size_t l1, l2;
	char err_i[1024], err_r[1024];
};

/* Proposals of protocol (IKE_PROTO_ESP, IKE_PROTO_IKE) from s. */
static void
props(int protocol, const char *s, struct ike_proposal *p, size_t *n)
{
	char err[256];

	if (ike_xform_parse(protocol, s, p, IKE_PROPOSALS_MAX, n, err,
	    sizeof(err)) != 0)
		fail_msg("%s: %s", s, err);
}

/* Both ends up; the CREATE_CHILD_SA configs as given. */
static struct t *
setup(const char *esp_i, const char *esp_r)
{
	struct t *t = test_calloc(1, sizeof(*t));

	ike_pair_up(&t->p, "aes256gcm16-prfsha384-ecp384");
	props(IKE_PROTO_ESP, esp_i, t->esp_i, &t->req.nesp);
	props(IKE_PROTO_ESP, esp_r, t->esp_r, &t->rc.nesp);
	t->req.esp = t->esp_i;
	t->req.spi_in = 0xc0de0011;
	ike_pair_ts(&t->req.tsi[0], "10.1.0.0", "10.1.255.255");
	ike_pair_ts(&t->req.tsr[0], "10.2.0.0", "10.2.255.255");
	t->req.ntsi = t->req.ntsr = 1;
	t->rc.esp = t->esp_r;
	t->rc.spi_in = 0xc0de0012;
	/* the responder allows less than is asked: narrowed */
	ike_pair_ts(&t->rc.remote_ts[0], "10.1.0.0", "10.1.0.255");
	ike_pair_ts(&t->rc.local_ts[0], "10.2.0.0", "10.2.0.255");
	t->rc.nremote_ts = t->rc.nlocal_ts = 1;
	t->rc.children = &t->p.first_r;
	t->rc.nchildren = 1;
	return t;
}

static void
done(struct t *t)
{
	ike_child_xchg_clear(&t->x);
	ike_child_keys_wipe(&t->ci.keys);
	ike_child_keys_wipe(&t->made.child.keys);
	ike_sa_clear(&t->new_i);
	ike_sa_clear(&t->new_r);
	ike_pair_down(&t->p);
	test_free(t);
}

/* One CHILD_SA exchange, i to r: the results at both ends. */
static void
child_round(struct t *t, uint32_t rekey_spi, enum ike_child_result *ri,
    enum ike_child_result *rr)
{
	if (ike_child_request(&t->p.i, &t->x, &t->req, rekey_spi, t->m1,
	    sizeof(t->m1), &t->l1, t->err_i, sizeof(t->err_i)) != 0)
		fail_msg("request: %s", t->err_i);
	*rr = ike_child_request_in(&t->p.r, t->m1, t->l1, &t->rc, &t->made,
	    &t->new_r, t->m2, sizeof(t->m2), &t->l2, t->err_r,
	    sizeof(t->err_r));
	if (*rr == IKE_CHILD_DROP)
		fail_msg("responder dropped the request: %s", t->err_r);
	*ri = ike_child_response_in(&t->p.i, &t->x, t->m2, t->l2, &t->req,
	    &t->ci, t->err_i, sizeof(t->err_i));
}

static void
child_ok(struct t *t, uint32_t rekey_spi)
{
	enum ike_child_result ri, rr;

	child_round(t, rekey_spi, &ri, &rr);
	if (rr != IKE_CHILD_OK)
		fail_msg("responder: %s", t->err_r);
	if (ri != IKE_CHILD_OK)
		fail_msg("initiator: %s", t->err_i);
}

/* The two ends agree on the CHILD_SA: SPIs crossed, keys equal. */
static void
agree(const struct t *t)
{
	const struct ike_child *ci = &t->ci, *cr = &t->made.child;
	size_t kl = ci->keys.i2r.len;

	assert_int_equal(ci->spi_in, t->req.spi_in);
	assert_int_equal(ci->spi_out, t->rc.spi_in);
	assert_int_equal(cr->spi_in, t->rc.spi_in);
	assert_int_equal(cr->spi_out, t->req.spi_in);
	assert_true(kl == 20 || kl == 36);
	assert_int_equal(cr->keys.i2r.len, kl);
	assert_memory_equal(ci->keys.i2r.b, cr->keys.i2r.b, kl);
	assert_memory_equal(ci->keys.r2i.b, cr->keys.r2i.b, kl);
	assert_memory_not_equal(ci->keys.i2r.b, ci->keys.r2i.b, kl);
	/* not the IKE_AUTH CHILD_SA's keys again */
	assert_memory_not_equal(ci->keys.i2r.b, t->p.first_i.keys.i2r.b, 20);
}

/* Our last request (resp 0, as the responder reads it) or response (1, as
 * the initiator reads it): its payloads into m, its summary line want. */
static void
seen(struct t *t, int resp, struct ike_msg *m, const char *want)
{
	char line[256];

	ike_pair_peek(resp ? &t->p.i : &t->p.r, resp ? t->m2 : t->m1,
	    resp ? t->l2 : t->l1, m, t->plain, sizeof(t->plain), line,
	    sizeof(line));
	assert_string_equal(line, want);
}

static void
test_new_child(void **state)
{
	struct t *t = setup("aes128gcm16", "aes128gcm16");
	struct ike_msg m;
	char line[256];

	(void)state;
	child_ok(t, 0);
	agree(t);
	assert_int_equal(t->made.kind, IKE_CHILD_NEW);
	assert_int_equal(t->x.kind, IKE_CHILD_NEW);
	ike_ts_format(&t->ci.tsi[0], line, sizeof(line));
	assert_string_equal(line, "10.1.0.0/24");
	ike_ts_format(&t->made.child.tsr[0], line, sizeof(line));
	assert_string_equal(line, "10.2.0.0/24");
	seen(t, 0, &m, "CREATE_CHILD_SA request 2 [ SA No TSi TSr ]");
	assert_int_equal(m.hdr.flags, IKE_FLAG_INITIATOR);
	seen(t, 1, &m, "CREATE_CHILD_SA response 2 [ SA No TSi TSr ]");
	assert_int_equal(m.hdr.flags, IKE_FLAG_RESPONSE);
	/* IKE_SA_INIT 0, IKE_AUTH 1, this 2 */
	assert_int_equal(t->p.i.msgid_out, 3);
	assert_int_equal(t->p.r.msgid_in, 3);
	assert_int_equal(t->p.i.msgid_in, 0);
	assert_int_equal(t->p.r.msgid_out, 0);
	done(t);
}

/* With PFS in each group: a KE each way of that group, and keys that are
 * not the ones without g^ir. */
static void
test_pfs_every_group(void **state)
{
	static const char *groups[] = { "modp2048", "modp3072", "modp4096",
	    "ecp256", "ecp384", "ecp521", "curve25519" };
	static const uint16_t ids[] = { KE_MODP_2048, KE_MODP_3072,
	    KE_MODP_4096, KE_ECP_256, KE_ECP_384, KE_ECP_521, KE_CURVE_25519 };

	(void)state;
	for (size_t g = 0; g < sizeof(ids) / sizeof(ids[0]); g++) {
		char s[64];
		struct t *t;
		struct ike_msg m;
		struct ike_ke ke;
		struct ike_child_keys plain_keys;
		const uint8_t *nr;
		size_t nr_len;

		snprintf(s, sizeof(s), "aes256gcm16-%s", groups[g]);
		t = setup(s, s);
		child_ok(t, 0);
		agree(t);
		assert_int_equal(t->ci.keys.i2r.len, 36);
		assert_int_equal(t->ci.chosen.xf[IKE_XF_KE][0].id, ids[g]);
		seen(t, 0, &m, "CREATE_CHILD_SA request 2 [ SA No KE "
		    "TSi TSr ]");
		assert_int_equal(ike_pld_ke(ike_msg_find(&m, IKE_PLD_KE, 0), &ke,
		    NULL, 0), 0);
		assert_int_equal(ke.group, ids[g]);
		assert_int_equal(ke.len, ike_dh_public_len(ids[g]));
		seen(t, 1, &m, "CREATE_CHILD_SA response 2 [ SA No KE "
		    "TSi TSr ]");
		assert_int_equal(ike_pld_ke(ike_msg_find(&m, IKE_PLD_KE, 0), &ke,
		    NULL, 0), 0);
		assert_int_equal(ke.group, ids[g]);
		assert_int_equal(ike_pld_nonce(ike_msg_find(&m, IKE_PLD_NONCE, 0),
		    &nr, &nr_len, NULL, 0), 0);
		/* the same nonces without g^ir give other keys: PFS is in */
		assert_int_equal(ike_child_keymat(t->p.i.suite.prf,
		    &t->p.i.keys.d, ENCR_AES_GCM_16, 256, NULL, 0, t->x.ni,
		    t->x.ni_len, nr, nr_len, &plain_keys, NULL, 0), 0);
		assert_memory_not_equal(plain_keys.i2r.b, t->ci.keys.i2r.b, 36);
		ike_child_keys_wipe(&plain_keys);
		/* the private value is gone once the exchange is done */
		assert_null(t->x.dh);
		done(t);
	}
}

static void
test_child_rekey(void **state)
{
	struct t *t = setup("aes128gcm16-ecp256", "aes128gcm16-ecp256");
	struct ike_child old_i = t->p.first_i, old_r = t->p.first_r;
	struct ike_msg m;
	struct ike_notify no;

	(void)state;
	child_ok(t, t->p.first_i.spi_in);
	agree(t);
	/* both ends know which CHILD_SA is replaced */
	assert_int_equal(t->x.kind, IKE_CHILD_REKEY);
	assert_int_equal(t->x.rekey_spi, 0xc0de0001);
	assert_int_equal(t->made.kind, IKE_CHILD_REKEY);
	assert_int_equal(t->made.rekeyed, 0xc0de0002);
	assert_int_equal(t->made.rekeyed_index, 0);
	/* both ends have the exchange's two nonces, the same ones */
	assert_int_equal(t->made.ni_len, t->x.ni_len);
	assert_memory_equal(t->made.ni, t->x.ni, t->x.ni_len);
	assert_int_equal(t->made.nr_len, t->x.nr_len);
	assert_memory_equal(t->made.nr, t->x.nr, t->x.nr_len);
	seen(t, 0, &m, "CREATE_CHILD_SA request 2 [ N(REKEY_SA) SA "
	    "No KE TSi TSr ]");
	assert_int_equal(ike_pld_notify(ike_msg_notify(&m, N_REKEY_SA), &no,
	    NULL, 0), 0);
	assert_int_equal(no.protocol, IKE_PROTO_ESP);
	assert_int_equal(no.spi_len, 4);
	assert_int_equal(ike_get32(no.spi), 0xc0de0001);
	/* make-before-break: the old one is as it was */
	assert_memory_equal(&old_i, &t->p.first_i, sizeof(old_i));
	assert_memory_equal(&old_r, &t->p.first_r, sizeof(old_r));
	assert_memory_not_equal(t->ci.keys.i2r.b, old_i.keys.i2r.b, 20);

	/* and the new one rekeyed again, found among two */
	{
		struct ike_child kids[2] = { t->p.first_r, t->made.child };
		uint32_t spi = t->ci.spi_in;

		t->rc.children = kids;
		t->rc.nchildren = 2;
		t->req.spi_in = 0xc0de0021;
		t->rc.spi_in = 0xc0de0022;
		child_ok(t, spi);
		agree(t);
		assert_int_equal(t->x.rekey_spi, 0xc0de0011);
		assert_int_equal(t->made.rekeyed, 0xc0de0012);
		assert_int_equal(t->made.rekeyed_index, 1);
	}
	done(t);
}

/* The SAs as they were but for the Message IDs, at both ends. */
struct snap {
	struct ike_sa i, r;
};

static void
snap(const struct t *t, struct snap *s)
{
	s->i = t->p.i;
	s->r = t->p.r;
}

static void
kept(const struct t *t, const struct snap *s)
{
	ike_pair_same_but_ids(&s->i, &t->p.i, 1, 0);
	ike_pair_same_but_ids(&s->r, &t->p.r, 0, 1);
}

static void
refused(const char *esp_i, const char *esp_r, const char *line_r,
    const char *line_i)
{
	struct t *t = setup(esp_i, esp_r);
	enum ike_child_result ri, rr;
	struct snap s;

	snap(t, &s);
	child_round(t, 0, &ri, &rr);
	assert_int_equal(rr, IKE_CHILD_FAIL);
	assert_string_equal(t->err_r, line_r);
	assert_int_equal(ri, IKE_CHILD_FAIL);
	assert_string_equal(t->err_i, line_i);
	kept(t, &s);
	done(t);
}

static void
test_pfs_required_by_responder(void **state)
{
	(void)state;
	refused("aes128gcm16", "aes128gcm16-modp2048",
	    "PFS mismatch: peer proposed ESP:AES_GCM_16_128/NO_EXT_SEQ with no DH "
	    "group, we require ESP:AES_GCM_16_128/MODP_2048/NO_EXT_SEQ with "
	    "MODP_2048 (NO_PROPOSAL_CHOSEN)",
	    "peer accepted none of our CHILD_SA proposals (NO_PROPOSAL_CHOSEN); "
	    "we proposed ESP:AES_GCM_16_128/NO_EXT_SEQ, with no DH group: a PFS "
	    "mismatch if the peer's ESP proposals require one");
}

static void
test_pfs_offered_not_taken(void **state)
{
	(void)state;
	refused("aes128gcm16-modp2048", "aes128gcm16",
	    "PFS mismatch: peer proposed ESP:AES_GCM_16_128/MODP_2048/NO_EXT_SEQ "
	    "with MODP_2048, we require ESP:AES_GCM_16_128/NO_EXT_SEQ with no DH "
	    "group (NO_PROPOSAL_CHOSEN)",
	    "peer accepted none of our CHILD_SA proposals (NO_PROPOSAL_CHOSEN); "
	    "we proposed ESP:AES_GCM_16_128/MODP_2048/NO_EXT_SEQ, PFS with "
	    "MODP_2048: a PFS mismatch if the peer's ESP proposals have no DH "
	    "group or another");
}

static void
test_pfs_other_group(void **state)
{
	(void)state;
	refused("aes128gcm16-ecp256", "aes128gcm16-modp2048-modp3072",
	    "PFS mismatch: peer proposed ESP:AES_GCM_16_128/ECP_256/NO_EXT_SEQ "
	    "with ECP_256, we require ESP:AES_GCM_16_128/MODP_2048/MODP_3072/"
	    "NO_EXT_SEQ with MODP_2048 or MODP_3072 (NO_PROPOSAL_CHOSEN)",
	    "peer accepted none of our CHILD_SA proposals (NO_PROPOSAL_CHOSEN); "
	    "we proposed ESP:AES_GCM_16_128/ECP_256/NO_EXT_SEQ, PFS with ECP_256: "
	    "a PFS mismatch if the peer's ESP proposals have no DH group or "
	    "another");
}

static void
test_no_common_cipher(void **state)
{
	(void)state;
	refused("aes256gcm16-modp2048", "aes128gcm16-modp2048",
	    "no acceptable CHILD_SA proposal: peer proposed ESP:AES_GCM_16_256/"
	    "MODP_2048/NO_EXT_SEQ; we accept ESP:AES_GCM_16_128/MODP_2048/"
	    "NO_EXT_SEQ",
	    "peer accepted none of our CHILD_SA proposals (NO_PROPOSAL_CHOSEN); "
	    "we proposed ESP:AES_GCM_16_256/MODP_2048/NO_EXT_SEQ, PFS with "
	    "MODP_2048: a PFS mismatch if the peer's ESP proposals have no DH "
	    "group or another");
}

/* The initiator guesses ECP_256, the responder takes MODP_2048 of what
 * was proposed: INVALID_KE_PAYLOAD, and the second request gets it. */
static void
test_invalid_ke_retry(void **state)
{
	struct t *t = setup("aes128gcm16-ecp256-modp2048",
	    "aes128gcm16-modp2048");
	enum ike_child_result ri, rr;
	struct ike_msg m;
	struct ike_notify no;
	struct snap s;

	(void)state;
	snap(t, &s);
	child_round(t, 0, &ri, &rr);
	assert_int_equal(rr, IKE_CHILD_FAIL);
	assert_string_equal(t->err_r, "peer's KE is ECP_256, we take MODP_2048 of "
	    "what it proposed: INVALID_KE_PAYLOAD");
	seen(t, 1, &m, "CREATE_CHILD_SA response 2 [ N(INVAL_KE) ]");
	assert_int_equal(ike_pld_notify(ike_msg_notify(&m,
	    N_INVALID_KE_PAYLOAD), &no, NULL, 0), 0);
	assert_int_equal(no.len, 2);
	assert_int_equal(ike_get16(no.data), KE_MODP_2048);
	assert_int_equal(ri, IKE_CHILD_RETRY);
	assert_string_equal(t->err_i, "peer wants KE group MODP_2048 instead of "
	    "ECP_256 for the CHILD_SA: sending the request again");
	assert_int_equal(t->x.group, KE_MODP_2048);
	kept(t, &s);

	child_ok(t, 0);
	agree(t);
	assert_int_equal(t->ci.chosen.xf[IKE_XF_KE][0].id, KE_MODP_2048);
	assert_int_equal(t->p.i.msgid_out, 4);
	assert_int_equal(t->p.r.msgid_in, 4);
	done(t);
}

static void
test_ts_unacceptable(void **state)
{
	struct t *t = setup("aes128gcm16", "aes128gcm16");
	enum ike_child_result ri, rr;
	struct snap s;

	(void)state;
	ike_pair_ts(&t->rc.remote_ts[0], "10.3.0.0", "10.3.0.255");
	snap(t, &s);
	child_round(t, 0, &ri, &rr);
	assert_int_equal(rr, IKE_CHILD_FAIL);
	assert_string_equal(t->err_r, "TS_UNACCEPTABLE: peer proposed "
	    "10.1.0.0/16 === 10.2.0.0/16, we allow 10.3.0.0/24 === "
	    "10.2.0.0/24");
	assert_int_equal(ri, IKE_CHILD_FAIL);
	assert_string_equal(t->err_i, "TS_UNACCEPTABLE: peer allows none of "
	    "10.1.0.0/16 === 10.2.0.0/16");
	kept(t, &s);
	done(t);
}

static void
test_rekey_unknown_child(void **state)
{
	struct t *t = setup("aes128gcm16", "aes128gcm16");
	struct ike_child old_r = t->p.first_r;
	enum ike_child_result ri, rr;
	struct snap s;

	(void)state;
	snap(t, &s);
	child_round(t, 0xdeadbeef, &ri, &rr);
	assert_int_equal(rr, IKE_CHILD_FAIL);
	assert_string_equal(t->err_r, "peer rekeys the CHILD_SA of its inbound "
	    "SPI deadbeef, which this IKE SA does not have: CHILD_SA_NOT_FOUND");
	assert_int_equal(ri, IKE_CHILD_FAIL);
	assert_string_equal(t->err_i, "peer has no CHILD_SA for our inbound SPI "
	    "deadbeef to rekey (CHILD_SA_NOT_FOUND)");
	assert_memory_equal(&old_r, &t->p.first_r, sizeof(old_r));
	kept(t, &s);
	done(t);
}

/* Both ends rekey the first CHILD_SA at once (RFC 7296 2.8.1): each
 * answers the other's request, both new SAs are made, and both ends see
 * the same four nonces, so they agree on which of the two goes. */
static void
test_rekey_collision(void **state)
{
	struct t *t = setup("aes128gcm16", "aes128gcm16");
	struct ike_child_rcfg rc_i = t->rc;
	struct ike_child_req req_r = t->req;
	struct ike_child_xchg xr = { 0 };
	struct ike_child_made made_i;
	struct ike_child cr;
	uint8_t q[2048], a[2048];
	size_t lq, la;
	const uint8_t *lo_i, *lo_r;
	int i_lowest_at_i, i_lowest_at_r;

	(void)state;
	/* i's request out */
	assert_int_equal(ike_child_request(&t->p.i, &t->x, &t->req,
	    t->p.first_i.spi_in, t->m1, sizeof(t->m1), &t->l1, t->err_i,
	    sizeof(t->err_i)), 0);
	/* r's crosses it: its SPIs, its view of the children */
	req_r.spi_in = 0xc0de0032;
	rc_i.spi_in = 0xc0de0031;
	rc_i.children = &t->p.first_i;
	ike_pair_ts(&rc_i.remote_ts[0], "10.2.0.0", "10.2.255.255");
	ike_pair_ts(&rc_i.local_ts[0], "10.1.0.0", "10.1.255.255");
	ike_pair_ts(&req_r.tsi[0], "10.2.0.0", "10.2.0.255");
	ike_pair_ts(&req_r.tsr[0], "10.1.0.0", "10.1.0.255");
	assert_int_equal(ike_child_request(&t->p.r, &xr, &req_r,
	    t->p.first_r.spi_in, q, sizeof(q), &lq, t->err_r,
	    sizeof(t->err_r)), 0);
	/* each answers the other */
	if (ike_child_request_in(&t->p.i, q, lq, &rc_i, &made_i, NULL, a,
	    sizeof(a), &la, t->err_i, sizeof(t->err_i)) != IKE_CHILD_OK)
		fail_msg("i as responder: %s", t->err_i);
	assert_int_equal(made_i.rekeyed, 0xc0de0001);
	if (ike_child_request_in(&t->p.r, t->m1, t->l1, &t->rc, &t->made, NULL,
	    t->m2, sizeof(t->m2), &t->l2, t->err_r, sizeof(t->err_r)) !=
	    IKE_CHILD_OK)
		fail_msg("r as responder: %s", t->err_r);
	assert_int_equal(t->made.rekeyed, 0xc0de0002);
	if (ike_child_response_in(&t->p.r, &xr, a, la, &req_r, &cr, t->err_r,
	    sizeof(t->err_r)) != IKE_CHILD_OK)
		fail_msg("r's response: %s", t->err_r);
	if (ike_child_response_in(&t->p.i, &t->x, t->m2, t->l2, &t->req,
	    &t->ci, t->err_i, sizeof(t->err_i)) != IKE_CHILD_OK)
		fail_msg("i's response: %s", t->err_i);
	agree(t);
	assert_memory_equal(cr.keys.i2r.b, made_i.child.keys.i2r.b, 20);
	assert_int_equal(cr.spi_out, 0xc0de0031);
	/* the lowest nonce, as each end sees the two exchanges: i's
	 * exchange (x at i, made at r) against r's (made_i at i, xr at r) */
	lo_i = memcmp(t->x.ni, t->x.nr, 32) < 0 ? t->x.ni : t->x.nr;
	lo_r = memcmp(made_i.ni, made_i.nr, 32) < 0 ? made_i.ni : made_i.nr;
	i_lowest_at_i = memcmp(lo_i, lo_r, 32) < 0;
	lo_i = memcmp(t->made.ni, t->made.nr, 32) < 0 ? t->made.ni :
	    t->made.nr;
	lo_r = memcmp(xr.ni, xr.nr, 32) < 0 ? xr.ni : xr.nr;
	i_lowest_at_r = memcmp(lo_i, lo_r, 32) < 0;
	assert_int_equal(i_lowest_at_i, i_lowest_at_r);
	ike_child_keys_wipe(&cr.keys);
	ike_child_keys_wipe(&made_i.child.keys);
	ike_child_xchg_clear(&xr);
	done(t);
}

/* A responder rekeying itself, or deleting the IKE SA, says not now. */
static void
test_temporary_failure(void **state)
{
	struct t *t = setup("aes128gcm16", "aes128gcm16");
	enum ike_child_result ri, rr;
	struct snap s;

	(void)state;
	t->rc.temporary_failure = 1;
	snap(t, &s);
	child_round(t, t->p.first_i.spi_in, &ri, &rr);
	assert_int_equal(rr, IKE_CHILD_FAIL);
	assert_string_equal(t->err_r, "CREATE_CHILD_SA request while we rekey or "
	    "delete that SA ourselves: TEMPORARY_FAILURE");
	assert_int_equal(t->made.kind, IKE_CHILD_REKEY);
	assert_int_equal(ri, IKE_CHILD_FAIL);
	assert_string_equal(t->err_i, "peer answered the CHILD_SA with "
	    "TEMPORARY_FAILURE: it is rekeying or deleting that SA itself; try "
	    "again later");
	kept(t, &s);
	t->rc.temporary_failure = 0;
	t->p.r.state = IKE_S_DELETING;
	child_round(t, 0, &ri, &rr);
	assert_int_equal(rr, IKE_CHILD_FAIL);
	assert_string_equal(t->err_r, "CREATE_CHILD_SA request while the IKE SA "
	    "is being deleted: TEMPORARY_FAILURE");
	assert_int_equal(ri, IKE_CHILD_FAIL);
	done(t);
}

/* One request at a time; the next after the response. */
static void
test_one_request_at_a_time(void **state)
{
	struct t *t = setup("aes128gcm16", "aes128gcm16");

	(void)state;
	assert_int_equal(ike_child_request(&t->p.i, &t->x, &t->req, 0, t->m1,
	    sizeof(t->m1), &t->l1, t->err_i, sizeof(t->err_i)), 0);
	assert_int_equal(ike_child_request(&t->p.i, &t->x, &t->req, 0, t->m2,
	    sizeof(t->m2), &t->l2, t->err_i, sizeof(t->err_i)), -1);
	assert_string_equal(t->err_i, "CREATE_CHILD_SA: our request 2 is still "
	    "out");
	assert_int_equal(ike_child_ike_rekey_request(&t->p.i, &t->x, t->p.ike,
	    t->p.nike, t->m2, sizeof(t->m2), &t->l2, t->err_i,
	    sizeof(t->err_i)), -1);
	assert_int_equal(t->p.i.msgid_out, 2);
	done(t);
}

/* A KE value that is not of the group: INVALID_SYNTAX, nothing made. */
static void
test_bad_ke_value(void **state)
{
	struct t *t = setup("aes128gcm16-ecp256", "aes128gcm16-ecp256");
	uint8_t inner[1024], spi[4] = { 0xc0, 0xde, 0, 0x11 }, ke[64], n[32];
	struct ike_buf in;
	struct snap s;

	(void)state;
	memset(ke, 0x5a, sizeof(ke));		/* not a point on P-256 */
	memset(n, 1, sizeof(n));
	ike_buf_init(&in, inner, sizeof(inner));
	ike_put_sa(&in, t->esp_i, t->req.nesp, spi, 4);
	ike_buf_begin(&in, IKE_PLD_NONCE, 0);
	ike_buf_put(&in, n, sizeof(n));
	ike_buf_end(&in);
	ike_put_ke(&in, KE_ECP_256, ke, sizeof(ke));
	ike_put_ts(&in, IKE_PLD_TSI, t->req.tsi, 1);
	ike_put_ts(&in, IKE_PLD_TSR, t->req.tsr, 1);
	assert_int_equal(ike_sk_msg_seal(&t->p.i, CREATE_CHILD_SA, 0,
	    t->p.i.msgid_out, &in, t->m1, sizeof(t->m1), &t->l1, t->err_i,
	    sizeof(t->err_i)), 0);
	snap(t, &s);
	assert_int_equal(ike_child_request_in(&t->p.r, t->m1, t->l1, &t->rc,
	    &t->made, &t->new_r, t->m2, sizeof(t->m2), &t->l2, t->err_r,
	    sizeof(t->err_r)), IKE_CHILD_FAIL);
	assert_non_null(strstr(t->err_r, "peer's ECP_256 KE value is not one of "
	    "the group's ("));
	assert_non_null(strstr(t->err_r, "): INVALID_SYNTAX"));
	assert_int_equal(t->made.child.spi_in, 0);
	ike_pair_same_but_ids(&s.r, &t->p.r, 0, 1);
	done(t);
}

/*
 * Inner payloads the peer holds the keys for but that are wrong: a good
 * request's, bit-flipped or cut, sealed again.  Each is answered (an
 * error, or a CHILD_SA when the flip did not matter) or dropped; an
 * answer moves the Message ID on by one, a drop changes nothing.
 */
static void
test_mutated_inner_payloads(void **state)
{
	struct t *t = setup("aes128gcm16-ecp256", "aes128gcm16-ecp256");
	static uint8_t good[4096], bad[4096];
	struct ike_msg m;
	struct ike_buf in;
	uint64_t rnd = 99;
	size_t glen, plen;
	uint8_t first;
	char line[256];
	int answered = 0;

	(void)state;
	assert_int_equal(ike_child_request(&t->p.i, &t->x, &t->req,
	    t->p.first_i.spi_in, t->m1, sizeof(t->m1), &t->l1, t->err_i,
	    sizeof(t->err_i)), 0);
	ike_pair_peek(&t->p.r, t->m1, t->l1, &m, t->plain, sizeof(t->plain),
	    line, sizeof(line));
	first = m.sk_next;
	assert_int_equal(ike_sk_open(&t->p.r.sk_in, t->m1, t->l1, m.sk_off,
	    good, sizeof(good), &glen, NULL, 0), 0);
	for (int k = 0; k < 2000; k++) {
		struct ike_sa before = t->p.r;
		enum ike_child_result rr;

		rnd = rnd * 6364136223846793005ULL + 1442695040888963407ULL;
		memcpy(bad, good, glen);
		plen = glen;
		if ((rnd >> 60) == 0)
			plen = (size_t)(rnd >> 20) % glen;
		else
			for (int f = 0; f < 1 + (int)((rnd >> 56) & 3); f++) {
				rnd = rnd * 6364136223846793005ULL + 1;
				bad[(rnd >> 33) % glen] ^= (uint8_t)(1u <<
				    ((rnd >> 24) & 7));
			}
		ike_buf_init(&in, bad, sizeof(bad));
		in.len = plen;
		in.first = first;
		assert_int_equal(ike_sk_msg_seal(&t->p.i, CREATE_CHILD_SA, 0,
		    t->p.r.msgid_in, &in, t->m1, sizeof(t->m1), &t->l1, t->err_i,
		    sizeof(t->err_i)), 0);
		rr = ike_child_request_in(&t->p.r, t->m1, t->l1, &t->rc,
		    &t->made, &t->new_r, t->m2, sizeof(t->m2), &t->l2, t->err_r,
		    sizeof(t->err_r));
		ike_child_keys_wipe(&t->made.child.keys);
		if (rr == IKE_CHILD_DROP) {
			assert_memory_equal(&before, &t->p.r, sizeof(before));
			continue;
		}
		answered++;
		ike_pair_same_but_ids(&before, &t->p.r, 0, 1);
		if (t->made.kind == IKE_CHILD_IKE_REKEY && rr == IKE_CHILD_OK) {
			ike_sa_clear(&t->new_r);
			memset(&t->new_r, 0, sizeof(t->new_r));
		}
	}
	assert_true(answered > 0);
	done(t);
}

/* ---- the IKE SA rekeyed -------------------------------------------- */

/* One IKE rekey exchange from a (one end) to b (the other). */
static void
ike_round(struct t *t, struct ike_sa *a, struct ike_sa *b,
    const struct ike_proposal *pa, size_t na, struct ike_sa *new_a,
    struct ike_sa *new_b, enum ike_child_result *ra, enum ike_child_result *rb)
{
	if (ike_child_ike_rekey_request(a, &t->x, pa, na, t->m1, sizeof(t->m1),
	    &t->l1, t->err_i, sizeof(t->err_i)) != 0)
		fail_msg("IKE rekey request: %s", t->err_i);
	*rb = ike_child_request_in(b, t->m1, t->l1, &t->rc, &t->made, new_b,
	    t->m2, sizeof(t->m2), &t->l2, t->err_r, sizeof(t->err_r));
	if (*rb == IKE_CHILD_DROP)
		fail_msg("IKE rekey responder dropped it: %s", t->err_r);
	*ra = ike_child_ike_rekey_response_in(a, &t->x, t->m2, t->l2, pa, na,
	    new_a, t->err_i, sizeof(t->err_i));
}

/* The IKE proposals for a rekey: ike_i the initiator's, ike_r the
 * responder's. */
static void
ike_props(struct t *t, const char *ike_i, const char *ike_r)
{
	props(IKE_PROTO_IKE, ike_i, t->ike_i, &t->nike_i);
	props(IKE_PROTO_IKE, ike_r, t->ike_r, &t->nike_r);
	t->rc.ike = t->ike_r;
	t->rc.nike = t->nike_r;
}

/* The original initiator rekeys the IKE SA into new_i, new_r. */
static void
i_rekeys(struct t *t, enum ike_child_result *ri, enum ike_child_result *rr)
{
	ike_round(t, &t->p.i, &t->p.r, t->ike_i, t->nike_i, &t->new_i,
	    &t->new_r, ri, rr);
}

/* The new IKE SA's two ends: one SA, new SPIs, the same keys. */
static void
ike_agree(const struct ike_sa *old, const struct ike_sa *ni,
    const struct ike_sa *nr)
{
	assert_int_equal(ni->state, IKE_S_ESTABLISHED);
	assert_int_equal(nr->state, IKE_S_ESTABLISHED);
	assert_int_equal(ni->initiator, 1);
	assert_int_equal(nr->initiator, 0);
	assert_true(ni->spi_i == nr->spi_i && ni->spi_r == nr->spi_r);
	assert_true(ni->spi_i != old->spi_i && ni->spi_i != old->spi_r);
	assert_true(ni->spi_r != old->spi_i && ni->spi_r != old->spi_r);
	assert_int_equal(ni->msgid_out, 0);
	assert_int_equal(ni->msgid_in, 0);
	assert_int_equal(nr->msgid_out, 0);
	assert_int_equal(nr->msgid_in, 0);
	assert_memory_equal(&ni->keys, &nr->keys, sizeof(ni->keys));
	assert_memory_not_equal(ni->keys.d.b, old->keys.d.b, ni->keys.d.len);
	assert_memory_equal(ni->sk_out.ek.b, nr->sk_in.ek.b, ni->sk_out.ek.len);
	assert_memory_equal(&ni->suite, &nr->suite, sizeof(ni->suite));
}

/* DPD, a CHILD_SA and a DELETE of nothing on the new SA, both ways. */
static void
use_new_sa(struct t *t)
{
	struct ike_info_got got;
	struct ike_child_xchg x = { 0 };
	uint8_t a[2048], b[2048];
	size_t la, lb;
	char e[512];

	assert_int_equal(ike_info_request(&t->new_i, NULL, a, sizeof(a), &la, e,
	    sizeof(e)), 0);
	if (ike_info_request_in(&t->new_r, a, la, NULL, 0, &got, b, sizeof(b),
	    &lb, e, sizeof(e)) != IKE_INFO_OK)
		fail_msg("%s", e);
	assert_true(got.empty);
	assert_int_equal(ike_info_response_in(&t->new_i, b, lb, NULL, 0, &got,
	    e, sizeof(e)), IKE_INFO_OK);
	assert_true(got.empty);
	/* the other way: the new SA's responder asks */
	assert_int_equal(ike_info_request(&t->new_r, NULL, a, sizeof(a), &la, e,
	    sizeof(e)), 0);
	if (ike_info_request_in(&t->new_i, a, la, NULL, 0, &got, b, sizeof(b),
	    &lb, e, sizeof(e)) != IKE_INFO_OK)
		fail_msg("%s", e);
	assert_int_equal(ike_info_response_in(&t->new_r, b, lb, NULL, 0, &got,
	    e, sizeof(e)), IKE_INFO_OK);
	assert_int_equal(t->new_i.msgid_out, 1);
	assert_int_equal(t->new_i.msgid_in, 1);
	assert_int_equal(t->new_r.msgid_out, 1);
	assert_int_equal(t->new_r.msgid_in, 1);

	/* a CHILD_SA over it */
	t->made.kind = 0;
	if (ike_child_request(&t->new_i, &x, &t->req, 0, a, sizeof(a), &la, e,
	    sizeof(e)) != 0)
		fail_msg("%s", e);
	if (ike_child_request_in(&t->new_r, a, la, &t->rc, &t->made, NULL, b,
	    sizeof(b), &lb, e, sizeof(e)) != IKE_CHILD_OK)
		fail_msg("%s", e);
	if (ike_child_response_in(&t->new_i, &x, b, lb, &t->req, &t->ci, e,
	    sizeof(e)) != IKE_CHILD_OK)
		fail_msg("%s", e);
	agree(t);
	ike_child_xchg_clear(&x);
}

/* The old IKE SA deleted over itself, once the new one is up. */
static void
delete_old(struct t *t, struct ike_sa *a, struct ike_sa *b)
{
	struct ike_info_req del = { .delete_ike = 1 };
	struct ike_info_got got;
	uint8_t m[2048], r[2048];
	size_t lm, lr;
	char e[512];

	assert_int_equal(ike_info_request(a, &del, m, sizeof(m), &lm, e,
	    sizeof(e)), 0);
	assert_int_equal(ike_info_request_in(b, m, lm, NULL, 0, &got, r,
	    sizeof(r), &lr, e, sizeof(e)), IKE_INFO_OK);
	assert_true(got.delete_ike);
	assert_int_equal(b->state, IKE_S_DEAD);
	assert_int_equal(ike_info_response_in(a, r, lr, NULL, 0, &got, e,
	    sizeof(e)), IKE_INFO_OK);
	assert_true(got.empty);
	assert_int_equal(a->state, IKE_S_DEAD);
	(void)t;
}

static void
test_ike_rekey(void **state)
{
	struct t *t = setup("aes128gcm16", "aes128gcm16");
	enum ike_child_result ri, rr;
	struct ike_sa old_i = t->p.i;
	struct ike_msg m;

	(void)state;
	/* into another suite: the old PRF (SHA-384) makes SKEYSEED, the new
	 * one (SHA-256) the keys */
	ike_props(t, "aes128gcm16-prfsha256-curve25519",
	    "aes128gcm16-prfsha256-curve25519");
	i_rekeys(t, &ri, &rr);
	if (rr != IKE_CHILD_OK)
		fail_msg("responder: %s", t->err_r);
	if (ri != IKE_CHILD_OK)
		fail_msg("initiator: %s", t->err_i);
	assert_int_equal(t->made.kind, IKE_CHILD_IKE_REKEY);
	seen(t, 0, &m, "CREATE_CHILD_SA request 2 [ SA No KE ]");
	ike_agree(&t->p.i, &t->new_i, &t->new_r);
	assert_int_equal(t->new_i.spi_i, t->x.spi);
	assert_int_equal(t->new_i.suite.prf, PRF_HMAC_SHA2_256);
	assert_int_equal(t->new_i.suite.encr_bits, 128);
	assert_int_equal(t->new_i.keys.d.len, 32);
	/* the old SA is as it was, but for the exchange's Message ID */
	ike_pair_same_but_ids(&old_i, &t->p.i, 1, 0);
	use_new_sa(t);
	delete_old(t, &t->p.i, &t->p.r);
	done(t);
}

/* The original responder rekeys: it is the new SA's original initiator,
 * and sets the I flag on it. */
static void
test_ike_rekey_by_responder(void **state)
{
	struct t *t = setup("aes128gcm16", "aes128gcm16");
	enum ike_child_result ra, rb;
	struct ike_sa new_a, new_b;

	(void)state;
	memset(&new_a, 0, sizeof(new_a));
	memset(&new_b, 0, sizeof(new_b));
	ike_round(t, &t->p.r, &t->p.i, t->p.ike, t->p.nike, &new_a, &new_b,
	    &ra, &rb);
	if (rb != IKE_CHILD_OK)
		fail_msg("responder: %s", t->err_r);
	if (ra != IKE_CHILD_OK)
		fail_msg("initiator: %s", t->err_i);
	ike_agree(&t->p.r, &new_a, &new_b);
	assert_int_equal(t->p.r.msgid_out, 1);
	assert_int_equal(t->p.i.msgid_in, 1);
	/* new_a (was the responder) is now the original initiator */
	t->new_i = new_a;
	t->new_r = new_b;
	use_new_sa(t);
	delete_old(t, &t->p.r, &t->p.i);
	done(t);
}

/* Every group for the rekeyed IKE SA's KE. */
static void
test_ike_rekey_every_group(void **state)
{
	static const char *groups[] = { "modp2048", "modp3072", "modp4096",
	    "ecp256", "ecp384", "ecp521", "curve25519" };

	(void)state;
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		struct t *t = setup("aes128gcm16", "aes128gcm16");
		enum ike_child_result ri, rr;
		char s[80];

		snprintf(s, sizeof(s), "aes256-sha512-%s", groups[g]);
		ike_props(t, s, s);
		i_rekeys(t, &ri, &rr);
		if (rr != IKE_CHILD_OK || ri != IKE_CHILD_OK)
			fail_msg("%s: %s / %s", s, t->err_r, t->err_i);
		ike_agree(&t->p.i, &t->new_i, &t->new_r);
		/* AES-CBC with HMAC now: an INFORMATIONAL over it */
		assert_int_equal(t->new_i.suite.encr, ENCR_AES_CBC);
		assert_int_equal(t->new_i.keys.ai.len, 64);
		use_new_sa(t);
		done(t);
	}
}

static void
test_ike_rekey_invalid_ke_retry(void **state)
{
	struct t *t = setup("aes128gcm16", "aes128gcm16");
	enum ike_child_result ri, rr;

	(void)state;
	ike_props(t, "aes128gcm16-prfsha256-ecp256-modp3072",
	    "aes128gcm16-prfsha256-modp3072");
	i_rekeys(t, &ri, &rr);
	assert_int_equal(rr, IKE_CHILD_FAIL);
	assert_string_equal(t->err_r, "peer's KE is ECP_256, we take MODP_3072 of "
	    "what it proposed: INVALID_KE_PAYLOAD");
	assert_int_equal(ri, IKE_CHILD_RETRY);
	assert_string_equal(t->err_i, "peer wants KE group MODP_3072 instead of "
	    "ECP_256 for the IKE SA rekey: sending the request again");
	assert_int_equal(t->new_r.state, IKE_S_NEW);	/* nothing made */
	assert_int_equal(t->new_i.state, IKE_S_NEW);
	i_rekeys(t, &ri, &rr);
	if (rr != IKE_CHILD_OK || ri != IKE_CHILD_OK)
		fail_msg("%s / %s", t->err_r, t->err_i);
	ike_agree(&t->p.i, &t->new_i, &t->new_r);
	assert_int_equal(t->new_i.group, KE_MODP_3072);
	done(t);
}

static void
test_ike_rekey_no_proposal(void **state)
{
	struct t *t = setup("aes128gcm16", "aes128gcm16");
	enum ike_child_result ri, rr;
	struct snap s;

	(void)state;
	ike_props(t, "aes128gcm16-prfsha256-ecp256",
	    "aes256-sha512-ecp256");
	snap(t, &s);
	i_rekeys(t, &ri, &rr);
	assert_int_equal(rr, IKE_CHILD_FAIL);
	assert_string_equal(t->err_r, "no acceptable IKE proposal for the rekey: "
	    "peer proposed IKE:AES_GCM_16_128/PRF_HMAC_SHA2_256/ECP_256; we "
	    "accept IKE:AES_CBC_256/HMAC_SHA2_512_256/PRF_HMAC_SHA2_512/ECP_256");
	assert_int_equal(ri, IKE_CHILD_FAIL);
	assert_string_equal(t->err_i, "peer accepted none of our IKE proposals "
	    "for the rekey (NO_PROPOSAL_CHOSEN); we proposed IKE:AES_GCM_16_128/"
	    "PRF_HMAC_SHA2_256/ECP_256");
	kept(t, &s);
	assert_int_equal(t->new_i.state, IKE_S_NEW);
	assert_int_equal(t->new_r.state, IKE_S_NEW);
	done(t);
}

/* ---- what is dropped ----------------------------------------------- */

static void
drop_request(struct t *t, const uint8_t *msg, size_t len, const char *why)
{
	struct ike_sa before = t->p.r;
	enum ike_child_result rr;

	rr = ike_child_request_in(&t->p.r, msg, len, &t->rc, &t->made,
	    &t->new_r, t->m2, sizeof(t->m2), &t->l2, t->err_r,
	    sizeof(t->err_r));
	if (rr != IKE_CHILD_DROP)
		fail_msg("%s: not dropped (%d, %s)", why, rr, t->err_r);
	assert_memory_equal(&before, &t->p.r, sizeof(before));
	assert_int_equal(t->new_r.state, IKE_S_NEW);
}

static void
test_bad_requests_dropped(void **state)
{
	struct t *t = setup("aes128gcm16-ecp256", "aes128gcm16-ecp256");
	uint8_t bad[IKE_MSG_MAX];
	uint64_t rnd = 0x1234567;

	(void)state;
	assert_int_equal(ike_child_request(&t->p.i, &t->x, &t->req, 0, t->m1,
	    sizeof(t->m1), &t->l1, t->err_i, sizeof(t->err_i)), 0);
	/* the ICV */
	memcpy(bad, t->m1, t->l1);
	bad[t->l1 - 1] ^= 1;
	drop_request(t, bad, t->l1, "ICV");
	/* garbled anywhere: 300 bit flips, one at a time */
	for (int k = 0; k < 300; k++) {
		size_t at;

		rnd = rnd * 6364136223846793005ULL + 1442695040888963407ULL;
		at = (size_t)(rnd >> 33) % t->l1;
		memcpy(bad, t->m1, t->l1);
		bad[at] ^= (uint8_t)(1u << ((rnd >> 20) & 7));
		drop_request(t, bad, t->l1, "bit flip");
	}
	/* truncated, and with a byte more */
	drop_request(t, t->m1, t->l1 - 1, "truncated");
	memcpy(bad, t->m1, t->l1);
	bad[t->l1] = 0;
	drop_request(t, bad, t->l1 + 1, "one more byte");
	assert_non_null(strstr(t->err_r, "the header says"));
	/* the wrong exchange, the wrong SA, the wrong Message ID */
	memcpy(bad, t->m1, t->l1);
	bad[18] = INFORMATIONAL;
	drop_request(t, bad, t->l1, "exchange");
	assert_string_equal(t->err_r, "INFORMATIONAL request where "
	    "CREATE_CHILD_SA request is expected");
	memcpy(bad, t->m1, t->l1);
	bad[0] ^= 0x80;
	drop_request(t, bad, t->l1, "SPI");
	memcpy(bad, t->m1, t->l1);
	bad[23] ^= 1;
	drop_request(t, bad, t->l1, "message ID");
	assert_string_equal(t->err_r, "CREATE_CHILD_SA request with message ID "
	    "3, expected 2");
	/* the I flag of the wrong end: our own request reflected */
	{
		struct ike_sa before = t->p.i;

		assert_int_equal(ike_child_request_in(&t->p.i, t->m1, t->l1,
		    &t->rc, &t->made, &t->new_i, t->m2, sizeof(t->m2), &t->l2,
		    t->err_i, sizeof(t->err_i)), IKE_CHILD_DROP);
		assert_memory_equal(&before, &t->p.i, sizeof(before));
	}

	/* the real one is still taken, once; its replay is dropped */
	assert_int_equal(ike_child_request_in(&t->p.r, t->m1, t->l1, &t->rc,
	    &t->made, &t->new_r, t->m2, sizeof(t->m2), &t->l2, t->err_r,
	    sizeof(t->err_r)), IKE_CHILD_OK);
	ike_child_keys_wipe(&t->made.child.keys);
	drop_request(t, t->m1, t->l1, "replay");
	assert_string_equal(t->err_r, "CREATE_CHILD_SA request with message ID "
	    "2, expected 3");
	done(t);
}

static void
test_bad_responses_dropped(void **state)
{
	struct t *t = setup("aes128gcm16-ecp256", "aes128gcm16-ecp256");
	uint8_t bad[IKE_MSG_MAX];
	struct ike_sa before;
	struct ike_child_xchg xb;

	(void)state;
	assert_int_equal(ike_child_request(&t->p.i, &t->x, &t->req, 0, t->m1,
	    sizeof(t->m1), &t->l1, t->err_i, sizeof(t->err_i)), 0);
	assert_int_equal(ike_child_request_in(&t->p.r, t->m1, t->l1, &t->rc,
	    &t->made, &t->new_r, t->m2, sizeof(t->m2), &t->l2, t->err_r,
	    sizeof(t->err_r)), IKE_CHILD_OK);
	before = t->p.i;
	xb = t->x;
	for (size_t at = 0; at < t->l2; at += 7) {
		memcpy(bad, t->m2, t->l2);
		bad[at] ^= 0x10;
		assert_int_equal(ike_child_response_in(&t->p.i, &t->x, bad, t->l2,
		    &t->req, &t->ci, t->err_i, sizeof(t->err_i)),
		    IKE_CHILD_DROP);
		assert_memory_equal(&before, &t->p.i, sizeof(before));
		assert_memory_equal(&xb, &t->x, sizeof(xb));
	}
	/* a request in place of the response */
	assert_int_equal(ike_child_response_in(&t->p.i, &t->x, t->m1, t->l1,
	    &t->req, &t->ci, t->err_i, sizeof(t->err_i)), IKE_CHILD_DROP);
	/* the IKE rekey's reader does not take a CHILD_SA's response */
	assert_int_equal(ike_child_ike_rekey_response_in(&t->p.i, &t->x, t->m2,
	    t->l2, t->p.ike, t->p.nike, &t->new_i, t->err_i, sizeof(t->err_i)),
	    IKE_CHILD_DROP);
	assert_memory_equal(&before, &t->p.i, sizeof(before));
	/* the real one */
	assert_int_equal(ike_child_response_in(&t->p.i, &t->x, t->m2, t->l2,
	    &t->req, &t->ci, t->err_i, sizeof(t->err_i)), IKE_CHILD_OK);
	agree(t);
	/* and again: no request is out */
	before = t->p.i;
	assert_int_equal(ike_child_response_in(&t->p.i, &t->x, t->m2, t->l2,
	    &t->req, &t->ci, t->err_i, sizeof(t->err_i)), IKE_CHILD_DROP);
	assert_string_equal(t->err_i, "CREATE_CHILD_SA response: no such request "
	    "of ours is out");
	assert_memory_equal(&before, &t->p.i, sizeof(before));
	done(t);
}

/* A refused CHILD_SA leaves the IKE SA usable: the next one goes. */
static void
test_usable_after_refusal(void **state)
{
	struct t *t = setup("aes128gcm16", "aes128gcm16-modp2048");
	enum ike_child_result ri, rr;

	(void)state;
	child_round(t, 0, &ri, &rr);
	assert_int_equal(ri, IKE_CHILD_FAIL);
	props(IKE_PROTO_ESP, "aes128gcm16-modp2048", t->esp_i, &t->req.nesp);
	child_ok(t, 0);
	agree(t);
	done(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_child),
		cmocka_unit_test(test_pfs_every_group),
		cmocka_unit_test(test_child_rekey),
		cmocka_unit_test(test_pfs_required_by_responder),
		cmocka_unit_test(test_pfs_offered_not_taken),
		cmocka_unit_test(test_pfs_other_group),
		cmocka_unit_test(test_no_common_cipher),
		cmocka_unit_test(test_invalid_ke_retry),
		cmocka_unit_test(test_ts_unacceptable),
		cmocka_unit_test(test_rekey_unknown_child),
		cmocka_unit_test(test_rekey_collision),
		cmocka_unit_test(test_temporary_failure),
		cmocka_unit_test(test_one_request_at_a_time),
		cmocka_unit_test(test_bad_ke_value),
		cmocka_unit_test(test_mutated_inner_payloads),
		cmocka_unit_test(test_ike_rekey),
		cmocka_unit_test(test_ike_rekey_by_responder),
		cmocka_unit_test(test_ike_rekey_every_group),
		cmocka_unit_test(test_ike_rekey_invalid_ke_retry),
		cmocka_unit_test(test_ike_rekey_no_proposal),
		cmocka_unit_test(test_bad_requests_dropped),
		cmocka_unit_test(test_bad_responses_dropped),
		cmocka_unit_test(test_usable_after_refusal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
