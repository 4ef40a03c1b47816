#!/usr/bin/env python3
"""Every ESP packet of a run, counted by both ends of the tunnel.

A card's per-SA counters (nicsecctl --card sa list/stats) and charon's
per-CHILD_SA counters (swanctl --list-sas) vanish with their SAs, and a run
with rekeys makes and deletes many, so they are sampled every second and
each SA's last (highest) count kept; the old SAs linger seconds after their
last packet on both ends (make-before-break), so each is read after it.
An end is `card:NS:SPEC` (nicsecctl $CTL --card SPEC in namespace NS) or
`charon:NS:DIR` (the charon of tests/ike/lib.sh's instance directory DIR).

  esp_tally.py sample OUT STOP END_A END_B
      samples until the file STOP exists, then once more; writes OUT (JSON)
      each time
  esp_tally.py check OUT [B_WIRE_OUT B_WIRE_IN]
      A's out == B's in and B's out == A's in, packets and bytes, summed
      over every SA of the run; no drop counted on a card; prints the sums
      and each SA that disagrees; exit 1 if anything does.  With B_WIRE_*
      (the ESP packets B's namespace sent and got, counted by nftables), A's
      in is held against what B sent on the wire instead of B's own count,
      and A's out against the wire as well as B's count: kernel-libipsec
      undercounts its outbound SAs (see e2e_gateway.sh)
"""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "ike"))
import sa_parse  # noqa: E402


def run(ns, argv, env=None):
    return subprocess.run(["ip", "netns", "exec", ns] + argv, capture_output=True,
                          text=True, env=env, timeout=20).stdout


def count(t, k, packets, nbytes):
    c = t.setdefault(k, {"packets": 0, "bytes": 0, "drops": {}})
    c["packets"] = max(c["packets"], packets)
    c["bytes"] = max(c["bytes"], nbytes)
    return c


def sample_card(t, ns, spec):
    ctl = os.environ["CTL"]
    sas = json.loads(run(ns, [ctl, "--card", spec, "sa", "list", "--json"]))
    st = json.loads(run(ns, [ctl, "--card", spec, "stats", "--json"]))
    for s in sas:
        c = count(t, "%s %08x" % (s["dir"], s["spi"]), s["packets"], s["bytes"])
        for name, v in st["sa"].get(str(s["slot"]), {}).items():
            if name.startswith("drop_"):
                c["drops"][name] = max(c["drops"].get(name, 0), v)


def sample_charon(t, r, cdir):
    env = dict(os.environ, SWANCTL_DIR=cdir, STRONGSWAN_CONF=cdir + "/strongswan.conf")
    out = run(r, ["swanctl", "--list-sas", "--pretty", "--uri", "unix://%s/charon.vici" % cdir], env)
    for row in sa_parse.rows(sa_parse.parse(out.splitlines())):
        if row["type"] != "child":
            continue
        for d, spi in ("in", row["spi_in"]), ("out", row["spi_out"]):
            count(t, "%s %s" % (d, spi), int(row["packets_" + d] or 0),
                  int(row["bytes_" + d] or 0))


def cmd_sample(out, stop, a, b):
    t = {"a": {}, "b": {}, "ends": [a, b], "samples": 0}
    while True:
        last = os.path.exists(stop)
        try:
            for k, end in ("a", a), ("b", b):
                kind, ns, where = end.split(":", 2)
                (sample_card if kind == "card" else sample_charon)(t[k], ns, where)
            t["samples"] += 1
        except (ValueError, subprocess.TimeoutExpired):
            pass
        with open(out + ".tmp", "w") as f:
            json.dump(t, f)
        os.replace(out + ".tmp", out)
        if last:
            return 0
        time.sleep(1)


def cmd_check(out, wire_out=None, wire_in=None):
    t = json.load(open(out))
    card, charon = t["a"], t["b"]
    na, nb = (e.split(":")[0] for e in t["ends"])
    bad = []
    sums = {}
    # ours out is theirs in, and the other way round
    for ours, theirs in ("out", "in"), ("in", "out"):
        spis = {k.split()[1] for k in card if k.startswith(ours)} | \
               {k.split()[1] for k in charon if k.startswith(theirs)}
        z = {"packets": 0, "bytes": 0}
        for spi in sorted(spis):
            a = card.get("%s %s" % (ours, spi), z)
            b = charon.get("%s %s" % (theirs, spi), z)
            if (a["packets"], a["bytes"]) != (b["packets"], b["bytes"]):
                bad.append("SA %s: %s %s %d packets %d bytes, %s %s %d %d" % (
                    spi, na, ours, a["packets"], a["bytes"], nb, theirs, b["packets"],
                    b["bytes"]))
        sums[ours] = tuple(sum(c[x] for k, c in card.items() if k.startswith(ours))
                           for x in ("packets", "bytes")) + \
            tuple(sum(c[x] for k, c in charon.items() if k.startswith(theirs))
                  for x in ("packets", "bytes")) + (len(spis),)
    drops = {"%s %s" % (n, k): {d: v for d, v in c["drops"].items() if v}
             for n, side in ((na, card), (nb, charon)) for k, c in side.items()}
    drops = {k: v for k, v in drops.items() if v}
    o, i = sums["out"], sums["in"]
    print("%s out %d packets %d bytes = %s in %d %d (%d SAs); %s out %d %d = %s in "
          "%d %d (%d SAs); drops on the cards: %s; %d samples" % (
              na, o[0], o[1], nb, o[2], o[3], o[4], nb, i[2], i[3], na, i[0], i[1], i[4],
              drops or "none", t["samples"]))
    for b in bad:
        print("  " + b)
    if wire_out is None:
        back = i[0] == i[2] and i[1] == i[3]
    else:
        wire_out, wire_in = int(wire_out), int(wire_in)
        print("  on the wire: %s sent %d ESP packets (%s in: %d), got %d (%s out: %d)" % (
            nb, wire_out, na, i[0], wire_in, na, o[0]))
        back = i[0] == wire_out and o[0] == wire_in
    ok = o[0] == o[2] and o[1] == o[3] and back and not drops and o[0] > 0 and i[0] > 0
    return 0 if ok else 1


if __name__ == "__main__":
    if sys.argv[1] == "sample":
        sys.exit(cmd_sample(*sys.argv[2:]))
    sys.exit(cmd_check(*sys.argv[2:]))
