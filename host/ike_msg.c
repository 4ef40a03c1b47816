/*
 * ike_msg.c - the IKEv2 header and payload chain, read and written.  See
 * ike_msg.h.
 */
#include "ike_msg.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define GENERIC_LEN	IKE_PLD_HDR_LEN

uint16_t
ike_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t
ike_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

uint64_t
ike_get64(const uint8_t *p)
{
	return (uint64_t)ike_get32(p) << 32 | ike_get32(p + 4);
}

void
ike_set16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void
ike_set32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static enum ike_parse_err
perr(enum ike_parse_err e, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return e;
}

/* Payload types this parser knows the place of; others are skipped. */
static int
known_type(uint8_t t)
{
	return (t >= IKE_PLD_SA && t <= IKE_PLD_EAP) || t == IKE_PLD_SKF;
}

/*
 * Walks a chain of payloads in p[0..len) starting with type next: each
 * generic header must fit, with a length of at least 4, and the last must
 * end exactly at len.  An SK payload ends the walk (stop_at_sk): its body is
 * the rest.  base is p's offset in the message, for messages and sk_off.
 */
static enum ike_parse_err
walk(struct ike_msg *m, const uint8_t *p, size_t len, uint8_t next,
    size_t base, int inner, char *err, size_t errlen)
{
	size_t off = 0;

	while (next != IKE_PLD_NONE) {
		uint8_t type = next, flags;
		size_t plen;

		if (len - off < GENERIC_LEN)
			return perr(IKE_ERR_SYNTAX, err, errlen, "payload %s at "
			    "offset %zu: its header does not fit (%zu bytes "
			    "left)", ike_payload_name(type), base + off,
			    len - off);
		next = p[off];
		flags = p[off + 1];
		plen = ike_get16(p + off + 2);
		if (plen < GENERIC_LEN || plen > len - off)
			return perr(IKE_ERR_SYNTAX, err, errlen, "payload %s at "
			    "offset %zu: length %zu, but %zu bytes are left",
			    ike_payload_name(type), base + off, plen, len - off);
		if (type == IKE_PLD_SK && !inner) {
			/* Its body is the rest of the message, and next is
			 * the first payload inside it. */
			if (plen != len - off)
				return perr(IKE_ERR_SYNTAX, err, errlen, "the "
				    "SK payload at offset %zu is %zu bytes but "
				    "%zu follow: it must be the last",
				    base + off, plen, len - off);
			m->sk_off = base + off;
			m->sk_next = next;
		} else if (type == IKE_PLD_SK) {
			return perr(IKE_ERR_SYNTAX, err, errlen, "an SK payload "
			    "inside an SK payload");
		}
		if (known_type(type)) {
			struct ike_pld *d;

			if (m->npld == IKE_MSG_PLD_MAX)
				return perr(IKE_ERR_TOO_MANY, err, errlen, "more "
				    "than %d payloads", IKE_MSG_PLD_MAX);
			d = &m->pld[m->npld++];
			d->type = type;
			d->critical = (flags & IKE_PLD_CRITICAL) != 0;
			d->inner = (uint8_t)inner;
			d->body = p + off + GENERIC_LEN;
			d->len = plen - GENERIC_LEN;
		} else if ((flags & IKE_PLD_CRITICAL) &&
		    m->unknown_critical == 0) {
			m->unknown_critical = type;
		}
		off += plen;
		if (type == IKE_PLD_SK && !inner)
			return IKE_OK;
	}
	if (off != len)
		return perr(IKE_ERR_SYNTAX, err, errlen, "%zu bytes after the "
		    "last payload", len - off);
	return IKE_OK;
}

enum ike_parse_err
ike_msg_parse(const uint8_t *buf, size_t len, struct ike_msg *m, char *err,
    size_t errlen)
{
	struct ike_hdr *h = &m->hdr;

	memset(m, 0, sizeof(*m));
	if (len < IKE_HDR_LEN)
		return perr(IKE_ERR_SHORT, err, errlen, "%zu bytes: shorter "
		    "than an IKE header (28)", len);
	h->spi_i = ike_get64(buf);
	h->spi_r = ike_get64(buf + 8);
	h->next = buf[16];
	h->version = buf[17];
	h->exchange = buf[18];
	h->flags = buf[19];
	h->msgid = ike_get32(buf + 20);
	h->length = ike_get32(buf + 24);
	m->raw = buf;
	m->raw_len = len;
	if (h->version >> 4 != IKE_VERSION >> 4)
		return perr(IKE_ERR_MAJOR, err, errlen, "IKE version %u.%u, "
		    "nicsec speaks 2", h->version >> 4, h->version & 15);
	if (h->length != len)
		return perr(IKE_ERR_LENGTH, err, errlen, "the header says %u "
		    "bytes, the datagram holds %zu", h->length, len);
	return walk(m, buf + IKE_HDR_LEN, len - IKE_HDR_LEN, h->next,
	    IKE_HDR_LEN, 0, err, errlen);
}

