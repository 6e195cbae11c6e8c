/* A small pool of threads that verifies credential hashes off the event loop and posts each answer back to it. */
#include <sys/queue.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <openssl/crypto.h>

#include "auth-worker.h"
#include "hotlined.h"

/*
 * Threads and lifetimes: a job is made on the loop, waits in auth_queued,
 * is verified by one worker without the lock, then waits in done_list
 * until the loop reads the wake pipe and calls its callback. Only the loop
 * touches auth_nbusy and calls callbacks; the lock guards auth_queued,
 * done_list, auth_signalled and auth_stopping. A worker writes one byte to
 * the pipe when done_list becomes non-empty; the loop drains the pipe
 * before it takes the list, so no answer is left without a byte to wake it.
 */
struct auth_job {
	char *stored;
	char *token;
	int ok;
	auth_worker_done done;
	void *arg;
	STAILQ_ENTRY(auth_job) entry;
};

STAILQ_HEAD(auth_jobs, auth_job);

static pthread_mutex_t auth_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t auth_work = PTHREAD_COND_INITIALIZER;
static struct auth_jobs auth_queued = STAILQ_HEAD_INITIALIZER(auth_queued);
static struct auth_jobs auth_done_list =
    STAILQ_HEAD_INITIALIZER(auth_done_list);
static int auth_signalled;
static int auth_stopping;

static pthread_t auth_threads[AUTH_WORKER_THREADS_MAX];
static int auth_nthreads;
static int auth_pipe[2] = { -1, -1 };
static struct event *auth_wake;
static int auth_nbusy;			/* jobs made and not yet answered */

/* Frees a job, wiping its token. */
static void
auth_job_free(struct auth_job *j)
{
	OPENSSL_cleanse(j->token, strlen(j->token));
	free(j->token);
	free(j->stored);
	free(j);
}

/* Calls a job's callback with ok and frees it (on the loop). */
static void
auth_job_answer(struct auth_job *j, int ok)
{
	auth_worker_done done = j->done;
	void *arg = j->arg;

	auth_nbusy--;
	auth_job_free(j);
	done(ok, arg);
}

/* A worker: verifies jobs until the pool stops. */
static void *
auth_worker_main(void *unused)
{
	struct auth_job *j;

	(void)unused;
	pthread_mutex_lock(&auth_lock);
	for (;;) {
		while (!auth_stopping && STAILQ_EMPTY(&auth_queued))
			pthread_cond_wait(&auth_work, &auth_lock);
		if (auth_stopping)
			break;
		j = STAILQ_FIRST(&auth_queued);
		STAILQ_REMOVE_HEAD(&auth_queued, entry);
		pthread_mutex_unlock(&auth_lock);
		j->ok = auth_verify(j->stored, j->token);
		pthread_mutex_lock(&auth_lock);
		STAILQ_INSERT_TAIL(&auth_done_list, j, entry);
		if (!auth_signalled) {
			auth_signalled = 1;
			/* Full pipe: a byte is there already, the loop wakes. */
			(void)!write(auth_pipe[1], "", 1);
		}
	}
	pthread_mutex_unlock(&auth_lock);
	return NULL;
}

/* Event: workers finished checks; answers them on the loop. */
static void
auth_worker_wake(evutil_socket_t fd, short what, void *unused)
{
	struct auth_jobs ready = STAILQ_HEAD_INITIALIZER(ready);
	struct auth_job *j;
	char buf[64];

	(void)what;
	(void)unused;
	while (read(fd, buf, sizeof buf) > 0)
		continue;
	pthread_mutex_lock(&auth_lock);
	STAILQ_CONCAT(&ready, &auth_done_list);
	auth_signalled = 0;
	pthread_mutex_unlock(&auth_lock);
	while ((j = STAILQ_FIRST(&ready)) != NULL) {
		STAILQ_REMOVE_HEAD(&ready, entry);
		auth_job_answer(j, j->ok);
	}
}

