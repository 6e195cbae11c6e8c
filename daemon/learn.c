/* The learned routing model: the examples of the Redis stream and the seeds, trained off the loop (model.c) and swapped in. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "hotlined.h"
#include "model.h"
#include "normalize.h"
#include "route.h"
#include "script-args.h"
#include "segment.h"
#include "train-yield.h"

/*
 * Examples per read. The loop only copies each example's text (its
 * catalogue shares are the training thread's work, learn_thread_shares),
 * and a short read keeps Redis, which the requests share, free between
 * two: requests are served between reads.
 */
#define LEARN_BATCH 32

/*
 * A full read paces itself: the next read of a full one is sent after a
 * pause as long as the last read took (its wait for Redis and its work on
 * the loop), at most LEARN_PACE_MAX_US, so that reading 100,000 examples
 * again takes at most half of Redis and of the loop, and the requests
 * meanwhile find both free about half of the time (issue 13: request p99
 * while reading). A busier Redis answers later and the reading slows down
 * with it.
 */
#define LEARN_PACE_MAX_US 20000

/*
 * Sets of examples no longer used are freed LEARN_FREE_SLICE examples a
 * loop turn, at the loop's last priority (learn_sweep): freeing 100,000
 * examples (200,000 blocks) at once held the loop for milliseconds.
 */
#define LEARN_FREE_SLICE 2048

/*
 * The stream LEARN_STREAM is the truth every daemon shares: each reads all
 * of it (at start, after a reconnect, after a reload, or when
 * LEARN_GENERATION changed) and then follows it, keeping the examples in
 * memory (text, label, district). Whenever the examples or the seeds
 * changed and no training runs, a training thread gets them (their texts
 * borrowed: a set replaced meanwhile is retired, freed after the job); it
 * computes each one's catalogue shares with a reader of the catalogue in
 * force (catalogue_reader: its own Hyperscan scratch and working storage,
 * classify_ticket being not reentrant), copies the segmenters, makes the
 * features, trains and calibrates (model_train), and hands the model back
 * through a pipe. The shares were computed on the loop as examples
 * arrived until bench-retrain-hotlined showed that reading 10,000 examples
 * again then held requests back for a second on a loaded machine. The
 * thread reads the configuration in force only while it computes the
 * shares, under the job's lock: a reload (learn_release) stops it there
 * before the old configuration is freed. The loop swaps the model in, as
 * reloads do. Every daemon trains on the
 * same examples in the same order, so they agree. Until the first model
 * is trained, the catalogue routes alone (routing.dispatch_threshold).
 *
 * Seeds are made once per configuration: each catalogue entry's keywords
 * as one example of its department (never held out: they are not
 * tickets), and the lines of routing.seeds if set (sample tickets: held
 * out in cross-validation by whole groups of one department and category,
 * see MODEL_SAMPLE; they are not counted as real examples).
 *
 * The model decides what is dispatched at once as soon as it was
 * cross-validated (model.h: at least MODEL_MIN_HELD real examples and
 * samples held out), from the first start: on day one the seed file's
 * samples, held out by group, set the threshold, and model.c's threshold
 * counts a group of samples as about one observation (the lower end of
 * the precision's interval must reach the target), so a handful of
 * samples written by one hand cannot make it over-confident. Without
 * samples or examples, the catalogue decides (routing.dispatch_threshold),
 * and only when the model's first choice agrees.
 */
struct learn_ex {
	int dept;			/* index of hotlined.cfg->departments */
	int seed;			/* MODEL_REAL, _KEYWORDS or _SAMPLE */
	uint32_t group;			/* a sample's (model_group) */
	char *text;			/* route_text's form */
	char *district;			/* as stored, or NULL: "" */
	int known;			/* shares set (catalogue seeds); else the thread's */
	struct model_shares shares;
};

/* An array of examples. */
struct learn_set {
	struct learn_ex *ex;
	size_t n, cap;
};

/* One training, handed to the thread and back. */
struct learn_job {
	/*
	 * The seeds and the examples as they were when the job started: the
	 * thread copies them (learn_job_take), and the loop neither frees nor
	 * moves their arrays until the job is done (learn_set_retire,
	 * learn_set_push).
	 */
	struct learn_set src[2];
	struct learn_ex *ex;		/* seeds then examples; texts borrowed */
	int *label;			/* model label of each */
	size_t n, nlabels;
	/*
	 * The configuration in force when the job started: the thread reads
	 * it only while holding lock, and stops there once stop is set
	 * (learn_release, before a reload frees it); it makes no features
	 * and trains no model after that (they would be thrown away).
	 */
	const struct catalogue *cat;
	const struct routing_spec *routing;
	const struct department *departments;
	const struct route_map *map;
	pthread_mutex_t lock;
	_Atomic int stop;
	struct segmenter *seg, *places;	/* the thread's copies */
	double target;
	uint64_t epoch;
	struct lrmodel *out;
	double seconds;
};

