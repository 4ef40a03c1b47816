/*
 * exch_life.c - what the daemon does on its own, by the clock: CHILD SA
 * lifetimes (rekey at rekey_time less a random part of rand_time, delete
 * at life_time; the card's byte and packet limits), the IKE SA's rekey
 * (rekey_time, rand_time, over_time), make-before-break's second steps
 * (switch the outbound SA, then drop the old inbound SA after a grace
 * period), dead peer detection (dpd_delay) and dpd_action, close_action
 * on the peer's DELETE, and initiating again with back-off the children
 * that are to be kept up.  docs/nicsecd.md, "Lifetimes, rekeying and
 * DPD", says what each does and why.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "child_dp.h"
#include "dataplane.h"
#include "exch.h"
#include "ike_child.h"
#include "ike_crypto.h"
#include "log.h"
#include "nicsec.h"

/* A uniform random wait in [0, max] seconds (swanctl.conf's rand_time). */
static double
jitter(uint64_t max)
{
	uint32_t u = 0;

	if (max == 0 || ike_random(&u, sizeof(u), NULL, 0) != 0)
		return 0;
	return (double)max * ((double)u / 4294967295.0);
}

static int
wants_up(const struct conf_child *cc)
{
	return ((cc->start_action | cc->close_action | cc->dpd_action) &
	    CONF_ACTION_START) != 0;
}

const struct conf_child *
exch_conf_child_of(const struct daemon *d, const char *conn, const char *child,
    const struct conf_conn **cp)
{
	const struct conf_conn *c = conf_conn_find(d->conf, conn);

	*cp = c;
	for (size_t i = 0; c != NULL && i < c->nchildren; i++)
		if (strcmp(c->children[i].name, child) == 0)
			return &c->children[i];
	return NULL;
}

/* ---- lifetimes ------------------------------------------------------ */

void
exch_life_child(struct daemon *d, struct ikesa *s, struct child_rec *r)
{
	const struct conf_child *cc = exch_conf_child(d, s, r->name);
	double now = dmn_now();

	r->rekey_at = r->expire_at = r->gone_at = 0;
	r->switch_at = r->staged ? now + SWITCH_WAIT : 0;
	if (cc == NULL)
		return;
	if (cc->rekey_time > 0)
		r->rekey_at = now + (double)cc->rekey_time -
		    jitter(cc->rand_time);
	if (cc->life_time > 0)
		r->expire_at = now + (double)cc->life_time;
}

void
exch_life_ike(struct daemon *d, struct ikesa *s)
{
	const struct conf_conn *c = exch_conn(d, s);
	double now = dmn_now();

	s->rekey_at = s->life_at = 0;
	if (c == NULL || c->rekey_time == 0)
		return;
	s->rekey_at = now + (double)c->rekey_time - jitter(c->rand_time);
	/* over_time 0 (a rekey_time under 10 s, by default): no limit */
	if (c->over_time > 0)
		s->life_at = now + (double)(c->rekey_time + c->over_time);
}

/* ---- make-before-break ---------------------------------------------- */

/* Is a DELETE of this CHILD SA queued or out? */
static int
delete_pending(const struct ikesa *s, uint32_t spi)
{
	if (s->req != REQ_NONE && s->cur.kind == TASK_DEL_CHILD &&
	    s->cur.spi == spi)
		return 1;
	for (size_t i = 0; i < s->ntask; i++)
		if (s->task[i].kind == TASK_DEL_CHILD && s->task[i].spi == spi)
			return 1;
	return 0;
}

void
exch_rekey_switch(struct daemon *d, struct ikesa *s, struct child_rec *old,
    const char *why)
{
	struct child_rec *n = NULL;

	for (size_t i = 0; i < s->nchild; i++)
		if (s->child[i].staged && s->child[i].replaces == old->spi_in)
			n = &s->child[i];
	if (old->gone_at == 0)
		old->gone_at = dmn_now() + REKEY_GRACE;
	if (n == NULL)
		return;
	if (child_dp_switch(d, s, n) != 0) {
		/* inbound only, or not switched: the tunnel can't send */
		n->staged = 0;
		n->state = CHILD_DELETING;
		ikesa_task_add(s, TASK_DEL_CHILD, NULL, n->spi_in);
		exch_next(d, s);
		return;
	}
	log_info(s->who, "CHILD_SA %s{%u} rekeyed: outbound moved from "
	    "%08x_o to %08x_o (%s); the old inbound SA %08x_i stays %.0f s "
	    "for packets under way", n->name, n->uniq, old->spi_out,
	    n->spi_out, why, old->spi_in, REKEY_GRACE);
}

