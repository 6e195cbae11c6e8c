/* The knowledge base (政策咨询知识库): search terms, passages and the exchange format, shared by kb-*.c and op-kb.c. */
#ifndef KB_H
#define KB_H

#include <stddef.h>

/* kb-terms.c: text to the knowledge base's search terms (pure). */
/*
 * A version's terms: its text normalised (normalize.c), segmented with
 * segment.c (friso's lexicon and the kb's own user words, kb-words.c, not
 * the catalogue's: the same words come out after every reload), each word
 * a term;
 * words of three or more CJK characters add their character bigrams too,
 * so "职工养老" and "养老保险" meet on "养老". A term keeps where it
 * occurs: KB_TITLE (weight A), KB_QUESTIONS (B), KB_ANSWER (C).
 */
enum kb_field { KB_TITLE, KB_QUESTIONS, KB_ANSWER };
struct kb_terms;
struct kb_terms *kb_terms_new(void);
void kb_terms_free(struct kb_terms *);
/* Adds the terms of text found in field. */
void kb_terms_add(struct kb_terms *, enum kb_field, const char *text);
/*
 * The terms of a question (a search's words): as kb_terms_add's, without
 * function words (kb_function_word) and their bigrams. A new set.
 */
struct kb_terms *kb_terms_query(const char *text);
/* The tsvector literal of the terms ("'养老':1A,2C ..."); a new string. */
char *kb_terms_tsvector(const struct kb_terms *);
/*
 * The PostgreSQL text[] literal of the distinct terms ("{养老,保险}"), for a
 * query; NULL when there is none. A new string.
 */
char *kb_terms_array(const struct kb_terms *);
size_t kb_terms_count(const struct kb_terms *);
/* The i-th distinct term (0 <= i < kb_terms_count), normal form. */
const char *kb_terms_term(const struct kb_terms *, size_t i);
/*
 * The terms (title, questions, answer) and keys (title and questions only)
 * of a version as tsvector literals: two new strings.
 */
void kb_terms_version(const char *title, const char *const *questions,
    size_t n, const char *answer, char **terms, char **keys);
/* Loads the segmenter (the lexicon) now; -1 with err if it cannot. */
int kb_terms_init(char *err, size_t errlen);

/* kb-words.c: the user words of the kb's segmenter, and their fingerprint. */
const char *const *kb_words(size_t *n);
/*
 * Adds the n words of the domain lexicon (routing.lexicon, normal form;
 * copied) to kb_words, and so to the fingerprint. Only before the first
 * kb_terms_init: the segmenter is made once per process, so a lexicon
 * changed by a reload reaches the knowledge base at the next start (which
 * re-terms the articles, kb-reindex.c).
 */
void kb_words_lexicon(const char *const *w, size_t n);
unsigned long long kb_words_fingerprint(void);
/* 1 if the len bytes at s are a function word a query leaves out. */
int kb_function_word(const char *s, size_t len);

/* kb-good.c: whether a hit is a good match (KbHit.good, 知识库建议; pure). */
/* A term's weight (idf) for kb_key_coverage; arg is the caller's. */
typedef double (*kb_idf_fn)(const char *term, void *arg);
/* BM25's idf of a term found in df of n versions (as 030-kb-search.sql's). */
double kb_idf(double df, double n);
/*
 * The article's side of a match: of the title and each 常见问法 (their
 * terms as a query's, each weighted by idf), the largest share of the
 * weight whose terms the query q holds, among those of which q holds at
 * least KB_KEY_WORDS words (a long word's character pairs are not words of
 * their own); *words the words held there. 0 when none.
 */
double kb_key_coverage(const struct kb_terms *q, const char *title,
    const char *const *questions, size_t n, kb_idf_fn idf, void *arg,
    int *words);
/* One text's terms as a query's (kb_terms_query's, in its order), each with its idf. */
struct kb_key_text {
	const char *const *term;
	const double *idf;
	size_t n;
};
/* kb_key_coverage over the n texts' terms already made (the title's first). */
double kb_key_coverage_texts(const struct kb_terms *q,
    const struct kb_key_text *t, size_t n, int *words);
