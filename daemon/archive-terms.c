/* Text to search terms for the archive: ASCII words whole, CJK runs as character bigrams (the step a segmenter replaces). */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "normalize.h"
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

/* Returns 1 if code point c is a CJK ideograph. */
static int
terms_cjk(unsigned c)
{
	return (c >= 0x3400 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0x20000 && c <= 0x2ffff);
}

/* Decodes the UTF-8 sequence of len bytes at s (valid, from normalize). */
static unsigned
terms_decode(const unsigned char *s, size_t len)
{
	unsigned c = len == 1 ? s[0] : s[0] & (0xff >> (len + 1));
	size_t i;

	for (i = 1; i < len; i++)
		c = (c << 6) | (s[i] & 0x3f);
	return c;
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

/* Adds the bigrams of a run of n CJK characters starting at s (offsets in off). */
static void
terms_run(struct terms *t, const char *s, const size_t *off, size_t n,
    int *single)
{
	size_t i;

	if (n == 1) {
		terms_add(t, s + off[0], off[1] - off[0]);
		*single = 1;
		return;
	}
	for (i = 0; i + 1 < n; i++)
		terms_add(t, s + off[i], off[i + 2] - off[i]);
}

/*
 * Splits text into terms; *single says whether a lone CJK character was
 * among them (a query makes it a prefix).
 */
static void
terms_split(struct terms *t, const char *text, int *single)
{
	char *norm = normalize_text(text);
	size_t len = strlen(norm), i = 0, word = 0, nrun = 0;
	size_t *off = xcalloc(len + 2, sizeof *off);
	int in_word = 0;

	*single = 0;
	while (i <= len) {
		size_t l = i < len ? utf8_next(norm + i, len - i) : 0;
		unsigned c = l > 0 ? terms_decode((const unsigned char *)norm + i,
		    l) : ' ';

		if (l > 0 && terms_cjk(c)) {
			off[nrun++] = i;
		} else if (nrun > 0) {
			off[nrun] = i;
			terms_run(t, norm, off, nrun, single);
			nrun = 0;
		}
		if (l > 0 && !terms_cjk(c) && c != ' ') {
			if (!in_word)
				word = i;
			in_word = 1;
		} else if (in_word) {
			terms_add(t, norm + word, i - word);
			in_word = 0;
		}
		i += l > 0 ? l : 1;
	}
	free(off);
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

	terms_split(&t, text, &single);
	return terms_join(&t, " ", 0);
}

/* The tsquery literal matching every term of text; see archive.h. */
char *
archive_tsquery(const char *text)
{
	struct terms t = { 0 };
	int single;

	terms_split(&t, text, &single);
	if (t.n == 0) {
		free(t.v);
		free(t.len);
		free(t.slot);
		return NULL;
	}
	return terms_join(&t, " & ", single);
}
