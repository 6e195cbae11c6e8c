/* Timers: arms a million deadlines with their tickets, measures hotlined's idle cost with them pending and the lag of a sample that comes due. */
#include <sys/types.h>

#include <dirent.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "hotlined.h"
#include "common.h"
#include "redis-link.h"
#include "latency.h"

#define PART		"timers"
#define BATCH		1000		/* timers per pipelined batch */
#define DAY_MS		86400000LL
#define FAR_DAY		20260901L	/* ticket numbers of the far timers */
#define SAMPLE_DAY	20261001L	/* ticket numbers of the sample */
#define PER_DAY		1000000L	/* a ticket number has a 6-digit sequence */
#define READ_COUNT	1000		/* feed entries per XREAD */
#define READ_BLOCK_MS	200
#define GRACE_MS	10000		/* after the last due time, stop waiting */
#define SETTLE_US	1000000		/* before the idle window */
#define OVERDUE_KIND	"23"		/* EVENT_KIND_OVERDUE */

/* The command line. */
struct options {
	const char *conf;
	pid_t pid;		/* hotlined, for its CPU time; 0: unknown */
	long n, k;
	double lead, span, idle, far_days;
};

/* Timers to arm: numbers <day><seq>, due first + i * step ms. */
struct arming {
	long day;
	long count;
	int64_t first;
	double step;
};

/* Counters read at the start and the end of a window. */
struct costs {
	int64_t wall_us;
	double hotlined_cpu, redis_cpu;	/* seconds */
	long long evalsha, commands;
};

/* The sample's state while it fires. */
struct sample {
	struct arming arm;
	unsigned char *seen;
	long received, duplicates, strays;
	char last_id[64];
	struct latency at_lag, read_lag;
};

/* Prints how to call this program and exits 2. */
static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: bench-timers [-c conf] [-p hotlined-pid] [-n timers] "
	    "[-k sample] [-L lead-s] [-S span-s] [-I idle-s] [-F far-days]\n"
	    "  -c and -p default to BENCH_CONF and BENCH_HOTLINED_PID\n");
	exit(2);
}

/* Reads the command line, with run.sh's variables as defaults. */
static void
parse_options(struct options *o, int argc, char *argv[])
{
	const char *pid = getenv("BENCH_HOTLINED_PID");
	int ch;

	memset(o, 0, sizeof *o);
	o->conf = getenv("BENCH_CONF");
	o->n = 1000000;
	o->k = 5000;
	o->lead = 3;
	o->span = 25;
	o->idle = 10;
	o->far_days = 30;
	if (pid != NULL && *pid != '\0')
		o->pid = (pid_t)bench_atol("BENCH_HOTLINED_PID", pid, 1, 1 << 30);
	while ((ch = getopt(argc, argv, "c:F:I:k:L:n:p:S:")) != -1) {
		switch (ch) {
		case 'c':
			o->conf = optarg;
			break;
		case 'F':
			o->far_days = bench_atof("-F", optarg, 1, 3650);
			break;
		case 'I':
			o->idle = bench_atof("-I", optarg, 0, 3600);
			break;
		case 'k':
			o->k = bench_atol("-k", optarg, 1, PER_DAY - 1);
			break;
		case 'L':
			o->lead = bench_atof("-L", optarg, 0.5, 3600);
			break;
		case 'n':
			o->n = bench_atol("-n", optarg, 1, 20 * PER_DAY);
			break;
		case 'p':
			o->pid = (pid_t)bench_atol("-p", optarg, 1, 1 << 30);
			break;
		case 'S':
			o->span = bench_atof("-S", optarg, 0.001, 3600);
			break;
		default:
			usage();
		}
	}
	if (o->conf == NULL || optind != argc)
		usage();
}

