/* The search request (检索): every role's tickets of every age, answered from the archive in PostgreSQL over its own connection. */
#include <sys/queue.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "hotlined.h"
#include "archive.h"

#define SEARCH_LIMIT_DEFAULT 20
#define SEARCH_LIMIT_MAX 200
#define SEARCH_QUEUE_MAX 256	/* searches waiting for the connection */
#define SEARCH_PARAMS 24
#define SEARCH_SQL_MAX 4096


/* Answers a search or a cursor may get from more than one place. */
#define SEARCH_BAD_CURSOR ZH_EN("cursor 不是本次搜索给出的", \
	"cursor is not one this search gave")
#define SEARCH_UNREACHABLE ZH_EN("归档库（PostgreSQL）无法连接，请稍后重试", \
	"the archive (PostgreSQL) is unreachable; retry later")

/*
 * One search: its SQL and parameters, queued until the search connection
 * is free. r is cleared when the request is freed first (its connection
 * went away); the search is then freed when PostgreSQL answers.
 */
struct search {
	struct request *r;
	int waiting;			/* queued or sent */
	int department_view;
	int by_relevance;
	unsigned limit;
	long offset;			/* relevance pages */
	char sql[SEARCH_SQL_MAX];
	size_t len;
	const char *params[SEARCH_PARAMS];
	char *owned[SEARCH_PARAMS];
	int nparams;
	archive_answer answer;		/* NULL: a search's page (or answer_arg) */
	archive_answer_arg answer_arg;
	void *arg;			/* answer_arg's, freed with the search */
	void (*arg_free)(void *);
	TAILQ_ENTRY(search) entry;
};

static struct {
	struct pg_link *pg;
	TAILQ_HEAD(, search) queue;
	int nqueued;
	struct search *sent;
} se = { .queue = TAILQ_HEAD_INITIALIZER(se.queue) };

static void search_pump(void);

/* A search's time limit in PostgreSQL: three quarters of the link's. */
static int
search_statement_timeout(void)
{
	return hotlined.cfg->archive.timeout_ms * 3 / 4;
}

/* Appends text to the search's SQL. */
static void __attribute__((format(printf, 2, 3)))
search_sql(struct search *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(s->sql + s->len, sizeof s->sql - s->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof s->sql - s->len)
		fatalx("search: SQL longer than %d bytes", SEARCH_SQL_MAX);
	s->len += (size_t)n;
}

/* Adds a parameter (copied; NULL: SQL's NULL) and returns its number ($n). */
static int
search_param(struct search *s, const char *value)
{
	if (s->nparams == SEARCH_PARAMS)
		fatalx("search: more than %d parameters", SEARCH_PARAMS);
	s->owned[s->nparams] = value != NULL ? xstrdup(value) : NULL;
	s->params[s->nparams] = s->owned[s->nparams];
	return ++s->nparams;
}

/* Adds "AND <column> <op> $n" for a non-empty value. */
static void
search_where(struct search *s, const char *fmt, const char *value)
{
	if (value == NULL || *value == '\0')
		return;
	search_sql(s, " AND ");
	search_sql(s, fmt, search_param(s, value));
}

/* Adds "AND <column> = n" for a non-zero enum. */
static void
search_where_int(struct search *s, const char *column, int value)
{
	if (value != 0)
		search_sql(s, " AND %s = %d", column, value);
}

/* Adds a time range on column (ms since the epoch; 0: open). */
static void
search_where_range(struct search *s, const char *column, int64_t from,
    int64_t to)
{
	char v[32];

	if (from > 0) {
		snprintf(v, sizeof v, "%lld", (long long)from);
		search_sql(s, " AND %s >= to_timestamp($%d::bigint / 1000.0)",
		    column, search_param(s, v));
	}
	if (to > 0) {
		snprintf(v, sizeof v, "%lld", (long long)to);
		search_sql(s, " AND %s < to_timestamp($%d::bigint / 1000.0)",
		    column, search_param(s, v));
	}
}

/* Frees a search. */
static void
search_free(struct search *s)
{
	int i;

	for (i = 0; i < s->nparams; i++)
		free(s->owned[i]);
	if (s->arg_free != NULL)
		s->arg_free(s->arg);
	free(s);
}

/* The request was freed (connection gone): a waiting search is freed when it ends. */
static void
search_forget(void *arg)
{
	struct search *s = arg;

	if (s->waiting)
		s->r = NULL;
	else
		search_free(s);
}