enum ike_parse_err
ike_msg_parse_inner(struct ike_msg *m, const uint8_t *plain, size_t len,
    char *err, size_t errlen)
{
	if (m->sk_off == 0)
		return perr(IKE_ERR_SYNTAX, err, errlen, "no SK payload");
	return walk(m, plain, len, m->sk_next, 0, 1, err, errlen);
}

const struct ike_pld *
ike_msg_find(const struct ike_msg *m, uint8_t type, int nth)
{
	size_t i;

	for (i = 0; i < m->npld; i++)
		if (m->pld[i].type == type && nth-- == 0)
			return &m->pld[i];
	return NULL;
}

const struct ike_pld *
ike_msg_notify(const struct ike_msg *m, uint16_t ntype)
{
	size_t i;

	/* Notify: protocol, SPI size, type (2), SPI, data. */
	for (i = 0; i < m->npld; i++)
		if (m->pld[i].type == IKE_PLD_NOTIFY && m->pld[i].len >= 4 &&
		    ike_get16(m->pld[i].body + 2) == ntype)
			return &m->pld[i];
	return NULL;
}

const char *
ike_exchange_name(uint8_t exchange)
{
	switch (exchange) {
	case IKE_SA_INIT:	return "IKE_SA_INIT";
	case IKE_AUTH:		return "IKE_AUTH";
	case CREATE_CHILD_SA:	return "CREATE_CHILD_SA";
	case INFORMATIONAL:	return "INFORMATIONAL";
	}
	return "UNKNOWN_EXCHANGE";
}

/* As strongSwan abbreviates them in its message lines. */
const char *
ike_payload_name(uint8_t type)
{
	switch (type) {
	case IKE_PLD_SA:	return "SA";
	case IKE_PLD_KE:	return "KE";
	case IKE_PLD_IDI:	return "IDi";
	case IKE_PLD_IDR:	return "IDr";
	case IKE_PLD_CERT:	return "CERT";
	case IKE_PLD_CERTREQ:	return "CERTREQ";
	case IKE_PLD_AUTH:	return "AUTH";
	case IKE_PLD_NONCE:	return "No";
	case IKE_PLD_NOTIFY:	return "N";
	case IKE_PLD_DELETE:	return "D";
	case IKE_PLD_VENDOR:	return "V";
	case IKE_PLD_TSI:	return "TSi";
	case IKE_PLD_TSR:	return "TSr";
	case IKE_PLD_SK:	return "SK";
	case IKE_PLD_CP:	return "CP";
	case IKE_PLD_EAP:	return "EAP";
	case IKE_PLD_SKF:	return "SKF";
	}
	return "?";
}

const char *
ike_notify_name(uint16_t n)
{
	static const struct { uint16_t type; const char *name; } names[] = {
		{ N_UNSUPPORTED_CRITICAL_PAYLOAD, "UNSUPPORTED_CRITICAL_PAYLOAD" },
		{ N_INVALID_IKE_SPI, "INVALID_IKE_SPI" },
		{ N_INVALID_MAJOR_VERSION, "INVALID_MAJOR_VERSION" },
		{ N_INVALID_SYNTAX, "INVALID_SYNTAX" },
		{ N_INVALID_MESSAGE_ID, "INVALID_MESSAGE_ID" },
		{ N_INVALID_SPI, "INVALID_SPI" },
		{ N_NO_PROPOSAL_CHOSEN, "NO_PROP" },
		{ N_INVALID_KE_PAYLOAD, "INVAL_KE" },
		{ N_AUTHENTICATION_FAILED, "AUTH_FAILED" },
		{ N_SINGLE_PAIR_REQUIRED, "SINGLE_PAIR_REQUIRED" },
		{ N_NO_ADDITIONAL_SAS, "NO_ADD_SAS" },
		{ N_INTERNAL_ADDRESS_FAILURE, "INT_ADDR_FAIL" },
		{ N_FAILED_CP_REQUIRED, "FAIL_CP_REQ" },
		{ N_TS_UNACCEPTABLE, "TS_UNACCEPT" },
		{ N_INVALID_SELECTORS, "INVAL_SEL" },
		{ N_TEMPORARY_FAILURE, "TEMP_FAIL" },
		{ N_CHILD_SA_NOT_FOUND, "CHILD_SA_NOT_FOUND" },
		{ N_INITIAL_CONTACT, "INIT_CONTACT" },
		{ N_SET_WINDOW_SIZE, "SET_WINSIZE" },
		{ N_ADDITIONAL_TS_POSSIBLE, "ADD_TS_POSS" },
		{ N_IPCOMP_SUPPORTED, "IPCOMP_SUP" },
		{ N_NAT_DETECTION_SOURCE_IP, "NATD_S_IP" },
		{ N_NAT_DETECTION_DESTINATION_IP, "NATD_D_IP" },
		{ N_COOKIE, "COOKIE" },
		{ N_USE_TRANSPORT_MODE, "USE_TRANSP" },
		{ N_HTTP_CERT_LOOKUP_SUPPORTED, "HASH_URL_SUP" },
		{ N_REKEY_SA, "REKEY_SA" },
		{ N_ESP_TFC_PADDING_NOT_SUPPORTED, "ESP_TFC_PAD_N" },
		{ N_NON_FIRST_FRAGMENTS_ALSO, "NON_FIRST_FRAG" },
		{ N_MOBIKE_SUPPORTED, "MOBIKE_SUP" },
		{ N_MULTIPLE_AUTH_SUPPORTED, "MULT_AUTH" },
		{ N_REDIRECT_SUPPORTED, "REDIR_SUP" },
		{ N_IKEV2_FRAGMENTATION_SUPPORTED, "FRAG_SUP" },
		{ N_SIGNATURE_HASH_ALGORITHMS, "HASH_ALG" },
		{ N_CHILDLESS_IKEV2_SUPPORTED, "CHDLESS_SUP" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].type == n)
			return names[i].name;
	return NULL;
}

