/* Loads and checks hotlined.conf and the dispatch catalogue it names. */
#include <sys/socket.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "auth-worker.h"
#include "hotlined.h"
#include "normalize.h"
#include "simhash.h"

#define CONFIG_KEY_MAX 128
#define CONFIG_KEYWORD_MAX 256		/* bytes in one catalogue keyword */
#define CONFIG_PATTERN_MAX 1024		/* bytes in one catalogue pattern */
#define CONFIG_TRANSFER_CHARS "0123456789"
#define CONFIG_DEPARTMENT_ID_MAX 32
#define CONFIG_PRINCIPAL_ID_MAX 64
#define CONFIG_PLACE_MAX 100		/* characters of a district or street, as create's */
#define CONFIG_DEPARTMENT_ID_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_-"
#define CONFIG_PRINCIPAL_ID_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZ" \
	"abcdefghijklmnopqrstuvwxyz0123456789_.-"

/* Flags of the getters below. */
#define CONFIG_REQUIRED 0x1	/* missing is an error */
#define CONFIG_NONEMPTY 0x2	/* an empty string or list is an error */

/* Where error messages go while one file is read. */
struct config_reader {
	const char *file;
	char *err;
	size_t errlen;
};

/* A group setting being read, with its key path for messages. */
struct config_group {
	const struct config_reader *r;
	const config_setting_t *s;
	char key[CONFIG_KEY_MAX];	/* "principals[3]"; "" for the root */
};

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

/*
 * Writes "file:line: key: message" into the reader's err, taking the file
 * and line from setting s (the line is left out when libconfig has none).
 * Returns -1 for the caller to pass on.
 */
