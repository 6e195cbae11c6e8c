/* Fault-test helpers: a create load over many clients, checks of what Redis holds, process figures. */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness-fault.h"

#define RECONNECT_MS 100
#define DEFAULT_CONTENT "小区停水两天了，请尽快处理。"

/* Logs client k of l in (again); 0, or -1 with a retry scheduled. */
static int
load_connect(struct fault_load *l, int k)
{
	struct fault_client *fc = &l->clients[k];
	char addr[HARNESS_PATH + 8];
	struct hl_error err;

	harness_unix_address(&l->h->main, addr, sizeof addr);
	fc->inflight = 0;
	fc->c = harness_try_login(addr, fc->principal, &err);
	if (fc->c == NULL) {
		fc->reconnect_at = harness_now_ms() + RECONNECT_MS;
		return -1;
	}
	return 0;
}

/* Logs the clients in and prepares the calls; see harness-fault.h. */
int
fault_load_init(struct fault_load *l, struct harness *h, int nclients,
    int ncalls, int window)
{
	int i;

	memset(l, 0, sizeof *l);
	l->h = h;
	l->nclients = nclients;
	l->window = window;
	l->retry_ms = 100;
	l->content = DEFAULT_CONTENT;
	l->clients = calloc((size_t)nclients, sizeof *l->clients);
	l->calls = calloc((size_t)ncalls, sizeof *l->calls);
	if (l->clients == NULL || l->calls == NULL)
		return -1;
	l->ncalls = ncalls;
	for (i = 0; i < ncalls; i++) {
		harness_call_id(l->calls[i].call_id, sizeof l->calls[i].call_id);
		harness_phone(l->calls[i].phone, sizeof l->calls[i].phone);
	}
	for (i = 0; i < nclients; i++) {
		l->clients[i].principal = i % 2 == 0 ? "agent01" : "agent02";
		if (load_connect(l, i) == -1) {
			fprintf(stderr, "fault: client %d could not log in\n", i);
			return -1;
		}
	}
	return 0;
}

/* Closes the clients and frees everything. */
void
fault_load_free(struct fault_load *l)
{
	int i;

	for (i = 0; i < l->nclients; i++)
		if (l->clients[i].c != NULL)
			hl_close(l->clients[i].c);
	free(l->clients);
	free(l->calls);
	memset(l, 0, sizeof *l);
}

/* Client k's connection died: what it had in flight goes back to be resent. */
static void
load_lost(struct fault_load *l, int k)
{
	int i;

	hl_close(l->clients[k].c);
	l->clients[k].c = NULL;
	l->clients[k].inflight = 0;
	l->clients[k].reconnect_at = harness_now_ms() + RECONNECT_MS;
	l->dropped++;
	for (i = 0; i < l->ncalls; i++)
		if (l->calls[i].state == FAULT_SENT && l->calls[i].client == k) {
			l->calls[i].state = FAULT_WAITING;
			l->calls[i].retry_at = 0;
			l->lost++;
		}
}

/* Sends call i on client k; 0, or -1 if the connection failed. */
static int
load_send(struct fault_load *l, int k, int i)
{
	struct fault_call *call = &l->calls[i];
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT;
	Hotline__CreateRequest req;
	struct hl_error err;
	char unused[64];

	harness_create_init(&req, unused, sizeof unused, call->phone, "小区停水",
	    l->content);
	req.call_id = call->call_id;
	call->state = FAULT_SENT;
	call->client = k;
	call->attempts++;
	call->sent_ms = harness_now_ms();
	l->clients[k].inflight++;
	env.id = (uint64_t)i + 1;
	env.body_case = BODY(CREATE);
	env.create = &req;
	/* Quiet: a write to a killed daemon is part of the test. */
	return hl_send(l->clients[k].c, &env, &err);
}

/* Fills client k's window with calls that wait; -1 if its connection failed. */
static int
load_fill(struct fault_load *l, int k, int *next)
{
	int64_t now = harness_now_ms();
	int scanned;

	for (scanned = 0; scanned < l->ncalls &&
	    l->clients[k].inflight < l->window; scanned++) {
		int i = (*next + scanned) % l->ncalls;

		if (l->calls[i].state != FAULT_WAITING ||
		    l->calls[i].retry_at > now)
			continue;
		if (load_send(l, k, i) == -1)
			return -1;
		*next = (i + 1) % l->ncalls;
	}
	return 0;
}

