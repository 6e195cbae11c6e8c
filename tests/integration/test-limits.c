/* Integration tests of the daemon's limits: a trimmed feed (re-list), the connection cap, a client that stops reading. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define FEED_MAXLEN 100		/* the smallest the config allows */
#define MAX_CONNECTIONS 12
#define OUTPUT_LIMIT 65536	/* the smallest the config allows */
#define OUTPUT_BUDGET 98304	/* all clients' unsent bytes together */
#define BIG_CONTENT_CHARS 20000	/* create's limit: about 60 KB of Chinese */

static struct harness h;
static struct hl_client *agent;

/* Starts the servers with small limits, then logs agent01 in. */
static int
setup(void **state)
{
	(void)state;
	if (harness_start(&h) == -1)
		return -1;
	if (harness_edit_config(&h.main, "feed_maxlen = 10000",
	    "feed_maxlen = 100") == -1 ||
	    harness_edit_config(&h.main, "max_connections = 1000",
	    "max_connections = 12") == -1 ||
	    harness_edit_config(&h.main, "output_limit = 8388608",
	    "output_limit = 65536; output_budget = 98304") == -1 ||
	    harness_restart(&h) == -1 ||
	    (agent = harness_login(&h, "agent01")) == NULL) {
		harness_stop(&h);
		return -1;
	}
	return 0;
}

/* Logs out and stops the servers; fails if hotlined did not exit cleanly. */
static int
teardown(void **state)
{
	(void)state;
	return harness_group_stop(&h, agent);
}

/* Returns n times the three-byte character ch as a new string (free it). */
static char *
repeated(const char *ch, int n)
{
	char *s = malloc((size_t)n * 3 + 1);
	int i;

	assert_non_null(s);
	for (i = 0; i < n; i++)
		memcpy(s + i * 3, ch, 3);
	s[n * 3] = '\0';
	return s;
}

/* Returns the length of the water department's feed, read from Redis. */
static long long
water_feed_length(void)
{
	redisContext *rc = harness_redis(&h);
	redisReply *r;
	long long n;

	assert_non_null(rc);
	r = redisCommand(rc, "XLEN ht:dept:water:feed");
	assert_non_null(r);
	n = r->integer;
	freeReplyObject(r);
	redisFree(rc);
	return n;
}

/*
 * A terminal whose cursor points before trimmed events is told to re-list;
 * it then lists its open tickets and carries on with live events.
 */
static void
test_trimmed_feed_relist(void **state)
{
	Hotline__Envelope *env, *ev, *created;
	struct hl_client *terminal;
	struct hl_error err;
	char cursor[64];
	int i;

	(void)state;
	for (i = 0; i < 3 * FEED_MAXLEN; i++)
		hl_envelope_free(harness_create(agent, "小区停水", "停水三天了"));
	assert_true(water_feed_length() < 3 * FEED_MAXLEN);

	terminal = harness_login(&h, "water-01");
	assert_non_null(terminal);
	env = harness_watch(terminal, "1-0", &err);
	assert_non_null(env);
	assert_int_equal(env->body_case, BODY(WATCHING));
	assert_true(env->watching->relist);
	assert_string_not_equal(env->watching->cursor, "1-0");
	snprintf(cursor, sizeof cursor, "%s", env->watching->cursor);
	hl_envelope_free(env);
	/* No replay after a re-list: the list is the truth. */
	assert_null(harness_event(terminal, 300));

	env = harness_list(terminal, 0, &err);
	assert_non_null(env);
	/* 200 at most, fewer when they pass a quarter of output_limit. */
	assert_true(env->tickets->n_tickets > 0);
	assert_true(env->tickets->n_tickets <= 200);
	assert_true(env->tickets->truncated);
	assert_string_not_equal(env->tickets->next_cursor, "");
	hl_envelope_free(env);

	created = harness_create(agent, "停水", "又停水了");
	ev = harness_event(terminal, 5000);
	assert_non_null(ev);
	assert_int_equal(ev->event->kind, HOTLINE__EVENT_KIND__EVENT_KIND_DISPATCHED);
	assert_string_equal(ev->event->number, created->created->ticket->number);
	assert_true(strcmp(ev->event->id, cursor) > 0 ||
	    strlen(ev->event->id) > strlen(cursor));
	hl_envelope_free(ev);
	hl_envelope_free(created);
	hl_close(terminal);
}

