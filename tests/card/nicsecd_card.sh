#!/usr/bin/env bash
# nicsecd with a live simulated card (`nicsec-sim run`) against strongSwan's
# charon (kernel-libipsec), between network namespaces:
#
#   host A (10.1.0.2) == l1 [card, ns G] w1 == wan0  charon (192.0.2.2, ns R;
#                             |                           10.2.0.1 on lo)
#           G: nicsecctl tap: TAPs tl 10.1.0.1, tw 192.0.2.1; nicsecd
#
# IKE reaches nicsecd only through the card: charon's packets enter the
# card's WAN port, take the exception path to the TAP tw (the gateway's WAN
# address), and nicsecd's go back the same way; so the card is in the data
# path, as in a real gateway. Everything about the card is read back by
# other processes (nicsecctl --card: sa list, spd list), and held against
# charon's view (swanctl --list-sas):
#  - nicsecd initiating: exactly the CHILD_SA's two SAs (inbound SPI =
#    charon's spi_out, outbound = charon's spi_in), UDP 4500/4500, outer
#    addresses and selectors, one protect rule on the outbound SA's slot;
#  - the daemon runs without capabilities (CapEff 0) and still works;
#  - ping from A to 10.2.0.1 through the card: the card's per-SA packet
#    and byte counters equal to charon's (packets_in/out, bytes_in/out);
#  - nicsecctl rekey while A pings every 50 ms (none lost): the card holds
#    the new pair (charon's new SPIs), the rule on the new outbound SA, the
#    old SAs gone within seconds, and traffic under the new pair;
#    terminate: nothing left; initiate again; SIGTERM: nothing left;
#  - charon initiating, nicsecd responding: the same checks, a rekey by
#    charon under traffic, and nothing left after SIGTERM even with charon
#    silent (nicsecd's DELETE dropped);
#  - rekey_packets 20: the card's soft-limit event makes nicsecd rekey the
#    CHILD_SA (the new pair on the card and at charon, the old gone);
#  - dpd_delay 2s: no liveness check while ESP comes in (the card's inbound
#    counters), one once the tunnel is quiet.
#
# nicsecd leaves the card's Ethernet addresses at libnicsec's "not
# configured" defaults (src 02:00:00:00:00:01, dst 02:00:00:00:00:02: it has
# no next-hop configuration yet), so host A's and charon's interfaces are
# given 02:00:00:00:00:02, the address the card's frames go to.
#
#   nicsecd_card.sh [LANES]
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
LANES=${1:-1}
SIM=$PWD/$BUILD/nicsec-sim
CTL=$PWD/$BUILD/nicsecctl
export IKE_NICSECD=${IKE_NICSECD:-$PWD/$BUILD/nicsecd} IKE_NICSECCTL=${IKE_NICSECCTL:-$CTL}
. tests/ike/lib.sh
ike_init || exit 1
. tests/checks.sh
finish() { echo "nicsecd_card: $passed passed, $failed failed"; [ $failed -eq 0 ]; exit $?; }
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

P=nc$$
A=${P}a G=${P}g R=${P}r
D=$IKE_WORK/gw C=$IKE_WORK/charon
mkdir -p "$D" "$C"
for ns in $A $G $R; do
	ike_ns "$ns" || exit 1
	# only the test's frames on the wires
	nsx "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
ip link add a0 netns $A type veth peer name l1 netns $G || exit 1
ip link add w1 netns $G type veth peer name wan0 netns $R || exit 1
NC_MAC=02:00:00:00:00:02	# where the card sends when nobody said (see above)
nsx $A ip link set a0 address $NC_MAC mtu 1400 up
nsx $R ip link set wan0 address $NC_MAC up
nsx $G ip link set l1 up
nsx $G ip link set w1 up
# a veth leaves checksums to its peer; the card is a wire and does not
nsx $A ethtool -K a0 tx off tso off gso off >/dev/null 2>&1 || true
nsx $R ethtool -K wan0 tx off tso off gso off >/dev/null 2>&1 || true
nsx $A ip addr add 10.1.0.2/24 dev a0
nsx $A ip route add default via 10.1.0.1
nsx $R ip addr add 192.0.2.2/24 dev wan0
# kernel-libipsec wants an address inside its local selector
nsx $R ip addr add 10.2.0.1/24 dev lo

