/* Hello and authentication, the table of operations and roles, and answers in request order. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "auth-worker.h"
#include "frame.h"
#include "hotlined.h"
#include "train-yield.h"
#include "kb.h"

/*
 * One operation: which request body, who may call it, and its handler. A
 * life-cycle operation lists its steps instead of roles: who may call it is
 * who may take one of them in ticket.c's transition table, the one place
 * that says it (op_roles).
 */
struct op {
	Hotline__Envelope__BodyCase body;
	const char *name;
	uint32_t roles;				/* 0 when steps are listed */
	const enum ticket_action *steps;	/* NULL: not a life-cycle step */
	size_t nsteps;
	void (*handle)(struct request *);
};

/* A row's life-cycle steps: .steps = STEPS(TICKET_SIGN). */
#define STEPS(...) (const enum ticket_action[]){ __VA_ARGS__ }, \
	.nsteps = sizeof((const enum ticket_action[]){ __VA_ARGS__ }) / \
	sizeof(enum ticket_action)

#define ROLE_STAFF_BITS (ROLE_AGENT_BIT | ROLE_BIT(HOTLINE__ROLE__ROLE_DISPATCHER) | \
	ROLE_BIT(HOTLINE__ROLE__ROLE_SUPERVISOR))

#define DISPATCHER_BIT ROLE_BIT(HOTLINE__ROLE__ROLE_DISPATCHER)
#define SUPERVISOR_BIT ROLE_BIT(HOTLINE__ROLE__ROLE_SUPERVISOR)
#define BODY(x) HOTLINE__ENVELOPE__BODY_##x
/* Who reads the city's figures: the supervision office, the centre, admins. */
#define SUPERVISION_QUERY_BITS (SUPERVISOR_BIT | DISPATCHER_BIT | \
	ROLE_BIT(HOTLINE__ROLE__ROLE_ADMIN))

/*
 * Request case -> role mask (or life-cycle steps) -> handler. Departments
 * act only on their own tickets (the scripts check); the life-cycle table
 * in ticket.c has the finer rules and the roles of every step.
 */
