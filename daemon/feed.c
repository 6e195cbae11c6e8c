/* Live delivery of feeds (a department's, the centre's, the supervisors'): replay from a cursor, then push on wake-ups. */
#include <stdlib.h>
#include <string.h>

#include "hotlined.h"
#include "keys.h"
#include "script-args.h"

#define FEED_BATCH 64			/* events per read */
#define FEED_HIGH_WATER (256 * 1024)	/* unsent bytes that pause reading */


/* The answer to a second watch on one connection. */
#define FEED_WATCHING ZH_EN("此连接已在订阅中", "this connection is already watching")

/*
 * A client's subscription to one feed: ht:dept:<id>:feed for a department
 * terminal, ht:centre:feed for dispatchers, ht:supervision:feed for
 * supervisors. The feed in Redis is the truth; cursor is the id of the last
 * event sent. At most one read is in flight; a wake-up during it sets dirty.
 */
struct watch {
	struct conn *conn;		/* NULL once the connection closed */
	char feed[64];
	int mask;			/* hide callers (a department's view) */
	char cursor[48];
	int reading;
	int dirty;
	int paused;			/* output over FEED_HIGH_WATER */
	TAILQ_ENTRY(watch) entry;
};

static TAILQ_HEAD(, watch) watches = TAILQ_HEAD_INITIALIZER(watches);

static void feed_pump(struct watch *);
static void feed_key(const struct conn *, char *, size_t);

/*
 * Returns a hot spot's place ("district matter") with a category code for
 * matter named as the catalogue in force names it: "鼓楼区 040101
 * 生态环境/噪声污染/其他噪声". A new string.
 */
static char *
event_place(const char *place)
{
	const char *code = strrchr(place, ' ');
	const char *label = code != NULL ? record_category_label(code + 1) : "";
	char *out;

	if (label[0] == '\0')
		return record_strdup(place);
	if (asprintf(&out, "%s %s", place, label) < 0)
		fatalx("out of memory naming a hot spot");
	return out;
}

/* Fills a hot spot's numbers ("a,b"), count and place from entry e, if it has them. */
static void
event_hot_spot(Hotline__Event *ev, const redisReply *e)
{
	char *copy, *n, *save = NULL;
	const char *p;
	size_t count = 1;

	if (e->elements < 9 || e->element[6]->type != REDIS_REPLY_STRING ||
	    e->element[7]->type != REDIS_REPLY_STRING ||
	    e->element[8]->type != REDIS_REPLY_STRING ||
	    e->element[6]->len == 0)
		return;
	for (p = e->element[6]->str; *p != '\0'; p++)
		count += *p == ',';
	ev->numbers = xcalloc(count, sizeof *ev->numbers);
	copy = xstrdup(e->element[6]->str);
	for (n = strtok_r(copy, ",", &save); n != NULL;
	    n = strtok_r(NULL, ",", &save))
		ev->numbers[ev->n_numbers++] = record_strdup(n);
	free(copy);
	ev->count = (uint32_t)strtoul(e->element[7]->str, NULL, 10);
	ev->place = event_place(e->element[8]->str);
}

/*
 * Builds an Event envelope for w from {id, kind, number, at, actor, ticket
 * hash, ...}. The hash is the ticket as it is now: a department gets it
 * only while it still works on the ticket, so that replaying its feed
 * shows nothing of a ticket that has left it (another lead's reply, say);
 * the event itself (number, kind, time, actor) was its own.
 */
static Hotline__Envelope *
event_from(const struct watch *w, const redisReply *e)
{
	Hotline__Envelope *env = envelope_new();
	Hotline__Event *ev = xmalloc(sizeof *ev);

	hotline__event__init(ev);
	ev->id = record_strdup(e->element[0]->str);
	ev->kind = (Hotline__EventKind)atoi(e->element[1]->str);
	ev->number = record_strdup(e->element[2]->str);
	ev->at = strtoll(e->element[3]->str, NULL, 10);
	ev->actor = record_strdup(e->element[4]->str);
	if (!w->mask || record_works_on(e->element[5], w->conn->department))
		ev->ticket = record_ticket(e->element[5], w->mask);
	event_hot_spot(ev, e);
	if (e->elements >= 10 && e->element[9]->type == REDIS_REPLY_STRING &&
	    e->element[9]->len > 0)
		ev->note = record_strdup(e->element[9]->str);
	if (e->elements >= 12 && e->element[10]->type == REDIS_REPLY_STRING &&
	    e->element[10]->len > 0) {	/* a knowledge-base notice */
		ev->kb_article = record_strdup(e->element[10]->str);
		ev->kb_version = (uint32_t)strtoul(e->element[11]->str, NULL,
		    10);
	}
	env->body_case = HOTLINE__ENVELOPE__BODY_EVENT;
	env->event = ev;
	return env;
}

