/*
 * ike_pair.h - two ends of one IKE SA in one process, brought up through
 * IKE_SA_INIT and IKE_AUTH (host/ike_init.c, host/ike_auth.c) with their
 * first CHILD_SA: for the IKE_AUTH suites (test_ike_auth, test_ike_cert),
 * which change the configs between the steps, and the suites of the
 * exchanges that come after.
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
	struct ike_proposal esp_i[IKE_PROPOSALS_MAX], esp_r[IKE_PROPOSALS_MAX];
	struct ike_child_req req;	/* the initiator's first CHILD_SA */
	struct ike_auth_cfg ai;		/* the initiator's IKE_AUTH */
	struct ike_auth_rcfg ar;	/* the responder's */
	struct ike_child first_i, first_r;	/* IKE_AUTH's CHILD_SA */
	/* the last round's two messages (IKE_AUTH's after ike_pair_up(),
	 * as ike_auth.c sealed them) and each end's error */
	uint8_t m1[IKE_MSG_MAX], m2[IKE_MSG_MAX];
	size_t l1, l2;
	char err_i[1024], err_r[1024];
	/* each end's certificate, key and trust, if the test gives them
	 * (test_ike_cert); freed by ike_pair_down() */
	struct ike_creds *creds_i, *creds_r;
};

/* Up, with IKE proposals ike (both ends), PSK, ESP AES-GCM-128, SPIs
 * c0de0001 (initiator's inbound) and c0de0002 (responder's), selectors
 * 10.1.0.0/24 === 10.2.0.0/24. */
void ike_pair_up(struct ike_pair *p, const char *ike);
void ike_pair_down(struct ike_pair *p);

/* The steps of ike_pair_up().  Setup: p cleared, the IKE proposals ike
 * (both ends) and ESP proposals esp_i and esp_r, the addresses, and the
 * IKE_AUTH configs above (left and right, PSK "secret"); nothing sent. */
void ike_pair_setup(struct ike_pair *p, const char *ike, const char *esp_i,
    const char *esp_r);
/* IKE_SA_INIT, which must succeed; its messages left in m1, m2. */
void ike_pair_init(struct ike_pair *p);
/* One IKE_AUTH round with the configs in p: the results at both ends
 * (never DROP), first_i, first_r, err_i and err_r. */
void ike_pair_auth(struct ike_pair *p, enum ike_auth_result *ri,
    enum ike_auth_result *rr);
/* The same, which must bring both ends up with the CHILD_SA: ESTABLISHED,
 * the SPIs crossed, the same keys at both ends. */
void ike_pair_auth_ok(struct ike_pair *p);

/* An IPv4 range selector, all protocols and ports. */
void ike_pair_ts(struct ike_ts *t, const char *start, const char *end);
/* An FQDN ID: *type, *id and *len for s. */
void ike_pair_fqdn(uint8_t *type, const uint8_t **id, size_t *len,
    const char *s);

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
