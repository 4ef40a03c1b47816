// Verilator test of rtl/replay_window.v against RFC 4303 Appendix A taken
// literally: a window bitmap that shifts as T advances, and the ESN inference of
// A2.2. The RTL keeps its window as tagged words instead, so two different
// algorithms must agree on every packet.
//
// Phase 1: one packet at a time (check, then update if the "ICV" passes), every
// result compared: in-window reordering, duplicates, packets left of the window,
// jumps far ahead, sequence 0, and ESN sequences crossing 2^32.
// Phase 2: updates every cycle on a few SAs, duplicates back to back, so each
// update must see the one before it; and an SA re-installed (init) while the
// others carry traffic.
#include <verilated.h>
#include "Vreplay_window.h"
#include "tb_util.h"

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <vector>

namespace {

struct Model {  // RFC 4303 Appendix A, one SA
    uint64_t T = 0;
    uint32_t W = 64;
    bool esn = false;
    std::vector<bool> bm;  // bm[i]: T - i was seen

    void init(uint64_t top, uint32_t w, bool e) { T = top; W = w; esn = e; bm.assign(w, false); }
    uint64_t infer(uint32_t seql) const
    {
        if (!esn) return seql;
        uint32_t tl = uint32_t(T), th = uint32_t(T >> 32);
        uint32_t bottom = tl - W + 1;
        uint32_t h;
        if (tl >= W - 1) h = seql >= bottom ? th : th + 1;   // case A
        else h = seql >= bottom ? th - 1 : th;               // case B
        return (uint64_t(h) << 32) | seql;
    }
    // 0 ok, 1 zero, 2 old, 3 dup
    int check(uint64_t s) const
    {
        if (s == 0) return 1;
        if (W == 0 || s > T) return 0;
        if (T - s >= W) return 2;
        return bm[T - s] ? 3 : 0;
    }
    bool update(uint64_t s)
    {
        if (check(s) != 0) return false;
        if (W == 0) { if (s > T) T = s; return true; }
        if (s > T) {
            uint64_t d = s - T;
            std::vector<bool> n(W, false);
            for (uint64_t i = 0; i + d < W; i++) n[i + d] = bm[i];
            bm = n;
            T = s;
            bm[0] = true;
        } else {
            bm[T - s] = true;
        }
        return true;
    }
};

Vreplay_window *t;
uint64_t cycles;
void tick() { t->clk = 1; t->eval(); t->clk = 0; t->eval(); cycles++; }
void idle_inputs() { t->chk_valid_i = 0; t->upd_valid_i = 0; t->init_valid_i = 0; }

void init_sa(int sa, uint64_t top)
{
    t->init_valid_i = 1;
    t->init_sa_i = sa;
    t->init_top_i = top;
    tick();
    t->init_valid_i = 0;
    while (t->init_busy_o) tick();
}

}  // namespace

