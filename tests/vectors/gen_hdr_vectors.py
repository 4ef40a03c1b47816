#!/usr/bin/python3
"""Test frames for rtl/hdr_parse.v, with the fields scapy says they have.

    gen_hdr_vectors.py OUT.pcap OUT.expect [--seed N] [--count N]

Builds a varied set of Ethernet frames with scapy (Debian's python3-scapy; run it
with /usr/bin/python3, not a python without scapy) and writes them to OUT.pcap.
For each frame OUT.expect has one line, in the pcap's order:

    <n> <kind> eth_dst=... eth_src=... ... short=...

n counts from 1 like pcap record numbers; kind says what was built and what was
done to it (+pad60: zero-padded to the 60-byte Ethernet minimum; +cutN: cut to N
bytes inside its headers; +biglenN: IP length raised to N, past the frame's end).
Values are 0/1 for flags, decimal for lengths, offsets, ports and the protocol,
0x-prefixed hex for addresses, the ethertype, SPI, sequence number and IV.
IPv4 addresses are the low 32 bits of 128.  '-' means don't care.

The expected fields come from scapy's dissection of the frame (with scapy's
RFC 3948 UDP-encapsulation dissector from scapy.contrib.ikev2), not from
hdr_parse's logic: which layer scapy finds directly after Ethernet, IP and UDP,
and the fields it reads there.  A cut frame gets the whole frame's fields where
the cut-off bytes can't change them: scapy must find the same with those bytes
zeroed, set to ones, inverted, or taken from a frame of each class (TEMPLATES);
anything else (a field the cut went through, or a class the missing bytes
decide) is '-'.

The contract, from hdr_parse.v's header comment where it says, and otherwise
marked here as ours:
  - only plain Ethernet II carries IP: 802.1Q/802.1ad frames are just their
    ethertype;
  - IPv4 with options (ihl > 5) is is_ipv4 and ip_opts but never UDP, ESP or IKE;
    its l4_off (the RTL's is fixed at 34), ip_ok and short are '-';
  - UDP, ESP and IKE only directly behind the fixed IPv4/IPv6 header: an IPv6
    extension header first means none of them (ip_proto names the header);
  - ip_frag is IPv4 only (MF set or offset != 0);
  - UDP ports are the local side's: ESP-in-UDP and NAT-T IKE are UDP destination
    port 4500, IKE destination port 500 (scapy also binds the source ports;
    those bindings are removed here);
  - on 4500, scapy's UDP_ENCAP decides: 4 zero bytes are the non-ESP marker
    (IKE), one byte 0xFF a NAT-keepalive (neither), anything else ESP.  It would
    call a 2- to 8-byte payload ESP, which Linux (and hdr_parse) don't: none are
    made;
  - a later IPv4 fragment (offset != 0) has no L4 header (RFC 791): scapy
    knows this for UDP/TCP/ICMP but binds ESP to proto 50 alone; rebound here
    with frag=0 like the others;
  - ip_ok: IPv4 ihl >= 5 and total length >= ihl*4, or IPv6; and the whole IP
    packet (total length, or payload length + 40) inside the frame; no checksum;
  - short: the frame ends inside the IP header, the UDP header behind it, or the
    ESP header and its 8-byte IV (RFC 4106 GCM, the card's only transform);
    not for non-IP frames ('0') nor when the frame stops before the IP version
    byte ('-');
  - ip_len is 16 bits: an IPv6 payload length over 65495 is '-'.
"""
import argparse
import ipaddress
import logging
import random
import sys

logging.getLogger("scapy").setLevel(logging.ERROR)   # dissecting random bytes warns

