/* One /metrics answer: reads the figures kept in Redis (tickets by state, today's breaches by kind), then writes every metric. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "hotlined.h"

#define SCRAPE_STATES 32	/* TicketState numbers counted: 1 to 31 */
#define SCRAPE_KINDS 16		/* breach kinds kept per answer */
#define SCRAPE_STATES_KEY "ht:stats:states"	/* state number -> tickets */
#define SCRAPE_BREACHES_KEY "ht:stats:breaches:"	/* + yyyymmdd */

/* A timer kind of timer_fire.lua and how often it fired today. */
struct scrape_kind {
	char name[24];			/* [a-z0-9_] only: no escaping */
	long long n;
};

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
	int breaches_ok;
	struct scrape_kind kinds[SCRAPE_KINDS];
	int nkinds;
	LIST_ENTRY(scrape) entry;
};

static LIST_HEAD(, scrape) scrapes = LIST_HEAD_INITIALIZER(scrapes);

/* The kinds timer_fire.lua knows, always written so their series exist. */
static const char *const known_kinds[] = {
	"sign", "warn", "overdue", "callback", "sup",
};

/* Returns the count of kind name in s, adding it; NULL if unusable or no room. */
static long long *
scrape_kind(struct scrape *s, const char *name, size_t len)
{
	int i;

	if (len == 0 || len >= sizeof s->kinds[0].name ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") < len)
		return NULL;
	for (i = 0; i < s->nkinds; i++)
		if (strlen(s->kinds[i].name) == len &&
		    memcmp(s->kinds[i].name, name, len) == 0)
			return &s->kinds[i].n;
	if (s->nkinds == SCRAPE_KINDS)
		return NULL;
	memcpy(s->kinds[s->nkinds].name, name, len);
	s->kinds[s->nkinds].name[len] = '\0';
	return &s->kinds[s->nkinds++].n;
}

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
	int i;

	evbuffer_add_printf(out, "# HELP hotline_scrape_redis_ok 1 when this "
	    "answer holds hotline_tickets and hotline_breaches_today (Redis "
	    "answered).\n# TYPE hotline_scrape_redis_ok gauge\n"
	    "hotline_scrape_redis_ok %d\n", s->states_ok && s->breaches_ok);
	if (s->states_ok)
		scrape_render_states(s, out);
	if (!s->breaches_ok)
		return;
	evbuffer_add_printf(out, "# HELP hotline_breaches_today Timers fired "
	    "today (Asia/Shanghai) by every daemon, by kind, from "
	    SCRAPE_BREACHES_KEY "<day>.\n"
	    "# TYPE hotline_breaches_today gauge\n");
	for (i = 0; i < s->nkinds; i++)
		evbuffer_add_printf(out, "hotline_breaches_today{kind=\"%s\"} "
		    "%lld\n", s->kinds[i].name, s->kinds[i].n);
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

/* store: HGETALL of today's breaches ("zjj:sign" -> "2"), summed by kind. */
static void
scrape_breaches(redisReply *r, void *priv)
{
	struct scrape *s = priv;
	const char *field, *colon;
	long long *n;
	size_t i;

	if (scrape_is_hash(r)) {
		s->breaches_ok = 1;
		for (i = 0; i < r->elements; i += 2) {
			field = r->element[i]->str;
			colon = strrchr(field, ':');
			field = colon != NULL ? colon + 1 : field;
			if ((n = scrape_kind(s, field, strlen(field))) != NULL)
				*n += strtoll(r->element[i + 1]->str, NULL, 10);
		}
	}
	scrape_replied(s);
}

/*
 * Answers GET /metrics on req once Redis gave the figures it keeps (or
 * failed: then those families are left out and hotline_scrape_redis_ok
 * is 0). Redis answers or fails within redis.timeout_ms.
 */
void
scrape_start(struct evhttp_request *req)
{
	struct scrape *s = xcalloc(1, sizeof *s);
	char key[64], day[9];
	const char *states[2] = { "HGETALL", SCRAPE_STATES_KEY };
	const char *breaches[2] = { "HGETALL", key };
	size_t i;

	s->req = req;
	s->waiting = 1;		/* held until both are sent */
	LIST_INSERT_HEAD(&scrapes, s, entry);
	for (i = 0; i < sizeof known_kinds / sizeof known_kinds[0]; i++)
		scrape_kind(s, known_kinds[i], strlen(known_kinds[i]));
	ticket_day(now_ms(), day);
	snprintf(key, sizeof key, SCRAPE_BREACHES_KEY "%s", day);
	if (store_command(2, states, scrape_states, s) == 0)
		s->waiting++;
	if (store_command(2, breaches, scrape_breaches, s) == 0)
		s->waiting++;
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
