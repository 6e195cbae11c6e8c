/* Unit tests of a ticket's clocks (daemon/clock.c) on the 2026 calendar: start, suspend, resume, extend, warn. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hotlined.h"
#include "unit-calendar.h"

#define T(y, mo, d, h, mi) deadline_time(y, mo, d, h, mi)
#define COMPLAINT HOTLINE__TICKET_TYPE__TICKET_TYPE_COMPLAINT
#define NORMAL HOTLINE__URGENCY__URGENCY_NORMAL
#define URGENT HOTLINE__URGENCY__URGENCY_URGENT

static struct calendar *cal;
static struct policies *pols;

/* Loads the shipped calendar (2025, 2026) and the built-in policies. */
static int
setup(void **state)
{
	(void)state;
	pols = policy_new();
	return (cal = unit_calendar(0)) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	calendar_free(cal);
	policy_free(pols);
	return 0;
}

/* clock_getter over a clock_fields list. */
static const char *
fields_get(void *arg, const char *field)
{
	const struct clock_fields *f = arg;
	int i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->name[i], field) == 0)
			return f->value[i];
	return NULL;
}

/* A complaint dispatched on 2026-09-30 runs across 国庆+中秋 and the 调休 Saturday. */
static void
test_start_across_national_day(void **state)
{
	struct clock c = { .left = -1 };
	struct clock_dues d;
	struct policy p;

	(void)state;
	policy_for(pols, COMPLAINT, NORMAL, "water", &p);
	clock_start(&c, &p, T(2026, 9, 30, 10, 0));
	clock_dues(&c, cal, &p, &d);
	/* 1wd: Oct 1-7 are holidays; Thu Oct 8 is the first working day. */
	assert_int_equal(d.sign_due, T(2026, 10, 8, 18, 0));
	/* 2wd: Fri Oct 9. */
	assert_int_equal(d.return_until, T(2026, 10, 9, 18, 0));
	/* 10wd: Oct 8, 9, Sat 10 (调休), 12-16, 19, Tue 20. */
	assert_int_equal(d.complete_due, T(2026, 10, 20, 18, 0));
	/* 黄灯 one working day before: Mon Oct 19 at close of business. */
	assert_int_equal(d.warn_at, T(2026, 10, 19, 18, 0));
}

/* Suspending keeps the working time left; resuming two working days later moves the due time by two. */
static void
test_suspend_resume(void **state)
{
	struct clock c = { .left = -1 };
	struct clock_dues d;
	struct policy p;

	(void)state;
	policy_for(pols, COMPLAINT, NORMAL, "water", &p);
	clock_start(&c, &p, T(2026, 9, 30, 10, 0));
	/*
	 * Suspended Mon Oct 12 10:00, due Oct 20: the rest of Monday is set
	 * aside (民法典 art. 201, whole days), 13-16, 19, 20 are left: 6 x 7 h.
	 */
	clock_suspend(&c, cal, &p, T(2026, 10, 12, 10, 0));
	assert_true(c.suspended);
	assert_int_equal(c.left, 6 * 7 * 60 * 60000LL);
	clock_dues(&c, cal, &p, &d);
	assert_int_equal(d.complete_due, 0);
	assert_int_equal(d.warn_at, 0);
	assert_int_equal(clock_remaining(&c, cal, &p, T(2026, 10, 13, 9, 0)),
	    c.left);
	/* Resumed Wed Oct 14 10:00: the rest of Wednesday does not count
	 * either; six working days from Thu: 15, 16, 19, 20, 21, 22. */
	clock_resume(&c, T(2026, 10, 14, 10, 0));
	clock_dues(&c, cal, &p, &d);
	assert_int_equal(d.complete_due, T(2026, 10, 22, 18, 0));
	assert_int_equal(clock_remaining(&c, cal, &p, T(2026, 10, 14, 10, 0)),
	    (6 * 7 * 60 + 5 * 60 + 30) * 60000LL);
}

