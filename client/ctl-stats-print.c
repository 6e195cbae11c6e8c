/* hotlinectl's readable text of supervision answers: scorecard, ranking, hot spots, overdue and 预警 lists, breaches, a ticket's SLA timeline. */
#include <stdio.h>
#include <string.h>

#include "ctl-stats.h"

#define CTL_RATE_COLUMN 10	/* columns of a rate in the ranking */
#define CTL_DEPT_COLUMN 12	/* at least this many columns for a department */

/* The kinds of deadlines and breaches: English, Chinese, the breach's Chinese. */
static const struct {
	const char *en;
	const char *zh;
	const char *breach_zh;
} ctl_deadline_kinds[] = {
	{ "sign", "签收", "签收超时" },
	{ "complete", "办结", "办结超时" },
	{ "supervision", "督办", "督办超时" },
	{ "callback", "回访", "回访超时" },
	{ NULL, "", "超时" },
};

/* Returns the entry of a deadline kind ("sign"), or the last (unknown) one. */
static size_t
ctl_deadline_kind(const char *kind)
{
	size_t i;

	for (i = 0; ctl_deadline_kinds[i].en != NULL; i++)
		if (strcmp(kind, ctl_deadline_kinds[i].en) == 0)
			break;
	return i;
}

/* Names a deadline kind in the language in force ("sign": 签收); an unknown one as sent. */
static const char *
ctl_deadline_name(const char *kind)
{
	size_t i = ctl_deadline_kind(kind);

	if (ctl_lang == CTL_LANG_EN || ctl_deadline_kinds[i].en == NULL)
		return kind;
	return ctl_deadline_kinds[i].zh;
}

/* Returns the Chinese name of a breach kind ("sign": 签收超时), or "超时" if unknown. */
const char *
ctl_breach_kind_zh(const char *kind)
{
	return ctl_deadline_kinds[ctl_deadline_kind(kind)].breach_zh;
}

/* Prints "2026-11 (2026-11-01 – 2026-11-30)". */
static void
ctl_print_period(const char *period, const char *from, const char *to)
{
	printf(ctl_lang == CTL_LANG_EN ? "%s (%s – %s)" : "%s（%s – %s）",
	    period, from, to);
}

/* Returns a counter's or an indicator's name in the language in force. */
static const char *
ctl_stat_name(const char *en, const char *zh)
{
	return ctl_lang == CTL_LANG_EN ? en : zh;
}

/* Writes a department as "住建局 zjj" (or its id alone without a name). */
static void
ctl_dept_label(const Hotline__Department *d, char *out, size_t outlen)
{
	if (d == NULL)
		snprintf(out, outlen, "-");
	else if (d->name[0] != '\0')
		snprintf(out, outlen, "%s %s", d->name, d->id);
	else
		snprintf(out, outlen, "%s", d->id);
}

/* Prints "  name  value unit" in columns, the name in the language in force. */
static void
ctl_print_stat_line(const char *zh, const char *en, const char *value,
    const char *unit)
{
	fputs("  ", stdout);
	ctl_print_padded(stdout, ctl_stat_name(en, zh), 30, 0);
	printf("%s%s\n", value, unit);
}

/* Prints every indicator of a scorecard as "value% (num/den)" or "—", then the averages. */
static void
ctl_print_indicators(const Hotline__DepartmentScore *s)
{
	const struct ctl_indicator *k;
	char v[64];

	puts(CTL_T(S_INDICATORS));
	for (k = ctl_indicators; k->en != NULL; k++) {
		ctl_format_rate(ctl_rate_at(s->indicators, k->offset), v,
		    sizeof v);
		ctl_print_stat_line(k->zh, k->en, v, "");
	}
	ctl_format_hours(s->indicators != NULL ?
	    s->indicators->avg_sign_hours : 0, s->counters != NULL ?
	    s->counters->signed_ : 0, CTL_DASH, v, sizeof v);
	ctl_print_stat_line(CTL_T(S_AVG_SIGN), CTL_T(S_AVG_SIGN), v,
	    CTL_T(S_WORKING_HOURS));
	ctl_format_hours(s->indicators != NULL ?
	    s->indicators->avg_complete_hours : 0, s->counters != NULL ?
	    s->counters->completed : 0, CTL_DASH, v, sizeof v);
	ctl_print_stat_line(CTL_T(S_AVG_COMPLETE), CTL_T(S_AVG_COMPLETE), v,
	    CTL_T(S_WORKING_HOURS));
}

