/*
 * nicsec-sim: the simulated card's front door.  The RTL is compiled once per
 * datapath width (LANES), so each width is its own program; this one reads
 * `--lanes N` (default 1) and runs the build for it, found beside this
 * program: DIR/replay_lN/nicsec-sim-replay.
 *
 *	nicsec-sim replay [--lanes 1|4] ...	(docs/nicsec-sim.md)
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
	fprintf(f, "usage: nicsec-sim replay --sa FILE [--lanes 1|4] [options] "
	    "(nicsec-sim replay --help lists them)\n");
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
	const char *lanes;
	ssize_t n;

	if (argc < 2)
		return usage(stderr);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		return usage(stdout);
	if (strcmp(argv[1], "replay") != 0) {
		fprintf(stderr, "nicsec-sim: unknown command '%s' (this build has "
		    "replay)\n", argv[1]);
		return EXIT_USAGE;
	}
	lanes = lanes_arg(argc, argv);
	if (strcmp(lanes, "1") != 0 && strcmp(lanes, "2") != 0 &&
	    strcmp(lanes, "4") != 0) {
		fprintf(stderr, "nicsec-sim replay: --lanes takes 1, 2 or 4, not "
		    "'%s'\n", lanes);
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
	snprintf(prog, sizeof(prog), "%s/replay_l%s/nicsec-sim-replay", self,
	    lanes);
	if (access(prog, X_OK) != 0) {
		fprintf(stderr, "nicsec-sim replay: --lanes %s: %s is not built "
		    "(make builds LANES 1 and 4)\n", lanes, prog);
		return EXIT_USAGE;
	}
	/* argv[1] ("replay") stays: the program skips it. */
	argv[0] = prog;
	execv(prog, argv);
	fprintf(stderr, "nicsec-sim: %s: %s\n", prog, strerror(errno));
	return EXIT_USAGE;
}
