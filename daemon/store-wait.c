/* Strict mode (redis.wait_replicas): a state-changing script is answered only once WAIT says enough replicas have it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hotlined.h"
#include "keys.h"

/*
 * PUBLISHed after the script, before WAIT: WAIT counts replicas that have
 * everything up to this connection's last propagated write, and a script
 * that changed nothing (an idempotent create's repeat) moves no offset, so
 * a WAIT right after it could count a replica that still lacks the first,
 * real write (made earlier, maybe through another connection). PUBLISH is
 * propagated to replicas and moves the offset to the master's latest.
 */
#define WAIT_BARRIER_CHANNEL KEY_REPLICATED

/*
 * The error a caller gets when the change was made on the master but WAIT
 * found fewer replicas than asked; store_error_code maps it to UNAVAILABLE.
 */
#define WAIT_NOT_REPLICATED "NOTREPLICATED"

/*
 * One script in strict mode: three commands sent together (the script, the
 * barrier, WAIT), answered in that order. refs counts the answers still due;
 * the last one frees it. held is our copy of the script's answer, since
 * hiredis frees the original when its callback returns.
 */
struct wait_call {
	store_cb cb;
	void *priv;
	int replicas;
	int answered;		/* cb already ran */
	int waiting;		/* the barrier and WAIT were both queued */
	int refs;
	redisReply *held;
};

/* Which scripts change state (WRITES in store-scripts.h): those get WAIT in strict mode. */
int
store_script_writes(enum script_id script)
{
#define READS 0
#define WRITES 1
#define STORE_SCRIPT_WRITES(id, file, writes) [SCRIPT_##id] = writes,
	static const int writes[SCRIPT_COUNT] = {
		STORE_SCRIPTS(STORE_SCRIPT_WRITES)
	};
#undef STORE_SCRIPT_WRITES
#undef READS
#undef WRITES

	return (unsigned)script < SCRIPT_COUNT ? writes[script] : 0;
}

/* Deep-copies a reply with malloc, so freeReplyObject frees the copy; see store-scripts.h. */
redisReply *
store_reply_copy(const redisReply *r)
{
	redisReply *c = xcalloc(1, sizeof *c);
	size_t i;

	c->type = r->type;
	c->integer = r->integer;
	if (r->str != NULL) {
		c->str = xmalloc(r->len + 1);
		memcpy(c->str, r->str, r->len);
		c->str[r->len] = '\0';
		c->len = r->len;
	}
	if (r->type == REDIS_REPLY_ARRAY && r->elements > 0) {
		c->element = xcalloc(r->elements, sizeof *c->element);
		for (i = 0; i < r->elements; i++)
			c->element[i] = store_reply_copy(r->element[i]);
		c->elements = r->elements;
	}
	return c;
}

/* Answers w's caller once with reply (NULL: Redis gone) unless done already. */
static void
wait_answer(struct wait_call *w, redisReply *reply)
{
	if (w->answered)
		return;
	w->answered = 1;
	w->cb(reply, w->priv);
}

/* Drops one of w's references; the last frees it. */
static void
wait_release(struct wait_call *w)
{
	if (--w->refs > 0)
		return;
	freeReplyObject(w->held);
	free(w);
}

/*
 * store: the script answered. A NULL (link gone) or an error (the script
 * refused, so changed nothing) is passed on at once; a result is kept until
 * WAIT answers.
 */
static void
wait_script_answered(redisReply *r, void *priv)
{
	struct wait_call *w = priv;

	if (r == NULL || r->type == REDIS_REPLY_ERROR)
		wait_answer(w, r);
	else if (!w->waiting)
		wait_answer(w, NULL);	/* no WAIT to vouch for it */
	else
		w->held = store_reply_copy(r);
	wait_release(w);
}

/* store: the barrier's answer (a count of subscribers) says nothing. */
static void
wait_barrier_answered(redisReply *r, void *priv)
{
	(void)r;
	wait_release(priv);
}

/* store: WAIT answered with the number of replicas that have the write. */
static void
wait_answered(redisReply *r, void *priv)
{
	struct wait_call *w = priv;
	redisReply refusal = { .type = REDIS_REPLY_ERROR };
	char msg[200];

	if (r == NULL || w->held == NULL)
		wait_answer(w, NULL);
	else if (r->type == REDIS_REPLY_INTEGER && r->integer >= w->replicas)
		wait_answer(w, w->held);
	else {
		snprintf(msg, sizeof msg, "%s the change was made on the "
		    "master but only %lld of %d replicas confirmed it",
		    WAIT_NOT_REPLICATED, r->type == REDIS_REPLY_INTEGER ?
		    r->integer : 0LL, w->replicas);
		refusal.str = msg;
		refusal.len = strlen(msg);
		wait_answer(w, &refusal);
	}
	wait_release(w);
}

/*
 * Sends a script (argv as for EVALSHA), the barrier and "WAIT replicas
 * timeout_ms" together. cb runs once: with the script's answer when WAIT
 * counted enough replicas, with a NOTREPLICATED error when not, with the
 * script's error when it refused, or with NULL when the link went away.
 * Returns -1 (cb not called) if nothing could be sent.
 */
int
store_wait_script(int argc, const char **argv, const size_t *lens,
    int replicas, int timeout_ms, store_cb cb, void *priv)
{
	struct wait_call *w = xcalloc(1, sizeof *w);
	const char *barrier[3] = { "PUBLISH", WAIT_BARRIER_CHANNEL, "" };
	char n[16], ms[16];
	const char *wait[3] = { "WAIT", n, ms };

	w->cb = cb;
	w->priv = priv;
	w->replicas = replicas;
	snprintf(n, sizeof n, "%d", replicas);
	snprintf(ms, sizeof ms, "%d", timeout_ms);
	if (store_command(argc, argv, lens, wait_script_answered, w) == -1) {
		free(w);
		return -1;
	}
	w->refs = 1;
	/*
	 * The script is on its way, so from here cb must run. hiredis only
	 * refuses a command when the link is being torn down; then the
	 * script's answer is NULL, or else unvouched for, and answered so.
	 */
	if (store_command(3, barrier, NULL, wait_barrier_answered, w) == -1)
		return 0;
	w->refs++;
	if (store_command(3, wait, NULL, wait_answered, w) == -1)
		return 0;
	w->refs++;
	w->waiting = 1;
	return 0;
}
