/*
 * nicsec_tap.c - the exception path bridged to TAP interfaces.  See
 * nicsec_tap.h.
 */
#include "nicsec_tap.h"
#include "nicsec_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_tun.h>

/* Frames moved each way before looking at the other: fairness. */
#define BURST		32
/* Without interrupts (a device with no irq fd), how often to look. */
#define POLL_MS		2

int
nicsec_tap_open(const char *name, char *err, size_t errlen)
{
	struct ifreq ifr;
	int fd, s;

	if (strlen(name) >= IFNAMSIZ)
		return nicsec_errf(err, errlen, "TAP name '%s' is longer than "
		    "%d characters", name, IFNAMSIZ - 1);
	if ((fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0)
		return nicsec_errf(err, errlen, "cannot open /dev/net/tun: %s",
		    strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
		int e = errno;

		close(fd);
		return nicsec_errf(err, errlen, "cannot make TAP %s: %s%s", name,
		    strerror(e), e == EPERM ? " (needs CAP_NET_ADMIN)" :
		    e == EBUSY ? " (another process has it open)" : "");
	}
	/* Up, so the kernel sends and takes frames; addresses are the
	 * caller's business (ip addr add). */
	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) >= 0) {
		if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
			ifr.ifr_flags |= IFF_UP;
			ioctl(s, SIOCSIFFLAGS, &ifr);
		}
		close(s);
	}
	return fd;
}

/* Frames from a TAP into the card's transmit ring: 1 if the burst ran out
 * with more perhaps waiting, 0 if the TAP is drained, -1. */
static int
from_tap(struct nicsec *card, int fd, int port, uint8_t *buf, size_t cap,
    struct nicsec_tap_stats *st)
{
	int i;

	for (i = 0; i < BURST; i++) {
		ssize_t n = read(fd, buf, cap);
		int rc;

		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 :
			    card_err(card, "reading the %s TAP: %s",
			    port == NICSEC_PORT_LAN ? "LAN" : "WAN",
			    strerror(errno));
		if (n < 14)
			continue;	/* not an Ethernet frame */
		rc = nicsec_exc_send(card, port, buf, (size_t)n);
		if (rc < 0)
			return -1;
		if (rc == 1)
			st->dropped++;	/* as a NIC's full queue drops */
		else
			st->from_tap[port]++;
	}
	return 1;
}

/* Frames from the card's receive ring out to the TAPs; returns as
 * from_tap does. */
static int
to_tap(struct nicsec *card, const int tap[2], uint8_t *buf, size_t cap,
    struct nicsec_tap_stats *st)
{
	int i, port;

	for (i = 0; i < BURST; i++) {
		ssize_t n = nicsec_exc_recv(card, &port, buf, cap);

		if (n <= 0)
			return (int)n;
		if (port < 0 || port > 1 || tap[port] < 0)
			continue;
		/* A full TAP queue drops, as the kernel's own would. */
		if (write(tap[port], buf, (size_t)n) == n)
			st->to_tap[port]++;
	}
	return 1;
}

int
nicsec_tap_bridge(struct nicsec *card, const int tap[2],
    volatile sig_atomic_t *stop, struct nicsec_tap_stats *st)
{
	static uint8_t buf[65536];
	struct pollfd p[3];
	int irq, n, i, rc, more = 0;

	memset(st, 0, sizeof(*st));
	if (nicsec_exc_start(card) != 0)
		return -1;
	irq = nicsec_exc_fd(card);
	while (!*stop) {
		n = 0;
		for (i = 0; i < 2; i++)
			if (tap[i] >= 0) {
				p[n].fd = tap[i];
				p[n++].events = POLLIN;
			}
		if (irq >= 0) {
			p[n].fd = irq;
			p[n++].events = POLLIN;
		}
		if (poll(p, (nfds_t)n, more ? 0 : irq >= 0 ? 1000 : POLL_MS) <
		    0 && errno != EINTR)
			return card_err(card, "poll: %s", strerror(errno));
		if (*stop)
			break;
		/* Interrupts are taken and their causes cleared before the
		 * ring is read, so a frame that lands after is not missed. */
		if (nicsec_exc_poll(card) != 0)
			return -1;
		if ((more = to_tap(card, tap, buf, sizeof(buf), st)) < 0)
			return -1;
		for (i = 0; i < 2; i++) {
			if (tap[i] < 0)
				continue;
			if ((rc = from_tap(card, tap[i], i, buf, sizeof(buf),
			    st)) < 0)
				return -1;
			more |= rc;
		}
	}
	return 0;
}
