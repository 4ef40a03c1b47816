/*
 * ike_dump - IKEv2 messages through host/ike_msg.c and host/ike_pld.c, one
 * canonical line each, for tests/unit/ike_msg_scapy.py to hold against
 * what scapy made or dissects.
 *
 *	ike_dump parse < HEX_LINES	one dump line a message, or "error: ..."
 *	ike_dump build < DUMP_LINES	the message a dump line describes, in hex
 *
 * A dump line is the header, then one item a payload, " | " between:
 *	hdr SPI_I SPI_R EXCH FLAGS MSGID
 *	SA PROTO:SPI:T=ID/KEYLEN,T=ID,... [; next proposal]  (SPI hex or -)
 *	KE GROUP HEX   No HEX   V HEX   N PROTO TYPE SPI DATA   (hex or -)
 *	IDi TYPE HEX   IDr TYPE HEX   AUTH METHOD HEX   CERT ENC HEX
 *	D PROTO SPI,SPI,...   TSi TYPE/PROTO/SPORT-EPORT/START-END,...
 * The build mode writes exactly those payloads, so a line that parses back
 * to itself has been through both halves.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike_msg.h"
#include "ike_pld.h"

static void
hex(FILE *f, const uint8_t *p, size_t n)
{
	size_t i;

	if (n == 0)
		fputc('-', f);
	for (i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

static size_t
unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned v;

	if (strcmp(s, "-") == 0)
		return 0;
	while (s[0] && s[1] && n < cap && sscanf(s, "%2x", &v) == 1) {
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

static int
dump(const uint8_t *buf, size_t len)
{
	struct ike_msg m;
	char err[256];
	size_t i, j, k, n;
	int t;

	if (ike_msg_parse(buf, len, &m, err, sizeof(err)) != IKE_OK) {
		printf("error: %s\n", err);
		return 0;
	}
	printf("hdr %016llx %016llx %u %02x %u",
	    (unsigned long long)m.hdr.spi_i, (unsigned long long)m.hdr.spi_r,
	    m.hdr.exchange, m.hdr.flags, m.hdr.msgid);
	for (i = 0; i < m.npld; i++) {
		const struct ike_pld *p = &m.pld[i];
		const char *name = ike_payload_name(p->type);

		printf(" | ");
		switch (p->type) {
		case IKE_PLD_SA: {
			struct ike_sa_prop sp[IKE_PROPOSALS_MAX];

			if (ike_pld_sa(p, sp, IKE_PROPOSALS_MAX, &n, err,
			    sizeof(err)) != 0)
				goto bad;
			printf("SA ");
			for (j = 0; j < n; j++) {
				int first = 1;

				printf("%s%d:", j ? "; " : "", sp[j].p.protocol);
				hex(stdout, sp[j].spi, sp[j].spi_len);
				printf(":");
				for (t = 1; t < IKE_XF_NTYPES; t++)
					for (k = 0; k < sp[j].p.n[t]; k++) {
						printf("%s%d=%u", first ? "" : ",", t,
						    sp[j].p.xf[t][k].id);
						if (sp[j].p.xf[t][k].keylen)
							printf("/%u",
							    sp[j].p.xf[t][k].keylen);
						first = 0;
					}
			}
			break;
		}
		case IKE_PLD_KE: {
			struct ike_ke ke;

			if (ike_pld_ke(p, &ke, err, sizeof(err)) != 0)
				goto bad;
			printf("KE %u ", ke.group);
			hex(stdout, ke.data, ke.len);
			break;
		}
		case IKE_PLD_NONCE: {
			const uint8_t *d;

			if (ike_pld_nonce(p, &d, &n, err, sizeof(err)) != 0)
				goto bad;
			printf("No ");
			hex(stdout, d, n);
			break;
		}
		case IKE_PLD_IDI:
		case IKE_PLD_IDR: {
			struct ike_id id;

			if (ike_pld_id(p, &id, err, sizeof(err)) != 0)
				goto bad;
			printf("%s %u ", name, id.type);
			hex(stdout, id.data, id.len);
			break;
		}
		case IKE_PLD_AUTH: {
			struct ike_auth a;

			if (ike_pld_auth(p, &a, err, sizeof(err)) != 0)
				goto bad;
			printf("AUTH %u ", a.method);
			hex(stdout, a.data, a.len);
			break;
		}
		case IKE_PLD_CERT:
		case IKE_PLD_CERTREQ: {
			struct ike_cert c;

			if (ike_pld_cert(p, &c, err, sizeof(err)) != 0)
				goto bad;
			printf("%s %u ", name, c.encoding);
			hex(stdout, c.data, c.len);
			break;
		}
		case IKE_PLD_NOTIFY: {
			struct ike_notify no;

			if (ike_pld_notify(p, &no, err, sizeof(err)) != 0)
				goto bad;
			printf("N %u %u ", no.protocol, no.type);
			hex(stdout, no.spi, no.spi_len);
			printf(" ");
			hex(stdout, no.data, no.len);
			break;
		}
		case IKE_PLD_DELETE: {
			struct ike_delete d;

			if (ike_pld_delete(p, &d, err, sizeof(err)) != 0)
				goto bad;
			printf("D %u ", d.protocol);
			if (d.count == 0)
				printf("-");
			for (j = 0; j < d.count; j++)
				printf("%s%08x", j ? "," : "",
				    ike_get32(d.spis + 4 * j));
			break;
		}
		case IKE_PLD_TSI:
		case IKE_PLD_TSR: {
			struct ike_ts ts[IKE_TS_MAX];
			char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

			if (ike_pld_ts(p, ts, IKE_TS_MAX, &n, err,
			    sizeof(err)) != 0)
				goto bad;
			printf("%s ", name);
			for (j = 0; j < n; j++) {
				int fam = ts[j].type == IKE_TS_IPV4_RANGE ?
				    AF_INET : AF_INET6;

				inet_ntop(fam, ts[j].start, a, sizeof(a));
				inet_ntop(fam, ts[j].end, b, sizeof(b));
				printf("%s%u/%u/%u-%u/%s-%s", j ? "," : "",
				    ts[j].type, ts[j].proto, ts[j].sport,
				    ts[j].eport, a, b);
			}
			break;
		}
		case IKE_PLD_VENDOR:
			printf("V ");
			hex(stdout, p->body, p->len);
			break;
		default:
			printf("%s %zu", name, p->len);
		}
	}
	printf("\n");
	return 0;
bad:
	printf(" error: %s\n", err);
	return 0;
}

/* ---- build --------------------------------------------------------- */

