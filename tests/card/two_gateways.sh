#!/usr/bin/env bash
# Two simulated gateways between network namespaces, with static SAs:
#
#   host A (10.1.0.2) -- card 1 (nicsec-sim run) == WAN veth == card 2 -- host B (10.2.0.2)
#                           |  gw1: TAPs tl1 10.1.0.1, tw1 192.0.2.1     |  gw2: tl2 10.2.0.1, tw2 192.0.2.2
#
# Each gateway namespace runs `nicsec-sim run` (its LAN and WAN ports on veths)
# and `nicsecctl tap` (the exception path on TAP interfaces that carry the
# gateway's addresses, so the kernel answers ARP); the SAs and the policy rule
# are loaded with `nicsecctl sa add` and `spd add`. Then ping and a TCP transfer
# each way (socat, checked by SHA-256) cross the tunnel, and the card counters
# on both sides must agree with what nftables counted on the wires to and from
# the hosts: packets and bytes, each way, and no drops.
#
#   two_gateways.sh LANES
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
LANES=${1:-1}
SIM=$PWD/$BUILD/nicsec-sim
CTL=$PWD/$BUILD/nicsecctl
PY=${NICSEC_PYTHON:-/usr/bin/python3}
T=$(mktemp -d /tmp/nicsec-2gw.XXXXXX)
P=n2g$$
A=${P}a G1=${P}g1 G2=${P}g2 B=${P}b
PIDS=()

