/*
 * A test double of store.c for fuzz-dispatch: no Redis. store_script checks
 * its arguments and queues the call; store_double_step answers the oldest
 * queued call with a reply chosen by bytes taken from the back of the fuzz
 * input: a success shaped as the script's header documents (its values
 * varied: states, departments, clocks, history JSON, ...), a NULL reply
 * (Redis gone or too slow), or an error reply as the scripts and Redis
 * give them. store_script may also refuse at once (Redis not ready). As
 * with Redis, answers come after store_script returned, in call order.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define FUZZ_STRING_MAX 48	/* bytes of a string made of input */

/* One call waiting for its answer. */
struct call {
	enum script_id script;
	store_cb cb;
	void *priv;
	struct call *next;
};

static struct call *head, **tail = &head;
static size_t npending;
static struct fuzz_input *source;

/* Chooses with the input from now on (NULL: every choice is 0). */
void
store_double_source(struct fuzz_input *in)
{
	source = in;
}

/* Returns the next choice byte. */
static unsigned
choose(unsigned n)
{
	return fuzz_back_byte(source) % n;
}

/*
 * Returns a string of input bytes, valid until the next call. It is UTF-8
 * (NUL becomes a space; if the bytes are not UTF-8, the non-ASCII ones
 * become '?'), as every string Redis holds came through validate_strings.
 */
static const char *
input_string(void)
{
	static char buf[FUZZ_STRING_MAX + 1];
	size_t n = choose(FUZZ_STRING_MAX + 1), i;

	for (i = 0; i < n; i++) {
		buf[i] = (char)fuzz_back_byte(source);
		if (buf[i] == '\0')
			buf[i] = ' ';
	}
	buf[n] = '\0';
	if (!utf8_valid(buf, n))
		for (i = 0; i < n; i++)
			if ((unsigned char)buf[i] >= 0x80)
				buf[i] = '?';
	return buf;
}

/* Returns one of the n strings of v, or (choice n) a string of input bytes. */
static const char *
pick(const char *const *v, size_t n)
{
	unsigned k = choose((unsigned)n + 1);

	return k < n ? v[k] : input_string();
}

/*
 * PICK for free text (titles, notes, reasons), which may be anything;
 * ONE_OF for ids, numbers, limits and cursors, which the daemon checked
 * before Redis got them.
 */
#define PICK(v) pick(v, sizeof v / sizeof v[0])
#define ONE_OF(v) (v[choose(sizeof v / sizeof v[0])])

/* A reply of type t. */
static redisReply *
reply_new(int t)
{
	redisReply *r = xcalloc(1, sizeof *r);

	r->type = t;
	return r;
}

/* A string (or, with t REDIS_REPLY_ERROR, error) reply holding a copy of s. */
static redisReply *
reply_text(int t, const char *s)
{
	redisReply *r = reply_new(t);

	r->len = strlen(s);
	r->str = xstrdup(s);
	return r;
}

/* An integer reply. */
static redisReply *
reply_int(long long v)
{
	redisReply *r = reply_new(REDIS_REPLY_INTEGER);

	r->integer = v;
	return r;
}

/* Appends e to the array reply a. */
static void
reply_add(redisReply *a, redisReply *e)
{
	a->element = xrealloc(a->element, (a->elements + 1) *
	    sizeof *a->element);
	a->element[a->elements++] = e;
}

/* Appends a formatted string to the array reply a. */
static void __attribute__((format(printf, 2, 3)))
reply_addf(redisReply *a, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	reply_add(a, reply_text(REDIS_REPLY_STRING, s));
	free(s);
}

/* Frees a reply and everything in it, as hiredis does after the callback. */
static void
reply_free(redisReply *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->elements; i++)
		reply_free(r->element[i]);
	free(r->element);
	free(r->str);
	free(r);
}

static const char *const numbers[] = { "20261122000001", "20261101000042",
    "20260101000001000001", "20261231999999" };
static const char *const departments[] = { "zjj", "water", "sthjj", "cgj",
    "", "nosuch" };
static const char *const limits[] = { "5wd", "1wd", "10wd", "4wh", "30m",
    "2h", "1d", "9999wd", "0wd" };

