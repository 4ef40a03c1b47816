/*
 * nicsec_tap.h - the card's exception path as Linux TAP interfaces, one a
 * port: the host kernel sees the frames the card gives the host (IKE, ARP,
 * traffic to the gateway itself) arrive on the port's TAP, and what it
 * sends there leaves by that port.  So the daemon uses ordinary UDP sockets
 * for IKE, and the kernel answers ARP and ping.
 */
#ifndef NICSEC_TAP_H
#define NICSEC_TAP_H

#include <signal.h>
#include <stddef.h>

#include "nicsec.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Creates (or attaches to) the TAP interface name and brings it up.
 * Returns its descriptor (non-blocking), or -1 with one line in err.
 */
int nicsec_tap_open(const char *name, char *err, size_t errlen);

/* What a bridge moved. */
struct nicsec_tap_stats {
	unsigned long long to_tap[2], from_tap[2];	/* by port */
	unsigned long long dropped;	/* from a TAP, the ring full */
};

/*
 * Starts the card's exception path and moves frames between it and
 * tap[NICSEC_PORT_LAN], tap[NICSEC_PORT_WAN] (either may be -1: that port's
 * frames from the card are dropped) until *stop is set (from a signal
 * handler) or an error.  0 when stopped, -1 with nicsec_error(card).
 */
int nicsec_tap_bridge(struct nicsec *card, const int tap[2],
                      volatile sig_atomic_t *stop,
                      struct nicsec_tap_stats *st);

#ifdef __cplusplus
}
#endif

#endif /* NICSEC_TAP_H */
