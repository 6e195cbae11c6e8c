/* Integration tests of the off-loop reload: requests answered while a big catalogue compiles, reloads coalesced, bad files refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>

#include <cmocka.h>

#include "harness.h"

#define BIG 10000		/* entries of the big catalogue */
#define MAX_ROUNDS 1000000	/* classifications while one reload compiles, at most */
#define MARK_BIG "大目录标记"	/* only the big catalogue knows it: sthjj */
#define MARK_SMALL "小目录标记"	/* only the small one knows it: zjj */
#define CATEGORIES "categories = ( { code = \"04\"; name = \"生态环境\"; },\n" \
    "  { code = \"0401\"; name = \"噪声污染\"; },\n" \
    "  { code = \"040101\"; name = \"其他噪声\"; } );\n"

static struct harness h;
static struct hl_client *agent;
HARNESS_FIXTURES(h, "agent01", agent)

static char catalogue_path[HARNESS_PATH + 32];

/* Opens a temporary file beside path; finish_file renames it over path. */
static FILE *
start_file(const char *path, char *tmp, size_t len)
{
	FILE *f;

	snprintf(tmp, len, "%s.tmp", path);
	assert_non_null(f = fopen(tmp, "w"));
	return f;
}

/* Closes f and renames it over path: a reload reads the old file or the new, whole. */
static void
finish_file(FILE *f, const char *tmp, const char *path)
{
	assert_int_equal(fclose(f), 0);
	assert_int_equal(rename(tmp, path), 0);
}

/*
 * Writes the big catalogue: MARK_BIG first, then BIG - 1 entries with two
 * keywords each that share no tail, one in fifty with a pattern too, so
 * that its compile takes many round trips of a classification.
 */
static void
write_big(const char *path)
{
	char tmp[HARNESS_PATH + 64];
	FILE *f = start_file(path, tmp, sizeof tmp);
	int i;

	fprintf(f, "%sentries = (\n  { keywords = [\"%s\"]; department = "
	    "\"sthjj\"; category = \"040101\"; weight = 5.0; }", CATEGORIES,
	    MARK_BIG);
	for (i = 1; i < BIG; i++) {
		fprintf(f, ",\n  { keywords = [\"条目%d号\", \"别名%d乙\"]; ", i,
		    i);
		if (i % 50 == 0)
			fprintf(f, "patterns = [\"模式%d.{0,3}结束\"]; ", i);
		fprintf(f, "department = \"%s\"; category = \"040101\"; }",
		    i % 2 ? "water" : "cgj");
	}
	fprintf(f, "\n);\n");
	finish_file(f, tmp, path);
}

/* Writes the small catalogue (two entries), or a bad one naming an unknown category in entry 1. */
static void
write_small(const char *path, int bad)
{
	char tmp[HARNESS_PATH + 64];
	FILE *f = start_file(path, tmp, sizeof tmp);

	fprintf(f, "%sentries = (\n  { keywords = [\"%s\"]; department = "
	    "\"zjj\"; category = \"040101\"; weight = 5.0; },\n"
	    "  { keywords = [\"停水\"]; department = \"water\"; "
	    "category = \"%s\"; weight = 5.0; }\n);\n", CATEGORIES, MARK_SMALL,
	    bad ? "049999" : "040101");
	finish_file(f, tmp, path);
}

/* Points the daemon's config at catalogue_path (once; later writes replace the file). */
static void
use_catalogue_path(void)
{
	char to[HARNESS_PATH + 64];

	if (catalogue_path[0] != '\0')
		return;
	snprintf(catalogue_path, sizeof catalogue_path, "%s/reload-catalogue.conf",
	    h.dir);
	write_small(catalogue_path, 0);
	/* The rest of the line, the test catalogue's path, becomes a comment. */
	snprintf(to, sizeof to, "catalogue = \"%s\"; #", catalogue_path);
	assert_int_equal(harness_edit_config(&h.main, "catalogue = \"", to), 0);
}

/* Returns the department the marker text goes to ("" when none), as agent sees it now. */
static const char *
marker_department(char *buf, size_t len)
{
	Hotline__ClassifyRequest req = HOTLINE__CLASSIFY_REQUEST__INIT;
	Hotline__Envelope *rep;
	struct hl_error err;
	const Hotline__Routing *r;

	req.title = "标记";
	req.content = MARK_BIG " " MARK_SMALL;
	rep = harness_call(agent, BODY(CLASSIFY), &req, &err);
	assert_reply(rep, err);
	assert_int_equal(rep->body_case, BODY(CLASSIFIED));
	r = rep->classified->routing;
	snprintf(buf, len, "%s", r->n_suggestions > 0 ?
	    r->suggestions[0]->department->id : "");
	hl_envelope_free(rep);
	return buf;
}