/* What decides a hit (kb_search's row). */
struct kb_good_row {
	double score;		/* the hit's */
	double coverage;	/* share of the query's weight the version holds */
	int matched;		/* the query's terms it holds */
	double key_coverage;	/* kb_key_coverage */
};
/*
 * 1 if the hit is good for a query of nterms terms whose best hit scored
 * top: it scores at least KB_GOOD_TOP of top, and either covers the query
 * (KB_GOOD_COVERAGE, more than one minor word of it), or one of its own
 * questions (or its title) is covered by the query (KB_GOOD_KEY): a long
 * call that says much else still asks that question (kb-sql.h).
 */
int kb_good(const struct kb_good_row *, size_t nterms, double top);

/* kb-keys.c: a version's key terms, stored with it (pure). */
/*
 * The key terms of a version for kb_versions.key_terms: the title's terms
 * as a query's (kb_terms_query), then for each of the n questions "" and
 * its terms. A new JSON array.
 */
struct json_t;
struct json_t *kb_key_terms(const char *title, const char *const *questions,
    size_t n);
/* What kb_key_coverage_row reads from a search's row (kb_search_sql). */
struct kb_key_row {
	const char *terms;	/* key_terms joined by spaces; the keys' if !made */
	const char *dict;	/* "term df term df ...": document frequencies */
	double n;		/* the number of versions + 1 */
	int made;		/* the version has key terms */
	const char *title;	/* read only when !made */
	const char *questions;	/* JSON array; read only when !made */
};
/*
 * The hit's kb_key_coverage for the query q: from its stored key terms, or
 * for a version stored before them (until re-terming makes them) from its
 * title and questions segmented here; the same value either way. The
 * dictionary holds each of r's terms that kb_df counts (in any order); a
 * term it lacks is found in no version (the rarest).
 */
double kb_key_coverage_row(const struct kb_terms *q,
    const struct kb_key_row *r, int *words);

/* kb-passage.c: the passage of an article that matched (pure). */
/*
 * Of the candidate passages (the questions, then the answer's sentences,
 * split at 。！？；and line ends), the one holding the most of the query's
 * terms, weighting longer terms more; the title when none holds any. A new
 * string (the passage as written, not normalised).
 */
char *kb_passage(const struct kb_terms *query, const char *title,
    const char *const *questions, size_t nquestions, const char *answer);

/* op-kb-exchange.c: the exchange format. */
/*
 * The row of version v (a JSON object in the exchange format) of article
 * id for PostgreSQL, with its terms; NULL with *why (a static string) when
 * v is not a valid version.
 */
int kb_id_valid(const char *);
struct json_t *kb_version_row(const char *id, struct json_t *v,
    const char **why);

/* kb-cite.c: a direct answer citing an article (create --kb). */
struct store_args;
#include "hotline.pb-c.h"
/* Sets *bad and *why when the request's citation is not valid. */
void kb_cite_check(const Hotline__CreateRequest *, const char **bad,
    const char **why);
/* Adds the citation's fields (kb_article, kb_version) for create.lua. */
void kb_cite_args(struct store_args *, const Hotline__CreateRequest *);
/* "; citing 知识条目 ID 第N版" for the history's note, or "" (static). */
const char *kb_cite_note(const Hotline__CreateRequest *);

/* op-kb.c, op-kb-exchange.c, op-kb-workflow.c: the requests (see proto/hotline.proto). */
struct request;
void op_kb_search(struct request *);
void op_kb_import(struct request *);
void op_kb_export(struct request *);
void op_kb_draft(struct request *);
void op_kb_step(struct request *);
void op_kb_gaps(struct request *);
struct pg_result;
void kb_query(struct request *, const char *sql, int nparams,
    const char *const *params, void (*answer)(struct request *,
    struct pg_result *));
/* kb_search_sql's parameters: terms NULL when the words hold no term. */
struct kb_search_args {
	char *terms;		/* owned: free it */
	size_t nterms;		/* how many */
	struct kb_terms *q;	/* the same, owned (kb_terms_free); NULL with terms */
	char limit[16];
	const char *params[4];	/* point into this, the district and cfg */
};
/*
 * Fills a for words in district (checked by the caller) and at most limit
 * hits. Returns -1 when the segmenter cannot be loaded.
 */
