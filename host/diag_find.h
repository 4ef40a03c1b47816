/*
 * diag_find.h - the known problems of one tunnel, from what diagnose.c
 * gathered (the live state, the configuration, diag_hist.h's history):
 * each in plain words with its fix.  A pure function, so that each rule
 * can be tested alone (tests/unit/test_diag_find.c).
 */
#ifndef NICSEC_DIAG_FIND_H
#define NICSEC_DIAG_FIND_H

#include <stddef.h>
#include <stdint.h>

#include "diag_hist.h"

/* Of one configured child. */
struct diag_child_facts {
	const char	*name;
	int		 up;		/* a CHILD SA of it is installed */
	int		 close_action, dpd_action;	/* CONF_ACTION_* */
	int		 keep_up;	/* an action is start */
	/* packets over the ring, and the seconds it covers */
	uint64_t	 in, out;
	double		 span;
	/* a black hole as the watcher (exch_watch.c) judged it: packets out
	 * with none in, for hole_for s (0: none now) */
	uint64_t	 hole_out;
	double		 hole_for;
	const struct diag_child *h;	/* its history, or NULL */
};

struct diag_facts {
	const char	*conn;
	double		 now;
	int		 up;		/* an IKE SA established */
	int		 connecting;	/* one being set up */
	uint64_t	 dpd_delay;
	int		 dp_none;	/* the data plane carries nothing */
	/* initiating again with back-off: failures in a row, when next */
	unsigned	 retry_n;
	double		 retry_in;
	const char	*retry_child;
	const struct diag_conn *h;	/* its history, or NULL */
	struct diag_child_facts child[DIAG_CHILDREN];
	size_t		 nchild;
};

struct diag_problem {
	char		 what[1024];
	char		 fix[512];
};

#define DIAG_PROBLEMS_MAX	16

/* The problems found, at most max; how many. */
size_t diag_find(const struct diag_facts *f, struct diag_problem *out,
    size_t max);

#endif /* NICSEC_DIAG_FIND_H */
