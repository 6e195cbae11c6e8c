/* Allocation that never returns NULL (xmalloc.c; pure core). */
#ifndef XMALLOC_H
#define XMALLOC_H

#include <stddef.h>

/*
 * Contract: every function returns memory the caller owns and frees with
 * free(); when memory runs out the process exits through fatalx, so no
 * caller checks for NULL. Safe from any thread.
 */

/* xmalloc.c */
void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xrealloc(void *, size_t);
char *xstrdup(const char *);
char *xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
