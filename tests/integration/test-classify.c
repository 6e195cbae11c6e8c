/* Integration tests of classification: emergencies, learning from dispatchers, examples, repeats, hot spots, reloads. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define WAIT_MS 8000		/* for the model to catch up, an event to come */
#define LOAD_ROUNDS 5		/* reload under load: SIGHUPs ... */
#define LOAD_BATCH 40		/* ... each among this many pipelined creates */
#define CORRECTIONS 4		/* dispatcher corrections that teach the model */

static struct harness h;
static struct hl_client *agent, *disp, *admin;
/* Who else acts, logged in by setup. */
static const char *const actor_names[] = { "dispatcher01", "admin01" };
static struct hl_client **const actors[] = { &disp, &admin };

/* The daemon under test learns (the test template routes by the catalogue alone) and watches for hot spots. */
#define LEARNING "model = true; };\n" \
	"hot_spots = { count = 3; window_minutes = 10; };\n"

/* Starts the servers with learning and hot spots on, and logs in the actors. */
static int
setup(void **state)
{
	const struct harness_edit edit = { "model = false; };", LEARNING };

	(void)state;
	if (harness_group_start_edited(&h, &edit, 1, "agent01", &agent) == -1)
		return -1;
	return harness_login_each(&h, agent, actor_names, actors, 2);
}

/* Closes the actors and stops the servers. */
static int
teardown(void **state)
{
	(void)state;
	return harness_group_stop_each(&h, agent, actors, 2);
}

/* Classifies a text in district and returns the CLASSIFIED answer. */
static Hotline__Envelope *
classify(const char *title, const char *content, const char *district)
{
	return harness_classify(agent, title, content, district);
}

/* Creates a ticket from req (a fresh call id each time); asserts an answer. */
static Hotline__Envelope *
create_req(Hotline__CreateRequest *req)
{
	Hotline__Envelope *rep;
	struct hl_error err;

	rep = harness_call(agent, BODY(CREATE), req, &err);
	assert_reply(rep, err);
	assert_int_equal(rep->body_case, BODY(CREATED));
	assert_false(rep->created->duplicate);
	return rep;
}

/* Creates a ticket with this phone and district. */
static Hotline__Envelope *
create_at(const char *title, const char *content, const char *phone,
    const char *district)
{
	Hotline__CreateRequest req;
	char call_id[64], ph[32];

	harness_create_init(&req, call_id, sizeof call_id,
	    phone != NULL ? phone : harness_phone(ph, sizeof ph), title,
	    content);
	req.district = (char *)district;
	return create_req(&req);
}

/* Dispatches number from triage to dept as dispatcher01. */
static void
dispatch(const char *number, const char *dept)
{
	Hotline__DispatchRequest req = HOTLINE__DISPATCH_REQUEST__INIT;
	Hotline__Envelope *rep;
	struct hl_error err;

	req.number = (char *)number;
	req.lead_department = (char *)dept;
	rep = harness_call(disp, BODY(DISPATCH), &req, &err);
	assert_reply(rep, err);
	assert_int_equal(rep->ticket->ticket->state, STATE(DISPATCHED));
	hl_envelope_free(rep);
}

/* Asserts an emergency of kind to transfer_to, matched as reported. */
static void
assert_emergency(const Hotline__Routing *r, const char *kind,
    const char *transfer_to)
{
	assert_non_null(r->emergency);
	assert_string_equal(r->emergency->kind, kind);
	assert_string_equal(r->emergency->transfer_to, transfer_to);
	assert_true(r->emergency->n_matched >= 1);
	assert_false(r->auto_dispatch);
}

