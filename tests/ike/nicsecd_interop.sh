#!/usr/bin/env bash
# nicsecd against strongSwan's charon (kernel-libipsec), between network
# namespaces (tests/ike/lib.sh), with the data plane `none`:
#  - nicsecd as initiator, then as responder, with every IKE proposal family
#    and DH group nicsec has at once (one IKE SA each), ESP AES-GCM 128 and
#    256, with and without encap = yes: each IKE SA and CHILD_SA the same on
#    both ends (SPIs, algorithms, selectors; held against `swanctl
#    --list-sas` by tests/ike/sa_match.py);
#  - ESN: negotiated with charon (which selects it), though kernel-libipsec
#    can't install it ("ESN not supported"), so only the negotiation is
#    checked here;
#  - CREATE_CHILD_SA both ways (a second child; rekeys), DELETE both ways,
#    terminate, initiate, reload (a broken file changes nothing), log-level;
#  - X.509 certificates: ECDSA with nicsecd initiating, RSA with charon
#    initiating, each end verifying the other; a CA nicsecd does not trust;
#  - nicsecd behind a NAT: detected, IKE on 4500, NAT-T keepalives;
#  - a lost response (charon retransmits, nicsecd answers from its cache) and
#    lost requests (nicsecd retransmits);
#  - a wrong PSK, an unknown peer ID, IKE and ESP proposals in common with
#    nothing, selectors in common with nothing: each the one line that
#    names it;
#  - truncated, garbled, oversized and wrong-SPI packets: a line each and
#    nothing changed.
#
#   nicsecd_interop.sh [BUILD]
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-${BUILD:-build}}
export IKE_NICSECD=$PWD/$BUILD/nicsecd IKE_NICSECCTL=$PWD/$BUILD/nicsecctl
. tests/ike/lib.sh
ike_init || exit 1
ike_topo "ni$$" || exit 1
R=$IKE_WORK/right L=$IKE_WORK/left
mkdir -p "$L"
. tests/checks.sh

