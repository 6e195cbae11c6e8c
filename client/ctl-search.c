/* hotlinectl search: tickets of every age from the archive (检索), page by page, for every role within its own view. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

/* The options of search, as given. */
struct ctl_search_opts {
	char *words, *number, *phone, *district, *street, *category, *dept;
	char *type, *urgency, *state, *from, *to, *closed_from, *closed_to;
	char *limit, *cursor;
	int overdue, warned, relevance, open;
};

/* Parses a day ("YYYY-MM-DD", from its midnight) or a time, Beijing time, into *ms; 0 or a usage status. */
static int
ctl_search_time(const struct ctl *ctl, const char *name, const char *arg,
    int64_t *ms)
{
	char buf[32];

	if (arg == NULL)
		return 0;
	snprintf(buf, sizeof buf, strlen(arg) == 10 ? "%s 00:00" : "%s", arg);
	if (ctl_parse_local_time(buf, ms) == -1)
		return ctl_usage_error(ctl, "--%s %s is not YYYY-MM-DD or "
		    "YYYY-MM-DDTHH:MM (Beijing time)", name, arg);
	return 0;
}

/* Parses an enum option by its English or Chinese name; 0 or a usage status. */
static int
ctl_search_name(const struct ctl *ctl, const struct ctl_name *names,
    const char *name, const char *arg, int *out)
{
	if (arg == NULL)
		return 0;
	if (ctl_name_parse(names, arg, out) == -1)
		return ctl_usage_error(ctl, "--%s %s is not known", name, arg);
	return 0;
}

/* Fills the request from the options; 0 or a usage status. */
static int
ctl_search_request(const struct ctl *ctl, const struct ctl_search_opts *o,
    Hotline__SearchRequest *q)
{
	int type = 0, urgency = 0, state = 0, rc;
	unsigned long limit = 0;

	q->words = o->words != NULL ? o->words : "";
	q->number_prefix = o->number != NULL ? o->number : "";
	q->caller_phone = o->phone != NULL ? o->phone : "";
	q->district = o->district != NULL ? o->district : "";
	q->street = o->street != NULL ? o->street : "";
	q->category = o->category != NULL ? o->category : "";
	q->department = o->dept != NULL ? o->dept : "";
	q->cursor = o->cursor != NULL ? o->cursor : "";
	q->overdue = o->overdue;
	q->warned = o->warned;
	q->by_relevance = o->relevance;
	q->open = o->open;
	if ((rc = ctl_search_name(ctl, ctl_types, "type", o->type, &type)) ||
	    (rc = ctl_search_name(ctl, ctl_urgencies, "urgency", o->urgency,
	    &urgency)) ||
	    (rc = ctl_search_name(ctl, ctl_states, "state", o->state, &state)) ||
	    (rc = ctl_search_time(ctl, "from", o->from, &q->created_from)) ||
	    (rc = ctl_search_time(ctl, "to", o->to, &q->created_to)) ||
	    (rc = ctl_search_time(ctl, "closed-from", o->closed_from,
	    &q->closed_from)) ||
	    (rc = ctl_search_time(ctl, "closed-to", o->closed_to,
	    &q->closed_to)))
		return rc;
	if (o->limit != NULL && ctl_parse_number(o->limit, 200, &limit) == -1)
		return ctl_usage_error(ctl, "--limit %s is not 1..200", o->limit);
	q->type = (Hotline__TicketType)type;
	q->urgency = (Hotline__Urgency)urgency;
	q->state = (Hotline__TicketState)state;
	q->limit = (uint32_t)limit;
	return 0;
}

/* Prints a page of results and how to ask for the next one. */
static void
ctl_text_search(const Hotline__Envelope *reply)
{
	const Hotline__SearchReply *r = reply->search_reply;
	Hotline__TicketList list = HOTLINE__TICKET_LIST__INIT;

	list.n_tickets = r->n_tickets;
	list.tickets = r->tickets;
	ctl_print_list(&list);
	ctl_print_next_page(r->next_cursor);
}

/* search [filters]: tickets of every age from the archive, newest (or most relevant) first. */
int
ctl_search(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__SearchRequest q = HOTLINE__SEARCH_REQUEST__INIT;
	struct ctl_search_opts o = { 0 };
	const struct ctl_opt opts[] = {
		{ "words", &o.words, NULL, 0 },
		{ "number", &o.number, NULL, 0 },
		{ "phone", &o.phone, NULL, 0 },
		{ "district", &o.district, NULL, 0 },
		{ "street", &o.street, NULL, 0 },
		{ "category", &o.category, NULL, 0 },
		{ "dept", &o.dept, NULL, 0 },
		{ "type", &o.type, NULL, 0 },
		{ "urgency", &o.urgency, NULL, 0 },
		{ "state", &o.state, NULL, 0 },
		{ "from", &o.from, NULL, 0 },
		{ "to", &o.to, NULL, 0 },
		{ "closed-from", &o.closed_from, NULL, 0 },
		{ "closed-to", &o.closed_to, NULL, 0 },
		{ "overdue", NULL, &o.overdue, 0 },
		{ "warned", NULL, &o.warned, 0 },
		{ "relevance", NULL, &o.relevance, 0 },
		{ "open", NULL, &o.open, 0 },
		{ "limit", &o.limit, NULL, 0 },
		{ "cursor", &o.cursor, NULL, 0 },
		{ NULL, NULL, NULL, 0 }
	};
	int rc;

	ctl_page_command(ctl->command->name, argc, argv);
	if ((rc = ctl_parse(ctl, argc, argv, opts, 0)) != 0 ||
	    (rc = ctl_search_request(ctl, &o, &q)) != 0)
		return rc;
	req.body_case = HOTLINE__ENVELOPE__BODY_SEARCH;
	req.search = &q;
	return ctl_exchange(ctl, &req, HOTLINE__ENVELOPE__BODY_SEARCH_REPLY,
	    ctl_text_search);
}
