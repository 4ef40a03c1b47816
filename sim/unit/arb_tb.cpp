// Verilator test of rtl/axis_frame_arb.v: N_IN inputs, each with its own random
// frames (1 byte to jumbo, random tkeep on the last beat, random tuser on every
// beat), gaps between beats and pauses between frames. Each input's frames must come out whole and in that input's
// order, beat by beat (tkeep, kept bytes, tlast, tuser), with m_src naming the
// input, and no frame's beats interleaved with another's. Between frames the
// next input must be the first valid one after the input served last (round
// robin), chosen in that very cycle: no idle cycle while an input waits. An
// offered beat must not change under back-pressure.
//
// With stall 0 (no back-pressure, no gaps) every cycle must carry a beat, from
// the first to the last: cycles == beats.
//
//   arb-tb [frames] [stall%] [seed]
#include <verilated.h>
#include "Vaxis_frame_arb.h"
#include "tb_util.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <type_traits>
#include <vector>

#ifndef LANES
#error "build with -DLANES"
#endif

namespace {
constexpr int kB = 16 * LANES;
constexpr int kIn = 3;  // the bench builds N_IN=3, USER_W=8
constexpr int kUserW = 8;

struct Beat {
    uint8_t data[kB];
    uint64_t keep;
    unsigned user;
};
using Frame = std::vector<Beat>;

Frame make_frame(std::mt19937_64 &rng, size_t nbytes)
{
    size_t nb = (nbytes + kB - 1) / kB;
    Frame f(nb);
    for (auto &b : f) {
        for (auto &d : b.data) d = uint8_t(rng());
        b.keep = keep_mask(kB);
        b.user = unsigned(rng() % (1u << kUserW));
    }
    uint64_t k = keep_mask(int(nbytes - (nb - 1) * kB));
    if (rng() % 4 == 0) k = (rng() & keep_mask(kB)) | (uint64_t(1) << (rng() % kB));
    f.back().keep = k;
    return f;
}

// Bit i of a port of any width: a Verilator integer or a VlWide.
template <typename W> void set_bit(W &w, int i, bool v)
{
    if constexpr (std::is_integral_v<W>) {
        w = v ? W(w | (W(1) << i)) : W(w & ~(W(1) << i));
    } else {
        if (v) w[i / 32] |= 1u << (i % 32);
        else w[i / 32] &= ~(1u << (i % 32));
    }
}

template <typename W> void set_bits(W &w, int at, int n, uint64_t v)
{
    for (int i = 0; i < n; i++) set_bit(w, at + i, v >> i & 1);
}

int round_robin(unsigned valid, int last)
{
    for (int k = 1; k <= kIn; k++) {
        int i = (last + k) % kIn;
        if (valid >> i & 1) return i;
    }
    return -1;
}

struct Shown {
    bool valid = false, last = false;
    unsigned src = 0, user = 0;
    uint64_t keep = 0;
    uint8_t data[kB] = {};
};

Shown shown(const Vaxis_frame_arb *t)
{
    Shown s;
    s.valid = t->m_tvalid;
    s.last = t->m_tlast;
    s.src = t->m_src;
    s.user = t->m_tuser;
    s.keep = uint64_t(t->m_tkeep);
    for (int i = 0; i < kB; i++) s.data[i] = byte_at(t->m_tdata, i);
    return s;
}

bool same(const Shown &a, const Shown &b)
{
    return a.valid == b.valid && a.last == b.last && a.src == b.src && a.user == b.user && a.keep == b.keep &&
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
    printf("arb LANES=%d N_IN=%d: %ld frames, stall %d%%, seed %llu\n", LANES, kIn, nframes, stall, seed);
    fflush(stdout);

    struct Input {
        std::vector<Frame> frames;
        size_t in_frame = 0, in_beat = 0;    // next beat to offer
        size_t out_frame = 0, out_beat = 0;  // next beat due out
        bool valid = false;
        bool paused = false;  // between frames, not offering the next yet

    } in[kIn];
    uint64_t total_beats = 0;
    for (long i = 0; i < nframes; i++) {
        int r = int(rng() % 10);
        Frame f = make_frame(rng, r < 4 ? 1 + rng() % 128 : r < 9 ? 1 + rng() % 1600 : 1 + rng() % 9600);
        total_beats += f.size();
        in[i % kIn].frames.push_back(std::move(f));
    }

    auto *t = new Vaxis_frame_arb;
    t->s_tvalid = 0;
    t->m_tready = 0;
    reset(t);

    long bad = 0, got = 0;
    uint64_t cycle = 0, idle = 0, beats_out = 0;
    bool locked = false;  // a frame has been offered and its last beat not yet taken
    int lock_src = 0, last_src = 0;
    Shown prev;
    bool prev_held = false;
    bool held_first = false;  // the beat held back is a frame's first, offered between frames
    long tempted = 0;
    auto fail = [&](const char *what) {
        if (++bad <= 5)
            fprintf(stderr, "arb LANES=%d: output frame %ld: %s (cycle %lu)\n", LANES, got, what,
                    (unsigned long)cycle);
    };
    auto done = [&] {
        for (auto &p : in)
            if (p.out_frame < p.frames.size()) return false;
        return true;
    };

    while (!done()) {
        unsigned valid = 0;
        for (int k = 0; k < kIn; k++) {
            Input &p = in[k];
            // a paused input comes back now and then, and readily while the output is
            // held on a first beat: then it may outrank the input that beat is from
            if (p.paused && chance(rng, held_first ? 50 : 1)) p.paused = false;
            if (!p.valid && !p.paused && p.in_frame < p.frames.size() && !chance(rng, stall / 2)) {
                const Frame &f = p.frames[p.in_frame];
                const Beat &b = f[p.in_beat];
                uint32_t *words = &t->s_tdata[k * kB / 4];
                put_bytes(words, kB / 4, b.data, kB);
                set_bits(t->s_tkeep, k * kB, kB, b.keep);
                set_bits(t->s_tuser, k * kUserW, kUserW, b.user);
                set_bit(t->s_tlast, k, p.in_beat + 1 == f.size());
                p.valid = true;
            }
            set_bit(t->s_tvalid, k, p.valid);
            if (p.valid) valid |= 1u << k;
        }
        bool ready = !chance(rng, stall);
        t->m_tready = ready;
        t->eval();

        Shown now = shown(t);
        if (prev_held && !same(prev, now)) fail("offered beat changed under back-pressure");
        if (!locked && valid && !now.valid) fail("idle while an input waits");
        // an offered first beat held back while an input it would lose to arrives
        if (prev_held && held_first && round_robin(valid, last_src) != lock_src) tempted++;
        if (now.valid) {
            if (locked && int(now.src) != lock_src) fail("interleaved with another input's frame");
            if (!locked && int(now.src) != round_robin(valid, last_src)) fail("not round robin");
            if (now.src >= unsigned(kIn)) {
                fail("m_src out of range");
                break;
            }
            if (!locked) held_first = true;
            locked = true;
            lock_src = int(now.src);
            Input &p = in[now.src];
            if (!p.valid) {
                fail("from an input that offers nothing");
                break;
            }
            const Frame &f = p.frames[p.out_frame];
            const Beat &b = f[p.out_beat];
            bool last = p.out_beat + 1 == f.size();
            if (now.keep != b.keep || now.last != last || now.user != b.user) fail("tkeep, tlast or tuser wrong");
            for (int i = 0; i < kB; i++)
                if ((b.keep >> i & 1) && now.data[i] != b.data[i]) {
                    fail("a byte is wrong");
                    break;
                }
        }
        bool del = now.valid && ready;
        unsigned taken = 0;
        for (int k = 0; k < kIn; k++) {
            Input &p = in[k];
            if (!(p.valid && (t->s_tready >> k & 1))) continue;
            taken |= 1u << k;
            p.valid = false;
            if (++p.in_beat == p.frames[p.in_frame].size()) {
                p.in_beat = 0;
                p.in_frame++;
                // now and then a pause before the next frame, so that inputs come and
                // go between frames and the choice among them varies
                p.paused = chance(rng, 2 * stall);
            }
        }
        if (taken != (del ? 1u << now.src : 0u)) fail("an input's beat taken without going out");
        if (del) {
            Input &p = in[now.src];
            beats_out++;
            if (++p.out_beat == p.frames[p.out_frame].size()) {
                p.out_beat = 0;
                p.out_frame++;
                got++;
                locked = false;
                last_src = int(now.src);
            }
        }
        prev = now;
        prev_held = now.valid && !ready;
        if (!prev_held) held_first = false;

        tick(t);
        cycle++;
        idle = del ? 0 : idle + 1;
        if (idle > 10000) {  // a paused input comes back at 1% a cycle
            fprintf(stderr, "arb LANES=%d: stuck after %ld frames\n", LANES, got);
            return 1;
        }
    }
    if (stall == 0 && cycle != total_beats) {
        fprintf(stderr, "arb LANES=%d: %lu beats took %lu cycles, want one a cycle\n", LANES,
                (unsigned long)total_beats, (unsigned long)cycle);
        bad++;
    }
    printf("arb LANES=%d: %ld frames out of %d inputs; %lu beats in %lu cycles; %ld held first beats "
           "outranked while waiting; %s\n",
           LANES, got, kIn, (unsigned long)beats_out, (unsigned long)cycle, tempted, bad ? "FAILED" : "ok");
    delete t;
    return bad ? 1 : 0;
}
