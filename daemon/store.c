/* Redis access: the command and subscriber connections, reconnects (through Sentinel when configured), embedded scripts and timeouts. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include <event2/event.h>
#include <hiredis/adapters/libevent.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include "hotlined.h"
#include "store-scripts.h"

#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000
#define BACKOFF_MAX_SENTINEL_MS 1000	/* asking sentinels is cheap; failovers are quick */
#define SENTINEL_WATCH_MS 500		/* how often the sentinels are asked again */
#define WATCHDOG_MS 100

/* The scripts the daemon runs, by the name of their file in daemon/scripts/. */
#define STORE_SCRIPT_NAME(id, file, writes) [SCRIPT_##id] = #file,
static const char *script_names[SCRIPT_COUNT] = {
	STORE_SCRIPTS(STORE_SCRIPT_NAME)
};
#undef STORE_SCRIPT_NAME

/* Returns the file name of script, without ".lua". */
const char *
store_script_name(enum script_id script)
{
	return (unsigned)script < SCRIPT_COUNT ? script_names[script] : "?";
}

enum link_state { LINK_DOWN, LINK_RESOLVING, LINK_CONNECTING, LINK_SETUP,
    LINK_READY };

/* One command sent and not yet answered; answered strictly in order. */
struct store_call {
	store_cb cb;			/* NULL once given up (store_give_up) */
	void *priv;
	int64_t sent_ms;
	int64_t sent_us;		/* metrics: the round trip */
	TAILQ_ENTRY(store_call) entry;
};

/* One Redis connection with its reconnect timer. */
struct link {
	const char *name;		/* "commands" or "events", for logs */
	redisAsyncContext *ac;		/* NULL while down */
	enum link_state state;
	int64_t state_since_ms;
	int backoff_ms;
	int failures;			/* consecutive, for quieter logs */
	struct event *retry;
	void (*start)(void);		/* runs once connected */
	struct sentinel_query *query;	/* set while LINK_RESOLVING */
	char host[64];			/* with sentinels: the master we use */
	int port;
};

static struct {
	struct event_base *base;
	struct redis_spec spec;		/* copied at init: changes need a restart */
	struct link cmd;		/* scripts and commands */
	struct link sub;		/* SUBSCRIBE ht:wake */
	char sha[SCRIPT_COUNT][41];
	const char *source[SCRIPT_COUNT];
	int loads_pending;
	struct sentinel_watch *watch;	/* with sentinels */
	TAILQ_HEAD(, store_call) inflight;	/* on cmd, oldest first */
	int ninflight;			/* length of inflight */
	int64_t answered_ms;		/* cmd's last answer (or its start) */
	struct event *watchdog;
	void (*on_wake)(const char *department);
	void (*on_resync)(void);
	int stopping;
} st;

static void link_connect(struct link *);
static void sentinel_found(const char *, int, void *);

/* Moves a link to state s and remembers when. */
static void
link_set_state(struct link *l, enum link_state s)
{
	l->state = s;
	l->state_since_ms = now_mono_ms();
}

/* Describes where Redis is, for logs. */
static const char *
store_where(void)
{
	static char where[300];

	if (st.spec.nsentinels > 0)
		snprintf(where, sizeof where, "master %s at %s:%d",
		    st.spec.master, st.cmd.host, st.cmd.port);
	else if (st.spec.unix_path != NULL)
		snprintf(where, sizeof where, "unix:%s", st.spec.unix_path);
	else
		snprintf(where, sizeof where, "%s:%d", st.spec.host,
		    st.spec.port);
	return where;
}

/* Schedules the next connection attempt of l with exponential backoff. */
static void
link_schedule(struct link *l)
{
	struct timeval tv;

	if (st.stopping)
		return;
	tv.tv_sec = l->backoff_ms / 1000;
	tv.tv_usec = (l->backoff_ms % 1000) * 1000;
	evtimer_add(l->retry, &tv);
	l->backoff_ms *= 2;
	if (l->backoff_ms > BACKOFF_MAX_MS)
		l->backoff_ms = BACKOFF_MAX_MS;
	if (st.spec.nsentinels > 0 && l->backoff_ms > BACKOFF_MAX_SENTINEL_MS)
		l->backoff_ms = BACKOFF_MAX_SENTINEL_MS;
}

