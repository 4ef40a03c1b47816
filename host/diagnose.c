/*
 * diagnose.c - `nicsecctl diagnose [CONN] [--json]`: for each connection
 * (or CONN), its state, its last rekeys, its liveness, the trend of its
 * counters, and the known problems with their fixes (diag_find.c).  The
 * live state is the daemon's table; what happened before it, kept by
 * connection name, is diag_hist.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon.h"
#include "dataplane.h"
#include "diag_find.h"
#include "diag_hist.h"
#include "exch.h"
#include "ike_sock.h"

#define CONN_SAS_MAX	8

/* What one connection has now. */
struct view {
	const struct conf_conn *cc;
	const struct ikesa *up[CONN_SAS_MAX], *setting[CONN_SAS_MAX];
	size_t nup, nsetting;
	const struct dmn_retry *retry;
	struct diag_facts f;
};

/* "14:51:03": monotonic t on the wall clock, as the log writes it. */
static const char *
wall(double now, double t, char *b, size_t cap)
{
	time_t w = time(NULL) - (time_t)(now - t + 0.5);
	struct tm tm;

	localtime_r(&w, &tm);
	strftime(b, cap, "%H:%M:%S", &tm);
	return b;
}

static int
child_is_up(const struct view *v, const char *name)
{
	for (size_t i = 0; i < v->nup; i++)
		for (size_t j = 0; j < v->up[i]->nchild; j++)
			if (strcmp(v->up[i]->child[j].name, name) == 0 &&
			    v->up[i]->child[j].state == CHILD_INSTALLED)
				return 1;
	return 0;
}

/* The watcher's black hole on a sending CHILD SA of child name, if any:
 * one verdict for the log line and the report (exch_watch.c). */
static void
hole_of(const struct view *v, const char *name, double now,
    struct diag_child_facts *k)
{
	for (size_t i = 0; i < v->nup; i++)
		for (size_t j = 0; j < v->up[i]->nchild; j++) {
			const struct child_rec *c = &v->up[i]->child[j];

			if (strcmp(c->name, name) != 0 ||
			    c->state != CHILD_INSTALLED || c->staged ||
			    !c->bh.warned)
				continue;
			k->hole_out = c->bh.last_out - c->bh.out;
			k->hole_for = now - c->bh.since;
		}
}

static void
gather(struct daemon *d, const struct conf_conn *cc, double now,
    struct view *v)
{
	const struct diag_conn *h = diag_conn_find(&d->diag, cc->name);

	memset(v, 0, sizeof(*v));
	v->cc = cc;
	for (const struct ikesa *s = d->t.head; s != NULL; s = s->next) {
		if (strcmp(s->conn, cc->name) != 0)
			continue;
		if (s->sa.state == IKE_S_ESTABLISHED && v->nup < CONN_SAS_MAX)
			v->up[v->nup++] = s;
		else if (s->sa.state < IKE_S_ESTABLISHED &&
		    v->nsetting < CONN_SAS_MAX)
			v->setting[v->nsetting++] = s;
	}
	/* the child that has failed most in a row speaks for the tunnel */
	for (size_t i = 0; i < d->nretry; i++)
		if (strcmp(d->retry[i].conn, cc->name) == 0 &&
		    (v->retry == NULL || d->retry[i].n > v->retry->n))
			v->retry = &d->retry[i];
	v->f.conn = cc->name;
	v->f.now = now;
	v->f.up = v->nup > 0;
	v->f.connecting = v->nsetting > 0;
	v->f.dpd_delay = cc->dpd_delay;
	v->f.dp_none = d->dp == NULL || dp_is_none(d->dp);
	if (v->retry != NULL) {
		v->f.retry_n = v->retry->n;
		v->f.retry_in = v->retry->at > 0 ? v->retry->at - now : 0;
		v->f.retry_child = v->retry->child;
	}
	v->f.h = h;
	for (size_t i = 0; i < cc->nchildren && i < DIAG_CHILDREN; i++) {
		const struct conf_child *ch = &cc->children[i];
		struct diag_child_facts *k = &v->f.child[v->f.nchild++];

		k->name = ch->name;
		k->up = child_is_up(v, ch->name);
		k->close_action = ch->close_action;
		k->dpd_action = ch->dpd_action;
		k->keep_up = ((ch->start_action | ch->close_action |
		    ch->dpd_action) & CONF_ACTION_START) != 0;
		k->h = diag_child_find(h, ch->name);
		diag_trend(k->h, &k->in, &k->out, &k->span);
		hole_of(v, ch->name, now, k);
	}
}

