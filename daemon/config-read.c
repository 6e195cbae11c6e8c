/* The one libconfig reader: typed values, groups, lists and messages naming file, line and key (config*.c, calendar.c). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "config-read.h"
#include "utf8.h"
#include "xmalloc.h"

/*
 * Writes "file:line: key: message" into the reader's err, taking the file
 * and line from setting s (NULL, or no line known: the reader's file, no
 * line). Returns -1 for the caller to pass on.
 */
int
config_fail(const struct config_reader *r, const config_setting_t *s,
    const char *key, const char *fmt, ...)
{
	const char *file = s != NULL ? config_setting_source_file(s) : NULL;
	unsigned line = s != NULL ? config_setting_source_line(s) : 0;
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (file == NULL)
		file = r->file;
	if (line > 0)
		snprintf(r->err, r->errlen, "%s:%u: %s: %s", file, line, key,
		    msg);
	else
		snprintf(r->err, r->errlen, "%s: %s: %s", file, key, msg);
	return -1;
}

/* Formats a key path into key (CONFIG_KEY_MAX bytes), cut with "...". */
void
config_keyf(char *key, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(key, CONFIG_KEY_MAX, fmt, ap);
	va_end(ap);
	if (n >= CONFIG_KEY_MAX)
		memcpy(key + CONFIG_KEY_MAX - 4, "...", 4);
}

/* Writes prefix.name (or name alone at the root) into key. */
void
config_key(char *key, const char *prefix, const char *name)
{
	if (prefix[0] == '\0')
		config_keyf(key, "%s", name);
	else
		config_keyf(key, "%s.%s", prefix, name);
}

/* Looks up member name of g; NULL if absent (or g itself is absent). */
const config_setting_t *
config_member(const struct config_group *g, const char *name)
{
	if (g->s == NULL)
		return NULL;
	return config_setting_get_member(g->s, name);
}

/*
 * Finds member name of g into *out. Returns 0 (with *out NULL if it is
 * absent and not required), or -1 with the error set.
 */
int
config_find(const struct config_group *g, const char *name, int flags,
    const config_setting_t **out)
{
	char key[CONFIG_KEY_MAX];

	*out = config_member(g, name);
	if (*out != NULL || (flags & CONFIG_REQUIRED) == 0)
		return 0;
	config_key(key, g->key, name);
	return config_fail(g->r, g->s, key, "missing");
}

/* Fails unless every member of g (none when g is absent) is named in allowed (NULL-terminated). */
int
config_check_keys(const struct config_group *g, const char *const *allowed)
{
	const config_setting_t *m;
	char key[CONFIG_KEY_MAX];
	const char *const *a;
	unsigned i;

	if (g->s == NULL)
		return 0;
	for (i = 0; (m = config_setting_get_elem(g->s, i)) != NULL; i++) {
		for (a = allowed; *a != NULL; a++)
			if (strcmp(*a, config_setting_name(m)) == 0)
				break;
		if (*a != NULL)
			continue;
		config_key(key, g->key, config_setting_name(m));
		return config_fail(g->r, m, key, "unknown key");
	}
	return 0;
}

/* Makes *g the setting s named key; fails unless s is absent or a group. */
int
config_group_init(struct config_group *g, const struct config_reader *r,
    const config_setting_t *s, const char *key)
{
	g->r = r;
	g->s = s;
	config_keyf(g->key, "%s", key);
	if (s != NULL && !config_setting_is_group(s))
		return config_fail(r, s, g->key, "must be a group { ... }");
	return 0;
}

/* Makes *g the group member name of parent; fails if it is not a group. */
int
config_subgroup(const struct config_group *parent, const char *name,
    int flags, struct config_group *g)
{
	const config_setting_t *s;

	g->r = parent->r;
	config_key(g->key, parent->key, name);
	if (config_find(parent, name, flags, &s) == -1)
		return -1;
	g->s = s;
	if (s != NULL && !config_setting_is_group(s))
		return config_fail(g->r, s, g->key, "must be a group { ... }");
	return 0;
}

