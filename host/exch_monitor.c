/*
 * exch_monitor.c - tunnel monitoring: an ICMP echo request from a child's
 * monitor_source to its monitor_address every monitor_interval, through a
 * raw socket, so that the kernel's routing carries it into the tunnel as
 * it would the traffic the tunnel is for.  It tests what IKE and the card's
 * counters cannot: that a host behind the peer answers through the tunnel
 * end to end.  After monitor_threshold replies missed in a row the tunnel
 * is down by monitor, and
 *  - wait-recover: the CHILD_SA is rekeyed; the IKE SA is left to DPD
 *    (the rekey's own retransmissions are a liveness check too);
 *  - fail-over: monitor_hook is run (NICSEC_MONITOR=down), so that the
 *    routes can move to another path; and again with NICSEC_MONITOR=up
 *    when replies come back.
 *
 * The socket is opened at start, while nicsecd still holds CAP_NET_RAW,
 * and only when some child has a monitor_address: afterwards nicsecd has
 * no capability at all (privs.c).  A reply is read when the next request
 * is due, and counts if it came in by then.  A monitor starts when its
 * child's CHILD_SA is first installed, and then runs whether a CHILD_SA is
 * up or not, so that a tunnel that went away is seen to come back.
 *
 * The run of misses is judged by mon_judge() (watch.c); docs/nicsecd.md,
 * "Black holes and monitoring".
 */
#define _DEFAULT_SOURCE		/* closefrom() */
#define _GNU_SOURCE		/* struct in_pktinfo */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exch.h"
#include "log.h"
#include "watch.h"

/* <linux/icmp.h>'s, which clashes with <netinet/ip_icmp.h> */
#ifndef ICMP_FILTER
#define ICMP_FILTER	1
struct icmp_filter {
	uint32_t	 data;
};
#endif

#define MON_MAX		64
#define HOOK_MAX	16

struct mon {
	char		 conn[IKESA_NAME_MAX], child[IKESA_NAME_MAX];
	struct mon_watch w;
	unsigned	 run;		/* misses in a row, uncapped */
	uint16_t	 seq;		/* of the request out ... */
	uint8_t		 addr[4];	/* ... and where it went */
	int		 out, answered;
	int		 send_failed;	/* reported; again once it works */
	double		 next_at;
	int		 seen;		/* still in the configuration */
};

static struct {
	int		 fd;		/* -1: none */
	int		 said;		/* that there is none */
	uint16_t	 id, seq;
	struct mon	 m[MON_MAX];
	size_t		 n;
	pid_t		 hook[HOOK_MAX];
	char		 hook_what[HOOK_MAX][IKESA_NAME_MAX * 2 + 8];
} mon = { .fd = -1 };

static int
any_monitor(const struct conf *cf)
{
	for (size_t i = 0; i < cf->nconns; i++)
		for (size_t j = 0; j < cf->conns[i].nchildren; j++)
			if (cf->conns[i].children[j].monitor)
				return 1;
	return 0;
}

void
exch_monitor_open(const struct conf *cf)
{
	struct icmp_filter f = { ~(1U << ICMP_ECHOREPLY) };

	if (mon.fd >= 0 || !any_monitor(cf))
		return;
	mon.id = (uint16_t)getpid();
	if ((mon.fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    IPPROTO_ICMP)) < 0) {
		log_err(NULL, "monitor: can't open an ICMP socket (%s; it "
		    "needs CAP_NET_RAW at start): monitor_address is not "
		    "watched", strerror(errno));
		mon.said = 1;
		return;
	}
	/* echo replies only: the rest of the host's ICMP is not ours */
	if (setsockopt(mon.fd, SOL_RAW, ICMP_FILTER, &f, sizeof(f)) != 0)
		log_info(NULL, "monitor: ICMP_FILTER: %s: every ICMP message "
		    "to this host is read and dropped", strerror(errno));
}

void
exch_monitor_close(void)
{
	if (mon.fd >= 0)
		close(mon.fd);
	mon.fd = -1;
}

static uint16_t
cksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* One echo request from src to dst; 0, or -1 with errno. */
static int
send_echo(const uint8_t src[4], const uint8_t dst[4], uint16_t seq)
{
	uint8_t pkt[8 + 16] = { ICMP_ECHO, 0 };
	union {
		struct cmsghdr	 h;
		char		 b[CMSG_SPACE(sizeof(struct in_pktinfo))];
	} cm;
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct in_pktinfo pi = { 0 };
	struct iovec iov = { pkt, sizeof(pkt) };
	struct msghdr msg = { 0 };
	struct cmsghdr *c;
	uint16_t k;

	pkt[4] = (uint8_t)(mon.id >> 8);
	pkt[5] = (uint8_t)mon.id;
	pkt[6] = (uint8_t)(seq >> 8);
	pkt[7] = (uint8_t)seq;
	memcpy(pkt + 8, "nicsecd monitor ", 16);
	k = cksum(pkt, sizeof(pkt));
	pkt[2] = (uint8_t)(k >> 8);
	pkt[3] = (uint8_t)k;
	memcpy(&to.sin_addr, dst, 4);
	/* the source is set per message: one socket for every monitor */
	memcpy(&pi.ipi_spec_dst, src, 4);
	memset(&cm, 0, sizeof(cm));
	msg.msg_name = &to;
	msg.msg_namelen = sizeof(to);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cm.b;
	msg.msg_controllen = sizeof(cm.b);
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	return sendmsg(mon.fd, &msg, 0) < 0 ? -1 : 0;
}

