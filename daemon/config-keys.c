/*
 * Every plain key of hotlined.conf described once (group, name, type,
 * bounds, default, where it is stored), as Redis's config table does; the
 * group readers of config-limits.c and config-catalogue.c read them here.
 */
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "config-read.h"
#include "simhash.h"
#include "xmalloc.h"

/* How a key's value is stored in struct config, from the field's C type. */
#define CONFIG_AT(field)						\
	.offset = offsetof(struct config, field),			\
	.store = _Generic(((struct config *)0)->field,			\
	    int: CONFIG_STORE_INT, size_t: CONFIG_STORE_SIZE,		\
	    int64_t: CONFIG_STORE_INT64, double: CONFIG_STORE_DOUBLE,	\
	    char *: CONFIG_STORE_STRING)

/*
 * In each group, rows are read in this order: a bound or default taken from
 * another key (min_key, max_key, def_key) names an earlier row, and the
 * first error found is the one reported.
 */
static const struct config_key config_keys[] = {
	/* [redis]: where it is (unix, host, port, sentinels, master) is read apart. */
	{ .group = "redis", .name = "db", .type = CONFIG_KEY_INT,
	  .def = 0, .min = 0, .max = INT_MAX, CONFIG_AT(redis.db) },
	{ .group = "redis", .name = "password", .type = CONFIG_KEY_STRING,
	  CONFIG_AT(redis.password) },
	{ .group = "redis", .name = "timeout_ms", .type = CONFIG_KEY_INT,
	  .def = 2000, .min = 100, .max = 60000, CONFIG_AT(redis.timeout_ms) },
	{ .group = "redis", .name = "feed_maxlen", .type = CONFIG_KEY_INT,
	  .def = 10000, .min = 100, .max = 10000000,
	  CONFIG_AT(redis.feed_maxlen) },
	{ .group = "redis", .name = "wait_replicas", .type = CONFIG_KEY_INT,
	  .def = 0, .min = 0, .max = 64, CONFIG_AT(redis.wait_replicas) },
	{ .group = "redis", .name = "wait_timeout_ms", .type = CONFIG_KEY_INT,
	  .def_key = "timeout_ms", .def_div = 2, .min = 1, .max = 60000,
	  CONFIG_AT(redis.wait_timeout_ms) },
	{ .group = "redis", .name = "read_link", .type = CONFIG_KEY_INT,
	  .def = 1, .min = 0, .max = 1, CONFIG_AT(redis.read_link) },
	{ .group = "redis", .name = "read_window", .type = CONFIG_KEY_INT,
	  .def = 4, .min = 1, .max = 1024, CONFIG_AT(redis.read_window) },

	/* [limits]: every key has a default. */
	{ .group = "limits", .name = "max_frame", .type = CONFIG_KEY_INT,
	  .def = 262144, .min = 1024, .max = 67108864,
	  CONFIG_AT(limits.max_frame) },
	{ .group = "limits", .name = "max_field", .type = CONFIG_KEY_INT,
	  .def = 65536, .min = 64, .max_key = "max_frame",
	  CONFIG_AT(limits.max_field) },
	{ .group = "limits", .name = "max_connections", .type = CONFIG_KEY_INT,
	  .def = 10000, .min = 1, .max = 1000000,
	  CONFIG_AT(limits.max_connections) },
	{ .group = "limits", .name = "output_limit", .type = CONFIG_KEY_INT,
	  .def = 8388608, .min = 65536, .max = 1073741824,
	  CONFIG_AT(limits.output_limit) },
	{ .group = "limits", .name = "requests_per_turn", .type = CONFIG_KEY_INT,
	  .def = 32, .min = 1, .max = 10000,
	  CONFIG_AT(limits.requests_per_turn) },
	{ .group = "limits", .name = "drain_timeout_ms", .type = CONFIG_KEY_INT,
	  .def = 5000, .min = 0, .max = 600000,
	  CONFIG_AT(limits.drain_timeout_ms) },
	{ .group = "limits", .name = "max_store_pending", .type = CONFIG_KEY_INT,
	  .def = 10000, .min = 10, .max = 10000000,
	  CONFIG_AT(limits.max_store_pending) },
	{ .group = "limits", .name = "write_timeout_ms", .type = CONFIG_KEY_INT,
	  .def = 60000, .min = 0, .max = 86400000,
	  CONFIG_AT(limits.write_timeout_ms) },
	{ .group = "limits", .name = "hello_timeout_ms", .type = CONFIG_KEY_INT,
	  .def = 10000, .min = 100, .max = 600000,
	  CONFIG_AT(limits.hello_timeout_ms) },
	{ .group = "limits", .name = "output_budget", .type = CONFIG_KEY_INT,
	  .def = 268435456, .min_key = "output_limit", .max = 1099511627776LL,
	  CONFIG_AT(limits.output_budget) },
	{ .group = "limits", .name = "max_principal_pending",
	  .type = CONFIG_KEY_INT, .def = 64, .min = 1,
	  .max_key = "max_store_pending",
	  CONFIG_AT(limits.max_principal_pending) },

	/* [auth]: the credential cache and the failed-hello limit. */
	{ .group = "auth", .name = "cache_entries", .type = CONFIG_KEY_INT,
	  .def = 4096, .min = 0, .max = 1048576, CONFIG_AT(auth.cache_entries) },
	{ .group = "auth", .name = "cache_ttl_s", .type = CONFIG_KEY_INT,
	  .def = 3600, .min = 1, .max = 604800, CONFIG_AT(auth.cache_ttl_s) },
	{ .group = "auth", .name = "failures_burst", .type = CONFIG_KEY_INT,
	  .def = 10, .min = 1, .max = 100000, CONFIG_AT(auth.failures_burst) },
	{ .group = "auth", .name = "failures_per_minute", .type = CONFIG_KEY_INT,
	  .def = 6, .min = 1, .max = 6000000,
	  CONFIG_AT(auth.failures_per_minute) },
	{ .group = "auth", .name = "limit_addresses", .type = CONFIG_KEY_INT,
	  .def = 4096, .min = 16, .max = 1048576,
	  CONFIG_AT(auth.limit_addresses) },
	/* auth-worker.c's threads; 4 is its AUTH_WORKER_THREADS_MAX. */
	{ .group = "auth", .name = "workers", .type = CONFIG_KEY_INT,
	  .def = -1, .min = -1, .max = 4, CONFIG_AT(auth.workers) },

	/* [routing]: the catalogue's file and the seeds are read apart (paths). */
	{ .group = "routing", .name = "dispatch_threshold",
	  .type = CONFIG_KEY_NUMBER, .fdef = 0.6, .fmin = 0, .fmax = 1,
	  CONFIG_AT(routing.dispatch_threshold) },
	{ .group = "routing", .name = "prior", .type = CONFIG_KEY_NUMBER,
	  .fdef = 1.0, .fmin = 0, .fmax = HUGE_VAL, CONFIG_AT(routing.prior) },
	{ .group = "routing", .name = "auto_dispatch_precision",
	  .type = CONFIG_KEY_NUMBER, .fdef = 0.97, .fmin = 0.5, .fmax = 1,
	  CONFIG_AT(routing.auto_dispatch_precision) },
	{ .group = "routing", .name = "model", .type = CONFIG_KEY_FLAG,
	  .def = 1, CONFIG_AT(routing.model) },

	/* [tickets]: callbacks, privacy. */
	{ .group = "tickets", .name = "callback_attempts", .type = CONFIG_KEY_INT,
	  .def = 3, .min = 1, .max = 100,
	  CONFIG_AT(tickets.callback_attempts) },
	{ .group = "tickets", .name = "mask_phones", .type = CONFIG_KEY_FLAG,
	  .def = 1, CONFIG_AT(tickets.mask_phones) },

	/* [testing]: test installations only. */
	{ .group = "testing", .name = "clock_control", .type = CONFIG_KEY_FLAG,
	  .def = 0, CONFIG_AT(testing.clock_control) },

	/* [archive]: read only when the group is there. */
	{ .group = "archive", .name = "conninfo", .type = CONFIG_KEY_STRING,
	  .flags = CONFIG_REQUIRED | CONFIG_NONEMPTY,
	  CONFIG_AT(archive.conninfo) },
	{ .group = "archive", .name = "keep_days", .type = CONFIG_KEY_INT,
	  .def = 30, .min = 1, .max = 36500, CONFIG_AT(archive.keep_days) },
	{ .group = "archive", .name = "batch", .type = CONFIG_KEY_INT,
	  .def = 500, .min = 1, .max = 10000, CONFIG_AT(archive.batch) },
	{ .group = "archive", .name = "claim_idle_ms", .type = CONFIG_KEY_INT,
	  .def = 30000, .min = 100, .max = 86400000,
	  CONFIG_AT(archive.claim_idle_ms) },
	{ .group = "archive", .name = "timeout_ms", .type = CONFIG_KEY_INT,
	  .def = 10000, .min = 100, .max = 600000,
	  CONFIG_AT(archive.timeout_ms) },
	{ .group = "archive", .name = "outbox_max", .type = CONFIG_KEY_INT,
	  .def = 1000000, .min = 100, .max = 100000000,
	  CONFIG_AT(archive.outbox_max) },
	{ .group = "archive", .name = "yield_ms", .type = CONFIG_KEY_INT,
	  .def = 30000, .min = 0, .max = 3600000,
	  CONFIG_AT(archive.yield_ms) },

	/* [repeats] (重复件): linking is on by default. */
	{ .group = "repeats", .name = "window_hours", .type = CONFIG_KEY_INT,
	  .def = 168, .min = 0, .max = 24 * 366, .scale = 3600000,
	  CONFIG_AT(repeats.window_ms) },
	{ .group = "repeats", .name = "simhash_bits", .type = CONFIG_KEY_INT,
	  .def = SIMHASH_NEAR, .min = 0, .max = 64,
	  CONFIG_AT(repeats.simhash_bits) },
	{ .group = "repeats", .name = "candidates", .type = CONFIG_KEY_INT,
	  .def = 100, .min = 1, .max = 10000, CONFIG_AT(repeats.candidates) },
	{ .group = "repeats", .name = "recent_max", .type = CONFIG_KEY_INT,
	  .def = 1000, .min = 1, .max = 1000000, CONFIG_AT(repeats.recent_max) },

	/* [kb] (知识库): optional; the defaults apply without it. */
	{ .group = "kb", .name = "suggest", .type = CONFIG_KEY_INT,
	  .def = 3, .min = 0, .max = 10, CONFIG_AT(kb.suggest) },
	{ .group = "kb", .name = "suggest_wait_ms", .type = CONFIG_KEY_INT,
	  .def = 3, .min = 0, .max = 5000, CONFIG_AT(kb.suggest_wait_ms) },
	{ .group = "kb", .name = "expiry_reminder_days", .type = CONFIG_KEY_INT,
	  .def = 30, .min = 0, .max = 365,
	  CONFIG_AT(kb.expiry_reminder_days) },
	/* [hot_spots] (高频件): read only when the group is there. */
	{ .group = "hot_spots", .name = "count", .type = CONFIG_KEY_INT,
	  .def = 5, .min = 0, .max = 1000, CONFIG_AT(hot_spots.count) },
	{ .group = "hot_spots", .name = "window_minutes", .type = CONFIG_KEY_INT,
	  .def = 60, .min = 1, .max = 7 * 24 * 60, .scale = 60000,
	  CONFIG_AT(hot_spots.window_ms) },
	{ .group = "hot_spots", .name = "simhash_bits", .type = CONFIG_KEY_INT,
	  .def = SIMHASH_NEAR + 4, .min = 0, .max = 64,
	  CONFIG_AT(hot_spots.simhash_bits) },
};