/* Appends a field and its value to the hash reply h. */
static void
hash_set(redisReply *h, const char *field, const char *value)
{
	reply_add(h, reply_text(REDIS_REPLY_STRING, field));
	reply_add(h, reply_text(REDIS_REPLY_STRING, value));
}

/* Appends a field and an instant within about 128 days of now. */
static void
hash_time(redisReply *h, const char *field)
{
	long long steps = (long long)choose(256) - 128;
	long long unit = choose(2) ? 3600000LL : 86400000LL;
	long long at = now_ms() + steps * unit;

	reply_add(h, reply_text(REDIS_REPLY_STRING, field));
	reply_addf(h, "%lld", at);
}

/* The clock's fields (clock.c's clock_read). */
static void
hash_clock(redisReply *h)
{
	static const char *const ext[] = { "", "5wd", "5wd,3wd", "1h,,2d" };

	hash_time(h, "dispatched_at");
	hash_time(h, "clock_base");
	hash_set(h, "clock_left", choose(2) ? "-1" : "5400000");
	hash_set(h, "clock_suspended", choose(2) ? "1" : "0");
	hash_set(h, "clock_gen", choose(2) ? "1" : "7");
	hash_set(h, "clock_limit", ONE_OF(limits));
	hash_set(h, "clock_ext", ONE_OF(ext));
	hash_time(h, "sign_due");
	hash_time(h, "complete_due");
	hash_time(h, "warn_at");
}

/* A pending extension request (ext_*) and a supervision order (sup_*). */
static void
hash_requests(redisReply *h, unsigned flags)
{
	static const char *const sup[] = { "", "2wd", "3d" };

	if (flags & 1) {
		hash_set(h, "ext_extension", ONE_OF(limits));
		hash_set(h, "ext_reason", "需要协调多个部门");
		hash_set(h, "ext_by", "zjj-01");
		hash_time(h, "ext_at");
	}
	if (flags & 2) {
		hash_set(h, "sup_text", "请尽快处理");
		hash_set(h, "sup_limit", ONE_OF(sup));
		hash_set(h, "sup_by", "supervisor01");
		hash_time(h, "sup_at");
		hash_set(h, "sup_answer", choose(2) ? "已处理" : "");
		hash_time(h, "sup_due");
		hash_set(h, "sup_overdue", choose(2) ? "1" : "0");
	}
}

/* A ticket's hash as HGETALL gives it (record.c's fields). */
static redisReply *
ticket_hash(void)
{
	static const char *const assists[] = { "", "water", "water,cgj",
	    ",", "zjj,,nosuch" };
	static const char *const phones[] = { "13812345678", "12", "" };
	static const char *const repeats[] = { "", "20261101000042", "123" };
	redisReply *h = reply_new(REDIS_REPLY_ARRAY);
	unsigned flags;

	hash_set(h, "number", ONE_OF(numbers));
	reply_add(h, reply_text(REDIS_REPLY_STRING, "state"));
	reply_addf(h, "%u", choose(12));
	hash_set(h, "dept", ONE_OF(departments));
	hash_set(h, "assists", ONE_OF(assists));
	hash_set(h, "confidential", choose(2) ? "1" : "0");
	hash_set(h, "caller_phone", ONE_OF(phones));
	hash_set(h, "caller_name", "张三");
	hash_set(h, "call_id", "call-1");
	hash_set(h, "title", "小区停水");
	hash_set(h, "content", input_string());
	reply_add(h, reply_text(REDIS_REPLY_STRING, "type"));
	reply_addf(h, "%u", choose(8));
	reply_add(h, reply_text(REDIS_REPLY_STRING, "urgency"));
	reply_addf(h, "%u", choose(5));
	hash_set(h, "repeat_of", ONE_OF(repeats));
	flags = choose(256);
	if (flags & 1)
		hash_clock(h);
	hash_requests(h, flags >> 1);
	if (flags & 8)
		hash_set(h, "master", ONE_OF(numbers));
	return h;
}

