/* Integration tests of paging (issue 16): triage, a department's open tickets as the centre and supervisors list them, a caller's tickets and the overdue (预警) list, each over more than one page and stable while tickets move. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define N 7		/* tickets: more than two pages of PAGE */
#define PAGE 3
#define PAGES_MAX 20	/* bound of every paging loop */

static struct harness h;
static struct hl_client *agent;
HARNESS_FIXTURES(h, "agent01", agent)

static char phone[32];
static char numbers[N][32];	/* oldest first, one caller, all in triage at first */

/* Creates the N tickets of one caller; each must wait in triage. */
static void
create_all(void)
{
	Hotline__CreateRequest req;
	Hotline__Envelope *rep;
	struct hl_error err;
	char call_id[64], content[64];
	int i;

	harness_phone(phone, sizeof phone);
	for (i = 0; i < N; i++) {
		snprintf(content, sizeof content, "分页测试：其他事项第%d件", i);
		harness_create_init(&req, call_id, sizeof call_id, phone,
		    "其他事项", content);
		rep = harness_call(agent, BODY(CREATE), &req, &err);
		assert_reply(rep, err);
		assert_int_equal(rep->created->ticket->state, STATE(TRIAGE));
		snprintf(numbers[i], sizeof numbers[i], "%s",
		    rep->created->ticket->number);
		hl_envelope_free(rep);
	}
}

/* Returns the index of number among ours, or -1. */
static int
ours(const char *number)
{
	int i;

	for (i = 0; i < N; i++)
		if (strcmp(numbers[i], number) == 0)
			return i;
	return -1;
}

/*
 * Calls fill(body, cursor) and sends it as c, page after page of at most
 * PAGE tickets, until next_cursor is empty; between the first and second
 * page runs between() if given. Checks each page's size and that
 * truncated goes with a cursor; records the order in which our tickets
 * came (seen[i]: the position, -1 never) and fails on one seen twice.
 */
static void
page_all(struct hl_client *c, Hotline__Envelope__BodyCase body,
    void *req, char **cursor_field, void (*between)(void), int seen[N])
{
	Hotline__Envelope *rep;
	struct hl_error err;
	char cursor[64] = "";
	int pages = 0, pos = 0, k;
	size_t i;

	for (k = 0; k < N; k++)
		seen[k] = -1;
	do {
		*cursor_field = cursor;
		rep = harness_call(c, body, req, &err);
		assert_reply(rep, err);
		assert_true(rep->tickets->n_tickets <= PAGE);
		assert_int_equal(rep->tickets->truncated,
		    rep->tickets->next_cursor[0] != '\0');
		for (i = 0; i < rep->tickets->n_tickets; i++)
			if ((k = ours(rep->tickets->tickets[i]->number)) >= 0) {
				assert_int_equal(seen[k], -1);
				seen[k] = pos++;
			}
		snprintf(cursor, sizeof cursor, "%s", rep->tickets->next_cursor);
		hl_envelope_free(rep);
		if (pages == 0 && between != NULL)
			between();
	} while (cursor[0] != '\0' && ++pages < PAGES_MAX);
	assert_true(pages >= 2);	/* more than one page */
	assert_true(pages < PAGES_MAX);
}

/* Sends one request as principal on a connection of its own; it must succeed. */
static void
call_as(const char *principal, Hotline__Envelope__BodyCase body, void *req)
{
	struct hl_client *c = harness_login(&h, principal);
	Hotline__Envelope *rep;
	struct hl_error err;

	assert_non_null(c);
	rep = harness_call(c, body, req, &err);
	assert_reply(rep, err);
	hl_envelope_free(rep);
	hl_close(c);
}

/* Dispatches number to zjj as the dispatcher. */
static void
dispatch_zjj(const char *number)
{
	Hotline__DispatchRequest d = HOTLINE__DISPATCH_REQUEST__INIT;

	d.number = (char *)number;
	d.lead_department = "zjj";
	call_as("dispatcher01", BODY(DISPATCH), &d);
}

