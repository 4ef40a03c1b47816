/*
 * watch.h - the two judgements behind black-hole detection
 * (exch_watch.c) and tunnel monitoring (exch_monitor.c), kept apart from
 * the daemon so that they can be tested with numbers alone: counters or
 * replies in, a verdict out.  docs/nicsecd.md, "Black holes and
 * monitoring", says what each is for.
 */
#ifndef NICSEC_WATCH_H
#define NICSEC_WATCH_H

#include <stdint.h>

/*
 * Fewer packets than this out in a window is not called a black hole: a
 * lone packet that got no answer is more likely a host that is down than
 * a tunnel that lets nothing back.
 */
#define BH_MIN_OUT	3

/* One CHILD_SA's card counters, sampled now and then. */
struct bh_watch {
	uint64_t	 in, out;	/* the counts the window began with */
	double		 since;		/* when it began; 0: no sample yet */
	uint64_t	 last_out;	/* out at the last sample ... */
	double		 out_at;	/* ... and when it last moved */
	double		 at;		/* the last sample */
	int		 warned;	/* this episode was reported */
};

enum bh_verdict {
	BH_OK,		/* nothing to say */
	BH_HOLE,	/* packets kept going out and none came in for
			 * limit s: report it, once */
	BH_OVER,	/* inbound moved again after a report */
};

/*
 * One sample (the CHILD_SA's in_packets and out_packets) at now, against
 * a limit of `limit` seconds.  The window opens at the first sample that
 * sees packets go out since inbound last moved, so an idle tunnel is not
 * counted as silent; inbound moving closes it, and so does nothing going
 * out for `limit` (the traffic stopped: whatever comes next starts a new
 * window).  With BH_HOLE, *sent is how many packets went out in the
 * window.
 */
enum bh_verdict bh_judge(struct bh_watch *w, uint64_t in, uint64_t out,
    double now, double limit, uint64_t *sent);

/* A monitor's run of missed replies. */
struct mon_watch {
	unsigned	 missed;	/* in a row */
	int		 down;		/* reported down */
};

enum mon_verdict {
	MON_SAME,	/* no change to report */
	MON_DOWN,	/* threshold misses in a row: now down */
	MON_UP,		/* a reply after being down */
};

/* The probe just ended was answered, or not. */
enum mon_verdict mon_judge(struct mon_watch *m, int answered,
    unsigned threshold);

#endif /* NICSEC_WATCH_H */