/* Returns 1 if text is 1..max ASCII digits. */
static int
search_digits(const char *text, size_t max)
{
	size_t i;

	for (i = 0; text[i] != '\0'; i++)
		if (!isdigit((unsigned char)text[i]))
			return 0;
	return i > 0 && i <= max;
}

/* The category code (or prefix) q names: itself if digits, else by name; NULL unknown. */
static const char *
search_category(const char *q)
{
	size_t i;

	if (search_digits(q, 6))
		return q;
	for (i = 0; i < hotlined.cfg->ncategories; i++)
		if (strcmp(hotlined.cfg->categories[i].name, q) == 0)
			return hotlined.cfg->categories[i].code;
	return NULL;
}

/* Adds the words' condition; -1 (answered) when they hold no term. */
static int
search_words(struct request *r, struct search *s, const char *words)
{
	char *query;

	if (words[0] == '\0')
		return 0;
	if ((query = archive_tsquery(words)) == NULL) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "words", LANG_NO_WORDS);
		return -1;
	}
	search_sql(s, " AND terms @@ $%d::tsquery", search_param(s, query));
	free(query);
	return 0;
}

/* Adds the cursor's condition: a time page's last row, or a relevance offset. */
static int
search_cursor(struct request *r, struct search *s, const char *cursor)
{
	const char *bar;
	char *at;

	if (cursor[0] == '\0')
		return 0;
	if (s->by_relevance && strncmp(cursor, "r|", 2) == 0 &&
	    search_digits(cursor + 2, 9)) {
		s->offset = atol(cursor + 2);
		return 0;
	}
	if (!s->by_relevance && strncmp(cursor, "t|", 2) == 0 &&
	    (bar = strchr(cursor + 2, '|')) != NULL &&
	    search_digits(bar + 1, 32) && bar - cursor < 64) {
		at = xasprintf("%.*s", (int)(bar - cursor - 2), cursor + 2);
		search_sql(s, " AND (created_at, number) < ($%d::timestamptz, "
		    "$%d)", search_param(s, at), search_param(s, bar + 1));
		free(at);
		return 0;
	}
	request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST, "cursor",
	    SEARCH_BAD_CURSOR);
	return -1;
}

/* Checks the request's bounds; -1 (answered) if one is wrong. */
static int
search_check(struct request *r, const Hotline__SearchRequest *q)
{
	const char *field = NULL, *why = NULL;

	if (q->number_prefix[0] != '\0' && !search_digits(q->number_prefix, 20))
		field = "number_prefix", why = ZH_EN("须为 1 至 20 位数字",
		    "must be 1 to 20 digits");
	else if (q->caller_phone[0] != '\0' && !search_digits(q->caller_phone,
	    20))
		field = "caller_phone", why = ZH_EN("须为电话号码（数字）",
		    "must be a phone number (digits)");
	else if (q->category[0] != '\0' && search_category(q->category) ==
	    NULL)
		field = "category", why = ZH_EN("不是派单目录中的分类",
		    "names no category of the catalogue");
	else if (q->department[0] != '\0' && config_department(hotlined.cfg,
	    q->department) == NULL)
		field = "department", why = ZH_EN("不是已配置的单位",
		    "is not a configured department");
	else if (q->created_from < 0 || q->created_to < 0 ||
	    q->closed_from < 0 || q->closed_to < 0)
		field = "created_from", why = ZH_EN("时间须为正数",
		    "times must be positive");
	else if (q->by_relevance && q->words[0] == '\0')
		field = "by_relevance", why = ZH_EN("需要 words 才能按相关度排序",
		    "needs words to rank by");
	if (field == NULL)
		return 0;
	request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST, field,
	    "%s %s", field, why);
	return -1;
}

/* Adds "AND (dept = $p OR assists @> {$p})": a department's tickets, as lead or assisting (@> can use the GIN index). */
static void
search_where_party(struct search *s, const char *dept)
{
	int p = search_param(s, dept);

	search_sql(s, " AND (dept = $%d OR assists @> ARRAY[$%d]::text[])", p,
	    p);
}

/*
 * Writes the statement around the conditions cond (" AND ..."), newest
 * first. With a department (party: the parameter's number, or 0), two
 * branches each walk an index in time order, the department's own tickets
 * (dept, created_at) and those it assists on, and are merged: an OR of the
 * two would make PostgreSQL read every match of the words and sort them.
 */
