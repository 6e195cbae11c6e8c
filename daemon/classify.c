/* The dispatch catalogue (派单目录) and its emergencies compiled with Hyperscan (matcher.c), and ticket scoring. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "matcher.h"
#include "normalize.h"
#include "segment.h"
#include "tense.h"
#include "xarray.h"
#include "xmalloc.h"

/* What an expression of the database belongs to. */
enum pattern_role { PATTERN_ENTRY, PATTERN_EMERGENCY, PATTERN_EXCEPT };

/* How a pattern was seen (pattern_hit): not yet, with no time word, now. */
enum pattern_seen { PATTERN_UNSEEN, PATTERN_UNANCHORED, PATTERN_NOW };

/* One expression of the database; its Hyperscan id is its index. */
struct pattern {
	const char *text;		/* the keyword or expression as configured */
	size_t owner;			/* entry, or nentries + emergency */
	unsigned char role;		/* enum pattern_role */
	unsigned char regex;		/* an expression, not a literal keyword */
	unsigned char raw;		/* a literal that may match inside words */
};

/*
 * The expressions of owner o (an entry, or nentries + an emergency) are
 * patterns[first_pattern[o] .. first_pattern[o + 1] - 1]: an entry's
 * keywords then its patterns; an emergency's keywords, patterns, then its
 * except keywords.
 *
 * The arrays after npatterns are working storage of classify_ticket,
 * reused between calls (the daemon is single-threaded): between calls
 * pattern_hit, entry_hit, scores and best_weight are all zero.
 *
 * A literal keyword counts only where it is a whole word or a sequence of
 * whole words of seg's segmentation of the text (segment.h): Hyperscan
 * finds it, the word boundaries confirm it. seg's user words are the
 * keywords, the districts and streets the entries name and the
 * departments' names, so that they are cut as units. A keyword written
 * "*..." in the catalogue is raw: any occurrence counts (the '*' is not
 * part of it); patterns (regular expressions) are raw too.
 */
struct catalogue {
	const struct catalogue *of;	/* a reader's catalogue (see catalogue_reader), or NULL */
	struct matcher matcher;		/* every expression, by its index */
	struct segmenter *seg;		/* word boundaries for keywords */
	struct segmenter *places;	/* the districts and streets named */
	const struct catalogue_entry *entries;
	size_t nentries;
	const struct emergency *emergencies;
	size_t nemergencies;
	char **emergency_label;		/* per emergency: "火警 119" */
	const struct department *departments;
	size_t ndepartments;
	size_t *entry_department;	/* index into departments, per entry */
	size_t *first_pattern;		/* per owner, and one past the last */
	struct pattern *patterns;
	size_t npatterns;

	unsigned char *pattern_hit;	/* per pattern */
	size_t *pattern_hits;		/* patterns with pattern_hit set */
	unsigned char *entry_hit;	/* per entry */
	unsigned char *entry_title;	/* per entry: matched in the title */
	size_t *hits;			/* entries with entry_hit set */
	struct classify_suggestion *scores;	/* per department */
	double *best_weight;		/* per department */
	double *best_counted;		/* per department: its heaviest count */
	struct classify_suggestion *ranked;	/* per department */
};

/* One classification in progress. */
struct classify_run {
	const struct catalogue *cat;
	size_t nhits;			/* entries in cat->hits */
	size_t npattern_hits;		/* patterns in cat->pattern_hits */
	const char *text;		/* the text being scanned, len bytes */
	size_t len;
	unsigned char *marks;		/* its word bounds, once needed */
	int unanchored;			/* an emergency's match had no time word */
	int in_title;			/* the text being scanned is the title */
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

/* Fails with err unless none of the n strings of v is empty. */
static int
catalogue_check_strings(char *const *v, size_t n, const char *owner,
    size_t i, const char *what, char *err, size_t errlen)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (v[k][0] == '\0') {
			snprintf(err, errlen, "%s %zu: empty %s", owner, i, what);
			return -1;
		}
	return 0;
}

