/*
 * test_conf_tree.c - strongSwan's settings syntax (host/conf_tree.c).
 *
 * Good files are read back section by section, key by key, with their
 * lines; each syntax error is made to happen on a known line of a file,
 * and its message must start "FILE:LINE: " and say what is wrong.
 * Includes are tested with real files in the scratch directory: globs,
 * quoting, nothing matched, a loop, nesting past the limit.
 */
#define _DEFAULT_SOURCE

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf_tree.h"
#include "scratch.h"

static char *
write_file(const char *name, const char *text)
{
	static char path[8][512];
	static int k;
	char *p = path[k++ % 8];
	FILE *fp;

	snprintf(p, 512, "%s/%s", tmpdir, name);
	fp = fopen(p, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
	assert_int_equal(fclose(fp), 0);
	return p;
}

static struct conf_tree *
load_ok(const char *name, const char *text)
{
	struct conf_tree *t;
	char err[512];

	if (conf_tree_load(write_file(name, text), &t, err, sizeof(err)) != 0)
		fail_msg("load failed: %s", err);
	return t;
}

static const char *
value(const struct conf_tree *t, const char *path)
{
	const struct conf_section *s = &t->root;
	const struct conf_kv *kv;
	char buf[256], *p, *dot;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf; (dot = strchr(p, '.')) != NULL; p = dot + 1) {
		*dot = '\0';
		s = conf_section_find(s, p);
		if (s == NULL)
			fail_msg("no section '%s' in %s", p, path);
	}
	if ((kv = conf_kv_find(s, p)) == NULL)
		fail_msg("no key %s", path);
	return kv->value;
}

/* ---- good files ------------------------------------------------------ */

/* A swanctl.conf as strongSwan's docs write them, with every syntax
 * feature: nesting, one-line sections, quotes, comments, brace on the
 * next line, the empty value. */
static const char GOOD[] =
	"# site to site\n"					/* 1 */
	"connections {\n"
	"   gw-gw {\n"
	"      local_addrs  = 192.0.2.1   # ours\n"
	"      remote_addrs=198.51.100.2\n"			/* 5 */
	"      proposals = aes128-sha256-modp2048 ,  default\n"
	"      local-1 { auth = psk\n"
	"         id = @moon.example.org }\n"
	"      remote\n"
	"      {\n"						/* 10 */
	"         auth = psk\n"
	"         id = \"C=CH, O=strongSwan, CN=sun\"\n"
	"      }\n"
	"      children { net-net { local_ts = 10.1.0.0/16 } }\n"
	"      dpd_delay =\n"					/* 15 */
	"   }\n"
	"}\n"
	"secrets {\n"
	"   ike-1 {\n"
	"      secret = \"a # not a comment } nor a brace\"\n"	/* 20 */
	"      id-1 = x\t  y   z\n"
	"      text = \"one\\ttwo\\nthree \\\"q\\\" \\\\ \\x\"\n"
	"      multi = \"first\n"
	"second\\\n"
	" joined\"\n"						/* 25 */
	"      parts = a\"b c\"d\n"
	"   }\n"
	"}\n";

