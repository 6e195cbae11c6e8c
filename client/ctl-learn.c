/* hotlinectl commands of the learned routing model (学习): export and import examples, retrain, evaluate; emergencies and repeats in text. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl-learn.h"

#define CTL_EXPORT_PAGE 500		/* examples asked for per request */
#define CTL_IMPORT_BATCH 500		/* examples per import request ... */
#define CTL_IMPORT_BYTES (128 * 1024)	/* ... and bytes of text, under max_frame */
#define CTL_FOLDS_MAX 20

/* Writes one example as a line of JSON (JSON Lines); returns 0 or -1. */
static int
ctl_write_example(FILE *out, const Hotline__Example *x)
{
	json_t *obj = json_from_protobuf(&x->base);
	int rc;

	if (obj == NULL)
		return -1;
	rc = json_dumpf(obj, out, JSON_COMPACT);
	json_decref(obj);
	if (rc == -1 || fputc('\n', out) == EOF)
		return -1;
	return 0;
}

/* Asks for the page after cursor; returns 0 with *reply, or an exit status. */
static int
ctl_export_page(struct ctl *ctl, const char *cursor, Hotline__Envelope **reply)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__ExportExamplesRequest er =
	    HOTLINE__EXPORT_EXAMPLES_REQUEST__INIT;

	er.cursor = (char *)cursor;
	er.limit = CTL_EXPORT_PAGE;
	req.body_case = HOTLINE__ENVELOPE__BODY_EXPORT_EXAMPLES;
	req.export_examples = &er;
	return ctl_call(ctl, &req, HOTLINE__ENVELOPE__BODY_EXAMPLES, reply);
}

/* Writes every example after cursor to out, page by page; returns an exit status. */
static int
ctl_export_to(struct ctl *ctl, const char *from, FILE *out)
{
	Hotline__Envelope *reply;
	char cursor[64];
	size_t i, n = 0;
	int rc, done;

	snprintf(cursor, sizeof cursor, "%s", from);
	do {
		if ((rc = ctl_export_page(ctl, cursor, &reply)) != 0)
			return rc;
		for (i = 0; i < reply->examples->n_examples; i++, n++)
			if (ctl_write_example(out, reply->examples->examples[i])
			    == -1) {
				hl_envelope_free(reply);
				fprintf(stderr, "hotlinectl: cannot write: %s\n",
				    strerror(errno));
				return CTL_EXIT_FAILURE;
			}
		snprintf(cursor, sizeof cursor, "%s", reply->examples->cursor);
		done = reply->examples->done;
		hl_envelope_free(reply);
	} while (!done);
	fprintf(stderr, "exported %zu examples (next cursor %s)\n", n, cursor);
	return CTL_EXIT_OK;
}

/*
 * export-examples [--cursor ID] [--out FILE]: writes the learned model's
 * examples as JSON Lines (one Example per line), to FILE or stdout.
 */
int
ctl_export_examples(struct ctl *ctl, int argc, char **argv)
{
	char *cursor = NULL, *path = NULL;
	const struct ctl_opt opts[] = {
		{ "cursor", &cursor, NULL, 0 },
		{ "out", &path, NULL, 0 },
		{ NULL, NULL, NULL, 0 }
	};
	FILE *out = stdout;
	int rc;

	if ((rc = ctl_parse(ctl, argc, argv, opts, 0)) != 0)
		return rc;
	if (path != NULL && (out = fopen(path, "w")) == NULL) {
		fprintf(stderr, "hotlinectl: %s: %s\n", path, strerror(errno));
		return CTL_EXIT_FAILURE;
	}
	if ((rc = ctl_open(ctl)) == 0)
		rc = ctl_export_to(ctl, cursor != NULL ? cursor : "", out);
	if (out != stdout && fclose(out) == EOF && rc == 0) {
		fprintf(stderr, "hotlinectl: %s: %s\n", path, strerror(errno));
		rc = CTL_EXIT_FAILURE;
	}
	return rc;
}

/* Returns a copy of string member key of obj ("" if absent), or NULL. */
static char *
ctl_json_string(json_t *obj, const char *key)
{
	const char *v = json_string_value(json_object_get(obj, key));

	return strdup(v != NULL ? v : "");
}

/* Frees an example built by ctl_parse_example. */
static void
ctl_example_free(Hotline__Example *x)
{
	free(x->label);
	free(x->text);
	free(x->district);
	free(x->who);
	free(x->ticket);
	free(x->kind);
	free(x);
}

