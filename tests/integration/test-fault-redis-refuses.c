/* Fault test: Redis refuses writes (OOM, MISCONF after a failed save, NOREPLICAS); clients get a clear UNAVAILABLE, hotlined recovers. */
#include <sys/types.h>

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

static struct harness h;
static struct hl_client *agent;
HARNESS_FIXTURES(h, "agent01", agent)

/* Returns 1 if Redis's INFO persistence contains line (e.g. "rdb_bgsave_in_progress:1"). */
static int
persistence_says(const char *line)
{
	char info[8192];

	if (fault_redis_command(&h, info, sizeof info, "INFO persistence") == -1)
		return 0;
	return strstr(info, line) != NULL;
}

/* Polls until INFO persistence contains line; bounded. */
static void
wait_persistence(const char *line)
{
	int64_t end = harness_now_ms() + HARNESS_WAIT_MS;

	while (!persistence_says(line)) {
		if (harness_now_ms() > end)
			fail_msg("Redis never said %s", line);
		harness_sleep_ms(20);
	}
}

/* Returns the pid of Redis's first child (its BGSAVE), or -1. */
static pid_t
redis_child(void)
{
	char path[96];
	long pid = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/task/%ld/children",
	    (long)h.redis_pid, (long)h.redis_pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = -1;
	fclose(f);
	return (pid_t)pid;
}

/* Makes a BGSAVE fail (its child is killed), so Redis refuses writes with MISCONF. */
static void
break_bgsave(void)
{
	int64_t end = harness_now_ms() + HARNESS_WAIT_MS;
	char answer[256];
	pid_t child;

	assert_int_equal(fault_redis_config(&h, "save", "3600 1"), 0);
	assert_int_equal(fault_redis_config(&h, "stop-writes-on-bgsave-error",
	    "yes"), 0);
	/* A slow save (1 s a key) that the test kills: a disk that failed. */
	assert_int_equal(fault_redis_config(&h, "rdb-key-save-delay",
	    "1000000"), 0);
	assert_int_equal(fault_redis_command(&h, answer, sizeof answer,
	    "BGSAVE"), REDIS_REPLY_STATUS);
	while ((child = redis_child()) <= 0) {
		if (harness_now_ms() > end)
			fail_msg("no BGSAVE child appeared");
		harness_sleep_ms(10);
	}
	assert_int_equal(kill(child, SIGKILL), 0);
	wait_persistence("rdb_last_bgsave_status:err");
	wait_persistence("rdb_bgsave_in_progress:0");
}

/* Lets a BGSAVE succeed again and stops saving snapshots, as the test Redis was. */
static void
mend_bgsave(void)
{
	char answer[256];

	assert_int_equal(fault_redis_config(&h, "rdb-key-save-delay", "0"), 0);
	assert_int_equal(fault_redis_command(&h, answer, sizeof answer,
	    "BGSAVE"), REDIS_REPLY_STATUS);
	wait_persistence("rdb_last_bgsave_status:ok");
	assert_int_equal(fault_redis_config(&h, "save", ""), 0);
}

/*
 * With Redis refusing writes (broken by brk, mended by mend), a create gets
 * UNAVAILABLE naming refusal, a show still reads, ping still says the store
 * is up; once mended the same call id creates one ticket.
 */
static void
refused(const char *what, const char *refusal, void (*brk)(void),
    void (*mend)(void))
{
	Hotline__Envelope *before, *rep;
	Hotline__CreateRequest req;
	struct hl_error err;
	char call_id[64], phone[32];
	int64_t t_mend;
	int attempts = 0;

	before = harness_create(agent, "小区停水", "写入被拒之前登记。");
	brk();
	harness_create_init(&req, call_id, sizeof call_id,
	    harness_phone(phone, sizeof phone), "小区停水", "写入被拒时登记。");
	rep = harness_call(agent, BODY(CREATE), &req, &err);
	assert_error(rep, err, ERR(UNAVAILABLE));
	fprintf(stderr, "# %s: create answered %s: \"%s\"\n", what,
	    hl_error_name(err.code), err.message);
	if (strstr(err.message, refusal) == NULL ||
	    strstr(err.message_en, "refuses writes") == NULL)
		fail_msg("the message does not say Redis refuses writes (%s): "
		    "%s", refusal, err.message);
	rep = harness_show(agent, before->created->ticket->number, &err);
	fprintf(stderr, "# %s: show of an existing ticket: %s\n", what,
	    rep != NULL ? "answered" : err.message);
	assert_reply(rep, err);
	hl_envelope_free(rep);
	assert_int_equal(harness_ping(agent, &err), 1);
	assert_int_equal(harness_callid_known(&h, call_id), 0);

	mend();
	t_mend = harness_now_ms();
	do {
		if (attempts++ > 0)
			harness_sleep_ms(50);
		rep = harness_call(agent, BODY(CREATE), &req, &err);
	} while (rep == NULL && err.code == ERR(UNAVAILABLE) && attempts < 100);
	assert_reply(rep, err);
	fprintf(stderr, "# %s: the same call id was acknowledged %lld ms after "
	    "Redis was mended (%d attempts)\n", what,
	    (long long)(harness_now_ms() - t_mend), attempts);
	assert_false(rep->created->duplicate);
	assert_int_equal(harness_callid_known(&h, call_id), 1);
	hl_envelope_free(rep);
	hl_envelope_free(before);
	harness_assert_serving(&h);
}

/* maxmemory 1 with noeviction: every write is refused. */
static void
oom_on(void)
{
	assert_int_equal(fault_redis_config(&h, "maxmemory-policy",
	    "noeviction"), 0);
	assert_int_equal(fault_redis_config(&h, "maxmemory", "1"), 0);
}

/* No memory limit again. */
static void
oom_off(void)
{
	assert_int_equal(fault_redis_config(&h, "maxmemory", "0"), 0);
}

/* Writes need a replica that is not there. */
static void
noreplicas_on(void)
{
	assert_int_equal(fault_redis_config(&h, "min-replicas-to-write", "1"), 0);
}

/* No replica needed again. */
static void
noreplicas_off(void)
{
	assert_int_equal(fault_redis_config(&h, "min-replicas-to-write", "0"), 0);
}

/* Redis out of memory: OOM. */
static void
test_redis_oom(void **state)
{
	(void)state;
	refused("redis-refuses (OOM)", "OOM", oom_on, oom_off);
}

/* A snapshot that failed (a full or broken disk): MISCONF. */
static void
test_redis_misconf(void **state)
{
	(void)state;
	refused("redis-refuses (MISCONF)", "MISCONF", break_bgsave, mend_bgsave);
}

/* Not enough replicas (min-replicas-to-write): NOREPLICAS. */
static void
test_redis_noreplicas(void **state)
{
	(void)state;
	refused("redis-refuses (NOREPLICAS)", "NOREPLICAS", noreplicas_on,
	    noreplicas_off);
}

/* Runs the group: its setup starts the servers, its teardown stops them. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redis_oom),
		cmocka_unit_test(test_redis_misconf),
		cmocka_unit_test(test_redis_noreplicas),
	};

	harness_filter();
	return cmocka_run_group_tests_name("fault-redis-refuses", tests, setup,
	    teardown);
}
