/* Checks shared by the operations: a ticket number's form, a department's right to see a ticket. */
#include "hotlined.h"

/* Answers BAD_REQUEST unless number looks like a ticket number. */
int
check_number(struct request *r, const char *number)
{
	if (ticket_number_valid(number))
		return 0;
	request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST, "number",
	    ZH_EN("工单编号为 14 至 20 位数字（年月日 + 序号）",
	    "a ticket number is 14 to 20 digits (yyyymmdd + sequence)"));
	return -1;
}

/*
 * Answers as for a missing ticket (request_no_ticket: no existence oracle)
 * and returns -1 if a department asks about a ticket (its hash) it does not
 * work on, as lead or assisting department. An empty hash (no such ticket)
 * passes: the script that follows says NOT_FOUND.
 */
int
refuse_foreign(struct request *r, const redisReply *hash)
{
	if (r->conn->role != HOTLINE__ROLE__ROLE_DEPARTMENT ||
	    record_hash_get(hash, "state") == NULL ||
	    record_works_on(hash, r->conn->department))
		return 0;
	request_no_ticket(r, "number");
	return -1;
}