static struct {
	struct lrmodel *model;		/* in use, or NULL */
	int64_t trained_at;		/* when it was swapped in (now_ms) */
	double training_seconds;	/* what its training took */
	struct route_map *map;		/* labels of the configuration */
	struct learn_set seeds, examples, next;
	int full;			/* a full read fills next */
	char cursor[48];
	char generation[32];
	int generation_known;
	int reading, dirty, restart;
	int paced;			/* the next read waits for pace (learn_pace) */
	int fresh;			/* examples added since the last training */
	uint64_t epoch;			/* bumped by learn_reload */
	char examples_cursor[48];	/* last stream id in examples */
	/* what the last training started was given (learn_unchanged) */
	char trained_cursor[48], trained_generation[32];
	size_t trained_n;
	uint64_t trained_epoch;
	int trained_known;
	/* training */
	int pipe[2];
	struct event *ev;
	/* the full read in progress: when it started, reads, time on the loop */
	int64_t read_t0, read_sent;
	int64_t read_wait_us, read_work_us, read_worst_us;
	unsigned read_batches;
	pthread_t thread;
	struct learn_job *job;		/* running, or NULL */
	int again;			/* train again when it is done */
	/* sets replaced while a job borrowed their texts: freed after it */
	struct learn_set *retired;
	size_t nretired;
	/* sets being freed a slice a turn (learn_sweep), first done up to swept */
	struct learn_set *trash;
	size_t ntrash, swept;
	struct event *sweep, *pace;
} ln = { .pipe = { -1, -1 } };

static void learn_pump(void);
static void learn_train(void);

/* Frees the examples of a set and empties it. */
static void
learn_set_clear(struct learn_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->ex[i].text);
		free(s->ex[i].district);
	}
	free(s->ex);
	memset(s, 0, sizeof *s);
}

/* Makes *ev, a timer of the loop's last priority calling cb, unless it exists. */
static void
learn_background_timer(struct event **ev, event_callback_fn cb)
{
	if (*ev != NULL)
		return;
	*ev = evtimer_new(hotlined.base, cb, NULL);
	if (*ev == NULL || event_priority_set(*ev, LOOP_LAST) == -1)
		fatalx("learn: cannot make a timer");
}

/* Frees up to max examples of the sets in the trash, oldest first; returns 1 if some are left. */
static int
learn_sweep_some(size_t max)
{
	struct learn_set *s;
	size_t done = 0;

	while (ln.ntrash > 0 && done < max) {
		s = &ln.trash[0];
		for (; ln.swept < s->n && done < max; ln.swept++, done++) {
			free(s->ex[ln.swept].text);
			free(s->ex[ln.swept].district);
		}
		if (ln.swept < s->n)
			break;
		free(s->ex);
		memmove(&ln.trash[0], &ln.trash[1], (ln.ntrash - 1) *
		    sizeof *ln.trash);
		ln.ntrash--;
		ln.swept = 0;
	}
	if (ln.ntrash == 0) {
		free(ln.trash);
		ln.trash = NULL;
	}
	return ln.ntrash > 0;
}

/* Event: frees a slice of the trash and comes back for the rest. */
static void
learn_on_sweep(evutil_socket_t fd, short what, void *arg)
{
	static const struct timeval now = { 0, 0 };

	(void)fd;
	(void)what;
	(void)arg;
	if (learn_sweep_some(LEARN_FREE_SLICE))
		evtimer_add(ln.sweep, &now);
}

/*
 * Empties a set that nothing borrows any more: a large one is freed a
 * slice a loop turn (learn_on_sweep), or at once without a loop.
 */
static void
learn_set_discard(struct learn_set *s)
{
	static const struct timeval now = { 0, 0 };

	if (s->n <= LEARN_FREE_SLICE || hotlined.base == NULL) {
		learn_set_clear(s);
		return;
	}
	learn_background_timer(&ln.sweep, learn_on_sweep);
	ln.trash = xrealloc(ln.trash, (ln.ntrash + 1) * sizeof *ln.trash);
	ln.trash[ln.ntrash++] = *s;
	memset(s, 0, sizeof *s);
	evtimer_add(ln.sweep, &now);
}

/* Keeps s (its examples and array) until the running job is done. */
static void
learn_retired_add(const struct learn_set *s)
{
	ln.retired = xrealloc(ln.retired, (ln.nretired + 1) *
	    sizeof *ln.retired);
	ln.retired[ln.nretired++] = *s;
}

