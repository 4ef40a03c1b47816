// Verilator bench for rtl/esp_decap.v. It makes random SAs (128/256-bit keys,
// ICV 8/12/16, ESN or not, IPv4 or IPv6 outside, UDP-encapsulated or not, an
// IPv4 or IPv6 inner selector) and ESP frames for them with OpenSSL's AES-GCM
// (sim/gcm/gcm_ref.h): inner IPv4 and IPv6 packets with 0..1600 bytes of payload
// and some jumbo, padding 0..3 and some up to 255 bytes, some frames with
// Ethernet padding behind. Among them, frames that must come out flagged:
//   m_icv_bad      a ciphertext bit, an ICV byte or an IV bit flipped; the AAD
//                  made with another SPI or sequence high half; another salt;
//                  an ICV length the engine cannot check
//   m_trailer_bad  (ICV good) a padding byte wrong, the pad length wrong, next
//                  header 59 or of the other version, an inner version nibble
//                  not 4 or 6, an inner length past the text or under the IPv4
//                  header, a text of 0..3 bytes
//   m_sel_bad      (ICV and trailer good) inner source or destination outside
//                  the SA's prefix, or the other family
//   m_trunc        (with m_icv_bad) the frame cut short anywhere; an ESP length
//                  under header + IV + ICV
// Every frame's flags, m_sa and m_seq are checked; the inner frame byte for byte
// and m_len wherever the inner packet is intact (good, sel_bad and the
// padding/next-header faults), and frames with no room for an inner packet must
// come out as one empty beat.
//
//   decap-tb [frames] [stall%] [seed]   random frames; stall% is the chance of
//                                       m_tready low in a cycle (half of it for a
//                                       gap on s_tvalid)
//   decap-tb --bench JSON               ESP frames of 64..9000 bytes and IMIX back
//                                       to back, 16 SAs interleaved, no
//                                       back-pressure: bits and packets a cycle
#include <verilated.h>
#include "Vesp_decap.h"
#include "tb_util.h"
#include "gcm_ref.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <type_traits>

#ifndef LANES
#error "build with -DLANES"
#endif

namespace {
constexpr int kB = 16 * LANES;

struct Sa {
    int idx;
    uint32_t spi, salt;
    Bytes key;
    int icv;
    bool esn, v6, udp;                 // outer
    uint16_t sport;
    uint8_t osrc[16], odst[16];        // outer addresses, IPv4 in the last 4
    uint8_t esrc[6], edst[6];          // the inner frame's Ethernet addresses
    bool sel_v6;                       // inner selector, IPv4 in the last 4
    uint8_t sel_src[16], sel_dst[16];
    int src_plen, dst_plen;
    uint64_t seq;                      // the next packet's
};

enum Kind {
    GOOD,
    CT_BIT, ICV_BYTE, IV_BIT, BAD_SPI, BAD_SALT, BAD_SEQHI, ICV_LEN,        // icv_bad
    PAD_BYTE, PAD_LEN, NH59, NH_OTHER, BAD_VERSION, INNER_LONG, INNER_SHORT,
    TEXT_TINY,                                                              // trailer_bad
    SEL_SRC, SEL_DST, SEL_FAMILY,                                           // sel_bad
    TRUNC, ESP_TINY,                                                        // trunc
    N_KINDS
};
const char *kind_name[N_KINDS] = {
    "good", "ct-bit", "icv-byte", "iv-bit", "bad-spi", "bad-salt", "bad-seqhi", "icv-len",
    "pad-byte", "pad-len", "nh-59", "nh-other", "bad-version", "inner-long", "inner-short",
    "text-tiny", "sel-src", "sel-dst", "sel-family", "trunc", "esp-tiny"};

struct Frame {
    Bytes f;                   // the ESP frame
    int sa;
    Kind kind;
    uint64_t seq;              // first-beat fields
    int icv_len;
    int esp_off, esp_len;
    // expected
    bool icv_bad = false, trailer_bad = false, sel_bad = false, trunc = false;
    bool check_bytes = false;  // the inner frame (out) and m_len are known
    Bytes out;
};

template <typename W> void put_addr(W &w, const uint8_t *a) { put_be(w, 128, a, 16); }
uint64_t mac48(const uint8_t *m)
{
    uint64_t v = 0;
    for (int i = 0; i < 6; i++) v = v << 8 | m[i];
    return v;
}
void be16(uint8_t *p, unsigned v) { p[0] = uint8_t(v >> 8); p[1] = uint8_t(v); }
void be32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = uint8_t(v >> (24 - 8 * i)); }

