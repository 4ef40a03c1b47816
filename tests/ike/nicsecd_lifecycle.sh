#!/usr/bin/env bash
# nicsecd's timers and actions against strongSwan's charon (kernel-libipsec),
# between network namespaces (tests/ike/lib.sh), with the data plane `none`.
# nicsecd initiates three IKE SAs to one charon:
#  - ca/net: CHILD_SA rekey_time 4s, life_time 8s, rand_time 1s; dpd_delay 2s,
#    dpd_action restart, close_action start, start_action start;
#  - cb/netb: the IKE SA's rekey_time 6s (rand_time 1s), the CHILD_SA's 1h.
# Checked:
#  - CHILD_SA rekeys by nicsecd, make-before-break: at least 3, each seen on
#    both ends (new SPIs, charon's new CHILD_SA INSTALLED and the old gone), and
#    the SAs alike on both ends with nothing half-installed (sa_match.py, and no
#    CHILD_SA of charon's in another state, and none of nicsecd's staged);
#  - IKE SA rekeys by nicsecd: new IKE SPIs on both ends, the CHILD_SA kept;
#  - charon's rekey of net: nicsecd as the rekey's responder, the new inbound SA
#    in before its response, the outbound switched on charon's DELETE;
#  - cc/pfs: a CHILD_SA whose rekey charon refuses (it wants PFS), tried again
#    while there is time, then deleted at its life_time (6s) on both ends;
#  - 30 % of IKE lost each way (drop_udp on 500 and 4500) during the rekeys:
#    they go on, and after the loss nothing is left half-installed;
#  - charon's DELETE of the CHILD_SA, then of the IKE SA: nicsecd initiates each
#    again (close_action start);
#  - charon killed: nicsecd finds the peer dead within dpd_delay plus its
#    retransmission schedule, says so in one line, initiates again (dpd_action
#    restart) with back-off while charon is away, and the tunnel is back once
#    charon is;
#  - nicsecctl diagnose: the PFS mismatch of cc/pfs (our rekey refused) and of
#    cd/netd (charon's rekey refused: nicsecd wants modp2048 there), each with
#    the fix; ca healthy, its last rekey done, no problem found; cb's DPD off;
#    netb left down by close_action none; ca down and retrying with the last
#    error while charon is away; ce's authentication refused by charon, its
#    setup error and the fix; an unknown connection refused in one line.
#
#   nicsecd_lifecycle.sh [BUILD]
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-${BUILD:-build}}
export IKE_NICSECD=$PWD/$BUILD/nicsecd IKE_NICSECCTL=$PWD/$BUILD/nicsecctl
. tests/ike/lib.sh
ike_init || exit 1
ike_topo "nl$$" || exit 1
R=$IKE_WORK/right L=$IKE_WORK/left
mkdir -p "$L"
. tests/checks.sh
for i in 1 2 3 4; do
	ip -n "$IKE_LEFT" addr add 10.1.$i.1/24 dev lo
	ip -n "$IKE_RIGHT" addr add 10.2.$i.1/24 dev lo
done

# charon: one connection for all; its second child, pfs, wants a DH group in
# CREATE_CHILD_SA (not asked for in IKE_AUTH), so nicsecd's rekeys of it fail
charon_cfg() {
	{ charon_conn gw local_addrs=$IKE_RIGHT_IP remote_addrs=%any \
		proposals=aes128gcm16-prfsha256-curve25519 local.id=right remote.id=left \
		child.local_ts=10.2.1.0/24,10.2.2.0/24 child.remote_ts=10.1.1.0/24,10.1.2.0/24 \
		child.esp_proposals=aes128gcm16 |
		awk '{ print } /^\t\tchildren \{/ {
			print "\t\t\tpfs {\n\t\t\t\tmode = tunnel\n\t\t\t\tlocal_ts = 10.2.3.0/24"
			print "\t\t\t\tremote_ts = 10.1.3.0/24\n\t\t\t\tesp_proposals = aes128gcm16-modp2048\n\t\t\t}" }'
	  charon_conn back local_addrs=$IKE_RIGHT_IP remote_addrs=$IKE_LEFT_IP \
		proposals=aes128gcm16-prfsha256-curve25519 local.id=right2 remote.id=left2 \
		child=netd child.local_ts=10.2.4.0/24 child.remote_ts=10.1.4.0/24 \
		child.esp_proposals=aes128gcm16
	  charon_psk left right secret; charon_psk left2 right2 secret2; } |
		swanctl_conf "$IKE_RIGHT" "$R"
}
charon_start "$IKE_RIGHT" "$R" || exit 1
charon_cfg || exit 1

