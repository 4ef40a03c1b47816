#!/usr/bin/env bash
# make demo: the gateway end to end on the simulated card, in network
# namespaces made for it and removed after (tests/card/e2e_topo.sh, the
# topology `make test` runs too):
#
#   host A 10.1.0.2 == nicsec gateway: nicsec-sim run (the card), nicsecctl
#                      tap (its exception path), nicsecd == WAN 192.0.2.0/24
#                   == strongSwan's charon (kernel-libipsec) == host B 10.2.0.2
#
# It brings the tunnel up, pings across it, streams TCP both ways at once
# while the CHILD_SA is rekeyed (nicsecd and charon in turn), with a line of
# progress a second (the transfers and the card's counters) and nicsecctl
# list-sas before and after; then a report: how long the tunnel took to
# come up and has been up, packets, rekeys, loss, and the throughput, in
# wall-clock time through the simulator and projected to the card's target
# clock from the cycles it simulated.
#
#   demo.sh [MB]	MB each way (default 12); DEMO_LANES=1|4 (4)
#   demo.sh --root	exits 1 with the line above unless run as root
set -uo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
	echo "make demo: needs root, for the network namespaces, veths and TAP" \
		"interfaces it makes and the charon it runs: run it as root" \
		"(sudo make demo)" >&2
	exit 1
fi
[ "${1:-}" = --root ] && exit 0	# make demo's check, before it builds
LANES=${DEMO_LANES:-4}
MB=${1:-12}
. tests/card/card_suite.sh
# the checks the topology and helpers print, as demo steps
ok() { passed=$((passed + 1)); printf '   ok    %s\n' "$1"; }
not_ok() { failed=$((failed + 1)); printf '   FAIL  %s\n' "$1"; }
finish() {
	echo
	if [ $failed = 0 ]; then
		echo "demo: tearing down: namespaces, card, charon and nicsecd gone"
	else
		echo "demo: $failed step(s) failed; tearing down"
	fi
	exit $((failed > 0))
}
step() { printf '\n== %s\n' "$*"; }

step "the topology: host A, the nicsec gateway with its simulated card (LANES $LANES), charon, host B"
CARD_GW_PREFIX=dm
GW_SIM_STATS=1		# the card's cycles each second, for the report
. tests/card/e2e_topo.sh
. tests/card/tcp_xfer.sh
. tests/card/e2e_measure.sh
# a measurement's lines without its RESULT lines (make bench's)
shown() { "$@" >"$D/shown.out"; grep -v '^RESULT ' "$D/shown.out" | sed 's/^\([^ ]\)/   \1/'; }
XFER_DIR=$IKE_WORK

step "the tunnel: nicsecd initiates to charon through the card"
charon_gw child.rekey_time=0 || finish
nicsecd_gw -- child.start_action=start child.rekey_time=0 dpd_delay=10s
t_start=$(date +%s.%N)
nicsecd_start $G "$D" --dataplane "$SPEC" || { not_ok "nicsecd did not start"; finish; }
if nicsecd_wait $G "$D" 1 20 && wait_card "the CHILD_SA on the card, as charon has it" 5 \
	card_matches_charon gw; then
	t_up=$(date +%s.%N)
	ok "up in $(python3 -c "print(f'{$t_up - $t_start:.2f}')") s from nicsecd's start"
else
	not_ok "no tunnel: $(grep -i 'error' "$D/nicsecd.log" | head -3)"; finish
fi
echo
nicsecctl_in $G "$D" list-sas | sed 's/^/   /'

step "ping, host A to host B, through the card and charon"
shown rtt_check "host A pings host B" $A 10.2.0.2 10 "$D/ping.log" e2e.rtt_ms

