/* Script arguments (daemon/store-args.c): they grow without a limit, keep borrowed and owned strings apart, and make EVALSHA's argument vector. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hotlined.h"

#define MANY 1000	/* far past the 96 that used to be fatal */

/* A thousand arguments, borrowed, formatted and named, all kept in order. */
static void
test_grows(void **state)
{
	struct store_args a = { 0 };
	static const char borrowed[] = "ht:ticket:20261207000001";
	char want[32];
	int i;

	(void)state;
	for (i = 0; i < MANY; i++) {
		if (i % 3 == 0)
			store_args_add(&a, borrowed);
		else if (i % 3 == 1)
			store_args_addf(&a, "arg-%d", i);
		else
			store_args_paramf(&a, "name", "%d", i);
	}
	assert_int_equal(a.n, MANY + MANY / 3);
	assert_true(a.cap >= a.n);
	for (i = 0; i < a.n; i++)
		assert_int_equal(a.len[i], strlen(a.v[i]));
	assert_ptr_equal(a.v[0], borrowed);	/* borrowed: not copied */
	assert_null(a.owned[0]);
	assert_string_equal(a.v[1], "arg-1");
	assert_ptr_equal(a.v[1], a.owned[1]);
	assert_string_equal(a.v[2], "name");	/* a name, then its value */
	snprintf(want, sizeof want, "%d", 2);
	assert_string_equal(a.v[3], want);
	assert_string_equal(a.v[a.n - 2], "998");	/* i = 998 */
	assert_ptr_equal(a.v[a.n - 1], borrowed);	/* i = 999 */
	store_args_free(&a);
	assert_int_equal(a.n, 0);
	assert_int_equal(a.cap, 0);
	assert_null(a.v);
	/* Freed arguments are usable again. */
	store_args_param(&a, "note", NULL);
	assert_int_equal(a.n, 2);
	assert_string_equal(a.v[1], "");
	store_args_free(&a);
}

/* EVALSHA sha nkeys, then every argument, with its length. */
static void
test_eval_vector(void **state)
{
	struct store_args a = { 0 };
	struct store_eval e;
	char sha[41];
	int i;

	(void)state;
	memset(sha, 'a', 40);
	sha[40] = '\0';
	for (i = 0; i < 200; i++)
		store_args_addf(&a, "%d", i);
	store_eval_build(&e, sha, 3, &a);
	assert_int_equal(e.argc, 203);
	assert_string_equal(e.argv[0], "EVALSHA");
	assert_string_equal(e.argv[1], sha);
	assert_string_equal(e.argv[2], "3");
	assert_int_equal(e.lens[1], 40);
	for (i = 0; i < 200; i++) {
		assert_ptr_equal(e.argv[i + 3], a.v[i]);
		assert_int_equal(e.lens[i + 3], a.len[i]);
	}
	store_eval_free(&e);
	assert_null(e.argv);
	store_args_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grows),
		cmocka_unit_test(test_eval_vector),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