/* Classify flags emergencies with the number to call and the words that matched. */
static void
test_classify_emergency(void **state)
{
	Hotline__Envelope *rep;
	const Hotline__Routing *r;

	(void)state;
	rep = classify("家里着火了", "厨房着火了，烟很大，快来人。", "鼓楼区");
	r = rep->classified->routing;
	assert_emergency(r, "fire", "119");
	assert_string_equal(r->emergency->name, "火警");
	assert_string_equal(r->emergency->matched[0], "火警 119");	/* a pattern */
	hl_envelope_free(rep);

	rep = classify("车祸", "路口发生车祸，有两个人受伤倒在地上。", "");
	assert_emergency(rep->classified->routing, "traffic", "122");
	hl_envelope_free(rep);

	/* A water heater that will not light is no fire; a hazard is no fire. */
	rep = classify("停水", "停水了，热水器也打不着火。", "鼓楼区");
	r = rep->classified->routing;
	assert_null(r->emergency);
	assert_true(r->auto_dispatch);
	hl_envelope_free(rep);
	rep = classify("楼道堆物", "楼道堆满杂物，有火灾隐患。", "鼓楼区");
	assert_null(rep->classified->routing->emergency);
	hl_envelope_free(rep);
}

/* Returns the next event of c within ms that is not of kind skip (0: none), or NULL. */
static Hotline__Envelope *
next_event(struct hl_client *c, int ms)
{
	return harness_event(c, ms);
}

/*
 * An emergency is transferred, never dispatched: even with a catalogue
 * keyword strong enough to auto-dispatch, no department and no triage
 * queue hears of it, and nobody can dispatch it afterwards.
 */
static void
test_create_emergency_never_dispatched(void **state)
{
	Hotline__DispatchRequest dq = HOTLINE__DISPATCH_REQUEST__INIT;
	struct hl_client *water, *centre;
	Hotline__Envelope *rep, *ev;
	const Hotline__Ticket *t;
	struct hl_error err;
	char number[32];

	(void)state;
	water = harness_login(&h, "water-01");
	centre = harness_login(&h, "dispatcher01");
	assert_non_null(water);
	assert_non_null(centre);
	hl_envelope_free(harness_watch(water, "", &err));
	hl_envelope_free(harness_watch(centre, "", &err));

	rep = create_at("停水又抢劫", "小区停水，刚才还有人在楼下抢劫，有人持刀。",
	    NULL, "鼓楼区");
	t = rep->created->ticket;
	snprintf(number, sizeof number, "%s", t->number);
	assert_int_equal(t->state, STATE(TRANSFERRED));
	assert_null(t->lead_department);
	assert_string_equal(t->transfer_to, "110");
	assert_string_equal(t->emergency_kind, "crime");
	assert_emergency(rep->created->routing, "crime", "110");
	hl_envelope_free(rep);

	/* Nobody is told to handle it: not the department, not triage. */
	ev = next_event(water, 500);
	assert_null(ev);
	ev = next_event(centre, 0);
	assert_null(ev);

	/* And nobody can route it later: the state is final. */
	dq.number = number;
	dq.lead_department = "water";
	rep = harness_call(disp, BODY(DISPATCH), &dq, &err);
	assert_error(rep, err, ERR(CONFLICT));
	assert_int_equal(err.state, STATE(TRANSFERRED));
	rep = harness_call(disp, BODY(REDISPATCH), &dq, &err);
	assert_error(rep, err, ERR(CONFLICT));
	rep = harness_show(agent, number, &err);
	assert_reply(rep, err);
	assert_int_equal(rep->ticket->ticket->state, STATE(TRANSFERRED));
	assert_int_equal(rep->ticket->ticket->n_history, 2);
	assert_string_equal(rep->ticket->ticket->history[1]->action, "transfer");
	hl_envelope_free(rep);
	hl_close(water);
	hl_close(centre);
}

/* Every kind of emergency of the test city is transferred to its number. */
static void
test_create_emergency_kinds(void **state)
{
	static const struct {
		const char *content, *kind, *to;
	} cases[] = {
		{ "仓库着火了，火很大。", "fire", "119" },
		{ "一位老人在公交站晕倒了，叫不醒。", "medical", "120" },
		{ "门口车祸，司机受伤了。", "traffic", "122" },
		{ "有人持刀在街上。", "crime", "110" },
		{ "楼道里很浓的煤气味，邻居家燃气泄漏了。", "gas_leak",
		    "96777" },
	};
	Hotline__Envelope *rep;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		rep = create_at("紧急情况", cases[i].content, NULL, "鼓楼区");
		assert_int_equal(rep->created->ticket->state,
		    STATE(TRANSFERRED));
		assert_string_equal(rep->created->ticket->emergency_kind,
		    cases[i].kind);
		assert_string_equal(rep->created->ticket->transfer_to,
		    cases[i].to);
		assert_null(rep->created->ticket->lead_department);
		hl_envelope_free(rep);
	}
}

