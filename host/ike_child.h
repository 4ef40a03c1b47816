/*
 * ike_child.h - the CREATE_CHILD_SA exchange (RFC 7296 1.3, 2.8, 2.17,
 * 2.18), both roles, no I/O: a new CHILD_SA, a CHILD_SA rekeyed (with
 * N(REKEY_SA)), and the IKE SA rekeyed; optional PFS (a KE for the DH
 * group of the ESP proposal).  The daemon sends what these build, keeps
 * retransmissions and windows, and installs what they make.
 *
 * Message IDs are the IKE SA's, as in ike_auth.c: a request goes out with
 * sa->msgid_out and a response to it must carry it; a request must carry
 * sa->msgid_in.  Each is advanced once the peer's message has opened
 * (its sender holds the keys, so the exchange has taken place), whatever
 * it says.  On every failure that is all that changes: the IKE SA and the
 * CHILD_SAs being rekeyed are left as they were.  A message that does not
 * open, or is not the one expected (a replay, another SA's), is DROPped
 * with nothing changed at all.
 */
#ifndef NICSEC_IKE_CHILD_H
#define NICSEC_IKE_CHILD_H

#include <stddef.h>
#include <stdint.h>

#include "ike_auth.h"		/* struct ike_child_req, struct ike_child */
#include "ike_crypto.h"
#include "ike_sa.h"

enum ike_child_kind {
	IKE_CHILD_NEW,		/* another CHILD_SA */
	IKE_CHILD_REKEY,	/* a CHILD_SA's successor: N(REKEY_SA) */
	IKE_CHILD_IKE_REKEY,	/* the IKE SA's successor */
};

enum ike_child_result {
	IKE_CHILD_OK,		/* the new SA is made */
	IKE_CHILD_RETRY,	/* initiator: the peer wants another KE group
				 * (INVALID_KE_PAYLOAD); x holds it: build the
				 * request again (err says which) */
	IKE_CHILD_FAIL,		/* refused, err says why; a responder's error
				 * response is in resp */
	IKE_CHILD_DROP,		/* not a valid message: ignore it (err says
				 * why, for the log) */
};

/*
 * One exchange as the initiator: the caller zeroes it, and keeps it from
 * the request to the response (and to the request again after RETRY).
 * group 0 at the first request: the first ESP (or IKE) proposal's first
 * KE group, if any.  A test may plant dh (ike_dh_new_private()) of the
 * group that will be sent; otherwise a fresh key pair is made.
 * ike_child_xchg_clear() frees and wipes it.
 */
struct ike_child_xchg {
	enum ike_child_kind kind;
	uint32_t	 rekey_spi;	/* REKEY: the old CHILD_SA's inbound
					 * SPI (its spi_in), as REKEY_SA
					 * names it (RFC 7296 1.3.3) */
	uint64_t	 spi;		/* IKE_REKEY: our SPI in the new SA */
	uint16_t	 group;		/* the KE group sent; 0: no KE */
	struct ike_dh	*dh;
	uint8_t		 ni[IKE_NONCE_MAX];
	size_t		 ni_len;
	uint32_t	 msgid;		/* the request's */
	int		 sent;		/* a request is out */
	/* OK: the peer's nonce, for the daemon to settle a rekey collision
	 * (RFC 7296 2.8.1: the SA of the lowest of the four nonces goes) */
	uint8_t		 nr[IKE_NONCE_MAX];
	size_t		 nr_len;
};

void ike_child_xchg_clear(struct ike_child_xchg *x);

/*
 * Initiator: SK { [N(REKEY_SA)] SA Ni [KEi] TSi TSr } for the CHILD_SA c
 * asks for (its SPI c->spi_in), a rekey of our CHILD_SA with inbound SPI
 * rekey_spi, or a new one if rekey_spi is 0.  KEi when the first ESP
 * proposal has a KE group (PFS), or x->group after a RETRY.  sa must be
 * ESTABLISHED.
 */
int ike_child_request(struct ike_sa *sa, struct ike_child_xchg *x,
    const struct ike_child_req *c, uint32_t rekey_spi, uint8_t *buf,
    size_t cap, size_t *len, char *err, size_t errlen);

/*
 * Initiator: the response to it.  OK: out is the new CHILD_SA (keys.i2r
 * is what we send), and for a rekey x->rekey_spi names the one it
 * replaces, to be deleted once the new one is installed.  RETRY, FAIL,
 * DROP as above; every error notify is turned into one line.
 */