static void
search_compose(struct search *s, const char *cond, int party)
{
	static const char cols[] = "number, fields::text AS fields, created_at, "
	    "created_at::text AS at";
	static const char order[] = "ORDER BY created_at DESC, number DESC";
	/*
	 * The tickets a department assists on are found by the assists GIN
	 * index, then sorted: ordered by the bare column, PostgreSQL (which
	 * has no statistics for arrays that are nearly always empty) walked
	 * the time index backwards instead, reading every ticket (12.6 s over
	 * 5,000,000; 0.5 to 8.5 ms this way).
	 */
	static const char assisted_order[] = "ORDER BY created_at + "
	    "interval '0 s' DESC, number DESC";

	if (party == 0) {
		search_sql(s, "SELECT %s FROM hotline.tickets WHERE true%s %s "
		    "LIMIT %u", cols, cond, order, s->limit + 1);
		return;
	}
	search_sql(s, "SELECT number, fields, created_at, at FROM ("
	    "(SELECT %s FROM hotline.tickets WHERE dept = $%d%s %s LIMIT %u) "
	    "UNION ALL (SELECT %s FROM hotline.tickets WHERE dept <> $%d AND "
	    "assists @> ARRAY[$%d]::text[]%s %s LIMIT %u)) u %s LIMIT %u", cols,
	    party,
	    cond, order, s->limit + 1, cols, party, party, cond, assisted_order,
	    s->limit + 1, order, s->limit + 1);
}

/* Builds the search's statement from the request and the caller's view. */
static int
search_build(struct request *r, struct search *s,
    const Hotline__SearchRequest *q)
{
	const char *party = NULL;	/* the department whose tickets these are */
	int words, party_param = 0;
	char *cond;

	/* The conditions first, into s->sql; the statement around them after. */
	if (s->department_view) {
		party = r->conn->department;
		if (q->caller_phone[0] != '\0')
			search_sql(s, " AND NOT confidential");
		if (q->department[0] != '\0')
			search_where_party(s, q->department);
	} else if (q->department[0] != '\0') {
		party = q->department;
	}
	if (party != NULL && s->by_relevance)
		search_where_party(s, party);	/* ranked: one statement */
	else if (party != NULL)
		party_param = search_param(s, party);
	if (search_words(r, s, q->words) == -1)
		return -1;
	words = s->nparams;	/* the tsquery's number, for ranking */
	search_where(s, "number LIKE $%d || '%%'", q->number_prefix);
	search_where(s, "caller_phone = $%d", q->caller_phone);
	search_where(s, "district = $%d", q->district);
	search_where(s, "street = $%d", q->street);
	if (q->category[0] != '\0')
		search_where(s, "category LIKE $%d || '%%'",
		    search_category(q->category));
	search_where_int(s, "type", q->type);
	search_where_int(s, "urgency", q->urgency);
	search_where_int(s, "state", q->state);
	if (q->overdue)
		search_sql(s, " AND overdue");
	if (q->warned)
		search_sql(s, " AND warned");
	if (q->open)
		search_sql(s, " AND state NOT IN (%d, %d, %d)",
		    HOTLINE__TICKET_STATE__TICKET_STATE_CLOSED,
		    HOTLINE__TICKET_STATE__TICKET_STATE_MERGED,
		    HOTLINE__TICKET_STATE__TICKET_STATE_TRANSFERRED);
	search_where_range(s, "created_at", q->created_from, q->created_to);
	search_where_range(s, "closed_at", q->closed_from, q->closed_to);
	if (search_cursor(r, s, q->cursor) == -1)
		return -1;
	cond = xstrdup(s->sql);
	s->len = 0;
	s->sql[0] = '\0';
	if (s->by_relevance)
		search_sql(s, "SELECT number, fields::text, created_at, "
		    "created_at::text AS at FROM hotline.tickets WHERE true%s "
		    "ORDER BY ts_rank(terms, "
		    "$%d::tsquery) DESC, created_at DESC, number DESC LIMIT %u "
		    "OFFSET %ld", cond, words, s->limit + 1, s->offset);
	else
		search_compose(s, cond, party_param);
	free(cond);
	return 0;
}

