#!/usr/bin/env python3
"""IKEv2's key derivations and SK payload, written again from the RFCs
with python3-cryptography, to check host/ike_crypto.c against.

    ike_crypto_oracle.py CASES ANSWERS
    ike_crypto_oracle.py --exchanges CASES
    ike_crypto_oracle.py --self-test

CASES holds blocks of "name hex-or-number" lines, each block opened by a
"case N" line (tests/unit/ike_crypto_cross.c writes them; docs/ike-crypto.md
lists the names).  For each case this writes to ANSWERS, in the same form:
the DH public values and g^ir (RFC 7296 3.4, RFC 3526 by pow(), RFC 5903,
RFC 8031), SKEYSEED and the seven keys (2.14), KEYMAT without and with PFS
(2.17), the rekeyed IKE SA's SKEYSEED and keys (2.18), the AUTH octets and
the PSK AUTH (2.15); the SK payload C sealed, opened here (sk_open) and
sealed again here with C's IV (sk_reseal, which must be the same bytes);
and a message sealed here with the responder's keys, a random IV and
random padding (sk_msg_r) for C to open.  What it cannot do (C's message
does not open) it reports on an "error TEXT" line, and goes on.

--exchanges takes what tests/unit/ike_exch_cross.c wrote: an IKE SA's
suite and keys, CREATE_CHILD_SA and INFORMATIONAL messages as C sent them,
and the initiator's private DH values.  It opens each SK payload here,
has scapy's IKEv2 dissector (scapy.contrib.ikev2) read each inner payload,
and from the messages alone computes the CHILD_SA's KEYMAT with PFS
(RFC 7296 2.17: prf+(SK_d, g^ir (new) | Ni | Nr)) and the rekeyed IKE
SA's SKEYSEED and seven keys (2.18), then opens the INFORMATIONAL sent
over the new IKE SA with the keys it computed.  Each is held against what
C made; it prints the checks and exits 1 if any failed.

Nothing here is shared with the C code but the RFCs.  Before answering,
the oracle checks itself against RFC 4231's HMAC vectors and RFC 5903's
and RFC 7748's DH vectors (--self-test runs only that).
"""
import random
import sys

from cryptography.hazmat.primitives import hashes, hmac, serialization
from cryptography.hazmat.primitives.asymmetric import ec, x25519
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# RFC 3526 sections 3, 4, 5: the primes of groups 14, 15, 16; generator 2.
_P = ("FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1"
      "29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD"
      "EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245"
      "E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED"
      "EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D"
      "C2007CB8 A163BF05 98DA4836 1C55D39A 69163FA8 FD24CF5F"
      "83655D23 DCA3AD96 1C62F356 208552BB 9ED52907 7096966D"
      "670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B"
      "E39E772C 180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9"
      "DE2BCBF6 95581718 3995497C EA956AE5 15D22618 98FA0510")
MODP = {
    14: _P + "15728E5A 8AACAA68 FFFFFFFF FFFFFFFF",
    15: _P + "15728E5A 8AAAC42D AD33170D 04507A33 A85521AB DF1CBA64"
    "ECFB8504 58DBEF0A 8AEA7157 5D060C7D B3970F85 A6E1E4C7"
    "ABF5AE8C DB0933D7 1E8C94E0 4A25619D CEE3D226 1AD2EE6B"
    "F12FFA06 D98A0864 D8760273 3EC86A64 521F2B18 177B200C"
    "BBE11757 7A615D6C 770988C0 BAD946E2 08E24FA0 74E5AB31"
    "43DB5BFC E0FD108E 4B82D120 A93AD2CA FFFFFFFF FFFFFFFF",
    16: _P + "15728E5A 8AAAC42D AD33170D 04507A33 A85521AB DF1CBA64"
    "ECFB8504 58DBEF0A 8AEA7157 5D060C7D B3970F85 A6E1E4C7"
    "ABF5AE8C DB0933D7 1E8C94E0 4A25619D CEE3D226 1AD2EE6B"
    "F12FFA06 D98A0864 D8760273 3EC86A64 521F2B18 177B200C"
    "BBE11757 7A615D6C 770988C0 BAD946E2 08E24FA0 74E5AB31"
    "43DB5BFC E0FD108E 4B82D120 A9210801 1A723C12 A787E6D7"
    "88719A10 BDBA5B26 99C32718 6AF4E23C 1A946834 B6150BDA"
    "2583E9CA 2AD44CE8 DBBBC2DB 04DE8EF9 2E8EFC14 1FBECAA6"
    "287C5947 4E6BC05D 99B2964F A090C3A2 233BA186 515BE7ED"
    "1F612970 CEE2D7AF B81BDD76 2170481C D0069127 D5B05AA9"
    "93B4EA98 8D8FDDC1 86FFB7DC 90A6C08F 4DF435C9 34063199"
    "FFFFFFFF FFFFFFFF",
}
MODP = {g: int(p.replace(" ", ""), 16) for g, p in MODP.items()}
ECP = {19: ec.SECP256R1, 20: ec.SECP384R1, 21: ec.SECP521R1}
CURVE25519 = 31

