/* One principal floods reads, another registers tickets: the other's create latency, idle and under the flood, in alternating rounds (run-fairshare.sh, make bench). */
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hotline.h"
#include "common.h"
#include "side.h"

#define CONTENT_CHARS 20000	/* a 60 KB ticket, as in the attack */
#define MAX_CONNS 200
#define MAX_ROUNDS 50

/* The command line. */
struct options {
	const char *address;
	const char *token;	/* the tokens' suffix: "test" or "demo" */
	long conns;		/* the flooding principal's connections */
	long window;		/* shows each keeps in flight */
	long creates;		/* creates measured per phase */
	long rounds;		/* idle and flood phases, alternating */
	int results;		/* print result lines for run.sh */
};

/* The flood: its connections, what it saw, when to send and when to stop. */
struct flood {
	struct hl_client *c[MAX_CONNS];
	long inflight[MAX_CONNS];
	const struct options *o;
	const char *number;
	atomic_int on;		/* keep the windows full (else drain them) */
	atomic_int stop;
	atomic_long outstanding;	/* shows sent and not yet answered */
	long answered, refused, unavailable;
};

/* One phase's figures. */
struct phase {
	double p50, p99, max;
	long errors;
};

static long create_serial;

/* Prints how to call this program and exits 2. */
static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: bench-fairshare [-a address] [-n conns] "
	    "[-w window] [-c creates] [-r rounds] [-t token-suffix]\n"
	    "  agent02 floods shows, agent01 creates (tokens <id>-test);\n"
	    "  without -a: BENCH_HOTLINE (make bench), tokens <id>-demo,\n"
	    "  and result lines for run.sh\n");
	exit(2);
}

/* Reads the command line (and BENCH_HOTLINE without -a). */
static void
parse_options(struct options *o, int argc, char *argv[])
{
	int ch;

	memset(o, 0, sizeof *o);
	o->conns = 50;
	o->window = 16;
	o->creates = 200;
	o->rounds = 5;
	o->token = "test";
	while ((ch = getopt(argc, argv, "a:n:w:c:r:t:")) != -1) {
		switch (ch) {
		case 'a': o->address = optarg; break;
		case 'n': o->conns = bench_atol("-n", optarg, 1, MAX_CONNS); break;
		case 'w': o->window = bench_atol("-w", optarg, 1, 256); break;
		case 'c': o->creates = bench_atol("-c", optarg, 10, 100000); break;
		case 'r': o->rounds = bench_atol("-r", optarg, 1, MAX_ROUNDS); break;
		case 't': o->token = optarg; break;
		default: usage();
		}
	}
	if (o->address == NULL) {
		if ((o->address = getenv("BENCH_HOTLINE")) == NULL)
			usage();
		o->token = "demo";
		o->results = 1;
	}
}

/* Connects and says hello as principal with the token "<principal>-<suffix>". */
static struct hl_client *
login(const struct options *o, const char *principal)
{
	struct hl_client *c;
	struct hl_error err;
	char token[64];

	snprintf(token, sizeof token, "%s-%s", principal, o->token);
	if ((c = hl_connect(o->address, 30000, &err)) == NULL ||
	    hl_hello(c, HOTLINE__ROLE__ROLE_UNSPECIFIED, principal, token, NULL,
	    &err) == -1)
		bench_die("login as %s: %s", principal, err.message);
	return c;
}

/* Creates a ticket with content; returns the answer (NULL with *code on an Error). */
static Hotline__Envelope *
create(struct hl_client *agent, const char *content, int *code)
{
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT, *reply;
	Hotline__CreateRequest q = HOTLINE__CREATE_REQUEST__INIT;
	char call_id[64];
	struct hl_error err;

	snprintf(call_id, sizeof call_id, "bench-fair-%ld-%ld", (long)getpid(),
	    ++create_serial);
	q.call_id = call_id;
	q.caller_phone = "13800000000";
	q.title = "停水";
	q.content = (char *)content;
	q.type = HOTLINE__TICKET_TYPE__TICKET_TYPE_COMPLAINT;
	env.body_case = HOTLINE__ENVELOPE__BODY_CREATE;
	env.create = &q;
	if (hl_call(agent, &env, &reply, &err) == -1) {
		*code = err.code;
		return NULL;
	}
	return reply;
}

