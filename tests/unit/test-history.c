/* Unit tests of record.c's history decoding: the compact entries history.lua stores and the objects of earlier versions read alike. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "hotlined.h"
#include "unit-files.h"

/* Decodes text and returns its canonical JSON (sorted keys), or NULL; the caller frees it. */
static char *
decoded(const char *text)
{
	json_t *o = record_history_json(text, strlen(text));
	char *s;

	if (o == NULL)
		return NULL;
	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return s;
}

/* Fails unless texts a and b both decode, to the same object; frees them. */
static void
assert_same(char *a, char *b)
{
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a, b);
	free(a);
	free(b);
}

/* A compact routing entry expands to the object an earlier version wrote for the same step. */
static void
test_compact_is_object(void **state)
{
	char *a = decoded("[1796664838104,\"agent01\",1,\"dispatch\",1,3,"
	    "\"自动派单：住建局\",\"zjj\",\"dept\",\"zjj\",\"clock_ext\",\"\","
	    "\"sign_due\",\"1796810400000\"]");
	char *b = decoded("{\"principal\":\"agent01\",\"action\":\"dispatch\","
	    "\"changes\":[{\"value\":\"zjj\",\"field\":\"dept\"},{\"value\":\"\","
	    "\"field\":\"clock_ext\"},{\"value\":\"1796810400000\",\"field\":"
	    "\"sign_due\"}],\"dept\":\"zjj\",\"at\":1796664838104,\"role\":1,"
	    "\"from\":1,\"note\":\"自动派单：住建局\",\"to\":3}");

	(void)state;
	assert_same(a, b);
}

/* Field codes (history.lua's HISTORY_FIELD_CODE) read as the names they stand for, integer values as their strings. */
static void
test_field_codes(void **state)
{
	char *a = decoded("[1796664838104,\"agent01\",1,\"dispatch\",1,3,"
	    "\"自动派单：住建局\",\"zjj\",1,\"zjj\",2,1796664838104,"
	    "3,\"1796664838104\",4,\"10wd\",5,-1,6,0,7,\"\","
	    "8,\"1796810400000\",9,\"1797933600000\",10,\"1797847200000\","
	    "11,\"1796896800000\",12,\"x\",13,\"y\",14,\"1\",0,4,"
	    "\"assists\",\"jtj\"]");
	char *b = decoded("[1796664838104,\"agent01\",1,\"dispatch\",1,3,"
	    "\"自动派单：住建局\",\"zjj\",\"dept\",\"zjj\",\"dispatched_at\","
	    "\"1796664838104\",\"clock_base\",\"1796664838104\",\"clock_limit\","
	    "\"10wd\",\"clock_left\",\"-1\",\"clock_suspended\",\"0\","
	    "\"clock_ext\",\"\",\"sign_due\",\"1796810400000\",\"complete_due\","
	    "\"1797933600000\",\"warn_at\",\"1797847200000\",\"return_until\","
	    "\"1796896800000\",\"triage_reason\",\"x\",\"closure\",\"y\","
	    "\"direct_answer\",\"1\",\"state\",\"4\",\"assists\",\"jtj\"]");

	(void)state;
	assert_same(a, b);
}

/* No changes: an empty list either way (earlier versions wrote {} for it). */
static void
test_no_changes(void **state)
{
	char *a = decoded("[1,\"agent01\",1,\"create\",0,1,\"\",\"\"]");
	char *b = decoded("{\"principal\":\"agent01\",\"action\":\"create\","
	    "\"changes\":[],\"dept\":\"\",\"at\":1,\"role\":1,\"from\":0,"
	    "\"note\":\"\",\"to\":1}");

	(void)state;
	assert_same(a, b);
}

/* Neither form: refused (the readers log and skip the entry). */
static void
test_refused(void **state)
{
	static const char *const bad[] = {
		"", "not json", "\"text\"", "42", "[]",
		"[1,\"a\",1,\"create\",0,1,\"\"]",		/* one member short */
		"[1,\"a\",1,\"note\",3,3,\"\",\"\",\"state\"]",	/* field without value */
		"[1,\"a\",1,\"note\",3,3,\"\",\"\",15,\"1\"]",	/* unknown code */
		"[1,\"a\",1,\"note\",3,3,\"\",\"\",-1,\"1\"]",	/* negative code */
		"[1,\"a\",1,\"note\",3,3,\"\",\"\",1.5,\"1\"]",	/* not a code */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_null(record_history_json(bad[i], strlen(bad[i])));
}

/*
 * history.lua's HISTORY_FIELD_CODE and record.c's list are one table in
 * two languages: every "name = code" of the Lua file decodes to its name,
 * and the code after the last is refused (a code added on one side only
 * fails here).
 */
static void
test_codes_match_lua(void **state)
{
	char *lua = unit_read("daemon/scripts/lib/history.lua", NULL);
	char *p, *end, *dec, name[64], entry[256], field[80];
	int code, n, seen = 0;

	(void)state;
	assert_non_null(lua);
	p = strstr(lua, "HISTORY_FIELD_CODE = {");
	assert_non_null(p);
	p += strlen("HISTORY_FIELD_CODE = {");
	end = strchr(p, '}');
	assert_non_null(end);
	*end = '\0';
	while (sscanf(p, " %63[a-z_] = %d%n", name, &code, &n) == 2) {
		snprintf(entry, sizeof entry,
		    "[1,\"a\",1,\"note\",3,3,\"\",\"\",%d,\"v\"]", code);
		snprintf(field, sizeof field, "\"field\":\"%s\"", name);
		dec = decoded(entry);
		assert_non_null(dec);
		assert_non_null(strstr(dec, field));
		free(dec);
		assert_int_equal(code, seen);	/* 0, 1, 2 ... in order */
		seen++;
		p += n;
		if (*p == ',')
			p++;
	}
	assert_true(seen >= 15);
	snprintf(entry, sizeof entry,
	    "[1,\"a\",1,\"note\",3,3,\"\",\"\",%d,\"v\"]", seen);
	assert_null(record_history_json(entry, strlen(entry)));
	free(lua);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compact_is_object),
		cmocka_unit_test(test_field_codes),
		cmocka_unit_test(test_no_changes),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_codes_match_lua),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