/* Pushes the events of a feed_read reply to w's terminal; returns how many. */
static size_t
feed_deliver(struct watch *w, const redisReply *entries)
{
	size_t i, n = 0;

	for (i = 0; i < entries->elements; i++) {
		const redisReply *e = entries->element[i];

		/* A push over the output limit closes the connection. */
		if (w->conn == NULL || w->conn->closed)
			break;
		if (e->type != REDIS_REPLY_ARRAY || e->elements < 6)
			continue;
		snprintf(w->cursor, sizeof w->cursor, "%s", e->element[0]->str);
		session_push(w->conn, event_from(w, e));
		n++;
	}
	return n;
}

/* Tells w's terminal that events were trimmed: list again, then carry on. */
static void
feed_relist(struct watch *w, const char *cursor)
{
	Hotline__Envelope *env = envelope_new();
	Hotline__Event *ev = xmalloc(sizeof *ev);

	log_info("connection %llu (%s): fell behind its feed; told to re-list",
	    (unsigned long long)w->conn->id, w->conn->principal);
	snprintf(w->cursor, sizeof w->cursor, "%s", cursor);
	hotline__event__init(ev);
	ev->id = record_strdup(cursor);
	ev->kind = HOTLINE__EVENT_KIND__EVENT_KIND_RELIST;
	ev->at = now_ms();
	env->body_case = HOTLINE__ENVELOPE__BODY_EVENT;
	env->event = ev;
	session_push(w->conn, env);
}

/* Returns 1 if reply has feed_read.lua's shape: {status, cursor, [entries]}. */
static int
feed_reply_valid(const redisReply *reply)
{
	return reply != NULL && reply->type == REDIS_REPLY_ARRAY &&
	    reply->elements >= 2 &&
	    reply->element[0]->type == REDIS_REPLY_STRING &&
	    reply->element[1]->type == REDIS_REPLY_STRING &&
	    (reply->elements == 2 ||
	    reply->element[2]->type == REDIS_REPLY_ARRAY);
}

/* store: a read of w's feed finished (reply NULL: Redis failed; resync retries). */
static void
feed_read_done(redisReply *reply, void *priv)
{
	struct watch *w = priv;
	size_t n = 0;

	/* w->reading stays set while delivering: a close detaches, never frees. */
	if (w->conn != NULL && !feed_reply_valid(reply))
		log_debug("feed %s: read failed; will retry", w->feed);
	else if (w->conn != NULL && strcmp(reply->element[0]->str,
	    "relist") == 0)
		feed_relist(w, reply->element[1]->str);
	else if (w->conn != NULL && reply->elements == 3)
		n = feed_deliver(w, reply->element[2]);
	w->reading = 0;
	if (w->conn == NULL) {
		free(w);
		return;
	}
	if (feed_reply_valid(reply) && !w->conn->closed && (n == FEED_BATCH ||
	    w->dirty)) {
		w->dirty = 0;
		feed_pump(w);
	}
}

/* Reads w's feed after its cursor, unless a read runs or the output is full. */
static void
feed_pump(struct watch *w)
{
	struct store_args args = { 0 };

	if (w->conn == NULL || w->conn->closed)
		return;
	if (w->reading) {
		w->dirty = 1;
		return;
	}
	if (server_output_length(w->conn) > FEED_HIGH_WATER) {
		w->paused = 1;
		return;
	}
	store_args_add(&args, w->feed);
	script_args_feed_read(&args, w->cursor, FEED_BATCH);
	w->reading = 1;
	if (store_script(SCRIPT_FEED_READ, 1, &args, feed_read_done, w) == -1)
		w->reading = 0;		/* Redis down: feed_resync retries */
	store_args_free(&args);
}

