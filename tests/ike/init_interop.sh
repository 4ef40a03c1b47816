#!/usr/bin/env bash
# nicsecd's IKE_SA_INIT and IKE_AUTH (host/ike_init.c, host/ike_auth.c) as
# the initiator against strongSwan's charon as the responder, over UDP
# between network namespaces (tests/ike/lib.sh), through tests/ike/init_probe.c:
#  - IKE_SA_INIT for each IKE proposal family and every DH group nicsec has:
#    keys derived from charon's response, and charon logs the same proposal;
#  - the rounds: a KE group charon does not take (INVALID_KE_PAYLOAD, and the
#    request again with the group it names), proposals it has none of
#    (NO_PROPOSAL_CHOSEN, with the line naming ours), a COOKIE;
#  - IKE_AUTH with a PSK, for an AES-GCM and an AES-CBC/HMAC IKE SA: charon
#    shows the IKE SA ESTABLISHED with our SPIs and the CHILD_SA INSTALLED with
#    the ESP SPIs crossed (which proves both sides derived the same keys and
#    verified each other's AUTH); a wrong PSK (AUTHENTICATION_FAILED, and
#    charon's MAC mismatch line) and an unexpected peer ID, each one line;
#  - IKE_AUTH with certificates (host/ike_cert.c), RSA and ECDSA: charon
#    verifies ours (its log names the RFC 7427 scheme) and we verify its,
#    each direction alone too (a PSK the other way), DN IDs; charon's certificate
#    from a CA we do not trust, an ID that is not in our certificate
#    (charon finds no key for it) and one charon's is not, each one line;
#    the classic signature methods with a charon that sends no
#    SIGNATURE_HASH_ALGORITHMS;
#  - nicsecd as the responder (init_probe --respond), charon initiating with
#    its RSA certificate: our CERTREQ in IKE_SA_INIT, IKE_AUTH over 4500, the
#    SAs up at charon; charon's certificate from a CA we do not trust.
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
. tests/checks.sh

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
# IKE_AUTH with a PSK: the IKE SA and the CHILD_SA on charon's side
auth_probe() {  # IKE_PROPOSALS AUTH PEER_ID [ID]: AUTH a PSK, or init_probe's list
	out=$(ip netns exec "$IKE_LEFT" "$PROBE" "$IKE_LEFT_IP" "$IKE_RIGHT_IP" "$1" aes128gcm16 \
		"$IKE_LEFT_NET" "$IKE_RIGHT_NET" "${4:-left}" "$3" "$2" 2>&1)
	rc=$?
}
# up NAME ID: the probe's IKE SA ESTABLISHED at charon with remote ID ID, and
# its CHILD_SA INSTALLED with the ESP SPIs crossed
up() {
	local spi_i esp_i esp_o js ike child
	spi_i=$(sed -n 's/^established: .*SPIs \([0-9a-f]*\)_i .*/\1/p' <<<"$out")
	esp_i=$(sed -n 's/^child: SPIs \([0-9a-f]*\)_i \([0-9a-f]*\)_o.*/\1/p' <<<"$out")
	esp_o=$(sed -n 's/^child: SPIs \([0-9a-f]*\)_i \([0-9a-f]*\)_o.*/\2/p' <<<"$out")
	js=$(sa_json "$IKE_RIGHT" "$R")
	ike=$(grep "\"spi_i\": \"$spi_i\"" <<<"$js")
	child=$(grep "\"spi_in\": \"$esp_o\"" <<<"$js")
	if [ $rc = 0 ] && [ -n "$spi_i" ] && grep -q '"state": "ESTABLISHED"' <<<"$ike" &&
		grep -q "\"remote_id\": \"$2\"" <<<"$ike" && grep -q '"state": "INSTALLED"' <<<"$child" &&
		grep -q "\"spi_out\": \"$esp_i\"" <<<"$child"; then
		ok "$1: charon has the IKE SA ESTABLISHED and the CHILD_SA INSTALLED, SPIs $esp_i/$esp_o crossed"
	else
		not_ok "$1: rc $rc"$'\n'"$out"$'\n'"charon: $js"
		return 1
	fi
}
load "aes256gcm16-prfsha384-ecp384,aes128-sha256-modp2048"
for p in aes256gcm16-prfsha384-ecp384 aes128-sha256-modp2048; do
	auth_probe "$p" secret right
	up "IKE_AUTH PSK over $p" left
done
auth_probe aes128-sha256-modp2048 wrong right
if [ $rc = 1 ] && grep -q "^failed: peer refused our authentication (AUTHENTICATION_FAILED)" <<<"$out" &&
	grep -q "tried 1 shared key for '.*' - 'left', but MAC mismatched" "$R/charon.log"; then
	ok "a wrong PSK: $(grep '^failed' <<<"$out"); charon: MAC mismatched"
else
	not_ok "a wrong PSK:"$'\n'"$out"
fi
auth_probe aes128-sha256-modp2048 secret other
if [ $rc = 1 ] && grep -q "^failed: peer ID right is not the one we expect, other" <<<"$out"; then
	ok "an unexpected peer ID: $(grep '^failed' <<<"$out")"
