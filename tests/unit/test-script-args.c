/*
 * One argument convention for every script: each script of daemon/scripts
 * reads its arguments only through lib/args.lua (params, named_args), never
 * ARGV by position, but for the listed exceptions that other branches
 * convert (the list may only shrink); and the names each script's params
 * line takes are the very names its builder in daemon/script-args.c sends.
 * The sources are read under $HOTLINE_SRCDIR (set by tests/run.sh;
 * default: the current directory).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hotlined.h"
#include "script-args.h"
#include "unit-files.h"

/*
 * Scripts allowed to read ARGV by position: none any more (every script
 * reads its parameters, and its list after "--", through args.lua). An
 * exception added here must be a script that still reads ARGV: the test
 * fails while a listed script no longer does.
 */
static const char *const positional[] = {
	NULL,
};

/* Returns the text of the source file rel, or fails; free it. */
static char *
source(const char *rel)
{
	char *text = unit_read(rel, NULL);

	if (text == NULL)
		fail_msg("cannot read %s (set HOTLINE_SRCDIR)", rel);
	return text;
}

/* Returns where the code of line (up to end) stops: at "--" outside a string, or at end. */
static const char *
code_end(const char *line, const char *end)
{
	const char *p;
	char quote = 0;

	for (p = line; p < end; p++) {
		if (quote != 0) {
			if (*p == '\\' && p + 1 < end)
				p++;
			else if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"')
			quote = *p;
		else if (p[0] == '-' && p + 1 < end && p[1] == '-')
			return p;
	}
	return end;
}

/* Returns the line number of the first "ARGV" in src outside comments, or 0. */
static int
argv_line(const char *src)
{
	const char *line, *end;
	int n = 1;

	for (line = src; *line != '\0'; line = end + 1, n++) {
		if ((end = strchr(line, '\n')) == NULL)
			end = line + strlen(line);
		if (memmem(line, (size_t)(code_end(line, end) - line), "ARGV",
		    4) != NULL)
			return n;
		if (*end == '\0')
			break;
	}
	return 0;
}

/* 1 if name is among the positional exceptions. */
static int
is_positional(const char *name)
{
	size_t i;

	for (i = 0; positional[i] != NULL; i++)
		if (strcmp(positional[i], name) == 0)
			return 1;
	return 0;
}

/* Every script reads ARGV only through args.lua, but the exceptions, which still do. */
static void
test_no_positional_argv(void **state)
{
	const struct embedded_script *e;
	char rel[256], *src;
	size_t i;
	int line, listed = 0, found;

	(void)state;
	for (e = embedded_scripts; e->name != NULL; e++) {
		snprintf(rel, sizeof rel, "daemon/scripts/%s.lua", e->name);
		src = source(rel);
		line = argv_line(src);
		if (line != 0 && !is_positional(e->name))
			fail_msg("%s reads ARGV at line %d: take named "
			    "parameters through lib/args.lua (params or "
			    "named_args)", rel, line);
		if (line == 0 && is_positional(e->name))
			fail_msg("%s no longer reads ARGV: remove it from "
			    "positional[] in %s", rel, __FILE__);
		free(src);
	}
	/* Every exception is a script there is. */
	for (i = 0; positional[i] != NULL; i++, listed++) {
		found = 0;
		for (e = embedded_scripts; e->name != NULL; e++)
			found |= strcmp(e->name, positional[i]) == 0;
		if (!found)
			fail_msg("positional[] names %s, which is no script",
			    positional[i]);
	}
	assert_int_equal(listed, 0);
	/* The library itself does read ARGV. */
	src = source("daemon/scripts/lib/args.lua");
	assert_int_not_equal(argv_line(src), 0);
	free(src);
}

/* The checker finds ARGV in code and passes over it in comments. */
static void
test_checker_finds_argv(void **state)
{
	(void)state;
	assert_int_equal(argv_line("-- ARGV[1] now\nlocal now = 1\n"), 0);
	assert_int_equal(argv_line("local x = 1 -- not ARGV[2]\n"), 0);
	assert_int_equal(argv_line("-- KEYS[1]\n\nlocal now = ARGV[1]\n"), 3);
	assert_int_equal(argv_line("for i, n in ipairs(ARGV) do"), 1);
	assert_int_equal(argv_line("if x == '--' then y = ARGV[1] end\n"), 1);
	assert_int_equal(argv_line("local s = \"a\\\"--\" .. ARGV[2]\n"), 1);
}

/*
 * Reads the names of the first "params({" or "named_args({" list in src
 * into names (at most max), returns how many, or -1 when there is none.
 */
static int
declared(const char *src, char names[][32], int max)
{
	const char *p = strstr(src, "params({"), *end;
	int n = 0;

	if (p == NULL && (p = strstr(src, "named_args({")) == NULL)
		return -1;
	p = strchr(p, '{') + 1;
	end = strstr(p, "})");
	assert_non_null(end);
	while ((p = strchr(p, '\'')) != NULL && p < end) {
		assert_true(n < max);
		assert_int_equal(sscanf(p, "'%31[^']'", names[n]), 1);
		n++;
		p = strchr(p + 1, '\'') + 1;
	}
	return n;
}

/* Builds script's parameters with its builder and sample values; 0 if it has none. */
static int
build(const char *script, struct store_args *a)
{
	static const char *const scopes[] = { "d", "all", NULL };

	if (strcmp(script, "timer_fire") == 0)
		script_args_timer_fire(a, 1765000000000, 64, 10000, "20261207");
	else if (strcmp(script, "clock_offset") == 0)
		script_args_clock_offset(a, 0);
	else if (strcmp(script, "clock_scan") == 0)
		script_args_clock_scan(a, "0", 100);
	else if (strcmp(script, "calendar_import") == 0)
		script_args_calendar_import(a, 2027, "{}");
	else if (strcmp(script, "breaches_read") == 0)
		script_args_breaches_read(a, "20261207", "", 0, 20);
	else if (strcmp(script, "stats_read") == 0)
		script_args_stats_read(a, "20261207,202612", scopes);
	else if (strcmp(script, "recent_read") == 0)
		script_args_recent_read(a, 1765000000000, 50);
	else if (strcmp(script, "tickets") == 0)
		script_args_tickets(a, "asc", 20, "");
	else if (strcmp(script, "feed_read") == 0)
		script_args_feed_read(a, "0", 100);
	else if (strcmp(script, "nb_read") == 0)
		script_args_nb_read(a, "", 500);
	else if (strcmp(script, "nb_import") == 0)
		script_args_nb_import(a, 0, "[]");
	else if (strcmp(script, "web_session") == 0)
		script_args_web_session(a, "get", NULL, 0);
	else
		return 0;
	return 1;
}

/* The names a builder sends are the names its script declares, no more, no fewer. */
static void
test_builders_match_scripts(void **state)
{
	const struct embedded_script *e;
	char names[32][32], rel[256], *src;
	struct store_args a = { 0 };
	int i, j, n, sent, built = 0;

	(void)state;
	for (e = embedded_scripts; e->name != NULL; e++) {
		if (!build(e->name, &a))
			continue;
		built++;
		snprintf(rel, sizeof rel, "daemon/scripts/%s.lua", e->name);
		src = source(rel);
		n = declared(src, names, 32);
		if (n <= 0)
			fail_msg("%s declares no parameters", rel);
		for (i = 0, sent = 0; i < a.n && strcmp(a.v[i], "--") != 0;
		    i += 2, sent++) {
			assert_true(i + 1 < a.n);	/* a name has its value */
			for (j = 0; j < n; j++)
				if (strcmp(names[j], a.v[i]) == 0)
					break;
			if (j == n)
				fail_msg("script-args.c sends %s to %s, which "
				    "does not take it", a.v[i], rel);
		}
		if (sent != n)
			fail_msg("%s takes %d parameters, script-args.c sends "
			    "%d", rel, n, sent);
		free(src);
		store_args_free(&a);
	}
	assert_int_equal(built, 12);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_positional_argv),
		cmocka_unit_test(test_checker_finds_argv),
		cmocka_unit_test(test_builders_match_scripts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
