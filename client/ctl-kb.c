/* hotlinectl kb: the knowledge base (政策咨询知识库): search by the citizen's words, import and export in the exchange format. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ctl.h"

#define CTL_KB_SUGGEST 3		/* hits asked for pending suggestions (kb.suggest's default) */
#define CTL_KB_CHUNK (40 * 1024)	/* bytes of articles per import request (under limits.max_field) */

/* Prints the hits of a kb search: "N. title  id 第N版  owner  得分 ..." and the passage and basis under it. */
static void
ctl_kb_text_search(const Hotline__Envelope *reply)
{
	const Hotline__KbSearchReply *r = reply->kb_results;
	int zh = ctl_lang == CTL_LANG_ZH;
	size_t i, k;

	if (r->n_hits == 0 || !r->hits[0]->good)
		printf("%s%s\n", zh ? "没有足够匹配的知识条目" : "no good match",
		    r->n_hits == 0 ? "" : zh ? "；最接近的：" : "; nearest:");
	for (i = 0; i < r->n_hits; i++) {
		const Hotline__KbHit *h = r->hits[i];

		printf("%zu. %s  %s %s%u%s  %s  %s %.2f%s", i + 1, h->title,
		    h->id, zh ? "第" : "v", h->version, zh ? "版" : "",
		    h->owner, CTL_T(SCORE), h->score, h->good ? "" : zh ?
		    "  (弱)" : "  (weak)");
		if (h->valid_until[0] != '\0')
			printf("  %s %s", zh ? "有效期至" : "valid until",
			    h->valid_until);
		printf("\n   %s %s\n", CTL_T(MATCHED), h->passage);
		for (k = 0; k < h->n_basis; k++)
			printf("   %s %s\n", zh ? "依据" : "basis", h->basis[k]);
	}
}

/*
 * Prints 知识库建议 as the routing's 派单建议 are printed: a heading alone,
 * then "  N. " lines, the passage that matched under the title. Pending
 * (not ready in time) says so, with the command that asks for them.
 */
void
ctl_kb_print_suggestions(Hotline__KbHit *const *hits, size_t n, int pending)
{
	int zh = ctl_lang == CTL_LANG_ZH;
	size_t i;

	if (n == 0 && !pending)
		return;
	puts(zh ? "知识库建议" : "knowledge base");
	if (n == 0)
		printf("  %s\n", zh ? "尚未返回，可用 hotlinectl kb search 查询" :
		    "not ready yet: ask hotlinectl kb search");
	for (i = 0; i < n; i++)
		printf("  %zu. %s  %s %s%u%s  %s %.2f\n     %s %s\n", i + 1,
		    hits[i]->title, hits[i]->id, zh ? "第" : "v",
		    hits[i]->version, zh ? "版" : "", CTL_T(SCORE),
		    hits[i]->score, CTL_T(MATCHED), hits[i]->passage);
}

/*
 * Completes suggestions a classify or create answer left pending (not
 * ready within kb.suggest_wait_ms), as the protocol asks a softphone to:
 * a kb search with the demand's words (title, a space, content) and
 * district, for CTL_KB_SUGGEST hits; its good ones become the answer's suggestions (*hits, *n)
 * and *pending is cleared. Quiet on failure: the answer stays pending.
 */
