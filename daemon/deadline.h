/* The deadline engine's pure core (限时办结): calendar, limits, policies, working time. */
#ifndef DEADLINE_H
#define DEADLINE_H

#include <stddef.h>
#include <stdint.h>

#include <libconfig.h>

#include "hotline.pb-c.h"

/*
 * Instants are int64 milliseconds since the epoch. Calendar days and clock
 * times are Asia/Shanghai's: UTC+8 all year (China has kept no daylight
 * saving time since 1991), computed arithmetically, whatever the TZ of the
 * machine. A "day number" counts days from 1970-01-01 in that zone.
 */
#define DEADLINE_MINUTE_MS 60000LL
#define DEADLINE_HOUR_MS 3600000LL
#define DEADLINE_DAY_MS 86400000LL
#define DEADLINE_ZONE_MS (8 * DEADLINE_HOUR_MS)	/* Asia/Shanghai: UTC+8 */

/*
 * The instants the arithmetic is defined for: local 0001-01-01 00:00 to
 * 9999-12-31 24:00 (less 1 ms). Every function here takes an instant
 * outside as the nearest end and saturates its results there, so no input
 * overflows; requests are held to a far narrower range (bounds.c).
 */
#define DEADLINE_MS_MIN (-62135625600000LL)
#define DEADLINE_MS_MAX 253402271999999LL
#define DEADLINE_DAY_MIN (-719162)	/* 0001-01-01 */
#define DEADLINE_DAY_MAX 2932896	/* 9999-12-31 */

/*
 * What a request may name (bounds.c, stats periods): instants from local
 * 2000-01-01 to 2100-01-01 (exclusive), spans up to ten years. Any due time
 * from such an instant (a limit is at most 9999 units) stays far inside
 * the defined range above.
 */
#define DEADLINE_REQUEST_DAY_MIN 10957		/* 2000-01-01 */
#define DEADLINE_REQUEST_DAY_MAX 47482		/* 2100-01-01, exclusive */
#define DEADLINE_REQUEST_MS_MIN (DEADLINE_REQUEST_DAY_MIN * \
	DEADLINE_DAY_MS - DEADLINE_ZONE_MS)
#define DEADLINE_REQUEST_MS_MAX (DEADLINE_REQUEST_DAY_MAX * \
	DEADLINE_DAY_MS - DEADLINE_ZONE_MS)
#define DEADLINE_REQUEST_SPAN_MS (3653 * DEADLINE_DAY_MS)	/* ten years */

/* deadline.c: dates in Asia/Shanghai. */
/* Returns t + ms, held to [DEADLINE_MS_MIN, DEADLINE_MS_MAX]. */
int64_t deadline_shift(int64_t t, int64_t ms);
/* Returns the day number of instant ms. */
int32_t deadline_day(int64_t ms);
/* Returns the instant of local midnight starting day number day. */
int64_t deadline_midnight(int32_t day);
/* Returns the weekday of day number day: 0 is Monday, 6 is Sunday. */
int deadline_weekday(int32_t day);
/* Returns 1 if year-month-mday is a date of the Gregorian calendar. */
int deadline_date_valid(int year, int month, int mday);
/* Returns the day number of a valid date. */
int32_t deadline_date_day(int year, int month, int mday);
/* Splits day number day into year, month (1..12) and mday (1..31). */
void deadline_day_date(int32_t day, int *year, int *month, int *mday);
/* Returns the instant of a valid local date and clock time. */
int64_t deadline_time(int year, int month, int mday, int hour, int minute);
/*
 * Writes instant ms as local "YYYY-MM-DD HH:MM:SS" into buf, with ".mmm"
 * added when the milliseconds are not zero.
 */
void deadline_format(int64_t ms, char *buf, size_t len);

/*
 * The calendar: business hours per weekday and per-date overrides taken
 * from the State Council's notices (one holiday-cn JSON file per year).
 */
#define CALENDAR_MAX_INTERVALS 8
#define CALENDAR_MONDAY 0
#define CALENDAR_SATURDAY 5
#define CALENDAR_SUNDAY 6

struct calendar_interval {
	int start;		/* minutes from local midnight, 0..1439 */
	int end;		/* start < end <= 1440 */
};

