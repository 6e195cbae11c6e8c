/* make eval: routing quality of the catalogue alone and of the catalogue with the calibrated logistic model, on a labelled set (old or hard format). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hotlined.h"
#include "model.h"
#include "normalize.h"
#include "route.h"

/*
 * Protocol. The model is trained on the catalogue's seeds (each entry's
 * keywords as one example of its department), the seed file (-S, or
 * routing.seeds) and, as imported history, the training file (-T). The set
 * is then classified as the daemon does (catalogue, shares, features,
 * model, threshold for the precision target). Without -T the set is
 * evaluated by EVAL_FOLDS-fold cross-validation: each fold by a model
 * trained on the seeds and the other folds. A ticket is right when the top
 * department is one of its listed departments (the hard set lists every
 * acceptable owner).
 *
 * Set formats (tab-separated, # comments): the old set (title, content,
 * district, department, note) and the hard set (id, title, content,
 * district, street, departments, major, emergency, channel, tags; see
 * tests/eval/hard/README.md), told apart by the number of fields.
 */
#define EVAL_FOLDS 5
#define EVAL_TOP 3
#define EVAL_WORST 8
#define EVAL_BINS 10
#define EVAL_MAX_RIGHT 8

/* One labelled ticket. */
struct ticket {
	char *line;
	const char *title, *content, *district, *street, *emergency;
	char *ntitle, *ncontent;
	int right[EVAL_MAX_RIGHT];	/* acceptable departments, rule first */
	int nright;
	int fold;
};

/* Counts over some tickets. */
struct tally {
	size_t n, top1, top3, dispatched, dispatched_ok;
	double conf_sum[EVAL_BINS], right_sum[EVAL_BINS];
	size_t bin_n[EVAL_BINS];
};

/* The evaluation's state. */
struct eval {
	struct config *cfg;
	struct route_map *map;
	struct ticket *t, *train;
	size_t n, ntrain;
	struct model_example *seeds;
	size_t nseeds;
	double target;
	int verbose;
	int emergencies_only;		/* -E: no model, emergencies only */
	int day_one_only;		/* -D: the day-one line alone */
	size_t *confusion;		/* [rule dept][predicted or nd] */
	size_t em_flagged, em_true, em_hit, em_line;
	double *times;
	size_t ntimes;
};

/* Splits line at tabs into at most max fields; returns how many. */
static size_t
eval_split(char *line, const char **f, size_t max)
{
	size_t n = 0;
	char *tab;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < max) {
		f[n++] = line;
		if ((tab = strchr(line, '\t')) == NULL)
			break;
		*tab = '\0';
		line = tab + 1;
	}
	return n;
}

/* Returns the index of department id, or -1. */
static int
eval_department(const struct eval *ev, const char *id)
{
	const struct department *d = config_department(ev->cfg, id);

	return d == NULL ? -1 : (int)(d - ev->cfg->departments);
}

/* Sets t's departments from a comma list; returns 0 or -1. */
static int
eval_rights(const struct eval *ev, struct ticket *t, const char *list)
{
	char *copy = xstrdup(list), *save = NULL, *id;
	int d;

	for (id = strtok_r(copy, ", ", &save); id != NULL &&
	    t->nright < EVAL_MAX_RIGHT; id = strtok_r(NULL, ", ", &save)) {
		if ((d = eval_department(ev, id)) == -1)
			continue;	/* not in this configuration */
		t->right[t->nright++] = d;
	}
	free(copy);
	return t->nright > 0 ? 0 : -1;
}

/* Parses one line of either format into t; returns 0 or -1. */
static int
eval_parse(const struct eval *ev, struct ticket *t, char *line)
{
	const char *f[10] = { "" };
	size_t n = eval_split(line, f, 10);

	memset(t, 0, sizeof *t);
	t->line = line;
	if (n >= 10) {
		t->title = f[1];
		t->content = f[2];
		t->district = f[3];
		t->street = f[4];
		t->emergency = f[7];
		if (eval_rights(ev, t, f[5]) == -1)
			return -1;
	} else if (n >= 4) {
		t->title = f[0];
		t->content = f[1];
		t->district = f[2];
		t->street = "";
		t->emergency = "";
		if (eval_rights(ev, t, f[3]) == -1)
			return -1;
	} else
		return -1;
	t->ntitle = normalize_text(t->title);
	t->ncontent = normalize_text(t->content);
	return 0;
}

