/*
 * child_probe - nicsecd's CREATE_CHILD_SA and INFORMATIONAL (host/ike_child.c,
 * host/ike_info.c) as the initiator against a real peer over UDP 500, for
 * tests/ike/child_interop.sh with strongSwan as the responder:
 *
 *	child_probe LOCAL_IP REMOTE_IP PROPOSALS ESP_PROPOSALS LOCAL_TS
 *	    REMOTE_TS ID PEER_ID PSK
 *
 * IKE_SA_INIT and IKE_AUTH with a PSK (the first CHILD_SA), then: a second
 * CHILD_SA (PFS when ESP_PROPOSALS has a DH group), the first one rekeyed
 * (N(REKEY_SA)) and then deleted, a liveness check, the IKE SA rekeyed
 * (PROPOSALS again) and the old one deleted, a liveness check and a third
 * CHILD_SA over the new IKE SA; then "ready" and 4 s for the script to look
 * at the peer's SAs; then the new IKE SA deleted.  A line for each message
 * and each step ("child2: SPIs c1..._i c2..._o, ESP:AES_GCM_16_128/
 * MODP_2048/NO_EXT_SEQ"); exit 0, or the line that says why not and 1.
 *
 *	child_probe --respond LOCAL_IP REMOTE_IP PROPOSALS ESP_PROPOSALS
 *	    LOCAL_TS REMOTE_TS ID PEER_ID PSK
 *
 * is the responder's side: on UDP 500 and 4500 (after the non-ESP marker)
 * it answers the peer's IKE_SA_INIT and IKE_AUTH, then whatever the peer
 * asks with CREATE_CHILD_SA (new CHILD_SAs, rekeys, the IKE SA rekeyed)
 * and INFORMATIONAL (liveness, DELETEs), keeping each IKE SA's CHILD_SAs
 * as the daemon would and answering retransmissions from the last
 * response; a line for each ("rekeyed: 3f..._i by 41..._i"), until the
 * peer has deleted every IKE SA (exit 0) or 40 s pass (exit 1).
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ike_auth.h"
#include "ike_child.h"
#include "ike_info.h"
#include "ike_init.h"
#include "probe_util.h"

static uint8_t req[IKE_MSG_MAX], resp[IKE_MSG_MAX];
static int sock;

/* req[0..len) to the peer until its response is in resp: its length, or 0. */
static size_t
exchange(size_t len)
{
	return probe_exchange(sock, req, len, resp, sizeof(resp));
}

/* ID PEER_ID PSK (arg[0..2]) into a: FQDNs and the key. */
static void
psk_auth(struct ike_auth_cfg *a, char **arg)
{
	a->id_type = a->peer_id_type = IKE_ID_FQDN;
	a->id = (const uint8_t *)arg[0];
	a->id_len = strlen(arg[0]);
	a->peer_id = (const uint8_t *)arg[1];
	a->peer_id_len = strlen(arg[1]);
	a->psk = (const uint8_t *)arg[2];
	a->psk_len = strlen(arg[2]);
}

static int
init_auth(struct ike_sa *sa, const struct ike_proposal *ike, size_t nike,
    struct ike_child_req *c, char **argv, struct ike_child *ch)
{
	struct ike_auth_cfg a = { 0 };
	char err[1024];
	size_t len, got;

	if (probe_ike_init(sock, sa, ike, nike) != 0)
		return -1;
	psk_auth(&a, argv + 7);
	if (ike_auth_request(sa, &a, c, req, sizeof(req), &len, err,
	    sizeof(err)) != 0 || (got = exchange(len)) == 0)
		return -1;
	if (ike_auth_response_in(sa, resp, got, &a, c, ch, err,
	    sizeof(err)) != IKE_AUTH_OK)
		return printf("failed: %s\n", err), -1;
	return 0;
}

static void
say_child(const char *name, const struct ike_child *ch)
{
	char prop[256];

	ike_xform_format(&ch->chosen, prop, sizeof(prop));
	printf("%s: SPIs %08x_i %08x_o, %s\n", name, ch->spi_in, ch->spi_out,
	    prop);
}

