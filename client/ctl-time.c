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
#define CTL_DUE_FORMAT "%Y-%m-%d %H:%M:%S %a"	/* a deadline, Beijing time */

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

/*
 * Writes the length of ms (its sign ignored) as "2d3h" (days only if days
 * is set), "12h30m", "45m" or "under 1m".
 */
void
ctl_format_duration(int64_t ms, int days, char *out, size_t outlen)
{
	long long a = ms < 0 ? -(long long)ms : (long long)ms;
	long long d = a / CTL_DAY_MS, h = a % CTL_DAY_MS / CTL_HOUR_MS;
	long long m = a % CTL_HOUR_MS / CTL_MINUTE_MS;

	if (a < CTL_MINUTE_MS)
		snprintf(out, outlen, "under 1m");
	else if (days && d > 0 && h > 0)
		snprintf(out, outlen, "%lldd%lldh", d, h);
	else if (days && d > 0)
		snprintf(out, outlen, "%lldd", d);
	else if (d * 24 + h > 0 && m > 0)
		snprintf(out, outlen, "%lldh%lldm", d * 24 + h, m);
	else if (d * 24 + h > 0)
		snprintf(out, outlen, "%lldh", d * 24 + h);
	else
		snprintf(out, outlen, "%lldm", m);
}

/* Names a limit's measure from its unit: working days, working hours or natural time. */
static const char *
ctl_limit_measure(const char *limit)
{
	size_t n = strlen(limit);

	if (n > 2 && strcmp(limit + n - 2, "wd") == 0)
		return "working days: the start day does not count";
	if (n > 2 && strcmp(limit + n - 2, "wh") == 0)
		return "working hours: business hours on working days";
	return "natural time: around the clock";
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
	const char *verdict = s->counts ? "counts" : "skipped";

	if (first && !s->counts)
		verdict = "start";
	printf("  %s %-3s  %-7s  %s\n", s->date, s->weekday, verdict,
	    s->reason);
}