/* Reads a set into *out, *n; returns 0 or -1. */
static int
eval_read(const struct eval *ev, const char *path, struct ticket **out,
    size_t *n)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, size = 0, lineno = 0, skipped = 0;

	if (fp == NULL) {
		perror(path);
		return -1;
	}
	while (getline(&line, &cap, fp) != -1) {
		lineno++;
		if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
			continue;
		if (*n == size) {
			size = size == 0 ? 512 : 2 * size;
			*out = xrealloc(*out, size * sizeof **out);
		}
		if (eval_parse(ev, &(*out)[*n], xstrdup(line)) == -1) {
			skipped++;
			free((*out)[*n].line);
			continue;
		}
		(*n)++;
	}
	free(line);
	fclose(fp);
	if (skipped > 0)
		printf("%s: %zu of %zu tickets skipped: malformed, or none of "
		    "their departments is in this configuration\n", path,
		    skipped, lineno);
	return *n > 0 ? 0 : -1;
}

/* Classifies t with the catalogue; exits if Hyperscan fails. */
static void
eval_catalogue(const struct eval *ev, const struct ticket *t,
    struct classify_result *res)
{
	struct classify_input in = { t->ntitle, t->ncontent, t->district,
	    t->street };

	if (classify_ticket(ev->cfg->catalogue, &ev->cfg->routing, &in,
	    res) == -1) {
		fprintf(stderr, "eval: hyperscan failed\n");
		exit(1);
	}
}

/* Fills ex from a ticket's text, shares and label. */
static void
eval_example(const struct eval *ev, struct model_example *ex,
    const char *ntitle, const char *ncontent, const char *district,
    int label, int seed)
{
	struct classify_input in = { ntitle, ncontent, district, "" };
	struct classify_result res;

	memset(ex, 0, sizeof *ex);
	if (classify_ticket(ev->cfg->catalogue, &ev->cfg->routing, &in,
	    &res) == -1)
		memset(&res, 0, sizeof res);
	route_shares(&res, ev->cfg->departments, ev->map, &ex->shares);
	route_features(ev->cfg->catalogue, ntitle, ncontent, &ex->vec);
	ex->label = route_map_label(ev->map, (size_t)label);
	ex->seed = seed;
}

/* Adds the catalogue's entries as seed examples. */
static void
eval_catalogue_seeds(struct eval *ev)
{
	const struct config *c = ev->cfg;
	size_t i, k, len;
	char *text;
	int d;

	for (i = 0; i < c->nentries; i++) {
		text = xstrdup("");
		len = 0;
		for (k = 0; k < c->entries[i].nkeywords; k++) {
			const char *kw = c->entries[i].keywords[k];

			kw += kw[0] == '*';
			text = xrealloc(text, len + strlen(kw) + 2);
			len += (size_t)sprintf(text + len, "%s ", kw);
		}
		ev->seeds = xrealloc(ev->seeds, (ev->nseeds + 1) *
		    sizeof *ev->seeds);
		d = eval_department(ev, c->entries[i].department);
		eval_example(ev, &ev->seeds[ev->nseeds], "", text, "", d,
		    MODEL_KEYWORDS);
		route_seed_shares(ev->map, (size_t)d, c->entries[i].weight,
		    c->routing.prior, &ev->seeds[ev->nseeds++].shares);
		free(text);
	}
}

/* Adds the seed file (department, category, title, content) as seeds. */
static void
eval_seed_file(struct eval *ev, const char *path)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL, *nt, *nc;
	const char *f[4];
	size_t cap = 0, added = 0;
	int d;

	if (fp == NULL) {
		fprintf(stderr, "eval: no seed file %s: catalogue seeds only\n",
		    path);
		return;
	}
	while (getline(&line, &cap, fp) != -1) {
		if (line[0] == '#' || eval_split(line, f, 4) < 4 ||
		    (d = eval_department(ev, f[0])) == -1)
			continue;
		nt = normalize_text(f[2]);
		nc = normalize_text(f[3]);
		ev->seeds = xrealloc(ev->seeds, (ev->nseeds + 1) *
		    sizeof *ev->seeds);
		eval_example(ev, &ev->seeds[ev->nseeds], nt, nc, "", d,
		    MODEL_SAMPLE);
		ev->seeds[ev->nseeds++].group = model_group(f[0], f[1]);
		free(nt);
		free(nc);
		added++;
	}
	free(line);
	fclose(fp);
	printf("seed file %s: %zu examples\n", path, added);
}

