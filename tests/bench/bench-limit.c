/* The limit: a bare pipelined hiredis loop running the daemon's create path with the daemon's own arguments. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "hotlined.h"
#include "common.h"
#include "latency.h"
#include "normalize.h"
#include "script-args.h"
#include "simhash.h"
#include "store-scripts.h"
#include "ticketgen.h"

#define POOL_SIZE 4096
#define MAX_WINDOW 4096
#define IDLE_WAIT_US 20000
#define DRAIN_US 10000000

/* create_args_text() reads the configuration in force: hotlined.cfg (daemon.c). */

/* The command line. */
struct options {
	const char *conf;
	const char *redis;	/* host:port or unix:/path */
	int window;		/* tickets in flight (closed loop) */
	double rate;		/* open loop: tickets per second */
	double warmup, seconds;
	uint64_t count;		/* fill mode: this many, as fast as possible */
	int64_t stamp_from;	/* fill mode with -T: ticket i registered at */
	int64_t stamp_span;	/* stamp_from + i * stamp_span / count */
	int no_repeats;		/* -F: repeat detection off, as a config may say */
	const char *key, *label;
};

/* The scripts of a create, in the order the daemon runs them. */
enum limit_step { STEP_RECENT, STEP_CREATE, STEP_REPEAT, STEP_COUNT };

static const char *step_scripts[STEP_COUNT] = {
	[STEP_RECENT] = "recent_read",
	[STEP_CREATE] = "create",
	[STEP_REPEAT] = "ticket_read",
};

/* What the daemon works out of a ticket's text before it stores it; per pool ticket, once. */
struct prepared {
	struct classify_result res;
	char *text;			/* blend_text's form */
	uint64_t hash;			/* its SimHash */
};

/* One ticket on its way: its one command in flight is at step. */
struct flight {
	uint64_t seq;
	int64_t due;			/* us: when it was due (sent, in a closed loop) */
	int64_t now;			/* ms: the daemon's clock at intake */
	enum limit_step step;
};

/* One run's state: the connection, the scripts and the figures. */
struct bench_limit {
	redisContext *rc;
	char sha[STEP_COUNT][41];
	const struct bench_ticket *pool;
	struct prepared *prep;
	char tag[48];
	struct flight *fifo;		/* tickets in flight, in the order of their commands */
	size_t head, nfifo, cap;
	uint64_t started, done, measured, errors, dispatched, repeats;
	uint64_t commands;
	int64_t from, to;		/* the measured interval */
	int open;			/* open loop: what counts is what was due in it */
	int64_t stamp_from, stamp_span;	/* -T: tickets stamped over a span */
	uint64_t stamp_count;
	struct latency lat;
	char first_error[256];
};

/* Prints how to call this program and exits 2. */
static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: bench-limit -c conf -r redis [-w window | -R rate] "
	    "[-W warmup] [-s seconds | -n count [-F] [-T from_ms:span_ms]] "
	    "[-k key] [-l label]\n"
	    "  -F  fill without repeat detection: create.lua only, as the daemon\n"
	    "      runs it with repeats and hot spots turned off in its config\n"
	    "  -T  fill with tickets registered over a span of time (ms)\n");
	exit(2);
}

