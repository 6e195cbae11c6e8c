/*
 * Unit tests of statutory.c and provisional years (issue 15): the statutory
 * holidays of 全国年节及纪念日放假办法 (2024) computed for a year without a
 * notice, checked against second sources: the State Council's 2025 and 2026
 * notices (conf/calendar), the published lunar dates of 2027-2030, ICU's
 * own Chinese calendar for 2025-2060, and Meeus's worked example. The
 * shipped calendar is found under $HOTLINE_SRCDIR (set by tests/run.sh).
 */
#include <math.h>
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
#define D(y, m, d) deadline_date_day(y, m, d)

/* Returns the first day named name in sd (n), or -1. */
static int32_t
first_named(const struct statutory_day *sd, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(sd[i].name, name) == 0)
			return sd[i].day;
	return -1;
}

/* Returns 1 if day is among sd (n) under any name. */
static int
listed(const struct statutory_day *sd, int n, int32_t day)
{
	int i;

	for (i = 0; i < n; i++)
		if (sd[i].day == day)
			return 1;
	return 0;
}

/* Meeus, Astronomical Algorithms, example 49.a: the new moon of 1977 February, JDE 2443192.65118. */
static void
test_new_moon_worked_example(void **state)
{
	(void)state;
	assert_true(fabs(statutory_new_moon(-283) - 2443192.65118) < 0.00001);
}

/*
 * The law's rule, year by year: 元旦 Jan 1; 春节 four consecutive days from
 * 除夕, the day before 初一; 清明 on April 4 or 5; 劳动节 May 1-2; 国庆节
 * Oct 1-3; 端午 and 中秋 in their seasons; 13 days, or 12 when 中秋 falls
 * on Oct 1-3 (it is then one day off, not two).
 */
static void
test_rule_every_year(void **state)
{
	struct statutory_day sd[STATUTORY_MAX_DAYS];
	int year, n, i, y, m, d;
	int32_t eve;

	(void)state;
	for (year = STATUTORY_FIRST_YEAR; year <= 2060; year++) {
		n = statutory_days(year, sd);
		assert_true(n == 12 || n == 13);
		for (i = 1; i < n; i++)
			assert_true(sd[i - 1].day < sd[i].day);
		assert_int_equal(first_named(sd, n, "元旦"), D(year, 1, 1));
		eve = first_named(sd, n, "春节");
		assert_true(eve >= D(year, 1, 20) && eve <= D(year, 2, 19));
		for (i = 0; i < 4; i++)
			assert_true(listed(sd, n, eve + i));
		assert_int_equal(statutory_icu_lunar(year, 1, 1) - 1 == eve ||
		    statutory_icu_lunar(year, 1, 1) - 1 == eve - 1 ||
		    statutory_icu_lunar(year, 1, 1) - 1 == eve + 1, 1);
		deadline_day_date(first_named(sd, n, "清明"), &y, &m, &d);
		assert_true(m == 4 && (d == 4 || d == 5));
		assert_int_equal(first_named(sd, n, "劳动节"), D(year, 5, 1));
		assert_true(listed(sd, n, D(year, 5, 2)));
		for (i = 1; i <= 3; i++)
			assert_true(listed(sd, n, D(year, 10, i)));
		deadline_day_date(first_named(sd, n, "端午"), &y, &m, &d);
		assert_true((m == 5 && d >= 20) || (m == 6 && d <= 26));
		if (n == 13) {
			deadline_day_date(first_named(sd, n, "中秋"), &y, &m,
			    &d);
			assert_true((m == 9 && d >= 7) || (m == 10 && d >= 4 &&
			    d <= 8));
		}
	}
	assert_int_equal(statutory_days(2024, sd), 0);	/* before the law */
}

/* The published dates of 2027-2030 (除夕, 清明, 端午, 中秋), typed from the almanac. */
static void
test_published_2027_2030(void **state)
{
	static const struct {
		int year;
		int eve[2], qingming, dragon[2], moon[2];	/* month, day */
	} pub[] = {
		{ 2027, { 2, 5 }, 5, { 6, 9 }, { 9, 15 } },
		{ 2028, { 1, 25 }, 4, { 5, 28 }, { 10, 3 } },
		{ 2029, { 2, 12 }, 4, { 6, 16 }, { 9, 22 } },
		{ 2030, { 2, 2 }, 5, { 6, 5 }, { 9, 12 } },
	};
	struct statutory_day sd[STATUTORY_MAX_DAYS];
	size_t i;
	int n;

	(void)state;
	for (i = 0; i < sizeof pub / sizeof pub[0]; i++) {
		n = statutory_days(pub[i].year, sd);
		assert_int_equal(first_named(sd, n, "春节"),
		    D(pub[i].year, pub[i].eve[0], pub[i].eve[1]));
		assert_int_equal(first_named(sd, n, "清明"),
		    D(pub[i].year, 4, pub[i].qingming));
		assert_int_equal(first_named(sd, n, "端午"),
		    D(pub[i].year, pub[i].dragon[0], pub[i].dragon[1]));
		/* 2028's 中秋 is Oct 3, a 国庆 day: listed once. */
		assert_true(listed(sd, n, D(pub[i].year, pub[i].moon[0],
		    pub[i].moon[1])));
	}
}

