/*
 * The scripts' constants against the C side: every table of consts.lua as
 * embedded in the scripts (build/gen/scripts.c) must hold exactly the
 * proto's enum values and the life-cycle table's words, every script that
 * names one includes the library, no script types a state, event or
 * assisting state as a bare number again, and the scripts' key builders
 * (keys.lua) have daemon/keys.h's formats, with no key built by hand.
 */
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hotlined.h"

/* The proto's enums consts.lua must carry, by table name. */
static const struct {
	const char *table;
	const ProtobufCEnumDescriptor *d;
} enums[] = {
	{ .table = "TICKET_STATE", .d = &hotline__ticket_state__descriptor },
	{ .table = "EVENT_KIND", .d = &hotline__event_kind__descriptor },
	{ .table = "CLOSURE", .d = &hotline__closure__descriptor },
	{ .table = "TRIAGE_REASON", .d = &hotline__triage_reason__descriptor },
	{ .table = "CALLBACK_RESULT",
	    .d = &hotline__callback_result__descriptor },
	{ .table = "REPEAT_REASON", .d = &hotline__repeat_reason__descriptor },
};

/* Returns the embedded source of script name, or fails. */
static const char *
script(const char *name)
{
	const struct embedded_script *e;

	for (e = embedded_scripts; e->name != NULL; e++)
		if (strcmp(e->name, name) == 0)
			return e->source;
	fail_msg("no embedded script %s", name);
	return NULL;
}

/*
 * Finds "local <table> = {" in src and checks each "  KEY = 'value'," line
 * up to "}" with check(key, value); returns how many entries it read, or
 * -1 if src has no such table.
 */
static int
each_entry(const char *src, const char *table,
    void (*check)(const char *table, const char *key, const char *value))
{
	char head[96], key[64], value[64];
	const char *p, *end;
	int n = 0;

	snprintf(head, sizeof head, "\nlocal %s = {\n", table);
	if ((p = strstr(src, head)) == NULL)
		return -1;
	p += strlen(head);
	while (*p != '}' && *p != '\0') {
		end = strchr(p, '\n');
		assert_non_null(end);
		if (sscanf(p, " %63[A-Z_0-9] = '%63[^']',", key, value) != 2)
			fail_msg("%s: cannot read \"%.*s\"", table,
			    (int)(end - p), p);
		check(table, key, value);
		n++;
		p = end + 1;
	}
	return n;
}

/* Enum entries that differ from the proto, counted by check_enum. */
static int mismatches;

/* An enum table's entry: KEY is the value's name without the enum's prefix. */
static void
check_enum(const char *table, const char *key, const char *value)
{
	const ProtobufCEnumValue *v = NULL;
	char full[160];
	size_t i;

	for (i = 0; i < sizeof enums / sizeof enums[0]; i++)
		if (strcmp(enums[i].table, table) == 0) {
			snprintf(full, sizeof full, "%s_%s", table, key);
			v = protobuf_c_enum_descriptor_get_value_by_name(
			    enums[i].d, full);
		}
	if (v == NULL || v->value != atoi(value)) {
		print_error("%s.%s is '%s' in Lua but %s%d in the proto\n",
		    table, key, value, v == NULL ? "not there: " : "",
		    v == NULL ? 0 : v->value);
		mismatches++;
	}
}

/* ACTION.X is the history name of a row of the transition table. */
static void
check_action(const char *table, const char *key, const char *value)
{
	const struct transition *t;
	char up[64];
	size_t j;
	int a;

	(void)table;
	for (a = 0; (t = ticket_transition((enum ticket_action)a)) != NULL; a++)
		if (strcmp(t->name, value) == 0)
			break;
	if (t == NULL)
		fail_msg("ACTION.%s = '%s' is no action of ticket.c", key, value);
	for (j = 0; value[j] != '\0' && j + 1 < sizeof up; j++)
		up[j] = (char)(value[j] >= 'a' && value[j] <= 'z' ?
		    value[j] - 'a' + 'A' : value[j]);
	up[j] = '\0';
	assert_string_equal(key, up);
}

/* EFFECT.X is one of ticket.c's effect words, the one named X. */
static void
check_effect(const char *table, const char *key, const char *value)
{
	const char *name;
	unsigned bit;
	size_t i;

	(void)table;
	for (i = 0; (name = ticket_effect_name(i, &bit)) != NULL; i++)
		if (strcmp(name, value) == 0)
			break;
	if (name == NULL)
		fail_msg("EFFECT.%s = '%s' is no effect of ticket.c", key, value);
	assert_int_equal(strncasecmp(key, value, strlen(value)), 0);
}