# nicsecd.conf TRIES NET_REKEY: quick retransmits, 0.5 s x 1.4^n and TRIES
# tries (8 while 30 % is lost each way; 3 for a short DPD bound)
nicsecd_cfg() {
	local life=
	[ "$2" = 4s ] && life="child.life_time=8s child.rand_time=1s"
	printf 'nicsecd {\n\tretransmit_timeout = 0.5\n\tretransmit_base = 1.4\n\tretransmit_tries = %s\n}\n' "$1"
	charon_conn ca local_addrs=$IKE_LEFT_IP remote_addrs=$IKE_RIGHT_IP \
		proposals=aes128gcm16-prfsha256-curve25519 local.id=left remote.id=right dpd_delay=2s \
		child=net child.local_ts=10.1.1.0/24 child.remote_ts=10.2.1.0/24 \
		child.esp_proposals=aes128gcm16 child.start_action=start child.close_action=start \
		child.dpd_action=restart child.rekey_time=$2 $life
	charon_conn cb local_addrs=$IKE_LEFT_IP remote_addrs=$IKE_RIGHT_IP \
		proposals=aes128gcm16-prfsha256-curve25519 local.id=left remote.id=right \
		rekey_time=6s rand_time=1s over_time=10s \
		child=netb child.local_ts=10.1.2.0/24 child.remote_ts=10.2.2.0/24 \
		child.esp_proposals=aes128gcm16 child.start_action=start child.dpd_action=restart
	[ "$2" = 4s ] && charon_conn cc local_addrs=$IKE_LEFT_IP remote_addrs=$IKE_RIGHT_IP \
		proposals=aes128gcm16-prfsha256-curve25519 local.id=left remote.id=right \
		child=pfs child.local_ts=10.1.3.0/24 child.remote_ts=10.2.3.0/24 \
		child.esp_proposals=aes128gcm16 child.start_action=start \
		child.rekey_time=3s child.life_time=6s child.rand_time=1s
	# cd: charon initiates it, nicsecd rekeys the IKE SA (roles swap)
	charon_conn cd local_addrs=$IKE_LEFT_IP remote_addrs=$IKE_RIGHT_IP \
		proposals=aes128gcm16-prfsha256-curve25519 local.id=left2 remote.id=right2 \
		rekey_time=4s rand_time=1s \
		child=netd child.local_ts=10.1.4.0/24 child.remote_ts=10.2.4.0/24 \
		child.esp_proposals=aes128gcm16-modp2048
	# ce: IDs charon has no connection for; never started on its own
	charon_conn ce local_addrs=$IKE_LEFT_IP remote_addrs=$IKE_RIGHT_IP \
		proposals=aes128gcm16-prfsha256-curve25519 local.id=left3 remote.id=right \
		child=nete child.local_ts=10.1.5.0/24 child.remote_ts=10.2.5.0/24 \
		child.esp_proposals=aes128gcm16
	charon_psk left right secret
	charon_psk left2 right2 secret2
	charon_psk left3 right secret3
}
nicsecd_cfg 8 4s >"$L/nicsecd.conf"
nicsecd_start "$IKE_LEFT" "$L" || exit 1
if nicsecd_wait "$IKE_LEFT" "$L" 3 10; then
	ok "nicsecd initiated ca, cb and cc"
else
	not_ok "nicsecd initiating: $(grep -i 'error' "$L/nicsecd.log" | head -5)"
fi