/* The agent may dismiss a flagged emergency: the ticket is then routed as usual. */
static void
test_create_emergency_dismissed(void **state)
{
	Hotline__CreateRequest req;
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	struct hl_error err;
	char call_id[64], phone[32], number[32];

	(void)state;
	harness_create_init(&req, call_id, sizeof call_id,
	    harness_phone(phone, sizeof phone), "邻居家着火了吗",
	    "邻居说家里着火了，是烧烤冒的烟，没事。小区又停水了。");
	req.emergency_dismissed = 1;
	req.emergency_dismissed_reason = "烧烤冒烟，不是火情";
	rep = create_req(&req);
	t = rep->created->ticket;
	assert_int_equal(t->state, STATE(DISPATCHED));
	assert_string_equal(t->lead_department->id, "water");
	assert_true(t->emergency_dismissed);
	assert_string_equal(t->emergency_kind, "fire");
	assert_string_equal(t->transfer_to, "");
	assert_non_null(rep->created->routing->emergency);
	snprintf(number, sizeof number, "%s", t->number);
	hl_envelope_free(rep);
	rep = harness_show(agent, number, &err);
	assert_reply(rep, err);
	assert_string_equal(rep->ticket->ticket->history[1]->action, "dispatch");
	assert_non_null(strstr(rep->ticket->ticket->history[1]->note,
	    "话务员已解除紧急标记"));
	assert_non_null(strstr(rep->ticket->ticket->history[1]->note,
	    "烧烤冒烟，不是火情"));
	hl_envelope_free(rep);
	req.emergency_dismissed = 0;	/* a reason alone is refused */
	req.call_id = "dismiss-reason-alone";
	rep = harness_call(agent, BODY(CREATE), &req, &err);
	assert_error(rep, err, ERR(BAD_REQUEST));
	assert_string_equal(err.field, "emergency_dismissed_reason");
}

/*
 * Past events, drills and complaints about how an emergency was handled
 * are not emergencies: the demand is the complaint.
 */
static void
test_past_not_emergency(void **state)
{
	static const char *const texts[] = {
		"上次火警演练的时候楼道里全是杂物，物业不管。",
		"去年小区车祸有人受伤，路口到现在还没有红绿灯。",
		"之前家里煤气泄漏，燃气公司来修过，现在收费不合理。",
	};
	Hotline__Envelope *rep;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		rep = classify("投诉", texts[i], "鼓楼区");
		if (rep->classified->routing->emergency != NULL)
			fail_msg("\"%s\" flagged as %s", texts[i],
			    rep->classified->routing->emergency->kind);
		hl_envelope_free(rep);
	}
}

/* Classifies until the model has at least n examples; returns that answer. */
static Hotline__Envelope *
classify_learned(const char *title, const char *content, uint64_t n)
{
	int64_t end = harness_now_ms() + WAIT_MS;
	Hotline__Envelope *rep;

	for (;;) {
		rep = classify(title, content, "鼓楼区");
		if (rep->classified->routing->model_examples >= n)
			return rep;
		hl_envelope_free(rep);
		if (harness_now_ms() > end)
			fail_msg("the model did not reach %llu examples",
			    (unsigned long long)n);
		harness_sleep_ms(50);
	}
}

/*
 * A demand the catalogue does not know (shared bikes) goes to triage with
 * no suggestion; after a few dispatcher corrections the next similar
 * ticket ranks the department they chose first, from the model alone.
 */
