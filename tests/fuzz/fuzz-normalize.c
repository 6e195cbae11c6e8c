/*
 * fuzz-normalize covers text normalisation and classification: the input,
 * arbitrary bytes (malformed UTF-8, full-width forms, Traditional
 * characters through OpenCC's t2s), is copied to a buffer of exactly its
 * size plus a NUL, so reading past the end is an ASan error, and given to
 * normalize_text; the result is classified against the demo catalogue
 * (conf/hotlined.conf and conf/catalogue.conf, emergencies included).
 * Checks, as normalize.h promises: the normal form is valid UTF-8, has no
 * ASCII capital, no space at either end and no two spaces in a row, and
 * normalising it again changes nothing; classify_text and classify_ticket
 * succeed with at most CLASSIFY_MAX_SUGGESTIONS, best first, confidence
 * within 0..1, no auto-dispatch of an emergency.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "normalize.h"

/* Opens OpenCC and loads the demo config with its catalogue. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[1024], *path;

	(void)argc;
	(void)argv;
	if (normalize_init(err, sizeof err) == -1)
		fprintf(stderr, "fuzz-normalize: %s\n", err);
	path = fuzz_srcpath("conf/hotlined.conf");
	if ((hotlined.cfg = config_load(path, err, sizeof err)) == NULL) {
		fprintf(stderr, "fuzz-normalize: %s\n", err);
		exit(1);
	}
	free(path);
	return 0;
}

/* Checks the promises of normalize.h about a normal form. */
static void
check_normal(const char *n)
{
	size_t len = strlen(n), i;
	char *again;

	FUZZ_CHECK(utf8_valid(n, len));
	FUZZ_CHECK(len == 0 || (n[0] != ' ' && n[len - 1] != ' '));
	for (i = 0; i < len; i++) {
		FUZZ_CHECK(n[i] < 'A' || n[i] > 'Z');
		FUZZ_CHECK(n[i] != ' ' || n[i + 1] != ' ');
	}
	again = normalize_text(n);
	FUZZ_CHECK(strcmp(again, n) == 0);
	free(again);
}

/* Checks a classification's result. */
static void
check_result(const struct classify_result *res)
{
	size_t i;

	FUZZ_CHECK(res->nsuggestions <= CLASSIFY_MAX_SUGGESTIONS);
	FUZZ_CHECK(res->confidence >= 0 && res->confidence <= 1);
	FUZZ_CHECK(res->emergency == NULL || !res->auto_dispatch);
	for (i = 1; i < res->nsuggestions; i++)
		FUZZ_CHECK(res->suggestions[i].score <=
		    res->suggestions[i - 1].score);
}

/* Classifies the normal form as content alone, then as title and content. */
static void
check_classify(const char *n)
{
	struct classify_input in = { n, n, "鼓楼区", "东街街道" };
	struct classify_result res;

	FUZZ_CHECK(classify_text(hotlined.cfg->catalogue,
	    &hotlined.cfg->routing, "", n,
	    "鼓楼区", &res) == 0);
	check_result(&res);
	FUZZ_CHECK(classify_ticket(hotlined.cfg->catalogue,
	    &hotlined.cfg->routing, &in,
	    &res) == 0);
	check_result(&res);
}

/* One input: a text as an agent might type or paste it. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstring(data, size), *n;

	n = normalize_text(text);
	check_normal(n);
	check_classify(n);
	free(n);
	free(text);
	return 0;
}
