/* Tickets that left Redis (retention), answered from PostgreSQL: show and timeline read them, marked archived; steps on them are refused. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <protobuf-c/protobuf-c.h>

#include "hotlined.h"
#include "archive.h"

/*
 * The ticket and its history in one statement (migration 022's function,
 * whose plan PostgreSQL keeps for the session: planning it anew cost more
 * than running it): a row per history entry, oldest first; the fields in
 * the first row only; whether it left Redis and its state in every row.
 */
static const char read_sql[] = "SELECT * FROM hotline.ticket_read($1)";

/*
 * The ticket number r's request names (its body's "number" field, as every
 * step on one ticket has), or NULL.
 */
static const char *
read_number(const struct request *r)
{
	const ProtobufCMessageDescriptor *ed = r->in->base.descriptor;
	const ProtobufCFieldDescriptor *bf, *nf;
	const ProtobufCMessage *body;

	bf = protobuf_c_message_descriptor_get_field(ed,
	    (unsigned)r->in->body_case);
	if (bf == NULL || bf->type != PROTOBUF_C_TYPE_MESSAGE)
		return NULL;
	body = *(const ProtobufCMessage *const *)((const char *)r->in +
	    bf->offset);
	if (body == NULL || (nf = protobuf_c_message_descriptor_get_field_by_name(
	    body->descriptor, "number")) == NULL ||
	    nf->type != PROTOBUF_C_TYPE_STRING || nf->label !=
	    PROTOBUF_C_LABEL_NONE)
		return NULL;
	return *(const char *const *)((const char *)body + nf->offset);
}

/*
 * show and timeline of an archived ticket: the row, masked as the caller
 * may see it, with its history (column 1 of every row), marked archived.
 */
static void
read_show(struct request *r, struct pg_result *res, Hotline__Ticket *t)
{
	archive_record_history_rows(t, res, 1);
	t->archived = 1;
	if (r->in->body_case == HOTLINE__ENVELOPE__BODY_TIMELINE)
		timeline_answer(r, t);
	else
		answer_ticket(r, t);
}

/*
 * PostgreSQL answered about a ticket Redis does not hold. A department
 * gets the same answer for a ticket that is not its own as for one that
 * does not exist (request_no_ticket), whatever the request. The fields
 * are decoded once, for the check and the answer.
 */
static void
read_done(struct request *r, struct pg_result *res)
{
	int state, show = r->in->body_case == HOTLINE__ENVELOPE__BODY_SHOW ||
	    r->in->body_case == HOTLINE__ENVELOPE__BODY_TIMELINE;
	Hotline__Ticket *t = NULL;

	if (pg_rows(res) < 1 || strcmp(pg_value(res, 0, 2), "t") != 0) {
		request_no_ticket(r, "number");
		return;
	}
	if (archive_record_read(r, pg_value(res, 0, 0), show ? &t : NULL) == -1)
		return;
	if (show) {
		read_show(r, res, t);
		return;
	}
	state = atoi(pg_value(res, 0, 3));
	request_conflict(r, (Hotline__TicketState)state, ZH_EN("工单已归档"
	    "（办结超过 archive.keep_days 天），不能再修改；请重新登记工单",
	    "the ticket is archived (closed more than archive.keep_days days "
	    "ago) and can no longer change; register a new ticket"));
}

/* request_missing: asks the archive about a ticket Redis does not hold; see session.c. */
int
archive_missing(struct request *r)
{
	const char *number = read_number(r);
	const char *params[1] = { number };

	if (number == NULL || number[0] == '\0' || !search_configured())
		return -1;
	if (search_query(r, read_sql, 1, params, read_done) == 0)
		return 0;
	request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_UNAVAILABLE, "number",
	    ZH_EN("工单不在 Redis 中，而保存已办结工单的归档库（PostgreSQL）"
	    "无法连接，请稍后重试", "the ticket is not in Redis, and the "
	    "archive (PostgreSQL), which keeps closed tickets, is unreachable; "
	    "retry later"));
	return 0;
}
