/* hotlined: the command line; daemon-run.c runs the daemon it asks for. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "hotlined.h"

#ifndef HOTLINED_CONF
#define HOTLINED_CONF "/usr/local/etc/hotline/hotlined.conf"
#endif

/* Prints the usage to f and exits with status. */
static void __attribute__((noreturn))
usage(FILE *f, int status)
{
	fprintf(f, "usage: hotlined [-dnv] [-f file]\n"
	    "       hotlined -h | --help | --version\n"
	    "  -d  stay in the foreground and log to stderr (for systemd and make run)\n"
	    "  -f  the configuration file (default %s)\n"
	    "  -n  check the configuration and exit\n"
	    "  -v  more log lines (debug)\n"
	    "hotlined(8) and hotlined.conf(5) explain the rest.\n", HOTLINED_CONF);
	exit(status);
}

int
main(int argc, char *argv[])
{
	struct daemon_options o = { .path = HOTLINED_CONF };
	int ch;

	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};

	while ((ch = getopt_long(argc, argv, "df:hnv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout, 0);
		case 'V':
			printf("hotlined %s\n", HOTLINED_VERSION);
			return 0;
		case 'd':
			o.foreground = 1;
			break;
		case 'f':
			o.path = optarg;
			break;
		case 'n':
			o.check_only = 1;
			break;
		case 'v':
			o.verbose++;
			break;
		default:
			usage(stderr, 1);
		}
	}
	if (optind != argc)
		usage(stderr, 1);
	return daemon_run(&o);
}
