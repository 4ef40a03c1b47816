#!/usr/bin/env bash
# tests/ike/selftest.sh: proves the strongSwan peer harness (lib.sh) with
# charon on both sides, in network namespaces made here:
#   a  PSK, aes256gcm16-prfsha384-ecp384 / ESP aes128gcm16, encap = yes:
#      both up, same IKE SPIs, ESP SPIs crossed, ping through the tunnel
#   b  through a NAT namespace, encap = no: NAT detected, UDP 4500
#   b2 through the NAT, encap = yes
#   c  30% IKE loss both ways (nftables): the tunnel still comes up
#   d  rekey_time 8 s, life_time 14 s: the CHILD_SA rekeys, ping goes on
#   e  a wrong PSK fails, with strongSwan's AUTH failure line in the log
#   f  ECDSA certificates (make_certs): pubkey auth both ways
#   f2 an RSA certificate on one side, ECDSA on the other
#   g  drop_esp black-holes ESP only: ping stops, IKE (a rekey) still works
# Prints ok / not ok lines and `selftest: N passed, N failed`; exits 1 on
# a failure. Needs root. IKE_KEEP=1 keeps the instance directories (they are
# kept on a failure anyway).
set -u

. "$(dirname "$0")/lib.sh"
ike_init || exit 1

PASS=0 FAIL=0
PROP=aes256gcm16-prfsha384-ecp384
ESP=aes128gcm16
PSK=nicsec-selftest-psk

ok() {
	echo "ok - $*"
	PASS=$((PASS + 1))
}

notok() {
	echo "not ok - $*"
	FAIL=$((FAIL + 1))
}

# check COND-DESCRIPTION CMD...: ok if CMD succeeds.
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else notok "$what"; fi
}

# case_start NAME: a fresh instance pair under IKE_WORK/NAME, and a clock.
case_start() {
	ike_teardown
	CASE=$1
	L=$IKE_WORK/$1/left R=$IKE_WORK/$1/right
	mkdir -p "$L" "$R"
	T0=$SECONDS
}

case_end() {
	echo "# $CASE: $((SECONDS - T0)) s"
}

# both_charons [KEY=VALUE...]: charon in left and right, same settings.
both_charons() {
	charon_start "$IKE_LEFT" "$L" "$@" && charon_start "$IKE_RIGHT" "$R" "$@"
}

# psk_confs LEFT_PSK RIGHT_PSK [KEY=VALUE...]: left initiates to right;
# right takes any address (the NAT case); extra keys go to both sides.
psk_confs() {
	local lpsk=$1 rpsk=$2
	shift 2
	{
		charon_conn gw local_addrs="$IKE_LEFT_IP" remote_addrs="$IKE_RIGHT_IP" \
			proposals=$PROP local.id=left remote.id=right \
			child.local_ts=$IKE_LEFT_NET child.remote_ts=$IKE_RIGHT_NET \
			child.esp_proposals=$ESP child.start_action=none "$@"
		charon_psk left right "$lpsk"
	} | swanctl_conf "$IKE_LEFT" "$L" || return 1
	{
		charon_conn gw local_addrs="$IKE_RIGHT_IP" remote_addrs=%any \
			proposals=$PROP local.id=right remote.id=left \
			child.local_ts=$IKE_RIGHT_NET child.remote_ts=$IKE_LEFT_NET \
			child.esp_proposals=$ESP child.start_action=none "$@"
		charon_psk left right "$rpsk"
	} | swanctl_conf "$IKE_RIGHT" "$R"
}

initiate() {
	swanctl_in "$IKE_LEFT" "$L" --initiate --child net >"$L/initiate.out" 2>&1
}

# up: both sides show gw ESTABLISHED and net INSTALLED (5 s).
up() {
	wait_sa "$IKE_LEFT" "$L" gw net 5 && wait_sa "$IKE_RIGHT" "$R" gw net 5
}

