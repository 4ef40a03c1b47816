#!/usr/bin/env bash
# nicsecctl --card against bad input: a wrong or missing device, bad device
# specs, bad SA and policy lines, refused requests. Each must exit with its
# status (1 the card or a file refused, 2 a bad command line), print one line
# that names what is wrong, and change nothing on the card: the SA table and
# the policy rules, read back, are the same before and after every one.
#
#   ctl_errors.sh [LANES]
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
LANES=${1:-1}
CTL=$PWD/$BUILD/nicsecctl
. tests/card/one_card.sh
card_up "$LANES" "$CARD_T/sim.log" || exit 1
. tests/checks.sh
state() { "$CTL" --card "$CARD_SPEC" sa list --json; "$CTL" --card "$CARD_SPEC" spd list --json; }

# expect STATUS PATTERN DESCRIPTION -- nicsecctl ARGS...
expect() {
	local want=$1 pat=$2 what=$3 out rc lines
	shift 4
	out=$("$CTL" "$@" 2>&1 >/dev/null)
	rc=$?
	lines=$(printf '%s\n' "$out" | grep -c .)
	if [ "$rc" != "$want" ]; then
		not_ok "$what: exit $rc, expected $want ($out)"
	elif ! grep -qE -- "$pat" <<<"$out"; then
		not_ok "$what: message '$out' lacks /$pat/"
	elif [ "$lines" != 1 ]; then
		not_ok "$what: $lines lines of message, expected one: $out"
	else
		ok "$what: $out"
	fi
}

C=(--card "$CARD_SPEC")
K16=0x00112233445566778899aabbccddeeff01020304
SA_OUT="src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x1001 mode tunnel aead rfc4106(gcm(aes)) $K16 128 sel src 10.1.0.0/24 dst 10.2.0.0/24 dir out"
SA_IN="src 192.0.2.2 dst 192.0.2.1 proto esp spi 0x2002 mode tunnel aead rfc4106(gcm(aes)) $K16 128 replay-window 64 sel src 10.2.0.0/24 dst 10.1.0.0/24 dir in"
"$CTL" "${C[@]}" sa add $SA_OUT >/dev/null && "$CTL" "${C[@]}" sa add $SA_IN >/dev/null &&
	"$CTL" "${C[@]}" spd add src 10.1.0.0/24 dst 10.2.0.0/24 action protect spi 0x1001 >/dev/null ||
	{ echo "not ok - the good SAs and rule were refused"; exit 1; }
before=$(state)
grep -q '"spi": 4097' <<<"$before" && grep -q '"spi": 8194' <<<"$before" && grep -q 'action protect spi 0x00001001' <<<"$before" &&
	ok "two SAs and a protect rule installed and read back" || not_ok "read back: $before"
list=$("$CTL" "${C[@]}" sa list)
grep -q 'key hidden' <<<"$list" && ! grep -qi "${K16#0x}" <<<"$list" &&
	ok "sa list hides the key" || not_ok "sa list shows key material"

