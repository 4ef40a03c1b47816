/*
 * ctl_server.h - nicsecd's control socket (a Unix stream socket): one
 * command a connection, as nicsecctl --socket sends it, one line of words;
 * the answer is a status line ("0", or "1" when the command failed) and
 * then the text, and the connection is closed.  docs/nicsecctl.md lists
 * the commands.
 */
#ifndef NICSEC_CTL_SERVER_H
#define NICSEC_CTL_SERVER_H

#include <stddef.h>

#include "daemon.h"

/* Binds path (replacing a stale socket), mode 0660.  The fd, or -1. */
int ctl_listen(const char *path, char *err, size_t errlen);

/* Takes one connection off fd and answers its command. */
void ctl_serve(struct daemon *d, int fd, const char *conf_path);

/* Runs one command line (argv form) into out; the exit status. */
int ctl_run(struct daemon *d, int argc, char **argv, const char *conf_path,
    FILE *out);

#endif /* NICSEC_CTL_SERVER_H */
