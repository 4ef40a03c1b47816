/*
 * conn_cfg.c - see conn_cfg.h.
 */
#include "conn_cfg.h"

#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#include "ike_err.h"
#include "ike_wire.h"

static const uint8_t *
ip_bytes(const struct sockaddr_storage *a, size_t *n)
{
	if (a->ss_family == AF_INET6) {
		*n = 16;
		return (const uint8_t *)&((const struct sockaddr_in6 *)a)->
		    sin6_addr;
	}
	*n = 4;
	return (const uint8_t *)&((const struct sockaddr_in *)a)->sin_addr;
}

/* The prefix length if from..to (len bytes) is one subnet, else -1. */
static int
subnet_plen(const uint8_t *from, const uint8_t *to, size_t len)
{
	size_t i;
	int plen = 0;

	for (i = 0; i < len * 8; i++) {
		int f = from[i / 8] & (0x80 >> (i % 8));
		int t = to[i / 8] & (0x80 >> (i % 8));

		if (f == t && plen == (int)i)
			plen++;
		else if (f != 0 || t == 0)
			return -1;	/* not net 0...0 to net 1...1 */
	}
	return plen;
}

/*
 * How well addr matches the list, as strongSwan's ike_cfg match(): 129
 * for the one address, a subnet's prefix length + 1 (the narrower the
 * better), 1 for %any or a range that is no subnet; 0: no match.
 */
static int
addr_score(const struct conf_addr *a, size_t n,
    const struct sockaddr_storage *addr)
{
	const uint8_t *p;
	size_t len, i;
	int best = 0, q;

	if (n == 0)
		return 1;
	p = ip_bytes(addr, &len);
	for (i = 0; i < n; i++) {
		if (a[i].family == 0) {
			best = best > 1 ? best : 1;
			continue;
		}
		if (a[i].family != addr->ss_family ||
		    memcmp(p, a[i].from, len) < 0 || memcmp(p, a[i].to, len) > 0)
			continue;
		if (a[i].host)
			return 129;
		q = subnet_plen(a[i].from, a[i].to, len) + 1;
		q = q > 0 ? q : 1;
		best = best > q ? best : q;
	}
	return best;
}

int
cfg_addr_match(const struct conf_addr *a, size_t n,
    const struct sockaddr_storage *addr)
{
	return addr_score(a, n, addr) > 0;
}

size_t
cfg_conns_for(const struct conf *cf, const struct sockaddr_storage *local,
    const struct sockaddr_storage *remote, const struct conf_conn **out,
    size_t max)
{
	int score[64];
	size_t n = 0, i, j;

	if (max > 64)
		max = 64;
	for (i = 0; i < cf->nconns; i++) {
		const struct conf_conn *c = &cf->conns[i];
		int l = addr_score(c->local_addrs, c->nlocal_addrs, local);
		int r = addr_score(c->remote_addrs, c->nremote_addrs, remote);
		/* strongSwan's get_ike_match(): the remote address weighs
		 * twice the local one; a config for IKEv2 only gets 4 more */
		int s = l * 8 + r * 16 + (c->version == 2 ? 4 : 0);

		if (l == 0 || r == 0)
			continue;
		if (n == max) {
			/* full: a better one than the last still gets in */
			if (max == 0 || score[n - 1] >= s)
				continue;
			n--;
		}
		/* insertion by score, stable: config order breaks ties */
		for (j = n; j > 0 && score[j - 1] < s; j--) {
			score[j] = score[j - 1];
			out[j] = out[j - 1];
		}
		score[j] = s;
		out[j] = c;
		n++;
	}
	return n;
}

int
cfg_id_wire(const struct conf_id *id, const struct sockaddr_storage *addr,
    struct cfg_id *out, char *err, size_t errlen)
{
	const uint8_t *p;
	size_t n;

	memset(out, 0, sizeof(*out));
	switch (id->type) {
	case CONF_ID_ANY:
		if (addr == NULL)
			return 0;	/* the peer: anyone */
		p = ip_bytes(addr, &n);
		out->type = n == 4 ? IKE_ID_IPV4_ADDR : IKE_ID_IPV6_ADDR;
		memcpy(out->data, p, n);
		out->len = n;
		return 0;
	case CONF_ID_IPV4_ADDR:
	case CONF_ID_IPV6_ADDR:
		out->type = (uint8_t)id->type;
		out->len = id->type == CONF_ID_IPV4_ADDR ? 4 : 16;
		memcpy(out->data, id->addr, out->len);
		return 0;
	case CONF_ID_FQDN:
	case CONF_ID_RFC822_ADDR:
		n = strlen(id->str);
		if (n == 0 || n > CFG_ID_MAX)
			return ike_errf(err, errlen, "ID '%s' is empty or too "
			    "long", id->str);
		out->type = (uint8_t)id->type;
		memcpy(out->data, id->str, n);
		out->len = n;
		return 0;
	default:
		return ike_errf(err, errlen, "ID '%s': distinguished names need "
		    "certificate authentication", id->str ? id->str : "");
	}
}