/*
 * Issue 15 item 5: a suspend followed 7 ms later by a resume leaves a
 * close-of-business due time where it was (it moved to the next morning
 * 08:30 before); and the same in the afternoon, on the due day itself.
 */
static void
test_suspend_resume_at_once(void **state)
{
	struct clock c = { .left = -1 };
	struct clock_dues d, before;
	struct policy p;
	int64_t at;

	(void)state;
	policy_for(pols, COMPLAINT, NORMAL, "water", &p);
	clock_start(&c, &p, T(2026, 12, 4, 10, 0));
	clock_dues(&c, cal, &p, &before);
	assert_int_equal(before.complete_due, T(2026, 12, 18, 18, 0));
	for (at = T(2026, 12, 7, 10, 0); at <= T(2026, 12, 18, 17, 0);
	    at += 3 * DEADLINE_DAY_MS + 7 * DEADLINE_HOUR_MS) {
		clock_suspend(&c, cal, &p, at);
		clock_resume(&c, at + 7);
		clock_dues(&c, cal, &p, &d);
		assert_int_equal(d.complete_due, before.complete_due);
		assert_int_equal(d.warn_at, before.warn_at);
	}
}

/*
 * Issue 15 item 5: an urgent 24 h ticket is warned 6 h before due (75 %);
 * suspended with 22 h left and resumed, it is warned 6 h before the new
 * due time, not 5.5 h (75 % of what was left).
 */
static void
test_warning_distance_after_resume(void **state)
{
	struct clock c = { .left = -1 };
	struct clock_dues d;
	struct policy p;
	int64_t start = T(2026, 12, 7, 9, 0), resumed = T(2026, 12, 9, 9, 0);

	(void)state;
	policy_for(pols, COMPLAINT, URGENT, "water", &p);
	clock_start(&c, &p, start);
	clock_dues(&c, cal, &p, &d);
	assert_int_equal(d.complete_due - d.warn_at, 6 * DEADLINE_HOUR_MS);
	clock_suspend(&c, cal, &p, start + 2 * DEADLINE_HOUR_MS);
	assert_int_equal(c.left, 22 * DEADLINE_HOUR_MS);
	clock_resume(&c, resumed);
	clock_dues(&c, cal, &p, &d);
	assert_int_equal(d.complete_due, resumed + 22 * DEADLINE_HOUR_MS);
	assert_int_equal(d.complete_due - d.warn_at, 6 * DEADLINE_HOUR_MS);
	/* Suspended with 4 h left (past the warning point), the warning is
	 * at once on resume. */
	clock_suspend(&c, cal, &p, d.complete_due - 4 * DEADLINE_HOUR_MS);
	clock_resume(&c, resumed + 2 * DEADLINE_DAY_MS);
	clock_dues(&c, cal, &p, &d);
	assert_int_equal(d.warn_at, resumed + 2 * DEADLINE_DAY_MS);
	/* Late when suspended: nothing is left, not a fresh limit. */
	clock_suspend(&c, cal, &p, d.complete_due + DEADLINE_HOUR_MS);
	assert_int_equal(c.left, 0);
	clock_resume(&c, resumed + 4 * DEADLINE_DAY_MS);
	clock_dues(&c, cal, &p, &d);
	assert_int_equal(d.complete_due, resumed + 4 * DEADLINE_DAY_MS);
}

/* An approved extension counts from the old due time. */
static void
test_extension(void **state)
{
	struct clock c = { .left = -1 };
	struct clock_dues d;
	struct limit five = { LIMIT_WORK_DAYS, 5 }, eleven = { LIMIT_WORK_DAYS, 11 };
	struct policy p;

	(void)state;
	policy_for(pols, COMPLAINT, NORMAL, "water", &p);
	clock_start(&c, &p, T(2026, 9, 30, 10, 0));
	assert_int_equal(clock_extend(&c, &five), 0);
	clock_dues(&c, cal, &p, &d);
	/* 5wd after Tue Oct 20: 21, 22, 23, 26, Tue 27. */
	assert_int_equal(d.complete_due, T(2026, 10, 27, 18, 0));
	assert_int_equal(d.warn_at, T(2026, 10, 26, 18, 0));
	assert_true(clock_extension_allowed(cal, &p, &five, T(2026, 10, 12, 9, 0)));
	assert_false(clock_extension_allowed(cal, &p, &eleven,
	    T(2026, 10, 12, 9, 0)));
}

