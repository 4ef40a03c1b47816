/*
 * ctl_server.c - see ctl_server.h.
 */
#define _GNU_SOURCE
#include "ctl_server.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ike_err.h"
#include "log.h"

#define CTL_LINE_MAX	4096
#define CTL_ARGS_MAX	16

int
ctl_listen(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return ike_errf(err, errlen, "control socket path %s is too "
		    "long", path);
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) < 0)
		return ike_errf(err, errlen, "socket: %s", strerror(errno));
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
	    chmod(path, 0660) != 0 || listen(fd, 8) != 0) {
		ike_errf(err, errlen, "control socket %s: %s", path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* The value after flag in argv, or NULL. */
static const char *
opt(int argc, char **argv, const char *flag)
{
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], flag) == 0)
			return argv[i + 1];
	return NULL;
}

static int
has(int argc, char **argv, const char *flag)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], flag) == 0)
			return 1;
	return 0;
}

/* Every word must be a known flag or a flag's value. */
static int
check_flags(int argc, char **argv, const char *const *valued,
    const char *const *bare, FILE *out)
{
	for (int i = 1; i < argc; i++) {
		int ok = 0;

		for (const char *const *v = valued; v && *v; v++)
			if (strcmp(argv[i], *v) == 0 && i + 1 < argc) {
				ok = 1;
				i++;
				break;
			}
		for (const char *const *b = bare; !ok && b && *b; b++)
			if (strcmp(argv[i], *b) == 0)
				ok = 1;
		if (!ok) {
			fprintf(out, "%s: unexpected '%s' (nicsecctl --help)\n",
			    argv[0], argv[i]);
			return -1;
		}
	}
	return 0;
}

int
ctl_run(struct daemon *d, int argc, char **argv, const char *conf_path,
    FILE *out)
{
	static const char *const ike_child[] = { "--ike", "--child", NULL };
	static const char *const json[] = { "--json", NULL };
	const char *cmd = argv[0];
	int lvl;

	if (argc == 0) {
		fprintf(out, "no command\n");
		return 1;
	}
	if (strcmp(cmd, "list-sas") == 0) {
		if (check_flags(argc, argv, NULL, json, out) != 0)
			return 1;
		dmn_list_sas(d, has(argc, argv, "--json"), out);
		return 0;
	}
	if (strcmp(cmd, "diagnose") == 0) {
		const char *conn = NULL;

		/* one connection's name, or none: all of them */
		for (int i = 1; i < argc; i++) {
			if (strcmp(argv[i], "--json") == 0)
				continue;
			if (conn != NULL || argv[i][0] == '-') {
				fprintf(out, "diagnose: unexpected '%s' "
				    "(nicsecctl --help)\n", argv[i]);
				return 1;
			}
			conn = argv[i];
		}
		return dmn_diagnose(d, conn, has(argc, argv, "--json"), out);
	}
	if (strcmp(cmd, "initiate") == 0 || strcmp(cmd, "terminate") == 0 ||
	    strcmp(cmd, "rekey") == 0) {
		const char *ike, *child;

		if (check_flags(argc, argv, ike_child, NULL, out) != 0)
			return 1;
		ike = opt(argc, argv, "--ike");
		child = opt(argc, argv, "--child");
		if (cmd[0] == 'i')
			return dmn_initiate(d, child, ike, out);
		if (cmd[0] == 't')
			return dmn_terminate(d, ike, child, out);
		return dmn_rekey(d, ike, child, out);
	}
	if (strcmp(cmd, "reload") == 0) {
		if (check_flags(argc, argv, NULL, NULL, out) != 0)
			return 1;
		return dmn_reload(d, conf_path, out);
	}
	if (strcmp(cmd, "log-level") == 0) {
		if (argc == 1) {
			fprintf(out, "%s\n", log_level_name(log_level()));
			return 0;
		}
		if (argc != 2 || (lvl = log_level_parse(argv[1])) < 0) {
			fprintf(out, "log-level: '%s' is not error, info or "
			    "debug\n", argc > 1 ? argv[1] : "");
			return 1;
		}
		log_level_set(lvl);
		log_info(NULL, "log level set to %s", argv[1]);
		fprintf(out, "log level %s\n", argv[1]);
		return 0;
	}
	fprintf(out, "unknown command '%s' (nicsecctl --help)\n", cmd);
	return 1;
}

/* Reads one line, waiting at most a second: a client that sends nothing
 * must not hold the daemon up. */
static ssize_t
read_line(int fd, char *buf, size_t cap)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t n = 0;
	ssize_t k;

	while (n + 1 < cap) {
		if (poll(&p, 1, 1000) != 1)
			return -1;
		if ((k = read(fd, buf + n, cap - 1 - n)) <= 0)
			break;
		n += (size_t)k;
		if (memchr(buf, '\n', n) != NULL)
			break;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return (ssize_t)n;
}

static void
write_all(int fd, const char *p, size_t n)
{
	struct pollfd pf = { .fd = fd, .events = POLLOUT };
	ssize_t k;

	while (n > 0) {
		if ((k = write(fd, p, n)) < 0) {
			if (errno == EAGAIN && poll(&pf, 1, 1000) == 1)
				continue;
			return;
		}
		p += k;
		n -= (size_t)k;
	}
}

void
ctl_serve(struct daemon *d, int lfd, const char *conf_path)
{
	char line[CTL_LINE_MAX], *argv[CTL_ARGS_MAX + 1], *save, *w, head[16];
	char *body = NULL;
	size_t blen = 0;
	int fd, argc = 0, rc;
	FILE *out;

	if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) < 0)
		return;
	if (read_line(fd, line, sizeof(line)) < 0) {
		close(fd);
		return;
	}
	for (w = strtok_r(line, " \t", &save); w != NULL && argc < CTL_ARGS_MAX;
	    w = strtok_r(NULL, " \t", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	if ((out = open_memstream(&body, &blen)) == NULL) {
		close(fd);
		return;
	}
	if (w != NULL) {
		fprintf(out, "too many words in the command\n");
		rc = 1;
	} else {
		rc = ctl_run(d, argc, argv, conf_path, out);
	}
	fclose(out);
	snprintf(head, sizeof(head), "%d\n", rc);
	write_all(fd, head, strlen(head));
	write_all(fd, body, blen);
	free(body);
	close(fd);
}