# pings COUNT: pings right's inner address from left's, through the
# tunnel; succeeds when every reply came.
pings() {
	ip netns exec "$IKE_LEFT" ping -q -c "$1" -i 0.2 -W 1 \
		-I "$IKE_LEFT_LAN" "$IKE_RIGHT_LAN" >"$L/ping.out" 2>&1
}

# snap: both sides' SAs into LJ and RJ; lf/rf CHILD FIELD read them.
snap() {
	LJ=$(sa_json "$IKE_LEFT" "$L")
	RJ=$(sa_json "$IKE_RIGHT" "$R")
}
lf() { sa_get "$LJ" gw "$@"; }
rf() { sa_get "$RJ" gw "$@"; }

eq() { [ "$1" = "$2" ] && [ -n "$1" ]; }

# dropped: the sum of the packet counters in nft's listing on stdin.
dropped() {
	awk '{ for (i = 1; i < NF; i++) if ($i == "packets") n += $(i + 1) }
		END { print n + 0 }'
}

# charons_gone: no charon this test started is still running.
charons_gone() {
	local f p
	for f in "$IKE_WORK"/*/*/charon.pid; do
		[ -e "$f" ] || continue
		p=$(cat "$f")
		[ "$(_ike_pid_start "${p%%:*}")" = "${p#*:}" ] && return 1
	done
	return 0
}

# ---------------------------------------------------------------------------
# a: PSK, forced encap, direct

case_start a
ike_topo "ikest$$a"
both_charons
psk_confs $PSK $PSK encap=yes
initiate
check "a: both sides ESTABLISHED / INSTALLED" up
snap
check "a: same IKE SPIs both sides ($(lf - spi_i) $(lf - spi_r))" \
	eval 'eq "$(lf - spi_i)" "$(rf - spi_i)" && eq "$(lf - spi_r)" "$(rf - spi_r)"'
check "a: left initiator, right responder" \
	eval '[ "$(lf - initiator)" = yes ] && [ "$(rf - initiator)" = no ]'
check "a: ESP SPIs crossed (left out $(lf net spi_out) = right in, left in $(lf net spi_in) = right out)" \
	eval 'eq "$(lf net spi_out)" "$(rf net spi_in)" && eq "$(lf net spi_in)" "$(rf net spi_out)"'
algs="$(lf - encr)-$(lf - keysize)/$(lf - prf)/$(lf - dh) ESP $(lf net encr)-$(lf net keysize)"
check "a: algorithms $algs" \
	[ "$algs" = "AES_GCM_16-256/PRF_HMAC_SHA2_384/ECP_384 ESP AES_GCM_16-128" ]
check "a: the peer chose the same (right: $(rf - encr)/$(rf - prf)/$(rf - dh))" \
	eval '[ "$(rf - encr)/$(rf - prf)/$(rf - dh)/$(rf net encr)" = "$(lf - encr)/$(lf - prf)/$(lf - dh)/$(lf net encr)" ]'
check "a: UDP-encapsulated on 4500 ($(lf - local) -> $(lf - remote))" \
	eval '[ "$(lf net encap)" = yes ] && [ "$(lf - local)" = "192.0.2.1[4500]" ] && [ "$(lf - remote)" = "192.0.2.2[4500]" ]'
check "a: ping 10.1.0.1 -> 10.2.0.1 through the tunnel" pings 5
snap
check "a: ... counted by the SAs (left out $(lf net packets_out), right in $(rf net packets_in))" \
	eval '[ "$(lf net packets_out)" -ge 5 ] && [ "$(rf net packets_in)" -ge 5 ] && [ "$(lf net packets_in)" -ge 5 ]'
check "a: no real NAT seen by left (no 'local host is behind NAT')" \
	eval '! grep -q "local host is behind NAT" "$L/charon.log"'
case_end

# ---------------------------------------------------------------------------
# b: through the NAT, no forced encap