void
exch_rekey_failed(struct daemon *d, struct ikesa *s, struct child_rec *old)
{
	double now = dmn_now(), wait = REKEY_RETRY;

	(void)d;
	if (old->state != CHILD_INSTALLED)
		return;
	/* less than REKEY_RETRY left: again half-way to the end */
	if (old->expire_at != 0 && now + wait >= old->expire_at)
		wait = (old->expire_at - now) / 2;
	if (wait < 1) {
		log_err(s->who, "CHILD_SA %s{%u}: no time left to rekey it "
		    "again before its life_time runs out in %.0f s", old->name,
		    old->uniq, old->expire_at - now);
		return;
	}
	old->rekey_at = now + wait;
	log_info(s->who, "CHILD_SA %s{%u}: rekeying it again in %.0f s%s",
	    old->name, old->uniq, wait, old->expire_at != 0 ?
	    " (before its life_time runs out)" : "");
}

/* ---- the IKE SA's rekey --------------------------------------------- */

void
exch_children_move(struct ikesa *from, struct ikesa *to)
{
	/* the CHILD SAs, and the work queued for them */
	memcpy(to->child, from->child, sizeof(from->child));
	to->nchild = from->nchild;
	from->nchild = 0;
	for (size_t i = 0; i < from->ntask; i++)
		if (from->task[i].kind != TASK_IKE_REKEY &&
		    from->task[i].kind != TASK_DEL_IKE &&
		    to->ntask < IKESA_TASK_MAX)
			to->task[to->ntask++] = from->task[i];
	from->ntask = 0;
}

struct ikesa *
exch_ike_successor(struct daemon *d, struct ikesa *s, struct ike_sa *nsa)
{
	struct ikesa *ns = ikesa_new(&d->t, s->conn, nsa->initiator);

	if (ns == NULL) {
		ike_sa_clear(nsa);
		return NULL;
	}
	ns->sa = *nsa;		/* the new SA's keys and contexts move */
	memset(nsa, 0, sizeof(*nsa));
	ns->local_id = s->local_id;
	ns->remote_id = s->remote_id;
	ns->created = ns->established = ns->last_in = dmn_now();
	ns->last_esp = s->last_esp;
	ns->keepalive_next = s->keepalive_next;
	exch_children_move(s, ns);
	s->rekey_at = s->life_at = 0;
	s->successor = ns->uniq;
	exch_life_ike(d, ns);
	diag_ike_rekeyed(&d->diag, ns);
	log_info(s->who, "IKE_SA rekeyed: %s is its successor, SPIs "
	    "%016llx_i %016llx_r, with its %zu CHILD SAs", ns->who,
	    (unsigned long long)ns->sa.spi_i, (unsigned long long)ns->sa.spi_r,
	    ns->nchild);
	return ns;
}

int
exch_send_ike_rekey(struct daemon *d, struct ikesa *s)
{
	static uint8_t buf[IKE_MSG_MAX];
	const struct conf_conn *c = exch_conn(d, s);
	char err[512];
	size_t len;

	if (c == NULL)
		return -1;
	log_info(s->who, "rekeying IKE_SA %s (SPIs %016llx_i %016llx_r)",
	    s->who, (unsigned long long)s->sa.spi_i,
	    (unsigned long long)s->sa.spi_r);
	diag_rekey_start(&d->diag, s->conn, NULL, 1);
	if (ike_child_ike_rekey_request(&s->sa, &s->cx, c->ike, c->nike, buf,
	    sizeof(buf), &len, err, sizeof(err)) != 0) {
		log_err(s->who, "IKE_SA rekey: %s", err);
		return -1;
	}
	return dmn_request(d, s, REQ_CHILD, buf, len, s->cx.msgid);
}

