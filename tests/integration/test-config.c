/* Integration tests of configuration: hotlined -n, and SIGHUP reloads with broken and good files. */
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

/* A principal added by the reload test; its token is "agent03-test". */
#define AGENT03 ",\n\t{ id = \"agent03\"; role = \"agent\"; credential = " \
    "\"$argon2id$v=19$m=64,t=1,p=1$Uyt8U8Ug/FGKrOo+If+" \
    "RJA$FO4boQf5V1UGLHip4pk/AxuZP9YWf1LiFQsX7RyWlt0\"; }"
/* A department principal of a department that does not exist. */
#define GHOST ",\n\t{ id = \"ghost-01\"; role = \"department\"; " \
    "department = \"ghost\"; credential = " \
    "\"$argon2id$v=19$m=64,t=1,p=1$Uyt8U8Ug/FGKrOo+If+" \
    "RJA$FO4boQf5V1UGLHip4pk/AxuZP9YWf1LiFQsX7RyWlt0\"; }"
/* A principal whose credential is a plain token, not a hash. */
#define PLAIN ",\n\t{ id = \"agent09\"; role = \"agent\"; " \
    "credential = \"agent09-test\"; }"

static struct harness h;

static struct hl_client *no_client;
HARNESS_FIXTURES(h, NULL, no_client)

/*
 * Runs hotlined -n -f conf with its output in out; returns its exit code,
 * or fails the test if it does not exit within HARNESS_WAIT_MS.
 */
static int
run_check(const char *conf, const char *out)
{
	const char *hotlined = getenv("HOTLINED");
	int64_t end = harness_now_ms() + HARNESS_WAIT_MS;
	pid_t pid;
	int status, fd;

	if (hotlined == NULL)
		hotlined = "build/hotlined";
	fflush(stderr);
	assert_true((pid = fork()) != -1);
	if (pid == 0) {
		if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600)) != -1) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execl(hotlined, hotlined, "-n", "-f", conf, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (harness_now_ms() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			fail_msg("hotlined -n -f %s did not exit", conf);
		}
		harness_sleep_ms(10);
	}
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* Returns the size of the file at path, or -1. */
static long
file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* Writes text to path. */
static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}


/* Asserts that hotlined -n refuses conf with exit 1 and a message naming culprit. */
static void
expect_refused(const char *conf, const char *culprit)
{
	char out[HARNESS_PATH + 16];
	int code;

	snprintf(out, sizeof out, "%s/check.out", h.dir);
	code = run_check(conf, out);
	if (code != 1)
		fail_msg("hotlined -n -f %s exited %d, want 1", conf, code);
	if (file_size(out) <= 0)
		fail_msg("hotlined -n -f %s refused it without a message", conf);
	if (!harness_file_has(out, culprit))
		fail_msg("hotlined -n -f %s: the message does not name %s",
		    conf, culprit);
}

/*
 * hotlined -n accepts the test config, and (issue 15) says when a coming
 * year has no holiday notice: the shipped calendar's 2027 is provisional,
 * so from 2026-11-02 on the coming 60 days reach it.
 */
static void
test_check_good(void **state)
{
	char out[HARNESS_PATH + 16], day[9];

	(void)state;
	snprintf(out, sizeof out, "%s/check.out", h.dir);
	assert_int_equal(run_check(h.main.conf, out), 0);
	assert_true(harness_file_has(out, "configuration OK"));
	harness_shanghai_date(day);
	assert_int_equal(harness_file_has(out, "warning: calendar: 2027 has no "
	    "State Council holiday notice yet"),
	    strcmp(day, "20261102") >= 0 && strcmp(day, "20270101") < 0);
	/* Chinese first: the same warning in Chinese on the line before. */
	assert_int_equal(harness_file_has(out, "警告：日历：2027 年的国务院放假通知"
	    "尚未发布"), strcmp(day, "20261102") >= 0 &&
	    strcmp(day, "20270101") < 0);
}

/* hotlined -n refuses broken syntax, bad references, plain credentials and no file. */
static void
test_check_bad(void **state)
{
	struct harness_daemon bad;
	char path[HARNESS_PATH + 16];

	(void)state;
	snprintf(path, sizeof path, "%s/syntax.conf", h.dir);
	write_text(path, "listen = ( { address = \"127.0.0.1:1\"; } \n"
	    "redis = { unix = ; };\n");
	expect_refused(path, "syntax.conf");

	memset(&bad, 0, sizeof bad);
	assert_int_equal(harness_write_config(&h, &bad, "ghost", GHOST), 0);
	expect_refused(bad.conf, "ghost");

	memset(&bad, 0, sizeof bad);
	assert_int_equal(harness_write_config(&h, &bad, "plain", PLAIN), 0);
	expect_refused(bad.conf, "credential");

	snprintf(path, sizeof path, "%s/does-not-exist.conf", h.dir);
	expect_refused(path, "does-not-exist.conf");
}

/* Logs principal in on the main daemon; quiet, NULL with err on failure. */
static struct hl_client *
try_login(const char *principal, struct hl_error *err)
{
	char addr[HARNESS_PATH + 8];

	return harness_try_login(harness_unix_address(&h.main, addr,
	    sizeof addr), principal, err);
}

/* Sends SIGHUP to the main daemon and gives it a moment to act on it. */
static void
hangup(void)
{
	assert_true(h.main.pid > 0);
	assert_int_equal(kill(h.main.pid, SIGHUP), 0);
	harness_sleep_ms(500);
}

