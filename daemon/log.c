/* Logging to stderr (foreground) or syslog, with escaping of untrusted text. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"
#include "now.h"
#include "utf8.h"

static int log_to_stderr = 1;

static const char *log_escape_into(const char *, char *, size_t, int);
static int log_verbose;

/* Chooses stderr or syslog and the verbosity; call once at start. */
void
log_open(int foreground, int verbose)
{
	log_to_stderr = foreground;
	log_verbose = verbose;
	if (!foreground)
		openlog("hotlined", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

/* Writes one line at priority pri, with an optional errno text. */
static void
log_vwrite(int pri, int with_errno, int saved_errno, const char *fmt, va_list ap)
{
	char raw[2048], line[2048];
	size_t n;

	vsnprintf(raw, sizeof raw, fmt, ap);
	if (with_errno) {
		n = strlen(raw);
		snprintf(raw + n, sizeof raw - n, ": %s", strerror(saved_errno));
	}
	/* The last line of defence: whatever reached %s raw, one line it stays. */
	log_escape_into(raw, line, sizeof line, 0);
	if (log_to_stderr) {
		struct timespec ts;
		struct tm tm;
		char stamp[32], zone[8];

		/* The machine's zone, said in every line: "+0000" is UTC. */
		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
		strftime(zone, sizeof zone, "%z", &tm);
		fprintf(stderr, "%s.%03ld %s hotlined: %s\n", stamp,
		    ts.tv_nsec / 1000000, zone, line);
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

/*
 * log_warnx for a warning that may repeat many times a second (accept
 * errors, failed hellos, cut-off clients under a flood): at most one line
 * a second per limit, saying how many like it were left out since.
 */
void
log_warnx_limited(struct log_limit *lim, const char *fmt, ...)
{
	int64_t now = now_mono_ms();
	va_list ap;
	char *line;

	if (lim->last_ms != 0 && now - lim->last_ms < 1000) {
		lim->suppressed++;
		return;
	}
	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		line = NULL;
	va_end(ap);
	if (lim->suppressed > 0)
		log_warnx("%s (and %lu more like it since the last such line)",
		    line != NULL ? line : fmt, lim->suppressed);
	else
		log_warnx("%s", line != NULL ? line : fmt);
	free(line);
	lim->last_ms = now;
	lim->suppressed = 0;
}

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

/* Invisible code points that must not reach a log line raw (see log_hidden_code_point). */
static const struct {
	uint32_t first, last;
} log_hidden[] = {
	{ .first = 0x0080, .last = 0x009f },	/* C1 controls (CSI acts like ESC) */
	{ .first = 0x00ad, .last = 0x00ad },	/* soft hyphen */
	{ .first = 0x061c, .last = 0x061c },	/* Arabic letter mark */
	{ .first = 0x115f, .last = 0x1160 },	/* Hangul fillers */
	{ .first = 0x180e, .last = 0x180e },	/* Mongolian vowel separator */
	{ .first = 0x200b, .last = 0x200f },	/* zero widths, LRM, RLM */
	{ .first = 0x2028, .last = 0x202e },	/* separators, embeddings, overrides */
	{ .first = 0x2060, .last = 0x206f },	/* joiners, isolates, deprecated formats */
	{ .first = 0x3164, .last = 0x3164 },	/* Hangul filler */
	{ .first = 0xfeff, .last = 0xfeff },	/* zero width no-break space */
	{ .first = 0xffa0, .last = 0xffa0 },	/* halfwidth Hangul filler */
	{ .first = 0xfff9, .last = 0xfffb },	/* interlinear annotation */
	{ .first = 0xe0000, .last = 0xe007f },	/* tags */
};

/*
 * Says whether the code point of the well-formed UTF-8 sequence at s (n
 * bytes) must not reach a log line raw: C1 controls (U+0080..U+009F, which
 * some terminals obey like ESC), line and paragraph separators, the
 * bidirectional marks, embeddings, overrides and isolates that make a line
 * read otherwise (U+200E/F, U+061C, U+202A..E, U+2066..9), and the other
 * invisible format characters that hide text (zero widths, tags, fillers).
 */
static int
log_hidden_code_point(const unsigned char *s, size_t n)
{
	static const unsigned char lead_mask[] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	uint32_t cp = s[0] & lead_mask[n];
	size_t i;

	for (i = 1; i < n; i++)
		cp = cp << 6 | (s[i] & 0x3f);
	for (i = 0; i < sizeof log_hidden / sizeof log_hidden[0]; i++)
		if (cp >= log_hidden[i].first && cp <= log_hidden[i].last)
			return 1;
	return 0;
}

/*
 * Writes text into out (outlen >= 8) escaped for a log line: well-formed
 * UTF-8 and printable ASCII are kept; control characters (newlines, ESC,
 * DEL), the code points log_hidden_code_point names and every byte of
 * malformed UTF-8 become \xNN; with quotes, '"' and '\' too, so that a
 * quoted field cannot be closed from inside. Text that does not fit is cut
 * at a character boundary and ends with "...". Returns out.
 */
static const char *
log_escape_into(const char *text, char *out, size_t outlen, int quotes)
{
	const unsigned char *p = (const unsigned char *)(text != NULL ?
	    text : "");
	size_t o = 0, n, need, i, left = strlen((const char *)p);

	while (left > 0) {
		n = utf8_next((const char *)p, left);
		if (n == 0 || (n == 1 && (*p < 0x20 || *p == 0x7f ||
		    (quotes && (*p == '"' || *p == '\\')))) ||
		    log_hidden_code_point(p, n))
			need = 4 * (n == 0 ? 1 : n);	/* \xNN each byte */
		else
			need = n;
		if (o + need + 4 > outlen) {	/* keep room for "..." and NUL */
			memcpy(out + o, "...", 4);
			return out;
		}
		if (need == n)
			memcpy(out + o, p, n);
		else
			for (i = 0; i < (n == 0 ? 1 : n); i++)
				snprintf(out + o + 4 * i, 5, "\\x%02x", p[i]);
		o += need;
		p += n == 0 ? 1 : n;
		left -= n == 0 ? 1 : n;
	}
	out[o] = '\0';
	return out;
}

/*
 * Copies untrusted text (principal ids, client names, field values,
 * catalogue text, Redis error text) into out, of outlen bytes (at least 8),
 * escaped for a log line by log_escape_into's rules, quotes included.
 * Returns out, so it fits inside a log call's arguments.
 */
const char *
log_escape(const char *text, char *out, size_t outlen)
{
	return log_escape_into(text, out, outlen, 1);
}