int
ike_msg_summary(const struct ike_msg *m, char *buf, size_t len)
{
	size_t i, o = 0;
	int n;

#define OUT(...) do { \
	n = snprintf(buf + (o < len ? o : len), o < len ? len - o : 0, \
	    __VA_ARGS__); \
	if (n > 0) o += (size_t)n; \
} while (0)
	if (len > 0)
		buf[0] = '\0';
	OUT("%s %s %u [", ike_exchange_name(m->hdr.exchange),
	    m->hdr.flags & IKE_FLAG_RESPONSE ? "response" : "request",
	    m->hdr.msgid);
	for (i = 0; i < m->npld; i++) {
		const struct ike_pld *p = &m->pld[i];

		/* An SK that was opened shows as what it held. */
		if (p->type == IKE_PLD_SK && i + 1 < m->npld &&
		    m->pld[i + 1].inner)
			continue;
		if (p->type == IKE_PLD_NOTIFY && p->len >= 4) {
			uint16_t t = ike_get16(p->body + 2);
			const char *name = ike_notify_name(t);

			if (name != NULL)
				OUT(" N(%s)", name);
			else
				OUT(" N(%u)", t);
		} else {
			OUT(" %s", ike_payload_name(p->type));
		}
	}
	OUT(" ]");
#undef OUT
	return (int)o;
}

/* ---- writing ------------------------------------------------------- */

#define NO_NEXT	((size_t)-1)

void
ike_buf_init(struct ike_buf *b, uint8_t *p, size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->p = p;
	b->cap = cap;
	b->next_off = NO_NEXT;
	b->pld_off = NO_NEXT;
}

void
ike_buf_put(struct ike_buf *b, const void *data, size_t len)
{
	if (len == 0)
		return;
	if (b->overflow || len > b->cap - b->len) {
		b->overflow = 1;
		return;
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
}

void
ike_buf_u8(struct ike_buf *b, uint8_t v)
{
	ike_buf_put(b, &v, 1);
}

void
ike_buf_u16(struct ike_buf *b, uint16_t v)
{
	uint8_t x[2];

	ike_set16(x, v);
	ike_buf_put(b, x, 2);
}

void
ike_buf_u32(struct ike_buf *b, uint32_t v)
{
	uint8_t x[4];

	ike_set32(x, v);
	ike_buf_put(b, x, 4);
}

void
ike_buf_u64(struct ike_buf *b, uint64_t v)
{
	ike_buf_u32(b, (uint32_t)(v >> 32));
	ike_buf_u32(b, (uint32_t)v);
}

void
ike_buf_hdr(struct ike_buf *b, const struct ike_hdr *h)
{
	ike_buf_u64(b, h->spi_i);
	ike_buf_u64(b, h->spi_r);
	b->next_off = b->len;
	ike_buf_u8(b, IKE_PLD_NONE);
	ike_buf_u8(b, h->version ? h->version : IKE_VERSION);
	ike_buf_u8(b, h->exchange);
	ike_buf_u8(b, h->flags);
	ike_buf_u32(b, h->msgid);
	ike_buf_u32(b, 0);		/* set by ike_buf_finish */
}

void
ike_buf_begin(struct ike_buf *b, uint8_t type, int critical)
{
	if (b->overflow)
		return;
	if (b->next_off != NO_NEXT)
		b->p[b->next_off] = type;
	else
		b->first = type;
	b->next_off = b->len;
	b->pld_off = b->len;
	ike_buf_u8(b, IKE_PLD_NONE);
	ike_buf_u8(b, critical ? IKE_PLD_CRITICAL : 0);
	ike_buf_u16(b, 0);
}

void
ike_buf_end(struct ike_buf *b)
{
	size_t n;

	if (b->overflow || b->pld_off == NO_NEXT)
		return;
	n = b->len - b->pld_off;
	if (n > 0xffff) {
		b->overflow = 1;
		return;
	}
	ike_set16(b->p + b->pld_off + 2, (uint16_t)n);
	b->pld_off = NO_NEXT;
}

int
ike_buf_finish(struct ike_buf *b)
{
	if (b->overflow || b->len < IKE_HDR_LEN)
		return -1;
	ike_set32(b->p + 24, (uint32_t)b->len);
	return 0;
}
