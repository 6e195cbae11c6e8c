/* The shell's side of logging: log_open, and libevent's own messages routed into the log. */
#include <event2/event.h>

#include "log.h"

/* Routes libevent's own messages into our log. */
static void
log_libevent(int severity, const char *msg)
{
	if (severity >= EVENT_LOG_WARN)
		log_warnx("libevent: %s", msg);
	else
		log_debug("libevent: %s", msg);
}

/* Chooses stderr or syslog and the verbosity; call once at start. */
void
log_init(int foreground, int verbose)
{
	log_open(foreground, verbose);
	event_set_log_callback(log_libevent);
}
