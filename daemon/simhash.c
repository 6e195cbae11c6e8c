/* 64-bit SimHash over character shingles, and Hamming distances between fingerprints. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "simhash.h"

/*
 * Votes of the features seen so far. A feature of weight w adds w to
 * ones[b] for every bit b set in its hash; total is the sum of all weights,
 * so bit b's vote is 2 * ones[b] - total. To keep this cheap the counts are
 * gathered eight at a time in the byte lanes of lanes[k] (lane j counts bit
 * 8k + j), and moved into ones before a lane can overflow.
 */
struct simhash_acc {
	uint64_t lanes[8];
	unsigned pending;	/* weight added to lanes since the last flush */
	int64_t ones[64];
	int64_t total;
	size_t features;
};

/* spread[x] has byte lane j set to bit j of x. */
static uint64_t simhash_spread[256];
static int simhash_spread_ready;

/* Returns the length of the code point at s (1 for a malformed byte). */
static size_t
simhash_char_length(const unsigned char *s)
{
	size_t n, i;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 1;
	n = s[0] <= 0xdf ? 2 : s[0] <= 0xef ? 3 : 4;
	for (i = 1; i < n; i++)		/* stops at the NUL, never past it */
		if ((s[i] & 0xc0) != 0x80)
			return 1;
	return n;
}

/* Hashes len bytes: FNV-1a followed by the splitmix64 finaliser. */
static uint64_t
simhash_feature_hash(const unsigned char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}

/* Fills the table of spread bytes (once). */
static void
simhash_init_spread(void)
{
	unsigned x, j;

	for (x = 0; x < 256; x++)
		for (j = 0; j < 8; j++)
			if (x & (1u << j))
				simhash_spread[x] |= (uint64_t)1 << (8 * j);
	simhash_spread_ready = 1;
}

/* Moves the lane counts into ones. */
static void
simhash_flush(struct simhash_acc *acc)
{
	int k, j;

	for (k = 0; k < 8; k++) {
		for (j = 0; j < 8; j++)
			acc->ones[8 * k + j] +=
			    (int64_t)((acc->lanes[k] >> (8 * j)) & 0xff);
		acc->lanes[k] = 0;
	}
	acc->pending = 0;
}

/* Adds one feature's vote, of weight w (at most 255), to every bit. */
static void
simhash_vote(struct simhash_acc *acc, const unsigned char *s, size_t len,
    unsigned w)
{
	uint64_t h = simhash_feature_hash(s, len);
	int k;

	if (acc->pending + w > 255)
		simhash_flush(acc);
	for (k = 0; k < 8; k++)
		acc->lanes[k] += simhash_spread[(h >> (8 * k)) & 0xff] * w;
	acc->pending += w;
	acc->total += w;
	acc->features++;
}

/*
 * Votes the features of one piece of text without spaces (len bytes at s):
 * each code point, and each two adjacent code points.
 */
static void
simhash_piece(struct simhash_acc *acc, const unsigned char *s, size_t len)
{
	size_t pos = 0, n, prev = 0;
	int first = 1;

	while (pos < len) {
		n = simhash_char_length(s + pos);
		simhash_vote(acc, s + pos, n, SIMHASH_CHAR_WEIGHT);
		if (!first)
			simhash_vote(acc, s + prev, pos + n - prev,
			    SIMHASH_PAIR_WEIGHT);
		first = 0;
		prev = pos;
		pos += n;
	}
}

/* Returns the SimHash of normalised text; 0 without features. */
uint64_t
simhash_text(const char *text)
{
	const unsigned char *s = (const unsigned char *)text, *start;
	struct simhash_acc acc;
	uint64_t h = 0;
	int b;

	if (!simhash_spread_ready)
		simhash_init_spread();
	memset(&acc, 0, sizeof acc);
	while (*s != '\0') {
		while (*s == ' ')
			s++;
		for (start = s; *s != '\0' && *s != ' ';)
			s += simhash_char_length(s);
		simhash_piece(&acc, start, (size_t)(s - start));
	}
	if (acc.features == 0)
		return 0;
	simhash_flush(&acc);
	for (b = 0; b < 64; b++)
		if (2 * acc.ones[b] > acc.total)
			h |= (uint64_t)1 << b;
	return h;
}

/* Returns the number of bits in which a and b differ. */
int
simhash_distance(uint64_t a, uint64_t b)
{
	return __builtin_popcountll(a ^ b);
}

/* Returns 1 if a and b are at most max_bits apart. */
int
simhash_near(uint64_t a, uint64_t b, int max_bits)
{
	return simhash_distance(a, b) <= max_bits;
}