static const struct op ops[] = {
	{ .body = BODY(PING), .name = "ping",
	    .roles = ROLE_ANY_BIT,
	    .handle = op_ping },
	{ .body = BODY(SHOW), .name = "show",
	    .roles = ROLE_STAFF_BITS | ROLE_DEPARTMENT_BIT,
	    .handle = op_show },
	{ .body = BODY(WATCH), .name = "watch",
	    .roles = ROLE_DEPARTMENT_BIT | DISPATCHER_BIT | SUPERVISOR_BIT,
	    .handle = op_watch },

	{ .body = BODY(CLASSIFY), .name = "classify",
	    .roles = ROLE_AGENT_BIT | DISPATCHER_BIT,
	    .handle = op_classify },
	{ .body = BODY(CREATE), .name = "create",
	    .steps = STEPS(TICKET_CREATE, TICKET_DISPATCH,
	    TICKET_TRIAGE, TICKET_ANSWER, TICKET_TRANSFER),
	    .handle = op_create },
	{ .body = BODY(CALLER), .name = "caller",
	    .roles = ROLE_STAFF_BITS,
	    .handle = op_caller },
	{ .body = BODY(CALLBACK), .name = "callback",
	    .steps = STEPS(TICKET_CALLBACK_CLOSE, TICKET_CALLBACK_REOPEN,
	    TICKET_CALLBACK_UNREACHABLE),
	    .handle = op_callback },

	{ .body = BODY(TRIAGE), .name = "triage",
	    .roles = DISPATCHER_BIT,
	    .handle = op_triage },
	{ .body = BODY(DISPATCH), .name = "dispatch",
	    .steps = STEPS(TICKET_MANUAL_DISPATCH),
	    .handle = op_dispatch },
	{ .body = BODY(REDISPATCH), .name = "redispatch",
	    .steps = STEPS(TICKET_REDISPATCH),
	    .handle = op_redispatch },
	{ .body = BODY(DECIDE_EXTENSION), .name = "decide_extension",
	    .steps = STEPS(TICKET_DECIDE_EXTENSION),
	    .handle = op_decide_extension },
	{ .body = BODY(REVIEW), .name = "review",
	    .steps = STEPS(TICKET_APPROVE_REPLY, TICKET_SEND_BACK),
	    .handle = op_review },
	{ .body = BODY(MERGE), .name = "merge",
	    .steps = STEPS(TICKET_MERGE),
	    .handle = op_merge },
	{ .body = BODY(INVALIDATE), .name = "invalidate",
	    .steps = STEPS(TICKET_INVALIDATE),
	    .handle = op_invalidate },

	{ .body = BODY(LIST), .name = "list",
	    .roles = ROLE_DEPARTMENT_BIT | DISPATCHER_BIT | SUPERVISOR_BIT,
	    .handle = op_list },
	{ .body = BODY(SIGN), .name = "sign",
	    .steps = STEPS(TICKET_SIGN),
	    .handle = op_sign },
	{ .body = BODY(REPLY), .name = "reply",
	    .steps = STEPS(TICKET_REPLY),
	    .handle = op_reply },
	{ .body = BODY(RETURN_TICKET), .name = "return",
	    .steps = STEPS(TICKET_RETURN),
	    .handle = op_return },
	{ .body = BODY(EXTEND), .name = "extend",
	    .steps = STEPS(TICKET_EXTEND),
	    .handle = op_extend },
	{ .body = BODY(SUSPEND), .name = "suspend",
	    .steps = STEPS(TICKET_SUSPEND),
	    .handle = op_suspend },
	{ .body = BODY(RESUME), .name = "resume",
	    .steps = STEPS(TICKET_RESUME),
	    .handle = op_resume },
	{ .body = BODY(NOTE), .name = "note",
	    .steps = STEPS(TICKET_NOTE),
	    .handle = op_note },
	{ .body = BODY(ANSWER_SUPERVISION), .name = "answer_supervision",
	    .steps = STEPS(TICKET_ANSWER_SUPERVISION),
	    .handle = op_answer_supervision },

	{ .body = BODY(URGE), .name = "urge",
	    .steps = STEPS(TICKET_URGE),
	    .handle = op_urge },
	{ .body = BODY(SUPERVISE), .name = "supervise",
	    .steps = STEPS(TICKET_SUPERVISE),
	    .handle = op_supervise },
	{ .body = BODY(EXEMPT), .name = "exempt",
	    .steps = STEPS(TICKET_EXEMPT),
	    .handle = op_exempt },

	/* Supervision queries; departments see only their own figures. */
	{ .body = BODY(SCORECARD), .name = "scorecard",
	    .roles = SUPERVISION_QUERY_BITS | ROLE_DEPARTMENT_BIT,
	    .handle = op_scorecard },
	{ .body = BODY(HOT), .name = "hot",
	    .roles = SUPERVISION_QUERY_BITS,
	    .handle = op_hot },
	{ .body = BODY(OVERDUE), .name = "overdue",
	    .roles = SUPERVISION_QUERY_BITS | ROLE_DEPARTMENT_BIT,
	    .handle = op_overdue },
	{ .body = BODY(BREACHES), .name = "breaches",
	    .roles = SUPERVISION_QUERY_BITS | ROLE_DEPARTMENT_BIT,
	    .handle = op_breaches },
	{ .body = BODY(TIMELINE), .name = "timeline",
	    .roles = ROLE_STAFF_BITS | ROLE_DEPARTMENT_BIT |
	    ROLE_BIT(HOTLINE__ROLE__ROLE_ADMIN),
	    .handle = op_timeline },
	/* The archive (PostgreSQL): each role within its own view. */
	{ .body = BODY(SEARCH), .name = "search",
	    .roles = ROLE_STAFF_BITS | ROLE_DEPARTMENT_BIT,
	    .handle = op_search },
	/* The knowledge base (PostgreSQL): the centre (dispatchers) curates. */
	{ .body = BODY(KB_SEARCH), .name = "kb_search",
	    .roles = ROLE_STAFF_BITS | ROLE_DEPARTMENT_BIT,
	    .handle = op_kb_search },
	{ .body = BODY(KB_IMPORT), .name = "kb_import",
	    .roles = DISPATCHER_BIT | ROLE_BIT(HOTLINE__ROLE__ROLE_ADMIN),
	    .handle = op_kb_import },
	{ .body = BODY(KB_EXPORT), .name = "kb_export",
	    .roles = DISPATCHER_BIT | SUPERVISOR_BIT |
	    ROLE_BIT(HOTLINE__ROLE__ROLE_ADMIN),
	    .handle = op_kb_export },
	{ .body = BODY(KB_DRAFT), .name = "kb_draft",
	    .roles = ROLE_DEPARTMENT_BIT,
	    .handle = op_kb_draft },
	{ .body = BODY(KB_STEP), .name = "kb_step",
	    .roles = ROLE_AGENT_BIT | DISPATCHER_BIT | ROLE_DEPARTMENT_BIT,
	    .handle = op_kb_step },
	{ .body = BODY(KB_GAPS), .name = "kb_gaps",
	    .roles = SUPERVISION_QUERY_BITS,
	    .handle = op_kb_gaps },

	{ .body = BODY(DEADLINE), .name = "deadline",
	    .roles = ROLE_ANY_BIT,
	    .handle = op_deadline },
	{ .body = BODY(SHIFT_CLOCK), .name = "shift_clock",
	    .roles = ROLE_BIT(HOTLINE__ROLE__ROLE_ADMIN),
	    .handle = op_shift_clock },
	{ .body = BODY(RELOAD), .name = "reload",
	    .roles = ROLE_BIT(HOTLINE__ROLE__ROLE_ADMIN),
	    .handle = op_reload },
	{ .body = BODY(CALENDAR_IMPORT), .name = "calendar_import",
	    .roles = ROLE_BIT(HOTLINE__ROLE__ROLE_ADMIN),
	    .handle = op_calendar_import },
	{ .body = BODY(CALENDAR_STATUS), .name = "calendar_status",
	    .roles = DISPATCHER_BIT | SUPERVISOR_BIT |
	    ROLE_BIT(HOTLINE__ROLE__ROLE_ADMIN),
	    .handle = op_calendar_status },

	{ .body = BODY(EXPORT_EXAMPLES), .name = "export_examples",
	    .roles = DISPATCHER_BIT | ROLE_BIT(HOTLINE__ROLE__ROLE_ADMIN),
	    .handle = op_export_examples },
	{ .body = BODY(IMPORT_EXAMPLES), .name = "import_examples",
	    .roles = ROLE_BIT(HOTLINE__ROLE__ROLE_ADMIN),
	    .handle = op_import_examples },
	{ .body = BODY(RETRAIN), .name = "retrain",
	    .roles = DISPATCHER_BIT | ROLE_BIT(HOTLINE__ROLE__ROLE_ADMIN),
	    .handle = op_retrain },
	{ .body = BODY(EVALUATE), .name = "evaluate",
	    .roles = DISPATCHER_BIT | ROLE_BIT(HOTLINE__ROLE__ROLE_ADMIN),
	    .handle = op_evaluate },
};

