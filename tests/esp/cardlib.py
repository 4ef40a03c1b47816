"""What tests/esp/card_vectors.py and check_card.py share: an SA as the test
knows it (its `ip xfrm` line, its scapy SecurityAssociation), ESP built and
opened by implementations not ours, and the scenario file format.

ESP with a 16-byte ICV goes through scapy's SecurityAssociation. scapy 2.5
cannot make or check truncated ICVs (it hands cryptography's AESGCM, which
wants 16 bytes, whatever it gets), so 8- and 12-byte ICVs, and packets that are
wrong on purpose (bad padding, bad next header), are made and opened with
python3-cryptography's AES-GCM directly, as RFC 4106 and RFC 4303 say:
nonce = salt || IV, AAD = SPI || [seq hi ||] seq lo, text = inner packet ||
padding 1, 2, 3 ... || pad length || next header.

A scenario directory holds:
    sa.conf, spd.conf   the SA and policy files for nicsec-sim replay
    lan-in.pcap, wan-in.pcap
    host-lan-in.pcap    the host's own frames out of the LAN and the WAN
    host-wan-in.pcap    (only where the scenario has some)
    args                more arguments for nicsec-sim replay, one a line
    expect.json         what must come out (see check_card.py)
"""
import ipaddress
import json
import socket
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from scapy.all import ICMP, IP, TCP, UDP, Ether, ICMPv6EchoRequest, IPv6, Raw, raw
from scapy.layers.ipsec import ESP, SecurityAssociation

NO_LIMIT = (1 << 64) - 1

GLOBAL_NAMES = ["lan_rx", "wan_rx", "lan_tx", "wan_tx", "host_rx", "host_tx", "no_sa",
                "malformed", "too_short", "bypass", "policy_drop", "to_host", "events_lost",
                "oversize", "wan_to_host"]
DROP_NAMES = ["replay", "icv", "trailer", "selector", "seq_exhausted", "lifetime"]


class SA:
    """One SA, both as the card's SA file says it and as scapy takes it."""

    FIELDS = ["dir", "spi", "src", "dst", "key", "salt", "icv", "udp", "sport", "dport",
              "esn", "window", "start", "sel", "eth_src", "eth_dst", "limits"]

    def __init__(self, **kw):
        self.dir = kw["dir"]                  # "in" or "out"
        self.spi = kw["spi"]
        self.src, self.dst = kw["src"], kw["dst"]   # outer addresses, as text
        self.key, self.salt = kw["key"], kw["salt"]
        self.icv = kw.get("icv", 16)
        self.udp = kw.get("udp", False)
        self.sport, self.dport = kw.get("sport", 4500), kw.get("dport", 4500)
        self.esn = kw.get("esn", False)
        self.window = kw.get("window", 64)
        # xfrm's: outbound the last number sent, inbound the highest seen
        self.start = kw.get("start", 0)
        # [src prefix, dst prefix, proto or None], or None (inbound: no check)
        self.sel = kw.get("sel")
        self.eth_src, self.eth_dst = kw["eth_src"], kw["eth_dst"]
        # byte-soft, byte-hard, packet-soft, packet-hard: those given
        self.limits = kw.get("limits", {})

    @property
    def v6(self):
        return ":" in self.src

    def line(self):
        """The SA-file line (ip xfrm state add syntax plus dir and ether)."""
        w = [f"src {self.src} dst {self.dst} proto esp spi {self.spi:#010x} reqid 1 mode tunnel"]
        if self.window or self.esn:
            w.append(f"replay-window {self.window}")
        if self.esn:
            w.append("flag esn")
        w.append(f"aead 'rfc4106(gcm(aes))' 0x{(self.key + self.salt).hex()} {self.icv * 8}")
        if self.udp:
            w.append(f"encap espinudp {self.sport} {self.dport} 0.0.0.0")
        if self.sel:
            s = f"sel src {self.sel[0]} dst {self.sel[1]}"
            if self.sel[2] is not None:
                s += f" proto {self.sel[2]}"
            w.append(s)
        lo, hi = self.start & 0xFFFFFFFF, self.start >> 32
        kind = "replay-oseq" if self.dir == "out" else "replay-seq"
        if lo:
            w.append(f"{kind} {lo:#x}")
        if hi:
            w.append(f"{kind}-hi {hi:#x}")
        for k, v in self.limits.items():
            w.append(f"limit {k} {v}")
        w.append(f"ether src {self.eth_src} dst {self.eth_dst} dir {self.dir}")
        return " ".join(w)

    def to_json(self):
        d = {k: getattr(self, k) for k in self.FIELDS}
        d["key"], d["salt"] = self.key.hex(), self.salt.hex()
        return d

    @classmethod
    def from_json(cls, d):
        d = dict(d)
        d["key"], d["salt"] = bytes.fromhex(d["key"]), bytes.fromhex(d["salt"])
        return cls(**d)

    def outer_header(self):
        ip = IPv6(src=self.src, dst=self.dst) if self.v6 else IP(src=self.src, dst=self.dst)
        return ip

    def scapy_sa(self, seq):
        """scapy's SA, set for the packet with 64-bit sequence number seq."""
        s = SecurityAssociation(ESP, spi=self.spi, crypt_algo="AES-GCM",
                                crypt_key=self.key + self.salt,
                                tunnel_header=self.outer_header(),
                                nat_t_header=UDP(sport=self.sport, dport=self.dport) if self.udp else None,
                                esn_en=self.esn, esn=seq >> 32)
        # scapy takes `seq_num or self.seq_num`: a low half of 0 must come this way
        s.seq_num = seq & 0xFFFFFFFF
        return s


