/*
 * conf.h - nicsecd's configuration: a swanctl.conf(5) file (strongSwan
 * 5.9), read with conf_tree and checked key by key.  docs/nicsecd-conf.md
 * lists what is taken, what is refused and why.
 *
 * Keys mean what swanctl.conf(5) says and default as strongSwan 5.9 does
 * (noted at each field).  A key nicsecd does not know is an error naming
 * it; one it knows but does not do is refused with the reason, unless it
 * is given the value that means "off" (e.g. `mobike = no`), which is
 * accepted since that is what nicsecd does anyway.  Every message is one
 * line: "FILE:LINE: connections.gw.dpd_delay: '30x' is not a time (30s,
 * 5m, 1h, 1d)".
 *
 * Where nicsecd differs from swanctl:
 *  - File names (certs, cacerts, secrets' private key files) are taken
 *    relative to the main config file's directory, then, as swanctl keeps
 *    them, its x509/, x509ca/ or private/ (rsa/, ecdsa/, pkcs8/) folder;
 *    the file must exist when the config is loaded.  swanctl loads every
 *    key in private/ by itself; nicsecd loads the keys that secrets'
 *    private-*, rsa-*, ecdsa-* and pkcs8-* sections name with `file`.
 *  - version = 0 (the default) means IKEv2 only: there is no IKEv1.
 *  - fragmentation, mobike: strongSwan's default is yes; nicsecd does
 *    neither, so it takes their absence, or `no`, as no.
 *  - remote auth = pubkey needs cacerts or certs: nicsecd trusts no CA
 *    folder by itself.
 *  - Addresses, not DNS names, in local_addrs and remote_addrs.
 *
 * Times are seconds; 0 means "off" where swanctl.conf says so.
 */
#ifndef NICSEC_CONF_H
#define NICSEC_CONF_H

#include <stddef.h>
#include <stdint.h>

#include "ike_xform.h"

/* IKE identity types (RFC 7296 3.5); CONF_ID_ANY is strongSwan's %any. */
#define CONF_ID_ANY		0
#define CONF_ID_IPV4_ADDR	1
#define CONF_ID_FQDN		2
#define CONF_ID_RFC822_ADDR	3
#define CONF_ID_IPV6_ADDR	5
#define CONF_ID_DER_ASN1_DN	9

struct conf_id {
	int	 type;		/* CONF_ID_* */
	char	*str;		/* as given, less a leading '@' or type:
				 * prefix; NULL for CONF_ID_ANY.  A DN stays
				 * a string (DER is made later, with OpenSSL) */
	uint8_t	 addr[16];	/* IPV4/IPV6_ADDR, network order */
};

/* An address, subnet or range in local_addrs/remote_addrs, or %any. */
struct conf_addr {
	int	 family;	/* AF_INET, AF_INET6; 0 for %any */
	int	 host;		/* 1: a single address (one to initiate to) */
	uint8_t	 from[16], to[16];
};

/* A traffic selector: CIDR or range, [proto/port]; or `dynamic`. */
struct conf_ts {
	int	 dynamic;	/* 1: the IKE address, family unknown yet */
	int	 family;
	uint8_t	 from[16], to[16];
	int	 proto;		/* IP protocol, 0 any */
	uint16_t port_from, port_to;	/* 0-65535: any */
};

#define CONF_AUTH_PUBKEY	1	/* swanctl default */
#define CONF_AUTH_PSK		2

/* One authentication round (local or local-1; remote or remote-1). */
struct conf_auth {
	int		 auth;		/* CONF_AUTH_*; default pubkey */
	struct conf_id	 id;		/* default: local, the IKE address
					 * (id.type ANY here); remote %any */
	char		**certs;	/* resolved paths */
	size_t		 ncerts;
	char		**cacerts;	/* remote only */
	size_t		 ncacerts;
};

/* start_action, close_action, dpd_action (bits: trap|start is both) */
#define CONF_ACTION_NONE	0	/* none, clear */
#define CONF_ACTION_TRAP	1	/* trap, route */
#define CONF_ACTION_START	2	/* start, restart */

struct conf_child {
	char		*name;
	struct conf_ts	*local_ts, *remote_ts;	/* default: dynamic */
	size_t		 nlocal_ts, nremote_ts;
	struct ike_proposal esp[IKE_PROPOSALS_MAX];	/* default: default */
	size_t		 nesp;
	int		 start_action;		/* none */
	int		 close_action;		/* none */
	int		 dpd_action;		/* clear */
	uint64_t	 rekey_time;		/* 1h */
	uint64_t	 life_time;		/* rekey_time + 10% */
	uint64_t	 rand_time;		/* life_time - rekey_time */
	uint64_t	 rekey_bytes, life_bytes, rand_bytes;	/* 0; +10%; */
	uint64_t	 rekey_packets, life_packets, rand_packets; /* diff */
	uint32_t	 replay_window;		/* 32; 0..4096 (the card) */
	uint64_t	 inactivity;		/* 0: off */
	const char	*file;			/* where it is defined */
	int		 line;
	/* nicsecd's own keys, not swanctl.conf(5)'s (docs/nicsecd.md,
	 * "Black holes and monitoring"). */
	uint64_t	 blackhole_time;	/* 30s; 0: off */
	int		 monitor;		/* monitor_address given */
	uint8_t		 monitor_address[4];	/* IPv4, network order */
	uint8_t		 monitor_source[4];
	uint64_t	 monitor_interval;	/* 5s */
	uint32_t	 monitor_threshold;	/* 3 missed in a row */
	int		 monitor_action;	/* CONF_MONITOR_* */
	char		*monitor_hook;		/* fail-over's program */
};

