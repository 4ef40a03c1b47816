"""The anti-replay scenario: inbound SAs fed sequence numbers chosen to hit
each rule of RFC 4303 section 3.4.3 and Appendix A, every packet made by scapy.

What must happen to each packet comes from the RFC's window (card_scenario's
ReplayWindow), not from the card: duplicates (also back to back, both copies
in the card at once) are dropped as replay; packets reordered inside the
window are taken once; packets older than the window are dropped, at its
exact edge too; jumps far ahead are taken and move the window; a forged packet
(bad ICV) with a new number does not move it, so the real one is still taken;
with ESN, the low 32 bits wrap (the high half inferred forward across 2^32 and
back to the epoch before), from a start set by replay-seq / replay-seq-hi;
replay-window 0 checks nothing. The SAs' packets are interleaved.
"""
import cardlib

M32 = 0xFFFFFFFF


def flip(b, i):
    b = bytearray(b)
    b[i] ^= 0x01
    return bytes(b)


def build(sc):
    rng = sc.rng
    plan = []   # (the queue it goes in: an SPI, sa, seq, forged)

    def sa(window, esn=False, start=0, v6=False, udp=False):
        k = len(sc.sas)
        src = f"2001:db8:fffe::{k + 1:x}" if v6 else f"203.0.113.{k + 1}"
        dst = "2001:db8:ffff::1" if v6 else "198.51.100.1"
        return sc.add_sa(dir="in", src=src, dst=dst, window=window, esn=esn, start=start,
                         udp=udp, key_len=rng.choice([16, 32]))

    def seqs(s, numbers):
        for n in numbers:
            plan.append((s.spi, s, n, False))

    # A packet the receiver takes for one 2^32 ahead (A2.2) fails its ICV only
    # if the window it is checked against already holds the packets before it.
    # The card checks before decrypting and updates after, so packets still
    # inside it have not moved the window yet; with a stale window the packet
    # is inferred right, verifies, and is dropped as a replay after all. Either
    # drop is right; to know which to count, the SA's packets get time to leave
    # the card first: a few large packets of another SA go in between.
    spacer = sa(64)
    spacer_seq = [0]

    def settle(s):
        for _ in range(8):
            spacer_seq[0] += 1
            plan.append((s.spi, spacer, spacer_seq[0], False))

    a = sa(64)
    seqs(a, list(range(1, 21)) + [5, 20, 20, 22, 21, 21, 30] + list(range(29, 24, -1)) +
         [40, 40, 100, 37, 36, 1, 99, 101])
    # a forged 41 first: dropped for its ICV, and 41 is still new afterwards
    plan.append((a.spi, a, 41, True))
    seqs(a, [41, 42])

    b = sa(32, v6=True, udp=True)
    top = 0x7FFFFFFF
    seqs(b, [1, 2, 3, 4, 5, top, 6, top - 31, top - 32, top - 31, 0xFFFFFFF0, 0xFFFFFFFF,
             0xFFFFFFF0 - 1, 0xFFFFFFFF - 31])

    c = sa(4096)
    seqs(c, list(range(1, 11)) + [4000, 10, 11, 5000, 905, 904, 5000] +
         rng.sample(range(8000, 8011), 11) + [8005])

    # ESN across 2^32: from 0xffffffe0 (replay-seq), reordered over the wrap. The
    # last one is a packet from before the window, which a receiver takes for one
    # 2^32 ahead (A2.2): its ICV fails under that AAD.
    d = sa(128, esn=True, start=0xFFFFFFE0, udp=True)
    wrap = 1 << 32
    around = list(range(wrap - 31, wrap)) + list(range(wrap, wrap + 16))
    order = around[:20] + [wrap + 2, wrap - 5, wrap - 3, wrap + 1] + \
        [s for s in around[20:] if s not in (wrap + 2, wrap - 5, wrap - 3, wrap + 1)]
    seqs(d, order + [wrap - 3, wrap + 2, wrap + 15, wrap - 112])
    settle(d)
    seqs(d, [wrap - 113])

    # ESN in epoch 5, low half small: packets from epoch 4 inside the window;
    # then a jump to the middle of the epoch and its window's exact edge
    e = sa(64, esn=True, start=5 << 32 | 10, v6=True)
    seqs(e, [5 << 32 | 11, 4 << 32 | 0xFFFFFFF0, 4 << 32 | 0xFFFFFFF0, 4 << 32 | 0xFFFFFFD0,
             5 << 32 | 12, 5 << 32 | 0x80000000, 5 << 32 | 0x80000000, 5 << 32 | 0x7FFFFFC1])
    settle(e)
    seqs(e, [5 << 32 | 0x7FFFFFC0])

    # no window: every copy taken
    f = sa(0)
    seqs(f, [1, 2, 2, 1, 3, 3, 50, 4])

    # Interleave the SAs, each keeping its own order (a spacer stays in the
    # queue of the SA it spaces).
    queues = {}
    for owner, s, n, forged in plan:
        queues.setdefault(owner, []).append((s, n, forged))
    lists = list(queues.values())
    fates = {}
    while lists:
        q = rng.choice(lists)
        s, n, forged = q.pop(0)
        if not q:
            lists.remove(q)
        sel = ["172.16.0.0/16", "10.0.0.0/8"]
        inner = cardlib.make_inner(rng, cardlib.addr_in(sel[0], rng), cardlib.addr_in(sel[1], rng),
                                   1400 if s is spacer else rng.randrange(0, 400))
        outer = None
        if forged:
            outer = sc.encrypt(s, inner, n)
            outer = flip(outer, len(outer) - 1)
        fate = sc.wan_esp(s, n, inner, outer_ip=outer, bad="icv" if forged else None)
        fates[fate] = fates.get(fate, 0) + 1
    sc.notes.append("fates: " + ", ".join(f"{k} {v}" for k, v in sorted(fates.items())))
