/* hotlinectl kb: the knowledge base (政策咨询知识库): search by the citizen's words, import and export in the exchange format. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ctl.h"

#define CTL_KB_CHUNK (40 * 1024)	/* bytes of articles per import request (under limits.max_field) */

/* Prints the hits of a kb search. */
static void
ctl_kb_text_search(const Hotline__Envelope *reply)
{
	const Hotline__KbSearchReply *r = reply->kb_results;
	size_t i, k;

	if (r->n_hits == 0 || !r->hits[0]->good)
		printf("没有足够匹配的知识条目 (no good match)%s\n",
		    r->n_hits > 0 ? "; nearest:" : "");
	for (i = 0; i < r->n_hits; i++) {
		const Hotline__KbHit *h = r->hits[i];

		printf("%zu. %s v%u  %s  [%s, score %.2f%s%s%s]\n", i + 1, h->id,
		    h->version, h->title, h->owner, h->score, h->good ? "" :
		    ", weak", h->valid_until[0] != '\0' ? ", valid until " : "",
		    h->valid_until);
		printf("   匹配: %s\n", h->passage);
		for (k = 0; k < h->n_basis; k++)
			printf("   依据: %s\n", h->basis[k]);
	}
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

/* kb search|import|export ...: the knowledge base's commands. */
int
ctl_kb(struct ctl *ctl, int argc, char **argv)
{
	if (argc < 2)
		return ctl_usage_error(ctl, "kb needs search, import or export");
	if (strcmp(argv[1], "search") == 0)
		return ctl_kb_search(ctl, argc - 1, argv + 1);
	if (strcmp(argv[1], "import") == 0)
		return ctl_kb_import(ctl, argc - 1, argv + 1);
	if (strcmp(argv[1], "export") == 0)
		return ctl_kb_export(ctl, argc - 1, argv + 1);
	return ctl_usage_error(ctl, "kb %s: not search, import or export",
	    argv[1]);
}