/* Logs a failure of l, loudly the first time and then every 10th. */
static void
link_failed(struct link *l, const char *why)
{
	if (l->failures++ % 10 == 0)
		log_warnx("redis %s: %s: %s (retrying, attempt %d)", l->name,
		    store_where(), why, l->failures);
}

/* Drops l's connection at once: pending callbacks run with a NULL reply. */
static void
link_drop(struct link *l, const char *why)
{
	redisAsyncContext *ac = l->ac;

	if (ac == NULL)
		return;
	l->ac = NULL;
	link_set_state(l, LINK_DOWN);
	log_warnx("redis %s: %s: %s", l->name, store_where(), why);
	redisAsyncFree(ac);
	link_schedule(l);
}

/* Finds the link an async context belongs to, or NULL if it was dropped. */
static struct link *
link_of(const redisAsyncContext *ac)
{
	if (ac != NULL && ac == st.cmd.ac)
		return &st.cmd;
	if (ac != NULL && ac == st.sub.ac)
		return &st.sub;
	return NULL;
}

/* hiredis: the connection attempt finished. On failure hiredis frees ac itself. */
static void
link_connected(const redisAsyncContext *ac, int status)
{
	struct link *l = link_of(ac);

	if (l == NULL)
		return;
	if (status != REDIS_OK) {
		link_failed(l, ac->errstr);
		l->ac = NULL;
		link_set_state(l, LINK_DOWN);
		link_schedule(l);
		return;
	}
	link_set_state(l, LINK_SETUP);
	l->start();
}

/* hiredis: a connection was lost (or freed by us, then l is NULL). */
static void
link_disconnected(const redisAsyncContext *ac, int status)
{
	struct link *l = link_of(ac);

	if (l == NULL)
		return;
	l->ac = NULL;
	link_set_state(l, LINK_DOWN);
	if (!st.stopping)
		log_warnx("redis %s: connection to %s lost%s%s", l->name,
		    store_where(), status == REDIS_OK ? "" : ": ",
		    status == REDIS_OK ? "" : ac->errstr);
	link_schedule(l);
}

/* Starts a non-blocking connection of l (to l->host with sentinels). */
static void
link_connect_to(struct link *l)
{
	redisAsyncContext *ac;

	if (st.spec.nsentinels > 0)
		ac = redisAsyncConnect(l->host, l->port);
	else if (st.spec.unix_path != NULL)
		ac = redisAsyncConnectUnix(st.spec.unix_path);
	else
		ac = redisAsyncConnect(st.spec.host, st.spec.port);
	if (ac == NULL) {
		link_failed(l, "out of memory");
		link_schedule(l);
		return;
	}
	if (ac->err) {
		link_failed(l, ac->errstr);
		redisAsyncFree(ac);
		link_schedule(l);
		return;
	}
	l->ac = ac;
	link_set_state(l, LINK_CONNECTING);
	redisLibeventAttach(ac, st.base);
	redisAsyncSetConnectCallback(ac, link_connected);
	redisAsyncSetDisconnectCallback(ac, link_disconnected);
}

/* Connects l: directly, or first asking the sentinels where the master is. */
static void
link_connect(struct link *l)
{
	if (st.spec.nsentinels == 0) {
		link_connect_to(l);
		return;
	}
	link_set_state(l, LINK_RESOLVING);
	l->query = sentinel_resolve(st.base, &st.spec, sentinel_found, l);
}

/* store-sentinel: the sentinels said where the master is (host NULL: none knew). */
static void
sentinel_found(const char *host, int port, void *priv)
{
	struct link *l = priv;

	l->query = NULL;
	if (host == NULL) {
		link_set_state(l, LINK_DOWN);
		link_failed(l, "no sentinel knows the master");
		link_schedule(l);
		return;
	}
	snprintf(l->host, sizeof l->host, "%s", host);
	l->port = port;
	link_connect_to(l);
}

