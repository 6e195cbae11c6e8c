/*
 * Writes the generated seeds of fuzz-frame and fuzz-dispatch (make
 * fuzz-seeds): one valid frame of every request kind, for a principal who
 * may send it, and a few conversations (hello then requests, a watch woken,
 * a pipeline). A dispatch seed is fuzz-dispatch's input: who is connected,
 * the flags, the frames, then zero bytes for the store double (zero: every
 * script succeeds). Usage: fuzz-seeds DIR (DIR/frame and DIR/dispatch).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "hotline.pb-c.h"

/* fuzz-dispatch's identities (its byte 0) and flags (byte 1). */
enum who { AGENT, DISPATCHER, ZJJ, WATER, SUPERVISOR, ADMIN, NOBODY };
#define FLAG_SLOW 0x01
#define FLAG_ANSWER_EACH 0x02
#define FLAG_WAKE 0x08
#define FLAG_SIGHUP 0x40

#define NUMBER "20261122000001"
#define STORE_BYTES 16		/* zero choices left for the store double */
#define SEED_MAX 65536

/* A seed being written. */
struct seed {
	uint8_t buf[SEED_MAX];
	size_t len;
};

static const char *outdir;
static uint64_t next_id = 1;

/* Appends env as one frame, with the next request id. */
static void
seed_frame(struct seed *s, Hotline__Envelope *env)
{
	size_t body;

	env->id = next_id++;
	body = hotline__envelope__get_packed_size(env);
	if (s->len + FRAME_HEADER_MAX + body > SEED_MAX) {
		fprintf(stderr, "fuzz-seeds: seed too large\n");
		exit(1);
	}
	s->len += frame_encode_header(body, s->buf + s->len);
	s->len += hotline__envelope__pack(env, s->buf + s->len);
}

/* Writes s as DIR/kind/name. */
static void
seed_write(const struct seed *s, const char *kind, const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s/%s", outdir, kind, name);
	if ((f = fopen(path, "wb")) == NULL ||
	    fwrite(s->buf, 1, s->len, f) != s->len || fclose(f) != 0) {
		fprintf(stderr, "fuzz-seeds: cannot write %s\n", path);
		exit(1);
	}
}

/* Starts a dispatch seed: who is connected and the flags. */
static void
seed_start(struct seed *s, enum who who, unsigned flags)
{
	s->len = 0;
	s->buf[s->len++] = (uint8_t)who;
	s->buf[s->len++] = (uint8_t)flags;
}

/* Ends a dispatch seed with the store double's zero choices and writes it. */
static void
seed_finish(struct seed *s, const char *name)
{
	memset(s->buf + s->len, 0, STORE_BYTES);
	s->len += STORE_BYTES;
	seed_write(s, "dispatch", name);
}

#define SET(env, CASE, member, msg) do {				\
	(env)->body_case = HOTLINE__ENVELOPE__BODY_##CASE;		\
	(env)->member = &(msg);						\
} while (0)

/* The hello of principal id with its test token. */
static void
req_hello(Hotline__Envelope *e, const char *id, const char *token)
{
	static Hotline__Hello q = HOTLINE__HELLO__INIT;

	q.version = HOTLINE__PROTOCOL_VERSION__PROTOCOL_VERSION;
	q.principal = (char *)id;
	q.credential = (char *)token;
	q.client = "fuzz-seeds";
	SET(e, HELLO, hello, q);
}

/* ping */
static void
req_ping(Hotline__Envelope *e)
{
	static Hotline__Ping q = HOTLINE__PING__INIT;

	SET(e, PING, ping, q);
}

/* classify: a water cut in a district. */
static void
req_classify(Hotline__Envelope *e)
{
	static Hotline__ClassifyRequest q = HOTLINE__CLASSIFY_REQUEST__INIT;

	q.title = "小区停水";
	q.content = "鼓楼区某小区停水三天，水压低，物业不管。";
	q.district = "鼓楼区";
	SET(e, CLASSIFY, classify, q);
}

