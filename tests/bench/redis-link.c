/* Plain (blocking) hiredis links for the benchmark programs: connect, run a command, die on errors. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "redis-link.h"

/* Connects to Redis at "host:port"; dies on failure. */
redisContext *
bench_redis_open(const char *address)
{
	const char *colon = strrchr(address, ':');
	char host[256];
	redisContext *rc;

	if (colon == NULL || (size_t)(colon - address) >= sizeof host)
		bench_die("bad Redis address %s", address);
	memcpy(host, address, (size_t)(colon - address));
	host[colon - address] = '\0';
	rc = redisConnect(host, atoi(colon + 1));
	if (rc == NULL || rc->err)
		bench_die("redis %s: %s", address, rc ? rc->errstr : "no memory");
	return rc;
}

/* Dies unless r is a reply other than an error. */
void
bench_redis_check(redisContext *rc, redisReply *r, const char *what)
{
	if (r == NULL)
		bench_die("%s: %s", what, rc->errstr);
	if (r->type == REDIS_REPLY_ERROR)
		bench_die("%s: %s", what, r->str);
}

/* Runs one command and returns its reply; dies on an error. */
redisReply *
bench_redis_command(redisContext *rc, const char *fmt, ...)
{
	redisReply *r;
	va_list ap;

	va_start(ap, fmt);
	r = redisvCommand(rc, fmt, ap);
	va_end(ap);
	bench_redis_check(rc, r, fmt);
	return r;
}
