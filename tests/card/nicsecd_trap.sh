#!/usr/bin/env bash
# `trap` on the simulated card against strongSwan's charon (card_gw.sh's
# topology): a child with start_action, close_action and dpd_action trap
# comes up on its first packet, each time it goes.
#  - at start: no IKE SA, and on the card one punt rule for the child's
#    selectors (read back by nicsecctl --card, a process of its own);
#  - host A pings 10.2.0.1: the card punts the first packet to the LAN TAP,
#    nicsecd initiates, the tunnel comes up (charon's SPIs on the card, the
#    punt rule replaced by the protect rule) and the pings after it cross;
#  - charon deletes the CHILD_SA, then the IKE SA (close_action trap): the
#    punt rule comes back, and traffic brings the tunnel back each time;
#  - charon killed (dpd_action trap): the punt rule is back once DPD gives
#    up; charon started again, traffic brings the tunnel back;
#  - nicsecctl terminate: start_action's trap stays, the punt rule is back;
#  - a reload without trap takes the rule away; the card's hard packet
#    limit deletes the CHILD_SA, and the trap is back; SIGTERM with a trap armed
#    leaves the card empty; nicsecd ran with no capabilities left.
#
#   nicsecd_trap.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
LANES=1
. tests/card/card_suite.sh
finish() { echo "nicsecd_trap: $passed passed, $failed failed"; [ $failed -eq 0 ]; exit $?; }
CARD_GW_PREFIX=tp
. tests/card/card_gw.sh

charon_gw || exit 1
# nicsecd_conf START CLOSE DPD [CHILD_KEY=VALUE]: nicsecd.conf with the
# child's three actions
nicsecd_conf() {
	nicsecd_gw "retransmit_tries = 2" -- child.start_action=$1 child.close_action=$2 child.dpd_action=$3 dpd_delay=2s ${4:-}
}
# trapped: no SA on the card and one punt rule 10.1.0.0/24 -> 10.2.0.0/24
trapped() {
	local s r
	s=$(card sa list --json | tr -d ' \n') r=$(card spd list --json)
	python3 -I -S - "$s" "$r" <<-'PY'
	import json, sys
	sas, rules = json.loads(sys.argv[1]), json.loads(sys.argv[2])
	ok = not sas and len(rules) == 1 and rules[0]["action"] == "punt" and \
	     rules[0]["rule"].startswith("src 10.1.0.0/24 dst 10.2.0.0/24 ")
	print(f"rule {rules[0]['index']}: {rules[0]['rule']}" if ok else
	      f"SAs {sas}, rules {[r['rule'] for r in rules]}")
	sys.exit(0 if ok else 1)
	PY
}
# comes_up WHAT [LINES]: host A pings 10.2.0.1 (one at a time, 10 at most) until
# one is answered: the trap fired (a line more than LINES, or than now, say
# so) and the tunnel carries traffic; then the card
# holds charon's CHILD_SA and its protect rule alone, and 5 pings cross
comes_up() {
	local lines
	lines=${2:-$(grep -c "trapped traffic" "$D/nicsecd.log")}
	for _ in $(seq 10); do
		nsx $A ping -c 1 -W 1 -q 10.2.0.1 >/dev/null 2>&1 && break
	done
	if nsx $A ping -c 1 -W 1 -q 10.2.0.1 >/dev/null 2>&1 &&
		wait_sa $R "$C" gw net 5 && wait_card "$1: the tunnel came up through the card" 5 \
		card_matches_charon gw; then
		[ "$(grep -c "trapped traffic 10.1.0.2 -> 10.2.0.1 (protocol 1) on tl: initiating it" \
			"$D/nicsecd.log")" -gt "$lines" ] && ok "$1: nicsecd says the trap fired: $(grep \
			"trapped traffic" "$D/nicsecd.log" | tail -1 | sed 's/^[^ ]* [a-z]* *//')" ||
			not_ok "$1: no 'trapped traffic' line"
		traffic "$1: traffic" gw
	else
		not_ok "$1: no tunnel after 10 pings: $(tail -3 "$D/nicsecd.log")"
	fi
}
newlog() { tail -n +$((${LOGAT:-0} + 1)) "$D/nicsecd.log"; }

