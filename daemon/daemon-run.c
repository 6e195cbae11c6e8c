/* The daemon's life: start on the loaded configuration, signals, reload swaps, the drain and the stop. */
#include <sys/resource.h>

#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "auth-worker.h"
#include "hotlined.h"
#include "archive.h"
#include "kb.h"
#include "normalize.h"

#define LOOP_DISPATCH_MAX 8	/* callbacks between looks for new events */
#define DRAIN_CHECK_MS 50

/* What the running daemon's life holds besides struct daemon (daemon.c). */
struct daemon_life {
	struct event *sig_hup, *sig_term, *sig_int;
	struct event *drain_timer;
	int64_t drain_deadline;
	int draining;
};

static struct daemon_life dmn;

/* Redis says a feed or the timers changed: route the wake-up. */
static void
on_wake(const char *what)
{
	if (strcmp(what, KEY_TIMERS) == 0)
		timer_poke();
	else if (strcmp(what, KEY_CLOCK) == 0)
		timer_clock_changed();
	else if (strcmp(what, LEARN_STREAM) == 0)
		learn_wake();
	else if (strcmp(what, KEY_CALENDAR) == 0)
		calstore_wake();
	else
		feed_wake(what);
}

/* Redis (re)connected: wake-ups may have been missed. */
static void
on_resync(void)
{
	feed_resync();
	timer_resync();
	recompute_resync();
	learn_resync();
	calstore_resync();
}

/* Warns when a coming year has no holiday notice (provisional calendar). */
static void
warn_calendar(void)
{
	char note[1024];
	int lang;

	/* Chinese first, then the same in English, one language a line. */
	for (lang = LANG_ZH; lang <= LANG_EN; lang++)
		if (calendar_coverage_note(hotlined.cfg->calendar, now_ms(),
		    lang, note, sizeof note))
			log_warnx("%s", note);
}

/* Descriptors besides the clients': Redis links, listeners, HTTP, logs. */
#define NOFILE_RESERVE 64

/*
 * Warns when the descriptor limit cannot hold limits.max_connections: the
 * connections past it are refused "out of file descriptors" instead.
 */
static void
warn_nofile(void)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)hotlined.cfg->limits.max_connections + NOFILE_RESERVE;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < want)
		log_warnx("RLIMIT_NOFILE is %llu, below limits.max_connections "
		    "(%d) + %d: connections beyond it are refused (out of file "
		    "descriptors); raise it (ulimit -n, systemd LimitNOFILE=)",
		    (unsigned long long)rl.rlim_cur,
		    hotlined.cfg->limits.max_connections, NOFILE_RESERVE);
}

/* Warns about principals whose credential is still a legacy PBKDF2 hash. */
static void
warn_legacy_hashes(void)
{
	size_t i, n = 0;

	for (i = 0; i < hotlined.cfg->nprincipals; i++)
		if (auth_hash_legacy(hotlined.cfg->principals[i].credential))
			n++;
	if (n > 0)
		log_warnx("%zu principals still have pbkdf2-sha256 credentials "
		    "(accepted, but rehash them with hotlinectl passwd: "
		    "argon2id)", n);
}

/* SIGHUP: load the file again off the loop (reload.c); a bad file keeps the configuration in force. */
static void
on_hup(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	(void)arg;
	reload_start(NULL, NULL);
}

/*
 * Swaps fresh (loaded by reload.c's thread) in as the configuration in
 * force, on the loop: the listeners' certificates, the model and open
 * deadlines follow, the old one is freed. Returns 0, or -1 with err set
 * when the new certificates do not load: fresh is freed and the
 * configuration in force stays.
 */
static int
daemon_swap(struct config *fresh, char *err, size_t errlen)
{
	const struct config *cur = hotlined.cfg;
	struct config *old;
	char why[512];

	/* The imported notices stay over the files; no reload rewrites the past. */
	calstore_apply(fresh->calendar);
	if (calendar_past_changed(cur->calendar, fresh->calendar,
	    DEADLINE_REQUEST_DAY_MIN, deadline_day(now_ms()), why,
	    sizeof why) == -1) {
		snprintf(err, errlen, "calendar: %s", why);
		config_free(fresh);
		return -1;
	}
	if (server_tls_reload(fresh, err, errlen) == -1) {
		config_free(fresh);
		return -1;
	}
	old = daemon_swap_config(fresh);
	auth_cache_reload(old, fresh);
	learn_reload();
	if (recompute_fingerprint(fresh) != recompute_fingerprint(old))
		recompute_start();
	config_free(old);
	warn_calendar();
	warn_legacy_hashes();
	log_info("configuration %llu reloaded from %s: %zu departments, %zu "
	    "principals, %zu catalogue entries (listen and redis settings "
	    "change only at restart)", (unsigned long long)hotlined.generation,
	    hotlined.cfg->path, hotlined.cfg->ndepartments,
	    hotlined.cfg->nprincipals, hotlined.cfg->nentries);
	return 0;
}

