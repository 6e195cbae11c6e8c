/* Retraining through hotlined: 100,000 stored examples, a retrain as the daemon does it, and one client's classify and create latency idle and meanwhile (issue 13: p99 at most 5 ms). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "hotlined.h"
#include "blend.h"
#include "normalize.h"
#include "common.h"
#include "latency.h"
#include "load.h"
#include "redis-link.h"
#include "ticketgen.h"

#define BODY(x) HOTLINE__ENVELOPE__BODY_##x

/*
 * What is measured (run.sh's part retrain; servers in BENCH_* variables,
 * hotlined with the demo city, conf/hotlined.conf, routing.model true):
 *
 * 1. n generated tickets (ticketgen) are stored as imported history, the
 *    way nb_import.lua stores an import: XADD to the examples stream with
 *    label, text (blend_text's normal form), district, who, ticket and
 *    kind "import", labelled with the catalogue's first suggestion (none:
 *    a department in turn). Written straight into Redis, without the
 *    wake-up an import publishes, so that the daemon does not train on
 *    them piece by piece while they are loaded (an import of 100,000
 *    through hotlinectl, 500 a request, starts a training after the first
 *    request and another when it is done: the measure would see several).
 * 2. Idle: one agent connection sends, at a steady rate, a classify and a
 *    create in turn (open loop: each is due at start + i / rate, its
 *    latency counts from when it was due, so a stalled daemon cannot hide
 *    behind a stalled sender).
 * 3. A dispatcher's retrain (hotlinectl retrain: nb_retrain.lua bumps the
 *    generation and wakes every daemon), and the same stream of requests
 *    until hotlined's evaluate says a model trained on all n examples is
 *    in use. The daemon meanwhile reads every example again (32 a read;
 *    its loop only keeps each text) and then its thread, at the lowest
 *    priority, computes each one's catalogue shares and trains. The read's
 *    end is found in hotlined's log ("examples read", with the read's time
 *    on the loop), so both stages are reported apart.
 */
#define HR_DEFAULT_EXAMPLES 100000
#define HR_RATE 100			/* requests per second, classify and create in turn */
#define HR_IDLE_S 20			/* seconds measured idle */
#define HR_MAX_S 3600			/* at most this long for the training */
#define HR_PIPELINE 1000		/* XADDs in flight while storing */
#define HR_POOL 2048			/* tickets sent, in turn */
#define HR_POLL_US 500000		/* evaluate every half second */

/* Latencies of one stage, per kind of request. */
struct stage {
	struct latency classify, create;
	uint64_t errors;
	char first_error[600];
};

/* What the poller and the request loop share. */
struct watch {
	const char *address, *log;
	size_t examples;
	int64_t trained_before;		/* evaluate's trained_at_ms at the start */
	long reads_before;		/* "examples read" lines at the start */
	volatile int read_done, done;
	int64_t read_at_us, done_at_us;
	int64_t train_limit_us;		/* -t: the training measured this long at most (0: to its end) */
	int cut;			/* the training stage was cut at train_limit_us */
	double training_s;
	uint64_t trained_examples;
};

/* Prints how to call this program and exits 2. */
static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: bench-retrain-hotlined [-n examples] "
	    "[-r requests/s] [-i idle_seconds] [-t training_seconds]\n"
	    "  -t: stop measuring that long after the read (the model is "
	    "not waited for; also BENCH_RETRAIN_TRAIN_SECONDS)\n"
	    "  servers from BENCH_HOTLINE, BENCH_REDIS, BENCH_CONF, "
	    "BENCH_WORK (run.sh)\n");
	exit(2);
}

/* Returns environment variable name or dies naming it. */
static const char *
need_env(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL || v[0] == '\0')
		bench_die("%s is not set (run it through tests/bench/run.sh)",
		    name);
	return v;
}

/* Counts the lines of file path containing text (0 if it cannot be read). */
static long
log_lines(const char *path, const char *text)
{
	FILE *fp = fopen(path, "r");
	char line[8192];
	long n = 0;

	if (fp == NULL)
		return 0;
	while (fgets(line, sizeof line, fp) != NULL)
		n += strstr(line, text) != NULL;
	fclose(fp);
	return n;
}

