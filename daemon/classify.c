/* The dispatch catalogue (派单目录) compiled with Hyperscan, and ticket scoring. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hs/hs.h>

#include "hotlined.h"

/*
 * Hyperscan pattern ids number all keywords in catalogue order: the keywords
 * of entry e are the ids first_pattern[e] .. first_pattern[e] + nkeywords - 1.
 *
 * The arrays after npatterns are working storage of classify_text, reused
 * between calls (the daemon is single-threaded): between calls entry_hit,
 * keyword_hit, scores and best_weight are all zero.
 */
struct catalogue {
	hs_database_t *db;		/* NULL when there are no keywords */
	hs_scratch_t *scratch;
	const struct catalogue_entry *entries;
	size_t nentries;
	const struct department *departments;
	size_t ndepartments;
	size_t *entry_department;	/* index into departments, per entry */
	size_t *first_pattern;		/* per entry */
	size_t *pattern_entry;		/* per pattern */
	size_t npatterns;

	unsigned char *entry_hit;	/* per entry */
	unsigned char *keyword_hit;	/* per pattern */
	size_t *hits;			/* entries with entry_hit set */
	struct classify_suggestion *scores;	/* per department */
	double *best_weight;		/* per department */
	struct classify_suggestion *ranked;	/* per department */
};

/* One classification in progress. */
struct classify_run {
	const struct catalogue *cat;
	size_t nhits;			/* entries in cat->hits */
};

/* Returns the index of department id, or -1. */
static long
catalogue_department_index(const struct department *departments, size_t n,
    const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(departments[i].id, id) == 0)
			return (long)i;
	return -1;
}

/* Checks entry i and resolves its department; returns 0, or -1 with err set. */
static int
catalogue_check_entry(struct catalogue *cat, size_t i, char *err, size_t errlen)
{
	const struct catalogue_entry *e = &cat->entries[i];
	long d;
	size_t k;

	d = catalogue_department_index(cat->departments, cat->ndepartments,
	    e->department);
	if (d == -1) {
		snprintf(err, errlen, "entry %zu: unknown department \"%s\"",
		    i, e->department);
		return -1;
	}
	if (e->nkeywords == 0) {
		snprintf(err, errlen, "entry %zu: no keywords", i);
		return -1;
	}
	for (k = 0; k < e->nkeywords; k++)
		if (e->keywords[k][0] == '\0') {
			snprintf(err, errlen, "entry %zu: empty keyword", i);
			return -1;
		}
	if (!(e->weight > 0)) {
		snprintf(err, errlen, "entry %zu: weight must be above 0", i);
		return -1;
	}
	cat->entry_department[i] = (size_t)d;
	return 0;
}

/* Describes a Hyperscan compile error in err, naming the entry if known. */
static void
catalogue_compile_error(const struct catalogue *cat, hs_compile_error_t *cerr,
    char *err, size_t errlen)
{
	if (cerr == NULL) {
		snprintf(err, errlen, "hyperscan: cannot compile the keywords");
		return;
	}
	if (cerr->expression >= 0 && (size_t)cerr->expression < cat->npatterns)
		snprintf(err, errlen, "entry %zu: hyperscan: %s",
		    cat->pattern_entry[cerr->expression], cerr->message);
	else
		snprintf(err, errlen, "hyperscan: %s", cerr->message);
	hs_free_compile_error(cerr);
}

/* Compiles the keywords of all entries into cat->db; returns 0 or -1. */
static int
catalogue_build_db(struct catalogue *cat, char *err, size_t errlen)
{
	const char **lits = xcalloc(cat->npatterns, sizeof *lits);
	unsigned *flags = xcalloc(cat->npatterns, sizeof *flags);
	unsigned *ids = xcalloc(cat->npatterns, sizeof *ids);
	size_t *lens = xcalloc(cat->npatterns, sizeof *lens);
	hs_compile_error_t *cerr = NULL;
	size_t i, p;
	int rc = 0;

	for (p = 0; p < cat->npatterns; p++) {
		i = cat->pattern_entry[p];
		lits[p] = cat->entries[i].keywords[p - cat->first_pattern[i]];
		lens[p] = strlen(lits[p]);
		flags[p] = HS_FLAG_SINGLEMATCH;
		ids[p] = (unsigned)p;
	}
	if (hs_compile_lit_multi(lits, flags, ids, lens,
	    (unsigned)cat->npatterns, HS_MODE_BLOCK, NULL, &cat->db,
	    &cerr) != HS_SUCCESS) {
		catalogue_compile_error(cat, cerr, err, errlen);
		rc = -1;
	} else if (hs_alloc_scratch(cat->db, &cat->scratch) != HS_SUCCESS) {
		snprintf(err, errlen, "hyperscan: cannot allocate scratch");
		rc = -1;
	}
	free(lits);
	free(flags);
	free(ids);
	free(lens);
	return rc;
}

