// Verilator test of rtl/axis_frame_route.v: random frames (1 byte to jumbo,
// random tkeep on the last beat) and a decision per frame (an output or drop,
// and meta). Decisions arrive ahead of their frames or, half of them when
// stalling, only some cycles after the frame's first beat is offered, as the
// top level's header pipeline makes them. The outputs together must carry
// exactly the frames not dropped, in order, each beat on the output its
// decision named (tkeep, kept bytes, tlast, meta); at most one m_tvalid at a
// time; an offered beat must not change under back-pressure. Each output's
// m_tready is random on its own.
//
// With stall 0 (decisions always ahead, no back-pressure, no gaps) the input
// must take one beat every cycle from the first beat to the last.
//
//   route-tb [frames] [stall%] [seed]
#include <verilated.h>
#include "Vaxis_frame_route.h"
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

namespace {
constexpr int kB = 16 * LANES;
constexpr unsigned kOuts = 3;           // the bench builds N_OUT=3, META_W=16
constexpr unsigned kMetaMask = 0xffff;

struct Beat {
    uint8_t data[kB];
    uint64_t keep;
};

struct Frame {
    std::vector<Beat> beats;
    unsigned dest = 0, meta = 0;
    bool late = false;   // its decision waits until the frame is offered
    unsigned delay = 0;  // and then this many cycles more
};

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
    f.dest = unsigned(rng() % (kOuts + 1));  // kOuts: drop
    f.meta = unsigned(rng()) & kMetaMask;
    return f;
}

struct Shown {
    unsigned valid = 0, meta = 0;
    bool last = false;
    uint64_t keep = 0;
    uint8_t data[kB] = {};
};

Shown shown(const Vaxis_frame_route *t)
{
    Shown s;
    s.valid = t->m_tvalid;
    s.last = t->m_tlast;
    s.keep = uint64_t(t->m_tkeep);
    s.meta = t->m_meta;
    for (int i = 0; i < kB; i++) s.data[i] = byte_at(t->m_tdata, i);
    return s;
}
}  // namespace

