/* Whether a knowledge-base hit is a good match (知识库建议): the query covers the article's question, or one of the article's own questions is covered by the caller's text (long calls); pure. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kb.h"
#include "kb-sql.h"
#include "xmalloc.h"

#define KB_KEY_TERMS 64		/* words counted in one question (at most) */

/* 1 if term s is one of q's terms. */
static int
kb_good_in(const struct kb_terms *q, const char *s)
{
	size_t i, n = kb_terms_count(q);

	for (i = 0; i < n; i++)
		if (strcmp(kb_terms_term(q, i), s) == 0)
			return 1;
	return 0;
}

/* The longest of q's terms holding term s (s itself when none is longer). */
static const char *
kb_good_outer(const struct kb_terms *q, const char *s)
{
	size_t i, n = kb_terms_count(q);
	const char *best = s, *u;

	for (i = 0; i < n; i++) {
		u = kb_terms_term(q, i);
		if (strlen(u) > strlen(best) && strstr(u, s) != NULL)
			best = u;
	}
	return best;
}

/*
 * The number of the query's words among t's terms held by q: held terms
 * within one word of the query (its character pairs: 公积 and 积金 of
 * 公积金) are one word.
 */
static int
kb_good_words(const struct kb_terms *q, const struct kb_key_text *t,
    const unsigned char *held)
{
	size_t i, j;
	const char *outer[KB_KEY_TERMS];
	int words = 0;

	for (i = 0; i < t->n; i++) {
		if (!held[i])
			continue;
		outer[words] = kb_good_outer(q, t->term[i]);
		for (j = 0; j < (size_t)words && strcmp(outer[j],
		    outer[words]) != 0; j++)
			;
		if (j == (size_t)words && words + 1 < KB_KEY_TERMS)
			words++;
	}
	return words;
}

/* Share of t's weight that q holds; *words the words held. */
static double
kb_good_text(const struct kb_terms *q, const struct kb_key_text *t,
    int *words)
{
	unsigned char *held = xcalloc(t->n + 1, 1);
	double all = 0, got = 0;
	size_t i;

	for (i = 0; i < t->n; i++) {
		all += t->idf[i];
		if ((held[i] = (unsigned char)kb_good_in(q, t->term[i])))
			got += t->idf[i];
	}
	*words = kb_good_words(q, t, held);
	free(held);
	return all > 0 ? got / all : 0;
}

/* The article's side of the match over its texts' terms; see kb.h. */
double
kb_key_coverage_texts(const struct kb_terms *q, const struct kb_key_text *t,
    size_t n, int *words)
{
	double best = 0, c;
	size_t i;
	int w;

	*words = 0;
	for (i = 0; i < n; i++) {
		c = kb_good_text(q, &t[i], &w);
		if (w >= KB_KEY_WORDS && (c > best || (c == best &&
		    w > *words))) {
			best = c;
			*words = w;
		}
	}
	return best;
}

/* text's terms as a query's into *t, weighted by idf; kb_terms_free(*made) after. */
static void
kb_good_make(struct kb_key_text *t, struct kb_terms **made, const char *text,
    kb_idf_fn idf, void *arg)
{
	const char **term;
	double *w;
	size_t i;

	*made = kb_terms_query(text);
	t->n = kb_terms_count(*made);
	t->term = term = xcalloc(t->n + 1, sizeof *term);
	t->idf = w = xcalloc(t->n + 1, sizeof *w);
	for (i = 0; i < t->n; i++) {
		term[i] = kb_terms_term(*made, i);
		w[i] = idf(term[i], arg);
	}
}

/* The article's side of the match, segmenting its title and questions; see kb.h. */
double
kb_key_coverage(const struct kb_terms *q, const char *title,
    const char *const *questions, size_t n, kb_idf_fn idf, void *arg,
    int *words)
{
	struct kb_key_text *t = xcalloc(n + 1, sizeof *t);
	struct kb_terms **made = xcalloc(n + 1, sizeof *made);
	double best;
	size_t i;

	for (i = 0; i <= n; i++)
		kb_good_make(&t[i], &made[i], i == 0 ? title : questions[i - 1],
		    idf, arg);
	best = kb_key_coverage_texts(q, t, n + 1, words);
	for (i = 0; i <= n; i++) {
		free((void *)t[i].term);
		free((void *)t[i].idf);
		kb_terms_free(made[i]);
	}
	free(made);
	free(t);
	return best;
}

/* BM25's idf of a term in df of n versions; see kb.h. */
double
kb_idf(double df, double n)
{
	if (df < 0)
		df = 0;
	if (df > n)
		df = n;
	return log(1 + (n - df + 0.5) / (df + 0.5));
}

/* The rule; see kb.h. */
int
kb_good(const struct kb_good_row *r, size_t nterms, double top)
{
	if (r->score < KB_GOOD_TOP * top)
		return 0;
	if (r->coverage >= KB_GOOD_COVERAGE && (r->matched >= 2 ||
	    nterms == 1 || r->coverage >= KB_GOOD_ALONE))
		return 1;
	return r->key_coverage >= KB_GOOD_KEY;
}