/* Parses one JSON line into a new example; NULL if it is not an object. */
static Hotline__Example *
ctl_parse_example(const char *line)
{
	json_t *obj = json_loads(line, 0, NULL);
	Hotline__Example *x;

	if (obj == NULL || !json_is_object(obj) ||
	    (x = malloc(sizeof *x)) == NULL) {
		json_decref(obj);
		return NULL;
	}
	hotline__example__init(x);
	x->label = ctl_json_string(obj, "label");
	x->text = ctl_json_string(obj, "text");
	x->district = ctl_json_string(obj, "district");
	x->who = ctl_json_string(obj, "who");
	x->ticket = ctl_json_string(obj, "ticket");
	x->kind = ctl_json_string(obj, "kind");
	json_decref(obj);
	if (x->label == NULL || x->text == NULL || x->district == NULL ||
	    x->who == NULL || x->ticket == NULL || x->kind == NULL) {
		ctl_example_free(x);
		return NULL;
	}
	return x;
}

/* A batch of examples to import. */
struct ctl_batch {
	Hotline__Example *x[CTL_IMPORT_BATCH];
	size_t n;
	size_t bytes;
	int replace;			/* the next request replaces all */
	uint64_t imported, total;
};

/* Sends the batch (if not empty, or if it must replace) and empties it. */
static int
ctl_import_send(struct ctl *ctl, struct ctl_batch *b)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT, *reply;
	Hotline__ImportExamplesRequest ir =
	    HOTLINE__IMPORT_EXAMPLES_REQUEST__INIT;
	size_t i;
	int rc;

	if (b->n == 0 && !b->replace)
		return 0;
	ir.examples = b->x;
	ir.n_examples = b->n;
	ir.replace = b->replace;
	req.body_case = HOTLINE__ENVELOPE__BODY_IMPORT_EXAMPLES;
	req.import_examples = &ir;
	rc = ctl_call(ctl, &req, HOTLINE__ENVELOPE__BODY_IMPORTED, &reply);
	for (i = 0; i < b->n; i++)
		ctl_example_free(b->x[i]);
	b->n = b->bytes = 0;
	b->replace = 0;
	if (rc != 0)
		return rc;
	b->imported += reply->imported->imported;
	b->total = reply->imported->total;
	hl_envelope_free(reply);
	return 0;
}

/* Reads JSON Lines from in and imports them batch by batch; returns an exit status. */
static int
ctl_import_from(struct ctl *ctl, FILE *in, struct ctl_batch *b)
{
	Hotline__Example *x;
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	int rc = 0;

	while (rc == 0 && getline(&line, &cap, in) != -1) {
		lineno++;
		if (line[strspn(line, " \t\r\n")] == '\0')
			continue;
		if ((x = ctl_parse_example(line)) == NULL) {
			fprintf(stderr, "hotlinectl: line %zu: not an example "
			    "(a JSON object per line)\n", lineno);
			rc = CTL_EXIT_FAILURE;
			break;
		}
		if (b->n == CTL_IMPORT_BATCH || b->bytes + strlen(x->text) >
		    CTL_IMPORT_BYTES)
			rc = ctl_import_send(ctl, b);
		b->x[b->n++] = x;
		b->bytes += strlen(x->text) + strlen(x->district) + 64;
	}
	free(line);
	if (rc == 0)
		rc = ctl_import_send(ctl, b);
	while (b->n > 0)
		ctl_example_free(b->x[--b->n]);
	return rc;
}

/* Prints what an import did: a line, or {"imported", "stored"} with -j. */
static int
ctl_import_print(const struct ctl *ctl, uint64_t imported, uint64_t total)
{
	json_t *obj;
	int r;

	if (!ctl->json) {
		printf(CTL_T(IMPORTED), (unsigned long long)imported,
		    (unsigned long long)total);
		putchar('\n');
		return CTL_EXIT_OK;
	}
	if ((obj = json_pack("{s:I, s:I}", "imported", (json_int_t)imported,
	    "stored", (json_int_t)total)) == NULL)
		return ctl_fail_local(CTL_EXIT_FAILURE, "internal",
		    "out of memory");
	r = json_dumpf(obj, stdout, JSON_INDENT(2));
	json_decref(obj);
	fputc('\n', stdout);
	return r == 0 ? CTL_EXIT_OK : CTL_EXIT_FAILURE;
}

/*
 * import-examples [--replace] [FILE]: adds the examples of FILE (or stdin),
 * JSON Lines as export-examples writes them; --replace deletes every
 * stored example first. Every hotlined then learns them.
 */
