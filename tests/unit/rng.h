/*
 * rng.h - the tests' pseudo-random numbers: reproducible from a seed, the
 * same on every machine, nothing to do with the keys nicsecd makes.  The
 * caller keeps the state (a static, set from --seed or a constant).
 */
#ifndef NICSEC_TEST_RNG_H
#define NICSEC_TEST_RNG_H

#include <stdint.h>

/* splitmix64 (Steele, Lea, Flood 2014): any state, 0 included. */
static inline uint64_t
rng_splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* xorshift64* (Vigna 2016): a state that is not 0. */
static inline uint64_t
rng_xorshift64s(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

#endif /* NICSEC_TEST_RNG_H */
