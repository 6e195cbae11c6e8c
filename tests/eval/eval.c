/* make eval: routing accuracy of the dispatch catalogue alone and blended with naive Bayes, on tests/eval/set.tsv. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hotlined.h"
#include "nbayes.h"
#include "normalize.h"

/*
 * The model. Naive Bayes (daemon/nbayes.c) over the normalised district,
 * title and content (blend_text, as the daemon reads a ticket), trained on
 * the examples of the other folds. Before them it is seeded with the
 * catalogue (blend_seed): each entry's districts and keywords, as one text,
 * add routing.model_seed_weight to the counts of their tokens for the
 * entry's department (counts only, no example). That is the centre's own
 * knowledge, available from the first day; it gives the model something to
 * say about words no example has used yet, and fades as real examples pile
 * up (a few hundred per department outweigh it).
 *
 * The blend (blend_result, the daemon's own). For each department d the
 * catalogue gives its share of the evidence, score(d) / (sum of all scores
 * + routing.prior) (the catalogue's confidence is this share for the top
 * department), and naive Bayes gives P(d | text). The blended score is
 *
 *   routing.catalogue_weight * share(d) + (1 - catalogue_weight) * P(d)
 *
 * which also sums to at most 1; the best department's blended score is the
 * confidence, dispatched at once when it reaches routing.dispatch_threshold.
 * Half and half (the default): the catalogue is what the centre wrote down
 * on purpose and explains itself, the model is what dispatchers actually
 * did. With the default threshold (0.6) a ticket is dispatched at once only
 * when share + P reaches 1.2: neither can dispatch alone, and even a sure
 * one needs the other to agree at least a little (0.2). The sweep printed
 * by make eval shows the other weights. The weight, the temperature and the
 * seed weight are the configuration's (hotlined.conf, routing); -w, -t and
 * -s override them.
 */
#define EVAL_FOLDS 5
#define EVAL_SHUFFLE_SEED 20240501u	/* fold assignment; any fixed value */
#define EVAL_WORST 6		/* departments listed in the confusion summary */
#define EVAL_TOP 3		/* top-k accuracy */
#define EVAL_TIMING_ROUNDS 20

/* One labelled ticket of the set. */
struct ticket {
	char *line;		/* the fields below point into it */
	const char *title, *content, *district, *expected_id, *note;
	char *ntitle, *ncontent;	/* normalised */
	char *nb_text;		/* normalised district, title and content */
	size_t expected;	/* department index */
	int fold;		/* -1: a held-out ticket (-H), never trained on */
};

/* A ranking of one ticket: department indexes, best first. */
struct verdict {
	size_t ranked[EVAL_TOP];
	size_t nranked;
	int auto_dispatch;
};

/* Counts over some tickets. */
struct tally {
	size_t n, top1, topk, triage, dispatched, dispatched_ok;
};

/* Everything the evaluation works on. */
struct eval {
	struct config *cfg;
	struct ticket *t;
	size_t n;
	const char **ids;	/* department ids, for the model's labels */
	size_t nd;
	size_t *confusion_cat;	/* [expected * (nd + 1) + predicted], nd = none */
	size_t *confusion_mix;
	int verbose;
	double weight;		/* of the catalogue in the blend; -1: config's */
	double temperature;	/* of the model's softmax; 0: config's */
	long seed_weight;	/* of the catalogue in the model; -1: config's */
};

/* Returns the department index of a suggestion. */
static size_t
eval_department(const struct eval *ev, const struct classify_suggestion *s)
{
	return (size_t)(s->department - ev->cfg->departments);
}

/* Splits line at tabs into at most max fields; returns how many. */
static size_t
eval_split(char *line, const char **fields, size_t max)
{
	size_t n = 0;
	char *tab;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < max) {
		fields[n++] = line;
		if ((tab = strchr(line, '\t')) == NULL)
			break;
		*tab = '\0';
		line = tab + 1;
	}
	return n;
}