/* Prints a department's counters (not the city-wide ones), one per line with its Chinese name. */
static void
ctl_print_counters(const Hotline__Counters *c)
{
	const struct ctl_counter *k;
	char v[32];

	puts(CTL_T(S_COUNTERS));
	for (k = ctl_counters; k->en != NULL; k++) {
		if (k->city)
			continue;
		snprintf(v, sizeof v, "%llu",
		    (unsigned long long)ctl_counter_at(c, k->offset));
		ctl_print_stat_line(k->zh, k->en, v, "");
	}
}

/* Prints the weights of the score on one line. */
static void
ctl_print_weights(const Hotline__ScorecardReply *r)
{
	const struct ctl_indicator *k;

	fputs(CTL_T(S_WEIGHTS), stdout);
	for (k = ctl_indicators; k->en != NULL; k++)
		printf("%s%s %g", k == ctl_indicators ? "" :
		    ctl_lang == CTL_LANG_EN ? ", " : "，",
		    ctl_stat_name(k->en, k->weight_zh),
		    ctl_indicator_weight(r->weights, k));
	printf(CTL_T(S_WEIGHTS_MIN), r->min_tickets);
	putchar('\n');
}

/* Prints one department's rank line: its rank, or why it has none. */
static void
ctl_print_rank(const Hotline__DepartmentScore *s, uint32_t min_tickets)
{
	ctl_label(CTL_T(S_RANK));
	if (s->too_few)
		printf(CTL_T(S_TOO_FEW_LINE), (unsigned long long)(s->counters !=
		    NULL ? s->counters->received : 0), min_tickets);
	else
		printf("%u", s->rank);
	putchar('\n');
}

/* Prints one department's scorecard. */
static void
ctl_print_scorecard(const Hotline__ScorecardReply *r,
    const Hotline__DepartmentScore *s)
{
	char dept[160];

	ctl_dept_label(s->department, dept, sizeof dept);
	ctl_label(CTL_T(S_DEPARTMENT));
	printf("%s\n", dept);
	ctl_label(CTL_T(S_PERIOD));
	ctl_print_period(r->period, r->from, r->to);
	putchar('\n');
	ctl_print_rank(s, r->min_tickets);
	ctl_label(CTL_T(S_SCORE));
	printf("%.1f\n", s->score);
	ctl_print_indicators(s);
	ctl_print_counters(s->counters);
	ctl_print_weights(r);
}

/* Prints a ScorecardReply for one department (scorecard DEPT). */
void
ctl_text_scorecard(const Hotline__Envelope *reply)
{
	const Hotline__ScorecardReply *r = reply->scorecards;

	if (r->n_departments == 0) {
		puts(CTL_T(S_NO_SUCH_DEPT));
		return;
	}
	ctl_print_scorecard(r, r->departments[0]);
}

/* Returns the columns the ranking's department column needs. */
static size_t
ctl_dept_width(const Hotline__ScorecardReply *r)
{
	size_t i, w, max = CTL_DEPT_COLUMN;
	char dept[160];

	for (i = 0; i < r->n_departments; i++) {
		ctl_dept_label(r->departments[i]->department, dept, sizeof dept);
		if ((w = ctl_display_width(dept)) > max)
			max = w;
	}
	return max;
}

/* Prints the ranking's header row. */
static void
ctl_print_ranking_header(size_t dept_width)
{
	const struct ctl_indicator *k;

	ctl_print_padded(stdout, CTL_T(S_RANK), 4, 1);
	fputs("  ", stdout);
	ctl_print_padded(stdout, CTL_T(S_DEPARTMENT), dept_width, 0);
	ctl_print_padded(stdout, CTL_T(S_SCORE), 7, 1);
	for (k = ctl_indicators; k->en != NULL; k++) {
		fputs("  ", stdout);
		ctl_print_padded(stdout, ctl_stat_name(k->en, k->zh),
		    CTL_RATE_COLUMN + (ctl_lang == CTL_LANG_EN ? 2 : 0), 1);
	}
	fputs("  ", stdout);
	ctl_print_padded(stdout, CTL_T(S_RECEIVED), 8, 1);
	putchar('\n');
}