/* Between two triage pages, the oldest ticket (already seen) leaves triage. */
static void
dispatch_first(void)
{
	dispatch_zjj(numbers[0]);
}

/*
 * The triage queue a page at a time, oldest first: every ticket once, in
 * order, although one already seen left the queue between two pages; a
 * cursor this server did not give is refused.
 */
static void
test_triage_pages(void **state)
{
	struct hl_client *disp = harness_login(&h, "dispatcher01");
	Hotline__TriageListRequest q = HOTLINE__TRIAGE_LIST_REQUEST__INIT;
	Hotline__Envelope *rep;
	struct hl_error err;
	int seen[N], i;

	(void)state;
	assert_non_null(disp);
	create_all();
	q.limit = PAGE;
	page_all(disp, BODY(TRIAGE), &q, &q.cursor, dispatch_first, seen);
	for (i = 0; i < N; i++)
		assert_int_equal(seen[i], i);
	q.cursor = "12:not a number";
	rep = harness_call(disp, BODY(TRIAGE), &q, &err);
	assert_error(rep, err, ERR(BAD_REQUEST));
	assert_string_equal(err.field, "cursor");
	hl_close(disp);
}

/*
 * zjj's open tickets, as the dispatcher, a supervisor and zjj's own
 * terminal list them, a page at a time, oldest first; another department
 * may not list them; the centre must say whose.
 */
static void
test_department_pages(void **state)
{
	static const char *const who[] = { "dispatcher01", "supervisor01",
	    "zjj-01" };
	struct hl_client *water = harness_login(&h, "water-01");
	Hotline__ListRequest q = HOTLINE__LIST_REQUEST__INIT;
	Hotline__Envelope *rep;
	struct hl_error err;
	int seen[N], i, last;
	size_t w;

	(void)state;
	assert_non_null(water);
	for (i = 1; i < N; i++)
		dispatch_zjj(numbers[i]);
	for (w = 0; w < sizeof who / sizeof who[0]; w++) {
		struct hl_client *c = harness_login(&h, who[w]);

		assert_non_null(c);
		q.limit = PAGE;
		q.department = w < 2 ? "zjj" : "";
		page_all(c, BODY(LIST), &q, &q.cursor, NULL, seen);
		for (i = 0, last = -1; i < N; i++) {
			assert_true(seen[i] > last);	/* every one, in order */
			last = seen[i];
		}
		hl_close(c);
	}
	q.cursor = "";
	q.department = "zjj";
	rep = harness_call(water, BODY(LIST), &q, &err);
	assert_error(rep, err, ERR(FORBIDDEN));
	hl_close(water);
	water = harness_login(&h, "dispatcher01");
	q.department = "";
	rep = harness_call(water, BODY(LIST), &q, &err);
	assert_error(rep, err, ERR(BAD_REQUEST));
	assert_string_equal(err.field, "department");
	hl_close(water);
}

/* The caller's tickets a page at a time, newest first, every one once (no archive: Redis's alone). */
static void
test_caller_pages(void **state)
{
	Hotline__CallerRequest q = HOTLINE__CALLER_REQUEST__INIT;
	int seen[N], i;

	(void)state;
	q.caller_phone = phone;
	q.limit = PAGE;
	page_all(agent, BODY(CALLER), &q, &q.cursor, NULL, seen);
	for (i = 0; i < N; i++)
		assert_int_equal(seen[i], N - 1 - i);
}

/* Signs number (签收) as zjj's terminal: it leaves the sign-for deadline's list. */
static void
sign_zjj(const char *number)
{
	Hotline__SignRequest q = HOTLINE__SIGN_REQUEST__INIT;

	q.number = (char *)number;
	call_as("zjj-01", BODY(SIGN), &q);
}

/*
 * Pages through zjj's 预警 list (sign-for deadlines within 100 working
 * hours, type filter when filtered) PAGE at a time; after the first page
 * zjj signs the ticket the cursor names. Records the order of our tickets'
 * sign-for entries in seen; fails on one seen twice, or on a page out of
 * the list's order (due time, then number).
 */
