/*
 * nicsecd - the IKEv2 daemon of nicsec: negotiates IKE and CHILD SAs with
 * standard peers (RFC 7296) and puts the CHILD SAs on the card.
 *
 *	nicsecd -c FILE [--dataplane sim:PATH|pci:ADDR|auto|none]
 *	    [--socket PATH] [--foreground] [--user NAME] [--log-level L]
 *
 * The configuration is swanctl.conf's syntax (docs/nicsecd-conf.md);
 * nicsecctl --socket PATH controls it (docs/nicsecctl.md).  SIGHUP reloads
 * the configuration; SIGTERM and SIGINT delete every IKE SA (telling the
 * peers) and exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "child_ether.h"
#include "ctl_server.h"
#include "daemon.h"
#include "dataplane.h"
#include "exch.h"
#include "ike_sock.h"
#include "log.h"
#include "privs.h"

#define DEFAULT_SOCKET	"/run/nicsecd.sock"
/* How long SIGTERM waits for the peers to answer our DELETEs. */
#define SHUTDOWN_WAIT	2.0

static volatile sig_atomic_t got_hup, got_term;

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_term = 1;
}

static void
usage(FILE *f)
{
	fputs("usage: nicsecd -c FILE [--dataplane sim:PATH|pci:ADDR|auto|"
	    "none] [--socket PATH]\n"
	    "               [--foreground] [--user NAME] "
	    "[--log-level error|info|debug]\n", f);
}

static void
dp_log(void *arg, const char *line)
{
	(void)arg;
	log_info("dataplane", "%s", line);
}

struct args {
	const char *conf, *dataplane, *socket, *user;
	int foreground, level;
};

static int
parse_args(int argc, char **argv, struct args *a)
{
	a->dataplane = "auto";
	a->socket = DEFAULT_SOCKET;
	a->level = LOG_INFO_L;
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		int has_val = i + 1 < argc;

		if ((strcmp(o, "-c") == 0 || strcmp(o, "--conf") == 0) &&
		    has_val)
			a->conf = argv[++i];
		else if (strcmp(o, "--dataplane") == 0 && has_val)
			a->dataplane = argv[++i];
		else if (strcmp(o, "--socket") == 0 && has_val)
			a->socket = argv[++i];
		else if (strcmp(o, "--user") == 0 && has_val)
			a->user = argv[++i];
		else if (strcmp(o, "--log-level") == 0 && has_val) {
			if ((a->level = log_level_parse(argv[++i])) < 0) {
				fprintf(stderr, "nicsecd: --log-level '%s' is not "
				    "error, info or debug\n", argv[i]);
				return -1;
			}
		} else if (strcmp(o, "--foreground") == 0 ||
		    strcmp(o, "-F") == 0)
			a->foreground = 1;
		else if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
			usage(stdout);
			exit(0);
		} else {
			fprintf(stderr, "nicsecd: %s '%s'\n", has_val ||
			    o[0] != '-' ? "unknown argument" :
			    "missing the value of", o);
			usage(stderr);
			return -1;
		}
	}
	if (a->conf == NULL) {
		fprintf(stderr, "nicsecd: give the configuration: -c FILE\n");
		return -1;
	}
	return 0;
}

/* Every IKE SA deleted, the peers told; then a short wait for answers. */
static void
shutdown_all(struct daemon *d, int ctl)
{
	double until = dmn_now() + SHUTDOWN_WAIT;
	struct pollfd p[4];
	static uint8_t buf[65536];

	log_info(NULL, "shutting down: deleting %zu IKE SAs", d->t.n);
	for (struct ikesa *s = d->t.head, *nx; s != NULL; s = nx) {
		nx = s->next;
		exch_delete_ike(d, s);
	}
	(void)ctl;
	while (d->t.n > 0 && dmn_now() < until) {
		int n = 0;

		for (int i = 0; i < 4; i++)
			if (d->socks.fd[i] >= 0)
				p[n++] = (struct pollfd){ .fd = d->socks.fd[i],
				    .events = POLLIN };
		if (poll(p, (nfds_t)n, 100) <= 0)
			continue;
		for (int i = 0, k = 0; i < 4; i++) {
			struct sockaddr_storage from, to;
			size_t len;

			if (d->socks.fd[i] < 0)
				continue;
			if ((p[k++].revents & POLLIN) &&
			    ike_socks_recv(&d->socks, i, buf, sizeof(buf),
			    &len, &from, &to) == IKE_RX_IKE)
				dmn_packet(d, i, buf, len, &from, &to);
		}
	}
}

