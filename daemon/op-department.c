/* A department terminal's operations: list, sign (签收), return (退单), extend, suspend, note, reply (办结回复). */
#include <string.h>

#include "hotlined.h"
#include "archive.h"
#include "keys.h"
#include "script-args.h"

#define LIST_LIMIT_DEFAULT 200
#define LIST_LIMIT_MAX 1000
#define REPLY_RESULT_MAX_CHARS 5000
#define NOTE_MAX_CHARS 1000

/* Returns 1 for "" or a list cursor as answer_ticket_list makes them: "<score>:<number>". */
static int
list_cursor_valid(const char *c)
{
	size_t score = strspn(c, "0123456789");

	if (c[0] == '\0')
		return 1;
	return score > 0 && score <= 20 && c[score] == ':' &&
	    ticket_number_valid(c + score + 1);
}

/* Answers BAD_REQUEST and returns -1 unless cursor is "" or one answer_ticket_list made; see archive.h. */
int
list_cursor_check(struct request *r, const char *cursor)
{
	if (list_cursor_valid(cursor))
		return 0;
	request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST, "cursor",
	    ZH_EN("cursor 须为空或本服务给出的 next_cursor",
	    "cursor must be empty or a next_cursor this server gave"));
	return -1;
}

/*
 * The department whose open tickets r lists: a terminal's own ("" or its
 * id; another's is FORBIDDEN), any configured one a dispatcher or
 * supervisor names (else BAD_REQUEST). NULL after answering.
 */
static const char *
list_department(struct request *r)
{
	const char *asked = r->in->list->department;

	if (r->conn->role == HOTLINE__ROLE__ROLE_DEPARTMENT) {
		if (asked[0] == '\0' || strcmp(asked, r->conn->department) == 0)
			return r->conn->department;
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_FORBIDDEN,
		    "department", ZH_EN("承办单位终端只能列出本单位的工单："
		    "department 请留空", "a department terminal lists only its "
		    "own tickets: leave department empty"));
		return NULL;
	}
	if (config_department(hotlined.cfg, asked) != NULL)
		return asked;
	request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
	    "department", asked[0] == '\0' ? ZH_EN("department 为必填项："
	    "要列出哪个单位的在办工单", "department is required: whose open "
	    "tickets to list") : ZH_EN("department：没有这个单位",
	    "department: no such department"));
	return NULL;
}

/* A department's open tickets (lead or assisting), oldest first, a page at a time. */
void
op_list(struct request *r)
{
	unsigned limit = r->in->list->limit;
	const char *cursor = r->in->list->cursor;
	const char *dept = list_department(r);
	struct store_args args = { 0 };

	if (dept == NULL)
		return;
	if (list_cursor_check(r, cursor) == -1)
		return;
	if (limit == 0)
		limit = LIST_LIMIT_DEFAULT;
	if (limit > LIST_LIMIT_MAX)
		limit = LIST_LIMIT_MAX;
	store_args_addf(&args, KEY_DEPT_OPEN, dept);
	script_args_tickets(&args, "asc", limit, cursor);
	request_script(r, SCRIPT_TICKETS, 1, &args, answer_ticket_list);
	store_args_free(&args);
}

/*
 * Answers BAD_REQUEST naming field if text is empty (when required) or
 * longer than max code points; returns -1 then.
 */
int
check_text(struct request *r, const char *field, const char *text,
    int required, size_t max)
{
	if (required && text[0] == '\0') {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    field, "%s" ZH_EN(" 为必填项", " is required"), field);
		return -1;
	}
	if (utf8_length(text) <= max)
		return 0;
	request_error2(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST, field,
	    "%s 超过 %zu 个字", "%s is longer than %zu characters", field, max);
	return -1;
}

/* 签收: the department takes the ticket on (an assisting one: its part). */
void
op_sign(struct request *r)
{
	const Hotline__SignRequest *q = r->in->sign;
	struct step s = { .number = q->number, .note = q->note };

	if (check_text(r, "note", q->note, 0, NOTE_MAX_CHARS) == 0)
		step_run(r, TICKET_SIGN, &s);
}

/* 办结回复: the result for the citizen (an assisting one's reply goes to the lead). */
void
op_reply(struct request *r)
{
	const Hotline__ReplyRequest *q = r->in->reply;
	struct step s = { .number = q->number,
	    .note = q->solved ? "已解决" : "未解决",
	    .fields = { "reply_result", q->result, "solved",
	    q->solved ? "1" : "0", NULL } };

	if (check_text(r, "result", q->result, 1, REPLY_RESULT_MAX_CHARS) == 0)
		step_run(r, TICKET_REPLY, &s);
}

/* 退单: not this department's matter; back to triage with reason and basis. */
void
op_return(struct request *r)
{
	const Hotline__ReturnRequest *q = r->in->return_ticket;
	struct step s = { .number = q->number, .note = q->reason,
	    .fields = { "return_reason", q->reason, "return_basis", q->basis,
	    NULL } };

	if (check_text(r, "reason", q->reason, 1, NOTE_MAX_CHARS) == 0 &&
	    check_text(r, "basis", q->basis, 1, NOTE_MAX_CHARS) == 0)
		step_run(r, TICKET_RETURN, &s);
}

/* 延期申请: ask the centre for more time. */
void
op_extend(struct request *r)
{
	const Hotline__ExtendRequest *q = r->in->extend;
	char at[24];
	struct step s = { .number = q->number, .note = q->reason,
	    .fields = { "ext_extension", q->extension, "ext_reason", q->reason,
	    "ext_by", r->conn->principal, "ext_at", at, NULL } };

	snprintf(at, sizeof at, "%lld", (long long)now_ms());
	if (check_limit(r, "extension", q->extension) == 0 &&
	    check_text(r, "reason", q->reason, 1, NOTE_MAX_CHARS) == 0)
		step_run(r, TICKET_EXTEND, &s);
}

/* 挂起: pause the ticket, e.g. while waiting for the citizen. */
void
op_suspend(struct request *r)
{
	const Hotline__SuspendRequest *q = r->in->suspend;
	struct step s = { .number = q->number, .note = q->reason };

	if (check_text(r, "reason", q->reason, 1, NOTE_MAX_CHARS) == 0)
		step_run(r, TICKET_SUSPEND, &s);
}

/* Resumes a suspended ticket. */
void
op_resume(struct request *r)
{
	const Hotline__ResumeRequest *q = r->in->resume;
	struct step s = { .number = q->number, .note = q->note };

	if (check_text(r, "note", q->note, 0, NOTE_MAX_CHARS) == 0)
		step_run(r, TICKET_RESUME, &s);
}

/* 进展: a progress note on the ticket's history. */
void
op_note(struct request *r)
{
	const Hotline__NoteRequest *q = r->in->note;
	struct step s = { .number = q->number, .note = q->text };

	if (check_text(r, "text", q->text, 1, NOTE_MAX_CHARS) == 0)
		step_run(r, TICKET_NOTE, &s);
}

/* 督办反馈: the department answers the open supervision order. */
void
op_answer_supervision(struct request *r)
{
	const Hotline__SupervisionAnswer *q = r->in->answer_supervision;
	char at[24];
	struct step s = { .number = q->number, .note = q->text,
	    .fields = { "sup_answer", q->text, "sup_answered_at", at, NULL } };

	snprintf(at, sizeof at, "%lld", (long long)now_ms());
	if (check_text(r, "text", q->text, 1, NOTE_MAX_CHARS) == 0)
		step_run(r, TICKET_ANSWER_SUPERVISION, &s);
}
