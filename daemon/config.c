/* Loads and checks hotlined.conf and the dispatch catalogue it names; frees and looks up in a config. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "classify.h"
#include "config-read.h"
#include "lang.h"
#include "xmalloc.h"

/* Reads the main file's top level; *catalogue gets the catalogue's path. */
static int
config_load_main(struct config *conf, const struct config_group *root,
    char **catalogue)
{
	static const char *const keys[] = { "listen", "redis", "limits",
	    "routing", "tickets", "calendar", "policies", "testing", "http",
	    "departments", "principals", "repeats", "hot_spots", "assessment",
	    "auth", "districts", "archive", "kb", NULL };

	if (config_check_keys(root, keys) == -1 ||
	    config_load_listens(conf, root) == -1 ||
	    config_load_redis(conf, root) == -1 ||
	    config_load_limits(conf, root) == -1 ||
	    config_load_auth(conf, root) == -1 ||
	    config_load_routing(conf, root, catalogue) == -1 ||
	    config_load_tickets(conf, root) == -1 ||
	    config_load_testing(conf, root) == -1 ||
	    config_load_archive(conf, root) == -1 ||
	    config_load_kb(conf, root) == -1 ||
	    config_load_http(conf, root) == -1 ||
	    config_load_repeats(conf, root) == -1 ||
	    config_load_hot_spots(conf, root) == -1 ||
	    config_load_assessment(conf, root) == -1 ||
	    config_load_departments(conf, root) == -1 ||
	    config_load_districts(conf, root) == -1 ||
	    config_load_principals(conf, root) == -1 ||
	    config_load_time(conf, root) == -1)
		return -1;
	return 0;
}

/* Parses the file at path into lc; returns 0, or -1 (lc destroyed, err set). */
static int
config_open(config_t *lc, const char *path, char *err, size_t errlen)
{
	char *dir = config_dirname(path);
	int saved_errno;

	config_init(lc);
	if (dir != NULL)
		config_set_include_dir(lc, dir);
	free(dir);
	if (config_read_file(lc, path) == CONFIG_TRUE)
		return 0;
	saved_errno = errno;
	if (config_error_type(lc) == CONFIG_ERR_FILE_IO)
		snprintf(err, errlen, "%s: cannot read: %s", path,
		    strerror(saved_errno));
	else
		snprintf(err, errlen, "%s:%d: %s", config_error_file(lc) ?
		    config_error_file(lc) : path, config_error_line(lc),
		    config_error_text(lc));
	config_destroy(lc);
	return -1;
}

/* Reads the main file conf->path; *catalogue gets the catalogue's path. */
static int
config_read_main(struct config *conf, char **catalogue, char *err,
    size_t errlen)
{
	struct config_reader r = { conf->path, err, errlen };
	struct config_group root = { &r, NULL, "" };
	config_t lc;
	int rc;

	if (config_open(&lc, conf->path, err, errlen) == -1)
		return -1;
	root.s = config_root_setting(&lc);
	rc = config_load_main(conf, &root, catalogue);
	config_destroy(&lc);
	return rc;
}

/* Reads the catalogue file at path. */
static int
config_read_catalogue(struct config *conf, const char *path, char *err,
    size_t errlen)
{
	struct config_reader r = { path, err, errlen };
	struct config_group root = { &r, NULL, "" };
	config_t lc;
	int rc;

	if (config_open(&lc, path, err, errlen) == -1)
		return -1;
	root.s = config_root_setting(&lc);
	rc = config_load_entries(conf, &root);
	config_destroy(&lc);
	return rc;
}

/*
 * Loads and checks the file at path and the catalogue it names, compiling
 * the catalogue. Returns a new config, or NULL with a message naming the
 * file, line and key at fault in err.
 */
struct config *
config_load(const char *path, char *err, size_t errlen)
{
	struct config *conf = xcalloc(1, sizeof *conf);
	char *catalogue = NULL, why[512];
	int rc;

	conf->path = xstrdup(path);
	rc = config_read_main(conf, &catalogue, err, errlen);
	if (rc == 0)
		rc = config_read_catalogue(conf, catalogue, err, errlen);
	if (rc == 0 && ((conf->catalogue = catalogue_build(conf->entries,
	    conf->nentries, conf->emergencies, conf->nemergencies,
	    conf->departments, conf->ndepartments, why,
	    sizeof why)) == NULL || catalogue_add_lexicon(conf->catalogue,
	    (const char *const *)conf->routing.lexicon, conf->routing.nlexicon,
	    why, sizeof why) == -1)) {
		snprintf(err, errlen, "%s: %s", catalogue, why);
		rc = -1;
	}
	free(catalogue);
	if (rc == -1) {
		config_free(conf);
		return NULL;
	}
	return conf;
}