/* ---- text --------------------------------------------------------------- */

static void
text_state(const struct view *v, double now, FILE *out)
{
	const struct diag_conn *h = v->f.h;
	char a[64], b[64], t[16];

	for (size_t i = 0; i < v->nup; i++) {
		const struct ikesa *s = v->up[i];

		fprintf(out, "%s: up: IKE_SA %s ESTABLISHED %.0f s (since %s), "
		    "%s initiated, %s === %s", v->cc->name, s->who,
		    now - s->established, wall(now, s->established, t,
		    sizeof(t)), s->sa.initiator ? "we" : "the peer",
		    ike_addr_str(&s->sa.local, a, sizeof(a)),
		    ike_addr_str(&s->sa.remote, b, sizeof(b)));
		if (s->rekey_at > 0)
			fprintf(out, ", rekeying in %.0f s", s->rekey_at - now);
		fputc('\n', out);
	}
	if (v->nup == 0) {
		fprintf(out, "%s: down", v->cc->name);
		if (h != NULL && h->down_at > 0)
			fprintf(out, ": its IKE SA closed %.0f s ago (%s): %s",
			    now - h->down_at, wall(now, h->down_at, t,
			    sizeof(t)), h->down);
		else if (h != NULL && h->setup_at > 0)
			fprintf(out, ": setting it up failed %.0f s ago (%s): "
			    "%s", now - h->setup_at, wall(now, h->setup_at, t,
			    sizeof(t)), h->setup);
		else
			fputs(": no IKE SA up yet", out);
		fputc('\n', out);
		/* the retry line below says it, when there is one */
		if (h != NULL && h->down_at > 0 && h->setup_at > h->down_at &&
		    v->retry == NULL)
			fprintf(out, "  since then, setting it up failed %.0f s "
			    "ago (%s): %s\n", now - h->setup_at, wall(now,
			    h->setup_at, t, sizeof(t)), h->setup);
	}
	if (v->retry != NULL) {
		char when[64] = "being tried now";

		if (v->retry->at > 0)
			snprintf(when, sizeof(when), "the next try in %.0f s",
			    v->retry->at - now);
		fprintf(out, "  retrying %s with back-off (1, 2, 4 ... 60 s): "
		    "failure %u in a row, %s; the last error: %s\n",
		    v->retry->child, v->retry->n, when, h != NULL &&
		    h->setup[0] ? h->setup : "not known");
	}
	for (size_t i = 0; i < v->nsetting; i++) {
		const struct ikesa *s = v->setting[i];

		fprintf(out, "  connecting: IKE_SA %s, %s", s->who,
		    s->req != REQ_NONE ? exch_req_name(s->req) : "waiting");
		if (s->req != REQ_NONE)
			fprintf(out, " out %.0f s, %u retransmits",
			    now - s->req_first, s->tries > 0 ? s->tries - 1 : 0);
		fputc('\n', out);
	}
}

static void
text_children(const struct view *v, double now, FILE *out)
{
	for (size_t i = 0; i < v->f.nchild; i++) {
		const struct diag_child_facts *k = &v->f.child[i];
		int any = 0;

		for (size_t j = 0; j < v->nup; j++)
			for (size_t n = 0; n < v->up[j]->nchild; n++) {
				const struct child_rec *c = &v->up[j]->child[n];

				if (strcmp(c->name, k->name) != 0)
					continue;
				any = 1;
				fprintf(out, "  child %s: %s{%u} %s %.0f s, SPIs "
				    "%08x_i %08x_o%s", k->name, c->name, c->uniq,
				    sa_child_state(c), now - c->installed, c->spi_in,
				    c->spi_out, c->staged ? ", outbound staged" :
				    "");
				if (c->rekey_at > 0)
					fprintf(out, ", rekey in %.0f s",
					    c->rekey_at - now);
				if (c->expire_at > 0)
					fprintf(out, ", expires in %.0f s",
					    c->expire_at - now);
				fputc('\n', out);
			}
		if (!any)
			fprintf(out, "  child %s: down (no CHILD_SA)\n", k->name);
	}
}

static const char *
end_name(enum diag_end e)
{
	switch (e) {
	case DIAG_PENDING:	return "under way";
	case DIAG_DONE:		return "done";
	case DIAG_REFUSED:	return "refused by the peer";
	case DIAG_WE_REFUSED:	return "refused by us";
	case DIAG_TIMEOUT:	return "timed out";
	default:		return "none";
	}
}