/* One day's business hours: ascending, disjoint; n == 0 means none. */
struct calendar_hours {
	struct calendar_interval iv[CALENDAR_MAX_INTERVALS];
	int n;
};

enum calendar_kind {
	CALENDAR_WORKDAY,	/* a weekday with business hours */
	CALENDAR_REST,		/* a weekday without business hours (weekend) */
	CALENDAR_HOLIDAY,	/* statutory holiday: isOffDay true */
	CALENDAR_MAKEUP,	/* 调休 working day: isOffDay false */
};

/* One entry of a year file. */
struct calendar_date {
	int32_t day;		/* day number */
	int off;		/* 1: holiday; 0: make-up working day */
	char *name;		/* "国庆节", as published */
};

/*
 * A year the calendar knows of. A year is official when its file is a
 * State Council notice; provisional when its file says "$provisional": true
 * (holiday-cn's layout has no such flag: hotline adds this key, as keys
 * starting with "$" are annotations there) or when it has no file at all:
 * then, from STATUTORY_FIRST_YEAR on, its statutory holidays are computed
 * (statutory.c) and only weekends and those days are off.
 */
struct calendar_year {
	int year;
	int provisional;	/* 1: the file is marked "$provisional" */
	int imported;		/* 1: laid over from Redis (calstore.c) */
};

struct calendar {
	/*
	 * Business hours by weekday, 0 = Monday. A make-up working day (调休)
	 * uses Monday's hours, those of a normal weekday, so Monday's are
	 * never empty (calendar_configure refuses that).
	 */
	struct calendar_hours hours[7];
	struct calendar_date *dates;	/* ascending by day, no two alike */
	size_t ndates;
	int *years;			/* years whose file was loaded, ascending */
	size_t nyears;
	struct calendar_year *marks;	/* per years[i]: provisional or not */
	/*
	 * The statutory days computed for the years from STATUTORY_FIRST_YEAR
	 * to CALENDAR_COMPUTED_LAST without a file: ascending, names static.
	 */
	struct calendar_date *computed;
	size_t ncomputed;
	int warn_days;			/* coverage the daemon wants ahead, days */
	char *dir;			/* the year files' directory */
	uint64_t serial;		/* unique per calendar_new, for caches */
};

/* What one day is, for the arithmetic and for explanations. */
struct calendar_dayinfo {
	enum calendar_kind kind;
	int weekday;				/* 0 = Monday */
	const char *name;			/* HOLIDAY, MAKEUP: its name */
	const struct calendar_hours *hours;	/* none on REST and HOLIDAY */
	int provisional;			/* its year has no notice yet */
};

/* Statutory days are computed for years without a file up to this one. */
#define CALENDAR_COMPUTED_LAST 2150

/*
 * Returns a calendar with the default hours (Monday to Friday 08:30-12:00
 * and 14:30-18:00, none on Saturday and Sunday), warn_days 60, dir
 * "calendar" and no dates.
 */
struct calendar *calendar_new(void);
void calendar_free(struct calendar *);
/* Fills *info for day number day. */
void calendar_lookup(const struct calendar *, int32_t day,
    struct calendar_dayinfo *info);
/*
 * Returns the first year of [now_ms, now_ms + days] (local dates) without a
 * notice (no file, or one marked provisional), or 0 if there is none.
 */
int calendar_missing_year(const struct calendar *, int64_t now_ms, int days);
/*
 * Writes the calendar coverage warning for [now_ms, now_ms + warn_days]
 * into buf in lang (an enum lang of lang.h) and returns 1, or returns 0
 * (buf "") when every year there has its notice: which year is
 * provisional, why, and what to do.
 */
int calendar_coverage_note(const struct calendar *, int64_t now_ms, int lang,
    char *buf, size_t len);
/* Returns 1 if the years of [now_ms, now_ms + days] all have their notice. */
int calendar_covers(const struct calendar *, int64_t now_ms, int days);
/* Returns 1 if year has no State Council notice (see struct calendar_year). */
int calendar_year_provisional(const struct calendar *, int year);
/*
 * Returns 1 if a day of [from, to] (instants, either order) lies in a
 * provisional year: a due time computed over it may move with the notice.
 */
