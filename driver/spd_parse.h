/*
 * spd_parse.h - policy rules: where the card sends LAN traffic.
 *
 * `nicsec-sim replay --spd FILE` and `nicsecctl spd add` take one rule a line:
 *
 *	src 10.1.0.0/24 dst 10.9.0.0/16 proto udp action bypass
 *	src 2001:db8:a::/48 dst ::/0 action punt	# to the host
 *	src 10.1.0.0/24 dst 10.2.0.0/24 action protect spi 0xc0000001
 *
 * src and dst are prefixes of one family (a bare address is a host: /32 or
 * /128; host bits past the length are refused, as in SA selectors), proto is
 * tcp, udp, icmp, ipv6-icmp or a number 0..255 (0 or leaving it out: any),
 * and action is protect (into the outbound SA whose SPI `spi` gives; only
 * protect takes spi), bypass (sent on unchanged), drop or punt (to the
 * host).  The keywords may come in any order, each once.  `#` starts a
 * comment.
 *
 * The card tries its rules in order, first match wins.  In a replay, the
 * file's rules come before the protect rules made from outbound SAs'
 * selectors.  Valid C and C++.
 */
#ifndef NICSEC_SPD_PARSE_H
#define NICSEC_SPD_PARSE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Actions, as the card's spd_wr_action takes them. */
#define SPD_PROTECT	0
#define SPD_BYPASS	1
#define SPD_DROP	2
#define SPD_PUNT	3

/* Longest line spd_parse_line() takes, without the newline. */
#define SPD_LINE_MAX	1023

/* One rule; addresses in network byte order, IPv4 in the first 4 bytes. */
struct nicsec_spd_rule {
	int      family;		/* AF_INET or AF_INET6 */
	uint8_t  src[16], dst[16];
	int      src_plen, dst_plen;
	int      proto;			/* IP protocol, -1 any */
	int      action;		/* SPD_PROTECT, _BYPASS, _DROP or _PUNT */
	uint32_t spi;			/* protect: the outbound SA's SPI */
};

/*
 * Parses one line.  Returns 1 with *r filled in, 0 for a blank or comment
 * line, or -1 with a message naming the bad token in err.
 */
int spd_parse_line(const char *line, struct nicsec_spd_rule *r, char *err,
                   size_t errlen);

/*
 * Parses every line of path.  Returns 0 with *rules (free() it; NULL when
 * the file has none) and *n set, or -1 with a "path:line: message" in err.
 */
int spd_parse_file(const char *path, struct nicsec_spd_rule **rules,
                   size_t *n, char *err, size_t errlen);

/* The action's name as the file spells it, or "protect". */
const char *spd_action_name(int action);

#ifdef __cplusplus
}
#endif

#endif /* NICSEC_SPD_PARSE_H */