/* create: a complaint that the catalogue dispatches. */
static void
req_create(Hotline__Envelope *e)
{
	static Hotline__CreateRequest q = HOTLINE__CREATE_REQUEST__INIT;

	q.call_id = "call-0001";
	q.caller_phone = "13812345678";
	q.caller_name = "张三";
	q.district = "鼓楼区";
	q.street = "东街街道";
	q.address = "东街 1 号";
	q.title = "停水";
	q.content = "小区停水三天了，水压低。";
	q.type = HOTLINE__TICKET_TYPE__TICKET_TYPE_COMPLAINT;
	q.urgency = HOTLINE__URGENCY__URGENCY_NORMAL;
	q.channel = HOTLINE__CHANNEL__CHANNEL_PHONE;
	SET(e, CREATE, create, q);
}

/* create: a consultation answered at once (直接办结), confidential. */
static void
req_create_answered(Hotline__Envelope *e)
{
	static Hotline__CreateRequest q = HOTLINE__CREATE_REQUEST__INIT;

	q.call_id = "call-0002";
	q.caller_phone = "+86-591-1234567";
	q.confidential = 1;
	q.title = "社保查询";
	q.content = "咨詢社保卡補辦流程";
	q.type = HOTLINE__TICKET_TYPE__TICKET_TYPE_CONSULTATION;
	q.direct_answer = "携带身份证到社保中心办理。";
	SET(e, CREATE, create, q);
}

/* show */
static void
req_show(Hotline__Envelope *e)
{
	static Hotline__ShowRequest q = HOTLINE__SHOW_REQUEST__INIT;

	q.number = NUMBER;
	SET(e, SHOW, show, q);
}

/* caller: the caller's earlier tickets. */
static void
req_caller(Hotline__Envelope *e)
{
	static Hotline__CallerRequest q = HOTLINE__CALLER_REQUEST__INIT;

	q.caller_phone = "13812345678";
	q.limit = 5;
	SET(e, CALLER, caller, q);
}

/* callback: the citizen is satisfied. */
static void
req_callback(Hotline__Envelope *e)
{
	static Hotline__CallbackRequest q = HOTLINE__CALLBACK_REQUEST__INIT;

	q.number = NUMBER;
	q.result = HOTLINE__CALLBACK_RESULT__CALLBACK_RESULT_UNSATISFIED;
	q.comment = "问题没有解决";
	SET(e, CALLBACK, callback, q);
}

/* watch: from the start of the feed. */
static void
req_watch(Hotline__Envelope *e)
{
	static Hotline__WatchRequest q = HOTLINE__WATCH_REQUEST__INIT;

	q.cursor = "0";
	SET(e, WATCH, watch, q);
}

/* list: the department's open tickets. */
static void
req_list(Hotline__Envelope *e)
{
	static Hotline__ListRequest q = HOTLINE__LIST_REQUEST__INIT;

	q.limit = 10;
	SET(e, LIST, list, q);
}

/* triage: the queue. */
static void
req_triage(Hotline__Envelope *e)
{
	static Hotline__TriageListRequest q =
	    HOTLINE__TRIAGE_LIST_REQUEST__INIT;

	SET(e, TRIAGE, triage, q);
}

/* dispatch and redispatch: a lead and an assisting department. */
static void
req_dispatch(Hotline__Envelope *e, int again)
{
	static char *assists[] = { "cgj" };
	static Hotline__DispatchRequest q = HOTLINE__DISPATCH_REQUEST__INIT;

	q.number = NUMBER;
	q.lead_department = "water";
	q.n_assisting_departments = 1;
	q.assisting_departments = assists;
	q.note = "请供水公司主办";
	if (again)
		SET(e, REDISPATCH, redispatch, q);
	else
		SET(e, DISPATCH, dispatch, q);
}

/* dispatch */
static void
req_dispatch_first(Hotline__Envelope *e)
{
	req_dispatch(e, 0);
}

/* redispatch */
static void
req_redispatch(Hotline__Envelope *e)
{
	req_dispatch(e, 1);
}

/* decide_extension: approved. */
static void
req_decide_extension(Hotline__Envelope *e)
{
	static Hotline__ExtensionDecision q = HOTLINE__EXTENSION_DECISION__INIT;

	q.number = NUMBER;
	q.approve = 1;
	q.note = "同意";
	SET(e, DECIDE_EXTENSION, decide_extension, q);
}