static int
config_fail(const struct config_reader *r, const config_setting_t *s,
    const char *key, const char *fmt, ...)
{
	const char *file = config_setting_source_file(s);
	unsigned line = config_setting_source_line(s);
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
static void __attribute__((format(printf, 2, 3)))
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
static void
config_key(char *key, const char *prefix, const char *name)
{
	if (prefix[0] == '\0')
		config_keyf(key, "%s", name);
	else
		config_keyf(key, "%s.%s", prefix, name);
}

/* Looks up member name of g; NULL if absent (or g itself is absent). */
static const config_setting_t *
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
static int
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

/* Fails unless every member of g is named in allowed (NULL-terminated). */
static int
config_check_keys(const struct config_group *g, const char *const *allowed)
{
	const config_setting_t *m;
	char key[CONFIG_KEY_MAX];
	const char *const *a;
	unsigned i;

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

/* Makes *g the group member name of parent; fails if it is not a group. */
static int
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
static int
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
static int
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

/* Reads integer member name of g into *out: def if absent, else min..max. */
static int
config_int(const struct config_group *g, const char *name, long long def,
    long long min, long long max, long long *out)
{
	const config_setting_t *s = config_member(g, name);
	char key[CONFIG_KEY_MAX];
	int type;

	*out = def;
	if (s == NULL)
		return 0;
	config_key(key, g->key, name);
	type = config_setting_type(s);
	if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64)
		return config_fail(g->r, s, key, "must be an integer");
	*out = config_setting_get_int64(s);
	if (*out < min || *out > max)
		return config_fail(g->r, s, key,
		    "must be between %lld and %lld", min, max);
	return 0;
}

/* Reads boolean member name of g (true/false) into *out: def if absent. */
static int
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
static int
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
static int
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
static int
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
 * Copies member name of g, an array or list of non-empty strings of at
 * most maxlen bytes each, into *out and *n (NULL and 0 if absent).
 */
static int
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
static int
config_id_ok(const char *s, size_t max, const char *allowed)
{
	size_t len = strlen(s);

	return len > 0 && len <= max && strspn(s, allowed) == len;
}

/*
 * Parses a TCP listener's "host:port": an IPv4 address or a bracketed IPv6
 * address, and a port 1..65535. The host is kept without brackets.
 */
static int
config_parse_address(const char *text, struct listen_spec *l)
{
	const char *colon = strrchr(text, ':'), *host = text;
	unsigned char addr[sizeof(struct in6_addr)];
	size_t hostlen;
	char *end;
	long port;
	int family = AF_INET;

	if (colon == NULL || colon == text)
		return -1;
	hostlen = (size_t)(colon - text);
	if (text[0] == '[') {
		if (hostlen < 3 || colon[-1] != ']')
			return -1;
		host++;
		hostlen -= 2;
		family = AF_INET6;
	}
	l->host = xmalloc(hostlen + 1);
	memcpy(l->host, host, hostlen);
	l->host[hostlen] = '\0';
	if (inet_pton(family, l->host, addr) != 1)
		return -1;
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (colon[1] < '0' || colon[1] > '9' || *end != '\0' || errno != 0 ||
	    port < 1 || port > 65535)
		return -1;
	l->port = (int)port;
	return 0;
}

/*
 * Reads a unix socket's mode: octal digits, as in chmod(1). libconfig 1.5
 * has no octal literals and reads 0660 as the decimal 660, so an integer's
 * decimal digits are taken as octal digits; a string "0660" works too.
 */
static int
config_mode(const struct config_group *g, int *mode)
{
	const config_setting_t *s = config_member(g, "mode");
	char key[CONFIG_KEY_MAX], digits[32], *end;
	long v;

	*mode = 0660;
	if (s == NULL)
		return 0;
	config_key(key, g->key, "mode");
	if (config_setting_type(s) == CONFIG_TYPE_STRING)
		snprintf(digits, sizeof digits, "%s",
		    config_setting_get_string(s));
	else if (config_setting_type(s) == CONFIG_TYPE_INT ||
	    config_setting_type(s) == CONFIG_TYPE_INT64)
		snprintf(digits, sizeof digits, "%lld",
		    (long long)config_setting_get_int64(s));
	else
		return config_fail(g->r, s, key,
		    "must be octal digits, e.g. 0660");
	errno = 0;
	v = strtol(digits, &end, 8);
	if (digits[0] < '0' || digits[0] > '7' || *end != '\0' || errno != 0 ||
	    v > 0777)
		return config_fail(g->r, s, key,
		    "must be octal digits 0000..0777, e.g. 0660");
	*mode = (int)v;
	return 0;
}

/* Reads a TCP listener's address, refusing a mode (only for unix sockets). */
static int
config_load_tcp(struct listen_spec *l, const struct config_group *g,
    const char *address)
{
	char key[CONFIG_KEY_MAX];

	if (config_member(g, "mode") != NULL) {
		config_key(key, g->key, "mode");
		return config_fail(g->r, config_member(g, "mode"), key,
		    "only for unix sockets");
	}
	config_key(key, g->key, "address");
	if (config_parse_address(address, l) == -1)
		return config_fail(g->r, config_member(g, "address"), key,
		    "\"%s\" is not \"IPv4:port\" or \"[IPv6]:port\"", address);
	return 0;
}

/* Checks a unix listener's path length and reads its mode. */
static int
config_load_unix(struct listen_spec *l, const struct config_group *g)
{
	struct sockaddr_un sun;
	char key[CONFIG_KEY_MAX];

	if (strlen(l->unix_path) >= sizeof sun.sun_path) {
		config_key(key, g->key, "unix");
		return config_fail(g->r, config_member(g, "unix"), key,
		    "longer than %zu bytes", sizeof sun.sun_path - 1);
	}
	return config_mode(g, &l->unix_mode);
}

static char *config_relative(const char *base, const char *path);

/* Copies file member name of g, relative to the config file's directory. */
static int
config_path(const struct config_group *g, const char *name, int flags,
    char **out)
{
	char *raw;

	if (config_string(g, name, flags | CONFIG_NONEMPTY, &raw) == -1)
		return -1;
	*out = raw != NULL ? config_relative(g->r->file, raw) : NULL;
	free(raw);
	return 0;
}

/* Reads a TCP listener's tls group: certificate, key, optional client CA. */
static int
config_load_tls(struct listen_spec *l, const struct config_group *parent)
{
	static const char *const keys[] = { "cert", "key", "client_ca",
	    "require_client_cert", NULL };
	struct config_group g;
	long long require;

	if (config_subgroup(parent, "tls", 0, &g) == -1)
		return -1;
	if (g.s == NULL)
		return 0;
	l->tls = xcalloc(1, sizeof *l->tls);
	if (config_check_keys(&g, keys) == -1 ||
	    config_path(&g, "cert", CONFIG_REQUIRED, &l->tls->cert) == -1 ||
	    config_path(&g, "key", CONFIG_REQUIRED, &l->tls->key) == -1 ||
	    config_path(&g, "client_ca", 0, &l->tls->client_ca) == -1 ||
	    config_flag(&g, "require_client_cert", 0, &require) == -1)
		return -1;
	l->tls->require_client_cert = (int)require;
	if (require && l->tls->client_ca == NULL)
		return config_fail(g.r, config_member(&g,
		    "require_client_cert"), g.key,
		    "require_client_cert needs client_ca");
	return 0;
}

/* Returns 1 if host (an address as inet_pton reads it) is a loopback address. */
static int
config_loopback(const char *host)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) != 1)
		return 0;
	if (IN6_IS_ADDR_V4MAPPED(&a6))
		return a6.s6_addr[12] == 127;
	return IN6_IS_ADDR_LOOPBACK(&a6);
}

/*
 * Reads TLS and plaintext_nonloopback of a TCP listener: plain TCP only on
 * a loopback address unless the file says plaintext_nonloopback = true.
 */
