/* The archive's figures on /metrics and in /readyz's body (a lagging archive never makes the daemon unready). */
#include <stdio.h>

#include <event2/buffer.h>

#include "hotlined.h"
#include "archive.h"

/* Writes one gauge or counter. */
static void
status_metric(struct evbuffer *out, const char *name, const char *type,
    const char *help, double value)
{
	evbuffer_add_printf(out, "# HELP %s %s\n# TYPE %s %s\n%s %.17g\n",
	    name, help, name, type, name, value);
}

/* The archive's lines of /metrics (none without an archive group). */
void
archive_render_metrics(struct evbuffer *out)
{
	struct archive_status s;

	archive_status(&s);
	if (!s.enabled)
		return;
	status_metric(out, "hotline_archive_up", "gauge",
	    "1 when PostgreSQL is reachable and its schema current.",
	    s.connected);
	status_metric(out, "hotline_archive_lag_seconds", "gauge",
	    "Age of the oldest change not yet archived (0: all archived).",
	    (double)s.lag_ms / 1000.0);
	status_metric(out, "hotline_archive_yielding", "gauge",
	    "1 while the archiver reads nothing new, yielding to saturated "
	    "Redis (up to archive.yield_ms of lag).", s.yielding);
	status_metric(out, "hotline_archive_yields_total", "counter",
	    "Times Redis became saturated (the archiver yields while its lag "
	    "is below archive.yield_ms).",
	    (double)s.yields);
	status_metric(out, "hotline_archive_outbox_entries", "gauge",
	    "Changes waiting in the outbox stream (Redis memory; alarm on it).",
	    (double)s.outbox);
	status_metric(out, "hotline_archive_outbox_max", "gauge",
	    "archive.outbox_max: beyond it the oldest changes are dropped and "
	    "every ticket scanned again.", hotlined.cfg->archive.outbox_max);
	status_metric(out, "hotline_archive_outbox_overflows_total", "counter",
	    "Times this daemon found the outbox trimmed (alarm on it).",
	    (double)s.overflows);
	status_metric(out, "hotline_archive_tickets_written_total", "counter",
	    "Ticket versions this daemon wrote to PostgreSQL.",
	    (double)s.written);
	status_metric(out, "hotline_archive_batches_total", "counter",
	    "Batches committed by this daemon.", (double)s.batches);
	status_metric(out, "hotline_archive_failures_total", "counter",
	    "Batches PostgreSQL refused or lost (written again later).",
	    (double)s.failures);
	status_metric(out, "hotline_archive_evicted_total", "counter",
	    "Closed tickets this daemon removed from Redis (kept in PostgreSQL).",
	    (double)s.evicted);
	status_metric(out, "hotline_archive_schema_version", "gauge",
	    "The database's schema version (-1: not yet known).",
	    archive_schema_version());
	status_metric(out, "hotline_archive_backfilling", "gauge",
	    "1 while the tickets already in Redis are being archived.",
	    s.backfilling);
}

/* /readyz's body when ready; see archive.h. */
const char *
archive_readiness(void)
{
	static char body[512];
	struct archive_status s;
	const char *refused = archive_schema_state();

	archive_status(&s);
	if (!s.enabled)
		return "ready\n";
	snprintf(body, sizeof body, "ready\narchive: %s, lag %.1f s, %lld "
	    "changes waiting%s%s\n", s.connected ? "PostgreSQL up" :
	    "PostgreSQL unreachable (live operations go on; the archive "
	    "lags)", (double)s.lag_ms / 1000.0, s.outbox,
	    refused[0] != '\0' ? "; " : "", refused);
	return body;
}
