/* Latency recording: every sample kept, sorted once, exact percentiles. */
#ifndef BENCH_LATENCY_H
#define BENCH_LATENCY_H

#include <stddef.h>
#include <stdint.h>

/*
 * Samples are microseconds. A run records at most a few hundred thousand,
 * so keeping them all (4 bytes each) and sorting at the end is cheaper than
 * it sounds and gives exact percentiles and the true maximum.
 */
struct latency {
	uint32_t *us;
	size_t n, cap;
	int sorted;
};

void latency_init(struct latency *);
void latency_free(struct latency *);
void latency_reset(struct latency *);
/* Records one sample; negative values count as 0, huge ones are clamped. */
void latency_add(struct latency *, int64_t us);
size_t latency_count(const struct latency *);
/* The p-th percentile (0 < p <= 100) in milliseconds; 0 when empty. */
double latency_ms(struct latency *, double p);
/* The largest sample in milliseconds. */
double latency_max_ms(struct latency *);

#endif
