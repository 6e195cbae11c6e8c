/* Authorization: every request kind as every role (and a department on its own and another's ticket), and what departments may see. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "harness.h"
#include "harness-pg.h"

static struct harness h;
static struct harness_pg pg;	/* the archive, for search */
static struct hl_client *no_client;

/* The knowledge-base article kb_step's row flags, drafted by 住建局. */
static int
kb_article(void)
{
	Hotline__KbDraftRequest d = HOTLINE__KB_DRAFT_REQUEST__INIT;
	struct hl_client *c = harness_login(&h, "zjj-02");
	Hotline__Envelope *rep;
	struct hl_error err;

	if (c == NULL)
		return -1;
	d.id = "kb-authz-step";
	d.json = "{\"title\": \"t\", \"questions\": [], \"answer\": \"a\", "
	    "\"districts\": []}";
	rep = harness_call(c, BODY(KB_DRAFT), &d, &err);
	hl_close(c);
	if (rep == NULL) {
		fprintf(stderr, "kb_draft: %s\n", err.message);
		return -1;
	}
	hl_envelope_free(rep);
	return 0;
}

/* Redis, hotlined and PostgreSQL (search is answered from the archive). */
static int
setup(void **state)
{
	(void)state;
	if (harness_pg_group_start(&h, &pg, "agent01", &no_client) == -1)
		return -1;
	hl_close(no_client);
	no_client = NULL;
	return kb_article();
}

/* Stops them. */
static int
teardown(void **state)
{
	(void)state;
	harness_pg_stop(&pg);
	return harness_group_stop(&h, no_client);
}

/*
 * Who asks. A department asks either about a ticket of its own department
 * (zjj, the lead of every ticket the matrix makes) or of another one.
 */
enum who { AGENT, DISPATCHER, DEPT_OWN, DEPT_OTHER, SUPERVISOR, ADMIN, NWHO };

static const char *const principal_of[NWHO] = {
	"agent01", "dispatcher01", "zjj-01", "water-01", "supervisor01",
	"admin01",
};

/* Every request body the matrix builds, one at a time. */
union body {
	Hotline__Ping ping;
	Hotline__ShowRequest show;
	Hotline__SearchRequest search;
	Hotline__KbSearchRequest kb_search;
	Hotline__KbImportRequest kb_import;
	Hotline__KbExportRequest kb_export;
	Hotline__KbDraftRequest kb_draft;
	Hotline__KbStepRequest kb_step;
	Hotline__KbGapsRequest kb_gaps;
	Hotline__WatchRequest watch;
	Hotline__ClassifyRequest classify;
	Hotline__CreateRequest create;
	Hotline__CallerRequest caller;
	Hotline__CallbackRequest callback;
	Hotline__TriageListRequest triage;
	Hotline__DispatchRequest dispatch;
	Hotline__ExtensionDecision decide_extension;
	Hotline__ReviewRequest review;
	Hotline__MergeRequest merge;
	Hotline__InvalidateRequest invalidate;
	Hotline__ListRequest list;
	Hotline__SignRequest sign;
	Hotline__ReplyRequest reply;
	Hotline__ReturnRequest return_ticket;
	Hotline__ExtendRequest extend;
	Hotline__SuspendRequest suspend;
	Hotline__ResumeRequest resume;
	Hotline__NoteRequest note;
	Hotline__SupervisionAnswer answer_supervision;
	Hotline__UrgeRequest urge;
	Hotline__SuperviseRequest supervise;
	Hotline__ExemptRequest exempt;
	Hotline__DeadlineRequest deadline;
	Hotline__ShiftClockRequest shift_clock;
	Hotline__ReloadRequest reload;
	Hotline__CalendarImportRequest calendar_import;
	Hotline__CalendarStatusRequest calendar_status;
	Hotline__ExportExamplesRequest export_examples;
	Hotline__ImportExamplesRequest import_examples;
	Hotline__RetrainRequest retrain;
	Hotline__EvaluateRequest evaluate;
	Hotline__ScorecardRequest scorecard;
	Hotline__HotRequest hot;
	Hotline__OverdueRequest overdue;
	Hotline__BreachesRequest breaches;
	Hotline__TimelineRequest timeline;
};

/* What a builder gets: fresh tickets (lead zjj, dispatched) when the row needs them. */
struct cell {
	const char *number;	/* the ticket acted on */
	const char *master;	/* a second ticket, for merge */
	char call_id[96];
	char phone[24];
	Hotline__Example example;
	Hotline__Example *examples[1];
	char *assists[1];
};

/* Builds a valid request body of one kind for a cell. */
typedef void (*build_fn)(union body *, struct cell *);

/*
 * One row of the matrix: a request kind and, for each of agent,
 * dispatcher, department (own ticket), department (another department's
 * ticket), supervisor and admin, 'Y' (the role check passes: an answer or
 * a CONFLICT with the ticket's state) or 'F' (FORBIDDEN).
 */
