/*
 * child_dp.h - the daemon's CHILD SAs in the data plane (dataplane.h):
 * inbound SPIs handed out before negotiation, the negotiated CHILD_SA
 * installed with the IKE SA's addresses and NAT-T ports, and removed.
 */
#ifndef NICSEC_CHILD_DP_H
#define NICSEC_CHILD_DP_H

#include "daemon.h"

int child_dp_spi_alloc(struct daemon *d, uint32_t *spi, char *err,
    size_t errlen);
/* A negotiation that failed gives its SPI back (0 is ignored). */
void child_dp_spi_free(struct daemon *d, uint32_t spi);

/*
 * Installs c, negotiated on s; initiator: we initiated the exchange that
 * made it.  replaces: a rekey's old inbound SPI (its rules move over), or
 * 0.  Wipes c's keys either way.
 */
int child_dp_install(struct daemon *d, struct ikesa *s, struct ike_child *c,
    int initiator, const struct conf_child *cc, uint32_t replaces,
    char *err, size_t errlen);
/* A rekey's responder: the inbound half now (before the response goes
 * out), the outbound one staged; child_dp_switch() puts it in and moves
 * the old CHILD_SA's rules to it (c->staged cleared). */
int child_dp_install_inbound(struct daemon *d, struct ikesa *s,
    struct ike_child *c, int initiator, const struct conf_child *cc,
    uint32_t replaces, char *err, size_t errlen);
int child_dp_switch(struct daemon *d, struct ikesa *s, struct child_rec *c);
void child_dp_remove(struct daemon *d, struct ikesa *s, struct child_rec *c);

#endif /* NICSEC_CHILD_DP_H */
