/* Unit tests of auth-cache.c and auth-limit.c: remembered logins and the failed-hello token bucket. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>

#include "auth-worker.h"
#include "hotlined.h"

static struct config conf;
static struct principal agent = { "agent01", HOTLINE__ROLE__ROLE_AGENT, NULL,
    NULL, NULL, { 0 }, 0 };
static const struct auth_cost cheap = { 64, 1, 1 };

/* Fresh configuration: the test's auth settings and one principal with token "right". */
static int
setup(void **state)
{
	(void)state;
	memset(&conf, 0, sizeof conf);
	conf.auth.cache_entries = 64;
	conf.auth.cache_ttl_s = 3600;
	conf.auth.failures_burst = 3;
	conf.auth.failures_per_minute = 1;	/* nothing refills during a test */
	conf.auth.limit_addresses = 16;
	conf.principals = &agent;
	conf.nprincipals = 1;
	agent.credential = auth_hash("right", &cheap);
	hotlined.cfg = &conf;
	return agent.credential == NULL ? -1 : 0;
}

/* Frees the tables and the hash. */
static int
teardown(void **state)
{
	(void)state;
	auth_cache_free();
	auth_limit_free();
	free(agent.credential);
	return 0;
}

/* The first right check is slow, the next ones come from the cache; wrong ones never do. */
static void
test_cache_remembers(void **state)
{
	int cached = -1;

	(void)state;
	assert_int_equal(auth_check(&agent, "right", &cached), 1);
	assert_int_equal(cached, 0);
	assert_int_equal(auth_check(&agent, "right", &cached), 1);
	assert_int_equal(cached, 1);
	assert_int_equal(auth_check(&agent, "wrong", &cached), 0);
	assert_int_equal(cached, 0);
	assert_int_equal(auth_check(&agent, "wrong", &cached), 0);
	assert_int_equal(cached, 0);
	assert_int_equal(auth_check(&agent, "righ", &cached), 0);
	assert_int_equal(auth_check(NULL, "right", &cached), 0);
}

/* A reload that changes the credential forgets the old token at once. */
static void
test_cache_reload(void **state)
{
	struct config fresh = conf;
	struct principal changed = agent;
	int cached = -1;

	(void)state;
	assert_int_equal(auth_check(&agent, "right", &cached), 1);
	assert_int_equal(auth_check(&agent, "right", &cached), 1);
	assert_int_equal(cached, 1);
	changed.credential = auth_hash("other", &cheap);
	assert_non_null(changed.credential);
	fresh.principals = &changed;
	auth_cache_reload(&conf, &fresh);
	hotlined.cfg = &fresh;
	assert_int_equal(auth_check(&changed, "right", &cached), 0);
	assert_int_equal(auth_check(&changed, "other", &cached), 1);
	assert_int_equal(cached, 0);
	/* An unchanged reload keeps what was remembered. */
	auth_cache_reload(&fresh, &fresh);
	assert_int_equal(auth_check(&changed, "other", &cached), 1);
	assert_int_equal(cached, 1);
	hotlined.cfg = &conf;
	free(changed.credential);
}

/* With the cache off every check verifies. */
static void
test_cache_off(void **state)
{
	int cached = -1;

	(void)state;
	conf.auth.cache_entries = 0;
	assert_int_equal(auth_check(&agent, "right", &cached), 1);
	assert_int_equal(auth_check(&agent, "right", &cached), 1);
	assert_int_equal(cached, 0);
}

/* failures_burst failures limit an address; other addresses are not touched. */
static void
test_limit_burst(void **state)
{
	(void)state;
	assert_int_equal(auth_limit_allowed("192.0.2.1"), 1);
	assert_int_equal(auth_limit_failed("192.0.2.1"), 2);
	assert_int_equal(auth_limit_failed("192.0.2.1"), 1);
	assert_int_equal(auth_limit_allowed("192.0.2.1"), 1);
	assert_int_equal(auth_limit_failed("192.0.2.1"), 0);
	assert_int_equal(auth_limit_allowed("192.0.2.1"), 0);
	assert_int_equal(auth_limit_allowed("192.0.2.2"), 1);
	assert_int_equal(auth_limit_allowed("unix"), 1);
}

