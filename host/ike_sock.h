/*
 * ike_sock.h - nicsecd's IKE sockets: UDP 500 and 4500 (RFC 3948: on 4500
 * an IKE message follows a four-byte zero non-ESP marker), IPv4 and IPv6,
 * bound to the wildcard address with the packet's own destination taken
 * from IP_PKTINFO, so that replies leave from the address the peer sent to.
 */
#ifndef NICSEC_IKE_SOCK_H
#define NICSEC_IKE_SOCK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#define IKE_PORT	500
#define IKE_NATT_PORT	4500

struct ike_socks {
	int	 fd[4];		/* v4 500, v4 4500, v6 500, v6 4500; -1 if
				 * not open */
	uint16_t port, natt_port;
};

/* What one receive gave. */
enum ike_rx_kind {
	IKE_RX_IKE,		/* an IKE message (marker stripped) */
	IKE_RX_KEEPALIVE,	/* a NAT-T keepalive (RFC 3948 2.3) */
	IKE_RX_ESP,		/* ESP in UDP: the card's, not ours */
	IKE_RX_NONE,		/* nothing, or an error (err says) */
};

/* Opens what it can; fails only if no IPv4 socket could be bound. */
int ike_socks_open(struct ike_socks *s, uint16_t port, uint16_t natt_port,
    char *err, size_t errlen);
void ike_socks_close(struct ike_socks *s);

enum ike_rx_kind ike_socks_recv(const struct ike_socks *s, int idx,
    uint8_t *buf, size_t cap, size_t *len, struct sockaddr_storage *from,
    struct sockaddr_storage *to);

/* Sends msg from local to remote: by local's port, the 500 or the 4500
 * socket (adding the marker).  0, or -1 with err. */
int ike_socks_send(const struct ike_socks *s,
    const struct sockaddr_storage *local,
    const struct sockaddr_storage *remote, const uint8_t *msg, size_t len,
    char *err, size_t errlen);

/* A one-byte 0xff NAT-T keepalive from local (port 4500) to remote. */
int ike_socks_keepalive(const struct ike_socks *s,
    const struct sockaddr_storage *local,
    const struct sockaddr_storage *remote);

/* The source address the kernel would use to reach remote (its port is
 * set to port). */
int ike_route_source(const struct sockaddr_storage *remote, uint16_t port,
    struct sockaddr_storage *local, char *err, size_t errlen);

/* Address helpers: "192.0.2.1[500]" as strongSwan writes it. */
uint16_t ike_addr_port(const struct sockaddr_storage *a);
void ike_addr_set_port(struct sockaddr_storage *a, uint16_t port);
int ike_addr_eq(const struct sockaddr_storage *a,
    const struct sockaddr_storage *b);	/* address and port */
int ike_addr_eq_ip(const struct sockaddr_storage *a,
    const struct sockaddr_storage *b);	/* address only */
const char *ike_addr_str(const struct sockaddr_storage *a, char *buf,
    size_t len);
const char *ike_ip_str(const struct sockaddr_storage *a, char *buf,
    size_t len);

#endif /* NICSEC_IKE_SOCK_H */