# Transform IDs (IANA "IKEv2 Parameters").
ENCR_AES_CBC, ENCR_AES_GCM_16 = 12, 20
PRF = {5: hashes.SHA256, 6: hashes.SHA384, 7: hashes.SHA512}
# INTEG: hash, key length, ICV length (RFC 4868 2.1).
INTEG = {12: (hashes.SHA256, 32, 16), 13: (hashes.SHA384, 48, 24),
         14: (hashes.SHA512, 64, 32)}
HDR_LEN = 28


def mac(h, key, data):
    m = hmac.HMAC(key, h())
    m.update(data)
    return m.finalize()


def prf(alg, key, data):
    return mac(PRF[alg], key, data)


def prf_plus(alg, key, seed, n):
    """RFC 7296 2.13: T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n)."""
    out, t, i = b"", b"", 1
    while len(out) < n:
        if i > 255:
            raise ValueError("prf+: more than 255 blocks")
        t = prf(alg, key, t + seed + bytes([i]))
        out += t
        i += 1
    return out[:n]


def encr_key_len(encr, bits):
    # RFC 5282 7.1: AES-GCM's SK_e carries a 4-byte salt after the key.
    return bits // 8 + (4 if encr == ENCR_AES_GCM_16 else 0)


def integ_key_len(integ):
    return INTEG[integ][1] if integ else 0


def be(n, length):
    return n.to_bytes(length, "big")


def dh(group, priv_i, priv_r):
    """KEi, KEr and g^ir from both private keys (checked both ways)."""
    if group in MODP:
        p = MODP[group]
        n = (p.bit_length() + 7) // 8
        xi, xr = int.from_bytes(priv_i, "big"), int.from_bytes(priv_r, "big")
        gi, gr = pow(2, xi, p), pow(2, xr, p)
        gir = pow(gr, xi, p)
        assert gir == pow(gi, xr, p)
        # RFC 7296 3.4 and 2.14: big-endian, padded to the prime's length
        return be(gi, n), be(gr, n), be(gir, n)
    if group in ECP:
        curve = ECP[group]()
        n = (curve.key_size + 7) // 8
        ki = ec.derive_private_key(int.from_bytes(priv_i, "big"), curve)
        kr = ec.derive_private_key(int.from_bytes(priv_r, "big"), curve)

        def xy(k):  # RFC 5903 7: x | y, each the field's length
            pn = k.public_key().public_numbers()
            return be(pn.x, n) + be(pn.y, n)
        gir = ki.exchange(ec.ECDH(), kr.public_key())
        assert gir == kr.exchange(ec.ECDH(), ki.public_key())
        assert len(gir) == n
        return xy(ki), xy(kr), gir  # RFC 5903 9: x alone
    if group == CURVE25519:
        ki = x25519.X25519PrivateKey.from_private_bytes(priv_i)
        kr = x25519.X25519PrivateKey.from_private_bytes(priv_r)

        def raw(k):
            return k.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        gir = ki.exchange(kr.public_key())
        assert gir == kr.exchange(ki.public_key()) and any(gir)
        return raw(ki), raw(kr), gir
    raise ValueError("group %d" % group)