static void
text_rekey(const char *what, const struct diag_rekey *r, double now,
    FILE *out)
{
	char t[16];

	if (r == NULL || r->how == DIAG_NONE) {
		fprintf(out, "  last rekey, %s: none yet\n", what);
		return;
	}
	fprintf(out, "  last rekey, %s: %.0f s ago (%s), by %s: %s", what,
	    now - r->at, wall(now, r->at, t, sizeof(t)), r->ours ? "us" :
	    "the peer", end_name(r->how));
	if (r->why[0])
		fprintf(out, ": %s", r->why);
	fprintf(out, " (rekeys: %u done, %u failed)\n", r->ndone, r->nfailed);
}

static void
text_liveness(const struct view *v, double now, FILE *out)
{
	const struct diag_conn *h = v->f.h;
	const struct ikesa *s = v->nup ? v->up[v->nup - 1] : NULL;

	if (v->cc->dpd_delay > 0)
		fprintf(out, "  liveness: dpd_delay %llus",
		    (unsigned long long)v->cc->dpd_delay);
	else
		fputs("  liveness: dpd_delay 0 (DPD off)", out);
	if (s != NULL) {
		fprintf(out, "; from the peer: IKE %.1f s ago", now -
		    s->last_in);
		if (v->f.dp_none)
			fputs(", ESP never (the data plane is none)", out);
		else if (v->cc->dpd_delay == 0)
			fputs(", ESP not watched without DPD (see the trend)",
			    out);
		else if (s->last_esp > 0)
			fprintf(out, ", ESP %.1f s ago", now - s->last_esp);
		else
			fputs(", ESP none yet", out);
	}
	if (h == NULL || h->dpd == DPD_NONE)
		fputs("; no DPD sent yet\n", out);
	else if (h->dpd == DPD_SENT)
		fprintf(out, "; last DPD %.0f s ago: no answer yet\n",
		    now - h->dpd_at);
	else if (h->dpd == DPD_ANSWERED)
		fprintf(out, "; last DPD %.0f s ago: answered in %.1f s\n",
		    now - h->dpd_at, h->dpd_answer_at - h->dpd_at);
	else
		fprintf(out, "; last DPD %.0f s ago: not answered, the peer "
		    "was declared dead\n", now - h->dpd_at);
}

static void
text_trend(const struct view *v, FILE *out)
{
	fprintf(out, "  trend: packets each %.0f s, oldest first:\n",
	    DIAG_SAMPLE_EVERY);
	for (size_t i = 0; i < v->f.nchild; i++) {
		const struct diag_child_facts *k = &v->f.child[i];
		uint64_t in, o;

		if (k->h == NULL || k->h->nring < 2) {
			fprintf(out, "    %s: no samples yet\n", k->name);
			continue;
		}
		fprintf(out, "    %s in ", k->name);
		for (size_t n = 1; n < k->h->nring; n++) {
			diag_step(k->h, n, &in, &o);
			fprintf(out, " %llu", (unsigned long long)in);
		}
		fprintf(out, "  (%llu in %.0f s)\n    %s out", (unsigned long
		    long)k->in, k->span, k->name);
		for (size_t n = 1; n < k->h->nring; n++) {
			diag_step(k->h, n, &in, &o);
			fprintf(out, " %llu", (unsigned long long)o);
		}
		fprintf(out, "  (%llu in %.0f s)\n", (unsigned long long)k->out,
		    k->span);
	}
	if (v->f.dp_none)
		fputs("    the data plane is none: it carries no traffic, so "
		    "every counter is 0 and a black hole cannot show\n", out);
}

static void
text_one(const struct view *v, double now, FILE *out)
{
	struct diag_problem p[DIAG_PROBLEMS_MAX];
	const struct diag_conn *h = v->f.h;
	size_t n = diag_find(&v->f, p, DIAG_PROBLEMS_MAX);

	text_state(v, now, out);
	text_children(v, now, out);
	for (size_t i = 0; i < v->f.nchild; i++)
		text_rekey(v->f.child[i].name, v->f.child[i].h ?
		    &v->f.child[i].h->rekey : NULL, now, out);
	text_rekey("IKE_SA", h ? &h->ike_rekey : NULL, now, out);
	text_liveness(v, now, out);
	text_trend(v, out);
	if (n == 0)
		fputs("  no problem found\n", out);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  problem: %s\n    fix: %s\n", p[i].what, p[i].fix);
}

/* ---- JSON --------------------------------------------------------------- */

