/* Helpers shared by the fuzz targets: a private temporary directory, files, the test config and input cursors. */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sanitizer/common_interface_defs.h>

#include "fuzz.h"

#ifndef FUZZ_SRCDIR
#define FUZZ_SRCDIR "."
#endif

static char tmpdir[256];

/*
 * LeakSanitizer's built-in suppressions: Debian's libconfig (1.5) leaks the
 * buffer of a string literal cut short by a syntax error even after
 * config_destroy; that leak is libconfig's, not hotline's.
 */
const char *__lsan_default_suppressions(void);

const char *
__lsan_default_suppressions(void)
{
	return "leak:libconfig.so\n";
}

/*
 * Reports a broken invariant and aborts (libFuzzer keeps the input). The
 * sanitizers' report channel carries it too, since -close_fd_mask=2
 * (make fuzz) closes stderr.
 */
void
fuzz_fail(const char *file, int line, const char *what)
{
	char msg[512];

	snprintf(msg, sizeof msg, "fuzz: check failed at %s:%d: %s", file,
	    line, what);
	fprintf(stderr, "%s\n", msg);
	__sanitizer_report_error_summary(msg);
	abort();
}

/* nftw: removes one entry of the temporary directory, children first. */
static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* atexit: removes the temporary directory (a crash leaves it behind). */
static void
tmpdir_remove(void)
{
	if (tmpdir[0] != '\0')
		nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Returns the target's private temporary directory, made on first use. */
const char *
fuzz_tmpdir(void)
{
	const char *base = getenv("TMPDIR");

	if (tmpdir[0] != '\0')
		return tmpdir;
	snprintf(tmpdir, sizeof tmpdir, "%s/hotline-fuzz-XXXXXX",
	    base != NULL && *base != '\0' ? base : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		fprintf(stderr, "fuzz: mkdtemp %s: %s\n", tmpdir,
		    strerror(errno));
		exit(1);
	}
	atexit(tmpdir_remove);
	return tmpdir;
}

/* Returns tmpdir/name, newly allocated. */
char *
fuzz_tmppath(const char *name)
{
	return xasprintf("%s/%s", fuzz_tmpdir(), name);
}

/* Returns the path of a file of the source tree, newly allocated. */
char *
fuzz_srcpath(const char *relative)
{
	const char *dir = getenv("HOTLINE_SRCDIR");

	return xasprintf("%s/%s", dir != NULL && *dir != '\0' ? dir :
	    FUZZ_SRCDIR, relative);
}

/* Reads a whole file (NUL-terminated; *len without the NUL) or exits. */
char *
fuzz_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, got;

	if (f == NULL) {
		fprintf(stderr, "fuzz: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	do {
		if (cap - n < 4096)
			buf = xrealloc(buf, cap += 65536);
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got > 0);
	fclose(f);
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

/* Writes len bytes to path (replacing it) or exits. */
void
fuzz_write(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "fuzz: cannot write %s\n", path);
		exit(1);
	}
}

/* Copies the file from to the file to. */
void
fuzz_copy(const char *from, const char *to)
{
	size_t len;
	char *text = fuzz_read(from, &len);

	fuzz_write(to, text, len);
	free(text);
}

/* Copies the shipped year files (2025.json, 2026.json) to tmpdir/calendar. */
void
fuzz_copy_calendar(void)
{
	static const char *const years[] = { "2025.json", "2026.json" };
	char *from, *to, *dir, name[64];
	size_t i;

	dir = fuzz_tmppath("calendar");
	mkdir(dir, 0700);
	free(dir);
	for (i = 0; i < sizeof years / sizeof years[0]; i++) {
		snprintf(name, sizeof name, "conf/calendar/%s", years[i]);
		from = fuzz_srcpath(name);
		snprintf(name, sizeof name, "calendar/%s", years[i]);
		to = fuzz_tmppath(name);
		fuzz_copy(from, to);
		free(from);
		free(to);
	}
}