/* Returns who may call op: for a life-cycle operation, from ticket.c's table. */
static uint32_t
op_roles(const struct op *op)
{
	return op->steps != NULL ? ticket_roles(op->steps, op->nsteps) :
	    op->roles;
}

/*
 * For tests: the i-th operation's name, the roles its row declares and those
 * in force (op_roles), and its life-cycle steps (*steps NULL: none); NULL
 * past the last operation.
 */
const char *
session_op(size_t i, uint32_t *declared, uint32_t *roles,
    const enum ticket_action **steps, size_t *nsteps)
{
	if (i >= sizeof ops / sizeof ops[0])
		return NULL;
	*declared = ops[i].roles;
	*roles = op_roles(&ops[i]);
	*steps = ops[i].steps;
	*nsteps = ops[i].nsteps;
	return ops[i].name;
}

/* Finds the operation for a request body, or NULL if it is not a request. */
static const struct op *
op_find(Hotline__Envelope__BodyCase body)
{
	size_t i;

	for (i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (ops[i].body == body)
			return &ops[i];
	return NULL;
}

/* Queues a new request on c; the queue holds one reference. */
static struct request *
request_new(struct conn *c, Hotline__Envelope *in)
{
	struct request *r = xcalloc(1, sizeof *r);

	r->conn = c;
	r->in = in;
	r->id = in != NULL ? in->id : 0;
	r->refs = 1;
	TAILQ_INSERT_TAIL(&c->pending, r, entry);
	r->in_hand = 1;
	train_yield_enter();
	c->npending++;
	return r;
}

/* r is answered or dropped: the loop no longer has it in hand (train-yield.h). */
static void
request_out_of_hand(struct request *r)
{
	if (r->in_hand) {
		r->in_hand = 0;
		train_yield_leave();
	}
}

/* Drops one reference; the last one frees the request. */
static void
request_release(struct request *r)
{
	if (--r->refs > 0)
		return;
	request_out_of_hand(r);
	if (r->in != NULL)
		hotline__envelope__free_unpacked(r->in, NULL);
	if (r->state_free != NULL)
		r->state_free(r->state);
	if (r->suggest != NULL)
		kb_suggest_forget(r->suggest);
	free(r->frame);
	free(r);
}

/* Writes the answered requests at the head of c's queue, keeping request order. */
static void
session_flush(struct conn *c)
{
	struct request *r;

	while (!c->closed && (r = TAILQ_FIRST(&c->pending)) != NULL &&
	    r->frame != NULL) {
		TAILQ_REMOVE(&c->pending, r, entry);
		c->npending--;
		r->conn = NULL;
		server_write(c, r->frame, r->frame_len);
		request_release(r);
	}
	if (c->closed)
		return;
	if (c->npending < SESSION_MAX_PENDING / 2)
		server_resume(c);
	if (c->closing && c->npending == 0 && server_output_length(c) == 0)
		server_close(c);
}

/* Returns a new, empty envelope for an answer or event. */
Hotline__Envelope *
envelope_new(void)
{
	Hotline__Envelope *env = xmalloc(sizeof *env);

	hotline__envelope__init(env);
	return env;
}

/*
 * Answers r with env (taking it: it is packed and freed here). If the
 * connection is gone the answer is dropped. Each request is answered once.
 */
void
request_answer(struct request *r, Hotline__Envelope *env)
{
	size_t body, header;

	if (r->frame != NULL || r->conn == NULL) {
		if (r->frame != NULL)
			log_warnx("request %llu answered twice",
			    (unsigned long long)r->id);
		hotline__envelope__free_unpacked(env, NULL);
		return;
	}
	env->id = r->id;
	body = hotline__envelope__get_packed_size(env);
	r->frame = xmalloc(body + FRAME_HEADER_MAX);
	header = frame_encode_header(body, r->frame);
	hotline__envelope__pack(env, r->frame + header);
	r->frame_len = header + body;
	hotline__envelope__free_unpacked(env, NULL);
	metrics_answered(r);
	request_out_of_hand(r);
	session_flush(r->conn);
}

/* Returns text's side in lang (lang.h), scrubbed to valid UTF-8; the caller frees it. */
char *
request_text(const char *text, enum lang lang)
{
	size_t len = strlen(text) + 1;
	char *out = xmalloc(len);

	lang_pick(text, lang, out, len);
	/* A precision ("%.40s") may cut a character: clients refuse bad UTF-8. */
	utf8_scrub(out);
	return out;
}

/* Answers r with an Error of texts zh and en (ZH_EN pairs allowed); field names the offending field or is NULL. */
static void
request_error_texts(struct request *r, Hotline__ErrorCode code,
    const char *field, Hotline__TicketState state, const char *zh,
    const char *en)
{
	Hotline__Envelope *env = envelope_new();
	Hotline__Error *err = xmalloc(sizeof *err);

	hotline__error__init(err);
	metrics_error(code);
	err->code = code;
	err->message = request_text(zh, LANG_ZH);
	err->message_en = request_text(en, LANG_EN);
	err->field = record_strdup(field);
	err->state = state;
	env->body_case = HOTLINE__ENVELOPE__BODY_ERROR;
	env->error = err;
	request_answer(r, env);
}

/* Answers r with an Error formatted from fmt, one text for both languages. */
static void
request_verror(struct request *r, Hotline__ErrorCode code, const char *field,
    Hotline__TicketState state, const char *fmt, va_list ap)
{
	char *message;

	if (vasprintf(&message, fmt, ap) < 0)
		fatalx("out of memory formatting an error");
	request_error_texts(r, code, field, state, message, message);
	free(message);
}

/* Answers r with an Error built from fmt. */
void
request_error(struct request *r, Hotline__ErrorCode code, const char *field,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	request_verror(r, code, field, 0, fmt, ap);
	va_end(ap);
}

/* Answers r with an Error formatted from zh and from en with the same arguments. */
void
request_error2(struct request *r, Hotline__ErrorCode code, const char *field,
    const char *zh, const char *en, ...)
{
	char *zh_text, *en_text;
	va_list ap;

	va_start(ap, en);
	if (vasprintf(&zh_text, zh, ap) < 0)
		fatalx("out of memory formatting an error");
	va_end(ap);
	va_start(ap, en);
	if (vasprintf(&en_text, en, ap) < 0)
		fatalx("out of memory formatting an error");
	va_end(ap);
	request_error_texts(r, code, field, 0, zh_text, en_text);
	free(zh_text);
	free(en_text);
}

/* Names r's operation ("sign"), for messages and logs. */
const char *
request_op_name(const struct request *r)
{
	const struct op *op = r->in != NULL ? op_find(r->in->body_case) : NULL;

	return op != NULL ? op->name : "do that";
}

/*
 * Answers r with CONFLICT, naming the ticket's current state and why (may
 * be NULL; a ZH_EN pair, as transition.lua writes its reasons).
 */
void
request_conflict(struct request *r, Hotline__TicketState state,
    const char *why)
{
	const char *op = request_op_name(r), *label = ticket_state_label(state);
	char *zh, *en;

	if (asprintf(&zh, "工单当前为%s，不能%s%s%s", label, lang_op_zh(op),
	    why != NULL ? "：" : "", why != NULL ? why : "") < 0 ||
	    asprintf(&en, "cannot %s: the ticket is %s%s%s", op, label,
	    why != NULL ? ": " : "", why != NULL ? why : "") < 0)
		fatalx("out of memory formatting an error");
	request_error_texts(r, HOTLINE__ERROR_CODE__ERROR_CODE_CONFLICT, NULL,
	    state, zh, en);
	free(zh);
	free(en);
}

/* Answers NOT_FOUND for field's ticket; see hotlined.h (the same words for "not yours"). */
void
request_no_ticket(struct request *r, const char *field)
{
	int dept = r->conn->role == HOTLINE__ROLE__ROLE_DEPARTMENT;

	request_error2(r, HOTLINE__ERROR_CODE__ERROR_CODE_NOT_FOUND, field,
	    "%s没有此%s的工单", "%sno ticket with that %s",
	    dept ? ZH_EN("本单位", "your department has ") : "",
	    strcmp(field, "master") == 0 ? ZH_EN("主工单号", "master number") :
	    ZH_EN("工单号", "number"));
}

/*
 * Set by the archive: given a request whose ticket Redis does not hold, it
 * answers from PostgreSQL and returns 0, or returns -1 (NOT_FOUND follows).
 */
int (*request_missing)(struct request *);

/* Answers r for an error reply of a script. */
static void
request_store_error(struct request *r, const redisReply *reply)
{
	Hotline__TicketState state = 0;
	const char *text;
	char refused[128];

	switch (store_error_code(reply, &state)) {
	case HOTLINE__ERROR_CODE__ERROR_CODE_CONFLICT:
		/* "CONFLICT <state> [why]" */
		text = strchr(reply->str + 9, ' ');
		request_conflict(r, state, text != NULL ? text + 1 : NULL);
		break;
	case HOTLINE__ERROR_CODE__ERROR_CODE_NOT_FOUND:
		/* "NOTFOUND <field> why": the field whose ticket is missing */
		text = reply->str + 9;
		if (strncmp(text, "number ", 7) == 0 &&
		    request_missing != NULL && request_missing(r) == 0)
			break;	/* the archive answers (archive-read.c) */
		request_no_ticket(r, strncmp(text, "master ", 7) == 0 ?
		    "master" : "number");
		break;
	case HOTLINE__ERROR_CODE__ERROR_CODE_FORBIDDEN:
		text = strchr(reply->str, ' ');
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_FORBIDDEN,
		    "number", "%s", text != NULL ? text + 1 :
		    ZH_EN("无权操作", "forbidden"));
		break;
	case HOTLINE__ERROR_CODE__ERROR_CODE_UNAVAILABLE:
		/* Strict mode (store-wait.c): done, but not yet replicated. */
		if (strncmp(reply->str, "NOTREPLICATED ", 14) == 0) {
			request_error2(r,
			    HOTLINE__ERROR_CODE__ERROR_CODE_UNAVAILABLE, NULL,
			    "尚未复制到副本：%s；请原样重试"
			    "（见 hotlined.conf(5) 的 wait_replicas）",
			    "not yet replicated: %s; retry the same request "
			    "(hotlined.conf(5): wait_replicas)",
			    reply->str + 14);
			return;
		}
		store_log_refusal(reply);
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    NULL, ZH_EN("存储拒绝了此次修改（", "the store refused the "
		    "change: ") "%s" ZH_EN("", " (") "%.*s" ZH_EN("）；请稍后重试",
		    "); retry later"), lang_pair(refused, sizeof refused, "",
		    store_refusal_reason(reply)),
		    (int)strcspn(reply->str, " "), reply->str);
		break;
	default:
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
		    LANG_INTERNAL);
		break;
	}
}

