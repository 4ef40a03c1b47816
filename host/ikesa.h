/*
 * ikesa.h - the daemon's record of one IKE SA: the exchange state (struct
 * ike_sa, which the no-I/O exchange code reads and changes), which
 * connection it belongs to, its CHILD SAs, the one request it has out
 * (nicsecd keeps a window of one, RFC 7296 2.3) with its retransmission
 * schedule, and the last response it sent, for the peer's retransmits.
 */
#ifndef NICSEC_IKESA_H
#define NICSEC_IKESA_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "conn_cfg.h"
#include "ike_auth.h"
#include "ike_child.h"
#include "ike_sa.h"
#include "watch.h"

#define IKESA_CHILD_MAX		16
#define IKESA_NAME_MAX		64

enum child_state {
	CHILD_INSTALLED,	/* both directions in the data plane */
	CHILD_REKEYED,		/* replaced; inbound kept for stragglers */
	CHILD_DELETING,		/* DELETE sent */
};

struct child_rec {
	char		 name[IKESA_NAME_MAX];	/* the config's child */
	unsigned	 uniq;			/* net{uniq} in the logs */
	enum child_state state;
	uint32_t	 spi_in, spi_out;
	struct ike_proposal chosen;
	/* ours (tsi) and the peer's (tsr), whoever initiated */
	struct ike_ts	 tsi[IKE_TS_MAX], tsr[IKE_TS_MAX];
	size_t		 ntsi, ntsr;
	int		 encap;			/* ESP in UDP */
	double		 installed;		/* monotonic seconds */
	/* Lifetimes (exch_life.c), monotonic seconds; 0: none.  rekey_at
	 * is rekey_time less a random part of rand_time, expire_at
	 * life_time; gone_at (REKEYED) is when the old inbound SA, kept for
	 * stragglers, leaves the data plane. */
	double		 rekey_at, expire_at, gone_at;
	/* A rekey's responder: the new inbound SA is in, the outbound one
	 * staged until the peer deletes the old CHILD_SA (replaces), or ESP
	 * comes in on the new one, or switch_at. */
	int		 staged;
	uint32_t	 replaces;
	double		 switch_at;
	uint64_t	 in_mark;		/* dp_child_inbound_since() */
	/* A rekey's successor (exch_collide.c): the inbound SPI of the
	 * CHILD_SA its exchange rekeyed, whether we initiated that exchange,
	 * and the lower of the exchange's two nonces.  Two successors of one
	 * CHILD_SA are a collision (RFC 7296 2.8.1): the one of the lowest
	 * nonce is redundant, and its creator deletes it. */
	uint32_t	 rekey_of;
	int		 ours;
	uint8_t		 nonce[IKE_NONCE_MAX];
	size_t		 nonce_len;
	int		 redundant;		/* lost a collision */
	/* Black-hole detection (exch_watch.c): the card's counters as last
	 * sampled (bh.since 0: never), and whether the liveness check its
	 * report queued is waiting for the peer's answer. */
	struct bh_watch	 bh;
	int		 bh_check;
};

/* What the request out is, so its response goes to the right code. */
enum ikesa_req {
	REQ_NONE,
	REQ_INIT,		/* IKE_SA_INIT */
	REQ_AUTH,		/* IKE_AUTH with the first CHILD_SA */
	REQ_CHILD,		/* CREATE_CHILD_SA */
	REQ_INFO,		/* INFORMATIONAL */
};

/* Work waiting for the request window (one request out at a time). */
enum task_kind {
	TASK_CHILD,		/* CREATE_CHILD_SA for child `name` */
	TASK_REKEY,		/* rekey the CHILD_SA with inbound SPI spi */
	TASK_DEL_CHILD,		/* DELETE it */
	TASK_DEL_IKE,		/* DELETE the IKE SA */
	TASK_DPD,		/* an empty INFORMATIONAL: is the peer there? */
	TASK_IKE_REKEY,		/* CREATE_CHILD_SA for the IKE SA's successor */
};

struct ikesa_task {
	enum task_kind	 kind;
	char		 name[IKESA_NAME_MAX];
	uint32_t	 spi;
};

#define IKESA_TASK_MAX		16