/* Cursor "0" means "all retained": never a re-list, even after trimming. */
static void
test_cursor_zero_never_relists(void **state)
{
	Hotline__Envelope *env, *ev;
	struct hl_client *terminal = harness_login(&h, "water-01");
	struct hl_error err;
	long long retained = water_feed_length(), received = 0;

	(void)state;
	assert_non_null(terminal);
	env = harness_watch(terminal, "0", &err);
	assert_non_null(env);
	assert_false(env->watching->relist);
	hl_envelope_free(env);
	while ((ev = harness_event(terminal, 1000)) != NULL) {
		received++;
		hl_envelope_free(ev);
	}
	assert_int_equal(received, retained);
	hl_close(terminal);
}

/*
 * Logs agent02 in, retrying for a second: a connection closed just before
 * holds its slot until the daemon's next loop turn notices the close.
 */
static struct hl_client *
login_when_slot_free(const char *addr)
{
	struct hl_client *c = NULL;
	struct hl_error err;
	int i;

	for (i = 0; i < 50 && c == NULL; i++) {
		c = harness_try_login(addr, "agent02", &err);
		if (c == NULL)
			harness_sleep_ms(20);
	}
	return c;
}

/* Past max_connections a new connection gets RATE_LIMITED and is closed; a freed slot serves again. */
static void
test_connection_limit(void **state)
{
	struct hl_client *held[MAX_CONNECTIONS], *extra;
	char addr[HARNESS_PATH + 8];
	int i, n = 0;

	(void)state;
	harness_unix_address(&h.main, addr, sizeof addr);
	/* agent01 holds one slot already. */
	for (i = 0; i < MAX_CONNECTIONS - 1; i++) {
		held[n] = login_when_slot_free(addr);
		assert_non_null(held[n]);
		n++;
	}
	extra = harness_connect(addr);
	assert_non_null(extra);
	harness_expect_error_frame(extra, ERR(RATE_LIMITED), 0);
	harness_assert_closed(extra);
	hl_close(extra);

	hl_close(held[--n]);
	extra = login_when_slot_free(addr);
	assert_non_null(extra);
	hl_close(extra);
	while (n > 0)
		hl_close(held[--n]);
}

/*
 * A connection that never says hello is told so and closed after
 * limits.hello_timeout_ms (3 s in the test config): it cannot hold a slot
 * of max_connections for ever.
 */
static void
test_no_hello_closed(void **state)
{
	char addr[HARNESS_PATH];
	struct hl_client *c;

	(void)state;
	harness_unix_address(&h.main, addr, sizeof addr);
	c = harness_connect(addr);
	harness_expect_error_frame(c, ERR(UNAUTHENTICATED), 0);
	harness_assert_closed(c);
	hl_close(c);
	harness_assert_serving(&h);
}

/* A client that sends requests but stops reading is cut off at output_limit; others carry on. */
static void
test_slow_reader_cut_off(void **state)
{
	Hotline__ShowRequest show = HOTLINE__SHOW_REQUEST__INIT;
	Hotline__Envelope *created, *f;
	struct hl_client *slow;
	struct hl_error err;
	char *content;
	int i, sent = 0, answers = 0, rc;

	(void)state;
	/* 20000 three-byte characters: every answer is about 60 KB. */
	content = repeated("停", BIG_CONTENT_CHARS);
	created = harness_create(agent, "停水", content);
	free(content);

	slow = harness_login(&h, "agent02");
	assert_non_null(slow);
	show.number = created->created->ticket->number;
	for (i = 1; i <= 200; i++)
		if (harness_send(slow, (uint64_t)i, BODY(SHOW), &show) == 0)
			sent++;
	harness_sleep_ms(1000);
	/* Everything the daemon wrote before cutting it off, then the end. */
	while ((rc = hl_recv(slow, 2000, &f, &err)) == 1) {
		answers++;
		hl_envelope_free(f);
	}
	assert_int_equal(rc, -1);
	assert_int_equal(err.code, HL_ERR_IO);
	assert_true(answers < sent);
	hl_close(slow);
	harness_assert_serving(&h);
	hl_envelope_free(created);
}

/* Lists one page as c from cursor; asserts an answer. */
static Hotline__Envelope *
list_page(struct hl_client *c, const char *cursor)
{
	Hotline__ListRequest req = HOTLINE__LIST_REQUEST__INIT;
	Hotline__Envelope *env;
	struct hl_error err;

	req.cursor = (char *)cursor;
	env = harness_call(c, BODY(LIST), &req, &err);
	assert_reply(env, err);
	return env;
}

/*
 * Issue 14.10: a department whose open tickets together passed
 * output_limit never got an answer to list (the connection was closed).
 * Pages are cut by bytes as well as by count, and next_cursor walks them
 * all: every ticket once, in order, on a connection that stays.
 */
