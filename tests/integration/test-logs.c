/* Integration tests of hotlined's log: untrusted text cannot forge lines or send escapes, and confidential callers never appear. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static struct harness h;

static struct hl_client *no_client;
HARNESS_FIXTURES(h, NULL, no_client)

#define INJECTION "x\n[fake] log line\x1b[31m"
#define INJECTION_ESCAPED "x\\x0a[fake] log line\\x1b[31m"

/* Reads the main daemon's log whole; free it. */
static char *
read_log(size_t *len)
{
	FILE *f = fopen(h.main.log, "r");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	*len = fread(buf, 1, (size_t)n, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/*
 * Fails unless every line of the log is one of hotlined's own ("yyyy-mm-dd
 * hh:mm:ss.mmm +hhmm hotlined: ...", the zone said: issue 15 item 6) and no
 * ESC byte is anywhere in it.
 */
static void
assert_log_clean(const char *log, size_t len)
{
	const char *line = log, *end;
	int year, zone;
	char sign;

	if (memchr(log, 0x1b, len) != NULL)
		fail_msg("an escape byte reached the daemon's log");
	for (; *line != '\0'; line = end + 1) {
		end = strchr(line, '\n');
		if (end == NULL)
			break;
		if (sscanf(line, "%4d-", &year) != 1 || year < 2000 ||
		    strstr(line, " hotlined: ") != line + 29 ||
		    sscanf(line + 24, "%c%4d", &sign, &zone) != 2 ||
		    (sign != '+' && sign != '-'))
			fail_msg("a line the daemon did not write: %.*s",
			    (int)(end - line), line);
	}
}

/* Says hello with a principal, credential and client name; returns the answer. */
static Hotline__Envelope *
hello(const char *principal, const char *credential, const char *client)
{
	char addr[HARNESS_PATH + 8];
	struct hl_client *c = harness_connect(harness_unix_address(&h.main,
	    addr, sizeof addr));
	Hotline__Hello req = HOTLINE__HELLO__INIT;
	Hotline__Envelope *rep = NULL;
	struct hl_error err;

	assert_non_null(c);
	req.version = HOTLINE__PROTOCOL_VERSION__PROTOCOL_VERSION;
	req.principal = (char *)principal;
	req.credential = (char *)credential;
	req.client = (char *)client;
	assert_int_equal(harness_send(c, 1, BODY(HELLO), &req), 0);
	assert_int_equal(hl_recv(c, HARNESS_CALL_MS, &rep, &err), 1);
	hl_close(c);
	return rep;
}

/* A hello's principal and client name cannot forge a log line or colour the terminal. */
static void
test_hello_injection(void **state)
{
	Hotline__Envelope *rep;
	size_t len;
	char *log;

	(void)state;
	rep = hello(INJECTION, "nope", INJECTION);
	assert_int_equal(rep->body_case, BODY(ERROR));
	assert_int_equal(rep->error->code, ERR(UNAUTHENTICATED));
	hl_envelope_free(rep);
	rep = hello("agent01", "agent01-test", "softphone\n[fake] 2.0\x1b[2J"
	    "\xc2\x9b" "31m\xe2\x80\xae");
	assert_int_equal(rep->body_case, BODY(HELLO_OK));
	hl_envelope_free(rep);
	harness_assert_serving(&h);

	log = read_log(&len);
	assert_log_clean(log, len);
	/* The lines were written, escaped: the test sees what it checks. */
	assert_non_null(strstr(log, "failed hello as \"" INJECTION_ESCAPED));
	assert_non_null(strstr(log, "softphone\\x0a[fake] 2.0\\x1b[2J"
	    "\\xc2\\x9b31m\\xe2\\x80\\xae"));
	assert_null(strstr(log, "\n[fake]"));
	free(log);
}

/* A confidential caller's name and phone never reach the log, through any step. */
static void
test_confidential_caller_not_logged(void **state)
{
	struct hl_client *agent = harness_login(&h, "agent01");
	struct hl_client *zjj = harness_login(&h, "zjj-01");
	Hotline__CreateRequest req;
	Hotline__Envelope *rep;
	struct hl_error err;
	char call_id[96], phone[24], number[32];
	size_t len;
	char *log;

	(void)state;
	assert_non_null(agent);
	assert_non_null(zjj);
	harness_create_init(&req, call_id, sizeof call_id,
	    harness_phone(phone, sizeof phone), "物业不作为",
	    "小区物业公司收费不干活，电梯故障一周没人修。");
	req.confidential = 1;
	req.caller_name = "保密的欧阳先生";
	rep = harness_call(agent, BODY(CREATE), &req, &err);
	assert_reply(rep, err);
	snprintf(number, sizeof number, "%s", rep->created->ticket->number);
	hl_envelope_free(rep);
	rep = harness_sign(zjj, number, &err);
	assert_reply(rep, err);
	hl_envelope_free(rep);
	rep = harness_reply(zjj, number, "已处理", &err);
	assert_reply(rep, err);
	hl_envelope_free(rep);
	rep = harness_show(agent, number, &err);
	assert_reply(rep, err);
	hl_envelope_free(rep);
	hl_close(agent);
	hl_close(zjj);

	log = read_log(&len);
	assert_non_null(strstr(log, number));	/* the steps were logged */
	if (strstr(log, phone) != NULL || strstr(log, "欧阳") != NULL)
		fail_msg("the confidential caller (%s) is in the log", phone);
	free(log);
}

/* Runs the group: its setup starts the servers, its teardown stops them. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello_injection),
		cmocka_unit_test(test_confidential_caller_not_logged),
	};

	harness_filter();
	return cmocka_run_group_tests_name("logs", tests, setup, teardown);
}