struct row {
	Hotline__Envelope__BodyCase body;
	const char *name;
	int needs_ticket;	/* 1: a fresh ticket; 2: and a master */
	build_fn build;
	const char allowed[NWHO + 1];
};

/* Builders, one per request kind: valid bodies, so only the role decides. */
static void b_ping(union body *b, struct cell *c)
{ (void)c; hotline__ping__init(&b->ping); }
static void b_show(union body *b, struct cell *c)
{ hotline__show_request__init(&b->show); b->show.number = (char *)c->number; }
static void b_watch(union body *b, struct cell *c)
{ (void)c; hotline__watch_request__init(&b->watch); }
static void b_classify(union body *b, struct cell *c)
{
	(void)c;
	hotline__classify_request__init(&b->classify);
	b->classify.title = "物业不作为";
	b->classify.content = "小区物业公司收费不干活。";
}
static void b_create(union body *b, struct cell *c)
{
	harness_create_init(&b->create, c->call_id, sizeof c->call_id,
	    harness_phone(c->phone, sizeof c->phone), "物业不作为",
	    "小区物业公司收费不干活，电梯故障一周没人修。");
}
static void b_caller(union body *b, struct cell *c)
{
	hotline__caller_request__init(&b->caller);
	b->caller.caller_phone = (char *)harness_phone(c->phone,
	    sizeof c->phone);
}
static void b_callback(union body *b, struct cell *c)
{
	hotline__callback_request__init(&b->callback);
	b->callback.number = (char *)c->number;
	b->callback.result = HOTLINE__CALLBACK_RESULT__CALLBACK_RESULT_SATISFIED;
	b->callback.comment = "满意";
}
static void b_triage(union body *b, struct cell *c)
{ (void)c; hotline__triage_list_request__init(&b->triage); }
static void b_dispatch(union body *b, struct cell *c)
{
	hotline__dispatch_request__init(&b->dispatch);
	b->dispatch.number = (char *)c->number;
	b->dispatch.lead_department = "water";
	c->assists[0] = "cgj";
	b->dispatch.assisting_departments = c->assists;
	b->dispatch.n_assisting_departments = 1;
	b->dispatch.note = "改由供水公司办理";
}
static void b_decide_extension(union body *b, struct cell *c)
{
	hotline__extension_decision__init(&b->decide_extension);
	b->decide_extension.number = (char *)c->number;
	b->decide_extension.approve = 1;
}
static void b_review(union body *b, struct cell *c)
{
	hotline__review_request__init(&b->review);
	b->review.number = (char *)c->number;
	b->review.approve = 1;
}
static void b_merge(union body *b, struct cell *c)
{
	hotline__merge_request__init(&b->merge);
	b->merge.number = (char *)c->number;
	b->merge.master = (char *)c->master;
	b->merge.note = "重复来电";
}
static void b_invalidate(union body *b, struct cell *c)
{
	hotline__invalidate_request__init(&b->invalidate);
	b->invalidate.number = (char *)c->number;
	b->invalidate.reason = "骚扰电话";
}
static void b_list(union body *b, struct cell *c)
{ (void)c; hotline__list_request__init(&b->list); b->list.department = "zjj"; }
static void b_sign(union body *b, struct cell *c)
{ hotline__sign_request__init(&b->sign); b->sign.number = (char *)c->number; }
static void b_reply(union body *b, struct cell *c)
{
	hotline__reply_request__init(&b->reply);
	b->reply.number = (char *)c->number;
	b->reply.result = "已处理";
	b->reply.solved = 1;
}
static void b_return(union body *b, struct cell *c)
{
	hotline__return_request__init(&b->return_ticket);
	b->return_ticket.number = (char *)c->number;
	b->return_ticket.reason = "不属于本单位职责";
	b->return_ticket.basis = "三定方案";
}
static void b_extend(union body *b, struct cell *c)
{
	hotline__extend_request__init(&b->extend);
	b->extend.number = (char *)c->number;
	b->extend.extension = "2wd";
	b->extend.reason = "需要协调";
}
static void b_suspend(union body *b, struct cell *c)
{
	hotline__suspend_request__init(&b->suspend);
	b->suspend.number = (char *)c->number;
	b->suspend.reason = "等待市民补充材料";
}
static void b_resume(union body *b, struct cell *c)
{
	hotline__resume_request__init(&b->resume);
	b->resume.number = (char *)c->number;
}
static void b_note(union body *b, struct cell *c)
{
	hotline__note_request__init(&b->note);
	b->note.number = (char *)c->number;
	b->note.text = "已联系物业";
}
static void b_answer_supervision(union body *b, struct cell *c)
{
	hotline__supervision_answer__init(&b->answer_supervision);
	b->answer_supervision.number = (char *)c->number;
	b->answer_supervision.text = "已加快办理";
}
static void b_urge(union body *b, struct cell *c)
{
	hotline__urge_request__init(&b->urge);
	b->urge.number = (char *)c->number;
	b->urge.text = "请加快办理";
}
static void b_supervise(union body *b, struct cell *c)
{
	hotline__supervise_request__init(&b->supervise);
	b->supervise.number = (char *)c->number;
	b->supervise.text = "请三日内办结";
}
static void b_exempt(union body *b, struct cell *c)
{
	hotline__exempt_request__init(&b->exempt);
	b->exempt.number = (char *)c->number;
	b->exempt.reason = "诉求不合理";
}
static void b_deadline(union body *b, struct cell *c)
{
	(void)c;
	hotline__deadline_request__init(&b->deadline);
	b->deadline.from = (int64_t)time(NULL) * 1000;
	b->deadline.limit = "2h";
}
static void b_shift_clock(union body *b, struct cell *c)
{
	(void)c;
	hotline__shift_clock_request__init(&b->shift_clock);
	b->shift_clock.advance_ms = 1;
}
static void b_reload(union body *b, struct cell *c)
{ (void)c; hotline__reload_request__init(&b->reload); }
/* 2030 as provisional as it is already (its computed statutory days): changes nothing. */
static void b_calendar_import(union body *b, struct cell *c)
{
	(void)c;
	hotline__calendar_import_request__init(&b->calendar_import);
	b->calendar_import.json = "{\"$provisional\": true, \"year\": 2030, "
	    "\"papers\": [], \"days\": ["
	    "{\"name\": \"元旦\", \"date\": \"2030-01-01\", \"isOffDay\": true},"
	    "{\"name\": \"春节\", \"date\": \"2030-02-02\", \"isOffDay\": true},"
	    "{\"name\": \"春节\", \"date\": \"2030-02-03\", \"isOffDay\": true},"
	    "{\"name\": \"春节\", \"date\": \"2030-02-04\", \"isOffDay\": true},"
	    "{\"name\": \"春节\", \"date\": \"2030-02-05\", \"isOffDay\": true},"
	    "{\"name\": \"清明\", \"date\": \"2030-04-05\", \"isOffDay\": true},"
	    "{\"name\": \"劳动节\", \"date\": \"2030-05-01\", \"isOffDay\": true},"
	    "{\"name\": \"劳动节\", \"date\": \"2030-05-02\", \"isOffDay\": true},"
	    "{\"name\": \"端午\", \"date\": \"2030-06-05\", \"isOffDay\": true},"
	    "{\"name\": \"中秋\", \"date\": \"2030-09-12\", \"isOffDay\": true},"
	    "{\"name\": \"国庆节\", \"date\": \"2030-10-01\", \"isOffDay\": true},"
	    "{\"name\": \"国庆节\", \"date\": \"2030-10-02\", \"isOffDay\": true},"
	    "{\"name\": \"国庆节\", \"date\": \"2030-10-03\", \"isOffDay\": true}]}";
}
static void b_calendar_status(union body *b, struct cell *c)
{ (void)c; hotline__calendar_status_request__init(&b->calendar_status); }
static void b_export_examples(union body *b, struct cell *c)
{ (void)c; hotline__export_examples_request__init(&b->export_examples); }
static void b_import_examples(union body *b, struct cell *c)
{
	hotline__import_examples_request__init(&b->import_examples);
	hotline__example__init(&c->example);
	c->example.label = "zjj";
	c->example.text = "小区物业公司收费不干活";
	c->examples[0] = &c->example;
	b->import_examples.examples = c->examples;
	b->import_examples.n_examples = 1;
}
static void b_retrain(union body *b, struct cell *c)
{ (void)c; hotline__retrain_request__init(&b->retrain); }
static void b_evaluate(union body *b, struct cell *c)
{
	(void)c;
	hotline__evaluate_request__init(&b->evaluate);
	b->evaluate.folds = 2;
}
static void b_scorecard(union body *b, struct cell *c)
{ (void)c; hotline__scorecard_request__init(&b->scorecard); }
static void b_hot(union body *b, struct cell *c)
{ (void)c; hotline__hot_request__init(&b->hot); }
static void b_overdue(union body *b, struct cell *c)
{ (void)c; hotline__overdue_request__init(&b->overdue); }
static void b_breaches(union body *b, struct cell *c)
{ (void)c; hotline__breaches_request__init(&b->breaches); }
static void b_search(union body *b, struct cell *c)
{
	(void)c;
	hotline__search_request__init(&b->search);
	b->search.words = "物业";
}
static void b_kb_search(union body *b, struct cell *c)
{
	(void)c;
	hotline__kb_search_request__init(&b->kb_search);
	b->kb_search.words = "公积金";
}
static void b_kb_import(union body *b, struct cell *c)
{
	(void)c;
	hotline__kb_import_request__init(&b->kb_import);
	b->kb_import.json = "[]";
}
static void b_kb_export(union body *b, struct cell *c)
{ (void)c; hotline__kb_export_request__init(&b->kb_export); }
/* Each allowed draft makes a new article kb-authz-N (its drafter owns it). */
static void b_kb_draft(union body *b, struct cell *c)
{
	static char id[32];
	static unsigned n;

	(void)c;
	hotline__kb_draft_request__init(&b->kb_draft);
	snprintf(id, sizeof id, "kb-authz-%u", n++);
	b->kb_draft.id = id;
	b->kb_draft.json = "{\"title\": \"t\", \"questions\": [], "
	    "\"answer\": \"a\", \"districts\": []}";
}
/* A flag on kb-authz-step (setup drafts it). */
static void b_kb_step(union body *b, struct cell *c)
{
	(void)c;
	hotline__kb_step_request__init(&b->kb_step);
	b->kb_step.id = "kb-authz-step";
	b->kb_step.action = HOTLINE__KB_ACTION__KB_ACTION_FLAG;
	b->kb_step.note = "过时";
}
static void b_kb_gaps(union body *b, struct cell *c)
{ (void)c; hotline__kb_gaps_request__init(&b->kb_gaps); }
static void b_timeline(union body *b, struct cell *c)
{
	hotline__timeline_request__init(&b->timeline);
	b->timeline.number = (char *)c->number;
}

