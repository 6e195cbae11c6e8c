/* The routing group of hotlined.conf and the catalogue file it names: entries, emergencies, categories. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "config-read.h"
#include "normalize.h"
#include "xmalloc.h"

/* Reads the routing group; *catalogue gets the catalogue file's path. */
int
config_load_routing(struct config *conf, const struct config_group *root,
    char **catalogue)
{
	static const char *const paths[] = { "catalogue", "seeds", "lexicon",
	    NULL };
	struct routing_spec *rs = &conf->routing;
	struct config_group g;
	char *seeds = NULL, *file;

	if (config_subgroup(root, "routing", CONFIG_REQUIRED, &g) == -1 ||
	    config_check_group(&g, "routing", paths) == -1 ||
	    config_read_keys(conf, &g, "routing") == -1 ||
	    config_string(&g, "seeds", CONFIG_NONEMPTY, &seeds) == -1 ||
	    config_load_lexicon(conf, &g) == -1)
		return -1;
	if (seeds != NULL)
		rs->seeds = config_relative(conf->path, seeds);
	free(seeds);
	if (config_string(&g, "catalogue", CONFIG_REQUIRED | CONFIG_NONEMPTY,
	    &file) == -1)
		return -1;
	*catalogue = config_relative(conf->path, file);
	free(file);
	return 0;
}

/*
 * Replaces the n keywords of list name by their normal form, as ticket
 * text is matched in it.
 */
static int
config_normalise_list(const struct config_group *g, const char *name,
    char **keywords, size_t n)
{
	char key[CONFIG_KEY_MAX], *norm, *raw;
	size_t k;

	config_key(key, g->key, name);
	for (k = 0; k < n; k++) {
		norm = normalize_text(keywords[k] + (keywords[k][0] == '*'));
		if (keywords[k][0] == '*' && norm[0] != '\0') {
			raw = xasprintf("*%s", norm);	/* raw: see classify.c */
			free(norm);
			norm = raw;
		}
		if (norm[0] == '\0') {
			free(norm);
			return config_fail(g->r, config_member(g, name), key,
			    "keyword \"%s\" is only spaces or punctuation",
			    keywords[k]);
		}
		free(keywords[k]);
		keywords[k] = norm;
	}
	return 0;
}

/* Replaces e's keywords by their normal form, as ticket text is matched in it. */
static int
config_normalise_keywords(const struct config_group *g, struct catalogue_entry *e)
{
	return config_normalise_list(g, "keywords", e->keywords, e->nkeywords);
}

/*
 * Reads the keywords and patterns of a catalogue group: either list may be
 * left out, not both (then "keywords" is reported missing).
 */
static int
config_load_matchers(const struct config_group *g, char ***keywords,
    size_t *nkeywords, char ***patterns, size_t *npatterns)
{
	int need = config_member(g, "patterns") == NULL ? CONFIG_REQUIRED : 0;

	return config_strings(g, "keywords", need | CONFIG_NONEMPTY,
	    CONFIG_KEYWORD_MAX, keywords, nkeywords) == -1 ||
	    config_strings(g, "patterns", CONFIG_NONEMPTY, CONFIG_PATTERN_MAX,
	    patterns, npatterns) == -1 ? -1 : 0;
}

/* Checks that e's category, if it has one, is a minor class (小类) of the catalogue's categories. */
static int
config_entry_category(const struct config *conf, const struct config_group *g,
    const struct catalogue_entry *e)
{
	char key[CONFIG_KEY_MAX];

	if (e->category[0] == '\0')
		return 0;
	config_key(key, g->key, "category");
	if (category_minor(conf->categories, conf->ncategories,
	    e->category) == NULL)
		return config_fail(g->r, config_member(g, "category"), key,
		    "\"%s\" is not the code of a minor class (小类) in "
		    "categories", e->category);
	return 0;
}

/* Returns 1 if district is one of e's districts. */
static int
config_entry_in(const struct catalogue_entry *e, const char *district)
{
	size_t i;

	for (i = 0; i < e->ndistricts; i++)
		if (strcmp(e->districts[i], district) == 0)
			return 1;
	return 0;
}

/* Returns 1 if street is one of d's streets. */
int
config_street_in(const struct district *d, const char *street)
{
	size_t i;

	for (i = 0; i < d->nstreets; i++)
		if (strcmp(d->streets[i], street) == 0)
			return 1;
	return 0;
}

/*
 * Checks e's districts and streets against the config's districts (when it
 * has them): each district listed, each street of one of e's districts (or
 * of any district when e names none).
 */
static int
config_entry_places(const struct config *conf, const struct config_group *g,
    const struct catalogue_entry *e)
{
	char key[CONFIG_KEY_MAX];
	size_t i, j;
	int found;

	if (conf->ndistricts == 0)
		return 0;
	for (i = 0; i < e->ndistricts; i++) {
		config_keyf(key, "%s.districts[%zu]", g->key, i);
		if (config_district(conf, e->districts[i]) == NULL)
			return config_fail(g->r, config_member(g, "districts"),
			    key, "unknown district \"%s\": not in the "
			    "districts group", e->districts[i]);
	}
	for (i = 0; i < e->nstreets; i++) {
		found = 0;
		for (j = 0; j < conf->ndistricts && !found; j++)
			found = (e->ndistricts == 0 || config_entry_in(e,
			    conf->districts[j].name)) &&
			    config_street_in(&conf->districts[j],
			    e->streets[i]);
		config_keyf(key, "%s.streets[%zu]", g->key, i);
		if (!found)
			return config_fail(g->r, config_member(g, "streets"),
			    key, "\"%s\" is not a street of %s", e->streets[i],
			    e->ndistricts > 0 ? "the entry's districts" :
			    "any district");
	}
	return 0;
}