int calendar_provisional_span(const struct calendar *, int64_t from,
    int64_t to);
/*
 * Adds the computed statutory days of every year from STATUTORY_FIRST_YEAR
 * to CALENDAR_COMPUTED_LAST that has no file (after the files are loaded).
 * Returns 0, or -1 with the reason in err (ICU failed).
 */
int calendar_compute_statutory(struct calendar *, char *err, size_t errlen);

/*
 * statutory.c: the statutory holidays (法定节假日) of 全国年节及纪念日放假办法
 * as amended in 2024, in force from 2025: 元旦 1 January; 春节 除夕 (the
 * last day of the 12th lunar month) to 初三; 清明 the day of the 清明 solar
 * term; 劳动节 1-2 May; 端午 5/5 and 中秋 8/15 of the lunar calendar; 国庆节
 * 1-3 October. The lunar dates come from ICU's Chinese calendar, 清明 from
 * the sun's longitude (15 degrees). Only the bridging days and make-up
 * working days (调休) wait for the State Council's annual notice.
 */
#define STATUTORY_FIRST_YEAR 2025
#define STATUTORY_LAST_YEAR 2199
#define STATUTORY_MAX_DAYS 13

struct statutory_day {
	int32_t day;		/* day number */
	const char *name;	/* "春节", as holiday-cn names it; static */
};

/*
 * Fills out with the statutory days of year, ascending, and returns how
 * many (13, or 12 when 中秋 falls on 1-3 October); 0 for a year outside
 * [STATUTORY_FIRST_YEAR, STATUTORY_LAST_YEAR]; -1 if ICU failed.
 */
int statutory_days(int year, struct statutory_day out[STATUTORY_MAX_DAYS]);
/* Returns the instant (ms, UT) of the 清明 solar term of year. */
int64_t statutory_qingming_ms(int year);
/* Returns the Julian ephemeris day of new moon k (0: 2000-01-06; Meeus 49). */
double statutory_new_moon(int k);
/* The day number ICU's Chinese calendar alone gives lunar month/mday of year, or -1. */
int32_t statutory_icu_lunar(int year, int month, int mday);

/* calendar.c: loading the calendar from config and year files. */
/*
 * Reads the "calendar" config group s (NULL: absent, all defaults) into
 * cal: hours, warn_days and dir (made relative to the directory of file,
 * the config file's path, which also names the file in messages when
 * libconfig knows none). Returns 0, or -1 with "file:line: key: why" in err.
 */
int calendar_configure(struct calendar *cal, const config_setting_t *s,
    const char *file, char *err, size_t errlen);
/*
 * Loads every "<dir>/YYYY.json" (holiday-cn layout) into cal, which must
 * have no dates yet. Other names ending in ".json" are refused; names
 * starting with "." or not ending in ".json" are ignored. Returns 0, or -1
 * with "path: days[i]: key: why" (or the JSON error's line) in err.
 */
int calendar_load_dir(struct calendar *cal, const char *dir, char *err,
    size_t errlen);
/*
 * Parses the text (len bytes) of one year file in holiday-cn's layout,
 * with every check calendar_load_dir makes (name stands for the file in
 * messages); its year is the file's "year". Returns a calendar holding that
 * year alone (no computed days), or NULL with the reason in err.
 */
struct calendar *calendar_parse_year(const char *name, const char *text,
    size_t len, char *err, size_t errlen);
/*
 * Replaces year's dated days and provisional mark in dst with src's (a
 * calendar_parse_year result) and drops the days computed for that year;
 * dst gets a new serial. Cheap (no ICU): fit for the event loop.
 */
void calendar_set_year(struct calendar *dst, const struct calendar *src,
    int year);
/* Returns 1 if day is a working day of cal (has business hours). */
int calendar_working(const struct calendar *, int32_t day);
/*
 * Returns 0 if every day in [first, today) is a working day in fresh
 * exactly when it is one in old (what deadlines count; a weekend listed as
 * a holiday changes nothing); else -1 with the first day that changed and
 * how in err.
 */
int calendar_past_changed(const struct calendar *old,
    const struct calendar *fresh, int32_t first, int32_t today, char *err,
    size_t errlen);
