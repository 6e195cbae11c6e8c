/* The knowledge base's workflow (共建共享): departments draft and submit their own articles, the centre publishes or sends back, agents flag, owners or the centre retire; the rules live in 011-kb-workflow.sql. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "hotlined.h"
#include "archive.h"
#include "kb.h"
#include "kb-sql.h"

static const char *const kb_actions[] = {
	[HOTLINE__KB_ACTION__KB_ACTION_SUBMIT] = "submit",
	[HOTLINE__KB_ACTION__KB_ACTION_PUBLISH] = "publish",
	[HOTLINE__KB_ACTION__KB_ACTION_SEND_BACK] = "send_back",
	[HOTLINE__KB_ACTION__KB_ACTION_FLAG] = "flag",
	[HOTLINE__KB_ACTION__KB_ACTION_RETIRE] = "retire",
	[HOTLINE__KB_ACTION__KB_ACTION_RETIRE_DOCUMENT] = "retire_document",
};

/* PostgreSQL answered a draft or a step: result, why, version, owner. */
static void
kb_step_done(struct request *r, struct pg_result *res)
{
	Hotline__KbStepReply *out;
	const char *result = pg_value(res, 0, 0), *why = pg_value(res, 0, 1);

	if (strcmp(result, "ok") != 0) {
		request_error(r, strcmp(result, "not_found") == 0 ?
		    HOTLINE__ERROR_CODE__ERROR_CODE_NOT_FOUND :
		    strcmp(result, "forbidden") == 0 ?
		    HOTLINE__ERROR_CODE__ERROR_CODE_FORBIDDEN :
		    HOTLINE__ERROR_CODE__ERROR_CODE_CONFLICT, "id", "%s", why);
		return;
	}
	kb_notice_kick();	/* a flag, or a version published that expires soon */
	out = xmalloc(sizeof *out);
	hotline__kb_step_reply__init(out);
	out->id = xstrdup(r->in->body_case == HOTLINE__ENVELOPE__BODY_KB_DRAFT ?
	    r->in->kb_draft->id : r->in->kb_step->id);
	out->version = (uint32_t)atoi(pg_value(res, 0, 2));
	if (r->in->body_case == HOTLINE__ENVELOPE__BODY_KB_STEP &&
	    r->in->kb_step->action ==
	    HOTLINE__KB_ACTION__KB_ACTION_RETIRE_DOCUMENT) {
		out->retired = out->version;
		out->version = 0;
	}
	out->owner = xstrdup(pg_value(res, 0, 3));
	answer_body(r, HOTLINE__ENVELOPE__BODY_KB_STEPPED, out);
}

/* 起草: a new article, or a new version of the caller's own. */
void
op_kb_draft(struct request *r)
{
	const Hotline__KbDraftRequest *q = r->in->kb_draft;
	const char *why = NULL, *field = "json", *p[5];
	json_t *v = json_loads(q->json, 0, NULL), *row;
	char role[8], err[256], *text;

	if (kb_terms_init(err, sizeof err) == -1) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
		    LANG_LEXICON);
		json_decref(v);
		return;
	}
	if (json_is_object(v)) {
		json_object_set_new(v, "version", json_integer(1));
		json_object_set_new(v, "status", json_string("draft"));
	}
	if (!kb_id_valid(q->id)) {
		why = ZH_EN("id 须为 1 至 64 个字母、数字、'.'、'_' 或 '-'",
		    "id must be 1 to 64 letters, digits, '.', '_' or '-'");
		field = "id";
	} else if (!json_is_object(v))
		why = ZH_EN("json 不是一个版本（JSON 对象）",
		    "json is not one version (a JSON object)");
	if (why != NULL || (row = kb_version_row(q->id, v, &why)) == NULL) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    field, "%s", why);
		json_decref(v);
		return;
	}
	json_decref(v);
	text = json_dumps(row, JSON_COMPACT);
	json_decref(row);
	snprintf(role, sizeof role, "%d", (int)r->conn->role);
	p[0] = q->id;
	p[1] = r->conn->department;
	p[2] = r->conn->principal;
	p[3] = role;
	p[4] = text;
	kb_query(r, kb_draft_sql, 5, p, kb_step_done);
	free(text);
}

/* 提交/发布/退回/纠错/下线: one step of an article's workflow. */
void
op_kb_step(struct request *r)
{
	const Hotline__KbStepRequest *q = r->in->kb_step;
	char role[8], version[16];
	const char *p[7];

	if (q->action <= 0 || (size_t)q->action >= sizeof kb_actions /
	    sizeof kb_actions[0] || kb_actions[q->action] == NULL) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "action", ZH_EN("action 不是审核流程中的步骤",
		    "action is not a step of the workflow"));
		return;
	}
	snprintf(role, sizeof role, "%d", (int)r->conn->role);
	if (q->action == HOTLINE__KB_ACTION__KB_ACTION_RETIRE_DOCUMENT) {
		if (q->document[0] == '\0') {
			request_error(r,
			    HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
			    "document", ZH_EN("retire_document 需要给出 "
			    "document", "retire_document needs the document"));
			return;
		}
		p[0] = q->document;
		p[1] = r->conn->principal;
		p[2] = role;
		kb_query(r, kb_retire_document_sql, 3, p, kb_step_done);
		return;
	}
	snprintf(version, sizeof version, "%u", q->version);
	p[0] = q->id;
	p[1] = version;
	p[2] = kb_actions[q->action];
	p[3] = r->conn->principal;
	p[4] = role;
	p[5] = r->conn->department;
	p[6] = q->note;
	kb_query(r, kb_step_sql, 7, p, kb_step_done);
}
