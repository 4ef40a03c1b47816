/*
 * ike_msg.h - an IKEv2 message's frame: the header and the chain of
 * payloads (RFC 7296 3.1, 3.2), read and written.  What a payload's body
 * means is ike_pld.h's; what the SK payload hides is ike_crypto.h's.
 *
 * The parser only points into the buffer it was given: nothing is copied,
 * nothing is allocated, so a message that fails to parse leaves nothing
 * behind, and the fuzzer (tests/fuzz/) can run it on anything.
 */
#ifndef NICSEC_IKE_MSG_H
#define NICSEC_IKE_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "ike_wire.h"

/* Payloads one message may hold, plain and inside SK together. */
#define IKE_MSG_PLD_MAX		48
/* The longest message nicsec takes or sends (no fragmentation). */
#define IKE_MSG_MAX		65535

struct ike_hdr {
	uint64_t spi_i, spi_r;
	uint8_t  next;			/* first payload's type */
	uint8_t  version;
	uint8_t  exchange;
	uint8_t  flags;			/* IKE_FLAG_* */
	uint32_t msgid;
	uint32_t length;
};

struct ike_pld {
	uint8_t        type;
	uint8_t        critical;	/* the C bit */
	uint8_t        inner;		/* 1: came out of the SK payload */
	const uint8_t *body;		/* after the 4-byte generic header */
	size_t         len;		/* of the body */
};

struct ike_msg {
	struct ike_hdr hdr;
	const uint8_t *raw;
	size_t         raw_len;
	struct ike_pld pld[IKE_MSG_PLD_MAX];
	size_t         npld;
	/* The SK payload, if any (always the last plain one): where its
	 * generic header is, and the first inner payload's type. */
	size_t         sk_off;		/* 0: none */
	uint8_t        sk_next;
	/* An unknown payload with the critical bit (RFC 7296 2.5): its
	 * type, for the UNSUPPORTED_CRITICAL_PAYLOAD answer; 0 none. */
	uint8_t        unknown_critical;
};

/* What a parse found wrong, so the caller can answer or drop. */
enum ike_parse_err {
	IKE_OK = 0,
	IKE_ERR_SHORT,			/* shorter than a header */
	IKE_ERR_MAJOR,			/* major version not 2 */
	IKE_ERR_LENGTH,			/* header length is not the datagram's */
	IKE_ERR_SYNTAX,			/* a payload chain that does not fit */
	IKE_ERR_TOO_MANY,		/* more than IKE_MSG_PLD_MAX payloads */
};

/*
 * Reads buf[0..len) (the IKE message, after any non-ESP marker): the
 * header, then the plain payload chain up to and including an SK payload.
 * Unknown payload types without the critical bit are skipped, as RFC 7296
 * 2.5 says; one with it is recorded in unknown_critical.  Returns IKE_OK or
 * the error, with one line in err that names the offset and the problem.
 */
enum ike_parse_err ike_msg_parse(const uint8_t *buf, size_t len,
    struct ike_msg *m, char *err, size_t errlen);

/*
 * Appends the payloads of a decrypted SK payload (plain[0..len), first of
 * type m->sk_next), marked inner.  plain must outlive m.
 */
enum ike_parse_err ike_msg_parse_inner(struct ike_msg *m,
    const uint8_t *plain, size_t len, char *err, size_t errlen);

/* The nth payload of type (0 first), or NULL. */
const struct ike_pld *ike_msg_find(const struct ike_msg *m, uint8_t type,
    int nth);
/* The first Notify of notify type ntype, or NULL. */
const struct ike_pld *ike_msg_notify(const struct ike_msg *m, uint16_t ntype);

/*
 * The message as a log line names it, strongSwan's way:
 * "IKE_AUTH request 1 [ IDi N(INIT_CONTACT) AUTH SA TSi TSr ]".  Payloads
 * still inside an unopened SK show as "SK".
 */
int ike_msg_summary(const struct ike_msg *m, char *buf, size_t len);

const char *ike_exchange_name(uint8_t exchange);
const char *ike_payload_name(uint8_t type);
const char *ike_notify_name(uint16_t ntype);

/* ---- writing ------------------------------------------------------- */

/*
 * A message being written.  Payloads are appended one after another; each
 * new one's type goes into the previous one's next-payload field (or the
 * header's).  A write past cap sets overflow and writes nothing more:
 * check it once at the end.
 */
struct ike_buf {
	uint8_t *p;
	size_t   len, cap;
	size_t   next_off;		/* where the next payload's type goes */
	size_t   pld_off;		/* the open payload's generic header */
	uint8_t  first;			/* the first payload's type, without a
					 * header (an SK payload's inside) */
	int      overflow;
};

void ike_buf_init(struct ike_buf *b, uint8_t *p, size_t cap);
/* The 28-byte header; its length is set by ike_buf_finish (or by the SK
 * seal, which must come last). */
void ike_buf_hdr(struct ike_buf *b, const struct ike_hdr *h);
/* Opens a payload of type (its generic header); the body follows. */
void ike_buf_begin(struct ike_buf *b, uint8_t type, int critical);
/* Closes the open payload: its length. */
void ike_buf_end(struct ike_buf *b);
void ike_buf_put(struct ike_buf *b, const void *data, size_t len);
void ike_buf_u8(struct ike_buf *b, uint8_t v);
void ike_buf_u16(struct ike_buf *b, uint16_t v);
void ike_buf_u32(struct ike_buf *b, uint32_t v);
void ike_buf_u64(struct ike_buf *b, uint64_t v);
/* Sets the header's length; -1 if anything overflowed. */
int ike_buf_finish(struct ike_buf *b);

/* Big-endian reads, for the payload decoders. */
uint16_t ike_get16(const uint8_t *p);
uint32_t ike_get32(const uint8_t *p);
uint64_t ike_get64(const uint8_t *p);
void ike_set16(uint8_t *p, uint16_t v);
void ike_set32(uint8_t *p, uint32_t v);

#endif /* NICSEC_IKE_MSG_H */
