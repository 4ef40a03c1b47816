/*
 * exch_ike.c - IKE_SA_INIT and IKE_AUTH in the daemon, both roles: which
 * connection an initiator's packets are for, NAT-T's move to port 4500,
 * and the first CHILD_SA.  The exchanges themselves are ike_init.c and
 * ike_auth.c; this file feeds them the configuration and acts on what
 * they return.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "child_dp.h"
#include "exch.h"
#include "ike_auth.h"
#include "ike_cert.h"
#include "ike_err.h"
#include "ike_init.h"
#include "ike_ts.h"
#include "ike_wire.h"
#include "log.h"

/* How long a responder keeps an IKE SA that has done IKE_SA_INIT but not
 * IKE_AUTH (strongSwan's half_open_timeout). */
#define HALF_OPEN_TIMEOUT	30.0

const struct conf_conn *
exch_conn(const struct daemon *d, const struct ikesa *s)
{
	return s->conn[0] != '\0' ? conf_conn_find(d->conf, s->conn) : NULL;
}

const struct conf_child *
exch_conf_child(const struct daemon *d, const struct ikesa *s,
    const char *name)
{
	const struct conf_conn *c = exch_conn(d, s);

	if (c == NULL)
		return NULL;
	for (size_t i = 0; i < c->nchildren; i++)
		if (strcmp(c->children[i].name, name) == 0)
			return &c->children[i];
	return NULL;
}

/* A configured ID on the wire: DNs (as DER) and a certificate's subject
 * for our %any come from ike_cert.c, the rest from conn_cfg.c. */
static int
conf_id_wire(const struct ike_creds *cr, const struct conf_id *id,
    const struct sockaddr_storage *addr, struct cfg_id *out, char *err,
    size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (id->type == CONF_ID_DER_ASN1_DN ||
	    (cr != NULL && id->type == CONF_ID_ANY))
		return ike_cert_conf_id(cr, id, &out->type, out->data,
		    sizeof(out->data), &out->len, err, errlen);
	return cfg_id_wire(id, addr, out, err, errlen);
}

/* Does the peer's ID satisfy conn's remote ID (as strongSwan compares:
 * DNs as names, FQDNs without case)? */
static int
peer_id_ok(const struct conf_conn *c, const struct cfg_id *peer)
{
	struct cfg_id want;

	if (c->remote.id.type == CONF_ID_ANY)
		return 1;
	/* FQDNs and emails without case and with `*` wildcards, as
	 * conn_cfg.c compares them; DNs as names (ike_cert.c) */
	if (c->remote.id.type != CONF_ID_DER_ASN1_DN)
		return cfg_id_match(&c->remote.id, peer->type, peer->data,
		    peer->len);
	if (conf_id_wire(NULL, &c->remote.id, NULL, &want, NULL, 0) != 0)
		return 0;
	return ike_cert_id_equal(want.type, want.data, want.len, peer->type,
	    peer->data, peer->len);
}

/*
 * Our ID and how we prove it, whom we expect and how: a certificate for a
 * round with auth = pubkey, else the PSK that secrets has for the two IDs
 * (peer: the ID the peer sent, when known).  A PSK that can't be found is
 * logged and an empty one used, so that the exchange fails with the line
 * that says so at both ends.
 */
static void
auth_cfg(struct daemon *d, struct ikesa *s, const struct conf_conn *c,
    const struct cfg_id *peer, struct ike_auth_cfg *a)
{
	const struct ike_creds *cr = dmn_creds(d, c->name);
	const struct conf_secret *sec;
	int lpk = c->local.auth == CONF_AUTH_PUBKEY;
	int rpk = c->remote.auth == CONF_AUTH_PUBKEY;
	char l[300], r[300];

	memset(a, 0, sizeof(*a));
	if (conf_id_wire(lpk ? cr : NULL, &c->local.id, &s->sa.local,
	    &s->local_id, l, sizeof(l)) != 0) {
		log_err(s->who, "our ID: %s", l);
		cfg_id_wire(&(struct conf_id){ 0 }, &s->sa.local, &s->local_id,
		    NULL, 0);
	}
	if (conf_id_wire(NULL, &c->remote.id, NULL, &s->remote_id, r,
	    sizeof(r)) != 0)
		log_err(s->who, "the peer's ID: %s", r);
	a->id_type = s->local_id.type;
	a->id = s->local_id.data;
	a->id_len = s->local_id.len;
	a->peer_id_type = s->remote_id.type;
	a->peer_id = s->remote_id.data;
	a->peer_id_len = s->remote_id.len;
	a->cert = lpk ? cr : NULL;
	a->trust = rpk ? cr : NULL;
	a->send_cert = c->send_cert;
	a->no_certreq = !c->send_certreq;
	if (lpk && rpk)
		return;
	sec = cfg_psk(d->conf, &s->local_id, peer != NULL ? peer :
	    &s->remote_id);
	if (sec != NULL) {
		a->psk = sec->secret;
		a->psk_len = sec->len;
		return;
	}
	ike_cert_id_str(s->local_id.type, s->local_id.data, s->local_id.len,
	    l, sizeof(l));
	if (peer != NULL)
		ike_cert_id_str(peer->type, peer->data, peer->len, r, sizeof(r));
	else
		ike_cert_id_str(s->remote_id.type, s->remote_id.data,
		    s->remote_id.len, r, sizeof(r));
	log_err(s->who, "no shared key found for '%s' - '%s' (add a "
	    "secrets.ike section with one of them as id)", l, r);
	a->psk = (const uint8_t *)"";
}

