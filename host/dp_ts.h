/*
 * dp_ts.h - traffic selectors (address ranges, RFC 7296 3.13.1) as the
 * card's policy rules and SA selectors take them: prefixes.
 */
#ifndef NICSEC_DP_TS_H
#define NICSEC_DP_TS_H

#include <stddef.h>
#include <stdint.h>

#include "ike_pld.h"
#include "spd_parse.h"

/* The most rules one CHILD_SA may need: the card's whole policy table. */
#define DP_RULES_MAX	64

struct dp_prefix {
	int      family;		/* AF_INET or AF_INET6 */
	uint8_t  addr[16];		/* host bits zero */
	int      plen;
};

/*
 * The fewest prefixes that cover ts's address range exactly, into
 * out[0..max): how many, or 0 if the range is empty (end < start) or
 * needs more than max.
 */
size_t dp_range_prefixes(const struct ike_ts *ts, struct dp_prefix *out,
    size_t max);

/*
 * The outbound protect rules for a CHILD_SA: one for each local prefix
 * and remote prefix of the same family whose protocols agree (0, any,
 * agrees with every one), src local, dst remote, to the outbound SA spi,
 * duplicates left out.  0 with *n, or -1 with one line in err: a selector
 * with a port range (the card matches protocol, not ports), an empty
 * range, no pair of one family, more than max rules.
 */
int dp_ts_rules(const struct ike_ts *local, size_t nl,
    const struct ike_ts *remote, size_t nr, uint32_t spi,
    struct nicsec_spd_rule *out, size_t max, size_t *n, char *err,
    size_t errlen);

/*
 * The smallest prefix that holds every range of ts: 1 with *p, or 0 when
 * they are of two families (no one prefix holds them).
 */
int dp_ts_cover(const struct ike_ts *ts, size_t n, struct dp_prefix *p);

/* "10.1.0.0/24"; buf of at least INET6_ADDRSTRLEN + 4. */
const char *dp_prefix_str(const struct dp_prefix *p, char *buf, size_t len);

#endif /* NICSEC_DP_TS_H */
