/* hotlinectl's time (限时办结): the deadline and clock commands, and a ticket's deadlines in text. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctl.h"

#define CTL_SECOND_MS 1000LL
#define CTL_MINUTE_MS (60 * CTL_SECOND_MS)
#define CTL_HOUR_MS (60 * CTL_MINUTE_MS)
#define CTL_DAY_MS (24 * CTL_HOUR_MS)
#define CTL_MAX_ADVANCE 100000LL	/* clock --advance: days at most */

/* The units of a natural duration (clock --advance). */
static const struct {
	char suffix;
	int64_t ms;
} ctl_units[] = {
	{ 's', CTL_SECOND_MS },
	{ 'm', CTL_MINUTE_MS },
	{ 'h', CTL_HOUR_MS },
	{ 'd', CTL_DAY_MS },
};

/* Reads exactly n digits at *s into *out and moves past them; returns 0 or -1. */
static int
ctl_digits(const char **s, int n, int *out)
{
	int v = 0;

	for (; n > 0; n--, (*s)++) {
		if (**s < '0' || **s > '9')
			return -1;
		v = v * 10 + (**s - '0');
	}
	*out = v;
	return 0;
}

/* Moves past one character of set at *s; returns 0, or -1 if another is there. */
static int
ctl_separator(const char **s, const char *set)
{
	if (**s == '\0' || strchr(set, **s) == NULL)
		return -1;
	(*s)++;
	return 0;
}

/* Reads "YYYY-MM-DD[T ]HH:MM[:SS]" into tm as written, unchecked; returns 0 or -1. */
static int
ctl_scan_local(const char *s, struct tm *tm)
{
	memset(tm, 0, sizeof *tm);
	if (ctl_digits(&s, 4, &tm->tm_year) == -1 ||
	    ctl_separator(&s, "-") == -1 ||
	    ctl_digits(&s, 2, &tm->tm_mon) == -1 ||
	    ctl_separator(&s, "-") == -1 ||
	    ctl_digits(&s, 2, &tm->tm_mday) == -1 ||
	    ctl_separator(&s, "T ") == -1 ||
	    ctl_digits(&s, 2, &tm->tm_hour) == -1 ||
	    ctl_separator(&s, ":") == -1 ||
	    ctl_digits(&s, 2, &tm->tm_min) == -1)
		return -1;
	if (*s == ':' && (ctl_separator(&s, ":") == -1 ||
	    ctl_digits(&s, 2, &tm->tm_sec) == -1))
		return -1;
	tm->tm_year -= 1900;
	tm->tm_mon -= 1;
	return *s == '\0' ? 0 : -1;
}

/*
 * Parses Beijing time (UTC+8, no daylight saving) "YYYY-MM-DDTHH:MM", with
 * a space for the T and ":SS" allowed, into ms since the epoch, whatever
 * the machine's time zone. Returns 0, or -1 if s is not such a time or is
 * not after the epoch.
 */
int
ctl_parse_local_time(const char *s, int64_t *ms)
{
	struct tm tm, norm;
	time_t t;

	if (ctl_scan_local(s, &tm) == -1 || tm.tm_sec > 59)
		return -1;
	norm = tm;
	if ((t = timegm(&norm)) == (time_t)-1 || norm.tm_year != tm.tm_year ||
	    norm.tm_mon != tm.tm_mon || norm.tm_mday != tm.tm_mday ||
	    norm.tm_hour != tm.tm_hour || norm.tm_min != tm.tm_min)
		return -1;	/* timegm moved it: no such date or time */
	*ms = ((int64_t)t - CTL_UTC_OFFSET) * 1000;
	return *ms > 0 ? 0 : -1;
}

/* Reads one "<number><unit>" of a duration at *s into *ms and moves past it; returns 0 or -1. */
static int
ctl_duration_part(const char **s, int64_t *ms)
{
	size_t digits = strspn(*s, "0123456789"), i;
	unsigned long v;
	char num[16];

	if (digits == 0 || digits >= sizeof num)
		return -1;
	memcpy(num, *s, digits);
	num[digits] = '\0';
	if (ctl_parse_number(num, CTL_MAX_ADVANCE * 86400, &v) == -1)
		return -1;	/* more than that many seconds is too long anyway */
	for (i = 0; i < sizeof ctl_units / sizeof ctl_units[0]; i++) {
		if ((*s)[digits] == ctl_units[i].suffix) {
			*ms = (int64_t)v * ctl_units[i].ms;
			*s += digits + 1;
			return 0;
		}
	}
	return -1;
}