/*
 * calendar_new, calendar_configure and calendar_load_dir in one; NULL on
 * error. A dir set in the config must exist; the default one may be
 * missing (then no year is loaded and calendar_covers says so).
 */
struct calendar *calendar_load(const config_setting_t *s, const char *file,
    char *err, size_t errlen);

/*
 * Limits: natural minutes, hours or days ("30m", "2h", "1d": the clock
 * runs around the clock), working hours ("4wh": only business minutes on
 * working days count) or working days ("5wd": the start day does not count
 * and the period ends at close of business of the N-th following working
 * day, 民法典 art. 201 and 203).
 */
#define LIMIT_MAX 9999		/* largest amount of any unit */

enum limit_unit {
	LIMIT_MINUTES,
	LIMIT_HOURS,
	LIMIT_DAYS,
	LIMIT_WORK_HOURS,
	LIMIT_WORK_DAYS,
};

struct limit {
	enum limit_unit unit;
	int amount;		/* 1..LIMIT_MAX */
};

/*
 * Parses "<1..9999><m|h|d|wh|wd>" into *out. Returns 0, or -1 with *why
 * set to a reason (static storage).
 */
int limit_parse(const char *text, struct limit *out, const char **why);
/* Writes the limit as limit_parse reads it ("5wd") into buf. */
void limit_format(const struct limit *, char *buf, size_t len);
/* Returns 1 for natural units (m, h, d), 0 for working time. */
int limit_natural(const struct limit *);

/*
 * Policies: the limits of a ticket by type and urgency, optionally per
 * department. A layer sets some of a policy's keys; policy_for applies
 * the layers from least to most specific.
 */
enum policy_kind {
	POLICY_LIMIT,		/* struct limit */
	POLICY_FRACTION,	/* double, 0 < f < 1 */
	POLICY_COUNT,		/* int, 0..100 */
};

/* One key of a policy: its config name and where it lives. */
struct policy_key {
	const char *name;
	enum policy_kind kind;
	size_t offset;		/* in struct policy */
};

struct policy {
	struct limit sign;		/* 签收: dispatch to sign-for */
	struct limit complete;		/* 办结: dispatch to reply */
	struct limit warn_before;	/* 黄灯 for wd limits; always wd */
	double warn_fraction;		/* 黄灯 for other limits */
	struct limit return_window;	/* 退单: returns allowed this long */
	struct limit callback;		/* 回访: reply to callback */
	struct limit max_extension;	/* 延期: the most one may extend */
	int max_returns;		/* returns before the ticket is disputed */
};

#define POLICY_NKEYS 8
/* The keys in config order; bit i of a layer's set mask is key i. */
extern const struct policy_key policy_keys[POLICY_NKEYS];

/*
 * Layer slots: 0 default, then one per ticket type (Hotline__TicketType
 * 1..6) and one per urgency (Hotline__Urgency 1..3).
 */
#define POLICY_LAYER_DEFAULT 0
#define POLICY_LAYER_TYPE(t) ((int)(t))
#define POLICY_LAYER_URGENCY(u) (6 + (int)(u))
#define POLICY_NLAYERS 10

struct policy_layer {
	struct policy p;
	unsigned set;		/* bit per policy_keys entry */
};

struct policy_department {
	char *id;
	struct policy_layer layers[POLICY_NLAYERS];	/* all unset by default */
};

struct policies {
	/* Global layers; the built-in defaults are already in them. */
	struct policy_layer layers[POLICY_NLAYERS];
	struct policy_department *departments;
	size_t ndepartments;
};

/* Returns the built-in policies of DESIGN §3. */
struct policies *policy_new(void);
void policy_free(struct policies *);
/*
 * Resolves the policy of a ticket into *out, applying layers in this
 * order, each later one overriding the keys it sets: built-in defaults,
 * default, the department's default, type, the department's type,
 * urgency, the department's urgency. The more specific ticket attribute
 * wins (urgency over type over default); at the same level the
 * department's setting wins. An unspecified type uses the default layers
 * only; an unspecified urgency counts as normal. department may be NULL.
 */
void policy_for(const struct policies *, Hotline__TicketType,
    Hotline__Urgency, const char *department, struct policy *out);