// n bytes of an address: the first plen bits from sel, the rest random
void addr_in(std::mt19937_64 &rng, uint8_t *a, const uint8_t *sel, int plen, int n)
{
    for (int i = 0; i < n; i++) {
        uint8_t r = uint8_t(rng());
        int fixed = std::min(8, std::max(0, plen - 8 * i));
        uint8_t m = uint8_t(0xff00 >> fixed);
        a[i] = uint8_t((sel[i] & m) | (r & ~m));
    }
}

// An inner IP packet of the family v6 with `payload` bytes behind its header,
// addresses in the SA's selector (when of its family); random elsewhere.
Bytes make_inner(std::mt19937_64 &rng, const Sa &s, bool v6, int payload)
{
    int len = (v6 ? 40 : 20) + payload;
    Bytes p(len);
    for (auto &b : p) b = uint8_t(rng());
    int an = v6 ? 16 : 4, so = v6 ? 8 : 12, dof = v6 ? 24 : 16;
    if (v6) {
        p[0] = uint8_t(0x60 | (p[0] & 0x0f));
        be16(&p[4], unsigned(payload));
    } else {
        p[0] = 0x45;
        be16(&p[2], unsigned(len));
    }
    if (v6 == s.sel_v6) {
        addr_in(rng, &p[so], s.sel_src + 16 - an, s.src_plen, an);
        addr_in(rng, &p[dof], s.sel_dst + 16 - an, s.dst_plen, an);
    }
    return p;
}

// inner ++ padding 1, 2, 3 .. ++ pad length ++ next header
Bytes trailer_on(const Bytes &inner, int pad, int nh)
{
    Bytes pt = inner;
    for (int i = 1; i <= pad; i++) pt.push_back(uint8_t(i));
    pt.push_back(uint8_t(pad));
    pt.push_back(uint8_t(nh));
    return pt;
}

// What the sender's AES-GCM is fed; a fault kind may change one of them.
struct Seal {
    uint32_t spi, salt;
    uint64_t seq;
};

