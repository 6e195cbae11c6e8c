/* Runs one life-cycle step of a ticket: the table row of ticket.c turned into transition.lua's arguments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hotlined.h"
#include "keys.h"

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

/* Adds the parameters that come from the table row. */
static void
params_of_row(struct store_args *a, const struct transition *t)
{
	char from[64], effects[256];

	ticket_from_states(t, from, sizeof from);
	ticket_effects(t, effects, sizeof effects);
	store_args_param(a, "action", t->name);
	store_args_paramf(a, "from", "%s", from);	/* copied: ours */
	store_args_paramf(a, "to", "%d", t->to);
	store_args_paramf(a, "effects", "%s", effects);
	store_args_param(a, "party", party_name(t->party));
	store_args_paramf(a, "dept_event", "%d", t->department_event);
	store_args_paramf(a, "centre_event", "%d", t->centre_event);
	store_args_paramf(a, "supervision_event", "%d",
	    t->supervision_event);
	store_args_paramf(a, "assist_from", "%d",
	    t->assist != NULL ? (int)t->assist->from : 0);
	store_args_paramf(a, "assist_to", "%d",
	    t->assist != NULL ? (int)t->assist->to : 0);
	store_args_paramf(a, "assist_event", "%d",
	    t->assist != NULL ? (int)t->assist->event : 0);
}

/* What a step does to the clocks, computed by the daemon before the script runs. */
struct clock_plan {
	const char *clock;		/* transition.lua's clock parameter */
	char timers[192];
	char expect_gen[24];
	int max_returns;
	struct clock_fields fields;
	char *nb_text;			/* a routing's example text (NULL: none); owned */
};

/* A step waiting for its ticket to be read; owns copies of the step's strings. */
struct step_job {
	enum ticket_action action;
	struct step s;
	char *owned[STEP_MAX_FIELDS * 2 + 8];
	int nowned;
};

/* Adds who acts, and the step's own parameters. */
static void
params_of_step(struct store_args *a, const struct request *r,
    const struct step *s, const struct clock_plan *plan)
{
	int64_t now = now_ms();
	char day[9];

	ticket_day(now, day);
	store_args_paramf(a, "now", "%lld", (long long)now);
	store_args_paramf(a, "day", "%s", day);	/* copied: day is ours */
	store_args_paramf(a, "ws", "%lld",
	    (long long)stats_working_seconds(hotlined.cfg->calendar, now));
	store_args_param(a, "principal", r->conn->principal);
	store_args_paramf(a, "role", "%d", r->conn->role);
	store_args_param(a, "dept", r->conn->department);
	store_args_param(a, "note", s->note);
	store_args_param(a, "incr", s->incr);
	store_args_paramf(a, "feed_maxlen", "%d",
	    hotlined.cfg->redis.feed_maxlen);
	store_args_param(a, "lead", s->lead);
	store_args_param(a, "assists", s->assists);
	store_args_param(a, "category", s->category);
	store_args_param(a, "master", s->master);
	store_args_paramf(a, "approve", "%d", s->approve);
	store_args_paramf(a, "max_returns", "%d", plan->max_returns);
	store_args_paramf(a, "max_attempts", "%d",
	    hotlined.cfg->tickets.callback_attempts);
	store_args_param(a, "clock", plan->clock);
	store_args_param(a, "timers", plan->timers);
	store_args_param(a, "expect_gen", plan->expect_gen);
	store_args_param(a, "nb_text", plan->nb_text != NULL ? plan->nb_text : "");
	store_args_param(a, "request_key", r->in->request_key);
	store_args_paramf(a, "request_ttl", "%lld",
	    (long long)SESSION_REQUEST_KEY_TTL_MS);
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
		    LANG_INTERNAL);
		return;
	}
	log_info("ticket %s: %s by %s (%s)", t->number, request_op_name(r),
	    r->conn->principal, ticket_state_name(t->state));
	answer_ticket(r, t);
}

