/*
 * daemon.c - nicsecd's core: packets in, to the IKE SA they are for, and
 * the exchange code's answers out; the retransmission schedule; the
 * commands of the control socket.  See daemon.h.
 *
 * nicsecd keeps one request out per IKE SA (a window of one, RFC 7296
 * 2.3), so a request's response is known by its message ID alone, and the
 * peer's retransmitted request is answered from the last response kept.
 */
#include "daemon.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exch.h"
#include "ike_cert.h"
#include "ike_msg.h"
#include "ike_wire.h"
#include "log.h"

double
dmn_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
creds_free(struct ike_creds **cr, size_t n, uint8_t *certreq)
{
	for (size_t i = 0; cr != NULL && i < n; i++)
		ike_creds_free(cr[i]);
	free(cr);
	free(certreq);
}

/* Every connection's credentials, and the CERTREQ data of all their CAs
 * (each hash once).  -1 with the line naming the connection. */
static int
creds_load(const struct conf *cf, struct ike_creds ***out, uint8_t **certreq,
    size_t *certreq_len, char *err, size_t errlen)
{
	struct ike_creds **cr = calloc(cf->nconns + 1, sizeof(*cr));
	uint8_t h[4096], *all = NULL;
	size_t n = 0, hl;

	if (cr == NULL)
		return snprintf(err, errlen, "out of memory"), -1;
	for (size_t i = 0; i < cf->nconns; i++) {
		uint8_t *na;

		if (ike_cert_creds_load(cf, &cf->conns[i], &cr[i], err,
		    errlen) != 0)
			goto fail;
		if (cr[i] == NULL || ike_creds_certreq(cr[i], h, sizeof(h),
		    &hl) != 0 || hl == 0)
			continue;
		if ((na = realloc(all, n + hl)) == NULL)
			goto fail;
		all = na;
		for (size_t k = 0; k + 20 <= hl; k += 20) {
			size_t j;

			for (j = 0; j + 20 <= n && memcmp(all + j, h + k, 20);
			    j += 20)
				;
			if (j + 20 > n) {
				memcpy(all + n, h + k, 20);
				n += 20;
			}
		}
	}
	*out = cr;
	*certreq = all;
	*certreq_len = n;
	return 0;
fail:
	creds_free(cr, cf->nconns, all);
	return -1;
}

const struct ike_creds *
dmn_creds(const struct daemon *d, const char *conn)
{
	for (size_t i = 0; d->creds != NULL && i < d->conf->nconns; i++)
		if (strcmp(d->conf->conns[i].name, conn) == 0)
			return d->creds[i];
	return NULL;
}

int
dmn_init(struct daemon *d, struct conf *conf, char *err, size_t errlen)
{
	memset(&d->t, 0, sizeof(d->t));
	memset(&d->diag, 0, sizeof(d->diag));
	d->conf = conf;
	d->dropped = 0;
	memset(&d->cookie, 0, sizeof(d->cookie));
	if (creds_load(conf, &d->creds, &d->certreq, &d->certreq_len, err,
	    errlen) != 0)
		return -1;
	return ike_random(d->cookie.secret, sizeof(d->cookie.secret), err,
	    errlen);
}

void
dmn_free(struct daemon *d)
{
	free(d->pending);
	d->pending = NULL;
	d->npending = d->cap_pending = 0;
	creds_free(d->creds, d->conf ? d->conf->nconns : 0, d->certreq);
	d->creds = NULL;
	d->certreq = NULL;
	while (d->t.head != NULL)
		exch_destroy(d, d->t.head, NULL);
	diag_hist_free(&d->diag);
	conf_free(d->conf);
	d->conf = NULL;
}

/* ---- sending and retransmitting ------------------------------------ */

/* The wait before send number tries+1 (0: the first retransmit). */
static double
rto(const struct conf_daemon *c, unsigned tries)
{
	double t = c->retransmit_timeout * pow(c->retransmit_base, tries);

	return c->retransmit_limit > 0 && t > c->retransmit_limit ?
	    c->retransmit_limit : t;
}

