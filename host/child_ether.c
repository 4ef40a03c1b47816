/*
 * child_ether.c - see child_ether.h.
 */
#define _DEFAULT_SOURCE		/* usleep() */

#include "child_ether.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "nexthop.h"
#include "sa_parse.h"

static const uint8_t zero[6], placeholder_src[6] = SA_ETHER_SRC_DEFAULT,
    placeholder_dst[6] = SA_ETHER_DST_DEFAULT;

static int
is_set(const uint8_t m[6])
{
	return memcmp(m, zero, 6) != 0;
}

/* One side of the card, as configured. */
struct side {
	const char	*name;		/* "WAN", "LAN" */
	const char	*key;		/* its keys' prefix: "wan", "lan" */
	const char	*ifname;	/* "": none */
	const uint8_t	*src, *dst;	/* overrides, or zero */
};

static void
sides(const struct conf_daemon *cd, struct side *wan, struct side *lan)
{
	*wan = (struct side){ "WAN", "wan", cd->wan_interface, cd->wan_mac,
	    cd->wan_next_hop_mac };
	*lan = (struct side){ "LAN", "lan", cd->lan_interface, cd->lan_mac,
	    cd->lan_next_hop_mac };
}

/* The last addresses logged for each side: a line only when they change,
 * so that a rekey every minute does not fill the log. */
static struct dp_ether logged[2];

/*
 * hop's MAC on ifindex into mac: 1, or 0 with one line in why.  Not
 * resolved: the kernel is made to ask (a datagram to the discard port)
 * and the entry is read again every 20 ms for CHILD_ETHER_WAIT_MS.
 */
static int
neighbour(const char *who, const struct side *sd, int ifindex,
    const struct nh_addr *hop, uint8_t mac[6], char *why, size_t len)
{
	char a[INET6_ADDRSTRLEN], err[256];
	unsigned state = NH_NONE;
	int i, rc;

	for (i = 0; i <= CHILD_ETHER_WAIT_MS / 20; i++) {
		rc = nh_neigh(ifindex, hop, mac, &state, err, sizeof(err));
		if (rc != 0)
			break;
		if (i == 0)
			nh_provoke(hop);
		usleep(20 * 1000);
	}
	nh_addr_str(hop, a, sizeof(a));
	if (rc == 1 && i > 0)
		log_info(who, "%s next hop %s on %s: not in the neighbour table, "
		    "asked for it: resolved %d ms later", sd->name, a,
		    sd->ifname, i * 20);
	if (rc == 1)
		return 1;
	if (rc < 0)
		snprintf(why, len, "next hop %s on %s: %s", a, sd->ifname,
		    err);
	else
		snprintf(why, len, "next hop %s on %s not resolved (neighbour "
		    "entry %s %d ms after asking for it)", a, sd->ifname,
		    nh_state_name(state), CHILD_ETHER_WAIT_MS);
	return 0;
}

/*
 * One side's addresses into e.  route: the next hop is the route's to
 * remote (the WAN); else hop, or none configured (NULL: the destination
 * stays the placeholder, as child_ether_report said at start-up).
 * Returns 0, or -1 with why set; what was not found stays zero (libnicsec
 * puts its placeholder there).
 */
static int
side_ether(const char *who, const struct side *sd, int route,
    const struct nh_addr *hop,
    const struct nh_addr *remote, struct dp_ether *e, char *why, size_t len)
{
	struct nh_addr h;
	char err[256];
	uint8_t own[6];
	int ifindex = 0, bad = 0;

	memset(e, 0, sizeof(*e));
	if (*sd->ifname != '\0' &&
	    nh_if_mac(sd->ifname, &ifindex, own, err, sizeof(err)) != 0) {
		snprintf(why, len, "%s_interface %s", sd->key, err);
		ifindex = 0;
		bad = 1;
	}
	memcpy(e->src, is_set(sd->src) ? sd->src : ifindex ? own : zero, 6);
	if (is_set(sd->dst)) {
		memcpy(e->dst, sd->dst, 6);
		return -bad;
	}
	if (ifindex == 0 || (!route && hop == NULL))
		return -bad;
	if (route) {
		if (nh_route(remote, ifindex, sd->ifname, &h, err,
		    sizeof(err)) != 0) {
			snprintf(why, len, "next hop: %s", err);
			return -1;
		}
		hop = &h;
	}
	return neighbour(who, sd, ifindex, hop, e->dst, why, len) ? 0 : -1;
}

static void
ether_str(const struct dp_ether *e, char *buf, size_t len)
{
	char s[18], d[18];

	snprintf(buf, len, "%s -> %s", nh_mac_str(is_set(e->src) ? e->src :
	    placeholder_src, s), nh_mac_str(is_set(e->dst) ? e->dst :
	    placeholder_dst, d));
}

