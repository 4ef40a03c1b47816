/*
 * probe_util - the UDP side shared by tests/ike/init_probe.c and
 * tests/ike/child_probe.c (probe_util.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "ike_init.h"
#include "ike_msg.h"
#include "ike_wire.h"
#include "probe_util.h"

int
probe_addr(struct sockaddr_storage *ss, const char *ip, uint16_t port)
{
	struct sockaddr_in *s = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	s->sin_family = AF_INET;
	s->sin_port = htons(port);
	return inet_pton(AF_INET, ip, &s->sin_addr) == 1 ? 0 : -1;
}

int
probe_args(const char *who, char **argv, int n, struct probe_args *a)
{
	char err[512] = "";

	memset(a, 0, sizeof(*a));
	if (probe_addr(&a->local, argv[0], 500) != 0 ||
	    probe_addr(&a->remote, argv[1], 500) != 0 ||
	    ike_xform_parse(IKE_PROTO_IKE, argv[2], a->ike, IKE_PROPOSALS_MAX,
	    &a->nike, err, sizeof(err)) != 0 ||
	    (n == 6 && (ike_xform_parse(IKE_PROTO_ESP, argv[3], a->esp,
	    IKE_PROPOSALS_MAX, &a->nesp, err, sizeof(err)) != 0 ||
	    probe_ts_cidr(argv[4], &a->local_ts) != 0 ||
	    probe_ts_cidr(argv[5], &a->remote_ts) != 0))) {
		fprintf(stderr, "%s: bad arguments %s\n", who, err);
		return -1;
	}
	return 0;
}

void
probe_show(const char *what, const uint8_t *buf, size_t len)
{
	struct ike_msg m;
	char err[256], line[512];

	if (ike_msg_parse(buf, len, &m, err, sizeof(err)) != IKE_OK) {
		printf("%s a message that does not parse: %s\n", what, err);
		return;
	}
	ike_msg_summary(&m, line, sizeof(line));
	printf("%s %s\n", what, line);
}

int
probe_ts_cidr(const char *s, struct ike_ts *t)
{
	char a[32];
	unsigned plen;
	uint32_t v, mask;

	memset(t, 0, sizeof(*t));
	if (sscanf(s, "%31[^/]/%u", a, &plen) != 2 || plen > 32 ||
	    inet_pton(AF_INET, a, t->start) != 1)
		return -1;
	memcpy(&v, t->start, 4);
	mask = plen ? htonl(~0u << (32 - plen)) : 0;
	v = (v & mask) | ~mask;
	memcpy(t->end, &v, 4);
	t->type = IKE_TS_IPV4_RANGE;
	t->eport = 0xffff;
	return 0;
}

size_t
probe_exchange(int s, const uint8_t *req, size_t len, uint8_t *resp,
    size_t cap)
{
	struct pollfd p = { .fd = s, .events = POLLIN };
	struct ike_msg m, q;
	char err[256];
	ssize_t got;

	if (ike_msg_parse(req, len, &q, err, sizeof(err)) != IKE_OK) {
		printf("failed: our request does not parse: %s\n", err);
		return 0;
	}
	for (int tries = 0; tries < 5; tries++) {
		probe_show("sending", req, len);
		if (send(s, req, len, 0) != (ssize_t)len) {
			printf("failed: send: %s\n", strerror(errno));
			return 0;
		}
		while (poll(&p, 1, 1000) == 1) {
			if ((got = recv(s, resp, cap, 0)) <= 0) {
				printf("failed: recv: %s\n", got < 0 ?
				    strerror(errno) : "nothing");
				return 0;
			}
			if (ike_msg_parse(resp, (size_t)got, &m, err,
			    sizeof(err)) != IKE_OK)
				continue;
			probe_show("received", resp, (size_t)got);
			if ((m.hdr.flags & IKE_FLAG_RESPONSE) &&
			    m.hdr.msgid == q.hdr.msgid &&
			    m.hdr.spi_i == q.hdr.spi_i)
				return (size_t)got;
		}
	}
	printf("failed: no response to %s %u\n",
	    ike_exchange_name(q.hdr.exchange), q.hdr.msgid);
	return 0;
}

int
probe_connect(const char *who, const struct ike_sa *sa)
{
	int s;

	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    bind(s, (const struct sockaddr *)&sa->local,
	    sizeof(struct sockaddr_in)) != 0 ||
	    connect(s, (const struct sockaddr *)&sa->remote,
	    sizeof(struct sockaddr_in)) != 0) {
		fprintf(stderr, "%s: socket: %s\n", who, strerror(errno));
		return -1;
	}
	return s;
}

int
probe_ike_init(int s, struct ike_sa *sa, const struct ike_proposal *ours,
    size_t n)
{
	static uint8_t req[IKE_MSG_MAX], resp[IKE_MSG_MAX];
	enum ike_init_result r;
	struct ike_msg m;
	char err[1024];
	size_t len, got;

	if (ike_init_begin(sa, ours, n, 0, err, sizeof(err)) != 0) {
		printf("failed: %s\n", err);
		return -1;
	}
	for (int round = 0; round < 4; round++) {
		if (ike_init_request(sa, ours, n, req, sizeof(req), &len, err,
		    sizeof(err)) != 0) {
			printf("failed: %s\n", err);
			return -1;
		}
		if ((got = probe_exchange(s, req, len, resp,
		    sizeof(resp))) == 0)
			return -1;
		if (ike_msg_parse(resp, got, &m, err, sizeof(err)) != IKE_OK) {
			printf("failed: %s\n", err);
			return -1;
		}
		r = ike_init_response_in(sa, &m, ours, n, err, sizeof(err));
		if (r == IKE_INIT_OK)
			return 0;
		if (r != IKE_INIT_RETRY) {
			printf("failed: %s\n", err);
			return -1;
		}
		printf("retry: %s\n", err);
	}
	printf("failed: too many rounds\n");
	return -1;
}

int
probe_listen(const char *who, const struct sockaddr_storage *local, int s[2],
    struct pollfd p[2])
{
	struct sockaddr_storage at = *local;

	for (int k = 0; k < 2; k++) {
		((struct sockaddr_in *)&at)->sin_port = htons(k ? 4500 : 500);
		if ((s[k] = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
		    bind(s[k], (struct sockaddr *)&at,
		    sizeof(struct sockaddr_in)) != 0) {
			fprintf(stderr, "%s: socket: %s\n", who,
			    strerror(errno));
			return -1;
		}
		p[k].fd = s[k];
		p[k].events = POLLIN;
	}
	return 0;
}

ssize_t
probe_request(const struct pollfd p[2], uint8_t *msg, size_t cap,
    struct ike_msg *m, struct sockaddr_storage *from, int *natt)
{
	struct pollfd q[2] = { p[0], p[1] };
	socklen_t fl = sizeof(*from);
	char err[256];
	ssize_t got;
	int k;

	if (poll(q, 2, 100) <= 0)
		return -1;
	k = *natt = (q[0].revents & POLLIN) ? 0 : 1;
	got = recvfrom(q[k].fd, msg, cap, 0, (struct sockaddr *)from, &fl);
	if (got > 0 && k) {
		if (got < IKE_NON_ESP_MARKER + IKE_HDR_LEN ||
		    memcmp(msg, "\0\0\0\0", IKE_NON_ESP_MARKER) != 0)
			return 0;
		got -= IKE_NON_ESP_MARKER;
		memmove(msg, msg + IKE_NON_ESP_MARKER, (size_t)got);
	}
	if (got <= 0 || ike_msg_parse(msg, (size_t)got, m, err,
	    sizeof(err)) != IKE_OK || (m->hdr.flags & IKE_FLAG_RESPONSE))
		return 0;
	probe_show("received", msg, (size_t)got);
	return got;
}

int
probe_send_ike(int s, int natt, const uint8_t *msg, size_t len,
    const struct sockaddr_storage *to)
{
	static uint8_t buf[IKE_NON_ESP_MARKER + IKE_MSG_MAX];
	size_t off = natt ? IKE_NON_ESP_MARKER : 0;

	probe_show("sending", msg, len);
	memset(buf, 0, IKE_NON_ESP_MARKER);
	memcpy(buf + off, msg, len);
	return sendto(s, buf, len + off, 0, (const struct sockaddr *)to,
	    sizeof(struct sockaddr_in)) == (ssize_t)(len + off) ? 0 : -1;
}
