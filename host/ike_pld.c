/*
 * ike_pld.c - IKEv2 payload bodies, read and written.  See ike_pld.h.
 * Every reader checks each length against what is left before it reads,
 * and says where it stopped.
 */
#include "ike_pld.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "ike_err.h"

/* ---- SA ------------------------------------------------------------ */

#define PROP_HDR	8
#define XFORM_HDR	8

/* One transform's attributes: the key length, if any; -1 unknown ones. */
static int
xform_attrs(const uint8_t *p, size_t len, uint16_t *keylen)
{
	size_t off = 0;

	*keylen = 0;
	while (off < len) {
		uint16_t t, v;

		if (len - off < 4)
			return -2;		/* malformed */
		t = ike_get16(p + off);
		v = ike_get16(p + off + 2);
		if (!(t & IKE_ATTR_TV)) {
			/* TLV: v is the value's length; nothing nicsec knows
			 * comes so. */
			if (v > len - off - 4)
				return -2;
			off += 4 + v;
			return -1;
		}
		if ((t & ~IKE_ATTR_TV) != IKE_ATTR_KEY_LENGTH)
			return -1;
		*keylen = v;
		off += 4;
	}
	return 0;
}

static int
one_proposal(const uint8_t *p, size_t len, struct ike_sa_prop *sp, char *err,
    size_t errlen)
{
	uint8_t nxf = p[7];
	size_t off, i;

	memset(sp, 0, sizeof(*sp));
	sp->p.number = p[4];
	sp->p.protocol = p[5];
	sp->spi_len = p[6];
	if (sp->spi_len != 0 && sp->spi_len != 4 && sp->spi_len != 8)
		return ike_errf(err, errlen, "SA: proposal %u: SPI size %u (0, 4 "
		    "or 8)", p[4], sp->spi_len);
	if (len < (size_t)PROP_HDR + sp->spi_len)
		return ike_errf(err, errlen, "SA: proposal %u: its SPI does not "
		    "fit", p[4]);
	memcpy(sp->spi, p + PROP_HDR, sp->spi_len);
	off = PROP_HDR + sp->spi_len;
	for (i = 0; i < nxf; i++) {
		size_t xlen;
		uint8_t type;
		uint16_t id, keylen;
		int rc;

		if (len - off < XFORM_HDR)
			return ike_errf(err, errlen, "SA: proposal %u: transform %zu "
			    "of %u does not fit", sp->p.number, i + 1, nxf);
		xlen = ike_get16(p + off + 2);
		if (xlen < XFORM_HDR || xlen > len - off)
			return ike_errf(err, errlen, "SA: proposal %u: transform %zu "
			    "length %zu, %zu bytes left", sp->p.number, i + 1,
			    xlen, len - off);
		if (p[off] != (i + 1 == nxf ? IKE_XFORM_LAST : IKE_XFORM_MORE))
			return ike_errf(err, errlen, "SA: proposal %u: transform %zu "
			    "of %u says %s", sp->p.number, i + 1, nxf,
			    p[off] == IKE_XFORM_LAST ? "it is the last" :
			    "more follow");
		type = p[off + 4];
		id = ike_get16(p + off + 6);
		rc = xform_attrs(p + off + XFORM_HDR, xlen - XFORM_HDR, &keylen);
		if (rc == -2)
			return ike_errf(err, errlen, "SA: proposal %u: transform %zu: "
			    "malformed attributes", sp->p.number, i + 1);
		off += xlen;
		if (type == 0 || type >= IKE_XF_NTYPES) {
			sp->unusable = 1;	/* RFC 7296 3.3.6 */
			continue;
		}
		if (rc == -1)
			continue;		/* this alternative only */
		if (sp->p.n[type] == IKE_XF_MAX) {
			sp->unusable = 1;
			continue;
		}
		sp->p.xf[type][sp->p.n[type]].id = id;
		sp->p.xf[type][sp->p.n[type]++].keylen = keylen;
	}
	if (off != len)
		return ike_errf(err, errlen, "SA: proposal %u: %zu bytes after its "
		    "%u transforms", sp->p.number, len - off, nxf);
	return 0;
}

