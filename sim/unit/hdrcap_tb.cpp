// Verilator test of rtl/axis_hdr_capture.v: random frames (1 byte to jumbo) with
// random back-pressure and gaps; every frame must come out unchanged, with its
// first HDR_BYTES bytes (zero past its end) and their count beside it.
#include <verilated.h>
#include "Vaxis_hdr_capture.h"
#include "tb_util.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <type_traits>

#ifndef LANES
#error "build with -DLANES"
#endif

namespace {
constexpr int kB = 16 * LANES;
constexpr int kHdr = 96;  // the module's default HDR_BYTES
}

int main(int argc, char **argv)
{
    Verilated::commandArgs(argc, argv);
    long nframes = argc > 1 ? atol(argv[1]) : 20000;
    int stall = argc > 2 ? atoi(argv[2]) : 30;
    std::mt19937_64 rng(argc > 3 ? strtoull(argv[3], nullptr, 0) : 1);

    std::deque<Bytes> waiting, sent;
    for (long i = 0; i < nframes; i++) {
        int r = int(rng() % 10);
        Bytes f(r < 4 ? 1 + rng() % 128 : r < 9 ? 1 + rng() % 1600 : 1 + rng() % 9600);
        for (auto &b : f) b = uint8_t(rng());
        waiting.push_back(f);
    }

    auto *t = new Vaxis_hdr_capture;
    reset(t);

    size_t beat = 0;
    bool valid = false;
    Bytes out;
    long bad = 0, done = 0;
    uint64_t cycles = 0, idle = 0, beats_in = 0;
    while (!waiting.empty() || !sent.empty()) {
        if (!valid && !waiting.empty() && !chance(rng, stall / 2)) {
            const Bytes &f = waiting.front();
            size_t nb = (f.size() + kB - 1) / kB;
            size_t off = beat * kB;
            int n = int(std::min<size_t>(kB, f.size() - off));
            put_bytes(t->s_tdata, kB / 4, f.data() + off, n);
            t->s_tkeep = std::remove_reference_t<decltype(t->s_tkeep)>(keep_mask(n));
            t->s_tlast = beat + 1 == nb;
            t->s_tuser = 0;
            valid = true;
        }
        t->s_tvalid = valid;
        t->m_tready = !chance(rng, stall);
        t->eval();
        bool acc = valid && t->s_tready, del = t->m_tvalid && t->m_tready;
        if (del) {
            if (sent.empty()) { fprintf(stderr, "hdrcap: output with nothing sent\n"); return 1; }
            const Bytes &f = sent.front();
            if (out.empty()) {  // first beat: the header must be there already
                size_t hl = std::min<size_t>(kHdr, f.size());
                bool ok = t->m_hdr_len == hl;
                for (int i = 0; i < kHdr && ok; i++)
                    ok = byte_at(t->m_hdr, i) == (size_t(i) < hl ? f[i] : 0);
                if (!ok && ++bad <= 5)
                    fprintf(stderr, "hdrcap LANES=%d: frame %ld (%zu bytes): wrong header (len %u)\n",
                            LANES, done, f.size(), unsigned(t->m_hdr_len));
            }
            uint64_t keep = uint64_t(t->m_tkeep);
            for (int i = 0; i < kB; i++)
                if (keep >> i & 1) out.push_back(byte_at(t->m_tdata, i));
            if (t->m_tlast) {
                if (out != f && ++bad <= 5)
                    fprintf(stderr, "hdrcap LANES=%d: frame %ld changed (%zu bytes in, %zu out)\n",
                            LANES, done, f.size(), out.size());
                out.clear();
                sent.pop_front();
                done++;
            }
        }
        if (acc) {
            const Bytes &f = waiting.front();
            size_t nb = (f.size() + kB - 1) / kB;
            valid = false;
            beats_in++;
            if (beat == 0) sent.push_back(f);
            if (++beat == nb) { beat = 0; waiting.pop_front(); }
        }
        tick(t);
        cycles++;
        idle = (acc || del) ? 0 : idle + 1;
        if (idle > 1000) { fprintf(stderr, "hdrcap LANES=%d: stuck\n", LANES); return 1; }
    }
    printf("hdrcap LANES=%d: %ld frames, stall %d%%: %ld passed, %ld failed; %lu beats in %lu cycles\n",
           LANES, nframes, stall, done - bad, bad, (unsigned long)beats_in, (unsigned long)cycles);
    delete t;
    return bad ? 1 : 0;
}