/* Records an Error answer to call. */
static void
load_error(struct fault_load *l, struct fault_call *call, const Hotline__Error *e)
{
	int64_t took = harness_now_ms() - call->sent_ms;

	if (e->code != ERR(UNAVAILABLE) || l->retry_ms < 0) {
		call->state = FAULT_FAILED;
		l->failed++;
		snprintf(l->last_failure, sizeof l->last_failure, "%s: %s",
		    hl_error_name((int)e->code), e->message);
		if (e->code == ERR(UNAVAILABLE))
			l->unavailable++;
		return;
	}
	l->unavailable++;
	if (strstr(e->message_en, "in time") != NULL)
		l->unavailable_timeout++;
	if (strstr(e->message, "存储繁忙") != NULL)
		l->unavailable_busy++;
	if (took > l->unavailable_max_ms)
		l->unavailable_max_ms = took;
	call->state = FAULT_WAITING;
	call->retry_at = harness_now_ms() + l->retry_ms;
}

/* Handles one frame that came on client k. */
static void
load_frame(struct fault_load *l, int k, Hotline__Envelope *f)
{
	struct fault_call *call;

	if (f->id == 0 || f->id > (uint64_t)l->ncalls ||
	    l->calls[f->id - 1].state != FAULT_SENT ||
	    l->calls[f->id - 1].client != k) {
		l->failed++;
		snprintf(l->last_failure, sizeof l->last_failure,
		    "unexpected frame id %llu body %s on client %d",
		    (unsigned long long)f->id, hl_body_name(f->body_case), k);
		return;
	}
	call = &l->calls[f->id - 1];
	l->clients[k].inflight--;
	if (f->body_case == BODY(ERROR)) {
		load_error(l, call, f->error);
		return;
	}
	if (f->body_case != BODY(CREATED) || f->created->ticket == NULL) {
		call->state = FAULT_FAILED;
		l->failed++;
		return;
	}
	call->state = FAULT_ACKED;
	call->duplicate = f->created->duplicate;
	snprintf(call->number, sizeof call->number, "%s",
	    f->created->ticket->number);
	l->acked++;
	l->last_ack_ms = harness_now_ms();
}

/* Takes every frame client k has; -1 if its connection failed. */
static int
load_receive(struct fault_load *l, int k)
{
	Hotline__Envelope *f;
	struct hl_error err;
	int r;

	while ((r = hl_recv(l->clients[k].c, 0, &f, &err)) == 1) {
		load_frame(l, k, f);
		hl_envelope_free(f);
	}
	return r;
}

/* One round of sending, waiting up to poll_ms, and receiving; see harness-fault.h. */
int
fault_load_step(struct fault_load *l, int poll_ms)
{
	struct pollfd *pfd = calloc((size_t)l->nclients, sizeof *pfd);
	int64_t now = harness_now_ms();
	int k, open = 0, next = 0;

	if (pfd == NULL)
		return -1;
	for (k = 0; k < l->nclients; k++) {
		struct fault_client *fc = &l->clients[k];

		pfd[k].fd = -1;
		if (fc->c == NULL && fc->reconnect_at <= now &&
		    load_connect(l, k) == 0)
			l->reconnects++;
		if (fc->c != NULL && load_fill(l, k, &next) == -1)
			load_lost(l, k);
		if (fc->c != NULL) {
			pfd[k].fd = hl_fd(fc->c);
			pfd[k].events = POLLIN;
			open++;
		}
	}
	if (open == 0)
		harness_sleep_ms(poll_ms);
	else if (poll(pfd, (nfds_t)l->nclients, poll_ms) > 0)
		for (k = 0; k < l->nclients; k++)
			if (pfd[k].revents != 0 && load_receive(l, k) == -1)
				load_lost(l, k);
	free(pfd);
	return l->ncalls - fault_load_count(l, FAULT_ACKED) -
	    fault_load_count(l, FAULT_FAILED);
}

/* Steps until acked reaches target or every call is settled; bounded by wait_ms. */
int
fault_load_until(struct fault_load *l, int target, int wait_ms)
{
	int64_t end = harness_now_ms() + wait_ms;

	while (harness_now_ms() < end)
		if (fault_load_step(l, 20) == 0 || l->acked >= target)
			return 0;
	return -1;
}

/* Counts the calls in state s. */
int
fault_load_count(const struct fault_load *l, enum fault_call_state s)
{
	int i, n = 0;

	for (i = 0; i < l->ncalls; i++)
		n += l->calls[i].state == s;
	return n;
}

