/* hotlinectl's readable text output: names in English and Chinese, tickets, routing, events. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "ctl-learn.h"

#define CTL_CHANGE_CHARS 40	/* a history change's value is cut after this */

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
	{ HOTLINE__TICKET_STATE__TICKET_STATE_SUSPENDED, "suspended", "已挂起" },
	{ HOTLINE__TICKET_STATE__TICKET_STATE_AWAITING_CALLBACK,
	    "awaiting_callback", "待回访" },
	{ HOTLINE__TICKET_STATE__TICKET_STATE_CLOSED, "closed", "已办结" },
	{ HOTLINE__TICKET_STATE__TICKET_STATE_MERGED, "merged", "已并单" },
	{ HOTLINE__TICKET_STATE__TICKET_STATE_TRANSFERRED, "transferred", "已转警" },
	{ 0, NULL, NULL }
};

#define KIND(k) HOTLINE__EVENT_KIND__EVENT_KIND_##k
const struct ctl_name ctl_event_kinds[] = {
	{ KIND(DISPATCHED), "dispatched", "新工单" },
	{ KIND(SIGNED), "signed", "已签收" },
	{ KIND(REPLIED), "replied", "已回复" },
	{ KIND(RELIST), "relist", "重新列出" },
	{ KIND(RETURNED), "returned", "退单" },
	{ KIND(TAKEN_AWAY), "taken_away", "已改派或并单" },
	{ KIND(REOPENED), "reopened", "重办" },
	{ KIND(URGED), "urged", "催办" },
	{ KIND(SUPERVISED), "supervised", "督办" },
	{ KIND(EXTENSION_REQUESTED), "extension_requested", "延期申请" },
	{ KIND(EXTENSION_DECIDED), "extension_decided", "延期审批" },
	{ KIND(REPLY_SENT_BACK), "reply_sent_back", "退回重办" },
	{ KIND(TRIAGED), "triaged", "待派单" },
	{ KIND(DISPUTED), "disputed", "争议件" },
	{ KIND(ASSIST_REPLIED), "assist_replied", "协办回复" },
	{ KIND(SUSPENDED), "suspended", "已挂起" },
	{ KIND(RESUMED), "resumed", "恢复办理" },
	{ KIND(NOTE), "note", "办理进展" },
	{ KIND(SUPERVISION_ANSWERED), "supervision_answered", "督办反馈" },
	{ KIND(CLOSED), "closed", "已办结" },
	{ KIND(SIGN_OVERDUE), "sign_overdue", "签收超时" },
	{ KIND(WARNING), "warning", "黄灯 临近超期" },
	{ KIND(OVERDUE), "overdue", "红灯 超期" },
	{ KIND(SUPERVISION_OVERDUE), "supervision_overdue", "督办超时" },
	{ KIND(CALLBACK_OVERDUE), "callback_overdue", "回访超时" },
	{ KIND(HOT_SPOT), "hot_spot", "高频件" },
	{ 0, NULL, NULL }
};
#undef KIND

/* The first name of a value is the one printed; "basic" is only parsed. */
const struct ctl_name ctl_callback_results[] = {
	{ HOTLINE__CALLBACK_RESULT__CALLBACK_RESULT_SATISFIED, "satisfied",
	    "满意" },
	{ HOTLINE__CALLBACK_RESULT__CALLBACK_RESULT_BASICALLY_SATISFIED,
	    "basically_satisfied", "基本满意" },
	{ HOTLINE__CALLBACK_RESULT__CALLBACK_RESULT_UNSATISFIED, "unsatisfied",
	    "不满意" },
	{ HOTLINE__CALLBACK_RESULT__CALLBACK_RESULT_UNREACHABLE, "unreachable",
	    "未联系上" },
	{ HOTLINE__CALLBACK_RESULT__CALLBACK_RESULT_BASICALLY_SATISFIED,
	    "basic", "基本满意" },
	{ 0, NULL, NULL }
};

const struct ctl_name ctl_closures[] = {
	{ HOTLINE__CLOSURE__CLOSURE_DIRECT_ANSWER, "direct_answer", "直接办结" },
	{ HOTLINE__CLOSURE__CLOSURE_CALLBACK, "callback", "回访办结" },
	{ HOTLINE__CLOSURE__CLOSURE_UNREACHABLE, "unreachable", "回访未联系上" },
	{ HOTLINE__CLOSURE__CLOSURE_INVALID, "invalid", "无效/骚扰" },
	{ HOTLINE__CLOSURE__CLOSURE_WITH_MASTER, "with_master", "随主单办结" },
	{ 0, NULL, NULL }
};

