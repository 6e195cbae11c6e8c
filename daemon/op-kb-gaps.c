/* 高频件 → 知识库: the consultations of a period answered without an article or dispatched, by category, and each article version's citations, from the archive. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "hotlined.h"
#include "archive.h"
#include "kb.h"
#include "kb-sql.h"

#define KB_GAPS_DEFAULT 20
#define KB_GAPS_MAX 200
#define KB_GAPS_DAYS 30		/* the default period, before to */

/* The strings of a JSON array text into *out (a new array) and *n. */
static void
kb_gaps_strings(const char *text, char ***out, size_t *n)
{
	json_t *a = json_loads(text, 0, NULL), *e;
	size_t i;

	*n = 0;
	*out = xcalloc(json_array_size(a) + 1, sizeof **out);
	json_array_foreach(a, i, e)
		if (json_is_string(e))
			(*out)[(*n)++] = xstrdup(json_string_value(e));
	json_decref(a);
}

/* The catalogue's name of a category code, or "". */
static const char *
kb_gaps_category_name(const char *code)
{
	size_t i;

	for (i = 0; i < hotlined.cfg->ncategories; i++)
		if (strcmp(hotlined.cfg->categories[i].code, code) == 0)
			return hotlined.cfg->categories[i].name;
	return "";
}

/* One gap from row i. */
static Hotline__KbGap *
kb_gap(struct pg_result *res, int i)
{
	Hotline__KbGap *g = xmalloc(sizeof *g);
	hotline__kb_gap__init(g);
	g->category = xstrdup(pg_value(res, i, 1));
	g->category_name = xstrdup(kb_gaps_category_name(g->category));
	g->consultations = (uint32_t)atoi(pg_value(res, i, 2));
	g->answered_without = (uint32_t)atoi(pg_value(res, i, 3));
	g->dispatched = (uint32_t)atoi(pg_value(res, i, 4));
	kb_gaps_strings(pg_value(res, i, 5), &g->words, &g->n_words);
	kb_gaps_strings(pg_value(res, i, 6), &g->titles, &g->n_titles);
	return g;
}

/* One use from row i. */
static Hotline__KbUse *
kb_use(struct pg_result *res, int i)
{
	Hotline__KbUse *u = xmalloc(sizeof *u);

	hotline__kb_use__init(u);
	u->id = xstrdup(pg_value(res, i, 1));
	u->version = (uint32_t)atoi(pg_value(res, i, 2));
	u->citations = (uint32_t)atoi(pg_value(res, i, 3));
	return u;
}

/* One word of searches without a good match from row i. */
static Hotline__KbMiss *
kb_miss(struct pg_result *res, int i)
{
	Hotline__KbMiss *m = xmalloc(sizeof *m);

	hotline__kb_miss__init(m);
	m->word = xstrdup(pg_value(res, i, 1));
	m->searches = (uint32_t)atoi(pg_value(res, i, 2));
	return m;
}

/* PostgreSQL answered the report. */
static void
kb_gaps_done(struct request *r, struct pg_result *res)
{
	Hotline__KbGapsReply *out = xmalloc(sizeof *out);
	int i, rows = pg_rows(res);

	hotline__kb_gaps_reply__init(out);
	out->gaps = xcalloc((size_t)rows + 1, sizeof *out->gaps);
	out->uses = xcalloc((size_t)rows + 1, sizeof *out->uses);
	out->misses = xcalloc((size_t)rows + 1, sizeof *out->misses);
	for (i = 0; i < rows; i++)
		if (strcmp(pg_value(res, i, 0), "gap") == 0)
			out->gaps[out->n_gaps++] = kb_gap(res, i);
		else if (strcmp(pg_value(res, i, 0), "miss") == 0)
			out->misses[out->n_misses++] = kb_miss(res, i);
		else
			out->uses[out->n_uses++] = kb_use(res, i);
	answer_body(r, HOTLINE__ENVELOPE__BODY_KB_GAPS_REPLY, out);
}

/* 知识缺口: the report of a period; see proto/hotline.proto. */
void
op_kb_gaps(struct request *r)
{
	const Hotline__KbGapsRequest *q = r->in->kb_gaps;
	int64_t to = q->to != 0 ? q->to : now_ms();
	int64_t from = q->from != 0 ? q->from : to - (int64_t)KB_GAPS_DAYS *
	    86400000;
	char f[32], t[32], limit[16];
	const char *p[3];

	if (q->from < 0 || q->to < 0 || from >= to || q->limit > KB_GAPS_MAX) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    q->limit > KB_GAPS_MAX ? "limit" : "from", "%s",
		    q->limit > KB_GAPS_MAX ? ZH_EN("limit 至多为 200",
		    "limit is at most 200") : ZH_EN("from 须早于 to（毫秒时间戳）",
		    "from must be before to (ms since the epoch)"));
		return;
	}
	snprintf(f, sizeof f, "%lld", (long long)from);
	snprintf(t, sizeof t, "%lld", (long long)to);
	snprintf(limit, sizeof limit, "%u", q->limit == 0 ? KB_GAPS_DEFAULT :
	    q->limit);
	p[0] = f;
	p[1] = t;
	p[2] = limit;
	kb_query(r, kb_gaps_sql, 3, p, kb_gaps_done);
}
