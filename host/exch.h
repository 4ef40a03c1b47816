/*
 * exch.h - the daemon's side of each exchange: takes what daemon.c has
 * matched to an IKE SA, runs the no-I/O exchange code (ike_init.c,
 * ike_auth.c, ike_child.c, ike_info.c) with the configuration's values,
 * sends what it builds, and logs what happened in one line.
 *
 *   exch.c        dispatch, logging, the end of an IKE SA
 *   exch_ike.c    IKE_SA_INIT and IKE_AUTH, both roles
 *   exch_child.c  CREATE_CHILD_SA and INFORMATIONAL
 *   exch_life.c   by the clock: lifetimes, rekeys, DPD, re-initiation
 *   exch_watch.c  black holes: ESP out and none in
 *   exch_monitor.c  ICMP echo through the tunnel (monitor_address)
 */
#ifndef NICSEC_EXCH_H
#define NICSEC_EXCH_H

#include <stdio.h>

#include "daemon.h"
#include "ike_msg.h"

/* daemon.c: send, and send-and-keep-for-retransmits */
void dmn_send(struct daemon *d, struct ikesa *s, const uint8_t *buf,
    size_t len, int outgoing_request);
int dmn_request(struct daemon *d, struct ikesa *s, enum ikesa_req kind,
    const uint8_t *buf, size_t len, uint32_t msgid);

/* exch.c */
void exch_summary(const struct ikesa *s, const uint8_t *buf, size_t len,
    int outgoing, char *line, size_t cap);
const char *exch_req_name(enum ikesa_req kind);
void exch_response(struct daemon *d, struct ikesa *s, const struct ike_msg *m,
    const uint8_t *buf, size_t len, const struct sockaddr_storage *from,
    const struct sockaddr_storage *to);
void exch_request(struct daemon *d, struct ikesa *s, const struct ike_msg *m,
    const uint8_t *buf, size_t len, const struct sockaddr_storage *from,
    const struct sockaddr_storage *to);
/* Removes s and its CHILD SAs from the data plane and the table, and,
 * when why is not NULL, logs it. */
void exch_destroy(struct daemon *d, struct ikesa *s, const char *why);
void exch_peer_dead(struct daemon *d, struct ikesa *s);
void exch_expired(struct daemon *d, struct ikesa *s);
/* A packet for s came from a new address or port: follow it (NAT). */
void exch_follow(struct ikesa *s, const struct sockaddr_storage *from,
    const struct sockaddr_storage *to);

/*
 * Responder: the configured child a request (IKE_AUTH or CREATE_CHILD_SA)
 * is for.  A rekey's is the child it rekeys; otherwise the first whose
 * selectors and the peer's TSi/TSr have something in common, else the
 * first (so that the exchange fails naming both sides' selectors).  NULL
 * if the connection has no children.
 */
const struct conf_child *exch_pick_child(struct daemon *d, struct ikesa *s,
    const struct conf_conn *c, const uint8_t *buf, size_t len,
    uint8_t exchange);
/* A child's selectors, `dynamic` (or none given) being the IKE address. */
size_t exch_child_ts(const struct conf_ts *t, size_t n,
    const struct sockaddr_storage *a, struct ike_ts *out);

/* exch_ike.c */
void exch_init_request(struct daemon *d, const struct ike_msg *m,
    const uint8_t *buf, size_t len, const struct sockaddr_storage *from,
    const struct sockaddr_storage *to);
void exch_init_response(struct daemon *d, struct ikesa *s,
    const struct ike_msg *m);
void exch_auth_response(struct daemon *d, struct ikesa *s,
    const uint8_t *buf, size_t len);
void exch_auth_request(struct daemon *d, struct ikesa *s,
    const uint8_t *buf, size_t len);
int exch_start_child(struct daemon *d, const struct conf_conn *conn,
    const struct conf_child *child, char *err);
/* 1 if conn's child has a CHILD_SA installed or an IKE SA being set up
 * for it. */
int exch_has_child(const struct daemon *d, const char *conn,
    const char *child);
/* Where an initiation of c goes (its single remote address) and from
 * (the route's source); 0, or -1 with one line in err. */
int exch_conn_addrs(const struct daemon *d, const struct conf_conn *c,
    struct sockaddr_storage *remote, struct sockaddr_storage *local,
    char *err, size_t errlen);
/* Fills a CHILD_SA request from the configuration (our SPI allocated). */
int exch_child_req(struct daemon *d, struct ikesa *s,
    const struct conf_child *ch, char *err, size_t errlen);
/* IKE_AUTH done: the IKE SA is up; logs who with whom. */
void exch_ike_up(struct daemon *d, struct ikesa *s);
/* A negotiated CHILD SA: recorded, put into the data plane, logged;
 * initiator: we initiated the exchange that made it.  replaces: a rekey's
 * old inbound SPI; staged: a rekey's responder, the outbound SA staged
 * (child_dp_install_inbound).  The record, or NULL. */
