/* Loads the calendar (config hours, holiday-cn year files) and the policies config. */
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <libconfig.h>

#include "config-read.h"
#include "config.h"
#include "deadline.h"
#include "lang.h"
#include "log.h"
#include "xarray.h"
#include "xmalloc.h"

#define CALENDAR_WARN_DAYS_MAX 3660
#define POLICY_COUNT_MAX 100

/* One entry of a year file while it is checked. */
struct calendar_entry {
	struct calendar_date date;
	size_t index;			/* in the file's days array */
};

/* Config names of the weekdays, 0 = Monday. */
static const char *const calendar_weekdays[] = {
	"mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL
};

/* Config names of the policy layers, by layer slot; then "departments". */
static const char *const policy_layer_names[] = {
	"default", "consultation", "help", "complaint", "report",
	"suggestion", "praise", "normal", "urgent", "critical",
	"departments", NULL
};

/* Parses two digits at s; -1 unless both are digits. */
static int
calendar_digits(const char *s)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* Parses "HH:MM" at s into minutes from midnight (00:00..24:00), or -1. */
static int
calendar_clock(const char *s)
{
	int h = calendar_digits(s), m = calendar_digits(s + 3);

	if (h < 0 || s[2] != ':' || m < 0 || m > 59 || h * 60 + m > 24 * 60)
		return -1;
	return h * 60 + m;
}

/* Parses interval text "HH:MM-HH:MM" into *iv; -1 with *why on error. */
static int
calendar_interval(const char *text, struct calendar_interval *iv,
    const char **why)
{
	if (strlen(text) != 11 || text[5] != '-') {
		*why = "is not HH:MM-HH:MM, e.g. \"08:30-12:00\"";
		return -1;
	}
	iv->start = calendar_clock(text);
	iv->end = calendar_clock(text + 6);
	if (iv->start < 0 || iv->end < 0) {
		*why = "has a time outside 00:00..24:00";
		return -1;
	}
	if (iv->end <= iv->start) {
		*why = "does not end after it starts";
		return -1;
	}
	return 0;
}

/* Reads one weekday's list of intervals s (key names it) into *h. */
static int
calendar_read_day(const struct config_reader *r, const config_setting_t *s,
    const char *key, struct calendar_hours *h)
{
	char ekey[CONFIG_KEY_MAX + 16];
	const config_setting_t *e;
	const char *text, *why;
	int i, n;

	if (!config_setting_is_array(s) && !config_setting_is_list(s))
		return config_fail(r, s, key, "must be a list of "
		    "\"HH:MM-HH:MM\" strings [ ... ] (empty: a day off)");
	n = config_setting_length(s);
	if (n > CALENDAR_MAX_INTERVALS)
		return config_fail(r, s, key, "more than %d intervals",
		    CALENDAR_MAX_INTERVALS);
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, (unsigned)i);
		snprintf(ekey, sizeof ekey, "%s[%d]", key, i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return config_fail(r, e, ekey, "must be a string "
			    "\"HH:MM-HH:MM\"");
		text = config_setting_get_string(e);
		if (calendar_interval(text, &h->iv[i], &why) == -1)
			return config_fail(r, e, ekey, "\"%s\" %s", text, why);
		if (i > 0 && h->iv[i].start < h->iv[i - 1].end)
			return config_fail(r, e, ekey, "\"%s\" starts before "
			    "the interval before it ends (list intervals in "
			    "order, without overlaps)", text);
	}
	h->n = n;
	return 0;
}

/* Reads the hours group: a list of intervals per weekday present. */
static int
calendar_read_hours(struct calendar *cal, const struct config_group *parent)
{
	const config_setting_t *s;
	struct config_group g;
	char key[CONFIG_KEY_MAX];
	int i;

	if (config_subgroup(parent, "hours", 0, &g) == -1 ||
	    config_check_keys(&g, calendar_weekdays) == -1)
		return -1;
	for (i = 0; i < 7; i++) {
		if ((s = config_member(&g, calendar_weekdays[i])) == NULL)
			continue;
		config_key(key, g.key, calendar_weekdays[i]);
		if (calendar_read_day(g.r, s, key, &cal->hours[i]) == -1)
			return -1;
	}
	if (cal->hours[CALENDAR_MONDAY].n == 0) {
		config_key(key, g.key, "mon");
		return config_fail(g.r, config_member(&g, "mon"), key,
		    "must not be empty: make-up working days (调休) use "
		    "Monday's hours");
	}
	return 0;
}