static int
config_load_security(struct listen_spec *l, const struct config_group *g)
{
	long long plain;
	char key[CONFIG_KEY_MAX];

	if (config_load_tls(l, g) == -1 ||
	    config_flag(g, "plaintext_nonloopback", 0, &plain) == -1)
		return -1;
	config_key(key, g->key, "plaintext_nonloopback");
	if (plain && l->tls != NULL)
		return config_fail(g->r, config_member(g,
		    "plaintext_nonloopback"), key, "not with tls");
	if (l->tls == NULL && !plain && !config_loopback(l->host))
		return config_fail(g->r, config_member(g, "address"), g->key,
		    "plain TCP on the non-loopback address %s: add tls = { "
		    "cert = \"...\"; key = \"...\"; } or, to send tokens "
		    "and tickets unencrypted on purpose, plaintext_nonloopback "
		    "= true", l->host);
	return 0;
}

/* Reads one listen group: address (with tls), or unix and mode. */
static int
config_load_listen(struct listen_spec *l, const struct config_group *g)
{
	static const char *const keys[] = { "address", "unix", "mode", "tls",
	    "plaintext_nonloopback", NULL };
	char key[CONFIG_KEY_MAX];
	char *address = NULL;
	int rc;

	if (config_check_keys(g, keys) == -1 ||
	    config_string(g, "address", CONFIG_NONEMPTY, &address) == -1 ||
	    config_string(g, "unix", CONFIG_NONEMPTY, &l->unix_path) == -1)
		rc = -1;
	else if ((address == NULL) == (l->unix_path == NULL))
		rc = config_fail(g->r, g->s, g->key,
		    "give either address or unix");
	else if (address != NULL)
		rc = config_load_tcp(l, g, address) == -1 ? -1 :
		    config_load_security(l, g);
	else if (config_member(g, "tls") != NULL ||
	    config_member(g, "plaintext_nonloopback") != NULL) {
		config_key(key, g->key, config_member(g, "tls") != NULL ?
		    "tls" : "plaintext_nonloopback");
		rc = config_fail(g->r, g->s, key, "only for TCP listeners");
	} else
		rc = config_load_unix(l, g);
	free(address);
	return rc;
}

/* Reads the listen list: at least one listener. */
static int
config_load_listens(struct config *conf, const struct config_group *root)
{
	const config_setting_t *list;
	struct config_group g;
	unsigned i;

	if (config_list(root, "listen", CONFIG_REQUIRED | CONFIG_NONEMPTY,
	    &list) == -1)
		return -1;
	conf->nlistens = (size_t)config_setting_length(list);
	conf->listens = xcalloc(conf->nlistens, sizeof *conf->listens);
	for (i = 0; i < conf->nlistens; i++)
		if (config_element(root, list, "listen", i, &g) == -1 ||
		    config_load_listen(&conf->listens[i], &g) == -1)
			return -1;
	return 0;
}

/*
 * Reads redis.sentinels ("IP:port" strings) and redis.master, the name the
 * sentinels know the master by; neither unix, host nor port may be given.
 */
static int
config_load_redis_sentinels(struct redis_spec *rs, const struct config_group *g)
{
	static const char *const direct[] = { "unix", "host", "port", NULL };
	char **list, key[CONFIG_KEY_MAX];
	struct listen_spec addr;
	size_t i, n;
	int rc = 0;

	for (i = 0; direct[i] != NULL; i++)
		if (config_member(g, direct[i]) != NULL) {
			config_key(key, g->key, direct[i]);
			return config_fail(g->r, config_member(g, direct[i]), key,
			    "give either sentinels (with master) or %s",
			    i == 0 ? "unix" : "host and port");
		}
	if (config_string(g, "master", CONFIG_REQUIRED | CONFIG_NONEMPTY,
	    &rs->master) == -1 ||
	    config_strings(g, "sentinels", CONFIG_NONEMPTY, 64, &list, &n) == -1)
		return -1;
	rs->sentinels = xcalloc(n, sizeof *rs->sentinels);
	for (i = 0; i < n; i++) {
		memset(&addr, 0, sizeof addr);
		if (rc == 0 && config_parse_address(list[i], &addr) == -1) {
			config_keyf(key, "%s.sentinels[%zu]", g->key, i);
			rc = config_fail(g->r, config_setting_get_elem(
			    config_member(g, "sentinels"), (unsigned)i), key,
			    "\"%s\" is not \"IPv4:port\" or \"[IPv6]:port\"",
			    list[i]);
		}
		rs->sentinels[rs->nsentinels].host = addr.host;
		rs->sentinels[rs->nsentinels++].port = addr.port;
		free(list[i]);
	}
	free(list);
	return rc;
}