/* Reads the command line. */
static void
parse_options(struct options *o, int argc, char *argv[])
{
	int ch;

	memset(o, 0, sizeof *o);
	o->window = 256;
	o->warmup = 2;
	o->seconds = 5;
	o->key = "limit";
	o->label = "limit: bare pipelined hiredis loop, the create path";
	while ((ch = getopt(argc, argv, "c:Fk:l:n:R:r:s:T:W:w:")) != -1) {
		switch (ch) {
		case 'c':
			o->conf = optarg;
			break;
		case 'F':
			o->no_repeats = 1;
			break;
		case 'k':
			o->key = optarg;
			break;
		case 'l':
			o->label = optarg;
			break;
		case 'n':
			o->count = (uint64_t)bench_atol("-n", optarg, 1, 100000000);
			break;
		case 'R':
			o->rate = bench_atof("-R", optarg, 1, 1e7);
			break;
		case 'r':
			o->redis = optarg;
			break;
		case 's':
			o->seconds = bench_atof("-s", optarg, 0.1, 3600);
			break;
		case 'T':
			if (sscanf(optarg, "%" SCNd64 ":%" SCNd64, &o->stamp_from,
			    &o->stamp_span) != 2 || o->stamp_from <= 0 ||
			    o->stamp_span <= 0)
				usage();
			break;
		case 'W':
			o->warmup = bench_atof("-W", optarg, 0, 3600);
			break;
		case 'w':
			o->window = (int)bench_atol("-w", optarg, 1, MAX_WINDOW);
			break;
		default:
			usage();
		}
	}
	if (o->conf == NULL || o->redis == NULL || optind != argc ||
	    (o->stamp_from != 0 && o->count == 0))
		usage();
}

/* Connects to "host:port" or "unix:/path"; dies on failure. */
static redisContext *
limit_connect(const char *address)
{
	struct timeval tv = { 10, 0 };
	char host[256];
	const char *colon;
	redisContext *rc;

	if (strncmp(address, "unix:", 5) == 0)
		rc = redisConnectUnixWithTimeout(address + 5, tv);
	else {
		if ((colon = strrchr(address, ':')) == NULL ||
		    (size_t)(colon - address) >= sizeof host)
			bench_die("bad Redis address %s", address);
		memcpy(host, address, (size_t)(colon - address));
		host[colon - address] = '\0';
		rc = redisConnectWithTimeout(host, atoi(colon + 1), tv);
	}
	if (rc == NULL || rc->err)
		bench_die("redis %s: %s", address, rc != NULL ? rc->errstr :
		    "out of memory");
	return rc;
}

/* Loads the create path's scripts from the daemon's embedded ones; keeps their shas. */
static void
limit_load_scripts(struct bench_limit *lm)
{
	const struct embedded_script *e;
	redisReply *r;
	int s;

	for (s = 0; s < STEP_COUNT; s++) {
		for (e = embedded_scripts; e->name != NULL; e++)
			if (strcmp(e->name, step_scripts[s]) == 0)
				break;
		if (e->name == NULL)
			bench_die("%s.lua is not embedded", step_scripts[s]);
		r = redisCommand(lm->rc, "SCRIPT LOAD %s", e->source);
		if (r == NULL || r->type != REDIS_REPLY_STRING || r->len != 40)
			bench_die("SCRIPT LOAD %s.lua failed", step_scripts[s]);
		memcpy(lm->sha[s], r->str, 41);
		freeReplyObject(r);
	}
}

/*
 * Classifies a pool ticket as op_create does (normalised title and content,
 * the catalogue; no model yet, as in an emptied Redis), and keeps its
 * text and SimHash.
 */
static void
limit_prepare(struct prepared *p, const struct bench_ticket *t)
{
	char *nt = normalize_text(t->title), *nc = normalize_text(t->content);
	struct classify_input in = { nt, nc, t->district, t->street };

	if (classify_ticket(hotlined.cfg->catalogue, &hotlined.cfg->routing,
	    &in, &p->res) == -1)
		bench_die("classify_ticket failed");
	free(nt);
	free(nc);
	p->text = blend_text(t->title, t->content);
	p->hash = simhash_text(p->text);
}

/* Prepares every pool ticket once. */
static void
limit_prepare_pool(struct bench_limit *lm)
{
	char err[256];
	size_t i;

	if (normalize_init(err, sizeof err) == -1)
		bench_note("OpenCC: %s (as the daemon, going on without it)", err);
	if ((lm->prep = calloc(POOL_SIZE, sizeof *lm->prep)) == NULL)
		bench_die("out of memory");
	for (i = 0; i < POOL_SIZE; i++)
		limit_prepare(&lm->prep[i], &lm->pool[i]);
}