/*
 * Reads the "policies" config group s (NULL: absent, the built-ins) like
 * calendar_configure. Department ids must be among departments (ids of
 * the config's departments list). Returns NULL with the error in err.
 */
struct department;
struct policies *policy_load(const config_setting_t *s, const char *file,
    const struct department *departments, size_t ndepartments, char *err,
    size_t errlen);

/* deadline.c: working-time arithmetic, pure. */
/* Returns the due time of a period of limit starting at start. */
int64_t deadline_due(const struct calendar *, int64_t start,
    const struct limit *);
/*
 * Returns the business milliseconds (inside business hours on working
 * days) in [from, to); negated when to comes before from.
 */
int64_t deadline_working_ms(const struct calendar *, int64_t from,
    int64_t to);
/*
 * For ms > 0, returns the earliest instant t after start with
 * working_ms(start, t) == ms: inside business hours or exactly at the end
 * of an interval, never at the next interval's start. For ms < 0, the
 * latest t before start with working_ms(t, start) == -ms. 0 gives start.
 */
int64_t deadline_add_working_ms(const struct calendar *, int64_t start,
    int64_t ms);
/*
 * Time left at now until due in the limit's own measure: wall time for
 * natural limits, business time for working ones; negative when overdue.
 */
int64_t deadline_remaining(const struct calendar *, const struct limit *,
    int64_t now, int64_t due);
/*
 * Returns the close of business of t's day when t falls on a working day
 * before it, else t: where a working-days period stands once the rest of
 * t's day is set aside (民法典 art. 201: the day a period starts is not
 * counted; art. 203: its last day ends at close of business).
 */
int64_t deadline_day_end(const struct calendar *, int64_t t);
/* The due time of a clock restarted at now with left ms (resume). */
int64_t deadline_resume(const struct calendar *, const struct limit *,
    int64_t now, int64_t left);
/*
 * Returns the warning point (黄灯) of a period of limit from start to due,
 * clamped to [start, due]:
 * - a working-days limit with warn_before (W working days) below its
 *   amount warns W working days before due, at the same business time
 *   before close of business: a due at close of business warns at close
 *   of business of the W-th working day before the due day;
 * - otherwise at warn_fraction of the span in the limit's own measure:
 *   wall time for natural limits, business time for working ones.
 */
int64_t deadline_warn_at(const struct calendar *, int64_t start, int64_t due,
    const struct limit *, const struct policy *);

enum deadline_step_kind {
	DEADLINE_STEP_START,	/* the day the period starts */
	DEADLINE_STEP_SKIP,	/* a later day that does not count */
	DEADLINE_STEP_COUNT,	/* a later day that counts */
};

/* One day of an explanation; valid during the callback only. */
struct deadline_step {
	enum deadline_step_kind kind;
	int32_t day;		/* day number */
	char date[16];		/* "2026-10-01" */
	const char *weekday;	/* "Mon" .. "Sun" */
	int ordinal;		/* working days: 1..N on counted days, else 0 */
	int64_t counted_ms;	/* time the day contributes (not for wd) */
	int provisional;	/* its year has no notice yet */
	char reason[192];	/* "holiday 国庆节", "working day 3 of 5, ..." */
	/* The same as reason, structured (proto's DeadlineStep 320..328). */
	Hotline__DeadlineReason code;
	Hotline__DeadlineDay day_kind;
	const char *holiday_name;	/* HOLIDAY, MAKEUP; else NULL */
	int statutory_only;	/* a holiday known from the law only */
	int amount;		/* working days: the limit's N */
	Hotline__DeadlineStart position;	/* working hours' start day */
	int64_t due_at;		/* on the day the period ends, else 0 */
};

typedef void (*deadline_explain_cb)(const struct deadline_step *, void *arg);

/*
 * Computes deadline_due and calls cb for each day from the start day to
 * the due day, saying whether and why it counts: "weekend", "holiday
 * 国庆节", "before business hours", "working day 3 of 5, 调休 working day
 * 国庆节", ... A natural limit gives one step. Returns the due time.
 */
int64_t deadline_explain(const struct calendar *, int64_t start,
    const struct limit *, deadline_explain_cb cb, void *arg);

#endif