/* Trains on the seeds plus tickets (those with fold != skip); the extra examples too. */
static struct lrmodel *
eval_train(const struct eval *ev, const struct ticket *t, size_t n, int skip,
    const struct model_example *extra, size_t nextra)
{
	struct model_example *x = xcalloc(ev->nseeds + n + nextra + 1,
	    sizeof *x);
	struct lrmodel *m;
	size_t k = 0, i;

	for (i = 0; i < ev->nseeds; i++)
		x[k++] = ev->seeds[i];
	for (i = 0; i < n; i++)
		if (t[i].fold != skip)
			eval_example(ev, &x[k++], t[i].ntitle, t[i].ncontent,
			    t[i].district, t[i].right[0], 0);
	for (i = 0; i < nextra; i++)
		x[k++] = extra[i];
	m = model_train(x, k, route_map_nlabels(ev->map), ev->target);
	for (i = ev->nseeds; i < k - nextra; i++)
		model_vec_free(&x[i].vec);
	free(x);
	return m;
}

/* Returns the time in seconds. */
static double
eval_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Routes t as the daemon does (normalisation included); res gets the answer. */
static void
eval_route(struct eval *ev, const struct lrmodel *m, const struct ticket *t,
    struct classify_result *res)
{
	double *prob = xcalloc(ev->cfg->ndepartments, sizeof *prob);
	double *lprob = xcalloc(route_map_nlabels(ev->map), sizeof *lprob);
	double start = eval_now();
	struct model_shares sh;
	struct model_vec v;
	char *nt = normalize_text(t->title), *nc = normalize_text(t->content);
	struct ticket copy = *t;

	copy.ntitle = nt;
	copy.ncontent = nc;
	eval_catalogue(ev, &copy, res);
	route_shares(res, ev->cfg->departments, ev->map, &sh);
	route_features(ev->cfg->catalogue, nt, nc, &v);
	model_predict(m, &v, &sh, lprob);
	route_expand(ev->map, lprob, t->district, prob);
	route_result(res, ev->cfg->departments, ev->cfg->ndepartments, prob,
	    model_examples(m), model_fit(m)->threshold);
	if (ev->times != NULL)
		ev->times[ev->ntimes++] = eval_now() - start;
	model_vec_free(&v);
	free(nt);
	free(nc);
	free(prob);
	free(lprob);
}

/* Returns 1 if department d is right for t. */
static int
eval_is_right(const struct ticket *t, int d)
{
	int i;

	for (i = 0; i < t->nright; i++)
		if (t->right[i] == d)
			return 1;
	return 0;
}

/* Counts one verdict. */
static void
eval_count(struct eval *ev, struct tally *ta, const struct ticket *t,
    const struct classify_result *res, int model)
{
	const struct department *base = ev->cfg->departments;
	size_t i, nd = ev->cfg->ndepartments;
	int top = res->nsuggestions > 0 ?
	    (int)(res->suggestions[0].department - base) : -1, b;
	double conf = res->confidence;

	ta->n++;
	if (top >= 0 && eval_is_right(t, top))
		ta->top1++;
	for (i = 0; i < res->nsuggestions && i < EVAL_TOP; i++)
		if (eval_is_right(t, (int)(res->suggestions[i].department -
		    base))) {
			ta->top3++;
			break;
		}
	if (res->auto_dispatch) {
		ta->dispatched++;
		ta->dispatched_ok += top >= 0 && eval_is_right(t, top);
	}
	b = (int)(conf * EVAL_BINS);
	b = b >= EVAL_BINS ? EVAL_BINS - 1 : b < 0 ? 0 : b;
	ta->conf_sum[b] += conf;
	ta->right_sum[b] += top >= 0 && eval_is_right(t, top);
	ta->bin_n[b]++;
	if (model && ev->confusion != NULL)
		ev->confusion[(size_t)t->right[0] * (nd + 1) +
		    (top >= 0 ? (size_t)top : nd)]++;
	if (model && ev->verbose && !(top >= 0 && eval_is_right(t, top)))
		printf("  miss: want %s got %s (%.2f): %s\n",
		    base[t->right[0]].id, top >= 0 ? base[top].id : "-", conf,
		    t->title);
}

