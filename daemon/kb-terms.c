/* Text to the knowledge base's search terms: normalised, segmented words (and the bigrams of long CJK words), each with the fields it occurs in. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb.h"
#include "normalize.h"
#include "segment.h"
#include "utf8.h"
#include "xmalloc.h"

#define KB_TERMS_MAX 2048	/* distinct terms kept per text */
#define KB_TERM_MAX_BYTES 48	/* longer words are left out */
#define KB_POSITIONS 3		/* positions written per term and field */

struct kb_term {
	char *s;
	size_t len;		/* strlen(s) */
	unsigned count[3];	/* occurrences per field */
};

struct kb_terms {
	struct kb_term *v;
	size_t n;
};

static struct segmenter *kb_seg;	/* made once; only read after */

/* Loads the segmenter once; 0 or -1 with err. */
int
kb_terms_init(char *err, size_t errlen)
{
	const char *const *words;
	size_t n;

	if (kb_seg == NULL) {
		words = kb_words(&n);
		kb_seg = segment_new(words, n, err, errlen);
	}
	return kb_seg == NULL ? -1 : 0;
}

/* A new empty set of terms. */
struct kb_terms *
kb_terms_new(void)
{
	return xcalloc(1, sizeof(struct kb_terms));
}

/* Frees the terms. */
void
kb_terms_free(struct kb_terms *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++)
		free(t->v[i].s);
	free(t->v);
	free(t);
}

/* Counts the len bytes at s in field, adding the term if new. */
static void
kb_terms_put(struct kb_terms *t, enum kb_field field, const char *s,
    size_t len)
{
	size_t i;

	if (len == 0 || len > KB_TERM_MAX_BYTES || memchr(s, '\'', len) ||
	    memchr(s, '\\', len) || memchr(s, ' ', len))
		return;
	for (i = 0; i < t->n; i++)
		if (t->v[i].len == len && memcmp(t->v[i].s, s, len) == 0) {
			t->v[i].count[field]++;
			return;
		}
	if (t->n >= KB_TERMS_MAX)
		return;
	t->v = xrealloc(t->v, (t->n + 1) * sizeof *t->v);
	memset(&t->v[t->n], 0, sizeof t->v[t->n]);
	t->v[t->n].s = xmalloc(len + 1);
	memcpy(t->v[t->n].s, s, len);
	t->v[t->n].s[len] = '\0';
	t->v[t->n].len = len;
	t->v[t->n++].count[field] = 1;
}

struct kb_terms_walk {
	struct kb_terms *t;
	enum kb_field field;
	int query;		/* leave function words out */
};

/* segment_each: one word, and the bigrams of a word of three or more CJK characters. */
static void
kb_terms_word(const char *text, size_t offset, size_t len, void *arg)
{
	struct kb_terms_walk *w = arg;
	const char *s = text + offset;
	size_t off[KB_TERM_MAX_BYTES + 1], n = 0, i;

	if ((len == 1 && s[0] == ' ') || (w->query && kb_function_word(s, len)))
		return;
	kb_terms_put(w->t, w->field, s, len);
	if (len > KB_TERM_MAX_BYTES)
		return;
	for (i = 0; i < len; i += utf8_char_len(s + i, len - i)) {
		if ((unsigned char)s[i] < 0x80)
			return;		/* mixed words stay whole */
		off[n++] = i;
	}
	off[n] = len;
	if (n < 3)
		return;
	for (i = 0; i + 1 < n; i++)
		if (!w->query || !kb_function_word(s + off[i], off[i + 2] -
		    off[i]))
			kb_terms_put(w->t, w->field, s + off[i],
			    off[i + 2] - off[i]);
}

/* Adds the terms of text in field, leaving function words out if query. */
static void
kb_terms_walk(struct kb_terms *t, enum kb_field field, const char *text,
    int query)
{
	struct kb_terms_walk w = { .t = t, .field = field, .query = query };
	char *norm;

	if (kb_seg == NULL || text == NULL || (norm = normalize_text(text)) ==
	    NULL)
		return;
	segment_each(kb_seg, norm, strlen(norm), kb_terms_word, &w);
	free(norm);
}

/* Adds the terms of text found in field. */
void
kb_terms_add(struct kb_terms *t, enum kb_field field, const char *text)
{
	kb_terms_walk(t, field, text, 0);
}

/* The terms of a question, without function words; see kb.h. */
struct kb_terms *
kb_terms_query(const char *text)
{
	struct kb_terms *t = kb_terms_new();

	kb_terms_walk(t, KB_QUESTIONS, text, 1);
	return t;
}

/* Appends s to the growing string *out of *len bytes. */
static void
kb_terms_cat(char **out, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s);

	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*out = xrealloc(*out, *cap);
	}
	memcpy(*out + *len, s, n + 1);
	*len += n;
}

/* The tsvector literal of the terms; see kb.h. */
char *
kb_terms_tsvector(const struct kb_terms *t)
{
	static const char weight[] = "ABC";
	char *out = xstrdup(""), buf[32];
	size_t len = 0, cap = 1, i, k;
	unsigned f, pos;

	for (i = 0; i < t->n; i++) {
		kb_terms_cat(&out, &len, &cap, i ? " '" : "'");
		kb_terms_cat(&out, &len, &cap, t->v[i].s);
		kb_terms_cat(&out, &len, &cap, "':");
		pos = 1;
		for (f = 0; f < 3; f++)
			for (k = 0; k < t->v[i].count[f] && k < KB_POSITIONS;
			    k++) {
				snprintf(buf, sizeof buf, "%s%u%c", pos > 1 ?
				    "," : "", pos, weight[f]);
				kb_terms_cat(&out, &len, &cap, buf);
				pos++;
			}
	}
	return out;
}

/* The text[] literal of the distinct terms; see kb.h. */
char *
kb_terms_array(const struct kb_terms *t)
{
	char *out;
	size_t len = 0, cap = 1, i;

	if (t->n == 0)
		return NULL;
	out = xstrdup("");
	kb_terms_cat(&out, &len, &cap, "{");
	for (i = 0; i < t->n; i++) {
		kb_terms_cat(&out, &len, &cap, i ? ",\"" : "\"");
		kb_terms_cat(&out, &len, &cap, t->v[i].s);
		kb_terms_cat(&out, &len, &cap, "\"");
	}
	kb_terms_cat(&out, &len, &cap, "}");
	return out;
}

/* Number of distinct terms. */
size_t
kb_terms_count(const struct kb_terms *t)
{
	return t->n;
}

/* The i-th term. */
const char *
kb_terms_term(const struct kb_terms *t, size_t i)
{
	return t->v[i].s;
}

/* A version's terms and keys (tsvector literals, new strings); see kb.h. */
void
kb_terms_version(const char *title, const char *const *questions, size_t n,
    const char *answer, char **terms, char **keys)
{
	struct kb_terms *t = kb_terms_new();
	size_t i;

	kb_terms_add(t, KB_TITLE, title);
	for (i = 0; i < n; i++)
		kb_terms_add(t, KB_QUESTIONS, questions[i]);
	*keys = kb_terms_tsvector(t);
	kb_terms_add(t, KB_ANSWER, answer);
	*terms = kb_terms_tsvector(t);
	kb_terms_free(t);
}