/* Stores n examples as an import stores them; returns how many the stream holds. */
static long long
store_examples(const char *redis, const struct config *conf, size_t n)
{
	redisContext *rc = bench_redis_open(redis);
	struct classify_result res;
	struct bench_ticket t;
	struct ticketgen g;
	redisReply *r;
	size_t i, sent = 0, got = 0;
	const char *label;
	long long len;
	char *text;

	ticketgen_init(&g, 7);
	for (i = 0; i < n; i++) {
		ticketgen_next(&g, &t);
		classify_text(conf->catalogue, &conf->routing, t.title,
		    t.content, t.district, &res);
		label = res.nsuggestions > 0 ?
		    res.suggestions[0].department->id :
		    conf->departments[i % conf->ndepartments].id;
		text = blend_text(t.title, t.content);
		redisAppendCommand(rc, "XADD %s * label %s text %s district %s "
		    "who %s ticket %s kind %s", KEY_NB_EXAMPLES, label, text,
		    t.district, "bench", "", "import");
		free(text);
		sent++;
		while (sent - got >= HR_PIPELINE || (i + 1 == n && got < sent)) {
			if (redisGetReply(rc, (void **)&r) != REDIS_OK)
				bench_die("redis: %s", rc->errstr);
			bench_redis_check(rc, r, "XADD");
			freeReplyObject(r);
			got++;
		}
	}
	r = bench_redis_command(rc, "XLEN %s", KEY_NB_EXAMPLES);
	len = r->integer;
	freeReplyObject(r);
	redisFree(rc);
	return len;
}

/* Asks for the evaluation; dies on an error. */
static Hotline__Envelope *
evaluate(struct hl_client *c)
{
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT, *reply;
	Hotline__EvaluateRequest q = HOTLINE__EVALUATE_REQUEST__INIT;
	struct hl_error err;

	env.body_case = BODY(EVALUATE);
	env.evaluate = &q;
	if (hl_call(c, &env, &reply, &err) == -1)
		bench_die("evaluate: %s", err.message);
	return reply;
}

/* The poller: watches the log for the read's end and evaluate for the new model. */
static void *
poll_run(void *arg)
{
	struct watch *w = arg;
	struct hl_client *c = load_login(w->address, "dispatcher01", NULL, 0);
	Hotline__EvaluateReply *ev;
	Hotline__Envelope *rep;

	while (!w->done) {
		usleep(HR_POLL_US);
		if (!w->read_done && log_lines(w->log, "examples read") >
		    w->reads_before) {
			w->read_at_us = bench_now_us();
			__atomic_store_n(&w->read_done, 1, __ATOMIC_RELEASE);
		}
		if (w->read_done && w->train_limit_us > 0 &&
		    bench_now_us() - w->read_at_us >= w->train_limit_us) {
			w->cut = 1;
			w->done_at_us = bench_now_us();
			__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
			break;
		}
		rep = evaluate(c);
		ev = rep->evaluation;
		if (ev->trained_at_ms != w->trained_before &&
		    ev->trained_examples >= w->examples) {
			w->training_s = ev->training_seconds;
			w->trained_examples = ev->trained_examples;
			w->done_at_us = bench_now_us();
			if (!w->read_done)
				w->read_at_us = w->done_at_us;
			__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
		}
		hl_envelope_free(rep);
	}
	hl_close(c);
	return NULL;
}

/* Sends request k (classify when even, create when odd) and waits for its answer; 0 or -1 on an error. */
static int
one_request(struct hl_client *c, const struct bench_ticket *t, uint64_t k,
    char *why, size_t whylen)
{
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT, *reply;
	Hotline__ClassifyRequest cq = HOTLINE__CLASSIFY_REQUEST__INIT;
	Hotline__CreateRequest q;
	struct hl_error err;
	char call_id[64], phone[24];
	int rc = 0;

	if (k % 2 == 0) {
		cq.title = (char *)t->title;
		cq.content = (char *)t->content;
		cq.district = (char *)t->district;
		cq.street = (char *)t->street;
		env.body_case = BODY(CLASSIFY);
		env.classify = &cq;
	} else {
		snprintf(call_id, sizeof call_id, "bench-retrain-%ld-%llu",
		    (long)getpid(), (unsigned long long)k);
		ticketgen_phone(k, phone, sizeof phone);
		ticketgen_request(t, &q, call_id, phone);
		env.body_case = BODY(CREATE);
		env.create = &q;
	}
	if (hl_call(c, &env, &reply, &err) == -1) {
		snprintf(why, whylen, "%s", err.message);
		return -1;
	}
	if (reply->body_case == BODY(ERROR)) {
		snprintf(why, whylen, "%s", reply->error->message);
		rc = -1;
	}
	hl_envelope_free(reply);
	return rc;
}