/* A CHILD_SA (rekeying the one of inbound SPI rekey, if not 0). */
static int
child(struct ike_sa *sa, struct ike_child_req *c, uint32_t spi_in,
    uint32_t rekey, struct ike_child *ch)
{
	struct ike_child_xchg x = { 0 };
	enum ike_child_result r;
	char err[1024];
	size_t len, got;
	int rc = -1;

	c->spi_in = spi_in;
	for (int round = 0; round < 3; round++) {
		if (ike_child_request(sa, &x, c, rekey, req, sizeof(req), &len,
		    err, sizeof(err)) != 0) {
			printf("failed: %s\n", err);
			break;
		}
		if ((got = exchange(len)) == 0)
			break;
		r = ike_child_response_in(sa, &x, resp, got, c, ch, err,
		    sizeof(err));
		if (r == IKE_CHILD_RETRY) {
			printf("retry: %s\n", err);
			continue;
		}
		if (r != IKE_CHILD_OK)
			printf("failed: %s\n", err);
		rc = r == IKE_CHILD_OK ? 0 : -1;
		break;
	}
	ike_child_xchg_clear(&x);
	return rc;
}

static int
info(struct ike_sa *sa, const struct ike_info_req *q,
    const struct ike_child *kids, size_t n, struct ike_info_got *got)
{
	enum ike_info_result r;
	char err[1024];
	size_t len, l;

	if (ike_info_request(sa, q, req, sizeof(req), &len, err,
	    sizeof(err)) != 0)
		return printf("failed: %s\n", err), -1;
	if ((l = exchange(len)) == 0)
		return -1;
	r = ike_info_response_in(sa, resp, l, kids, n, got, err, sizeof(err));
	if (r != IKE_INFO_OK)
		return printf("failed: %s\n", err), -1;
	return 0;
}

/* ---- the responder ------------------------------------------------- */

#define KIDS_MAX	16

/* One IKE SA as the responder keeps it. */
struct rsa {
	struct ike_sa	 sa;
	int		 used;
	struct ike_child kids[KIDS_MAX];
	size_t		 nkids;
	uint8_t		 last[4096];	/* the last response, for a resend */
	size_t		 last_len;
	uint32_t	 last_id;
	int		 last_natt;
};

static struct rsa rs[4];

static struct rsa *
find_sa(const struct ike_msg *m)
{
	for (size_t i = 0; i < sizeof(rs) / sizeof(rs[0]); i++)
		if (rs[i].used && rs[i].sa.spi_i == m->hdr.spi_i &&
		    rs[i].sa.spi_r == m->hdr.spi_r)
			return &rs[i];
	return NULL;
}

static struct rsa *
new_sa(void)
{
	for (size_t i = 0; i < sizeof(rs) / sizeof(rs[0]); i++)
		if (!rs[i].used) {
			memset(&rs[i], 0, sizeof(rs[i]));
			rs[i].used = 1;
			return &rs[i];
		}
	return NULL;
}

static void
drop_kid(struct rsa *r, uint32_t spi_in)
{
	for (size_t i = 0; i < r->nkids; i++)
		if (r->kids[i].spi_in == spi_in) {
			ike_child_keys_wipe(&r->kids[i].keys);
			r->kids[i] = r->kids[--r->nkids];
			return;
		}
}

/* A CREATE_CHILD_SA request on r: answered, and what it made kept. */
static size_t
respond_child(struct rsa *r, const uint8_t *msg, size_t len,
    struct ike_child_rcfg *rc, uint32_t *next_spi, uint8_t *out, size_t cap)
{
	static struct ike_sa nsa;
	struct ike_child_made made;
	enum ike_child_result res;
	struct rsa *n;
	char err[1024], line[64];
	size_t olen;

