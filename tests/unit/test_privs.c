/*
 * test_privs.c - host/privs.c drops what it should.
 *
 * Each case forks, since a drop can't be undone: the child drops and
 * reports what the kernel says it holds (/proc/self/status: CapEff,
 * CapPrm, CapInh, CapBnd, CapAmb, NoNewPrivs, Uid, Gid, Groups) and
 * whether it can still bind a port below 1024; the parent checks.  As
 * root only (skipped otherwise): a drop from nothing shows nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "privs.h"

/* A port below 1024 nothing here listens on. */
#define LOW_PORT	987

struct seen {
	int      rc;
	char     msg[256];
	unsigned long long eff, prm, inh, bnd, amb;
	int      nnp;
	unsigned uid, gid;
	int      ngroups;
	int      bind_errno;		/* 0: the bind worked */
	unsigned long long eff_before;
};

/* key's value in /proc/self/status (after "Key:"), in line; or NULL. */
static char *
status(const char *key, char *line, size_t cap)
{
	size_t n = strlen(key);
	FILE *f = fopen("/proc/self/status", "r");
	char *v = NULL;

	while (v == NULL && f != NULL && fgets(line, (int)cap, f) != NULL)
		if (strncmp(line, key, n) == 0 && line[n] == ':')
			v = line + n + 1;
	if (f != NULL)
		fclose(f);
	return v;
}

static unsigned long long
status_hex(const char *key)
{
	char line[512], *v = status(key, line, sizeof(line));

	return v != NULL ? strtoull(v, NULL, 16) : ~0ull;
}

/* The first number after key (Uid, Gid: the real one), or -1. */
static long
status_num(const char *key)
{
	char line[512], *v = status(key, line, sizeof(line));

	return v != NULL ? strtol(v, NULL, 10) : -1;
}

static int
groups_count(void)
{
	char line[512], *p, *v = status("Groups", line, sizeof(line));
	int n = 0;

	if (v != NULL)
		for (p = strtok(v, " \t\n"); p != NULL;
		    p = strtok(NULL, " \t\n"))
			n++;
	return n;
}

static int
bind_low(void)
{
	struct sockaddr_in a;
	int s = socket(AF_INET, SOCK_DGRAM, 0), e = 0;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(LOW_PORT);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) != 0)
		e = errno;
	close(s);
	return e;
}

/* Drops to user (NULL: stay root), keeping CAP_NET_BIND_SERVICE or not,
 * in a child; what it saw.  Skips the test unless we are root. */
static void
drop_in_child(const char *user, int keep_bind, struct seen *out)
{
	struct privs_cfg cfg = { user, keep_bind };
	int fd[2], st;
	pid_t pid;

	if (geteuid() != 0)
		skip();
	assert_int_equal(pipe(fd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct seen s;

		memset(&s, 0, sizeof(s));
		s.eff_before = status_hex("CapEff");
		s.rc = privs_drop(&cfg, s.msg, sizeof(s.msg));
		s.eff = status_hex("CapEff");
		s.prm = status_hex("CapPrm");
		s.inh = status_hex("CapInh");
		s.bnd = status_hex("CapBnd");
		s.amb = status_hex("CapAmb");
		s.nnp = (int)status_num("NoNewPrivs");
		s.uid = (unsigned)status_num("Uid");
		s.gid = (unsigned)status_num("Gid");
		s.ngroups = groups_count();
		s.bind_errno = bind_low();
		if (write(fd[1], &s, sizeof(s)) != (ssize_t)sizeof(s))
			_exit(1);
		_exit(0);
	}
	close(fd[1]);
	assert_int_equal(read(fd[0], out, sizeof(*out)), sizeof(*out));
	close(fd[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* Otherwise the test shows nothing. */
	assert_true(out->eff_before != 0);
}

/* Binding below this needs no capability in this namespace. */
static int
low_ports_privileged(void)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_unprivileged_port_start", "r");
	int v = 1024;

	if (f != NULL) {
		if (fscanf(f, "%d", &v) != 1)
			v = 1024;
		fclose(f);
	}
	return v > LOW_PORT;
}

static void
assert_all_gone(const struct seen *s)
{
	assert_int_equal(s->rc, 0);
	assert_true(s->eff == 0);
	assert_true(s->prm == 0);
	assert_true(s->inh == 0);
	assert_true(s->bnd == 0);
	assert_true(s->amb == 0);
	assert_int_equal(s->nnp, 1);
	if (low_ports_privileged())
		assert_int_equal(s->bind_errno, EACCES);
}

static void
test_stay_root_keep_nothing(void **state)
{
	struct seen s;

	(void)state;
	drop_in_child(NULL, 0, &s);
	assert_all_gone(&s);
	assert_int_equal(s.uid, 0);
	assert_non_null(strstr(s.msg, "no capabilities"));
}

static void
test_nobody_keeps_bind(void **state)
{
	struct seen s;

	(void)state;
	drop_in_child("nobody", 1, &s);
	assert_int_equal(s.rc, 0);
	/* CAP_NET_BIND_SERVICE is bit 10, and nothing else. */
	assert_true(s.eff == 1ull << 10);
	assert_true(s.prm == 1ull << 10);
	assert_true(s.inh == 0);
	assert_true(s.bnd == 0);
	assert_true(s.amb == 0);
	assert_int_equal(s.nnp, 1);
	assert_int_equal(s.uid, 65534);
	assert_int_equal(s.ngroups, 0);
	assert_int_equal(s.bind_errno, 0);
	assert_non_null(strstr(s.msg, "nobody"));
	assert_non_null(strstr(s.msg, "CAP_NET_BIND_SERVICE only"));
}

static void
test_nobody_keeps_nothing(void **state)
{
	struct seen s;

	(void)state;
	drop_in_child("nobody", 0, &s);
	assert_all_gone(&s);
	assert_int_equal(s.uid, 65534);
	assert_int_equal(s.ngroups, 0);
}

static void
test_unknown_user_changes_nothing(void **state)
{
	struct seen s;

	(void)state;
	drop_in_child("no-such-user-nicsec", 0, &s);
	assert_int_equal(s.rc, -1);
	assert_non_null(strstr(s.msg, "no user 'no-such-user-nicsec'"));
	assert_true(s.eff == s.eff_before);
	assert_int_equal(s.uid, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stay_root_keep_nothing),
		cmocka_unit_test(test_nobody_keeps_bind),
		cmocka_unit_test(test_nobody_keeps_nothing),
		cmocka_unit_test(test_unknown_user_changes_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
