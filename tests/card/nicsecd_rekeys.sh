#!/usr/bin/env bash
# nicsecd with the simulated card against strongSwan's charon (card_gw.sh's
# topology): REKEYS (100) CHILD_SA rekeys under continuous traffic, then the
# peer's death.
#  - traffic both ways all along, through the card and charon's
#    kernel-libipsec: host A pings 10.2.0.1 and charon's side pings host A,
#    every 20 ms each, in runs of 100 that each wait for their last answer;
#  - the rekeys, in turn: nicsecd's (nicsecctl rekey), charon's (swanctl
#    --rekey), and every fifth both at once, made to collide (RFC 7296
#    2.8.1): one end's IKE is held (nftables) while it sends its request and
#    the other its own, so each end gets the other's request with its own
#    out, on the retransmits once the hold goes (collide, below).  After
#    each, the next waits until nicsecd sends on exactly one new CHILD_SA;
#  - not one ping lost, in either direction, across all of them;
#  - the collisions: each end says it won or lost each, and they agree
#    (nicsecd's won are charon's lost and the other way round);
#  - three IKE SA rekeys of both ends at once, made to collide the same way
#    (RFC 7296 2.8.2): each leaves one IKE SA, with the CHILD_SA on it;
#  - at the end nothing half-installed: the SAs alike on both ends
#    (sa_match.py), and on the card exactly the CHILD_SA's two SAs and one
#    rule (nicsecctl --card, read back);
#  - charon killed: nicsecd's DPD (dpd_delay 2s, ESP counted from the card)
#    finds it dead within 1 s (the card's counters are read each second) +
#    dpd_delay + its retransmission schedule (+ 0.5 s for the test's own
#    polling), and takes dpd_action.
# Prints `RESULT lifecycle.rekey_loss_packets N` and `RESULT
# lifecycle.dpd_detect_s S BOUND` for make bench (scripts/bench_lifecycle.sh).
#
#   nicsecd_rekeys.sh [REKEYS]
set -uo pipefail
cd "$(dirname "$0")/../.."
LANES=1
REKEYS=${1:-100}
. tests/card/card_suite.sh
finish() { touch "$D/stop"; echo "nicsecd_rekeys: $passed passed, $failed failed"; [ $failed -eq 0 ]; exit $?; }
CARD_GW_PREFIX=rk
. tests/card/card_gw.sh

# no rekeys by the clock: only the test's
charon_gw child.rekey_time=0 || exit 1
TRIES=3
nicsecd_gw "retransmit_tries = $TRIES" -- child.start_action=start child.rekey_time=0 child.dpd_action=restart dpd_delay=2s
nicsecd_start $G "$D" --dataplane "$SPEC" || finish
if nicsecd_wait $G "$D" 1 15 && wait_sa $R "$C" gw net 5 &&
	wait_card "the tunnel up through the card" 5 card_matches_charon gw; then :; else
	not_ok "nicsecd initiating: $(grep -i 'error\|fail' "$D/nicsecd.log" | head -3)"; finish
fi

# collide WAY ARGS: both ends rekey at once, the CHILD_SA (--child net) or
# the IKE SA (--ike gw).  WAY out: charon's IKE to the gateway is held
# (nftables, in charon's namespace) while charon sends its request and
# nicsecd its own; in: nicsecd's IKE to charon is held while nicsecd sends
# and then charon.  Each end gets the other's request with its own out once
# the hold goes and the retransmits come.
collide() {
	local way=$1 sw hold
	shift
	# the last rekey's DELETE done first: it would hold the window
	sleep 0.5
	if [ "$way" = out ]; then
		hold="type filter hook output priority 0; ip daddr 192.0.2.1"
	else
		hold="type filter hook input priority 0; ip saddr 192.0.2.1"
	fi
	nsx $R nft -f - <<-EOF
	table inet rk_hold {
		chain c {
			${hold%%;*};
			${hold#*; } udp dport 500 counter drop
			${hold#*; } udp dport 4500 @th,64,32 0 counter drop
		}
	}
	EOF
	if [ "$way" = out ]; then
		swanctl_in $R "$C" --rekey "$@" >/dev/null 2>&1 &
		sw=$!
		sleep 0.15
		nicsecctl_in $G "$D" rekey "$@" >/dev/null
	else
		nicsecctl_in $G "$D" rekey "$@" >/dev/null
		sleep 0.15
		swanctl_in $R "$C" --rekey "$@" >/dev/null 2>&1 &
		sw=$!
	fi
	sleep 0.2
	wait $sw
	nsx $R nft delete table inet rk_hold
}
# pinger NS SRC DST OUT: runs of 100 pings every 20 ms, each waiting for
# its last answer, until $D/stop; their summary lines into OUT
pinger() {
	while [ ! -e "$D/stop" ]; do
		nsx "$1" ping -c 100 -i 0.02 -W 3 -q -I "$2" "$3" | grep transmitted
	done >"$4"
}

rm -f "$D/stop"
pinger $A 10.1.0.2 10.2.0.1 "$D/ping_a.txt" &
pa=$!
pinger $R 10.2.0.1 10.1.0.2 "$D/ping_r.txt" &
pr=$!
sleep 1
start=$SECONDS
cur=$(sending) stuck=0
for i in $(seq "$REKEYS"); do
	case $((i % 5)) in
	0) collide $( ((i % 10)) && echo out || echo in) --child net ;;
	1|3) nicsecctl_in $G "$D" rekey --child net >/dev/null ;;
	*) swanctl_in $R "$C" --rekey --child net >/dev/null ;;
	esac
	if ! cur=$(rekeyed "$cur"); then
		stuck=$((stuck + 1))
		cur=$(sending)
	fi
	[ $stuck -gt 3 ] && break