/* Reads the "calendar" config group s into cal; see deadline.h. */
int
calendar_configure(struct calendar *cal, const config_setting_t *s,
    const char *file, char *err, size_t errlen)
{
	static const char *const keys[] = { "dir", "hours", "warn_days", NULL };
	struct config_reader r = { file, err, errlen };
	struct config_group g;
	const char *dir;
	long long warn;

	if (config_group_init(&g, &r, s, s != NULL &&
	    config_setting_name(s) != NULL ? config_setting_name(s) :
	    "calendar") == -1 ||
	    config_check_keys(&g, keys) == -1 ||
	    config_string_ref(&g, "dir", &dir) == -1 ||
	    config_int(&g, "warn_days", 60, 1, CALENDAR_WARN_DAYS_MAX,
	    &warn) == -1 ||
	    calendar_read_hours(cal, &g) == -1)
		return -1;
	cal->warn_days = (int)warn;
	free(cal->dir);
	cal->dir = config_relative(file, dir != NULL ? dir : "calendar");
	return 0;
}

/* Orders entries by day, then by index in the file. */
static int
calendar_entry_cmp(const void *a, const void *b)
{
	const struct calendar_entry *x = a, *y = b;

	if (x->date.day != y->date.day)
		return x->date.day < y->date.day ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Orders dates by day. */
static int
calendar_date_cmp(const void *a, const void *b)
{
	const struct calendar_date *x = a, *y = b;

	return (x->day > y->day) - (x->day < y->day);
}

/* Orders strings for qsort. */
static int
calendar_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Writes "path: message" into err and returns -1. */
static int __attribute__((format(printf, 4, 5)))
calendar_json_fail(const char *path, char *err, size_t errlen,
    const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s: %s", path, msg);
	return -1;
}

/* Parses "YYYY-MM-DD" into a day number; -1 unless a valid date of year. */
static int
calendar_parse_date(const char *text, int year, int32_t *day,
    const char **why)
{
	int y = -1, m = -1, d = -1;

	if (strlen(text) == 10 && text[4] == '-' && text[7] == '-' &&
	    calendar_digits(text) >= 0 && calendar_digits(text + 2) >= 0) {
		y = calendar_digits(text) * 100 + calendar_digits(text + 2);
		m = calendar_digits(text + 5);
		d = calendar_digits(text + 8);
	}
	if (!deadline_date_valid(y, m, d)) {
		*why = "is not a valid date YYYY-MM-DD";
		return -1;
	}
	if (y != year) {
		*why = "is not in the file's year";
		return -1;
	}
	*day = deadline_date_day(y, m, d);
	return 0;
}

/* Checks that entry object o has only the keys name, date and isOffDay. */
static const char *
calendar_entry_unknown(json_t *o)
{
	const char *k;
	json_t *v;

	json_object_foreach(o, k, v) {
		(void)v;
		if (strcmp(k, "name") != 0 && strcmp(k, "date") != 0 &&
		    strcmp(k, "isOffDay") != 0)
			return k;
	}
	return NULL;
}

/* Reads days[i], object o, of the file at path for year into *e. */
static int
calendar_read_entry(const char *path, json_t *o, size_t i, int year,
    struct calendar_entry *e, char *err, size_t errlen)
{
	json_t *name = json_object_get(o, "name"), *date, *off;
	const char *unknown, *why;

	if (!json_is_object(o))
		return calendar_json_fail(path, err, errlen, "days[%zu]: must "
		    "be an object {\"name\", \"date\", \"isOffDay\"}", i);
	date = json_object_get(o, "date");
	off = json_object_get(o, "isOffDay");
	if ((unknown = calendar_entry_unknown(o)) != NULL)
		return calendar_json_fail(path, err, errlen, "days[%zu]: "
		    "unknown key \"%s\"", i, unknown);
	if (!json_is_string(name) || json_string_length(name) == 0)
		return calendar_json_fail(path, err, errlen, "days[%zu]: name: "
		    "%s", i, name == NULL ? "missing" : "must be a non-empty "
		    "string");
	if (!json_is_string(date))
		return calendar_json_fail(path, err, errlen, "days[%zu]: date: "
		    "%s", i, date == NULL ? "missing" : "must be a string "
		    "\"YYYY-MM-DD\"");
	if (calendar_parse_date(json_string_value(date), year, &e->date.day,
	    &why) == -1)
		return calendar_json_fail(path, err, errlen, "days[%zu]: date: "
		    "\"%s\" %s (%d)", i, json_string_value(date), why, year);
	if (!json_is_boolean(off))
		return calendar_json_fail(path, err, errlen, "days[%zu]: "
		    "isOffDay: %s", i, off == NULL ? "missing" :
		    "must be true (holiday) or false (make-up working day)");
	e->date.off = json_is_true(off);
	e->date.name = xstrdup(json_string_value(name));
	e->index = i;
	return 0;
}

/* Frees the names of n entries and the array. */
static void
calendar_entries_free(struct calendar_entry *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].date.name);
	free(v);
}

