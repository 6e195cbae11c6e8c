/*
 * The operation table (session.c's ops[]) against the life-cycle table
 * (ticket.c's transitions[]): every step belongs to exactly one operation,
 * a step operation declares no roles of its own, and the roles it is
 * refused by are the table's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hotlined.h"

#define ACTIONS (TICKET_TRANSFER + 1)	/* enum ticket_action's last + 1 */

/* Every action has one row, and no role outside the protocol's roles. */
static void
test_every_action_has_a_row(void **state)
{
	const struct transition *t;
	int a;

	(void)state;
	for (a = 0; a < ACTIONS; a++) {
		t = ticket_transition((enum ticket_action)a);
		assert_non_null(t);
		assert_int_equal(t->action, a);
		assert_non_null(t->name);
		assert_int_not_equal(t->roles, 0);
		assert_int_equal(t->roles & ~(ROLE_BIT(HOTLINE__ROLE__ROLE_AGENT) |
		    ROLE_BIT(HOTLINE__ROLE__ROLE_DISPATCHER) |
		    ROLE_BIT(HOTLINE__ROLE__ROLE_DEPARTMENT) |
		    ROLE_BIT(HOTLINE__ROLE__ROLE_SUPERVISOR)), 0);
	}
}

/*
 * Every action is a step of exactly one operation; a step operation
 * declares no roles (no second copy to drift) and is refused by exactly the
 * union of its steps' roles in the table.
 */
static void
test_ops_take_roles_from_the_table(void **state)
{
	int owner[ACTIONS];
	const enum ticket_action *steps;
	uint32_t declared, roles, want;
	const char *name;
	size_t i, j, nsteps;
	int nstep_ops = 0;

	(void)state;
	memset(owner, 0, sizeof owner);
	for (i = 0; (name = session_op(i, &declared, &roles, &steps,
	    &nsteps)) != NULL; i++) {
		if (steps == NULL) {
			assert_int_not_equal(declared, 0);
			assert_int_equal(roles, declared);
			continue;
		}
		nstep_ops++;
		assert_int_equal(declared, 0);
		assert_true(nsteps > 0);
		want = 0;
		for (j = 0; j < nsteps; j++) {
			assert_true((int)steps[j] >= 0 &&
			    (int)steps[j] < ACTIONS);
			owner[steps[j]]++;
			want |= ticket_transition(steps[j])->roles;
		}
		assert_int_equal(roles, want);
	}
	assert_true(nstep_ops >= 19);
	for (i = 0; i < ACTIONS; i++) {
		if (owner[i] != 1)
			fail_msg("action %s is a step of %d operations",
			    ticket_transition((enum ticket_action)i)->name,
			    owner[i]);
	}
}

/* ticket_check forbids exactly the roles ticket_roles leaves out. */
static void
test_check_agrees_with_roles(void **state)
{
	const struct transition *t;
	enum ticket_action a;
	unsigned s;
	int r;

	(void)state;
	for (a = 0; (int)a < ACTIONS; a++) {
		t = ticket_transition(a);
		for (s = 0; s < 32 && (t->from_states & (1u << s)) == 0; s++)
			;
		for (r = 0; r < 6; r++) {
			enum ticket_verdict v = ticket_check(a,
			    (Hotline__TicketState)s, (role_t)r);

			if (ticket_roles(&a, 1) & ROLE_BIT(r))
				assert_int_equal(v, TICKET_ALLOWED);
			else
				assert_int_equal(v, TICKET_FORBIDDEN);
		}
	}
}

/* The effect names are one per bit, in bit order, and name every bit used. */
static void
test_effect_names(void **state)
{
	unsigned bit, used = 0, named = 0;
	const char *name;
	size_t i;
	int a;

	(void)state;
	for (i = 0; (name = ticket_effect_name(i, &bit)) != NULL; i++) {
		assert_int_equal(bit, 1u << i);
		assert_true(strlen(name) > 0);
		named |= bit;
	}
	for (a = 0; a < ACTIONS; a++)
		used |= ticket_transition((enum ticket_action)a)->effects;
	assert_int_equal(used & ~named, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_action_has_a_row),
		cmocka_unit_test(test_ops_take_roles_from_the_table),
		cmocka_unit_test(test_check_agrees_with_roles),
		cmocka_unit_test(test_effect_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
