/*
 * sa_list.c - `nicsecctl list-sas`: the IKE SAs and their CHILD SAs, as
 * text laid out like `swanctl --list-sas`, or as JSON for scripts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "dataplane.h"
#include "exch.h"
#include "ike_cert.h"
#include "ike_ts.h"

static const char *
ike_state(const struct ikesa *s)
{
	switch (s->sa.state) {
	case IKE_S_NEW:
	case IKE_S_INIT_SENT:	return "CONNECTING";
	case IKE_S_INIT_DONE:
	case IKE_S_AUTH_SENT:	return "CONNECTING";
	case IKE_S_ESTABLISHED:	return s->req == REQ_INFO &&
				    s->cur.kind == TASK_DEL_IKE ? "DELETING" :
				    "ESTABLISHED";
	case IKE_S_DELETING:	return "DELETING";
	default:		return "DESTROYING";
	}
}

const char *
sa_child_state(const struct child_rec *c)
{
	return c->state == CHILD_INSTALLED ? "INSTALLED" :
	    c->state == CHILD_REKEYED ? "REKEYED" : "DELETING";
}

/* A string as JSON: quotes, backslashes and control bytes escaped. */
void
sa_jstr(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

static void
ts_list(FILE *out, const struct ike_ts *ts, size_t n, int json)
{
	char b[128];

	for (size_t i = 0; i < n; i++) {
		ike_ts_format(&ts[i], b, sizeof(b));
		if (json) {
			fputs(i ? "," : "", out);
			sa_jstr(out, b);
		} else {
			fprintf(out, "%s%s", i ? " " : "", b);
		}
	}
}

static void
counters(struct daemon *d, const struct child_rec *c, struct dp_counters *k)
{
	memset(k, 0, sizeof(*k));
	if (d->dp != NULL)
		dp_child_counters(d->dp, c->spi_in, k);
}

static void
text_one(struct daemon *d, const struct ikesa *s, double now, FILE *out)
{
	char a[64], l[300], r[300], suite[256], prop[256];
	int init = s->sa.initiator;

	fprintf(out, "%s: #%u, %s, IKEv2, %016llx_i%s %016llx_r%s\n",
	    s->conn[0] ? s->conn : "(unknown)", s->uniq, ike_state(s),
	    (unsigned long long)s->sa.spi_i, init ? "*" : "",
	    (unsigned long long)s->sa.spi_r, init ? "" : "*");
	fprintf(out, "  local  '%s' @ %s\n", ike_cert_id_str(s->local_id.type,
	    s->local_id.data, s->local_id.len, l, sizeof(l)),
	    ike_addr_str(&s->sa.local, a, sizeof(a)));
	fprintf(out, "  remote '%s' @ %s\n", ike_cert_id_str(s->remote_id.type,
	    s->remote_id.data, s->remote_id.len, r, sizeof(r)),
	    ike_addr_str(&s->sa.remote, a, sizeof(a)));
	if (s->sa.state >= IKE_S_INIT_DONE) {
		ike_xform_format(&s->sa.chosen, suite, sizeof(suite));
		fprintf(out, "  %s\n", suite);
	}
	if (s->established != 0)
		fprintf(out, "  established %.0fs ago\n", now - s->established);
	for (size_t i = 0; i < s->nchild; i++) {
		const struct child_rec *c = &s->child[i];
		struct dp_counters k;

		counters(d, c, &k);
		ike_xform_format(&c->chosen, prop, sizeof(prop));
		fprintf(out, "  %s: #%u, %s, TUNNEL%s, %s\n", c->name, c->uniq,
		    sa_child_state(c), c->encap ? "-in-UDP" : "", prop);
		fprintf(out, "    installed %.0fs ago%s", now - c->installed,
		    c->staged ? ", outbound staged until the peer deletes "
		    "the old one" : "");
		if (c->rekey_at > 0)
			fprintf(out, ", rekeying in %.0fs", c->rekey_at - now);
		if (c->expire_at > 0)
			fprintf(out, ", expires in %.0fs", c->expire_at - now);
		fputc('\n', out);
		fprintf(out, "    in  %08x, %llu bytes, %llu packets\n",
		    c->spi_in, (unsigned long long)k.in_bytes,
		    (unsigned long long)k.in_packets);
		fprintf(out, "    out %08x, %llu bytes, %llu packets\n",
		    c->spi_out, (unsigned long long)k.out_bytes,
		    (unsigned long long)k.out_packets);
		/* child_rec keeps ours in tsi, the peer's in tsr */
		fputs("    local  ", out);
		ts_list(out, c->tsi, c->ntsi, 0);
		fputs("\n    remote ", out);
		ts_list(out, c->tsr, c->ntsr, 0);
		fputc('\n', out);
	}
}

static void
json_one(struct daemon *d, const struct ikesa *s, double now, FILE *out)
{
	char a[64], b[300], suite[256], prop[256];
	int init = s->sa.initiator;

	fputs("{\"name\":", out);
	sa_jstr(out, s->conn);
	fprintf(out, ",\"uniq\":%u,\"state\":\"%s\",\"initiator\":%s,"
	    "\"spi_i\":\"%016llx\",\"spi_r\":\"%016llx\",", s->uniq,
	    ike_state(s), init ? "true" : "false",
	    (unsigned long long)s->sa.spi_i, (unsigned long long)s->sa.spi_r);
	fprintf(out, "\"local_host\":\"%s\",\"local_port\":%u,\"local_id\":",
	    ike_ip_str(&s->sa.local, a, sizeof(a)),
	    ike_addr_port(&s->sa.local));
	sa_jstr(out, ike_cert_id_str(s->local_id.type, s->local_id.data,
	    s->local_id.len, b, sizeof(b)));
	fprintf(out, ",\"remote_host\":\"%s\",\"remote_port\":%u,"
	    "\"remote_id\":", ike_ip_str(&s->sa.remote, a, sizeof(a)),
	    ike_addr_port(&s->sa.remote));
	sa_jstr(out, ike_cert_id_str(s->remote_id.type, s->remote_id.data,
	    s->remote_id.len, b, sizeof(b)));
	suite[0] = '\0';
	if (s->sa.state >= IKE_S_INIT_DONE)
		ike_xform_format(&s->sa.chosen, suite, sizeof(suite));
	fputs(",\"proposal\":", out);
	sa_jstr(out, suite);
	fprintf(out, ",\"nat_local\":%s,\"nat_remote\":%s,"
	    "\"established_s\":%.0f,\"children\":[",
	    s->sa.nat_local ? "true" : "false",
	    s->sa.nat_remote ? "true" : "false",
	    s->established != 0 ? now - s->established : 0.0);
	for (size_t i = 0; i < s->nchild; i++) {
		const struct child_rec *c = &s->child[i];
		struct dp_counters k;

		counters(d, c, &k);
		ike_xform_format(&c->chosen, prop, sizeof(prop));
		fprintf(out, "%s{\"name\":", i ? "," : "");
		sa_jstr(out, c->name);
		fprintf(out, ",\"uniq\":%u,\"state\":\"%s\",\"mode\":\"TUNNEL\","
		    "\"encap\":%s,\"proposal\":", c->uniq, sa_child_state(c),
		    c->encap ? "true" : "false");
		sa_jstr(out, prop);
		fprintf(out, ",\"spi_in\":\"%08x\",\"spi_out\":\"%08x\","
		    "\"bytes_in\":%llu,\"packets_in\":%llu,\"bytes_out\":%llu,"
		    "\"packets_out\":%llu,\"installed_s\":%.0f,\"local_ts\":[",
		    c->spi_in, c->spi_out, (unsigned long long)k.in_bytes,
		    (unsigned long long)k.in_packets,
		    (unsigned long long)k.out_bytes,
		    (unsigned long long)k.out_packets, now - c->installed);
		ts_list(out, c->tsi, c->ntsi, 1);
		fputs("],\"remote_ts\":[", out);
		ts_list(out, c->tsr, c->ntsr, 1);
		/* staged: a rekey's responder, outbound not switched yet */
		fprintf(out, "],\"outbound\":\"%s\",\"rekey_in_s\":%.0f,"
		    "\"expires_in_s\":%.0f}", c->staged ? "staged" : "installed",
		    c->rekey_at > 0 ? c->rekey_at - now : -1, c->expire_at > 0 ?
		    c->expire_at - now : -1);
	}
	fputs("]}", out);
}

static int
by_uniq(const void *a, const void *b)
{
	const struct ikesa *x = *(const struct ikesa *const *)a;
	const struct ikesa *y = *(const struct ikesa *const *)b;

	return x->uniq < y->uniq ? -1 : x->uniq > y->uniq;
}

void
dmn_list_sas(struct daemon *d, int json, FILE *out)
{
	const struct ikesa **v;
	double now = dmn_now();
	size_t n = 0;

	if ((v = calloc(d->t.n + 1, sizeof(*v))) == NULL) {
		fputs("out of memory\n", out);
		return;
	}
	for (const struct ikesa *s = d->t.head; s != NULL; s = s->next)
		v[n++] = s;
	/* oldest first, as they were made */
	qsort(v, n, sizeof(*v), by_uniq);
	if (json)
		fputs("{\"ike_sas\":[", out);
	for (size_t i = 0; i < n; i++) {
		if (json) {
			fputs(i ? "," : "", out);
			json_one(d, v[i], now, out);
		} else {
			text_one(d, v[i], now, out);
		}
	}
	if (json) {
		fputs("],\"traps\":[", out);
		exch_trap_list(d, 1, out);
		fputs("]}\n", out);
	} else {
		exch_trap_list(d, 0, out);
	}
	free(v);
}
