#!/usr/bin/env bash
# `make bench`: measures the RTL in simulated cycles (not wall time, so the
# numbers hold on a shared, noisy machine) and writes build/bench.json, an array
# of {"name", "params", "value", "unit"} records; docs/bench.md names them.
#
#   rtl.gcm.bits_per_cycle   text bits through the GCM engine per clock, messages
#                            of 64..9000 bytes back to back, each under another key
#   rtl.gcm.latency_cycles   first input beat to first output beat
#   rtl.esp.encap.*          outbound ESP: bits a cycle on the LAN and WAN sides and
#                            packets a cycle, frames of 64..9000 bytes and IMIX
#   rtl.esp.decap.*          inbound ESP: the same, ESP frames of 64..9000 bytes
#                            (WAN side) and IMIX
#   rtl.card.out.*, rtl.card.in.*
#                            the whole card (nicsec-sim replay), each way: bits a
#                            cycle on both sides and packets a cycle, 16 SAs,
#                            frames of 64..9000 bytes and IMIX made by scapy
#                            (scripts/bench_card.py, ~1.5 min)
#   sim.cycles_per_s         nicsec-sim run's speed while busy, LANES 1 and 4, a
#                            stream of bypassed frames between network namespaces
#                            (scripts/bench_sim_run.sh; wall-clock, ~20 s)
#   driver.sa_install_*      SA installs a second through libnicsec on the sim
#                            backend, and the BAR reads and writes each took
#                            (scripts/bench_sa_install.sh; wall-clock, ~1 min)
#   ike.setups_per_s, ike.strongswan_setups_per_s
#                            IKE SA + CHILD_SA setups a second, 200 tunnels at
#                            once, nicsecd and then charon initiating to charon,
#                            data plane none (scripts/bench_ike.sh; wall-clock,
#                            ~10 s)
#   lifecycle.rekey_loss_packets, lifecycle.dpd_detect_s
#                            pings lost across 100 CHILD_SA rekeys on the sim
#                            card against charon (0 is the only good value),
#                            and DPD's time from the peer's death to
#                            dpd_action, with its bound (scripts/
#                            bench_lifecycle.sh; wall-clock, ~90 s)
#   e2e.tcp_mbit_s_sim, e2e.rtt_ms, e2e.projected_gbit_s_250mhz
#                            the gateway end to end on the sim card, LANES 4:
#                            TCP both ways at once host A to host B through
#                            the card and charon (and gateway to gateway),
#                            ping's round trip idle and under the transfers,
#                            and the card's cycles a packet during them as
#                            Gb/s at 250 MHz, a lower bound (scripts/
#                            bench_e2e.sh; wall-clock, the last from
#                            simulated cycles; ~80 s)
#   synth.gcm.*              Yosys synth_xilinx of the engine at LANES=1 (make synth),
#                            rerun here when one of the engine's files ($RTL_FILES,
#                            from the Makefile) is newer than the last synthesis
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
out=$BUILD/bench
mkdir -p "$out"

frags=()
for L in 1 2 4; do
	"$BUILD/gcm_l$L/gcm-tb" --bench --json "$out/gcm_l$L.json"
	frags+=("$out/gcm_l$L.json")
	echo
done
for L in 1 4; do
	"$BUILD/encap_l$L/encap-tb" --bench "$out/encap_l$L.json"
	frags+=("$out/encap_l$L.json")
	echo
done
for L in 1 4; do
	"$BUILD/decap_l$L/decap-tb" --bench "$out/decap_l$L.json"
	frags+=("$out/decap_l$L.json")
	echo
done
# Debian's python3: it has scapy, which makes the frames
/usr/bin/python3 scripts/bench_card.py --build "$BUILD" --lanes 1 4 --json "$out/card.json"
frags+=("$out/card.json")
echo
# nicsec-sim run live between namespaces, bypassed frames (~20 s)
bash scripts/bench_sim_run.sh "$out/sim_run.json"
frags+=("$out/sim_run.json")
echo
# SA installs through libnicsec against nicsec-sim run (~1 min)
bash scripts/bench_sa_install.sh "$out/sa_install.json"
frags+=("$out/sa_install.json")
echo
# IKE setups against strongSwan, and strongSwan's own (~10 s)
bash scripts/bench_ike.sh "$out/ike.json" 200
frags+=("$out/ike.json")

# lifecycle: pings lost across 100 rekeys, DPD's detection time
bash scripts/bench_lifecycle.sh "$out/lifecycle.json" 100
frags+=("$out/lifecycle.json")
echo
# end to end: TCP and ping through the sim card and charon, the card's
# cycles a packet (~80 s)
bash scripts/bench_e2e.sh "$out/e2e.json" 4
frags+=("$out/e2e.json")
echo

synth=$BUILD/synth/bench-synth.json
stale=
for f in ${RTL_FILES:?run me from make bench}; do
	[ -f "$synth" ] && [ ! "$f" -nt "$synth" ] || stale=$f
done
if [ -n "$stale" ]; then
	echo "no synthesis results, or $stale changed since: running make synth (~25 min)"
	bash scripts/synth.sh
fi
frags+=("$synth")

python3 - "$BUILD/bench.json" "${frags[@]}" <<'PY'
import json, sys
out, frags = sys.argv[1], sys.argv[2:]
records = []
for f in frags:
    with open(f) as fh:
        records += json.load(fh)
with open(out, "w") as fh:
    json.dump(records, fh, indent=1)
    fh.write("\n")
print(f"{'name':28} {'params':40} {'value':>12} unit")
for r in records:
    params = ", ".join(f"{k}={v}" for k, v in r["params"].items())
    print(f"{r['name']:28} {params:40} {r['value']:>12} {r['unit']}")
print(f"\nwrote {out} ({len(records)} records)")
PY
