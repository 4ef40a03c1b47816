/*
 * init_probe - nicsecd's IKE_SA_INIT (host/ike_init.c) against a real peer
 * over UDP: sends the request, follows COOKIE and INVALID_KE_PAYLOAD rounds,
 * takes the response and derives the IKE SA's keys.  For
 * tests/ike/init_interop.sh, with strongSwan as the responder.
 *
 *	init_probe LOCAL_IP REMOTE_IP PROPOSALS
 *	    [ESP_PROPOSALS LOCAL_TS REMOTE_TS ID PEER_ID AUTH]
 *
 * With the second part it goes on to IKE_AUTH (host/ike_auth.c): one
 * CHILD_SA for LOCAL_TS === REMOTE_TS (IPv4 CIDR), and prints "child: SPIs
 * in/out, proposal, TSi === TSr".  IDs are FQDNs, or DNs when they hold
 * '=' ("CN=left"); PEER_ID %any takes any.  AUTH is a PSK, or a comma
 * list of psk=SECRET, cert=FILE and key=FILE (we sign with a certificate,
 * host/ike_cert.c), ca=FILE and pin=FILE (the peer must sign with a
 * certificate that CA or the pinned one vouches for); a side with no
 * certificate uses the PSK.
 *
 *	init_probe --respond LOCAL_IP REMOTE_IP PROPOSALS ESP_PROPOSALS
 *	    LOCAL_TS REMOTE_TS ID PEER_ID AUTH
 *
 * is the responder's side (host/ike_init.c, host/ike_auth.c): it waits up to
 * 15 s for the peer's IKE_SA_INIT request on UDP 500, answers it (with a
 * CERTREQ for AUTH's CAs), then its IKE_AUTH request on 500 or 4500 (with
 * the non-ESP marker: a peer behind a NAT, or charon faking one), answers
 * it and exits; retransmitted requests get the same response again.
 *
 * Prints a line for each message ("sending IKE_SA_INIT request 0 [ SA KE
 * No N(NATD_S_IP) N(NATD_D_IP) ]"), then "established: SUITE, SPIs ...,
 * NAT ..." and exits 0; or the line that says why not, and exits 1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conf.h"
#include "ike_auth.h"
#include "ike_cert.h"
#include "ike_init.h"

static int
addr(struct sockaddr_storage *ss, const char *ip, uint16_t port)
{
	struct sockaddr_in *s = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	s->sin_family = AF_INET;
	s->sin_port = htons(port);
	return inet_pton(AF_INET, ip, &s->sin_addr) == 1 ? 0 : -1;
}

static void
show(const char *what, const uint8_t *buf, size_t len)
{
	struct ike_msg m;
	char err[256], line[512];

	if (ike_msg_parse(buf, len, &m, err, sizeof(err)) != IKE_OK) {
		printf("%s a message that does not parse: %s\n", what, err);
		return;
	}
	ike_msg_summary(&m, line, sizeof(line));
	printf("%s %s\n", what, line);
}

static int
ts_cidr(const char *s, struct ike_ts *t)
{
	char a[32];
	unsigned plen;
	uint32_t v, mask;

	memset(t, 0, sizeof(*t));
	if (sscanf(s, "%31[^/]/%u", a, &plen) != 2 || plen > 32 ||
	    inet_pton(AF_INET, a, t->start) != 1)
		return -1;
	memcpy(&v, t->start, 4);
	mask = plen ? htonl(~0u << (32 - plen)) : 0;
	v = (v & mask) | ~mask;
	memcpy(t->end, &v, 4);
	t->type = IKE_TS_IPV4_RANGE;
	t->eport = 0xffff;
	return 0;
}

/* AUTH's argument into a (and *cr, which the caller frees). */
static int
auth_arg(char *spec, struct ike_auth_cfg *a, struct ike_creds **cr)
{
	char err[512], *cert = NULL, *key = NULL, *tok, *save = NULL;
	int trust = 0;

	*cr = NULL;
	if (strchr(spec, '=') == NULL) {
		a->psk = (const uint8_t *)spec;
		a->psk_len = strlen(spec);
		return 0;
	}
	if (ike_creds_new(cr, err, sizeof(err)) != 0)
		goto fail;
	for (tok = strtok_r(spec, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (strncmp(tok, "psk=", 4) == 0) {
			a->psk = (const uint8_t *)tok + 4;
			a->psk_len = strlen(tok + 4);
		} else if (strncmp(tok, "cert=", 5) == 0)
			cert = tok + 5;
		else if (strncmp(tok, "key=", 4) == 0)
			key = tok + 4;
		else if (strncmp(tok, "ca=", 3) == 0) {
			if (ike_creds_add_ca(*cr, tok + 3, err, sizeof(err)) != 0)
				goto fail;
			trust = 1;
		} else if (strncmp(tok, "pin=", 4) == 0) {
			if (ike_creds_add_peer(*cr, tok + 4, err,
			    sizeof(err)) != 0)
				goto fail;
			trust = 1;
		} else {
			snprintf(err, sizeof(err), "AUTH: '%s' is not psk=, "
			    "cert=, key=, ca= or pin=", tok);
			goto fail;
		}
	}
	if ((cert == NULL) != (key == NULL)) {
		snprintf(err, sizeof(err), "AUTH: cert= and key= go together");
		goto fail;
	}
	if (cert != NULL && (ike_creds_set_cert(*cr, cert, err,
	    sizeof(err)) != 0 || ike_creds_set_key(*cr, key, NULL, 0, err,
	    sizeof(err)) != 0))
		goto fail;
	a->cert = cert ? *cr : NULL;
	a->trust = trust ? *cr : NULL;
	return 0;
fail:
	printf("init_probe: %s\n", err);
	ike_creds_free(*cr);
	*cr = NULL;
	return -1;
}

/*
 * Our ID and the peer's: an FQDN, or with '=' a DN (ours as our
 * certificate's subject bytes when it is that name, host/ike_cert.c), or
 * "%any" for the peer's.  After auth_arg().
 */
static int
ids(const char *ours, const char *theirs, struct ike_auth_cfg *a)
{
	static uint8_t buf[2][256];
	struct conf_id id = { 0 };
	char err[512];

	id.type = strchr(ours, '=') ? CONF_ID_DER_ASN1_DN : CONF_ID_FQDN;
	id.str = (char *)ours;
	if (ike_cert_conf_id(a->cert, &id, &a->id_type, buf[0], sizeof(buf[0]),
	    &a->id_len, err, sizeof(err)) != 0)
		goto fail;
	a->id = buf[0];
	if (strcmp(theirs, "%any") == 0)
		return 0;
	id.type = strchr(theirs, '=') ? CONF_ID_DER_ASN1_DN : CONF_ID_FQDN;
	id.str = (char *)theirs;
	if (ike_cert_conf_id(NULL, &id, &a->peer_id_type, buf[1],
	    sizeof(buf[1]), &a->peer_id_len, err, sizeof(err)) != 0)
		goto fail;
	a->peer_id = buf[1];
	return 0;
fail:
	printf("init_probe: %s\n", err);
	return -1;
}

/* IKE_AUTH over the same socket, as the initiator. */
static int
auth(struct ike_sa *sa, int s, char **argv)
{
	static uint8_t req[IKE_MSG_MAX], resp[IKE_MSG_MAX];
	struct ike_proposal esp[IKE_PROPOSALS_MAX];
	struct ike_child_req c;
	struct ike_auth_cfg a;
	struct ike_creds *cr;
	struct ike_child ch;
	struct pollfd p = { .fd = s, .events = POLLIN };
	enum ike_auth_result r;
	char err[1024], prop[256], tsi[128], tsr[128];
	size_t len;
	ssize_t got;
	int tries;

	memset(&c, 0, sizeof(c));
	memset(&a, 0, sizeof(a));
	if (ike_xform_parse(IKE_PROTO_ESP, argv[4], esp, IKE_PROPOSALS_MAX,
	    &c.nesp, err, sizeof(err)) != 0 || ts_cidr(argv[5], &c.tsi[0]) ||
	    ts_cidr(argv[6], &c.tsr[0])) {
		printf("init_probe: bad IKE_AUTH arguments %s\n", err);
		return 2;
	}
	c.esp = esp;
	c.ntsi = c.ntsr = 1;
	if (ike_random(&c.spi_in, 4, err, sizeof(err)) != 0)
		return 1;
	c.spi_in |= 0x100;		/* never 0 .. 255 (RFC 4303 2.1) */
	if (auth_arg(argv[9], &a, &cr) != 0 || ids(argv[7], argv[8], &a) != 0) {
		ike_creds_free(cr);
		return 2;
	}
	if (ike_auth_request(sa, &a, &c, req, sizeof(req), &len, err,
	    sizeof(err)) != 0) {
		printf("init_probe: %s\n", err);
		ike_creds_free(cr);
		return 1;
	}
	for (tries = 0; tries < 5; tries++) {
		show("sending", req, len);
		if (send(s, req, len, 0) != (ssize_t)len)
			return 1;
		if (poll(&p, 1, 1000) == 1)
			break;
	}
	if (tries == 5 || (got = recv(s, resp, sizeof(resp), 0)) < 0) {
		printf("init_probe: no IKE_AUTH response\n");
		ike_creds_free(cr);
		return 1;
	}
	show("received", resp, (size_t)got);
	r = ike_auth_response_in(sa, resp, (size_t)got, &a, &c, &ch, err,
	    sizeof(err));
	ike_creds_free(cr);
	if (r != IKE_AUTH_OK) {
		printf("failed: %s%s\n", r == IKE_AUTH_CHILD_FAIL ?
		    "IKE SA up, CHILD_SA refused: " : "", err);
		return 1;
	}
	ike_xform_format(&ch.chosen, prop, sizeof(prop));
	ike_ts_format(&ch.tsi[0], tsi, sizeof(tsi));
	ike_ts_format(&ch.tsr[0], tsr, sizeof(tsr));
	printf("child: SPIs %08x_i %08x_o, %s, %s === %s\n", ch.spi_in,
	    ch.spi_out, prop, tsi, tsr);
	ike_child_keys_wipe(&ch.keys);
	return 0;
}

/* ---- the responder ------------------------------------------------- */

/* A datagram from s; on 4500 the IKE message after the non-ESP marker (0:
 * ESP or a keepalive, not for us). */
static ssize_t
recv_ike(int s, int natt, uint8_t *buf, size_t cap,
    struct sockaddr_storage *from)
{
	socklen_t fl = sizeof(*from);
	ssize_t got = recvfrom(s, buf, cap, 0, (struct sockaddr *)from, &fl);

	if (got < 0 || !natt)
		return got;
	if (got < IKE_NON_ESP_MARKER + IKE_HDR_LEN ||
	    memcmp(buf, "\0\0\0\0", IKE_NON_ESP_MARKER) != 0)
		return 0;
	memmove(buf, buf + IKE_NON_ESP_MARKER, (size_t)got -
	    IKE_NON_ESP_MARKER);
	return got - IKE_NON_ESP_MARKER;
}

static int
send_ike(int s, int natt, const uint8_t *msg, size_t len,
    const struct sockaddr_storage *to)
{
	static uint8_t buf[IKE_NON_ESP_MARKER + IKE_MSG_MAX];
	size_t off = natt ? IKE_NON_ESP_MARKER : 0;

	show("sending", msg, len);
	memset(buf, 0, IKE_NON_ESP_MARKER);
	memcpy(buf + off, msg, len);
	return sendto(s, buf, len + off, 0, (const struct sockaddr *)to,
	    sizeof(struct sockaddr_in)) == (ssize_t)(len + off) ? 0 : -1;
}

/* The IKE_AUTH request in msg: the connection's config as the daemon
 * would pick it by IDi, then our response.  0 once answered. */
static int
respond_auth(struct ike_sa *sa, const uint8_t *msg, size_t len,
    struct ike_auth_rcfg *rc, uint8_t *out, size_t cap, size_t *outlen,
    int *done)
{
	struct ike_child ch;
	enum ike_auth_result r;
	uint8_t type, id[256];
	size_t idlen;
	char err[1024], idstr[256], prop[256], tsi[128], tsr[128];

	if (ike_auth_peek_id(sa, msg, len, &type, id, sizeof(id), &idlen, err,
	    sizeof(err)) != 0) {
		printf("dropped: %s\n", err);
		return -1;
	}
	ike_cert_id_str(type, id, idlen, idstr, sizeof(idstr));
	printf("peer ID: %s\n", idstr);
	r = ike_auth_request_in(sa, msg, len, rc, &ch, out, cap, outlen, err,
	    sizeof(err));
	if (r == IKE_AUTH_DROP) {
		printf("dropped: %s\n", err);
		return -1;
	}
	*done = r == IKE_AUTH_OK ? 1 : -1;
	if (r != IKE_AUTH_OK) {
		printf("failed: %s%s\n", r == IKE_AUTH_CHILD_FAIL ?
		    "IKE SA up, CHILD_SA refused: " : "", err);
		return 0;
	}
	ike_xform_format(&ch.chosen, prop, sizeof(prop));
	ike_ts_format(&ch.tsi[0], tsi, sizeof(tsi));
	ike_ts_format(&ch.tsr[0], tsr, sizeof(tsr));
	printf("child: SPIs %08x_i %08x_o, %s, %s === %s\n", ch.spi_in,
	    ch.spi_out, prop, tsi, tsr);
	ike_child_keys_wipe(&ch.keys);
	return 0;
}

static int
respond(char **argv)
{
	static uint8_t msg[IKE_MSG_MAX], out[IKE_MSG_MAX];
	struct ike_proposal ours[IKE_PROPOSALS_MAX], esp[IKE_PROPOSALS_MAX];
	struct sockaddr_storage local, nat_local, from;
	struct ike_auth_rcfg rc;
	struct ike_creds *cr;
	struct ike_sa sa;
	struct ike_msg m;
	struct pollfd p[2];
	uint8_t creq[20 * 8];
	size_t n, clen = 0, outlen = 0;
	uint32_t last_id = 0;
	int s[2], done = 0, waited, k, last_exch = 0;
	char err[1024], suite[256];

	memset(&rc, 0, sizeof(rc));
	memset(&sa, 0, sizeof(sa));
	if (addr(&local, argv[0], 500) != 0 || addr(&nat_local, argv[0],
	    4500) != 0 || ike_xform_parse(IKE_PROTO_IKE, argv[2], ours,
	    IKE_PROPOSALS_MAX, &n, err, sizeof(err)) != 0 ||
	    ike_xform_parse(IKE_PROTO_ESP, argv[3], esp, IKE_PROPOSALS_MAX,
	    &rc.nesp, err, sizeof(err)) != 0 ||
	    ts_cidr(argv[4], &rc.local_ts[0]) ||
	    ts_cidr(argv[5], &rc.remote_ts[0])) {
		fprintf(stderr, "init_probe: bad arguments %s\n", err);
		return 2;
	}
	rc.esp = esp;
	rc.nlocal_ts = rc.nremote_ts = 1;
	if (auth_arg(argv[8], &rc.auth, &cr) != 0 ||
	    ids(argv[6], argv[7], &rc.auth) != 0) {
		ike_creds_free(cr);
		return 2;
	}
	if (rc.auth.trust != NULL)
		ike_creds_certreq(rc.auth.trust, creq, sizeof(creq), &clen);
	if (ike_random(&rc.spi_in, 4, err, sizeof(err)) != 0)
		return 1;
	rc.spi_in |= 0x100;
	for (k = 0; k < 2; k++) {
		if ((s[k] = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
		    bind(s[k], (struct sockaddr *)(k ? &nat_local : &local),
		    sizeof(struct sockaddr_in)) != 0) {
			fprintf(stderr, "init_probe: socket: %s\n",
			    strerror(errno));
			return 1;
		}
		p[k].fd = s[k];
		p[k].events = POLLIN;
	}
	for (waited = 0; done == 0 && waited < 150; ) {
		ssize_t got;

		if (poll(p, 2, 100) <= 0) {
			waited++;
			continue;
		}
		k = (p[0].revents & POLLIN) ? 0 : 1;
		if ((got = recv_ike(s[k], k, msg, sizeof(msg), &from)) <= 0 ||
		    ike_msg_parse(msg, (size_t)got, &m, err, sizeof(err)) !=
		    IKE_OK || (m.hdr.flags & IKE_FLAG_RESPONSE))
			continue;
		show("received", msg, (size_t)got);
		/* a retransmission: the same answer */
		if (outlen > 0 && m.hdr.spi_i == sa.spi_i &&
		    m.hdr.exchange == last_exch && m.hdr.msgid == last_id) {
			send_ike(s[k], k, out, outlen, &from);
			continue;
		}
		if (m.hdr.exchange == IKE_SA_INIT) {
			enum ike_init_result r;

			ike_sa_clear(&sa);
			memset(&sa, 0, sizeof(sa));
			sa.local = local;
			sa.remote = from;
			sa.certreq = clen ? creq : NULL;
			sa.certreq_len = clen;
			r = ike_init_request_in(&sa, &m, ours, n, NULL, out,
			    sizeof(out), &outlen, err, sizeof(err));
			if (r != IKE_INIT_OK && r != IKE_INIT_ANSWER) {
				printf("dropped: %s\n", err);
				outlen = 0;
				continue;
			}
			if (r == IKE_INIT_ANSWER)
				printf("answer: %s\n", err);
			send_ike(s[k], k, out, outlen, &from);
			if (r == IKE_INIT_OK) {
				ike_xform_format(&sa.chosen, suite,
				    sizeof(suite));
				printf("established: %s, SPIs %016llx_i "
				    "%016llx_r, NAT %s\n", suite,
				    (unsigned long long)sa.spi_i,
				    (unsigned long long)sa.spi_r, sa.nat_local ?
				    "here" : sa.nat_remote ? "there" : "none");
			}
		} else if (m.hdr.exchange == IKE_AUTH &&
		    sa.state == IKE_S_INIT_DONE) {
			if (respond_auth(&sa, msg, (size_t)got, &rc, out,
			    sizeof(out), &outlen, &done) != 0)
				continue;
			send_ike(s[k], k, out, outlen, &from);
		} else
			continue;
		last_exch = m.hdr.exchange;
		last_id = m.hdr.msgid;
	}
	ike_sa_clear(&sa);
	ike_creds_free(cr);
	if (done == 0)
		printf("init_probe: no IKE_AUTH request in 15 s\n");
	return done == 1 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	static uint8_t req[IKE_MSG_MAX], resp[IKE_MSG_MAX];
	struct ike_proposal ours[IKE_PROPOSALS_MAX];
	struct ike_sa sa;
	struct ike_msg m;
	char err[1024], suite[256];
	size_t n, len;
	int s, round, rc;

	if (argc == 11 && strcmp(argv[1], "--respond") == 0)
		return respond(argv + 2);
	if (argc != 4 && argc != 10) {
		fprintf(stderr, "usage: init_probe [--respond] LOCAL_IP "
		    "REMOTE_IP PROPOSALS [ESP_PROPOSALS LOCAL_TS REMOTE_TS ID "
		    "PEER_ID AUTH]\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	if (addr(&sa.local, argv[1], 500) != 0 ||
	    addr(&sa.remote, argv[2], 500) != 0 ||
	    ike_xform_parse(IKE_PROTO_IKE, argv[3], ours, IKE_PROPOSALS_MAX,
	    &n, err, sizeof(err)) != 0) {
		fprintf(stderr, "init_probe: bad arguments %s\n", err);
		return 2;
	}
	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    bind(s, (struct sockaddr *)&sa.local,
	    sizeof(struct sockaddr_in)) != 0 ||
	    connect(s, (struct sockaddr *)&sa.remote,
	    sizeof(struct sockaddr_in)) != 0) {
		fprintf(stderr, "init_probe: socket: %s\n", strerror(errno));
		return 1;
	}
	if (ike_init_begin(&sa, ours, n, 0, err, sizeof(err)) != 0) {
		printf("init_probe: %s\n", err);
		return 1;
	}
	for (round = 0; round < 4; round++) {
		struct pollfd p = { .fd = s, .events = POLLIN };
		enum ike_init_result r;
		ssize_t got;
		int tries;

		if (ike_init_request(&sa, ours, n, req, sizeof(req), &len, err,
		    sizeof(err)) != 0) {
			printf("init_probe: %s\n", err);
			return 1;
		}
		/* a few sends a second apart: the peer may still be starting */
		for (tries = 0; tries < 5; tries++) {
			show("sending", req, len);
			if (send(s, req, len, 0) != (ssize_t)len) {
				printf("init_probe: send: %s\n", strerror(errno));
				return 1;
			}
			if (poll(&p, 1, 1000) == 1)
				break;
		}
		if (tries == 5) {
			printf("init_probe: no response from %s\n", argv[2]);
			return 1;
		}
		if ((got = recv(s, resp, sizeof(resp), 0)) < 0) {
			printf("init_probe: recv: %s\n", strerror(errno));
			return 1;
		}
		show("received", resp, (size_t)got);
		if (ike_msg_parse(resp, (size_t)got, &m, err, sizeof(err)) !=
		    IKE_OK) {
			printf("init_probe: %s\n", err);
			return 1;
		}
		r = ike_init_response_in(&sa, &m, ours, n, err, sizeof(err));
		if (r == IKE_INIT_RETRY) {
			printf("retry: %s\n", err);
			continue;
		}
		if (r != IKE_INIT_OK) {
			printf("failed: %s\n", err);
			return 1;
		}
		ike_xform_format(&sa.chosen, suite, sizeof(suite));
		printf("established: %s, SPIs %016llx_i %016llx_r, NAT %s\n",
		    suite, (unsigned long long)sa.spi_i,
		    (unsigned long long)sa.spi_r, sa.nat_local ? "here" :
		    sa.nat_remote ? "there" : "none");
		rc = argc == 10 ? auth(&sa, s, argv) : 0;
		ike_sa_clear(&sa);
		return rc;
	}
	printf("failed: too many rounds\n");
	return 1;
}