void
dmn_send(struct daemon *d, struct ikesa *s, const uint8_t *buf, size_t len,
    int outgoing_request)
{
	char err[256], line[1024], to[64];

	exch_summary(s, buf, len, 1, line, sizeof(line));
	log_info(s->who, "sending %s to %s", line,
	    ike_addr_str(&s->sa.remote, to, sizeof(to)));
	if (ike_socks_send(&d->socks, &s->sa.local, &s->sa.remote, buf, len,
	    err, sizeof(err)) != 0)
		log_err(s->who, "%s", err);
	(void)outgoing_request;
}

int
dmn_request(struct daemon *d, struct ikesa *s, enum ikesa_req kind,
    const uint8_t *buf, size_t len, uint32_t msgid)
{
	if (ikesa_keep_req(s, kind, buf, len, msgid) != 0) {
		log_err(s->who, "out of memory keeping a request");
		return -1;
	}
	s->req_first = dmn_now();
	s->next_send = s->req_first + rto(&d->conf->daemon, 0);
	dmn_send(d, s, buf, len, 1);
	return 0;
}

static void
retransmit(struct daemon *d, struct ikesa *s, double now)
{
	const struct conf_daemon *c = &d->conf->daemon;
	char to[64];

	if (s->tries >= c->retransmit_tries) {
		log_err(s->who, "giving up after %u retransmits: no response "
		    "from %s to %s request %u", s->tries,
		    ike_addr_str(&s->sa.remote, to, sizeof(to)),
		    exch_req_name(s->req), s->req_msgid);
		exch_peer_dead(d, s);
		return;
	}
	s->tries++;
	log_info(s->who, "retransmit %u of request with message ID %u",
	    s->tries, s->req_msgid);
	s->next_send = now + rto(c, s->tries);
	dmn_send(d, s, s->req_buf, s->req_len, 1);
}

/* Our IKE SAs between IKE_SA_INIT and the end of IKE_AUTH. */
size_t
dmn_inflight(const struct daemon *d)
{
	size_t n = 0;

	for (const struct ikesa *s = d->t.head; s != NULL; s = s->next)
		n += s->sa.initiator && s->sa.state < IKE_S_ESTABLISHED;
	return n;
}

int
dmn_defer(struct daemon *d, const char *conn, const char *child)
{
	struct dmn_pending *p;

	for (size_t i = 0; i < d->npending; i++)
		if (strcmp(d->pending[i].conn, conn) == 0 &&
		    strcmp(d->pending[i].child, child) == 0)
			return 0;
	if (d->npending == d->cap_pending) {
		size_t cap = d->cap_pending ? d->cap_pending * 2 : 64;

		if ((p = realloc(d->pending, cap * sizeof(*p))) == NULL)
			return -1;
		d->pending = p;
		d->cap_pending = cap;
	}
	p = &d->pending[d->npending++];
	snprintf(p->conn, sizeof(p->conn), "%s", conn);
	snprintf(p->child, sizeof(p->child), "%s", child);
	return 0;
}

/* Starts waiting initiations while there is room (the configuration
 * may have lost their connection since: then they are dropped). */
static void
drain_pending(struct daemon *d)
{
	size_t room = INIT_INFLIGHT_MAX - dmn_inflight(d), k = 0;

	while (k < d->npending && room > 0) {
		struct dmn_pending p = d->pending[k++];
		const struct conf_conn *c = conf_conn_find(d->conf, p.conn);

		for (size_t j = 0; c != NULL && j < c->nchildren; j++)
			if (strcmp(c->children[j].name, p.child) == 0) {
				exch_start_child(d, c, &c->children[j], NULL);
				room--;
			}
	}
	memmove(d->pending, d->pending + k, (d->npending - k) *
	    sizeof(*d->pending));
	d->npending -= k;
}