struct ikesa {
	struct ikesa	*next;
	unsigned	 uniq;			/* gw[uniq] in the logs */
	char		 conn[IKESA_NAME_MAX];	/* "" until a responder
						 * knows it */
	char		 who[IKESA_NAME_MAX + 16];	/* "gw[3]" */
	struct ike_sa	 sa;
	struct cfg_id	 local_id, remote_id;	/* as authenticated */
	double		 created, established, last_in;
	/* exch_life.c: the IKE SA's rekey, and when it is given up on if
	 * the rekey did not happen (rekey_time + over_time); the last time
	 * inbound ESP was seen on one of its CHILD SAs (DPD). */
	double		 rekey_at, life_at, last_esp, esp_poll_at;
	int		 no_retry;		/* closed by us: no back-off */
	/* An IKE SA rekey (exch_life.c): the record its CHILD SAs moved to
	 * (uniq; 0: none), so that an exchange of ours still under way on
	 * this one finishes on it; and the peer's rekey of it that crossed
	 * ours, with the lower nonce of its exchange (RFC 7296 2.8.2). */
	unsigned	 successor;
	unsigned	 rival;
	uint8_t		 rival_nonce[IKE_NONCE_MAX];
	size_t		 rival_nonce_len;
	double		 expire;		/* 0, or when to drop it
						 * (half-open, or failed) */

	/* The request out: sent `tries` times, again at next_send. */
	enum ikesa_req	 req;
	uint8_t		*req_buf;
	size_t		 req_len;
	uint32_t	 req_msgid;
	unsigned	 tries;
	double		 req_first;		/* when it was first sent */
	double		 next_send;

	/* Our last response, sent again when its request comes again. */
	uint8_t		*resp_buf;
	size_t		 resp_len;
	uint32_t	 resp_msgid;

	/* Initiator: the CHILD_SA IKE_AUTH asks for. */
	char		 child_name[IKESA_NAME_MAX];
	struct ike_proposal esp[IKE_PROPOSALS_MAX];
	struct ike_child_req creq;

	/* Initiator of a CREATE_CHILD_SA or INFORMATIONAL: what it is. */
	struct ike_child_xchg cx;
	struct ikesa_task cur;

	struct ikesa_task task[IKESA_TASK_MAX];
	size_t		 ntask;

	struct child_rec child[IKESA_CHILD_MAX];
	size_t		 nchild;
	double		 keepalive_next;
};

/* The daemon's table of IKE SAs: a list, looked up by our SPI. */
struct ikesa_table {
	struct ikesa	*head;
	unsigned	 next_uniq, next_child_uniq;
	size_t		 n, half_open;
};

struct ikesa *ikesa_new(struct ikesa_table *t, const char *conn,
    int initiator);
void ikesa_free(struct ikesa_table *t, struct ikesa *s);
void ikesa_set_conn(struct ikesa *s, const char *conn);

/* Our SPI: SPIi if we initiated, else SPIr. */
uint64_t ikesa_our_spi(const struct ikesa *s);
struct ikesa *ikesa_find(struct ikesa_table *t, uint64_t our_spi);
/* A responder's half-open SA for this initiator SPI and peer. */
struct ikesa *ikesa_find_init(struct ikesa_table *t, uint64_t spi_i,
    const struct sockaddr_storage *remote);

/* Keeps a copy of the request or response (replacing the last). */
int ikesa_keep_req(struct ikesa *s, enum ikesa_req kind, const uint8_t *buf,
    size_t len, uint32_t msgid);
int ikesa_keep_resp(struct ikesa *s, const uint8_t *buf, size_t len,
    uint32_t msgid);
void ikesa_req_done(struct ikesa *s);

/* Queues a task; -1 if the queue is full.  One of the same kind and
 * target already queued is not queued twice. */
int ikesa_task_add(struct ikesa *s, enum task_kind kind, const char *name,
    uint32_t spi);
int ikesa_task_pop(struct ikesa *s, struct ikesa_task *t);

struct child_rec *ikesa_child_add(struct ikesa_table *t, struct ikesa *s);
struct child_rec *ikesa_child_by_spi(struct ikesa *s, uint32_t spi_in);
void ikesa_child_del(struct ikesa *s, struct child_rec *c);

#endif /* NICSEC_IKESA_H */
