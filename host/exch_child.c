/*
 * exch_child.c - CREATE_CHILD_SA and INFORMATIONAL in the daemon, both
 * roles: more CHILD SAs, CHILD SA rekeys, DELETEs, and the empty
 * INFORMATIONAL that asks whether the peer is there.  The exchanges are
 * ike_child.c and ike_info.c; work that needs the request window waits
 * in the IKE SA's task queue until the request out is answered.
 */
#include <stdio.h>
#include <string.h>

#include "child_dp.h"
#include "exch.h"
#include "ike_child.h"
#include "ike_info.h"
#include "ike_ts.h"
#include "ike_wire.h"
#include "log.h"

/* The IKE SA's CHILD SAs as the exchange code takes them (no keys). */
static size_t
children_of(const struct ikesa *s, struct ike_child *out)
{
	for (size_t i = 0; i < s->nchild; i++) {
		const struct child_rec *r = &s->child[i];

		memset(&out[i], 0, sizeof(out[i]));
		out[i].chosen = r->chosen;
		out[i].spi_in = r->spi_in;
		out[i].spi_out = r->spi_out;
		memcpy(out[i].tsi, r->tsi, sizeof(r->tsi));
		memcpy(out[i].tsr, r->tsr, sizeof(r->tsr));
		out[i].ntsi = r->ntsi;
		out[i].ntsr = r->ntsr;
	}
	return s->nchild;
}

/* The CHILD SAs we are deleting (not rekeyed ones, which the peer may
 * rekey again). */
static size_t
closing_of(const struct ikesa *s, uint32_t *out)
{
	size_t n = 0;

	for (size_t i = 0; i < s->nchild; i++)
		if (s->child[i].state == CHILD_DELETING)
			out[n++] = s->child[i].spi_in;
	return n;
}

void
exch_child_gone(struct daemon *d, struct ikesa *s, struct child_rec *r,
    const char *why)
{
	log_info(s->who, "CHILD_SA %s{%u} with SPIs %08x_i %08x_o closed: %s",
	    r->name, r->uniq, r->spi_in, r->spi_out, why);
	child_dp_remove(d, s, r);
	ikesa_child_del(s, r);
}

/* ---- responder ------------------------------------------------------ */

void
exch_info_request(struct daemon *d, struct ikesa *s, const uint8_t *buf,
    size_t len)
{
	static uint8_t resp[IKE_MSG_MAX];
	struct ike_child ch[IKESA_CHILD_MAX];
	struct ike_info_got got;
	char err[512], conn[IKESA_NAME_MAX];
	size_t n = children_of(s, ch), rlen;

	if (ike_info_request_in(&s->sa, buf, len, ch, n, &got, resp,
	    sizeof(resp), &rlen, err, sizeof(err)) != IKE_INFO_OK) {
		d->dropped++;
		log_info(s->who, "dropping INFORMATIONAL request: %s", err);
		return;
	}
	ikesa_keep_resp(s, resp, rlen, s->sa.msgid_in - 1);
	dmn_send(d, s, resp, rlen, 0);
	for (size_t i = 0; i < got.nesp; i++) {
		struct child_rec *r = ikesa_child_by_spi(s, got.esp[i].spi_in);
		char name[IKESA_NAME_MAX];

		if (r == NULL)
			continue;
		if (exch_collide_child_deleted(d, s, r))
			continue;
		if (r->redundant) {
			exch_child_gone(d, s, r, "the peer deleted its "
			    "redundant CHILD_SA (rekey collision)");
			continue;
		}
		if (r->state == CHILD_REKEYED) {
			/* the rekey's initiator is done with the old one */
			exch_rekey_switch(d, s, r, "the peer deleted the old "
			    "CHILD_SA");
			continue;
		}
		snprintf(name, sizeof(name), "%s", r->name);
		exch_child_gone(d, s, r, "the peer deleted it");
		exch_close_action(d, s->conn, name);
	}
	for (size_t i = 0; i < got.nunknown; i++)
		log_info(s->who, "peer deleted CHILD_SA SPI %08x, which we do "
		    "not have (already gone)", got.unknown[i]);
	if (got.delete_ike) {
		char names[IKESA_CHILD_MAX][IKESA_NAME_MAX];
		size_t nn = 0;

		if (exch_collide_ike_deleted(d, s)) {
			s->no_retry = 1;
			exch_destroy(d, s, "the peer deleted it, its redundant "
			    "IKE SA of a rekey collision");
			return;
		}
		snprintf(conn, sizeof(conn), "%s", s->conn);
		for (size_t i = 0; i < s->nchild; i++)
			if (s->child[i].state != CHILD_REKEYED)
				snprintf(names[nn++], IKESA_NAME_MAX, "%s",
				    s->child[i].name);
		s->no_retry = 1;
		exch_destroy(d, s, "the peer deleted it");
		for (size_t i = 0; i < nn; i++)
			exch_close_action(d, conn, names[i]);
	}
}

