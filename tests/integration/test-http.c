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

#include "harness.h"

static struct harness h;
static struct hl_client *agent;

HARNESS_FIXTURES(h, "agent01", agent)

/* Sends GET path to the main daemon with a credential of credlen bytes (NUL bytes allowed). */
static char *
http_get_bytes(const char *path, const char *credential, size_t credlen)
{
	return harness_http_get(&h.main, path, credential, credlen);
}

/* http_get_bytes for a credential without NUL bytes (or NULL). */
static char *
http_get(const char *path, const char *credential)
{
	return http_get_bytes(path, credential,
	    credential != NULL ? strlen(credential) : 0);
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

/* Returns the contents of file path (at most 1 MiB), or an empty string. */
static char *
slurp(const char *path)
{
	char *buf = calloc(1, 1 << 20);
	FILE *f = fopen(path, "r");

	assert_non_null(buf);
	if (f != NULL) {
		(void)fread(buf, 1, (1 << 20) - 1, f);
		fclose(f);
	}
	return buf;
}

/*
 * Issue 15: /readyz is 503 only when this daemon cannot serve. The shipped
 * calendar has notices for 2025 and 2026 and a provisional 2027: from
 * 2026-11-02 on, the coming 60 days reach a year without a notice. That
 * used to take every daemon out of service; now it is a warning: a log
 * line, hotline_calendar_provisional 1 on /metrics, and /readyz stays 200.
 */
static void
test_readyz(void **state)
{
	char *a = http_get("/readyz", NULL), *m, *log;
	char day[9];
	int gap;

	(void)state;
	assert_non_null(strstr(a, " 200 "));
	assert_non_null(strstr(a, "ready\n"));
	free(a);
	harness_shanghai_date(day);
	gap = strcmp(day, "20261102") >= 0;
	m = http_get("/metrics", "admin01:admin01-test");
	assert_non_null(strstr(m, gap ? "\nhotline_calendar_provisional 1\n" :
	    "\nhotline_calendar_provisional 0\n"));
	free(m);
	log = slurp(h.main.log);
	assert_true((strstr(log, "has no State Council holiday notice") !=
	    NULL) == gap);
	free(log);
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
	/* Issue 14 item 3: junk after a NUL was cut off and the rest let in. */
	a = http_get_bytes("/metrics", "supervisor01:supervisor01-test\0junk",
	    sizeof "supervisor01:supervisor01-test\0junk" - 1);
	assert_non_null(strstr(a, " 400 "));
	assert_non_null(strstr(a, "NUL"));
	free(a);
	a = http_get_bytes("/metrics", "supervisor01\0evil:supervisor01-test",
	    sizeof "supervisor01\0evil:supervisor01-test" - 1);
	assert_non_null(strstr(a, " 400 "));
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
