/*
 * Unit tests of deadline.c: dates in Asia/Shanghai, limits, working-day and
 * working-hour arithmetic over the shipped 2025 and 2026 calendars, warning
 * points, explanations and the built-in policies. The calendar files are
 * found under $HOTLINE_SRCDIR (set by tests/run.sh; default: the current
 * directory). Business hours are the defaults: Monday to Friday
 * 08:30-12:00 and 14:30-18:00 (7 hours a day), make-up days (调休) as Monday.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "hotlined.h"
#include "deadline.h"
#include "unit-calendar.h"

#define H DEADLINE_HOUR_MS
#define M DEADLINE_MINUTE_MS
#define T(y, mo, d, h, mi) deadline_time(y, mo, d, h, mi)

static struct calendar *cal;

/* Loads conf/calendar of the source tree into cal. */
static int
setup(void **state)
{
	(void)state;
	return (cal = unit_calendar(0)) == NULL ? -1 : 0;
}

/* Frees cal. */
static int
teardown(void **state)
{
	(void)state;
	calendar_free(cal);
	return 0;
}

/* Formats ms into one of a few rotating buffers, for assertions. */
static const char *
fmt(int64_t ms)
{
	static char bufs[8][40];
	static int next;
	char *b = bufs[next++ % 8];

	deadline_format(ms, b, sizeof bufs[0]);
	return b;
}

/* Returns the limit text parses to; it must parse. */
static struct limit
lim(const char *text)
{
	struct limit l = { LIMIT_MINUTES, 0 };
	const char *why = NULL;

	if (limit_parse(text, &l, &why) == -1)
		fail_msg("limit \"%s\": %s", text, why);
	return l;
}

/* Asserts that a period of limit from start is due at want (local time). */
static void
due_is(int64_t start, const char *limit, const char *want)
{
	struct limit l = lim(limit);

	assert_string_equal(fmt(deadline_due(cal, start, &l)), want);
}

/* Local dates, day numbers and weekdays are UTC+8, whatever TZ says. */
static void
test_dates(void **state)
{
	int y, m, d, day;

	(void)state;
	setenv("TZ", "America/New_York", 1);
	tzset();
	assert_int_equal(T(1970, 1, 1, 8, 0), 0);	/* the epoch, in Shanghai */
	assert_string_equal(fmt(0), "1970-01-01 08:00:00");
	assert_int_equal(deadline_day(T(1970, 1, 1, 0, 0)), 0);
	assert_int_equal(deadline_day(T(1970, 1, 1, 0, 0) - 1), -1);
	assert_string_equal(fmt(T(1970, 1, 1, 0, 0) - 1),
	    "1969-12-31 23:59:59.999");
	/* 2026-01-01 00:00 in Shanghai is 2025-12-31T16:00:00Z. */
	assert_int_equal(T(2026, 1, 1, 0, 0), 1767196800000LL);
	assert_string_equal(fmt(1767196800000LL - 1), "2025-12-31 23:59:59.999");
	assert_string_equal(fmt(T(2026, 10, 1, 9, 5) + 1500),
	    "2026-10-01 09:05:01.500");
	assert_int_equal(deadline_weekday(0), 3);	/* 1970-01-01 Thu */
	assert_int_equal(deadline_weekday(-1), 2);	/* 1969-12-31 Wed */
	assert_int_equal(deadline_weekday(deadline_date_day(2026, 10, 1)), 3);
	assert_int_equal(deadline_weekday(deadline_date_day(2026, 2, 14)), 5);
	assert_int_equal(deadline_weekday(deadline_date_day(2025, 1, 26)), 6);
	assert_int_equal(deadline_weekday(deadline_date_day(2026, 3, 9)), 0);
	assert_int_equal(deadline_midnight(deadline_date_day(2026, 3, 9)),
	    T(2026, 3, 9, 0, 0));
	assert_true(deadline_date_valid(2024, 2, 29));
	assert_true(deadline_date_valid(2000, 2, 29));
	assert_false(deadline_date_valid(2025, 2, 29));
	assert_false(deadline_date_valid(1900, 2, 29));
	assert_false(deadline_date_valid(2026, 4, 31));
	assert_false(deadline_date_valid(2026, 13, 1));
	assert_false(deadline_date_valid(2026, 0, 1));
	assert_false(deadline_date_valid(2026, 1, 0));
	for (day = deadline_date_day(1900, 1, 1);
	    day <= deadline_date_day(2100, 12, 31); day++) {
		deadline_day_date(day, &y, &m, &d);
		assert_true(deadline_date_valid(y, m, d));
		assert_int_equal(deadline_date_day(y, m, d), day);
		assert_int_equal(deadline_day(deadline_midnight(day)), day);
		assert_int_equal(deadline_day(deadline_midnight(day) - 1),
		    day - 1);
	}
	unsetenv("TZ");
	tzset();
}

/* What the shipped calendar says of some days. */
static void
test_calendar_lookup(void **state)
{
	struct calendar_dayinfo info;

	(void)state;
	assert_int_equal(cal->nyears, 3);
	assert_int_equal(cal->years[0], 2025);
	assert_int_equal(cal->years[1], 2026);
	assert_int_equal(cal->years[2], 2027);	/* provisional */
	assert_int_equal(cal->ndates, 33 + 39 + 13);
	calendar_lookup(cal, deadline_date_day(2026, 10, 1), &info);
	assert_int_equal(info.kind, CALENDAR_HOLIDAY);	/* 国庆节, Thu */
	assert_string_equal(info.name, "国庆节");
	assert_int_equal(info.weekday, 3);
	assert_int_equal(info.hours->n, 0);
	calendar_lookup(cal, deadline_date_day(2026, 9, 25), &info);
	assert_int_equal(info.kind, CALENDAR_HOLIDAY);	/* 中秋, Fri */
	assert_string_equal(info.name, "中秋");
	calendar_lookup(cal, deadline_date_day(2026, 9, 20), &info);
	assert_int_equal(info.kind, CALENDAR_MAKEUP);	/* Sun, 调休 */
	assert_string_equal(info.name, "国庆节");
	assert_int_equal(info.weekday, 6);
	assert_ptr_equal(info.hours, &cal->hours[CALENDAR_MONDAY]);
	calendar_lookup(cal, deadline_date_day(2026, 9, 19), &info);
	assert_int_equal(info.kind, CALENDAR_REST);	/* an ordinary Sat */
	assert_null(info.name);
	assert_int_equal(info.hours->n, 0);
	calendar_lookup(cal, deadline_date_day(2026, 9, 21), &info);
	assert_int_equal(info.kind, CALENDAR_WORKDAY);	/* an ordinary Mon */
	assert_int_equal(info.hours->n, 2);
	assert_int_equal(info.hours->iv[0].start, 8 * 60 + 30);
	assert_int_equal(info.hours->iv[1].end, 18 * 60);
	calendar_lookup(cal, deadline_date_day(2025, 1, 26), &info);
	assert_int_equal(info.kind, CALENDAR_MAKEUP);	/* Sun, 春节 调休 */
	assert_false(info.provisional);
	/* 2027: the provisional file's statutory days, flagged as such. */
	calendar_lookup(cal, deadline_date_day(2027, 10, 1), &info);
	assert_int_equal(info.kind, CALENDAR_HOLIDAY);	/* Fri, 国庆节 */
	assert_true(info.provisional);
	calendar_lookup(cal, deadline_date_day(2027, 10, 4), &info);
	assert_int_equal(info.kind, CALENDAR_WORKDAY);	/* Mon: no bridging days */
	assert_true(info.provisional);
}

