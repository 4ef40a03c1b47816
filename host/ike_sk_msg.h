/*
 * ike_sk_msg.h - the frame of every message after IKE_SA_INIT (RFC 7296
 * 3.1, 3.14): an IKE header for one IKE SA around one SK payload, sealed
 * with the SA's sk_out, or opened with its sk_in after the header has been
 * checked against what the exchange expects.  IKE_AUTH, CREATE_CHILD_SA
 * and INFORMATIONAL share it, so that each checks SPIs, flags and Message
 * IDs the same way.  No I/O, and nothing here changes the IKE SA but the
 * seal's IV counter: advancing Message IDs is the exchange's business.
 */
#ifndef NICSEC_IKE_SK_MSG_H
#define NICSEC_IKE_SK_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "ike_msg.h"
#include "ike_sa.h"

/*
 * Seals inner (payloads built with ike_buf_init() on a buffer of their
 * own; none at all for an empty INFORMATIONAL) into msg[0..cap): the
 * header with sa's SPIs, exchange, msgid, the I flag if we are sa's
 * original initiator, the R flag if response; then SK.  0, or -1 with a
 * line in err (inner overflowed, no room, the seal failed).
 */
int ike_sk_msg_seal(struct ike_sa *sa, uint8_t exchange, int response,
    uint32_t msgid, const struct ike_buf *inner, uint8_t *msg, size_t cap,
    size_t *len, char *err, size_t errlen);

/*
 * Parses raw[0..len) into m and opens it: it must be exchange, a response
 * or a request as response says, with sa's SPIs, the I flag of the peer's
 * role (set if the peer is sa's original initiator), Message ID msgid, and
 * an SK payload that sa->sk_in opens.  The inner payloads go to
 * plain[0..cap) and into m (plain must outlive m; the caller wipes it).
 * 0, or -1 with one line in err saying which check failed: the message is
 * to be dropped, and nothing has changed.
 */
int ike_sk_msg_open(const struct ike_sa *sa, const uint8_t *raw, size_t len,
    uint8_t exchange, int response, uint32_t msgid, struct ike_msg *m,
    uint8_t *plain, size_t cap, size_t *plain_len, char *err, size_t errlen);

#endif /* NICSEC_IKE_SK_MSG_H */
