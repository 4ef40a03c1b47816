/*
 * ike_sock.c - see ike_sock.h.
 */
#define _GNU_SOURCE
#include "ike_sock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ike_err.h"

static socklen_t
sslen(const struct sockaddr_storage *a)
{
	return a->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
	    sizeof(struct sockaddr_in);
}

static int
open_one(int family, uint16_t port)
{
	struct sockaddr_storage ss;
	int fd, on = 1;

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = family;
	ike_addr_set_port(&ss, port);
	if ((fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (family == AF_INET6) {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on));
	} else {
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
	}
	if (bind(fd, (struct sockaddr *)&ss, sslen(&ss)) != 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int
ike_socks_open(struct ike_socks *s, uint16_t port, uint16_t natt_port,
    char *err, size_t errlen)
{
	s->port = port;
	s->natt_port = natt_port;
	s->fd[0] = open_one(AF_INET, port);
	if (s->fd[0] < 0)
		return ike_errf(err, errlen, "UDP port %u: %s", port,
		    strerror(errno));
	s->fd[1] = open_one(AF_INET, natt_port);
	if (s->fd[1] < 0) {
		ike_errf(err, errlen, "UDP port %u: %s", natt_port,
		    strerror(errno));
		close(s->fd[0]);
		return -1;
	}
	/* IPv6 where the host has it; an IPv4-only host is fine */
	s->fd[2] = open_one(AF_INET6, port);
	s->fd[3] = s->fd[2] >= 0 ? open_one(AF_INET6, natt_port) : -1;
	return 0;
}

void
ike_socks_close(struct ike_socks *s)
{
	for (int i = 0; i < 4; i++)
		if (s->fd[i] >= 0) {
			close(s->fd[i]);
			s->fd[i] = -1;
		}
}

enum ike_rx_kind
ike_socks_recv(const struct ike_socks *s, int idx, uint8_t *buf, size_t cap,
    size_t *len, struct sockaddr_storage *from, struct sockaddr_storage *to)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} cb;
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	struct msghdr mh = { 0 };
	struct cmsghdr *c;
	ssize_t n;
	int natt = idx & 1;

	mh.msg_name = from;
	mh.msg_namelen = sizeof(*from);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cb.buf;
	mh.msg_controllen = sizeof(cb.buf);
	if ((n = recvmsg(s->fd[idx], &mh, MSG_DONTWAIT)) < 0)
		return IKE_RX_NONE;
	memset(to, 0, sizeof(*to));
	to->ss_family = from->ss_family;
	for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			((struct sockaddr_in *)to)->sin_addr = pi.ipi_addr;
		} else if (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			((struct sockaddr_in6 *)to)->sin6_addr = pi.ipi6_addr;
		}
	}
	ike_addr_set_port(to, natt ? s->natt_port : s->port);
	*len = (size_t)n;
	if (!natt)
		return IKE_RX_IKE;
	if (n == 1 && buf[0] == 0xff)
		return IKE_RX_KEEPALIVE;
	if (n < 4 || buf[0] | buf[1] | buf[2] | buf[3])
		return IKE_RX_ESP;
	memmove(buf, buf + 4, (size_t)n - 4);
	*len = (size_t)n - 4;
	return IKE_RX_IKE;
}

static int
send_from(const struct ike_socks *s, const struct sockaddr_storage *local,
    const struct sockaddr_storage *remote, const struct iovec *iov,
    int niov)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} cb;
	struct msghdr mh = { 0 };
	struct cmsghdr *c;
	int v6 = remote->ss_family == AF_INET6;
	int natt = ike_addr_port(local) != s->port;
	int fd = s->fd[(v6 ? 2 : 0) + natt];

	if (fd < 0) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	memset(&cb, 0, sizeof(cb));
	mh.msg_name = (void *)remote;
	mh.msg_namelen = sslen(remote);
	mh.msg_iov = (struct iovec *)iov;
	mh.msg_iovlen = (size_t)niov;
	mh.msg_control = cb.buf;
	c = (struct cmsghdr *)cb.buf;
	if (v6) {
		struct in6_pktinfo pi = { 0 };

		pi.ipi6_addr = ((const struct sockaddr_in6 *)local)->sin6_addr;
		mh.msg_controllen = CMSG_SPACE(sizeof(pi));
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	} else {
		struct in_pktinfo pi = { 0 };

		pi.ipi_spec_dst = ((const struct sockaddr_in *)local)->sin_addr;
		mh.msg_controllen = CMSG_SPACE(sizeof(pi));
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	}
	return sendmsg(fd, &mh, 0) < 0 ? -1 : 0;
}

