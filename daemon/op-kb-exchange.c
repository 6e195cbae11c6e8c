/* The knowledge base's exchange (共建共享共用): import of articles in the JSON exchange format, refusing known ids, and export a page at a time. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "hotlined.h"
#include "archive.h"
#include "kb.h"
#include "kb-sql.h"

#define KB_ID_MAX 64		/* bytes of a stable id */
#define KB_EXPORT_DEFAULT 50
#define KB_EXPORT_MAX 200
#define KB_EXPORT_BYTES (200 * 1024)	/* a page is cut past this */

/* One import's rows, built from the request. */
struct kb_import {
	json_t *articles;	/* [{id, owner, status}] */
	json_t *versions;	/* [{id, version, ...the version..., terms}] */
	json_t *refused;	/* [{id, why}] */
};

/* Returns 1 if s is a status of the workflow. */
static int
kb_status_ok(const char *s)
{
	return s != NULL && (strcmp(s, "draft") == 0 || strcmp(s, "review") ==
	    0 || strcmp(s, "published") == 0 || strcmp(s, "retired") == 0);
}

/* Returns 1 if s is a stable id: 1..KB_ID_MAX of [A-Za-z0-9._-]. */
int
kb_id_valid(const char *s)
{
	size_t i;

	if (s == NULL || *s == '\0' || strlen(s) > KB_ID_MAX)
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) && strchr("._-", s[i]) ==
		    NULL)
			return 0;
	return 1;
}

/* Returns 1 if v is "" or a YYYY-MM-DD date. */
static int
kb_date_ok(const json_t *v)
{
	const char *s = json_string_value(v);
	int y, m, d;
	char end;

	if (v == NULL || json_is_null(v) || (s != NULL && *s == '\0'))
		return 1;
	return s != NULL && strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d%c", &y,
	    &m, &d, &end) == 3 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/* Returns 1 if v is an array of strings. */
static int
kb_strings_ok(const json_t *v)
{
	size_t i;
	json_t *e;

	if (!json_is_array(v))
		return 0;
	json_array_foreach(v, i, e)
		if (!json_is_string(e))
			return 0;
	return 1;
}

/* The version's row (with its terms), or NULL with *why; see kb.h. */
json_t *
kb_version_row(const char *id, json_t *v, const char **why)
{
	const char *title = json_string_value(json_object_get(v, "title"));
	const char *answer = json_string_value(json_object_get(v, "answer"));
	json_t *qs = json_object_get(v, "questions"), *row, *e;
	const char **qv;
	char *tsv, *keys;
	size_t i;

	*why = NULL;
	if (json_integer_value(json_object_get(v, "version")) < 1)
		*why = ZH_EN("版本号须为 1 或以上",
		    "a version's number must be 1 or more");
	else if (!kb_status_ok(json_string_value(json_object_get(v,
	    "status"))))
		*why = ZH_EN("版本状态须为 draft、review、published 或 "
		    "retired", "a version's status is not draft, review, "
		    "published or retired");
	else if (title == NULL || *title == '\0' || answer == NULL ||
	    *answer == '\0')
		*why = ZH_EN("版本缺少标题或答复",
		    "a version has no title or no answer");
	else if (!kb_strings_ok(qs) || !kb_strings_ok(json_object_get(v,
	    "districts")))
		*why = ZH_EN("questions 和 districts 须为字符串数组",
		    "questions and districts must be arrays of strings");
	else if (!kb_date_ok(json_object_get(v, "valid_from")) ||
	    !kb_date_ok(json_object_get(v, "valid_until")))
		*why = ZH_EN("valid_from 和 valid_until 须为 YYYY-MM-DD 或 "
		    "\"\"", "valid_from and valid_until must be YYYY-MM-DD or "
		    "\"\"");
	if (*why != NULL)
		return NULL;
	qv = xcalloc(json_array_size(qs) + 1, sizeof *qv);
	json_array_foreach(qs, i, e)
		qv[i] = json_string_value(e);
	kb_terms_version(title, qv, json_array_size(qs), answer, &tsv, &keys);
	row = json_deep_copy(v);
	json_object_set_new(row, "key_terms", kb_key_terms(title, qv,
	    json_array_size(qs)));
	free(qv);
	json_object_set_new(row, "keys", json_string(keys));
	free(keys);
	json_object_set_new(row, "id", json_string(id));
	json_object_set_new(row, "terms", json_string(tsv));
	free(tsv);
	if (!json_is_string(json_object_get(row, "major")))
		json_object_set_new(row, "major", json_string(""));
	if (!json_is_array(json_object_get(row, "basis")))
		json_object_set_new(row, "basis", json_array());
	if (!json_is_array(json_object_get(row, "links")))
		json_object_set_new(row, "links", json_array());
	if (kb_date_ok(json_object_get(row, "valid_from")) &&
	    json_string_length(json_object_get(row, "valid_from")) == 0)
		json_object_set_new(row, "valid_from", json_null());
	if (json_string_length(json_object_get(row, "valid_until")) == 0)
		json_object_set_new(row, "valid_until", json_null());
	return row;
}

