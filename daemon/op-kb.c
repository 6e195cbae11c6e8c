/* The knowledge base's requests (政策咨询知识库): search by the citizen's words, import and export in the exchange format, answered from PostgreSQL. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "hotlined.h"
#include "archive.h"
#include "kb.h"
#include "kb-sql.h"

#define KB_LIMIT_DEFAULT 5
#define KB_LIMIT_MAX 50

/* Runs a query on the search connection; answers UNAVAILABLE when it cannot take it. */
void
kb_query(struct request *r, const char *sql, int n, const char *const *p,
    archive_answer answer)
{
	if (search_configured() && !kb_ready()) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    NULL, ZH_EN("知识库尚未就绪（正在连接 PostgreSQL 或建立表结构），"
		    "请稍后重试", "the knowledge base is not ready (PostgreSQL "
		    "connecting, or its schema being applied); retry shortly"));
		return;
	}
	if (search_query(r, sql, n, p, answer) == 0)
		return;
	request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_UNAVAILABLE, NULL,
	    search_configured() ? ZH_EN("知识库（PostgreSQL）无法连接，请稍后"
	    "重试", "the knowledge base (PostgreSQL) is unreachable; retry "
	    "later") : ZH_EN("本服务未配置存放知识库的归档库（hotlined.conf："
	    "archive）", "this daemon has no archive (hotlined.conf: archive) "
	    "holding a knowledge base"));
}

/* The query's terms of words (NULL when segmenting is impossible). */
static struct kb_terms *
kb_query_terms(const char *words)
{
	char err[256];

	if (kb_terms_init(err, sizeof err) == -1) {
		log_warnx("kb: %s", err);
		return NULL;
	}
	return kb_terms_query(words);
}

/* "document (number)" for each basis entry of the JSON text. */
static void
kb_hit_basis(Hotline__KbHit *h, const char *text)
{
	json_t *a = json_loads(text, 0, NULL), *b;
	size_t i;

	if (!json_is_array(a)) {
		json_decref(a);
		return;
	}
	h->basis = xcalloc(json_array_size(a) + 1, sizeof *h->basis);
	json_array_foreach(a, i, b) {
		const char *doc = json_string_value(json_object_get(b,
		    "document")), *num = json_string_value(json_object_get(b,
		    "number"));

		if (doc == NULL)
			continue;
		h->basis[h->n_basis++] = num != NULL && *num != '\0' ?
		    xasprintf("%s（%s）", doc, num) : xstrdup(doc);
	}
	json_decref(a);
}

/* Row i's 常见问法 (JSON text in column 7) as an array into *a (to json_decref) of *n; a new array. */
static const char **
kb_row_questions(struct pg_result *res, int i, json_t **a, size_t *n)
{
	const char **v;
	json_t *e;
	size_t k;

	*a = json_loads(pg_value(res, i, 7), 0, NULL);
	*n = json_array_size(*a);
	v = xcalloc(*n + 1, sizeof *v);
	json_array_foreach(*a, k, e)
		v[k] = json_is_string(e) ? json_string_value(e) : "";
	return v;
}

/* The passage of row i that matched q. */
static char *
kb_hit_passage(const struct kb_terms *q, struct pg_result *res, int i)
{
	json_t *a;
	size_t n;
	const char **v = kb_row_questions(res, i, &a, &n);
	char *out;

	out = kb_passage(q, pg_value(res, i, 4), v, n, pg_value(res, i, 6));
	free(v);
	json_decref(a);
	return out;
}

/*
 * 1 if row i is a good match for the query q whose best hit scored top
 * (kb_good): it covers the question, or one of its questions is the
 * caller's; not one minor word, not far behind the best. *key gets its
 * kb_key_coverage.
 */
static int
kb_hit_good(struct pg_result *res, int i, const struct kb_terms *q,
    double top, double *key)
{
	struct kb_good_row g = {
		.score = atof(pg_value(res, i, 2)),
		.coverage = atof(pg_value(res, i, 3)),
		.matched = atoi(pg_value(res, i, 10)),
	};
	struct kb_key_row k = {
		.terms = pg_value(res, i, 11),
		.n = atof(pg_value(res, i, 12)),
		.dict = pg_value(res, i, 13),
		.made = pg_value(res, i, 14)[0] == 't',
		.title = pg_value(res, i, 4),
		.questions = pg_value(res, i, 7),
	};
	int words;

	g.key_coverage = *key = kb_key_coverage_row(q, &k, &words);
	return kb_good(&g, kb_terms_count(q), top);
}

/* One hit from row i of the search's result, judged good (with key coverage key) or not. */
static Hotline__KbHit *
kb_hit(const struct kb_terms *q, struct pg_result *res, int i, int good,
    double key)
{
	Hotline__KbHit *h = xmalloc(sizeof *h);

	hotline__kb_hit__init(h);
	h->id = xstrdup(pg_value(res, i, 0));
	h->version = (uint32_t)atoi(pg_value(res, i, 1));
	h->score = atof(pg_value(res, i, 2));
	h->coverage = atof(pg_value(res, i, 3));
	h->good = good;
	h->key_coverage = key;
	h->title = xstrdup(pg_value(res, i, 4));
	h->owner = xstrdup(pg_value(res, i, 5));
	h->answer = xstrdup(pg_value(res, i, 6));
	h->passage = kb_hit_passage(q, res, i);
	h->valid_until = xstrdup(pg_value(res, i, 8));
	kb_hit_basis(h, pg_value(res, i, 9));
	return h;
}