/*
 * The peer rekeyed one of our CHILD SAs: make-before-break as the
 * responder, the new inbound SA in before our response goes, the
 * outbound one staged (exch_rekey_switch).  A rekey of ours of the same
 * CHILD_SA, out or done, is a collision (exch_collide.c).
 */
static void
rekeyed_by_peer(struct daemon *d, struct ikesa *s,
    const struct conf_child *cc, struct ike_child_made *made,
    const uint8_t *resp, size_t rlen)
{
	uint32_t x = made->rekeyed, from = exch_collide_holder(d, s, x);
	struct child_rec *old = ikesa_child_by_spi(s, x), *n;
	struct child_rec *mine = exch_collide_rival(s, x, 0);
	uint32_t mine_spi = mine ? mine->spi_in : 0;
	int crossing = s->req == REQ_CHILD && s->cur.kind == TASK_REKEY &&
	    s->cur.spi == x;
	char name[IKESA_NAME_MAX];

	snprintf(name, sizeof(name), "%s", old ? old->name : cc->name);
	if (old != NULL)
		old->state = CHILD_REKEYED;
	n = exch_child_up(d, s, name, &made->child, 0, from, from != 0);
	if (n != NULL)
		exch_collide_note(n, x, 0, made->ni, made->ni_len, made->nr,
		    made->nr_len);
	ikesa_keep_resp(s, resp, rlen, s->sa.msgid_in - 1);
	dmn_send(d, s, resp, rlen, 0);
	log_info(s->who, "CHILD_SA %s with SPI %08x_i rekeyed by the peer%s",
	    name, x, crossing ? "; our rekey of it is out too: a collision, "
	    "settled when its answer comes" : "");
	diag_rekey_peer(&d->diag, s->conn, name, DIAG_DONE, NULL);
	if (n != NULL && mine_spi != 0)
		exch_collide_settle(d, s, mine_spi, n->spi_in);
	else if (from == 0 && (old = ikesa_child_by_spi(s, x)) != NULL &&
	    old->gone_at == 0)
		/* one that was not sending: nothing to switch */
		old->gone_at = dmn_now() + REKEY_GRACE;
	exch_next(d, s);
}