/* Checks entry i and resolves its department; returns 0, or -1 with err set. */
static int
catalogue_check_entry(struct catalogue *cat, size_t i, char *err, size_t errlen)
{
	const struct catalogue_entry *e = &cat->entries[i];
	long d;

	d = catalogue_department_index(cat->departments, cat->ndepartments,
	    e->department);
	if (d == -1) {
		snprintf(err, errlen, "entry %zu: unknown department \"%s\"",
		    i, e->department);
		return -1;
	}
	if (e->nkeywords + e->npatterns == 0) {
		snprintf(err, errlen, "entry %zu: no keywords", i);
		return -1;
	}
	if (catalogue_check_strings(e->keywords, e->nkeywords, "entry", i,
	    "keyword", err, errlen) == -1 ||
	    catalogue_check_strings(e->patterns, e->npatterns, "entry", i,
	    "pattern", err, errlen) == -1)
		return -1;
	if (!(e->weight > 0)) {
		snprintf(err, errlen, "entry %zu: weight must be above 0", i);
		return -1;
	}
	cat->entry_department[i] = (size_t)d;
	return 0;
}

/* Checks emergency i; returns 0, or -1 with err set. */
static int
catalogue_check_emergency(const struct catalogue *cat, size_t i, char *err,
    size_t errlen)
{
	const struct emergency *em = &cat->emergencies[i];

	if (em->nkeywords + em->npatterns == 0) {
		snprintf(err, errlen, "emergency %zu: no keywords or patterns",
		    i);
		return -1;
	}
	if (em->transfer_to == NULL || em->transfer_to[0] == '\0' ||
	    em->kind == NULL || em->kind[0] == '\0') {
		snprintf(err, errlen, "emergency %zu: kind and transfer_to "
		    "are required", i);
		return -1;
	}
	return catalogue_check_strings(em->keywords, em->nkeywords,
	    "emergency", i, "keyword", err, errlen) == -1 ||
	    catalogue_check_strings(em->patterns, em->npatterns, "emergency",
	    i, "pattern", err, errlen) == -1 ||
	    catalogue_check_strings(em->except, em->nexcept, "emergency", i,
	    "except keyword", err, errlen) == -1 ? -1 : 0;
}

/* Appends n expressions of owner with role; regex says which kind they are. */
static void
catalogue_add_patterns(struct catalogue *cat, char *const *v, size_t n,
    size_t owner, enum pattern_role role, int regex)
{
	size_t k;

	for (k = 0; k < n; k++) {
		struct pattern *p = &cat->patterns[cat->npatterns++];

		p->raw = !regex && v[k][0] == '*' && v[k][1] != '\0';
		p->text = p->raw ? v[k] + 1 : v[k];
		p->owner = owner;
		p->role = (unsigned char)role;
		p->regex = (unsigned char)regex;
	}
}

/* Numbers the expressions of every entry and emergency (see struct catalogue). */
static void
catalogue_number_patterns(struct catalogue *cat)
{
	const struct emergency *em;
	size_t i, n = 0, o;

	for (i = 0; i < cat->nentries; i++)
		n += cat->entries[i].nkeywords + cat->entries[i].npatterns;
	for (i = 0; i < cat->nemergencies; i++)
		n += cat->emergencies[i].nkeywords +
		    cat->emergencies[i].npatterns + cat->emergencies[i].nexcept;
	cat->patterns = xcalloc(n, sizeof *cat->patterns);
	cat->pattern_hit = xcalloc(n, 1);
	cat->pattern_hits = xcalloc(n, sizeof *cat->pattern_hits);
	for (i = 0; i < cat->nentries; i++) {
		cat->first_pattern[i] = cat->npatterns;
		catalogue_add_patterns(cat, cat->entries[i].keywords,
		    cat->entries[i].nkeywords, i, PATTERN_ENTRY, 0);
		catalogue_add_patterns(cat, cat->entries[i].patterns,
		    cat->entries[i].npatterns, i, PATTERN_ENTRY, 1);
	}
	for (i = 0; i < cat->nemergencies; i++) {
		em = &cat->emergencies[i];
		o = cat->nentries + i;
		cat->first_pattern[o] = cat->npatterns;
		catalogue_add_patterns(cat, em->keywords, em->nkeywords, o,
		    PATTERN_EMERGENCY, 0);
		catalogue_add_patterns(cat, em->patterns, em->npatterns, o,
		    PATTERN_EMERGENCY, 1);
		catalogue_add_patterns(cat, em->except, em->nexcept, o,
		    PATTERN_EXCEPT, 0);
	}
	cat->first_pattern[cat->nentries + cat->nemergencies] = cat->npatterns;
}

