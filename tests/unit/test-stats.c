/* Unit tests of stats.c: periods, the days and months that cover them, counters, indicators, scores, the ranking and the working-seconds index. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hotlined.h"

#define T(y, mo, d, h, mi) deadline_time(y, mo, d, h, mi)
#define DAY(y, mo, d) deadline_date_day(y, mo, d)

/* Parses text at 2026-11-22 12:00 and asserts the dates it covers. */
static void
period_is(const char *text, int32_t from, int32_t to)
{
	struct stats_period p;
	const char *why = NULL;

	if (stats_period_parse(text, T(2026, 11, 22, 12, 0), &p, &why) != 0)
		fail_msg("\"%s\" refused: %s", text, why);
	assert_int_equal(p.from, from);
	assert_int_equal(p.to, to);
}

/* Asserts that text is refused with a reason. */
static void
period_bad(const char *text)
{
	struct stats_period p;
	const char *why = NULL;

	if (stats_period_parse(text, T(2026, 11, 22, 12, 0), &p, &why) == 0)
		fail_msg("\"%s\" accepted", text);
	assert_non_null(why);
}

/* Every form of a period, and the ISO weeks at the turn of a year. */
static void
test_periods(void **state)
{
	(void)state;
	period_is("2026-11-22", DAY(2026, 11, 22), DAY(2026, 11, 22));
	period_is("2026-11", DAY(2026, 11, 1), DAY(2026, 11, 30));
	period_is("2026-02", DAY(2026, 2, 1), DAY(2026, 2, 28));
	period_is("2024-02", DAY(2024, 2, 1), DAY(2024, 2, 29));
	period_is("2026-Q3", DAY(2026, 7, 1), DAY(2026, 9, 30));
	period_is("2026-Q4", DAY(2026, 10, 1), DAY(2026, 12, 31));
	period_is("2026", DAY(2026, 1, 1), DAY(2026, 12, 31));
	period_is("", DAY(2026, 11, 1), DAY(2026, 11, 30));
	period_is("2026-07-15..2026-08-14", DAY(2026, 7, 15), DAY(2026, 8, 14));
	/* 2026-01-01 is a Thursday: week 1 starts Monday 2025-12-29. */
	period_is("2026-W01", DAY(2025, 12, 29), DAY(2026, 1, 4));
	period_is("2026-W48", DAY(2026, 11, 23), DAY(2026, 11, 29));
	period_is("2026-W53", DAY(2026, 12, 28), DAY(2027, 1, 3));
	/* 2025 has 52 ISO weeks; 2027-01-01 is a Friday: W01 starts 01-04. */
	period_bad("2025-W53");
	period_is("2027-W01", DAY(2027, 1, 4), DAY(2027, 1, 10));
	period_bad("2026-13");
	period_bad("2026-00");
	period_bad("2026-Q0");
	period_bad("2026-Q5");
	period_bad("2026-W00");
	period_bad("2026-02-30");
	period_bad("26-11");
	period_bad("2026/11");
	period_bad("2026-11-22..");
	period_bad("2026-09-30..2026-07-01");
	period_bad("2025-01-01..2026-12-31");	/* more than 400 days */
	period_bad("1999");
	period_bad("２０２６");
}

/* Appends a name to a buffer (the callback of stats_period_names). */
static void
collect(void *arg, const char *name)
{
	char *buf = arg;

	if (buf[0] != '\0')
		strcat(buf, ",");
	strcat(buf, name);
}

/* Asserts the names that cover text, with and without months. */
static void
names_are(const char *text, int months, const char *want)
{
	struct stats_period p;
	const char *why;
	char buf[8192] = "";

	assert_int_equal(stats_period_parse(text, 0, &p, &why), 0);
	stats_period_names(&p, months, collect, buf);
	assert_string_equal(buf, want);
}

