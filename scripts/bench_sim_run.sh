#!/usr/bin/env bash
# sim.cycles_per_s for `make bench`: how fast `nicsec-sim run` simulates the
# card while it has work, at LANES 1 and 4. Between network namespaces, as
# tests/sim/run_basic.sh sets them up: a policy rule bypasses every IPv4 frame
# from the LAN to the WAN, and the LAN peer sends UDP/IPv4 frames of 64 to
# 1,463 bytes (tests/sim/sim_client.c flood) faster than the simulation takes
# them for SECONDS, so the card always has a frame waiting. The figure is the
# simulator's own, from its summary: cycles simulated over the wall time it
# was busy. Unlike the rtl.* figures it is wall-clock, so it depends on the
# machine and its load.
#
#   bench_sim_run.sh OUT.json [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
OUT=$1
SECS=${2:-8}
SIM=$PWD/$BUILD/nicsec-sim
CLIENT=$PWD/$BUILD/sim/sim_client
T=$(mktemp -d /tmp/nicsec-bench-run.XXXXXX)
P=nsb$$
S=${P}s L=${P}l W=${P}w
SIM_PID=

cleanup() {
	local ns pid
	[ -n "$SIM_PID" ] && kill -9 "$SIM_PID" 2>/dev/null
	for ns in $S $L $W; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
		ip netns del "$ns" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

for ns in $S $L $W; do
	ip netns add "$ns"
	ip netns exec "$ns" ip link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
ip link add lan0 netns $S type veth peer name lanp netns $L
ip link add wan0 netns $S type veth peer name wanp netns $W
for x in "$S lan0" "$S wan0" "$L lanp" "$W wanp"; do
	set -- $x
	ip netns exec "$1" ip link set "$2" up
done

records=()
for LANES in 1 4; do
	sock=$T/card$LANES.sock log=$T/sim$LANES.log
	ip netns exec $S "$SIM" run --lanes "$LANES" --lan lan0 --wan wan0 --pcie "$sock" >"$log" 2>&1 &
	SIM_PID=$!
	for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
	"$CLIENT" bypass "$sock" >/dev/null
	sent=$(ip netns exec $L "$CLIENT" flood lanp "$SECS")
	kill -INT "$SIM_PID"
	wait "$SIM_PID"
	SIM_PID=
	cps=$(sed -n 's/.* busy \([0-9.]*\) s, \([0-9]*\) cycles\/s while busy/\2/p' "$log")
	busy=$(sed -n 's/.* busy \([0-9.]*\) s, .*/\1/p' "$log")
	frames=$(sed -n 's/.*LAN lan0: \([0-9]*\) frames in.*/\1/p' "$log")
	out=$(sed -n 's/.*WAN wan0: [0-9]* frames in, \([0-9]*\) out.*/\1/p' "$log")
	# (stopped mid-stream: the last few frames may still be inside the card)
	if [ -z "$cps" ] || [ -z "$frames" ] || [ "$frames" -lt 100 ] || [ "$out" -lt $((frames - 8)) ]; then
		echo "bench_sim_run: LANES=$LANES: no steady run ($sent; $frames in, $out out):" >&2
		cat "$log" >&2
		exit 1
	fi
	echo "nicsec-sim run LANES=$LANES: $cps cycles/s while busy ($busy s busy, $frames frames bypassed, $sent)"
	records+=("{\"name\": \"sim.cycles_per_s\", \"params\": {\"lanes\": $LANES, \"traffic\": \"bypass\"}, \"value\": $cps, \"unit\": \"cycles/s\"}")
done
{
	echo "["
	for i in "${!records[@]}"; do
		sep=,
		[ "$i" -eq $((${#records[@]} - 1)) ] && sep=
		echo " ${records[$i]}$sep"
	done
	echo "]"
} >"$OUT"
