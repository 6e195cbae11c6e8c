/* The assessment queries (统一考核): a department's scorecard, the ranking of departments, and hot categories and districts (高频诉求). */
#include <stdlib.h>
#include <string.h>

#include "hotlined.h"
#include "script-args.h"

#define HOT_DEFAULT 10
#define HOT_MAX 1000

/* What a query keeps while its script runs. */
struct stats_query {
	struct stats_period period;
	char *department;	/* "" = all */
	uint32_t limit;
	Hotline__HotDimension dimension;
};

/* Frees a query kept in a request's state. */
static void
stats_query_free(void *p)
{
	struct stats_query *q = p;

	free(q->department);
	free(q);
}

/*
 * Returns the department r may look at given the one asked for ("" all): a
 * department terminal only its own. Answers and returns NULL when refused.
 */
const char *
stats_department(struct request *r, const char *asked)
{
	if (r->conn->role == HOTLINE__ROLE__ROLE_DEPARTMENT) {
		if (asked[0] != '\0' &&
		    strcmp(asked, r->conn->department) != 0) {
			request_error(r,
			    HOTLINE__ERROR_CODE__ERROR_CODE_FORBIDDEN,
			    "department", ZH_EN("承办单位只能查看本单位的数据",
			    "a department sees only its own figures"));
			return NULL;
		}
		return r->conn->department;
	}
	if (asked[0] != '\0' && config_department(hotlined.cfg,
	    asked) == NULL) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_NOT_FOUND,
		    "department", ZH_EN("没有这个编号的单位",
		    "no department with that id"));
		return NULL;
	}
	return asked;
}

/* Parses r's period into *p; answers BAD_REQUEST and returns -1 if it is bad. */
int
stats_period_of(struct request *r, const char *text, struct stats_period *p)
{
	const char *why;

	if (strlen(text) <= 32 && stats_period_parse(text, now_ms(), p,
	    &why) == 0)
		return 0;
	if (strlen(text) > 32)
		why = ZH_EN("统计期至多 32 个字符",
		    "a period is at most 32 characters");
	request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST, "period",
	    "%s", why);
	return -1;
}

/* Appends name to the comma list at arg (a char **). */
static void
stats_append(void *arg, const char *name)
{
	char **list = arg;
	char *grown = xasprintf("%s%s%s", *list, **list != '\0' ? "," : "",
	    name);

	free(*list);
	*list = grown;
}

/* Returns the comma list of the period's days (and, with months, months). */
char *
stats_period_list(const struct stats_period *p, int months)
{
	char *list = xstrdup("");

	stats_period_names(p, months, stats_append, &list);
	return list;
}

/* Runs stats_read.lua over the query's period for the scopes (NULL-ended). */
static void
stats_read(struct request *r, const char *const *scopes, request_done done)
{
	struct stats_query *q = r->state;
	struct store_args args = { 0 };
	char *list = stats_period_list(&q->period, 1);

	script_args_stats_read(&args, list, scopes);
	request_script(r, SCRIPT_STATS_READ, 0, &args, done);
	store_args_free(&args);
	free(list);
}

/* Splits field "<id>:<counter>" at its last colon; returns the counter or NULL. */
static const char *
stats_split(const char *field, char *id, size_t idlen)
{
	const char *colon = strrchr(field, ':');
	size_t n;

	if (colon == NULL || (n = (size_t)(colon - field)) >= idlen)
		return NULL;
	memcpy(id, field, n);
	id[n] = '\0';
	return colon + 1;
}

/* Returns new, initialised Counters. */
static Hotline__Counters *
stats_counters_new(void)
{
	Hotline__Counters *c = xmalloc(sizeof *c);

	hotline__counters__init(c);
	return c;
}

/* Adds the "<counter>" fields of a flat reply to c (the "all" scope). */
static void
stats_fill_total(Hotline__Counters *c, const redisReply *flat)
{
	size_t i;

	for (i = 0; i + 1 < flat->elements; i += 2)
		stats_counter_add(c, flat->element[i]->str,
		    strtoll(flat->element[i + 1]->str, NULL, 10));
}