/*
 * Empties a set whose texts a running job may have borrowed (the seeds,
 * the examples): they are freed once the job is done (learn_retired_free),
 * at once when none runs.
 */
static void
learn_set_retire(struct learn_set *s)
{
	if (ln.job == NULL) {
		learn_set_discard(s);
		return;
	}
	learn_retired_add(s);
	memset(s, 0, sizeof *s);
}

/* Frees the sets retired while a job ran; only when none runs. */
static void
learn_retired_free(void)
{
	size_t i;

	for (i = 0; i < ln.nretired; i++)
		learn_set_discard(&ln.retired[i]);
	free(ln.retired);
	ln.retired = NULL;
	ln.nretired = 0;
}

/* Appends an example (text owned by the set from now on); its shares are the caller's. */
static struct learn_ex *
learn_set_push(struct learn_set *s, int dept, int seed, char *text)
{
	struct learn_ex *e;
	struct learn_set old;

	if (s->n == s->cap) {
		s->cap = s->cap == 0 ? 256 : 2 * s->cap;
		if (ln.job != NULL && s->ex != NULL &&
		    (s->ex == ln.job->src[0].ex || s->ex == ln.job->src[1].ex)) {
			/* the job may still be copying the array: kept */
			old = (struct learn_set){ .ex = s->ex };
			learn_retired_add(&old);
			s->ex = xmalloc(s->cap * sizeof *s->ex);
			memcpy(s->ex, old.ex, s->n * sizeof *s->ex);
		} else
			s->ex = xrealloc(s->ex, s->cap * sizeof *s->ex);
	}
	e = &s->ex[s->n++];
	memset(e, 0, sizeof *e);
	e->dept = dept;
	e->seed = seed;
	e->text = text;
	return e;
}

/* Appends an example of district whose catalogue shares the training thread computes; returns it. */
static struct learn_ex *
learn_set_add(struct learn_set *s, int dept, int seed, char *text,
    const char *district)
{
	struct learn_ex *e = learn_set_push(s, dept, seed, text);

	e->district = xstrdup(district);
	return e;
}

/* Sets e's shares: the catalogue's classification of its text in its district (cat: a reader). */
static void
learn_shares(const struct catalogue *cat, const struct learn_job *job,
    struct learn_ex *e)
{
	struct classify_input in = { "", "", "", "" };
	struct classify_result res;
	char *title, *content;

	route_split(e->text, &title, &content);
	in.title = title;
	in.content = content;
	in.district = e->district != NULL ? e->district : "";
	if (classify_ticket(cat, job->routing, &in, &res) == -1)
		memset(&res, 0, sizeof res);
	route_shares(&res, job->departments, job->map, &e->shares);
	free(title);
	free(content);
}

/* Returns the index of department id, or -1. */
static int
learn_dept(const char *id)
{
	const struct department *d = config_department(hotlined.cfg, id);

	return d == NULL ? -1 : (int)(d - hotlined.cfg->departments);
}

/* Adds each catalogue entry's keywords as one seed of its department. */
static void
learn_catalogue_seeds(void)
{
	const struct catalogue_entry *e;
	struct learn_ex *ex;
	char *text, *kw;
	size_t i, k;
	int d;

	for (i = 0; i < hotlined.cfg->nentries; i++) {
		e = &hotlined.cfg->entries[i];
		text = xstrdup("");
		for (k = 0; k < e->nkeywords; k++) {
			kw = xasprintf("%s%s%s", text, k > 0 ? " " : "",
			    e->keywords[k] + (e->keywords[k][0] == '*'));
			free(text);
			text = kw;
		}
		kw = route_text("", text);
		free(text);
		d = learn_dept(e->department);
		ex = learn_set_push(&ln.seeds, d, MODEL_KEYWORDS, kw);
		route_seed_shares(ln.map, (size_t)d, e->weight,
		    hotlined.cfg->routing.prior, &ex->shares);
		ex->known = 1;
	}
}

/*
 * Adds the seed file's lines (department, category, title, content; #
 * comments) as seeds. A missing file is logged, not an error.
 */
static void
learn_seed_file(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL, *f[4], *nt, *nc, *save;
	size_t cap = 0, added = 0, skipped = 0, k;
	int d;

	if (fp == NULL) {
		log_info("routing.seeds %s: %s; the model starts from the "
		    "catalogue and the stored examples only", path,
		    strerror(errno));
		return;
	}
	while (getline(&line, &cap, fp) != -1) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		for (k = 0, save = line; k < 4; k++)
			f[k] = strsep(&save, "\t");
		if (f[3] == NULL || (d = learn_dept(f[0])) == -1) {
			skipped++;
			continue;
		}
		nt = normalize_text(f[2]);
		nc = normalize_text(f[3]);
		learn_set_add(&ln.seeds, d, MODEL_SAMPLE, route_text(nt, nc),
		    "")->group = model_group(f[0], f[1]);
		free(nt);
		free(nc);
		added++;
	}
	free(line);
	fclose(fp);
	log_info("routing.seeds %s: %zu seed examples%s", path, added,
	    skipped > 0 ? " (some lines skipped: unknown department or fewer "
	    "than 4 fields)" : "");
}

