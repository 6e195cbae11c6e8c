/* Unit tests of log.c: untrusted text is escaped, cut at a character, and a log line stays one line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hotlined.h"

/* Returns 1 if s holds a control byte (below 0x20, or DEL). */
static int
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* Printable ASCII and Chinese pass unchanged. */
static void
test_plain_text_kept(void **state)
{
	char out[128];

	(void)state;
	assert_string_equal(log_escape("agent01", out, sizeof out), "agent01");
	assert_string_equal(log_escape("住建局 zjj-01", out, sizeof out),
	    "住建局 zjj-01");
	assert_string_equal(log_escape(NULL, out, sizeof out), "");
}

/* A newline and an ANSI colour cannot forge a line or paint the terminal. */
static void
test_newline_and_ansi(void **state)
{
	char out[128];

	(void)state;
	log_escape("x\n[fake] log line\x1b[31m\r\t\x7f", out, sizeof out);
	assert_string_equal(out,
	    "x\\x0a[fake] log line\\x1b[31m\\x0d\\x09\\x7f");
	assert_false(has_control(out));
}

/* Quotes and backslashes are escaped, so a quoted field cannot be closed from inside. */
static void
test_quotes(void **state)
{
	char out[64];

	(void)state;
	assert_string_equal(log_escape("a\"b\\c", out, sizeof out),
	    "a\\x22b\\x5cc");
}

/* Every byte of malformed UTF-8 is escaped; what follows it is kept. */
static void
test_invalid_utf8(void **state)
{
	char out[128];

	(void)state;
	/* a lone 0xff, a cut 2-byte sequence, an overlong '/', a surrogate */
	log_escape("\xff" "a\xc3(\xc0\xaf\xed\xa0\x80" "水", out, sizeof out);
	assert_string_equal(out,
	    "\\xffa\\xc3(\\xc0\\xaf\\xed\\xa0\\x80水");
	assert_true(utf8_valid(out, strlen(out)));
}

/* C1 controls, line separators and bidi overrides are escaped though well-formed. */
static void
test_hidden_code_points(void **state)
{
	char out[128];

	(void)state;
	/* U+009B (CSI), U+2028, U+202E, U+2066; then U+00A0 and U+2030, kept */
	log_escape("\xc2\x9b|\xe2\x80\xa8|\xe2\x80\xae|\xe2\x81\xa6|"
	    "\xc2\xa0|\xe2\x80\xb0", out, sizeof out);
	assert_string_equal(out, "\\xc2\\x9b|\\xe2\\x80\\xa8|\\xe2\\x80\\xae|"
	    "\\xe2\\x81\\xa6|\xc2\xa0|\xe2\x80\xb0");
}

/*
 * Issue 14.14: U+200F (RLM), U+061C (Arabic letter mark) and the other
 * invisible marks reached the log raw in principal and client names;
 * U+0600 and a CJK character next to them are kept.
 */
static void
test_invisible_marks(void **state)
{
	char out[256];

	(void)state;
	/* U+200F, U+061C, U+200B, U+FEFF, U+2060, U+E0041; U+0600, 中 kept */
	log_escape("a\xe2\x80\x8f|\xd8\x9c|\xe2\x80\x8b|\xef\xbb\xbf|"
	    "\xe2\x81\xa0|\xf3\xa0\x81\x81|\xd8\x80|中", out, sizeof out);
	assert_string_equal(out, "a\\xe2\\x80\\x8f|\\xd8\\x9c|"
	    "\\xe2\\x80\\x8b|\\xef\\xbb\\xbf|\\xe2\\x81\\xa0|"
	    "\\xf3\\xa0\\x81\\x81|\xd8\x80|中");
}

/* Long text is cut at a character boundary, ends with "...", and fits. */
static void
test_truncated(void **state)
{
	char out[16], big[4096];
	size_t i;

	(void)state;
	for (i = 0; i + 3 < sizeof big; i += 3)
		memcpy(big + i, "城", 3);
	big[i] = '\0';
	log_escape(big, out, sizeof out);
	assert_true(strlen(out) < sizeof out);
	assert_true(utf8_valid(out, strlen(out)));
	assert_string_equal(out + strlen(out) - 3, "...");
	assert_int_equal(strncmp(out, "城城城", 9), 0);

	memset(big, '\n', 100);
	big[100] = '\0';
	log_escape(big, out, sizeof out);
	assert_string_equal(out, "\\x0a\\x0a\\x0a...");
	for (i = 8; i < 12; i++) {	/* the smallest buffers still end well */
		log_escape(big, out, i);
		assert_true(strlen(out) < i);
		assert_false(has_control(out));
	}
}

/*
 * Text that reaches a log call raw (not through log_escape) still makes one
 * line without control bytes: log_vwrite escapes the whole line.
 */
static void
test_log_line_stays_one_line(void **state)
{
	char path[] = "/tmp/hotline-test-log-XXXXXX", buf[1024];
	int fd = mkstemp(path), saved = dup(STDERR_FILENO), lines = 0;
	size_t n, i;
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	assert_true(saved >= 0);
	assert_true(dup2(fd, STDERR_FILENO) >= 0);
	log_init(1, 0);
	log_warnx("failed hello as \"%s\"", "x\n[fake] log line\x1b[31m\xff");
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	f = fdopen(fd, "r");
	assert_non_null(f);
	rewind(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	unlink(path);
	for (i = 0; i < n; i++) {
		lines += buf[i] == '\n';
		assert_true(buf[i] == '\n' || !((unsigned char)buf[i] < 0x20 ||
		    buf[i] == 0x7f));
	}
	assert_int_equal(lines, 1);
	assert_non_null(strstr(buf, "x\\x0a[fake] log line\\x1b[31m\\xff"));
	assert_true(utf8_valid(buf, n));
}

/* Runs the tests. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_text_kept),
		cmocka_unit_test(test_newline_and_ansi),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_hidden_code_points),
		cmocka_unit_test(test_invisible_marks),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_log_line_stays_one_line),
	};

	return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