# ---- ESP by scapy (16-byte ICV) ---------------------------------------------

def scapy_encrypt(sa, inner, seq, iv):
    """The outer IP packet (bytes) carrying inner under sa, made by scapy.

    scapy 2.5 freezes the UDP header of an IPv4 NAT-T packet before the ESP
    is behind it (it re-parses the IP header with the UDP header alone), so its
    length field says 8: that one field is set right here."""
    assert sa.icv == 16
    pkt = IPv6(inner) if inner[0] >> 4 == 6 else IP(inner)
    out = sa.scapy_sa(seq).encrypt(pkt, iv=iv)
    if sa.udp:
        out[UDP].len = 8 + len(raw(out[ESP]))
    return raw(out)


def scapy_decrypt(sa, outer_ip, seq):
    """The inner packet (bytes) from an outer IP packet, by scapy; raises on a
    bad ICV."""
    cls = IPv6 if outer_ip[0] >> 4 == 6 else IP
    s = sa.scapy_sa(seq)
    return raw(s.decrypt(cls(outer_ip)))


# ---- ESP by python3-cryptography (any ICV, any trailer) ---------------------

def aad(sa, seq, spi=None):
    spi = sa.spi if spi is None else spi
    if sa.esn:
        return struct.pack("!III", spi, seq >> 32, seq & 0xFFFFFFFF)
    return struct.pack("!II", spi, seq & 0xFFFFFFFF)


def trailer(inner, pad_to=4):
    """RFC 4303's padding, pad length and next header for inner."""
    nh = 41 if inner[0] >> 4 == 6 else 4
    padlen = -(len(inner) + 2) % pad_to
    return bytes(range(1, padlen + 1)) + bytes([padlen, nh])


def esp_seal(sa, text, seq, iv, spi=None):
    """ESP header + IV + ciphertext + ICV over text (inner ++ trailer, as given)."""
    spi = sa.spi if spi is None else spi
    enc = Cipher(algorithms.AES(sa.key), modes.GCM(sa.salt + iv)).encryptor()
    enc.authenticate_additional_data(aad(sa, seq, spi))
    ct = enc.update(text) + enc.finalize()
    return struct.pack("!II", spi, seq & 0xFFFFFFFF) + iv + ct + enc.tag[:sa.icv]