static void
test_good(void **state)
{
	struct conf_tree *t;
	const struct conf_section *c, *gw;

	(void)state;
	t = load_ok("good.conf", GOOD);
	assert_string_equal(value(t, "connections.gw-gw.local_addrs"),
	    "192.0.2.1");
	assert_string_equal(value(t, "connections.gw-gw.remote_addrs"),
	    "198.51.100.2");
	/* words joined by one space, as strongSwan does */
	assert_string_equal(value(t, "connections.gw-gw.proposals"),
	    "aes128-sha256-modp2048 , default");
	assert_string_equal(value(t, "connections.gw-gw.local-1.auth"), "psk");
	assert_string_equal(value(t, "connections.gw-gw.local-1.id"),
	    "@moon.example.org");
	assert_string_equal(value(t, "connections.gw-gw.remote.id"),
	    "C=CH, O=strongSwan, CN=sun");
	assert_string_equal(value(t,
	    "connections.gw-gw.children.net-net.local_ts"), "10.1.0.0/16");
	assert_string_equal(value(t, "connections.gw-gw.dpd_delay"), "");
	assert_string_equal(value(t, "secrets.ike-1.secret"),
	    "a # not a comment } nor a brace");
	assert_string_equal(value(t, "secrets.ike-1.id-1"), "x y z");
	assert_string_equal(value(t, "secrets.ike-1.text"),
	    "one\ttwo\nthree \"q\" \\ x");
	assert_string_equal(value(t, "secrets.ike-1.multi"),
	    "first\nsecond joined");
	assert_string_equal(value(t, "secrets.ike-1.parts"), "a b c d");

	/* lines, files, order */
	c = conf_section_find(&t->root, "connections");
	gw = conf_section_find(c, "gw-gw");
	assert_int_equal(gw->line, 3);
	assert_int_equal(conf_kv_find(gw, "remote_addrs")->line, 5);
	assert_int_equal(conf_kv_find(gw, "dpd_delay")->line, 15);
	assert_int_equal(conf_section_find(gw, "remote")->line, 9);
	assert_string_equal(gw->file, t->files[0]);
	assert_string_equal(gw->sub->name, "local-1");
	assert_string_equal(gw->sub->next->name, "remote");
	assert_string_equal(gw->sub->next->next->name, "children");
	assert_string_equal(gw->kv->key, "local_addrs");
	assert_int_equal(conf_section_find(conf_section_find(&t->root,
	    "secrets"), "ike-1")->kv->next->next->next->next->line, 26);
	conf_tree_free(t);
}

/* strongSwan: a later key wins; a section given twice is one section. */
static void
test_merge(void **state)
{
	struct conf_tree *t;
	const struct conf_section *c, *s;
	char path[128];

	(void)state;
	t = load_ok("merge.conf",
	    "connections {\n"
	    "  a { x = 1\n y = 2 }\n"
	    "  b { }\n"
	    "}\n"
	    "connections {\n"
	    "  a { x = 3 }\n"
	    "  c { }\n"
	    "}\n");
	c = conf_section_find(&t->root, "connections");
	assert_ptr_equal(c, t->root.sub);
	assert_null(c->next);
	s = c->sub;
	assert_string_equal(s->name, "a");
	assert_string_equal(s->next->name, "b");
	assert_string_equal(s->next->next->name, "c");
	assert_string_equal(value(t, "connections.a.x"), "3");
	assert_int_equal(conf_kv_find(s, "x")->line, 7);
	assert_string_equal(s->kv->key, "x");		/* first place kept */
	assert_string_equal(value(t, "connections.a.y"), "2");
	assert_string_equal(conf_path(s, "x", path, sizeof(path)),
	    "connections.a.x");
	assert_string_equal(conf_path(s, NULL, path, sizeof(path)),
	    "connections.a");
	assert_string_equal(conf_path(&t->root, "k", path, sizeof(path)), "k");
	assert_string_equal(conf_path(s, "x", path, 8), "connect");
	conf_tree_free(t);
}

static void
test_include(void **state)
{
	struct conf_tree *t;
	const struct conf_section *c;
	char main[512];

	(void)state;
	write_file("inc-b.conf", "b { k = from-b }\n");
	write_file("inc-a.conf", "a { k = from-a }\n  # a comment\n"
	    "a { j = 2 }\n");
	write_file("inc secret.conf", "ike-x { secret = s3cret }\n");
	snprintf(main, sizeof(main), "%s",
	    write_file("incmain.conf",
	    "connections {\n"
	    "  include inc-*.conf\n"
	    "  include nothing-matches-*.conf\n"
	    "  z { k = 1 }\n"
	    "}\n"
	    "secrets { include \"inc secret.conf\" }\n"
	    "secrets { include inc\\ secret.conf }\n"
	    "include = a key, not an include\n"));
	assert_int_equal(conf_tree_load(main, &t, NULL, 0), 0);
	c = conf_section_find(&t->root, "connections");
	/* glob order, then the rest */
	assert_string_equal(c->sub->name, "a");
	assert_string_equal(c->sub->next->name, "b");
	assert_string_equal(c->sub->next->next->name, "z");
	assert_string_equal(value(t, "connections.a.k"), "from-a");
	assert_string_equal(value(t, "connections.a.j"), "2");
	assert_int_equal(conf_kv_find(c->sub, "j")->line, 3);
	assert_non_null(strstr(conf_kv_find(c->sub, "j")->file, "inc-a.conf"));
	assert_non_null(strstr(c->sub->next->next->file, "incmain.conf"));
	assert_string_equal(value(t, "secrets.ike-x.secret"), "s3cret");
	assert_string_equal(value(t, "include"), "a key, not an include");
	assert_int_equal(t->nfiles, 5);
	conf_tree_free(t);
}

