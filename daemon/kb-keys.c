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

/* A row's terms and their idf's, split (the terms point into buf). */
struct kb_keys {
	char *buf;
	const char **term;
	double *idf;
	size_t n;
	double versions;	/* the idf's n */
};

/*
 * Splits r's space-separated terms (an empty one where one text ends) and
 * its int[] literal of document frequencies (a missing one counts 0: the
 * rarest) into k, each term's idf computed.
 */
static void
kb_keys_split(struct kb_keys *k, const struct kb_key_row *r)
{
	const char *d = r->dfs[0] == '{' ? r->dfs + 1 : r->dfs;
	char *p, *end;
	double df;

	k->buf = xstrdup(r->terms);
	k->versions = r->n;
	k->n = 1;
	for (p = k->buf; *p != '\0'; p++)
		k->n += *p == ' ';
	k->term = xcalloc(k->n + 1, sizeof *k->term);
	k->idf = xcalloc(k->n + 1, sizeof *k->idf);
	for (p = k->buf, k->n = 0; p != NULL; k->n++) {
		k->term[k->n] = strsep(&p, " ");
		df = strtod(d, &end);
		if (end == d)
			df = 0;
		d = *end == ',' ? end + 1 : end;
		k->idf[k->n] = kb_idf(df, r->n);
	}
}

/* Frees what kb_keys_split made. */
static void
kb_keys_free(struct kb_keys *k)
{
	free(k->buf);
	free(k->term);
	free(k->idf);
}

/* kb_idf_fn over a struct kb_keys used as a dictionary (a term it lacks is the rarest). */
static double
kb_keys_idf(const char *term, void *arg)
{
	const struct kb_keys *k = arg;
	size_t i;

	for (i = 0; i < k->n; i++)
		if (strcmp(k->term[i], term) == 0)
			return k->idf[i];
	return kb_idf(0, k->versions);
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
 * array) segmented here, their idf's looked up among r's terms (the keys').
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
