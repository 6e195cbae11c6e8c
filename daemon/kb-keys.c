/* A version's key terms (kb_versions.key_terms, 042-kb-key-terms.sql): its title's and 常见问法's terms as a query's, made once when it is stored and read back from a search's row with their document frequencies to judge the hit without segmenting it again (pure). */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "kb.h"
#include "xmalloc.h"

/* The key terms of a version; see kb.h. */
json_t *
kb_key_terms(const char *title, const char *const *questions, size_t n)
{
	json_t *a = json_array();
	struct kb_terms *t;
	size_t i, k;

	for (i = 0; i <= n; i++) {
		if (i > 0)
			json_array_append_new(a, json_string(""));
		t = kb_terms_query(i == 0 ? title : questions[i - 1]);
		for (k = 0; k < kb_terms_count(t); k++)
			json_array_append_new(a, json_string(kb_terms_term(t,
			    k)));
		kb_terms_free(t);
	}
	return a;
}

/* A term's document frequency (kb_df). */
struct kb_df {
	const char *term;
	double df;
};

/* A row's terms with their idf's, and its dictionary of frequencies (the strings point into the bufs). */
struct kb_keys {
	char *buf, *dbuf;
	const char **term;
	double *idf;
	size_t n;
	struct kb_df *df;	/* sorted by term (strcmp) */
	size_t ndf;
	double versions;	/* the idf's n */
};

/* Splits s at spaces into a new array of *n tokens pointing into buf, a copy of s. */
static const char **
kb_keys_tokens(const char *s, char **buf, size_t *n)
{
	const char **v;
	char *p;

	*buf = xstrdup(s);
	for (*n = 1, p = *buf; *p != '\0'; p++)
		*n += *p == ' ';
	v = xcalloc(*n + 1, sizeof *v);
	for (*n = 0, p = *buf; p != NULL; (*n)++)
		v[*n] = strsep(&p, " ");
	return v;
}

/* qsort: two frequencies by term. */
static int
kb_keys_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kb_df *)a)->term,
	    ((const struct kb_df *)b)->term);
}

/* The document frequency of term: 0 when the dictionary lacks it (the rarest). */
static double
kb_keys_df(const struct kb_keys *k, const char *term)
{
	struct kb_df key = { .term = term }, *d;

	d = bsearch(&key, k->df, k->ndf, sizeof *k->df, kb_keys_cmp);
	return d != NULL ? d->df : 0;
}

/*
 * Splits r's terms (an empty one where one text ends) and its dictionary
 * ("term df term df ...") into k, each term's idf computed.
 */
static void
kb_keys_split(struct kb_keys *k, const struct kb_key_row *r)
{
	const char **dv;
	size_t i, n;

	memset(k, 0, sizeof *k);
	k->versions = r->n;
	dv = kb_keys_tokens(r->dict, &k->dbuf, &n);
	k->df = xcalloc(n / 2 + 1, sizeof *k->df);
	for (i = 0; i + 1 < n; i += 2) {
		k->df[k->ndf].term = dv[i];
		k->df[k->ndf++].df = strtod(dv[i + 1], NULL);
	}
	free(dv);
	qsort(k->df, k->ndf, sizeof *k->df, kb_keys_cmp);
	k->term = kb_keys_tokens(r->terms, &k->buf, &k->n);
	k->idf = xcalloc(k->n + 1, sizeof *k->idf);
	for (i = 0; i < k->n; i++)
		k->idf[i] = kb_idf(kb_keys_df(k, k->term[i]), k->versions);
}

/* Frees what kb_keys_split made. */
static void
kb_keys_free(struct kb_keys *k)
{
	free(k->buf);
	free(k->dbuf);
	free(k->term);
	free(k->idf);
	free(k->df);
}

/* kb_idf_fn over a struct kb_keys's dictionary. */
static double
kb_keys_idf(const char *term, void *arg)
{
	const struct kb_keys *k = arg;

	return kb_idf(kb_keys_df(k, term), k->versions);
}

/*
 * The stored key terms' kb_key_coverage: each text's terms run up to an
 * empty one.
 */
static double
kb_keys_stored(const struct kb_terms *q, const struct kb_keys *k,
    int *words)
{
	struct kb_key_text *t = xcalloc(k->n + 1, sizeof *t);
	size_t i, nt = 0;
	double c;

	for (i = 0; i < k->n; i++) {
		if (t[nt].term == NULL) {
			t[nt].term = &k->term[i];
			t[nt].idf = &k->idf[i];
		}
		if (k->term[i][0] == '\0')
			nt++;
		else
			t[nt].n++;
	}
	c = kb_key_coverage_texts(q, t, nt + 1, words);
	free(t);
	return c;
}

/*
 * A version stored without key terms: its title and questions (r's JSON
 * array) segmented here, their idf's from r's dictionary.
 */
static double
kb_keys_made_here(const struct kb_terms *q, const struct kb_key_row *r,
    const struct kb_keys *k, int *words)
{
	json_t *a = json_loads(r->questions, 0, NULL), *e;
	size_t n = json_array_size(a), i;
	const char **v = xcalloc(n + 1, sizeof *v);
	double c;

	json_array_foreach(a, i, e)
		v[i] = json_is_string(e) ? json_string_value(e) : "";
	c = kb_key_coverage(q, r->title, v, n, kb_keys_idf, (void *)k, words);
	free(v);
	json_decref(a);
	return c;
}

/* A search row's kb_key_coverage; see kb.h. */
double
kb_key_coverage_row(const struct kb_terms *q, const struct kb_key_row *r,
    int *words)
{
	struct kb_keys k;
	double c;

	kb_keys_split(&k, r);
	c = r->made ? kb_keys_stored(q, &k, words) : kb_keys_made_here(q, r,
	    &k, words);
	kb_keys_free(&k);
	return c;
}