/* Prints one department's row of the ranking. */
static void
ctl_print_ranking_row(const Hotline__DepartmentScore *s, size_t dept_width)
{
	const struct ctl_indicator *k;
	char v[64];

	if (s->too_few)
		snprintf(v, sizeof v, "-");
	else
		snprintf(v, sizeof v, "%u", s->rank);
	ctl_print_padded(stdout, v, 4, 1);
	fputs("  ", stdout);
	ctl_dept_label(s->department, v, sizeof v);
	ctl_print_padded(stdout, v, dept_width, 0);
	snprintf(v, sizeof v, "%.1f", s->score);
	ctl_print_padded(stdout, v, 7, 1);
	for (k = ctl_indicators; k->en != NULL; k++) {
		ctl_format_percent(ctl_rate_at(s->indicators, k->offset), v,
		    sizeof v);
		fputs("  ", stdout);
		ctl_print_padded(stdout, v, CTL_RATE_COLUMN +
		    (ctl_lang == CTL_LANG_EN ? 2 : 0), 1);
	}
	printf("  %8llu%s%s\n", (unsigned long long)(s->counters != NULL ?
	    s->counters->received : 0), s->too_few ? "  " : "", s->too_few ?
	    CTL_T(S_TOO_FEW) : "");
}

/* Prints the rows of the ranked (too_few 0) or the too-few (1) departments; returns how many. */
static size_t
ctl_print_ranking_rows(const Hotline__ScorecardReply *r, int too_few,
    size_t dept_width)
{
	size_t i, n = 0;

	for (i = 0; i < r->n_departments; i++) {
		if (!r->departments[i]->too_few != !too_few)
			continue;
		if (too_few && n == 0) {
			printf(CTL_T(S_NOT_RANKED), r->min_tickets);
			putchar('\n');
		}
		ctl_print_ranking_row(r->departments[i], dept_width);
		n++;
	}
	return n;
}

/* Prints every department ranked, then those with too few tickets, then the weights. */
void
ctl_print_ranking(const Hotline__ScorecardReply *r)
{
	size_t w = ctl_dept_width(r);

	if (r->n_departments == 0) {
		puts(CTL_T(S_NO_DEPARTMENTS));
		return;
	}
	ctl_print_ranking_header(w);
	ctl_print_ranking_rows(r, 0, w);
	ctl_print_ranking_rows(r, 1, w);
	ctl_print_weights(r);
}

/* Prints a ScorecardReply as the ranking (ranking). */
void
ctl_text_ranking(const Hotline__Envelope *reply)
{
	const Hotline__ScorecardReply *r = reply->scorecards;

	fputs(CTL_T(S_RANKING), stdout);
	ctl_print_period(r->period, r->from, r->to);
	putchar('\n');
	ctl_print_ranking(r);
}

/* Writes a hot item's label: "key name" (a category's code, then its names), or the key. */
static void
ctl_hot_label(const Hotline__HotItem *it, char *out, size_t outlen)
{
	if (it->name[0] != '\0' && strcmp(it->name, it->key) != 0)
		snprintf(out, outlen, "%s %s", it->key, it->name);
	else
		snprintf(out, outlen, "%s", it->key);
}

/* Prints the items of a HotReply, one per line, most first, aligned by display width. */
void
ctl_print_hot_items(const Hotline__HotReply *r)
{
	const Hotline__HotItem *it;
	char label[300];
	size_t i, w, width = 0;

	if (r->n_items == 0)
		printf("  %s\n", CTL_T(S_NONE));
	for (i = 0; i < r->n_items; i++) {
		ctl_hot_label(r->items[i], label, sizeof label);
		if ((w = ctl_display_width(label)) > width)
			width = w;
	}
	for (i = 0; i < r->n_items; i++) {
		it = r->items[i];
		ctl_hot_label(it, label, sizeof label);
		printf("  %3zu  ", i + 1);
		ctl_print_padded(stdout, label, width, 0);
		printf("  %6llu  %5.1f%%\n", (unsigned long long)(it->counters !=
		    NULL ? it->counters->registered : 0), it->share * 100);
	}
}