/* Whole months are read as months, the rest as days, each day once. */
static void
test_period_names(void **state)
{
	(void)state;
	names_are("2026-Q3", 1, "202607,202608,202609");
	names_are("2026-07-30..2026-09-02", 1,
	    "20260730,20260731,202608,20260901,20260902");
	names_are("2026-02-27..2026-03-01", 0, "20260227,20260228,20260301");
	names_are("2026-11-22", 1, "20261122");
	names_are("2025-12-31..2026-01-01", 1, "20251231,20260101");
}

/* Counters by name, clamped at zero; unknown names refused. */
static void
test_counters(void **state)
{
	Hotline__Counters c = HOTLINE__COUNTERS__INIT;

	(void)state;
	assert_int_equal(stats_counter_add(&c, "received", 3), 0);
	assert_int_equal(stats_counter_add(&c, "signed", 2), 0);
	assert_int_equal(stats_counter_add(&c, "complete_seconds", 7200), 0);
	assert_int_equal(stats_counter_add(&c, "received", -1), 0);
	assert_int_equal(stats_counter_add(&c, "returned", -5), 0);
	assert_int_equal(stats_counter_add(&c, "nosuch", 1), -1);
	assert_int_equal(stats_counter_add(&c, "", 1), -1);
	assert_int_equal(c.received, 2);
	assert_int_equal(c.signed_, 2);
	assert_int_equal(c.complete_seconds, 7200);
	assert_int_equal(c.returned, 0);
}

/* Indicators from counters, undefined ones with denominator 0, and the score. */
static void
test_indicators_and_score(void **state)
{
	Hotline__Counters c = HOTLINE__COUNTERS__INIT;
	Hotline__Indicators ind = HOTLINE__INDICATORS__INIT;
	struct assessment_spec as;

	(void)state;
	c.received = 10;
	c.signed_ = 9;
	c.signed_on_time = 8;
	c.sign_overdue = 2;
	c.completed = 4;
	c.completed_on_time = 3;
	c.overdue = 1;
	c.returned = 1;
	c.reopened = 1;
	c.callback_satisfied = 2;
	c.callback_basically_satisfied = 1;
	c.callback_unsatisfied = 1;
	c.solved = 2;
	c.sign_seconds = 9 * 1800;
	c.complete_seconds = 4 * 36000;
	stats_indicators(&c, &ind);
	assert_int_equal(ind.response->numerator, 8);
	assert_int_equal(ind.response->denominator, 10);
	assert_int_equal(ind.on_time->denominator, 4);
	assert_int_equal(ind.resolution->numerator, 2);
	assert_int_equal(ind.resolution->denominator, 4);
	assert_int_equal(ind.satisfaction->numerator, 3);
	assert_int_equal(ind.returns->denominator, 10);
	assert_int_equal(ind.reopens->denominator, 4);
	assert_true(ind.avg_sign_hours > 0.4999 && ind.avg_sign_hours < 0.5001);
	assert_true(ind.avg_complete_hours > 9.999 &&
	    ind.avg_complete_hours < 10.001);
	stats_default_assessment(&as);
	/* 30 * 0.8 + 35 * 0.5 + 35 * 0.75 = 24 + 17.5 + 26.25 = 67.75 */
	assert_true(stats_score(&ind, &as) > 67.7499 &&
	    stats_score(&ind, &as) < 67.7501);
	as.weights[STATS_RETURNS] = 100;	/* 1 - 0.1, weighted 100 of 200 */
	assert_true(stats_score(&ind, &as) > 78.874 &&
	    stats_score(&ind, &as) < 78.876);
	stats_indicators_clear(&ind);

	/* No callbacks: resolution and satisfaction leave the score. */
	memset(&c, 0, sizeof c);
	hotline__counters__init(&c);
	c.signed_on_time = 1;
	c.sign_overdue = 1;
	stats_indicators(&c, &ind);
	assert_int_equal(ind.resolution->denominator, 0);
	assert_true(ind.resolution->value == 0);
	stats_default_assessment(&as);
	assert_true(stats_score(&ind, &as) > 49.999 &&
	    stats_score(&ind, &as) < 50.001);
	stats_indicators_clear(&ind);
	memset(&c, 0, sizeof c);
	hotline__counters__init(&c);
	stats_indicators(&c, &ind);
	assert_true(stats_score(&ind, &as) == 0);
	stats_indicators_clear(&ind);
}

