/* Integration tests of the HTTP side: /healthz, /readyz, /metrics and who may read them. */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "harness.h"
#include "harness-http.h"

static struct harness h;
static struct hl_client *agent;

HARNESS_FIXTURES(h, "agent01", agent)

/*
 * Sends "GET path" to the main daemon's HTTP port with an optional
 * "principal:token" as HTTP Basic; returns the whole answer (free it).
 */
static char *
http_get(const char *path, const char *credential)
{
	return harness_http_get(h.main.http_port, path, credential);
}

/* /healthz answers 200 to anyone who can connect. */
static void
test_healthz(void **state)
{
	char *a = http_get("/healthz", NULL);

	(void)state;
	assert_non_null(strstr(a, " 200 "));
	assert_non_null(strstr(a, "\r\n\r\nok\n"));
	free(a);
}

/*
 * /readyz says why it is not ready: the test calendar has 2025 and 2026
 * only, so from some point in 2026 the coming 60 days are not covered.
 */
static void
test_readyz(void **state)
{
	char *a = http_get("/readyz", NULL);
	char day[9];

	(void)state;
	harness_shanghai_date(day);
	if (strcmp(day, "20261102") >= 0) {
		assert_non_null(strstr(a, " 503 "));
		assert_non_null(strstr(a, "calendar"));
	} else {
		assert_non_null(strstr(a, " 200 "));
		assert_non_null(strstr(a, "ready"));
	}
	free(a);
}

/* /metrics needs a supervisor's or admin's credential (no address is allowed here). */
static void
test_metrics_access(void **state)
{
	char *a;

	(void)state;
	a = http_get("/metrics", NULL);
	assert_non_null(strstr(a, " 401 "));
	assert_non_null(strstr(a, "WWW-Authenticate: Basic"));
	free(a);
	a = http_get("/metrics", "agent01:agent01-test");
	assert_non_null(strstr(a, " 401 "));
	free(a);
	a = http_get("/metrics", "supervisor01:wrong");
	assert_non_null(strstr(a, " 401 "));
	free(a);
	a = http_get("/metrics", "supervisor01:supervisor01-test");
	assert_non_null(strstr(a, " 200 "));
	free(a);
	a = http_get("/nothing", NULL);
	assert_non_null(strstr(a, " 404 "));
	free(a);
}

/* The figures move with what the daemon does. */
static void
test_metrics_values(void **state)
{
	struct hl_error err;
	char *a;

	(void)state;
	assert_int_equal(harness_ping(agent, &err), 1);
	assert_int_equal(harness_ping(agent, &err), 1);
	a = http_get("/metrics", "admin01:admin01-test");
	assert_non_null(strstr(a, "\nhotline_store_ready 1\n"));
	assert_non_null(strstr(a, "hotline_requests_total{op=\"ping\"} "));
	assert_non_null(strstr(a, "# TYPE hotline_timers_fired_total counter"));
	assert_non_null(strstr(a, "hotline_errors_total{code=\"ERROR_CODE_FORBIDDEN\"}"));
	assert_non_null(strstr(a, "\nhotline_connections "));
	assert_non_null(strstr(a, "\nhotline_calendar_covered "));
	assert_true(atoi(strstr(a, "hotline_requests_total{op=\"ping\"} ") +
	    strlen("hotline_requests_total{op=\"ping\"} ")) >= 2);
	free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_healthz),
		cmocka_unit_test(test_readyz),
		cmocka_unit_test(test_metrics_access),
		cmocka_unit_test(test_metrics_values),
	};

	harness_filter();
	return cmocka_run_group_tests_name("http", tests, setup, teardown);
}
