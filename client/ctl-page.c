/* hotlinectl's paging hint: the command line a page was asked with, printed again with the next page's --cursor. */
#include <stdio.h>
#include <string.h>

#include "ctl.h"

#define CTL_PAGE_LEN 1024	/* the remembered command line, quoted */

static char ctl_page_line[CTL_PAGE_LEN];

/* Appends s to the remembered line, single-quoted when the shell would split or expand it. */
static void
ctl_page_append(const char *s)
{
	size_t n = strlen(ctl_page_line), i;
	int quote = s[0] == '\0' || strpbrk(s, " \t\n'\"\\$`*?[]{}()<>|&;#~!") != NULL;

	if (n > 0 && n + 1 < CTL_PAGE_LEN)
		ctl_page_line[n++] = ' ';
	if (quote && n + 1 < CTL_PAGE_LEN)
		ctl_page_line[n++] = '\'';
	for (i = 0; s[i] != '\0' && n + 5 < CTL_PAGE_LEN; i++) {
		if (quote && s[i] == '\'') {
			memcpy(ctl_page_line + n, "'\\''", 4);	/* ' → '\'' */
			n += 4;
		} else
			ctl_page_line[n++] = s[i];
	}
	if (quote && n + 1 < CTL_PAGE_LEN)
		ctl_page_line[n++] = '\'';
	ctl_page_line[n] = '\0';
}

/*
 * Remembers the command's name and its arguments (argv[1] on, as a
 * command's run gets them), leaving out any --cursor, for
 * ctl_print_next_page. Call it before getopt reorders argv.
 */
void
ctl_page_command(const char *name, int argc, char **argv)
{
	int i;

	ctl_page_line[0] = '\0';
	ctl_page_append(name);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--cursor") == 0) {
			i++;
			continue;
		}
		if (strncmp(argv[i], "--cursor=", 9) == 0)
			continue;
		ctl_page_append(argv[i]);
	}
}

/* Prints where the next page is: the same command with --cursor (nothing when cursor is ""). */
void
ctl_print_next_page(const char *cursor)
{
	size_t n = strlen(ctl_page_line);

	if (cursor == NULL || cursor[0] == '\0')
		return;
	ctl_page_append("--cursor");
	ctl_page_append(cursor);
	printf(ctl_lang == CTL_LANG_EN ? "(more: the next page is %s)\n" :
	    "（还有：下一页 %s）\n", ctl_page_line);
	ctl_page_line[n] = '\0';
}