/* Timer: leave the loop once every answer is written, or at the deadline. */
static void
drain_check(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	if (server_busy() == 0 && store_pending() == 0) {
		log_info("drained; exiting");
		event_base_loopexit(hotlined.base, NULL);
	} else if (now_ms() >= dmn.drain_deadline) {
		log_warnx("drain timeout: %d connections, %d storage commands "
		    "still open; exiting", server_busy(), store_pending());
		event_base_loopexit(hotlined.base, NULL);
	}
}

/* SIGTERM/SIGINT: stop accepting, answer what is pending, then exit. A second one exits at once. */
static void
on_term(evutil_socket_t sig, short what, void *arg)
{
	struct timeval tv = { 0, DRAIN_CHECK_MS * 1000 };

	(void)what;
	(void)arg;
	if (dmn.draining) {
		log_warnx("signal %d again: exiting without draining", (int)sig);
		event_base_loopbreak(hotlined.base);
		return;
	}
	dmn.draining = 1;
	notify_send("STOPPING=1");
	log_info("signal %d: draining (at most %d ms)", (int)sig,
	    hotlined.cfg->limits.drain_timeout_ms);
	dmn.drain_deadline = now_ms() + hotlined.cfg->limits.drain_timeout_ms;
	server_stop_listening();
	http_stop();
	server_drain();
	dmn.drain_timer = event_new(hotlined.base, -1, EV_PERSIST, drain_check,
	    NULL);
	evtimer_add(dmn.drain_timer, &tv);
}

