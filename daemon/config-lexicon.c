/* routing.lexicon: the domain lexicon file (one word a line) read into the config, in normal form, for the routing and knowledge-base segmenters. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "config-read.h"
#include "log.h"
#include "normalize.h"
#include "segment.h"
#include "utf8.h"
#include "xmalloc.h"

#define CONFIG_LEXICON_LINE 256		/* bytes of one line, newline included */
#define CONFIG_LEXICON_MAX 100000	/* words in the file */

/*
 * Checks one line's word w (trimmed, not empty) and adds its normal form to
 * conf's lexicon; 0, or -1 with why (static).
 */
static int
config_lexicon_word(struct config *conf, const char *w, const char **why)
{
	struct routing_spec *rs = &conf->routing;
	char *norm;
	size_t chars;

	if (!utf8_valid(w, strlen(w))) {
		*why = "not valid UTF-8";
		return -1;
	}
	norm = normalize_text(w);
	chars = utf8_length(norm);
	if (strchr(norm, ' ') != NULL || chars < 2 || chars >
	    SEGMENT_USER_CHARS) {
		free(norm);
		*why = "a word is 2 to 16 characters without spaces or "
		    "punctuation";
		return -1;
	}
	if (rs->nlexicon >= CONFIG_LEXICON_MAX) {
		free(norm);
		*why = "more than 100000 words";
		return -1;
	}
	rs->lexicon = xrealloc(rs->lexicon, (rs->nlexicon + 1) *
	    sizeof *rs->lexicon);
	rs->lexicon[rs->nlexicon++] = norm;
	return 0;
}

/* Reads the words of the file at path; 0, or -1 with "path:line: why" in r's err. */
static int
config_lexicon_read(struct config *conf, const struct config_reader *r,
    const char *path)
{
	char *line = NULL, *w, *end;
	const char *why = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned n = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL && errno == ENOENT) {	/* as routing.seeds */
		log_warnx("routing.lexicon %s: no such file; words are cut "
		    "without the domain lexicon", path);
		return 0;
	}
	if (f == NULL) {
		snprintf(r->err, r->errlen, "%s: routing.lexicon: cannot read: "
		    "%s", path, strerror(errno));
		return -1;
	}
	while (why == NULL && (len = getline(&line, &cap, f)) != -1) {
		n++;
		if (len > CONFIG_LEXICON_LINE)
			why = "line longer than 256 bytes";
		else if (strlen(line) != (size_t)len)
			why = "NUL byte";
		if (why != NULL)
			break;
		for (w = line; *w == ' ' || *w == '\t'; w++)
			;
		end = w + strcspn(w, "\r\n");
		while (end > w && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		*end = '\0';
		if (*w != '\0' && *w != '#')
			config_lexicon_word(conf, w, &why);
	}
	free(line);
	fclose(f);
	if (why == NULL)
		return 0;
	snprintf(r->err, r->errlen, "%s:%u: routing.lexicon: %s", path, n, why);
	return -1;
}

/* Reads routing.lexicon (optional, relative to the main file); see config-read.h. */
int
config_load_lexicon(struct config *conf, const struct config_group *g)
{
	char *file = NULL, *path;
	int rc;

	if (config_string(g, "lexicon", CONFIG_NONEMPTY, &file) == -1)
		return -1;
	if (file == NULL)
		return 0;
	path = config_relative(conf->path, file);
	free(file);
	rc = config_lexicon_read(conf, g->r, path);
	free(path);
	return rc;
}