int
ike_socks_send(const struct ike_socks *s,
    const struct sockaddr_storage *local,
    const struct sockaddr_storage *remote, const uint8_t *msg, size_t len,
    char *err, size_t errlen)
{
	static const uint8_t marker[4];
	struct iovec iov[2];
	int n = 0;
	char a[64];

	if (ike_addr_port(local) != s->port) {
		iov[n].iov_base = (void *)marker;
		iov[n++].iov_len = 4;
	}
	iov[n].iov_base = (void *)msg;
	iov[n++].iov_len = len;
	if (send_from(s, local, remote, iov, n) != 0)
		return ike_errf(err, errlen, "sending to %s: %s",
		    ike_addr_str(remote, a, sizeof(a)), strerror(errno));
	return 0;
}

int
ike_socks_keepalive(const struct ike_socks *s,
    const struct sockaddr_storage *local,
    const struct sockaddr_storage *remote)
{
	static const uint8_t ka = 0xff;
	struct iovec iov = { .iov_base = (void *)&ka, .iov_len = 1 };

	return send_from(s, local, remote, &iov, 1);
}

int
ike_route_source(const struct sockaddr_storage *remote, uint16_t port,
    struct sockaddr_storage *local, char *err, size_t errlen)
{
	socklen_t len = sizeof(*local);
	char a[64];
	int fd;

	/* connect() on a UDP socket sends nothing; it asks the routing
	 * table which source address the kernel would use. */
	if ((fd = socket(remote->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return ike_errf(err, errlen, "socket: %s", strerror(errno));
	if (connect(fd, (const struct sockaddr *)remote, sslen(remote)) != 0 ||
	    getsockname(fd, (struct sockaddr *)local, &len) != 0) {
		ike_errf(err, errlen, "no route to %s: %s",
		    ike_ip_str(remote, a, sizeof(a)), strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	ike_addr_set_port(local, port);
	return 0;
}

uint16_t
ike_addr_port(const struct sockaddr_storage *a)
{
	return ntohs(a->ss_family == AF_INET6 ?
	    ((const struct sockaddr_in6 *)a)->sin6_port :
	    ((const struct sockaddr_in *)a)->sin_port);
}

void
ike_addr_set_port(struct sockaddr_storage *a, uint16_t port)
{
	if (a->ss_family == AF_INET6)
		((struct sockaddr_in6 *)a)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)a)->sin_port = htons(port);
}

int
ike_addr_eq_ip(const struct sockaddr_storage *a,
    const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		    &((const struct sockaddr_in6 *)b)->sin6_addr, 16) == 0;
	return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
	    ((const struct sockaddr_in *)b)->sin_addr.s_addr;
}

int
ike_addr_eq(const struct sockaddr_storage *a,
    const struct sockaddr_storage *b)
{
	return ike_addr_eq_ip(a, b) && ike_addr_port(a) == ike_addr_port(b);
}

const char *
ike_ip_str(const struct sockaddr_storage *a, char *buf, size_t len)
{
	const void *p = a->ss_family == AF_INET6 ?
	    (const void *)&((const struct sockaddr_in6 *)a)->sin6_addr :
	    (const void *)&((const struct sockaddr_in *)a)->sin_addr;

	if (inet_ntop(a->ss_family, p, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

const char *
ike_addr_str(const struct sockaddr_storage *a, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	/* as strongSwan's %#H: no brackets around an IPv6 address, and no
	 * port when it is 0 */
	if (ike_addr_port(a) == 0)
		return ike_ip_str(a, buf, len);
	snprintf(buf, len, "%s[%u]", ike_ip_str(a, ip, sizeof(ip)),
	    ike_addr_port(a));
	return buf;
}