/* SIGHUP with a broken file keeps serving with the old config. */
static void
test_sighup_broken_keeps_old(void **state)
{
	Hotline__ClassifyRequest cl = HOTLINE__CLASSIFY_REQUEST__INIT;
	struct hl_client *before, *after;
	Hotline__Envelope *rep;
	struct hl_error err;

	(void)state;
	assert_non_null(before = harness_login(&h, "agent01"));
	write_text(h.main.conf, "this is { not a config\n");
	hangup();
	harness_assert_serving(&h);
	assert_int_equal(harness_ping(before, &err), 1);
	assert_non_null(after = harness_login(&h, "zjj-01"));
	assert_int_equal(harness_ping(after, &err), 1);
	cl.title = "小区停水";
	cl.content = "停水了。";
	rep = harness_call(before, BODY(CLASSIFY), &cl, &err);
	assert_reply(rep, err);
	assert_string_equal(
	    rep->classified->routing->suggestions[0]->department->id, "water");
	hl_envelope_free(rep);

	/* A file that parses but is wrong is kept out too. */
	assert_int_equal(harness_write_config(&h, &h.main, "hotlined", GHOST), 0);
	hangup();
	harness_assert_serving(&h);
	assert_int_equal(harness_ping(before, &err), 1);
	assert_null(try_login("ghost-01", &err));
	assert_int_equal(err.code, ERR(UNAUTHENTICATED));
	hl_close(before);
	hl_close(after);
	assert_int_equal(harness_write_config(&h, &h.main, "hotlined", ""), 0);
}

/* Asks the daemon to reload as admin01; returns the answer (NULL with err on an Error). */
static Hotline__Envelope *
ask_reload(struct hl_client *admin, struct hl_error *err)
{
	Hotline__ReloadRequest req = HOTLINE__RELOAD_REQUEST__INIT;

	return harness_call(admin, BODY(RELOAD), &req, err);
}

/*
 * An admin's reload request: a broken file is refused with the reason (the
 * file's line) and the old configuration serves on; a good one is loaded
 * and answered with what it holds. Other roles may not reload.
 */
static void
test_reload_request(void **state)
{
	struct hl_client *admin, *agent, *agent03;
	Hotline__Envelope *rep;
	struct hl_error err;

	(void)state;
	assert_non_null(admin = harness_login(&h, "admin01"));
	assert_non_null(agent = harness_login(&h, "agent01"));
	assert_null(ask_reload(agent, &err));
	assert_int_equal(err.code, ERR(FORBIDDEN));

	write_text(h.main.conf, "this is { not a config\n");
	assert_null(ask_reload(admin, &err));
	assert_int_equal(err.code, ERR(BAD_REQUEST));
	assert_non_null(strstr(err.message_en, "reload refused"));
	assert_non_null(strstr(err.message, "重新加载被拒绝"));
	assert_non_null(strstr(err.message, h.main.conf));
	assert_int_equal(harness_ping(agent, &err), 1);

	assert_int_equal(harness_write_config(&h, &h.main, "hotlined", AGENT03),
	    0);
	rep = ask_reload(admin, &err);
	assert_non_null(rep);
	assert_int_equal(rep->body_case, BODY(RELOADED));
	assert_string_equal(rep->reloaded->path, h.main.conf);
	assert_int_equal(rep->reloaded->departments, 4);
	assert_true(rep->reloaded->catalogue_entries > 0);
	hl_envelope_free(rep);
	/* In force at once: the new principal logs in without waiting. */
	assert_non_null(agent03 = try_login("agent03", &err));
	hl_close(agent03);
	hl_close(admin);
	hl_close(agent);
	assert_int_equal(harness_write_config(&h, &h.main, "hotlined", ""), 0);
}

/* Polls until principal can log in; bounded. */
static struct hl_client *
login_eventually(const char *principal)
{
	int64_t end = harness_now_ms() + HARNESS_WAIT_MS;
	struct hl_error err;
	struct hl_client *c;

	while ((c = try_login(principal, &err)) == NULL &&
	    harness_now_ms() < end)
		harness_sleep_ms(100);
	return c;
}

/* SIGHUP with a good changed file takes it: a new principal can log in. */
static void
test_sighup_good_reloads(void **state)
{
	struct hl_client *before, *c;
	Hotline__Envelope *made;
	struct hl_error err;

	(void)state;
	assert_non_null(before = harness_login(&h, "agent01"));
	assert_null(try_login("agent03", &err));
	assert_int_equal(err.code, ERR(UNAUTHENTICATED));
	assert_int_equal(harness_write_config(&h, &h.main, "hotlined",
	    AGENT03), 0);
	assert_int_equal(kill(h.main.pid, SIGHUP), 0);
	c = login_eventually("agent03");
	if (c == NULL) {
		harness_print_log(&h.main);
		fail_msg("agent03 could not log in after the reload");
	}
	made = harness_create(c, "小区停水", "新话务员登记。");
	assert_string_equal(made->created->ticket->created_by, "agent03");
	assert_int_equal(made->created->ticket->state, STATE(DISPATCHED));
	hl_envelope_free(made);
	/* Sessions from before the reload carry on. */
	assert_int_equal(harness_ping(before, &err), 1);
	hl_close(before);
	hl_close(c);
}

/* Runs the group: its setup starts the servers, its teardown stops them. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_good),
		cmocka_unit_test(test_check_bad),
		cmocka_unit_test(test_sighup_broken_keeps_old),
		cmocka_unit_test(test_sighup_good_reloads),
		cmocka_unit_test(test_reload_request),
	};

	harness_filter();
	return cmocka_run_group_tests_name("config", tests, setup, teardown);
}
