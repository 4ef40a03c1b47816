/*
 * exch_trap.c - `trap`: a child whose start_action, close_action or
 * dpd_action is trap waits with no CHILD_SA until traffic it would carry
 * shows up, and then starts itself, as strongSwan's trap policies do.
 *
 * While such a child has no CHILD_SA (installed, or an IKE SA being set
 * up for it), its selectors have `punt` rules on the card (dp_trap.c), so
 * the traffic comes out of the card's host port into the LAN TAP, the
 * interface the nicsecd section's lan_interface names.  A packet socket
 * on it, opened at start before the privileges go (CAP_NET_RAW), sees
 * the first such packet; the child is then initiated, at most once every
 * ACQUIRE_GAP seconds.  The packet itself is not sent on: the host's
 * kernel has it too and drops it (no route), as a trap's first packet is
 * lost with strongSwan's kernel interface.
 *
 * The punt rules come off before the CHILD_SA's own rules go on (rules
 * are tried in index order: a punt rule first would take its traffic),
 * and go back on by the timer once the child has no CHILD_SA again.
 *
 * What arms a trap: start_action trap, from the configuration (at start
 * and at each reload; it stays until a reload takes it away); the peer's
 * DELETE with close_action trap, and a dead peer with dpd_action trap
 * (until the child is terminated).  docs/nicsecd.md, "Trap".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "child_dp.h"
#include "dataplane.h"
#include "exch.h"
#include "ike_ts.h"
#include "log.h"

#define TRAP_MAX	64	/* as many as the card has policy rules */
#define ACQUIRE_GAP	2.0	/* seconds between initiations of one trap */

struct trap {
	char		 conn[IKESA_NAME_MAX], child[IKESA_NAME_MAX];
	unsigned	 key;		/* its rules' name in the data plane */
	int		 from_start;	/* start_action trap: the config's */
	char		 why[24];	/* what armed it: "close_action trap" */
	int		 on;		/* its rules are on the card */
	int		 said;		/* that they could not go on */
	struct ike_ts	 l[IKE_TS_MAX], r[IKE_TS_MAX];
	size_t		 nl, nr;
	double		 next_acquire;
};

static struct {
	int		 fd;		/* -1: none */
	char		 ifname[16];
	unsigned	 next_key;
	struct trap	 t[TRAP_MAX];
	size_t		 n;
} trap = { .fd = -1 };

static int
any_trap(const struct conf *cf)
{
	for (size_t i = 0; i < cf->nconns; i++)
		for (size_t j = 0; j < cf->conns[i].nchildren; j++) {
			const struct conf_child *cc = &cf->conns[i].children[j];

			if ((cc->start_action | cc->close_action |
			    cc->dpd_action) & CONF_ACTION_TRAP)
				return 1;
		}
	return 0;
}

void
exch_trap_open(const struct conf *cf)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET,
	    .sll_protocol = htons(ETH_P_ALL) };
	int one = 1;

	if (trap.fd >= 0 || !any_trap(cf))
		return;
	if (cf->daemon.lan_interface[0] == '\0') {
		log_err(NULL, "trap: no lan_interface in the nicsecd section, "
		    "so no traffic can start a trapped child: trap acts as "
		    "none (as clear for dpd_action)");
		return;
	}
	snprintf(trap.ifname, sizeof(trap.ifname), "%s",
	    cf->daemon.lan_interface);
	if ((ll.sll_ifindex = (int)if_nametoindex(trap.ifname)) == 0) {
		log_err(NULL, "trap: lan_interface %s: %s: trap acts as none",
		    trap.ifname, strerror(errno));
		return;
	}
	if ((trap.fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, htons(ETH_P_ALL))) < 0 ||
	    bind(trap.fd, (struct sockaddr *)&ll, sizeof(ll)) != 0) {
		log_err(NULL, "trap: can't watch %s (%s; it needs CAP_NET_RAW "
		    "at start): trap acts as none", trap.ifname,
		    strerror(errno));
		if (trap.fd >= 0)
			close(trap.fd);
		trap.fd = -1;
		return;
	}
	/* what the host sends is not traffic waiting for a tunnel */
	setsockopt(trap.fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
	    sizeof(one));
	log_info(NULL, "trap: watching %s for traffic of trapped children",
	    trap.ifname);
}

