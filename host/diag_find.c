/*
 * diag_find.c - see diag_find.h.  Each rule is one known way a tunnel
 * fails in the field (docs/nicsecctl.md, "diagnose"): the problem as an
 * operator would say it, and what to change.
 */
#include "diag_find.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"

struct found {
	struct diag_problem *v;
	size_t n, max;
};

static void
add(struct found *f, const char *fix, const char *fmt, ...)
{
	va_list ap;

	if (f->n == f->max)
		return;
	va_start(ap, fmt);
	vsnprintf(f->v[f->n].what, sizeof(f->v[f->n].what), fmt, ap);
	va_end(ap);
	snprintf(f->v[f->n].fix, sizeof(f->v[f->n].fix), "%s", fix);
	f->n++;
}

static const char *
action_name(int a)
{
	return (a & CONF_ACTION_START) ? "start" : (a & CONF_ACTION_TRAP) ?
	    "trap" : "none";
}

/* What to change for a failure's line: the cause it names. */
static const char *
fix_for(const char *why)
{
	if (strstr(why, "PFS mismatch") != NULL)
		return "the same DH group, or none, in esp_proposals on both "
		    "sides (e.g. aes128gcm16-modp2048 on both, or aes128gcm16 "
		    "on both)";
	if (strstr(why, "did not answer") != NULL)
		return "the peer does not answer: check that it runs and is "
		    "reachable at remote_addrs, and that UDP 500 and 4500 pass "
		    "both ways";
	if (strstr(why, "AUTHENTICATION_FAILED") != NULL)
		return "the peer refused our authentication: our local id must "
		    "be its remote id (and a connection of its), and both ends "
		    "need the same PSK for the two IDs, or the peer must trust "
		    "our certificate's CA; the peer's log says which";
	if (strstr(why, "PSK") != NULL)
		return "the two PSKs differ: give both ends the same secret for "
		    "these two IDs";
	if (strstr(why, "certificate") != NULL || strstr(why, " CA") != NULL)
		return "the certificates: the peer's must be signed by a CA in "
		    "our cacerts, and ours by one the peer trusts";
	if (strstr(why, " ID") != NULL || strstr(why, "AUTHENTICATION") != NULL)
		return "the IDs: our remote.id must be what the peer sends as "
		    "its local id, and the other way round";
	if (strstr(why, "TS_UNACCEPTABLE") != NULL)
		return "the traffic selectors: our local_ts must be (within) "
		    "the peer's remote_ts, and our remote_ts its local_ts";
	if (strstr(why, "INVALID_KE") != NULL)
		return "the DH group: the same group first in proposals on "
		    "both ends";
	if (strstr(why, "NO_PROPOSAL_CHOSEN") != NULL ||
	    strstr(why, "no acceptable") != NULL)
		return "the proposals: give both ends one in common (proposals "
		    "for the IKE SA, esp_proposals for the CHILD_SA); the line "
		    "says what each side offered";
	if (strstr(why, "data plane") != NULL)
		return "the data plane refused the CHILD_SA: the line says why "
		    "(no free policy rule or SA slot)";
	return "the line says why; the peer's log has the other half";
}

/*
 * A CHILD rekey refused for PFS.  Two lines of ike_child.c say so: ours
 * as the responder, "PFS mismatch: peer proposed X with G, we require Y
 * with H (NO_PROPOSAL_CHOSEN)", which names both sides; and the peer's
 * bare NO_PROPOSAL_CHOSEN to our request, where only ours is known.
 */
static int
pfs(struct found *f, const char *child, const struct diag_rekey *r)
{
	const char *p = strstr(r->why, "we proposed "), *e;
	char ours[512];

	if (strncmp(r->why, "PFS mismatch", 12) == 0) {
		add(f, fix_for(r->why), "CHILD_SA %s: PFS mismatch: %s rekey "
		    "of it was refused (%u failed, %u done): %s", child, r->ours ?
		    "our" : "the peer's", r->nfailed, r->ndone, r->why);
		return 1;
	}
	if (strstr(r->why, "NO_PROPOSAL_CHOSEN") == NULL || p == NULL ||
	    (e = strstr(p, ": a PFS mismatch")) == NULL)
		return 0;
	p += strlen("we proposed ");
	snprintf(ours, sizeof(ours), "%.*s", (int)(e - p), p);
	add(f, fix_for("PFS mismatch"), "CHILD_SA %s: PFS mismatch: the peer "
	    "refused our rekey of it with NO_PROPOSAL_CHOSEN (%u failed, %u "
	    "done). We proposed %s; the peer does not say what it wants, but "
	    "the CHILD_SA came up in IKE_AUTH, which negotiates no DH group, "
	    "and only its rekeys fail: the peer's esp_proposals %s. Without a "
	    "rekey each CHILD_SA lasts only until its life_time", child,
	    r->nfailed, r->ndone, ours, strstr(ours, "no DH group") ?
	    "require a DH group (PFS), ours have none" : "have no DH group, "
	    "or another one");
	return 1;
}