const struct ctl_name ctl_triage_reasons[] = {
	{ HOTLINE__TRIAGE_REASON__TRIAGE_REASON_LOW_CONFIDENCE,
	    "low_confidence", "分类不确定" },
	{ HOTLINE__TRIAGE_REASON__TRIAGE_REASON_RETURNED, "returned", "退单" },
	{ HOTLINE__TRIAGE_REASON__TRIAGE_REASON_DISPUTED, "disputed", "争议件" },
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

/* Formats ms since the epoch as Beijing time with strftime's fmt; 0 is "-". */
void
ctl_format_local(int64_t ms, const char *fmt, char *out, size_t outlen)
{
	int64_t secs = ms / 1000 - (ms % 1000 < 0);
	time_t t = (time_t)(secs + CTL_UTC_OFFSET);
	struct tm tm;

	if (ms == 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(out, outlen, fmt, &tm) == 0)
		snprintf(out, outlen, "-");
}

/* Formats ms since the epoch as Beijing time "YYYY-MM-DD HH:MM:SS"; 0 is "-". */
void
ctl_format_time(int64_t ms, char *out, size_t outlen)
{
	ctl_format_local(ms, "%Y-%m-%d %H:%M:%S", out, outlen);
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
	printf(CTL_LABEL "%s\n", label, ctl_or_dash(value));
}

/* Formats a category as "030102 城乡建设/物业管理/电梯" (or the code alone, or "-") into buf. */
static const char *
ctl_category(const char *code, const char *name, char *buf, size_t len)
{
	if (code == NULL || code[0] == '\0')
		return "-";
	if (name == NULL || name[0] == '\0')
		return code;
	snprintf(buf, len, "%s %s", code, name);
	return buf;
}

/* Prints an enum as "english 中文" under label. */
static void
ctl_field_enum(const char *label, const struct ctl_name *table, int value)
{
	printf(CTL_LABEL "%s %s\n", label, ctl_name_en(table, value),
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
	printf(CTL_LABEL "%s%s%s%s\n", "caller", phone,
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
	printf(CTL_LABEL "%s %s\n", "department", d->id, d->name != NULL ?
	    d->name : "");
}

/* Prints the times a ticket was created and last changed. */
static void
ctl_print_times(const Hotline__Ticket *t)
{
	char when[32];

	ctl_format_time(t->created_at, when, sizeof when);
	printf(CTL_LABEL "%s by %s\n", "created", when, ctl_or_dash(t->created_by));
	ctl_format_time(t->updated_at, when, sizeof when);
	ctl_field("updated", when);
}

/* Prints "label value (note)" when value is not empty. */
static void
ctl_field_note(const char *label, const char *value, const char *note)
{
	if (value != NULL && value[0] != '\0')
		printf(CTL_LABEL "%s (%s)\n", label, value, note);
}

/* Prints "label n (note)" when n is not zero. */
static void
ctl_field_count(const char *label, uint32_t n, const char *note)
{
	if (n > 0)
		printf(CTL_LABEL "%u (%s)\n", label, n, note);
}

/* Prints the assisting departments (协办) as "id name, id name". */
static void
ctl_print_assists(const Hotline__Ticket *t)
{
	const Hotline__Department *d;
	size_t i;

	if (t->n_assisting_departments == 0)
		return;
	printf(CTL_LABEL, "assisting");
	for (i = 0; i < t->n_assisting_departments; i++) {
		d = t->assisting_departments[i];
		printf("%s%s %s", i == 0 ? "" : ", ", ctl_or_dash(d->id),
		    d->name != NULL ? d->name : "");
	}
	puts(" (协办)");
}

/* Prints why a ticket waits in triage, its returns (退单) and dispute (争议件). */
static void
ctl_print_returns(const Hotline__Ticket *t)
{
	if (t->triage_reason != HOTLINE__TRIAGE_REASON__TRIAGE_REASON_UNSPECIFIED)
		ctl_field_enum("triage", ctl_triage_reasons, t->triage_reason);
	ctl_field_count("returns", t->returns, "退单次数");
	ctl_field_note("return reason", t->return_reason, "last 退单理由");
	ctl_field_note("return basis", t->return_basis, "依据");
	if (t->disputed)
		ctl_field("disputed", "yes 争议件");
}

/* Prints the pending extension request (延期申请) and the approved ones. */
static void
ctl_print_extensions(const Hotline__Ticket *t)
{
	const Hotline__Extension *e = t->pending_extension;
	char when[32];

	if (e != NULL) {
		ctl_format_time(e->requested_at, when, sizeof when);
		printf(CTL_LABEL "%s pending 待审批, asked by %s at %s: %s\n",
		    "extension", ctl_or_dash(e->extension),
		    ctl_or_dash(e->requested_by), when, ctl_or_dash(e->reason));
	}
	ctl_field_count("extensions", t->extensions, "approved 已延期");
}

/* Prints the urges (催办) and the supervision order (督办) with its answer. */
static void
ctl_print_supervision(const Hotline__Ticket *t)
{
	const Hotline__Supervision *s = t->supervision;
	char when[32];

	ctl_field_count("urges", t->urges, "催办次数");
	if (s == NULL)
		return;
	ctl_format_time(s->issued_at, when, sizeof when);
	printf(CTL_LABEL "%s (督办 by %s at %s, limit %s)\n", "supervision",
	    ctl_or_dash(s->text), ctl_or_dash(s->issued_by), when,
	    s->limit != NULL && s->limit[0] != '\0' ? s->limit : "default");
	if (s->due_at != 0) {
		ctl_format_local(s->due_at, "%Y-%m-%d %H:%M:%S %a", when,
		    sizeof when);
		printf(CTL_LABEL "%s (督办时限)%s\n", "order due", when,
		    s->overdue ? "  督办超时 OVERDUE" : "");
	}
	if (s->answer == NULL || s->answer[0] == '\0') {
		ctl_field("answered", "not yet (待反馈)");
		return;
	}
	ctl_format_time(s->answered_at, when, sizeof when);
	printf(CTL_LABEL "%s (督办反馈 at %s)\n", "answered", s->answer, when);
}

/* Prints the reply (办结回复), a send-back's reason and a direct answer. */
static void
ctl_print_reply(const Hotline__Ticket *t)
{
	if (t->reply_result != NULL && t->reply_result[0] != '\0')
		printf(CTL_LABEL "%s (%s)\n", "reply", t->reply_result,
		    t->solved ? "solved 已解决" : "unsolved 未解决");
	ctl_field_note("review note", t->review_note, "sent back 退回重办");
	ctl_field_note("direct answer", t->direct_answer, "直接办结");
	if (t->kb_article != NULL && t->kb_article[0] != '\0')
		printf(CTL_LABEL "%s 第%u版 (知识条目)\n", "cites", t->kb_article,
		    t->kb_version);
}

/* Prints the callback (回访): result, the citizen's words and failed attempts. */
static void
ctl_print_callback(const Hotline__Ticket *t)
{
	const char *comment = t->callback_comment;

	if (t->callback_result ==
	    HOTLINE__CALLBACK_RESULT__CALLBACK_RESULT_UNSPECIFIED &&
	    t->callback_attempts == 0)
		return;
	printf(CTL_LABEL "%s %s", "callback", ctl_name_en(ctl_callback_results,
	    t->callback_result), ctl_name_zh(ctl_callback_results,
	    t->callback_result));
	if (comment != NULL && comment[0] != '\0')
		printf(": %s", comment);
	if (t->callback_attempts > 0)
		printf(" (%u failed attempt%s)", t->callback_attempts,
		    t->callback_attempts == 1 ? "" : "s");
	putchar('\n');
}

/* Prints how a ticket was closed, reopens (重办), merging (并单) and 免考核. */
static void
ctl_print_outcome(const Hotline__Ticket *t)
{
	size_t i;

	ctl_field_count("reopens", t->reopens, "重办次数");
	if (t->closure != HOTLINE__CLOSURE__CLOSURE_UNSPECIFIED)
		ctl_field_enum("closure", ctl_closures, t->closure);
	ctl_field_note("master", t->master, "并单: follows it");
	if (t->n_merged > 0) {
		printf(CTL_LABEL, "merged");
		for (i = 0; i < t->n_merged; i++)
			printf("%s%s", i == 0 ? "" : ", ", t->merged[i]);
		puts(" (并单)");
	}
	if (t->exempt)
		printf(CTL_LABEL "yes 免考核: %s\n", "exempt",
		    ctl_or_dash(t->exempt_reason));
}

/* Prints a ticket, one labelled field per line; fields of later steps only when set. */
void
ctl_print_ticket(const Hotline__Ticket *t)
{
	char cat[512];

	if (t == NULL) {
		puts("no ticket");
		return;
	}
	ctl_field("number", t->number);
	ctl_field_enum("state", ctl_states, t->state);
	if (t->archived)
		ctl_field("archived", "已归档 (read from the archive; no longer changes)");
	ctl_print_breaches(t);
	ctl_field_enum("type", ctl_types, t->type);
	ctl_field_enum("urgency", ctl_urgencies, t->urgency);
	ctl_field_enum("channel", ctl_channels, t->channel);
	ctl_print_caller(t);
	ctl_print_location(t);
	ctl_field("title", t->title);
	ctl_field("content", t->content);
	ctl_print_department(t->lead_department);
	ctl_print_assists(t);
	ctl_field("category", ctl_category(t->category, t->category_name, cat,
	    sizeof cat));
	printf(CTL_LABEL "%.2f\n", "confidence", t->confidence);
	ctl_print_times(t);
	ctl_print_deadlines(t);
	ctl_print_returns(t);
	ctl_print_extensions(t);
	ctl_print_supervision(t);
	ctl_print_reply(t);
	ctl_print_callback(t);
	ctl_print_outcome(t);
}

/* Returns the names of a history change's enum field, or NULL. */
static const struct ctl_name *
ctl_change_names(const char *field)
{
	if (strcmp(field, "closure") == 0)
		return ctl_closures;
	if (strcmp(field, "triage_reason") == 0)
		return ctl_triage_reasons;
	if (strcmp(field, "callback_result") == 0)
		return ctl_callback_results;
	return NULL;
}

/* Prints s, cut after max characters (UTF-8 code points) with "…". */
static void
ctl_print_cut(const char *s, size_t max)
{
	size_t chars = 0, i;

	for (i = 0; s[i] != '\0'; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && chars++ == max) {
			printf("%.*s…", (int)i, s);
			return;
		}
	}
	fputs(s, stdout);
}

/* Says whether s ends with suffix. */
static int
ctl_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && strcmp(s + n - m, suffix) == 0;
}

/* Says whether a history change's field holds an instant: "*_at", the clock's dues. */
static int
ctl_change_is_time(const char *field)
{
	return ctl_ends_with(field, "_at") || ctl_ends_with(field, "_due") ||
	    ctl_ends_with(field, "_until") || strcmp(field, "clock_base") == 0;
}

/* Prints a changed field's value: enum names, times, durations, "-" when empty. */
static void
ctl_print_change_value(const Hotline__FieldChange *c)
{
	const struct ctl_name *names = ctl_change_names(c->field);
	unsigned long v;
	char when[32];

	if (c->value == NULL || c->value[0] == '\0')
		fputs("-", stdout);
	else if (names != NULL && ctl_parse_number(c->value, 255, &v) == 0)
		fputs(ctl_name_en(names, (int)v), stdout);
	else if (ctl_change_is_time(c->field) &&
	    ctl_parse_number(c->value, (unsigned long)INT64_MAX, &v) == 0) {
		ctl_format_time((int64_t)v, when, sizeof when);
		fputs(when, stdout);
	} else if (strcmp(c->field, "clock_left") == 0 &&
	    ctl_parse_number(c->value, (unsigned long)INT64_MAX, &v) == 0) {
		ctl_format_duration((int64_t)v, 0, when, sizeof when);
		fputs(when, stdout);
	} else
		ctl_print_cut(c->value, CTL_CHANGE_CHARS);
}

/* Prints the fields a step set as "  {dept=zjj, assists=water}"; the arrow shows the state. */
static void
ctl_print_changes(const Hotline__HistoryEntry *h)
{
	const Hotline__FieldChange *c;
	size_t i, shown = 0;

	for (i = 0; i < h->n_changes; i++) {
		c = h->changes[i];
		if (c->field == NULL || strcmp(c->field, "state") == 0)
			continue;
		printf("%s%s=", shown++ == 0 ? "  {" : ", ", c->field);
		ctl_print_change_value(c);
	}
	if (shown > 0)
		putchar('}');
}

/* Names the role of a history entry; the daemon's own steps (timers) have none. */
static const char *
ctl_history_role(Hotline__Role role)
{
	if (role == HOTLINE__ROLE__ROLE_UNSPECIFIED)
		return "daemon";
	return hl_role_name(role);
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
		    ctl_or_dash(h->principal), ctl_history_role(h->role),
		    ctl_or_dash(h->action), ctl_name_en(ctl_states, h->from_state),
		    ctl_name_en(ctl_states, h->to_state));
		if (h->department != NULL && h->department[0] != '\0')
			printf("  [%s]", h->department);
		if (h->note != NULL && h->note[0] != '\0')
			printf("  %s", h->note);
		ctl_print_changes(h);
		putchar('\n');
	}
}

