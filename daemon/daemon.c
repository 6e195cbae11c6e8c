/* The daemon's shared state in one owner: the configuration in force, its generation and the event loop every shell module reads. */
#include "hotlined.h"

/*
 * Set by daemon_run (daemon-run.c); the configuration and its generation
 * change only in daemon_swap_config, on the loop. Programs that drive the
 * library themselves (tests, benchmarks, fuzzers) set the fields they need
 * here too instead of defining globals of their own.
 */
struct daemon hotlined;

/* Makes fresh the configuration in force; returns the one it replaces. */
struct config *
daemon_swap_config(struct config *fresh)
{
	struct config *old = hotlined.cfg;

	hotlined.cfg = fresh;
	hotlined.generation++;
	return old;
}
