// Verilator bench for rtl/esp_encap.v. It makes random SAs (128/256-bit keys,
// ICV 8/12/16, ESN or not, IPv4 or IPv6 outside, UDP-encapsulated or not) and
// random cleartext frames (IPv4 and IPv6 inside, 20 bytes to jumbo, some with
// Ethernet padding), runs them through the encapsulator with random
// back-pressure, and writes what it needs for a check by someone else's ESP:
//   LAN.pcap   the cleartext frames in
//   WAN.pcap   the ESP frames out, in the same order
//   SAS.txt    one line per frame: the SA it used (see tests/esp/check_encap.py)
// tests/esp/check_encap.py decrypts WAN.pcap with scapy and compares.
//
//   encap-tb LAN.pcap WAN.pcap SAS.txt [frames] [stall%] [seed]
//   encap-tb --bench JSON     frames of 64..9000 bytes and IMIX back to back, 16 SAs
//                             interleaved, no back-pressure: bits and packets a cycle
#include <verilated.h>
#include "Vesp_encap.h"
#include "tb_util.h"

extern "C" {
#include "pcap.h"
}

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
    bool esn, v6, udp;
    uint16_t sport, dport;
    uint8_t src[16], dst[16], esrc[6], edst[6];
    uint64_t seq;  // the next packet's
};

std::string hexs(const uint8_t *p, size_t n)
{
    std::string s;
    char b[3];
    for (size_t i = 0; i < n; i++) { snprintf(b, sizeof b, "%02x", p[i]); s += b; }
    return s;
}

template <typename W> void put_addr(W &w, const uint8_t *a) { put_be(w, 128, a, 16); }
uint64_t mac48(const uint8_t *m)
{
    uint64_t v = 0;
    for (int i = 0; i < 6; i++) v = v << 8 | m[i];
    return v;
}
struct Frame {
    Bytes f;
    int sa;
    uint64_t seq;
    uint16_t inner_len;
    bool inner_v6;
};

// A cleartext frame: Ethernet, an inner IPv4 or IPv6 packet of len bytes (random
// bytes past the version and length fields), Ethernet padding to 60 bytes.
Frame make_frame(std::mt19937_64 &rng, std::vector<Sa> &sa, int which, bool v6, int len)
{
    Frame fr;
    fr.sa = which;
    fr.inner_v6 = v6;
    fr.inner_len = uint16_t(len);
    fr.f.resize(14 + len);
    for (auto &b : fr.f) b = uint8_t(rng());
    fr.f[12] = v6 ? 0x86 : 0x08;
    fr.f[13] = v6 ? 0xdd : 0x00;
    if (v6) {
        fr.f[14] = 0x60;
        fr.f[18] = uint8_t((len - 40) >> 8);
        fr.f[19] = uint8_t(len - 40);
    } else {
        fr.f[14] = 0x45;
        fr.f[16] = uint8_t(len >> 8);
        fr.f[17] = uint8_t(len);
    }
    if (fr.f.size() < 60) fr.f.resize(60, 0);
    fr.seq = sa[which].seq++;
    return fr;
}

struct Outputs {  // where run() writes what went in and out; all may be null
    struct pcap_writer *lan = nullptr, *wan = nullptr;
    FILE *sas = nullptr;
};

struct Stats {
    long in = 0, out = 0;
    uint64_t in_beats = 0, out_beats = 0, in_bytes = 0, out_bytes = 0;
    uint64_t first_in = 0, last_out = 0;
    bool stuck = false;
};

