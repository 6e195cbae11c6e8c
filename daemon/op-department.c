/* A department terminal's operations: list its open tickets, sign (签收), reply (办结回复). */
#include <string.h>

#include "hotlined.h"

#define LIST_LIMIT_DEFAULT 200
#define LIST_LIMIT_MAX 1000
#define REPLY_RESULT_MAX_CHARS 5000
#define NOTE_MAX_CHARS 1000

/* The department's open tickets (dispatched or accepted), oldest first. */
void
op_list(struct request *r)
{
	unsigned limit = r->in->list->limit;
	struct store_args args = { 0 };

	if (limit == 0)
		limit = LIST_LIMIT_DEFAULT;
	if (limit > LIST_LIMIT_MAX)
		limit = LIST_LIMIT_MAX;
	store_args_addf(&args, "ht:dept:%s:open", r->conn->department);
	store_args_add(&args, "asc");
	store_args_addf(&args, "%u", limit);
	request_script(r, SCRIPT_TICKETS, 1, &args, answer_ticket_list);
	store_args_free(&args);
}

/* transition.lua answered with the ticket's hash. */
static void
transition_done(struct request *r, redisReply *reply)
{
	Hotline__Ticket *t = record_ticket(reply, 1);

	if (t == NULL) {
		log_warnx("transition.lua: unexpected reply");
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
		    "internal error (logged by the server)");
		return;
	}
	log_info("ticket %s: %s by %s", t->number,
	    ticket_state_label(t->state), r->conn->principal);
	answer_ticket(r, t);
}

/*
 * Runs one life-cycle action on a ticket of the caller's department; the
 * table in ticket.c says which states allow it. fields are extra hash
 * field/value pairs to set, NULL-terminated.
 */
static void
department_transition(struct request *r, enum ticket_action action,
    const char *number, const char *note, const char *const *fields)
{
	const struct transition *t = ticket_transition(action);
	struct store_args args = { 0 };
	char from[64];

	ticket_from_states(t, from, sizeof from);
	store_args_addf(&args, "ht:ticket:%s", number);
	store_args_addf(&args, "ht:history:%s", number);
	store_args_addf(&args, "%lld", (long long)now_ms());
	store_args_add(&args, r->conn->principal);
	store_args_addf(&args, "%d", r->conn->role);
	store_args_add(&args, r->conn->department);
	store_args_add(&args, t->name);
	store_args_add(&args, from);
	store_args_addf(&args, "%d", t->to);
	store_args_addf(&args, "%d", t->event);
	store_args_add(&args, t->keep_open ? "1" : "0");
	store_args_add(&args, note);
	store_args_addf(&args, "%d", cfg->redis.feed_maxlen);
	for (; fields != NULL && *fields != NULL; fields++)
		store_args_add(&args, *fields);
	request_script(r, SCRIPT_TRANSITION, 2, &args, transition_done);
	store_args_free(&args);
}

/* Answers BAD_REQUEST if text is longer than max code points. */
static int
check_length(struct request *r, const char *field, const char *text,
    size_t max)
{
	if (utf8_length(text) <= max)
		return 0;
	request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST, field,
	    "%s is longer than %zu characters", field, max);
	return -1;
}

/* 签收: the department takes the ticket on. */
void
op_sign(struct request *r)
{
	const Hotline__SignRequest *q = r->in->sign;

	if (check_number(r, q->number) == -1 ||
	    check_length(r, "note", q->note, NOTE_MAX_CHARS) == -1)
		return;
	department_transition(r, TICKET_SIGN, q->number, q->note, NULL);
}

/* 办结回复: the department reports the result for the citizen. */
void
op_reply(struct request *r)
{
	const Hotline__ReplyRequest *q = r->in->reply;
	const char *fields[] = { "reply_result", q->result, "solved",
	    q->solved ? "1" : "0", NULL };

	if (check_number(r, q->number) == -1 ||
	    check_length(r, "result", q->result, REPLY_RESULT_MAX_CHARS) == -1)
		return;
	if (q->result[0] == '\0') {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "result", "result is required: say what was done");
		return;
	}
	department_transition(r, TICKET_REPLY, q->number,
	    q->solved ? "已解决 solved" : "未解决 not solved", fields);
}
