/* One ticket read with its history (show.lua) for the operations that show it, as the asker may see it. */
#include "hotlined.h"

/*
 * Reads ticket number with its history (show.lua) for r, then calls done;
 * answers BAD_REQUEST for a malformed number. show_ticket() reads the answer.
 */
void
show_read(struct request *r, const char *number, request_done done)
{
	struct store_args args = { 0 };

	if (check_number(r, number) == -1)
		return;
	store_args_addf(&args, KEY_TICKET, number);
	store_args_addf(&args, KEY_HISTORY, number);
	store_args_addf(&args, KEY_MERGED, number);
	request_script(r, SCRIPT_SHOW, 3, &args, done);
	store_args_free(&args);
}

/*
 * Reads show.lua's answer {ticket hash, history, merged} into the ticket
 * with its history, as r's role may see it (masked for departments).
 * Returns NULL after answering: NOT_FOUND for another department's ticket,
 * INTERNAL for a malformed answer.
 */
Hotline__Ticket *
show_ticket(struct request *r, const redisReply *reply)
{
	int mask = r->conn->role == HOTLINE__ROLE__ROLE_DEPARTMENT;
	Hotline__Ticket *t = NULL;

	if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 3 &&
	    refuse_foreign(r, reply->element[0]) == -1)
		return NULL;
	if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 3)
		t = record_ticket(reply->element[0], mask);
	if (t == NULL) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
		    LANG_INTERNAL);
		return NULL;
	}
	record_history(t, reply->element[1]);
	return t;
}
