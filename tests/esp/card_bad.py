"""The bad-input scenario: frames the card must drop and count, each followed
by a good packet that must come through right.

WAN (inbound): ciphertext, ICV, IV or sequence number changed (ICV); SPIs
that name no SA, another SA's index, or an outbound SA (no SA); packets made
with a correct ICV by python3-cryptography but a bad trailer: padding not
1, 2, 3 ..., a pad length past the text, the wrong next header, an inner
packet that is not IPv4/IPv6 or whose length disagrees with the trailer
(trailer); an inner packet outside the SA's selector (selector); frames cut
short and IP lengths past the frame (malformed: the card takes frames whole and
knows their length first), a UDP length past the IP packet and ESP too short
for IV and ICV (malformed), runts cut inside the headers (too short); frames over 9,216 bytes, also by padding
alone (oversize). Extra padding that is still 1, 2, 3 ... is fine (RFC 4303 allows up
to 255 bytes) and so is a frame of exactly 9,216 bytes.
LAN (outbound): runts, IP lengths that disagree with the frame, jumbo frames.
"""
import struct

import cardlib
from scapy.all import IP, raw

SEL_IN = ["172.16.1.0/24", "10.1.0.0/16"]


def flip(b, i):
    b = bytearray(b)
    b[i] ^= 0x80
    return bytes(b)


def ipv4_len(ip, n):
    """ip with its total length set to n and the header checksum made right."""
    h = IP(ip[:20])
    h.len = n
    del h.chksum
    return raw(h)[:20] + ip[20:]


def ipv6_plen(ip, n):
    return ip[:4] + struct.pack("!H", n) + ip[6:]


def cut_short(frame):
    """The counter for a frame that ends before its IP (or UDP) length says
    (docs/card.md): the card takes each frame whole, so it knows the frame's
    length before it decides, whatever the frame's size: malformed."""
    del frame
    return "malformed"