/* Counts the emergency verdict of the catalogue for t. */
static void
eval_emergency(struct eval *ev, const struct ticket *t,
    const struct classify_result *res)
{
	int truth = t->emergency[0] != '\0';
	const char *line;

	if (res->emergency != NULL)
		ev->em_flagged++;
	if (truth)
		ev->em_true++;
	if (ev->verbose && truth != (res->emergency != NULL))
		printf("  emergency %s: want %s got %s (%s): %s\n", truth ?
		    "missed" : "false", truth ? t->emergency : "-",
		    res->emergency != NULL ? res->emergency->transfer_to : "-",
		    res->nemergency_matched > 0 ? res->emergency_matched[0] :
		    "", t->title);
	if (truth && res->emergency != NULL) {
		ev->em_hit++;
		line = res->emergency->transfer_to;
		if (strcmp(t->emergency, line) == 0 ||
		    (strcmp(t->emergency, "gas") == 0 &&
		    strcmp(res->emergency->kind, "gas_leak") == 0))
			ev->em_line++;
	}
}

/* ECE of a tally. */
static double
eval_ece(const struct tally *ta)
{
	double e = 0;
	int b;

	for (b = 0; b < EVAL_BINS; b++)
		if (ta->bin_n[b] > 0)
			e += fabs(ta->right_sum[b] - ta->conf_sum[b]) /
			    (double)ta->n;
	return e;
}

/* Returns 100 a / b. */
static double
eval_pct(size_t a, size_t b)
{
	return b == 0 ? 0 : 100.0 * (double)a / (double)b;
}

/* Prints one tally. */
static void
eval_print(const char *label, const struct tally *ta)
{
	printf("  %-22s %5zu  top-1 %5.1f%%  top-3 %5.1f%%  auto-dispatch "
	    "precision %5.1f%% coverage %5.1f%%  ECE %.3f\n", label, ta->n,
	    eval_pct(ta->top1, ta->n), eval_pct(ta->top3, ta->n),
	    eval_pct(ta->dispatched_ok, ta->dispatched),
	    eval_pct(ta->dispatched, ta->n), eval_ece(ta));
}

/* Evaluates tickets with model m (fold: only those of it; -2: all). */
static void
eval_test(struct eval *ev, const struct lrmodel *m, int fold,
    struct tally *cat, struct tally *mix)
{
	struct classify_result res;
	size_t i;

	for (i = 0; i < ev->n; i++) {
		const struct ticket *t = &ev->t[i];

		if (fold != -2 && t->fold != fold)
			continue;
		eval_catalogue(ev, t, &res);
		res.auto_dispatch = res.auto_dispatch && res.emergency == NULL;
		eval_count(ev, cat, t, &res, 0);
		eval_emergency(ev, t, &res);
		eval_route(ev, m, t, &res);
		eval_count(ev, mix, t, &res, 1);
	}
}

/* Prints what cross-validation inside training predicted for m. */
static void
eval_print_fit(const char *what, const struct lrmodel *m)
{
	const struct model_fit *f = model_fit(m);

	printf("  %s: %zu examples (%zu real, %zu samples); T %.2f, beta "
	    "%.1f, threshold %.3f, expected precision %.1f%% coverage %.1f%% "
	    "(ECE %.3f, top-1 %.1f%% on %zu held out)\n", what,
	    model_examples(m), model_real_examples(m),
	    model_sample_examples(m), f->temperature, f->beta, f->threshold,
	    100 * f->precision, 100 * f->coverage, f->ece, 100 * f->top1,
	    f->held);
}

