// Verilator test of rtl/axis_frame_fifo.v: random frames (1 byte to jumbo, now
// and then one around or past the FIFO's size), random tkeep on the last beat,
// random s_drop and meta. Every accepted frame must come out whole, in order,
// beat by beat (tkeep, kept bytes, tlast, meta on every beat), and never before
// its last beat went in; frames marked drop and frames larger than the FIFO must
// vanish, each with one drop_o / ovf_o pulse the cycle after its last beat. An
// offered beat must not change under back-pressure.
//
// With stall 0 (no back-pressure, no gaps, no frames near the FIFO's size) the
// input must never wait, and each frame must start exactly kLat cycles after its
// last beat went in or right after the frame before it ends, whichever is later:
// one beat a cycle in and out, the only delay the store-and-forward one.
//
//   framefifo-tb [frames] [stall%] [seed]
#include <verilated.h>
#include "Vaxis_frame_fifo.h"
#include "tb_util.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <type_traits>
#include <vector>

#ifndef LANES
#error "build with -DLANES"
#endif
#ifndef DEPTH_AW
#error "build with -DDEPTH_AW (the module's DEPTH_AW)"
#endif

namespace {
constexpr int kB = 16 * LANES;
constexpr size_t kDepth = size_t(1) << DEPTH_AW;  // beats
constexpr uint64_t kLat = 3;  // last beat in to first beat out
constexpr unsigned kMetaMask = 0xffff;  // the bench builds META_W=16

struct Beat {
    uint8_t data[kB];
    uint64_t keep;
};

struct Frame {
    std::vector<Beat> beats;
    unsigned meta = 0;
    bool drop = false;
    uint64_t commit = 0;  // cycle its last beat went in
};

// nbytes of random data; the last beat's tkeep is its bytes from the bottom,
// or (one in four) a random pattern: the FIFO must carry tkeep as it is.
Frame make_frame(std::mt19937_64 &rng, size_t nbytes)
{
    Frame f;
    size_t nb = (nbytes + kB - 1) / kB;
    f.beats.resize(nb);
    for (size_t i = 0; i < nb; i++) {
        for (auto &b : f.beats[i].data) b = uint8_t(rng());
        f.beats[i].keep = keep_mask(kB);
    }
    uint64_t k = keep_mask(int(nbytes - (nb - 1) * kB));
    if (rng() % 4 == 0) k = (rng() & keep_mask(kB)) | (uint64_t(1) << (rng() % kB));
    f.beats.back().keep = k;
    f.meta = unsigned(rng()) & kMetaMask;
    f.drop = rng() % 8 == 0;
    return f;
}

struct Shown {  // what m_* offered, to check it holds under back-pressure
    bool valid = false, last = false;
    uint64_t keep = 0;
    unsigned meta = 0;
    uint8_t data[kB] = {};
};

Shown shown(const Vaxis_frame_fifo *t)
{
    Shown s;
    s.valid = t->m_tvalid;
    s.last = t->m_tlast;
    s.keep = uint64_t(t->m_tkeep);
    s.meta = t->m_meta;
    for (int i = 0; i < kB; i++) s.data[i] = byte_at(t->m_tdata, i);
    return s;
}

bool same(const Shown &a, const Shown &b)
{
    return a.valid == b.valid && a.last == b.last && a.keep == b.keep && a.meta == b.meta &&
           std::equal(a.data, a.data + kB, b.data);
}
}  // namespace

