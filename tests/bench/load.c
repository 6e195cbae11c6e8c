/* Agents' load on hotlined through libhotline: many connections, pipelined creates, open or closed loop. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "load.h"

#define LOAD_CONNECT_MS 10000
#define LOAD_IDLE_WAIT_US 20000		/* longest sleep in poll */

static unsigned load_runs;

/* Connects and says hello as principal with its demo token; dies on failure. */
struct hl_client *
load_login(const char *address, const char *principal, char *server,
    size_t server_len)
{
	struct hl_client *c;
	Hotline__Envelope *ok;
	struct hl_error err;
	char token[96];

	if ((c = hl_connect(address, LOAD_CONNECT_MS, &err)) == NULL)
		bench_die("connect %s: %s", address, err.message);
	if (hl_hello(c, HOTLINE__ROLE__ROLE_UNSPECIFIED, principal,
	    bench_demo_token(principal, token, sizeof token), &ok, &err) == -1)
		bench_die("hello as %s: %s: %s", principal,
		    hl_error_name(err.code), err.message);
	if (server != NULL)
		snprintf(server, server_len, "%s", ok->hello_ok->server);
	hl_envelope_free(ok);
	return c;
}

/* Opens n agent connections as principal. */
void
load_open(struct load *l, const char *address, size_t n,
    const char *principal, const struct bench_ticket *pool, size_t npool)
{
	size_t i;

	memset(l, 0, sizeof *l);
	if ((l->conns = calloc(n, sizeof *l->conns)) == NULL)
		bench_die("out of memory");
	for (i = 0; i < n; i++)
		l->conns[i].c = load_login(address, principal, l->server,
		    sizeof l->server);
	l->nconns = n;
	l->pool = pool;
	l->npool = npool;
	latency_init(&l->st.lat);
}

/* Closes the agent connections and frees everything. */
void
load_close(struct load *l)
{
	size_t i;

	for (i = 0; i < l->nconns; i++)
		hl_close(l->conns[i].c);
	free(l->conns);
	free(l->due);
	latency_free(&l->st.lat);
	memset(l, 0, sizeof *l);
}

/* Remembers when ticket seq was due. */
static void
load_set_due(struct load *l, uint64_t seq, int64_t due)
{
	size_t want;

	if (seq >= l->ndue) {
		want = l->ndue > 0 ? l->ndue * 2 : 65536;
		while (want <= seq)
			want *= 2;
		if ((l->due = realloc(l->due, want * sizeof *l->due)) == NULL)
			bench_die("out of memory");
		l->ndue = want;
	}
	l->due[seq] = due;
}

/* Sends the next ticket on lc, due at due (us). */
static void
load_send(struct load *l, struct load_conn *lc, int64_t due)
{
	uint64_t seq = l->next_seq++;
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT;
	Hotline__CreateRequest q;
	struct hl_error err;
	char call_id[96], phone[24];

	snprintf(call_id, sizeof call_id, "%s-%" PRIu64, l->tag, seq);
	ticketgen_phone(ticketgen_caller(seq) * 7919 + (uint64_t)getpid() *
	    104729 + load_runs, phone, sizeof phone);
	ticketgen_request(&l->pool[seq % l->npool], &q, call_id, phone);
	env.id = seq + 1;
	env.body_case = HOTLINE__ENVELOPE__BODY_CREATE;
	env.create = &q;
	load_set_due(l, seq, due);
	if (bench_now_us() - due > l->st.max_send_lag_us)
		l->st.max_send_lag_us = bench_now_us() - due;
	if (hl_send(lc->c, &env, &err) == -1)
		bench_die("send: %s: %s", hl_error_name(err.code), err.message);
	lc->inflight++;
	l->st.sent++;
}

/* Returns the connection with the fewest creates in flight. */
static struct load_conn *
load_least_busy(struct load *l)
{
	struct load_conn *best = &l->conns[0];
	size_t i;

	for (i = 1; i < l->nconns; i++)
		if (l->conns[i].inflight < best->inflight)
			best = &l->conns[i];
	return best;
}

