/*
 * conf_tree.h - strongSwan's "settings" file syntax (strongswan.conf(5),
 * which swanctl.conf(5) uses), read into a tree of sections and key/values,
 * each with the file and line it came from.
 *
 *	connections {
 *		gw {			# a section: NAME { ... }, nested
 *			remote_addrs = 198.51.100.2
 *			proposals = aes256gcm16-prfsha384-ecp384
 *		}
 *	}
 *	secrets { ike-gw { secret = "a \"quoted\" value" } }
 *	include conf.d/[a-z]*.conf
 *
 * As strongSwan 5.9's parser (src/libstrongswan/settings/settings_lexer.l
 * and settings_parser.y) reads it:
 *  - A name (section or key) is a run of any characters but
 *    . , : { } = " # and white space: `ike-x`, `local-1`, `child_a` are
 *    names.  A `.` in a name is refused ("a.b = c" is not a key: write
 *    `a { b = c }`); so is `name : other { }` (strongSwan's section
 *    references, which nicsec does not do).
 *  - `key = value`: the value runs to the end of the line, a `#` or a `}`,
 *    whichever comes first; its words are joined by one space.  A part in
 *    double quotes keeps its spaces and may hold # } = and newlines, with
 *    the escapes \" \\ \n \r \t, and a backslash before a newline joining
 *    the lines.  `key =` alone gives the empty value, which swanctl.conf
 *    reads as "not set".
 *  - `name {` opens a section; the `{` may follow on a later line.
 *  - `#` starts a comment to the end of the line (not inside quotes).
 *  - A key given twice in one section: the later value wins, at its own
 *    line; a section given twice is one section, the second adding to the
 *    first.  Both are what strongSwan does.  Order is kept: first
 *    appearance.
 *  - `include PATTERN` (glob(3), relative to the directory of the file it
 *    is in; the pattern may be quoted) reads the matching files, sorted,
 *    into the section the include is in.  A pattern that matches nothing is
 *    not an error, as in strongSwan.  Stricter than strongSwan: an included
 *    file must balance its own braces, a matched file that cannot be read
 *    is an error, and so are an include loop and nesting deeper than
 *    CONF_INCLUDE_DEPTH files.
 *
 * Errors are one line, "FILE:LINE: what is wrong".  Values may be secrets
 * (PSKs): every buffer that held one is wiped when it is freed.
 */
#ifndef NICSEC_CONF_TREE_H
#define NICSEC_CONF_TREE_H

#include <stddef.h>

/* How deep includes may nest: the main file is depth 1. */
#define CONF_INCLUDE_DEPTH	10
/* Biggest file read, bytes. */
#define CONF_FILE_MAX		(1 << 22)

struct conf_kv {
	char		*key;
	char		*value;		/* never NULL; "" for `key =` */
	const char	*file;		/* owned by the tree */
	int		 line;
	struct conf_kv	*next;		/* in file order */
};

struct conf_section {
	char			*name;		/* NULL for the root */
	const char		*file;		/* where it was first opened */
	int			 line;
	struct conf_section	*parent;
	struct conf_section	*sub;		/* first subsection */
	struct conf_section	*next;		/* next sibling */
	struct conf_kv		*kv;		/* first key */
};

struct conf_tree {
	struct conf_section	  root;
	char			**files;	/* every file read, for .file */
	size_t			  nfiles;
};

/*
 * Reads path (and what it includes) into a new tree.  0 with *tree set, or
 * -1 with *tree NULL and "FILE:LINE: message" (or "FILE: message") in err.
 */
int conf_tree_load(const char *path, struct conf_tree **tree, char *err,
    size_t errlen);

/* Wipes every value and frees the tree; NULL is fine. */
void conf_tree_free(struct conf_tree *tree);

/* The subsection or key of that name directly in sec, or NULL. */
const struct conf_section *conf_section_find(const struct conf_section *sec,
    const char *name);
const struct conf_kv *conf_kv_find(const struct conf_section *sec,
    const char *key);

/*
 * Writes sec's dotted path from the root ("connections.gw.children.net"),
 * with "." and key appended when key is not NULL.  Returns buf.
 */
char *conf_path(const struct conf_section *sec, const char *key, char *buf,
    size_t len);

#endif /* NICSEC_CONF_TREE_H */
