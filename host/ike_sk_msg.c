/*
 * ike_sk_msg.c - an IKE SA's SK messages, sealed and opened.  See
 * ike_sk_msg.h.
 */
#include "ike_sk_msg.h"

#include "ike_err.h"

int
ike_sk_msg_seal(struct ike_sa *sa, uint8_t exchange, int response,
    uint32_t msgid, const struct ike_buf *inner, uint8_t *msg, size_t cap,
    size_t *len, char *err, size_t errlen)
{
	const char *name = ike_exchange_name(exchange);
	struct ike_hdr h = { 0 };
	struct ike_buf out;

	if (inner->overflow)
		return ike_errf(err, errlen, "%s %s: too long", name,
		    response ? "response" : "request");
	h.spi_i = sa->spi_i;
	h.spi_r = sa->spi_r;
	h.exchange = exchange;
	/* RFC 7296 3.1: I is who we are in the IKE SA, R what this is. */
	h.flags = (sa->initiator ? IKE_FLAG_INITIATOR : 0) |
	    (response ? IKE_FLAG_RESPONSE : 0);
	h.msgid = msgid;
	ike_buf_init(&out, msg, cap);
	ike_buf_hdr(&out, &h);
	ike_buf_begin(&out, IKE_PLD_SK, 0);
	if (out.overflow)
		return ike_errf(err, errlen, "%s %s: no room", name,
		    response ? "response" : "request");
	msg[out.pld_off] = inner->len > 0 ? inner->first : IKE_PLD_NONE;
	return ike_sk_seal(&sa->sk_out, msg, cap, out.pld_off, inner->p,
	    inner->len, len, err, errlen);
}

int
ike_sk_msg_open(const struct ike_sa *sa, const uint8_t *raw, size_t len,
    uint8_t exchange, int response, uint32_t msgid, struct ike_msg *m,
    uint8_t *plain, size_t cap, size_t *plain_len, char *err, size_t errlen)
{
	const char *name = ike_exchange_name(exchange);
	const char *what = response ? "response" : "request";
	uint8_t want_i = sa->initiator ? 0 : IKE_FLAG_INITIATOR;

	*plain_len = 0;
	if (ike_msg_parse(raw, len, m, err, errlen) != IKE_OK)
		return -1;
	if (m->hdr.spi_i != sa->spi_i || m->hdr.spi_r != sa->spi_r)
		return ike_errf(err, errlen, "%s %s: SPIs %016llx_i %016llx_r are "
		    "not this IKE SA's (%016llx_i %016llx_r)", name, what,
		    (unsigned long long)m->hdr.spi_i,
		    (unsigned long long)m->hdr.spi_r,
		    (unsigned long long)sa->spi_i,
		    (unsigned long long)sa->spi_r);
	if (m->hdr.exchange != exchange ||
	    !(m->hdr.flags & IKE_FLAG_RESPONSE) != !response)
		return ike_errf(err, errlen, "%s %s where %s %s is expected",
		    ike_exchange_name(m->hdr.exchange),
		    m->hdr.flags & IKE_FLAG_RESPONSE ? "response" : "request",
		    name, what);
	if ((m->hdr.flags & IKE_FLAG_INITIATOR) != want_i)
		return ike_errf(err, errlen, "%s %s with the I flag %s: the peer "
		    "is this IKE SA's original %s", name, what,
		    want_i ? "clear" : "set", want_i ? "initiator" :
		    "responder");
	if (m->hdr.msgid != msgid)
		return ike_errf(err, errlen, "%s %s with message ID %u, expected "
		    "%u", name, what, m->hdr.msgid, msgid);
	if (m->sk_off == 0)
		return ike_errf(err, errlen, "%s %s without an SK payload", name,
		    what);
	if (ike_sk_open(&sa->sk_in, raw, len, m->sk_off, plain, cap, plain_len,
	    err, errlen) != 0)
		return -1;		/* ICV or malformed: err says */
	if (ike_msg_parse_inner(m, plain, *plain_len, err, errlen) != IKE_OK)
		return -1;
	return 0;
}