/* Prints one ranked suggestion. */
static void
ctl_print_suggestion(size_t rank, const Hotline__Suggestion *s)
{
	const Hotline__Department *d = s->department;
	char cat[512];
	size_t i;

	printf("  %zu. %s %s  score %.2f  category %s", rank,
	    d != NULL ? ctl_or_dash(d->id) : "-",
	    d != NULL && d->name != NULL ? d->name : "", s->score,
	    ctl_category(s->category, s->category_name, cat, sizeof cat));
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
	if (r->emergency)	/* first: the call must be transferred now */
		ctl_print_emergency(r);
	puts(r->n_suggestions > 0 ? "suggestions" : "suggestions none");
	for (i = 0; i < r->n_suggestions; i++)
		ctl_print_suggestion(i + 1, r->suggestions[i]);
	printf(CTL_LABEL "%.2f\n", "confidence", r->confidence);
	if (r->n_suggestions > 0)
		top = r->suggestions[0]->department;
	if (r->emergency)
		return;
	if (r->auto_dispatch && top != NULL)
		printf(CTL_LABEL "yes: to %s %s\n", "auto-dispatch", top->id,
		    top->name);
	else
		printf(CTL_LABEL "no: to triage 待派单\n", "auto-dispatch");
}

/* Prints a ticket's state, and for one in triage why it waits there. */
static void
ctl_print_list_state(const Hotline__Ticket *t)
{
	printf("%s %s", ctl_name_en(ctl_states, t->state),
	    ctl_name_zh(ctl_states, t->state));
	if (t->state == HOTLINE__TICKET_STATE__TICKET_STATE_TRIAGE &&
	    t->triage_reason !=
	    HOTLINE__TRIAGE_REASON__TRIAGE_REASON_UNSPECIFIED)
		printf(" (%s %s)", ctl_name_en(ctl_triage_reasons,
		    t->triage_reason), ctl_name_zh(ctl_triage_reasons,
		    t->triage_reason));
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
		printf("%s  ", t->number);
		ctl_print_list_state(t);
		printf("  %s  %s %s  %s  ", when,
		    ctl_name_en(ctl_types, t->type),
		    ctl_name_zh(ctl_types, t->type),
		    t->lead_department != NULL ?
		    ctl_or_dash(t->lead_department->id) : "-");
		ctl_print_due_marker(t);
		printf("%s\n", t->title);
	}
	if (list->truncated)
		puts("(more tickets match: raise --limit)");
}

/* Prints a pushed event on one line: id, kind, number, state, actor, title. */
void
ctl_print_event(const Hotline__Event *ev)
{
	const Hotline__Ticket *t = ev->ticket;
	int state = t != NULL ? (int)t->state : 0;

	printf("%s  %s %s  %s  %s %s  by %s  %s\n", ctl_or_dash(ev->id),
	    ctl_name_en(ctl_event_kinds, ev->kind),
	    ctl_name_zh(ctl_event_kinds, ev->kind), ctl_or_dash(ev->number),
	    ctl_name_en(ctl_states, state), ctl_name_zh(ctl_states, state),
	    ctl_or_dash(ev->actor), t != NULL ? ctl_or_dash(t->title) : "-");
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