/* Coverage: years whose file was loaded. */
static void
test_calendar_covers(void **state)
{
	(void)state;
	assert_true(calendar_covers(cal, T(2026, 6, 1, 10, 0), 60));
	assert_true(calendar_covers(cal, T(2025, 1, 1, 0, 0), 364));
	/* 2026-11-02 + 60 days = 2027-01-01: no 2027 file. */
	assert_true(calendar_covers(cal, T(2026, 11, 2, 0, 0) - 1, 60));
	assert_false(calendar_covers(cal, T(2026, 11, 2, 0, 0), 60));
	assert_int_equal(calendar_missing_year(cal, T(2026, 11, 15, 9, 0), 60),
	    2027);
	assert_int_equal(calendar_missing_year(cal, T(2024, 12, 1, 9, 0), 60),
	    2024);
	assert_int_equal(calendar_missing_year(cal, T(2025, 6, 1, 9, 0), 400),
	    0);
	assert_int_equal(calendar_missing_year(cal, T(2026, 12, 31, 9, 0), 0),
	    0);
}

/* Parses text expecting the error why (its English; the Chinese is there too). */
static void
limit_bad(const char *text, const char *want)
{
	struct limit l = { LIMIT_MINUTES, 7 };
	const char *why = NULL;
	char en[256], zh[256];

	assert_int_equal(limit_parse(text, &l, &why), -1);
	lang_pick(why, LANG_EN, en, sizeof en);
	assert_string_equal(en, want);
	lang_pick(why, LANG_ZH, zh, sizeof zh);
	assert_string_not_equal(zh, en);
	assert_int_equal(l.amount, 7);		/* untouched */
}

/* Limit strings: the five units, and every kind of mistake. */
static void
test_limit_parse(void **state)
{
	static const char *const good[] = { "30m", "2h", "1d", "4wh", "5wd",
	    "9999wd", "1m" };
	static const char *const natural = "must be a whole number and a "
	    "unit, e.g. \"5wd\"";
	static const char *const units = "unknown unit: m, h, d, wh (working "
	    "hours) or wd (working days)";
	struct limit l;
	char buf[16];
	size_t i;

	(void)state;
	l = lim("30m");
	assert_int_equal(l.unit, LIMIT_MINUTES);
	assert_int_equal(l.amount, 30);
	l = lim("2h");
	assert_int_equal(l.unit, LIMIT_HOURS);
	assert_int_equal(l.amount, 2);
	l = lim("1d");
	assert_int_equal(l.unit, LIMIT_DAYS);
	l = lim("4wh");
	assert_int_equal(l.unit, LIMIT_WORK_HOURS);
	assert_int_equal(l.amount, 4);
	l = lim("15wd");
	assert_int_equal(l.unit, LIMIT_WORK_DAYS);
	assert_int_equal(l.amount, 15);
	l = lim("05wd");			/* leading zeros are harmless */
	assert_int_equal(l.amount, 5);
	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		l = lim(good[i]);
		limit_format(&l, buf, sizeof buf);
		assert_string_equal(buf, good[i]);
	}
	assert_true(limit_natural(&(struct limit){ LIMIT_DAYS, 1 }));
	assert_true(limit_natural(&(struct limit){ LIMIT_MINUTES, 1 }));
	assert_false(limit_natural(&(struct limit){ LIMIT_WORK_HOURS, 1 }));
	assert_false(limit_natural(&(struct limit){ LIMIT_WORK_DAYS, 1 }));
	limit_bad("", natural);
	limit_bad("wd", natural);
	limit_bad("-1h", natural);
	limit_bad("+1h", natural);
	limit_bad(" 5wd", natural);
	limit_bad("0wd", "must be between 1 and 9999");
	limit_bad("10000m", "must be between 1 and 9999");
	limit_bad("99999999999999999999999wd", "must be between 1 and 9999");
	limit_bad("1.5h", "must be a whole number (use a smaller unit: "
	    "\"90m\")");
	limit_bad("1,5h", "must be a whole number (use a smaller unit: "
	    "\"90m\")");
	limit_bad("5", "missing unit: m, h, d, wh (working hours) or wd "
	    "(working days)");
	limit_bad("5 wd", units);
	limit_bad("5WD", units);
	limit_bad("5w", units);
	limit_bad("5wdx", units);
	limit_bad("5mm", units);
	limit_bad("5s", units);
}

/* Natural limits add wall time: nights, weekends and holidays count. */
static void
test_due_natural(void **state)
{
	(void)state;
	due_is(T(2026, 3, 6, 17, 0), "2h", "2026-03-06 19:00:00");	/* Fri */
	/* 2026-09-30 Wed 10:00 + 24h: 10-01 is 国庆节, which counts. */
	due_is(T(2026, 9, 30, 10, 0), "24h", "2026-10-01 10:00:00");
	due_is(T(2025, 12, 31, 23, 45), "30m", "2026-01-01 00:15:00");
	due_is(T(2026, 2, 28, 10, 0), "1d", "2026-03-01 10:00:00");
	/* 9999 minutes = 6 days 22 h 39 min. */
	due_is(T(2026, 1, 1, 0, 0), "9999m", "2026-01-07 22:39:00");
	due_is(T(2026, 2, 16, 3, 0), "2h", "2026-02-16 05:00:00");	/* 春节 */
}

/* 春节 2026: 02-15 (Sun) to 02-23 (Mon) off; Sat 02-14 and Sat 02-28 work. */
static void
test_due_wd_spring_2026(void **state)
{
	(void)state;
	/* Fri 02-13: the next working day is the make-up Sat 02-14. */
	due_is(T(2026, 2, 13, 10, 0), "1wd", "2026-02-14 18:00:00");
	/* 02-14 (1), 02-15..23 off, 02-24 (2), 25 (3), 26 (4), 27 (5). */
	due_is(T(2026, 2, 13, 10, 0), "5wd", "2026-02-27 18:00:00");
	/* ... 02-28 Sat (6), 03-02 Mon (7), 03 (8), 04 (9), 05 Thu (10). */
	due_is(T(2026, 2, 13, 10, 0), "10wd", "2026-03-05 18:00:00");
	/* Thu 02-12: 02-13 (1), 02-14 (2), 02-24 (3). */
	due_is(T(2026, 2, 12, 15, 0), "3wd", "2026-02-24 18:00:00");
	/* Starting on the make-up day itself: it does not count. */
	due_is(T(2026, 2, 14, 9, 0), "1wd", "2026-02-24 18:00:00");
	/* Starting on a holiday (Wed 02-18): 02-24, 25, 26. */
	due_is(T(2026, 2, 18, 10, 0), "3wd", "2026-02-26 18:00:00");
	/* Starting on the last holiday (Mon 02-23) at night. */
	due_is(T(2026, 2, 23, 23, 0), "1wd", "2026-02-24 18:00:00");
	/* Fri 02-27: the make-up Sat 02-28 (1), Mon 03-02 (2). */
	due_is(T(2026, 2, 27, 16, 0), "1wd", "2026-02-28 18:00:00");
	due_is(T(2026, 2, 27, 16, 0), "2wd", "2026-03-02 18:00:00");
	/* Sat 02-28 (make-up) and Sun 03-01: Mon 03-02. */
	due_is(T(2026, 2, 28, 11, 0), "1wd", "2026-03-02 18:00:00");
	due_is(T(2026, 3, 1, 11, 0), "1wd", "2026-03-02 18:00:00");
}

