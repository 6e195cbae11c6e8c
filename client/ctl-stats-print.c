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

/* Returns the Chinese name of a deadline kind ("sign": 签收), or "" if unknown. */
static const char *
ctl_deadline_zh(const char *kind)
{
	return ctl_deadline_kinds[ctl_deadline_kind(kind)].zh;
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
	printf("%s (%s – %s)", period, from, to);
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

/* Prints "  中文名  english_name  value unit" in columns. */
static void
ctl_print_stat_line(const char *zh, const char *en, const char *value,
    const char *unit)
{
	fputs("  ", stdout);
	ctl_print_padded(stdout, zh, 14, 0);
	ctl_print_padded(stdout, en, 30, 0);
	printf("%s%s\n", value, unit);
}

/* Prints every indicator of a scorecard as "value% (num/den)" or "—", then the averages. */
static void
ctl_print_indicators(const Hotline__DepartmentScore *s)
{
	const struct ctl_indicator *k;
	char v[64];

	puts("indicators 考核指标");
	for (k = ctl_indicators; k->en != NULL; k++) {
		ctl_format_rate(ctl_rate_at(s->indicators, k->offset), v,
		    sizeof v);
		ctl_print_stat_line(k->zh, k->en, v, "");
	}
	ctl_format_hours(s->indicators != NULL ?
	    s->indicators->avg_sign_hours : 0, s->counters != NULL ?
	    s->counters->signed_ : 0, CTL_DASH, v, sizeof v);
	ctl_print_stat_line("平均签收时长", "avg_sign", v, " working hours");
	ctl_format_hours(s->indicators != NULL ?
	    s->indicators->avg_complete_hours : 0, s->counters != NULL ?
	    s->counters->completed : 0, CTL_DASH, v, sizeof v);
	ctl_print_stat_line("平均办结时长", "avg_complete", v, " working hours");
}

/* Prints a department's counters (not the city-wide ones), one per line with its Chinese name. */
static void
ctl_print_counters(const Hotline__Counters *c)
{
	const struct ctl_counter *k;
	char v[32];

	puts("counters 计数");
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

	fputs("weights 权重 ", stdout);
	for (k = ctl_indicators; k->en != NULL; k++)
		printf("%s%s %g", k == ctl_indicators ? "" : ", ", k->weight_zh,
		    ctl_indicator_weight(r->weights, k));
	printf("; ranked with at least %u received (派单)\n", r->min_tickets);
}

/* Prints one department's rank line: its rank, or why it has none. */
static void
ctl_print_rank(const Hotline__DepartmentScore *s, uint32_t min_tickets)
{
	if (s->too_few)
		printf(CTL_LABEL "too few tickets 样本不足 (%llu received, %u "
		    "needed): not ranked\n", "rank",
		    (unsigned long long)(s->counters != NULL ?
		    s->counters->received : 0), min_tickets);
	else
		printf(CTL_LABEL "%u\n", "rank", s->rank);
}

/* Prints one department's scorecard. */
static void
ctl_print_scorecard(const Hotline__ScorecardReply *r,
    const Hotline__DepartmentScore *s)
{
	char dept[160];

	ctl_dept_label(s->department, dept, sizeof dept);
	printf(CTL_LABEL "%s\n", "department", dept);
	printf(CTL_LABEL, "period");
	ctl_print_period(r->period, r->from, r->to);
	putchar('\n');
	ctl_print_rank(s, r->min_tickets);
	printf(CTL_LABEL "%.1f\n", "score", s->score);
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
		puts("no such department in the answer");
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

	ctl_print_padded(stdout, "排名", 4, 1);
	fputs("  ", stdout);
	ctl_print_padded(stdout, "单位", dept_width, 0);
	ctl_print_padded(stdout, "得分", 7, 1);
	for (k = ctl_indicators; k->en != NULL; k++) {
		fputs("  ", stdout);
		ctl_print_padded(stdout, k->zh, CTL_RATE_COLUMN, 1);
	}
	fputs("  ", stdout);
	ctl_print_padded(stdout, "派单", 6, 1);
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
		ctl_print_padded(stdout, v, CTL_RATE_COLUMN, 1);
	}
	printf("  %6llu%s\n", (unsigned long long)(s->counters != NULL ?
	    s->counters->received : 0), s->too_few ? "  样本不足 too few" : "");
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
		if (too_few && n == 0)
			printf("not ranked: fewer than %u received (样本不足，"
			    "不参与排名)\n", r->min_tickets);
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
		puts("no departments");
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

	fputs("ranking 排名 ", stdout);
	ctl_print_period(r->period, r->from, r->to);
	putchar('\n');
	ctl_print_ranking(r);
}

/* Prints the items of a HotReply, one per line, most first; what names them. */
void
ctl_print_hot_items(const Hotline__HotReply *r, const char *what)
{
	const Hotline__HotItem *it;
	char label[300];
	size_t i;

	if (r->n_items == 0)
		printf("  no %s\n", what);
	for (i = 0; i < r->n_items; i++) {
		it = r->items[i];
		if (it->name[0] != '\0' && strcmp(it->name, it->key) != 0)
			snprintf(label, sizeof label, "%s %s", it->name, it->key);
		else
			snprintf(label, sizeof label, "%s", it->key);
		printf("  %3zu  ", i + 1);
		ctl_print_padded(stdout, label, 24, 0);
		printf("  %6llu  %5.1f%%\n", (unsigned long long)(it->counters !=
		    NULL ? it->counters->registered : 0), it->share * 100);
	}
}