/* Makes the labels and seeds of the configuration in force. */
static void
learn_configure(void)
{
	route_map_free(ln.map);
	ln.map = route_map_new(hotlined.cfg->entries, hotlined.cfg->nentries,
	    hotlined.cfg->departments, hotlined.cfg->ndepartments);
	learn_set_retire(&ln.seeds);
	if (!hotlined.cfg->routing.model)
		return;
	learn_catalogue_seeds();
	if (hotlined.cfg->routing.seeds != NULL)
		learn_seed_file(hotlined.cfg->routing.seeds);
}

/*
 * The thread's copy of the job's seeds and examples with a known label,
 * their texts borrowed (copying 100,000 texts on the loop held it for
 * 300 ms, and copying the examples alone for tens of milliseconds); only
 * under the job's lock (job->map is the configuration's).
 */
static void
learn_job_take(struct learn_job *job)
{
	const struct learn_set *s;
	size_t i, k;
	int label;

	job->ex = xcalloc(job->src[0].n + job->src[1].n + 1, sizeof *job->ex);
	job->label = xcalloc(job->src[0].n + job->src[1].n + 1,
	    sizeof *job->label);
	for (k = 0; k < 2; k++)
		for (s = &job->src[k], i = 0; i < s->n; i++) {
			if (s->ex[i].dept < 0 || (label = route_map_label(
			    job->map, (size_t)s->ex[i].dept)) < 0)
				continue;
			job->ex[job->n] = s->ex[i];	/* texts borrowed */
			job->label[job->n++] = label;
		}
}

/*
 * The thread's part that reads the configuration, under the job's lock:
 * takes the examples, copies the segmenters and computes the catalogue's
 * shares of each example without them. Returns 0, or -1 when learn_release stopped it.
 */
static int
learn_thread_shares(struct learn_job *job)
{
	struct catalogue *reader = NULL;
	size_t i = 0;
	int rc = -1;

	pthread_mutex_lock(&job->lock);
	if (!job->stop) {
		learn_job_take(job);
		reader = catalogue_reader(job->cat);
		job->seg = segment_dup(catalogue_segmenter(job->cat));
		job->places = segment_dup(catalogue_places(job->cat));
		if (reader == NULL || job->seg == NULL || job->places == NULL)
			fatalx("learn: out of memory");
		for (i = 0; i < job->n && !job->stop; i++)
			if (!job->ex[i].known)
				learn_shares(reader, job, &job->ex[i]);
		rc = i == job->n ? 0 : -1;
	}
	catalogue_free(reader);
	pthread_mutex_unlock(&job->lock);
	return rc;
}

/* The thread: shares, features, training, calibration; hands the job back. */
static void *
learn_thread(void *arg)
{
	struct learn_job *job = arg;
	struct model_example *x;
	int64_t t0;
	char *title, *content;
	size_t i, n;
	ssize_t w;
	int ok;

	(void)model_thread_background();	/* the loop first */
	if (train_yield_start() == -1)	/* and its requests' turns */
		log_warn("learn: training without yielding to requests");
	t0 = now_mono_us();
	/* stopped: no model (learn_finish throws it away anyway) */
	ok = learn_thread_shares(job) == 0;
	n = ok ? job->n : 0;
	x = xcalloc(n + 1, sizeof *x);
	for (i = 0; i < n && !job->stop; i++) {
		route_split(job->ex[i].text, &title, &content);
		model_features(&x[i].vec, job->seg, job->places, title,
		    content);
		x[i].shares = job->ex[i].shares;
		x[i].label = job->label[i];
		x[i].seed = job->ex[i].seed;
		x[i].group = job->ex[i].group;
		free(title);
		free(content);
	}
	n = i;		/* stopped: its model would be thrown away */
	job->out = ok && !job->stop ? model_train(x, n, job->nlabels,
	    job->target) : NULL;
	for (i = 0; i < n; i++)
		model_vec_free(&x[i].vec);
	free(x);
	free(job->ex);		/* not on the loop */
	free(job->label);
	job->ex = NULL;
	job->label = NULL;
	job->seconds = (double)(now_mono_us() - t0) / 1e6;
	train_yield_stop();
	do
		w = write(ln.pipe[1], &job, sizeof job);
	while (w == -1 && errno == EINTR);
	if (w != (ssize_t)sizeof job)
		fatal("learn: cannot hand the trained model back");
	return NULL;
}

