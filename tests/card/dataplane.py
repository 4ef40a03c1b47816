"""nicsecd's data plane (host/dataplane.c) against a live simulated card.

tests/card/dp_probe drives the module; this script holds the scenario and
its expectations, and checks them by other means than the module's own:

- the card's SAs and rules through nicsecctl (`sa list [--json]`, `spd list
  --json`), a second process on the card;
- the keys: which half of KEYMAT each SA uses is worked out here from RFC 7296
  2.17 (i2r then r2i; the initiator sends with i2r) and RFC 4106 (key, then a
  4-byte salt), and proven on the wire: one packet into the card's LAN port,
  its ESP out of the WAN port opened by scapy's ESP with the key that must be
  right and refused with the other; one ESP packet made by scapy into the WAN
  port, dropped (ICV) under the wrong key and delivered to the LAN under the
  right one. Both roles, with and without UDP encapsulation and ESN.

  dataplane.py PROBE NICSECCTL SPEC LAN_NS LAN_IF WAN_NS WAN_IF
"""
import json
import os
import re
import subprocess
import sys
import time

from scapy.all import IP, UDP, Ether, Raw, raw
from scapy.layers.ipsec import ESP, SecurityAssociation

PROBE, CTL, SPEC, LAN_NS, LAN_IF, WAN_NS, WAN_IF = sys.argv[1:8]
PY = os.environ.get("NICSEC_PYTHON", "/usr/bin/python3")
HERE = os.path.dirname(os.path.abspath(__file__))
LOG = os.environ.get("DP_LOG", "/tmp/dp_probe.log")

LOCAL, REMOTE = "192.0.2.1", "192.0.2.2"
WAN_MACS = ("02:00:01:00:00:02", "02:00:02:00:00:02")   # ours, the next hop's
LAN_MACS = ("02:00:01:00:00:01", "02:00:0a:00:00:02")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print(f"  FAIL: {what}", flush=True)
    return cond


class Probe:
    def __init__(self, spec, log):
        self.log = log
        self.p = subprocess.Popen([PROBE, spec], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=open(log, "w"), text=True)
        self.hello = json.loads(self.p.stdout.readline())

    def __call__(self, cmd):
        self.p.stdin.write(cmd + "\n")
        self.p.stdin.flush()
        return json.loads(self.p.stdout.readline())

    def ok(self, cmd):
        r = self(cmd)
        if not r["ok"]:
            raise SystemExit(f"dataplane: FAIL: probe '{cmd.split()[0]} ...': {r['err']}")
        return r

    def close(self):
        self.p.stdin.write("quit\n")
        self.p.stdin.close()
        self.p.wait(10)


