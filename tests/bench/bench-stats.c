/* make bench-stats: the supervision queries (scorecards, ranking, hot spots, 预警, breaches) over a quarter of 100,000 tickets, answered through hotlined. */
#include <sys/wait.h>

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "hotlined.h"
#include "common.h"
#include "redis-link.h"
#include "latency.h"
#include "load.h"

#define BODY(x) HOTLINE__ENVELOPE__BODY_##x
#define DAY_MS 86400000LL
#define ZONE_MS (8 * 3600000LL)

/* Settings (environment): BENCH_STATS_TICKETS, BENCH_STATS_REPEATS. */
struct setup {
	const char *hotline, *redis, *conf;
	long tickets;
	long repeats;
	char quarter[16];	/* "2027-Q1" */
	int64_t from_ms;	/* its first instant */
	int64_t span_ms;	/* its length */
};

/* Returns the environment variable name, or dies. */
static const char *
need_env(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL || *v == '\0')
		bench_die("%s is not set (run me through make bench-stats)", name);
	return v;
}

/*
 * Picks the quarter after the current one: its tickets' deadlines lie in
 * the future, so no timer fires while the queries are measured.
 */
static void
pick_quarter(struct setup *s)
{
	int32_t today = deadline_day(bench_wall_ms());
	int y, m, d, q;

	deadline_day_date(today, &y, &m, &d);
	q = (m - 1) / 3 + 2;
	if (q == 5) {
		q = 1;
		y++;
	}
	snprintf(s->quarter, sizeof s->quarter, "%04u-Q%u", (unsigned)y % 10000u,
	    (unsigned)q % 10u);
	s->from_ms = deadline_midnight(deadline_date_day(y, 3 * q - 2, 1));
	s->span_ms = (q == 4 ? deadline_midnight(deadline_date_day(y + 1, 1, 1)) :
	    deadline_midnight(deadline_date_day(y, 3 * q + 1, 1))) - s->from_ms;
}