/* Frees a job and what it holds (not its model). */
static void
learn_job_free(struct learn_job *job)
{
	free(job->ex);		/* the texts are the sets' (learn_set_retire) */
	free(job->label);
	segment_free(job->seg);
	segment_free(job->places);
	pthread_mutex_destroy(&job->lock);
	free(job);
}

/* The job is done: swap its model in unless the configuration changed meanwhile. */
static void
learn_finish(struct learn_job *job)
{
	const struct model_fit *f;

	ln.job = NULL;
	if (job->epoch == ln.epoch && job->out != NULL) {
		model_free(ln.model);
		ln.model = job->out;
		ln.trained_at = now_ms();
		ln.training_seconds = job->seconds;
		f = model_fit(ln.model);
		log_info("learned model: %zu examples (%zu real, %zu samples), "
		    "trained in %.1f s; auto-dispatch from confidence %.3f: "
		    "expected precision %.3f, coverage %.3f (target %.2f, %zu "
		    "held out; temperature %.2f, catalogue weight %.1f)",
		    model_examples(ln.model), model_real_examples(ln.model),
		    model_sample_examples(ln.model), job->seconds,
		    f->threshold, f->precision, f->coverage, job->target,
		    f->held, f->temperature, f->beta);
		metrics_model(f->precision, f->coverage, f->threshold,
		    model_real_examples(ln.model));
	} else
		model_free(job->out);
	learn_job_free(job);
	learn_retired_free();
	if (ln.again) {
		ln.again = 0;
		learn_train();
	}
}

/* Event: the training thread is done. */
static void
learn_on_done(evutil_socket_t fd, short what, void *arg)
{
	struct learn_job *job;
	ssize_t n;

	(void)what;
	(void)arg;
	n = read(fd, &job, sizeof job);
	if (n != (ssize_t)sizeof job)
		return;
	pthread_join(ln.thread, NULL);
	learn_finish(job);
}

/* Opens the pipe and its event on first use; 0, or -1 without a loop. */
static int
learn_setup(void)
{
	if (ln.ev != NULL)
		return 0;
	if (hotlined.base == NULL)
		return -1;
	if (pipe2(ln.pipe, O_CLOEXEC) == -1)
		fatal("learn: pipe");
	evutil_make_socket_nonblocking(ln.pipe[0]);
	ln.ev = event_new(hotlined.base, ln.pipe[0], EV_READ | EV_PERSIST,
	    learn_on_done, NULL);
	if (ln.ev == NULL || event_add(ln.ev, NULL) == -1)
		fatalx("learn: cannot watch the pipe");
	return 0;
}

/* Remembers which examples the training just started was given. */
static void
learn_note_trained(void)
{
	snprintf(ln.trained_cursor, sizeof ln.trained_cursor, "%s",
	    ln.examples_cursor);
	snprintf(ln.trained_generation, sizeof ln.trained_generation, "%s",
	    ln.generation);
	ln.trained_n = ln.examples.n;
	ln.trained_epoch = ln.epoch;
	ln.trained_known = 1;
}

/*
 * Returns 1 if a full read found exactly the examples the last training
 * started was given (same generation, count and last id, no reload since),
 * as when the daemon's second link to Redis (re)connects and resyncs: the
 * model in use (or being trained) is already theirs, and training again on
 * 100,000 examples would only cost minutes of a core.
 */
static int
learn_unchanged(void)
{
	return ln.trained_known && ln.trained_epoch == ln.epoch &&
	    ln.trained_n == ln.examples.n &&
	    strcmp(ln.trained_cursor, ln.examples_cursor) == 0 &&
	    strcmp(ln.trained_generation, ln.generation) == 0;
}

/* Starts a training of the seeds and examples, or asks for one after the running one. */
static void
learn_train(void)
{
	struct learn_job *job;
	sigset_t all, old;
	int rc;

	if (ln.job != NULL) {
		ln.again = 1;
		return;
	}
	if (!hotlined.cfg->routing.model || learn_setup() == -1)
		return;
	job = xcalloc(1, sizeof *job);
	job->src[0] = ln.seeds;
	job->src[1] = ln.examples;
	job->nlabels = route_map_nlabels(ln.map);
	job->cat = hotlined.cfg->catalogue;
	job->routing = &hotlined.cfg->routing;
	job->departments = hotlined.cfg->departments;
	job->map = ln.map;
	pthread_mutex_init(&job->lock, NULL);
	job->target = hotlined.cfg->routing.auto_dispatch_precision;
	job->epoch = ln.epoch;
	ln.fresh = 0;
	ln.job = job;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&ln.thread, NULL, learn_thread, job);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		log_warnx("learn: no training thread (%s); the model stays as "
		    "it is until the next change", strerror(rc));
		ln.job = NULL;
		learn_job_free(job);
		learn_retired_free();
		ln.trained_known = 0;
		return;
	}
	learn_note_trained();
}