/* Fills ticket t from line (owned); returns 0, or -1 with a message. */
static int
eval_parse(struct eval *ev, struct ticket *t, char *line, size_t lineno)
{
	const char *f[5] = { "", "", "", "", "" };
	const struct department *d;

	t->line = line;
	if (eval_split(line, f, 5) < 4) {
		fprintf(stderr, "eval: line %zu: fewer than 4 fields\n", lineno);
		return -1;
	}
	t->title = f[0];
	t->content = f[1];
	t->district = f[2];
	t->expected_id = f[3];
	t->note = f[4];
	if ((d = config_department(ev->cfg, t->expected_id)) == NULL) {
		fprintf(stderr, "eval: line %zu: unknown department \"%s\"\n",
		    lineno, t->expected_id);
		return -1;
	}
	t->expected = (size_t)(d - ev->cfg->departments);
	t->ntitle = normalize_text(t->title);
	t->ncontent = normalize_text(t->content);
	t->nb_text = blend_text(t->district, t->title, t->content);
	return 0;
}

/* Reads the tickets at path (held out: fold -1); returns 0, or -1. */
static int
eval_read(struct eval *ev, const char *path, int held)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, lineno = 0, size = ev->n, nread = 0;
	int rc;

	if (fp == NULL) {
		perror(path);
		return -1;
	}
	while (getline(&line, &cap, fp) != -1) {
		lineno++;
		if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
			continue;
		if (ev->n == size) {
			size = size == 0 ? 512 : size * 2;
			ev->t = xrealloc(ev->t, size * sizeof *ev->t);
		}
		memset(&ev->t[ev->n], 0, sizeof ev->t[ev->n]);
		if (eval_parse(ev, &ev->t[ev->n], xstrdup(line), lineno) == -1) {
			free(ev->t[ev->n].line);
			break;
		}
		ev->t[ev->n++].fold = held ? -1 : 0;
		nread++;
	}
	free(line);
	rc = ferror(fp) || nread == 0 ? -1 : 0;
	fclose(fp);
	return rc;
}

/* Classifies t with the catalogue; exits if Hyperscan fails. */
static void
eval_classify(const struct eval *ev, const struct ticket *t,
    struct classify_result *res)
{
	if (classify_text(ev->cfg->catalogue, &ev->cfg->routing, t->ntitle,
	    t->ncontent, t->district, res) == -1) {
		fprintf(stderr, "eval: classify_text failed\n");
		exit(1);
	}
}

/* The catalogue's own verdict. */
static void
eval_verdict_catalogue(const struct eval *ev, const struct classify_result *res,
    struct verdict *v)
{
	size_t i;

	v->nranked = res->nsuggestions < EVAL_TOP ? res->nsuggestions :
	    EVAL_TOP;
	for (i = 0; i < v->nranked; i++)
		v->ranked[i] = eval_department(ev, &res->suggestions[i]);
	v->auto_dispatch = res->auto_dispatch;
}

/* The model's own verdict from its probabilities. */
static void
eval_verdict_scores(const struct eval *ev, const double *score,
    struct verdict *v)
{
	struct nbayes_rank r[EVAL_TOP];
	size_t i;

	v->nranked = nbayes_rank(score, ev->nd, r, EVAL_TOP);
	for (i = 0; i < v->nranked; i++)
		v->ranked[i] = r[i].label;
	v->auto_dispatch = v->nranked > 0 &&
	    r[0].prob >= ev->cfg->routing.dispatch_threshold;
}

/* Blends the catalogue's result with the model's probabilities, as the daemon does. */
static void
eval_blend(const struct eval *ev, struct classify_result *res,
    const double *prob, double weight, size_t examples)
{
	struct routing_spec rs = ev->cfg->routing;

	rs.catalogue_weight = weight;
	blend_result(res, ev->cfg->departments, ev->nd, prob, examples, &rs);
}

/* Adds one verdict on a ticket of department expected to a tally. */
static void
eval_count(struct tally *ta, const struct verdict *v, size_t expected)
{
	size_t i;

	ta->n++;
	if (v->nranked > 0 && v->ranked[0] == expected)
		ta->top1++;
	for (i = 0; i < v->nranked; i++)
		if (v->ranked[i] == expected)
			ta->topk++;
	if (!v->auto_dispatch)
		ta->triage++;
	else {
		ta->dispatched++;
		if (v->ranked[0] == expected)
			ta->dispatched_ok++;
	}
}

