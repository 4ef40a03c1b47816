#!/usr/bin/env bash
# nicsecd's IKE_SA_INIT (host/ike_init.c) against strongSwan's charon as the
# responder, over UDP between network namespaces (tests/ike/lib.sh): for each
# IKE proposal family and every DH group nicsec has, tests/ike/init_probe.c
# sends the request and must derive keys from charon's response, and charon
# must log that it selected the same proposal. Then the rounds: a KE group
# charon does not take (INVALID_KE_PAYLOAD, and the request again with the
# group it names), and proposals it has none of (NO_PROPOSAL_CHOSEN, with the
# line naming ours).
#
#   init_interop.sh [BUILD]
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-${BUILD:-build}}
PROBE=$PWD/$BUILD/ike/init_probe
. tests/ike/lib.sh
ike_init || exit 1
ike_topo "ii$$" || exit 1
R=$IKE_WORK/right
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; }

# charon takes every proposal below, and the groups in this order
RIGHT_PROPOSALS="aes128-sha256-modp2048,aes256-sha384-modp3072,aes256-sha512-modp4096,aes128gcm16-prfsha256-ecp256,aes256gcm16-prfsha384-ecp384,aes256gcm16-prfsha512-ecp521,aes128gcm16-prfsha256-curve25519"
# The probe leaves each IKE SA half-open (it sends no IKE_AUTH): past
# charon's block_threshold (5 a peer) it drops the peer's requests, past its
# cookie_threshold_ip (3 a peer) it asks for COOKIEs; both are raised here, and the
# COOKIE round has a charon of its own below.
charon_start "$IKE_RIGHT" "$R" block_threshold=1000 cookie_threshold=1000 cookie_threshold_ip=1000 || exit 1
load() {  # PROPOSALS
	{ charon_conn gw local_addrs=$IKE_RIGHT_IP remote_addrs=%any proposals="$1" \
		local.id=right remote.id=left child.local_ts=$IKE_RIGHT_NET \
		child.remote_ts=$IKE_LEFT_NET child.esp_proposals=aes128gcm16
	  charon_psk left right secret; } | swanctl_conf "$IKE_RIGHT" "$R" >/dev/null
}
probe() {  # PROPOSALS: the probe's output in $out, its status in $rc
	out=$(ip netns exec "$IKE_LEFT" "$PROBE" "$IKE_LEFT_IP" "$IKE_RIGHT_IP" "$1" 2>&1)
	rc=$?
}

load "$RIGHT_PROPOSALS"
for p in ${RIGHT_PROPOSALS//,/ }; do
	probe "$p"
	sel=$(grep "selected proposal" "$R/charon.log" | tail -1 | sed 's/.*selected proposal: //')
	want=$(sed -n 's/^established: \([^,]*\),.*/IKE:\1/p' <<<"$out")
	if [ $rc = 0 ] && [ -n "$want" ] && [ "$sel" = "$want" ]; then
		ok "$p: keys derived from charon's response; both chose $sel"
	else
		not_ok "$p: probe rc $rc, charon selected '$sel', we '$want':"$'\n'"$out"
	fi
done

# a group charon does not take first: INVALID_KE_PAYLOAD, then the request again
load "aes128-sha256-modp2048"
probe "aes128-sha256-ecp256-modp2048"
if [ $rc = 0 ] && grep -q "N(INVAL_KE)" <<<"$out" && grep -q "^retry: peer wants KE group MODP_2048 instead of ECP_256" <<<"$out"; then
	ok "INVALID_KE_PAYLOAD: retried with MODP_2048, as charon asked"
else
	not_ok "INVALID_KE_PAYLOAD round:"$'\n'"$out"
fi
# nothing in common: NO_PROPOSAL_CHOSEN, and a line that names ours
load "aes256gcm16-prfsha384-ecp384"
probe "aes128-sha256-modp2048"
if [ $rc = 1 ] && grep -q "N(NO_PROP)" <<<"$out" &&
	grep -q "failed: peer accepted none of our IKE proposals (NO_PROPOSAL_CHOSEN); we proposed IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048" <<<"$out"; then
	ok "NO_PROPOSAL_CHOSEN: $(grep '^failed' <<<"$out")"
else
	not_ok "NO_PROPOSAL_CHOSEN:"$'\n'"$out"
fi
# COOKIEs: a charon that asks for one as soon as one IKE SA is half-open
charon_stop "$IKE_RIGHT" "$R"
charon_start "$IKE_RIGHT" "$R" block_threshold=1000 cookie_threshold=1000 cookie_threshold_ip=1 || exit 1
load "aes128gcm16-prfsha256-curve25519"
probe "aes128gcm16-prfsha256-curve25519"
probe "aes128gcm16-prfsha256-curve25519"
if [ $rc = 0 ] && grep -q "received IKE_SA_INIT response 0 \[ N(COOKIE) \]" <<<"$out" &&
	grep -q "^sending IKE_SA_INIT request 0 \[ N(COOKIE) SA KE No" <<<"$out" && grep -q "^established" <<<"$out"; then
	ok "COOKIE: charon asked for one, the request again with it first, keys derived"
else
	not_ok "COOKIE round:"$'\n'"$out"
fi
echo "init_interop: $passed passed, $failed failed"
[ $failed = 0 ]