/*
 * Makes the seeds. The first model is trained once, when the stored
 * examples have been read (learn_resync, on the store's first connection,
 * starts that read and learn_swap trains): training the seeds alone first
 * would only be thrown away seconds later. Until then the catalogue routes
 * alone.
 */
void
learn_init(void)
{
	learn_configure();
	snprintf(ln.cursor, sizeof ln.cursor, "0");
}

/*
 * Returns once the training thread, if one runs, reads the configuration
 * in force no more (before it is replaced or freed): a job still computing
 * its shares stops there, within one example, and hands back no model.
 */
static void
learn_release(void)
{
	if (ln.job == NULL)
		return;
	ln.job->stop = 1;
	pthread_mutex_lock(&ln.job->lock);
	pthread_mutex_unlock(&ln.job->lock);
}

/* Waits for a training that runs and frees everything. */
void
learn_shutdown(void)
{
	struct sched_param normal = { .sched_priority = 0 };
	struct learn_job *job;

	learn_release();
	if (ln.job != NULL) {
		/* what is left of it runs now, not only when the cores are idle */
		(void)pthread_setschedparam(ln.thread, SCHED_OTHER, &normal);
		model_cancel(1);	/* its model would be thrown away */
		pthread_join(ln.thread, NULL);
		model_cancel(0);
		job = ln.job;
		ln.job = NULL;
		model_free(job->out);
		learn_job_free(job);
	}
	learn_retired_free();
	while (learn_sweep_some(SIZE_MAX))
		;
	if (ln.sweep != NULL) {
		event_free(ln.sweep);
		ln.sweep = NULL;
	}
	if (ln.pace != NULL) {
		event_free(ln.pace);
		ln.pace = NULL;
		ln.paced = 0;
	}
	if (ln.ev != NULL) {
		event_free(ln.ev);
		close(ln.pipe[0]);
		close(ln.pipe[1]);
		ln.ev = NULL;
		ln.pipe[0] = ln.pipe[1] = -1;
	}
	model_free(ln.model);
	ln.model = NULL;
	route_map_free(ln.map);
	ln.map = NULL;
	learn_set_clear(&ln.seeds);
	learn_set_clear(&ln.examples);
	learn_set_clear(&ln.next);
}

/*
 * Starts reading every example again into ln.next. If a read is in flight
 * its answer belongs to the old cursor: it is discarded and the full read
 * starts when it returns.
 */
static void
learn_start_full(void)
{
	if (ln.reading) {
		ln.restart = 1;
		return;
	}
	learn_set_discard(&ln.next);
	ln.full = 1;
	ln.read_t0 = now_mono_us();
	ln.read_wait_us = ln.read_work_us = ln.read_worst_us = 0;
	ln.read_batches = 0;
	ln.generation_known = 0;
	snprintf(ln.cursor, sizeof ln.cursor, "0");
	learn_pump();
}

/* The full read caught up: its examples replace the ones in use. */
static void
learn_swap(void)
{
	learn_set_retire(&ln.examples);
	ln.examples = ln.next;
	memset(&ln.next, 0, sizeof ln.next);
	ln.full = 0;
	snprintf(ln.examples_cursor, sizeof ln.examples_cursor, "%s",
	    ln.cursor);
	log_info("learn: %zu examples read (generation %s) in %.2f s: %u "
	    "reads, %.2f s waiting for Redis, %.2f s on the loop (the longest "
	    "read %.1f ms)", ln.examples.n, ln.generation,
	    (double)(now_mono_us() - ln.read_t0) / 1e6, ln.read_batches,
	    (double)ln.read_wait_us / 1e6, (double)ln.read_work_us / 1e6,
	    (double)ln.read_worst_us / 1e3);
}

/* Adds one example {id, label, text, district, ...} to the set being filled. */
static void
learn_apply(const redisReply *e)
{
	int d = learn_dept(e->element[1]->str);

	snprintf(ln.cursor, sizeof ln.cursor, "%s", e->element[0]->str);
	if (!ln.full)
		snprintf(ln.examples_cursor, sizeof ln.examples_cursor, "%s",
		    ln.cursor);
	if (d == -1)
		return;		/* a department no longer configured */
	ln.fresh |= !ln.full;
	learn_set_add(ln.full ? &ln.next : &ln.examples, d, MODEL_REAL,
	    xstrdup(e->element[2]->str), e->element[3]->str);
}