case_start b
ike_topo_nat "ikest$$b"
both_charons
psk_confs $PSK $PSK encap=no
initiate
check "b: through the NAT: both sides up" up
snap
line=$(grep -m1 "local host is behind NAT" "$L/charon.log")
check "b: NAT detected by left: ${line#* }" [ -n "$line" ]
check "b: right sees left as the NAT's address ($(rf - remote))" \
	[ "$(rf - remote)" = "192.0.2.1[4500]" ]
check "b: floated to UDP 4500, ESP in UDP ($(lf - local) -> $(lf - remote), encap $(lf net encap))" \
	eval '[ "$(lf - local)" = "10.99.0.2[4500]" ] && [ "$(lf net encap)" = yes ] && [ "$(rf net encap)" = yes ]'
check "b: ping through the tunnel and the NAT" pings 3
case_end

# ---------------------------------------------------------------------------
# b2: through the NAT, forced encap

case_start b2
ike_topo_nat "ikest$$c"
both_charons
psk_confs $PSK $PSK encap=yes
initiate
check "b2: through the NAT with encap = yes: up, ping" eval 'up && pings 3'
case_end

# ---------------------------------------------------------------------------
# c: 30% IKE loss both ways

case_start c
ike_topo "ikest$$d"
both_charons retransmit_tries=8
drop_udp "$IKE_LEFT" 500 30
drop_udp "$IKE_LEFT" 4500 30
# keyingtries 0: should charon give up on an IKE_SA, it starts another.
psk_confs $PSK $PSK encap=yes keyingtries=0
swanctl_in "$IKE_LEFT" "$L" --initiate --child net --timeout 60 \
	>"$L/initiate.out" 2>&1 &
ike_track_pid $!
check "c: 30% IKE loss both ways: up" eval \
	'wait_sa "$IKE_LEFT" "$L" gw net 60 && wait_sa "$IKE_RIGHT" "$R" gw net 5'
drops=$(drop_counts "$IKE_LEFT" | dropped)
# 4 packets may all get through (24%): rekey the IKE SA under the same loss
# until some were dropped, so the retransmissions are proven.
i=0 rk=0
while [ "$drops" -eq 0 ] && [ $i -lt 5 ]; do
	i=$((i + 1))
	spi0=$(sa_field "$IKE_LEFT" "$L" gw - spi_i | sed -n 1p)
	swanctl_in "$IKE_LEFT" "$L" --rekey --ike gw >/dev/null 2>&1
	for t in $(seq 150); do
		spi1=$(sa_field "$IKE_LEFT" "$L" gw - spi_i | sed -n 1p)
		[ -n "$spi1" ] && [ "$spi1" != "$spi0" ] && sa_up "$IKE_LEFT" "$L" gw - &&
			{ rk=$((rk + 1)); break; }
		sleep 0.2
	done
	drops=$(drop_counts "$IKE_LEFT" | dropped)
done
retr=$(grep -c "retransmit" "$L/charon.log")
echo "# c: $drops IKE packets dropped, $retr retransmit lines in left's log, $rk IKE rekeys under loss of $i tried"
check "c: some IKE packets were dropped and every exchange completed" \
	eval '[ "$drops" -gt 0 ] && [ "$rk" -eq "$i" ] && sa_up "$IKE_LEFT" "$L" gw net'
drop_clear "$IKE_LEFT"
check "c: ping once the loss stops" pings 3
case_end

# ---------------------------------------------------------------------------
# d: CHILD_SA rekey (rekey 8 s, life 14 s), ping all along

case_start d
ike_topo "ikest$$e"
both_charons
psk_confs $PSK $PSK encap=yes child.rekey_time=8s child.life_time=14s
initiate
check "d: up" up
snap
spi0=$(lf net spi_in)
ip netns exec "$IKE_LEFT" ping -q -c 60 -i 0.2 -W 1 \
	-I "$IKE_LEFT_LAN" "$IKE_RIGHT_LAN" >"$L/ping-rekey.out" 2>&1