/* Describes a compile error in err, naming the entry or emergency at fault. */
static void
catalogue_compile_error(const struct catalogue *cat, size_t bad,
    const char *why, char *err, size_t errlen)
{
	const struct pattern *p;

	if (bad >= cat->npatterns) {
		snprintf(err, errlen, "hyperscan: %s", why);
		return;
	}
	p = &cat->patterns[bad];
	if (p->owner < cat->nentries)
		snprintf(err, errlen, "entry %zu: %s \"%s\": hyperscan: %s",
		    p->owner, p->regex ? "pattern" : "keyword", p->text, why);
	else
		snprintf(err, errlen, "emergency %zu: %s \"%s\": hyperscan: %s",
		    p->owner - cat->nentries, p->regex ? "pattern" : "keyword",
		    p->text, why);
}

/*
 * Compiles every expression into cat->matcher: literal keywords as bytes,
 * patterns as UTF-8 expressions with Unicode classes. Returns 0 or -1.
 */
static int
catalogue_build_db(struct catalogue *cat, char *err, size_t errlen)
{
	struct matcher_expr *exprs = xcalloc(cat->npatterns, sizeof *exprs);
	char why[512];
	size_t p, bad;
	int rc = 0;

	for (p = 0; p < cat->npatterns; p++) {
		exprs[p].text = cat->patterns[p].text;
		exprs[p].regex = cat->patterns[p].regex;
	}
	if (matcher_compile(&cat->matcher, exprs, cat->npatterns, &bad, why,
	    sizeof why) == -1) {
		catalogue_compile_error(cat, bad, why, err, errlen);
		rc = -1;
	}
	free(exprs);
	return rc;
}

/* Appends the n strings of v to the word list *w of *nw (room is made). */
static void
catalogue_add_words(const char ***w, size_t *nw, char *const *v, size_t n)
{
	size_t k;

	*w = xrealloc(*w, (*nw + n + 1) * sizeof **w);
	for (k = 0; k < n; k++)
		(*w)[(*nw)++] = v[k];
}

/*
 * Makes cat->seg, whose user words are the literal keywords (not the raw
 * ones), the districts and streets the entries name and the departments'
 * names (normalised). Returns 0, or -1 with err set.
 */
static int
catalogue_build_segmenter(struct catalogue *cat, char *err, size_t errlen)
{
	const char **w = NULL;
	char **names = xcalloc(cat->ndepartments + 1, sizeof *names);
	size_t nw = 0, i;

	for (i = 0; i < cat->npatterns; i++)
		if (!cat->patterns[i].regex && !cat->patterns[i].raw)
			catalogue_add_words(&w, &nw, (char *const *)
			    &cat->patterns[i].text, 1);
	for (i = 0; i < cat->nentries; i++) {
		catalogue_add_words(&w, &nw, cat->entries[i].districts,
		    cat->entries[i].ndistricts);
		catalogue_add_words(&w, &nw, cat->entries[i].streets,
		    cat->entries[i].nstreets);
	}
	for (i = 0; i < cat->ndepartments; i++)
		names[i] = normalize_text(cat->departments[i].name);
	catalogue_add_words(&w, &nw, names, cat->ndepartments);
	cat->seg = segment_new(w, nw, err, errlen);
	nw = 0;
	for (i = 0; i < cat->nentries; i++) {
		catalogue_add_words(&w, &nw, cat->entries[i].districts,
		    cat->entries[i].ndistricts);
		catalogue_add_words(&w, &nw, cat->entries[i].streets,
		    cat->entries[i].nstreets);
	}
	if (cat->seg != NULL)
		cat->places = segment_new(w, nw, err, errlen);
	for (i = 0; i < cat->ndepartments; i++)
		free(names[i]);
	free(names);
	free(w);
	return cat->seg == NULL || cat->places == NULL ? -1 : 0;
}

