/*
 * child_dp.c - see child_dp.h.
 */
#include "child_dp.h"

#include <stdio.h>
#include <string.h>

#include "child_ether.h"
#include "dataplane.h"
#include "ike_crypto.h"
#include "ike_err.h"
#include "log.h"

int
child_dp_spi_alloc(struct daemon *d, uint32_t *spi, char *err, size_t errlen)
{
	if (dp_spi_alloc(d->dp, spi) != 0)
		return ike_errf(err, errlen, "no inbound SPI: %s",
		    dp_error(d->dp));
	return 0;
}

void
child_dp_spi_free(struct daemon *d, uint32_t spi)
{
	if (spi != 0)
		dp_spi_free(d->dp, spi);
}

static void
params(struct daemon *d, struct ikesa *s, struct ike_child *c, int initiator,
    const struct conf_child *cc, uint32_t replaces, struct dp_child_params *p)
{
	memset(p, 0, sizeof(*p));
	p->child = c;
	p->initiator = initiator;
	p->local = (const struct sockaddr *)&s->sa.local;
	p->remote = (const struct sockaddr *)&s->sa.remote;
	p->encap = ike_addr_port(&s->sa.local) != d->socks.port;
	p->local_port = ike_addr_port(&s->sa.local);
	p->remote_port = ike_addr_port(&s->sa.remote);
	p->replay_window = cc != NULL ? cc->replay_window : 32;
	if (cc != NULL) {
		p->limits.hard_bytes = cc->life_bytes;
		p->limits.soft_bytes = cc->rekey_bytes;
		p->limits.hard_packets = cc->life_packets;
		p->limits.soft_packets = cc->rekey_packets;
	}
	p->replaces = replaces;
	/* `none` has no frames to address (and no waits for neighbours) */
	if (!dp_is_none(d->dp))
		child_ether(&d->conf->daemon, s->who, p->remote, &p->wan,
		    &p->lan);
}

int
child_dp_install(struct daemon *d, struct ikesa *s, struct ike_child *c,
    int initiator, const struct conf_child *cc, uint32_t replaces, char *err,
    size_t errlen)
{
	struct dp_child_params p;
	int rc;

	params(d, s, c, initiator, cc, replaces, &p);
	rc = dp_child_add(d->dp, &p);
	ike_child_keys_wipe(&c->keys);
	if (rc != 0)
		return ike_errf(err, errlen, "%s", dp_error(d->dp));
	return 0;
}

int
child_dp_install_inbound(struct daemon *d, struct ikesa *s,
    struct ike_child *c, int initiator, const struct conf_child *cc,
    uint32_t replaces, char *err, size_t errlen)
{
	struct dp_child_params p;
	int rc;

	params(d, s, c, initiator, cc, replaces, &p);
	rc = dp_child_add_inbound(d->dp, &p);
	ike_child_keys_wipe(&c->keys);
	if (rc != 0)
		return ike_errf(err, errlen, "%s", dp_error(d->dp));
	return 0;
}

int
child_dp_switch(struct daemon *d, struct ikesa *s, struct child_rec *c)
{
	if (dp_child_switch(d->dp, c->spi_in) != 0) {
		log_err(s->who, "CHILD_SA %s{%u}: switching its outbound SA "
		    "%08x in: %s", c->name, c->uniq, c->spi_out,
		    dp_error(d->dp));
		return -1;
	}
	c->staged = 0;
	c->switch_at = 0;
	return 0;
}

void
child_dp_remove(struct daemon *d, struct ikesa *s, struct child_rec *c)
{
	if (dp_child_delete(d->dp, c->spi_in) != 0)
		log_err(s->who, "%s{%u}: removing it from the data plane: %s",
		    c->name, c->uniq, dp_error(d->dp));
}