/*
 * Parses a natural duration, one or more "<number><unit>" with the units
 * s, m, h and d ("90m", "6h", "1d6h"), into ms; returns 0, or -1 if it is
 * not one, is zero or is longer than CTL_MAX_ADVANCE days.
 */
static int
ctl_parse_duration(const char *s, int64_t *ms)
{
	int64_t part, total = 0;

	if (*s == '\0')
		return -1;
	while (*s != '\0') {
		if (ctl_duration_part(&s, &part) == -1)
			return -1;
		total += part;
		if (total > CTL_MAX_ADVANCE * CTL_DAY_MS)
			return -1;
	}
	*ms = total;
	return total > 0 ? 0 : -1;
}

/* Writes the length of ms (its sign ignored) in the language in force: ctl_duration_text. */
void
ctl_format_duration(int64_t ms, int days, char *out, size_t outlen)
{
	ctl_duration_text(ms, days, ctl_lang, out, outlen);
}

/* Names a limit's measure from its unit: working days, working hours or natural time. */
static const char *
ctl_limit_measure(const char *limit)
{
	size_t n = strlen(limit);

	if (n > 2 && strcmp(limit + n - 2, "wd") == 0)
		return CTL_T(T_WD);
	if (n > 2 && strcmp(limit + n - 2, "wh") == 0)
		return CTL_T(T_WH);
	return CTL_T(T_NATURAL);
}

/* Asks the daemon for its clock (a test installation's may be moved); returns 0 or an exit status. */
static int
ctl_server_time(struct ctl *ctl, int64_t *ms)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT, *reply;
	Hotline__Ping ping = HOTLINE__PING__INIT;
	int rc;

	req.body_case = HOTLINE__ENVELOPE__BODY_PING;
	req.ping = &ping;
	if ((rc = ctl_call(ctl, &req, HOTLINE__ENVELOPE__BODY_PONG,
	    &reply)) != 0)
		return rc;
	*ms = reply->pong->server_time;
	hl_envelope_free(reply);
	return 0;
}

/* Says whether the daemon's explanation stops before the due day. */
static int
ctl_deadline_cut(const Hotline__DeadlineReply *r)
{
	char due[16], before[16];
	const char *last;

	if (r->n_steps == 0)
		return 0;
	last = r->steps[r->n_steps - 1]->date;
	ctl_format_local(r->due_at, "%Y-%m-%d", due, sizeof due);
	ctl_format_local(r->due_at - 1, "%Y-%m-%d", before, sizeof before);
	return strcmp(last, due) != 0 && strcmp(last, before) != 0;
}

/* Prints one day of the explanation: date, weekday, whether it counts, why. */
static void
ctl_print_step(const Hotline__DeadlineStep *s, int first)
{
	const char *verdict = s->counts ? CTL_T(T_COUNTS) : CTL_T(T_SKIPPED);
	char reason[512];

	if (first && !s->counts)
		verdict = CTL_T(T_START);
	ctl_reason(s, reason, sizeof reason);
	printf("  %s %-3s  ", s->date, ctl_weekday(s->weekday));
	ctl_print_padded(stdout, verdict, 7, 0);
	printf("  %s%s\n", reason, !s->provisional ? "" :
	    ctl_lang == CTL_LANG_EN ? " [provisional]" : " [暂定]");
}

/* Prints a deadline's start, limit, due time and days. */
static void
ctl_deadline_text(const Hotline__DeadlineRequest *q,
    const Hotline__DeadlineReply *r)
{
	char when[40];
	size_t i;

	ctl_format_due(q->from, when, sizeof when);
	ctl_label(CTL_T(T_FROM));
	printf("%s\n", when);
	ctl_label(CTL_T(T_LIMIT));
	printf(ctl_lang == CTL_LANG_EN ? "%s (%s)\n" : "%s（%s）\n", q->limit,
	    ctl_limit_measure(q->limit));
	ctl_format_due(r->due_at, when, sizeof when);
	ctl_label(CTL_T(T_DUE));
	printf("%s%s\n", when, !r->provisional ? "" :
	    ctl_lang == CTL_LANG_EN ? "  PROVISIONAL: a year without its holiday "
	    "notice; the notice's make-up days may move it" :
	    "  暂定：该年度放假通知尚未发布，调休安排可能使其变动");
	puts(CTL_T(T_DAYS));
	for (i = 0; i < r->n_steps; i++)
		ctl_print_step(r->steps[i], i == 0);
	if (ctl_deadline_cut(r))
		puts(CTL_T(T_LATER));
}