static void
test_list_pages_by_bytes(void **state)
{
	enum { N = 6, CHARS = 6000 };	/* 18 KB each: 108 KB in all */
	struct hl_client *sthjj = harness_login(&h, "sthjj-01");
	char numbers[N][32], cursor[64] = "", *content;
	Hotline__ListRequest bad = HOTLINE__LIST_REQUEST__INIT;
	Hotline__Envelope *env;
	struct hl_error err;
	size_t i, seen = 0, pages = 0;

	(void)state;
	assert_non_null(sthjj);
	content = repeated("噪", CHARS);
	for (i = 0; i < N; i++) {
		env = harness_create(agent, "噪音扰民", content);
		assert_string_equal(
		    env->created->ticket->lead_department->id, "sthjj");
		snprintf(numbers[i], sizeof numbers[i], "%s",
		    env->created->ticket->number);
		hl_envelope_free(env);
	}
	free(content);
	do {
		env = list_page(sthjj, cursor);
		assert_true(env->tickets->n_tickets > 0);
		for (i = 0; i < env->tickets->n_tickets; i++) {
			assert_true(seen < N);
			assert_string_equal(env->tickets->tickets[i]->number,
			    numbers[seen]);
			seen++;
		}
		assert_int_equal(env->tickets->truncated, seen < N);
		snprintf(cursor, sizeof cursor, "%s",
		    env->tickets->next_cursor);
		hl_envelope_free(env);
		pages++;
	} while (cursor[0] != '\0' && pages <= N);
	assert_int_equal(seen, N);
	assert_true(pages > 1);
	bad.cursor = "not a cursor";
	env = harness_call(sthjj, BODY(LIST), &bad, &err);
	assert_error(env, err, ERR(BAD_REQUEST));
	assert_string_equal(err.field, "cursor");
	hl_close(sthjj);
}

/*
 * Sends shows of number on c one at a time (ids from *id) until the
 * daemon's metric name reaches at_least; gives up after 400 shows.
 */
static void
show_until(struct hl_client *c, const char *number, uint64_t *id,
    const char *name, double at_least)
{
	Hotline__ShowRequest show = HOTLINE__SHOW_REQUEST__INIT;
	int i;

	show.number = (char *)number;
	for (i = 0; i < 400 && harness_metric(&h.main, name) < at_least;
	    i++) {
		if (harness_send(c, ++*id, BODY(SHOW), &show) == -1)
			return;		/* cut off already */
		harness_sleep_ms(20);
	}
}

/*
 * Issue 14.9: each client could hold output_limit unsent, so slow readers
 * together could take max_connections x output_limit of memory (180 took
 * RSS from 30 to 333 MB). Past limits.output_budget the largest holder is
 * cut off; the daemon's unsent bytes stay within it and /metrics shows
 * them; everyone else is served.
 */
static void
test_output_budget(void **state)
{
	enum { CHARS = 2700 };		/* about 8 KB an answer */
	struct hl_client *slow1, *slow2;
	Hotline__Envelope *made;
	struct hl_error err;
	uint64_t id = 0;
	char *content;

	(void)state;
	assert_int_equal(harness_metric(&h.main,
	    "hotline_output_budget_bytes"), OUTPUT_BUDGET);
	/* Unlike the earlier tickets: no 60 KB repeat in the answer. */
	content = repeated("漏", CHARS);
	made = harness_create(agent, "停水", content);
	free(content);
	slow1 = harness_login(&h, "agent02");
	slow2 = harness_login(&h, "agent02");
	assert_non_null(slow1);
	assert_non_null(slow2);
	/* slow1 holds about 40 KB, below its own output_limit. */
	show_until(slow1, made->created->ticket->number, &id,
	    "hotline_output_unsent_bytes", 40000);
	assert_true(harness_metric(&h.main, "hotline_output_unsent_bytes") >=
	    40000);
	/* slow2 takes all clients past the budget before its own limit. */
	show_until(slow2, made->created->ticket->number, &id,
	    "hotline_output_budget_cuts_total", 1);
	assert_true(harness_metric(&h.main,
	    "hotline_output_budget_cuts_total") >= 1);
	assert_true(harness_metric(&h.main, "hotline_output_unsent_bytes") <=
	    OUTPUT_BUDGET);
	assert_int_equal(harness_ping(agent, &err), 1);
	harness_assert_serving(&h);
	hl_close(slow1);
	hl_close(slow2);
	hl_envelope_free(made);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trimmed_feed_relist),
		cmocka_unit_test(test_cursor_zero_never_relists),
		cmocka_unit_test(test_connection_limit),
		cmocka_unit_test(test_no_hello_closed),
		cmocka_unit_test(test_slow_reader_cut_off),
		cmocka_unit_test(test_list_pages_by_bytes),
		cmocka_unit_test(test_output_budget),
	};

	harness_filter();
	return cmocka_run_group_tests_name("limits", tests, setup, teardown);
}
