#!/usr/bin/env bash
# driver.sa_install_* for `make bench`: SA installs through libnicsec on the
# sim backend, against a live `nicsec-sim run` (LANES 1): tests/card/sa_churn.c
# with --bench, CYCLES add/delete cycles (half inbound, half outbound, about
# 96 SAs live, as the control-path test runs them), for each kind of install:
# inbound (at the slot its SPI names), outbound at a slot the caller gives
# (as nicsecd installs them), and outbound placed by the library (as
# nicsecctl does, a search of the table for a duplicate first). Installs a
# second of wall time (bound by the simulator's cycle rate: an install takes
# the card 100 to 300 cycles), and the BAR reads and writes one took, which
# do not depend on the machine.
#
#   bench_sa_install.sh OUT.json [CYCLES]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
OUT=$1
CYCLES=${2:-2000}
. tests/card/one_card.sh
card_up 1 "$CARD_T/sim.log"
line=$("$BUILD/card/sa_churn" "$CARD_SPEC" "$CYCLES" 1 --bench)
python3 - "$OUT" "$line" "$CYCLES" <<'PY'
import json, sys
out, kinds, cycles = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3])
recs = []
for k in kinds:
    p = {"backend": "sim", "lanes": 1, "kind": k["kind"], "live_sas": 96, "installs": k["installs"]}
    recs += [
        {"name": "driver.sa_install_per_s", "params": p, "value": round(k["per_s"], 1), "unit": "SA/s"},
        {"name": "driver.sa_install_bar_reads", "params": p, "value": round(k["bar_reads"], 1), "unit": "reads/SA"},
        {"name": "driver.sa_install_bar_writes", "params": p, "value": round(k["bar_writes"], 1), "unit": "writes/SA"},
    ]
    print("SA installs on the sim backend, %-8s %5.0f/s, %6.1f BAR reads and %5.1f writes each (%d installs)" % (
        k["kind"] + ":", k["per_s"], k["bar_reads"], k["bar_writes"], k["installs"]))
json.dump(recs, open(out, "w"), indent=1)
PY
