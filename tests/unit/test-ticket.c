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
#define EV(k) HOTLINE__EVENT_KIND__EVENT_KIND_##k

#define DISPATCHER HOTLINE__ROLE__ROLE_DISPATCHER
#define SUPERVISOR HOTLINE__ROLE__ROLE_SUPERVISOR
#define B(x) (1u << S(x))
#define AT_DEPT (B(DISPATCHED) | B(ACCEPTED) | B(SUSPENDED))
#define STAYS S(UNSPECIFIED)

static const Hotline__TicketState all_states[] = { S(UNSPECIFIED),
    S(REGISTERED), S(TRIAGE), S(DISPATCHED), S(ACCEPTED), S(REPLIED),
    S(SUSPENDED), S(AWAITING_CALLBACK), S(CLOSED), S(MERGED) };
static const role_t all_roles[] = { HOTLINE__ROLE__ROLE_AGENT,
    HOTLINE__ROLE__ROLE_DISPATCHER, HOTLINE__ROLE__ROLE_DEPARTMENT,
    HOTLINE__ROLE__ROLE_SUPERVISOR, HOTLINE__ROLE__ROLE_ADMIN };

/*
 * The life cycle of DESIGN §2, restated: for each action the states it may
 * start from, the one role that may take it, and where it leads. Every
 * other (state, role) pair must be refused.
 */
static const struct {
	enum ticket_action action;
	uint32_t from;
	role_t role;
	Hotline__TicketState to;
} spec[] = {
	{ TICKET_CREATE, B(UNSPECIFIED), AGENT, S(REGISTERED) },
	{ TICKET_DISPATCH, B(REGISTERED), AGENT, S(DISPATCHED) },
	{ TICKET_TRIAGE, B(REGISTERED), AGENT, S(TRIAGE) },
	{ TICKET_ANSWER, B(REGISTERED), AGENT, S(CLOSED) },
	{ TICKET_MANUAL_DISPATCH, B(TRIAGE), DISPATCHER, S(DISPATCHED) },
	{ TICKET_REDISPATCH, AT_DEPT, DISPATCHER, S(DISPATCHED) },
	{ TICKET_DECIDE_EXTENSION, B(ACCEPTED) | B(SUSPENDED), DISPATCHER,
	    STAYS },
	{ TICKET_APPROVE_REPLY, B(REPLIED), DISPATCHER, S(AWAITING_CALLBACK) },
	{ TICKET_SEND_BACK, B(REPLIED), DISPATCHER, S(ACCEPTED) },
	{ TICKET_MERGE, B(TRIAGE) | AT_DEPT, DISPATCHER, S(MERGED) },
	{ TICKET_INVALIDATE, B(TRIAGE) | AT_DEPT, DISPATCHER, S(CLOSED) },
	{ TICKET_SIGN, B(DISPATCHED), DEPT, S(ACCEPTED) },
	{ TICKET_RETURN, B(DISPATCHED) | B(ACCEPTED), DEPT, S(TRIAGE) },
	{ TICKET_EXTEND, B(ACCEPTED) | B(SUSPENDED), DEPT, STAYS },
	{ TICKET_SUSPEND, B(ACCEPTED), DEPT, S(SUSPENDED) },
	{ TICKET_RESUME, B(SUSPENDED), DEPT, S(ACCEPTED) },
	{ TICKET_NOTE, AT_DEPT, DEPT, STAYS },
	{ TICKET_REPLY, B(ACCEPTED), DEPT, S(REPLIED) },
	{ TICKET_ANSWER_SUPERVISION, AT_DEPT | B(REPLIED), DEPT, STAYS },
	{ TICKET_CALLBACK_CLOSE, B(AWAITING_CALLBACK), AGENT, S(CLOSED) },
	{ TICKET_CALLBACK_REOPEN, B(AWAITING_CALLBACK), AGENT, S(DISPATCHED) },
	{ TICKET_CALLBACK_UNREACHABLE, B(AWAITING_CALLBACK), AGENT, STAYS },
	{ TICKET_URGE, AT_DEPT, SUPERVISOR, STAYS },
	{ TICKET_SUPERVISE, AT_DEPT | B(REPLIED), SUPERVISOR, STAYS },
	{ TICKET_EXEMPT, B(REGISTERED) | B(TRIAGE) | AT_DEPT | B(REPLIED) |
	    B(AWAITING_CALLBACK) | B(CLOSED), SUPERVISOR, STAYS },
};

/* Every action x state x role gets exactly the verdict the spec implies. */
static void
test_every_transition(void **state)
{
	size_t a, s, r;

	(void)state;
	for (a = 0; a < sizeof spec / sizeof spec[0]; a++) {
		const struct transition *t = ticket_transition(spec[a].action);

		assert_non_null(t);
		assert_int_equal(t->to, spec[a].to);
		for (s = 0; s < sizeof all_states / sizeof all_states[0]; s++)
			for (r = 0; r < sizeof all_roles / sizeof all_roles[0];
			    r++) {
				enum ticket_verdict want = TICKET_ALLOWED;

				if (all_roles[r] != spec[a].role)
					want = TICKET_FORBIDDEN;
				else if ((spec[a].from &
				    (1u << all_states[s])) == 0)
					want = TICKET_CONFLICT;
				assert_int_equal(ticket_check(spec[a].action,
				    all_states[s], all_roles[r]), want);
			}
	}
}