/* Drops l if it is (being) set up on another address than host:port. */
static void
link_follow(struct link *l, const char *host, int port)
{
	char why[128];

	if (l->ac == NULL || l->state == LINK_CONNECTING ||
	    (l->port == port && strcmp(l->host, host) == 0))
		return;
	snprintf(why, sizeof why, "the sentinels moved the master to %s:%d",
	    host, port);
	link_drop(l, why);
}

/* store-sentinel: the periodic answer to "where is the master?". */
static void
sentinel_checked(const char *host, int port, void *priv)
{
	(void)priv;
	if (host == NULL)
		return;
	link_follow(&st.cmd, host, port);
	link_follow(&st.sub, host, port);
}

/* Timer: try to connect l again. */
static void
link_retry(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	link_connect(arg);
}

/* hiredis: a command on cmd was answered (reply NULL: connection gone). */
static void
store_answered(redisAsyncContext *ac, void *reply, void *privdata)
{
	struct store_call *call = privdata;
	redisReply *r = reply;

	TAILQ_REMOVE(&st.inflight, call, entry);
	st.ninflight--;
	if (r != NULL)
		st.answered_ms = now_mono_ms();
	if (call->cb == NULL) {		/* its caller was answered already */
		free(call);
		return;
	}
	metrics_redis_answered(call->sent_us, r != NULL);
	if (r != NULL && r->type == REDIS_REPLY_ERROR &&
	    strncmp(r->str, "NOSCRIPT", 8) == 0 && st.cmd.state == LINK_READY) {
		log_warnx("redis: scripts were flushed; loading them again");
		link_set_state(&st.cmd, LINK_SETUP);
		st.cmd.start();
	}
	call->cb(r, call->priv);
	free(call);
	/* A demoted master: ask the sentinels again (pending calls get NULL). */
	if (r != NULL && r->type == REDIS_REPLY_ERROR && st.spec.nsentinels > 0 &&
	    strncmp(r->str, "READONLY", 8) == 0 && link_of(ac) == &st.cmd)
		link_drop(&st.cmd, "it became a replica (READONLY)");
}

/* Sends a command on cmd whatever its state; returns -1 if it could not. */
static int
store_send(int argc, const char **argv, const size_t *lens, store_cb cb,
    void *priv)
{
	struct store_call *call;

	if (st.cmd.ac == NULL)
		return -1;
	call = xmalloc(sizeof *call);
	call->cb = cb;
	call->priv = priv;
	call->sent_ms = now_mono_ms();
	call->sent_us = metrics_now_us();
	TAILQ_INSERT_TAIL(&st.inflight, call, entry);
	st.ninflight++;
	if (redisAsyncCommandArgv(st.cmd.ac, store_answered, call, argc, argv,
	    lens) != REDIS_OK) {
		TAILQ_REMOVE(&st.inflight, call, entry);
		st.ninflight--;
		free(call);
		return -1;
	}
	return 0;
}

/* Answer to one step of the connection set-up (AUTH, SELECT, SCRIPT LOAD). */
static void
setup_answered(redisReply *r, void *priv)
{
	intptr_t script = (intptr_t)priv;

	if (st.cmd.ac == NULL || st.cmd.state != LINK_SETUP)
		return;
	if (r == NULL || r->type == REDIS_REPLY_ERROR) {
		link_drop(&st.cmd, r == NULL ? "no answer during set-up" :
		    r->str);
		return;
	}
	if (script >= 0 && r->type == REDIS_REPLY_STRING && r->len == 40)
		memcpy(st.sha[script], r->str, 41);
	if (script >= 0 && --st.loads_pending == 0) {
		link_set_state(&st.cmd, LINK_READY);
		if (st.cmd.failures > 0)
			log_info("redis commands: %s reachable again",
			    store_where());
		else
			log_info("redis commands: connected to %s",
			    store_where());
		st.cmd.failures = 0;
		st.cmd.backoff_ms = BACKOFF_MIN_MS;
		/* Reads that failed while we were down can run now. */
		if (st.on_resync != NULL)
			st.on_resync();
	}
}

/*
 * Checks a ROLE answer on link l: with sentinels, the address they gave
 * must really be the master (a sentinel may lag behind a failover).
 */
