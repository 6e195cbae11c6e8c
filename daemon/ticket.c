/* The ticket life cycle as one table (state x action -> next state, roles, events, effects), and ticket numbers; no I/O. */
#include <stdio.h>
#include <string.h>

#include "lang.h"
#include "ticket.h"

#define S(s) (1u << (unsigned)(HOTLINE__TICKET_STATE__TICKET_STATE_##s))
#define TO(s) HOTLINE__TICKET_STATE__TICKET_STATE_##s
#define EV(k) HOTLINE__EVENT_KIND__EVENT_KIND_##k
#define STAY HOTLINE__TICKET_STATE__TICKET_STATE_UNSPECIFIED

#define AGENT ROLE_AGENT_BIT
#define DISPATCHER ROLE_BIT(HOTLINE__ROLE__ROLE_DISPATCHER)
#define DEPT ROLE_DEPARTMENT_BIT
#define SUPERVISOR ROLE_BIT(HOTLINE__ROLE__ROLE_SUPERVISOR)

/* States in which a department is working on the ticket. */
#define AT_DEPARTMENT (S(DISPATCHED) | S(ACCEPTED) | S(SUSPENDED))
/* States in which a ticket is not finished. */
#define OPEN (S(REGISTERED) | S(TRIAGE) | AT_DEPARTMENT | S(REPLIED) | \
	S(AWAITING_CALLBACK))

/*
 * Every action: from which states, to which state (STAY: unchanged), who
 * may (and, for departments, as lead or assisting department), the events
 * for the department(s), the centre's dispatchers and the supervisors, and
 * the effects on indexes that transition.lua applies. Two events are the
 * script's own: every step that closes a ticket tells its departments
 * (CLOSED), and a re-dispatch or return tells the departments it leaves
 * (TAKEN_AWAY). A field left out is zero: no party (not a department's
 * step), no event, no effect, no assisting department's step. Anything not
 * listed is refused: a role outside the mask as forbidden (session.c asks
 * ticket_roles before any handler runs), a state outside the set as a
 * conflict naming the current state (transition.lua, create.lua).
 */
