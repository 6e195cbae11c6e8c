/* Working-time arithmetic over the calendar, limits and policies: pure, no I/O. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "lang.h"
#include "xmalloc.h"

_Static_assert(HOTLINE__TICKET_TYPE__TICKET_TYPE_PRAISE == 6,
    "policy layers 1..6 are the ticket types");
_Static_assert(HOTLINE__URGENCY__URGENCY_CRITICAL == 3,
    "policy layers 7..9 are the urgencies");

/* Bits of a layer's set mask, in the order of policy_keys. */
#define POLICY_SIGN 0x01u
#define POLICY_COMPLETE 0x02u
#define POLICY_ALL 0xffu

static const char *const deadline_weekdays[7] = {
	"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"
};

/* What a rest day or a holiday has: no business hours. */
static const struct calendar_hours deadline_no_hours;

/* Indexed by enum limit_unit. */
static const struct {
	const char *suffix;
	enum limit_unit unit;
	int64_t ms;		/* natural units: length of one */
} limit_units[] = {
	{ "m", LIMIT_MINUTES, DEADLINE_MINUTE_MS },
	{ "h", LIMIT_HOURS, DEADLINE_HOUR_MS },
	{ "d", LIMIT_DAYS, DEADLINE_DAY_MS },
	{ "wh", LIMIT_WORK_HOURS, DEADLINE_HOUR_MS },
	{ "wd", LIMIT_WORK_DAYS, 0 },
};

const struct policy_key policy_keys[POLICY_NKEYS] = {
	{ "sign", POLICY_LIMIT, offsetof(struct policy, sign) },
	{ "complete", POLICY_LIMIT, offsetof(struct policy, complete) },
	{ "warn_before", POLICY_LIMIT, offsetof(struct policy, warn_before) },
	{ "warn_fraction", POLICY_FRACTION,
	    offsetof(struct policy, warn_fraction) },
	{ "return_window", POLICY_LIMIT,
	    offsetof(struct policy, return_window) },
	{ "callback", POLICY_LIMIT, offsetof(struct policy, callback) },
	{ "max_extension", POLICY_LIMIT,
	    offsetof(struct policy, max_extension) },
	{ "max_returns", POLICY_COUNT, offsetof(struct policy, max_returns) },
};

/* Returns a / b (b > 0) rounded toward minus infinity. */
static int64_t
deadline_floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if (a % b != 0 && a < 0)
		q--;
	return q;
}

/* Returns t held to [DEADLINE_MS_MIN, DEADLINE_MS_MAX]. */
static int64_t
deadline_clamp(int64_t t)
{
	return t < DEADLINE_MS_MIN ? DEADLINE_MS_MIN : t > DEADLINE_MS_MAX ?
	    DEADLINE_MS_MAX : t;
}

/* Returns t + ms, held to [DEADLINE_MS_MIN, DEADLINE_MS_MAX]. */
int64_t
deadline_shift(int64_t t, int64_t ms)
{
	int64_t sum;

	if (__builtin_add_overflow(deadline_clamp(t), ms, &sum))
		return ms > 0 ? DEADLINE_MS_MAX : DEADLINE_MS_MIN;
	return deadline_clamp(sum);
}

/* Returns the day number of instant ms (held to the defined range). */
int32_t
deadline_day(int64_t ms)
{
	return (int32_t)deadline_floordiv(deadline_clamp(ms) +
	    DEADLINE_ZONE_MS, DEADLINE_DAY_MS);
}

/* Returns the instant of local midnight starting day number day. */
int64_t
deadline_midnight(int32_t day)
{
	return (int64_t)day * DEADLINE_DAY_MS - DEADLINE_ZONE_MS;
}

/* Returns the weekday of day number day: 0 is Monday (1970-01-01 a Thursday). */
int
deadline_weekday(int32_t day)
{
	int64_t d = (int64_t)day + 3;

	return (int)(d - 7 * deadline_floordiv(d, 7));
}

/* Returns 1 if year is a leap year. */
static int
deadline_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/* Returns 1 if year-month-mday is a date of the Gregorian calendar. */
int
deadline_date_valid(int year, int month, int mday)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };

	if (year < 1 || year > 9999 || month < 1 || month > 12 || mday < 1)
		return 0;
	return mday <= mdays[month - 1] + (month == 2 && deadline_leap(year));
}