snap
spi1=$(lf net spi_in)
# each rekey logs "inbound/outbound CHILD_SA net{N} established": count Ns
n=$(grep -o "CHILD_SA net{[0-9]*} established" "$L/charon.log" | sort -u | wc -l)
byl=$(grep -c "generating CREATE_CHILD_SA request .*REKEY_SA" "$L/charon.log")
byr=$(grep -c "generating CREATE_CHILD_SA request .*REKEY_SA" "$R/charon.log")
echo "# d: $((n - 1)) CHILD_SA rekeys in 12 s, $byl started by left, $byr by right"
check "d: CHILD_SA rekeyed (left in SPI $spi0 -> $spi1)" \
	eval '[ "$n" -ge 2 ] && [ "$spi0" != "$spi1" ] && [ $((byl + byr)) -ge 1 ]'
loss=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$L/ping-rekey.out")
check "d: ping went on through the rekeys ($loss of 60 replies)" [ "${loss:-0}" -ge 59 ]
check "d: still up after, both sides agree on ESP SPIs" \
	eval 'up && snap && eq "$(lf net spi_out)" "$(rf net spi_in)"'
case_end

# ---------------------------------------------------------------------------
# e: wrong PSK

case_start e
ike_topo "ikest$$f"
both_charons
psk_confs $PSK "not-$PSK" encap=yes
check "e: initiate with a wrong PSK fails" eval '! initiate'
rline=$(grep -m1 -E "MAC mismatched|authentication of .* failed" "$R/charon.log")
lline=$(grep -m1 "AUTHENTICATION_FAILED" "$L/charon.log")
echo "# e: right: ${rline#* }"
echo "# e: left:  ${lline#* }"
check "e: right logs the AUTH failure" [ -n "$rline" ]
check "e: left gets AUTHENTICATION_FAILED" [ -n "$lline" ]
snap
check "e: no SA left on either side" eval '[ -z "$LJ$RJ" ]'
case_end

# ---------------------------------------------------------------------------
# f: ECDSA certificates

case_start f
ike_topo "ikest$$g"
both_charons
PKI=$IKE_WORK/f/pki
make_certs "$PKI" left.nicsec.test right.nicsec.test
certs_install "$PKI" "$L" left.nicsec.test ecdsa
certs_install "$PKI" "$R" right.nicsec.test ecdsa
charon_conn gw local_addrs="$IKE_LEFT_IP" remote_addrs="$IKE_RIGHT_IP" \
	proposals=$PROP encap=yes \
	local.auth=pubkey local.certs=left.nicsec.test-ecdsa.pem \
	local.id=left.nicsec.test \
	remote.auth=pubkey remote.id=right.nicsec.test \
	child.local_ts=$IKE_LEFT_NET child.remote_ts=$IKE_RIGHT_NET \
	child.esp_proposals=$ESP child.start_action=none |
	swanctl_conf "$IKE_LEFT" "$L"
charon_conn gw local_addrs="$IKE_RIGHT_IP" remote_addrs=%any \
	proposals=$PROP encap=yes \
	local.auth=pubkey local.certs=right.nicsec.test-ecdsa.pem \
	local.id=right.nicsec.test \
	remote.auth=pubkey remote.id=left.nicsec.test \
	child.local_ts=$IKE_RIGHT_NET child.remote_ts=$IKE_LEFT_NET \
	child.esp_proposals=$ESP child.start_action=none |
	swanctl_conf "$IKE_RIGHT" "$R"
initiate
check "f: ECDSA certificates: up" up
snap
line=$(grep -m1 "authentication of 'right.nicsec.test' with .* successful" "$L/charon.log")
check "f: left authenticated right: ${line#*> }" [ -n "$line" ]
check "f: ids are the certificates' names ($(lf - local_id) / $(lf - remote_id))" \
	eval '[ "$(lf - local_id)" = left.nicsec.test ] && [ "$(rf - local_id)" = right.nicsec.test ]'