void
exch_ike_rekey_response(struct daemon *d, struct ikesa *s,
    const uint8_t *buf, size_t len)
{
	static struct ike_sa nsa;
	const struct conf_conn *c = exch_conn(d, s);
	enum ike_child_result r;
	struct ikesa *ns;
	char err[1024];

	if (c == NULL)
		return;
	memset(&nsa, 0, sizeof(nsa));
	r = ike_child_ike_rekey_response_in(&s->sa, &s->cx, buf, len, c->ike,
	    c->nike, &nsa, err, sizeof(err));
	if (r == IKE_CHILD_DROP) {
		d->dropped++;
		log_info(s->who, "dropping CREATE_CHILD_SA response: %s", err);
		return;
	}
	ikesa_req_done(s);
	if (r == IKE_CHILD_RETRY) {
		log_info(s->who, "%s", err);
		if (exch_send_ike_rekey(d, s) != 0)
			exch_next(d, s);
		return;
	}
	if (r != IKE_CHILD_OK) {
		s->rekey_at = dmn_now() + REKEY_RETRY;
		log_err(s->who, "IKE_SA %s rekey failed: %s; trying again in "
		    "%.0f s", s->who, err, REKEY_RETRY);
		diag_rekey_end(&d->diag, s->conn, NULL, DIAG_REFUSED, err);
		exch_next(d, s);
		return;
	}
	if (s->rival != 0 && exch_by_uniq(d, s->rival) != NULL) {
		exch_collide_ike(d, s, &nsa);
		return;
	}
	if ((ns = exch_ike_successor(d, s, &nsa)) == NULL)
		return;
	/* RFC 7296 2.18: the rekey's initiator deletes the old IKE SA */
	exch_delete_ike(d, s);
	exch_next(d, ns);
}

/* ---- peers that go away ----------------------------------------------- */

void
exch_close_action(struct daemon *d, const char *conn, const char *child)
{
	const struct conf_conn *c;
	const struct conf_child *cc = exch_conf_child_of(d, conn, child, &c);

	if (cc == NULL)
		return;
	diag_peer_delete(&d->diag, conn, child, cc->close_action);
	if (cc->close_action & CONF_ACTION_START) {
		log_info(conn, "CHILD_SA %s closed by the peer: close_action "
		    "start: initiating it again", child);
		exch_start_child(d, c, cc, NULL);
	} else if (cc->close_action & CONF_ACTION_TRAP) {
		log_info(conn, "CHILD_SA %s closed by the peer: close_action "
		    "trap: its traffic will start it again", child);
		exch_trap_arm(d, c, cc, "close_action trap");
	} else {
		log_info(conn, "CHILD_SA %s closed by the peer: close_action "
		    "none: it stays down", child);
	}
}

void
exch_peer_dead(struct daemon *d, struct ikesa *s)
{
	char line[1024], act[768], a[64], names[IKESA_CHILD_MAX][IKESA_NAME_MAX];
	char conn[IKESA_NAME_MAX];
	const char *what;
	size_t nn = 0, off = 0;
	double now = dmn_now();

	what = s->req == REQ_INFO && s->cur.kind == TASK_DPD ? "DPD" :
	    exch_req_name(s->req);
	snprintf(line, sizeof(line), "peer %s did not answer %s for %.0f s "
	    "(%u retransmits)", ike_ip_str(&s->sa.remote, a, sizeof(a)), what,
	    now - s->req_first, s->tries);
	if (s->sa.state < IKE_S_ESTABLISHED) {
		exch_destroy(d, s, line);	/* back-off, if kept up */
		return;
	}
	if (s->sa.state == IKE_S_DELETING && s->nchild == 0) {
		/* an old IKE SA: the peer may have taken our DELETE and lost
		 * its answer; it holds nothing either way */
		log_info(s->who, "IKE_SA %s removed: %s to our DELETE of it",
		    s->who, line);
		exch_destroy(d, s, NULL);
		return;
	}
	snprintf(conn, sizeof(conn), "%s", s->conn);
	act[0] = '\0';
	for (size_t i = 0; i < s->nchild; i++) {
		const struct conf_conn *c;
		const struct conf_child *cc;
		size_t k;

		for (k = 0; k < nn && strcmp(names[k], s->child[i].name); k++)
			;
		if (k < nn)
			continue;
		snprintf(names[nn++], IKESA_NAME_MAX, "%s", s->child[i].name);
		cc = exch_conf_child_of(d, conn, s->child[i].name, &c);
		off += (size_t)snprintf(act + off, off < sizeof(act) ?
		    sizeof(act) - off : 0, "%s%s", off ? "; " : "",
		    cc == NULL ? "its child is gone from the configuration" :
		    (cc->dpd_action & CONF_ACTION_START) ? "dpd_action restart: "
		    "initiating " : (cc->dpd_action & CONF_ACTION_TRAP) ?
		    "dpd_action trap: closing " : "dpd_action clear: "
		    "closing ");
		if (cc != NULL && off < sizeof(act))
			off += (size_t)snprintf(act + off, sizeof(act) - off,
			    "%s%s", s->child[i].name, (cc->dpd_action &
			    CONF_ACTION_START) ? " again" : (cc->dpd_action &
			    CONF_ACTION_TRAP) ? ", which its traffic will start "
			    "again" : "");
	}
	if (off >= sizeof(act))
		off = sizeof(act) - 1;
	snprintf(line + strlen(line), sizeof(line) - strlen(line), ": %s",
	    nn ? act : "closing the IKE SA");
	s->no_retry = 1;
	exch_destroy(d, s, line);
	for (size_t k = 0; k < nn; k++) {
		const struct conf_conn *c;
		const struct conf_child *cc = exch_conf_child_of(d, conn, names[k],
		    &c);

		if (cc != NULL && (cc->dpd_action & CONF_ACTION_START))
			exch_start_child(d, c, cc, NULL);
		else if (cc != NULL && (cc->dpd_action & CONF_ACTION_TRAP))
			exch_trap_arm(d, c, cc, "dpd_action trap");
	}
}

