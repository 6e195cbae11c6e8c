/* Classification throughput: the daemon's Hyperscan catalogue against a naive strstr loop, per core; and the latency of a whole classification with the routing model. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hotlined.h"
#include "model.h"
#include "normalize.h"
#include "route.h"
#include "catgen.h"
#include "common.h"
#include "routebench.h"
#include "ticketgen.h"

#define MAX_SIZES 8

/* The options of one run. */
struct options {
	const char *conf;
	size_t sizes[MAX_SIZES];
	size_t nsizes;
	double seconds;
	size_t tickets;
	size_t print;
};

/* Per-department scores of the naive loop. */
struct naive {
	double *score;
	double *best;		/* per department: its heaviest count */
	size_t ndepartments;
};

/* One naive classification's outcome, as classify_text would rank it. */
struct verdict {
	long top;		/* department index, -1 when nothing matched */
	double confidence;
};

/* CPU seconds of this process, precisely. */
static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Prints how to call this program and exits 2. */
static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: bench-classify -c conf [-s 100,1000,10000] "
	    "[-t seconds] [-n tickets] [-p print]\n");
	exit(2);
}

/* Parses "100,1000,10000" into o->sizes. */
static void
parse_sizes(struct options *o, const char *s)
{
	char *copy = strdup(s), *tok, *save = NULL;

	o->nsizes = 0;
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (o->nsizes == MAX_SIZES)
			bench_die("-s: at most %d sizes", MAX_SIZES);
		o->sizes[o->nsizes++] = (size_t)bench_atol("-s", tok, 1, 20000);
	}
	free(copy);
}

/* Reads the command line. */
static void
parse_options(struct options *o, int argc, char *argv[])
{
	int ch;

	memset(o, 0, sizeof *o);
	parse_sizes(o, "100,1000,10000");
	o->seconds = 2;
	o->tickets = 2000;
	while ((ch = getopt(argc, argv, "c:n:p:s:t:")) != -1) {
		switch (ch) {
		case 'c':
			o->conf = optarg;
			break;
		case 'n':
			o->tickets = (size_t)bench_atol("-n", optarg, 10, 1000000);
			break;
		case 'p':
			o->print = (size_t)bench_atol("-p", optarg, 0, 1000);
			break;
		case 's':
			parse_sizes(o, optarg);
			break;
		case 't':
			o->seconds = bench_atof("-t", optarg, 0.1, 600);
			break;
		default:
			usage();
		}
	}
	if (o->conf == NULL || optind != argc)
		usage();
}

/* Classifies tickets in turn for at least seconds of CPU; returns tickets per CPU second. */
static double
run_hyperscan(const struct catalogue *cat, const struct routing_spec *rs,
    const struct bench_ticket *pool, size_t n, double seconds)
{
	struct classify_result res;
	double t0, t = 0;
	size_t done = 0;

	for (done = 0; done < n / 10; done++)	/* warm caches, not counted */
		classify_text(cat, rs, pool[done].title, pool[done].content,
		    pool[done].district, &res);
	t0 = cpu_now();
	done = 0;
	do {
		const struct bench_ticket *tk = &pool[done % n];

		if (classify_text(cat, rs, tk->title, tk->content, tk->district,
		    &res) == -1)
			bench_die("classify_text failed");
		done++;
	} while ((done % 64 != 0) || (t = cpu_now() - t0) < seconds);
	return done / t;
}

/* Returns 1 if entry e applies in district (as classify.c decides). */
static int
naive_applies(const struct catalogue_entry *e, const char *district)
{
	size_t i;

	if (e->ndistricts == 0)
		return 1;
	for (i = 0; i < e->ndistricts; i++)
		if (strcmp(e->districts[i], district) == 0)
			return 1;
	return 0;
}

/* Returns 1 if any keyword of e occurs in text. */
static int
naive_matches(const struct catalogue_entry *e, const char *text)
{
	size_t k;

	for (k = 0; k < e->nkeywords; k++)
		if (strstr(text, e->keywords[k]) != NULL)
			return 1;
	return 0;
}

/*
 * The naive classifier: strstr of every keyword of every entry; scores
 * like classify.c (CLASSIFY_TITLE, CLASSIFY_REST) and ranks like it.
 */