static void
json_rekey(const struct diag_rekey *r, double now, FILE *out)
{
	if (r == NULL || r->how == DIAG_NONE) {
		fputs("null", out);
		return;
	}
	fprintf(out, "{\"ago_s\":%.0f,\"ours\":%s,\"end\":\"%s\",\"why\":",
	    now - r->at, r->ours ? "true" : "false", end_name(r->how));
	sa_jstr(out, r->why);
	fprintf(out, ",\"done\":%u,\"failed\":%u}", r->ndone, r->nfailed);
}

static void
json_one(const struct view *v, double now, FILE *out)
{
	static const char *const dpd[] = { "none", "sent", "answered",
	    "unanswered" };
	struct diag_problem p[DIAG_PROBLEMS_MAX];
	const struct diag_conn *h = v->f.h;
	size_t n = diag_find(&v->f, p, DIAG_PROBLEMS_MAX);

	fputs("{\"name\":", out);
	sa_jstr(out, v->cc->name);
	fprintf(out, ",\"state\":\"%s\",\"up_s\":%.0f,\"down_why\":",
	    v->nup ? "up" : v->nsetting ? "connecting" : "down", v->nup ?
	    now - v->up[0]->established : -1);
	sa_jstr(out, !v->nup && h ? h->down : "");
	fputs(",\"setup_error\":", out);
	sa_jstr(out, h ? h->setup : "");
	fprintf(out, ",\"retry_failures\":%u,\"retry_in_s\":%.0f,"
	    "\"dpd_delay_s\":%llu,\"dpd\":\"%s\",\"dpd_ago_s\":%.0f,"
	    "\"ike_last_in_s\":%.1f,\"dataplane_none\":%s,\"ike_rekey\":",
	    v->f.retry_n, v->f.retry_in, (unsigned long long)v->cc->dpd_delay,
	    dpd[h ? h->dpd : DPD_NONE], h && h->dpd ? now - h->dpd_at : -1,
	    v->nup ? now - v->up[v->nup - 1]->last_in : -1,
	    v->f.dp_none ? "true" : "false");
	json_rekey(h ? &h->ike_rekey : NULL, now, out);
	fputs(",\"children\":[", out);
	for (size_t i = 0; i < v->f.nchild; i++) {
		const struct diag_child_facts *k = &v->f.child[i];
		uint64_t in, o;

		fprintf(out, "%s{\"name\":", i ? "," : "");
		sa_jstr(out, k->name);
		fprintf(out, ",\"up\":%s,\"rekey\":", k->up ? "true" : "false");
		json_rekey(k->h ? &k->h->rekey : NULL, now, out);
		fputs(",\"in_packets\":[", out);
		for (size_t j = 1; k->h && j < k->h->nring; j++) {
			diag_step(k->h, j, &in, &o);
			fprintf(out, "%s%llu", j > 1 ? "," : "",
			    (unsigned long long)in);
		}
		fputs("],\"out_packets\":[", out);
		for (size_t j = 1; k->h && j < k->h->nring; j++) {
			diag_step(k->h, j, &in, &o);
			fprintf(out, "%s%llu", j > 1 ? "," : "",
			    (unsigned long long)o);
		}
		fprintf(out, "],\"span_s\":%.0f}", k->span);
	}
	fputs("],\"problems\":[", out);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",{\"what\":" : "{\"what\":", out);
		sa_jstr(out, p[i].what);
		fputs(",\"fix\":", out);
		sa_jstr(out, p[i].fix);
		fputc('}', out);
	}
	fputs("]}", out);
}

int
dmn_diagnose(struct daemon *d, const char *conn, int json, FILE *out)
{
	double now = dmn_now();
	struct view *v;
	size_t k = 0;

	if (conn != NULL && conf_conn_find(d->conf, conn) == NULL) {
		fprintf(out, "diagnose: no connection '%s' in the "
		    "configuration\n", conn);
		return 1;
	}
	if ((v = malloc(sizeof(*v))) == NULL) {
		fputs("diagnose: out of memory\n", out);
		return 1;
	}
	if (json)
		fputs("{\"connections\":[", out);
	for (size_t i = 0; i < d->conf->nconns; i++) {
		const struct conf_conn *cc = &d->conf->conns[i];

		if (conn != NULL && strcmp(cc->name, conn) != 0)
			continue;
		gather(d, cc, now, v);
		if (json) {
			fputs(k ? "," : "", out);
			json_one(v, now, out);
		} else {
			fputs(k ? "\n" : "", out);
			text_one(v, now, out);
		}
		k++;
	}
	if (json)
		fputs("]}\n", out);
	free(v);
	return 0;
}