# One IKE SA a family: proposal, ESP proposal, encap.
FAMILIES=(
	"aes128-sha256-modp2048 aes128gcm16 no"
	"aes256-sha384-modp3072 aes256gcm16 yes"
	"aes256-sha512-modp4096 aes128gcm16 no"
	"aes128gcm16-prfsha256-ecp256 aes256gcm16 yes"
	"aes256gcm16-prfsha384-ecp384 aes128gcm16 no"
	"aes256gcm16-prfsha512-ecp521 aes256gcm16 yes"
	"aes128gcm16-prfsha256-curve25519 aes128gcm16 no"
)
N=${#FAMILIES[@]}
ALL_IKE=$(for f in "${FAMILIES[@]}"; do set -- $f; printf '%s,' "$1"; done)
ALL_IKE=${ALL_IKE%,}
ALL_ESP=aes128gcm16,aes256gcm16,aes128gcm16-esn,aes256gcm16-esn
# kernel-libipsec installs a route for each CHILD_SA: each side owns an
# address inside each local selector
for i in $(seq $N); do
	ip -n "$IKE_LEFT" addr add 10.1.$i.1/24 dev lo
	ip -n "$IKE_RIGHT" addr add 10.2.$i.1/24 dev lo
done
# many IKE SAs from one address at once: past charon's default half-open
# limits for one peer
charon_start "$IKE_RIGHT" "$R" block_threshold=1000 cookie_threshold=1000 cookie_threshold_ip=1000 || exit 1

# nicsecd's own timers for tests: quick retransmits
daemon_conf() {
	printf 'nicsecd {\n\tretransmit_timeout = 0.5\n\tretransmit_base = 1.4\n\tretransmit_tries = 6\n}\n'
}
# match: nicsecd's SAs held against charon's (sa_match.py); EXPECT IKE SAs
match() {  # WHAT EXPECT
	nicsecctl_in "$IKE_LEFT" "$L" list-sas --json >"$L/ours.json"
	sa_json "$IKE_RIGHT" "$R" >"$R/theirs.json"
	if out=$(python3 tests/ike/sa_match.py "$L/ours.json" "$R/theirs.json" --expect "$2"); then
		ok "$1: $(grep -c 'INSTALLED on both' <<<"$out") CHILD_SAs, $(grep -c 'ESTABLISHED on both' <<<"$out") IKE SAs alike on both ends"
	else
		not_ok "$1:"$'\n'"$out"
	fi
}
drop_out() {  # NS MATCH...: drops what NS sends that matches (until drop_clear)
	local ns=$1
	shift
	_ike_loss_table "$ns" && ip netns exec "$ns" nft add rule inet ike_loss out "$@" counter drop
}
sa_states() {  # nicsecd's SAs, SPIs and states, a line an IKE SA (no times)
	nicsecctl_in "$IKE_LEFT" "$L" list-sas --json | python3 -c '
import json, sys
for s in json.load(sys.stdin)["ike_sas"]:
    print(s["spi_i"], s["spi_r"], s["state"], [(c["spi_in"], c["spi_out"], c["state"]) for c in s["children"]])'
}
log_has() {  # WHAT PATTERN: nicsecd's log has the line
	local line
	if line=$(grep -m1 -e "$2" "$L/nicsecd.log"); then
		ok "$1: ${line#* * }"
	else
		not_ok "$1: no line like '$2' in nicsecd's log:"$'\n'"$(tail -15 "$L/nicsecd.log")"
	fi
}

# ---- nicsecd initiates, one IKE SA a family --------------------------------
{ charon_conn gw local_addrs=$IKE_RIGHT_IP remote_addrs=%any proposals="$ALL_IKE" \
	local.id=right remote.id=left child.local_ts=10.2.0.0/16 child.remote_ts=10.1.0.0/16 \
	child.esp_proposals="$ALL_ESP"
  charon_psk left right secret; } | swanctl_conf "$IKE_RIGHT" "$R" || exit 1
{ daemon_conf
  i=0
  for f in "${FAMILIES[@]}"; do
	set -- $f
	i=$((i + 1))
	charon_conn c$i local_addrs=$IKE_LEFT_IP remote_addrs=$IKE_RIGHT_IP proposals=$1 encap=$3 \
		local.id=left remote.id=right child=net$i child.local_ts=10.1.$i.0/24 \
		child.remote_ts=10.2.$i.0/24 child.esp_proposals=$2 child.start_action=start
  done
  charon_conn cesn local_addrs=$IKE_LEFT_IP remote_addrs=$IKE_RIGHT_IP \
	proposals=aes128gcm16-prfsha256-curve25519 local.id=left remote.id=right child=netesn \
	child.local_ts=10.1.9.0/24 child.remote_ts=10.2.9.0/24 child.esp_proposals=aes256gcm16-esn
  charon_psk left right secret; } >"$L/nicsecd.conf"
nicsecd_start "$IKE_LEFT" "$L" || exit 1
if nicsecd_wait "$IKE_LEFT" "$L" $N 20; then
	ok "nicsecd initiated $N IKE SAs, one a family, all up"
else
	not_ok "nicsecd initiating: $(grep -i 'error' "$L/nicsecd.log" | head -5)"
fi
match "nicsecd as initiator" $N
log_has "the exchange lines" "sending IKE_AUTH request 1 \[ IDi AUTH SA TSi TSr \]"
nicsecctl_in "$IKE_LEFT" "$L" initiate --child netesn >/dev/null
sleep 1
if grep -q "selected proposal: ESP:AES_GCM_16_256/EXT_SEQ" "$R/charon.log" &&
	grep -q "ESN not supported" "$R/charon.log"; then
	ok "ESN: charon selected our ESP:AES_GCM_16_256/EXT_SEQ (and kernel-libipsec can't install it)"
else
	not_ok "ESN: charon did not select ESP:AES_GCM_16_256/EXT_SEQ"
fi
nicsecctl_in "$IKE_LEFT" "$L" terminate --ike cesn >/dev/null
sleep 0.5

# ---- CREATE_CHILD_SA, rekey and DELETE, initiated by nicsecd ---------------
js=$(sa_json "$IKE_RIGHT" "$R")
old=$(nicsecctl_in "$IKE_LEFT" "$L" list-sas --json | python3 -c 'import json,sys; print([c["spi_in"] for s in json.load(sys.stdin)["ike_sas"] if s["name"]=="c1" for c in s["children"]][0])')
nicsecctl_in "$IKE_LEFT" "$L" rekey --child net1 >/dev/null
sleep 1.5
# the old one's inbound SA lingers a few seconds (REKEYED): the INSTALLED ones
new=$(nicsecctl_in "$IKE_LEFT" "$L" list-sas --json | python3 -c 'import json,sys; print(" ".join(c["spi_in"] for s in json.load(sys.stdin)["ike_sas"] if s["name"]=="c1" for c in s["children"] if c["state"]=="INSTALLED"))')
if [ -n "$new" ] && [ "$new" != "$old" ] && ! grep -q "$old" <<<"$new" &&
	! sa_json "$IKE_RIGHT" "$R" | grep "\"spi_out\": \"$old\"" | grep -q INSTALLED; then
	ok "rekey by nicsecd: net1 $old replaced by $new on both ends, the old one deleted"
else
	not_ok "rekey by nicsecd: old $old, now '$new'"$'\n'"$(tail -8 "$L/nicsecd.log")"
fi
match "after the rekey" $N
nicsecctl_in "$IKE_LEFT" "$L" terminate --child net2 >/dev/null
sleep 1
if ! sa_json "$IKE_RIGHT" "$R" | grep -q '"child": "net".*"local_ts": "10.2.2.0/24"' &&
	nicsecctl_in "$IKE_LEFT" "$L" list-sas | grep -q "^c2: #.*ESTABLISHED" &&
	! nicsecctl_in "$IKE_LEFT" "$L" list-sas | grep -q "net2:"; then
	ok "terminate --child net2: gone from both ends, its IKE SA kept"
else
	not_ok "terminate --child net2"
fi
nicsecctl_in "$IKE_LEFT" "$L" initiate --child net2 >/dev/null
sleep 1
if nicsecctl_in "$IKE_LEFT" "$L" list-sas | grep -q "net2: #.*INSTALLED"; then
	ok "initiate --child net2 on its IKE SA: a CREATE_CHILD_SA"
	log_has "CREATE_CHILD_SA request" "sending CREATE_CHILD_SA request [0-9]* \[ SA No TSi TSr \]"
else
	not_ok "initiate --child net2: $(tail -5 "$L/nicsecd.log")"
fi
match "after terminate and initiate" $N
nicsecctl_in "$IKE_LEFT" "$L" terminate --ike c3 >/dev/null
sleep 1
if [ "$(sa_json "$IKE_RIGHT" "$R" | grep -c '"type": "ike"')" = $((N - 1)) ] &&
	! nicsecctl_in "$IKE_LEFT" "$L" list-sas | grep -q "^c3:"; then
	ok "terminate --ike c3: the DELETE taken by charon, gone from both ends"
else
	not_ok "terminate --ike c3"
fi

# ---- control socket: errors, reload, log-level ------------------------------
expect_ctl() {  # WHAT STATUS PATTERN ARGS...
	local what=$1 st=$2 pat=$3 out rc
	shift 3
	out=$(nicsecctl_in "$IKE_LEFT" "$L" "$@" 2>&1)
	rc=$?
	if [ $rc = "$st" ] && grep -q -e "$pat" <<<"$out"; then
		ok "$what: exit $rc, $out"
	else
		not_ok "$what: exit $rc (want $st), '$out'"
	fi
}
expect_ctl "an unknown command" 2 "unknown command 'frobnicate'" frobnicate
expect_ctl "initiate of a child not configured" 1 "no child 'nope'" initiate --child nope
expect_ctl "terminate of no such IKE SA" 1 "no IKE SA 'nope'" terminate --ike nope
expect_ctl "a bad log level" 1 "is not error, info or debug" log-level loud
expect_ctl "log-level debug" 0 "log level debug" log-level debug
expect_ctl "log-level back to info" 0 "log level info" log-level info
before=$(sa_states)
cp "$L/nicsecd.conf" "$L/nicsecd.conf.good"
echo "connections { broken { proposals = aes999 } }" >>"$L/nicsecd.conf"
expect_ctl "reload of a broken file" 1 "nicsecd.conf:.*proposals.*nothing changed" reload
after=$(sa_states)
[ "$before" = "$after" ] && ok "the broken reload changed no SA" || not_ok "SAs changed by a failed reload"
cp "$L/nicsecd.conf.good" "$L/nicsecd.conf"
expect_ctl "reload of a good file" 0 "reloaded .*$((N + 1)) connections" reload
echo "connections { extra { remote_addrs = $IKE_RIGHT_IP
	local { auth = psk }
	remote { auth = psk }
	children { netx { local_ts = 10.1.8.0/24
		remote_ts = 10.2.8.0/24
		start_action = start } } } }" >>"$L/nicsecd.conf"
