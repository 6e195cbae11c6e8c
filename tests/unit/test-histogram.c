/* Unit tests of histogram.c: bucket boundaries and the Prometheus text it writes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <event2/buffer.h>

#include "histogram.h"

/* Renders h as name with labels; returns the text (free it). */
static char *
render(const char *labels, const struct histogram *h)
{
	struct evbuffer *out = evbuffer_new();
	size_t n;
	char *text;

	assert_non_null(out);
	histogram_render(out, "t_seconds", labels, h);
	n = evbuffer_get_length(out);
	text = calloc(1, n + 1);
	assert_non_null(text);
	evbuffer_remove(out, text, n);
	evbuffer_free(out);
	return text;
}

/* A value equal to a bound falls in that bound's bucket; one above goes to the next. */
static void
test_bounds_inclusive(void **state)
{
	struct histogram h = { 0 };

	(void)state;
	histogram_observe(&h, 500);
	histogram_observe(&h, 501);
	histogram_observe(&h, 0);
	histogram_observe(&h, -7);
	histogram_observe(&h, 5000000);
	histogram_observe(&h, 5000001);
	assert_int_equal(h.counts[0], 3);	/* 0, -7 (as 0), 500 */
	assert_int_equal(h.counts[1], 1);	/* 501 */
	assert_int_equal(h.counts[HISTOGRAM_BOUNDS - 1], 1);	/* 5 s */
	assert_int_equal(h.counts[HISTOGRAM_BOUNDS], 1);	/* +Inf */
	assert_int_equal(h.count, 6);
	assert_int_equal(h.sum_us, 500 + 501 + 5000000 + 5000001);
}

/* Buckets are written cumulative, +Inf equals _count, _sum is in seconds. */
static void
test_render_cumulative(void **state)
{
	struct histogram h = { 0 };
	char *t;

	(void)state;
	histogram_observe(&h, 300);		/* 0.0005 */
	histogram_observe(&h, 2000);		/* 0.0025 */
	histogram_observe(&h, 2000);
	histogram_observe(&h, 7000000);		/* +Inf */
	t = render("op=\"ping\"", &h);
	assert_non_null(strstr(t, "t_seconds_bucket{op=\"ping\",le=\"0.0005\"} 1\n"));
	assert_non_null(strstr(t, "t_seconds_bucket{op=\"ping\",le=\"0.001\"} 1\n"));
	assert_non_null(strstr(t, "t_seconds_bucket{op=\"ping\",le=\"0.0025\"} 3\n"));
	assert_non_null(strstr(t, "t_seconds_bucket{op=\"ping\",le=\"5\"} 3\n"));
	assert_non_null(strstr(t, "t_seconds_bucket{op=\"ping\",le=\"+Inf\"} 4\n"));
	assert_non_null(strstr(t, "t_seconds_sum{op=\"ping\"} 7.004300\n"));
	assert_non_null(strstr(t, "t_seconds_count{op=\"ping\"} 4\n"));
	free(t);
}

/* Without labels: le alone in the braces, none on _sum and _count; empty is all zeros. */
static void
test_render_unlabelled(void **state)
{
	struct histogram h = { 0 };
	char *t = render(NULL, &h);
	const char *p;
	int lines = 0;

	(void)state;
	assert_non_null(strstr(t, "t_seconds_bucket{le=\"0.0005\"} 0\n"));
	assert_non_null(strstr(t, "t_seconds_bucket{le=\"+Inf\"} 0\n"));
	assert_non_null(strstr(t, "\nt_seconds_sum 0.000000\n"));
	assert_non_null(strstr(t, "\nt_seconds_count 0\n"));
	for (p = t; *p != '\0'; p++)
		lines += *p == '\n';
	assert_int_equal(lines, HISTOGRAM_BOUNDS + 1 + 2);
	free(t);
}

/* The header names the family and says it is a histogram. */
static void
test_header(void **state)
{
	struct evbuffer *out = evbuffer_new();
	char text[200] = "";

	(void)state;
	histogram_header(out, "t_seconds", "How long.");
	evbuffer_remove(out, text, sizeof text - 1);
	evbuffer_free(out);
	assert_string_equal(text,
	    "# HELP t_seconds How long.\n# TYPE t_seconds histogram\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bounds_inclusive),
		cmocka_unit_test(test_render_cumulative),
		cmocka_unit_test(test_render_unlabelled),
		cmocka_unit_test(test_header),
	};

	return cmocka_run_group_tests_name("histogram", tests, NULL, NULL);
}
