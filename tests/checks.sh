# tests/checks.sh: the check lines a test script prints, sourced by the
# shell tests (tests/ike/*.sh, tests/card/*.sh): `ok - WHAT` and
# `not ok - WHAT`, counted in $passed and $failed for the script's
# summary line and exit status.
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; }
