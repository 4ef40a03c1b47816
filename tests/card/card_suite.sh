# card_suite.sh: what every card suite with nicsecd starts with, sourced from
# the checkout's top (after `cd`, with LANES set): BUILD (build), SIM and CTL
# (the simulator and nicsecctl in it, CTL exported for helper scripts), the
# nicsecd and nicsecctl tests/ike/lib.sh runs (exported before it is
# sourced: it reads them then), ike_init, and tests/checks.sh's ok/not_ok.
# The suite then defines finish and sources card_gw.sh (or e2e_topo.sh).
BUILD=${BUILD:-build}
SIM=$PWD/$BUILD/nicsec-sim
export CTL=$PWD/$BUILD/nicsecctl
export IKE_NICSECD=${IKE_NICSECD:-$PWD/$BUILD/nicsecd} IKE_NICSECCTL=${IKE_NICSECCTL:-$CTL}
. tests/ike/lib.sh
ike_init || exit 1
. tests/checks.sh