double
dmn_timers(struct daemon *d)
{
	double now = dmn_now(), next = now + 3600;
	struct ikesa *s, *nx;

	if (d->npending > 0 && dmn_inflight(d) < INIT_INFLIGHT_MAX)
		drain_pending(d);

	for (s = d->t.head; s != NULL; s = nx) {
		nx = s->next;
		if (s->expire != 0 && now >= s->expire) {
			exch_expired(d, s);
			continue;
		}
		if (s->req != REQ_NONE && now >= s->next_send) {
			uint64_t spi = ikesa_our_spi(s);

			retransmit(d, s, now);
			if (ikesa_find(&d->t, spi) != s)
				continue;	/* given up on: gone */
		}
		if (s->keepalive_next != 0 && now >= s->keepalive_next) {
			ike_socks_keepalive(&d->socks, &s->sa.local,
			    &s->sa.remote);
			s->keepalive_next = now + (double)d->conf->daemon.keep_alive;
		}
	}
	/* lifetimes, rekeys, DPD, re-initiation (exch_life.c) */
	double life = exch_life_timers(d, now);
	/* ICMP echo through the tunnels (exch_monitor.c) */
	double mon = exch_monitor_timers(d, now);
	/* trap: rules on for children with no CHILD_SA (exch_trap.c) */
	double trp = exch_trap_timers(d, now);

	if (life < next)
		next = life;
	if (mon < next)
		next = mon;
	if (trp < next)
		next = trp;
	for (s = d->t.head; s != NULL; s = s->next) {
		if (s->expire != 0 && s->expire < next)
			next = s->expire;
		if (s->req != REQ_NONE && s->next_send < next)
			next = s->next_send;
		if (s->keepalive_next != 0 && s->keepalive_next < next)
			next = s->keepalive_next;
	}
	return next > now ? next - now : 0;
}

/* ---- packets in ----------------------------------------------------- */

static void
drop(struct daemon *d, const char *who, const struct sockaddr_storage *from,
    const char *why)
{
	char a[64];

	d->dropped++;
	log_info(who, "dropping packet from %s: %s",
	    ike_addr_str(from, a, sizeof(a)), why);
}

void
dmn_packet(struct daemon *d, int idx, uint8_t *buf, size_t len,
    const struct sockaddr_storage *from, const struct sockaddr_storage *to)
{
	struct ike_msg m;
	struct ikesa *s;
	uint64_t ours;
	char err[512], why[600];
	int response;

	(void)idx;
	if (ike_msg_parse(buf, len, &m, err, sizeof(err)) != IKE_OK) {
		drop(d, NULL, from, err);
		return;
	}
	response = (m.hdr.flags & IKE_FLAG_RESPONSE) != 0;
	if (m.hdr.exchange == IKE_SA_INIT && !response) {
		exch_init_request(d, &m, buf, len, from, to);
		return;
	}
	/* The I flag says who sent it: the original initiator's messages
	 * are for the responder's SPI. */
	ours = (m.hdr.flags & IKE_FLAG_INITIATOR) ? m.hdr.spi_r : m.hdr.spi_i;
	if ((s = ikesa_find(&d->t, ours)) == NULL ||
	    s->sa.spi_i != m.hdr.spi_i || (s->sa.spi_r != m.hdr.spi_r &&
	    !(m.hdr.exchange == IKE_SA_INIT && s->sa.spi_r == 0))) {
		snprintf(why, sizeof(why), "%s %s %u: no IKE SA with SPIs "
		    "%016llx_i %016llx_r", ike_exchange_name(m.hdr.exchange),
		    response ? "response" : "request", m.hdr.msgid,
		    (unsigned long long)m.hdr.spi_i,
		    (unsigned long long)m.hdr.spi_r);
		drop(d, NULL, from, why);
		return;
	}
	if (response) {
		if (s->req == REQ_NONE || m.hdr.msgid != s->req_msgid) {
			snprintf(why, sizeof(why), "response %u to no request "
			    "of ours (%s)", m.hdr.msgid, s->req == REQ_NONE ?
			    "none is out" : "another is out");
			drop(d, s->who, from, why);
			return;
		}
		exch_response(d, s, &m, buf, len, from, to);
		return;
	}
	if (s->resp_buf != NULL && m.hdr.msgid == s->resp_msgid &&
	    m.hdr.msgid + 1 == s->sa.msgid_in) {
		/* our response was lost: the same again, not a new one */
		log_info(s->who, "received retransmit of request with ID %u, "
		    "retransmitting response", m.hdr.msgid);
		dmn_send(d, s, s->resp_buf, s->resp_len, 0);
		return;
	}
	if (m.hdr.msgid != s->sa.msgid_in) {
		snprintf(why, sizeof(why), "%s request with message ID %u, "
		    "outside the window (expected %u)",
		    ike_exchange_name(m.hdr.exchange), m.hdr.msgid,
		    s->sa.msgid_in);
		drop(d, s->who, from, why);
		return;
	}
	exch_request(d, s, &m, buf, len, from, to);
}

