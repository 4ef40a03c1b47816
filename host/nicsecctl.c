/*
 * nicsecctl - control for nicsecd (--socket PATH) and for the card
 * (--card SPEC).  See docs/nicsecctl.md.
 */
#include <stdio.h>
#include <string.h>

#include "ctl_card.h"
#include "ctl_client.h"

#define DEFAULT_SOCKET	"/run/nicsecd.sock"

static void
usage(FILE *f)
{
	fputs("usage: nicsecctl [--socket PATH] COMMAND [ARGS]   (nicsecd; "
	    "PATH: " DEFAULT_SOCKET ")\n"
	    "  list-sas [--json]              the IKE and CHILD SAs\n"
	    "  diagnose [CONN] [--json]       each tunnel's state, rekeys, "
	    "liveness, trend\n"
	    "                                 and known problems with their "
	    "fixes\n"
	    "  initiate --child NAME [--ike NAME] | initiate --ike NAME\n"
	    "  terminate --ike NAME|--child NAME  delete them, telling the "
	    "peer\n"
	    "  rekey --child NAME [--ike NAME]  rekey CHILD SAs\n"
	    "  reload                         read the configuration again\n"
	    "  log-level [error|info|debug]\n"
	    "       nicsecctl --card SPEC COMMAND [ARGS]\n"
	    "  SPEC: pci:DDDD:BB:DD.F, pci:auto or sim:PATH\n"
	    "commands:\n"
	    "  info                           the card's identity and sizes\n"
	    "  sa add SA | sa add -f FILE     install SAs (ip xfrm state syntax "
	    "+ dir in|out)\n"
	    "  sa update SA                   replace an installed SA\n"
	    "  sa del spi SPI [dst ADDR] [dir in|out] | sa del slot N\n"
	    "  sa list [--json]               the SAs the card holds\n"
	    "  spd add [index N] RULE         a policy rule (src PFX dst PFX "
	    "[proto P] action A [spi N])\n"
	    "  spd del N | spd list [--json]\n"
	    "  stats [--json] [slot N]        counters, global and per SA\n"
	    "  events [--json]                take the card's pending events\n"
	    "  reset                          soft reset: every SA and rule "
	    "gone\n"
	    "  tap [--lan NAME] [--wan NAME]  bridge the exception path to TAP "
	    "interfaces\n"
	    "                                 (until SIGINT or SIGTERM)\n", f);
}

int
main(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc < 2) {
		fprintf(stderr, "nicsecctl: no command given (nicsecctl "
		    "--help)\n");
		return 2;
	}
	if (strcmp(argv[1], "--socket") == 0) {
		if (argc < 4) {
			fprintf(stderr, "nicsecctl: --socket %s: give a command "
			    "(nicsecctl --help)\n", argc == 3 ? argv[2] :
			    "needs PATH");
			return 2;
		}
		return ctl_client(argv[2], argc - 3, argv + 3);
	}
	if (strcmp(argv[1], "--card") != 0)
		return ctl_client(DEFAULT_SOCKET, argc - 1, argv + 1);
	if (argc < 4) {
		fprintf(stderr, "nicsecctl: --card %s: give a command "
		    "(nicsecctl --help)\n", argc == 3 ? argv[2] : "needs SPEC");
		return 2;
	}
	return ctl_card(argv[2], argc - 3, argv + 3);
}
