/* The ticket life cycle as one table (state x action -> next state, roles, events, effects), and ticket numbers; no I/O. */
#include <stdio.h>
#include <string.h>

#include "hotlined.h"

#define S(s) (1u << (unsigned)(HOTLINE__TICKET_STATE__TICKET_STATE_##s))
#define TO(s) HOTLINE__TICKET_STATE__TICKET_STATE_##s
#define EV(k) HOTLINE__EVENT_KIND__EVENT_KIND_##k
#define STAY HOTLINE__TICKET_STATE__TICKET_STATE_UNSPECIFIED
#define NONE HOTLINE__EVENT_KIND__EVENT_KIND_UNSPECIFIED

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
 * (TAKEN_AWAY). Anything not listed
 * is refused: a role outside the mask as forbidden, a state outside the set
 * as a conflict naming the current state.
 */
static const struct transition transitions[] = {
	/* Intake (登记), in create.lua. */
	{ TICKET_CREATE, "create", S(UNSPECIFIED), TO(REGISTERED), AGENT,
	    PARTY_NONE, NONE, NONE, NONE, 0, NULL },
	{ TICKET_DISPATCH, "dispatch", S(REGISTERED), TO(DISPATCHED), AGENT,
	    PARTY_NONE, EV(DISPATCHED), NONE, NONE, EFFECT_OPEN_ADD, NULL },
	{ TICKET_TRIAGE, "triage", S(REGISTERED), TO(TRIAGE), AGENT,
	    PARTY_NONE, NONE, EV(TRIAGED), NONE, EFFECT_TRIAGE_ADD, NULL },
	{ TICKET_ANSWER, "answer", S(REGISTERED), TO(CLOSED), AGENT,
	    PARTY_NONE, NONE, NONE, NONE, 0, NULL },
	/* 转警: an emergency goes to 119/110/120/122, never to a department; final. */
	{ TICKET_TRANSFER, "transfer", S(REGISTERED), TO(TRANSFERRED), AGENT,
	    PARTY_NONE, NONE, NONE, NONE, 0, NULL },

	/* The dispatcher (派单员). */
	{ TICKET_MANUAL_DISPATCH, "dispatch", S(TRIAGE), TO(DISPATCHED),
	    DISPATCHER, PARTY_NONE, EV(DISPATCHED), NONE, NONE,
	    EFFECT_ROUTE | EFFECT_TRIAGE_REMOVE | EFFECT_OPEN_ADD, NULL },
	{ TICKET_REDISPATCH, "redispatch", AT_DEPARTMENT, TO(DISPATCHED),
	    DISPATCHER, PARTY_NONE, EV(DISPATCHED), NONE, NONE,
	    EFFECT_ROUTE | EFFECT_OPEN_ADD, NULL },
	{ TICKET_DECIDE_EXTENSION, "decide_extension", S(ACCEPTED) |
	    S(SUSPENDED), STAY, DISPATCHER, PARTY_NONE, EV(EXTENSION_DECIDED),
	    NONE, NONE, EFFECT_EXTENSION_DECIDE, NULL },
	{ TICKET_APPROVE_REPLY, "approve_reply", S(REPLIED),
	    TO(AWAITING_CALLBACK), DISPATCHER, PARTY_NONE, NONE, NONE, NONE, 0,
	    NULL },
	{ TICKET_SEND_BACK, "send_back", S(REPLIED), TO(ACCEPTED), DISPATCHER,
	    PARTY_NONE, EV(REPLY_SENT_BACK), NONE, NONE, EFFECT_OPEN_ADD, NULL },
	{ TICKET_MERGE, "merge", S(TRIAGE) | AT_DEPARTMENT, TO(MERGED),
	    DISPATCHER, PARTY_NONE, EV(TAKEN_AWAY), NONE, NONE,
	    EFFECT_MERGE | EFFECT_TRIAGE_REMOVE | EFFECT_OPEN_REMOVE, NULL },
	{ TICKET_INVALIDATE, "invalidate", S(TRIAGE) | AT_DEPARTMENT,
	    TO(CLOSED), DISPATCHER, PARTY_NONE, EV(CLOSED), NONE, NONE,
	    EFFECT_TRIAGE_REMOVE | EFFECT_OPEN_REMOVE, NULL },

	/* Departments (承办单位). */
	{ TICKET_SIGN, "sign", S(DISPATCHED), TO(ACCEPTED), DEPT, PARTY_LEAD,
	    EV(SIGNED), NONE, NONE, 0, &(const struct assist_step){
	    ASSIST_DISPATCHED, ASSIST_ACCEPTED, EV(SIGNED) } },
	{ TICKET_RETURN, "return", S(DISPATCHED) | S(ACCEPTED), TO(TRIAGE),
	    DEPT, PARTY_LEAD, NONE, EV(RETURNED), NONE,
	    EFFECT_RETURN | EFFECT_OPEN_REMOVE | EFFECT_TRIAGE_ADD, NULL },
	{ TICKET_EXTEND, "extend", S(ACCEPTED) | S(SUSPENDED), STAY, DEPT,
	    PARTY_LEAD, NONE, EV(EXTENSION_REQUESTED), NONE,
	    EFFECT_EXTENSION_REQUEST, NULL },
	{ TICKET_SUSPEND, "suspend", S(ACCEPTED), TO(SUSPENDED), DEPT,
	    PARTY_LEAD, EV(SUSPENDED), EV(SUSPENDED), NONE, 0, NULL },
	{ TICKET_RESUME, "resume", S(SUSPENDED), TO(ACCEPTED), DEPT, PARTY_LEAD,
	    EV(RESUMED), EV(RESUMED), NONE, 0, NULL },
	{ TICKET_NOTE, "note", AT_DEPARTMENT, STAY, DEPT, PARTY_ANY, EV(NOTE),
	    NONE, NONE, 0, NULL },
	{ TICKET_REPLY, "reply", S(ACCEPTED), TO(REPLIED), DEPT, PARTY_LEAD,
	    EV(REPLIED), EV(REPLIED), NONE, EFFECT_OPEN_REMOVE,
	    &(const struct assist_step){ ASSIST_ACCEPTED, ASSIST_REPLIED,
	    EV(ASSIST_REPLIED) } },
	{ TICKET_ANSWER_SUPERVISION, "answer_supervision", AT_DEPARTMENT |
	    S(REPLIED), STAY, DEPT, PARTY_LEAD, NONE, NONE,
	    EV(SUPERVISION_ANSWERED), EFFECT_SUPERVISION_ANSWER, NULL },

	/* The agent's callback (回访). */
	{ TICKET_CALLBACK_CLOSE, "callback", S(AWAITING_CALLBACK), TO(CLOSED),
	    AGENT, PARTY_NONE, EV(CLOSED), NONE, NONE, 0, NULL },
	{ TICKET_CALLBACK_REOPEN, "reopen", S(AWAITING_CALLBACK),
	    TO(DISPATCHED), AGENT, PARTY_NONE, EV(REOPENED), NONE, EV(REOPENED),
	    EFFECT_OPEN_ADD, NULL },
	{ TICKET_CALLBACK_UNREACHABLE, "callback_unreachable",
	    S(AWAITING_CALLBACK), STAY, AGENT, PARTY_NONE, NONE, NONE, NONE,
	    EFFECT_ATTEMPT, NULL },

	/* Supervisors (督办/考核). */
	{ TICKET_URGE, "urge", AT_DEPARTMENT, STAY, SUPERVISOR, PARTY_NONE,
	    EV(URGED), NONE, NONE, 0, NULL },
	{ TICKET_SUPERVISE, "supervise", AT_DEPARTMENT | S(REPLIED), STAY,
	    SUPERVISOR, PARTY_NONE, EV(SUPERVISED), NONE, NONE, 0, NULL },
	{ TICKET_EXEMPT, "exempt", OPEN | S(CLOSED), STAY, SUPERVISOR,
	    PARTY_NONE, NONE, NONE, NONE, 0, NULL },
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
	{ TICKET_DISPATCH, CLOCK_START },
	{ TICKET_MANUAL_DISPATCH, CLOCK_START },
	{ TICKET_REDISPATCH, CLOCK_START },	/* fresh clocks, new department */
	{ TICKET_CALLBACK_REOPEN, CLOCK_START },	/* 重办: a new completion clock */
	{ TICKET_RETURN, CLOCK_STOP },
	{ TICKET_MERGE, CLOCK_STOP },
	{ TICKET_INVALIDATE, CLOCK_STOP },
	{ TICKET_CALLBACK_CLOSE, CLOCK_STOP },
	{ TICKET_EXTEND, CLOCK_CHECK_EXTENSION },
	{ TICKET_DECIDE_EXTENSION, CLOCK_EXTEND },	/* when approved */
	{ TICKET_SUSPEND, CLOCK_SUSPEND },
	{ TICKET_RESUME, CLOCK_RESUME },
	{ TICKET_SEND_BACK, CLOCK_REARM },	/* the completion clock runs on */
	{ TICKET_APPROVE_REPLY, CLOCK_CALLBACK },
	{ TICKET_SUPERVISE, CLOCK_SUPERVISE },
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

/* Says whether role may take action from state; see hotlined.h. */
enum ticket_verdict
ticket_check(enum ticket_action action, Hotline__TicketState state,
    role_t role)
{
	const struct transition *t = ticket_transition(action);

	if (t == NULL || (t->roles & ROLE_BIT(role)) == 0)
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

/* Names the effect bits of t as "route,open_add" for the Redis script. */
void
ticket_effects(const struct transition *t, char *out, size_t outlen)
{
	static const char *names[] = { "open_add", "open_remove",
	    "triage_add", "triage_remove", "route", "return",
	    "extension_request", "extension_decide", "attempt", "merge",
	    "supervision_answer" };
	size_t used = 0, i;

	out[0] = '\0';
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (t->effects & (1u << i))
			used += (size_t)snprintf(out + used,
			    used < outlen ? outlen - used : 0, "%s%s",
			    used == 0 ? "" : ",", names[i]);
}

/* Names a state in English and Chinese, for messages to users. */
const char *
ticket_state_label(Hotline__TicketState state)
{
	switch (state) {
	case TO(REGISTERED):
		return "registered (已登记)";
	case TO(TRIAGE):
		return "triage (待派单)";
	case TO(DISPATCHED):
		return "dispatched (已派单)";
	case TO(ACCEPTED):
		return "accepted (已签收)";
	case TO(REPLIED):
		return "replied (已办结回复)";
	case TO(SUSPENDED):
		return "suspended (已挂起)";
	case TO(AWAITING_CALLBACK):
		return "awaiting callback (待回访)";
	case TO(CLOSED):
		return "closed (已办结)";
	case TO(MERGED):
		return "merged (已并单)";
	case TO(TRANSFERRED):
		return "transferred (已转警)";
	default:
		return "unknown";
	}
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