/* Answers a search from PostgreSQL's rows. */
static void
search_answer(struct search *s, struct pg_result *res)
{
	Hotline__SearchReply *out = xmalloc(sizeof *out);
	int i, rows = pg_rows(res), n = rows > (int)s->limit ?
	    (int)s->limit : rows;

	hotline__search_reply__init(out);
	out->tickets = xcalloc((size_t)n + 1, sizeof *out->tickets);
	for (i = 0; i < n; i++) {
		Hotline__Ticket *t = archive_record_ticket(pg_value(res, i, 1),
		    s->department_view);

		if (t != NULL)
			out->tickets[out->n_tickets++] = t;
	}
	if (rows > (int)s->limit && s->by_relevance)
		out->next_cursor = xasprintf("r|%ld", s->offset + n);
	else if (rows > (int)s->limit)
		out->next_cursor = xasprintf("t|%s|%s", pg_value(res, n - 1, 3),
		    pg_value(res, n - 1, 0));
	else
		out->next_cursor = xstrdup("");
	answer_body(s->r, HOTLINE__ENVELOPE__BODY_SEARCH_REPLY, out);
}

/*
 * Answers s's request UNAVAILABLE with why, or, for a query with an
 * argument, lets its answer decide (called with no result).
 */
static void
search_unavailable(struct search *s, const char *why)
{
	if (s->answer_arg != NULL)
		s->answer_arg(s->r, NULL, s->arg);
	else
		request_error(s->r, HOTLINE__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    NULL, "%s", why);
}

/* The connection is gone: every queued search is answered UNAVAILABLE now. */
static void
search_fail_queued(void)
{
	struct search *s;

	while ((s = TAILQ_FIRST(&se.queue)) != NULL) {
		TAILQ_REMOVE(&se.queue, s, entry);
		se.nqueued--;
		s->waiting = 0;
		if (s->r == NULL) {
			search_free(s);
			continue;
		}
		if (s->r->conn != NULL && s->r->frame == NULL)
			search_unavailable(s, SEARCH_UNREACHABLE);
	}
}

/* PostgreSQL answered the search in flight. */
static void
search_done(struct pg_result *res, void *arg)
{
	struct search *s = arg;

	se.sent = NULL;
	s->waiting = 0;
	if (s->r == NULL) {
		search_free(s);
	} else if (s->r->conn == NULL || s->r->frame != NULL) {
		/* answered or gone meanwhile; freed with the request */
	} else if (pg_ok(res) && s->answer != NULL) {
		s->answer(s->r, res);
	} else if (pg_ok(res) && s->answer_arg != NULL) {
		s->answer_arg(s->r, res, s->arg);
	} else if (pg_ok(res)) {
		search_answer(s, res);
	} else if (s->answer_arg != NULL) {
		if (res != NULL)
			log_warnx("search: %s", pg_error(res));
		s->answer_arg(s->r, NULL, s->arg);	/* it answers */
	} else if (res != NULL && strncmp(pg_sqlstate(res), "22", 2) == 0) {
		request_error(s->r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "cursor", SEARCH_BAD_CURSOR);
	} else if (res != NULL && strcmp(pg_sqlstate(res), "57014") == 0) {
		request_error(s->r, HOTLINE__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    NULL, ZH_EN("搜索超过 ", "the search took longer than ")
		    "%d" ZH_EN(" 毫秒已被中止：请缩小范围（单位、区县、日期或更多关键词）",
		    " ms and was stopped: narrow it (a department, a district, "
		    "dates, more words)"), search_statement_timeout());
	} else {
		log_warnx("search: %s", pg_error(res));
		request_error(s->r, HOTLINE__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    NULL, ZH_EN("归档库（PostgreSQL）没有应答，请稍后重试",
		    "the archive (PostgreSQL) did not answer; retry later"));
	}
	if (!pg_connected(se.pg))
		search_fail_queued();	/* none would be answered until it is back */
	search_pump();
}

/* Sends the next queued search if the connection is free. */
static void
search_pump(void)
{
	struct search *s;

	while (se.sent == NULL && (s = TAILQ_FIRST(&se.queue)) != NULL &&
	    pg_connected(se.pg) && !pg_busy(se.pg)) {
		TAILQ_REMOVE(&se.queue, s, entry);
		se.nqueued--;
		if (s->r == NULL) {
			search_free(s);
			continue;
		}
		se.sent = s;
		if (pg_query(se.pg, s->sql, s->nparams, s->params, search_done,
		    s) == -1) {
			se.sent = NULL;
			s->waiting = 0;
			search_unavailable(s, SEARCH_UNREACHABLE);
		}
	}
}

/* The statement timeout is set (or not: searches then run without it); send what waits. */
static void
search_timeout_set(struct pg_result *res, void *arg)
{
	(void)arg;
	if (!pg_ok(res))
		log_warnx("search: setting statement_timeout: %s", pg_error(res));
	search_pump();
}

