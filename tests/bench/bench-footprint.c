/* Footprint: Redis memory per open ticket (created and signed), hotlined memory per idle connection. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "hotlined.h"
#include "common.h"
#include "redis-link.h"
#include "load.h"
#include "ticketgen.h"

#define POOL_SIZE 4096
#define SIGN_WINDOW 64
#define SAMPLE_KEYS 200
#define MAX_BATCHES 16
#define HELLO_SAMPLES 20
#define MAX_GROUPS 128
#define IDLE_PRINCIPAL "bench-idle"	/* run.sh adds it with a cheap hash */

/* The command line. */
struct options {
	const char *mode;	/* "memory", "conns" or "hash" */
	const char *principal;	/* hash: whose demo token (default bench-idle) */
	const char *address, *redis, *conf;
	long count;		/* tickets, or connections */
	long pid;		/* hotlined, for conns */
	int breakdown;		/* memory: -b, bytes per ticket of each key group */
};

/* A dispatched ticket to sign: its number and department. */
struct to_sign {
	char number[24];
	char department[40];
};

/* What the memory mode gathers while the agents create tickets. */
struct signing {
	struct to_sign *tickets;
	size_t n, cap;
};

/* Prints how to call this program and exits 2. */
static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: bench-footprint -m memory -a address -r redis "
	    "-f conf [-n tickets] [-b]\n"
	    "       bench-footprint -m conns -a address -p pid [-n conns]\n"
	    "       bench-footprint -m hash [-u principal]\n");
	exit(2);
}

/* Reads the command line. */
static void
parse_options(struct options *o, int argc, char *argv[])
{
	int ch;

	memset(o, 0, sizeof *o);
	while ((ch = getopt(argc, argv, "a:bf:m:n:p:r:u:")) != -1) {
		switch (ch) {
		case 'a':
			o->address = optarg;
			break;
		case 'b':
			o->breakdown = 1;
			break;
		case 'f':
			o->conf = optarg;
			break;
		case 'm':
			o->mode = optarg;
			break;
		case 'n':
			o->count = bench_atol("-n", optarg, 1, 100000000);
			break;
		case 'p':
			o->pid = bench_atol("-p", optarg, 1, 1L << 30);
			break;
		case 'r':
			o->redis = optarg;
			break;
		case 'u':
			o->principal = optarg;
			break;
		default:
			usage();
		}
	}
	if (o->mode == NULL || optind != argc ||
	    (o->address == NULL && strcmp(o->mode, "hash") != 0))
		usage();
}

/* Returns INFO memory's used_memory in bytes. */
static double
redis_used_memory(redisContext *rc)
{
	redisReply *r = redisCommand(rc, "INFO memory");
	const char *p;
	double v;

	if (r == NULL || r->type != REDIS_REPLY_STRING ||
	    (p = strstr(r->str, "used_memory:")) == NULL)
		bench_die("INFO memory failed");
	v = strtod(p + strlen("used_memory:"), NULL);
	freeReplyObject(r);
	return v;
}

/* Returns MEMORY USAGE of key in bytes (0 if it does not exist). */
static double
redis_key_bytes(redisContext *rc, const char *prefix, const char *number)
{
	redisReply *r = redisCommand(rc, "MEMORY USAGE %s%s SAMPLES 0",
	    prefix, number);
	double v = 0;

	if (r != NULL && r->type == REDIS_REPLY_INTEGER)
		v = (double)r->integer;
	if (r != NULL)
		freeReplyObject(r);
	return v;
}

/* The keys of Redis grouped by name (digit runs as "#"): count and MEMORY USAGE. */
struct key_groups {
	struct key_group {
		char name[64];
		double keys, bytes;
	} g[MAX_GROUPS];
	int n;
};

/*
 * Writes key's group name (each run of digits replaced by "#"; the call-id
 * buckets, named in hex, are one group) into out.
 */