static int
role_is_master(struct link *l, const redisReply *r)
{
	char why[96];

	if (r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
	    r->element[0]->type == REDIS_REPLY_STRING &&
	    strcmp(r->element[0]->str, "master") == 0)
		return 1;
	snprintf(why, sizeof why, "not the master (ROLE says %s)",
	    r == NULL ? "nothing" : r->type == REDIS_REPLY_ERROR ? r->str :
	    r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
	    r->element[0]->type == REDIS_REPLY_STRING ? r->element[0]->str :
	    "something else");
	link_drop(l, why);
	return 0;
}

/* Answer to ROLE on the command link during set-up. */
static void
cmd_role_answered(redisReply *r, void *priv)
{
	(void)priv;
	if (st.cmd.ac == NULL || st.cmd.state != LINK_SETUP)
		return;
	if (!role_is_master(&st.cmd, r))
		return;
	/* The events link must listen on this master too. */
	if (st.sub.ac != NULL && (st.sub.port != st.cmd.port ||
	    strcmp(st.sub.host, st.cmd.host) != 0))
		link_drop(&st.sub, "the master moved");
}

/* hiredis: answer to ROLE on the subscriber link. */
static void
sub_role_answered(redisAsyncContext *ac, void *reply, void *privdata)
{
	(void)privdata;
	if (link_of(ac) == &st.sub)
		role_is_master(&st.sub, reply);
}

/* Sends AUTH if a password is configured. */
static void
send_auth(struct link *l, redisCallbackFn *fn, void *priv)
{
	const char *argv[2] = { "AUTH", st.spec.password };

	if (st.spec.password == NULL || st.spec.password[0] == '\0')
		return;
	if (l == &st.cmd)
		store_send(2, argv, NULL, setup_answered, priv);
	else
		redisAsyncCommandArgv(l->ac, fn, priv, 2, argv, NULL);
}

/* Set-up of the command link: AUTH, SELECT, then load every script. */
static void
cmd_start(void)
{
	char db[16];
	const char *select[2] = { "SELECT", db };
	intptr_t i;

	send_auth(&st.cmd, NULL, (void *)(intptr_t)-1);
	if (st.spec.nsentinels > 0) {
		const char *role[1] = { "ROLE" };

		store_send(1, role, NULL, cmd_role_answered, NULL);
	}
	if (st.spec.db != 0) {
		snprintf(db, sizeof db, "%d", st.spec.db);
		store_send(2, select, NULL, setup_answered, (void *)(intptr_t)-1);
	}
	st.loads_pending = SCRIPT_COUNT;
	for (i = 0; i < SCRIPT_COUNT; i++) {
		const char *argv[3] = { "SCRIPT", "LOAD", st.source[i] };

		store_send(3, argv, NULL, setup_answered, (void *)i);
	}
}

/* hiredis: a frame on the subscriber link (subscribe confirmation or message). */
static void
sub_message(redisAsyncContext *ac, void *reply, void *privdata)
{
	redisReply *r = reply;

	(void)privdata;
	if (r == NULL || link_of(ac) != &st.sub)
		return;
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 3 ||
	    r->element[0]->type != REDIS_REPLY_STRING)
		return;
	if (strcmp(r->element[0]->str, "subscribe") == 0) {
		link_set_state(&st.sub, LINK_READY);
		st.sub.failures = 0;
		st.sub.backoff_ms = BACKOFF_MIN_MS;
		log_info("redis events: subscribed on %s", store_where());
		/* Anything published while we were away is still in the feeds. */
		if (st.on_resync != NULL)
			st.on_resync();
	} else if (strcmp(r->element[0]->str, "message") == 0 &&
	    r->element[2]->type == REDIS_REPLY_STRING && st.on_wake != NULL)
		st.on_wake(r->element[2]->str);
}

/* hiredis: answer to AUTH on the subscriber link. */
static void
sub_auth_answered(redisAsyncContext *ac, void *reply, void *privdata)
{
	redisReply *r = reply;

	(void)privdata;
	if (r != NULL && r->type == REDIS_REPLY_ERROR && link_of(ac) == &st.sub)
		link_drop(&st.sub, r->str);
}