/* Adds the "<id>:<counter>" fields of a flat reply whose id is want to c. */
static void
stats_fill_scope(Hotline__Counters *c, const char *want, const redisReply *flat)
{
	char id[512];
	const char *counter;
	size_t i;

	for (i = 0; i + 1 < flat->elements; i += 2) {
		counter = stats_split(flat->element[i]->str, id, sizeof id);
		if (counter != NULL && strcmp(id, want) == 0)
			stats_counter_add(c, counter,
			    strtoll(flat->element[i + 1]->str, NULL, 10));
	}
}

/* Returns a department's score over the d scope's flat reply. */
static Hotline__DepartmentScore *
stats_department_score(const struct department *d, const redisReply *flat)
{
	Hotline__DepartmentScore *s = xmalloc(sizeof *s);

	hotline__department_score__init(s);
	s->department = record_department(d->id);
	s->counters = stats_counters_new();
	stats_fill_scope(s->counters, d->id, flat);
	s->indicators = xmalloc(sizeof *s->indicators);
	hotline__indicators__init(s->indicators);
	stats_indicators(s->counters, s->indicators);
	s->score = stats_score(s->indicators, &hotlined.cfg->assessment);
	return s;
}

/* Returns the configured weights as the proto message. */
static Hotline__Weights *
stats_weights(void)
{
	Hotline__Weights *w = xmalloc(sizeof *w);
	const double *v = hotlined.cfg->assessment.weights;

	hotline__weights__init(w);
	w->response = v[STATS_RESPONSE];
	w->on_time = v[STATS_ON_TIME];
	w->resolution = v[STATS_RESOLUTION];
	w->satisfaction = v[STATS_SATISFACTION];
	w->returns = v[STATS_RETURNS];
	w->reopens = v[STATS_REOPENS];
	return w;
}

/* Fills the period's echo fields of a reply: as asked, first and last date. */
void
stats_echo_period(const struct stats_period *p, const char *asked,
    char **period, char **from, char **to)
{
	char date[11];

	*period = record_strdup(asked);
	stats_date(p->from, date);
	*from = record_strdup(date);
	stats_date(p->to, date);
	*to = record_strdup(date);
}

/* Keeps only the asked department's score in out (the ranking stays computed over all). */
static void
stats_keep_only(Hotline__ScorecardReply *out, const char *id)
{
	size_t i, kept = 0;

	for (i = 0; i < out->n_departments; i++) {
		if (strcmp(out->departments[i]->department->id, id) == 0)
			out->departments[kept++] = out->departments[i];
		else
			hotline__department_score__free_unpacked(
			    out->departments[i], NULL);
	}
	out->n_departments = kept;
}

/* stats_read.lua answered {d fields, all fields}: every department scored and ranked. */
static void
scorecard_done(struct request *r, redisReply *reply)
{
	const struct stats_query *q = r->state;
	Hotline__ScorecardReply *out = xmalloc(sizeof *out);
	size_t i;

	if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) {
		free(out);
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_INTERNAL,
		    NULL, LANG_INTERNAL);
		return;
	}
	hotline__scorecard_reply__init(out);
	stats_echo_period(&q->period, r->in->scorecard->period, &out->period,
	    &out->from, &out->to);
	out->departments = xcalloc(hotlined.cfg->ndepartments + 1,
	    sizeof *out->departments);
	for (i = 0; i < hotlined.cfg->ndepartments; i++)
		out->departments[out->n_departments++] =
		    stats_department_score(&hotlined.cfg->departments[i],
		    reply->element[0]);
	stats_rank(out->departments, out->n_departments,
	    hotlined.cfg->assessment.min_tickets);
	if (q->department[0] != '\0')
		stats_keep_only(out, q->department);
	out->total = stats_counters_new();
	stats_fill_total(out->total, reply->element[1]);
	out->weights = stats_weights();
	out->min_tickets = (uint32_t)hotlined.cfg->assessment.min_tickets;
	answer_body(r, HOTLINE__ENVELOPE__BODY_SCORECARDS, out);
}

/* Starts a query: period and department checked, state kept. Returns -1 if answered. */
static int
stats_begin(struct request *r, const char *period, const char *department)
{
	struct stats_query *q = xcalloc(1, sizeof *q);

	r->state = q;
	r->state_free = stats_query_free;
	if (stats_period_of(r, period, &q->period) == -1 ||
	    (department = stats_department(r, department)) == NULL)
		return -1;
	q->department = xstrdup(department);
	return 0;
}

