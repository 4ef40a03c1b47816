/*
 * ike_pld.h - IKEv2 payload bodies (RFC 7296 3.3 .. 3.13), read and
 * written.  A reader takes a payload ike_msg_parse() found and fills a
 * plain struct (pointing into the message where it holds bytes), or says in
 * one line what is malformed; a writer appends the payload to an ike_buf.
 */
#ifndef NICSEC_IKE_PLD_H
#define NICSEC_IKE_PLD_H

#include <stddef.h>
#include <stdint.h>

#include "ike_msg.h"
#include "ike_xform.h"

/* SA: one proposal as it came, with its SPI. */
struct ike_sa_prop {
	struct ike_proposal p;
	uint8_t  spi_len;		/* 0 (IKE_SA_INIT), 4 (ESP), 8 (IKE) */
	uint8_t  spi[8];
	/* A transform type this reader does not know, an attribute it does
	 * not know, or more alternatives than fit: such a proposal can not
	 * be accepted (RFC 7296 3.3.6), but the others still can. */
	int      unusable;
};

int ike_pld_sa(const struct ike_pld *pl, struct ike_sa_prop *out,
    size_t max, size_t *n, char *err, size_t errlen);
/* Every proposal of p[0..n) with the same SPI (spi_len 0, 4 or 8),
 * numbered from 1, or as p[i].number says when it is set. */
void ike_put_sa(struct ike_buf *b, const struct ike_proposal *p, size_t n,
    const uint8_t *spi, size_t spi_len);

struct ike_ke {
	uint16_t       group;
	const uint8_t *data;
	size_t         len;
};
int ike_pld_ke(const struct ike_pld *pl, struct ike_ke *ke, char *err,
    size_t errlen);
void ike_put_ke(struct ike_buf *b, uint16_t group, const uint8_t *data,
    size_t len);

/* Nonces are IKE_NONCE_MIN .. IKE_NONCE_MAX bytes (ike_wire.h). */
int ike_pld_nonce(const struct ike_pld *pl, const uint8_t **data,
    size_t *len, char *err, size_t errlen);

/* IDi, IDr.  body/body_len is the whole payload body (ID type, 3 reserved
 * bytes, data), which is what AUTH signs (RFC 7296 2.15). */
struct ike_id {
	uint8_t        type;
	const uint8_t *data;
	size_t         len;
	const uint8_t *body;
	size_t         body_len;
};
int ike_pld_id(const struct ike_pld *pl, struct ike_id *id, char *err,
    size_t errlen);
void ike_put_id(struct ike_buf *b, uint8_t pld_type, uint8_t id_type,
    const uint8_t *data, size_t len);

struct ike_auth {
	uint8_t        method;
	const uint8_t *data;
	size_t         len;
};
int ike_pld_auth(const struct ike_pld *pl, struct ike_auth *a, char *err,
    size_t errlen);
void ike_put_auth(struct ike_buf *b, uint8_t method, const uint8_t *data,
    size_t len);

/* CERT and CERTREQ: an encoding byte, then the data. */
struct ike_cert {
	uint8_t        encoding;
	const uint8_t *data;
	size_t         len;
};
int ike_pld_cert(const struct ike_pld *pl, struct ike_cert *c, char *err,
    size_t errlen);
void ike_put_cert(struct ike_buf *b, uint8_t pld_type, uint8_t encoding,
    const uint8_t *data, size_t len);

struct ike_notify {
	uint8_t        protocol;	/* 0, or IKE_PROTO_* with a SPI */
	uint16_t       type;
	const uint8_t *spi;
	size_t         spi_len;
	const uint8_t *data;
	size_t         len;
};
int ike_pld_notify(const struct ike_pld *pl, struct ike_notify *n,
    char *err, size_t errlen);
void ike_put_notify(struct ike_buf *b, uint8_t protocol, uint16_t type,
    const uint8_t *spi, size_t spi_len, const uint8_t *data, size_t len);

/* DELETE: an IKE SA (no SPIs) or ESP SAs (4-byte SPIs). */
struct ike_delete {
	uint8_t        protocol;
	uint8_t        spi_len;
	uint16_t       count;
	const uint8_t *spis;		/* count * spi_len bytes */
};
int ike_pld_delete(const struct ike_pld *pl, struct ike_delete *d,
    char *err, size_t errlen);
void ike_put_delete(struct ike_buf *b, uint8_t protocol,
    const uint32_t *spis, size_t n);

/* A traffic selector (RFC 7296 3.13.1): an address range and a port range
 * of one IP protocol (0: any). Addresses are in network order; IPv4 in the
 * first 4 bytes. */
struct ike_ts {
	uint8_t  type;			/* IKE_TS_IPV4_RANGE or _IPV6_ */
	uint8_t  proto;
	uint16_t sport, eport;
	uint8_t  start[16], end[16];
};
#define IKE_TS_MAX	16
int ike_pld_ts(const struct ike_pld *pl, struct ike_ts *ts, size_t max,
    size_t *n, char *err, size_t errlen);
void ike_put_ts(struct ike_buf *b, uint8_t pld_type, const struct ike_ts *ts,
    size_t n);
/* As strongSwan writes them: "10.1.0.0/24", "10.1.0.5..10.1.0.9", with
 * "[tcp/80]" or "[47]" or "[udp/500-510]" when
 * not all protocols and ports. */
int ike_ts_format(const struct ike_ts *ts, char *buf, size_t len);

#endif /* NICSEC_IKE_PLD_H */