# A line a SA of nicsecd's (IKE: conn spi_i spi_r; CHILD: conn child spi_in
# spi_out state outbound), and of charon's (the same from its side).
ours() {
	nicsecctl_in "$IKE_LEFT" "$L" list-sas --json | python3 -c '
import json, sys
for s in json.load(sys.stdin)["ike_sas"]:
    print("ike", s["name"], s["spi_i"], s["spi_r"], s["state"])
    for c in s["children"]:
        print("child", s["name"], c["name"], c["spi_in"], c["spi_out"], c["state"], c.get("outbound", "?"))'
}
# consistent WHAT EXPECT: nothing half-installed on either end (lib.sh)
consistent() { sa_consistent "$1" "$2" "$IKE_LEFT" "$L" "$IKE_RIGHT" "$R"; }
# watch SECONDS: every 0.5 s, the SPIs each end has, into $L/watch
watch() {
	local end=$((SECONDS + $1))
	while [ $SECONDS -lt $end ]; do
		ours | sed 's/^/ours /'
		sa_json "$IKE_RIGHT" "$R" | python3 -c '
import json, sys
for l in sys.stdin:
    r = json.loads(l)
    if r["type"] == "ike":
        print("theirs ike", r["spi_i"], r["spi_r"], r["state"])
    else:
        print("theirs child", r["spi_in"], r["spi_out"], r["state"])'
		sleep 0.5
	done >>"$L/watch"
}
# distinct CHILD_SAs of ca seen INSTALLED by each end, and IKE SAs of cb
counts() {
	c_ours=$(awk '$1=="ours" && $2=="child" && $4=="net" && $7=="INSTALLED" {print $5}' "$L/watch" | sort -u | wc -l)
	c_theirs=$(awk '$1=="ours" && $2=="child" && $4=="net" {print $6}' "$L/watch" | sort -u |
		grep -c -x -F -f - <(awk '$1=="theirs" && $2=="child" && $5=="INSTALLED" {print $3}' "$L/watch" | sort -u))
	i_ours=$(awk '$1=="ours" && $2=="ike" && $3=="cb" {print $4 $5}' "$L/watch" | sort -u | wc -l)
	i_theirs=$(awk '$1=="ours" && $2=="ike" && $3=="cb" {print $4 " " $5}' "$L/watch" | sort -u |
		grep -c -x -F -f - <(awk '$1=="theirs" && $2=="ike" {print $3 " " $4}' "$L/watch" | sort -u))
}

# ---- rekeys by nicsecd: CHILD_SAs (ca) and the IKE SA (cb) -----------------
swanctl_in "$IKE_RIGHT" "$R" --initiate --child netd --timeout 5 >/dev/null 2>&1 ||
	not_ok "charon initiating back"
cd_ike0=$(ours | awk '$1=="ike" && $2=="cd" {print $3 " " $4}')
cd_child0=$(ours | awk '$1=="child" && $3=="netd" {print $4}')
# charon rekeys netd without a KE; nicsecd wants PFS there: refused, kept
swanctl_in "$IKE_RIGHT" "$R" --rekey --child netd >/dev/null 2>&1 ||
	not_ok "charon rekeying netd"
cb_child0=$(ours | awk '$1=="child" && $3=="netb" {print $4}')
: >"$L/watch"
watch 14
counts
n=$(grep -c "CHILD_SA net{.*rekey_time (4s, less up to rand_time 1s) reached" "$L/nicsecd.log")
if [ "$c_ours" -ge 4 ] && [ "$c_theirs" -ge 4 ] && [ "$n" -ge 3 ]; then
	ok "CHILD_SA rekeys by nicsecd: $n in 14 s; $c_ours CHILD_SAs of net seen by nicsecd, $c_theirs of them INSTALLED on charon too"
else
	not_ok "CHILD_SA rekeys: $n rekeys, $c_ours CHILD_SAs seen by nicsecd, $c_theirs by charon"$'\n'"$(grep -i 'error\|fail' "$L/nicsecd.log" | tail -5)"