/* Adds a verdict to a confusion matrix. */
static void
eval_confuse(const struct eval *ev, size_t *confusion, const struct verdict *v,
    size_t expected)
{
	size_t got = v->nranked > 0 ? v->ranked[0] : ev->nd;

	confusion[expected * (ev->nd + 1) + got]++;
}

/* Returns 100 * a / b, 0 when b is 0. */
static double
eval_pct(size_t a, size_t b)
{
	return b == 0 ? 0 : 100.0 * (double)a / (double)b;
}

/* Prints a tally on one line. */
static void
eval_print_tally(const char *label, const struct tally *ta)
{
	printf("  %-10s %4zu  top-1 %5.1f%%  top-%d %5.1f%%  triage %5.1f%%  "
	    "auto-dispatched right %5.1f%%\n", label, ta->n,
	    eval_pct(ta->top1, ta->n), EVAL_TOP, eval_pct(ta->topk, ta->n),
	    eval_pct(ta->triage, ta->n),
	    eval_pct(ta->dispatched_ok, ta->dispatched));
}

/* Prints a wrongly routed ticket (with -v). */
static void
eval_print_miss(const struct eval *ev, const char *what,
    const struct ticket *t, const struct verdict *v)
{
	if (!ev->verbose || (v->nranked > 0 && v->ranked[0] == t->expected))
		return;
	printf("    miss %-4s want %-8s got %-8s %s | %s\n", what, t->expected_id,
	    v->nranked > 0 ? ev->ids[v->ranked[0]] : "-", t->title, t->note);
}

/* The catalogue alone on every ticket. */
static void
eval_catalogue_alone(struct eval *ev)
{
	struct classify_result res;
	struct tally ta = { 0 };
	struct verdict v;
	size_t i;

	printf("catalogue alone (%zu entries, no training):\n",
	    ev->cfg->nentries);
	for (i = 0; i < ev->n; i++) {
		if (ev->t[i].fold == -1)
			continue;
		eval_classify(ev, &ev->t[i], &res);
		eval_verdict_catalogue(ev, &res, &v);
		eval_count(&ta, &v, ev->t[i].expected);
		eval_confuse(ev, ev->confusion_cat, &v, ev->t[i].expected);
		eval_print_miss(ev, "cat", &ev->t[i], &v);
	}
	eval_print_tally("all", &ta);
}

/* Returns the next value of a small deterministic generator. */
static uint32_t
eval_random(uint32_t *state)
{
	*state = *state * 1664525u + 1013904223u;
	return *state >> 8;
}

/*
 * Assigns folds stratified by department: the tickets of each department
 * are dealt round-robin to the folds in a fixed pseudo-random order (held-out
 * tickets take no part, so -H does not change the folds).
 */
static void
eval_assign_folds(struct eval *ev)
{
	size_t *order = xcalloc(ev->n, sizeof *order), *dealt;
	uint32_t state = EVAL_SHUFFLE_SEED;
	size_t i, j, tmp, n = 0;

	for (i = 0; i < ev->n; i++)
		if (ev->t[i].fold != -1)
			order[n++] = i;
	for (i = n; i > 1; i--) {
		j = eval_random(&state) % i;
		tmp = order[i - 1];
		order[i - 1] = order[j];
		order[j] = tmp;
	}
	dealt = xcalloc(ev->nd, sizeof *dealt);
	for (i = 0; i < n; i++) {
		struct ticket *t = &ev->t[order[i]];

		t->fold = (int)(dealt[t->expected]++ % EVAL_FOLDS);
	}
	free(dealt);
	free(order);
}

/* Returns the number of examples behind a model. */
static size_t
eval_examples(const struct eval *ev, const struct nbayes *nb)
{
	size_t i, n = 0;

	for (i = 0; i < ev->nd; i++)
		n += (size_t)nbayes_docs(nb, i);
	return n;
}