/*
 * The expected matrix, written from DESIGN.md §1 (who does what) and not
 * from the daemon's table, so a wrong entry there fails here. Columns:
 * agent, dispatcher, department on its own ticket, department on another
 * department's ticket, supervisor, admin.
 */
static const struct row matrix[] = {
	/* Anyone: liveness and 限时 arithmetic. */
	{ BODY(PING), "ping", 0, b_ping, "YYYYYY" },
	{ BODY(DEADLINE), "deadline", 0, b_deadline, "YYYYYY" },
	/* Tickets are seen by the centre's staff; a department sees its own only; admins configure, they do not read tickets. */
	{ BODY(SHOW), "show", 1, b_show, "YYYFYF" },
	/* Feeds: a department's terminal, the dispatchers' and the supervisors' (DESIGN §4: list + watch). */
	{ BODY(WATCH), "watch", 0, b_watch, "FYYYYF" },
	/* Agents: routing suggestions, intake, caller lookup, callback (回访). */
	{ BODY(CLASSIFY), "classify", 0, b_classify, "YYFFFF" },
	{ BODY(CREATE), "create", 0, b_create, "YFFFFF" },
	/* A caller's tickets: the centre's staff; a department never (保密, other departments' tickets). */
	{ BODY(CALLER), "caller", 0, b_caller, "YYFFYF" },
	{ BODY(CALLBACK), "callback", 1, b_callback, "YFFFFF" },
	/* Dispatchers: triage, returns and disputes, extensions, review, merge. */
	{ BODY(TRIAGE), "triage", 0, b_triage, "FYFFFF" },
	{ BODY(DISPATCH), "dispatch", 1, b_dispatch, "FYFFFF" },
	{ BODY(REDISPATCH), "redispatch", 1, b_dispatch, "FYFFFF" },
	{ BODY(DECIDE_EXTENSION), "decide_extension", 1, b_decide_extension,
	    "FYFFFF" },
	{ BODY(REVIEW), "review", 1, b_review, "FYFFFF" },
	{ BODY(MERGE), "merge", 2, b_merge, "FYFFFF" },
	{ BODY(INVALIDATE), "invalidate", 1, b_invalidate, "FYFFFF" },
	/* Departments, on their own tickets only: list, sign, return, extend, reply, ... */
	/* zjj's open tickets: its own terminal, the centre and supervisors (issue 16). */
	{ BODY(LIST), "list", 0, b_list, "FYYFYF" },
	{ BODY(SIGN), "sign", 1, b_sign, "FFYFFF" },
	{ BODY(REPLY), "reply", 1, b_reply, "FFYFFF" },
	{ BODY(RETURN_TICKET), "return", 1, b_return, "FFYFFF" },
	{ BODY(EXTEND), "extend", 1, b_extend, "FFYFFF" },
	{ BODY(SUSPEND), "suspend", 1, b_suspend, "FFYFFF" },
	{ BODY(RESUME), "resume", 1, b_resume, "FFYFFF" },
	{ BODY(NOTE), "note", 1, b_note, "FFYFFF" },
	{ BODY(ANSWER_SUPERVISION), "answer_supervision", 1,
	    b_answer_supervision, "FFYFFF" },
	/* Supervisors: 催办, 督办, 免考核. */
	{ BODY(URGE), "urge", 1, b_urge, "FFFFYF" },
	{ BODY(SUPERVISE), "supervise", 1, b_supervise, "FFFFYF" },
	{ BODY(EXEMPT), "exempt", 1, b_exempt, "FFFFYF" },
	/* Admins: the configuration and, on test installations, the clock. */
	{ BODY(SHIFT_CLOCK), "shift_clock", 0, b_shift_clock, "FFFFFY" },
	{ BODY(RELOAD), "reload", 0, b_reload, "FFFFFY" },
	{ BODY(CALENDAR_IMPORT), "calendar_import", 0, b_calendar_import,
	    "FFFFFY" },
	{ BODY(CALENDAR_STATUS), "calendar_status", 0, b_calendar_status,
	    "FYFFYY" },
	/* The learned model: trained from dispatchers' corrections, run by operators. */
	{ BODY(EXPORT_EXAMPLES), "export_examples", 0, b_export_examples,
	    "FYFFFY" },
	{ BODY(IMPORT_EXAMPLES), "import_examples", 0, b_import_examples,
	    "FFFFFY" },
	{ BODY(RETRAIN), "retrain", 0, b_retrain, "FYFFFY" },
	{ BODY(EVALUATE), "evaluate", 0, b_evaluate, "FYFFFY" },
	/* Supervision queries: the office, the centre and admins read the
	 * city's figures; a department its own (scorecard, overdue, breaches
	 * and timelines of its tickets); agents none but a timeline. */
	{ BODY(SCORECARD), "scorecard", 0, b_scorecard, "FYYYYY" },
	{ BODY(HOT), "hot", 0, b_hot, "FYFFYY" },
	{ BODY(OVERDUE), "overdue", 0, b_overdue, "FYYYYY" },
	{ BODY(BREACHES), "breaches", 0, b_breaches, "FYYYYY" },
	{ BODY(TIMELINE), "timeline", 1, b_timeline, "YYYFYY" },
	/* 检索 in the archive: as show, each within its own view (a department its own tickets). */
	{ BODY(SEARCH), "search", 0, b_search, "YYYYYF" },
	/* The knowledge base: searched by all who answer citizens; the centre
	 * (dispatchers) imports and reviews, departments draft their own,
	 * agents and the centre flag (a department's flag is refused by the
	 * workflow: it drafts instead); supervisors read exports and gaps. */
	{ BODY(KB_SEARCH), "kb_search", 0, b_kb_search, "YYYYYF" },
	{ BODY(KB_IMPORT), "kb_import", 0, b_kb_import, "FYFFFY" },
	{ BODY(KB_EXPORT), "kb_export", 0, b_kb_export, "FYFFYY" },
	{ BODY(KB_DRAFT), "kb_draft", 0, b_kb_draft, "FFYYFF" },
	{ BODY(KB_STEP), "kb_step", 0, b_kb_step, "YYFFFF" },
	{ BODY(KB_GAPS), "kb_gaps", 0, b_kb_gaps, "FYFFYY" },
};