/* Adds {id, why} to the refusals. */
static void
kb_import_refuse(struct kb_import *im, const char *id, const char *why)
{
	json_array_append_new(im->refused, json_pack("{s:s,s:s}", "id",
	    id != NULL ? id : "", "why", why));
}

/* Why an article is refused before PostgreSQL sees it, or NULL. */
static const char *
kb_import_check(const struct kb_import *im, const json_t *a)
{
	const char *id = json_string_value(json_object_get(a, "id"));
	const char *owner = json_string_value(json_object_get(a, "owner"));
	json_t *vs = json_object_get(a, "versions"), *e;
	size_t i;

	if (!kb_id_valid(id))
		return "id must be 1 to 64 letters, digits, '.', '_' or '-'";
	if (owner == NULL || config_department(hotlined.cfg, owner) == NULL)
		return "owner is not a configured department";
	if (!kb_status_ok(json_string_value(json_object_get(a, "status"))))
		return "status is not draft, review, published or retired";
	if (!json_is_array(vs) || json_array_size(vs) == 0)
		return "an article needs at least one version";
	json_array_foreach(im->articles, i, e)
		if (strcmp(json_string_value(json_object_get(e, "id")), id) ==
		    0)
			return "the id is twice in this import";
	return NULL;
}

/* Adds one article of the request, or its refusal. */
static void
kb_import_article(struct kb_import *im, json_t *a)
{
	const char *id = json_string_value(json_object_get(a, "id")), *why;
	json_t *vs = json_object_get(a, "versions"), *v, *rows, *row;
	size_t i, k;

	if ((why = kb_import_check(im, a)) != NULL) {
		kb_import_refuse(im, id, why);
		return;
	}
	rows = json_array();
	json_array_foreach(vs, i, v) {
		if ((row = kb_version_row(id, v, &why)) == NULL)
			break;
		for (k = 0; k < i; k++)
			if (json_integer_value(json_object_get(json_array_get(
			    rows, k), "version")) == json_integer_value(
			    json_object_get(row, "version")))
				why = ZH_EN("两个版本的版本号相同",
				    "two versions have the same number");
		json_array_append_new(rows, row);
		if (why != NULL)
			break;
	}
	if (why != NULL) {
		kb_import_refuse(im, id, why);
		json_decref(rows);
		return;
	}
	json_array_extend(im->versions, rows);
	json_decref(rows);
	json_array_append_new(im->articles, json_pack("{s:s,s:O,s:O}", "id",
	    id, "owner", json_object_get(a, "owner"), "status",
	    json_object_get(a, "status")));
}