	rc->children = r->kids;
	rc->nchildren = r->nkids;
	rc->spi_in = (*next_spi)++;
	memset(&nsa, 0, sizeof(nsa));
	res = ike_child_request_in(&r->sa, msg, len, rc, &made, &nsa, out, cap,
	    &olen, err, sizeof(err));
	if (res == IKE_CHILD_DROP) {
		printf("dropped: %s\n", err);
		return 0;
	}
	if (res != IKE_CHILD_OK) {
		printf("refused: %s\n", err);
		return olen;
	}
	if (made.kind == IKE_CHILD_IKE_REKEY) {
		/* the CHILD_SAs go over to the new IKE SA */
		if ((n = new_sa()) == NULL) {
			ike_sa_clear(&nsa);
			return olen;
		}
		n->sa = nsa;
		memcpy(n->kids, r->kids, sizeof(r->kids));
		n->nkids = r->nkids;
		r->nkids = 0;
		printf("IKE SA rekeyed: SPIs %016llx_i %016llx_r\n",
		    (unsigned long long)n->sa.spi_i,
		    (unsigned long long)n->sa.spi_r);
		return olen;
	}
	if (r->nkids == KIDS_MAX)
		return olen;
	r->kids[r->nkids++] = made.child;
	snprintf(line, sizeof(line), "%s", made.kind == IKE_CHILD_REKEY ?
	    "rekeyed child" : "child");
	say_child(line, &made.child);
	if (made.kind == IKE_CHILD_REKEY)
		printf("rekeyed: %08x_i by %08x_i\n", made.rekeyed,
		    made.child.spi_in);
	return olen;
}

static size_t
respond_info(struct rsa *r, const uint8_t *msg, size_t len, uint8_t *out,
    size_t cap)
{
	struct ike_info_got got;
	enum ike_info_result res;
	char err[1024];
	size_t olen;

	res = ike_info_request_in(&r->sa, msg, len, r->kids, r->nkids, &got,
	    out, cap, &olen, err, sizeof(err));
	if (res == IKE_INFO_DROP) {
		printf("dropped: %s\n", err);
		return 0;
	}
	if (got.delete_ike)
		printf("IKE SA %016llx_i deleted by the peer\n",
		    (unsigned long long)r->sa.spi_i);
	else if (got.nesp > 0)
		for (size_t i = 0; i < got.nesp; i++) {
			printf("deleted: %08x_i %08x_o\n", got.esp[i].spi_in,
			    got.esp[i].spi_out);
			drop_kid(r, got.esp[i].spi_in);
		}
	else if (got.empty)
		printf("liveness: answered\n");
	return olen;
}

