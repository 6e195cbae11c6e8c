/* Shared helpers of the benchmark programs: clocks, failures and result lines for run.sh. */
#include <sys/resource.h>

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"

static const char *bench_name = "bench";

/* Microseconds on the monotonic clock. */
int64_t
bench_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Milliseconds since the epoch (wall clock). */
int64_t
bench_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* CPU seconds used by this process, user and system. */
double
bench_cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* Sleeps until the monotonic clock reads at least t, resuming after signals. */
void
bench_sleep_until_us(int64_t t)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(t / 1000000);
	ts.tv_nsec = (long)(t % 1000000) * 1000;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	    EINTR)
		;
}

/* Remembers the program's name for messages. */
void
bench_set_name(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');

	bench_name = slash != NULL ? slash + 1 : argv0;
}

/* Prints a message to stderr and exits 1. */
void
bench_die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", bench_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* Prints a progress line to stderr. */
void
bench_note(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "  %s: ", bench_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Starts a result line. */
void
bench_result_init(struct bench_result *r, const char *part, const char *key,
    const char *unit, const char *label)
{
	memset(r, 0, sizeof *r);
	r->part = part;
	r->key = key;
	r->unit = unit;
	r->label = label;
}

/* Adds one named value to a result line. */
void
bench_result_add(struct bench_result *r, const char *name, double value)
{
	if (r->n >= BENCH_MAX_VALUES)
		bench_die("result %s: too many values", r->key);
	r->names[r->n] = name;
	r->values[r->n] = value;
	r->n++;
}

/* Prints a result line for run.sh (tabs separate the fields; no number is "null"). */
void
bench_result_print(const struct bench_result *r)
{
	int i;

	printf("R\t%s\t%s\t%s\t%s", r->part, r->key, r->unit, r->label);
	for (i = 0; i < r->n; i++) {
		double v = r->values[i];

		if (!isfinite(v))
			printf("\t%s=null", r->names[i]);
		else if (v == floor(v) && fabs(v) < 1e15)
			printf("\t%s=%.0f", r->names[i], v);
		else
			printf("\t%s=%.6g", r->names[i], v);
	}
	putchar('\n');
	fflush(stdout);
}

/* Parses an integer option in [min, max] or dies naming it. */
long
bench_atol(const char *option, const char *value, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(value, &end, 10);
	if (errno != 0 || end == value || *end != '\0' || v < min || v > max)
		bench_die("%s: expected an integer from %ld to %ld, got \"%s\"",
		    option, min, max, value);
	return v;
}

/* Parses a number option in [min, max] or dies naming it. */
double
bench_atof(const char *option, const char *value, double min, double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(value, &end);
	if (errno != 0 || end == value || *end != '\0' || !(v >= min) ||
	    !(v <= max))
		bench_die("%s: expected a number from %g to %g, got \"%s\"",
		    option, min, max, value);
	return v;
}

/* Returns the demo credential of principal ("<id>-demo", see conf/hotlined.conf). */
const char *
bench_demo_token(const char *principal, char *buf, size_t len)
{
	snprintf(buf, len, "%s-demo", principal);
	return buf;
}