int main(int argc, char **argv)
{
    Verilated::commandArgs(argc, argv);
    long npkts = argc > 1 ? atol(argv[1]) : 100000;
    std::mt19937_64 rng(argc > 2 ? strtoull(argv[2], nullptr, 0) : 1);
    t = new Vreplay_window;
    idle_inputs();
    t->rst = 1;
    for (int i = 0; i < 4; i++) tick();
    t->rst = 0;

    const int nsa = 24;
    const uint32_t wins[] = {0, 32, 64, 100, 1024, 4096};
    std::vector<Model> m(nsa);
    std::vector<uint64_t> next(nsa);  // the sender's next sequence number
    for (int sa = 0; sa < nsa; sa++) {
        bool esn = sa % 2;
        uint32_t w = wins[sa % 6];
        if (esn && w == 0) w = 128;
        // half the ESN SAs start just below 2^32 so their low half wraps
        uint64_t top = (esn && sa % 4 == 1) ? 0xffffffffull - 3000 - (rng() % 2000) : rng() % 3 ? 0 : rng() % 100000;
        m[sa].init(top, w, esn);
        next[sa] = top + 1;
        init_sa(sa, top);
    }

    long bad = 0, n_ok = 0, n_old = 0, n_dup = 0, n_zero = 0;
    auto fail = [&](const char *what, int sa, uint64_t s, int got, int want) {
        if (++bad <= 10)
            fprintf(stderr, "replay: %s sa %d seq %#llx: got %d, want %d (T %#llx W %u esn %d)\n", what,
                    sa, (unsigned long long)s, got, want, (unsigned long long)m[sa].T, m[sa].W, m[sa].esn);
    };

    // --- phase 1: one packet at a time --------------------------------------------
    for (long i = 0; i < npkts; i++) {
        int sa = int(rng() % nsa);
        Model &md = m[sa];
        uint64_t s;
        int r = int(rng() % 100);
        if (r < 55) s = next[sa]++;                                          // in order
        else if (r < 70) s = next[sa] - 1 - rng() % std::max<uint64_t>(1, std::min<uint64_t>(md.W + 8, next[sa] - 1));  // reordered / old
        else if (r < 80) s = md.T - rng() % 3;                               // duplicates near T
        else if (r < 85) s = md.T > md.W ? md.T - md.W - rng() % 50 : 1;     // left of the window
        else if (r < 90) { next[sa] += rng() % 20000; s = next[sa]++; }      // a jump ahead
        else if (r < 92) s = 0;
        else s = next[sa] + rng() % 64;                                      // a little ahead
        if (!md.esn) s &= 0xffffffffull;

        t->chk_valid_i = 1;
        t->chk_sa_i = sa;
        t->chk_seq_i = uint32_t(s);
        t->chk_esn_i = md.esn;
        t->chk_win_i = md.W;
        tick();
        idle_inputs();
        while (!t->chk_valid_o) tick();
        uint64_t full = md.infer(uint32_t(s));
        if (t->chk_seq_o != full) fail("inferred sequence", sa, s, int(t->chk_seq_o != full), 0);
        int want = md.check(full);
        int got = t->chk_zero_o ? 1 : t->chk_old_o ? 2 : t->chk_dup_o ? 3 : t->chk_ok_o ? 0 : 9;
        if (got != want) fail("check", sa, full, got, want);
        (want == 0 ? n_ok : want == 1 ? n_zero : want == 2 ? n_old : n_dup)++;
        if (!t->chk_ok_o || rng() % 20 == 0) continue;  // dropped, or its ICV failed
        t->upd_valid_i = 1;
        t->upd_sa_i = sa;
        t->upd_seq_i = t->chk_seq_o;
        t->upd_win_i = md.W;
        tick();
        idle_inputs();
        while (!t->upd_valid_o) tick();
        bool w = md.update(full);
        if (t->upd_ok_o != w) fail("update", sa, full, t->upd_ok_o, w);
    }

    // --- phase 2: an update every cycle, few SAs, duplicates back to back ----------
    for (int i = 0; i < 4; i++) tick();  // let phase 1's last results go by
    struct Upd { int sa; uint64_t s; bool want; };
    std::deque<Upd> inflight;
    long n2 = npkts, checked2 = 0;
    int reinit_sa = 3;
    bool reinit_started = false;
    for (long i = 0; i < n2 || !inflight.empty(); i++) {
        if (i < n2) {
            int sa = int(rng() % 4);
            if (sa == reinit_sa && reinit_started) sa = 0;
            Model &md = m[sa];
            uint64_t s = rng() % 4 == 0 ? md.T : (rng() % 3 ? next[sa]++ : next[sa] - rng() % 40);
            if (!md.esn) s &= 0xffffffffull;
            if (s == 0) s = 1;
            t->upd_valid_i = 1;
            t->upd_sa_i = sa;
            t->upd_seq_i = s;
            t->upd_win_i = md.W;
            inflight.push_back({sa, s, md.update(s)});
        } else {
            t->upd_valid_i = 0;
        }
        // halfway, re-install SA 3 while the others run
        if (i == n2 / 2) {
            t->init_valid_i = 1;
            t->init_sa_i = reinit_sa;
            t->init_top_i = 0;
            reinit_started = true;
        } else {
            t->init_valid_i = 0;
        }
        t->eval();
        if (t->upd_valid_o) {
            Upd u = inflight.front();
            inflight.pop_front();
            if (t->upd_ok_o != u.want) fail("back-to-back update", u.sa, u.s, t->upd_ok_o, u.want);
            checked2++;
        }
        tick();
    }
    idle_inputs();
    // the init had every other cycle free at most... here the updates never stopped
    // until n2, so it finishes after them; then SA 3 must be empty with T = 0
    while (t->init_busy_o) tick();
    m[reinit_sa].init(0, m[reinit_sa].W, m[reinit_sa].esn);
    for (uint64_t s : {5ull, 3ull, 5ull, 4ull, 3ull}) {
        t->upd_valid_i = 1;
        t->upd_sa_i = reinit_sa;
        t->upd_seq_i = s;
        t->upd_win_i = m[reinit_sa].W;
        tick();
        idle_inputs();
        while (!t->upd_valid_o) tick();
        bool w = m[reinit_sa].update(s);
        if (t->upd_ok_o != w) fail("after re-install", reinit_sa, s, t->upd_ok_o, w);
    }

    printf("replay: %ld packets one at a time (%ld new, %ld duplicate, %ld too old, %ld seq 0), "
           "%ld back-to-back updates: %s, %ld mismatches\n",
           npkts, n_ok, n_dup, n_old, n_zero, checked2, bad ? "FAILED" : "all agree with RFC 4303 A2", bad);
    delete t;
    return bad ? 1 : 0;
}