void
exch_child_request(struct daemon *d, struct ikesa *s, const uint8_t *buf,
    size_t len)
{
	static uint8_t resp[IKE_MSG_MAX];
	const struct conf_conn *c = exch_conn(d, s);
	const struct conf_child *cc;
	struct ike_child ch[IKESA_CHILD_MAX];
	struct ike_child_rcfg rc;
	struct ike_child_made made;
	uint32_t closing[IKESA_CHILD_MAX];
	static struct ike_sa nsa;
	struct ikesa *ns;
	enum ike_child_result r;
	char err[1024];
	size_t rlen;

	if (c == NULL || c->nchildren == 0) {
		log_err(s->who, "dropping CREATE_CHILD_SA request: the "
		    "connection has no children");
		return;
	}
	cc = exch_pick_child(d, s, c, buf, len, CREATE_CHILD_SA);
	memset(&rc, 0, sizeof(rc));
	rc.nchildren = children_of(s, ch);
	rc.children = ch;
	rc.nclosing = closing_of(s, closing);
	rc.closing = closing;
	rc.ike = c->ike;
	rc.nike = c->nike;
	rc.esp = cc->esp;
	rc.nesp = cc->nesp;
	rc.nlocal_ts = exch_child_ts(cc->local_ts, cc->nlocal_ts,
	    &s->sa.local, rc.local_ts);
	rc.nremote_ts = exch_child_ts(cc->remote_ts, cc->nremote_ts,
	    &s->sa.remote, rc.remote_ts);
	if (child_dp_spi_alloc(d, &rc.spi_in, err, sizeof(err)) != 0) {
		log_err(s->who, "%s", err);
		return;
	}
	memset(&nsa, 0, sizeof(nsa));
	r = ike_child_request_in(&s->sa, buf, len, &rc, &made, &nsa, resp,
	    sizeof(resp), &rlen, err, sizeof(err));
	if (r == IKE_CHILD_DROP) {
		child_dp_spi_free(d, rc.spi_in);
		d->dropped++;
		log_info(s->who, "dropping CREATE_CHILD_SA request: %s", err);
		return;
	}
	if (r == IKE_CHILD_OK && made.kind == IKE_CHILD_REKEY) {
		rekeyed_by_peer(d, s, cc, &made, resp, rlen);
		return;
	}
	ikesa_keep_resp(s, resp, rlen, s->sa.msgid_in - 1);
	dmn_send(d, s, resp, rlen, 0);
	if (r != IKE_CHILD_OK) {
		child_dp_spi_free(d, rc.spi_in);
		log_err(s->who, "CREATE_CHILD_SA refused: %s", err);
		diag_refused(&d->diag, s->conn, cc->name, made.kind, err);
		return;
	}
	if (made.kind == IKE_CHILD_IKE_REKEY) {
		int crossing = s->req == REQ_CHILD &&
		    s->cur.kind == TASK_IKE_REKEY;

		child_dp_spi_free(d, rc.spi_in);
		if ((ns = exch_ike_successor(d, s, &nsa)) == NULL)
			return;
		/* our rekey of it is out too: settled on its answer */
		if (crossing) {
			exch_collide_ike_note(s, ns, made.ni, made.ni_len,
			    made.nr, made.nr_len);
			log_info(s->who, "IKE_SA %s rekeyed by the peer while "
			    "our rekey of it is out: a collision, settled when "
			    "its answer comes", s->who);
		}
		/* the peer deletes the old one (RFC 7296 2.18); if it does
		 * not, it goes in 30 s */
		s->expire = dmn_now() + 30;
		return;
	}
	exch_child_up(d, s, cc->name, &made.child, 0, 0, 0);
	exch_next(d, s);
}

/* ---- initiator ------------------------------------------------------ */

static int
send_child(struct daemon *d, struct ikesa *s, const struct conf_child *cc,
    uint32_t rekey_spi)
{
	static uint8_t buf[IKE_MSG_MAX];
	char err[512];
	size_t len;

	if (s->creq.spi_in == 0 &&
	    exch_child_req(d, s, cc, err, sizeof(err)) != 0) {
		log_err(s->who, "CHILD_SA %s: %s", cc->name, err);
		return -1;
	}
	if (ike_child_request(&s->sa, &s->cx, &s->creq, rekey_spi, buf,
	    sizeof(buf), &len, err, sizeof(err)) != 0) {
		log_err(s->who, "CHILD_SA %s: %s", cc->name, err);
		child_dp_spi_free(d, s->creq.spi_in);
		s->creq.spi_in = 0;
		return -1;
	}
	return dmn_request(d, s, REQ_CHILD, buf, len, s->cx.msgid);
}

static int
send_info(struct daemon *d, struct ikesa *s, const struct ike_info_req *q)
{
	static uint8_t buf[IKE_MSG_MAX];
	char err[512];
	size_t len;
	uint32_t msgid = s->sa.msgid_out;

	if (ike_info_request(&s->sa, q, buf, sizeof(buf), &len, err,
	    sizeof(err)) != 0) {
		log_err(s->who, "INFORMATIONAL: %s", err);
		return -1;
	}
	return dmn_request(d, s, REQ_INFO, buf, len, msgid);
}