void
ctl_kb_complete(struct ctl *ctl, const char *title, const char *content,
    const char *district, Hotline__KbHit ***hits, size_t *n,
    protobuf_c_boolean *pending)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT, *reply = NULL;
	Hotline__KbSearchRequest q = HOTLINE__KB_SEARCH_REQUEST__INIT;
	Hotline__KbSearchReply *r;
	struct hl_error err;
	size_t i, good = 0;
	char *words;

	if (!*pending || ctl->client == NULL)
		return;
	if (asprintf(&words, "%s %s", title != NULL ? title : "",
	    content != NULL ? content : "") == -1)
		return;
	q.words = words;
	q.district = (char *)(district != NULL ? district : "");
	q.limit = CTL_KB_SUGGEST;
	req.body_case = HOTLINE__ENVELOPE__BODY_KB_SEARCH;
	req.kb_search = &q;
	if (hl_call(ctl->client, &req, &reply, &err) == 0 &&
	    reply->body_case == HOTLINE__ENVELOPE__BODY_KB_RESULTS) {
		r = reply->kb_results;
		for (i = 0; i < r->n_hits; i++) {	/* good hits first, kept */
			if (r->hits[i]->good)
				r->hits[good++] = r->hits[i];
			else
				hotline__kb_hit__free_unpacked(r->hits[i],
				    NULL);
		}
		for (i = 0; i < *n; i++)
			hotline__kb_hit__free_unpacked((*hits)[i], NULL);
		free(*hits);
		*hits = r->hits;
		*n = good;
		*pending = 0;
		r->hits = NULL;
		r->n_hits = 0;
	}
	if (reply != NULL)
		hl_envelope_free(reply);
	free(words);
}

/* kb search [--district D] [--limit N] WORDS */
static int
ctl_kb_search(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__KbSearchRequest q = HOTLINE__KB_SEARCH_REQUEST__INIT;
	char *district = NULL, *limit = NULL;
	const struct ctl_opt opts[] = {
		{ "district", &district, NULL, 0 },
		{ "limit", &limit, NULL, 0 },
		{ NULL, NULL, NULL, 0 }
	};
	unsigned long n = 0;
	int rc;

	if ((rc = ctl_parse(ctl, argc, argv, opts, 1)) != 0)
		return rc;
	if (limit != NULL && ctl_parse_number(limit, 50, &n) == -1)
		return ctl_usage_error(ctl, "--limit %s is not 1..50", limit);
	q.words = argv[optind];
	q.district = district != NULL ? district : "";
	q.limit = (uint32_t)n;
	req.body_case = HOTLINE__ENVELOPE__BODY_KB_SEARCH;
	req.kb_search = &q;
	return ctl_exchange(ctl, &req, HOTLINE__ENVELOPE__BODY_KB_RESULTS,
	    ctl_kb_text_search);
}

/* Sends one chunk of articles (a JSON array text); adds to the totals. */
static int
ctl_kb_send(struct ctl *ctl, char *json, unsigned *added, unsigned *versions,
    unsigned *refused)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT, *reply;
	Hotline__KbImportRequest q = HOTLINE__KB_IMPORT_REQUEST__INIT;
	size_t i;
	int rc;

	q.json = json;
	req.body_case = HOTLINE__ENVELOPE__BODY_KB_IMPORT;
	req.kb_import = &q;
	if ((rc = ctl_call(ctl, &req, HOTLINE__ENVELOPE__BODY_KB_IMPORTED,
	    &reply)) != 0)
		return rc;
	*added += reply->kb_imported->added;
	*versions += reply->kb_imported->versions;
	*refused += (unsigned)reply->kb_imported->n_refused;
	for (i = 0; i < reply->kb_imported->n_refused; i++)
		printf("未导入 (refused) %s\n", reply->kb_imported->refused[i]);
	hl_envelope_free(reply);
	return 0;
}

/* Sends the articles of a in chunks under the frame limit. */
static int
ctl_kb_send_all(struct ctl *ctl, json_t *a)
{
	json_t *chunk = json_array(), *e;
	unsigned added = 0, versions = 0, refused = 0;
	size_t i, bytes = 0;
	char *text;
	int rc = 0;

	json_array_foreach(a, i, e) {
		text = json_dumps(e, JSON_COMPACT);
		bytes += text != NULL ? strlen(text) : 0;
		free(text);
		json_array_append(chunk, e);
		if (bytes < CTL_KB_CHUNK && i + 1 < json_array_size(a))
			continue;
		text = json_dumps(chunk, JSON_COMPACT);
		rc = text == NULL ? CTL_EXIT_FAILURE : ctl_kb_send(ctl, text,
		    &added, &versions, &refused);
		free(text);
		json_array_clear(chunk);
		bytes = 0;
		if (rc != 0)
			break;
	}
	json_decref(chunk);
	if (rc == 0)
		printf("导入 %u 条 (%u 个版本)，未导入 %u 条\n"
		    "imported %u articles (%u versions), %u refused\n", added,
		    versions, refused, added, versions, refused);
	return rc;
}

