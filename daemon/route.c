/* A ticket's routing by the catalogue and the logistic model together: the catalogue's shares, the model's text and features, and the final ranking; no I/O. */
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "model.h"
#include "route.h"
#include "xmalloc.h"

/*
 * A department the catalogue does not name is listed from this
 * probability on: a list padded with 0.1% guesses tells the agent nothing.
 */
#define ROUTE_MODEL_ONLY_MIN 0.01

/*
 * The model's labels: one per department, except that the district
 * governments share one, "the ticket's own district government" (属地).
 */
struct route_map {
	size_t nd, nlabels;
	int *label;			/* per department */
	const char **district;		/* per department: its district, or NULL */
	size_t ngov;
	int local;			/* the shared label, or -1 */
};

/*
 * Returns the one district all of department d's entries are bound to,
 * or NULL (no entry, an entry for everywhere or for several districts, or
 * two districts).
 */
static const char *
route_gov_district(const struct catalogue_entry *e, size_t ne,
    const char *id)
{
	const char *district = NULL;
	size_t i;

	for (i = 0; i < ne; i++) {
		if (strcmp(e[i].department, id) != 0)
			continue;
		if (e[i].ndistricts != 1 || (district != NULL &&
		    strcmp(district, e[i].districts[0]) != 0))
			return NULL;
		district = e[i].districts[0];
	}
	return district;
}

/* See route.h. */
struct route_map *
route_map_new(const struct catalogue_entry *entries, size_t ne,
    const struct department *departments, size_t nd)
{
	struct route_map *m = xcalloc(1, sizeof *m);
	size_t d;

	m->nd = nd;
	m->label = xcalloc(nd + 1, sizeof *m->label);
	m->district = xcalloc(nd + 1, sizeof *m->district);
	for (d = 0; d < nd; d++)
		if ((m->district[d] = route_gov_district(entries, ne,
		    departments[d].id)) != NULL)
			m->ngov++;
	if (m->ngov < 2) {
		m->ngov = 0;
		memset(m->district, 0, (nd + 1) * sizeof *m->district);
	}
	m->local = -1;
	for (d = 0; d < nd; d++) {
		if (m->district[d] == NULL)
			m->label[d] = (int)m->nlabels++;
		else {
			if (m->local == -1)
				m->local = (int)m->nlabels++;
			m->label[d] = m->local;
		}
	}
	return m;
}

/* Frees a map (NULL is fine). */
void
route_map_free(struct route_map *m)
{
	if (m == NULL)
		return;
	free(m->label);
	free(m->district);
	free(m);
}

/* See route.h. */
size_t
route_map_nlabels(const struct route_map *m)
{
	return m->nlabels;
}

/* See route.h. */
int
route_map_label(const struct route_map *m, size_t department)
{
	return department < m->nd ? m->label[department] : -1;
}

/* See route.h. */
int
route_map_is_local(const struct route_map *m, size_t department)
{
	return department < m->nd && m->district[department] != NULL;
}

/* See route.h. */
void
route_expand(const struct route_map *m, const double *lprob,
    const char *district, double *prob)
{
	size_t d, own = 0;

	for (d = 0; d < m->nd; d++)
		own += m->district[d] != NULL && district != NULL &&
		    strcmp(m->district[d], district) == 0;
	for (d = 0; d < m->nd; d++) {
		if (m->district[d] == NULL)
			prob[d] = lprob[m->label[d]];
		else if (own > 0)
			prob[d] = district != NULL && strcmp(m->district[d],
			    district) == 0 ? lprob[m->local] / (double)own : 0;
		else
			prob[d] = lprob[m->local] / (double)m->ngov;
	}
}

/* See route.h. */
void
route_seed_shares(const struct route_map *map, size_t department,
    double weight, double prior, struct model_shares *out)
{
	memset(out, 0, sizeof *out);
	if (department >= map->nd || !(weight + prior > 0))
		return;
	out->label[0] = map->label[department];
	out->share[0] = (float)(weight / (weight + prior));
	out->n = 1;
}

