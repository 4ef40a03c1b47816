#!/usr/bin/env bash
# nicsecd's CREATE_CHILD_SA and INFORMATIONAL (host/ike_child.c,
# host/ike_info.c) as the initiator against strongSwan's charon as the
# responder, over UDP between network namespaces (tests/ike/lib.sh), through
# tests/ike/child_probe.c, for an AES-GCM and an AES-CBC/HMAC IKE SA, each
# with ESP PFS in a DH group of its own:
#  - a second CHILD_SA with PFS, the first rekeyed (REKEY_SA) then deleted
#    (charon's DELETE answers with its SPI), a liveness check, the IKE SA
#    rekeyed and the old one deleted, a liveness check and a CHILD_SA over
#    the new IKE SA: every response opens and is taken;
#  - then charon has the new IKE SA ESTABLISHED with our SPIs, and exactly
#    our CHILD_SAs INSTALLED, each with the ESP SPIs crossed and the PFS
#    group, the deleted one not INSTALLED (it lingers DELETED a while);
#  - charon requiring PFS and the probe offering none: the PFS mismatch line;
#    a group charon does not take first: INVALID_KE_PAYLOAD and the retry;
#  - charon as the initiator and the probe responding (child_probe
#    --respond): charon's CHILD_SA rekey with PFS and its DELETE of the old
#    one, its IKE SA rekey and its DELETE of the old IKE SA, its liveness
#    checks (dpd_delay), its terminate: charon ends with the SAs we made,
#    SPIs crossed, and the probe sees every IKE SA deleted.
#
#   child_interop.sh [BUILD]
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-${BUILD:-build}}
PROBE=$PWD/$BUILD/ike/child_probe
. tests/ike/lib.sh
ike_init || exit 1
ike_topo "ci$$" || exit 1
R=$IKE_WORK/right
. tests/checks.sh

charon_start "$IKE_RIGHT" "$R" || exit 1
load() {  # PROPOSALS ESP_PROPOSALS
	{ charon_conn gw local_addrs=$IKE_RIGHT_IP remote_addrs=%any proposals="$1" \
		local.id=right remote.id=left child.local_ts=$IKE_RIGHT_NET \
		child.remote_ts=$IKE_LEFT_NET child.esp_proposals="$2"
	  charon_psk left right secret; } | swanctl_conf "$IKE_RIGHT" "$R" >/dev/null
}
# run PROPOSALS ESP_PROPOSALS: the probe in the background, its output in
# $OUT; waits for its "ready" (or its end)
run() {
	OUT=$IKE_WORK/probe.out
	ip netns exec "$IKE_LEFT" "$PROBE" "$IKE_LEFT_IP" "$IKE_RIGHT_IP" "$1" "$2" \
		"$IKE_LEFT_NET" "$IKE_RIGHT_NET" left right secret >"$OUT" 2>&1 &
	PID=$!
	for _ in $(seq 100); do
		grep -q '^ready$' "$OUT" && return 0
		kill -0 $PID 2>/dev/null || return 0
		sleep 0.1
	done
}
spis() {  # NAME: "IN OUT" of a probe line "NAME: SPIs IN_i OUT_o, ..."
	sed -n "s/^$1: SPIs \([0-9a-f]*\)_i \([0-9a-f]*\)_o.*/\1 \2/p" "$OUT"
}