/*
 * Sends requests at rate, classify and create in turn, into stage s:
 * for seconds (> 0), or until *stop is set (bounded by HR_MAX_S), moving
 * to stage *next once *switch_to is set (may be NULL).
 */
static void
stream(struct hl_client *c, const struct bench_ticket *pool, double rate,
    double seconds, struct stage *s, struct stage *next,
    volatile int *switch_to, volatile int *stop, uint64_t *k)
{
	int64_t t0 = bench_now_us(), due, end;
	struct stage *cur = s;
	uint64_t i;

	end = t0 + (int64_t)((seconds > 0 ? seconds : HR_MAX_S) * 1e6);
	for (i = 0;; i++, (*k)++) {
		due = t0 + (int64_t)((double)i * 1e6 / rate);
		if (due >= end || (stop != NULL &&
		    __atomic_load_n(stop, __ATOMIC_ACQUIRE)))
			break;
		if (switch_to != NULL && cur != next &&
		    __atomic_load_n(switch_to, __ATOMIC_ACQUIRE))
			cur = next;
		bench_sleep_until_us(due);
		if (one_request(c, &pool[*k % HR_POOL], *k,
		    cur->first_error, cur->errors == 0 ?
		    sizeof cur->first_error : 0) == -1) {
			cur->errors++;
			continue;
		}
		latency_add(*k % 2 == 0 ? &cur->classify : &cur->create,
		    bench_now_us() - due);
	}
	if (stop != NULL && !__atomic_load_n(stop, __ATOMIC_ACQUIRE))
		bench_die("no model of the examples within %d s", HR_MAX_S);
}

/* Adds one result line for stage s (its classify and create latencies). */
static void
report(const char *key, const char *label, struct stage *s, double seconds,
    double rate, const struct watch *w)
{
	struct bench_result r;

	bench_result_init(&r, "retrain_hotlined", key, "ms", label);
	bench_result_add(&r, "classify_p50", latency_ms(&s->classify, 50));
	bench_result_add(&r, "classify_p99", latency_ms(&s->classify, 99));
	bench_result_add(&r, "classify_max", latency_max_ms(&s->classify));
	bench_result_add(&r, "create_p50", latency_ms(&s->create, 50));
	bench_result_add(&r, "create_p99", latency_ms(&s->create, 99));
	bench_result_add(&r, "create_max", latency_max_ms(&s->create));
	bench_result_add(&r, "requests", (double)(latency_count(&s->classify) +
	    latency_count(&s->create)));
	bench_result_add(&r, "errors", (double)s->errors);
	bench_result_add(&r, "seconds", seconds);
	bench_result_add(&r, "rate", rate);
	if (w != NULL) {
		bench_result_add(&r, "examples", (double)w->trained_examples);
		bench_result_add(&r, "training_s", w->training_s);
	}
	bench_result_print(&r);
	if (s->errors > 0)
		bench_note("%s: %llu errors, the first: %s", key,
		    (unsigned long long)s->errors, s->first_error);
}

/* Initialises a stage's latencies. */
static void
stage_init(struct stage *s)
{
	memset(s, 0, sizeof *s);
	latency_init(&s->classify);
	latency_init(&s->create);
}