fi
if grep -q "outbound moved\|established with SPIs" "$L/nicsecd.log" &&
	grep -q "CHILD_SA net{[0-9]*} with SPIs .*: the peer deleted it; its inbound SA stays" "$L/nicsecd.log" &&
	grep -q "CHILD_SA net{[0-9]*} with SPIs .* closed: replaced by its rekey, its inbound SA kept" "$L/nicsecd.log"; then
	ok "make-before-break: the old CHILD_SA deleted at charon, its inbound SA kept a while, then gone"
else
	not_ok "make-before-break: the lines of the old CHILD_SA's end are missing"
fi
# a CHILD_SA never reached its life_time (8 s): rekeyed in time
if grep -q "CHILD_SA net{.*reached its life_time" "$L/nicsecd.log"; then
	not_ok "a CHILD_SA of net expired: $(grep -m1 'net{.*reached its life_time' "$L/nicsecd.log")"
else
	ok "no CHILD_SA of net reached its life_time (8 s): each was rekeyed in time"
fi
cb_child1=$(ours | awk '$1=="child" && $3=="netb" {print $4}')
if [ "$i_ours" -ge 2 ] && [ "$i_theirs" -ge 2 ] && [ -n "$cb_child0" ] && [ "$cb_child0" = "$cb_child1" ] &&
	grep -q "cb\[[0-9]*\]: IKE_SA rekeyed: cb\[[0-9]*\] is its successor" "$L/nicsecd.log"; then
	ok "IKE SA rekeys by nicsecd: $i_ours IKE SAs of cb in 14 s, $i_theirs of them on charon with the same SPIs; its CHILD_SA $cb_child0 kept"
else
	not_ok "IKE SA rekeys: $i_ours IKE SAs of cb seen, $i_theirs on charon; CHILD_SA $cb_child0 -> $cb_child1"$'\n'"$(grep 'cb\[' "$L/nicsecd.log" | grep -i 'rekey\|error' | tail -5)"
fi
# cc/pfs: its rekey refused (PFS), no time for another: gone at life_time
if grep -q "cc\[[0-9]*\]: CHILD_SA pfs rekey failed: .*NO_PROPOSAL_CHOSEN" "$L/nicsecd.log" &&
	grep -q "cc\[[0-9]*\]: CHILD_SA pfs{[0-9]*}: no time left to rekey it again" "$L/nicsecd.log" &&
	line=$(grep -m1 "cc\[[0-9]*\]: CHILD_SA pfs{[0-9]*} with SPIs .* reached its life_time (6s) without a rekey: deleting it" "$L/nicsecd.log") &&
	! sa_json "$IKE_RIGHT" "$R" | grep -q '"child": "pfs"'; then
	ok "a CHILD_SA whose rekey charon refuses: deleted at its life_time on both ends: ${line#* * }"
else
	not_ok "life_time: $(grep 'cc\[' "$L/nicsecd.log" | grep -i 'pfs' | tail -4)"
fi

# ---- nicsecctl diagnose ------------------------------------------------------
# diag ARGS: nicsecctl diagnose ARGS, each report also kept in
# $L/diagnose.log (IKE_KEEP=1 keeps it)
diag() {
	echo "== diagnose $* at $SECONDS s" >>"$L/diagnose.log"
	nicsecctl_in "$IKE_LEFT" "$L" diagnose "$@" | tee -a "$L/diagnose.log"
	return "${PIPESTATUS[0]}"
}
# has TEXT FIXED...: every fixed string is in TEXT
has() {
	local t=$1 f
	shift
	for f in "$@"; do grep -qF -- "$f" <<<"$t" || { echo "missing: $f"; return 1; }; done
}
out=$(diag cc)
if why=$(has "$out" "problem: CHILD_SA pfs: PFS mismatch: the peer refused our rekey of it with NO_PROPOSAL_CHOSEN" \
	"We proposed ESP:AES_GCM_16_128/NO_EXT_SEQ, with no DH group" "require a DH group (PFS), ours have none" \
	"fix: the same DH group, or none, in esp_proposals on both sides" \
	"last rekey, pfs: " "by us: refused by the peer" "child pfs: down (no CHILD_SA)"); then
	ok "diagnose cc: pfs's rekey refused by charon named a PFS mismatch, with our proposal and the fix: $(grep -m1 'problem: CHILD_SA pfs' <<<"$out" | cut -c1-110)..."
