/*
 * Regression tests of crashes the fuzz targets found (tests/fuzz/, make
 * fuzz). Each replays one input's path through the daemon's own code with
 * small doubles of the store (no Redis: a script's callback runs when the
 * test says) and of a connection (no socket: its unsent output is a
 * count), as fuzz-dispatch does. Run them under SANITIZE=address,undefined
 * to see a use-after-free reported where it happens; a plain build usually
 * crashes a little later.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hotlined.h"

#define OUTPUT_LIMIT 65536	/* the smallest limits.output_limit allowed */

static struct department departments[] = {
	{ (char *)"zjj", (char *)"住建局" },
};
static struct config test_config;

/* The one script call waiting for its answer, if any. */
static store_cb pending_cb;
static void *pending_priv;
static int calls;

/* The connection's bytes written and not read by its client. */
static size_t unsent;

/* Store double: keeps the call; the test answers it with answer(). The real store_args_* and store_error_code (store-args.c) are linked. */
int
store_script_after(enum script_id script, int nkeys,
    const struct store_args *args, int behind_writes, const char *who,
    store_cb cb, void *priv)
{
	(void)script;
	(void)nkeys;
	(void)args;
	(void)behind_writes;
	(void)who;
	assert_null(pending_cb);
	pending_cb = cb;
	pending_priv = priv;
	calls++;
	return 0;
}

/* Store double: as store_script_after. */
int
store_script(enum script_id script, int nkeys, const struct store_args *args,
    store_cb cb, void *priv)
{
	return store_script_after(script, nkeys, args, 0, NULL, cb, priv);
}

/* Nothing waits for Redis on either link here but the one call. */
int
store_pending_for(enum script_id script, int behind_writes)
{
	(void)script;
	(void)behind_writes;
	return pending_cb != NULL;
}

/* Which scripts write does not matter to these tests (the link is a double). */
int
store_script_writes(enum script_id script)
{
	(void)script;
	return 0;
}

/* Answers the waiting call with reply (which it frees). */
static void
answer(redisReply *reply)
{
	store_cb cb = pending_cb;

	assert_non_null(cb);
	pending_cb = NULL;
	cb(reply, pending_priv);
	freeReplyObject(reply);
}

/* Always ready. */
int
store_ready(void)
{
	return 1;
}

/* Nothing waits for Redis here. */
int
store_pending(void)
{
	return pending_cb != NULL;
}

/* One connection at a time in these tests. */
int
server_busy(void)
{
	return 1;
}

/* The output budget's figures (metrics.c reads them). */
size_t
server_output_unsent(void)
{
	return unsent;
}

/* No cuts for the budget in these tests. */
unsigned long long
server_output_budget_cuts(void)
{
	return 0;
}

/* Connection double: server.c's output limit, without a socket. */
void
server_write(struct conn *c, const uint8_t *data, size_t len)
{
	(void)data;
	if (c->closed)
		return;
	if (unsent + len > hotlined.cfg->limits.output_limit) {
		server_close(c);
		return;
	}
	unsent += len;
}

/* Returns the unsent bytes. */
size_t
server_output_length(const struct conn *c)
{
	(void)c;
	return unsent;
}

/* Closes c as server.c does: requests and watch detached. */
void
server_close(struct conn *c)
{
	if (c->closed)
		return;
	c->closed = c->closing = 1;
	session_closed(c);
}

/* Closes c once nothing is pending or unsent. */
void
server_close_after_flush(struct conn *c)
{
	c->closing = 1;
	if (unsent == 0 && c->npending == 0)
		server_close(c);
}

/* Reading resumes. */
void
server_resume(struct conn *c)
{
	c->paused = 0;
}

/* A string reply holding a copy of s. */
static redisReply *
reply_text(const char *s)
{
	redisReply *r = calloc(1, sizeof *r);

	assert_non_null(r);
	r->type = REDIS_REPLY_STRING;
	r->len = strlen(s);
	r->str = strdup(s);
	return r;
}

/* An array reply of the n replies that follow. */
static redisReply *
reply_array(size_t n, ...)
{
	redisReply *r = calloc(1, sizeof *r);
	va_list ap;
	size_t i;

	assert_non_null(r);
	r->type = REDIS_REPLY_ARRAY;
	r->elements = n;
	r->element = calloc(n + 1, sizeof *r->element);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		r->element[i] = va_arg(ap, redisReply *);
	va_end(ap);
	return r;
}

/* feed_read.lua's answer: {"ok", cursor, {one event of a ticket in triage}}. */
static redisReply *
feed_one_event(void)
{
	redisReply *ticket = reply_array(6, reply_text("number"),
	    reply_text("20261122000001"), reply_text("state"),
	    reply_text("2"), reply_text("dept"), reply_text("zjj"));
	redisReply *event = reply_array(6, reply_text("1763779200000-1"),
	    reply_text("1"), reply_text("20261122000001"),
	    reply_text("1763779200000"), reply_text("dispatcher01"), ticket);

	return reply_array(3, reply_text("ok"), reply_text("1763779200000-0"),
	    reply_array(1, event));
}

/* feed_read.lua's answer when events were trimmed: list again. */
static redisReply *
feed_relist(void)
{
	return reply_array(2, reply_text("relist"),
	    reply_text("1763779200000-5"));
}