/* Set-up of the subscriber link: AUTH, then SUBSCRIBE to the wake channel. */
static void
sub_start(void)
{
	const char *argv[2] = { "SUBSCRIBE", STORE_WAKE_CHANNEL };

	send_auth(&st.sub, sub_auth_answered, NULL);
	if (st.spec.nsentinels > 0) {
		const char *role[1] = { "ROLE" };

		redisAsyncCommandArgv(st.sub.ac, sub_role_answered, NULL, 1,
		    role, NULL);
	}
	redisAsyncCommandArgv(st.sub.ac, sub_message, NULL, 2, argv, NULL);
}

/*
 * Gives up the calls that have waited longer than the timeout: each one's
 * callback runs now with a NULL reply (its request is answered
 * "unavailable"), and its answer, when Redis sends it, is dropped. The
 * command still runs in Redis (it cannot be taken back), so it still
 * counts in store_pending.
 */
static void
store_give_up(int64_t now)
{
	redisAsyncContext *ac = st.cmd.ac;
	struct store_call *call;
	store_cb cb;

	TAILQ_FOREACH(call, &st.inflight, entry) {
		if (now - call->sent_ms <= st.spec.timeout_ms)
			break;		/* oldest first: the rest are younger */
		if ((cb = call->cb) == NULL)
			continue;
		call->cb = NULL;
		metrics_redis_answered(call->sent_us, 0);
		cb(NULL, call->priv);
		/* A set-up step drops the link: every call was freed. */
		if (st.cmd.ac != ac)
			break;
	}
}

/*
 * Timer: a call that waits longer than the timeout is answered alone
 * (store_give_up), so a slow command or a queue behind a flood of reads
 * does not cost everyone the link; a command link that stays silent
 * longer than the timeout while calls wait (Redis paused, a dead peer) is
 * dropped, so every waiting request is answered "unavailable" and a fresh
 * connection is tried.
 */
static void
watchdog(evutil_socket_t fd, short what, void *arg)
{
	struct store_call *oldest = TAILQ_FIRST(&st.inflight);
	int64_t now = now_mono_ms(), quiet_since;
	char why[96];
	int i;

	(void)fd;
	(void)what;
	(void)arg;
	quiet_since = oldest == NULL ? now : oldest->sent_ms > st.answered_ms ?
	    oldest->sent_ms : st.answered_ms;
	if (oldest != NULL && now - quiet_since > st.spec.timeout_ms) {
		snprintf(why, sizeof why, "no answer within %d ms",
		    st.spec.timeout_ms);
		link_drop(&st.cmd, why);
	} else
		store_give_up(now);
	for (i = 0; i < 2; i++) {
		struct link *l = i == 0 ? &st.cmd : &st.sub;

		if ((l->state == LINK_CONNECTING || (l->state == LINK_SETUP &&
		    l == &st.sub)) && now - l->state_since_ms >
		    st.spec.timeout_ms)
			link_drop(l, "connection attempt timed out");
	}
}

/* Finds the embedded source of every script; fatal if one is missing. */
static void
store_find_scripts(void)
{
	const struct embedded_script *e;
	int i;

	for (i = 0; i < SCRIPT_COUNT; i++) {
		for (e = embedded_scripts; e->name != NULL; e++)
			if (strcmp(e->name, script_names[i]) == 0)
				st.source[i] = e->source;
		if (st.source[i] == NULL)
			fatalx("script %s.lua is not embedded", script_names[i]);
	}
}

/* Sets up one link (not yet connected). */
static void
link_init(struct link *l, const char *name, void (*start)(void))
{
	l->name = name;
	l->start = start;
	l->backoff_ms = BACKOFF_MIN_MS;
	l->retry = evtimer_new(st.base, link_retry, l);
	link_set_state(l, LINK_DOWN);
}