for family in "aes256gcm16-prfsha384-ecp384 aes128gcm16-modp2048 MODP_2048" \
	"aes128-sha256-modp3072 aes256gcm16-curve25519 CURVE_25519"; do
	set -- $family
	load "$1" "$2" || exit 1
	run "$1" "$2"
	js=$(sa_json "$IKE_RIGHT" "$R")
	wait $PID
	rc=$?
	new=$(sed -n 's/^IKE SA rekeyed: .*SPIs \([0-9a-f]*\)_i \([0-9a-f]*\)_r$/\1 \2/p' "$OUT")
	ike=$(grep '"type": "ike"' <<<"$js")
	bad=
	[ $rc = 0 ] || bad="probe rc $rc"
	[ -n "$new" ] && grep -q "\"spi_i\": \"${new% *}\"" <<<"$ike" &&
		grep -q "\"spi_r\": \"${new#* }\"" <<<"$ike" &&
		grep -q '"state": "ESTABLISHED"' <<<"$ike" &&
		[ "$(grep -c '"type": "ike"' <<<"$js")" = 1 ] || bad="$bad; charon's IKE SA is not the rekeyed one ($new)"
	n=0
	for c in child2 "rekeyed child1" child3; do
		read -r in out <<<"$(spis "$c")"
		row=$(grep "\"spi_in\": \"$out\"" <<<"$js")
		if [ -z "$in" ] || ! grep -q "\"spi_out\": \"$in\"" <<<"$row" ||
			! grep -q '"state": "INSTALLED"' <<<"$row" ||
			! grep -q "\"dh\": \"$3\"" <<<"$row"; then
			bad="$bad; $c ($in/$out) not INSTALLED at charon with $3"
		fi
		n=$((n + 1))
	done
	# the deleted one may linger a while, DELETED, but not INSTALLED
	read -r in out <<<"$(spis child1)"
	grep "\"spi_in\": \"$out\"" <<<"$js" | grep -q '"state": "INSTALLED"' &&
		bad="$bad; child1 ($out) still INSTALLED at charon"
	inst=$(grep '"type": "child"' <<<"$js" | grep -c '"state": "INSTALLED"')
	[ "$inst" = $n ] || bad="$bad; charon has $inst CHILD_SAs INSTALLED, not $n"
	if [ -z "$bad" ]; then
		ok "$1, ESP $2: new CHILD_SA with PFS, CHILD_SA rekey and DELETE, liveness, IKE SA rekey and DELETE, a CHILD_SA on the new IKE SA: charon has exactly ours, SPIs crossed, $3"
	else
		not_ok "$1, ESP $2: ${bad#; }"$'\n'"$(cat "$OUT")"$'\n'"charon: $js"
	fi
	if wait_gone() { for _ in $(seq 30); do [ -z "$(sa_json "$IKE_RIGHT" "$R")" ] && return 0; sleep 0.1; done; return 1; }; wait_gone; then
		ok "$1: the last DELETE took the IKE SA at charon"
	else
		not_ok "$1: charon still has: $(sa_json "$IKE_RIGHT" "$R")"
	fi
done

# charon requires PFS, we offer none: the initiator's line says PFS
load aes128-sha256-modp2048 aes128gcm16-modp2048 || exit 1
run aes128-sha256-modp2048 aes128gcm16
wait $PID
if grep -q "^failed: peer accepted none of our CHILD_SA proposals (NO_PROPOSAL_CHOSEN); we proposed ESP:AES_GCM_16_128/NO_EXT_SEQ, with no DH group: a PFS mismatch if the peer's ESP proposals require one$" "$OUT"; then
	ok "charon requires PFS: $(grep '^failed' "$OUT")"
else
	not_ok "charon requires PFS:"$'\n'"$(cat "$OUT")"
fi
# a PFS group charon does not take first: INVALID_KE_PAYLOAD, then the retry
load aes128-sha256-modp2048 aes128gcm16-modp2048 || exit 1
run aes128-sha256-modp2048 aes128gcm16-ecp256-modp2048
wait $PID
if grep -q "^retry: peer wants KE group MODP_2048 instead of ECP_256 for the CHILD_SA: sending the request again$" "$OUT" &&
	grep -q '^child2: .*MODP_2048' "$OUT"; then
	ok "INVALID_KE_PAYLOAD for the CHILD_SA's PFS: retried with MODP_2048, as charon asked"
else
	not_ok "INVALID_KE_PAYLOAD round for the CHILD_SA:"$'\n'"$(cat "$OUT")"
fi

# charon initiates, rekeys and deletes; the probe answers
RO=$IKE_WORK/resp.out
{ charon_conn gw local_addrs=$IKE_RIGHT_IP remote_addrs=$IKE_LEFT_IP \
	proposals=aes128gcm16-prfsha256-ecp256 dpd_delay=1s local.id=right remote.id=left \
	child.local_ts=$IKE_RIGHT_NET child.remote_ts=$IKE_LEFT_NET child.esp_proposals=aes256gcm16-ecp384
  charon_psk left right secret; } | swanctl_conf "$IKE_RIGHT" "$R" >/dev/null || exit 1
