/* The daemon's shared state in one owner: the configuration in force and the event loop every shell module reads. */
#include "hotlined.h"

/*
 * Set by daemon_run (daemon-run.c) and swapped only by its reload swap, on
 * the loop; programs that drive the library themselves (tests, benchmarks,
 * fuzzers) set them here too instead of defining them. They stay two plain
 * names rather than fields of struct daemon: about two hundred lines in
 * thirty files read cfg->..., and a renamed global would break every branch
 * that adds one more.
 */
struct config *cfg;			/* the configuration in force */
struct event_base *ev_base;		/* the daemon's one event loop */
