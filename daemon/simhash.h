/* 64-bit SimHash of character shingles, for finding repeat tickets (重复件). */
#ifndef SIMHASH_H
#define SIMHASH_H

#include <stdint.h>

/*
 * The features of a text (normalised first, normalize_text) are its
 * character shingles of length 1 and 2: every code point, weighted
 * SIMHASH_CHAR_WEIGHT, and every two adjacent code points with no space
 * between them, weighted SIMHASH_PAIR_WEIGHT, each counted as often as it
 * occurs. Single characters carry most of the vote because a Chinese
 * retelling keeps the characters (the place, the object, the fault) far more
 * often than their order; the pairs add some order. Bit b of the hash is 1
 * when the features whose 64-bit hash has bit b set outweigh the others.
 *
 * Reading the distance (measured on the samples in tests/unit/test-simhash.c):
 * the same ticket registered again with a clause added or changed is within
 * SIMHASH_NEAR bits (8..12); the same matter retold in other words by another
 * caller lands at 13..24 (18 on average); unrelated tickets are 30 apart on
 * average and 22 at the closest. So SimHash finds re-registrations reliably
 * and retellings only as candidates: the daemon should combine it with the
 * same district or address and a time window, never use it alone.
 */
#define SIMHASH_CHAR_WEIGHT 3
#define SIMHASH_PAIR_WEIGHT 1
#define SIMHASH_NEAR 12

/* Returns the SimHash of normalised text; 0 for a text without features. */
uint64_t simhash_text(const char *text);
/* Returns the Hamming distance of two fingerprints, 0..64. */
int simhash_distance(uint64_t a, uint64_t b);
/* Returns 1 if a and b are at most max_bits apart. */
int simhash_near(uint64_t a, uint64_t b, int max_bits);

#endif
