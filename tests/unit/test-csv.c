/* Unit tests of client/csv.c: the byte order mark, RFC 4180 quoting, CRLF line ends, UTF-8 passthrough. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "csv.h"

/* A CSV writer over a memory buffer. */
struct mem {
	char *buf;
	size_t len;
	FILE *f;
	struct csv c;
};

/* Starts a document in memory. */
static void
mem_begin(struct mem *m)
{
	m->f = open_memstream(&m->buf, &m->len);
	assert_non_null(m->f);
	csv_begin(&m->c, m->f);
}

/* Ends the document and checks it is exactly want (after the BOM). */
static void
mem_check(struct mem *m, const char *want)
{
	assert_int_equal(csv_status(&m->c), 0);
	assert_int_equal(fclose(m->f), 0);
	assert_true(m->len >= 3);
	assert_memory_equal(m->buf, "\xef\xbb\xbf", 3);
	assert_int_equal(m->len - 3, strlen(want));
	assert_memory_equal(m->buf + 3, want, m->len - 3);
	free(m->buf);
}

/* A document starts with EF BB BF, even an empty one. */
static void
test_bom(void **state)
{
	struct mem m;

	(void)state;
	mem_begin(&m);
	mem_check(&m, "");
}

/* Plain fields are written as they are, separated by commas; rows end with CRLF. */
static void
test_plain_rows(void **state)
{
	struct mem m;

	(void)state;
	mem_begin(&m);
	csv_field(&m.c, "a");
	csv_field(&m.c, "b c");
	csv_fieldf(&m.c, "%.1f", 87.5);
	csv_end_row(&m.c);
	csv_field(&m.c, "1");
	csv_end_row(&m.c);
	mem_check(&m, "a,b c,87.5\r\n1\r\n");
}

/* Commas, quotes, CR and LF make a field quoted; its quotes are doubled. */
static void
test_quoting(void **state)
{
	struct mem m;

	(void)state;
	mem_begin(&m);
	csv_field(&m.c, "a,b");
	csv_field(&m.c, "say \"hi\"");
	csv_field(&m.c, "line\r\nnext");
	csv_field(&m.c, "lf\n");
	csv_field(&m.c, "\"");
	csv_end_row(&m.c);
	mem_check(&m, "\"a,b\",\"say \"\"hi\"\"\",\"line\r\nnext\",\"lf\n\","
	    "\"\"\"\"\r\n");
}

/* Empty and NULL fields are empty, and still separated. */
static void
test_empty_fields(void **state)
{
	struct mem m;

	(void)state;
	mem_begin(&m);
	csv_field(&m.c, "");
	csv_field(&m.c, NULL);
	csv_field(&m.c, "x");
	csv_field(&m.c, NULL);
	csv_end_row(&m.c);
	mem_check(&m, ",,x,\r\n");
}

/* Chinese text passes through byte for byte, quoted only for a comma. */
static void
test_utf8_passthrough(void **state)
{
	struct mem m;

	(void)state;
	mem_begin(&m);
	csv_field(&m.c, "排名");
	csv_field(&m.c, "平均签收时长(工作小时)");
	csv_field(&m.c, "住建局，城管局");	/* a full-width comma: no quotes */
	csv_field(&m.c, "住建局,城管局");
	csv_end_row(&m.c);
	mem_check(&m, "排名,平均签收时长(工作小时),住建局，城管局,"
	    "\"住建局,城管局\"\r\n");
}

/* A failed write is remembered: csv_status says so. */
static void
test_write_error(void **state)
{
	struct csv c;
	FILE *f = fopen("/dev/full", "w");

	(void)state;
	if (f == NULL)
		skip();
	setvbuf(f, NULL, _IONBF, 0);
	csv_begin(&c, f);
	csv_field(&c, "x");
	csv_end_row(&c);
	assert_int_equal(csv_status(&c), -1);
	fclose(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_plain_rows),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_empty_fields),
		cmocka_unit_test(test_utf8_passthrough),
		cmocka_unit_test(test_write_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
