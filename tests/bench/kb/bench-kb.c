/* make bench-kb: knowledge-base search latency (p50/p99) over N articles (default 20,000) made from the demo articles, through hotlined and a private PostgreSQL, with the dev questions as queries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>

#include "../../integration/harness.h"
#include "../../integration/harness-pg.h"
#include "../../eval/kb-load.h"

#define BENCH_KB_QUESTIONS 1024
#define BENCH_KB_WARMUP 200

/*
 * n articles: article k is demo article k mod the demo's count, with its
 * published version's title, questions and answer, plus a question and a
 * title word of two other demo articles, so no two are alike and every
 * term is shared by many (the index's worst case, more than a real base).
 */
static json_t *
bench_kb_articles(json_t *demo, int n)
{
	json_t *out = json_array();
	size_t nd = json_array_size(demo);
	int k;

	srand(12345);
	for (k = 0; k < n; k++) {
		json_t *base = json_array_get(demo, (size_t)k % nd);
		json_t *o1 = json_array_get(demo, (size_t)rand() % nd);
		json_t *o2 = json_array_get(demo, (size_t)rand() % nd);
		json_t *vs = json_object_get(base, "versions");
		json_t *v = json_deep_copy(json_array_get(vs,
		    json_array_size(vs) - 1));
		json_t *oq = json_object_get(json_array_get(json_object_get(o1,
		    "versions"), 0), "questions");
		const char *t2 = json_string_value(json_object_get(
		    json_array_get(json_object_get(o2, "versions"), 0), "title"));
		char id[32], *title;

		snprintf(id, sizeof id, "bench-%05d", k);
		title = NULL;
		if (asprintf(&title, "%s（%s）", json_string_value(
		    json_object_get(v, "title")), t2) < 0)
			abort();
		json_object_set_new(v, "title", json_string(title));
		free(title);
		json_object_set_new(v, "version", json_integer(1));
		json_object_set_new(v, "status", json_string("published"));
		json_object_set_new(v, "valid_until", json_string(""));
		if (json_array_size(oq) > 0)
			json_array_append(json_object_get(v, "questions"),
			    json_array_get(oq, 0));
		json_array_append_new(out, json_pack("{s:s,s:O,s:s,s:[o]}", "id",
		    id, "owner", json_object_get(base, "owner"), "status",
		    "published", "versions", v));
	}
	return out;
}

/* Reads up to max questions (column 2) of a question set. */
static int
bench_kb_questions(const char *path, char **q, int max)
{
	char line[8192], *p, *f;
	FILE *in = fopen(path, "r");
	int n = 0;

	if (in == NULL) {
		perror(path);
		return -1;
	}
	while (n < max && fgets(line, sizeof line, in) != NULL) {
		if (line[0] == '#')
			continue;
		p = line;
		strsep(&p, "\t");
		if ((f = strsep(&p, "\t")) != NULL && *f != '\0')
			q[n++] = strdup(f);
	}
	fclose(in);
	return n;
}

/* Compares two doubles for qsort. */
static int
bench_kb_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Milliseconds on the monotonic clock. */
static double
bench_kb_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Runs searches of the questions, cycling; prints p50, p99 and the maximum. */
static int
bench_kb_run(struct hl_client *c, char **q, int nq, int searches, int narticles)
{
	Hotline__KbSearchRequest r = HOTLINE__KB_SEARCH_REQUEST__INIT;
	double *ms = calloc((size_t)searches, sizeof *ms), t;
	Hotline__Envelope *rep;
	struct hl_error err;
	int i;

	r.district = "";
	r.limit = 3;
	for (i = -BENCH_KB_WARMUP; i < searches; i++) {
		r.words = q[(i + BENCH_KB_WARMUP) % nq];
		t = bench_kb_ms();
		if ((rep = harness_call(c, BODY(KB_SEARCH), &r, &err)) == NULL) {
			fprintf(stderr, "bench-kb: %s\n", err.message);
			free(ms);
			return -1;
		}
		if (i >= 0)
			ms[i] = bench_kb_ms() - t;
		hl_envelope_free(rep);
	}
	qsort(ms, (size_t)searches, sizeof *ms, bench_kb_cmp);
	printf("kb search over %d articles, %d searches (one client, limit 3): "
	    "p50 %.2f ms, p99 %.2f ms, max %.2f ms (target p99 <= 20 ms)\n",
	    narticles, searches, ms[searches / 2], ms[searches * 99 / 100],
	    ms[searches - 1]);
	free(ms);
	return 0;
}

int
main(int argc, char **argv)
{
	struct harness h;
	struct harness_pg pg;
	struct hl_client *c = NULL;
	char *q[BENCH_KB_QUESTIONS];
	int n = argc > 3 ? atoi(argv[3]) : 20000, nq, rc = 1;
	json_error_t jerr;
	json_t *demo, *a = NULL;

	if (argc < 3) {
		fprintf(stderr, "usage: bench-kb articles.json questions.tsv "
		    "[articles]\n");
		return 2;
	}
	if ((demo = json_load_file(argv[1], 0, &jerr)) == NULL ||
	    (nq = bench_kb_questions(argv[2], q, BENCH_KB_QUESTIONS)) <= 0) {
		fprintf(stderr, "bench-kb: cannot read %s or %s\n", argv[1],
		    argv[2]);
		return 1;
	}
	a = bench_kb_articles(demo, n);
	memset(&h, 0, sizeof h);
	memset(&pg, 0, sizeof pg);
	if (harness_pg_group_start(&h, &pg, "dispatcher01", &c) == -1)
		goto out;
	hl_close(c);
	if (kb_load_departments(&h, demo) == -1 ||
	    (c = harness_login(&h, "dispatcher01")) == NULL ||
	    kb_load_import(c, a) == -1)
		goto out;
	hl_close(c);
	if ((c = harness_login(&h, "agent01")) == NULL ||
	    bench_kb_run(c, q, nq, 1000, n) == -1)
		goto out;
	rc = 0;
out:
	if (c != NULL)
		hl_close(c);
	json_decref(demo);
	json_decref(a);
	harness_pg_stop(&pg);
	harness_group_stop(&h, NULL);
	return rc;
}
