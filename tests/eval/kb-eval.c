/* make eval's knowledge-base part: imports the demo articles into a private PostgreSQL through hotlined, asks every question of a set and reports top-1, top-3 and how often a question no article answers still gets a "good" top hit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "../integration/harness.h"
#include "../integration/harness-pg.h"
#include "kb-load.h"


/* The demo city's districts and their governments' ids (the test config has no districts group). */
static const struct {
	const char *name, *government;
} kb_eval_districts[] = {
	{ .name = "鼓楼区", .government = "gulou" },
	{ .name = "台江区", .government = "taijiang" },
	{ .name = "仓山区", .government = "cangshan" },
	{ .name = "晋安区", .government = "jinan" },
	{ .name = "马尾区", .government = "mawei" },
};

#define KB_EVAL_CUTS 10		/* coverage cuts 0.1 .. 1.0 reported */

struct kb_eval {
	int right_above[KB_EVAL_CUTS];	/* top-1 right and coverage >= cut */
	int none_above[KB_EVAL_CUTS];	/* no article, top coverage >= cut */
	int labelled, top1, top3, good_labelled;
	int good_shown, good_right;	/* good hits (suggested), right ones */
	int none, none_good;
	int verbose;
};

/* Returns 1 if id is one of the comma-separated labels. */
static int
kb_eval_right(const char *labels, const char *id)
{
	size_t n = strlen(id);
	const char *p;

	for (p = labels; (p = strstr(p, id)) != NULL; p += n)
		if ((p == labels || p[-1] == ',') && (p[n] == '\0' ||
		    p[n] == ','))
			return 1;
	return 0;
}

/* Asks one question and counts the answer. */
static int
kb_eval_question(struct hl_client *c, struct kb_eval *ev, char *line)
{
	Hotline__KbSearchRequest q = HOTLINE__KB_SEARCH_REQUEST__INIT;
	char *f[5] = { 0 }, *p = line;
	const Hotline__KbSearchReply *r;
	Hotline__Envelope *rep;
	struct hl_error err;
	size_t i, n;

	for (n = 0; n < 5 && p != NULL; n++)
		f[n] = strsep(&p, "\t");
	if (n < 4)
		return 0;
	q.words = f[1];
	q.district = "";
	for (i = 0; i < sizeof kb_eval_districts / sizeof kb_eval_districts[0];
	    i++)
		if (strcmp(f[2], kb_eval_districts[i].name) == 0)
			q.district = (char *)kb_eval_districts[i].government;
	q.limit = 3;
	if ((rep = harness_call(c, BODY(KB_SEARCH), &q, &err)) == NULL) {
		fprintf(stderr, "kb-eval: %s: %s\n", f[0], err.message);
		return -1;
	}
	r = rep->kb_results;
	if (getenv("KB_EVAL_DUMP") != NULL && r->n_hits > 0)	/* calibration data */
		for (i = 0; i < r->n_hits; i++)
			fprintf(stderr, "dump\t%s\t%zu\t%s\t%.4f\t%.4f\t"
			    "%.4f\t%.4f\t%d\n", f[0], i, strcmp(f[3], "-") ==
			    0 ? "none" : kb_eval_right(f[3], r->hits[i]->id) ?
			    "right" : "wrong", r->hits[i]->coverage,
			    r->hits[i]->key_coverage, r->hits[i]->score,
			    r->hits[0]->score, r->hits[i]->good);
	for (i = 0; i < KB_EVAL_CUTS && r->n_hits > 0; i++) {
		if (r->hits[0]->coverage < (double)(i + 1) / KB_EVAL_CUTS)
			continue;
		if (strcmp(f[3], "-") == 0)
			ev->none_above[i]++;
		else if (kb_eval_right(f[3], r->hits[0]->id))
			ev->right_above[i]++;
	}
	for (i = 0; i < r->n_hits; i++)
		if (r->hits[i]->good) {
			ev->good_shown++;
			ev->good_right += strcmp(f[3], "-") != 0 &&
			    kb_eval_right(f[3], r->hits[i]->id);
		}
	if (strcmp(f[3], "-") == 0) {
		ev->none++;
		for (i = 0; i < r->n_hits && !r->hits[i]->good; i++)
			;
		if (i < r->n_hits) {	/* any article suggested is wrong */
			ev->none_good++;
			if (ev->verbose)
				printf("  none but good: %s %s -> %s %s (%.2f)\n",
				    f[0], f[1], r->hits[i]->id,
				    r->hits[i]->title, r->hits[i]->score);
		}
	} else {
		ev->labelled++;
		if (r->n_hits > 0 && kb_eval_right(f[3], r->hits[0]->id))
			ev->top1++;
		if (r->n_hits > 0 && r->hits[0]->good)
			ev->good_labelled++;
		for (i = 0; i < r->n_hits; i++)
			if (kb_eval_right(f[3], r->hits[i]->id)) {
				ev->top3++;
				break;
			}
		if (ev->verbose && (r->n_hits == 0 ||
		    !kb_eval_right(f[3], r->hits[0]->id)))
			printf("  miss%s: %s %s [%s] -> %s %s\n", i <
			    r->n_hits ? " (top-3)" : "", f[0], f[1], f[3],
			    r->n_hits > 0 ? r->hits[0]->id : "-",
			    r->n_hits > 0 ? r->hits[0]->title : "");
	}
	hl_envelope_free(rep);
	return 0;
}