/* Trains a model on every ticket of the set outside fold (all when fold is -1). */
static struct nbayes *
eval_train(const struct eval *ev, int fold)
{
	struct nbayes *nb = nbayes_new(ev->ids, ev->nd);
	size_t i;

	nbayes_set_temperature(nb, ev->temperature);
	blend_seed(nb, ev->cfg->entries, ev->cfg->nentries,
	    (unsigned)ev->seed_weight);
	for (i = 0; i < ev->n; i++)
		if (ev->t[i].fold != -1 && ev->t[i].fold != fold)
			nbayes_train(nb, ev->t[i].nb_text, ev->t[i].expected_id);
	return nb;
}

/* Scores one held-out ticket: blend (into confusion, if set) and model alone. */
static void
eval_held_out(struct eval *ev, const struct nbayes *nb, const struct ticket *t,
    double weight, struct tally *mix_ta, struct tally *nb_ta, size_t *confusion)
{
	double *prob = xcalloc(ev->nd, sizeof *prob);
	struct classify_result res;
	struct verdict v;

	eval_classify(ev, t, &res);
	nbayes_posterior(nb, t->nb_text, prob);
	eval_verdict_scores(ev, prob, &v);
	eval_count(nb_ta, &v, t->expected);
	eval_blend(ev, &res, prob, weight, eval_examples(ev, nb));
	eval_verdict_catalogue(ev, &res, &v);
	eval_count(mix_ta, &v, t->expected);
	if (confusion != NULL)
		eval_confuse(ev, confusion, &v, t->expected);
	eval_print_miss(ev, "mix", t, &v);
	free(prob);
}

/* Adds tally b into a. */
static void
eval_add(struct tally *a, const struct tally *b)
{
	a->n += b->n;
	a->top1 += b->top1;
	a->topk += b->topk;
	a->triage += b->triage;
	a->dispatched += b->dispatched;
	a->dispatched_ok += b->dispatched_ok;
}

/*
 * Runs the cross-validation with the given blend weight; fills the pooled
 * tallies and, if folds is set, one tally per fold and the confusion matrix.
 */
static void
eval_cross_validate(struct eval *ev, double weight, struct tally *mix_all,
    struct tally *nb_all, struct tally *folds)
{
	struct tally mix_ta, nb_ta;
	struct nbayes *nb;
	size_t i;
	int f;

	memset(mix_all, 0, sizeof *mix_all);
	memset(nb_all, 0, sizeof *nb_all);
	for (f = 0; f < EVAL_FOLDS; f++) {
		memset(&mix_ta, 0, sizeof mix_ta);
		memset(&nb_ta, 0, sizeof nb_ta);
		nb = eval_train(ev, f);
		for (i = 0; i < ev->n; i++)
			if (ev->t[i].fold == f)
				eval_held_out(ev, nb, &ev->t[i], weight,
				    &mix_ta, &nb_ta, folds != NULL ?
				    ev->confusion_mix : NULL);
		nbayes_free(nb);
		if (folds != NULL)
			folds[f] = mix_ta;
		eval_add(mix_all, &mix_ta);
		eval_add(nb_all, &nb_ta);
	}
}

/* Prints the cross-validation with the documented weight, fold by fold. */
static void
eval_learning(struct eval *ev)
{
	struct tally folds[EVAL_FOLDS], mix, nb;
	double top1 = 0, topk = 0, triage = 0;
	char label[32];
	int f;

	printf("\ncatalogue + naive Bayes, %d-fold cross-validation "
	    "(catalogue weight %.2f, NB temperature %.1f, seeded with the "
	    "catalogue x%ld):\n", EVAL_FOLDS, ev->weight, ev->temperature,
	    ev->seed_weight);
	eval_cross_validate(ev, ev->weight, &mix, &nb, folds);
	for (f = 0; f < EVAL_FOLDS; f++) {
		snprintf(label, sizeof label, "fold %d", f + 1);
		eval_print_tally(label, &folds[f]);
		top1 += eval_pct(folds[f].top1, folds[f].n) / EVAL_FOLDS;
		topk += eval_pct(folds[f].topk, folds[f].n) / EVAL_FOLDS;
		triage += eval_pct(folds[f].triage, folds[f].n) / EVAL_FOLDS;
	}
	printf("  %-10s %4zu  top-1 %5.1f%%  top-%d %5.1f%%  triage %5.1f%%  "
	    "(mean of folds)\n", "mean", mix.n, top1, EVAL_TOP, topk, triage);
	eval_print_tally("pooled", &mix);
	printf("  naive Bayes alone on the same folds:\n");
	eval_print_tally("pooled", &nb);
}