/* Makes a score of department id with received tickets and score s. */
static Hotline__DepartmentScore *
score_new(const char *id, uint64_t received, double s)
{
	Hotline__DepartmentScore *d = calloc(1, sizeof *d);
	Hotline__Department *dep = calloc(1, sizeof *dep);
	Hotline__Counters *c = calloc(1, sizeof *c);

	hotline__department_score__init(d);
	hotline__department__init(dep);
	hotline__counters__init(c);
	dep->id = (char *)id;
	c->received = received;
	d->department = dep;
	d->counters = c;
	d->score = s;
	return d;
}

/* Ranked by score, ties by tickets then id; too few last, unranked. */
static void
test_rank(void **state)
{
	Hotline__DepartmentScore *s[5];
	size_t i;

	(void)state;
	s[0] = score_new("a", 50, 80);
	s[1] = score_new("b", 3, 99);		/* too few */
	s[2] = score_new("c", 40, 90);
	s[3] = score_new("d", 60, 80);		/* ties a, more tickets */
	s[4] = score_new("e", 0, 0);		/* too few */
	stats_rank(s, 5, 10);
	assert_string_equal(s[0]->department->id, "c");
	assert_int_equal(s[0]->rank, 1);
	assert_string_equal(s[1]->department->id, "d");
	assert_int_equal(s[1]->rank, 2);
	assert_string_equal(s[2]->department->id, "a");
	assert_int_equal(s[2]->rank, 3);
	assert_string_equal(s[3]->department->id, "b");
	assert_int_equal(s[3]->rank, 0);
	assert_true(s[3]->too_few);
	assert_string_equal(s[4]->department->id, "e");
	for (i = 0; i < 5; i++) {
		free(s[i]->department);
		free(s[i]->counters);
		free(s[i]);
	}
}

/* The working-seconds index: differences are business time, across calendars too. */
static void
test_working_seconds(void **state)
{
	struct calendar *cal = calendar_new();
	struct calendar *other = calendar_new();
	int64_t mon = T(2026, 11, 23, 9, 0);

	(void)state;
	/* Monday 09:00 to 10:00; to Wednesday 09:00 (6.5 + 7 + 0.5 hours). */
	assert_int_equal(stats_working_seconds(cal, T(2026, 11, 23, 10, 0)) -
	    stats_working_seconds(cal, mon), 3600);
	assert_int_equal(stats_working_seconds(cal, T(2026, 11, 25, 9, 0)) -
	    stats_working_seconds(cal, mon), 14 * 3600);
	/* Over a weekend nothing counts; the lunch break neither. */
	assert_int_equal(stats_working_seconds(cal, T(2026, 11, 23, 8, 30)) -
	    stats_working_seconds(cal, T(2026, 11, 20, 18, 0)), 0);
	assert_int_equal(stats_working_seconds(cal, T(2026, 11, 23, 14, 30)) -
	    stats_working_seconds(cal, T(2026, 11, 23, 12, 0)), 0);
	/* Another calendar is not served from the first one's cache. */
	other->hours[CALENDAR_SATURDAY] = other->hours[CALENDAR_MONDAY];
	assert_int_equal(stats_working_seconds(other, T(2026, 11, 23, 8, 30)) -
	    stats_working_seconds(other, T(2026, 11, 20, 18, 0)), 7 * 3600);
	assert_int_equal(stats_working_seconds(cal, T(2019, 6, 1, 9, 0)), 0);
	calendar_free(cal);
	calendar_free(other);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_periods),
		cmocka_unit_test(test_period_names),
		cmocka_unit_test(test_counters),
		cmocka_unit_test(test_indicators_and_score),
		cmocka_unit_test(test_rank),
		cmocka_unit_test(test_working_seconds),
	};

	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