/* The installed CHILD_SA of conn's child, with its IKE SA; NULL if none. */
static struct child_rec *
installed(struct daemon *d, const char *conn, const char *child,
    struct ikesa **sp)
{
	for (struct ikesa *s = d->t.head; s != NULL; s = s->next) {
		if (s->sa.state != IKE_S_ESTABLISHED ||
		    strcmp(s->conn, conn) != 0)
			continue;
		for (size_t i = 0; i < s->nchild; i++)
			if (s->child[i].state == CHILD_INSTALLED &&
			    !s->child[i].staged &&
			    strcmp(s->child[i].name, child) == 0) {
				*sp = s;
				return &s->child[i];
			}
	}
	return NULL;
}

static void
read_replies(void)
{
	uint8_t b[1500];
	ssize_t n;

	while ((n = recv(mon.fd, b, sizeof(b), MSG_DONTWAIT)) > 0) {
		size_t hl = (size_t)(b[0] & 0x0f) * 4;
		uint16_t id, seq;

		if ((size_t)n < hl + 8 || hl < 20 || b[hl] != ICMP_ECHOREPLY)
			continue;
		id = (uint16_t)(b[hl + 4] << 8 | b[hl + 5]);
		seq = (uint16_t)(b[hl + 6] << 8 | b[hl + 7]);
		if (id != mon.id)
			continue;
		for (size_t i = 0; i < mon.n; i++)
			if (mon.m[i].out && mon.m[i].seq == seq &&
			    memcmp(mon.m[i].addr, b + 12, 4) == 0)
				mon.m[i].answered = 1;
	}
}

static void
hooks_reap(void)
{
	int st;

	for (size_t i = 0; i < HOOK_MAX; i++) {
		if (mon.hook[i] <= 0 || waitpid(mon.hook[i], &st, WNOHANG) !=
		    mon.hook[i])
			continue;
		mon.hook[i] = 0;
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			continue;
		if (WIFEXITED(st))
			log_err(NULL, "monitor_hook (%s) exited with %d%s",
			    mon.hook_what[i], WEXITSTATUS(st),
			    WEXITSTATUS(st) == 127 ? " (it could not be run)" :
			    "");
		else
			log_err(NULL, "monitor_hook (%s) killed by signal %d",
			    mon.hook_what[i], WTERMSIG(st));
	}
}

/* fork and exec the hook, no shell; its environment is only this. */
static void
hook_run(const struct conf_child *cc, const struct mon *e, const char *state)
{
	char conn[IKESA_NAME_MAX + 16], child[IKESA_NAME_MAX + 16];
	char st[32], addr[48], a[INET_ADDRSTRLEN];
	char *argv[] = { cc->monitor_hook, NULL };
	char *envp[] = { conn, child, st, addr,
	    "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	size_t k;
	pid_t pid;

	for (k = 0; k < HOOK_MAX && mon.hook[k] > 0; k++)
		;
	if (k == HOOK_MAX) {
		log_err(e->conn, "monitor_hook %s (%s) not run: %d hooks are "
		    "still running", cc->monitor_hook, state, HOOK_MAX);
		return;
	}
	snprintf(conn, sizeof(conn), "NICSEC_CONN=%s", e->conn);
	snprintf(child, sizeof(child), "NICSEC_CHILD=%s", e->child);
	snprintf(st, sizeof(st), "NICSEC_MONITOR=%s", state);
	snprintf(addr, sizeof(addr), "NICSEC_ADDRESS=%s", inet_ntop(AF_INET,
	    cc->monitor_address, a, sizeof(a)));
	if ((pid = fork()) < 0) {
		log_err(e->conn, "monitor_hook %s (%s): fork: %s",
		    cc->monitor_hook, state, strerror(errno));
		return;
	}
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);	/* ours is ignored */
		closefrom(3);
		execve(cc->monitor_hook, argv, envp);
		_exit(127);
	}
	mon.hook[k] = pid;
	snprintf(mon.hook_what[k], sizeof(mon.hook_what[k]), "%s %s %s",
	    e->conn, e->child, state);
}

/* The tunnel's state changed: say so, and act. */
static void
changed(struct daemon *d, struct mon *e, const struct conf_child *cc,
    enum mon_verdict v, unsigned missed)
{
	char who[IKESA_NAME_MAX * 2 + 48], a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	struct ikesa *s = NULL;
	struct child_rec *r = installed(d, e->conn, e->child, &s);
	int failover = cc->monitor_action == CONF_MONITOR_FAILOVER;