Stats run(Vesp_encap *t, std::vector<Sa> &sa, std::deque<Frame> waiting, int stall,
          std::mt19937_64 &rng, const Outputs &o)
{
    auto tick = [&] { t->clk = 1; t->eval(); t->clk = 0; t->eval(); };
    Stats st;
    size_t beat = 0;
    bool valid = false;
    Bytes out;
    uint64_t cycles = 0, idle = 0;
    while (!waiting.empty() || st.out < st.in) {
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
            t->s_icv_len = s.icv;
            t->s_v6 = s.v6;
            put_addr(t->s_src, s.src);
            put_addr(t->s_dst, s.dst);
            t->s_udp = s.udp;
            t->s_sport = s.sport;
            t->s_dport = s.dport;
            t->s_eth_src = mac48(s.esrc);
            t->s_eth_dst = mac48(s.edst);
            t->s_inner_len = fr.inner_len;
            t->s_inner_v6 = fr.inner_v6;
            valid = true;
        }
        t->s_tvalid = valid;
        t->m_tready = !chance(rng, stall);
        t->eval();
        bool acc = valid && t->s_tready, del = t->m_tvalid && t->m_tready;
        if (del) {
            st.out_beats++;
            uint64_t keep = uint64_t(t->m_tkeep);
            for (int i = 0; i < kB; i++)
                if (keep >> i & 1) out.push_back(byte_at(t->m_tdata, i));
            if (t->m_tlast) {
                if (o.wan) pcap_write(o.wan, out.data(), out.size(), uint64_t(st.out) * 1000);
                st.out_bytes += out.size();
                st.last_out = cycles;
                out.clear();
                st.out++;
            }
        }
        if (acc) {
            const Frame &fr = waiting.front();
            size_t nb = (fr.f.size() + kB - 1) / kB;
            if (st.in_beats++ == 0) st.first_in = cycles;
            valid = false;
            if (++beat == nb) {
                const Sa &s = sa[fr.sa];
                if (o.lan) pcap_write(o.lan, fr.f.data(), fr.f.size(), uint64_t(st.in) * 1000);
                if (o.sas)
                    fprintf(o.sas, "spi=%08x key=%s salt=%08x icv=%d esn=%d seq=%" PRIu64 " v6=%d udp=%d sport=%u dport=%u src=%s dst=%s esrc=%s edst=%s\n",
                            s.spi, hexs(s.key.data(), s.key.size()).c_str(), s.salt, s.icv, s.esn, fr.seq, s.v6,
                            s.udp, s.sport, s.dport, hexs(s.src, 16).c_str(), hexs(s.dst, 16).c_str(),
                            hexs(s.esrc, 6).c_str(), hexs(s.edst, 6).c_str());
                st.in_bytes += fr.f.size();
                beat = 0;
                st.in++;
                waiting.pop_front();
            }
        }
        tick();
        cycles++;
        idle = (acc || del) ? 0 : idle + 1;
        if (idle > 5000) {
            fprintf(stderr, "encap-tb LANES=%d: stuck after %ld of %ld frames\n", LANES, st.out, st.in);
            st.stuck = true;
            break;
        }
    }
    return st;
}

// Back-to-back frames of each size (and IMIX: 7 x 64, 4 x 594, 1 x 1518 bytes),
// consecutive frames on different SAs. Bits counted on each side: the cleartext
// frames in (LAN), the ESP frames out (WAN), over the cycles from the first
// input beat to the last output beat.
int bench(Vesp_encap *t, std::vector<Sa> &sa, std::mt19937_64 &rng, const char *json)
{
    FILE *f = fopen(json, "w");
    if (!f) { perror(json); return 2; }
    fprintf(f, "[\n");
    printf("LANES=%d, datapath %d bits/cycle\n%8s %12s %12s %10s %14s\n", LANES, 128 * LANES,
           "frame", "LAN b/cyc", "WAN b/cyc", "WAN/peak", "packets/cyc");
    const int sizes[] = {64, 128, 256, 512, 1500, 9000, 0};
    bool first = true;
    int rc = 0;
    for (int size : sizes) {
        std::deque<Frame> frames;
        long n = size ? std::max(200L, 600000L / size) : 2400;
        for (long i = 0; i < n; i++) {
            int fs = size ? size : (i % 12 < 7 ? 64 : i % 12 < 11 ? 594 : 1518);
            frames.push_back(make_frame(rng, sa, int(i % sa.size()), false, fs - 14));
        }
        Stats st = run(t, sa, frames, 0, rng, Outputs());
        if (st.stuck || st.out != n) rc = 1;
        double cyc = double(st.last_out - st.first_in + 1);
        double lan = st.in_bytes * 8.0 / cyc, wan = st.out_bytes * 8.0 / cyc, pps = st.in / cyc;
        char name[16];
        snprintf(name, sizeof name, size ? "%d" : "imix", size);
        printf("%8s %12.1f %12.1f %9.1f%% %14.4f\n", name, lan, wan, 100.0 * wan / (128 * LANES), pps);
        const char *dirs[] = {"lan", "wan"};
        double vals[] = {lan, wan};
        for (int d = 0; d < 2; d++) {
            fprintf(f, "%s  {\"name\": \"rtl.esp.encap.bits_per_cycle\", \"params\": {\"lanes\": %d, "
                       "\"frame\": \"%s\", \"side\": \"%s\", \"peak\": %d}, \"value\": %.2f, \"unit\": \"bits/cycle\"}",
                    first ? "" : ",\n", LANES, name, dirs[d], 128 * LANES, vals[d]);
            first = false;
        }
        fprintf(f, ",\n  {\"name\": \"rtl.esp.encap.packets_per_cycle\", \"params\": {\"lanes\": %d, "
                   "\"frame\": \"%s\"}, \"value\": %.4f, \"unit\": \"packets/cycle\"}",
                LANES, name, pps);
    }
    fprintf(f, "\n]\n");
    fclose(f);
    return rc;
}

}  // namespace