/* Copies spec's sentinel list and master name into st.spec (they outlive reloads). */
static void
store_copy_sentinels(const struct redis_spec *spec)
{
	size_t i;

	st.spec.master = spec->master ? xstrdup(spec->master) : NULL;
	if (spec->nsentinels == 0) {
		st.spec.sentinels = NULL;
		return;
	}
	st.spec.sentinels = xcalloc(spec->nsentinels, sizeof *st.spec.sentinels);
	for (i = 0; i < spec->nsentinels; i++) {
		st.spec.sentinels[i].host = xstrdup(spec->sentinels[i].host);
		st.spec.sentinels[i].port = spec->sentinels[i].port;
	}
}

/* Frees what store_copy_sentinels copied. */
static void
store_free_sentinels(void)
{
	size_t i;

	for (i = 0; i < st.spec.nsentinels; i++)
		free(st.spec.sentinels[i].host);
	free(st.spec.sentinels);
	free(st.spec.master);
}

/*
 * Starts connecting to Redis as spec says; returns at once. on_wake runs for
 * every department named on the wake channel; on_resync whenever the
 * subscription is (re)established, since wake-ups may have been missed.
 */
void
store_init(struct event_base *base, const struct redis_spec *spec,
    void (*on_wake)(const char *), void (*on_resync)(void))
{
	struct timeval tv = { 0, WATCHDOG_MS * 1000 };

	st.base = base;
	st.spec = *spec;
	st.spec.unix_path = spec->unix_path ? xstrdup(spec->unix_path) : NULL;
	st.spec.host = spec->host ? xstrdup(spec->host) : NULL;
	st.spec.password = spec->password ? xstrdup(spec->password) : NULL;
	store_copy_sentinels(spec);
	st.on_wake = on_wake;
	st.on_resync = on_resync;
	TAILQ_INIT(&st.inflight);
	store_find_scripts();
	link_init(&st.cmd, "commands", cmd_start);
	link_init(&st.sub, "events", sub_start);
	st.watchdog = event_new(base, -1, EV_PERSIST, watchdog, NULL);
	evtimer_add(st.watchdog, &tv);
	link_connect(&st.cmd);
	link_connect(&st.sub);
	if (st.spec.nsentinels > 0)
		st.watch = sentinel_watch_start(base, &st.spec,
		    SENTINEL_WATCH_MS, sentinel_checked, NULL);
}

/* Returns 1 when scripts can run (connected, set up, scripts loaded). */
int
store_ready(void)
{
	return st.cmd.state == LINK_READY;
}

/* Returns the number of commands waiting for Redis. */
int
store_pending(void)
{
	return st.ninflight;
}

/* Closes both links; pending callbacks run with a NULL reply. */
void
store_shutdown(void)
{
	st.stopping = 1;
	link_drop(&st.cmd, "shutting down");
	link_drop(&st.sub, "shutting down");
	sentinel_watch_stop(st.watch);
	sentinel_cancel(st.cmd.query);
	sentinel_cancel(st.sub.query);
	event_free(st.cmd.retry);
	event_free(st.sub.retry);
	event_free(st.watchdog);
	store_free_sentinels();
	free(st.spec.unix_path);
	free(st.spec.host);
	free(st.spec.password);
}

/*
 * Runs script with args (its first nkeys are keys). Returns 0 and later calls
 * cb exactly once (reply NULL if Redis became unreachable or too slow), or
 * returns -1 at once, without calling cb, when Redis is not ready.
 */
int
store_script(enum script_id script, int nkeys, const struct store_args *args,
    store_cb cb, void *priv)
{
	struct store_eval e;
	int rc;

	if (!store_ready())
		return -1;
	store_eval_build(&e, st.sha[script], nkeys, args);
	if (st.spec.wait_replicas > 0 && store_script_writes(script))
		rc = store_wait_script(e.argc, e.argv, e.lens,
		    st.spec.wait_replicas, st.spec.wait_timeout_ms, cb, priv);
	else
		rc = store_send(e.argc, e.argv, e.lens, cb, priv);
	store_eval_free(&e);
	return rc;
}

/* Sends one command on the command link whatever its state; see store_send. */
int
store_command(int argc, const char **argv, const size_t *lens, store_cb cb,
    void *priv)
{
	return store_send(argc, argv, lens, cb, priv);
}