int
ike_pld_sa(const struct ike_pld *pl, struct ike_sa_prop *out, size_t max,
    size_t *n, char *err, size_t errlen)
{
	const uint8_t *p = pl->body;
	size_t off = 0, len = pl->len;
	int last = 0;

	*n = 0;
	if (len == 0)
		return ike_errf(err, errlen, "SA: no proposals");
	while (off < len && !last) {
		size_t plen;

		if (len - off < PROP_HDR)
			return ike_errf(err, errlen, "SA: proposal %zu does not fit",
			    *n + 1);
		plen = ike_get16(p + off + 2);
		if (plen < PROP_HDR || plen > len - off)
			return ike_errf(err, errlen, "SA: proposal %zu: length %zu, "
			    "%zu bytes left", *n + 1, plen, len - off);
		if (p[off] != IKE_PROP_LAST && p[off] != IKE_PROP_MORE)
			return ike_errf(err, errlen, "SA: proposal %zu: last "
			    "substructure %u (0 or 2)", *n + 1, p[off]);
		last = p[off] == IKE_PROP_LAST;
		if (*n == max)
			return ike_errf(err, errlen, "SA: more than %zu proposals",
			    max);
		if (one_proposal(p + off, plen, &out[*n], err, errlen) != 0)
			return -1;
		/* RFC 7296 3.3.1: each one more than the last.  The first is
		 * 1 in a request, but a response's one proposal keeps the
		 * number it had there. */
		if (*n > 0 && out[*n].p.number != out[*n - 1].p.number + 1)
			return ike_errf(err, errlen, "SA: proposal number %u after "
			    "%u", out[*n].p.number, out[*n - 1].p.number);
		(*n)++;
		off += plen;
	}
	if (off != len || !last)
		return ike_errf(err, errlen, "SA: %s after proposal %zu",
		    last ? "bytes" : "no last proposal", *n);
	return 0;
}

void
ike_put_sa(struct ike_buf *b, const struct ike_proposal *p, size_t n,
    const uint8_t *spi, size_t spi_len)
{
	size_t i;

	ike_buf_begin(b, IKE_PLD_SA, 0);
	for (i = 0; i < n; i++) {
		size_t start = b->len, nxf = 0, k, t, xstart;

		for (t = 1; t < IKE_XF_NTYPES; t++)
			nxf += p[i].n[t];
		ike_buf_u8(b, i + 1 == n ? IKE_PROP_LAST : IKE_PROP_MORE);
		ike_buf_u8(b, 0);
		ike_buf_u16(b, 0);		/* length, below */
		ike_buf_u8(b, p[i].number ? p[i].number : (uint8_t)(i + 1));
		ike_buf_u8(b, (uint8_t)p[i].protocol);
		ike_buf_u8(b, (uint8_t)spi_len);
		ike_buf_u8(b, (uint8_t)nxf);
		ike_buf_put(b, spi, spi_len);
		for (t = 1; t < IKE_XF_NTYPES; t++) {
			for (k = 0; k < p[i].n[t]; k++) {
				const struct ike_xform *x = &p[i].xf[t][k];

				xstart = b->len;
				ike_buf_u8(b, --nxf == 0 ? IKE_XFORM_LAST :
				    IKE_XFORM_MORE);
				ike_buf_u8(b, 0);
				ike_buf_u16(b, x->keylen ? 12 : 8);
				ike_buf_u8(b, (uint8_t)t);
				ike_buf_u8(b, 0);
				ike_buf_u16(b, x->id);
				if (x->keylen) {
					ike_buf_u16(b, IKE_ATTR_TV |
					    IKE_ATTR_KEY_LENGTH);
					ike_buf_u16(b, x->keylen);
				}
				(void)xstart;
			}
		}
		if (!b->overflow)
			ike_set16(b->p + start + 2, (uint16_t)(b->len - start));
	}
	ike_buf_end(b);
}