def sa_keys(s, skeyseed, ni, nr, spi_i, spi_r):
    """{SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}."""
    pl = PRF[s["prf"]].digest_size
    al = integ_key_len(s["integ"])
    el = encr_key_len(s["encr"], s["bits"])
    lens = [pl, al, al, el, el, pl, pl]
    km = prf_plus(s["prf"], skeyseed, ni + nr + spi_i + spi_r, sum(lens))
    names = ["d", "ai", "ar", "ei", "er", "pi", "pr"]
    keys, off = {}, 0
    for name, n in zip(names, lens):
        keys[name] = km[off:off + n]
        off += n
    return keys


def sk_parts(encr, integ):
    """IV length, block size, ICV length."""
    if encr == ENCR_AES_GCM_16:
        return 8, 1, 16  # RFC 5282 3.1, 3, and the _16 ICV
    return 16, 16, INTEG[integ][2]


def sk_seal(encr, integ, ek, ak, prefix, plain, iv, pad):
    """prefix: IKE header .. SK generic header, lengths to be set; pad:
    the padding bytes (the Pad Length byte is added)."""
    ivlen, bs, icvlen = sk_parts(encr, integ)
    assert len(iv) == ivlen
    sk_off = len(prefix) - 4
    body = plain + pad + bytes([len(pad)])
    assert len(body) % bs == 0
    total = len(prefix) + ivlen + len(body) + icvlen
    msg = bytearray(prefix)
    msg[24:28] = be(total, 4)
    msg[sk_off + 2:sk_off + 4] = be(total - sk_off, 2)
    if encr == ENCR_AES_GCM_16:
        key, salt = ek[:-4], ek[-4:]
        # RFC 5282 4: nonce = salt | IV; 5.1: AAD = header .. SK header
        ct = AESGCM(key).encrypt(salt + iv, body, bytes(msg))
        return bytes(msg) + iv + ct
    enc = Cipher(algorithms.AES(ek), modes.CBC(iv)).encryptor()
    msg += iv + enc.update(body) + enc.finalize()
    # RFC 7296 3.14: the ICV covers the whole message up to itself
    return bytes(msg) + mac(INTEG[integ][0], ak, bytes(msg))[:icvlen]


def sk_open(encr, integ, ek, ak, msg, sk_off):
    ivlen, bs, icvlen = sk_parts(encr, integ)
    assert int.from_bytes(msg[24:28], "big") == len(msg)
    assert int.from_bytes(msg[sk_off + 2:sk_off + 4], "big") == \
        len(msg) - sk_off
    iv = msg[sk_off + 4:sk_off + 4 + ivlen]
    ct = msg[sk_off + 4 + ivlen:len(msg) - icvlen]
    icv = msg[len(msg) - icvlen:]
    if encr == ENCR_AES_GCM_16:
        key, salt = ek[:-4], ek[-4:]
        body = AESGCM(key).decrypt(salt + iv, ct + icv, msg[:sk_off + 4])
    else:
        want = mac(INTEG[integ][0], ak, msg[:len(msg) - icvlen])[:icvlen]
        assert want == icv, "ICV mismatch"
        assert len(ct) % 16 == 0
        dec = Cipher(algorithms.AES(ek), modes.CBC(iv)).decryptor()
        body = dec.update(ct) + dec.finalize()
    padlen = body[-1]
    assert padlen + 1 <= len(body), "pad length"
    return body[:len(body) - padlen - 1]


