/*
 * README.md's Layout lists every file of the tree and no file that is
 * gone, checked by tests/readme-layout.py; the check is also shown to fail
 * on a small tree with a file left out and a name that is stale.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "unit-files.h"

/* Runs tests/readme-layout.py on root; returns its exit status (-1: it did not run). */
static int
layout(const char *root)
{
	char script[4096], cmd[8192 + 64];

	unit_path("tests/readme-layout.py", script, sizeof script);
	snprintf(cmd, sizeof cmd, "python3 '%s' '%s'", script, root);
	return unit_run(cmd);
}

/* The source tree's README lists all of it. */
static void
test_readme_lists_the_tree(void **state)
{
	char root[4096];

	(void)state;
	unit_path("", root, sizeof root);
	assert_int_equal(layout(root), 0);
}

/* Writes text into dir/name. */
static void
put(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_non_null(fp = fopen(path, "w"));
	fputs(text, fp);
	fclose(fp);
}

/* A file left out, then a stale name, are found; a complete table passes. */
static void
test_missing_and_stale_found(void **state)
{
	static const char head[] = "# x\n\n## Layout\n\n### Code (`src/`)\n\n"
	    "| files | what |\n|---|---|\n";
	char dir[] = "/tmp/hotline-layout.XXXXXX", sub[64], text[512];

	(void)state;
	assert_non_null(mkdtemp(dir));	/* not a git checkout: every file counts */
	snprintf(sub, sizeof sub, "%s/src", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	put(sub, "a.c", "");
	put(sub, "b.c", "");
	snprintf(text, sizeof text, "%s| `a.c` | a |\n| `README.md` | x |\n", head);
	put(dir, "README.md", text);
	assert_int_equal(layout(dir), 1);	/* src/b.c left out */
	snprintf(text, sizeof text, "%s| `a.c`, `b.c`, `c.c` | a |\n", head);
	put(dir, "README.md", text);
	assert_int_equal(layout(dir), 1);	/* README.md, and src/c.c stale */
	snprintf(text, sizeof text, "%s| `a.c`, `b.c` | a |\n\n### Top\n\n"
	    "| files | what |\n|---|---|\n| `README.md` | this |\n", head);
	put(dir, "README.md", text);
	assert_int_equal(layout(dir), 0);
	snprintf(text, sizeof text, "%s/README.md", dir);
	unlink(text);
	snprintf(text, sizeof text, "%s/a.c", sub);
	unlink(text);
	snprintf(text, sizeof text, "%s/b.c", sub);
	unlink(text);
	rmdir(sub);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_readme_lists_the_tree),
		cmocka_unit_test(test_missing_and_stale_found),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