void
child_ether(const struct conf_daemon *cd, const char *who,
    const struct sockaddr *remote, struct dp_ether *wan,
    struct dp_ether *lan)
{
	struct side sw, sl;
	struct nh_addr r, l;
	char why[512], w[40], n[40];
	int bad = 0;

	sides(cd, &sw, &sl);
	memset(&r, 0, sizeof(r));
	r.family = remote->sa_family;
	if (r.family == AF_INET)
		memcpy(r.a, &((const struct sockaddr_in *)remote)->sin_addr, 4);
	else
		memcpy(r.a, &((const struct sockaddr_in6 *)remote)->sin6_addr,
		    16);
	l.family = cd->lan_next_hop_family;
	memcpy(l.a, cd->lan_next_hop, 16);

	if (side_ether(who, &sw, 1, NULL, &r, wan, why, sizeof(why)) != 0) {
		ether_str(wan, w, sizeof(w));
		log_err(who, "the card's WAN frames: %s: its ESP goes %s "
		    "until the CHILD_SA is installed again (its next rekey)",
		    why, w);
		bad = 1;
	}
	if (side_ether(who, &sl, 0, l.family != 0 ? &l : NULL, &r, lan, why,
	    sizeof(why)) != 0) {
		ether_str(lan, n, sizeof(n));
		log_err(who, "the card's LAN frames: %s: decrypted packets go "
		    "%s until the CHILD_SA is installed again (its next rekey)",
		    why, n);
		bad = 1;
	}
	ether_str(wan, w, sizeof(w));
	ether_str(lan, n, sizeof(n));
	if (!bad && (memcmp(wan, &logged[0], sizeof(*wan)) != 0 ||
	    memcmp(lan, &logged[1], sizeof(*lan)) != 0))
		log_info(who, "the card's Ethernet addresses: WAN %s, LAN %s",
		    w, n);
	else
		log_debug(who, "the card's Ethernet addresses: WAN %s, LAN %s",
		    w, n);
	logged[0] = *wan;
	logged[1] = *lan;
}

void
child_ether_report(const struct conf_daemon *cd)
{
	struct side sd[2];
	char src[128], dst[160], err[256], m[18], a[INET6_ADDRSTRLEN];
	uint8_t own[6];
	int i, ifindex, bad;

	sides(cd, &sd[0], &sd[1]);
	for (i = 0; i < 2; i++) {
		const struct side *s = &sd[i];

		bad = 0;
		if (is_set(s->src))
			snprintf(src, sizeof(src), "from %s (%s_mac)",
			    nh_mac_str(s->src, m), s->key);
		else if (*s->ifname == '\0')
			bad = snprintf(src, sizeof(src), "from libnicsec's "
			    "placeholder 02:00:00:00:00:01 (no %s_interface or "
			    "%s_mac)", s->key, s->key);
		else if (nh_if_mac(s->ifname, &ifindex, own, err,
		    sizeof(err)) != 0)
			bad = snprintf(src, sizeof(src), "%s_interface %s",
			    s->key, err);
		else
			snprintf(src, sizeof(src), "from %s (%s)",
			    nh_mac_str(own, m), s->ifname);
		if (is_set(s->dst))
			snprintf(dst, sizeof(dst), "to %s (%s_next_hop_mac)",
			    nh_mac_str(s->dst, m), s->key);
		else if (*s->ifname != '\0' && i == 0)
			snprintf(dst, sizeof(dst), "to the next hop toward "
			    "each peer, its MAC from %s's neighbour table at "
			    "each install", s->ifname);
		else if (*s->ifname != '\0' && cd->lan_next_hop_family != 0)
			snprintf(dst, sizeof(dst), "to lan_next_hop %s, its MAC "
			    "from %s's neighbour table at each install",
			    inet_ntop(cd->lan_next_hop_family, cd->lan_next_hop,
			    a, sizeof(a)) != NULL ? a : "?", s->ifname);
		else
			bad = snprintf(dst, sizeof(dst), "to libnicsec's "
			    "placeholder 02:00:00:00:00:02 (no %s)", i == 0 ?
			    "wan_interface or wan_next_hop_mac" : "lan_next_hop "
			    "or lan_next_hop_mac: the card has one LAN "
			    "destination a SA, give the LAN router or the one "
			    "host");
		log_at(bad ? LOG_ERR_L : LOG_INFO_L, NULL, "the card's %s "
		    "frames: %s %s", s->name, src, dst);
	}
}