nicsecd_conf trap trap trap
nicsecd_start $G "$D" --dataplane "$SPEC" || finish
wait_card "start_action trap: a punt rule on the card" 3 trapped
n=$(nicsecctl_in $G "$D" list-sas --json | python3 -I -S -c 'import json,sys; print(len(json.load(sys.stdin)["ike_sas"]))')
[ "$n" = 0 ] && ok "start_action trap: no IKE SA before traffic" || not_ok "start_action trap: $n IKE SAs at start"
ls=$(nicsecctl_in $G "$D" list-sas)
[[ $ls == "gw: trap net (start_action trap), 10.1.0.0/24 === 10.2.0.0/24 on tl: waiting for traffic, punt rule 0" ]] &&
	ok "list-sas: '$ls'" || not_ok "list-sas: '$ls'"
grep -q "trap armed: traffic 10.1.0.0/24 === 10.2.0.0/24 on tl starts it" "$D/nicsecd.log" &&
	ok "the log says the trap is armed and where" || not_ok "no 'trap armed' line: $(grep -m2 trap "$D/nicsecd.log")"
comes_up "first packet"

swanctl_in $R "$C" --terminate --child net >/dev/null 2>&1
wait_card "charon deletes the CHILD_SA (close_action trap): the punt rule is back" 5 trapped
comes_up "after charon's CHILD_SA DELETE"

swanctl_in $R "$C" --terminate --ike gw >/dev/null 2>&1
wait_card "charon deletes the IKE SA (close_action trap): the punt rule is back" 5 trapped
comes_up "after charon's IKE SA DELETE"

# killed, so no DELETE: DPD (2 s quiet, then 0.5 + 0.7 + 0.98 s of
# retransmits) must find it
kill -KILL "$(cut -d: -f1 "$C/charon.pid")"
charon_stop $R "$C" 2>/dev/null
wait_card "charon killed (dpd_action trap): the punt rule is back" 12 trapped
grep -q "did not answer DPD .*dpd_action trap: closing net, which its traffic will start again" "$D/nicsecd.log" &&
	ok "DPD's line says the trap: $(grep -m1 'did not answer DPD' "$D/nicsecd.log" | sed 's/^[^ ]* [a-z]* *//')" ||
	not_ok "DPD line: $(grep -m1 'did not answer' "$D/nicsecd.log")"
charon_start $R "$C" || finish
charon_gw || finish
comes_up "charon back"

LOGAT=$(wc -l <"$D/nicsecd.log")
out=$(nicsecctl_in $G "$D" terminate --child net)
wait_card "nicsecctl terminate --child net: start_action's trap stays, the punt rule is back" 5 trapped
newlog | grep -q "trap removed" && not_ok "terminate removed start_action's trap" ||
	ok "terminate: '$out'; start_action's trap is kept (as swanctl's)"

nicsecd_conf none none clear
out=$(nicsecctl_in $G "$D" reload 2>&1)
wait_card "reload without trap: nothing left on the card" 3 card_empty
newlog | grep -q "trap removed: no action of it is trap now" &&
	ok "reload: '$out', and the log says the trap went" || not_ok "reload: no 'trap removed' line: $(newlog | tail -3)"

# the card's hard packet limit (life_packets, no soft one before it): the
# card stops the SA and says so, nicsecd deletes the CHILD_SA, and the trap
# is armed again by its start_action
nicsecd_conf trap none clear child.life_packets=30
nicsecctl_in $G "$D" reload >/dev/null 2>&1
wait_card "reload with start_action trap again: the punt rule is back" 3 trapped
comes_up "life_packets 30"
old=($(charon_spis gw))
n=$(grep -c "trapped traffic" "$D/nicsecd.log")
nsx $A ping -c 30 -i 0.05 -W 1 -q 10.2.0.1 >/dev/null 2>&1
# the pings after the limit may have fired the trap already
comes_up "after the hard limit" "$n"
line=$(grep -m1 "reached its hard limit on the card (life_bytes or life_packets) before a rekey: deleting it" "$D/nicsecd.log") &&
	ok "the card's hard packet limit: $(sed 's/^[^ ]* [a-z]* *//' <<<"$line")" || not_ok "no hard-limit line"
new=($(charon_spis gw))
[ "${new[0]}" != "${old[0]}" ] && ok "after the hard limit: a new CHILD_SA, charon's SPIs ${old[*]} -> ${new[*]}" ||
	not_ok "after the hard limit: charon's SPIs unchanged: ${new[*]}"
pid=$(cut -d: -f1 "$D/nicsecd.pid")
cap=$(awk '/^CapEff/ {print $2}' /proc/$pid/status)
[ "$cap" = 0000000000000000 ] && ok "the packet socket was opened before the privileges went: CapEff $cap" ||
	not_ok "nicsecd's CapEff is $cap"
nicsecd_stop $G "$D"
wait_card "SIGTERM with a trap armed: nothing left on the card" 3 card_empty
finish
