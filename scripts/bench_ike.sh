#!/usr/bin/env bash
# ike.setups_per_s and ike.strongswan_setups_per_s for `make bench`: IKE SA
# plus CHILD_SA setups a second between two network namespaces, TUNNELS of
# them started at once (each its own connection, IKE SA and CHILD_SA, with
# selectors 10.1.N.0/24 === 10.2.N.0/24), with the data plane `none`:
#  - nicsecd initiating, Debian's charon (kernel-libipsec) responding;
#  - in the same run, the same with charon initiating: strongSwan against
#    itself, the rate to hold nicsecd's beside.
# The rate is TUNNELS over the time from the first IKE_SA_INIT sent to the
# last CHILD_SA up, read off the initiator's log (milliseconds). Wall-clock:
# it depends on the machine and its load, so the two are measured back to
# back and their ratio is the figure to read.
#
#   bench_ike.sh OUT.json [TUNNELS] [PROPOSAL] [ESP]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
OUT=$(realpath -m "$1")
T=${2:-200}
PROP=${3:-aes128gcm16-prfsha256-curve25519}
ESP=${4:-aes128gcm16}
export IKE_NICSECD=$PWD/$BUILD/nicsecd IKE_NICSECCTL=$PWD/$BUILD/nicsecctl
. tests/ike/lib.sh
ike_init
ike_topo "bi$$"
R=$IKE_WORK/right L=$IKE_WORK/left
mkdir -p "$L"
# kernel-libipsec installs a route for each CHILD_SA: an address inside
# each local selector, both sides
# (tunnel i: 10.X.n.4h/30, n = i % 250 + 1, h = i / 250)
for side in 1 2; do
	for i in $(seq "$T"); do
		echo "address add 10.$side.$((i % 250 + 1)).$((i / 250 * 4 + 1))/32 dev lo"
	done | ip -n "$([ $side = 1 ] && echo "$IKE_LEFT" || echo "$IKE_RIGHT")" -batch -
done
lots="block_threshold=100000 cookie_threshold=100000 cookie_threshold_ip=100000 filelog.test.time_add_ms=yes filelog.test.ike=1 filelog.test.cfg=1"
# shellcheck disable=SC2086
charon_start "$IKE_RIGHT" "$R" $lots
{ charon_conn gw local_addrs=$IKE_RIGHT_IP remote_addrs=%any proposals=$PROP \
	local.id=right remote.id=left child.local_ts=10.2.0.0/16 \
	child.remote_ts=10.1.0.0/16 child.esp_proposals=$ESP
  charon_psk left right secret; } | swanctl_conf "$IKE_RIGHT" "$R"
conns() {  # the TUNNELS initiating connections, each with its own selectors
	local i n h
	for i in $(seq "$T"); do
		n=$((i % 250 + 1)) h=$((i / 250))
		charon_conn "t$i" local_addrs=$IKE_LEFT_IP remote_addrs=$IKE_RIGHT_IP \
			proposals="$PROP" local.id=left remote.id=right child=n$i \
			child.local_ts=10.1.$n.$((h * 4))/30 child.remote_ts=10.2.$n.$((h * 4))/30 \
			child.esp_proposals=$ESP child.start_action=start
	done
	charon_psk left right secret
}
# milliseconds since midnight of an HH:MM:SS.mmm stamp
ms() { awk -F'[:.]' '{ printf "%d\n", (($1 * 60 + $2) * 60 + $3) * 1000 + $4 }'; }
rate() {  # FIRST_MS LAST_MS
	python3 -c "import sys; print(round($T / (($2 - $1) / 1000.0), 1))"
}

# nicsecd initiating
conns >"$L/nicsecd.conf"
nicsecd_start "$IKE_LEFT" "$L" --log-level info
nicsecd_wait "$IKE_LEFT" "$L" "$T" ${WAIT:-300}
t0=$(grep -m1 "sending IKE_SA_INIT request" "$L/nicsecd.log" | cut -d' ' -f1 | ms)
t1=$(grep "CHILD_SA .* established" "$L/nicsecd.log" | tail -1 | cut -d' ' -f1 | ms)
up=$(grep -c "CHILD_SA .* established" "$L/nicsecd.log")
ours=$(rate "$t0" "$t1")
nicsecd_stop "$IKE_LEFT" "$L"
sleep 1

# charon initiating, against the same responder (its SAs closed first)
charon_stop "$IKE_RIGHT" "$R"
# shellcheck disable=SC2086
charon_start "$IKE_RIGHT" "$R" $lots
{ charon_conn gw local_addrs=$IKE_RIGHT_IP remote_addrs=%any proposals=$PROP \
	local.id=right remote.id=left child.local_ts=10.2.0.0/16 \
	child.remote_ts=10.1.0.0/16 child.esp_proposals=$ESP
  charon_psk left right secret; } | swanctl_conf "$IKE_RIGHT" "$R"
mkdir -p "$IKE_WORK/lc"
# shellcheck disable=SC2086
charon_start "$IKE_LEFT" "$IKE_WORK/lc" $lots
conns | swanctl_conf "$IKE_LEFT" "$IKE_WORK/lc"
end=$((SECONDS + 300))
while [ "$(grep -c "CHILD_SA .* established" "$IKE_WORK/lc/charon.log")" -lt "$T" ]; do
	[ $SECONDS -lt $end ] || { echo "charon: not $T tunnels up in 300 s" >&2; exit 1; }
	sleep 0.5
done
t0=$(grep -m1 "initiating IKE_SA" "$IKE_WORK/lc/charon.log" | cut -d' ' -f1 | ms)
t1=$(grep "CHILD_SA .* established" "$IKE_WORK/lc/charon.log" | tail -1 | cut -d' ' -f1 | ms)
theirs=$(rate "$t0" "$t1")

python3 - "$OUT" "$ours" "$theirs" "$T" "$PROP" "$ESP" "$up" <<'PY'
import json, sys
out, ours, theirs, t, prop, esp, up = sys.argv[1:]
p = {"tunnels": int(t), "proposal": prop, "esp": esp, "dataplane": "none",
     "peer": "charon (strongSwan 5.9, kernel-libipsec) responding"}
recs = [
    {"name": "ike.setups_per_s", "params": dict(p, initiator="nicsecd"),
     "value": float(ours), "unit": "setups/s"},
    {"name": "ike.strongswan_setups_per_s", "params": dict(p, initiator="charon"),
     "value": float(theirs), "unit": "setups/s"},
]
print("IKE_SA + CHILD_SA setups, %s tunnels at once, %s / ESP %s:" % (t, prop, esp))
print("  nicsecd -> charon %7.1f/s (%s up)" % (float(ours), up))
print("  charon  -> charon %7.1f/s" % float(theirs))
print("  ratio             %7.2f" % (float(ours) / float(theirs)))
json.dump(recs, open(out, "w"), indent=1)
PY
