#!/usr/bin/python3
"""Checks the card's ESP output with scapy's ESP, an implementation not ours.

    check_encap.py LAN.pcap WAN.pcap SAS.txt

Frame i of WAN.pcap must be frame i of LAN.pcap, ESP-encapsulated (RFC 4303,
tunnel mode) with AES-GCM (RFC 4106) under the SA on line i of SAS.txt, as
sim/unit/encap_tb.cpp writes it. Checked for every frame: the outer Ethernet, IP
(IPv4 header checksum, TTL, DF) and UDP headers, the SPI and sequence number,
the IV, the ICV, the padding (1, 2, 3 ...), pad length and next header, and that
the decrypted packet is the inner IP packet byte for byte, without the LAN
frame's Ethernet padding.

The ICV is verified and the payload decrypted twice: by python3-cryptography's
AES-GCM (OpenSSL underneath), which takes ICVs of 8 and 12 bytes, and, for
16-byte ICVs, also by scapy's SecurityAssociation. scapy 2.5 cannot do the
truncated ICVs (it hands cryptography's AESGCM, which wants 16 bytes, whatever
it gets) and returns the wrong bytes as `padding`, so the trailer is checked
from the first decryption.
"""
import socket
import sys

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from scapy.all import IP, IPv6, UDP, Ether, rdpcap, raw
from scapy.layers.ipsec import ESP, SecurityAssociation


def parse_sa(line):
    kv = dict(f.split("=", 1) for f in line.split())
    sa = {k: kv[k] for k in kv}
    for k in ("icv", "esn", "seq", "v6", "udp", "sport", "dport"):
        sa[k] = int(sa[k])
    sa["spi"] = int(sa["spi"], 16)
    sa["key"] = bytes.fromhex(sa["key"])
    sa["salt"] = bytes.fromhex(sa["salt"])
    for k in ("src", "dst", "esrc", "edst"):
        sa[k] = bytes.fromhex(sa[k])
    return sa


def ip_text(b, v6):
    return socket.inet_ntop(socket.AF_INET6, b) if v6 else socket.inet_ntop(socket.AF_INET, b[12:16])


def mac_text(b):
    return ":".join(f"{x:02x}" for x in b)


def check(i, lan, wan, sa):
    """Returns None, or what is wrong with frame i."""
    outer = Ether(wan)
    if outer.dst != mac_text(sa["edst"]) or outer.src != mac_text(sa["esrc"]):
        return f"Ethernet {outer.src} > {outer.dst}"
    v6 = sa["v6"]
    ip = outer[IPv6] if v6 else outer[IP]
    if ip.src != ip_text(sa["src"], v6) or ip.dst != ip_text(sa["dst"], v6):
        return f"outer addresses {ip.src} > {ip.dst}"
    if not v6:
        want = IP(raw(ip)[:20])
        del want.chksum
        if IP(raw(want)).chksum != ip.chksum:
            return f"IPv4 header checksum {ip.chksum:#06x}"
        if ip.ttl != 64 or ip.flags != "DF" or ip.len != len(raw(ip)):
            return f"IPv4 ttl {ip.ttl} flags {ip.flags} len {ip.len}"
    elif ip.plen != len(raw(ip)) - 40 or ip.hlim != 64:
        return f"IPv6 plen {ip.plen} hlim {ip.hlim}"
    if sa["udp"]:
        if (ip.nh if v6 else ip.proto) != 17:
            return "not UDP"
        udp = ip[UDP]
        if udp.sport != sa["sport"] or udp.dport != sa["dport"] or udp.chksum != 0:
            return f"UDP {udp.sport} > {udp.dport} checksum {udp.chksum}"
        if udp.len != len(raw(udp)):
            return f"UDP length {udp.len}"
        esp = ESP(raw(udp.payload))
    else:
        if (ip.nh if v6 else ip.proto) != 50:
            return "not ESP"
        esp = ESP(raw(ip.payload))
    if esp.spi != sa["spi"] or esp.seq != sa["seq"] & 0xFFFFFFFF:
        return f"ESP spi {esp.spi:#x} seq {esp.seq}"
    if raw(esp)[8:16] != sa["seq"].to_bytes(8, "big"):
        return "IV is not the 64-bit sequence number"
    esn = sa["seq"] >> 32
    icv = sa["icv"]
    body = raw(esp)
    aad = body[:4] + (esn.to_bytes(4, "big") if sa["esn"] else b"") + body[4:8]
    nonce = sa["salt"] + body[8:16]
    ct, tag = body[16:-icv], body[-icv:]
    dec = Cipher(algorithms.AES(sa["key"]), modes.GCM(nonce, tag, min_tag_length=icv)).decryptor()
    dec.authenticate_additional_data(aad)
    try:
        plain = dec.update(ct) + dec.finalize()
    except InvalidTag:
        return f"ICV ({icv} bytes) does not verify"
    inner_v6 = lan[12:14] == b"\x86\xdd"
    inner_len = (int.from_bytes(lan[18:20], "big") + 40) if inner_v6 else int.from_bytes(lan[16:18], "big")
    padlen, nh = plain[-2], plain[-1]
    if plain[:-2 - padlen] != lan[14:14 + inner_len]:
        return "decrypted packet differs from the inner packet"
    if plain[-2 - padlen:-2] != bytes(range(1, padlen + 1)) or len(plain) % 4 or padlen > 3:
        return f"padding {plain[-2 - padlen:-2].hex()} pad length {padlen}"
    if nh != (41 if inner_v6 else 4):
        return f"next header {nh}"
    if icv == 16:
        s = SecurityAssociation(ESP, spi=sa["spi"], crypt_algo="AES-GCM",
                                crypt_key=sa["key"] + sa["salt"], esn_en=bool(sa["esn"]), esn=esn)
        try:
            p = s.crypt_algo.decrypt(s, esp, s.crypt_key, 16, bool(sa["esn"]), esn)
        except Exception as e:  # IPSecIntegrityError
            return f"scapy: ICV does not verify: {e!r}"
        if raw(p.data) != lan[14:14 + inner_len] or p.padlen != padlen or p.nh != nh:
            return "scapy decrypts it differently"
    return None


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    lans = [raw(p) for p in rdpcap(sys.argv[1])]
    wans = [raw(p) for p in rdpcap(sys.argv[2])]
    with open(sys.argv[3]) as f:
        sas = [parse_sa(line) for line in f if line.strip()]
    failed = 0
    if not (len(lans) == len(wans) == len(sas)):
        print(f"check_encap: {len(lans)} LAN frames, {len(wans)} WAN frames, {len(sas)} SA lines")
        failed += 1
    for i, (lan, wan, sa) in enumerate(zip(lans, wans, sas)):
        why = check(i, lan, wan, sa)
        if why:
            failed += 1
            if failed <= 10:
                print(f"check_encap: frame {i} (spi {sa['spi']:#010x}, seq {sa['seq']}): {why}")
    n = min(len(lans), len(wans), len(sas))
    print(f"check_encap: {n} ESP frames checked: {n - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
