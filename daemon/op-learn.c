/* The learned model's examples (学习样本): export, import, retrain, and cross-validation over them. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "hotlined.h"
#include "nbayes.h"

#define EXPORT_LIMIT_DEFAULT 200
#define EXPORT_LIMIT_MAX 1000
#define EXPORT_PAGE_BYTES (1024 * 1024)	/* a page stops growing past this */
#define IMPORT_MAX 1000			/* examples per request */
#define IMPORT_FIELD_MAX 128		/* characters of who, ticket, kind, district */
#define EVALUATE_FOLDS 5
#define EVALUATE_FOLDS_MAX 20
#define EVALUATE_BATCH 32		/* examples per read (and per loop turn) */
#define EVALUATE_TOP 3

/* Adds nb_read.lua's keys and arguments: after cursor, at most limit. */
static void
examples_read_args(struct store_args *a, const char *cursor, unsigned limit)
{
	store_args_add(a, LEARN_STREAM);
	store_args_add(a, LEARN_GENERATION);
	store_args_add(a, cursor[0] == '\0' ? "0" : cursor);
	store_args_addf(a, "%u", limit);
}

/* Returns nb_read.lua's entries {id, label, text, ...}, or NULL if reply is not its shape. */
static const redisReply *
examples_entries(const redisReply *reply)
{
	const redisReply *entries;
	size_t i, k;

	if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
	    reply->element[0]->type != REDIS_REPLY_STRING ||
	    reply->element[1]->type != REDIS_REPLY_ARRAY)
		return NULL;
	entries = reply->element[1];
	for (i = 0; i < entries->elements; i++) {
		if (entries->element[i]->type != REDIS_REPLY_ARRAY ||
		    entries->element[i]->elements != 7)
			return NULL;
		for (k = 0; k < 7; k++)
			if (entries->element[i]->element[k]->type !=
			    REDIS_REPLY_STRING)
				return NULL;
	}
	return entries;
}

/* Answers INTERNAL for a script reply of the wrong shape. */
static void
examples_unexpected(struct request *r, const char *script)
{
	log_warnx("%s: unexpected reply", script);
	request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
	    "internal error (logged by the server)");
}

/* Builds an Example from {id, label, text, district, who, ticket, kind}. */
static Hotline__Example *
example_from(const redisReply *e)
{
	Hotline__Example *x = xmalloc(sizeof *x);

	hotline__example__init(x);
	x->id = record_strdup(e->element[0]->str);
	x->label = record_strdup(e->element[1]->str);
	x->text = record_strdup(e->element[2]->str);
	x->district = record_strdup(e->element[3]->str);
	x->who = record_strdup(e->element[4]->str);
	x->ticket = record_strdup(e->element[5]->str);
	x->kind = record_strdup(e->element[6]->str);
	return x;
}

/* Returns the page size an export asks for. */
static unsigned
export_limit(const Hotline__ExportExamplesRequest *q)
{
	if (q->limit == 0)
		return EXPORT_LIMIT_DEFAULT;
	return q->limit > EXPORT_LIMIT_MAX ? EXPORT_LIMIT_MAX : q->limit;
}

/* nb_read.lua answered an export: one page, cut at EXPORT_PAGE_BYTES. */
static void
export_done(struct request *r, redisReply *reply)
{
	const Hotline__ExportExamplesRequest *q = r->in->export_examples;
	const redisReply *entries = examples_entries(reply);
	Hotline__Envelope *env;
	Hotline__ExamplesPage *page;
	const char *cursor = q->cursor;
	size_t i, bytes = 0;

	if (entries == NULL) {
		examples_unexpected(r, "nb_read.lua");
		return;
	}
	page = xmalloc(sizeof *page);
	hotline__examples_page__init(page);
	page->examples = xcalloc(entries->elements, sizeof *page->examples);
	for (i = 0; i < entries->elements && bytes < EXPORT_PAGE_BYTES; i++) {
		const redisReply *e = entries->element[i];

		page->examples[page->n_examples++] = example_from(e);
		bytes += e->element[2]->len + e->element[3]->len + 64;
		cursor = e->element[0]->str;
	}
	page->cursor = record_strdup(cursor[0] == '\0' ? "0" : cursor);
	page->done = i == entries->elements &&
	    entries->elements < export_limit(q);
	env = envelope_new();
	env->body_case = HOTLINE__ENVELOPE__BODY_EXAMPLES;
	env->examples = page;
	request_answer(r, env);
}