/* Parses deadline's options into q; returns 0 or a usage status. */
static int
ctl_deadline_options(const struct ctl *ctl, int argc, char **argv,
    Hotline__DeadlineRequest *q, int *now)
{
	char *from = NULL;
	const struct ctl_opt opts[] = {
		{ "from", &from, NULL, 1 },
		{ "limit", &q->limit, NULL, 1 },
		{ NULL, NULL, NULL, 0 }
	};
	int rc;

	if ((rc = ctl_parse(ctl, argc, argv, opts, 0)) != 0)
		return rc;
	if (!ctl_time_limit_valid(q->limit))
		return ctl_usage_error(ctl, "--limit %s" CTL_NOT_LIMIT("5wd"),
		    q->limit);
	*now = strcmp(from, "now") == 0;
	if (!*now && ctl_parse_local_time(from, &q->from) == -1)
		return ctl_usage_error(ctl, "--from %s" ZH_EN(" 不是北京时间（如 "
		    "2026-09-30T10:00）或 now", " is not a Beijing time such as "
		    "2026-09-30T10:00, or now"), from);
	return 0;
}

/* deadline --from TIME --limit LIMIT: the due time and each day counted or skipped. */
int
ctl_deadline(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT, *reply;
	Hotline__DeadlineRequest q = HOTLINE__DEADLINE_REQUEST__INIT;
	int now = 0, rc;

	if ((rc = ctl_deadline_options(ctl, argc, argv, &q, &now)) != 0)
		return rc;
	if ((rc = ctl_open(ctl)) != 0)
		return rc;
	if (now && (rc = ctl_server_time(ctl, &q.from)) != 0)
		return rc;
	req.body_case = HOTLINE__ENVELOPE__BODY_DEADLINE;
	req.deadline = &q;
	if ((rc = ctl_call(ctl, &req, HOTLINE__ENVELOPE__BODY_DEADLINE_REPLY,
	    &reply)) != 0)
		return rc;
	if (ctl->json)
		rc = ctl_print_json(&reply->deadline_reply->base, 0);
	else
		ctl_deadline_text(&q, reply->deadline_reply);
	hl_envelope_free(reply);
	return rc;
}

/* Prints the daemon's clock after it was moved forward by advance. */
static void
ctl_clock_text(const char *advance, const Hotline__Pong *pong)
{
	char when[40];

	ctl_format_due(pong->server_time, when, sizeof when);
	printf(CTL_T(T_ADVANCED), advance);
	putchar('\n');
	ctl_label(CTL_T(T_SERVER_TIME));
	printf("%s  ", when);
	printf(CTL_T(T_STORE), pong->store_ready ? CTL_T(STORE_READY) :
	    CTL_T(STORE_DOWN));
	putchar('\n');
}

/* clock --advance DURATION: moves a test installation's clock forward (admin). */
int
ctl_clock(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT, *reply;
	Hotline__ShiftClockRequest sc = HOTLINE__SHIFT_CLOCK_REQUEST__INIT;
	char *advance = NULL;
	const struct ctl_opt opts[] = {
		{ "advance", &advance, NULL, 1 },
		{ NULL, NULL, NULL, 0 }
	};
	int rc;

	if ((rc = ctl_parse(ctl, argc, argv, opts, 0)) != 0)
		return rc;
	if (ctl_parse_duration(advance, &sc.advance_ms) == -1)
		return ctl_usage_error(ctl, "--advance %s" ZH_EN(" 不是时长（自然"
		    "时间，如 90m、6h、3d 或 1d6h）", " is not a duration such as "
		    "90m, 6h, 3d or 1d6h (natural time)"), advance);
	req.body_case = HOTLINE__ENVELOPE__BODY_SHIFT_CLOCK;
	req.shift_clock = &sc;
	if ((rc = ctl_open(ctl)) != 0 || (rc = ctl_call(ctl, &req,
	    HOTLINE__ENVELOPE__BODY_PONG, &reply)) != 0)
		return rc;
	if (ctl->json)
		rc = ctl_print_json(&reply->pong->base, 0);
	else
		ctl_clock_text(advance, reply->pong);
	hl_envelope_free(reply);
	return rc;
}