/* Sends a reload request with id as admin, without waiting for its answer. */
static void
send_reload(struct hl_client *admin, uint64_t id)
{
	Hotline__ReloadRequest req = HOTLINE__RELOAD_REQUEST__INIT;

	assert_int_equal(harness_send(admin, id, BODY(RELOAD), &req), 0);
}

/* Receives the answer to reload id: a Reloaded with its catalogue's entry count. */
static uint32_t
expect_reloaded(struct hl_client *admin, uint64_t id)
{
	Hotline__Envelope *f = NULL;
	struct hl_error err;
	uint32_t n;

	assert_int_equal(hl_recv(admin, HARNESS_CALL_MS, &f, &err), 1);
	assert_int_equal(f->id, id);
	if (f->body_case != BODY(RELOADED))
		fail_msg("reload %llu: %s: %s", (unsigned long long)id,
		    hl_body_name(f->body_case), f->body_case == BODY(ERROR) ?
		    f->error->message : "");
	n = f->reloaded->catalogue_entries;
	hl_envelope_free(f);
	return n;
}

/*
 * While the big catalogue compiles, an agent's classifications keep being
 * answered, one after another, by the catalogue in force; the admin's
 * reload is answered once the big one is in force, and from then on it
 * routes. (Compiled on the loop, no classification sent after the reload
 * would be answered before it.)
 */
static void
test_answered_while_compiling(void **state)
{
	struct hl_client *admin = harness_login(&h, "admin01");
	Hotline__Envelope *f = NULL;
	struct hl_error err;
	char dept[32];
	long rounds, during = 0;
	int got = 0;

	(void)state;
	assert_non_null(admin);
	use_catalogue_path();
	write_big(catalogue_path);
	send_reload(admin, 7);
	for (rounds = 0; rounds < MAX_ROUNDS && !got; rounds++) {
		if (marker_department(dept, sizeof dept)[0] != '\0') {
			/* Swapped in: its answer is on its way. */
			assert_string_equal(dept, "sthjj");
			got = hl_recv(admin, HARNESS_CALL_MS, &f, &err);
		} else if ((got = hl_recv(admin, 0, &f, &err)) == 0)
			during++;	/* the old catalogue answered */
		assert_true(got >= 0);
	}
	assert_int_equal(got, 1);
	assert_int_equal(f->id, 7);
	assert_int_equal(f->body_case, BODY(RELOADED));
	assert_int_equal(f->reloaded->catalogue_entries, BIG);
	hl_envelope_free(f);
	print_message("# %ld classifications answered while the big catalogue "
	    "compiled\n", during);
	assert_true(during >= 2);
	assert_string_equal(marker_department(dept, sizeof dept), "sthjj");
	hl_close(admin);
}

/*
 * Reloads asked for while one compiles share the next compile: each is
 * answered, in order, and a request made after the file changed is
 * answered with the new file. A bad file is refused naming the entry, and
 * the catalogue in force routes on.
 */
static void
test_reloads_coalesce(void **state)
{
	struct hl_client *admin = harness_login(&h, "admin01");
	struct hl_client *admin2 = harness_login(&h, "admin01");
	Hotline__ReloadRequest req = HOTLINE__RELOAD_REQUEST__INIT;
	Hotline__Envelope *rep;
	struct hl_error err;
	char dept[32];
	uint32_t n;
	uint64_t id;

	(void)state;
	assert_non_null(admin);
	assert_non_null(admin2);
	use_catalogue_path();
	write_big(catalogue_path);
	for (id = 1; id <= 3; id++)
		send_reload(admin, id);
	assert_int_equal(kill(h.main.pid, SIGHUP), 0);
	write_small(catalogue_path, 0);
	rep = harness_call(admin2, BODY(RELOAD), &req, &err);
	assert_reply(rep, err);
	assert_int_equal(rep->body_case, BODY(RELOADED));
	assert_int_equal(rep->reloaded->catalogue_entries, 2);
	hl_envelope_free(rep);
	for (id = 1; id <= 3; id++) {
		n = expect_reloaded(admin, id);
		assert_true(n == BIG || n == 2);
	}
	assert_string_equal(marker_department(dept, sizeof dept), "zjj");

	write_small(catalogue_path, 1);
	assert_null(harness_call(admin2, BODY(RELOAD), &req, &err));
	assert_int_equal(err.code, ERR(BAD_REQUEST));
	assert_non_null(strstr(err.message, "entries[1].category: \"049999\""));
	assert_string_equal(marker_department(dept, sizeof dept), "zjj");
	write_small(catalogue_path, 0);
	hl_close(admin);
	hl_close(admin2);
}

/* Runs the group: its setup starts the servers, its teardown stops them. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answered_while_compiling),
		cmocka_unit_test(test_reloads_coalesce),
	};

	harness_filter();
	return cmocka_run_group_tests_name("reload", tests, setup, teardown);
}