#define NROWS (sizeof matrix / sizeof matrix[0])

/* Envelope bodies that only the daemon sends (answers and events), or the hello. */
static const Hotline__Envelope__BodyCase not_requests[] = {
	BODY(HELLO), BODY(HELLO_OK), BODY(ERROR), BODY(PONG), BODY(CLASSIFIED),
	BODY(CREATED), BODY(TICKET), BODY(TICKETS), BODY(WATCHING),
	BODY(EVENT), BODY(DEADLINE_REPLY), BODY(EXAMPLES), BODY(IMPORTED),
	BODY(RETRAINED), BODY(EVALUATION), BODY(RELOADED), BODY(SCORECARDS),
	BODY(HOT_LIST), BODY(OVERDUE_LIST), BODY(BREACH_LIST),
	BODY(TIMELINE_REPLY), BODY(CALENDAR_IMPORTED),
	BODY(CALENDAR_STATUS_REPLY), BODY(SEARCH_REPLY),
	BODY(KB_RESULTS), BODY(KB_IMPORTED), BODY(KB_EXPORTED), BODY(KB_STEPPED),
	BODY(KB_GAPS_REPLY),
};

/* Creates a dispatched ticket of zjj (物业), confidential or not, and copies its number. */
static void
create_zjj(struct hl_client *agent, int confidential, char *number,
    size_t len)
{
	static unsigned n;
	Hotline__CreateRequest req;
	Hotline__Envelope *rep;
	struct hl_error err;
	char call_id[96], phone[24], content[256];

	n++;
	snprintf(content, sizeof content, "第%u栋小区物业公司收费不干活，"
	    "楼道垃圾%u天没人清理，电梯故障。", n, n % 97 + 2);
	harness_create_init(&req, call_id, sizeof call_id,
	    harness_phone(phone, sizeof phone), "物业不作为", content);
	req.confidential = confidential;
	req.caller_name = "王秘密";
	rep = harness_call(agent, BODY(CREATE), &req, &err);
	assert_reply(rep, err);
	assert_int_equal(rep->body_case, BODY(CREATED));
	assert_int_equal(rep->created->ticket->state, STATE(DISPATCHED));
	assert_string_equal(rep->created->ticket->lead_department->id, "zjj");
	snprintf(number, len, "%s", rep->created->ticket->number);
	hl_envelope_free(rep);
}