/* Makes *g element i of list name under parent; fails unless it is a group. */
int
config_element(const struct config_group *parent, const config_setting_t *list,
    const char *name, unsigned i, struct config_group *g)
{
	char key[CONFIG_KEY_MAX];

	g->r = parent->r;
	g->s = config_setting_get_elem(list, i);
	config_key(key, parent->key, name);
	config_keyf(g->key, "%s[%u]", key, i);
	if (!config_setting_is_group(g->s))
		return config_fail(g->r, g->s, g->key,
		    "must be a group { ... }");
	return 0;
}

/* Finds member name of g, a list of groups "( { ... }, ... )", into *out. */
int
config_list(const struct config_group *g, const char *name, int flags,
    const config_setting_t **out)
{
	char key[CONFIG_KEY_MAX];

	if (config_find(g, name, flags, out) == -1)
		return -1;
	if (*out == NULL)
		return 0;
	config_key(key, g->key, name);
	if (!config_setting_is_list(*out))
		return config_fail(g->r, *out, key, "must be a list ( ... )");
	if ((flags & CONFIG_NONEMPTY) && config_setting_length(*out) == 0)
		return config_fail(g->r, *out, key, "must not be empty");
	return 0;
}

/* Reads integer setting s (named key) into *out: min..max. */
int
config_int_value(const struct config_reader *r, const config_setting_t *s,
    const char *key, long long min, long long max, long long *out)
{
	int type = config_setting_type(s);

	if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64)
		return config_fail(r, s, key, "must be an integer");
	*out = config_setting_get_int64(s);
	if (*out < min || *out > max)
		return config_fail(r, s, key,
		    "must be between %lld and %lld", min, max);
	return 0;
}

/* Reads integer member name of g into *out: def if absent, else min..max. */
int
config_int(const struct config_group *g, const char *name, long long def,
    long long min, long long max, long long *out)
{
	const config_setting_t *s = config_member(g, name);
	char key[CONFIG_KEY_MAX];

	*out = def;
	if (s == NULL)
		return 0;
	config_key(key, g->key, name);
	return config_int_value(g->r, s, key, min, max, out);
}

/* Reads boolean member name of g (true/false) into *out: def if absent. */
int
config_flag(const struct config_group *g, const char *name, long long def,
    long long *out)
{
	const config_setting_t *s = config_member(g, name);
	char key[CONFIG_KEY_MAX];

	*out = def;
	if (s == NULL)
		return 0;
	config_key(key, g->key, name);
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return config_fail(g->r, s, key, "must be true or false");
	*out = config_setting_get_bool(s);
	return 0;
}

/* Reads number (float or integer) member name of g like config_int. */
int
config_float(const struct config_group *g, const char *name, double def,
    double min, double max, double *out)
{
	const config_setting_t *s = config_member(g, name);
	char key[CONFIG_KEY_MAX];
	int type;

	*out = def;
	if (s == NULL)
		return 0;
	config_key(key, g->key, name);
	type = config_setting_type(s);
	if (type == CONFIG_TYPE_FLOAT)
		*out = config_setting_get_float(s);
	else if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64)
		*out = (double)config_setting_get_int64(s);
	else
		return config_fail(g->r, s, key, "must be a number");
	if (!isfinite(*out) || *out < min || *out > max) {
		if (max == HUGE_VAL)
			return config_fail(g->r, s, key, "must be %g or more",
			    min);
		return config_fail(g->r, s, key, "must be between %g and %g",
		    min, max);
	}
	return 0;
}

/* Checks that string setting s is valid UTF-8 and, if asked, non-empty. */
int
config_check_string(const struct config_reader *r, const config_setting_t *s,
    const char *key, int flags, const char **out)
{
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return config_fail(r, s, key, "must be a string");
	*out = config_setting_get_string(s);
	if (!utf8_valid(*out, strlen(*out)))
		return config_fail(r, s, key, "not valid UTF-8");
	if ((flags & CONFIG_NONEMPTY) && (*out)[0] == '\0')
		return config_fail(r, s, key, "must not be empty");
	return 0;
}