static void
overdue_pages(struct hl_client *c, int filtered, int seen[N])
{
	Hotline__OverdueRequest q = HOTLINE__OVERDUE_REQUEST__INIT;
	Hotline__Envelope *rep;
	struct hl_error err;
	char cursor[96] = "", last[32] = "", prev[32] = "";
	int pages = 0, pos = 0, k;
	int64_t due = 0;
	size_t i;

	for (k = 0; k < N; k++)
		seen[k] = -1;
	q.department = "zjj";
	q.within_hours = 100;
	q.limit = PAGE;
	q.type = filtered ? HOTLINE__TICKET_TYPE__TICKET_TYPE_COMPLAINT : 0;
	do {
		q.cursor = cursor;
		rep = harness_call(c, BODY(OVERDUE), &q, &err);
		assert_reply(rep, err);
		assert_true(rep->overdue_list->n_tickets <= PAGE);
		for (i = 0; i < rep->overdue_list->n_tickets; i++) {
			const Hotline__OverdueTicket *o =
			    rep->overdue_list->tickets[i];

			/* soonest first, then by number */
			assert_true(o->due_at > due || (o->due_at == due &&
			    strcmp(o->ticket->number, prev) >= 0));
			due = o->due_at;
			snprintf(prev, sizeof prev, "%s", o->ticket->number);
			if (strcmp(o->deadline, "sign") != 0 ||
			    (k = ours(o->ticket->number)) < 0)
				continue;
			assert_int_equal(seen[k], -1);
			seen[k] = pos++;
			snprintf(last, sizeof last, "%s", o->ticket->number);
		}
		snprintf(cursor, sizeof cursor, "%s",
		    rep->overdue_list->next_cursor);
		hl_envelope_free(rep);
		if (pages == 0 && last[0] != '\0' && cursor[0] != '\0')
			sign_zjj(last);	/* the cursor's own ticket moves */
	} while (cursor[0] != '\0' && ++pages < PAGES_MAX);
	assert_true(pages >= 2);
	assert_true(pages < PAGES_MAX);
}

/*
 * zjj's 预警 list (the overdue query's other half, same paging) a page at a
 * time, with and without a filter: our tickets' sign-for deadlines (mostly
 * due at the same close of business) each once, in order, although the
 * ticket the first page's cursor names was signed between two pages; a
 * cursor this server did not give is refused.
 */
/* Cursors this server never gives: wrong kind, a sign, overflow, junk. */
static const char *const bad_cursors[] = {
	"12:x:20261207000001", "-5:0:20261207000001", "+5:0:20261207000001",
	" 5:0:20261207000001", "99999999999999999999:0:20261207000001",
	"5:0:", "5:0:2026x", "5:1:20261207000001:",
};

static void
test_overdue_pages(void **state)
{
	struct hl_client *sup = harness_login(&h, "supervisor01");
	Hotline__OverdueRequest q = HOTLINE__OVERDUE_REQUEST__INIT;
	Hotline__Envelope *rep;
	struct hl_error err;
	int seen[N], i, found, filtered;

	(void)state;
	assert_non_null(sup);
	for (filtered = 0; filtered <= 1; filtered++) {
		overdue_pages(sup, filtered, seen);
		for (i = 0, found = 0; i < N; i++)
			found += seen[i] >= 0;
		/* The first pass saw every one; the second, those not signed. */
		assert_int_equal(found, filtered ? N - 1 : N);
	}
	q.within_hours = 100;
	for (i = 0; i < (int)(sizeof bad_cursors / sizeof *bad_cursors); i++) {
		q.cursor = (char *)bad_cursors[i];
		rep = harness_call(sup, BODY(OVERDUE), &q, &err);
		assert_error(rep, err, ERR(BAD_REQUEST));
		assert_string_equal(err.field, "cursor");
	}
	hl_close(sup);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_triage_pages),
		cmocka_unit_test(test_department_pages),
		cmocka_unit_test(test_caller_pages),
		cmocka_unit_test(test_overdue_pages),
	};

	harness_filter();
	return cmocka_run_group_tests(tests, setup, teardown);
}