/* Registers the tickets with bench-limit's fill mode (create.lua, the daemon's arguments). */
static void
fill(const struct setup *s, const char *argv0)
{
	char limit[1024], count[32], stamp[64];
	const char *slash = strrchr(argv0, '/');
	pid_t pid;
	int status;

	snprintf(limit, sizeof limit, "%.*sbench-limit",
	    slash != NULL ? (int)(slash - argv0 + 1) : 0, argv0);
	snprintf(count, sizeof count, "%ld", s->tickets);
	snprintf(stamp, sizeof stamp, "%" PRId64 ":%" PRId64, s->from_ms,
	    s->span_ms);
	if ((pid = fork()) == -1)
		bench_die("fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(STDERR_FILENO, STDOUT_FILENO);	/* its line is not ours */
		execl(limit, limit, "-c", s->conf, "-r", s->redis, "-n", count,
		    "-T", stamp, "-w", "256", "-k", "stats_fill", (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) == -1 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		bench_die("%s failed", limit);
}

/*
 * Gives every counter hash of the quarter its full shape: the fill counted
 * what intake counts (registered, received, direct answers); a real quarter
 * also has signs, replies, callbacks and breaches for every department,
 * category and district that appears, so each id gets every counter, and a
 * tenth of the tickets a breach in the day's list. Returns the fields added.
 */
static long
pad(redisContext *rc, const struct setup *s)
{
	static const char *const counters[] = { "signed", "signed_on_time",
	    "sign_overdue", "returned", "completed", "completed_on_time",
	    "overdue", "warned", "extended", "reopened", "callback_satisfied",
	    "callback_basically_satisfied", "callback_unsatisfied",
	    "callback_unreachable", "solved", "urged", "supervised",
	    "exempted", "sign_seconds", "complete_seconds" };
	static const char *const scopes[] = { "d", "c", "z" };
	redisReply *ids;
	long added = 0, pending = 0, breaches = 0;
	int64_t t;
	size_t i, j, k;
	char day[9], month[7], prefix[600];

	for (t = s->from_ms; t < s->from_ms + s->span_ms; t += DAY_MS) {
		ticket_day(t, day);
		snprintf(month, sizeof month, "%.6s", day);
		for (k = 0; k < 3; k++) {
			ids = bench_redis_command(rc, "HKEYS ht:stats:%s:%s", day, scopes[k]);
			for (i = 0; i < ids->elements; i++) {
				const char *f = ids->element[i]->str;
				const char *colon = strrchr(f, ':');

				if (colon == NULL || strcmp(colon + 1,
				    "registered") != 0)
					continue;
				snprintf(prefix, sizeof prefix, "%.*s",
				    (int)(colon - f), f);
				for (j = 0; j < sizeof counters / sizeof *counters; j++) {
					redisAppendCommand(rc, "HINCRBY ht:stats:%s:%s %s:%s 1",
					    day, scopes[k], prefix, counters[j]);
					redisAppendCommand(rc, "HINCRBY ht:stats:%s:%s %s:%s 1",
					    month, scopes[k], prefix, counters[j]);
					pending += 2;
					added++;
				}
			}
			freeReplyObject(ids);
		}
		for (i = 0; i < (size_t)(s->tickets / 10 / 90); i++) {
			char entry[96];

			snprintf(entry, sizeof entry, "%lld 20990101%06zu sign %s %lld",
			    (long long)t, i, hotlined.cfg->departments[i % hotlined.cfg->ndepartments].id,
			    (long long)t);
			redisAppendCommand(rc, "RPUSH ht:breaches:%s %s", day, entry);
			pending++;
			breaches++;
		}
		while (pending > 0) {
			redisReply *r;

			if (redisGetReply(rc, (void **)&r) != REDIS_OK)
				bench_die("redis: %s", rc->errstr);
			freeReplyObject(r);
			pending--;
		}
	}
	bench_note("padded %ld counter fields, %ld breaches", added, breaches);
	return added;
}

/* Runs one query repeats times (after a warm-up) and prints its result line. */
static void
measure(struct hl_client *c, const struct setup *s, const char *key,
    const char *label, Hotline__Envelope *env,
    size_t (*size)(const Hotline__Envelope *))
{
	struct bench_result res;
	struct latency lat;
	struct hl_error err;
	Hotline__Envelope *rep = NULL;
	size_t answered = 0;
	long i;
	int64_t t0;

	latency_init(&lat);
	for (i = -5; i < s->repeats; i++) {
		t0 = bench_now_us();
		if (hl_call(c, env, &rep, &err) != 0)
			bench_die("%s: %s", key, err.message);
		if (i >= 0)
			latency_add(&lat, bench_now_us() - t0);
		answered = size(rep);
		hl_envelope_free(rep);
	}
	bench_result_init(&res, "stats", key, "ms", label);
	bench_result_add(&res, "p50", latency_ms(&lat, 50));
	bench_result_add(&res, "p99", latency_ms(&lat, 99));
	bench_result_add(&res, "max", latency_max_ms(&lat));
	bench_result_add(&res, "items", (double)answered);
	bench_result_print(&res);
	latency_free(&lat);
}

/* Sizes of answers, for the table. */
static size_t
scores_of(const Hotline__Envelope *e)
{
	return e->scorecards->n_departments;
}

/* How many hot items came back. */
static size_t
hot_of(const Hotline__Envelope *e)
{
	return e->hot_list->n_items;
}

/* How many tickets matched the overdue or 预警 query. */
static size_t
due_of(const Hotline__Envelope *e)
{
	return e->overdue_list->matched;
}

/* How many breaches the period has. */
static size_t
breaches_of(const Hotline__Envelope *e)
{
	return e->breach_list->total;
}

/* Every query a supervisor asks about the quarter. */
static void
measure_all(struct hl_client *c, const struct setup *s)
{
	Hotline__ScorecardRequest sc = HOTLINE__SCORECARD_REQUEST__INIT;
	Hotline__HotRequest hot = HOTLINE__HOT_REQUEST__INIT;
	Hotline__OverdueRequest od = HOTLINE__OVERDUE_REQUEST__INIT;
	Hotline__BreachesRequest br = HOTLINE__BREACHES_REQUEST__INIT;
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT;
	char label[256];

	sc.period = (char *)s->quarter;
	env.body_case = BODY(SCORECARD);
	env.scorecard = &sc;
	snprintf(label, sizeof label, "ranking of every department, %s "
	    "(%ld tickets)", s->quarter, s->tickets);
	measure(c, s, "stats_ranking", label, &env, scores_of);
	sc.department = hotlined.cfg->departments[0].id;
	measure(c, s, "stats_scorecard", "one department's scorecard, the "
	    "quarter", &env, scores_of);

	hot.period = (char *)s->quarter;
	hot.limit = 20;
	env.body_case = BODY(HOT);
	env.hot = &hot;
	measure(c, s, "stats_hot_categories", "hot categories (top 20), the "
	    "quarter", &env, hot_of);
	hot.dimension = HOTLINE__HOT_DIMENSION__HOT_DIMENSION_DISTRICT;
	measure(c, s, "stats_hot_districts", "hot districts, the quarter",
	    &env, hot_of);

	br.period = (char *)s->quarter;
	env.body_case = BODY(BREACHES);
	env.breaches = &br;
	measure(c, s, "stats_breaches", "breaches of the quarter (a tenth of "
	    "the tickets), first page of 200", &env, breaches_of);

	/* The quarter lies ahead: a window reaching past it is the worst 预警. */
	od.within_hours = 24.0 * 366;
	env.body_case = BODY(OVERDUE);
	env.overdue = &od;
	measure(c, s, "stats_due", "预警 matching every open ticket, first "
	    "200", &env, due_of);
	od.department = hotlined.cfg->departments[0].id;
	measure(c, s, "stats_due_department", "the same for one department",
	    &env, due_of);
	od.department = "";
	od.type = HOTLINE__TICKET_TYPE__TICKET_TYPE_COMPLAINT;
	measure(c, s, "stats_due_filtered", "the same for complaints (a filter: "
	    "2,000 tickets of each deadline looked at)", &env, due_of);
}

/* Fills a quarter, pads its counters, then measures the queries. */
int
main(int argc, char *argv[])
{
	struct setup s;
	struct hl_client *c;
	redisContext *rc;
	char err[1024], server[64];

	(void)argc;
	bench_set_name(argv[0]);
	memset(&s, 0, sizeof s);
	s.hotline = need_env("BENCH_HOTLINE");
	s.redis = need_env("BENCH_REDIS");
	s.conf = need_env("BENCH_CONF");
	s.tickets = getenv("BENCH_STATS_TICKETS") != NULL ? bench_atol(
	    "BENCH_STATS_TICKETS", getenv("BENCH_STATS_TICKETS"), 1000,
	    10000000) : 100000;
	s.repeats = getenv("BENCH_STATS_REPEATS") != NULL ? bench_atol(
	    "BENCH_STATS_REPEATS", getenv("BENCH_STATS_REPEATS"), 10, 100000) :
	    200;
	if ((hotlined.cfg = config_load(s.conf, err, sizeof err)) == NULL)
		bench_die("%s", err);
	pick_quarter(&s);
	bench_note("registering %ld tickets over %s", s.tickets, s.quarter);
	fill(&s, argv[0]);
	rc = bench_redis_open(s.redis);
	pad(rc, &s);
	redisFree(rc);
	c = load_login(s.hotline, "supervisor01", server, sizeof server);
	measure_all(c, &s);
	hl_close(c);
	config_free(hotlined.cfg);
	return 0;
}