/* Allocates a catalogue over its arrays, with working storage. */
static struct catalogue *
catalogue_new(const struct catalogue_entry *entries, size_t nentries,
    const struct emergency *emergencies, size_t nemergencies,
    const struct department *departments, size_t ndepartments)
{
	struct catalogue *cat = xcalloc(1, sizeof *cat);

	cat->entries = entries;
	cat->nentries = nentries;
	cat->emergencies = emergencies;
	cat->nemergencies = nemergencies;
	cat->emergency_label = xcalloc(nemergencies + 1,
	    sizeof *cat->emergency_label);
	cat->departments = departments;
	cat->ndepartments = ndepartments;
	cat->entry_department = xcalloc(nentries,
	    sizeof *cat->entry_department);
	cat->first_pattern = xcalloc(nentries + nemergencies + 1,
	    sizeof *cat->first_pattern);
	cat->entry_hit = xcalloc(nentries, 1);
	cat->entry_title = xcalloc(nentries, 1);
	cat->hits = xcalloc(nentries, sizeof *cat->hits);
	cat->scores = xcalloc(ndepartments, sizeof *cat->scores);
	cat->best_weight = xcalloc(ndepartments, sizeof *cat->best_weight);
	cat->best_counted = xcalloc(ndepartments,
	    sizeof *cat->best_counted);
	cat->ranked = xcalloc(ndepartments, sizeof *cat->ranked);
	return cat;
}

/*
 * Compiles entries and emergencies into one Hyperscan database. The
 * catalogue keeps pointers into entries, emergencies and departments: they
 * must outlive it. Returns NULL with a message naming the offending entry
 * or emergency (and, for a bad expression, Hyperscan's reason) in err.
 */
struct catalogue *
catalogue_build(const struct catalogue_entry *entries, size_t nentries,
    const struct emergency *emergencies, size_t nemergencies,
    const struct department *departments, size_t ndepartments, char *err,
    size_t errlen)
{
	struct catalogue *cat = catalogue_new(entries, nentries, emergencies,
	    nemergencies, departments, ndepartments);
	size_t i;

	for (i = 0; i < nentries; i++)
		if (catalogue_check_entry(cat, i, err, errlen) == -1)
			goto fail;
	for (i = 0; i < nemergencies; i++) {
		if (catalogue_check_emergency(cat, i, err, errlen) == -1)
			goto fail;
		cat->emergency_label[i] = xasprintf("%s %s",
		    emergencies[i].name != NULL ? emergencies[i].name :
		    emergencies[i].kind, emergencies[i].transfer_to);
	}
	catalogue_number_patterns(cat);
	if (cat->npatterns > UINT_MAX) {
		snprintf(err, errlen, "too many keywords and patterns");
		goto fail;
	}
	if (cat->npatterns > 0 && catalogue_build_db(cat, err, errlen) == -1)
		goto fail;
	if (catalogue_build_segmenter(cat, err, errlen) == -1)
		goto fail;
	return cat;
fail:
	catalogue_free(cat);
	return NULL;
}

/*
 * 1 if lexicon word w holds a literal keyword of the catalogue as a proper
 * part: as one word it would hide the keyword from classify_whole_words.
 */
static int
catalogue_hides_keyword(const struct catalogue *cat, const char *w)
{
	size_t i;

	for (i = 0; i < cat->npatterns; i++)
		if (!cat->patterns[i].regex && !cat->patterns[i].raw &&
		    strlen(cat->patterns[i].text) < strlen(w) &&
		    strstr(w, cat->patterns[i].text) != NULL)
			return 1;
	return 0;
}

/* Remakes the catalogue's segmenter with the lexicon's words too (the catalogue's keywords win); see classify.h. */
int
catalogue_add_lexicon(struct catalogue *cat, const char *const *words,
    size_t n, char *err, size_t errlen)
{
	const char **keep = xcalloc(n + 1, sizeof *keep);
	struct segmenter *seg;
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (!catalogue_hides_keyword(cat, words[i]))
			keep[k++] = words[i];
	seg = k > 0 ? segment_extend(cat->seg, keep, k, err, errlen) : NULL;
	free(keep);
	if (k == 0)
		return 0;
	if (seg == NULL)
		return -1;
	segment_free(cat->seg);
	cat->seg = seg;
	return 0;
}

/* catalogue_build without emergencies. */
struct catalogue *
catalogue_compile(const struct catalogue_entry *entries, size_t nentries,
    const struct department *departments, size_t ndepartments, char *err,
    size_t errlen)
{
	return catalogue_build(entries, nentries, NULL, 0, departments,
	    ndepartments, err, errlen);
}

/* Frees the working storage of classify_ticket in cat. */
static void
catalogue_free_work(struct catalogue *cat)
{
	free(cat->pattern_hit);
	free(cat->pattern_hits);
	free(cat->entry_hit);
	free(cat->entry_title);
	free(cat->hits);
	free(cat->scores);
	free(cat->best_weight);
	free(cat->best_counted);
	free(cat->ranked);
}