/* The worst departments of the confusion, with their main wrong target. */
static void
eval_worst(const struct eval *ev)
{
	size_t nd = ev->cfg->ndepartments, d, p, k, row, right, worst_p;
	double *acc = xcalloc(nd, sizeof *acc);
	unsigned char *shown = xcalloc(nd, 1);

	printf("\nworst departments (top-1 by the city's rule owner; most "
	    "frequent wrong destination):\n");
	for (d = 0; d < nd; d++) {
		for (p = 0, row = 0; p <= nd; p++)
			row += ev->confusion[d * (nd + 1) + p];
		acc[d] = row == 0 ? 2 : (double)ev->confusion[d * (nd + 1) +
		    d] / (double)row;
	}
	for (k = 0; k < EVAL_WORST; k++) {
		size_t w = nd;

		for (d = 0; d < nd; d++)
			if (!shown[d] && acc[d] <= 1 && (w == nd ||
			    acc[d] < acc[w]))
				w = d;
		if (w == nd)
			break;
		shown[w] = 1;
		for (p = 0, row = 0, worst_p = nd + 1; p <= nd; p++) {
			row += ev->confusion[w * (nd + 1) + p];
			if (p != w && (worst_p == nd + 1 ||
			    ev->confusion[w * (nd + 1) + p] >
			    ev->confusion[w * (nd + 1) + worst_p]))
				worst_p = p;
		}
		right = ev->confusion[w * (nd + 1) + w];
		printf("  %-10s %-14s %3zu/%-3zu %5.1f%%  -> %s x%zu\n",
		    ev->cfg->departments[w].id, ev->cfg->departments[w].name,
		    right, row, eval_pct(right, row), worst_p == nd ? "(none)" :
		    ev->cfg->departments[worst_p].id,
		    ev->confusion[w * (nd + 1) + worst_p]);
	}
	free(acc);
	free(shown);
}

/* Orders doubles ascending. */
static int
eval_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Prints time per classification. */
static void
eval_timing(struct eval *ev)
{
	if (ev->ntimes == 0)
		return;
	qsort(ev->times, ev->ntimes, sizeof *ev->times, eval_cmp_double);
	printf("\ntime per classification (normalise, catalogue, segment, "
	    "model; %zu tickets): p50 %.0f us, p99 %.0f us, max %.0f us\n",
	    ev->ntimes, 1e6 * ev->times[ev->ntimes / 2],
	    1e6 * ev->times[ev->ntimes * 99 / 100],
	    1e6 * ev->times[ev->ntimes - 1]);
}

/* Returns the department with the most tickets in the set. */
static int
eval_busiest(const struct eval *ev)
{
	size_t *per = xcalloc(ev->cfg->ndepartments, sizeof *per), i;
	int best = 0;

	for (i = 0; i < ev->n; i++)
		per[ev->t[i].right[0]]++;
	for (i = 0; i < ev->cfg->ndepartments; i++)
		if (per[i] > per[best])
			best = (int)i;
	free(per);
	return best;
}

/*
 * The stability check: the tickets of other departments that model m
 * dispatches right at once ("clear") must keep their department and their
 * auto-dispatch after 1, 5 and 50 corrections to the busiest department
 * (its own tickets, added again as dispatchers' corrections).
 */
static void
eval_stability(struct eval *ev, const struct lrmodel *m)
{
	static const size_t rounds[] = { 1, 5, 50 };
	struct classify_result res;
	struct model_example *extra;
	unsigned char *clear = xcalloc(ev->n, 1);
	size_t i, r, k, nclear = 0, kept, pool = 0;
	int target = eval_busiest(ev);
	struct lrmodel *m2;

	for (i = 0; i < ev->n; i++) {
		if (ev->t[i].right[0] == target) {
			pool++;
			continue;
		}
		eval_route(ev, m, &ev->t[i], &res);
		clear[i] = res.auto_dispatch && res.nsuggestions > 0 &&
		    eval_is_right(&ev->t[i], (int)(res.suggestions[0].department -
		    ev->cfg->departments));
		nclear += clear[i];
	}
	printf("\nstability: %zu clear tickets (auto-dispatched right), after "
	    "corrections to %s:\n", nclear, ev->cfg->departments[target].id);
	for (r = 0; r < sizeof rounds / sizeof rounds[0] && pool > 0; r++) {
		extra = xcalloc(rounds[r], sizeof *extra);
		for (k = 0, i = 0; k < rounds[r]; i = (i + 1) % ev->n)
			if (ev->t[i].right[0] == target)
				eval_example(ev, &extra[k++], ev->t[i].ntitle,
				    ev->t[i].ncontent, ev->t[i].district,
				    target, 0);
		m2 = eval_train(ev, ev->train, ev->ntrain, -3, extra,
		    rounds[r]);
		for (i = 0, kept = 0; i < ev->n; i++)
			if (clear[i]) {
				eval_route(ev, m2, &ev->t[i], &res);
				kept += res.auto_dispatch && res.nsuggestions >
				    0 && eval_is_right(&ev->t[i], (int)
				    (res.suggestions[0].department -
				    ev->cfg->departments));
			}
		printf("  %2zu corrections: %zu of %zu keep department and "
		    "auto-dispatch (%.1f%%)\n", rounds[r], kept, nclear,
		    eval_pct(kept, nclear));
		for (k = 0; k < rounds[r]; k++)
			model_vec_free(&extra[k].vec);
		free(extra);
		model_free(m2);
	}
	free(clear);
}