static void
test_learning_from_corrections(void **state)
{
	static const char *const texts[CORRECTIONS] = {
		"小区门口共享单车乱停乱放，把人行道全堵死了。",
		"地铁站出口的共享单车堆成山，行人没法走路。",
		"共享单车占满了盲道，盲人出行很危险。",
		"楼下共享单车越堆越多，没人来清理。",
	};
	Hotline__Envelope *rep;
	const Hotline__Routing *r;
	uint64_t before;
	int i;

	(void)state;
	rep = classify("共享单车乱停", "单车堆在路口，没法通行。", "鼓楼区");
	r = rep->classified->routing;
	before = r->model_examples;
	assert_true(r->n_suggestions == 0 ||
	    strcmp(r->suggestions[0]->department->id, "cgj") != 0 ||
	    r->suggestions[0]->model_probability < 0.5);
	assert_false(r->auto_dispatch);
	hl_envelope_free(rep);

	for (i = 0; i < CORRECTIONS; i++) {
		rep = harness_create(agent, "共享单车乱停", texts[i]);
		assert_int_equal(rep->created->ticket->state, STATE(TRIAGE));
		dispatch(rep->created->ticket->number, "cgj");
		hl_envelope_free(rep);
	}
	rep = classify_learned("共享单车乱停", "单车堆在路口，没法通行。",
	    before + CORRECTIONS);
	r = rep->classified->routing;
	assert_true(r->n_suggestions >= 1);
	assert_string_equal(r->suggestions[0]->department->id, "cgj");
	assert_true(r->suggestions[0]->model_probability > 0.5);
	assert_true(r->suggestions[0]->confidence > 0);
	assert_true(r->catalogue_confidence == 0);
	assert_false(r->auto_dispatch);	/* not calibrated yet: the catalogue's */
	hl_envelope_free(rep);
}

/* Exports every example as principal c; returns the pages' examples in order. */
static Hotline__Example **
export_all(struct hl_client *c, size_t *n, Hotline__Envelope ***pages,
    size_t *npages)
{
	Hotline__ExportExamplesRequest req = HOTLINE__EXPORT_EXAMPLES_REQUEST__INIT;
	Hotline__Example **all = NULL;
	Hotline__Envelope *rep;
	struct hl_error err;
	char cursor[64] = "";
	size_t i;

	*n = 0;
	*npages = 0;
	*pages = NULL;
	for (;;) {
		req.cursor = cursor;
		req.limit = 2;		/* several pages */
		rep = harness_call(c, BODY(EXPORT_EXAMPLES), &req, &err);
		assert_reply(rep, err);
		assert_int_equal(rep->body_case, BODY(EXAMPLES));
		*pages = realloc(*pages, (*npages + 1) * sizeof **pages);
		(*pages)[(*npages)++] = rep;
		all = realloc(all, (*n + rep->examples->n_examples + 1) *
		    sizeof *all);
		for (i = 0; i < rep->examples->n_examples; i++)
			all[(*n)++] = rep->examples->examples[i];
		snprintf(cursor, sizeof cursor, "%s", rep->examples->cursor);
		if (rep->examples->done)
			return all;
	}
}

/* Frees what export_all returned. */
static void
export_free(Hotline__Example **all, Hotline__Envelope **pages, size_t npages)
{
	size_t i;

	for (i = 0; i < npages; i++)
		hl_envelope_free(pages[i]);
	free(pages);
	free(all);
}

/*
 * Export, then import with replace: the same examples come back (new ids),
 * every daemon retrains from them, and the learned routing holds.
 */
static void
test_examples_round_trip(void **state)
{
	Hotline__ImportExamplesRequest iq = HOTLINE__IMPORT_EXAMPLES_REQUEST__INIT;
	Hotline__Envelope **pages, **pages2, *rep;
	Hotline__Example **all, **again;
	size_t n, n2, np, np2, i;
	struct hl_error err;

	(void)state;
	all = export_all(disp, &n, &pages, &np);
	assert_true(n >= CORRECTIONS);
	assert_true(np >= 2);
	for (i = 0; i < n; i++)
		if (strcmp(all[i]->kind, "dispatch") == 0)
			break;
	assert_true(i < n);
	assert_string_equal(all[i]->label, "cgj");
	assert_string_equal(all[i]->who, "dispatcher01");
	assert_string_equal(all[i]->district, "鼓楼区");
	assert_true(strlen(all[i]->ticket) >= 14);
	/* the model's text of the ticket (title, newline, content), made when routed */
	assert_true(strncmp(all[i]->text, "共享单车乱停\n", strlen("共享单车乱停\n")) == 0);
	assert_non_null(strstr(all[i]->text, "共享单车"));

	iq.examples = all;
	iq.n_examples = n;
	iq.replace = 1;
	rep = harness_call(admin, BODY(IMPORT_EXAMPLES), &iq, &err);
	assert_reply(rep, err);
	assert_int_equal(rep->imported->imported, n);
	assert_int_equal(rep->imported->total, n);
	hl_envelope_free(rep);

	again = export_all(admin, &n2, &pages2, &np2);
	assert_int_equal(n2, n);
	for (i = 0; i < n; i++) {
		assert_string_equal(again[i]->label, all[i]->label);
		assert_string_equal(again[i]->text, all[i]->text);
		assert_string_equal(again[i]->district, all[i]->district);
		assert_string_equal(again[i]->who, all[i]->who);
		assert_string_equal(again[i]->ticket, all[i]->ticket);
		assert_string_equal(again[i]->kind, all[i]->kind);
	}
	export_free(again, pages2, np2);
	export_free(all, pages, np);

	rep = classify_learned("共享单车", "共享单车堆满人行道。", n);
	assert_string_equal(
	    rep->classified->routing->suggestions[0]->department->id, "cgj");
	hl_envelope_free(rep);
}