/* Prints the load's figures. */
void
fault_load_print(const struct fault_load *l, const char *what)
{
	int i, resent = 0, dup = 0;

	for (i = 0; i < l->ncalls; i++) {
		resent += l->calls[i].attempts > 1;
		dup += l->calls[i].state == FAULT_ACKED && l->calls[i].duplicate;
	}
	fprintf(stderr, "# %s: %d clients, %d creates: %d acknowledged "
	    "(%d of them \"seen before\" after a resend), %d resent, "
	    "%d failed; %d UNAVAILABLE answers (%d timed out, %d refused as "
	    "overloaded, slowest %lld ms); %d lost in flight, %d connections "
	    "dropped, %d reconnects\n", what, l->nclients, l->ncalls, l->acked,
	    dup, resent, l->failed, l->unavailable, l->unavailable_timeout,
	    l->unavailable_busy, (long long)l->unavailable_max_ms, l->lost,
	    l->dropped, l->reconnects);
	if (l->last_failure[0] != '\0')
		fprintf(stderr, "# %s: last failure: %s\n", what,
		    l->last_failure);
}

/* Compares two string pointers, for qsort and bsearch. */
static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A sorted set of strings read from Redis. */
struct strset {
	char **v;
	size_t n, cap;
};

/* Adds a copy of the first len bytes of s. */
static void
strset_add(struct strset *s, const char *str, size_t len)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->v = realloc(s->v, s->cap * sizeof *s->v);
		if (s->v == NULL)
			abort();
	}
	s->v[s->n++] = strndup(str, len);
}

/* Sorts s for strset_count. */
static void
strset_sort(struct strset *s)
{
	if (s->n > 0)
		qsort(s->v, s->n, sizeof *s->v, cmp_str);
}

/* Counts the copies of key in a sorted s. */
static int
strset_count(const struct strset *s, const char *key)
{
	char **hit;
	int n = 0;

	if (s->n == 0 || (hit = bsearch(&key, s->v, s->n, sizeof *s->v,
	    cmp_str)) == NULL)
		return 0;
	while (hit > s->v && strcmp(hit[-1], key) == 0)
		hit--;
	while (hit < s->v + s->n && strcmp(*hit, key) == 0) {
		n++;
		hit++;
	}
	return n;
}

/* Frees s. */
static void
strset_free(struct strset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof *s);
}

/* Reads the call id of every ticket into ids (SCAN, no KEYS); -1 on a failure. */
static int
read_ticket_call_ids(redisContext *rc, struct strset *ids)
{
	char cursor[64] = "0";
	size_t i;

	do {
		redisReply *r = redisCommand(rc, "SCAN %s MATCH ht:ticket:* "
		    "COUNT 1000", cursor);

		if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
			freeReplyObject(r);
			return -1;
		}
		snprintf(cursor, sizeof cursor, "%s", r->element[0]->str);
		for (i = 0; i < r->element[1]->elements; i++) {
			redisReply *id = redisCommand(rc, "HGET %s call_id",
			    r->element[1]->element[i]->str);

			if (id != NULL && id->type == REDIS_REPLY_STRING)
				strset_add(ids, id->str, id->len);
			freeReplyObject(id);
		}
		freeReplyObject(r);
	} while (strcmp(cursor, "0") != 0);
	strset_sort(ids);
	return 0;
}

/* Reads the ticket numbers of a feed's events (XRANGE) into nums; -1 on a failure. */
static int
read_feed_numbers(redisContext *rc, const char *feed, struct strset *nums)
{
	redisReply *r = redisCommand(rc, "XRANGE %s - +", feed);
	size_t i, j;

	if (r == NULL || r->type != REDIS_REPLY_ARRAY) {
		freeReplyObject(r);
		return -1;
	}
	for (i = 0; i < r->elements; i++) {
		redisReply *fields = r->element[i]->element[1];

		for (j = 0; j + 1 < fields->elements; j += 2)
			if (strcmp(fields->element[j]->str, "number") == 0)
				strset_add(nums, fields->element[j + 1]->str,
				    fields->element[j + 1]->len);
	}
	freeReplyObject(r);
	strset_sort(nums);
	return 0;
}

