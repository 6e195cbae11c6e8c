/* Intake through hotlined: agents creating tickets over many connections, closed loop (throughput) or open loop (latency). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "load.h"
#include "ticketgen.h"

#define POOL_SIZE 4096

/* The command line. */
struct options {
	const char *address;
	int throughput;		/* closed loop; else open loop at rate */
	size_t conns;
	int window;
	double rate, warmup, seconds;
	const char *key, *label;
};

/* Prints how to call this program and exits 2. */
static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: bench-intake -a address (-T | -r rate) "
	    "[-c conns] [-w window] [-W warmup] [-s seconds] [-k key] "
	    "[-l label]\n");
	exit(2);
}

/* Reads the command line. */
static void
parse_options(struct options *o, int argc, char *argv[])
{
	int ch;

	memset(o, 0, sizeof *o);
	o->conns = 8;
	o->window = 32;
	o->warmup = 2;
	o->seconds = 5;
	o->key = "intake";
	o->label = "hotline";
	while ((ch = getopt(argc, argv, "a:c:k:l:r:s:TW:w:")) != -1) {
		switch (ch) {
		case 'a':
			o->address = optarg;
			break;
		case 'c':
			o->conns = (size_t)bench_atol("-c", optarg, 1, 4096);
			break;
		case 'k':
			o->key = optarg;
			break;
		case 'l':
			o->label = optarg;
			break;
		case 'r':
			o->rate = bench_atof("-r", optarg, 1, 1e7);
			break;
		case 's':
			o->seconds = bench_atof("-s", optarg, 0.1, 3600);
			break;
		case 'T':
			o->throughput = 1;
			break;
		case 'W':
			o->warmup = bench_atof("-W", optarg, 0, 3600);
			break;
		case 'w':
			o->window = (int)bench_atol("-w", optarg, 1,
			    LOAD_MAX_INFLIGHT);
			break;
		default:
			usage();
		}
	}
	if (o->address == NULL || optind != argc ||
	    (o->throughput == 0 && o->rate == 0))
		usage();
}

/* Adds the figures every intake line carries. */
static void
add_common(struct bench_result *r, struct load *l)
{
	bench_result_add(r, "p50_ms", latency_ms(&l->st.lat, 50));
	bench_result_add(r, "p99_ms", latency_ms(&l->st.lat, 99));
	bench_result_add(r, "p999_ms", latency_ms(&l->st.lat, 99.9));
	bench_result_add(r, "max_ms", latency_max_ms(&l->st.lat));
	bench_result_add(r, "dispatched_pct", l->st.answered > 0 ?
	    100.0 * l->st.dispatched / l->st.answered : 0);
	bench_result_add(r, "repeat_pct", l->st.answered > 0 ?
	    100.0 * l->st.repeats / l->st.answered : 0);
	bench_result_add(r, "errors", (double)l->st.errors);
	bench_result_add(r, "client_cpu_pct", 100 * l->st.cpu_s /
	    l->st.seconds);
}

/* Prints the result line of a run. */
static void
report(const struct options *o, struct load *l)
{
	struct bench_result r;

	if (o->throughput) {
		bench_result_init(&r, "intake", o->key, "tickets/s", o->label);
		bench_result_add(&r, "value", l->st.rate);
		bench_result_add(&r, "conns", (double)o->conns);
		bench_result_add(&r, "window", o->window);
	} else {
		bench_result_init(&r, "intake", o->key, "ms", o->label);
		bench_result_add(&r, "offered", o->rate);
		bench_result_add(&r, "achieved", l->st.rate);
		bench_result_add(&r, "late", (double)l->st.late);
		bench_result_add(&r, "send_lag_ms", l->st.max_send_lag_us / 1000.0);
	}
	add_common(&r, l);
	bench_result_print(&r);
	if (l->st.errors > 0)
		bench_note("%llu errors, the first: %s",
		    (unsigned long long)l->st.errors, l->st.first_error);
}

/* Parses the options, runs the measurement and prints its result lines. */
int
main(int argc, char *argv[])
{
	struct options o;
	struct load_plan plan;
	struct bench_ticket *pool;
	struct load l;

	bench_set_name(argv[0]);
	parse_options(&o, argc, argv);
	pool = ticketgen_pool(1, POOL_SIZE);
	load_open(&l, o.address, o.conns, "agent01", pool, POOL_SIZE);
	memset(&plan, 0, sizeof plan);
	plan.rate = o.throughput ? 0 : o.rate;
	plan.window = o.window;
	plan.warmup_s = o.warmup;
	plan.seconds = o.seconds;
	plan.drain_ms = 10000;
	load_run(&l, &plan);
	report(&o, &l);
	load_close(&l);
	free(pool);
	return 0;
}