int
exch_child_req(struct daemon *d, struct ikesa *s, const struct conf_child *ch,
    char *err, size_t errlen)
{
	struct ike_child_req *r = &s->creq;

	memset(r, 0, sizeof(*r));
	memcpy(s->esp, ch->esp, ch->nesp * sizeof(ch->esp[0]));
	r->esp = s->esp;
	r->nesp = ch->nesp;
	r->ntsi = exch_child_ts(ch->local_ts, ch->nlocal_ts, &s->sa.local, r->tsi);
	r->ntsr = exch_child_ts(ch->remote_ts, ch->nremote_ts, &s->sa.remote,
	    r->tsr);
	snprintf(s->child_name, sizeof(s->child_name), "%s", ch->name);
	return child_dp_spi_alloc(d, &r->spi_in, err, errlen);
}

/* ---- initiator ------------------------------------------------------ */

int
exch_has_child(const struct daemon *d, const char *conn, const char *child)
{
	for (const struct ikesa *s = d->t.head; s != NULL; s = s->next) {
		if (strcmp(s->conn, conn) != 0)
			continue;
		if (s->sa.state != IKE_S_ESTABLISHED &&
		    strcmp(s->child_name, child) == 0)
			return 1;	/* being set up */
		for (size_t i = 0; i < s->nchild; i++)
			if (strcmp(s->child[i].name, child) == 0 &&
			    s->child[i].state == CHILD_INSTALLED)
				return 1;
	}
	return 0;
}

static void
send_init(struct daemon *d, struct ikesa *s, const struct conf_conn *c)
{
	static uint8_t buf[IKE_MSG_MAX];
	char err[512];
	size_t len;

	if (ike_init_request(&s->sa, c->ike, c->nike, buf, sizeof(buf), &len,
	    err, sizeof(err)) != 0) {
		exch_destroy(d, s, err);
		return;
	}
	dmn_request(d, s, REQ_INIT, buf, len, 0);
}

/* Logs why a connection can't be initiated, and tells the caller (err:
 * 256 bytes, or NULL). */
static int
start_fail(char *err, const char *fmt, const char *a, const char *b)
{
	char m[768];

	snprintf(m, sizeof(m), fmt, a, b);
	log_err(NULL, "%s", m);
	if (err != NULL)
		snprintf(err, 256, "%.255s", m);
	return -1;
}

int
exch_conn_addrs(const struct daemon *d, const struct conf_conn *c,
    struct sockaddr_storage *remote, struct sockaddr_storage *local,
    char *err, size_t errlen)
{
	char e[256];
	size_t i;

	for (i = 0; i < c->nremote_addrs && !c->remote_addrs[i].host; i++)
		;
	if (i == c->nremote_addrs)
		return ike_errf(err, errlen, "connection %s has no single "
		    "remote address to initiate to", c->name);
	memset(remote, 0, sizeof(*remote));
	remote->ss_family = (sa_family_t)c->remote_addrs[i].family;
	if (remote->ss_family == AF_INET6)
		memcpy(&((struct sockaddr_in6 *)remote)->sin6_addr,
		    c->remote_addrs[i].from, 16);
	else
		memcpy(&((struct sockaddr_in *)remote)->sin_addr,
		    c->remote_addrs[i].from, 4);
	ike_addr_set_port(remote, c->remote_port);
	if (ike_route_source(remote, d->socks.port, local, e, sizeof(e)) != 0)
		return ike_errf(err, errlen, "connection %s: %s", c->name, e);
	return 0;
}