else
	not_ok "diagnose cc: $why"$'\n'"$out"
fi
out=$(diag cd)
if why=$(has "$out" "problem: CHILD_SA netd: PFS mismatch: the peer's rekey of it was refused" \
	"PFS mismatch: peer proposed ESP:AES_GCM_16_128/NO_EXT_SEQ with no DH group, we require ESP:AES_GCM_16_128/MODP_2048/NO_EXT_SEQ with MODP_2048 (NO_PROPOSAL_CHOSEN)" \
	"fix: the same DH group, or none, in esp_proposals on both sides" "by the peer: refused by us"); then
	ok "diagnose cd: charon's rekey of netd refused by nicsecd named a PFS mismatch with both sides' proposals and the fix"
else
	not_ok "diagnose cd: $why"$'\n'"$out"
fi
# ca: healthy; looked at up to 5 times, since a rekey may be under way
for i in 1 2 3 4 5; do
	out=$(diag ca)
	why=$(has "$out" "ca: up: IKE_SA ca[" "last rekey, net: " "by us: done (rekeys: " "liveness: dpd_delay 2s" \
		"the data plane is none: it carries no traffic" "  no problem found") && break
	sleep 0.3
done
if [ -z "$why" ] && ! grep -q "problem:" <<<"$out"; then
	ok "diagnose ca: up, its last rekey done ($(grep -o 'rekeys: [0-9]* done, [0-9]* failed' <<<"$out" | head -1)), DPD on, counters shown as the none data plane's, no problem found"
else
	not_ok "diagnose ca: $why"$'\n'"$out"
fi
out=$(diag cb)
if why=$(has "$out" "last rekey, IKE_SA: " "problem: DPD is off (dpd_delay 0)" "fix: dpd_delay = 30s") &&
	grep -A1 "last rekey, IKE_SA" <<<"$out" | grep -q "by us: done" &&
	[ "$(grep -c 'problem:' <<<"$out")" = 1 ]; then
	ok "diagnose cb: its IKE SA rekeys done, and DPD off its only problem"
else
	not_ok "diagnose cb: ${why:-IKE rekey not done or other problems}"$'\n'"$out"
fi
err=$(diag nosuchconn 2>&1 >/dev/null); rc=$?
if [ $rc = 1 ] && [ "$err" = "diagnose: no connection 'nosuchconn' in the configuration" ] &&
	[ -z "$(diag nosuchconn 2>/dev/null)" ]; then
	ok "diagnose nosuchconn: exit 1 and one line: $err"
else
	not_ok "diagnose nosuchconn: exit $rc, '$err'"
fi
if diag --json | python3 -c '
import json, sys
j = json.load(sys.stdin)["connections"]
assert [c["name"] for c in j] == ["ca", "cb", "cc", "cd", "ce"], j
assert any("PFS mismatch" in p["what"] for c in j if c["name"] == "cc" for p in c["problems"])' 2>"$L/json.err"; then
	ok "diagnose --json: the five connections, as JSON, cc's PFS mismatch among its problems"
else
	not_ok "diagnose --json: $(tail -2 "$L/json.err")"
