/* Text to search terms for the archive: the segmenter's words (segment.h), and the bigrams of long CJK words so two-character words inside them are found. */
#include <pthread.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "log.h"
#include "normalize.h"
#include "segment.h"
#include "utf8.h"
#include "xmalloc.h"

#define TERMS_MAX 4096		/* distinct terms kept per text */
#define TERM_MAX_BYTES 64	/* longer ASCII words are cut */

/*
 * The distinct terms of a text in the order met; slot is an open-addressing
 * hash set of indexes + 1 into v (0: empty), at most half full, so adding
 * stays O(1) however long the text.
 */
struct terms {
	char **v;
	size_t *len;
	size_t n;
	size_t *slot;
	size_t nslot;		/* a power of two, or 0 */
};

/* FNV-1a of len bytes at s. */
static uint64_t
terms_hash(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

/* The slot of the term (len bytes at s): where it is, or the empty one to take. */
static size_t *
terms_find(const struct terms *t, const char *s, size_t len)
{
	size_t mask = t->nslot - 1, i = (size_t)terms_hash(s, len) & mask;

	while (t->slot[i] != 0) {
		size_t k = t->slot[i] - 1;

		if (t->len[k] == len && memcmp(t->v[k], s, len) == 0)
			break;
		i = (i + 1) & mask;
	}
	return &t->slot[i];
}

/* Doubles the hash set (or makes it) and puts every term back. */
static void
terms_grow(struct terms *t)
{
	size_t k;

	free(t->slot);
	t->nslot = t->nslot == 0 ? 64 : 2 * t->nslot;
	t->slot = xcalloc(t->nslot, sizeof *t->slot);
	for (k = 0; k < t->n; k++)
		*terms_find(t, t->v[k], t->len[k]) = k + 1;
}

/* Byte length of the UTF-8 sequence starting with byte c (valid, from normalize). */
static size_t
terms_seqlen(unsigned char c)
{
	return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/* Adds the len bytes at s as a term unless already there. */
static void
terms_add(struct terms *t, const char *s, size_t len)
{
	size_t *slot;

	if (len == 0 || t->n >= TERMS_MAX)
		return;
	if (len > TERM_MAX_BYTES)
		len = TERM_MAX_BYTES;
	if (2 * (t->n + 1) > t->nslot)
		terms_grow(t);
	if (*(slot = terms_find(t, s, len)) != 0)
		return;
	t->v = xrealloc(t->v, (t->n + 1) * sizeof *t->v);
	t->len = xrealloc(t->len, (t->n + 1) * sizeof *t->len);
	t->v[t->n] = xmalloc(len + 1);
	memcpy(t->v[t->n], s, len);
	t->v[t->n][len] = '\0';
	t->len[t->n] = len;
	*slot = ++t->n;
}

struct terms_walk {
	struct terms *t;
	int single;		/* a word of one non-ASCII character was met */
	int bigrams;		/* add the bigrams of long words (the text's side) */
};

/*
 * segment_each: one word as a term; in a text (not a query), a word of three
 * or more non-ASCII characters adds its character bigrams too, so that a
 * two-character word the lexicon holds only inside a longer one (物业 in
 * 物业管理, 朝阳 in 朝阳区) is still found.
 */
static void
terms_word(const char *text, size_t offset, size_t len, void *arg)
{
	struct terms_walk *w = arg;
	const char *s = text + offset;
	size_t off[TERM_MAX_BYTES + 1], n = 0, i;

	if (len == 1 && s[0] == ' ')
		return;
	terms_add(w->t, s, len);
	for (i = 0; i < len && n < TERM_MAX_BYTES; i += terms_seqlen(
	    (unsigned char)s[i])) {
		if ((unsigned char)s[i] < 0x80)
			return;		/* ASCII and mixed words stay whole */
		off[n++] = i;
	}
	off[n] = i < len ? i : len;
	if (n == 1)
		w->single = 1;
	if (n < 3 || !w->bigrams)
		return;
	for (i = 0; i + 1 < n; i++)
		terms_add(w->t, s + off[i], off[i + 2] - off[i]);
}

static struct segmenter *terms_seg;	/* made once (pthread_once); only read after */

/* Makes the segmenter of the terms (no user words); dies if it cannot. */
static void
terms_segmenter_make(void)
{
	char err[256];

	if ((terms_seg = segment_new(NULL, 0, err, sizeof err)) == NULL)
		fatalx("archive: search terms: %s", err);
}

/* The segmenter of search terms: friso's lexicon only, the same for every daemon and configuration. */
static const struct segmenter *
terms_segmenter(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, terms_segmenter_make);
	return terms_seg;
}

/*
 * Splits text into terms (bigrams: also those of long words); *single says
 * whether a word of one CJK character was among them (a query makes it a
 * prefix).
 */
static void
terms_split(struct terms *t, const char *text, int bigrams, int *single)
{
	struct terms_walk w = { .t = t, .bigrams = bigrams };
	char *norm = normalize_text(text);

	segment_each(terms_segmenter(), norm, strlen(norm), terms_word, &w);
	*single = w.single;
	free(norm);
}

/* Writes the terms as quoted lexemes joined by sep, freeing them. */
static char *
terms_join(struct terms *t, const char *sep, int prefix_single)
{
	size_t i, cap = 1, n = 0;
	char *out;

	for (i = 0; i < t->n; i++)
		cap += 2 * strlen(t->v[i]) + 4 + strlen(sep) + 2;
	out = xmalloc(cap);
	for (i = 0; i < t->n; i++) {
		const char *p;

		if (i > 0)
			n += (size_t)sprintf(out + n, "%s", sep);
		out[n++] = '\'';
		for (p = t->v[i]; *p != '\0'; p++) {
			if (*p == '\'' || *p == '\\')
				out[n++] = *p;	/* doubled: tsvector quoting */
			out[n++] = *p;
		}
		out[n++] = '\'';
		if (prefix_single && utf8_length(t->v[i]) == 1 &&
		    (unsigned char)t->v[i][0] >= 0x80)
			n += (size_t)sprintf(out + n, ":*");
		free(t->v[i]);
	}
	out[n] = '\0';
	free(t->v);
	free(t->len);
	free(t->slot);
	return out;
}

/* The tsvector literal of text's terms; see archive.h. */
char *
archive_tsvector(const char *text)
{
	struct terms t = { 0 };
	int single;

	terms_split(&t, text, 1, &single);
	return terms_join(&t, " ", 0);
}

/* The tsquery literal matching every term of text; see archive.h. */
char *
archive_tsquery(const char *text)
{
	struct terms t = { 0 };
	int single;

	terms_split(&t, text, 0, &single);
	if (t.n == 0) {
		free(t.v);
		free(t.len);
		free(t.slot);
		return NULL;
	}
	return terms_join(&t, " & ", single);
}
