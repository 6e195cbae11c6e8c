/* Answers shared by the operations: any reply body in its envelope, one ticket, a page of tickets. */
#include <stdlib.h>

#include "hotlined.h"

/*
 * Answers r with an Envelope whose body is out (taken), of kind body: the
 * Envelope's oneof case, which is the number of the field out goes in.
 * out must be a message of that field's type (checked: a mismatch is a
 * programming error and aborts).
 */
void
answer_body(struct request *r, Hotline__Envelope__BodyCase body, void *out)
{
	const ProtobufCFieldDescriptor *f;
	Hotline__Envelope *env = envelope_new();

	f = protobuf_c_message_descriptor_get_field(
	    &hotline__envelope__descriptor, (unsigned)body);
	if (f == NULL || f->type != PROTOBUF_C_TYPE_MESSAGE ||
	    f->descriptor != ((ProtobufCMessage *)out)->descriptor)
		fatalx("answer_body: body %d is not a %s", (int)body,
		    ((ProtobufCMessage *)out)->descriptor->name);
	env->body_case = body;
	*(void **)((char *)env + f->offset) = out;
	request_answer(r, env);
}

/* Answers r with one ticket. */
void
answer_ticket(struct request *r, Hotline__Ticket *t)
{
	Hotline__TicketReply *out = xmalloc(sizeof *out);

	hotline__ticket_reply__init(out);
	out->ticket = t;
	answer_body(r, HOTLINE__ENVELOPE__BODY_TICKET, out);
}

/*
 * tickets.lua answered {total, left, score, hash, ...}: answers a page of
 * at most a quarter of limits.output_limit bytes (at least one ticket), so
 * that no list is cut off with the connection; next_cursor resumes it.
 */
void
answer_ticket_list(struct request *r, redisReply *reply)
{
	int mask = r->conn->role == HOTLINE__ROLE__ROLE_DEPARTMENT;
	Hotline__TicketList *out = xmalloc(sizeof *out);
	size_t i, bytes = 0, budget = hotlined.cfg->limits.output_limit / 4,
	    size;
	const char *last_score = NULL, *last_number = NULL;
	Hotline__Ticket *t;

	hotline__ticket_list__init(out);
	if (reply->type == REDIS_REPLY_ARRAY && reply->elements > 1) {
		out->tickets = xcalloc(reply->elements / 2 + 1,
		    sizeof *out->tickets);
		for (i = 2; i + 1 < reply->elements; i += 2) {
			if ((t = record_ticket(reply->element[i + 1], mask)) ==
			    NULL || reply->element[i]->type != REDIS_REPLY_STRING)
				continue;
			/* Bytes as well as count: every answer must fit. */
			size = hotline__ticket__get_packed_size(t) + 8;
			if (out->n_tickets > 0 && bytes + size > budget) {
				hotline__ticket__free_unpacked(t, NULL);
				break;
			}
			bytes += size;
			last_score = reply->element[i]->str;
			last_number = t->number;
			out->tickets[out->n_tickets++] = t;
		}
		out->truncated = reply->element[1]->integer >
		    (long long)out->n_tickets;
	}
	if (out->truncated && last_score != NULL)
		out->next_cursor = xasprintf("%s:%s", last_score, last_number);
	answer_body(r, HOTLINE__ENVELOPE__BODY_TICKETS, out);
}
