/* This daemon's counters and duration histograms for /metrics (Prometheus text format), and gauges read when asked. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#include "histogram.h"
#include "hotlined.h"
#include "train-yield.h"

#define METRICS_MAX_OPS 64
#define METRICS_MAX_CODES 16

/* Process-local figures: they describe this daemon, not the tickets. */
static struct {
	const char *op[METRICS_MAX_OPS];	/* static op names */
	unsigned long long requests[METRICS_MAX_OPS];
	struct histogram latency[METRICS_MAX_OPS];	/* start to answer */
	int nops;
	unsigned long long errors[METRICS_MAX_CODES];
	unsigned long long timers_fired;
	unsigned long long connections_total;
	unsigned long long redis_lost;		/* commands with no reply */
	struct histogram redis;		/* command sent to reply */
	struct histogram timer_lag;	/* due to fired, per batch */
	struct histogram classify;	/* normalise + catalogue + model */
	double model_precision;		/* the routing model's estimates */
	double model_coverage;
	double model_threshold;
	double model_examples;
} m;

/* Microseconds on the monotonic clock, for durations. */
int64_t
metrics_now_us(void)
{
	return now_mono_us();
}

/* Returns op's slot (op is a static string), adding it; -1 when the table is full. */
static int
metrics_op_slot(const char *op)
{
	int i;

	for (i = 0; i < m.nops; i++)
		if (m.op[i] == op || strcmp(m.op[i], op) == 0)
			return i;
	if (m.nops == METRICS_MAX_OPS)
		return -1;
	m.op[m.nops] = op;
	return m.nops++;
}

/*
 * Counts one request of operation op (a static string) and starts its
 * clock: r's answer (metrics_answered) is timed from now.
 */
void
metrics_request(struct request *r, const char *op)
{
	int i = metrics_op_slot(op);

	if (i >= 0)
		m.requests[i]++;
	r->op = op;
	r->started_us = metrics_now_us();
}