/* Returns 1 if e is an example as nb_read.lua returns it. */
static int
learn_entry_valid(const redisReply *e)
{
	size_t i;

	if (e->type != REDIS_REPLY_ARRAY || e->elements != 7)
		return 0;
	for (i = 0; i < e->elements; i++)
		if (e->element[i]->type != REDIS_REPLY_STRING)
			return 0;
	return 1;
}

/*
 * Checks the generation of a batch: the first batch of a full read sets
 * it; any other change means the stream was replaced or a retrain was
 * asked for. Returns 0 to apply the batch, -1 when a full read started.
 */
static int
learn_check_generation(const char *generation)
{
	if (ln.full && !ln.generation_known) {
		snprintf(ln.generation, sizeof ln.generation, "%s", generation);
		ln.generation_known = 1;
		return 0;
	}
	if (strcmp(generation, ln.generation) == 0)
		return 0;
	learn_start_full();
	return -1;
}

/* Counts a read that answered at t0 (now_mono_us) with n examples, now applied. */
static void
learn_read_timed(int64_t t0, size_t n)
{
	int64_t work = now_mono_us() - t0;

	ln.read_batches++;
	ln.read_wait_us += t0 - ln.read_sent;
	ln.read_work_us += work;
	if (work > ln.read_worst_us)
		ln.read_worst_us = work;
	log_debug("learn: read of %zu examples: %.2f ms waiting for Redis, "
	    "%.2f ms on the loop", n, (double)(t0 - ln.read_sent) / 1e3,
	    (double)work / 1e3);
}

/* Event: a full read's pause is over; the next read goes. */
static void
learn_on_pace(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	ln.paced = 0;
	learn_pump();
}

/* Sends the next read of a full read after a pause of took us (LEARN_PACE_MAX_US at most). */
static void
learn_pace(int64_t took)
{
	struct timeval tv;

	if (hotlined.base == NULL) {
		learn_pump();
		return;
	}
	learn_background_timer(&ln.pace, learn_on_pace);
	if (took > LEARN_PACE_MAX_US)
		took = LEARN_PACE_MAX_US;
	tv.tv_sec = 0;
	tv.tv_usec = took > 0 ? (suseconds_t)took : 0;
	ln.paced = 1;
	evtimer_add(ln.pace, &tv);
}

/* store: a read of the stream answered (reply NULL: Redis failed; resync reads again). */
static void
learn_read_done(redisReply *reply, void *priv)
{
	const redisReply *entries;
	int64_t t0 = now_mono_us();
	size_t i;

	(void)priv;
	ln.reading = 0;
	if (ln.restart) {
		ln.restart = 0;
		learn_start_full();
		return;
	}
	if (reply == NULL || reply->type != REDIS_REPLY_ARRAY ||
	    reply->elements != 2 || reply->element[0]->type !=
	    REDIS_REPLY_STRING || reply->element[1]->type !=
	    REDIS_REPLY_ARRAY) {
		log_debug("learn: reading %s failed; will retry", LEARN_STREAM);
		return;
	}
	if (learn_check_generation(reply->element[0]->str) == -1)
		return;
	entries = reply->element[1];
	for (i = 0; i < entries->elements; i++)
		if (learn_entry_valid(entries->element[i]))
			learn_apply(entries->element[i]);
	learn_read_timed(t0, entries->elements);
	if (entries->elements == LEARN_BATCH && ln.full) {
		ln.dirty = 0;
		learn_pace(now_mono_us() - ln.read_sent);
		return;
	}
	if (entries->elements == LEARN_BATCH || ln.dirty) {
		ln.dirty = 0;
		learn_pump();
		return;
	}
	if (ln.full) {
		learn_swap();
		if (learn_unchanged()) {
			log_info("learn: the examples are those of the model "
			    "in use; no training");
			return;
		}
	} else if (!ln.fresh)
		return;		/* nothing new */
	learn_train();
}

/* Reads the examples after the cursor, unless a read is in flight. */
static void
learn_pump(void)
{
	struct store_args args = { 0 };

	if (ln.reading) {
		ln.dirty = 1;
		return;
	}
	if (ln.paced)
		return;		/* learn_on_pace reads from the cursor */
	store_args_add(&args, LEARN_STREAM);
	store_args_add(&args, LEARN_GENERATION);
	script_args_nb_read(&args, ln.cursor, LEARN_BATCH);
	ln.reading = 1;
	ln.read_sent = now_mono_us();
	if (store_script(SCRIPT_NB_READ, 2, &args, learn_read_done, NULL) == -1)
		ln.reading = 0;		/* Redis down: learn_resync reads again */
	store_args_free(&args);
}

/* Redis says examples were added (or replaced): read them. */
void
learn_wake(void)
{
	learn_pump();
}

