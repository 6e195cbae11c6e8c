/* The unit tests' access to the source tree: a path under it and a file's whole text (one copy instead of one per test). */
#ifndef UNIT_FILES_H
#define UNIT_FILES_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

/*
 * The source tree is $HOTLINE_SRCDIR (tests/run.sh sets it), else the
 * current directory. Header-only (static inline), so each test program
 * takes what it uses and the Makefile links nothing more.
 */

/* Writes the path of rel (from the top of the source tree) into buf; returns buf. */
static inline const char *
unit_path(const char *rel, char *buf, size_t len)
{
	const char *root = getenv("HOTLINE_SRCDIR");

	snprintf(buf, len, "%s/%s", root != NULL ? root : ".", rel);
	return buf;
}

/* Returns the whole text of rel, NUL-terminated (free it), with its size in *len if len is not NULL; NULL if it cannot be read. */
static inline char *
unit_read(const char *rel, size_t *len)
{
	char path[4096], *text = NULL;
	FILE *fp;
	long n;

	unit_path(rel, path, sizeof path);
	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 &&
	    fseek(fp, 0, SEEK_SET) == 0 &&
	    (text = malloc((size_t)n + 1)) != NULL) {
		if (fread(text, 1, (size_t)n, fp) == (size_t)n) {
			text[n] = '\0';
			if (len != NULL)
				*len = (size_t)n;
		} else {
			free(text);
			text = NULL;
		}
	}
	fclose(fp);
	return text;
}

/* Runs cmd with the shell; returns its exit status, or -1 if it did not run or was killed. */
static inline int
unit_run(const char *cmd)
{
	int status = system(cmd);

	return status == -1 || !WIFEXITED(status) ? -1 : WEXITSTATUS(status);
}

#endif