/* kb import FILE: the articles of FILE (a JSON array), refusing known ids. */
static int
ctl_kb_import(struct ctl *ctl, int argc, char **argv)
{
	const struct ctl_opt opts[] = { { NULL, NULL, NULL, 0 } };
	json_error_t jerr;
	json_t *a;
	int rc;

	if ((rc = ctl_parse(ctl, argc, argv, opts, 1)) != 0)
		return rc;
	if ((a = json_load_file(argv[optind], 0, &jerr)) == NULL ||
	    !json_is_array(a)) {
		fprintf(stderr, "hotlinectl: %s: %s (line %d)\n", argv[optind],
		    a == NULL ? jerr.text : "not a JSON array of articles",
		    jerr.line);
		json_decref(a);
		return CTL_EXIT_FAILURE;
	}
	if ((rc = ctl_open(ctl)) == 0)
		rc = ctl_kb_send_all(ctl, a);
	json_decref(a);
	return rc;
}

/* kb export [--out FILE]: every article, one JSON array. */
static int
ctl_kb_export(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT, *reply;
	Hotline__KbExportRequest q = HOTLINE__KB_EXPORT_REQUEST__INIT;
	char *out = NULL, *after = NULL;
	const struct ctl_opt opts[] = {
		{ "out", &out, NULL, 0 },
		{ NULL, NULL, NULL, 0 }
	};
	FILE *f = stdout;
	unsigned n = 0;
	int rc;

	if ((rc = ctl_parse(ctl, argc, argv, opts, 0)) != 0)
		return rc;
	if ((rc = ctl_open(ctl)) != 0)
		return rc;
	if (out != NULL && (f = fopen(out, "w")) == NULL) {
		fprintf(stderr, "hotlinectl: %s: %s\n", out, strerror(errno));
		return CTL_EXIT_FAILURE;
	}
	fputs("[", f);
	do {
		q.after = after != NULL ? after : "";
		req.body_case = HOTLINE__ENVELOPE__BODY_KB_EXPORT;
		req.kb_export = &q;
		if ((rc = ctl_call(ctl, &req, HOTLINE__ENVELOPE__BODY_KB_EXPORTED,
		    &reply)) != 0)
			break;
		if (reply->kb_exported->count > 0) {
			/* the page's array without its brackets */
			size_t len = strlen(reply->kb_exported->json);

			fprintf(f, "%s\n%.*s", n > 0 ? "," : "", (int)(len - 2),
			    reply->kb_exported->json + 1);
			n += reply->kb_exported->count;
		}
		free(after);
		after = reply->kb_exported->next_after[0] != '\0' ?
		    strdup(reply->kb_exported->next_after) : NULL;
		hl_envelope_free(reply);
	} while (after != NULL);
	fputs("\n]\n", f);
	free(after);
	if (f != stdout)
		fclose(f);
	if (rc == 0)
		fprintf(stderr, "exported %u articles\n", n);
	return rc;
}

