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
# Every interface keeps its own MAC: nicsecd takes the card's Ethernet
# addresses from the TAPs and the neighbour table (gw_daemon's keys), and
# card_is holds the SAs' addresses against the interfaces'.
#
# Needs BUILD, LANES, SIM and CTL set, and CARD_GW_PREFIX (a few letters).
. tests/card/gw_parts.sh

P=$CARD_GW_PREFIX$$
A=${P}a G=${P}g R=${P}r
D=$IKE_WORK/gw C=$IKE_WORK/charon
mkdir -p "$D" "$C"
gw_ns $A $G $R || exit 1
lan_host $A 10.1.0.2/24 10.1.0.1 $G l1 || exit 1
ip link add w1 netns $G type veth peer name wan0 netns $R || exit 1
nsx $R ip link set wan0 up
nsx $G ip link set w1 up
nsx $R ethtool -K wan0 tx off tso off gso off >/dev/null 2>&1 || true
nsx $R ip addr add 192.0.2.2/24 dev wan0
# kernel-libipsec wants an address inside its local selector
nsx $R ip addr add 10.2.0.1/24 dev lo

gw_card $G "$D" 10.1.0.1/24 192.0.2.1/24 || exit 1
SPEC=sim:$D/card.sock
card() { nsx $G "$CTL" --card "$SPEC" "$@"; }
# ARP and ping through the card's exception path, both sides
if nsx $R ping -c1 -W2 -q 192.0.2.1 >/dev/null 2>&1 && nsx $A ping -c1 -W2 -q 10.1.0.1 >/dev/null 2>&1; then
	ok "the card's exception path: charon's namespace and host A reach the gateway's TAPs"
else
	not_ok "the exception path: no ping to 192.0.2.1 or 10.1.0.1 through the card"; finish
fi
charon_start $R "$C" || exit 1
mac() { nsx "$1" cat "/sys/class/net/$2/address"; }
MAC_A=$(mac $A a0) MAC_R=$(mac $R wan0) MAC_TL=$(mac $G tl) MAC_TW=$(mac $G tw)

# ---- the tunnel's two ends ----------------------------------------------------

# charon_gw [KEY=VALUE...]: charon's end of the suites' tunnel into charon:
# connection gw (PSK, UDP-encapsulated, AES-GCM-128, curve25519), child net
# 10.2.0.0/24 === 10.1.0.0/24; each KEY=VALUE one more charon_conn setting
charon_gw() {
	{ charon_conn gw local_addrs=192.0.2.2 remote_addrs=192.0.2.1 encap=yes \
		proposals=aes128gcm16-prfsha256-curve25519 local.id=right remote.id=left \
		child.local_ts=10.2.0.0/24 child.remote_ts=10.1.0.0/24 child.esp_proposals=aes128gcm16 "$@"
	  charon_psk left right secret; } | swanctl_conf $R "$C"
}
# nicsecd_gw [LINE...] -- [KEY=VALUE...]: nicsecd's end into $D/nicsecd.conf:
# gw_daemon with each LINE, then the same connection as charon_gw's, seen
# from this side, with each KEY=VALUE
nicsecd_gw() {
	local lines=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do lines+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	{ gw_daemon "${lines[@]}"
	  charon_conn gw local_addrs=192.0.2.1 remote_addrs=192.0.2.2 encap=yes \
		proposals=aes128gcm16-prfsha256-curve25519 local.id=left remote.id=right \
		child.local_ts=10.1.0.0/24 child.remote_ts=10.2.0.0/24 child.esp_proposals=aes128gcm16 "$@"
	  charon_psk left right secret; } >"$D/nicsecd.conf"
}

# ---- helpers ----------------------------------------------------------------