#define CONFIG_NKEYS (sizeof config_keys / sizeof config_keys[0])
#define CONFIG_GROUP_MAX 32	/* keys of one group, the extra ones included */

/* The value read for key name of group, among rows[0..n). */
static long long
config_keys_earlier(const struct config_key *const *rows, const long long *got,
    size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(rows[i]->name, name) == 0)
			return got[i];
	return 0;	/* not reached: the table names earlier rows only */
}

/* Stores v (scaled) or text in conf where row k says. */
static void
config_keys_store(struct config *conf, const struct config_key *k, long long v,
    double d, char *text)
{
	char *at = (char *)conf + k->offset;

	v *= k->scale != 0 ? k->scale : 1;
	switch (k->store) {
	case CONFIG_STORE_INT:
		*(int *)(void *)at = (int)v;
		break;
	case CONFIG_STORE_SIZE:
		*(size_t *)(void *)at = (size_t)v;
		break;
	case CONFIG_STORE_INT64:
		*(int64_t *)(void *)at = v;
		break;
	case CONFIG_STORE_DOUBLE:
		*(double *)(void *)at = d;
		break;
	case CONFIG_STORE_STRING:
		*(char **)(void *)at = text;
		break;
	}
}

/* Reads the table's keys of group from g into conf; see config-read.h. */
int
config_read_keys(struct config *conf, const struct config_group *g,
    const char *group)
{
	const struct config_key *rows[CONFIG_GROUP_MAX], *k;
	long long got[CONFIG_GROUP_MAX], v = 0, def, min, max;
	size_t i, n = 0;
	char *text = NULL;
	double d = 0;
	int rc = 0;

	for (i = 0; i < CONFIG_NKEYS && rc == 0; i++) {
		k = &config_keys[i];
		if (strcmp(k->group, group) != 0)
			continue;
		def = k->def_key != NULL ? config_keys_earlier(rows, got, n,
		    k->def_key) / k->def_div : k->def;
		min = k->min_key != NULL ? config_keys_earlier(rows, got, n,
		    k->min_key) : k->min;
		max = k->max_key != NULL ? config_keys_earlier(rows, got, n,
		    k->max_key) : k->max;
		switch (k->type) {
		case CONFIG_KEY_INT:
			rc = config_int(g, k->name, def, min, max, &v);
			break;
		case CONFIG_KEY_FLAG:
			rc = config_flag(g, k->name, def, &v);
			break;
		case CONFIG_KEY_NUMBER:
			rc = config_float(g, k->name, k->fdef, k->fmin, k->fmax,
			    &d);
			break;
		case CONFIG_KEY_STRING:
			rc = config_string(g, k->name, k->flags, &text);
			break;
		}
		if (rc == 0)
			config_keys_store(conf, k, v, d, text);
		rows[n] = k;
		got[n++] = v;
	}
	return rc;
}