/* Reads where Redis is: unix, host and port, or sentinels and master. */
static int
config_load_redis_address(struct redis_spec *rs, const struct config_group *g)
{
	const config_setting_t *port;
	long long v;
	int need_tcp;

	if (config_member(g, "sentinels") != NULL)
		return config_load_redis_sentinels(rs, g);
	if (config_member(g, "master") != NULL)
		return config_fail(g->r, config_member(g, "master"), "redis.master",
		    "only with redis.sentinels");
	if (config_string(g, "unix", CONFIG_NONEMPTY, &rs->unix_path) == -1)
		return -1;
	need_tcp = rs->unix_path == NULL ? CONFIG_REQUIRED : 0;
	if (config_string(g, "host", need_tcp | CONFIG_NONEMPTY,
	    &rs->host) == -1)
		return -1;
	if (config_find(g, "port", need_tcp, &port) == -1)
		return -1;
	if (config_int(g, "port", 0, 1, 65535, &v) == -1)
		return -1;
	rs->port = (int)v;
	return 0;
}

/* Reads the redis group. */
static int
config_load_redis(struct config *conf, const struct config_group *root)
{
	static const char *const keys[] = { "host", "port", "unix", "db",
	    "password", "timeout_ms", "feed_maxlen", "sentinels", "master",
	    "wait_replicas", "wait_timeout_ms", NULL };
	struct redis_spec *rs = &conf->redis;
	struct config_group g;
	long long db, timeout, maxlen, replicas, wait;

	if (config_subgroup(root, "redis", CONFIG_REQUIRED, &g) == -1 ||
	    config_check_keys(&g, keys) == -1 ||
	    config_load_redis_address(rs, &g) == -1 ||
	    config_int(&g, "db", 0, 0, INT_MAX, &db) == -1 ||
	    config_string(&g, "password", 0, &rs->password) == -1 ||
	    config_int(&g, "timeout_ms", 2000, 100, 60000, &timeout) == -1 ||
	    config_int(&g, "feed_maxlen", 10000, 100, 10000000, &maxlen) == -1 ||
	    config_int(&g, "wait_replicas", 0, 0, 64, &replicas) == -1 ||
	    config_int(&g, "wait_timeout_ms", timeout / 2, 1, 60000,
	    &wait) == -1)
		return -1;
	/* The watchdog must not drop the link while WAIT is still waiting. */
	if (replicas > 0 && wait >= timeout)
		return config_fail(g.r, config_member(&g, "wait_timeout_ms"),
		    "redis.wait_timeout_ms", "must be below redis.timeout_ms "
		    "(%lld)", timeout);
	rs->wait_replicas = (int)replicas;
	rs->wait_timeout_ms = (int)wait;
	if (rs->password != NULL && rs->password[0] == '\0') {
		free(rs->password);
		rs->password = NULL;
	}
	rs->db = (int)db;
	rs->timeout_ms = (int)timeout;
	rs->feed_maxlen = (int)maxlen;
	return 0;
}

/* Reads the optional limits group; every key has a default. */
static int
config_load_limits(struct config *conf, const struct config_group *root)
{
	static const char *const keys[] = { "max_frame", "max_field",
	    "max_connections", "output_limit", "requests_per_turn",
	    "drain_timeout_ms", "max_store_pending", "write_timeout_ms",
	    "hello_timeout_ms", "output_budget", "max_principal_pending",
	    NULL };
	struct limits *l = &conf->limits;
	struct config_group g;
	long long frame, field, conns, output, turn, drain, store, wto, hello;
	long long budget, principal;

	if (config_subgroup(root, "limits", 0, &g) == -1)
		return -1;
	if (g.s != NULL && config_check_keys(&g, keys) == -1)
		return -1;
	if (config_int(&g, "max_frame", 262144, 1024, 67108864, &frame) == -1 ||
	    config_int(&g, "max_field", 65536, 64, frame, &field) == -1 ||
	    config_int(&g, "max_connections", 10000, 1, 1000000,
	    &conns) == -1 ||
	    config_int(&g, "output_limit", 8388608, 65536, 1073741824,
	    &output) == -1 ||
	    config_int(&g, "requests_per_turn", 32, 1, 10000, &turn) == -1 ||
	    config_int(&g, "drain_timeout_ms", 5000, 0, 600000, &drain) == -1 ||
	    config_int(&g, "max_store_pending", 10000, 10, 10000000,
	    &store) == -1 ||
	    config_int(&g, "write_timeout_ms", 60000, 0, 86400000, &wto) == -1 ||
	    config_int(&g, "hello_timeout_ms", 10000, 100, 600000,
	    &hello) == -1 ||
	    config_int(&g, "output_budget", 268435456, output,
	    1099511627776LL, &budget) == -1 ||
	    config_int(&g, "max_principal_pending", 1000, 1, store,
	    &principal) == -1)
		return -1;
	l->max_principal_pending = (int)principal;
	l->output_budget = (size_t)budget;
	l->max_frame = (size_t)frame;
	l->max_field = (size_t)field;
	l->max_connections = (int)conns;
	l->output_limit = (size_t)output;
	l->requests_per_turn = (int)turn;
	l->drain_timeout_ms = (int)drain;
	l->max_store_pending = (int)store;
	l->write_timeout_ms = (int)wto;
	l->hello_timeout_ms = (int)hello;
	return 0;
}