/*
 * ICU's Chinese calendar, alone, as an independent second opinion on the
 * lunar dates for 2025-2060: it agrees everywhere but where the new moon
 * falls within minutes of Beijing midnight, where its astronomy is coarser
 * than Meeus's (2027: 23:56 on Feb 6; 2030: 00:07 on Feb 3). Each
 * disagreement must be such a case, and there are only those two.
 */
static void
test_icu_second_opinion(void **state)
{
	static const int lunar[3][2] = { { 1, 1 }, { 5, 5 }, { 8, 15 } };
	static const char *const names[3] = { "春节", "端午", "中秋" };
	struct statutory_day sd[STATUTORY_MAX_DAYS];
	int year, n, j, disagreements = 0;
	int32_t ours, icu;

	(void)state;
	for (year = STATUTORY_FIRST_YEAR; year <= 2060; year++) {
		n = statutory_days(year, sd);
		for (j = 0; j < 3; j++) {
			ours = first_named(sd, n, names[j]);
			if (ours == -1)
				continue;	/* 中秋 on a 国庆 day */
			if (j == 0)
				ours++;		/* 初一, after 除夕 */
			icu = statutory_icu_lunar(year, lunar[j][0],
			    lunar[j][1]);
			assert_true(icu != -1);
			if (ours == icu)
				continue;
			assert_true(ours - icu == 1 || ours - icu == -1);
			disagreements++;
			assert_true((year == 2027 || year == 2030) && j == 0);
		}
	}
	assert_int_equal(disagreements, 2);
}

/* Loads the shipped calendar with its computed years. */
static struct calendar *
shipped(void)
{
	struct calendar *cal = unit_calendar(1);

	assert_non_null(cal);
	return cal;
}

/*
 * The 2025 and 2026 notices hold every computed statutory day as a day
 * off (they load: the loader refuses a file that drops one); the shipped
 * 2027 file is exactly the computed days, and marked provisional.
 */
static void
test_notices_agree(void **state)
{
	struct statutory_day sd[STATUTORY_MAX_DAYS];
	struct calendar *cal = shipped();
	struct calendar_dayinfo info;
	int year, n, i, count2027 = 0;
	size_t j;

	(void)state;
	for (year = 2025; year <= 2027; year++) {
		n = statutory_days(year, sd);
		for (i = 0; i < n; i++) {
			calendar_lookup(cal, sd[i].day, &info);
			assert_int_equal(info.kind, CALENDAR_HOLIDAY);
			assert_int_equal(info.provisional, year == 2027);
		}
	}
	for (j = 0; j < cal->ndates; j++)
		if (cal->dates[j].day >= D(2027, 1, 1)) {
			assert_true(listed(sd, n, cal->dates[j].day));
			count2027++;
		}
	assert_int_equal(count2027, n);
	/* 2028 has no file: the computed days, provisional. */
	calendar_lookup(cal, D(2028, 1, 25), &info);
	assert_int_equal(info.kind, CALENDAR_HOLIDAY);	/* 除夕 */
	assert_string_equal(info.name, "春节");
	assert_true(info.provisional);
	calendar_free(cal);
}

/*
 * The first example: from 2026-12-30 10:00 with 3wd, 2027-01-01 is
 * 元旦, not working day 2: due Tue 01-05 (Thu 12-31, Mon 01-04, Tue 01-05),
 * and the due time is provisional; one inside 2026 is not.
 */
static void
test_provisional_due(void **state)
{
	struct calendar *cal = shipped();
	const struct limit wd3 = { LIMIT_WORK_DAYS, 3 };
	int64_t from = T(2026, 12, 30, 10, 0), due;

	(void)state;
	due = deadline_due(cal, from, &wd3);
	assert_int_equal(due, T(2027, 1, 5, 18, 0));
	assert_true(calendar_provisional_span(cal, from, due));
	due = deadline_due(cal, T(2026, 12, 7, 10, 0), &wd3);
	assert_int_equal(due, T(2026, 12, 10, 18, 0));
	assert_false(calendar_provisional_span(cal, T(2026, 12, 7, 10, 0),
	    due));
	assert_int_equal(calendar_missing_year(cal, T(2026, 12, 7, 10, 0), 60),
	    2027);
	calendar_free(cal);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_moon_worked_example),
		cmocka_unit_test(test_rule_every_year),
		cmocka_unit_test(test_published_2027_2030),
		cmocka_unit_test(test_icu_second_opinion),
		cmocka_unit_test(test_notices_agree),
		cmocka_unit_test(test_provisional_due),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
