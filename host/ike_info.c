/*
 * ike_info.c - the INFORMATIONAL exchange, both roles.  See ike_info.h.
 */
#include "ike_info.h"

#include <string.h>

#include <openssl/crypto.h>

#include "ike_err.h"
#include "ike_msg.h"
#include "ike_pld.h"
#include "ike_sk_msg.h"

#define PLAIN_MAX	4096

int
ike_info_request(struct ike_sa *sa, const struct ike_info_req *req,
    uint8_t *buf, size_t cap, size_t *len, char *err, size_t errlen)
{
	uint8_t inner[PLAIN_MAX], spi[4];
	struct ike_buf in;
	int rc;

	if (sa->state != IKE_S_ESTABLISHED && sa->state != IKE_S_DELETING)
		return ike_errf(err, errlen, "INFORMATIONAL: the IKE SA is not "
		    "established");
	ike_buf_init(&in, inner, sizeof(inner));
	if (req != NULL) {
		if (req->nesp > IKE_INFO_SPI_MAX)
			return ike_errf(err, errlen, "INFORMATIONAL: %zu SPIs to "
			    "delete, at most %d", req->nesp, IKE_INFO_SPI_MAX);
		/* RFC 7296 1.4.1: D(IKE) takes the CHILD_SAs with it, so an
		 * ESP delete beside it would say nothing more. */
		if (req->delete_ike)
			ike_put_delete(&in, IKE_PROTO_IKE, NULL, 0);
		else if (req->nesp > 0)
			ike_put_delete(&in, IKE_PROTO_ESP, req->esp, req->nesp);
		for (size_t i = 0; i < req->nnotify; i++) {
			const struct ike_info_notify *n = &req->notify[i];

			ike_set32(spi, n->spi);
			ike_put_notify(&in, n->protocol, n->type, spi,
			    n->protocol == IKE_PROTO_ESP ? 4 : 0, n->data,
			    n->len < IKE_INFO_DATA_MAX ? n->len :
			    IKE_INFO_DATA_MAX);
		}
	}
	rc = ike_sk_msg_seal(sa, INFORMATIONAL, 0, sa->msgid_out, &in, buf, cap,
	    len, err, errlen);
	OPENSSL_cleanse(inner, sizeof(inner));
	if (rc != 0)
		return -1;
	if (req != NULL && req->delete_ike)
		sa->state = IKE_S_DELETING;
	return 0;
}

/* The CHILD_SA whose outbound SPI is spi (the peer's inbound), or -1. */
static long
find_out(const struct ike_child *ch, size_t n, uint32_t spi)
{
	for (size_t i = 0; i < n; i++)
		if (ch[i].spi_out == spi)
			return (long)i;
	return -1;
}

/* What m holds, into got: 0, or -1 with err for a malformed DELETE. */
static int
take(const struct ike_msg *m, const struct ike_child *ch, size_t n,
    struct ike_info_got *got, char *err, size_t errlen)
{
	struct ike_delete d;
	struct ike_notify no;
	size_t inner = 0;

	memset(got, 0, sizeof(*got));
	for (size_t i = 0; i < m->npld; i++) {
		const struct ike_pld *p = &m->pld[i];

		if (!p->inner)
			continue;
		inner++;
		if (p->type == IKE_PLD_DELETE) {
			if (ike_pld_delete(p, &d, err, errlen) != 0)
				return -1;
			if (d.protocol == IKE_PROTO_IKE) {
				got->delete_ike = 1;
				continue;
			}
			for (size_t k = 0; k < d.count; k++) {
				uint32_t spi = ike_get32(d.spis + 4 * k);
				long c = find_out(ch, n, spi);

				if (c >= 0 && got->nesp < IKE_INFO_SPI_MAX) {
					got->esp[got->nesp].spi_in = ch[c].spi_in;
					got->esp[got->nesp++].spi_out = spi;
				} else if (c < 0 &&
				    got->nunknown < IKE_INFO_SPI_MAX)
					got->unknown[got->nunknown++] = spi;
			}
		} else if (p->type == IKE_PLD_NOTIFY &&
		    got->nnotify < IKE_INFO_NOTIFY_MAX &&
		    ike_pld_notify(p, &no, NULL, 0) == 0) {
			struct ike_info_notify *g = &got->notify[got->nnotify++];

			g->protocol = no.protocol;
			g->type = no.type;
			g->spi = no.spi_len == 4 ? ike_get32(no.spi) : 0;
			g->len = no.len < IKE_INFO_DATA_MAX ? no.len :
			    IKE_INFO_DATA_MAX;
			memcpy(g->data, no.data, g->len);
		}
	}
	got->empty = inner == 0;
	return 0;
}

