/* The keyword catalogue and the classification of a ticket (classify.c; pure core). */
#ifndef CLASSIFY_H
#define CLASSIFY_H

#include <stddef.h>

#include "config.h"

/*
 * Contract: see each function: a catalogue keeps pointers into the entries,
 * emergencies and departments it was compiled from, and results point into
 * the catalogue; classification uses working storage inside the catalogue,
 * so one thread at a time per catalogue.
 */

/* classify.c: the keyword catalogue, compiled with Hyperscan. */

/*
 * Scoring. An entry matched in the title counts CLASSIFY_TITLE times its
 * weight (the title is the demand in a few words; the content also tells
 * of other matters in passing), in the content only its weight. A
 * department's score is its heaviest entry's count plus CLASSIFY_REST of
 * its other entries' counts: one specific match outweighs a handful of
 * generic words said in passing (医院, 老师, 村里).
 */
#define CLASSIFY_TITLE 2.0
#define CLASSIFY_REST 0.5
#define CLASSIFY_MAX_SUGGESTIONS 5
#define CLASSIFY_MAX_MATCHED 8

struct classify_suggestion {
	const struct department *department;
	double score;
	const char *category;		/* of the heaviest matched entry */
	const char *matched[CLASSIFY_MAX_MATCHED];	/* distinct keywords */
	size_t nmatched;
	double model_probability;	/* blend_result: P(department | text) */
	double confidence;		/* blend_result: the blended share */
};

/*
 * A classification. The catalogue fills everything but the model's part;
 * blend_result then re-ranks with the model (confidence and auto_dispatch
 * become the blend's). An emergency never has auto_dispatch.
 */
struct classify_result {
	struct classify_suggestion suggestions[CLASSIFY_MAX_SUGGESTIONS];
	size_t nsuggestions;		/* best first, ties by department id */
	double confidence;		/* top / (sum of all scores + prior) */
	int auto_dispatch;		/* confidence >= threshold */
	double total;			/* sum of all scores + prior */
	double catalogue_confidence;	/* the catalogue's confidence */
	size_t model_examples;		/* 0: not blended with a model */
	const struct emergency *emergency;	/* the first matching, or NULL */
	const char *emergency_matched[CLASSIFY_MAX_MATCHED];
	size_t nemergency_matched;
};

/* What classify_ticket reads of a ticket; NULL strings count as "". */
struct classify_input {
	const char *title;		/* normalised */
	const char *content;		/* normalised */
	const char *district;
	const char *street;
};

/*
 * Compiles entries into one Hyperscan database. The catalogue keeps pointers
 * into entries and departments: they must outlive it. Returns NULL with a
 * message naming the offending entry in err.
 */
struct catalogue *catalogue_compile(const struct catalogue_entry *entries,
    size_t nentries, const struct department *departments,
    size_t ndepartments, char *err, size_t errlen);
/*
 * The same with emergencies, compiled into the same database (one scan
 * finds both). They must outlive the catalogue too.
 */
struct catalogue *catalogue_build(const struct catalogue_entry *entries,
    size_t nentries, const struct emergency *emergencies,
    size_t nemergencies, const struct department *departments,
    size_t ndepartments, char *err, size_t errlen);
void catalogue_free(struct catalogue *);
/*
 * Adds the n words of a domain lexicon (routing.lexicon, normal form) to
 * the catalogue's segmenter, but for those holding one of its literal
 * keywords as a proper part (one word, it would hide the keyword: 电梯困人
 * and 困人). Returns 0, or -1 with err (no memory).
 */
int catalogue_add_lexicon(struct catalogue *, const char *const *words,
    size_t n, char *err, size_t errlen);
/*
 * A reader of cat for another thread: classify_ticket on it uses cat's
 * compiled database and word lists with a Hyperscan scratch and working
 * storage of its own, so one thread may classify with cat and another with
 * the reader at once. cat (and what it points to) must outlive the reader;
 * catalogue_free frees the reader alone. NULL when Hyperscan has no memory.
 */
struct catalogue *catalogue_reader(const struct catalogue *cat);
struct segmenter;
/* Word boundaries of the catalogue's words; its place names (segment.h). */
const struct segmenter *catalogue_segmenter(const struct catalogue *);
const struct segmenter *catalogue_places(const struct catalogue *);
/*
 * Scores title + content against the catalogue. An entry with districts
 * counts only when district is one of them. A department's score is the sum
 * of the weights of its matched entries. Pointers in out stay valid while
 * the catalogue lives. Returns 0, or -1 if Hyperscan failed. Not reentrant:
 * it uses working storage inside the catalogue (the daemon is single-threaded).
 */
int classify_text(const struct catalogue *, const struct routing_spec *,
    const char *title, const char *content, const char *district,
    struct classify_result *out);
/*
 * classify_text with a street (entries with streets count only in them)
 * and the emergencies: out->emergency is the first configured emergency
 * that matched (and none of its except keywords did).
 */
int classify_ticket(const struct catalogue *, const struct routing_spec *,
    const struct classify_input *, struct classify_result *out);

#endif
