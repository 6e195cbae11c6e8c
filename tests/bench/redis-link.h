/* Plain (blocking) hiredis links for the benchmark programs: connect, run a command, die on errors. */
#ifndef BENCH_REDIS_LINK_H
#define BENCH_REDIS_LINK_H

#include <hiredis/hiredis.h>

/* Connects to Redis at "host:port"; dies on failure. */
redisContext *bench_redis_open(const char *address);
/* Dies unless r is a reply other than an error; what names the command. */
void bench_redis_check(redisContext *rc, redisReply *r, const char *what);
/* Runs one command and returns its reply (the caller frees it); dies on an error. */
redisReply *bench_redis_command(redisContext *rc, const char *fmt, ...);

#endif