/* Reads what came back on flood connection i; returns how many answers. */
static long
flood_drain(struct flood *fl, long i)
{
	Hotline__Envelope *f;
	struct hl_error err;
	long n = 0;

	while (hl_recv(fl->c[i], 0, &f, &err) == 1) {
		fl->inflight[i]--;
		atomic_fetch_sub(&fl->outstanding, 1);
		if (f->body_case != HOTLINE__ENVELOPE__BODY_ERROR)
			fl->answered++;
		else if (f->error->code ==
		    HOTLINE__ERROR_CODE__ERROR_CODE_RATE_LIMITED)
			fl->refused++;
		else
			fl->unavailable++;
		hl_envelope_free(f);
		n++;
	}
	return n;
}

/*
 * Waits (at most 10 ms) until one of the flood's sockets has bytes, so the
 * flood's thread sleeps while its answers are on their way instead of
 * spinning on empty reads: on a small machine a spinning client takes a
 * core from the daemon and Redis it measures.
 */
static void
flood_wait(struct flood *fl)
{
	struct pollfd pfd[MAX_CONNS];
	long i;

	for (i = 0; i < fl->o->conns; i++) {
		pfd[i].fd = hl_fd(fl->c[i]);
		pfd[i].events = POLLIN;
	}
	(void)poll(pfd, (nfds_t)fl->o->conns, 10);
}

/*
 * Keeps every flood connection's window of shows full while the flood is
 * on, reading what came back; while it is off, only reads (the windows
 * drain).
 */
static void *
flood_run(void *arg)
{
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT;
	Hotline__ShowRequest show = HOTLINE__SHOW_REQUEST__INIT;
	struct flood *fl = arg;
	struct hl_error err;
	uint64_t id = 0;
	long i, got;

	show.number = (char *)fl->number;
	env.body_case = HOTLINE__ENVELOPE__BODY_SHOW;
	env.show = &show;
	while (!atomic_load(&fl->stop)) {
		got = 0;
		for (i = 0; i < fl->o->conns; i++) {
			while (atomic_load(&fl->on) &&
			    fl->inflight[i] < fl->o->window) {
				env.id = ++id;
				if (hl_send(fl->c[i], &env, &err) == -1)
					bench_die("flood: %s", err.message);
				fl->inflight[i]++;
				atomic_fetch_add(&fl->outstanding, 1);
			}
			got += flood_drain(fl, i);
		}
		if (got == 0)
			flood_wait(fl);
	}
	return NULL;
}

/* Orders doubles for qsort. */
static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Measures n creates of agent: p50, p99, max and errors into *ph. */
static void
measure(struct hl_client *agent, long n, struct phase *ph)
{
	double *ms = calloc((size_t)n, sizeof *ms);
	long i, ok = 0;
	int64_t t0;
	int code;

	if (ms == NULL)
		bench_die("out of memory");
	memset(ph, 0, sizeof *ph);
	for (i = 0; i < n; i++) {
		Hotline__Envelope *r;

		t0 = bench_now_us();
		r = create(agent, "小区停水三天了，请尽快处理", &code);
		if (r == NULL) {
			ph->errors++;
			continue;
		}
		ms[ok++] = (double)(bench_now_us() - t0) / 1000.0;
		hl_envelope_free(r);
	}
	if (ok > 1)
		qsort(ms, (size_t)ok, sizeof *ms, cmp_double);
	if (ok > 0) {
		ph->p50 = ms[ok / 2];
		ph->p99 = ms[(ok * 99) / 100 < ok ? (ok * 99) / 100 : ok - 1];
		ph->max = ms[ok - 1];
	}
	free(ms);
}

