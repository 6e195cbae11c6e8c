/* hotlinectl commands for everyone: ping the daemon, hash a token for the config. */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "ctl.h"
/* For auth_hash() and its cost bounds, from daemon/auth.c (declarations only). */
#include "hotlined.h"

/* Prints the daemon's clock and whether its store is reachable. */
static void
ctl_ping_text(const Hotline__Envelope *reply)
{
	char when[32];

	ctl_format_time(reply->pong->server_time, when, sizeof when);
	printf(CTL_T(PONG), when, reply->pong->store_ready ?
	    CTL_T(STORE_READY) : CTL_T(STORE_DOWN));
	putchar('\n');
}

/*
 * ping: checks that the daemon answers and its store (Redis) is reachable.
 * Exits 0 only when both are; a daemon without its store exits as an
 * unavailable error does (CTL_EXIT_REMOTE + ERROR_CODE_UNAVAILABLE), after
 * printing the answer.
 */
int
ctl_ping(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT, *reply;
	Hotline__Ping ping = HOTLINE__PING__INIT;
	int rc;

	if (ctl_options(argc, argv, NULL, NULL) == -1 || optind != argc)
		return ctl_usage(ctl);
	req.body_case = HOTLINE__ENVELOPE__BODY_PING;
	req.ping = &ping;
	if ((rc = ctl_open(ctl)) != 0 || (rc = ctl_call(ctl, &req,
	    HOTLINE__ENVELOPE__BODY_PONG, &reply)) != 0)
		return rc;
	rc = ctl_output(ctl, reply, ctl_ping_text);
	if (rc == CTL_EXIT_OK && !reply->pong->store_ready)
		rc = CTL_EXIT_REMOTE +
		    HOTLINE__ERROR_CODE__ERROR_CODE_UNAVAILABLE;
	hl_envelope_free(reply);
	return rc;
}

/* Prints what a reload loaded. */
static void
ctl_reload_text(const Hotline__Envelope *reply)
{
	const Hotline__ReloadReply *r = reply->reloaded;

	printf(ctl_lang == CTL_LANG_EN ? "reloaded %s: %u departments, %u "
	    "principals, %u catalogue entries\n" : "已重新加载 %s：单位 %u 个，"
	    "账号 %u 个，派单目录 %u 条\n", r->path, r->departments,
	    r->principals, r->catalogue_entries);
}

/* reload: the daemon reads its configuration again (as SIGHUP); admins only. */
int
ctl_reload(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__ReloadRequest reload = HOTLINE__RELOAD_REQUEST__INIT;

	if (ctl_options(argc, argv, NULL, NULL) == -1 || optind != argc)
		return ctl_usage(ctl);
	req.body_case = HOTLINE__ENVELOPE__BODY_RELOAD;
	req.reload = &reload;
	return ctl_exchange(ctl, &req, HOTLINE__ENVELOPE__BODY_RELOADED,
	    ctl_reload_text);
}