/* A script started by request_script, and what to do with its answer. */
struct script_call {
	struct request *r;
	request_done done;
	char principal[72];	/* whose request: counted in inflight.c */
	int writes;		/* counted in r->conn->writes_pending */
};

/* store: a script answered (or Redis failed); see request_script. */
static void
request_script_answered(redisReply *reply, void *priv)
{
	struct script_call *sc = priv;
	struct request *r = sc->r;

	if (r->conn != NULL && r->frame == NULL) {
		if (reply == NULL)
			request_error(r,
			    HOTLINE__ERROR_CODE__ERROR_CODE_UNAVAILABLE, NULL,
			    ZH_EN("存储未能及时应答，请稍后重试",
			    "storage did not answer in time; retry later"));
		else if (reply->type == REDIS_REPLY_ERROR)
			request_store_error(r, reply);
		else
			sc->done(r, reply);
	}
	if (sc->writes && r->conn != NULL)
		r->conn->writes_pending--;
	inflight_give(sc->principal);
	request_release(r);
	free(sc);
}

/*
 * Runs a script for r. done is called only with a successful reply and only
 * while r still has a connection and no answer; Redis failures and script
 * errors are answered here. Returns -1 if r was answered at once:
 * "unavailable" (Redis not ready, or limits.max_store_pending commands
 * already wait for it).
 */