// The whole ESP frame around plaintext pt: Ethernet, outer IP, [UDP], ESP
// header, IV, ciphertext, ICV, then `eth_pad` bytes of Ethernet padding.
void build_frame(std::mt19937_64 &rng, Frame &fr, const Sa &s, const Bytes &pt, const Seal &seal,
                 int eth_pad)
{
    uint8_t iv[8], nonce[12], aad[12], tag[16];
    for (auto &b : iv) b = uint8_t(rng());
    be32(nonce, seal.salt);
    memcpy(nonce + 4, iv, 8);
    be32(aad, seal.spi);
    size_t aadlen = 8;
    if (s.esn) {
        be32(aad + 4, uint32_t(seal.seq >> 32));
        be32(aad + 8, uint32_t(seal.seq));
        aadlen = 12;
    } else {
        be32(aad + 4, uint32_t(seal.seq));
    }
    Bytes ct(pt.size());
    if (gcm_ref_encrypt(s.key.data(), s.key.size(), nonce, 12, aad, aadlen, pt.data(), pt.size(),
                        ct.data(), tag) != 0) {
        fprintf(stderr, "decap-tb: OpenSSL encrypt failed\n");
        exit(2);
    }
    Bytes esp(8);
    be32(&esp[0], s.spi);
    be32(&esp[4], uint32_t(fr.seq));
    esp.insert(esp.end(), iv, iv + 8);
    esp.insert(esp.end(), ct.begin(), ct.end());
    esp.insert(esp.end(), tag, tag + s.icv);

    Bytes &f = fr.f;
    f.assign(14, 0);
    for (int i = 0; i < 6; i++) { f[i] = uint8_t(rng()) & 0xfe; f[6 + i] = uint8_t(rng()) & 0xfe; }
    be16(&f[12], s.v6 ? 0x86dd : 0x0800);
    size_t ip_payload = esp.size() + (s.udp ? 8 : 0);
    uint8_t proto = s.udp ? 17 : 50;
    if (s.v6) {
        uint8_t h[40] = {0x60};
        be16(h + 4, unsigned(ip_payload));
        h[6] = proto;
        h[7] = 64;
        memcpy(h + 8, s.osrc, 16);
        memcpy(h + 24, s.odst, 16);
        f.insert(f.end(), h, h + 40);
    } else {
        uint8_t h[20] = {0x45};
        be16(h + 2, unsigned(ip_payload + 20));
        h[6] = 0x40;
        h[8] = 64;
        h[9] = proto;
        memcpy(h + 12, s.osrc + 12, 4);
        memcpy(h + 16, s.odst + 12, 4);
        f.insert(f.end(), h, h + 20);
    }
    if (s.udp) {
        uint8_t u[8] = {};
        be16(u, s.sport);
        be16(u + 2, 4500);
        be16(u + 4, unsigned(esp.size() + 8));
        f.insert(f.end(), u, u + 8);
    }
    fr.esp_off = int(f.size());
    fr.esp_len = int(esp.size());
    f.insert(f.end(), esp.begin(), esp.end());
    for (int i = 0; i < eth_pad; i++) f.push_back(uint8_t(rng()));
    if (f.size() < 60) f.resize(60, 0);
    fr.icv_len = s.icv;
}

Bytes inner_frame(const Sa &s, const Bytes &inner, bool v6)
{
    Bytes o(s.edst, s.edst + 6);
    o.insert(o.end(), s.esrc, s.esrc + 6);
    o.push_back(v6 ? 0x86 : 0x08);
    o.push_back(v6 ? 0xdd : 0x00);
    o.insert(o.end(), inner.begin(), inner.end());
    return o;
}

int std_pad(size_t inner_len) { return int((4 - (inner_len + 2) % 4) % 4); }

