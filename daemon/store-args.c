/* Building script arguments and reading script errors: the parts of the store that need no Redis connection, so test doubles link them. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hotlined.h"

#define REFUSAL_LOG_SECONDS 10

#define ARGS_FIRST_CAP 32	/* most scripts take fewer; create about 90 */

/* Makes room for one more argument: the arrays double when full. */
static void
store_args_grow(struct store_args *a)
{
	int cap;

	if (a->n < a->cap)
		return;
	cap = a->cap == 0 ? ARGS_FIRST_CAP : a->cap * 2;
	a->v = xrealloc(a->v, (size_t)cap * sizeof *a->v);
	a->len = xrealloc(a->len, (size_t)cap * sizeof *a->len);
	a->owned = xrealloc(a->owned, (size_t)cap * sizeof *a->owned);
	a->cap = cap;
}

/* Appends a borrowed string (it must live until store_script returns). */
void
store_args_add(struct store_args *a, const char *s)
{
	store_args_grow(a);
	a->v[a->n] = s;
	a->len[a->n] = strlen(s);
	a->owned[a->n] = NULL;
	a->n++;
}

/* Appends the string fmt formats, owned by a until store_args_free. */
static void
store_args_vaddf(struct store_args *a, const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		fatalx("out of memory formatting a script argument");
	store_args_add(a, s);
	a->owned[a->n - 1] = s;
}

/* Appends a formatted string, owned by a until store_args_free. */
void
store_args_addf(struct store_args *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	store_args_vaddf(a, fmt, ap);
	va_end(ap);
}

/* Adds one named parameter (name, then value; NULL is ""), both borrowed. */
void
store_args_param(struct store_args *a, const char *name, const char *value)
{
	store_args_add(a, name);
	store_args_add(a, value != NULL ? value : "");
}

/* Adds one named parameter whose value is formatted (owned by a). */
void
store_args_paramf(struct store_args *a, const char *name, const char *fmt,
    ...)
{
	va_list ap;

	store_args_add(a, name);
	va_start(ap, fmt);
	store_args_vaddf(a, fmt, ap);
	va_end(ap);
}

/* Frees what store_args_addf allocated and the arrays; a is empty again. */
void
store_args_free(struct store_args *a)
{
	int i;

	for (i = 0; i < a->n; i++)
		free(a->owned[i]);
	free(a->v);
	free(a->len);
	free(a->owned);
	memset(a, 0, sizeof *a);
}

/*
 * Builds "EVALSHA sha nkeys args..." into e (argv and lens for hiredis, which
 * copies them when the command is queued); store_eval_free releases it.
 */
void
store_eval_build(struct store_eval *e, const char *sha, int nkeys,
    const struct store_args *a)
{
	int i;

	snprintf(e->nkeys, sizeof e->nkeys, "%d", nkeys);
	e->argc = a->n + 3;
	e->argv = xcalloc((size_t)e->argc, sizeof *e->argv);
	e->lens = xcalloc((size_t)e->argc, sizeof *e->lens);
	e->argv[0] = "EVALSHA";
	e->argv[1] = sha;
	e->argv[2] = e->nkeys;
	for (i = 0; i < 3; i++)
		e->lens[i] = strlen(e->argv[i]);
	for (i = 0; i < a->n; i++) {
		e->argv[i + 3] = a->v[i];
		e->lens[i + 3] = a->len[i];
	}
}

/* Frees what store_eval_build allocated. */
void
store_eval_free(struct store_eval *e)
{
	free(e->argv);
	free(e->lens);
	e->argv = NULL;
	e->lens = NULL;
}

/*
 * Says in words why Redis refused a command whose error reply r maps to
 * "unavailable" (OOM, MISCONF, ...), for the client's message and the log.
 */
