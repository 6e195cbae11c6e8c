/* hotlined.conf's listeners, Redis, limits and the other groups of plain values. */
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

#include "config-read.h"
#include "simhash.h"
#include "xmalloc.h"

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

/* Reads listen[i]. */
static int
config_load_listen_at(struct config *conf, size_t i,
    const struct config_group *g)
{
	return config_load_listen(&conf->listens[i], g);
}

/* Reads the listen list: at least one listener. */
int
config_load_listens(struct config *conf, const struct config_group *root)
{
	static const struct config_list listens = {
		.name = "listen", .flags = CONFIG_REQUIRED | CONFIG_NONEMPTY,
		CONFIG_LIST(listens, nlistens), .read = config_load_listen_at,
	};

	return config_read_list(conf, root, &listens);
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
int
config_load_redis(struct config *conf, const struct config_group *root)
{
	static const char *const address[] = { "host", "port", "unix",
	    "sentinels", "master", NULL };
	struct redis_spec *rs = &conf->redis;
	struct config_group g;

	if (config_subgroup(root, "redis", CONFIG_REQUIRED, &g) == -1 ||
	    config_check_group(&g, "redis", address) == -1 ||
	    config_load_redis_address(rs, &g) == -1 ||
	    config_read_keys(conf, &g, "redis") == -1)
		return -1;
	/* The watchdog must not drop the link while WAIT is still waiting. */
	if (rs->wait_replicas > 0 && rs->wait_timeout_ms >= rs->timeout_ms)
		return config_fail(g.r, config_member(&g, "wait_timeout_ms"),
		    "redis.wait_timeout_ms", "must be below redis.timeout_ms "
		    "(%d)", rs->timeout_ms);
	if (rs->password != NULL && rs->password[0] == '\0') {
		free(rs->password);
		rs->password = NULL;
	}
	return 0;
}

/* Reads the optional limits group; every key has a default. */
int
config_load_limits(struct config *conf, const struct config_group *root)
{
	return config_read_group(conf, root, "limits");
}

/* Reads the optional auth group: the credential cache and the failed-hello limit. */
int
config_load_auth(struct config *conf, const struct config_group *root)
{
	return config_read_group(conf, root, "auth");
}


/* Reads the optional tickets group: returns, callbacks, privacy. */
int
config_load_tickets(struct config *conf, const struct config_group *root)
{
	return config_read_group(conf, root, "tickets");
}

/* Reads the optional repeats group (重复件); linking is on by default. */
int
config_load_repeats(struct config *conf, const struct config_group *root)
{
	return config_read_group(conf, root, "repeats");
}

/* Reads the optional hot_spots group (高频件); without it there are no alerts. */
int
config_load_hot_spots(struct config *conf, const struct config_group *root)
{
	struct config_group g;

	if (config_subgroup(root, "hot_spots", 0, &g) == -1)
		return -1;
	if (g.s == NULL)
		return 0;
	if (config_check_group(&g, "hot_spots", NULL) == -1 ||
	    config_read_keys(conf, &g, "hot_spots") == -1)
		return -1;
	if (conf->hot_spots.count == 1)
		return config_fail(g.r, config_member(&g, "count"),
		    "hot_spots.count", "must be 0 (off) or at least 2");
	return 0;
}

/*
 * Reads the optional assessment group (考核): the score's weights per
 * indicator, in points, and the tickets a department needs to be ranked.
 */
int
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
int
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
int
config_load_testing(struct config *conf, const struct config_group *root)
{
	return config_read_group(conf, root, "testing");
}

/* Reads the optional kb group (the knowledge base; it needs the archive). */
int
config_load_kb(struct config *conf, const struct config_group *root)
{
	return config_read_group(conf, root, "kb");
}

/* Reads the optional archive group (PostgreSQL); without it nothing is archived. */
int
config_load_archive(struct config *conf, const struct config_group *root)
{
	struct config_group g;

	if (config_subgroup(root, "archive", 0, &g) == -1)
		return -1;
	if (g.s == NULL)
		return 0;
	if (config_check_group(&g, "archive", NULL) == -1 ||
	    config_read_keys(conf, &g, "archive") == -1)
		return -1;
	conf->archive.enabled = 1;
	return 0;
}

/*
 * Reads the calendar (with its year files) and the time-limit policies
 * (限时办结); both groups are optional. Needs the departments loaded.
 */
int
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