int
exch_start_child(struct daemon *d, const struct conf_conn *c,
    const struct conf_child *ch, char *err)
{
	struct sockaddr_storage remote, local;
	struct ikesa *s;
	char e[512];

	if (exch_has_child(d, c->name, ch->name))
		return 0;
	/* an IKE SA is up: the child comes by CREATE_CHILD_SA */
	for (s = d->t.head; s != NULL; s = s->next)
		if (strcmp(s->conn, c->name) == 0 &&
		    s->sa.state == IKE_S_ESTABLISHED)
			return exch_create_child(d, s, ch, err);
	if (dmn_inflight(d) >= INIT_INFLIGHT_MAX) {
		if (dmn_defer(d, c->name, ch->name) != 0)
			return start_fail(err, "%s: out of memory", c->name, "");
		return 0;
	}
	if (exch_conn_addrs(d, c, &remote, &local, e, sizeof(e)) != 0)
		return start_fail(err, "%s%s", e, "");
	if ((s = ikesa_new(&d->t, c->name, 1)) == NULL)
		return start_fail(err, "%s%s", "out of memory", "");
	s->created = dmn_now();
	s->sa.local = local;
	s->sa.remote = remote;
	s->sa.fake_natd = c->encap;
	snprintf(s->child_name, sizeof(s->child_name), "%s", ch->name);
	log_info(s->who, "initiating IKE_SA %s to %s", c->name,
	    ike_addr_str(&remote, e, sizeof(e)));
	if (ike_init_begin(&s->sa, c->ike, c->nike, 0, e, sizeof(e)) != 0) {
		exch_destroy(d, s, e);
		return -1;
	}
	send_init(d, s, c);
	return 0;
}

static void
send_auth(struct daemon *d, struct ikesa *s, const struct conf_conn *c)
{
	static uint8_t buf[IKE_MSG_MAX];
	const struct conf_child *ch;
	struct ike_auth_cfg a;
	char err[512];
	size_t len;

	if ((ch = exch_conf_child(d, s, s->child_name)) == NULL) {
		exch_destroy(d, s, "its child is gone from the configuration");
		return;
	}
	if (exch_child_req(d, s, ch, err, sizeof(err)) != 0) {
		exch_destroy(d, s, err);
		return;
	}
	auth_cfg(d, s, c, NULL, &a);
	if (ike_auth_request(&s->sa, &a, &s->creq, buf, sizeof(buf), &len,
	    err, sizeof(err)) != 0) {
		exch_destroy(d, s, err);
		return;
	}
	dmn_request(d, s, REQ_AUTH, buf, len, 1);
}

/* After IKE_SA_INIT: to port 4500 if there is a NAT, or encap = yes
 * (RFC 7296 2.23, RFC 3948), and keepalives if the NAT is ours. */
static void
float_natt(struct daemon *d, struct ikesa *s, int encap)
{
	if (!(s->sa.nat_local || s->sa.nat_remote || encap))
		return;
	if (ike_addr_port(&s->sa.local) == d->socks.port)
		ike_addr_set_port(&s->sa.local, d->socks.natt_port);
	if (ike_addr_port(&s->sa.remote) == IKE_PORT)
		ike_addr_set_port(&s->sa.remote, IKE_NATT_PORT);
	if (s->sa.nat_local && d->conf->daemon.keep_alive != 0)
		s->keepalive_next = dmn_now() +
		    (double)d->conf->daemon.keep_alive;
}

static const char *
nat_str(const struct ikesa *s)
{
	return s->sa.nat_local && s->sa.nat_remote ? "both ends behind NATs" :
	    s->sa.nat_local ? "we are behind a NAT" : s->sa.nat_remote ?
	    "the peer is behind a NAT" : "no NAT";
}

void
exch_init_response(struct daemon *d, struct ikesa *s, const struct ike_msg *m)
{
	const struct conf_conn *c = exch_conn(d, s);
	enum ike_init_result r;
	char err[1024], suite[256];

	if (c == NULL) {
		exch_destroy(d, s, "its connection is gone from the "
		    "configuration");
		return;
	}
	r = ike_init_response_in(&s->sa, m, c->ike, c->nike, err,
	    sizeof(err));
	switch (r) {
	case IKE_INIT_RETRY:
		log_info(s->who, "%s", err);
		ikesa_req_done(s);
		send_init(d, s, c);
		return;
	case IKE_INIT_OK:
		break;
	case IKE_INIT_DROP:
		log_info(s->who, "dropping IKE_SA_INIT response: %s", err);
		return;
	default:
		exch_destroy(d, s, err);
		return;
	}
	ikesa_req_done(s);
	ike_xform_format(&s->sa.chosen, suite, sizeof(suite));
	log_info(s->who, "IKE_SA_INIT done: %s, %s", suite, nat_str(s));
	float_natt(d, s, c->encap);
	send_auth(d, s, c);
}