/* Reads the days array of the file at path; fails on a date listed twice. */
static int
calendar_read_days(const char *path, json_t *days, int year,
    struct calendar_entry **out, size_t *n, char *err, size_t errlen)
{
	struct calendar_entry *v;
	size_t i, count = json_array_size(days);

	v = xcalloc(count, sizeof *v);
	for (i = 0; i < count; i++)
		if (calendar_read_entry(path, json_array_get(days, i), i, year,
		    &v[i], err, errlen) == -1) {
			calendar_entries_free(v, i);
			return -1;
		}
	xqsort(v, count, sizeof *v, calendar_entry_cmp);
	for (i = 1; i < count; i++)
		if (v[i].date.day == v[i - 1].date.day) {
			calendar_json_fail(path, err, errlen, "days[%zu]: date: "
			    "the same date as days[%zu]", v[i].index,
			    v[i - 1].index);
			calendar_entries_free(v, count);
			return -1;
		}
	*out = v;
	*n = count;
	return 0;
}

/* Checks the top level of a year file: keys, year, papers, days, "$provisional". */
static int
calendar_check_top(const char *path, json_t *root, int year, int *provisional,
    char *err, size_t errlen)
{
	json_t *y = json_object_get(root, "year");
	json_t *mark = json_object_get(root, "$provisional");
	json_t *papers = json_object_get(root, "papers"), *v;
	const char *k;
	size_t i;

	json_object_foreach(root, k, v)
		if (k[0] != '$' && strcmp(k, "year") != 0 &&
		    strcmp(k, "papers") != 0 && strcmp(k, "days") != 0)
			return calendar_json_fail(path, err, errlen,
			    "unknown key \"%s\"", k);
	if (!json_is_integer(y))
		return calendar_json_fail(path, err, errlen, "year: %s",
		    y == NULL ? "missing" : "must be an integer");
	if (json_integer_value(y) != year)
		return calendar_json_fail(path, err, errlen, "year: %lld does "
		    "not match the file name", (long long)json_integer_value(y));
	if (!json_is_array(papers))
		return calendar_json_fail(path, err, errlen, "papers: %s",
		    papers == NULL ? "missing" : "must be an array of strings");
	json_array_foreach(papers, i, v)
		if (!json_is_string(v))
			return calendar_json_fail(path, err, errlen,
			    "papers[%zu]: must be a string", i);
	v = json_object_get(root, "days");
	if (!json_is_array(v))
		return calendar_json_fail(path, err, errlen, "days: %s",
		    v == NULL ? "missing" : "must be an array");
	if (mark != NULL && !json_is_boolean(mark))
		return calendar_json_fail(path, err, errlen, "$provisional: "
		    "must be true (no State Council notice yet) or false");
	*provisional = json_is_true(mark);
	return 0;
}

