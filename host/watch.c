/*
 * watch.c - the black-hole and monitor verdicts.  See watch.h.
 */
#include "watch.h"

enum bh_verdict
bh_judge(struct bh_watch *w, uint64_t in, uint64_t out, double now,
    double limit, uint64_t *sent)
{
	int was;

	w->at = now;
	/* the first sample, or counters that went back (not the SA the
	 * window began on): start over from here */
	if (w->since == 0 || in < w->in || out < w->out) {
		w->warned = 0;
		goto restart;
	}
	if (in != w->in) {
		was = w->warned;
		w->warned = 0;
		w->in = in;
		w->out = w->last_out = out;
		w->since = w->out_at = now;
		return was ? BH_OVER : BH_OK;
	}
	if (out != w->last_out) {
		w->last_out = out;
		w->out_at = now;
	}
	/* nothing out either: an idle tunnel, not a silent one; the window
	 * opens when something goes out.  Nothing out for limit: the
	 * traffic stopped, and the window with it */
	if (!w->warned && (out == w->out || now - w->out_at >= limit))
		goto restart;
	if (w->warned || now - w->since < limit || out - w->out < BH_MIN_OUT)
		return BH_OK;
	w->warned = 1;
	if (sent != 0)
		*sent = out - w->out;
	return BH_HOLE;
restart:
	w->in = in;
	w->out = w->last_out = out;
	w->since = w->out_at = now;
	return BH_OK;
}

enum mon_verdict
mon_judge(struct mon_watch *m, int answered, unsigned threshold)
{
	if (answered) {
		m->missed = 0;
		if (!m->down)
			return MON_SAME;
		m->down = 0;
		return MON_UP;
	}
	if (m->missed < threshold)
		m->missed++;
	if (m->down || m->missed < threshold)
		return MON_SAME;
	m->down = 1;
	return MON_DOWN;
}