/* ---- errors ------------------------------------------------------------ */

struct bad {
	const char	*name;
	const char	*text;
	int		 line;		/* 0: no line in the message */
	const char	*want;
};

static const struct bad bads[] = {
	{ "unclosed", "a {\n b {\n  c = 1\n }\n", 1,
	    "section 'a' is not closed (a '}' is missing)" },
	{ "stray close", "a {\n}\n}\n", 3, "'}' without a section to close" },
	{ "brace no name", "a {\n  {\n", 2, "'{' without a section name" },
	{ "eq no key", "a {\n\n  = 3\n}\n", 3, "'=' without a key" },
	{ "quoted name", "\"a\" = b\n", 1, "a quoted string where a key" },
	{ "dotted key", "connections {\n gw.version = 2\n}\n", 2,
	    "'gw.version': a '.' in a name" },
	{ "dotted section", "connections.gw {\n}\n", 1,
	    "'connections.gw': a '.' in a name" },
	{ "reference", "connections {\n gw : defaults {\n }\n}\n", 2,
	    "section references ('NAME : OTHER { ... }') are not supported" },
	{ "comma name", "a,b = 1\n", 1, "'a,b': a ',' in a name" },
	{ "no eq", "a {\n  version 2\n}\n", 2,
	    "'version' must be followed by '=' (a key) or '{' (a section)" },
	{ "lone name at end", "a {\n}\nb\n", 3,
	    "'b' must be followed by '='" },
	{ "unterminated", "a {\n x = \"abc\n\n}\n", 2,
	    "unterminated quoted string" },
	{ "unterminated escape", "x = \"abc\\", 1,
	    "unterminated quoted string" },
	{ "include nothing", "include \n", 1, "include: no file pattern" },
	{ "self loop", "a {\n include \"bad-self loop.conf\"\n}\n", 2,
	    "include loop: '" },
	{ "nul", "a = 1\nb = 2\0c\n", 2, "NUL byte in the file" },
};
#define NBADS (sizeof(bads) / sizeof(bads[0]))

static void
check_err(const char *err, const char *path, int line, const char *want)
{
	char prefix[600];

	if (line > 0)
		snprintf(prefix, sizeof(prefix), "%s:%d: ", path, line);
	else
		snprintf(prefix, sizeof(prefix), "%s: ", path);
	if (strncmp(err, prefix, strlen(prefix)) != 0 ||
	    strstr(err, want) == NULL)
		fail_msg("message \"%s\"\n  wanted \"%s...%s\"", err, prefix,
		    want);
	assert_null(strchr(err, '\n'));
}

static void
test_bad(void **state)
{
	const struct bad *b = *state;
	struct conf_tree *t = (struct conf_tree *)1;
	char name[128], path[512], err[512];
	FILE *fp;
	size_t len = strlen(b->text);

	if (strcmp(b->name, "nul") == 0)
		len = 14;
	snprintf(name, sizeof(name), "bad-%s.conf", b->name);
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(b->text, 1, len, fp), len);
	fclose(fp);
	assert_int_equal(conf_tree_load(path, &t, err, sizeof(err)), -1);
	assert_null(t);
	check_err(err, path, b->line, b->want);
}

