/* hotlined.conf's departments, districts and principals (who may connect, in which role). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "auth.h"
#include "config-read.h"
#include "utf8.h"
#include "xmalloc.h"

static const struct {
	const char *name;
	role_t role;
} config_roles[] = {
	{ "agent", HOTLINE__ROLE__ROLE_AGENT },
	{ "dispatcher", HOTLINE__ROLE__ROLE_DISPATCHER },
	{ "department", HOTLINE__ROLE__ROLE_DEPARTMENT },
	{ "supervisor", HOTLINE__ROLE__ROLE_SUPERVISOR },
	{ "admin", HOTLINE__ROLE__ROLE_ADMIN },
};

/* Reads departments[i]: a unique id and a name. */
static int
config_load_department(struct config *conf, size_t i,
    const struct config_group *g)
{
	static const char *const keys[] = { "id", "name", NULL };
	struct department *d = &conf->departments[i];
	char key[CONFIG_KEY_MAX];
	size_t j;

	if (config_check_keys(g, keys) == -1 ||
	    config_string(g, "id", CONFIG_REQUIRED, &d->id) == -1 ||
	    config_string(g, "name", CONFIG_REQUIRED | CONFIG_NONEMPTY,
	    &d->name) == -1)
		return -1;
	config_key(key, g->key, "id");
	if (!config_id_ok(d->id, CONFIG_DEPARTMENT_ID_MAX,
	    CONFIG_DEPARTMENT_ID_CHARS))
		return config_fail(g->r, config_member(g, "id"), key,
		    "\"%s\" is not 1..%d characters of a-z 0-9 _ -", d->id,
		    CONFIG_DEPARTMENT_ID_MAX);
	for (j = 0; j < i; j++)
		if (strcmp(conf->departments[j].id, d->id) == 0)
			return config_fail(g->r, config_member(g, "id"), key,
			    "duplicate department \"%s\"", d->id);
	return 0;
}

/* Reads the departments list: at least one. */
int
config_load_departments(struct config *conf, const struct config_group *root)
{
	static const struct config_list departments = {
		.name = "departments", .flags = CONFIG_REQUIRED | CONFIG_NONEMPTY,
		CONFIG_LIST(departments, ndepartments),
		.read = config_load_department,
	};

	return config_read_list(conf, root, &departments);
}

/* Fails naming key unless name (a district's or street's) is 1..100 characters. */
static int
config_place_name(const struct config_group *g, const config_setting_t *s,
    const char *key, const char *name)
{
	if (utf8_length(name) > CONFIG_PLACE_MAX)
		return config_fail(g->r, s, key, "\"%s\" is longer than %d "
		    "characters", name, CONFIG_PLACE_MAX);
	return 0;
}

/* Reads districts[i]: a unique name, its government's department, its streets. */
static int
config_load_district(struct config *conf, size_t i,
    const struct config_group *g)
{
	static const char *const keys[] = { "name", "government", "streets",
	    NULL };
	struct district *d = &conf->districts[i];
	char key[CONFIG_KEY_MAX], skey[CONFIG_KEY_MAX];
	size_t j, k;

	if (config_check_keys(g, keys) == -1 ||
	    config_string(g, "name", CONFIG_REQUIRED | CONFIG_NONEMPTY,
	    &d->name) == -1 ||
	    config_string(g, "government", CONFIG_REQUIRED | CONFIG_NONEMPTY,
	    &d->government) == -1 ||
	    config_strings(g, "streets", CONFIG_REQUIRED | CONFIG_NONEMPTY,
	    SIZE_MAX, &d->streets, &d->nstreets) == -1)
		return -1;
	config_key(key, g->key, "name");
	if (config_place_name(g, config_member(g, "name"), key, d->name) == -1)
		return -1;
	for (j = 0; j < i; j++)
		if (strcmp(conf->districts[j].name, d->name) == 0)
			return config_fail(g->r, config_member(g, "name"), key,
			    "duplicate district \"%s\"", d->name);
	config_key(key, g->key, "government");
	if (config_department(conf, d->government) == NULL)
		return config_fail(g->r, config_member(g, "government"), key,
		    "unknown department \"%s\"", d->government);
	config_key(key, g->key, "streets");
	for (k = 0; k < d->nstreets; k++) {
		config_keyf(skey, "%s[%zu]", key, k);
		if (config_place_name(g, config_member(g, "streets"), skey,
		    d->streets[k]) == -1)
			return -1;
		for (j = 0; j < k; j++)
			if (strcmp(d->streets[j], d->streets[k]) == 0)
				return config_fail(g->r, config_member(g,
				    "streets"), skey, "duplicate street "
				    "\"%s\" in %s", d->streets[k], d->name);
	}
	return 0;
}