/* ASSIST.X is enum assist_state's ASSIST_X. */
static void
check_assist(const char *table, const char *key, const char *value)
{
	static const struct {
		const char *key;
		enum assist_state v;
	} states[] = {
		{ .key = "NONE", .v = ASSIST_NONE },
		{ .key = "DISPATCHED", .v = ASSIST_DISPATCHED },
		{ .key = "ACCEPTED", .v = ASSIST_ACCEPTED },
		{ .key = "REPLIED", .v = ASSIST_REPLIED },
	};
	size_t i;

	(void)table;
	for (i = 0; i < sizeof states / sizeof states[0]; i++)
		if (strcmp(states[i].key, key) == 0) {
			assert_int_equal(atoi(value), states[i].v);
			return;
		}
	fail_msg("ASSIST.%s is no assist_state", key);
}

/* Every table of transition.lua's copy of consts.lua matches the C side, and is complete. */
static void
test_tables_match_c(void **state)
{
	const char *src = script("transition");
	const struct transition *t;
	const char *name;
	unsigned bit;
	size_t i;
	int n, actions = 0;

	(void)state;
	mismatches = 0;
	for (i = 0; i < sizeof enums / sizeof enums[0]; i++) {
		n = each_entry(src, enums[i].table, check_enum);
		assert_int_equal(n, (int)enums[i].d->n_values);
	}
	assert_int_equal(mismatches, 0);
	for (i = 0; (t = ticket_transition((enum ticket_action)i)) != NULL;
	    i++)
		actions += strcmp(t->name, "dispatch") != 0 ||
		    ticket_transition(TICKET_DISPATCH) == t;
	assert_int_equal(each_entry(src, "ACTION", check_action), actions);
	for (i = 0; (name = ticket_effect_name(i, &bit)) != NULL; i++)
		;
	assert_int_equal(each_entry(src, "EFFECT", check_effect), (int)i);
	assert_int_equal(each_entry(src, "ASSIST", check_assist), 4);
}

/* Returns where word is first used in src outside comment lines, or NULL. */
static const char *
first_use(const char *src, const char *word)
{
	const char *line, *end, *hit;

	for (line = src; *line != '\0'; line = end + 1) {
		if ((end = strchr(line, '\n')) == NULL)
			end = line + strlen(line);
		if (strncmp(line + strspn(line, " "), "--", 2) != 0 &&
		    (hit = memmem(line, (size_t)(end - line), word,
		    strlen(word))) != NULL)
			return hit;
		if (*end == '\0')
			break;
	}
	return NULL;
}

/* A script that names a constant or a key has its library before the first use. */
static void
test_scripts_include_consts(void **state)
{
	static const struct {
		const char *word, *lib;
	} uses[] = {
		{ "TICKET_STATE.", "\nlocal TICKET_STATE = {\n" },
		{ "EVENT_KIND.", "\nlocal TICKET_STATE = {\n" },
		{ "CLOSURE.", "\nlocal TICKET_STATE = {\n" },
		{ "TRIAGE_REASON.", "\nlocal TICKET_STATE = {\n" },
		{ "CALLBACK_RESULT.", "\nlocal TICKET_STATE = {\n" },
		{ "REPEAT_REASON.", "\nlocal TICKET_STATE = {\n" },
		{ "ACTION.", "\nlocal TICKET_STATE = {\n" },
		{ "EFFECT.", "\nlocal TICKET_STATE = {\n" },
		{ "ASSIST.", "\nlocal TICKET_STATE = {\n" },
		{ "KEY.", "\nlocal KEY = {\n" },
	};
	const struct embedded_script *e;
	const char *lib, *use;
	size_t i;
	int users = 0;

	(void)state;
	for (e = embedded_scripts; e->name != NULL; e++) {
		for (i = 0; i < sizeof uses / sizeof uses[0]; i++) {
			if ((use = first_use(e->source, uses[i].word)) == NULL)
				continue;
			lib = strstr(e->source, uses[i].lib);
			if (lib == NULL || use < lib)
				fail_msg("%s.lua uses %s before its library",
				    e->name, uses[i].word);
			users++;
		}
	}
	assert_true(users > 20);
	/* The scripts that change tickets' states all use it. */
	assert_non_null(strstr(script("create"), "local TICKET_STATE = {"));
	assert_non_null(strstr(script("transition"), "local TICKET_STATE = {"));
	assert_non_null(strstr(script("timer_fire"), "local TICKET_STATE = {"));
}

/*
 * No script compares a state, a next state, an event kind or an assisting
 * department's part with a bare number, nor keeps a table of states keyed
 * by them (the forms the scripts had before consts.lua).
 */
static void
test_no_bare_numbers(void **state)
{
	static const char *patterns[] = {
		"(state|to|to_state|part|kind|dept_event|assist_from|"
		    "assist_to) *[=~]= *'[0-9]+'",
		"\\[ *'[0-9]+' *\\] *= *(true|')",
		"STATE_[A-Z]+ *= *'[0-9]",
		"push\\([^)]*, *'[0-9]+'\\)",
		"'kind', *'[0-9]+'",
	};
	const struct embedded_script *e;
	regmatch_t m;
	regex_t re;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof patterns / sizeof patterns[0]; i++) {
		assert_int_equal(regcomp(&re, patterns[i], REG_EXTENDED), 0);
		for (e = embedded_scripts; e->name != NULL; e++)
			if (regexec(&re, e->source, 1, &m, 0) == 0)
				fail_msg("%s.lua: bare number in \"%.*s\"",
				    e->name, (int)(m.rm_eo - m.rm_so),
				    e->source + m.rm_so);
		regfree(&re);
	}
}