static int
respond(char **argv)
{
	static uint8_t msg[IKE_MSG_MAX], out[IKE_MSG_MAX];
	struct probe_args pa;
	struct sockaddr_storage from;
	struct ike_auth_rcfg ar;
	struct ike_child_rcfg rc;
	struct pollfd p[2];
	struct ike_msg m;
	size_t olen;
	uint32_t next_spi;
	int s[2], k, waited, seen = 0;
	char err[1024];

	setvbuf(stdout, NULL, _IOLBF, 0);	/* the script reads it live */
	memset(&ar, 0, sizeof(ar));
	memset(&rc, 0, sizeof(rc));
	if (probe_args("child_probe", argv, 6, &pa) != 0)
		return 2;
	ar.esp = rc.esp = pa.esp;
	ar.nesp = rc.nesp = pa.nesp;
	ar.nlocal_ts = ar.nremote_ts = rc.nlocal_ts = rc.nremote_ts = 1;
	ar.local_ts[0] = rc.local_ts[0] = pa.local_ts;
	ar.remote_ts[0] = rc.remote_ts[0] = pa.remote_ts;
	rc.ike = pa.ike;
	rc.nike = pa.nike;
	psk_auth(&ar.auth, argv + 6);
	if (ike_random(&next_spi, sizeof(next_spi), err, sizeof(err)) != 0)
		return 1;
	next_spi = (next_spi & 0xffff0000) | 0x2000;
	if (probe_listen("child_probe", &pa.local, s, p) != 0)
		return 1;
	for (waited = 0; waited < 400; ) {
		struct rsa *r;
		ssize_t got;
		int alive = 0;

		for (size_t i = 0; i < sizeof(rs) / sizeof(rs[0]); i++)
			alive |= rs[i].used && rs[i].sa.state != IKE_S_DEAD;
		if (seen && !alive) {
			printf("every IKE SA deleted\n");
			return 0;
		}
		if ((got = probe_request(p, msg, sizeof(msg), &m, &from,
		    &k)) <= 0) {
			waited += got < 0;
			continue;
		}
		if (m.hdr.exchange == IKE_SA_INIT) {
			enum ike_init_result ir;

			if ((r = new_sa()) == NULL)
				continue;
			r->sa.local = pa.local;
			r->sa.remote = from;
			ir = ike_init_request_in(&r->sa, &m, pa.ike, pa.nike,
			    NULL, out, sizeof(out), &olen, err, sizeof(err));
			if (ir != IKE_INIT_OK)
				r->used = 0;
			if (ir == IKE_INIT_OK || ir == IKE_INIT_ANSWER)
				(void)probe_send_ike(s[k], k, out, olen, &from);
			else
				printf("dropped: %s\n", err);
			continue;
		}
		if ((r = find_sa(&m)) == NULL) {
			printf("dropped: no IKE SA %016llx_i %016llx_r (port %d)\n",
			    (unsigned long long)m.hdr.spi_i,
			    (unsigned long long)m.hdr.spi_r, k ? 4500 : 500);
			continue;
		}
		/* a retransmission: the same answer */
		if (r->last_len > 0 && m.hdr.msgid == r->last_id &&
		    m.hdr.msgid + 1 == r->sa.msgid_in) {
			(void)probe_send_ike(s[k], k, r->last, r->last_len,
			    &from);
			continue;
		}
		olen = 0;
		if (m.hdr.exchange == IKE_AUTH) {
			struct ike_child ch;

			ar.spi_in = next_spi++;
			if (ike_auth_request_in(&r->sa, msg, (size_t)got, &ar, &ch,
			    out, sizeof(out), &olen, err, sizeof(err)) ==
			    IKE_AUTH_OK) {
				r->kids[r->nkids++] = ch;
				say_child("child", &ch);
				seen = 1;
			} else
				printf("IKE_AUTH: %s\n", err);
		} else if (m.hdr.exchange == CREATE_CHILD_SA)
			olen = respond_child(r, msg, (size_t)got, &rc, &next_spi,
			    out, sizeof(out));
		else if (m.hdr.exchange == INFORMATIONAL)
			olen = respond_info(r, msg, (size_t)got, out, sizeof(out));
		if (olen == 0 || olen > sizeof(r->last))
			continue;
		(void)probe_send_ike(s[k], k, out, olen, &from);
		memcpy(r->last, out, olen);
		r->last_len = olen;
		r->last_id = m.hdr.msgid;
		fflush(stdout);
	}
	printf("child_probe: the peer did not delete every IKE SA in 40 s\n");
	return 1;
}