enum ike_info_result
ike_info_response_in(struct ike_sa *sa, const uint8_t *raw, size_t len,
    const struct ike_child *children, size_t n, struct ike_info_got *got,
    char *err, size_t errlen)
{
	static uint8_t plain[IKE_MSG_MAX];
	struct ike_msg m;
	size_t plen;
	int rc;

	memset(got, 0, sizeof(*got));
	if (sa->state != IKE_S_ESTABLISHED && sa->state != IKE_S_DELETING)
		return ike_errf(err, errlen, "INFORMATIONAL response: the IKE SA "
		    "is not established"), IKE_INFO_DROP;
	if (ike_sk_msg_open(sa, raw, len, INFORMATIONAL, 1, sa->msgid_out, &m,
	    plain, sizeof(plain), &plen, err, errlen) != 0)
		return IKE_INFO_DROP;
	/* the peer holds the keys: the exchange is done, whatever it says */
	sa->msgid_out++;
	if (sa->state == IKE_S_DELETING)
		sa->state = IKE_S_DEAD;
	rc = take(&m, children, n, got, err, errlen);
	OPENSSL_cleanse(plain, plen);
	if (rc != 0)
		return IKE_INFO_FAIL;
	for (size_t i = 0; i < got->nnotify; i++)
		if (got->notify[i].type <= N_ERROR_MAX)
			return ike_errf(err, errlen, "peer answered our "
			    "INFORMATIONAL request with %s (%u)",
			    ike_notify_name(got->notify[i].type) ?
			    ike_notify_name(got->notify[i].type) : "an error",
			    got->notify[i].type), IKE_INFO_FAIL;
	return IKE_INFO_OK;
}

enum ike_info_result
ike_info_request_in(struct ike_sa *sa, const uint8_t *raw, size_t len,
    const struct ike_child *children, size_t n, struct ike_info_got *got,
    uint8_t *resp, size_t cap, size_t *resp_len, char *err, size_t errlen)
{
	static uint8_t plain[IKE_MSG_MAX];
	uint8_t inner[PLAIN_MAX];
	uint32_t ours[IKE_INFO_SPI_MAX];
	struct ike_msg m;
	struct ike_buf in;
	size_t plen;
	enum ike_info_result res = IKE_INFO_OK;
	int rc;

	memset(got, 0, sizeof(*got));
	if (sa->state != IKE_S_ESTABLISHED && sa->state != IKE_S_DELETING)
		return ike_errf(err, errlen, "INFORMATIONAL request: the IKE SA is "
		    "not established"), IKE_INFO_DROP;
	if (ike_sk_msg_open(sa, raw, len, INFORMATIONAL, 0, sa->msgid_in, &m,
	    plain, sizeof(plain), &plen, err, errlen) != 0)
		return IKE_INFO_DROP;
	ike_buf_init(&in, inner, sizeof(inner));
	rc = take(&m, children, n, got, err, errlen);
	OPENSSL_cleanse(plain, plen);
	if (m.unknown_critical != 0) {
		uint8_t t = m.unknown_critical;

		ike_put_notify(&in, 0, N_UNSUPPORTED_CRITICAL_PAYLOAD, NULL, 0,
		    &t, 1);
		ike_errf(err, errlen, "INFORMATIONAL request with a critical "
		    "payload of unknown type %u: UNSUPPORTED_CRITICAL_PAYLOAD", t);
		memset(got, 0, sizeof(*got));
		res = IKE_INFO_FAIL;
	} else if (rc != 0) {
		/* err has the DELETE's fault; nothing is deleted */
		ike_put_notify(&in, 0, N_INVALID_SYNTAX, NULL, 0, NULL, 0);
		memset(got, 0, sizeof(*got));
		res = IKE_INFO_FAIL;
	} else if (got->delete_ike) {
		;			/* RFC 7296 1.4.1: an empty response */
	} else if (got->nesp > 0) {
		/* RFC 7296 1.4.1: our half of each pair, in one DELETE */
		for (size_t i = 0; i < got->nesp; i++)
			ours[i] = got->esp[i].spi_in;
		ike_put_delete(&in, IKE_PROTO_ESP, ours, got->nesp);
	}
	if (ike_sk_msg_seal(sa, INFORMATIONAL, 1, m.hdr.msgid, &in, resp, cap,
	    resp_len, res == IKE_INFO_OK ? err : NULL, errlen) != 0) {
		memset(got, 0, sizeof(*got));
		return IKE_INFO_DROP;
	}
	sa->msgid_in++;
	if (got->delete_ike)
		sa->state = IKE_S_DEAD;
	return res;
}