nsx $G "$SIM" run --lanes "$LANES" --lan l1 --wan w1 --pcie "$D/card.sock" >"$D/sim.log" 2>&1 &
ike_track_pid $!
for _ in $(seq 100); do [ -S "$D/card.sock" ] && grep -q "served at" "$D/sim.log" && break; sleep 0.1; done
[ -S "$D/card.sock" ] || { echo "nicsec-sim run did not start: $(tail -3 "$D/sim.log")" >&2; exit 1; }
SPEC=sim:$D/card.sock
card() { nsx $G "$CTL" --card "$SPEC" "$@"; }
card tap --lan tl --wan tw >"$D/tap.log" 2>&1 &
ike_track_pid $!
for _ in $(seq 100); do nsx $G ip link show tw >/dev/null 2>&1 && break; sleep 0.1; done
nsx $G ip link set tl address 02:00:01:00:00:01
nsx $G ip link set tw address 02:00:01:00:00:02
nsx $G ip addr add 10.1.0.1/24 dev tl || exit 1
nsx $G ip addr add 192.0.2.1/24 dev tw || exit 1
# ARP and ping through the card's exception path, both sides
if nsx $R ping -c1 -W2 -q 192.0.2.1 >/dev/null 2>&1 && nsx $A ping -c1 -W2 -q 10.1.0.1 >/dev/null 2>&1; then
	ok "the card's exception path: charon's namespace and host A reach the gateway's TAPs"
else
	not_ok "the exception path: no ping to 192.0.2.1 or 10.1.0.1 through the card"; finish
fi
charon_start $R "$C" || exit 1

# ---- helpers ----------------------------------------------------------------