static const struct transition transitions[] = {
	/* Intake (登记), in create.lua. */
	{ .action = TICKET_CREATE, .name = "create",
	    .from_states = S(UNSPECIFIED), .to = TO(REGISTERED),
	    .roles = AGENT },
	{ .action = TICKET_DISPATCH, .name = "dispatch",
	    .from_states = S(REGISTERED), .to = TO(DISPATCHED),
	    .roles = AGENT,
	    .department_event = EV(DISPATCHED),
	    .effects = EFFECT_OPEN_ADD },
	{ .action = TICKET_TRIAGE, .name = "triage",
	    .from_states = S(REGISTERED), .to = TO(TRIAGE),
	    .roles = AGENT,
	    .centre_event = EV(TRIAGED),
	    .effects = EFFECT_TRIAGE_ADD },
	{ .action = TICKET_ANSWER, .name = "answer",
	    .from_states = S(REGISTERED), .to = TO(CLOSED),
	    .roles = AGENT },
	/* 转警: an emergency goes to 119/110/120/122, never to a department; final. */
	{ .action = TICKET_TRANSFER, .name = "transfer",
	    .from_states = S(REGISTERED), .to = TO(TRANSFERRED),
	    .roles = AGENT },

	/* The dispatcher (派单员). */
	{ .action = TICKET_MANUAL_DISPATCH, .name = "dispatch",
	    .from_states = S(TRIAGE), .to = TO(DISPATCHED),
	    .roles = DISPATCHER,
	    .department_event = EV(DISPATCHED),
	    .effects = EFFECT_ROUTE | EFFECT_TRIAGE_REMOVE | EFFECT_OPEN_ADD },
	{ .action = TICKET_REDISPATCH, .name = "redispatch",
	    .from_states = AT_DEPARTMENT, .to = TO(DISPATCHED),
	    .roles = DISPATCHER,
	    .department_event = EV(DISPATCHED),
	    .effects = EFFECT_ROUTE | EFFECT_OPEN_ADD },
	{ .action = TICKET_DECIDE_EXTENSION, .name = "decide_extension",
	    .from_states = S(ACCEPTED) | S(SUSPENDED), .to = STAY,
	    .roles = DISPATCHER,
	    .department_event = EV(EXTENSION_DECIDED),
	    .effects = EFFECT_EXTENSION_DECIDE },
	{ .action = TICKET_APPROVE_REPLY, .name = "approve_reply",
	    .from_states = S(REPLIED), .to = TO(AWAITING_CALLBACK),
	    .roles = DISPATCHER },
	{ .action = TICKET_SEND_BACK, .name = "send_back",
	    .from_states = S(REPLIED), .to = TO(ACCEPTED),
	    .roles = DISPATCHER,
	    .department_event = EV(REPLY_SENT_BACK),
	    .effects = EFFECT_OPEN_ADD },
	{ .action = TICKET_MERGE, .name = "merge",
	    .from_states = S(TRIAGE) | AT_DEPARTMENT, .to = TO(MERGED),
	    .roles = DISPATCHER,
	    .department_event = EV(TAKEN_AWAY),
	    .effects = EFFECT_MERGE | EFFECT_TRIAGE_REMOVE | EFFECT_OPEN_REMOVE },
	{ .action = TICKET_INVALIDATE, .name = "invalidate",
	    .from_states = S(TRIAGE) | AT_DEPARTMENT, .to = TO(CLOSED),
	    .roles = DISPATCHER,
	    .department_event = EV(CLOSED),
	    .effects = EFFECT_TRIAGE_REMOVE | EFFECT_OPEN_REMOVE },

	/* Departments (承办单位). */
	{ .action = TICKET_SIGN, .name = "sign",
	    .from_states = S(DISPATCHED), .to = TO(ACCEPTED),
	    .roles = DEPT, .party = PARTY_LEAD,
	    .department_event = EV(SIGNED),
	    .assist = &(const struct assist_step){ .from = ASSIST_DISPATCHED,
	    .to = ASSIST_ACCEPTED, .event = EV(SIGNED) } },
	{ .action = TICKET_RETURN, .name = "return",
	    .from_states = S(DISPATCHED) | S(ACCEPTED), .to = TO(TRIAGE),
	    .roles = DEPT, .party = PARTY_LEAD,
	    .centre_event = EV(RETURNED),
	    .effects = EFFECT_RETURN | EFFECT_OPEN_REMOVE | EFFECT_TRIAGE_ADD },
	{ .action = TICKET_EXTEND, .name = "extend",
	    .from_states = S(ACCEPTED) | S(SUSPENDED), .to = STAY,
	    .roles = DEPT, .party = PARTY_LEAD,
	    .centre_event = EV(EXTENSION_REQUESTED),
	    .effects = EFFECT_EXTENSION_REQUEST },
	{ .action = TICKET_SUSPEND, .name = "suspend",
	    .from_states = S(ACCEPTED), .to = TO(SUSPENDED),
	    .roles = DEPT, .party = PARTY_LEAD,
	    .department_event = EV(SUSPENDED), .centre_event = EV(SUSPENDED) },
	{ .action = TICKET_RESUME, .name = "resume",
	    .from_states = S(SUSPENDED), .to = TO(ACCEPTED),
	    .roles = DEPT, .party = PARTY_LEAD,
	    .department_event = EV(RESUMED), .centre_event = EV(RESUMED) },
	{ .action = TICKET_NOTE, .name = "note",
	    .from_states = AT_DEPARTMENT, .to = STAY,
	    .roles = DEPT, .party = PARTY_ANY,
	    .department_event = EV(NOTE) },
	{ .action = TICKET_REPLY, .name = "reply",
	    .from_states = S(ACCEPTED), .to = TO(REPLIED),
	    .roles = DEPT, .party = PARTY_LEAD,
	    .department_event = EV(REPLIED), .centre_event = EV(REPLIED),
	    .effects = EFFECT_OPEN_REMOVE,
	    .assist = &(const struct assist_step){ .from = ASSIST_ACCEPTED,
	    .to = ASSIST_REPLIED, .event = EV(ASSIST_REPLIED) } },
	{ .action = TICKET_ANSWER_SUPERVISION, .name = "answer_supervision",
	    .from_states = AT_DEPARTMENT | S(REPLIED), .to = STAY,
	    .roles = DEPT, .party = PARTY_LEAD,
	    .supervision_event = EV(SUPERVISION_ANSWERED),
	    .effects = EFFECT_SUPERVISION_ANSWER },

	/* The agent's callback (回访). */
	{ .action = TICKET_CALLBACK_CLOSE, .name = "callback",
	    .from_states = S(AWAITING_CALLBACK), .to = TO(CLOSED),
	    .roles = AGENT,
	    .department_event = EV(CLOSED) },
	{ .action = TICKET_CALLBACK_REOPEN, .name = "reopen",
	    .from_states = S(AWAITING_CALLBACK), .to = TO(DISPATCHED),
	    .roles = AGENT,
	    .department_event = EV(REOPENED), .supervision_event = EV(REOPENED),
	    .effects = EFFECT_OPEN_ADD },
	{ .action = TICKET_CALLBACK_UNREACHABLE, .name = "callback_unreachable",
	    .from_states = S(AWAITING_CALLBACK), .to = STAY,
	    .roles = AGENT,
	    .effects = EFFECT_ATTEMPT },

	/* Supervisors (督办/考核). */
	{ .action = TICKET_URGE, .name = "urge",
	    .from_states = AT_DEPARTMENT, .to = STAY,
	    .roles = SUPERVISOR,
	    .department_event = EV(URGED) },
	{ .action = TICKET_SUPERVISE, .name = "supervise",
	    .from_states = AT_DEPARTMENT | S(REPLIED), .to = STAY,
	    .roles = SUPERVISOR,
	    .department_event = EV(SUPERVISED) },
	{ .action = TICKET_EXEMPT, .name = "exempt",
	    .from_states = OPEN | S(CLOSED), .to = STAY,
	    .roles = SUPERVISOR },
};