/* When ticket seq is due in an open loop starting at start. */
static int64_t
load_due_at(const struct load_plan *p, int64_t start, uint64_t seq)
{
	return start + (int64_t)((double)seq * 1e6 / p->rate);
}

/* Open loop: sends every ticket that is due; returns when the next one is. */
static int64_t
load_send_open(struct load *l, const struct load_plan *p, int64_t start,
    int64_t now)
{
	int64_t due;
	struct load_conn *lc;

	while ((due = load_due_at(p, start, l->next_seq)) <= now &&
	    due < l->measure_to) {
		lc = load_least_busy(l);
		if (lc->inflight >= LOAD_MAX_INFLIGHT)
			return now + LOAD_IDLE_WAIT_US;	/* all full: the daemon lags */
		load_send(l, lc, due);
	}
	return due;
}

/* Closed loop: tops every connection up to its window. */
static void
load_send_closed(struct load *l, const struct load_plan *p, int64_t now)
{
	size_t i;

	for (i = 0; i < l->nconns; i++)
		while (l->conns[i].inflight < p->window &&
		    (p->count > 0 ? l->next_seq < p->count :
		    now < l->measure_to))
			load_send(l, &l->conns[i], now);
}

/* Counts a created ticket's routing. */
static void
load_count_created(struct load *l, const Hotline__CreateReply *cr)
{
	if (cr->duplicate) {
		l->st.duplicates++;
		return;
	}
	if (cr->ticket != NULL && cr->ticket->state ==
	    HOTLINE__TICKET_STATE__TICKET_STATE_DISPATCHED)
		l->st.dispatched++;
	else
		l->st.triage++;
	if (cr->ticket != NULL && cr->ticket->repeat_of[0] != '\0')
		l->st.repeats++;
}

/* Remembers an Error answer. */
static void
load_count_error(struct load *l, const Hotline__Envelope *env)
{
	if (l->st.errors++ == 0)
		snprintf(l->st.first_error, sizeof l->st.first_error, "%s: %s",
		    hl_error_name(env->error->code), env->error->message);
}

/* Handles an answer to create seq + 1 read from lc at now. */
static void
load_answer(struct load *l, const struct load_plan *p, struct load_conn *lc,
    const Hotline__Envelope *env, int64_t now)
{
	uint64_t seq = env->id - 1;
	int64_t due, at;

	if (env->id == 0 && env->body_case == HOTLINE__ENVELOPE__BODY_ERROR)
		bench_die("the daemon closed an agent connection: %s",
		    env->error->message);
	if (env->id == 0 || seq >= l->next_seq)
		return;
	due = l->due[seq];
	lc->inflight--;
	l->st.answered++;
	if (env->body_case == HOTLINE__ENVELOPE__BODY_ERROR)
		load_count_error(l, env);
	else if (env->body_case == HOTLINE__ENVELOPE__BODY_CREATED)
		load_count_created(l, env->created);
	at = p->rate > 0 ? due : now;
	if (env->body_case == HOTLINE__ENVELOPE__BODY_CREATED &&
	    (p->count > 0 || (at >= l->measure_from && at < l->measure_to))) {
		l->st.measured++;
		latency_add(&l->st.lat, now - due);
	}
	if (l->on_reply != NULL)
		l->on_reply(l, seq, due, env);
}

/* Reads every frame c has for us; agent answers when lc is set, else extra index. */
static void
load_read(struct load *l, const struct load_plan *p, struct hl_client *c,
    struct load_conn *lc, size_t index)
{
	Hotline__Envelope *env;
	struct hl_error err;
	int r;

	while ((r = hl_recv(c, 0, &env, &err)) == 1) {
		if (lc != NULL)
			load_answer(l, p, lc, env, bench_now_us());
		else if (l->on_extra != NULL)
			l->on_extra(l, index, env);
		hl_envelope_free(env);
	}
	if (r == -1)
		bench_die("read: %s: %s", hl_error_name(err.code), err.message);
}

