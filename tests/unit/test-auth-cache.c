/* Unit tests of auth-cache.c and auth-limit.c: remembered logins and the failed-hello token bucket. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

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
	cfg = &conf;
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
	cfg = &fresh;
	assert_int_equal(auth_check(&changed, "right", &cached), 0);
	assert_int_equal(auth_check(&changed, "other", &cached), 1);
	assert_int_equal(cached, 0);
	/* An unchanged reload keeps what was remembered. */
	auth_cache_reload(&fresh, &fresh);
	assert_int_equal(auth_check(&changed, "other", &cached), 1);
	assert_int_equal(cached, 1);
	cfg = &conf;
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