int
ctl_import_examples(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "replace", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct ctl_batch *b;
	FILE *in = stdin;
	int replace = 0, rc, ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 'r')
			return ctl_usage(ctl);
		replace = 1;
	}
	if (argc - optind > 1)
		return ctl_usage_error(ctl, "at most one FILE");
	if (optind < argc && (in = fopen(argv[optind], "r")) == NULL) {
		fprintf(stderr, "hotlinectl: %s: %s\n", argv[optind],
		    strerror(errno));
		return CTL_EXIT_FAILURE;
	}
	if ((b = calloc(1, sizeof *b)) == NULL)
		rc = CTL_EXIT_FAILURE;
	else if ((rc = ctl_open(ctl)) == 0) {
		b->replace = replace;
		if ((rc = ctl_import_from(ctl, in, b)) == 0)
			rc = ctl_import_print(ctl, b->imported, b->total);
	}
	free(b);
	if (in != stdin)
		fclose(in);
	return rc;
}

/* Prints a retrain's answer. */
static void
ctl_retrain_text(const Hotline__Envelope *reply)
{
	printf("retraining from %llu examples: every hotlined rebuilds its "
	    "model\n", (unsigned long long)reply->retrained->examples);
}

/* retrain: every hotlined rebuilds its model from the stored examples. */
int
ctl_retrain(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__RetrainRequest rr = HOTLINE__RETRAIN_REQUEST__INIT;

	if (ctl_options(argc, argv, NULL, NULL) == -1 || optind != argc)
		return ctl_usage(ctl);
	req.body_case = HOTLINE__ENVELOPE__BODY_RETRAIN;
	req.retrain = &rr;
	return ctl_exchange(ctl, &req, HOTLINE__ENVELOPE__BODY_RETRAINED,
	    ctl_retrain_text);
}

/* Returns 100 * a / b, 0 when b is 0. */
static double
ctl_pct(uint32_t a, uint32_t b)
{
	return b == 0 ? 0 : 100.0 * a / b;
}

/* Writes 100 * a / b as " 87.5%", or "—" when b is 0 (nothing to judge). */
static void
ctl_pct_text(uint32_t a, uint32_t b, int known, char *out, size_t outlen)
{
	if (known && b > 0)
		snprintf(out, outlen, "%5.1f%%", ctl_pct(a, b));
	else
		snprintf(out, outlen, "    —");
}

/* en in English, zh in Chinese (the language in force). */
static const char *
ctl_lt(const char *en, const char *zh)
{
	return ctl_lang == CTL_LANG_EN ? en : zh;
}

/*
 * Prints one line of an evaluation, as make eval does. The catalogue's line
 * carries only top-1 (its top-3 is 0, below its top-1: not measured), and a
 * precision over no dispatch is "—", never 0%.
 */
static void
ctl_print_accuracy(const char *label, const Hotline__Accuracy *a)
{
	char top3[16], right[16];

	if (a == NULL)
		return;
	printf(ctl_lt("  %-10s %6u  top-1 %5.1f%%", "  %s  %6u 条  首选正确 "
	    "%5.1f%%"), label, a->examples, ctl_pct(a->top1, a->examples));
	if (a->top3 < a->top1) {	/* the catalogue's line: top-1 only */
		putchar('\n');
		return;
	}
	ctl_pct_text(a->top3, a->examples, 1, top3, sizeof top3);
	ctl_pct_text(a->dispatched_right, a->dispatched, 1, right,
	    sizeof right);
	printf(ctl_lt("  top-3 %s  triage %5.1f%%  auto-dispatched right %s\n",
	    "  前三含正确 %s  待派单 %5.1f%%  自动派单正确 %s\n"), top3,
	    ctl_pct(a->triage, a->examples), right);
}

/* Prints when the model in use was trained and on what. */
static void
ctl_print_trained(const Hotline__EvaluateReply *e)
{
	char when[64];

	ctl_format_time(e->trained_at_ms, when, sizeof when);
	printf(ctl_lt("routing model: trained %s (in %.1f s)\n",
	    "路由模型：%s 训练（用时 %.1f 秒）\n"), when, e->training_seconds);
	printf(ctl_lt("  trained on: %llu real examples (imported history, "
	    "dispatchers' corrections); %llu seed samples (the seed file's "
	    "example demands); %llu catalogue entries' keywords\n",
	    "  训练数据：实际例子（历史工单、派单员纠正）%llu 条；种子样本"
	    "（样本文件的示例诉求）%llu 条；派单目录关键词 %llu 条\n"),
	    (unsigned long long)e->trained_examples,
	    (unsigned long long)e->sample_examples,
	    (unsigned long long)e->keyword_examples);
	printf(ctl_lt("  %u-fold cross-validation over %llu real examples and "
	    "samples (samples held out by matter):\n",
	    "  %u 折交叉验证，判断了 %llu 条实际例子和样本（样本按事项整组留出）：\n"),
	    e->folds, (unsigned long long)e->held_out);
}