nicsecctl_in "$IKE_LEFT" "$L" reload >/dev/null
sleep 1
if grep -q "initiating IKE_SA extra to" "$L/nicsecd.log" &&
	[ "$(grep -c "initiating IKE_SA c3 to" "$L/nicsecd.log")" = 1 ]; then
	ok "reload: the connection it adds is started (start_action), the one terminated stays down"
else
	not_ok "reload: $(grep 'initiating' "$L/nicsecd.log")"
fi
nicsecctl_in "$IKE_LEFT" "$L" terminate --ike extra >/dev/null 2>&1
cp "$L/nicsecd.conf.good" "$L/nicsecd.conf"
nicsecctl_in "$IKE_LEFT" "$L" reload >/dev/null
sleep 0.5

# ---- malformed and foreign packets: dropped, a line each, nothing changed ---
before=$(sa_states)
spis=$(nicsecctl_in "$IKE_LEFT" "$L" list-sas --json | python3 -c 'import json,sys; s=json.load(sys.stdin)["ike_sas"][0]; print(s["spi_i"], s["spi_r"])')
drops0=$(grep -c "dropping" "$L/nicsecd.log")
ip netns exec "$IKE_RIGHT" python3 - "$IKE_LEFT_IP" $spis <<'EOF'
import os, socket, struct, sys
dst, spi_i, spi_r = sys.argv[1], int(sys.argv[2], 16), int(sys.argv[3], 16)
def hdr(si, sr, nxt, exch, flags, msgid, length):
    return struct.pack("!QQBBBBII", si, sr, nxt, 0x20, exch, flags, msgid, length)