/* ---- KE, Nonce, ID, AUTH, CERT ------------------------------------- */

int
ike_pld_ke(const struct ike_pld *pl, struct ike_ke *ke, char *err,
    size_t errlen)
{
	if (pl->len < 4)
		return ike_errf(err, errlen, "KE: %zu bytes, shorter than its header",
		    pl->len);
	ke->group = ike_get16(pl->body);
	ke->data = pl->body + 4;
	ke->len = pl->len - 4;
	return 0;
}

void
ike_put_ke(struct ike_buf *b, uint16_t group, const uint8_t *data,
    size_t len)
{
	ike_buf_begin(b, IKE_PLD_KE, 0);
	ike_buf_u16(b, group);
	ike_buf_u16(b, 0);
	ike_buf_put(b, data, len);
	ike_buf_end(b);
}

int
ike_pld_nonce(const struct ike_pld *pl, const uint8_t **data, size_t *len,
    char *err, size_t errlen)
{
	if (pl->len < IKE_NONCE_MIN || pl->len > IKE_NONCE_MAX)
		return ike_errf(err, errlen, "nonce of %zu bytes (16 .. 256)",
		    pl->len);
	*data = pl->body;
	*len = pl->len;
	return 0;
}

int
ike_pld_id(const struct ike_pld *pl, struct ike_id *id, char *err,
    size_t errlen)
{
	if (pl->len < 5)
		return ike_errf(err, errlen, "%s: %zu bytes, too short for an ID",
		    ike_payload_name(pl->type), pl->len);
	id->type = pl->body[0];
	id->data = pl->body + 4;
	id->len = pl->len - 4;
	id->body = pl->body;
	id->body_len = pl->len;
	if ((id->type == IKE_ID_IPV4_ADDR && id->len != 4) ||
	    (id->type == IKE_ID_IPV6_ADDR && id->len != 16))
		return ike_errf(err, errlen, "%s: an %s address of %zu bytes",
		    ike_payload_name(pl->type), id->type == IKE_ID_IPV4_ADDR ?
		    "IPv4" : "IPv6", id->len);
	return 0;
}

void
ike_put_id(struct ike_buf *b, uint8_t pld_type, uint8_t id_type,
    const uint8_t *data, size_t len)
{
	ike_buf_begin(b, pld_type, 0);
	ike_buf_u32(b, (uint32_t)id_type << 24);
	ike_buf_put(b, data, len);
	ike_buf_end(b);
}

int
ike_pld_auth(const struct ike_pld *pl, struct ike_auth *a, char *err,
    size_t errlen)
{
	if (pl->len < 5)
		return ike_errf(err, errlen, "AUTH: %zu bytes, too short", pl->len);
	a->method = pl->body[0];
	a->data = pl->body + 4;
	a->len = pl->len - 4;
	return 0;
}

void
ike_put_auth(struct ike_buf *b, uint8_t method, const uint8_t *data,
    size_t len)
{
	ike_buf_begin(b, IKE_PLD_AUTH, 0);
	ike_buf_u32(b, (uint32_t)method << 24);
	ike_buf_put(b, data, len);
	ike_buf_end(b);
}

int
ike_pld_cert(const struct ike_pld *pl, struct ike_cert *c, char *err,
    size_t errlen)
{
	if (pl->len < 1)
		return ike_errf(err, errlen, "%s: empty", ike_payload_name(pl->type));
	c->encoding = pl->body[0];
	c->data = pl->body + 1;
	c->len = pl->len - 1;
	return 0;
}

void
ike_put_cert(struct ike_buf *b, uint8_t pld_type, uint8_t encoding,
    const uint8_t *data, size_t len)
{
	ike_buf_begin(b, pld_type, 0);
	ike_buf_u8(b, encoding);
	ike_buf_put(b, data, len);
	ike_buf_end(b);
}

/* ---- Notify, Delete ------------------------------------------------ */