/* Returns the median of the n values in v (sorts v). */
static double
median(double *v, long n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The machine's one-minute load average, or -1. */
static double
load1(void)
{
	double l[1];

	return getloadavg(l, 1) == 1 ? l[0] : -1;
}

/* Stops the flood and waits (at most 30 s) until its windows are empty. */
static void
flood_quiet(struct flood *fl)
{
	int n;

	atomic_store(&fl->on, 0);
	for (n = 0; n < 30000 && atomic_load(&fl->outstanding) > 0; n++)
		usleep(1000);
	if (atomic_load(&fl->outstanding) > 0)
		bench_die("the flood's shows were not answered in 30 s");
}

/* Prints the summary: medians of the rounds' p99s, their ratio, the load. */
static void
summary(const struct options *o, double *idle, double *flood, double *fp50,
    long errors, double load0)
{
	double mi = median(idle, o->rounds), mf = median(flood, o->rounds);
	double mp50 = median(fp50, o->rounds), load = load1();
	struct bench_result res;
	char label[256];

	printf("median of %ld rounds: idle p99_ms=%.2f flood p99_ms=%.2f "
	    "ratio=%.2f flood p50_ms=%.2f errors=%ld load_average=%.2f,%.2f\n",
	    o->rounds, mi, mf, mi > 0 ? mf / mi : 0, mp50, errors, load0, load);
	if (!o->results)
		return;
	snprintf(label, sizeof label, "agent01's create p99 while agent02's "
	    "%ld connections keep %ld shows of a 60 KB ticket each in flight, "
	    "against idle (medians of %ld alternating rounds of %ld creates)",
	    o->conns, o->window, o->rounds, o->creates);
	bench_result_init(&res, "fairshare", "create_p99_flood_over_idle",
	    "ratio", label);
	bench_result_add(&res, "ratio", mi > 0 ? mf / mi : 0);
	bench_result_add(&res, "idle_p99_ms", mi);
	bench_result_add(&res, "flood_p99_ms", mf);
	bench_result_add(&res, "flood_p50_ms", mp50);
	bench_result_add(&res, "errors", (double)errors);
	bench_result_add(&res, "load_before", load0);
	bench_result_add(&res, "load_after", load);
	bench_result_print(&res);
}

/*
 * Rounds of an idle phase (the flood's windows empty) and a flood phase
 * (the windows full for a second before the creates start), then the
 * medians: the ratio of medians is steady on a noisy machine where one
 * pair of phases is not.
 */
int
main(int argc, char *argv[])
{
	double idle[MAX_ROUNDS], flood[MAX_ROUNDS], fp50[MAX_ROUNDS], load0;
	struct options o;
	struct flood fl;
	struct phase pi, pf;
	struct hl_client *agent;
	Hotline__Envelope *big;
	char *content;
	pthread_t t;
	long i, errors = 0;
	int code;

	bench_set_name(argv[0]);
	parse_options(&o, argc, argv);
	load0 = load1();
	agent = login(&o, "agent01");
	content = side_repeat("停", CONTENT_CHARS);
	if ((big = create(agent, content, &code)) == NULL)
		bench_die("create of the big ticket: error %d", code);
	free(content);
	memset(&fl, 0, sizeof fl);
	fl.o = &o;
	fl.number = big->created->ticket->number;
	for (i = 0; i < o.conns; i++)
		fl.c[i] = login(&o, "agent02");
	if (pthread_create(&t, NULL, flood_run, &fl) != 0)
		bench_die("pthread_create failed");
	for (i = 0; i < o.rounds; i++) {
		flood_quiet(&fl);
		usleep(200000);
		measure(agent, o.creates, &pi);
		atomic_store(&fl.on, 1);
		sleep(1);
		measure(agent, o.creates, &pf);
		idle[i] = pi.p99;
		flood[i] = pf.p99;
		fp50[i] = pf.p50;
		errors += pi.errors + pf.errors;
		printf("round %ld: idle p50_ms=%.2f p99_ms=%.2f max_ms=%.2f "
		    "errors=%ld; flood p50_ms=%.2f p99_ms=%.2f max_ms=%.2f "
		    "errors=%ld; ratio=%.2f\n", i + 1, pi.p50, pi.p99, pi.max,
		    pi.errors, pf.p50, pf.p99, pf.max, pf.errors,
		    pi.p99 > 0 ? pf.p99 / pi.p99 : 0);
		fflush(stdout);
	}
	flood_quiet(&fl);
	atomic_store(&fl.stop, 1);
	pthread_join(t, NULL);
	printf("flood: conns=%ld window=%ld answered=%ld rate_limited=%ld "
	    "unavailable=%ld\n", o.conns, o.window, fl.answered, fl.refused,
	    fl.unavailable);
	summary(&o, idle, flood, fp50, errors, load0);
	for (i = 0; i < o.conns; i++)
		hl_close(fl.c[i]);
	hl_envelope_free(big);
	hl_close(agent);
	return 0;
}
