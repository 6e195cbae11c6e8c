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
	if (search_query(r, sql, n, p, answer) == 0)
		return;
	request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_UNAVAILABLE, NULL,
	    search_configured() ? "the knowledge base (PostgreSQL) is "
	    "unreachable; retry later" : "this daemon has no archive "
	    "(hotlined.conf: archive) holding a knowledge base");
}

/* The query's terms of words (NULL when segmenting is impossible). */
static struct kb_terms *
kb_query_terms(const char *words)
{
	struct kb_terms *t;
	char err[256];

	if (kb_terms_init(err, sizeof err) == -1) {
		log_warnx("kb: %s", err);
		return NULL;
	}
	t = kb_terms_new();
	kb_terms_add(t, KB_QUESTIONS, words);
	return t;
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

/* The passage of row i that matched q. */
static char *
kb_hit_passage(const struct kb_terms *q, struct pg_result *res, int i)
{
	json_t *a = json_loads(pg_value(res, i, 7), 0, NULL), *e;
	const char **v;
	size_t k, n = json_array_size(a);
	char *out;

	v = xcalloc(n + 1, sizeof *v);
	json_array_foreach(a, k, e)
		v[k] = json_is_string(e) ? json_string_value(e) : "";
	out = kb_passage(q, pg_value(res, i, 4), v, n, pg_value(res, i, 6));
	free(v);
	json_decref(a);
	return out;
}

/* One hit from row i of the search's result. */
static Hotline__KbHit *
kb_hit(const struct kb_terms *q, struct pg_result *res, int i)
{
	Hotline__KbHit *h = xmalloc(sizeof *h);

	hotline__kb_hit__init(h);
	h->id = xstrdup(pg_value(res, i, 0));
	h->version = (uint32_t)atoi(pg_value(res, i, 1));
	h->score = atof(pg_value(res, i, 2));
	h->coverage = atof(pg_value(res, i, 3));
	h->good = h->coverage >= KB_GOOD_COVERAGE;
	h->title = xstrdup(pg_value(res, i, 4));
	h->owner = xstrdup(pg_value(res, i, 5));
	h->answer = xstrdup(pg_value(res, i, 6));
	h->passage = kb_hit_passage(q, res, i);
	h->valid_until = xstrdup(pg_value(res, i, 8));
	kb_hit_basis(h, pg_value(res, i, 9));
	return h;
}

/* PostgreSQL answered a kb search. */
static void
kb_search_done(struct request *r, struct pg_result *res)
{
	Hotline__KbSearchReply *out = xmalloc(sizeof *out);
	struct kb_terms *q = kb_query_terms(r->in->kb_search->words);
	int i, rows = pg_rows(res);

	hotline__kb_search_reply__init(out);
	out->hits = xcalloc((size_t)rows + 1, sizeof *out->hits);
	for (i = 0; i < rows && q != NULL; i++)
		out->hits[out->n_hits++] = kb_hit(q, res, i);
	kb_terms_free(q);
	answer_body(r, HOTLINE__ENVELOPE__BODY_KB_RESULTS, out);
}

/* 知识库检索: published, valid articles ranked by the citizen's words. */
void
op_kb_search(struct request *r)
{
	const Hotline__KbSearchRequest *q = r->in->kb_search;
	const struct district *d = config_district(cfg, q->district);
	struct kb_terms *t;
	char *terms, limit[16];
	const char *params[4];

	if (q->district[0] != '\0' && d == NULL && cfg->ndistricts > 0) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "district", "district %s is not one of the city's",
		    q->district);
		return;
	}
	if ((t = kb_query_terms(q->words)) == NULL) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
		    "the segmenter's lexicon cannot be read");
		return;
	}
	terms = kb_terms_array(t);
	kb_terms_free(t);
	if (terms == NULL) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "words", "words has no word to search for");
		return;
	}
	snprintf(limit, sizeof limit, "%u", q->limit == 0 ? KB_LIMIT_DEFAULT :
	    q->limit > KB_LIMIT_MAX ? KB_LIMIT_MAX : q->limit);
	params[0] = terms;
	params[1] = q->district;
	params[2] = limit;
	params[3] = d != NULL && d->government != NULL ? d->government : "";
	kb_query(r, kb_search_sql, 4, params, kb_search_done);
	free(terms);
}
