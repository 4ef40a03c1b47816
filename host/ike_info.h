/*
 * ike_info.h - the INFORMATIONAL exchange (RFC 7296 1.4, 1.5, 3.10, 3.11),
 * both roles, no I/O: an empty request (liveness, DPD), DELETEs of
 * CHILD_SAs (ESP) or of the IKE SA, and notifies.  What a message asks is
 * reported to the caller, which deletes the SAs and answers for liveness;
 * these only build and take the messages.
 *
 * Message IDs as in ike_child.h: a request goes out with sa->msgid_out,
 * advanced when its response opens; a request in must carry sa->msgid_in,
 * advanced once it is answered.  A message that does not open, or is not
 * the one expected (a replay, another SA's), is dropped with nothing
 * changed.
 */
#ifndef NICSEC_IKE_INFO_H
#define NICSEC_IKE_INFO_H

#include <stddef.h>
#include <stdint.h>

#include "ike_auth.h"		/* struct ike_child */
#include "ike_sa.h"

#define IKE_INFO_SPI_MAX	64
#define IKE_INFO_NOTIFY_MAX	8
#define IKE_INFO_DATA_MAX	64

/* A notify, sent or received. */
struct ike_info_notify {
	uint8_t        protocol;	/* 0, or IKE_PROTO_ESP with spi */
	uint16_t       type;
	uint32_t       spi;
	uint8_t        data[IKE_INFO_DATA_MAX];
	size_t         len;		/* received: cut to DATA_MAX */
};

/* What to ask for; all empty (or NULL) is a liveness check. */
struct ike_info_req {
	int            delete_ike;	/* D(IKE): the IKE SA and all its
					 * CHILD_SAs go */
	const uint32_t *esp;		/* D(ESP): our inbound SPIs of the
					 * CHILD_SAs to delete */
	size_t         nesp;
	const struct ike_info_notify *notify;
	size_t         nnotify;
};

/* A CHILD_SA a DELETE names: our SPIs of it. */
struct ike_info_esp {
	uint32_t       spi_in, spi_out;
};

/* What a message said. */
struct ike_info_got {
	int            delete_ike;
	/* D(ESP), matched to the CHILD_SAs given (the DELETE names the
	 * sender's inbound SPIs, our spi_out) */
	struct ike_info_esp esp[IKE_INFO_SPI_MAX];
	size_t         nesp;
	/* D(ESP) SPIs that are none of them (already gone: RFC 7296
	 * 1.4.1's crossed deletes) */
	uint32_t       unknown[IKE_INFO_SPI_MAX];
	size_t         nunknown;
	struct ike_info_notify notify[IKE_INFO_NOTIFY_MAX];
	size_t         nnotify;
	int            empty;		/* no payloads at all */
};

enum ike_info_result {
	IKE_INFO_OK,		/* taken (responder: the response is built) */
	IKE_INFO_FAIL,		/* initiator: the response is an error notify
				 * (err says which); got has it too.
				 * Responder: the request was malformed or had
				 * an unknown critical payload; resp holds the
				 * error response, err the line */
	IKE_INFO_DROP,		/* not a valid message: ignore it (err) */
};

/*
 * Initiator: SK { [D(IKE)] [D(ESP) ...] [N ...] }, or SK {} for req NULL
 * or empty.  With delete_ike, sa becomes DELETING (RFC 7296 1.4.1: no
 * more requests on it).  sa must be ESTABLISHED or DELETING.
 */
int ike_info_request(struct ike_sa *sa, const struct ike_info_req *req,
    uint8_t *buf, size_t cap, size_t *len, char *err, size_t errlen);

/*
 * Initiator: the response.  got says what it held: the peer's DELETE of
 * its inbound SPIs matched to children[0..n) (may be NULL), notifies.
 * After a D(IKE) request the IKE SA is DEAD whatever the answer.
 */
enum ike_info_result ike_info_response_in(struct ike_sa *sa,
    const uint8_t *raw, size_t len, const struct ike_child *children,
    size_t n, struct ike_info_got *got, char *err, size_t errlen);

/*
 * Responder: a request.  children[0..n): this IKE SA's CHILD_SAs.  A
 * DELETE of ESP SPIs is answered with a DELETE of our inbound SPIs of
 * those CHILD_SAs (RFC 7296 1.4.1); a DELETE of the IKE SA with an empty
 * response, and sa becomes DEAD; an empty request, or notifies, with an
 * empty response.  got says what was asked, for the caller to act on
 * (remove the CHILD_SAs in got->esp both ways; the whole IKE SA).
 */
enum ike_info_result ike_info_request_in(struct ike_sa *sa,
    const uint8_t *raw, size_t len, const struct ike_child *children,
    size_t n, struct ike_info_got *got, uint8_t *resp, size_t cap,
    size_t *resp_len, char *err, size_t errlen);

#endif /* NICSEC_IKE_INFO_H */