/* Reads the optional auth group: the credential cache and the failed-hello limit. */
static int
config_load_auth(struct config *conf, const struct config_group *root)
{
	static const char *const keys[] = { "cache_entries", "cache_ttl_s",
	    "failures_burst", "failures_per_minute", "limit_addresses",
	    "workers", NULL };
	struct auth_spec *a = &conf->auth;
	struct config_group g;
	long long entries, ttl, burst, rate, addresses, workers;

	if (config_subgroup(root, "auth", 0, &g) == -1)
		return -1;
	if (g.s != NULL && config_check_keys(&g, keys) == -1)
		return -1;
	if (config_int(&g, "cache_entries", 4096, 0, 1048576, &entries) == -1 ||
	    config_int(&g, "cache_ttl_s", 3600, 1, 604800, &ttl) == -1 ||
	    config_int(&g, "failures_burst", 10, 1, 100000, &burst) == -1 ||
	    config_int(&g, "failures_per_minute", 6, 1, 6000000,
	    &rate) == -1 ||
	    config_int(&g, "limit_addresses", 4096, 16, 1048576,
	    &addresses) == -1 ||
	    config_int(&g, "workers", -1, -1, AUTH_WORKER_THREADS_MAX,
	    &workers) == -1)
		return -1;
	a->workers = (int)workers;
	a->cache_entries = (int)entries;
	a->cache_ttl_s = (int)ttl;
	a->failures_burst = (int)burst;
	a->failures_per_minute = (int)rate;
	a->limit_addresses = (int)addresses;
	return 0;
}

/* Returns the directory part of path, or NULL if it has none. */
static char *
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
static char *
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

/* Reads the optional tickets group: returns, callbacks, privacy. */
static int
config_load_tickets(struct config *conf, const struct config_group *root)
{
	static const char *const keys[] = { "callback_attempts", "mask_phones",
	    NULL };
	struct tickets_spec *t = &conf->tickets;
	struct config_group g;
	long long attempts, mask;

	if (config_subgroup(root, "tickets", 0, &g) == -1)
		return -1;
	if (g.s != NULL && config_check_keys(&g, keys) == -1)
		return -1;
	if (config_int(&g, "callback_attempts", 3, 1, 100, &attempts) == -1 ||
	    config_flag(&g, "mask_phones", 1, &mask) == -1)
		return -1;
	t->callback_attempts = (int)attempts;
	t->mask_phones = (int)mask;
	return 0;
}

/* Reads the optional repeats group (重复件); linking is on by default. */
static int
config_load_repeats(struct config *conf, const struct config_group *root)
{
	static const char *const keys[] = { "window_hours", "simhash_bits",
	    "candidates", "recent_max", NULL };
	struct repeats_spec *rp = &conf->repeats;
	struct config_group g;
	long long hours, bits, candidates, recent;

	if (config_subgroup(root, "repeats", 0, &g) == -1)
		return -1;
	if (g.s != NULL && config_check_keys(&g, keys) == -1)
		return -1;
	if (config_int(&g, "window_hours", 168, 0, 24 * 366, &hours) == -1 ||
	    config_int(&g, "simhash_bits", SIMHASH_NEAR, 0, 64, &bits) == -1 ||
	    config_int(&g, "candidates", 100, 1, 10000, &candidates) == -1 ||
	    config_int(&g, "recent_max", 1000, 1, 1000000, &recent) == -1)
		return -1;
	rp->window_ms = hours * 3600000LL;
	rp->simhash_bits = (int)bits;
	rp->candidates = (int)candidates;
	rp->recent_max = (int)recent;
	return 0;
}

/* Reads the optional hot_spots group (高频件); without it there are no alerts. */
static int
config_load_hot_spots(struct config *conf, const struct config_group *root)
{
	static const char *const keys[] = { "count", "window_minutes",
	    "simhash_bits", NULL };
	struct hot_spots_spec *hs = &conf->hot_spots;
	struct config_group g;
	long long count, minutes, bits;

	if (config_subgroup(root, "hot_spots", 0, &g) == -1)
		return -1;
	if (g.s == NULL)
		return 0;
	if (config_check_keys(&g, keys) == -1 ||
	    config_int(&g, "count", 5, 0, 1000, &count) == -1 ||
	    config_int(&g, "window_minutes", 60, 1, 7 * 24 * 60,
	    &minutes) == -1 ||
	    config_int(&g, "simhash_bits", SIMHASH_NEAR + 4, 0, 64,
	    &bits) == -1)
		return -1;
	if (count == 1)
		return config_fail(g.r, config_member(&g, "count"),
		    "hot_spots.count", "must be 0 (off) or at least 2");
	hs->count = (int)count;
	hs->window_ms = minutes * 60000LL;
	hs->simhash_bits = (int)bits;
	return 0;
}