/* r is answered: its duration goes into its operation's histogram (if it was counted). */
void
metrics_answered(const struct request *r)
{
	int i;

	if (r->op == NULL || (i = metrics_op_slot(r->op)) < 0)
		return;
	histogram_observe(&m.latency[i], metrics_now_us() - r->started_us);
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

/* A batch of timers fired; ms is the largest lag (due to fired) among them. */
void
metrics_timer_lag(int64_t ms)
{
	histogram_observe(&m.timer_lag, ms * 1000);
}

/* A Redis command sent at sent_us was answered, or (answered 0) lost with its link. */
void
metrics_redis_answered(int64_t sent_us, int answered)
{
	if (answered)
		histogram_observe(&m.redis, metrics_now_us() - sent_us);
	else
		m.redis_lost++;
}

/* A classification that started at started_us finished. */
void
metrics_classified(int64_t started_us)
{
	histogram_observe(&m.classify, metrics_now_us() - started_us);
}

/* A routing model was swapped in: its cross-validated estimates. */
void
metrics_model(double precision, double coverage, double threshold,
    size_t examples)
{
	m.model_precision = precision;
	m.model_coverage = coverage;
	m.model_threshold = threshold;
	m.model_examples = (double)examples;
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
	    "handled (and hellos), by operation.\n"
	    "# TYPE hotline_requests_total counter\n");
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

/* Writes the duration histograms. */
static void
metrics_histograms(struct evbuffer *out)
{
	char label[96];
	int i;

	histogram_header(out, "hotline_request_duration_seconds",
	    "From a request's decoding to its answer, by operation.");
	for (i = 0; i < m.nops; i++) {
		snprintf(label, sizeof label, "op=\"%s\"", m.op[i]);
		histogram_render(out, "hotline_request_duration_seconds", label,
		    &m.latency[i]);
	}
	histogram_header(out, "hotline_redis_roundtrip_seconds",
	    "From a command queued for Redis to its reply.");
	histogram_render(out, "hotline_redis_roundtrip_seconds", NULL,
	    &m.redis);
	histogram_header(out, "hotline_timer_lag_seconds",
	    "Due to fired: the largest lag of each batch of fired timers.");
	histogram_render(out, "hotline_timer_lag_seconds", NULL, &m.timer_lag);
	histogram_header(out, "hotline_classify_duration_seconds",
	    "One classification: normalising, the catalogue and the model.");
	histogram_render(out, "hotline_classify_duration_seconds", NULL,
	    &m.classify);
}

/* The readers of the gauges other modules own (metrics_gauge); NULL: 0. */
static metrics_reader gauges[METRICS_GAUGE_COUNT];

/* Registers how to read gauge g (the daemon's start does, for every gauge). */
void
metrics_gauge(enum metrics_gauge g, metrics_reader read)
{
	gauges[g] = read;
}

/* Reads gauge g through its registered reader, 0 when none is. */
static double
gauge(enum metrics_gauge g)
{
	return gauges[g] != NULL ? gauges[g]() : 0;
}

/* Families another part adds (the archive sets it); NULL: none. */
void (*metrics_more)(struct evbuffer *);

/* Writes every metric this process keeps into out (not those read from Redis). */
void
metrics_render(struct evbuffer *out)
{
	int missing = calendar_missing_year(hotlined.cfg->calendar, now_ms(),
	    hotlined.cfg->calendar->warn_days);

	metric(out, "hotline_store_ready", "gauge",
	    "1 when Redis is reachable and the scripts are loaded.",
	    gauge(METRICS_STORE_READY));
	metric(out, "hotline_store_pending", "gauge",
	    "Commands waiting for Redis.", gauge(METRICS_STORE_PENDING));
	metric(out, "hotline_store_write_pending", "gauge",
	    "Of them, on the command link (writes and plain commands).",
	    gauge(METRICS_STORE_WRITE_PENDING));
	metric(out, "hotline_store_read_pending", "gauge",
	    "Of them, on the read link (scripts that only read).",
	    gauge(METRICS_STORE_READ_PENDING));
	metric(out, "hotline_store_read_ready", "gauge",
	    "The read link: 1 ready, 0.5 connecting or loading scripts, 0 down "
	    "(reads then go on the command link).",
	    gauge(METRICS_STORE_READ_STATE));
	metric(out, "hotline_store_watchdog_drops_total", "counter",
	    "Links to Redis dropped because Redis answered nothing within "
	    "redis.timeout_ms.", gauge(METRICS_STORE_WATCHDOG_DROPS));
	metric(out, "hotline_redis_lost_total", "counter",
	    "Commands whose link to Redis failed before they were answered.",
	    (double)m.redis_lost);
	metric(out, "hotline_connections", "gauge", "Open client connections.",
	    gauge(METRICS_CONNECTIONS));
	metric(out, "hotline_http_connections", "gauge",
	    "Open HTTP connections (/metrics, JSON API, web view).",
	    gauge(METRICS_HTTP_CONNECTIONS));
	metric(out, "hotline_connections_accepted_total", "counter",
	    "Client connections accepted.", (double)m.connections_total);
	metric(out, "hotline_output_unsent_bytes", "gauge",
	    "Bytes queued for all clients and not yet sent.",
	    gauge(METRICS_OUTPUT_UNSENT));
	metric(out, "hotline_output_budget_bytes", "gauge",
	    "limits.output_budget: the most all clients may hold unsent.",
	    (double)hotlined.cfg->limits.output_budget);
	metric(out, "hotline_output_budget_cuts_total", "counter",
	    "Clients cut off, largest holder first, to keep the budget.",
	    gauge(METRICS_OUTPUT_CUTS));
	metric(out, "hotline_calendar_covered", "gauge",
	    "1 when State Council notices cover the next calendar.warn_days "
	    "days.", missing == 0);
	metric(out, "hotline_calendar_missing_year", "gauge",
	    "The first year without a notice in that window (0: none).",
	    missing);
	metric(out, "hotline_calendar_provisional", "gauge",
	    "1 when a day of the next calendar.warn_days days lies in a year "
	    "without a notice: its deadlines are provisional (statutory "
	    "holidays only, no 调休).", missing != 0);
	metric(out, "hotline_timers_fired_total", "counter",
	    "Timers fired by this daemon (签收超时, 黄灯, 红灯, ...).",
	    (double)m.timers_fired);
	metric(out, "hotline_timer_lag_ms", "gauge",
	    "The largest lag of the last timers fired, in ms.",
	    gauge(METRICS_TIMER_LAG));
	metric(out, "hotline_config_generation", "gauge",
	    "Configurations put in force since start: 1, then one more per "
	    "reload swapped in.", (double)hotlined.generation);
	metric(out, "hotline_routing_expected_precision", "gauge",
	    "Auto-dispatch precision the routing model expects (cross-validated).",
	    m.model_precision);
	metric(out, "hotline_routing_expected_coverage", "gauge",
	    "Share of tickets the routing model expects to auto-dispatch.",
	    m.model_coverage);
	metric(out, "hotline_routing_threshold", "gauge",
	    "Confidence from which tickets are auto-dispatched.",
	    gauge(METRICS_ROUTING_THRESHOLD));
	metric(out, "hotline_routing_examples", "gauge",
	    "Real examples (not seeds) the routing model was trained on.",
	    m.model_examples);
	metric(out, "hotline_training_pauses_total", "counter",
	    "Times a routing model's training thread paused while requests "
	    "were being served (train-yield.h).",
	    (double)train_yield_pauses());
	if (metrics_more != NULL)
		metrics_more(out);
	metrics_labelled(out);
	metrics_histograms(out);
}
