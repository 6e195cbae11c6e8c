/* What many integration tests do the same way with the harness: connect, watch, classify, run hotlinectl, look in a log. */
#include <sys/wait.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

/* Closes every open connection of c[0..n-1] and forgets it. */
void
harness_close_each(struct hl_client **const c[], size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (*c[i] != NULL)
			hl_close(*c[i]);
		*c[i] = NULL;
	}
}

/* Logs principals[0..n-1] in as *c[0..n-1]; on a failure stops the group (with first). */
int
harness_login_each(struct harness *h, struct hl_client *first,
    const char *const principals[], struct hl_client **const c[], size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((*c[i] = harness_login(h, principals[i])) == NULL) {
			harness_group_stop_each(h, first, c, n);
			return -1;
		}
	return 0;
}

/* Closes c[0..n-1] and stops the group with first; harness_group_stop's result. */
int
harness_group_stop_each(struct harness *h, struct hl_client *first,
    struct hl_client **const c[], size_t n)
{
	harness_close_each(c, n);
	return harness_group_stop(h, first);
}

/* Connects to d's unix socket without hello. */
struct hl_client *
harness_connect_main(const struct harness_daemon *d)
{
	char addr[HARNESS_PATH + 8];
	struct hl_client *c;

	c = harness_connect(harness_unix_address(d, addr, sizeof addr));
	assert_non_null(c);
	return c;
}

/* Logs principal in and watches from cursor; returns the connection. */
struct hl_client *
harness_watcher(struct harness *h, const char *principal, const char *cursor)
{
	struct hl_client *c = harness_login(h, principal);
	Hotline__Envelope *rep;
	struct hl_error err;

	assert_non_null(c);
	rep = harness_watch(c, cursor, &err);
	assert_reply(rep, err);
	assert_int_equal(rep->body_case, BODY(WATCHING));
	assert_false(rep->watching->relist);
	hl_envelope_free(rep);
	return c;
}

/* Classifies title and content in district as c; the CLASSIFIED answer. */
Hotline__Envelope *
harness_classify(struct hl_client *c, const char *title, const char *content,
    const char *district)
{
	Hotline__ClassifyRequest req = HOTLINE__CLASSIFY_REQUEST__INIT;
	Hotline__Envelope *rep;
	struct hl_error err;

	req.title = (char *)title;
	req.content = (char *)content;
	req.district = (char *)district;
	rep = harness_call(c, BODY(CLASSIFY), &req, &err);
	assert_reply(rep, err);
	assert_int_equal(rep->body_case, BODY(CLASSIFIED));
	assert_non_null(rep->classified->routing);
	return rep;
}

/* Returns 1 if a line of the file at path contains text. */
int
harness_file_has(const char *path, const char *text)
{
	char line[4096];
	FILE *f;
	int found = 0;

	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while (!found && fgets(line, sizeof line, f) != NULL)
		found = strstr(line, text) != NULL;
	fclose(f);
	return found;
}

/* Runs hotlinectl options args on d; what it printed (exit status 0 asserted). */
char *
harness_ctl(const struct harness_daemon *d, const char *options,
    const char *args)
{
	const char *ctl = getenv("HOTLINECTL");
	char cmd[2048], addr[HARNESS_PATH + 8], *out = calloc(1, 65536);
	FILE *p;
	size_t n;
	int st;

	assert_non_null(out);
	snprintf(cmd, sizeof cmd, "%s -a %s %s %s",
	    ctl != NULL && *ctl != '\0' ? ctl : "build/hotlinectl",
	    harness_unix_address(d, addr, sizeof addr), options, args);
	assert_non_null(p = popen(cmd, "r"));
	n = fread(out, 1, 65535, p);
	out[n] = '\0';
	st = pclose(p);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("%s: exit status %d: %s", cmd, st, out);
	return out;
}

/* Asserts that hotlinectl options args prints want. */
void
harness_ctl_prints(const struct harness_daemon *d, const char *options,
    const char *args, const char *want)
{
	char *out = harness_ctl(d, options, args);

	if (strstr(out, want) == NULL)
		fail_msg("hotlinectl %s printed:\n%s\nexpected \"%s\"", args,
		    out, want);
	free(out);
}
