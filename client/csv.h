/* A CSV writer for spreadsheet programs: UTF-8 with a BOM, RFC 4180 quoting, CRLF line ends. */
#ifndef HOTLINE_CSV_H
#define HOTLINE_CSV_H

#include <stdio.h>

/* One CSV output: the stream and where the current row stands. */
struct csv {
	FILE *out;
	int fields;			/* fields written in the current row */
	int error;			/* a write failed; later writes do nothing */
};

/*
 * Starts a CSV document on out: writes the UTF-8 byte order mark (EF BB
 * BF), which tells spreadsheet programs the text is UTF-8.
 */
void csv_begin(struct csv *, FILE *out);
/*
 * Writes one field of the current row: as it is, or quoted with its quotes
 * doubled when it holds a comma, a quote, CR or LF (RFC 4180). NULL is an
 * empty field. The bytes pass through unchanged (UTF-8 stays UTF-8).
 */
void csv_field(struct csv *, const char *);
/* Writes a field with printf's format. */
void csv_fieldf(struct csv *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Ends the current row with CRLF. */
void csv_end_row(struct csv *);
/* Returns 0 if every write so far succeeded, else -1. */
int csv_status(const struct csv *);

#endif
