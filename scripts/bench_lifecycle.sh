#!/usr/bin/env bash
# lifecycle.rekey_loss_packets and lifecycle.dpd_detect_s for `make bench`,
# from one run of tests/card/nicsecd_rekeys.sh: nicsecd with the simulated
# card against charon, REKEYS CHILD_SA rekeys (both ends', every fifth a
# collision) under pings both ways every 20 ms; the pings lost across them
# (must be 0); then charon killed, and the seconds from its death to
# nicsecd's dpd_action, beside the bound nicsecd's settings give (the
# card's counters' second + dpd_delay 2 s + the retransmission schedule,
# + 0.5 s for the test's polling).  The suite's own checks must pass too.
#
#   bench_lifecycle.sh OUT.json [REKEYS]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=$(realpath -m "$1")
N=${2:-100}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
rc=0
bash tests/card/nicsecd_rekeys.sh "$N" >"$log" 2>&1 || rc=$?
grep -E "^(ok|not ok)|^RESULT" "$log" | sed 's/^/  /'
[ $rc = 0 ] || { echo "bench_lifecycle: nicsecd_rekeys.sh failed" >&2; exit 1; }
python3 - "$OUT" "$N" "$log" <<'PY'
import json, sys
out, n, log = sys.argv[1:]
r = {}
for line in open(log):
    if line.startswith("RESULT "):
        f = line.split()
        r[f[1]] = f[2:]
p = {"rekeys": int(n), "dataplane": "sim card, LANES 1", "traffic": "ping both ways, 20 ms",
     "peer": "charon (strongSwan 5.9, kernel-libipsec)"}
recs = [
    {"name": "lifecycle.rekey_loss_packets", "params": p,
     "value": int(r["lifecycle.rekey_loss_packets"][0]), "unit": "packets"},
    {"name": "lifecycle.dpd_detect_s",
     "params": {"dpd_delay_s": 2, "retransmit": "0.5 s x 1.4^n, 3 tries",
                "bound_s": float(r["lifecycle.dpd_detect_s"][1])},
     "value": float(r["lifecycle.dpd_detect_s"][0]), "unit": "s"},
]
json.dump(recs, open(out, "w"), indent=1)
PY