/*
 * Refuses entries v (n, sorted) of year that drop a statutory holiday: a
 * notice arranges the days around them, it never makes one a working day.
 */
static int
calendar_check_statutory(const char *path, int year,
    const struct calendar_entry *v, size_t n, char *err, size_t errlen)
{
	struct statutory_day sd[STATUTORY_MAX_DAYS];
	int count = statutory_days(year, sd), i, y, m, d;
	size_t j;

	if (count == -1)
		return calendar_json_fail(path, err, errlen, "the statutory "
		    "holidays of %d cannot be computed (ICU's Chinese calendar "
		    "failed)", year);
	for (i = 0; i < count; i++) {
		for (j = 0; j < n; j++)
			if (v[j].date.day == sd[i].day && v[j].date.off)
				break;
		if (j < n)
			continue;
		deadline_day_date(sd[i].day, &y, &m, &d);
		return calendar_json_fail(path, err, errlen, "days: "
		    "%04d-%02d-%02d (%s) is a statutory holiday "
		    "(全国年节及纪念日放假办法) and must be listed with "
		    "\"isOffDay\": true", y, m, d, sd[i].name);
	}
	return 0;
}

/* Adds the n sorted entries of year to cal, taking their names. */
static void
calendar_add_year(struct calendar *cal, int year, int provisional,
    struct calendar_entry *v, size_t n)
{
	size_t i;

	cal->dates = xrealloc(cal->dates, (cal->ndates + n) *
	    sizeof *cal->dates);
	for (i = 0; i < n; i++)
		cal->dates[cal->ndates++] = v[i].date;
	free(v);
	xqsort(cal->dates, cal->ndates, sizeof *cal->dates, calendar_date_cmp);
	cal->years = xrealloc(cal->years, (cal->nyears + 1) *
	    sizeof *cal->years);
	cal->marks = xrealloc(cal->marks, (cal->nyears + 1) *
	    sizeof *cal->marks);
	cal->marks[cal->nyears] = (struct calendar_year){ .year = year,
	    .provisional = provisional };
	cal->years[cal->nyears++] = year;
}

/* Adds the computed statutory days of the years without a file; see deadline.h. */
int
calendar_compute_statutory(struct calendar *cal, char *err, size_t errlen)
{
	struct statutory_day sd[STATUTORY_MAX_DAYS];
	int year, n, i;

	free(cal->computed);
	cal->computed = NULL;
	cal->ncomputed = 0;
	for (year = STATUTORY_FIRST_YEAR; year <= CALENDAR_COMPUTED_LAST;
	    year++) {
		size_t j;

		for (j = 0; j < cal->nyears && cal->years[j] != year; j++)
			continue;
		if (j < cal->nyears)
			continue;
		if ((n = statutory_days(year, sd)) == -1) {
			snprintf(err, errlen, "calendar: the statutory holidays "
			    "of %d cannot be computed (ICU's Chinese calendar "
			    "failed)", year);
			return -1;
		}
		cal->computed = xrealloc(cal->computed, (cal->ncomputed +
		    (size_t)n) * sizeof *cal->computed);
		for (i = 0; i < n; i++)
			cal->computed[cal->ncomputed++] = (struct calendar_date){
				.day = sd[i].day, .off = 1,
				.name = (char *)(uintptr_t)sd[i].name,
			};
	}
	return 0;
}

/* Reads a parsed year file root (named path in messages) for year into cal. */
static int
calendar_read_root(struct calendar *cal, const char *path, json_t *root,
    int year, char *err, size_t errlen)
{
	struct calendar_entry *v;
	size_t n;
	int rc, provisional = 0;

	if (!json_is_object(root))
		return calendar_json_fail(path, err, errlen, "must be a JSON "
		    "object {\"year\", \"papers\", \"days\"}");
	if ((rc = calendar_check_top(path, root, year, &provisional, err,
	    errlen)) == 0 && (rc = calendar_read_days(path,
	    json_object_get(root, "days"), year, &v, &n, err, errlen)) == 0) {
		if ((rc = calendar_check_statutory(path, year, v, n, err,
		    errlen)) == 0)
			calendar_add_year(cal, year, provisional, v, n);
		else
			calendar_entries_free(v, n);
	}
	return rc;
}

