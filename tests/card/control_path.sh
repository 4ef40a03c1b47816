#!/usr/bin/env bash
# The control path under churn: CYCLES SA add/delete cycles through libnicsec
# against a live simulated card (tests/card/sa_churn.c checks the table, the
# read-back SAs, the counters, the used-slot bitmap and SA_COMMITS against its
# own model), then nicsecctl, a second process on the same card, must see
# the table empty and every slot free.
#
#   control_path.sh LANES [CYCLES] [SEED]
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
LANES=${1:-1}
CYCLES=${2:-10000}
SEED=${3:-1}
CTL=$PWD/$BUILD/nicsecctl
. tests/card/one_card.sh
card_up "$LANES" "$CARD_T/sim.log" || exit 1

"$BUILD/card/sa_churn" "$CARD_SPEC" "$CYCLES" "$SEED" || exit 1
out=$("$CTL" --card "$CARD_SPEC" sa list 2>&1)
[ "$out" = "no SAs" ] || { echo "control_path: after the churn, sa list says: $out"; exit 1; }
json=$("$CTL" --card "$CARD_SPEC" stats --json 2>&1)
case "$json" in
*'"sa": {}}') ;;
*) echo "control_path: after the churn, stats lists SA slots: $json"; exit 1 ;;
esac
echo "control_path LANES=$LANES: $CYCLES cycles, the table empty after (seen by a second process)"
