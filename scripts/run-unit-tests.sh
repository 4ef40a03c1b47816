#!/usr/bin/env bash
# Runs the cmocka unit test binaries given as arguments, shows their output,
# and ends with one line: "unit: N passed, N failed", counting test cases
# from cmocka's own summary lines. Exits non-zero if any test failed, or a
# binary crashed, or ended without a summary (then it counts as one failure,
# as the tests it did not get to are unknown).
set -uo pipefail

if [ $# -eq 0 ]; then
	echo "unit: no test binaries given (no tests/unit/test_*.c?)" >&2
	echo "unit: 0 passed, 1 failed"
	exit 1
fi

# cmocka can be told to write TAP, SubUnit or XML instead; we parse the
# standard format, so ask for it whatever the environment says.
export CMOCKA_MESSAGE_OUTPUT=stdout

# How a binary ended, for the message.
ended() {
	if [ "$1" -gt 128 ]; then
		echo "was killed by signal $(($1 - 128))"
	else
		echo "exited $1"
	fi
}

passed=0
failed=0
bad=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for bin in "$@"; do
	echo "== $bin"
	if [ ! -x "$bin" ]; then
		echo "unit: $bin: no such executable"
		failed=$((failed + 1))
		bad=1
		continue
	fi
	# cmocka writes the failure lines to stderr: keep both.
	"$bin" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}

	p=$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test(s)\..*$/\1/p' "$log" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test(s).*$/\1/p' "$log" | tail -n 1)
	if [ -z "$p" ]; then
		echo "unit: $bin $(ended "$rc") without a cmocka summary"
		failed=$((failed + 1))
		bad=1
		continue
	fi
	passed=$((passed + p))
	failed=$((failed + ${f:-0}))
	if [ "$rc" -ne 0 ]; then
		bad=1
		# A non-zero exit with no failed test counted (a group
		# setup or teardown failed, say) still has to show.
		if [ "${f:-0}" -eq 0 ]; then
			echo "unit: $bin $(ended "$rc")"
			failed=$((failed + 1))
		fi
	fi
done

echo "unit: $passed passed, $failed failed"
[ "$bad" -eq 0 ] && [ "$failed" -eq 0 ]