cleanup() {
	local ns pid
	for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	for ns in $A $G1 $G2 $B; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
		ip netns del "$ns" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT

fail() { echo "two_gateways: FAIL: $*" >&2; for f in "$T"/*.log; do echo "--- $f"; tail -5 "$f"; done >&2; exit 1; }
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

for ns in $A $G1 $G2 $B; do
	ip netns add "$ns"
	nsx "$ns" ip link set lo up
	nsx "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
# The card's wires: LAN veths to the hosts, one veth between the WAN ports.
ip link add a0 netns $A type veth peer name l1 netns $G1
ip link add w1 netns $G1 type veth peer name w2 netns $G2
ip link add l2 netns $G2 type veth peer name b0 netns $B
MAC_A=02:00:0a:00:00:02 MAC_B=02:00:0b:00:00:02
MAC_TL1=02:00:01:00:00:01 MAC_TW1=02:00:01:00:00:02
MAC_TL2=02:00:02:00:00:01 MAC_TW2=02:00:02:00:00:02
nsx $A ip link set a0 address $MAC_A mtu 1400 up
nsx $B ip link set b0 address $MAC_B mtu 1400 up
nsx $G1 ip link set l1 up; nsx $G1 ip link set w1 up
nsx $G2 ip link set l2 up; nsx $G2 ip link set w2 up
# A veth's sender may leave checksums and segmentation to its peer; a wire
# does neither, so the hosts finish their own frames.
nsx $A ethtool -K a0 tx off tso off gso off >/dev/null 2>&1 || true
nsx $B ethtool -K b0 tx off tso off gso off >/dev/null 2>&1 || true
nsx $A ip addr add 10.1.0.2/24 dev a0
nsx $A ip route add default via 10.1.0.1
nsx $B ip addr add 10.2.0.2/24 dev b0
nsx $B ip route add default via 10.2.0.1

# The cards and their exception paths.
for g in 1 2; do
	ns=$G1; [ $g = 2 ] && ns=$G2
	nsx $ns "$SIM" run --lanes "$LANES" --lan l$g --wan w$g --pcie "$T/card$g.sock" \
		>"$T/sim$g.log" 2>&1 &
	PIDS+=($!)
done
for g in 1 2; do
	for _ in $(seq 100); do [ -S "$T/card$g.sock" ] && break; sleep 0.1; done
	[ -S "$T/card$g.sock" ] || fail "nicsec-sim run $g did not start"
done
for g in 1 2; do
	ns=$G1; [ $g = 2 ] && ns=$G2
	nsx $ns "$CTL" --card "sim:$T/card$g.sock" tap --lan tl$g --wan tw$g >"$T/tap$g.log" 2>&1 &
	PIDS+=($!)
done
for g in 1 2; do
	ns=$G1; [ $g = 2 ] && ns=$G2
	for _ in $(seq 100); do nsx $ns ip link show tw$g >/dev/null 2>&1 && break; sleep 0.1; done
done
nsx $G1 ip link set tl1 address $MAC_TL1; nsx $G1 ip link set tw1 address $MAC_TW1
nsx $G2 ip link set tl2 address $MAC_TL2; nsx $G2 ip link set tw2 address $MAC_TW2
nsx $G1 ip addr add 10.1.0.1/24 dev tl1; nsx $G1 ip addr add 192.0.2.1/24 dev tw1
nsx $G2 ip addr add 10.2.0.1/24 dev tl2; nsx $G2 ip addr add 192.0.2.2/24 dev tw2

# Static SAs: 0xa1 carries 10.1/24 -> 10.2/24 (gw1 out, gw2 in), 0xb2 the reverse.
K1=0x$(head -c 20 /dev/urandom | od -An -tx1 | tr -d ' \n')
K2=0x$(head -c 36 /dev/urandom | od -An -tx1 | tr -d ' \n')
SA1="src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x000010a1 mode tunnel aead 'rfc4106(gcm(aes))' $K1 128"
SA2="src 192.0.2.2 dst 192.0.2.1 proto esp spi 0x000020b2 mode tunnel aead 'rfc4106(gcm(aes))' $K2 128 replay-window 128 flag esn"
ctl() { local g=$1; shift; local ns=$G1; [ $g = 2 ] && ns=$G2; nsx $ns "$CTL" --card "sim:$T/card$g.sock" "$@"; }
ctl 1 sa add $SA1 sel src 10.1.0.0/24 dst 10.2.0.0/24 ether src $MAC_TW1 dst $MAC_TW2 dir out >/dev/null
ctl 1 sa add $SA2 sel src 10.2.0.0/24 dst 10.1.0.0/24 ether src $MAC_TL1 dst $MAC_A dir in >/dev/null
ctl 2 sa add $SA2 sel src 10.2.0.0/24 dst 10.1.0.0/24 ether src $MAC_TW2 dst $MAC_TW1 dir out >/dev/null
ctl 2 sa add $SA1 replay-window 128 sel src 10.1.0.0/24 dst 10.2.0.0/24 ether src $MAC_TL2 dst $MAC_B dir in >/dev/null
ctl 1 spd add src 10.1.0.0/24 dst 10.2.0.0/24 action protect spi 0x10a1 >/dev/null
ctl 2 spd add src 10.2.0.0/24 dst 10.1.0.0/24 action protect spi 0x20b2 >/dev/null
ctl 1 sa list >"$T/sa1.txt"
grep -q "spi 0x000010a1" "$T/sa1.txt" || fail "sa list on gw1 lacks the outbound SA: $(cat "$T/sa1.txt")"
grep -q "key hidden" "$T/sa1.txt" || fail "sa list shows key material"

# What the hosts send and get, counted by nftables on the wires: frames from
# a host as they reach its gateway's LAN veth (not in the host's output
# hook, which sees TCP's segments before GSO cuts them to the MTU), and
# frames to it as they reach the host's veth. Both are ingress hooks, whose
# byte counts start at the IP header, as the card's do.
count() {  # NS DEV CHAIN
	nsx "$1" nft -f - <<NFT
table netdev count {
	chain $3 {
		type filter hook ingress device $2 priority 0;
		ip daddr { 10.1.0.0/24, 10.2.0.0/24 } ip saddr { 10.1.0.0/24, 10.2.0.0/24 } counter
	}
}
NFT
}
count $G1 l1 out; count $A a0 in
count $G2 l2 out; count $B b0 in

nsx $A ping -c 20 -i 0.2 -W 5 10.2.0.2 >"$T/ping.log" 2>&1 || fail "ping A -> B: $(tail -2 "$T/ping.log")"
grep -q " 0% packet loss" "$T/ping.log" || fail "ping lost packets: $(grep loss "$T/ping.log")"

# TCP, each way, checked end to end.
head -c $((2 << 20)) /dev/urandom >"$T/ab.bin"
head -c $((1 << 20)) /dev/urandom >"$T/ba.bin"
xfer() { # FROM_NS TO_NS TO_ADDR FILE
	nsx "$2" socat -u TCP-LISTEN:5001,reuseaddr OPEN:"$T/got.bin",creat,trunc &
	local l=$!
	sleep 0.5
	nsx "$1" timeout 120 socat -u OPEN:"$4" TCP:"$3":5001 || fail "TCP $4 to $3: socat failed"
	wait $l || fail "TCP $4: the receiver failed"
	cmp -s "$4" "$T/got.bin" || fail "TCP $4 to $3: the bytes received differ"
}
xfer $A $B 10.2.0.2 "$T/ab.bin"
xfer $B $A 10.1.0.2 "$T/ba.bin"
sleep 0.5

# The counters: nftables on the wires against the cards.
nsx $G1 nft -j list table netdev count >"$T/nftA_out.json"
nsx $A nft -j list table netdev count >"$T/nftA_in.json"
nsx $G2 nft -j list table netdev count >"$T/nftB_out.json"
nsx $B nft -j list table netdev count >"$T/nftB_in.json"
ctl 1 stats --json >"$T/stats1.json"
ctl 2 stats --json >"$T/stats2.json"
ctl 1 sa list --json >"$T/list1.json"
ctl 2 sa list --json >"$T/list2.json"
"$PY" - "$T" <<'PY' || fail "counters disagree"
import json, sys
t = sys.argv[1]
def nft(h):
    c = {}
    for way in "out", "in":
        for o in json.load(open(f"{t}/nft{h}_{way}.json"))["nftables"]:
            r = o.get("rule")
            if r:
                for e in r["expr"]:
                    if "counter" in e:
                        c[r["chain"]] = (e["counter"]["packets"], e["counter"]["bytes"])
    return c
def card(g):
    st = json.load(open(f"{t}/stats{g}.json"))
    sas = {s["spi"]: s for s in json.load(open(f"{t}/list{g}.json"))}
    return st, sas
nA, nB = nft("A"), nft("B")
(s1, l1), (s2, l2) = card(1), card(2)
def sa(st, l, spi, d):
    s = next(x for x in l.values() if x["spi"] == spi and x["dir"] == d)
    return st["sa"][str(s["slot"])]
checks = [
    ("A->B: host A sent, gw1 out SA 0x10a1", nA["out"], sa(s1, l1, 0x10a1, "out")),
    ("A->B: gw2 in SA 0x10a1, host B got", sa(s2, l2, 0x10a1, "in"), nB["in"]),
    ("B->A: host B sent, gw2 out SA 0x20b2", nB["out"], sa(s2, l2, 0x20b2, "out")),
    ("B->A: gw1 in SA 0x20b2, host A got", sa(s1, l1, 0x20b2, "in"), nA["in"]),
]
ok = True
for what, a, b in checks:
    a = (a["packets"], a["bytes"]) if isinstance(a, dict) else a
    b = (b["packets"], b["bytes"]) if isinstance(b, dict) else b
    print(f"  {what}: {a[0]} / {b[0]} packets, {a[1]} / {b[1]} bytes")
    ok &= a == b
for g, st in (1, s1), (2, s2):
    for slot, c in st["sa"].items():
        drops = {k: v for k, v in c.items() if k.startswith("drop_") and v}
        if drops:
            print(f"  gw{g} slot {slot}: drops {drops}"); ok = False
    if st["global"]["malformed"] or st["global"]["oversize"]:
        print(f"  gw{g}: malformed or oversize frames: {st['global']}"); ok = False
print("  gw1 exception path: %d frames to the host, %d from it" % (s1["global"]["host_rx"], s1["global"]["host_tx"]))
sys.exit(0 if ok and nA["out"][0] > 1000 else 1)
PY
echo "two_gateways LANES=$LANES: ping and TCP both ways through two simulated cards; counters agree"