static struct verdict
naive_classify(struct naive *nv, const struct config *conf,
    const struct catgen *cg, const struct bench_ticket *t)
{
	struct verdict v = { -1, 0 };
	double sum = 0, w;
	size_t i, d;

	memset(nv->score, 0, nv->ndepartments * sizeof *nv->score);
	memset(nv->best, 0, nv->ndepartments * sizeof *nv->best);
	for (i = 0; i < cg->n; i++) {
		const struct catalogue_entry *e = &cg->entries[i];

		if (!naive_applies(e, t->district))
			continue;
		if (naive_matches(e, t->title))
			w = e->weight * CLASSIFY_TITLE;
		else if (naive_matches(e, t->content))
			w = e->weight;
		else
			continue;
		for (d = 0; d < nv->ndepartments; d++)
			if (strcmp(conf->departments[d].id, e->department) == 0) {
				nv->score[d] += w;
				if (w > nv->best[d])
					nv->best[d] = w;
			}
	}
	for (d = 0; d < nv->ndepartments; d++) {
		nv->score[d] = nv->best[d] + CLASSIFY_REST *
		    (nv->score[d] - nv->best[d]);
		sum += nv->score[d];
		if (nv->score[d] > 0 && (v.top == -1 ||
		    nv->score[d] > nv->score[v.top] ||
		    (nv->score[d] == nv->score[v.top] &&
		    strcmp(conf->departments[d].id,
		    conf->departments[v.top].id) < 0)))
			v.top = (long)d;
	}
	if (v.top >= 0)
		v.confidence = nv->score[v.top] / (sum + conf->routing.prior);
	return v;
}

/* Returns 1 if the daemon's classification agrees with the naive verdict. */
static int
agrees(const struct catalogue *cat, const struct config *conf,
    const struct bench_ticket *t, struct verdict v)
{
	struct classify_result res;
	double diff;

	classify_text(cat, &conf->routing, t->title, t->content, t->district,
	    &res);
	if (res.nsuggestions == 0 || v.top < 0)
		return res.nsuggestions == 0 && v.top < 0;
	diff = res.confidence - v.confidence;
	return strcmp(res.suggestions[0].department->id,
	    conf->departments[v.top].id) == 0 && diff < 1e-9 && diff > -1e-9;
}

/* Runs the naive loop for at least seconds of CPU; returns tickets per CPU second. */
static double
run_naive(const struct catalogue *cat, const struct config *conf,
    const struct catgen *cg, const struct bench_ticket *pool, size_t n,
    double seconds, size_t *checked, size_t *agreed)
{
	struct naive nv;
	struct verdict *v;
	double t0, t = 0;
	size_t done = 0, i;

	nv.ndepartments = conf->ndepartments;
	if ((nv.score = calloc(nv.ndepartments, sizeof *nv.score)) == NULL ||
	    (nv.best = calloc(nv.ndepartments, sizeof *nv.best)) == NULL ||
	    (v = calloc(n, sizeof *v)) == NULL)
		bench_die("out of memory");
	t0 = cpu_now();
	do {
		v[done % n] = naive_classify(&nv, conf, cg, &pool[done % n]);
		done++;
	} while (done < 10 || (t = cpu_now() - t0) < seconds);
	*checked = done < n ? done : n;
	for (i = *agreed = 0; i < *checked; i++)
		*agreed += agrees(cat, conf, &pool[i], v[i]);
	free(nv.score);
	free(nv.best);
	free(v);
	return done / t;
}

/* Returns a copy of text with the first from replaced by to (from must be there). */
static char *
replace_once(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	char *out;

	if (at == NULL)
		bench_die("the config has no %s", from);
	if (asprintf(&out, "%.*s%s%s", (int)(at - text), text, to,
	    at + strlen(from)) < 0)
		bench_die("out of memory");
	return out;
}

/* Returns the whole file at path, NUL-terminated. */
static char *
read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;

	if (f == NULL || getdelim(&buf, &len, '\0', f) < 0)
		bench_die("%s: cannot read", path);
	fclose(f);
	return buf;
}

/*
 * Writes cg as a catalogue file beside a copy of the main config o->conf
 * pointing at it, and returns the milliseconds config_load takes to read,
 * normalise and compile it all: what startup and a reload cost.
 */