# devices
expect 1 "$CARD_T/none.sock" "a simulator that is not there" -- --card "sim:$CARD_T/none.sock" info
expect 1 "0000:7f:1f.7" "a PCI address with no device" -- --card pci:0000:7f:1f.7 info
expect 1 "bad device spec 'eth0'" "a spec that is no device" -- --card eth0 info
expect 2 "unknown command 'info'" "a card command without --card (taken as nicsecd's)" -- info
# SA lines
expect 2 "aead: the key is 19 bytes" "a key of the wrong length" -- "${C[@]}" sa add ${SA_OUT/$K16/0x00112233445566778899aabbccddeeff010203}
expect 2 "unknown keyword 'spii'" "a misspelt keyword" -- "${C[@]}" sa add ${SA_OUT/spi/spii}
expect 2 "dir: 'sideways' is not in or out" "a bad direction" -- "${C[@]}" sa add ${SA_OUT/dir out/dir sideways}
expect 2 "mode transport" "transport mode" -- "${C[@]}" sa add ${SA_OUT/mode tunnel/mode transport}
expect 2 "missing 'sel'" "an outbound SA without a selector" -- "${C[@]}" sa add ${SA_OUT% sel*} dir out
expect 1 "inbound SA spi 0x00002002 to that destination is installed already" "the same inbound SA twice" -- "${C[@]}" sa add $SA_IN
expect 1 "slot 0x002 holds inbound SA spi 0x00002002" "another inbound SA for a taken slot" -- "${C[@]}" sa add ${SA_IN/0x2002/0x3002}
expect 1 "outbound SA spi 0x00001001 to that destination is installed already" "the same outbound SA twice" -- "${C[@]}" sa add $SA_OUT
expect 1 "no inbound SA spi 0x00004004" "an update of an SA that is not there" -- "${C[@]}" sa update ${SA_IN/0x2002/0x4004}
printf '%s\n' "$SA_OUT" "# a comment" "${SA_IN/0x2002/0x5005} bogus 1" >"$CARD_T/sas.txt"
expect 1 "sas.txt:3: unknown keyword 'bogus'" "an SA file with a bad line (nothing of it installed)" -- "${C[@]}" sa add -f "$CARD_T/sas.txt"
expect 1 "$CARD_T/missing.txt" "an SA file that is not there" -- "${C[@]}" sa add -f "$CARD_T/missing.txt"
expect 1 "no SA spi 0x00009999" "a delete of an SA that is not there" -- "${C[@]}" sa del spi 0x9999
expect 1 "slot 0x123 holds no SA" "a delete of an empty slot" -- "${C[@]}" sa del slot 0x123
expect 1 "SA slot 5000: the card has slots 0 .. 4095" "a delete past the table" -- "${C[@]}" sa del slot 5000
expect 2 "give spi SPI or slot N" "a delete naming nothing" -- "${C[@]}" sa del dir in
# policy rules
expect 1 "no outbound SA with that SPI" "a protect rule for a missing SA" -- "${C[@]}" spd add src 10.3.0.0/24 dst 10.4.0.0/24 action protect spi 0x7777
expect 1 "no outbound SA with that SPI" "a protect rule naming an inbound SA" -- "${C[@]}" spd add src 10.3.0.0/24 dst 10.4.0.0/24 action protect spi 0x2002
expect 2 "has host bits set" "a prefix with host bits" -- "${C[@]}" spd add src 10.3.0.1/24 dst 10.4.0.0/24 action bypass
expect 2 "action: 'allow' is not" "an unknown action" -- "${C[@]}" spd add src 10.3.0.0/24 dst 10.4.0.0/24 action allow
expect 1 "policy rule 64: the card has rules 0 .. 63" "a rule index past the table" -- "${C[@]}" spd add index 64 src 10.3.0.0/24 dst 10.4.0.0/24 action drop
expect 1 "rule 7 is not in use" "a delete of an unused rule" -- "${C[@]}" spd del 7
# the rest
expect 1 "slot 4096: the card has slots 0 .. 4095" "stats past the table" -- "${C[@]}" stats slot 4096
expect 2 "unknown card command 'frobnicate'" "an unknown command" -- "${C[@]}" frobnicate
expect 2 "sa: unknown command 'remove'" "an unknown sa command" -- "${C[@]}" sa remove spi 1

after=$(state)
[ "$before" = "$after" ] && ok "the card's SAs and rules are as before the bad requests" ||
	not_ok "the card changed: before $before after $after"
# and what is there still works: an update and a delete
"$CTL" "${C[@]}" sa update ${SA_IN/replay-window 64/replay-window 128} >/dev/null &&
	"$CTL" "${C[@]}" spd del 0 >/dev/null && "$CTL" "${C[@]}" sa del spi 0x1001 >/dev/null &&
	"$CTL" "${C[@]}" sa del spi 0x2002 dir in >/dev/null && [ "$("$CTL" "${C[@]}" sa list)" = "no SAs" ] &&
	ok "update and deletes after the errors" || not_ok "update and deletes after the errors"
echo "ctl_errors: $passed passed, $failed failed"
[ "$failed" = 0 ]