try:
    from scapy.layers.l2 import ARP, Dot1AD, Dot1Q, Dot3, Ether, LLC
    from scapy.layers.inet import (ICMP, IP, TCP, UDP, IPOption_NOP,
                                   IPOption_Router_Alert, IPOption_RR,
                                   IPOption_Timestamp)
    from scapy.layers.inet6 import (ICMPv6EchoReply, ICMPv6EchoRequest, IPv6,
                                    IPv6ExtHdrDestOpt, IPv6ExtHdrFragment,
                                    IPv6ExtHdrHopByHop, IPv6ExtHdrRouting)
    from scapy.layers.ipsec import ESP
    from scapy.layers.isakmp import ISAKMP
    from scapy.contrib.ikev2 import (IKEv2, NAT_KEEPALIVE, NON_ESP,
                                     UDP_ENCAP)
    from scapy.packet import (Padding, Raw, bind_layers, split_bottom_up,
                              split_layers)
    from scapy.utils import RawPcapWriter
except ImportError as e:
    sys.exit("gen_hdr_vectors: needs scapy (Debian python3-scapy, run with "
             "/usr/bin/python3): %s" % e)

# The gateway is the receiver: its own ports are the destination ports.
split_bottom_up(UDP, UDP_ENCAP, sport=4500)
split_bottom_up(UDP, IKEv2, sport=500)
# scapy binds UDP, TCP, ICMP... to IPv4 with frag=0 but ESP without it, so it
# reads an ESP header from the data of a later fragment, which has none (RFC
# 791).  Bind ESP as scapy binds the others.
split_layers(IP, ESP, proto=50)
bind_layers(IP, ESP, frag=0, proto=50)

FIELDS = ("eth_dst eth_src ethertype is_arp is_ipv4 is_ipv6 ip_ok ip_frag ip_opts "
          "ip_src ip_dst ip_proto ip_len l4_off is_udp udp_sport udp_dport udp_len is_esp "
          "esp_in_udp esp_off spi seq iv is_ike short").split()
D = "-"


# --- building ----------------------------------------------------------------

