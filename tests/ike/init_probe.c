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
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "conf.h"
#include "ike_auth.h"
#include "ike_cert.h"
#include "ike_init.h"
#include "probe_util.h"

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

static void
say_established(const struct ike_sa *sa)
{
	char suite[256];

	ike_xform_format(&sa->chosen, suite, sizeof(suite));
	printf("established: %s, SPIs %016llx_i %016llx_r, NAT %s\n", suite,
	    (unsigned long long)sa->spi_i, (unsigned long long)sa->spi_r,
	    sa->nat_local ? "here" : sa->nat_remote ? "there" : "none");
}

/* The CHILD_SA IKE_AUTH made, or why not: 0 or 1. */
static int
say_child(enum ike_auth_result r, const char *err, struct ike_child *ch)
{
	char prop[256], tsi[128], tsr[128];

	if (r != IKE_AUTH_OK) {
		printf("failed: %s%s\n", r == IKE_AUTH_CHILD_FAIL ?
		    "IKE SA up, CHILD_SA refused: " : "", err);
		return 1;
	}
	ike_xform_format(&ch->chosen, prop, sizeof(prop));
	ike_ts_format(&ch->tsi[0], tsi, sizeof(tsi));
	ike_ts_format(&ch->tsr[0], tsr, sizeof(tsr));
	printf("child: SPIs %08x_i %08x_o, %s, %s === %s\n", ch->spi_in,
	    ch->spi_out, prop, tsi, tsr);
	ike_child_keys_wipe(&ch->keys);
	return 0;
}

/* IKE_AUTH over the same socket, as the initiator. */
static int
auth(struct ike_sa *sa, int s, const struct probe_args *pa, char **argv)
{
	static uint8_t req[IKE_MSG_MAX], resp[IKE_MSG_MAX];
	struct ike_child_req c;
	struct ike_auth_cfg a;
	struct ike_creds *cr;
	struct ike_child ch;
	enum ike_auth_result r;
	char err[1024];
	size_t len, got;

	memset(&c, 0, sizeof(c));
	memset(&a, 0, sizeof(a));
	c.esp = pa->esp;
	c.nesp = pa->nesp;
	c.tsi[0] = pa->local_ts;
	c.tsr[0] = pa->remote_ts;
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
	if ((got = probe_exchange(s, req, len, resp, sizeof(resp))) == 0) {
		ike_creds_free(cr);
		return 1;
	}
	r = ike_auth_response_in(sa, resp, got, &a, &c, &ch, err,
	    sizeof(err));
	ike_creds_free(cr);
	return say_child(r, err, &ch);
}

/* ---- the responder ------------------------------------------------- */

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
	char err[1024], idstr[256];

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
	*done = say_child(r, err, &ch) == 0 ? 1 : -1;
	return 0;
}

static int
respond(char **argv)
{
	static uint8_t msg[IKE_MSG_MAX], out[IKE_MSG_MAX];
	struct probe_args pa;
	struct sockaddr_storage from;
	struct ike_auth_rcfg rc;
	struct ike_creds *cr;
	struct ike_sa sa;
	struct ike_msg m;
	struct pollfd p[2];
	uint8_t creq[20 * 8];
	size_t clen = 0, outlen = 0;
	uint32_t last_id = 0;
	int s[2], done = 0, waited, k, last_exch = 0;
	char err[1024];

	memset(&rc, 0, sizeof(rc));
	memset(&sa, 0, sizeof(sa));
	if (probe_args("init_probe", argv, 6, &pa) != 0)
		return 2;
	rc.esp = pa.esp;
	rc.nesp = pa.nesp;
	rc.local_ts[0] = pa.local_ts;
	rc.remote_ts[0] = pa.remote_ts;
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
	if (probe_listen("init_probe", &pa.local, s, p) != 0)
		return 1;
	for (waited = 0; done == 0 && waited < 150; ) {
		ssize_t got;

		if ((got = probe_request(p, msg, sizeof(msg), &m, &from,
		    &k)) <= 0) {
			waited += got < 0;
			continue;
		}
		/* a retransmission: the same answer */
		if (outlen > 0 && m.hdr.spi_i == sa.spi_i &&
		    m.hdr.exchange == last_exch && m.hdr.msgid == last_id) {
			probe_send_ike(s[k], k, out, outlen, &from);
			continue;
		}
		if (m.hdr.exchange == IKE_SA_INIT) {
			enum ike_init_result r;

			ike_sa_clear(&sa);
			memset(&sa, 0, sizeof(sa));
			sa.local = pa.local;
			sa.remote = from;
			sa.certreq = clen ? creq : NULL;
			sa.certreq_len = clen;
			r = ike_init_request_in(&sa, &m, pa.ike, pa.nike,
			    NULL, out, sizeof(out), &outlen, err, sizeof(err));
			if (r != IKE_INIT_OK && r != IKE_INIT_ANSWER) {
				printf("dropped: %s\n", err);
				outlen = 0;
				continue;
			}
			if (r == IKE_INIT_ANSWER)
				printf("answer: %s\n", err);
			probe_send_ike(s[k], k, out, outlen, &from);
			if (r == IKE_INIT_OK) {
				say_established(&sa);
			}
		} else if (m.hdr.exchange == IKE_AUTH &&
		    sa.state == IKE_S_INIT_DONE) {
			if (respond_auth(&sa, msg, (size_t)got, &rc, out,
			    sizeof(out), &outlen, &done) != 0)
				continue;
			probe_send_ike(s[k], k, out, outlen, &from);
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
	struct probe_args pa;
	struct ike_sa sa;
	int s, rc;

	if (argc == 11 && strcmp(argv[1], "--respond") == 0)
		return respond(argv + 2);
	if (argc != 4 && argc != 10) {
		fprintf(stderr, "usage: init_probe [--respond] LOCAL_IP "
		    "REMOTE_IP PROPOSALS [ESP_PROPOSALS LOCAL_TS REMOTE_TS ID "
		    "PEER_ID AUTH]\n");
		return 2;
	}
	if (probe_args("init_probe", argv + 1, argc == 10 ? 6 : 3, &pa) != 0)
		return 2;
	memset(&sa, 0, sizeof(sa));
	sa.local = pa.local;
	sa.remote = pa.remote;
	if ((s = probe_connect("init_probe", &sa)) < 0)
		return 1;
	if (probe_ike_init(s, &sa, pa.ike, pa.nike) != 0)
		return 1;
	say_established(&sa);
	rc = argc == 10 ? auth(&sa, s, &pa, argv) : 0;
	ike_sa_clear(&sa);
	return rc;
}
