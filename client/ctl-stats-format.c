/* Pure formatting of supervision numbers: counter and indicator tables, rates, hours, the default period, column widths of Chinese text. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctl-stats.h"

#define COUNTER(f, en, zh) { en, zh, offsetof(Hotline__Counters, f), 0 }
#define CITY(f, en, zh) { en, zh, offsetof(Hotline__Counters, f), 1 }

/* The counters shown by scorecard and the report, in that order. */
const struct ctl_counter ctl_counters[] = {
	CITY(registered, "registered", "受理"),
	COUNTER(received, "received", "派单"),
	COUNTER(signed_, "signed", "签收"),
	COUNTER(signed_on_time, "signed_on_time", "按时签收"),
	COUNTER(sign_overdue, "sign_overdue", "签收超时"),
	COUNTER(returned, "returned", "退单"),
	COUNTER(completed, "completed", "办结"),
	COUNTER(completed_on_time, "completed_on_time", "按时办结"),
	COUNTER(overdue, "overdue", "超期"),
	COUNTER(warned, "warned", "黄灯"),
	COUNTER(extended, "extended", "延期"),
	COUNTER(reopened, "reopened", "重办"),
	COUNTER(callback_satisfied, "callback_satisfied", "回访满意"),
	COUNTER(callback_basically_satisfied, "callback_basically_satisfied",
	    "回访基本满意"),
	COUNTER(callback_unsatisfied, "callback_unsatisfied", "回访不满意"),
	COUNTER(callback_unreachable, "callback_unreachable", "回访未联系上"),
	COUNTER(solved, "solved", "解决"),
	COUNTER(urged, "urged", "催办"),
	COUNTER(supervised, "supervised", "督办"),
	COUNTER(supervision_overdue, "supervision_overdue", "督办超时"),
	COUNTER(callback_overdue, "callback_overdue", "回访超时"),
	COUNTER(exempted, "exempted", "免考核"),
	CITY(direct_answers, "direct_answers", "直接办结"),
	CITY(transferred, "transferred", "转警"),
	COUNTER(invalid, "invalid", "无效"),
	{ NULL, NULL, 0, 0 }
};
#undef COUNTER
#undef CITY

#define INDICATOR(f, en, zh, wzh) { en, zh, wzh, \
	offsetof(Hotline__Indicators, f), offsetof(Hotline__Weights, f) }

/* The indicators (考核指标), in the order of the ranking's columns. */
const struct ctl_indicator ctl_indicators[] = {
	INDICATOR(response, "response", "按时签收率", "按时签收"),
	INDICATOR(on_time, "on_time", "按时办结率", "按时办结"),
	INDICATOR(resolution, "resolution", "解决率", "解决"),
	INDICATOR(satisfaction, "satisfaction", "满意率", "满意"),
	INDICATOR(returns, "returns", "退单率", "退单"),
	INDICATOR(reopens, "reopens", "重办率", "重办"),
	{ NULL, NULL, NULL, 0, 0 }
};
#undef INDICATOR

/* Returns the counter at offset in c (a ctl_counter's); a missing Counters counts as zeros. */
uint64_t
ctl_counter_at(const Hotline__Counters *c, size_t offset)
{
	if (c == NULL)
		return 0;
	return *(const uint64_t *)(const void *)((const char *)c + offset);
}

/* Returns the rate at offset in in (a ctl_indicator's), or NULL when there is none. */
const Hotline__Rate *
ctl_rate_at(const Hotline__Indicators *in, size_t offset)
{
	if (in == NULL)
		return NULL;
	return *(Hotline__Rate *const *)(const void *)((const char *)in +
	    offset);
}

/* Returns an indicator's weight in points; 0 without weights. */
double
ctl_indicator_weight(const Hotline__Weights *w, const struct ctl_indicator *k)
{
	if (w == NULL)
		return 0;
	return *(const double *)(const void *)((const char *)w + k->weight);
}

/* Says whether a rate is defined: it has tickets to judge on. */
int
ctl_rate_defined(const Hotline__Rate *r)
{
	return r != NULL && r->denominator > 0;
}

/* Formats a rate as "87.5% (7/8)", or "—" when undefined. */
void
ctl_format_rate(const Hotline__Rate *r, char *out, size_t outlen)
{
	if (!ctl_rate_defined(r))
		snprintf(out, outlen, CTL_DASH);
	else
		snprintf(out, outlen, "%.1f%% (%llu/%llu)", r->value * 100,
		    (unsigned long long)r->numerator,
		    (unsigned long long)r->denominator);
}

