/*
 * ike_ts.h - traffic selectors narrowed (RFC 7296 2.9): what a responder
 * can grant of what the initiator asked, as strongSwan narrows them.
 */
#ifndef NICSEC_IKE_TS_H
#define NICSEC_IKE_TS_H

#include <stddef.h>

#include "ike_pld.h"

/*
 * Every non-empty intersection of one of theirs with one of ours (address
 * range, port range, protocol; the same family), ours in their order,
 * into out[0..max): how many (0: TS_UNACCEPTABLE).  Duplicates are left
 * out.
 */
size_t ike_ts_narrow(const struct ike_ts *theirs, size_t n,
    const struct ike_ts *ours, size_t m, struct ike_ts *out, size_t max);

/* 1 if every one of sub lies inside one of sup. */
int ike_ts_inside(const struct ike_ts *sub, size_t n,
    const struct ike_ts *sup, size_t m);

/* A list as strongSwan logs it: "10.1.0.0/24 10.9.0.0/16". */
int ike_ts_format_list(const struct ike_ts *ts, size_t n, char *buf,
    size_t len);

#endif /* NICSEC_IKE_TS_H */