/* ---- initiating again, with back-off ---------------------------------- */

static struct dmn_retry *
retry_find(struct daemon *d, const char *conn, const char *child)
{
	for (size_t i = 0; i < d->nretry; i++)
		if (strcmp(d->retry[i].conn, conn) == 0 &&
		    strcmp(d->retry[i].child, child) == 0)
			return &d->retry[i];
	return NULL;
}

void
exch_retry(struct daemon *d, const char *conn, const char *child,
    const char *why)
{
	const struct conf_conn *c;
	const struct conf_child *cc = exch_conf_child_of(d, conn, child, &c);
	struct dmn_retry *e;
	double wait;

	if (cc == NULL || !wants_up(cc))
		return;
	if ((e = retry_find(d, conn, child)) == NULL) {
		if (d->nretry == DMN_RETRY_MAX)
			return;
		e = &d->retry[d->nretry++];
		memset(e, 0, sizeof(*e));
		snprintf(e->conn, sizeof(e->conn), "%s", conn);
		snprintf(e->child, sizeof(e->child), "%s", child);
	}
	e->n++;
	wait = e->n > 7 ? RETRY_MAX : fmin(RETRY_MAX, pow(2, e->n - 1));
	e->at = dmn_now() + wait;
	log_info(conn, "initiating %s failed (%s): trying again in %.0f s "
	    "(failure %u in a row; it is to be kept up)", child, why, wait,
	    e->n);
}

size_t
exch_retry_stop(struct daemon *d, const char *conn, const char *child)
{
	size_t k = 0, n = d->nretry;

	for (size_t i = 0; i < d->nretry; i++)
		if ((conn != NULL && strcmp(d->retry[i].conn, conn) != 0) ||
		    (child != NULL && strcmp(d->retry[i].child, child) != 0))
			d->retry[k++] = d->retry[i];
	d->nretry = k;
	return n - k;
}

void
exch_retry_clear(struct daemon *d, const char *conn)
{
	exch_retry_stop(d, conn, NULL);
}

static void
retries_due(struct daemon *d, double now, double *next)
{
	for (size_t i = 0; i < d->nretry; i++) {
		struct dmn_retry *e = &d->retry[i];
		const struct conf_conn *c;
		const struct conf_child *cc;
		char conn[IKESA_NAME_MAX], child[IKESA_NAME_MAX];

		if (e->at == 0)
			continue;
		if (now < e->at) {
			if (e->at < *next)
				*next = e->at;
			continue;
		}
		e->at = 0;
		snprintf(conn, sizeof(conn), "%s", e->conn);
		snprintf(child, sizeof(child), "%s", e->child);
		if ((cc = exch_conf_child_of(d, conn, child, &c)) == NULL) {
			exch_retry_clear(d, conn);
			return;		/* the table moved: next time */
		}
		log_info(conn, "initiating %s again (attempt %u)", child,
		    e->n + 1);
		if (exch_start_child(d, c, cc, NULL) != 0 &&
		    (e = retry_find(d, conn, child)) != NULL && e->at == 0)
			exch_retry(d, conn, child, "it could not be started");
	}
}