static int
put_item(struct ike_buf *b, char *item)
{
	static uint8_t d1[4096], d2[4096];
	char *w[8] = { 0 }, *save;
	size_t nw = 0, n1, n2;

	if (strncmp(item, "SA ", 3) == 0) {
		struct ike_proposal p[IKE_PROPOSALS_MAX];
		uint8_t spi[8] = { 0 };
		size_t np = 0, spi_len = 0;
		char *ps, *s2;

		/* proposals separated by ';', the rest of the item */
		for (char *prop = strtok_r(item + 3, ";", &ps);
		    prop && np < IKE_PROPOSALS_MAX;
		    prop = strtok_r(NULL, ";", &ps)) {
			char *proto, *spihex, *xfs;

			while (*prop == ' ')
				prop++;
			memset(&p[np], 0, sizeof(p[np]));
			proto = strtok_r(prop, ":", &s2);
			spihex = strtok_r(NULL, ":", &s2);
			xfs = strtok_r(NULL, ":", &s2);
			if (!proto || !spihex || !xfs)
				return -1;
			p[np].protocol = atoi(proto);
			spi_len = unhex(spihex, spi, 8);
			for (char *x = strtok_r(xfs, ",", &s2); x;
			    x = strtok_r(NULL, ",", &s2)) {
				unsigned t, id, kl = 0;

				if (sscanf(x, "%u=%u/%u", &t, &id, &kl) < 2 ||
				    t == 0 || t >= IKE_XF_NTYPES)
					return -1;
				p[np].xf[t][p[np].n[t]].id = (uint16_t)id;
				p[np].xf[t][p[np].n[t]++].keylen = (uint16_t)kl;
			}
			np++;
		}
		ike_put_sa(b, p, np, spi, spi_len);
		return 0;
	}
	for (char *t = strtok_r(item, " ", &save); t && nw < 8;
	    t = strtok_r(NULL, " ", &save))
		w[nw++] = t;
	if (nw == 0)
		return -1;
	if (strcmp(w[0], "KE") == 0 && nw == 3) {
		n1 = unhex(w[2], d1, sizeof(d1));
		ike_put_ke(b, (uint16_t)atoi(w[1]), d1, n1);
	} else if (strcmp(w[0], "No") == 0 && nw == 2) {
		n1 = unhex(w[1], d1, sizeof(d1));
		ike_buf_begin(b, IKE_PLD_NONCE, 0);
		ike_buf_put(b, d1, n1);
		ike_buf_end(b);
	} else if (strcmp(w[0], "V") == 0 && nw == 2) {
		n1 = unhex(w[1], d1, sizeof(d1));
		ike_buf_begin(b, IKE_PLD_VENDOR, 0);
		ike_buf_put(b, d1, n1);
		ike_buf_end(b);
	} else if ((strcmp(w[0], "IDi") == 0 || strcmp(w[0], "IDr") == 0) &&
	    nw == 3) {
		n1 = unhex(w[2], d1, sizeof(d1));
		ike_put_id(b, w[0][2] == 'i' ? IKE_PLD_IDI : IKE_PLD_IDR,
		    (uint8_t)atoi(w[1]), d1, n1);
	} else if (strcmp(w[0], "AUTH") == 0 && nw == 3) {
		n1 = unhex(w[2], d1, sizeof(d1));
		ike_put_auth(b, (uint8_t)atoi(w[1]), d1, n1);
	} else if ((strcmp(w[0], "CERT") == 0 || strcmp(w[0], "CERTREQ") == 0)
	    && nw == 3) {
		n1 = unhex(w[2], d1, sizeof(d1));
		ike_put_cert(b, strcmp(w[0], "CERT") == 0 ? IKE_PLD_CERT :
		    IKE_PLD_CERTREQ, (uint8_t)atoi(w[1]), d1, n1);
	} else if (strcmp(w[0], "N") == 0 && nw == 5) {
		n1 = unhex(w[3], d1, sizeof(d1));
		n2 = unhex(w[4], d2, sizeof(d2));
		ike_put_notify(b, (uint8_t)atoi(w[1]), (uint16_t)atoi(w[2]), d1,
		    n1, d2, n2);
	} else if (strcmp(w[0], "D") == 0 && nw == 3) {
		uint32_t spis[256];
		size_t n = 0;
		char *s2;

		if (strcmp(w[2], "-") != 0)
			for (char *x = strtok_r(w[2], ",", &s2); x && n < 256;
			    x = strtok_r(NULL, ",", &s2))
				spis[n++] = (uint32_t)strtoul(x, NULL, 16);
		ike_put_delete(b, (uint8_t)atoi(w[1]), spis, n);
	} else if ((strcmp(w[0], "TSi") == 0 || strcmp(w[0], "TSr") == 0) &&
	    nw == 2) {
		struct ike_ts ts[IKE_TS_MAX];
		size_t n = 0;
		char *s2;

		for (char *x = strtok_r(w[1], ",", &s2); x && n < IKE_TS_MAX;
		    x = strtok_r(NULL, ",", &s2)) {
			unsigned type, proto, sp, ep;
			char a[64], c[64];

			memset(&ts[n], 0, sizeof(ts[n]));
			if (sscanf(x, "%u/%u/%u-%u/%63[^-]-%63s", &type, &proto,
			    &sp, &ep, a, c) != 6)
				return -1;
			ts[n].type = (uint8_t)type;
			ts[n].proto = (uint8_t)proto;
			ts[n].sport = (uint16_t)sp;
			ts[n].eport = (uint16_t)ep;
			inet_pton(type == IKE_TS_IPV4_RANGE ? AF_INET : AF_INET6,
			    a, ts[n].start);
			inet_pton(type == IKE_TS_IPV4_RANGE ? AF_INET : AF_INET6,
			    c, ts[n].end);
			n++;
		}
		ike_put_ts(b, w[0][2] == 'i' ? IKE_PLD_TSI : IKE_PLD_TSR, ts,
		    n);
	} else {
		return -1;
	}
	return 0;
}

