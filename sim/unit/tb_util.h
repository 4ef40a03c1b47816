// Helpers shared by the RTL unit test benches: moving bytes in and out of
// Verilator's port words (byte 0 of a beat in bits [7:0]), and a seeded chance.
#ifndef NICSEC_TB_UTIL_H
#define NICSEC_TB_UTIL_H

#include <cstdint>
#include <random>
#include <vector>

using Bytes = std::vector<uint8_t>;

template <typename W> void put_bytes(W &w, int words, const uint8_t *p, int n)
{
    for (int i = 0; i < words; i++) w[i] = 0;
    for (int i = 0; i < n; i++) w[i / 4] |= uint32_t(p[i]) << (8 * (i % 4));
}

template <typename W> uint8_t byte_at(const W &w, int i)
{
    return uint8_t(w[i / 4] >> (8 * (i % 4)));
}

inline uint64_t keep_mask(int n) { return n >= 64 ? ~0ull : ((1ull << n) - 1); }

inline bool chance(std::mt19937_64 &rng, int percent)
{
    return percent > 0 && int(rng() % 100) < percent;
}

#endif