/* Says whether a department works on a ticket in state s: its clocks run or are stopped. */
static int
ctl_state_open(Hotline__TicketState s)
{
	return s == HOTLINE__TICKET_STATE__TICKET_STATE_DISPATCHED ||
	    s == HOTLINE__TICKET_STATE__TICKET_STATE_ACCEPTED ||
	    s == HOTLINE__TICKET_STATE__TICKET_STATE_SUSPENDED;
}

/* Says whether the departments are done with a ticket in state s (replied or later). */
static int
ctl_state_done(Hotline__TicketState s)
{
	return s == HOTLINE__TICKET_STATE__TICKET_STATE_REPLIED ||
	    s == HOTLINE__TICKET_STATE__TICKET_STATE_AWAITING_CALLBACK ||
	    s == HOTLINE__TICKET_STATE__TICKET_STATE_CLOSED;
}

/* Says whether a ticket's completion limit is working time (wh, wd). */
static int
ctl_working_limit(const Hotline__Ticket *t)
{
	const char *l = t->complete_limit;
	size_t n = l != NULL ? strlen(l) : 0;

	return n > 2 && l[n - 2] == 'w';
}

/* Prints the breach flags (红灯, 黄灯, 签收超时, 督办超时, 回访超时) on one line, if any is set. */
void
ctl_print_breaches(const Hotline__Ticket *t)
{
	const char *flags[5];
	size_t n = 0, i;

	if (t->overdue)
		flags[n++] = ctl_state_done(t->state) ? CTL_T(RED_LATE) :
		    CTL_T(RED);
	else if (t->warned)
		flags[n++] = ctl_state_done(t->state) ? CTL_T(YELLOW_PASSED) :
		    CTL_T(YELLOW);
	if (t->sign_overdue)
		flags[n++] = CTL_T(SIGN_OVERDUE);
	if (t->supervision != NULL && t->supervision->overdue)
		flags[n++] = CTL_T(SUPERVISION_OVERDUE);
	if (t->callback_overdue)
		flags[n++] = CTL_T(CALLBACK_OVERDUE);
	if (n == 0)
		return;
	ctl_label(CTL_T(BREACH));
	for (i = 0; i < n; i++)
		printf("%s%s", i == 0 ? "" : "; ", flags[i]);
	putchar('\n');
}

/* Prints one deadline as "label  time weekday (note)" when it is set. */
static void
ctl_print_due(const char *label, int64_t ms, const char *note)
{
	char when[40];

	if (ms == 0)
		return;
	ctl_format_due(ms, when, sizeof when);
	ctl_label(label);
	printf("%s%s%s\n", when, note != NULL ? "  " : "", note != NULL ?
	    note : "");
}

/* Writes the completion clock's time left: "12h30m left (working time)", "3h late", "past due". */
static void
ctl_format_left(const Hotline__Ticket *t, char *out, size_t outlen)
{
	int working = ctl_working_limit(t);
	char d[32];
	size_t n;

	if (t->remaining_ms == 0 && t->overdue) {
		snprintf(out, outlen, "%s", working ? CTL_T(PAST_DUE_WORKING) :
		    CTL_T(PAST_DUE));
		return;
	}
	ctl_format_duration(t->remaining_ms, !working, d, sizeof d);
	snprintf(out, outlen, t->remaining_ms < 0 ? CTL_T(LATE) : CTL_T(LEFT),
	    d);
	n = strlen(out);
	if (working && n < outlen)
		snprintf(out + n, outlen - n, "%s", CTL_T(WORKING_TIME));
}

/* Prints the completion deadline (办结时限), its limit and, while it runs or is stopped, the time left. */
static void
ctl_print_complete_due(const Hotline__Ticket *t)
{
	char when[40], left[96], limit[64];
	int suspended;

	suspended = t->state == HOTLINE__TICKET_STATE__TICKET_STATE_SUSPENDED;
	if (t->complete_due_at == 0 && !(suspended && t->remaining_ms != 0))
		return;
	ctl_format_due(t->complete_due_at, when, sizeof when);
	ctl_label(CTL_T(COMPLETE_DUE));
	ctl_limit_text(t->complete_limit != NULL ? t->complete_limit : "",
	    limit, sizeof limit);
	printf("%s%s%s", when, limit[0] != '\0' ? "  " : "", limit);
	ctl_format_left(t, left, sizeof left);
	if (suspended) {
		fputs("  ", stdout);
		printf(CTL_T(CLOCK_STOPPED), left);
	} else if (ctl_state_open(t->state))
		printf("  %s", left);
	putchar('\n');
}