/* Sends one request of row as who on a fresh session; returns the answer (NULL with err on an Error). */
static Hotline__Envelope *
call_as(enum who who, const struct row *row, struct cell *cell,
    struct hl_error *err)
{
	struct hl_client *c = harness_login(&h, principal_of[who]);
	Hotline__Envelope *rep;
	union body body;

	assert_non_null(c);
	row->build(&body, cell);
	rep = harness_call(c, row->body, &body, err);
	hl_close(c);
	return rep;
}

/* What a ticket looks like to the centre: its state, history length and last change. */
struct snapshot {
	int state;
	size_t history;
	int64_t updated_at;
};

/* Shows number as the agent and copies what a refused request must not change. */
static void
snapshot(struct hl_client *agent, const char *number, struct snapshot *out)
{
	struct hl_error err;
	Hotline__Envelope *rep = harness_show(agent, number, &err);

	assert_reply(rep, err);
	out->state = rep->ticket->ticket->state;
	out->history = rep->ticket->ticket->n_history;
	out->updated_at = rep->ticket->ticket->updated_at;
	hl_envelope_free(rep);
}

/* Returns 1 if number is as before was taken (a refusal changed nothing). */
static int
unchanged(struct hl_client *agent, const char *number,
    const struct snapshot *before)
{
	struct snapshot after;

	snapshot(agent, number, &after);
	return after.state == before->state &&
	    after.history == before->history &&
	    after.updated_at == before->updated_at;
}