/* KEY.name = key_format('<format>'): the very format of keys.h. */
static void
test_keys_match_c(void **state)
{
	const char *src = script("transition"), *name, *format;
	char line[160], lower[64];
	size_t i, j;

	(void)state;
	assert_non_null(strstr(src, "\nlocal KEY = {\n"));
	for (i = 0; (format = keys_script_key(i, &name)) != NULL; i++) {
		for (j = 0; name[j] != '\0' && j + 1 < sizeof lower; j++)
			lower[j] = (char)(name[j] >= 'A' && name[j] <= 'Z' ?
			    name[j] - 'A' + 'a' : name[j]);
		lower[j] = '\0';
		snprintf(line, sizeof line, "\n  %s = key_format('%s'),\n",
		    lower, format);
		if (strstr(src, line) == NULL)
			fail_msg("KEY.%s is not %s in keys.lua", lower, format);
	}
	assert_true(i >= 20);
	/* keys.h's own formats, as C formats them. */
	snprintf(line, sizeof line, KEY_DEPT_FEED, "zjj");
	assert_string_equal(line, "ht:dept:zjj:feed");
	snprintf(line, sizeof line, KEY_TICKET, "20261207000001");
	assert_string_equal(line, "ht:ticket:20261207000001");
}

/*
 * No script builds a key by hand: outside comments and keys.lua's own
 * table, no string starts with "ht:".
 */
static void
test_no_hand_built_keys(void **state)
{
	const struct embedded_script *e;
	const char *line, *end, *code;
	int n = 0;

	(void)state;
	for (e = embedded_scripts; e->name != NULL; e++) {
		for (line = e->source; *line != '\0'; line = end + 1) {
			if ((end = strchr(line, '\n')) == NULL)
				end = line + strlen(line);
			code = line + strspn(line, " ");
			if (strncmp(code, "--", 2) != 0 &&
			    memmem(line, (size_t)(end - line), "key_format(",
			    11) == NULL &&
			    memmem(line, (size_t)(end - line), "'ht:", 4) != NULL)
				fail_msg("%s.lua builds a key by hand: %.*s",
				    e->name, (int)(end - line), line);
			n++;
			if (*end == '\0')
				break;
		}
	}
	assert_true(n > 1000);
}

/* The checker itself: a renumbered state would be caught. */
static void
test_checker_catches_a_difference(void **state)
{
	static const char fake[] = "x\nlocal TICKET_STATE = {\n"
	    "  MERGED = '8',\n  CLOSED = '8',\n  GONE = '11',\n}\n";

	(void)state;
	mismatches = 0;
	assert_int_equal(each_entry(fake, "TICKET_STATE", check_enum), 3);
	assert_int_equal(mismatches, 2);	/* MERGED renumbered, GONE */
	assert_int_equal(each_entry(fake, "CLOSURE", check_enum), -1);
	/* The forms test_no_bare_numbers looks for do match the old ones. */
	{
		regex_t re;

		assert_int_equal(regcomp(&re, "STATE_[A-Z]+ *= *'[0-9]",
		    REG_EXTENDED), 0);
		assert_int_equal(regexec(&re, "local STATE_MERGED = '9'", 0,
		    NULL, 0), 0);
		regfree(&re);
	}
}

/*
 * Every embedded script is in store-scripts.h's list, so it is loaded,
 * sent by its SHA through store_script and, when it writes, waits for the
 * replicas in strict mode: no script is sent around the list.
 */
static void
test_every_script_listed(void **state)
{
	const struct embedded_script *e;
	int id, listed, n = 0;

	(void)state;
	for (e = embedded_scripts; e->name != NULL; e++, n++) {
		listed = 0;
		for (id = 0; id < SCRIPT_COUNT; id++)
			if (strcmp(store_script_name((enum script_id)id),
			    e->name) == 0)
				listed = 1;
		if (!listed)
			fail_msg("%s.lua is not in STORE_SCRIPTS", e->name);
	}
	assert_int_equal(n, SCRIPT_COUNT);
	assert_true(store_script_writes(SCRIPT_ARCHIVE_EVICT));
	assert_true(store_script_writes(SCRIPT_KB_NOTICE));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_match_c),
		cmocka_unit_test(test_scripts_include_consts),
		cmocka_unit_test(test_no_bare_numbers),
		cmocka_unit_test(test_keys_match_c),
		cmocka_unit_test(test_no_hand_built_keys),
		cmocka_unit_test(test_checker_catches_a_difference),
		cmocka_unit_test(test_every_script_listed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
