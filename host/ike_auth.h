/*
 * ike_auth.h - the IKE_AUTH exchange (RFC 7296 1.2, 2.15): identities, PSK
 * or certificate authentication (RFC 7427; ike_cert.h), and the first
 * CHILD_SA's proposal, SPIs, traffic selectors and keys.  Both roles; no
 * I/O.
 */
#ifndef NICSEC_IKE_AUTH_H
#define NICSEC_IKE_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "ike_crypto.h"
#include "ike_pld.h"
#include "ike_sa.h"

struct ike_creds;			/* ike_cert.h */

/*
 * Who we are and how we prove it; whom we expect and how it must prove
 * itself.  Each side is a PSK or a certificate, independently:
 *  - cert NULL: our AUTH is the PSK's MAC; else it is a signature with
 *    cert's private key (RFC 7427 method 14 when the peer sent
 *    SIGNATURE_HASH_ALGORITHMS, else method 1, 9, 10 or 11), and we send
 *    cert's certificate in a CERT payload;
 *  - trust NULL: the peer's AUTH must be the PSK's MAC; else it must be a
 *    signature by a certificate that trust's CAs (we send a CERTREQ for
 *    them) or pinned certificates vouch for, and whose identities hold
 *    the peer's ID.
 * send_cert and no_certreq are swanctl.conf's send_cert (CONF_SEND_CERT_*:
 * 0 ifasked, the default, sends our certificate only when the peer sent a
 * CERTREQ, as strongSwan does; always; never) and send_certreq = no.
 * psk serves both PSK sides; it may be NULL when neither is one.  cert
 * and trust may be the same set (ike_cert_creds_load() makes one for
 * both rounds).  With a certificate, id is usually its subject DN
 * (ike_cert_conf_id()).
 */
struct ike_auth_cfg {
	uint8_t        id_type;		/* IKE_ID_* */
	const uint8_t *id;
	size_t         id_len;
	const uint8_t *psk;
	size_t         psk_len;
	uint8_t        peer_id_type;	/* 0: any */
	const uint8_t *peer_id;
	size_t         peer_id_len;
	const struct ike_creds *cert;	/* ours to sign with; NULL: PSK */
	const struct ike_creds *trust;	/* the peer's by; NULL: PSK */
	int            send_cert;	/* CONF_SEND_CERT_*: 0 ifasked */
	int            no_certreq;	/* 1: send_certreq = no */
};

/* The CHILD_SA we ask for. */
struct ike_child_req {
	const struct ike_proposal *esp;
	size_t         nesp;
	uint32_t       spi_in;		/* the SPI the peer sends to us with */
	struct ike_ts  tsi[IKE_TS_MAX], tsr[IKE_TS_MAX];
	size_t         ntsi, ntsr;
};

/* The CHILD_SA the peer agreed to. */
struct ike_child {
	struct ike_proposal chosen;
	uint32_t       spi_in, spi_out;	/* ours, and the peer's */
	struct ike_ts  tsi[IKE_TS_MAX], tsr[IKE_TS_MAX];
	size_t         ntsi, ntsr;
	struct ike_child_keys keys;	/* i2r: initiator to responder */
};

enum ike_auth_result {
	IKE_AUTH_OK,		/* IKE SA and CHILD_SA up */
	IKE_AUTH_CHILD_FAIL,	/* IKE SA up, the CHILD_SA refused: err */
	IKE_AUTH_FAIL,		/* authentication failed: err */
	IKE_AUTH_DROP,		/* not a valid response: ignore (err) */
};

/* Initiator: the request, SK { IDi [CERT] [CERTREQ] AUTH SA TSi TSr },
 * message ID 1. */
int ike_auth_request(struct ike_sa *sa, const struct ike_auth_cfg *a,
    const struct ike_child_req *c, uint8_t *buf, size_t cap, size_t *len,
    char *err, size_t errlen);

/* Initiator: the response; OK or CHILD_FAIL leave sa ESTABLISHED. */
enum ike_auth_result ike_auth_response_in(struct ike_sa *sa,
    const uint8_t *raw, size_t len, const struct ike_auth_cfg *a,
    const struct ike_child_req *c, struct ike_child *out, char *err,
    size_t errlen);

/* A responder's side of one connection. */
struct ike_auth_rcfg {
	struct ike_auth_cfg auth;	/* our ID and PSK or certificate;
					 * the peer's ID and how it proves
					 * it */
	const struct ike_proposal *esp;
	size_t         nesp;
	struct ike_ts  local_ts[IKE_TS_MAX], remote_ts[IKE_TS_MAX];
	size_t         nlocal_ts, nremote_ts;
	uint32_t       spi_in;		/* our inbound SPI, if a CHILD_SA */
};

/*
 * Responder: a request.  The response (SK { IDr [CERT] AUTH SA TSi TSr }, or
 * with the CHILD_SA's error notify instead, or AUTHENTICATION_FAILED
 * alone) is in resp for every result but DROP.  OK and CHILD_FAIL leave
 * sa ESTABLISHED; FAIL leaves it DEAD.  err: what the peer got wrong, with
 * both sides' values ("peer ID x matches no connection, expected y",
 * "peer certificate 'CN=x' is not signed by a trusted CA (...)",
 * "TS_UNACCEPTABLE: peer proposed ... === ..., we allow ... === ...").
 */
enum ike_auth_result ike_auth_request_in(struct ike_sa *sa,
    const uint8_t *raw, size_t len, const struct ike_auth_rcfg *cfg,
    struct ike_child *out, uint8_t *resp, size_t cap, size_t *resp_len,
    char *err, size_t errlen);

/*
 * Responder: the initiator's IDi from an IKE_AUTH request, without
 * changing sa, so that the daemon can pick the connection it is for
 * before ike_auth_request_in().  0, or -1 with err when the request is
 * not one for sa or does not decrypt.
 */
int ike_auth_peek_id(const struct ike_sa *sa, const uint8_t *raw,
    size_t len, uint8_t *id_type, uint8_t *id, size_t cap, size_t *id_len,
    char *err, size_t errlen);

#endif /* NICSEC_IKE_AUTH_H */