/* Fails unless every member of g is a key of group in the table or in extra (NULL-terminated). */
int
config_check_group(const struct config_group *g, const char *group,
    const char *const *extra)
{
	const char *allowed[CONFIG_GROUP_MAX + 1];
	size_t i, n = 0;

	for (i = 0; i < CONFIG_NKEYS && n < CONFIG_GROUP_MAX; i++)
		if (strcmp(config_keys[i].group, group) == 0)
			allowed[n++] = config_keys[i].name;
	for (i = 0; extra != NULL && extra[i] != NULL && n < CONFIG_GROUP_MAX;
	    i++)
		allowed[n++] = extra[i];
	allowed[n] = NULL;
	return config_check_keys(g, allowed);
}

/* Reads the table's keys of the optional group name under root (defaults when it is absent). */
int
config_read_group(struct config *conf, const struct config_group *root,
    const char *name)
{
	struct config_group g;

	if (config_subgroup(root, name, 0, &g) == -1 ||
	    config_check_group(&g, name, NULL) == -1)
		return -1;
	return config_read_keys(conf, &g, name);
}

/*
 * Reads the list of groups l->name under root into conf, as l describes
 * it: the array and its length are set first (every element zeroed), then
 * each element is read by l->read, which may look at the ones before it.
 * Returns 0 (an absent optional list leaves both unset), or -1 with the
 * first error set.
 */
int
config_read_list(struct config *conf, const struct config_group *root,
    const struct config_list *l)
{
	const config_setting_t *list;
	struct config_group g;
	void *array;
	size_t i, n;

	if (config_list(root, l->name, l->flags, &list) == -1)
		return -1;
	if (list == NULL)
		return 0;
	n = (size_t)config_setting_length(list);
	array = xcalloc(n, l->size);
	memcpy((char *)conf + l->array, &array, sizeof array);
	memcpy((char *)conf + l->count, &n, sizeof n);
	for (i = 0; i < n; i++)
		if (config_element(root, list, l->name, (unsigned)i, &g) == -1 ||
		    l->read(conf, i, &g) == -1)
			return -1;
	return 0;
}
