/* The ticket life cycle as one table (state x action -> next state, roles), and ticket numbers; no I/O. */
#include <stdio.h>
#include <string.h>

#include "hotlined.h"

#define STATE_BIT(s) (1u << (unsigned)(HOTLINE__TICKET_STATE__TICKET_STATE_##s))

/*
 * Every allowed transition. An action not listed for a state is refused
 * with a conflict; a role outside the mask is refused as forbidden.
 * keep_open says whether the ticket stays on the department's open list.
 */
static const struct transition transitions[] = {
	{ TICKET_CREATE, "create", STATE_BIT(UNSPECIFIED),
	    HOTLINE__TICKET_STATE__TICKET_STATE_REGISTERED,
	    ROLE_AGENT_BIT, HOTLINE__EVENT_KIND__EVENT_KIND_UNSPECIFIED, 0 },
	{ TICKET_DISPATCH, "dispatch", STATE_BIT(REGISTERED),
	    HOTLINE__TICKET_STATE__TICKET_STATE_DISPATCHED,
	    ROLE_AGENT_BIT, HOTLINE__EVENT_KIND__EVENT_KIND_DISPATCHED, 1 },
	{ TICKET_TRIAGE, "triage", STATE_BIT(REGISTERED),
	    HOTLINE__TICKET_STATE__TICKET_STATE_TRIAGE,
	    ROLE_AGENT_BIT, HOTLINE__EVENT_KIND__EVENT_KIND_UNSPECIFIED, 0 },
	{ TICKET_SIGN, "sign", STATE_BIT(DISPATCHED),
	    HOTLINE__TICKET_STATE__TICKET_STATE_ACCEPTED,
	    ROLE_DEPARTMENT_BIT, HOTLINE__EVENT_KIND__EVENT_KIND_SIGNED, 1 },
	{ TICKET_REPLY, "reply", STATE_BIT(ACCEPTED),
	    HOTLINE__TICKET_STATE__TICKET_STATE_REPLIED,
	    ROLE_DEPARTMENT_BIT, HOTLINE__EVENT_KIND__EVENT_KIND_REPLIED, 0 },
};

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

/* Names a state in English and Chinese, for messages to users. */
const char *
ticket_state_label(Hotline__TicketState state)
{
	switch (state) {
	case HOTLINE__TICKET_STATE__TICKET_STATE_REGISTERED:
		return "registered (已登记)";
	case HOTLINE__TICKET_STATE__TICKET_STATE_TRIAGE:
		return "triage (待派单)";
	case HOTLINE__TICKET_STATE__TICKET_STATE_DISPATCHED:
		return "dispatched (已派单)";
	case HOTLINE__TICKET_STATE__TICKET_STATE_ACCEPTED:
		return "accepted (已签收)";
	case HOTLINE__TICKET_STATE__TICKET_STATE_REPLIED:
		return "replied (已办结回复)";
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
	snprintf(out, 9, "%04u%02u%02u", (unsigned)y % 10000u, m % 100u, d % 100u);
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