/*
 * See classify.h: cat's database, patterns and segmenters (segmenters are
 * read-only, segment.h), a scratch and working storage of its own.
 */
struct catalogue *
catalogue_reader(const struct catalogue *cat)
{
	struct catalogue *r = xmalloc(sizeof *r);

	*r = *cat;
	r->of = cat;
	if (matcher_reader(&cat->matcher, &r->matcher) == -1) {
		free(r);
		return NULL;
	}
	r->pattern_hit = xcalloc(cat->npatterns + 1, 1);
	r->pattern_hits = xcalloc(cat->npatterns + 1, sizeof *r->pattern_hits);
	r->entry_hit = xcalloc(cat->nentries + 1, 1);
	r->entry_title = xcalloc(cat->nentries + 1, 1);
	r->hits = xcalloc(cat->nentries + 1, sizeof *r->hits);
	r->scores = xcalloc(cat->ndepartments + 1, sizeof *r->scores);
	r->best_weight = xcalloc(cat->ndepartments + 1,
	    sizeof *r->best_weight);
	r->best_counted = xcalloc(cat->ndepartments + 1,
	    sizeof *r->best_counted);
	r->ranked = xcalloc(cat->ndepartments + 1, sizeof *r->ranked);
	return r;
}

/* Frees a catalogue (not the entries and departments it points to), or a reader. */
void
catalogue_free(struct catalogue *cat)
{
	size_t i;

	if (cat == NULL)
		return;
	catalogue_free_work(cat);
	if (cat->of != NULL) {
		matcher_reader_free(&cat->matcher);
		free(cat);
		return;
	}
	matcher_free(&cat->matcher);
	segment_free(cat->seg);
	segment_free(cat->places);
	for (i = 0; cat->emergency_label != NULL && i < cat->nemergencies; i++)
		free(cat->emergency_label[i]);
	free(cat->emergency_label);
	free(cat->entry_department);
	free(cat->first_pattern);
	free(cat->patterns);
	free(cat);
}

/*
 * Returns 1 if literal p, found ending at end, is a sequence of whole
 * words of the text (or raw). Segments the text on first need.
 */
static int
classify_whole_words(struct classify_run *run, const struct pattern *p,
    size_t end)
{
	size_t len = strlen(p->text);

	if (p->regex || p->raw)
		return 1;
	if (run->marks == NULL) {
		run->marks = xmalloc(run->len + 1);
		segment_bounds(run->cat->seg, run->text, run->len, run->marks);
	}
	return end <= run->len && len <= end &&
	    (run->marks[end - len] & SEGMENT_START) &&
	    (run->marks[end] & SEGMENT_END);
}

/* The segmenter of the catalogue's words (thread-safe, see segment.h). */
const struct segmenter *
catalogue_segmenter(const struct catalogue *cat)
{
	return cat->seg;
}

/* A segmenter whose user words are the districts and streets entries name. */
const struct segmenter *
catalogue_places(const struct catalogue *cat)
{
	return cat->places;
}

/*
 * How an emergency's match ending at end counts (tense.h): 0 not at all
 * (its clause or its time frame tells of the past, a drill, a fear, a
 * denial), PATTERN_NOW when a time word of now sets its frame,
 * PATTERN_UNANCHORED when no time word does (it then counts unless the
 * ticket reads as a report about a handled event or a service). Other
 * expressions count as PATTERN_NOW.
 */
static unsigned char
classify_emergency_tense(const struct classify_run *run,
    const struct pattern *p, size_t end)
{
	size_t len = p->regex ? 1 : strlen(p->text);

	if (p->role != PATTERN_EMERGENCY || end > run->len || end < len)
		return PATTERN_NOW;
	if (tense_clause_not_now(run->text, run->len, end - len, end))
		return 0;
	switch (tense_frame(run->text, run->len, end)) {
	case TENSE_PAST:
		return 0;
	case TENSE_NOW:
		return PATTERN_NOW;
	default:
		return PATTERN_UNANCHORED;
	}
}