/* Connects to the Redis of the configuration (AUTH, SELECT); dies on failure. */
static redisContext *
connect_redis(const struct redis_spec *rs)
{
	struct timeval tv = { 10, 0 };
	redisContext *rc;

	if (rs->unix_path != NULL)
		rc = redisConnectUnixWithTimeout(rs->unix_path, tv);
	else
		rc = redisConnectWithTimeout(rs->host, rs->port, tv);
	if (rc == NULL || rc->err)
		bench_die("redis: %s", rc != NULL ? rc->errstr : "out of memory");
	if (rs->password != NULL && *rs->password != '\0')
		freeReplyObject(bench_redis_command(rc, "AUTH %s", rs->password));
	if (rs->db != 0)
		freeReplyObject(bench_redis_command(rc, "SELECT %d", rs->db));
	return rc;
}

/* Sends everything hiredis has buffered. */
static void
flush_out(redisContext *rc)
{
	int done = 0;

	while (!done)
		if (redisBufferWrite(rc, &done) != REDIS_OK)
			bench_die("redis write: %s", rc->errstr);
}

/* Reads n pipelined replies; dies on an error reply. */
static void
read_replies(redisContext *rc, long n)
{
	redisReply *r;

	while (n-- > 0) {
		if (redisGetReply(rc, (void **)&r) != REDIS_OK)
			r = NULL;
		bench_redis_check(rc, r, "arming");
		freeReplyObject(r);
	}
}

/* Writes the ticket number of timer i of a into buf. */
static void
ticket_number(const struct arming *a, long i, char *buf, size_t len)
{
	snprintf(buf, len, "%ld%06ld", a->day + i / PER_DAY, i % PER_DAY);
}

/* Queues timer i: its ticket (dispatched, clock 1) and its overdue timer. */
static void
append_timer(redisContext *rc, const struct arming *a, long i)
{
	const struct department *d = &hotlined.cfg->departments[i % hotlined.cfg->ndepartments];
	char number[32];
	long long due = a->first + (long long)((double)i * a->step);

	ticket_number(a, i, number, sizeof number);
	redisAppendCommand(rc, "HSET ht:ticket:%s state 3 clock_gen 1 dept %s",
	    number, d->id);
	redisAppendCommand(rc, "ZADD ht:timers %lld %s:overdue:1", due, number);
}

/*
 * Arms a's timers over one connection, pipelined: a batch is sent before the
 * replies of the one before it are read. Then wakes the daemons as create.lua
 * does when a timer becomes the earliest. Returns the seconds it took.
 */
static double
arm(redisContext *rc, const struct arming *a)
{
	int64_t t0 = bench_now_us();
	long i, sent = 0, pending = 0;

	for (i = 0; i < a->count; i += BATCH) {
		long j, end = i + BATCH < a->count ? i + BATCH : a->count;

		for (j = i; j < end; j++)
			append_timer(rc, a, j);
		flush_out(rc);
		read_replies(rc, 2 * pending);
		pending = end - sent;
		sent = end;
	}
	read_replies(rc, 2 * pending);
	freeReplyObject(bench_redis_command(rc, "PUBLISH ht:wake ht:timers"));
	return (double)(bench_now_us() - t0) / 1e6;
}

/*
 * CPU seconds of every thread of process pid so far, -1 if unknown: the sum
 * of the threads' schedstat run times (nanoseconds), since /proc/<pid>/stat
 * counts in clock ticks (10 ms) and an idle daemon uses less than one.
 */
static double
proc_cpu(pid_t pid)
{
	char path[320];
	unsigned long long ns, sum = 0;
	struct dirent *e;
	int found = 0;
	FILE *f;
	DIR *d;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof path, "/proc/%ld/task", (long)pid);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/%ld/task/%s/schedstat",
		    (long)pid, e->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		if (fscanf(f, "%llu", &ns) == 1) {
			sum += ns;
			found = 1;
		}
		fclose(f);
	}
	closedir(d);
	return found ? (double)sum / 1e9 : -1;
}

