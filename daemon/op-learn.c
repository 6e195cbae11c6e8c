/* The learned model's examples (学习样本): export, import, retrain, and cross-validation over them. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "hotlined.h"
#include "model.h"
#include "route.h"
#include "script-args.h"

#define EXPORT_LIMIT_DEFAULT 200
#define EXPORT_LIMIT_MAX 1000
#define EXPORT_PAGE_BYTES (1024 * 1024)	/* a page stops growing past this */
#define IMPORT_MAX 1000			/* examples per request */
#define IMPORT_FIELD_MAX 128		/* characters of who, ticket, kind, district */
#define EVALUATE_FOLDS_MAX 20

/* Adds nb_read.lua's keys and arguments: after cursor, at most limit. */
static void
examples_read_args(struct store_args *a, const char *cursor, unsigned limit)
{
	store_args_add(a, LEARN_STREAM);
	store_args_add(a, LEARN_GENERATION);
	script_args_nb_read(a, cursor, limit);
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
	    LANG_INTERNAL);
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
	answer_body(r, HOTLINE__ENVELOPE__BODY_EXAMPLES, page);
}

/* A page of the examples, in stream order (for backups and other centres). */
void
op_export_examples(struct request *r)
{
	const Hotline__ExportExamplesRequest *q = r->in->export_examples;
	struct store_args args = { 0 };

	if (!stream_cursor_valid(q->cursor, 0)) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "cursor", ZH_EN("cursor 须为空、\"0\" 或样本编号（如 "
		    "1763779200000-0）", "cursor must be empty, \"0\" or an "
		    "example id such as 1763779200000-0"));
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
	    "examples[%zu].%s %s", i, field, why);	/* why: ZH_EN */
	return -1;
}

/*
 * Checks example i and appends it to arr as nb_import.lua reads it: text
 * (the ticket's content, or its title, a newline and its content, as
 * export gives it) normalised and cut as the model reads tickets
 * (blend_text), who and kind defaulted.
 * Returns 0, or -1 after answering BAD_REQUEST.
 */
static int
import_example(struct request *r, json_t *arr, const Hotline__Example *x,
    size_t i)
{
	const char *fields[] = { x->district, x->who, x->ticket, x->kind };
	const char *names[] = { "district", "who", "ticket", "kind" };
	char *text, *title, *content;
	size_t f;

	if (config_department(hotlined.cfg, x->label) == NULL)
		return import_refuse(r, i, "label", "is not a department id");
	for (f = 0; f < sizeof fields / sizeof fields[0]; f++)
		if (utf8_length(fields[f]) > IMPORT_FIELD_MAX)
			return import_refuse(r, i, names[f], "is too long");
	route_split(x->text, &title, &content);	/* title "\n" content */
	text = blend_text(title, content);
	free(title);
	free(content);
	if (text[strspn(text, "\n")] == '\0') {
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
	answer_body(r, HOTLINE__ENVELOPE__BODY_IMPORTED, out);
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
		    "examples", ZH_EN("每次请求至多 ", "at most ") "%d"
		    ZH_EN(" 条样本", " examples per request"), IMPORT_MAX);
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
	script_args_nb_import(&args, q->replace, json);
	request_script(r, SCRIPT_NB_IMPORT, 2, &args, import_done);
	store_args_free(&args);
	free(json);
}

/* nb_retrain.lua answered with the number of examples. */
static void
retrain_done(struct request *r, redisReply *reply)
{
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
	answer_body(r, HOTLINE__ENVELOPE__BODY_RETRAINED, out);
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

/* An Accuracy over held examples from rates (top-1, top-3) and dispatch figures. */
static Hotline__Accuracy *
evaluation_accuracy(size_t held, double top1, double top3, double coverage,
    double precision)
{
	Hotline__Accuracy *a = xmalloc(sizeof *a);
	double dispatched = coverage * (double)held;

	hotline__accuracy__init(a);
	a->examples = (uint32_t)held;
	a->top1 = (uint32_t)(top1 * (double)held + 0.5);
	a->top3 = (uint32_t)(top3 * (double)held + 0.5);
	a->dispatched = (uint32_t)(dispatched + 0.5);
	a->dispatched_right = (uint32_t)(precision * dispatched + 0.5);
	a->triage = a->examples - a->dispatched;
	return a;
}

/*
 * What the routing model in use measured by cross-validation when it was
 * trained (model.c): every daemon trains on the same stored examples, so
 * this is the centre's figure, not this daemon's alone. Without a model
 * (routing.model false, or the first training still running) the figures
 * are 0 and the threshold is the catalogue's.
 */
void
op_evaluate(struct request *r)
{
	static const struct model_fit none;
	unsigned folds = r->in->evaluate->folds;
	const struct lrmodel *m = hotlined.cfg->routing.model ? learn_model() :
	    NULL;
	const struct model_fit *f = m != NULL ? model_fit(m) : &none;
	Hotline__EvaluateReply *out;

	if (folds != 0 && (folds < 2 || folds > EVALUATE_FOLDS_MAX)) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "folds", ZH_EN("folds 须在 2 至 ", "folds must be 2 to ")
		    "%d" ZH_EN(" 之间", ""), EVALUATE_FOLDS_MAX);
		return;
	}
	out = xmalloc(sizeof *out);
	hotline__evaluate_reply__init(out);
	out->folds = MODEL_FOLDS;
	out->catalogue = evaluation_accuracy(f->held, f->catalogue_top1, 0, 0,
	    0);
	out->model = evaluation_accuracy(f->held, f->top1, f->top3,
	    f->coverage, f->precision);
	out->blend = evaluation_accuracy(f->held, f->top1, f->top3,
	    f->coverage, f->precision);
	out->dispatch_threshold = learn_threshold();
	out->precision_target = hotlined.cfg->routing.auto_dispatch_precision;
	out->expected_precision = f->precision;
	out->coverage = f->coverage;
	out->ece = f->ece;
	out->trained_examples = m != NULL ? model_real_examples(m) : 0;
	out->sample_examples = m != NULL ? model_sample_examples(m) : 0;
	out->keyword_examples = m != NULL ? model_examples(m) -
	    model_real_examples(m) - model_sample_examples(m) : 0;
	out->held_out = f->held;
	out->trained_at_ms = learn_trained_at(&out->training_seconds);
	answer_body(r, HOTLINE__ENVELOPE__BODY_EVALUATION, out);
}