good = hdr(spi_i, spi_r, 46, 37, 0x08, 99, 28 + 40) + struct.pack("!BBH", 0, 0, 40) + os.urandom(36)
msgs = [
    b"\x01\x02\x03",                                  # truncated: no header
    os.urandom(200),                                  # garbled
    hdr(1, 2, 0, 34, 0x08, 0, 5000),                  # length says 5000, is 28
    hdr(1, 2, 33, 34, 0x08, 0, 28) + b"",             # a payload chain past the end
    hdr(1, 2, 0, 34, 0x08, 0, 9028) + bytes(9000),    # oversized, and empty IKE_SA_INIT
    hdr(0x1111, 0x2222, 46, 37, 0x08, 2, 68) + bytes(40),  # unknown SPIs
    good,                                             # our SPIs, garbage SK: ICV fails
    hdr(spi_i, spi_r, 46, 37, 0x08, 4000000, 68) + bytes(40),  # far outside the window
]
for port, marker in ((500, b""), (4500, bytes(4))):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for m in msgs:
        s.sendto(marker + m, (dst, port))
EOF
sleep 1
drops=$(( $(grep -c "dropping" "$L/nicsecd.log") - drops0 ))
after=$(sa_states)
if [ "$drops" -ge 14 ] && [ "$before" = "$after" ] && kill -0 "$(cut -d: -f1 "$L/nicsecd.pid")"; then
	ok "16 malformed or foreign packets: $drops dropped with a line each, no SA changed"
	grep "dropping" "$L/nicsecd.log" | tail -16 | sed 's/^[^ ]* [a-z]* */    /' | sort -u | head -8
