"""A card scenario as it is built: the SAs, the frames put into the LAN and WAN
ports, and for each frame what the card must do with it, kept as the frames
that must come out and the counters and events that must read back.

The counters follow the card's contract (docs/nicsec-sim.md):
- every frame in counts in lan_rx or wan_rx; every frame out in lan_tx, wan_tx
  or host_rx;
- a LAN frame the host gets (no rule matched, a punt rule, not IP) counts in
  to_host, a WAN frame (IKE, NAT-T keepalives, ARP) in wan_to_host;
- a frame the host sends out of a port counts in host_tx, and in lan_tx or
  wan_tx as it leaves, unchanged;
- an outbound packet takes the next sequence number while the last one sent is
  below 2^32 - 1 (2^64 - 1 with ESN), else it is dropped (seq_exhausted); it is
  sent while the SA's packet and byte counts before it are below the hard
  limits (xfrm's rule), else dropped (lifetime);
- an inbound packet is checked for replay (RFC 4303 Appendix A, before the
  ICV), then ICV, trailer, selector, then lifetime as outbound; only a packet
  that passes all of them moves the replay window;
- soft_limit / hard_limit fire with the packet that takes a count from below
  the limit to at or above it; seq_near_exhaustion with the packet that takes
  the sequence number to 2^20 before the end; seq_exhausted with the packet
  that takes the last number; icv_failure with an SA's first ICV failure.
"""
import os
import random

from scapy.utils import RawPcapWriter

import cardlib
from cardlib import NO_LIMIT, SA

M32 = 0xFFFFFFFF
NEAR = 1 << 20

# The Ethernet addresses of the test's own hosts and of the card's ports.
LAN_HOST_MAC = "02:10:00:00:00:01"
CARD_LAN_MAC = "02:10:00:00:00:fe"
PEER_MAC = "02:20:00:00:00:01"
CARD_WAN_MAC = "02:20:00:00:00:fe"


def infer_hi(top, window, low):
    """RFC 4303 Appendix A2.2: the high half a receiver infers for low."""
    tl, th = top & M32, top >> 32
    if tl >= window - 1:
        return th if low >= tl - window + 1 else th + 1
    return th - 1 if low >= (tl - window + 1) & M32 else th


class ReplayWindow:
    """RFC 4303 section 3.4.3 over full sequence numbers: the highest seen, T,
    and which of T - W + 1 .. T have been."""

    def __init__(self, size, top):
        self.size, self.top, self.seen = size, top, set()

    def check(self, seq):
        if self.size == 0:
            return True
        if seq > self.top:
            return True
        if seq + self.size <= self.top:
            return False
        return seq not in self.seen

    def update(self, seq):
        if self.size == 0:
            return
        if seq > self.top:
            self.top = seq
        self.seen.add(seq)
        self.seen = {s for s in self.seen if s + self.size > self.top}


class SaState:
    """What the test expects the card to hold for one SA."""

    def __init__(self, sa):
        self.sa = sa
        self.packets = self.bytes = 0
        self.drops = dict.fromkeys(cardlib.DROP_NAMES, 0)
        self.seq = sa.start               # outbound: last sent
        self.window = ReplayWindow(sa.window, sa.start)
        self.icv_failed = False

    def limit(self, name):
        return self.sa.limits.get(name, NO_LIMIT)

    def lifetime_ok(self):
        return self.packets < self.limit("packet-hard") and self.bytes < self.limit("byte-hard")

    def count(self, nbytes):
        """Counts a packet in; returns the limit events it raises."""
        before = (self.packets, self.bytes)
        self.packets += 1
        self.bytes += nbytes
        after = (self.packets, self.bytes)
        events = []
        for kind, pk, bk in (("soft_limit", "packet-soft", "byte-soft"),
                             ("hard_limit", "packet-hard", "byte-hard")):
            if any(b < self.limit(k) <= a for b, a, k in zip(before, after, (pk, bk))):
                events.append(kind)
        return events


