#!/usr/bin/env bash
# nicsecd with a live simulated card (`nicsec-sim run`) against strongSwan's
# charon (kernel-libipsec), between network namespaces, in card_gw.sh's
# topology (host A, the gateway G with the card and nicsecd, charon R; IKE
# reaches nicsecd only through the card's exception path, so the card is in
# the data path, as in a real gateway). Everything about the card is read
# back by other processes (nicsecctl --card: sa list, spd list), and held
# against charon's view (swanctl --list-sas):
#  - nicsecd initiating: exactly the CHILD_SA's two SAs (inbound SPI =
#    charon's spi_out, outbound = charon's spi_in), UDP 4500/4500, outer
#    addresses and selectors, one protect rule on the outbound SA's slot;
#  - the daemon runs without capabilities (CapEff 0) and still works;
#  - ping from A to 10.2.0.1 through the card: the card's per-SA packet
#    and byte counters equal to charon's (packets_in/out, bytes_in/out);
#  - nicsecctl rekey while A pings every 50 ms (none lost): the card holds
#    the new pair (charon's new SPIs), the rule on the new outbound SA, the
#    old SAs gone within seconds, and traffic under the new pair;
#  - the card's Ethernet addresses (card_is: from the TAPs' MACs to
#    charon's and host A's): host A forgotten by G's neighbour table is
#    asked for at the next install, under traffic; a LAN next hop nobody
#    answers for is one line and the placeholder, and put back, host A;
#    terminate: nothing left; initiate again; SIGTERM: nothing left;
#  - charon initiating, nicsecd responding: the same checks, a rekey by
#    charon under traffic, and nothing left after SIGTERM even with charon
#    silent (nicsecd's DELETE dropped);
#  - rekey_packets 20: the card's soft-limit event makes nicsecd rekey the
#    CHILD_SA (the new pair on the card and at charon, the old gone);
#  - dpd_delay 2s: no liveness check while ESP comes in (the card's inbound
#    counters), one once the tunnel is quiet;
#  - a black hole (nftables drops charon's ESP on the current SA, IKE
#    passes): one warning, an answered liveness check, a rekey, pings on the
#    new SA; the monitor (ICMP echo from the gateway through the tunnel)
#    says down and up, and its fail-over hook runs both ways.
#
#   nicsecd_card.sh [LANES]
set -uo pipefail
cd "$(dirname "$0")/../.."
LANES=${1:-1}
. tests/card/card_suite.sh
finish() { echo "nicsecd_card: $passed passed, $failed failed"; [ $failed -eq 0 ]; exit $?; }
CARD_GW_PREFIX=nc
. tests/card/card_gw.sh

# ---- nicsecd initiates ------------------------------------------------------
charon_gw || exit 1
nicsecd_gw -- child.start_action=start
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

# the card's LAN next hop (host A), forgotten by the kernel: the rekey's
# install asks for it (a datagram to its discard port: nothing else in G
# talks to host A) and takes the answer
nsx $G ip neigh flush dev tl
under_ping "G's neighbour table emptied, then nicsecctl rekey" nicsecctl_in $G "$D" rekey --child net
if wait_card "the rekey with host A forgotten: the new pair addressed to it again" 8 card_matches_charon gw &&
	line=$(grep "LAN next hop 10.1.0.2 on tl: not in the neighbour table, asked for it: resolved" "$D/nicsecd.log"); then
	ok "host A asked for at the install: $(sed 's/^[^ ]* [a-z]* *//' <<<"$line")"
else
	not_ok "host A forgotten: $(grep -i "next hop" "$D/nicsecd.log" | tail -2)"
fi
# a LAN next hop nobody answers for (reload, rekey): one line naming it, and
# the card's decrypted frames to the placeholder, not to some other host
sed -i 's/lan_next_hop = 10.1.0.2/lan_next_hop = 10.1.0.99/' "$D/nicsecd.conf"
nicsecctl_in $G "$D" reload >/dev/null && nicsecctl_in $G "$D" rekey --child net >/dev/null
lan_placeholder() {  # the inbound SA charon sends on goes to the placeholder
	local s=($(charon_spis gw))
	card sa list | grep "spi 0x${s[1]} .* dir in ether src $MAC_TL dst 02:00:00:00:00:02\$"
}
if wait_card "an unknown LAN next hop: the new inbound SA's frames to libnicsec's placeholder" 8 lan_placeholder &&
	line=$(grep "the card's LAN frames: next hop 10.1.0.99 on tl not resolved (neighbour entry [A-Z]* 200 ms after asking for it): decrypted packets go $MAC_TL -> 02:00:00:00:00:02 until" "$D/nicsecd.log"); then
	ok "an unknown LAN next hop, one line: $(sed 's/^[^ ]* [a-z]* *//' <<<"$line")"