/* Prints the gaps report and the citations. */
static void
ctl_kb_text_gaps(const Hotline__Envelope *reply)
{
	const Hotline__KbGapsReply *r = reply->kb_gaps_reply;
	size_t i, k;

	printf("知识缺口 (consultations without an article), hottest first:\n");
	for (i = 0; i < r->n_gaps; i++) {
		const Hotline__KbGap *g = r->gaps[i];

		printf("%3u  %s %s  (直接办结未引用 %u, 派单 %u)\n     words:",
		    g->consultations, g->category[0] != '\0' ? g->category :
		    "-", g->category_name, g->answered_without, g->dispatched);
		for (k = 0; k < g->n_words; k++)
			printf(" %s", g->words[k]);
		printf("\n");
		for (k = 0; k < g->n_titles; k++)
			printf("     e.g. %s\n", g->titles[k]);
	}
	printf("引用次数 (citations):\n");
	for (i = 0; i < r->n_uses; i++)
		printf("%5u  %s v%u\n", r->uses[i]->citations, r->uses[i]->id,
		    r->uses[i]->version);
	if (r->n_misses > 0)
		printf("无匹配检索的词 (searches without a good match):\n");
	for (i = 0; i < r->n_misses; i++)
		printf("%5u  %s\n", r->misses[i]->searches, r->misses[i]->word);
}

/* kb gaps [--from DAY] [--to DAY] [--limit N] */
static int
ctl_kb_gaps(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__KbGapsRequest q = HOTLINE__KB_GAPS_REQUEST__INIT;
	char *from = NULL, *to = NULL, *limit = NULL, buf[32];
	const struct ctl_opt opts[] = {
		{ "from", &from, NULL, 0 },
		{ "to", &to, NULL, 0 },
		{ "limit", &limit, NULL, 0 },
		{ NULL, NULL, NULL, 0 }
	};
	unsigned long n = 0;
	int rc;

	if ((rc = ctl_parse(ctl, argc, argv, opts, 0)) != 0)
		return rc;
	if (from != NULL && (snprintf(buf, sizeof buf, "%s 00:00", from),
	    ctl_parse_local_time(buf, &q.from) == -1))
		return ctl_usage_error(ctl, "--from %s is not YYYY-MM-DD", from);
	if (to != NULL && (snprintf(buf, sizeof buf, "%s 00:00", to),
	    ctl_parse_local_time(buf, &q.to) == -1))
		return ctl_usage_error(ctl, "--to %s is not YYYY-MM-DD", to);
	if (limit != NULL && ctl_parse_number(limit, 200, &n) == -1)
		return ctl_usage_error(ctl, "--limit %s is not 1..200", limit);
	q.limit = (uint32_t)n;
	req.body_case = HOTLINE__ENVELOPE__BODY_KB_GAPS;
	req.kb_gaps = &q;
	return ctl_exchange(ctl, &req, HOTLINE__ENVELOPE__BODY_KB_GAPS_REPLY,
	    ctl_kb_text_gaps);
}

/* The workflow's steps by their command names. */
static const struct {
	const char *name;
	Hotline__KbAction action;
} ctl_kb_steps[] = {
	{ .name = "submit", .action = HOTLINE__KB_ACTION__KB_ACTION_SUBMIT },
	{ .name = "publish", .action = HOTLINE__KB_ACTION__KB_ACTION_PUBLISH },
	{ .name = "send-back",
	    .action = HOTLINE__KB_ACTION__KB_ACTION_SEND_BACK },
	{ .name = "flag", .action = HOTLINE__KB_ACTION__KB_ACTION_FLAG },
	{ .name = "retire", .action = HOTLINE__KB_ACTION__KB_ACTION_RETIRE },
	{ .name = "retire-document",
	    .action = HOTLINE__KB_ACTION__KB_ACTION_RETIRE_DOCUMENT },
};

/* Prints a draft's or a step's answer. */
static void
ctl_kb_text_step(const Hotline__Envelope *reply)
{
	const Hotline__KbStepReply *r = reply->kb_stepped;

	if (r->id[0] == '\0')
		printf("retired %u articles\n", r->retired);
	else
		printf("%s v%u (owner %s)\n", r->id, r->version, r->owner);
}

