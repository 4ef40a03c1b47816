/*
 * exch.c - the daemon's exchanges: what a message is for, the one-line
 * summaries, and the end of an IKE SA.  See exch.h.
 */
#include "exch.h"

#include <stdio.h>
#include <string.h>

#include "child_dp.h"
#include "ike_pld.h"
#include "ike_sk_msg.h"
#include "ike_cert.h"
#include "ike_ts.h"
#include "ike_wire.h"
#include "log.h"

/* "IKE_AUTH request 1 [ IDi AUTH SA TSi TSr ]": the inner payloads of an
 * SK message, opened with the key of its direction. */
void
exch_summary(const struct ikesa *s, const uint8_t *buf, size_t len,
    int outgoing, char *line, size_t cap)
{
	static uint8_t plain[IKE_MSG_MAX];
	const struct ike_sk_ctx *k;
	struct ike_msg m;
	size_t plen;
	char err[256];

	if (ike_msg_parse(buf, len, &m, err, sizeof(err)) != IKE_OK) {
		snprintf(line, cap, "a message that does not parse (%s)", err);
		return;
	}
	k = outgoing ? &s->sa.sk_out : &s->sa.sk_in;
	if (m.sk_off != 0 && ike_sk_open(k, buf, len, m.sk_off, plain,
	    sizeof(plain), &plen, err, sizeof(err)) == 0) {
		ike_msg_parse_inner(&m, plain, plen, err, sizeof(err));
		/* an empty SK (liveness) shows as [ ], as strongSwan logs it */
		if (plen == 0 && m.npld > 0 &&
		    m.pld[m.npld - 1].type == IKE_PLD_SK)
			m.npld--;
		ike_msg_summary(&m, line, cap);
		explicit_bzero(plain, plen);
		return;
	}
	ike_msg_summary(&m, line, cap);
}

const char *
exch_req_name(enum ikesa_req kind)
{
	switch (kind) {
	case REQ_INIT:	return "IKE_SA_INIT";
	case REQ_AUTH:	return "IKE_AUTH";
	case REQ_CHILD:	return "CREATE_CHILD_SA";
	case REQ_INFO:	return "INFORMATIONAL";
	default:	return "no";
	}
}

static void
log_in(const struct ikesa *s, const uint8_t *buf, size_t len,
    const struct sockaddr_storage *from)
{
	char line[1024], a[64];

	exch_summary(s, buf, len, 0, line, sizeof(line));
	log_info(s->who, "received %s from %s", line,
	    ike_addr_str(from, a, sizeof(a)));
}

void
exch_follow(struct ikesa *s, const struct sockaddr_storage *from,
    const struct sockaddr_storage *to)
{
	char a[64], b[64];

	/* RFC 7296 2.23: after an authenticated message, answer where
	 * it came from, which moves when a NAT rebinds. */
	if (!ike_addr_eq(&s->sa.remote, from)) {
		log_info(s->who, "peer moved from %s to %s",
		    ike_addr_str(&s->sa.remote, a, sizeof(a)),
		    ike_addr_str(from, b, sizeof(b)));
		s->sa.remote = *from;
	}
	if (!ike_addr_eq(&s->sa.local, to))
		s->sa.local = *to;
}

void
exch_response(struct daemon *d, struct ikesa *s, const struct ike_msg *m,
    const uint8_t *buf, size_t len, const struct sockaddr_storage *from,
    const struct sockaddr_storage *to)
{
	uint32_t before = s->sa.msgid_out;
	uint64_t spi = ikesa_our_spi(s);

	log_in(s, buf, len, from);
	switch (s->req) {
	case REQ_INIT:
		if (m->hdr.exchange != IKE_SA_INIT)
			break;
		exch_init_response(d, s, m);
		return;
	case REQ_AUTH:
		if (m->hdr.exchange != IKE_AUTH)
			break;
		exch_auth_response(d, s, buf, len);
		goto moved;
	case REQ_CHILD:
		if (m->hdr.exchange != CREATE_CHILD_SA)
			break;
		exch_child_response(d, s, buf, len);
		goto moved;
	case REQ_INFO:
		if (m->hdr.exchange != INFORMATIONAL)
			break;
		exch_info_response(d, s, buf, len);
		goto moved;
	default:
		break;
	}
	d->dropped++;
	log_info(s->who, "dropping %s response %u: our request was %s",
	    ike_exchange_name(m->hdr.exchange), m->hdr.msgid,
	    exch_req_name(s->req));
	return;
moved:
	/* the message authenticated if it moved the message ID on; s may
	 * be gone (a DELETE's answer): nothing of it is read before this */
	if (ikesa_find(&d->t, spi) != s)
		return;
	if (s->sa.msgid_out != before) {
		s->last_in = dmn_now();
		exch_follow(s, from, to);
	}
}