# card_is WHAT SPI_IN SPI_OUT: the card (read back by nicsecctl, a process of
# its own) holds exactly the CHILD_SA's two SAs and one protect rule on the
# outbound one; prints what it found, or what is wrong, and fails then.
card_is() {
	card sa list --json >"$D/sa.json" 2>&1 && card sa list >"$D/sa.txt" 2>&1 &&
		card spd list --json >"$D/spd.json" 2>&1 || { cat "$D/sa.json" "$D/spd.json"; return 1; }
	python3 -I -S - "$D" "$2" "$3" <<-'PY'
	import json, sys
	d, spi_in, spi_out = sys.argv[1], int(sys.argv[2], 16), int(sys.argv[3], 16)
	sas = json.load(open(d + "/sa.json"))
	rules = json.load(open(d + "/spd.json"))
	text = {int(l.split()[1].rstrip(":"), 16): l for l in open(d + "/sa.txt") if l.startswith("slot ")}
	bad = []
	def want(sa, d, spi, src, dst, sel):
	    if sa is None:
	        bad.append(f"no {d}bound SA with SPI 0x{spi:08x}")
	        return
	    if (sa["src"], sa["dst"]) != (src, dst):
	        bad.append(f"{d}bound SA {sa['src']} -> {sa['dst']}, want {src} -> {dst}")
	    t = text.get(sa["slot"], "")
	    if " encap espinudp 4500 4500 " not in t:
	        bad.append(f"{d}bound SA not UDP 4500/4500: {t.strip()}")
	    if sel not in t:
	        bad.append(f"{d}bound SA's selector is not '{sel}': {t.strip()}")
	ins = [s for s in sas if s["dir"] == "in"]
	outs = [s for s in sas if s["dir"] == "out"]
	i = next((s for s in ins if s["spi"] == spi_in), None)
	o = next((s for s in outs if s["spi"] == spi_out), None)
	if len(sas) != 2:
	    bad.append(f"{len(sas)} SAs on the card, not 2: " +
	               ", ".join(f"{s['dir']} 0x{s['spi']:08x}" for s in sas))
	want(i, "in", spi_in, "192.0.2.2", "192.0.2.1", "sel src 10.2.0.0/24 dst 10.1.0.0/24")
	want(o, "out", spi_out, "192.0.2.1", "192.0.2.2", "sel src 10.1.0.0/24 dst 10.2.0.0/24")
	if len(rules) != 1:
	    bad.append(f"{len(rules)} policy rules, not 1: {[r['rule'] for r in rules]}")
	elif o is not None:
	    r = rules[0]
	    if (r["action"], r["slot"]) != ("protect", o["slot"]) or \
	       not r["rule"].startswith("src 10.1.0.0/24 dst 10.2.0.0/24 ") or \
	       f"spi 0x{spi_out:08x}" not in r["rule"]:
	        bad.append(f"rule {r['index']} '{r['rule']}' slot {r['slot']}, want protect "
	                   f"10.1.0.0/24 -> 10.2.0.0/24 on slot {o['slot']} (0x{spi_out:08x})")
	if bad:
	    print("; ".join(bad))
	    sys.exit(1)
	print(f"in 0x{spi_in:08x} slot {i['slot']}, out 0x{spi_out:08x} slot {o['slot']}, "
	      f"UDP 4500/4500, rule {rules[0]['index']} on slot {o['slot']}")
	PY
}
# card_empty: no SA and no rule on the card
card_empty() {
	local s r
	s=$(card sa list --json | tr -d ' \n') r=$(card spd list --json | tr -d ' \n')
	if [ "$s" = "[]" ] && [ "$r" = "[]" ]; then
		echo "no SA, no rule"
		return 0
	fi
	echo "SAs: $s; rules: $r"
	return 1
}
# wait_card WHAT SECONDS CMD...: CMD until it succeeds, SECONDS at most; ok
# with its output, or not_ok with the last
wait_card() {
	local what=$1 end=$((SECONDS + $2)) out
	shift 2
	while :; do
		if out=$("$@"); then ok "$what: $out"; return 0; fi
		[ $SECONDS -ge $end ] && break
		sleep 0.3
	done
	not_ok "$what: $out"
	return 1
}
# charon's CHILD_SA net of connection CONN: "SPI_IN SPI_OUT" (INSTALLED)
charon_spis() {
	local js
	js=$(sa_json $R "$C")
	echo "$(sa_get "$js" "$1" net spi_in) $(sa_get "$js" "$1" net spi_out)"
}
# charon has exactly one CHILD_SA (a rekey's old one deleted)
charon_one_child() {
	[ "$(sa_json $R "$C" | grep -c '"type": "child"')" = 1 ]
}
# card_matches_charon CONN: card_is against charon's SPIs now
card_matches_charon() {
	local s
	charon_one_child || { echo "charon has $(sa_json $R "$C" | grep -c '"type": "child"') CHILD_SAs"; return 1; }
	s=($(charon_spis "$1"))
	[ ${#s[@]} = 2 ] || { echo "charon has no CHILD_SA"; return 1; }
	# ours in is theirs out
	card_is x "${s[1]}" "${s[0]}"
}
# traffic WHAT CONN: 5 pings A -> 10.2.0.1 through the card; the card's
# per-SA packet and byte counters move by what charon counted on its
# CHILD_SA (the ESP it got is what the card's outbound SA sent, and back)
traffic() {
	local what=$1 before after out
	before=$(counters "$2")
	if ! nsx $A ping -c 5 -i 0.2 -W 3 -q 10.2.0.1 >"$D/ping.log" 2>&1; then
		not_ok "$what: ping A -> 10.2.0.1 through the card: $(grep loss "$D/ping.log")"
		return 1
	fi
	sleep 0.3
	after=$(counters "$2")
	if out=$(python3 -I -S - "$before" "$after" <<-'PY'
	import sys
	b, a = ([int(x) for x in s.split()] for s in sys.argv[1:3])
	# card in, card out, charon in, charon out: packets, then bytes (both
	# count the inner IP packets)
	d = [y - x for x, y in zip(b, a)]
	print(f"card out SA +{d[1]} packets +{d[5]} bytes, charon in +{d[2]} +{d[6]}; "
	      f"charon out +{d[3]} +{d[7]}, card in SA +{d[0]} +{d[4]}")
	sys.exit(0 if d[0] >= 5 and d[1] >= 5 and d[4] > 0 and
	         d[1] == d[2] and d[0] == d[3] and d[5] == d[6] and d[4] == d[7] else 1)
	PY
	); then
		ok "$what: 5 pings, 0% loss; $out"
	else
		not_ok "$what: counters: $out (before: $before, after: $after)"
	fi
}
# counters CONN: "CARD_IN_PKTS CARD_OUT_PKTS CHARON_PKTS_IN CHARON_PKTS_OUT
# CARD_IN_BYTES CARD_OUT_BYTES CHARON_BYTES_IN CHARON_BYTES_OUT" for the
# CHILD_SA charon has installed now
counters() {
	local js s
	js=$(sa_json $R "$C")
	s=($(sa_get "$js" "$1" net spi_in) $(sa_get "$js" "$1" net spi_out))
	card sa list --json | python3 -I -S -c '
import json, sys
sas = json.load(sys.stdin)
def n(d, spi, k):
    return sum(s[k] for s in sas if s["dir"] == d and s["spi"] == int(spi, 16))
a = sys.argv
print(n("in", a[2], "packets"), n("out", a[1], "packets"), a[3], a[4],
      n("in", a[2], "bytes"), n("out", a[1], "bytes"), a[5], a[6])' "${s[@]}" \
		"$(sa_get "$js" "$1" net packets_in)" "$(sa_get "$js" "$1" net packets_out)" \
		"$(sa_get "$js" "$1" net bytes_in)" "$(sa_get "$js" "$1" net bytes_out)"
}
# under_ping WHAT CMD...: CMD (a rekey) while host A pings through the card
# every 50 ms; not one ping lost (the new CHILD_SA in before the old goes)
under_ping() {
	local what=$1 p
	shift
	nsx $A ping -c 40 -i 0.05 -W 2 -q 10.2.0.1 >"$D/ping_rekey.log" 2>&1 &
	p=$!
	sleep 0.5
	"$@" >"$D/cmd.out" 2>&1 || not_ok "$what: '$*' failed: $(cat "$D/cmd.out")"
	wait $p
	if grep -q " 0% packet loss" "$D/ping_rekey.log"; then
		ok "$what: $(grep -o '[0-9]* packets transmitted, [0-9]* received' "$D/ping_rekey.log"), none lost"
	else
		not_ok "$what: $(grep loss "$D/ping_rekey.log")"
	fi
}
capeff() {  # the running nicsecd's effective capabilities
	local pid
	pid=$(cut -d: -f1 "$D/nicsecd.pid")
	awk '/^CapEff:/ { print $2 }' "/proc/$pid/status"
}

# ---- nicsecd initiates ------------------------------------------------------
{ charon_conn gw local_addrs=192.0.2.2 remote_addrs=192.0.2.1 encap=yes \
	proposals=aes128gcm16-prfsha256-curve25519 local.id=right remote.id=left \
	child.local_ts=10.2.0.0/24 child.remote_ts=10.1.0.0/24 child.esp_proposals=aes128gcm16
  charon_psk left right secret; } | swanctl_conf $R "$C" || exit 1
{ printf 'nicsecd {\n\tretransmit_timeout = 0.5\n\tretransmit_base = 1.4\n}\n'
  charon_conn gw local_addrs=192.0.2.1 remote_addrs=192.0.2.2 encap=yes \
	proposals=aes128gcm16-prfsha256-curve25519 local.id=left remote.id=right \
	child.local_ts=10.1.0.0/24 child.remote_ts=10.2.0.0/24 child.esp_proposals=aes128gcm16 \
	child.start_action=start
  charon_psk left right secret; } >"$D/nicsecd.conf"
nicsecd_start $G "$D" --dataplane "$SPEC" || finish
if nicsecd_wait $G "$D" 1 15 && wait_sa $R "$C" gw net 5; then
	ok "nicsecd initiated through the card's exception path: IKE SA and CHILD_SA up on both ends"
else
	not_ok "nicsecd initiating: $(grep -i 'error\|fail' "$D/nicsecd.log" | head -3)"; finish
fi
if line=$(grep -m1 "dataplane: sim:.*SA slots" "$D/nicsecd.log") && [[ $line != "nicsecd: dataplane:"* ]]; then
	ok "dp_open's line in nicsecd's log format: ${line#* }"
else
	not_ok "dp_open's line: '${line:-none}'"
fi
wait_card "nicsecd initiating: the card holds the CHILD_SA" 3 card_matches_charon gw
[ "$(capeff)" = 0000000000000000 ] && ok "nicsecd runs with CapEff $(capeff) (privileges dropped)" ||
	not_ok "nicsecd's CapEff is $(capeff)"
traffic "traffic from host A through the card to charon" gw

old=($(charon_spis gw))
under_ping "nicsecctl rekey --child net under traffic" nicsecctl_in $G "$D" rekey --child net
# the old inbound SA lingers a few seconds after the switch (docs/dataplane.md)
if wait_card "rekey by nicsecd: the card holds the new pair, the old gone" 8 card_matches_charon gw; then
	new=($(charon_spis gw))
	[ "${new[0]}" != "${old[0]}" ] && [ "${new[1]}" != "${old[1]}" ] &&
		ok "rekey: charon's SPIs ${old[*]} -> ${new[*]}" || not_ok "rekey: charon's SPIs unchanged: ${new[*]}"
fi
[ "$(capeff)" = 0000000000000000 ] && ok "after the rekey still CapEff 0" || not_ok "CapEff $(capeff) after the rekey"
traffic "traffic under the rekeyed CHILD_SA" gw

nicsecctl_in $G "$D" terminate --ike gw >/dev/null || not_ok "nicsecctl terminate --ike gw failed"
wait_card "terminate --ike gw: nothing left on the card" 3 card_empty
nicsecctl_in $G "$D" initiate --child net >/dev/null 2>&1
if nicsecd_wait $G "$D" 1 10 && wait_sa $R "$C" gw net 5; then
	wait_card "initiate --child net again: the card holds it" 3 card_matches_charon gw
else
	not_ok "initiate --child net after the terminate: $(tail -3 "$D/nicsecd.log")"
fi
nicsecd_stop $G "$D"
wait_card "nicsecd stopped (SIGTERM): nothing left on the card" 2 card_empty
sleep 0.5
[ "$(sa_json $R "$C" | grep -c '"type": "ike"')" = 0 ] && ok "and charon's IKE SA deleted too" ||
	not_ok "after SIGTERM charon still has: $(sa_json $R "$C" | grep '"type": "ike"')"

# ---- charon initiates, nicsecd responds ---------------------------------------
{ printf 'nicsecd {\n\tretransmit_timeout = 0.5\n\tretransmit_base = 1.4\n}\n'
  charon_conn gw local_addrs=192.0.2.1 remote_addrs=%any encap=yes \
	proposals=aes256gcm16-prfsha384-ecp384 local.id=left remote.id=right \
	child.local_ts=10.1.0.0/24 child.remote_ts=10.2.0.0/24 child.esp_proposals=aes256gcm16
  charon_psk left right secret; } >"$D/nicsecd.conf"
nicsecd_start $G "$D" --dataplane "$SPEC" || finish
{ charon_conn gr local_addrs=192.0.2.2 remote_addrs=192.0.2.1 encap=yes \
	proposals=aes256gcm16-prfsha384-ecp384 local.id=right remote.id=left \
	child.local_ts=10.2.0.0/24 child.remote_ts=10.1.0.0/24 child.esp_proposals=aes256gcm16
  charon_psk left right secret; } | swanctl_conf $R "$C" || exit 1
swanctl_in $R "$C" --initiate --child net >"$C/initiate.out" 2>&1
if nicsecd_wait $G "$D" 1 10 && wait_sa $R "$C" gr net 5; then
	ok "charon initiated, nicsecd answered through the card"
else
	not_ok "nicsecd responding: $(tail -3 "$C/initiate.out")"; finish
fi
wait_card "nicsecd responding: the card holds the CHILD_SA" 3 card_matches_charon gr
[ "$(capeff)" = 0000000000000000 ] && ok "the responder runs with CapEff 0" || not_ok "CapEff $(capeff)"
traffic "traffic to the responder's card" gr
under_ping "charon's rekey under traffic" swanctl_in $R "$C" --rekey --child net
wait_card "rekey by charon: the card holds the new pair, the old gone" 8 card_matches_charon gr
traffic "traffic after charon's rekey" gr
# SIGTERM with a peer that no longer answers: nicsecd's DELETE goes
# unanswered, it gives up after its wait (2 s) and must still clear the card
# (drop_udp takes up to 99 %: this is all of it, both ways)
_ike_loss_table $R && nsx $R nft add rule inet ike_loss in udp dport 4500 counter drop &&
	nsx $R nft add rule inet ike_loss out udp sport 4500 counter drop ||
	not_ok "nftables drop rules in charon's namespace"
nicsecd_stop $G "$D"
wait_card "the responder stopped (SIGTERM) with charon silent: nothing left on the card" 2 card_empty
n=$(nsx $R nft list table inet ike_loss | sed -n 's/.*udp dport 4500 counter packets \([0-9]*\).*/\1/p')
[ "${n:-0}" -gt 0 ] && ok "and charon was silent: $n packet(s) to it dropped (nicsecd's DELETE)" ||
	not_ok "charon's namespace dropped nothing: the silent-peer case was not tried"
drop_clear $R

# ---- the card's soft packet limit starts a rekey ------------------------------
# rekey_packets 20: the card raises a soft-limit event on the 20th packet of an
# SA; nicsecd's timer drains the events and rekeys that CHILD_SA.  (charon's
# IKE SA gr never heard of nicsecd's end above: closed here without a word)
swanctl_in $R "$C" --terminate --ike gr --force >/dev/null 2>&1
{ charon_conn gw local_addrs=192.0.2.2 remote_addrs=192.0.2.1 encap=yes \
	proposals=aes128gcm16-prfsha256-curve25519 local.id=right remote.id=left \
	child.local_ts=10.2.0.0/24 child.remote_ts=10.1.0.0/24 child.esp_proposals=aes128gcm16
  charon_psk left right secret; } | swanctl_conf $R "$C" || exit 1
{ printf 'nicsecd {\n\tretransmit_timeout = 0.5\n\tretransmit_base = 1.4\n}\n'
  charon_conn gw local_addrs=192.0.2.1 remote_addrs=192.0.2.2 encap=yes \
	proposals=aes128gcm16-prfsha256-curve25519 local.id=left remote.id=right \
	child.local_ts=10.1.0.0/24 child.remote_ts=10.2.0.0/24 child.esp_proposals=aes128gcm16 \
	child.start_action=start child.rekey_packets=20 child.life_packets=100000 dpd_delay=2s
  charon_psk left right secret; } >"$D/nicsecd.conf"
nicsecd_start $G "$D" --dataplane "$SPEC" || finish
if nicsecd_wait $G "$D" 1 15 && wait_sa $R "$C" gw net 5; then
	old=($(charon_spis gw))
	under_ping "40 pings past rekey_packets 20, the rekey under them" true
	if line=$(grep -m1 "reached a soft limit on the card (rekey_bytes or rekey_packets): rekeying it" "$D/nicsecd.log") &&
		wait_card "soft limit: the card holds the new pair, the old gone" 8 card_matches_charon gw; then
		new=($(charon_spis gw))
		[ "${new[0]}" != "${old[0]}" ] && ok "soft limit: $(sed 's/^[^ ]* [a-z]* *//' <<<"$line"); charon's SPIs ${old[*]} -> ${new[*]}" ||
			not_ok "soft limit: charon's SPIs unchanged: ${new[*]}"
	else
		not_ok "soft limit: no rekey: $(grep -i 'limit\|rekey' "$D/nicsecd.log" | tail -3)"
	fi
	# dpd_delay 2s: no liveness check while ESP comes in (the card's
	# inbound counters), one once the tunnel is quiet
	# (from just after one: the tunnel was quiet while the card was read)
	n0=$(grep -c "sending a liveness check" "$D/nicsecd.log")
	for i in $(seq 50); do
		[ "$(grep -c "sending a liveness check" "$D/nicsecd.log")" -gt "$n0" ] && break
		sleep 0.1
	done
	n0=$(grep -c "sending a liveness check" "$D/nicsecd.log")
	nsx $A ping -c 30 -i 0.2 -W 2 -q 10.2.0.1 >"$D/ping_dpd.log" 2>&1
	n1=$(grep -c "sending a liveness check" "$D/nicsecd.log")
	sleep 4
	n2=$(grep -c "sending a liveness check" "$D/nicsecd.log")
	if [ "$n1" = "$n0" ] && [ "$n2" -gt "$n1" ]; then
		ok "DPD (dpd_delay 2s): no liveness check during 6 s of pings (ESP came in), $((n2 - n1)) in the 4 quiet s after: $(grep "sending a liveness check" "$D/nicsecd.log" | tail -1 | sed 's/^[^ ]* [a-z]* *//')"
	else
		not_ok "DPD: $((n1 - n0)) liveness checks during the pings, $((n2 - n1)) after"
	fi
else
	not_ok "soft limit: the tunnel did not come up: $(tail -3 "$D/nicsecd.log")"
fi
nicsecd_stop $G "$D"
finish