int main(int argc, char **argv)
{
    Verilated::commandArgs(argc, argv);
    long nframes = argc > 1 ? atol(argv[1]) : 5000;
    int stall = argc > 2 ? atoi(argv[2]) : 30;
    unsigned long long seed = argc > 3 ? strtoull(argv[3], nullptr, 0) : 1;
    std::mt19937_64 rng(seed);
    printf("route LANES=%d N_OUT=%u: %ld frames, stall %d%%, seed %llu\n", LANES, kOuts, nframes, stall, seed);
    fflush(stdout);

    std::vector<Frame> frames;
    std::deque<size_t> expect;  // indexes of the frames that must come out, in order
    uint64_t total_beats = 0;
    for (long i = 0; i < nframes; i++) {
        int r = int(rng() % 10);
        Frame f = make_frame(rng, r < 4 ? 1 + rng() % 128 : r < 9 ? 1 + rng() % 1600 : 1 + rng() % 9600);
        f.late = stall > 0 && rng() % 2;
        f.delay = unsigned(rng() % 12);
        if (f.dest < kOuts) expect.push_back(frames.size());
        total_beats += f.beats.size();
        frames.push_back(std::move(f));
    }
    long want_out = long(expect.size());

    auto *t = new Vaxis_frame_route;
    t->s_tvalid = 0;
    t->d_valid = 0;
    t->m_tready = 0;
    reset(t);

    size_t in_frame = 0, in_beat = 0, out_beat = 0, next_dec = 0;
    bool valid = false, dvalid = false;
    uint64_t offered_at = 0;  // cycle frame in_frame's first beat was first offered
    long bad = 0, got = 0, late = 0, dec_full = 0;
    uint64_t cycle = 0, idle = 0, first_acc = 0, last_acc = 0, beats_in = 0;
    Shown prev;
    unsigned prev_held = 0;  // outputs that offered a beat last cycle not taken
    auto fail = [&](const char *what) {
        if (++bad <= 5)
            fprintf(stderr, "route LANES=%d: output frame %ld: %s (cycle %lu)\n", LANES, got, what,
                    (unsigned long)cycle);
    };

    while (in_frame < frames.size() || !expect.empty()) {
        if (!valid && in_frame < frames.size() && !chance(rng, stall / 2)) {
            const Beat &b = frames[in_frame].beats[in_beat];
            put_bytes(t->s_tdata, kB / 4, b.data, kB);
            t->s_tkeep = std::remove_reference_t<decltype(t->s_tkeep)>(b.keep);
            t->s_tlast = in_beat + 1 == frames[in_frame].beats.size();
            if (in_beat == 0) offered_at = cycle;
            valid = true;
        }
        // the next decision, once its frame allows it
        if (!dvalid && next_dec < frames.size()) {
            const Frame &f = frames[next_dec];
            bool ok = !f.late || (next_dec == in_frame && (valid || in_beat) && cycle >= offered_at + f.delay);
            if (ok && !chance(rng, stall / 2)) {
                t->d_dest = uint8_t(f.dest);
                t->d_meta = uint16_t(f.meta);
                dvalid = true;
            }
        }
        t->s_tvalid = valid;
        t->d_valid = dvalid;
        unsigned ready = 0;
        for (unsigned o = 0; o < kOuts; o++)
            if (!chance(rng, stall)) ready |= 1u << o;
        t->m_tready = uint8_t(ready);
        t->eval();

        Shown now = shown(t);
        if (now.valid & (now.valid - 1)) fail("more than one m_tvalid");
        if (prev_held && ((now.valid & prev_held) != prev_held || now.last != prev.last || now.keep != prev.keep ||
                          now.meta != prev.meta || !std::equal(now.data, now.data + kB, prev.data)))
            fail("offered beat changed under back-pressure");
        if (now.valid) {  // whatever is offered must be the next frame's next beat, to its output
            if (expect.empty()) {
                fail("output with no frame due");
                break;
            }
            const Frame &f = frames[expect.front()];
            const Beat &b = f.beats[out_beat];
            bool last = out_beat + 1 == f.beats.size();
            if (now.valid != 1u << f.dest) fail("on the wrong output");
            if (now.keep != b.keep || now.last != last || now.meta != f.meta) fail("tkeep, tlast or meta wrong");
            for (int i = 0; i < kB; i++)
                if ((b.keep >> i & 1) && now.data[i] != b.data[i]) {
                    fail("a byte is wrong");
                    break;
                }
        }
        bool acc = valid && t->s_tready, dacc = dvalid && t->d_ready, del = (now.valid & ready) != 0;
        if (del) {
            if (out_beat + 1 == frames[expect.front()].beats.size()) {
                expect.pop_front();
                out_beat = 0;
                got++;
            } else {
                out_beat++;
            }
        }
        if (acc) {
            if (!beats_in) first_acc = cycle;
            last_acc = cycle;
            beats_in++;
            valid = false;
            if (++in_beat == frames[in_frame].beats.size()) {
                in_beat = 0;
                in_frame++;
            }
        }
        if (dvalid && !t->d_ready) dec_full++;
        if (dacc) {
            if (next_dec == in_frame && (valid || in_beat) && cycle > offered_at) late++;
            dvalid = false;
            next_dec++;
        }
        prev = now;
        prev_held = now.valid & ~ready;

        tick(t);
        cycle++;
        idle = (acc || dacc || del) ? 0 : idle + 1;
        if (idle > 1000) {
            fprintf(stderr, "route LANES=%d: stuck (frame %zu of %zu in, decision %zu)\n", LANES, in_frame,
                    frames.size(), next_dec);
            return 1;
        }
    }
    if (got != want_out) {
        fprintf(stderr, "route LANES=%d: %ld frames out, want %ld\n", LANES, got, want_out);
        bad++;
    }
    if (stall == 0 && beats_in && last_acc - first_acc + 1 != total_beats) {
        fprintf(stderr, "route LANES=%d: %lu beats took %lu cycles, want one a cycle\n", LANES,
                (unsigned long)total_beats, (unsigned long)(last_acc - first_acc + 1));
        bad++;
    }
    printf("route LANES=%d: %ld frames out, %ld dropped; %lu beats in %lu cycles; %ld decisions came after "
           "their frame's first beat, %ld cycles the decision FIFO was full; %s\n",
           LANES, got, nframes - want_out, (unsigned long)beats_in, (unsigned long)cycle, late, dec_full,
           bad ? "FAILED" : "ok");
    delete t;
    return bad ? 1 : 0;
}