class Gen:
    def __init__(self, rng):
        self.r = rng

    def bytes(self, n):
        return bytes(self.r.getrandbits(8) for _ in range(n))

    def mac(self):
        return ":".join("%02x" % self.r.getrandbits(8) for _ in range(6))

    def ip4(self):
        return ".".join(str(self.r.getrandbits(8)) for _ in range(4))

    def ip6(self):
        return ":".join("%x" % self.r.getrandbits(16) for _ in range(8))

    def eth(self, **kw):
        return Ether(dst=self.mac(), src=self.mac(), **kw)

    def plen(self, lo=0, hi=1400):
        r = self.r.random()
        if r < 0.3:
            return self.r.randint(lo, min(hi, lo + 40))
        if r < 0.95:
            return self.r.randint(lo, hi)
        return self.r.randint(lo, 8000)   # some past the first 128 bytes by far

    def spi(self):
        r = self.r.random()
        if r < 0.1:
            return self.r.randint(1, 0xff)          # reserved range, still ESP
        if r < 0.2:
            return self.r.randint(0x100, 0xffffff)  # leading zero byte
        return self.r.randint(1, 0xffffffff)

    def esp(self):
        # IV (8) and ciphertext with ICV: at least the 8-byte IV
        return ESP(spi=self.spi(), seq=self.r.getrandbits(32),
                   data=self.bytes(8 + self.plen(0, 1400)))

    def ikev2(self):
        if self.r.random() < 0.15:
            return ISAKMP(init_cookie=self.bytes(8), resp_cookie=self.bytes(8),
                          exch_type=self.r.choice([2, 4, 5, 32])) / Raw(self.bytes(self.plen(0, 300)))
        return IKEv2(init_SPI=self.bytes(8), resp_SPI=self.bytes(8),
                     exch_type=self.r.choice([34, 35, 36, 37]),
                     flags=self.r.choice([0x08, 0x20, 0x28]),
                     id=self.r.getrandbits(32)) / Raw(self.bytes(self.plen(0, 600)))

    def port(self, avoid=(500, 4500)):
        while True:
            p = self.r.choice([self.r.randint(1, 1023), self.r.randint(1024, 65535),
                               53, 123, 443, 1701, 4789, 6081])
            if p not in avoid:
                return p

    def l3(self, v6, **kw):
        if v6:
            return IPv6(src=self.ip6(), dst=self.ip6(), hlim=self.r.randint(1, 255), **kw)
        return IP(src=self.ip4(), dst=self.ip4(), ttl=self.r.randint(1, 255),
                  id=self.r.getrandbits(16), flags=self.r.choice([0, 0, 2]), **kw)

    # each returns (kind, packet)
    def k_esp(self, v6):
        return "esp", self.eth() / self.l3(v6) / self.esp()

    def k_esp_udp(self, v6):
        sp = self.r.choice([4500, 4500, self.port()])
        return "esp-in-udp", self.eth() / self.l3(v6) / UDP(sport=sp, dport=4500) / self.esp()

    def k_ike4500(self, v6):
        sp = self.r.choice([4500, 4500, self.port()])
        return "ike-4500", self.eth() / self.l3(v6) / UDP(sport=sp, dport=4500) / NON_ESP() / self.ikev2()

    def k_ike500(self, v6):
        sp = self.r.choice([500, 500, self.port()])
        return "ike-500", self.eth() / self.l3(v6) / UDP(sport=sp, dport=500) / self.ikev2()

    def k_keepalive(self, v6):
        sp = self.r.choice([4500, self.port()])
        return "natt-keepalive", self.eth() / self.l3(v6) / UDP(sport=sp, dport=4500) / NAT_KEEPALIVE()

    def k_udp(self, v6):
        sp = self.r.choice([self.port(), self.port(), 500, 4500])
        return "udp", self.eth() / self.l3(v6) / UDP(sport=sp, dport=self.port()) / Raw(self.bytes(self.plen()))

    def k_tcp(self, v6):
        dp = self.r.choice([self.port(()), 500, 4500, 443, 22])
        return "tcp", (self.eth() / self.l3(v6) /
                       TCP(sport=self.port(()), dport=dp, seq=self.r.getrandbits(32),
                           flags=self.r.choice(["S", "SA", "A", "PA", "FA"])) /
                       Raw(self.bytes(self.plen())))

    def k_icmp(self, v6):
        if v6:
            m = self.r.choice([ICMPv6EchoRequest, ICMPv6EchoReply])
            return "icmp6", self.eth() / self.l3(True) / m(id=self.r.getrandbits(16), data=self.bytes(self.plen(0, 200)))
        return "icmp", (self.eth() / self.l3(False) /
                        ICMP(type=self.r.choice([0, 8, 3, 11]), id=self.r.getrandbits(16)) /
                        Raw(self.bytes(self.plen(0, 200))))

    def k_arp(self, v6):
        return "arp", self.eth(type=0x0806) / ARP(op=self.r.choice([1, 2]), hwsrc=self.mac(),
                                                 psrc=self.ip4(), hwdst=self.mac(), pdst=self.ip4())

    def inner(self, v6):
        """An L4 layer for the odd IP headers below."""
        c = self.r.randint(0, 4)
        if c == 0:
            return self.esp()
        if c == 1:
            return UDP(sport=4500, dport=4500) / self.esp()
        if c == 2:
            return UDP(sport=500, dport=500) / self.ikev2()
        if c == 3:
            return UDP(sport=self.port(), dport=self.port()) / Raw(self.bytes(self.plen()))
        return TCP(sport=self.port(()), dport=self.port(())) / Raw(self.bytes(self.plen()))

    def k_ip4opts(self, v6):
        opts = self.r.choice([
            [IPOption_Router_Alert()],
            [IPOption_NOP(), IPOption_NOP(), IPOption_NOP(), IPOption_NOP()],
            [IPOption_RR(routers=[self.ip4() for _ in range(self.r.randint(1, 9))])],
            [IPOption_Timestamp(flg=0, timestamp=[self.r.getrandbits(32)])],
        ])
        return "ipv4-opts", self.eth() / self.l3(False, options=opts) / self.inner(False)

    def k_frag(self, v6):
        ip = self.l3(False)
        if self.r.random() < 0.4:                   # first fragment: MF, offset 0
            ip.flags = "MF"
            ip.frag = 0
            l4 = self.inner(False)
            if isinstance(l4, UDP):                 # the whole datagram's length
                l4.len = len(l4) + 8 * self.r.randint(1, 200)
            return "ipv4-frag-first", self.eth() / ip / l4
        ip.flags = self.r.choice(["MF", 0])
        ip.frag = self.r.choice([1, 2, 185, self.r.randint(1, 8191)])
        ip.proto = self.r.choice([17, 17, 50, 6])
        body = self.bytes(self.plen(1, 1400))
        if ip.proto == 17 and self.r.random() < 0.5:
            # a later fragment whose data look like UDP to 4500 or 500 would
            body = (self.r.getrandbits(16).to_bytes(2, "big") +
                    self.r.choice([4500, 500]).to_bytes(2, "big") + self.bytes(4) + body)
        return "ipv4-frag-later", self.eth() / ip / Raw(body)

    def k_vlan(self, v6):
        inner = self.l3(v6) / self.inner(v6)
        if self.r.random() < 0.2:
            return "qinq", self.eth() / Dot1AD(vlan=self.r.randint(1, 4094)) / Dot1Q(vlan=self.r.randint(1, 4094)) / inner
        return "vlan", self.eth() / Dot1Q(vlan=self.r.randint(0, 4095), prio=self.r.randint(0, 7)) / inner

    def k_other(self, v6):
        c = self.r.randint(0, 5)
        if c == 0:
            return "802.3-llc", Dot3(dst=self.mac(), src=self.mac()) / LLC(dsap=0x42, ssap=0x42, ctrl=3) / Raw(self.bytes(self.plen(0, 200)))
        et = self.r.choice([0x88cc, 0x8847, 0x88e5, 0x0842, 0x8906, 0x88b5,
                            self.r.randint(0x0600, 0xffff)])
        if et in (0x0800, 0x86dd, 0x0806, 0x8100, 0x88a8):
            et = 0x88b6
        return "ethertype-%04x" % et, self.eth(type=et) / Raw(self.bytes(self.plen(0, 300)))

    def k_ip6ext(self, v6):
        ext = self.r.choice([
            lambda: IPv6ExtHdrHopByHop(),
            lambda: IPv6ExtHdrDestOpt(),
            lambda: IPv6ExtHdrRouting(addresses=[self.ip6()]),
            lambda: IPv6ExtHdrFragment(m=self.r.randint(0, 1), id=self.r.getrandbits(32)),
        ])()
        return "ipv6-ext", self.eth() / self.l3(True) / ext / self.inner(True)


