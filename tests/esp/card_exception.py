"""The exception-path scenario: what goes to the host, and the policy file.

WAN frames for the host: IKE on UDP 500, IKE on UDP 4500 behind the zero
marker (RFC 3948), NAT-T keepalives (one 0xff byte), ARP; IPv4 and IPv6,
with and without Ethernet padding. LAN frames for the host: ARP, packets no
rule matches (IPv4 and IPv6), packets a punt rule matches. The policy file's
rules come before the SAs' protect rules: a bypass rule for UDP in front of an
SA's selector sends UDP on unchanged while the rest of that traffic is
protected; a drop rule in front of another SA's selector leaves it nothing.
Good ESP both ways in between; nothing of the host's frames anywhere else.

The other way, the host's own frames out of each port (host_tx): ARP replies,
IKE on UDP 500 and 4500, ICMP echo replies, a 9,000-byte jumbo and frames of
60 to 1,514 bytes, most of them odd, a few dozen a port. They go in from the
start, beside the LAN and WAN inputs, and those carry ESP and cleartext for as
many bytes again after the cases above, so each port's arbiter has the host's
frames and the data path's to take turns between.
"""
import struct

import cardlib
from card_scenario import CARD_LAN_MAC, CARD_WAN_MAC, LAN_HOST_MAC, PEER_MAC
from scapy.all import ARP, ICMP, IP, UDP, Ether, ICMPv6EchoReply, IPv6, raw

# The two sides of each port, as the host's frames out of it are addressed:
# from the gateway's own MAC and addresses to a neighbour's.
PORTS = {
    "lan": {"mac": CARD_LAN_MAC, "peer_mac": LAN_HOST_MAC, "ip": "10.50.0.1", "peer_ip": "10.50.0.9",
            "net": "10.50.0.0/24", "ip6": "2001:db8:50::1", "peer_ip6": "2001:db8:50::9"},
    "wan": {"mac": CARD_WAN_MAC, "peer_mac": PEER_MAC, "ip": "198.51.100.1", "peer_ip": "203.0.113.1",
            "net": "198.51.100.0/24", "ip6": "2001:db8:ffff::1", "peer_ip6": "2001:db8:fffe::1"},
}

# Frame sizes around the beat boundaries of LANES 1 and 4 (16 and 64 bytes) and
# the ends of the range, from the smallest frame a MAC sends (60 bytes without
# FCS) to the largest without jumbo frames (1,514).
HOST_SIZES = [60, 61, 63, 64, 65, 127, 129, 255, 257, 511, 513, 1023, 1025, 1499, 1513, 1514]
JUMBO = 9000


def ike_header(rng):
    """An IKE_SA_INIT request's header (RFC 7296 section 3.1) and a payload."""
    body = rng.randbytes(rng.randrange(20, 300))
    return rng.randbytes(8) + bytes(8) + struct.pack("!BBBBII", 33, 0x20, 34, 0x08, 0,
                                                     28 + len(body)) + body


def host_frames(rng, port):
    """The host's frames out of port, in a random order: ARP replies (padded to
    60 bytes or not), IKE on UDP 500 and 4500 (IPv4 and IPv6, one to a peer
    behind NAT), ICMP and ICMPv6 echo replies, a jumbo and the sizes of
    HOST_SIZES with four more odd ones."""
    p = PORTS[port]
    eth = Ether(src=p["mac"], dst=p["peer_mac"])

    def ip(v6):
        if v6:
            return IPv6(src=p["ip6"], dst=p["peer_ip6"], hlim=64)
        return IP(src=p["ip"], dst=p["peer_ip"], id=rng.randrange(1 << 16), flags=2)

    def sized(n, v6):
        """A UDP frame of exactly n bytes."""
        head = 14 + (40 if v6 else 20) + 8
        return raw(eth / ip(v6) / UDP(sport=rng.randrange(1024, 65536), dport=rng.randrange(1, 65536)) /
                   rng.randbytes(n - head))

    frames = []
    for pad in (False, True, False, True):
        neighbour = cardlib.mac(0x300000 + rng.randrange(1 << 16))
        arp = raw(Ether(src=p["mac"], dst=neighbour) /
                  ARP(op=2, hwsrc=p["mac"], psrc=p["ip"], hwdst=neighbour,
                      pdst=cardlib.addr_in(p["net"], rng)))
        frames.append(arp + bytes(60 - len(arp)) if pad else arp)
    for v6 in (False, True):
        frames.append(raw(eth / ip(v6) / UDP(sport=500, dport=500) / ike_header(rng)))
        frames.append(raw(eth / ip(v6) / UDP(sport=4500, dport=4500) / (bytes(4) + ike_header(rng))))
        frames.append(raw(eth / ip(v6) / UDP(sport=4500, dport=rng.randrange(1024, 65536)) /
                          (bytes(4) + ike_header(rng))))
    echo = rng.randbytes(56)
    frames.append(raw(eth / ip(False) / ICMP(type=0, id=rng.randrange(1 << 16), seq=1) / echo))
    frames.append(raw(eth / ip(True) / ICMPv6EchoReply(id=rng.randrange(1 << 16), seq=1) / echo))
    frames.append(sized(JUMBO, rng.random() < 0.5))
    sizes = HOST_SIZES + [rng.randrange(61, 1514, 2) for _ in range(4)]
    # IPv6 with UDP needs 62 bytes
    frames += [sized(n, n >= 62 and rng.random() < 0.5) for n in sizes]
    assert len(frames[-1]) == sizes[-1] and len(frames[-len(sizes) - 1]) == JUMBO
    rng.shuffle(frames)
    return frames