// One frame of the given kind on SA `which`; `payload` < 0 for a random size.
Frame make_frame(std::mt19937_64 &rng, std::vector<Sa> &sa, int which, Kind kind, int payload = -1)
{
    Sa &s = sa[which];
    Frame fr;
    fr.sa = which;
    fr.kind = kind;
    fr.seq = s.seq++;
    if (payload < 0) {
        int r = int(rng() % 20);
        payload = r < 6 ? int(rng() % 64) : r < 19 ? int(rng() % 1601) : int(rng() % 8961);
    }
    // a prefix of length 0 takes any address: fault the family instead
    if ((kind == SEL_SRC && s.src_plen == 0) || (kind == SEL_DST && s.dst_plen == 0)) fr.kind = kind = SEL_FAMILY;
    bool v6 = s.sel_v6;
    if (kind == SEL_FAMILY) v6 = !v6;
    if (kind == INNER_SHORT) v6 = false;   // an IPv6 length is never under its header
    Bytes inner = make_inner(rng, s, v6, payload);
    int pad = chance(rng, 15) ? int(rng() % 256) : std_pad(inner.size());
    if (kind == PAD_BYTE && pad == 0) pad = 1 + int(rng() % 255);
    int nh = v6 ? 41 : 4;
    Seal seal = {s.spi, s.salt, fr.seq};
    int eth_pad = chance(rng, 20) ? 1 + int(rng() % 40) : 0;
    Bytes pt;

    switch (kind) {
    case SEL_SRC:
    case SEL_DST: {
        int an = v6 ? 16 : 4, plen = kind == SEL_SRC ? s.src_plen : s.dst_plen;
        int at = kind == SEL_SRC ? (v6 ? 8 : 12) : (v6 ? 24 : 16);
        int bit = int(rng() % unsigned(std::min(plen, 8 * an)));
        inner[at + bit / 8] ^= uint8_t(0x80 >> (bit % 8));
        break;
    }
    case BAD_VERSION: {
        static const uint8_t vers[] = {0, 1, 2, 3, 5, 7, 8, 9, 15};
        inner[0] = uint8_t((inner[0] & 0x0f) | vers[rng() % sizeof vers] << 4);
        break;
    }
    case INNER_LONG:
        // the length field reaches past pad length and next header
        if (v6) be16(&inner[4], unsigned(payload + pad + 1 + rng() % 300));
        else be16(&inner[2], unsigned(inner.size() + pad + 1 + rng() % 300));
        break;
    case INNER_SHORT:
        // an IPv4 total length of 4..19 (under 4 the length field would sit in the
        // padding), and behind it a correct trailer
        inner.resize(4 + rng() % 16);
        be16(&inner[2], unsigned(inner.size()));
        break;
    default:
        break;
    }

    if (kind == TEXT_TINY) {
        pt.resize(rng() % 4);
        for (auto &b : pt) b = uint8_t(rng());
    } else {
        if (kind == NH59) nh = 59;
        if (kind == NH_OTHER) nh = v6 ? 4 : 41;
        pt = trailer_on(inner, pad, nh);
        size_t tl = pt.size();
        if (kind == PAD_BYTE) pt[inner.size() + rng() % unsigned(pad)] ^= uint8_t(1 + rng() % 255);
        if (kind == PAD_LEN) pt[tl - 2] = uint8_t(pad + 1 + rng() % 255);
    }

    if (kind == BAD_SPI) seal.spi ^= 1u << (rng() % 32);
    if (kind == BAD_SALT) seal.salt ^= 1u << (rng() % 32);
    if (kind == BAD_SEQHI) seal.seq ^= uint64_t(1 + rng() % 0xffffffffu) << 32;
    build_frame(rng, fr, s, pt, seal, eth_pad);
    if (kind == BAD_SEQHI && !s.esn) {
        // without ESN the high half is not in the AAD: the frame is good
        fr.kind = kind = GOOD;
    }

    size_t ct_at = size_t(fr.esp_off) + 16, icv_at = ct_at + pt.size();
    switch (kind) {
    case CT_BIT: fr.f[ct_at + rng() % pt.size()] ^= uint8_t(1 << (rng() % 8)); break;
    case ICV_BYTE: fr.f[icv_at + rng() % unsigned(s.icv)] ^= uint8_t(1 + rng() % 255); break;
    case IV_BIT: fr.f[size_t(fr.esp_off) + 8 + rng() % 8] ^= uint8_t(1 << (rng() % 8)); break;
    case ICV_LEN: fr.icv_len = int(rng() % 8); break;
    case TRUNC: {
        size_t end = size_t(fr.esp_off + fr.esp_len);
        size_t cut = chance(rng, 30) ? end - 1 - rng() % std::min<size_t>(end - 1, 20) : 1 + rng() % (end - 1);
        fr.f.resize(cut);
        break;
    }
    case ESP_TINY: {
        // the ESP claims fewer bytes than header + IV + ICV, and the frame ends there
        fr.esp_len = int(rng() % unsigned(16 + s.icv));
        fr.f.resize(size_t(fr.esp_off + fr.esp_len));
        if (chance(rng, 50)) for (int i = 0; i < int(rng() % 30); i++) fr.f.push_back(uint8_t(rng()));
        if (fr.f.size() < 60 && chance(rng, 50)) fr.f.resize(60, 0);
        if (fr.f.empty()) fr.f.push_back(0);
        break;
    }
    default: break;
    }

    switch (kind) {
    case GOOD: fr.check_bytes = true; break;
    case CT_BIT: case ICV_BYTE: case IV_BIT: case BAD_SPI: case BAD_SALT: case BAD_SEQHI: case ICV_LEN:
        fr.icv_bad = true;
        break;
    case PAD_BYTE: case PAD_LEN: case NH59: case NH_OTHER:
        fr.trailer_bad = true;
        fr.check_bytes = true;
        break;
    case BAD_VERSION: case INNER_LONG: case INNER_SHORT: case TEXT_TINY:
        fr.trailer_bad = true;
        break;
    case SEL_SRC: case SEL_DST: case SEL_FAMILY:
        fr.sel_bad = true;
        fr.check_bytes = true;
        break;
    case TRUNC: case ESP_TINY:
        fr.trunc = true;
        fr.icv_bad = true;
        break;
    default: break;
    }
    if (fr.check_bytes) fr.out = inner_frame(s, inner, v6);
    // nothing but the verdict comes out of a text under 2 bytes
    if ((kind == TEXT_TINY && pt.size() < 2) || kind == ESP_TINY) fr.check_bytes = true;
    return fr;
}

