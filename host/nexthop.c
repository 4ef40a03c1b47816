/*
 * nexthop.c - see nexthop.h.  Plain rtnetlink: one request, its replies
 * read until the answer (a get) or NLMSG_DONE (a dump).
 */
#include "nexthop.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static int
alen(int family)
{
	return family == AF_INET ? 4 : 16;
}

char *
nh_mac_str(const uint8_t m[6], char *buf)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
	    m[3], m[4], m[5]);
	return buf;
}

char *
nh_addr_str(const struct nh_addr *a, char *buf, size_t len)
{
	if (inet_ntop(a->family, a->a, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

int
nh_if_mac(const char *ifname, int *ifindex, uint8_t mac[6], char *err,
    size_t errlen)
{
	struct ifreq ifr;
	int fd, rc;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0) {
		snprintf(err, errlen, "interface %s: socket: %s", ifname,
		    strerror(errno));
		return -1;
	}
	rc = ioctl(fd, SIOCGIFHWADDR, &ifr);
	close(fd);
	if (rc != 0) {
		snprintf(err, errlen, "interface %s: %s", ifname,
		    errno == ENODEV ? "no such interface" : strerror(errno));
		return -1;
	}
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	*ifindex = (int)if_nametoindex(ifname);
	if (*ifindex == 0) {
		snprintf(err, errlen, "interface %s: no such interface",
		    ifname);
		return -1;
	}
	return 0;
}

/* ---- parsers ---- */

static void
rta_put(struct nlmsghdr *h, int type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)h +
	    NLMSG_ALIGN(h->nlmsg_len));

	a->rta_type = (unsigned short)type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(a->rta_len);
}

/* An NLMSG_ERROR's errno (0 is an ACK), as a negative number. */
static int
nl_error(const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
		return -EBADMSG;
	return e->error < 0 ? e->error : -e->error;
}

int
nh_route_parse(const void *buf, size_t len, const struct nh_addr *dst,
    struct nh_addr *hop, int *oif)
{
	const struct nlmsghdr *h;
	size_t n = len;

	for (h = buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
		const struct rtmsg *rt = NLMSG_DATA(h);
		const struct rtattr *a;
		int al;

		if (h->nlmsg_type == NLMSG_ERROR)
			return nl_error(h) != 0 ? nl_error(h) : -EBADMSG;
		if (h->nlmsg_type != RTM_NEWROUTE ||
		    h->nlmsg_len < NLMSG_LENGTH(sizeof(*rt)))
			continue;
		*hop = *dst;
		*oif = 0;
		al = (int)RTM_PAYLOAD(h);
		for (a = RTM_RTA(rt); RTA_OK(a, al); a = RTA_NEXT(a, al)) {
			if (a->rta_type == RTA_OIF &&
			    RTA_PAYLOAD(a) == sizeof(int))
				memcpy(oif, RTA_DATA(a), sizeof(int));
			else if (a->rta_type == RTA_GATEWAY &&
			    RTA_PAYLOAD(a) == (size_t)alen(dst->family)) {
				memset(hop->a, 0, 16);
				memcpy(hop->a, RTA_DATA(a), RTA_PAYLOAD(a));
			}
		}
		return 0;
	}
	return -EBADMSG;
}

int
nh_state_usable(unsigned s)
{
	return (s & (NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE |
	    NUD_PERMANENT | NUD_NOARP)) != 0;
}

int
nh_neigh_parse(const void *buf, size_t len, struct nh_neigh_q *q)
{
	const struct nlmsghdr *h;
	size_t n = len;

	for (h = buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
		const struct ndmsg *nd = NLMSG_DATA(h);
		const struct rtattr *a;
		const void *dst = NULL, *ll = NULL;
		int al;

		if (h->nlmsg_type == NLMSG_DONE)
			return 1;
		if (h->nlmsg_type == NLMSG_ERROR)
			return nl_error(h) != 0 ? nl_error(h) : 1;
		if (h->nlmsg_type != RTM_NEWNEIGH)
			continue;
		if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*nd)))
			return -EBADMSG;
		if (nd->ndm_family != q->addr.family ||
		    nd->ndm_ifindex != q->ifindex)
			continue;
		al = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*nd)));
		for (a = (const struct rtattr *)((const char *)nd +
		    NLMSG_ALIGN(sizeof(*nd))); RTA_OK(a, al);
		    a = RTA_NEXT(a, al)) {
			if (a->rta_type == NDA_DST &&
			    RTA_PAYLOAD(a) == (size_t)alen(q->addr.family))
				dst = RTA_DATA(a);
			else if (a->rta_type == NDA_LLADDR &&
			    RTA_PAYLOAD(a) == 6)
				ll = RTA_DATA(a);
		}
		if (dst == NULL ||
		    memcmp(dst, q->addr.a, (size_t)alen(q->addr.family)) != 0)
			continue;
		q->found = 1;
		q->state = nd->ndm_state;
		q->has_mac = ll != NULL;
		if (ll != NULL)
			memcpy(q->mac, ll, 6);
	}
	return 0;
}

/* ---- sockets ---- */

/* A netlink socket with a receive timeout: the kernel answers at once,
 * and a daemon must not hang on it. */