/* Formats a rate as "87.5%", or "—" when undefined. */
void
ctl_format_percent(const Hotline__Rate *r, char *out, size_t outlen)
{
	if (!ctl_rate_defined(r))
		snprintf(out, outlen, CTL_DASH);
	else
		snprintf(out, outlen, "%.1f%%", r->value * 100);
}

/* Formats a rate for a spreadsheet as "87.5" (percent), or "" when undefined. */
void
ctl_format_rate_number(const Hotline__Rate *r, char *out, size_t outlen)
{
	if (!ctl_rate_defined(r))
		snprintf(out, outlen, "%s", "");
	else
		snprintf(out, outlen, "%.1f", r->value * 100);
}

/* Formats an average of hours as "2.5", or none when it averages over no tickets (count 0). */
void
ctl_format_hours(double hours, uint64_t count, const char *none, char *out,
    size_t outlen)
{
	if (count == 0)
		snprintf(out, outlen, "%s", none);
	else
		snprintf(out, outlen, "%.1f", hours);
}

/*
 * Formats a deadline's margin in working hours (> 0 early or left, < 0
 * late) as "early by 2.0 wh", "late by 3.5 wh" or, not met yet, "2.0 wh
 * left" (in Chinese: 提前, 超时, 剩 … 工作小时).
 */
void
ctl_format_margin(double hours, int met, char *out, size_t outlen)
{
	if (hours < 0)
		snprintf(out, outlen, CTL_T(S_LATE_BY), -hours);
	else if (met)
		snprintf(out, outlen, CTL_T(S_EARLY_BY), hours);
	else
		snprintf(out, outlen, CTL_T(S_LEFT_WH), hours);
}

/* Writes the month of now in Beijing time, "2026-11": the default period. */
void
ctl_default_period(time_t now, char *out, size_t outlen)
{
	time_t t = now + CTL_UTC_OFFSET;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, outlen, "%Y-%m", &tm) == 0)
		snprintf(out, outlen, "%s", "");
}

/* The relative periods, by their English and Chinese words. */
static const struct {
	const char *en;
	const char *zh;
	char unit;		/* d(ay), w(eek), m(onth), q(uarter), y(ear) */
	int back;		/* 1: the one before */
} ctl_relative[] = {
	{ .en = "today", .zh = "今天", .unit = 'd', .back = 0 },
	{ .en = "yesterday", .zh = "昨天", .unit = 'd', .back = 1 },
	{ .en = "this-week", .zh = "本周", .unit = 'w', .back = 0 },
	{ .en = "last-week", .zh = "上周", .unit = 'w', .back = 1 },
	{ .en = "this-month", .zh = "本月", .unit = 'm', .back = 0 },
	{ .en = "last-month", .zh = "上月", .unit = 'm', .back = 1 },
	{ .en = "this-quarter", .zh = "本季度", .unit = 'q', .back = 0 },
	{ .en = "last-quarter", .zh = "上季度", .unit = 'q', .back = 1 },
	{ .en = "this-year", .zh = "今年", .unit = 'y', .back = 0 },
	{ .en = "last-year", .zh = "去年", .unit = 'y', .back = 1 },
};

/*
 * Writes the period a relative word names at now, Beijing time, as the
 * daemon takes periods: today "2026-12-07", this-week "2026-W49" (ISO),
 * this-month "2026-12", this-quarter "2026-Q4", this-year "2026", and the
 * one before with last- (yesterday for a day); the Chinese words 今天, 本周,
 * 本月, 上月, 本季度, 上季度, 今年, 去年 too. Returns 1 when name was one, else 0
 * (out untouched).
 */
