/* Latency recording: every sample kept, sorted once, exact percentiles. */
#include <stdlib.h>

#include "common.h"
#include "latency.h"

/* Starts an empty recorder. */
void
latency_init(struct latency *l)
{
	l->us = NULL;
	l->n = l->cap = 0;
	l->sorted = 1;
}

/* Frees the samples. */
void
latency_free(struct latency *l)
{
	free(l->us);
	latency_init(l);
}

/* Forgets the samples, keeping the memory. */
void
latency_reset(struct latency *l)
{
	l->n = 0;
	l->sorted = 1;
}

/* Records one sample in microseconds. */
void
latency_add(struct latency *l, int64_t us)
{
	if (l->n == l->cap) {
		l->cap = l->cap > 0 ? l->cap * 2 : 65536;
		if ((l->us = realloc(l->us, l->cap * sizeof *l->us)) == NULL)
			bench_die("out of memory recording latencies");
	}
	if (us < 0)
		us = 0;
	if (us > UINT32_MAX)
		us = UINT32_MAX;
	l->us[l->n++] = (uint32_t)us;
	l->sorted = 0;
}

/* Returns the number of samples. */
size_t
latency_count(const struct latency *l)
{
	return l->n;
}

/* Orders two samples. */
static int
latency_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Sorts the samples once. */
static void
latency_sort(struct latency *l)
{
	if (!l->sorted && l->n > 1)	/* qsort(NULL, 0, ...) is undefined */
		qsort(l->us, l->n, sizeof *l->us, latency_cmp);
	l->sorted = 1;
}

/* Returns the p-th percentile in milliseconds (nearest rank). */
double
latency_ms(struct latency *l, double p)
{
	size_t rank;

	if (l->n == 0)
		return 0;
	latency_sort(l);
	rank = (size_t)(p / 100.0 * (double)l->n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > l->n)
		rank = l->n;
	return l->us[rank - 1] / 1000.0;
}

/* Returns the largest sample in milliseconds. */
double
latency_max_ms(struct latency *l)
{
	return latency_ms(l, 100);
}