/* The hits of a search's rows for the query q (only the good ones if good_only); see kb.h. */
Hotline__KbHit **
kb_hits(struct pg_result *res, const struct kb_terms *q, int good_only,
    size_t *n)
{
	int i, good, rows = pg_rows(res);
	Hotline__KbHit **hits = xcalloc((size_t)rows + 1, sizeof *hits);
	double key;

	*n = 0;
	for (i = 0; i < rows; i++) {
		good = kb_hit_good(res, i, q, atof(pg_value(res, 0, 2)), &key);
		if (good || !good_only)
			hits[(*n)++] = kb_hit(q, res, i, good, key);
	}
	return hits;
}
/* kb_link: a miss was recorded (or could not be: it is only a count). */
static void
kb_miss_done(struct pg_result *res, void *arg)
{
	(void)arg;
	if (res != NULL && !pg_ok(res))
		log_warnx("kb: recording a search without a good match: %s",
		    pg_error(res));
}

/* A search of terms without a good match goes to the gaps report (无匹配); see kb.h. */
void
kb_search_missed_terms(const char *terms)
{
	char at[24];
	const char *p[2];

	snprintf(at, sizeof at, "%lld", (long long)now_ms());
	p[0] = at;
	p[1] = terms;
	kb_link_query(kb_miss_sql, 2, p, kb_miss_done, NULL);
}

/* A search of words without a good match, the same; see kb.h. */
void
kb_search_missed(const char *words)
{
	struct kb_search_args a;

	if (kb_search_args(&a, words, "", 1) == -1 || a.terms == NULL)
		return;
	kb_search_missed_terms(a.terms);
	free(a.terms);
	kb_terms_free(a.q);
}

/* The good rows of a search's result; see kb.h. */
int
kb_good_rows(struct pg_result *res, const struct kb_terms *q)
{
	int i, n = 0, rows = pg_rows(res);
	double key;

	for (i = 0; i < rows; i++)
		n += kb_hit_good(res, i, q, atof(pg_value(res, 0, 2)), &key);
	return n;
}

/* PostgreSQL answered a kb search. */
static void
kb_search_done(struct request *r, struct pg_result *res)
{
	Hotline__KbSearchReply *out = xmalloc(sizeof *out);
	struct kb_terms *q = kb_query_terms(r->in->kb_search->words);
	char *missed = NULL;

	hotline__kb_search_reply__init(out);
	out->hits = q != NULL ? kb_hits(res, q, 0, &out->n_hits) : NULL;
	kb_terms_free(q);
	if (out->n_hits == 0 || !out->hits[0]->good)
		missed = xstrdup(r->in->kb_search->words);
	answer_body(r, HOTLINE__ENVELOPE__BODY_KB_RESULTS, out);
	if (missed != NULL) {	/* after the answer: r may be gone */
		kb_search_missed(missed);
		free(missed);
	}
}

/*
 * The search's parameters for words in district (which the caller checked)
 * with at most limit hits; see kb.h.
 */
int
kb_search_args(struct kb_search_args *a, const char *words,
    const char *district, unsigned limit)
{
	const struct district *d = config_district(hotlined.cfg, district);
	struct kb_terms *t;

	memset(a, 0, sizeof *a);
	if ((t = kb_query_terms(words)) == NULL)
		return -1;
	a->terms = kb_terms_array(t);
	a->nterms = kb_terms_count(t);
	if (a->terms == NULL) {
		kb_terms_free(t);
		return 0;
	}
	a->q = t;
	snprintf(a->limit, sizeof a->limit, "%u", limit);
	a->params[0] = a->terms;
	a->params[1] = district;
	a->params[2] = a->limit;
	a->params[3] = d != NULL && d->government != NULL ? d->government : "";
	return 0;
}

/* 知识库检索: published, valid articles ranked by the citizen's words. */
void
op_kb_search(struct request *r)
{
	const Hotline__KbSearchRequest *q = r->in->kb_search;
	struct kb_search_args a;

	if (q->district[0] != '\0' &&
	    config_district(hotlined.cfg, q->district) == NULL &&
	    hotlined.cfg->ndistricts > 0) {
		request_error2(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "district", "district「%s」不是本市的区县",
		    "district %s is not one of the city's", q->district);
		return;
	}
	if (kb_search_args(&a, q->words, q->district, q->limit == 0 ?
	    KB_LIMIT_DEFAULT : q->limit > KB_LIMIT_MAX ? KB_LIMIT_MAX :
	    q->limit) == -1) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
		    LANG_LEXICON);
		return;
	}
	if (a.terms == NULL) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "words", LANG_NO_WORDS);
		return;
	}
	kb_query(r, kb_search_sql, 4, a.params, kb_search_done);
	free(a.terms);
	kb_terms_free(a.q);
}