else
	not_ok "malformed packets: $drops 'dropping' lines; SAs before/after:"$'\n'"$before"$'\n'"$after"
fi
match "after the malformed packets" $((N - 1))
nicsecd_stop "$IKE_LEFT" "$L"
sleep 0.5
if [ "$(sa_json "$IKE_RIGHT" "$R" | grep -c '"type": "ike"')" = 0 ]; then
	ok "nicsecd stopped: its DELETEs closed every IKE SA on charon too"
else
	not_ok "after nicsecd stopped charon still has: $(sa_json "$IKE_RIGHT" "$R" | grep '"type": "ike"')"
fi

# ---- charon initiates, nicsecd responds ------------------------------------
{ daemon_conf
  charon_conn gw local_addrs=$IKE_LEFT_IP remote_addrs=%any proposals="$ALL_IKE" \
	local.id=left remote.id=right child.local_ts=10.1.0.0/16 child.remote_ts=10.2.0.0/16 \
	child.esp_proposals="$ALL_ESP"
  charon_psk left right secret; } >"$L/nicsecd.conf"
nicsecd_start "$IKE_LEFT" "$L" || exit 1
{ i=0
  for f in "${FAMILIES[@]}"; do
	set -- $f
	i=$((i + 1))
	charon_conn g$i local_addrs=$IKE_RIGHT_IP remote_addrs=$IKE_LEFT_IP proposals=$1 encap=$3 \
		local.id=right remote.id=left child=net$i child.local_ts=10.2.$i.0/24 \
		child.remote_ts=10.1.$i.0/24 child.esp_proposals=$2 child.start_action=start
  done
  charon_psk left right secret; } | swanctl_conf "$IKE_RIGHT" "$R" || exit 1
if nicsecd_wait "$IKE_LEFT" "$L" $N 20; then
	ok "charon initiated $N IKE SAs, one a family; nicsecd answered them all"
else
	not_ok "nicsecd responding: $(grep -i 'error' "$L/nicsecd.log" | head -5)"
fi
match "nicsecd as responder" $N
# charon's CREATE_CHILD_SA rekey and DELETEs to nicsecd
old=$(sa_field "$IKE_RIGHT" "$R" g1 net1 spi_in | head -1)
swanctl_in "$IKE_RIGHT" "$R" --rekey --child net1 >/dev/null
sleep 1.5
new=$(sa_field "$IKE_RIGHT" "$R" g1 net1 spi_in | head -1)
if [ -n "$new" ] && [ "$new" != "$old" ]; then
	ok "rekey by charon: net1 $old replaced by $new"
else
	not_ok "rekey by charon: $old -> '$new'"$'\n'"$(tail -8 "$L/nicsecd.log")"
fi
match "after charon's rekey" $N
swanctl_in "$IKE_RIGHT" "$R" --terminate --child net2 >/dev/null
swanctl_in "$IKE_RIGHT" "$R" --terminate --ike g3 >/dev/null
sleep 1
if nicsecctl_in "$IKE_LEFT" "$L" list-sas | grep -q "10.2.2.0/24"; then
	not_ok "charon's DELETE of net2: nicsecd still has it"
else
	ok "charon's DELETE of a CHILD_SA: nicsecd removed it"
fi
match "after charon's DELETEs" $((N - 1))
# a second child, asked for by charon over the IKE SA it has
swanctl_in "$IKE_RIGHT" "$R" --initiate --child net2 >/dev/null 2>&1
sleep 1
match "after charon's CREATE_CHILD_SA" $((N - 1))

# ---- a lost response: charon retransmits, nicsecd answers from its cache ---
swanctl_in "$IKE_RIGHT" "$R" --terminate --ike g1 >/dev/null
drop_out "$IKE_LEFT" udp sport 4500 || true
( sleep 0.8; drop_clear "$IKE_LEFT" ) &
undrop=$!
swanctl_in "$IKE_RIGHT" "$R" --initiate --child net1 >/dev/null 2>&1
wait $undrop
sleep 0.5
log_has "a retransmitted IKE_AUTH request" "received retransmit of request with ID 1, retransmitting response"
match "after the lost responses" $((N - 1))
nicsecd_stop "$IKE_LEFT" "$L"