/*
 * Day one: a model trained on the seeds alone (the catalogue's keywords and
 * the seed file's samples), as a new installation routes before its first
 * correction, judged on every ticket of the set. The model's threshold
 * comes from the samples held out by group (learn.c); without samples the
 * daemon lets the catalogue decide, when the model's first choice agrees,
 * and so does this line.
 */
static void
eval_day_one(struct eval *ev, struct tally *day)
{
	struct classify_result res;
	struct lrmodel *m = eval_train(ev, NULL, 0, -3, NULL, 0);
	double *times = ev->times;	/* not timed: the same work */
	const struct department *cat_top;
	double cat_conf;
	int cat_auto;
	size_t i;

	ev->times = NULL;
	eval_print_fit("day-one model", m);
	for (i = 0; i < ev->n; i++) {
		eval_catalogue(ev, &ev->t[i], &res);
		cat_top = res.nsuggestions > 0 ? res.suggestions[0].department :
		    NULL;
		cat_conf = res.confidence;
		cat_auto = res.auto_dispatch && res.emergency == NULL;
		eval_route(ev, m, &ev->t[i], &res);
		if (model_fit(m)->held == 0) {	/* not calibrated: as learn.c */
			res.confidence = cat_conf;
			res.auto_dispatch = cat_auto && res.nsuggestions > 0 &&
			    res.suggestions[0].department == cat_top;
		}
		eval_count(ev, day, &ev->t[i], &res, 0);
	}
	ev->times = times;
	model_free(m);
}

/* Prints the emergency figures (and, with -v, every miss and false flag). */
static void
eval_print_emergencies(const struct eval *ev)
{
	printf("  emergencies: %zu flagged, %zu true; precision %.1f%% recall "
	    "%.1f%%, right line %zu of %zu\n", ev->em_flagged, ev->em_true,
	    eval_pct(ev->em_hit, ev->em_flagged), eval_pct(ev->em_hit,
	    ev->em_true), ev->em_line, ev->em_hit);
}

/* -E: the catalogue's emergency verdicts alone, no model (quick). */
static int
eval_emergencies_only(struct eval *ev, const char *set)
{
	struct classify_result res;
	size_t i;

	if (eval_read(ev, set, &ev->t, &ev->n) == -1)
		return -1;
	printf("\n%s: %zu tickets; emergencies only\n", set, ev->n);
	for (i = 0; i < ev->n; i++) {
		eval_catalogue(ev, &ev->t[i], &res);
		eval_emergency(ev, &ev->t[i], &res);
	}
	eval_print_emergencies(ev);
	return 0;
}

