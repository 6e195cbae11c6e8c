/* One principal floods reads, another registers tickets: the other's create latency, idle and under the flood (run-fairshare.sh). */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hotline.h"
#include "common.h"
#include "side.h"

#define CONTENT_CHARS 20000	/* a 60 KB ticket, as in the attack */
#define MAX_CONNS 200

/* The command line. */
struct options {
	const char *address;
	long conns;		/* the flooding principal's connections */
	long window;		/* shows each keeps in flight */
	long creates;		/* creates measured per phase */
};

/* The flood: its connections, what it saw, when to stop. */
struct flood {
	struct hl_client *c[MAX_CONNS];
	long inflight[MAX_CONNS];
	const struct options *o;
	const char *number;
	volatile int stop;
	long answered, refused, unavailable;
};

static long create_serial;

/* Prints how to call this program and exits 2. */
static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: bench-fairshare -a address [-n conns] "
	    "[-w window] [-c creates]\n"
	    "  agent02 floods shows, agent01 creates (tokens <id>-test)\n");
	exit(2);
}

/* Reads the command line. */
static void
parse_options(struct options *o, int argc, char *argv[])
{
	int ch;

	memset(o, 0, sizeof *o);
	o->conns = 50;
	o->window = 16;
	o->creates = 200;
	while ((ch = getopt(argc, argv, "a:n:w:c:")) != -1) {
		switch (ch) {
		case 'a': o->address = optarg; break;
		case 'n': o->conns = bench_atol("-n", optarg, 1, MAX_CONNS); break;
		case 'w': o->window = bench_atol("-w", optarg, 1, 256); break;
		case 'c': o->creates = bench_atol("-c", optarg, 10, 100000); break;
		default: usage();
		}
	}
	if (o->address == NULL)
		usage();
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

/* Keeps every flood connection's window of shows full, reading what came back. */
static void *
flood_run(void *arg)
{
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT, *f;
	Hotline__ShowRequest show = HOTLINE__SHOW_REQUEST__INIT;
	struct flood *fl = arg;
	struct hl_error err;
	uint64_t id = 0;
	long i;

	show.number = (char *)fl->number;
	env.body_case = HOTLINE__ENVELOPE__BODY_SHOW;
	env.show = &show;
	while (!fl->stop)
		for (i = 0; i < fl->o->conns; i++) {
			while (fl->inflight[i] < fl->o->window) {
				env.id = ++id;
				if (hl_send(fl->c[i], &env, &err) == -1)
					bench_die("flood: %s", err.message);
				fl->inflight[i]++;
			}
			while (hl_recv(fl->c[i], 0, &f, &err) == 1) {
				fl->inflight[i]--;
				if (f->body_case != HOTLINE__ENVELOPE__BODY_ERROR)
					fl->answered++;
				else if (f->error->code ==
				    HOTLINE__ERROR_CODE__ERROR_CODE_RATE_LIMITED)
					fl->refused++;
				else
					fl->unavailable++;
				hl_envelope_free(f);
			}
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

/* Measures n creates of agent; prints p50, p99 and errors, labelled. */
static void
measure(struct hl_client *agent, long n, const char *label)
{
	double *ms = calloc((size_t)n, sizeof *ms);
	long i, ok = 0, errors = 0;
	int64_t t0;
	int code;

	if (ms == NULL)
		bench_die("out of memory");
	for (i = 0; i < n; i++) {
		Hotline__Envelope *r;

		t0 = bench_now_us();
		r = create(agent, "小区停水三天了，请尽快处理", &code);
		if (r == NULL) {
			errors++;
			continue;
		}
		ms[ok++] = (double)(bench_now_us() - t0) / 1000.0;
		hl_envelope_free(r);
	}
	if (ok > 1)
		qsort(ms, (size_t)ok, sizeof *ms, cmp_double);
	printf("%s: creates=%ld errors=%ld p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
	    label, ok, errors, ok > 0 ? ms[ok / 2] : 0.0,
	    ok > 0 ? ms[(ok * 99) / 100 < ok ? (ok * 99) / 100 : ok - 1] : 0.0,
	    ok > 0 ? ms[ok - 1] : 0.0);
	free(ms);
}

/* The idle phase, then the same creates under the flood. */
int
main(int argc, char *argv[])
{
	struct options o;
	struct flood fl;
	struct hl_client *agent;
	Hotline__Envelope *big;
	char *content;
	pthread_t t;
	long i;
	int code;

	bench_set_name(argv[0]);
	parse_options(&o, argc, argv);
	agent = side_login(o.address, "agent01");
	content = side_repeat("停", CONTENT_CHARS);
	if ((big = create(agent, content, &code)) == NULL)
		bench_die("create of the big ticket: error %d", code);
	free(content);
	measure(agent, o.creates, "idle");
	memset(&fl, 0, sizeof fl);
	fl.o = &o;
	fl.number = big->created->ticket->number;
	for (i = 0; i < o.conns; i++)
		fl.c[i] = side_login(o.address, "agent02");
	if (pthread_create(&t, NULL, flood_run, &fl) != 0)
		bench_die("pthread_create failed");
	sleep(1);
	measure(agent, o.creates, "flood");
	fl.stop = 1;
	pthread_join(t, NULL);
	printf("flood: conns=%ld window=%ld answered=%ld rate_limited=%ld "
	    "unavailable=%ld\n", o.conns, o.window, fl.answered, fl.refused,
	    fl.unavailable);
	for (i = 0; i < o.conns; i++)
		hl_close(fl.c[i]);
	hl_envelope_free(big);
	hl_close(agent);
	return 0;
}