struct Stats {
    long in = 0, out = 0, bad = 0;
    long by_kind[N_KINDS] = {};
    uint64_t in_beats = 0, out_beats = 0, in_bytes = 0, out_bytes = 0;
    uint64_t first_in = 0, first_out = 0, last_out = 0;
    bool stuck = false;
};

std::string flags(bool icv, bool trailer, bool sel, bool trunc)
{
    std::string s;
    if (icv) s += " icv_bad";
    if (trailer) s += " trailer_bad";
    if (sel) s += " sel_bad";
    if (trunc) s += " trunc";
    return s.empty() ? " ok" : s;
}

Stats run(Vesp_decap *t, const std::vector<Sa> &sa, std::deque<Frame> waiting, int stall,
          std::mt19937_64 &rng)
{
    Stats st;
    std::deque<Frame> sent;   // in, not yet out
    size_t beat = 0;
    bool valid = false;
    Bytes out;
    uint64_t cycles = 0, idle = 0;
    size_t total = waiting.size();
    while (!waiting.empty() || !sent.empty()) {
        if (!valid && !waiting.empty() && !chance(rng, stall / 2)) {
            const Frame &fr = waiting.front();
            const Sa &s = sa[fr.sa];
            size_t nb = (fr.f.size() + kB - 1) / kB;
            size_t off = beat * kB;
            int n = int(std::min<size_t>(kB, fr.f.size() - off));
            put_bytes(t->s_tdata, kB / 4, fr.f.data() + off, n);
            t->s_tkeep = std::remove_reference_t<decltype(t->s_tkeep)>(keep_mask(n));
            t->s_tlast = beat + 1 == nb;
            t->s_sa = s.idx;
            t->s_spi = s.spi;
            t->s_salt = s.salt;
            t->s_seq = fr.seq;
            t->s_esn = s.esn;
            t->s_icv_len = fr.icv_len;
            t->s_esp_off = fr.esp_off;
            t->s_esp_len = fr.esp_len;
            t->s_eth_dst = mac48(s.edst);
            t->s_eth_src = mac48(s.esrc);
            t->s_sel_v6 = s.sel_v6;
            put_addr(t->s_sel_src, s.sel_src);
            put_addr(t->s_sel_dst, s.sel_dst);
            t->s_sel_src_plen = s.src_plen;
            t->s_sel_dst_plen = s.dst_plen;
            valid = true;
        }
        t->s_tvalid = valid;
        t->m_tready = !chance(rng, stall);
        t->eval();
        bool acc = valid && t->s_tready, del = t->m_tvalid && t->m_tready;
        if (del) {
            if (st.out_beats++ == 0) st.first_out = cycles;
            uint64_t keep = uint64_t(t->m_tkeep);
            for (int i = 0; i < kB; i++)
                if (keep >> i & 1) out.push_back(byte_at(t->m_tdata, i));
            if (t->m_tlast) {
                if (sent.empty()) {
                    fprintf(stderr, "decap-tb LANES=%d: a frame out with none in\n", LANES);
                    st.bad++;
                    st.stuck = true;
                    break;
                }
                const Frame &fr = sent.front();
                const Sa &s = sa[fr.sa];
                bool ok_want = !(fr.icv_bad || fr.trailer_bad || fr.sel_bad || fr.trunc);
                std::string why;
                if (t->m_icv_bad != fr.icv_bad || t->m_trailer_bad != fr.trailer_bad ||
                    t->m_sel_bad != fr.sel_bad || t->m_trunc != fr.trunc || t->m_ok != ok_want)
                    why += "flags" + flags(t->m_icv_bad, t->m_trailer_bad, t->m_sel_bad, t->m_trunc) +
                           (t->m_ok ? " (m_ok)" : "") + ", want" +
                           flags(fr.icv_bad, fr.trailer_bad, fr.sel_bad, fr.trunc) + "; ";
                if (int(t->m_sa) != s.idx) why += "m_sa; ";
                if (uint64_t(t->m_seq) != fr.seq) why += "m_seq; ";
                if (fr.check_bytes) {
                    if (out != fr.out) {
                        size_t d = 0;
                        while (d < out.size() && d < fr.out.size() && out[d] == fr.out[d]) d++;
                        why += "bytes (" + std::to_string(out.size()) + " out, " +
                               std::to_string(fr.out.size()) + " expected, first difference at " +
                               std::to_string(d) + "); ";
                    }
                    size_t want_len = fr.out.empty() ? 0 : fr.out.size() - 14;
                    if (t->m_len != want_len)
                        why += "m_len " + std::to_string(t->m_len) + " want " + std::to_string(want_len) + "; ";
                }
                if (!why.empty() && ++st.bad <= 10)
                    fprintf(stderr, "decap-tb LANES=%d: frame %ld (%s, %zu bytes, SA %d icv %d esn %d v6 %d udp %d, "
                                    "esp_off %d esp_len %d): %s\n",
                            LANES, st.out, kind_name[fr.kind], fr.f.size(), fr.sa, s.icv, s.esn, s.v6, s.udp,
                            fr.esp_off, fr.esp_len, why.c_str());
                st.out_bytes += out.size();
                st.last_out = cycles;
                out.clear();
                sent.pop_front();
                st.out++;
            }
        }
        if (acc) {
            const Frame &fr = waiting.front();
            size_t nb = (fr.f.size() + kB - 1) / kB;
            if (st.in_beats++ == 0) st.first_in = cycles;
            valid = false;
            if (++beat == nb) {
                st.in_bytes += fr.f.size();
                st.by_kind[fr.kind]++;
                beat = 0;
                st.in++;
                sent.push_back(fr);
                waiting.pop_front();
            }
        }
        tick(t);
        cycles++;
        idle = (acc || del) ? 0 : idle + 1;
        if (idle > 5000) {
            fprintf(stderr, "decap-tb LANES=%d: stuck after %ld of %zu frames out (%ld in)\n", LANES, st.out,
                    total, st.in);
            st.stuck = true;
            break;
        }
    }
    return st;
}

