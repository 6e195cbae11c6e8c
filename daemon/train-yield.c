/* The training thread's yield: the loop's count of requests in hand, and the signal handler that pauses the trainer while it is not 0 (train-yield.h says why). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "now.h"
#include "train-yield.h"

static int yield_busy;			/* requests in hand; atomic */
static int64_t yield_left;		/* when the last one left, monotonic us; atomic */
static pid_t yield_tid;			/* the pausing thread, 0 if none; atomic */
static int yield_paused;		/* it is in its pause; atomic */
static uint64_t yield_pauses;		/* atomic */
static pthread_once_t yield_once = PTHREAD_ONCE_INIT;
static int yield_installed;		/* the handler is in place */

static __thread timer_t yield_timer;
static __thread int yield_started;
static __thread int64_t yield_resumed;	/* end of this thread's last pause, monotonic us */

/* now_mono_us (now.c) is clock_gettime alone: async-signal-safe. */

/* See train-yield.h. */
void
train_yield_enter(void)
{
	pid_t tid;

	if (__atomic_fetch_add(&yield_busy, 1, __ATOMIC_RELAXED) != 0)
		return;
	tid = __atomic_load_n(&yield_tid, __ATOMIC_RELAXED);
	if (tid != 0 && !__atomic_load_n(&yield_paused, __ATOMIC_RELAXED))
		(void)syscall(SYS_tgkill, getpid(), tid,
		    SIGRTMIN + TRAIN_YIELD_SIGNAL);
}

/* See train-yield.h. */
void
train_yield_leave(void)
{
	if (__atomic_sub_fetch(&yield_busy, 1, __ATOMIC_RELAXED) == 0)
		__atomic_store_n(&yield_left, now_mono_us(), __ATOMIC_RELAXED);
}

/* 1 while the loop has a request in hand or had one TRAIN_YIELD_LINGER_US ago. */
static int
yield_wanted(int64_t now)
{
	return __atomic_load_n(&yield_busy, __ATOMIC_RELAXED) > 0 ||
	    now - __atomic_load_n(&yield_left, __ATOMIC_RELAXED) <
	    TRAIN_YIELD_LINGER_US;
}

/*
 * The signal, in the training thread (from the loop or the timer): unless
 * it ran less than TRAIN_YIELD_RUN_US since its last pause, sleeps while
 * the loop has requests in hand and TRAIN_YIELD_LINGER_US after, at most
 * TRAIN_YIELD_PAUSE_US.
 */
static void
yield_on_signal(int sig, siginfo_t *si, void *ctx)
{
	struct timespec step = { 0, TRAIN_YIELD_POLL_US * 1000L };
	int saved = errno;
	int64_t start = now_mono_us(), now = start;

	(void)sig;
	(void)si;
	(void)ctx;
	if (!yield_started || start - yield_resumed < TRAIN_YIELD_RUN_US ||
	    !yield_wanted(start)) {
		errno = saved;
		return;
	}
	__atomic_store_n(&yield_paused, 1, __ATOMIC_RELAXED);
	while (yield_wanted(now) && now - start < TRAIN_YIELD_PAUSE_US) {
		(void)nanosleep(&step, NULL);
		now = now_mono_us();
	}
	__atomic_store_n(&yield_paused, 0, __ATOMIC_RELAXED);
	yield_resumed = now;
	__atomic_add_fetch(&yield_pauses, 1, __ATOMIC_RELAXED);
	errno = saved;
}

/* Installs the handler once for the process. */
static void
yield_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = yield_on_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	yield_installed = sigaction(SIGRTMIN + TRAIN_YIELD_SIGNAL, &sa,
	    NULL) == 0;
}

/* See train-yield.h. */
int
train_yield_start(void)
{
	struct itimerspec every = {
		.it_interval = { 0, TRAIN_YIELD_TICK_US * 1000L },
		.it_value = { 0, TRAIN_YIELD_TICK_US * 1000L },
	};
	struct sigevent sev;
	sigset_t set;

	if (yield_started)
		return 0;
	pthread_once(&yield_once, yield_install);
	if (!yield_installed)
		return -1;
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + TRAIN_YIELD_SIGNAL);
	if (pthread_sigmask(SIG_UNBLOCK, &set, NULL) != 0)
		return -1;
	memset(&sev, 0, sizeof sev);
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = SIGRTMIN + TRAIN_YIELD_SIGNAL;
	sev._sigev_un._tid = gettid();	/* sigev_notify_thread_id, not named by glibc 2.36 */
	if (timer_create(CLOCK_MONOTONIC, &sev, &yield_timer) == -1)
		return -1;
	if (timer_settime(yield_timer, 0, &every, NULL) == -1) {
		timer_delete(yield_timer);
		return -1;
	}
	yield_resumed = 0;
	yield_started = 1;
	__atomic_store_n(&yield_tid, gettid(), __ATOMIC_RELAXED);
	return 0;
}

/* See train-yield.h. */
void
train_yield_stop(void)
{
	sigset_t set;

	if (!yield_started)
		return;
	__atomic_store_n(&yield_tid, 0, __ATOMIC_RELAXED);
	timer_delete(yield_timer);
	/* a signal sent before yield_tid was cleared waits here, blocked */
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + TRAIN_YIELD_SIGNAL);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	yield_started = 0;
}

/* See train-yield.h. */
uint64_t
train_yield_pauses(void)
{
	return __atomic_load_n(&yield_pauses, __ATOMIC_RELAXED);
}