# ---- certificates: ECDSA with nicsecd initiating, RSA with charon --------
PKI=$IKE_WORK/pki
make_certs "$PKI" || exit 1
IKE_CA_CN="other CA" make_certs "$IKE_WORK/pki2" || exit 1
LT=left.nicsec.test RT=right.nicsec.test
for k in ecdsa rsa; do
	certs_install "$PKI" "$L" $LT $k && certs_install "$PKI" "$R" $RT $k || exit 1
done
cert_conf() {  # KIND ROLE(initiator|responder): nicsecd.conf for certificates
	local ca=${3:-ca.pem}
	daemon_conf
	if [ "$2" = initiator ]; then
		charon_conn pk local_addrs=$IKE_LEFT_IP remote_addrs=$IKE_RIGHT_IP \
			proposals=aes256gcm16-prfsha384-ecp384 local.auth=pubkey \
			local.certs=$LT-$1.pem local.id=$LT remote.auth=pubkey remote.id=$RT \
			remote.cacerts=$ca child=netpk child.local_ts=10.1.1.0/24 \
			child.remote_ts=10.2.1.0/24 child.esp_proposals=aes128gcm16 \
			child.start_action=start
	else
		charon_conn pk local_addrs=$IKE_LEFT_IP remote_addrs=%any \
			proposals=aes256gcm16-prfsha384-ecp384 local.auth=pubkey \
			local.certs=$LT-$1.pem local.id=$LT remote.auth=pubkey remote.id=$RT \
			remote.cacerts=$ca child=netpk child.local_ts=10.1.0.0/16 \
			child.remote_ts=10.2.0.0/16 child.esp_proposals=aes128gcm16
	fi
	printf 'secrets {\n\tprivate-l {\n\t\tfile = %s\n\t}\n}\n' "$LT-$1.pem"
}
charon_pk() {  # KIND ROLE: charon's side, initiating if ROLE is initiator
	local start=none
	[ "$2" = initiator ] && start=start
	charon_conn pk local_addrs=$IKE_RIGHT_IP remote_addrs=$IKE_LEFT_IP \
		proposals=aes256gcm16-prfsha384-ecp384 local.auth=pubkey \
		local.certs=$RT-$1.pem local.id=$RT remote.auth=pubkey remote.id=$LT \
		child=netpk child.local_ts=10.2.1.0/24 child.remote_ts=10.1.1.0/24 \
		child.esp_proposals=aes128gcm16 child.start_action=$start |
		swanctl_conf "$IKE_RIGHT" "$R"
}
charon_pk ecdsa responder || exit 1
cert_conf ecdsa initiator >"$L/nicsecd.conf"
nicsecd_start "$IKE_LEFT" "$L" || exit 1
if nicsecd_wait "$IKE_LEFT" "$L" 1 10 && grep -q "authentication of '$LT' with ECDSA_WITH_SHA384_DER successful\|authentication of '$LT' with ECDSA.* successful" "$R/charon.log"; then
	ok "ECDSA certificates, nicsecd initiating: charon verified our signature ($(grep -o "authentication of '$LT' with [A-Z0-9_]*" "$R/charon.log" | tail -1))"
else
	not_ok "ECDSA certificates, nicsecd initiating:"$'\n'"$(grep -i 'error' "$L/nicsecd.log" | tail -3)"
fi
match "ECDSA certificates" 1
nicsecd_stop "$IKE_LEFT" "$L"
cert_conf rsa responder >"$L/nicsecd.conf"
nicsecd_start "$IKE_LEFT" "$L" || exit 1
charon_pk rsa initiator || exit 1
if nicsecd_wait "$IKE_LEFT" "$L" 1 10 && grep -q "authentication of '$LT' with RSA.* successful" "$R/charon.log"; then
	ok "RSA certificates, charon initiating: each verified the other's ($(grep -o "authentication of '$LT' with [A-Z0-9_]*" "$R/charon.log" | tail -1))"
else
	not_ok "RSA certificates, charon initiating:"$'\n'"$(grep -i 'error' "$L/nicsecd.log" | tail -3)"