/*
 * What each action does to the ticket's clocks (限时办结). Actions not
 * listed leave them alone: a timer checks the ticket's state when it fires,
 * so signing stops the sign clock and replying the completion clock.
 */
static const struct {
	enum ticket_action action;
	enum clock_action clock;
} clock_actions[] = {
	{ .action = TICKET_DISPATCH, .clock = CLOCK_START },
	{ .action = TICKET_MANUAL_DISPATCH, .clock = CLOCK_START },
	{ .action = TICKET_REDISPATCH, .clock = CLOCK_START },	/* fresh clocks, new department */
	{ .action = TICKET_CALLBACK_REOPEN, .clock = CLOCK_START },	/* 重办: a new completion clock */
	{ .action = TICKET_RETURN, .clock = CLOCK_STOP },
	{ .action = TICKET_MERGE, .clock = CLOCK_STOP },
	{ .action = TICKET_INVALIDATE, .clock = CLOCK_STOP },
	{ .action = TICKET_CALLBACK_CLOSE, .clock = CLOCK_STOP },
	{ .action = TICKET_EXTEND, .clock = CLOCK_CHECK_EXTENSION },
	{ .action = TICKET_DECIDE_EXTENSION, .clock = CLOCK_EXTEND },	/* when approved */
	{ .action = TICKET_SUSPEND, .clock = CLOCK_SUSPEND },
	{ .action = TICKET_RESUME, .clock = CLOCK_RESUME },
	{ .action = TICKET_SEND_BACK, .clock = CLOCK_REARM },	/* the completion clock runs on */
	{ .action = TICKET_APPROVE_REPLY, .clock = CLOCK_CALLBACK },
	{ .action = TICKET_SUPERVISE, .clock = CLOCK_SUPERVISE },
};

