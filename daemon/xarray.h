/* qsort, bsearch and memcpy safe for empty arrays (xarray.c; pure core). */
#ifndef XARRAY_H
#define XARRAY_H

#include <stddef.h>

/*
 * Contract: the same arguments and results as the libc routines, except
 * that n may be 0 with a NULL base (nothing is done, NULL is found).
 * No state: safe from any thread.
 */

/*
 * xarray.c: qsort, qsort_r, bsearch and memcpy for arrays that may be empty
 * and then NULL (the libc routines are undefined there: UBSan aborts). Use
 * them wherever the count comes from data.
 */
void xqsort(void *, size_t, size_t, int (*)(const void *, const void *));
void xqsort_r(void *, size_t, size_t,
    int (*)(const void *, const void *, void *), void *);
void *xbsearch(const void *, const void *, size_t, size_t,
    int (*)(const void *, const void *));
void *xmemcpy(void *, const void *, size_t);

#endif
