/*
 * diag_hist.c - see diag_hist.h.  Kept by connection name, so nothing
 * here points into an IKE SA: they come and go, the history stays.
 */
#include "diag_hist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "dataplane.h"
#include "ike_child.h"

void
diag_hist_free(struct diag_hist *h)
{
	free(h->conn);
	memset(h, 0, sizeof(*h));
}

const struct diag_conn *
diag_conn_find(const struct diag_hist *h, const char *conn)
{
	for (size_t i = 0; conn != NULL && i < h->n; i++)
		if (strcmp(h->conn[i].name, conn) == 0)
			return &h->conn[i];
	return NULL;
}

const struct diag_child *
diag_child_find(const struct diag_conn *c, const char *child)
{
	for (size_t i = 0; c != NULL && child != NULL && i < c->nchild; i++)
		if (strcmp(c->child[i].name, child) == 0)
			return &c->child[i];
	return NULL;
}

/* conn's record, made if need be; NULL for a responder's IKE SA that does
 * not know its connection yet, or with no memory (the history is only
 * for diagnose: nothing else fails for want of it). */
static struct diag_conn *
conn_get(struct diag_hist *h, const char *conn)
{
	struct diag_conn *c;

	if (conn == NULL || conn[0] == '\0')
		return NULL;
	if ((c = (struct diag_conn *)diag_conn_find(h, conn)) != NULL)
		return c;
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 8;

		if ((c = realloc(h->conn, cap * sizeof(*c))) == NULL)
			return NULL;
		h->conn = c;
		h->cap = cap;
	}
	c = &h->conn[h->n++];
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", conn);
	return c;
}

static struct diag_child *
child_get(struct diag_conn *c, const char *child)
{
	struct diag_child *k;

	if (c == NULL || child == NULL || child[0] == '\0')
		return NULL;
	if ((k = (struct diag_child *)diag_child_find(c, child)) != NULL)
		return k;
	if (c->nchild == DIAG_CHILDREN)
		return NULL;
	k = &c->child[c->nchild++];
	memset(k, 0, sizeof(*k));
	snprintf(k->name, sizeof(k->name), "%s", child);
	return k;
}

/* The rekey record of child, or of the IKE SA (child NULL). */
static struct diag_rekey *
rekey_get(struct diag_hist *h, const char *conn, const char *child)
{
	struct diag_conn *c = conn_get(h, conn);
	struct diag_child *k;

	if (c == NULL)
		return NULL;
	if (child == NULL)
		return &c->ike_rekey;
	return (k = child_get(c, child)) != NULL ? &k->rekey : NULL;
}

void
diag_rekey_start(struct diag_hist *h, const char *conn, const char *child,
    int ours)
{
	struct diag_rekey *r = rekey_get(h, conn, child);

	if (r == NULL)
		return;
	r->at = dmn_now();
	r->end_at = 0;
	r->ours = ours;
	r->how = DIAG_PENDING;
	r->why[0] = '\0';
}

void
diag_rekey_end(struct diag_hist *h, const char *conn, const char *child,
    enum diag_end how, const char *why)
{
	struct diag_rekey *r = rekey_get(h, conn, child);

	if (r == NULL)
		return;
	if (r->at == 0)
		r->at = dmn_now();
	r->end_at = dmn_now();
	r->how = how;
	snprintf(r->why, sizeof(r->why), "%s", why ? why : "");
	if (how == DIAG_DONE)
		r->ndone++;
	else
		r->nfailed++;
}

void
diag_rekey_peer(struct diag_hist *h, const char *conn, const char *child,
    enum diag_end how, const char *why)
{
	diag_rekey_start(h, conn, child, 0);
	diag_rekey_end(h, conn, child, how, why);
}

void
diag_child_failed(struct diag_hist *h, const char *conn, const char *child,
    int rekey, const char *why)
{
	if (rekey)
		diag_rekey_end(h, conn, child, DIAG_REFUSED, why);
	else
		diag_setup_error(h, conn, child, why);
}