int
request_script(struct request *r, enum script_id script, int nkeys,
    struct store_args *args, request_done done)
{
	struct script_call *sc;
	int behind = r->conn->writes_pending > 0, pending;

	/*
	 * Internal reads (feeds, timers) are bounded by their own loops; the
	 * bound is per link, so a flood of reads does not refuse writes.
	 */
	pending = store_pending_for(script, behind);
	if (pending >= hotlined.cfg->limits.max_store_pending) {
		request_error2(r, HOTLINE__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    NULL, "存储繁忙（%d 条命令等待 Redis）；请稍后重试",
		    "storage busy (%d commands wait for Redis); retry later",
		    pending);
		return -1;
	}
	/*
	 * A fair share: one principal's flood cannot fill the shared link.
	 * The bound is kept where requests are read (inflight_hold); a
	 * request once read is carried to its end, so its later scripts (a
	 * create reads, then writes) count but are not refused: at a bound
	 * of 64, fifty connections of one principal creating had creates
	 * refused "rate limited" between their read and their write.
	 */
	inflight_take(r->conn->principal);
	sc = xmalloc(sizeof *sc);
	sc->r = r;
	sc->done = done;
	snprintf(sc->principal, sizeof sc->principal, "%s",
	    r->conn->principal);
	sc->writes = store_script_writes(script);
	r->refs++;
	if (store_script_after(script, nkeys, args, behind, sc->principal,
	    request_script_answered, sc) == -1) {
		inflight_give(sc->principal);
		r->refs--;
		free(sc);
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    NULL, ZH_EN("无法连接存储；请稍后重试",
		    "storage unreachable; retry later"));
		return -1;
	}
	r->conn->writes_pending += sc->writes;
	return 0;
}