/* review: sent back. */
static void
req_review(Hotline__Envelope *e)
{
	static Hotline__ReviewRequest q = HOTLINE__REVIEW_REQUEST__INIT;

	q.number = NUMBER;
	q.note = "回复不完整";
	SET(e, REVIEW, review, q);
}

/* merge into a master. */
static void
req_merge(Hotline__Envelope *e)
{
	static Hotline__MergeRequest q = HOTLINE__MERGE_REQUEST__INIT;

	q.number = NUMBER;
	q.master = "20261101000042";
	q.note = "同一诉求";
	SET(e, MERGE, merge, q);
}

/* invalidate */
static void
req_invalidate(Hotline__Envelope *e)
{
	static Hotline__InvalidateRequest q = HOTLINE__INVALIDATE_REQUEST__INIT;

	q.number = NUMBER;
	q.reason = "骚扰电话";
	SET(e, INVALIDATE, invalidate, q);
}

/* sign */
static void
req_sign(Hotline__Envelope *e)
{
	static Hotline__SignRequest q = HOTLINE__SIGN_REQUEST__INIT;

	q.number = NUMBER;
	q.note = "已签收";
	SET(e, SIGN, sign, q);
}

/* reply: solved. */
static void
req_reply(Hotline__Envelope *e)
{
	static Hotline__ReplyRequest q = HOTLINE__REPLY_REQUEST__INIT;

	q.number = NUMBER;
	q.result = "已恢复供水";
	q.solved = 1;
	SET(e, REPLY, reply, q);
}

/* return: not ours, with the rule that says so. */
static void
req_return(Hotline__Envelope *e)
{
	static Hotline__ReturnRequest q = HOTLINE__RETURN_REQUEST__INIT;

	q.number = NUMBER;
	q.reason = "不属于本单位职责";
	q.basis = "《供水条例》第十条";
	SET(e, RETURN_TICKET, return_ticket, q);
}

/* extend by five working days. */
static void
req_extend(Hotline__Envelope *e)
{
	static Hotline__ExtendRequest q = HOTLINE__EXTEND_REQUEST__INIT;

	q.number = NUMBER;
	q.extension = "5wd";
	q.reason = "需要协调";
	SET(e, EXTEND, extend, q);
}

/* suspend */
static void
req_suspend(Hotline__Envelope *e)
{
	static Hotline__SuspendRequest q = HOTLINE__SUSPEND_REQUEST__INIT;

	q.number = NUMBER;
	q.reason = "等待市民提供材料";
	SET(e, SUSPEND, suspend, q);
}

/* resume */
static void
req_resume(Hotline__Envelope *e)
{
	static Hotline__ResumeRequest q = HOTLINE__RESUME_REQUEST__INIT;

	q.number = NUMBER;
	q.note = "材料已到";
	SET(e, RESUME, resume, q);
}

/* note: progress. */
static void
req_note(Hotline__Envelope *e)
{
	static Hotline__NoteRequest q = HOTLINE__NOTE_REQUEST__INIT;

	q.number = NUMBER;
	q.text = "已派人现场查看";
	SET(e, NOTE, note, q);
}

/* answer_supervision */
static void
req_answer_supervision(Hotline__Envelope *e)
{
	static Hotline__SupervisionAnswer q = HOTLINE__SUPERVISION_ANSWER__INIT;

	q.number = NUMBER;
	q.text = "已整改";
	SET(e, ANSWER_SUPERVISION, answer_supervision, q);
}

/* urge */
static void
req_urge(Hotline__Envelope *e)
{
	static Hotline__UrgeRequest q = HOTLINE__URGE_REQUEST__INIT;

	q.number = NUMBER;
	q.text = "请加快办理";
	SET(e, URGE, urge, q);
}

/* supervise with a limit of its own. */
static void
req_supervise(Hotline__Envelope *e)
{
	static Hotline__SuperviseRequest q = HOTLINE__SUPERVISE_REQUEST__INIT;

	q.number = NUMBER;
	q.text = "督办：限期整改";
	q.limit = "2wd";
	SET(e, SUPERVISE, supervise, q);
}

/* exempt */
static void
req_exempt(Hotline__Envelope *e)
{
	static Hotline__ExemptRequest q = HOTLINE__EXEMPT_REQUEST__INIT;

	q.number = NUMBER;
	q.reason = "不可抗力";
	SET(e, EXEMPT, exempt, q);
}