static void
rekey_rule(struct found *f, const char *child, const struct diag_rekey *r)
{
	const char *what = child ? "CHILD_SA" : "IKE_SA";
	char name[IKESA_NAME_MAX + 16];

	if (r->how != DIAG_REFUSED && r->how != DIAG_WE_REFUSED &&
	    r->how != DIAG_TIMEOUT)
		return;
	/* settled by itself: a collision's loser, or "not now" */
	if (strstr(r->why, "TEMPORARY_FAILURE") != NULL)
		return;
	if (child != NULL && pfs(f, child, r))
		return;
	snprintf(name, sizeof(name), "%s%s%s", what, child ? " " : "",
	    child ? child : "");
	if (r->how == DIAG_TIMEOUT) {
		add(f, "the peer stopped answering (see liveness): dpd_delay "
		    "with dpd_action = restart brings the tunnel back by "
		    "itself", "%s: %s rekey got no answer: %s", name,
		    r->ours ? "our" : "the", r->why[0] ? r->why : "timed out");
		return;
	}
	add(f, fix_for(r->why), "%s: %s rekey was refused (%u failed, %u "
	    "done): %s", name, r->how == DIAG_REFUSED ? "our" : "the peer's",
	    r->nfailed, r->ndone, r->why);
}

size_t
diag_find(const struct diag_facts *x, struct diag_problem *out, size_t max)
{
	struct found f = { out, 0, max };
	const struct diag_conn *h = x->h;
	int left_down = 0;
	char fix[512];

	for (size_t i = 0; i < x->nchild; i++) {
		const struct diag_child_facts *c = &x->child[i];

		if (c->h != NULL)
			rekey_rule(&f, c->name, &c->h->rekey);
		/* the peer's DELETE, and close_action none: down for good */
		if (!c->up && c->h != NULL && c->h->deleted_at > 0 &&
		    !(c->h->close_action & (CONF_ACTION_START | CONF_ACTION_TRAP)) &&
		    x->retry_n == 0) {
			snprintf(fix, sizeof(fix), "close_action = start in child "
			    "%s brings it back after the peer's DELETE (or "
			    "`nicsecctl initiate --child %s` now); the peer's log "
			    "says why it deleted it", c->name, c->name);
			add(&f, fix, "CHILD_SA %s is down: the peer deleted it "
			    "%.0f s ago, and close_action %s left it down",
			    c->name, x->now - c->h->deleted_at,
			    action_name(c->h->close_action));
			left_down = 1;
		}
		/* black hole: sending, nothing back */
		if (c->up && !x->dp_none && c->hole_for > 0) {
			const struct diag_rekey *r = c->h ? &c->h->rekey : NULL;
			char after[128] = "";

			if (r != NULL && r->how == DIAG_DONE &&
			    x->now - r->end_at <= c->hole_for + 10)
				snprintf(after, sizeof(after), "; its last rekey "
				    "was %.0f s ago: the peer may still send on "
				    "the old SA, or not have the new one",
				    x->now - r->end_at);
			add(&f, "compare `nicsecctl list-sas` with the peer's SAs "
			    "(its inbound SPI must be our outbound one, and the "
			    "other way round); if they match, ESP (protocol 50, "
			    "or UDP 4500) is filtered on the way back, or the "
			    "peer has no policy for this traffic (its local_ts "
			    "and remote_ts)", "CHILD_SA %s: %llu packets out and "
			    "none in for %.0f s: a black hole%s",
			    c->name, (unsigned long long)c->hole_out,
			    c->hole_for, after);
		}
	}
	if (h != NULL)
		rekey_rule(&f, NULL, &h->ike_rekey);
	if (x->retry_n > 0) {
		const char *why = h && h->setup[0] ? h->setup : h &&
		    h->down[0] ? h->down : "not known";
		char when[64] = "being tried again now";

		if (x->retry_in > 0)
			snprintf(when, sizeof(when), "trying again in %.0f s",
			    x->retry_in);
		add(&f, fix_for(why), "initiating %s fails: %u failure%s in a "
		    "row, %s (back-off 1, 2, 4 ... 60 s); the last error: %s",
		    x->retry_child ? x->retry_child : "it", x->retry_n,
		    x->retry_n == 1 ? "" : "s", when, why);
	}
	if (h != NULL && h->setup_at > 0 && !x->connecting && x->retry_n == 0) {
		int down = !x->up;

		/* a child's failure stands while that child is down */
		for (size_t i = 0; h->setup_child[0] && i < x->nchild; i++)
			if (strcmp(x->child[i].name, h->setup_child) == 0)
				down = !x->child[i].up;
		if (down && (h->setup_child[0] || h->setup_at >= h->down_at))
			add(&f, fix_for(h->setup), "setting up %s%s failed "
			    "%.0f s ago: %s", h->setup_child[0] ? "CHILD_SA " :
			    "the IKE SA", h->setup_child, x->now - h->setup_at,
			    h->setup);
	}
	if (h != NULL && !x->up && !x->connecting && h->down_at > 0 &&
	    h->down_at > h->setup_at && !left_down && !h->down_ours &&
	    x->retry_n == 0) {
		snprintf(fix, sizeof(fix), "%s`nicsecctl initiate --ike %s` "
		    "brings it back now%s", strstr(h->down, "did not answer") ?
		    "dpd_action = restart brings it back when the peer is "
		    "there again; " : "", x->conn, strstr(h->down,
		    "did not answer") ? "" : "; start_action, close_action or "
		    "dpd_action = start keep it up");
		add(&f, fix, "the tunnel is down: its IKE SA closed %.0f s ago: "
		    "%s", x->now - h->down_at, h->down);
	}
	/* last: advice more than a failure, and the others say what broke */
	if (x->dpd_delay == 0)
		add(&f, "dpd_delay = 30s in the connection (and dpd_action = "
		    "restart in its children, to bring it back by itself)",
		    "DPD is off (dpd_delay 0): a peer that is gone, or lost its "
		    "SAs, is found only when a rekey or another request goes "
		    "unanswered; until then the tunnel looks up and carries "
		    "nothing");
	return f.n;
}