/* 国庆+中秋 2026: 09-25..27 中秋 and 10-01..07 off; Sun 09-20, Sat 10-10 work. */
static void
test_due_wd_national_2026(void **state)
{
	(void)state;
	/* The example: Wed 09-30 10:00 + 5wd: 10-08 (1), 09 (2),
	 * Sat 10-10 (3, 调休), 10-11 Sun off, 10-12 (4), 10-13 Tue (5). */
	due_is(T(2026, 9, 30, 10, 0), "5wd", "2026-10-13 18:00:00");
	/* Fri 09-18: Sat 09-19 off, Sun 09-20 (1, 调休). */
	due_is(T(2026, 9, 18, 10, 0), "1wd", "2026-09-20 18:00:00");
	/* 09-20 (1), Mon 09-21 (2), 22 (3), 23 (4), Thu 09-24 (5). */
	due_is(T(2026, 9, 18, 10, 0), "5wd", "2026-09-24 18:00:00");
	/* Thu 09-24: 09-25..27 中秋, Mon 09-28 (1), Tue 09-29 (2). */
	due_is(T(2026, 9, 24, 10, 0), "2wd", "2026-09-29 18:00:00");
	/* 09-28 (1), 29 (2), 30 (3), 10-08 (4), 09 (5), 10 (6), 12 (7),
	 * 13 (8), 14 (9), Thu 10-15 (10). */
	due_is(T(2026, 9, 24, 10, 0), "10wd", "2026-10-15 18:00:00");
	/* ... Fri 10-16 (11), Mon 10-19 (12), 20 (13), 21 (14), 22 (15). */
	due_is(T(2026, 9, 24, 10, 0), "15wd", "2026-10-22 18:00:00");
	/* Wed 09-23: 09-24 (1), 中秋, 09-28 (2). */
	due_is(T(2026, 9, 23, 10, 0), "2wd", "2026-09-28 18:00:00");
	/* On 中秋 (Fri 09-25): Mon 09-28. */
	due_is(T(2026, 9, 25, 10, 0), "1wd", "2026-09-28 18:00:00");
	/* On 国庆节 (Thu 10-01): 10-08 (1), 09 (2), 10 (3). */
	due_is(T(2026, 10, 1, 10, 0), "3wd", "2026-10-10 18:00:00");
}

/* 2025: 春节 01-28..02-04 off (Sun 01-26, Sat 02-08 work), 清明, 劳动节, 端午, 国庆. */
static void
test_due_wd_2025(void **state)
{
	(void)state;
	/* Fri 01-24: Sat 01-25 off, Sun 01-26 (1, 调休). */
	due_is(T(2025, 1, 24, 10, 0), "1wd", "2025-01-26 18:00:00");
	/* 01-26 (1), Mon 01-27 (2), 01-28..02-04 off, Wed 02-05 (3). */
	due_is(T(2025, 1, 24, 10, 0), "3wd", "2025-02-05 18:00:00");
	due_is(T(2025, 1, 27, 10, 0), "1wd", "2025-02-05 18:00:00");
	/* Fri 02-07: Sat 02-08 (调休); then Mon 02-10. */
	due_is(T(2025, 2, 7, 10, 0), "1wd", "2025-02-08 18:00:00");
	due_is(T(2025, 2, 8, 10, 0), "1wd", "2025-02-10 18:00:00");
	/* 清明 Fri 04-04..Sun 04-06: Thu 04-03 -> Mon 04-07. */
	due_is(T(2025, 4, 3, 10, 0), "1wd", "2025-04-07 18:00:00");
	/* 劳动节: Sun 04-27 works; 05-01..05 off. */
	due_is(T(2025, 4, 25, 10, 0), "1wd", "2025-04-27 18:00:00");
	due_is(T(2025, 4, 30, 10, 0), "1wd", "2025-05-06 18:00:00");
	/* 端午 Sat 05-31..Mon 06-02: Fri 05-30 -> Tue 06-03. */
	due_is(T(2025, 5, 30, 10, 0), "1wd", "2025-06-03 18:00:00");
	/* 国庆: Sun 09-28 works; 10-01..08 off; Sat 10-11 works. */
	due_is(T(2025, 9, 26, 10, 0), "1wd", "2025-09-28 18:00:00");
	/* Tue 09-30: 10-09 (1), 10 (2), Sat 11 (3), 13 (4), 14 (5), 15 (6),
	 * 16 (7), 17 (8), 20 (9), 21 (10), ..., 24 (13), 27 (14), 28 (15). */
	due_is(T(2025, 9, 30, 10, 0), "10wd", "2025-10-21 18:00:00");
	due_is(T(2025, 9, 30, 10, 0), "15wd", "2025-10-28 18:00:00");
	/* Across the year: Wed 2025-12-31, 2026-01-01..03 元旦, Sun 01-04 works. */
	due_is(T(2025, 12, 31, 10, 0), "1wd", "2026-01-04 18:00:00");
	due_is(T(2025, 12, 31, 10, 0), "2wd", "2026-01-05 18:00:00");
	/* 元旦 2025 (Wed 01-01) from a year with no file: Tue 2024-12-31. */
	due_is(T(2024, 12, 31, 10, 0), "1wd", "2025-01-02 18:00:00");
}