int
ike_pld_notify(const struct ike_pld *pl, struct ike_notify *n, char *err,
    size_t errlen)
{
	if (pl->len < 4)
		return ike_errf(err, errlen, "N: %zu bytes, shorter than its header",
		    pl->len);
	n->protocol = pl->body[0];
	n->spi_len = pl->body[1];
	n->type = ike_get16(pl->body + 2);
	if (n->spi_len > pl->len - 4)
		return ike_errf(err, errlen, "N(%u): SPI size %zu, %zu bytes left",
		    n->type, n->spi_len, pl->len - 4);
	n->spi = pl->body + 4;
	n->data = pl->body + 4 + n->spi_len;
	n->len = pl->len - 4 - n->spi_len;
	return 0;
}

void
ike_put_notify(struct ike_buf *b, uint8_t protocol, uint16_t type,
    const uint8_t *spi, size_t spi_len, const uint8_t *data, size_t len)
{
	ike_buf_begin(b, IKE_PLD_NOTIFY, 0);
	ike_buf_u8(b, protocol);
	ike_buf_u8(b, (uint8_t)spi_len);
	ike_buf_u16(b, type);
	ike_buf_put(b, spi, spi_len);
	ike_buf_put(b, data, len);
	ike_buf_end(b);
}

int
ike_pld_delete(const struct ike_pld *pl, struct ike_delete *d, char *err,
    size_t errlen)
{
	if (pl->len < 4)
		return ike_errf(err, errlen, "D: %zu bytes, shorter than its header",
		    pl->len);
	d->protocol = pl->body[0];
	d->spi_len = pl->body[1];
	d->count = ike_get16(pl->body + 2);
	d->spis = pl->body + 4;
	if (d->protocol == IKE_PROTO_IKE) {
		if (d->spi_len != 0 || d->count != 0 || pl->len != 4)
			return ike_errf(err, errlen, "D: an IKE SA delete with SPIs "
			    "(size %u, %u of them)", d->spi_len, d->count);
	} else if (d->protocol == IKE_PROTO_ESP) {
		if (d->spi_len != 4 || (size_t)d->count * 4 != pl->len - 4)
			return ike_errf(err, errlen, "D: ESP, %u SPIs of %u bytes in "
			    "%zu bytes", d->count, d->spi_len, pl->len - 4);
	} else {
		return ike_errf(err, errlen, "D: protocol %u (IKE 1 or ESP 3)",
		    d->protocol);
	}
	return 0;
}

void
ike_put_delete(struct ike_buf *b, uint8_t protocol, const uint32_t *spis,
    size_t n)
{
	size_t i;

	ike_buf_begin(b, IKE_PLD_DELETE, 0);
	ike_buf_u8(b, protocol);
	ike_buf_u8(b, protocol == IKE_PROTO_IKE ? 0 : 4);
	ike_buf_u16(b, (uint16_t)(protocol == IKE_PROTO_IKE ? 0 : n));
	if (protocol != IKE_PROTO_IKE)
		for (i = 0; i < n; i++)
			ike_buf_u32(b, spis[i]);
	ike_buf_end(b);
}

/* ---- TS ------------------------------------------------------------ */