/* Reads the ticket numbers that have timers ("<number>:<kind>:<gen>") into nums. */
static int
read_timer_numbers(redisContext *rc, struct strset *nums)
{
	redisReply *r = redisCommand(rc, "ZRANGE ht:timers 0 -1");
	size_t i;

	if (r == NULL || r->type != REDIS_REPLY_ARRAY) {
		freeReplyObject(r);
		return -1;
	}
	for (i = 0; i < r->elements; i++)
		strset_add(nums, r->element[i]->str,
		    strcspn(r->element[i]->str, ":"));
	freeReplyObject(r);
	strset_sort(nums);
	return 0;
}

/* Checks one acknowledged call against Redis, adding to out. */
static void
check_acked(redisContext *rc, const struct fault_call *call,
    const struct strset *feed, const struct strset *timers,
    struct fault_check *out)
{
	redisReply *key = harness_callid(rc, call->call_id);
	redisReply *t = redisCommand(rc, "EXISTS ht:ticket:%s", call->number);
	long hist = harness_history_len(rc, call->number);
	int ok = 1;

	if (key == NULL || key->type != REDIS_REPLY_STRING ||
	    strcmp(key->str, call->number) != 0) {
		out->wrong_number++;
		ok = 0;
	}
	if (t == NULL || t->integer != 1) {
		out->missing_ticket++;
		ok = 0;
	}
	if (hist < 2) {
		out->missing_history++;
		ok = 0;
	}
	if (strset_count(feed, call->number) != 1) {
		out->missing_feed++;
		ok = 0;
	}
	if (strset_count(timers, call->number) < 1) {
		out->missing_timers++;
		ok = 0;
	}
	out->found += ok;
	freeReplyObject(key);
	freeReplyObject(t);
}

/* Reads Redis for every call of l; see harness-fault.h. */
int
fault_check_redis(struct harness *h, const struct fault_load *l,
    struct fault_check *out)
{
	struct strset ids = { 0 }, feed = { 0 }, timers = { 0 };
	redisContext *rc = harness_redis(h);
	int i, rc_ok = -1;

	memset(out, 0, sizeof *out);
	if (rc == NULL)
		return -1;
	if (read_ticket_call_ids(rc, &ids) == -1 ||
	    read_feed_numbers(rc, "ht:dept:water:feed", &feed) == -1 ||
	    read_timer_numbers(rc, &timers) == -1)
		goto done;
	for (i = 0; i < l->ncalls; i++) {
		const struct fault_call *call = &l->calls[i];
		int n = strset_count(&ids, call->call_id);

		out->tickets += n;
		if (n == 0)
			out->call_ids_without++;
		else
			out->duplicates += n - 1;
		if (call->state == FAULT_ACKED) {
			out->acked++;
			check_acked(rc, call, &feed, &timers, out);
		}
	}
	rc_ok = 0;
done:
	strset_free(&ids);
	strset_free(&feed);
	strset_free(&timers);
	redisFree(rc);
	return rc_ok;
}

/* Prints a check's figures. */
void
fault_check_print(const struct fault_check *c, const char *what)
{
	fprintf(stderr, "# %s: Redis holds %d tickets for the call ids; %d "
	    "acknowledged, %d found whole (ticket, history, feed event, "
	    "timers); missing: %d tickets, %d histories, %d feed events, %d "
	    "timers; %d idempotency keys naming another ticket; %d call ids "
	    "without a ticket; %d duplicates\n", what, c->tickets, c->acked,
	    c->found, c->missing_ticket, c->missing_history, c->missing_feed,
	    c->missing_timers, c->wrong_number, c->call_ids_without,
	    c->duplicates);
}

/* Starts the servers with the test's own limits; see harness-fault.h. */
int
fault_start_with_limits(struct harness *h, const char *limits)
{
	if (harness_start(h) == -1)
		return -1;
	if (harness_edit_config(&h->main, "drain_timeout_ms = 3000;",
	    limits) == -1 || harness_restart(h) == -1) {
		harness_stop(h);
		return -1;
	}
	return 0;
}

/* Reads /proc/<pid>/stat's utime + stime, in milliseconds. */
int64_t
fault_cpu_ms(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut, stime;
	long tick = sysconf(_SC_CLK_TCK);
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* Fields after the command name, which ends with the last ')'. */
	if ((p = strrchr(buf, ')')) == NULL || sscanf(p + 2,
	    "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut,
	    &stime) != 2 || tick <= 0)
		return -1;
	return (int64_t)((ut + stime) * 1000 / (unsigned long long)tick);
}