/* Returns the day number of a valid date (H. Hinnant's days_from_civil). */
int32_t
deadline_date_day(int year, int month, int mday)
{
	int64_t y = year - (month <= 2), era, yoe, doy, doe;

	era = deadline_floordiv(y, 400);
	yoe = y - era * 400;
	doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + mday - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

/* Splits day number day into a date (H. Hinnant's civil_from_days). */
void
deadline_day_date(int32_t day, int *year, int *month, int *mday)
{
	int64_t z = (int64_t)day + 719468, era, doe, yoe, doy, mp;

	era = deadline_floordiv(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*mday = (int)(doy - (153 * mp + 2) / 5 + 1);
	*month = (int)(mp < 10 ? mp + 3 : mp - 9);
	*year = (int)(yoe + era * 400 + (*month <= 2));
}

/* Returns the instant of a valid local date and clock time. */
int64_t
deadline_time(int year, int month, int mday, int hour, int minute)
{
	return deadline_midnight(deadline_date_day(year, month, mday)) +
	    hour * DEADLINE_HOUR_MS + minute * DEADLINE_MINUTE_MS;
}

/* Writes instant ms as local "YYYY-MM-DD HH:MM:SS[.mmm]" into buf. */
void
deadline_format(int64_t ms, char *buf, size_t len)
{
	int32_t day = deadline_day(ms);
	int64_t in = deadline_clamp(ms) - deadline_midnight(day);
	char frac[8] = "";
	int y, m, d;

	deadline_day_date(day, &y, &m, &d);
	if (in % 1000 != 0)
		snprintf(frac, sizeof frac, ".%03d", (int)(in % 1000));
	snprintf(buf, len, "%04d-%02d-%02d %02d:%02d:%02d%s", y, m, d,
	    (int)(in / DEADLINE_HOUR_MS), (int)(in / DEADLINE_MINUTE_MS % 60),
	    (int)(in / 1000 % 60), frac);
}

/* Returns a calendar with the default hours and no dates. */
struct calendar *
calendar_new(void)
{
	static const struct calendar_hours office = {
		{ { 8 * 60 + 30, 12 * 60 }, { 14 * 60 + 30, 18 * 60 } }, 2
	};
	static uint64_t serials;
	struct calendar *cal = xcalloc(1, sizeof *cal);
	int i;

	for (i = CALENDAR_MONDAY; i < CALENDAR_SATURDAY; i++)
		cal->hours[i] = office;
	cal->serial = ++serials;
	cal->warn_days = 60;
	cal->dir = xstrdup("calendar");
	return cal;
}

/* Frees cal and everything it owns. */
void
calendar_free(struct calendar *cal)
{
	size_t i;

	if (cal == NULL)
		return;
	for (i = 0; i < cal->ndates; i++)
		free(cal->dates[i].name);
	free(cal->dates);
	free(cal->years);
	free(cal->marks);
	free(cal->computed);
	free(cal->dir);
	free(cal);
}

/* Returns the entry of v (n, ascending) for day number day, or NULL. */
static const struct calendar_date *
calendar_search(const struct calendar_date *v, size_t n, int32_t day)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (v[mid].day == day)
			return &v[mid];
		if (v[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Returns the year file's (or else the computed) entry for day, or NULL. */
static const struct calendar_date *
calendar_find(const struct calendar *cal, int32_t day)
{
	const struct calendar_date *d = calendar_search(cal->dates,
	    cal->ndates, day);

	return d != NULL ? d : calendar_search(cal->computed, cal->ncomputed,
	    day);
}

/* Returns the index of year in cal->years, or -1. */
static int
calendar_year_index(const struct calendar *cal, int year)
{
	size_t i;

	for (i = 0; i < cal->nyears; i++)
		if (cal->years[i] == year)
			return (int)i;
	return -1;
}

/* Returns 1 if year has no State Council notice. */
int
calendar_year_provisional(const struct calendar *cal, int year)
{
	int i = calendar_year_index(cal, year);

	return i == -1 || (cal->marks != NULL && cal->marks[i].provisional);
}

/* Returns 1 if a day of [from, to] lies in a provisional year. */
int
calendar_provisional_span(const struct calendar *cal, int64_t from,
    int64_t to)
{
	int first, last, m, d, year;

	if (to < from)
		return calendar_provisional_span(cal, to, from);
	deadline_day_date(deadline_day(from), &first, &m, &d);
	deadline_day_date(deadline_day(to), &last, &m, &d);
	for (year = first; year <= last; year++)
		if (calendar_year_provisional(cal, year))
			return 1;
	return 0;
}

/*
 * Fills *info for day number day. A make-up working day (调休) uses the
 * business hours of a normal weekday, Monday's.
 */
void
calendar_lookup(const struct calendar *cal, int32_t day,
    struct calendar_dayinfo *info)
{
	const struct calendar_date *d = calendar_find(cal, day);
	int y, m, md;

	deadline_day_date(day, &y, &m, &md);
	info->provisional = calendar_year_provisional(cal, y);
	info->weekday = deadline_weekday(day);
	info->name = d != NULL ? d->name : NULL;
	if (d != NULL && d->off) {
		info->kind = CALENDAR_HOLIDAY;
		info->hours = &deadline_no_hours;
	} else if (d != NULL) {
		info->kind = CALENDAR_MAKEUP;
		info->hours = &cal->hours[CALENDAR_MONDAY];
	} else {
		info->hours = &cal->hours[info->weekday];
		info->kind = info->hours->n > 0 ? CALENDAR_WORKDAY :
		    CALENDAR_REST;
	}
}

/* Returns the first year of [now_ms, now_ms + days] without a notice, or 0. */
int
calendar_missing_year(const struct calendar *cal, int64_t now_ms, int days)
{
	int first, last, year, m, d;

	deadline_day_date(deadline_day(now_ms), &first, &m, &d);
	deadline_day_date(deadline_day(deadline_shift(now_ms,
	    (int64_t)days * DEADLINE_DAY_MS)), &last, &m, &d);
	for (year = first; year <= last; year++)
		if (calendar_year_provisional(cal, year))
			return year;
	return 0;
}

/* Returns 1 if the years of [now_ms, now_ms + days] were all loaded. */
int
calendar_covers(const struct calendar *cal, int64_t now_ms, int days)
{
	return calendar_missing_year(cal, now_ms, days) == 0;
}

/* Parses "<1..9999><m|h|d|wh|wd>" into *out; -1 with *why on error. */
int
limit_parse(const char *text, struct limit *out, const char **why)
{
	size_t ndigits = strspn(text, "0123456789"), i;
	long amount = 0;

	if (ndigits == 0) {
		*why = ZH_EN("须为整数加单位，如 \"5wd\"",
		    "must be a whole number and a unit, e.g. \"5wd\"");
		return -1;
	}
	for (i = 0; i < ndigits && amount <= LIMIT_MAX; i++)
		amount = amount * 10 + (text[i] - '0');
	if (text[ndigits] == '.' || text[ndigits] == ',') {
		*why = ZH_EN("须为整数（请改用更小的单位，如 \"90m\"）",
		    "must be a whole number (use a smaller unit: \"90m\")");
		return -1;
	}
	if (amount < 1 || amount > LIMIT_MAX) {
		*why = ZH_EN("须在 1 至 9999 之间",
		    "must be between 1 and 9999");
		return -1;
	}
	if (text[ndigits] == '\0') {
		*why = ZH_EN("缺少单位：m、h、d、wh（工作小时）或 wd（工作日）",
		    "missing unit: m, h, d, wh (working hours) or wd "
		    "(working days)");
		return -1;
	}
	for (i = 0; i < sizeof limit_units / sizeof limit_units[0]; i++)
		if (strcmp(text + ndigits, limit_units[i].suffix) == 0) {
			out->unit = limit_units[i].unit;
			out->amount = (int)amount;
			return 0;
		}
	*why = ZH_EN("未知单位：须为 m、h、d、wh（工作小时）或 wd（工作日）",
	    "unknown unit: m, h, d, wh (working hours) or wd (working days)");
	return -1;
}

/* Writes the limit as limit_parse reads it ("5wd") into buf. */
void
limit_format(const struct limit *l, char *buf, size_t len)
{
	snprintf(buf, len, "%d%s", l->amount, limit_units[l->unit].suffix);
}

/* Returns 1 for natural units (m, h, d), 0 for working time. */
int
limit_natural(const struct limit *l)
{
	return l->unit == LIMIT_MINUTES || l->unit == LIMIT_HOURS ||
	    l->unit == LIMIT_DAYS;
}

/* Returns the built-in policies of DESIGN §3. */
struct policies *
policy_new(void)
{
	/* Completion in working days by ticket type, 0 = unspecified. */
	static const int complete_wd[7] = { 5, 3, 5, 10, 15, 15, 5 };
	static const struct policy builtin = {
		.sign = { LIMIT_WORK_DAYS, 1 },
		.complete = { LIMIT_WORK_DAYS, 5 },
		.warn_before = { LIMIT_WORK_DAYS, 1 },
		.warn_fraction = 0.75,
		.return_window = { LIMIT_WORK_DAYS, 2 },
		.callback = { LIMIT_WORK_DAYS, 3 },
		.max_extension = { LIMIT_WORK_DAYS, 10 },
		.max_returns = 2,
	};
	struct policies *ps = xcalloc(1, sizeof *ps);
	struct policy_layer *l;
	int t;

	ps->layers[POLICY_LAYER_DEFAULT].p = builtin;
	ps->layers[POLICY_LAYER_DEFAULT].set = POLICY_ALL;
	for (t = 1; t <= 6; t++) {
		l = &ps->layers[POLICY_LAYER_TYPE(t)];
		l->p.complete = (struct limit){ LIMIT_WORK_DAYS, complete_wd[t] };
		l->set = POLICY_COMPLETE;
	}
	l = &ps->layers[POLICY_LAYER_URGENCY(HOTLINE__URGENCY__URGENCY_URGENT)];
	l->p.sign = (struct limit){ LIMIT_HOURS, 1 };
	l->p.complete = (struct limit){ LIMIT_HOURS, 24 };
	l->set = POLICY_SIGN | POLICY_COMPLETE;
	l = &ps->layers[POLICY_LAYER_URGENCY(HOTLINE__URGENCY__URGENCY_CRITICAL)];
	l->p.sign = (struct limit){ LIMIT_HOURS, 1 };
	l->p.complete = (struct limit){ LIMIT_HOURS, 2 };
	l->set = POLICY_SIGN | POLICY_COMPLETE;
	return ps;
}

/* Frees ps and its departments. */
void
policy_free(struct policies *ps)
{
	size_t i;

	if (ps == NULL)
		return;
	for (i = 0; i < ps->ndepartments; i++)
		free(ps->departments[i].id);
	free(ps->departments);
	free(ps);
}

/* Copies the keys layer l sets into *out. */
static void
policy_apply(struct policy *out, const struct policy_layer *l)
{
	static const size_t size[] = { sizeof(struct limit), sizeof(double),
	    sizeof(int) };
	size_t i, off;

	for (i = 0; i < POLICY_NKEYS; i++) {
		if ((l->set & (1u << i)) == 0)
			continue;
		off = policy_keys[i].offset;
		memcpy((char *)out + off, (const char *)&l->p + off,
		    size[policy_keys[i].kind]);
	}
}

/* Returns the overrides of department id, or NULL. */
static const struct policy_department *
policy_department(const struct policies *ps, const char *id)
{
	size_t i;

	if (id == NULL)
		return NULL;
	for (i = 0; i < ps->ndepartments; i++)
		if (strcmp(ps->departments[i].id, id) == 0)
			return &ps->departments[i];
	return NULL;
}

/* Resolves the policy of a ticket; see deadline.h for the precedence. */
void
policy_for(const struct policies *ps, Hotline__TicketType type,
    Hotline__Urgency urgency, const char *department, struct policy *out)
{
	const struct policy_department *d = policy_department(ps, department);
	int levels[3], n = 0, i;

	if (urgency < HOTLINE__URGENCY__URGENCY_NORMAL ||
	    urgency > HOTLINE__URGENCY__URGENCY_CRITICAL)
		urgency = HOTLINE__URGENCY__URGENCY_NORMAL;
	levels[n++] = POLICY_LAYER_DEFAULT;
	if (type >= HOTLINE__TICKET_TYPE__TICKET_TYPE_CONSULTATION &&
	    type <= HOTLINE__TICKET_TYPE__TICKET_TYPE_PRAISE)
		levels[n++] = POLICY_LAYER_TYPE(type);
	levels[n++] = POLICY_LAYER_URGENCY(urgency);
	memset(out, 0, sizeof *out);
	for (i = 0; i < n; i++) {
		policy_apply(out, &ps->layers[levels[i]]);
		if (d != NULL)
			policy_apply(out, &d->layers[levels[i]]);
	}
}

/* Returns the instant minute minutes after the local midnight of day. */
static int64_t
deadline_at(int32_t day, int minute)
{
	return deadline_midnight(day) + minute * DEADLINE_MINUTE_MS;
}

/* Returns the business hours of day (none on rest days and holidays). */
static const struct calendar_hours *
deadline_hours(const struct calendar *cal, int32_t day)
{
	struct calendar_dayinfo info;

	calendar_lookup(cal, day, &info);
	return info.hours;
}

/* Returns 1 if day has business hours. */
static int
deadline_working(const struct calendar *cal, int32_t day)
{
	return deadline_hours(cal, day)->n > 0;
}

/* Returns the close of business (end of the last interval) of a working day. */
static int64_t
deadline_close(const struct calendar *cal, int32_t day)
{
	const struct calendar_hours *h = deadline_hours(cal, day);

	if (h->n == 0)		/* only at the ends of the defined range */
		return deadline_clamp(deadline_midnight(day) + DEADLINE_DAY_MS);
	return deadline_at(day, h->iv[h->n - 1].end);
}

/*
 * Returns the nearest working day after (step 1) or before (-1) day; at
 * the end of the defined range, that end.
 */
static int32_t
deadline_next_workday(const struct calendar *cal, int32_t day, int step)
{
	if ((step > 0 && day >= DEADLINE_DAY_MAX) ||
	    (step < 0 && day <= DEADLINE_DAY_MIN))
		return day;
	do
		day += step;
	while (day > DEADLINE_DAY_MIN && day < DEADLINE_DAY_MAX &&
	    !deadline_working(cal, day));
	return day;
}

/* Returns the business milliseconds of day inside [from, to). */
static int64_t
deadline_overlap(const struct calendar *cal, int32_t day, int64_t from,
    int64_t to)
{
	const struct calendar_hours *h = deadline_hours(cal, day);
	int64_t sum = 0, a, b;
	int i;

	for (i = 0; i < h->n; i++) {
		a = deadline_at(day, h->iv[i].start);
		b = deadline_at(day, h->iv[i].end);
		if (a < from)
			a = from;
		if (b > to)
			b = to;
		if (b > a)
			sum += b - a;
	}
	return sum;
}

/* Returns the business milliseconds in [from, to), negated if reversed. */
int64_t
deadline_working_ms(const struct calendar *cal, int64_t from, int64_t to)
{
	int32_t day, last;
	int64_t sum = 0;

	if (to < from)
		return -deadline_working_ms(cal, to, from);
	last = deadline_day(to);
	for (day = deadline_day(from); day <= last; day++)
		sum += deadline_overlap(cal, day, from, to);
	return sum;
}

/* Returns the earliest t with working_ms(start, t) == ms, for ms > 0. */
static int64_t
deadline_forward(const struct calendar *cal, int64_t start, int64_t ms)
{
	const struct calendar_hours *h;
	int32_t day;
	int64_t a, b;
	int i;

	for (day = deadline_day(start); day <= DEADLINE_DAY_MAX; day++) {
		h = deadline_hours(cal, day);
		for (i = 0; i < h->n; i++) {
			a = deadline_at(day, h->iv[i].start);
			b = deadline_at(day, h->iv[i].end);
			if (a < start)
				a = start;
			if (b <= a)
				continue;
			if (ms <= b - a)
				return a + ms;
			ms -= b - a;
		}
	}
	return DEADLINE_MS_MAX;
}

/* Returns the latest t with working_ms(t, start) == ms, for ms > 0. */
static int64_t
deadline_backward(const struct calendar *cal, int64_t start, int64_t ms)
{
	const struct calendar_hours *h;
	int32_t day;
	int64_t a, b;
	int i;

	for (day = deadline_day(start); day >= DEADLINE_DAY_MIN; day--) {
		h = deadline_hours(cal, day);
		for (i = h->n - 1; i >= 0; i--) {
			a = deadline_at(day, h->iv[i].start);
			b = deadline_at(day, h->iv[i].end);
			if (b > start)
				b = start;
			if (b <= a)
				continue;
			if (ms <= b - a)
				return b - ms;
			ms -= b - a;
		}
	}
	return DEADLINE_MS_MIN;
}

/* Moves start by ms of business time, forward or (ms < 0) backward. */
int64_t
deadline_add_working_ms(const struct calendar *cal, int64_t start, int64_t ms)
{
	const int64_t span = DEADLINE_MS_MAX - DEADLINE_MS_MIN;

	start = deadline_clamp(start);
	if (ms > span || ms < -span)	/* no business time is that long */
		return ms > 0 ? DEADLINE_MS_MAX : DEADLINE_MS_MIN;
	if (ms > 0)
		return deadline_forward(cal, start, ms);
	if (ms < 0)
		return deadline_backward(cal, start, -ms);
	return start;
}

/*
 * Returns the due time of a period of limit from start. Working days: the
 * start day never counts, whatever its kind; the period ends at close of
 * business of the amount-th working day after it.
 */
int64_t
deadline_due(const struct calendar *cal, int64_t start, const struct limit *l)
{
	int32_t day;
	int i;

	switch (l->unit) {
	case LIMIT_WORK_HOURS:
		return deadline_forward(cal, start, l->amount *
		    DEADLINE_HOUR_MS);
	case LIMIT_WORK_DAYS:
		day = deadline_day(start);
		for (i = 0; i < l->amount; i++)
			day = deadline_next_workday(cal, day, 1);
		return deadline_close(cal, day);
	default:
		return deadline_shift(start, l->amount *
		    limit_units[l->unit].ms);
	}
}

/* Returns the time left at now until due in the limit's own measure. */
int64_t
deadline_remaining(const struct calendar *cal, const struct limit *l,
    int64_t now, int64_t due)
{
	if (limit_natural(l))
		return deadline_clamp(due) - deadline_clamp(now);
	return deadline_working_ms(cal, now, due);
}

/* Returns the close of business of t's working day if t is before it, else t. */
int64_t
deadline_day_end(const struct calendar *cal, int64_t t)
{
	int32_t day = deadline_day(t);
	int64_t close;

	if (!deadline_working(cal, day))
		return t;
	close = deadline_close(cal, day);
	return t < close ? close : t;
}

/* Returns the due time of a clock restarted at now with left ms. */
int64_t
deadline_resume(const struct calendar *cal, const struct limit *l,
    int64_t now, int64_t left)
{
	if (limit_natural(l))
		return deadline_shift(now, left);
	return deadline_add_working_ms(cal, now, left);
}

/*
 * Returns the instant warn working days before due, at the same business
 * time before close of business. A due outside business hours counts as
 * the close of business of the last working day before it.
 */
static int64_t
deadline_warn_days(const struct calendar *cal, int64_t due, int warn)
{
	int32_t day = deadline_day(due);
	int64_t before = 0, whole;
	int i;

	if (!deadline_working(cal, day))
		day = deadline_next_workday(cal, day, -1);
	else if (due < deadline_close(cal, day))
		before = deadline_working_ms(cal, due, deadline_close(cal, day));
	for (i = 0; i < warn; i++)
		day = deadline_next_workday(cal, day, -1);
	whole = deadline_overlap(cal, day, INT64_MIN, INT64_MAX);
	if (before > whole)
		before = whole;
	return deadline_add_working_ms(cal, deadline_close(cal, day), -before);
}

/* Returns the instant at fraction f of [start, due] in the limit's measure. */
static int64_t
deadline_warn_fraction(const struct calendar *cal, int64_t start,
    int64_t due, const struct limit *l, double f)
{
	int64_t span;

	start = deadline_clamp(start);
	due = deadline_clamp(due);
	if (limit_natural(l))
		return start + (int64_t)((double)(due - start) * f + 0.5);
	span = deadline_working_ms(cal, start, due);
	return deadline_add_working_ms(cal, start,
	    (int64_t)((double)span * f + 0.5));
}

/* Returns the warning point (黄灯); see deadline.h for the rule. */
int64_t
deadline_warn_at(const struct calendar *cal, int64_t start, int64_t due,
    const struct limit *l, const struct policy *p)
{
	int64_t warn;

	if (due <= start)
		return due;
	if (l->unit == LIMIT_WORK_DAYS &&
	    p->warn_before.unit == LIMIT_WORK_DAYS &&
	    p->warn_before.amount < l->amount)
		warn = deadline_warn_days(cal, due, p->warn_before.amount);
	else
		warn = deadline_warn_fraction(cal, start, due, l,
		    p->warn_fraction);
	if (warn < start)
		return start;
	if (warn > due)
		return due;
	return warn;
}

/* Appends ", " (unless s is empty) and a formatted part to s->reason. */
static void __attribute__((format(printf, 2, 3)))
deadline_reason(struct deadline_step *s, const char *fmt, ...)
{
	size_t n = strlen(s->reason);
	va_list ap;

	if (n > 0 && n + 2 < sizeof s->reason) {
		memcpy(s->reason + n, ", ", 3);
		n += 2;
	}
	va_start(ap, fmt);
	vsnprintf(s->reason + n, sizeof s->reason - n, fmt, ap);
	va_end(ap);
}

/* Starts step s for day number day. */
static void
deadline_step_init(const struct calendar *cal, struct deadline_step *s,
    enum deadline_step_kind kind, int32_t day)
{
	int y, m, d;

	memset(s, 0, sizeof *s);
	s->kind = kind;
	s->day = day;
	deadline_day_date(day, &y, &m, &d);
	s->provisional = calendar_year_provisional(cal, y);
	snprintf(s->date, sizeof s->date, "%04d-%02d-%02d", y, m, d);
	s->weekday = deadline_weekdays[deadline_weekday(day)];
}

#define DAY(k) HOTLINE__DEADLINE_DAY__DEADLINE_DAY_##k

/* Appends what kind of day info describes, as an operator reads it, and sets s's day fields. */
static void
deadline_reason_day(struct deadline_step *s, const struct calendar_dayinfo *info)
{
	switch (info->kind) {
	case CALENDAR_WORKDAY:
		s->day_kind = DAY(WORKING);
		deadline_reason(s, "working day");
		break;
	case CALENDAR_REST:
		if (info->weekday >= CALENDAR_SATURDAY) {
			s->day_kind = DAY(WEEKEND);
			deadline_reason(s, "weekend");
		} else {
			s->day_kind = DAY(NO_HOURS);
			deadline_reason(s, "no business hours on %s",
			    deadline_weekdays[info->weekday]);
		}
		break;
	case CALENDAR_HOLIDAY:
		s->day_kind = DAY(HOLIDAY);
		s->holiday_name = info->name;
		s->statutory_only = info->provisional;
		deadline_reason(s, "holiday %s", info->name);
		if (info->provisional)
			deadline_reason(s, "statutory, the year's notice not "
			    "out yet");
		break;
	case CALENDAR_MAKEUP:
		s->day_kind = DAY(MAKEUP);
		s->holiday_name = info->name;
		deadline_reason(s, "调休 working day %s", info->name);
		break;
	}
}

/* Sets s's day fields from info without adding to its reason. */
static void
deadline_day_fields(struct deadline_step *s,
    const struct calendar_dayinfo *info)
{
	char reason[sizeof s->reason];

	memcpy(reason, s->reason, sizeof reason);
	deadline_reason_day(s, info);
	memcpy(s->reason, reason, sizeof reason);
}

/* Writes the local clock time of t as "HH:MM", or "HH:MM:SS". */
static void
deadline_clock(int64_t t, char *buf, size_t len)
{
	int64_t in = t - deadline_midnight(deadline_day(t));
	int h = (int)(in / DEADLINE_HOUR_MS);
	int m = (int)(in / DEADLINE_MINUTE_MS % 60), sec = (int)(in / 1000 % 60);

	if (in % DEADLINE_MINUTE_MS == 0)
		snprintf(buf, len, "%02d:%02d", h, m);
	else
		snprintf(buf, len, "%02d:%02d:%02d", h, m, sec);
}

/* Writes a duration as "7h00m", or "0h22m30s" with seconds. */
static void
deadline_duration(int64_t ms, char *buf, size_t len)
{
	long long h = ms / DEADLINE_HOUR_MS, m = ms / DEADLINE_MINUTE_MS % 60;
	long long sec = ms / 1000 % 60;

	if (ms % DEADLINE_MINUTE_MS == 0)
		snprintf(buf, len, "%lldh%02lldm", h, m);
	else
		snprintf(buf, len, "%lldh%02lldm%02llds", h, m, sec);
}

#define POS(p) HOTLINE__DEADLINE_START__DEADLINE_START_##p

/* Names where start falls in the business hours of its working day, and sets s->position. */
static const char *
deadline_position(struct deadline_step *s, const struct calendar_hours *h,
    int32_t day, int64_t t)
{
	int i;

	s->position = POS(BREAK);
	if (t < deadline_at(day, h->iv[0].start))
		return s->position = POS(BEFORE_HOURS), "before business hours";
	if (t >= deadline_at(day, h->iv[h->n - 1].end))
		return s->position = POS(AFTER_HOURS), "after business hours";
	for (i = 0; i < h->n; i++)
		if (t >= deadline_at(day, h->iv[i].start) &&
		    t < deadline_at(day, h->iv[i].end))
			return s->position = POS(DURING_HOURS),
			    "during business hours";
	return "break between business hours";
}

#define CODE(c) HOTLINE__DEADLINE_REASON__DEADLINE_REASON_##c

/* Explains a working-days period from start to due, one step per day. */
static void
deadline_explain_days(const struct calendar *cal, int64_t start, int64_t due,
    int amount, deadline_explain_cb cb, void *arg)
{
	int32_t day = deadline_day(start), last = deadline_day(due);
	struct calendar_dayinfo info;
	struct deadline_step s;
	char clock[16], kind[sizeof s.reason];
	int n = 0;

	calendar_lookup(cal, day, &info);
	deadline_step_init(cal, &s, DEADLINE_STEP_START, day);
	s.code = CODE(START_DAY);
	deadline_reason_day(&s, &info);
	snprintf(kind, sizeof kind, "%s", s.reason);
	s.reason[0] = '\0';
	deadline_reason(&s, "start day (%s), not counted (民法典 art. 201)",
	    kind);
	cb(&s, arg);
	while (++day <= last) {
		calendar_lookup(cal, day, &info);
		if (info.hours->n == 0) {
			deadline_step_init(cal, &s, DEADLINE_STEP_SKIP, day);
			s.code = CODE(DAY_OFF);
			deadline_reason_day(&s, &info);
			cb(&s, arg);
			continue;
		}
		deadline_step_init(cal, &s, DEADLINE_STEP_COUNT, day);
		s.code = CODE(WORKING_DAY);
		s.ordinal = ++n;
		s.amount = amount;
		deadline_reason(&s, "working day %d of %d", n, amount);
		if (info.kind == CALENDAR_MAKEUP)
			deadline_reason_day(&s, &info);
		else
			deadline_day_fields(&s, &info);
		if (day == last) {
			s.due_at = due;
			deadline_clock(due, clock, sizeof clock);
			deadline_reason(&s, "due at close of business %s",
			    clock);
		}
		cb(&s, arg);
	}
}

/* Explains one day of a working-hours period from start to due. */
static void
deadline_explain_hours_day(const struct calendar *cal, int32_t day,
    int64_t start, int64_t due, deadline_explain_cb cb, void *arg)
{
	struct calendar_dayinfo info;
	struct deadline_step s;
	char buf[32];
	int first = day == deadline_day(start);

	calendar_lookup(cal, day, &info);
	deadline_step_init(cal, &s, DEADLINE_STEP_SKIP, day);
	s.code = CODE(WORKING_HOURS);
	s.counted_ms = deadline_overlap(cal, day, start, due);
	if (first)
		s.kind = DEADLINE_STEP_START;
	else if (s.counted_ms > 0)
		s.kind = DEADLINE_STEP_COUNT;
	if (info.kind != CALENDAR_WORKDAY)
		deadline_reason_day(&s, &info);
	else
		deadline_day_fields(&s, &info);
	if (first && info.hours->n > 0)
		deadline_reason(&s, "%s", deadline_position(&s, info.hours,
		    day, start));
	if (s.counted_ms > 0) {
		deadline_duration(s.counted_ms, buf, sizeof buf);
		deadline_reason(&s, "counted %s", buf);
	}
	if (day == deadline_day(deadline_shift(due, -1))) {
		s.due_at = due;
		deadline_clock(due, buf, sizeof buf);
		deadline_reason(&s, "due %s", buf);
	}
	cb(&s, arg);
}

/* Explains a period of limit from start; returns its due time. */
int64_t
deadline_explain(const struct calendar *cal, int64_t start,
    const struct limit *l, deadline_explain_cb cb, void *arg)
{
	int64_t due = deadline_due(cal, start, l);
	struct deadline_step s;
	int32_t day;

	switch (l->unit) {
	case LIMIT_WORK_DAYS:
		deadline_explain_days(cal, start, due, l->amount, cb, arg);
		break;
	case LIMIT_WORK_HOURS:
		for (day = deadline_day(start); day <=
		    deadline_day(deadline_shift(due, -1)); day++)
			deadline_explain_hours_day(cal, day, start, due, cb,
			    arg);
		break;
	default:
		deadline_step_init(cal, &s, DEADLINE_STEP_START,
		    deadline_day(start));
		s.counted_ms = due - start;
		s.code = CODE(NATURAL);
		s.due_at = due;
		deadline_reason(&s, "natural time: weekends and holidays "
		    "count");
		cb(&s, arg);
		break;
	}
	return due;
}
