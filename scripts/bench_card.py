#!/usr/bin/python3
"""Card-level throughput in simulated cycles: frames of one size back to back
through the whole card RTL (`build/nicsec-sim replay`), one direction a run.

    bench_card.py [--lanes 1 4] [--frame 64 ... imix] [--build DIR] [--json OUT]

For each datapath width and frame size (64, 128, 256, 512, 1500, 9000 bytes and
IMIX: 7 x 64, 4 x 594, 1 x 1518) it makes, with scapy:
  - an SA file of 16 outbound and 16 inbound SAs, AES-GCM-128 with a 16-byte
    ICV, outer IPv4 and IPv6, with and without UDP encapsulation;
  - outbound: cleartext LAN frames of that size, frame i for SA i % 16;
  - inbound: ESP frames of about that size on the WAN side, made by scapy's
    SecurityAssociation, frame i for SA i % 16.
It runs the outbound frames in at the LAN port and the inbound ones in at the
WAN port, in two runs, checks from the --json report that every frame came out
and none was dropped, and takes the rate from the output pcap's timestamps
(the cycle each frame's last beat left the card): from the first frame out
after a warm-up round to the last, the bytes of the frames in between, on the
input side and the output side, and the frames, per cycle. The card is fed at
a beat a cycle, so the busier side's share of the datapath (128 * LANES bits)
says how close the card comes to line rate.

Run with /usr/bin/python3 (Debian's, which has scapy). Writes a JSON array of
bench records (docs/bench.md) to --json and leaves the SA file and pcaps of the
last run of each kind in BUILD/bench/card/ for running nicsec-sim by hand.
"""
import argparse
import json
import math
import os
import random
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "esp"))

import cardlib  # noqa: E402  (the card tests' SA and ESP helpers)
from scapy.all import IP, UDP, Raw, raw  # noqa: E402
from scapy.utils import RawPcapWriter  # noqa: E402

SIZES = ["64", "128", "256", "512", "1500", "9000", "imix"]
IMIX = [64] * 7 + [594] * 4 + [1518]
N_SA = 16

# Each run gets at least this many input beats, so the few cycles at either
# end weigh little. Cleartext frames are cheap to make, but scapy takes about
# 2.5 ms for an ESP frame, so inbound runs of small frames stop at
# MAX_ESP_FRAMES (8,000 beats of the `64` ones at LANES 4) to keep the whole
# bench within a few minutes on two shared cores; that is still 250 rounds of
# the 16 SAs, and the rate repeats with every round.
TARGET_BEATS = 20000
MAX_LAN_FRAMES = 20000
MAX_ESP_FRAMES = 4000
# Frame i goes to SA i % 16 (shape i % 4) and, in IMIX, has size i % 12: the
# pattern repeats every 48 frames.
ROUND = 48
# The first round warms the card up and is not timed (measure()), so at least
# two more are.
MIN_ROUNDS = 3

CARD_LAN_MAC, CARD_WAN_MAC = "02:00:00:00:0a:01", "02:00:00:00:0b:01"
LAN_HOST_MAC, WAN_PEER_MAC = "02:00:00:00:0a:02", "02:00:00:00:0b:02"

# Outer shapes, SA k taking SHAPES[k % 4]: (IPv6 outside, UDP-encapsulated).
# Their outer headers are 20 to 48 bytes, so consecutive frames differ in shape.
SHAPES = [(False, False), (False, True), (True, False), (True, True)]


def make_sas(rng):
    """16 outbound and 16 inbound SAs (cardlib.SA). Outbound SA k protects
    10.1.k.0/24 -> 10.2.k.0/24; inbound SA k carries the reverse and the card
    checks its selector."""
    outs, ins = [], []
    for k in range(N_SA):
        v6, udp = SHAPES[k % 4]
        us = "2001:db8:ffff::1" if v6 else "198.51.100.1"
        peer = f"2001:db8:fffe::{k + 1:x}" if v6 else f"203.0.113.{k + 1}"
        outs.append(cardlib.SA(
            dir="out", spi=0xc0000000 | k + 1, src=us, dst=peer,
            key=rng.randbytes(16), salt=rng.randbytes(4), icv=16, udp=udp,
            sel=[f"10.1.{k}.0/24", f"10.2.{k}.0/24", None],
            eth_src=CARD_WAN_MAC, eth_dst=WAN_PEER_MAC))
        # the card finds an inbound SA by its SPI's low 12 bits: 0x100 + k
        ins.append(cardlib.SA(
            dir="in", spi=0x5a000100 | k, src=peer, dst=us,
            key=rng.randbytes(16), salt=rng.randbytes(4), icv=16, udp=udp, window=64,
            sel=[f"10.2.{k}.0/24", f"10.1.{k}.0/24", None],
            eth_src=CARD_LAN_MAC, eth_dst=LAN_HOST_MAC))
    return outs, ins


