/*
 * exch_watch.c - black holes: a CHILD_SA whose card counters show packets
 * going out while none come in.  IKE can be fine all the while: the peer
 * may still be sending on an SA it replaced (a rekey that went wrong on
 * its side), or something between us filters ESP (UDP 4500 with a
 * non-zero SPI, or protocol 50) but not IKE.  DPD does not see it, since
 * IKE answers; the traffic is lost all the same.
 *
 * So, once per episode, the CHILD_SA is reported and the peer is asked
 * whether it is there (an empty INFORMATIONAL).  If it answers, IKE gets
 * through and ESP does not: the CHILD_SA is rekeyed, which gives both
 * ends fresh SAs and the peer a reason to drop whatever stale state it
 * sends on.  If it does not, DPD's path takes over: the retransmissions
 * run out and dpd_action is taken (exch_life.c).
 *
 * The verdict itself is bh_judge() (watch.c); docs/nicsecd.md, "Black
 * holes and monitoring".
 */
#include <stdio.h>

#include "dataplane.h"
#include "exch.h"
#include "log.h"
#include "watch.h"

/* The card's counters are read at most this often per IKE SA. */
#define WATCH_EVERY	1.0

static void
soonest(double *next, double t)
{
	if (t > 0 && t < *next)
		*next = t;
}

static int
watched(const struct child_rec *r, const struct conf_child *cc)
{
	return cc != NULL && cc->blackhole_time > 0 &&
	    r->state == CHILD_INSTALLED && !r->staged;
}

void
exch_watch_timers(struct daemon *d, struct ikesa *s, double now,
    double *next)
{
	double last = 0;
	int any = 0;

	/* every CHILD_SA of s is sampled in the same pass */
	for (size_t i = 0; i < s->nchild; i++)
		if (s->child[i].bh.at > last)
			last = s->child[i].bh.at;
	if (last != 0 && now < last + WATCH_EVERY) {
		soonest(next, last + WATCH_EVERY);
		return;
	}
	for (size_t i = 0; i < s->nchild; i++) {
		struct child_rec *r = &s->child[i];
		const struct conf_child *cc = exch_conf_child(d, s, r->name);
		struct dp_counters ct;
		uint64_t sent = 0;

		if (!watched(r, cc) ||
		    dp_child_counters(d->dp, r->spi_in, &ct) != 0)
			continue;
		any = 1;
		switch (bh_judge(&r->bh, ct.in_packets, ct.out_packets, now,
		    (double)cc->blackhole_time, &sent)) {
		case BH_HOLE:
			log_err(s->who, "CHILD_SA %s{%u} (SPIs %08x_i %08x_o): "
			    "%llu packets out and none in for %.0f s: a black "
			    "hole (the peer may still send on an old SA, or "
			    "ESP is filtered); checking the peer is alive",
			    r->name, r->uniq, r->spi_in, r->spi_out,
			    (unsigned long long)sent, now - r->bh.since);
			r->bh_check = 1;
			ikesa_task_add(s, TASK_DPD, NULL, 0);
			exch_next(d, s);
			soonest(next, now + WATCH_EVERY);
			return;		/* s may have changed: next pass */
		case BH_OVER:
			r->bh_check = 0;
			log_info(s->who, "CHILD_SA %s{%u} (SPIs %08x_i "
			    "%08x_o): ESP comes in again: the black hole is "
			    "over", r->name, r->uniq, r->spi_in, r->spi_out);
			break;
		case BH_OK:
			break;
		}
	}
	if (any)
		soonest(next, now + WATCH_EVERY);
}

void
exch_watch_answered(struct daemon *d, struct ikesa *s)
{
	(void)d;
	if (s->cur.kind != TASK_DPD)
		return;
	for (size_t i = 0; i < s->nchild; i++) {
		struct child_rec *r = &s->child[i];

		if (!r->bh_check)
			continue;
		r->bh_check = 0;
		if (r->state != CHILD_INSTALLED || r->staged)
			continue;	/* rekeyed or deleted meanwhile */
		log_info(s->who, "CHILD_SA %s{%u} (SPIs %08x_i %08x_o): the "
		    "peer answered the liveness check, so IKE gets through "
		    "but its ESP does not: rekeying the CHILD_SA", r->name,
		    r->uniq, r->spi_in, r->spi_out);
		r->rekey_at = 0;
		ikesa_task_add(s, TASK_REKEY, NULL, r->spi_in);
	}
}
