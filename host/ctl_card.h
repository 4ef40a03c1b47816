/*
 * ctl_card.h - nicsecctl's commands on the card itself (--card SPEC):
 * SAs, policy rules, counters, events, the exception path's TAPs.
 */
#ifndef NICSEC_CTL_CARD_H
#define NICSEC_CTL_CARD_H

/*
 * Runs one command (argv[0] is its name: info, sa, spd, stats, events,
 * reset, tap) against the card spec names.  Returns the exit status: 0, 1
 * when the card refused or failed, 2 for a bad command line.  Messages go
 * to stderr as one line each, prefixed "nicsecctl: ".
 */
int ctl_card(const char *spec, int argc, char **argv);

#endif /* NICSEC_CTL_CARD_H */