int kb_search_args(struct kb_search_args *, const char *words,
    const char *district, unsigned limit);
/*
 * The hits of kb_search_sql's rows for the query's terms q
 * (kb_search_args.q), best first (only good ones if good_only): a new
 * array of *n new hits (protobuf-c's to free).
 */
Hotline__KbHit **kb_hits(struct pg_result *, const struct kb_terms *q,
    int good_only, size_t *n);

/*
 * Records a search of words without a good match (无匹配) for the gaps
 * report, on the kb connection, unawaited (lost if it cannot be sent);
 * kb_search_missed_terms does it for the terms (kb_search_args.terms).
 */
void kb_search_missed(const char *words);
void kb_search_missed_terms(const char *terms);
/* The good rows of kb_search_sql's result for the query's terms q (no hits made). */
int kb_good_rows(struct pg_result *, const struct kb_terms *q);

/* kb-link.c: the knowledge base's own connection (suggestions, notices). */
/* 1 when PostgreSQL is connected and the schema (its kb tables) current. */
int kb_ready(void);
/*
 * Queues sql with nparams (at most 8, copied) on the kb connection. Returns
 * -1 at once when it is not ready or too many wait; else 0, and done runs
 * exactly once (res NULL: the connection was lost or stopped).
 */
typedef void (*pg_done)(struct pg_result *res, void *arg);
int kb_link_query(const char *sql, int nparams, const char *const *params,
    pg_done, void *arg);
/* 1 when the connection is up but too many queries wait (kb_link_query refused). */
int kb_link_busy(void);
/*
 * Takes back the query queued with arg if it is still waiting: returns 1
 * and its done never runs; 0 when it was sent (done will run) or is over.
 */
int kb_link_cancel(void *arg);
struct event_base;
void kb_link_start(struct event_base *);
void kb_link_stop(void);
struct event_base *kb_event_base(void);
/* kb_notice_kick's flag, read (and cleared) by kb-notice.c. */
int kb_notice_kicked(void);

/* kb-start.c: the connection, notices and re-terming, when there is an archive. */
void kb_start(struct event_base *);
void kb_stop(void);

/* kb-suggest.c: 知识库建议 beside classify and create. */
struct kb_suggest;
/*
 * Starts the search for the good articles for title and content in
 * district, for r's answer (r->suggest): sent to PostgreSQL at once, so
 * that it runs while r is classified (and stored); waited for at most
 * kb.suggest_wait_ms from now. Nothing (r->suggest stays NULL) with
 * kb.suggest 0, no archive, PostgreSQL not ready, or no words to search.
 */
void kb_suggest_begin(struct request *r, const char *title,
    const char *content, const char *district);
/*
 * Answers r with out (a ClassifyReply or CreateReply as body says; taken)
 * with the search's good articles added (kb_suggestions) once it ends: at
 * once if it has, or when it does, or at the end of the wait without them
 * and marked kb_pending (the client asks kb_search); at once without them
 * when no search was begun (kb_pending when PostgreSQL was busy): never
 * an error. With gap, a search that finds no good article, in time or
 * not, is a gap (kb_search_missed).
 */
void kb_suggest_answer(struct request *r, Hotline__Envelope__BodyCase body,
    void *out, int gap);
/* A create's answer: with the search's articles unless it is a duplicate; a miss is a gap. */
void kb_suggest_create(struct request *r, Hotline__CreateReply *out);
/* 1 if a create begins a search: a consultation without a direct answer (直接办结). */
int kb_suggest_wanted(const Hotline__CreateRequest *q);
/* session.c: r is freed; its search ends with it unless already sent (see kb-suggest.c). */
void kb_suggest_forget(struct kb_suggest *s);

/* kb-reindex.c: the stored terms made again after the user words changed. */
void kb_reindex_start(struct event_base *);
void kb_reindex_stop(void);

/* kb-notice.c: flags and expiry reminders to the owners' feeds, once. */
void kb_notice_start(struct event_base *);
void kb_notice_stop(void);
/* kb-link.c: the notices look again soon (after a workflow step). */
void kb_notice_kick(void);

#endif