/* The matter of a ticket for hot spots (create_matter in op-intake.c). */
static const char *
limit_matter(const struct classify_result *res)
{
	if (res->nsuggestions == 0 || res->suggestions[0].category == NULL)
		return "";
	return res->suggestions[0].category;
}

/* Whether op_create reads the district's recent tickets first (create_needs_recent). */
static int
limit_needs_recent(const struct bench_ticket *t, const struct prepared *p)
{
	if (t->district[0] == '\0' || p->hash == 0)
		return 0;
	return hotlined.cfg->repeats.window_ms > 0 ||
	    (hotlined.cfg->hot_spots.count > 0 &&
	    limit_matter(&p->res)[0] == '\0');
}

/* Appends EVALSHA of step's script with args (its first nkeys are keys). */
static void
limit_eval(struct bench_limit *lm, enum limit_step step, int nkeys,
    const struct store_args *args)
{
	struct store_eval e;

	store_eval_build(&e, lm->sha[step], nkeys, args);
	if (redisAppendCommandArgv(lm->rc, e.argc, e.argv, e.lens) != REDIS_OK)
		bench_die("redis: %s", lm->rc->errstr);
	store_eval_free(&e);
	lm->commands++;
}

/* Queues f's next command: it goes behind every command already sent. */
static void
limit_push(struct bench_limit *lm, const struct flight *f)
{
	if (lm->nfifo == lm->cap)
		bench_die("more tickets in flight than the window");
	lm->fifo[(lm->head + lm->nfifo) % lm->cap] = *f;
	lm->nfifo++;
}

/* The request of ticket seq, as an agent sends it (fresh call id, a caller's phone). */
static void
limit_request(struct bench_limit *lm, uint64_t seq, Hotline__CreateRequest *q,
    char *call_id, size_t idlen, char *phone, size_t phonelen)
{
	snprintf(call_id, idlen, "%s-%" PRIu64, lm->tag, seq);
	ticketgen_phone(ticketgen_caller(seq) * 7919 + (uint64_t)getpid() *
	    104729, phone, phonelen);
	ticketgen_request(&lm->pool[seq % POOL_SIZE], q, call_id, phone);
}

/* Sends create.lua for f with what was found among the recent tickets (NULL: not looked). */
static void
limit_send_create(struct bench_limit *lm, struct flight *f,
    const struct repeat_found *found)
{
	const struct prepared *p = &lm->prep[f->seq % POOL_SIZE];
	struct store_args args = { 0 };
	Hotline__CreateRequest q;
	char call_id[96], phone[24];
	int nkeys;

	limit_request(lm, f->seq, &q, call_id, sizeof call_id, phone,
	    sizeof phone);
	nkeys = create_args_text(&args, "agent01", HOTLINE__ROLE__ROLE_AGENT, &q,
	    &p->res, p->text, found, f->now);
	limit_eval(lm, STEP_CREATE, nkeys, &args);
	store_args_free(&args);
	f->step = STEP_CREATE;
	limit_push(lm, f);
}

/* Sends recent_read.lua for f (create_read_recent in op-intake.c). */
static void
limit_send_recent(struct bench_limit *lm, struct flight *f)
{
	const struct bench_ticket *t = &lm->pool[f->seq % POOL_SIZE];
	struct store_args args = { 0 };
	int64_t back = hotlined.cfg->repeats.window_ms;

	if (hotlined.cfg->hot_spots.count > 0 &&
	    hotlined.cfg->hot_spots.window_ms > back)
		back = hotlined.cfg->hot_spots.window_ms;
	store_args_addf(&args, "ht:recent:%s", t->district);
	script_args_recent_read(&args, f->now - back,
	    hotlined.cfg->repeats.candidates);
	limit_eval(lm, STEP_RECENT, 1, &args);
	store_args_free(&args);
	f->step = STEP_RECENT;
	limit_push(lm, f);
}