/* Writes jansson's parse error of path into err; returns -1. */
static int
calendar_json_error(const char *path, const json_error_t *jerr, char *err,
    size_t errlen)
{
	if (jerr->line > 0)
		snprintf(err, errlen, "%s:%d:%d: %s", path, jerr->line,
		    jerr->column, jerr->text);
	else
		snprintf(err, errlen, "%s: %s", path, jerr->text);
	return -1;
}

/* Loads the year file at path, for year (from its name), into cal. */
static int
calendar_load_file(struct calendar *cal, const char *path, int year,
    char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root;
	int rc;

	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		return calendar_json_error(path, &jerr, err, errlen);
	rc = calendar_read_root(cal, path, root, year, err, errlen);
	json_decref(root);
	return rc;
}

/* Parses one year file's text; see deadline.h. */
struct calendar *
calendar_parse_year(const char *name, const char *text, size_t len,
    char *err, size_t errlen)
{
	struct calendar *cal;
	json_error_t jerr;
	json_t *root, *y;
	int rc;

	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		calendar_json_error(name, &jerr, err, errlen);
		return NULL;
	}
	y = json_object_get(root, "year");
	if (!json_is_integer(y) || json_integer_value(y) < 1 ||
	    json_integer_value(y) > 9999) {
		calendar_json_fail(name, err, errlen, "year: %s", y == NULL ?
		    "missing" : "must be an integer 1..9999");
		json_decref(root);
		return NULL;
	}
	cal = calendar_new();
	rc = calendar_read_root(cal, name, root, (int)json_integer_value(y),
	    err, errlen);
	json_decref(root);
	if (rc == -1) {
		calendar_free(cal);
		return NULL;
	}
	return cal;
}

/* Replaces the dated days and mark of year in dst with src's; see deadline.h. */
void
calendar_set_year(struct calendar *dst, const struct calendar *src, int year)
{
	static uint64_t serials = (uint64_t)1 << 62;	/* apart from calendar_new's */
	size_t i, n = 0;
	int y, m, d, k;

	for (i = 0; i < dst->ndates; i++) {
		deadline_day_date(dst->dates[i].day, &y, &m, &d);
		if (y == year)
			free(dst->dates[i].name);
		else
			dst->dates[n++] = dst->dates[i];
	}
	dst->ndates = n;
	dst->dates = xrealloc(dst->dates, (dst->ndates + src->ndates + 1) *
	    sizeof *dst->dates);
	for (i = 0; i < src->ndates; i++) {
		dst->dates[dst->ndates] = src->dates[i];
		dst->dates[dst->ndates++].name = xstrdup(src->dates[i].name);
	}
	xqsort(dst->dates, dst->ndates, sizeof *dst->dates, calendar_date_cmp);
	for (k = 0; k < (int)dst->nyears && dst->years[k] != year; k++)
		continue;
	if (k == (int)dst->nyears) {
		dst->years = xrealloc(dst->years, (dst->nyears + 1) *
		    sizeof *dst->years);
		dst->marks = xrealloc(dst->marks, (dst->nyears + 1) *
		    sizeof *dst->marks);
		dst->years[dst->nyears++] = year;
	}
	dst->marks[k] = (struct calendar_year){ .year = year,
	    .provisional = calendar_year_provisional(src, year) };
	dst->serial = ++serials;
	/* The year has a file now: its computed days go (no ICU on the loop). */
	for (i = 0, n = 0; i < dst->ncomputed; i++) {
		deadline_day_date(dst->computed[i].day, &y, &m, &d);
		if (y != year)
			dst->computed[n++] = dst->computed[i];
	}
	dst->ncomputed = n;
}

/* Returns 1 if day is a working day of cal (has business hours). */
int
calendar_working(const struct calendar *cal, int32_t day)
{
	struct calendar_dayinfo info;

	calendar_lookup(cal, day, &info);
	return info.hours->n > 0;
}

