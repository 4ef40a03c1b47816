#!/usr/bin/env bash
# nicsecd's data plane (host/dataplane.c) against one live simulated card:
# tests/card/dataplane.py drives tests/card/dp_probe, checks the card with
# nicsecctl and the card's LAN and WAN wires with scapy (tests/card/dp_wire.py
# in the peer namespaces of tests/card/one_card.sh).
#
#   dataplane.sh LANES
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
LANES=${1:-1}
PY=${NICSEC_PYTHON:-/usr/bin/python3}
. tests/card/one_card.sh
card_up "$LANES" "$CARD_T/sim.log" || exit 1
# Only the test's frames on the wires: no IPv6 chatter from the peers.
ip netns exec ${CARD_P}l sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.lanp.disable_ipv6=1
ip netns exec ${CARD_P}w sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.wanp.disable_ipv6=1
DP_LOG=$CARD_T/dp_probe.log "$PY" tests/card/dataplane.py "$BUILD/card/dp_probe" "$BUILD/nicsecctl" \
	"$CARD_SPEC" ${CARD_P}l lanp ${CARD_P}w wanp
rc=$?
if [ $rc -ne 0 ]; then
	echo "--- dp_probe's log"; tail -20 "$CARD_T/dp_probe.log"
	echo "--- the simulator's"; tail -5 "$CARD_T/sim.log"
fi >&2
exit $rc