/* A page of the examples, in stream order (for backups and other centres). */
void
op_export_examples(struct request *r)
{
	const Hotline__ExportExamplesRequest *q = r->in->export_examples;
	struct store_args args = { 0 };

	if (!stream_cursor_valid(q->cursor, 0)) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "cursor", "cursor must be empty, \"0\" or an example id "
		    "such as 1763779200000-0");
		return;
	}
	examples_read_args(&args, q->cursor, export_limit(q));
	request_script(r, SCRIPT_NB_READ, 2, &args, export_done);
	store_args_free(&args);
}

/* Answers BAD_REQUEST about examples[i].field; returns -1. */
static int
import_refuse(struct request *r, size_t i, const char *field, const char *why)
{
	request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST, field,
	    "examples[%zu].%s %s", i, field, why);
	return -1;
}

/*
 * Checks example i and appends it to arr as nb_import.lua reads it: text
 * normalised and cut as the model reads tickets, who and kind defaulted.
 * Returns 0, or -1 after answering BAD_REQUEST.
 */
static int
import_example(struct request *r, json_t *arr, const Hotline__Example *x,
    size_t i)
{
	const char *fields[] = { x->district, x->who, x->ticket, x->kind };
	const char *names[] = { "district", "who", "ticket", "kind" };
	char *text;
	size_t f;

	if (config_department(cfg, x->label) == NULL)
		return import_refuse(r, i, "label", "is not a department id");
	for (f = 0; f < sizeof fields / sizeof fields[0]; f++)
		if (utf8_length(fields[f]) > IMPORT_FIELD_MAX)
			return import_refuse(r, i, names[f], "is too long");
	text = blend_text(NULL, x->text, NULL);
	if (text[0] == '\0') {
		free(text);
		return import_refuse(r, i, "text", "is empty once normalised");
	}
	json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
	    "label", x->label, "text", text, "district", x->district, "who",
	    x->who[0] != '\0' ? x->who : r->conn->principal, "ticket",
	    x->ticket, "kind", x->kind[0] != '\0' ? x->kind : "import"));
	free(text);
	return 0;
}

/* nb_import.lua answered {added, stored}. */
static void
import_done(struct request *r, redisReply *reply)
{
	Hotline__Envelope *env;
	Hotline__ImportExamplesReply *out;

	if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
	    reply->element[0]->type != REDIS_REPLY_INTEGER ||
	    reply->element[1]->type != REDIS_REPLY_INTEGER) {
		examples_unexpected(r, "nb_import.lua");
		return;
	}
	out = xmalloc(sizeof *out);
	hotline__import_examples_reply__init(out);
	out->imported = (uint32_t)reply->element[0]->integer;
	out->total = (uint64_t)reply->element[1]->integer;
	log_info("%s imported %u examples (%llu stored)", r->conn->principal,
	    out->imported, (unsigned long long)out->total);
	env = envelope_new();
	env->body_case = HOTLINE__ENVELOPE__BODY_IMPORTED;
	env->imported = out;
	request_answer(r, env);
}

