/* The supervisors' operations (督办/考核): urge (催办), supervise (督办), exempt (免考核); and the agent's callback (回访). */
#include <string.h>

#include "hotlined.h"

#define TEXT_MAX_CHARS 1000

/* 催办: a reminder pushed to the department's terminals. */
void
op_urge(struct request *r)
{
	const Hotline__UrgeRequest *q = r->in->urge;
	struct step s = { .number = q->number, .note = q->text,
	    .incr = "urges" };

	if (check_text(r, "text", q->text, 1, TEXT_MAX_CHARS) == 0)
		step_run(r, TICKET_URGE, &s);
}

/* 督办: an order to the department, open until it answers. */
void
op_supervise(struct request *r)
{
	const Hotline__SuperviseRequest *q = r->in->supervise;
	char at[24];
	struct step s = { .number = q->number, .note = q->text,
	    .fields = { "sup_text", q->text, "sup_limit", q->limit, "sup_by",
	    r->conn->principal, "sup_at", at, "sup_answer", "",
	    "sup_answered_at", "0", NULL } };

	snprintf(at, sizeof at, "%lld", (long long)now_ms());
	if (check_text(r, "text", q->text, 1, TEXT_MAX_CHARS) == 0 &&
	    (q->limit[0] == '\0' || check_limit(r, "limit", q->limit) == 0))
		step_run(r, TICKET_SUPERVISE, &s);
}

/* 免考核: the ticket no longer counts in the departments' assessment. */
void
op_exempt(struct request *r)
{
	const Hotline__ExemptRequest *q = r->in->exempt;
	struct step s = { .number = q->number, .note = q->reason,
	    .fields = { "exempt", "1", "exempt_reason", q->reason, NULL } };

	if (check_text(r, "reason", q->reason, 1, TEXT_MAX_CHARS) == 0)
		step_run(r, TICKET_EXEMPT, &s);
}

/* 回访: the citizen's evaluation closes the ticket, reopens it (重办), or counts a failed attempt. */
void
op_callback(struct request *r)
{
	const Hotline__CallbackRequest *q = r->in->callback;
	char result[4];
	struct step s = { .number = q->number, .note = q->comment,
	    .fields = { "callback_result", result, "callback_comment",
	    q->comment, NULL } };
	enum ticket_action action;

	snprintf(result, sizeof result, "%d", q->result);
	switch (q->result) {
	case HOTLINE__CALLBACK_RESULT__CALLBACK_RESULT_SATISFIED:
	case HOTLINE__CALLBACK_RESULT__CALLBACK_RESULT_BASICALLY_SATISFIED:
		action = TICKET_CALLBACK_CLOSE;
		s.fields[4] = "closure";
		s.fields[5] = "2";
		s.fields[6] = NULL;
		break;
	case HOTLINE__CALLBACK_RESULT__CALLBACK_RESULT_UNSATISFIED:
		action = TICKET_CALLBACK_REOPEN;
		s.incr = "reopens";
		break;
	case HOTLINE__CALLBACK_RESULT__CALLBACK_RESULT_UNREACHABLE:
		action = TICKET_CALLBACK_UNREACHABLE;
		break;
	default:
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "result", ZH_EN("result 须为满意、基本满意、不满意或未联系上",
		    "result must be satisfied, basically satisfied, "
		    "unsatisfied or unreachable"));
		return;
	}
	if (check_text(r, "comment", q->comment, action ==
	    TICKET_CALLBACK_REOPEN, TEXT_MAX_CHARS) == 0)
		step_run(r, action, &s);
}