/* Starts the next ticket, due at due: its first command. */
static void
limit_start(struct bench_limit *lm, int64_t due)
{
	struct flight f;

	f.seq = lm->started++;
	f.due = due;
	f.now = lm->stamp_span == 0 ? now_ms() : lm->stamp_from +
	    (int64_t)((double)f.seq * (double)lm->stamp_span /
	    (double)lm->stamp_count);
	if (limit_needs_recent(&lm->pool[f.seq % POOL_SIZE],
	    &lm->prep[f.seq % POOL_SIZE]))
		limit_send_recent(lm, &f);
	else
		limit_send_create(lm, &f, NULL);
}

/* recent_read.lua answered for f: compare as the daemon does, then create. */
static void
limit_recent_done(struct bench_limit *lm, struct flight *f,
    const redisReply *r)
{
	size_t n = r->type == REDIS_REPLY_ARRAY ? r->elements : 0, i, k = 0;
	const char **members = calloc(n + 1, sizeof *members);
	struct repeat_found found;

	if (members == NULL)
		bench_die("out of memory");
	for (i = 0; i < n; i++)
		if (r->element[i]->type == REDIS_REPLY_STRING)
			members[k++] = r->element[i]->str;
	repeat_scan(&found, lm->prep[f->seq % POOL_SIZE].hash, members, k,
	    &hotlined.cfg->repeats, &hotlined.cfg->hot_spots, f->now);
	free(members);
	limit_send_create(lm, f, &found);
}

/* Returns field name of a flat hash reply, or NULL. */
static const char *
limit_field(const redisReply *h, const char *name)
{
	size_t i;

	for (i = 0; i + 1 < h->elements; i += 2)
		if (strcmp(h->element[i]->str, name) == 0)
			return h->element[i + 1]->str;
	return NULL;
}

/* create.lua answered for f; returns 1 if the ticket is done, 0 if its repeat is read next. */
static int
limit_create_done(struct bench_limit *lm, struct flight *f,
    const redisReply *r)
{
	struct store_args args = { 0 };
	const char *dept, *repeat;

	if (r->type != REDIS_REPLY_ARRAY || r->elements != 3 ||
	    r->element[2]->type != REDIS_REPLY_ARRAY)
		return 1;
	if ((dept = limit_field(r->element[2], "dept")) != NULL && *dept != '\0')
		lm->dispatched++;
	repeat = limit_field(r->element[2], "repeat_of");
	if (strcmp(r->element[0]->str, "new") != 0 || repeat == NULL ||
	    !ticket_number_valid(repeat))
		return 1;
	lm->repeats++;
	store_args_addf(&args, "ht:ticket:%s", repeat);
	limit_eval(lm, STEP_REPEAT, 1, &args);
	store_args_free(&args);
	f->step = STEP_REPEAT;
	limit_push(lm, f);
	return 0;
}

/* Counts a finished ticket, answered at now. */
static void
limit_finish(struct bench_limit *lm, const struct flight *f, int64_t now)
{
	int64_t at = lm->open ? f->due : now;

	lm->done++;
	if (at >= lm->from && at < lm->to) {
		lm->measured++;
		latency_add(&lm->lat, now - f->due);
	}
}

/* Takes the answer to the oldest command in flight and moves its ticket on. */
static void
limit_take(struct bench_limit *lm, redisReply *r, int64_t now)
{
	struct flight f = lm->fifo[lm->head];

	lm->head = (lm->head + 1) % lm->cap;
	lm->nfifo--;
	if (r->type == REDIS_REPLY_ERROR) {
		if (lm->errors++ == 0)
			snprintf(lm->first_error, sizeof lm->first_error,
			    "%s: %s", step_scripts[f.step], r->str);
		lm->done++;
	} else if (f.step == STEP_RECENT)
		limit_recent_done(lm, &f, r);
	else if (f.step == STEP_REPEAT ||
	    limit_create_done(lm, &f, r))
		limit_finish(lm, &f, now);
	freeReplyObject(r);
}

