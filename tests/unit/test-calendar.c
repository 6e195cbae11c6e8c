/*
 * Unit tests of calendar.c: loading holiday-cn year files (the shipped ones
 * and bad ones, with their exact errors), and reading the calendar and
 * policies config groups, with file:line errors and policy precedence.
 * Files are written to a temporary directory; the shipped calendar is found
 * under $HOTLINE_SRCDIR (set by tests/run.sh; default: the current
 * directory).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libconfig.h>

#include "hotlined.h"
#include "deadline.h"
#include "unit-calendar.h"

#define WD(n) LIMIT_WORK_DAYS, n
#define HOURS(n) LIMIT_HOURS, n
#define MINUTES(n) LIMIT_MINUTES, n

/* A temporary directory with up to two files in it. */
struct tmp {
	char dir[64];
	char path[6][160];
	int n;
};

/* Makes a fresh temporary directory. */
static void
tmp_make(struct tmp *t)
{
	memset(t, 0, sizeof *t);
	snprintf(t->dir, sizeof t->dir, "/tmp/test-calendar-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
}

/* Writes text to name inside t (name may name a subdirectory "sub/x"). */
static const char *
tmp_write(struct tmp *t, const char *name, const char *text)
{
	char *p = t->path[t->n++], buf[sizeof t->path[0]];
	FILE *f;

	snprintf(buf, sizeof buf, "%s/%s", t->dir, name);
	memcpy(p, buf, sizeof buf);
	f = fopen(p, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
	return p;
}

/* Removes the files and the directory of t. */
static void
tmp_remove(struct tmp *t)
{
	int i;

	for (i = 0; i < t->n; i++)
		assert_int_equal(unlink(t->path[i]), 0);
	assert_int_equal(rmdir(t->dir), 0);
}

/* The shipped files load: both years, every entry, sorted by date. */
static void
test_shipped_calendar(void **state)
{
	struct calendar *c = unit_calendar(0);
	size_t i;

	(void)state;
	assert_non_null(c);
	assert_int_equal(c->nyears, 3);
	assert_int_equal(c->years[0], 2025);
	assert_int_equal(c->years[1], 2026);
	assert_int_equal(c->years[2], 2027);
	/* 2025 and 2026 are notices; 2027 is the provisional file. */
	assert_false(calendar_year_provisional(c, 2026));
	assert_true(calendar_year_provisional(c, 2027));
	assert_true(calendar_year_provisional(c, 2028));	/* no file */
	assert_int_equal(c->ndates, 33 + 39 + 13);
	for (i = 1; i < c->ndates; i++)
		assert_true(c->dates[i - 1].day < c->dates[i].day);
	/* The first and last entries: 2025-01-01 元旦 off, 2027-10-03 off. */
	assert_int_equal(c->dates[0].day, deadline_date_day(2025, 1, 1));
	assert_int_equal(c->dates[0].off, 1);
	assert_string_equal(c->dates[0].name, "元旦");
	assert_int_equal(c->dates[c->ndates - 1].day,
	    deadline_date_day(2027, 10, 3));
	assert_int_equal(c->dates[c->ndates - 1].off, 1);
	assert_string_equal(c->dates[c->ndates - 1].name, "国庆节");
	calendar_free(c);
}

/* Loads name=text alone in a directory; the load must fail with want
 * ("%s" stands for the directory). */
static void
json_fails(const char *name, const char *text, const char *want)
{
	struct calendar *c = calendar_new();
	char err[512] = "", expected[512];
	struct tmp t;

	tmp_make(&t);
	tmp_write(&t, name, text);
	assert_int_equal(calendar_load_dir(c, t.dir, err, sizeof err), -1);
	snprintf(expected, sizeof expected, want, t.dir);
	assert_string_equal(err, expected);
	calendar_free(c);
	tmp_remove(&t);
}

#define TOP "{\"year\": 2026, \"papers\": [], \"days\": ["
#define DAY(date, off) "{\"name\": \"春节\", \"date\": \"" date \
	"\", \"isOffDay\": " off "}"

/* Year files: every way one can be wrong, named by file, entry and key. */
static void
test_json_errors(void **state)
{
	(void)state;
	json_fails("2026.json", "{\"year\": 2026,\n  \"days\": [",
	    "%s/2026.json:2:11: ']' expected near end of file");
	json_fails("2026.json", "[]",
	    "%s/2026.json: must be a JSON object {\"year\", \"papers\", "
	    "\"days\"}");
	json_fails("2026.json", "{\"year\": 2026, \"year\": 2026}",
	    "%s/2026.json:1:21: duplicate object key near '\"year\"'");
	json_fails("2026.json", TOP "], \"note\": 1}",
	    "%s/2026.json: unknown key \"note\"");
	/* Issue 15: a notice cannot drop a statutory holiday (除夕 2026). */
	json_fails("2026.json", TOP DAY("2026-01-01", "true") "]}",
	    "%s/2026.json: days: 2026-02-16 (春节) is a statutory holiday "
	    "(全国年节及纪念日放假办法) and must be listed with \"isOffDay\": "
	    "true");
	json_fails("2026.json", "{\"$provisional\": 1, \"year\": 2026, "
	    "\"papers\": [], \"days\": []}", "%s/2026.json: $provisional: "
	    "must be true (no State Council notice yet) or false");
	json_fails("2026.json", "{\"papers\": [], \"days\": []}",
	    "%s/2026.json: year: missing");
	json_fails("2026.json", "{\"year\": \"2026\", \"papers\": [], "
	    "\"days\": []}", "%s/2026.json: year: must be an integer");
	json_fails("2026.json", "{\"year\": 2025, \"papers\": [], "
	    "\"days\": []}",
	    "%s/2026.json: year: 2025 does not match the file name");
	json_fails("2026.json", "{\"year\": 2026, \"days\": []}",
	    "%s/2026.json: papers: missing");
	json_fails("2026.json", "{\"year\": 2026, \"papers\": {}, "
	    "\"days\": []}",
	    "%s/2026.json: papers: must be an array of strings");
	json_fails("2026.json", "{\"year\": 2026, \"papers\": [\"a\", 2], "
	    "\"days\": []}", "%s/2026.json: papers[1]: must be a string");
	json_fails("2026.json", "{\"year\": 2026, \"papers\": []}",
	    "%s/2026.json: days: missing");
	json_fails("2026.json", "{\"year\": 2026, \"papers\": [], "
	    "\"days\": {}}", "%s/2026.json: days: must be an array");
	json_fails("2026.json", TOP DAY("2026-02-15", "true") ", 7]}",
	    "%s/2026.json: days[1]: must be an object {\"name\", \"date\", "
	    "\"isOffDay\"}");
	json_fails("2026.json", TOP "{\"date\": \"2026-02-15\", "
	    "\"isOffDay\": true}]}", "%s/2026.json: days[0]: name: missing");
	json_fails("2026.json", TOP "{\"name\": \"\", \"date\": "
	    "\"2026-02-15\", \"isOffDay\": true}]}",
	    "%s/2026.json: days[0]: name: must be a non-empty string");
	json_fails("2026.json", TOP "{\"name\": \"春节\", "
	    "\"isOffDay\": true}]}", "%s/2026.json: days[0]: date: missing");
	json_fails("2026.json", TOP "{\"name\": \"春节\", \"date\": 20260215, "
	    "\"isOffDay\": true}]}",
	    "%s/2026.json: days[0]: date: must be a string \"YYYY-MM-DD\"");
	json_fails("2026.json", TOP DAY("2026-02-15", "true") ", "
	    DAY("2026-02-30", "true") "]}",
	    "%s/2026.json: days[1]: date: \"2026-02-30\" is not a valid date "
	    "YYYY-MM-DD (2026)");
	json_fails("2026.json", TOP DAY("2026-2-15", "true") "]}",
	    "%s/2026.json: days[0]: date: \"2026-2-15\" is not a valid date "
	    "YYYY-MM-DD (2026)");
	json_fails("2026.json", TOP DAY("2026/02/15", "true") "]}",
	    "%s/2026.json: days[0]: date: \"2026/02/15\" is not a valid date "
	    "YYYY-MM-DD (2026)");
	json_fails("2026.json", TOP DAY("2026-02-15T00:00", "true") "]}",
	    "%s/2026.json: days[0]: date: \"2026-02-15T00:00\" is not a valid "
	    "date YYYY-MM-DD (2026)");
	json_fails("2026.json", TOP DAY("2025-12-31", "true") "]}",
	    "%s/2026.json: days[0]: date: \"2025-12-31\" is not in the file's "
	    "year (2026)");
	json_fails("2026.json", TOP "{\"name\": \"春节\", \"date\": "
	    "\"2026-02-15\"}]}", "%s/2026.json: days[0]: isOffDay: missing");
	json_fails("2026.json", TOP DAY("2026-02-15", "\"true\"") "]}",
	    "%s/2026.json: days[0]: isOffDay: must be true (holiday) or false "
	    "(make-up working day)");
	json_fails("2026.json", TOP "{\"name\": \"春节\", \"date\": "
	    "\"2026-02-15\", \"isoffday\": true}]}",
	    "%s/2026.json: days[0]: unknown key \"isoffday\"");
	json_fails("2026.json", TOP DAY("2026-02-15", "true") ", "
	    DAY("2026-02-16", "true") ", " DAY("2026-02-15", "false") "]}",
	    "%s/2026.json: days[2]: date: the same date as days[0]");
	json_fails("holidays.json", TOP "]}",
	    "%s/holidays.json: not named after its year: YYYY.json, e.g. "
	    "2026.json");
	json_fails("202a.json", TOP "]}",
	    "%s/202a.json: not named after its year: YYYY.json, e.g. "
	    "2026.json");
}

/* A missing directory fails; other names are ignored; "$" keys pass. */
static void
test_json_directory(void **state)
{
	struct calendar *c = calendar_new();
	char err[512] = "", expected[512];
	struct calendar_dayinfo info;
	struct tmp t;

	(void)state;
	assert_int_equal(calendar_load_dir(c, "/nonexistent/calendar", err,
	    sizeof err), -1);
	assert_string_equal(err, "/nonexistent/calendar: cannot open the "
	    "calendar directory: No such file or directory");
	/* Empty: loads, covers nothing. */
	tmp_make(&t);
	assert_int_equal(calendar_load_dir(c, t.dir, err, sizeof err), 0);
	assert_int_equal(c->nyears, 0);
	assert_false(calendar_covers(c, deadline_time(2026, 6, 1, 0, 0), 1));
	/* 2024 as holiday-cn publishes it (a year before the 2024 amendment:
	 * no statutory days are checked), with "$schema" and "$id"; a
	 * README, an editor's backup and a hidden file are ignored. */
	tmp_write(&t, "2024.json", "{\"$schema\": \"https://example/schema."
	    "json\", \"$id\": \"https://example/2024.json\", \"year\": 2024, "
	    "\"papers\": [\"https://www.gov.cn/\"], \"days\": ["
	    "{\"name\": \"元旦\", \"date\": \"2024-01-01\", \"isOffDay\": true},"
	    "{\"name\": \"劳动节\", \"date\": \"2024-05-11\", \"isOffDay\": false}"
	    "]}");
	tmp_write(&t, "README.md", "not json");
	tmp_write(&t, "2024.json~", "{");
	tmp_write(&t, ".2028.json", "{");
	calendar_free(c);
	c = calendar_new();
	if (calendar_load_dir(c, t.dir, err, sizeof err) == -1)
		fail_msg("%s", err);
	assert_int_equal(c->nyears, 1);
	assert_int_equal(c->years[0], 2024);
	assert_int_equal(c->ndates, 2);
	assert_true(calendar_covers(c, deadline_time(2024, 6, 1, 0, 0), 60));
	calendar_lookup(c, deadline_date_day(2024, 1, 1), &info);
	assert_int_equal(info.kind, CALENDAR_HOLIDAY);
	calendar_lookup(c, deadline_date_day(2024, 5, 11), &info);
	assert_int_equal(info.kind, CALENDAR_MAKEUP);	/* a Saturday */
	assert_int_equal(info.weekday, 5);
	calendar_free(c);
	/* An error in the second file (sorted by name) is reported. */
	c = calendar_new();
	tmp_write(&t, "2028.json", "{\"year\": 2027, \"papers\": [], "
	    "\"days\": []}");
	assert_int_equal(calendar_load_dir(c, t.dir, err, sizeof err), -1);
	snprintf(expected, sizeof expected, "%s/2028.json: year: 2027 does "
	    "not match the file name", t.dir);
	assert_string_equal(err, expected);
	calendar_free(c);
	tmp_remove(&t);
}

/* Reads text as a config file and returns its group name (or NULL). */
static const config_setting_t *
read_config(config_t *lc, struct tmp *t, const char *text, const char *name)
{
	const char *path = tmp_write(t, "hotlined.conf", text);

	config_init(lc);
	if (config_read_file(lc, path) != CONFIG_TRUE)
		fail_msg("%s:%d: %s", path, config_error_line(lc),
		    config_error_text(lc));
	return config_lookup(lc, name);
}

/* Configures a calendar from text; it must succeed. */
static struct calendar *
calendar_ok(struct tmp *t, const char *text)
{
	struct calendar *c = calendar_new();
	char err[512] = "";
	config_t lc;

	if (calendar_configure(c, read_config(&lc, t, text, "calendar"),
	    t->path[0], err, sizeof err) == -1)
		fail_msg("%s", err);
	config_destroy(&lc);
	return c;
}

/* Configures a calendar from text; it must fail with want ("%s": the
 * config file's path). */
static void
calendar_fails(const char *text, const char *want)
{
	struct calendar *c = calendar_new();
	char err[512] = "", expected[512];
	struct tmp t;
	config_t lc;

	tmp_make(&t);
	assert_int_equal(calendar_configure(c, read_config(&lc, &t, text,
	    "calendar"), t.path[0], err, sizeof err), -1);
	snprintf(expected, sizeof expected, want, t.path[0]);
	assert_string_equal(err, expected);
	config_destroy(&lc);
	calendar_free(c);
	tmp_remove(&t);
}

/* Asserts interval i of h. */
static void
interval_is(const struct calendar_hours *h, int i, int start, int end)
{
	assert_true(i < h->n);
	assert_int_equal(h->iv[i].start, start);
	assert_int_equal(h->iv[i].end, end);
}

/* The calendar group: hours, defaults for absent days, dir, warn_days. */
static void
test_config_calendar(void **state)
{
	struct calendar *c;
	char want[256];
	struct tmp t;

	(void)state;
	tmp_make(&t);
	c = calendar_ok(&t, "calendar = {\n"
	    "  dir = \"cal\";\n"
	    "  hours = {\n"
	    "    mon = [\"09:00-12:00\", \"13:00-17:30\"];\n"
	    "    fri = [\"09:00-12:00\"];\n"
	    "    sat = (\"09:00-12:00\");\n"
	    "    sun = [\"00:00-24:00\"];\n"
	    "  };\n"
	    "  warn_days = 90;\n"
	    "};\n");
	assert_int_equal(c->hours[0].n, 2);
	interval_is(&c->hours[0], 0, 540, 720);
	interval_is(&c->hours[0], 1, 780, 1050);
	assert_int_equal(c->hours[1].n, 2);		/* tue: the default */
	interval_is(&c->hours[1], 0, 510, 720);
	interval_is(&c->hours[1], 1, 870, 1080);
	assert_int_equal(c->hours[4].n, 1);
	interval_is(&c->hours[4], 0, 540, 720);
	assert_int_equal(c->hours[5].n, 1);
	interval_is(&c->hours[6], 0, 0, 1440);
	assert_int_equal(c->warn_days, 90);
	snprintf(want, sizeof want, "%s/cal", t.dir);
	assert_string_equal(c->dir, want);
	calendar_free(c);
	tmp_remove(&t);
	/* A group with a day off on Wednesday and an absolute dir. */
	tmp_make(&t);
	c = calendar_ok(&t, "calendar = { dir = \"/var/lib/hotline/cal\"; "
	    "hours = { wed = []; }; };\n");
	assert_int_equal(c->hours[2].n, 0);
	assert_int_equal(c->hours[5].n, 0);		/* sat: the default */
	assert_int_equal(c->warn_days, 60);
	assert_string_equal(c->dir, "/var/lib/hotline/cal");
	calendar_free(c);
	tmp_remove(&t);
	/* No group at all: every default, dir next to the config file. */
	c = calendar_new();
	assert_int_equal(calendar_configure(c, NULL, "/etc/hotline/x.conf",
	    want, sizeof want), 0);
	assert_string_equal(c->dir, "/etc/hotline/calendar");
	assert_int_equal(c->hours[0].n, 2);
	assert_int_equal(c->hours[6].n, 0);
	assert_int_equal(c->warn_days, 60);
	assert_int_equal(calendar_configure(c, NULL, "x.conf", want,
	    sizeof want), 0);
	assert_string_equal(c->dir, "calendar");
	calendar_free(c);
}

/* The calendar group's mistakes, each at its file and line. */
static void
test_config_calendar_errors(void **state)
{
	(void)state;
	calendar_fails("calendar = 5;\n",
	    "%s:1: calendar: must be a group { ... }");
	calendar_fails("calendar = {\n  hour = {};\n};\n",
	    "%s:2: calendar.hour: unknown key");
	calendar_fails("calendar = {\n  hours = [];\n};\n",
	    "%s:2: calendar.hours: must be a group { ... }");
	calendar_fails("calendar = { hours = {\n  monday = [];\n}; };\n",
	    "%s:2: calendar.hours.monday: unknown key");
	calendar_fails("calendar = { hours = {\n  mon = \"08:30-12:00\";\n}; };",
	    "%s:2: calendar.hours.mon: must be a list of \"HH:MM-HH:MM\" "
	    "strings [ ... ] (empty: a day off)");
	calendar_fails("calendar = { hours = {\n  tue = [1, 2];\n}; };",
	    "%s:2: calendar.hours.tue[0]: must be a string \"HH:MM-HH:MM\"");
	calendar_fails("calendar = { hours = {\n\n  wed = [\"0830-1200\"];\n"
	    "}; };", "%s:3: calendar.hours.wed[0]: \"0830-1200\" is not "
	    "HH:MM-HH:MM, e.g. \"08:30-12:00\"");
	calendar_fails("calendar = { hours = {\n  thu = [\"8:30-12:00\"];\n"
	    "}; };", "%s:2: calendar.hours.thu[0]: \"8:30-12:00\" is not "
	    "HH:MM-HH:MM, e.g. \"08:30-12:00\"");
	calendar_fails("calendar = { hours = {\n  fri = [\"08:30-12:00\", "
	    "\"14:30-24:30\"];\n}; };", "%s:2: calendar.hours.fri[1]: "
	    "\"14:30-24:30\" has a time outside 00:00..24:00");
	calendar_fails("calendar = { hours = {\n  fri = [\"08:60-12:00\"];\n"
	    "}; };", "%s:2: calendar.hours.fri[0]: \"08:60-12:00\" has a "
	    "time outside 00:00..24:00");
	calendar_fails("calendar = { hours = {\n  sat = [\"12:00-08:30\"];\n"
	    "}; };", "%s:2: calendar.hours.sat[0]: \"12:00-08:30\" does not "
	    "end after it starts");
	calendar_fails("calendar = { hours = {\n  sat = [\"12:00-12:00\"];\n"
	    "}; };", "%s:2: calendar.hours.sat[0]: \"12:00-12:00\" does not "
	    "end after it starts");
	calendar_fails("calendar = { hours = {\n  sun = [\"14:30-18:00\", "
	    "\"08:30-12:00\"];\n}; };", "%s:2: calendar.hours.sun[1]: "
	    "\"08:30-12:00\" starts before the interval before it ends (list "
	    "intervals in order, without overlaps)");
	calendar_fails("calendar = { hours = {\n  sun = [\"08:30-12:00\", "
	    "\"11:00-13:00\"];\n}; };", "%s:2: calendar.hours.sun[1]: "
	    "\"11:00-13:00\" starts before the interval before it ends (list "
	    "intervals in order, without overlaps)");
	calendar_fails("calendar = { hours = {\n  mon = [\"01:00-02:00\", "
	    "\"03:00-04:00\", \"05:00-06:00\", \"07:00-08:00\", "
	    "\"09:00-10:00\", \"11:00-12:00\", \"13:00-14:00\", "
	    "\"15:00-16:00\", \"17:00-18:00\"];\n}; };",
	    "%s:2: calendar.hours.mon: more than 8 intervals");
	calendar_fails("calendar = { hours = {\n  mon = [];\n}; };",
	    "%s:2: calendar.hours.mon: must not be empty: make-up working days "
	    "(调休) use Monday's hours");
	calendar_fails("calendar = {\n  warn_days = 0;\n};",
	    "%s:2: calendar.warn_days: must be between 1 and 3660");
	calendar_fails("calendar = {\n  warn_days = \"60\";\n};",
	    "%s:2: calendar.warn_days: must be an integer");
	calendar_fails("calendar = {\n  dir = \"\";\n};",
	    "%s:2: calendar.dir: must not be empty");
	calendar_fails("calendar = {\n  dir = 5;\n};",
	    "%s:2: calendar.dir: must be a string");
}

/* calendar_load: the group and the year files in one, or NULL and why. */
static void
test_calendar_load(void **state)
{
	char err[512] = "", want[512];
	struct calendar *c;
	struct tmp t, sub;
	config_t lc;
	struct limit l = { LIMIT_WORK_DAYS, 1 };

	(void)state;
	tmp_make(&t);
	tmp_make(&sub);
	tmp_write(&sub, "2024.json", "{\"year\": 2024, \"papers\": [], "
	    "\"days\": [" DAY("2024-03-11", "true") "]}");
	snprintf(want, sizeof want, "calendar = { dir = \"%s\"; hours = { "
	    "fri = [\"08:30-12:00\", \"14:30-16:00\"]; }; };\n", sub.dir);
	c = calendar_load(read_config(&lc, &t, want, "calendar"), t.path[0],
	    err, sizeof err);
	if (c == NULL)
		fail_msg("%s", err);
	config_destroy(&lc);
	assert_int_equal(c->nyears, 1);
	/* Thu 2024-03-07 + 1wd: Fri closes at 16:00. */
	assert_int_equal(deadline_due(c, deadline_time(2024, 3, 7, 10, 0), &l),
	    deadline_time(2024, 3, 8, 16, 0));
	/* Fri 03-08 + 1wd: Mon 03-11 is a holiday in this file: Tue 03-12. */
	assert_int_equal(deadline_due(c, deadline_time(2024, 3, 8, 10, 0), &l),
	    deadline_time(2024, 3, 12, 18, 0));
	calendar_free(c);
	tmp_remove(&t);
	/* No group and no default directory: no years, nothing covered. */
	tmp_make(&t);
	snprintf(want, sizeof want, "%s/hotlined.conf", t.dir);
	c = calendar_load(NULL, want, err, sizeof err);
	assert_non_null(c);
	assert_int_equal(c->nyears, 0);
	assert_false(calendar_covers(c, deadline_time(2026, 6, 1, 0, 0), 60));
	calendar_free(c);
	/* A default directory that exists is loaded. */
	tmp_write(&t, "calendar", "not a directory");
	assert_null(calendar_load(NULL, want, err, sizeof err));
	snprintf(want, sizeof want, "%s/calendar: cannot open the calendar "
	    "directory: Not a directory", t.dir);
	assert_string_equal(err, want);
	tmp_remove(&t);
	/* A bad group, then a bad directory: NULL with the reason. */
	tmp_make(&t);
	assert_null(calendar_load(read_config(&lc, &t, "calendar = { "
	    "warn_days = -1; };\n", "calendar"), t.path[0], err, sizeof err));
	config_destroy(&lc);
	snprintf(want, sizeof want, "%s:1: calendar.warn_days: must be "
	    "between 1 and 3660", t.path[0]);
	assert_string_equal(err, want);
	tmp_remove(&t);
	tmp_make(&t);
	assert_null(calendar_load(read_config(&lc, &t, "calendar = { dir = "
	    "\"missing\"; };\n", "calendar"), t.path[0], err, sizeof err));
	config_destroy(&lc);
	snprintf(want, sizeof want, "%s/missing: cannot open the calendar "
	    "directory: No such file or directory", t.dir);
	assert_string_equal(err, want);
	tmp_remove(&t);
	tmp_remove(&sub);
}

static const struct department departments[] = {
	{ "water", "供水公司" }, { "zjj", "住建局" }, { "power", "供电公司" },
};

/* Reads a policies group from text; it must succeed. */
static struct policies *
policies_ok(const char *text)
{
	char err[512] = "";
	struct policies *ps;
	struct tmp t;
	config_t lc;

	tmp_make(&t);
	ps = policy_load(read_config(&lc, &t, text, "policies"), t.path[0],
	    departments, 3, err, sizeof err);
	if (ps == NULL)
		fail_msg("%s", err);
	config_destroy(&lc);
	tmp_remove(&t);
	return ps;
}

/* Reads a policies group from text; it must fail with want. */
static void
policies_fail(const char *text, const char *want)
{
	char err[512] = "", expected[512];
	struct tmp t;
	config_t lc;

	tmp_make(&t);
	assert_null(policy_load(read_config(&lc, &t, text, "policies"),
	    t.path[0], departments, 3, err, sizeof err));
	snprintf(expected, sizeof expected, want, t.path[0]);
	assert_string_equal(err, expected);
	config_destroy(&lc);
	tmp_remove(&t);
}

/* Asserts a limit's unit and amount. */
static void
limit_is(const struct limit *l, enum limit_unit unit, int amount)
{
	assert_int_equal(l->unit, unit);
	assert_int_equal(l->amount, amount);
}

/* Returns the complete limit of a ticket. */
static struct limit
complete_of(const struct policies *ps, Hotline__TicketType type,
    Hotline__Urgency urgency, const char *department)
{
	struct policy p;

	policy_for(ps, type, urgency, department, &p);
	return p.complete;
}

#define CONSULTATION HOTLINE__TICKET_TYPE__TICKET_TYPE_CONSULTATION
#define COMPLAINT HOTLINE__TICKET_TYPE__TICKET_TYPE_COMPLAINT
#define NO_TYPE HOTLINE__TICKET_TYPE__TICKET_TYPE_UNSPECIFIED
#define NORMAL HOTLINE__URGENCY__URGENCY_NORMAL
#define URGENT HOTLINE__URGENCY__URGENCY_URGENT
#define CRITICAL HOTLINE__URGENCY__URGENCY_CRITICAL

/* Precedence: default < dept default < type < dept type < urgency < dept urgency. */
static void
test_config_policies(void **state)
{
	struct policies *ps;
	struct policy p;
	struct limit l;

	(void)state;
	ps = policies_ok("policies = {\n"
	    "  default = { sign = \"2wd\"; complete = \"6wd\"; warn_before = "
	    "\"2wd\"; warn_fraction = 0.8; return_window = \"3wd\"; "
	    "callback = \"4wd\"; max_extension = \"5wd\"; max_returns = 3; };\n"
	    "  complaint = { complete = \"8wd\"; };\n"
	    "  urgent = { complete = \"12h\"; };\n"
	    "  departments = (\n"
	    "    { id = \"water\"; complaint = { complete = \"7wd\"; };\n"
	    "      default = { callback = \"5wd\"; complete = \"4wd\"; };\n"
	    "      critical = { complete = \"90m\"; }; },\n"
	    "    { id = \"zjj\"; urgent = { sign = \"30m\"; }; }\n"
	    "  );\n"
	    "};\n");
	/* No type: the configured default, every key. */
	policy_for(ps, NO_TYPE, NORMAL, NULL, &p);
	limit_is(&p.sign, WD(2));
	limit_is(&p.complete, WD(6));
	limit_is(&p.warn_before, WD(2));
	assert_true(p.warn_fraction == 0.8);
	limit_is(&p.return_window, WD(3));
	limit_is(&p.callback, WD(4));
	limit_is(&p.max_extension, WD(5));
	assert_int_equal(p.max_returns, 3);
	/* A type not configured keeps its built-in completion (咨询 3wd),
	 * which is more specific than the default's 6wd. */
	l = complete_of(ps, CONSULTATION, NORMAL, NULL);
	limit_is(&l, WD(3));
	l = complete_of(ps, COMPLAINT, NORMAL, NULL);
	limit_is(&l, WD(8));
	/* The department's type beats the global type ... */
	policy_for(ps, COMPLAINT, NORMAL, "water", &p);
	limit_is(&p.complete, WD(7));
	/* ... the department's default beats the global default ... */
	limit_is(&p.callback, WD(5));
	limit_is(&p.sign, WD(2));
	/* ... but not the global type (咨询 3wd over water's default 4wd). */
	l = complete_of(ps, CONSULTATION, NORMAL, "water");
	limit_is(&l, WD(3));
	l = complete_of(ps, NO_TYPE, NORMAL, "water");
	limit_is(&l, WD(4));
	/* Urgency beats every type, the department's included. */
	policy_for(ps, COMPLAINT, URGENT, "water", &p);
	limit_is(&p.complete, HOURS(12));
	limit_is(&p.sign, HOURS(1));		/* built-in urgent sign */
	limit_is(&p.callback, WD(5));
	/* The department's urgency beats the global urgency. */
	l = complete_of(ps, COMPLAINT, CRITICAL, "water");
	limit_is(&l, MINUTES(90));
	l = complete_of(ps, COMPLAINT, CRITICAL, NULL);
	limit_is(&l, HOURS(2));
	policy_for(ps, COMPLAINT, URGENT, "zjj", &p);
	limit_is(&p.sign, MINUTES(30));
	limit_is(&p.complete, HOURS(12));
	/* A department without overrides, or unknown: the global policy. */
	l = complete_of(ps, COMPLAINT, NORMAL, "power");
	limit_is(&l, WD(8));
	l = complete_of(ps, COMPLAINT, NORMAL, "nobody");
	limit_is(&l, WD(8));
	policy_free(ps);
	/* No group: the built-ins. */
	ps = policy_load(NULL, "x.conf", departments, 3, NULL, 0);
	assert_non_null(ps);
	l = complete_of(ps, COMPLAINT, NORMAL, "water");
	limit_is(&l, WD(10));
	policy_free(ps);
	/* An empty group and an empty departments list: the built-ins. */
	ps = policies_ok("policies = { departments = (); };\n");
	l = complete_of(ps, HOTLINE__TICKET_TYPE__TICKET_TYPE_REPORT, NORMAL,
	    NULL);
	limit_is(&l, WD(15));
	policy_free(ps);
}

/* The policies group's mistakes, each at its file and line. */
static void
test_config_policy_errors(void **state)
{
	(void)state;
	policies_fail("policies = 1;\n",
	    "%s:1: policies: must be a group { ... }");
	policies_fail("policies = {\n  complain = {};\n};\n",
	    "%s:2: policies.complain: unknown key");
	policies_fail("policies = {\n  complaint = 5;\n};\n",
	    "%s:2: policies.complaint: must be a group { ... }");
	policies_fail("policies = {\n  complaint = {\n    finish = \"5wd\"; };"
	    "\n};\n", "%s:3: policies.complaint.finish: unknown key");
	policies_fail("policies = {\n  complaint = { complete = \"5 wd\"; };\n"
	    "};\n", "%s:2: policies.complaint.complete: \"5 wd\" unknown "
	    "unit: m, h, d, wh (working hours) or wd (working days)");
	policies_fail("policies = {\n  complaint = { complete = 5; };\n};\n",
	    "%s:2: policies.complaint.complete: must be a string such as "
	    "\"30m\", \"2h\", \"1d\", \"4wh\" or \"5wd\"");
	policies_fail("policies = {\n  urgent = { sign = \"0h\"; };\n};\n",
	    "%s:2: policies.urgent.sign: \"0h\" must be between 1 and 9999");
	policies_fail("policies = {\n  default = { warn_before = \"4h\"; };\n"
	    "};\n", "%s:2: policies.default.warn_before: \"4h\" must be in "
	    "working days, e.g. \"1wd\" (warn_fraction covers the others)");
	policies_fail("policies = {\n  default = { warn_fraction = 1.5; };\n"
	    "};\n", "%s:2: policies.default.warn_fraction: must be above 0 and "
	    "below 1");
	policies_fail("policies = {\n  default = { warn_fraction = 0; };\n"
	    "};\n", "%s:2: policies.default.warn_fraction: must be above 0 and "
	    "below 1");
	policies_fail("policies = {\n  default = { warn_fraction = \"75%\"; "
	    "};\n};\n",
	    "%s:2: policies.default.warn_fraction: must be a number");
	policies_fail("policies = {\n  default = { max_returns = -1; };\n};\n",
	    "%s:2: policies.default.max_returns: must be between 0 and 100");
	policies_fail("policies = {\n  default = { max_returns = 2.5; };\n};\n",
	    "%s:2: policies.default.max_returns: must be an integer");
	policies_fail("policies = {\n  departments = { };\n};\n",
	    "%s:2: policies.departments: must be a list ( { id = \"...\"; ... "
	    "}, ... )");
	policies_fail("policies = {\n  departments = ( 5 );\n};\n",
	    "%s:2: policies.departments[0]: must be a group { ... }");
	policies_fail("policies = {\n  departments = (\n    { complaint = "
	    "{ complete = \"7wd\"; }; }\n  );\n};\n",
	    "%s:3: policies.departments[0].id: missing");
	policies_fail("policies = {\n  departments = (\n    { id = \"nope\"; "
	    "}\n  );\n};\n",
	    "%s:3: policies.departments[0].id: unknown department \"nope\"");
	policies_fail("policies = {\n  departments = (\n    { id = \"water\"; "
	    "},\n    { id = \"water\"; }\n  );\n};\n",
	    "%s:4: policies.departments[1].id: duplicate department \"water\"");
	policies_fail("policies = {\n  departments = (\n    { id = \"water\"; "
	    "name = \"x\"; }\n  );\n};\n",
	    "%s:3: policies.departments[0].name: unknown key");
	policies_fail("policies = {\n  departments = (\n    { id = \"water\"; "
	    "departments = (); }\n  );\n};\n",
	    "%s:3: policies.departments[0].departments: unknown key");
	policies_fail("policies = {\n  departments = (\n    { id = \"water\";\n"
	    "      complaint = { complete = \"0wd\"; }; }\n  );\n};\n",
	    "%s:4: policies.departments[0].complaint.complete: \"0wd\" must be "
	    "between 1 and 9999");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_calendar),
		cmocka_unit_test(test_json_errors),
		cmocka_unit_test(test_json_directory),
		cmocka_unit_test(test_config_calendar),
		cmocka_unit_test(test_config_calendar_errors),
		cmocka_unit_test(test_calendar_load),
		cmocka_unit_test(test_config_policies),
		cmocka_unit_test(test_config_policy_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