/* Queues an event (id 0) behind c's pending answers. Takes env. */
void
session_push(struct conn *c, Hotline__Envelope *env)
{
	request_answer(request_new(c, NULL), env);
}

/* Refuses a hello and closes the connection once the refusal is written. */
static void
hello_refuse(struct request *r, Hotline__ErrorCode code, const char *field,
    const char *message)
{
	struct conn *c = r->conn;

	request_error(r, code, field, "%s", message);
	server_close_after_flush(c);
}

/*
 * Writes the address of c's peer without its port into out ("unix" for a
 * unix socket): the key of the failed-hello limit.
 */
static void
session_address(const struct conn *c, char *out, size_t outlen)
{
	const char *colon = strrchr(c->peer, ':');
	size_t len = colon != NULL ? (size_t)(colon - c->peer) :
	    strlen(c->peer);

	snprintf(out, outlen, "%.*s", (int)len, c->peer);
}

/* A hello whose token the worker pool verifies, and what its answer needs. */
struct hello_check {
	struct request *r;		/* one reference held */
	char addr[sizeof ((struct conn *)0)->peer];	/* its limit keys */
	char who[96];
	char principal[72];		/* "" when unknown */
	int cached;			/* the cache answered */
};

/*
 * The failed-hello limits, per address and per principal (who names its
 * bucket): returns why the hello is refused, or NULL to check it. A
 * principal over its allowance is refused from everywhere; an address over
 * its allowance still lets a principal's remembered right token through (a
 * call centre behind one NAT address), and each other try from it counts
 * against that principal, so guessing stays as slow as before. Checks
 * under way count too (auth_limit_room): parallel hellos cannot guess more
 * than the allowance before the first answer.
 */
static const char *
hello_limited(const char *addr, const struct principal *p, const char *who,
    const Hotline__Hello *h)
{
	if (p != NULL && !auth_limit_allowed(who))
		return ZH_EN("该账号登录失败次数过多，请稍后再试",
		    "too many failed hellos for this principal; try again "
		    "later");
	if (auth_remembered(p, h->credential))
		return NULL;
	if (!auth_limit_allowed(addr)) {
		if (p != NULL)
			auth_limit_failed(who);
		return ZH_EN("该地址登录失败次数过多，请稍后再试",
		    "too many failed hellos from this address; try again "
		    "later");
	}
	if (!auth_limit_room(addr) || (p != NULL && !auth_limit_room(who)))
		return ZH_EN("该地址或账号正在核验的登录过多，请稍候再试",
		    "too many hellos from this address or for this "
		    "principal are being checked; try again in a moment");
	return NULL;
}

/* A hello's token was wrong (or its principal unknown): counts and refuses it. */
static void
hello_failed(struct request *r, const struct hello_check *hc)
{
	char esc[100];
	int left;

	/* Never the credential: only who tried, from where. */
	if (hc->principal[0] != '\0')
		auth_limit_failed(hc->who);
	left = auth_limit_failed(hc->addr);
	log_warnx("connection %llu (%s): failed hello as \"%s\" (%d "
	    "more failures allowed)", (unsigned long long)r->conn->id,
	    r->conn->peer, log_escape(r->in->hello->principal, esc,
	    sizeof esc), left);
	hello_refuse(r, HOTLINE__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED,
	    "credential", ZH_EN("账号不存在或凭据有误",
	    "unknown principal or wrong credential"));
}

static void hello_accept(struct request *, const struct principal *,
    const char *);

/* A hello authenticated as p (how: by what): accepted if it asks for no other role. */
static void
hello_passed(struct request *r, const struct principal *p, const char *how)
{
	const Hotline__Hello *h = r->in->hello;

	if (h->role != HOTLINE__ROLE__ROLE_UNSPECIFIED && h->role != p->role) {
		hello_refuse(r, HOTLINE__ERROR_CODE__ERROR_CODE_FORBIDDEN,
		    "role", ZH_EN("该账号没有所请求的角色",
		    "this principal does not have that role"));
		return;
	}
	hello_accept(r, p, how);
}

/*
 * The check of hc ended (ok: the token was right): answers the hello if
 * its connection is still there, lets the connection read on, and frees hc.
 */