/* ---- commands ------------------------------------------------------- */

static const struct conf_child *
find_child(const struct conf *cf, const char *child, const char *ike,
    const struct conf_conn **conn)
{
	for (size_t i = 0; i < cf->nconns; i++) {
		const struct conf_conn *c = &cf->conns[i];

		if (ike != NULL && strcmp(c->name, ike) != 0)
			continue;
		for (size_t j = 0; j < c->nchildren; j++)
			if (child == NULL ||
			    strcmp(c->children[j].name, child) == 0) {
				*conn = c;
				return &c->children[j];
			}
	}
	return NULL;
}

void
dmn_start_all(struct daemon *d)
{
	const struct conf *cf = d->conf;

	for (size_t i = 0; i < cf->nconns; i++)
		for (size_t j = 0; j < cf->conns[i].nchildren; j++)
			if (cf->conns[i].children[j].start_action &
			    CONF_ACTION_START)
				exch_start_child(d, &cf->conns[i],
				    &cf->conns[i].children[j], NULL);
	exch_trap_start_all(d);
}

int
dmn_initiate(struct daemon *d, const char *child, const char *ike,
    FILE *out)
{
	const struct conf_conn *conn = NULL;
	const struct conf_child *ch;
	char err[256];

	if (child == NULL && ike == NULL) {
		fprintf(out, "initiate: give --child NAME or --ike NAME\n");
		return 1;
	}
	if ((ch = find_child(d->conf, child, ike, &conn)) == NULL) {
		fprintf(out, "initiate: no child '%s'%s%s%s in the "
		    "configuration\n", child ? child : "(any)", ike ?
		    " in connection '" : "", ike ? ike : "", ike ? "'" : "");
		return 1;
	}
	if (exch_start_child(d, conn, ch, err) != 0) {
		fprintf(out, "initiate: %s\n", err);
		return 1;
	}
	fprintf(out, "initiating %s: child %s of connection %s\n",
	    conn->name, ch->name, conn->name);
	return 0;
}

int
dmn_terminate(struct daemon *d, const char *ike, const char *child,
    FILE *out)
{
	struct ikesa *s, *nx;
	size_t stopped, traps;
	int n = 0;

	if (ike == NULL && child == NULL) {
		fprintf(out, "terminate: give --ike NAME or --child NAME\n");
		return 1;
	}
	/* what the operator closes is not initiated again */
	if ((stopped = exch_retry_stop(d, ike, child)) > 0)
		fprintf(out, "terminate: no more tries to initiate %zu child%s "
		    "that failed to come up\n", stopped, stopped == 1 ? "" :
		    "ren");
	if ((traps = exch_trap_disarm(d, ike, child)) > 0)
		fprintf(out, "terminate: %zu trap%s removed (close_action or "
		    "dpd_action trap armed %s)\n", traps, traps == 1 ? "" : "s",
		    traps == 1 ? "it" : "them");
	for (s = d->t.head; s != NULL; s = nx) {
		nx = s->next;
		if (ike != NULL && strcmp(s->conn, ike) != 0 &&
		    strcmp(s->who, ike) != 0)
			continue;
		/* closed by the operator: not "down by monitor" */
		exch_monitor_stop(s->conn, child);
		if (child != NULL) {
			for (size_t i = 0; i < s->nchild; i++)
				if (strcmp(s->child[i].name, child) == 0 &&
				    exch_delete_child(d, s, &s->child[i]) == 0)
					n++;
			continue;
		}
		exch_delete_ike(d, s);
		n++;
	}
	if (n == 0 && stopped + traps > 0)
		return 0;
	if (n == 0) {
		fprintf(out, "terminate: no %s SA '%s' is up\n", child ?
		    "CHILD" : "IKE", child ? child : ike);
		return 1;
	}
	fprintf(out, "terminating %d %s SA%s\n", n, child ? "CHILD" : "IKE",
	    n == 1 ? "" : "s");
	return 0;
}

