// Verilator test of rtl/rmw_counter.v: adds every cycle to a handful of counters,
// so most adds hit the counter the add before wrote, with sets mixed in; every
// result and, at the end, every counter read by the host port, compared with a
// plain array.
#include <verilated.h>
#include "Vrmw_counter.h"
#include "tb_util.h"

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <vector>

int main(int argc, char **argv)
{
    Verilated::commandArgs(argc, argv);
    long nops = argc > 1 ? atol(argv[1]) : 200000;
    std::mt19937_64 rng(argc > 2 ? strtoull(argv[2], nullptr, 0) : 1);
    auto *t = new Vrmw_counter;
    auto tick = [&] { t->clk = 1; t->eval(); t->clk = 0; t->eval(); };
    t->add_valid_i = 0;
    t->set_valid_i = 0;
    t->rst = 1;
    for (int i = 0; i < 3; i++) tick();
    t->rst = 0;

    const int n = 8;  // counters in use: collisions on almost every add
    std::vector<uint64_t> model(n, 0);
    for (int i = 0; i < n; i++) {  // start from known values
        t->set_valid_i = 1;
        t->set_idx_i = i;
        t->set_value_i = 0;
        tick();
    }
    t->set_valid_i = 0;
    tick();

    std::deque<uint64_t> expect;
    long bad = 0, sets = 0;
    bool have_prev = false;  // the add of the cycle before, which writes this cycle
    int prev_idx = 0;
    uint64_t prev_amount = 0;
    for (long k = 0; k < nops || !expect.empty(); k++) {
        bool add = k < nops && rng() % 8 != 0;
        int idx = int(rng() % n);
        uint64_t amount = rng() % 4 == 0 ? rng() : rng() % 2000;
        t->add_valid_i = add;
        t->add_idx_i = idx;
        t->add_amount_i = amount;
        bool set = k < nops && !add && rng() % 2;
        uint64_t sv = rng();
        int sidx = int(rng() % n);
        t->set_valid_i = set;
        t->set_idx_i = sidx;
        t->set_value_i = sv;
        t->eval();
        bool set_taken = set && t->set_ready_o;
        if (t->add_valid_o) {
            if (expect.empty()) { fprintf(stderr, "counter: result with no add\n"); return 1; }
            if (t->add_value_o != expect.front() && ++bad <= 10)
                fprintf(stderr, "counter: op %ld: got %#llx want %#llx\n", k,
                        (unsigned long long)t->add_value_o, (unsigned long long)expect.front());
            expect.pop_front();
        }
        tick();
        // A set taken in cycle k writes in cycle k; an add issued in cycle k writes
        // in cycle k+1. The RTL never lets both write in one cycle.
        if (set_taken) {
            model[sidx] = sv;
            sets++;
        }
        if (have_prev) {
            model[prev_idx] += prev_amount;
            expect.push_back(model[prev_idx]);
        }
        have_prev = add;
        prev_idx = idx;
        prev_amount = amount;
    }
    t->add_valid_i = 0;
    t->set_valid_i = 0;
    for (int i = 0; i < 3; i++) tick();
    for (int i = 0; i < n; i++) {
        t->rd_idx_i = i;
        tick();
        if (t->rd_value_o != model[i] && ++bad <= 10)
            fprintf(stderr, "counter: host read %d: got %#llx want %#llx\n", i,
                    (unsigned long long)t->rd_value_o, (unsigned long long)model[i]);
    }
    printf("counter: %ld cycles of adds (%ld sets among them) on %d counters: %s\n", nops, sets, n,
           bad ? "FAILED" : "every result and counter right");
    delete t;
    return bad ? 1 : 0;
}