/* 考核: a department's scorecard, or every department ranked. */
void
op_scorecard(struct request *r)
{
	static const char *const scopes[] = { "d", "all", NULL };
	const Hotline__ScorecardRequest *q = r->in->scorecard;

	if (stats_begin(r, q->period, q->department) == 0)
		stats_read(r, scopes, scorecard_done);
}

/* Returns the item of id in items, added (named, for a category) if new. */
static Hotline__HotItem *
hot_item(Hotline__HotItem ***items, size_t *n, const char *id, int category)
{
	Hotline__HotItem *it;
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*items)[i]->key, id) == 0)
			return (*items)[i];
	*items = xrealloc(*items, (*n + 1) * sizeof **items);
	it = xmalloc(sizeof *it);
	hotline__hot_item__init(it);
	it->key = xstrdup(id);
	it->name = record_strdup(category ? record_category_label(id) : "");
	it->counters = stats_counters_new();
	(*items)[(*n)++] = it;
	return it;
}

/* qsort order of hot items: most registered first, then by key. */
static int
hot_cmp(const void *a, const void *b)
{
	const Hotline__HotItem *x = *(Hotline__HotItem *const *)a;
	const Hotline__HotItem *y = *(Hotline__HotItem *const *)b;

	if (x->counters->registered != y->counters->registered)
		return x->counters->registered > y->counters->registered ?
		    -1 : 1;
	return strcmp(x->key, y->key);
}

/* stats_read.lua answered {scope fields, all fields}: the hot list. */
static void
hot_done(struct request *r, redisReply *reply)
{
	const struct stats_query *q = r->state;
	Hotline__HotReply *out = xmalloc(sizeof *out);
	Hotline__Counters total = HOTLINE__COUNTERS__INIT;
	const redisReply *flat;
	char id[512];
	const char *counter;
	size_t i;

	hotline__hot_reply__init(out);
	stats_echo_period(&q->period, r->in->hot->period, &out->period,
	    &out->from, &out->to);
	flat = reply->type == REDIS_REPLY_ARRAY && reply->elements == 2 ?
	    reply->element[0] : NULL;
	for (i = 0; flat != NULL && i + 1 < flat->elements; i += 2) {
		counter = stats_split(flat->element[i]->str, id, sizeof id);
		if (counter != NULL)
			stats_counter_add(hot_item(&out->items, &out->n_items,
			    id, q->dimension !=
			    HOTLINE__HOT_DIMENSION__HOT_DIMENSION_DISTRICT)->counters,
			    counter,
			    strtoll(flat->element[i + 1]->str, NULL, 10));
	}
	if (flat != NULL)
		stats_fill_total(&total, reply->element[1]);
	out->total_registered = total.registered;
	xqsort(out->items, out->n_items, sizeof *out->items, hot_cmp);
	for (i = q->limit; i < out->n_items; i++)
		hotline__hot_item__free_unpacked(out->items[i], NULL);
	if (out->n_items > q->limit)
		out->n_items = q->limit;
	for (i = 0; i < out->n_items; i++)
		out->items[i]->share = total.registered > 0 ?
		    (double)out->items[i]->counters->registered /
		    (double)total.registered : 0;
	answer_body(r, HOTLINE__ENVELOPE__BODY_HOT_LIST, out);
}

/* 高频诉求: the categories or districts with the most tickets in a period. */
void
op_hot(struct request *r)
{
	static const char *const categories[] = { "c", "all", NULL };
	static const char *const districts[] = { "z", "all", NULL };
	const Hotline__HotRequest *q = r->in->hot;
	struct stats_query *sq;

	if (q->limit > HOT_MAX) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "limit", ZH_EN("至多 ", "at most ") "%d", HOT_MAX);
		return;
	}
	if (stats_begin(r, q->period, "") == -1)
		return;
	sq = r->state;
	sq->limit = q->limit != 0 ? q->limit : HOT_DEFAULT;
	sq->dimension = q->dimension;
	stats_read(r, q->dimension == HOTLINE__HOT_DIMENSION__HOT_DIMENSION_DISTRICT ?
	    districts : categories, hot_done);
}