/* ---- the card's events ------------------------------------------------ */

static void
on_event(void *arg, const struct dp_event *ev)
{
	struct daemon *d = arg;
	struct child_rec *r = NULL;
	struct ikesa *s;

	if (ev->spi_in == 0)
		return;
	for (s = d->t.head; s != NULL && r == NULL; s = r ? s : s->next)
		r = ikesa_child_by_spi(s, ev->spi_in);
	if (r == NULL || s == NULL || r->state != CHILD_INSTALLED)
		return;
	switch (ev->type) {
	case NICSEC_EV_SOFT_LIMIT:
	case NICSEC_EV_SEQ_NEAR_END:
		if (r->staged)
			return;
		log_info(s->who, "CHILD_SA %s{%u}: its %s SA %08x reached a "
		    "soft limit on the card (%s): rekeying it", r->name,
		    r->uniq, ev->out ? "outbound" : "inbound", ev->spi,
		    ev->type == NICSEC_EV_SOFT_LIMIT ? "rekey_bytes or "
		    "rekey_packets" : "sequence numbers near their end");
		r->rekey_at = 0;
		ikesa_task_add(s, TASK_REKEY, NULL, r->spi_in);
		exch_next(d, s);
		break;
	case NICSEC_EV_HARD_LIMIT:
	case NICSEC_EV_SEQ_EXHAUSTED:
		log_err(s->who, "CHILD_SA %s{%u}: its %s SA %08x reached its "
		    "hard limit on the card (%s) before a rekey: deleting it",
		    r->name, r->uniq, ev->out ? "outbound" : "inbound",
		    ev->spi, ev->type == NICSEC_EV_HARD_LIMIT ? "life_bytes "
		    "or life_packets" : "sequence numbers used up");
		r->state = CHILD_DELETING;
		r->rekey_at = r->expire_at = 0;
		ikesa_task_add(s, TASK_DEL_CHILD, NULL, r->spi_in);
		exch_next(d, s);
		break;
	default:
		break;
	}
}

/* ---- the timers --------------------------------------------------------- */

static void
soonest(double *next, double t)
{
	if (t > 0 && t < *next)
		*next = t;
}

/* The CHILD SAs of s; last first, since one may go. */
static void
child_timers(struct daemon *d, struct ikesa *s, double now, double *next)
{
	for (size_t i = s->nchild; i-- > 0;) {
		struct child_rec *r = &s->child[i];
		const struct conf_child *cc = exch_conf_child(d, s, r->name);

		if (r->state == CHILD_REKEYED && r->gone_at != 0 &&
		    now >= r->gone_at) {
			if (delete_pending(s, r->spi_in)) {
				r->gone_at = now + 1;	/* its DELETE first */
			} else {
				exch_child_gone(d, s, r, "replaced by its "
				    "rekey, its inbound SA kept for packets "
				    "under way");
				continue;
			}
		}
		if (r->staged && r->switch_at != 0) {
			struct child_rec *old = ikesa_child_by_spi(s,
			    r->replaces);
			uint64_t mark = r->in_mark;
			int esp = dp_child_inbound_since(d->dp, r->spi_in,
			    &mark) == 1;

			if (esp || now >= r->switch_at) {
				if (old != NULL)
					exch_rekey_switch(d, s, old, esp ?
					    "ESP came in on the new one" :
					    "the peer's DELETE of the old one "
					    "did not come in time");
				else
					child_dp_switch(d, s, r);
				r = &s->child[i];
			}
		}
		if (r->state != CHILD_INSTALLED || r->staged) {
			soonest(next, r->gone_at);
			soonest(next, r->switch_at);
			continue;
		}
		if (r->expire_at != 0 && now >= r->expire_at) {
			log_err(s->who, "CHILD_SA %s{%u} with SPIs %08x_i "
			    "%08x_o reached its life_time (%llus) without a "
			    "rekey: deleting it", r->name, r->uniq, r->spi_in,
			    r->spi_out, cc ? (unsigned long long)cc->life_time :
			    0ULL);
			r->expire_at = r->rekey_at = 0;
			r->state = CHILD_DELETING;
			ikesa_task_add(s, TASK_DEL_CHILD, NULL, r->spi_in);
			exch_next(d, s);
			continue;
		}
		if (r->rekey_at != 0 && now >= r->rekey_at) {
			r->rekey_at = 0;
			log_info(s->who, "CHILD_SA %s{%u}: rekey_time (%llus, "
			    "less up to rand_time %llus) reached: rekeying it",
			    r->name, r->uniq, cc ? (unsigned long long)
			    cc->rekey_time : 0ULL, cc ? (unsigned long long)
			    cc->rand_time : 0ULL);
			ikesa_task_add(s, TASK_REKEY, NULL, r->spi_in);
			exch_next(d, s);
			r = &s->child[i];
		}
		soonest(next, r->rekey_at);
		soonest(next, r->expire_at);
	}
}