	inet_ntop(AF_INET, cc->monitor_address, a, sizeof(a));
	inet_ntop(AF_INET, cc->monitor_source, b, sizeof(b));
	if (r != NULL)
		snprintf(who, sizeof(who), "CHILD_SA %s{%u} (SPIs %08x_i "
		    "%08x_o)", r->name, r->uniq, r->spi_in, r->spi_out);
	else
		snprintf(who, sizeof(who), "CHILD_SA %s (none installed)",
		    e->child);
	if (v == MON_UP) {
		log_info(s ? s->who : e->conn, "%s: tunnel up by monitor: %s "
		    "answers again (after %u missed)%s%s", who, a, missed,
		    failover ? ": running monitor_hook " : "",
		    failover ? cc->monitor_hook : "");
		if (failover)
			hook_run(cc, e, "up");
		return;
	}
	log_err(s ? s->who : e->conn, "%s: tunnel down by monitor: %u echo "
	    "requests from %s to %s unanswered in a row (every %llus): %s%s",
	    who, missed, b, a, (unsigned long long)cc->monitor_interval,
	    failover ? "fail-over: running monitor_hook " : r != NULL ?
	    "wait-recover: rekeying the CHILD_SA (DPD judges the IKE SA)" :
	    "wait-recover: no CHILD_SA to rekey; waiting for it to come back",
	    failover ? cc->monitor_hook : "");
	if (failover) {
		hook_run(cc, e, "down");
	} else if (r != NULL) {
		r->rekey_at = 0;
		ikesa_task_add(s, TASK_REKEY, NULL, r->spi_in);
		exch_next(d, s);
	}
}

/* One monitor whose request is due. */
static void
tick(struct daemon *d, struct mon *e, const struct conf_child *cc,
    double now)
{
	char a[INET_ADDRSTRLEN];
	enum mon_verdict v = MON_SAME;
	unsigned run = e->run;

	if (e->out) {
		e->run = e->answered ? 0 : e->run + 1;
		v = mon_judge(&e->w, e->answered, cc->monitor_threshold);
		if (v != MON_SAME)
			changed(d, e, cc, v, v == MON_UP ? run : e->run);
	}
	e->seq = ++mon.seq;
	memcpy(e->addr, cc->monitor_address, 4);
	e->out = 1;
	e->answered = 0;
	e->next_at = now + (double)cc->monitor_interval;
	if (send_echo(cc->monitor_source, cc->monitor_address, e->seq) == 0) {
		e->send_failed = 0;
	} else if (!e->send_failed) {
		e->send_failed = 1;
		log_err(e->conn, "monitor of %s: can't send an echo request to "
		    "%s: %s (counted as missed)", e->child, inet_ntop(AF_INET,
		    cc->monitor_address, a, sizeof(a)), strerror(errno));
	}
}

size_t
exch_monitor_stop(const char *conn, const char *child)
{
	size_t k = 0, n = mon.n;

	for (size_t i = 0; i < n; i++)
		if (strcmp(mon.m[i].conn, conn) != 0 || (child != NULL &&
		    strcmp(mon.m[i].child, child) != 0))
			mon.m[k++] = mon.m[i];
	mon.n = k;
	return n - k;
}

double
exch_monitor_timers(struct daemon *d, double now)
{
	double next = now + 3600;
	size_t k = 0;

	hooks_reap();
	if (mon.fd < 0) {
		/* a reload brought the first monitor_address: the socket
		 * can't be opened without CAP_NET_RAW, gone since start */
		if (!mon.said && any_monitor(d->conf)) {
			mon.said = 1;
			log_err(NULL, "monitor: no ICMP socket (none was opened "
			    "at start): monitor_address is not watched until "
			    "nicsecd is restarted");
		}
		return next;
	}
	read_replies();
	for (size_t i = 0; i < mon.n; i++)
		mon.m[i].seen = 0;
	for (size_t i = 0; i < d->conf->nconns; i++) {
		const struct conf_conn *c = &d->conf->conns[i];

		for (size_t j = 0; j < c->nchildren; j++) {
			const struct conf_child *cc = &c->children[j];
			struct mon *e = NULL;
			struct ikesa *s;

			if (!cc->monitor)
				continue;
			for (size_t m = 0; m < mon.n && e == NULL; m++)
				if (strcmp(mon.m[m].conn, c->name) == 0 &&
				    strcmp(mon.m[m].child, cc->name) == 0)
					e = &mon.m[m];
			/* it starts with the child's first CHILD_SA */
			if (e == NULL && mon.n < MON_MAX &&
			    installed(d, c->name, cc->name, &s) != NULL) {
				e = &mon.m[mon.n++];
				memset(e, 0, sizeof(*e));
				snprintf(e->conn, sizeof(e->conn), "%s",
				    c->name);
				snprintf(e->child, sizeof(e->child), "%s",
				    cc->name);
				e->next_at = now;
			}
			if (e == NULL)
				continue;
			e->seen = 1;
			if (now >= e->next_at)
				tick(d, e, cc, now);
			if (e->next_at < next)
				next = e->next_at;
		}
	}
	/* the ones a reload took away */
	for (size_t i = 0; i < mon.n; i++)
		if (mon.m[i].seen)
			mon.m[k++] = mon.m[i];
	mon.n = k;
	return next;
}