/* An urgent complaint is due in 24 natural hours and warns at 75%. */
static void
test_urgent_natural(void **state)
{
	struct clock c = { .left = -1 };
	struct clock_dues d;
	struct policy p;
	int64_t start = T(2026, 10, 1, 20, 0);	/* a holiday evening */

	(void)state;
	policy_for(pols, COMPLAINT, URGENT, "water", &p);
	clock_start(&c, &p, start);
	clock_dues(&c, cal, &p, &d);
	assert_int_equal(d.sign_due, start + 3600000LL);
	assert_int_equal(d.complete_due, start + 24 * 3600000LL);
	assert_int_equal(d.warn_at, start + 18 * 3600000LL);
}

/* The stored fields read back into the same clock and the same dues. */
static void
test_fields_round_trip(void **state)
{
	struct clock c = { .left = -1 }, back;
	struct limit five = { LIMIT_WORK_DAYS, 5 };
	struct clock_fields f;
	struct clock_dues d, d2;
	struct policy p;

	(void)state;
	policy_for(pols, COMPLAINT, NORMAL, "water", &p);
	clock_start(&c, &p, T(2026, 9, 30, 10, 0));
	clock_extend(&c, &five);
	c.gen = 7;
	clock_dues(&c, cal, &p, &d);
	clock_fields(&c, &d, &f);
	assert_int_equal(f.n, 10);
	assert_string_equal(f.name[2], "clock_limit");
	assert_string_equal(f.value[2], "10wd");
	assert_string_equal(f.name[5], "clock_ext");
	assert_string_equal(f.value[5], "5wd");
	clock_read(&back, fields_get, &f);
	clock_dues(&back, cal, &p, &d2);
	assert_int_equal(d2.complete_due, d.complete_due);
	assert_int_equal(d2.sign_due, d.sign_due);
	assert_int_equal(back.nextensions, 1);
}

/* Timers to arm: the sign timer only while awaiting the sign-for. */
static void
test_timers(void **state)
{
	struct clock_dues d = { 100, 300, 200, 150 };
	char buf[128];

	(void)state;
	clock_timers(&d, 1, buf, sizeof buf);
	assert_string_equal(buf, "sign=100,warn=200,overdue=300");
	clock_timers(&d, 0, buf, sizeof buf);
	assert_string_equal(buf, "warn=200,overdue=300");
	memset(&d, 0, sizeof d);
	clock_timers(&d, 1, buf, sizeof buf);
	assert_string_equal(buf, "");
}

/* A ticket never dispatched has no clock and no dues. */
static void
test_no_clock(void **state)
{
	struct clock_fields f = { .n = 0 };
	struct clock c;
	struct clock_dues d;
	struct policy p;

	(void)state;
	policy_for(pols, COMPLAINT, NORMAL, NULL, &p);
	clock_read(&c, fields_get, &f);
	assert_int_equal(c.dispatched_at, 0);
	clock_dues(&c, cal, &p, &d);
	assert_int_equal(d.complete_due, 0);
	assert_int_equal(clock_remaining(&c, cal, &p, 1), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_across_national_day),
		cmocka_unit_test(test_suspend_resume),
		cmocka_unit_test(test_suspend_resume_at_once),
		cmocka_unit_test(test_warning_distance_after_resume),
		cmocka_unit_test(test_extension),
		cmocka_unit_test(test_urgent_natural),
		cmocka_unit_test(test_fields_round_trip),
		cmocka_unit_test(test_timers),
		cmocka_unit_test(test_no_clock),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
