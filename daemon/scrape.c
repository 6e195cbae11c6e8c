/* One /metrics answer: reads the figures kept in Redis (tickets by state, today's breaches and warnings), then writes every metric. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "hotlined.h"
#include "keys.h"
#include "script-args.h"

#define SCRAPE_STATES 32	/* TicketState numbers counted: 1 to 31 */
#define SCRAPE_STATES_KEY KEY_STATS_STATES	/* state number -> tickets */

/* Today's city-wide counters (stats.lua, scope "all") shown as breaches, by kind. */
static const struct {
	const char *counter;		/* proto's Counters field */
	const char *kind;		/* the label, as ht:breaches:<day> names it */
} breach_kinds[] = {
	{ "sign_overdue", "sign" },
	{ "overdue", "complete" },
	{ "supervision_overdue", "supervision" },
	{ "callback_overdue", "callback" },
};
#define SCRAPE_KINDS (sizeof breach_kinds / sizeof breach_kinds[0])

/*
 * A /metrics request waiting for Redis. Invariant: it is on the scrapes
 * list until its last reply came (waiting == 0), then freed; req is NULL
 * once answered, which may be earlier (scrape_abort_all).
 */
struct scrape {
	struct evhttp_request *req;
	int waiting;			/* Redis replies still due */
	int states_ok;			/* the figures below were read */
	long long states[SCRAPE_STATES];
	int today_ok;
	long long breaches[SCRAPE_KINDS];
	long long warned;
	LIST_ENTRY(scrape) entry;
};

static LIST_HEAD(, scrape) scrapes = LIST_HEAD_INITIALIZER(scrapes);

/* Writes tickets by state; states are named after proto's TicketState, lower case. */
static void
scrape_render_states(const struct scrape *s, struct evbuffer *out)
{
	const ProtobufCEnumDescriptor *d = &hotline__ticket_state__descriptor;
	char name[40];
	unsigned i, j;

	evbuffer_add_printf(out, "# HELP hotline_tickets Tickets in each state "
	    "now, from " SCRAPE_STATES_KEY ".\n# TYPE hotline_tickets gauge\n");
	for (i = 0; i < d->n_values; i++) {
		if (d->values[i].value <= 0 ||
		    d->values[i].value >= SCRAPE_STATES)
			continue;
		snprintf(name, sizeof name, "%s", d->values[i].name +
		    (strncmp(d->values[i].name, "TICKET_STATE_", 13) == 0 ?
		    13 : 0));
		for (j = 0; name[j] != '\0'; j++)
			if (name[j] >= 'A' && name[j] <= 'Z')
				name[j] = (char)(name[j] - 'A' + 'a');
		evbuffer_add_printf(out, "hotline_tickets{state=\"%s\"} %lld\n",
		    name, s->states[d->values[i].value]);
	}
}

/* Writes the figures read from Redis; families Redis did not give are left out. */
static void
scrape_render(const struct scrape *s, struct evbuffer *out)
{
	size_t i;

	evbuffer_add_printf(out, "# HELP hotline_scrape_redis_ok 1 when this "
	    "answer holds hotline_tickets, hotline_breaches_today and "
	    "hotline_warnings_today (Redis answered).\n"
	    "# TYPE hotline_scrape_redis_ok gauge\n"
	    "hotline_scrape_redis_ok %d\n", s->states_ok && s->today_ok);
	if (s->states_ok)
		scrape_render_states(s, out);
	if (!s->today_ok)
		return;
	evbuffer_add_printf(out, "# HELP hotline_breaches_today Deadlines "
	    "missed today (Asia/Shanghai) in the whole city, by kind.\n"
	    "# TYPE hotline_breaches_today gauge\n");
	for (i = 0; i < SCRAPE_KINDS; i++)
		evbuffer_add_printf(out, "hotline_breaches_today{kind=\"%s\"} "
		    "%lld\n", breach_kinds[i].kind, s->breaches[i]);
	evbuffer_add_printf(out, "# HELP hotline_warnings_today Warnings (黄灯) "
	    "given today (Asia/Shanghai) in the whole city.\n"
	    "# TYPE hotline_warnings_today gauge\n"
	    "hotline_warnings_today %lld\n", s->warned);
}

