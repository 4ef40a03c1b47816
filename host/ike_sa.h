/*
 * ike_sa.h - one IKE SA's state: who it is with, where the exchanges have
 * got to, and its keys.  The exchanges (ike_init.c, and the ones after it)
 * read and change it; they never do I/O themselves, so that two ends can
 * run against each other in one process, deterministically, in the tests.
 */
#ifndef NICSEC_IKE_SA_H
#define NICSEC_IKE_SA_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ike_crypto.h"
#include "ike_xform.h"

enum ike_state {
	IKE_S_NEW,		/* nothing sent or taken yet */
	IKE_S_INIT_SENT,	/* initiator: IKE_SA_INIT request out */
	IKE_S_INIT_DONE,	/* keys derived, IKE_AUTH to come */
	IKE_S_AUTH_SENT,	/* initiator: IKE_AUTH request out */
	IKE_S_ESTABLISHED,
	IKE_S_DELETING,
	IKE_S_DEAD,
};

/* The first two messages, kept whole: AUTH signs them (RFC 7296 2.15). */
#define IKE_INIT_MSG_MAX	2048

struct ike_sa {
	int		 initiator;	/* 1: we are the original initiator */
	enum ike_state	 state;
	uint64_t	 spi_i, spi_r;
	struct sockaddr_storage local, remote;

	/* What IKE_SA_INIT settled. */
	struct ike_proposal chosen;	/* one transform a type */
	struct ike_suite suite;
	uint16_t	 group;		/* the KE group in use */
	struct ike_dh	*dh;		/* ours, until g^ir is known */
	uint8_t		 ni[IKE_NONCE_MAX], nr[IKE_NONCE_MAX];
	size_t		 ni_len, nr_len;
	uint8_t		 cookie[64];	/* a responder's COOKIE, echoed */
	size_t		 cookie_len;

	struct ike_keys	 keys;
	struct ike_sk_ctx sk_out, sk_in;

	uint8_t		 init_req[IKE_INIT_MSG_MAX], init_resp[IKE_INIT_MSG_MAX];
	size_t		 init_req_len, init_resp_len;

	/* NAT detection (RFC 7296 2.23): 1 when the hash of our address or
	 * the peer's did not match what the other side saw. */
	int		 nat_local, nat_remote;
	int		 fake_natd;	/* encap = yes: make the peer see a
					 * NAT (our source hash is wrong) */

	/* Message IDs (RFC 7296 2.2): the next request we send, and the
	 * next request we expect from the peer. */
	uint32_t	 msgid_out, msgid_in;

	/* RFC 7427 4: the hash algorithms the peer's
	 * SIGNATURE_HASH_ALGORITHMS named, a bit (1 << n) for hash n
	 * (IKE_HASH_* in ike_cert.h); 0 when it sent none, and so gets
	 * the classic signature methods (1, 9, 10, 11) from us. */
	unsigned	 peer_hashes;

	/* Responder: a CERTREQ's data (the CAs' SHA-1 key hashes,
	 * ike_creds_certreq()) for the IKE_SA_INIT response, set by the
	 * caller before ike_init_request_in(); NULL for none.  Not
	 * owned: it must outlive that call only. */
	const uint8_t	*certreq;
	size_t		 certreq_len;
	/* Initiator: the responder's IKE_SA_INIT response had a CERTREQ
	 * (send_cert = ifasked sends our certificate then). */
	int		 peer_certreq;
};

/* Frees what the SA holds and wipes its keys; the struct itself is the
 * caller's. */
void ike_sa_clear(struct ike_sa *sa);

#endif /* NICSEC_IKE_SA_H */