enum ike_child_result ike_child_response_in(struct ike_sa *sa,
    struct ike_child_xchg *x, const uint8_t *raw, size_t len,
    const struct ike_child_req *c, struct ike_child *out, char *err,
    size_t errlen);

/*
 * Initiator: the IKE SA's rekey, SK { SA Ni KEi }, the SA payload our IKE
 * proposals with a new SPI (chosen here, in x->spi); the first
 * proposal's first group, or x->group after a RETRY.
 */
int ike_child_ike_rekey_request(struct ike_sa *sa, struct ike_child_xchg *x,
    const struct ike_proposal *ike, size_t n, uint8_t *buf, size_t cap,
    size_t *len, char *err, size_t errlen);

/*
 * Initiator: the response.  OK: new_sa (the caller's, zeroed or cleared
 * before) is the new IKE SA, ESTABLISHED, we its original initiator, its
 * SPIs x->spi and the peer's, keys from ike_sa_rekey(), Message IDs 0,
 * addresses and NAT state sa's.  sa itself is left to be deleted by the
 * caller (INFORMATIONAL, ike_info.h) once its CHILD_SAs are moved over.
 */
enum ike_child_result ike_child_ike_rekey_response_in(struct ike_sa *sa,
    struct ike_child_xchg *x, const uint8_t *raw, size_t len,
    const struct ike_proposal *ike, size_t n, struct ike_sa *new_sa,
    char *err, size_t errlen);

/* A responder's side of one connection. */
struct ike_child_rcfg {
	const struct ike_proposal *esp;	/* with a KE group: PFS required */
	size_t         nesp;
	struct ike_ts  local_ts[IKE_TS_MAX], remote_ts[IKE_TS_MAX];
	size_t         nlocal_ts, nremote_ts;
	uint32_t       spi_in;		/* our inbound SPI, if a CHILD_SA */
	const struct ike_proposal *ike;	/* for an IKE SA rekey; NULL:
					 * refused (NO_PROPOSAL_CHOSEN) */
	size_t         nike;
	/* This IKE SA's CHILD_SAs, to find the one a REKEY_SA names. */
	const struct ike_child *children;
	size_t         nchildren;
	/* Answer TEMPORARY_FAILURE (RFC 7296 2.25): we are rekeying or
	 * deleting the SA ourselves.  An IKE SA that is DELETING is answered
	 * so whatever this says. */
	int            temporary_failure;
	/* Our inbound SPIs of CHILD_SAs we are deleting: a rekey of one of
	 * them is answered TEMPORARY_FAILURE (RFC 7296 2.25.1). */
	const uint32_t *closing;
	size_t         nclosing;
};

/* What a responder made. */
struct ike_child_made {
	enum ike_child_kind kind;
	struct ike_child child;		/* NEW, REKEY (keys.i2r: what the
					 * peer sends) */
	uint32_t       rekeyed;		/* REKEY: our inbound SPI of the
					 * CHILD_SA replaced */
	size_t         rekeyed_index;	/* REKEY: its index in children */
	/* the exchange's nonces, the peer's (ni) and ours, for RFC 7296
	 * 2.8.1's collisions */
	uint8_t        ni[IKE_NONCE_MAX], nr[IKE_NONCE_MAX];
	size_t         ni_len, nr_len;
};

/*
 * Responder: a CREATE_CHILD_SA request of any kind.  OK: resp holds the
 * response; made says what was made; for IKE_REKEY new_sa (the caller's,
 * zeroed) is the new IKE SA, the peer its original initiator.  FAIL: resp
 * holds the error response (NO_PROPOSAL_CHOSEN, INVALID_KE_PAYLOAD with
 * the group we take, TS_UNACCEPTABLE, CHILD_SA_NOT_FOUND,
 * TEMPORARY_FAILURE), err the line
 * with both sides' values ("PFS mismatch: peer proposed ESP:... with no
 * DH group, we require ESP:... with MODP_2048"); made->kind and rekeyed
 * still say what was asked.  DROP: nothing to send.
 */
enum ike_child_result ike_child_request_in(struct ike_sa *sa,
    const uint8_t *raw, size_t len, const struct ike_child_rcfg *cfg,
    struct ike_child_made *made, struct ike_sa *new_sa, uint8_t *resp,
    size_t cap, size_t *resp_len, char *err, size_t errlen);

#endif /* NICSEC_IKE_CHILD_H */
