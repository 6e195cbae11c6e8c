/* Logging to stderr or syslog, with escaping of untrusted text (log.c; pure core). */
#ifndef LOG_H
#define LOG_H

#include <stddef.h>
#include <stdint.h>

/*
 * Contract: log_open (log.c) chooses stderr or syslog once at start, before any
 * other thread runs; log_init (log-event.c, the shell) calls it and routes
 * libevent's messages here too. The writers may be called from any thread
 * (each line is one write); fatal and fatalx exit the process. log_escape
 * writes into the caller's out (outlen bytes, always terminated) and returns
 * it; nothing is allocated that the caller must free.
 */

/* log.c: chooses stderr (foreground) or syslog and the verbosity. */
void log_open(int foreground, int verbose);
/* log-event.c (shell): log_open, and libevent's own messages routed here. */
void log_init(int foreground, int verbose);
void log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
/* A repeated warning's state: log_warnx_limited writes it at most once a second. */
struct log_limit {
	int64_t last_ms;
	unsigned long suppressed;
};
void log_warnx_limited(struct log_limit *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
void fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
const char *log_escape(const char *text, char *out, size_t outlen);

#endif