KINDS = [  # (weight, method, IPv6 share)
    (12, "k_esp", 0.4), (12, "k_esp_udp", 0.35), (6, "k_ike4500", 0.3),
    (5, "k_ike500", 0.3), (3, "k_keepalive", 0.3), (7, "k_udp", 0.4),
    (5, "k_tcp", 0.4), (4, "k_icmp", 0.4), (3, "k_arp", 0), (6, "k_ip4opts", 0),
    (7, "k_frag", 0), (4, "k_vlan", 0.3), (4, "k_other", 0), (3, "k_ip6ext", 1),
]


def layers(p):
    return list(p.iterpayloads())


def hdr_end(U):
    """Where the frame's last header ends, for cutting inside the headers."""
    off = 0
    for l in layers(U):
        if isinstance(l, (Raw, Padding)):
            break
        if isinstance(l, ESP):
            return off + 16
        if isinstance(l, NAT_KEEPALIVE):
            return off
        off += len(l.self_build())
    return off


def build(g):
    r = g.r
    w = sum(k[0] for k in KINDS)
    x = r.uniform(0, w)
    for weight, meth, v6share in KINDS:
        x -= weight
        if x <= 0:
            break
    v6 = r.random() < v6share
    kind, p = getattr(g, meth)(v6)
    kind = ("v6-" if v6 and meth not in ("k_ip6ext",) else
            "v4-" if meth not in ("k_arp", "k_other", "k_ip6ext", "k_ip4opts", "k_frag") else "") + kind
    ip = p.payload if isinstance(p.payload, (IP, IPv6)) else None
    # IP length past the end of the frame
    if ip is not None and r.random() < 0.07:
        real = len(ip) if isinstance(ip, IP) else len(ip) - 40
        big = min(0xffff, r.choice([real + r.randint(1, 16), real + r.randint(1, 3000),
                                    r.randint(real + 1, 0xffff)]))
        if isinstance(ip, IP):
            ip.len = big
        else:
            ip.plen = big
        kind += "+biglen%d" % big
    b = bytes(p)
    cut = len(b)
    he = hdr_end(Ether(b))
    if r.random() < 0.12 and he > 14:
        cut = r.randint(14, he - 1)
        kind += "+cut%d" % cut
    elif len(b) < 60 and r.random() < 0.7:
        b += bytes(60 - len(b))
        cut = len(b)
        kind += "+pad60"
    return kind, b, cut