/* deadline: five working days from before the national holiday. */
static void
req_deadline(Hotline__Envelope *e)
{
	static Hotline__DeadlineRequest q = HOTLINE__DEADLINE_REQUEST__INIT;

	q.from = 1790730000000LL;	/* 2026-09-30 09:00 +08:00 */
	q.limit = "5wd";
	SET(e, DEADLINE, deadline, q);
}

/* shift_clock by an hour. */
static void
req_shift_clock(Hotline__Envelope *e)
{
	static Hotline__ShiftClockRequest q =
	    HOTLINE__SHIFT_CLOCK_REQUEST__INIT;

	q.advance_ms = 3600000;
	SET(e, SHIFT_CLOCK, shift_clock, q);
}

/* reload the configuration, as SIGHUP does. */
static void
req_reload(Hotline__Envelope *e)
{
	static Hotline__ReloadRequest q = HOTLINE__RELOAD_REQUEST__INIT;

	SET(e, RELOAD, reload, q);
}

/* export_examples: the first page. */
static void
req_export(Hotline__Envelope *e)
{
	static Hotline__ExportExamplesRequest q =
	    HOTLINE__EXPORT_EXAMPLES_REQUEST__INIT;

	q.limit = 10;
	SET(e, EXPORT_EXAMPLES, export_examples, q);
}

/* import_examples: two labelled examples. */
static void
req_import(Hotline__Envelope *e)
{
	static Hotline__Example x1 = HOTLINE__EXAMPLE__INIT;
	static Hotline__Example x2 = HOTLINE__EXAMPLE__INIT;
	static Hotline__Example *xs[] = { &x1, &x2 };
	static Hotline__ImportExamplesRequest q =
	    HOTLINE__IMPORT_EXAMPLES_REQUEST__INIT;

	x1.label = "water";
	x1.text = "小区停水三天";
	x1.district = "鼓楼区";
	x2.label = "sthjj";
	x2.text = "工地夜间施工噪音";
	x2.kind = "import";
	q.n_examples = 2;
	q.examples = xs;
	SET(e, IMPORT_EXAMPLES, import_examples, q);
}

/* retrain */
static void
req_retrain(Hotline__Envelope *e)
{
	static Hotline__RetrainRequest q = HOTLINE__RETRAIN_REQUEST__INIT;

	SET(e, RETRAIN, retrain, q);
}

/* evaluate in three folds. */
static void
req_evaluate(Hotline__Envelope *e)
{
	static Hotline__EvaluateRequest q = HOTLINE__EVALUATE_REQUEST__INIT;

	q.folds = 3;
	SET(e, EVALUATE, evaluate, q);
}

/* Every request kind, its seed's name and a principal allowed to send it. */
static const struct {
	const char *name;
	void (*build)(Hotline__Envelope *);
	enum who who;
} requests[] = {
	{ "ping", req_ping, AGENT },
	{ "classify", req_classify, AGENT },
	{ "create", req_create, AGENT },
	{ "create-answered", req_create_answered, AGENT },
	{ "show", req_show, AGENT },
	{ "show-department", req_show, ZJJ },
	{ "caller", req_caller, AGENT },
	{ "callback", req_callback, AGENT },
	{ "watch-department", req_watch, ZJJ },
	{ "watch-centre", req_watch, DISPATCHER },
	{ "watch-supervision", req_watch, SUPERVISOR },
	{ "list", req_list, WATER },
	{ "triage", req_triage, DISPATCHER },
	{ "dispatch", req_dispatch_first, DISPATCHER },
	{ "redispatch", req_redispatch, DISPATCHER },
	{ "decide-extension", req_decide_extension, DISPATCHER },
	{ "review", req_review, DISPATCHER },
	{ "merge", req_merge, DISPATCHER },
	{ "invalidate", req_invalidate, DISPATCHER },
	{ "sign", req_sign, ZJJ },
	{ "reply", req_reply, ZJJ },
	{ "return", req_return, ZJJ },
	{ "extend", req_extend, ZJJ },
	{ "suspend", req_suspend, ZJJ },
	{ "resume", req_resume, ZJJ },
	{ "note", req_note, WATER },
	{ "answer-supervision", req_answer_supervision, ZJJ },
	{ "urge", req_urge, SUPERVISOR },
	{ "supervise", req_supervise, SUPERVISOR },
	{ "exempt", req_exempt, SUPERVISOR },
	{ "deadline", req_deadline, AGENT },
	{ "shift-clock", req_shift_clock, ADMIN },
	{ "reload", req_reload, ADMIN },
	{ "export-examples", req_export, DISPATCHER },
	{ "import-examples", req_import, ADMIN },
	{ "retrain", req_retrain, ADMIN },
	{ "evaluate", req_evaluate, ADMIN },
};
#define NREQUESTS (sizeof requests / sizeof requests[0])