struct child_rec *exch_child_up(struct daemon *d, struct ikesa *s,
    const char *name, struct ike_child *c, int initiator, uint32_t replaces,
    int staged);
const struct conf_conn *exch_conn(const struct daemon *d,
    const struct ikesa *s);
const struct conf_child *exch_conf_child(const struct daemon *d,
    const struct ikesa *s, const char *name);

/* exch_child.c */
void exch_info_request(struct daemon *d, struct ikesa *s,
    const uint8_t *buf, size_t len);
void exch_info_response(struct daemon *d, struct ikesa *s,
    const uint8_t *buf, size_t len);
void exch_child_request(struct daemon *d, struct ikesa *s,
    const uint8_t *buf, size_t len);
void exch_child_response(struct daemon *d, struct ikesa *s,
    const uint8_t *buf, size_t len);
/* Another CHILD_SA on an established IKE SA (queued if one is out). */
int exch_create_child(struct daemon *d, struct ikesa *s,
    const struct conf_child *ch, char *err);
int exch_delete_child(struct daemon *d, struct ikesa *s, struct child_rec *c);
void exch_delete_ike(struct daemon *d, struct ikesa *s);
int exch_rekey_child(struct daemon *d, struct ikesa *s, struct child_rec *c,
    FILE *out);
/* Starts a queued exchange if none is out (window of one). */
void exch_next(struct daemon *d, struct ikesa *s);
/* Logs that a CHILD SA went, and removes it (data plane and record). */
void exch_child_gone(struct daemon *d, struct ikesa *s, struct child_rec *r,
    const char *why);

/* exch_collide.c: rekey collisions (RFC 7296 2.8.1) */
/* Records r as a successor of the CHILD_SA rekey_of, made by an exchange
 * we (ours) or the peer initiated, with its nonces a and b. */
void exch_collide_note(struct child_rec *r, uint32_t rekey_of, int ours,
    const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);
int exch_nonce_cmp(const uint8_t *a, size_t alen, const uint8_t *b,
    size_t blen);
/* A live successor of old made by the other side than `ours` says. */
struct child_rec *exch_collide_rival(struct ikesa *s, uint32_t old,
    int ours);
/* The inbound SPI of old, or of a successor of it, that has the rules. */
uint32_t exch_collide_holder(struct daemon *d, struct ikesa *s,
    uint32_t old);
/* Two successors of one CHILD_SA: the redundant one goes (we delete ours,
 * the peer its own), the other sends; the survivor's creator deletes the
 * old CHILD_SA. */
void exch_collide_settle(struct daemon *d, struct ikesa *s,
    uint32_t ours_spi, uint32_t theirs_spi);
/* The IKE SA of that uniq, or NULL. */
struct ikesa *exch_by_uniq(struct daemon *d, unsigned uniq);
/* Where s's CHILD SAs are now: s, or the successor of its rekey(s). */
struct ikesa *exch_home(struct daemon *d, struct ikesa *s);
/* The peer's rekey of s made ns while ours was out: kept for the answer
 * to ours, with the peer's exchange's nonces. */
void exch_collide_ike_note(struct ikesa *s, const struct ikesa *ns,
    const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);
/* That answer came: nsa is our new IKE SA; one of the two goes. */
void exch_collide_ike(struct daemon *d, struct ikesa *s, struct ike_sa *nsa);
/* The peer deletes s: if s is the peer's side of a collision whose answer
 * has not come, the peer lost it, and s's CHILD SAs go back to the IKE SA
 * our rekey is out on; 1 then. */
int exch_collide_ike_deleted(struct daemon *d, struct ikesa *s);
/* The peer deletes r: if r is its side of a CHILD_SA collision whose
 * answer has not come, the peer lost it, and r goes quietly; 1 then. */
int exch_collide_child_deleted(struct daemon *d, struct ikesa *s,
    struct child_rec *r);

/* exch_life.c */
/* A rekey's old inbound SA stays this long after the switch, for packets
 * under way (strongSwan's delete_rekeyed_delay is 5 s). */
#define REKEY_GRACE	5.0
/* A rekey's responder switches its outbound SA when the initiator deletes
 * the old CHILD SA, when ESP comes in on the new one, or after this. */
#define SWITCH_WAIT	10.0
/* A rekey the peer refused is tried again after this. */
#define REKEY_RETRY	10.0
/* Initiating again: 1, 2, 4 ... s, at most this. */
#define RETRY_MAX	60.0
/* Sets a new CHILD SA's rekey and expiry times from its child. */
void exch_life_child(struct daemon *d, struct ikesa *s, struct child_rec *r);
/* Sets an established IKE SA's rekey time and its limit (over_time). */
void exch_life_ike(struct daemon *d, struct ikesa *s);
/* Runs what is due; returns when the next thing is (monotonic). */
double exch_life_timers(struct daemon *d, double now);
/* The old CHILD SA of a rekey is done with: its staged successor's
 * outbound SA goes in, and the old inbound SA goes after REKEY_GRACE. */