/* Import checks labels and roles; export is not for departments. */
static void
test_examples_refused(void **state)
{
	Hotline__ImportExamplesRequest iq = HOTLINE__IMPORT_EXAMPLES_REQUEST__INIT;
	Hotline__ExportExamplesRequest eq = HOTLINE__EXPORT_EXAMPLES_REQUEST__INIT;
	Hotline__Example x = HOTLINE__EXAMPLE__INIT, *xs[1] = { &x };
	struct hl_client *dept;
	Hotline__Envelope *rep;
	struct hl_error err;

	(void)state;
	x.label = "nobody";
	x.text = "随便什么";
	iq.examples = xs;
	iq.n_examples = 1;
	rep = harness_call(admin, BODY(IMPORT_EXAMPLES), &iq, &err);
	assert_error(rep, err, ERR(BAD_REQUEST));
	assert_string_equal(err.field, "label");
	x.label = "cgj";
	x.text = "，。！";
	rep = harness_call(admin, BODY(IMPORT_EXAMPLES), &iq, &err);
	assert_error(rep, err, ERR(BAD_REQUEST));
	assert_string_equal(err.field, "text");
	rep = harness_call(disp, BODY(IMPORT_EXAMPLES), &iq, &err);
	assert_error(rep, err, ERR(FORBIDDEN));
	eq.cursor = "not-a-cursor";
	rep = harness_call(disp, BODY(EXPORT_EXAMPLES), &eq, &err);
	assert_error(rep, err, ERR(BAD_REQUEST));
	dept = harness_login(&h, "water-01");
	assert_non_null(dept);
	eq.cursor = "";
	rep = harness_call(dept, BODY(EXPORT_EXAMPLES), &eq, &err);
	assert_error(rep, err, ERR(FORBIDDEN));
	hl_close(dept);
}

/*
 * Retrain makes every daemon train again from the stored examples;
 * evaluate reports what the model in use measured by cross-validation
 * (with fewer than 30 real examples nothing is held out: the defaults).
 */
static void
test_retrain_and_evaluate(void **state)
{
	Hotline__RetrainRequest rq = HOTLINE__RETRAIN_REQUEST__INIT;
	Hotline__EvaluateRequest eq = HOTLINE__EVALUATE_REQUEST__INIT;
	const Hotline__EvaluateReply *e;
	Hotline__Envelope *rep;
	struct hl_error err;
	uint64_t n;

	(void)state;
	rep = harness_call(disp, BODY(RETRAIN), &rq, &err);
	assert_reply(rep, err);
	n = rep->retrained->examples;
	assert_true(n >= CORRECTIONS);
	hl_envelope_free(rep);
	hl_envelope_free(classify_learned("共享单车", "单车乱停", n));

	eq.folds = 2;
	rep = harness_call(disp, BODY(EVALUATE), &eq, &err);
	assert_reply(rep, err);
	e = rep->evaluation;
	assert_int_equal(e->folds, 5);
	assert_int_equal(e->trained_examples, n);
	assert_true(e->precision_target == 0.97);
	assert_int_equal(e->blend->examples, 0);	/* n < 30 */
	assert_true(e->dispatch_threshold == 0.6);	/* not calibrated: the catalogue's */
	assert_int_equal(e->blend->triage + e->blend->dispatched,
	    e->blend->examples);
	hl_envelope_free(rep);

	eq.folds = 1;
	rep = harness_call(disp, BODY(EVALUATE), &eq, &err);
	assert_error(rep, err, ERR(BAD_REQUEST));
}