/* Days just before and after 调休 weekends. */
static void
test_due_wd_makeup_neighbours(void **state)
{
	(void)state;
	/* Fri 10-09 -> Sat 10-10 (调休); Sat 10-10 and Sun 10-11 -> Mon 10-12. */
	due_is(T(2026, 10, 9, 10, 0), "1wd", "2026-10-10 18:00:00");
	due_is(T(2026, 10, 10, 10, 0), "1wd", "2026-10-12 18:00:00");
	due_is(T(2026, 10, 11, 10, 0), "1wd", "2026-10-12 18:00:00");
	due_is(T(2026, 10, 12, 10, 0), "1wd", "2026-10-13 18:00:00");
	/* Sat 09-19 -> Sun 09-20 (调休) -> Mon 09-21. */
	due_is(T(2026, 9, 19, 10, 0), "1wd", "2026-09-20 18:00:00");
	due_is(T(2026, 9, 20, 10, 0), "1wd", "2026-09-21 18:00:00");
	/* Sat 2026-01-03 (元旦) -> Sun 01-04 (调休) -> Mon 01-05. */
	due_is(T(2026, 1, 3, 10, 0), "1wd", "2026-01-04 18:00:00");
	due_is(T(2026, 1, 4, 10, 0), "1wd", "2026-01-05 18:00:00");
	/* 劳动节 2026: 05-01..05 off, Sat 05-09 works. Thu 04-30 -> Wed 05-06;
	 * 3wd: 06, 07, Fri 08; 4wd: Sat 05-09. */
	due_is(T(2026, 4, 30, 10, 0), "1wd", "2026-05-06 18:00:00");
	due_is(T(2026, 4, 30, 10, 0), "3wd", "2026-05-08 18:00:00");
	due_is(T(2026, 4, 30, 10, 0), "4wd", "2026-05-09 18:00:00");
	due_is(T(2026, 5, 8, 10, 0), "1wd", "2026-05-09 18:00:00");
	due_is(T(2026, 5, 9, 10, 0), "2wd", "2026-05-12 18:00:00");
	/* An ordinary weekend: Fri 03-06 -> Mon 03-09. */
	due_is(T(2026, 3, 6, 10, 0), "1wd", "2026-03-09 18:00:00");
	due_is(T(2026, 3, 7, 10, 0), "1wd", "2026-03-09 18:00:00");
}

/* Working days: the start day never counts, whatever the time of day. */
static void
test_due_wd_start_times(void **state)
{
	(void)state;
	/* Wed 2026-09-30 at closing, at opening, in the lunch break, at
	 * midnight and just before the next midnight: all like 10:00. */
	due_is(T(2026, 9, 30, 18, 0), "5wd", "2026-10-13 18:00:00");
	due_is(T(2026, 9, 30, 8, 30), "5wd", "2026-10-13 18:00:00");
	due_is(T(2026, 9, 30, 12, 30), "5wd", "2026-10-13 18:00:00");
	due_is(T(2026, 9, 30, 0, 0), "1wd", "2026-10-08 18:00:00");
	due_is(T(2026, 10, 1, 0, 0) - 1, "1wd", "2026-10-08 18:00:00");
	/* Day boundary at local midnight (16:00 UTC): the last holiday
	 * 10-07 23:59:59.999 -> Thu 10-08; Thu 10-08 00:00 -> Fri 10-09. */
	due_is(T(2026, 10, 8, 0, 0) - 1, "1wd", "2026-10-08 18:00:00");
	due_is(T(2026, 10, 8, 0, 0), "1wd", "2026-10-09 18:00:00");
	/* Before opening on Mon 03-09: Mon still does not count. */
	due_is(T(2026, 3, 9, 7, 0), "1wd", "2026-03-10 18:00:00");
	/* Issue 15: 2027 has no notice yet, but 元旦 is a statutory holiday
	 * every year (the provisional 2027.json): Thu 2026-12-31 -> Mon
	 * 2027-01-04, not Fri 01-01 as before. */
	due_is(T(2026, 12, 31, 10, 0), "1wd", "2027-01-04 18:00:00");
}

/* Working hours: business minutes only, ending at an interval's end. */
static void
test_due_wh(void **state)
{
	(void)state;
	/* Mon 2026-03-09, an ordinary day. */
	due_is(T(2026, 3, 9, 9, 0), "2wh", "2026-03-09 11:00:00");
	/* 11:00-12:00 (1h), lunch, 14:30-15:30 (1h). */
	due_is(T(2026, 3, 9, 11, 0), "2wh", "2026-03-09 15:30:00");
	/* 10:30-12:00 (1.5h), 14:30-17:00 (2.5h). */
	due_is(T(2026, 3, 9, 10, 30), "4wh", "2026-03-09 17:00:00");
	/* From opening, the whole day: ends at 18:00, not 08:30 Tue. */
	due_is(T(2026, 3, 9, 8, 30), "7wh", "2026-03-09 18:00:00");
	/* Ends exactly at the lunch break: 12:00, not 14:30. */
	due_is(T(2026, 3, 9, 9, 0), "3wh", "2026-03-09 12:00:00");
	/* Starting in the lunch break counts from 14:30. */
	due_is(T(2026, 3, 9, 12, 30), "1wh", "2026-03-09 15:30:00");
	/* Before opening and after closing. */
	due_is(T(2026, 3, 9, 7, 0), "1wh", "2026-03-09 09:30:00");
	due_is(T(2026, 3, 9, 20, 0), "1wh", "2026-03-10 09:30:00");
	/* At closing time on Fri 03-06: Mon 03-09 08:30 + 1h. */
	due_is(T(2026, 3, 6, 18, 0), "1wh", "2026-03-09 09:30:00");
	/* Over a weekend: Fri 16:00-18:00 (2h), Mon 08:30-10:30 (2h). */
	due_is(T(2026, 3, 6, 16, 0), "4wh", "2026-03-09 10:30:00");
	/* On a holiday (Thu 10-01): Thu 10-08 08:30-12:00, 14:30-15:00. */
	due_is(T(2026, 10, 1, 10, 0), "4wh", "2026-10-08 15:00:00");
	/* Over 国庆: Wed 09-30 16:00-18:00 (2h), 10-08 6h -> 17:00. */
	due_is(T(2026, 9, 30, 16, 0), "8wh", "2026-10-08 17:00:00");
	/* Onto a make-up day: Fri 02-13 16:00 (2h), Sat 02-14 08:30-10:30. */
	due_is(T(2026, 2, 13, 16, 0), "4wh", "2026-02-14 10:30:00");
	/* Fri 02-13 17:00 (1h) + the whole make-up Sat (7h): its close. */
	due_is(T(2026, 2, 13, 17, 0), "8wh", "2026-02-14 18:00:00");
	/* 春节 2025: Mon 01-27 from 09:00 (6.5h), 02-05 (7h), 02-06 (7h),
	 * Fri 02-07 08:30-12:00 (3.5h) = 24h. */
	due_is(T(2025, 1, 27, 9, 0), "24wh", "2025-02-07 12:00:00");
	/* Starting on a Sunday that is an ordinary weekend. */
	due_is(T(2026, 3, 8, 10, 0), "1wh", "2026-03-09 09:30:00");
}

