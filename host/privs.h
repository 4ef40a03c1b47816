/*
 * privs.h - nicsecd gives up what it no longer needs once it has bound its
 * IKE sockets and opened the card: every capability but those asked for
 * here, optionally root itself, with libcap-ng.
 */
#ifndef NICSEC_PRIVS_H
#define NICSEC_PRIVS_H

#include <stddef.h>

struct privs_cfg {
	/* Run as this user (its group, no supplementary groups) from now
	 * on; NULL: stay the user we are (root, without capabilities). */
	const char *user;
	/*
	 * 1: keep CAP_NET_BIND_SERVICE, for a daemon that binds UDP 500 and
	 * 4500 again after start (a reload with new listen addresses, an
	 * address that comes up later).  0 when every socket is bound before
	 * the drop.
	 */
	int         rebind;
};

/*
 * Drops to what cfg keeps: the effective and permitted sets hold only
 * those capabilities, the inheritable, ambient and bounding sets none, and
 * no_new_privs is set, so neither nicsecd nor anything it runs can get the
 * others back.  Then reads the sets back from the kernel and fails if they
 * hold more.  Irreversible.  0 with a line for the log in msg ("running as
 * nobody (65534:65534) with CAP_NET_BIND_SERVICE only"), or -1 with the
 * error there.
 */
int privs_drop(const struct privs_cfg *cfg, char *msg, size_t len);

#endif /* NICSEC_PRIVS_H */
