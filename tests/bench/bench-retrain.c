/* Retraining the routing model on 100,000 examples in a thread off the loop, and the latency of classifications served meanwhile (issue 13: p99 at most 5 ms). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hotlined.h"
#include "model.h"
#include "normalize.h"
#include "route.h"
#include "common.h"
#include "latency.h"
#include "routebench.h"
#include "ticketgen.h"

/*
 * What is measured. The demo city (conf/hotlined.conf, its catalogue) and
 * n generated tickets (ticketgen) as imported history, each labelled with
 * the catalogue's first suggestion (nobody: a department in turn), their
 * catalogue shares made on the "loop" as learn.c makes them when examples
 * arrive. Then, as learn.c does, a thread makes the features of every
 * example and trains and calibrates at the lowered priority learn.c's
 * thread has (model_thread_background; model_train: cross-validation, one
 * fold from 50,000 examples, and the final fit), while this thread (the loop) serves whole
 * classifications of other generated tickets back to back with the model
 * in use (trained before on the catalogue's keywords): normalise,
 * catalogue, segmentation, features, model, ranking, one every
 * RETRAIN_EVERY_US (a steady stream of requests, not a second thread
 * spinning). Reported: the latency of those classifications idle and
 * during the training, and the training's time. The loop never waits for
 * the thread: it looks at a flag between two classifications, as the
 * daemon's loop hears the pipe.
 *
 * The daemon's request adds its framing and Redis round trips to this;
 * bench-intake measures those.
 */
#define RETRAIN_DEFAULT 100000
#define RETRAIN_IDLE 2000		/* classifications measured idle */
#define RETRAIN_POOL 4096		/* tickets served, in turn */
#define RETRAIN_EVERY_US 2000		/* one classification per 2 ms */

/* The options of one run. */
struct options {
	const char *conf;
	size_t examples;
};

/* The training handed to the thread. */
struct job {
	const struct catalogue *cat;
	struct model_example *x;
	char **title, **content;	/* normal form, per example */
	size_t n, nlabels;
	double target;
	struct lrmodel *out;
	double seconds, features_s, cpu_s;
	volatile int done;
};

/* Prints how to call this program and exits 2. */
static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: bench-retrain [-c conf] [-n examples]\n");
	exit(2);
}

/* Reads the options; defaults: the demo city, BENCH_RETRAIN_EXAMPLES or 100,000 examples. */
static void
parse_options(struct options *o, int argc, char *argv[])
{
	int c;

	o->conf = "conf/hotlined.conf";
	o->examples = getenv("BENCH_RETRAIN_EXAMPLES") != NULL ?
	    (size_t)bench_atol("BENCH_RETRAIN_EXAMPLES",
	    getenv("BENCH_RETRAIN_EXAMPLES"), 100, 10000000) : RETRAIN_DEFAULT;
	while ((c = getopt(argc, argv, "c:n:")) != -1)
		switch (c) {
		case 'c':
			o->conf = optarg;
			break;
		case 'n':
			o->examples = (size_t)bench_atol("-n", optarg, 100,
			    10000000);
			break;
		default:
			usage();
		}
	if (optind != argc)
		usage();
}

/* CPU seconds the calling thread has used. */
static double
thread_cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * The thread: lowest priority, features, then model_train, as learn.c's
 * thread does. Wall time depends on what else the machine runs (the
 * thread yields to everything); its CPU time does not.
 */
