/* Integration tests of the HTTP side: /healthz, /readyz, /metrics and who may read them. */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
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
	assert_true((strstr(log, "国务院放假通知尚未发布") != NULL) == gap);
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

/* Connects a TCP socket to the main daemon's HTTP port. */
static int
http_socket(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	sin.sin_port = htons((uint16_t)h.main.http_port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	return fd;
}

/* Returns 1 if the daemon has closed fd (what it sent before is read and dropped), waiting up to wait_ms. */
static int
http_closed(int fd, int wait_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char buf[4096];
	ssize_t n;

	while (poll(&pfd, 1, wait_ms) == 1) {
		if ((n = recv(fd, buf, sizeof buf, 0)) <= 0)
			return 1;
	}
	return 0;
}

/* Says "reload" as admin01 so that an edited configuration is taken. */
static void
reload_as_admin(void)
{
	Hotline__ReloadRequest req = HOTLINE__RELOAD_REQUEST__INIT;
	struct hl_client *admin = harness_login(&h, "admin01");
	Hotline__Envelope *rep;
	struct hl_error err;

	assert_non_null(admin);
	rep = harness_call(admin, BODY(RELOAD), &req, &err);
	assert_reply(rep, err);
	hl_envelope_free(rep);
	hl_close(admin);
}

#define HTTP_LINE "allow = [\"192.0.2.1\"]; };"
#define HTTP_LOW "allow = [\"192.0.2.1\"]; max_connections = 8; " \
	"header_timeout_ms = 1000; };"
#define IDLE_HTTP 20

/*
 * Issue 14.7: idle HTTP connections exhausted the descriptors, so agents'
 * hellos failed, and a byte every few seconds kept a connection. Now at
 * most http.max_connections are open (more wait in the kernel), an
 * agent's hello still works beside them, each is closed once its request
 * has not arrived within http.header_timeout_ms, and /healthz answers
 * again afterwards.
 */
static void
test_http_connections_capped(void **state)
{
	int fds[IDLE_HTTP], i;
	struct hl_client *c;
	char *a;

	(void)state;
	assert_int_equal(harness_edit_config(&h.main, HTTP_LINE, HTTP_LOW), 0);
	reload_as_admin();
	for (i = 0; i < IDLE_HTTP; i++)
		fds[i] = http_socket();
	assert_non_null(c = harness_login(&h, "agent02"));
	hl_close(c);
	for (i = 0; i < IDLE_HTTP; i++) {
		assert_true(http_closed(fds[i], 20000));
		close(fds[i]);
	}
	a = http_get("/healthz", NULL);
	assert_non_null(strstr(a, " 200 "));
	free(a);
	a = slurp(h.main.log);
	assert_non_null(strstr(a, "http: 8 connections open"));
	assert_non_null(strstr(a, "did not arrive within"));
	free(a);
	assert_int_equal(harness_edit_config(&h.main, HTTP_LOW, HTTP_LINE), 0);
	reload_as_admin();
}

/* A request header sent a line every 200 ms is cut off by the header deadline (1 s here). */
static void
test_http_slow_header(void **state)
{
	static const char start[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
	static const char more[] = "X-Slow: 1\r\n";
	int fd, i, closed = 0;

	(void)state;
	assert_int_equal(harness_edit_config(&h.main, HTTP_LINE, HTTP_LOW), 0);
	reload_as_admin();
	fd = http_socket();
	assert_true(send(fd, start, sizeof start - 1, MSG_NOSIGNAL) > 0);
	for (i = 0; i < 50 && !closed; i++) {
		closed = http_closed(fd, 200);
		if (!closed && send(fd, more, sizeof more - 1, MSG_NOSIGNAL) < 0)
			closed = 1;
	}
	assert_true(closed);
	close(fd);
	assert_int_equal(harness_edit_config(&h.main, HTTP_LOW, HTTP_LINE), 0);
	reload_as_admin();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_healthz),
		cmocka_unit_test(test_readyz),
		cmocka_unit_test(test_metrics_access),
		cmocka_unit_test(test_metrics_values),
		cmocka_unit_test(test_http_connections_capped),
		cmocka_unit_test(test_http_slow_header),
	};

	harness_filter();
	return cmocka_run_group_tests_name("http", tests, setup, teardown);
}