class Scenario:
    def __init__(self, name, seed, lanes):
        self.name, self.lanes = name, lanes
        self.rng = random.Random(f"{name}:{seed}:{lanes}")
        self.sas, self.state = [], {}
        self.spd, self.args = [], []
        self.lan_in, self.wan_in = [], []
        self.lan_out, self.wan_out, self.host_out = [], [], []
        # the host's own frames out of each port: what it sends is what must
        # come out, in its order, between the data path's frames
        self.host_tx = {"lan": [], "wan": []}
        self.glob = dict.fromkeys(cardlib.GLOBAL_NAMES, 0)
        self.events = []
        self.used_index = set()
        self.notes = []

    # ---- SAs ---------------------------------------------------------------

    def inbound_spi(self, index=None):
        """A fresh inbound SPI: its low 12 bits are the card's SA index."""
        while index is None or index in self.used_index:
            index = self.rng.randrange(1, 4096)
        self.used_index.add(index)
        return self.rng.randrange(1, 1 << 20) << 12 | index

    def outbound_spi(self):
        used = {s.spi for s in self.sas}
        while True:
            spi = self.rng.randrange(0x100, 1 << 32)
            if spi not in used:
                return spi

    def add_sa(self, **kw):
        kw.setdefault("key", self.rng.randbytes(kw.pop("key_len", 16)))
        kw.setdefault("salt", self.rng.randbytes(4))
        if "spi" not in kw:
            kw["spi"] = self.inbound_spi() if kw["dir"] == "in" else self.outbound_spi()
        n = len(self.sas) + 1
        kw.setdefault("eth_src", cardlib.mac(0x100000 + n))
        kw.setdefault("eth_dst", cardlib.mac(0x200000 + n))
        sa = SA(**kw)
        self.sas.append(sa)
        self.state[(sa.dir, sa.spi)] = SaState(sa)
        return sa

    def st(self, sa):
        return self.state[(sa.dir, sa.spi)]

    def event(self, kind, sa):
        self.events.append({"type": kind, "dir": sa.dir, "spi": sa.spi})

    # ---- LAN side: cleartext in ---------------------------------------------

    def lan_frame(self, inner, src_mac=LAN_HOST_MAC, pad=False):
        f = cardlib.ether(CARD_LAN_MAC, src_mac, inner[0]) + inner
        if pad and len(f) < 60:
            f += bytes(60 - len(f))
        return f

    def lan_protect(self, sa, inner, pad=False):
        """A LAN frame sa's selector takes; what becomes of it follows the SA's
        sequence number and lifetime."""
        frame = self.lan_frame(inner, pad=pad)
        self.lan_in.append(frame)
        self.glob["lan_rx"] += 1
        s = self.st(sa)
        end = (1 << 64) - 1 if sa.esn else M32
        if s.seq >= end:
            s.drops["seq_exhausted"] += 1
            return "seq_exhausted"
        if not s.lifetime_ok():
            s.drops["lifetime"] += 1
            return "lifetime"
        old = s.seq
        s.seq += 1
        for kind in s.count(len(inner)):
            self.event(kind, sa)
        if old < end - NEAR <= s.seq:
            self.event("seq_near_exhaustion", sa)
        if s.seq == end:
            self.event("seq_exhausted", sa)
        self.wan_out.append({"kind": "esp", "spi": sa.spi, "seq": s.seq, "inner": inner.hex()})
        self.glob["wan_tx"] += 1
        return "esp"

    def lan_other(self, frame, fate):
        """A LAN frame no SA takes. fate: bypass (out of the WAN as it is),
        host, or the global counter it is dropped into."""
        self.lan_in.append(frame)
        self.glob["lan_rx"] += 1
        if fate == "bypass":
            self.glob["bypass"] += 1
            self.glob["wan_tx"] += 1
            self.wan_out.append({"kind": "plain", "frame": frame.hex()})
        elif fate == "host":
            self.glob["to_host"] += 1
            self.glob["host_rx"] += 1
            self.host_out.append({"port": "lan", "frame": frame.hex()})
        else:
            self.glob[fate] += 1

    # ---- WAN side: ESP in ------------------------------------------------------

    def wan_frame(self, outer_ip):
        return cardlib.ether(CARD_WAN_MAC, PEER_MAC, outer_ip[0]) + outer_ip

    def encrypt(self, sa, inner, seq):
        iv = self.rng.randbytes(8)
        if sa.icv == 16:
            return cardlib.scapy_encrypt(sa, inner, seq, iv)
        return cardlib.crypto_encrypt(sa, inner, seq, iv)

    def wan_esp(self, sa, seq, inner, outer_ip=None, bad=None):
        """An ESP packet for inbound sa with full sequence number seq carrying
        inner. outer_ip: the outer IP packet if the caller made it (tampered);
        bad: the per-SA reason it must be dropped for once it passes the replay
        check (icv, trailer, selector). Returns what becomes of it."""
        if outer_ip is None:
            outer_ip = self.encrypt(sa, inner, seq)
        self.wan_in.append(self.wan_frame(outer_ip))
        self.glob["wan_rx"] += 1
        s = self.st(sa)
        seen_as = seq
        if sa.esn:
            # the receiver infers the high half; if it infers another one than
            # the sender's, it checks the ICV under another AAD, which fails
            seen_as = infer_hi(s.window.top, sa.window, seq & M32) << 32 | (seq & M32)
            if seen_as != seq:
                bad = "icv"
        if not s.window.check(seen_as):
            s.drops["replay"] += 1
            return "replay"
        if bad:
            s.drops[bad] += 1
            if bad == "icv" and not s.icv_failed:
                s.icv_failed = True
                self.event("icv_failure", sa)
            return bad
        if not s.lifetime_ok():
            s.drops["lifetime"] += 1
            return "lifetime"
        s.window.update(seq)
        for kind in s.count(len(inner)):
            self.event(kind, sa)
        self.lan_out.append((cardlib.ether(sa.eth_dst, sa.eth_src, inner[0]) + inner).hex())
        self.glob["lan_tx"] += 1
        return "ok"

    def wan_other(self, frame, fate):
        """A WAN frame no SA takes: host (the exception path), or the global
        counter it is dropped into."""
        self.wan_in.append(frame)
        self.glob["wan_rx"] += 1
        if fate == "host":
            self.glob["wan_to_host"] += 1
            self.glob["host_rx"] += 1
            self.host_out.append({"port": "wan", "frame": frame.hex()})
        else:
            self.glob[fate] += 1

    # ---- host side: frames the host sends out of a port ------------------------

    def host_send(self, port, frame):
        """A frame the host sends out of port ("lan" or "wan") through host_tx."""
        self.host_tx[port].append(frame)
        self.glob["host_tx"] += 1
        self.glob[f"{port}_tx"] += 1

    # ---- the directory --------------------------------------------------------

    def write(self, outdir):
        d = os.path.join(outdir, self.name)
        os.makedirs(d, exist_ok=True)
        for f in os.listdir(d):
            os.remove(os.path.join(d, f))
        with open(os.path.join(d, "sa.conf"), "w") as f:
            f.write(f"# {self.name}: made by tests/esp/card_vectors.py\n")
            for sa in self.sas:
                f.write(sa.line() + "\n")
        args = ["--sa", "sa.conf"] + self.args
        if self.spd:
            with open(os.path.join(d, "spd.conf"), "w") as f:
                f.write("".join(line + "\n" for line in self.spd))
            args += ["--spd", "spd.conf"]
        for port, frames in (("lan", self.lan_in), ("wan", self.wan_in)):
            w = RawPcapWriter(os.path.join(d, f"{port}-in.pcap"), linktype=1, sync=False)
            for fr in frames:
                w.write(fr)
            w.close()
            args += [f"--{port}-in", f"{port}-in.pcap"]
        for port, frames in self.host_tx.items():
            if not frames:
                continue
            w = RawPcapWriter(os.path.join(d, f"host-{port}-in.pcap"), linktype=1, sync=False)
            for fr in frames:
                w.write(fr)
            w.close()
            args += [f"--host-{port}-in", f"host-{port}-in.pcap"]
        args += ["--lan-out", "lan-out.pcap", "--wan-out", "wan-out.pcap",
                 "--host-out", "host-out.pcap", "--json"]
        with open(os.path.join(d, "args"), "w") as f:
            f.write("".join(a + "\n" for a in args))
        sas = []
        for sa in self.sas:
            s = self.st(sa)
            e = {"packets": s.packets, "bytes": s.bytes, "drops": s.drops}
            if sa.dir == "out":
                e["seq"] = s.seq
            sas.append({"sa": sa.to_json(), "expect": e})
        cardlib.save_json(os.path.join(d, "expect.json"), {
            "scenario": self.name, "lanes": self.lanes, "notes": self.notes,
            "sas": sas, "global": self.glob, "events": self.events,
            "lan_out": self.lan_out, "wan_out": self.wan_out, "host_out": self.host_out,
            "host_tx": {port: [f.hex() for f in frames] for port, frames in self.host_tx.items()},
        })
        return d, len(self.lan_in) + len(self.wan_in) + sum(map(len, self.host_tx.values()))