/* One history entry as the scripts write it (JSON), or not. */
static redisReply *
history_entry(void)
{
	static const char *const entries[] = {
	    "{\"at\":1763779200000,\"principal\":\"agent01\",\"role\":1,"
	    "\"action\":\"create\",\"from\":1,\"to\":3,\"note\":\"登记\","
	    "\"dept\":\"zjj\",\"changes\":[{\"field\":\"dept\",\"value\":"
	    "\"zjj\"}]}",
	    "{}", "[]", "not json", "{\"changes\":[3,{\"field\":1}]}",
	    "{\"changes\":{}}" };

	return reply_text(REDIS_REPLY_STRING, PICK(entries));
}

/* show.lua: {ticket hash, history entries, merged numbers}. */
static redisReply *
reply_show(void)
{
	redisReply *r = reply_new(REDIS_REPLY_ARRAY);
	redisReply *history = reply_new(REDIS_REPLY_ARRAY);
	redisReply *merged = reply_new(REDIS_REPLY_ARRAY);
	unsigned i, n;

	reply_add(r, ticket_hash());
	for (i = 0, n = choose(4); i < n; i++)
		reply_add(history, history_entry());
	/* Merged numbers were checked by check_number before SADD. */
	for (i = 0, n = choose(3); i < n; i++)
		reply_add(merged, reply_text(REDIS_REPLY_STRING,
		    numbers[choose(3)]));
	reply_add(r, history);
	reply_add(r, merged);
	return r;
}

/* tickets.lua: {total, left, score, ticket hash...}. */
static redisReply *
reply_tickets(void)
{
	redisReply *r = reply_new(REDIS_REPLY_ARRAY);
	unsigned i, n = choose(4), left = n + choose(3);

	reply_add(r, reply_int(left + choose(3)));
	reply_add(r, reply_int(left));
	for (i = 0; i < n; i++) {
		reply_add(r, reply_text(REDIS_REPLY_STRING, "1763779200000"));
		reply_add(r, ticket_hash());
	}
	return r;
}

/* create.lua: {"new"|"dup", number, ticket hash}. */
static redisReply *
reply_create(void)
{
	redisReply *r = reply_new(REDIS_REPLY_ARRAY);

	reply_add(r, reply_text(REDIS_REPLY_STRING, choose(2) ? "dup" : "new"));
	reply_add(r, reply_text(REDIS_REPLY_STRING, numbers[0]));
	reply_add(r, ticket_hash());
	return r;
}

/* One feed event {id, kind, number, at, actor, ticket hash[, numbers, count, place]}. */
static redisReply *
feed_entry(void)
{
	static const char *const burst[] = { "20261122000001,20261101000042",
	    "", ",," };
	redisReply *e = reply_new(REDIS_REPLY_ARRAY);

	reply_addf(e, "1763779200000-%u", choose(8));
	reply_addf(e, "%u", choose(32));
	reply_add(e, reply_text(REDIS_REPLY_STRING, ONE_OF(numbers)));
	reply_addf(e, "%lld", (long long)now_ms());
	reply_add(e, reply_text(REDIS_REPLY_STRING, "agent01"));
	reply_add(e, ticket_hash());
	if (choose(2)) {
		reply_add(e, reply_text(REDIS_REPLY_STRING, ONE_OF(burst)));
		reply_addf(e, "%u", choose(60));
		reply_add(e, reply_text(REDIS_REPLY_STRING, "鼓楼区 城乡建设"));
	}
	return e;
}

/* feed_read.lua: {"ok", cursor, events} or {"relist", cursor}. */
static redisReply *
reply_feed(void)
{
	static const char *const cursors[] = { "1763779200000-0", "0", "" };
	redisReply *r = reply_new(REDIS_REPLY_ARRAY);
	redisReply *events;
	unsigned i, n;

	if (choose(4) == 3) {
		reply_add(r, reply_text(REDIS_REPLY_STRING, "relist"));
		reply_add(r, reply_text(REDIS_REPLY_STRING, ONE_OF(cursors)));
		return r;
	}
	reply_add(r, reply_text(REDIS_REPLY_STRING, "ok"));
	reply_add(r, reply_text(REDIS_REPLY_STRING, ONE_OF(cursors)));
	events = reply_new(REDIS_REPLY_ARRAY);
	for (i = 0, n = choose(4); i < n; i++)
		reply_add(events, feed_entry());
	reply_add(r, events);
	return r;
}

