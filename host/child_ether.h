/*
 * child_ether.h - the Ethernet addresses of a CHILD_SA's frames on the
 * card (dp_child_params' wan and lan), from nicsecd { } (conf.h,
 * conf_daemon) and what the kernel knows (nexthop.h):
 *
 *   WAN (outbound ESP):   wan_mac or wan_interface's MAC
 *                      -> wan_next_hop_mac or the neighbour entry, on
 *                         wan_interface, of the route's next hop to the
 *                         peer (its gateway, or the peer itself)
 *   LAN (decrypted):      lan_mac or lan_interface's MAC
 *                      -> lan_next_hop_mac or lan_next_hop's neighbour
 *                         entry on lan_interface
 *
 * The card holds one pair of addresses a SA, so they are found at each
 * install (a rekey finds them again).  A next hop the kernel has no MAC
 * for is asked for (nh_provoke) and waited for a little; if it is still
 * not there, one line says so and that side keeps libnicsec's placeholder
 * until the next install.  Read at install time: rtnetlink reads need no
 * privilege, so this works after the privilege drop.
 */
#ifndef NICSEC_CHILD_ETHER_H
#define NICSEC_CHILD_ETHER_H

#include <sys/socket.h>

#include "conf.h"
#include "dataplane.h"

/* How long an install waits for a next hop being resolved, at most. */
#define CHILD_ETHER_WAIT_MS	200

/* Fills wan and lan for a CHILD_SA to remote (its IKE SA's peer); who
 * names the tunnel in the log.  Sides left unconfigured stay zero. */
void child_ether(const struct conf_daemon *cd, const char *who,
    const struct sockaddr *remote, struct dp_ether *wan,
    struct dp_ether *lan);

/* At start-up (and reload): one line saying where the card's addresses
 * will come from, and one for each thing missing. */
void child_ether_report(const struct conf_daemon *cd);

#endif /* NICSEC_CHILD_ETHER_H */
