/* Fault test: a department terminal stops reading its feed; its output stays bounded, it is cut off, it resumes from its cursor. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness-fault.h"

#define WRITE_TIMEOUT_MS 2000	/* the test's limits.write_timeout_ms */
#define OUTPUT_LIMIT 8388608	/* limits.output_limit of the test config */
#define READ_FIRST 3		/* events the terminal takes before it stalls */
#define STALLED 400		/* tickets created while it does not read */
#define TOTAL (READ_FIRST + STALLED)
#define CONTENT_CHARS 1000	/* about 3 KB of Chinese per ticket and event */

static struct harness h;

/* Starts the servers with a short write timeout. */
static int
setup(void **state)
{
	(void)state;
	return fault_start_with_limits(&h,
	    "drain_timeout_ms = 3000; write_timeout_ms = 2000;");
}

/* Stops the servers; fails if hotlined did not exit cleanly. */
static int
teardown(void **state)
{
	(void)state;
	return harness_stop(&h);
}

/* The numbers of the tickets created, in order, and what each terminal saw. */
static char numbers[TOTAL][16];

/* Logs water-01 in and watches from cursor. */
static struct hl_client *
terminal(const char *cursor)
{
	return harness_watcher(&h, "water-01", cursor);
}

/* Creates ticket i (water: dispatched) with about 3 KB of content. */
static void
create_ticket(struct hl_client *agent, int i)
{
	static char content[CONTENT_CHARS * 3 + 32];
	Hotline__Envelope *t;
	int k;

	for (k = 0; k < CONTENT_CHARS; k++)
		memcpy(content + k * 3, "停", 3);
	snprintf(content + CONTENT_CHARS * 3, 32, "%d", i);
	t = harness_create(agent, "小区停水", content);
	snprintf(numbers[i], sizeof numbers[i], "%s",
	    t->created->ticket->number);
	hl_envelope_free(t);
}

/*
 * Takes DISPATCHED events from c: checks that the n-th is for numbers[*next],
 * copies its id to cursor and advances *next. Stops after want events, at
 * a quiet spell or at the end of the connection; returns hl_recv's last
 * result (1, 0 quiet, -1 closed) and adds the bytes to *bytes.
 */
static int
take_events(struct hl_client *c, int want, int quiet_ms, int *next,
    char *cursor, size_t cursor_len, size_t *bytes)
{
	Hotline__Envelope *f;
	struct hl_error err;
	int r, taken = 0;

	while (taken < want && (r = hl_recv(c, quiet_ms, &f, &err)) == 1) {
		*bytes += hotline__envelope__get_packed_size(f);
		if (f->body_case == BODY(EVENT) &&
		    f->event->kind == KIND(DISPATCHED)) {
			if (*next >= TOTAL || strcmp(f->event->number,
			    numbers[*next]) != 0)
				fail_msg("event %d is for %s, expected %s", *next,
				    f->event->number, *next < TOTAL ?
				    numbers[*next] : "none");
			snprintf(cursor, cursor_len, "%s", f->event->id);
			(*next)++;
			taken++;
		}
		hl_envelope_free(f);
	}
	return taken == want ? 1 : r;
}

/*
 * A water terminal reads three events, then stops reading while 400
 * tickets (about 1.4 MB of events) arrive. Another terminal of the same
 * department gets all 400 live meanwhile. The stalled one is cut off after
 * write_timeout_ms with only what its buffers held; it reconnects with the
 * id of the last event it took and gets every later event, in order, once.
 */
static void
test_stalled_terminal(void **state)
{
	struct hl_client *agent = harness_login(&h, "agent01"), *t1, *t2;
	char cursor[64] = "", live_cursor[64] = "";
	size_t bytes_stalled = 0, bytes_live = 0, bytes_resumed = 0;
	int next = 0, live_next = READ_FIRST, i, r, after_cut;
	int64_t t_stall, t_cut;
	long rss0, rss1;

	(void)state;
	assert_non_null(agent);
	t1 = terminal("");
	for (i = 0; i < READ_FIRST; i++)
		create_ticket(agent, i);
	assert_int_equal(take_events(t1, READ_FIRST, HARNESS_CALL_MS, &next,
	    cursor, sizeof cursor, &bytes_stalled), 1);
	t2 = terminal(cursor);

	/* t1 stops reading now. */
	t_stall = harness_now_ms();
	rss0 = fault_rss_kb(h.main.pid);
	for (i = READ_FIRST; i < TOTAL; i++) {
		create_ticket(agent, i);
		/* The live terminal keeps up as the tickets come. */
		assert_int_equal(take_events(t2, 1, HARNESS_CALL_MS, &live_next,
		    live_cursor, sizeof live_cursor, &bytes_live), 1);
	}
	rss1 = fault_rss_kb(h.main.pid);
	assert_int_equal(live_next, TOTAL);

	/* The daemon cuts t1 off once its output stood still long enough. */
	harness_sleep_ms(WRITE_TIMEOUT_MS + 1500);
	r = take_events(t1, TOTAL, 2000, &next, cursor, sizeof cursor,
	    &bytes_stalled);
	t_cut = harness_now_ms();
	if (r != -1)
		fail_msg("the stalled terminal was not cut off (%d events)",
		    next);
	after_cut = next;
	fprintf(stderr, "# slow-terminal: the stalled terminal got %d of %d "
	    "events (%zu bytes: what the daemon had queued plus the socket "
	    "buffers) before it was cut off, %lld ms after it stopped reading "
	    "(write_timeout_ms %d, output_limit %d); the live terminal got "
	    "%d events (%zu bytes); hotlined RSS %ld -> %ld KiB\n",
	    after_cut, TOTAL, bytes_stalled, (long long)(t_cut - t_stall),
	    WRITE_TIMEOUT_MS, OUTPUT_LIMIT, live_next - READ_FIRST, bytes_live,
	    rss0, rss1);
	assert_true(after_cut < TOTAL);
	assert_true(bytes_stalled < OUTPUT_LIMIT);
	hl_close(t1);

	/* It comes back with its cursor and misses nothing. */
	t1 = terminal(cursor);
	assert_int_equal(take_events(t1, TOTAL - after_cut, HARNESS_CALL_MS,
	    &next, cursor, sizeof cursor, &bytes_resumed), 1);
	assert_int_equal(next, TOTAL);
	assert_int_equal(take_events(t1, 1, 500, &next, cursor, sizeof cursor,
	    &bytes_resumed), 0);
	fprintf(stderr, "# slow-terminal: resumed from its cursor: %d more "
	    "events (%zu bytes), none missing, none twice\n",
	    TOTAL - after_cut, bytes_resumed);
	harness_assert_serving(&h);
	hl_close(t1);
	hl_close(t2);
	hl_close(agent);
}

/* Runs the group: its setup starts the servers, its teardown stops them. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stalled_terminal),
	};

	harness_filter();
	return cmocka_run_group_tests_name("fault-slow-terminal", tests, setup,
	    teardown);
}
