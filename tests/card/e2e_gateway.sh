#!/usr/bin/env bash
# The gateway end to end on the simulated card (issue 7), in network
# namespaces (tests/card/e2e_topo.sh):
#   host A == nicsec gateway (nicsec-sim run, nicsecctl tap, nicsecd) == WAN
#          == charon (kernel-libipsec) == host B
#  - TCP, E2E_MB (16) MB each way at once between host A and host B through
#    the card and charon, each byte checked (SHA-256 at both ends);
#  - ten CHILD_SA rekeys during the transfers, nicsecctl's and charon's in
#    turn, each done (one CHILD_SA sending) before the next, all of them
#    while both transfers still run;
#  - every ESP packet checked by the other implementation: summed over all
#    the CHILD_SAs of the run, the card's outbound packets and bytes equal
#    charon's inbound (esp_tally.py, sampling both ends every second), and
#    the card's inbound packets what charon sent, counted by nftables on
#    charon's side of the wire (charon's own outbound counters miss some,
#    below); no drop counter on the card moved, and charon's log has no ESP
#    failure;
#  - charon killed: nicsecd's DPD finds it dead within its bound;
#  - gateway to gateway (tests/card/e2e_g2g.sh): two cards, two nicsecds.
# Prints the suite's time and the TCP rates through the simulated card,
# and RESULT lines (e2e.*) for make bench (scripts/bench_e2e.sh), with the
# round trip A -> B (50 pings on the idle tunnel, and pings during the
# transfers) and the card's cycles and frames during the transfers
# (tests/card/e2e_measure.sh).
#
#   e2e_gateway.sh [LANES]
set -uo pipefail
cd "$(dirname "$0")/../.."
LANES=${1:-1}
MB=${E2E_MB:-16}
. tests/card/card_suite.sh
T0=$SECONDS
finish() {
	echo "e2e_gateway LANES=$LANES: $passed passed, $failed failed in $((SECONDS - T0)) s"
	[ $failed -eq 0 ]
	exit $?
}
CARD_GW_PREFIX=e2
# the simulator's cycles and frames each second, for e2e_measure.sh
GW_SIM_STATS=1
. tests/card/e2e_topo.sh
. tests/card/tcp_xfer.sh
. tests/card/e2e_measure.sh
XFER_DIR=$IKE_WORK

charon_gw child.rekey_time=0 || exit 1
TRIES=3
nicsecd_gw "retransmit_tries = $TRIES" -- child.start_action=start child.rekey_time=0 child.dpd_action=restart dpd_delay=2s
# charon's ESP on the wire from the start (UDP 4500 with an SPI, not IKE's
# zero marker), since kernel-libipsec's own outbound counters miss packets:
# an SA it installs as the responder of our rekey reports 0 or part of what
# it sent (its "closing CHILD_SA ... (0 bytes)" lines) while the card
# decrypts them all
nsx $R nft -f - <<-'EOF'
	table inet e2e_esp {
		chain out { type filter hook output priority 0; udp sport 4500 udp length gt 12 @th,64,32 != 0 counter; }
		chain in { type filter hook input priority 0; udp dport 4500 udp length gt 12 @th,64,32 != 0 counter; }
	}
	EOF
nicsecd_start $G "$D" --dataplane "$SPEC" || finish
if nicsecd_wait $G "$D" 1 15 && wait_sa $R "$C" gw net 5 &&
	wait_card "the tunnel up through the card" 5 card_matches_charon gw &&
	nsx $A ping -c 3 -i 0.2 -W 3 -q 10.2.0.2 >"$D/ping.log"; then
	ok "host A pings host B through the card and charon: $(grep -o '[0-9]* received' "$D/ping.log")"
else
	not_ok "the tunnel: $(grep -i 'error\|fail' "$D/nicsecd.log" | head -3) $(grep loss "$D/ping.log")"; finish
fi
# the round trip through the card and charon, the tunnel idle
rtt_check "host A pings host B on the idle tunnel" $A 10.2.0.2 50 "$D/rtt_idle.log" e2e.rtt_ms

# both ends' counters, from now to the end of the transfers
rm -f "$D/stop"
python3 tests/card/esp_tally.py sample "$D/tally.json" "$D/stop" "card:$G:$SPEC" "charon:$R:$C" &
tally=$!
ike_track_pid $tally
xfer_start ab $A $B 10.2.0.2 5001 "$MB"
xfer_start ba $B $A 10.1.0.2 5002 "$MB"
sleep 1
# the card's cycles and frames from here to the transfers' end, and pings
# beside them
card_mark tcp0 $G "$D"
rtt_bg_start $A 10.2.0.2 "$D/rtt_load.log"
running() { kill -0 "${XFER_PID[ab]}" 2>/dev/null && kill -0 "${XFER_PID[ba]}" 2>/dev/null; }
cur=$(sending) nrk=0 after=""
for i in $(seq 10); do
	if r=($(rekey_turn $i "$cur")); then
		cur=${r[1]} nrk=$((nrk + 1))
	else
		not_ok "rekey $i (by ${r[0]}): no single new CHILD_SA sending after 10 s"
		cur=$(sending)
	fi
	running || after+=" $i"
	sleep 0.5
done
if [ $nrk = 10 ] && [ -z "$after" ]; then
	ok "10 CHILD_SA rekeys (nicsecctl rekey and swanctl --rekey in turn), each done before the next, all during the transfers"
else
	not_ok "rekeys: $nrk of 10 done; done after a transfer had ended:${after:- none}"
fi
xfer_wait ab
xfer_wait ba
card_mark tcp1 $G "$D"
rtt_bg_stop e2e.rtt_loaded_ms
card_window tcp0 tcp1 "$D"
rate=$(( (${XFER_RATE[ab]:-0} + ${XFER_RATE[ba]:-0}) ))
# the old SAs linger 5 s after their switch: read them once more, gone
sleep 6
touch "$D/stop"
wait $tally
wire=($(nsx $R nft list table inet e2e_esp | sed -n 's/.*counter packets \([0-9]*\).*/\1/p'))
if out=$(python3 tests/card/esp_tally.py check "$D/tally.json" "${wire[0]:-0}" "${wire[1]:-0}"); then
	ok "every ESP packet of the run counted at both ends: $out"
else
	not_ok "ESP counted by the card and charon: $out"
fi
bad=$(grep -c "ESP decryption\|ICV verification failed\|sequence number verification failed\|parsing ESP payload failed\|dropping packet" "$C/charon.log")
[ "$bad" = 0 ] && ok "charon's log: no ESP packet failed to decrypt, verify or parse, none dropped" ||
	not_ok "charon's log: $bad ESP failures: $(grep -m3 "ESP decryption\|verification failed\|parsing ESP\|dropping packet" "$C/charon.log")"
echo "RESULT e2e.tcp_bytes_s $rate"
echo "e2e_gateway LANES=$LANES: TCP through the simulated card: A -> B ${XFER_RATE[ab]:-0} bytes/s, B -> A ${XFER_RATE[ba]:-0} bytes/s, $rate bytes/s both ways at once"

peer_dies $TRIES e2e.dpd_detect_s
nicsecd_stop $G "$D"

. tests/card/e2e_g2g.sh
finish