/* Business time between two instants. */
static void
test_working_ms(void **state)
{
	(void)state;
	/* Mon 03-09 09:00-12:00 (3h) + 14:30-17:00 (2.5h). */
	assert_int_equal(deadline_working_ms(cal, T(2026, 3, 9, 9, 0),
	    T(2026, 3, 9, 17, 0)), 5 * H + 30 * M);
	/* Fri 03-06 17:00 -> Mon 03-09 09:00: 1h + 0.5h; reversed: negative. */
	assert_int_equal(deadline_working_ms(cal, T(2026, 3, 6, 17, 0),
	    T(2026, 3, 9, 9, 0)), 90 * M);
	assert_int_equal(deadline_working_ms(cal, T(2026, 3, 9, 9, 0),
	    T(2026, 3, 6, 17, 0)), -90 * M);
	/* Inside one lunch break, and an empty span. */
	assert_int_equal(deadline_working_ms(cal, T(2026, 3, 9, 12, 10),
	    T(2026, 3, 9, 14, 20)), 0);
	assert_int_equal(deadline_working_ms(cal, T(2026, 3, 9, 10, 0),
	    T(2026, 3, 9, 10, 0)), 0);
	/* 2026-09-30 00:00 -> 10-09 00:00: 09-30 and 10-08, 7h each. */
	assert_int_equal(deadline_working_ms(cal, T(2026, 9, 30, 0, 0),
	    T(2026, 10, 9, 0, 0)), 14 * H);
	/* The week of Mon 03-09: 5 x 7h. */
	assert_int_equal(deadline_working_ms(cal, T(2026, 3, 9, 0, 0),
	    T(2026, 3, 16, 0, 0)), 35 * H);
	/* February 2026: 02-02..06 (5), 09..13 (5), Sat 14 (1), 24..27 (4),
	 * Sat 28 (1) = 16 working days. */
	assert_int_equal(deadline_working_ms(cal, T(2026, 2, 1, 0, 0),
	    T(2026, 3, 1, 0, 0)), 16 * 7 * H);
	/* A make-up Saturday, a holiday Saturday, an ordinary Saturday. */
	assert_int_equal(deadline_working_ms(cal, T(2026, 2, 14, 0, 0),
	    T(2026, 2, 15, 0, 0)), 7 * H);
	assert_int_equal(deadline_working_ms(cal, T(2026, 2, 21, 0, 0),
	    T(2026, 2, 22, 0, 0)), 0);
	assert_int_equal(deadline_working_ms(cal, T(2026, 3, 7, 0, 0),
	    T(2026, 3, 8, 0, 0)), 0);
	/* Whole years: 261 weekdays - 18 weekday holidays + 5 make-up days
	 * = 248 in 2025; 261 - 19 + 6 = 248 in 2026. */
	assert_int_equal(deadline_working_ms(cal, T(2025, 1, 1, 0, 0),
	    T(2026, 1, 1, 0, 0)), 248 * 7 * H);
	assert_int_equal(deadline_working_ms(cal, T(2026, 1, 1, 0, 0),
	    T(2027, 1, 1, 0, 0)), 248 * 7 * H);
}

/* Moving an instant by business time, forward and backward. */
static void
test_add_working_ms(void **state)
{
	(void)state;
	/* Mon 03-09 09:00 + 3h: 12:00 exactly, not 14:30. */
	assert_string_equal(fmt(deadline_add_working_ms(cal,
	    T(2026, 3, 9, 9, 0), 3 * H)), "2026-03-09 12:00:00");
	assert_string_equal(fmt(deadline_add_working_ms(cal,
	    T(2026, 3, 9, 9, 0), 3 * H + 1)), "2026-03-09 14:30:00.001");
	assert_string_equal(fmt(deadline_add_working_ms(cal,
	    T(2026, 3, 9, 12, 30), 0)), "2026-03-09 12:30:00");
	/* Backward: 14:30 - 1h = 11:00; - 3.5h = 08:30 (the latest instant,
	 * not Fri 18:00); 08:30 - 1h = Fri 03-06 17:00. */
	assert_string_equal(fmt(deadline_add_working_ms(cal,
	    T(2026, 3, 9, 14, 30), -1 * H)), "2026-03-09 11:00:00");
	assert_string_equal(fmt(deadline_add_working_ms(cal,
	    T(2026, 3, 9, 14, 30), -210 * M)), "2026-03-09 08:30:00");
	assert_string_equal(fmt(deadline_add_working_ms(cal,
	    T(2026, 3, 9, 8, 30), -1 * H)), "2026-03-06 17:00:00");
	/* Sat 03-07 10:00 + 1h: Mon 09:30. */
	assert_string_equal(fmt(deadline_add_working_ms(cal,
	    T(2026, 3, 7, 10, 0), 1 * H)), "2026-03-09 09:30:00");
	/* 春节 2026: Fri 02-13 17:00 + 8h ends at the make-up Sat's close;
	 * 1 ms more is Tue 02-24. */
	assert_string_equal(fmt(deadline_add_working_ms(cal,
	    T(2026, 2, 13, 17, 0), 8 * H)), "2026-02-14 18:00:00");
	assert_string_equal(fmt(deadline_add_working_ms(cal,
	    T(2026, 2, 13, 17, 0), 8 * H + 1)), "2026-02-24 08:30:00.001");
	/* Tue 02-24 09:00 - 1h: 0.5h on 02-24, 0.5h on Sat 02-14. */
	assert_string_equal(fmt(deadline_add_working_ms(cal,
	    T(2026, 2, 24, 9, 0), -1 * H)), "2026-02-14 17:30:00");
}

/* Round trips over many start instants (every 37 minutes, 2025-2026). */
static void
test_round_trips(void **state)
{
	static const int64_t spans[] = { 1, 999, M, 59 * M, 210 * M, 7 * H,
	    7 * H + 1, 24 * H, 35 * H + 17 * M, 100 * H };
	int64_t start, t, back, x;
	size_t i;
	int n = 0;

	(void)state;
	for (start = T(2025, 1, 1, 0, 0); start < T(2027, 1, 1, 0, 0);
	    start += 37 * M + 13) {
		for (i = 0; i < sizeof spans / sizeof spans[0]; i++) {
			t = deadline_add_working_ms(cal, start, spans[i]);
			assert_int_equal(deadline_working_ms(cal, start, t),
			    spans[i]);
			/* The earliest such instant. */
			assert_true(deadline_working_ms(cal, start, t - 1) <
			    spans[i]);
			back = deadline_add_working_ms(cal, t, -spans[i]);
			assert_int_equal(deadline_working_ms(cal, back, t),
			    spans[i]);
			assert_true(back >= start);
			/* The latest such instant. */
			assert_true(deadline_working_ms(cal, back + 1, t) <
			    spans[i]);
			n++;
		}
		/* From start to any x and back. */
		x = start + (start % 7 + 1) * 5 * H;
		t = deadline_add_working_ms(cal, start,
		    deadline_working_ms(cal, start, x));
		assert_true(t <= x);
		assert_int_equal(deadline_working_ms(cal, t, x), 0);
	}
	assert_true(n > 200000);
}

/* Every due time obeys the rules, from many start instants. */
static void
test_due_properties(void **state)
{
	struct calendar_dayinfo info;
	struct limit l;
	int64_t start, due;
	int32_t day;
	int amount, counted;

	(void)state;
	for (start = T(2025, 1, 1, 0, 0); start < T(2027, 1, 1, 0, 0);
	    start += 97 * M + 7) {
		amount = (int)(start / M % 15) + 1;
		l = (struct limit){ LIMIT_WORK_DAYS, amount };
		due = deadline_due(cal, start, &l);
		/* At close of business (18:00) of a working day ... */
		calendar_lookup(cal, deadline_day(due), &info);
		assert_true(info.hours->n > 0);
		assert_int_equal(due - deadline_midnight(deadline_day(due)),
		    18 * H);
		/* ... the amount-th after the start day. */
		counted = 0;
		for (day = deadline_day(start) + 1; day <= deadline_day(due);
		    day++) {
			calendar_lookup(cal, day, &info);
			counted += info.hours->n > 0;
		}
		assert_int_equal(counted, amount);
		/* Working hours: exactly amount hours of business time. */
		l = (struct limit){ LIMIT_WORK_HOURS, amount };
		due = deadline_due(cal, start, &l);
		assert_int_equal(deadline_working_ms(cal, start, due),
		    amount * H);
		assert_true(deadline_working_ms(cal, start, due - 1) <
		    amount * H);
	}
}