/* Prints a HotReply (高频诉求) of dimension what: rank, key and name, tickets registered, share. */
static void
ctl_print_hot(const Hotline__HotReply *r, const char *what)
{
	printf(CTL_T(S_HOT), what, r->period, r->from, r->to,
	    (unsigned long long)r->total_registered);
	putchar('\n');
	ctl_print_hot_items(r);
}

/* Prints a HotReply by category (hot --by category). */
void
ctl_text_hot_categories(const Hotline__Envelope *reply)
{
	ctl_print_hot(reply->hot_list, CTL_T(S_BY_CATEGORY));
}

/* Prints a HotReply by district (hot --by district). */
void
ctl_text_hot_districts(const Hotline__Envelope *reply)
{
	ctl_print_hot(reply->hot_list, CTL_T(S_BY_DISTRICT));
}

/* Prints one overdue (or 预警) ticket on a line, its department and deadline padded to the widths given. */
static void
ctl_print_overdue_ticket(const Hotline__OverdueTicket *o, size_t dept_width,
    size_t kind_width)
{
	const Hotline__Ticket *t = o->ticket;
	char due[32], dept[160];

	ctl_format_local(o->due_at, "%Y-%m-%d %H:%M +08:00", due, sizeof due);
	ctl_dept_label(t != NULL ? t->lead_department : NULL, dept,
	    sizeof dept);
	printf("%s  ", t != NULL ? t->number : "-");
	ctl_print_padded(stdout, dept, dept_width, 0);
	fputs("  ", stdout);
	ctl_print_padded(stdout, ctl_deadline_name(o->deadline), kind_width, 0);
	fputs("  ", stdout);
	printf(CTL_T(S_DUE_AT), due);
	fputs("  ", stdout);
	if (o->late_hours >= 0)
		printf(CTL_T(S_WH_LATE), o->late_hours);
	else
		printf(CTL_T(S_WH_LEFT), -o->late_hours);
	printf("  %s\n", t != NULL ? t->title : "");
}

/* Prints an OverdueReply (超期 or 预警): one ticket per line, then the count. */
void
ctl_text_overdue(const Hotline__Envelope *reply)
{
	const Hotline__OverdueReply *r = reply->overdue_list;
	size_t i, w, dept_width = 0, kind_width = 0;
	const Hotline__Ticket *t;
	char dept[160];

	for (i = 0; i < r->n_tickets; i++) {
		t = r->tickets[i]->ticket;
		ctl_dept_label(t != NULL ? t->lead_department : NULL, dept,
		    sizeof dept);
		if ((w = ctl_display_width(dept)) > dept_width)
			dept_width = w;
		w = ctl_display_width(ctl_deadline_name(r->tickets[i]->deadline));
		if (w > kind_width)
			kind_width = w;
	}
	for (i = 0; i < r->n_tickets; i++)
		ctl_print_overdue_ticket(r->tickets[i], dept_width, kind_width);
	if (r->n_tickets == 0)
		puts(CTL_T(NO_TICKETS));
	else if (r->matched > r->n_tickets)
		printf(CTL_T(S_MATCH_SHOWN), r->matched, r->n_tickets);
	else
		printf(CTL_T(S_MATCH), r->matched);
	if (r->n_tickets > 0)
		putchar('\n');
	if (r->partial && r->next_cursor[0] == '\0')
		puts(CTL_T(S_PARTIAL));
	ctl_print_next_page(r->next_cursor);
}

/* Prints "N breaches (签收超时 sign 5, ...)", the totals of a BreachesReply, and ends the line. */
void
ctl_print_breach_totals(const Hotline__BreachesReply *r)
{
	size_t i;

	printf(CTL_T(S_BREACHES_TOTAL), r->total);
	for (i = 0; i < r->n_by_kind; i++)
		printf("%s%s %u", i == 0 ? " (" : ", ", ctl_lang ==
		    CTL_LANG_EN ? r->by_kind[i]->key :
		    ctl_breach_kind_zh(r->by_kind[i]->key), r->by_kind[i]->value);
	puts(r->n_by_kind > 0 ? ")" : "");
}