static int
nl_open(char *err, size_t errlen)
{
	struct timeval tv = { .tv_sec = 1 };
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0) {
		snprintf(err, errlen, "netlink socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static ssize_t
nl_recv(int fd, void *buf, size_t len, char *err, size_t errlen)
{
	ssize_t n = recv(fd, buf, len, 0);

	if (n < 0)
		snprintf(err, errlen, "netlink: %s", strerror(errno));
	return n;
}

int
nh_route(const struct nh_addr *dst, int oif, const char *oifname,
    struct nh_addr *hop, char *err, size_t errlen)
{
	union {
		struct nlmsghdr h;
		char b[8192];
	} u;
	struct rtmsg *rt;
	char a[INET6_ADDRSTRLEN];
	int fd, got_oif = 0, rc;
	ssize_t n;

	memset(&u, 0, sizeof(struct nlmsghdr) + sizeof(*rt) + 64);
	u.h.nlmsg_len = NLMSG_LENGTH(sizeof(*rt));
	u.h.nlmsg_type = RTM_GETROUTE;
	u.h.nlmsg_flags = NLM_F_REQUEST;
	rt = NLMSG_DATA(&u.h);
	rt->rtm_family = (unsigned char)dst->family;
	rt->rtm_dst_len = (unsigned char)(alen(dst->family) * 8);
	rta_put(&u.h, RTA_DST, dst->a, (size_t)alen(dst->family));
	rta_put(&u.h, RTA_OIF, &oif, sizeof(oif));
	if ((fd = nl_open(err, errlen)) < 0)
		return -1;
	if (send(fd, &u, u.h.nlmsg_len, 0) < 0) {
		snprintf(err, errlen, "netlink: %s", strerror(errno));
		close(fd);
		return -1;
	}
	n = nl_recv(fd, &u, sizeof(u), err, errlen);
	close(fd);
	if (n < 0)
		return -1;
	rc = nh_route_parse(&u, (size_t)n, dst, hop, &got_oif);
	nh_addr_str(dst, a, sizeof(a));
	if (rc != 0) {
		snprintf(err, errlen, "no route to %s out of %s: %s", a,
		    oifname, strerror(-rc));
		return -1;
	}
	if (got_oif != oif) {
		snprintf(err, errlen, "the route to %s does not leave by %s",
		    a, oifname);
		return -1;
	}
	return 0;
}

int
nh_neigh(int ifindex, const struct nh_addr *addr, uint8_t mac[6],
    unsigned *state, char *err, size_t errlen)
{
	struct {
		struct nlmsghdr h;
		struct ndmsg nd;
	} req;
	static char buf[32768];
	struct nh_neigh_q q;
	ssize_t n;
	int fd, rc;

	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.nd));
	req.h.nlmsg_type = RTM_GETNEIGH;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nd.ndm_family = (unsigned char)addr->family;
	memset(&q, 0, sizeof(q));
	q.ifindex = ifindex;
	q.addr = *addr;
	if ((fd = nl_open(err, errlen)) < 0)
		return -1;
	if (send(fd, &req, req.h.nlmsg_len, 0) < 0) {
		snprintf(err, errlen, "netlink: %s", strerror(errno));
		close(fd);
		return -1;
	}
	/* the whole dump is read, to leave nothing behind on the socket */
	do {
		if ((n = nl_recv(fd, buf, sizeof(buf), err, errlen)) < 0) {
			close(fd);
			return -1;
		}
		rc = nh_neigh_parse(buf, (size_t)n, &q);
	} while (rc == 0 && n > 0);
	close(fd);
	if (rc < 0) {
		snprintf(err, errlen, "netlink neighbour dump: %s",
		    strerror(-rc));
		return -1;
	}
	*state = q.found ? q.state : NH_NONE;
	if (q.found && q.has_mac && nh_state_usable(q.state)) {
		memcpy(mac, q.mac, 6);
		return 1;
	}
	return 0;
}

const char *
nh_state_name(unsigned s)
{
	static const struct {
		unsigned s;
		const char *name;
	} t[] = {
		{ NUD_PERMANENT, "PERMANENT" }, { NUD_NOARP, "NOARP" },
		{ NUD_REACHABLE, "REACHABLE" }, { NUD_STALE, "STALE" },
		{ NUD_DELAY, "DELAY" }, { NUD_PROBE, "PROBE" },
		{ NUD_INCOMPLETE, "INCOMPLETE" }, { NUD_FAILED, "FAILED" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (s & t[i].s)
			return t[i].name;
	return "none";
}

void
nh_provoke(const struct nh_addr *addr)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd;

	memset(&ss, 0, sizeof(ss));
	if (addr->family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&ss;

		s->sin_family = AF_INET;
		s->sin_port = htons(9);
		memcpy(&s->sin_addr, addr->a, 4);
		sl = sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;

		s->sin6_family = AF_INET6;
		s->sin6_port = htons(9);
		memcpy(&s->sin6_addr, addr->a, 16);
		sl = sizeof(*s);
	}
	fd = socket(addr->family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0);
	if (fd < 0)
		return;
	(void)sendto(fd, "", 0, 0, (struct sockaddr *)&ss, sl);
	close(fd);
}