/* Suspend and resume keep the time that was left; extensions add wd. */
static void
test_suspend_resume(void **state)
{
	struct limit wd = lim("5wd"), hours = lim("2h"), ext = lim("3wd");
	int64_t due, left, resumed;

	(void)state;
	/* Mon 09-28 09:00 + 5wd: 09-29 (1), 30 (2), 10-08 (3), 09 (4),
	 * Sat 10-10 (5, 调休). */
	due = deadline_due(cal, T(2026, 9, 28, 9, 0), &wd);
	assert_string_equal(fmt(due), "2026-10-10 18:00:00");
	/* Suspended Wed 09-30 10:00: 5.5h that day + 3 x 7h = 26.5h left. */
	left = deadline_remaining(cal, &wd, T(2026, 9, 30, 10, 0), due);
	assert_int_equal(left, 26 * H + 30 * M);
	/* Resumed Mon 10-12 09:00: 6.5h, 10-13 7h, 10-14 7h, 10-15 6h:
	 * 08:30-12:00 and 14:30-17:00. */
	resumed = deadline_resume(cal, &wd, T(2026, 10, 12, 9, 0), left);
	assert_string_equal(fmt(resumed), "2026-10-15 17:00:00");
	assert_int_equal(deadline_remaining(cal, &wd, T(2026, 10, 12, 9, 0),
	    resumed), left);
	/* Overdue: remaining is negative business time. Sat 10-10 18:00 to
	 * Mon 10-12 10:00 is 1.5h. */
	assert_int_equal(deadline_remaining(cal, &wd, T(2026, 10, 12, 10, 0),
	    due), -90 * M);
	/* A natural clock: 2h from 10:00, suspended at 10:30, resumed on
	 * the holiday 10-01 at 09:00: due 10:30. */
	due = deadline_due(cal, T(2026, 9, 30, 10, 0), &hours);
	left = deadline_remaining(cal, &hours, T(2026, 9, 30, 10, 30), due);
	assert_int_equal(left, 90 * M);
	assert_string_equal(fmt(deadline_resume(cal, &hours,
	    T(2026, 10, 1, 9, 0), left)), "2026-10-01 10:30:00");
	/* An extension of 3wd from the due time Tue 10-13 18:00: the due day
	 * does not count; 10-14 (1), 15 (2), Fri 10-16 (3). */
	assert_string_equal(fmt(deadline_due(cal, T(2026, 10, 13, 18, 0),
	    &ext)), "2026-10-16 18:00:00");
}

/* Returns the default policy with warn_before and warn_fraction set. */
static struct policy
warn_policy(int before_wd, double fraction)
{
	struct policies *ps = policy_new();
	struct policy p;

	policy_for(ps, HOTLINE__TICKET_TYPE__TICKET_TYPE_HELP,
	    HOTLINE__URGENCY__URGENCY_NORMAL, NULL, &p);
	policy_free(ps);
	p.warn_before = (struct limit){ LIMIT_WORK_DAYS, before_wd };
	p.warn_fraction = fraction;
	return p;
}

/* Asserts the warning point of limit from start (due by the rules). */
static void
warn_is(int64_t start, const char *limit, const struct policy *p,
    const char *want_due, const char *want)
{
	struct limit l = lim(limit);
	int64_t due = deadline_due(cal, start, &l);

	assert_string_equal(fmt(due), want_due);
	assert_string_equal(fmt(deadline_warn_at(cal, start, due, &l, p)),
	    want);
}

/* Warning points (黄灯): W working days before, or at a fraction. */
static void
test_warn_at(void **state)
{
	struct policy p1 = warn_policy(1, 0.75), p3 = warn_policy(3, 0.75);
	struct policy half = warn_policy(1, 0.5);
	struct limit wd = lim("5wd");

	(void)state;
	/* 5wd from Wed 09-30 due Tue 10-13 18:00: 1wd before is the close
	 * of Mon 10-12; 3wd before: 10-12 (1), Sat 10-10 (2), Fri 10-09 (3). */
	warn_is(T(2026, 9, 30, 10, 0), "5wd", &p1, "2026-10-13 18:00:00",
	    "2026-10-12 18:00:00");
	warn_is(T(2026, 9, 30, 10, 0), "5wd", &p3, "2026-10-13 18:00:00",
	    "2026-10-09 18:00:00");
	/* 2wd from Wed 09-23 due Mon 09-28: the working day before is Thu
	 * 09-24 (09-25..27 中秋). */
	warn_is(T(2026, 9, 23, 10, 0), "2wd", &p1, "2026-09-28 18:00:00",
	    "2026-09-24 18:00:00");
	/* 1wd with warn_before 1wd: the fraction. Fri 09-18 10:00 -> Sun
	 * 09-20 18:00 spans 5.5h + 7h = 12.5h; 75% = 9h22m30s: 5.5h on Fri,
	 * then 09-20 08:30-12:00 and 14:30-14:52:30. */
	warn_is(T(2026, 9, 18, 10, 0), "1wd", &p1, "2026-09-20 18:00:00",
	    "2026-09-20 14:52:30");
	/* 3wd with warn_before 3wd: the fraction too. Thu 09-24 10:00 ->
	 * Wed 09-30 18:00: 5.5h + 3 x 7h = 26.5h; 75% = 19h52m30s: 5.5h,
	 * 09-28 7h, 09-29 7h (19.5h), then 09-30 08:30 + 22m30s. */
	warn_is(T(2026, 9, 24, 10, 0), "3wd", &p3, "2026-09-30 18:00:00",
	    "2026-09-30 08:52:30");
	/* Natural: 75% of the wall time, holidays or not. */
	warn_is(T(2026, 10, 1, 10, 0), "2h", &p1, "2026-10-01 12:00:00",
	    "2026-10-01 11:30:00");
	warn_is(T(2026, 9, 30, 10, 0), "24h", &p1, "2026-10-01 10:00:00",
	    "2026-10-01 04:00:00");
	/* Working hours: 75% of 4h = 3h: Fri 03-06 16:00-18:00, Mon 1h. */
	warn_is(T(2026, 3, 6, 16, 0), "4wh", &p1, "2026-03-09 10:30:00",
	    "2026-03-09 09:30:00");
	/* 50% of 2wh from Mon 11:00 is 1h: 12:00, not 14:30. */
	warn_is(T(2026, 3, 9, 11, 0), "2wh", &half, "2026-03-09 15:30:00",
	    "2026-03-09 12:00:00");
	/* A due inside the day (after a resume), Tue 10-13 10:00: 5.5h
	 * before close; the same 5.5h before the close of Mon 10-12. */
	assert_string_equal(fmt(deadline_warn_at(cal, T(2026, 9, 30, 10, 0),
	    T(2026, 10, 13, 10, 0), &wd, &p1)), "2026-10-12 10:00:00");
	/* Clamped to the start when the warning would come before it. */
	assert_string_equal(fmt(deadline_warn_at(cal, T(2026, 10, 13, 9, 0),
	    T(2026, 10, 13, 10, 0), &wd, &p1)), "2026-10-13 09:00:00");
	/* A due on a holiday (Sat 10-03) counts as the close of Wed 09-30;
	 * one working day before: Tue 09-29 18:00. */
	assert_string_equal(fmt(deadline_warn_at(cal, T(2026, 9, 1, 10, 0),
	    T(2026, 10, 3, 12, 0), &wd, &p1)), "2026-09-29 18:00:00");
	/* A due at or before the start is its own warning. */
	assert_string_equal(fmt(deadline_warn_at(cal, T(2026, 9, 1, 10, 0),
	    T(2026, 9, 1, 10, 0), &wd, &p1)), "2026-09-01 10:00:00");
}

