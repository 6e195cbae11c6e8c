/* make bench-kb: knowledge-base search latency (p50/p99) over N articles (default 20,000) made from the demo articles, with the dev questions as queries: the ranking's SQL alone, before (the one-statement query of the previous version) and now (hotline.kb_search), side by side on the same data; kb search through hotlined; and classify's latency without and with 知识库建议. */
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
#include <libpq-fe.h>

#include "../../integration/harness.h"
#include "../../integration/harness-pg.h"
#include "../../eval/kb-load.h"
#include "kb.h"
#include "kb-sql.h"

#define BENCH_KB_QUESTIONS 1024
#define BENCH_KB_WARMUP 200
#define BENCH_KB_SQL_RUNS 500

/*
 * The search as it was before 030-kb-search.sql (kept here to measure it
 * beside the new one on the same data): one statement, planned for every
 * search, seeded by the 10 rarest terms' every posting, 100 candidates
 * scored in full; its terms kept function words.
 */
static const char bench_kb_old_sql[] =
"WITH n AS (SELECT coalesce((SELECT df FROM hotline.kb_df WHERE term = ''), 0) + 1 AS n),"
" q AS (SELECT d.term, ln(1 + (n.n - d.df + 0.5::float8) / (d.df + 0.5::float8)) AS idf"
"  FROM hotline.kb_df d, n WHERE d.term = ANY($1::text[]) AND d.term <> ''),"
" seeds AS (SELECT term, idf FROM q WHERE idf >= 0.5"
"  ORDER BY idf DESC, term LIMIT 10),"
" today AS (SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date AS d),"
" c AS (SELECT v.vid FROM (SELECT p.vid, sum(seeds.idf * p.w) AS partial"
"   FROM seeds JOIN hotline.kb_postings p ON p.term = seeds.term"
"   GROUP BY p.vid ORDER BY 2 DESC, 1 LIMIT 1000) ps"
"  JOIN hotline.kb_versions v ON v.vid = ps.vid"
"  JOIN hotline.kb_articles a ON a.id = v.id, today"
"  WHERE v.status = 'published' AND a.status = 'published'"
"  AND (v.valid_from IS NULL OR v.valid_from <= today.d)"
"  AND (v.valid_until IS NULL OR v.valid_until >= today.d)"
"  AND ($2 = '' OR cardinality(v.districts) = 0 OR $2 = ANY(v.districts)"
"   OR $4 = ANY(v.districts))"
"  ORDER BY ps.partial DESC, ps.vid LIMIT 100),"
" s AS (SELECT c.vid, x.score, x.matched FROM c CROSS JOIN LATERAL"
"  (SELECT sum(q.idf * p.w) AS score, sum(q.idf) AS matched FROM q"
"   JOIN hotline.kb_postings p ON p.term = q.term AND p.vid = c.vid) x),"
" total AS (SELECT coalesce((SELECT sum(idf) FROM q), 0) +"
"  (cardinality($1::text[]) - (SELECT count(*) FROM q)) * ln(1 + n.n) AS t FROM n)"
" SELECT v.id, v.version, s.score, s.matched / greatest(total.t, 0.001),"
"  v.title, a.owner, v.answer, array_to_json(v.questions)::text,"
"  coalesce(v.valid_until::text, ''), v.basis::text"
" FROM s JOIN hotline.kb_versions v ON v.vid = s.vid"
" JOIN hotline.kb_articles a ON a.id = v.id, total"
" ORDER BY s.score DESC, v.id LIMIT $3::int";

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

/* Sorts n samples and prints what, p50, p99 and the maximum. */
static void
bench_kb_print(const char *what, double *ms, int n)
{
	qsort(ms, (size_t)n, sizeof *ms, bench_kb_cmp);
	printf("%s: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", what, ms[n / 2],
	    ms[n * 99 / 100], ms[n - 1]);
}

/* The text[] literal of the terms of words (function words out if query); a new string or NULL. */
static char *
bench_kb_terms(const char *words, int query)
{
	struct kb_terms *t = query ? kb_terms_query(words) : kb_terms_new();
	char *a;

	if (!query)
		kb_terms_add(t, KB_QUESTIONS, words);
	a = kb_terms_array(t);
	kb_terms_free(t);
	return a;
}

/*
 * Runs the old and the new search SQL alone, interleaved (question by
 * question, so both see the same load), on db; prints both.
 */
