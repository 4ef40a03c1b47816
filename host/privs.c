/*
 * privs.c - nicsecd's privilege drop.  See privs.h.
 *
 * What nicsecd needs root for, and when:
 *  - binding UDP 500 and 4500 (CAP_NET_BIND_SERVICE): at start.  Kept
 *    only if the daemon will bind again (cfg->rebind).
 *  - opening the card: pci: maps resource0 (root, or a udev rule), sim:
 *    connects to the simulator's socket; both at start, and the mapping
 *    and the socket stay usable without any capability.  A card that
 *    goes away needs a restart to be opened again.
 *  - the exception path's TAPs (CAP_NET_ADMIN for TUNSETIFF): created at
 *    start; reading and writing their fds needs nothing.
 *  - tunnel monitoring's raw ICMP socket (CAP_NET_RAW), when a child has
 *    monitor_address: opened at start (exch_monitor.c); sending and
 *    receiving on it needs nothing.
 * What it never needs after start:
 *  - CAP_NET_ADMIN: the SAs go to the card, not to the kernel's XFRM,
 *    and nicsecd sets no routes or addresses (monitor_hook's program,
 *    which runs with no capabilities either, has to ask whatever does).
 *  - CAP_NET_RAW: IKE, NAT-T keepalives and DPD are ordinary UDP
 *    sockets; ESP is the card's, never a raw socket's.
 * So by default nothing is kept.
 */
#include "privs.h"

#include <errno.h>
#include <stdarg.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cap-ng.h>

static int
say(char *msg, size_t len, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
say(char *msg, size_t len, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	return rc;
}

/* What the kernel says we hold, against what we asked for. */
static int
check(const struct privs_cfg *cfg, char *msg, size_t len)
{
	int c, want;

	capng_clear(CAPNG_SELECT_ALL);
	if (capng_get_caps_process() != 0)
		return say(msg, len, -1, "privilege drop: can't read our "
		    "capabilities back");
	for (c = 0; c <= CAP_LAST_CAP; c++) {
		want = cfg->rebind && c == CAP_NET_BIND_SERVICE;
		if (capng_have_capability(CAPNG_EFFECTIVE, (unsigned)c) != want
		    || capng_have_capability(CAPNG_PERMITTED, (unsigned)c) !=
		    want ||
		    capng_have_capability(CAPNG_INHERITABLE, (unsigned)c) ||
		    capng_have_capability(CAPNG_AMBIENT, (unsigned)c) ||
		    capng_have_capability(CAPNG_BOUNDING_SET, (unsigned)c))
			return say(msg, len, -1, "privilege drop: the kernel "
			    "left us %s (%s)", capng_capability_to_name(
			    (unsigned)c), want ? "only that was to stay" :
			    "it was to go");
	}
	return 0;
}

int
privs_drop(const struct privs_cfg *cfg, char *msg, size_t len)
{
	struct passwd *pw = NULL;
	int rc;

	if (cfg->user != NULL) {
		errno = 0;
		if ((pw = getpwnam(cfg->user)) == NULL)
			return say(msg, len, -1, "privilege drop: no user '%s'%s"
			    "%s", cfg->user, errno ? ": " : "",
			    errno ? strerror(errno) : "");
		if (geteuid() != 0)
			return say(msg, len, -1, "privilege drop: becoming '%s'"
			    " needs root; we are uid %u", cfg->user,
			    (unsigned)geteuid());
	}
	/* The bounding and ambient sets need CAP_SETPCAP to change: without
	 * it (not started as root) we hold nothing there to drop. */
	capng_get_caps_process();
	if (!capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP) &&
	    geteuid() != 0) {
		capng_clear(CAPNG_SELECT_CAPS);
		if (capng_apply(CAPNG_SELECT_CAPS) != 0)
			return say(msg, len, -1, "privilege drop: capng_apply "
			    "failed");
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
			return say(msg, len, -1, "privilege drop: "
			    "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
		return say(msg, len, 0, "running as uid %u without "
		    "capabilities (not started as root)", (unsigned)geteuid());
	}
	capng_clear(CAPNG_SELECT_ALL);
	if (cfg->rebind)
		capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
		    CAP_NET_BIND_SERVICE);
	if (pw != NULL) {
		/* Keeps the chosen capabilities across setuid, drops the
		 * supplementary groups, clears the bounding and ambient
		 * sets, and applies. */
		rc = capng_change_id((int)pw->pw_uid, (int)pw->pw_gid,
		    CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING |
		    CAPNG_CLEAR_AMBIENT);
		if (rc != 0)
			return say(msg, len, -1, "privilege drop: becoming %s "
			    "(%u:%u): capng_change_id failed (%d)", cfg->user,
			    (unsigned)pw->pw_uid, (unsigned)pw->pw_gid, rc);
	} else if (capng_apply(CAPNG_SELECT_ALL) != 0) {
		return say(msg, len, -1, "privilege drop: capng_apply failed");
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return say(msg, len, -1, "privilege drop: PR_SET_NO_NEW_PRIVS: "
		    "%s", strerror(errno));
	if (check(cfg, msg, len) != 0)
		return -1;
	return say(msg, len, 0, "running as %s (%u:%u) with %s",
	    pw ? cfg->user : "root", (unsigned)getuid(), (unsigned)getgid(),
	    cfg->rebind ? "CAP_NET_BIND_SERVICE only" : "no capabilities");
}