else
	not_ok "an unexpected peer ID:"$'\n'"$out"
fi

# IKE_AUTH with certificates: lib.sh's test CA (CN=ID, subjectAltName
# DNS:ID), and another CA for the case of one we do not trust
PKI=$IKE_WORK/pki
make_certs "$PKI" || exit 1
IKE_CA_CN="other CA" make_certs "$IKE_WORK/pki2" || exit 1
L=left.nicsec.test RT=right.nicsec.test
certs_install "$PKI" "$R" $RT rsa && certs_install "$PKI" "$R" $RT ecdsa || exit 1
cert_conn() {  # KIND [KEY=VALUE...]: charon as right with its KIND certificate
	local kind=$1
	shift
	charon_conn gw local_addrs=$IKE_RIGHT_IP remote_addrs=%any proposals=aes256gcm16-prfsha384-ecp384 \
		local.auth=pubkey local.certs=$RT-$kind.pem local.id=$RT remote.auth=pubkey remote.id=$L \
		child.local_ts=$IKE_RIGHT_NET child.remote_ts=$IKE_LEFT_NET child.esp_proposals=aes128gcm16 "$@"
}
ours() {  # KIND: the probe's AUTH list to sign with left's KIND certificate
	echo "cert=$PKI/x509/$L-$1.pem,key=$PKI/private/$L-$1.pem"
}
CA=ca=$PKI/x509ca/ca.pem
# what charon logged since log_mark, in $log (a variable, not a pipe: with
# pipefail, grep -q ending a pipe early fails it)
log_mark() { mark=$(wc -l <"$R/charon.log"); }
log_since() { log=$(tail -n +$((mark + 1)) "$R/charon.log"); }
# cert_auth KIND SCHEME TITLE ALSO GOOD BAD: IKE_AUTH with left's and
# charon's KIND certificates (up TITLE), then charon's log since must show
# our SCHEME signature verified and the line ALSO: ok "KIND: GOOD", or
# not_ok "KIND: BAD" with the log
cert_auth() {
	local kind=$1 scheme=$2 title=$3 also=$4 good=$5 bad=$6
	cert_conn $kind | swanctl_conf "$IKE_RIGHT" "$R" >/dev/null || exit 1
	log_mark
	auth_probe aes256gcm16-prfsha384-ecp384 "$(ours $kind),$CA" $RT $L
	up "$title" $L || return 0
	log_since
	if grep -q "authentication of '$L' with $scheme successful" <<<"$log" &&
		grep -q "$also" <<<"$log"; then
		ok "$kind: $good"
	else
		not_ok "$kind: $bad:"$'\n'"$log"
	fi
}
for kind in rsa ecdsa; do
	case $kind in
	rsa) scheme=RSA_EMSA_PKCS1_SHA2_256 ;;
	ecdsa) scheme=ECDSA_WITH_SHA256_DER ;;
	esac
	cert_auth $kind $scheme "IKE_AUTH with $kind certificates both ways" \
		"received end entity cert \"CN=$L\"" \
		"charon took our certificate and verified our $scheme signature" \
		"charon's log does not show our $scheme signature verified"
done
# DNs as IDs: charon's by default with a certificate (its subject), ours
# given as text, made DER by us and matched by charon against our subject
cert_conn ecdsa local.id=%any remote.id="CN=$L" | sed '/id = %any/d' |
	swanctl_conf "$IKE_RIGHT" "$R" >/dev/null || exit 1
auth_probe aes256gcm16-prfsha384-ecp384 "$(ours rsa),$CA" "CN=$RT" "CN=$L"
up "DN IDs, CN=$L and charon's subject CN=$RT" "CN=$L"
# one direction at a time: we sign and charon uses a PSK, then the reverse
{ cert_conn ecdsa local.auth=psk; charon_psk $L $RT secret; } | swanctl_conf "$IKE_RIGHT" "$R" >/dev/null || exit 1
auth_probe aes256gcm16-prfsha384-ecp384 "$(ours ecdsa),psk=secret" $RT $L
up "our ECDSA certificate, charon's PSK" $L
{ cert_conn rsa remote.auth=psk; charon_psk $L $RT secret; } | swanctl_conf "$IKE_RIGHT" "$R" >/dev/null || exit 1
auth_probe aes256gcm16-prfsha384-ecp384 "psk=secret,$CA" $RT $L
up "our PSK, charon's RSA certificate verified by us" $L
# charon's certificate is from a CA we do not trust
cert_conn ecdsa | swanctl_conf "$IKE_RIGHT" "$R" >/dev/null || exit 1
auth_probe aes256gcm16-prfsha384-ecp384 "$(ours ecdsa),ca=$IKE_WORK/pki2/x509ca/ca.pem" $RT $L
if [ $rc = 1 ] && grep -q "^failed: peer certificate 'CN=$RT' is not signed by a trusted CA (its issuer: CN=nicsec test CA; cacerts: CN=other CA)$" <<<"$out"; then
	ok "charon's certificate from an untrusted CA: $(grep '^failed' <<<"$out")"
