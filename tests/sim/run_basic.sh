#!/usr/bin/env bash
# nicsec-sim run and libnicsec's sim backend, live, between network namespaces:
#
#   LAN peer (lanp, 10.9.0.1) == lan0 [nicsec-sim run] wan0 == wanp (WAN peer)
#        ns ${P}l                  ns ${P}s                      ns ${P}w
#
# Checks (tests/sim/sim_client.c does those through libnicsec): its command
# line errors; registers (ID, SCRATCH, a bad offset and ERR), posted writes in
# order, the lock between two clients and among four at once, the shared host
# memory; the DMA rings (an ARP frame into the LAN port lands in a receive
# buffer with an interrupt, a frame through the transmit ring comes out of
# the LAN port); a bypass rule
# with frames whose UDP checksums the sender's veth left partial, checked on
# the WAN peer by scapy; a GSO frame refused with its one-time advice; no CPU
# used while idle; a second simulator on the same socket refused; the
# simulator killed mid-session (reads give NICSEC_RD_BAD and say why, its
# stale socket is replaced by the next); a path nothing serves; the summary.
#
#   run_basic.sh LANES
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
LANES=${1:-1}
SIM=$PWD/$BUILD/nicsec-sim
CLIENT=$PWD/$BUILD/sim/sim_client
PY=${NICSEC_PYTHON:-/usr/bin/python3}
T=$(mktemp -d /tmp/nicsec-run.XXXXXX)
P=nsr$$
S=${P}s L=${P}l W=${P}w
SOCK=$T/card.sock
PIDS=()
passed=0
failed=0

