/* The dispatcher's operations (派单员): triage queue, dispatch and re-dispatch, extensions, review, merge, invalid. */
#include <string.h>

#include "hotlined.h"
#include "archive.h"
#include "keys.h"
#include "script-args.h"

#define TRIAGE_LIMIT_DEFAULT 200
#define TRIAGE_LIMIT_MAX 1000
#define MAX_ASSISTING 8
#define NOTE_MAX_CHARS 1000

/* The triage queue (待派单), oldest first, a page at a time. */
void
op_triage(struct request *r)
{
	unsigned limit = r->in->triage->limit;
	struct store_args args = { 0 };

	if (list_cursor_check(r, r->in->triage->cursor) == -1)
		return;
	if (limit == 0)
		limit = TRIAGE_LIMIT_DEFAULT;
	if (limit > TRIAGE_LIMIT_MAX)
		limit = TRIAGE_LIMIT_MAX;
	store_args_add(&args, KEY_TRIAGE);
	script_args_tickets(&args, "asc", limit, r->in->triage->cursor);
	request_script(r, SCRIPT_TICKETS, 1, &args, answer_ticket_list);
	store_args_free(&args);
}

/* Answers BAD_REQUEST unless id names a configured department. */
static int
check_department(struct request *r, const char *field, const char *id)
{
	if (config_department(hotlined.cfg, id) != NULL)
		return 0;
	request_error2(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST, field,
	    "%s：没有单位「%.*s」", "%s: no department \"%.*s\"", field,
	    (int)utf8_prefix(id, 40), id);
	return -1;
}

/*
 * Checks a dispatch's departments and writes the assisting ones as "a,b"
 * into out; answers BAD_REQUEST and returns -1 if one is unknown, repeated
 * or the lead itself.
 */
static int
check_route(struct request *r, const Hotline__DispatchRequest *q, char *out,
    size_t outlen)
{
	size_t i, k, used = 0;

	if (check_department(r, "lead_department", q->lead_department) == -1)
		return -1;
	if (q->n_assisting_departments > MAX_ASSISTING) {
		request_error2(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "assisting_departments", "协办单位至多 %d 个",
		    "at most %d assisting departments", MAX_ASSISTING);
		return -1;
	}
	out[0] = '\0';
	for (i = 0; i < q->n_assisting_departments; i++) {
		const char *a = q->assisting_departments[i];
		int repeated = strcmp(a, q->lead_department) == 0;

		for (k = 0; k < i; k++)
			repeated |= strcmp(a, q->assisting_departments[k]) == 0;
		if (check_department(r, "assisting_departments", a) == -1)
			return -1;
		if (repeated) {
			request_error(r,
			    HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
			    "assisting_departments", "%s" ZH_EN(" 重复列出",
			    " is named twice"), a);
			return -1;
		}
		used += (size_t)snprintf(out + used, outlen - used, "%s%s",
		    i == 0 ? "" : ",", a);
	}
	return 0;
}

/* 派单 or 改派: the ticket goes to a lead (主办) with assisting departments (协办). */
static void
route(struct request *r, enum ticket_action action,
    const Hotline__DispatchRequest *q)
{
	char assists[MAX_ASSISTING * 40];
	struct step s = { .number = q->number, .note = q->note,
	    .lead = q->lead_department, .assists = assists,
	    .fields = { "triage_reason", "0", NULL } };

	if (q->category[0] != '\0') {
		if (category_minor(hotlined.cfg->categories,
		    hotlined.cfg->ncategories,
		    q->category) == NULL) {
			request_error2(r,
			    HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
			    "category", "category：派单目录中没有小类「%.40s」",
			    "category: no minor class \"%.40s\" in the "
			    "catalogue", q->category);
			return;
		}
		s.category = q->category;
	}
	if (check_route(r, q, assists, sizeof assists) == 0 &&
	    check_text(r, "note", q->note, 0, NOTE_MAX_CHARS) == 0)
		step_run(r, action, &s);
}

/* 派单: a ticket from the triage queue to its departments. */
void
op_dispatch(struct request *r)
{
	route(r, TICKET_MANUAL_DISPATCH, r->in->dispatch);
}

/* 改派: a ticket at one department to another. */
void
op_redispatch(struct request *r)
{
	route(r, TICKET_REDISPATCH, r->in->redispatch);
}

/* 延期审批: approve or reject the pending extension request. */
void
op_decide_extension(struct request *r)
{
	const Hotline__ExtensionDecision *q = r->in->decide_extension;
	struct step s = { .number = q->number, .approve = q->approve,
	    .note = q->note[0] != '\0' ? q->note :
	    q->approve ? "批准延期" : "不予批准延期" };

	if (check_text(r, "note", q->note, 0, NOTE_MAX_CHARS) == 0)
		step_run(r, TICKET_DECIDE_EXTENSION, &s);
}

/* 审核: approve a reply (then the callback), or send it back (退回重办). */
void
op_review(struct request *r)
{
	const Hotline__ReviewRequest *q = r->in->review;
	struct step s = { .number = q->number, .note = q->note,
	    .fields = { "review_note", q->approve ? "" : q->note, NULL } };

	if (check_text(r, "note", q->note, !q->approve, NOTE_MAX_CHARS) == 0)
		step_run(r, q->approve ? TICKET_APPROVE_REPLY : TICKET_SEND_BACK,
		    &s);
}

/* 并单: this ticket follows an open master and closes with it. */
void
op_merge(struct request *r)
{
	const Hotline__MergeRequest *q = r->in->merge;
	struct step s = { .number = q->number, .master = q->master,
	    .note = q->note };

	if (ticket_number_valid(q->master) == 0) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "master", "master" ZH_EN(" 须为工单编号",
		    " must be a ticket number"));
		return;
	}
	if (check_text(r, "note", q->note, 0, NOTE_MAX_CHARS) == 0)
		step_run(r, TICKET_MERGE, &s);
}

/* 无效/骚扰: close a ticket that is no real demand. */
void
op_invalidate(struct request *r)
{
	const Hotline__InvalidateRequest *q = r->in->invalidate;
	struct step s = { .number = q->number, .note = q->reason,
	    .fields = { "closure", "4", NULL } };

	if (check_text(r, "reason", q->reason, 1, NOTE_MAX_CHARS) == 0)
		step_run(r, TICKET_INVALIDATE, &s);
}
