/* hotlinectl's words for a deadline's days: DeadlineStep's structured reason (reason_code and the fields beside it) in Chinese or English, and weekday names. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"

/* The daemon's weekday names (deadline.c) and their Chinese. */
static const char *const ctl_weekdays[][2] = {
	{ "Mon", "周一" }, { "Tue", "周二" }, { "Wed", "周三" },
	{ "Thu", "周四" }, { "Fri", "周五" }, { "Sat", "周六" },
	{ "Sun", "周日" },
};

/* Returns the weekday name w in the language in force. */
const char *
ctl_weekday(const char *w)
{
	size_t i;

	if (ctl_lang == CTL_LANG_EN)
		return w;
	for (i = 0; i < sizeof ctl_weekdays / sizeof ctl_weekdays[0]; i++)
		if (strcmp(ctl_weekdays[i][0], w) == 0)
			return ctl_weekdays[i][1];
	return w;
}

/* Formats ms as a deadline: "2026-12-21 18:00:00 +08:00 Mon" (周一 in Chinese); 0 is "-". */
void
ctl_format_due(int64_t ms, char *out, size_t outlen)
{
	char day[8];
	size_t n;

	ctl_format_local(ms, "%Y-%m-%d %H:%M:%S +08:00", out, outlen);
	if (ms == 0)
		return;
	ctl_format_local(ms, "%a", day, sizeof day);
	n = strlen(out);
	if (n < outlen)
		snprintf(out + n, outlen - n, " %s", ctl_weekday(day));
}

#define REASON(c) HOTLINE__DEADLINE_REASON__DEADLINE_REASON_##c
#define DAY(k) HOTLINE__DEADLINE_DAY__DEADLINE_DAY_##k
#define POS(p) HOTLINE__DEADLINE_START__DEADLINE_START_##p

/* Where a working-hours period starts in its day, in both languages. */
static const struct ctl_name ctl_positions[] = {
	{ .value = POS(BEFORE_HOURS), .en = "before business hours",
	    .zh = "上班前" },
	{ .value = POS(DURING_HOURS), .en = "during business hours",
	    .zh = "办公时间内" },
	{ .value = POS(BREAK), .en = "break between business hours",
	    .zh = "午间休息" },
	{ .value = POS(AFTER_HOURS), .en = "after business hours",
	    .zh = "下班后" },
	{ .value = 0, .en = NULL, .zh = NULL }
};

/* Appends a phrase to out: "，" or ", " before it unless out is empty. */
static void __attribute__((format(printf, 3, 4)))
ctl_phrase(char *out, size_t outlen, const char *fmt, ...)
{
	size_t n = strlen(out);
	va_list ap;

	if (n > 0 && n + 3 < outlen) {
		n += (size_t)snprintf(out + n, outlen - n, "%s",
		    ctl_lang == CTL_LANG_EN ? ", " : "，");
	}
	if (n >= outlen)
		return;
	va_start(ap, fmt);
	vsnprintf(out + n, outlen - n, fmt, ap);
	va_end(ap);
}

/* Appends what kind of day s is (weekend, holiday 国庆节, ...). */
static void
ctl_day_phrase(const Hotline__DeadlineStep *s, char *out, size_t outlen)
{
	int en = ctl_lang == CTL_LANG_EN;

	switch (s->day_kind) {
	case DAY(WORKING):
		ctl_phrase(out, outlen, "%s", en ? "working day" : "工作日");
		break;
	case DAY(WEEKEND):
		ctl_phrase(out, outlen, "%s", en ? "weekend" : "周末");
		break;
	case DAY(NO_HOURS):
		ctl_phrase(out, outlen, en ? "no business hours on %s" :
		    "%s无办公时间", ctl_weekday(s->weekday));
		break;
	case DAY(HOLIDAY):
		ctl_phrase(out, outlen, en ? "holiday %s" : "节假日 %s",
		    s->holiday_name);
		if (s->statutory_only)
			ctl_phrase(out, outlen, "%s", en ? "statutory, the "
			    "year's notice not out yet" : "法定节假日，当年放假"
			    "通知尚未发布");
		break;
	case DAY(MAKEUP):
		ctl_phrase(out, outlen, en ? "make-up working day for %s" :
		    "调休上班 %s", s->holiday_name);
		break;
	default:
		break;
	}
}

/* Appends when the period ends on s's day: at close of business (working days) or at a time. */
static void
ctl_due_phrase(const Hotline__DeadlineStep *s, char *out, size_t outlen)
{
	char clock[16];

	if (s->due_at == 0)
		return;
	ctl_format_local(s->due_at, "%H:%M", clock, sizeof clock);
	if (s->reason_code == REASON(WORKING_DAY))
		ctl_phrase(out, outlen, ctl_lang == CTL_LANG_EN ?
		    "due at close of business %s" : "下班时 %s 到期", clock);
	else
		ctl_phrase(out, outlen, ctl_lang == CTL_LANG_EN ? "due %s" :
		    "%s 到期", clock);
}

/*
 * Writes why step s counts or not in the language in force, from its
 * reason_code and the fields beside it. A daemon older than reason_code
 * sent only its English reason: that is written as it came.
 */
void
ctl_reason(const Hotline__DeadlineStep *s, char *out, size_t outlen)
{
	int en = ctl_lang == CTL_LANG_EN;
	char kind[128] = "", took[32];

	out[0] = '\0';
	switch (s->reason_code) {
	case REASON(START_DAY):
		ctl_day_phrase(s, kind, sizeof kind);
		snprintf(out, outlen, en ? "start day (%s), not counted (Civil "
		    "Code art. 201)" : "起算日（%s），不计入（民法典第二百零一条）",
		    kind);
		break;
	case REASON(WORKING_DAY):
		ctl_phrase(out, outlen, en ? "working day %d of %d" :
		    "第 %d 个工作日（共 %d 个）", s->ordinal, s->amount);
		if (s->day_kind == DAY(MAKEUP))
			ctl_day_phrase(s, out, outlen);
		ctl_due_phrase(s, out, outlen);
		break;
	case REASON(DAY_OFF):
		ctl_day_phrase(s, out, outlen);
		break;
	case REASON(WORKING_HOURS):
		if (s->day_kind != DAY(WORKING))
			ctl_day_phrase(s, out, outlen);
		if (s->position != POS(UNSPECIFIED))
			ctl_phrase(out, outlen, "%s", ctl_name(ctl_positions,
			    s->position));
		if (s->counted_ms > 0) {
			ctl_duration_text(s->counted_ms, 0, ctl_lang, took,
			    sizeof took);
			ctl_phrase(out, outlen, en ? "counted %s" : "计入 %s",
			    took);
		}
		ctl_due_phrase(s, out, outlen);
		break;
	case REASON(NATURAL):
		snprintf(out, outlen, "%s", en ? "natural time: weekends and "
		    "holidays count" : "自然时间：周末和节假日照常计算");
		break;
	default:
		snprintf(out, outlen, "%s", s->reason);
		break;
	}
}