static void
group_name(const char *key, char *out, size_t size)
{
	static const char callids[] = "ht:callids:";
	size_t o = 0;

	if (strncmp(key, callids, sizeof callids - 1) == 0) {
		snprintf(out, size, "%s#", callids);
		return;
	}
	for (; *key != '\0' && o + 1 < size; key++) {
		if (*key >= '0' && *key <= '9') {
			while (key[1] >= '0' && key[1] <= '9')
				key++;
			out[o++] = '#';
		} else
			out[o++] = *key;
	}
	out[o] = '\0';
}

/* Adds one key of bytes to its group (the last group takes the overflow). */
static void
groups_add(struct key_groups *k, const char *key, double bytes)
{
	char name[64];
	int i;

	group_name(key, name, sizeof name);
	for (i = 0; i < k->n && strcmp(k->g[i].name, name) != 0; i++)
		;
	if (i == k->n) {
		if (k->n == MAX_GROUPS)
			i = MAX_GROUPS - 1;
		else
			snprintf(k->g[k->n++].name, sizeof k->g[0].name, "%s", name);
	}
	k->g[i].keys++;
	k->g[i].bytes += bytes;
}

/* Measures every key of Redis (SCAN, then MEMORY USAGE of each) into k. */
static void
groups_measure(redisContext *rc, struct key_groups *k)
{
	char cursor[32] = "0";
	redisReply *r, *u;
	size_t i;

	memset(k, 0, sizeof *k);
	do {
		r = redisCommand(rc, "SCAN %s COUNT 1000", cursor);
		if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 2)
			bench_die("SCAN failed");
		snprintf(cursor, sizeof cursor, "%s", r->element[0]->str);
		for (i = 0; i < r->element[1]->elements; i++) {
			const char *key = r->element[1]->element[i]->str;

			u = redisCommand(rc, "MEMORY USAGE %s SAMPLES 0", key);
			groups_add(k, key, u != NULL &&
			    u->type == REDIS_REPLY_INTEGER ? (double)u->integer : 0);
			if (u != NULL)
				freeReplyObject(u);
		}
		freeReplyObject(r);
	} while (strcmp(cursor, "0") != 0);
}

/* Prints, per key group, what it grew by per ticket between before and after ("B" lines). */
static void
groups_print(const struct key_groups *before, const struct key_groups *after,
    double tickets)
{
	double total = 0;
	int i, j;

	for (i = 0; i < after->n; i++) {
		double keys = after->g[i].keys, bytes = after->g[i].bytes;

		for (j = 0; j < before->n; j++)
			if (strcmp(before->g[j].name, after->g[i].name) == 0) {
				keys -= before->g[j].keys;
				bytes -= before->g[j].bytes;
			}
		total += bytes;
		if (bytes != 0)
			printf("B\t%s\t%.1f bytes/ticket\t%+.0f keys\n",
			    after->g[i].name, bytes / tickets, keys);
	}
	printf("B\t(all keys, MEMORY USAGE)\t%.1f bytes/ticket\n",
	    total / tickets);
}

/* Prints each line of a ticket's history with its size ("H" lines). */
static void
print_history(const char *history)
{
	const char *e = history, *nl;

	for (; *e != '\0'; e = *nl != '\0' ? nl + 1 : nl) {
		nl = strchr(e, '\n');
		if (nl == NULL)
			nl = e + strlen(e);
		printf("H\t%zu bytes\t%.*s\n", (size_t)(nl - e), (int)(nl - e),
		    e);
	}
}

/* Prints one ticket's hash fields with their sizes ("F" lines) and its history entries ("H"). */
static void
print_ticket(redisContext *rc, const char *number)
{
	redisReply *r = redisCommand(rc, "HGETALL ht:ticket:%s", number);
	size_t i;

	if (r != NULL && r->type == REDIS_REPLY_ARRAY)
		for (i = 0; i + 1 < r->elements; i += 2)
			printf("F\t%s\t%zu+%zu bytes\t%.60s\n",
			    r->element[i]->str, r->element[i]->len,
			    r->element[i + 1]->len, r->element[i + 1]->str);
	if (r != NULL)
		freeReplyObject(r);
	/* The history: one string, an entry a line (history.lua). */
	r = redisCommand(rc, "GET ht:history:%s", number);
	if (r != NULL && r->type == REDIS_REPLY_STRING)
		print_history(r->str);
	if (r != NULL)
		freeReplyObject(r);
}