done
took=$((SECONDS - start))

# the IKE SA's rekeys crossing (RFC 7296 2.8.2): one IKE SA left, the
# CHILD_SA on it unchanged
ike_spis() { sa_json $R "$C" | python3 -I -S -c '
import json, sys
print(" ".join(r["spi_i"] + "_" + r["spi_r"] for r in map(json.loads, sys.stdin)
               if r["type"] == "ike" and r["state"] == "ESTABLISHED"))'; }
ike0=$(ike_spis) child0=$(sending) ike_bad=""
for i in 1 2 3; do
	collide in --ike gw
	for _ in $(seq 50); do
		now=$(ike_spis)
		[ "$now" != "$ike0" ] && [ "$(wc -w <<<"$now")" = 1 ] && break
		sleep 0.1
	done
	[ "$now" != "$ike0" ] && [ "$(wc -w <<<"$now")" = 1 ] || ike_bad+=" $i: charon has '$now' (was $ike0);"
	ike0=$now
done
touch "$D/stop"
wait $pa $pr
inw=$(grep -c "IKE_SA rekey collision with the peer (RFC 7296 2.8.2) won" "$D/nicsecd.log")
inl=$(grep -c "IKE_SA rekey collision with the peer (RFC 7296 2.8.2) lost" "$D/nicsecd.log")
icw=$(grep -c "IKE_SA rekey collision won" "$C/charon.log")
icl=$(grep -c "IKE_SA rekey collision lost" "$C/charon.log")
# charon, getting our DELETE of the old IKE SA before the answer to its own
# rekey, drops its new one as a loser would, and says so this way
ica=$(grep -c "peer did not notice IKE_SA rekey collision, abort active rekeying" "$C/charon.log")
if [ -z "$ike_bad" ] && [ "$(sending)" = "$child0" ] && [ $((inw + inl)) -ge 1 ] &&
	[ "$inw" = $((icl + ica)) ] && [ "$inl" = "$icw" ]; then
	ok "3 IKE SA rekeys of both ends at once: $((inw + inl)) collided (nicsecd won $inw, lost $inl; charon won $icw, lost $icl, gave up $ica), one IKE SA left each time, the CHILD_SA kept"
else
	not_ok "IKE SA rekeys at once:$ike_bad CHILD_SA $child0 -> $(sending); nicsecd won $inw, lost $inl; charon won $icw, lost $icl, gave up $ica"
fi

made=$(($(grep -c "CHILD_SA net{[0-9]*} established with SPIs" "$D/nicsecd.log") - 1))
if [ $stuck = 0 ]; then
	ok "$REKEYS rekeys in $took s ($made CHILD_SAs made, the redundant ones of collisions included), each done before the next"
else
	not_ok "$stuck of $i rekeys did not end with one CHILD_SA sending: $(grep -i 'error\|fail\|refused' "$D/nicsecd.log" | tail -3)"
fi

read -r sent got < <(cat "$D/ping_a.txt" "$D/ping_r.txt" |
	awk '{ s += $1; r += $4 } END { print s + 0, r + 0 }')
lost=$((sent - got))
if [ "$sent" -gt $((took * 50)) ] && [ $lost = 0 ]; then
	ok "traffic both ways under the rekeys: $sent pings, $got answered, none lost"
else
	not_ok "traffic under the rekeys: $sent pings, $got answered ($lost lost; $(wc -l <"$D/ping_a.txt") + $(wc -l <"$D/ping_r.txt") runs)"
fi
echo "RESULT lifecycle.rekey_loss_packets $lost"

# the collisions, as each end saw them
# (won: settled on our answer, or the peer deleted its redundant one before
# it came; charon's lost: settled on its answer, or our DELETE of the old
# one came before it, its "rekey/delete collision")
nw=$(( $(grep -c "rekey collision with the peer (RFC 7296 2.8.1) won" "$D/nicsecd.log") +
	$(grep -c "redundant CHILD_SA: it lost the rekey collision" "$D/nicsecd.log") ))
nl=$(grep -c "rekey collision with the peer (RFC 7296 2.8.1) lost" "$D/nicsecd.log")
cw=$(grep -c "CHILD_SA rekey collision won" "$C/charon.log")
cl=$(( $(grep -c "CHILD_SA rekey collision lost" "$C/charon.log") +
	$(grep -c "CHILD_SA rekey/delete collision, deleting redundant" "$C/charon.log") ))
if [ $((nw + nl)) -ge $((REKEYS / 5 / 2 + 1)) ] && [ "$nw" = "$cl" ] && [ "$nl" = "$cw" ]; then
	ok "$((nw + nl)) rekey collisions of $((REKEYS / 5)) tried: nicsecd won $nw, lost $nl; charon won $cw, lost $cl"
else
	not_ok "collisions: nicsecd won $nw, lost $nl; charon won $cw, lost $cl (of $((REKEYS / 5)) tried)"
fi

# the old inbound SAs go REKEY_GRACE (5 s) after each switch
sleep 5.5
sa_consistent "after the rekeys" 1 $G "$D" $R "$C"
wait_card "after the rekeys the card holds the one CHILD_SA charon has" 5 card_matches_charon gw

# ---- the peer dies ------------------------------------------------------------
peer_dies $TRIES lifecycle.dpd_detect_s
finish