class Wire:
    """dp_wire.py in a namespace: one end of a card port's veth."""

    def __init__(self, ns, iface):
        self.p = subprocess.Popen(["ip", "netns", "exec", ns, PY, f"{HERE}/dp_wire.py", iface],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def __call__(self, **cmd):
        self.p.stdin.write(json.dumps(cmd) + "\n")
        self.p.stdin.flush()
        return json.loads(self.p.stdout.readline())

    def close(self):
        self.p.stdin.close()
        self.p.wait(10)


def ctl(*args):
    r = subprocess.run([CTL, "--card", SPEC, *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"dataplane: FAIL: nicsecctl {' '.join(args)}: {r.stderr.strip()}")
    return r.stdout


def card():
    """What the card holds, as nicsecctl sees it: SAs by slot, their text
    lines by slot, and the rules."""
    sas = {s["slot"]: s for s in json.loads(ctl("sa", "list", "--json"))}
    lines = dict((int(m.group(1), 16), m.group(2))
                 for m in re.finditer(r"^slot (0x[0-9a-f]+): (.*)$", ctl("sa", "list"), re.M))
    rules = json.loads(ctl("spd", "list", "--json"))
    return sas, lines, rules


def key(n, seed):
    return bytes((seed * 37 + i * 11) & 0xFF for i in range(n))


class Child:
    """A CHILD_SA as IKE would hand it over, and what the card must make of
    it, worked out here."""

    def __init__(self, probe, role, bits, esn, encap, local_ts, remote_ts, seed, rport=4500,
                 window=64, spi_out=None, soft_packets=0, outer=(LOCAL, REMOTE)):
        self.role, self.bits, self.esn, self.encap = role, bits, esn, encap
        self.local, self.remote = outer
        self.local_ts, self.remote_ts = local_ts, remote_ts
        self.lport, self.rport, self.window = 4500, rport, window
        self.spi_in = probe.ok("alloc")["spi"]
        self.spi_out = spi_out or (0xC0000000 | seed << 8 | 0x11)
        n = bits // 8 + 4
        self.i2r, self.r2i = key(n, seed), key(n, seed + 100)
        # RFC 7296 2.17: KEYMAT is i2r then r2i; the exchange's initiator
        # sends with i2r. RFC 4106 8.1: each is the AES key, then the salt.
        self.out_key = self.i2r if role == "i" else self.r2i
        self.in_key = self.r2i if role == "i" else self.i2r
        # TSi is the exchange initiator's side.
        self.tsi, self.tsr = (local_ts, remote_ts) if role == "i" else (remote_ts, local_ts)
        self.soft_packets = soft_packets

    def add_cmd(self, half=False, replaces=0):
        return (f"add spi_in={self.spi_in} spi_out={self.spi_out} role={self.role} bits={self.bits} "
                f"esn={int(self.esn)} i2r={self.i2r.hex()} r2i={self.r2i.hex()} "
                f"tsi={','.join(self.tsi)} tsr={','.join(self.tsr)} local={self.local} remote={self.remote} "
                f"encap={int(self.encap)} lport={self.lport} rport={self.rport} window={self.window} "
                f"wan={'/'.join(WAN_MACS)} lan={'/'.join(LAN_MACS)} soft_packets={self.soft_packets} "
                f"half={int(half)} replaces={replaces}")

    def expect_sas(self, slot_out, out=True):
        e = {self.spi_in & 0xFFF: ("in", self.spi_in, self.remote, self.local)}
        if out:
            e[slot_out] = ("out", self.spi_out, self.local, self.remote)
        return e

    def expect_words(self):
        """What each SA's line must say (and must not)."""
        esn = ["flag esn"] if self.esn else []
        no_esn = [] if self.esn else ["flag esn"]
        enc_out = [f"encap espinudp {self.lport} {self.rport} "] if self.encap else []
        enc_in = [f"encap espinudp {self.rport} {self.lport} "] if self.encap else []
        no_enc = [] if self.encap else ["encap"]
        ksize = "[key hidden] 128"      # the key never reads back; ICV bits
        return {
            "in": (esn + enc_in + [f"replay-window {self.window}", "dir in", ksize,
                                   f"sel src {self.remote_ts[0]} dst {self.local_ts[0]}",
                                   f"ether src {LAN_MACS[0]} dst {LAN_MACS[1]}"], no_esn + no_enc),
            "out": (esn + enc_out + ["dir out", f"ether src {WAN_MACS[0]} dst {WAN_MACS[1]}"],
                    no_esn + no_enc),
        }

    def rule_texts(self, spi_out=None):
        spi = self.spi_out if spi_out is None else spi_out
        return [f"src {l} dst {r} action protect spi 0x{spi:08x}" for l in self.local_ts for r in self.remote_ts]


def check_card(what, expect_sas, expect_rules, words=None):
    """expect_sas: slot -> (dir, spi, src, dst); expect_rules: [(text, slot)];
    words: slot -> (must, must_not)."""
    sas, lines, rules = card()
    got = {s: (v["dir"], v["spi"], v["src"], v["dst"]) for s, v in sas.items()}
    check(got == expect_sas, f"{what}: the card holds SAs {got}, expected {expect_sas}")
    got_rules = [(r["rule"], r["slot"]) for r in rules]
    check(got_rules == expect_rules, f"{what}: the card's rules are {got_rules}, expected {expect_rules}")
    for slot, (must, must_not) in (words or {}).items():
        line = lines.get(slot, "")
        for w in must:
            check(w in line, f"{what}: slot 0x{slot:03x} lacks '{w}': {line}")
        for w in must_not:
            check(w not in line, f"{what}: slot 0x{slot:03x} has '{w}': {line}")
    return sas, rules


def scapy_sa(c, spi, k):
    return SecurityAssociation(ESP, spi=spi, crypt_algo="AES-GCM", crypt_key=k,
                               tunnel_header=IP(src=LOCAL if k == c.out_key else REMOTE,
                                                dst=REMOTE if k == c.out_key else LOCAL),
                               nat_t_header=UDP(sport=4500, dport=c.rport) if c.encap else None,
                               esn_en=c.esn, esn=0)


def traffic_out(c, lan, wan, tag, key=None, spi=None):
    """One packet from the LAN: its ESP on the WAN must open with the key
    RFC 7296 says, and not with the other half of KEYMAT."""
    key = key or c.out_key
    spi = spi or c.spi_out
    wrong = c.in_key if key == c.out_key else c.out_key
    src, dst = c.local_ts[0].split("/")[0][:-1] + "5", c.remote_ts[0].split("/")[0][:-1] + "7"
    payload = f"{tag}: out through the card".encode()
    inner = IP(src=src, dst=dst, ttl=64) / UDP(sport=1234, dport=5678) / Raw(payload)
    wan(op="sniff", mode="esp", count=1)
    lan(op="send", frames=[raw(Ether(src="02:00:0a:00:00:02", dst=LAN_MACS[0]) / inner).hex()])
    frames = wan(op="collect", timeout=15)["frames"]
    if not check(len(frames) == 1, f"{tag}: {len(frames)} ESP frames out of the WAN port, expected 1"):
        return
    f = Ether(bytes.fromhex(frames[0]))
    check((f.src, f.dst) == WAN_MACS, f"{tag}: ESP frame from {f.src} to {f.dst}, expected {WAN_MACS}")
    ip = f[IP]
    check((ip.src, ip.dst) == (LOCAL, REMOTE), f"{tag}: ESP from {ip.src} to {ip.dst}")
    if c.encap:
        check(UDP in ip and (ip[UDP].sport, ip[UDP].dport) == (4500, c.rport),
              f"{tag}: UDP encapsulation {ip[UDP].sport if UDP in ip else None} -> "
              f"{ip[UDP].dport if UDP in ip else None}, expected 4500 -> {c.rport}")
    else:
        check(ip.proto == 50, f"{tag}: IP protocol {ip.proto}, expected ESP (50)")
    esp = ESP(raw(ip[UDP].payload) if c.encap else raw(ip.payload))
    check(esp.spi == spi, f"{tag}: ESP spi 0x{esp.spi:08x}, expected 0x{spi:08x}")
    try:
        dec = scapy_sa(c, spi, key).decrypt(IP(raw(ip)))
        check(raw(dec[UDP].payload) == payload and (dec.src, dec.dst) == (src, dst),
              f"{tag}: decrypted to something else: {dec!r}")
    except Exception as ex:
        check(False, f"{tag}: scapy can't open the ESP with the {'i2r' if key == c.i2r else 'r2i'} "
                     f"key: {ex!r}")
    try:
        scapy_sa(c, spi, wrong).decrypt(IP(raw(ip)))
        check(False, f"{tag}: the ESP opens with the other half of KEYMAT too")
    except Exception:
        pass


def traffic_in(c, lan, wan, tag):
    """ESP from the peer, made by scapy: under the wrong half of KEYMAT the
    card drops it (ICV); under the right one its inner packet reaches the LAN."""
    src, dst = c.remote_ts[0].split("/")[0][:-1] + "7", c.local_ts[0].split("/")[0][:-1] + "5"
    frames = []
    for k, word in (c.out_key, "wrong"), (c.in_key, "right"):
        inner = IP(src=src, dst=dst, ttl=64) / UDP(sport=5678, dport=1234) / Raw(f"{tag}: {word} key".encode())
        sa = SecurityAssociation(ESP, spi=c.spi_in, crypt_algo="AES-GCM", crypt_key=k,
                                 tunnel_header=IP(src=REMOTE, dst=LOCAL),
                                 nat_t_header=UDP(sport=c.rport, dport=4500) if c.encap else None,
                                 esn_en=c.esn, esn=0)
        sa.seq_num = 1
        out = sa.encrypt(IP(raw(inner)))
        if c.encap:
            out[UDP].len = 8 + len(raw(out[ESP]))   # scapy 2.5 leaves 8 there
        frames.append(raw(Ether(src=WAN_MACS[1], dst=WAN_MACS[0]) / IP(raw(out))).hex())
    lan(op="sniff", mode="inner", count=2)
    wan(op="send", frames=frames)
    got = lan(op="collect", timeout=4)["frames"]
    if not check(len(got) == 1, f"{tag}: {len(got)} packets onto the LAN, expected 1 (the right key's)"):
        return
    f = Ether(bytes.fromhex(got[0]))
    check((f.src, f.dst) == LAN_MACS, f"{tag}: inner frame from {f.src} to {f.dst}, expected {LAN_MACS}")
    check(raw(f[IP][UDP].payload) == f"{tag}: right key".encode(), f"{tag}: the LAN got {f[IP]!r}")


def counters_events(p, c, tag, icv=1):
    ct = p.ok(f"counters {c.spi_in}")
    check((ct["out_packets"], ct["in_packets"], ct["in_drops"], ct["out_seq"]) == (1, 1, icv, 1),
          f"{tag}: counters {ct}, expected 1 out (seq 1), 1 in, {icv} dropped")
    s1, s2 = p.ok(f"since {c.spi_in} 0"), None
    s2 = p.ok(f"since {c.spi_in} {s1['mark']}")
    check(s1["seen"] == 1 and s1["mark"] == 1 and s2["seen"] == 0,
          f"{tag}: inbound_since gave {s1} then {s2}")
    evs = p.ok("events")["events"]
    kinds = {(e["type"], e["out"], e["spi_in"], e["spi"]) for e in evs}
    want = {("icv-fail", 0, c.spi_in, c.spi_in)} if icv else set()
    if c.soft_packets:
        want |= {("soft-limit", 1, c.spi_in, c.spi_out), ("soft-limit", 0, c.spi_in, c.spi_in)}
    check(want <= kinds, f"{tag}: events {sorted(kinds)}, expected {sorted(want)} among them")


def open_refused():
    """auto is libnicsec's pci:auto; a spec of no known kind is named."""
    def hello(spec):
        r = subprocess.run([PROBE, spec], input="", capture_output=True, text=True)
        return r.returncode, json.loads(r.stdout.splitlines()[0])
    rc, h = hello("bogus")
    check(rc == 1 and h == {"ok": False, "err": "'bogus' is not sim:PATH, pci:ADDR, auto or none"},
          f"open bogus: {rc} {h}")
    cards = [d for d in os.listdir("/sys/bus/pci/devices")
             if open(f"/sys/bus/pci/devices/{d}/vendor").read().strip() == "0x10ee"
             and open(f"/sys/bus/pci/devices/{d}/device").read().strip() == "0x4e53"]
    if not cards:
        rc, h = hello("auto")
        check(rc == 1 and h["err"].startswith("pci:auto: no nicsec card (10ee:4e53) on the bus"),
              f"open auto without a card: {rc} {h}")


def none_mode():
    """`none`: records and logs, writes nothing."""
    log = LOG + ".none"
    p = Probe("none", log)
    check(p.hello["none"] == 1 and p.hello["name"] == "none", f"none: opened as {p.hello}")
    c = Child(p, "i", 128, False, False, ["10.1.0.0/24"], ["10.2.0.0/24"], 1)
    p.ok(c.add_cmd())
    info = p.ok(f"info {c.spi_in}")
    check(info["found"] and info["slot_in"] == c.spi_in & 0xFFF and info["out_installed"] == 1
          and info["rules"] == [0], f"none: recorded {info}")
    check(p.ok("wiped")["wiped"] == 1, "none: the ike_child's keys were not wiped")
    p.ok(f"del {c.spi_in}")
    p.close()
    check_card("none", {}, [])
    text = open(log).read()
    check("would have installed inbound SA" in text and "would have installed outbound SA" in text
          and "would have written policy rule 0: 10.1.0.0/24 === 10.2.0.0/24" in text,
          f"none: the log does not say what would have been installed: {text[:300]}")
    check(c.i2r.hex() not in text and c.r2i.hex() not in text and "[key hidden]" in text,
          "none: the log shows key material")


def one_child(p, lan, wan, tag, **kw):
    """Install, check the card, traffic both ways, counters and events,
    delete, check nothing is left."""
    c = Child(p, **kw, soft_packets=1)
    check(c.spi_in >= 0x100, f"{tag}: inbound SPI 0x{c.spi_in:08x} is a reserved one")
    p.ok(c.add_cmd())
    check(p.ok("wiped")["wiped"] == 1, f"{tag}: the ike_child's keys were not wiped")
    info = p.ok(f"info {c.spi_in}")
    so = info["slot_out"]
    check(info["slot_in"] == c.spi_in & 0xFFF, f"{tag}: inbound SA in slot {info['slot_in']}, "
          f"its SPI names 0x{c.spi_in & 0xFFF:03x}")
    w = c.expect_words()
    check_card(tag, c.expect_sas(so), [(t, so) for t in c.rule_texts()],
               {c.spi_in & 0xFFF: w["in"], so: w["out"]})
    traffic_out(c, lan, wan, f"{tag} out")
    traffic_in(c, lan, wan, f"{tag} in")
    counters_events(p, c, tag)
    p.ok(f"del {c.spi_in}")
    check_card(f"{tag} deleted", {}, [])
    check(not p.ok(f"info {c.spi_in}")["found"], f"{tag}: still recorded after delete")
    return c


def rekey(p, lan, wan):
    """Make-before-break: new inbound first, then the outbound and the rule
    switched (repointed in place), the old CHILD_SA deleted last."""
    tag = "rekey"
    old = Child(p, "r", 256, True, True, ["10.3.0.0/24"], ["10.4.0.0/24"], 7, rport=31001)
    p.ok(old.add_cmd())
    oi = p.ok(f"info {old.spi_in}")
    new = Child(p, "i", 256, True, True, ["10.3.0.0/24"], ["10.4.0.0/24"], 8, rport=31001)
    check(new.spi_in & 0xFFF not in (oi["slot_in"], oi["slot_out"]),
          f"{tag}: the new inbound SPI reuses a slot of the old CHILD_SA")
    p.ok(new.add_cmd(half=True, replaces=old.spi_in))
    ni = p.ok(f"info {new.spi_in}")
    check(ni["out_installed"] == 0 and ni["rules"] == [], f"{tag}: half install recorded as {ni}")
    exp = old.expect_sas(oi["slot_out"]) | new.expect_sas(None, out=False)
    check_card(f"{tag} inbound half", exp, [(t, oi["slot_out"]) for t in old.rule_texts()])
    traffic_out(old, lan, wan, f"{tag} before the switch")
    # A colliding rekey of the same CHILD_SA, staged too: the first to
    # switch takes the rule, the other is refused and deleted.
    rival = Child(p, "r", 256, True, True, ["10.3.0.0/24"], ["10.4.0.0/24"], 10, rport=31001)
    p.ok(rival.add_cmd(half=True, replaces=old.spi_in))
    p.ok(f"switch {new.spi_in}")
    r = p(f"switch {rival.spi_in}")
    check(not r["ok"] and "has handed its rules on already" in r["err"], f"{tag}: the rival's switch gave {r}")
    p.ok(f"del {rival.spi_in}")
    ni = p.ok(f"info {new.spi_in}")
    check(ni["rules"] == oi["rules"], f"{tag}: the rule moved from index {oi['rules']} to {ni['rules']}")
    exp = old.expect_sas(oi["slot_out"]) | new.expect_sas(ni["slot_out"])
    check_card(f"{tag} switched", exp, [(t, ni["slot_out"]) for t in new.rule_texts()])
    traffic_out(new, lan, wan, f"{tag} after the switch")
    p.ok(f"del {old.spi_in}")
    check_card(f"{tag} old deleted", new.expect_sas(ni["slot_out"]),
               [(t, ni["slot_out"]) for t in new.rule_texts()])
    # Rekeyed to narrower selectors: the new rule goes in beside the old
    # one before the old one goes, never a moment with neither.
    tag = "rekey, new selectors"
    nxt = Child(p, "r", 128, False, False, ["10.3.0.0/24"], ["10.4.0.0/25"], 9)
    p.ok(nxt.add_cmd(half=True, replaces=new.spi_in))
    check_card(f"{tag} inbound half", new.expect_sas(ni["slot_out"]) | nxt.expect_sas(None, out=False),
               [(t, ni["slot_out"]) for t in new.rule_texts()])
    p.ok(f"switch {nxt.spi_in}")
    xi = p.ok(f"info {nxt.spi_in}")
    check(xi["rules"] == [ni["rules"][0] + 1], f"{tag}: the new rule at {xi['rules']}, expected the next free "
          f"index after {ni['rules']}")
    rules = [r for r in json.loads(ctl("spd", "list", "--json"))]
    check([(r["index"], r["rule"], r["slot"]) for r in rules] ==
          [(xi["rules"][0], nxt.rule_texts()[0], xi["slot_out"])], f"{tag}: the card's rules are {rules}")
    traffic_out(nxt, lan, wan, f"{tag} after the switch")
    p.ok(f"del {new.spi_in}")
    p.ok(f"del {nxt.spi_in}")
    check_card(f"{tag} all deleted", {}, [])


def refusals(p):
    """Capacity and bad requests: one line each, the card unchanged."""
    tag = "capacity"
    # 3 local prefixes x 14 remote ones (10.2.0.1 .. 10.2.0.254) = 42 rules.
    big_l = ["10.1.0.0/24", "10.5.0.0/24", "10.6.0.0/24"]
    big_r = "10.2.0.1-10.2.0.254"
    x = Child(p, "i", 128, False, False, big_l, [big_r], 20)
    p.ok(x.add_cmd())
    before = card()
    check(len(before[2]) == 42, f"{tag}: {len(before[2])} rules for 3 x 14 prefixes, expected 42")
    y = Child(p, "r", 128, False, False, ["10.7.0.0/24", "10.8.0.0/24", "10.9.0.0/24"], [big_r], 21)
    r = p(y.add_cmd())
    check(not r["ok"] and r["err"] == f"{SPEC}: no free policy rule: CHILD_SA 0x{y.spi_in:08x} "
          "needs 42, 22 of 64 are free", f"{tag}: rules full gave {r}")
    check(card() == before, f"{tag}: the refused CHILD_SA changed the card")
    # The same outbound SPI as x's: the card's rules name SAs by SPI.
    z = Child(p, "i", 128, False, False, ["10.7.0.0/24"], ["10.8.0.0/24"], 22, spi_out=x.spi_out)
    r = p(z.add_cmd())
    check(not r["ok"] and f"outbound SPI 0x{x.spi_out:08x} is that of CHILD_SA 0x{x.spi_in:08x}" in r["err"],
          f"{tag}: a second outbound SA with one SPI gave {r}")
    r = p(z.add_cmd().replace("tsi=10.7.0.0/24", "tsi=10.7.0.0/24#80-80").replace(
        f"spi_out={z.spi_out}", "spi_out=0x99"))
    check(not r["ok"] and "match the protocol but not ports" in r["err"], f"{tag}: a port selector gave {r}")
    # SA slots: take every one there is as inbound SPIs.
    t0 = time.time()
    fill = p.ok("fill")
    m = re.search(r"no free SA slot for a new inbound SPI: all 4096 SA slots are taken: (\d+) by our SAs, "
                  r"(\d+) promised to CHILD_SAs being negotiated, (\d+) in quarantine", fill["err"])
    check(m is not None, f"{tag}: SA slots full gave '{fill['err']}'")
    if m:
        ours, promised, quiet = map(int, m.groups())
        check(ours == 2 and promised == fill["n"] + 2 and ours + promised + quiet == 4096,
              f"{tag}: {fill['n']} SPIs handed out, then: {fill['err']}")
    # A CHILD_SA whose inbound SPI is promised but finds no slot for its
    # outbound SA: refused before anything is written.
    r = p(y.add_cmd().replace("10.7.0.0/24,10.8.0.0/24,10.9.0.0/24", "10.7.0.0/24"))
    check(not r["ok"] and "no free SA slot for an outbound SA" in r["err"], f"{tag}: no slot gave {r}")
    check(card() == before, f"{tag}: a refused CHILD_SA (one SPI twice, ports, no slot) changed the card")
    p.ok("unfill")
    print(f"  {fill['n']} SPIs handed out and freed in {time.time() - t0:.1f} s", flush=True)
    # Quarantine: x's two slots are not handed out again at once, even with
    # nothing else free, but are after DP_QUARANTINE_MS.
    xi = p.ok(f"info {x.spi_in}")
    p.ok(f"free {y.spi_in}")
    p.ok(f"free {z.spi_in}")
    r = p(f"free {z.spi_in}")
    check(not r["ok"] and "was not handed out by dp_spi_alloc" in r["err"], f"{tag}: a second free gave {r}")
    time.sleep(1.1)                     # earlier deletes' quarantines over
    fill = p.ok("fill")
    check(fill["n"] == 4094, f"{tag}: {fill['n']} SPIs beside x's two slots, expected 4094")
    p.ok(f"del {x.spi_in}")
    r = p("alloc")
    check(not r["ok"] and "0 by our SAs, 4094 promised" in r["err"] and "2 in quarantine" in r["err"],
          f"{tag}: right after a delete: {r}")
    time.sleep(1.1)
    spi = p.ok("alloc")["spi"]
    check(spi & 0xFFF in (xi["slot_in"], xi["slot_out"]),
          f"{tag}: after the quarantine, slot 0x{spi & 0xFFF:03x}, expected one of x's")
    p.ok(f"free {spi}")
    p.ok("unfill")
    check_card(f"{tag} after", {}, [])


def traps(p, lan, wan):
    """Trap rules: punt rules for a child's selectors, read back by
    nicsecctl; a LAN packet they match goes to the host, not the WAN; they
    come off whole; a refused trap leaves the card as it was."""
    tag = "trap"
    r = p.ok("trap 7 tsi=10.1.0.0/24,10.3.0.0/24 tsr=10.2.0.0/24")
    want = ["src 10.1.0.0/24 dst 10.2.0.0/24 action punt", "src 10.3.0.0/24 dst 10.2.0.0/24 action punt"]
    check_card(tag, {}, [(t, -1) for t in want])        # slot -1: no SA
    rules = card()[2]
    check([x["index"] for x in rules] == r["rules"], f"{tag}: the probe says rules {r['rules']}, "
          f"the card holds {[x['index'] for x in rules]}")
    # a packet the rules match: to the host (to_host), nothing on the WAN
    before = json.loads(ctl("stats", "--json"))["global"]["to_host"]
    wan(op="sniff", mode="inner", count=1)
    inner = IP(src="10.1.0.5", dst="10.2.0.7") / UDP(sport=1234, dport=5678) / Raw(b"trapped")
    lan(op="send", frames=[raw(Ether(src="02:00:0a:00:00:02", dst=LAN_MACS[0]) / inner).hex()])
    frames = wan(op="collect", timeout=2)["frames"]
    after = json.loads(ctl("stats", "--json"))["global"]["to_host"]
    check(not frames and after == before + 1, f"{tag}: a matching packet: to_host {before} -> {after}, "
          f"{len(frames)} frames on the WAN")
    for cmd, err in (("trap 7 tsi=10.5.0.0/24 tsr=10.6.0.0/24", "trap 7: its rules are on the card already"),
                     ("trap 8 tsi=10.5.0.0/24#80-80 tsr=10.6.0.0/24", "match the protocol but not ports"),
                     ("trap 0 tsi=10.5.0.0/24 tsr=10.6.0.0/24", "trap 0: key 0 is not a key")):
        x = p(cmd)
        check(not x["ok"] and err in x["err"], f"{tag}: '{cmd}' gave {x}")
    check(card()[2] == rules, f"{tag}: a refused trap changed the card's rules")
    # a CHILD_SA beside it takes the next rules; the trap's go whole
    c = Child(p, "i", 128, False, False, ["10.1.0.0/24"], ["10.2.0.0/24"], 30)
    p.ok("untrap 7")
    p.ok(c.add_cmd())
    so = p.ok(f"info {c.spi_in}")["slot_out"]
    check_card(f"{tag} off, CHILD_SA on", c.expect_sas(so), [(t, so) for t in c.rule_texts()])
    check(card()[2][0]["index"] == rules[0]["index"], f"{tag}: the CHILD_SA's rule is not at the "
          f"trap's old index {rules[0]['index']}")
    p.ok(f"del {c.spi_in}")
    check(p("untrap 7")["ok"], f"{tag}: a second untrap is not a no-op")
    check_card(f"{tag} after", {}, [])


def ipv6(p):
    """IPv6 outside and in: the card's SAs and rule as nicsecctl reads them
    back (the wire tests above are IPv4)."""
    tag = "IPv6"
    c = Child(p, "r", 128, True, True, ["2001:db8:1::/64"], ["2001:db8:2::/64", "2001:db8:3::/64"], 40,
              rport=4501, outer=("2001:db8::1", "2001:db8::2"))
    p.ok(c.add_cmd())
    info = p.ok(f"info {c.spi_in}")
    w = c.expect_words()
    w["in"] = ([x for x in w["in"][0] if not x.startswith("sel ")] + ["sel src 2001:db8:2::/47 dst 2001:db8:1::/64"],
               w["in"][1])
    check_card(tag, c.expect_sas(info["slot_out"]), [(t, info["slot_out"]) for t in c.rule_texts()],
               {c.spi_in & 0xFFF: w["in"], info["slot_out"]: w["out"]})
    p.ok(f"del {c.spi_in}")
    check_card(f"{tag} deleted", {}, [])
    text = open(LOG).read()
    check("the card checks inbound packets against 2001:db8:2::/47 === 2001:db8:1::/64, more than the 2 and 1"
          in text, f"{tag}: no word of the wider inbound selector in the log")


def foreign():
    """SAs and rules nicsecd did not install are left alone: those there at
    open, an SA added to a slot and a rule added to the very index the data
    plane had promised itself, while it runs."""
    tag = "not ours"
    k = "0x" + "ab" * 20
    sa = f"src 192.0.2.9 dst 192.0.2.1 proto esp mode tunnel aead rfc4106(gcm(aes)) {k} 128 dir in"
    ctl("sa", "add", *sa.split(), "spi", "0x00abc005")
    ctl("spd", "add", *"src 10.9.0.0/24 dst 10.8.0.0/24 action bypass".split())
    p = Probe(SPEC, LOG + ".foreign")
    c = Child(p, "i", 128, False, False, ["10.1.0.0/24"], ["10.2.0.0/24"], 30)
    check(c.spi_in & 0xFFF != 5, f"{tag}: SPI 0x{c.spi_in:08x} names the taken slot 5")
    p.ok(c.add_cmd(half=True))
    ctl("spd", "add", *"src 10.7.0.0/24 dst 10.8.0.0/24 action bypass".split())   # index 1: promised to c
    ctl("sa", "add", *sa.split(), "spi", "0x00abd7ff")
    p.ok(f"switch {c.spi_in}")
    info = p.ok(f"info {c.spi_in}")
    theirs = {5: ("in", 0x00abc005, "192.0.2.9", LOCAL), 0x7ff: ("in", 0x00abd7ff, "192.0.2.9", LOCAL)}
    bypass = [("src 10.9.0.0/24 dst 10.8.0.0/24 action bypass", -1),
              ("src 10.7.0.0/24 dst 10.8.0.0/24 action bypass", -1)]
    check_card(tag, theirs | c.expect_sas(info["slot_out"]), bypass + [(t, info["slot_out"]) for t in c.rule_texts()])
    check(info["rules"] == [2], f"{tag}: the protect rule at {info['rules']}, expected 2 (0 and 1 taken)")
    fill = p.ok("fill")
    check(", 2 by SAs nicsecd did not install" in fill["err"], f"{tag}: slots full: {fill['err']}")
    p.ok("unfill")
    p.ok(f"del {c.spi_in}")
    p.close()
    check_card(f"{tag}, ours deleted", theirs, bypass)
    text = open(LOG + ".foreign").read()
    check("holds 1 SAs and 1 policy rules nicsecd did not install" in text, f"{tag}: the log at open: {text[:200]}")
    check("policy rule 1 was written by someone else meanwhile" in text, f"{tag}: the log: {text[-400:]}")
    ctl("sa", "del", "spi", "0x00abc005")
    ctl("sa", "del", "spi", "0x00abd7ff")
    ctl("spd", "del", "0")
    ctl("spd", "del", "1")
    check_card(f"{tag}, cleaned", {}, [])


def main():
    t0 = time.time()
    last = [time.time()]

    def phase(name):
        print(f"  {name}: {time.time() - last[0]:.1f} s", flush=True)
        last[0] = time.time()

    open_refused()
    none_mode()
    phase("open refused, none")
    lan, wan = Wire(LAN_NS, LAN_IF), Wire(WAN_NS, WAN_IF)
    p = Probe(SPEC, LOG)
    check(p.hello["none"] == 0 and p.hello["name"] == SPEC, f"card: opened as {p.hello}")
    a = one_child(p, lan, wan, "initiator, ESP, 128-bit", role="i", bits=128, esn=False, encap=False,
                  local_ts=["10.1.0.0/24"], remote_ts=["10.2.0.0/24"], seed=1)
    phase("initiator")
    b = one_child(p, lan, wan, "responder, UDP 4500 -> 31000, ESN, 256-bit", role="r", bits=256, esn=True,
                  encap=True, local_ts=["10.1.0.0/24"], remote_ts=["10.2.0.0/24"], seed=2, rport=31000,
                  window=128)
    phase("responder")
    rekey(p, lan, wan)
    phase("rekey")
    traps(p, lan, wan)
    phase("traps")
    ipv6(p)
    refusals(p)
    phase("IPv6, refusals")
    p.close()
    foreign()
    phase("not ours")
    lan.close()
    wan.close()
    text = open(LOG).read()
    for c in a, b:
        check(c.i2r.hex() not in text and c.r2i.hex() not in text, "card: the log shows key material")
    if failures:
        print(f"dataplane: FAIL: {len(failures)} checks failed (log: {LOG})")
        return 1
    print(f"dataplane: CHILD_SAs installed, checked by nicsecctl and opened on the wire by scapy for both roles, "
          f"with and without UDP encapsulation and ESN; rekey, delete, trap rules, capacity, what is not ours left alone; "
          f"{time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
