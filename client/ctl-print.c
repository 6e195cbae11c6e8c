/* hotlinectl's readable text output: names in English and Chinese, tickets, routing, events. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctl.h"

#define CTL_UTC_OFFSET (8 * 3600)	/* Asia/Shanghai: UTC+8 all year, no DST */

const struct ctl_name ctl_types[] = {
	{ HOTLINE__TICKET_TYPE__TICKET_TYPE_CONSULTATION, "consultation", "咨询" },
	{ HOTLINE__TICKET_TYPE__TICKET_TYPE_HELP, "help", "求助" },
	{ HOTLINE__TICKET_TYPE__TICKET_TYPE_COMPLAINT, "complaint", "投诉" },
	{ HOTLINE__TICKET_TYPE__TICKET_TYPE_REPORT, "report", "举报" },
	{ HOTLINE__TICKET_TYPE__TICKET_TYPE_SUGGESTION, "suggestion", "建议" },
	{ HOTLINE__TICKET_TYPE__TICKET_TYPE_PRAISE, "praise", "表扬" },
	{ 0, NULL, NULL }
};

/* Unspecified urgency and channel print as what the protocol treats them as. */
const struct ctl_name ctl_urgencies[] = {
	{ HOTLINE__URGENCY__URGENCY_NORMAL, "normal", "一般" },
	{ HOTLINE__URGENCY__URGENCY_URGENT, "urgent", "紧急" },
	{ HOTLINE__URGENCY__URGENCY_CRITICAL, "critical", "特急" },
	{ HOTLINE__URGENCY__URGENCY_UNSPECIFIED, "normal", "一般" },
	{ 0, NULL, NULL }
};

const struct ctl_name ctl_channels[] = {
	{ HOTLINE__CHANNEL__CHANNEL_PHONE, "phone", "电话" },
	{ HOTLINE__CHANNEL__CHANNEL_WEB, "web", "网站" },
	{ HOTLINE__CHANNEL__CHANNEL_APP, "app", "移动端" },
	{ HOTLINE__CHANNEL__CHANNEL_WECHAT, "wechat", "微信" },
	{ HOTLINE__CHANNEL__CHANNEL_MAILBOX, "mailbox", "信箱" },
	{ HOTLINE__CHANNEL__CHANNEL_UNSPECIFIED, "phone", "电话" },
	{ 0, NULL, NULL }
};

const struct ctl_name ctl_states[] = {
	{ HOTLINE__TICKET_STATE__TICKET_STATE_REGISTERED, "registered", "已登记" },
	{ HOTLINE__TICKET_STATE__TICKET_STATE_TRIAGE, "triage", "待派单" },
	{ HOTLINE__TICKET_STATE__TICKET_STATE_DISPATCHED, "dispatched", "已派单" },
	{ HOTLINE__TICKET_STATE__TICKET_STATE_ACCEPTED, "accepted", "已签收" },
	{ HOTLINE__TICKET_STATE__TICKET_STATE_REPLIED, "replied", "已办结回复" },
	{ 0, NULL, NULL }
};

const struct ctl_name ctl_event_kinds[] = {
	{ HOTLINE__EVENT_KIND__EVENT_KIND_DISPATCHED, "dispatched", "新工单" },
	{ HOTLINE__EVENT_KIND__EVENT_KIND_SIGNED, "signed", "已签收" },
	{ HOTLINE__EVENT_KIND__EVENT_KIND_REPLIED, "replied", "已回复" },
	{ HOTLINE__EVENT_KIND__EVENT_KIND_RELIST, "relist", "重新列出" },
	{ 0, NULL, NULL }
};

/* Finds s (English or Chinese) in table; returns 0 with *value, or -1. */
int
ctl_name_parse(const struct ctl_name *table, const char *s, int *value)
{
	for (; table->en != NULL; table++) {
		if (strcmp(s, table->en) == 0 || strcmp(s, table->zh) == 0) {
			*value = table->value;
			return 0;
		}
	}
	return -1;
}

/* Returns the entry of table for value, or NULL. */
static const struct ctl_name *
ctl_name_find(const struct ctl_name *table, int value)
{
	for (; table->en != NULL; table++)
		if (table->value == value)
			return table;
	return NULL;
}

