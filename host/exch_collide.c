/*
 * exch_collide.c - two rekeys of one CHILD_SA, ours and the peer's, that
 * crossed on the wire (RFC 7296 2.8.1).  Each side answers the other's
 * request, so each ends with two successors of the old CHILD_SA.  The
 * one made by the exchange with the lowest of the four nonces is
 * redundant: its creator deletes it, and the creator of the other, the
 * survivor, deletes the old CHILD_SA.  strongSwan decides the same way
 * (the lower nonce of each exchange, compared octet by octet), so both
 * ends keep the same one and nothing is left half-installed.
 *
 * Our successor goes into the data plane inbound only, its outbound
 * staged, until the collision is settled; the peer's is staged as any
 * rekey's responder stages it.  The survivor then takes the rules from
 * whichever CHILD_SA holds them (the old one, or a successor that
 * switched already), so traffic moves in one step and only once.
 */
#include <string.h>

#include "child_dp.h"
#include "dataplane.h"
#include "exch.h"
#include "log.h"

/* The peer's redundant CHILD_SA goes this long after the collision if
 * the peer does not delete it. */
#define REDUNDANT_WAIT	30.0

void
exch_collide_note(struct child_rec *r, uint32_t rekey_of, int ours,
    const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	const uint8_t *lo = exch_nonce_cmp(a, alen, b, blen) <= 0 ? a : b;
	size_t len = lo == a ? alen : blen;

	r->rekey_of = rekey_of;
	r->ours = ours;
	r->nonce_len = len < sizeof(r->nonce) ? len : sizeof(r->nonce);
	memcpy(r->nonce, lo, r->nonce_len);
}

/* RFC 7296 2.8.1: octet by octet; a nonce that ends first is lower. */
int
exch_nonce_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int c = memcmp(a, b, n);

	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen;
}

/* A live successor of old made by the other side than `ours` says. */
struct child_rec *
exch_collide_rival(struct ikesa *s, uint32_t old, int ours)
{
	for (size_t i = 0; i < s->nchild; i++) {
		struct child_rec *c = &s->child[i];

		if (c->rekey_of == old && c->ours != ours && !c->redundant &&
		    c->state != CHILD_DELETING)
			return c;
	}
	return NULL;
}

/* Which of old and its successors has the protect rules: the one the
 * survivor takes them from.  0 if none does (old gone). */
uint32_t
exch_collide_holder(struct daemon *d, struct ikesa *s, uint32_t old)
{
	struct dp_child_info info;

	if (ikesa_child_by_spi(s, old) != NULL &&
	    dp_child_info(d->dp, old, &info) == 1 && info.out_installed &&
	    info.nrules > 0)
		return old;
	for (size_t i = 0; i < s->nchild; i++) {
		const struct child_rec *c = &s->child[i];

		if (c->rekey_of == old && !c->staged &&
		    dp_child_info(d->dp, c->spi_in, &info) == 1 &&
		    info.out_installed && info.nrules > 0)
			return c->spi_in;
	}
	return 0;
}