static int
bench_kb_sql(PGconn *db, char **q, int nq, int narticles)
{
	double *old = calloc(BENCH_KB_SQL_RUNS, sizeof *old);
	double *now = calloc(BENCH_KB_SQL_RUNS, sizeof *now), t;
	const char *p[4] = { NULL, "", "3", "" };
	char *terms[2], what[160];
	PGresult *res;
	int i, k, rc = 0;

	for (i = -BENCH_KB_WARMUP / 4; i < BENCH_KB_SQL_RUNS && rc == 0; i++) {
		terms[0] = bench_kb_terms(q[(i + nq) % nq], 0);
		terms[1] = bench_kb_terms(q[(i + nq) % nq], 1);
		for (k = 0; k < 2 && rc == 0; k++) {
			p[0] = terms[k] != NULL ? terms[k] : "{}";
			t = bench_kb_ms();
			res = PQexecParams(db, k == 0 ? bench_kb_old_sql :
			    kb_search_sql, 4, NULL, p, NULL, NULL, 0);
			if (PQresultStatus(res) != PGRES_TUPLES_OK) {
				fprintf(stderr, "bench-kb: %s",
				    PQresultErrorMessage(res));
				rc = -1;
			}
			PQclear(res);
			if (i >= 0)
				(k == 0 ? old : now)[i] = bench_kb_ms() - t;
		}
		free(terms[0]);
		free(terms[1]);
	}
	if (rc == 0) {
		snprintf(what, sizeof what, "kb search SQL alone over %d articles, "
		    "%d searches, before (one statement)", narticles,
		    BENCH_KB_SQL_RUNS);
		bench_kb_print(what, old, BENCH_KB_SQL_RUNS);
		snprintf(what, sizeof what, "kb search SQL alone over %d articles, "
		    "%d searches, now (hotline.kb_search)", narticles,
		    BENCH_KB_SQL_RUNS);
		bench_kb_print(what, now, BENCH_KB_SQL_RUNS);
	}
	free(old);
	free(now);
	return rc;
}

/* Runs searches of the questions through hotlined, cycling; prints p50, p99 and the maximum. */
static int
bench_kb_run(struct hl_client *c, char **q, int nq, int searches, int narticles)
{
	Hotline__KbSearchRequest r = HOTLINE__KB_SEARCH_REQUEST__INIT;
	double *ms = calloc((size_t)searches, sizeof *ms), t;
	Hotline__Envelope *rep;
	struct hl_error err;
	char what[160];
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
	snprintf(what, sizeof what, "kb search through hotlined over %d "
	    "articles, %d searches (one client, limit 3; target p99 <= 20 ms)",
	    narticles, searches);
	bench_kb_print(what, ms, searches);
	free(ms);
	return 0;
}

/* Sets kb.suggest (0: no suggestions) and reloads, as admin01. */
static int
bench_kb_suggest(struct harness *h, int suggest)
{
	static char now[64] = "calendar = {";
	Hotline__ReloadRequest req = HOTLINE__RELOAD_REQUEST__INIT;
	struct hl_client *admin = harness_login(h, "admin01");
	Hotline__Envelope *rep;
	struct hl_error err;
	char to[64];

	snprintf(to, sizeof to, "kb = { suggest = %d; };\ncalendar = {",
	    suggest);
	if (admin == NULL || harness_edit_config(&h->main, now, to) == -1)
		return -1;
	memcpy(now, to, sizeof now);
	rep = harness_call(admin, BODY(RELOAD), &req, &err);
	hl_close(admin);
	if (rep == NULL)
		fprintf(stderr, "bench-kb: reload: %s\n", err.message);
	hl_envelope_free(rep);
	return rep == NULL ? -1 : 0;
}

/* Classifies the questions (title and content) through hotlined; prints the latency and how many carried suggestions or were pending. */
static int
bench_kb_classify(struct hl_client *c, char **q, int nq, int n, const char *what)
{
	Hotline__ClassifyRequest r = HOTLINE__CLASSIFY_REQUEST__INIT;
	double *ms = calloc((size_t)n, sizeof *ms), t;
	Hotline__Envelope *rep;
	struct hl_error err;
	int i, with = 0, pending = 0;
	char line[200];

	r.district = "";
	r.street = "";
	for (i = -BENCH_KB_WARMUP / 4; i < n; i++) {
		r.title = q[(i + nq) % nq];
		r.content = q[(i + nq + 1) % nq];
		t = bench_kb_ms();
		if ((rep = harness_call(c, BODY(CLASSIFY), &r, &err)) == NULL) {
			fprintf(stderr, "bench-kb: %s\n", err.message);
			free(ms);
			return -1;
		}
		if (i >= 0) {
			ms[i] = bench_kb_ms() - t;
			with += rep->classified->n_kb_suggestions > 0;
			pending += rep->classified->kb_pending;
		}
		hl_envelope_free(rep);
	}
	snprintf(line, sizeof line, "classify, %s, %d (with suggestions %d, "
	    "pending %d; target p99 <= 5 ms)", what, n, with, pending);
	bench_kb_print(line, ms, n);
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
	PGconn *db = NULL;
	char err[256];

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
	c = NULL;
	if ((db = harness_pg_connect(&pg)) == NULL || kb_terms_init(err,
	    sizeof err) == -1 || bench_kb_sql(db, q, nq, n) == -1)
		goto out;
	if ((c = harness_login(&h, "agent01")) == NULL ||
	    bench_kb_run(c, q, nq, 1000, n) == -1 ||
	    bench_kb_suggest(&h, 0) == -1 ||
	    bench_kb_classify(c, q, nq, 500, "kb.suggest 0") == -1 ||
	    bench_kb_suggest(&h, 3) == -1 ||
	    bench_kb_classify(c, q, nq, 500, "kb.suggest 3, default wait") ==
	    -1)
		goto out;
	rc = 0;
out:
	if (c != NULL)
		hl_close(c);
	if (db != NULL)
		PQfinish(db);
	json_decref(demo);
	json_decref(a);
	harness_pg_stop(&pg);
	harness_group_stop(&h, NULL);
	return rc;
}
