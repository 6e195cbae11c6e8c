/* Counters of this daemon for /metrics (Prometheus text format): requests, errors, timers, and gauges read when asked. */
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>

#include "hotlined.h"

#define METRICS_MAX_OPS 64
#define METRICS_MAX_CODES 16

/* Process-local counters: they describe this daemon, not the tickets. */
static struct {
	const char *op[METRICS_MAX_OPS];	/* static op names */
	unsigned long long requests[METRICS_MAX_OPS];
	int nops;
	unsigned long long errors[METRICS_MAX_CODES];
	unsigned long long timers_fired;
	unsigned long long connections_total;
} m;

/* Counts one request of operation op (a static string). */
void
metrics_request(const char *op)
{
	int i;

	for (i = 0; i < m.nops; i++)
		if (m.op[i] == op || strcmp(m.op[i], op) == 0)
			break;
	if (i == m.nops) {
		if (m.nops == METRICS_MAX_OPS)
			return;
		m.op[m.nops++] = op;
	}
	m.requests[i]++;
}

/* Counts one error answer by code. */
void
metrics_error(Hotline__ErrorCode code)
{
	if ((unsigned)code < METRICS_MAX_CODES)
		m.errors[code]++;
}

/* Counts fired timers. */
void
metrics_timers_fired(long long n)
{
	if (n > 0)
		m.timers_fired += (unsigned long long)n;
}

/* Counts an accepted connection. */
void
metrics_connection(void)
{
	m.connections_total++;
}

/* Writes one metric's help, type and unlabelled value. */
static void
metric(struct evbuffer *out, const char *name, const char *type,
    const char *help, double value)
{
	evbuffer_add_printf(out, "# HELP %s %s\n# TYPE %s %s\n%s %.17g\n", name,
	    help, name, type, name, value);
}

/* Writes the labelled counters: requests by operation, errors by code. */
static void
metrics_labelled(struct evbuffer *out)
{
	const ProtobufCEnumValue *v;
	int i;

	evbuffer_add_printf(out, "# HELP hotline_requests_total Requests "
	    "handled, by operation.\n# TYPE hotline_requests_total counter\n");
	for (i = 0; i < m.nops; i++)
		evbuffer_add_printf(out, "hotline_requests_total{op=\"%s\"} "
		    "%llu\n", m.op[i], m.requests[i]);
	evbuffer_add_printf(out, "# HELP hotline_errors_total Error answers, "
	    "by code.\n# TYPE hotline_errors_total counter\n");
	for (i = 1; i < METRICS_MAX_CODES; i++) {
		v = protobuf_c_enum_descriptor_get_value(
		    &hotline__error_code__descriptor, i);
		if (v != NULL)
			evbuffer_add_printf(out, "hotline_errors_total{code=\""
			    "%s\"} %llu\n", v->name, m.errors[i]);
	}
}

/* Writes every metric into out. */
void
metrics_render(struct evbuffer *out)
{
	int missing = calendar_missing_year(cfg->calendar, now_ms(),
	    cfg->calendar->warn_days);

	metric(out, "hotline_store_ready", "gauge",
	    "1 when Redis is reachable and the scripts are loaded.",
	    store_ready());
	metric(out, "hotline_store_pending", "gauge",
	    "Commands waiting for Redis.", store_pending());
	metric(out, "hotline_connections", "gauge", "Open client connections.",
	    server_busy());
	metric(out, "hotline_connections_total", "counter",
	    "Client connections accepted.", (double)m.connections_total);
	metric(out, "hotline_calendar_covered", "gauge",
	    "1 when the year files cover the next calendar.warn_days days.",
	    missing == 0);
	metric(out, "hotline_calendar_missing_year", "gauge",
	    "The first year not covered in that window (0: none).", missing);
	metric(out, "hotline_timers_fired_total", "counter",
	    "Timers fired by this daemon (签收超时, 黄灯, 红灯, ...).",
	    (double)m.timers_fired);
	metric(out, "hotline_timer_lag_ms", "gauge",
	    "The largest lag of the last timers fired, in ms.",
	    (double)timer_last_lag());
	metrics_labelled(out);
}
