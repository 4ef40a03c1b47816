// Verilator test of rtl/axis_byte_capture.v: random packets with gaps between
// beats; on each packet's last beat the captured bytes must be the packet's
// bytes [off, off + len), zero past len (and past the packet's end).
#include <verilated.h>
#include "Vaxis_byte_capture.h"
#include "tb_util.h"

#include <cstdio>
#include <cstdlib>

#ifndef LANES
#error "build with -DLANES"
#endif

int main(int argc, char **argv)
{
    Verilated::commandArgs(argc, argv);
    long npkts = argc > 1 ? atol(argv[1]) : 20000;
    std::mt19937_64 rng(argc > 2 ? strtoull(argv[2], nullptr, 0) : 1);
    constexpr int kB = 16 * LANES;
    auto *t = new Vaxis_byte_capture;
    auto tick = [&] { t->clk = 1; t->eval(); t->clk = 0; t->eval(); };
    t->beat_i = 0;
    t->rst = 1;
    for (int i = 0; i < 3; i++) tick();
    t->rst = 0;
    long bad = 0;
    for (long n = 0; n < npkts; n++) {
        Bytes p(1 + rng() % 2000);
        for (auto &b : p) b = uint8_t(rng());
        unsigned len = unsigned(rng() % 17);
        unsigned off = rng() % 4 ? unsigned(p.size() - std::min<size_t>(p.size(), len)) : unsigned(rng() % (p.size() + 8));
        size_t nb = (p.size() + kB - 1) / kB;
        for (size_t b = 0; b < nb; b++) {
            while (chance(rng, 30)) { t->beat_i = 0; tick(); }
            int cnt = int(std::min<size_t>(kB, p.size() - b * kB));
            put_bytes(t->tdata, kB / 4, p.data() + b * kB, cnt);
            t->beat_i = 1;
            t->last_i = b + 1 == nb;
            t->off_i = off;
            t->len_i = len;
            t->eval();
            if (b + 1 == nb) {
                bool ok = true;
                for (unsigned k = 0; k < 16; k++) {
                    uint8_t want = k < len && off + k < p.size() ? p[off + k] : 0;
                    // bytes past the packet's end come from the last beat's padding: don't care
                    if (k < len && off + k >= p.size() && off + k < nb * kB) continue;
                    if (byte_at(t->cap_o, int(k)) != want) ok = false;
                }
                if (!ok && ++bad <= 5)
                    fprintf(stderr, "bytecap LANES=%d: packet %ld (%zu bytes, off %u len %u) wrong\n", LANES, n,
                            p.size(), off, len);
            }
            tick();
            t->beat_i = 0;
        }
    }
    printf("bytecap LANES=%d: %ld packets: %ld passed, %ld failed\n", LANES, npkts, npkts - bad, bad);
    delete t;
    return bad ? 1 : 0;
}