const char *
store_refusal_reason(const redisReply *r)
{
	static const struct {
		const char *code, *reason;
	} reasons[] = {
		{ .code = "OOM",
		    .reason = "Redis is out of memory (maxmemory) and refuses writes" },
		{ .code = "MISCONF",
		    .reason = "Redis cannot save to disk and refuses writes" },
		{ .code = "READONLY",
		    .reason = "Redis is a read-only replica" },
		{ .code = "LOADING",
		    .reason = "Redis is loading its data" },
		{ .code = "BUSY",
		    .reason = "Redis is busy running a script" },
		{ .code = "MASTERDOWN",
		    .reason = "Redis lost its master" },
		{ .code = "NOREPLICAS",
		    .reason = "Redis has too few replicas and refuses writes" },
		{ .code = "NOSCRIPT",
		    .reason = "Redis lost the scripts; they are being loaded" },
		{ .code = "TRYAGAIN",
		    .reason = "Redis asks to try again" },
		{ .code = "CLUSTERDOWN",
		    .reason = "the Redis cluster is down" },
	};
	size_t i;

	for (i = 0; r != NULL && i < sizeof reasons / sizeof reasons[0]; i++)
		if (strncmp(r->str, reasons[i].code,
		    strlen(reasons[i].code)) == 0)
			return reasons[i].reason;
	return "Redis refused the command";
}

/*
 * Logs that Redis refused a command (reply r), at most once every
 * REFUSAL_LOG_SECONDS with the number of refusals since, so an outage of
 * writes is seen by the operator without flooding the log.
 */
void
store_log_refusal(const redisReply *r)
{
	static time_t last;
	static unsigned long quiet;
	time_t now = time(NULL);
	char esc[256];

	if (last != 0 && now - last < REFUSAL_LOG_SECONDS) {
		quiet++;
		return;
	}
	log_warnx("redis refused a request: %s (%lu more since the last such "
	    "line): %s", store_refusal_reason(r), quiet,
	    log_escape(r->str, esc, sizeof esc));
	last = now;
	quiet = 0;
}

/*
 * Maps an error reply to a protocol error. Scripts say "NOTFOUND ...",
 * "FORBIDDEN ..." or "CONFLICT <state>"; Redis's own refusals (OOM, MISCONF,
 * READONLY, LOADING, BUSY, ...) and strict mode's NOTREPLICATED (store-wait.c)
 * mean "unavailable"; anything else is a bug.
 */
Hotline__ErrorCode
store_error_code(const redisReply *r, Hotline__TicketState *state)
{
	static const char *unavailable[] = { "OOM", "MISCONF", "READONLY",
	    "LOADING", "BUSY", "MASTERDOWN", "NOREPLICAS", "NOSCRIPT",
	    "TRYAGAIN", "CLUSTERDOWN", "NOTREPLICATED", NULL };
	char esc[256];
	int i;

	if (r == NULL)
		return HOTLINE__ERROR_CODE__ERROR_CODE_UNAVAILABLE;
	if (strncmp(r->str, "NOTFOUND", 8) == 0)
		return HOTLINE__ERROR_CODE__ERROR_CODE_NOT_FOUND;
	if (strncmp(r->str, "FORBIDDEN", 9) == 0)
		return HOTLINE__ERROR_CODE__ERROR_CODE_FORBIDDEN;
	if (strncmp(r->str, "CONFLICT ", 9) == 0) {
		*state = (Hotline__TicketState)atoi(r->str + 9);
		return HOTLINE__ERROR_CODE__ERROR_CODE_CONFLICT;
	}
	for (i = 0; unavailable[i] != NULL; i++)
		if (strncmp(r->str, unavailable[i], strlen(unavailable[i])) == 0)
			return HOTLINE__ERROR_CODE__ERROR_CODE_UNAVAILABLE;
	log_warnx("redis: unexpected error: %s",
	    log_escape(r->str, esc, sizeof esc));
	return HOTLINE__ERROR_CODE__ERROR_CODE_INTERNAL;
}
