/*
 * test_nexthop.c - the kernel's next hops (host/nexthop.c).
 *
 * The rtnetlink reply parsers get messages built here the way the kernel
 * lays them out: a route with a gateway and without one, the kernel's
 * error, truncated and foreign messages; a neighbour dump over two reads
 * with entries on other interfaces, of other addresses and families, one
 * still INCOMPLETE (no MAC), then NLMSG_DONE.  Then the sockets against
 * this process's own loopback, which every namespace has.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "nexthop.h"

static union {
	struct nlmsghdr h;
	char b[4096];
} buf;
static size_t used;

static struct nlmsghdr *
msg(int type, const void *body, size_t len)
{
	struct nlmsghdr *h = (struct nlmsghdr *)(buf.b + used);

	memset(h, 0, NLMSG_SPACE(len));
	h->nlmsg_type = (unsigned short)type;
	h->nlmsg_len = (unsigned)NLMSG_LENGTH(len);
	memcpy(NLMSG_DATA(h), body, len);
	used += NLMSG_ALIGN(h->nlmsg_len);
	return h;
}

static void
attr(struct nlmsghdr *h, int type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)h +
	    NLMSG_ALIGN(h->nlmsg_len));

	a->rta_type = (unsigned short)type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	used -= NLMSG_ALIGN(h->nlmsg_len);
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(a->rta_len);
	used += NLMSG_ALIGN(h->nlmsg_len);
}

static struct nh_addr
addr(const char *s)
{
	struct nh_addr a;

	memset(&a, 0, sizeof(a));
	a.family = strchr(s, ':') != NULL ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(a.family, s, a.a), 1);
	return a;
}

static struct nlmsghdr *
route(int oif, const char *gw)
{
	struct rtmsg rt = { .rtm_family = AF_INET, .rtm_dst_len = 32 };
	struct nlmsghdr *h = msg(RTM_NEWROUTE, &rt, sizeof(rt));

	attr(h, RTA_OIF, &oif, sizeof(oif));
	if (gw != NULL) {
		struct nh_addr g = addr(gw);

		attr(h, RTA_GATEWAY, g.a, 4);
	}
	return h;
}

static void
test_route(void **state)
{
	struct nh_addr dst = addr("198.51.100.7"), hop, want;
	struct nlmsgerr e = { .error = -ENETUNREACH };
	int oif;

	(void)state;
	/* via a router: the gateway is the next hop */
	used = 0;
	route(5, "192.0.2.254");
	assert_int_equal(nh_route_parse(buf.b, used, &dst, &hop, &oif), 0);
	want = addr("192.0.2.254");
	assert_int_equal(hop.family, AF_INET);
	assert_memory_equal(hop.a, want.a, 16);
	assert_int_equal(oif, 5);
	/* on the link: the address itself */
	used = 0;
	route(7, NULL);
	assert_int_equal(nh_route_parse(buf.b, used, &dst, &hop, &oif), 0);
	assert_memory_equal(hop.a, dst.a, 16);
	assert_int_equal(oif, 7);
	/* the kernel's refusal, as its errno */
	used = 0;
	msg(NLMSG_ERROR, &e, sizeof(e));
	assert_int_equal(nh_route_parse(buf.b, used, &dst, &hop, &oif),
	    -ENETUNREACH);
	/* nothing usable: a bare ACK, another message, a truncated one */
	used = 0;
	e.error = 0;
	msg(NLMSG_ERROR, &e, sizeof(e));
	assert_int_equal(nh_route_parse(buf.b, used, &dst, &hop, &oif),
	    -EBADMSG);
	used = 0;
	msg(RTM_NEWLINK, "xxxxxxxxxxxxxxxx", 16);
	assert_int_equal(nh_route_parse(buf.b, used, &dst, &hop, &oif),
	    -EBADMSG);
	used = 0;
	route(5, "192.0.2.254");
	assert_int_equal(nh_route_parse(buf.b, used - 4, &dst, &hop, &oif),
	    -EBADMSG);
}

static void
neigh(int ifindex, const char *ip, unsigned state, const char *mac)
{
	struct nh_addr a = addr(ip);
	struct ndmsg nd = { .ndm_family = (unsigned char)a.family,
	    .ndm_ifindex = ifindex, .ndm_state = (uint16_t)state };
	struct nlmsghdr *h = msg(RTM_NEWNEIGH, &nd, sizeof(nd));
	unsigned m[6];
	uint8_t ll[6];
	int i;

	attr(h, NDA_DST, a.a, a.family == AF_INET ? 4 : 16);
	if (mac != NULL) {
		assert_int_equal(sscanf(mac, "%x:%x:%x:%x:%x:%x", &m[0], &m[1],
		    &m[2], &m[3], &m[4], &m[5]), 6);
		for (i = 0; i < 6; i++)
			ll[i] = (uint8_t)m[i];
		attr(h, NDA_LLADDR, ll, 6);
	}
}