/* Copies string member name of g into *out (NULL if absent, not required). */
int
config_string(const struct config_group *g, const char *name, int flags,
    char **out)
{
	const config_setting_t *s;
	char key[CONFIG_KEY_MAX];
	const char *v;

	*out = NULL;
	if (config_find(g, name, flags, &s) == -1)
		return -1;
	if (s == NULL)
		return 0;
	config_key(key, g->key, name);
	if (config_check_string(g->r, s, key, flags, &v) == -1)
		return -1;
	*out = xstrdup(v);
	return 0;
}

/*
 * Points *out at string member name of g (NULL if absent), borrowed from
 * the libconfig tree; fails unless it is a non-empty string. Its bytes are
 * not checked (paths, clock times: their readers check them).
 */
int
config_string_ref(const struct config_group *g, const char *name,
    const char **out)
{
	const config_setting_t *s = config_member(g, name);
	char key[CONFIG_KEY_MAX];

	*out = NULL;
	if (s == NULL)
		return 0;
	config_key(key, g->key, name);
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return config_fail(g->r, s, key, "must be a string");
	*out = config_setting_get_string(s);
	if ((*out)[0] == '\0')
		return config_fail(g->r, s, key, "must not be empty");
	return 0;
}

/*
 * Copies member name of g, an array or list of non-empty strings of at
 * most maxlen bytes each, into *out and *n (NULL and 0 if absent).
 */
int
config_strings(const struct config_group *g, const char *name, int flags,
    size_t maxlen, char ***out, size_t *n)
{
	const config_setting_t *s;
	char key[CONFIG_KEY_MAX], ekey[CONFIG_KEY_MAX];
	const char *v;
	unsigned i;

	*out = NULL;
	*n = 0;
	if (config_find(g, name, flags, &s) == -1)
		return -1;
	if (s == NULL)
		return 0;
	config_key(key, g->key, name);
	if (!config_setting_is_array(s) && !config_setting_is_list(s))
		return config_fail(g->r, s, key,
		    "must be a list of strings [ ... ]");
	if ((flags & CONFIG_NONEMPTY) && config_setting_length(s) == 0)
		return config_fail(g->r, s, key, "must not be empty");
	*n = (size_t)config_setting_length(s);
	*out = xcalloc(*n, sizeof **out);
	for (i = 0; i < *n; i++) {
		config_keyf(ekey, "%s[%u]", key, i);
		if (config_check_string(g->r, config_setting_get_elem(s, i),
		    ekey, CONFIG_NONEMPTY, &v) == -1)
			return -1;
		if (strlen(v) > maxlen)
			return config_fail(g->r, config_setting_get_elem(s, i),
			    ekey, "longer than %zu bytes", maxlen);
		(*out)[i] = xstrdup(v);
	}
	return 0;
}


/* Returns 1 if s is 1..max characters, all from allowed. */
int
config_id_ok(const char *s, size_t max, const char *allowed)
{
	size_t len = strlen(s);

	return len > 0 && len <= max && strspn(s, allowed) == len;
}

/*
 * Parses a TCP listener's "host:port": an IPv4 address or a bracketed IPv6
 * address, and a port 1..65535. The host is kept without brackets.
 */

/* Returns the directory part of path, or NULL if it has none. */
char *
config_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return NULL;
	if (slash == path)
		return xstrdup("/");
	return xasprintf("%.*s", (int)(slash - path), path);
}

/* Returns path taken from the directory of the file base, unless absolute. */
char *
config_relative(const char *base, const char *path)
{
	char *dir, *full;

	if (path[0] == '/' || (dir = config_dirname(base)) == NULL)
		return xstrdup(path);
	if (strcmp(dir, "/") == 0)
		full = xasprintf("/%s", path);
	else
		full = xasprintf("%s/%s", dir, path);
	free(dir);
	return full;
}