/* Numbers the keywords of every entry as patterns. */
static void
catalogue_number_patterns(struct catalogue *cat)
{
	size_t i, k;

	cat->npatterns = 0;
	for (i = 0; i < cat->nentries; i++)
		cat->npatterns += cat->entries[i].nkeywords;
	cat->pattern_entry = xcalloc(cat->npatterns,
	    sizeof *cat->pattern_entry);
	cat->keyword_hit = xcalloc(cat->npatterns, 1);
	cat->npatterns = 0;
	for (i = 0; i < cat->nentries; i++) {
		cat->first_pattern[i] = cat->npatterns;
		for (k = 0; k < cat->entries[i].nkeywords; k++)
			cat->pattern_entry[cat->npatterns++] = i;
	}
}

/*
 * Compiles entries into one Hyperscan database. The catalogue keeps pointers
 * into entries and departments: they must outlive it. Returns NULL with a
 * message naming the offending entry in err.
 */
struct catalogue *
catalogue_compile(const struct catalogue_entry *entries, size_t nentries,
    const struct department *departments, size_t ndepartments, char *err,
    size_t errlen)
{
	struct catalogue *cat = xcalloc(1, sizeof *cat);
	size_t i;

	cat->entries = entries;
	cat->nentries = nentries;
	cat->departments = departments;
	cat->ndepartments = ndepartments;
	cat->entry_department = xcalloc(nentries,
	    sizeof *cat->entry_department);
	cat->first_pattern = xcalloc(nentries, sizeof *cat->first_pattern);
	cat->entry_hit = xcalloc(nentries, 1);
	cat->hits = xcalloc(nentries, sizeof *cat->hits);
	cat->scores = xcalloc(ndepartments, sizeof *cat->scores);
	cat->best_weight = xcalloc(ndepartments, sizeof *cat->best_weight);
	cat->ranked = xcalloc(ndepartments, sizeof *cat->ranked);
	for (i = 0; i < nentries; i++)
		if (catalogue_check_entry(cat, i, err, errlen) == -1)
			goto fail;
	catalogue_number_patterns(cat);
	if (cat->npatterns > UINT_MAX) {
		snprintf(err, errlen, "too many keywords");
		goto fail;
	}
	if (cat->npatterns > 0 && catalogue_build_db(cat, err, errlen) == -1)
		goto fail;
	return cat;
fail:
	catalogue_free(cat);
	return NULL;
}

/* Frees a catalogue (not the entries and departments it points to). */
void
catalogue_free(struct catalogue *cat)
{
	if (cat == NULL)
		return;
	hs_free_scratch(cat->scratch);
	hs_free_database(cat->db);
	free(cat->entry_department);
	free(cat->first_pattern);
	free(cat->pattern_entry);
	free(cat->entry_hit);
	free(cat->keyword_hit);
	free(cat->hits);
	free(cat->scores);
	free(cat->best_weight);
	free(cat->ranked);
	free(cat);
}

/* Hyperscan match callback: marks the keyword and its entry as seen. */
static int
classify_on_match(unsigned int id, unsigned long long from,
    unsigned long long to, unsigned int flags, void *arg)
{
	struct classify_run *run = arg;
	const struct catalogue *cat = run->cat;
	size_t e = cat->pattern_entry[id];

	(void)from;
	(void)to;
	(void)flags;
	cat->keyword_hit[id] = 1;
	if (!cat->entry_hit[e]) {
		cat->entry_hit[e] = 1;
		cat->hits[run->nhits++] = e;
	}
	return 0;
}

/* Scans one text (NULL or empty: nothing); returns 0, or -1 on failure. */
static int
classify_scan(struct classify_run *run, const char *text)
{
	size_t len = text == NULL ? 0 : strlen(text);

	if (len == 0)
		return 0;
	if (len > UINT_MAX)
		return -1;
	if (hs_scan(run->cat->db, text, (unsigned)len, 0, run->cat->scratch,
	    classify_on_match, run) != HS_SUCCESS)
		return -1;
	return 0;
}