cleanup() {
	local ns pid
	for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null; done
	for ns in $S $L $W; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
		ip netns del "$ns" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

check() {  # OK DESCRIPTION
	if [ "$1" = 0 ]; then
		passed=$((passed + 1))
		echo "ok - $2"
	else
		failed=$((failed + 1))
		echo "not ok - $2"
	fi
}
# Counts sim_client's lines and echoes them.
client() {  # NS|- ARGS...
	local ns=$1 out
	shift
	if [ "$ns" = - ]; then out=$("$CLIENT" "$@" 2>&1); else out=$(ip netns exec "$ns" "$CLIENT" "$@" 2>&1); fi
	echo "$out"
	passed=$((passed + $(grep -c '^ok' <<<"$out")))
	failed=$((failed + $(grep -c '^not ok' <<<"$out")))
	grep -q '^ok' <<<"$out" || failed=$((failed + 1))
}
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

start_sim() {  # LOG: starts it in $S on $SOCK, waits for the socket
	# ip netns exec execs the simulator: $! is its pid
	ip netns exec $S "$SIM" run --lanes "$LANES" --lan lan0 --wan wan0 --pcie "$SOCK" >"$1" 2>&1 &
	SIM_PID=$!
	PIDS+=("$SIM_PID")
	for _ in $(seq 100); do
		grep -q "served at" "$1" 2>/dev/null && [ -S "$SOCK" ] && return 0
		kill -0 "$SIM_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "nicsec-sim run did not start:"; cat "$1"
	return 1
}
# The simulator's CPU seconds so far (utime + stime).
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat"; }

for ns in $S $L $W; do
	ip netns add "$ns"
	nsx "$ns" ip link set lo up
	# no IPv6 chatter (router solicitations, MLD) to wake the simulator
	nsx "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
ip link add lan0 netns $S type veth peer name lanp netns $L
ip link add wan0 netns $S type veth peer name wanp netns $W
nsx $S ip link set lan0 up
nsx $S ip link set wan0 up
nsx $L ip link set lanp up
nsx $W ip link set wanp up
nsx $L ip addr add 10.9.0.1/24 dev lanp
nsx $L ip neigh add 10.9.0.2 lladdr 02:00:00:00:00:99 dev lanp

# --- the command line's errors: one line, exit 2
expect_error() {  # WANT DESCRIPTION -- COMMAND...
	local want=$1 what=$2 err rc
	shift 3
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	[ "$rc" -eq 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && [[ $err == *"$want"* ]]
	check $? "$what: exit $rc, '$err'"
}
expect_error "nicsec-sim run: --lan veth9: no such interface" "missing interface" -- \
	nsx $S "$SIM" run --lanes "$LANES" --lan veth9 --wan wan0 --pcie "$SOCK"
expect_error "--wan IFNAME is required" "no --wan" -- "$SIM" run --lanes "$LANES" --lan lan0 --pcie "$SOCK"
expect_error "--lanes takes 1, 2 or 4, not '3'" "bad --lanes" -- "$SIM" run --lanes 3 --lan a --wan b --pcie "$SOCK"
expect_error "--dma-mem takes megabytes" "bad --dma-mem" -- \
	"$SIM" run --lanes "$LANES" --lan a --wan b --pcie "$SOCK" --dma-mem 0
expect_error "unknown option '--fast'" "unknown option" -- "$SIM" run --lanes "$LANES" --fast
expect_error "needs CAP_NET_RAW" "no permission" -- \
	nsx $S setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$SIM" run --lanes "$LANES" --lan lan0 --wan wan0 --pcie "$T/nobody.sock"
touch "$T/file"
expect_error "--pcie $T/file: exists and is not a socket" "a file in the way" -- \
	nsx $S "$SIM" run --lanes "$LANES" --lan lan0 --wan wan0 --pcie "$T/file"

# --- a live simulator
start_sim "$T/sim1.log" || exit 1
expect_error "another simulator is serving it" "a second simulator on the same socket" -- \
	nsx $S "$SIM" run --lanes "$LANES" --lan lan0 --wan wan0 --pcie "$SOCK"
client - basic "$SOCK"
client - stress "$SOCK"
client $L rings "$SOCK" lanp

# Frames the LAN peer's kernel sends through its veth, their UDP checksums
# left to "hardware" (tx-checksumming is on by default): bypassed to the WAN,
# where each must arrive with its checksum right.
client - bypass "$SOCK"
cat >"$T/cap.py" <<'EOF'
import sys
from scapy.all import sniff, Ether, IP, UDP, raw
got = sniff(iface="wanp", count=3, timeout=30, started_callback=lambda: print("ready", flush=True),
            lfilter=lambda p: IP in p and p[IP].dst == "10.9.0.2")
for p in got:
    q = Ether(raw(p))
    del q[UDP].chksum
    want = Ether(raw(q))[UDP].chksum
    print(f"ok - UDP/IPv4 {len(p)} bytes out of the WAN port, checksum 0x{p[UDP].chksum:04x}"
          if p[UDP].chksum == want else f"not ok - checksum 0x{p[UDP].chksum:04x}, not 0x{want:04x}")
print(("ok" if len(got) == 3 else "not ok") + f" - {len(got)} of 3 frames bypassed to the WAN")
EOF
nsx $W "$PY" "$T/cap.py" >"$T/cap.out" 2>&1 &
CAP=$!
PIDS+=("$CAP")
for _ in $(seq 100); do grep -q ready "$T/cap.out" && break; sleep 0.1; done
nsx $L "$PY" -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for n in (18, 100, 1400):
    s.sendto(b'x' * n, ('10.9.0.2', 9999))
"
wait "$CAP"
out=$(grep -v ready "$T/cap.out")
echo "$out"
passed=$((passed + $(grep -c '^ok' <<<"$out")))
failed=$((failed + $(grep -c '^not ok' <<<"$out")))
grep -q '^ok' <<<"$out" || failed=$((failed + 1))

# A UDP GSO super-frame (UDP_SEGMENT) through the offloading veth: refused,
# with the advice, once.
nsx $L "$PY" -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_UDP, 103, 500)
for _ in range(2):
    s.sendto(b'z' * 3000, ('10.9.0.2', 9999))
"
sleep 1
n=$(grep -c "dropping GSO frames.*ethtool -K PEER tso off gso off tx-udp-segmentation off" "$T/sim1.log")
check $([ "$n" = 1 ]; echo $?) "a GSO frame refused, the advice given once ($n)"

# Idle: no frames, no clients, the simulator sleeps in poll().
sleep 1
c0=$(cpu "$SIM_PID")
sleep 2
c1=$(cpu "$SIM_PID")
check $(awk -v a="$c0" -v b="$c1" 'BEGIN { exit !(b - a < 0.1) }'; echo $?) \
	"idle for 2 s: $(awk -v a="$c0" -v b="$c1" 'BEGIN { print b - a }') s of CPU"

kill -TERM "$SIM_PID"
wait "$SIM_PID"
check $? "SIGTERM: exit 0"
cat "$T/sim1.log"
check $([ ! -e "$SOCK" ]; echo $?) "the socket file removed at exit"
grep -q "cycles simulated, busy .* cycles/s while busy" "$T/sim1.log"
check $? "the summary: cycles and cycles per second"
grep -Eq "LAN lan0: [1-9][0-9]* frames in, [1-9][0-9]* out; 3 checksums finished, 1 VLAN tag put back, 2 GSO frames dropped" \
	"$T/sim1.log"
check $? "the summary: LAN frames in and out, checksums finished, VLAN tags, GSO frames dropped"
grep -Eq "WAN wan0: 0 frames in, [3-9][0-9]* out" "$T/sim1.log"
check $? "the summary: WAN frames"

# --- killed mid-session
start_sim "$T/sim2.log" || exit 1
coproc GONE { "$CLIENT" gone "$SOCK" 2>&1; }
# our own copies: bash forgets a coprocess's descriptors once it has exited
exec {gin}<&"${GONE[0]}" {gout}>&"${GONE[1]}"
read -r line <&$gin; echo "$line"; [[ $line == ok* ]]; check $? "gone: before"
read -r line <&$gin
check $([ "$line" = ready ]; echo $?) "gone: the client is mid-session"
kill -KILL "$SIM_PID"
wait "$SIM_PID" 2>/dev/null
echo go >&$gout
exec {gout}>&-
out=$(cat <&$gin)
echo "$out"
passed=$((passed + $(grep -c '^ok' <<<"$out")))
failed=$((failed + $(grep -c '^not ok' <<<"$out")))
check $([ -S "$SOCK" ]; echo $?) "the dead simulator's socket file is left behind"
start_sim "$T/sim3.log"
check $? "the next simulator replaces the stale socket"
client - missing "$T/nothing.sock"
kill -TERM "$SIM_PID"
wait "$SIM_PID"

echo "run_basic LANES=$LANES: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