int main(int argc, char **argv)
{
    Verilated::commandArgs(argc, argv);
    long nframes = argc > 1 ? atol(argv[1]) : 5000;
    int stall = argc > 2 ? atoi(argv[2]) : 30;
    unsigned long long seed = argc > 3 ? strtoull(argv[3], nullptr, 0) : 1;
    std::mt19937_64 rng(seed);
    printf("framefifo LANES=%d DEPTH_AW=%d: %ld frames, stall %d%%, seed %llu\n", LANES, DEPTH_AW,
           nframes, stall, seed);
    fflush(stdout);

    std::deque<Frame> waiting, accepted;
    long want_out = 0, want_drop = 0, want_ovf = 0;
    for (long i = 0; i < nframes; i++) {
        int r = int(rng() % 200);
        size_t nbytes;
        if (r == 0) {
            // past the FIFO's size: must be discarded as it comes
            nbytes = (kDepth + 1 + rng() % kDepth) * kB - rng() % kB;
        } else if (r == 1 && stall > 0) {
            // around the size: kDepth beats fit exactly, kDepth + 1 do not
            nbytes = (kDepth - 1 + rng() % 3) * kB - rng() % kB;
        } else {
            r = int(rng() % 10);
            nbytes = r < 4 ? 1 + rng() % 128 : r < 9 ? 1 + rng() % 1600 : 1 + rng() % 9600;
        }
        Frame f = make_frame(rng, nbytes);
        if (f.beats.size() > kDepth) want_ovf++;
        else if (f.drop) want_drop++;
        else want_out++;
        waiting.push_back(std::move(f));
    }

    auto *t = new Vaxis_frame_fifo;
    t->s_tvalid = 0;
    t->m_tready = 0;
    reset(t);

    size_t in_beat = 0, out_beat = 0;
    bool valid = false, expect_drop = false, expect_ovf = false;
    long bad = 0, got = 0, drops = 0, ovfs = 0, in_stalls = 0;
    uint64_t cycle = 0, idle = 0, beats_out = 0, last_out = 0;
    Shown prev;
    bool prev_held = false;  // last cycle offered a beat that was not taken
    auto fail = [&](const char *what, long frame) {
        if (++bad <= 5)
            fprintf(stderr, "framefifo LANES=%d: output frame %ld: %s (cycle %lu)\n", LANES, frame, what,
                    (unsigned long)cycle);
    };

    while (!waiting.empty() || !accepted.empty()) {
        if (!valid && !waiting.empty() && !chance(rng, stall / 2)) {
            const Frame &f = waiting.front();
            const Beat &b = f.beats[in_beat];
            put_bytes(t->s_tdata, kB / 4, b.data, kB);
            t->s_tkeep = std::remove_reference_t<decltype(t->s_tkeep)>(b.keep);
            t->s_tlast = in_beat + 1 == f.beats.size();
            t->s_drop = t->s_tlast ? f.drop : chance(rng, 50);  // ignored but on the last beat
            t->s_meta = t->s_tlast ? f.meta : unsigned(rng()) & kMetaMask;
            valid = true;
        }
        t->s_tvalid = valid;
        t->m_tready = !chance(rng, stall);
        t->eval();

        Shown now = shown(t);
        if (prev_held && !same(prev, now)) fail("offered beat changed under back-pressure", got);

        bool acc = valid && t->s_tready, del = t->m_tvalid && t->m_tready;
        if (valid && !t->s_tready) in_stalls++;
        if (del) {
            if (accepted.empty()) {
                fail("output with no whole frame in", got);
                break;
            }
            Frame &f = accepted.front();
            const Beat &b = f.beats[out_beat];
            bool last = out_beat + 1 == f.beats.size();
            if (now.keep != b.keep || now.last != last || now.meta != f.meta) fail("tkeep, tlast or meta wrong", got);
            for (int i = 0; i < kB; i++)
                if ((b.keep >> i & 1) && now.data[i] != b.data[i]) {
                    fail("a byte is wrong", got);
                    break;
                }
            if (out_beat == 0 && cycle <= f.commit) fail("started before its last beat went in", got);
            if (stall == 0) {  // the store-and-forward schedule, to the cycle
                uint64_t at = out_beat ? last_out + 1 : std::max(f.commit + kLat, got ? last_out + 1 : 0);
                if (cycle != at) fail("not at one beat a cycle", got);
            }
            last_out = cycle;
            beats_out++;
            if (last) {
                accepted.pop_front();
                out_beat = 0;
                got++;
            } else {
                out_beat++;
            }
        }
        bool next_drop = false, next_ovf = false;
        if (acc) {
            Frame &f = waiting.front();
            valid = false;
            if (++in_beat == f.beats.size()) {
                in_beat = 0;
                if (f.beats.size() > kDepth) next_ovf = true;
                else if (f.drop) next_drop = true;
                else {
                    f.commit = cycle;
                    accepted.push_back(std::move(f));
                }
                waiting.pop_front();
            }
        }
        prev = now;
        prev_held = now.valid && !t->m_tready;

        tick(t);
        cycle++;
        expect_drop = next_drop;
        expect_ovf = next_ovf;
        if (t->drop_o != expect_drop || t->ovf_o != expect_ovf) {
            if (++bad <= 5)
                fprintf(stderr, "framefifo LANES=%d: drop_o %d ovf_o %d, want %d %d (cycle %lu)\n", LANES,
                        t->drop_o, t->ovf_o, expect_drop, expect_ovf, (unsigned long)cycle);
        }
        drops += t->drop_o;
        ovfs += t->ovf_o;
        idle = (acc || del) ? 0 : idle + 1;
        if (idle > 10000) {
            fprintf(stderr, "framefifo LANES=%d: stuck (%zu frames to send, %zu to come out)\n", LANES,
                    waiting.size(), accepted.size());
            return 1;
        }
    }
    if (got != want_out || drops != want_drop || ovfs != want_ovf) {
        fprintf(stderr, "framefifo LANES=%d: %ld frames out, %ld drops, %ld overflows; want %ld, %ld, %ld\n",
                LANES, got, drops, ovfs, want_out, want_drop, want_ovf);
        bad++;
    }
    if (stall == 0 && in_stalls) {
        fprintf(stderr, "framefifo LANES=%d: input held back %ld cycles with the output always ready\n", LANES,
                in_stalls);
        bad++;
    }
    printf("framefifo LANES=%d: %ld frames out, %ld dropped, %ld overflowed; %lu beats out in %lu cycles; %s\n",
           LANES, got, drops, ovfs, (unsigned long)beats_out, (unsigned long)cycle, bad ? "FAILED" : "ok");
    delete t;
    return bad ? 1 : 0;
}
