// Verilator test of rtl/spd_lookup.v: random IPv4 and IPv6 rules (prefixes of
// every length, a protocol or any, all four actions), rewritten and removed as
// the test goes, and lookups aimed inside the rules' prefixes as well as at
// random; every answer compared with a first-match scan of the same rules.
#include <verilated.h>
#include "Vspd_lookup.h"
#include "tb_util.h"

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {
constexpr int kRules = 64;

struct Addr { uint8_t b[16]; };  // IPv4 in b[12..15]
struct Rule {
    bool valid = false, v6 = false, proto_any = true;
    Addr src{}, dst{};
    int src_plen = 0, dst_plen = 0, proto = 0, action = 0, sa = 0;
};

bool in_prefix(const Addr &a, const Addr &p, int plen, bool v6)
{
    int base = v6 ? 0 : 12;
    for (int i = 0; i < plen; i++) {
        int byte = base + i / 8, bit = 7 - i % 8;
        if (((a.b[byte] >> bit) & 1) != ((p.b[byte] >> bit) & 1)) return false;
    }
    return true;
}

template <typename W> void put_addr(W &w, const Addr &a) { put_be(w, 128, a.b, 16); }

Addr random_addr(std::mt19937_64 &rng, bool v6)
{
    Addr a{};
    for (int i = v6 ? 0 : 12; i < 16; i++) a.b[i] = uint8_t(rng());
    return a;
}

// an address inside prefix p/plen
Addr inside(std::mt19937_64 &rng, const Addr &p, int plen, bool v6)
{
    Addr a = random_addr(rng, v6);
    int base = v6 ? 0 : 12;
    for (int i = 0; i < plen; i++) {
        int byte = base + i / 8, bit = 7 - i % 8;
        a.b[byte] = uint8_t((a.b[byte] & ~(1 << bit)) | (p.b[byte] & (1 << bit)));
    }
    return a;
}
}  // namespace

int main(int argc, char **argv)
{
    Verilated::commandArgs(argc, argv);
    long nlookups = argc > 1 ? atol(argv[1]) : 100000;
    std::mt19937_64 rng(argc > 2 ? strtoull(argv[2], nullptr, 0) : 1);
    auto *t = new Vspd_lookup;
    auto tick = [&] { t->clk = 1; t->eval(); t->clk = 0; t->eval(); };
    t->wr_i = 0;
    t->lk_valid_i = 0;
    t->rst = 1;
    for (int i = 0; i < 3; i++) tick();
    t->rst = 0;

    std::vector<Rule> rules(kRules);
    auto write_rule = [&](int idx) {
        Rule r;
        r.valid = rng() % 8 != 0;
        r.v6 = rng() % 2;
        int maxp = r.v6 ? 128 : 32;
        r.src_plen = rng() % 4 == 0 ? 0 : int(rng() % (maxp + 1));
        r.dst_plen = rng() % 4 == 0 ? 0 : int(rng() % (maxp + 1));
        r.src = random_addr(rng, r.v6);  // host bits set: the RTL must mask them
        r.dst = random_addr(rng, r.v6);
        r.proto_any = rng() % 2;
        r.proto = rng() % 3 == 0 ? int(rng() % 256) : (rng() % 2 ? 6 : 17);
        r.action = int(rng() % 4);
        r.sa = int(rng() % 4096);
        rules[idx] = r;
        t->wr_i = 1;
        t->wr_idx_i = idx;
        t->wr_valid_i = r.valid;
        t->wr_v6_i = r.v6;
        put_addr(t->wr_src_i, r.src);
        put_addr(t->wr_dst_i, r.dst);
        t->wr_src_plen_i = r.src_plen;
        t->wr_dst_plen_i = r.dst_plen;
        t->wr_proto_any_i = r.proto_any;
        t->wr_proto_i = r.proto;
        t->wr_action_i = r.action;
        t->wr_sa_i = r.sa;
        tick();
        t->wr_i = 0;
    };
    for (int i = 0; i < kRules; i++) write_rule(i);

    long bad = 0, hits = 0;
    for (long n = 0; n < nlookups; n++) {
        if (rng() % 200 == 0) write_rule(int(rng() % kRules));
        bool v6;
        Addr s, d;
        int proto;
        const Rule &aim = rules[rng() % kRules];
        if (rng() % 4 != 0 && aim.valid) {
            v6 = aim.v6;
            s = inside(rng, aim.src, aim.src_plen, v6);
            d = inside(rng, aim.dst, aim.dst_plen, v6);
            proto = aim.proto_any ? int(rng() % 256) : aim.proto;
        } else {
            v6 = rng() % 2;
            s = random_addr(rng, v6);
            d = random_addr(rng, v6);
            proto = int(rng() % 256);
        }
        int want = -1;
        for (int i = 0; i < kRules && want < 0; i++) {
            const Rule &r = rules[i];
            if (r.valid && r.v6 == v6 && in_prefix(s, r.src, r.src_plen, v6) &&
                in_prefix(d, r.dst, r.dst_plen, v6) && (r.proto_any || r.proto == proto))
                want = i;
        }
        t->lk_valid_i = 1;
        t->lk_v6_i = v6;
        put_addr(t->lk_src_i, s);
        put_addr(t->lk_dst_i, d);
        t->lk_proto_i = proto;
        tick();
        t->lk_valid_i = 0;
        tick();
        if (!t->lk_valid_o) { fprintf(stderr, "spd: no answer\n"); return 1; }
        bool ok = want < 0 ? !t->lk_hit_o
                           : t->lk_hit_o && t->lk_rule_o == want && t->lk_action_o == rules[want].action &&
                                 t->lk_sa_o == rules[want].sa;
        hits += want >= 0;
        if (!ok && ++bad <= 10)
            fprintf(stderr, "spd: lookup %ld: got hit %d rule %d, want rule %d\n", n, t->lk_hit_o,
                    t->lk_rule_o, want);
    }
    printf("spd: %ld lookups (%ld match a rule) against %d rules: %ld passed, %ld failed\n", nlookups,
           hits, kRules, nlookups - bad, bad);
    delete t;
    return bad ? 1 : 0;
}