static void
test_neigh(void **state)
{
	struct nh_neigh_q q;
	char m[18];

	(void)state;
	memset(&q, 0, sizeof(q));
	q.ifindex = 4;
	q.addr = addr("10.1.0.2");
	/* the first read: others' entries only */
	used = 0;
	neigh(3, "10.1.0.2", NUD_REACHABLE, "02:00:00:00:00:33");
	neigh(4, "10.1.0.3", NUD_REACHABLE, "02:00:00:00:00:44");
	neigh(4, "fe80::1", NUD_REACHABLE, "02:00:00:00:00:66");
	assert_int_equal(nh_neigh_parse(buf.b, used, &q), 0);
	assert_int_equal(q.found, 0);
	/* the second: ours, STALE (still used by the kernel), then DONE */
	used = 0;
	neigh(4, "10.1.0.2", NUD_STALE, "02:0a:00:00:00:02");
	msg(NLMSG_DONE, "\0\0\0\0", 4);
	assert_int_equal(nh_neigh_parse(buf.b, used, &q), 1);
	assert_int_equal(q.found, 1);
	assert_int_equal(q.has_mac, 1);
	assert_int_equal(q.state, NUD_STALE);
	assert_string_equal(nh_mac_str(q.mac, m), "02:0a:00:00:00:02");
	assert_true(nh_state_usable(q.state));
	/* being resolved: an entry with no MAC */
	memset(&q, 0, sizeof(q));
	q.ifindex = 4;
	q.addr = addr("10.1.0.9");
	used = 0;
	neigh(4, "10.1.0.9", NUD_INCOMPLETE, NULL);
	assert_int_equal(nh_neigh_parse(buf.b, used, &q), 0);
	assert_int_equal(q.found, 1);
	assert_int_equal(q.has_mac, 0);
	assert_false(nh_state_usable(q.state));
	assert_string_equal(nh_state_name(q.state), "INCOMPLETE");
	/* IPv6 */
	memset(&q, 0, sizeof(q));
	q.ifindex = 4;
	q.addr = addr("2001:db8::2");
	used = 0;
	neigh(4, "2001:db8::2", NUD_REACHABLE, "02:00:00:00:00:62");
	assert_int_equal(nh_neigh_parse(buf.b, used, &q), 0);
	assert_int_equal(q.found, 1);
	assert_string_equal(nh_mac_str(q.mac, m), "02:00:00:00:00:62");
}

static void
test_states(void **state)
{
	(void)state;
	assert_true(nh_state_usable(NUD_REACHABLE));
	assert_true(nh_state_usable(NUD_DELAY));
	assert_true(nh_state_usable(NUD_PROBE));
	assert_true(nh_state_usable(NUD_PERMANENT));
	assert_true(nh_state_usable(NUD_NOARP));
	assert_false(nh_state_usable(NUD_FAILED));
	assert_false(nh_state_usable(NUD_INCOMPLETE));
	assert_false(nh_state_usable(NH_NONE));
	assert_string_equal(nh_state_name(NUD_FAILED), "FAILED");
	assert_string_equal(nh_state_name(NH_NONE), "none");
}

/* the sockets, against lo (no MAC, no neighbours, every route local) */
static void
test_live(void **state)
{
	struct nh_addr lo = addr("127.0.0.1"), hop;
	uint8_t mac[6] = { 1 }, zero[6] = { 0 };
	unsigned st = 99;
	char err[256];
	int ifindex;

	(void)state;
	assert_int_equal(nh_if_mac("lo", &ifindex, mac, err, sizeof(err)), 0);
	assert_int_equal(ifindex, 1);
	assert_memory_equal(mac, zero, 6);
	assert_int_equal(nh_if_mac("nosuch0", &ifindex, mac, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "interface nosuch0: no such interface");
	assert_int_equal(nh_route(&lo, 1, "lo", &hop, err, sizeof(err)), 0);
	assert_memory_equal(hop.a, lo.a, 16);
	assert_int_equal(nh_neigh(1, &lo, mac, &st, err, sizeof(err)), 0);
	assert_int_equal(st, NH_NONE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route),
		cmocka_unit_test(test_neigh),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
