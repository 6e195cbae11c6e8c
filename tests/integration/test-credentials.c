/* Integration tests of credentials: argon2id tokens, the remembered logins, the failed-hello limit, the log, hotlinectl passwd. */
#include <sys/wait.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

/* A wrong token, looked for in the log afterwards. */
#define WRONG_TOKEN "wrong-token-5c1e7a"
#define LIMIT_LINE "auth = { cache_entries = 256; cache_ttl_s = 3600; failures_burst = 20;\n" \
	"\tfailures_per_minute = 600; };"
/* Three failures, then one allowed back per second. */
#define LIMIT_LOW "auth = { cache_entries = 256; failures_burst = 3; failures_per_minute = 60; };"

static struct harness h;
static struct hl_client *admin;
HARNESS_FIXTURES(h, "admin01", admin)

/* Says hello at address; returns the error code (0 when accepted). */
static int
hello_at(const char *address, const char *principal, const char *token)
{
	struct hl_client *c = harness_connect(address);
	struct hl_error err;
	int code = 0;

	assert_non_null(c);
	memset(&err, 0, sizeof err);
	if (hl_hello(c, ROLE(UNSPECIFIED), principal, token, NULL, &err) == -1) {
		code = err.code;
		harness_assert_closed(c);
	}
	hl_close(c);
	return code;
}

/* Says hello on the main daemon's TCP listener (127.0.0.1). */
static int
hello_tcp(const char *principal, const char *token)
{
	char addr[64];

	return hello_at(harness_tcp_address(&h.main, addr, sizeof addr),
	    principal, token);
}

/* Says hello on the main daemon's unix socket. */
static int
hello_unix(const char *principal, const char *token)
{
	char addr[HARNESS_PATH + 8];

	return hello_at(harness_unix_address(&h.main, addr, sizeof addr),
	    principal, token);
}

/* Reloads as admin01 and asserts that the file was taken. */
static void
reload(void)
{
	Hotline__ReloadRequest req = HOTLINE__RELOAD_REQUEST__INIT;
	Hotline__Envelope *rep;
	struct hl_error err;

	rep = harness_call(admin, BODY(RELOAD), &req, &err);
	assert_reply(rep, err);
	hl_envelope_free(rep);
}

