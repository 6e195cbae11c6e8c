/* Helpers of the side-by-side benches (run-budget.sh, run-fairshare.sh): logins with the integration tests' tokens, long texts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "side.h"

/* Connects and says hello as principal (token "<principal>-test"). */
struct hl_client *
side_login(const char *address, const char *principal)
{
	struct hl_client *c;
	struct hl_error err;
	char token[64];

	snprintf(token, sizeof token, "%s-test", principal);
	if ((c = hl_connect(address, 30000, &err)) == NULL ||
	    hl_hello(c, HOTLINE__ROLE__ROLE_UNSPECIFIED, principal, token, NULL,
	    &err) == -1)
		bench_die("login as %s: %s", principal, err.message);
	return c;
}

/* Returns n times the three-byte character ch (free it). */
char *
side_repeat(const char *ch, long n)
{
	char *s = malloc((size_t)n * 3 + 1);
	long i;

	if (s == NULL)
		bench_die("out of memory");
	for (i = 0; i < n; i++)
		memcpy(s + i * 3, ch, 3);
	s[n * 3] = '\0';
	return s;
}