/*
 * Reads the optional assessment group (考核): the score's weights per
 * indicator, in points, and the tickets a department needs to be ranked.
 */
static int
config_load_assessment(struct config *conf, const struct config_group *root)
{
	static const char *const keys[] = { "weights", "min_tickets", NULL };
	struct assessment_spec *as = &conf->assessment;
	struct config_group g, w;
	double sum = 0;
	long long min;
	size_t i;

	stats_default_assessment(as);
	if (config_subgroup(root, "assessment", 0, &g) == -1)
		return -1;
	if (g.s == NULL)
		return 0;
	if (config_check_keys(&g, keys) == -1 ||
	    config_int(&g, "min_tickets", as->min_tickets, 0, 1000000,
	    &min) == -1 || config_subgroup(&g, "weights", 0, &w) == -1)
		return -1;
	as->min_tickets = (int)min;
	if (w.s == NULL)
		return 0;
	if (config_check_keys(&w, stats_indicator_names) == -1)
		return -1;
	for (i = 0; i < STATS_NINDICATORS; i++) {
		if (config_float(&w, stats_indicator_names[i], 0, 0, 1000,
		    &as->weights[i]) == -1)
			return -1;
		sum += as->weights[i];
	}
	if (sum <= 0)
		return config_fail(g.r, w.s, "assessment.weights",
		    "at least one weight must be above 0");
	return 0;
}

/* Reads the optional http group: a loopback TCP address and an allow-list. */
static int
config_load_http(struct config *conf, const struct config_group *root)
{
	static const char *const keys[] = { "address", "allow", "tls",
	    "max_connections", "header_timeout_ms", NULL };
	static const char *const loopback[] = { "127.0.0.1", "::1" };
	struct http_spec *h = &conf->http;
	struct config_group g;
	char *address = NULL, key[CONFIG_KEY_MAX];
	long long maxconn, header_ms;
	size_t i;

	if (config_subgroup(root, "http", 0, &g) == -1)
		return -1;
	if (g.s == NULL)
		return 0;
	if (config_check_keys(&g, keys) == -1 ||
	    config_string(&g, "address", CONFIG_REQUIRED | CONFIG_NONEMPTY,
	    &address) == -1 ||
	    config_strings(&g, "allow", 0, 64, &h->allow, &h->nallow) == -1 ||
	    config_int(&g, "max_connections", 256, 1, 1000000, &maxconn) == -1 ||
	    config_int(&g, "header_timeout_ms", 10000, 100, 600000,
	    &header_ms) == -1) {
		free(address);
		return -1;
	}
	h->max_connections = (int)maxconn;
	h->header_timeout_ms = (int)header_ms;
	config_key(key, g.key, "address");
	if (config_parse_address(address, &h->listen) == -1) {
		config_fail(g.r, config_member(&g, "address"), key,
		    "\"%s\" is not \"IPv4:port\" or \"[IPv6]:port\"", address);
		free(address);
		return -1;
	}
	free(address);
	if (config_load_tls(&h->listen, &g) == -1)	/* http-tls.c */
		return -1;
	if (config_member(&g, "allow") == NULL) {
		h->allow = xcalloc(2, sizeof *h->allow);
		for (i = 0; i < 2; i++)
			h->allow[h->nallow++] = xstrdup(loopback[i]);
	}
	h->enabled = 1;
	return 0;
}

/* Reads the optional testing group (test installations only). */
static int
config_load_testing(struct config *conf, const struct config_group *root)
{
	static const char *const keys[] = { "clock_control", NULL };
	struct config_group g;
	long long clock;

	if (config_subgroup(root, "testing", 0, &g) == -1)
		return -1;
	if (g.s != NULL && config_check_keys(&g, keys) == -1)
		return -1;
	if (config_flag(&g, "clock_control", 0, &clock) == -1)
		return -1;
	conf->testing.clock_control = (int)clock;
	return 0;
}