/*
 * How well the peer's ID satisfies want, as strongSwan's matches(): 3 the
 * same ID (FQDN and RFC822 without case), 2 one a leading '*' stands for
 * ("*.example.org", "*@example.org": matches_string()), 1 %any, 0 not.
 */
static int
id_level(const struct conf_id *want, uint8_t type, const uint8_t *data,
    size_t len)
{
	struct cfg_id w;

	if (want->type == CONF_ID_ANY)
		return 1;
	if (cfg_id_wire(want, NULL, &w, NULL, 0) != 0 || w.type != type)
		return 0;
	if (type != IKE_ID_FQDN && type != IKE_ID_RFC822_ADDR)
		return w.len == len && memcmp(w.data, data, len) == 0 ? 3 : 0;
	if (w.len == len && strncasecmp((const char *)w.data,
	    (const char *)data, len) == 0)
		return 3;
	if (w.data[0] == '*' && len >= w.len &&
	    strncasecmp((const char *)data + len - (w.len - 1),
	    (const char *)w.data + 1, w.len - 1) == 0)
		return 2;
	return 0;
}

int
cfg_id_match(const struct conf_id *want, uint8_t type, const uint8_t *data,
    size_t len)
{
	return id_level(want, type, data, len) > 0;
}

/*
 * How well id matches one of the secret's ids, as strongSwan's has_owner()
 * (mem_cred.c): the best id_level().  A secret with no ids is %any's
 * (vici's load_shared gives it the owner %any).
 */
static int
secret_match(const struct conf_secret *s, const struct cfg_id *id)
{
	int best = s->nids == 0, lv;

	for (size_t i = 0; i < s->nids; i++) {
		if (s->ids[i].type == CONF_ID_ANY)
			lv = 1;
		else if (id->type == 0)
			lv = 0;		/* the peer's %any: only %any */
		else
			lv = id_level(&s->ids[i], id->type, id->data, id->len);
		best = lv > best ? lv : best;
	}
	return best;
}

/*
 * strongSwan's get_shared() (credential_manager.c): the best match of the
 * peer's ID wins, then of ours; a secret matching neither is skipped.  So
 * ids for both beat the peer's alone, beat no ids (%any), beat ours alone.
 * Among equals the one loaded last wins (mem_cred keeps the newest
 * first, and swanctl loads secrets in file order).
 */
const struct conf_secret *
cfg_psk(const struct conf *cf, const struct cfg_id *local,
    const struct cfg_id *remote)
{
	const struct conf_secret *best = NULL;
	int best_score = 0;

	for (size_t i = 0; i < cf->nsecrets; i++) {
		const struct conf_secret *s = &cf->secrets[i];
		int me, other;

		if (s->secret == NULL)
			continue;
		me = secret_match(s, local);
		other = secret_match(s, remote);
		if (me == 0 && other == 0)
			continue;
		if (other * 4 + me >= best_score) {
			best = s;
			best_score = other * 4 + me;
		}
	}
	return best;
}

size_t
cfg_ts(const struct conf_ts *t, size_t n, const struct sockaddr_storage *addr,
    struct ike_ts *out, size_t max)
{
	size_t k = 0, alen;
	const uint8_t *p;

	for (size_t i = 0; i < n && k < max; i++) {
		struct ike_ts *o = &out[k];

		memset(o, 0, sizeof(*o));
		if (t[i].dynamic) {
			p = ip_bytes(addr, &alen);
			o->type = alen == 4 ? IKE_TS_IPV4_RANGE :
			    IKE_TS_IPV6_RANGE;
			memcpy(o->start, p, alen);
			memcpy(o->end, p, alen);
		} else {
			alen = t[i].family == AF_INET ? 4 : 16;
			o->type = alen == 4 ? IKE_TS_IPV4_RANGE :
			    IKE_TS_IPV6_RANGE;
			memcpy(o->start, t[i].from, alen);
			memcpy(o->end, t[i].to, alen);
		}
		o->proto = (uint8_t)t[i].proto;
		o->sport = t[i].port_from;
		o->eport = t[i].port_to;
		k++;
	}
	return k;
}