/* feed_read.lua's answer with no event. */
static redisReply *
feed_no_event(void)
{
	return reply_array(3, reply_text("ok"), reply_text("1763779200000-0"),
	    reply_array(0));
}

/* A watch request (cursor "0") as decoded from the wire. */
static Hotline__Envelope *
watch_request(void)
{
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT, *out;
	Hotline__WatchRequest w = HOTLINE__WATCH_REQUEST__INIT;
	uint8_t buf[64];
	size_t len;

	w.cursor = "0";
	env.id = 7;
	env.body_case = HOTLINE__ENVELOPE__BODY_WATCH;
	env.watch = &w;
	len = hotline__envelope__pack(&env, buf);
	out = hotline__envelope__unpack(NULL, len, buf);
	assert_non_null(out);
	return out;
}

/* A department terminal (zjj-01) after its hello. */
static struct conn *
terminal(void)
{
	struct conn *c = calloc(1, sizeof *c);

	assert_non_null(c);
	TAILQ_INIT(&c->pending);
	c->authenticated = 1;
	c->role = HOTLINE__ROLE__ROLE_DEPARTMENT;
	snprintf(c->principal, sizeof c->principal, "zjj-01");
	snprintf(c->department, sizeof c->department, "zjj");
	snprintf(c->peer, sizeof c->peer, "test");
	return c;
}

/* Resets the doubles and the config before each test. */
static int
setup(void **state)
{
	(void)state;
	memset(&test_config, 0, sizeof test_config);
	test_config.departments = departments;
	test_config.ndepartments = 1;
	test_config.limits.max_frame = 262144;
	test_config.limits.max_field = 65536;
	test_config.limits.output_limit = OUTPUT_LIMIT;
	test_config.limits.max_store_pending = 10000;
	test_config.limits.max_principal_pending = 1000;
	hotlined.cfg = &test_config;
	pending_cb = NULL;
	calls = 0;
	unsent = 0;
	return 0;
}

/* Frees c, answering a read still waiting as a closing Redis link would. */
static void
terminal_free(struct conn *c)
{
	store_cb cb = pending_cb;

	if (!c->closed)
		server_close(c);
	if (cb != NULL) {
		pending_cb = NULL;
		cb(NULL, pending_priv);
	}
	free(c);
}

/*
 * fuzz-dispatch: a department terminal that stopped reading (its unsent
 * output just under limits.output_limit) asks to watch its feed. The
 * answer to the watch puts it over the limit: server_write cuts it off,
 * and server_close -> session_closed -> feed_closed frees the new watch
 * (no read in flight). watch_started (feed.c) then goes on with the freed
 * watch: feed_deliver writes its cursor and reads its conn, feed_pump
 * reads it again (heap-use-after-free in feed_deliver and feed_pump).
 * Fixed when the cut-off terminal is simply closed: no further read of
 * its feed is started.
 */
static void
test_watch_answer_cuts_off_terminal(void **state)
{
	struct conn *c = terminal();

	(void)state;
	unsent = OUTPUT_LIMIT - 8;
	session_frame(c, watch_request());
	assert_int_equal(calls, 1);
	answer(feed_one_event());
	assert_true(c->closed);
	assert_int_equal(calls, 1);
	assert_null(c->watch);
	terminal_free(c);
}

/*
 * The same through feed_read_done: a watching terminal stops reading; the
 * event that puts its output over the limit cuts it off in feed_deliver
 * (session_push -> request_answer -> server_write -> server_close), which
 * frees the watch (its read already returned: reading is 0), and
 * feed_deliver reads w->conn of the freed watch. A real
 * terminal gets there once its unread answers and events pass
 * limits.output_limit, e.g. with output_limit below FEED_HIGH_WATER.
 */
static void
test_event_cuts_off_watching_terminal(void **state)
{
	struct conn *c = terminal();

	(void)state;
	session_frame(c, watch_request());
	answer(feed_no_event());
	assert_false(c->closed);
	assert_non_null(c->watch);
	assert_int_equal(calls, 2);	/* feed_pump's read after the replay */
	unsent = OUTPUT_LIMIT - 8;
	answer(feed_one_event());
	assert_true(c->closed);
	assert_int_equal(calls, 2);
	assert_null(c->watch);
	terminal_free(c);
}

/*
 * The same through feed_relist: the RELIST event that tells a watching
 * terminal to list again puts it over the limit; feed_closed frees the
 * watch (reading is 0 again), and feed_read_done then reads w->conn of the
 * freed watch.
 */
static void
test_relist_cuts_off_watching_terminal(void **state)
{
	struct conn *c = terminal();

	(void)state;
	session_frame(c, watch_request());
	answer(feed_no_event());
	assert_int_equal(calls, 2);
	unsent = OUTPUT_LIMIT - 8;
	answer(feed_relist());
	assert_true(c->closed);
	assert_int_equal(calls, 2);
	assert_null(c->watch);
	terminal_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_watch_answer_cuts_off_terminal,
		    setup),
		cmocka_unit_test_setup(test_event_cuts_off_watching_terminal,
		    setup),
		cmocka_unit_test_setup(test_relist_cuts_off_watching_terminal,
		    setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