int main(int argc, char **argv)
{
    Verilated::commandArgs(argc, argv);
    const char *bench_json = argc == 3 && !strcmp(argv[1], "--bench") ? argv[2] : nullptr;
    if (argc < 4 && !bench_json) {
        fprintf(stderr, "usage: encap-tb LAN.pcap WAN.pcap SAS.txt [frames] [stall%%] [seed]\n"
                        "       encap-tb --bench JSON\n");
        return 2;
    }
    long nframes = argc > 4 ? atol(argv[4]) : 2000;
    int stall = argc > 5 ? atoi(argv[5]) : 0;
    std::mt19937_64 rng(argc > 6 ? strtoull(argv[6], nullptr, 0) : 1);
    char err[256] = "";
    struct pcap_writer *lan = nullptr, *wan = nullptr;
    FILE *sas = nullptr;
    if (!bench_json) {
        lan = pcap_open_write(argv[1], err, sizeof err);
        wan = pcap_open_write(argv[2], err, sizeof err);
        sas = fopen(argv[3], "w");
        if (!lan || !wan || !sas) { fprintf(stderr, "encap-tb: %s\n", err); return 2; }
    }

    auto *t = new Vesp_encap;
    auto tick = [&] { t->clk = 1; t->eval(); t->clk = 0; t->eval(); };
    t->s_tvalid = 0;
    t->key_valid = 0;
    t->m_tready = 1;
    t->rst = 1;
    for (int i = 0; i < 4; i++) tick();
    t->rst = 0;

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
        s.dport = 4500;
        memset(s.src, 0, 16);
        memset(s.dst, 0, 16);
        for (int j = s.v6 ? 0 : 12; j < 16; j++) { s.src[j] = uint8_t(rng()); s.dst[j] = uint8_t(rng()); }
        for (int j = 0; j < 6; j++) { s.esrc[j] = uint8_t(rng()); s.edst[j] = uint8_t(rng()); }
        s.esrc[0] &= 0xfe;
        s.edst[0] &= 0xfe;
        s.seq = s.esn && i % 4 == 1 ? 0xffffffffull - 20 : 1 + rng() % 1000;
        uint8_t k[32] = {};
        memcpy(k, s.key.data(), s.key.size());
        put_be(t->key_data, 256, k, 32);
        t->key_slot = s.idx;
        t->key_256 = s.key.size() == 32;
        t->key_valid = 1;
        do { t->eval(); bool taken = t->key_ready; tick(); if (taken) break; } while (true);
        t->key_valid = 0;
        while (!t->key_ready) tick();
    }

    if (bench_json) return bench(t, sa, rng, bench_json);

    std::deque<Frame> waiting;
    for (long n = 0; n < nframes; n++) {
        bool v6 = rng() % 2;
        int r = int(rng() % 10);
        int minlen = v6 ? 40 : 20;
        int len = r < 3 ? minlen + int(rng() % 60) : r < 9 ? minlen + int(rng() % 1480) : minlen + int(rng() % 8900);
        waiting.push_back(make_frame(rng, sa, int(rng() % sa.size()), v6, len));
    }
    Outputs o;
    o.lan = lan;
    o.wan = wan;
    o.sas = sas;
    Stats st = run(t, sa, waiting, stall, rng, o);
    pcap_close_write(lan, err, sizeof err);
    pcap_close_write(wan, err, sizeof err);
    fclose(sas);
    printf("encap-tb LANES=%d: %ld frames in (%" PRIu64 " beats), %ld out (%" PRIu64 " beats), stall %d%%\n",
           LANES, st.in, st.in_beats, st.out, st.out_beats, stall);
    delete t;
    return !st.stuck && st.out == nframes ? 0 : 1;
}
