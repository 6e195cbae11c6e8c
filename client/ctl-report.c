/* hotlinectl report: the period report (季度通报) as a readable table, a CSV file for spreadsheets, or JSON. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctl-stats.h"

#define CTL_REPORT_HOT 10		/* hot categories and districts listed */
#define CTL_REPORT_PATH 128
#define CTL_TOTALS_PER_LINE 8

/* The four answers a report is made of. */
struct ctl_report {
	Hotline__Envelope *ranking;	/* scorecards */
	Hotline__Envelope *categories;	/* hot_list */
	Hotline__Envelope *districts;	/* hot_list */
	Hotline__Envelope *breaches;	/* breach_list */
};

/* Frees the answers of a report. */
static void
ctl_report_free(struct ctl_report *rep)
{
	hl_envelope_free(rep->ranking);
	hl_envelope_free(rep->categories);
	hl_envelope_free(rep->districts);
	hl_envelope_free(rep->breaches);
}

/* Asks for the ranking of every department in period. */
static int
ctl_report_ranking(struct ctl *ctl, char *period, Hotline__Envelope **reply)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__ScorecardRequest sr = HOTLINE__SCORECARD_REQUEST__INIT;

	sr.period = period;
	req.body_case = HOTLINE__ENVELOPE__BODY_SCORECARD;
	req.scorecard = &sr;
	return ctl_call(ctl, &req, HOTLINE__ENVELOPE__BODY_SCORECARDS, reply);
}

/* Asks for the hot categories or districts of period. */
static int
ctl_report_hot(struct ctl *ctl, char *period, Hotline__HotDimension dim,
    Hotline__Envelope **reply)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__HotRequest hr = HOTLINE__HOT_REQUEST__INIT;

	hr.period = period;
	hr.dimension = dim;
	hr.limit = CTL_REPORT_HOT;
	req.body_case = HOTLINE__ENVELOPE__BODY_HOT;
	req.hot = &hr;
	return ctl_call(ctl, &req, HOTLINE__ENVELOPE__BODY_HOT_LIST, reply);
}

/* Asks for the breach totals of period (one breach listed: only the totals are used). */
static int
ctl_report_breaches(struct ctl *ctl, char *period, Hotline__Envelope **reply)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__BreachesRequest br = HOTLINE__BREACHES_REQUEST__INIT;

	br.period = period;
	br.limit = 1;
	req.body_case = HOTLINE__ENVELOPE__BODY_BREACHES;
	req.breaches = &br;
	return ctl_call(ctl, &req, HOTLINE__ENVELOPE__BODY_BREACH_LIST, reply);
}

/* Connects and fetches the four answers; returns 0 or an exit status. */
static int
ctl_report_fetch(struct ctl *ctl, char *period, struct ctl_report *rep)
{
	int rc;

	if ((rc = ctl_open(ctl)) != 0 ||
	    (rc = ctl_report_ranking(ctl, period, &rep->ranking)) != 0 ||
	    (rc = ctl_report_hot(ctl, period,
	    HOTLINE__HOT_DIMENSION__HOT_DIMENSION_CATEGORY,
	    &rep->categories)) != 0 ||
	    (rc = ctl_report_hot(ctl, period,
	    HOTLINE__HOT_DIMENSION__HOT_DIMENSION_DISTRICT,
	    &rep->districts)) != 0)
		return rc;
	return ctl_report_breaches(ctl, period, &rep->breaches);
}

/* Prints the city's counters, several to a line. */
static void
ctl_report_totals(const Hotline__Counters *c)
{
	const struct ctl_counter *k;
	int n = 0;

	puts(CTL_T(S_CITY_TOTALS));
	for (k = ctl_counters; k->en != NULL; k++, n++)
		printf("%s%s %llu", n == 0 ? "  " : n % CTL_TOTALS_PER_LINE == 0 ?
		    ",\n  " : ", ", ctl_lang == CTL_LANG_EN ? k->en : k->zh,
		    (unsigned long long)ctl_counter_at(c, k->offset));
	putchar('\n');
}

/* Prints the report as a readable table. */
static void
ctl_report_table(const struct ctl_report *rep)
{
	const Hotline__ScorecardReply *r = rep->ranking->scorecards;

	printf(CTL_T(S_REPORT_TITLE), r->period, ctl_lang == CTL_LANG_EN ? "" :
	    ctl_report_name(r->period), r->from, r->to);
	fputs("\n\n", stdout);
	ctl_print_ranking(r);
	putchar('\n');
	ctl_report_totals(r->total);
	ctl_print_breach_totals(rep->breaches->breach_list);
	putchar('\n');
	printf(CTL_T(S_TOP_CATEGORIES),
	    (unsigned long long)rep->categories->hot_list->total_registered);
	putchar('\n');
	ctl_print_hot_items(rep->categories->hot_list);
	puts(CTL_T(S_TOP_DISTRICTS));
	ctl_print_hot_items(rep->districts->hot_list);
}

/* Returns a message's JSON member key (a new reference), or NULL. */
static json_t *
ctl_json_member(const ProtobufCMessage *msg, const char *key)
{
	json_t *obj = json_from_protobuf(msg), *v;

	if (obj == NULL)
		return NULL;
	v = json_incref(json_object_get(obj, key));
	json_decref(obj);
	return v != NULL ? v : json_array();
}

