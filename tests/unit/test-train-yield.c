/* Unit tests of train-yield.c: a training thread pauses while the loop has requests in hand, and never without them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <pthread.h>
#include <time.h>

#include <cmocka.h>
#include <valgrind/valgrind.h>

#include "train-yield.h"

/* What the spinning "trainer" and the test share. */
static struct {
	volatile int stop;
	volatile int started;		/* 1 started, -1 could not */
} spin;

/* Nanoseconds on clock id. */
static int64_t
ns_of(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Sleeps ms milliseconds. */
static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1)
		;
}

/* Stands for learn_thread: computes until told to stop, pausing as the loop asks. */
static void *
spin_run(void *arg)
{
	int64_t *cpu = arg;
	volatile uint64_t x = 0;

	spin.started = train_yield_start() == 0 ? 1 : -1;
	while (!spin.stop) {
		x++;
		*cpu = ns_of(CLOCK_THREAD_CPUTIME_ID);
	}
	train_yield_stop();
	return NULL;
}

/* The thread's CPU time over ms of wall time, as a share of it. */
static double
cpu_share(const volatile int64_t *cpu, int ms)
{
	int64_t c0 = *cpu, w0 = ns_of(CLOCK_MONOTONIC), c1, w1;

	sleep_ms(ms);
	c1 = *cpu;
	w1 = ns_of(CLOCK_MONOTONIC);
	return (double)(c1 - c0) / (double)(w1 - w0);
}

/*
 * With a request in hand the thread pauses: its share of a core falls to
 * about TRAIN_YIELD_RUN_US / (TRAIN_YIELD_RUN_US + TRAIN_YIELD_PAUSE_US),
 * 1 in 11 (asserted below a half); once none is, it pauses no more.
 */
static void
test_pauses_while_busy(void **state)
{
	int64_t cpu = 0;
	pthread_t t;
	uint64_t before, after;
	double busy;
	int i;

	(void)state;
	spin.stop = 0;
	assert_int_equal(pthread_create(&t, NULL, spin_run, &cpu), 0);
	for (i = 0; i < 200 && spin.started == 0; i++)
		sleep_ms(5);
	assert_int_equal(spin.started, 1);
	before = train_yield_pauses();
	train_yield_enter();
	busy = cpu_share(&cpu, 400);
	train_yield_leave();
	after = train_yield_pauses();
	/*
	 * valgrind runs one thread at a time and delivers signals when it
	 * switches: there the code runs (memcheck) but the timing says nothing.
	 */
	if (!RUNNING_ON_VALGRIND) {
		assert_true(after - before >= 10);	/* ~36 in 400 ms */
		assert_true(busy < 0.5);
	}
	/* a pause in progress ends TRAIN_YIELD_LINGER_US after */
	sleep_ms(TRAIN_YIELD_LINGER_US / 1000 + 20);
	before = train_yield_pauses();
	sleep_ms(100);
	assert_int_equal(train_yield_pauses(), before);
	spin.stop = 1;
	assert_int_equal(pthread_join(t, NULL), 0);
}

/* Entering and leaving without a training thread does nothing but count. */
static void
test_no_thread(void **state)
{
	uint64_t before = train_yield_pauses();

	(void)state;
	train_yield_enter();
	train_yield_enter();
	train_yield_leave();
	train_yield_leave();
	assert_int_equal(train_yield_pauses(), before);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_thread),
		cmocka_unit_test(test_pauses_while_busy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