/* Checks one cell of the matrix; returns 1 if the outcome was as expected. */
static int
check_cell(struct hl_client *agent, const struct row *row, enum who who)
{
	char number[32] = "", master[32] = "";
	struct snapshot before;
	struct cell cell;
	Hotline__Envelope *rep;
	struct hl_error err;
	int forbidden, ok;

	memset(&cell, 0, sizeof cell);
	if (row->needs_ticket >= 1)
		create_zjj(agent, 0, number, sizeof number);
	if (row->needs_ticket >= 2)
		create_zjj(agent, 0, master, sizeof master);
	cell.number = number;
	cell.master = master;
	if (row->needs_ticket)
		snapshot(agent, number, &before);
	rep = call_as(who, row, &cell, &err);
	/* A department refused another's ticket hears NOT_FOUND (no oracle). */
	forbidden = rep == NULL && (err.code == ERR(FORBIDDEN) ||
	    (err.code == ERR(NOT_FOUND) && row->needs_ticket));
	if (row->allowed[who] == 'F')
		ok = forbidden;
	else
		ok = rep != NULL || err.code == ERR(CONFLICT);
	if (ok && forbidden && row->needs_ticket &&
	    !unchanged(agent, number, &before)) {
		print_error("%s as %s: FORBIDDEN, but the ticket changed\n",
		    row->name, principal_of[who]);
		ok = -1;
	}
	if (ok == 0)
		print_error("%s as %s: expected %s, got %s%s%s\n", row->name,
		    principal_of[who], row->allowed[who] == 'F' ?
		    "FORBIDDEN" : "an answer or CONFLICT", rep != NULL ?
		    "an answer" : hl_error_name(err.code), rep != NULL ? "" :
		    ": ", rep != NULL ? "" : err.message);
	if (rep != NULL)
		hl_envelope_free(rep);
	return ok == 1;
}

/* Every request kind of the protocol has a row: a new kind cannot slip past the matrix. */
static void
test_matrix_covers_protocol(void **state)
{
	const ProtobufCMessageDescriptor *d = &hotline__envelope__descriptor;
	unsigned i, missing = 0;
	size_t k;

	(void)state;
	for (i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		int known = 0;

		if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) == 0)
			continue;	/* id and other members outside the body */
		for (k = 0; k < sizeof not_requests / sizeof not_requests[0]; k++)
			known |= (unsigned)not_requests[k] == f->id;
		for (k = 0; k < NROWS; k++)
			known |= (unsigned)matrix[k].body == f->id;
		if (!known) {
			print_error("body %s (%u) has no row in the matrix\n",
			    f->name, f->id);
			missing++;
		}
	}
	assert_int_equal(missing, 0);
}

/*
 * Every request kind × every role × own/other department: allowed or
 * FORBIDDEN as the design says, and a refused request leaves the ticket as
 * it was (state, history, last change).
 */