/* Runs transition.lua for the step with the clock plan. */
static void
step_send(struct request *r, enum ticket_action action, const struct step *s,
    const struct clock_plan *plan)
{
	const struct transition *t = ticket_transition(action);
	struct store_args args = { 0 };
	const char *const *f;
	int i;

	store_args_addf(&args, KEY_TICKET, s->number);
	store_args_addf(&args, KEY_HISTORY, s->number);
	store_args_addf(&args, KEY_ASSIST, s->number);
	params_of_row(&args, t);
	params_of_step(&args, r, s, plan);
	store_args_add(&args, "--");
	for (f = s->fields; *f != NULL; f += 2) {
		store_args_add(&args, f[0]);
		store_args_add(&args, f[1]);
	}
	for (i = 0; i < plan->fields.n; i++) {
		store_args_add(&args, plan->fields.name[i]);
		store_args_add(&args, plan->fields.value[i]);
	}
	request_script(r, SCRIPT_TRANSITION, 3, &args, step_done);
	store_args_free(&args);
}

/* Returns 1 if the step needs the ticket read first (policy or clock). */
static int
step_needs_read(enum ticket_action action, const struct step *s)
{
	switch (ticket_clock(action)) {
	case CLOCK_START:
	case CLOCK_CHECK_EXTENSION:
	case CLOCK_SUSPEND:
	case CLOCK_RESUME:
	case CLOCK_CALLBACK:
	case CLOCK_SUPERVISE:
		return 1;
	case CLOCK_EXTEND:
		return s->approve;
	default:
		return action == TICKET_RETURN;	/* max_returns is a policy */
	}
}

/* Copies s into a job that outlives the caller's stack. */
static struct step_job *
step_job_new(enum ticket_action action, const struct step *s)
{
	struct step_job *j = xcalloc(1, sizeof *j);
	const char **strings[] = { &j->s.number, &j->s.note, &j->s.incr,
	    &j->s.lead, &j->s.assists, &j->s.master };
	size_t i;

	j->action = action;
	j->s = *s;
	for (i = 0; i < sizeof strings / sizeof strings[0]; i++)
		if (*strings[i] != NULL)
			*strings[i] = j->owned[j->nowned++] = xstrdup(*strings[i]);
	for (i = 0; s->fields[i] != NULL; i++)
		j->s.fields[i] = j->owned[j->nowned++] = xstrdup(s->fields[i]);
	return j;
}

/* Frees a step job. */
static void
step_job_free(void *arg)
{
	struct step_job *j = arg;
	int i;

	for (i = 0; i < j->nowned; i++)
		free(j->owned[i]);
	free(j);
}

/* Returns the value of a step field, or NULL. */
static const char *
step_field(const struct step *s, const char *name)
{
	const char *const *f;

	for (f = s->fields; *f != NULL; f += 2)
		if (strcmp(f[0], name) == 0)
			return f[1];
	return NULL;
}

/* Resolves the policy of a ticket (hash) for department dept. */
static void
policy_of(const redisReply *hash, const char *dept, struct policy *out)
{
	const char *type = record_hash_get(hash, "type");
	const char *urgency = record_hash_get(hash, "urgency");

	policy_for(hotlined.cfg->policies, type ? atoi(type) : 0,
	    urgency ? atoi(urgency) : 0, dept, out);
}

/* Returns 1 if breach flag is set on the ticket read. */
static int
plan_flagged(const redisReply *hash, const char *flag)
{
	const char *v = record_hash_get(hash, flag);

	return v != NULL && strcmp(v, "1") == 0;
}

/*
 * Sets the plan's fields and timers from the clock c; hash is the ticket as
 * read. One 黄灯 per round: a new round (dispatch, 改派, 重办: new_round)
 * clears the warned flag of the last one; a step within the round
 * (suspend, resume, extension) arms neither a warning that already fired
 * (warned) nor an overdue already settled late (st_done, stats.lua).
 */