# card_is WHAT SPI_IN SPI_OUT: the card (read back by nicsecctl, a process of
# its own) holds exactly the CHILD_SA's two SAs and one protect rule on the
# outbound one, the outbound SA's frames from tw's MAC to charon's, the
# inbound's from tl's to host A's; prints what it found, or what is wrong,
# and fails then.
card_is() {
	card sa list --json >"$D/sa.json" 2>&1 && card sa list >"$D/sa.txt" 2>&1 &&
		card spd list --json >"$D/spd.json" 2>&1 || { cat "$D/sa.json" "$D/spd.json"; return 1; }
	python3 -I -S - "$D" "$2" "$3" "$MAC_TW $MAC_R" "$MAC_TL $MAC_A" <<-'PY'
	import json, sys
	d, spi_in, spi_out = sys.argv[1], int(sys.argv[2], 16), int(sys.argv[3], 16)
	macs = {"out": sys.argv[4].split(), "in": sys.argv[5].split()}
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
	    ether = "ether src %s dst %s" % tuple(macs[d])
	    if not t.rstrip().endswith(ether):
	        bad.append(f"{d}bound SA's frames not '{ether}': {t.strip()}")
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
	      f"UDP 4500/4500, rule {rules[0]['index']} on slot {o['slot']}, frames "
	      f"{macs['out'][0]} -> {macs['out'][1]} out, {macs['in'][0]} -> {macs['in'][1]} in")
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
# sending: nicsecd's one INSTALLED CHILD_SA that sends ("SPI_IN"), or
# nothing while a rekey is under way (two, or the new one still staged)
sending() {
	nicsecctl_in $G "$D" list-sas --json | python3 -I -S -c '
import json, sys
c = [c for s in json.load(sys.stdin)["ike_sas"] for c in s["children"]
     if c["state"] == "INSTALLED" and c.get("outbound") != "staged"]
if len(c) == 1:
    print(c[0]["spi_in"])'
}
# rekeyed OLD: waits (10 s at most) until one CHILD_SA sends, not OLD
rekeyed() {
	local end=$((SECONDS + 10)) now
	while [ $SECONDS -lt $end ]; do
		now=$(sending)
		[ -n "$now" ] && [ "$now" != "$1" ] && { echo "$now"; return 0; }
		sleep 0.1
	done
	return 1
}
# rekey_turn N CUR: the tunnel's Nth rekey, nicsecd's (nicsecctl rekey) when
# N is odd, charon's (swanctl --rekey) when even, of the CHILD_SA CUR (its
# inbound SPI, as sending prints); prints "WHO NEW" once one new CHILD_SA
# sends (rekeyed), or "WHO" and fails if none does in 10 s
rekey_turn() {
	local who now
	if (($1 % 2)); then
		who=nicsecd; nicsecctl_in $G "$D" rekey --child net >/dev/null
	else
		who=charon; swanctl_in $R "$C" --rekey --child net >/dev/null 2>&1
	fi
	if now=$(rekeyed "$2"); then echo "$who $now"; else echo "$who"; return 1; fi
}
# peer_dies TRIES NAME: charon killed while host A pings through the card:
# nicsecd (dpd_delay 2s, retransmit_tries TRIES at 0.5 s x 1.4^n) finds it
# dead within 1 s (the card's counters are read each second) + dpd_delay +
# the schedule; ok or not_ok, and `RESULT NAME SECONDS BOUND` for make bench
peer_dies() {
	local bound t0 n0 cpid line dt
	# half a second more for this polling of the log on a loaded machine
	bound=$(python3 -c "print(round(1 + 2 + sum(0.5 * 1.4 ** n for n in range($1 + 1)) + 0.5, 1))")
	nsx $A ping -c 200 -i 0.05 -q 10.2.0.1 >/dev/null 2>&1 &
	sleep 1
	t0=$(date +%s.%N)
	n0=$(wc -l <"$D/nicsecd.log")
	cpid=$(cut -d: -f1 "$C/charon.pid")
	kill -KILL "$cpid"
	line=""
	for _ in $(seq 150); do
		line=$(tail -n +"$((n0 + 1))" "$D/nicsecd.log" | grep -m1 "did not answer DPD") && break
		sleep 0.05
	done
	dt=$(python3 -c "import time; print(round(time.time() - $t0, 1))")
	if [ -n "$line" ] && python3 -c "import sys; sys.exit(0 if $dt <= $bound else 1)"; then
		ok "charon killed: found dead in $dt s (bound $bound s): ${line#* * }"
	else
		not_ok "charon killed: after $dt s (bound $bound s): '${line:-no DPD line}'"
	fi
	echo "RESULT $2 $dt $bound"
	wait "$cpid" 2>/dev/null	# reaped quietly (it was killed on purpose)
}