/* Redis (re)connected: what it holds may have changed; read everything. */
void
learn_resync(void)
{
	learn_start_full();
}

/*
 * The configuration was reloaded (called after daemon_swap_config, before
 * the old configuration is freed): new labels and seeds, and every example
 * read again. A training that still reads the old configuration stops
 * (learn_release); one that is past it ends and its model is thrown away.
 * The model in use stays until the new one is trained if the departments
 * are the same; otherwise the catalogue routes alone meanwhile. One
 * training follows, when the full read is done (or at once if Redis cannot
 * be read now: on the examples in memory until it can); it computes every
 * example's shares with the new catalogue.
 */
void
learn_reload(void)
{
	size_t before = ln.map != NULL ? route_map_nlabels(ln.map) : 0;

	learn_release();
	learn_configure();
	ln.epoch++;
	if (ln.model != NULL && (before != route_map_nlabels(ln.map) ||
	    model_nlabels(ln.model) != route_map_nlabels(ln.map))) {
		model_free(ln.model);
		ln.model = NULL;
	}
	learn_start_full();
	if (!ln.reading && !ln.restart && !ln.paced)
		learn_train();	/* Redis is away: train on what is in memory */
}

/* Returns a number that changes whenever learn_reload ran. */
uint64_t
learn_epoch(void)
{
	return ln.epoch;
}

/* The model in use, or NULL. */
const struct lrmodel *
learn_model(void)
{
	return ln.model;
}

/* The confidence from which tickets are dispatched at once. */
double
learn_threshold(void)
{
	return ln.model != NULL && hotlined.cfg->routing.model &&
	    model_fit(ln.model)->held > 0 ?
	    model_fit(ln.model)->threshold :
	    hotlined.cfg->routing.dispatch_threshold;
}

/* When the model in use was swapped in (Unix ms; 0: none) and, in *seconds, what its training took. */
int64_t
learn_trained_at(double *seconds)
{
	*seconds = ln.model != NULL ? ln.training_seconds : 0;
	return ln.model != NULL ? ln.trained_at : 0;
}

/* Sets every suggestion's confidence to its share of the catalogue's evidence. */
static void
learn_catalogue_only(struct classify_result *res)
{
	size_t i;

	res->catalogue_confidence = res->confidence;
	for (i = 0; i < res->nsuggestions; i++)
		res->suggestions[i].confidence = res->total > 0 ?
		    res->suggestions[i].score / res->total : 0;
}

/*
 * Ranks a catalogue result (classify_ticket's, from ntitle and ncontent in
 * normal form) with the model, as route.h says; without a model yet, the
 * catalogue's own confidence and threshold stand.
 */
void
learn_classify(struct classify_result *res, const char *ntitle,
    const char *ncontent, const char *district)
{
	const struct department *cat_top;
	double *lprob, *prob, cat_conf;
	struct model_shares sh;
	struct model_vec v;
	int cat_auto, calibrated;
	size_t nl;

	if (ln.model == NULL || !hotlined.cfg->routing.model) {
		learn_catalogue_only(res);
		return;
	}
	calibrated = model_fit(ln.model)->held > 0;
	cat_top = res->nsuggestions > 0 ? res->suggestions[0].department : NULL;
	cat_conf = res->confidence;
	cat_auto = res->auto_dispatch;
	nl = route_map_nlabels(ln.map);
	lprob = xcalloc(nl + 1, sizeof *lprob);
	prob = xcalloc(hotlined.cfg->ndepartments + 1, sizeof *prob);
	route_shares(res, hotlined.cfg->departments, ln.map, &sh);
	route_features(hotlined.cfg->catalogue, ntitle, ncontent, &v);
	model_predict(ln.model, &v, &sh, lprob);
	route_expand(ln.map, lprob, district, prob);
	route_result(res, hotlined.cfg->departments,
	    hotlined.cfg->ndepartments, prob,
	    model_real_examples(ln.model) + model_sample_examples(ln.model),
	    learn_threshold());
	if (!calibrated) {
		res->confidence = cat_conf;
		res->auto_dispatch = cat_auto && res->emergency == NULL &&
		    res->nsuggestions > 0 &&
		    res->suggestions[0].department == cat_top;
	}
	model_vec_free(&v);
	free(lprob);
	free(prob);
}

/*
 * Blocks until no training runs, swapping each model in (for tests and
 * tools that drive the loop themselves).
 */
void
learn_wait(void)
{
	struct learn_job *job;

	while (ln.job != NULL) {
		pthread_join(ln.thread, NULL);
		if (read(ln.pipe[0], &job, sizeof job) == (ssize_t)sizeof job)
			learn_finish(job);
		else
			fatalx("learn: the training thread ended without its "
			    "model");
	}
}
