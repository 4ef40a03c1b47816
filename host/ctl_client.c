/*
 * ctl_client.c - see ctl_client.h.
 */
#include "ctl_client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *const commands[] = {
	"list-sas", "diagnose", "initiate", "terminate", "rekey", "reload", "log-level",
	NULL,
};

int
ctl_client(const char *path, int argc, char **argv)
{
	struct sockaddr_un sun;
	char line[4096], buf[4096];
	size_t n = 0, got = 0;
	char *body = NULL;
	ssize_t k;
	int fd, i, known = 0, status;

	for (i = 0; commands[i] != NULL; i++)
		known |= strcmp(argv[0], commands[i]) == 0;
	if (!known) {
		fprintf(stderr, "nicsecctl: unknown command '%s' (nicsecctl "
		    "--help)\n", argv[0]);
		return 2;
	}
	for (i = 0; i < argc; i++) {
		size_t w = strlen(argv[i]);

		if (w == 0 || strpbrk(argv[i], " \t\n") != NULL ||
		    n + w + 2 > sizeof(line)) {
			fprintf(stderr, "nicsecctl: bad argument '%s'\n",
			    argv[i]);
			return 2;
		}
		memcpy(line + n, argv[i], w);
		n += w;
		line[n++] = i + 1 < argc ? ' ' : '\n';
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "nicsecctl: socket path too long\n");
		return 2;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		fprintf(stderr, "nicsecctl: %s: %s (is nicsecd running?)\n",
		    path, strerror(errno));
		return 1;
	}
	if (write(fd, line, n) != (ssize_t)n) {
		fprintf(stderr, "nicsecctl: %s: %s\n", path, strerror(errno));
		close(fd);
		return 1;
	}
	while ((k = read(fd, buf, sizeof(buf))) > 0) {
		char *nb = realloc(body, got + (size_t)k + 1);

		if (nb == NULL) {
			free(body);
			close(fd);
			return 1;
		}
		body = nb;
		memcpy(body + got, buf, (size_t)k);
		got += (size_t)k;
	}
	close(fd);
	if (body == NULL || (body[got] = '\0', sscanf(body, "%d", &status)) !=
	    1 || strchr(body, '\n') == NULL) {
		fprintf(stderr, "nicsecctl: %s: no answer from nicsecd\n",
		    path);
		free(body);
		return 1;
	}
	fputs(strchr(body, '\n') + 1, status == 0 ? stdout : stderr);
	free(body);
	return status == 0 ? 0 : 1;
}