/* An error inside an included file names that file and its line. */
static void
test_include_errors(void **state)
{
	struct conf_tree *t;
	char err[512], path[512], name[64], text[128], *p, *dir;
	int i;

	(void)state;
	p = write_file("ie-inner.conf", "x {\n  y = 1\n  oops\n}\n");
	snprintf(path, sizeof(path), "%s", p);
	p = write_file("ie-outer.conf", "a {\n  include ie-inner.conf\n}\n");
	assert_int_equal(conf_tree_load(p, &t, err, sizeof(err)), -1);
	check_err(err, path, 3, "'oops' must be followed by '='");

	/* an included file must close its own sections */
	p = write_file("ie-open.conf", "x {\n");
	snprintf(path, sizeof(path), "%s", p);
	p = write_file("ie-outer2.conf", "include ie-open.conf\n}\n");
	assert_int_equal(conf_tree_load(p, &t, err, sizeof(err)), -1);
	check_err(err, path, 1, "section 'x' is not closed");

	/* a loop through two files */
	write_file("ie-loop1.conf", "include ie-loop2.conf\n");
	p = write_file("ie-loop2.conf", "\n\ninclude ie-loop1.conf\n");
	snprintf(path, sizeof(path), "%s", p);
	p = write_file("ie-loop0.conf", "include ie-loop1.conf\n");
	assert_int_equal(conf_tree_load(p, &t, err, sizeof(err)), -1);
	check_err(err, path, 3, "include loop: '");

	/* ten files nest; the eleventh is refused */
	for (i = 1; i <= 11; i++) {
		snprintf(name, sizeof(name), "ie-deep%d.conf", i);
		snprintf(text, sizeof(text), "s%d {\n include ie-deep%d.conf\n"
		    "}\n", i, i + 1);
		p = write_file(name, text);
		if (i == 9)
			snprintf(path, sizeof(path), "%s", p);
	}
	assert_int_equal(conf_tree_load(write_file("ie-deep0.conf",
	    "include ie-deep1.conf\n"), &t, err, sizeof(err)), -1);
	check_err(err, path, 2, "includes nested deeper than 10 files");
	/* ten files deep is fine: ie-deep2.conf to ie-deep11.conf */
	write_file("ie-deep11.conf", "end = 1\n");
	t = NULL;
	snprintf(path, sizeof(path), "%s/ie-deep2.conf", tmpdir);
	assert_int_equal(conf_tree_load(path, &t, err, sizeof(err)), 0);
	assert_int_equal(t->nfiles, 10);
	conf_tree_free(t);

	/* a match that cannot be read */
	snprintf(path, sizeof(path), "%s/ie-dir.conf", tmpdir);
	assert_int_equal(mkdir(path, 0700), 0);
	p = write_file("ie-dirmain.conf", "include ie-dir.*\n");
	assert_int_equal(conf_tree_load(p, &t, err, sizeof(err)), -1);
	rmdir(path);
	check_err(err, path, 0, "not a regular file");

	/* the main file missing */
	snprintf(path, sizeof(path), "%s/no-such.conf", tmpdir);
	assert_int_equal(conf_tree_load(path, &t, err, sizeof(err)), -1);
	check_err(err, path, 0, "No such file or directory");

	/* an include glob relative to a file given by a relative path */
	dir = getcwd(NULL, 0);
	assert_int_equal(chdir(tmpdir), 0);
	write_file("rel-inner.conf", "k = v\n");
	write_file("rel-main.conf", "include rel-inner.conf\n");
	assert_int_equal(conf_tree_load("rel-main.conf", &t, err,
	    sizeof(err)), 0);
	assert_string_equal(t->root.kv->value, "v");
	assert_string_equal(t->root.kv->file, "rel-inner.conf");
	conf_tree_free(t);
	assert_int_equal(chdir(dir), 0);
	free(dir);
}

static void
test_too_deep(void **state)
{
	struct conf_tree *t;
	char text[1024], err[512];
	int i;

	(void)state;
	text[0] = '\0';
	for (i = 0; i < 65; i++)
		strcat(text, "a{");
	assert_int_equal(conf_tree_load(write_file("deep.conf", text), &t, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, ":1: sections nested deeper than 64"));
}

int
main(void)
{
	static char names[NBADS][96];
	struct CMUnitTest tests[NBADS + 5];
	size_t i, k = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_good);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_merge);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_include);
	for (i = 0; i < NBADS; i++, k++) {
		snprintf(names[i], sizeof(names[i]), "bad %s", bads[i].name);
		tests[k] = (struct CMUnitTest){ names[i], test_bad, NULL, NULL,
		    (void *)&bads[i] };
	}
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_include_errors);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_too_deep);
	if (k != sizeof(tests) / sizeof(tests[0])) {
		fprintf(stderr, "test_conf_tree: %zu tests made, array holds "
		    "%zu\n", k, sizeof(tests) / sizeof(tests[0]));
		return 1;
	}
	return cmocka_run_group_tests(tests, scratch_make, scratch_remove);
}