/* Refuses a change of a day before today; see deadline.h. */
int
calendar_past_changed(const struct calendar *old, const struct calendar *fresh,
    int32_t first, int32_t today, char *err, size_t errlen)
{
	static const char *const what[] = { "a day off", "a working day" };
	int32_t day;
	int a, y, m, d;

	for (day = first; day < today; day++) {
		if ((a = calendar_working(old, day)) == calendar_working(fresh,
		    day))
			continue;
		deadline_day_date(day, &y, &m, &d);
		snprintf(err, errlen, "%04d-%02d-%02d is past: it was %s and "
		    "would become %s (deadlines already ran over it)", y, m, d,
		    what[a], what[!a]);
		return -1;
	}
	return 0;
}

/* Returns the year of a file name "YYYY.json", or -1. */
static int
calendar_file_year(const char *name)
{
	int hi, lo;

	if (strlen(name) != 9 || strcmp(name + 4, ".json") != 0)
		return -1;
	hi = calendar_digits(name);
	lo = calendar_digits(name + 2);
	if (hi < 0 || lo < 0 || hi * 100 + lo < 1)
		return -1;
	return hi * 100 + lo;
}

/* Lists the names in dir ending in ".json" (not starting with "."), sorted. */
static int
calendar_list_dir(const char *dir, char ***out, size_t *n, char *err,
    size_t errlen)
{
	struct dirent *de;
	size_t len;
	DIR *d;

	*out = NULL;
	*n = 0;
	if ((d = opendir(dir)) == NULL) {
		snprintf(err, errlen, "%s: cannot open the calendar directory: "
		    "%s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 5 ||
		    strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		*out = xrealloc(*out, (*n + 1) * sizeof **out);
		(*out)[(*n)++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (*n > 0)
		xqsort(*out, *n, sizeof **out, calendar_name_cmp);
	return 0;
}

/* Loads every "<dir>/YYYY.json" into cal; see deadline.h. */
int
calendar_load_dir(struct calendar *cal, const char *dir, char *err,
    size_t errlen)
{
	char **names, *path;
	size_t n, i;
	int rc = 0, year;

	if (calendar_list_dir(dir, &names, &n, err, errlen) == -1)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		path = xasprintf("%s/%s", dir, names[i]);
		if ((year = calendar_file_year(names[i])) == -1)
			rc = calendar_json_fail(path, err, errlen, "not named "
			    "after its year: YYYY.json, e.g. 2026.json");
		else
			rc = calendar_load_file(cal, path, year, err, errlen);
		free(path);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/*
 * Returns a calendar configured from s and loaded from its dir, or NULL.
 * A dir given in the config must exist; the default one may be missing
 * (no year files: the daemon then warns that the coming days are not
 * covered).
 */
struct calendar *
calendar_load(const config_setting_t *s, const char *file, char *err,
    size_t errlen)
{
	struct calendar *cal = calendar_new();
	int optional = s == NULL || config_setting_get_member(s, "dir") == NULL;

	if (calendar_configure(cal, s, file, err, errlen) == -1 ||
	    ((!optional || access(cal->dir, F_OK) == 0 || errno != ENOENT) &&
	    calendar_load_dir(cal, cal->dir, err, errlen) == -1) ||
	    calendar_compute_statutory(cal, err, errlen) == -1) {
		calendar_free(cal);
		return NULL;
	}
	return cal;
}

/* Writes the calendar coverage warning into buf; see deadline.h. */
int
calendar_coverage_note(const struct calendar *cal, int64_t now_ms, int lang,
    char *buf, size_t len)
{
	int year = calendar_missing_year(cal, now_ms, cal->warn_days), i;
	int statutory;
	size_t j;

	buf[0] = '\0';
	if (year == 0)
		return 0;
	for (j = 0, i = -1; j < cal->nyears; j++)
		if (cal->years[j] == year)
			i = (int)j;
	statutory = year >= STATUTORY_FIRST_YEAR;
	if (lang == LANG_EN) {
		snprintf(buf, len, "calendar: %d has no State Council holiday "
		    "notice yet (%s/%d.json %s): within the next %d days "
		    "deadlines over it are provisional, counting weekends and "
		    "%s as days off, with no bridging or make-up working days; "
		    "when the notice is published, import it: hotlinectl "
		    "calendar import %d.json", year, cal->dir, year, i == -1 ?
		    "is missing" : "is marked \"$provisional\"", cal->warn_days,
		    statutory ? "the statutory holidays computed from the law" :
		    "nothing else", year);
		return 1;
	}
	snprintf(buf, len, "日历：%d 年的国务院放假通知尚未发布（%s/%d.json %s）："
	    "今后 %d 天内涉及该年的时限均为暂定，只把周末%s算作休息日，没有调休；"
	    "通知发布后请导入：hotlinectl calendar import %d.json", year,
	    cal->dir, year, i == -1 ? "缺失" : "标为 \"$provisional\"",
	    cal->warn_days, statutory ? "和依法推算的法定节假日" : "", year);
	return 1;
}

/* Reads limit setting s of key into *out; warn_before must be in wd. */
static int
policy_read_limit(const struct config_reader *r, const config_setting_t *s,
    const char *key, const char *name, struct limit *out)
{
	const char *text, *why;
	char en[160];

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return config_fail(r, s, key, "must be a string such as "
		    "\"30m\", \"2h\", \"1d\", \"4wh\" or \"5wd\"");
	text = config_setting_get_string(s);
	if (limit_parse(text, out, &why) == -1) {
		/* The configuration's messages are English. */
		lang_pick(why, LANG_EN, en, sizeof en);
		return config_fail(r, s, key, "\"%s\" %s", text, en);
	}
	if (strcmp(name, "warn_before") == 0 && out->unit != LIMIT_WORK_DAYS)
		return config_fail(r, s, key, "\"%s\" must be in working "
		    "days, e.g. \"1wd\" (warn_fraction covers the others)",
		    text);
	return 0;
}

/* Reads a warn_fraction setting s: a number above 0 and below 1. */
static int
policy_read_fraction(const struct config_reader *r,
    const config_setting_t *s, const char *key, double *out)
{
	int type = config_setting_type(s);

	if (type == CONFIG_TYPE_FLOAT)
		*out = config_setting_get_float(s);
	else if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64)
		*out = (double)config_setting_get_int64(s);
	else
		return config_fail(r, s, key, "must be a number");
	if (!isfinite(*out) || *out <= 0 || *out >= 1)
		return config_fail(r, s, key, "must be above 0 and below 1");
	return 0;
}

/* Reads one key of a policy layer from setting s into *l. */
static int
policy_read_key(const struct config_group *g, size_t i,
    const config_setting_t *s, struct policy_layer *l)
{
	const struct policy_key *k = &policy_keys[i];
	char key[CONFIG_KEY_MAX], *field = (char *)&l->p + k->offset;
	long long v = 0;

	config_key(key, g->key, k->name);
	switch (k->kind) {
	case POLICY_LIMIT:
		if (policy_read_limit(g->r, s, key, k->name,
		    (struct limit *)(void *)field) == -1)
			return -1;
		break;
	case POLICY_FRACTION:
		if (policy_read_fraction(g->r, s, key,
		    (double *)(void *)field) == -1)
			return -1;
		break;
	case POLICY_COUNT:
		if (config_int_value(g->r, s, key, 0, POLICY_COUNT_MAX,
		    &v) == -1)
			return -1;
		*(int *)(void *)field = (int)v;
		break;
	}
	l->set |= 1u << i;
	return 0;
}

/* Reads layer group member name of parent (if present) into *l. */
static int
policy_read_layer(const struct config_group *parent, const char *name,
    struct policy_layer *l)
{
	const char *allowed[POLICY_NKEYS + 1];
	const config_setting_t *s;
	struct config_group g;
	size_t i;

	for (i = 0; i < POLICY_NKEYS; i++)
		allowed[i] = policy_keys[i].name;
	allowed[POLICY_NKEYS] = NULL;
	if (config_subgroup(parent, name, 0, &g) == -1 ||
	    config_check_keys(&g, allowed) == -1)
		return -1;
	for (i = 0; i < POLICY_NKEYS; i++)
		if ((s = config_member(&g, policy_keys[i].name)) != NULL &&
		    policy_read_key(&g, i, s, l) == -1)
			return -1;
	return 0;
}

/* Reads the layers of group g (the top or a department) into layers. */
static int
policy_read_layers(const struct config_group *g,
    struct policy_layer *layers)
{
	int i;

	for (i = 0; i < POLICY_NLAYERS; i++)
		if (policy_read_layer(g, policy_layer_names[i],
		    &layers[i]) == -1)
			return -1;
	return 0;
}

/* Checks the id of departments[i] (member s, key): known and not repeated. */
static int
policy_check_department(const struct policies *ps, size_t i,
    const struct config_group *g, const struct department *depts,
    size_t ndepts)
{
	const config_setting_t *s = config_member(g, "id");
	const char *id = ps->departments[i].id;
	char key[CONFIG_KEY_MAX];
	size_t j;

	config_key(key, g->key, "id");
	if (id == NULL)
		return config_fail(g->r, g->s, key, "missing");
	for (j = 0; j < ndepts; j++)
		if (strcmp(depts[j].id, id) == 0)
			break;
	if (j == ndepts)
		return config_fail(g->r, s, key, "unknown department \"%s\"",
		    id);
	for (j = 0; j < i; j++)
		if (strcmp(ps->departments[j].id, id) == 0)
			return config_fail(g->r, s, key, "duplicate "
			    "department \"%s\"", id);
	return 0;
}

/* Reads departments[i] of the policies: id and override layers. */
static int
policy_read_department(struct policies *ps, size_t i,
    const struct config_group *list, const struct department *depts,
    size_t ndepts)
{
	const char *allowed[POLICY_NLAYERS + 2], *id;
	struct config_group g;
	char key[CONFIG_KEY_MAX];
	int j;

	snprintf(key, sizeof key, "%s[%zu]", list->key, i);
	if (config_group_init(&g, list->r, config_setting_get_elem(list->s,
	    (unsigned)i), key) == -1)
		return -1;
	allowed[0] = "id";
	for (j = 0; j < POLICY_NLAYERS; j++)
		allowed[j + 1] = policy_layer_names[j];
	allowed[POLICY_NLAYERS + 1] = NULL;
	if (config_check_keys(&g, allowed) == -1 ||
	    config_string_ref(&g, "id", &id) == -1)
		return -1;
	if (id != NULL)
		ps->departments[i].id = xstrdup(id);
	if (policy_check_department(ps, i, &g, depts, ndepts) == -1)
		return -1;
	return policy_read_layers(&g, ps->departments[i].layers);
}

/* Reads the departments list of the policies group g. */
static int
policy_read_departments(struct policies *ps, const struct config_group *g,
    const struct department *depts, size_t ndepts)
{
	struct config_group list = { g->r, config_member(g,
	    "departments"), "" };
	size_t i;

	config_key(list.key, g->key, "departments");
	if (list.s == NULL)
		return 0;
	if (!config_setting_is_list(list.s))
		return config_fail(g->r, list.s, list.key,
		    "must be a list ( { id = \"...\"; ... }, ... )");
	ps->ndepartments = (size_t)config_setting_length(list.s);
	ps->departments = xcalloc(ps->ndepartments, sizeof *ps->departments);
	for (i = 0; i < ps->ndepartments; i++)
		if (policy_read_department(ps, i, &list, depts, ndepts) == -1)
			return -1;
	return 0;
}

/* Reads the "policies" config group s; see deadline.h. */
struct policies *
policy_load(const config_setting_t *s, const char *file,
    const struct department *depts, size_t ndepts, char *err, size_t errlen)
{
	struct config_reader r = { file, err, errlen };
	struct policies *ps = policy_new();
	struct config_group g;

	if (config_group_init(&g, &r, s, s != NULL &&
	    config_setting_name(s) != NULL ? config_setting_name(s) :
	    "policies") == -1 ||
	    config_check_keys(&g, policy_layer_names) == -1 ||
	    policy_read_layers(&g, ps->layers) == -1 ||
	    policy_read_departments(ps, &g, depts, ndepts) == -1) {
		policy_free(ps);
		return NULL;
	}
	return ps;
}
