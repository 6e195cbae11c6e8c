/* Logging to stderr (foreground) or syslog, with escaping of untrusted text. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <event2/event.h>

#include "hotlined.h"

static int log_to_stderr = 1;
static int log_verbose;

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
	log_to_stderr = foreground;
	log_verbose = verbose;
	if (!foreground)
		openlog("hotlined", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	event_set_log_callback(log_libevent);
}

/* Writes one line at priority pri, with an optional errno text. */
static void
log_vwrite(int pri, int with_errno, int saved_errno, const char *fmt, va_list ap)
{
	char line[2048];
	size_t n;

	vsnprintf(line, sizeof line, fmt, ap);
	if (with_errno) {
		n = strlen(line);
		snprintf(line + n, sizeof line - n, ": %s", strerror(saved_errno));
	}
	if (log_to_stderr) {
		struct timespec ts;
		struct tm tm;
		char stamp[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld hotlined: %s\n", stamp,
		    ts.tv_nsec / 1000000, line);
	} else
		syslog(pri, "%s", line);
}

#define LOG_BODY(pri, with_errno) do {				\
	int saved_errno = errno;				\
	va_list ap;						\
	va_start(ap, fmt);					\
	log_vwrite(pri, with_errno, saved_errno, fmt, ap);	\
	va_end(ap);						\
	errno = saved_errno;					\
} while (0)

void
log_debug(const char *fmt, ...)
{
	if (log_verbose)
		LOG_BODY(LOG_DEBUG, 0);
}

void
log_info(const char *fmt, ...)
{
	LOG_BODY(LOG_INFO, 0);
}

void
log_warn(const char *fmt, ...)
{
	LOG_BODY(LOG_WARNING, 1);
}

void
log_warnx(const char *fmt, ...)
{
	LOG_BODY(LOG_WARNING, 0);
}

void
fatal(const char *fmt, ...)
{
	LOG_BODY(LOG_CRIT, 1);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	LOG_BODY(LOG_CRIT, 0);
	exit(1);
}

/*
 * Copies untrusted text into out (size outlen, at least 8) for a log line:
 * printable ASCII and UTF-8 bytes are kept, control characters and quotes
 * become \xNN, and over-long text is cut with "...". Returns out.
 */
const char *
log_escape(const char *text, char *out, size_t outlen)
{
	size_t o = 0;

	if (text == NULL)
		text = "";
	for (; *text != '\0'; text++) {
		unsigned char c = (unsigned char)*text;

		if (o + 5 >= outlen) {
			memcpy(out + outlen - 4, "...", 4);
			return out;
		}
		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
	return out;
}