/* nb_read.lua: {generation, {id, label, text, district, who, ticket, kind}...}. */
static redisReply *
reply_examples(void)
{
	static const char *const texts[] = { "鼓楼区 小区 停水 三天",
	    "噪音 扰民", "" };
	redisReply *r = reply_new(REDIS_REPLY_ARRAY);
	redisReply *list = reply_new(REDIS_REPLY_ARRAY), *e;
	unsigned i, n;

	reply_add(r, reply_text(REDIS_REPLY_STRING, choose(4) ? "1" : "2"));
	for (i = 0, n = choose(5); i < n; i++) {
		e = reply_new(REDIS_REPLY_ARRAY);
		reply_addf(e, "1763779200000-%u", i);
		reply_add(e, reply_text(REDIS_REPLY_STRING,
		    ONE_OF(departments)));
		reply_add(e, reply_text(REDIS_REPLY_STRING, PICK(texts)));
		reply_add(e, reply_text(REDIS_REPLY_STRING, "鼓楼区"));
		reply_add(e, reply_text(REDIS_REPLY_STRING, "dispatcher01"));
		reply_add(e, reply_text(REDIS_REPLY_STRING, numbers[0]));
		reply_add(e, reply_text(REDIS_REPLY_STRING, "dispatch"));
		reply_add(list, e);
	}
	reply_add(r, list);
	return r;
}

/* recent_read.lua: {"<number>:<hi>:<lo>", time, ...}, newest first. */
static redisReply *
reply_recent(void)
{
	static const unsigned halves[] = { 0, 1, 0x7fffffffu, 0xffffffffu,
	    0x12345678u };
	redisReply *r = reply_new(REDIS_REPLY_ARRAY);
	long long at = now_ms();
	unsigned i, n = choose(5), hi, lo;

	for (i = 0; i < n; i++) {
		hi = ONE_OF(halves) ^ (choose(256) << 8);
		lo = ONE_OF(halves) ^ choose(256);
		reply_addf(r, "%s:%u:%u", ONE_OF(numbers), hi, lo);
		at -= (long long)choose(256) * 60000;
		reply_addf(r, "%lld", at);
	}
	return r;
}

/* An array of n integers, each below max. */
static redisReply *
reply_ints(unsigned n, unsigned max)
{
	redisReply *r = reply_new(REDIS_REPLY_ARRAY);
	unsigned i;

	for (i = 0; i < n; i++)
		reply_add(r, reply_int(choose(max)));
	return r;
}

/*
 * A successful reply of script, shaped as its header says. A script
 * added to store.c without a case here gets an integer 0 or 1: give it
 * its shape.
 */
static redisReply *
reply_success(enum script_id script)
{
	static const long long offsets[] = { 0, 60000, 86400000,
	    30LL * 86400000 };
	redisReply *r;

	switch (script) {
	case SCRIPT_CREATE:
		return reply_create();
	case SCRIPT_TRANSITION:
	case SCRIPT_TICKET_READ:
		return ticket_hash();
	case SCRIPT_SHOW:
		return reply_show();
	case SCRIPT_TICKETS:
		return reply_tickets();
	case SCRIPT_FEED_READ:
		return reply_feed();
	case SCRIPT_TIMER_FIRE:
		return reply_ints(4, 8);
	case SCRIPT_CLOCK_OFFSET:
		return reply_int(offsets[choose(4)]);
	case SCRIPT_CLOCK_SCAN:
		r = reply_new(REDIS_REPLY_ARRAY);
		reply_add(r, reply_text(REDIS_REPLY_STRING, "0"));
		reply_add(r, reply_new(REDIS_REPLY_ARRAY));
		return r;
	case SCRIPT_NB_READ:
		return reply_examples();
	case SCRIPT_NB_IMPORT:
		return reply_ints(2, 256);
	case SCRIPT_RECENT_READ:
		return reply_recent();
	default:
		break;
	}
	return reply_int(choose(2));
}

