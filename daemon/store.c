/* Redis access: the write, read and subscriber connections, reconnects (through Sentinel when configured), embedded scripts and timeouts. */
#include <limits.h>
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
#include "store-link.h"

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

#define LINK_SCRIPTS_ALL 0
#define LINK_SCRIPTS_READS 1

static struct {
	struct event_base *base;
	struct redis_spec spec;		/* copied at init: changes need a restart */
	struct link cmd;		/* writes (scripts that WRITE), commands */
	struct link rd;			/* scripts that only READ */
	struct link sub;		/* SUBSCRIBE ht:wake */
	char sha[SCRIPT_COUNT][41];
	const char *source[SCRIPT_COUNT];
	struct sentinel_watch *watch;	/* with sentinels */
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
	if (ac != NULL && ac == st.rd.ac)
		return &st.rd;
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
	link_follow(&st.rd, host, port);
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

/* hiredis: a command on cmd or rd was answered (reply NULL: connection gone). */
void
store_answered(redisAsyncContext *ac, void *reply, void *privdata)
{
	struct store_call *call = privdata;
	struct link *l = call->link;
	redisReply *r = reply;

	TAILQ_REMOVE(&l->inflight, call, entry);
	l->ninflight--;
	if (call->from != NULL)
		store_lanes_answered(call);
	if (r != NULL)
		l->answered_ms = now_mono_ms();
	if (call->cb == NULL) {		/* its caller was answered already */
		free(call);
		return;
	}
	metrics_redis_answered(call->sent_us, r != NULL);
	if (r != NULL && r->type == REDIS_REPLY_ERROR &&
	    strncmp(r->str, "NOSCRIPT", 8) == 0 && l->state == LINK_READY &&
	    link_of(ac) == l) {
		log_warnx("redis %s: scripts were flushed; loading them again",
		    l->name);
		link_set_state(l, LINK_SETUP);
		l->start();
	}
	call->cb(r, call->priv);
	free(call);
	if (l == &st.rd)
		store_lanes_pump();
	/* A demoted master: ask the sentinels again (pending calls get NULL). */
	if (r != NULL && r->type == REDIS_REPLY_ERROR && st.spec.nsentinels > 0 &&
	    strncmp(r->str, "READONLY", 8) == 0 && link_of(ac) == l)
		link_drop(l, "it became a replica (READONLY)");
}

/* Sends a command on l (cmd or rd) whatever its state; returns -1 if it could not. */
int
store_send(struct link *l, int argc, const char **argv, const size_t *lens,
    store_cb cb, void *priv)
{
	struct store_call *call;

	if (l->ac == NULL)
		return -1;
	call = xcalloc(1, sizeof *call);
	call->link = l;
	call->cb = cb;
	call->priv = priv;
	call->sent_ms = now_mono_ms();
	call->sent_us = metrics_now_us();
	TAILQ_INSERT_TAIL(&l->inflight, call, entry);
	l->ninflight++;
	if (redisAsyncCommandArgv(l->ac, store_answered, call, argc, argv,
	    lens) != REDIS_OK) {
		TAILQ_REMOVE(&l->inflight, call, entry);
		l->ninflight--;
		free(call);
		return -1;
	}
	return 0;
}

/*
 * Answer to one step of l's set-up (AUTH, SELECT, SCRIPT LOAD; script -1
 * for the steps that load none).
 */
static void
link_setup_answered(struct link *l, redisReply *r, intptr_t script)
{
	if (l->ac == NULL || l->state != LINK_SETUP)
		return;
	if (r == NULL || r->type == REDIS_REPLY_ERROR) {
		link_drop(l, r == NULL ? "no answer during set-up" : r->str);
		return;
	}
	if (script >= 0 && r->type == REDIS_REPLY_STRING && r->len == 40)
		memcpy(st.sha[script], r->str, 41);
	if (script < 0 || --l->loads_pending > 0)
		return;
	link_set_state(l, LINK_READY);
	if (l->failures > 0)
		log_info("redis %s: %s reachable again", l->name, store_where());
	else
		log_info("redis %s: connected to %s", l->name, store_where());
	l->failures = 0;
	l->backoff_ms = BACKOFF_MIN_MS;
	store_lanes_pump();
	/* Reads that failed while we were down can run now. */
	if (l == &st.cmd && st.on_resync != NULL)
		st.on_resync();
}

/* store: a set-up step of the command link answered. */
static void
cmd_setup_answered(redisReply *r, void *priv)
{
	link_setup_answered(&st.cmd, r, (intptr_t)priv);
}

/* store: a set-up step of the read link answered. */
static void
rd_setup_answered(redisReply *r, void *priv)
{
	link_setup_answered(&st.rd, r, (intptr_t)priv);
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

/* Returns 1 when l is connected to the same address as the command link. */
static int
link_beside_cmd(const struct link *l)
{
	return l->port == st.cmd.port && strcmp(l->host, st.cmd.host) == 0;
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
	/* The read and events links must use this master too. */
	if (st.rd.ac != NULL && !link_beside_cmd(&st.rd))
		link_drop(&st.rd, "the master moved");
	if (st.sub.ac != NULL && !link_beside_cmd(&st.sub))
		link_drop(&st.sub, "the master moved");
}

/* Answer to ROLE on the read link during set-up. */
static void
rd_role_answered(redisReply *r, void *priv)
{
	(void)priv;
	if (st.rd.ac != NULL && st.rd.state == LINK_SETUP)
		role_is_master(&st.rd, r);
}

/* hiredis: answer to ROLE on the subscriber link. */
static void
sub_role_answered(redisAsyncContext *ac, void *reply, void *privdata)
{
	(void)privdata;
	if (link_of(ac) == &st.sub)
		role_is_master(&st.sub, reply);
}

/* Sends AUTH on the subscriber link if a password is configured. */
static void
sub_send_auth(redisCallbackFn *fn)
{
	const char *argv[2] = { "AUTH", st.spec.password };

	if (st.spec.password != NULL && st.spec.password[0] != '\0')
		redisAsyncCommandArgv(st.sub.ac, fn, NULL, 2, argv, NULL);
}

/*
 * Set-up of a command link (cmd or rd): AUTH, ROLE with sentinels, CLIENT
 * SETNAME (hotlined-commands or hotlined-reads), SELECT,
 * then SCRIPT LOAD of its scripts (every one on cmd, those that READ on
 * rd); setup runs for each answer, role for ROLE's.
 */
static void
link_setup(struct link *l, store_cb setup, store_cb role)
{
	const char *auth[2] = { "AUTH", st.spec.password };
	const char *rolecmd[1] = { "ROLE" };
	const char *name[3] = { "CLIENT", "SETNAME",
	    l == &st.rd ? "hotlined-reads" : "hotlined-commands" };
	char db[16];
	const char *select[2] = { "SELECT", db };
	intptr_t i;

	if (st.spec.password != NULL && st.spec.password[0] != '\0')
		store_send(l, 2, auth, NULL, setup, (void *)(intptr_t)-1);
	if (st.spec.nsentinels > 0)
		store_send(l, 1, rolecmd, NULL, role, NULL);
	/* Named for CLIENT LIST: which link is which. */
	store_send(l, 3, name, NULL, setup, (void *)(intptr_t)-1);
	if (st.spec.db != 0) {
		snprintf(db, sizeof db, "%d", st.spec.db);
		store_send(l, 2, select, NULL, setup, (void *)(intptr_t)-1);
	}
	l->loads_pending = 0;
	for (i = 0; i < SCRIPT_COUNT; i++)
		if (l->scripts == LINK_SCRIPTS_ALL || !store_script_writes(i))
			l->loads_pending++;
	for (i = 0; i < SCRIPT_COUNT; i++) {
		const char *argv[3] = { "SCRIPT", "LOAD", st.source[i] };

		if (l->scripts == LINK_SCRIPTS_ALL || !store_script_writes(i))
			store_send(l, 3, argv, NULL, setup, (void *)i);
	}
}

/* Set-up of the command link. */
static void
cmd_start(void)
{
	link_setup(&st.cmd, cmd_setup_answered, cmd_role_answered);
}

/* Set-up of the read link. */
static void
rd_start(void)
{
	link_setup(&st.rd, rd_setup_answered, rd_role_answered);
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

	sub_send_auth(sub_auth_answered);
	if (st.spec.nsentinels > 0) {
		const char *role[1] = { "ROLE" };

		redisAsyncCommandArgv(st.sub.ac, sub_role_answered, NULL, 1,
		    role, NULL);
	}
	redisAsyncCommandArgv(st.sub.ac, sub_message, NULL, 2, argv, NULL);
}

/*
 * Gives up the calls of l that have waited longer than the timeout: each
 * one's callback runs now with a NULL reply (its request is answered
 * "unavailable"), and its answer, when Redis sends it, is dropped. The
 * command still runs in Redis (it cannot be taken back), so it still
 * counts in store_pending.
 */
static void
store_give_up(struct link *l, int64_t now)
{
	redisAsyncContext *ac = l->ac;
	struct store_call *call;
	store_cb cb;

	TAILQ_FOREACH(call, &l->inflight, entry) {
		if (now - call->sent_ms <= st.spec.timeout_ms)
			break;		/* oldest first: the rest are younger */
		if ((cb = call->cb) == NULL)
			continue;
		call->cb = NULL;
		metrics_redis_answered(call->sent_us, 0);
		cb(NULL, call->priv);
		/* A set-up step drops the link: every call was freed. */
		if (l->ac != ac)
			break;
	}
}

/*
 * The watchdog of one command link: a call that waits longer than the
 * timeout is answered alone (store_give_up), so a slow command or a queue
 * behind a flood of reads does not cost everyone the link; a link that
 * stays silent longer than the timeout while calls wait (Redis paused, a
 * dead peer) is dropped, so every waiting request is answered
 * "unavailable" and a fresh connection is tried.
 */
static void
link_watch(struct link *l, int64_t now)
{
	struct store_call *oldest = TAILQ_FIRST(&l->inflight);
	int64_t quiet_since;
	char why[96];

	quiet_since = oldest == NULL ? now : oldest->sent_ms > l->answered_ms ?
	    oldest->sent_ms : l->answered_ms;
	if (oldest != NULL && now - quiet_since > st.spec.timeout_ms) {
		snprintf(why, sizeof why, "no answer within %d ms",
		    st.spec.timeout_ms);
		l->dropped++;
		link_drop(l, why);
	} else
		store_give_up(l, now);
	if (l->state == LINK_CONNECTING && now - l->state_since_ms >
	    st.spec.timeout_ms)
		link_drop(l, "connection attempt timed out");
}

/* Timer: watches both command links, and the events link's connection. */
static void
watchdog(evutil_socket_t fd, short what, void *arg)
{
	int64_t now = now_mono_ms();

	(void)fd;
	(void)what;
	(void)arg;
	link_watch(&st.cmd, now);
	link_watch(&st.rd, now);
	store_lanes_give_up(now);
	store_lanes_pump();
	if ((st.sub.state == LINK_CONNECTING || st.sub.state == LINK_SETUP) &&
	    now - st.sub.state_since_ms > st.spec.timeout_ms)
		link_drop(&st.sub, "connection attempt timed out");
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
	TAILQ_INIT(&l->inflight);
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

/* The read link's gauges for /metrics: its state (1 ready, 0.5 setting up, 0 down). */
static double
store_read_state(void)
{
	return st.rd.state == LINK_READY ? 1 : st.rd.state == LINK_DOWN ? 0 :
	    0.5;
}

/* Commands waiting on the read link, sent or queued. */
static double
store_read_pending(void)
{
	return st.rd.ninflight + store_lanes_queued();
}

/* Commands waiting on the command (write) link. */
static double
store_write_pending(void)
{
	return st.cmd.ninflight;
}

/* Times a command link was dropped by its watchdog (Redis silent too long). */
static double
store_watchdog_drops(void)
{
	return (double)(st.cmd.dropped + st.rd.dropped);
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
	store_find_scripts();
	store_lanes_init(&st.rd, st.spec.read_window, st.spec.timeout_ms);
	link_init(&st.cmd, "commands", cmd_start);
	link_init(&st.rd, "reads", rd_start);
	st.rd.scripts = LINK_SCRIPTS_READS;
	link_init(&st.sub, "events", sub_start);
	st.watchdog = event_new(base, -1, EV_PERSIST, watchdog, NULL);
	evtimer_add(st.watchdog, &tv);
	link_connect(&st.cmd);
	if (st.spec.read_link)
		link_connect(&st.rd);
	link_connect(&st.sub);
	if (st.spec.nsentinels > 0)
		st.watch = sentinel_watch_start(base, &st.spec,
		    SENTINEL_WATCH_MS, sentinel_checked, NULL);
	metrics_gauge(METRICS_STORE_READ_STATE, store_read_state);
	metrics_gauge(METRICS_STORE_READ_PENDING, store_read_pending);
	metrics_gauge(METRICS_STORE_WRITE_PENDING, store_write_pending);
	metrics_gauge(METRICS_STORE_WATCHDOG_DROPS, store_watchdog_drops);
}

/* Returns 1 when scripts can run (connected, set up, scripts loaded). */
int
store_ready(void)
{
	return st.cmd.state == LINK_READY;
}

/* Returns the number of commands waiting for Redis, on both command links. */
int
store_pending(void)
{
	return st.cmd.ninflight + st.rd.ninflight + store_lanes_queued();
}

/*
 * Returns the link a read-only script goes to: the read link when it is
 * ready and on the command link's master, else the command link. So a
 * read never runs on another server than the writes (after a failover,
 * until both links follow the sentinels), and reads go on while the read
 * link reconnects.
 */
struct link *
store_read_link(void)
{
	if (st.rd.state == LINK_READY && st.cmd.state == LINK_READY &&
	    (st.spec.nsentinels == 0 || link_beside_cmd(&st.rd)))
		return &st.rd;
	return &st.cmd;
}

/*
 * Returns the number of commands waiting on the link script would be sent
 * on by store_script (behind_writes as there), for limits.max_store_pending.
 */
int
store_pending_for(enum script_id script, int behind_writes)
{
	if (store_script_writes(script) || behind_writes)
		return st.cmd.ninflight;
	return store_read_link()->ninflight + store_lanes_queued();
}

/* Closes every link; pending callbacks run with a NULL reply. */
void
store_shutdown(void)
{
	st.stopping = 1;
	store_lanes_shutdown();
	link_drop(&st.cmd, "shutting down");
	link_drop(&st.rd, "shutting down");
	link_drop(&st.sub, "shutting down");
	sentinel_watch_stop(st.watch);
	sentinel_cancel(st.cmd.query);
	sentinel_cancel(st.rd.query);
	sentinel_cancel(st.sub.query);
	event_free(st.cmd.retry);
	event_free(st.rd.retry);
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
 *
 * A script that WRITES goes on the command link (in strict mode followed by
 * WAIT); one that only READS goes on the read link (store_read_link), so
 * writes never queue behind big reads, unless behind_writes is set: the
 * caller (a client's connection) has writes not yet answered, and its read
 * must see them, so it follows them on the command link (hiredis and Redis
 * keep one connection's commands in order). A write answered before a read
 * is sent is seen by that read on either link: both use the same master.
 * who (a principal, NULL for the daemon's own reads) names the lane a read
 * waits in when the read link is busy; lanes are served in turn.
 */
int
store_script_after(enum script_id script, int nkeys,
    const struct store_args *args, int behind_writes, const char *who,
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
	else {
		rc = store_script_writes(script) || behind_writes ?
		    store_send(&st.cmd, e.argc, e.argv, e.lens, cb, priv) :
		    store_lanes_send(who, e.argc, e.argv, e.lens, cb, priv);
	}
	store_eval_free(&e);
	return rc;
}

/* Runs script as store_script_after does, for a caller with no writes pending. */
int
store_script(enum script_id script, int nkeys, const struct store_args *args,
    store_cb cb, void *priv)
{
	return store_script_after(script, nkeys, args, 0, NULL, cb, priv);
}

/* Sends one command on the command link whatever its state; see store_send. */
int
store_command(int argc, const char **argv, const size_t *lens, store_cb cb,
    void *priv)
{
	return store_send(&st.cmd, argc, argv, lens, cb, priv);
}