/* Waits for the oldest answer (writing what is appended first). */
static void
limit_receive(struct bench_limit *lm)
{
	redisReply *r;

	if (redisGetReply(lm->rc, (void **)&r) != REDIS_OK || r == NULL)
		bench_die("redis: %s", lm->rc->errstr);
	limit_take(lm, r, bench_now_us());
}

/* Returns 1 while the closed loop should start tickets. */
static int
limit_more(const struct bench_limit *lm, const struct options *o)
{
	return o->count > 0 ? lm->started < o->count : bench_now_us() < lm->to;
}

/* Closed loop: window tickets in flight until the end or count; returns the measured seconds. */
static double
limit_run_closed(struct bench_limit *lm, const struct options *o)
{
	int64_t start = bench_now_us();

	lm->from = o->count > 0 ? start : start + (int64_t)(o->warmup * 1e6);
	lm->to = o->count > 0 ? INT64_MAX : lm->from + (int64_t)(o->seconds * 1e6);
	while (lm->started - lm->done < (uint64_t)o->window && limit_more(lm, o))
		limit_start(lm, bench_now_us());
	while (lm->done < lm->started) {
		limit_receive(lm);
		while (lm->started - lm->done < (uint64_t)o->window &&
		    limit_more(lm, o))
			limit_start(lm, bench_now_us());
	}
	if (o->count > 0)
		return (bench_now_us() - start) / 1e6;
	return o->seconds;
}

/* Writes what is appended, waits until next (us) at most for answers, reads them. */
static void
limit_pump(struct bench_limit *lm, int64_t next)
{
	struct pollfd pfd = { lm->rc->fd, POLLIN, 0 };
	int64_t wait = next - bench_now_us();
	struct timespec ts;
	redisReply *r;
	int done;

	if (redisBufferWrite(lm->rc, &done) != REDIS_OK)
		bench_die("redis: %s", lm->rc->errstr);
	wait = wait < 0 ? 0 : wait > IDLE_WAIT_US ? IDLE_WAIT_US : wait;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)wait * 1000;
	if (ppoll(&pfd, 1, &ts, NULL) == -1 && errno != EINTR)
		bench_die("poll: %s", strerror(errno));
	if ((pfd.revents & POLLIN) && redisBufferRead(lm->rc) != REDIS_OK)
		bench_die("redis: %s", lm->rc->errstr);
	for (;;) {
		if (redisReaderGetReply(lm->rc->reader, (void **)&r) != REDIS_OK)
			bench_die("redis: protocol error");
		if (r == NULL)
			break;
		limit_take(lm, r, bench_now_us());
	}
}

/*
 * Open loop: ticket i is due at start + i / rate and started then; its
 * latency counts from when it was due, as bench-intake counts hotline's.
 */
static double
limit_run_open(struct bench_limit *lm, const struct options *o)
{
	int64_t start = bench_now_us() + 1000, due = start, now;

	lm->open = 1;
	lm->from = start + (int64_t)(o->warmup * 1e6);
	lm->to = lm->from + (int64_t)(o->seconds * 1e6);
	for (;;) {
		now = bench_now_us();
		while ((due = start + (int64_t)((double)lm->started * 1e6 /
		    o->rate)) <= now && due < lm->to && lm->nfifo < lm->cap)
			limit_start(lm, due);
		if ((now >= lm->to && lm->done == lm->started) ||
		    now >= lm->to + DRAIN_US)
			break;
		limit_pump(lm, due);
	}
	return o->seconds;
}

