/* Fault test: kill -9 of hotlined while 50 clients create tickets; nothing acknowledged is lost, retries never duplicate. */
#include <limits.h>
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

#define CLIENTS 50
#define CREATES 1000
#define WINDOW 4		/* creates in flight per client */
#define KILL_AFTER 300		/* acknowledgements before the kill */
#define RESENT_SAMPLE 50	/* acknowledged creates sent once more at the end */

static struct harness h;
static struct hl_client *no_client;
HARNESS_FIXTURES(h, NULL, no_client)

/* Sends the first n acknowledged creates of l again: each must name the same ticket. */
static void
resend_acknowledged(struct fault_load *l, int n)
{
	struct hl_client *agent = harness_login(&h, "agent01");
	Hotline__CreateRequest req;
	Hotline__Envelope *rep;
	struct hl_error err;
	char unused[64];
	int i, sent = 0;

	assert_non_null(agent);
	for (i = 0; i < l->ncalls && sent < n; i++) {
		const struct fault_call *call = &l->calls[i];

		if (call->state != FAULT_ACKED)
			continue;
		harness_create_init(&req, unused, sizeof unused, call->phone,
		    "小区停水", l->content);
		req.call_id = (char *)call->call_id;
		rep = harness_call(agent, BODY(CREATE), &req, &err);
		assert_reply(rep, err);
		assert_true(rep->created->duplicate);
		assert_string_equal(rep->created->ticket->number, call->number);
		hl_envelope_free(rep);
		sent++;
	}
	assert_int_equal(sent, n);
	hl_close(agent);
}

/*
 * 50 agents pipeline creates; hotlined is killed with SIGKILL in the middle.
 * Every create acknowledged before the kill is in Redis whole; after a
 * restart the agents resend what was not acknowledged with the same call
 * ids, and Redis ends with exactly one ticket per call id.
 */
static void
test_kill9_during_creates(void **state)
{
	struct fault_check chk;
	struct fault_load l;
	int64_t t_kill, t_start, t_listening, t_first_ack;
	int acked_at_kill, inflight_at_kill, acked_at_start;

	(void)state;
	assert_int_equal(fault_load_init(&l, &h, CLIENTS, CREATES, WINDOW), 0);
	assert_int_equal(fault_load_until(&l, KILL_AFTER, 60000), 0);
	acked_at_kill = l.acked;
	inflight_at_kill = fault_load_count(&l, FAULT_SENT);
	t_kill = harness_now_ms();
	harness_daemon_stop(&h.main, SIGKILL, HARNESS_WAIT_MS);

	/* The clients see their connections die; nothing answers for a while. */
	fault_load_until(&l, INT_MAX, 300);
	assert_int_equal(fault_check_redis(&h, &l, &chk), 0);
	fault_load_print(&l, "kill9 (hotlined dead)");
	fault_check_print(&chk, "kill9 (hotlined dead)");
	assert_int_equal(chk.acked, l.acked);
	assert_int_equal(chk.found, chk.acked);
	assert_int_equal(chk.wrong_number, 0);
	assert_int_equal(chk.duplicates, 0);

	t_start = harness_now_ms();
	acked_at_start = l.acked;
	assert_int_equal(harness_daemon_start(&h, &h.main), 0);
	t_listening = harness_now_ms();
	assert_int_equal(fault_load_until(&l, acked_at_start + 1, 30000), 0);
	t_first_ack = l.last_ack_ms;
	assert_int_equal(fault_load_until(&l, CREATES, 60000), 0);

	assert_int_equal(fault_check_redis(&h, &l, &chk), 0);
	fault_load_print(&l, "kill9 (after restart)");
	fault_check_print(&chk, "kill9 (after restart)");
	fprintf(stderr, "# kill9: killed after %d acknowledgements with %d "
	    "creates in flight; restarted %lld ms after the kill, listening "
	    "after %lld ms, first acknowledgement %lld ms after the start\n",
	    acked_at_kill, inflight_at_kill, (long long)(t_start - t_kill),
	    (long long)(t_listening - t_start),
	    (long long)(t_first_ack - t_start));
	assert_int_equal(l.failed, 0);
	assert_int_equal(chk.acked, CREATES);
	assert_int_equal(chk.found, CREATES);
	assert_int_equal(chk.wrong_number, 0);
	assert_int_equal(chk.call_ids_without, 0);
	assert_int_equal(chk.duplicates, 0);
	assert_int_equal(chk.tickets, CREATES);

	resend_acknowledged(&l, RESENT_SAMPLE);
	assert_int_equal(fault_check_redis(&h, &l, &chk), 0);
	assert_int_equal(chk.tickets, CREATES);
	fault_load_free(&l);
}

/* Runs the group: its setup starts the servers, its teardown stops them. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kill9_during_creates),
	};

	harness_filter();
	return cmocka_run_group_tests_name("fault-kill9", tests, setup,
	    teardown);
}
