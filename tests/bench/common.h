/* Shared helpers of the benchmark programs: clocks, failures and result lines for run.sh. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>

/*
 * Result lines go to stdout, one per figure, tab-separated:
 *   R <part> <key> <unit> <label> <name>=<value>...
 * run.sh collects them into its table and JSON file; everything else a
 * program prints (progress, warnings) goes to stderr.
 */
#define BENCH_MAX_VALUES 12

struct bench_result {
	const char *part;
	const char *key;
	const char *unit;
	const char *label;
	int n;
	const char *names[BENCH_MAX_VALUES];
	double values[BENCH_MAX_VALUES];
};

/* Microseconds on the monotonic clock. */
int64_t bench_now_us(void);
/* Milliseconds since the epoch (wall clock), as the daemon stamps tickets. */
int64_t bench_wall_ms(void);
/* CPU seconds used by this process (user + system). */
double bench_cpu_seconds(void);
/* Sleeps until the monotonic clock reads at least t (microseconds). */
void bench_sleep_until_us(int64_t t);
/* Prints a message with the program's name to stderr and exits 1. */
void bench_die(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Prints a progress line to stderr. */
void bench_note(const char *, ...) __attribute__((format(printf, 1, 2)));
/* Remembers the program's name for messages. */
void bench_set_name(const char *argv0);

/* Starts a result line; add values, then print it. */
void bench_result_init(struct bench_result *, const char *part,
    const char *key, const char *unit, const char *label);
void bench_result_add(struct bench_result *, const char *name, double value);
void bench_result_print(const struct bench_result *);

/* Parses a positive number option or dies naming it. */
long bench_atol(const char *option, const char *value, long min, long max);
double bench_atof(const char *option, const char *value, double min,
    double max);

/* A token that is only the principal's demo credential: "<id>-demo". */
const char *bench_demo_token(const char *principal, char *buf, size_t len);

#endif
