/*
 * nexthop.h - what the kernel knows of the card's neighbours: an
 * interface's own MAC, the route's next hop to an address out of an
 * interface, and the neighbour table's entry for it (rtnetlink,
 * RTM_GETROUTE and RTM_GETNEIGH; no privileges needed).  child_ether.c
 * puts them together into the card's Ethernet addresses.
 *
 * The reply parsers are apart from the sockets, so that the unit test
 * (tests/unit/test_nexthop.c) feeds them netlink messages of its own.
 */
#ifndef NICSEC_NEXTHOP_H
#define NICSEC_NEXTHOP_H

#include <stddef.h>
#include <stdint.h>

/* An address of either family, network order (v4 in the first 4 bytes). */
struct nh_addr {
	int	 family;		/* AF_INET, AF_INET6 */
	uint8_t	 a[16];
};

/* The interface's index and MAC: 0, or -1 with one line in err. */
int nh_if_mac(const char *ifname, int *ifindex, uint8_t mac[6], char *err,
    size_t errlen);

/* The route to dst out of interface oif (`ip route get DST oif IF`): the
 * next hop, the route's gateway or dst itself when it is on the link.
 * 0, or -1 with err ("no route to 192.0.2.2 out of tw: ..."). */
int nh_route(const struct nh_addr *dst, int oif, const char *oifname,
    struct nh_addr *hop, char *err, size_t errlen);

/* A neighbour entry's state (NUD_*, linux/neighbour.h); NH_NONE: none. */
#define NH_NONE		0
/* 1: the kernel holds a MAC for addr on ifindex that it may still use
 * (REACHABLE, STALE, DELAY, PROBE, PERMANENT, NOARP) into mac; 0: not
 * (*state says why); -1 with err. */
int nh_neigh(int ifindex, const struct nh_addr *addr, uint8_t mac[6],
    unsigned *state, char *err, size_t errlen);
/* A state as `ip neigh` names it ("REACHABLE", "INCOMPLETE", "none"). */
const char *nh_state_name(unsigned state);

/* Makes the kernel resolve addr: one UDP datagram to its discard port
 * (9), which needs no privilege and that any host may drop. */
void nh_provoke(const struct nh_addr *addr);

/* "02:00:5e:10:00:01" into buf (18 bytes at least). */
char *nh_mac_str(const uint8_t mac[6], char *buf);
char *nh_addr_str(const struct nh_addr *a, char *buf, size_t len);

/* ---- the parsers, for the test ---- */

/* Route replies: the RTM_NEWROUTE's gateway (hop = dst without one) and
 * output interface, or the kernel's error.  0 on a route, -errno for an
 * error message, -EBADMSG if there is neither. */
int nh_route_parse(const void *buf, size_t len, const struct nh_addr *dst,
    struct nh_addr *hop, int *oif);
/* A neighbour dump, one recv()'s worth at a time: fills *q when the entry
 * for q->addr on q->ifindex is in buf.  1 at NLMSG_DONE, 0 for more to
 * come, -errno for an error message or a malformed one. */
struct nh_neigh_q {
	int		 ifindex;
	struct nh_addr	 addr;
	int		 found;
	unsigned	 state;
	int		 has_mac;
	uint8_t		 mac[6];
};
int nh_neigh_parse(const void *buf, size_t len, struct nh_neigh_q *q);
/* NUD_* states with a MAC the kernel would still send to. */
int nh_state_usable(unsigned state);

#endif /* NICSEC_NEXTHOP_H */
