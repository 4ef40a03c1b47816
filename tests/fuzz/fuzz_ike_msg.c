/*
 * fuzz_ike_msg - libFuzzer harness for nicsecd's message parser: whatever
 * comes off the wire goes through the header and payload chain
 * (ike_msg_parse), every payload decoder (ike_pld_*), the log summary, and,
 * when the input carries an SK payload, the inner chain as if it had
 * decrypted to the bytes after it.  Built with clang -fsanitize=fuzzer,
 * address,undefined: any out-of-bounds read, overflow or crash is a bug.
 * `make test` runs it for a bounded time (scripts/run-tests.sh), from a
 * corpus of real messages (tests/fuzz/seed.sh).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ike_msg.h"
#include "ike_pld.h"
#include "ike_ts.h"

static void
payloads(const struct ike_msg *m)
{
	struct ike_sa_prop sp[IKE_PROPOSALS_MAX];
	struct ike_ts ts[IKE_TS_MAX], nar[IKE_TS_MAX];
	struct ike_ke ke;
	struct ike_id id;
	struct ike_auth au;
	struct ike_cert c;
	struct ike_notify no;
	struct ike_delete d;
	const uint8_t *p;
	char err[256], line[1024];
	size_t n;

	for (size_t i = 0; i < m->npld; i++) {
		const struct ike_pld *pl = &m->pld[i];

		switch (pl->type) {
		case IKE_PLD_SA:
			if (ike_pld_sa(pl, sp, IKE_PROPOSALS_MAX, &n, err,
			    sizeof(err)) == 0)
				for (size_t k = 0; k < n; k++)
					ike_xform_format(&sp[k].p, line,
					    sizeof(line));
			break;
		case IKE_PLD_KE:
			ike_pld_ke(pl, &ke, err, sizeof(err));
			break;
		case IKE_PLD_NONCE:
			ike_pld_nonce(pl, &p, &n, err, sizeof(err));
			break;
		case IKE_PLD_IDI:
		case IKE_PLD_IDR:
			ike_pld_id(pl, &id, err, sizeof(err));
			break;
		case IKE_PLD_AUTH:
			ike_pld_auth(pl, &au, err, sizeof(err));
			break;
		case IKE_PLD_CERT:
		case IKE_PLD_CERTREQ:
			ike_pld_cert(pl, &c, err, sizeof(err));
			break;
		case IKE_PLD_NOTIFY:
			ike_pld_notify(pl, &no, err, sizeof(err));
			break;
		case IKE_PLD_DELETE:
			ike_pld_delete(pl, &d, err, sizeof(err));
			break;
		case IKE_PLD_TSI:
		case IKE_PLD_TSR:
			if (ike_pld_ts(pl, ts, IKE_TS_MAX, &n, err,
			    sizeof(err)) == 0) {
				ike_ts_format_list(ts, n, line, sizeof(line));
				ike_ts_narrow(ts, n, ts, n, nar, IKE_TS_MAX);
				ike_ts_inside(ts, n, ts, n);
			}
			break;
		}
	}
	ike_msg_summary(m, line, sizeof(line));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ike_msg m;
	char err[256];

	if (ike_msg_parse(data, size, &m, err, sizeof(err)) != IKE_OK)
		return 0;
	payloads(&m);
	/* the SK payload's body taken as its plaintext: the inner chain */
	if (m.sk_off != 0) {
		size_t body = m.sk_off + IKE_PLD_HDR_LEN;

		if (ike_msg_parse_inner(&m, data + body, size - body, err,
		    sizeof(err)) == IKE_OK)
			payloads(&m);
	}
	return 0;
}