# --- expectations, from scapy's dissection ----------------------------------

def mac(s):
    return "0x" + s.replace(":", "").lower()


def addr(ip, which, v6):
    a = ipaddress.IPv6Address(getattr(ip, which)) if v6 else ipaddress.IPv4Address(getattr(ip, which))
    return "0x%032x" % int(a)


def payload_len(l):
    """Bytes of l's payload that scapy gives it (its padding not counted)."""
    return len(bytes(l.payload)) - len(l.payload.build_padding())


def fields(P, flen):
    """The expected fields of frame P (dissected by scapy) when the frame is
    flen bytes long (P may be longer: see expect())."""
    L = layers(P)
    offs = [0]
    for l in L:
        offs.append(offs[-1] + len(l.self_build()))
    e = dict.fromkeys(FIELDS, D)
    eth = L[0]
    e["eth_dst"], e["eth_src"] = mac(eth.dst), mac(eth.src)
    e["ethertype"] = "0x%04x" % (eth.len if isinstance(eth, Dot3) else eth.type)
    l3 = L[1] if len(L) > 1 else None
    e["is_arp"] = int(isinstance(l3, ARP))
    # scapy binds the class to the ethertype; the version field must agree
    v4 = isinstance(l3, IP) and l3.version == 4
    v6 = isinstance(l3, IPv6) and l3.version == 6
    e["is_ipv4"], e["is_ipv6"] = int(v4), int(v6)
    for f in ("ip_ok", "ip_frag", "ip_opts", "is_udp", "is_esp", "esp_in_udp", "is_ike", "short"):
        e[f] = 0
    if not (v4 or v6):
        return e
    opts = v4 and l3.ihl > 5
    e["ip_opts"] = int(opts)
    e["ip_frag"] = int(bool(l3.flags.MF) or l3.frag != 0) if v4 else 0
    e["ip_src"], e["ip_dst"] = addr(l3, "src", v6), addr(l3, "dst", v6)
    e["ip_proto"] = l3.nh if v6 else l3.proto
    total = l3.plen + 40 if v6 else l3.len
    if total <= 0xffff:
        e["ip_len"] = total
    if opts:                            # the card leaves these to the host
        e["l4_off"] = e["ip_ok"] = e["short"] = D
        return e
    iphl = len(l3.self_build())         # 40, or ihl * 4
    e["l4_off"] = offs[1] + iphl
    sane = v6 or (l3.ihl >= 5 and l3.len >= l3.ihl * 4)
    e["ip_ok"] = int(sane and offs[1] + total <= flen)
    hdr_end = offs[1] + iphl
    l4 = L[2] if len(L) > 2 else None
    esp_at = None
    if isinstance(l4, ESP):
        esp_at = 2
    elif isinstance(l4, UDP):
        e["is_udp"] = 1
        e["udp_sport"], e["udp_dport"] = l4.sport, l4.dport
        e["udp_len"] = l4.len
        hdr_end = offs[2] + 8
        l5 = L[3] if len(L) > 3 else None
        if isinstance(l5, ESP):
            esp_at = 3
            e["esp_in_udp"] = 1
        e["is_ike"] = int(isinstance(l5, (IKEv2, ISAKMP, NON_ESP)))
    if esp_at is not None:
        esp = L[esp_at]
        e["is_esp"] = 1
        e["esp_off"] = offs[esp_at]
        e["spi"], e["seq"] = "0x%08x" % esp.spi, "0x%08x" % esp.seq
        if esp.data is not None and len(esp.data) >= 8:
            e["iv"] = "0x" + esp.data[:8].hex()
        hdr_end = offs[esp_at] + 16    # SPI, sequence number, 8-byte IV
    e["short"] = int(flen < hdr_end)
    return e