/* Returns the daemon's log so far (free it). */
static char *
read_log(void)
{
	FILE *f = fopen(h.main.log, "r");
	char *text = calloc(1, 4 << 20);
	size_t n;

	assert_non_null(f);
	assert_non_null(text);
	n = fread(text, 1, (4 << 20) - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

/* Counts the occurrences of needle in the daemon's log. */
static int
log_count(const char *needle)
{
	char *text = read_log(), *at = text;
	int n = 0;

	while ((at = strstr(at, needle)) != NULL) {
		n++;
		at += strlen(needle);
	}
	free(text);
	return n;
}

/* The right token logs in, a wrong one does not; a second login is remembered. */
static void
test_right_and_wrong_token(void **state)
{
	int before;

	(void)state;
	before = log_count("\"agent02\" logged in by credential (remembered)");
	assert_int_equal(hello_tcp("agent02", "agent02-test"), 0);
	assert_int_equal(hello_tcp("agent02", WRONG_TOKEN),
	    ERR(UNAUTHENTICATED));
	assert_int_equal(hello_tcp("agent02", "agent02-test "),
	    ERR(UNAUTHENTICATED));
	assert_int_equal(hello_tcp("agent02", "agent02-test"), 0);
	assert_int_equal(log_count("\"agent02\" logged in by credential "
	    "(remembered)"), before + 1);
	assert_true(log_count("failed hello as \"agent02\"") >= 2);
}

/*
 * After failures_burst failed hellos from one address even the right token
 * is RATE_LIMITED (and the connection closed), and so is the principal
 * they were for, from everywhere; other principals at other addresses are
 * not affected; the address gets hellos back as its allowance refills.
 */
static void
test_rate_limit(void **state)
{
	int i, code = -1;

	(void)state;
	assert_int_equal(harness_edit_config(&h.main, LIMIT_LINE, LIMIT_LOW), 0);
	reload();
	for (i = 0; i < 3; i++)
		assert_int_equal(hello_tcp("agent01", WRONG_TOKEN),
		    ERR(UNAUTHENTICATED));
	assert_int_equal(hello_tcp("agent01", "agent01-test"),
	    ERR(RATE_LIMITED));
	assert_int_equal(hello_tcp("nobody", "x"), ERR(RATE_LIMITED));
	assert_int_equal(hello_unix("agent01", "agent01-test"),
	    ERR(RATE_LIMITED));
	assert_int_equal(hello_unix("admin01", "admin01-test"), 0);
	assert_int_equal(log_count("127.0.0.1: 3 failed hellos; refusing"), 1);
	/* One failure is forgiven per second: wait for it, bounded. */
	for (i = 0; i < 100 && code != 0; i++) {
		harness_sleep_ms(200);
		code = hello_tcp("agent01", "agent01-test");
		assert_true(code == 0 || code == ERR(RATE_LIMITED));
	}
	assert_int_equal(code, 0);
	assert_int_equal(harness_edit_config(&h.main, LIMIT_LOW, LIMIT_LINE), 0);
	reload();
}

/*
 * Issue 14.11: ten wrong hellos from one address (a call centre behind one
 * NAT address) locked out a right, remembered token from it, and failed
 * /metrics logins counted against the hellos' allowance. A remembered
 * token passes a locked address now, a token never remembered does not,
 * and HTTP failures have an allowance of their own.
 */
static void
test_locked_address_lets_remembered_through(void **state)
{
	static const char right[] = "supervisor01:supervisor01-test";
	char *page;
	int i, code = 0;

	(void)state;
	assert_int_equal(harness_edit_config(&h.main, LIMIT_LINE, LIMIT_LOW), 0);
	reload();
	/* Remembered from the TCP address: agent02 said hello before. */
	assert_int_equal(hello_tcp("agent02", "agent02-test"), 0);
	for (i = 0; i < 10 && code != ERR(RATE_LIMITED); i++)
		code = hello_tcp("nobody", WRONG_TOKEN);
	assert_int_equal(code, ERR(RATE_LIMITED));
	assert_int_equal(hello_tcp("agent02", "agent02-test"), 0);
	assert_int_equal(hello_tcp("dispatcher01", "dispatcher01-test"),
	    ERR(RATE_LIMITED));
	/* The hellos' allowance is not the HTTP side's. */
	page = harness_http_get(&h.main, "/metrics", right, sizeof right - 1);
	assert_non_null(strstr(page, " 200 "));
	free(page);
	assert_int_equal(harness_edit_config(&h.main, LIMIT_LOW, LIMIT_LINE), 0);
	reload();
}

/*
 * Runs "hotlinectl passwd args" with input on its standard input and reads
 * up to two lines of its output into line1 and line2 (each 256 bytes).
 */
static void
run_passwd(const char *args, const char *input, char *line1, char *line2)
{
	const char *ctl = getenv("HOTLINECTL");
	char cmd[1024];
	FILE *p;
	int status;

	snprintf(cmd, sizeof cmd, "printf '%%s\\n' '%s' | %s passwd %s", input,
	    ctl != NULL && *ctl != '\0' ? ctl : "build/hotlinectl", args);
	assert_non_null(p = popen(cmd, "r"));
	line1[0] = line2[0] = '\0';
	if (fgets(line1, 256, p) != NULL && fgets(line2, 256, p) == NULL)
		line2[0] = '\0';
	status = pclose(p);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	line1[strcspn(line1, "\n")] = '\0';
	line2[strcspn(line2, "\n")] = '\0';
}

/* Adds a principal with credential hash to the main daemon's config and reloads. */
static void
add_principal(const char *id, const char *hash)
{
	char extra[512];

	snprintf(extra, sizeof extra, ",\n\t{ id = \"%s\"; role = \"agent\"; "
	    "credential = \"%s\"; }", id, hash);
	assert_int_equal(harness_write_config(&h, &h.main, "hotlined", extra),
	    0);
	reload();
}

/*
 * hotlinectl passwd's hash (token on stdin) and its --generate pair both
 * verify in hotlined; a changed credential forgets the remembered login.
 */
static void
test_passwd_verifies(void **state)
{
	char hash[256], none[256], token[256], hash2[256];
	char extra[1024];

	(void)state;
	run_passwd("--memory 64 --passes 1", "agent07-secret", hash, none);
	assert_int_equal(strncmp(hash, "$argon2id$v=19$m=64,t=1,p=1$", 28), 0);
	assert_string_equal(none, "");
	add_principal("agent07", hash);
	assert_int_equal(hello_unix("agent07", "agent07-secret"), 0);
	assert_int_equal(hello_unix("agent07", "agent07-secret"), 0);
	assert_int_equal(hello_unix("agent07", "agent07-secreT"),
	    ERR(UNAUTHENTICATED));

	/* A new token for agent07: the old one must stop working at once. */
	run_passwd("--generate --memory 64 --passes 1", "", token, hash2);
	assert_true(strlen(token) >= 32);
	assert_int_equal(strncmp(hash2, "$argon2id$", 10), 0);
	snprintf(extra, sizeof extra, ",\n\t{ id = \"agent07\"; role = \"agent\"; "
	    "credential = \"%s\"; }", hash2);
	assert_int_equal(harness_write_config(&h, &h.main, "hotlined", extra),
	    0);
	reload();
	assert_int_equal(hello_unix("agent07", "agent07-secret"),
	    ERR(UNAUTHENTICATED));
	assert_int_equal(hello_unix("agent07", token), 0);
	assert_true(log_count("forgot 1 remembered logins") >= 1 ||
	    log_count("remembered logins of principals") >= 1);
}

/* No token, right or wrong, ever reaches the log; failures name who and where. */
static void
test_tokens_not_logged(void **state)
{
	char *text;

	(void)state;
	assert_int_equal(hello_tcp("agent02", WRONG_TOKEN "-again"),
	    ERR(UNAUTHENTICATED));
	assert_int_equal(hello_unix("zjj-01", "zjj-01-test"), 0);
	text = read_log();
	assert_non_null(strstr(text, "(127.0.0.1:"));
	assert_non_null(strstr(text, "failed hello as \"agent02\""));
	assert_non_null(strstr(text, "\"zjj-01\" logged in"));
	assert_null(strstr(text, WRONG_TOKEN));
	assert_null(strstr(text, "agent01-test"));
	assert_null(strstr(text, "agent02-test"));
	assert_null(strstr(text, "zjj-01-test"));
	assert_null(strstr(text, "agent07-secret"));
	free(text);
}

/* Sends a hello of principal with token on c without waiting for its answer. */
static void
send_hello(struct hl_client *c, const char *principal, const char *token)
{
	Hotline__Hello hello = HOTLINE__HELLO__INIT;

	hello.version = HOTLINE__PROTOCOL_VERSION__PROTOCOL_VERSION;
	hello.principal = (char *)principal;
	hello.credential = (char *)token;
	hello.client = "test-credentials";
	assert_int_equal(harness_send(c, 1, BODY(HELLO), &hello), 0);
}

/* Reads c's next frame: the error code of an Error, 0 for any other frame. */
static int
next_code(struct hl_client *c)
{
	Hotline__Envelope *f = NULL;
	struct hl_error err;
	int code;

	memset(&err, 0, sizeof err);
	if (hl_recv(c, HARNESS_CALL_MS, &f, &err) != 1)
		fail_msg("no answer: %s", err.message);
	code = f->body_case == BODY(ERROR) ? (int)f->error->code : 0;
	hl_envelope_free(f);
	return code;
}

/* Adds principal slow01 with hotlinectl passwd's default cost (a real argon2id check). */
static void
add_slow_principal(void)
{
	char hash[256], none[256];

	run_passwd("", "slow01-test", hash, none);
	add_principal("slow01", hash);
}

#define STORM 8

/*
 * Issue 14.11: argon2 runs on worker threads. Wrong hellos in flight for a
 * principal with a real-cost hash do not stop a right hello on another
 * connection, every one gets its own answer, and a request sent right
 * behind a hello (before its answer) is handled after it: after a right
 * hello it is answered, after a wrong one the connection closes first.
 */
static void
test_hellos_checked_off_the_loop(void **state)
{
	struct hl_client *storm[STORM], *c;
	Hotline__Ping ping = HOTLINE__PING__INIT;
	char addr[HARNESS_PATH + 8];
	int i;

	(void)state;
	add_slow_principal();
	harness_unix_address(&h.main, addr, sizeof addr);
	for (i = 0; i < STORM; i++) {
		assert_non_null(storm[i] = harness_connect(addr));
		send_hello(storm[i], "slow01", WRONG_TOKEN);
	}
	assert_int_equal(hello_unix("agent01", "agent01-test"), 0);
	assert_int_equal(hello_unix("slow01", "slow01-test"), 0);
	for (i = 0; i < STORM; i++) {
		assert_int_equal(next_code(storm[i]), ERR(UNAUTHENTICATED));
		harness_assert_closed(storm[i]);
		hl_close(storm[i]);
	}
	/* A ping pipelined behind a right hello, then behind a wrong one. */
	assert_non_null(c = harness_connect(addr));
	send_hello(c, "slow01", "slow01-test");
	assert_int_equal(harness_send(c, 2, BODY(PING), &ping), 0);
	assert_int_equal(next_code(c), 0);
	assert_int_equal(next_code(c), 0);
	hl_close(c);
	assert_non_null(c = harness_connect(addr));
	send_hello(c, "slow01", WRONG_TOKEN);
	assert_int_equal(harness_send(c, 2, BODY(PING), &ping), 0);
	assert_int_equal(next_code(c), ERR(UNAUTHENTICATED));
	harness_assert_closed(c);
	hl_close(c);
}

/*
 * Connections that close while their hello is checked leave nothing
 * behind (the answer finds no connection; run under ASan), and more
 * checks than auth-worker.c's global bound (32) at once are refused as
 * UNAVAILABLE instead of queueing without end.
 */
static void
test_hello_checks_bounded(void **state)
{
	static const char *from = "failures_burst = 20;";
	static const char *rate = "failures_per_minute = 600;";
	struct hl_client *c[64];
	char addr[HARNESS_PATH + 8];
	int i, code, unavailable = 0;

	(void)state;
	add_slow_principal();
	harness_unix_address(&h.main, addr, sizeof addr);
	for (i = 0; i < 16; i++) {
		assert_non_null(c[i] = harness_connect(addr));
		send_hello(c[i], "slow01", WRONG_TOKEN);
		hl_close(c[i]);
	}
	harness_assert_serving(&h);
	/* No failed-hello limit in the way: refilled at once, to 1000. */
	assert_int_equal(harness_edit_config(&h.main, from,
	    "failures_burst = 1000;"), 0);
	assert_int_equal(harness_edit_config(&h.main, rate,
	    "failures_per_minute = 6000000;"), 0);
	reload();
	for (i = 0; i < 64; i++) {
		assert_non_null(c[i] = harness_connect(addr));
		send_hello(c[i], "slow01", WRONG_TOKEN);
	}
	for (i = 0; i < 64; i++) {
		code = next_code(c[i]);
		assert_true(code == ERR(UNAUTHENTICATED) ||
		    code == ERR(UNAVAILABLE));
		unavailable += code == ERR(UNAVAILABLE);
		hl_close(c[i]);
	}
	assert_true(unavailable > 0);
	assert_int_equal(hello_unix("slow01", "slow01-test"), 0);
	assert_int_equal(harness_edit_config(&h.main, "failures_burst = 1000;",
	    from), 0);
	assert_int_equal(harness_edit_config(&h.main,
	    "failures_per_minute = 6000000;", rate), 0);
	reload();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_right_and_wrong_token),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_locked_address_lets_remembered_through),
		cmocka_unit_test(test_passwd_verifies),
		cmocka_unit_test(test_tokens_not_logged),
		cmocka_unit_test(test_hellos_checked_off_the_loop),
		cmocka_unit_test(test_hello_checks_bounded),
	};

	harness_filter();
	return cmocka_run_group_tests(tests, setup, teardown);
}