/* Returns the English name of value, "-" when it has none. */
const char *
ctl_name_en(const struct ctl_name *table, int value)
{
	const struct ctl_name *n = ctl_name_find(table, value);

	return n != NULL ? n->en : "-";
}

/* Returns the Chinese name of value, "" when it has none. */
const char *
ctl_name_zh(const struct ctl_name *table, int value)
{
	const struct ctl_name *n = ctl_name_find(table, value);

	return n != NULL ? n->zh : "";
}

/* Formats ms since the epoch as Beijing time "YYYY-MM-DD HH:MM:SS"; 0 is "-". */
void
ctl_format_time(int64_t ms, char *out, size_t outlen)
{
	int64_t secs = ms / 1000 - (ms % 1000 < 0);
	time_t t = (time_t)(secs + CTL_UTC_OFFSET);
	struct tm tm;

	if (ms == 0 || gmtime_r(&t, &tm) == NULL) {
		snprintf(out, outlen, "-");
		return;
	}
	strftime(out, outlen, "%Y-%m-%d %H:%M:%S", &tm);
}

/* Returns s, or "-" when it is empty. */
static const char *
ctl_or_dash(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : "-";
}

/* Prints one labelled line of a ticket. */
static void
ctl_field(const char *label, const char *value)
{
	printf("%-12s%s\n", label, ctl_or_dash(value));
}

/* Prints an enum as "english 中文" under label. */
static void
ctl_field_enum(const char *label, const struct ctl_name *table, int value)
{
	printf("%-12s%s %s\n", label, ctl_name_en(table, value),
	    ctl_name_zh(table, value));
}

/* Prints the caller, or the 保密 marking when the daemon masked them. */
static void
ctl_print_caller(const Hotline__Ticket *t)
{
	const char *phone = t->caller_phone, *name = t->caller_name;

	if (phone == NULL || phone[0] == '\0') {
		ctl_field("caller", t->confidential ? "保密 (masked)" : "");
		return;
	}
	printf("%-12s%s%s%s%s\n", "caller", phone,
	    name != NULL && name[0] != '\0' ? " " : "", name != NULL ? name : "",
	    t->confidential ? " (保密)" : "");
}

/* Prints district, street and address on one line. */
static void
ctl_print_location(const Hotline__Ticket *t)
{
	const char *parts[3] = { t->district, t->street, t->address };
	char line[2048] = "";
	size_t i, n = 0;

	for (i = 0; i < 3 && n < sizeof line; i++) {
		if (parts[i] == NULL || parts[i][0] == '\0')
			continue;
		n += (size_t)snprintf(line + n, sizeof line - n, "%s%s",
		    n > 0 ? " " : "", parts[i]);
	}
	ctl_field("location", line);
}

/* Prints the lead department as "id name". */
static void
ctl_print_department(const Hotline__Department *d)
{
	if (d == NULL || d->id == NULL || d->id[0] == '\0') {
		ctl_field("department", "");
		return;
	}
	printf("%-12s%s %s\n", "department", d->id, d->name != NULL ?
	    d->name : "");
}

/* Prints the times a ticket was created and last changed. */
static void
ctl_print_times(const Hotline__Ticket *t)
{
	char when[32];

	ctl_format_time(t->created_at, when, sizeof when);
	printf("%-12s%s by %s\n", "created", when, ctl_or_dash(t->created_by));
	ctl_format_time(t->updated_at, when, sizeof when);
	ctl_field("updated", when);
}

/* Prints a ticket, one labelled field per line. */
void
ctl_print_ticket(const Hotline__Ticket *t)
{
	if (t == NULL) {
		puts("no ticket");
		return;
	}
	ctl_field("number", t->number);
	ctl_field_enum("state", ctl_states, t->state);
	ctl_field_enum("type", ctl_types, t->type);
	ctl_field_enum("urgency", ctl_urgencies, t->urgency);
	ctl_field_enum("channel", ctl_channels, t->channel);
	ctl_print_caller(t);
	ctl_print_location(t);
	ctl_field("title", t->title);
	ctl_field("content", t->content);
	ctl_print_department(t->lead_department);
	ctl_field("category", t->category);
	printf("%-12s%.2f\n", "confidence", t->confidence);
	ctl_print_times(t);
	if (t->reply_result != NULL && t->reply_result[0] != '\0')
		printf("%-12s%s (%s)\n", "reply", t->reply_result,
		    t->solved ? "solved 已解决" : "unsolved 未解决");
}

