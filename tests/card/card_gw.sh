# card_gw.sh: the gateway topology of the card suites, sourced (after
# tests/ike/lib.sh, ike_init and tests/checks.sh, with finish defined):
#
#   host A (10.1.0.2) == l1 [card, ns G] w1 == wan0  charon (192.0.2.2, ns R;
#                             |                           10.2.0.1 on lo)
#           G: nicsecctl tap: TAPs tl 10.1.0.1, tw 192.0.2.1; nicsecd
#
# IKE reaches nicsecd only through the card: charon's packets enter the
# card's WAN port, take the exception path to the TAP tw (the gateway's WAN
# address), and nicsecd's go back the same way; so the card is in the data
# path, as in a real gateway.  Sets A G R (namespaces), D (the gateway's
# directory) and C (charon's), SPEC (the card), starts the card, its TAPs
# and charon, and defines the helpers that read the card back (nicsecctl
# --card, a process of its own) and hold it against charon's view.
#
# nicsecd leaves the card's Ethernet addresses at libnicsec's "not
# configured" defaults (src 02:00:00:00:00:01, dst 02:00:00:00:00:02: it has
# no next-hop configuration yet), so host A's and charon's interfaces are
# given 02:00:00:00:00:02, the address the card's frames go to.
#
# Needs BUILD, LANES, SIM and CTL set, and CARD_GW_PREFIX (a few letters).
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

P=$CARD_GW_PREFIX$$
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