def answer(c):
    """Everything the oracle computes for one case, name -> bytes."""
    out = {}
    s = dict(encr=c["encr"], bits=c["encr_bits"], integ=c["integ"],
             prf=c["prf"])
    out["pub_i"], out["pub_r"], gir = dh(c["group"], c["priv_i"],
                                        c["priv_r"])
    out["gir"] = gir
    ni, nr, spi_i, spi_r = c["ni"], c["nr"], c["spi_i"], c["spi_r"]
    # RFC 7296 2.14: SKEYSEED = prf(Ni | Nr, g^ir), the whole of Ni | Nr
    # as the key (HMAC has no fixed key size)
    skeyseed = prf(s["prf"], ni + nr, gir)
    out["skeyseed"] = skeyseed
    k = sa_keys(s, skeyseed, ni, nr, spi_i, spi_r)
    for name, v in k.items():
        out["sk_" + name] = v

    # RFC 7296 2.17; ESP AES-GCM: key | 4-byte salt, initiator's SA first
    el = c["esp_bits"] // 8 + 4
    km = prf_plus(s["prf"], k["d"], ni + nr, 2 * el)
    out["keymat_i2r"], out["keymat_r2i"] = km[:el], km[el:]
    km = prf_plus(s["prf"], k["d"], c["pfs_gir"] + ni + nr, 2 * el)
    out["keymat_pfs_i2r"], out["keymat_pfs_r2i"] = km[:el], km[el:]

    # RFC 7296 2.18: the old SA's PRF for SKEYSEED, the new one's for prf+
    rs = dict(encr=c["rekey_encr"], bits=c["rekey_encr_bits"],
              integ=c["rekey_integ"], prf=c["rekey_prf"])
    rni, rnr = c["rekey_ni"], c["rekey_nr"]
    rseed = prf(s["prf"], k["d"], c["rekey_gir"] + rni + rnr)
    out["rekey_skeyseed"] = rseed
    rk = sa_keys(rs, rseed, rni, rnr, c["rekey_spi_i"], c["rekey_spi_r"])
    for name, v in rk.items():
        out["rekey_sk_" + name] = v

    # RFC 7296 2.15, the initiator's: RealMessage1 | NonceRData |
    # prf(SK_pi, IDi')
    octets = c["msg1"] + nr + prf(s["prf"], k["pi"], c["id_i"])
    out["auth_octets"] = octets
    out["auth_psk"] = prf(s["prf"], prf(s["prf"], c["psk"],
                                        b"Key Pad for IKEv2"), octets)

    # The SK payload C sealed as the initiator (SK_ei, SK_ai).
    sk_off = c["sk_off"]
    msg = c["sk_msg"]
    try:
        out["sk_open"] = sk_open(s["encr"], s["integ"], k["ei"], k["ai"],
                                 msg, sk_off)
    except Exception as e:  # reported, and the rest still answered
        out["error"] = "opening C's SK payload: %s" % (e or type(e).__name__)
    ivlen, bs, _ = sk_parts(s["encr"], s["integ"])
    iv = msg[sk_off + 4:sk_off + 4 + ivlen]
    # C's policy: the fewest pad bytes, zeros
    pad = bytes((-(len(c["sk_plain"]) + 1)) % bs)
    out["sk_reseal"] = sk_seal(s["encr"], s["integ"], k["ei"], k["ai"],
                               c["sk_prefix"], c["sk_plain"], iv, pad)
    # One for C to open, as the responder sends (SK_er, SK_ar): random IV,
    # a random Pad Length that keeps the blocks whole, random pad bytes.
    rnd = random.Random(c["seed"])
    iv = bytes(rnd.randrange(256) for _ in range(ivlen))
    n = len(c["sk_plain_r"]) + 1
    pads = [p for p in range(256) if (n + p) % bs == 0]
    pad = bytes(rnd.randrange(256) for _ in range(rnd.choice(pads)))
    out["sk_msg_r"] = sk_seal(s["encr"], s["integ"], k["er"], k["ar"],
                              c["sk_prefix"], c["sk_plain_r"], iv, pad)
    return out


NUMBERS = {"group", "encr", "encr_bits", "integ", "prf", "esp_bits",
           "rekey_encr", "rekey_encr_bits", "rekey_integ", "rekey_prf",
           "sk_off", "seed"}


def read_cases(path):
    cases, cur = [], None
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            name, _, value = line.partition(" ")
            if name == "case":
                cur = {"case": int(value)}
                cases.append(cur)
            elif name in NUMBERS:
                cur[name] = int(value)
            else:
                cur[name] = b"" if value == "-" else bytes.fromhex(value)
    return cases