/* The same caller again within the window: linked to the earlier ticket. */
static void
test_repeat_same_caller(void **state)
{
	Hotline__Envelope *first, *second;
	const Hotline__Ticket *t;
	char phone[32];

	(void)state;
	harness_phone(phone, sizeof phone);
	first = create_at("路灯不亮", "门口路灯坏了。", phone, "台江区");
	assert_string_equal(first->created->ticket->repeat_of, "");
	assert_null(first->created->repeat);
	second = create_at("还是路灯", "上次说的路灯还没修。", phone, "台江区");
	t = second->created->ticket;
	assert_string_equal(t->repeat_of, first->created->ticket->number);
	assert_int_equal(t->repeat_reason,
	    HOTLINE__REPEAT_REASON__REPEAT_REASON_SAME_CALLER);
	assert_non_null(second->created->repeat);
	assert_string_equal(second->created->repeat->number,
	    first->created->ticket->number);
	assert_string_equal(second->created->repeat->title, "路灯不亮");
	hl_envelope_free(first);
	hl_envelope_free(second);
}

/* Another caller, the same district, nearly the same words: a likely repeat; elsewhere, none. */
static void
test_repeat_similar_text(void **state)
{
	Hotline__Envelope *first, *second, *other;
	const Hotline__Ticket *t;

	(void)state;
	first = create_at("金山大道积水",
	    "金山大道和浦上大道交叉口下雨后积水很深，电动车过不去，已经好几天了。",
	    NULL, "仓山区");
	second = create_at("金山大道积水",
	    "金山大道和浦上大道交叉口下雨后积水很深，电动车过不去，已经好几天了，请尽快处理。",
	    NULL, "仓山区");
	t = second->created->ticket;
	assert_string_equal(t->repeat_of, first->created->ticket->number);
	assert_int_equal(t->repeat_reason,
	    HOTLINE__REPEAT_REASON__REPEAT_REASON_SIMILAR_TEXT);
	assert_non_null(second->created->repeat);
	other = create_at("金山大道积水",
	    "金山大道和浦上大道交叉口下雨后积水很深，电动车过不去，已经好几天了。",
	    NULL, "晋安区");
	assert_string_equal(other->created->ticket->repeat_of, "");
	hl_envelope_free(first);
	hl_envelope_free(second);
	hl_envelope_free(other);
}

/* A repeat of a merged ticket (并单) is linked to its master. */
static void
test_repeat_of_merged(void **state)
{
	Hotline__MergeRequest mq = HOTLINE__MERGE_REQUEST__INIT;
	Hotline__Envelope *master, *merged, *again, *rep;
	struct hl_error err;
	char phone[32];

	(void)state;
	harness_phone(phone, sizeof phone);
	master = create_at("漏水", "楼上漏水到我家。", NULL, "台江区");
	merged = create_at("又漏水", "楼上又在漏水，墙都湿了。", phone, "台江区");
	mq.number = merged->created->ticket->number;
	mq.master = master->created->ticket->number;
	rep = harness_call(disp, BODY(MERGE), &mq, &err);
	assert_reply(rep, err);
	assert_int_equal(rep->ticket->ticket->state, STATE(MERGED));
	hl_envelope_free(rep);
	again = create_at("还是漏水", "漏水还没人管。", phone, "台江区");
	assert_string_equal(again->created->ticket->repeat_of,
	    master->created->ticket->number);
	assert_string_equal(again->created->repeat->number,
	    master->created->ticket->number);
	hl_envelope_free(master);
	hl_envelope_free(merged);
	hl_envelope_free(again);
}