/* load: remembers every dispatched ticket for signing. */
static void
on_created(struct load *l, uint64_t seq, int64_t due,
    const Hotline__Envelope *env)
{
	struct signing *s = l->arg;
	const Hotline__Ticket *t;

	(void)seq;
	(void)due;
	if (env->body_case != HOTLINE__ENVELOPE__BODY_CREATED ||
	    (t = env->created->ticket) == NULL || t->lead_department == NULL ||
	    t->state != HOTLINE__TICKET_STATE__TICKET_STATE_DISPATCHED)
		return;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 4096;
		if ((s->tickets = realloc(s->tickets,
		    s->cap * sizeof *s->tickets)) == NULL)
			bench_die("out of memory");
	}
	snprintf(s->tickets[s->n].number, sizeof s->tickets[s->n].number, "%s",
	    t->number);
	snprintf(s->tickets[s->n].department,
	    sizeof s->tickets[s->n].department, "%s", t->lead_department->id);
	s->n++;
}

/* Sends the sign (签收) of ticket t as request id. */
static void
sign_send(struct hl_client *c, const struct to_sign *t, uint64_t id)
{
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT;
	Hotline__SignRequest q = HOTLINE__SIGN_REQUEST__INIT;
	struct hl_error err;

	q.number = (char *)t->number;
	q.note = (char *)"已签收，安排专人跟进处理";
	env.id = id;
	env.body_case = HOTLINE__ENVELOPE__BODY_SIGN;
	env.sign = &q;
	if (hl_send(c, &env, &err) == -1)
		bench_die("sign: %s", err.message);
}

/* Reads the next answer to a sign (skipping pushed frames); returns 1 if it was an error. */
static int
sign_receive(struct hl_client *c)
{
	Hotline__Envelope *env;
	struct hl_error err;
	int r, failed;

	for (;;) {
		if ((r = hl_recv(c, 10000, &env, &err)) != 1)
			bench_die("sign answer: %s", r == 0 ? "none in 10 s" :
			    err.message);
		if (env->id != 0)
			break;
		hl_envelope_free(env);
	}
	failed = env->body_case == HOTLINE__ENVELOPE__BODY_ERROR;
	hl_envelope_free(env);
	return failed;
}

/* Signs every ticket of one department through its terminal, pipelined; returns the errors. */
static size_t
sign_department(const char *address, const char *department,
    const struct signing *s)
{
	struct hl_client *c = NULL;
	char principal[80];
	size_t i, sent = 0, answered = 0, errors = 0;

	snprintf(principal, sizeof principal, "%s-01", department);
	for (i = 0; i < s->n; i++) {
		if (strcmp(s->tickets[i].department, department) != 0)
			continue;
		if (c == NULL)
			c = load_login(address, principal, NULL, 0);
		if (sent - answered >= SIGN_WINDOW) {
			errors += (size_t)sign_receive(c);
			answered++;
		}
		sign_send(c, &s->tickets[i], ++sent);
	}
	for (; answered < sent; answered++)
		errors += (size_t)sign_receive(c);
	hl_close(c);
	return errors;
}

/* Averages MEMORY USAGE of a ticket's hash and history over a sample. */
static void
sample_keys(redisContext *rc, const struct signing *s, double *hash,
    double *history)
{
	size_t i, n = s->n < SAMPLE_KEYS ? s->n : SAMPLE_KEYS;

	*hash = *history = 0;
	for (i = 0; i < n; i++) {
		*hash += redis_key_bytes(rc, "ht:ticket:", s->tickets[i].number);
		*history += redis_key_bytes(rc, "ht:history:",
		    s->tickets[i].number);
	}
	if (n > 0) {
		*hash /= (double)n;
		*history /= (double)n;
	}
}

