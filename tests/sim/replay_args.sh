#!/usr/bin/env bash
# nicsec-sim replay's own errors: every bad argument or file gives exit 2 and one
# line on stderr that names what is wrong (the file and line for SA and policy
# files); a good run with no traffic prints zero counters, as text and as JSON.
#
#   replay_args.sh NICSEC_SIM
set -uo pipefail
sim=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
passed=0
failed=0

K=0x00112233445566778899aabbccddeeffc0c1c2c3
out_sa() {  # outbound SA $1: spi, $2: selector's third octet
	echo "src 192.0.2.1 dst 192.0.2.2 proto esp spi $1 mode tunnel aead rfc4106(gcm(aes)) $K 128" \
		"sel src 10.$2.0.0/16 dst 10.200.0.0/16 dir out"
}
in_sa() {
	echo "src 192.0.2.2 dst 192.0.2.1 proto esp spi $1 mode tunnel replay-window 64" \
		"aead rfc4106(gcm(aes)) $K 128 dir in"
}
{ echo "# two SAs"; out_sa 0x1000 1; in_sa 0x2005; } >"$dir/good.conf"
{ out_sa 0x1000 1; echo; echo "src 192.0.2.2 dst 192.0.2.1 spi 5 dir in"; } >"$dir/bad.conf"
{ in_sa 0x2005; out_sa 0x1000 1; in_sa 0x7005; } >"$dir/clash.conf"
for i in $(seq 1 65); do out_sa $((0x3000 + i)) $i; done >"$dir/many.conf"
echo "src 10.0.0.0/8 dst 0.0.0.0/0 action allow" >"$dir/bad.spd"
echo "not a pcap" >"$dir/junk.pcap"

# expect_error WHAT SUBSTRING -- ARGS...: exit 2, one line naming it
expect_error() {
	local what=$1 want=$2
	shift 3
	local err rc
	err=$("$sim" "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -eq 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && [[ $err == *"$want"* ]]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "replay_args: $what: exit $rc, said: $err (want exit 2 and '$want')"
	fi
}

expect_error "no command" "usage" -- 
expect_error "unknown command" "unknown command 'fly'" -- fly
expect_error "no --sa" "--sa FILE is required" -- replay
expect_error "missing SA file" "$dir/none.conf: No such file" -- replay --sa "$dir/none.conf"
expect_error "bad SA line" "$dir/bad.conf:3: missing 'aead'" -- replay --sa "$dir/bad.conf"
expect_error "shared index" "$dir/clash.conf:3: inbound spi 0x00007005 and spi 0x00002005 on line 1 share SA index 0x005" \
	-- replay --sa "$dir/clash.conf"
expect_error "too many rules" "65 policy rules" -- replay --sa "$dir/many.conf"
expect_error "bad policy line" "$dir/bad.spd:1: action: 'allow'" -- replay --sa "$dir/good.conf" --spd "$dir/bad.spd"
expect_error "missing pcap" "$dir/none.pcap: No such file" -- replay --sa "$dir/good.conf" --lan-in "$dir/none.pcap"
expect_error "not a pcap" "$dir/junk.pcap" -- replay --sa "$dir/good.conf" --wan-in "$dir/junk.pcap"
expect_error "output not writable" "$dir/no/such/dir.pcap" -- replay --sa "$dir/good.conf" --lan-out "$dir/no/such/dir.pcap"
expect_error "bad --lanes" "--lanes takes 1, 2 or 4, not '3'" -- replay --sa "$dir/good.conf" --lanes 3
expect_error "unknown option" "unknown option '--fast'" -- replay --sa "$dir/good.conf" --fast
expect_error "bad --stall" "--stall takes a percentage" -- replay --sa "$dir/good.conf" --stall 95
expect_error "option without value" "--lan-in needs a file name" -- replay --sa "$dir/good.conf" --lan-in
expect_error "missing host pcap" "$dir/none.pcap: No such file" -- replay --sa "$dir/good.conf" --host-wan-in "$dir/none.pcap"
expect_error "host pcap not a pcap" "$dir/junk.pcap" -- replay --sa "$dir/good.conf" --host-lan-in "$dir/junk.pcap"

# A run with nothing to replay: zero counters, both SAs listed
check_run() {
	local what=$1
	shift
	if "$@"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "replay_args: $what failed"
	fi
}
for L in 1 4; do
	check_run "empty run LANES=$L, JSON" sh -c "'$sim' replay --sa '$dir/good.conf' --lanes $L --json >'$dir/r.json'"
	check_run "empty run LANES=$L, JSON content" python3 -c "
import json, sys
r = json.load(open('$dir/r.json'))
assert r['lanes'] == $L and len(r['sas']) == 2, r
assert r['sas'][0]['dir'] == 'out' and r['sas'][0]['spi'] == 0x1000 and r['sas'][0]['index'] == 0
assert r['sas'][1]['index'] == 5 and r['sas'][1]['spi'] == 0x2005
assert all(v == 0 for v in r['global'].values()), r['global']
assert r['balance'] == {'in': 0, 'out': 0, 'dropped': 0} and r['events'] == [] and r['problems'] == []
"
	check_run "empty run LANES=$L, text" sh -c "'$sim' replay --sa '$dir/good.conf' --lanes $L | grep -q '0x005  in   0x00002005'"
done

echo "replay_args: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
