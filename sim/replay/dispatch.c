/*
 * nicsec-sim: the simulated card's front door.  The RTL is compiled once per
 * datapath width (LANES), so each width is its own program; this one reads
 * `--lanes N` (default 1) and runs the build for it, found beside this
 * program: DIR/replay_lN/nicsec-sim-replay, DIR/run_lN/nicsec-sim-run.
 *
 *	nicsec-sim replay [--lanes 1|4] ...	(docs/nicsec-sim.md)
 *	nicsec-sim run [--lanes 1|4] ...
 */
#define _DEFAULT_SOURCE

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXIT_USAGE	2

static int
usage(FILE *f)
{
	/* One line: a usage error is one line, as every other error. */
	fprintf(f, "usage: nicsec-sim replay|run [--lanes 1|4] [options] "
	    "(nicsec-sim replay --help, nicsec-sim run --help list them)\n");
	return f == stderr ? EXIT_USAGE : 0;
}

/* The value of --lanes in argv, or "1". */
static const char *
lanes_arg(int argc, char **argv)
{
	const char *v = "1";
	int i;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--lanes") == 0 && i + 1 < argc)
			v = argv[++i];
		else if (strncmp(argv[i], "--lanes=", 8) == 0)
			v = argv[i] + 8;
	}
	return v;
}

int
main(int argc, char **argv)
{
	char self[PATH_MAX], prog[PATH_MAX + 64], *slash;
	const char *lanes, *cmd;
	ssize_t n;

	if (argc < 2)
		return usage(stderr);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		return usage(stdout);
	if (strcmp(argv[1], "replay") != 0 && strcmp(argv[1], "run") != 0) {
		fprintf(stderr, "nicsec-sim: unknown command '%s' (this build has "
		    "replay and run)\n", argv[1]);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	lanes = lanes_arg(argc, argv);
	if (strcmp(lanes, "1") != 0 && strcmp(lanes, "2") != 0 &&
	    strcmp(lanes, "4") != 0) {
		fprintf(stderr, "nicsec-sim %s: --lanes takes 1, 2 or 4, not "
		    "'%s'\n", cmd, lanes);
		return EXIT_USAGE;
	}
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) < 0) {
		fprintf(stderr, "nicsec-sim: /proc/self/exe: %s\n",
		    strerror(errno));
		return EXIT_USAGE;
	}
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) != NULL)
		*slash = '\0';
	snprintf(prog, sizeof(prog), "%s/%s_l%s/nicsec-sim-%s", self, cmd,
	    lanes, cmd);
	if (access(prog, X_OK) != 0) {
		fprintf(stderr, "nicsec-sim %s: --lanes %s: %s is not built "
		    "(make builds LANES 1 and 4)\n", cmd, lanes, prog);
		return EXIT_USAGE;
	}
	/* argv[1] (the command) stays: the program skips it. */
	argv[0] = prog;
	execv(prog, argv);
	fprintf(stderr, "nicsec-sim: %s: %s\n", prog, strerror(errno));
	return EXIT_USAGE;
}