else
	not_ok "charon's certificate from an untrusted CA:"$'\n'"$out"
fi
# charon's ID is not the one we expect
auth_probe aes256gcm16-prfsha384-ecp384 "$(ours ecdsa),$CA" moon.nicsec.test $L
if [ $rc = 1 ] && grep -q "^failed: peer ID $RT is not the one we expect, moon.nicsec.test$" <<<"$out"; then
	ok "an unexpected certificate ID from charon: $(grep '^failed' <<<"$out")"
else
	not_ok "an unexpected certificate ID from charon:"$'\n'"$out"
fi
# our ID is not in our certificate: charon finds no key for it
cert_conn ecdsa remote.id=moon.nicsec.test | swanctl_conf "$IKE_RIGHT" "$R" >/dev/null || exit 1
log_mark
auth_probe aes256gcm16-prfsha384-ecp384 "$(ours ecdsa),$CA" $RT moon.nicsec.test
log_since
if [ $rc = 1 ] && grep -q "^failed: peer refused our authentication (AUTHENTICATION_FAILED): our ID or certificate is not what it trusts" <<<"$out" &&
	grep -q "no trusted ECDSA public key found for 'moon.nicsec.test'" <<<"$log"; then
	ok "our ID not in our certificate: charon: no trusted ECDSA public key found for 'moon.nicsec.test'"
else
	not_ok "our ID not in our certificate:"$'\n'"$out"$'\n'"$(tail -5 <<<"$log")"
fi

# nicsecd as the responder, charon initiating (swanctl --initiate): our
# IKE_SA_INIT response asks for its certificate (CERTREQ), charon floats to
# 4500 (kernel-libipsec fakes a NAT), we check its certificate and sign
resp_probe() {  # AUTH: the probe's output in $out, its status in $rc
	local pid
	ip netns exec "$IKE_LEFT" "$PROBE" --respond "$IKE_LEFT_IP" "$IKE_RIGHT_IP" \
		aes256gcm16-prfsha384-ecp384 aes128gcm16 "$IKE_LEFT_NET" "$IKE_RIGHT_NET" \
		$L $RT "$1" >"$IKE_WORK/resp.out" 2>&1 &
	pid=$!
	ike_track_pid "$pid"
	# a new IKE SA each time, not a CHILD_SA on the one the last left
	swanctl_in "$IKE_RIGHT" "$R" --terminate --ike gw --force >/dev/null 2>&1
	sleep 0.2
	swanctl_in "$IKE_RIGHT" "$R" --initiate --child net --timeout 10 >"$IKE_WORK/initiate.out" 2>&1
	wait "$pid"
	rc=$?
	out=$(cat "$IKE_WORK/resp.out")
}
cert_conn rsa remote_addrs=$IKE_LEFT_IP | swanctl_conf "$IKE_RIGHT" "$R" >/dev/null || exit 1
log_mark
resp_probe "$(ours ecdsa),$CA"
log_since
if up "responder, charon's RSA certificate and our ECDSA one" $L; then
	if grep -q 'received cert request for "CN=nicsec test CA"' <<<"$log" &&
		grep -q "sending end entity cert \"CN=$RT\"" <<<"$log" &&
		grep -q "authentication of '$L' with ECDSA_WITH_SHA256_DER successful" <<<"$log"; then
		ok "responder: charon took our CERTREQ, sent its certificate and verified our ECDSA_WITH_SHA256_DER"
	else
		not_ok "responder: charon's log lacks the CERTREQ, its CERT or our signature:"$'\n'"$log"
	fi
fi
resp_probe "$(ours ecdsa),ca=$IKE_WORK/pki2/x509ca/ca.pem"
log_since
if [ $rc = 1 ] && grep -q "^failed: peer certificate 'CN=$RT' is not signed by a trusted CA (its issuer: CN=nicsec test CA; cacerts: CN=other CA)$" <<<"$out" &&
	grep -q "received AUTHENTICATION_FAILED notify error" <<<"$log"; then
	ok "responder, charon's certificate from an untrusted CA: $(grep '^failed' <<<"$out"); charon got AUTHENTICATION_FAILED"
else
	not_ok "responder, charon's certificate from an untrusted CA:"$'\n'"$out"$'\n'"$(tail -5 <<<"$log")"
fi

# a charon that sends no SIGNATURE_HASH_ALGORITHMS: the classic methods,
# RSA with SHA-1 (1) and ECDSA P-256 (9), both ways
charon_stop "$IKE_RIGHT" "$R"
charon_start "$IKE_RIGHT" "$R" block_threshold=1000 cookie_threshold=1000 cookie_threshold_ip=1000 \
	signature_authentication=no || exit 1
for kind in rsa ecdsa; do
	case $kind in
	rsa) scheme="RSA signature" ;;
	ecdsa) scheme="ECDSA-256 signature" ;;
	esac
	cert_auth $kind "$scheme" "IKE_AUTH with $kind certificates, no RFC 7427" \
		"authentication of '$RT' (myself) with $scheme successful" \
		"charon verified our $scheme and signed with one, as we did" \
		"charon's log does not show $scheme both ways"
done

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