static void
hello_check_end(struct hello_check *hc, int ok)
{
	struct request *r = hc->r;
	struct conn *c = r->conn;
	const struct principal *p = NULL;

	auth_limit_unhold(hc->addr);
	if (hc->principal[0] != '\0') {
		auth_limit_unhold(hc->who);
		p = config_principal(hotlined.cfg, hc->principal);
	}
	if (c != NULL && r->frame == NULL) {
		c->hello_checking = 0;
		if (ok && p != NULL)
			hello_passed(r, p, hc->cached ?
			    "credential (remembered)" : "credential");
		else
			hello_failed(r, hc);
		server_resume(c);
	}
	free(hc);
	request_release(r);
}

/* auth_check_start's callback. */
static void
hello_check_done(int ok, void *arg)
{
	hello_check_end(arg, ok);
}

/*
 * Authenticates r's hello as p (NULL: unknown), from address addr: by the
 * connection's verified client certificate when it maps to p (the
 * credential is then not looked at), else by the credential, from the
 * cache or on the worker pool; frames after the hello wait meanwhile.
 */
static void
hello_authenticate(struct request *r, const struct principal *p,
    const char *addr, const char *who)
{
	struct hello_check *hc;
	int started;

	if (p != NULL && tls_principal(r->conn, hotlined.cfg, p) == p) {
		hello_passed(r, p, "certificate");
		return;
	}
	hc = xcalloc(1, sizeof *hc);
	hc->r = r;
	snprintf(hc->addr, sizeof hc->addr, "%s", addr);
	snprintf(hc->who, sizeof hc->who, "%s", who);
	snprintf(hc->principal, sizeof hc->principal, "%s",
	    p != NULL ? p->id : "");
	r->refs++;
	r->conn->hello_checking = 1;
	auth_limit_hold(hc->addr);
	if (p != NULL)
		auth_limit_hold(hc->who);
	started = auth_check_start(p, r->in->hello->credential,
	    hello_check_done, hc);
	if (started == 1) {
		hc->cached = 1;
		hello_check_end(hc, 1);
	} else if (started == -1) {
		auth_limit_unhold(hc->addr);
		if (p != NULL)
			auth_limit_unhold(hc->who);
		r->conn->hello_checking = 0;
		free(hc);
		r->refs--;
		hello_refuse(r, HOTLINE__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    NULL, ZH_EN("正在核验的登录过多，请稍候再试",
		    "too many logins are being checked; try again in a "
		    "moment"));
	}
}

/* Accepts a hello that passed every check; how says how it was authenticated. */
static void
hello_accept(struct request *r, const struct principal *p, const char *how)
{
	struct conn *c = r->conn;
	Hotline__Envelope *env = envelope_new();
	Hotline__HelloOk *ok = xmalloc(sizeof *ok);
	char esc[100];

	c->authenticated = 1;
	if (c->hello_timer != NULL)	/* server.c's: no hello, no stay */
		event_del(c->hello_timer);
	c->role = p->role;
	snprintf(c->principal, sizeof c->principal, "%s", p->id);
	snprintf(c->department, sizeof c->department, "%s",
	    p->department != NULL ? p->department : "");
	log_info("connection %llu (%s): %s \"%s\" logged in by %s "
	    "(client \"%s\")", (unsigned long long)c->id, c->peer,
	    config_role_name(p->role), p->id, how,
	    log_escape(r->in->hello->client, esc, sizeof esc));
	hotline__hello_ok__init(ok);
	ok->version = HOTLINE__PROTOCOL_VERSION__PROTOCOL_VERSION;
	ok->role = p->role;
	ok->principal = record_strdup(p->id);
	ok->department = record_strdup(p->department);
	ok->server = record_strdup("hotlined/" HOTLINED_VERSION);
	ok->authenticated_by = record_strdup(strcmp(how, "certificate") == 0 ?
	    "certificate" : "credential");
	env->body_case = HOTLINE__ENVELOPE__BODY_HELLO_OK;
	env->hello_ok = ok;
	request_answer(r, env);
}

/*
 * Checks every string of r's request, at the one place every frame passes:
 * on the wire (wire_len bytes; NULL when a test built the envelope) no NUL
 * byte and none too long, then decoded, valid UTF-8. Returns 0, or -1 with
 * *field and *why set.
 */
static int
session_check_strings(const struct request *r, const uint8_t *wire,
    size_t wire_len, const char **field, const char **why)
{
	if (wire != NULL && validate_wire(&hotline__envelope__descriptor, wire,
	    wire_len, hotlined.cfg->limits.max_field, field, why) == -1)
		return -1;
	return validate_strings(&r->in->base, hotlined.cfg->limits.max_field,
	    field, why);
}