/* Reads the optional archive group (PostgreSQL); without it nothing is archived. */
static int
config_load_archive(struct config *conf, const struct config_group *root)
{
	static const char *const keys[] = { "conninfo", "keep_days", "batch",
	    "claim_idle_ms", "timeout_ms", "outbox_max", NULL };
	struct archive_spec *a = &conf->archive;
	struct config_group g;
	long long keep, batch, claim, timeout, max;

	if (config_subgroup(root, "archive", 0, &g) == -1)
		return -1;
	if (g.s == NULL)
		return 0;
	if (config_check_keys(&g, keys) == -1 ||
	    config_string(&g, "conninfo", CONFIG_REQUIRED | CONFIG_NONEMPTY,
	    &a->conninfo) == -1 ||
	    config_int(&g, "keep_days", 30, 1, 36500, &keep) == -1 ||
	    config_int(&g, "batch", 500, 1, 10000, &batch) == -1 ||
	    config_int(&g, "claim_idle_ms", 30000, 100, 86400000, &claim) == -1 ||
	    config_int(&g, "timeout_ms", 10000, 100, 600000, &timeout) == -1 ||
	    config_int(&g, "outbox_max", 1000000, 100, 100000000, &max) == -1)
		return -1;
	a->enabled = 1;
	a->keep_days = (int)keep;
	a->batch = (int)batch;
	a->claim_idle_ms = (int)claim;
	a->timeout_ms = (int)timeout;
	a->outbox_max = (int)max;
	return 0;
}

/*
 * Reads the calendar (with its year files) and the time-limit policies
 * (限时办结); both groups are optional. Needs the departments loaded.
 */
static int
config_load_time(struct config *conf, const struct config_group *root)
{
	const config_setting_t *cal = NULL, *pol = NULL;

	if (config_find(root, "calendar", 0, &cal) == -1 ||
	    config_find(root, "policies", 0, &pol) == -1)
		return -1;
	conf->calendar = calendar_load(cal, conf->path, root->r->err,
	    root->r->errlen);
	if (conf->calendar == NULL)
		return -1;
	conf->policies = policy_load(pol, conf->path, conf->departments,
	    conf->ndepartments, root->r->err, root->r->errlen);
	return conf->policies == NULL ? -1 : 0;
}

/* Reads the routing group's keys of the learned model. */
static int
config_load_model(struct config *conf, struct routing_spec *rs,
    const struct config_group *g)
{
	char *seeds = NULL;
	long long model;

	if (config_float(g, "auto_dispatch_precision", 0.97, 0.5, 1,
	    &rs->auto_dispatch_precision) == -1 ||
	    config_flag(g, "model", 1, &model) == -1 ||
	    config_string(g, "seeds", CONFIG_NONEMPTY, &seeds) == -1)
		return -1;
	rs->model = (int)model;
	if (seeds != NULL)
		rs->seeds = config_relative(conf->path, seeds);
	free(seeds);
	return 0;
}