/* Prints each deadline that is set, as Beijing time, with the completion clock's time left. */
void
ctl_print_deadlines(const Hotline__Ticket *t)
{
	ctl_print_due(CTL_T(SIGN_DUE), t->sign_due_at, t->sign_overdue ?
	    CTL_T(MISSED) : NULL);
	ctl_print_complete_due(t);
	ctl_print_due(CTL_T(WARNING_AT), t->warn_at, t->warned ?
	    CTL_T(REACHED) : NULL);
	ctl_print_due(CTL_T(RETURN_UNTIL), t->return_until, NULL);
	ctl_print_due(CTL_T(CALLBACK_DUE), t->callback_due_at,
	    t->callback_overdue ? CTL_T(MISSED) : NULL);
	if (t->deadlines_provisional)
		ctl_print_provisional();
}

/* Prints the line that marks a ticket's deadlines as provisional (show, timeline). */
void
ctl_print_provisional(void)
{
	ctl_label(ctl_lang == CTL_LANG_EN ? "calendar" : "日历");
	puts(ctl_lang == CTL_LANG_EN ? "PROVISIONAL: a deadline above runs "
	    "over a year without its holiday notice; the notice may move "
	    "it (the history will say)" : "暂定：以上时限跨越尚未发布放假"
	    "通知的年度，通知发布后可能变动（历史记录会说明）");
}

/* Formats ms as a short Beijing time with its zone: "12-21 18:00 北京时间" ("… CST" in English); 0 is "-". */
void
ctl_format_short(int64_t ms, char *out, size_t outlen)
{
	size_t n;

	ctl_format_local(ms, "%m-%d %H:%M", out, outlen);
	n = strlen(out);
	if (ms != 0 && n < outlen)
		snprintf(out + n, outlen - n, " %s", ctl_lang == CTL_LANG_EN ?
		    "CST" : "北京时间");
}

/* Appends one piece to a list cell, a space between pieces. */
static void
ctl_cell_add(char *out, size_t outlen, const char *piece)
{
	size_t n = strlen(out);

	if (n < outlen)
		snprintf(out + n, outlen - n, "%s%s", n > 0 ? " " : "", piece);
}

/*
 * Writes a list line's deadline cell: the deadline that matters in the
 * ticket's state (sign by while dispatched, the completion due with the
 * time left while a department works on it, the callback due while it
 * awaits one), then 红灯/黄灯 and 签收超时; "" when none applies.
 */
void
ctl_list_due(const Hotline__Ticket *t, char *out, size_t outlen)
{
	char when[32], piece[96];

	out[0] = '\0';
	if (t->state == HOTLINE__TICKET_STATE__TICKET_STATE_DISPATCHED &&
	    t->sign_due_at != 0 && !t->sign_overdue) {
		ctl_format_short(t->sign_due_at, when, sizeof when);
		snprintf(piece, sizeof piece, CTL_T(SIGN_BY), when);
		ctl_cell_add(out, outlen, piece);
	}
	if ((t->complete_due_at != 0 || t->remaining_ms != 0) &&
	    ctl_state_open(t->state)) {
		ctl_format_short(t->complete_due_at, when, sizeof when);
		snprintf(piece, sizeof piece, CTL_T(COMPLETE_BY), when);
		ctl_cell_add(out, outlen, piece);
		ctl_format_left(t, piece, sizeof piece);
		ctl_cell_add(out, outlen, piece);
	}
	if (t->state == HOTLINE__TICKET_STATE__TICKET_STATE_AWAITING_CALLBACK &&
	    t->callback_due_at != 0) {
		ctl_format_short(t->callback_due_at, when, sizeof when);
		snprintf(piece, sizeof piece, CTL_T(CALLBACK_BY), when);
		ctl_cell_add(out, outlen, piece);
	}
	if (t->overdue || t->warned)
		ctl_cell_add(out, outlen, t->overdue ? CTL_T(MARK_RED) :
		    CTL_T(MARK_YELLOW));
	if (t->sign_overdue &&
	    t->state == HOTLINE__TICKET_STATE__TICKET_STATE_DISPATCHED)
		ctl_cell_add(out, outlen, CTL_T(SIGN_OVERDUE));
}
