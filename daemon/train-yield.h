/* The training thread's yield: it pauses while the event loop has requests in hand, so that it neither thrashes the caches they need nor holds a core they wait for. */
#ifndef HOTLINE_TRAIN_YIELD_H
#define HOTLINE_TRAIN_YIELD_H

#include <stdint.h>

/*
 * Why (issue 13: request p99 at most 5 ms while a model trains). Priority
 * alone (SCHED_IDLE, model_thread_background) is not enough: on the demo
 * machine, 2 vCPUs sharing their caches, the training thread's walk over
 * hundreds of MB of examples slows the loop's own work while both run.
 * Measured there: the loop's CPU time per request 0.67 ms idle, 1.02 ms
 * while training (schedstat, same requests); a 1 MB working set runs 2.1
 * times slower, a 4 MB one 2.8 times, beside a thread reading 512 MB at
 * random on the other vCPU. And a SCHED_IDLE thread gives way to tasks
 * waking on its own core but not to those queued on the other one, which
 * the kernel moves only at its next balancing tick (4 ms at HZ 250).
 *
 * So the loop counts the requests it has in hand (train_yield_enter when
 * one arrives, train_yield_leave when it is answered or dropped); the
 * first one signals the training thread, whose handler sleeps in steps of
 * TRAIN_YIELD_POLL_US until none has been for TRAIN_YIELD_LINGER_US (the
 * answer still has to reach its client, who wakes on a core too, and the
 * next request finds the caches as the last one left them), at most
 * TRAIN_YIELD_PAUSE_US at a time. A timer every TRAIN_YIELD_TICK_US
 * catches the requests that came while it was running. It runs at least
 * TRAIN_YIELD_RUN_US between pauses, so under requests that never stop it
 * still gets a share of a core (1 ms in 11) and the model is made, later;
 * at 100 requests a second it runs about a third of the time; with no
 * requests it never pauses. Measured (retrain-hotlined, training stage,
 * classify / create p99): pauses of at most 4 ms ending 1 ms after the
 * last request, 4.6-5.8 / 8.4-10.0 ms; at most 20 ms ending 5 ms after,
 * 3.1-3.7 / 5.6-5.7 ms (idle 1.4-2.0 / 3.6-5.0).
 */
#define TRAIN_YIELD_TICK_US 1000
#define TRAIN_YIELD_RUN_US 1000
#define TRAIN_YIELD_PAUSE_US 10000
#define TRAIN_YIELD_POLL_US 100
#define TRAIN_YIELD_LINGER_US 5000

/* The signal (SIGRTMIN + this) of the ticks and of the loop's calls. */
#define TRAIN_YIELD_SIGNAL 3

/*
 * Loop side: a request is now in hand (enter) or no longer (leave: once
 * for each enter). A relaxed atomic each; enter signals a training thread
 * that is running when the count leaves 0. Safe from any thread.
 */
void train_yield_enter(void);
void train_yield_leave(void);

/*
 * Training side: the calling thread pauses for requests from now on: its
 * signal is unblocked and handled (SA_RESTART) and its timer armed.
 * Returns 0, or -1 with errno set: the training then runs without pausing.
 */
int train_yield_start(void);

/* The calling thread no longer pauses (its timer deleted; nothing if not started). */
void train_yield_stop(void);

/* Pauses taken by training threads (/metrics: hotline_training_pauses_total). */
uint64_t train_yield_pauses(void);

#endif