// A good frame of `size` bytes on the WAN side for SA `which` (or the smallest
// that holds a minimal inner packet, where size is smaller).
Frame sized_frame(std::mt19937_64 &rng, std::vector<Sa> &sa, int which, int size)
{
    // no padding (make_frame pads to 4 as RFC 4303 asks): the bench wants the size exact
    Sa &w = sa[which];
    int overhead = 14 + (w.v6 ? 40 : 20) + (w.udp ? 8 : 0) + 16 + w.icv + 2;
    int payload = std::max(0, size - overhead - (w.sel_v6 ? 40 : 20));
    Frame fr;
    fr.sa = which;
    fr.kind = GOOD;
    fr.seq = w.seq++;
    Bytes inner = make_inner(rng, w, w.sel_v6, payload);
    Seal seal = {w.spi, w.salt, fr.seq};
    build_frame(rng, fr, w, trailer_on(inner, 0, w.sel_v6 ? 41 : 4), seal, 0);
    fr.check_bytes = true;
    fr.out = inner_frame(w, inner, w.sel_v6);
    return fr;
}

// Back-to-back frames of each size (and IMIX: 7 x 64, 4 x 594, 1 x 1518 bytes),
// consecutive frames on different SAs. Bits counted on each side: the ESP frames
// in (WAN), the inner frames out (LAN), over the cycles from the first input beat
// to the last output beat.
int bench(Vesp_decap *t, std::vector<Sa> &sa, std::mt19937_64 &rng, const char *json)
{
    FILE *f = fopen(json, "w");
    if (!f) { perror(json); return 2; }
    fprintf(f, "[\n");
    printf("LANES=%d, datapath %d bits/cycle\n%8s %10s %12s %12s %10s %14s %9s\n", LANES, 128 * LANES,
           "frame", "avg bytes", "WAN b/cyc", "LAN b/cyc", "WAN/peak", "packets/cyc", "latency");
    const int sizes[] = {64, 128, 256, 512, 1500, 9000, 0};
    bool first = true;
    int rc = 0;
    for (int size : sizes) {
        std::deque<Frame> frames;
        long n = size ? std::max(200L, 600000L / size) : 2400;
        for (long i = 0; i < n; i++) {
            int fs = size ? size : (i % 12 < 7 ? 64 : i % 12 < 11 ? 594 : 1518);
            frames.push_back(sized_frame(rng, sa, int(i % sa.size()), fs));
        }
        Stats st = run(t, sa, frames, 0, rng);
        if (st.stuck || st.out != n || st.bad) rc = 1;
        double cyc = double(st.last_out - st.first_in + 1);
        double wan = st.in_bytes * 8.0 / cyc, lan = st.out_bytes * 8.0 / cyc, pps = st.in / cyc;
        char name[16];
        snprintf(name, sizeof name, size ? "%d" : "imix", size);
        printf("%8s %10.1f %12.1f %12.1f %9.1f%% %14.4f %9" PRIu64 "\n", name, double(st.in_bytes) / st.in, wan,
               lan, 100.0 * wan / (128 * LANES), pps, st.first_out - st.first_in);
        const char *dirs[] = {"wan", "lan"};
        double vals[] = {wan, lan};
        for (int d = 0; d < 2; d++) {
            fprintf(f, "%s  {\"name\": \"rtl.esp.decap.bits_per_cycle\", \"params\": {\"lanes\": %d, "
                       "\"frame\": \"%s\", \"side\": \"%s\", \"peak\": %d}, \"value\": %.2f, \"unit\": \"bits/cycle\"}",
                    first ? "" : ",\n", LANES, name, dirs[d], 128 * LANES, vals[d]);
            first = false;
        }
        fprintf(f, ",\n  {\"name\": \"rtl.esp.decap.packets_per_cycle\", \"params\": {\"lanes\": %d, "
                   "\"frame\": \"%s\"}, \"value\": %.4f, \"unit\": \"packets/cycle\"}",
                LANES, name, pps);
    }
    fprintf(f, "\n]\n");
    fclose(f);
    if (rc) fprintf(stderr, "decap-tb LANES=%d: the bench's frames did not all come out right\n", LANES);
    return rc;
}

}  // namespace