def self_test():
    # RFC 4231 4.2 and 4.7 (test cases 1, 6) for each PRF.
    tc = [(b"\x0b" * 20, b"Hi There"),
          (b"\xaa" * 131,
           b"Test Using Larger Than Block-Size Key - Hash Key First")]
    want = {5: ["b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c"
                "2e32cff7",
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f"
                "0ee37f54"],
            6: ["afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c"
                "7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6",
                "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05"
                "033ac4c60c2ef6ab4030fe8296248df163f44952"],
            7: ["87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b305"
                "45e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f170"
                "2e696c203a126854",
                "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b0137"
                "83f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec"
                "8b915a985d786598"]}
    for alg, w in want.items():
        for (key, data), x in zip(tc, w):
            assert prf(alg, key, data).hex() == x, ("RFC 4231", alg)
    # RFC 5903 8.1, RFC 7748 6.1.
    h = bytes.fromhex
    gi, gr, gir = dh(19, h("C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049"
                           "C62A9C57862D1433"),
                     h("C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283"
                       "AB46476BEE53"))
    assert gi.hex().upper() == (
        "DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180"
        "5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3")
    assert gir.hex().upper() == (
        "D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE")
    gi, gr, gir = dh(31, h("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992a"
                           "b177fba51db92c2a"),
                     h("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f"
                       "8b27ff88e0eb"))
    assert gir.hex() == ("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376"
                         "f09b3c1e161742")
    # MODP: the primes are RFC 3526's (2^n - 2^(n-64) - 1 + 2^64 * (...):
    # 64 one bits at both ends) and g^x of a small x is what pow() says.
    for g, p in MODP.items():
        n = p.bit_length()
        assert n in (2048, 3072, 4096) and p >> (n - 64) == 2**64 - 1
        assert p % 2**64 == 2**64 - 1
        assert dh(g, b"\x01", b"\x02")[2] == be(4, n // 8)


# ---- --exchanges: CREATE_CHILD_SA and INFORMATIONAL messages ----------

EXCH_NUMBERS = {"group", "encr", "encr_bits", "integ", "prf", "esp_bits",
                "child_msgid", "rekey_spi", "child_spi_i", "child_spi_r",
                "ike_msgid", "new_encr", "new_encr_bits", "new_integ",
                "new_prf"}


def read_exchanges(path):
    cases, cur = [], None
    with open(path) as f:
        for line in f:
            name, _, value = line.strip().partition(" ")
            if name == "case":
                cur = {"case": int(value)}
                cases.append(cur)
            elif name in EXCH_NUMBERS:
                cur[name] = int(value)
            elif name:
                cur[name] = b"" if value == "-" else bytes.fromhex(value)
    return cases


def dh_with(group, priv, peer):
    """Our KE value from our private value, and g^ir with the peer's."""
    if group in MODP:
        p = MODP[group]
        n = (p.bit_length() + 7) // 8
        x, y = int.from_bytes(priv, "big"), int.from_bytes(peer, "big")
        assert len(peer) == n and 1 < y < p - 1, "peer's MODP value"
        return be(pow(2, x, p), n), be(pow(y, x, p), n)
    if group in ECP:
        curve = ECP[group]()
        n = (curve.key_size + 7) // 8
        key = ec.derive_private_key(int.from_bytes(priv, "big"), curve)
        pn = key.public_key().public_numbers()
        pub = ec.EllipticCurvePublicKey.from_encoded_point(curve,
                                                           b"\x04" + peer)
        return be(pn.x, n) + be(pn.y, n), key.exchange(ec.ECDH(), pub)
    key = x25519.X25519PrivateKey.from_private_bytes(priv)
    pub = key.public_key().public_bytes(serialization.Encoding.Raw,
                                        serialization.PublicFormat.Raw)
    return pub, key.exchange(x25519.X25519PublicKey.from_public_bytes(peer))


def dissect(first, plain):
    """The inner payload chain, [(type, scapy packet)]: the chain walked
    by its generic headers, each payload read by scapy on its own bytes
    (scapy's Notify reads past an SPI when chained)."""
    from scapy.contrib import ikev2 as k
    classes = {33: k.IKEv2_payload_SA, 34: k.IKEv2_payload_KE,
               40: k.IKEv2_payload_Nonce, 41: k.IKEv2_payload_Notify,
               42: k.IKEv2_payload_Delete, 44: k.IKEv2_payload_TSi,
               45: k.IKEv2_payload_TSr}
    out, t, off = [], first, 0
    while t != 0:
        nxt, n = plain[off], int.from_bytes(plain[off + 2:off + 4], "big")
        assert n >= 4 and off + n <= len(plain), "inner payload length"
        raw = b"\x00" + plain[off + 1:off + n]
        out.append((t, classes[t](raw)))
        t, off = nxt, off + n
    assert off == len(plain), "bytes after the last inner payload"
    return out


def open_exch(s, ek, ak, msg, exch, flags, msgid):
    """Header checks, then the SK payload (the only one) opened here."""
    from scapy.contrib import ikev2 as k
    h = k.IKEv2(msg[:28])
    assert h.exch_type == exch, "exchange %d" % h.exch_type
    assert int(h.flags) == flags, "flags %02x" % int(h.flags)
    assert h.id == msgid, "message ID %d" % h.id
    assert h.next_payload == 46 and h.length == len(msg), "SK first, length"
    plain = sk_open(s["encr"], s["integ"], ek, ak, msg, 28)
    return h, dissect(msg[28], plain)


def proposal(sa):
    """An SA payload's first proposal: protocol, SPI, {type: [(id, keylen)]}
    and how many proposals."""
    from scapy.contrib import ikev2 as k
    pr, n, first = sa.prop, 0, None
    while isinstance(pr, k.IKEv2_payload_Proposal):
        if first is None:
            xf, x = {}, pr.trans
            while isinstance(x, k.IKEv2_payload_Transform):
                kl = x.key_length if x.length > 8 else 0
                xf.setdefault(x.transform_type, []).append((x.transform_id, kl))
                x = x.payload if x.next_payload == 3 else None
            first = (pr.proto, bytes(pr.SPI), xf)
        n += 1
        pr = pr.payload if pr.next_payload == 2 else None
    return first + (n,)


def exchange_checks(c, check):
    s = dict(encr=c["encr"], bits=c["encr_bits"], integ=c["integ"],
             prf=c["prf"])
    g = c["group"]
    types = lambda pl: [t for t, _ in pl]
    find = lambda pl, t: [p for x, p in pl if x == t][0]

    # the CHILD_SA rekey, PFS
    hq, rq = open_exch(s, c["sk_ei"], c["sk_ai"], c["child_req"], 36, 0x08,
                       c["child_msgid"])
    hr, rr = open_exch(s, c["sk_er"], c["sk_ar"], c["child_resp"], 36, 0x20,
                       c["child_msgid"])
    check(types(rq) == [41, 33, 40, 34, 44, 45], "request payloads %s"
          % types(rq))
    check(types(rr) == [33, 40, 34, 44, 45], "response payloads %s"
          % types(rr))
    check(hq.init_SPI == hr.init_SPI and hq.resp_SPI == hr.resp_SPI,
          "the response's SPIs")
    n = find(rq, 41)
    check(n.type == 16393 and n.proto == 3 and n.SPIsize == 4 and
          int.from_bytes(bytes(n.SPI), "big") == c["rekey_spi"],
          "N(REKEY_SA) names ESP SPI %08x" % c["rekey_spi"])
    proto, spi, xf, np = proposal(find(rq, 33))
    check(proto == 3 and int.from_bytes(spi, "big") == c["child_spi_i"] and
          (g, 0) in xf.get(4, []), "the request's ESP proposal and SPI")
    proto, spi, xf, np = proposal(find(rr, 33))
    check(np == 1 and proto == 3 and
          int.from_bytes(spi, "big") == c["child_spi_r"] and
          xf.get(4) == [(g, 0)] and xf.get(1) == [(20, c["esp_bits"])],
          "the response's one ESP proposal, with the group")
    kei, ker = find(rq, 34), find(rr, 34)
    pub, gir = dh_with(g, c["child_priv_i"], bytes(ker.load))
    check(kei.group == g and ker.group == g, "KE groups %d %d"
          % (kei.group, ker.group))
    check(bytes(kei.load) == pub, "KEi is the planted private value's")
    ni, nr = bytes(find(rq, 40).load), bytes(find(rr, 40).load)
    el = c["esp_bits"] // 8 + 4
    km = prf_plus(s["prf"], c["sk_d"], gir + ni + nr, 2 * el)
    check(km[:el] == c["child_i2r"] and km[el:] == c["child_r2i"],
          "CHILD_SA KEYMAT with PFS = prf+(SK_d, g^ir | Ni | Nr)")

    # the IKE SA rekey
    _, rq = open_exch(s, c["sk_ei"], c["sk_ai"], c["ike_req"], 36, 0x08,
                      c["ike_msgid"])
    _, rr = open_exch(s, c["sk_er"], c["sk_ar"], c["ike_resp"], 36, 0x20,
                      c["ike_msgid"])
    check(types(rq) == [33, 40, 34] and types(rr) == [33, 40, 34],
          "IKE rekey payloads %s %s" % (types(rq), types(rr)))
    proto, spi_i, _, _ = proposal(find(rq, 33))
    proto_r, spi_r, xf, np = proposal(find(rr, 33))
    check(proto == 1 and proto_r == 1 and np == 1 and len(spi_i) == 8 and
          len(spi_r) == 8, "IKE proposals with 8-byte SPIs")
    check(spi_i == c["new_spi_i"] and spi_r == c["new_spi_r"],
          "the new IKE SA's SPIs are the SA payloads'")
    ns = dict(encr=xf[1][0][0], bits=xf[1][0][1],
              integ=xf[3][0][0] if 3 in xf else 0, prf=xf[2][0][0])
    check(ns == dict(encr=c["new_encr"], bits=c["new_encr_bits"],
                     integ=c["new_integ"], prf=c["new_prf"]),
          "the new suite is the chosen proposal %s" % ns)
    check(xf.get(4) == [(g, 0)], "the rekey's KE group")
    pub, gir = dh_with(g, c["ike_priv_i"], bytes(find(rr, 34).load))
    check(bytes(find(rq, 34).load) == pub, "IKE rekey KEi is the planted one")
    ni, nr = bytes(find(rq, 40).load), bytes(find(rr, 40).load)
    # RFC 7296 2.18: the old PRF and SK_d for SKEYSEED, the new PRF after
    seed = prf(s["prf"], c["sk_d"], gir + ni + nr)
    nk = sa_keys(ns, seed, ni, nr, spi_i, spi_r)
    for name, v in nk.items():
        check(v == c["new_sk_" + name], "the new IKE SA's SK_%s" % name)

    # INFORMATIONAL over the new IKE SA, opened with the keys made here
    h, rq = open_exch(ns, nk["ei"], nk["ai"], c["info_req"], 37, 0x08, 0)
    check(bytes(h.init_SPI) == spi_i and bytes(h.resp_SPI) == spi_r,
          "INFORMATIONAL on the new SPIs")
    _, rr = open_exch(ns, nk["er"], nk["ar"], c["info_resp"], 37, 0x20, 0)

    def spis(pl):
        b = bytes(find(pl, 42).vendorID)
        cnt = int.from_bytes(b[2:4], "big")
        assert b[0] == 3 and b[1] == 4 and len(b) == 4 + 4 * cnt
        return [int.from_bytes(b[4 + 4 * i:8 + 4 * i], "big")
                for i in range(cnt)]
    check(types(rq) == [42] and spis(rq) == [c["rekey_spi"],
                                            c["child_spi_i"]],
          "D(ESP) of our inbound SPIs")
    # RFC 7296 1.4.1: the answer deletes the other halves
    check(types(rr) == [42] and spis(rr) == [c["rekey_spi"] + 1,
                                            c["child_spi_r"]],
          "the answer's D(ESP) of the peer's inbound SPIs")


def exchanges(path):
    passed = failed = 0
    cases = read_exchanges(path)
    for c in cases:
        def check(ok, what):
            nonlocal passed, failed
            if ok:
                passed += 1
            else:
                failed += 1
                print("not ok - case %d (group %d): %s"
                      % (c["case"], c["group"], what))
        try:
            exchange_checks(c, check)
        except Exception as e:  # a message that does not open or dissect
            check(False, "%s: %s" % (type(e).__name__, e))
    print("ike exchanges vs oracle: %d cases" % len(cases))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not cases else 0


def main(argv):
    if len(argv) == 3 and argv[1] == "--exchanges":
        self_test()
        return exchanges(argv[2])
    if argv[1:] == ["--self-test"]:
        self_test()
        print("ike_crypto_oracle: self-test passed")
        return 0
    if len(argv) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    self_test()
    cases = read_cases(argv[1])
    with open(argv[2], "w") as f:
        for c in cases:
            f.write("case %d\n" % c["case"])
            try:
                out = answer(c)
            except Exception as e:
                out = {"error": "%s: %s" % (type(e).__name__, e)}
            for name, v in out.items():
                if name == "error":
                    f.write("error %s\n" % v)
                else:
                    f.write("%s %s\n" % (name, v.hex()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
