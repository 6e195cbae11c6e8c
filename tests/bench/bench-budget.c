/* Slow readers against limits.output_budget: hotlined's memory while many clients ask for big answers and never read (run-budget.sh). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hotline.h"
#include "common.h"
#include "side.h"

#define CONTENT_CHARS 20000	/* create's limit: about 60 KB of Chinese */
#define MAX_READERS 1000

/* The command line. */
struct options {
	const char *address;
	long pid;		/* hotlined, for its resident memory */
	long readers;		/* slow readers */
	long shows;		/* shows each pipelines without reading */
	long wait_ms;		/* how long they then hold their backlog (RSS sampled) */
};

/* Prints how to call this program and exits 2. */
static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: bench-budget -a address -p pid [-n readers] "
	    "[-s shows] [-w wait_ms]\n"
	    "  logs in as agent01 and agent02 with the integration tests' "
	    "tokens (<id>-test)\n");
	exit(2);
}

/* Reads the command line. */
static void
parse_options(struct options *o, int argc, char *argv[])
{
	int ch;

	memset(o, 0, sizeof *o);
	o->readers = 180;
	o->shows = 40;
	o->wait_ms = 15000;
	while ((ch = getopt(argc, argv, "a:p:n:s:w:")) != -1) {
		switch (ch) {
		case 'a': o->address = optarg; break;
		case 'p': o->pid = bench_atol("-p", optarg, 1, 1L << 30); break;
		case 'n': o->readers = bench_atol("-n", optarg, 1, MAX_READERS); break;
		case 's': o->shows = bench_atol("-s", optarg, 1, 100000); break;
		case 'w': o->wait_ms = bench_atol("-w", optarg, 0, 600000); break;
		default: usage();
		}
	}
	if (o->address == NULL || o->pid == 0)
		usage();
}

/* Returns the resident memory of process pid in KiB (VmRSS), or -1. */
static long
rss_kib(long pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/status", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "VmRSS:", 6) == 0)
			kib = strtol(line + 6, NULL, 10);
	fclose(f);
	return kib;
}

/* Creates a ticket of CONTENT_CHARS characters; returns its number (free it). */
static char *
create_big(struct hl_client *agent)
{
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT, *reply;
	Hotline__CreateRequest q = HOTLINE__CREATE_REQUEST__INIT;
	char call_id[64], *content, *number;
	struct hl_error err;

	content = side_repeat("停", CONTENT_CHARS);
	snprintf(call_id, sizeof call_id, "bench-budget-%ld", (long)getpid());
	q.call_id = call_id;
	q.caller_phone = "13800000000";
	q.title = "停水";
	q.content = content;
	q.type = HOTLINE__TICKET_TYPE__TICKET_TYPE_COMPLAINT;
	env.body_case = HOTLINE__ENVELOPE__BODY_CREATE;
	env.create = &q;
	if (hl_call(agent, &env, &reply, &err) == -1)
		bench_die("create: %s", err.message);
	number = strdup(reply->created->ticket->number);
	hl_envelope_free(reply);
	free(content);
	return number;
}

/* Pipelines o->shows shows of number on c without reading an answer. */
static void
flood(struct hl_client *c, const char *number, const struct options *o)
{
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT;
	Hotline__ShowRequest show = HOTLINE__SHOW_REQUEST__INIT;
	struct hl_error err;
	long i;

	show.number = (char *)number;
	env.body_case = HOTLINE__ENVELOPE__BODY_SHOW;
	env.show = &show;
	for (i = 1; i <= o->shows; i++) {
		env.id = (uint64_t)i;
		if (hl_send(c, &env, &err) == -1)
			return;		/* cut off already */
	}
}

/* Floods, holds, and prints hotlined's memory before and after. */
int
main(int argc, char *argv[])
{
	struct hl_client *agent, *readers[MAX_READERS];
	struct options o;
	long before, after, i;
	char *number;

	bench_set_name(argv[0]);
	parse_options(&o, argc, argv);
	agent = side_login(o.address, "agent01");
	number = create_big(agent);
	before = rss_kib(o.pid);
	for (i = 0; i < o.readers; i++)
		readers[i] = side_login(o.address, "agent02");
	/*
	 * Paced: thousands of 60 KB reads at once keep Redis busy past
	 * redis.timeout_ms, and the daemon then drops its link and answers
	 * them all "unavailable" (issue 14.8); the backlog is what is measured.
	 */
	for (i = 0; i < o.readers; i++) {
		flood(readers[i], number, &o);
		usleep((useconds_t)o.shows * 3000);
	}
	/* The peak while they hold their backlog. */
	for (after = 0, i = 0; i < o.wait_ms / 100; i++) {
		usleep(100000);
		if (rss_kib(o.pid) > after)
			after = rss_kib(o.pid);
	}
	printf("rss_before_kib=%ld rss_peak_kib=%ld readers=%ld shows=%ld\n",
	    before, after, o.readers, o.shows);
	for (i = 0; i < o.readers; i++)
		hl_close(readers[i]);
	hl_close(agent);
	free(number);
	return 0;
}
