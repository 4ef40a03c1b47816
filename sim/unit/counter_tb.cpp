// Verilator test of rtl/rmw_counter.v: adds every cycle to a handful of counters,
// so most adds hit the counter the add before wrote, with sets mixed in and some
// adds carrying limits low enough to be refused; every result (ok, old, new)
// and, at the end, every counter read by the host port, compared with a plain
// array. Built with FIELDS=1 (one 64-bit port word) and FIELDS=2 (a wide word).
#include <verilated.h>
#include "Vrmw_counter.h"
#include "tb_util.h"

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <type_traits>
#include <vector>

namespace {
// Field f (64 bits) of a port: a plain integer when FIELDS is 1, else a VlWide.
template <typename P> uint64_t get_f(const P &p, int f)
{
    if constexpr (std::is_integral_v<P>) return (void)f, uint64_t(p);
    else return uint64_t(p[2 * f]) | uint64_t(p[2 * f + 1]) << 32;
}
template <typename P> void set_f(P &p, int f, uint64_t v)
{
    if constexpr (std::is_integral_v<P>) (void)f, p = v;
    else { p[2 * f] = uint32_t(v); p[2 * f + 1] = uint32_t(v >> 32); }
}
template <typename P> constexpr int fields_of()
{
    if constexpr (std::is_integral_v<P>) return 1;
    else return int(sizeof(P) / 8);
}

struct Op { int idx; std::vector<uint64_t> amount, limit; };
}  // namespace

int main(int argc, char **argv)
{
    Verilated::commandArgs(argc, argv);
    long nops = argc > 1 ? atol(argv[1]) : 200000;
    std::mt19937_64 rng(argc > 2 ? strtoull(argv[2], nullptr, 0) : 1);
    auto *t = new Vrmw_counter;
    constexpr int F = fields_of<std::remove_reference_t<decltype(t->add_amount_i)>>();
    t->add_valid_i = 0;
    t->set_valid_i = 0;
    reset(t);

    const int n = 8;  // counters in use: collisions on almost every add
    std::vector<std::vector<uint64_t>> model(n, std::vector<uint64_t>(F, 0));
    for (int i = 0; i < n; i++) {  // start from known values
        t->set_valid_i = 1;
        t->set_idx_i = i;
        for (int f = 0; f < F; f++) set_f(t->set_value_i, f, 0);
        tick(t);
    }
    t->set_valid_i = 0;
    tick(t);

    struct Want { bool ok; std::vector<uint64_t> old, now; };
    std::deque<Want> expect;
    long bad = 0, sets = 0, refused = 0;
    bool have_prev = false;  // the add of the cycle before, which writes this cycle
    Op prev;
    for (long k = 0; k < nops || have_prev || !expect.empty(); k++) {
        bool add = k < nops && rng() % 8 != 0;
        Op op{int(rng() % n), {}, {}};
        for (int f = 0; f < F; f++) {
            op.amount.push_back(rng() % 4 == 0 ? rng() : rng() % 2000);
            // mostly no limit; sometimes one near the counter, so both outcomes come
            uint64_t lim = rng() % 3 ? ~0ull : model[op.idx][f] + rng() % 4000 - 2000;
            op.limit.push_back(lim);
        }
        t->add_valid_i = add;
        t->add_idx_i = op.idx;
        for (int f = 0; f < F; f++) {
            set_f(t->add_amount_i, f, op.amount[f]);
            set_f(t->add_limit_i, f, op.limit[f]);
        }
        bool set = k < nops && !add && rng() % 2;
        int sidx = int(rng() % n);
        std::vector<uint64_t> sv;
        for (int f = 0; f < F; f++) sv.push_back(rng() % 2 ? rng() : rng() % 100000);
        t->set_valid_i = set;
        t->set_idx_i = sidx;
        for (int f = 0; f < F; f++) set_f(t->set_value_i, f, sv[f]);
        t->eval();
        bool set_taken = set && t->set_ready_o;
        if (t->add_valid_o) {
            if (expect.empty()) { fprintf(stderr, "counter: result with no add\n"); return 1; }
            const Want &w = expect.front();
            bool same = bool(t->add_ok_o) == w.ok;
            for (int f = 0; f < F; f++)
                same = same && get_f(t->add_old_o, f) == w.old[f] && get_f(t->add_value_o, f) == w.now[f];
            if (!same && ++bad <= 10)
                fprintf(stderr, "counter: op %ld: got ok %d old %#llx new %#llx, want ok %d old %#llx new %#llx\n",
                        k, int(t->add_ok_o), (unsigned long long)get_f(t->add_old_o, 0),
                        (unsigned long long)get_f(t->add_value_o, 0), int(w.ok),
                        (unsigned long long)w.old[0], (unsigned long long)w.now[0]);
            expect.pop_front();
        }
        tick(t);
        // A set taken in cycle k writes in cycle k; an add issued in cycle k writes
        // in cycle k+1. The RTL never lets both write in one cycle.
        if (set_taken) {
            model[sidx] = sv;
            sets++;
        }
        if (have_prev) {
            Want w{true, model[prev.idx], {}};
            for (int f = 0; f < F; f++) w.ok = w.ok && model[prev.idx][f] < prev.limit[f];
            if (w.ok)
                for (int f = 0; f < F; f++) model[prev.idx][f] += prev.amount[f];
            else
                refused++;
            w.now = model[prev.idx];
            expect.push_back(w);
        }
        have_prev = add;
        prev = op;
    }
    t->add_valid_i = 0;
    t->set_valid_i = 0;
    for (int i = 0; i < 3; i++) tick(t);
    for (int i = 0; i < n; i++) {
        t->rd_idx_i = i;
        tick(t);
        for (int f = 0; f < F; f++)
            if (get_f(t->rd_value_o, f) != model[i][f] && ++bad <= 10)
                fprintf(stderr, "counter: host read %d field %d: got %#llx want %#llx\n", i, f,
                        (unsigned long long)get_f(t->rd_value_o, f), (unsigned long long)model[i][f]);
    }
    printf("counter: %ld cycles of adds (%ld sets, %ld refused by a limit) on %d counters of %d field(s): %s\n",
           nops, sets, refused, n, F, bad ? "FAILED" : "every result and counter right");
    delete t;
    return bad ? 1 : 0;
}