/* Prints an evaluation: what was trained, its held-out figures, auto-dispatch. */
static void
ctl_evaluate_text(const Hotline__Envelope *reply)
{
	const Hotline__EvaluateReply *e = reply->evaluation;

	if (e->trained_at_ms == 0) {
		printf(ctl_lt("routing model: none yet (being trained, or "
		    "routing.model is off); the catalogue routes alone and "
		    "dispatches at once from confidence %.3f\n",
		    "路由模型：尚无（正在训练，或 routing.model 未开启）；"
		    "由派单目录单独派单，置信度 ≥ %.3f 时自动派单\n"),
		    e->dispatch_threshold);
		return;
	}
	ctl_print_trained(e);
	if (e->held_out > 0) {
		ctl_print_accuracy(ctl_lt("catalogue", "派单目录"), e->catalogue);
		ctl_print_accuracy(ctl_lt("model    ", "目录+模型"), e->blend);
	}
	printf(ctl_lt("auto-dispatch from confidence %.3f: expected precision "
	    "%.1f%% (target %.1f%%), coverage %.1f%%; calibration error "
	    "%.3f\n", "自动派单：置信度 ≥ %.3f 时派出；预期准确率 %.1f%%"
	    "（目标 %.1f%%），覆盖率 %.1f%%；校准误差 %.3f\n"),
	    e->dispatch_threshold, 100 * e->expected_precision,
	    100 * e->precision_target, 100 * e->coverage, e->ece);
	if (e->held_out == 0)
		fputs(ctl_lt("  too few samples and real examples to "
		    "cross-validate: the catalogue decides what is dispatched "
		    "at once\n", "  样本和实际例子太少，无法交叉验证：是否自动派单"
		    "由派单目录决定\n"), stdout);
	else if (e->trained_examples == 0)
		fputs(ctl_lt("  no real example yet: the threshold comes from "
		    "the seed samples; dispatchers' corrections will refine "
		    "it\n", "  尚无实际例子：阈值由种子样本交叉验证得出；"
		    "派单员的纠正累积后会更准\n"), stdout);
}

/* evaluate [--folds K]: k-fold cross-validation over the stored examples. */
int
ctl_evaluate(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__EvaluateRequest er = HOTLINE__EVALUATE_REQUEST__INIT;
	unsigned long folds = 0;
	char *arg = NULL;

	if (ctl_options(argc, argv, "folds", &arg) == -1 || optind != argc)
		return ctl_usage(ctl);
	if (arg != NULL && (ctl_parse_number(arg, CTL_FOLDS_MAX, &folds) == -1 ||
	    folds < 2))
		return ctl_usage_error(ctl, "--folds must be 2 to %d",
		    CTL_FOLDS_MAX);
	er.folds = (uint32_t)folds;
	req.body_case = HOTLINE__ENVELOPE__BODY_EVALUATE;
	req.evaluate = &er;
	return ctl_exchange(ctl, &req, HOTLINE__ENVELOPE__BODY_EVALUATION,
	    ctl_evaluate_text);
}

/* Prints a Routing's emergency, if it has one: what, where to, why. */
void
ctl_print_emergency(const Hotline__Routing *r)
{
	size_t i;

	if (r == NULL || r->emergency == NULL)
		return;
	ctl_label(CTL_T(EMERGENCY));
	printf(CTL_T(EMERGENCY_TEXT), r->emergency->name, r->emergency->kind,
	    r->emergency->transfer_to);
	putchar('\n');
	ctl_label(CTL_T(MATCHED));
	for (i = 0; i < r->emergency->n_matched; i++)
		printf("%s%s", i == 0 ? "" : ", ", r->emergency->matched[i]);
	putchar('\n');
	printf(CTL_LABEL "not one (past, a drill, a complaint)? create with "
	    "--not-emergency --reason TEXT\n", "");
}

/* Prints the earlier ticket a created one likely repeats (重复件), if any. */
void
ctl_print_repeat(const Hotline__CreateReply *c)
{
	const Hotline__Ticket *t = c->repeat;

	if (t == NULL)
		return;
	ctl_label(CTL_T(REPEAT_OF));
	printf(ctl_lang == CTL_LANG_EN ? "%s (%s): %s, %s\n" :
	    "%s（%s）：%s，%s\n", t->number, c->ticket->repeat_reason ==
	    HOTLINE__REPEAT_REASON__REPEAT_REASON_SAME_CALLER ?
	    CTL_T(SAME_CALLER) : CTL_T(SIMILAR_TEXT), t->title,
	    ctl_name(ctl_states, t->state));
}