/* Runs one task; 0 if a request went out. */
static int
run_task(struct daemon *d, struct ikesa *s, const struct ikesa_task *t)
{
	const struct conf_child *cc;
	struct child_rec *r;
	struct ike_info_req q;

	memset(&q, 0, sizeof(q));
	ike_child_xchg_clear(&s->cx);
	memset(&s->cx, 0, sizeof(s->cx));
	memset(&s->creq, 0, sizeof(s->creq));
	s->cur = *t;
	switch (t->kind) {
	case TASK_CHILD:
		if ((cc = exch_conf_child(d, s, t->name)) == NULL)
			return -1;
		log_info(s->who, "creating CHILD_SA %s", t->name);
		return send_child(d, s, cc, 0);
	case TASK_REKEY:
		if ((r = ikesa_child_by_spi(s, t->spi)) == NULL ||
		    r->state != CHILD_INSTALLED || r->staged ||
		    (cc = exch_conf_child(d, s, r->name)) == NULL)
			return -1;
		snprintf(s->cur.name, sizeof(s->cur.name), "%s", r->name);
		log_info(s->who, "rekeying CHILD_SA %s{%u} (SPIs %08x_i "
		    "%08x_o)", r->name, r->uniq, r->spi_in, r->spi_out);
		diag_rekey_start(&d->diag, s->conn, r->name, 1);
		return send_child(d, s, cc, r->spi_in);
	case TASK_DEL_CHILD:
		if ((r = ikesa_child_by_spi(s, t->spi)) == NULL)
			return -1;
		if (r->state != CHILD_REKEYED)
			r->state = CHILD_DELETING;
		q.esp = &t->spi;
		q.nesp = 1;
		log_info(s->who, "deleting CHILD_SA %s{%u} (SPIs %08x_i "
		    "%08x_o)", r->name, r->uniq, r->spi_in, r->spi_out);
		return send_info(d, s, &q);
	case TASK_DEL_IKE:
		q.delete_ike = 1;
		log_info(s->who, "deleting IKE_SA %s", s->who);
		return send_info(d, s, &q);
	case TASK_DPD:
		diag_dpd(&d->diag, s->conn);
		return send_info(d, s, &q);
	case TASK_IKE_REKEY:
		return exch_send_ike_rekey(d, s);
	}
	return -1;
}

void
exch_next(struct daemon *d, struct ikesa *s)
{
	struct ikesa_task t;

	while (s->req == REQ_NONE && s->sa.state == IKE_S_ESTABLISHED &&
	    ikesa_task_pop(s, &t) == 0)
		if (run_task(d, s, &t) == 0)
			return;
}

void
exch_child_response(struct daemon *d, struct ikesa *s, const uint8_t *buf,
    size_t len)
{
	struct ike_child ch;
	enum ike_child_result r;
	char err[1024], name[IKESA_NAME_MAX];
	const struct conf_child *cc;
	struct child_rec *old, *rival, *n;
	struct ikesa *h;
	uint32_t rekeyed = s->cur.kind == TASK_REKEY ? s->cur.spi : 0;

	if (s->cur.kind == TASK_IKE_REKEY) {
		exch_ike_rekey_response(d, s, buf, len);
		return;
	}
	snprintf(name, sizeof(name), "%s", s->cur.name);
	r = ike_child_response_in(&s->sa, &s->cx, buf, len, &s->creq, &ch,
	    err, sizeof(err));
	if (r == IKE_CHILD_DROP) {
		d->dropped++;
		log_info(s->who, "dropping CREATE_CHILD_SA response: %s", err);
		return;
	}
	ikesa_req_done(s);
	if (r == IKE_CHILD_RETRY) {
		log_info(s->who, "%s", err);
		if ((cc = exch_conf_child(d, s, name)) == NULL ||
		    send_child(d, s, cc, rekeyed) != 0)
			exch_next(d, s);
		return;
	}
	/* the peer rekeyed the IKE SA meanwhile: the CHILD SAs, and this
	 * new one, are its successor's */
	h = exch_home(d, s);
	old = rekeyed != 0 ? ikesa_child_by_spi(h, rekeyed) : NULL;
	if (r != IKE_CHILD_OK) {
		child_dp_spi_free(d, s->creq.spi_in);
		log_err(s->who, "CHILD_SA %s %s failed: %s", name, rekeyed ?
		    "rekey" : "creation", err);
		diag_child_failed(&d->diag, s->conn, name, rekeyed != 0, err);
		if (old != NULL)
			exch_rekey_failed(d, h, old);
		exch_next(d, h);
		return;
	}
	diag_child_rekeyed(&d->diag, s->conn, name, rekeyed);
	if (rekeyed != 0 && (rival = exch_collide_rival(h, rekeyed, 1)) !=
	    NULL) {
		/* the peer rekeyed it too: ours inbound only until the
		 * collision is settled */
		uint32_t theirs = rival->spi_in;

		n = exch_child_up(d, h, name, &ch, 1, exch_collide_holder(d, h,
		    rekeyed), 1);
		if (n != NULL) {
			exch_collide_note(n, rekeyed, 1, s->cx.ni, s->cx.ni_len,
			    s->cx.nr, s->cx.nr_len);
			exch_collide_settle(d, h, n->spi_in, theirs);
		}
		exch_next(d, h);
		return;
	}
	/* make-before-break: the new CHILD_SA whole, the old one's rules
	 * moved to it in one step; the old inbound SA stays a while for
	 * packets under way, and the peer is told to delete the old */
	if (old != NULL && old->state == CHILD_INSTALLED && !old->staged) {
		old->state = CHILD_REKEYED;
		n = exch_child_up(d, h, name, &ch, 1, rekeyed, 0);
		if ((old = ikesa_child_by_spi(h, rekeyed)) != NULL)
			old->gone_at = dmn_now() + REKEY_GRACE;
		ikesa_task_add(h, TASK_DEL_CHILD, NULL, rekeyed);
	} else {
		n = exch_child_up(d, h, name, &ch, 1, 0, 0);
		if (old != NULL) {
			old->state = CHILD_REKEYED;
			ikesa_task_add(h, TASK_DEL_CHILD, NULL, rekeyed);
		}
	}
	/* kept, in case the peer's rekey of the same one comes late */
	if (n != NULL && rekeyed != 0)
		exch_collide_note(n, rekeyed, 1, s->cx.ni, s->cx.ni_len,
		    s->cx.nr, s->cx.nr_len);
	exch_next(d, h);
}