static void
test_matrix(void **state)
{
	struct hl_client *agent = harness_login(&h, "agent01");
	unsigned wrong = 0, cells = 0;
	size_t k;
	int who;

	(void)state;
	assert_non_null(agent);
	for (k = 0; k < NROWS; k++)
		for (who = 0; who < NWHO; who++, cells++)
			wrong += !check_cell(agent, &matrix[k], (enum who)who);
	hl_close(agent);
	assert_int_equal(cells, NROWS * NWHO);
	assert_int_equal(wrong, 0);
}

/* Returns 1 if list holds a ticket with number. */
static int
list_has(const Hotline__TicketList *list, const char *number)
{
	size_t i;

	for (i = 0; i < list->n_tickets; i++)
		if (strcmp(list->tickets[i]->number, number) == 0)
			return 1;
	return 0;
}

/* Fails unless t hides a confidential caller: no name, no call id, the phone masked or empty. */
static void
assert_caller_hidden(const Hotline__Ticket *t, const char *what)
{
	if (strcmp(t->caller_name, "") != 0 || strcmp(t->call_id, "") != 0 ||
	    (t->caller_phone[0] != '\0' && strchr(t->caller_phone, '*') ==
	    NULL))
		fail_msg("%s: a department saw the confidential caller "
		    "(name \"%s\", phone \"%s\", call id \"%s\")", what,
		    t->caller_name, t->caller_phone, t->call_id);
}

/* A department lists and shows its own tickets, confidential callers masked, and never another's. */
static void
test_department_sees_own_only(void **state)
{
	struct hl_client *agent = harness_login(&h, "agent01");
	struct hl_client *own = harness_login(&h, "zjj-01");
	struct hl_client *other = harness_login(&h, "water-01");
	Hotline__Envelope *rep;
	struct hl_error err;
	char number[32];

	(void)state;
	assert_non_null(agent);
	assert_non_null(own);
	assert_non_null(other);
	create_zjj(agent, 1, number, sizeof number);

	rep = harness_list(own, 1000, &err);
	assert_reply(rep, err);
	assert_true(list_has(rep->tickets, number));
	for (size_t i = 0; i < rep->tickets->n_tickets; i++)
		if (strcmp(rep->tickets->tickets[i]->number, number) == 0)
			assert_caller_hidden(rep->tickets->tickets[i], "list");
	hl_envelope_free(rep);
	rep = harness_list(other, 1000, &err);
	assert_reply(rep, err);
	assert_false(list_has(rep->tickets, number));
	for (size_t i = 0; i < rep->tickets->n_tickets; i++)
		assert_string_equal(rep->tickets->tickets[i]->lead_department->id,
		    "water");
	hl_envelope_free(rep);

	rep = harness_show(own, number, &err);
	assert_reply(rep, err);
	assert_caller_hidden(rep->ticket->ticket, "show");
	hl_envelope_free(rep);
	rep = harness_show(other, number, &err);
	assert_error(rep, err, ERR(NOT_FOUND));

	rep = harness_sign(own, number, &err);
	assert_reply(rep, err);
	assert_caller_hidden(rep->ticket->ticket, "sign's answer");
	hl_envelope_free(rep);

	/* The centre's staff see the caller. */
	rep = harness_show(agent, number, &err);
	assert_reply(rep, err);
	assert_string_equal(rep->ticket->ticket->caller_name, "王秘密");
	hl_envelope_free(rep);
	hl_close(agent);
	hl_close(own);
	hl_close(other);
}

/*
 * Reads events from c until one is for ticket want (bounded), checking its
 * caller is hidden if check_masked; fails on an event of ticket never.
 */
static void
events_until(struct hl_client *c, const char *want, const char *never,
    int check_masked)
{
	int64_t deadline = harness_now_ms() + HARNESS_WAIT_MS;
	Hotline__Envelope *ev;
	int found = 0;

	while (!found && harness_now_ms() < deadline) {
		if ((ev = harness_event(c, HARNESS_CALL_MS)) == NULL)
			break;
		if (ev->body_case == BODY(EVENT) && ev->event->ticket != NULL) {
			const Hotline__Ticket *t = ev->event->ticket;

			if (never != NULL && strcmp(t->number, never) == 0)
				fail_msg("a terminal got an event of another "
				    "department's ticket %s", never);
			if (strcmp(t->number, want) == 0) {
				found = 1;
				if (check_masked)
					assert_caller_hidden(t, "event");
			}
		}
		hl_envelope_free(ev);
	}
	if (!found)
		fail_msg("no event of ticket %s", want);
}

/* Creates a water ticket (停水), dispatched, and copies its number. */
static void
create_water(struct hl_client *agent, char *number, size_t len)
{
	Hotline__Envelope *rep = harness_create(agent, "小区停水",
	    "小区停水两天了，水压低，请供水公司尽快处理。");

	assert_string_equal(rep->created->ticket->lead_department->id, "water");
	snprintf(number, len, "%s", rep->created->ticket->number);
	hl_envelope_free(rep);
}

