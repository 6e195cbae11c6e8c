/* An archive batch's rows built off the event loop: the Redis answer copied, a thread per batch makes the JSON rows and search terms, a pipe hands them back to the loop. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <hiredis/hiredis.h>

#include "hotlined.h"
#include "archive.h"
#include "store-scripts.h"

/*
 * Contract: one build at a time (the archiver has one batch in hand). The
 * thread reads only its own copy of the answer and writes only the job's
 * batch; segmenting and normalising are safe off the loop (segment.h,
 * normalize.c: OpenCC's converter is shared read-only). The thread hands
 * the job back by writing its pointer (one atomic write) to a pipe; the
 * loop joins the thread and calls done there, never from the thread. Built
 * on the loop instead (archive_build_start returns -1) when the pipe or
 * the thread cannot be made.
 */
struct build_job {
	redisReply *copy;		/* the answer, ours */
	struct archive_batch *batch;	/* filled by the thread */
	int rc;				/* archive_batch_build's */
	archive_built done;
};

static struct {
	int pipe[2];
	struct event *ev;
	pthread_t thread;
	struct build_job *job;		/* running, or NULL */
} ab = { { -1, -1 }, NULL, 0, NULL };

/* The thread: builds the rows and hands the job back through the pipe. */
static void *
build_thread(void *arg)
{
	struct build_job *job = arg;
	ssize_t n;

	job->rc = archive_batch_build(job->batch, job->copy);
	freeReplyObject(job->copy);
	job->copy = NULL;
	do
		n = write(ab.pipe[1], &job, sizeof job);
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)sizeof job)
		fatal("archive: handing a batch back to the loop");
	return NULL;
}

/* The loop: a built batch came back; joins its thread and calls done. */
static void
build_back(evutil_socket_t fd, short what, void *arg)
{
	struct build_job *job;
	ssize_t n;

	(void)what;
	(void)arg;
	do
		n = read(fd, &job, sizeof job);
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)sizeof job)
		return;
	pthread_join(ab.thread, NULL);
	ab.job = NULL;
	job->done(job->batch, job->rc);
	free(job);
}

/* Makes the pipe and its event once; returns 0 or -1. */
static int
build_ready(void)
{
	if (ab.ev != NULL)
		return 0;
	if (pipe(ab.pipe) == -1) {
		log_warn("archive: pipe");
		return -1;
	}
	ab.ev = event_new(hotlined.base, ab.pipe[0], EV_READ | EV_PERSIST,
	    build_back, NULL);
	if (ab.ev == NULL || event_add(ab.ev, NULL) == -1)
		fatalx("archive: cannot watch the build pipe");
	return 0;
}

/*
 * Builds b from reply (archive_read.lua's answer) on a thread and calls
 * done(b, rc) on the loop later, rc as archive_batch_build returns. The
 * reply is copied: the caller's may be freed as soon as this returns.
 * Returns 0, or -1 if no thread could be started (nothing was called).
 */
int
archive_build_start(const redisReply *reply, struct archive_batch *b,
    archive_built done)
{
	struct build_job *job;
	int rc;

	if (ab.job != NULL || build_ready() == -1)
		return -1;
	job = xcalloc(1, sizeof *job);
	job->copy = store_reply_copy(reply);
	job->batch = b;
	job->done = done;
	if ((rc = pthread_create(&ab.thread, NULL, build_thread, job)) != 0) {
		log_warnx("archive: cannot start a build thread: %s",
		    strerror(rc));
		freeReplyObject(job->copy);
		free(job);
		return -1;
	}
	ab.job = job;
	return 0;
}

/* At shutdown: waits for a build under way (its done is not called) and closes the pipe. */
void
archive_build_stop(void)
{
	if (ab.job != NULL) {
		pthread_join(ab.thread, NULL);
		archive_batch_free(ab.job->batch);
		free(ab.job);
		ab.job = NULL;
	}
	if (ab.ev != NULL)
		event_free(ab.ev);
	ab.ev = NULL;
	if (ab.pipe[0] != -1) {
		close(ab.pipe[0]);
		close(ab.pipe[1]);
	}
	ab.pipe[0] = ab.pipe[1] = -1;
}