void
exch_auth_response(struct daemon *d, struct ikesa *s, const uint8_t *buf,
    size_t len)
{
	const struct conf_conn *c = exch_conn(d, s);
	struct ike_auth_cfg a;
	struct ike_child ch;
	enum ike_auth_result r;
	char err[1024];

	if (c == NULL) {
		exch_destroy(d, s, "its connection is gone from the "
		    "configuration");
		return;
	}
	auth_cfg(d, s, c, NULL, &a);
	r = ike_auth_response_in(&s->sa, buf, len, &a, &s->creq, &ch, err,
	    sizeof(err));
	if (r == IKE_AUTH_DROP) {
		log_info(s->who, "dropping IKE_AUTH response: %s", err);
		return;
	}
	ikesa_req_done(s);
	if (r == IKE_AUTH_FAIL) {
		child_dp_spi_free(d, s->creq.spi_in);
		exch_destroy(d, s, err);
		return;
	}
	exch_ike_up(d, s);
	if (r == IKE_AUTH_CHILD_FAIL) {
		child_dp_spi_free(d, s->creq.spi_in);
		log_err(s->who, "CHILD_SA %s not established: %s",
		    s->child_name, err);
		diag_setup_error(&d->diag, s->conn, s->child_name, err);
	} else {
		exch_child_up(d, s, s->child_name, &ch, 1, 0, 0);
	}
	s->child_name[0] = '\0';
	exch_next(d, s);
}

/* ---- responder ------------------------------------------------------ */

void
exch_init_request(struct daemon *d, const struct ike_msg *m,
    const uint8_t *buf, size_t len, const struct sockaddr_storage *from,
    const struct sockaddr_storage *to)
{
	static uint8_t resp[IKE_MSG_MAX];
	const struct conf_conn *conns[8];
	enum ike_init_result r;
	struct ikesa *s;
	char err[1024], a[64], b[64], suite[256], line[512];
	size_t rlen;

	(void)buf;
	(void)len;
	if ((s = ikesa_find_init(&d->t, m->hdr.spi_i, from)) != NULL) {
		if (s->resp_buf != NULL && s->sa.state == IKE_S_INIT_DONE &&
		    s->resp_msgid == 0) {
			log_info(s->who, "received retransmit of IKE_SA_INIT "
			    "request, retransmitting response");
			dmn_send(d, s, s->resp_buf, s->resp_len, 0);
		}
		return;
	}
	ike_msg_summary(m, line, sizeof(line));
	log_info(NULL, "received %s from %s", line,
	    ike_addr_str(from, a, sizeof(a)));
	if (cfg_conns_for(d->conf, to, from, conns, 8) == 0) {
		d->dropped++;
		log_err(NULL, "no connection for IKE_SA_INIT from %s to %s "
		    "(no local_addrs/remote_addrs match), ignoring it",
		    ike_addr_str(from, a, sizeof(a)),
		    ike_addr_str(to, b, sizeof(b)));
		return;
	}
	if ((s = ikesa_new(&d->t, conns[0]->name, 0)) == NULL)
		return;
	s->created = dmn_now();
	s->sa.local = *to;
	s->sa.remote = *from;
	s->sa.fake_natd = conns[0]->encap;
	d->cookie.required = d->conf->daemon.cookie_threshold != 0 &&
	    d->t.half_open >= d->conf->daemon.cookie_threshold;
	/* our CERTREQ: every CA we trust, for whichever connection it is */
	s->sa.certreq = d->certreq;
	s->sa.certreq_len = d->certreq_len;
	r = ike_init_request_in(&s->sa, m, conns[0]->ike, conns[0]->nike,
	    &d->cookie, resp, sizeof(resp), &rlen, err, sizeof(err));
	s->sa.certreq = NULL;
	s->sa.certreq_len = 0;
	if (r == IKE_INIT_ANSWER) {
		/* stateless (COOKIE, INVALID_KE, NO_PROPOSAL): say why */
		if (ike_msg_notify(m, N_COOKIE) == NULL &&
		    !d->cookie.required)
			log_err(s->who, "%s", err);
		else
			log_info(s->who, "%s", err);
		if (ike_msg_notify(m, N_COOKIE) == NULL && !d->cookie.required)
			diag_setup_error(&d->diag, s->conn, NULL, err);
		dmn_send(d, s, resp, rlen, 0);
		exch_destroy(d, s, NULL);
		return;
	}
	if (r != IKE_INIT_OK) {
		d->dropped++;
		log_info(s->who, "dropping IKE_SA_INIT request from %s: %s",
		    ike_addr_str(from, a, sizeof(a)), err);
		exch_destroy(d, s, NULL);
		return;
	}
	d->t.half_open++;
	s->expire = s->created + HALF_OPEN_TIMEOUT;
	ike_xform_format(&s->sa.chosen, suite, sizeof(suite));
	log_info(s->who, "%s is initiating an IKE_SA: %s, %s",
	    ike_addr_str(from, a, sizeof(a)), suite, nat_str(s));
	ikesa_keep_resp(s, resp, rlen, 0);
	dmn_send(d, s, resp, rlen, 0);
}