/*
 * Trains on the whole set and scores the held-out tickets (-H): tickets
 * that played no part in writing the catalogue or choosing the constants.
 */
static void
eval_held_file(struct eval *ev, const char *path)
{
	struct tally cat = { 0 }, mix = { 0 }, nb_ta = { 0 };
	struct nbayes *nb = eval_train(ev, -1);
	struct classify_result res;
	struct verdict v;
	size_t i;

	printf("\nheld-out tickets of %s (model trained on the whole set):\n",
	    path);
	for (i = 0; i < ev->n; i++) {
		if (ev->t[i].fold != -1)
			continue;
		eval_classify(ev, &ev->t[i], &res);
		eval_verdict_catalogue(ev, &res, &v);
		eval_count(&cat, &v, ev->t[i].expected);
		eval_print_miss(ev, "hcat", &ev->t[i], &v);
		eval_held_out(ev, nb, &ev->t[i], ev->weight, &mix, &nb_ta, NULL);
	}
	eval_print_tally("catalogue", &cat);
	eval_print_tally("blend", &mix);
	eval_print_tally("NB alone", &nb_ta);
	nbayes_free(nb);
}

/* Prints the pooled result for a few other blend weights. */
static void
eval_sweep(struct eval *ev)
{
	static const double weights[] = { 0.0, 0.25, 0.4, 0.5, 0.6, 0.75, 1.0 };
	struct tally mix, nb;
	int verbose = ev->verbose;
	char label[32];
	size_t i;

	ev->verbose = 0;
	printf("\nblend weight of the catalogue (pooled held-out results; "
	    "%.2f is the one used above):\n", ev->weight);
	for (i = 0; i < sizeof weights / sizeof weights[0]; i++) {
		eval_cross_validate(ev, weights[i], &mix, &nb, NULL);
		snprintf(label, sizeof label, "w=%.2f", weights[i]);
		eval_print_tally(label, &mix);
	}
	ev->verbose = verbose;
}

/* Returns the department most often predicted for expected, other than it. */
static size_t
eval_worst_target(const struct eval *ev, const size_t *confusion,
    size_t expected, size_t *count)
{
	const size_t *row = confusion + expected * (ev->nd + 1);
	size_t d, best = ev->nd;

	*count = 0;
	for (d = 0; d <= ev->nd; d++)
		if (d != expected && row[d] > *count) {
			*count = row[d];
			best = d;
		}
	return best;
}

/* Returns the number of tickets and correct ones of department d. */
static size_t
eval_row(const struct eval *ev, const size_t *confusion, size_t d,
    size_t *correct)
{
	const size_t *row = confusion + d * (ev->nd + 1);
	size_t n = 0, j;

	for (j = 0; j <= ev->nd; j++)
		n += row[j];
	*correct = row[d];
	return n;
}

/* Prints UTF-8 text padded to width columns (a CJK character takes two). */
static void
eval_print_padded(const char *text, size_t width)
{
	size_t cols = 0;
	const char *p;

	for (p = text; *p != '\0'; p++)
		if ((*p & 0xc0) != 0x80)
			cols += (unsigned char)*p < 0x80 ? 1 : 2;
	printf("%s%*s", text, cols < width ? (int)(width - cols) : 0, "");
}

