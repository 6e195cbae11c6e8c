/* A CSV writer for spreadsheet programs: UTF-8 with a BOM, RFC 4180 quoting, CRLF line ends. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "csv.h"

#define CSV_BOM "\xef\xbb\xbf"

/* Writes s to the output unless a write already failed. */
static void
csv_put(struct csv *c, const char *s)
{
	if (!c->error && fputs(s, c->out) == EOF)
		c->error = 1;
}

/* Writes one character to the output unless a write already failed. */
static void
csv_putc(struct csv *c, char ch)
{
	if (!c->error && fputc(ch, c->out) == EOF)
		c->error = 1;
}

/* Starts a document with the byte order mark. */
void
csv_begin(struct csv *c, FILE *out)
{
	c->out = out;
	c->fields = 0;
	c->error = 0;
	csv_put(c, CSV_BOM);
}

/* Writes s inside quotes, each quote doubled. */
static void
csv_quoted(struct csv *c, const char *s)
{
	csv_putc(c, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			csv_putc(c, '"');
		csv_putc(c, *s);
	}
	csv_putc(c, '"');
}

/* Writes one field, quoted when RFC 4180 requires it. */
void
csv_field(struct csv *c, const char *s)
{
	if (c->fields++ > 0)
		csv_putc(c, ',');
	if (s == NULL)
		return;
	if (strpbrk(s, ",\"\r\n") != NULL)
		csv_quoted(c, s);
	else
		csv_put(c, s);
}

/* Writes a field with printf's format (cut at 255 bytes: for numbers). */
void
csv_fieldf(struct csv *c, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	csv_field(c, buf);
}

/* Ends the row with CRLF. */
void
csv_end_row(struct csv *c)
{
	csv_put(c, "\r\n");
	c->fields = 0;
}

/* Returns 0 if every write succeeded, else -1. */
int
csv_status(const struct csv *c)
{
	return c->error || ferror(c->out) ? -1 : 0;
}
