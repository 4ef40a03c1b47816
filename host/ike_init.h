/*
 * ike_init.h - the IKE_SA_INIT exchange (RFC 7296 1.2, 1.3, 2.6, 2.23), both
 * roles: proposals, the KE group (INVALID_KE_PAYLOAD), COOKIEs, nonces,
 * NAT detection, and the IKE SA's keys.  No I/O: each function builds a
 * message into a buffer or takes one parsed by ike_msg_parse().
 */
#ifndef NICSEC_IKE_INIT_H
#define NICSEC_IKE_INIT_H

#include <stddef.h>
#include <stdint.h>

#include "ike_msg.h"
#include "ike_sa.h"
#include "ike_xform.h"

/* What a message did to the exchange. */
enum ike_init_result {
	IKE_INIT_OK,		/* done: keys derived (or, responder, a
				 * response to send) */
	IKE_INIT_RETRY,		/* initiator: send the request again (a COOKIE
				 * to echo, or another KE group) */
	IKE_INIT_ANSWER,	/* responder: send the error response built */
	IKE_INIT_FAIL,		/* the exchange can't succeed: err says why */
	IKE_INIT_DROP,		/* malformed or not ours: ignore it, changing
				 * nothing (err says why, for the log) */
};

/* The length of our nonces (RFC 7296 2.10: at least half the PRF's key
 * size; 32 covers every PRF nicsec has). */
#define IKE_NONCE_LEN	32

/*
 * Initiator: starts sa (zeroed by the caller, with local and remote set):
 * a random SPIi, a nonce, and a key pair for group, or for the first
 * proposal's first group when group is 0.
 */
int ike_init_begin(struct ike_sa *sa, const struct ike_proposal *ours,
    size_t n, uint16_t group, char *err, size_t errlen);

/* Initiator: the request, [N(COOKIE)] SA KE Ni N(NATD_S_IP) N(NATD_D_IP)
 * N(SIGNATURE_HASH_ALGORITHMS), into buf (and sa->init_req). */
int ike_init_request(struct ike_sa *sa, const struct ike_proposal *ours,
    size_t n, uint8_t *buf, size_t cap, size_t *len, char *err,
    size_t errlen);

/* Initiator: the response.  OK: sa holds the keys (state INIT_DONE).
 * RETRY: ike_init_request again. */
enum ike_init_result ike_init_response_in(struct ike_sa *sa,
    const struct ike_msg *m, const struct ike_proposal *ours, size_t n,
    char *err, size_t errlen);

/* A responder's cookie policy (RFC 7296 2.6). */
struct ike_cookie_cfg {
	int	 required;		/* ask every initiator for a cookie */
	uint8_t	 secret[32];
	uint8_t	 version;		/* of the secret, first byte of a cookie */
};

/*
 * Responder: a request, into a fresh sa (zeroed, local and remote set;
 * sa->certreq too, to ask for the initiator's certificate).  OK: sa holds
 * the keys and the response (SA KE Nr N(NATD_S_IP) N(NATD_D_IP)
 * [CERTREQ] N(SIGNATURE_HASH_ALGORITHMS)) is in buf (and sa->init_resp).
 * ANSWER: buf holds an error response (COOKIE, INVALID_KE_PAYLOAD,
 * NO_PROPOSAL_CHOSEN) that keeps no state; err says what the peer got
 * wrong, with both sides' values.  DROP: nothing to send.
 */
enum ike_init_result ike_init_request_in(struct ike_sa *sa,
    const struct ike_msg *m, const struct ike_proposal *ours, size_t n,
    const struct ike_cookie_cfg *cookie, uint8_t *buf, size_t cap,
    size_t *len, char *err, size_t errlen);

/* SHA-1(SPIi | SPIr | address | port), the NAT_DETECTION_*_IP data. */
int ike_natd_hash(uint64_t spi_i, uint64_t spi_r,
    const struct sockaddr_storage *a, uint8_t out[20]);

#endif /* NICSEC_IKE_INIT_H */