/* Runs the evaluation of set (trained on train_path if given). */
static int
eval_run(struct eval *ev, const char *set, const char *train_path)
{
	struct tally cat = { 0 }, mix = { 0 }, day = { 0 };
	struct lrmodel *m;
	size_t i;
	int f;

	if (eval_read(ev, set, &ev->t, &ev->n) == -1)
		return -1;
	if (train_path != NULL && eval_read(ev, train_path, &ev->train,
	    &ev->ntrain) == -1)
		return -1;
	ev->confusion = xcalloc(ev->cfg->ndepartments *
	    (ev->cfg->ndepartments + 1), sizeof *ev->confusion);
	ev->times = xcalloc(ev->n * 4 + 1, sizeof *ev->times);
	printf("\n%s: %zu tickets; %s; precision target %.2f\n", set, ev->n,
	    train_path != NULL ? "model trained on the seeds and the training "
	    "file" : "5-fold cross-validation (seeds + other folds)",
	    ev->target);
	if (train_path != NULL) {
		printf("  training file %s: %zu tickets\n", train_path,
		    ev->ntrain);
		m = eval_train(ev, ev->train, ev->ntrain, -3, NULL, 0);
		eval_print_fit("model", m);
		eval_test(ev, m, -2, &cat, &mix);
	} else {
		for (i = 0; i < ev->n; i++)
			ev->t[i].fold = (int)((i * 7919) % EVAL_FOLDS);
		for (f = 0; f < EVAL_FOLDS; f++) {
			m = eval_train(ev, ev->t, ev->n, f, NULL, 0);
			if (f == 0)
				eval_print_fit("fold 1 model", m);
			eval_test(ev, m, f, &cat, &mix);
			model_free(m);
		}
		ev->train = ev->t;
		ev->ntrain = ev->n;
		for (i = 0; i < ev->n; i++)
			ev->t[i].fold = -1;
		m = eval_train(ev, ev->t, ev->n, -3, NULL, 0);
	}
	eval_day_one(ev, &day);
	printf("\n");
	eval_print("catalogue alone", &cat);
	eval_print("catalogue + model", &mix);
	eval_print("day one (seeds only)", &day);
	eval_print_emergencies(ev);
	eval_worst(ev);
	eval_timing(ev);
	ev->times = (free(ev->times), NULL);
	eval_stability(ev, m);
	model_free(m);
	return 0;
}

int
main(int argc, char **argv)
{
	struct eval ev = { .target = -1 };
	const char *seeds = NULL, *train = NULL;
	char err[512];
	int c;

	setvbuf(stdout, NULL, _IOLBF, 0);	/* progress shows in a file too */
	while ((c = getopt(argc, argv, "DEp:S:T:v")) != -1)
		switch (c) {
		case 'D':
			ev.day_one_only = 1;
			break;
		case 'E':
			ev.emergencies_only = 1;
			break;
		case 'p':
			ev.target = atof(optarg);
			break;
		case 'S':
			seeds = optarg;
			break;
		case 'T':
			train = optarg;
			break;
		case 'v':
			ev.verbose = 1;
			break;
		default:
			goto usage;
		}
	if (argc - optind != 2)
		goto usage;
	if (normalize_init(err, sizeof err) == -1)
		fprintf(stderr, "eval: %s\n", err);
	if ((ev.cfg = config_load(argv[optind], err, sizeof err)) == NULL) {
		fprintf(stderr, "eval: %s\n", err);
		return 1;
	}
	if (ev.target < 0)
		ev.target = 0.97;
	ev.map = route_map_new(ev.cfg->entries, ev.cfg->nentries,
	    ev.cfg->departments, ev.cfg->ndepartments);
	eval_catalogue_seeds(&ev);
	if (seeds != NULL && seeds[0] != '\0')
		eval_seed_file(&ev, seeds);
	printf("hotline routing evaluation: %s, %zu departments, %zu "
	    "catalogue entries, %zu seed examples\n", argv[optind],
	    ev.cfg->ndepartments, ev.cfg->nentries, ev.nseeds);
	if (ev.day_one_only) {
		struct tally day = { 0 };

		if (eval_read(&ev, argv[optind + 1], &ev.t, &ev.n) == -1)
			return 1;
		eval_day_one(&ev, &day);
		eval_print("day one (seeds only)", &day);
		return 0;
	}
	if (ev.emergencies_only)
		return eval_emergencies_only(&ev, argv[optind + 1]) == 0 ? 0 :
		    1;
	return eval_run(&ev, argv[optind + 1], train) == 0 ? 0 : 1;
usage:
	fprintf(stderr, "usage: eval [-DEv] [-p precision] [-S seeds.tsv] "
	    "[-T train.tsv] hotlined.conf set.tsv\n");
	return 2;
}