static double
measure_load(const char *conf_path, const struct config *conf,
    const struct catgen *cg)
{
	char dir[] = "/tmp/bench-classify-XXXXXX", main_path[64], cat[64];
	char to[128], *text, *step, *abs, err[1024];
	struct config *loaded;
	double ms;
	int64_t t0;
	FILE *f;

	if (mkdtemp(dir) == NULL || (abs = realpath(conf_path, NULL)) == NULL)
		bench_die("cannot make a directory for the catalogue");
	*strrchr(abs, '/') = '\0';
	snprintf(main_path, sizeof main_path, "%s/hotlined.conf", dir);
	snprintf(cat, sizeof cat, "%s/catalogue.conf", dir);
	if ((f = fopen(cat, "w")) == NULL)
		bench_die("%s: cannot write", cat);
	catgen_write(cg, conf, f);
	fclose(f);
	text = read_text(conf_path);
	snprintf(to, sizeof to, "catalogue = \"%s\"", cat);
	step = replace_once(text, "catalogue = \"catalogue.conf\"", to);
	free(text);
	if (asprintf(&text, "dir = \"%s/calendar\"", abs) < 0)
		bench_die("out of memory");
	free(abs);
	abs = replace_once(step, "dir = \"calendar\"", text);
	if ((f = fopen(main_path, "w")) == NULL || fputs(abs, f) < 0)
		bench_die("%s: cannot write", main_path);
	fclose(f);
	free(text);
	free(step);
	free(abs);
	t0 = bench_now_us();
	if ((loaded = config_load(main_path, err, sizeof err)) == NULL)
		bench_die("generated catalogue: %s", err);
	ms = (bench_now_us() - t0) / 1000.0;
	config_free(loaded);
	unlink(cat);
	unlink(main_path);
	rmdir(dir);
	return ms;
}

/* Orders doubles ascending. */
static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Latency of whole classifications with the model: p50, p99 (us) and the training time (s). */
static void
measure_model(const struct catalogue *cat, const struct config *conf,
    const struct catgen *cg, const struct bench_ticket *pool, size_t n,
    struct bench_result *r)
{
	struct route_map *map = route_map_new(cg->entries, cg->n,
	    conf->departments, conf->ndepartments);
	double *lat = calloc(n + 1, sizeof *lat), *lprob, *prob, train;
	struct lrmodel *m;
	int64_t t0 = bench_now_us();
	size_t i;

	m = routebench_seeded(cat, conf, cg->entries, cg->n, map);
	train = (double)(bench_now_us() - t0) / 1e6;
	lprob = calloc(route_map_nlabels(map) + 1, sizeof *lprob);
	prob = calloc(conf->ndepartments + 1, sizeof *prob);
	if (lat == NULL || lprob == NULL || prob == NULL)
		bench_die("out of memory");
	for (i = 0; i < n / 10; i++)	/* warm caches, not counted */
		routebench_one(cat, conf, map, m, &pool[i], lprob, prob);
	for (i = 0; i < n; i++)
		lat[i] = routebench_one(cat, conf, map, m, &pool[i], lprob, prob);
	qsort(lat, n, sizeof *lat, cmp_double);
	bench_result_add(r, "model_p50_us", lat[n / 2]);
	bench_result_add(r, "model_p99_us", lat[n * 99 / 100]);
	bench_result_add(r, "model_train_s", train);
	free(lat);
	free(lprob);
	free(prob);
	model_free(m);
	route_map_free(map);
}