/* Reads one line from stdin, without echo on a terminal; returns it or NULL. */
static char *
ctl_read_token(void)
{
	struct termios old, quiet;
	int tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (tty) {
		fputs(ctl_lang == CTL_LANG_EN ? "token: " : "令牌：", stderr);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	n = getline(&line, &cap, stdin);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (n <= 0) {
		free(line);
		return NULL;
	}
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}

#define CTL_TOKEN_BYTES 24	/* a generated token: 192 random bits, 32 characters */

/*
 * Makes a random token: CTL_TOKEN_BYTES from OpenSSL's generator in
 * URL-safe base64 (no '+', '/' or '='). Returns it (free it), or NULL.
 */
static char *
ctl_random_token(void)
{
	unsigned char bytes[CTL_TOKEN_BYTES];
	char *token, *p;

	if (RAND_bytes(bytes, sizeof bytes) != 1 ||
	    (token = malloc(4 * sizeof bytes / 3 + 1)) == NULL)
		return NULL;
	EVP_EncodeBlock((unsigned char *)token, bytes, sizeof bytes);
	OPENSSL_cleanse(bytes, sizeof bytes);
	for (p = token; *p != '\0'; p++)
		if (*p == '+')
			*p = '-';
		else if (*p == '/')
			*p = '_';
	return token;
}

/* Parses passwd's options into cost and *generate; returns 0 or a usage status. */
static int
ctl_passwd_options(struct ctl *ctl, int argc, char **argv,
    struct auth_cost *cost, int *generate)
{
	char *memory = NULL, *passes = NULL;
	const struct ctl_opt opts[] = {
		{ "generate", NULL, generate, 0 },
		{ "memory", &memory, NULL, 0 },
		{ "passes", &passes, NULL, 0 },
		{ NULL, NULL, NULL, 0 }
	};
	unsigned long v;
	int rc;

	if ((rc = ctl_parse(ctl, argc, argv, opts, 0)) != 0)
		return rc;
	if (memory != NULL) {
		if (ctl_parse_number(memory, AUTH_MAX_MEMORY_KIB, &v) == -1 ||
		    v < AUTH_MIN_MEMORY_KIB)
			return ctl_usage_error(ctl, "--memory" ZH_EN("：单位 KiB，",
			    ": KiB, ") "%d..%d",
			    AUTH_MIN_MEMORY_KIB, AUTH_MAX_MEMORY_KIB);
		cost->memory_kib = (unsigned)v;
	}
	if (passes != NULL) {
		if (ctl_parse_number(passes, AUTH_MAX_PASSES, &v) == -1 ||
		    v < 1)
			return ctl_usage_error(ctl, "--passes" ZH_EN("：", ": ")
			    "1..%d",
			    AUTH_MAX_PASSES);
		cost->passes = (unsigned)v;
	}
	return 0;
}

/* Prints a generated token (or NULL) and its hash: two lines, or {"token", "hash"} with -j. */
static int
ctl_passwd_print(const struct ctl *ctl, const char *token, const char *hash)
{
	json_t *obj;
	int r;

	if (!ctl->json) {
		if (token != NULL)
			puts(token);
		puts(hash);
		return CTL_EXIT_OK;
	}
	if ((obj = json_pack("{s:s?, s:s}", "token", token, "hash",
	    hash)) == NULL)
		return ctl_fail_local(CTL_EXIT_FAILURE, "internal",
		    ZH_EN("内存不足", "out of memory"));
	r = json_dumpf(obj, stdout, JSON_INDENT(2));
	json_decref(obj);
	fputc('\n', stdout);
	return r == 0 ? CTL_EXIT_OK : CTL_EXIT_FAILURE;
}

/*
 * passwd: prints the argon2id hash of a token for a principal's credential
 * in hotlined.conf. The token comes from standard input (asked for without
 * echo on a terminal); with --generate a random one is made and printed on
 * the line before the hash.
 */
int
ctl_passwd(struct ctl *ctl, int argc, char **argv)
{
	struct auth_cost cost = { AUTH_DEFAULT_MEMORY_KIB, AUTH_DEFAULT_PASSES,
	    AUTH_DEFAULT_LANES };
	char *token, *hash;
	int generate = 0, rc;

	if ((rc = ctl_passwd_options(ctl, argc, argv, &cost, &generate)) != 0)
		return rc;
	token = generate ? ctl_random_token() : ctl_read_token();
	if (token == NULL || token[0] == '\0') {
		free(token);
		if (generate)
			return ctl_fail_local(CTL_EXIT_FAILURE, "internal",
			    "passwd" ZH_EN("：无法取得随机数", ": no random bytes"));
		return ctl_usage_error(ctl, ZH_EN("标准输入中没有令牌",
		    "no token on standard input"));
	}
	hash = auth_hash(token, &cost);
	if (hash != NULL)
		rc = ctl_passwd_print(ctl, generate ? token : NULL, hash);
	OPENSSL_cleanse(token, strlen(token));
	free(token);
	if (hash == NULL)
		return ctl_fail_local(CTL_EXIT_FAILURE, "internal", "passwd"
		    ZH_EN("：无法计算哈希（取不到随机数或内存不足）", ": cannot hash "
		    "(no random bytes, or out of memory)"));
	free(hash);
	return rc;
}
