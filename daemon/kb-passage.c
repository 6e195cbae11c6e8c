/* The passage of an article that matched a search: the question or answer sentence holding most of the query's terms. */
#include <stdlib.h>
#include <string.h>

#include "kb.h"
#include "normalize.h"
#include "xmalloc.h"

#define KB_PASSAGE_MAX 600	/* bytes of a passage kept (then cut at a character) */

/* The score of one passage: the bytes of the query's terms it holds. */
static size_t
kb_passage_score(const struct kb_terms *q, const char *text, size_t len)
{
	char *copy = xmalloc(len + 1), *norm;
	size_t i, score = 0;

	memcpy(copy, text, len);
	copy[len] = '\0';
	norm = normalize_text(copy);
	free(copy);
	if (norm == NULL)
		return 0;
	for (i = 0; i < kb_terms_count(q); i++)
		if (strstr(norm, kb_terms_term(q, i)) != NULL)
			score += strlen(kb_terms_term(q, i));
	free(norm);
	return score;
}

/* Length of the sentence at s: up to and with its end mark, or to the end. */
static size_t
kb_passage_sentence(const char *s)
{
	static const char *const ends[] = { "。", "！", "？", "；", "\n" };
	size_t best = strlen(s), i;
	const char *e;

	for (i = 0; i < sizeof ends / sizeof ends[0]; i++)
		if ((e = strstr(s, ends[i])) != NULL &&
		    (size_t)(e - s) + strlen(ends[i]) < best)
			best = (size_t)(e - s) + strlen(ends[i]);
	return best;
}

/* A copy of len bytes at s, cut to KB_PASSAGE_MAX at a character boundary. */
static char *
kb_passage_copy(const char *s, size_t len)
{
	char *out;

	if (len > KB_PASSAGE_MAX) {
		len = KB_PASSAGE_MAX;
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
	}
	out = xmalloc(len + 1);
	memcpy(out, s, len);
	out[len] = '\0';
	return out;
}

/* The passage that matched; see kb.h. */
char *
kb_passage(const struct kb_terms *q, const char *title,
    const char *const *questions, size_t nquestions, const char *answer)
{
	const char *best = title, *s;
	size_t best_len = strlen(title), best_score = 0, i, len, score;

	for (i = 0; i < nquestions; i++) {
		score = kb_passage_score(q, questions[i], strlen(questions[i]));
		if (score > best_score) {
			best = questions[i];
			best_len = strlen(questions[i]);
			best_score = score;
		}
	}
	for (s = answer; *s != '\0'; s += len) {
		len = kb_passage_sentence(s);
		score = kb_passage_score(q, s, len);
		if (score > best_score) {
			best = s;
			best_len = len;
			best_score = score;
		}
	}
	return kb_passage_copy(best, best_len);
}