/* Returns the mean bytes of text an agent types for the tickets of a pool. */
static double
pool_text_bytes(const struct bench_ticket *pool, size_t n)
{
	double sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum += (double)(strlen(pool[i].title) + strlen(pool[i].content) +
		    strlen(pool[i].address) + strlen(pool[i].caller_name));
	return sum / (double)n;
}

/* Creates count tickets through hotline and signs the dispatched ones; returns the sign errors. */
static size_t
create_and_sign(const struct options *o, const struct config *conf,
    const struct bench_ticket *pool, struct signing *s, uint64_t *created)
{
	struct load_plan plan = { 0, 32, 0, 0, (uint64_t)o->count, 10000 };
	struct load l;
	size_t d, errors = 0;

	load_open(&l, o->address, 8, "agent01", pool, POOL_SIZE);
	l.on_reply = on_created;
	l.arg = s;
	load_run(&l, &plan);
	if (l.st.errors > 0)
		bench_die("%" PRIu64 " creates failed: %s", l.st.errors,
		    l.st.first_error);
	*created = l.st.answered;
	load_close(&l);
	for (d = 0; d < conf->ndepartments; d++)
		errors += sign_department(o->address, conf->departments[d].id, s);
	return errors;
}

/* Creates and signs tickets, then prints Redis memory per ticket. */
static void
measure_memory(const struct options *o)
{
	struct bench_ticket *pool = ticketgen_pool(1, POOL_SIZE);
	redisContext *rc = bench_redis_open(o->redis);
	struct signing s = { NULL, 0, 0 };
	struct config *conf;
	struct bench_result r;
	struct key_groups *keys_before = malloc(2 * sizeof *keys_before);
	double before, after, hash, history;
	uint64_t created;
	size_t errors;
	char err[1024];

	if ((conf = config_load(o->conf, err, sizeof err)) == NULL)
		bench_die("%s", err);
	if (keys_before == NULL)
		bench_die("out of memory");
	if (o->breakdown)
		groups_measure(rc, keys_before);
	before = redis_used_memory(rc);
	errors = create_and_sign(o, conf, pool, &s, &created);
	bench_sleep_until_us(bench_now_us() + 1000000);	/* the AOF buffer drains */
	after = redis_used_memory(rc);
	if (o->breakdown) {
		groups_measure(rc, keys_before + 1);
		groups_print(keys_before, keys_before + 1, (double)created);
		if (s.n > 0)
			print_ticket(rc, s.tickets[s.n / 2].number);
	}
	sample_keys(rc, &s, &hash, &history);
	bench_result_init(&r, "footprint", "redis_per_ticket", "bytes",
	    "Redis memory per open ticket (created, then signed if dispatched)");
	bench_result_add(&r, "value", (after - before) / (double)created);
	bench_result_add(&r, "tickets", (double)created);
	bench_result_add(&r, "signed", (double)(s.n - errors));
	bench_result_add(&r, "sign_errors", (double)errors);
	bench_result_add(&r, "hash", hash);
	bench_result_add(&r, "history", history);
	bench_result_add(&r, "text", pool_text_bytes(pool, POOL_SIZE));
	bench_result_print(&r);
	free(keys_before);
	free(s.tickets);
	free(pool);
	config_free(conf);
	redisFree(rc);
}

/* Returns VmRSS of pid in KiB. */
static double
rss_kib(long pid)
{
	char path[64], line[256];
	double kib = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/status", pid);
	if ((f = fopen(path, "r")) == NULL)
		bench_die("%s: cannot read", path);
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "VmRSS:", 6) == 0)
			kib = strtod(line + 6, NULL);
	fclose(f);
	if (kib < 0)
		bench_die("%s: no VmRSS", path);
	return kib;
}

/* Opens n connections that say hello as principal and stay idle; returns the ms a hello took. */
static double
open_idle(struct hl_client **c, size_t n, const char *address,
    const char *principal)
{
	int64_t t0 = bench_now_us();
	size_t i;

	for (i = 0; i < n; i++)
		c[i] = load_login(address, principal, NULL, 0);
	return (bench_now_us() - t0) / 1000.0 / (double)n;
}