/* Adds examples (replacing all first, if asked); every daemon then learns them. */
void
op_import_examples(struct request *r)
{
	const Hotline__ImportExamplesRequest *q = r->in->import_examples;
	struct store_args args = { 0 };
	json_t *arr;
	char *json;
	size_t i;

	if (q->n_examples > IMPORT_MAX) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "examples", "at most %d examples per request", IMPORT_MAX);
		return;
	}
	arr = json_array();
	for (i = 0; i < q->n_examples; i++)
		if (import_example(r, arr, q->examples[i], i) == -1) {
			json_decref(arr);
			return;
		}
	json = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	if (json == NULL)
		fatalx("out of memory encoding examples");
	store_args_add(&args, LEARN_STREAM);
	store_args_add(&args, LEARN_GENERATION);
	store_args_add(&args, q->replace ? "1" : "0");
	store_args_add(&args, json);
	request_script(r, SCRIPT_NB_IMPORT, 2, &args, import_done);
	store_args_free(&args);
	free(json);
}

/* nb_retrain.lua answered with the number of examples. */
static void
retrain_done(struct request *r, redisReply *reply)
{
	Hotline__Envelope *env;
	Hotline__RetrainReply *out;

	if (reply->type != REDIS_REPLY_INTEGER) {
		examples_unexpected(r, "nb_retrain.lua");
		return;
	}
	out = xmalloc(sizeof *out);
	hotline__retrain_reply__init(out);
	out->examples = (uint64_t)reply->integer;
	log_info("%s asked for a retrain (%llu examples)", r->conn->principal,
	    (unsigned long long)out->examples);
	env = envelope_new();
	env->body_case = HOTLINE__ENVELOPE__BODY_RETRAINED;
	env->retrained = out;
	request_answer(r, env);
}

/* Every daemon rebuilds its model from the stored examples. */
void
op_retrain(struct request *r)
{
	struct store_args args = { 0 };

	store_args_add(&args, LEARN_STREAM);
	store_args_add(&args, LEARN_GENERATION);
	request_script(r, SCRIPT_NB_RETRAIN, 2, &args, retrain_done);
	store_args_free(&args);
}

/* Counts of one way of routing (as make eval prints them). */
struct tally {
	uint32_t examples, top1, top3, triage, dispatched, dispatched_right;
};

/*
 * A cross-validation in two passes over the stream, one batch per Redis
 * round trip so no loop turn does much: the first trains fold f's model
 * on every example not in fold f (example i is in fold i mod folds); the
 * second scores each example with its fold's model, the catalogue and the
 * blend. Kept in the request's state; one runs at a time.
 */
struct evaluation {
	unsigned folds;
	struct nbayes **models;		/* per fold: seed + the other folds */
	size_t *trained;		/* examples in each model */
	uint64_t epoch;			/* learn_epoch() at the start */
	char generation[32];
	char cursor[48];
	size_t total;			/* examples of the first pass */
	size_t index;			/* examples seen in this pass */
	int scoring;			/* the second pass */
	struct tally catalogue, model, blend;
};

static int evaluating;			/* an evaluation is running */

/* Frees an evaluation (the request's state). */
static void
evaluation_free(void *arg)
{
	struct evaluation *ev = arg;
	unsigned f;

	for (f = 0; f < ev->folds; f++)
		nbayes_free(ev->models[f]);
	free(ev->models);
	free(ev->trained);
	free(ev);
	evaluating = 0;
}

/* Adds one verdict (departments ranked best first, n of them) to a tally. */
static void
evaluation_count(struct tally *t, const char *const *ranked, size_t n,
    int auto_dispatch, const char *label)
{
	size_t i;

	t->examples++;
	if (n > 0 && strcmp(ranked[0], label) == 0)
		t->top1++;
	for (i = 0; i < n && i < EVALUATE_TOP; i++)
		if (strcmp(ranked[i], label) == 0)
			t->top3++;
	if (!auto_dispatch)
		t->triage++;
	else {
		t->dispatched++;
		t->dispatched_right += n > 0 && strcmp(ranked[0], label) == 0;
	}
}