#define CONF_MONITOR_WAIT	0	/* wait-recover: rekey, DPD judges */
#define CONF_MONITOR_FAILOVER	1	/* fail-over: run monitor_hook */

#define CONF_UNIQUE_NO		0	/* default */
#define CONF_UNIQUE_NEVER	1
#define CONF_UNIQUE_REPLACE	2
#define CONF_UNIQUE_KEEP	3

#define CONF_SEND_CERT_IFASKED	0	/* default */
#define CONF_SEND_CERT_ALWAYS	1
#define CONF_SEND_CERT_NEVER	2

struct conf_conn {
	char		*name;
	int		 version;		/* 0 or 2; both IKEv2 here */
	struct conf_addr *local_addrs;		/* default %any */
	struct conf_addr *remote_addrs;		/* default %any */
	size_t		 nlocal_addrs, nremote_addrs;
	uint16_t	 local_port;		/* 500 */
	uint16_t	 remote_port;		/* 500 */
	struct ike_proposal ike[IKE_PROPOSALS_MAX];	/* default: default */
	size_t		 nike;
	int		 encap;			/* no */
	uint64_t	 dpd_delay;		/* 0s: no active DPD */
	uint64_t	 dpd_timeout;		/* 0s (no effect with IKEv2) */
	uint64_t	 rekey_time;		/* 4h */
	uint64_t	 reauth_time;		/* 0 (only 0 is taken) */
	uint64_t	 over_time;		/* 10% of rekey_time */
	uint64_t	 rand_time;		/* over_time */
	uint32_t	 keyingtries;		/* 1; 0: forever */
	int		 unique;		/* no */
	int		 send_certreq;		/* yes */
	int		 send_cert;		/* ifasked */
	struct conf_auth local, remote;
	struct conf_child *children;		/* none is fine */
	size_t		 nchildren;
	const char	*file;
	int		 line;
	int		 is_new;		/* nicsecd: added by the last
						 * reload */
};

/* secrets.ike*: a PSK and the identities it is for (none: any). */
struct conf_secret {
	char		*name;		/* the section, "ike-gw" */
	struct conf_id	*ids;
	size_t		 nids;
	uint8_t		*secret;	/* decoded: 0x hex, 0s base64, text */
	size_t		 len;
};

/* secrets.private*, rsa*, ecdsa*, pkcs8*: a private key file. */
struct conf_key {
	char		*name;		/* the section */
	char		*file;		/* resolved path */
	uint8_t		*passphrase;	/* NULL when not given */
	size_t		 passlen;
};

/*
 * nicsecd { ... }: the daemon's own settings.  They are not swanctl.conf
 * keys; they are named after the strongswan.conf charon.* keys that do
 * the same, and default as those do.  A request is sent again after
 * timeout * base^n seconds (n = 0, 1, ...; each wait capped at limit when
 * limit is not 0), and the peer is given up on when the wait after the
 * last of `tries` retransmissions runs out: 4 s x 1.8^n and 5 tries is
 * about 165 s, as strongSwan.  PAN-OS's DPD schedule is timeout 1, base 2,
 * limit 64, tries 10.
 */
struct conf_daemon {
	double		 retransmit_timeout;	/* 4.0 */
	double		 retransmit_base;	/* 1.8 */
	uint32_t	 retransmit_tries;	/* 5 */
	double		 retransmit_limit;	/* 0: no cap */
	uint64_t	 keep_alive;		/* 20s; 0: none (NAT-T) */
	uint32_t	 cookie_threshold;	/* 10 half-open SAs; 0: never */
	/* The gateway's LAN-side interface (the card's LAN TAP): where
	 * traffic for a trapped child arrives (exch_trap.c); "": none. */
	char		 lan_interface[16];	/* IFNAMSIZ */
	/* The Ethernet addresses of the frames the card sends (child_ether.c,
	 * docs/nicsecd-conf.md "The card's Ethernet addresses"): sources the
	 * interfaces' own MACs, destinations the kernel's neighbour entries
	 * for the next hops (WAN: the route's gateway to the peer, or the
	 * peer; LAN: lan_next_hop); a MAC given here overrides either.  All
	 * unset: libnicsec's "not configured" placeholders. */
	char		 wan_interface[16];	/* "": none */
	int		 lan_next_hop_family;	/* 0: not set */
	uint8_t		 lan_next_hop[16];	/* network order */
	uint8_t		 lan_mac[6], wan_mac[6];	/* 0: the interface's */
	uint8_t		 lan_next_hop_mac[6];	/* 0: the neighbour's */
	uint8_t		 wan_next_hop_mac[6];
};

struct conf {
	char			*path;		/* the main file */
	struct conf_daemon	 daemon;
	struct conf_conn	*conns;
	size_t			 nconns;
	struct conf_secret	*secrets;
	size_t			 nsecrets;
	struct conf_key		*keys;
	size_t			 nkeys;
};

/*
 * Loads path.  0 with *conf set (free with conf_free), or -1 with *conf
 * NULL and one line in err.  Nothing outside *conf changes either way, so
 * a reload swaps the new one in only when it loaded whole.
 */
int conf_load(const char *path, struct conf **conf, char *err,
    size_t errlen);

/* Wipes the secrets and frees it all; NULL is fine. */
void conf_free(struct conf *conf);

/* The connection of that name, or NULL. */
const struct conf_conn *conf_conn_find(const struct conf *conf,
    const char *name);

#endif /* NICSEC_CONF_H */
