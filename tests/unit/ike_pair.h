/*
 * ike_pair.h - two ends of one IKE SA in one process, brought up through
 * IKE_SA_INIT and IKE_AUTH (host/ike_init.c, host/ike_auth.c) with their
 * first CHILD_SA, for the suites of the exchanges that come after.
 */
#ifndef NICSEC_TEST_IKE_PAIR_H
#define NICSEC_TEST_IKE_PAIR_H

#include "ike_auth.h"
#include "ike_msg.h"
#include "ike_sa.h"

struct ike_pair {
	struct ike_sa i, r;		/* original initiator, responder */
	struct ike_proposal ike[IKE_PROPOSALS_MAX];
	size_t nike;
	struct ike_child first_i, first_r;	/* IKE_AUTH's CHILD_SA */
	/* IKE_AUTH's two messages, as ike_auth.c sealed them */
	uint8_t auth_req[2048], auth_resp[2048];
	size_t auth_req_len, auth_resp_len;
};

/* Up, with IKE proposals ike (both ends), PSK, ESP AES-GCM-128, SPIs
 * c0de0001 (initiator's inbound) and c0de0002 (responder's), selectors
 * 10.1.0.0/24 === 10.2.0.0/24. */
void ike_pair_up(struct ike_pair *p, const char *ike);
void ike_pair_down(struct ike_pair *p);

/* An IPv4 range selector, all protocols and ports. */
void ike_pair_ts(struct ike_ts *t, const char *start, const char *end);

/* Fails the test unless now is before but for what an exchange may
 * change: the Message IDs (by d_out, d_in) and the SK seal's IV counter. */
void ike_pair_same_but_ids(const struct ike_sa *before,
    const struct ike_sa *now, uint32_t d_out, uint32_t d_in);

/* Opens a message one end sent as the other end reads it, without
 * changing either: the summary line ("CREATE_CHILD_SA request 2 [ SA No
 * KE TSi TSr ]") into line, the payloads into m (pointing into plain). */
void ike_pair_peek(const struct ike_sa *reader, const uint8_t *msg,
    size_t len, struct ike_msg *m, uint8_t *plain, size_t cap, char *line,
    size_t linelen);

#endif /* NICSEC_TEST_IKE_PAIR_H */
