/* Dispatch latency: from an agent's create being due to the department terminal receiving its event. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hotlined.h"
#include "common.h"
#include "latency.h"
#include "load.h"
#include "ticketgen.h"

#define POOL_SIZE 4096
#define MAX_TERMINALS 64

/* The command line. */
struct options {
	const char *address, *conf;
	size_t conns;
	double rate, warmup, seconds;
	const char *key, *label;
};

/*
 * A created ticket by number: the create's answer and the terminal's event
 * may arrive in either order, so whichever comes first leaves its time here.
 */
struct match {
	uint64_t number;	/* 0: free slot */
	int64_t due;		/* 0 until the create was answered */
	int64_t event_at;	/* 0 until the event came */
	int done;
};

/* The terminals and what they saw. */
struct dispatch {
	struct hl_client *terminals[MAX_TERMINALS];
	size_t nterminals;
	struct match *table;	/* open addressing, size a power of two */
	size_t size;
	struct latency lat;	/* events of tickets due in the measured interval */
	uint64_t expected, matched;
};

/* Prints how to call this program and exits 2. */
static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: bench-dispatch -a address -f conf -r rate "
	    "[-c conns] [-W warmup] [-s seconds] [-k key] [-l label]\n");
	exit(2);
}

/* Reads the command line. */
static void
parse_options(struct options *o, int argc, char *argv[])
{
	int ch;

	memset(o, 0, sizeof *o);
	o->conns = 8;
	o->warmup = 2;
	o->seconds = 8;
	o->key = "dispatch";
	o->label = "create to terminal event";
	while ((ch = getopt(argc, argv, "a:c:f:k:l:r:s:W:")) != -1) {
		switch (ch) {
		case 'a':
			o->address = optarg;
			break;
		case 'c':
			o->conns = (size_t)bench_atol("-c", optarg, 1, 4096);
			break;
		case 'f':
			o->conf = optarg;
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
		case 'W':
			o->warmup = bench_atof("-W", optarg, 0, 3600);
			break;
		default:
			usage();
		}
	}
	if (o->address == NULL || o->conf == NULL || o->rate == 0 ||
	    optind != argc)
		usage();
}

/* Starts watching c's department feed from now on; dies on failure. */
static void
terminal_watch(struct hl_client *c, const char *principal)
{
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT, *reply;
	Hotline__WatchRequest w = HOTLINE__WATCH_REQUEST__INIT;
	struct hl_error err;

	w.cursor = (char *)"";
	env.body_case = HOTLINE__ENVELOPE__BODY_WATCH;
	env.watch = &w;
	if (hl_call(c, &env, &reply, &err) == -1)
		bench_die("watch as %s: %s", principal, err.message);
	hl_envelope_free(reply);
}

/* Sizes the match table for n tickets (a load factor of a half at most). */
static void
match_init(struct dispatch *d, size_t n)
{
	d->size = 1024;
	while (d->size < 2 * n)
		d->size *= 2;
	if ((d->table = calloc(d->size, sizeof *d->table)) == NULL)
		bench_die("out of memory");
}

/* Opens one watching terminal (<department>-01) for every department that has one. */
static void
open_terminals(struct dispatch *d, const char *address, const struct config *conf)
{
	const struct principal *p;
	char id[80];
	size_t i;

	for (i = 0; i < conf->ndepartments && d->nterminals < MAX_TERMINALS;
	    i++) {
		snprintf(id, sizeof id, "%s-01", conf->departments[i].id);
		p = config_principal(conf, id);
		if (p == NULL || p->role != HOTLINE__ROLE__ROLE_DEPARTMENT)
			continue;
		d->terminals[d->nterminals] = load_login(address, id, NULL, 0);
		terminal_watch(d->terminals[d->nterminals], id);
		d->nterminals++;
	}
	if (d->nterminals == 0)
		bench_die("no department has a terminal principal <id>-01");
}

/* Finds (or adds) the slot of a ticket number; dies when the table is full. */
static struct match *
match_slot(struct dispatch *d, const char *number)
{
	uint64_t n = strtoull(number, NULL, 10), h = n * 0x9e3779b97f4a7c15ULL;
	size_t i, probes;

	for (probes = 0; probes < d->size; probes++) {
		i = (size_t)(h + probes) & (d->size - 1);
		if (d->table[i].number == n || d->table[i].number == 0) {
			d->table[i].number = n;
			return &d->table[i];
		}
	}
	bench_die("more tickets than the match table holds");
}