int main(int argc, char **argv)
{
    Verilated::commandArgs(argc, argv);
    const char *bench_json = argc == 3 && !strcmp(argv[1], "--bench") ? argv[2] : nullptr;
    if (argc > 1 && !bench_json && !isdigit(uint8_t(argv[1][0]))) {
        fprintf(stderr, "usage: decap-tb [frames] [stall%%] [seed]\n"
                        "       decap-tb --bench JSON\n");
        return 2;
    }
    long nframes = !bench_json && argc > 1 ? atol(argv[1]) : 2000;
    int stall = !bench_json && argc > 2 ? atoi(argv[2]) : 0;
    uint64_t seed = !bench_json && argc > 3 ? strtoull(argv[3], nullptr, 0) : 1;
    std::mt19937_64 rng(seed);

    auto *t = new Vesp_decap;
    t->s_tvalid = 0;
    t->key_valid = 0;
    t->m_tready = 1;
    reset(t);

    // SAs, their keys loaded by the engine's key loader
    std::vector<Sa> sa(16);
    for (int i = 0; i < 16; i++) {
        Sa &s = sa[i];
        s.idx = int(rng() % 4096);
        for (int j = 0; j < i; j++) if (sa[j].idx == s.idx) s.idx = (s.idx + 1 + i) % 4096;
        s.spi = uint32_t(rng()) | 0x100;
        s.salt = uint32_t(rng());
        s.key.resize(rng() % 2 ? 32 : 16);
        for (auto &b : s.key) b = uint8_t(rng());
        s.icv = i % 3 == 0 ? 8 : i % 3 == 1 ? 12 : 16;
        s.esn = i % 2;
        s.v6 = i % 4 >= 2;
        s.udp = i % 8 >= 4;
        s.sport = s.udp ? (rng() % 2 ? 4500 : uint16_t(1024 + rng() % 60000)) : 0;
        memset(s.osrc, 0, 16);
        memset(s.odst, 0, 16);
        for (int j = s.v6 ? 0 : 12; j < 16; j++) { s.osrc[j] = uint8_t(rng()); s.odst[j] = uint8_t(rng()); }
        for (int j = 0; j < 6; j++) { s.esrc[j] = uint8_t(rng()); s.edst[j] = uint8_t(rng()); }
        s.esrc[0] &= 0xfe;
        s.edst[0] &= 0xfe;
        s.sel_v6 = (i / 2) % 2;
        memset(s.sel_src, 0, 16);
        memset(s.sel_dst, 0, 16);
        for (int j = s.sel_v6 ? 0 : 12; j < 16; j++) { s.sel_src[j] = uint8_t(rng()); s.sel_dst[j] = uint8_t(rng()); }
        static const int p4[] = {0, 8, 16, 24, 32, 13, 27}, p6[] = {0, 32, 48, 64, 128, 57, 100};
        s.src_plen = s.sel_v6 ? p6[rng() % 7] : p4[rng() % 7];
        s.dst_plen = s.sel_v6 ? p6[rng() % 7] : p4[rng() % 7];
        // ESN SAs: a random high half, some about to carry into it
        s.seq = s.esn ? (uint64_t(uint32_t(rng())) << 32 | (i % 4 == 1 ? 0xffffffffull - 20 : rng() % 1000))
                      : 1 + rng() % 1000;
        uint8_t k[32] = {};
        memcpy(k, s.key.data(), s.key.size());
        put_be(t->key_data, 256, k, 32);
        t->key_slot = s.idx;
        t->key_256 = s.key.size() == 32;
        t->key_valid = 1;
        do { t->eval(); bool taken = t->key_ready; tick(t); if (taken) break; } while (true);
        t->key_valid = 0;
        while (!t->key_ready) tick(t);
    }

    if (bench_json) {
        int rc = bench(t, sa, rng, bench_json);
        delete t;
        return rc;
    }

    printf("decap-tb LANES=%d: seed %" PRIu64 ", %ld frames, stall %d%%\n", LANES, seed, nframes, stall);
    std::deque<Frame> waiting;
    for (long n = 0; n < nframes; n++) {
        // two in three good; the rest every fault kind in turn, each behind a good frame
        Kind k = n % 3 != 2 ? GOOD : Kind(1 + (n / 3) % (N_KINDS - 1));
        waiting.push_back(make_frame(rng, sa, int(rng() % sa.size()), k));
    }
    Stats st = run(t, sa, waiting, stall, rng);
    printf("decap-tb LANES=%d: %ld frames in (%" PRIu64 " beats), %ld out (%" PRIu64 " beats): %ld passed, %ld failed\n",
           LANES, st.in, st.in_beats, st.out, st.out_beats, st.out - st.bad, st.bad);
    printf("  by kind:");
    for (int k = 0; k < N_KINDS; k++) printf(" %s %ld", kind_name[k], st.by_kind[k]);
    printf("\n");
    delete t;
    return !st.stuck && st.out == nframes && st.bad == 0 ? 0 : 1;
}