int
exch_trap_fd(void)
{
	return trap.fd;
}

static struct trap *
find(const char *conn, const char *child)
{
	for (size_t i = 0; i < trap.n; i++)
		if (strcmp(trap.t[i].conn, conn) == 0 &&
		    strcmp(trap.t[i].child, child) == 0)
			return &trap.t[i];
	return NULL;
}

static void
rules_off(struct daemon *d, struct trap *t)
{
	if (!t->on)
		return;
	if (dp_trap_del(d->dp, t->key) != 0)
		log_err(t->conn, "trap %s: %s", t->child, dp_error(d->dp));
	t->on = 0;
}

/* The rules follow the child: on while it has no CHILD_SA, else off. */
static void
sync_rules(struct daemon *d, struct trap *t)
{
	if (exch_has_child(d, t->conn, t->child)) {
		rules_off(d, t);
		t->said = 0;
		return;
	}
	if (t->on)
		return;
	if (dp_trap_add(d->dp, t->key, t->l, t->nl, t->r, t->nr) == 0) {
		t->on = 1;
		t->said = 0;
	} else if (!t->said) {
		log_err(t->conn, "trap %s: its punt rules are not on the card "
		    "(%s): its traffic reaches the host only if no other rule "
		    "takes it", t->child, dp_error(d->dp));
		t->said = 1;
	}
}

void
exch_trap_arm(struct daemon *d, const struct conf_conn *c,
    const struct conf_child *cc, const char *why)
{
	struct sockaddr_storage remote, local;
	char e[512], ls[256], rs[256];
	struct trap *t = find(c->name, cc->name);

	if (t != NULL) {
		t->from_start |= (cc->start_action & CONF_ACTION_TRAP) != 0;
		sync_rules(d, t);
		return;
	}
	if (trap.fd < 0) {
		log_err(c->name, "CHILD_SA %s: %s, but no traffic can start it: "
		    "lan_interface is not watched (that is set up at start, "
		    "when some child has trap: see the start-up lines, or "
		    "restart nicsecd after a reload that added the first "
		    "trap): it stays down", cc->name, why);
		return;
	}
	if (trap.n == TRAP_MAX) {
		log_err(c->name, "CHILD_SA %s: %s, but %d traps are armed "
		    "already: it stays down", cc->name, why, TRAP_MAX);
		return;
	}
	/* `dynamic` selectors are the addresses an initiation would use */
	if (exch_conn_addrs(d, c, &remote, &local, e, sizeof(e)) != 0) {
		log_err(c->name, "CHILD_SA %s: %s, but %s: it stays down",
		    cc->name, why, e);
		return;
	}
	t = &trap.t[trap.n];
	memset(t, 0, sizeof(*t));
	snprintf(t->conn, sizeof(t->conn), "%s", c->name);
	snprintf(t->child, sizeof(t->child), "%s", cc->name);
	t->key = ++trap.next_key;
	t->from_start = (cc->start_action & CONF_ACTION_TRAP) != 0;
	snprintf(t->why, sizeof(t->why), "%s", why);
	t->nl = exch_child_ts(cc->local_ts, cc->nlocal_ts, &local, t->l);
	t->nr = exch_child_ts(cc->remote_ts, cc->nremote_ts, &remote, t->r);
	trap.n++;
	ike_ts_format_list(t->l, t->nl, ls, sizeof(ls));
	ike_ts_format_list(t->r, t->nr, rs, sizeof(rs));
	log_info(c->name, "CHILD_SA %s: %s: trap armed: traffic %s === %s on "
	    "%s starts it", cc->name, why, ls, rs, trap.ifname);
	sync_rules(d, t);
}

static void
drop(struct daemon *d, struct trap *t, const char *why)
{
	rules_off(d, t);
	log_info(t->conn, "CHILD_SA %s: trap removed: %s", t->child, why);
	*t = trap.t[--trap.n];
}