/* Measures one catalogue size and prints its result line. */
static void
measure_size(const char *conf_path, const struct config *conf, size_t size,
    const struct bench_ticket *pool, size_t n, double seconds)
{
	struct bench_result r;
	struct catalogue *cat;
	struct catgen cg;
	char err[512], key[32], label[160];
	size_t checked, agreed;
	double c0, load, fast, slow;
	int64_t t0;

	catgen_build(&cg, conf, size, (unsigned)size);
	t0 = bench_now_us();
	cat = catalogue_compile(cg.entries, cg.n, conf->departments,
	    conf->ndepartments, err, sizeof err);
	if (cat == NULL)
		bench_die("catalogue of %zu entries: %s", size, err);
	c0 = (bench_now_us() - t0) / 1000.0;
	load = measure_load(conf_path, conf, &cg);
	bench_note("%zu entries, %zu keywords: compiled in %.0f ms, loaded "
	    "(read, normalised, compiled) in %.0f ms", size, cg.nkeywords, c0,
	    load);
	fast = run_hyperscan(cat, &conf->routing, pool, n, seconds);
	slow = run_naive(cat, conf, &cg, pool, n, seconds, &checked, &agreed);
	snprintf(key, sizeof key, "entries_%zu", size);
	snprintf(label, sizeof label, "%zu entries (%zu keywords): Hyperscan, "
	    "naive strstr, ratio", size, cg.nkeywords);
	bench_result_init(&r, "classify", key, "tickets/s/core", label);
	bench_result_add(&r, "hyperscan", fast);
	bench_result_add(&r, "naive", slow);
	bench_result_add(&r, "ratio", fast / slow);
	bench_result_add(&r, "compile_ms", c0);
	bench_result_add(&r, "load_ms", load);
	bench_result_add(&r, "agree_pct", 100.0 * agreed / checked);
	bench_result_add(&r, "keywords", (double)cg.nkeywords);
	measure_model(cat, conf, &cg, pool, n, &r);
	bench_result_print(&r);
	catalogue_free(cat);
	catgen_free(&cg);
}

/* Orders sizes for the median. */
static int
cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (x > y) - (x < y);
}

/* Prints the generated tickets' shape and how the real catalogue routes them. */
static void
report_mix(const struct config *conf, const struct bench_ticket *pool, size_t n)
{
	struct classify_result res;
	struct bench_result r;
	size_t *chars, i, dispatched = 0, confidential = 0;
	double sum = 0;

	if ((chars = calloc(n, sizeof *chars)) == NULL)
		bench_die("out of memory");
	for (i = 0; i < n; i++) {
		classify_text(conf->catalogue, &conf->routing, pool[i].title,
		    pool[i].content, pool[i].district, &res);
		dispatched += res.auto_dispatch;
		confidential += pool[i].confidential;
		chars[i] = pool[i].chars;
		sum += (double)pool[i].chars;
	}
	qsort(chars, n, sizeof *chars, cmp_size);
	bench_result_init(&r, "classify", "ticket_mix", "chars",
	    "generated tickets: content length; routed by conf/catalogue.conf");
	bench_result_add(&r, "mean", sum / n);
	bench_result_add(&r, "p50", (double)chars[n / 2]);
	bench_result_add(&r, "p99", (double)chars[n * 99 / 100]);
	bench_result_add(&r, "max", (double)chars[n - 1]);
	bench_result_add(&r, "auto_dispatch_pct", 100.0 * dispatched / n);
	bench_result_add(&r, "confidential_pct", 100.0 * confidential / n);
	bench_result_print(&r);
	free(chars);
}

/* Prints sample tickets with their routing, for a look at the load. */
static void
print_samples(const struct config *conf, const struct bench_ticket *pool,
    size_t n)
{
	struct classify_result res;
	size_t i;

	for (i = 0; i < n; i++) {
		classify_text(conf->catalogue, &conf->routing, pool[i].title,
		    pool[i].content, pool[i].district, &res);
		fprintf(stderr, "[%zu] %s | %s | type %d | %zu chars | -> %s "
		    "(%.2f%s)\n%s\n\n", i, pool[i].title, pool[i].address,
		    pool[i].type, pool[i].chars, res.nsuggestions > 0 ?
		    res.suggestions[0].department->name : "nobody",
		    res.confidence, res.auto_dispatch ? ", dispatched" :
		    ", triage", pool[i].content);
	}
}

/* Parses the options, runs the measurement and prints its result lines. */
int
main(int argc, char *argv[])
{
	struct options o;
	struct config *conf;
	struct bench_ticket *pool;
	char err[1024];
	size_t i;

	bench_set_name(argv[0]);
	parse_options(&o, argc, argv);
	if (normalize_init(err, sizeof err) == -1)
		bench_note("OpenCC: %s (as the daemon, going on without it)", err);
	if ((conf = config_load(o.conf, err, sizeof err)) == NULL)
		bench_die("%s", err);
	pool = ticketgen_pool(1, o.tickets);
	print_samples(conf, pool, o.print < o.tickets ? o.print : o.tickets);
	report_mix(conf, pool, o.tickets);
	for (i = 0; i < o.nsizes; i++)
		measure_size(o.conf, conf, o.sizes[i], pool, o.tickets,
		    o.seconds);
	free(pool);
	config_free(conf);
	return 0;
}
