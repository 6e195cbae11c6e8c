/* Search (检索) and show of an archived ticket through hotlined: p50/p99 over the archive that tests/bench/run-archive.sh loaded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "latency.h"
#include "hotline.h"

#define SEARCHES 400		/* per kind */
#define SHOW_PAIRS 2000		/* shows through each of two daemons */

/* One kind of search: who asks and what. */
struct kind {
	const char *key, *label, *principal;
	const char *words, *district;
	int from_days;		/* > 0: created within the last N days */
};

static const struct kind kinds[] = {
	{ .key = "words_centre", .label = "words, the centre (agent)",
	    .principal = "agent01", .words = "停水" },
	{ .key = "words_dept", .label = "words, a department (住建局)",
	    .principal = "zjj-01", .words = "物业" },
	{ .key = "place_date", .label = "words + district + 30 days, the centre",
	    .principal = "agent01", .words = "噪音", .district = "鼓楼区",
	    .from_days = 30 },
};

/* Logs principal in at address or dies. */
static struct hl_client *
login(const char *address, const char *principal)
{
	struct hl_error err;
	struct hl_client *c = hl_connect(address, 10000, &err);
	char token[64];

	if (c == NULL || hl_hello(c, HOTLINE__ROLE__ROLE_UNSPECIFIED, principal,
	    bench_demo_token(principal, token, sizeof token), NULL, &err) == -1)
		bench_die("%s: %s", principal, err.message);
	return c;
}

/* Runs one request and returns its answer (dies on an error). */
static Hotline__Envelope *
call(struct hl_client *c, Hotline__Envelope *req)
{
	Hotline__Envelope *rep;
	struct hl_error err;

	if (hl_call(c, req, &rep, &err) == -1)
		bench_die("%s: %s", hl_error_name(err.code), err.message);
	return rep;
}

/* Looks at each answer (keeps a number, checks a flag); may be NULL. */
typedef void (*each_fn)(const Hotline__Envelope *, void *);

/* Sends req SEARCHES times as c, each looked at by each; prints p50/p99/max. */
static void
bench_timed(struct hl_client *c, Hotline__Envelope *req, const char *key,
    const char *label, each_fn each, void *arg)
{
	struct bench_result r;
	struct latency lat;
	int i;

	latency_init(&lat);
	for (i = 0; i < SEARCHES; i++) {
		int64_t t0 = bench_now_us();
		Hotline__Envelope *rep = call(c, req);

		latency_add(&lat, bench_now_us() - t0);
		if (each != NULL)
			each(rep, arg);
		hl_envelope_free(rep);
	}
	bench_result_init(&r, "search", key, "ms", label);
	bench_result_add(&r, "p50", latency_ms(&lat, 50));
	bench_result_add(&r, "p99", latency_ms(&lat, 99));
	bench_result_add(&r, "max", latency_max_ms(&lat));
	bench_result_print(&r);
	latency_free(&lat);
}

/* Keeps the first ticket a search found (for show). */
static void
keep_found(const Hotline__Envelope *rep, void *arg)
{
	char *found = arg;

	if (found[0] == '\0' && rep->search_reply->n_tickets > 0)
		snprintf(found, 32, "%s", rep->search_reply->tickets[0]->number);
}

/* Times the searches of one kind. */
static void
bench_kind(const char *address, const struct kind *k, char found[32])
{
	struct hl_client *c = login(address, k->principal);
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__SearchRequest q = HOTLINE__SEARCH_REQUEST__INIT;

	q.words = (char *)k->words;
	q.district = (char *)(k->district != NULL ? k->district : "");
	if (k->from_days > 0)
		q.created_from = bench_wall_ms() - (int64_t)k->from_days * 86400000;
	req.body_case = HOTLINE__ENVELOPE__BODY_SEARCH;
	req.search = &q;
	bench_timed(c, &req, k->key, k->label, keep_found, found);
	hl_close(c);
}

/* Dies unless show answered an archived ticket. */
static void
check_archived(const Hotline__Envelope *rep, void *arg)
{
	(void)arg;
	if (!rep->ticket->ticket->archived)
		bench_die("show %s: not an archived ticket",
		    rep->ticket->ticket->number);
}

/* Times show of an archived ticket (number), answered from PostgreSQL. */
static void
bench_show(const char *address, const char *number)
{
	struct hl_client *c = login(address, "agent01");
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__ShowRequest q = HOTLINE__SHOW_REQUEST__INIT;

	q.number = (char *)number;
	req.body_case = HOTLINE__ENVELOPE__BODY_SHOW;
	req.show = &q;
	bench_timed(c, &req, "show_archived", "show of an archived ticket",
	    check_archived, NULL);
	hl_close(c);
}

/* Times one show on c into lat; dies unless the answer is an archived ticket. */
static void
show_once(struct hl_client *c, Hotline__Envelope *req, struct latency *lat)
{
	int64_t t0 = bench_now_us();
	Hotline__Envelope *rep = call(c, req);

	latency_add(lat, bench_now_us() - t0);
	check_archived(rep, NULL);
	hl_envelope_free(rep);
}

/* Prints p50/p99/max of one side of bench_show_pair. */
static void
show_result(struct latency *lat, const char *key, const char *label)
{
	struct bench_result r;

	bench_result_init(&r, "search", key, "ms", label);
	bench_result_add(&r, "p50", latency_ms(lat, 50));
	bench_result_add(&r, "p99", latency_ms(lat, 99));
	bench_result_add(&r, "max", latency_max_ms(lat));
	bench_result_print(&r);
	latency_free(lat);
}

/*
 * Times show of an archived ticket through two daemons (two builds) on the
 * same stores, one request to each in turn, SHOW_PAIRS times: the machine's
 * noise falls on both alike.
 */
static void
bench_show_pair(const char *address, const char *other, const char *number)
{
	struct hl_client *a = login(address, "agent01"),
	    *b = login(other, "agent01");
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__ShowRequest q = HOTLINE__SHOW_REQUEST__INIT;
	struct latency la, lb;
	int i;

	q.number = (char *)number;
	req.body_case = HOTLINE__ENVELOPE__BODY_SHOW;
	req.show = &q;
	latency_init(&la);
	latency_init(&lb);
	for (i = 0; i < SHOW_PAIRS; i++) {
		show_once(b, &req, &lb);
		show_once(a, &req, &la);
	}
	show_result(&lb, "show_archived_other", "show of an archived ticket, "
	    "the other build (turn about)");
	show_result(&la, "show_archived_pair", "show of an archived ticket, "
	    "this build (turn about)");
	hl_close(a);
	hl_close(b);
}

int
main(int argc, char *argv[])
{
	const char *address = getenv("BENCH_ARCHIVE_HOTLINE");
	const char *archived = getenv("BENCH_ARCHIVED_NUMBER");
	const char *other = getenv("BENCH_ARCHIVE_HOTLINE_OTHER");
	char found[32] = "";
	size_t i;

	(void)argc;
	bench_set_name(argv[0]);
	if (address == NULL) {
		/* make bench's own hotlined has no archive: run-archive.sh runs this. */
		bench_note("needs an archive: run tests/bench/run-archive.sh");
		return 0;
	}
	if (other != NULL && other[0] != '\0') {
		/* Only show, turn about with another daemon (run-archive.sh). */
		if (archived != NULL && archived[0] != '\0')
			bench_show_pair(address, other, archived);
		return 0;
	}
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		bench_kind(address, &kinds[i], found);
	if (archived != NULL && archived[0] != '\0')
		bench_show(address, archived);
	return 0;
}