size_t
exch_trap_disarm(struct daemon *d, const char *conn, const char *child)
{
	size_t n = 0;

	for (size_t i = trap.n; i-- > 0;) {
		struct trap *t = &trap.t[i];

		if ((conn == NULL || strcmp(t->conn, conn) == 0) &&
		    (child == NULL || strcmp(t->child, child) == 0) &&
		    !t->from_start) {
			drop(d, t, "terminated");
			n++;
		}
	}
	return n;
}

void
exch_trap_reload(struct daemon *d)
{
	for (size_t i = trap.n; i-- > 0;) {
		const struct conf_conn *c;
		const struct conf_child *cc = exch_conf_child_of(d,
		    trap.t[i].conn, trap.t[i].child, &c);

		if (cc == NULL)
			drop(d, &trap.t[i], "gone from the configuration");
		else if (!((cc->start_action | cc->close_action |
		    cc->dpd_action) & CONF_ACTION_TRAP))
			drop(d, &trap.t[i], "no action of it is trap now");
		else if (!(cc->start_action & CONF_ACTION_TRAP))
			trap.t[i].from_start = 0;
	}
	exch_trap_start_all(d);
}

void
exch_trap_start_all(struct daemon *d)
{
	const struct conf *cf = d->conf;

	for (size_t i = 0; i < cf->nconns; i++)
		for (size_t j = 0; j < cf->conns[i].nchildren; j++)
			if (cf->conns[i].children[j].start_action &
			    CONF_ACTION_TRAP)
				exch_trap_arm(d, &cf->conns[i],
				    &cf->conns[i].children[j],
				    "start_action trap");
}

void
exch_trap_hold(struct daemon *d, const char *conn, const char *child)
{
	struct trap *t = find(conn, child);

	if (t != NULL)
		rules_off(d, t);
}

/*
 * The packet as a selector: its addresses, its protocol and, for TCP and
 * UDP, its ports.  0 if it is not an IP packet we can read.
 */
static int
packet_ts(const uint8_t *p, size_t n, uint16_t ethertype, struct ike_ts *ts)
{
	size_t alen, hlen;
	const uint8_t *src, *dst;

	memset(ts, 0, sizeof(*ts));
	if (ethertype == ETH_P_IP && n >= 20 && p[0] >> 4 == 4) {
		ts->type = IKE_TS_IPV4_RANGE;
		ts->proto = p[9];
		alen = 4;
		src = p + 12;
		dst = p + 16;
		hlen = (size_t)(p[0] & 15) * 4;
		/* a later fragment has no ports */
		if ((p[6] & 0x1f) != 0 || p[7] != 0)
			hlen = n;
	} else if (ethertype == ETH_P_IPV6 && n >= 40 && p[0] >> 4 == 6) {
		ts->type = IKE_TS_IPV6_RANGE;
		ts->proto = p[6];	/* extension headers: not looked into */
		alen = 16;
		src = p + 8;
		dst = p + 24;
		hlen = 40;
	} else {
		return 0;
	}
	memcpy(ts[0].start, src, alen);
	memcpy(ts[0].end, src, alen);
	ts[1] = ts[0];
	memcpy(ts[1].start, dst, alen);
	memcpy(ts[1].end, dst, alen);
	ts[0].eport = ts[1].eport = 65535;
	if ((ts->proto == IPPROTO_TCP || ts->proto == IPPROTO_UDP) &&
	    hlen + 4 <= n) {
		ts[0].sport = ts[0].eport = (uint16_t)(p[hlen] << 8 | p[hlen + 1]);
		ts[1].sport = ts[1].eport = (uint16_t)(p[hlen + 2] << 8 |
		    p[hlen + 3]);
	}
	return 1;
}

