#!/usr/bin/env python3
"""Holds nicsecd's SAs against strongSwan's: the same IKE SAs and CHILD_SAs
on both ends, with the same SPIs and algorithms.

    sa_match.py NICSECD_JSON CHARON_ROWS [--expect N]

NICSECD_JSON is `nicsecctl list-sas --json`; CHARON_ROWS is lib.sh's
sa_json output (one JSON object a line, tests/ike/sa_parse.py). For each
of nicsecd's IKE SAs, charon must have the IKE SA ESTABLISHED with the same
SPIs and its algorithms; for each CHILD_SA, one INSTALLED with the SPIs
crossed (our inbound SPI is its outbound), the same cipher, key size and
ESN, and the same selectors seen from its side. Prints one line a SA and
exits 1 at any difference (or when not exactly N IKE SAs with --expect).
"""
import json
import sys


def ike_algs(prop):
    """Our "AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048"
    as charon's (encr, keysize, integ, prf, dh)."""
    parts = prop.split("/")
    encr, _, size = parts[0].rpartition("_")
    integ = next((p for p in parts[1:] if p.startswith("HMAC_")), "")
    prf = next((p for p in parts[1:] if p.startswith("PRF_")), "")
    dh = parts[-1] if parts[-1] not in (integ, prf) else ""
    return encr, size, integ, prf, dh


def esp_algs(prop):
    parts = prop.split("/")
    encr, _, size = parts[0].rpartition("_")
    esn = "1" if "EXT_SEQ" in parts and "NO_EXT_SEQ" not in parts else "0"
    return encr, size, esn


def main(argv):
    if len(argv) not in (2, 4):
        print(__doc__, file=sys.stderr)
        return 2
    ours = json.load(open(argv[0]))["ike_sas"]
    theirs = [json.loads(l) for l in open(argv[1]) if l.strip()]
    bad = 0
    if len(argv) == 4 and len(ours) != int(argv[3]):
        print("nicsecd has %d IKE SAs, expected %s" % (len(ours), argv[3]))
        bad += 1
    for sa in ours:
        who = "%s[%d]" % (sa["name"], sa["uniq"])
        ike = [r for r in theirs if r["type"] == "ike" and
               r["spi_i"] == sa["spi_i"] and r["spi_r"] == sa["spi_r"]]
        if sa["state"] != "ESTABLISHED" or not ike or \
                ike[0]["state"] != "ESTABLISHED":
            print("%s: ours %s, charon's %s" % (who, sa["state"],
                  ike[0]["state"] if ike else "missing"))
            bad += 1
            continue
        encr, size, integ, prf, dh = ike_algs(sa["proposal"])
        got = (ike[0]["encr"], ike[0]["keysize"], ike[0]["integ"],
               ike[0]["prf"], ike[0]["dh"])
        if got != (encr, size, integ, prf, dh):
            print("%s: IKE algorithms differ: ours %s, charon's %s" %
                  (who, (encr, size, integ, prf, dh), got))
            bad += 1
            continue
        print("%s: IKE SA %s_i %s_r ESTABLISHED on both, %s" %
              (who, sa["spi_i"], sa["spi_r"], sa["proposal"]))
        conn = ike[0]["conn"]
        for ch in sa["children"]:
            if ch["state"] != "INSTALLED":
                continue
            c = [r for r in theirs if r["type"] == "child" and
                 r["conn"] == conn and r["spi_in"] == ch["spi_out"] and
                 r["spi_out"] == ch["spi_in"]]
            if not c or c[0]["state"] != "INSTALLED":
                print("  %s: SPIs %s/%s: charon has %s" % (ch["name"],
                      ch["spi_in"], ch["spi_out"],
                      c[0]["state"] if c else "no such CHILD_SA"))
                bad += 1
                continue
            encr, size, esn = esp_algs(ch["proposal"])
            got = (c[0]["encr"], c[0]["keysize"], c[0]["esn"])
            lts, rts = " ".join(ch["local_ts"]), " ".join(ch["remote_ts"])
            if got != (encr, size, esn) or c[0]["local_ts"] != rts or \
                    c[0]["remote_ts"] != lts:
                print("  %s: differs: ours %s %s === %s, charon's %s %s === "
                      "%s" % (ch["name"], (encr, size, esn), lts, rts, got,
                              c[0]["local_ts"], c[0]["remote_ts"]))
                bad += 1
                continue
            print("  %s: CHILD_SA %s_i %s_o INSTALLED on both, %s, %s === %s"
                  % (ch["name"], ch["spi_in"], ch["spi_out"], ch["proposal"],
                     lts, rts))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