/* See route.h. */
void
route_shares(const struct classify_result *res,
    const struct department *departments, const struct route_map *map,
    struct model_shares *out)
{
	size_t i;
	long d;
	int k, label;

	memset(out, 0, sizeof *out);
	for (i = 0; i < res->nsuggestions && res->total > 0; i++) {
		d = res->suggestions[i].department - departments;
		if (d < 0 || (size_t)d >= map->nd)
			continue;
		label = map->label[d];
		for (k = 0; k < out->n && out->label[k] != label; k++)
			;
		if (k == out->n) {
			if (out->n == MODEL_SHARES)
				continue;
			out->label[out->n++] = label;
		}
		out->share[k] += (float)(res->suggestions[i].score /
		    res->total);
	}
}

/* Copies at most max bytes of s, cut before a character that would not fit whole. */
static char *
route_cut(const char *s, size_t max)
{
	size_t n = strlen(s);
	char *out;

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	out = xmalloc(n + 1);
	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}

/* See route.h. */
char *
route_text(const char *ntitle, const char *ncontent)
{
	char *t = route_cut(ntitle != NULL ? ntitle : "", MODEL_TEXT_MAX / 8);
	char *c = route_cut(ncontent != NULL ? ncontent : "", MODEL_TEXT_MAX);
	char *text = xasprintf("%s\n%s", t, c);

	free(t);
	free(c);
	return text;
}

/* See route.h. */
void
route_split(const char *text, char **title, char **content)
{
	const char *nl = strchr(text, '\n');

	if (nl == NULL) {
		*title = xstrdup("");
		*content = xstrdup(text);
		return;
	}
	*title = xmalloc((size_t)(nl - text) + 1);
	memcpy(*title, text, (size_t)(nl - text));
	(*title)[nl - text] = '\0';
	*content = xstrdup(nl + 1);
}

/* See route.h. */
void
route_features(const struct catalogue *cat, const char *ntitle,
    const char *ncontent, struct model_vec *v)
{
	model_features(v, catalogue_segmenter(cat), catalogue_places(cat),
	    ntitle, ncontent);
}

/* Returns res's suggestion for department d, or NULL. */
static const struct classify_suggestion *
route_find(const struct classify_result *res, const struct department *d)
{
	size_t i;

	for (i = 0; i < res->nsuggestions; i++)
		if (res->suggestions[i].department == d)
			return &res->suggestions[i];
	return NULL;
}

/* See route.h. */
void
route_result(struct classify_result *res, const struct department *departments,
    size_t nd, const double *prob, size_t examples, double threshold)
{
	struct classify_suggestion out[CLASSIFY_MAX_SUGGESTIONS];
	const struct classify_suggestion *old;
	unsigned char *taken = xcalloc(nd + 1, 1);
	size_t kept = 0, d, best;

	res->catalogue_confidence = res->nsuggestions > 0 && res->total > 0 ?
	    res->suggestions[0].score / res->total : 0;
	while (kept < CLASSIFY_MAX_SUGGESTIONS) {
		for (d = 0, best = nd; d < nd; d++)
			if (!taken[d] && (best == nd || prob[d] > prob[best]))
				best = d;
		if (best == nd)
			break;
		taken[best] = 1;
		old = route_find(res, &departments[best]);
		if (old == NULL && prob[best] < ROUTE_MODEL_ONLY_MIN)
			break;
		if (old != NULL)
			out[kept] = *old;
		else {
			memset(&out[kept], 0, sizeof out[kept]);
			out[kept].department = &departments[best];
			out[kept].category = "";
		}
		out[kept].model_probability = prob[best];
		out[kept++].confidence = prob[best];
	}
	free(taken);
	memcpy(res->suggestions, out, kept * sizeof out[0]);
	res->nsuggestions = kept;
	res->model_examples = examples;
	res->confidence = kept > 0 ? out[0].confidence : 0;
	res->auto_dispatch = kept > 0 && res->emergency == NULL &&
	    res->confidence >= threshold;
}