void
exch_request(struct daemon *d, struct ikesa *s, const struct ike_msg *m,
    const uint8_t *buf, size_t len, const struct sockaddr_storage *from,
    const struct sockaddr_storage *to)
{
	uint32_t before = s->sa.msgid_in;
	uint64_t spi = ikesa_our_spi(s);

	log_in(s, buf, len, from);
	/* answer where the request came from (a NAT may have moved it) */
	struct sockaddr_storage old_r = s->sa.remote, old_l = s->sa.local;
	s->sa.remote = *from;
	s->sa.local = *to;
	switch (m->hdr.exchange) {
	case IKE_AUTH:
		exch_auth_request(d, s, buf, len);
		break;
	case CREATE_CHILD_SA:
		exch_child_request(d, s, buf, len);
		break;
	case INFORMATIONAL:
		exch_info_request(d, s, buf, len);
		break;
	default:
		d->dropped++;
		log_info(s->who, "dropping %s request: not an exchange nicsecd "
		    "takes", ike_exchange_name(m->hdr.exchange));
		break;
	}
	if (ikesa_find(&d->t, spi) != s)
		return;		/* destroyed by the exchange */
	if (s->sa.msgid_in == before) {
		/* not authenticated: no reason to follow it */
		s->sa.remote = old_r;
		s->sa.local = old_l;
		return;
	}
	/* authenticated: from now on the addresses it came with, as a
	 * response's are followed */
	s->last_in = dmn_now();
	s->sa.remote = old_r;
	s->sa.local = old_l;
	exch_follow(s, from, to);
}

void
exch_ike_up(struct daemon *d, struct ikesa *s)
{
	char a[64], b[64], l[300], r[300];

	if (!s->sa.initiator && d->t.half_open > 0)
		d->t.half_open--;
	s->expire = 0;
	s->established = dmn_now();
	s->last_in = s->established;
	exch_life_ike(d, s);
	exch_retry_clear(d, s->conn);
	log_info(s->who, "IKE_SA %s established between %s[%s]...%s[%s]",
	    s->who, ike_ip_str(&s->sa.local, a, sizeof(a)),
	    ike_cert_id_str(s->local_id.type, s->local_id.data, s->local_id.len, l,
	    sizeof(l)), ike_ip_str(&s->sa.remote, b, sizeof(b)),
	    ike_cert_id_str(s->remote_id.type, s->remote_id.data,
	    s->remote_id.len, r, sizeof(r)));
}

struct child_rec *
exch_child_up(struct daemon *d, struct ikesa *s, const char *name,
    struct ike_child *c, int initiator, uint32_t replaces, int staged)
{
	const struct conf_child *cc = exch_conf_child(d, s, name);
	struct child_rec *r;
	char err[512], prop[256], tsi[512], tsr[512];
	int rc;

	if ((r = ikesa_child_add(&d->t, s)) == NULL) {
		log_err(s->who, "CHILD_SA %s: too many on one IKE SA", name);
		ike_child_keys_wipe(&c->keys);
		child_dp_spi_free(d, c->spi_in);
		return NULL;
	}
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->spi_in = c->spi_in;
	r->spi_out = c->spi_out;
	r->chosen = c->chosen;
	/* kept as ours (tsi) and the peer's (tsr): the exchange's TSi is
	 * its initiator's, who may not be the IKE SA's */
	memcpy(r->tsi, initiator ? c->tsi : c->tsr, sizeof(r->tsi));
	memcpy(r->tsr, initiator ? c->tsr : c->tsi, sizeof(r->tsr));
	r->ntsi = initiator ? c->ntsi : c->ntsr;
	r->ntsr = initiator ? c->ntsr : c->ntsi;
	r->encap = ike_addr_port(&s->sa.local) != d->socks.port;
	r->installed = dmn_now();
	r->state = CHILD_INSTALLED;
	ike_xform_format(&c->chosen, prop, sizeof(prop));
	/* TSi is the initiator's side: ours if we initiated */
	ike_ts_format_list(initiator ? c->tsi : c->tsr, initiator ? c->ntsi :
	    c->ntsr, tsi, sizeof(tsi));
	ike_ts_format_list(initiator ? c->tsr : c->tsi, initiator ? c->ntsr :
	    c->ntsi, tsr, sizeof(tsr));
	/* a trap's punt rules would come before this one's (exch_trap.c) */
	if (replaces == 0)
		exch_trap_hold(d, s->conn, name);
	/* a rekey's responder stages its outbound SA */
	if (staged)
		rc = child_dp_install_inbound(d, s, c, initiator, cc, replaces,
		    err, sizeof(err));
	else
		rc = child_dp_install(d, s, c, initiator, cc, replaces, err,
		    sizeof(err));
	if (rc != 0) {
		/* the peer has it, we can't carry it: close it both ways */
		log_err(s->who, "CHILD_SA %s{%u}: the data plane refused it, "
		    "deleting it: %s", name, r->uniq, err);
		r->state = CHILD_DELETING;
		ikesa_task_add(s, TASK_DEL_CHILD, NULL, r->spi_in);
		return NULL;
	}
	r->staged = staged;
	r->replaces = replaces;
	exch_life_child(d, s, r);
	log_info(s->who, "CHILD_SA %s{%u} established with SPIs %08x_i "
	    "%08x_o, %s, TS %s === %s%s", name, r->uniq, r->spi_in, r->spi_out,
	    prop, tsi, tsr, !staged ? "" : initiator ? " (inbound in; "
	    "outbound once the rekey collision is settled)" : " (inbound in; "
	    "outbound when the peer deletes the old CHILD_SA)");
	return r;
}

