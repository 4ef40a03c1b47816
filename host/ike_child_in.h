/*
 * ike_child_in.h - what IKE_AUTH (host/ike_auth.c) and CREATE_CHILD_SA
 * (host/ike_child.c) do alike with a CHILD_SA.  The initiator's reading of
 * the responder's answer to its request: an error notify as one line, the
 * one ESP proposal with a 4-byte SPI out of ours, the SPIs, the selectors
 * (a responder may only narrow them, RFC 7296 2.9).  The responder's
 * narrowing of the selectors asked for.  KEYMAT, either role (2.17).
 */
#ifndef NICSEC_IKE_CHILD_IN_H
#define NICSEC_IKE_CHILD_IN_H

#include <stddef.h>
#include <stdint.h>

#include "ike_auth.h"		/* struct ike_child_req, struct ike_child */
#include "ike_msg.h"
#include "ike_sa.h"

/* The first error notify in m (RFC 7296 3.10.1) into *no: 1, or 0 if
 * there is none. */
int ike_child_in_error(const struct ike_msg *m, struct ike_notify *no);

/*
 * The line that says why the peer refused the what ("CHILD_SA", "IKE SA
 * rekey") we asked for with c (NULL for an IKE SA rekey), by its error
 * notify no: NO_PROPOSAL_CHOSEN with our ESP proposals, TS_UNACCEPTABLE
 * with our selectors, any other by its name.  -1.
 */
int ike_child_in_refused(const struct ike_notify *no, const char *what,
    const struct ike_child_req *c, char *err, size_t errlen);

/* The proposals in m's SA payload of protocol with SPIs of spi_len, and
 * their SPIs (in the same order): how many. */
size_t ike_child_in_props(const struct ike_msg *m, int protocol,
    size_t spi_len, struct ike_proposal *out, uint8_t spis[][8]);

/*
 * The CHILD_SA the response m (of exchange exch, IKE_AUTH or
 * CREATE_CHILD_SA) grants to our request c: its one ESP proposal with a
 * 4-byte SPI, one of ours by ike_xform_select() with flags
 * (IKE_XFORM_SKIP_KE in IKE_AUTH), in ch->chosen; ch->spi_in and spi_out;
 * the selectors, inside c's.  0, or -1 with err.
 */
int ike_child_in(const struct ike_msg *m, uint8_t exch,
    const struct ike_child_req *c, unsigned flags, struct ike_child *ch,
    char *err, size_t errlen);

/*
 * Responder: the selectors the request m asks for (TSi, TSr) narrowed to
 * ours (TSi is the initiator's side: our remote; TSr, our local) into
 * ch->tsi and ch->tsr.  0, or -1 with the TS_UNACCEPTABLE line (the
 * caller answers N(TS_UNACCEPTABLE)).
 */
int ike_child_narrow(const struct ike_msg *m, const struct ike_ts *local,
    size_t nlocal, const struct ike_ts *remote, size_t nremote,
    struct ike_child *ch, char *err, size_t errlen);

/*
 * ch's keys, either role: KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr)
 * with sa's PRF and SK_d, for ch->chosen's cipher (RFC 7296 2.17); gir
 * NULL without PFS.  0, or -1 with err.
 */
int ike_child_derive(const struct ike_sa *sa, struct ike_child *ch,
    const uint8_t *gir, size_t glen, const uint8_t *ni, size_t ni_len,
    const uint8_t *nr, size_t nr_len, char *err, size_t errlen);

#endif /* NICSEC_IKE_CHILD_IN_H */
