/*
 * init_probe - nicsecd's IKE_SA_INIT (host/ike_init.c) against a real peer
 * over UDP: sends the request, follows COOKIE and INVALID_KE_PAYLOAD rounds,
 * takes the response and derives the IKE SA's keys.  For
 * tests/ike/init_interop.sh, with strongSwan as the responder.
 *
 *	init_probe LOCAL_IP REMOTE_IP PROPOSALS
 *
 * Prints a line for each message ("sending IKE_SA_INIT request 0 [ SA KE
 * No N(NATD_S_IP) N(NATD_D_IP) ]"), then "established: SUITE, SPIs ...,
 * NAT ..." and exits 0; or the line that says why not, and exits 1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ike_init.h"

static int
addr(struct sockaddr_storage *ss, const char *ip, uint16_t port)
{
	struct sockaddr_in *s = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	s->sin_family = AF_INET;
	s->sin_port = htons(port);
	return inet_pton(AF_INET, ip, &s->sin_addr) == 1 ? 0 : -1;
}

static void
show(const char *what, const uint8_t *buf, size_t len)
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
main(int argc, char **argv)
{
	static uint8_t req[IKE_MSG_MAX], resp[IKE_MSG_MAX];
	struct ike_proposal ours[IKE_PROPOSALS_MAX];
	struct ike_sa sa;
	struct ike_msg m;
	char err[1024], suite[256];
	size_t n, len;
	int s, round;

	if (argc != 4) {
		fprintf(stderr, "usage: init_probe LOCAL_IP REMOTE_IP "
		    "PROPOSALS\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	if (addr(&sa.local, argv[1], 500) != 0 ||
	    addr(&sa.remote, argv[2], 500) != 0 ||
	    ike_xform_parse(IKE_PROTO_IKE, argv[3], ours, IKE_PROPOSALS_MAX,
	    &n, err, sizeof(err)) != 0) {
		fprintf(stderr, "init_probe: bad arguments %s\n", err);
		return 2;
	}
	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    bind(s, (struct sockaddr *)&sa.local,
	    sizeof(struct sockaddr_in)) != 0 ||
	    connect(s, (struct sockaddr *)&sa.remote,
	    sizeof(struct sockaddr_in)) != 0) {
		fprintf(stderr, "init_probe: socket: %s\n", strerror(errno));
		return 1;
	}
	if (ike_init_begin(&sa, ours, n, 0, err, sizeof(err)) != 0) {
		printf("init_probe: %s\n", err);
		return 1;
	}
	for (round = 0; round < 4; round++) {
		struct pollfd p = { .fd = s, .events = POLLIN };
		enum ike_init_result r;
		ssize_t got;
		int tries;

		if (ike_init_request(&sa, ours, n, req, sizeof(req), &len, err,
		    sizeof(err)) != 0) {
			printf("init_probe: %s\n", err);
			return 1;
		}
		/* a few sends a second apart: the peer may still be starting */
		for (tries = 0; tries < 5; tries++) {
			show("sending", req, len);
			if (send(s, req, len, 0) != (ssize_t)len) {
				printf("init_probe: send: %s\n", strerror(errno));
				return 1;
			}
			if (poll(&p, 1, 1000) == 1)
				break;
		}
		if (tries == 5) {
			printf("init_probe: no response from %s\n", argv[2]);
			return 1;
		}
		if ((got = recv(s, resp, sizeof(resp), 0)) < 0) {
			printf("init_probe: recv: %s\n", strerror(errno));
			return 1;
		}
		show("received", resp, (size_t)got);
		if (ike_msg_parse(resp, (size_t)got, &m, err, sizeof(err)) !=
		    IKE_OK) {
			printf("init_probe: %s\n", err);
			return 1;
		}
		r = ike_init_response_in(&sa, &m, ours, n, err, sizeof(err));
		if (r == IKE_INIT_RETRY) {
			printf("retry: %s\n", err);
			continue;
		}
		if (r != IKE_INIT_OK) {
			printf("failed: %s\n", err);
			return 1;
		}
		ike_xform_format(&sa.chosen, suite, sizeof(suite));
		printf("established: %s, SPIs %016llx_i %016llx_r, NAT %s\n",
		    suite, (unsigned long long)sa.spi_i,
		    (unsigned long long)sa.spi_r, sa.nat_local ? "here" :
		    sa.nat_remote ? "there" : "none");
		ike_sa_clear(&sa);
		return 0;
	}
	printf("failed: too many rounds\n");
	return 1;
}