/* A department's watch carries its own department's tickets, masked, never another's. */
static void
test_watch_own_feed_only(void **state)
{
	struct hl_client *agent = harness_login(&h, "agent01");
	struct hl_client *own = harness_login(&h, "zjj-01");
	struct hl_client *other = harness_login(&h, "water-01");
	Hotline__Envelope *rep;
	struct hl_error err;
	char zjj[32], water[32];

	(void)state;
	assert_non_null(agent);
	assert_non_null(own);
	assert_non_null(other);
	rep = harness_watch(own, "", &err);
	assert_reply(rep, err);
	hl_envelope_free(rep);
	rep = harness_watch(other, "", &err);
	assert_reply(rep, err);
	hl_envelope_free(rep);
	create_zjj(agent, 1, zjj, sizeof zjj);
	create_water(agent, water, sizeof water);
	events_until(own, zjj, water, 1);
	events_until(other, water, zjj, 0);
	hl_close(agent);
	hl_close(own);
	hl_close(other);
}

/* An assisting department (协办) sees the ticket and notes on it, but only the lead returns it. */
static void
test_assisting_department(void **state)
{
	struct hl_client *agent = harness_login(&h, "agent01");
	struct hl_client *disp = harness_login(&h, "dispatcher01");
	struct hl_client *assist = harness_login(&h, "water-01");
	struct hl_client *stranger = harness_login(&h, "sthjj-01");
	Hotline__DispatchRequest dq = HOTLINE__DISPATCH_REQUEST__INIT;
	Hotline__NoteRequest nq = HOTLINE__NOTE_REQUEST__INIT;
	Hotline__ReturnRequest rq = HOTLINE__RETURN_REQUEST__INIT;
	Hotline__Envelope *rep;
	struct hl_error err;
	char number[32], *assists[] = { "water" };

	(void)state;
	assert_non_null(agent);
	assert_non_null(disp);
	assert_non_null(assist);
	assert_non_null(stranger);
	create_zjj(agent, 0, number, sizeof number);
	dq.number = number;
	dq.lead_department = "zjj";
	dq.assisting_departments = assists;
	dq.n_assisting_departments = 1;
	rep = harness_call(disp, BODY(REDISPATCH), &dq, &err);
	assert_reply(rep, err);
	hl_envelope_free(rep);

	rep = harness_show(assist, number, &err);
	assert_reply(rep, err);
	hl_envelope_free(rep);
	nq.number = number;
	nq.text = "协办单位已到场";
	rep = harness_call(assist, BODY(NOTE), &nq, &err);
	assert_reply(rep, err);
	hl_envelope_free(rep);
	rq.number = number;
	rq.reason = "不属于本单位职责";
	rq.basis = "三定方案";
	rep = harness_call(assist, BODY(RETURN_TICKET), &rq, &err);
	assert_error(rep, err, ERR(FORBIDDEN));

	rep = harness_show(stranger, number, &err);
	assert_error(rep, err, ERR(NOT_FOUND));
	rep = harness_call(stranger, BODY(NOTE), &nq, &err);
	assert_error(rep, err, ERR(NOT_FOUND));
	hl_close(agent);
	hl_close(disp);
	hl_close(assist);
	hl_close(stranger);
}

/*
 * A department acting on another department's ticket is refused as if it
 * did not exist (NOT_FOUND) before anything else is checked: an
 * over-long extension or suspension must not tell it the ticket's policy
 * or state.
 */
static void
test_foreign_refused_first(void **state)
{
	struct hl_client *agent = harness_login(&h, "agent01");
	struct hl_client *other = harness_login(&h, "water-01");
	Hotline__ExtendRequest eq = HOTLINE__EXTEND_REQUEST__INIT;
	Hotline__ResumeRequest rq = HOTLINE__RESUME_REQUEST__INIT;
	Hotline__Envelope *rep;
	struct hl_error err;
	char number[32];

	(void)state;
	assert_non_null(agent);
	assert_non_null(other);
	create_zjj(agent, 0, number, sizeof number);
	eq.number = number;
	eq.extension = "9999wd";
	eq.reason = "需要协调";
	rep = harness_call(other, BODY(EXTEND), &eq, &err);
	assert_error(rep, err, ERR(NOT_FOUND));
	rq.number = number;
	rep = harness_call(other, BODY(RESUME), &rq, &err);
	assert_error(rep, err, ERR(NOT_FOUND));
	hl_close(agent);
	hl_close(other);
}

/* Runs the group: its setup starts the servers, its teardown stops them. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matrix_covers_protocol),
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_department_sees_own_only),
		cmocka_unit_test(test_watch_own_feed_only),
		cmocka_unit_test(test_assisting_department),
		cmocka_unit_test(test_foreign_refused_first),
	};

	harness_filter();
	return cmocka_run_group_tests_name("authz", tests, setup, teardown);
}