/* An error reply as the scripts ("NOTFOUND ...") or Redis itself give them. */
static redisReply *
reply_error(void)
{
	static const char *const errors[] = {
	    "NOTFOUND number no such ticket",
	    "NOTFOUND master no master ticket with that number",
	    "FORBIDDEN the ticket belongs to another department",
	    "FORBIDDEN only the lead department (主办) may do this",
	    "OOM command not allowed when used memory > 'maxmemory'.",
	    "MISCONF Redis is configured to save RDB snapshots, but it's "
	    "currently unable to persist to disk.",
	    "READONLY You can't write against a read only replica.",
	    "NOSCRIPT No matching script. Please use EVAL.",
	    "BUSY Redis is busy running a script.",
	    "LOADING Redis is loading the dataset in memory",
	    "ERR Error running script: user_script:1: attempt to index a nil "
	    "value" };
	size_t nerrors = sizeof errors / sizeof errors[0];
	unsigned k = choose((unsigned)nerrors + 2), state;
	char text[128];

	if (k < nerrors)
		return reply_text(REDIS_REPLY_ERROR, errors[k]);
	if (k == nerrors) {
		state = choose(11);
		if (choose(2))
			snprintf(text, sizeof text, "CONFLICT %u %s", state,
			    input_string());
		else
			snprintf(text, sizeof text, "CONFLICT %u", state);
	} else
		snprintf(text, sizeof text, "ERR %s", input_string());
	return reply_text(REDIS_REPLY_ERROR, text);
}

/* Checks what store_script is given: counts, and strings readable to their end. */
static void
check_args(int nkeys, const struct store_args *args)
{
	int i;

	FUZZ_CHECK(args->n >= 0 && args->n <= args->cap);
	FUZZ_CHECK(nkeys >= 0 && nkeys <= args->n);
	for (i = 0; i < args->n; i++) {
		FUZZ_CHECK(args->v[i] != NULL);
		FUZZ_CHECK(memchr(args->v[i], '\0', args->len[i] + 1) ==
		    args->v[i] + args->len[i]);
	}
}

/* Queues script for an answer, or (1 in 16) refuses at once as when Redis is down. */
int
store_script(enum script_id script, int nkeys, const struct store_args *args,
    store_cb cb, void *priv)
{
	struct call *c;

	FUZZ_CHECK(script >= 0 && script < SCRIPT_COUNT);
	FUZZ_CHECK(cb != NULL);
	check_args(nkeys, args);
	if (choose(16) == 15)
		return -1;
	c = xcalloc(1, sizeof *c);
	c->script = script;
	c->cb = cb;
	c->priv = priv;
	*tail = c;
	tail = &c->next;
	npending++;
	return 0;
}

/* Answers the oldest queued call; returns 0 if none was queued. */
int
store_double_step(void)
{
	struct call *c = head;
	redisReply *reply;
	unsigned k;

	if (c == NULL)
		return 0;
	if ((head = c->next) == NULL)
		tail = &head;
	npending--;
	k = choose(8);
	if (k < 5)
		reply = reply_success(c->script);
	else if (k == 5)
		reply = NULL;
	else
		reply = reply_error();
	c->cb(reply, c->priv);
	reply_free(reply);
	free(c);
	return 1;
}

/* Returns the number of calls waiting for an answer. */
size_t
store_double_pending(void)
{
	return npending;
}

/* Nothing to connect to: the double is always there. */
void
store_init(struct event_base *base, const struct redis_spec *spec,
    void (*on_wake)(const char *), void (*on_resync)(void))
{
	(void)base;
	(void)spec;
	(void)on_wake;
	(void)on_resync;
}

/* Scripts can always be queued (store_script itself may refuse). */
int
store_ready(void)
{
	return 1;
}

/* Returns the number of calls waiting, as Redis commands in flight. */
int
store_pending(void)
{
	return (int)npending;
}

/* Answers every queued call with a NULL reply, as a closing link does. */
void
store_shutdown(void)
{
	struct call *c;

	while ((c = head) != NULL) {
		if ((head = c->next) == NULL)
			tail = &head;
		npending--;
		c->cb(NULL, c->priv);
		free(c);
	}
}