fi
match "RSA certificates" 1
swanctl_in "$IKE_RIGHT" "$R" --terminate --ike pk >/dev/null 2>&1
nicsecd_stop "$IKE_LEFT" "$L"
# charon's certificate from a CA nicsecd does not trust
: >"$L/nicsecd.log"
cp "$IKE_WORK/pki2/x509ca/ca.pem" "$L/x509ca/other-ca.pem"
cert_conf ecdsa responder other-ca.pem >"$L/nicsecd.conf"
nicsecd_start "$IKE_LEFT" "$L" || exit 1
charon_pk ecdsa responder || exit 1
swanctl_in "$IKE_RIGHT" "$R" --initiate --child netpk --timeout 3 >/dev/null 2>&1
log_has "a peer certificate from a CA we do not trust" "is not signed by a trusted CA"
nicsecd_stop "$IKE_LEFT" "$L"
swanctl_in "$IKE_RIGHT" "$R" --terminate --ike pk >/dev/null 2>&1

# ---- failures, each one line -------------------------------------------------
: >"$L/nicsecd.log"
{ daemon_conf
  charon_conn gw local_addrs=$IKE_LEFT_IP remote_addrs=%any proposals=aes256gcm16-prfsha384-ecp384 \
	local.id=left remote.id=right child.local_ts=10.1.0.0/16 child.remote_ts=10.2.0.0/16 \
	child.esp_proposals=aes256gcm16
  charon_psk left right secret; } >"$L/nicsecd.conf"
nicsecd_start "$IKE_LEFT" "$L" || exit 1
attempt() {  # KEY=VALUE... for charon's conn; then initiates it
	{ charon_conn bad local_addrs=$IKE_RIGHT_IP remote_addrs=$IKE_LEFT_IP \
		proposals=aes256gcm16-prfsha384-ecp384 local.id=right remote.id=left \
		child.local_ts=10.2.1.0/24 child.remote_ts=10.1.1.0/24 child.esp_proposals=aes256gcm16 "$@"
	  charon_psk left right "${PSK:-secret}"; charon_psk left stranger secret; } |
		swanctl_conf "$IKE_RIGHT" "$R" >/dev/null
	swanctl_in "$IKE_RIGHT" "$R" --initiate --child net --timeout 3 >/dev/null 2>&1
	swanctl_in "$IKE_RIGHT" "$R" --terminate --ike bad >/dev/null 2>&1
}
PSK=wrong attempt
log_has "a wrong PSK" "peer right's AUTH does not verify with our PSK (the two PSKs differ)"
attempt local.id=stranger
log_has "an unknown peer ID" "peer ID stranger matches no connection, expected right"
attempt proposals=aes128-sha256-modp2048
log_has "no IKE proposal in common" "peer proposed IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048; we accept IKE:AES_GCM_16_256/PRF_HMAC_SHA2_384/ECP_384"
attempt child.esp_proposals=aes128gcm16
log_has "no ESP proposal in common" "no acceptable CHILD_SA proposal: peer proposed ESP:AES_GCM_16_128/NO_EXT_SEQ; we accept ESP:AES_GCM_16_256/NO_EXT_SEQ"
attempt child.local_ts=10.9.0.0/24
log_has "no selectors in common" "TS_UNACCEPTABLE: peer proposed 10.9.0.0/24 === 10.1.1.0/24, we allow 10.2.0.0/16 === 10.1.0.0/16"
nicsecd_stop "$IKE_LEFT" "$L"

# nicsecd initiating with the wrong PSK: charon refuses, nicsecd says so
: >"$L/nicsecd.log"
{ charon_conn gw local_addrs=$IKE_RIGHT_IP remote_addrs=%any proposals=aes256gcm16-prfsha384-ecp384 \
	local.id=right remote.id=left child.local_ts=10.2.0.0/16 child.remote_ts=10.1.0.0/16 \
	child.esp_proposals=aes256gcm16
  charon_psk left right secret; } | swanctl_conf "$IKE_RIGHT" "$R" >/dev/null
{ daemon_conf
  charon_conn c1 local_addrs=$IKE_LEFT_IP remote_addrs=$IKE_RIGHT_IP proposals=aes256gcm16-prfsha384-ecp384 \
	local.id=left remote.id=right child=net1 child.local_ts=10.1.1.0/24 \
	child.remote_ts=10.2.1.0/24 child.esp_proposals=aes256gcm16 child.start_action=start
  charon_psk left right wrong; } >"$L/nicsecd.conf"