/* Prints a BreachesReply (超时): totals, then one breach per line. */
void
ctl_text_breaches(const Hotline__Envelope *reply)
{
	const Hotline__BreachesReply *r = reply->breach_list;
	const Hotline__Breach *b;
	char due[32], at[32];
	size_t i;

	fputs(CTL_T(S_BREACHES), stdout);
	ctl_print_period(r->period, r->from, r->to);
	fputs(": ", stdout);
	ctl_print_breach_totals(r);
	for (i = 0; i < r->n_breaches; i++) {
		b = r->breaches[i];
		ctl_format_local(b->due_at, "%Y-%m-%d %H:%M +08:00", due, sizeof due);
		ctl_format_local(b->at, "%Y-%m-%d %H:%M +08:00", at, sizeof at);
		printf("%s  ", b->number);
		ctl_print_padded(stdout, ctl_lang == CTL_LANG_EN ? b->kind :
		    ctl_breach_kind_zh(b->kind), 12, 0);
		ctl_print_padded(stdout, b->department, 10, 0);
		printf(CTL_T(S_DUE_AT), due);
		fputs("  ", stdout);
		printf(CTL_T(S_RECORDED), at);
		putchar('\n');
	}
}

/* Prints one deadline of a timeline: kind, due, met, margin. */
static void
ctl_print_timeline_deadline(const Hotline__TimelineDeadline *d)
{
	char due[40], met[40], margin[64];

	ctl_format_due(d->due_at, due, sizeof due);
	char when[32];

	if (d->met_at != 0) {
		ctl_format_local(d->met_at, "%Y-%m-%d %H:%M:%S +08:00", when,
		    sizeof when);
		snprintf(met, sizeof met, CTL_T(S_MET), when);
	} else
		snprintf(met, sizeof met, "%s", CTL_T(S_NOT_MET));
	ctl_format_margin(d->margin_hours, d->met_at != 0, margin,
	    sizeof margin);
	fputs("  ", stdout);
	ctl_print_padded(stdout, ctl_deadline_name(d->deadline), 12, 0);
	printf(CTL_T(S_DUE_AT), due);
	printf("  %s  %s%s%s\n", met, margin, d->late ? "  " : "", d->late ?
	    CTL_T(S_LATE) : "");
}

/* Prints one step of a timeline: time, action, who, department, note. */
static void
ctl_print_timeline_step(const Hotline__TimelineStep *s)
{
	char when[32];

	ctl_format_time(s->at, when, sizeof when);
	printf("  %s  ", when);
	ctl_print_padded(stdout, ctl_step_name(s->what), ctl_lang == CTL_LANG_EN ?
	    20 : 14, 0);
	printf("  %s", s->principal[0] != '\0' ? s->principal : CTL_T(DAEMON));
	if (s->department[0] != '\0')
		printf("  %s", s->department);
	if (s->note[0] != '\0')
		printf("  %s", s->note);
	putchar('\n');
}

/* Prints a TimelineReply: the ticket's line, its deadlines and its steps. */
void
ctl_text_timeline(const Hotline__Envelope *reply)
{
	const Hotline__TimelineReply *r = reply->timeline_reply;
	const Hotline__Ticket *t = r->ticket;
	char dept[160];
	size_t i;

	if (t != NULL) {
		ctl_dept_label(t->lead_department, dept, sizeof dept);
		printf("%s  %s  %s  %s\n", t->number,
		    ctl_name(ctl_states, t->state), dept, t->title);
	}
	if (r->exempt)
		puts(CTL_T(S_EXEMPT));
	puts(CTL_T(S_DEADLINES));
	for (i = 0; i < r->n_deadlines; i++)
		ctl_print_timeline_deadline(r->deadlines[i]);
	if (r->n_deadlines == 0)
		printf("  %s\n", CTL_T(S_NONE));
	else if (t != NULL && t->deadlines_provisional)
		ctl_print_provisional();
	puts(CTL_T(S_STEPS));
	for (i = 0; i < r->n_steps; i++)
		ctl_print_timeline_step(r->steps[i]);
}