/* Asks every question of the set at path. */
static int
kb_eval_set(struct hl_client *c, const char *path, int verbose)
{
	struct kb_eval ev = { .verbose = verbose };
	char line[8192];
	FILE *f = fopen(path, "r");
	int i;

	if (f == NULL) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (kb_eval_question(c, &ev, line) == -1) {
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	printf("kb %s: %d questions with an article: top-1 %.1f%% (%d), "
	    "top-3 %.1f%% (%d), top hit good %.1f%%\n", path, ev.labelled,
	    100.0 * ev.top1 / (ev.labelled ? ev.labelled : 1), ev.top1,
	    100.0 * ev.top3 / (ev.labelled ? ev.labelled : 1), ev.top3,
	    100.0 * ev.good_labelled / (ev.labelled ? ev.labelled : 1));
	printf("kb %s: %d questions no article answers: an article suggested "
	    "(a good hit) for %.1f%% (%d)\n", path, ev.none,
	    100.0 * ev.none_good / (ev.none ? ev.none : 1), ev.none_good);
	printf("kb %s: good hits (what classify and create suggest): %d, "
	    "right %.1f%%\n", path, ev.good_shown, 100.0 * ev.good_right /
	    (ev.good_shown ? ev.good_shown : 1));
	printf("kb %s: coverage cut: right top-1 kept / no-article passed:",
	    path);
	for (i = 0; i < KB_EVAL_CUTS; i++)
		printf(" %.1f:%.0f%%/%.0f%%", (double)(i + 1) / KB_EVAL_CUTS,
		    100.0 * ev.right_above[i] / (ev.top1 ? ev.top1 : 1),
		    100.0 * ev.none_above[i] / (ev.none ? ev.none : 1));
	printf("\n");
	return 0;
}

int
main(int argc, char **argv)
{
	struct harness h;
	struct harness_pg pg;
	struct hl_client *c = NULL, *agent;
	json_error_t jerr;
	json_t *a;
	int ch, verbose = 0, rc = 1, i;

	while ((ch = getopt(argc, argv, "v")) != -1)
		verbose = ch == 'v';
	if (argc - optind < 2) {
		fprintf(stderr, "usage: kb-eval [-v] articles.json set.tsv...\n");
		return 2;
	}
	if ((a = json_load_file(argv[optind], 0, &jerr)) == NULL) {
		fprintf(stderr, "kb-eval: %s: %s\n", argv[optind], jerr.text);
		return 1;
	}
	memset(&h, 0, sizeof h);
	memset(&pg, 0, sizeof pg);
	if (harness_pg_group_start(&h, &pg, "dispatcher01", &c) == -1)
		goto out;
	hl_close(c);
	c = NULL;
	if (kb_load_departments(&h, a) == -1 ||
	    (c = harness_login(&h, "dispatcher01")) == NULL ||
	    kb_load_import(c, a) == -1 ||
	    (agent = harness_login(&h, "agent01")) == NULL)
		goto out;
	for (i = optind + 1; i < argc; i++)
		if (kb_eval_set(agent, argv[i], verbose) == -1)
			goto out;
	hl_close(agent);
	rc = 0;
out:
	if (c != NULL)
		hl_close(c);
	json_decref(a);
	harness_pg_stop(&pg);
	harness_group_stop(&h, NULL);
	return rc;
}
