/* Helpers of the side-by-side benches (run-budget.sh, run-fairshare.sh): logins with the integration tests' tokens, long texts. */
#ifndef BENCH_SIDE_H
#define BENCH_SIDE_H

#include "hotline.h"

/* Connects and says hello as principal with token "<principal>-test"; dies on failure. */
struct hl_client *side_login(const char *address, const char *principal);
/* Returns n times the three-byte character ch as a new string (free it); dies without memory. */
char *side_repeat(const char *ch, long n);

#endif