/* Prints the EVAL_WORST departments by top-1 accuracy. */
static void
eval_worst(const struct eval *ev, const char *what, const size_t *confusion)
{
	size_t *order = xcalloc(ev->nd, sizeof *order), i, j, tmp, n, ok, c;
	double *acc = xcalloc(ev->nd, sizeof *acc);

	for (i = 0; i < ev->nd; i++) {
		order[i] = i;
		n = eval_row(ev, confusion, i, &ok);
		acc[i] = n == 0 ? 100 : eval_pct(ok, n);
	}
	for (i = 1; i < ev->nd; i++)
		for (j = i; j > 0 && acc[order[j]] < acc[order[j - 1]]; j--) {
			tmp = order[j];
			order[j] = order[j - 1];
			order[j - 1] = tmp;
		}
	printf("\nworst departments, %s (top-1; most frequent wrong "
	    "destination):\n", what);
	for (i = 0; i < EVAL_WORST && i < ev->nd; i++) {
		size_t d = order[i], to = eval_worst_target(ev, confusion, d, &c);

		n = eval_row(ev, confusion, d, &ok);
		printf("  %-8s ", ev->ids[d]);
		eval_print_padded(ev->cfg->departments[d].name, 12);
		printf(" %2zu/%2zu %5.1f%%  -> %s x%zu\n", ok, n, acc[d],
		    c == 0 ? "-" : to == ev->nd ? "(none)" : ev->ids[to], c);
	}
	free(order);
	free(acc);
}

/* Returns the monotonic clock in seconds. */
static double
eval_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Prints the time per ticket of normalising, the catalogue and the model. */
static void
eval_timing(struct eval *ev)
{
	struct nbayes *nb = eval_train(ev, -1);
	double *prob = xcalloc(ev->nd, sizeof *prob), t0, t1, t2, t3;
	struct classify_result res;
	size_t r, i, bytes = 0;
	char *s;

	t0 = eval_now();
	for (r = 0; r < EVAL_TIMING_ROUNDS; r++)
		for (i = 0; i < ev->n; i++) {
			s = normalize_text(ev->t[i].content);
			bytes += strlen(ev->t[i].content);
			free(s);
		}
	t1 = eval_now();
	for (r = 0; r < EVAL_TIMING_ROUNDS; r++)
		for (i = 0; i < ev->n; i++)
			eval_classify(ev, &ev->t[i], &res);
	t2 = eval_now();
	for (r = 0; r < EVAL_TIMING_ROUNDS; r++)
		for (i = 0; i < ev->n; i++)
			nbayes_posterior(nb, ev->t[i].nb_text, prob);
	t3 = eval_now();
	r = EVAL_TIMING_ROUNDS * ev->n;
	printf("\ntime per ticket (%zu bytes of content on average; "
	    "model of %zu tokens): normalise %.2f us, catalogue %.2f us, "
	    "naive Bayes %.2f us\n", bytes / r, nbayes_vocabulary(nb),
	    (t1 - t0) * 1e6 / (double)r, (t2 - t1) * 1e6 / (double)r,
	    (t3 - t2) * 1e6 / (double)r);
	free(prob);
	nbayes_free(nb);
}

/* Loads the configuration with a normalised catalogue; returns 0 or -1. */
static int
eval_setup(struct eval *ev, const char *conf)
{
	char err[512];
	size_t i;

	if (normalize_init(err, sizeof err) == -1)
		fprintf(stderr, "eval: %s (Traditional text stays as it is)\n",
		    err);
	if ((ev->cfg = config_load(conf, err, sizeof err)) == NULL) {
		fprintf(stderr, "eval: %s\n", err);
		return -1;
	}
	if (ev->weight < 0)
		ev->weight = ev->cfg->routing.catalogue_weight;
	if (!(ev->temperature > 0))
		ev->temperature = ev->cfg->routing.model_temperature;
	if (ev->seed_weight < 0)
		ev->seed_weight = ev->cfg->routing.model_seed_weight;
	ev->nd = ev->cfg->ndepartments;
	ev->ids = xcalloc(ev->nd, sizeof *ev->ids);
	for (i = 0; i < ev->nd; i++)
		ev->ids[i] = ev->cfg->departments[i].id;
	ev->confusion_cat = xcalloc(ev->nd * (ev->nd + 1), sizeof(size_t));
	ev->confusion_mix = xcalloc(ev->nd * (ev->nd + 1), sizeof(size_t));
	return 0;
}