int
ike_pld_ts(const struct ike_pld *pl, struct ike_ts *ts, size_t max,
    size_t *n, char *err, size_t errlen)
{
	const char *name = ike_payload_name(pl->type);
	size_t off = 4, count, i, alen, tlen;

	*n = 0;
	if (pl->len < 4)
		return ike_errf(err, errlen, "%s: %zu bytes, shorter than its header",
		    name, pl->len);
	count = pl->body[0];
	if (count == 0)
		return ike_errf(err, errlen, "%s: no traffic selectors", name);
	if (count > max)
		return ike_errf(err, errlen, "%s: %zu traffic selectors, nicsec "
		    "takes up to %zu", name, count, max);
	for (i = 0; i < count; i++) {
		const uint8_t *p = pl->body + off;
		struct ike_ts *t = &ts[i];

		if (pl->len - off < 8)
			return ike_errf(err, errlen, "%s: selector %zu does not fit",
			    name, i + 1);
		memset(t, 0, sizeof(*t));
		t->type = p[0];
		t->proto = p[1];
		tlen = ike_get16(p + 2);
		if (t->type == IKE_TS_IPV4_RANGE)
			alen = 4;
		else if (t->type == IKE_TS_IPV6_RANGE)
			alen = 16;
		else
			return ike_errf(err, errlen, "%s: selector %zu of type %u "
			    "(7 IPv4, 8 IPv6)", name, i + 1, t->type);
		if (tlen != 8 + 2 * alen || tlen > pl->len - off)
			return ike_errf(err, errlen, "%s: selector %zu: length %zu",
			    name, i + 1, tlen);
		t->sport = ike_get16(p + 4);
		t->eport = ike_get16(p + 6);
		memcpy(t->start, p + 8, alen);
		memcpy(t->end, p + 8 + alen, alen);
		off += tlen;
	}
	if (off != pl->len)
		return ike_errf(err, errlen, "%s: %zu bytes after %zu selectors", name,
		    pl->len - off, count);
	*n = count;
	return 0;
}

void
ike_put_ts(struct ike_buf *b, uint8_t pld_type, const struct ike_ts *ts,
    size_t n)
{
	size_t i, alen;

	ike_buf_begin(b, pld_type, 0);
	ike_buf_u8(b, (uint8_t)n);
	ike_buf_u8(b, 0);
	ike_buf_u16(b, 0);
	for (i = 0; i < n; i++) {
		alen = ts[i].type == IKE_TS_IPV4_RANGE ? 4 : 16;
		ike_buf_u8(b, ts[i].type);
		ike_buf_u8(b, ts[i].proto);
		ike_buf_u16(b, (uint16_t)(8 + 2 * alen));
		ike_buf_u16(b, ts[i].sport);
		ike_buf_u16(b, ts[i].eport);
		ike_buf_put(b, ts[i].start, alen);
		ike_buf_put(b, ts[i].end, alen);
	}
	ike_buf_end(b);
}

/* The prefix length of start..end, or -1 if the range is no prefix. */
static int
range_plen(const uint8_t *s, const uint8_t *e, size_t alen)
{
	size_t bits = 8 * alen, i;
	int plen = -1;

	for (i = 0; i < bits; i++) {
		int sb = s[i / 8] >> (7 - i % 8) & 1;
		int eb = e[i / 8] >> (7 - i % 8) & 1;

		if (plen < 0 && sb != eb) {
			plen = (int)i;
		}
		if (plen >= 0 && (sb != 0 || eb != 1))
			return -1;
	}
	return plen < 0 ? (int)bits : plen;
}

int
ike_ts_format(const struct ike_ts *t, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], ports[40] = "";
	int fam = t->type == IKE_TS_IPV4_RANGE ? AF_INET : AF_INET6;
	size_t alen = fam == AF_INET ? 4 : 16;
	int plen = range_plen(t->start, t->end, alen);

	inet_ntop(fam, t->start, a, sizeof(a));
	inet_ntop(fam, t->end, b, sizeof(b));
	if (t->proto != 0 || t->sport != 0 || t->eport != 0xffff) {
		const char *pn = t->proto == 6 ? "tcp" : t->proto == 17 ?
		    "udp" : t->proto == 1 ? "icmp" : NULL;
		char pnum[8];

		snprintf(pnum, sizeof(pnum), "%u", t->proto);
		if (t->sport == 0 && t->eport == 0xffff)
			snprintf(ports, sizeof(ports), "[%s]", pn ? pn : pnum);
		else if (t->sport == t->eport)
			snprintf(ports, sizeof(ports), "[%s/%u]", pn ? pn : pnum,
			    t->sport);
		else
			snprintf(ports, sizeof(ports), "[%s/%u-%u]",
			    pn ? pn : pnum, t->sport, t->eport);
	}
	if (plen >= 0)
		return snprintf(buf, len, "%s/%d%s", a, plen, ports);
	return snprintf(buf, len, "%s..%s%s", a, b, ports);
}