/* Returns how many workers to run: auth.workers, or one core is left to the loop. */
static int
auth_worker_count(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	if (hotlined.cfg->auth.workers >= 0)
		return hotlined.cfg->auth.workers;
	if (cores <= 2)
		return 1;
	return cores - 1 > AUTH_WORKER_THREADS_MAX ? AUTH_WORKER_THREADS_MAX :
	    (int)cores - 1;
}

/* See auth-worker.h. */
int
auth_worker_start(struct event_base *base)
{
	int i, n = auth_worker_count();

	if (n == 0) {
		log_info("auth workers: none (auth.workers = 0): credentials "
		    "are verified on the event loop");
		return 0;
	}
	if (pipe(auth_pipe) == -1) {
		log_warn("auth workers: pipe");
		return -1;
	}
	for (i = 0; i < 2; i++) {
		fcntl(auth_pipe[i], F_SETFL, O_NONBLOCK);
		fcntl(auth_pipe[i], F_SETFD, FD_CLOEXEC);
	}
	auth_wake = event_new(base, auth_pipe[0], EV_READ | EV_PERSIST,
	    auth_worker_wake, NULL);
	event_add(auth_wake, NULL);
	auth_stopping = 0;
	for (i = 0; i < n; i++) {
		if ((errno = pthread_create(&auth_threads[i], NULL,
		    auth_worker_main, NULL)) != 0) {
			log_warn("auth workers: pthread_create");
			break;
		}
		auth_nthreads++;
	}
	if (auth_nthreads == 0) {
		auth_worker_stop();
		return -1;
	}
	log_debug("auth workers: %d thread(s), at most %d checks at once",
	    auth_nthreads, AUTH_WORKER_QUEUE_MAX);
	return 0;
}

/* See auth-worker.h. */
void
auth_worker_stop(void)
{
	struct auth_jobs left = STAILQ_HEAD_INITIALIZER(left);
	struct auth_job *j;
	int i;

	pthread_mutex_lock(&auth_lock);
	auth_stopping = 1;
	pthread_cond_broadcast(&auth_work);
	pthread_mutex_unlock(&auth_lock);
	for (i = 0; i < auth_nthreads; i++)
		pthread_join(auth_threads[i], NULL);
	auth_nthreads = 0;
	/* Finished checks keep their answer; the others were never made. */
	STAILQ_CONCAT(&left, &auth_done_list);
	while ((j = STAILQ_FIRST(&left)) != NULL) {
		STAILQ_REMOVE_HEAD(&left, entry);
		auth_job_answer(j, j->ok);
	}
	while ((j = STAILQ_FIRST(&auth_queued)) != NULL) {
		STAILQ_REMOVE_HEAD(&auth_queued, entry);
		auth_job_answer(j, 0);
	}
	auth_signalled = 0;
	if (auth_wake != NULL)
		event_free(auth_wake);
	auth_wake = NULL;
	for (i = 0; i < 2; i++) {
		if (auth_pipe[i] != -1)
			close(auth_pipe[i]);
		auth_pipe[i] = -1;
	}
}

/* See auth-worker.h. */
int
auth_worker_verify(const char *stored, const char *token,
    auth_worker_done done, void *arg)
{
	static struct log_limit lim;
	struct auth_job *j;

	if (auth_nthreads == 0) {
		done(auth_verify(stored, token), arg);
		return 0;
	}
	if (auth_nbusy >= AUTH_WORKER_QUEUE_MAX) {
		log_warnx_limited(&lim, "auth workers: %d credential checks "
		    "wait already; refusing more until they are done",
		    auth_nbusy);
		return -1;
	}
	j = xcalloc(1, sizeof *j);
	j->stored = xstrdup(stored);
	j->token = xstrdup(token);
	j->done = done;
	j->arg = arg;
	auth_nbusy++;
	pthread_mutex_lock(&auth_lock);
	STAILQ_INSERT_TAIL(&auth_queued, j, entry);
	pthread_cond_signal(&auth_work);
	pthread_mutex_unlock(&auth_lock);
	return 0;
}

/* See auth-worker.h. */
int
auth_worker_busy(void)
{
	return auth_nbusy;
}