/* Returns what action does to the ticket's clocks. */
enum clock_action
ticket_clock(enum ticket_action action)
{
	size_t i;

	for (i = 0; i < sizeof clock_actions / sizeof clock_actions[0]; i++)
		if (clock_actions[i].action == action)
			return clock_actions[i].clock;
	return CLOCK_KEEP;
}

/* Returns the table row of action; every action has exactly one. */
const struct transition *
ticket_transition(enum ticket_action action)
{
	size_t i;

	for (i = 0; i < sizeof transitions / sizeof transitions[0]; i++)
		if (transitions[i].action == action)
			return &transitions[i];
	return NULL;
}

/*
 * Returns the roles that may take any of the n actions: the mask session.c
 * refuses a request by, before its handler runs. 0 for an unknown action.
 */
uint32_t
ticket_roles(const enum ticket_action *actions, size_t n)
{
	const struct transition *t;
	uint32_t roles = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if ((t = ticket_transition(actions[i])) != NULL)
			roles |= t->roles;
	return roles;
}

/* Says whether role may take action from state; see ticket.h. */
enum ticket_verdict
ticket_check(enum ticket_action action, Hotline__TicketState state,
    role_t role)
{
	const struct transition *t = ticket_transition(action);

	if (t == NULL || (ticket_roles(&action, 1) & ROLE_BIT(role)) == 0)
		return TICKET_FORBIDDEN;
	if ((unsigned)state >= 32 || (t->from_states & (1u << state)) == 0)
		return TICKET_CONFLICT;
	return TICKET_ALLOWED;
}

/* Returns the state after action from state (which ticket_check allowed). */
Hotline__TicketState
ticket_next(const struct transition *t, Hotline__TicketState state)
{
	return t->to == STAY ? state : t->to;
}

/* Writes the allowed from-states of t as "3,4" for the Redis script. */
void
ticket_from_states(const struct transition *t, char *out, size_t outlen)
{
	size_t used = 0;
	unsigned s;

	out[0] = '\0';
	for (s = 0; s < 32 && used + 4 < outlen; s++) {
		if ((t->from_states & (1u << s)) == 0)
			continue;
		used += (size_t)snprintf(out + used, outlen - used, "%s%u",
		    used == 0 ? "" : ",", s);
	}
}

/* The effect bits by name, in bit order: transition.lua's "effects" words. */
static const struct {
	unsigned bit;
	const char *name;
} effect_names[] = {
	{ .bit = EFFECT_OPEN_ADD, .name = "open_add" },
	{ .bit = EFFECT_OPEN_REMOVE, .name = "open_remove" },
	{ .bit = EFFECT_TRIAGE_ADD, .name = "triage_add" },
	{ .bit = EFFECT_TRIAGE_REMOVE, .name = "triage_remove" },
	{ .bit = EFFECT_ROUTE, .name = "route" },
	{ .bit = EFFECT_RETURN, .name = "return" },
	{ .bit = EFFECT_EXTENSION_REQUEST, .name = "extension_request" },
	{ .bit = EFFECT_EXTENSION_DECIDE, .name = "extension_decide" },
	{ .bit = EFFECT_ATTEMPT, .name = "attempt" },
	{ .bit = EFFECT_MERGE, .name = "merge" },
	{ .bit = EFFECT_SUPERVISION_ANSWER, .name = "supervision_answer" },
};

/* Names the i-th effect and sets *bit to it; NULL past the last one. */
const char *
ticket_effect_name(size_t i, unsigned *bit)
{
	if (i >= sizeof effect_names / sizeof effect_names[0])
		return NULL;
	*bit = effect_names[i].bit;
	return effect_names[i].name;
}