/* Frees everything. */
static void
eval_teardown(struct eval *ev)
{
	size_t i;

	for (i = 0; i < ev->n; i++) {
		free(ev->t[i].line);
		free(ev->t[i].ntitle);
		free(ev->t[i].ncontent);
		free(ev->t[i].nb_text);
	}
	free(ev->t);
	free(ev->ids);
	free(ev->confusion_cat);
	free(ev->confusion_mix);
	config_free(ev->cfg);
	normalize_free();
}

/* Prints the set's size and coverage. */
static void
eval_header(const struct eval *ev, const char *set)
{
	size_t *per = xcalloc(ev->nd, sizeof *per), i, covered = 0;

	for (i = 0; i < ev->n; i++)
		per[ev->t[i].expected]++;
	for (i = 0; i < ev->nd; i++)
		covered += per[i] > 0;
	printf("hotline classifier evaluation: %s, %zu tickets, %zu of %zu "
	    "departments covered; dispatch threshold %.2f, prior %.2f; "
	    "T->S %s\n\n", set, ev->n, covered, ev->nd,
	    ev->cfg->routing.dispatch_threshold, ev->cfg->routing.prior,
	    normalize_t2s_ready() ? "OpenCC t2s.json" : "off");
	free(per);
}

/* Reads the options into ev and *held; returns 0, or -1 for usage. */
static int
eval_options(struct eval *ev, int argc, char **argv, const char **held)
{
	int ch;

	ev->weight = -1;
	ev->temperature = 0;
	ev->seed_weight = -1;
	while ((ch = getopt(argc, argv, "H:s:t:vw:")) != -1)
		if (ch == 'v')
			ev->verbose = 1;
		else if (ch == 'H')
			*held = optarg;
		else if (ch == 's' && (ev->seed_weight = atol(optarg)) < 0)
			return -1;
		else if (ch == 't' && !((ev->temperature = atof(optarg)) > 0))
			return -1;
		else if (ch == 'w' && !((ev->weight = atof(optarg)) >= 0 &&
		    ev->weight <= 1))
			return -1;
		else if (strchr("Hstvw", ch) == NULL)
			return -1;
	if (ev->seed_weight > 1000000 || argc - optind != 2)
		return -1;
	return 0;
}

/* Runs every part of the evaluation and prints it. */
static void
eval_run(struct eval *ev, const char *set, const char *held)
{
	eval_header(ev, set);
	eval_assign_folds(ev);
	eval_catalogue_alone(ev);
	eval_learning(ev);
	if (held != NULL)
		eval_held_file(ev, held);
	eval_sweep(ev);
	eval_worst(ev, "catalogue alone", ev->confusion_cat);
	eval_worst(ev, "catalogue + naive Bayes, held out", ev->confusion_mix);
	eval_timing(ev);
}

/* eval [-v] [-H held-out.tsv] [-s seed] [-t temperature] [-w weight] conf set */
int
main(int argc, char **argv)
{
	const char *held = NULL;
	struct eval ev;
	int rc = 0;

	memset(&ev, 0, sizeof ev);
	if (eval_options(&ev, argc, argv, &held) == -1) {
		fprintf(stderr, "usage: eval [-v] [-H held-out.tsv] "
		    "[-s seed weight] [-t temperature] [-w weight] "
		    "hotlined.conf set.tsv\n");
		return 2;
	}
	if (eval_setup(&ev, argv[optind]) == -1 ||
	    eval_read(&ev, argv[optind + 1], 0) == -1 ||
	    (held != NULL && eval_read(&ev, held, 1) == -1))
		rc = 1;
	else
		eval_run(&ev, argv[optind + 1], held);
	if (ev.cfg != NULL)
		eval_teardown(&ev);
	return rc;
}