def frame_sizes(frame, n):
    """The nominal sizes of n frames: all `frame` bytes, or IMIX in rounds of 12."""
    if frame == "imix":
        return [IMIX[i % len(IMIX)] for i in range(n)]
    return [int(frame)] * n


def beats(length, lanes):
    """Beats a frame takes on a port: a frame starts on a fresh beat."""
    return math.ceil(length / (16 * lanes))


def frame_count(frame, lanes, wire_size, cap):
    """Frames for a run of about TARGET_BEATS input beats at this width, at
    most cap; wire_size(nominal) is a frame's length in the input pcap.

    The count is ROUND * m + 1, so the last frame is of the same size and SA
    as the first frame measure() times from (frame ROUND). A frame takes
    longer to cross the card the bigger it is (it is stored whole on the way
    in, and inbound on the way out too): with a 64-byte frame first and a
    1518-byte frame last, IMIX would lose some 200 cycles a run to that alone."""
    sizes = frame_sizes(frame, ROUND)
    per_frame = sum(beats(wire_size(s), lanes) for s in sizes) / len(sizes)
    rounds = math.ceil(TARGET_BEATS / per_frame / ROUND)
    return ROUND * max(MIN_ROUNDS, min(cap // ROUND, rounds)) + 1


def inner_packet(rng, sa, k, length):
    """An inner IPv4 packet of exactly length bytes (at least 20) inside sa's
    selector: UDP when it fits, else a bare IP header (protocol 253, RFC 3692's
    experiment number)."""
    src = f"{sa.sel[0].rsplit('.', 1)[0]}.{1 + k % 250}"
    dst = f"{sa.sel[1].rsplit('.', 1)[0]}.{1 + (k * 7) % 250}"
    if length >= 28:
        pkt = IP(src=src, dst=dst, id=k & 0xFFFF) / \
            UDP(sport=10000 + k % 50000, dport=5001) / Raw(rng.randbytes(length - 28))
    else:
        pkt = IP(src=src, dst=dst, id=k & 0xFFFF, proto=253) / Raw(rng.randbytes(length - 20))
    out = raw(pkt)
    assert len(out) == length
    return out


def lan_frame(rng, sa, k, size):
    """A cleartext LAN frame of exactly size bytes that sa's selector takes."""
    inner = inner_packet(rng, sa, k, size - 14)
    return cardlib.ether(CARD_LAN_MAC, LAN_HOST_MAC, inner[0]) + inner


def esp_overhead(sa):
    """The bytes of an ESP frame on the WAN besides its text (inner packet,
    padding, pad length, next header): Ethernet, outer IP, UDP, ESP header,
    IV, ICV."""
    return 14 + (40 if sa.v6 else 20) + (8 if sa.udp else 0) + 8 + 8 + 16


def esp_size(sa, size):
    """The ESP frame length that stands for `size` bytes: RFC 4303 aligns the
    text to 4 bytes and the headers in front of it come to 2 mod 4, so no ESP
    frame of these SAs is 64, 128, ... bytes long. The largest not over size,
    or where size is below it the smallest there is: 24 bytes of text, a
    22-byte inner packet and no padding."""
    text = max((size - esp_overhead(sa)) // 4 * 4, 24)
    return esp_overhead(sa) + text


def wan_frame(rng, sa, k, seq, size):
    """An ESP frame of esp_size(sa, size) bytes for inbound sa, sequence number
    seq, made by scapy's SecurityAssociation (cardlib.scapy_encrypt)."""
    text = esp_size(sa, size) - esp_overhead(sa)
    inner = inner_packet(rng, sa, k, text - 2)      # no padding: text is aligned
    outer = cardlib.scapy_encrypt(sa, inner, seq, struct.pack("!Q", seq))
    f = cardlib.ether(CARD_WAN_MAC, WAN_PEER_MAC, outer[0]) + outer
    assert len(f) == esp_size(sa, size)
    return f


def out_len(direction, sa, in_len):
    """The length of the frame the card sends for an input frame of in_len
    bytes on sa: the ESP frame (padding to 4) or the decapsulated one (these
    ESP frames carry no padding)."""
    if direction == "out":
        return esp_overhead(sa) + (in_len - 14 + 2 + 3) // 4 * 4
    return in_len - esp_overhead(sa) - 2 + 14


def write_pcap(path, frames):
    w = RawPcapWriter(path, linktype=1, sync=False)
    for f in frames:
        w.write(f)
    w.close()


def read_pcap(path):
    """[(timestamp in ns, frame)] from a classic pcap (nicsec-sim writes the
    cycle a frame's last beat left the card as its timestamp in ns)."""
    with open(path, "rb") as fh:
        data = fh.read()
    magic = data[:4]
    for endian in "<>":
        m = struct.unpack(endian + "I", magic)[0]
        if m in (0xA1B2C3D4, 0xA1B23C4D):
            scale = 1 if m == 0xA1B23C4D else 1000      # ns or us pcap
            break
    else:
        raise ValueError(f"{path}: not a pcap file")
    out, off = [], 24
    while off < len(data):
        sec, frac, caplen, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        off += 16
        out.append((sec * 1_000_000_000 + frac * scale, data[off:off + caplen]))
        off += caplen
    return out


def fail(msg):
    sys.exit(f"bench_card: {msg}")


def run(sim, lanes, workdir, direction, frames, sas):
    """One replay run; returns the output frames with their cycles. Every frame
    must come out of the far port, in order and of the length it should have
    (frame i is on sas[i % 16]): anything dropped, sent elsewhere or reordered
    fails, as the rates are counted on that."""
    in_port, out_port = ("lan", "wan") if direction == "out" else ("wan", "lan")
    in_pcap = os.path.join(workdir, f"{direction}-{in_port}-in.pcap")
    out_pcap = os.path.join(workdir, f"{direction}-{out_port}-out.pcap")
    write_pcap(in_pcap, frames)
    if os.path.exists(out_pcap):
        os.remove(out_pcap)
    cmd = [sim, "replay", "--lanes", str(lanes), "--sa", os.path.join(workdir, "sa.conf"),
           f"--{in_port}-in", in_pcap, f"--{out_port}-out", out_pcap, "--json"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        fail(f"{' '.join(cmd)}: exit status {p.returncode}\n{p.stderr}{p.stdout[-2000:]}")
    rep = json.loads(p.stdout)
    n = len(frames)
    bal, outs = rep["balance"], rep["outputs"]
    sa_packets = sum(s["packets"] for s in rep["sas"] if s["dir"] == direction)
    if rep["problems"] or bal["in"] != n or bal["out"] != n or bal["dropped"] != 0 \
            or outs[out_port] != n or outs["host"] != 0 or sa_packets != n:
        drops = {f"{s['spi']:#010x}": {k: v for k, v in s["drops"].items() if v}
                 for s in rep["sas"] if any(s["drops"].values())}
        glob = {k: v for k, v in rep["global"].items() if v}
        fail(f"LANES={lanes} {direction}bound: {n} frames in, {outs[out_port]} out of the "
             f"{out_port.upper()} port, {outs['host']} to the host, {bal['dropped']} dropped; "
             f"SA drops {drops}; counters {glob}; problems {rep['problems']}\n  ({' '.join(cmd)})")
    got = read_pcap(out_pcap)
    if len(got) != n:
        fail(f"LANES={lanes} {direction}bound: the report says {n} out, {out_pcap} holds {len(got)}")
    for i, (f, (_, o)) in enumerate(zip(frames, got)):
        want = out_len(direction, sas[i % N_SA], len(f))
        if len(o) != want:
            fail(f"LANES={lanes} {direction}bound: frame {i} ({len(f)} bytes) came out {len(o)} bytes "
                 f"long, not {want}")
    return got


def measure(frames_in, got, lanes):
    """Rates over the cycles from frame ROUND out to the last frame out. The
    frames after frame ROUND are the ones those cycles carried: bytes of them
    on each side (each port keeps frame order, so output i is input i), whole
    rounds of the pattern (frame_count).

    The first round is left out because the card's queues are empty at the
    start: a frame that finds them empty crosses sooner than one in the
    steady stream behind it, and timing from the very first frame charges
    that head start to the rate (for IMIX, inbound at LANES 1, 174 cycles
    once, 0.8% of a 20,000-cycle run, though no cycle is lost later on).

    `beats` is the share of those cycles the busier side carried a beat: a
    frame's last beat is only partly filled, so a port busy every cycle still
    carries less than 128 * LANES bits a cycle, and this tells the two apart."""
    first = ROUND
    cycles = got[-1][0] - got[first][0]
    if cycles <= 0:
        fail("the output frames' timestamps do not advance")
    timed_in, timed_out = frames_in[first + 1:], [f for _, f in got[first + 1:]]
    in_bits = 8 * sum(len(f) for f in timed_in)
    out_bits = 8 * sum(len(f) for f in timed_out)
    in_beats = sum(beats(len(f), lanes) for f in timed_in)
    out_beats = sum(beats(len(f), lanes) for f in timed_out)
    return {"cycles": cycles, "in": in_bits / cycles, "out": out_bits / cycles,
            "beats": (in_beats if in_bits > out_bits else out_beats) / cycles,
            "pps": len(timed_out) / cycles, "peak": 128 * lanes,
            "in_avg": sum(len(f) for f in frames_in) / len(frames_in),
            "out_avg": sum(len(f) for _, f in got) / len(got)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lanes", type=int, nargs="+", default=[1, 4], choices=[1, 4])
    ap.add_argument("--frame", nargs="+", default=SIZES, choices=SIZES)
    ap.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    ap.add_argument("--json", help="where to write the bench records")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()

    sim = os.path.join(a.build, "nicsec-sim")
    if not os.access(sim, os.X_OK):
        fail(f"no {sim}: run make nicsec-sim")
    workdir = os.path.join(a.build, "bench", "card")
    os.makedirs(workdir, exist_ok=True)

    rng = random.Random(a.seed)
    outs, ins = make_sas(rng)
    with open(os.path.join(workdir, "sa.conf"), "w") as f:
        f.write("# made by scripts/bench_card.py: 16 outbound, 16 inbound SAs\n")
        for sa in outs + ins:
            f.write(sa.line() + "\n")

    records = []
    rows = []
    for frame in a.frame:
        # The frames of a size are made once, as many as the widest run needs;
        # narrower runs take the first of them (sequence numbers still in order).
        n_out = {L: frame_count(frame, L, lambda s: s, MAX_LAN_FRAMES) for L in a.lanes}
        n_in = {L: frame_count(frame, L, lambda s: esp_size(ins[0], s), MAX_ESP_FRAMES)
                for L in a.lanes}
        sizes = frame_sizes(frame, max(max(n_out.values()), max(n_in.values())))
        lan_in = [lan_frame(rng, outs[i % N_SA], i, s) for i, s in enumerate(sizes[:max(n_out.values())])]
        wan_in = [wan_frame(rng, ins[i % N_SA], i, i // N_SA + 1, s)
                  for i, s in enumerate(sizes[:max(n_in.values())])]
        for L in a.lanes:
            for direction, frames in (("out", lan_in[:n_out[L]]), ("in", wan_in[:n_in[L]])):
                got = run(sim, L, workdir, direction, frames, outs if direction == "out" else ins)
                m = measure(frames, got, L)
                lan, wan = (m["in"], m["out"]) if direction == "out" else (m["out"], m["in"])
                for side, v in (("lan", lan), ("wan", wan)):
                    records.append({"name": f"rtl.card.{direction}.bits_per_cycle",
                                    "params": {"lanes": L, "frame": frame, "side": side, "peak": m["peak"]},
                                    "value": round(v, 2), "unit": "bits/cycle"})
                records.append({"name": f"rtl.card.{direction}.packets_per_cycle",
                                "params": {"lanes": L, "frame": frame},
                                "value": round(m["pps"], 4), "unit": "packets/cycle"})
                rows.append((L, direction, frame, len(frames), m, lan, wan))

    print(f"{'LANES':>5} {'dir':>3} {'frame':>5} {'frames':>6} {'bytes in':>8} {'bytes out':>9} "
          f"{'cycles':>7} {'LAN b/cyc':>9} {'WAN b/cyc':>9} {'busier':>7} {'beats':>7} {'pkts/cyc':>8}")
    for L, direction, frame, n, m, lan, wan in sorted(rows, key=lambda r: (r[0], r[1] == "in")):
        print(f"{L:>5} {direction:>3} {frame:>5} {n:>6} {m['in_avg']:>8.1f} {m['out_avg']:>9.1f} "
              f"{m['cycles']:>7} {lan:>9.1f} {wan:>9.1f} {100 * max(lan, wan) / m['peak']:>6.1f}% "
              f"{100 * m['beats']:>6.1f}% {m['pps']:>8.4f}")
    print(f"cycles: timed, from frame {ROUND} out to the last; busier: the busier side's bits "
          "a cycle as a share of the datapath (128 x LANES); beats: the share of cycles it "
          "carried a beat")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(records, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
