#!/usr/bin/env bash
# e2e.tcp_mbit_s_sim, e2e.rtt_ms and e2e.projected_gbit_s_250mhz for
# `make bench`, from one run of tests/card/e2e_gateway.sh (issue 7): host A
# == nicsec gateway (nicsec-sim run, nicsecd) == WAN == charon
# (kernel-libipsec) == host B, in network namespaces.  Its checks must pass.
#
#   e2e.tcp_mbit_s_sim      TCP, 16 MB each way at once between A and B (ten
#                           rekeys during it), the two directions' rates
#                           summed; and the same in its gateway-to-gateway
#                           part (two nicsec cards, 5 MB each way).  Bound by
#                           the simulator's speed, wall-clock
#   e2e.rtt_ms              ping A -> B through the card and charon: the
#                           median of 50 on the idle tunnel (0.1 s apart),
#                           and of those sent every 0.2 s during the transfers
#   e2e.projected_gbit_s_250mhz
#                           the card's cycles during the transfers (from the
#                           simulator's stats lines) over the frames it moved,
#                           times their mean size (the veths' byte counters):
#                           bits a cycle on the LAN side, both ways, at
#                           250 MHz.  The cycles include those the card sat
#                           idle, so it is a lower bound
#
#   bench_e2e.sh OUT.json [LANES]	(LANES 4 unless given; ~80 s)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=$(realpath -m "$1")
LANES=${2:-4}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
rc=0
bash tests/card/e2e_gateway.sh "$LANES" >"$log" 2>&1 || rc=$?
grep -E "^(ok|not ok)|^RESULT|^the card during|^pings host A|^e2e_gateway" "$log" | sed 's/^/  /'
[ $rc = 0 ] || { echo "bench_e2e: e2e_gateway.sh failed" >&2; exit 1; }
python3 - "$OUT" "$LANES" "$log" <<'PY'
import json, re, sys
out, lanes, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
res, xfer = {}, {}
for line in open(log):
    if line.startswith("RESULT "):
        f = line.split()
        res[f[1]] = (f[2], dict(kv.split("=", 1) for kv in f[3:] if "=" in kv))
    # tcp_xfer.sh's ok line: the bytes the receiver got, the time, the rate
    m = re.match(r"ok - TCP (\w+), (\d+) MB to \S+: (\d+) bytes in [\d.]+ s \((\d+) bytes/s\)", line)
    if m:
        xfer[m[1]] = {"mb": int(m[2]), "bytes": int(m[3]), "rate": int(m[4])}
want = ["e2e.tcp_bytes_s", "e2e.g2g_tcp_bytes_s", "e2e.rtt_ms", "e2e.rtt_loaded_ms",
        "e2e.projected_gbit_s_250mhz"]
missing = [n for n in want if n not in res or res[n][0] == "none"] + \
          [n for n in ("ab", "ba", "g2g_ab", "g2g_ba") if n not in xfer]
if missing:
    sys.exit(f"bench_e2e: nothing measured for {', '.join(missing)}")
mbit = lambda bps: round(bps * 8 / 1e6, 2)
charon = "charon (strongSwan 5.9, kernel-libipsec)"
recs = []
for pre, peer, total, rekeys in (("", charon, "e2e.tcp_bytes_s", 10),
                                 ("g2g_", "nicsec (gateway to gateway: two simulated cards)",
                                  "e2e.g2g_tcp_bytes_s", 1)):
    ab, ba = xfer[pre + "ab"], xfer[pre + "ba"]
    recs.append({"name": "e2e.tcp_mbit_s_sim",
                 "params": {"lanes": lanes, "peer": peer, "directions": "A->B and B->A at once",
                            "mb_each_way": ab["mb"], "rekeys": rekeys,
                            "a_to_b_mbit_s": mbit(ab["rate"]), "b_to_a_mbit_s": mbit(ba["rate"])},
                 "value": mbit(int(res[total][0])), "unit": "Mbit/s"})
for name, load, every in (("e2e.rtt_ms", "idle", 0.1), ("e2e.rtt_loaded_ms", "tcp", 0.2)):
    v, kv = res[name]
    recs.append({"name": "e2e.rtt_ms",
                 "params": {"lanes": lanes, "peer": charon, "load": load, "pings": int(kv["sent"]),
                            "received": int(kv["received"]), "interval_s": every,
                            "stat": "median", "min_ms": float(kv["min"]), "max_ms": float(kv["max"])},
                 "value": float(v), "unit": "ms"})
v, kv = res["e2e.projected_gbit_s_250mhz"]
p = {"lanes": lanes, "clock_mhz": 250, "traffic": "the TCP transfers with charon, both ways at once",
     "side": "lan", "bound": "lower: the cycles include idle ones"}
for k, t in (("cycles", int), ("packets", int), ("cycles_per_packet", float),
             ("mean_frame_bytes", float), ("bits_per_cycle", float),
             ("out_bits_per_cycle", float), ("in_bits_per_cycle", float),
             ("wan_bits_per_cycle", float)):
    p[k] = t(kv[k])
recs.append({"name": "e2e.projected_gbit_s_250mhz", "params": p,
             "value": round(float(v), 2), "unit": "Gbit/s"})
json.dump(recs, open(out, "w"), indent=1)
PY