/* PostgreSQL answered an import: one row per article. */
static void
kb_import_done(struct request *r, struct pg_result *res)
{
	Hotline__KbImportReply *out = xmalloc(sizeof *out);
	int i, rows = pg_rows(res);

	hotline__kb_import_reply__init(out);
	out->refused = xcalloc((size_t)rows + 1, sizeof *out->refused);
	for (i = 0; i < rows; i++) {
		if (strcmp(pg_value(res, i, 1), "added") == 0) {
			out->added++;
			out->versions += (uint32_t)atoi(pg_value(res, i, 2));
		} else
			out->refused[out->n_refused++] = xasprintf("%s: %s",
			    pg_value(res, i, 0), pg_value(res, i, 2));
	}
	answer_body(r, HOTLINE__ENVELOPE__BODY_KB_IMPORTED, out);
}

/* 导入: adds the articles of the request whose ids are new. */
void
op_kb_import(struct request *r)
{
	struct kb_import im = { json_array(), json_array(), json_array() };
	json_error_t jerr;
	json_t *in, *a;
	char *p[5], role[8], err[256];
	size_t i;

	if (kb_terms_init(err, sizeof err) == -1) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
		    LANG_LEXICON);
		goto out;
	}
	in = json_loads(r->in->kb_import->json, 0, &jerr);
	if (!json_is_array(in)) {
		request_error2(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "json", "json 不是知识条目的 JSON 数组（第 %d 行：%s）",
		    "json is not a JSON array of articles (line %d: %s)",
		    jerr.line, in == NULL ? jerr.text :
		    ZH_EN("不是数组", "not an array"));
		json_decref(in);
		goto out;
	}
	json_array_foreach(in, i, a)
		kb_import_article(&im, a);
	json_decref(in);
	snprintf(role, sizeof role, "%d", (int)r->conn->role);
	p[0] = json_dumps(im.articles, JSON_COMPACT);
	p[1] = json_dumps(im.versions, JSON_COMPACT);
	p[2] = r->conn->principal;
	p[3] = role;
	p[4] = json_dumps(im.refused, JSON_COMPACT);
	kb_query(r, kb_import_sql, 5, (const char *const *)p, kb_import_done);
	free(p[0]);
	free(p[1]);
	free(p[4]);
out:
	json_decref(im.articles);
	json_decref(im.versions);
	json_decref(im.refused);
}

/* PostgreSQL answered an export page. */
static void
kb_export_done(struct request *r, struct pg_result *res)
{
	Hotline__KbExportReply *out = xmalloc(sizeof *out);
	int i, full, rows = pg_rows(res);
	size_t len = 1, n;
	char *json = xstrdup("[");

	hotline__kb_export_reply__init(out);
	for (i = 0; i < rows && len < KB_EXPORT_BYTES; i++) {
		n = strlen(pg_value(res, i, 1));
		json = xrealloc(json, len + n + 3);
		if (i > 0)
			json[len++] = ',';
		memcpy(json + len, pg_value(res, i, 1), n);
		len += n;
		out->count++;
	}
	memcpy(json + len, "]", 2);
	out->json = json;
	full = (uint32_t)rows == (r->in->kb_export->limit == 0 ?
	    KB_EXPORT_DEFAULT : r->in->kb_export->limit);
	out->next_after = xstrdup(i > 0 && (i < rows || full) ?
	    pg_value(res, i - 1, 0) : "");
	answer_body(r, HOTLINE__ENVELOPE__BODY_KB_EXPORTED, out);
}

/* 导出: a page of articles in the exchange format, in order of id. */
void
op_kb_export(struct request *r)
{
	const Hotline__KbExportRequest *q = r->in->kb_export;
	char limit[16];
	const char *p[2];

	if (q->limit > KB_EXPORT_MAX) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "limit", "limit" ZH_EN(" 至多为 ", " is at most ") "%d",
		    KB_EXPORT_MAX);
		return;
	}
	snprintf(limit, sizeof limit, "%u", q->limit == 0 ? KB_EXPORT_DEFAULT :
	    q->limit);
	p[0] = q->after;
	p[1] = limit;
	kb_query(r, kb_export_sql, 2, p, kb_export_done);
}