ip netns exec "$IKE_LEFT" "$PROBE" --respond "$IKE_LEFT_IP" "$IKE_RIGHT_IP" aes128gcm16-prfsha256-ecp256 \
	aes256gcm16-ecp384 "$IKE_LEFT_NET" "$IKE_RIGHT_NET" left right secret >"$RO" 2>&1 &
RPID=$!
ike_track_pid $RPID
saw() {  # PATTERN [COUNT]: waits up to 10 s for COUNT (1) lines of the probe's
	local _
	for _ in $(seq 100); do
		[ "$(grep -c -- "$1" "$RO")" -ge "${2:-1}" ] && return 0
		sleep 0.1
	done
	return 1
}
crossed() {  # PROBE_LINE_NAME: charon has that CHILD_SA INSTALLED, SPIs crossed, ECP_384
	local in out row
	read -r in out <<<"$(sed -n "s/^$1: SPIs \([0-9a-f]*\)_i \([0-9a-f]*\)_o.*/\1 \2/p" "$RO" | tail -1)"
	row=$(sa_json "$IKE_RIGHT" "$R" | grep "\"spi_in\": \"$out\"")
	[ -n "$in" ] && grep -q "\"spi_out\": \"$in\"" <<<"$row" &&
		grep -q '"state": "INSTALLED"' <<<"$row" && { [ "${2:-}" != pfs ] || grep -q '"dh": "ECP_384"' <<<"$row"; }
}
sleep 0.3
swanctl_in "$IKE_RIGHT" "$R" --initiate --child net >/dev/null 2>&1
if saw "^child: " && crossed child; then
	ok "charon initiates: IKE_SA_INIT and IKE_AUTH answered, the CHILD_SA INSTALLED at charon, SPIs crossed"
else
	not_ok "charon initiates:"$'\n'"$(cat "$RO")"
fi
swanctl_in "$IKE_RIGHT" "$R" --rekey --child net >/dev/null 2>&1
if saw "^rekeyed: " && saw "^deleted: " && crossed "rekeyed child" pfs; then
	ok "charon's CHILD_SA rekey with PFS: $(grep '^rekeyed: ' "$RO"), ECP_384 at charon; its DELETE of the old one answered"
else
	not_ok "charon's CHILD_SA rekey:"$'\n'"$(cat "$RO")"$'\n'"$(sa_json "$IKE_RIGHT" "$R")"
fi
swanctl_in "$IKE_RIGHT" "$R" --rekey --ike gw >/dev/null 2>&1
new=$(saw "^IKE SA rekeyed" && sed -n 's/^IKE SA rekeyed: SPIs \([0-9a-f]*\)_i \([0-9a-f]*\)_r$/\1 \2/p' "$RO")
ike=$(sa_json "$IKE_RIGHT" "$R" | grep '"type": "ike"')
if [ -n "$new" ] && saw "deleted by the peer" && grep -q "\"spi_i\": \"${new% *}\"" <<<"$ike" &&
	grep -q "\"spi_r\": \"${new#* }\"" <<<"$ike" && crossed "rekeyed child" pfs; then
	ok "charon's IKE SA rekey: charon has SPIs $new, its DELETE of the old IKE SA answered, the CHILD_SA moved over"
else
	not_ok "charon's IKE SA rekey:"$'\n'"$(cat "$RO")"$'\n'"$ike"
fi
n=$(grep -c "^liveness: answered" "$RO")
if saw "^liveness: answered" $((n + 1)); then
	ok "charon's liveness checks answered on the new IKE SA"
else
	not_ok "no liveness check from charon:"$'\n'"$(tail -5 "$RO")"
fi
swanctl_in "$IKE_RIGHT" "$R" --terminate --ike gw >/dev/null 2>&1
wait $RPID
rc=$?
if [ $rc = 0 ] && grep -q "^every IKE SA deleted$" "$RO" && ! grep -q "^dropped\|^refused" "$RO"; then
	ok "charon's terminate: the probe saw every IKE SA deleted, nothing dropped or refused on the way"
else
	not_ok "charon's terminate: rc $rc"$'\n'"$(cat "$RO")"
fi

echo "child_interop: $passed passed, $failed failed"
[ $failed = 0 ]