static void
plan_clock(struct clock_plan *plan, const struct clock *c,
    const struct policy *pol, int awaiting_sign, const redisReply *hash,
    int new_round)
{
	struct clock_dues d, armed;
	const char *done = record_hash_get(hash, "st_done");
	struct clock_fields *f = &plan->fields;

	clock_dues(c, hotlined.cfg->calendar, pol, &d);
	clock_fields(c, &d, f);
	armed = d;
	if (new_round && plan_flagged(hash, "warned")) {
		f->name[f->n] = "warned";
		snprintf(f->value[f->n++], sizeof f->value[0], "0");
	} else if (!new_round && plan_flagged(hash, "warned"))
		armed.warn_at = 0;
	if (!new_round && done != NULL && strcmp(done, "late") == 0)
		armed.complete_due = 0;
	clock_timers(&armed, awaiting_sign, plan->timers, sizeof plan->timers);
	plan->clock = "rearm";
}

/*
 * Sets the plan for a clock of its own (回访, 督办): its due field, a timer,
 * and (when base_field is set) when it started, so a calendar change can
 * recompute it.
 */
static void
plan_single(struct clock_plan *plan, const char *field, const char *kind,
    int64_t due, const char *base_field, int64_t base)
{
	plan->fields.n = 0;
	plan->fields.name[plan->fields.n] = field;
	snprintf(plan->fields.value[plan->fields.n++], sizeof
	    plan->fields.value[0], "%lld", (long long)due);
	if (base_field != NULL) {
		plan->fields.name[plan->fields.n] = base_field;
		snprintf(plan->fields.value[plan->fields.n++], sizeof
		    plan->fields.value[0], "%lld", (long long)base);
	}
	snprintf(plan->timers, sizeof plan->timers, "%s=%lld", kind,
	    (long long)due);
}

/*
 * Checks a requested extension against the policy's longest; answers
 * BAD_REQUEST and returns -1 if it is longer.
 */
static int
plan_check_extension(struct request *r, const struct step *s,
    const struct policy *pol, int64_t now)
{
	const char *text = step_field(s, "ext_extension"), *why;
	struct limit ext;
	char max[16];

	if (text == NULL || limit_parse(text, &ext, &why) == -1 ||
	    clock_extension_allowed(hotlined.cfg->calendar, pol, &ext, now))
		return 0;
	limit_format(&pol->max_extension, max, sizeof max);
	request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
	    "extension", ZH_EN("延期时长超过允许的上限（",
	    "extension is longer than the longest allowed (") "%s"
	    ZH_EN("）", ")"), max);
	return -1;
}

/* Computes what action does to the clock of the ticket read; -1 if r was answered. */
static int
plan_make(struct request *r, const struct step_job *j, redisReply *hash,
    struct clock_plan *plan)
{
	enum clock_action what = ticket_clock(j->action);
	const char *dept = record_hash_get(hash, "dept");
	int64_t now = now_ms();
	struct policy pol;
	struct clock c;
	struct limit sup;
	const char *why, *text;

