"""The interop scenario: traffic both ways through many SAs that cover every
combination the card supports, ESP made and checked by scapy.

Outbound, one SA per combination of outer IPv4/IPv6, UDP encapsulation or not,
ESN or not, 128/256-bit key and inner IPv4/IPv6 (the selector's family), each
with its own selector; ESN SAs start a little below 2^32 so their numbers cross
into the high half during the run. Inbound, the same combinations, half with a
selector the card must check and half without (and then inner packets of both
families). Two more SAs each way use 8- and 12-byte ICVs, which scapy can not
do, so python3-cryptography makes and opens those. Inner packets: UDP, TCP,
ICMP echo or bare IP, payloads of 0 to 1,500 bytes mostly, some to 2,000 and
a few jumbo; short LAN frames sometimes carry Ethernet padding.
"""
import itertools

import cardlib


def payload_len(rng):
    r = rng.random()
    if r < 0.05:
        return 0
    if r < 0.30:
        return rng.randrange(1, 100)
    if r < 0.80:
        return rng.randrange(100, 1501)
    if r < 0.97:
        return rng.randrange(1501, 2001)
    return rng.randrange(2001, 8900)


def out_sel(k, v6):
    if v6:
        return [f"2001:db8:{k:x}::/48", f"fd00:0:{k:x}::/48", None]
    return [f"10.{k}.0.0/16", f"172.16.{k}.0/24", None]


def outer(k, v6, ours_first):
    us = "2001:db8:ffff::1" if v6 else "198.51.100.1"
    peer = f"2001:db8:fffe::{k + 1:x}" if v6 else f"203.0.113.{k + 1}"
    return (us, peer) if ours_first else (peer, us)


def build(sc, packets):
    rng = sc.rng
    combos = list(itertools.product([False, True], repeat=5))  # v6 outer, udp, esn, 256, v6 inner
    outs, ins = [], []
    for k, (ov6, udp, esn, k256, iv6) in enumerate(combos):
        src, dst = outer(k, ov6, True)
        start = (1 << 32) - rng.randrange(5, 40) if esn and k % 4 < 2 else 0
        outs.append(sc.add_sa(
            dir="out", src=src, dst=dst, key_len=32 if k256 else 16, udp=udp,
            sport=4500 if k % 3 else rng.randrange(1024, 65536), dport=4500, esn=esn,
            window=64 if esn else 0, start=start, sel=out_sel(k, iv6)))
        # inbound: selectors are the reverse of the outbound ones; none for half
        src, dst = outer(k, ov6, False)
        sel = out_sel(k, iv6)
        start = (1 << 32) - rng.randrange(5, 40) if esn and k % 4 < 2 else 0
        ins.append(sc.add_sa(
            dir="in", src=src, dst=dst, key_len=32 if k256 else 16, udp=udp,
            sport=4500 if k % 3 else rng.randrange(1024, 65536), dport=4500, esn=esn,
            window=rng.choice([32, 64, 128, 1024, 4096]), start=start,
            sel=[sel[1], sel[0], None] if k % 2 == 0 else None))
    for icv, k in ((8, 40), (12, 41)):
        src, dst = outer(k, k % 2 == 1, True)
        outs.append(sc.add_sa(dir="out", src=src, dst=dst, icv=icv, esn=icv == 12, window=32,
                              sel=out_sel(k, False)))
        src, dst = outer(k, k % 2 == 1, False)
        ins.append(sc.add_sa(dir="in", src=src, dst=dst, icv=icv, window=32))

    def inner_for(sa, v6=None):
        sel = sa.sel
        if sel is None:
            sel = out_sel(rng.randrange(200, 250), v6)
            sel = [sel[1], sel[0], None]
        return cardlib.make_inner(rng, cardlib.addr_in(sel[0], rng), cardlib.addr_in(sel[1], rng),
                                  payload_len(rng))

    # Both directions at once, each SA's packets in order, SAs interleaved.
    seqs = {sa.spi: sa.start for sa in ins}
    for _ in range(packets // 2):
        sa = rng.choice(outs)
        inner = inner_for(sa)
        sc.lan_protect(sa, inner, pad=rng.random() < 0.5)
        sa = rng.choice(ins)
        seqs[sa.spi] += 1
        inner = inner_for(sa, rng.random() < 0.5)
        assert sc.wan_esp(sa, seqs[sa.spi], inner) == "ok"
    # Payload 0 and the smallest frames, both families, on every run.
    for sa in (outs[0], outs[1]):
        sel = sa.sel
        inner = cardlib.make_inner(rng, cardlib.addr_in(sel[0], rng), cardlib.addr_in(sel[1], rng), 0, "raw")
        sc.lan_protect(sa, inner, pad=True)
        sc.lan_protect(sa, inner, pad=False)
    sc.notes.append(f"{len(outs)} outbound and {len(ins)} inbound SAs")
