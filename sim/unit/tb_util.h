// Helpers shared by the Verilator test benches: moving bytes in and out of
// Verilator's port words, and a seeded chance.
#ifndef NICSEC_TB_UTIL_H
#define NICSEC_TB_UTIL_H

#include <cstdint>
#include <random>
#include <vector>

using Bytes = std::vector<uint8_t>;

// Stream order: byte 0 of a beat in bits [7:0].
template <typename W> void put_bytes(W &w, int words, const uint8_t *p, int n)
{
    for (int i = 0; i < words; i++) w[i] = 0;
    for (int i = 0; i < n; i++) w[i / 4] |= uint32_t(p[i]) << (8 * (i % 4));
}

template <typename W> uint8_t byte_at(const W &w, int i)
{
    return uint8_t(w[i / 4] >> (8 * (i % 4)));
}

// Block order (addresses, nonces, keys, tags): byte 0 in the top bits of a
// bits-wide port.
template <typename W> void put_be(W &w, int bits, const uint8_t *p, int n)
{
    for (int i = 0; i < bits / 32; i++) w[i] = 0;
    for (int i = 0; i < n; i++) {
        int bit = bits - 8 * (i + 1);
        w[bit / 32] |= uint32_t(p[i]) << (bit % 32);
    }
}

template <typename W> void get_be(const W &w, int bits, uint8_t *p, int n)
{
    for (int i = 0; i < n; i++) {
        int bit = bits - 8 * (i + 1);
        p[i] = uint8_t(w[bit / 32] >> (bit % 32));
    }
}

// One clock cycle of a Verilator model with a `clk` input.
template <typename T> void tick(T *t)
{
    t->clk = 1;
    t->eval();
    t->clk = 0;
    t->eval();
}

// Holds `rst` for four cycles.
template <typename T> void reset(T *t)
{
    t->rst = 1;
    for (int i = 0; i < 4; i++) tick(t);
    t->rst = 0;
}

inline uint64_t keep_mask(int n) { return n >= 64 ? ~0ull : ((1ull << n) - 1); }

inline bool chance(std::mt19937_64 &rng, int percent)
{
    return percent > 0 && int(rng() % 100) < percent;
}

#endif