/* Waits for a hot-spot event about place on c; NULL after WAIT_MS. */
static Hotline__Envelope *
hot_spot_event(struct hl_client *c, const char *place, int ms)
{
	int64_t end = harness_now_ms() + ms;
	Hotline__Envelope *ev;

	while (harness_now_ms() < end) {
		ev = harness_event(c, (int)(end - harness_now_ms()));
		if (ev == NULL)
			return NULL;
		if (ev->event->kind == KIND(HOT_SPOT) &&
		    strstr(ev->event->place, place) != NULL)
			return ev;
		hl_envelope_free(ev);
	}
	return NULL;
}

/* Three noise complaints in 马尾区 within the window: one alert with their numbers, not two. */
static void
test_hot_spot(void **state)
{
	struct hl_client *sup = harness_login(&h, "supervisor01");
	Hotline__Envelope *made[4], *ev;
	struct hl_error err;
	size_t i, k;

	(void)state;
	assert_non_null(sup);
	hl_envelope_free(harness_watch(sup, "", &err));
	for (i = 0; i < 4; i++)
		made[i] = create_at("噪音扰民",
		    i % 2 ? "楼下饭店排风机噪音很大，晚上睡不着。" :
		    "广场上每天晚上跳舞的音响噪声太大。", NULL, "马尾区");
	ev = hot_spot_event(sup, "马尾区", WAIT_MS);
	assert_non_null(ev);
	assert_int_equal(ev->event->count, 3);
	assert_int_equal(ev->event->n_numbers, 3);
	assert_string_equal(ev->event->number, made[2]->created->ticket->number);
	/* The category's code (what the statistics count by), and its names. */
	assert_non_null(strstr(ev->event->place, "040101 生态环境/噪声污染/其他噪声"));
	for (i = 0; i < 3; i++) {
		for (k = 0; k < ev->event->n_numbers; k++)
			if (strcmp(ev->event->numbers[k],
			    made[i]->created->ticket->number) == 0)
				break;
		assert_true(k < ev->event->n_numbers);
	}
	assert_string_equal(ev->event->actor, "hotlined");
	hl_envelope_free(ev);
	/* The fourth of the burst raises no second alert within the window. */
	assert_null(hot_spot_event(sup, "马尾区", 500));
	for (i = 0; i < 4; i++)
		hl_envelope_free(made[i]);
	hl_close(sup);
}

/* Three nearly identical tickets no department claims: one similar-text alert. */
static void
test_hot_spot_similar_text(void **state)
{
	static const char *const texts[3] = {
		"小区门口的快递柜坏了三天了，屏幕一直黑着，取不出快递。",
		"小区门口的快递柜坏了三天了，屏幕一直黑着，取不出快递，很着急。",
		"小区门口快递柜坏了三天了，屏幕一直黑着，取不出快递。",
	};
	struct hl_client *sup = harness_login(&h, "supervisor01");
	Hotline__Envelope *made[3], *ev;
	struct hl_error err;
	size_t i;

	(void)state;
	assert_non_null(sup);
	hl_envelope_free(harness_watch(sup, "", &err));
	for (i = 0; i < 3; i++)
		made[i] = create_at("快递柜坏了", texts[i], NULL, "闽侯县");
	ev = hot_spot_event(sup, "闽侯县", WAIT_MS);
	assert_non_null(ev);
	assert_string_equal(ev->event->place, "闽侯县 相似诉求");
	assert_int_equal(ev->event->count, 3);
	assert_int_equal(ev->event->n_numbers, 3);
	assert_string_equal(ev->event->numbers[0],
	    made[2]->created->ticket->number);
	hl_envelope_free(ev);
	for (i = 0; i < 3; i++)
		hl_envelope_free(made[i]);
	hl_close(sup);
}

/* Writes the test catalogue with one bad pattern to path. */
static void
write_bad_catalogue(const char *path)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs("entries = (\n"
	    "  { keywords = [\"停水\"]; department = \"water\"; weight = 5.0; },\n"
	    "  { patterns = [\"(未闭合\"]; department = \"zjj\"; }\n"
	    ");\n", f);
	assert_int_equal(fclose(f), 0);
}

/* Returns 1 if d's log contains text. */
static int
log_has(const struct harness_daemon *d, const char *text)
{
	return harness_file_has(d->log, text);
}

