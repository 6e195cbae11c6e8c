/* The evaluation sets' held-out parts are frozen: their SHA-256 must stay the ones recorded when they were written. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "unit-files.h"

#define HARD_DIR "tests/eval/hard/"
#define KB_DIR "tests/eval/kb/"

/* Reads srcdir/rel into a fresh buffer; *len gets its size (not 0). */
static char *
read_file(const char *rel, size_t *len)
{
	char *buf = unit_read(rel, len);

	if (buf == NULL)
		fail_msg("cannot read %s (set HOTLINE_SRCDIR)", rel);
	assert_true(*len > 0);
	return buf;
}

/* dir's heldout.tsv hashes to the value in its heldout.sha256. */
static void
check_frozen(const char *dir)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char hex[2 * EVP_MAX_MD_SIZE + 1], path[256];
	size_t len, slen;
	char *data, *sum;
	unsigned int i;

	snprintf(path, sizeof path, "%sheldout.tsv", dir);
	data = read_file(path, &len);
	snprintf(path, sizeof path, "%sheldout.sha256", dir);
	sum = read_file(path, &slen);
	assert_int_equal(EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL), 1);
	for (i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	assert_true(slen >= 2 * mdlen);
	assert_memory_equal(hex, sum, 2 * mdlen);
	free(data);
	free(sum);
}

/* The routing set's held-out part is unchanged. */
static void
test_heldout_unchanged(void **state)
{
	(void)state;
	check_frozen(HARD_DIR);
}

/* The knowledge base's held-out questions are unchanged. */
static void
test_kb_heldout_unchanged(void **state)
{
	(void)state;
	check_frozen(KB_DIR);
}

/* Every ticket line of both parts has the ten columns of tests/eval/hard/README.md. */
static void
test_columns(void **state)
{
	const char *parts[] = { HARD_DIR "dev.tsv", HARD_DIR "heldout.tsv" };
	size_t p, len, tickets = 0;

	(void)state;
	for (p = 0; p < 2; p++) {
		char *data = read_file(parts[p], &len), *line, *save = NULL;

		for (line = strtok_r(data, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save)) {
			size_t tabs = 0;
			const char *c;

			if (line[0] == '#')
				continue;
			for (c = line; *c != '\0'; c++)
				tabs += *c == '\t';
			if (tabs != 9)
				fail_msg("%s: %.20s… has %zu columns", parts[p], line, tabs + 1);
			tickets++;
		}
		free(data);
	}
	assert_true(tickets >= 1200);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_heldout_unchanged),
		cmocka_unit_test(test_kb_heldout_unchanged),
		cmocka_unit_test(test_columns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