/* Reads VmRSS from /proc/<pid>/status. */
long
fault_rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* Signals the test Redis. */
int
fault_redis_signal(struct harness *h, int sig)
{
	return h->redis_pid > 0 ? kill(h->redis_pid, sig) : -1;
}

/* Kills the test Redis at once: no shutdown, no final AOF write. */
int
fault_redis_kill(struct harness *h)
{
	int status;

	if (h->redis_pid <= 0 || kill(h->redis_pid, SIGKILL) == -1)
		return -1;
	waitpid(h->redis_pid, &status, 0);
	h->redis_pid = 0;
	return 0;
}

/* Runs a command on the test Redis; see harness-fault.h. */
int
fault_redis_command(struct harness *h, char *out, size_t outlen,
    const char *fmt, ...)
{
	redisContext *rc = harness_redis(h);
	redisReply *r;
	va_list ap;
	int type;

	if (rc == NULL)
		return -1;
	va_start(ap, fmt);
	r = redisvCommand(rc, fmt, ap);
	va_end(ap);
	if (r == NULL) {
		redisFree(rc);
		return -1;
	}
	type = r->type;
	if (r->type == REDIS_REPLY_INTEGER)
		snprintf(out, outlen, "%lld", r->integer);
	else if (r->str != NULL)
		snprintf(out, outlen, "%s", r->str);
	else
		snprintf(out, outlen, "%s", "");
	freeReplyObject(r);
	redisFree(rc);
	return type;
}

/* CONFIG SET name value on the test Redis. */
int
fault_redis_config(struct harness *h, const char *name, const char *value)
{
	char answer[256];
	int type = fault_redis_command(h, answer, sizeof answer,
	    "CONFIG SET %s %s", name, value);

	if (type != REDIS_REPLY_STATUS) {
		fprintf(stderr, "fault: CONFIG SET %s %s: %s\n", name, value,
		    type == -1 ? "no answer" : answer);
		return -1;
	}
	return 0;
}

/* Sets the soft RLIMIT_NOFILE; returns the old soft limit or -1. */
long
fault_set_nofile(long soft)
{
	struct rlimit rl;
	long old;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return -1;
	old = (long)rl.rlim_cur;
	if ((rlim_t)soft > rl.rlim_max)
		rl.rlim_max = (rlim_t)soft;	/* root may raise the hard limit */
	rl.rlim_cur = (rlim_t)soft;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1) {
		fprintf(stderr, "fault: setrlimit NOFILE %ld: %s\n", soft,
		    strerror(errno));
		return -1;
	}
	return old;
}

/* Starts d with a low soft RLIMIT_NOFILE, inherited through fork. */
int
fault_daemon_start_nofile(struct harness *h, struct harness_daemon *d,
    long nofile)
{
	long old = fault_set_nofile(nofile);
	int rc;

	if (old == -1)
		return -1;
	rc = harness_daemon_start(h, d);
	fault_set_nofile(old);
	return rc;
}

/* Opens a bare connection to d's unix socket. */
int
fault_connect_unix(const struct harness_daemon *d)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(d->sock) >= sizeof sun.sun_path)
		return -1;
	memcpy(sun.sun_path, d->sock, strlen(d->sock) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Fetches /metrics as admin01 and returns the gauge name's value. */
long
fault_metric(const struct harness_daemon *d, const char *name)
{
	static const char request[] = "GET /metrics HTTP/1.0\r\n"
	    "Authorization: Basic YWRtaW4wMTphZG1pbjAxLXRlc3Q=\r\n\r\n";
	char answer[65536], pattern[128], *at;
	struct timeval tv = { 5, 0 };
	struct sockaddr_in sin;
	size_t used = 0;
	ssize_t n;
	long value = -1;
	int fd;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)d->http_port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	/* Bounded: a daemon that stopped serving fails the caller, never hangs it. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) == 0 &&
	    write(fd, request, sizeof request - 1) == (ssize_t)sizeof request - 1)
		while (used + 1 < sizeof answer && (n = read(fd, answer + used,
		    sizeof answer - used - 1)) > 0)
			used += (size_t)n;
	close(fd);
	answer[used] = '\0';
	snprintf(pattern, sizeof pattern, "\n%s ", name);
	if ((at = strstr(answer, pattern)) != NULL)
		value = strtol(at + strlen(pattern), NULL, 10);
	return value;
}
