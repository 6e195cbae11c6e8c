/* auth-worker.c and the hello's asynchronous checks: slow credential verification off the event loop. */
#ifndef AUTH_WORKER_H
#define AUTH_WORKER_H

struct event_base;
struct principal;

/*
 * Worker threads verify argon2id (and legacy PBKDF2) hashes so that a storm
 * of hellos never stalls the loop; at most AUTH_WORKER_QUEUE_MAX checks are
 * queued or running at once, daemon-wide, and the next is refused. The
 * pool has auth.workers threads, by default one fewer than the machine has
 * cores (at least one, at most AUTH_WORKER_THREADS_MAX), so the loop keeps
 * a core to itself; auth.workers = 0 verifies on the loop, as before.
 */
#define AUTH_WORKER_THREADS_MAX 4
#define AUTH_WORKER_QUEUE_MAX 32

/* Called on the loop with 1 if the token was right, else 0. */
typedef void (*auth_worker_done)(int ok, void *arg);

/* Starts the pool; its answers arrive through an event of base. Returns 0 or -1 (logged). */
int auth_worker_start(struct event_base *base);
/*
 * Stops the pool: joins the threads, then calls done(0, arg) for every
 * check not answered yet (on the caller's thread), so no caller waits for
 * ever and nothing leaks. Safe when the pool never started.
 */
void auth_worker_stop(void);
/*
 * Verifies token against stored (auth_verify) on a worker and calls
 * done(ok, arg) on the loop later; both strings are copied. Without a
 * running pool (tools, test doubles) it verifies at once and calls done
 * before returning. Returns 0, or -1 if AUTH_WORKER_QUEUE_MAX checks wait
 * already (done is then never called).
 */
int auth_worker_verify(const char *stored, const char *token,
    auth_worker_done done, void *arg);
/* Checks queued or running now. */
int auth_worker_busy(void);

/* auth-cache.c: the cache in front of the pool. */
/*
 * Starts checking token against principal p (NULL: an unknown principal,
 * checked against another principal's hash so that it costs the same and
 * always fails). Returns 1 if the cache remembers the token as p's right
 * one (done is not called), 0 if done(ok, arg) is called (perhaps already,
 * see auth_worker_verify), -1 if the pool is full (done is not called).
 * A right token is remembered, and counts as wrong if p's credential was
 * changed or p removed by a reload while it was checked.
 */
int auth_check_start(const struct principal *p, const char *token,
    auth_worker_done done, void *arg);

/* auth-limit.c: checks under way count against an allowance before they fail. */
/* Returns 1 if key's allowance has room for one more check besides those running. */
int auth_limit_room(const char *key);
/* A check for key starts ... */
void auth_limit_hold(const char *key);
/* ... and ends (whatever its result). */
void auth_limit_unhold(const char *key);

#endif