/* DPD: an empty INFORMATIONAL when nothing came from the peer, neither
 * IKE nor ESP, for dpd_delay.  The card's inbound counters are read every
 * second (or dpd_delay / 2), so that last_esp is within that of the last
 * packet. */
static void
dpd_timer(struct daemon *d, struct ikesa *s, double now, double *next)
{
	const struct conf_conn *c = exch_conn(d, s);
	double last;

	if (c == NULL || c->dpd_delay == 0)
		return;
	if (now >= s->esp_poll_at) {
		for (size_t i = 0; i < s->nchild; i++)
			if (dp_child_inbound_since(d->dp, s->child[i].spi_in,
			    &s->child[i].in_mark) == 1)
				s->last_esp = now;
		s->esp_poll_at = now + fmin(1.0, (double)c->dpd_delay / 2);
	}
	if (s->req != REQ_NONE || s->ntask != 0)
		return;		/* its answer, or retransmits, will tell */
	last = s->last_in > s->last_esp ? s->last_in : s->last_esp;
	if (now - last >= (double)c->dpd_delay) {
		log_info(s->who, "nothing from the peer for %.0f s, neither "
		    "IKE nor ESP (dpd_delay %llus): sending a liveness check",
		    now - last, (unsigned long long)c->dpd_delay);
		ikesa_task_add(s, TASK_DPD, NULL, 0);
		exch_next(d, s);
		return;
	}
	soonest(next, last + (double)c->dpd_delay);
	soonest(next, s->esp_poll_at);
}

double
exch_life_timers(struct daemon *d, double now)
{
	double next = now + 3600;

	dp_events(d->dp, on_event, d);
	retries_due(d, now, &next);
	soonest(&next, diag_sample(d, now));	/* diagnose's trend */
	for (struct ikesa *s = d->t.head, *nx; s != NULL; s = nx) {
		const struct conf_conn *c;

		nx = s->next;
		if (s->sa.state != IKE_S_ESTABLISHED)
			continue;
		c = exch_conn(d, s);
		if (s->life_at != 0 && now >= s->life_at) {
			log_err(s->who, "IKE_SA %s was not rekeyed within "
			    "rekey_time + over_time (%llus + %llus): deleting "
			    "it", s->who, c ? (unsigned long long)c->rekey_time
			    : 0ULL, c ? (unsigned long long)c->over_time : 0ULL);
			s->life_at = 0;
			exch_delete_ike(d, s);
			continue;
		}
		if (s->rekey_at != 0 && now >= s->rekey_at) {
			s->rekey_at = 0;
			log_info(s->who, "IKE_SA %s: rekey_time (%llus, less "
			    "up to rand_time %llus) reached: rekeying it",
			    s->who, c ? (unsigned long long)c->rekey_time : 0ULL,
			    c ? (unsigned long long)c->rand_time : 0ULL);
			ikesa_task_add(s, TASK_IKE_REKEY, NULL, 0);
			exch_next(d, s);
		}
		soonest(&next, s->rekey_at);
		soonest(&next, s->life_at);
		child_timers(d, s, now, &next);
		dpd_timer(d, s, now, &next);
		exch_watch_timers(d, s, now, &next);
	}
	return next;
}