def templates():
    """Frames of each class the fields tell apart, whose bytes stand in for
    a cut frame's missing ones."""
    t = []
    for v6 in (False, True):
        ip = (lambda **kw: IPv6(**kw)) if v6 else (lambda **kw: IP(**kw))
        esp = ESP(spi=0x01020304, seq=7, data=bytes(range(40)))
        t += [Ether() / ip() / esp,
              Ether() / ip() / UDP(sport=4500, dport=4500) / esp,
              Ether() / ip() / UDP(sport=4500, dport=4500) / NON_ESP() / IKEv2(init_SPI=b"i" * 8),
              Ether() / ip() / UDP(sport=500, dport=500) / IKEv2(init_SPI=b"i" * 8),
              Ether() / ip() / UDP(sport=1, dport=2) / Raw(bytes(40)),
              Ether() / ip() / TCP() / Raw(bytes(40))]
    t.append(Ether() / IP(flags="MF", frag=100, proto=17) / Raw(bytes(40)))
    t.append(Ether() / IP(options=[IPOption_Router_Alert()]) / UDP(dport=4500) / esp)
    return [bytes(p) for p in t]


TEMPLATES = templates()


def expect(whole, cut):
    """Expected fields of whole[:cut].  A cut frame's fields are those of the
    whole frame where the cut-off bytes can't change them: the same when the
    missing bytes are zeros, ones, the complement of the real ones, or the
    bytes of any of the TEMPLATES."""
    e = fields(Ether(whole), cut)
    if cut == len(whole):
        return e
    n = len(whole) - cut
    fills = [bytes(n), b"\xff" * n, bytes(x ^ 0xff for x in whole[cut:])]
    fills += [(t[cut:] + bytes(n))[:n] for t in TEMPLATES]
    for fill in fills:
        f = fields(Ether(whole[:cut] + fill), cut)
        for k in FIELDS:
            if f[k] != e[k]:
                e[k] = D
    return e


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pcap")
    ap.add_argument("expect")
    ap.add_argument("--seed", type=lambda x: int(x, 0), default=1)
    ap.add_argument("--count", type=int, default=3000)
    a = ap.parse_args()
    random.seed(a.seed)                 # scapy's own random defaults, if any
    g = Gen(random.Random(a.seed))
    w = RawPcapWriter(a.pcap, linktype=1, sync=False)
    w.write_header(None)
    kinds = {}
    with open(a.expect, "w") as out:
        out.write("# gen_hdr_vectors.py --seed %d --count %d: n kind %s\n"
                  % (a.seed, a.count, " ".join(FIELDS)))
        for n in range(1, a.count + 1):
            kind, b, cut = build(g)
            e = expect(b, cut)
            frame = b[:cut]
            w.write_packet(frame, sec=n, usec=0)
            out.write("%d %s %s\n" % (n, kind, " ".join("%s=%s" % (f, e[f]) for f in FIELDS)))
            base = kind.split("+")[0]
            kinds[base] = kinds.get(base, 0) + 1
    w.close()
    print("gen_hdr_vectors: %d frames, seed %d, %d kinds -> %s, %s"
          % (a.count, a.seed, len(kinds), a.pcap, a.expect))


if __name__ == "__main__":
    main()