static void *
train_thread(void *arg)
{
	struct job *j = arg;
	int64_t t0 = bench_now_us();
	size_t i;

	(void)model_thread_background();
	for (i = 0; i < j->n; i++)
		route_features(j->cat, j->title[i], j->content[i], &j->x[i].vec);
	j->features_s = thread_cpu_s();
	j->out = model_train(j->x, j->n, j->nlabels, j->target);
	j->cpu_s = thread_cpu_s();
	j->seconds = (double)(bench_now_us() - t0) / 1e6;
	__atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Makes the examples: generated tickets labelled by the catalogue, with their shares. */
static void
make_examples(struct job *j, const struct config *conf,
    const struct route_map *map, size_t n)
{
	struct bench_ticket *pool = ticketgen_pool(7, n);
	struct classify_input in = { 0 };
	struct classify_result res;
	size_t i, d;

	j->x = calloc(n + 1, sizeof *j->x);
	j->title = calloc(n + 1, sizeof *j->title);
	j->content = calloc(n + 1, sizeof *j->content);
	if (pool == NULL || j->x == NULL || j->title == NULL ||
	    j->content == NULL)
		bench_die("out of memory");
	for (i = 0; i < n; i++) {
		j->title[i] = normalize_text(pool[i].title);
		j->content[i] = normalize_text(pool[i].content);
		in.title = j->title[i];
		in.content = j->content[i];
		in.district = pool[i].district;
		if (classify_ticket(conf->catalogue, &conf->routing, &in,
		    &res) == -1)
			bench_die("classify_ticket failed");
		d = res.nsuggestions > 0 ? (size_t)(res.suggestions[0].department -
		    conf->departments) : i % conf->ndepartments;
		route_shares(&res, conf->departments, map, &j->x[i].shares);
		j->x[i].label = route_map_label(map, d);
		if (j->x[i].label < 0)
			j->x[i].label = 0;
		j->x[i].seed = MODEL_REAL;
	}
	free(pool);
}

/* One classification served with the model in use; its microseconds. */
static int64_t
serve(const struct config *conf, const struct route_map *map,
    const struct lrmodel *m, const struct bench_ticket *t, double *lprob,
    double *prob)
{
	return (int64_t)routebench_one(conf->catalogue, conf, map, m, t, lprob,
	    prob);
}

/* Adds one latency row (p50, p99, max in ms, and the count; the training's seconds if j). */
static void
report(const char *key, const char *label, struct latency *l,
    const struct job *j)
{
	struct bench_result r;

	bench_result_init(&r, "retrain", key, "ms", label);
	bench_result_add(&r, "p50", latency_ms(l, 50));
	bench_result_add(&r, "p99", latency_ms(l, 99));
	bench_result_add(&r, "max", latency_max_ms(l));
	bench_result_add(&r, "classifications", (double)latency_count(l));
	if (j != NULL) {
		bench_result_add(&r, "training_s", j->seconds);
		bench_result_add(&r, "training_cpu_s", j->cpu_s);
		bench_result_add(&r, "features_cpu_s", j->features_s);
	}
	bench_result_print(&r);
}

int
main(int argc, char *argv[])
{
	struct options o;
	struct config *conf;
	struct route_map *map;
	struct bench_ticket *serve_pool;
	struct lrmodel *m;
	struct latency idle, busy;
	struct job j = { 0 };
	double *lprob, *prob;
	pthread_t th;
	char err[1024], label[200];
	int64_t next;
	size_t i, k;

	bench_set_name(argv[0]);
	parse_options(&o, argc, argv);
	if (normalize_init(err, sizeof err) == -1)
		bench_die("%s", err);
	if ((conf = config_load(o.conf, err, sizeof err)) == NULL)
		bench_die("%s", err);
	map = route_map_new(conf->entries, conf->nentries, conf->departments,
	    conf->ndepartments);
	lprob = calloc(route_map_nlabels(map) + 1, sizeof *lprob);
	prob = calloc(conf->ndepartments + 1, sizeof *prob);
	serve_pool = ticketgen_pool(11, RETRAIN_POOL);
	if (lprob == NULL || prob == NULL || serve_pool == NULL)
		bench_die("out of memory");
	m = routebench_seeded(conf->catalogue, conf, conf->entries,
	    conf->nentries, map);	/* the model in use meanwhile */
	make_examples(&j, conf, map, o.examples);
	j.cat = conf->catalogue;
	j.n = o.examples;
	j.nlabels = route_map_nlabels(map);
	j.target = conf->routing.auto_dispatch_precision;

	latency_init(&idle);
	latency_init(&busy);
	for (i = 0; i < RETRAIN_IDLE / 4; i++)	/* warm caches */
		serve(conf, map, m, &serve_pool[i % RETRAIN_POOL], lprob, prob);
	next = bench_now_us();
	for (i = 0; i < RETRAIN_IDLE; i++) {
		latency_add(&idle, serve(conf, map, m,
		    &serve_pool[i % RETRAIN_POOL], lprob, prob));
		bench_sleep_until_us(next += RETRAIN_EVERY_US);
	}
	if (pthread_create(&th, NULL, train_thread, &j) != 0)
		bench_die("no training thread");
	next = bench_now_us();
	for (k = 0; !__atomic_load_n(&j.done, __ATOMIC_ACQUIRE); k++) {
		latency_add(&busy, serve(conf, map, m,
		    &serve_pool[k % RETRAIN_POOL], lprob, prob));
		bench_sleep_until_us(next += RETRAIN_EVERY_US);
	}
	pthread_join(th, NULL);

	report("idle", "whole classifications (normalise, catalogue, "
	    "segmentation, model), one per 2 ms, nothing training", &idle, NULL);
	snprintf(label, sizeof label, "the same, one per 2 ms, while a thread "
	    "retrains on %zu examples (features, cross-validation, calibration, fit)",
	    o.examples);
	report("during_retrain", label, &busy, &j);
	latency_free(&idle);
	latency_free(&busy);
	for (i = 0; i < j.n; i++) {
		model_vec_free(&j.x[i].vec);
		free(j.title[i]);
		free(j.content[i]);
	}
	free(j.x);
	free(j.title);
	free(j.content);
	model_free(j.out);
	model_free(m);
	route_map_free(map);
	free(serve_pool);
	free(lprob);
	free(prob);
	config_free(conf);
	return 0;
}
