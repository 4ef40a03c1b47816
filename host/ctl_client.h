/*
 * ctl_client.h - nicsecctl --socket PATH: one command to nicsecd's control
 * socket (ctl_server.h), its answer printed.
 */
#ifndef NICSEC_CTL_CLIENT_H
#define NICSEC_CTL_CLIENT_H

/* The exit status: 0 done, 1 nicsecd refused or is not there, 2 a bad
 * command line. */
int ctl_client(const char *path, int argc, char **argv);

#endif /* NICSEC_CTL_CLIENT_H */