/* Returns 1 if entry e applies in district (no districts: everywhere). */
static int
classify_applies(const struct catalogue_entry *e, const char *district)
{
	size_t i;

	if (e->ndistricts == 0)
		return 1;
	for (i = 0; i < e->ndistricts; i++)
		if (strcmp(e->districts[i], district) == 0)
			return 1;
	return 0;
}

/* Adds keyword to s's matched list unless it is there or the list is full. */
static void
classify_add_keyword(struct classify_suggestion *s, const char *keyword)
{
	size_t i;

	for (i = 0; i < s->nmatched; i++)
		if (strcmp(s->matched[i], keyword) == 0)
			return;
	if (s->nmatched < CLASSIFY_MAX_MATCHED)
		s->matched[s->nmatched++] = keyword;
}

/* Adds matched entry e to its department's score. */
static void
classify_count_entry(const struct catalogue *cat, size_t e)
{
	const struct catalogue_entry *entry = &cat->entries[e];
	size_t d = cat->entry_department[e], k;
	struct classify_suggestion *s = &cat->scores[d];

	s->department = &cat->departments[d];
	s->score += entry->weight;
	if (entry->weight > cat->best_weight[d]) {
		cat->best_weight[d] = entry->weight;
		s->category = entry->category;
	}
	for (k = 0; k < entry->nkeywords; k++)
		if (cat->keyword_hit[cat->first_pattern[e] + k])
			classify_add_keyword(s, entry->keywords[k]);
}

/* Orders entry indexes ascending. */
static int
classify_cmp_index(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (x > y) - (x < y);
}

/* Orders suggestions by score, highest first, ties by department id. */
static int
classify_cmp_suggestion(const void *a, const void *b)
{
	const struct classify_suggestion *x = a, *y = b;

	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return strcmp(x->department->id, y->department->id);
}

/* Fills out from the per-department scores: ranking and confidence. */
static void
classify_rank(const struct catalogue *cat, const struct routing_spec *routing,
    struct classify_result *out)
{
	struct classify_suggestion *all = cat->ranked;
	double sum = 0;
	size_t d, n = 0;

	for (d = 0; d < cat->ndepartments; d++)
		if (cat->scores[d].department != NULL) {
			all[n++] = cat->scores[d];
			sum += cat->scores[d].score;
		}
	qsort(all, n, sizeof *all, classify_cmp_suggestion);
	out->nsuggestions = n < CLASSIFY_MAX_SUGGESTIONS ? n :
	    CLASSIFY_MAX_SUGGESTIONS;
	memcpy(out->suggestions, all, out->nsuggestions * sizeof *all);
	if (n > 0)
		out->confidence = all[0].score / (sum + routing->prior);
	out->auto_dispatch = out->nsuggestions > 0 &&
	    out->confidence >= routing->dispatch_threshold;
}

/* Clears the scratch state left by one classification. */
static void
classify_reset(const struct classify_run *run)
{
	const struct catalogue *cat = run->cat;
	size_t h, e, k, d;

	for (h = 0; h < run->nhits; h++) {
		e = cat->hits[h];
		d = cat->entry_department[e];
		cat->entry_hit[e] = 0;
		for (k = 0; k < cat->entries[e].nkeywords; k++)
			cat->keyword_hit[cat->first_pattern[e] + k] = 0;
		memset(&cat->scores[d], 0, sizeof cat->scores[d]);
		cat->best_weight[d] = 0;
	}
}

/*
 * Scores title + content against the catalogue (two scans, so no keyword
 * matches across the boundary). Pointers in out stay valid while the
 * catalogue lives. Returns 0, or -1 if Hyperscan failed.
 */
int
classify_text(const struct catalogue *cat, const struct routing_spec *routing,
    const char *title, const char *content, const char *district,
    struct classify_result *out)
{
	struct classify_run run = { cat, 0 };
	size_t h;
	int rc = 0;

	memset(out, 0, sizeof *out);
	if (cat->db == NULL)
		return 0;
	if (district == NULL)
		district = "";
	if (classify_scan(&run, title) == -1 ||
	    classify_scan(&run, content) == -1)
		rc = -1;
	else {
		qsort(cat->hits, run.nhits, sizeof *cat->hits,
		    classify_cmp_index);
		for (h = 0; h < run.nhits; h++)
			if (classify_applies(&cat->entries[cat->hits[h]],
			    district))
				classify_count_entry(cat, cat->hits[h]);
		classify_rank(cat, routing, out);
	}
	classify_reset(&run);
	return rc;
}
