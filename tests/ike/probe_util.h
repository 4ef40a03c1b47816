/*
 * probe_util - what tests/ike/init_probe.c and tests/ike/child_probe.c both
 * need to speak IKE over UDP to a real peer: addresses, a line for each
 * message, a CIDR as a traffic selector, a request sent until its response
 * comes, IKE_SA_INIT as the initiator, and the responder's sockets on 500 and on 4500, where IKE comes
 * after the non-ESP marker.
 */
#ifndef PROBE_UTIL_H
#define PROBE_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "ike_msg.h"
#include "ike_pld.h"
#include "ike_sa.h"
#include "ike_xform.h"

/* The words every probe starts with. */
struct probe_args {
	struct sockaddr_storage local, remote;		/* UDP 500 */
	struct ike_proposal ike[IKE_PROPOSALS_MAX];	/* PROPOSALS */
	size_t         nike;
	struct ike_proposal esp[IKE_PROPOSALS_MAX];	/* ESP_PROPOSALS */
	size_t         nesp;
	struct ike_ts  local_ts, remote_ts;		/* LOCAL_TS REMOTE_TS */
};

/*
 * LOCAL_IP REMOTE_IP PROPOSALS in argv[0..2], and with n 6 ESP_PROPOSALS
 * LOCAL_TS REMOTE_TS in argv[3..5], into a; -1 with "WHO: bad arguments
 * ..." on stderr.
 */
int probe_args(const char *who, char **argv, int n, struct probe_args *a);

/* ss as IPv4 ip:port; -1 if ip is not an IPv4 address. */
int probe_addr(struct sockaddr_storage *ss, const char *ip, uint16_t port);

/* "WHAT SUMMARY" ("sending IKE_AUTH request 1 [ IDi AUTH SA TSi TSr ]"). */
void probe_show(const char *what, const uint8_t *buf, size_t len);

/* An IPv4 CIDR ("10.1.0.0/24") as a range selector, all ports. */
int probe_ts_cidr(const char *s, struct ike_ts *t);

/*
 * Sends req over the connected socket s until the response to it (the same
 * message ID and SPIi) comes into resp: 5 tries a second apart, for the
 * peer may still be starting; other messages are shown and passed over.
 * Its length, or 0 with a line that says why.
 */
size_t probe_exchange(int s, const uint8_t *req, size_t len, uint8_t *resp,
    size_t cap);

/* A UDP socket bound to sa's local address and connected to its remote
 * one; -1 with a line on stderr from who. */
int probe_connect(const char *who, const struct ike_sa *sa);

/*
 * IKE_SA_INIT as the initiator over the connected socket s, following the
 * peer's COOKIE and INVALID_KE_PAYLOAD rounds ("retry: ..."): 0 once sa
 * is established, or -1 with the line that says why not ("failed: ...").
 */
int probe_ike_init(int s, struct ike_sa *sa, const struct ike_proposal *ours,
    size_t n);

/*
 * The responder's sockets: s[0] on local's address, UDP 500, s[1] on 4500,
 * and p[] to poll them.  -1 with a line on stderr from who.
 */
int probe_listen(const char *who, const struct sockaddr_storage *local,
    int s[2], struct pollfd p[2]);

/*
 * Up to 100 ms for a request on p[] (after probe_listen()), into msg and
 * m, from from; *natt 1 when it came on 4500 after the non-ESP marker.
 * Its length, shown; 0 for anything but a request (a response, ESP, a
 * message that does not parse); -1 when nothing came.
 */
ssize_t probe_request(const struct pollfd p[2], uint8_t *msg, size_t cap,
    struct ike_msg *m, struct sockaddr_storage *from, int *natt);

/* msg to to, shown, after the non-ESP marker on 4500 (natt). */
int probe_send_ike(int s, int natt, const uint8_t *msg, size_t len,
    const struct sockaddr_storage *to);

#endif