/* Prints a deadline's start, limit, due time and days. */
static void
ctl_deadline_text(const Hotline__DeadlineRequest *q,
    const Hotline__DeadlineReply *r)
{
	char when[40];
	size_t i;

	ctl_format_local(q->from, CTL_DUE_FORMAT, when, sizeof when);
	printf(CTL_LABEL "%s\n", "from", when);
	printf(CTL_LABEL "%s (%s)\n", "limit", q->limit,
	    ctl_limit_measure(q->limit));
	ctl_format_local(r->due_at, CTL_DUE_FORMAT, when, sizeof when);
	printf(CTL_LABEL "%s\n", "due", when);
	puts("days");
	for (i = 0; i < r->n_steps; i++)
		ctl_print_step(r->steps[i], i == 0);
	if (ctl_deadline_cut(r))
		puts("  (later days not listed)");
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
		return ctl_usage_error(ctl, "--limit %s is not a limit such as "
		    "5wd", q->limit);
	*now = strcmp(from, "now") == 0;
	if (!*now && ctl_parse_local_time(from, &q->from) == -1)
		return ctl_usage_error(ctl, "--from %s is not a Beijing time "
		    "such as 2026-09-30T10:00, or now", from);
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

	ctl_format_local(pong->server_time, CTL_DUE_FORMAT, when, sizeof when);
	printf("clock advanced by %s\n", advance);
	printf(CTL_LABEL "%s  store %s\n", "server time", when,
	    pong->store_ready ? "ready" : "unavailable");
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
		return ctl_usage_error(ctl, "--advance %s is not a duration "
		    "such as 90m, 6h, 3d or 1d6h (natural time)", advance);
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

/* Prints the breach flags (红灯, 黄灯, 签收超时, 督办超时) on one line, if any is set. */
void
ctl_print_breaches(const Hotline__Ticket *t)
{
	const char *flags[4];
	size_t n = 0, i;

	if (t->overdue)
		flags[n++] = ctl_state_done(t->state) ?
		    "红灯 超期 OVERDUE: completed late" : "红灯 超期 OVERDUE";
	else if (t->warned)
		flags[n++] = ctl_state_done(t->state) ? "黄灯 warned" :
		    "黄灯 WARNING: due soon";
	if (t->sign_overdue)
		flags[n++] = "签收超时 SIGN OVERDUE";
	if (t->supervision != NULL && t->supervision->overdue)
		flags[n++] = "督办超时 SUPERVISION OVERDUE";
	if (n == 0)
		return;
	printf(CTL_LABEL, "breach");
	for (i = 0; i < n; i++)
		printf("%s%s", i == 0 ? "" : "; ", flags[i]);
	putchar('\n');
}

/* Prints one deadline as "label  time weekday (name)" when it is set. */
static void
ctl_print_due(const char *label, int64_t ms, const char *name)
{
	char when[40];

	if (ms == 0)
		return;
	ctl_format_local(ms, CTL_DUE_FORMAT, when, sizeof when);
	printf(CTL_LABEL "%s (%s)\n", label, when, name);
}

/* Prints the completion clock's time left: "12h30m left (working time)", "3h late". */
static void
ctl_print_left(const Hotline__Ticket *t)
{
	int working = ctl_working_limit(t);
	char d[32];

	if (t->remaining_ms == 0 && t->overdue) {
		fputs(working ? "past due (no working time since)" : "past due",
		    stdout);
		return;
	}
	ctl_format_duration(t->remaining_ms, !working, d, sizeof d);
	printf("%s %s%s", d, t->remaining_ms < 0 ? "late" : "left",
	    working ? " (working time)" : "");
}

/* Prints the completion deadline (办结时限), its limit and, while it runs or is stopped, the time left. */
static void
ctl_print_complete_due(const Hotline__Ticket *t)
{
	const char *limit = t->complete_limit;
	char when[40];
	int suspended;

	suspended = t->state == HOTLINE__TICKET_STATE__TICKET_STATE_SUSPENDED;
	if (t->complete_due_at == 0 && !(suspended && t->remaining_ms != 0))
		return;
	ctl_format_local(t->complete_due_at, CTL_DUE_FORMAT, when, sizeof when);
	printf(CTL_LABEL "%s (办结时限%s%s)", "complete due", when,
	    limit != NULL && limit[0] != '\0' ? " " : "",
	    limit != NULL ? limit : "");
	if (suspended) {
		fputs(": clock stopped 挂起, ", stdout);
		ctl_print_left(t);
		fputs(" on resume", stdout);
	} else if (ctl_state_open(t->state)) {
		fputs(": ", stdout);
		ctl_print_left(t);
	}
	putchar('\n');
}

/* Prints each deadline that is set, as Beijing time, with the completion clock's time left. */
void
ctl_print_deadlines(const Hotline__Ticket *t)
{
	ctl_print_due("sign due", t->sign_due_at, t->sign_overdue ?
	    "签收时限, 签收超时 missed" : "签收时限");
	ctl_print_complete_due(t);
	ctl_print_due("warning at", t->warn_at, t->warned ?
	    "黄灯, reached" : "黄灯");
	ctl_print_due("return until", t->return_until, "退单期限");
	ctl_print_due("callback due", t->callback_due_at, "回访时限");
}

/* Prints a list line's due marker, "due 11-28 18:00 红灯  ", or nothing. */
void
ctl_print_due_marker(const Hotline__Ticket *t)
{
	const char *light = t->overdue ? "红灯" : t->warned ? "黄灯" : NULL;
	char when[16];
	int shown = 0;

	if (t->complete_due_at != 0 && ctl_state_open(t->state)) {
		ctl_format_local(t->complete_due_at, "%m-%d %H:%M", when,
		    sizeof when);
		printf("due %s", when);
		shown = 1;
	}
	if (light != NULL)
		printf("%s%s", shown++ ? " " : "", light);
	if (t->sign_overdue &&
	    t->state == HOTLINE__TICKET_STATE__TICKET_STATE_DISPATCHED)
		printf("%s签收超时", shown++ ? " " : "");
	if (shown)
		fputs("  ", stdout);
}
