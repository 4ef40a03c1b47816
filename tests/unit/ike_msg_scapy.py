#!/usr/bin/env python3
"""host/ike_msg.c and host/ike_pld.c against scapy's IKEv2 (scapy.contrib.ikev2).

Both ways, through tests/unit/ike_dump.c's canonical lines:
  - scapy builds random IKEv2 messages (header, SA with proposals and
    transforms with key lengths, KE, nonces, notifies, IDs, AUTH, traffic
    selectors, vendor IDs); ike_dump parse must read each to the line the
    generator expects from the fields it gave scapy;
  - random lines go through ike_dump build; scapy dissects each message and
    the line made from scapy's fields must be the line given;
  - every prefix, and random bit flips, of good messages go through
    ike_dump parse: each is a parse or an error line, never a crash, and a
    truncation is never taken as the whole message.

  ike_msg_scapy.py IKE_DUMP COUNT SEED
"""
import random
import subprocess
import sys

from scapy.contrib import ikev2 as k
from scapy.packet import NoPayload

TYPES = {"SA": 33, "KE": 34, "IDi": 35, "IDr": 36, "AUTH": 39, "No": 40,
         "N": 41, "D": 42, "V": 43, "TSi": 44, "TSr": 45}


def hx(b):
    return b.hex() if b else "-"


def rand_bytes(r, lo, hi):
    return bytes(r.randrange(256) for _ in range(r.randint(lo, hi)))


def rand_v4(r):
    return ".".join(str(r.randrange(256)) for _ in range(4))


def rand_v6(r):
    return ":".join("%x" % r.randrange(65536) for _ in range(8))


def canon_v6(a):
    import ipaddress
    return str(ipaddress.IPv6Address(a))


def gen_sa(r):
    """A random SA payload: (scapy payload, dump item)."""
    n = r.randint(1, 4)
    proto = r.choice([1, 3])
    spi = b"" if proto == 1 and r.random() < 0.5 else rand_bytes(r, 4, 4) if proto == 3 else rand_bytes(r, 8, 8)
    props, items = [], []
    for i in range(n):
        xfs, parts = [], []
        # the dump lists transforms by type, so generate them in type order
        for t in range(1, 6):
            for _ in range(r.randint(0, 3)):
                tid = r.randrange(1, 40)
                kl = r.choice([0, 128, 256]) if t == 1 else 0
                if kl:
                    xfs.append(k.IKEv2_payload_Transform(transform_type=t, transform_id=tid, length=12, key_length=kl))
                    parts.append("%d=%d/%d" % (t, tid, kl))
                else:
                    xfs.append(k.IKEv2_payload_Transform(transform_type=t, transform_id=tid, length=8))
                    parts.append("%d=%d" % (t, tid))
        if not xfs:
            xfs.append(k.IKEv2_payload_Transform(transform_type=4, transform_id=14, length=8))
            parts.append("4=14")
        for j, x in enumerate(xfs):
            x.next_payload = 0 if j == len(xfs) - 1 else 3
        chain = xfs[0]
        for x in xfs[1:]:
            chain = chain / x
        props.append(k.IKEv2_payload_Proposal(proposal=i + 1, proto=proto, SPIsize=len(spi), SPI=spi,
                                              trans_nb=len(xfs), trans=chain,
                                              next_payload=0 if i == n - 1 else 2))
        items.append("%d:%s:%s" % (proto, hx(spi), ",".join(parts)))
    chain = props[0]
    for p in props[1:]:
        chain = chain / p
    return k.IKEv2_payload_SA(prop=chain), "SA " + "; ".join(items)