def esp_open(sa, esp, seq):
    """The plaintext (inner ++ trailer) of ESP bytes, or None if the ICV fails."""
    icv = sa.icv
    iv, ct, tag = esp[8:16], esp[16:-icv], esp[-icv:]
    dec = Cipher(algorithms.AES(sa.key), modes.GCM(sa.salt + iv, tag, min_tag_length=icv)).decryptor()
    dec.authenticate_additional_data(aad(sa, seq, struct.unpack("!I", esp[:4])[0]))
    try:
        return dec.update(ct) + dec.finalize()
    except InvalidTag:
        return None


def outer_wrap(sa, esp):
    """The outer IP packet (bytes) around ESP bytes: IPv4 or IPv6, UDP if the SA
    says so; lengths and the IPv4 checksum by scapy."""
    if sa.udp:
        payload = UDP(sport=sa.sport, dport=sa.dport, chksum=0) / esp
    else:
        payload = esp
    if sa.v6:
        return raw(IPv6(src=sa.src, dst=sa.dst, nh=17 if sa.udp else 50) / payload)
    return raw(IP(src=sa.src, dst=sa.dst, proto=17 if sa.udp else 50) / payload)


def crypto_encrypt(sa, inner, seq, iv):
    """The outer IP packet (bytes) carrying inner under sa, by cryptography."""
    return outer_wrap(sa, esp_seal(sa, inner + trailer(inner), seq, iv))


# ---- frames -------------------------------------------------------------------

def ether(dst, src, payload_first_byte):
    etype = 0x86DD if payload_first_byte >> 4 == 6 else 0x0800
    return raw(Ether(dst=dst, src=src, type=etype))


def inner_len(pkt):
    """An IP packet's own length, by its header."""
    if pkt[0] >> 4 == 6:
        return 40 + struct.unpack("!H", pkt[4:6])[0]
    return struct.unpack("!H", pkt[2:4])[0]


def make_inner(rng, src, dst, payload_len, kind=None):
    """An inner IP packet (bytes) from src to dst (IPv4 or IPv6 by the address)
    with payload_len bytes of random payload behind a UDP, TCP, ICMP echo or no
    transport header (protocol 253, RFC 3692's experiment number)."""
    kind = kind or rng.choice(["udp", "tcp", "icmp", "raw"])
    payload = Raw(rng.randbytes(payload_len)) if payload_len else b""
    v6 = ":" in src
    ip = IPv6(src=src, dst=dst, hlim=rng.randrange(1, 256), fl=rng.randrange(1 << 20)) if v6 else \
        IP(src=src, dst=dst, ttl=rng.randrange(1, 256), id=rng.randrange(1 << 16),
           flags=rng.choice([0, 2]))
    if kind == "udp":
        l4 = UDP(sport=rng.randrange(1024, 65536), dport=rng.randrange(1, 65536))
    elif kind == "tcp":
        l4 = TCP(sport=rng.randrange(1024, 65536), dport=rng.randrange(1, 65536),
                 seq=rng.randrange(1 << 32), flags="PA")
    elif kind == "icmp":
        l4 = ICMPv6EchoRequest(id=rng.randrange(1 << 16), seq=rng.randrange(1 << 16)) if v6 else \
            ICMP(id=rng.randrange(1 << 16), seq=rng.randrange(1 << 16))
    else:
        if v6:
            ip.nh = 253
        else:
            ip.proto = 253
        l4 = None
    pkt = ip / l4 / payload if l4 is not None else ip / payload
    return raw(pkt)


def mac(i, base=0x02):
    """A locally administered unicast MAC from a number."""
    b = bytes([base]) + i.to_bytes(5, "big")
    return ":".join(f"{x:02x}" for x in b)


def addr_in(prefix, rng):
    """A random host address inside prefix."""
    net = ipaddress.ip_network(prefix)
    if net.num_addresses <= 2:
        return str(net.network_address)
    return str(net.network_address + rng.randrange(1, net.num_addresses - 1))


def ip_text(b):
    return socket.inet_ntop(socket.AF_INET6 if len(b) == 16 else socket.AF_INET, b)


def save_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=1)