/* Value of "name:" in INFO section as a number (0 if absent). */
static double
info_number(redisContext *rc, const char *section, const char *name)
{
	redisReply *r = bench_redis_command(rc, "INFO %s", section);
	size_t len = strlen(name);
	double v = 0;
	char *p;

	for (p = r->str; p != NULL && *p != '\0'; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, name, len) == 0 && p[len] == ':') {
			v = strtod(p + len + 1, NULL);
			break;
		}
	}
	freeReplyObject(r);
	return v;
}

/* Calls of EVALSHA and of every command but INFO, from INFO commandstats. */
static void
command_calls(redisContext *rc, long long *evalsha, long long *all)
{
	redisReply *r = bench_redis_command(rc, "INFO commandstats");
	char name[128], *p;
	long long calls;

	*evalsha = *all = 0;
	for (p = r->str; p != NULL && *p != '\0'; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (sscanf(p, "cmdstat_%127[^:]:calls=%lld", name, &calls) != 2)
			continue;
		if (strcmp(name, "evalsha") == 0)
			*evalsha = calls;
		if (strcmp(name, "info") != 0)
			*all += calls;
	}
	freeReplyObject(r);
}

/* Reads the counters of a window's start or end. */
static void
costs_read(redisContext *rc, pid_t pid, struct costs *c)
{
	c->wall_us = bench_now_us();
	c->hotlined_cpu = proc_cpu(pid);
	c->redis_cpu = info_number(rc, "cpu", "used_cpu_sys") +
	    info_number(rc, "cpu", "used_cpu_user");
	command_calls(rc, &c->evalsha, &c->commands);
}

/* hotlined's CPU milliseconds between two readings (NAN if unknown). */
static double
hotlined_ms(const struct costs *a, const struct costs *b)
{
	if (a->hotlined_cpu < 0 || b->hotlined_cpu < 0)
		return NAN;
	return (b->hotlined_cpu - a->hotlined_cpu) * 1e3;
}

/* Adds the differences of two readings to a result line. */
static void
costs_add(struct bench_result *r, const struct costs *a, const struct costs *b)
{
	double s = (double)(b->wall_us - a->wall_us) / 1e6;

	bench_result_add(r, "seconds", s);
	bench_result_add(r, "hotlined_cpu_ms", hotlined_ms(a, b));
	bench_result_add(r, "redis_cpu_ms", (b->redis_cpu - a->redis_cpu) * 1e3);
	bench_result_add(r, "evalsha_calls", (double)(b->evalsha - a->evalsha));
	bench_result_add(r, "redis_commands", (double)(b->commands - a->commands));
}

/* Arms the far timers and prints the arming rate. */
static void
arm_far(redisContext *rc, const struct options *o)
{
	struct arming a = { FAR_DAY, o->n, 0, 0 };
	struct bench_result r;
	struct costs c0, c1;
	double s, cpu;

	a.first = bench_wall_ms() + (int64_t)(o->far_days * DAY_MS);
	a.step = o->far_days * DAY_MS / (double)o->n;
	bench_note("arming %ld timers due in %g to %g days, pipelined", o->n,
	    o->far_days, 2 * o->far_days);
	costs_read(rc, 0, &c0);
	cpu = bench_cpu_seconds();
	s = arm(rc, &a);
	cpu = bench_cpu_seconds() - cpu;
	costs_read(rc, 0, &c1);
	bench_result_init(&r, PART, "arm", "timers/s",
	    "timers armed with their tickets, pipelined (HSET ticket + ZADD ht:timers)");
	bench_result_add(&r, "value", (double)o->n / s);
	bench_result_add(&r, "timers", (double)o->n);
	bench_result_add(&r, "seconds", s);
	bench_result_add(&r, "redis_busy_pct", 100 * (c1.redis_cpu - c0.redis_cpu) / s);
	bench_result_add(&r, "client_busy_pct", 100 * cpu / s);
	bench_result_print(&r);
}

