/* Limits failed hellos per client address and per principal with token buckets, so guessing tokens is slow and cheap to refuse. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth-worker.h"
#include "hotlined.h"

/*
 * Each key (a client address, "http <address>" for /metrics, "principal
 * <id>") has a bucket of auth.failures_burst tokens that refills at
 * auth.failures_per_minute; a failed hello takes one from its address and
 * its principal. While a bucket holds less than one token hellos are
 * refused with RATE_LIMITED before any slow check (a right token too:
 * otherwise the limit would still let an attacker confirm a guess); only
 * a token the cache remembers as right passes a limited address
 * (session.c's hello_limited), and every other try there costs the
 * principal named, so guessing stays bounded.
 *
 * Buckets live in a fixed open-addressed table of auth.limit_addresses
 * slots; a full bucket is the same as no bucket, so its slot is free.
 * Probing stops after AUTH_LIMIT_PROBES slots: when they are all busy the
 * one closest to full is reused (under a flood from many addresses an
 * address may thus get a fresh allowance early: the table stays bounded).
 *
 * Slow checks run on worker threads (auth-worker.c), so many hellos of one
 * key may be under way before the first fails: a bucket also counts its
 * checks under way, and a key gets no further check while its tokens,
 * less those checks, are below one. A bucket with checks under way is
 * kept even when full.
 */
#define AUTH_LIMIT_PROBES 8
#define AUTH_LIMIT_ADDR_MAX 96	/* an address, "http <address>" or "principal <id>" */

struct auth_bucket {
	char addr[AUTH_LIMIT_ADDR_MAX];		/* "" when free */
	double tokens;
	int64_t updated_ms;
	int limited;				/* logged as limited */
	int checking;				/* checks under way */
};

static struct auth_bucket *auth_buckets;
static size_t auth_nbuckets;

/* FNV-1a of s (inflight.c's table uses it too). */
uint32_t
auth_limit_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* Makes the table match the configured size (emptying it on a change). */
static void
auth_limit_setup(void)
{
	size_t n = (size_t)hotlined.cfg->auth.limit_addresses;

	if (auth_buckets != NULL && n == auth_nbuckets)
		return;
	free(auth_buckets);
	auth_buckets = xcalloc(n, sizeof *auth_buckets);
	auth_nbuckets = n;
}

/* Refills b for the time since its last update; frees it once full. */
static void
auth_limit_refill(struct auth_bucket *b, int64_t now)
{
	double burst = hotlined.cfg->auth.failures_burst;

	if (b->addr[0] == '\0')
		return;
	b->tokens += (double)(now - b->updated_ms) *
	    hotlined.cfg->auth.failures_per_minute / 60000.0;
	b->updated_ms = now;
	if (b->tokens >= burst && b->checking > 0)
		b->tokens = burst;
	else if (b->tokens >= burst) {
		if (b->limited)
			log_info("%s: failed-hello limit lifted", b->addr);
		memset(b, 0, sizeof *b);
	}
}

/*
 * Finds addr's bucket (refilled to now), or NULL if it has none; with
 * create, makes one (full) in a free or the fullest probed slot.
 */
static struct auth_bucket *
auth_limit_find(const char *addr, int64_t now, int create)
{
	size_t i, at = auth_limit_hash(addr) % auth_nbuckets;
	struct auth_bucket *b, *spare = NULL;

	for (i = 0; i < AUTH_LIMIT_PROBES && i < auth_nbuckets; i++) {
		b = &auth_buckets[(at + i) % auth_nbuckets];
		auth_limit_refill(b, now);
		if (b->addr[0] != '\0' && strcmp(b->addr, addr) == 0)
			return b;
		if (spare == NULL || b->addr[0] == '\0' ||
		    (spare->addr[0] != '\0' && b->tokens > spare->tokens))
			spare = b;
	}
	if (!create)
		return NULL;
	memset(spare, 0, sizeof *spare);
	snprintf(spare->addr, sizeof spare->addr, "%s", addr);
	spare->tokens = hotlined.cfg->auth.failures_burst;
	spare->updated_ms = now;
	return spare;
}

/*
 * Returns 1 if a hello from addr (an address without its port, or
 * "unix") may be checked, 0 if the address is over its failure budget.
 */
int
auth_limit_allowed(const char *addr)
{
	struct auth_bucket *b;

	auth_limit_setup();
	b = auth_limit_find(addr, now_mono_ms(), 0);
	return b == NULL || b->tokens >= 1.0;
}

/*
 * A hello from addr failed: takes one token from its bucket. Returns how
 * many failures the address may still make before it is limited (0: the
 * next hello is refused), and logs once when the limit starts.
 */
int
auth_limit_failed(const char *addr)
{
	struct auth_bucket *b;

	auth_limit_setup();
	b = auth_limit_find(addr, now_mono_ms(), 1);
	b->tokens -= 1.0;
	if (b->tokens < 1.0 && !b->limited) {
		b->limited = 1;
		log_warnx("%s: %d failed hellos; refusing its hellos until "
		    "its allowance refills (%d failures per minute)", addr,
		    hotlined.cfg->auth.failures_burst,
		    hotlined.cfg->auth.failures_per_minute);
	}
	return b->tokens < 1.0 ? 0 : (int)b->tokens;
}

/* See auth-worker.h. */
int
auth_limit_room(const char *key)
{
	struct auth_bucket *b;

	auth_limit_setup();
	b = auth_limit_find(key, now_mono_ms(), 0);
	return b == NULL || b->tokens - b->checking >= 1.0;
}

/* See auth-worker.h. */
void
auth_limit_hold(const char *key)
{
	auth_limit_setup();
	auth_limit_find(key, now_mono_ms(), 1)->checking++;
}

/* See auth-worker.h. */
void
auth_limit_unhold(const char *key)
{
	struct auth_bucket *b;

	auth_limit_setup();
	/* Gone if a flood reused its slot meanwhile: nothing to give back. */
	b = auth_limit_find(key, now_mono_ms(), 0);
	if (b != NULL && b->checking > 0)
		b->checking--;
}

/* Frees the table (at exit). */
void
auth_limit_free(void)
{
	free(auth_buckets);
	auth_buckets = NULL;
	auth_nbuckets = 0;
}