/* Returns a NUL-terminated copy of the input, exactly size + 1 bytes (ASan sees over-reads). */
char *
fuzz_cstring(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);

	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* The catalogue the test config names: the integration tests' unless set. */
static const char *test_catalogue;

/* Returns the value of the test config template's variable @name@, or NULL. */
static char *
template_value(const char *name, size_t len)
{
	static const char *const names[] = { "DIR", "SOCK", "REDIS_SOCK",
	    "TCP_PORT", "CATALOGUE", "SRCDIR", "EXTRA_PRINCIPALS", "HTTP_PORT",
	    NULL };
	int i;

	for (i = 0; names[i] != NULL; i++)
		if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
			break;
	switch (i) {
	case 0:
		return xstrdup(fuzz_tmpdir());
	case 1:
		return fuzz_tmppath("hotlined.sock");
	case 2:
		return fuzz_tmppath("redis.sock");
	case 3:
		return xstrdup("17345");
	case 4:
		return test_catalogue != NULL ? xstrdup(test_catalogue) :
		    fuzz_srcpath("tests/integration/catalogue-test.conf");
	case 5:
		return fuzz_srcpath(".");
	case 6:
		return xstrdup("");
	case 7:
		return xstrdup("17346");
	}
	return NULL;
}

/* Returns in with every @NAME@ that template_value knows replaced, newly allocated. */
static char *
fill_template(const char *in)
{
	char *out = xstrdup(""), *value, *next;
	const char *s = in, *at, *close;

	while ((at = strchr(s, '@')) != NULL) {
		close = strchr(at + 1, '@');
		value = close != NULL ? template_value(at + 1,
		    (size_t)(close - at - 1)) : NULL;
		if (value == NULL) {
			next = xasprintf("%s%.*s", out, (int)(at + 1 - s), s);
			s = at + 1;
		} else {
			next = xasprintf("%s%.*s%s", out, (int)(at - s), s,
			    value);
			s = close + 1;
		}
		free(value);
		free(out);
		out = next;
	}
	next = xasprintf("%s%s", out, s);
	free(out);
	return next;
}

/*
 * Writes the integration tests' config (tests/integration/hotlined-test.conf.in
 * with its @NAME@ variables filled in as the harness does) into the temporary
 * directory; returns its path, newly allocated. It names the catalogue at
 * catalogue, or the integration tests' if that is NULL.
 */
char *
fuzz_test_config(const char *catalogue)
{
	char *template = fuzz_srcpath("tests/integration/hotlined-test.conf.in");
	char *in = fuzz_read(template, NULL), *text, *path;

	test_catalogue = catalogue;
	text = fill_template(in);
	path = fuzz_tmppath("hotlined.conf");
	fuzz_write(path, text, strlen(text));
	free(text);
	free(in);
	free(template);
	return path;
}

/* Prints why an input was refused when FUZZ_VERBOSE is set (for writing seeds). */
void
fuzz_refused(const char *why)
{
	static int verbose = -1;

	if (verbose == -1)
		verbose = getenv("FUZZ_VERBOSE") != NULL;
	if (verbose)
		fprintf(stderr, "fuzz: refused: %s\n", why);
}

/* Takes one byte from the back of the input; 0 once it is used up. */
uint8_t
fuzz_back_byte(struct fuzz_input *in)
{
	if (in == NULL || in->end <= in->p)
		return 0;
	return *--in->end;
}

/* frame_pull for the fuzz targets: the stream's first n bytes, in a buffer of exactly n bytes. */
const uint8_t *
fuzz_pull(void *stream, size_t n)
{
	struct fuzz_stream *s = stream;

	free(s->copy);
	s->copy = xmalloc(n);
	memcpy(s->copy, s->p, n);
	return s->copy;
}

/* Frees the stream's last copy (the envelope read from it owns its own memory). */
void
fuzz_stream_done(struct fuzz_stream *s)
{
	free(s->copy);
	s->copy = NULL;
}