/* Measures hotlined and Redis over o->idle seconds with nothing due. */
static void
idle_window(redisContext *rc, const struct options *o)
{
	struct bench_result r;
	struct costs c0, c1;
	long long pending;
	redisReply *z;

	bench_sleep_until_us(bench_now_us() + SETTLE_US);
	z = bench_redis_command(rc, "ZCARD ht:timers");
	pending = z->integer;
	freeReplyObject(z);
	bench_note("idle: %g s with %lld timers pending, none due", o->idle,
	    pending);
	costs_read(rc, o->pid, &c0);
	bench_sleep_until_us(c0.wall_us + (int64_t)(o->idle * 1e6));
	costs_read(rc, o->pid, &c1);
	bench_result_init(&r, PART, "idle", "ms CPU",
	    "idle: hotlined's CPU time with every timer pending, none due");
	bench_result_add(&r, "value", hotlined_ms(&c0, &c1));
	bench_result_add(&r, "pending", (double)pending);
	costs_add(&r, &c0, &c1);
	bench_result_print(&r);
}

/* Remembers the feed's last entry id, so that only new events are read. */
static void
feed_tail(redisContext *rc, char *id, size_t len)
{
	redisReply *r = bench_redis_command(rc, "XREVRANGE ht:supervision:feed + - COUNT 1");

	snprintf(id, len, "0-0");
	if (r->type == REDIS_REPLY_ARRAY && r->elements == 1 &&
	    r->element[0]->type == REDIS_REPLY_ARRAY &&
	    r->element[0]->elements == 2)
		snprintf(id, len, "%s", r->element[0]->element[0]->str);
	freeReplyObject(r);
}

/* Returns the value of field name in a feed entry's field list, or NULL. */
static const char *
entry_field(const redisReply *fields, const char *name)
{
	size_t i;

	if (fields->type != REDIS_REPLY_ARRAY)
		return NULL;
	for (i = 0; i + 1 < fields->elements; i += 2)
		if (strcmp(fields->element[i]->str, name) == 0)
			return fields->element[i + 1]->str;
	return NULL;
}

/* Counts one feed entry: lag from its 'at' and from now, read at now_us (wall). */
static void
sample_take(struct sample *s, const redisReply *fields, int64_t now_us)
{
	const char *kind = entry_field(fields, "kind");
	const char *number = entry_field(fields, "number");
	const char *at = entry_field(fields, "at");
	char prefix[16];
	long i;
	int64_t due;

	snprintf(prefix, sizeof prefix, "%ld", s->arm.day);
	if (kind == NULL || number == NULL || at == NULL ||
	    strcmp(kind, OVERDUE_KIND) != 0 || strlen(number) != 14 ||
	    strncmp(number, prefix, 8) != 0 ||
	    (i = strtol(number + 8, NULL, 10)) >= s->arm.count) {
		s->strays++;
		return;
	}
	if (s->seen[i]++) {
		s->duplicates++;
		return;
	}
	s->received++;
	due = s->arm.first + (int64_t)((double)i * s->arm.step);
	latency_add(&s->at_lag, (strtoll(at, NULL, 10) - due) * 1000);
	latency_add(&s->read_lag, now_us - due * 1000);
}

/* Microseconds since the epoch (wall clock). */
static int64_t
wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* One XREAD BLOCK of the supervisors' feed; counts what it brought. */
static void
sample_read(redisContext *rc, struct sample *s)
{
	redisReply *r, *entries;
	int64_t now;
	size_t i;

	r = bench_redis_command(rc, "XREAD COUNT %d BLOCK %d STREAMS ht:supervision:feed %s",
	    READ_COUNT, READ_BLOCK_MS, s->last_id);
	now = wall_us();
	if (r->type == REDIS_REPLY_ARRAY && r->elements == 1) {
		entries = r->element[0]->element[1];
		for (i = 0; i < entries->elements; i++) {
			sample_take(s, entries->element[i]->element[1], now);
			snprintf(s->last_id, sizeof s->last_id, "%s",
			    entries->element[i]->element[0]->str);
		}
	}
	freeReplyObject(r);
}

