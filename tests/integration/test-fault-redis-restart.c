/* Fault test: Redis stopped (SIGTERM) or killed (SIGKILL) and restarted under load; nothing acknowledged is lost. */
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

#define CLIENTS 20
#define WINDOW 2
#define CREATES 600
#define STOP_AFTER 200		/* acknowledgements before Redis goes */
#define OUTAGE_MS 1500

static struct harness h;
static struct hl_client *no_client;
HARNESS_FIXTURES(h, NULL, no_client)

/*
 * Runs creates, takes Redis away with how (SIGTERM or SIGKILL) for
 * OUTAGE_MS while the agents carry on, starts it again on the same AOF, and
 * checks that every acknowledged create is in Redis once and whole.
 */
static void
outage(int how, const char *what)
{
	int64_t t_stop, t_start, t_back, cpu0;
	int acked_at_stop, unavailable_at_stop, acked_at_start;
	struct fault_check chk;
	struct fault_load l;
	pid_t pid = h.main.pid;

	assert_int_equal(fault_load_init(&l, &h, CLIENTS, CREATES, WINDOW), 0);
	l.retry_ms = 100;
	assert_int_equal(fault_load_until(&l, STOP_AFTER, 60000), 0);
	acked_at_stop = l.acked;
	unavailable_at_stop = l.unavailable;
	t_stop = harness_now_ms();
	cpu0 = fault_cpu_ms(pid);
	if (how == SIGKILL)
		assert_int_equal(fault_redis_kill(&h), 0);
	else
		assert_int_equal(harness_redis_stop(&h), 0);
	fault_load_until(&l, INT_MAX, OUTAGE_MS);
	fprintf(stderr, "# %s: Redis down for %lld ms: %d UNAVAILABLE answers "
	    "(slowest %lld ms), %d acknowledged meanwhile, hotlined used %lld "
	    "ms of CPU\n", what, (long long)(harness_now_ms() - t_stop),
	    l.unavailable - unavailable_at_stop,
	    (long long)l.unavailable_max_ms, l.acked - acked_at_stop,
	    (long long)(fault_cpu_ms(pid) - cpu0));
	assert_true(l.unavailable > unavailable_at_stop);

	t_start = harness_now_ms();
	acked_at_start = l.acked;
	assert_int_equal(harness_redis_start(&h), 0);
	t_back = harness_now_ms();
	assert_int_equal(fault_load_until(&l, acked_at_start + 1, 30000), 0);
	fprintf(stderr, "# %s: Redis answered %lld ms after its start; first "
	    "acknowledgement %lld ms after that\n", what,
	    (long long)(t_back - t_start), (long long)(l.last_ack_ms - t_back));
	assert_int_equal(fault_load_until(&l, CREATES, 60000), 0);
	assert_int_equal(fault_check_redis(&h, &l, &chk), 0);
	fault_load_print(&l, what);
	fault_check_print(&chk, what);
	assert_int_equal(h.main.pid, pid);
	assert_int_equal(l.failed, 0);
	assert_int_equal(chk.found, CREATES);
	assert_int_equal(chk.wrong_number, 0);
	assert_int_equal(chk.call_ids_without, 0);
	assert_int_equal(chk.duplicates, 0);
	fault_load_free(&l);
}

/* Redis shut down cleanly (it writes its AOF) and started again. */
static void
test_redis_stopped(void **state)
{
	(void)state;
	outage(SIGTERM, "redis-restart (SIGTERM)");
}

/*
 * Redis killed at once: with appendfsync everysec the AOF is written
 * before each answer leaves Redis, so only a machine crash could lose the
 * last second; a killed process loses nothing acknowledged.
 */
static void
test_redis_killed(void **state)
{
	(void)state;
	outage(SIGKILL, "redis-restart (SIGKILL)");
}

/* Runs the group: its setup starts the servers, its teardown stops them. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redis_stopped),
		cmocka_unit_test(test_redis_killed),
	};

	harness_filter();
	return cmocka_run_group_tests_name("fault-redis-restart", tests, setup,
	    teardown);
}