void exch_rekey_switch(struct daemon *d, struct ikesa *s,
    struct child_rec *old, const char *why);
/* Our rekey of old was refused: again in REKEY_RETRY, if there is time. */
void exch_rekey_failed(struct daemon *d, struct ikesa *s,
    struct child_rec *old);
/* The IKE SA nsa (made by a rekey of s) as a new record, which takes s's
 * CHILD SAs and queued work; nsa is moved (zeroed).  NULL if no memory. */
struct ikesa *exch_ike_successor(struct daemon *d, struct ikesa *s,
    struct ike_sa *nsa);
/* from's CHILD SAs and the work queued for them (not its own) go to to,
 * which has none. */
void exch_children_move(struct ikesa *from, struct ikesa *to);
int exch_send_ike_rekey(struct daemon *d, struct ikesa *s);
void exch_ike_rekey_response(struct daemon *d, struct ikesa *s,
    const uint8_t *buf, size_t len);
/* conn's child named child in the configuration (*cp: conn), or NULL. */
const struct conf_child *exch_conf_child_of(const struct daemon *d,
    const char *conn, const char *child, const struct conf_conn **cp);
/* The peer deleted child of conn: close_action. */
void exch_close_action(struct daemon *d, const char *conn, const char *child);
/* A child to be kept up (start_action, close_action or dpd_action
 * start) failed to come up: tried again with back-off. */
void exch_retry(struct daemon *d, const char *conn, const char *child,
    const char *why);
void exch_retry_clear(struct daemon *d, const char *conn);
/* No more tries for conn's children (NULL: any), or for child (NULL:
 * any); how many were waiting. */
size_t exch_retry_stop(struct daemon *d, const char *conn,
    const char *child);

/* exch_watch.c */
/* From exch_life_timers(), for each established IKE SA: reads its CHILD
 * SAs' card counters (at most once a second) and reports a black hole,
 * with a liveness check. */
void exch_watch_timers(struct daemon *d, struct ikesa *s, double now,
    double *next);
/* An INFORMATIONAL response came: if it answered a liveness check that a
 * black hole asked for, that CHILD_SA's rekey is queued (exch_next, which
 * the caller runs next, sends it). */
void exch_watch_answered(struct daemon *d, struct ikesa *s);

/* exch_monitor.c */
/* Opens the raw ICMP socket if a child has monitor_address: at start,
 * before the privileges go.  A failure is logged; monitoring is then
 * off. */
void exch_monitor_open(const struct conf *cf);
void exch_monitor_close(void);
/* nicsecctl terminate: conn's monitors (of child, NULL: all) stop, so
 * that a tunnel the operator closed is not called down; each starts again
 * with its child's next CHILD_SA.  How many stopped. */
size_t exch_monitor_stop(const char *conn, const char *child);
/* Reads replies, sends the requests that are due, acts on a tunnel down
 * or up; returns when it is next due (monotonic). */
double exch_monitor_timers(struct daemon *d, double now);

/* exch_trap.c: `trap` */
/* Opens the packet socket on lan_interface if a child has a trap action:
 * at start, before the privileges go.  A failure is logged; trap is then
 * as none. */
void exch_trap_open(const struct conf *cf);
/* The socket for poll(), or -1. */
int exch_trap_fd(void);
/* Reads what came in; a packet a trap's selectors match starts its child. */
void exch_trap_input(struct daemon *d);
/* Arms a trap for cc (why: "close_action trap", ...), its rules on the
 * card while it has no CHILD_SA. */
void exch_trap_arm(struct daemon *d, const struct conf_conn *c,
    const struct conf_child *cc, const char *why);
/* start_action trap: at start; after a reload, with the traps the new
 * configuration no longer has removed. */
void exch_trap_start_all(struct daemon *d);
void exch_trap_reload(struct daemon *d);
/* nicsecctl terminate: the traps close_action and dpd_action armed go
 * (conn, child NULL: any); start_action's stay, as swanctl's do.  How
 * many went. */
size_t exch_trap_disarm(struct daemon *d, const char *conn, const char *child);
/* A CHILD_SA of conn's child is going on the card: its trap's rules off. */
void exch_trap_hold(struct daemon *d, const char *conn, const char *child);
/* Puts rules back on for children with no CHILD_SA (the packets are read
 * by exch_trap_input, when poll says); returns when it is next due. */
double exch_trap_timers(struct daemon *d, double now);
/* list-sas: each armed trap, one line, or (json) the "traps" array's
 * objects. */
void exch_trap_list(struct daemon *d, int json, FILE *out);
/* Every trap's rules off the card, the socket closed: at shutdown. */
void exch_trap_close(struct daemon *d);

#endif /* NICSEC_EXCH_H */