/*
 * The connection an IKE_AUTH request is for: of those whose addresses
 * match, the first whose remote ID the peer's IDi satisfies; else the
 * first, so that the exchange fails with the line that names both IDs.
 */
static const struct conf_conn *
auth_conn(struct daemon *d, struct ikesa *s, const struct cfg_id *peer)
{
	const struct conf_conn *conns[16];
	size_t n = cfg_conns_for(d->conf, &s->sa.local, &s->sa.remote, conns,
	    16);

	for (size_t i = 0; i < n; i++)
		if (peer_id_ok(conns[i], peer) && conns[i]->nchildren > 0)
			return conns[i];
	for (size_t i = 0; i < n; i++)
		if (peer_id_ok(conns[i], peer))
			return conns[i];
	return n > 0 ? conns[0] : NULL;
}

void
exch_auth_request(struct daemon *d, struct ikesa *s, const uint8_t *buf,
    size_t len)
{
	static uint8_t resp[IKE_MSG_MAX];
	const struct conf_conn *c;
	const struct conf_child *ch;
	struct ike_auth_rcfg rc;
	struct ike_child child;
	struct cfg_id peer;
	enum ike_auth_result r;
	char err[1024];
	size_t rlen;

	if (s->sa.state != IKE_S_INIT_DONE) {
		log_info(s->who, "dropping IKE_AUTH request: the IKE SA is "
		    "past IKE_AUTH");
		return;
	}
	if (ike_auth_peek_id(&s->sa, buf, len, &peer.type, peer.data,
	    sizeof(peer.data), &peer.len, err, sizeof(err)) != 0) {
		d->dropped++;
		log_info(s->who, "dropping IKE_AUTH request: %s", err);
		return;
	}
	if ((c = auth_conn(d, s, &peer)) == NULL) {
		exch_destroy(d, s, "its connection is gone from the "
		    "configuration");
		return;
	}
	ikesa_set_conn(s, c->name);
	memset(&rc, 0, sizeof(rc));
	auth_cfg(d, s, c, &peer, &rc.auth);
	ch = exch_pick_child(d, s, c, buf, len, IKE_AUTH);
	if (ch != NULL) {
		rc.esp = ch->esp;
		rc.nesp = ch->nesp;
		rc.nlocal_ts = exch_child_ts(ch->local_ts, ch->nlocal_ts,
		    &s->sa.local, rc.local_ts);
		rc.nremote_ts = exch_child_ts(ch->remote_ts, ch->nremote_ts,
		    &s->sa.remote, rc.remote_ts);
		if (child_dp_spi_alloc(d, &rc.spi_in, err, sizeof(err)) != 0) {
			log_err(s->who, "%s", err);
			return;
		}
	}
	r = ike_auth_request_in(&s->sa, buf, len, &rc, &child, resp,
	    sizeof(resp), &rlen, err, sizeof(err));
	if (r == IKE_AUTH_DROP) {
		child_dp_spi_free(d, rc.spi_in);
		d->dropped++;
		log_info(s->who, "dropping IKE_AUTH request: %s", err);
		return;
	}
	ikesa_keep_resp(s, resp, rlen, s->sa.msgid_in - 1);
	dmn_send(d, s, resp, rlen, 0);
	if (r == IKE_AUTH_FAIL) {
		child_dp_spi_free(d, rc.spi_in);
		exch_destroy(d, s, err);
		return;
	}
	s->remote_id = peer;
	exch_ike_up(d, s);
	if (r == IKE_AUTH_CHILD_FAIL || ch == NULL) {
		child_dp_spi_free(d, rc.spi_in);
		log_err(s->who, "CHILD_SA not established: %s", ch ? err :
		    "the connection has no children");
		diag_setup_error(&d->diag, s->conn, ch ? ch->name : NULL,
		    ch ? err : "the connection has no children");
		return;
	}
	exch_child_up(d, s, ch->name, &child, 0, 0, 0);
	exch_next(d, s);
}