/* Warning W working days before when days have different hours. */
static void
test_warn_short_friday(void **state)
{
	struct calendar *c = calendar_new();
	struct policy p1 = warn_policy(1, 0.75);
	struct limit l = lim("2wd");
	int64_t due;

	(void)state;
	c->hours[4].iv[1].end = 16 * 60;	/* Fridays close at 16:00 */
	/* Thu 03-05 + 2wd: Fri 03-06 (1), Mon 03-09 (2). */
	due = deadline_due(c, T(2026, 3, 5, 10, 0), &l);
	assert_string_equal(fmt(due), "2026-03-09 18:00:00");
	/* Close of business one working day before: Fri 16:00. */
	assert_string_equal(fmt(deadline_warn_at(c, T(2026, 3, 5, 10, 0), due,
	    &l, &p1)), "2026-03-06 16:00:00");
	/* Mon 10:00 is 5.5h before close; Friday has 5h: its opening. */
	assert_string_equal(fmt(deadline_warn_at(c, T(2026, 3, 5, 10, 0),
	    T(2026, 3, 9, 10, 0), &l, &p1)), "2026-03-06 08:30:00");
	/* And a Friday due: Thu 03-05 + 1wd closes at 16:00. */
	due_is(T(2026, 3, 5, 10, 0), "1wd", "2026-03-06 18:00:00");
	assert_string_equal(fmt(deadline_due(c, T(2026, 3, 5, 10, 0),
	    &(struct limit){ LIMIT_WORK_DAYS, 1 })), "2026-03-06 16:00:00");
	calendar_free(c);
}

/* Collects explanation steps as lines of text. */
struct transcript {
	char text[4096];
	size_t len;
	int64_t counted;
};

/* Appends "date weekday kind: reason" to the transcript. */
static void
collect(const struct deadline_step *s, void *arg)
{
	static const char *const kinds[] = { "start", "skip", "count" };
	struct transcript *t = arg;

	t->len += (size_t)snprintf(t->text + t->len, sizeof t->text - t->len,
	    "%s %s %s: %s\n", s->date, s->weekday, kinds[s->kind], s->reason);
	assert_true(t->len < sizeof t->text);
	t->counted += s->counted_ms;
	if (s->kind == DEADLINE_STEP_COUNT && s->ordinal > 0)
		assert_int_equal(s->day, deadline_date_day(atoi(s->date),
		    atoi(s->date + 5), atoi(s->date + 8)));
}

/* Explains limit from start; checks the due time and the transcript. */
static void
explain_is(int64_t start, const char *limit, const char *want_due,
    const char *want)
{
	struct transcript t = { "", 0, 0 };
	struct limit l = lim(limit);

	assert_string_equal(fmt(deadline_explain(cal, start, &l, collect, &t)),
	    want_due);
	assert_string_equal(t.text, want);
	assert_int_equal(deadline_explain(cal, start, &l, collect, &t),
	    deadline_due(cal, start, &l));
}

/* Explanations of working-day periods, day by day. */
static void
test_explain_wd(void **state)
{
	(void)state;
	explain_is(T(2026, 9, 30, 10, 0), "5wd", "2026-10-13 18:00:00",
	    "2026-09-30 Wed start: start day (working day), not counted "
	    "(民法典 art. 201)\n"
	    "2026-10-01 Thu skip: holiday 国庆节\n"
	    "2026-10-02 Fri skip: holiday 国庆节\n"
	    "2026-10-03 Sat skip: holiday 国庆节\n"
	    "2026-10-04 Sun skip: holiday 国庆节\n"
	    "2026-10-05 Mon skip: holiday 国庆节\n"
	    "2026-10-06 Tue skip: holiday 国庆节\n"
	    "2026-10-07 Wed skip: holiday 国庆节\n"
	    "2026-10-08 Thu count: working day 1 of 5\n"
	    "2026-10-09 Fri count: working day 2 of 5\n"
	    "2026-10-10 Sat count: working day 3 of 5, 调休 working day 国庆节\n"
	    "2026-10-11 Sun skip: weekend\n"
	    "2026-10-12 Mon count: working day 4 of 5\n"
	    "2026-10-13 Tue count: working day 5 of 5, due at close of "
	    "business 18:00\n");
	explain_is(T(2026, 2, 18, 10, 0), "3wd", "2026-02-26 18:00:00",
	    "2026-02-18 Wed start: start day (holiday 春节), not counted "
	    "(民法典 art. 201)\n"
	    "2026-02-19 Thu skip: holiday 春节\n"
	    "2026-02-20 Fri skip: holiday 春节\n"
	    "2026-02-21 Sat skip: holiday 春节\n"
	    "2026-02-22 Sun skip: holiday 春节\n"
	    "2026-02-23 Mon skip: holiday 春节\n"
	    "2026-02-24 Tue count: working day 1 of 3\n"
	    "2026-02-25 Wed count: working day 2 of 3\n"
	    "2026-02-26 Thu count: working day 3 of 3, due at close of "
	    "business 18:00\n");
	/* Starting on a make-up Sunday, and on an ordinary Saturday. */
	explain_is(T(2026, 9, 20, 9, 0), "1wd", "2026-09-21 18:00:00",
	    "2026-09-20 Sun start: start day (调休 working day 国庆节), not "
	    "counted (民法典 art. 201)\n"
	    "2026-09-21 Mon count: working day 1 of 1, due at close of "
	    "business 18:00\n");
	explain_is(T(2026, 9, 19, 9, 0), "1wd", "2026-09-20 18:00:00",
	    "2026-09-19 Sat start: start day (weekend), not counted "
	    "(民法典 art. 201)\n"
	    "2026-09-20 Sun count: working day 1 of 1, 调休 working day "
	    "国庆节, due at close of business 18:00\n");
}

