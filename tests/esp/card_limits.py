"""The limits scenario: lifetimes (soft and hard, packets and bytes, both
directions) and the end of the outbound sequence numbers.

Each SA gets more packets than its hard limit lets through. Expected (see
card_scenario): packets pass while the counts before them are below the hard
limits, the rest are dropped and counted as lifetime; soft_limit and
hard_limit events come with the packet that reaches each limit, once. An
outbound SA without ESN sends up to sequence number 2^32 - 1 and then drops
(seq_exhausted), with an event as it takes the last number and one as it comes
within 2^20 of it; with ESN the same at 2^64 - 1. Every ESP frame sent is
opened by scapy.
"""
import cardlib

M32 = 0xFFFFFFFF


def build(sc):
    rng = sc.rng
    k = [0]

    def out(**kw):
        k[0] += 1
        return sc.add_sa(dir="out", src="198.51.100.1", dst=f"203.0.113.{k[0]}",
                         sel=[f"10.{k[0]}.0.0/16", f"172.16.{k[0]}.0/24", None], **kw)

    def inb(**kw):
        k[0] += 1
        return sc.add_sa(dir="in", src=f"203.0.113.{k[0]}", dst="198.51.100.1", window=64, **kw)

    traffic = []   # (sa, count, inner size or None)
    traffic.append((out(limits={"packet-soft": 5, "packet-hard": 10}), 14, None))
    traffic.append((out(limits={"byte-soft": 1000, "byte-hard": 2000}), 10, 300))
    traffic.append((out(limits={"packet-soft": 4, "packet-hard": 4}), 6, None))
    traffic.append((out(start=M32 - (1 << 20) - 3), 5, None))       # crosses "near the end"
    traffic.append((out(start=M32 - 5), 8, None))                      # runs out
    traffic.append((out(esn=True, window=32, start=(1 << 64) - 4), 5, None))
    traffic.append((out(esn=True, window=32, start=M32 - 2), 6, None))  # ESN: 2^32 is no end
    traffic.append((inb(limits={"packet-soft": 3, "packet-hard": 6}), 9, None))
    traffic.append((inb(limits={"byte-soft": 500, "byte-hard": 1000}, udp=True), 8, 200))
    traffic.append((inb(limits={"packet-soft": 2, "byte-hard": 700}, esn=True), 6, 300))

    def inner(sa, size):
        sel = sa.sel or ["172.16.9.0/24", "10.9.0.0/16"]
        src, dst = cardlib.addr_in(sel[0], rng), cardlib.addr_in(sel[1], rng)
        if size is None:
            return cardlib.make_inner(rng, src, dst, rng.randrange(0, 500))
        return cardlib.make_inner(rng, src, dst, size - 20, "raw")

    queue = [(sa, size) for sa, count, size in traffic for _ in range(count)]
    # interleave the SAs, each in its own order
    pending = {}
    for sa, size in queue:
        pending.setdefault((sa.dir, sa.spi), []).append((sa, size))
    lists = list(pending.values())
    seq = {}
    while lists:
        q = rng.choice(lists)
        sa, size = q.pop(0)
        if not q:
            lists.remove(q)
        if sa.dir == "out":
            sc.lan_protect(sa, inner(sa, size))
        else:
            seq[sa.spi] = seq.get(sa.spi, sa.start) + 1
            sc.wan_esp(sa, seq[sa.spi], inner(sa, size))
