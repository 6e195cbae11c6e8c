/* libc's array routines for arrays that may be empty and then NULL (qsort(NULL, 0, ...) is undefined). */
#include <stdlib.h>
#include <string.h>

#include "xarray.h"

/* qsort that accepts an empty array given as NULL. */
void
xqsort(void *base, size_t n, size_t size,
    int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

/* qsort_r that accepts an empty array given as NULL. */
void
xqsort_r(void *base, size_t n, size_t size,
    int (*cmp)(const void *, const void *, void *), void *arg)
{
	if (n > 1)
		qsort_r(base, n, size, cmp, arg);
}

/* bsearch that accepts an empty array given as NULL (found nothing). */
void *
xbsearch(const void *key, const void *base, size_t n, size_t size,
    int (*cmp)(const void *, const void *))
{
	return n > 0 ? bsearch(key, base, n, size, cmp) : NULL;
}

/* memcpy that accepts n == 0 with either pointer NULL; returns dst. */
void *
xmemcpy(void *dst, const void *src, size_t n)
{
	return n > 0 ? memcpy(dst, src, n) : dst;
}