void
exch_collide_settle(struct daemon *d, struct ikesa *s, uint32_t ours_spi,
    uint32_t theirs_spi)
{
	struct child_rec *o = ikesa_child_by_spi(s, ours_spi);
	struct child_rec *t = ikesa_child_by_spi(s, theirs_spi);
	struct child_rec *old, *win, *lose;
	uint32_t old_spi, lose_spi;
	int lost, lose_sent;

	if (o == NULL || t == NULL)
		return;
	old_spi = o->rekey_of;
	lost = exch_nonce_cmp(o->nonce, o->nonce_len, t->nonce,
	    t->nonce_len) < 0;
	win = lost ? t : o;
	lose = lost ? o : t;
	lose_spi = lose->spi_in;
	log_info(s->who, "CHILD_SA %s: rekey collision with the peer (RFC 7296 "
	    "2.8.1) %s: %s{%u} (SPIs %08x_i %08x_o) stays, %s{%u} (SPIs "
	    "%08x_i %08x_o) is redundant and %s it", win->name,
	    lost ? "lost" : "won", win->name, win->uniq, win->spi_in,
	    win->spi_out, lose->name, lose->uniq, lose->spi_in, lose->spi_out,
	    lost ? "we delete" : "the peer deletes");

	/* the loser sends no more */
	lose_sent = !lose->staged;
	lose->redundant = 1;
	lose->rekey_at = lose->expire_at = 0;
	if (lose->staged) {
		lose->staged = 0;
		lose->switch_at = 0;
	}

	/* the survivor sends: ours now (the peer has its inbound SA, since
	 * it answered), the peer's when the peer deletes the old CHILD_SA,
	 * as after any rekey of the peer's, unless what it replaces is our
	 * redundant one, which we delete ourselves */
	if (win->staged && (win->ours || win->replaces == lose_spi)) {
		if (child_dp_switch(d, s, win) == 0)
			log_info(s->who, "CHILD_SA %s{%u}: outbound moved to "
			    "%08x_o", win->name, win->uniq, win->spi_out);
		/* else: it stays inbound only; the lifetimes delete it */
	}

	if (lost) {
		/* our redundant one: deleted; if it was sending (the
		 * peer's rekey came after ours had finished) its inbound SA
		 * stays a while for packets under way */
		if ((lose = ikesa_child_by_spi(s, lose_spi)) != NULL) {
			if (lose_sent && lose->state == CHILD_INSTALLED) {
				lose->state = CHILD_REKEYED;
				lose->gone_at = dmn_now() + REKEY_GRACE;
			} else if (lose->state != CHILD_REKEYED) {
				lose->state = CHILD_DELETING;
			}
			ikesa_task_add(s, TASK_DEL_CHILD, NULL, lose_spi);
		}
		exch_next(d, s);
		return;
	}
	/* the peer's redundant one: the peer deletes it; if it does not,
	 * it goes in a while */
	if ((lose = ikesa_child_by_spi(s, lose_spi)) != NULL) {
		lose->state = CHILD_REKEYED;
		lose->gone_at = dmn_now() + REDUNDANT_WAIT;
	}
	/* and the old one is ours to delete, as the survivor's creator */
	if ((old = ikesa_child_by_spi(s, old_spi)) != NULL &&
	    old->state != CHILD_DELETING) {
		old->state = CHILD_REKEYED;
		if (old->gone_at == 0)
			old->gone_at = dmn_now() + REKEY_GRACE;
		ikesa_task_add(s, TASK_DEL_CHILD, NULL, old_spi);
	}
	exch_next(d, s);
}

/* ---- the IKE SA (RFC 7296 2.8.2) ------------------------------------ */

struct ikesa *
exch_by_uniq(struct daemon *d, unsigned uniq)
{
	for (struct ikesa *s = d->t.head; s != NULL; s = s->next)
		if (s->uniq == uniq)
			return s;
	return NULL;
}

struct ikesa *
exch_home(struct daemon *d, struct ikesa *s)
{
	struct ikesa *h = s, *n;

	/* a chain of rekeys is short; the bound is against a loop */
	for (int i = 0; i < 8 && h->successor != 0 &&
	    (n = exch_by_uniq(d, h->successor)) != NULL; i++)
		h = n;
	return h;
}

void
exch_collide_ike_note(struct ikesa *s, const struct ikesa *ns,
    const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	const uint8_t *lo = exch_nonce_cmp(a, alen, b, blen) <= 0 ? a : b;
	size_t len = lo == a ? alen : blen;

	s->rival = ns->uniq;
	s->rival_nonce_len = len < sizeof(s->rival_nonce) ? len :
	    sizeof(s->rival_nonce);
	memcpy(s->rival_nonce, lo, s->rival_nonce_len);
}

