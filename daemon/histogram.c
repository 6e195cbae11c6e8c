/* Fixed-bucket duration histograms and their Prometheus text form: pure, no clock and no I/O. */
#include <event2/buffer.h>

#include "histogram.h"

/* The buckets' upper bounds in microseconds, and as written in the le label. */
static const int64_t bound_us[HISTOGRAM_BOUNDS] = {
	500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000,
	1000000, 2500000, 5000000,
};
static const char *const bound_le[HISTOGRAM_BOUNDS] = {
	"0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
	"0.25", "0.5", "1", "2.5", "5",
};

/* Counts one duration of us microseconds (a negative one counts as 0). */
void
histogram_observe(struct histogram *h, int64_t us)
{
	int i = 0;

	if (us < 0)
		us = 0;
	while (i < HISTOGRAM_BOUNDS && us > bound_us[i])
		i++;
	h->counts[i]++;
	h->count++;
	h->sum_us += (uint64_t)us;
}

/* Writes a histogram family's HELP and TYPE lines; help must not hold a newline or a backslash. */
void
histogram_header(struct evbuffer *out, const char *name, const char *help)
{
	evbuffer_add_printf(out, "# HELP %s %s\n# TYPE %s histogram\n", name,
	    help, name);
}

/*
 * Writes h's samples: cumulative _bucket lines ending with le="+Inf" (equal
 * to _count), then _sum in seconds and _count. labels is NULL or a label
 * list without braces, already escaped (op="ping").
 */
void
histogram_render(struct evbuffer *out, const char *name, const char *labels,
    const struct histogram *h)
{
	const char *lb = labels != NULL ? labels : "", *sep = labels != NULL ?
	    "," : "";
	uint64_t cumulative = 0;
	int i;

	for (i = 0; i < HISTOGRAM_BOUNDS; i++) {
		cumulative += h->counts[i];
		evbuffer_add_printf(out, "%s_bucket{%s%sle=\"%s\"} %llu\n",
		    name, lb, sep, bound_le[i], (unsigned long long)cumulative);
	}
	cumulative += h->counts[HISTOGRAM_BOUNDS];
	evbuffer_add_printf(out, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name, lb,
	    sep, (unsigned long long)cumulative);
	evbuffer_add_printf(out, "%s_sum%s%s%s %llu.%06llu\n", name,
	    labels != NULL ? "{" : "", lb, labels != NULL ? "}" : "",
	    (unsigned long long)(h->sum_us / 1000000),
	    (unsigned long long)(h->sum_us % 1000000));
	evbuffer_add_printf(out, "%s_count%s%s%s %llu\n", name,
	    labels != NULL ? "{" : "", lb, labels != NULL ? "}" : "",
	    (unsigned long long)h->count);
}
