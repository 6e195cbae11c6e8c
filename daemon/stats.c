/* The supervision statistics' pure core (统一考核): periods, counters, indicators, scores and the ranking. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "lang.h"
#include "stats.h"
#include "xarray.h"
#include "xmalloc.h"

const char *const stats_indicator_names[STATS_NINDICATORS + 1] = {
	"response", "on_time", "resolution", "satisfaction", "returns",
	"reopens", NULL
};

/* Fills the defaults: response 30, resolution 35, satisfaction 35; 10 tickets. */
void
stats_default_assessment(struct assessment_spec *as)
{
	memset(as, 0, sizeof *as);
	as->weights[STATS_RESPONSE] = 30;
	as->weights[STATS_RESOLUTION] = 35;
	as->weights[STATS_SATISFACTION] = 35;
	as->min_tickets = 10;
}

/* Reads exactly n decimal digits at s into *out; returns 0 or -1. */
static int
stats_digits(const char *s, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Parses "YYYY-MM-DD" (exactly) into a day number; returns 0 or -1. */
static int
stats_parse_date(const char *s, size_t len, int32_t *day)
{
	int y, m, d;

	if (len != 10 || s[4] != '-' || s[7] != '-' ||
	    stats_digits(s, 4, &y) == -1 || stats_digits(s + 5, 2, &m) == -1 ||
	    stats_digits(s + 8, 2, &d) == -1 || y < 2000 ||
	    !deadline_date_valid(y, m, d))
		return -1;
	*day = deadline_date_day(y, m, d);
	return 0;
}

/* Returns the day number of the Monday of ISO week 1 of year. */
static int32_t
stats_iso_week1(int year)
{
	int32_t jan4 = deadline_date_day(year, 1, 4);

	return jan4 - deadline_weekday(jan4);
}

/* Returns the number of ISO weeks of year (52 or 53). */
static int
stats_iso_weeks(int year)
{
	return (stats_iso_week1(year + 1) - stats_iso_week1(year)) / 7;
}

/* Returns the last day number of month m of year y. */
static int32_t
stats_month_end(int y, int m)
{
	return m == 12 ? deadline_date_day(y + 1, 1, 1) - 1 :
	    deadline_date_day(y, m + 1, 1) - 1;
}

/* Parses the forms that start with a year: YYYY, YYYY-MM, YYYY-Qn, YYYY-Www. */
static int
stats_parse_named(const char *s, size_t len, struct stats_period *p,
    const char **why)
{
	int y, n;

	*why = ZH_EN("统计期须为 YYYY-MM-DD、YYYY-Www、YYYY-MM、YYYY-Qn、YYYY "
	    "或 YYYY-MM-DD..YYYY-MM-DD", "a period is YYYY-MM-DD, YYYY-Www, "
	    "YYYY-MM, YYYY-Qn, YYYY or YYYY-MM-DD..YYYY-MM-DD");
	if (len < 4 || stats_digits(s, 4, &y) == -1 || y < 2000)
		return -1;
	if (len == 4) {
		p->from = deadline_date_day(y, 1, 1);
		p->to = deadline_date_day(y, 12, 31);
		return 0;
	}
	if (s[4] != '-')
		return -1;
	if (len == 7 && stats_digits(s + 5, 2, &n) == 0) {
		if (n < 1 || n > 12)
			return *why = ZH_EN("没有这个月份", "no such month"), -1;
		p->from = deadline_date_day(y, n, 1);
		p->to = stats_month_end(y, n);
		return 0;
	}
	if (len == 7 && s[5] == 'Q' && stats_digits(s + 6, 1, &n) == 0) {
		if (n < 1 || n > 4)
			return *why = ZH_EN("季度须为 Q1 至 Q4",
			    "a quarter is Q1 to Q4"), -1;
		p->from = deadline_date_day(y, 3 * n - 2, 1);
		p->to = stats_month_end(y, 3 * n);
		return 0;
	}
	if (len == 8 && s[5] == 'W' && stats_digits(s + 6, 2, &n) == 0) {
		if (n < 1 || n > stats_iso_weeks(y))
			return *why = ZH_EN("该年没有这个 ISO 周",
			    "no such ISO week in that year"), -1;
		p->from = stats_iso_week1(y) + 7 * (n - 1);
		p->to = p->from + 6;
		return 0;
	}
	return -1;
}

/* Parses a period; see stats.h. */
int
stats_period_parse(const char *text, int64_t now, struct stats_period *p,
    const char **why)
{
	const char *dots = strstr(text, "..");
	size_t len = strlen(text);
	int y, m, d;

	if (len == 0) {
		deadline_day_date(deadline_day(now), &y, &m, &d);
		p->from = deadline_date_day(y, m, 1);
		p->to = stats_month_end(y, m);
		return 0;
	}
	if (dots != NULL) {
		if (stats_parse_date(text, (size_t)(dots - text), &p->from) ==
		    -1 || stats_parse_date(dots + 2, strlen(dots + 2),
		    &p->to) == -1)
			return *why = ZH_EN("日期范围须为 "
			    "YYYY-MM-DD..YYYY-MM-DD",
			    "a range is YYYY-MM-DD..YYYY-MM-DD"), -1;
		if (p->to < p->from)
			return *why = ZH_EN("日期范围的结束早于开始",
			    "the range ends before it starts"), -1;
	} else if (stats_parse_date(text, len, &p->from) == 0) {
		p->to = p->from;
	} else if (stats_parse_named(text, len, p, why) == -1) {
		return -1;
	}
	if (p->to - p->from + 1 > STATS_PERIOD_MAX_DAYS)
		return *why = ZH_EN("统计期至多 400 天",
		    "a period is at most 400 days"), -1;
	if (p->from < DEADLINE_REQUEST_DAY_MIN ||
	    p->to >= DEADLINE_REQUEST_DAY_MAX)
		return *why = ZH_EN("统计期须在 2000-01-01 至 2099-12-31 之间",
		    "a period lies between 2000-01-01 and 2099-12-31"), -1;
	return 0;
}

/* Writes day number day as "2026-07-01" into buf. */
void
stats_date(int32_t day, char buf[11])
{
	int y, m, d;

	deadline_day_date(day, &y, &m, &d);
	snprintf(buf, 11, "%04u-%02u-%02u", (unsigned)y % 10000u,
	    (unsigned)m % 100u, (unsigned)d % 100u);
}

/* Names one day, or one month (d 0): "20260701", "202607". */
static void
stats_name(int y, int m, int d, void (*add)(void *, const char *), void *arg)
{
	char name[16];

	if (d == 0)
		snprintf(name, sizeof name, "%04u%02u", (unsigned)y % 10000u,
		    (unsigned)m % 100u);
	else
		snprintf(name, sizeof name, "%04u%02u%02u",
		    (unsigned)y % 10000u, (unsigned)m % 100u,
		    (unsigned)d % 100u);
	add(arg, name);
}

/* Names the days and months covering the period once; see stats.h. */
size_t
stats_period_names(const struct stats_period *p, int months,
    void (*add)(void *arg, const char *name), void *arg)
{
	int32_t day = p->from, end;
	size_t n = 0;
	int y, m, d;

	while (day <= p->to) {
		deadline_day_date(day, &y, &m, &d);
		end = stats_month_end(y, m);
		if (months && d == 1 && end <= p->to) {
			stats_name(y, m, 0, add, arg);
			day = end + 1;
		} else {
			stats_name(y, m, d, add, arg);
			day++;
		}
		n++;
	}
	return n;
}

/* Adds value to the named counter of c; see stats.h. */
int
stats_counter_add(Hotline__Counters *c, const char *name, long long value)
{
	const ProtobufCFieldDescriptor *f;
	uint64_t *slot;
	long long sum;

	f = protobuf_c_message_descriptor_get_field_by_name(
	    &hotline__counters__descriptor, name);
	if (f == NULL || f->type != PROTOBUF_C_TYPE_UINT64)
		return -1;
	slot = (uint64_t *)(void *)((char *)c + f->offset);
	sum = (long long)*slot + value;
	*slot = sum > 0 ? (uint64_t)sum : 0;
	return 0;
}

/* Returns a new Rate of num / den. */
static Hotline__Rate *
stats_rate(uint64_t num, uint64_t den)
{
	Hotline__Rate *r = xmalloc(sizeof *r);

	hotline__rate__init(r);
	r->numerator = num;
	r->denominator = den;
	r->value = den > 0 ? (double)num / (double)den : 0;
	return r;
}

/* Returns sum / n / 3600: average hours, 0 without any. */
static double
stats_hours(uint64_t seconds, uint64_t n)
{
	return n > 0 ? (double)seconds / (double)n / 3600.0 : 0;
}

/* Fills the indicators of c; see stats.h and proto's Indicators. */
void
stats_indicators(const Hotline__Counters *c, Hotline__Indicators *out)
{
	uint64_t reached = c->callback_satisfied +
	    c->callback_basically_satisfied + c->callback_unsatisfied;

	out->response = stats_rate(c->signed_on_time, c->signed_on_time +
	    c->sign_overdue);
	out->on_time = stats_rate(c->completed_on_time, c->completed_on_time +
	    c->overdue);
	out->resolution = stats_rate(c->solved, reached);
	out->satisfaction = stats_rate(c->callback_satisfied +
	    c->callback_basically_satisfied, reached);
	out->returns = stats_rate(c->returned, c->received);
	out->reopens = stats_rate(c->reopened, c->completed);
	out->avg_sign_hours = stats_hours(c->sign_seconds, c->signed_);
	out->avg_complete_hours = stats_hours(c->complete_seconds,
	    c->completed);
}

/* Frees the Rate messages inside out. */
void
stats_indicators_clear(Hotline__Indicators *out)
{
	Hotline__Rate **rates[] = { &out->response, &out->on_time,
	    &out->resolution, &out->satisfaction, &out->returns,
	    &out->reopens };
	size_t i;

	for (i = 0; i < sizeof rates / sizeof rates[0]; i++) {
		free(*rates[i]);
		*rates[i] = NULL;
	}
}

/* Returns the score of the indicators; see stats.h. */
double
stats_score(const Hotline__Indicators *ind, const struct assessment_spec *as)
{
	const Hotline__Rate *r[STATS_NINDICATORS] = { ind->response,
	    ind->on_time, ind->resolution, ind->satisfaction, ind->returns,
	    ind->reopens };
	double sum = 0, weights = 0, v;
	int i;

	for (i = 0; i < STATS_NINDICATORS; i++) {
		if (r[i] == NULL || r[i]->denominator == 0 ||
		    as->weights[i] <= 0)
			continue;
		v = i == STATS_RETURNS || i == STATS_REOPENS ?
		    1.0 - r[i]->value : r[i]->value;
		sum += as->weights[i] * v;
		weights += as->weights[i];
	}
	return weights > 0 ? 100.0 * sum / weights : 0;
}

/* qsort order: ranked before too_few; by score, received, then id. */
static int
stats_rank_cmp(const void *a, const void *b)
{
	const Hotline__DepartmentScore *x = *(Hotline__DepartmentScore *const *)a;
	const Hotline__DepartmentScore *y = *(Hotline__DepartmentScore *const *)b;

	if (x->too_few != y->too_few)
		return x->too_few ? 1 : -1;
	if (!x->too_few && x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (!x->too_few && x->counters->received != y->counters->received)
		return x->counters->received > y->counters->received ? -1 : 1;
	return strcmp(x->department->id, y->department->id);
}

/* Ranks the scores; see stats.h. */
void
stats_rank(Hotline__DepartmentScore **scores, size_t n, int min_tickets)
{
	size_t i;
	uint32_t rank = 0;

	for (i = 0; i < n; i++)
		scores[i]->too_few = scores[i]->counters->received <
		    (uint64_t)min_tickets;
	xqsort(scores, n, sizeof *scores, stats_rank_cmp);
	for (i = 0; i < n; i++)
		scores[i]->rank = scores[i]->too_few ? 0 : ++rank;
}

/* Returns the working-seconds index of ms; see stats.h. */
int64_t
stats_working_seconds(const struct calendar *cal, int64_t ms)
{
	static uint64_t cached_serial;
	static int32_t cached_day;
	static int64_t cached_ms;	/* working ms from the epoch to that day */
	int64_t epoch = deadline_midnight(deadline_date_day(2020, 1, 1));
	int32_t day = deadline_day(ms);
	int64_t midnight = deadline_midnight(day);

	if (ms < epoch)
		return 0;
	if (cached_serial != cal->serial || cached_day != day) {
		cached_ms = deadline_working_ms(cal, epoch, midnight);
		cached_serial = cal->serial;
		cached_day = day;
	}
	return (cached_ms + deadline_working_ms(cal, midnight, ms)) / 1000;
}