/* kb draft ID FILE: FILE holds one version (a JSON object). */
static int
ctl_kb_draft(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__KbDraftRequest q = HOTLINE__KB_DRAFT_REQUEST__INIT;
	const struct ctl_opt opts[] = { { NULL, NULL, NULL, 0 } };
	json_error_t jerr;
	json_t *v;
	int rc;

	if ((rc = ctl_parse(ctl, argc, argv, opts, 2)) != 0)
		return rc;
	if ((v = json_load_file(argv[optind + 1], 0, &jerr)) == NULL) {
		fprintf(stderr, "hotlinectl: %s: %s (line %d)\n",
		    argv[optind + 1], jerr.text, jerr.line);
		return CTL_EXIT_FAILURE;
	}
	q.id = argv[optind];
	q.json = json_dumps(v, JSON_COMPACT);
	json_decref(v);
	if (q.json == NULL)
		return CTL_EXIT_FAILURE;
	req.body_case = HOTLINE__ENVELOPE__BODY_KB_DRAFT;
	req.kb_draft = &q;
	rc = ctl_exchange(ctl, &req, HOTLINE__ENVELOPE__BODY_KB_STEPPED,
	    ctl_kb_text_step);
	free(q.json);
	return rc;
}

/* kb STEP [--version N] [--note TEXT] ID (retire-document: DOCUMENT). */
static int
ctl_kb_step(struct ctl *ctl, Hotline__KbAction action, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__KbStepRequest q = HOTLINE__KB_STEP_REQUEST__INIT;
	char *version = NULL, *note = NULL;
	const struct ctl_opt opts[] = {
		{ "version", &version, NULL, 0 },
		{ "note", &note, NULL, 0 },
		{ NULL, NULL, NULL, 0 }
	};
	unsigned long v = 0;
	int rc;

	if ((rc = ctl_parse(ctl, argc, argv, opts, 1)) != 0)
		return rc;
	if (version != NULL && ctl_parse_number(version, 1000000, &v) == -1)
		return ctl_usage_error(ctl, "--version %s is not a number",
		    version);
	q.action = action;
	q.version = (uint32_t)v;
	q.note = note != NULL ? note : "";
	if (action == HOTLINE__KB_ACTION__KB_ACTION_RETIRE_DOCUMENT)
		q.document = argv[optind];
	else
		q.id = argv[optind];
	req.body_case = HOTLINE__ENVELOPE__BODY_KB_STEP;
	req.kb_step = &q;
	return ctl_exchange(ctl, &req, HOTLINE__ENVELOPE__BODY_KB_STEPPED,
	    ctl_kb_text_step);
}

/* kb search|import|export|gaps|draft|STEP ...: the knowledge base's commands. */
int
ctl_kb(struct ctl *ctl, int argc, char **argv)
{
	size_t i;

	if (argc < 2)
		return ctl_usage_error(ctl, "kb needs a command (search, "
		    "import, export, gaps, draft, submit, ...)");
	if (strcmp(argv[1], "search") == 0)
		return ctl_kb_search(ctl, argc - 1, argv + 1);
	if (strcmp(argv[1], "import") == 0)
		return ctl_kb_import(ctl, argc - 1, argv + 1);
	if (strcmp(argv[1], "export") == 0)
		return ctl_kb_export(ctl, argc - 1, argv + 1);
	if (strcmp(argv[1], "gaps") == 0)
		return ctl_kb_gaps(ctl, argc - 1, argv + 1);
	if (strcmp(argv[1], "draft") == 0)
		return ctl_kb_draft(ctl, argc - 1, argv + 1);
	for (i = 0; i < sizeof ctl_kb_steps / sizeof ctl_kb_steps[0]; i++)
		if (strcmp(argv[1], ctl_kb_steps[i].name) == 0)
			return ctl_kb_step(ctl, ctl_kb_steps[i].action,
			    argc - 1, argv + 1);
	return ctl_usage_error(ctl, "kb %s: not a kb command", argv[1]);
}
