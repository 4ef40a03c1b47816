#!/usr/bin/python3
"""Checks one card scenario after `nicsec-sim replay --json` ran in its directory
(tests/esp/card_vectors.py made it).

    check_card.py DIR

DIR holds expect.json, result.json (what nicsec-sim printed) and the output
pcaps. Checked:
- WAN out: every ESP frame opened by scapy's SecurityAssociation (16-byte ICV)
  and by python3-cryptography's AES-GCM (all ICVs), and must be the inner
  packet expected, byte for byte, under the right SA, with the expected
  sequence number (1, 2, 3 ... from the SA's start; the high half too with
  ESN), the SA's Ethernet addresses, outer addresses and UDP ports, a valid
  IPv4 header checksum, consistent IP and UDP lengths, padding 1, 2, 3 ... and
  the right next header; each SA's packets in the order they came in. Bypassed
  frames unchanged. Nothing else.
- LAN out: exactly the frames expected (the SA's Ethernet header and the inner
  packet), in the order they came in. Nothing else.
- host out: exactly the frames expected, unchanged, as many from each port.
- the host's own frames out of the LAN and WAN (host_tx): each out of its port
  unchanged, in the order the host sent them, whatever came between, and
  nowhere else; some of the data path's frames between them on each port (else
  the port's arbiter had nothing to choose between). They are told from the
  data path's frames by their bytes, and taken out before the checks above.
- every global counter, every SA's packets, bytes, drops by reason and last
  sequence number, and the events (type, direction, SPI), exactly.
"""
import collections
import json
import os
import struct
import sys

from scapy.all import IP, IPv6, Ether, raw
from scapy.utils import RawPcapReader

import cardlib
from cardlib import SA

M32 = 0xFFFFFFFF


def read_pcap(path):
    if not os.path.exists(path):
        return None
    return [bytes(p) for p, _ in RawPcapReader(path)]


def describe(frame):
    try:
        return Ether(frame).summary() + f" ({len(frame)} bytes)"
    except Exception:  # a frame too broken for scapy is still worth naming
        return f"{len(frame)} bytes: {frame[:32].hex()}..."