/* Names the effect bits of t as "route,open_add" for the Redis script. */
void
ticket_effects(const struct transition *t, char *out, size_t outlen)
{
	size_t used = 0, i;

	out[0] = '\0';
	for (i = 0; i < sizeof effect_names / sizeof effect_names[0]; i++)
		if (t->effects & effect_names[i].bit)
			used += (size_t)snprintf(out + used,
			    used < outlen ? outlen - used : 0, "%s%s",
			    used == 0 ? "" : ",", effect_names[i].name);
}

/* A state's names: the protocol's (logs, JSON), and Chinese and English for people. */
static const struct {
	Hotline__TicketState state;
	const char *name;	/* the protocol's, lower case */
	const char *label;	/* a ZH_EN pair (lang.h) */
} ticket_states[] = {
	{ .state = TO(REGISTERED), .name = "registered",
	    .label = ZH_EN("已登记", "registered") },
	{ .state = TO(TRIAGE), .name = "triage",
	    .label = ZH_EN("待派单", "awaiting dispatch (triage)") },
	{ .state = TO(DISPATCHED), .name = "dispatched",
	    .label = ZH_EN("已派单", "dispatched") },
	{ .state = TO(ACCEPTED), .name = "accepted",
	    .label = ZH_EN("已签收", "accepted") },
	{ .state = TO(REPLIED), .name = "replied",
	    .label = ZH_EN("已办结回复", "replied") },
	{ .state = TO(SUSPENDED), .name = "suspended",
	    .label = ZH_EN("已挂起", "suspended") },
	{ .state = TO(AWAITING_CALLBACK), .name = "awaiting_callback",
	    .label = ZH_EN("待回访", "awaiting callback") },
	{ .state = TO(CLOSED), .name = "closed",
	    .label = ZH_EN("已办结", "closed") },
	{ .state = TO(MERGED), .name = "merged",
	    .label = ZH_EN("已并单", "merged") },
	{ .state = TO(TRANSFERRED), .name = "transferred",
	    .label = ZH_EN("已转警", "transferred") },
};

/* Names a state for people, Chinese and English as a ZH_EN pair (lang.h). */
const char *
ticket_state_label(Hotline__TicketState state)
{
	size_t i;

	for (i = 0; i < sizeof ticket_states / sizeof ticket_states[0]; i++)
		if (ticket_states[i].state == state)
			return ticket_states[i].label;
	return ZH_EN("未知状态", "unknown state");
}

/* Names a state as the protocol does ("dispatched"), for logs. */
const char *
ticket_state_name(Hotline__TicketState state)
{
	size_t i;

	for (i = 0; i < sizeof ticket_states / sizeof ticket_states[0]; i++)
		if (ticket_states[i].state == state)
			return ticket_states[i].name;
	return "unknown";
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void
civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	int64_t era, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	yoe = z - era * 146097;
	yoe = (yoe - yoe / 1460 + yoe / 36524 - yoe / 146096) / 365;
	doy = z - era * 146097 - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/*
 * Writes the date of now_ms in Asia/Shanghai (UTC+8 all year: China has no
 * daylight saving time) as "yyyymmdd" into out.
 */
void
ticket_day(int64_t now_ms, char out[9])
{
	int64_t secs = now_ms / 1000 + 8 * 3600;
	int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
	unsigned m, d;
	int y;

	civil_from_days(days, &y, &m, &d);
	snprintf(out, 9, "%04u%02u%02u", (unsigned)y % 10000u, m % 100u,
	    d % 100u);
}

/* Returns 1 if s looks like a ticket number: 14 to 20 ASCII digits. */
int
ticket_number_valid(const char *s)
{
	size_t n = strlen(s), i;

	if (n < 14 || n > 20)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/*
 * Masks a phone number for department views: keeps the first three and
 * the last four digits ("138****1234"); short numbers become all stars.
 */
void
ticket_mask_phone(const char *phone, char *out, size_t outlen)
{
	size_t n = strlen(phone), i;

	if (outlen == 0)
		return;
	for (i = 0; i < n && i + 1 < outlen; i++)
		out[i] = (n >= 8 && (i < 3 || i >= n - 4)) ? phone[i] : '*';
	out[i] = '\0';
}