int
ctl_relative_period(const char *name, time_t now, char *out, size_t outlen)
{
	time_t t = now + CTL_UTC_OFFSET;
	struct tm tm;
	size_t i;
	int y, m;

	for (i = 0; i < sizeof ctl_relative / sizeof ctl_relative[0]; i++)
		if (strcmp(name, ctl_relative[i].en) == 0 ||
		    strcmp(name, ctl_relative[i].zh) == 0)
			break;
	if (i == sizeof ctl_relative / sizeof ctl_relative[0])
		return 0;
	if (ctl_relative[i].unit == 'd' || ctl_relative[i].unit == 'w')
		t -= (time_t)ctl_relative[i].back *
		    (ctl_relative[i].unit == 'd' ? 86400 : 7 * 86400);
	if (gmtime_r(&t, &tm) == NULL)
		return 0;
	y = tm.tm_year + 1900;
	m = tm.tm_mon;			/* 0..11 */
	switch (ctl_relative[i].unit) {
	case 'd':
		strftime(out, outlen, "%Y-%m-%d", &tm);
		break;
	case 'w':
		strftime(out, outlen, "%G-W%V", &tm);
		break;
	case 'm':
		m -= ctl_relative[i].back;
		if (m < 0) {
			m += 12;
			y--;
		}
		snprintf(out, outlen, "%04d-%02d", y, m + 1);
		break;
	case 'q':
		m = m / 3 - ctl_relative[i].back;
		if (m < 0) {
			m += 4;
			y--;
		}
		snprintf(out, outlen, "%04d-Q%d", y, m + 1);
		break;
	default:
		snprintf(out, outlen, "%04d", y - ctl_relative[i].back);
	}
	return 1;
}

/*
 * Returns the report's name for a period's form: 季度通报 for a quarter
 * ("2026-Q3"), 月度通报, 年度通报, 周通报, 日通报, or 通报 for a range.
 */
const char *
ctl_report_name(const char *period)
{
	size_t n = strlen(period);

	if (strstr(period, "..") != NULL)
		return "通报";
	if (strstr(period, "-Q") != NULL)
		return "季度通报";
	if (strstr(period, "-W") != NULL)
		return "周通报";
	if (n == 4)
		return "年度通报";
	if (n == 7)
		return "月度通报";
	if (n == 10)
		return "日通报";
	return "通报";
}

/*
 * Returns the columns code point u takes on a terminal, as glibc's
 * wcwidth(3) does in a UTF-8 locale for the text hotlinectl prints: 2 for
 * East Asian Wide and Fullwidth (CJK, Hangul, full-width forms, the common
 * emoji), 0 for combining marks and zero-width spaces, 1 otherwise (East
 * Asian Ambiguous, such as "—", counts 1, as wcwidth says). Checked against
 * wcwidth by test-ctl-i18n.
 */
int
ctl_char_width(unsigned long u)
{
	if ((u >= 0x300 && u <= 0x36f) || (u >= 0x200b && u <= 0x200f) ||
	    (u >= 0xfe00 && u <= 0xfe0f) || u == 0xfeff)
		return 0;
	if ((u >= 0x1100 && u <= 0x115f) || (u >= 0x2e80 && u <= 0x303e) ||
	    (u >= 0x3041 && u <= 0x33ff) || (u >= 0x3400 && u <= 0x4dbf) ||
	    (u >= 0x4e00 && u <= 0x9fff) || (u >= 0xa000 && u <= 0xa4cf) ||
	    (u >= 0xac00 && u <= 0xd7a3) || (u >= 0xf900 && u <= 0xfaff) ||
	    (u >= 0xfe30 && u <= 0xfe4f) || (u >= 0xff00 && u <= 0xff60) ||
	    (u >= 0xffe0 && u <= 0xffe6) || (u >= 0x1f300 && u <= 0x1f64f) ||
	    (u >= 0x1f900 && u <= 0x1f9ff) || (u >= 0x20000 && u <= 0x3fffd))
		return 2;
	return 1;
}

/* Decodes the UTF-8 sequence at *s (leniently) and moves past it; returns the code point. */
static unsigned long
ctl_utf8_next(const unsigned char **s)
{
	unsigned long u = **s;
	int more = u >= 0xf0 ? 3 : u >= 0xe0 ? 2 : u >= 0xc0 ? 1 : 0;

	if (more > 0)
		u &= 0x3fu >> more;
	for ((*s)++; more > 0 && (**s & 0xc0) == 0x80; more--, (*s)++)
		u = u << 6 | (**s & 0x3fu);
	return u;
}

/* Returns how many terminal columns s takes (ctl_char_width of each character). */
size_t
ctl_display_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;

	while (*p != '\0')
		w += (size_t)ctl_char_width(ctl_utf8_next(&p));
	return w;
}

/* Prints s padded with spaces to width columns, on the left if right is set. */
void
ctl_print_padded(FILE *f, const char *s, size_t width, int right)
{
	size_t w = ctl_display_width(s);

	if (right)
		for (; w < width; w++)
			fputc(' ', f);
	fputs(s, f);
	if (!right)
		for (; w < width; w++)
			fputc(' ', f);
}