/* Prints one lag line: percentiles of l in ms. */
static void
lag_print(const char *key, const char *label, struct latency *l,
    const struct sample *s, const struct options *o)
{
	struct bench_result r;

	bench_result_init(&r, PART, key, "ms", label);
	bench_result_add(&r, "p50_ms", latency_ms(l, 50));
	bench_result_add(&r, "p90_ms", latency_ms(l, 90));
	bench_result_add(&r, "p99_ms", latency_ms(l, 99));
	bench_result_add(&r, "p999_ms", latency_ms(l, 99.9));
	bench_result_add(&r, "max_ms", latency_max_ms(l));
	bench_result_add(&r, "count", (double)latency_count(l));
	bench_result_add(&r, "sample", (double)o->k);
	bench_result_add(&r, "missing", (double)(o->k - s->received));
	bench_result_add(&r, "duplicates", (double)s->duplicates);
	bench_result_add(&r, "pending", (double)o->n);
	bench_result_print(&r);
}

/* Arms the sample due over the next seconds and reads its events as they fire. */
static void
fire_sample(redisContext *rc, const struct options *o)
{
	struct sample s;
	struct bench_result r;
	struct costs c0, c1;
	int64_t stop;

	memset(&s, 0, sizeof s);
	latency_init(&s.at_lag);
	latency_init(&s.read_lag);
	if ((s.seen = calloc((size_t)o->k, 1)) == NULL)
		bench_die("out of memory");
	feed_tail(rc, s.last_id, sizeof s.last_id);
	s.arm = (struct arming){ SAMPLE_DAY, o->k, 0, o->span * 1000 / o->k };
	s.arm.first = bench_wall_ms() + (int64_t)(o->lead * 1000);
	bench_note("firing: %ld timers due from %g s to %g s from now", o->k,
	    o->lead, o->lead + o->span);
	costs_read(rc, o->pid, &c0);
	arm(rc, &s.arm);
	stop = s.arm.first + (int64_t)(o->span * 1000) + GRACE_MS;
	while (s.received < o->k && bench_wall_ms() < stop)
		sample_read(rc, &s);
	costs_read(rc, o->pid, &c1);
	if (s.received < o->k)
		bench_note("%ld of %ld timers never fired", o->k - s.received, o->k);
	lag_print("fire_at", "firing lag: the event's 'at' (when hotlined fired it) - due",
	    &s.at_lag, &s, o);
	lag_print("fire_read", "receipt lag: the bench read the event from ht:supervision:feed - due",
	    &s.read_lag, &s, o);
	bench_result_init(&r, PART, "fire_cost", "evalsha",
	    "firing: timer_fire.lua runs and CPU over the firing window");
	bench_result_add(&r, "value", (double)(c1.evalsha - c0.evalsha));
	costs_add(&r, &c0, &c1);
	bench_result_add(&r, "strays", (double)s.strays);
	bench_result_print(&r);
	latency_free(&s.at_lag);
	latency_free(&s.read_lag);
	free(s.seen);
}

/* Parses the options, then arms, idles and fires. */
int
main(int argc, char *argv[])
{
	struct options o;
	redisContext *rc;
	char err[1024];

	bench_set_name(argv[0]);
	parse_options(&o, argc, argv);
	if ((hotlined.cfg = config_load(o.conf, err, sizeof err)) == NULL)
		bench_die("%s", err);
	if (hotlined.cfg->ndepartments == 0)
		bench_die("%s has no departments", o.conf);
	if (hotlined.cfg->redis.feed_maxlen < o.k)
		bench_note("warning: feed_maxlen %d < sample %ld: events may be trimmed before they are read",
		    hotlined.cfg->redis.feed_maxlen, o.k);
	rc = connect_redis(&hotlined.cfg->redis);
	arm_far(rc, &o);
	idle_window(rc, &o);
	fire_sample(rc, &o);
	redisFree(rc);
	config_free(hotlined.cfg);
	return 0;
}