/* Returns the breach totals as {"total": n, "by_kind": {"sign": n, ...}}, or NULL. */
static json_t *
ctl_json_breaches(const Hotline__BreachesReply *b)
{
	json_t *kinds = json_object();
	size_t i;

	for (i = 0; kinds != NULL && i < b->n_by_kind; i++)
		if (json_object_set_new(kinds, b->by_kind[i]->key,
		    json_integer(b->by_kind[i]->value)) == -1) {
			json_decref(kinds);
			return NULL;
		}
	return json_pack("{s:I, s:o}", "total", (json_int_t)b->total, "by_kind",
	    kinds);
}

/* Builds the report as one JSON object: the ranking's answer with the hot lists and breaches. */
static json_t *
ctl_report_json(const struct ctl_report *rep)
{
	json_t *obj = json_from_protobuf(&rep->ranking->scorecards->base);
	json_t *ranking;

	if (obj == NULL)
		return NULL;
	ranking = json_incref(json_object_get(obj, "departments"));
	json_object_del(obj, "departments");
	if (json_object_set_new(obj, "ranking", ranking != NULL ? ranking :
	    json_array()) == -1 ||
	    json_object_set_new(obj, "hot_categories", ctl_json_member(
	    &rep->categories->hot_list->base, "items")) == -1 ||
	    json_object_set_new(obj, "hot_districts", ctl_json_member(
	    &rep->districts->hot_list->base, "items")) == -1 ||
	    json_object_set_new(obj, "breaches", ctl_json_breaches(
	    rep->breaches->breach_list)) == -1) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

/* Prints the report as JSON; returns an exit status. */
static int
ctl_report_print_json(const struct ctl_report *rep)
{
	json_t *obj = ctl_report_json(rep);
	int r;

	if (obj == NULL) {
		fputs("hotlinectl: out of memory\n", stderr);
		return CTL_EXIT_FAILURE;
	}
	r = json_dumpf(obj, stdout, JSON_REAL_PRECISION(15) | JSON_INDENT(2));
	json_decref(obj);
	fputc('\n', stdout);
	return r == 0 && fflush(stdout) == 0 ? CTL_EXIT_OK : CTL_EXIT_FAILURE;
}

/* Writes the CSV to path ("-": standard output); returns an exit status. */
static int
ctl_report_write_csv(const char *path, const Hotline__ScorecardReply *r)
{
	FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	int rc;

	if (f == NULL) {
		fprintf(stderr, "hotlinectl: %s: %s\n", path, strerror(errno));
		return CTL_EXIT_FAILURE;
	}
	rc = ctl_report_csv(f, r);
	if (f != stdout && fclose(f) == EOF)
		rc = -1;
	if (rc == -1) {
		fprintf(stderr, "hotlinectl: cannot write %s: %s\n", path,
		    strerror(errno));
		return CTL_EXIT_FAILURE;
	}
	if (f != stdout)
	{
		fprintf(stderr, CTL_T(S_WROTE), path, r->n_departments);
		fputc('\n', stderr);
	}
	return CTL_EXIT_OK;
}

/*
 * Writes the CSV to csv (NULL: none; "-": standard output, then only it)
 * and prints the table or JSON.
 */
static int
ctl_report_output(const struct ctl *ctl, const struct ctl_report *rep,
    const char *csv)
{
	int rc;

	if (csv != NULL) {
		rc = ctl_report_write_csv(csv, rep->ranking->scorecards);
		if (rc != 0 || strcmp(csv, "-") == 0)
			return rc;
	}
	if (ctl->json)
		return ctl_report_print_json(rep);
	ctl_report_table(rep);
	return fflush(stdout) == 0 ? CTL_EXIT_OK : CTL_EXIT_FAILURE;
}

/*
 * report [--period P] [--csv FILE] [--json]: the period report. Writes the
 * CSV to FILE (default hotline-report-<period>.csv; "-": standard output,
 * instead of the table) and prints the table; with --json (or -j) prints
 * only JSON and writes a CSV only to a FILE given.
 */
int
ctl_report(struct ctl *ctl, int argc, char **argv)
{
	struct ctl_report rep = { NULL, NULL, NULL, NULL };
	char *period = NULL, *csv = NULL;
	char month[32], path[CTL_REPORT_PATH];
	const struct ctl_opt opts[] = {
		{ "period", &period, NULL, 0 },
		{ "csv", &csv, NULL, 0 },
		{ "json", NULL, &ctl->json, 0 },
		{ NULL, NULL, NULL, 0 }
	};
	int rc;

	if ((rc = ctl_parse(ctl, argc, argv, opts, 0)) != 0)
		return rc;
	if (csv != NULL && strcmp(csv, "-") == 0 && ctl->json)
		return ctl_usage_error(ctl, ZH_EN("--csv - 与 --json 都要写标准"
		    "输出", "--csv - and --json both want standard output"));
	if (period == NULL) {
		ctl_default_period(time(NULL), month, sizeof month);
		period = month;
	} else if (ctl_relative_period(period, time(NULL), month,
	    sizeof month))
		period = month;
	if (csv == NULL && !ctl->json) {
		snprintf(path, sizeof path, "hotline-report-%s.csv", period);
		csv = path;
	}
	if ((rc = ctl_report_fetch(ctl, period, &rep)) == 0)
		rc = ctl_report_output(ctl, &rep, csv);
	ctl_report_free(&rep);
	return rc;
}
