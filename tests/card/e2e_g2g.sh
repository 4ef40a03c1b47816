# e2e_g2g.sh: gateway to gateway, two nicsec instances and no charon, sourced
# by tests/card/e2e_gateway.sh after its first part (which it tears down):
#
#   host A 10.1.0.2 == [card 1, G] == WAN == [card 2, H] == host B 10.2.0.2
#
# Each gateway: its card, its TAPs (tl 10.1.0.1 / 10.2.0.1, tw 192.0.2.1 /
# .2) and its nicsecd (G initiates, H answers).  The tunnel comes up, TCP
# crosses it both ways at once (checked by SHA-256) while G rekeys the
# CHILD_SA, and each card's outbound packets and bytes, summed over the
# run's SAs, equal the other card's inbound, with no drops on either.
ike_teardown
P=${P}x
A=${P}a G=${P}g H=${P}h B=${P}b
D=$IKE_WORK/gw1 E=$IKE_WORK/gw2
mkdir -p "$D" "$E"
gw_ns $A $G $H $B || finish
lan_host $A 10.1.0.2/24 10.1.0.1 $G l1 && lan_host $B 10.2.0.2/24 10.2.0.1 $H l1 &&
	ip link add w1 netns $G type veth peer name w1 netns $H || finish
nsx $G ip link set w1 up && nsx $H ip link set w1 up
gw_card $G "$D" 10.1.0.1/24 192.0.2.1/24 && gw_card $H "$E" 10.2.0.1/24 192.0.2.2/24 || finish
SPEC=sim:$D/card.sock SPEC2=sim:$E/card.sock
# each host to its gateway, and the gateways to each other: the exception
# paths, and the neighbour entries nicsecd looks up
if nsx $A ping -c1 -W2 -q 10.1.0.1 >/dev/null && nsx $B ping -c1 -W2 -q 10.2.0.1 >/dev/null &&
	nsx $G ping -c1 -W2 -q 192.0.2.2 >/dev/null; then
	ok "gateway to gateway: hosts and gateways reach each other through both cards' exception paths"
else
	not_ok "gateway to gateway: no ping through the exception paths"; finish
fi
g2g_conf() {  # ME PEER LOCAL_ID REMOTE_ID LOCAL_TS REMOTE_TS [KEY=VALUE...]
	local me=$1 peer=$2 lid=$3 rid=$4 lts=$5 rts=$6
	shift 6
	charon_conn gw local_addrs=$me remote_addrs=$peer encap=yes \
		proposals=aes128gcm16-prfsha256-curve25519 local.id=$lid remote.id=$rid \
		child.local_ts=$lts child.remote_ts=$rts child.esp_proposals=aes128gcm16 "$@"
	charon_psk left right secret
}
{ GW_LAN_HOP=10.2.0.2 gw_daemon
  g2g_conf 192.0.2.2 192.0.2.1 right left 10.2.0.0/24 10.1.0.0/24; } >"$E/nicsecd.conf"
{ gw_daemon
  g2g_conf 192.0.2.1 192.0.2.2 left right 10.1.0.0/24 10.2.0.0/24 child.start_action=start; } >"$D/nicsecd.conf"
nicsecd_start $H "$E" --dataplane "$SPEC2" && nicsecd_start $G "$D" --dataplane "$SPEC" || finish
if nicsecd_wait $G "$D" 1 15 && nicsecd_wait $H "$E" 1 5 &&
	nsx $A ping -c 3 -i 0.2 -W 3 -q 10.2.0.2 >"$D/ping.log"; then
	ok "gateway to gateway: the tunnel up, host A pings host B through both cards: $(grep -o '[0-9]* received' "$D/ping.log")"
else
	not_ok "gateway to gateway: $(grep -ih 'error\|fail' "$D/nicsecd.log" "$E/nicsecd.log" | head -3) $(grep loss "$D/ping.log")"
	finish
fi

rm -f "$D/stop"
python3 tests/card/esp_tally.py sample "$D/tally.json" "$D/stop" "card:$G:$SPEC" "card:$H:$SPEC2" &
tally=$!
ike_track_pid $tally
G2G_MB=$(( (MB + 1) / 2 ))
xfer_start g2g_ab $A $B 10.2.0.2 5003 "$G2G_MB"
xfer_start g2g_ba $B $A 10.1.0.2 5004 "$G2G_MB"
sleep 1
cur=$(sending)
nicsecctl_in $G "$D" rekey --child net >/dev/null
if now=$(rekeyed "$cur") && kill -0 "${XFER_PID[g2g_ab]}" 2>/dev/null &&
	kill -0 "${XFER_PID[g2g_ba]}" 2>/dev/null; then
	ok "gateway to gateway: a rekey during the transfers: CHILD_SA $cur -> $now"
else
	not_ok "gateway to gateway: the rekey: sending on '${now:-?}' (was $cur)"
fi
xfer_wait g2g_ab
xfer_wait g2g_ba
sleep 6
touch "$D/stop"
wait $tally
if out=$(python3 tests/card/esp_tally.py check "$D/tally.json"); then
	ok "gateway to gateway: every ESP packet counted alike by both cards: $out"
else
	not_ok "gateway to gateway: the cards' counters: $out"
fi
echo "RESULT e2e.g2g_tcp_bytes_s $(( ${XFER_RATE[g2g_ab]:-0} + ${XFER_RATE[g2g_ba]:-0} ))"
nicsecd_stop $G "$D"
nicsecd_stop $H "$E"