fi
nicsecctl_in "$IKE_LEFT" "$L" terminate --ike cc >/dev/null
# cd: charon's IKE SA, rekeyed by nicsecd: nicsecd the new one's initiator
# (looked at up to 5 times: a rekey may be under way at that moment)
cd_ok() {
	cd_now=$(nicsecctl_in "$IKE_LEFT" "$L" list-sas --json | python3 -c '
import json, sys
for s in json.load(sys.stdin)["ike_sas"]:
    if s["name"] == "cd" and s["state"] == "ESTABLISHED":
        print(s["spi_i"], s["spi_r"], s["initiator"], " ".join(c["spi_in"] for c in s["children"] if c["state"] == "INSTALLED"))')
	set -- $cd_now
	[ -n "$cd_ike0" ] && [ $# -ge 4 ] && [ "$1 $2" != "$cd_ike0" ] && [ "$3" = True ] &&
		[ "$4" = "$cd_child0" ] && sa_json "$IKE_RIGHT" "$R" | grep -q "\"spi_i\": \"$1\", .*\"state\": \"ESTABLISHED\""
}
# (up to 10 times: it rekeys every 3 to 4 s, and a look mid-rekey fails)
for i in $(seq 10); do cd_ok && break; sleep 0.3; done
if cd_ok; then
	set -- $cd_now
	ok "charon's IKE SA rekeyed by nicsecd: $cd_ike0 -> $1 $2 on both ends, nicsecd its initiator now, CHILD_SA $cd_child0 kept"
else
	not_ok "cd's IKE SA rekey: $cd_ike0 -> '$cd_now' (CHILD_SA $cd_child0); charon's: $(sa_json "$IKE_RIGHT" "$R" | grep '"cd"' | tr -s ' ' | cut -c1-300)"$'\n'"$(grep 'cd\[' "$L/nicsecd.log" | grep -i 'rekey\|error' | tail -4)"
fi
swanctl_in "$IKE_RIGHT" "$R" --terminate --ike back >/dev/null 2>&1
sleep 0.3
consistent "after the rekeys" 2

# ---- charon rekeys net: nicsecd the rekey's responder ------------------------
ca_ike() { sa_json "$IKE_RIGHT" "$R" | python3 -c '
import json, sys
for l in sys.stdin:
    r = json.loads(l)
    if r["type"] == "child" and r["local_ts"] == "10.2.1.0/24" and r["state"] == "INSTALLED":
        print(r["uniqueid"])'
}
m0=$(grep -c "outbound moved from .* (the peer deleted the old CHILD_SA)" "$L/nicsecd.log")
c0=$(grep -c "rekey collision" "$L/nicsecd.log")
swanctl_in "$IKE_RIGHT" "$R" --rekey --child-id "$(ca_ike | head -1)" >/dev/null 2>&1
sleep 1
# net also rekeys by the clock every few seconds: charon's rekey may cross
# one of ours, and is then settled as a collision (tests/card/nicsecd_rekeys.sh)
if [ "$(grep -c "rekey collision" "$L/nicsecd.log")" -gt "$c0" ]; then
	ok "charon rekeyed net as nicsecd did: a collision, settled: $(grep "rekey collision" "$L/nicsecd.log" | tail -1 | sed 's/^[^ ]* [a-z]* *//')"
elif [ "$(grep -c "outbound moved from .* (the peer deleted the old CHILD_SA)" "$L/nicsecd.log")" -gt "$m0" ] &&
	grep -q "established with SPIs .* (inbound in; outbound when the peer deletes the old CHILD_SA)" "$L/nicsecd.log"; then
	ok "charon rekeyed net: nicsecd put the new inbound SA in before its response, the outbound on charon's DELETE: $(grep "outbound moved" "$L/nicsecd.log" | tail -1 | sed 's/^[^ ]* [a-z]* *//')"
else
	not_ok "charon's rekey: $(grep 'net{' "$L/nicsecd.log" | tail -4)"
fi
consistent "after charon's rekey" 2

# ---- 30 % of IKE lost each way, during rekeys ------------------------------
drop_udp "$IKE_LEFT" 500 30 && drop_udp "$IKE_LEFT" 4500 30 || not_ok "drop_udp"
r0=$(grep -c "rekey_time (4s, less up to rand_time 1s) reached" "$L/nicsecd.log")
i0=$(grep -c "IKE_SA rekeyed: cb" "$L/nicsecd.log")
sleep 14
lost=$(drop_counts "$IKE_LEFT" | sed -n 's/.*counter packets \([0-9]*\).*/\1/p' | awk '{n += $1} END {print n + 0}')
drop_clear "$IKE_LEFT"
r1=$(( $(grep -c "rekey_time (4s, less up to rand_time 1s) reached" "$L/nicsecd.log") - r0 ))
i1=$(( $(grep -c "IKE_SA rekeyed: cb" "$L/nicsecd.log") - i0 ))
sleep 2
if [ "$r1" -ge 2 ] && [ "$i1" -ge 1 ] && ! grep -q "did not answer" "$L/nicsecd.log"; then
	ok "30 % IKE loss each way for 14 s ($lost packets dropped): $r1 CHILD_SA rekeys and $i1 IKE SA rekeys, no peer given up on"
else
	not_ok "under loss: $r1 CHILD_SA rekeys, $i1 IKE SA rekeys; $(grep -m1 'did not answer' "$L/nicsecd.log")"
fi
consistent "after the loss" 2

# ---- charon's DELETEs: close_action start ------------------------------------
# from here: net rekeyed only hourly (its next CHILD_SAs), 3 tries: DPD's bound
TRIES=3
nicsecd_cfg $TRIES 1h >"$L/nicsecd.conf"
nicsecctl_in "$IKE_LEFT" "$L" reload >/dev/null || not_ok "reload"
# net's CHILD_SA now: one rekeyed under the new times, none under way
nicsecctl_in "$IKE_LEFT" "$L" rekey --child net >/dev/null || not_ok "rekey --child net"
sleep 1
wait_net() {  # TIMEOUT: until charon has ca's CHILD_SA INSTALLED
	local end=$((SECONDS + $1))
	until [ -n "$(ca_ike)" ]; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.2
	done
}
cid=$(ca_ike | head -1)
swanctl_in "$IKE_RIGHT" "$R" --terminate --child-id "$cid" >/dev/null 2>&1
sleep 0.3
if wait_net 5 && grep -q "CHILD_SA net closed by the peer: close_action start: initiating it again" "$L/nicsecd.log"; then
	ok "charon deleted the CHILD_SA: nicsecd made it again on its IKE SA (close_action start)"
else
	not_ok "charon's DELETE of the CHILD_SA: $(grep 'close_action' "$L/nicsecd.log" | tail -2)"
fi
ike_of_ca=$(ours | awk '$1=="ike" && $2=="ca" {print $3}')
iid=$(sa_json "$IKE_RIGHT" "$R" | grep "\"spi_i\": \"$ike_of_ca\"" | sed 's/.*"uniqueid": "\([0-9]*\)".*/\1/')
swanctl_in "$IKE_RIGHT" "$R" --terminate --ike-id "$iid" >/dev/null 2>&1
sleep 0.3
if wait_net 5 && [ "$(ours | awk '$1=="ike" && $2=="ca" {print $3}')" != "$ike_of_ca" ]; then
	ok "charon deleted the IKE SA: nicsecd initiated a new one with the CHILD_SA (close_action start)"
else
	not_ok "charon's DELETE of the IKE SA: $(grep 'close_action\|initiating' "$L/nicsecd.log" | tail -3)"
fi
# cb's netb has close_action none
bid=$(sa_json "$IKE_RIGHT" "$R" | grep '"local_ts": "10.2.2.0/24"' | grep INSTALLED |
	sed 's/.*"uniqueid": "\([0-9]*\)".*/\1/' | head -1)
swanctl_in "$IKE_RIGHT" "$R" --terminate --child-id "$bid" >/dev/null 2>&1
sleep 1
if grep -q "CHILD_SA netb closed by the peer: close_action none: it stays down" "$L/nicsecd.log" &&
	! ours | grep -q "netb" && ! sa_json "$IKE_RIGHT" "$R" | grep -q '"local_ts": "10.2.2.0/24"'; then
	ok "charon deleted netb (close_action none): gone from both ends and not initiated again"
else
	not_ok "close_action none: $(grep 'netb' "$L/nicsecd.log" | tail -3)"
fi
out=$(diag cb)
if why=$(has "$out" "child netb: down (no CHILD_SA)" "problem: CHILD_SA netb is down: the peer deleted it" \
	"and close_action none left it down" "fix: close_action = start in child netb"); then
	ok "diagnose cb: netb down after charon's DELETE, close_action none named, and the fix"
else
	not_ok "diagnose cb after the DELETE: $why"$'\n'"$out"
fi
consistent "after charon's DELETEs" 2

# ---- charon killed: DPD, dpd_action restart, back-off, back ------------------
# bound: dpd_delay + the retransmission schedule (0.5 s x 1.4^n, TRIES tries)
bound=$(python3 -c "print(round(2 + sum(0.5 * 1.4 ** n for n in range($TRIES + 1)), 1))")
kill -KILL "$(cut -d: -f1 "$R/charon.pid")"
t0=$EPOCHREALTIME
charon_stop "$IKE_RIGHT" "$R" 2>/dev/null
until line=$(grep -m1 "ca\[[0-9]*\] closed: peer $IKE_RIGHT_IP did not answer DPD" "$L/nicsecd.log"); do
	[ "$(python3 -c "print(int($EPOCHREALTIME - $t0 > $bound + 3))")" = 1 ] && break
	sleep 0.1
done
dt=$(python3 -c "print(round($EPOCHREALTIME - $t0, 1))")
if [ -n "$line" ] && [ "$(python3 -c "print(int($dt <= $bound + 0.5))")" = 1 ] &&
	grep -q "did not answer DPD for [0-9]* s ($TRIES retransmits): dpd_action restart: initiating net again" <<<"$line"; then
	ok "charon killed: found dead in $dt s (bound $bound s): ${line#* * }"
else
	not_ok "charon killed: after $dt s (bound $bound s): '${line:-no line}'"
fi
sleep 5
if grep -q "initiating net failed (.*): trying again in 1 s" "$L/nicsecd.log"; then
	ok "charon away: nicsecd initiates again with back-off: $(grep 'initiating net failed' "$L/nicsecd.log" | grep -o 'trying again in [0-9]* s' | sed 's/trying again in //; s/ s$//' | paste -sd, -) s"
else
	not_ok "no back-off: $(grep 'initiating' "$L/nicsecd.log" | tail -3)"
fi
out=$(diag ca)
if why=$(has "$out" "ca: down: its IKE SA closed" "did not answer DPD" "retrying net with back-off" \
	"the last error: peer $IKE_RIGHT_IP did not answer IKE_SA_INIT" "problem: initiating net fails: " \
	"fix: the peer does not answer" "last DPD" "not answered, the peer was declared dead"); then
	ok "diagnose ca with charon away: down, why, retrying with back-off and the last error: $(grep -m1 'retrying' <<<"$out" | sed 's/^ *//')"
else
	not_ok "diagnose ca with charon away: $why"$'\n'"$out"
fi
charon_start "$IKE_RIGHT" "$R" && charon_cfg || not_ok "charon restart"
if wait_net 20; then
	ok "charon back: the tunnel net is up again"
else
	not_ok "charon back, but not net: $(grep 'initiating\|closed' "$L/nicsecd.log" | tail -4)"
fi
# ce: charon has no connection for its IDs and refuses it (once: not kept up)
nicsecctl_in "$IKE_LEFT" "$L" initiate --child nete --ike ce >/dev/null || not_ok "initiate ce"
for i in $(seq 15); do
	out=$(diag ce)
	grep -q "setting it up failed" <<<"$out" && break
	sleep 0.2
done
if why=$(has "$out" "ce: down: setting it up failed" "AUTHENTICATION_FAILED" \
	"problem: setting up the IKE SA failed" "fix: the peer refused our authentication: our local id must be its remote id") &&
	! grep -q "retrying" <<<"$out"; then
	ok "diagnose ce: charon refused its authentication: $(grep -m1 'problem: setting up' <<<"$out" | sed 's/^ *//')"
else
	not_ok "diagnose ce: $why"$'\n'"$out"
fi
nicsecd_stop "$IKE_LEFT" "$L"

echo "nicsecd_lifecycle: $passed passed, $failed failed"
[ $failed = 0 ]