int
main(int argc, char *argv[])
{
	struct watch w = { 0 };
	struct stage idle, reading, training;
	struct hl_client *agent, *disp;
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT, *rep;
	Hotline__RetrainRequest rq = HOTLINE__RETRAIN_REQUEST__INIT;
	struct bench_ticket *pool;
	struct config *conf;
	struct hl_error err;
	double rate = HR_RATE, idle_s = HR_IDLE_S;
	char err_text[1024], log_path[4096], label[256];
	int64_t t_retrain;
	uint64_t k = 0;
	long long stored;
	pthread_t th;
	int ch;

	bench_set_name(argv[0]);
	w.examples = getenv("BENCH_RETRAIN_EXAMPLES") != NULL ?
	    (size_t)bench_atol("BENCH_RETRAIN_EXAMPLES",
	    getenv("BENCH_RETRAIN_EXAMPLES"), 100, 10000000) :
	    HR_DEFAULT_EXAMPLES;
	if (getenv("BENCH_RETRAIN_TRAIN_SECONDS") != NULL)
		w.train_limit_us = (int64_t)(bench_atof(
		    "BENCH_RETRAIN_TRAIN_SECONDS",
		    getenv("BENCH_RETRAIN_TRAIN_SECONDS"), 1, HR_MAX_S) * 1e6);
	while ((ch = getopt(argc, argv, "n:r:i:t:")) != -1)
		switch (ch) {
		case 'n':
			w.examples = (size_t)bench_atol("-n", optarg, 100,
			    10000000);
			break;
		case 'r':
			rate = bench_atof("-r", optarg, 1, 10000);
			break;
		case 'i':
			idle_s = bench_atof("-i", optarg, 1, 3600);
			break;
		case 't':
			w.train_limit_us = (int64_t)(bench_atof("-t", optarg, 1,
			    HR_MAX_S) * 1e6);
			break;
		default:
			usage();
		}
	if (optind != argc)
		usage();
	w.address = need_env("BENCH_HOTLINE");
	snprintf(log_path, sizeof log_path, "%s/hotlined.log",
	    need_env("BENCH_WORK"));
	w.log = log_path;
	if (normalize_init(err_text, sizeof err_text) == -1)
		bench_note("OpenCC: %s (as the daemon, going on without it)",
		    err_text);
	if ((conf = config_load(need_env("BENCH_CONF"), err_text,
	    sizeof err_text)) == NULL)
		bench_die("%s", err_text);
	if (!conf->routing.model)
		bench_die("routing.model is false in %s", getenv("BENCH_CONF"));

	bench_note("storing %zu examples as an import stores them", w.examples);
	stored = store_examples(need_env("BENCH_REDIS"), conf, w.examples);
	if (stored < (long long)w.examples)
		bench_die("the stream holds %lld examples, not %zu", stored,
		    w.examples);
	pool = ticketgen_pool(11, HR_POOL);
	agent = load_login(w.address, "bench-idle", NULL, 0);
	disp = load_login(w.address, "dispatcher01", NULL, 0);
	rep = evaluate(disp);
	w.trained_before = rep->evaluation->trained_at_ms;
	hl_envelope_free(rep);
	w.reads_before = log_lines(w.log, "examples read");

	stage_init(&idle);
	stage_init(&reading);
	stage_init(&training);
	bench_note("idle: %.0f requests/s for %.0f s", rate, idle_s);
	stream(agent, pool, rate, idle_s, &idle, NULL, NULL, NULL, &k);

	bench_note("retrain: every hotlined reads the %lld examples again "
	    "and trains", stored);
	env.body_case = BODY(RETRAIN);
	env.retrain = &rq;
	if (hl_call(disp, &env, &rep, &err) == -1)
		bench_die("retrain: %s", err.message);
	if (rep->body_case != BODY(RETRAINED))
		bench_die("retrain: %s", rep->body_case == BODY(ERROR) ?
		    rep->error->message : "unexpected answer");
	hl_envelope_free(rep);
	t_retrain = bench_now_us();
	if (pthread_create(&th, NULL, poll_run, &w) != 0)
		bench_die("no polling thread");
	stream(agent, pool, rate, 0, &reading, &training, &w.read_done,
	    &w.done, &k);
	pthread_join(th, NULL);

	report("hotlined_idle", "one client's classify and create in turn, nothing "
	    "training", &idle, idle_s, rate, NULL);
	report("hotlined_reading", "the same while hotlined reads every example again "
	    "after a retrain", &reading,
	    (double)(w.read_at_us - t_retrain) / 1e6, rate, NULL);
	if (w.cut)
		snprintf(label, sizeof label, "the same while its thread "
		    "trains on the %zu examples, its first %.0f s (-t)",
		    w.examples, (double)w.train_limit_us / 1e6);
	else
		snprintf(label, sizeof label, "the same while its thread "
		    "trains on the %zu examples, until the new model is in use",
		    w.examples);
	report("hotlined_training", label, &training,
	    (double)(w.done_at_us - w.read_at_us) / 1e6, rate,
	    w.cut ? NULL : &w);
	latency_free(&idle.classify);
	latency_free(&idle.create);
	latency_free(&reading.classify);
	latency_free(&reading.create);
	latency_free(&training.classify);
	latency_free(&training.create);
	hl_close(agent);
	hl_close(disp);
	free(pool);
	config_free(conf);
	return 0;
}
