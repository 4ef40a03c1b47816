/*
 * conn_cfg.h - from nicsecd's configuration (conf.h) to what the exchanges
 * take: which connection a peer's packet is for, our and the peer's IKE
 * identities on the wire, the PSK for a pair of identities (as strongSwan
 * picks one), and traffic selectors with `dynamic` resolved.
 */
#ifndef NICSEC_CONN_CFG_H
#define NICSEC_CONN_CFG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "conf.h"
#include "ike_pld.h"

#define CFG_ID_MAX	256

struct cfg_id {
	uint8_t	 type;		/* IKE_ID_*; 0: any (remote only) */
	uint8_t	 data[CFG_ID_MAX];
	size_t	 len;
};

/* Does addr fall in one of the list's entries (none: %any)? */
int cfg_addr_match(const struct conf_addr *a, size_t n,
    const struct sockaddr_storage *addr);

/* The connections a packet from remote to local may be for, best first
 * as strongSwan ranks them: the one address before a subnet (a narrower
 * before a wider) before %any or a range, the remote address counting
 * twice the local one; config order breaks ties.  Returns the count. */
size_t cfg_conns_for(const struct conf *cf, const struct sockaddr_storage
    *local, const struct sockaddr_storage *remote,
    const struct conf_conn **out, size_t max);

/* A configured ID on the wire.  %any: for our side, the IKE address. */
int cfg_id_wire(const struct conf_id *id, const struct sockaddr_storage
    *addr, struct cfg_id *out, char *err, size_t errlen);

/* Does the peer's ID (type, data) satisfy a configured ID?  As strongSwan:
 * FQDN and RFC822 without case, a leading '*' for any start. */
int cfg_id_match(const struct conf_id *want, uint8_t type,
    const uint8_t *data, size_t len);

/* The shared key for our ID and the peer's, as strongSwan picks it: the
 * secret whose ids match both, else the peer's, else one with no ids (or
 * id %any), else ours; the last of equals.  NULL: none. */
const struct conf_secret *cfg_psk(const struct conf *cf,
    const struct cfg_id *local, const struct cfg_id *remote);

/* A child's selectors, `dynamic` being addr (a host selector). */
size_t cfg_ts(const struct conf_ts *t, size_t n, const struct
    sockaddr_storage *addr, struct ike_ts *out, size_t max);

#endif /* NICSEC_CONN_CFG_H */