/* Counts a classification result's verdict. */
static void
evaluation_count_result(struct tally *t, const struct classify_result *res,
    const char *label)
{
	const char *ranked[CLASSIFY_MAX_SUGGESTIONS];
	size_t i;

	for (i = 0; i < res->nsuggestions; i++)
		ranked[i] = res->suggestions[i].department->id;
	evaluation_count(t, ranked, res->nsuggestions, res->auto_dispatch,
	    label);
}

/* Counts the model's own verdict from its probabilities. */
static void
evaluation_count_model(struct tally *t, const double *prob, const char *label)
{
	struct nbayes_rank rk[EVALUATE_TOP];
	const char *ranked[EVALUATE_TOP];
	size_t i, n;

	n = nbayes_rank(prob, cfg->ndepartments, rk, EVALUATE_TOP);
	for (i = 0; i < n; i++)
		ranked[i] = cfg->departments[rk[i].label].id;
	evaluation_count(t, ranked, n, n > 0 &&
	    rk[0].prob >= cfg->routing.dispatch_threshold, label);
}

/* Scores one example {id, label, text, district, ...} of fold f. */
static void
evaluation_score(struct evaluation *ev, unsigned f, const redisReply *e)
{
	const char *label = e->element[1]->str, *text = e->element[2]->str;
	double *prob = xcalloc(cfg->ndepartments, sizeof *prob);
	struct classify_result res;

	if (classify_text(cfg->catalogue, &cfg->routing, "", text,
	    e->element[3]->str, &res) == -1)
		memset(&res, 0, sizeof res);
	evaluation_count_result(&ev->catalogue, &res, label);
	nbayes_posterior(ev->models[f], text, prob);
	evaluation_count_model(&ev->model, prob, label);
	blend_result(&res, cfg->departments, cfg->ndepartments, prob,
	    ev->trained[f], &cfg->routing);
	evaluation_count_result(&ev->blend, &res, label);
	free(prob);
}

/* Takes one example into the pass: trains the other folds, or scores it. */
static void
evaluation_take(struct evaluation *ev, const redisReply *e)
{
	unsigned fold = (unsigned)(ev->index++ % ev->folds), f;

	snprintf(ev->cursor, sizeof ev->cursor, "%s", e->element[0]->str);
	if (config_department(cfg, e->element[1]->str) == NULL)
		return;		/* a department no longer configured */
	if (ev->scoring) {
		evaluation_score(ev, fold, e);
		return;
	}
	for (f = 0; f < ev->folds; f++)
		if (f != fold && nbayes_train(ev->models[f],
		    e->element[2]->str, e->element[1]->str) != -1)
			ev->trained[f]++;
}

/* Fills an Accuracy message from a tally. */
static Hotline__Accuracy *
evaluation_accuracy(const struct tally *t)
{
	Hotline__Accuracy *a = xmalloc(sizeof *a);

	hotline__accuracy__init(a);
	a->examples = t->examples;
	a->top1 = t->top1;
	a->top3 = t->top3;
	a->triage = t->triage;
	a->dispatched = t->dispatched;
	a->dispatched_right = t->dispatched_right;
	return a;
}

/* Answers the evaluation with its tallies. */
static void
evaluation_answer(struct request *r, const struct evaluation *ev)
{
	Hotline__Envelope *env = envelope_new();
	Hotline__EvaluateReply *out = xmalloc(sizeof *out);

	hotline__evaluate_reply__init(out);
	out->folds = ev->folds;
	out->catalogue = evaluation_accuracy(&ev->catalogue);
	out->model = evaluation_accuracy(&ev->model);
	out->blend = evaluation_accuracy(&ev->blend);
	out->catalogue_weight = cfg->routing.catalogue_weight;
	out->dispatch_threshold = cfg->routing.dispatch_threshold;
	log_info("%s evaluated %u examples in %u folds: top-1 %u (catalogue "
	    "%u, model %u)", r->conn->principal, out->blend->examples,
	    ev->folds, out->blend->top1, out->catalogue->top1,
	    out->model->top1);
	env->body_case = HOTLINE__ENVELOPE__BODY_EVALUATION;
	env->evaluation = out;
	request_answer(r, env);
}