/* Reads the optional districts list (区县 and their 街道/乡镇); if present, not empty. */
int
config_load_districts(struct config *conf, const struct config_group *root)
{
	static const struct config_list districts = {
		.name = "districts", .flags = CONFIG_NONEMPTY,
		CONFIG_LIST(districts, ndistricts),
		.read = config_load_district,
	};

	return config_read_list(conf, root, &districts);
}

/* Reads a principal's role by name. */
static int
config_role(const struct config_group *g, role_t *role)
{
	char key[CONFIG_KEY_MAX], *name;
	size_t i;

	if (config_string(g, "role", CONFIG_REQUIRED, &name) == -1)
		return -1;
	for (i = 0; i < sizeof config_roles / sizeof config_roles[0]; i++)
		if (strcmp(config_roles[i].name, name) == 0) {
			*role = config_roles[i].role;
			free(name);
			return 0;
		}
	config_key(key, g->key, "role");
	config_fail(g->r, config_member(g, "role"), key, "unknown role \"%s\" "
	    "(agent, dispatcher, department, supervisor or admin)", name);
	free(name);
	return -1;
}

/* Reads a principal's department: required for role department only. */
static int
config_principal_department(const struct config *conf, struct principal *p,
    const struct config_group *g)
{
	const config_setting_t *s;
	char key[CONFIG_KEY_MAX];

	config_key(key, g->key, "department");
	if (config_string(g, "department", 0, &p->department) == -1)
		return -1;
	s = config_member(g, "department");
	if (p->role != HOTLINE__ROLE__ROLE_DEPARTMENT) {
		if (p->department != NULL)
			return config_fail(g->r, s, key,
			    "only principals of role department have one");
		return 0;
	}
	if (p->department == NULL)
		return config_fail(g->r, g->s, key,
		    "missing (required for role department)");
	if (config_department(conf, p->department) == NULL)
		return config_fail(g->r, s, key, "unknown department \"%s\"",
		    p->department);
	return 0;
}

/* Reads a principal's unique id. */
static int
config_principal_id(const struct config *conf, size_t i,
    const struct config_group *g)
{
	const char *id;
	char key[CONFIG_KEY_MAX];
	size_t j;

	if (config_string(g, "id", CONFIG_REQUIRED,
	    &conf->principals[i].id) == -1)
		return -1;
	id = conf->principals[i].id;
	config_key(key, g->key, "id");
	if (!config_id_ok(id, CONFIG_PRINCIPAL_ID_MAX,
	    CONFIG_PRINCIPAL_ID_CHARS))
		return config_fail(g->r, config_member(g, "id"), key,
		    "\"%s\" is not 1..%d characters of A-Z a-z 0-9 _ . -", id,
		    CONFIG_PRINCIPAL_ID_MAX);
	for (j = 0; j < i; j++)
		if (strcmp(conf->principals[j].id, id) == 0)
			return config_fail(g->r, config_member(g, "id"), key,
			    "duplicate principal \"%s\"", id);
	return 0;
}