def build(sc):
    rng = sc.rng
    o = sc.add_sa(dir="out", src="198.51.100.1", dst="203.0.113.1",
                  sel=["10.50.0.0/16", "0.0.0.0/0", None])
    shadowed = sc.add_sa(dir="out", src="198.51.100.1", dst="203.0.113.2",
                         sel=["10.60.0.0/16", "172.16.60.0/24", None])
    i = sc.add_sa(dir="in", src="203.0.113.1", dst="198.51.100.1", window=64, udp=True)
    sc.spd = [
        "src 10.50.0.0/16 dst 0.0.0.0/0 proto udp action bypass",
        "src 10.60.0.0/16 dst 172.16.60.0/24 action drop",
        "src 10.70.0.0/16 dst 0.0.0.0/0 action punt",
        "src 2001:db8:70::/48 dst ::/0 proto tcp action punt",
    ]
    seq = [0]

    for port in ("lan", "wan"):
        for f in host_frames(rng, port):
            sc.host_send(port, f)
    host_bytes = sum(len(f) for frames in sc.host_tx.values() for f in frames)

    def good_wan(most=400):
        seq[0] += 1
        p = cardlib.make_inner(rng, "172.16.5.5", "10.50.1.1", rng.randrange(0, most))
        assert sc.wan_esp(i, seq[0], p) == "ok"

    def lan(src, dst, kind=None):
        return sc.lan_frame(cardlib.make_inner(rng, src, dst, rng.randrange(0, 300), kind),
                            pad=rng.random() < 0.5)

    def padded(f):
        return f + bytes(max(0, 60 - len(f))) if rng.random() < 0.5 else f

    def wan_udp(v6, sport, dport, payload):
        ip = IPv6(src="2001:db8:fffe::1", dst="2001:db8:ffff::1") if v6 else \
            IP(src="203.0.113.1", dst="198.51.100.1")
        return padded(raw(Ether(src=PEER_MAC, dst=CARD_WAN_MAC) / ip / UDP(sport=sport, dport=dport) / payload))

    host_wan = []
    for v6 in (False, True):
        host_wan.append(wan_udp(v6, 500, 500, ike_header(rng)))
        host_wan.append(wan_udp(v6, 4500, 4500, bytes(4) + ike_header(rng)))
        host_wan.append(wan_udp(v6, rng.randrange(1024, 65536), 4500, bytes(4) + ike_header(rng)))
        host_wan.append(wan_udp(v6, 4500, 4500, b"\xff"))
    host_wan.append(padded(raw(Ether(src=PEER_MAC, dst="ff:ff:ff:ff:ff:ff") /
                               ARP(op=1, hwsrc=PEER_MAC, psrc="203.0.113.1", pdst="198.51.100.1"))))
    host_wan.append(padded(raw(Ether(src=PEER_MAC, dst=CARD_WAN_MAC) /
                               ARP(op=2, hwsrc=PEER_MAC, psrc="203.0.113.1",
                                   hwdst=CARD_WAN_MAC, pdst="198.51.100.1"))))

    lan_cases = [
        (lambda: padded(raw(Ether(src=LAN_HOST_MAC, dst="ff:ff:ff:ff:ff:ff") /
                            ARP(op=1, hwsrc=LAN_HOST_MAC, psrc="10.50.0.9", pdst="10.50.0.1"))), "host"),
        (lambda: lan("10.80.1.1", "192.0.2.7"), "host"),                   # no rule
        (lambda: lan("2001:db8:80::1", "2001:db8:81::1"), "host"),         # no rule, IPv6
        (lambda: lan("10.70.3.3", "192.0.2.8"), "host"),                   # punt
        (lambda: lan("2001:db8:70::3", "2001:db8:81::1", "tcp"), "host"),  # punt, IPv6 TCP
        (lambda: lan("2001:db8:70::3", "2001:db8:81::1", "udp"), "host"),  # punt is TCP only: no rule
        (lambda: lan("10.50.2.2", "192.0.2.9", "udp"), "bypass"),
        (lambda: lan("10.60.2.2", "172.16.60.9"), "policy_drop"),
    ]
    for f in host_wan:
        sc.wan_other(f, "host")
        good_wan()
    for _ in range(3):
        for make, fate in lan_cases:
            sc.lan_other(make(), fate)
            # TCP and ICMP from 10.50/16 are the SA's: the UDP bypass rule is not theirs
            p = cardlib.make_inner(rng, cardlib.addr_in("10.50.0.0/16", rng), "192.0.2.10",
                                   rng.randrange(0, 300), rng.choice(["tcp", "icmp"]))
            sc.lan_protect(o, p)
        good_wan()

    # Traffic for the data path while the host's frames go out: decapsulated
    # frames for the LAN, ESP and bypassed frames for the WAN, as many bytes
    # on each input as the host sends in all, so they last as long as it does.
    def short(frames):
        return sum(map(len, frames)) < host_bytes

    while short(sc.lan_in) or short(sc.wan_in):
        if short(sc.wan_in):
            good_wan(1400)
        if short(sc.lan_in):
            src = cardlib.addr_in("10.50.0.0/16", rng)
            if rng.random() < 0.3:
                sc.lan_other(lan(src, "192.0.2.11", "udp"), "bypass")
            else:
                sc.lan_protect(o, cardlib.make_inner(rng, src, "192.0.2.12", rng.randrange(0, 1400),
                                                     rng.choice(["tcp", "icmp"])))
    assert sc.st(shadowed).packets == 0
    # The checker tells the host's frames from the data path's by their bytes.
    data = set(sc.lan_out) | {x["frame"] for x in sc.wan_out if x["kind"] == "plain"} | \
        {x["frame"] for x in sc.host_out}
    assert not data & {f.hex() for frames in sc.host_tx.values() for f in frames}