def gen_payload(r, dissect=False):
    kind = r.choice(list(TYPES))
    if kind == "SA":
        return gen_sa(r)
    if kind == "KE":
        g, d = r.choice([14, 19, 31]), rand_bytes(r, 1, 300)
        return k.IKEv2_payload_KE(group=g, load=d), "KE %d %s" % (g, hx(d))
    if kind == "No":
        d = rand_bytes(r, 16, 256)
        return k.IKEv2_payload_Nonce(load=d), "No " + hx(d)
    if kind == "V":
        d = rand_bytes(r, 1, 40)
        return k.IKEv2_payload_VendorID(vendorID=d), "V " + hx(d)
    if kind == "N":
        # (scapy's dissector takes a Notify's SPI into its data: none
        # where scapy dissects)
        proto = r.choice([0, 1] if dissect else [0, 1, 3])
        spi = rand_bytes(r, 4, 4) if proto == 3 else b""
        t, d = r.choice([14, 17, 24, 38, 16388, 16389, 16390, 16393, 16431]), rand_bytes(r, 0, 40)
        # (scapy leaves the SPI out of a Notify's length: given)
        return (k.IKEv2_payload_Notify(proto=proto, SPIsize=len(spi), SPI=spi, type=t, load=d,
                                       length=8 + len(spi) + len(d)),
                "N %d %d %s %s" % (proto, t, hx(spi), hx(d)))
    if kind in ("IDi", "IDr"):
        cls = k.IKEv2_payload_IDi if kind == "IDi" else k.IKEv2_payload_IDr
        t = r.choice([1, 2, 3, 11])
        d = rand_bytes(r, 4, 4) if t == 1 else rand_bytes(r, 1, 40)
        # scapy's ID field takes an address string for type 1
        idv = ".".join(str(x) for x in d) if t == 1 else d
        # (its length is not worked out by scapy for this field: given)
        return cls(IDtype=t, ID=idv, length=8 + len(d)), "%s %d %s" % (kind, t, hx(d))
    if kind == "AUTH":
        m, d = r.choice([1, 2, 14]), rand_bytes(r, 1, 64)
        return k.IKEv2_payload_AUTH(auth_type=m, load=d), "AUTH %d %s" % (m, hx(d))
    if kind == "D":
        spis = [r.randrange(1, 2**32) for _ in range(r.randint(1, 5))]
        body = bytes([3, 4]) + len(spis).to_bytes(2, "big") + b"".join(s.to_bytes(4, "big") for s in spis)
        # scapy's Delete has no SPI fields: a generic payload with the body
        return k.IKEv2_payload_Delete(vendorID=body), "D 3 " + ",".join("%08x" % s for s in spis)
    # TSi / TSr
    cls = k.IKEv2_payload_TSi if kind == "TSi" else k.IKEv2_payload_TSr
    sels, parts = [], []
    for _ in range(r.randint(1, 4)):
        proto, sp = r.choice([0, 6, 17]), r.randrange(65536)
        ep = r.randrange(sp, 65536)
        if r.random() < 0.5:
            a, b = rand_v4(r), rand_v4(r)
            sels.append(k.IPv4TrafficSelector(TS_type=7, IP_protocol_ID=proto, start_port=sp, end_port=ep,
                                              starting_address_v4=a, ending_address_v4=b))
            parts.append("7/%d/%d-%d/%s-%s" % (proto, sp, ep, a, b))
        else:
            a, b = rand_v6(r), rand_v6(r)
            # (scapy's default length for an IPv6 selector is 20, not 40)
            sels.append(k.IPv6TrafficSelector(TS_type=8, IP_protocol_ID=proto, length=40, start_port=sp, end_port=ep,
                                              starting_address_v6=a, ending_address_v6=b))
            parts.append("8/%d/%d-%d/%s-%s" % (proto, sp, ep, canon_v6(a), canon_v6(b)))
    return cls(number_of_TSs=len(sels), traffic_selector=sels), "%s %s" % (kind, ",".join(parts))


def gen_message(r, dissect=False):
    spi_i, spi_r = r.randrange(1, 2**64), r.choice([0, r.randrange(1, 2**64)])
    exch, flags, msgid = r.choice([34, 35, 36, 37]), r.choice([0x08, 0x20, 0x28, 0x00]), r.randrange(2**32)
    pls = [gen_payload(r, dissect) for _ in range(r.randint(0, 8))]
    hdr = k.IKEv2(init_SPI=spi_i.to_bytes(8, "big"), resp_SPI=spi_r.to_bytes(8, "big"), exch_type=exch,
                  flags=flags, id=msgid, next_payload=TYPES[pls[0][1].split()[0]] if pls else 0)
    pkt = hdr
    for i, (p, item) in enumerate(pls):
        p.next_payload = TYPES[pls[i + 1][1].split()[0]] if i + 1 < len(pls) else 0
        pkt = pkt / p
    line = "hdr %016x %016x %d %02x %d" % (spi_i, spi_r, exch, flags, msgid)
    for _, item in pls:
        line += " | " + item
    return bytes(pkt), line


