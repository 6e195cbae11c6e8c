/* The category tree (分类与代码) of the catalogue (category.c; pure core). */
#ifndef CATEGORY_H
#define CATEGORY_H

#include <stddef.h>

/*
 * Contract: the caller owns the array of categories; category_check sorts it
 * by code and sets each label (owned by the entry, freed with it by
 * config_free); the finders return pointers into the array. No state.
 */

/* category.c: the category tree (分类与代码), pure. */
struct category {
	char *code;		/* "03" 大类, "0301" 中类, "030102" 小类 */
	char *name;		/* "电梯" */
	char *label;		/* set by category_check: "城乡建设/物业管理/电梯" */
};

int category_check(struct category *, size_t n, const char **bad,
    const char **why);
const struct category *category_find(const struct category *, size_t n,
    const char *code);
const struct category *category_minor(const struct category *, size_t n,
    const char *code);

#endif