int
main(int argc, char **argv)
{
	static struct ike_sa sa, nsa;
	struct probe_args pa;
	struct ike_child_req c = { 0 };
	struct ike_child kids[3];
	struct ike_child_xchg x = { 0 };
	struct ike_info_got got;
	struct ike_info_req del = { 0 }, del_ike = { .delete_ike = 1 };
	enum ike_child_result r;
	uint32_t spi;
	size_t len, l;
	char err[1024], suite[256];
	int rc = 1;

	if (argc == 11 && strcmp(argv[1], "--respond") == 0)
		return respond(argv + 2);
	if (argc != 10) {
		fprintf(stderr, "usage: child_probe [--respond] LOCAL_IP REMOTE_IP PROPOSALS "
		    "ESP_PROPOSALS LOCAL_TS REMOTE_TS ID PEER_ID PSK\n");
		return 2;
	}
	if (probe_args("child_probe", argv + 1, 6, &pa) != 0)
		return 2;
	sa.local = pa.local;
	sa.remote = pa.remote;
	c.esp = pa.esp;
	c.nesp = pa.nesp;
	c.tsi[0] = pa.local_ts;
	c.tsr[0] = pa.remote_ts;
	c.ntsi = c.ntsr = 1;
	if ((sock = probe_connect("child_probe", &sa)) < 0)
		return 1;
	if (ike_random(&spi, sizeof(spi), err, sizeof(err)) != 0)
		return 1;
	spi = (spi & 0xffff0000) | 0x1000;	/* ours: spi+0 .. spi+3 */

	c.spi_in = spi;
	if (init_auth(&sa, pa.ike, pa.nike, &c, argv, &kids[0]) != 0)
		return 1;
	ike_xform_format(&sa.chosen, suite, sizeof(suite));
	printf("established: %s, SPIs %016llx_i %016llx_r\n", suite,
	    (unsigned long long)sa.spi_i, (unsigned long long)sa.spi_r);
	say_child("child1", &kids[0]);

	if (child(&sa, &c, spi + 1, 0, &kids[1]) != 0)
		goto fail;
	say_child("child2", &kids[1]);
	if (child(&sa, &c, spi + 2, kids[0].spi_in, &kids[2]) != 0)
		goto fail;
	say_child("rekeyed child1", &kids[2]);
	/* make-before-break: now the old one goes */
	del.esp = &kids[0].spi_in;
	del.nesp = 1;
	if (info(&sa, &del, kids, 3, &got) != 0)
		goto fail;
	if (got.nesp != 1 || got.esp[0].spi_in != kids[0].spi_in) {
		printf("failed: the peer's answer to our DELETE of %08x deletes "
		    "%zu of ours\n", kids[0].spi_in, got.nesp);
		goto fail;
	}
	printf("deleted child1: %08x_i %08x_o\n", got.esp[0].spi_in,
	    got.esp[0].spi_out);
	kids[0] = kids[2];
	if (info(&sa, NULL, NULL, 0, &got) != 0)
		goto fail;
	printf("liveness: answered\n");

	/* the IKE SA rekeyed; the CHILD_SAs go with it */
	for (int round = 0; round < 3; round++) {
		if (ike_child_ike_rekey_request(&sa, &x, pa.ike, pa.nike, req,
		    sizeof(req), &len, err, sizeof(err)) != 0) {
			printf("failed: %s\n", err);
			goto fail;
		}
		if ((l = exchange(len)) == 0)
			goto fail;
		r = ike_child_ike_rekey_response_in(&sa, &x, resp, l, pa.ike,
		    pa.nike, &nsa, err, sizeof(err));
		if (r == IKE_CHILD_RETRY) {
			printf("retry: %s\n", err);
			continue;
		}
		if (r != IKE_CHILD_OK) {
			printf("failed: %s\n", err);
			goto fail;
		}
		break;
	}
	ike_child_xchg_clear(&x);
	ike_xform_format(&nsa.chosen, suite, sizeof(suite));
	printf("IKE SA rekeyed: %s, SPIs %016llx_i %016llx_r\n", suite,
	    (unsigned long long)nsa.spi_i, (unsigned long long)nsa.spi_r);
	if (info(&sa, &del_ike, NULL, 0, &got) != 0)
		goto fail;
	printf("old IKE SA deleted\n");
	if (info(&nsa, NULL, NULL, 0, &got) != 0)
		goto fail;
	printf("liveness on the new IKE SA: answered\n");
	if (child(&nsa, &c, spi + 3, 0, &kids[2]) != 0)
		goto fail;
	say_child("child3", &kids[2]);
	printf("ready\n");
	fflush(stdout);
	sleep(4);
	if (info(&nsa, &del_ike, NULL, 0, &got) != 0)
		goto fail;
	printf("new IKE SA deleted\n");
	rc = 0;
	goto out;
fail:
	/* leave the peer no IKE SA of ours */
	if (nsa.state == IKE_S_ESTABLISHED)
		(void)info(&nsa, &del_ike, NULL, 0, &got);
	if (sa.state == IKE_S_ESTABLISHED)
		(void)info(&sa, &del_ike, NULL, 0, &got);
out:
	for (int k = 0; k < 3; k++)
		ike_child_keys_wipe(&kids[k].keys);
	ike_child_xchg_clear(&x);
	ike_sa_clear(&sa);
	ike_sa_clear(&nsa);
	return rc;
}