/* Match callback: marks the expression and its entry as seen. */
static void
classify_on_match(size_t id, size_t end, void *arg)
{
	struct classify_run *run = arg;
	const struct catalogue *cat = run->cat;
	const struct pattern *p = &cat->patterns[id];
	unsigned char how;

	if (cat->pattern_hit[id] == PATTERN_NOW ||
	    !classify_whole_words(run, p, end) ||
	    (how = classify_emergency_tense(run, p, end)) == 0 ||
	    how <= cat->pattern_hit[id])
		return;	/* seen already, or not now */
	if (cat->pattern_hit[id] == PATTERN_UNSEEN)
		cat->pattern_hits[run->npattern_hits++] = id;
	cat->pattern_hit[id] = how;
	run->unanchored |= how == PATTERN_UNANCHORED;
	if (p->role == PATTERN_ENTRY && !cat->entry_hit[p->owner]) {
		cat->entry_hit[p->owner] = 1;
		cat->entry_title[p->owner] = (unsigned char)run->in_title;
		cat->hits[run->nhits++] = p->owner;
	}
}

/* Scans one text (NULL or empty: nothing); returns 0, or -1 on failure. */
static int
classify_scan(struct classify_run *run, const char *text)
{
	size_t len = text == NULL ? 0 : strlen(text);
	int rc;

	if (len == 0)
		return 0;
	if (len > UINT_MAX)
		return -1;
	run->text = text;
	run->len = len;
	rc = matcher_scan(&run->cat->matcher, text, (unsigned)len,
	    classify_on_match, run);
	free(run->marks);
	run->marks = NULL;
	return rc;
}

/* Returns 1 if name is one of the n strings of list (none: any name is). */
static int
classify_in(char *const *list, size_t n, const char *name)
{
	size_t i;

	if (n == 0)
		return 1;
	for (i = 0; i < n; i++)
		if (strcmp(list[i], name) == 0)
			return 1;
	return 0;
}

/* Returns 1 if entry e applies in district and street. */
static int
classify_applies(const struct catalogue_entry *e, const char *district,
    const char *street)
{
	return classify_in(e->districts, e->ndistricts, district) &&
	    classify_in(e->streets, e->nstreets, street);
}

/* Adds text to a matched list unless it is there or the list is full. */
static void
classify_add_matched(const char **matched, size_t *n, const char *text)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(matched[i], text) == 0)
			return;
	if (*n < CLASSIFY_MAX_MATCHED)
		matched[(*n)++] = text;
}

/* Adds matched entry e to its department's score. */
static void
classify_count_entry(const struct catalogue *cat, size_t e)
{
	const struct catalogue_entry *entry = &cat->entries[e];
	size_t d = cat->entry_department[e], p;
	struct classify_suggestion *s = &cat->scores[d];
	double w = entry->weight * (cat->entry_title[e] ? CLASSIFY_TITLE : 1);

	s->department = &cat->departments[d];
	s->score += w;
	if (w > cat->best_counted[d])
		cat->best_counted[d] = w;
	if (entry->weight > cat->best_weight[d]) {
		cat->best_weight[d] = entry->weight;
		s->category = entry->category;
	}
	for (p = cat->first_pattern[e]; p < cat->first_pattern[e + 1]; p++)
		if (cat->pattern_hit[p])
			classify_add_matched(s->matched, &s->nmatched,
			    cat->patterns[p].text);
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
			all[n] = cat->scores[d];
			all[n].score = cat->best_counted[d] + CLASSIFY_REST *
			    (all[n].score - cat->best_counted[d]);
			sum += all[n++].score;
		}
	xqsort(all, n, sizeof *all, classify_cmp_suggestion);
	out->nsuggestions = n < CLASSIFY_MAX_SUGGESTIONS ? n :
	    CLASSIFY_MAX_SUGGESTIONS;
	xmemcpy(out->suggestions, all, out->nsuggestions * sizeof *all);
	out->total = sum + routing->prior;
	if (n > 0)
		out->confidence = all[0].score / out->total;
	out->catalogue_confidence = out->confidence;
	out->auto_dispatch = out->nsuggestions > 0 &&
	    out->confidence >= routing->dispatch_threshold;
}

/*
 * Returns 1 if pattern p of an emergency counts: an except keyword seen
 * anywhere; a keyword or pattern seen with a time word of now, or seen
 * with none in a ticket that is not a report (report: tense_report).
 */