/* pg: the search connection is up; send what waits. */
static void
search_connected(void *arg)
{
	char sql[64];

	(void)arg;
	pg_backoff_reset(se.pg);
	/*
	 * A search PostgreSQL cannot finish is cancelled by PostgreSQL itself,
	 * before the link's timeout would drop the connection (and every
	 * search queued behind it) for the reconnect's backoff.
	 */
	snprintf(sql, sizeof sql, "SET statement_timeout = %d",
	    search_statement_timeout());
	if (pg_query(se.pg, sql, 0, NULL, search_timeout_set, NULL) == -1)
		search_pump();
}

/* Queues s for r; the request's state owns it from now on. */
static void
search_enqueue(struct request *r, struct search *s)
{
	s->r = r;
	s->waiting = 1;
	r->state = s;
	r->state_free = search_forget;
	TAILQ_INSERT_TAIL(&se.queue, s, entry);
	se.nqueued++;
	search_pump();
}

/* Answers UNAVAILABLE and returns -1 unless the archive can take a query now. */
static int
search_available(struct request *r)
{
	if (se.pg == NULL || !pg_connected(se.pg)) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    NULL, se.pg == NULL ? ZH_EN("本服务未配置可搜索的归档库"
		    "（hotlined.conf：archive）", "this daemon has no archive "
		    "(hotlined.conf: archive) to search") : SEARCH_UNREACHABLE);
		return -1;
	}
	if (se.nqueued >= SEARCH_QUEUE_MAX) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    NULL, ZH_EN("已有 ", "") "%d" ZH_EN(" 个搜索在排队，请稍后重试",
		    " searches are waiting; retry later"), se.nqueued);
		return -1;
	}
	return 0;
}

/* 1 when this daemon has an archive, whether or not PostgreSQL answers now. */
int
search_configured(void)
{
	return se.pg != NULL;
}

/* A search of one query for r, not yet queued; NULL when the archive cannot take it now. */
static struct search *
search_one(const char *sql, int nparams, const char *const *params)
{
	struct search *s;
	int i;

	if (se.pg == NULL || !pg_connected(se.pg) ||
	    se.nqueued >= SEARCH_QUEUE_MAX)
		return NULL;
	s = xcalloc(1, sizeof *s);
	search_sql(s, "%s", sql);
	for (i = 0; i < nparams; i++)
		search_param(s, params[i]);
	return s;
}

/* Runs one query for r on the search connection; see archive.h. */
int
search_query(struct request *r, const char *sql, int nparams,
    const char *const *params, archive_answer answer)
{
	struct search *s = search_one(sql, nparams, params);

	if (s == NULL)
		return -1;
	s->answer = answer;
	search_enqueue(r, s);
	return 0;
}

/* search_query with an argument for answer, freed with arg_free once taken; see archive.h. */
int
search_query_arg(struct request *r, const char *sql, int nparams,
    const char *const *params, archive_answer_arg answer, void *arg,
    void (*arg_free)(void *))
{
	struct search *s = search_one(sql, nparams, params);

	if (s == NULL)
		return -1;	/* arg stays the caller's */
	s->answer_arg = answer;
	s->arg = arg;
	s->arg_free = arg_free;
	search_enqueue(r, s);
	return 0;
}

/* 检索: searches the archive within the caller's view; see proto/hotline.proto. */
void
op_search(struct request *r)
{
	const Hotline__SearchRequest *q = r->in->search;
	struct search *s;

	if (search_available(r) == -1 || search_check(r, q) == -1)
		return;
	s = xcalloc(1, sizeof *s);
	s->department_view = r->conn->role == HOTLINE__ROLE__ROLE_DEPARTMENT;
	s->by_relevance = q->by_relevance;
	s->limit = q->limit == 0 ? SEARCH_LIMIT_DEFAULT : q->limit;
	if (s->limit > SEARCH_LIMIT_MAX)
		s->limit = SEARCH_LIMIT_MAX;
	if (search_build(r, s, q) == -1) {
		search_free(s);
		return;
	}
	search_enqueue(r, s);
}

/* Opens the search connection (the archive's conninfo). */
void
search_start(struct event_base *base)
{
	se.pg = pg_link_new(base, "search", hotlined.cfg->archive.conninfo,
	    hotlined.cfg->archive.timeout_ms, search_connected, NULL);
}

/* Closes it; queued searches are answered unavailable or freed. */
void
search_stop(void)
{
	search_fail_queued();
	pg_link_free(se.pg);	/* the search in flight ends, unavailable */
	se.pg = NULL;
}