void
diag_child_rekeyed(struct diag_hist *h, const char *conn, const char *child,
    uint32_t rekeyed)
{
	if (rekeyed != 0)
		diag_rekey_end(h, conn, child, DIAG_DONE, NULL);
}

void
diag_ike_rekeyed(struct diag_hist *h, const struct ikesa *ns)
{
	if (ns->sa.initiator)
		diag_rekey_end(h, ns->conn, NULL, DIAG_DONE, NULL);
	else
		diag_rekey_peer(h, ns->conn, NULL, DIAG_DONE, NULL);
}

void
diag_refused(struct diag_hist *h, const char *conn, const char *child,
    int kind, const char *why)
{
	if (kind == IKE_CHILD_REKEY)
		diag_rekey_peer(h, conn, child, DIAG_WE_REFUSED, why);
	else if (kind == IKE_CHILD_IKE_REKEY)
		diag_rekey_peer(h, conn, NULL, DIAG_WE_REFUSED, why);
	else
		diag_setup_error(h, conn, child, why);
}

void
diag_setup_error(struct diag_hist *h, const char *conn, const char *child,
    const char *why)
{
	struct diag_conn *c = conn_get(h, conn);

	if (c == NULL || why == NULL)
		return;
	c->setup_at = dmn_now();
	snprintf(c->setup_child, sizeof(c->setup_child), "%s",
	    child ? child : "");
	snprintf(c->setup, sizeof(c->setup), "%s", why);
}

void
diag_peer_delete(struct diag_hist *h, const char *conn, const char *child,
    int close_action)
{
	struct diag_child *k = child_get(conn_get(h, conn), child);

	if (k == NULL)
		return;
	k->deleted_at = dmn_now();
	k->close_action = close_action;
}

void
diag_dpd(struct diag_hist *h, const char *conn)
{
	struct diag_conn *c = conn_get(h, conn);

	if (c == NULL)
		return;
	c->dpd = DPD_SENT;
	c->dpd_at = dmn_now();
	c->dpd_answer_at = 0;
}

void
diag_info_answered(struct diag_hist *h, const struct ikesa *s)
{
	struct diag_conn *c;

	if (s->cur.kind != TASK_DPD || (c = conn_get(h, s->conn)) == NULL ||
	    c->dpd != DPD_SENT)
		return;
	c->dpd = DPD_ANSWERED;
	c->dpd_answer_at = dmn_now();
}

void
diag_ike_gone(struct diag_hist *h, const struct ikesa *s, const char *why)
{
	struct diag_conn *c = conn_get(h, s->conn);

	if (c == NULL)
		return;
	/* what was out when the peer was given up on did not get through */
	if (s->req == REQ_INFO && s->cur.kind == TASK_DPD && c->dpd == DPD_SENT)
		c->dpd = DPD_UNANSWERED;
	if (s->req == REQ_CHILD && s->cur.kind == TASK_REKEY)
		diag_rekey_end(h, s->conn, s->cur.name, DIAG_TIMEOUT, why);
	if (s->req == REQ_CHILD && s->cur.kind == TASK_IKE_REKEY)
		diag_rekey_end(h, s->conn, NULL, DIAG_TIMEOUT, why);
	/* our DELETE answered: terminate, reload, over_time, or the old
	 * SA of a rekey (whose successor is up, so this shows only if the
	 * tunnel is down) */
	if (why == NULL && s->established != 0 && s->cur.kind == TASK_DEL_IKE) {
		c->down_at = dmn_now();
		c->down_ours = 1;
		snprintf(c->down, sizeof(c->down), "nicsecd deleted it "
		    "(nicsecctl terminate, a reload, or rekey_time + over_time "
		    "ran out)");
		return;
	}
	if (why == NULL)
		return;
	/* never up (a refused IKE_AUTH leaves the state DEAD): setup */
	if (s->established == 0) {
		diag_setup_error(h, s->conn, NULL, why);
		return;
	}
	c->down_at = dmn_now();
	c->down_ours = 0;
	snprintf(c->down, sizeof(c->down), "%s", why);
}

/* ---- the counters ------------------------------------------------------ */