/* Handles the first frame of a connection, which must be a valid hello. */
static void
session_hello(struct request *r, const uint8_t *wire, size_t wire_len)
{
	const Hotline__Hello *h = r->in->hello;
	const struct principal *p;
	const char *field, *why;
	char esc[100], addr[sizeof r->conn->peer], msg[160], who[96];

	if (r->in->body_case != HOTLINE__ENVELOPE__BODY_HELLO) {
		hello_refuse(r, HOTLINE__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED,
		    NULL, ZH_EN("第一帧必须是 hello",
		    "the first frame must be a hello"));
		return;
	}
	if (session_check_strings(r, wire, wire_len, &field, &why) == -1) {
		snprintf(msg, sizeof msg, "%s: %s", field != NULL ? field :
		    "frame", why);
		hello_refuse(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    field, msg);
		return;
	}
	if (h->version != HOTLINE__PROTOCOL_VERSION__PROTOCOL_VERSION) {
		hello_refuse(r, HOTLINE__ERROR_CODE__ERROR_CODE_VERSION_MISMATCH,
		    "version", ZH_EN("本服务使用 hotline 协议第 1 版",
		    "this server speaks hotline protocol version 1"));
		return;
	}
	session_address(r->conn, addr, sizeof addr);
	/* An empty principal asks for the one the client certificate maps to. */
	p = h->principal == NULL || h->principal[0] == '\0' ?
	    tls_principal(r->conn, hotlined.cfg, NULL) :
	    config_principal(hotlined.cfg, h->principal);
	snprintf(who, sizeof who, "principal %s", p != NULL ? p->id : "");
	if ((why = hello_limited(addr, p, who, h)) != NULL) {
		lang_pick(why, LANG_EN, msg, sizeof msg);
		log_debug("connection %llu (%s): hello as \"%s\" refused: %s",
		    (unsigned long long)r->conn->id, r->conn->peer,
		    log_escape(h->principal, esc, sizeof esc), msg);
		hello_refuse(r, HOTLINE__ERROR_CODE__ERROR_CODE_RATE_LIMITED,
		    NULL, why);
		return;
	}
	hello_authenticate(r, p, addr, who);
}

/* Returns 1 if key is empty or a request key the scripts may put in a Redis key name. */
static int
session_request_key_valid(const char *key)
{
	size_t len = strlen(key);

	return len <= SESSION_REQUEST_KEY_MAX && strspn(key,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._:-") == len;
}

/* Names a body case for error messages. */
static const char *
body_name(Hotline__Envelope__BodyCase body)
{
	const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(
	    &hotline__envelope__descriptor, (unsigned)body);

	return f != NULL ? f->name : "empty";
}

/*
 * Handles one decoded frame of c (taking env), decoded from wire_len bytes
 * at wire: hello first, then requests checked for id, kind, role and field
 * validity before their handler runs.
 */
void
session_frame_wire(struct conn *c, Hotline__Envelope *env,
    const uint8_t *wire, size_t wire_len)
{
	struct request *r = request_new(c, env);
	const struct op *op;
	const char *field, *why;
	char opname[64], rolename[64];

	if (!c->authenticated) {
		metrics_request(r, "hello");
		session_hello(r, wire, wire_len);
		return;
	}
	if (env->id == 0) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "id", ZH_EN("每个请求都需要非零的 id",
		    "every request needs a non-zero id"));
		return;
	}
	if (env->body_case == HOTLINE__ENVELOPE__BODY_HELLO) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "hello", ZH_EN("此连接已登录（hello）",
		    "this connection has already said hello"));
		return;
	}
	if ((op = op_find(env->body_case)) == NULL) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    NULL, ZH_EN("客户端不能发送 ", "a client cannot send ") "%s",
		    body_name(env->body_case));
		return;
	}
	if ((op_roles(op) & ROLE_BIT(c->role)) == 0) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_FORBIDDEN, NULL,
		    ZH_EN("", "role ") "%s" ZH_EN("无权", " may not ") "%s",
		    lang_pair(rolename, sizeof rolename,
		    lang_role_zh(config_role_name(c->role)),
		    config_role_name(c->role)), lang_pair(opname,
		    sizeof opname, lang_op_zh(op->name), op->name));
		return;
	}
	if (session_check_strings(r, wire, wire_len, &field, &why) == -1 ||
	    bounds_check(&env->base, &field, &why) == -1) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    field, "%s: %s", field != NULL ? field : "frame", why);
		return;
	}
	if (!session_request_key_valid(env->request_key)) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "request_key", "request_key" ZH_EN("：须为 1 至 ", ": 1 to ")
		    "%d" ZH_EN(" 个 A-Z a-z 0-9 . _ : - 字符", " of A-Z a-z 0-9 . _ : -"),
		    SESSION_REQUEST_KEY_MAX);
		return;
	}
	metrics_request(r, op->name);
	op->handle(r);
}

/* Handles an envelope built in memory (test doubles): no wire bytes to check. */
void
session_frame(struct conn *c, Hotline__Envelope *env)
{
	session_frame_wire(c, env, NULL, 0);
}

/* The connection is closing: detach its requests (Redis callbacks see conn == NULL). */
void
session_closed(struct conn *c)
{
	struct request *r;

	while ((r = TAILQ_FIRST(&c->pending)) != NULL) {
		TAILQ_REMOVE(&c->pending, r, entry);
		c->npending--;
		r->conn = NULL;
		request_release(r);
	}
	feed_closed(c);
}