# and the first two IKE_SA_INIT requests lost: nicsecd retransmits
drop_out "$IKE_LEFT" udp dport 500 || true
( sleep 0.9; drop_clear "$IKE_LEFT" ) &
undrop=$!
nicsecd_start "$IKE_LEFT" "$L" || exit 1
wait $undrop
sleep 1.5
log_has "lost requests retransmitted" "retransmit 1 of request with message ID 0"
log_has "a wrong PSK, as initiator" "peer refused our authentication (AUTHENTICATION_FAILED)"
nicsecd_stop "$IKE_LEFT" "$L"

# ---- nicsecd behind a NAT: detection, port 4500, keepalives ----------------
ike_teardown
ike_topo_nat "nn$$" || exit 1
R=$IKE_WORK/nat-right L=$IKE_WORK/nat-left
mkdir -p "$L"
ip -n "$IKE_RIGHT" addr add 10.2.1.1/24 dev lo
charon_start "$IKE_RIGHT" "$R" || exit 1
{ charon_conn gw local_addrs=$IKE_RIGHT_IP remote_addrs=%any proposals=aes128gcm16-prfsha256-curve25519 \
	local.id=right remote.id=left child.local_ts=10.2.0.0/16 child.remote_ts=10.1.0.0/16 \
	child.esp_proposals=aes128gcm16
  charon_psk left right secret; } | swanctl_conf "$IKE_RIGHT" "$R" || exit 1
{ printf 'nicsecd {\n\tkeep_alive = 1s\n}\n'
  charon_conn c1 local_addrs=$IKE_LEFT_IP remote_addrs=$IKE_RIGHT_IP proposals=aes128gcm16-prfsha256-curve25519 \
	local.id=left remote.id=right child=net1 child.local_ts=10.1.0.0/24 \
	child.remote_ts=10.2.1.0/24 child.esp_proposals=aes128gcm16 child.start_action=start
  charon_psk left right secret; } >"$L/nicsecd.conf"
# the NAT counts what leaves it for charon: keepalives are 1-byte UDP to 4500
ip netns exec "$IKE_NAT" nft add table inet ka
ip netns exec "$IKE_NAT" nft add chain inet ka through '{ type filter hook forward priority 0; }'
ip netns exec "$IKE_NAT" nft add rule inet ka through udp dport 4500 udp length 9 @th,64,8 0xff counter
nicsecd_start "$IKE_LEFT" "$L" || exit 1
nicsecd_wait "$IKE_LEFT" "$L" 1 10 || true
sleep 2.5
ka=$(ip netns exec "$IKE_NAT" nft list chain inet ka through | sed -n 's/.*counter packets \([0-9]*\).*/\1/p')
js=$(sa_json "$IKE_RIGHT" "$R")
if grep -q "IKE_SA_INIT done: .*\(we are behind a NAT\|both ends behind NATs\)" "$L/nicsecd.log" &&
	grep -q '"nat": "remote"\|"nat": "both"' <<<"$js" && grep -q "\"remote\": \"$IKE_NAT_IP\[" <<<"$js" &&
	[ "${ka:-0}" -ge 2 ]; then
	ok "behind a NAT: detected at both ends, IKE on 4500, charon sees us as $IKE_NAT_IP, $ka keepalives through the NAT"
else
	not_ok "behind a NAT: keepalives ${ka:-none}; charon: $js"$'\n'"$(grep 'IKE_SA_INIT done' "$L/nicsecd.log")"
fi
match "behind a NAT" 1
nicsecd_stop "$IKE_LEFT" "$L"

echo "nicsecd_interop: $passed passed, $failed failed"
[ $failed = 0 ]