	if (what == CLOCK_START && j->s.lead != NULL)
		dept = j->s.lead;	/* the new department's policy */
	policy_of(hash, dept, &pol);
	plan->max_returns = pol.max_returns;
	clock_read(&c, record_getter, hash);
	snprintf(plan->expect_gen, sizeof plan->expect_gen, "%lld",
	    (long long)c.gen);
	switch (what) {
	case CLOCK_START:
		clock_start(&c, &pol, now);
		plan_clock(plan, &c, &pol, 1, hash, 1);
		break;
	case CLOCK_CHECK_EXTENSION:
		return plan_check_extension(r, &j->s, &pol, now);
	case CLOCK_EXTEND:
		text = record_hash_get(hash, "ext_extension");
		if (c.dispatched_at == 0 || text == NULL ||
		    limit_parse(text, &sup, &why) == -1 ||
		    clock_extend(&c, &sup) == -1)
			break;
		plan_clock(plan, &c, &pol, 0, hash, 0);
		break;
	case CLOCK_SUSPEND:
		if (c.dispatched_at == 0)
			break;
		clock_suspend(&c, hotlined.cfg->calendar, &pol, now);
		plan_clock(plan, &c, &pol, 0, hash, 0);
		break;
	case CLOCK_RESUME:
		if (c.dispatched_at == 0)
			break;
		clock_resume(&c, now);
		plan_clock(plan, &c, &pol, 0, hash, 0);
		break;
	case CLOCK_CALLBACK:
		plan_single(plan, "callback_due", "callback",
		    deadline_due(hotlined.cfg->calendar, now, &pol.callback),
		    "callback_base", now);
		plan->clock = "rearm";	/* the completion timers go stale */
		break;
	case CLOCK_SUPERVISE:
		text = step_field(&j->s, "sup_limit");
		plan_single(plan, "sup_due", "sup", clock_supervision_due(
		    hotlined.cfg->calendar, text != NULL && *text != '\0' &&
		    limit_parse(text, &sup, &why) == 0 ? &sup : NULL, now),
		    NULL, 0);
		plan->clock = "arm";
		break;
	default:
		break;
	}
	return 0;
}

/* ticket_read.lua answered: plan the clocks, then run the step. */
static void
step_read_done(struct request *r, redisReply *hash)
{
	struct step_job *j = r->state;
	struct clock_plan plan = { .clock = "" };

	/* A department learns nothing of another's ticket, not even its policy. */
	if (refuse_foreign(r, hash) == -1)
		return;
	/*
	 * A dispatcher's routing (派单, 改派) labels the ticket's text for the
	 * learned model (transition.lua): the text is made here from title and
	 * content, as at create, rather than kept in every ticket's hash.
	 */
	if (ticket_transition(j->action)->effects & EFFECT_ROUTE)
		plan.nb_text = blend_text(record_hash_get(hash, "title"),
		    record_hash_get(hash, "content"));
	if (plan_make(r, j, hash, &plan) == 0)
		step_send(r, j->action, &j->s, &plan);
	free(plan.nb_text);
}

/*
 * Runs action on ticket s->number for r's principal. Steps that touch the
 * clocks (or need the ticket's policy) read the ticket first and compute
 * the clock here; the script then checks department, state, effects and
 * that the clock did not change meanwhile, all atomically, and answers the
 * ticket as it is after the step (masked for departments). The caller
 * checked the request's own fields.
 */
void
step_run(struct request *r, enum ticket_action action, const struct step *s)
{
	struct clock_plan plan = { .clock = "", .max_returns = 1 };
	struct store_args args = { 0 };
	struct step_job *j;
	char op[64], role[64];

	/* session.c refused other roles already, from the same table. */
	if ((ticket_roles(&action, 1) & ROLE_BIT(r->conn->role)) == 0) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_FORBIDDEN, NULL,
		    ZH_EN("", "role ") "%s" ZH_EN("无权", " may not ") "%s",
		    lang_pair(role, sizeof role,
		    lang_role_zh(config_role_name(r->conn->role)),
		    config_role_name(r->conn->role)), lang_pair(op, sizeof op,
		    lang_op_zh(request_op_name(r)), request_op_name(r)));
		return;
	}
	if (check_number(r, s->number) == -1)
		return;
	if (!step_needs_read(action, s)) {
		if (ticket_clock(action) == CLOCK_STOP)
			plan.clock = "stop";
		else if (ticket_clock(action) == CLOCK_REARM)
			plan.clock = "rearm_stored";
		step_send(r, action, s, &plan);
		return;
	}
	j = step_job_new(action, s);
	r->state = j;
	r->state_free = step_job_free;
	store_args_addf(&args, KEY_TICKET, s->number);
	request_script(r, SCRIPT_TICKET_READ, 1, &args, step_read_done);
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
	    "%s" ZH_EN(" 须为时限，如 30m、2h、4wh 或 5wd",
	    " must be a time limit such as 30m, 2h, 4wh or 5wd"), field);
	return -1;
}