/* Loads the configuration or exits with the reason. */
static struct config *
load_or_exit(const char *path)
{
	struct config *c;
	char err[1024], resolved[PATH_MAX];

	/* SIGHUP reloads after daemon() moved to "/": keep an absolute path. */
	if (realpath(path, resolved) == NULL) {
		fprintf(stderr, "hotlined: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	if ((c = config_load(resolved, err, sizeof err)) == NULL) {
		fprintf(stderr, "hotlined: %s\n", err);
		exit(1);
	}
	/* Certificates and keys are read now too, so -n checks them. */
	if (tls_check(c, err, sizeof err) == -1) {
		fprintf(stderr, "hotlined: %s\n", err);
		config_free(c);
		exit(1);
	}
	return c;
}

/*
 * Creates the loop: the changelist folds the many add/del pairs of a turn
 * into one epoll_ctl; timers are precise (epoll's timeout is whole
 * milliseconds, rounded up; a timerfd is not), so a short wait such as
 * kb.suggest_wait_ms's 3 ms ends at 3 ms, not 4. Its priorities (enum loop_priority): after
 * LOOP_DISPATCH_MAX callbacks the loop looks for new events again, so a
 * request of a principal within its share does not wait behind a whole
 * turn of a flood's.
 */
static struct event_base *
daemon_base(void)
{
	struct event_config *ecfg;
	struct event_base *base;

	ecfg = event_config_new();
	event_config_set_flag(ecfg, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
	event_config_set_flag(ecfg, EVENT_BASE_FLAG_PRECISE_TIMER);
	event_config_set_max_dispatch_interval(ecfg, NULL, LOOP_DISPATCH_MAX,
	    LOOP_NORMAL);
	base = event_base_new_with_config(ecfg);
	event_config_free(ecfg);
	if (base == NULL || event_base_priority_init(base, LOOP_PRIORITIES) == -1)
		fatalx("event_base_new failed");
	return base;
}

/* Gauges of /metrics, read from the modules that own them: Redis usable. */
static double
gauge_store_ready(void)
{
	return store_ready();
}

/* Commands waiting for Redis. */
static double
gauge_store_pending(void)
{
	return store_pending();
}

/* Open client connections. */
static double
gauge_connections(void)
{
	return server_busy();
}

/* Bytes queued for all clients. */
static double
gauge_output_unsent(void)
{
	return (double)server_output_unsent();
}

/* Clients cut off for the output budget. */
static double
gauge_output_cuts(void)
{
	return (double)server_output_budget_cuts();
}

/* The largest lag of the last timers fired. */
static double
gauge_timer_lag(void)
{
	return (double)timer_last_lag();
}

/* Registers every gauge's reader with metrics.c. */
static void
daemon_gauges(void)
{
	metrics_gauge(METRICS_STORE_READY, gauge_store_ready);
	metrics_gauge(METRICS_STORE_PENDING, gauge_store_pending);
	metrics_gauge(METRICS_CONNECTIONS, gauge_connections);
	metrics_gauge(METRICS_OUTPUT_UNSENT, gauge_output_unsent);
	metrics_gauge(METRICS_OUTPUT_CUTS, gauge_output_cuts);
	metrics_gauge(METRICS_TIMER_LAG, gauge_timer_lag);
	metrics_gauge(METRICS_ROUTING_THRESHOLD, learn_threshold);
}

/* Starts the modules on the loop, the listeners and the signal events. */
static void
daemon_start(void)
{
	hotlined.base = daemon_base();
	/*
	 * Signals first: a SIGTERM from the moment the listeners exist (a
	 * supervisor stopping a daemon it just started) drains once the loop
	 * runs, instead of killing it with its socket files left behind.
	 */
	dmn.sig_hup = evsignal_new(hotlined.base, SIGHUP, on_hup, NULL);
	dmn.sig_term = evsignal_new(hotlined.base, SIGTERM, on_term, NULL);
	dmn.sig_int = evsignal_new(hotlined.base, SIGINT, on_term, NULL);
	evsignal_add(dmn.sig_hup, NULL);
	evsignal_add(dmn.sig_term, NULL);
	evsignal_add(dmn.sig_int, NULL);
	reload_init(daemon_swap);
	daemon_gauges();
	timer_init(hotlined.base);
	learn_init();
	store_init(hotlined.base, &hotlined.cfg->redis, on_wake, on_resync);
	archive_init(hotlined.base);
	kb_start(hotlined.base);
	if (server_listen(hotlined.cfg) == -1 ||
	    http_start(hotlined.base) == -1)
		fatalx("cannot open the listeners; exiting");
	if (auth_worker_start(hotlined.base) == -1)
		log_warnx("credentials are verified on the event loop");
}

/* Stops and frees what daemon_start made, once the loop has returned. */
static void
daemon_stop(void)
{
	if (!dmn.draining) {
		server_stop_listening();
		http_stop();
	}
	server_close_all();
	auth_worker_stop();	/* after the connections: answers find none */
	reload_shutdown();
	kb_stop();
	archive_shutdown();
	store_shutdown();
	timer_shutdown();
	if (dmn.drain_timer != NULL)
		event_free(dmn.drain_timer);
	event_free(dmn.sig_hup);
	event_free(dmn.sig_term);
	event_free(dmn.sig_int);
	learn_shutdown();		/* its event first: before the base */
	event_base_free(hotlined.base);
	calstore_shutdown();
	auth_cache_free();
	auth_limit_free();
	inflight_free();
	config_free(hotlined.cfg);
	normalize_free();
}

/*
 * The heap grows in steps of MALLOC_TOP_PAD. glibc grows a thread's heap
 * (the retraining thread's, model.c) by exactly what each allocation
 * lacks, one mprotect(2) each: a training on 20,000 examples made 32,946
 * of them (strace), and each takes the process's memory-map lock for
 * writing, so the loop thread's own page faults wait behind it. With a
 * pad, 26. The pad is address space: pages count in memory only once
 * touched. Setting it also fixes glibc's mmap threshold at 128 KiB instead
 * of letting it float up to 32 MiB, so large arrays are mapped and given
 * back whole.
 */
#define MALLOC_TOP_PAD (64 << 20)

/*
 * Runs hotlined on the file at path (see hotlined(8)): with check_only,
 * prints whether the configuration loads and returns; otherwise daemonises
 * unless foreground, serves until SIGTERM/SIGINT and returns 0 once drained.
 * Exits with status 1 when the configuration does not load.
 */
int
daemon_run(const struct daemon_options *o)
{
	char nerr[512];

	mallopt(M_TOP_PAD, MALLOC_TOP_PAD);
	if (normalize_init(nerr, sizeof nerr) == -1)
		fprintf(stderr, "hotlined: %s (Traditional text will not be "
		    "converted)\n", nerr);
	daemon_swap_config(load_or_exit(o->path));
	if (o->check_only) {
		printf("configuration OK: %s (%zu departments, %zu principals, "
		    "%zu catalogue entries)\n", hotlined.cfg->path,
		    hotlined.cfg->ndepartments, hotlined.cfg->nprincipals,
		    hotlined.cfg->nentries);
		if (calendar_coverage_note(hotlined.cfg->calendar, now_ms(),
		    LANG_ZH, nerr, sizeof nerr))
			printf("警告：%s\n", nerr);
		if (calendar_coverage_note(hotlined.cfg->calendar, now_ms(),
		    LANG_EN, nerr, sizeof nerr))
			printf("warning: %s\n", nerr);
		config_free(hotlined.cfg);
		return 0;
	}
	log_init(o->foreground, o->verbose);
	signal(SIGPIPE, SIG_IGN);
	if (!o->foreground && daemon(0, 0) == -1)
		fatal("daemon");
	daemon_start();
	warn_calendar();
	warn_legacy_hashes();
	warn_nofile();
	log_info("hotlined %s started with %s: %zu departments, %zu principals, "
	    "%zu catalogue entries", HOTLINED_VERSION, hotlined.cfg->path,
	    hotlined.cfg->ndepartments, hotlined.cfg->nprincipals,
	    hotlined.cfg->nentries);
	notify_send("READY=1");

	event_base_dispatch(hotlined.base);

	daemon_stop();
	log_info("stopped");
	return 0;
}