/* Answers s's request now with what it has (once). */
static void
scrape_answer(struct scrape *s)
{
	struct evbuffer *out;

	if (s->req == NULL)
		return;
	out = evbuffer_new();
	metrics_render(out);
	scrape_render(s, out);
	evhttp_add_header(evhttp_request_get_output_headers(s->req),
	    "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	evhttp_send_reply(s->req, HTTP_OK, "OK", out);
	evbuffer_free(out);
	s->req = NULL;
}

/* One reply of s came: the last one answers the request and frees s. */
static void
scrape_replied(struct scrape *s)
{
	if (--s->waiting > 0)
		return;
	scrape_answer(s);
	LIST_REMOVE(s, entry);
	free(s);
}

/* Returns 1 if r is a hash as HGETALL gives it: field, value, ... strings. */
static int
scrape_is_hash(const redisReply *r)
{
	size_t i;

	if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements % 2 != 0)
		return 0;
	for (i = 0; i < r->elements; i++)
		if (r->element[i]->type != REDIS_REPLY_STRING)
			return 0;
	return 1;
}

/* store: HGETALL ht:stats:states ("3" -> "12"); fields not a state number are skipped. */
static void
scrape_states(redisReply *r, void *priv)
{
	struct scrape *s = priv;
	char *end;
	long state;
	size_t i;

	if (scrape_is_hash(r)) {
		s->states_ok = 1;
		for (i = 0; i < r->elements; i += 2) {
			state = strtol(r->element[i]->str, &end, 10);
			if (*end == '\0' && end != r->element[i]->str &&
			    state > 0 && state < SCRAPE_STATES)
				s->states[state] = strtoll(
				    r->element[i + 1]->str, NULL, 10);
		}
	}
	scrape_replied(s);
}

/* store: stats_read.lua of today, scope "all": {{counter, sum, ...}}, non-zero sums only. */
static void
scrape_today(redisReply *r, void *priv)
{
	struct scrape *s = priv;
	const redisReply *h;
	size_t i, k;

	if (r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements == 1 &&
	    scrape_is_hash(h = r->element[0])) {
		s->today_ok = 1;
		for (i = 0; i < h->elements; i += 2) {
			for (k = 0; k < SCRAPE_KINDS; k++)
				if (strcmp(h->element[i]->str,
				    breach_kinds[k].counter) == 0)
					s->breaches[k] = strtoll(
					    h->element[i + 1]->str, NULL, 10);
			if (strcmp(h->element[i]->str, "warned") == 0)
				s->warned = strtoll(h->element[i + 1]->str,
				    NULL, 10);
		}
	}
	scrape_replied(s);
}

/*
 * Answers GET /metrics on req once Redis gave the figures it keeps (or
 * failed: then those families are left out and hotline_scrape_redis_ok
 * is 0). Redis answers or fails within redis.timeout_ms. The day is the
 * daemon's (test clock included), as timer_fire.lua counts it.
 */
void
scrape_start(struct evhttp_request *req)
{
	struct scrape *s = xcalloc(1, sizeof *s);
	struct store_args args = { 0 };
	const char *states[2] = { "HGETALL", SCRAPE_STATES_KEY };
	static const char *const all[] = { "all", NULL };
	char day[9];

	s->req = req;
	s->waiting = 1;		/* held until both are sent */
	LIST_INSERT_HEAD(&scrapes, s, entry);
	if (store_read(2, states, scrape_states, s) == 0)
		s->waiting++;
	ticket_day(now_ms(), day);
	script_args_stats_read(&args, day, all);
	if (store_script(SCRIPT_STATS_READ, 0, &args, scrape_today, s) == 0)
		s->waiting++;
	store_args_free(&args);
	scrape_replied(s);
}

/* The HTTP side stops: answers every waiting request now, without Redis's figures. */
void
scrape_abort_all(void)
{
	struct scrape *s;

	LIST_FOREACH(s, &scrapes, entry)
		scrape_answer(s);
}