/* Times a ticket once both its answer and its event have come. */
static void
match_complete(struct load *l, struct dispatch *d, struct match *m)
{
	if (m->done || m->due == 0 || m->event_at == 0)
		return;
	m->done = 1;
	d->matched++;
	if (m->due >= l->measure_from && m->due < l->measure_to)
		latency_add(&d->lat, m->event_at - m->due);
}

/* load: a terminal read a frame; times the events of our tickets. */
static void
on_event(struct load *l, size_t index, const Hotline__Envelope *env)
{
	struct dispatch *d = l->arg;
	struct match *m;

	(void)index;
	if (env->body_case != HOTLINE__ENVELOPE__BODY_EVENT ||
	    env->event->number[0] == '\0')
		return;
	m = match_slot(d, env->event->number);
	if (m->event_at == 0)
		m->event_at = bench_now_us();
	match_complete(l, d, m);
}

/* load: a create was answered; a dispatched ticket's event is now expected. */
static void
on_created(struct load *l, uint64_t seq, int64_t due,
    const Hotline__Envelope *env)
{
	struct dispatch *d = l->arg;
	struct match *m;

	(void)seq;
	if (env->body_case != HOTLINE__ENVELOPE__BODY_CREATED ||
	    env->created->duplicate || env->created->ticket == NULL ||
	    env->created->ticket->state !=
	    HOTLINE__TICKET_STATE__TICKET_STATE_DISPATCHED)
		return;
	d->expected++;
	m = match_slot(d, env->created->ticket->number);
	m->due = due;
	match_complete(l, d, m);
}

/* load: keep reading until every dispatched ticket's event came. */
static int
waiting(struct load *l)
{
	struct dispatch *d = l->arg;

	return d->matched < d->expected;
}

/* Prints the result line. */
static void
report(const struct options *o, struct dispatch *d, struct load *l)
{
	struct bench_result r;

	bench_result_init(&r, "dispatch", o->key, "ms", o->label);
	bench_result_add(&r, "offered", o->rate);
	bench_result_add(&r, "achieved", l->st.rate);
	bench_result_add(&r, "p50_ms", latency_ms(&d->lat, 50));
	bench_result_add(&r, "p99_ms", latency_ms(&d->lat, 99));
	bench_result_add(&r, "p999_ms", latency_ms(&d->lat, 99.9));
	bench_result_add(&r, "max_ms", latency_max_ms(&d->lat));
	bench_result_add(&r, "events", (double)latency_count(&d->lat));
	bench_result_add(&r, "missing", (double)(d->expected - d->matched));
	bench_result_add(&r, "ack_p50_ms", latency_ms(&l->st.lat, 50));
	bench_result_add(&r, "ack_p99_ms", latency_ms(&l->st.lat, 99));
	bench_result_add(&r, "errors", (double)l->st.errors);
	bench_result_print(&r);
	if (l->st.errors > 0)
		bench_note("%llu errors, the first: %s",
		    (unsigned long long)l->st.errors, l->st.first_error);
}

/* Runs the agents' open loop with the terminals watching, and reports. */
static void
run(const struct options *o, struct dispatch *d, const struct bench_ticket *pool)
{
	struct load_plan plan;
	struct load l;

	load_open(&l, o->address, o->conns, "agent01", pool, POOL_SIZE);
	l.extra = d->terminals;
	l.nextra = d->nterminals;
	l.on_extra = on_event;
	l.on_reply = on_created;
	l.waiting = waiting;
	l.arg = d;
	memset(&plan, 0, sizeof plan);
	plan.rate = o->rate;
	plan.warmup_s = o->warmup;
	plan.seconds = o->seconds;
	plan.drain_ms = 10000;
	load_run(&l, &plan);
	report(o, d, &l);
	load_close(&l);
}

/* Parses the options, runs the measurement and prints its result lines. */
int
main(int argc, char *argv[])
{
	struct options o;
	struct bench_ticket *pool;
	struct dispatch d;
	struct config *conf;
	char err[1024];
	size_t i;

	bench_set_name(argv[0]);
	parse_options(&o, argc, argv);
	if ((conf = config_load(o.conf, err, sizeof err)) == NULL)
		bench_die("%s", err);
	pool = ticketgen_pool(1, POOL_SIZE);
	memset(&d, 0, sizeof d);
	latency_init(&d.lat);
	match_init(&d, (size_t)(o.rate * (o.warmup + o.seconds)) + 1024);
	open_terminals(&d, o.address, conf);
	run(&o, &d, pool);
	for (i = 0; i < d.nterminals; i++)
		hl_close(d.terminals[i]);
	latency_free(&d.lat);
	free(d.table);
	free(pool);
	config_free(conf);
	return 0;
}