static void
acquire(struct daemon *d, struct trap *t, const struct ike_ts *pkt)
{
	const struct conf_conn *c;
	const struct conf_child *cc = exch_conf_child_of(d, t->conn, t->child,
	    &c);
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], err[256];
	int af = pkt->type == IKE_TS_IPV4_RANGE ? AF_INET : AF_INET6;
	double now = dmn_now();

	if (cc == NULL || now < t->next_acquire ||
	    exch_has_child(d, t->conn, t->child))
		return;
	t->next_acquire = now + ACQUIRE_GAP;
	inet_ntop(af, pkt[0].start, a, sizeof(a));
	inet_ntop(af, pkt[1].start, b, sizeof(b));
	log_info(t->conn, "CHILD_SA %s: trapped traffic %s -> %s (protocol "
	    "%u) on %s: initiating it", t->child, a, b, pkt->proto,
	    trap.ifname);
	if (exch_start_child(d, c, cc, err) != 0)
		log_err(t->conn, "CHILD_SA %s: the trapped initiation failed: "
		    "%s; the next packet tries again", t->child, err);
}

void
exch_trap_input(struct daemon *d)
{
	uint8_t p[128];		/* the headers are all we read */
	struct sockaddr_ll from;
	socklen_t fl;
	struct ike_ts pkt[2];
	ssize_t n;

	for (int budget = 64; trap.fd >= 0 && budget > 0; budget--) {
		fl = sizeof(from);
		n = recvfrom(trap.fd, p, sizeof(p), MSG_DONTWAIT | MSG_TRUNC,
		    (struct sockaddr *)&from, &fl);
		if (n < 0)
			return;
		if (from.sll_pkttype == PACKET_OUTGOING ||
		    !packet_ts(p, (size_t)n < sizeof(p) ? (size_t)n :
		    sizeof(p), ntohs(from.sll_protocol), pkt))
			continue;
		for (size_t i = 0; i < trap.n; i++) {
			struct trap *t = &trap.t[i];

			if (ike_ts_inside(&pkt[0], 1, t->l, t->nl) &&
			    ike_ts_inside(&pkt[1], 1, t->r, t->nr)) {
				acquire(d, t, pkt);
				break;
			}
		}
	}
}

double
exch_trap_timers(struct daemon *d, double now)
{
	for (size_t i = 0; i < trap.n; i++)
		sync_rules(d, &trap.t[i]);
	return trap.n > 0 ? now + 1 : now + 3600;
}

void
exch_trap_list(struct daemon *d, int json, FILE *out)
{
	char ls[256], rs[256];
	unsigned idx[64], k;

	for (size_t i = 0; i < trap.n; i++) {
		const struct trap *t = &trap.t[i];

		ike_ts_format_list(t->l, t->nl, ls, sizeof(ls));
		ike_ts_format_list(t->r, t->nr, rs, sizeof(rs));
		k = dp_trap_rules(d->dp, t->key, idx, 64);
		if (json) {
			fprintf(out, "%s{\"conn\":", i ? "," : "");
			sa_jstr(out, t->conn);
			fputs(",\"child\":", out);
			sa_jstr(out, t->child);
			fputs(",\"armed_by\":", out);
			sa_jstr(out, t->why);
			fputs(",\"local_ts\":", out);
			sa_jstr(out, ls);
			fputs(",\"remote_ts\":", out);
			sa_jstr(out, rs);
			fputs(",\"rules\":[", out);
			for (unsigned j = 0; j < k && j < 64; j++)
				fprintf(out, "%s%u", j ? "," : "", idx[j]);
			fputs("]}", out);
			continue;
		}
		fprintf(out, "%s: trap %s (%s), %s === %s on %s: ", t->conn,
		    t->child, t->why, ls, rs, trap.ifname);
		if (k == 0)
			fprintf(out, "%s\n", exch_has_child(d, t->conn,
			    t->child) ? "up, no punt rule" : "no punt rule "
			    "(see the log)");
		else
			fprintf(out, "waiting for traffic, punt rule%s %u%s\n",
			    k == 1 ? "" : "s", idx[0], k == 1 ? "" : " ...");
	}
}

void
exch_trap_close(struct daemon *d)
{
	while (trap.n > 0)
		rules_off(d, &trap.t[--trap.n]);
	if (trap.fd >= 0)
		close(trap.fd);
	trap.fd = -1;
}