/* A catalogue with a bad pattern is refused on SIGHUP, naming the entry; the old one serves on. */
static void
test_bad_pattern_keeps_serving(void **state)
{
	char bad[HARNESS_PATH + 32], to[HARNESS_PATH + 64];
	Hotline__Envelope *rep;
	int64_t end;

	(void)state;
	snprintf(bad, sizeof bad, "%s/bad-catalogue.conf", h.dir);
	write_bad_catalogue(bad);
	/* The rest of the line, the test catalogue's path, becomes a comment. */
	snprintf(to, sizeof to, "catalogue = \"%s\"; #", bad);
	assert_int_equal(harness_edit_config(&h.main, "catalogue = \"", to), 0);
	assert_int_equal(kill(h.main.pid, SIGHUP), 0);
	end = harness_now_ms() + WAIT_MS;
	while (!log_has(&h.main, "entry 1: pattern \"(未闭合\": hyperscan:") &&
	    harness_now_ms() < end)
		harness_sleep_ms(50);
	if (!log_has(&h.main, "entry 1: pattern \"(未闭合\": hyperscan:")) {
		harness_print_log(&h.main);
		fail_msg("the bad pattern was not reported");
	}
	harness_assert_serving(&h);
	/* The old catalogue, emergencies included, still routes. */
	rep = classify("着火", "楼下着火了。", "鼓楼区");
	assert_emergency(rep->classified->routing, "fire", "119");
	hl_envelope_free(rep);
}

/*
 * SIGHUP several times while creates stream in, pipelined: every request
 * is answered, each with its own id, and none with an error.
 */
static void
test_reload_under_load(void **state)
{
	Hotline__CreateRequest req[LOAD_BATCH];
	char call_id[LOAD_BATCH][64], phone[LOAD_BATCH][32];
	Hotline__Envelope *f;
	struct hl_client *c = harness_login(&h, "agent02");
	struct hl_error err;
	int round, i, got, sent;

	(void)state;
	assert_non_null(c);
	for (round = 0; round < LOAD_ROUNDS; round++) {
		for (i = 0; i < LOAD_BATCH; i++) {
			harness_create_init(&req[i], call_id[i],
			    sizeof call_id[i], harness_phone(phone[i],
			    sizeof phone[i]), "小区停水", "小区从早上开始停水。");
			assert_int_equal(harness_send(c, (uint64_t)(round *
			    LOAD_BATCH + i + 1), BODY(CREATE), &req[i]), 0);
			if (i == LOAD_BATCH / 2)
				assert_int_equal(kill(h.main.pid, SIGHUP), 0);
		}
		sent = LOAD_BATCH;
		for (got = 0; got < sent; got++) {
			f = NULL;
			assert_int_equal(hl_recv(c, HARNESS_CALL_MS, &f, &err),
			    1);
			assert_int_equal(f->id, (uint64_t)(round * LOAD_BATCH +
			    got + 1));
			if (f->body_case != BODY(CREATED))
				fail_msg("request %llu: got %s: %s",
				    (unsigned long long)f->id,
				    hl_body_name(f->body_case),
				    f->body_case == BODY(ERROR) ?
				    f->error->message : "");
			hl_envelope_free(f);
		}
	}
	hl_close(c);
	harness_assert_serving(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify_emergency),
		cmocka_unit_test(test_create_emergency_never_dispatched),
		cmocka_unit_test(test_create_emergency_kinds),
		cmocka_unit_test(test_create_emergency_dismissed),
		cmocka_unit_test(test_past_not_emergency),
		cmocka_unit_test(test_learning_from_corrections),
		cmocka_unit_test(test_examples_round_trip),
		cmocka_unit_test(test_examples_refused),
		cmocka_unit_test(test_retrain_and_evaluate),
		cmocka_unit_test(test_repeat_same_caller),
		cmocka_unit_test(test_repeat_similar_text),
		cmocka_unit_test(test_repeat_of_merged),
		cmocka_unit_test(test_hot_spot),
		cmocka_unit_test(test_hot_spot_similar_text),
		cmocka_unit_test(test_reload_under_load),
		cmocka_unit_test(test_bad_pattern_keeps_serving),
	};

	harness_filter();
	return cmocka_run_group_tests_name("classify", tests, setup, teardown);
}