/* The first read of a watch answered: reply, replay, then follow live. */
static void
watch_started(struct request *r, redisReply *reply)
{
	struct conn *c = r->conn;
	const char *asked = r->in->watch->cursor;
	Hotline__Envelope *env;
	Hotline__WatchReply *out;
	struct watch *w;
	int relist;

	if (!feed_reply_valid(reply) || c->watch != NULL) {
		request_error(r, c->watch != NULL ?
		    HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST :
		    HOTLINE__ERROR_CODE__ERROR_CODE_INTERNAL, "cursor",
		    c->watch != NULL ? FEED_WATCHING : LANG_INTERNAL);
		return;
	}
	relist = strcmp(reply->element[0]->str, "relist") == 0;
	w = xcalloc(1, sizeof *w);
	w->conn = c;
	feed_key(c, w->feed, sizeof w->feed);
	w->mask = c->role == HOTLINE__ROLE__ROLE_DEPARTMENT;
	snprintf(w->cursor, sizeof w->cursor, "%s",
	    relist || asked[0] == '\0' ? reply->element[1]->str : asked);
	TAILQ_INSERT_TAIL(&watches, w, entry);
	c->watch = w;
	c->drained = feed_writable;
	w->reading = 1;		/* busy: a close while answering only detaches */

	out = xmalloc(sizeof *out);
	hotline__watch_reply__init(out);
	out->relist = relist;
	out->cursor = record_strdup(w->cursor);
	env = envelope_new();
	env->body_case = HOTLINE__ENVELOPE__BODY_WATCHING;
	env->watching = out;
	request_answer(r, env);
	if (!relist && reply->elements == 3)
		feed_deliver(w, reply->element[2]);
	w->reading = 0;
	if (w->conn == NULL) {	/* cut off while answering */
		free(w);
		return;
	}
	/* Catches wake-ups that overtook this first read, and further batches. */
	feed_pump(w);
}

/* Names the feed a connection's role watches. */
static void
feed_key(const struct conn *c, char *out, size_t outlen)
{
	if (c->role == HOTLINE__ROLE__ROLE_DEPARTMENT)
		snprintf(out, outlen, KEY_DEPT_FEED, c->department);
	else if (c->role == HOTLINE__ROLE__ROLE_SUPERVISOR)
		snprintf(out, outlen, "%s", KEY_SUPERVISION_FEED);
	else
		snprintf(out, outlen, "%s", KEY_CENTRE_FEED);
}

/* Starts delivering the role's feed to this client (list + watch). */
void
op_watch(struct request *r)
{
	const char *cursor = r->in->watch->cursor;
	struct store_args args = { 0 };
	char feed[64];

	if (r->conn->watch != NULL) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "cursor", FEED_WATCHING);
		return;
	}
	if (!stream_cursor_valid(cursor, 1)) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "cursor", ZH_EN("cursor 须为空、\"0\" 或事件编号（如 "
		    "1763779200000-0）", "cursor must be empty, \"0\" or an "
		    "event id such as 1763779200000-0"));
		return;
	}
	feed_key(r->conn, feed, sizeof feed);
	store_args_add(&args, feed);
	script_args_feed_read(&args, cursor, FEED_BATCH);
	request_script(r, SCRIPT_FEED_READ, 1, &args, watch_started);
	store_args_free(&args);
}

/* Redis said a feed has new events: read them for every watcher of it. */
void
feed_wake(const char *feed)
{
	struct watch *w;

	TAILQ_FOREACH(w, &watches, entry)
		if (strcmp(w->feed, feed) == 0)
			feed_pump(w);
}

/* Wake-ups may have been missed (Redis reconnected): read every feed. */
void
feed_resync(void)
{
	struct watch *w;

	TAILQ_FOREACH(w, &watches, entry)
		feed_pump(w);
}

/* c's output drained: resume its paused feed. */
void
feed_writable(struct conn *c)
{
	struct watch *w = c->watch;

	if (w != NULL && w->paused) {
		w->paused = 0;
		feed_pump(w);
	}
}

/* c is closing: forget its watch (freed now, or when its read returns). */
void
feed_closed(struct conn *c)
{
	struct watch *w = c->watch;

	if (w == NULL)
		return;
	c->watch = NULL;
	c->drained = NULL;
	TAILQ_REMOVE(&watches, w, entry);
	w->conn = NULL;
	if (!w->reading)
		free(w);
}