/* Prints a ticket's history, one line per entry, oldest first. */
void
ctl_print_history(const Hotline__Ticket *t)
{
	const Hotline__HistoryEntry *h;
	char when[32];
	size_t i;

	if (t == NULL)
		return;
	puts("history");
	for (i = 0; i < t->n_history; i++) {
		h = t->history[i];
		ctl_format_time(h->at, when, sizeof when);
		printf("  %s  %s (%s)  %s  %s → %s", when,
		    ctl_or_dash(h->principal), hl_role_name(h->role),
		    ctl_or_dash(h->action), ctl_name_en(ctl_states, h->from_state),
		    ctl_name_en(ctl_states, h->to_state));
		if (h->department != NULL && h->department[0] != '\0')
			printf("  [%s]", h->department);
		if (h->note != NULL && h->note[0] != '\0')
			printf("  %s", h->note);
		putchar('\n');
	}
}

/* Prints one ranked suggestion. */
static void
ctl_print_suggestion(size_t rank, const Hotline__Suggestion *s)
{
	const Hotline__Department *d = s->department;
	size_t i;

	printf("  %zu. %s %s  score %.2f  category %s", rank,
	    d != NULL ? ctl_or_dash(d->id) : "-",
	    d != NULL && d->name != NULL ? d->name : "", s->score,
	    ctl_or_dash(s->category));
	for (i = 0; i < s->n_matched; i++)
		printf("%s%s", i == 0 ? "  matched " : ", ", s->matched[i]);
	putchar('\n');
}

/* Prints routing suggestions, the confidence and what intake would do. */
void
ctl_print_routing(const Hotline__Routing *r)
{
	const Hotline__Department *top = NULL;
	size_t i;

	if (r == NULL)
		return;
	puts(r->n_suggestions > 0 ? "suggestions" : "suggestions none");
	for (i = 0; i < r->n_suggestions; i++)
		ctl_print_suggestion(i + 1, r->suggestions[i]);
	printf("%-12s%.2f\n", "confidence", r->confidence);
	if (r->n_suggestions > 0)
		top = r->suggestions[0]->department;
	if (r->auto_dispatch && top != NULL)
		printf("%-14syes: to %s %s\n", "auto-dispatch", top->id,
		    top->name);
	else
		printf("%-14sno: to triage 待派单\n", "auto-dispatch");
}

/* Prints a list of tickets, one per line. */
void
ctl_print_list(const Hotline__TicketList *list)
{
	const Hotline__Ticket *t;
	char when[32];
	size_t i;

	if (list->n_tickets == 0)
		puts("no tickets");
	for (i = 0; i < list->n_tickets; i++) {
		t = list->tickets[i];
		ctl_format_time(t->created_at, when, sizeof when);
		printf("%s  %s %s  %s  %s %s  %s  %s\n", t->number,
		    ctl_name_en(ctl_states, t->state),
		    ctl_name_zh(ctl_states, t->state), when,
		    ctl_name_en(ctl_types, t->type),
		    ctl_name_zh(ctl_types, t->type),
		    t->lead_department != NULL ?
		    ctl_or_dash(t->lead_department->id) : "-", t->title);
	}
	if (list->truncated)
		puts("(more tickets match: raise --limit)");
}

/* Prints a pushed event on one line: id, kind, number, state, title. */
void
ctl_print_event(const Hotline__Event *ev)
{
	const Hotline__Ticket *t = ev->ticket;
	int state = t != NULL ? (int)t->state : 0;

	printf("%s  %s  %s  %s %s  %s\n", ctl_or_dash(ev->id),
	    ctl_name_en(ctl_event_kinds, ev->kind), ctl_or_dash(ev->number),
	    ctl_name_en(ctl_states, state), ctl_name_zh(ctl_states, state),
	    t != NULL ? ctl_or_dash(t->title) : "-");
}

/* Prints the ticket of a TicketReply (show without history, sign, reply). */
void
ctl_text_ticket(const Hotline__Envelope *reply)
{
	ctl_print_ticket(reply->ticket->ticket);
}

/* Prints the tickets of a TicketList (caller, list). */
void
ctl_text_tickets(const Hotline__Envelope *reply)
{
	ctl_print_list(reply->tickets);
}