void
exch_destroy(struct daemon *d, struct ikesa *s, const char *why)
{
	diag_ike_gone(&d->diag, s, why);
	for (size_t i = 0; i < s->nchild; i++)
		child_dp_remove(d, s, &s->child[i]);
	if (s->req == REQ_AUTH || s->req == REQ_CHILD)
		child_dp_spi_free(d, s->creq.spi_in);
	if (!s->sa.initiator && s->sa.state == IKE_S_INIT_DONE &&
	    d->t.half_open > 0)
		d->t.half_open--;
	if (why != NULL)
		log_err(s->who, "IKE_SA %s closed: %s", s->who, why);
	/* our initiation failed: again, with back-off, if it is to be up */
	if (why != NULL && !s->no_retry && s->sa.initiator &&
	    s->sa.state < IKE_S_ESTABLISHED && s->child_name[0] != '\0') {
		char conn[IKESA_NAME_MAX], child[IKESA_NAME_MAX];

		snprintf(conn, sizeof(conn), "%s", s->conn);
		snprintf(child, sizeof(child), "%s", s->child_name);
		ikesa_free(&d->t, s);
		exch_retry(d, conn, child, why);
		return;
	}
	ikesa_free(&d->t, s);
}

void
exch_expired(struct daemon *d, struct ikesa *s)
{
	if (s->sa.state == IKE_S_INIT_DONE && !s->sa.initiator) {
		exch_destroy(d, s, "half-open: no IKE_AUTH came within 30 s");
		return;
	}
	exch_destroy(d, s, s->sa.state == IKE_S_DELETING ? NULL :
	    "its lifetime ran out");
}

size_t
exch_child_ts(const struct conf_ts *t, size_t n,
    const struct sockaddr_storage *a, struct ike_ts *out)
{
	static const struct conf_ts dyn = { .dynamic = 1, .port_to = 65535 };

	if (n == 0)
		return cfg_ts(&dyn, 1, a, out, IKE_TS_MAX);
	return cfg_ts(t, n, a, out, IKE_TS_MAX);
}

const struct conf_child *
exch_pick_child(struct daemon *d, struct ikesa *s, const struct conf_conn *c,
    const uint8_t *buf, size_t len, uint8_t exchange)
{
	static uint8_t plain[IKE_MSG_MAX];
	struct ike_ts tsi[IKE_TS_MAX], tsr[IKE_TS_MAX], l[IKE_TS_MAX],
	    r[IKE_TS_MAX], x[IKE_TS_MAX];
	const struct conf_child *pick = NULL;
	const struct ike_pld *pi, *pr, *pn;
	struct ike_notify no;
	struct ike_msg m;
	size_t plen = 0, ni = 0, nr = 0;
	char err[256];

	(void)d;
	if (c->nchildren == 0)
		return NULL;
	if (ike_sk_msg_open(&s->sa, buf, len, exchange, 0, s->sa.msgid_in, &m,
	    plain, sizeof(plain), &plen, err, sizeof(err)) != 0)
		return &c->children[0];
	/* a rekey: the child of the CHILD SA it names */
	if ((pn = ike_msg_notify(&m, N_REKEY_SA)) != NULL &&
	    ike_pld_notify(pn, &no, NULL, 0) == 0 && no.spi_len == 4) {
		struct child_rec *old = NULL;

		for (size_t i = 0; i < s->nchild; i++)
			if (s->child[i].spi_out == ike_get32(no.spi))
				old = &s->child[i];
		for (size_t i = 0; old != NULL && i < c->nchildren; i++)
			if (strcmp(c->children[i].name, old->name) == 0)
				pick = &c->children[i];
	}
	if (pick == NULL && (pi = ike_msg_find(&m, IKE_PLD_TSI, 0)) != NULL &&
	    (pr = ike_msg_find(&m, IKE_PLD_TSR, 0)) != NULL &&
	    ike_pld_ts(pi, tsi, IKE_TS_MAX, &ni, NULL, 0) == 0 &&
	    ike_pld_ts(pr, tsr, IKE_TS_MAX, &nr, NULL, 0) == 0) {
		for (size_t i = 0; i < c->nchildren && pick == NULL; i++) {
			const struct conf_child *ch = &c->children[i];
			size_t nl = exch_child_ts(ch->local_ts, ch->nlocal_ts,
			    &s->sa.local, l);
			size_t nrm = exch_child_ts(ch->remote_ts,
			    ch->nremote_ts, &s->sa.remote, r);

			/* TSi is the initiator's side: our remote */
			if (ike_ts_narrow(tsi, ni, r, nrm, x, IKE_TS_MAX) > 0 &&
			    ike_ts_narrow(tsr, nr, l, nl, x, IKE_TS_MAX) > 0)
				pick = ch;
		}
	}
	explicit_bzero(plain, plen);
	return pick != NULL ? pick : &c->children[0];
}
