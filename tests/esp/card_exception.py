"""The exception-path scenario: what goes to the host, and the policy file.

WAN frames for the host: IKE on UDP 500, IKE on UDP 4500 behind the zero
marker (RFC 3948), NAT-T keepalives (one 0xff byte), ARP; IPv4 and IPv6,
with and without Ethernet padding. LAN frames for the host: ARP, packets no
rule matches (IPv4 and IPv6), packets a punt rule matches. The policy file's
rules come before the SAs' protect rules: a bypass rule for UDP in front of an
SA's selector sends UDP on unchanged while the rest of that traffic is
protected; a drop rule in front of another SA's selector leaves it nothing.
Good ESP both ways in between; nothing of the host's frames anywhere else.
"""
import struct

import cardlib
from card_scenario import CARD_WAN_MAC, LAN_HOST_MAC, PEER_MAC
from scapy.all import ARP, IP, UDP, Ether, IPv6, raw


def ike_header(rng):
    """An IKE_SA_INIT request's header (RFC 7296 section 3.1) and a payload."""
    body = rng.randbytes(rng.randrange(20, 300))
    return rng.randbytes(8) + bytes(8) + struct.pack("!BBBBII", 33, 0x20, 34, 0x08, 0,
                                                     28 + len(body)) + body


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

    def good_wan():
        seq[0] += 1
        p = cardlib.make_inner(rng, "172.16.5.5", "10.50.1.1", rng.randrange(0, 400))
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
    assert sc.st(shadowed).packets == 0