def scapy_line(raw):
    """The dump line of a message, from scapy's dissection of it."""
    m = k.IKEv2(raw)
    line = "hdr %016x %016x %d %02x %d" % (int.from_bytes(m.init_SPI, "big"), int.from_bytes(m.resp_SPI, "big"),
                                           m.exch_type, int(m.flags), m.id)
    p = m.payload
    while p is not None and not isinstance(p, NoPayload) and p.__class__.__name__ != "Raw":
        n = p.__class__.__name__
        if n == "IKEv2_payload_SA":
            items, pr = [], p.prop
            while pr is not None and isinstance(pr, k.IKEv2_payload_Proposal):
                parts, x = [], pr.trans
                while x is not None and isinstance(x, k.IKEv2_payload_Transform):
                    if x.length > 8:
                        parts.append("%d=%d/%d" % (x.transform_type, x.transform_id, x.key_length))
                    else:
                        parts.append("%d=%d" % (x.transform_type, x.transform_id))
                    x = x.payload if x.next_payload == 3 else None
                items.append("%d:%s:%s" % (pr.proto, hx(pr.SPI), ",".join(parts)))
                pr = pr.payload if pr.next_payload == 2 else None
            line += " | SA " + "; ".join(items)
        elif n == "IKEv2_payload_KE":
            line += " | KE %d %s" % (p.group, hx(p.load))
        elif n == "IKEv2_payload_Nonce":
            line += " | No " + hx(p.load)
        elif n == "IKEv2_payload_VendorID":
            line += " | V " + hx(p.vendorID)
        elif n == "IKEv2_payload_Notify":
            line += " | N %d %d %s %s" % (p.proto, p.type, hx(p.SPI), hx(p.load))
        elif n in ("IKEv2_payload_IDi", "IKEv2_payload_IDr"):
            d = bytes(int(x) for x in p.ID.split(".")) if p.IDtype == 1 else bytes(p.ID)
            line += " | %s %d %s" % ("IDi" if n.endswith("IDi") else "IDr", p.IDtype, hx(d))
        elif n == "IKEv2_payload_AUTH":
            line += " | AUTH %d %s" % (p.auth_type, hx(p.load))
        elif n == "IKEv2_payload_Delete":
            b = bytes(p.vendorID)
            cnt = int.from_bytes(b[2:4], "big")
            line += " | D %d %s" % (b[0], ",".join(b[4 + 4 * i:8 + 4 * i].hex() for i in range(cnt)) or "-")
        elif n in ("IKEv2_payload_TSi", "IKEv2_payload_TSr"):
            parts = []
            for s in p.traffic_selector:
                if s.TS_type == 7:
                    parts.append("7/%d/%d-%d/%s-%s" % (s.IP_protocol_ID, s.start_port, s.end_port,
                                                      s.starting_address_v4, s.ending_address_v4))
                else:
                    parts.append("8/%d/%d-%d/%s-%s" % (s.IP_protocol_ID, s.start_port, s.end_port,
                                                      canon_v6(s.starting_address_v6), canon_v6(s.ending_address_v6)))
            line += " | %s %s" % ("TSi" if n.endswith("TSi") else "TSr", ",".join(parts))
        else:
            line += " | ? " + n
        p = p.payload
    return line


def run(tool, mode, lines):
    out = subprocess.run([tool, mode], input="\n".join(lines) + "\n", capture_output=True, text=True, check=True)
    return out.stdout.splitlines()


def main():
    tool, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    r = random.Random(seed)
    passed = failed = 0

    def check(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            if failed <= 10:
                print("not ok - " + what)

    # scapy -> ours
    msgs = [gen_message(r) for _ in range(count)]
    got = run(tool, "parse", [m.hex() for m, _ in msgs])
    for (raw, want), line in zip(msgs, got):
        check(line == want, "parse of scapy's message:\n  want %s\n  got  %s\n  raw %s" % (want, line, raw.hex()))
    # ours -> scapy
    lines = [gen_message(r, dissect=True)[1] for _ in range(count)]
    built = run(tool, "build", lines)
    for want, h in zip(lines, built):
        if h.startswith("error"):
            check(False, "build of %s: %s" % (want, h))
            continue
        try:
            line = scapy_line(bytes.fromhex(h))
        except Exception as e:  # scapy could not dissect it
            line = "scapy: %r on %s" % (e, h)
        check(line == want, "scapy's dissection of our message:\n  want %s\n  got  %s" % (want, line))
    # broken messages: prefixes and bit flips
    bad = []
    for raw, _ in msgs[:max(1, count // 10)]:
        bad += [raw[:n].hex() for n in range(len(raw))]
        for _ in range(20):
            b = bytearray(raw)
            b[r.randrange(len(b))] ^= 1 << r.randrange(8)
            bad.append(b.hex())
    out = run(tool, "parse", bad)
    check(len(out) == len(bad), "a line for each of %d broken messages (got %d)" % (len(bad), len(out)))
    trunc_ok = all(o.startswith("error") for o, b in zip(out, bad) if len(b) // 2 < 28)
    check(trunc_ok, "every message shorter than a header is an error")
    print("ike_msg_scapy: %d messages each way, %d broken ones" % (count, len(bad)))
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
