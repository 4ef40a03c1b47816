#!/usr/bin/python3
"""Makes the card scenarios for `nicsec-sim replay`, each a directory that
tests/esp/check_card.py checks after the run (tests/esp/cardlib.py has the
directory's files).

    card_vectors.py OUTDIR --seed N --lanes L SCENARIO [SCENARIO ...]

Scenarios: interop[:PACKETS] (default 3000), replay, bad, limits, exception.
Prints one line a scenario: its directory and how many frames go in.
"""
import argparse
import sys

import card_bad
import card_exception
import card_interop
import card_limits
import card_replay
from card_scenario import Scenario

BUILDERS = {
    "interop": card_interop.build,
    "replay": card_replay.build,
    "bad": card_bad.build,
    "limits": card_limits.build,
    "exception": card_exception.build,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--lanes", type=int, required=True)
    ap.add_argument("scenarios", nargs="+")
    a = ap.parse_args()
    for spec in a.scenarios:
        name, _, count = spec.partition(":")
        if name not in BUILDERS:
            sys.exit(f"card_vectors: unknown scenario '{name}' (know: {', '.join(BUILDERS)})")
        sc = Scenario(name, a.seed, a.lanes)
        if name == "interop":
            BUILDERS[name](sc, int(count) if count else 3000)
        else:
            BUILDERS[name](sc)
        d, n = sc.write(a.outdir)
        host = sum(map(len, sc.host_tx.values()))
        print(f"card_vectors: {d}: {n} frames in ({len(sc.lan_in)} LAN, {len(sc.wan_in)} WAN"
              f"{f', {host} from the host' if host else ''}), {len(sc.sas)} SAs")


if __name__ == "__main__":
    main()
