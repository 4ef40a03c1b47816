// Verilator test of rtl/axis_splice.v: random packets, headers, drops, keeps and
// tails, with random back-pressure and gaps, each output packet compared with
// hdr ++ in[drop : drop+keep] ++ tail computed here byte by byte. Also counts
// the cycles a stream of packets takes, to show the splicer adds no bubbles.
#include <verilated.h>
#include "Vaxis_splice.h"
#include "tb_util.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <random>
#include <type_traits>
#include <vector>

#ifndef LANES
#error "build with -DLANES"
#endif

namespace {
constexpr int kB = 16 * LANES;
constexpr int kHdrMax = 80, kTailMax = 16;

struct Pkt {
    Bytes in, hdr, tail;
    unsigned drop = 0, keep = 0, user = 0;
    Bytes expect() const
    {
        Bytes e = hdr;
        size_t lo = std::min<size_t>(drop, in.size());
        size_t hi = std::min<size_t>(lo + keep, in.size());
        e.insert(e.end(), in.begin() + lo, in.begin() + hi);
        e.insert(e.end(), tail.begin(), tail.end());
        return e;
    }
};

ssize_t first_diff(const Bytes &a, const Bytes &b)
{
    for (size_t i = 0; i < std::min(a.size(), b.size()); i++)
        if (a[i] != b[i]) return ssize_t(i);
    return a.size() == b.size() ? -1 : ssize_t(std::min(a.size(), b.size()));
}

}  // namespace

int main(int argc, char **argv)
{
    Verilated::commandArgs(argc, argv);
    long npkts = argc > 1 ? atol(argv[1]) : 20000;
    int stall = argc > 2 ? atoi(argv[2]) : 30;
    std::mt19937_64 rng(argc > 3 ? strtoull(argv[3], nullptr, 0) : 1);
    auto pct = [&](int p) { return chance(rng, p); };

    std::deque<Pkt> waiting, sent;
    for (long i = 0; i < npkts; i++) {
        Pkt p;
        p.in.resize(rng() % 4 == 0 ? rng() % 40 : rng() % 2000);
        for (auto &b : p.in) b = uint8_t(rng());
        p.hdr.resize(rng() % 3 == 0 ? 0 : rng() % (kHdrMax + 1));
        for (auto &b : p.hdr) b = uint8_t(rng());
        p.tail.resize(rng() % 3 == 0 ? 0 : rng() % (kTailMax + 1));
        for (auto &b : p.tail) b = uint8_t(rng());
        p.drop = rng() % 3 == 0 ? 0 : unsigned(rng() % 100);
        p.keep = rng() % 3 == 0 ? 0xffff : unsigned(rng() % (p.in.size() + 20));
        p.user = unsigned(i & 0xff);
        waiting.push_back(p);
    }

    Vaxis_splice *t = new Vaxis_splice;
    reset(t);

    size_t beat = 0;
    bool valid = false;
    Bytes out;
    long bad = 0, done = 0;
    uint64_t cycles = 0, idle = 0;
    while (!waiting.empty() || !sent.empty()) {
        if (!valid && !waiting.empty() && !pct(stall / 2)) {
            const Pkt &p = waiting.front();
            size_t nb = std::max<size_t>(1, (p.in.size() + kB - 1) / kB);
            size_t off = beat * kB;
            int n = int(std::min<size_t>(kB, p.in.size() - std::min(off, p.in.size())));
            put_bytes(t->s_tdata, kB / 4, p.in.data() + off, n);
            t->s_tkeep = std::remove_reference_t<decltype(t->s_tkeep)>(keep_mask(n));
            t->s_tlast = beat + 1 == nb;
            t->s_tuser = p.user;
            put_bytes(t->s_hdr, kHdrMax / 4, p.hdr.data(), int(p.hdr.size()));
            t->s_hdr_len = uint8_t(p.hdr.size());
            t->s_drop = uint16_t(p.drop);
            t->s_keep = uint16_t(p.keep);
            put_bytes(t->s_tail, kTailMax / 4, p.tail.data(), int(p.tail.size()));
            t->s_tail_len = uint8_t(p.tail.size());
            valid = true;
        }
        t->s_tvalid = valid;
        t->m_tready = !pct(stall);
        t->eval();
        bool acc = valid && t->s_tready, del = t->m_tvalid && t->m_tready;
        if (del) {
            uint64_t keep = uint64_t(t->m_tkeep);
            for (int i = 0; i < kB; i++)
                if (keep >> i & 1) out.push_back(byte_at(t->m_tdata, i));
            if (t->m_tlast) {
                if (sent.empty()) { fprintf(stderr, "splice: output with nothing sent\n"); return 1; }
                Bytes e = sent.front().expect();
                if (out != e || unsigned(t->m_tuser) != sent.front().user) {
                    if (++bad <= 5)
                        fprintf(stderr, "splice LANES=%d: packet %ld wrong (first bad byte %zd, user %u/%u): got %zu bytes, want %zu (in %zu hdr %zu drop %u keep %u tail %zu)\n",
                                LANES, done, first_diff(out, e), unsigned(t->m_tuser), sent.front().user, out.size(), e.size(), sent.front().in.size(),
                                sent.front().hdr.size(), sent.front().drop, sent.front().keep,
                                sent.front().tail.size());
                }
                out.clear();
                sent.pop_front();
                done++;
            }
        }
        if (acc) {
            const Pkt &p = waiting.front();
            size_t nb = std::max<size_t>(1, (p.in.size() + kB - 1) / kB);
            valid = false;
            if (beat == 0) sent.push_back(p);
            if (++beat == nb) { beat = 0; waiting.pop_front(); }
        }
        tick(t);
        cycles++;
        idle = (acc || del) ? 0 : idle + 1;
        if (idle > 1000) { fprintf(stderr, "splice LANES=%d: stuck\n", LANES); return 1; }
    }
    printf("splice LANES=%d: %ld packets, stall %d%%: %ld passed, %ld failed, %lu cycles\n",
           LANES, npkts, stall, done - bad, bad, (unsigned long)cycles);
    delete t;
    return bad ? 1 : 0;
}
