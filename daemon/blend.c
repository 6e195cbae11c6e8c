/* The catalogue and the learned model together: the model's text of a ticket, its catalogue seed, and the blended ranking; no I/O. */
#include <stdlib.h>
#include <string.h>

#include "hotlined.h"
#include "nbayes.h"
#include "normalize.h"

/*
 * A department only the model suggests is listed from this blended
 * confidence on: naive Bayes gives every department some probability, and
 * a list padded with 0.1% guesses tells the agent nothing.
 */
#define BLEND_MODEL_ONLY_MIN 0.01

/*
 * The model's text of a ticket: its normalised district, title and
 * content, cut to BLEND_TEXT_MAX bytes (before a character that would not
 * fit whole). Naive Bayes' evidence saturates long before that, and the cut
 * bounds both the scoring time and what each example stores.
 */
char *
blend_text(const char *district, const char *title, const char *content)
{
	char *joined, *text;
	size_t n;

	joined = xasprintf("%s %s %s", district != NULL ? district : "",
	    title != NULL ? title : "", content != NULL ? content : "");
	text = normalize_text(joined);
	free(joined);
	if ((n = strlen(text)) > BLEND_TEXT_MAX) {
		n = BLEND_TEXT_MAX;
		while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80)
			n--;
		text[n] = '\0';
	}
	return text;
}

/* Appends " word" for each of the n words to the buffer *buf of *len bytes. */
static void
blend_append(char **buf, size_t *len, char *const *words, size_t n)
{
	size_t i, w;

	for (i = 0; i < n; i++) {
		w = strlen(words[i]);
		*buf = xrealloc(*buf, *len + w + 2);
		(*buf)[(*len)++] = ' ';
		memcpy(*buf + *len, words[i], w + 1);
		*len += w;
	}
}

/*
 * Seeds the model with the catalogue, the centre's own knowledge: each
 * entry's districts, streets and keywords, as one text, add weight to the
 * counts of their tokens for the entry's department (no example is
 * counted). Patterns are expressions, not text: they are left out. A
 * weight of 0 adds nothing.
 */
void
blend_seed(struct nbayes *nb, const struct catalogue_entry *entries, size_t n,
    unsigned weight)
{
	const struct catalogue_entry *e;
	char *text, *norm;
	size_t i, len;

	for (i = 0; i < n && weight > 0; i++) {
		e = &entries[i];
		text = xstrdup("");
		len = 0;
		blend_append(&text, &len, e->districts, e->ndistricts);
		blend_append(&text, &len, e->streets, e->nstreets);
		blend_append(&text, &len, e->keywords, e->nkeywords);
		norm = normalize_text(text);
		nbayes_add_text(nb, norm, e->department, weight);
		free(norm);
		free(text);
	}
}

/* Sets each suggestion's confidence to its share of the catalogue's evidence. */
static void
blend_catalogue_only(struct classify_result *res)
{
	size_t i;

	for (i = 0; i < res->nsuggestions; i++)
		res->suggestions[i].confidence = res->total > 0 ?
		    res->suggestions[i].score / res->total : 0;
}

/* Returns res's suggestion for department d, or NULL. */
static const struct classify_suggestion *
blend_find(const struct classify_result *res, const struct department *d)
{
	size_t i;

	for (i = 0; i < res->nsuggestions; i++)
		if (res->suggestions[i].department == d)
			return &res->suggestions[i];
	return NULL;
}

/*
 * Re-ranks res by the blended scores mix (per department), leaving out
 * departments without catalogue evidence below BLEND_MODEL_ONLY_MIN.
 */
static void
blend_rank(struct classify_result *res, const struct department *departments,
    size_t nd, const double *prob, const double *mix)
{
	struct classify_suggestion out[CLASSIFY_MAX_SUGGESTIONS];
	struct nbayes_rank r[CLASSIFY_MAX_SUGGESTIONS];
	const struct classify_suggestion *old;
	size_t i, n, kept = 0;

	n = nbayes_rank(mix, nd, r, CLASSIFY_MAX_SUGGESTIONS);
	for (i = 0; i < n; i++) {
		old = blend_find(res, &departments[r[i].label]);
		if (old == NULL && mix[r[i].label] < BLEND_MODEL_ONLY_MIN)
			continue;
		if (old != NULL)
			out[kept] = *old;
		else {
			memset(&out[kept], 0, sizeof out[kept]);
			out[kept].department = &departments[r[i].label];
			out[kept].category = "";
		}
		out[kept].model_probability = prob[r[i].label];
		out[kept++].confidence = mix[r[i].label];
	}
	xmemcpy(res->suggestions, out, kept * sizeof out[0]);
	res->nsuggestions = kept;
}

/*
 * Blends res with the model's probabilities; see hotlined.h. The
 * catalogue's suggestions point into departments (the catalogue was built
 * over the same array); ones that do not are left out of the blend.
 */
void
blend_result(struct classify_result *res, const struct department *departments,
    size_t nd, const double *prob, size_t examples,
    const struct routing_spec *rs)
{
	double *mix, w = rs->catalogue_weight;
	size_t i, d;

	res->catalogue_confidence = res->nsuggestions > 0 && res->total > 0 ?
	    res->suggestions[0].score / res->total : 0;
	if (prob == NULL || nd == 0 || examples < rs->model_min_examples ||
	    w >= 1) {
		blend_catalogue_only(res);
		return;
	}
	mix = xcalloc(nd, sizeof *mix);
	for (d = 0; d < nd; d++)
		mix[d] = (1 - w) * prob[d];
	for (i = 0; i < res->nsuggestions && res->total > 0; i++)
		for (d = 0; d < nd; d++)
			if (res->suggestions[i].department == &departments[d])
				mix[d] += w * res->suggestions[i].score /
				    res->total;
	blend_rank(res, departments, nd, prob, mix);
	free(mix);
	res->model_examples = examples;
	res->confidence = res->nsuggestions > 0 ?
	    res->suggestions[0].confidence : 0;
	res->auto_dispatch = res->nsuggestions > 0 && res->emergency == NULL &&
	    res->confidence >= rs->dispatch_threshold;
}