/* Parses 64 hex digits (pairs may be split by ':') into out; returns 0 or -1. */
static int
config_hex32(const char *s, unsigned char out[32])
{
	size_t n = 0;
	unsigned v;

	while (*s != '\0' && n < 32) {
		if (n > 0 && *s == ':')
			s++;
		if (sscanf(s, "%2x", &v) != 1 || strspn(s, "0123456789abcdef"
		    "ABCDEF") < 2)
			return -1;
		out[n++] = (unsigned char)v;
		s += 2;
	}
	return n == 32 && *s == '\0' ? 0 : -1;
}

/*
 * Reads a principal's certificate mapping (cert_cn, cert_sha256), unique
 * among the principals before it.
 */
static int
config_principal_cert(const struct config *conf, size_t i,
    const struct config_group *g)
{
	struct principal *p = &conf->principals[i];
	char key[CONFIG_KEY_MAX], *hex;
	size_t j;

	if (config_string(g, "cert_cn", CONFIG_NONEMPTY, &p->cert_cn) == -1 ||
	    config_string(g, "cert_sha256", CONFIG_NONEMPTY, &hex) == -1)
		return -1;
	config_key(key, g->key, "cert_sha256");
	if (hex != NULL && config_hex32(hex, p->cert_sha256) == -1) {
		free(hex);
		return config_fail(g->r, config_member(g, "cert_sha256"), key,
		    "not 64 hex digits (openssl x509 -noout -fingerprint "
		    "-sha256 prints them)");
	}
	p->has_cert_sha256 = hex != NULL;
	free(hex);
	for (j = 0; j < i; j++) {
		const struct principal *q = &conf->principals[j];

		if (p->cert_cn != NULL && q->cert_cn != NULL &&
		    strcmp(p->cert_cn, q->cert_cn) == 0) {
			config_key(key, g->key, "cert_cn");
			return config_fail(g->r, config_member(g, "cert_cn"),
			    key, "\"%s\" already maps to principal \"%s\"",
			    p->cert_cn, q->id);
		}
		if (p->has_cert_sha256 && q->has_cert_sha256 &&
		    memcmp(p->cert_sha256, q->cert_sha256, 32) == 0)
			return config_fail(g->r, config_member(g,
			    "cert_sha256"), key, "already maps to principal "
			    "\"%s\"", q->id);
	}
	return 0;
}

/*
 * Reads principals[i]: id, role, department, and how it authenticates: a
 * hashed credential, a client certificate (cert_cn or cert_sha256), or both.
 */
static int
config_load_principal(struct config *conf, size_t i,
    const struct config_group *g)
{
	static const char *const keys[] = { "id", "role", "department",
	    "credential", "cert_cn", "cert_sha256", NULL };
	struct principal *p = &conf->principals[i];
	char key[CONFIG_KEY_MAX];

	if (config_check_keys(g, keys) == -1 ||
	    config_principal_id(conf, i, g) == -1 ||
	    config_role(g, &p->role) == -1 ||
	    config_principal_department(conf, p, g) == -1 ||
	    config_principal_cert(conf, i, g) == -1 ||
	    config_string(g, "credential", p->cert_cn == NULL &&
	    !p->has_cert_sha256 ? CONFIG_REQUIRED : 0, &p->credential) == -1)
		return -1;
	config_key(key, g->key, "credential");
	if (p->credential != NULL && !auth_hash_valid(p->credential))
		return config_fail(g->r, config_member(g, "credential"), key,
		    "not an argon2id hash (make one with hotlinectl "
		    "passwd)");
	return 0;
}

/* Reads the principals list (it may be empty). */
int
config_load_principals(struct config *conf, const struct config_group *root)
{
	static const struct config_list principals = {
		.name = "principals", .flags = CONFIG_REQUIRED,
		CONFIG_LIST(principals, nprincipals),
		.read = config_load_principal,
	};

	return config_read_list(conf, root, &principals);
}

/* Names a role as in the config file: "agent", "department", ... */
const char *
config_role_name(role_t role)
{
	size_t i;

	for (i = 0; i < sizeof config_roles / sizeof config_roles[0]; i++)
		if (config_roles[i].role == role)
			return config_roles[i].name;
	return "unspecified";
}