static int
build(char *line)
{
	static uint8_t msg[IKE_MSG_MAX];
	struct ike_buf b;
	struct ike_hdr h;
	char *items[IKE_MSG_PLD_MAX + 1], *save;
	unsigned long long si, sr;
	unsigned ex, fl, id;
	size_t n = 0, i;

	for (char *t = strtok_r(line, "|", &save); t && n <= IKE_MSG_PLD_MAX;
	    t = strtok_r(NULL, "|", &save)) {
		while (*t == ' ')
			t++;
		t[strcspn(t, "\n")] = '\0';
		for (size_t e = strlen(t); e > 0 && t[e - 1] == ' '; e--)
			t[e - 1] = '\0';
		items[n++] = t;
	}
	if (n == 0 || sscanf(items[0], "hdr %llx %llx %u %x %u", &si, &sr, &ex,
	    &fl, &id) != 5) {
		printf("error: bad header item\n");
		return 0;
	}
	memset(&h, 0, sizeof(h));
	h.spi_i = si;
	h.spi_r = sr;
	h.exchange = (uint8_t)ex;
	h.flags = (uint8_t)fl;
	h.msgid = id;
	ike_buf_init(&b, msg, sizeof(msg));
	ike_buf_hdr(&b, &h);
	for (i = 1; i < n; i++)
		if (put_item(&b, items[i]) != 0) {
			printf("error: bad item %zu\n", i);
			return 0;
		}
	if (ike_buf_finish(&b) != 0) {
		printf("error: overflow\n");
		return 0;
	}
	hex(stdout, msg, b.len);
	printf("\n");
	return 0;
}

int
main(int argc, char **argv)
{
	static char line[1 << 18];
	static uint8_t buf[IKE_MSG_MAX + 64];

	if (argc != 2 || (strcmp(argv[1], "parse") != 0 &&
	    strcmp(argv[1], "build") != 0)) {
		fprintf(stderr, "usage: ike_dump parse|build < LINES\n");
		return 2;
	}
	while (fgets(line, sizeof(line), stdin) != NULL) {
		if (argv[1][0] == 'p') {
			line[strcspn(line, "\n")] = '\0';
			dump(buf, unhex(line, buf, sizeof(buf)));
		} else {
			build(line);
		}
		fflush(stdout);
	}
	return 0;
}