/* Frees the n strings of v and v itself. */
static void
config_free_strings(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Frees the catalogue entries of conf. */
static void
config_free_entries(struct config *conf)
{
	struct catalogue_entry *e;
	size_t i;

	for (i = 0; i < conf->nentries; i++) {
		e = &conf->entries[i];
		config_free_strings(e->keywords, e->nkeywords);
		config_free_strings(e->patterns, e->npatterns);
		config_free_strings(e->districts, e->ndistricts);
		config_free_strings(e->streets, e->nstreets);
		free(e->department);
		free(e->category);
	}
	free(conf->entries);
}

/* Frees the category tree of conf. */
static void
config_free_categories(struct config *conf)
{
	size_t i;

	for (i = 0; i < conf->ncategories; i++) {
		free(conf->categories[i].code);
		free(conf->categories[i].name);
		free(conf->categories[i].label);
	}
	free(conf->categories);
}

/* Frees the emergencies of conf. */
static void
config_free_emergencies(struct config *conf)
{
	struct emergency *em;
	size_t i;

	for (i = 0; i < conf->nemergencies; i++) {
		em = &conf->emergencies[i];
		config_free_strings(em->keywords, em->nkeywords);
		config_free_strings(em->patterns, em->npatterns);
		config_free_strings(em->except, em->nexcept);
		free(em->kind);
		free(em->name);
		free(em->transfer_to);
	}
	free(conf->emergencies);
}

/* Frees a listener's tls group (NULL: none). */
static void
config_free_tls(struct tls_spec *tls)
{
	if (tls == NULL)
		return;
	free(tls->cert);
	free(tls->key);
	free(tls->client_ca);
	free(tls);
}

/* Frees conf and everything it owns, the compiled catalogue included. */
void
config_free(struct config *conf)
{
	size_t i;

	if (conf == NULL)
		return;
	catalogue_free(conf->catalogue);
	free(conf->routing.seeds);
	config_free_strings(conf->routing.lexicon, conf->routing.nlexicon);
	config_free_entries(conf);
	config_free_emergencies(conf);
	config_free_categories(conf);
	calendar_free(conf->calendar);
	config_free_strings(conf->http.allow, conf->http.nallow);
	free(conf->http.listen.host);
	config_free_tls(conf->http.listen.tls);
	policy_free(conf->policies);
	for (i = 0; i < conf->nlistens; i++) {
		free(conf->listens[i].unix_path);
		free(conf->listens[i].host);
		config_free_tls(conf->listens[i].tls);
	}
	free(conf->listens);
	free(conf->redis.unix_path);
	free(conf->redis.host);
	free(conf->redis.password);
	for (i = 0; i < conf->redis.nsentinels; i++)
		free(conf->redis.sentinels[i].host);
	free(conf->redis.sentinels);
	free(conf->redis.master);
	for (i = 0; i < conf->ndistricts; i++) {
		free(conf->districts[i].name);
		free(conf->districts[i].government);
		config_free_strings(conf->districts[i].streets,
		    conf->districts[i].nstreets);
	}
	free(conf->districts);
	free(conf->archive.conninfo);
	for (i = 0; i < conf->ndepartments; i++) {
		free(conf->departments[i].id);
		free(conf->departments[i].name);
	}
	free(conf->departments);
	for (i = 0; i < conf->nprincipals; i++) {
		free(conf->principals[i].id);
		free(conf->principals[i].department);
		free(conf->principals[i].credential);
		free(conf->principals[i].cert_cn);
	}
	free(conf->principals);
	free(conf->path);
	free(conf);
}

/* Returns the department with this id, or NULL. */
const struct department *
config_department(const struct config *conf, const char *id)
{
	size_t i;

	for (i = 0; i < conf->ndepartments; i++)
		if (conf->departments[i].id != NULL &&
		    strcmp(conf->departments[i].id, id) == 0)
			return &conf->departments[i];
	return NULL;
}

/* Returns the principal with this id, or NULL. */
const struct principal *
config_principal(const struct config *conf, const char *id)
{
	size_t i;

	for (i = 0; i < conf->nprincipals; i++)
		if (conf->principals[i].id != NULL &&
		    strcmp(conf->principals[i].id, id) == 0)
			return &conf->principals[i];
	return NULL;
}

/* Returns the district of this name, or NULL. */
const struct district *
config_district(const struct config *conf, const char *name)
{
	size_t i;

	for (i = 0; i < conf->ndistricts; i++)
		if (conf->districts[i].name != NULL &&
		    strcmp(conf->districts[i].name, name) == 0)
			return &conf->districts[i];
	return NULL;
}

/* Checks a ticket's district and street; see hotlined.h. */
int
config_place_check(const struct config *conf, const char *district,
    const char *street, const char **field, const char **why)
{
	const struct district *d;

	if (conf->ndistricts == 0)
		return 0;
	if (district[0] == '\0') {
		if (street[0] == '\0')
			return 0;
		*field = "district";
		*why = ZH_EN("在给出街道时为必填项", "is required with a street");
		return -1;
	}
	if ((d = config_district(conf, district)) == NULL) {
		*field = "district";
		*why = ZH_EN("不是本市的区县", "is not a district of this city");
		return -1;
	}
	if (street[0] != '\0' && !config_street_in(d, street)) {
		*field = "street";
		*why = ZH_EN("不是该区县的街道或乡镇",
		    "is not a street or town of the district");
		return -1;
	}
	return 0;
}

/* Calls fn with every district's name and its streets, in order. */
void
config_each_place(const struct config *conf,
    void (*fn)(const char *name, int is_street, void *arg), void *arg)
{
	size_t i, j;

	for (i = 0; i < conf->ndistricts; i++) {
		fn(conf->districts[i].name, 0, arg);
		for (j = 0; j < conf->districts[i].nstreets; j++)
			fn(conf->districts[i].streets[j], 1, arg);
	}
}