/* A closed or merged ticket accepts nothing but the supervisors' exemption. */
static void
test_closed_is_final(void **state)
{
	size_t a, r;

	(void)state;
	for (a = 0; a < sizeof spec / sizeof spec[0]; a++)
		for (r = 0; r < sizeof all_roles / sizeof all_roles[0]; r++) {
			assert_int_not_equal(ticket_check(spec[a].action,
			    S(MERGED), all_roles[r]), TICKET_ALLOWED);
			if (spec[a].action != TICKET_EXEMPT)
				assert_int_not_equal(ticket_check(
				    spec[a].action, S(CLOSED), all_roles[r]),
				    TICKET_ALLOWED);
		}
}

/* Who hears of what: departments, the centre, the supervisors. */
static void
test_events_and_effects(void **state)
{
	const struct transition *t;
	char buf[128];

	(void)state;
	t = ticket_transition(TICKET_DISPATCH);
	assert_int_equal(t->department_event, EV(DISPATCHED));
	assert_true(t->effects & EFFECT_OPEN_ADD);
	t = ticket_transition(TICKET_TRIAGE);
	assert_int_equal(t->centre_event, EV(TRIAGED));
	assert_true(t->effects & EFFECT_TRIAGE_ADD);
	t = ticket_transition(TICKET_RETURN);
	assert_int_equal(t->centre_event, EV(RETURNED));
	assert_int_equal(t->party, PARTY_LEAD);
	assert_null(t->assist);
	ticket_effects(t, buf, sizeof buf);
	assert_string_equal(buf, "open_remove,triage_add,return");
	t = ticket_transition(TICKET_REPLY);
	assert_true(t->effects & EFFECT_OPEN_REMOVE);
	assert_non_null(t->assist);
	assert_int_equal(t->assist->to, ASSIST_REPLIED);
	assert_int_equal(t->assist->event, EV(ASSIST_REPLIED));
	t = ticket_transition(TICKET_CALLBACK_REOPEN);
	assert_int_equal(t->supervision_event, EV(REOPENED));
	assert_int_equal(ticket_transition(TICKET_NOTE)->party, PARTY_ANY);
	assert_int_equal(ticket_next(ticket_transition(TICKET_URGE),
	    S(ACCEPTED)), S(ACCEPTED));
	assert_int_equal(ticket_next(ticket_transition(TICKET_SIGN),
	    S(DISPATCHED)), S(ACCEPTED));
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
	ticket_from_states(ticket_transition(TICKET_REDISPATCH), buf,
	    sizeof buf);
	assert_string_equal(buf, "3,4,6");
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

/* Labels name the state in Chinese and English (one per language); names as the protocol does. */
static void
test_state_labels(void **state)
{
	char out[64];

	(void)state;
	lang_pick(ticket_state_label(S(ACCEPTED)), LANG_ZH, out, sizeof out);
	assert_string_equal(out, "已签收");
	lang_pick(ticket_state_label(S(ACCEPTED)), LANG_EN, out, sizeof out);
	assert_string_equal(out, "accepted");
	lang_pick(ticket_state_label(S(MERGED)), LANG_ZH, out, sizeof out);
	assert_string_equal(out, "已并单");
	lang_pick(ticket_state_label((Hotline__TicketState)77), LANG_EN, out,
	    sizeof out);
	assert_string_equal(out, "unknown state");
	assert_string_equal(ticket_state_name(S(AWAITING_CALLBACK)),
	    "awaiting_callback");
	assert_string_equal(ticket_state_name((Hotline__TicketState)77),
	    "unknown");
}

/* Phones are masked to their first three and last four digits. */
static void
test_mask_phone(void **state)
{
	char out[32];

	(void)state;
	ticket_mask_phone("13800001234", out, sizeof out);
	assert_string_equal(out, "138****1234");
	ticket_mask_phone("+8613800001234", out, sizeof out);
	assert_string_equal(out, "+86*******1234");
	ticket_mask_phone("12345", out, sizeof out);
	assert_string_equal(out, "*****");
	ticket_mask_phone("13800001234", out, 6);
	assert_string_equal(out, "138**");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_transition),
		cmocka_unit_test(test_closed_is_final),
		cmocka_unit_test(test_events_and_effects),
		cmocka_unit_test(test_from_states),
		cmocka_unit_test(test_day_in_shanghai),
		cmocka_unit_test(test_number_valid),
		cmocka_unit_test(test_state_labels),
		cmocka_unit_test(test_mask_phone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