/* Many addresses fit in the bounded table; a limited one stays limited while there is room. */
static void
test_limit_table_bounded(void **state)
{
	char addr[32];
	int i;

	(void)state;
	for (i = 0; i < 3; i++)
		auth_limit_failed("198.51.100.7");
	assert_int_equal(auth_limit_allowed("198.51.100.7"), 0);
	for (i = 0; i < 1000; i++) {
		snprintf(addr, sizeof addr, "203.0.113.%d", i);
		auth_limit_failed(addr);
		assert_int_equal(auth_limit_allowed(addr), 1);
	}
}

/* Checks under way count against an allowance until they end. */
static void
test_limit_holds(void **state)
{
	(void)state;
	assert_int_equal(auth_limit_room("192.0.2.9"), 1);
	auth_limit_hold("192.0.2.9");
	auth_limit_hold("192.0.2.9");
	assert_int_equal(auth_limit_room("192.0.2.9"), 1);
	auth_limit_hold("192.0.2.9");
	assert_int_equal(auth_limit_room("192.0.2.9"), 0);
	assert_int_equal(auth_limit_allowed("192.0.2.9"), 1);
	assert_int_equal(auth_limit_room("192.0.2.10"), 1);
	auth_limit_unhold("192.0.2.9");
	assert_int_equal(auth_limit_room("192.0.2.9"), 1);
	assert_int_equal(auth_limit_failed("192.0.2.9"), 2);
	assert_int_equal(auth_limit_room("192.0.2.9"), 0);
	auth_limit_unhold("192.0.2.9");
	auth_limit_unhold("192.0.2.9");
	auth_limit_unhold("192.0.2.9");	/* one too many: no effect */
	assert_int_equal(auth_limit_room("192.0.2.9"), 1);
}

/* What a check's callback saw. */
struct seen {
	int calls;
	int ok;
};

/* auth_check_start's callback: records its answer. */
static void
seen_done(int ok, void *arg)
{
	struct seen *s = arg;

	s->calls++;
	s->ok = ok;
}

/* Runs base's loop until s has been called, bounded by 2,000 short turns. */
static void
wait_seen(struct event_base *base, const struct seen *s)
{
	int i;

	for (i = 0; i < 2000 && s->calls == 0; i++) {
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
		if (s->calls == 0)
			usleep(1000);
	}
}

/*
 * Checks through the worker pool: the answer comes later on the loop, a
 * right token is remembered (the next check is answered at once), an
 * unknown principal and a wrong token fail, and stopping the pool answers
 * what was still queued.
 */
static void
test_check_start_pool(void **state)
{
	struct event_base *base = event_base_new();
	struct seen s = { 0, -1 }, q[4];
	int i;

	(void)state;
	assert_non_null(base);
	conf.auth.workers = 1;
	assert_int_equal(auth_worker_start(base), 0);
	assert_int_equal(auth_check_start(&agent, "right", seen_done, &s), 0);
	wait_seen(base, &s);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.ok, 1);
	assert_int_equal(auth_check_start(&agent, "right", seen_done, &s), 1);
	assert_int_equal(s.calls, 1);
	s.calls = 0;
	assert_int_equal(auth_check_start(&agent, "wrong", seen_done, &s), 0);
	wait_seen(base, &s);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.ok, 0);
	s.calls = 0;
	assert_int_equal(auth_check_start(NULL, "right", seen_done, &s), 0);
	wait_seen(base, &s);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.ok, 0);
	for (i = 0; i < 4; i++) {
		q[i].calls = 0;
		assert_int_equal(auth_check_start(&agent, "wrong", seen_done,
		    &q[i]), 0);
	}
	assert_int_equal(auth_worker_busy(), 4);
	auth_worker_stop();
	for (i = 0; i < 4; i++) {
		assert_int_equal(q[i].calls, 1);
		assert_int_equal(q[i].ok, 0);
	}
	assert_int_equal(auth_worker_busy(), 0);
	event_base_free(base);
}

/* Without a pool a check runs at once and its callback comes before the return. */
static void
test_check_start_inline(void **state)
{
	struct seen s = { 0, -1 };

	(void)state;
	assert_int_equal(auth_check_start(&agent, "right", seen_done, &s), 0);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.ok, 1);
	assert_int_equal(auth_check_start(&agent, "right", seen_done, &s), 1);
	assert_int_equal(s.calls, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cache_remembers, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cache_reload, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cache_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limit_burst, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_limit_table_bounded, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_limit_holds, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_check_start_pool, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_check_start_inline, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