/* Reads entries[i] of the catalogue. */
static int
config_load_entry(struct config *conf, size_t i, const struct config_group *g)
{
	static const char *const keys[] = { "keywords", "patterns",
	    "districts", "streets", "department", "category", "weight", NULL };
	struct catalogue_entry *e = &conf->entries[i];
	char key[CONFIG_KEY_MAX];

	if (config_check_keys(g, keys) == -1 ||
	    config_load_matchers(g, &e->keywords, &e->nkeywords, &e->patterns,
	    &e->npatterns) == -1 ||
	    config_strings(g, "districts", 0, SIZE_MAX, &e->districts,
	    &e->ndistricts) == -1 ||
	    config_strings(g, "streets", 0, SIZE_MAX, &e->streets,
	    &e->nstreets) == -1 ||
	    config_string(g, "department", CONFIG_REQUIRED,
	    &e->department) == -1 ||
	    config_string(g, "category", 0, &e->category) == -1 ||
	    config_float(g, "weight", 1.0, 0, HUGE_VAL, &e->weight) == -1)
		return -1;
	if (e->category == NULL)
		e->category = xstrdup("");
	if (config_entry_category(conf, g, e) == -1 ||
	    config_entry_places(conf, g, e) == -1 ||
	    config_normalise_keywords(g, e) == -1)
		return -1;
	config_key(key, g->key, "department");
	if (config_department(conf, e->department) == NULL)
		return config_fail(g->r, config_member(g, "department"), key,
		    "unknown department \"%s\"", e->department);
	config_key(key, g->key, "weight");
	if (e->weight <= 0)
		return config_fail(g->r, config_member(g, "weight"), key,
		    "must be above 0");
	return 0;
}

/* Reads an emergency's transfer number: 3 to 8 digits (119, 110, 120, 122). */
static int
config_transfer_to(const struct config_group *g, char **out)
{
	char key[CONFIG_KEY_MAX];
	size_t len;

	if (config_string(g, "transfer_to", CONFIG_REQUIRED | CONFIG_NONEMPTY,
	    out) == -1)
		return -1;
	len = strlen(*out);
	config_key(key, g->key, "transfer_to");
	if (len < 3 || len > 8 || strspn(*out, CONFIG_TRANSFER_CHARS) != len)
		return config_fail(g->r, config_member(g, "transfer_to"), key,
		    "\"%s\" is not a number of 3 to 8 digits (119, 110, 120, "
		    "122)", *out);
	return 0;
}

/* Reads emergencies[i] of the catalogue. */
static int
config_load_emergency(struct config *conf, size_t i,
    const struct config_group *g)
{
	static const char *const keys[] = { "keywords", "patterns", "except",
	    "kind", "name", "transfer_to", NULL };
	struct emergency *em = &conf->emergencies[i];

	if (config_check_keys(g, keys) == -1 ||
	    config_load_matchers(g, &em->keywords, &em->nkeywords,
	    &em->patterns, &em->npatterns) == -1 ||
	    config_strings(g, "except", 0, CONFIG_KEYWORD_MAX, &em->except,
	    &em->nexcept) == -1 ||
	    config_string(g, "kind", CONFIG_REQUIRED | CONFIG_NONEMPTY,
	    &em->kind) == -1 ||
	    config_string(g, "name", 0, &em->name) == -1 ||
	    config_transfer_to(g, &em->transfer_to) == -1)
		return -1;
	if (em->name == NULL)
		em->name = xstrdup(em->kind);
	if (config_normalise_list(g, "keywords", em->keywords,
	    em->nkeywords) == -1 || config_normalise_list(g, "except",
	    em->except, em->nexcept) == -1)
		return -1;
	return 0;
}


/* Reads categories[i] of the catalogue: a code and a name. */
static int
config_load_category(struct config *conf, size_t i,
    const struct config_group *g)
{
	static const char *const keys[] = { "code", "name", NULL };
	struct category *c = &conf->categories[i];

	return config_check_keys(g, keys) == -1 ||
	    config_string(g, "code", CONFIG_REQUIRED | CONFIG_NONEMPTY,
	    &c->code) == -1 ||
	    config_string(g, "name", CONFIG_REQUIRED | CONFIG_NONEMPTY,
	    &c->name) == -1 ? -1 : 0;
}

/* The catalogue file's lists, read in this order: categories before the entries that name them. */
static const struct config_list catalogue_lists[] = {
	{ .name = "categories", .flags = 0,
	    CONFIG_LIST(categories, ncategories),
	    .read = config_load_category },
	{ .name = "entries", .flags = CONFIG_REQUIRED,
	    CONFIG_LIST(entries, nentries), .read = config_load_entry },
	{ .name = "emergencies", .flags = 0,
	    CONFIG_LIST(emergencies, nemergencies),
	    .read = config_load_emergency },
};

/* Reads the catalogue file: categories (the tree checked), its entries list (it may be empty) and emergencies. */
int
config_load_entries(struct config *conf, const struct config_group *root)
{
	static const char *const keys[] = { "categories", "entries",
	    "emergencies", NULL };
	const config_setting_t *list;
	const char *bad, *why;
	size_t i;

	if (config_check_keys(root, keys) == -1)
		return -1;
	for (i = 0; i < sizeof catalogue_lists / sizeof catalogue_lists[0];
	    i++) {
		if (config_read_list(conf, root, &catalogue_lists[i]) == -1)
			return -1;
		if (i == 0 && (list = config_member(root, "categories")) !=
		    NULL && category_check(conf->categories,
		    conf->ncategories, &bad, &why) == -1)
			return config_fail(root->r, list, "categories",
			    "code \"%s\": %s", bad, why);
	}
	return 0;
}
