/* hotlinectl's Chinese of the daemon's deadline explanation (DeadlineStep.weekday and .reason, written in English): phrase by phrase, unknown phrases kept as they are. */
#include <stdio.h>
#include <string.h>

#include "ctl.h"

/* The daemon's weekday names (deadline.c) and their Chinese. */
static const char *const ctl_weekdays[][2] = {
	{ "Mon", "周一" }, { "Tue", "周二" }, { "Wed", "周三" },
	{ "Thu", "周四" }, { "Fri", "周五" }, { "Sat", "周六" },
	{ "Sun", "周日" },
};

/*
 * The phrases of deadline.c's explanation: English with at most one "%s"
 * (the rest of the phrase, a name, a time or "N of M"), and its Chinese.
 * Matched by prefix; the first match wins, so longer prefixes come first.
 */
static const struct {
	const char *en;		/* the fixed beginning of the phrase */
	const char *zh;		/* printf format of the rest, "%s" */
} ctl_phrases[] = {
	{ .en = "working day ", .zh = "第 %s 个工作日" },
	{ .en = "working day", .zh = "工作日%s" },
	{ .en = "weekend", .zh = "周末%s" },
	{ .en = "no business hours on ", .zh = "%s无办公时间" },
	{ .en = "holiday ", .zh = "节假日 %s" },
	{ .en = "statutory", .zh = "法定节假日%s" },
	{ .en = "the year's notice not out yet", .zh = "当年放假通知尚未发布%s" },
	{ .en = "调休 working day ", .zh = "调休上班 %s" },
	{ .en = "due at close of business ", .zh = "下班时 %s 到期" },
	{ .en = "before business hours", .zh = "上班前%s" },
	{ .en = "after business hours", .zh = "下班后%s" },
	{ .en = "during business hours", .zh = "办公时间内%s" },
	{ .en = "break between business hours", .zh = "午间休息%s" },
	{ .en = "counted ", .zh = "计入 %s" },
	{ .en = "due ", .zh = "%s 到期" },
};

/* The start day's phrase around the kind of day: "start day (", "), not counted (民法典 art. 201)". */
#define CTL_START_OPEN "start day ("
#define CTL_START_CLOSE "), not counted (民法典 art. 201)"

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

/* Appends the Chinese of one phrase (len bytes at p) to out. */
static void
ctl_phrase_zh(const char *p, size_t len, char *out, size_t outlen)
{
	char rest[256], *o = out + strlen(out);
	size_t i, n, room = outlen - (size_t)(o - out);
	char *of;

	for (i = 0; i < sizeof ctl_phrases / sizeof ctl_phrases[0]; i++) {
		n = strlen(ctl_phrases[i].en);
		if (n > len || strncmp(p, ctl_phrases[i].en, n) != 0)
			continue;
		snprintf(rest, sizeof rest, "%.*s", (int)(len - n), p + n);
		if (ctl_weekday(rest) != rest)	/* "no business hours on Mon" */
			snprintf(rest, sizeof rest, "%s", ctl_weekday(rest));
		if (i == 0 && (of = strstr(rest, " of ")) != NULL) {
			/* "working day 3 of 5" */
			*of = '\0';
			snprintf(o, room, "第 %s 个工作日（共 %s 个）", rest,
			    of + 4);
			return;
		}
		if (i == 0)
			continue;
		snprintf(o, room, ctl_phrases[i].zh, rest);
		return;
	}
	snprintf(o, room, "%.*s", (int)len, p);
}

/* Appends the Chinese of a list of phrases joined by ", " to out. */
static void
ctl_phrases_zh(const char *s, size_t len, char *out, size_t outlen)
{
	const char *end = s + len, *comma;
	size_t n;

	while (s < end) {
		comma = strstr(s, ", ");
		if (comma == NULL || comma > end)
			comma = end;
		ctl_phrase_zh(s, (size_t)(comma - s), out, outlen);
		s = comma < end ? comma + 2 : end;
		n = strlen(out);
		if (s < end && n + 1 < outlen)
			snprintf(out + n, outlen - n, "，");
	}
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

/*
 * Writes a step's reason in the language in force: as the daemon wrote it
 * in English, else in Chinese phrase by phrase (a phrase it does not know
 * stays as written).
 */
void
ctl_reason(const char *reason, char *out, size_t outlen)
{
	size_t len = strlen(reason), open = strlen(CTL_START_OPEN),
	    close = strlen(CTL_START_CLOSE), n;

	out[0] = '\0';
	if (ctl_lang == CTL_LANG_EN) {
		snprintf(out, outlen, "%s", reason);
		return;
	}
	if (len > open + close && strncmp(reason, CTL_START_OPEN, open) == 0 &&
	    strcmp(reason + len - close, CTL_START_CLOSE) == 0) {
		snprintf(out, outlen, "起算日（");
		ctl_phrases_zh(reason + open, len - open - close, out, outlen);
		n = strlen(out);
		snprintf(out + n, outlen - n, "），不计入（民法典第二百零一条）");
		return;
	}
	ctl_phrases_zh(reason, len, out, outlen);
}