void
exch_info_response(struct daemon *d, struct ikesa *s, const uint8_t *buf,
    size_t len)
{
	struct ike_child ch[IKESA_CHILD_MAX];
	struct ike_info_got got;
	enum ike_info_result r;
	char err[512];
	size_t n = children_of(s, ch);

	r = ike_info_response_in(&s->sa, buf, len, ch, n, &got, err,
	    sizeof(err));
	if (r == IKE_INFO_DROP) {
		d->dropped++;
		log_info(s->who, "dropping INFORMATIONAL response: %s", err);
		return;
	}
	ikesa_req_done(s);
	exch_watch_answered(d, s);	/* a black hole's liveness check */
	diag_info_answered(&d->diag, s);
	if (r == IKE_INFO_FAIL)
		log_err(s->who, "INFORMATIONAL: %s", err);
	if (s->cur.kind == TASK_DEL_IKE) {
		exch_destroy(d, s, NULL);
		return;
	}
	if (s->cur.kind == TASK_DEL_CHILD) {
		struct child_rec *c = ikesa_child_by_spi(s, s->cur.spi);

		/* a rekeyed one's inbound SA stays until gone_at */
		if (c != NULL && c->state == CHILD_REKEYED && c->gone_at >
		    dmn_now())
			log_info(s->who, "CHILD_SA %s{%u} with SPIs %08x_i "
			    "%08x_o: the peer deleted it; its inbound SA "
			    "stays %.0f s more for packets under way", c->name,
			    c->uniq, c->spi_in, c->spi_out, c->gone_at -
			    dmn_now());
		else if (c != NULL)
			exch_child_gone(d, s, c, c->state == CHILD_REKEYED ?
			    "replaced by its rekey" : "deleted");
	}
	exch_next(d, s);
}

/* ---- commands -------------------------------------------------------- */

int
exch_create_child(struct daemon *d, struct ikesa *s,
    const struct conf_child *ch, char *err)
{
	if (ikesa_task_add(s, TASK_CHILD, ch->name, 0) != 0) {
		if (err != NULL)
			snprintf(err, 256, "%s: too much queued", s->who);
		return -1;
	}
	exch_next(d, s);
	return 0;
}

int
exch_delete_child(struct daemon *d, struct ikesa *s, struct child_rec *c)
{
	if (ikesa_task_add(s, TASK_DEL_CHILD, NULL, c->spi_in) != 0)
		return -1;
	exch_next(d, s);
	return 0;
}

void
exch_delete_ike(struct daemon *d, struct ikesa *s)
{
	if (s->sa.state != IKE_S_ESTABLISHED) {
		s->no_retry = 1;
		/* one being deleted already goes without a word */
		exch_destroy(d, s, s->sa.state == IKE_S_DELETING ? NULL :
		    "terminated before it was up");
		return;
	}
	/* a DELETE of the IKE SA goes before anything else queued; ours:
	 * no close_action, no re-initiation */
	s->no_retry = 1;
	s->ntask = 0;
	ikesa_task_add(s, TASK_DEL_IKE, NULL, 0);
	exch_next(d, s);
}

int
exch_rekey_child(struct daemon *d, struct ikesa *s, struct child_rec *c,
    FILE *out)
{
	if (c->state != CHILD_INSTALLED)
		return -1;
	if (ikesa_task_add(s, TASK_REKEY, NULL, c->spi_in) != 0) {
		fprintf(out, "rekey: %s: too much queued\n", s->who);
		return -1;
	}
	exch_next(d, s);
	return 0;
}