else
	not_ok "an unknown LAN next hop: $(grep -i "next hop" "$D/nicsecd.log" | tail -2)"
fi
sed -i 's/lan_next_hop = 10.1.0.99/lan_next_hop = 10.1.0.2/' "$D/nicsecd.conf"
nicsecctl_in $G "$D" reload >/dev/null && nicsecctl_in $G "$D" rekey --child net >/dev/null
wait_card "lan_next_hop put back (reload, rekey): addressed to host A again" 8 card_matches_charon gw
traffic "traffic with host A's address back" gw

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
{ gw_daemon
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
charon_gw || exit 1
nicsecd_gw -- child.start_action=start child.rekey_packets=20 child.life_packets=100000 dpd_delay=2s
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

# ---- a black hole, and the monitor that sees it --------------------------------
# charon's ESP on the current CHILD_SA stops reaching the card (nftables in its
# namespace drops what it sends with that SPI, which is our inbound one) while
# IKE passes. blackhole_time 3s: one warning, a liveness check, and as charon
# answers it a rekey; the new SA's ESP is not dropped, so pings flow again.
# The monitor, an echo request from the gateway's 10.1.0.1 to 10.2.0.1 every
# second (threshold 2, fail-over), sees the tunnel go down and come back; its
# hook records both. The gateway's own packets reach the card's LAN port
# through host A, as they would through a LAN router: G routes 10.2.0.0/24 via
# A, which sends them back to the card.
cat >"$D/hook.sh" <<EOF
#!/bin/sh
echo "\$NICSEC_MONITOR \$NICSEC_CONN \$NICSEC_CHILD \$NICSEC_ADDRESS \$(id -u)" >>"$D/hook.out"
EOF
chmod 755 "$D/hook.sh"
rm -f "$D/hook.out"
nsx $A sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.a0.send_redirects=0
nsx $G sysctl -qw net.ipv4.conf.all.accept_redirects=0
nsx $G ip route add 10.2.0.0/24 via 10.1.0.2 dev tl
nicsecd_gw -- child.start_action=start child.blackhole_time=3s child.monitor_address=10.2.0.1 \
	child.monitor_source=10.1.0.1 child.monitor_interval=1s child.monitor_threshold=2 \
	child.monitor_action=fail-over child.monitor_hook="$D/hook.sh"
# this run's lines only (the log is appended to)
L0=$(wc -l <"$D/nicsecd.log" 2>/dev/null || echo 0)
newlog() { tail -n +$((L0 + 1)) "$D/nicsecd.log"; }
nicsecd_start $G "$D" --dataplane "$SPEC" || finish
if nicsecd_wait $G "$D" 1 15 && wait_sa $R "$C" gw net 5; then
	[ "$(capeff)" = 0000000000000000 ] && ok "with the monitor's raw ICMP socket open, CapEff $(capeff)" ||
		not_ok "with a monitor, nicsecd's CapEff is $(capeff)"
	sleep 2.5	# a few echo requests through the tunnel, all answered
	if ! newlog | grep -q "tunnel down by monitor\|can't send an echo\|ICMP socket"; then
		ok "monitor: the echo requests through the tunnel are answered (no down line in 2.5 s)"
	else
		not_ok "monitor before the black hole: $(newlog | grep -m1 'monitor')"
	fi
	old=($(charon_spis gw))
	_ike_loss_table $R && nsx $R nft add rule inet ike_loss out udp dport 4500 udp length gt 12 \
		@th,64,32 "0x${old[1]}" counter drop || not_ok "nftables: dropping charon's ESP with SPI ${old[1]}"
	# traffic into the black hole (the echo requests are some too)
	nsx $A ping -c 60 -i 0.2 -W 1 -q 10.2.0.1 >"$D/ping_bh.log" 2>&1 &
	p=$!
	for i in $(seq 100); do
		newlog | grep -q "tunnel up by monitor" && break
		sleep 0.1
	done
	kill $p 2>/dev/null
	wait $p 2>/dev/null
	log() { sed 's/^[^ ]* [a-z]* *//' <<<"$1"; }
	bh=$(newlog | grep "a black hole")
	if [ "$(grep -c . <<<"$bh")" = 1 ] && [[ $bh == *"SPIs ${old[1]}_i ${old[0]}_o"* ]] &&
		[[ $bh == *"packets out and none in for "*" s: a black hole (the peer may still send on an old SA, or ESP is filtered); checking the peer is alive" ]]; then
		ok "black hole: one warning naming the CHILD_SA: $(log "$bh")"
	else
		not_ok "black hole: warning lines: '${bh:-none}'"
	fi
	# the liveness check: an empty INFORMATIONAL after the warning, answered
	if newlog | sed -n '/a black hole/,$p' | grep -q "sending INFORMATIONAL request [0-9]* \[ \]" &&
		line=$(newlog | grep "the peer answered the liveness check") &&
		[[ $line == *"so IKE gets through but its ESP does not: rekeying the CHILD_SA" ]]; then
		ok "black hole: the liveness check went out and was answered: $(log "$line")"
	else
		not_ok "black hole: no answered liveness check: $(newlog | grep -i 'INFORMATIONAL\|liveness' | tail -3)"
	fi
	if wait_card "black hole: the rekey's new pair on the card, the old gone" 8 card_matches_charon gw; then
		new=($(charon_spis gw))
		[ "${new[1]}" != "${old[1]}" ] && ok "black hole: charon sends on ${new[1]} now, not ${old[1]}" ||
			not_ok "black hole: charon's outbound SPI unchanged: ${new[1]}"
	fi
	n=$(nsx $R nft list table inet ike_loss | sed -n 's/.*@th,64,32 0x[0-9a-f]* counter packets \([0-9]*\).*/\1/p')
	[ "${n:-0}" -gt 0 ] && ok "black hole: nftables dropped $n of charon's ESP packets on the old SA" ||
		not_ok "black hole: nothing was dropped: $(drop_counts $R | grep th)"
	# (not `traffic`: the monitor's echo requests share the SA, so the
	# card's and charon's counts, read at different moments, may differ by
	# one in flight)
	before=($(counters gw))
	if nsx $A ping -c 5 -i 0.2 -W 2 -q 10.2.0.1 >"$D/ping.log" 2>&1; then
		after=($(counters gw))
		din=$((after[0] - before[0])) dout=$((after[1] - before[1]))
		[ $din -ge 5 ] && [ $dout -ge 5 ] &&
			ok "black hole over: 5 pings, 0% loss, on the new SA: card in +$din, out +$dout packets" ||
			not_ok "black hole over: the new SA's card counters moved in +$din, out +$dout"
	else
		not_ok "black hole over: pings on the new SA: $(grep loss "$D/ping.log")"
	fi
	down=$(newlog | grep "tunnel down by monitor") up=$(newlog | grep "tunnel up by monitor")
	if [ "$(grep -c . <<<"$down")" = 1 ] && [[ $down == *"2 echo requests from 10.1.0.1 to 10.2.0.1 unanswered in a row (every 1s): fail-over: running monitor_hook $D/hook.sh" ]] &&
		[ "$(grep -c . <<<"$up")" = 1 ] && [[ $up == *"tunnel up by monitor: 10.2.0.1 answers again (after "*" missed): running monitor_hook $D/hook.sh" ]]; then
		ok "monitor: one down line, one up line: $(log "$down") / $(log "$up")"
	else
		not_ok "monitor: down '${down:-none}', up '${up:-none}'"
	fi
	sleep 0.3	# the hook's own time
	if [ "$(cat "$D/hook.out" 2>/dev/null)" = $'down gw net 10.2.0.1 0\nup gw net 10.2.0.1 0' ]; then
		ok "monitor: fail-over ran the hook down, then up, with NICSEC_* set"
	else
		not_ok "monitor: the hook wrote '$(cat "$D/hook.out" 2>/dev/null)'"
	fi
else
	not_ok "black hole: the tunnel did not come up: $(newlog | tail -3)"
fi
drop_clear $R
# terminate: the operator closed it, so the monitor stops (no down line, no
# hook) until the child's next CHILD_SA
n0=$(wc -l <"$D/nicsecd.log")
nicsecctl_in $G "$D" terminate --ike gw >/dev/null
sleep 3.5
if ! tail -n +$((n0 + 1)) "$D/nicsecd.log" | grep -q "tunnel down by monitor" &&
	[ "$(grep -c down "$D/hook.out" 2>/dev/null)" = 1 ]; then
	ok "monitor: terminate stops it: no down line and no hook run in 3.5 s (interval 1s, threshold 2)"
else
	not_ok "monitor after terminate: $(tail -n +$((n0 + 1)) "$D/nicsecd.log" | grep -m1 'monitor')"
fi
nsx $G ip route del 10.2.0.0/24 via 10.1.0.2 dev tl
nicsecd_stop $G "$D"
finish