/* Prints the result line. */
static void
limit_report(struct bench_limit *lm, const struct options *o, double seconds,
    double cpu)
{
	struct bench_result r;

	bench_result_init(&r, "intake", o->key, o->rate > 0 ? "ms" :
	    "tickets/s", o->label);
	if (o->rate > 0) {
		bench_result_add(&r, "offered", o->rate);
		bench_result_add(&r, "achieved", lm->measured / seconds);
		bench_result_add(&r, "late", (double)(lm->started - lm->done));
	} else {
		bench_result_add(&r, "value", lm->measured / seconds);
		bench_result_add(&r, "window", o->window);
	}
	bench_result_add(&r, "p50_ms", latency_ms(&lm->lat, 50));
	bench_result_add(&r, "p99_ms", latency_ms(&lm->lat, 99));
	bench_result_add(&r, "p999_ms", latency_ms(&lm->lat, 99.9));
	bench_result_add(&r, "max_ms", latency_max_ms(&lm->lat));
	bench_result_add(&r, "dispatched_pct", lm->done > 0 ?
	    100.0 * lm->dispatched / lm->done : 0);
	bench_result_add(&r, "repeat_pct", lm->done > 0 ?
	    100.0 * lm->repeats / lm->done : 0);
	bench_result_add(&r, "scripts_per_ticket", lm->done > 0 ?
	    (double)lm->commands / lm->done : 0);
	bench_result_add(&r, "errors", (double)lm->errors);
	bench_result_add(&r, "client_cpu_pct", 100 * cpu / seconds);
	if (o->count > 0)
		bench_result_add(&r, "tickets", (double)lm->measured);
	bench_result_print(&r);
	if (lm->errors > 0)
		bench_note("%" PRIu64 " errors, the first: %s", lm->errors,
		    lm->first_error);
}

/* Frees what a run kept. */
static void
limit_free(struct bench_limit *lm)
{
	size_t i;

	for (i = 0; lm->prep != NULL && i < POOL_SIZE; i++)
		free(lm->prep[i].text);
	free(lm->prep);
	free((void *)lm->pool);
	free(lm->fifo);
	latency_free(&lm->lat);
	redisFree(lm->rc);
}

/* Parses the options, runs the measurement and prints its result line. */
int
main(int argc, char *argv[])
{
	struct options o;
	struct bench_limit lm;
	char err[1024];
	double seconds, cpu;

	bench_set_name(argv[0]);
	parse_options(&o, argc, argv);
	if ((hotlined.cfg = config_load(o.conf, err, sizeof err)) == NULL)
		bench_die("%s", err);
	if (o.no_repeats) {	/* what create_needs_recent then skips */
		hotlined.cfg->repeats.window_ms = 0;
		hotlined.cfg->hot_spots.count = 0;
	}
	memset(&lm, 0, sizeof lm);
	latency_init(&lm.lat);
	lm.cap = o.rate > 0 ? MAX_WINDOW * 16 : (size_t)o.window;
	if ((lm.fifo = calloc(lm.cap, sizeof *lm.fifo)) == NULL)
		bench_die("out of memory");
	lm.stamp_from = o.stamp_from;
	lm.stamp_span = o.stamp_span;
	lm.stamp_count = o.count;
	lm.pool = ticketgen_pool(1, POOL_SIZE);
	limit_prepare_pool(&lm);
	snprintf(lm.tag, sizeof lm.tag, "limit-%ld-%lld", (long)getpid(),
	    (long long)bench_wall_ms());
	lm.rc = limit_connect(o.redis);
	limit_load_scripts(&lm);
	cpu = bench_cpu_seconds();
	seconds = o.rate > 0 ? limit_run_open(&lm, &o) :
	    limit_run_closed(&lm, &o);
	/* CPU of the whole run, prorated to the measured interval. */
	cpu = bench_cpu_seconds() - cpu;
	limit_report(&lm, &o, seconds, cpu * seconds /
	    (seconds + (o.count > 0 ? 0 : o.warmup)));
	if (lm.errors > 0 && lm.measured == 0)
		bench_die("every create failed");
	limit_free(&lm);
	config_free(hotlined.cfg);
	return 0;
}
