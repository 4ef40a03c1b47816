/*
 * daemon.h - nicsecd's core: the IKE SAs it holds, the packets and timers
 * that move them, and what the control socket asks of it.  No sockets of
 * its own beyond struct ike_socks; nicsecd.c runs the loop.
 */
#ifndef NICSEC_DAEMON_H
#define NICSEC_DAEMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conf.h"
#include "diag_hist.h"
#include "ike_init.h"
#include "ike_sock.h"
#include "ikesa.h"

struct dp;
struct ike_creds;

/* Initiations waiting for room: nicsecd keeps at most INIT_INFLIGHT_MAX
 * IKE SAs of its own between IKE_SA_INIT and IKE_AUTH's end, so that a
 * start with hundreds of tunnels does not overflow the peer's socket
 * buffer with one burst (each request lost costs a 4 s retransmit). */
#define INIT_INFLIGHT_MAX	16

struct dmn_pending {
	char	 conn[IKESA_NAME_MAX], child[IKESA_NAME_MAX];
};

/* A child to be kept up whose initiation failed: tried again at `at`
 * (0: being tried now), the wait doubling from 1 s to 60 s
 * (exch_life.c). */
struct dmn_retry {
	char	 conn[IKESA_NAME_MAX], child[IKESA_NAME_MAX];
	unsigned n;		/* failures in a row */
	double	 at;
};
#define DMN_RETRY_MAX	64

struct daemon {
	struct conf		*conf;
	struct ike_socks	 socks;
	struct ike_cookie_cfg	 cookie;
	struct ikesa_table	 t;
	struct dp		*dp;		/* the card, or `none` */
	uint64_t		 dropped;	/* packets dropped, any cause */
	struct dmn_pending	*pending;	/* initiations waiting */
	size_t			 npending, cap_pending;
	struct dmn_retry	 retry[DMN_RETRY_MAX];
	size_t			 nretry;
	/* Certificates and keys, one set a connection (conf->conns' order;
	 * NULL for a PSK one), and the CERTREQ a responder sends: every
	 * trusted CA's hash, since it can't know yet which connection an
	 * initiator is for. */
	struct ike_creds	**creds;
	uint8_t			*certreq;
	size_t			 certreq_len;
	/* What `nicsecctl diagnose` needs of the past, by connection. */
	struct diag_hist	 diag;
};

/* Monotonic seconds. */
double dmn_now(void);

int dmn_init(struct daemon *d, struct conf *conf, char *err, size_t errlen);
/* The credentials of connection name, or NULL. */
const struct ike_creds *dmn_creds(const struct daemon *d, const char *conn);
void dmn_free(struct daemon *d);

/* Children with start_action = start, at start-up and after a reload. */
void dmn_start_all(struct daemon *d);

/* One datagram from socket idx. */
void dmn_packet(struct daemon *d, int idx, uint8_t *buf, size_t len,
    const struct sockaddr_storage *from, const struct sockaddr_storage *to);

/* Our IKE SAs being set up; an initiation to wait for room. */
size_t dmn_inflight(const struct daemon *d);
int dmn_defer(struct daemon *d, const char *conn, const char *child);

/* Runs what is due; returns the seconds until the next thing is. */
double dmn_timers(struct daemon *d);

/* The control socket's commands; each writes its answer to out and
 * returns 0, or 1 with one line in out saying why not. */
int dmn_initiate(struct daemon *d, const char *child, const char *ike,
    FILE *out);
int dmn_terminate(struct daemon *d, const char *ike, const char *child,
    FILE *out);
int dmn_rekey(struct daemon *d, const char *ike, const char *child,
    FILE *out);
int dmn_reload(struct daemon *d, const char *path, FILE *out);
void dmn_list_sas(struct daemon *d, int json, FILE *out);
/* sa_list.c, and diagnose.c's too: a CHILD SA's state as list-sas names
 * it, and a string as JSON (quotes, backslashes, control bytes escaped). */
const char *sa_child_state(const struct child_rec *c);
void sa_jstr(FILE *out, const char *s);
/* diagnose.c: every connection, or conn (1: no such connection). */
int dmn_diagnose(struct daemon *d, const char *conn, int json, FILE *out);

#endif /* NICSEC_DAEMON_H */