/* Explanations of working-hour and natural periods. */
static void
test_explain_hours(void **state)
{
	struct transcript t = { "", 0, 0 };
	struct limit l = lim("8wh");

	(void)state;
	explain_is(T(2026, 9, 30, 16, 0), "8wh", "2026-10-08 17:00:00",
	    "2026-09-30 Wed start: during business hours, counted 2h00m\n"
	    "2026-10-01 Thu skip: holiday 国庆节\n"
	    "2026-10-02 Fri skip: holiday 国庆节\n"
	    "2026-10-03 Sat skip: holiday 国庆节\n"
	    "2026-10-04 Sun skip: holiday 国庆节\n"
	    "2026-10-05 Mon skip: holiday 国庆节\n"
	    "2026-10-06 Tue skip: holiday 国庆节\n"
	    "2026-10-07 Wed skip: holiday 国庆节\n"
	    "2026-10-08 Thu count: counted 6h00m, due 17:00\n");
	assert_int_equal(deadline_explain(cal, T(2026, 9, 30, 16, 0), &l,
	    collect, &t), deadline_due(cal, T(2026, 9, 30, 16, 0), &l));
	assert_int_equal(t.counted, 8 * H);
	explain_is(T(2026, 2, 13, 12, 30), "4wh", "2026-02-14 09:00:00",
	    "2026-02-13 Fri start: break between business hours, counted "
	    "3h30m\n"
	    "2026-02-14 Sat count: 调休 working day 春节, counted 0h30m, "
	    "due 09:00\n");
	explain_is(T(2026, 3, 6, 19, 0), "1wh", "2026-03-09 09:30:00",
	    "2026-03-06 Fri start: after business hours\n"
	    "2026-03-07 Sat skip: weekend\n"
	    "2026-03-08 Sun skip: weekend\n"
	    "2026-03-09 Mon count: counted 1h00m, due 09:30\n");
	explain_is(T(2026, 3, 9, 7, 0), "2wh", "2026-03-09 10:30:00",
	    "2026-03-09 Mon start: before business hours, counted 2h00m, "
	    "due 10:30\n");
	explain_is(T(2026, 10, 7, 10, 0), "1wh", "2026-10-08 09:30:00",
	    "2026-10-07 Wed start: holiday 国庆节\n"
	    "2026-10-08 Thu count: counted 1h00m, due 09:30\n");
	explain_is(T(2026, 3, 9, 9, 0) + 30 * 1000, "3wh",
	    "2026-03-09 14:30:30",
	    "2026-03-09 Mon start: during business hours, counted 3h00m, "
	    "due 14:30:30\n");
	explain_is(T(2026, 9, 30, 10, 0), "24h", "2026-10-01 10:00:00",
	    "2026-09-30 Wed start: natural time: weekends and holidays "
	    "count\n");
}

/* The built-in policies (DESIGN §3) and their precedence. */
static void
test_policy_builtin(void **state)
{
	static const struct {
		Hotline__TicketType type;
		int complete_wd;
	} types[] = {
		{ HOTLINE__TICKET_TYPE__TICKET_TYPE_UNSPECIFIED, 5 },
		{ HOTLINE__TICKET_TYPE__TICKET_TYPE_CONSULTATION, 3 },
		{ HOTLINE__TICKET_TYPE__TICKET_TYPE_HELP, 5 },
		{ HOTLINE__TICKET_TYPE__TICKET_TYPE_COMPLAINT, 10 },
		{ HOTLINE__TICKET_TYPE__TICKET_TYPE_REPORT, 15 },
		{ HOTLINE__TICKET_TYPE__TICKET_TYPE_SUGGESTION, 15 },
		{ HOTLINE__TICKET_TYPE__TICKET_TYPE_PRAISE, 5 },
	};
	struct policies *ps = policy_new();
	struct policy p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof types / sizeof types[0]; i++) {
		policy_for(ps, types[i].type, HOTLINE__URGENCY__URGENCY_NORMAL,
		    NULL, &p);
		assert_int_equal(p.complete.unit, LIMIT_WORK_DAYS);
		assert_int_equal(p.complete.amount, types[i].complete_wd);
		assert_int_equal(p.sign.unit, LIMIT_WORK_DAYS);
		assert_int_equal(p.sign.amount, 1);
		assert_int_equal(p.warn_before.unit, LIMIT_WORK_DAYS);
		assert_int_equal(p.warn_before.amount, 1);
		assert_true(p.warn_fraction == 0.75);
		assert_int_equal(p.return_window.amount, 2);
		assert_int_equal(p.return_window.unit, LIMIT_WORK_DAYS);
		assert_int_equal(p.callback.amount, 3);
		assert_int_equal(p.max_extension.amount, 10);
		assert_int_equal(p.max_extension.unit, LIMIT_WORK_DAYS);
		assert_int_equal(p.max_returns, 2);
		/* Unspecified urgency is normal. */
		policy_for(ps, types[i].type,
		    HOTLINE__URGENCY__URGENCY_UNSPECIFIED, "water", &p);
		assert_int_equal(p.complete.amount, types[i].complete_wd);
		/* Urgency overrides the type: urgent 1h / 24h. */
		policy_for(ps, types[i].type, HOTLINE__URGENCY__URGENCY_URGENT,
		    NULL, &p);
		assert_int_equal(p.sign.unit, LIMIT_HOURS);
		assert_int_equal(p.sign.amount, 1);
		assert_int_equal(p.complete.unit, LIMIT_HOURS);
		assert_int_equal(p.complete.amount, 24);
		assert_int_equal(p.callback.amount, 3);
		/* Critical: 1h / 2h. */
		policy_for(ps, types[i].type,
		    HOTLINE__URGENCY__URGENCY_CRITICAL, NULL, &p);
		assert_int_equal(p.sign.unit, LIMIT_HOURS);
		assert_int_equal(p.sign.amount, 1);
		assert_int_equal(p.complete.unit, LIMIT_HOURS);
		assert_int_equal(p.complete.amount, 2);
	}
	/* Values outside the enums: the default type, normal urgency. */
	policy_for(ps, (Hotline__TicketType)42, (Hotline__Urgency)42, NULL, &p);
	assert_int_equal(p.complete.amount, 5);
	assert_int_equal(p.sign.unit, LIMIT_WORK_DAYS);
	policy_free(ps);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_calendar_lookup),
		cmocka_unit_test(test_calendar_covers),
		cmocka_unit_test(test_limit_parse),
		cmocka_unit_test(test_due_natural),
		cmocka_unit_test(test_due_wd_spring_2026),
		cmocka_unit_test(test_due_wd_national_2026),
		cmocka_unit_test(test_due_wd_2025),
		cmocka_unit_test(test_due_wd_makeup_neighbours),
		cmocka_unit_test(test_due_wd_start_times),
		cmocka_unit_test(test_due_wh),
		cmocka_unit_test(test_working_ms),
		cmocka_unit_test(test_add_working_ms),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_due_properties),
		cmocka_unit_test(test_suspend_resume),
		cmocka_unit_test(test_warn_at),
		cmocka_unit_test(test_warn_short_friday),
		cmocka_unit_test(test_explain_wd),
		cmocka_unit_test(test_explain_hours),
		cmocka_unit_test(test_policy_builtin),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