/*
 * Our rekey of s is answered, and the peer's rekey of s, answered by us,
 * made the IKE SA rival, which has s's CHILD SAs now.  The new IKE SA of
 * the lowest nonce is redundant: ours, we delete it and the peer deletes
 * s; the peer's, the CHILD SAs move on to ours, the peer deletes its
 * own, and we delete s.
 */
void
exch_collide_ike(struct daemon *d, struct ikesa *s, struct ike_sa *nsa)
{
	struct ikesa *rival = exch_by_uniq(d, s->rival), *ns;
	const uint8_t *a = s->cx.ni, *b = s->cx.nr;
	size_t alen = s->cx.ni_len, blen = s->cx.nr_len;
	int lost;

	if (exch_nonce_cmp(a, alen, b, blen) > 0) {
		a = s->cx.nr;
		alen = s->cx.nr_len;
	}
	lost = exch_nonce_cmp(a, alen, s->rival_nonce, s->rival_nonce_len) < 0;
	if (lost) {
		if ((ns = exch_ike_successor(d, s, nsa)) == NULL)
			return;
		log_info(s->who, "IKE_SA rekey collision with the peer (RFC 7296 "
		    "2.8.2) lost: %s (the peer's) keeps the CHILD SAs; deleting "
		    "our redundant %s, and the peer deletes %s", rival->who,
		    ns->who, s->who);
		exch_delete_ike(d, ns);
		return;
	}
	if ((ns = exch_ike_successor(d, rival, nsa)) == NULL)
		return;
	log_info(s->who, "IKE_SA rekey collision with the peer (RFC 7296 2.8.2) "
	    "won: %s (ours) takes the CHILD SAs; the peer deletes its redundant "
	    "%s, and we delete %s", ns->who, rival->who, s->who);
	/* nothing more on it: it waits for the peer's DELETE (strongSwan
	 * may instead drop it without one, having seen ours of s) */
	rival->no_retry = 1;
	rival->sa.state = IKE_S_DELETING;
	rival->expire = dmn_now() + 30;
	exch_delete_ike(d, s);
	exch_next(d, ns);
}

int
exch_collide_ike_deleted(struct daemon *d, struct ikesa *s)
{
	struct ikesa *p;

	for (p = d->t.head; p != NULL; p = p->next)
		if (p->rival == s->uniq && p->req == REQ_CHILD &&
		    p->cur.kind == TASK_IKE_REKEY)
			break;
	if (p == NULL)
		return 0;
	/* it deletes its own new IKE SA: the peer's nonce was the lowest,
	 * and ours, when its answer comes, takes the CHILD SAs */
	log_info(p->who, "IKE_SA rekey collision with the peer (RFC 7296 "
	    "2.8.2) lost by the peer: it deleted its redundant %s; the CHILD "
	    "SAs wait on %s for the answer to our rekey", s->who, p->who);
	exch_children_move(s, p);
	p->rival = 0;
	p->successor = 0;
	p->expire = 0;
	return 1;
}

int
exch_collide_child_deleted(struct daemon *d, struct ikesa *s,
    struct child_rec *r)
{
	struct child_rec *old;
	char line[256];

	if (r->rekey_of == 0 || r->ours || s->req != REQ_CHILD ||
	    s->cur.kind != TASK_REKEY || s->cur.spi != r->rekey_of)
		return 0;
	/* the peer's rekey and ours crossed, and the peer, having its
	 * answer first, deletes its own: its nonce was the lowest.  The old
	 * CHILD_SA sends until the answer to ours comes, and ours replaces
	 * it then as any rekey of ours does. */
	snprintf(line, sizeof(line), "the peer deleted it, its redundant "
	    "CHILD_SA: it lost the rekey collision (RFC 7296 2.8.1), and ours "
	    "replaces %08x_i when its answer comes", r->rekey_of);
	if ((old = ikesa_child_by_spi(s, r->rekey_of)) != NULL &&
	    old->state == CHILD_REKEYED && old->gone_at == 0)
		old->state = CHILD_INSTALLED;
	exch_child_gone(d, s, r, line);
	return 1;
}