static void
run(struct daemon *d, int ctl, const char *conf_path)
{
	static uint8_t buf[65536];
	struct pollfd p[6];
	int idx[6];

	while (!got_term) {
		double wait = dmn_timers(d);
		int n = 0, ms = wait > 1 ? 1000 : (int)(wait * 1000) + 1;

		if (got_hup) {
			FILE *devnull = fopen("/dev/null", "w");

			got_hup = 0;
			log_info(NULL, "SIGHUP: reloading %s", conf_path);
			if (devnull != NULL) {
				dmn_reload(d, conf_path, devnull);
				fclose(devnull);
			}
		}
		for (int i = 0; i < 4; i++)
			if (d->socks.fd[i] >= 0) {
				idx[n] = i;
				p[n++] = (struct pollfd){ .fd = d->socks.fd[i],
				    .events = POLLIN };
			}
		idx[n] = -1;
		p[n++] = (struct pollfd){ .fd = ctl, .events = POLLIN };
		if (exch_trap_fd() >= 0) {
			idx[n] = -2;
			p[n++] = (struct pollfd){ .fd = exch_trap_fd(),
			    .events = POLLIN };
		}
		if (poll(p, (nfds_t)n, ms) < 0) {
			if (errno != EINTR)
				log_err(NULL, "poll: %s", strerror(errno));
			continue;
		}
		for (int i = 0; i < n; i++) {
			struct sockaddr_storage from, to;
			size_t len;
			int budget = 64;	/* then let the timers run */

			if (!(p[i].revents & POLLIN))
				continue;
			if (idx[i] == -2) {
				exch_trap_input(d);
				continue;
			}
			if (idx[i] < 0) {
				ctl_serve(d, ctl, conf_path);
				continue;
			}
			while (budget-- > 0) {
				enum ike_rx_kind k = ike_socks_recv(&d->socks,
				    idx[i], buf, sizeof(buf), &len, &from, &to);

				if (k == IKE_RX_NONE)
					break;
				if (k == IKE_RX_IKE)
					dmn_packet(d, idx[i], buf, len, &from,
					    &to);
				else if (k == IKE_RX_ESP)
					log_debug(NULL, "ESP in UDP reached the "
					    "host, not the card: dropped");
			}
		}
	}
}

int
main(int argc, char **argv)
{
	struct privs_cfg pc = { 0 };
	struct sigaction sa;
	struct daemon d;
	struct conf *conf;
	struct args a = { 0 };
	char err[1024];
	int ctl;

	if (parse_args(argc, argv, &a) != 0)
		return 2;
	log_open(1, a.level);
	if (conf_load(a.conf, &conf, err, sizeof(err)) != 0) {
		fprintf(stderr, "nicsecd: %s\n", err);
		return 2;
	}
	memset(&d, 0, sizeof(d));
	if (dmn_init(&d, conf, err, sizeof(err)) != 0 ||
	    ike_socks_open(&d.socks, IKE_PORT, IKE_NATT_PORT, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "nicsecd: %s\n", err);
		return 1;
	}
	/* the log function from the start: the open's own lines (the card's
	 * size, SAs it held already) go to the log, not to stderr */
	if (dp_open_log(a.dataplane, &d.dp, dp_log, NULL, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "nicsecd: --dataplane %s: %s\n", a.dataplane,
		    err);
		return 1;
	}
	/* where the card's frames will be addressed, said once */
	if (!dp_is_none(d.dp))
		child_ether_report(&conf->daemon);
	if ((ctl = ctl_listen(a.socket, err, sizeof(err))) < 0) {
		fprintf(stderr, "nicsecd: %s\n", err);
		return 1;
	}
	/* monitor_address's raw ICMP socket and trap's packet socket:
	 * CAP_NET_RAW, so now */
	exch_monitor_open(conf);
	exch_trap_open(conf);
	if (!a.foreground) {
		if (daemon(0, 0) != 0) {
			fprintf(stderr, "nicsecd: daemon: %s\n",
			    strerror(errno));
			return 1;
		}
		log_open(0, a.level);
	}
	/* every socket is bound and the card open: nothing more is needed
	 * of root */
	pc.user = a.user;
	if (privs_drop(&pc, err, sizeof(err)) != 0) {
		log_err(NULL, "dropping privileges: %s", err);
		return 1;
	}
	log_info(NULL, "nicsecd started: %s, data plane %s, control socket %s;"
	    " %s", a.conf, dp_name(d.dp), a.socket, err);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	dmn_start_all(&d);
	run(&d, ctl, a.conf);
	shutdown_all(&d, ctl);
	exch_trap_close(&d);
	dmn_free(&d);
	dp_close(d.dp);
	ike_socks_close(&d.socks);
	exch_monitor_close();
	close(ctl);
	unlink(a.socket);
	log_info(NULL, "nicsecd stopped");
	return 0;
}