/* Prints a HotReply (高频诉求) of dimension what: rank, key and name, tickets registered, share. */
static void
ctl_print_hot(const Hotline__HotReply *r, const char *what)
{
	printf("高频诉求 hot %s ", what);
	ctl_print_period(r->period, r->from, r->to);
	printf(": %llu registered (受理)\n",
	    (unsigned long long)r->total_registered);
	ctl_print_hot_items(r, what);
}

/* Prints a HotReply by category (hot --by category). */
void
ctl_text_hot_categories(const Hotline__Envelope *reply)
{
	ctl_print_hot(reply->hot_list, "categories 类别");
}

/* Prints a HotReply by district (hot --by district). */
void
ctl_text_hot_districts(const Hotline__Envelope *reply)
{
	ctl_print_hot(reply->hot_list, "districts 区域");
}

/* Prints one overdue (or 预警) ticket on a line. */
static void
ctl_print_overdue_ticket(const Hotline__OverdueTicket *o)
{
	const Hotline__Ticket *t = o->ticket;
	char due[32], dept[160];

	ctl_format_local(o->due_at, "%Y-%m-%d %H:%M +08:00", due, sizeof due);
	ctl_dept_label(t != NULL ? t->lead_department : NULL, dept,
	    sizeof dept);
	printf("%s  %s  %s %s  due %s  ", t != NULL ? t->number : "-", dept,
	    ctl_deadline_zh(o->deadline), o->deadline, due);
	if (o->late_hours >= 0)
		printf("%.1f wh late", o->late_hours);
	else
		printf("due in %.1f wh", -o->late_hours);
	printf("  %s\n", t != NULL ? t->title : "");
}

/* Prints an OverdueReply (超期 or 预警): one ticket per line, then the count. */
void
ctl_text_overdue(const Hotline__Envelope *reply)
{
	const Hotline__OverdueReply *r = reply->overdue_list;
	size_t i;

	for (i = 0; i < r->n_tickets; i++)
		ctl_print_overdue_ticket(r->tickets[i]);
	if (r->n_tickets == 0)
		puts("no tickets");
	else if (r->matched > r->n_tickets)
		printf("(%u match; %zu shown: raise --limit)\n", r->matched,
		    r->n_tickets);
	else
		printf("(%u tickets)\n", r->matched);
	if (r->partial)
		puts("(partial: only the 2,000 most overdue of each deadline were "
		    "filtered; add --dept or --late to see the rest)");
}

/* Prints "N breaches (签收超时 sign 5, ...)", the totals of a BreachesReply, and ends the line. */
void
ctl_print_breach_totals(const Hotline__BreachesReply *r)
{
	size_t i;

	printf("%u breaches", r->total);
	for (i = 0; i < r->n_by_kind; i++)
		printf("%s%s %s %u", i == 0 ? " (" : ", ",
		    ctl_breach_kind_zh(r->by_kind[i]->key), r->by_kind[i]->key,
		    r->by_kind[i]->value);
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

	fputs("breaches 超时 ", stdout);
	ctl_print_period(r->period, r->from, r->to);
	fputs(": ", stdout);
	ctl_print_breach_totals(r);
	for (i = 0; i < r->n_breaches; i++) {
		b = r->breaches[i];
		ctl_format_local(b->due_at, "%Y-%m-%d %H:%M +08:00", due, sizeof due);
		ctl_format_local(b->at, "%Y-%m-%d %H:%M +08:00", at, sizeof at);
		printf("%s  %s %-11s  %-8s  due %s  recorded %s\n", b->number,
		    ctl_breach_kind_zh(b->kind), b->kind, b->department, due,
		    at);
	}
}

/* Prints one deadline of a timeline: kind, due, met, margin. */
static void
ctl_print_timeline_deadline(const Hotline__TimelineDeadline *d)
{
	char due[40], met[40], margin[64];

	ctl_format_local(d->due_at, "%Y-%m-%d %H:%M:%S +08:00 %a", due,
	    sizeof due);
	if (d->met_at != 0) {
		memcpy(met, "met ", 4);
		ctl_format_local(d->met_at, "%Y-%m-%d %H:%M:%S +08:00", met + 4,
		    sizeof met - 4);
	} else
		snprintf(met, sizeof met, "not met");
	ctl_format_margin(d->margin_hours, d->met_at != 0, margin,
	    sizeof margin);
	printf("  %s %-11s  due %s  %s  %s%s\n",
	    ctl_deadline_zh(d->deadline), d->deadline, due, met, margin,
	    d->late ? "  超时 LATE" : "");
}

/* Prints one step of a timeline: time, action, who, department, note. */
static void
ctl_print_timeline_step(const Hotline__TimelineStep *s)
{
	char when[32];

	ctl_format_time(s->at, when, sizeof when);
	printf("  %s  %-14s  %s", when, s->what, s->principal[0] != '\0' ?
	    s->principal : "hotlined (daemon)");
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
		printf("%s  %s %s  %s  %s\n", t->number,
		    ctl_name_en(ctl_states, t->state),
		    ctl_name_zh(ctl_states, t->state), dept, t->title);
	}
	if (r->exempt)
		puts("免考核 exempt from assessment");
	puts("deadlines 时限");
	for (i = 0; i < r->n_deadlines; i++)
		ctl_print_timeline_deadline(r->deadlines[i]);
	if (r->n_deadlines == 0)
		puts("  none");
	puts("steps 办理过程");
	for (i = 0; i < r->n_steps; i++)
		ctl_print_timeline_step(r->steps[i]);
}