/* Appends request i as a frame. */
static void
seed_request(struct seed *s, size_t i)
{
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT;

	requests[i].build(&env);
	seed_frame(s, &env);
}

/* Appends the hello of principal id. */
static void
seed_hello(struct seed *s, const char *id, const char *token)
{
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT;

	req_hello(&env, id, token);
	seed_frame(s, &env);
}

/* Returns the index of the request named name. */
static size_t
request_index(const char *name)
{
	size_t i;

	for (i = 0; i < NREQUESTS; i++)
		if (strcmp(requests[i].name, name) == 0)
			return i;
	fprintf(stderr, "fuzz-seeds: no request %s\n", name);
	exit(1);
}

/* One frame seed and one dispatch seed per request kind. */
static void
seeds_single(void)
{
	static struct seed s;
	size_t i;

	for (i = 0; i < NREQUESTS; i++) {
		s.len = 0;
		seed_request(&s, i);
		seed_write(&s, "frame", requests[i].name);
		seed_start(&s, requests[i].who, 0);
		seed_request(&s, i);
		seed_finish(&s, requests[i].name);
	}
}

/* Conversations: hellos, a woken watch, a slow terminal, a pipeline, all frames in one stream. */
static void
seeds_conversations(void)
{
	static const char *const pipeline[] = { "triage", "dispatch", "show",
	    "merge", "export-examples", "evaluate" };
	static const char *const reloading[] = { "evaluate", "reload",
	    "import-examples", "export-examples" };
	static struct seed s;
	size_t i;

	seed_start(&s, NOBODY, 0);
	seed_hello(&s, "agent01", "agent01-test");
	seed_request(&s, request_index("create"));
	seed_finish(&s, "hello-create");
	seed_start(&s, NOBODY, 0);
	seed_hello(&s, "agent01", "wrong");
	seed_request(&s, request_index("ping"));
	seed_finish(&s, "hello-refused");
	seed_start(&s, ZJJ, FLAG_WAKE | FLAG_ANSWER_EACH);
	seed_request(&s, request_index("watch-department"));
	seed_request(&s, request_index("sign"));
	seed_finish(&s, "watch-woken");
	seed_start(&s, SUPERVISOR, FLAG_SLOW | FLAG_WAKE);
	seed_request(&s, request_index("watch-supervision"));
	seed_request(&s, request_index("urge"));
	seed_finish(&s, "watch-slow");
	seed_start(&s, DISPATCHER, 0);
	for (i = 0; i < sizeof pipeline / sizeof pipeline[0]; i++)
		seed_request(&s, request_index(pipeline[i]));
	seed_finish(&s, "pipeline");
	seed_start(&s, ADMIN, 0);
	for (i = 0; i < sizeof reloading / sizeof reloading[0]; i++)
		seed_request(&s, request_index(reloading[i]));
	seed_finish(&s, "reload-during-evaluate");
	seed_start(&s, AGENT, FLAG_SIGHUP);
	seed_request(&s, request_index("create"));
	seed_request(&s, request_index("classify"));
	seed_finish(&s, "sighup-during-create");
	s.len = 0;
	seed_hello(&s, "agent01", "agent01-test");
	for (i = 0; i < NREQUESTS; i++)
		seed_request(&s, i);
	seed_write(&s, "frame", "stream");
}

/* Writes every seed under the directory given. */
int
main(int argc, char *argv[])
{
	if (argc != 2) {
		fprintf(stderr, "usage: fuzz-seeds DIR\n");
		return 2;
	}
	outdir = argv[1];
	seeds_single();
	seeds_conversations();
	return 0;
}
