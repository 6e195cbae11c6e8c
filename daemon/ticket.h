/* The ticket life cycle (ticket.c): actions, the transition table's row, verdicts, clocks, ticket numbers; pure, no I/O. */
#ifndef TICKET_H
#define TICKET_H

#include <stddef.h>
#include <stdint.h>

#include "hotline.pb-c.h"
#include "role.h"

enum ticket_action {
	TICKET_CREATE,			/* 登记 */
	TICKET_DISPATCH,		/* 自动派单 at intake, when confident */
	TICKET_TRIAGE,			/* 待派单 at intake, when unsure */
	TICKET_ANSWER,			/* 直接办结 at intake */
	TICKET_MANUAL_DISPATCH,		/* 派单 from triage */
	TICKET_REDISPATCH,		/* 改派 */
	TICKET_DECIDE_EXTENSION,	/* 延期审批 */
	TICKET_APPROVE_REPLY,		/* 审核通过 */
	TICKET_SEND_BACK,		/* 退回重办 */
	TICKET_MERGE,			/* 并单 */
	TICKET_INVALIDATE,		/* 无效/骚扰 */
	TICKET_SIGN,			/* 签收 */
	TICKET_RETURN,			/* 退单 */
	TICKET_EXTEND,			/* 延期申请 */
	TICKET_SUSPEND,			/* 挂起 */
	TICKET_RESUME,			/* 恢复 */
	TICKET_NOTE,			/* 进展 */
	TICKET_REPLY,			/* 办结回复 */
	TICKET_ANSWER_SUPERVISION,	/* 督办反馈 */
	TICKET_CALLBACK_CLOSE,		/* 回访满意/基本满意 */
	TICKET_CALLBACK_REOPEN,		/* 回访不满意: 重办 */
	TICKET_CALLBACK_UNREACHABLE,	/* 回访未联系上 */
	TICKET_URGE,			/* 催办 */
	TICKET_SUPERVISE,		/* 督办 */
	TICKET_EXEMPT,			/* 免考核 */
	TICKET_TRANSFER,		/* 转警: an emergency, at intake */
};

/* Which department may act: the lead (主办), an assisting one (协办), either. */
enum party { PARTY_NONE, PARTY_LEAD, PARTY_ANY };

/* An assisting department's own progress, kept in ht:assist:<number>. */
enum assist_state { ASSIST_NONE, ASSIST_DISPATCHED, ASSIST_ACCEPTED,
	ASSIST_REPLIED };

/* What sign and reply do when an assisting department calls them. */
struct assist_step {
	enum assist_state from, to;
	Hotline__EventKind event;	/* to the departments involved */
};

/* Effects on indexes and fields that transition.lua applies (bit order = ticket_effects names). */
#define EFFECT_OPEN_ADD			(1u << 0)	/* on the departments' open lists */
#define EFFECT_OPEN_REMOVE		(1u << 1)	/* off them */
#define EFFECT_TRIAGE_ADD		(1u << 2)	/* into the triage queue */
#define EFFECT_TRIAGE_REMOVE		(1u << 3)	/* out of it */
#define EFFECT_ROUTE			(1u << 4)	/* new lead and assisting departments */
#define EFFECT_RETURN			(1u << 5)	/* return window, count, dispute */
#define EFFECT_EXTENSION_REQUEST	(1u << 6)	/* none may be pending */
#define EFFECT_EXTENSION_DECIDE		(1u << 7)	/* one must be pending */
#define EFFECT_ATTEMPT			(1u << 8)	/* count; close at the limit */
#define EFFECT_MERGE			(1u << 9)	/* follow an open master */
#define EFFECT_SUPERVISION_ANSWER	(1u << 10)	/* an order must be open */

struct transition {
	enum ticket_action action;
	const char *name;		/* history's action name */
	uint32_t from_states;		/* bit per Hotline__TicketState */
	Hotline__TicketState to;	/* UNSPECIFIED: the state stays */
	uint32_t roles;			/* ROLE_BIT mask of who may */
	enum party party;		/* for departments */
	Hotline__EventKind department_event;	/* to the lead and assisting ones */
	Hotline__EventKind centre_event;	/* to the dispatchers' feed */
	Hotline__EventKind supervision_event;	/* to the supervisors' feed */
	unsigned effects;		/* EFFECT_* */
	const struct assist_step *assist;	/* NULL: assisting ones may not */
};

enum ticket_verdict { TICKET_ALLOWED, TICKET_FORBIDDEN, TICKET_CONFLICT };

/* What a step does to the ticket's clocks; see ticket_clock(). */
enum clock_action {
	CLOCK_KEEP,
	CLOCK_START,		/* fresh sign, completion and return clocks */
	CLOCK_STOP,		/* every armed timer goes stale */
	CLOCK_CHECK_EXTENSION,	/* only checks the request against the policy */
	CLOCK_EXTEND,		/* an approved extension moves the due time */
	CLOCK_SUSPEND,		/* keeps the time left; no due time */
	CLOCK_RESUME,		/* restarts with the time that was left */
	CLOCK_REARM,		/* arms the stored warning and due time again */
	CLOCK_CALLBACK,		/* the callback's own clock (回访时限) */
	CLOCK_SUPERVISE,	/* the supervision order's clock (督办时限) */
};

enum clock_action ticket_clock(enum ticket_action);

/* The row of an action (every action has exactly one), or NULL for no action. */
const struct transition *ticket_transition(enum ticket_action);
/*
 * The one answer to "who may take these steps": the ROLE_BIT mask of the
 * roles that may take any of the n actions. session.c refuses requests by
 * it before their handler runs, step_run (lifecycle.c) and ticket_check
 * ask it too; nothing else lists a step's roles.
 */
uint32_t ticket_roles(const enum ticket_action *, size_t);
enum ticket_verdict ticket_check(enum ticket_action, Hotline__TicketState,
    role_t);
Hotline__TicketState ticket_next(const struct transition *,
    Hotline__TicketState);
void ticket_from_states(const struct transition *, char *, size_t);
void ticket_effects(const struct transition *, char *, size_t);
/* The i-th effect word ("open_add") and its bit, in bit order; NULL past the last. */
const char *ticket_effect_name(size_t, unsigned *);
const char *ticket_state_label(Hotline__TicketState);
const char *ticket_state_name(Hotline__TicketState);
void ticket_day(int64_t now_ms, char out[9]);
int ticket_number_valid(const char *);
void ticket_mask_phone(const char *phone, char *out, size_t outlen);

#endif
