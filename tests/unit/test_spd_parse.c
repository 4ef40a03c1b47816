/*
 * test_spd_parse.c - policy rule lines (src PFX dst PFX [proto P] action A).
 *
 * Good lines read field by field (IPv4 and IPv6, keywords in any order,
 * protocol names and numbers, comments); each bad line refused with a message
 * naming what is wrong; a file's error names its path and line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "scratch.h"
#include "spd_parse.h"

static void
parse_ok(const char *line, struct nicsec_spd_rule *r)
{
	char err[512];
	int rc = spd_parse_line(line, r, err, sizeof(err));

	if (rc != 1)
		fail_msg("spd_parse_line returned %d: %s\n  line: %s", rc, err,
		    line);
}

static void
assert_addr(int family, const uint8_t *got, const char *want)
{
	uint8_t w[16] = { 0 };

	assert_int_equal(inet_pton(family, want, w), 1);
	assert_memory_equal(got, w, 16);
}

static void
test_v4(void **state)
{
	struct nicsec_spd_rule r;

	(void)state;
	parse_ok("src 10.1.0.0/24 dst 10.9.0.0/16 proto udp action bypass\n",
	    &r);
	assert_int_equal(r.family, AF_INET);
	assert_addr(AF_INET, r.src, "10.1.0.0");
	assert_addr(AF_INET, r.dst, "10.9.0.0");
	assert_int_equal(r.src_plen, 24);
	assert_int_equal(r.dst_plen, 16);
	assert_int_equal(r.proto, 17);
	assert_int_equal(r.action, SPD_BYPASS);
	assert_string_equal(spd_action_name(r.action), "bypass");
	assert_int_equal(r.spi, 0);
}

static void
test_protect(void **state)
{
	struct nicsec_spd_rule r;

	(void)state;
	parse_ok("spi 0xc0000001 src 10.1.0.0/24 dst 10.2.0.0/24 action "
	    "protect", &r);
	assert_int_equal(r.action, SPD_PROTECT);
	assert_int_equal(r.spi, 0xc0000001u);
	assert_int_equal(r.proto, -1);
	assert_string_equal(spd_action_name(r.action), "protect");
}

static void
test_v6_any_order(void **state)
{
	struct nicsec_spd_rule r;

	(void)state;
	parse_ok("  action punt\tdst ::/0 src 2001:db8:a::/48 # to the host",
	    &r);
	assert_int_equal(r.family, AF_INET6);
	assert_addr(AF_INET6, r.src, "2001:db8:a::");
	assert_int_equal(r.src_plen, 48);
	assert_int_equal(r.dst_plen, 0);
	assert_int_equal(r.proto, -1);
	assert_int_equal(r.action, SPD_PUNT);
}

static void
test_hosts_and_protocols(void **state)
{
	struct nicsec_spd_rule r;

	(void)state;
	parse_ok("src 192.0.2.1 dst 192.0.2.2 proto 47 action drop", &r);
	assert_int_equal(r.src_plen, 32);
	assert_int_equal(r.dst_plen, 32);
	assert_int_equal(r.proto, 47);
	assert_int_equal(r.action, SPD_DROP);
	parse_ok("src ::1 dst ::/0 proto ipv6-icmp action drop", &r);
	assert_int_equal(r.src_plen, 128);
	assert_int_equal(r.proto, 58);
	parse_ok("src 0.0.0.0/0 dst 0.0.0.0/0 proto 0 action bypass", &r);
	assert_int_equal(r.proto, -1);
	parse_ok("src 0.0.0.0/0 dst 0.0.0.0/0 proto 0x06 action bypass", &r);
	assert_int_equal(r.proto, 6);
	parse_ok("src 0.0.0.0/0 dst 0.0.0.0/0 proto tcp action bypass", &r);
	assert_int_equal(r.proto, 6);
	parse_ok("src 0.0.0.0/0 dst 0.0.0.0/0 proto icmp action bypass", &r);
	assert_int_equal(r.proto, 1);
}

static void
test_blank(void **state)
{
	struct nicsec_spd_rule r;
	char err[128];

	(void)state;
	assert_int_equal(spd_parse_line("", &r, err, sizeof(err)), 0);
	assert_int_equal(spd_parse_line("   \t\n", &r, err, sizeof(err)), 0);
	assert_int_equal(spd_parse_line("# src 1.2.3.4", &r, err, sizeof(err)),
	    0);
}

static const struct {
	const char *line, *want;
} bads[] = {
	{ "src 10.0.0.0/8 dst 10.0.0.0/8", "missing 'action'" },
	{ "dst 10.0.0.0/8 action drop", "missing 'src'" },
	{ "src 10.0.0.0/8 action drop", "missing 'dst'" },
	{ "src 10.0.0.1/8 dst 10.0.0.0/8 action drop", "host bits" },
	{ "src 10.0.0.0/33 dst 10.0.0.0/8 action drop", "bad prefix length" },
	{ "src 10.0.0.0/ dst 10.0.0.0/8 action drop", "bad prefix length" },
	{ "src ten dst 10.0.0.0/8 action drop", "'ten' is not an IPv4" },
	{ "src 10.0.0.0/8 dst ::/0 action drop", "src is IPv4 but dst is IPv6" },
	{ "src 10.0.0.0/8 dst 10.0.0.0/8 action allow", "'allow' is not" },
	{ "src 10.0.0.0/8 dst 10.0.0.0/8 action protect", "needs 'spi N'" },
	{ "src 10.0.0.0/8 dst 10.0.0.0/8 action drop spi 5",
	  "'spi' goes with action protect only, not drop" },
	{ "src 10.0.0.0/8 dst 10.0.0.0/8 action protect spi 0",
	  "'0' is not a number" },
	{ "src 10.0.0.0/8 dst 10.0.0.0/8 action protect spi 0x100000000",
	  "'0x100000000' is not a number" },
	{ "src 10.0.0.0/8 dst 10.0.0.0/8 action protect spi x1",
	  "'x1' is not a number" },
	{ "src 10.0.0.0/8 dst 10.0.0.0/8 proto 256 action drop",
	  "'256' is not tcp" },
	{ "src 10.0.0.0/8 dst 10.0.0.0/8 proto sctp action drop",
	  "'sctp' is not tcp" },
	{ "src 10.0.0.0/8 src 10.0.0.0/8 dst 10.0.0.0/8 action drop",
	  "'src' given twice" },
	{ "src 10.0.0.0/8 dst 10.0.0.0/8 dport 80 action drop",
	  "unknown keyword 'dport'" },
	{ "src 10.0.0.0/8 dst 10.0.0.0/8 action", "'action' needs a value" },
};

static void
test_bad_lines(void **state)
{
	struct nicsec_spd_rule r;
	char err[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		err[0] = '\0';
		if (spd_parse_line(bads[i].line, &r, err, sizeof(err)) != -1)
			fail_msg("accepted: %s", bads[i].line);
		if (strstr(err, bads[i].want) == NULL)
			fail_msg("%s\n  said: %s\n  want: %s", bads[i].line,
			    err, bads[i].want);
	}
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
test_file(void **state)
{
	struct nicsec_spd_rule *rules;
	char path[300], err[512];
	size_t n;

	(void)state;
	snprintf(path, sizeof(path), "%s/good.spd", tmpdir);
	write_file(path, "# policy\n\nsrc 10.1.0.0/24 dst 10.9.0.0/16 "
	    "action bypass\nsrc ::/0 dst ::/0 proto tcp action drop\n");
	assert_int_equal(spd_parse_file(path, &rules, &n, err, sizeof(err)),
	    0);
	assert_int_equal(n, 2);
	assert_int_equal(rules[0].action, SPD_BYPASS);
	assert_int_equal(rules[1].family, AF_INET6);
	assert_int_equal(rules[1].proto, 6);
	free(rules);

	snprintf(path, sizeof(path), "%s/empty.spd", tmpdir);
	write_file(path, "# nothing\n");
	assert_int_equal(spd_parse_file(path, &rules, &n, err, sizeof(err)),
	    0);
	assert_int_equal(n, 0);
	assert_null(rules);
}

static void
test_file_errors(void **state)
{
	struct nicsec_spd_rule *rules;
	char path[300], want[400], err[512];
	size_t n;

	(void)state;
	snprintf(path, sizeof(path), "%s/bad.spd", tmpdir);
	write_file(path, "src 10.1.0.0/24 dst 10.9.0.0/16 action bypass\n"
	    "\nsrc 10.1.0.0/24 dst 10.9.0.0/16 action maybe\n");
	assert_int_equal(spd_parse_file(path, &rules, &n, err, sizeof(err)),
	    -1);
	snprintf(want, sizeof(want), "%s:3: action: 'maybe'", path);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("said: %s\n  want: %s...", err, want);
	assert_null(rules);
	assert_int_equal(n, 0);

	snprintf(path, sizeof(path), "%s/missing.spd", tmpdir);
	assert_int_equal(spd_parse_file(path, &rules, &n, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "missing.spd: No such file"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v4),
		cmocka_unit_test(test_protect),
		cmocka_unit_test(test_v6_any_order),
		cmocka_unit_test(test_hosts_and_protocols),
		cmocka_unit_test(test_blank),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_file_errors),
	};

	return cmocka_run_group_tests(tests, scratch_make, scratch_remove);
}
