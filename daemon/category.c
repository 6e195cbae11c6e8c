/* The category tree (分类与代码, in the spirit of GB/T 39666): major, middle and minor classes by code, pure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "category.h"
#include "xarray.h"
#include "xmalloc.h"

/*
 * A code is 2 digits for a major class (大类, "03"), 4 for a middle class
 * (中类, "0301", under "03") and 6 for a minor class (小类, "030102", under
 * "0301"). A ticket's category is always a minor class's code; its label
 * names the path, "城乡建设/物业管理/电梯".
 */

/* Returns 1 if code is 2, 4 or 6 ASCII digits. */
static int
category_code_ok(const char *code)
{
	size_t len = strlen(code);

	return (len == 2 || len == 4 || len == 6) &&
	    strspn(code, "0123456789") == len;
}

/* Orders categories by code. */
static int
category_cmp(const void *a, const void *b)
{
	return strcmp(((const struct category *)a)->code,
	    ((const struct category *)b)->code);
}

/* Returns the category with code among the n sorted ones, or NULL. */
const struct category *
category_find(const struct category *cats, size_t n, const char *code)
{
	struct category key = { (char *)code, NULL, NULL };

	if (code == NULL || n == 0)
		return NULL;
	return xbsearch(&key, cats, n, sizeof *cats, category_cmp);
}

/* Returns the minor class with code, or NULL when code is none (or no minor class). */
const struct category *
category_minor(const struct category *cats, size_t n, const char *code)
{
	const struct category *c = category_find(cats, n, code);

	return c != NULL && strlen(c->code) == 6 ? c : NULL;
}

/* Sets c's label from its parent's ("城乡建设" + "/" + c's name). */
static void
category_label(struct category *c, const struct category *parent)
{
	size_t len;

	free(c->label);
	if (parent == NULL) {
		c->label = xstrdup(c->name);
		return;
	}
	len = strlen(parent->label) + 1 + strlen(c->name) + 1;
	c->label = xmalloc(len);
	snprintf(c->label, len, "%s/%s", parent->label, c->name);
}

/*
 * Checks the n categories and sorts them by code (so category_find works),
 * setting every label. Returns 0, or -1 with *bad set to the code at fault
 * (a string of cats, valid while they are) and *why to the reason.
 */
int
category_check(struct category *cats, size_t n, const char **bad,
    const char **why)
{
	const struct category *parent;
	char up[8];
	size_t i;

	for (i = 0; i < n; i++)
		if (!category_code_ok(cats[i].code)) {
			*bad = cats[i].code;
			*why = "a code is 2, 4 or 6 digits (大类, 中类, 小类)";
			return -1;
		}
	xqsort(cats, n, sizeof *cats, category_cmp);
	for (i = 0; i < n; i++) {
		*bad = cats[i].code;
		if (i > 0 && strcmp(cats[i].code, cats[i - 1].code) == 0) {
			*why = "the code is listed twice";
			return -1;
		}
		parent = NULL;
		if (strlen(cats[i].code) > 2) {
			snprintf(up, sizeof up, "%.*s",
			    (int)strlen(cats[i].code) - 2, cats[i].code);
			/* Sorted: the parent, if listed, was labelled already. */
			if ((parent = category_find(cats, n, up)) == NULL) {
				*why = "its parent class is not listed";
				return -1;
			}
		}
		category_label(&cats[i], parent);
	}
	return 0;
}