/* Returns VmRSS of pid once the daemon has settled. */
static double
settled_rss(long pid)
{
	bench_sleep_until_us(bench_now_us() + 300000);
	return rss_kib(pid);
}

/* Returns 1 if two batches grew the RSS alike (within a quarter). */
static int
steady(double a, double b)
{
	return a > 0 && b > 0 && a <= b * 1.25 && b <= a * 1.25;
}

/* Times the hello of a real principal (agent01, its configured hash). */
static double
hello_ms(const char *address)
{
	struct hl_client *c[HELLO_SAMPLES];
	double ms = open_idle(c, HELLO_SAMPLES, address, "agent01");
	size_t i;

	for (i = 0; i < HELLO_SAMPLES; i++)
		hl_close(c[i]);
	return ms;
}

/*
 * Opens batches of n idle connections that said hello until two batches
 * grow hotlined's RSS alike, and prints the growth per connection of those
 * two. The first batches fill what the heap had free (a daemon that loaded
 * its config and models has some), which would otherwise hide them.
 */
static void
measure_conns(const struct options *o)
{
	size_t i, b, n = (size_t)o->count;
	struct hl_client **c = calloc(MAX_BATCHES * n, sizeof *c);
	double rss[MAX_BATCHES + 1], grew = 0, prev = 0;
	struct bench_result r;

	if (c == NULL)
		bench_die("out of memory");
	rss[0] = rss_kib(o->pid);
	for (b = 0; b < MAX_BATCHES; b++) {
		open_idle(c + b * n, n, o->address, IDLE_PRINCIPAL);
		rss[b + 1] = settled_rss(o->pid);
		grew = rss[b + 1] - rss[b];
		if (b > 0 && steady(prev, grew))
			break;
		prev = grew;
	}
	b = b < MAX_BATCHES ? b + 1 : MAX_BATCHES;
	bench_result_init(&r, "footprint", "rss_per_conn", "KiB",
	    "hotlined memory (RSS) per idle connection after hello");
	bench_result_add(&r, "value", (rss[b] - rss[b >= 2 ? b - 2 : 0]) /
	    (double)(b >= 2 ? 2 * n : n));
	bench_result_add(&r, "conns", (double)(b * n));
	bench_result_add(&r, "steady", b >= 2 && steady(rss[b] - rss[b - 1],
	    rss[b - 1] - rss[b - 2]));
	bench_result_add(&r, "rss_start_kib", rss[0]);
	bench_result_add(&r, "rss_end_kib", rss[b]);
	for (i = 0; i < b * n; i++)
		hl_close(c[i]);
	bench_result_add(&r, "hello_ms", hello_ms(o->address));
	bench_result_print(&r);
	free(c);
}

/* Prints a credential hash for a bench principal's demo token, cheap to check. */
static void
print_cheap_hash(const char *principal)
{
	static const struct auth_cost cheap = { 64, 1, 1 };
	char token[96], *hash;

	bench_demo_token(principal, token, sizeof token);
	if ((hash = auth_hash(token, &cheap)) == NULL)
		bench_die("auth_hash failed");
	printf("%s\n", hash);
	free(hash);
}

/* Parses the options, runs the measurement and prints its result lines. */
int
main(int argc, char *argv[])
{
	struct options o;

	bench_set_name(argv[0]);
	parse_options(&o, argc, argv);
	if (strcmp(o.mode, "memory") == 0 && o.redis != NULL && o.conf != NULL) {
		if (o.count == 0)
			o.count = 20000;
		measure_memory(&o);
	} else if (strcmp(o.mode, "conns") == 0 && o.pid > 0) {
		if (o.count == 0)
			o.count = 1000;
		measure_conns(&o);
	} else if (strcmp(o.mode, "hash") == 0)
		print_cheap_hash(o.principal != NULL ? o.principal :
		    IDLE_PRINCIPAL);
	else
		usage();
	return 0;
}
