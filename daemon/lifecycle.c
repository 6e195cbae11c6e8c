/* Runs one life-cycle step of a ticket: the table row of ticket.c turned into transition.lua's arguments. */
#include <string.h>

#include "hotlined.h"

/* Names a party for the script. */
static const char *
party_name(enum party party)
{
	switch (party) {
	case PARTY_LEAD:
		return "lead";
	case PARTY_ANY:
		return "any";
	default:
		return "";
	}
}

/* Adds one name/value parameter. */
static void
param(struct store_args *a, const char *name, const char *value)
{
	store_args_add(a, name);
	store_args_add(a, value != NULL ? value : "");
}

/* Adds one name/number parameter. */
static void
param_int(struct store_args *a, const char *name, long long value)
{
	store_args_add(a, name);
	store_args_addf(a, "%lld", value);
}

/* Adds the parameters that come from the table row. */
static void
params_of_row(struct store_args *a, const struct transition *t)
{
	char from[64], effects[256];

	ticket_from_states(t, from, sizeof from);
	ticket_effects(t, effects, sizeof effects);
	param(a, "action", t->name);
	param(a, "from", from);
	param_int(a, "to", t->to);
	param(a, "effects", effects);
	param(a, "party", party_name(t->party));
	param_int(a, "dept_event", t->department_event);
	param_int(a, "centre_event", t->centre_event);
	param_int(a, "supervision_event", t->supervision_event);
	param_int(a, "assist_from", t->assist != NULL ? t->assist->from : 0);
	param_int(a, "assist_to", t->assist != NULL ? t->assist->to : 0);
	param_int(a, "assist_event", t->assist != NULL ? t->assist->event : 0);
}

/* Adds who acts, and the step's own parameters. */
static void
params_of_step(struct store_args *a, const struct request *r,
    const struct step *s)
{
	param_int(a, "now", now_ms());
	param(a, "principal", r->conn->principal);
	param_int(a, "role", r->conn->role);
	param(a, "dept", r->conn->department);
	param(a, "note", s->note);
	param(a, "incr", s->incr);
	param_int(a, "feed_maxlen", cfg->redis.feed_maxlen);
	param(a, "lead", s->lead);
	param(a, "assists", s->assists);
	param(a, "master", s->master);
	param_int(a, "approve", s->approve);
	param_int(a, "max_returns", cfg->tickets.max_returns);
	param_int(a, "max_attempts", cfg->tickets.callback_attempts);
}

/* transition.lua answered with the ticket's hash. */
static void
step_done(struct request *r, redisReply *reply)
{
	int mask = r->conn->role == HOTLINE__ROLE__ROLE_DEPARTMENT;
	Hotline__Ticket *t = record_ticket(reply, mask);

	if (t == NULL) {
		log_warnx("transition.lua: unexpected reply");
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
		    "internal error (logged by the server)");
		return;
	}
	log_info("ticket %s: %s by %s (%s)", t->number,
	    request_op_name(r), r->conn->principal, ticket_state_label(t->state));
	answer_ticket(r, t);
}

/*
 * Runs action on ticket s->number for r's principal: the script checks
 * department, state and effects atomically, and answers the ticket as it is
 * after the step (masked for departments). The caller checked the request's
 * own fields.
 */
void
step_run(struct request *r, enum ticket_action action, const struct step *s)
{
	const struct transition *t = ticket_transition(action);
	struct store_args args = { 0 };
	const char *const *f;

	if (check_number(r, s->number) == -1)
		return;
	store_args_addf(&args, "ht:ticket:%s", s->number);
	store_args_addf(&args, "ht:history:%s", s->number);
	store_args_addf(&args, "ht:assist:%s", s->number);
	params_of_row(&args, t);
	params_of_step(&args, r, s);
	store_args_add(&args, "--");
	for (f = s->fields; *f != NULL; f += 2) {
		store_args_add(&args, f[0]);
		store_args_add(&args, f[1]);
	}
	request_script(r, SCRIPT_TRANSITION, 3, &args, step_done);
	store_args_free(&args);
}

/*
 * Answers BAD_REQUEST naming field unless limit is a time limit: a whole
 * number 1..9999 then m or h or d (natural time), wh (working hours) or wd
 * (working days). Returns 0 if it is.
 */
int
check_limit(struct request *r, const char *field, const char *limit)
{
	static const char *units[] = { "m", "h", "d", "wh", "wd", NULL };
	size_t digits = strspn(limit, "0123456789");
	int i;

	if (digits > 0 && digits <= 4 && limit[0] != '0')
		for (i = 0; units[i] != NULL; i++)
			if (strcmp(limit + digits, units[i]) == 0)
				return 0;
	request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST, field,
	    "%s must be a time limit such as 30m, 2h, 4wh or 5wd", field);
	return -1;
}