check "f: ping" pings 3
case_end

# ---------------------------------------------------------------------------
# f2: an RSA certificate on the left, ECDSA on the right (same CA); the
# left's configuration written as a heredoc, the other way to use
# swanctl_conf

case_start f2
ike_topo "ikest$$i"
both_charons
certs_install "$PKI" "$L" left.nicsec.test rsa
certs_install "$PKI" "$R" right.nicsec.test ecdsa
swanctl_conf "$IKE_LEFT" "$L" <<-EOF
	connections {
		gw {
			version = 2
			local_addrs = $IKE_LEFT_IP
			remote_addrs = $IKE_RIGHT_IP
			proposals = $PROP
			encap = yes
			local {
				auth = pubkey
				certs = left.nicsec.test-rsa.pem
				id = left.nicsec.test
			}
			remote {
				auth = pubkey
				id = right.nicsec.test
			}
			children {
				net {
					local_ts = $IKE_LEFT_NET
					remote_ts = $IKE_RIGHT_NET
					esp_proposals = $ESP
				}
			}
		}
	}
EOF
charon_conn gw local_addrs="$IKE_RIGHT_IP" remote_addrs=%any \
	proposals=$PROP encap=yes \
	local.auth=pubkey local.certs=right.nicsec.test-ecdsa.pem \
	local.id=right.nicsec.test remote.auth=pubkey remote.id=left.nicsec.test \
	child.local_ts=$IKE_RIGHT_NET child.remote_ts=$IKE_LEFT_NET \
	child.esp_proposals=$ESP child.start_action=none |
	swanctl_conf "$IKE_RIGHT" "$R"
initiate
check "f2: RSA left, ECDSA right: up" up
line=$(grep -m1 "authentication of 'left.nicsec.test' with .* successful" "$R/charon.log")
check "f2: right authenticated left: ${line#*> }" [ -n "$line" ]
case_end

# ---------------------------------------------------------------------------
# g: drop_esp black-holes ESP only

case_start g
ike_topo "ikest$$h"
both_charons
psk_confs $PSK $PSK encap=yes
initiate
check "g: up, ping" eval 'up && pings 2'
drop_esp "$IKE_LEFT"
check "g: with drop_esp, no ping gets through" eval '! pings 3'
spi0=$(sa_field "$IKE_LEFT" "$L" gw net spi_in | sed -n 1p)
swanctl_in "$IKE_LEFT" "$L" --rekey --child net >/dev/null 2>&1
sleep 1.5
snap
check "g: ... but IKE on 4500 does: a CHILD_SA rekey completes ($spi0 -> $(lf net spi_in))" \
	eval 'up && [ "$(lf net spi_in)" != "$spi0" ]'
esp=$(drop_counts "$IKE_LEFT" | grep '@th,64,32' | dropped)
check "g: the ESP rule counted the dropped pings ($esp packets)" [ "${esp:-0}" -ge 3 ]
drop_clear "$IKE_LEFT"
check "g: after drop_clear ping works again" pings 2
rpid=$(cat "$R/charon.pid")
charon_stop "$IKE_RIGHT" "$R"
check "g: charon_stop ended right's charon (pid ${rpid%%:*})" \
	eval '! kill -0 "${rpid%%:*}" 2>/dev/null'
case_end

# ---------------------------------------------------------------------------

ike_teardown
left=$(ip netns list | grep -c "ikest$$" || true)
check "no namespace of this test left" [ "$left" -eq 0 ]
check "no charon of this test left" charons_gone

[ $FAIL -gt 0 ] && IKE_KEEP=1
echo "selftest: $PASS passed, $FAIL failed"
[ $FAIL -eq 0 ]