class Checker:
    def __init__(self, d):
        self.d = d
        with open(os.path.join(d, "expect.json")) as f:
            self.exp = json.load(f)
        self.failures = []
        self.counts = collections.Counter()

    def fail(self, msg):
        self.failures.append(msg)

    # ---- WAN: ESP and bypassed frames ------------------------------------------

    def esp_frame(self, frame, sa, seq, inner):
        """None, or what is wrong with an ESP frame expected to carry inner."""
        e = Ether(frame)
        if e.dst != sa.eth_dst or e.src != sa.eth_src:
            return f"Ethernet {e.src} > {e.dst}, SA says {sa.eth_src} > {sa.eth_dst}"
        ip = frame[14:]
        if sa.v6:
            if e.type != 0x86DD or ip[0] >> 4 != 6:
                return "not IPv6 outside"
            hdr = IPv6(ip)
            if hdr.plen != len(ip) - 40:
                return f"IPv6 payload length {hdr.plen}, packet has {len(ip) - 40}"
            proto, l4 = hdr.nh, 40
        else:
            if e.type != 0x0800 or ip[0] != 0x45:
                return "not IPv4 (without options) outside"
            hdr = IP(ip)
            if hdr.len != len(ip):
                return f"IPv4 total length {hdr.len}, packet has {len(ip)}"
            check = IP(ip[:20])
            del check.chksum
            if IP(raw(check)).chksum != hdr.chksum:
                return f"IPv4 header checksum {hdr.chksum:#06x} is wrong"
            if hdr.frag or hdr.flags.MF:
                return "IPv4 fragment"
            proto, l4 = hdr.proto, 20
        if hdr.src != sa.src or hdr.dst != sa.dst:
            return f"outer {hdr.src} > {hdr.dst}, SA says {sa.src} > {sa.dst}"
        if sa.udp:
            if proto != 17:
                return f"protocol {proto}, not UDP"
            sport, dport, ulen, csum = struct.unpack("!HHHH", ip[l4:l4 + 8])
            if (sport, dport) != (sa.sport, sa.dport):
                return f"UDP {sport} > {dport}, SA says {sa.sport} > {sa.dport}"
            if ulen != len(ip) - l4:
                return f"UDP length {ulen}, datagram has {len(ip) - l4}"
            if csum != 0:
                return f"UDP checksum {csum:#06x}, RFC 3948 senders write 0"
            l4 += 8
        elif proto != 50:
            return f"protocol {proto}, not ESP"
        esp = ip[l4:]
        spi, low = struct.unpack("!II", esp[:8])
        if spi != sa.spi or low != seq & M32:
            return f"ESP spi {spi:#x} seq {low:#x}, expected spi {sa.spi:#x} seq {seq & M32:#x}"
        if (len(esp) - 8 - sa.icv) % 4:
            return f"ESP payload of {len(esp) - 8 - sa.icv} bytes is not 4-byte aligned"
        plain = cardlib.esp_open(sa, esp, seq)
        if plain is None:
            return f"ICV ({sa.icv} bytes) does not verify (python3-cryptography)"
        padlen, nh = plain[-2], plain[-1]
        if plain[:-2 - padlen] != inner:
            return "it carries " + self.which_inner(sa, plain[:-2 - padlen])
        if plain[-2 - padlen:-2] != bytes(range(1, padlen + 1)):
            return f"padding {plain[-2 - padlen:-2].hex()}"
        if nh != (41 if inner[0] >> 4 == 6 else 4):
            return f"next header {nh}"
        if sa.icv == 16:
            try:
                got = cardlib.scapy_decrypt(sa, ip, seq)
            except Exception as ex:  # scapy's IPSecIntegrityError and kin
                return f"scapy can not decrypt it: {ex!r}"
            if got != inner:
                return "scapy decrypts it to something else than the inner packet"
            self.counts["scapy"] += 1
        return None

    def which_inner(self, sa, got):
        """Names the packet an ESP frame carries instead of the expected one."""
        for x in self.exp["wan_out"]:
            if x["kind"] == "esp" and x["spi"] == sa.spi and bytes.fromhex(x["inner"]) == got:
                return f"the packet expected with seq {x['seq']:#x} (numbers out of step)"
        lan_in = getattr(self, "lan_in", None)
        if lan_in is None:
            self.lan_in = lan_in = read_pcap(os.path.join(self.d, "lan-in.pcap")) or []
        for n, f in enumerate(lan_in):
            if len(got) >= 20 and f[14:14 + 20] == got[:20]:
                return (f"LAN input frame {n + 1} ({len(f)} bytes), which should not have been sent: "
                        f"{describe(f)}")
        return f"a packet that was never sent to it ({len(got)} bytes)"

    def check_wan(self, frames, sas):
        expected = self.exp["wan_out"]
        by_key = {}
        for i, x in enumerate(expected):
            key = ("esp", x["spi"], x["seq"] & M32) if x["kind"] == "esp" else ("plain", x["frame"])
            by_key.setdefault(key, []).append(i)
        seen = set()
        last = {}
        for n, f in enumerate(frames):
            key = ("plain", f.hex())
            if key not in by_key:
                key = None
                try:
                    e = Ether(f)
                    off = 14 + (40 if e.type == 0x86DD else 20)
                    proto = f[20] if e.type == 0x86DD else f[23]
                    if proto == 17:
                        off += 8
                    spi, low = struct.unpack("!II", f[off:off + 8])
                    key = ("esp", spi, low)
                except Exception:  # not ESP; reported below
                    pass
            idx = [i for i in by_key.get(key, []) if i not in seen]
            if not idx:
                self.fail(f"WAN out frame {n + 1} was not expected: {describe(f)}")
                continue
            i = idx[0]
            seen.add(i)
            x = expected[i]
            if x["kind"] == "esp":
                sa = sas[("out", x["spi"])]
                why = self.esp_frame(f, sa, x["seq"], bytes.fromhex(x["inner"]))
                if why:
                    self.fail(f"WAN out frame {n + 1} (spi {sa.spi:#010x}, seq {x['seq']:#x}): {why}")
                    continue
                if last.get(sa.spi, -1) > x["seq"]:
                    self.fail(f"WAN out frame {n + 1}: spi {sa.spi:#010x} seq {x['seq']:#x} "
                              f"came after seq {last[sa.spi]:#x}")
                last[sa.spi] = x["seq"]
            self.counts["wan"] += 1
        for i, x in enumerate(expected):
            if i not in seen:
                what = (f"ESP spi {x['spi']:#010x} seq {x['seq']:#x}" if x["kind"] == "esp"
                        else describe(bytes.fromhex(x["frame"])))
                self.fail(f"WAN out: missing {what}")

    # ---- the host's frames out of the ports ----------------------------------------

    def split_host_tx(self, port, frames):
        """Takes the host's frames for port ("lan" or "wan") out of what came out
        of it and checks them; returns the data path's frames, in order."""
        sent = self.exp.get("host_tx", {})
        want = [bytes.fromhex(x) for x in sent.get(port, [])]
        other = "wan" if port == "lan" else "lan"
        mine, theirs = set(want), {bytes.fromhex(x) for x in sent.get(other, [])}
        name = port.upper()
        got, rest, at = [], [], []   # at: where in the output the host's frames were
        for n, f in enumerate(frames):
            if f in mine:
                got.append(f)
                at.append(n)
            elif f in theirs:
                self.fail(f"{name} out frame {n + 1} is the host's for the {other.upper()}: {describe(f)}")
            else:
                rest.append(f)
        # the data path's frames that came after the host's first and before its last
        between = at[-1] - at[0] + 1 - len(at) if at else 0
        if got != want:
            w, g = collections.Counter(want), collections.Counter(got)
            for f, k in (w - g).items():
                self.fail(f"{name} out: the host's frame {want.index(f) + 1} missing ({k}): {describe(f)}")
            for f, k in (g - w).items():
                self.fail(f"{name} out: the host's frame {want.index(f) + 1} came {k} more times: "
                          f"{describe(f)}")
            if w == g:
                n = next(i for i, (a, b) in enumerate(zip(got, want)) if a != b)
                self.fail(f"{name} out: the host's frames out of order from its frame {n + 1}: "
                          f"{describe(got[n])}, expected {describe(want[n])}")
        if len(want) > 1 and not between:
            self.fail(f"{name} out: none of the data path's frames came between the host's "
                      f"{len(want)}: the port's arbiter had only one kind to take")
        self.counts[f"host_tx_{port}"] = len(got) if got == want else 0
        self.counts[f"between_{port}"] = between
        return rest

    # ---- LAN and host ----------------------------------------------------------

    def check_lan(self, frames):
        expected = [bytes.fromhex(x) for x in self.exp["lan_out"]]
        if frames == expected:
            self.counts["lan"] = len(frames)
            return
        want, got = collections.Counter(expected), collections.Counter(frames)
        for f in (want - got):
            self.fail(f"LAN out: missing {describe(f)}")
        for f in (got - want):
            self.fail(f"LAN out: not expected: {describe(f)}")
        if want == got:
            n = next(i for i, (a, b) in enumerate(zip(frames, expected)) if a != b)
            self.fail(f"LAN out: the right frames in another order, from frame {n + 1}: "
                      f"{describe(frames[n])}, expected {describe(expected[n])}")

    def check_host(self, frames, outputs):
        expected = self.exp["host_out"]
        want = collections.Counter(bytes.fromhex(x["frame"]) for x in expected)
        got = collections.Counter(frames)
        sent = {bytes.fromhex(x) for v in self.exp.get("host_tx", {}).values() for x in v}
        for f in (want - got):
            self.fail(f"host out: missing {describe(f)}")
        for f in (got - want):
            why = "the host's own frame, sent back to it" if f in sent else "not expected"
            self.fail(f"host out: {why}: {describe(f)}")
        for port in ("lan", "wan"):
            n = sum(1 for x in expected if x["port"] == port)
            if outputs[f"host_from_{port}"] != n:
                self.fail(f"host out: {outputs[f'host_from_{port}']} frames marked as from the "
                          f"{port.upper()}, expected {n}")
        self.counts["host"] = len(frames)

    # ---- counters and events ---------------------------------------------------------

    def check_counters(self, res):
        for name, v in self.exp["global"].items():
            if res["global"].get(name) != v:
                self.fail(f"counter {name}: {res['global'].get(name)}, expected {v}")
        got = {(s["dir"], s["spi"]): s for s in res["sas"]}
        for e in self.exp["sas"]:
            sa, x = e["sa"], e["expect"]
            g = got.get((sa["dir"], sa["spi"]))
            name = f"SA {sa['dir']} spi {sa['spi']:#010x}"
            if g is None:
                self.fail(f"{name}: not in nicsec-sim's report")
                continue
            for k in ("packets", "bytes", "seq"):
                if k in x and g.get(k) != x[k]:
                    self.fail(f"{name}: {k} {g.get(k)}, expected {x[k]}")
            for k, v in x["drops"].items():
                if g["drops"].get(k) != v:
                    self.fail(f"{name}: drops {k} {g['drops'].get(k)}, expected {v}")

    def check_events(self, res):
        key = lambda e: (e["type"], e["dir"], e.get("spi"))
        want = collections.Counter(key(e) for e in self.exp["events"])
        got = collections.Counter(key(e) for e in res["events"])
        for e, n in (want - got).items():
            self.fail(f"event {e[0]} {e[1]} spi {e[2]:#010x}: missing ({n})")
        for e, n in (got - want).items():
            spi = f"{e[2]:#010x}" if e[2] is not None else "(no SA of the file)"
            self.fail(f"event {e[0]} {e[1]} spi {spi}: not expected ({n})")

    def run(self):
        d = self.d
        try:
            with open(os.path.join(d, "result.json")) as f:
                res = json.load(f)
        except (OSError, ValueError) as ex:
            self.fail(f"no result from nicsec-sim: {ex}")
            return
        for p in res.get("problems", []):
            self.fail(f"nicsec-sim: {p}")
        sas = {(e["sa"]["dir"], e["sa"]["spi"]): SA.from_json(e["sa"]) for e in self.exp["sas"]}
        outs = {p: read_pcap(os.path.join(d, f"{p}-out.pcap")) for p in ("lan", "wan", "host")}
        for p, frames in outs.items():
            if frames is None:
                self.fail(f"no {p}-out.pcap")
                outs[p] = []
        self.check_wan(self.split_host_tx("wan", outs["wan"]), sas)
        self.check_lan(self.split_host_tx("lan", outs["lan"]))
        self.check_host(outs["host"], res["outputs"])
        self.check_counters(res)
        self.check_events(res)
        self.counts["cycles"] = res.get("cycles", 0)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    c = Checker(sys.argv[1])
    c.run()
    e = c.exp
    head = f"check_card: {e['scenario']} LANES={e['lanes']}"
    for msg in c.failures[:15]:
        print(f"{head}: {msg}")
    if len(c.failures) > 15:
        print(f"{head}: ... {len(c.failures) - 15} more")
    n = c.counts
    sent = e.get("host_tx", {})
    host_tx = ""
    if any(sent.values()):
        host_tx = (f"host's own out of the LAN {n['host_tx_lan']}/{len(sent['lan'])} "
                   f"({n['between_lan']} data-path frames between), out of the WAN "
                   f"{n['host_tx_wan']}/{len(sent['wan'])} ({n['between_wan']} between), ")
    print(f"{head}: WAN out {n['wan']}/{len(e['wan_out'])} ({n['scapy']} opened by scapy), "
          f"LAN out {n['lan']}/{len(e['lan_out'])}, host {n['host']}/{len(e['host_out'])}, "
          f"{host_tx}{len(e['events'])} events, {n['cycles']} cycles: "
          f"{'FAILED, ' + str(len(c.failures)) + ' problems' if c.failures else 'passed'}")
    sys.exit(1 if c.failures else 0)


if __name__ == "__main__":
    main()
