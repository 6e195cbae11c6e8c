/* Reloads off the event loop: a thread loads and compiles the configuration, the loop swaps it in. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "hotlined.h"

/*
 * The contract of an off-loop reload (SIGHUP or an admin's ReloadRequest):
 *
 *   - One compile thread at a time, started per reload and joined when it
 *     is done. It runs config_load(path) and nothing else: it reads files,
 *     allocates, and compiles Hyperscan databases into memory nobody else
 *     sees. It reads only what never changes while the loop runs (OpenCC's
 *     converter and the T→S table of normalize_init, set up before the
 *     loop; OpenCC's converter is safe to share between threads, see
 *     BYVoid/OpenCC#231), logs nothing and blocks every signal.
 *   - The thread hands its job back by writing the job's pointer (8 bytes,
 *     one atomic write) to a pipe; an event on the loop reads it, joins the
 *     thread and then, on the loop between two events, swaps the new
 *     configuration in (the swap given to reload_init) or logs the refusal
 *     and keeps the configuration in force. Requests are answered all the
 *     while.
 *   - A reload asked for while a compile runs waits for the next compile,
 *     which starts as soon as this one is done (the file may have changed
 *     after this one read it); every reload asked for meanwhile shares that
 *     one compile. Swaps thus happen one at a time, in order, on the loop.
 *   - A waiting request is answered (by its reload_done) only once its
 *     compile was swapped in or refused. If its connection goes away first,
 *     the request is freed and forgotten here (request state_free).
 */

/* One compile: its input, and its output once the thread is done. */
struct reload_job {
	char *path;
	struct config *fresh;		/* NULL: refused, why in err */
	char err[1024];
};

/* A request waiting for a compile to end. */
struct reload_waiter {
	struct request *r;
	reload_done done;
	struct reload_list *list;	/* the list it is on */
	TAILQ_ENTRY(reload_waiter) entry;
};

TAILQ_HEAD(reload_list, reload_waiter);

static struct {
	reload_swap swap;		/* reload_init's; NULL until then */
	int pipe[2];			/* thread → loop; -1 until needed */
	struct event *ev;
	pthread_t thread;
	struct reload_job *job;		/* the compile running, or NULL */
	int again;			/* another compile is asked for */
	struct reload_list current;	/* answered by the compile running */
	struct reload_list next;	/* answered by the one after it */
} rl = { NULL, { -1, -1 }, NULL, 0, NULL, 0,
	TAILQ_HEAD_INITIALIZER(rl.current), TAILQ_HEAD_INITIALIZER(rl.next) };

static void reload_begin(void);

/* The compile thread: loads job's file and hands the job back through the pipe. */
static void *
reload_thread(void *arg)
{
	struct reload_job *job = arg;
	ssize_t n;

	job->fresh = config_load(job->path, job->err, sizeof job->err);
	do
		n = write(rl.pipe[1], &job, sizeof job);
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)sizeof job)
		fatal("reload: cannot hand the compiled configuration back");
	return NULL;
}

/* A waiting request was freed (its connection went away): forget it. */
static void
reload_waiter_gone(void *arg)
{
	struct reload_waiter *w = arg;

	TAILQ_REMOVE(w->list, w, entry);
	free(w);
}

/* Answers every request of the list with err (NULL: the swap happened). */
static void
reload_answer(struct reload_list *list, const char *err)
{
	struct reload_waiter *w;
	struct request *r;
	reload_done done;

	while ((w = TAILQ_FIRST(list)) != NULL) {
		TAILQ_REMOVE(list, w, entry);
		r = w->r;
		done = w->done;
		r->state = NULL;
		r->state_free = NULL;
		free(w);
		done(r, err);
	}
}

/* Swaps in or refuses the job's configuration, answers, and starts the next compile. */
static void
reload_finish(struct reload_job *job)
{
	rl.job = NULL;
	if (job->fresh != NULL &&
	    rl.swap(job->fresh, job->err, sizeof job->err) == -1)
		job->fresh = NULL;	/* freed: its certificates did not load */
	if (job->fresh == NULL)
		log_warnx("reload failed, keeping the configuration in force: "
		    "%s", job->err);
	reload_answer(&rl.current, job->fresh != NULL ? NULL : job->err);
	free(job->path);
	free(job);
	if (rl.again) {
		rl.again = 0;
		TAILQ_CONCAT(&rl.current, &rl.next, entry);
		reload_begin();
	}
}