static void
sample_child(struct daemon *d, struct diag_conn *c, const char *name,
    double now)
{
	struct diag_child *k = child_get(c, name);
	struct diag_sample *sm;

	if (k == NULL)
		return;
	/* one sample a round: the first CHILD SA of this name makes it */
	if (k->nring > 0 && k->ring[(k->head + DIAG_SAMPLES - 1) %
	    DIAG_SAMPLES].at == now)
		return;
	sm = &k->ring[k->head];
	memset(sm, 0, sizeof(*sm));
	sm->at = now;
	for (struct ikesa *s = d->t.head; s != NULL; s = s->next) {
		if (strcmp(s->conn, c->name) != 0)
			continue;
		for (size_t i = 0; i < s->nchild; i++) {
			struct dp_counters n;

			if (strcmp(s->child[i].name, name) != 0 ||
			    sm->nsa == DIAG_SAMPLE_SAS)
				continue;
			memset(&n, 0, sizeof(n));
			if (d->dp != NULL)
				dp_child_counters(d->dp, s->child[i].spi_in, &n);
			sm->sa[sm->nsa].spi_in = s->child[i].spi_in;
			sm->sa[sm->nsa].in = n.in_packets;
			sm->sa[sm->nsa].out = n.out_packets;
			sm->nsa++;
		}
	}
	k->head = (k->head + 1) % DIAG_SAMPLES;
	if (k->nring < DIAG_SAMPLES)
		k->nring++;
}

double
diag_sample(struct daemon *d, double now)
{
	struct diag_hist *h = &d->diag;

	if (now < h->sample_at)
		return h->sample_at;
	h->sample_at = now + DIAG_SAMPLE_EVERY;
	for (struct ikesa *s = d->t.head; s != NULL; s = s->next) {
		struct diag_conn *c;

		if (s->sa.state != IKE_S_ESTABLISHED ||
		    (c = conn_get(h, s->conn)) == NULL)
			continue;
		for (size_t i = 0; i < s->nchild; i++)
			sample_child(d, c, s->child[i].name, now);
	}
	/* a child with no CHILD SA now gets an empty sample: its trend
	 * shows the gap instead of the counts of a minute ago */
	for (size_t i = 0; i < h->n; i++)
		for (size_t j = 0; j < h->conn[i].nchild; j++) {
			struct diag_child *k = &h->conn[i].child[j];

			if (k->nring > 0 && k->ring[(k->head + DIAG_SAMPLES -
			    1) % DIAG_SAMPLES].at != now)
				sample_child(d, &h->conn[i], k->name, now);
		}
	return h->sample_at;
}

/* Sample i of the ring, oldest first. */
static const struct diag_sample *
nth(const struct diag_child *c, size_t i)
{
	size_t first = (c->head + DIAG_SAMPLES - c->nring) % DIAG_SAMPLES;

	return &c->ring[(first + i) % DIAG_SAMPLES];
}

void
diag_step(const struct diag_child *c, size_t i, uint64_t *in, uint64_t *out)
{
	const struct diag_sample *a = nth(c, i - 1), *b = nth(c, i);

	*in = *out = 0;
	/* per CHILD SA: one new since the last sample counts from 0 */
	for (size_t j = 0; j < b->nsa; j++) {
		uint64_t pi = 0, po = 0;

		for (size_t k = 0; k < a->nsa; k++)
			if (a->sa[k].spi_in == b->sa[j].spi_in) {
				pi = a->sa[k].in;
				po = a->sa[k].out;
			}
		*in += b->sa[j].in >= pi ? b->sa[j].in - pi : b->sa[j].in;
		*out += b->sa[j].out >= po ? b->sa[j].out - po : b->sa[j].out;
	}
}

void
diag_trend(const struct diag_child *c, uint64_t *in, uint64_t *out,
    double *span)
{
	uint64_t a, b;

	*in = *out = 0;
	*span = 0;
	if (c == NULL || c->nring < 2)
		return;
	for (size_t i = 1; i < c->nring; i++) {
		diag_step(c, i, &a, &b);
		*in += a;
		*out += b;
	}
	*span = nth(c, c->nring - 1)->at - nth(c, 0)->at;
}