/* Reads the routing group; *catalogue gets the catalogue file's path. */
static int
config_load_routing(struct config *conf, const struct config_group *root,
    char **catalogue)
{
	static const char *const keys[] = { "dispatch_threshold", "prior",
	    "catalogue", "auto_dispatch_precision", "seeds", "model", NULL };
	struct routing_spec *rs = &conf->routing;
	struct config_group g;
	char *file;

	if (config_subgroup(root, "routing", CONFIG_REQUIRED, &g) == -1 ||
	    config_check_keys(&g, keys) == -1 ||
	    config_float(&g, "dispatch_threshold", 0.6, 0, 1,
	    &rs->dispatch_threshold) == -1 ||
	    config_float(&g, "prior", 1.0, 0, HUGE_VAL, &rs->prior) == -1 ||
	    config_load_model(conf, rs, &g) == -1 ||
	    config_string(&g, "catalogue", CONFIG_REQUIRED | CONFIG_NONEMPTY,
	    &file) == -1)
		return -1;
	*catalogue = config_relative(conf->path, file);
	free(file);
	return 0;
}

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
static int
config_load_departments(struct config *conf, const struct config_group *root)
{
	const config_setting_t *list;
	struct config_group g;
	unsigned i;

	if (config_list(root, "departments", CONFIG_REQUIRED | CONFIG_NONEMPTY,
	    &list) == -1)
		return -1;
	conf->ndepartments = (size_t)config_setting_length(list);
	conf->departments = xcalloc(conf->ndepartments,
	    sizeof *conf->departments);
	for (i = 0; i < conf->ndepartments; i++)
		if (config_element(root, list, "departments", i, &g) == -1 ||
		    config_load_department(conf, i, &g) == -1)
			return -1;
	return 0;
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
static int
config_load_districts(struct config *conf, const struct config_group *root)
{
	const config_setting_t *list;
	struct config_group g;
	unsigned i;

	if (config_list(root, "districts", CONFIG_NONEMPTY, &list) == -1)
		return -1;
	if (list == NULL)
		return 0;
	conf->ndistricts = (size_t)config_setting_length(list);
	conf->districts = xcalloc(conf->ndistricts, sizeof *conf->districts);
	for (i = 0; i < conf->ndistricts; i++)
		if (config_element(root, list, "districts", i, &g) == -1 ||
		    config_load_district(conf, i, &g) == -1)
			return -1;
	return 0;
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
static int
config_load_principals(struct config *conf, const struct config_group *root)
{
	const config_setting_t *list;
	struct config_group g;
	unsigned i;

	if (config_list(root, "principals", CONFIG_REQUIRED, &list) == -1)
		return -1;
	conf->nprincipals = (size_t)config_setting_length(list);
	conf->principals = xcalloc(conf->nprincipals, sizeof *conf->principals);
	for (i = 0; i < conf->nprincipals; i++)
		if (config_element(root, list, "principals", i, &g) == -1 ||
		    config_load_principal(conf, i, &g) == -1)
			return -1;
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
static int
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

/* Reads the catalogue file's optional emergencies list. */
static int
config_load_emergencies(struct config *conf, const struct config_group *root)
{
	const config_setting_t *list;
	struct config_group g;
	unsigned i;

	if (config_list(root, "emergencies", 0, &list) == -1)
		return -1;
	if (list == NULL)
		return 0;
	conf->nemergencies = (size_t)config_setting_length(list);
	conf->emergencies = xcalloc(conf->nemergencies,
	    sizeof *conf->emergencies);
	for (i = 0; i < conf->nemergencies; i++)
		if (config_element(root, list, "emergencies", i, &g) == -1 ||
		    config_load_emergency(conf, i, &g) == -1)
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

/* Reads the catalogue file's optional categories list and checks the tree. */
static int
config_load_categories(struct config *conf, const struct config_group *root)
{
	const config_setting_t *list;
	struct config_group g;
	const char *bad, *why;
	unsigned i;

	if (config_list(root, "categories", 0, &list) == -1)
		return -1;
	if (list == NULL)
		return 0;
	conf->ncategories = (size_t)config_setting_length(list);
	conf->categories = xcalloc(conf->ncategories,
	    sizeof *conf->categories);
	for (i = 0; i < conf->ncategories; i++)
		if (config_element(root, list, "categories", i, &g) == -1 ||
		    config_load_category(conf, i, &g) == -1)
			return -1;
	if (category_check(conf->categories, conf->ncategories, &bad,
	    &why) == -1)
		return config_fail(root->r, list, "categories",
		    "code \"%s\": %s", bad, why);
	return 0;
}

/* Reads the catalogue file: categories, its entries list (it may be empty) and emergencies. */
static int
config_load_entries(struct config *conf, const struct config_group *root)
{
	static const char *const keys[] = { "categories", "entries",
	    "emergencies", NULL };
	const config_setting_t *list;
	struct config_group g;
	unsigned i;

	if (config_check_keys(root, keys) == -1 ||
	    config_load_categories(conf, root) == -1 ||
	    config_list(root, "entries", CONFIG_REQUIRED, &list) == -1)
		return -1;
	conf->nentries = (size_t)config_setting_length(list);
	conf->entries = xcalloc(conf->nentries, sizeof *conf->entries);
	for (i = 0; i < conf->nentries; i++)
		if (config_element(root, list, "entries", i, &g) == -1 ||
		    config_load_entry(conf, i, &g) == -1)
			return -1;
	return config_load_emergencies(conf, root);
}

/* Reads the main file's top level; *catalogue gets the catalogue's path. */
static int
config_load_main(struct config *conf, const struct config_group *root,
    char **catalogue)
{
	static const char *const keys[] = { "listen", "redis", "limits",
	    "routing", "tickets", "calendar", "policies", "testing", "http",
	    "departments", "principals", "repeats", "hot_spots", "assessment",
	    "auth", "districts", "archive", NULL };

	if (config_check_keys(root, keys) == -1 ||
	    config_load_listens(conf, root) == -1 ||
	    config_load_redis(conf, root) == -1 ||
	    config_load_limits(conf, root) == -1 ||
	    config_load_auth(conf, root) == -1 ||
	    config_load_routing(conf, root, catalogue) == -1 ||
	    config_load_tickets(conf, root) == -1 ||
	    config_load_testing(conf, root) == -1 ||
	    config_load_archive(conf, root) == -1 ||
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
	if (rc == 0 && (conf->catalogue = catalogue_build(conf->entries,
	    conf->nentries, conf->emergencies, conf->nemergencies,
	    conf->departments, conf->ndepartments, why,
	    sizeof why)) == NULL) {
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
		*why = "is required with a street (街道)";
		return -1;
	}
	if ((d = config_district(conf, district)) == NULL) {
		*field = "district";
		*why = "is not a district (区县) of this city";
		return -1;
	}
	if (street[0] != '\0' && !config_street_in(d, street)) {
		*field = "street";
		*why = "is not a street or town (街道/乡镇) of the district";
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
