/* Fixed-bucket duration histograms for /metrics (histogram.c): pure, no clock and no I/O. */
#ifndef HISTOGRAM_H
#define HISTOGRAM_H

#include <stdint.h>

/* Upper bounds 0.5 ms, 1, 2.5, 5, 10, 25, 50, 100, 250, 500 ms, 1, 2.5, 5 s, then +Inf. */
#define HISTOGRAM_BOUNDS 13

/*
 * One histogram of durations in microseconds. counts[i] holds the
 * observations in bucket i only (not cumulative); counts[HISTOGRAM_BOUNDS]
 * is the +Inf bucket. A zeroed struct is an empty histogram.
 */
struct histogram {
	uint64_t counts[HISTOGRAM_BOUNDS + 1];
	uint64_t count;
	uint64_t sum_us;
};

struct evbuffer;

void histogram_observe(struct histogram *, int64_t us);
void histogram_header(struct evbuffer *, const char *name, const char *help);
void histogram_render(struct evbuffer *, const char *name,
    const char *labels, const struct histogram *);

#endif