/* Event: the compile thread is done. */
static void
reload_on_done(evutil_socket_t fd, short what, void *arg)
{
	struct reload_job *job;
	ssize_t n;

	(void)what;
	(void)arg;
	n = read(fd, &job, sizeof job);
	if (n != (ssize_t)sizeof job)
		return;		/* EAGAIN or EINTR: the event comes again */
	pthread_join(rl.thread, NULL);
	reload_finish(job);
}

/* Hands reload the function that swaps a loaded configuration in (the daemon's, or a test's). */
void
reload_init(reload_swap swap)
{
	rl.swap = swap;
}

/* Opens the pipe and its event on first use. */
static void
reload_setup(void)
{
	if (rl.swap == NULL)
		fatalx("reload: no swap function (reload_init)");
	if (rl.ev != NULL)
		return;
	if (pipe2(rl.pipe, O_CLOEXEC) == -1)
		fatal("reload: pipe");
	evutil_make_socket_nonblocking(rl.pipe[0]);
	rl.ev = event_new(hotlined.base, rl.pipe[0], EV_READ | EV_PERSIST,
	    reload_on_done, NULL);
	if (rl.ev == NULL || event_add(rl.ev, NULL) == -1)
		fatalx("reload: cannot watch the pipe");
}

/* Starts a compile of the file in force; without a thread, compiles on the loop. */
static void
reload_begin(void)
{
	struct reload_job *job = xcalloc(1, sizeof *job);
	sigset_t all, old;
	int rc;

	job->path = xstrdup(hotlined.cfg->path);
	rl.job = job;
	reload_setup();
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&rl.thread, NULL, reload_thread, job);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		log_warnx("reload: no compile thread (%s): compiling on the "
		    "loop", strerror(rc));
		job->fresh = config_load(job->path, job->err, sizeof job->err);
		reload_finish(job);
	}
}

/*
 * Asks for a reload of the configuration file; r (NULL for SIGHUP) is
 * answered by done once a compile that started after this call was swapped
 * in or refused. See the contract above.
 */
void
reload_start(struct request *r, reload_done done)
{
	struct reload_waiter *w;

	if (r != NULL) {
		w = xcalloc(1, sizeof *w);
		w->r = r;
		w->done = done;
		w->list = rl.job != NULL ? &rl.next : &rl.current;
		TAILQ_INSERT_TAIL(w->list, w, entry);
		r->state = w;
		r->state_free = reload_waiter_gone;
	}
	if (rl.job != NULL)
		rl.again = 1;
	else
		reload_begin();
}

/* Returns 1 while a compile runs or is asked for. */
int
reload_busy(void)
{
	return rl.job != NULL || rl.again;
}

/*
 * Blocks until no compile runs or is asked for, swapping each in on the
 * way (for tests and fuzzers that drive the loop themselves).
 */
void
reload_wait(void)
{
	struct reload_job *job;
	ssize_t n;

	while (rl.job != NULL) {
		n = read(rl.pipe[0], &job, sizeof job);
		if (n == (ssize_t)sizeof job) {
			pthread_join(rl.thread, NULL);
			reload_finish(job);
		} else if (n == -1 && errno != EAGAIN && errno != EINTR)
			fatal("reload: read");
		else
			usleep(1000);
	}
}

/* At exit: waits for a compile that runs, drops its result, closes the pipe. */
void
reload_shutdown(void)
{
	struct reload_job *job;

	if (rl.job != NULL) {
		pthread_join(rl.thread, NULL);
		job = rl.job;
		rl.job = NULL;
		config_free(job->fresh);
		free(job->path);
		free(job);
	}
	rl.again = 0;
	if (rl.ev != NULL) {
		event_free(rl.ev);
		close(rl.pipe[0]);
		close(rl.pipe[1]);
		rl.ev = NULL;
		rl.pipe[0] = rl.pipe[1] = -1;
	}
}
