/* Unit tests of the ticket life-cycle table and ticket numbers (daemon/ticket.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hotlined.h"

#define S(x) HOTLINE__TICKET_STATE__TICKET_STATE_##x
#define AGENT HOTLINE__ROLE__ROLE_AGENT
#define DEPT HOTLINE__ROLE__ROLE_DEPARTMENT

static const Hotline__TicketState all_states[] = { S(UNSPECIFIED),
    S(REGISTERED), S(TRIAGE), S(DISPATCHED), S(ACCEPTED), S(REPLIED) };
static const role_t all_roles[] = { HOTLINE__ROLE__ROLE_AGENT,
    HOTLINE__ROLE__ROLE_DISPATCHER, HOTLINE__ROLE__ROLE_DEPARTMENT,
    HOTLINE__ROLE__ROLE_SUPERVISOR, HOTLINE__ROLE__ROLE_ADMIN };

/* The one allowed (state, role) of each action; everything else is refused. */
static const struct {
	enum ticket_action action;
	Hotline__TicketState from;
	role_t role;
	Hotline__TicketState to;
} allowed[] = {
	{ TICKET_CREATE, S(UNSPECIFIED), AGENT, S(REGISTERED) },
	{ TICKET_DISPATCH, S(REGISTERED), AGENT, S(DISPATCHED) },
	{ TICKET_TRIAGE, S(REGISTERED), AGENT, S(TRIAGE) },
	{ TICKET_SIGN, S(DISPATCHED), DEPT, S(ACCEPTED) },
	{ TICKET_REPLY, S(ACCEPTED), DEPT, S(REPLIED) },
};

/* Every action x state x role gets exactly the verdict the table above implies. */
static void
test_every_transition(void **state)
{
	size_t a, s, r;

	(void)state;
	for (a = 0; a < sizeof allowed / sizeof allowed[0]; a++) {
		const struct transition *t = ticket_transition(allowed[a].action);

		assert_non_null(t);
		assert_int_equal(t->to, allowed[a].to);
		for (s = 0; s < sizeof all_states / sizeof all_states[0]; s++)
			for (r = 0; r < sizeof all_roles / sizeof all_roles[0];
			    r++) {
				enum ticket_verdict v = ticket_check(
				    allowed[a].action, all_states[s],
				    all_roles[r]);
				enum ticket_verdict want;

				if (all_roles[r] != allowed[a].role)
					want = TICKET_FORBIDDEN;
				else if (all_states[s] != allowed[a].from)
					want = TICKET_CONFLICT;
				else
					want = TICKET_ALLOWED;
				assert_int_equal(v, want);
			}
	}
}

/* Sign and dispatch keep the ticket on the department's list; reply takes it off. */
static void
test_open_list_and_events(void **state)
{
	(void)state;
	assert_true(ticket_transition(TICKET_DISPATCH)->keep_open);
	assert_true(ticket_transition(TICKET_SIGN)->keep_open);
	assert_false(ticket_transition(TICKET_REPLY)->keep_open);
	assert_int_equal(ticket_transition(TICKET_DISPATCH)->event,
	    HOTLINE__EVENT_KIND__EVENT_KIND_DISPATCHED);
	assert_int_equal(ticket_transition(TICKET_TRIAGE)->event,
	    HOTLINE__EVENT_KIND__EVENT_KIND_UNSPECIFIED);
	assert_string_equal(ticket_transition(TICKET_SIGN)->name, "sign");
}

/* The from-states string is what transition.lua parses. */
static void
test_from_states(void **state)
{
	char buf[32];

	(void)state;
	ticket_from_states(ticket_transition(TICKET_SIGN), buf, sizeof buf);
	assert_string_equal(buf, "3");
	ticket_from_states(ticket_transition(TICKET_REPLY), buf, sizeof buf);
	assert_string_equal(buf, "4");
	ticket_from_states(ticket_transition(TICKET_CREATE), buf, sizeof buf);
	assert_string_equal(buf, "0");
}

/* Dates are Asia/Shanghai's: UTC 16:00 is already the next day. */
static void
test_day_in_shanghai(void **state)
{
	char day[9];

	(void)state;
	ticket_day(0, day);
	assert_string_equal(day, "19700101");
	/* 2025-11-21T15:59:59.999Z = 23:59:59.999 in Beijing. */
	ticket_day(1763740799999LL, day);
	assert_string_equal(day, "20251121");
	/* 2025-11-21T16:00:00Z = 2025-11-22 00:00 in Beijing. */
	ticket_day(1763740800000LL, day);
	assert_string_equal(day, "20251122");
	/* A leap day: 2028-02-29T12:00:00+08:00. */
	ticket_day(1835409600000LL, day);
	assert_string_equal(day, "20280229");
	/* The turn of a year at Beijing midnight: 2026-12-31T16:00:00Z. */
	ticket_day(1798732800000LL, day);
	assert_string_equal(day, "20270101");
}

/* Ticket numbers are 14 to 20 digits and nothing else. */
static void
test_number_valid(void **state)
{
	(void)state;
	assert_true(ticket_number_valid("20261122000123"));
	assert_true(ticket_number_valid("202611221234567"));
	assert_false(ticket_number_valid(""));
	assert_false(ticket_number_valid("2026112200012"));
	assert_false(ticket_number_valid("2026112200012x"));
	assert_false(ticket_number_valid("20261122000123 "));
	assert_false(ticket_number_valid("../../etc/passwd"));
	assert_false(ticket_number_valid("123456789012345678901"));
}

/* Labels name the state in English and Chinese. */
static void
test_state_labels(void **state)
{
	(void)state;
	assert_string_equal(ticket_state_label(S(ACCEPTED)), "accepted (已签收)");
	assert_string_equal(ticket_state_label((Hotline__TicketState)77),
	    "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_transition),
		cmocka_unit_test(test_open_list_and_events),
		cmocka_unit_test(test_from_states),
		cmocka_unit_test(test_day_in_shanghai),
		cmocka_unit_test(test_number_valid),
		cmocka_unit_test(test_state_labels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
