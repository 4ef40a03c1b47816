/*
 * diag_hist.h - what `nicsecctl diagnose` needs that the live state does
 * not keep: for each connection, by name, so that it outlives the IKE SA
 * (a rekey replaces it, a failure and the next initiation make another),
 * the last rekeys and how they ended, the last setup error, why the
 * tunnel last went down, the peer's last DELETE of each child, the last
 * DPD, and a minute of each child's packet counters.
 *
 * The exchange code calls the hooks below, one line each, where the
 * event happens; diagnose.c reads the history beside the live state.
 * Nothing here sends, logs or changes an SA.
 */
#ifndef NICSEC_DIAG_HIST_H
#define NICSEC_DIAG_HIST_H

#include <stddef.h>
#include <stdint.h>

#include "ikesa.h"

#define DIAG_WHY_MAX		512
/* One sample every DIAG_SAMPLE_EVERY s, DIAG_SAMPLES of them: a minute
 * and a bit, so that "out rising, in flat" shows. */
#define DIAG_SAMPLE_EVERY	4.0
#define DIAG_SAMPLES		16
/* CHILD SAs of one child in one sample (a rekey's old and new, and a
 * collision's pair). */
#define DIAG_SAMPLE_SAS		4
#define DIAG_CHILDREN		16

struct daemon;

/* How a rekey ended. */
enum diag_end {
	DIAG_NONE,		/* no rekey yet */
	DIAG_PENDING,		/* out, no answer yet */
	DIAG_DONE,
	DIAG_REFUSED,		/* the peer refused ours; why: our line */
	DIAG_WE_REFUSED,	/* we refused the peer's */
	DIAG_TIMEOUT,		/* no answer: the peer was given up on */
};

struct diag_rekey {
	double		 at;		/* started (monotonic); 0: never */
	double		 end_at;
	int		 ours;		/* we started it */
	enum diag_end	 how;
	char		 why[DIAG_WHY_MAX];	/* a refusal's line */
	unsigned	 ndone, nfailed;
};

/* One sample of one CHILD SA's counters. */
struct diag_sa_count {
	uint32_t	 spi_in;
	uint64_t	 in, out;	/* packets */
};

struct diag_sample {
	double		 at;
	struct diag_sa_count sa[DIAG_SAMPLE_SAS];
	size_t		 nsa;
};

struct diag_child {
	char		 name[IKESA_NAME_MAX];
	struct diag_rekey rekey;
	double		 deleted_at;	/* the peer's last DELETE of it */
	int		 close_action;	/* CONF_ACTION_* then */
	struct diag_sample ring[DIAG_SAMPLES];
	size_t		 nring, head;	/* head: the next slot written */
};

/* The last DPD. */
enum diag_dpd {
	DPD_NONE,
	DPD_SENT,
	DPD_ANSWERED,
	DPD_UNANSWERED,		/* the peer was declared dead */
};

struct diag_conn {
	char		 name[IKESA_NAME_MAX];
	struct diag_rekey ike_rekey;
	/* The last failure to set the tunnel (or one child) up: IKE_SA_INIT,
	 * IKE_AUTH or CREATE_CHILD_SA; child "" for the IKE SA. */
	double		 setup_at;
	char		 setup_child[IKESA_NAME_MAX];
	char		 setup[DIAG_WHY_MAX];
	/* The last time an established IKE SA of it went, and why. */
	double		 down_at;
	char		 down[DIAG_WHY_MAX];
	int		 down_ours;	/* we deleted it: not a failure */
	enum diag_dpd	 dpd;
	double		 dpd_at, dpd_answer_at;
	struct diag_child child[DIAG_CHILDREN];
	size_t		 nchild;
};

struct diag_hist {
	struct diag_conn *conn;
	size_t		 n, cap;
	double		 sample_at;	/* the next sample */
};

void diag_hist_free(struct diag_hist *h);
/* The history of conn, or NULL if nothing happened to it yet. */
const struct diag_conn *diag_conn_find(const struct diag_hist *h,
    const char *conn);
const struct diag_child *diag_child_find(const struct diag_conn *c,
    const char *child);

/* ---- the hooks: child NULL is the IKE SA ------------------------------ */
/* A rekey starts; ours: we sent the request. */
void diag_rekey_start(struct diag_hist *h, const char *conn,
    const char *child, int ours);
/* The rekey started last ended; why: the refusal's line, or NULL. */
void diag_rekey_end(struct diag_hist *h, const char *conn,
    const char *child, enum diag_end how, const char *why);
/* Our CREATE_CHILD_SA for child was refused: its rekey (rekey), or
 * another CHILD_SA (a setup error). */
void diag_child_failed(struct diag_hist *h, const char *conn,
    const char *child, int rekey, const char *why);
/* Our rekey of child (its old inbound SPI rekeyed; 0: not a rekey) is
 * done. */
void diag_child_rekeyed(struct diag_hist *h, const char *conn,
    const char *child, uint32_t rekeyed);
/* ns, an IKE SA's successor, is up: the rekey is done, ours if ns's
 * initiator is us (the rekey's initiator is the new SA's). */
void diag_ike_rekeyed(struct diag_hist *h, const struct ikesa *ns);
/* The peer's rekey, started and ended by one request. */
void diag_rekey_peer(struct diag_hist *h, const char *conn,
    const char *child, enum diag_end how, const char *why);
/* We refused a CREATE_CHILD_SA request (kind: enum ike_child_kind, the
 * made.kind of ike_child_request_in): a rekey's, or a setup error. */
void diag_refused(struct diag_hist *h, const char *conn, const char *child,
    int kind, const char *why);
/* Setting conn (child NULL: the IKE SA) up failed. */
void diag_setup_error(struct diag_hist *h, const char *conn,
    const char *child, const char *why);
/* The peer deleted child (its CHILD_SA or the IKE SA); close_action is
 * what was done about it. */
void diag_peer_delete(struct diag_hist *h, const char *conn,
    const char *child, int close_action);
/* An empty INFORMATIONAL went out (DPD). */
void diag_dpd(struct diag_hist *h, const char *conn);
/* An INFORMATIONAL of s was answered: a DPD's, if it was one. */
void diag_info_answered(struct diag_hist *h, const struct ikesa *s);
/* s is going (exch_destroy), why as logged or NULL: a setup error, or
 * the tunnel down; a rekey or DPD out with it timed out. */
void diag_ike_gone(struct diag_hist *h, const struct ikesa *s,
    const char *why);
/* Samples each CHILD SA's counters when due (every DIAG_SAMPLE_EVERY s);
 * when the next sample is, for the daemon's timer. */
double diag_sample(struct daemon *d, double now);

/* Packets in and out of child over its ring, and the seconds that
 * covers (0 with fewer than two samples). */
void diag_trend(const struct diag_child *c, uint64_t *in, uint64_t *out,
    double *span);
/* The in and out packets between sample i-1 and i (i from 1, oldest
 * first, i < nring). */
void diag_step(const struct diag_child *c, size_t i, uint64_t *in,
    uint64_t *out);

#endif /* NICSEC_DIAG_HIST_H */
