/* hotlinectl's command lines: a command's options and arguments parsed and checked, numbers and time limits. */
#include <getopt.h>
#include <stdint.h>
#include <string.h>

#include "ctl.h"

/* Parses a decimal number up to max; returns 0, or -1 if s is not one. */
int
ctl_parse_number(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (max - (unsigned long)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	*out = v;
	return 0;
}

/*
 * Parses the options of a command whose only option is "--name VALUE" (name
 * NULL: it has none; "--" still ends the options). Sets *value if given.
 * Returns 0 with optind at the first argument, or -1 on another option.
 */
int
ctl_options(int argc, char **argv, const char *name, char **value)
{
	const struct option longopts[] = {
		{ name, required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts + (name == NULL),
	    NULL)) != -1) {
		if (ch != 'o')
			return -1;
		*value = optarg;
	}
	return 0;
}

/* Parses "--limit N" and exactly one argument; returns 0 or -1. */
int
ctl_limit_options(int argc, char **argv, int nargs, uint32_t *limit)
{
	unsigned long v = 0;
	char *arg = NULL;

	if (ctl_options(argc, argv, "limit", &arg) == -1 ||
	    argc - optind != nargs ||
	    (arg != NULL && ctl_parse_number(arg, UINT32_MAX, &v) == -1))
		return -1;
	*limit = (uint32_t)v;
	return 0;
}

/*
 * Parses "[--limit N] [--cursor C]" and nargs operands, as
 * ctl_limit_options; *cursor is left alone unless --cursor is given.
 */
int
ctl_page_options(int argc, char **argv, int nargs, uint32_t *limit,
    char **cursor)
{
	const struct option longopts[] = {
		{ "limit", required_argument, NULL, 'l' },
		{ "cursor", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned long v = 0;
	char *arg = NULL;
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 'l')
			arg = optarg;
		else if (ch == 'c')
			*cursor = optarg;
		else
			return -1;
	}
	if (argc - optind != nargs ||
	    (arg != NULL && ctl_parse_number(arg, UINT32_MAX, &v) == -1))
		return -1;
	*limit = (uint32_t)v;
	return 0;
}

/* Builds getopt_long's table from opts; values are CTL_OPT_BASE + index. */
static size_t
ctl_longopts(const struct ctl_opt *opts, struct option *longopts)
{
	size_t n;

	for (n = 0; n < CTL_MAX_OPTS && opts[n].name != NULL; n++) {
		longopts[n].name = opts[n].name;
		longopts[n].has_arg = opts[n].text != NULL ? required_argument :
		    no_argument;
		longopts[n].flag = NULL;
		longopts[n].val = CTL_OPT_BASE + (int)n;
	}
	memset(&longopts[n], 0, sizeof longopts[n]);
	return n;
}

/* Checks the arguments' count and that none is empty; returns 0 or a usage status. */
static int
ctl_arguments(const struct ctl *ctl, int argc, char **argv, int nargs)
{
	int i;

	if (argc - optind != nargs)
		return ctl_usage_error(ctl, ZH_EN("需要 ", "expected ") "%d"
		    ZH_EN(" 个参数，实际 ", " argument(s), got ") "%d"
		    ZH_EN(" 个", ""), nargs, argc - optind);
	for (i = optind; i < argc; i++)
		if (argv[i][0] == '\0')
			return ctl_usage_error(ctl, ZH_EN("第 ", "argument ")
			    "%d" ZH_EN(" 个参数为空", " is empty"), i - optind + 1);
	return 0;
}

/*
 * Parses a command's options as opts says (a NULL name ends them) and
 * checks that nargs arguments follow, none empty, and that every required
 * option has a value that is not empty. Returns 0 with optind at the first
 * argument, or a usage status.
 */
int
ctl_parse(const struct ctl *ctl, int argc, char **argv,
    const struct ctl_opt *opts, int nargs)
{
	struct option longopts[CTL_MAX_OPTS + 1];
	const struct ctl_opt *o;
	size_t n = ctl_longopts(opts, longopts);
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch < CTL_OPT_BASE || ch >= CTL_OPT_BASE + (int)n)
			return ctl_usage(ctl);
		o = &opts[ch - CTL_OPT_BASE];
		if (o->text != NULL)
			*o->text = optarg;
		else
			*o->flag = 1;
	}
	if ((rc = ctl_arguments(ctl, argc, argv, nargs)) != 0)
		return rc;
	for (o = opts; o < opts + n; o++)
		if (o->required && o->text != NULL &&
		    (*o->text == NULL || (*o->text)[0] == '\0'))
			return ctl_usage_error(ctl, "--%s" ZH_EN(" 为必填项",
			    " is required"), o->name);
	return 0;
}

/*
 * Says whether s is a time limit as the daemon takes it: 1 to 4 digits, not
 * starting with 0, then m, h, d (natural time), wh or wd (working time).
 */
int
ctl_time_limit_valid(const char *s)
{
	static const char *const units[] = { "m", "h", "d", "wh", "wd" };
	size_t digits = strspn(s, "0123456789"), i;

	if (digits == 0 || digits > 4 || s[0] == '0')
		return 0;
	for (i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(s + digits, units[i]) == 0)
			return 1;
	return 0;
}