/* Waits until until (us) at most for frames, and reads them. */
static void
load_poll(struct load *l, const struct load_plan *p, int64_t until)
{
	struct pollfd pfd[l->nconns + l->nextra];
	size_t i, n = l->nconns + l->nextra;
	int64_t wait = until - bench_now_us();
	struct timespec ts;

	if (wait < 0)
		wait = 0;
	if (wait > LOAD_IDLE_WAIT_US)
		wait = LOAD_IDLE_WAIT_US;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)wait * 1000;
	for (i = 0; i < n; i++) {
		pfd[i].fd = hl_fd(i < l->nconns ? l->conns[i].c :
		    l->extra[i - l->nconns]);
		pfd[i].events = POLLIN;
		pfd[i].revents = 0;
	}
	if (ppoll(pfd, n, &ts, NULL) == -1 && errno != EINTR)
		bench_die("poll: %s", strerror(errno));
	for (i = 0; i < n; i++) {
		if (pfd[i].revents == 0)
			continue;
		if (i < l->nconns)
			load_read(l, p, l->conns[i].c, &l->conns[i], 0);
		else
			load_read(l, p, l->extra[i - l->nconns], NULL,
			    i - l->nconns);
	}
}

/* Returns the creates in flight on all connections. */
static uint64_t
load_inflight(const struct load *l)
{
	return l->st.sent - l->st.answered;
}

/* Starts a run: fresh figures, a fresh call id tag, the measured interval. */
static int64_t
load_begin(struct load *l, const struct load_plan *p)
{
	int64_t start = bench_now_us() + 1000;
	struct latency lat = l->st.lat;
	size_t i;

	latency_reset(&lat);
	memset(&l->st, 0, sizeof l->st);
	l->st.lat = lat;
	for (i = 0; i < l->nconns; i++)
		l->conns[i].inflight = 0;
	l->next_seq = 0;
	snprintf(l->tag, sizeof l->tag, "bench-%ld-%lld-%u", (long)getpid(),
	    (long long)bench_wall_ms(), ++load_runs);
	l->measure_from = start + (int64_t)(p->warmup_s * 1e6);
	l->measure_to = p->count > 0 ? INT64_MAX :
	    l->measure_from + (int64_t)(p->seconds * 1e6);
	return start;
}

/* Fills the figures that are known only at the end. */
static void
load_finish(struct load *l, const struct load_plan *p, double cpu_from,
    double cpu_to)
{
	uint64_t due = p->rate > 0 ?
	    (uint64_t)(p->rate * (p->warmup_s + p->seconds)) : l->st.sent;

	l->st.late = due > l->st.answered ? due - l->st.answered : 0;
	l->st.seconds = p->count > 0 ? l->st.seconds : p->seconds;
	l->st.rate = l->st.seconds > 0 ? l->st.measured / l->st.seconds : 0;
	l->st.cpu_s = cpu_to - cpu_from;
}

/* Runs plan; see load.h. */
void
load_run(struct load *l, const struct load_plan *p)
{
	int64_t start = load_begin(l, p), now, next, drain_end = INT64_MAX;
	double cpu_from = -1, cpu_to = -1;

	for (;;) {
		now = bench_now_us();
		if (cpu_from < 0 && now >= l->measure_from)
			cpu_from = bench_cpu_seconds();
		next = now + LOAD_IDLE_WAIT_US;
		if (now < start)
			next = start;
		else if (p->rate > 0)
			next = load_send_open(l, p, start, now);
		else
			load_send_closed(l, p, now);
		if (drain_end == INT64_MAX && (now >= l->measure_to ||
		    (p->count > 0 && l->next_seq >= p->count))) {
			drain_end = now + (int64_t)p->drain_ms * 1000;
			cpu_to = bench_cpu_seconds();
		}
		if (drain_end != INT64_MAX && ((load_inflight(l) == 0 &&
		    (l->waiting == NULL || !l->waiting(l))) || now >= drain_end))
			break;
		load_poll(l, p, next);
	}
	if (p->count > 0)
		l->st.seconds = (bench_now_us() - l->measure_from) / 1e6;
	load_finish(l, p, cpu_from, cpu_to);
}