static void evaluation_batch(struct request *, redisReply *);

/* Reads the next batch of the pass. */
static void
evaluation_read(struct request *r)
{
	struct evaluation *ev = r->state;
	struct store_args args = { 0 };

	examples_read_args(&args, ev->cursor, EVALUATE_BATCH);
	request_script(r, SCRIPT_NB_READ, 2, &args, evaluation_batch);
	store_args_free(&args);
}

/*
 * Returns 0 if the batch may be used: the configuration is the one the
 * models were seeded from, and the examples are those of the first batch.
 * Otherwise answers UNAVAILABLE and returns -1.
 */
static int
evaluation_check(struct request *r, struct evaluation *ev, const char *gen)
{
	const char *why = NULL;

	if (learn_epoch() != ev->epoch)
		why = "the configuration was reloaded";
	else if (ev->generation[0] == '\0')
		snprintf(ev->generation, sizeof ev->generation, "%s", gen);
	else if (strcmp(ev->generation, gen) != 0)
		why = "the examples were replaced or retrained";
	if (why == NULL)
		return 0;
	request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_UNAVAILABLE, NULL,
	    "%s during the evaluation; run it again", why);
	return -1;
}

/* The first pass is over: start scoring, from the first example again. */
static void
evaluation_second_pass(struct request *r, struct evaluation *ev)
{
	ev->total = ev->index;
	ev->index = 0;
	ev->scoring = 1;
	snprintf(ev->cursor, sizeof ev->cursor, "0");
	if (ev->total == 0)
		evaluation_answer(r, ev);
	else
		evaluation_read(r);
}

/* nb_read.lua answered a batch of the evaluation. */
static void
evaluation_batch(struct request *r, redisReply *reply)
{
	struct evaluation *ev = r->state;
	const redisReply *entries = examples_entries(reply);
	size_t i;

	if (entries == NULL) {
		examples_unexpected(r, "nb_read.lua");
		return;
	}
	if (evaluation_check(r, ev, reply->element[0]->str) == -1)
		return;
	for (i = 0; i < entries->elements; i++) {
		if (ev->scoring && ev->index >= ev->total)
			break;
		evaluation_take(ev, entries->element[i]);
	}
	if (ev->scoring && ev->index >= ev->total)
		evaluation_answer(r, ev);
	else if (entries->elements == EVALUATE_BATCH)
		evaluation_read(r);
	else if (!ev->scoring)
		evaluation_second_pass(r, ev);
	else
		evaluation_answer(r, ev);
}

/* k-fold cross-validation over the stored examples, as make eval does. */
void
op_evaluate(struct request *r)
{
	unsigned folds = r->in->evaluate->folds, f;
	struct evaluation *ev;

	if (folds == 0)
		folds = EVALUATE_FOLDS;
	if (folds < 2 || folds > EVALUATE_FOLDS_MAX) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "folds", "folds must be 2 to %d", EVALUATE_FOLDS_MAX);
		return;
	}
	if (evaluating) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_RATE_LIMITED,
		    NULL, "an evaluation is already running; try again later");
		return;
	}
	ev = xcalloc(1, sizeof *ev);
	ev->folds = folds;
	ev->models = xcalloc(folds, sizeof *ev->models);
	ev->trained = xcalloc(folds, sizeof *ev->trained);
	for (f = 0; f < folds; f++)
		ev->models[f] = learn_new_model(1);
	ev->epoch = learn_epoch();
	snprintf(ev->cursor, sizeof ev->cursor, "0");
	evaluating = 1;
	r->state = ev;
	r->state_free = evaluation_free;
	evaluation_read(r);
}