int
dmn_rekey(struct daemon *d, const char *ike, const char *child, FILE *out)
{
	int n = 0;

	if (ike == NULL && child == NULL) {
		fprintf(out, "rekey: give --ike NAME or --child NAME\n");
		return 1;
	}
	for (struct ikesa *s = d->t.head; s != NULL; s = s->next) {
		if (ike != NULL && strcmp(s->conn, ike) != 0 &&
		    strcmp(s->who, ike) != 0)
			continue;
		if (s->sa.state != IKE_S_ESTABLISHED)
			continue;
		/* --ike alone: the IKE SA itself, as swanctl --rekey --ike */
		if (child == NULL) {
			if (ikesa_task_add(s, TASK_IKE_REKEY, NULL, 0) == 0) {
				exch_next(d, s);
				n++;
			}
			continue;
		}
		for (size_t i = 0; i < s->nchild; i++)
			if ((child == NULL || strcmp(s->child[i].name,
			    child) == 0) && exch_rekey_child(d, s,
			    &s->child[i], out) == 0)
				n++;
	}
	if (n == 0 && child == NULL) {
		fprintf(out, "rekey: no IKE SA %s is up\n", ike);
		return 1;
	}
	if (n == 0) {
		fprintf(out, "rekey: no CHILD SA %s%s%s to rekey\n",
		    child ? child : "", child && ike ? " of " : "",
		    ike ? ike : "");
		return 1;
	}
	fprintf(out, "rekeying %d %s SA%s\n", n, child ? "CHILD" : "IKE",
	    n == 1 ? "" : "s");
	return 0;
}

int
dmn_reload(struct daemon *d, const char *path, FILE *out)
{
	struct conf *nc;
	struct ike_creds **ncr = NULL;
	uint8_t *ncq = NULL;
	size_t kept = 0, ncql = 0;
	char err[1024];

	if (conf_load(path, &nc, err, sizeof(err)) != 0 ||
	    creds_load(nc, &ncr, &ncq, &ncql, err, sizeof(err)) != 0) {
		/* the running configuration stays as it was */
		conf_free(nc);
		fprintf(out, "reload: %s (nothing changed)\n", err);
		log_err(NULL, "reload of %s failed, keeping the configuration "
		    "as it was: %s", path, err);
		return 1;
	}
	/* IKE SAs whose connection is gone are closed; the others are
	 * kept and follow the new configuration from now on. */
	for (struct ikesa *s = d->t.head, *nx; s != NULL; s = nx) {
		nx = s->next;
		if (s->conn[0] != '\0' && conf_conn_find(nc, s->conn) == NULL) {
			log_info(s->who, "connection %s is gone from the "
			    "configuration, closing its IKE SA", s->conn);
			exch_delete_ike(d, s);
		} else {
			kept++;
		}
	}
	/* start_action = start: the children of connections this reload
	 * adds.  One the operator terminated stays down until initiated. */
	for (size_t i = 0; i < nc->nconns; i++)
		nc->conns[i].is_new = conf_conn_find(d->conf,
		    nc->conns[i].name) == NULL;
	creds_free(d->creds, d->conf->nconns, d->certreq);
	conf_free(d->conf);
	d->conf = nc;
	d->creds = ncr;
	d->certreq = ncq;
	d->certreq_len = ncql;
	log_info(NULL, "configuration reloaded from %s: %zu connections, "
	    "%zu secrets", path, nc->nconns, nc->nsecrets);
	fprintf(out, "reloaded %s: %zu connections, %zu secrets, %zu IKE SAs "
	    "kept\n", path, nc->nconns, nc->nsecrets, kept);
	for (size_t i = 0; i < nc->nconns; i++)
		for (size_t j = 0; nc->conns[i].is_new &&
		    j < nc->conns[i].nchildren; j++)
			if (nc->conns[i].children[j].start_action &
			    CONF_ACTION_START)
				exch_start_child(d, &nc->conns[i],
				    &nc->conns[i].children[j], NULL);
	exch_trap_reload(d);
	return 0;
}
