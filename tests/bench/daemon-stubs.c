/* What the daemon's own code (libhotlined.a) expects of main.c, for the benchmark programs that link it: the configuration in force, the event base and the reload swap. */
#include "hotlined.h"

/* Set by the program that loads a configuration (bench-limit, bench-stats, bench-timers). */
struct config *cfg;
/* Unused: no benchmark program runs the daemon's loop. */
struct event_base *ev_base;

/* The daemon swaps in a reloaded configuration here; no benchmark reloads. */
int
daemon_swap(struct config *fresh, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	config_free(fresh);
	return 0;
}
