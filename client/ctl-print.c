/* hotlinectl's output: a reply's body as JSON (-j), or readable text in the language in force: tickets, history, lists, routing, feed events. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "ctl-learn.h"

#define CTL_CHANGE_CHARS 40	/* a history change's value is cut after this */

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

/* Formats ms since the epoch as Beijing time "YYYY-MM-DD HH:MM:SS +08:00"; 0 is "-". */
void
ctl_format_time(int64_t ms, char *out, size_t outlen)
{
	ctl_format_local(ms, "%Y-%m-%d %H:%M:%S +08:00", out, outlen);
}

/* Returns s, or "-" when it is empty. */
const char *
ctl_or_dash(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : "-";
}

/* Prints a ticket field's label padded to CTL_LABEL_COLUMNS display columns. */
void
ctl_label(const char *label)
{
	ctl_print_padded(stdout, label, CTL_LABEL_COLUMNS - 2, 0);
	fputs("  ", stdout);
}

/* Prints one labelled line of a ticket. */
static void
ctl_field(const char *label, const char *value)
{
	ctl_label(label);
	printf("%s\n", ctl_or_dash(value));
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

/* Prints an enum's name in the language in force under label. */
static void
ctl_field_enum(const char *label, const struct ctl_name *table, int value)
{
	ctl_field(label, ctl_name(table, value));
}

/* Prints the caller, or the 保密 marking when the daemon masked them. */
static void
ctl_print_caller(const Hotline__Ticket *t)
{
	const char *phone = t->caller_phone, *name = t->caller_name;

	if (phone == NULL || phone[0] == '\0') {
		ctl_field(CTL_T(CALLER), t->confidential ? CTL_T(MASKED) : "");
		return;
	}
	ctl_label(CTL_T(CALLER));
	printf("%s%s%s%s\n", phone, name != NULL && name[0] != '\0' ? " " : "",
	    name != NULL ? name : "", t->confidential ? CTL_T(CONFIDENTIAL) :
	    "");
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
	ctl_field(CTL_T(LOCATION), line);
}

/* Writes a department as "id name" (or "-") into buf. */
static const char *
ctl_dept(const Hotline__Department *d, char *buf, size_t len)
{
	if (d == NULL || d->id == NULL || d->id[0] == '\0')
		return "-";
	snprintf(buf, len, "%s%s%s", d->id, d->name != NULL &&
	    d->name[0] != '\0' ? " " : "", d->name != NULL ? d->name : "");
	return buf;
}

/* Prints the times a ticket was created and last changed. */
static void
ctl_print_times(const Hotline__Ticket *t)
{
	char when[32];

	ctl_format_time(t->created_at, when, sizeof when);
	ctl_label(CTL_T(CREATED));
	printf(CTL_T(CREATED_BY), when, ctl_or_dash(t->created_by));
	putchar('\n');
	ctl_format_time(t->updated_at, when, sizeof when);
	ctl_field(CTL_T(UPDATED), when);
}

/* Prints "label value" when value is not empty. */
static void
ctl_field_set(const char *label, const char *value)
{
	if (value != NULL && value[0] != '\0')
		ctl_field(label, value);
}

/* Prints "label n" when n is not zero. */
static void
ctl_field_count(const char *label, uint32_t n)
{
	if (n > 0) {
		ctl_label(label);
		printf("%u\n", n);
	}
}

/* Prints the assisting departments (协办) as "id name, id name". */
static void
ctl_print_assists(const Hotline__Ticket *t)
{
	char dept[160];
	size_t i;

	if (t->n_assisting_departments == 0)
		return;
	ctl_label(CTL_T(ASSISTING));
	for (i = 0; i < t->n_assisting_departments; i++)
		printf("%s%s", i == 0 ? "" : ", ",
		    ctl_dept(t->assisting_departments[i], dept, sizeof dept));
	putchar('\n');
}

/* Returns the value of field in a history entry's changes, or NULL. */
static const char *
ctl_change(const Hotline__HistoryEntry *h, const char *field)
{
	size_t i;

	for (i = 0; i < h->n_changes; i++)
		if (h->changes[i]->field != NULL &&
		    strcmp(h->changes[i]->field, field) == 0)
			return h->changes[i]->value;
	return NULL;
}

/*
 * Finds an assisting department's part in the history: its last sign
 * (sign_assist) and reply (reply_assist) since the ticket was last routed
 * (dispatch, redispatch), which starts every part afresh. Sets *signed_at,
 * *replied_at and *reply (NULL when none).
 */
void
ctl_assist_progress(const Hotline__Ticket *t, const char *dept,
    const Hotline__HistoryEntry **signed_at,
    const Hotline__HistoryEntry **replied_at)
{
	const Hotline__HistoryEntry *h;
	size_t i;

	*signed_at = *replied_at = NULL;
	for (i = 0; i < t->n_history; i++) {
		h = t->history[i];
		if (h->action == NULL)
			continue;
		if (strcmp(h->action, "dispatch") == 0 ||
		    strcmp(h->action, "redispatch") == 0)
			*signed_at = *replied_at = NULL;
		if (h->department == NULL || strcmp(h->department, dept) != 0)
			continue;
		if (strcmp(h->action, "sign_assist") == 0)
			*signed_at = h;
		else if (strcmp(h->action, "reply_assist") == 0)
			*replied_at = h;
	}
}

/* Prints each assisting department's progress (协办进度) from the history, for the lead. */
static void
ctl_print_assist_progress(const Hotline__Ticket *t)
{
	const Hotline__HistoryEntry *sig, *rep;
	char dept[160], when[32];
	size_t i;

	if (t->n_history == 0)
		return;
	for (i = 0; i < t->n_assisting_departments; i++) {
		ctl_label(i == 0 ? CTL_T(ASSISTS_PROGRESS) : "");
		printf("%s: ", ctl_dept(t->assisting_departments[i], dept,
		    sizeof dept));
		ctl_assist_progress(t, t->assisting_departments[i]->id, &sig,
		    &rep);
		if (rep != NULL) {
			ctl_format_local(rep->at, "%m-%d %H:%M", when,
			    sizeof when);
			printf(CTL_T(ASSIST_REPLIED), when,
			    ctl_or_dash(ctl_change(rep, "reply_result")));
		} else if (sig != NULL) {
			ctl_format_local(sig->at, "%m-%d %H:%M", when,
			    sizeof when);
			printf(CTL_T(ASSIST_SIGNED), when);
		} else
			fputs(CTL_T(ASSIST_WAITING), stdout);
		putchar('\n');
	}
}

/* Prints why a ticket waits in triage, its returns (退单) and dispute (争议件). */
static void
ctl_print_returns(const Hotline__Ticket *t)
{
	if (t->triage_reason != HOTLINE__TRIAGE_REASON__TRIAGE_REASON_UNSPECIFIED)
		ctl_field_enum(CTL_T(TRIAGE), ctl_triage_reasons,
		    t->triage_reason);
	ctl_field_count(CTL_T(RETURNS), t->returns);
	ctl_field_set(CTL_T(RETURN_REASON), t->return_reason);
	ctl_field_set(CTL_T(RETURN_BASIS), t->return_basis);
	if (t->disputed)
		ctl_field(CTL_T(DISPUTED), CTL_T(YES));
}

/* Prints the pending extension request (延期申请) and the approved ones. */
static void
ctl_print_extensions(const Hotline__Ticket *t)
{
	const Hotline__Extension *e = t->pending_extension;
	char when[32], limit[64];

	if (e != NULL) {
		ctl_format_time(e->requested_at, when, sizeof when);
		ctl_label(CTL_T(EXTENSION));
		ctl_limit_text(ctl_or_dash(e->extension), limit, sizeof limit);
		printf(CTL_T(PENDING_EXTENSION), limit,
		    ctl_or_dash(e->requested_by), when, ctl_or_dash(e->reason));
		putchar('\n');
	}
	ctl_field_count(CTL_T(EXTENSIONS), t->extensions);
}

/* Prints the urges (催办) and the supervision order (督办): text, due time, answer. */
static void
ctl_print_supervision(const Hotline__Ticket *t)
{
	const Hotline__Supervision *s = t->supervision;
	char when[40], limit[64];

	ctl_field_count(CTL_T(URGES), t->urges);
	if (s == NULL)
		return;
	ctl_format_time(s->issued_at, when, sizeof when);
	ctl_label(CTL_T(SUPERVISION));
	if (s->limit != NULL && s->limit[0] != '\0')
		ctl_limit_text(s->limit, limit, sizeof limit);
	else
		snprintf(limit, sizeof limit, "%s", CTL_T(DEFAULT_LIMIT));
	printf(CTL_T(SUPERVISION_BY), ctl_or_dash(s->text),
	    ctl_or_dash(s->issued_by), when, limit);
	putchar('\n');
	if (s->due_at != 0) {
		ctl_format_due(s->due_at, when, sizeof when);
		ctl_label(CTL_T(ORDER_DUE));
		printf("%s%s%s\n", when, s->overdue ? "  " : "",
		    s->overdue ? CTL_T(SUPERVISION_OVERDUE) : "");
	}
	if (s->answer == NULL || s->answer[0] == '\0') {
		ctl_field(CTL_T(ANSWERED), CTL_T(NOT_ANSWERED));
		return;
	}
	ctl_format_time(s->answered_at, when, sizeof when);
	ctl_label(CTL_T(ANSWERED));
	printf(CTL_T(ANSWERED_AT), s->answer, when);
	putchar('\n');
}

/* Prints the reply (办结回复), a send-back's reason and a direct answer. */
static void
ctl_print_reply(const Hotline__Ticket *t)
{
	if (t->reply_result != NULL && t->reply_result[0] != '\0') {
		ctl_label(CTL_T(REPLY));
		printf("%s (%s)\n", t->reply_result, t->solved ?
		    CTL_T(SOLVED) : CTL_T(UNSOLVED));
	}
	ctl_field_set(CTL_T(REVIEW_NOTE), t->review_note);
	ctl_field_set(CTL_T(DIRECT_ANSWER), t->direct_answer);
	if (t->kb_article != NULL && t->kb_article[0] != '\0') {
		ctl_label(ctl_lang == CTL_LANG_EN ? "cites" : "引用知识");
		printf(ctl_lang == CTL_LANG_EN ? "%s version %u\n" :
		    "%s 第%u版\n", t->kb_article, t->kb_version);
	}
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
	ctl_label(CTL_T(CALLBACK));
	fputs(t->callback_result ==
	    HOTLINE__CALLBACK_RESULT__CALLBACK_RESULT_UNSPECIFIED ? "-" :
	    ctl_name(ctl_callback_results, t->callback_result), stdout);
	if (comment != NULL && comment[0] != '\0')
		printf(": %s", comment);
	if (t->callback_attempts > 0)
		printf(CTL_T(FAILED_ATTEMPTS), t->callback_attempts);
	putchar('\n');
}

/* Prints how a ticket was closed, reopens (重办), merging (并单) and 免考核. */
static void
ctl_print_outcome(const Hotline__Ticket *t)
{
	size_t i;

	ctl_field_count(CTL_T(REOPENS), t->reopens);
	if (t->closure != HOTLINE__CLOSURE__CLOSURE_UNSPECIFIED)
		ctl_field_enum(CTL_T(CLOSURE), ctl_closures, t->closure);
	if (t->master != NULL && t->master[0] != '\0') {
		ctl_label(CTL_T(MASTER));
		printf(CTL_T(FOLLOWS_MASTER), t->master);
		putchar('\n');
	}
	if (t->n_merged > 0) {
		ctl_label(CTL_T(MERGED));
		for (i = 0; i < t->n_merged; i++)
			printf("%s%s", i == 0 ? "" : ", ", t->merged[i]);
		putchar('\n');
	}
	if (t->exempt) {
		ctl_label(CTL_T(EXEMPT));
		printf("%s: %s\n", CTL_T(YES), ctl_or_dash(t->exempt_reason));
	}
}

/* Prints a ticket, one labelled field per line; fields of later steps only when set. */
void
ctl_print_ticket(const Hotline__Ticket *t)
{
	char buf[512];

	if (t == NULL) {
		puts(CTL_T(NO_TICKET));
		return;
	}
	ctl_field(CTL_T(NUMBER), t->number);
	ctl_field_enum(CTL_T(STATE), ctl_states, t->state);
	if (t->archived)
		ctl_field(ctl_lang == CTL_LANG_EN ? "archived" : "归档",
		    ctl_lang == CTL_LANG_EN ? "read from the archive; it no "
		    "longer changes" : "已归档（从档案库读取，不再变动）");
	ctl_print_breaches(t);
	ctl_field_enum(CTL_T(TYPE), ctl_types, t->type);
	ctl_field_enum(CTL_T(URGENCY), ctl_urgencies, t->urgency);
	ctl_field_enum(CTL_T(CHANNEL), ctl_channels, t->channel);
	ctl_print_caller(t);
	ctl_print_location(t);
	ctl_field(CTL_T(TITLE), t->title);
	ctl_field(CTL_T(CONTENT), t->content);
	ctl_field(CTL_T(DEPARTMENT), ctl_dept(t->lead_department, buf,
	    sizeof buf));
	ctl_print_assists(t);
	ctl_print_assist_progress(t);
	ctl_field(CTL_T(CATEGORY), ctl_category(t->category, t->category_name,
	    buf, sizeof buf));
	ctl_label(CTL_T(CONFIDENCE));
	printf("%.2f\n", t->confidence);
	ctl_print_times(t);
	ctl_print_deadlines(t);
	ctl_print_returns(t);
	ctl_print_extensions(t);
	ctl_print_supervision(t);
	ctl_print_reply(t);
	ctl_print_callback(t);
	ctl_print_outcome(t);
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

/*
 * Writes a changed field's value as a person reads it into out: enum
 * names, times, a stopped clock's time left as a duration, flags as
 * yes/no, "-" when emptied; other text is left to the caller (returns 0).
 * Returns 1 when out holds the value, -1 when the change says nothing
 * worth showing (a running clock's "clock_left=-1").
 */
int
ctl_change_text(const char *field, const char *value, char *out,
    size_t outlen)
{
	const struct ctl_name *names = ctl_field_names(field);
	unsigned long v;

	if (strcmp(field, "clock_left") == 0) {
		if (value == NULL || strcmp(value, "-1") == 0 ||
		    value[0] == '\0')
			return -1;
		if (ctl_parse_number(value, (unsigned long)INT64_MAX, &v) == -1)
			return 0;
		ctl_format_duration((int64_t)v, 0, out, outlen);
		return 1;
	}
	if (value == NULL || value[0] == '\0' || (ctl_field_is_time(field) &&
	    strcmp(value, "0") == 0)) {
		snprintf(out, outlen, "-");
		return 1;
	}
	if (names != NULL && ctl_parse_number(value, 255, &v) == 0) {
		snprintf(out, outlen, "%s", ctl_name(names, (int)v));
		return 1;
	}
	if (ctl_field_is_flag(field) && (strcmp(value, "0") == 0 ||
	    strcmp(value, "1") == 0)) {
		snprintf(out, outlen, "%s", value[0] == '1' ? CTL_T(YES) :
		    CTL_T(NO));
		return 1;
	}
	if (ctl_field_is_time(field) &&
	    ctl_parse_number(value, (unsigned long)INT64_MAX, &v) == 0) {
		ctl_format_time((int64_t)v, out, outlen);
		return 1;
	}
	if (ctl_field_is_limit(field)) {
		ctl_limit_text(value, out, outlen);
		return 1;
	}
	return 0;
}

/* Prints the fields a step set as "  {主办单位=zjj, 签收期限=…}"; the arrow shows the state. */
static void
ctl_print_changes(const Hotline__HistoryEntry *h)
{
	const Hotline__FieldChange *c;
	size_t i, shown = 0;
	char text[64];
	int r;

	for (i = 0; i < h->n_changes; i++) {
		c = h->changes[i];
		if (c->field == NULL || strcmp(c->field, "state") == 0 ||
		    (r = ctl_change_text(c->field, c->value, text,
		    sizeof text)) == -1)
			continue;
		printf("%s%s=", shown++ == 0 ? "  {" : ", ",
		    ctl_field_label(c->field));
		if (r == 1)
			fputs(text, stdout);
		else
			ctl_print_cut(c->value, CTL_CHANGE_CHARS);
	}
	if (shown > 0)
		putchar('}');
}

/* Prints one history entry on a line: time, who (role), step, states, department, note, fields. */
static void
ctl_print_history_entry(const Hotline__HistoryEntry *h)
{
	char when[32];

	ctl_format_time(h->at, when, sizeof when);
	printf("  %s  %s (%s)  %s  ", when, h->role ==
	    HOTLINE__ROLE__ROLE_UNSPECIFIED ? CTL_T(DAEMON) :
	    ctl_or_dash(h->principal), ctl_name(ctl_roles, h->role),
	    ctl_step_name(h->action));
	if (h->from_state != h->to_state)
		printf("%s → ", h->from_state ==
		    HOTLINE__TICKET_STATE__TICKET_STATE_UNSPECIFIED ? "-" :
		    ctl_name(ctl_states, h->from_state));
	fputs(ctl_name(ctl_states, h->to_state), stdout);
	if (h->department != NULL && h->department[0] != '\0')
		printf("  [%s]", h->department);
	if (h->note != NULL && h->note[0] != '\0')
		printf("  %s", h->note);
	ctl_print_changes(h);
	putchar('\n');
}

/* Prints a ticket's history, one line per entry, oldest first. */
void
ctl_print_history(const Hotline__Ticket *t)
{
	size_t i;

	if (t == NULL)
		return;
	puts(CTL_T(HISTORY));
	for (i = 0; i < t->n_history; i++)
		ctl_print_history_entry(t->history[i]);
}

/* Prints one ranked suggestion; model: the learned model took part (its probability). */
static void
ctl_print_suggestion(size_t rank, const Hotline__Suggestion *s, int model)
{
	char cat[512], dept[160];
	size_t i;

	printf("  %zu. %s  ", rank, ctl_dept(s->department, dept, sizeof dept));
	printf(CTL_T(SUGGESTION_CONFIDENCE), s->confidence);
	if (model)
		printf(CTL_T(SUGGESTION_MODEL), s->model_probability);
	if (s->n_matched == 0 && s->score == 0 && (s->category == NULL ||
	    s->category[0] == '\0')) {
		/* not "得分 0.00 分类 -": a dispatcher would read nothing there */
		printf("  %s\n", CTL_T(MODEL_ONLY));
		return;
	}
	printf("  %s %.2f  %s %s", CTL_T(SCORE), s->score, CTL_T(CATEGORY),
	    ctl_category(s->category, s->category_name, cat, sizeof cat));
	if (s->n_matched > 0)
		printf("  %s ", CTL_T(MATCHED));
	for (i = 0; i < s->n_matched; i++)
		printf("%s%s", i == 0 ? "" : ", ", s->matched[i]);
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
	puts(r->n_suggestions > 0 ? CTL_T(SUGGESTIONS) : CTL_T(NO_SUGGESTIONS));
	for (i = 0; i < r->n_suggestions; i++)
		ctl_print_suggestion(i + 1, r->suggestions[i],
		    r->model_examples > 0);
	ctl_label(CTL_T(CONFIDENCE));
	printf("%.2f\n", r->confidence);
	if (r->n_suggestions > 0)
		top = r->suggestions[0]->department;
	if (r->emergency)
		return;
	ctl_label(CTL_T(AUTO_DISPATCH));
	if (r->auto_dispatch && top != NULL)
		printf(CTL_T(AUTO_YES), top->id, top->name);
	else
		fputs(CTL_T(AUTO_NO), stdout);
	putchar('\n');
}

/* The cells of a list line, each a column of the table. */
enum ctl_list_cell {
	CTL_CELL_NUMBER, CTL_CELL_STATE, CTL_CELL_TYPE, CTL_CELL_DEPT,
	CTL_CELL_DUE, CTL_CELL_MARKS, CTL_CELL_TITLE, CTL_CELLS
};

#define CTL_CELL_LEN 256

/* Writes a ticket's state, and for one in triage why it waits there. */
static void
ctl_list_state(const Hotline__Ticket *t, char *out, size_t outlen)
{
	if (t->state == HOTLINE__TICKET_STATE__TICKET_STATE_TRIAGE &&
	    t->triage_reason !=
	    HOTLINE__TRIAGE_REASON__TRIAGE_REASON_UNSPECIFIED)
		snprintf(out, outlen, "%s(%s)", ctl_name(ctl_states, t->state),
		    ctl_name(ctl_triage_reasons, t->triage_reason));
	else
		snprintf(out, outlen, "%s", ctl_name(ctl_states, t->state));
}

/* Appends a mark to a list line's marks cell. */
static void
ctl_mark(char *out, size_t outlen, const char *mark)
{
	size_t n = strlen(out);

	if (n < outlen)
		snprintf(out + n, outlen - n, "%s%s", n > 0 ? " " : "", mark);
}

/*
 * Writes the marks of a list line: 催办 (with the count past one), 督办 with
 * its due time until answered, 重办, 免考核, 争议.
 */
void
ctl_list_marks(const Hotline__Ticket *t, char *out, size_t outlen)
{
	const Hotline__Supervision *s = t->supervision;
	char mark[96], when[32];

	out[0] = '\0';
	if (t->urges > 1) {
		snprintf(mark, sizeof mark, "%s×%u", CTL_T(MARK_URGED), t->urges);
		ctl_mark(out, outlen, mark);
	} else if (t->urges == 1)
		ctl_mark(out, outlen, CTL_T(MARK_URGED));
	if (s != NULL && (s->answer == NULL || s->answer[0] == '\0') &&
	    s->due_at != 0) {
		ctl_format_short(s->due_at, when, sizeof when);
		snprintf(mark, sizeof mark, "%s(%s %s)", CTL_T(MARK_SUPERVISED),
		    CTL_T(DUE), when);
		ctl_mark(out, outlen, mark);
	} else if (s != NULL)
		ctl_mark(out, outlen, CTL_T(MARK_SUPERVISED));
	if (t->reopens > 0)
		ctl_mark(out, outlen, CTL_T(MARK_REOPENED));
	if (t->exempt)
		ctl_mark(out, outlen, CTL_T(MARK_EXEMPT));
	if (t->disputed)
		ctl_mark(out, outlen, CTL_T(MARK_DISPUTED));
}

/* Fills the cells of a ticket's list line. */
static void
ctl_list_cells(const Hotline__Ticket *t, char cells[CTL_CELLS][CTL_CELL_LEN])
{
	snprintf(cells[CTL_CELL_NUMBER], CTL_CELL_LEN, "%s",
	    ctl_or_dash(t->number));
	ctl_list_state(t, cells[CTL_CELL_STATE], CTL_CELL_LEN);
	snprintf(cells[CTL_CELL_TYPE], CTL_CELL_LEN, "%s",
	    ctl_name(ctl_types, t->type));
	snprintf(cells[CTL_CELL_DEPT], CTL_CELL_LEN, "%s",
	    t->lead_department != NULL ?
	    ctl_or_dash(t->lead_department->id) : "-");
	ctl_list_due(t, cells[CTL_CELL_DUE], CTL_CELL_LEN);
	ctl_list_marks(t, cells[CTL_CELL_MARKS], CTL_CELL_LEN);
	snprintf(cells[CTL_CELL_TITLE], CTL_CELL_LEN, "%s",
	    ctl_or_dash(t->title));
}

/*
 * Prints a list of tickets as a table aligned by display width: number,
 * state, type, lead department, the deadline that matters now with the time
 * left and 黄灯/红灯, marks (催办, 督办, 重办, 免考核, 争议), title.
 */
void
ctl_print_list(const Hotline__TicketList *list)
{
	char (*cells)[CTL_CELLS][CTL_CELL_LEN];
	size_t width[CTL_CELLS] = { 0 }, i, c, w;

	if (list->n_tickets == 0)
		puts(CTL_T(NO_TICKETS));
	cells = list->n_tickets > 0 ? calloc(list->n_tickets,
	    sizeof *cells) : NULL;
	if (cells == NULL && list->n_tickets > 0)
		fputs("hotlinectl: out of memory\n", stderr);
	for (i = 0; cells != NULL && i < list->n_tickets; i++) {
		ctl_list_cells(list->tickets[i], cells[i]);
		for (c = 0; c < CTL_CELLS; c++)
			if ((w = ctl_display_width(cells[i][c])) > width[c])
				width[c] = w;
	}
	for (i = 0; cells != NULL && i < list->n_tickets; i++) {
		for (c = 0; c < CTL_CELL_TITLE; c++) {
			if (width[c] == 0)
				continue;
			ctl_print_padded(stdout, cells[i][c], width[c], 0);
			fputs("  ", stdout);
		}
		puts(cells[i][CTL_CELL_TITLE]);
	}
	free(cells);
	if (list->truncated && list->next_cursor != NULL &&
	    list->next_cursor[0] != '\0')
		ctl_print_next_page(list->next_cursor);
	else if (list->truncated)
		puts(CTL_T(MORE_TICKETS));
}

/*
 * Returns the kind an event shows as. The daemon tells a department that
 * returned a ticket (退单) with TAKEN_AWAY, as for a re-dispatch: it shows
 * as RETURNED when the ticket waits in triage as returned, or when the
 * event's note is the ticket's last return reason (a replay after the
 * ticket moved on).
 */
static int
ctl_event_kind(const Hotline__Event *ev)
{
	const Hotline__Ticket *t = ev->ticket;

	if (ev->kind != HOTLINE__EVENT_KIND__EVENT_KIND_TAKEN_AWAY || t == NULL)
		return ev->kind;
	if (t->state == HOTLINE__TICKET_STATE__TICKET_STATE_TRIAGE &&
	    t->triage_reason == HOTLINE__TRIAGE_REASON__TRIAGE_REASON_RETURNED)
		return HOTLINE__EVENT_KIND__EVENT_KIND_RETURNED;
	if (ev->note != NULL && ev->note[0] != '\0' &&
	    t->return_reason != NULL && strcmp(ev->note, t->return_reason) == 0)
		return HOTLINE__EVENT_KIND__EVENT_KIND_RETURNED;
	return ev->kind;
}

/* Prints what an event says beyond its kind: an order's text and due time, a return's reason. */
static void
ctl_print_event_text(const Hotline__Event *ev, int kind)
{
	const Hotline__Ticket *t = ev->ticket;
	const Hotline__Supervision *s = t != NULL ? t->supervision : NULL;
	char when[32];

	if (kind == HOTLINE__EVENT_KIND__EVENT_KIND_SUPERVISED && s != NULL) {
		ctl_format_short(s->due_at, when, sizeof when);
		printf("  「%s」 %s %s", ctl_or_dash(s->text), CTL_T(DUE), when);
	} else if (ev->note != NULL && ev->note[0] != '\0')
		printf("  「%s」", ev->note);
	else if (kind == HOTLINE__EVENT_KIND__EVENT_KIND_RETURNED &&
	    t != NULL && t->return_reason != NULL && t->return_reason[0] != '\0')
		printf("  「%s」", t->return_reason);
}

/* Prints a pushed event on one line: local time, kind, number, state, actor, title, text. */
void
ctl_print_event(const Hotline__Event *ev)
{
	const Hotline__Ticket *t = ev->ticket;
	int kind = ctl_event_kind(ev);
	char when[32];

	ctl_format_time(ev->at, when, sizeof when);
	printf("%s  %s  %s", when, ctl_name(ctl_event_kinds, kind),
	    ev->kb_article != NULL && ev->kb_article[0] != '\0' ?
	    ev->kb_article : ctl_or_dash(ev->number));
	if (t != NULL)
		printf("  %s", ctl_name(ctl_states, t->state));
	if (ev->actor != NULL && ev->actor[0] != '\0') {
		fputs("  ", stdout);
		printf(CTL_T(BY), ev->actor);
	}
	if (t != NULL && t->title != NULL && t->title[0] != '\0')
		printf("  %s", t->title);
	ctl_print_event_text(ev, kind);
	putchar('\n');
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

/* Returns the message inside an envelope's body, or NULL. */
static const ProtobufCMessage *
ctl_body(const Hotline__Envelope *env)
{
	const ProtobufCFieldDescriptor *f;

	f = protobuf_c_message_descriptor_get_field(
	    &hotline__envelope__descriptor, (unsigned)env->body_case);
	if (f == NULL)
		return NULL;
	return *(ProtobufCMessage *const *)((const char *)env + f->offset);
}

/* Prints msg as JSON on one line (compact) or indented; returns an exit status. */
int
ctl_print_json(const ProtobufCMessage *msg, int compact)
{
	json_t *obj;
	int r;

	if (msg == NULL || (obj = json_from_protobuf(msg)) == NULL) {
		fputs("hotlinectl: out of memory\n", stderr);
		return CTL_EXIT_FAILURE;
	}
	r = json_dumpf(obj, stdout, JSON_REAL_PRECISION(15) |
	    (compact ? JSON_COMPACT : JSON_INDENT(2)));
	json_decref(obj);
	fputc('\n', stdout);
	fflush(stdout);
	return r == 0 ? CTL_EXIT_OK : CTL_EXIT_FAILURE;
}

/* Prints a reply: its body as JSON with -j, else through text; returns an exit status. */
int
ctl_output(const struct ctl *ctl, const Hotline__Envelope *reply,
    ctl_text_fn text)
{
	if (ctl->json)
		return ctl_print_json(ctl_body(reply), 0);
	text(reply);
	return CTL_EXIT_OK;
}
