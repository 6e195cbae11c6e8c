/*
 * The layering rules, checked by tests/layering.py: the #include graph of
 * daemon/, client/ and proto/ has no cycle, and no object of the pure core
 * (libhotline-core.a) uses a symbol only the shell (libhotlined.a) defines.
 * Each rule is also shown to fail on a broken case, so the check can fail.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "unit-files.h"

static char srcdir[4096];	/* the source tree */
static char builddir[4096];	/* the build directory this test was built in */

/* Runs tests/layering.py with the words of args; returns its exit status (-1: did not run). */
static int
layering(const char *args)
{
	char cmd[16384 + 4096];

	snprintf(cmd, sizeof cmd, "cd '%s' && python3 tests/layering.py %s", srcdir, args);
	return unit_run(cmd);
}

/* The product's include graph has no cycle. */
static void
test_includes_acyclic(void **state)
{
	char args[12288];

	(void)state;
	snprintf(args, sizeof args, "includes daemon client proto '%s/proto'", builddir);
	assert_int_equal(layering(args), 0);
}

/* Two headers that include each other are found. */
static void
test_include_cycle_found(void **state)
{
	char dir[] = "/tmp/hotline-layering.XXXXXX", path[64], args[128];
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/a.h", dir);
	assert_non_null(fp = fopen(path, "w"));
	fputs("#include <stdio.h>\n#include \"b.h\"\n", fp);
	fclose(fp);
	snprintf(path, sizeof path, "%s/b.h", dir);
	assert_non_null(fp = fopen(path, "w"));
	fputs("#include \"a.h\"\n", fp);
	fclose(fp);
	snprintf(args, sizeof args, "includes '%s'", dir);
	assert_int_equal(layering(args), 1);
	snprintf(path, sizeof path, "%s/a.h", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/b.h", dir);
	unlink(path);
	rmdir(dir);
}

/* No core object imports a symbol defined only by the shell. */
static void
test_core_without_shell(void **state)
{
	char args[12288];

	(void)state;
	snprintf(args, sizeof args, "symbols '%s/libhotline-core.a' '%s/libhotlined.a'",
	    builddir, builddir);
	assert_int_equal(layering(args), 0);
}

/* The other way round the rule breaks (the shell uses the core), and the check says so. */
static void
test_shell_symbol_found(void **state)
{
	char args[12288];

	(void)state;
	snprintf(args, sizeof args,
	    "symbols '%s/libhotlined.a' '%s/libhotline-core.a' >/dev/null", builddir,
	    builddir);
	assert_int_equal(layering(args), 1);
}

/* Finds the source tree ($HOTLINE_SRCDIR, else two up from the build) and the build directory. */
static int
setup(void **state)
{
	char exe[4096], *slash;
	const char *env = getenv("HOTLINE_SRCDIR");
	ssize_t n;
	int i;

	(void)state;
	if ((n = readlink("/proc/self/exe", exe, sizeof exe - 1)) <= 0)
		return -1;
	exe[n] = '\0';
	for (i = 0; i < 3; i++) {	/* BUILD/tests/unit/test-layering */
		if ((slash = strrchr(exe, '/')) == NULL)
			return -1;
		*slash = '\0';
	}
	snprintf(builddir, sizeof builddir, "%s", exe);
	if (env != NULL)
		snprintf(srcdir, sizeof srcdir, "%s", env);
	else if ((slash = strrchr(exe, '/')) != NULL) {
		*slash = '\0';
		snprintf(srcdir, sizeof srcdir, "%s", exe);
	} else
		return -1;
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_includes_acyclic),
		cmocka_unit_test(test_include_cycle_found),
		cmocka_unit_test(test_core_without_shell),
		cmocka_unit_test(test_shell_symbol_found),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