static int
classify_counts(const struct catalogue *cat, size_t p, int report)
{
	return cat->pattern_hit[p] == PATTERN_NOW ||
	    (cat->pattern_hit[p] == PATTERN_UNANCHORED &&
	    (cat->patterns[p].role == PATTERN_EXCEPT || !report));
}

/*
 * Returns 1 if emergency i matched: one of its keywords or patterns and
 * none of its except keywords (classify_counts; report as there). Lists
 * what matched in out when it did: the keywords as written, and for a
 * pattern the line's name and number ("火警 119"), never the expression
 * itself (agents read it).
 */
static int
classify_emergency(const struct catalogue *cat, size_t i, int report,
    struct classify_result *out)
{
	size_t o = cat->nentries + i, p;
	int hit = 0;

	for (p = cat->first_pattern[o]; p < cat->first_pattern[o + 1]; p++) {
		if (!classify_counts(cat, p, report))
			continue;
		if (cat->patterns[p].role == PATTERN_EXCEPT)
			return 0;
		hit = 1;
	}
	if (!hit)
		return 0;
	for (p = cat->first_pattern[o]; p < cat->first_pattern[o + 1]; p++)
		if (classify_counts(cat, p, report) &&
		    cat->patterns[p].role == PATTERN_EMERGENCY)
			classify_add_matched(out->emergency_matched,
			    &out->nemergency_matched, cat->patterns[p].regex ?
			    cat->emergency_label[i] : cat->patterns[p].text);
	out->emergency = &cat->emergencies[i];
	return 1;
}

/* Clears the scratch state left by one classification. */
static void
classify_reset(const struct classify_run *run)
{
	const struct catalogue *cat = run->cat;
	size_t h, e, d;

	for (h = 0; h < run->npattern_hits; h++)
		cat->pattern_hit[cat->pattern_hits[h]] = 0;
	for (h = 0; h < run->nhits; h++) {
		e = cat->hits[h];
		d = cat->entry_department[e];
		cat->entry_hit[e] = 0;
		cat->entry_title[e] = 0;
		memset(&cat->scores[d], 0, sizeof cat->scores[d]);
		cat->best_weight[d] = 0;
		cat->best_counted[d] = 0;
	}
}

/* Counts the matched entries that apply, ranks them and finds an emergency. */
static void
classify_tally(const struct classify_run *run,
    const struct routing_spec *routing, const struct classify_input *in,
    struct classify_result *out)
{
	const struct catalogue *cat = run->cat;
	const char *district = in->district != NULL ? in->district : "";
	const char *street = in->street != NULL ? in->street : "";
	size_t h, i;
	int report;

	xqsort(cat->hits, run->nhits, sizeof *cat->hits, classify_cmp_index);
	for (h = 0; h < run->nhits; h++)
		if (classify_applies(&cat->entries[cat->hits[h]], district,
		    street))
			classify_count_entry(cat, cat->hits[h]);
	classify_rank(cat, routing, out);
	report = run->unanchored && tense_report(in->title, in->content);
	for (i = 0; i < cat->nemergencies; i++)
		if (classify_emergency(cat, i, report, out))
			break;
	if (out->emergency != NULL)
		out->auto_dispatch = 0;
}

/*
 * Scores title + content against the catalogue (two scans, so no keyword
 * matches across the boundary) and looks for emergencies. Pointers in out
 * stay valid while the catalogue lives. Returns 0, or -1 if Hyperscan
 * failed.
 */
int
classify_ticket(const struct catalogue *cat, const struct routing_spec *routing,
    const struct classify_input *in, struct classify_result *out)
{
	struct classify_run run = { .cat = cat };
	int rc = 0;

	memset(out, 0, sizeof *out);
	out->total = routing->prior;
	if (cat->matcher.db == NULL)
		return 0;
	run.in_title = 1;
	if (classify_scan(&run, in->title) == -1)
		rc = -1;
	run.in_title = 0;
	if (rc == -1 || classify_scan(&run, in->content) == -1)
		rc = -1;
	else
		classify_tally(&run, routing, in, out);
	classify_reset(&run);
	return rc;
}

/* classify_ticket without a street. */
int
classify_text(const struct catalogue *cat, const struct routing_spec *routing,
    const char *title, const char *content, const char *district,
    struct classify_result *out)
{
	struct classify_input in = { title, content, district, NULL };

	return classify_ticket(cat, routing, &in, out);
}