def build(sc):
    rng = sc.rng
    a = sc.add_sa(dir="in", src="203.0.113.1", dst="198.51.100.1", window=64)
    b = sc.add_sa(dir="in", src="2001:db8:fffe::2", dst="2001:db8:ffff::1", window=64, udp=True,
                  sport=40000, key_len=32, sel=SEL_IN + [None])
    c = sc.add_sa(dir="in", src="203.0.113.3", dst="198.51.100.1", window=128, udp=True, icv=12,
                  esn=True)
    # The outbound SA takes index 0 (inbound SPIs here never end in 0x000), and
    # its SPI ends in 0x000 too: an inbound packet with that SPI finds it there,
    # SPI and all, and must still not be taken, being the wrong way.
    o = sc.add_sa(dir="out", src="198.51.100.1", dst="203.0.113.1", spi=rng.randrange(1, 1 << 20) << 12,
                  sel=["10.9.0.0/16", "172.31.0.0/16", None])
    seq = {s.spi: 0 for s in (a, b, c)}

    def inner(size=None, v6=False, src=None):
        size = rng.randrange(0, 300) if size is None else size
        if v6:
            return cardlib.make_inner(rng, "fd00::1", "2001:db8:1::5", size)
        return cardlib.make_inner(rng, src or cardlib.addr_in(SEL_IN[0], rng),
                                  cardlib.addr_in(SEL_IN[1], rng), size)

    def nxt(s):
        seq[s.spi] += 1
        return seq[s.spi]

    def good(s, **kw):
        assert sc.wan_esp(s, nxt(s), inner(**kw)) == "ok"

    def tampered(s, how, bad, **kw):
        """A packet for s changed by how(outer_ip) after encryption."""
        n, pkt = nxt(s), inner(**kw)
        sc.wan_esp(s, n, pkt, outer_ip=how(sc.encrypt(s, pkt, n)), bad=bad)
        good(s)

    def sealed(s, text, bad, inner_pkt):
        """A packet for s whose plaintext is text, with a correct ICV."""
        n = nxt(s)
        esp = cardlib.esp_seal(s, text, n, rng.randbytes(8))
        sc.wan_esp(s, n, inner_pkt, outer_ip=cardlib.outer_wrap(s, esp), bad=bad)
        good(s)

    def hdr(s):
        return (40 if s.v6 else 20) + (8 if s.udp else 0)

    def dropped(frame, why, s):
        sc.wan_other(frame, why)
        good(s)

    for s in (a, b, c):
        good(s)
        h = hdr(s)
        # ICV: ciphertext, ICV, IV, sequence number (in the AAD)
        tampered(s, lambda p: flip(p, h + 20), "icv")
        tampered(s, lambda p: flip(p, len(p) - 1), "icv")
        tampered(s, lambda p: flip(p, h + 9), "icv")
        n, pkt = nxt(s), inner()
        forged = sc.encrypt(s, pkt, n)
        forged = forged[:h + 4] + struct.pack("!I", n + 5) + forged[h + 8:]
        sc.wan_esp(s, n + 5, pkt, outer_ip=forged, bad="icv")
        good(s)
        # trailers, each under a correct ICV
        p = inner(size=rng.randrange(10, 200))
        while (len(p) + 2) % 4 != 1:       # three bytes of padding
            p = inner(size=rng.randrange(10, 200))
        t = cardlib.trailer(p)
        sealed(s, p + t[:2] + b"\x09" + t[3:], "trailer", p)
        sealed(s, p + t[:3] + b"\xc8" + t[4:], "trailer", p)
        sealed(s, p + t[:4] + b"\x29", "trailer", p)           # next header IPv6 for IPv4
        sealed(s, p + t[:4] + b"\x06", "trailer", p)
        sealed(s, bytes([0x55]) + p[1:] + t, "trailer", p)     # inner version 5
        sealed(s, ipv4_len(p, len(p) + 40) + t, "trailer", p)  # inner length past the text
        sealed(s, ipv4_len(p, len(p) - 4) + t, "trailer", p)   # and short of the trailer
        sealed(s, p[:-1] + t, "trailer", p)                    # pad length one off
        # padding beyond alignment, still 1, 2, 3 ...: a good packet
        n, p = nxt(s), inner()
        text = p + bytes(range(1, 4 + (-(len(p) + 2) % 4) + 1))
        text += bytes([len(text) - len(p), 4])
        esp = cardlib.esp_seal(s, text, n, rng.randbytes(8))
        assert sc.wan_esp(s, n, p, outer_ip=cardlib.outer_wrap(s, esp)) == "ok"

        # no SA: an index with no SA, this SA's index with other high bits, an outbound SA's SPI
        for spi in ((rng.randrange(1, 1 << 20) << 12) | 0xFFF, s.spi ^ 0x01000000, o.spi):
            esp = cardlib.esp_seal(s, p + cardlib.trailer(p), 1, rng.randbytes(8), spi=spi)
            dropped(sc.wan_frame(cardlib.outer_wrap(s, esp)), "no_sa", s)

        # cut short, and lengths past the frame: small and large frames
        for size in (5, 900):
            n, p = nxt(s), inner(size=size)
            ip = sc.encrypt(s, p, n)
            f = sc.wan_frame(ip)[:-7]
            dropped(f, cut_short(f), s)
            longer = ipv6_plen(ip, len(ip) - 40 + 60) if s.v6 else ipv4_len(ip, len(ip) + 60)
            f = sc.wan_frame(longer)
            dropped(f, cut_short(f), s)
        if s.udp:
            # a UDP length past the IP packet: the datagram is broken (RFC 768)
            n, p = nxt(s), inner()
            ip = bytearray(sc.encrypt(s, p, n))
            l4 = 40 if s.v6 else 20
            ip[l4 + 4:l4 + 6] = struct.pack("!H", len(ip) - l4 + 16)
            dropped(sc.wan_frame(bytes(ip)), "malformed", s)
        # ESP too short for its IV and ICV; runts cut inside the headers
        esp = struct.pack("!II", s.spi, nxt(s)) + rng.randbytes(8)
        dropped(sc.wan_frame(cardlib.outer_wrap(s, esp)), "malformed", s)
        ip = sc.encrypt(s, inner(), nxt(s))
        dropped(sc.wan_frame(ip)[:14 + h - 4], "too_short", s)

    # selector: the SA with one, an inner packet from elsewhere (IPv4 and IPv6)
    tampered(b, lambda p: p, "selector", src="192.168.77.5")
    tampered(b, lambda p: p, "selector", v6=True)

    # oversize: over 9,216 bytes, with true lengths. An ESP frame's length is
    # 2 mod 4 (Ethernet 14, the rest 4-aligned), so the largest taken is 9,214.
    overhead = 14 + hdr(a) + 8 + 8 + 2 + 16   # with no padding
    for frame_len, why in ((9214, "ok"), (9218, "oversize"), (9402, "oversize")):
        n = nxt(a)
        p = cardlib.make_inner(rng, "172.16.1.9", "10.1.2.3", 0, "raw")
        p = cardlib.make_inner(rng, "172.16.1.9", "10.1.2.3", frame_len - overhead - len(p), "raw")
        ip = sc.encrypt(a, p, n)
        assert len(ip) + 14 == frame_len, (len(ip), frame_len)
        if why == "ok":
            assert sc.wan_esp(a, n, p, outer_ip=ip) == "ok"
        else:
            dropped(sc.wan_frame(ip), "oversize", a)
    # over 9,216 bytes by its Ethernet padding alone: still too big a frame
    n = nxt(a)
    f = sc.wan_frame(sc.encrypt(a, inner(), n))
    dropped(f + bytes(9300 - len(f)), "oversize", a)
    good(a)

    # LAN: each bad frame, then a good one for the outbound SA
    def lan_good():
        sc.lan_protect(o, cardlib.make_inner(rng, cardlib.addr_in(o.sel[0], rng),
                                             cardlib.addr_in(o.sel[1], rng), rng.randrange(0, 600)))

    def lan_bad(frame, why):
        sc.lan_other(frame, why)
        lan_good()

    lan_good()
    p = cardlib.make_inner(rng, "10.9.1.1", "172.31.1.1", 50)
    lan_bad(sc.lan_frame(p)[:14 + 10], "too_short")
    lan_bad(sc.lan_frame(ipv4_len(p, len(p) + 30)), "malformed")
    lan_bad(sc.lan_frame(ipv4_len(p, 12)), "malformed")
    big = cardlib.make_inner(rng, "10.9.1.1", "172.31.1.1", 900)
    lan_bad(sc.lan_frame(big)[:600], cut_short(big[:600]))
    p6 = cardlib.make_inner(rng, "2001:db8:9::1", "fd00::9", 40)
    lan_bad(sc.lan_frame(ipv6_plen(p6, len(p6))), "malformed")
    for size in (9300 - 14, 9217 - 14):
        jumbo = cardlib.make_inner(rng, "10.9.1.1", "172.31.1.1", 0, "raw")
        jumbo = cardlib.make_inner(rng, "10.9.1.1", "172.31.1.1", size - len(jumbo), "raw")
        lan_bad(sc.lan_frame(jumbo), "oversize")
    pad = sc.lan_frame(cardlib.make_inner(rng, "10.9.1.1", "172.31.1.1", 100))
    lan_bad(pad + bytes(9300 - len(pad)), "oversize")
    # the largest frame taken: 9,216 bytes
    p = cardlib.make_inner(rng, "10.9.1.1", "172.31.1.1", 0, "raw")
    p = cardlib.make_inner(rng, "10.9.1.1", "172.31.1.1", 9216 - 14 - len(p), "raw")
    sc.lan_protect(o, p)
    lan_good()
    sc.args += ["--stall", "20", "--seed", str(rng.randrange(1 << 32))]