step "TCP, $MB MB each way at once, rekeyed under load; a ping every 200 ms beside it"
nsx $A nstat -n; nsx $B nstat -n	# TCP's own counters, from zero
rtt_bg_start $A 10.2.0.2 "$D/ping_load.log"
xfer_start ab $A $B 10.2.0.2 5001 "$MB"
xfer_start ba $B $A 10.1.0.2 5002 "$MB"
card_mark tcp0 $G "$D"
tty=0; [ -t 1 ] && tty=1
running() { kill -0 "${XFER_PID[ab]}" 2>/dev/null || kill -0 "${XFER_PID[ba]}" 2>/dev/null; }
got() { stat -c %s "$XFER_DIR/$1.got" 2>/dev/null || echo 0; }
glob() { card stats --json | python3 -I -S -c 'import json, sys
g = json.load(sys.stdin)["global"]
print(g["lan_rx"], g["wan_tx"], g["wan_rx"], g["lan_tx"])'; }
t0=$SECONDS cur=$(sending) rk_ours=0 rk_theirs=0 next_rk=$((SECONDS + 3))
while running; do
	if [ $SECONDS -ge $next_rk ]; then
		# nicsecd's rekey, then charon's: make-before-break either way
		if r=($(rekey_turn $((rk_ours + rk_theirs + 1)) "$cur")); then
			[ ${r[0]} = nicsecd ] && rk_ours=$((rk_ours + 1)) || rk_theirs=$((rk_theirs + 1))
			((tty)) && printf '\r\033[K'
			printf '   rekey by %-7s CHILD_SA now %s_i (was %s_i)\n' ${r[0]} "${r[1]}" "$cur"
			cur=${r[1]}
		else
			not_ok "a rekey by ${r[0]}: no single new CHILD_SA sending after 10 s"
		fi
		next_rk=$((SECONDS + 3))
	fi
	c=($(glob))
	line=$(printf '%4d s  A->B %5.1f MB  B->A %5.1f MB   card: LAN in %d, ESP out %d, ESP in %d, LAN out %d' \
		$((SECONDS - t0)) "$(python3 -c "print($(got ab) / 1048576)")" \
		"$(python3 -c "print($(got ba) / 1048576)")" "${c[@]}")
	if ((tty)); then printf '\r\033[K   %s' "$line"; else echo "   $line"; fi
	sleep 1
done
((tty)) && echo
xfer_wait ab
xfer_wait ba
card_mark tcp1 $G "$D"
rtt_bg_stop e2e.rtt_loaded_ms >"$D/ping_load.out"
echo
nicsecctl_in $G "$D" list-sas | sed 's/^/   /'
echo
card stats | sed '/^slot /,$d; s/^/   /'

step "report"
t_end=$(date +%s.%N)
retrans=$(( $(nsx $A nstat -az TcpRetransSegs | awk '/TcpRetransSegs/ {print $2}') +
	$(nsx $B nstat -az TcpRetransSegs | awk '/TcpRetransSegs/ {print $2}') ))
c=($(glob))
drops=$(card stats --json | python3 -I -S -c 'import json, sys
s = json.load(sys.stdin)
g = s["global"]
print(sum(g[k] for k in ("no_sa", "malformed", "too_short", "policy_drop", "oversize")) +
      sum(v for sa in s["sa"].values() for k, v in sa.items() if k.startswith("drop_")))')
echo "   tunnel    up $(python3 -c "print(f'{$t_up - $t_start:.2f}')") s after nicsecd started; up since: $(python3 -c "print(f'{$t_end - $t_up:.0f}')") s"
echo "   packets   through the card: ${c[0]} LAN frames in, ${c[1]} ESP out; ${c[2]} ESP in, ${c[3]} LAN frames out"
echo "   rekeys    $((rk_ours + rk_theirs)) under load ($rk_ours by nicsecd, $rk_theirs by charon), make-before-break"
echo "   loss      pings $(tail -1 "$D/ping_load.out" | sed 's/^pings host A -> host B during the transfers: //'); TCP retransmissions $retrans; frames the card dropped $drops"
echo "   TCP       $MB MB each way at once, checked: $(python3 -c "print(f'{${XFER_RATE[ab]:-0} * 8e-6:.2f} + {${XFER_RATE[ba]:-0} * 8e-6:.2f}')") Mbit/s, wall-clock through the simulator"
card_window tcp0 tcp1 "$D" | grep -v '^RESULT ' | sed 's/^/   card      /'
[ "$drops" = 0 ] || not_ok "the card dropped $drops frames (nicsecctl --card $SPEC stats)"
[ $((rk_ours + rk_theirs)) -gt 0 ] || not_ok "no rekey finished during the transfers"
finish
