/* Integration test harness: starts redis-server and hotlined in a private directory and talks to them. */
#include <sys/prctl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "harness.h"

#define HARNESS_MAX_LIVE 4

/* Harnesses with servers running, for the exit and signal handlers. */
static struct harness *live[HARNESS_MAX_LIVE];
static int handlers_installed;
static unsigned long unique_counter;

/* Milliseconds of CLOCK_MONOTONIC. */
int64_t
harness_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleeps ms milliseconds, resuming after signals. */
void
harness_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Kills every server of every live harness at once; async-signal-safe. */
static void
kill_all(void)
{
	int i;

	for (i = 0; i < HARNESS_MAX_LIVE; i++) {
		struct harness *h = live[i];

		if (h == NULL)
			continue;
		if (h->second.pid > 0)
			kill(h->second.pid, SIGKILL);
		if (h->main.pid > 0)
			kill(h->main.pid, SIGKILL);
		if (h->redis_pid > 0)
			kill(h->redis_pid, SIGKILL);
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* On SIGINT/SIGTERM: kill the servers, remove the directories, die of sig. */
static void
on_signal(int sig)
{
	int i;

	kill_all();
	for (i = 0; i < HARNESS_MAX_LIVE; i++) {
		pid_t pid;

		if (live[i] == NULL)
			continue;
		/* Only async-signal-safe calls here: fork, execve, waitpid. */
		if ((pid = fork()) == 0) {
			char *const argv[] = { "rm", "-rf", live[i]->dir, NULL };
			char *const envp[] = { NULL };

			execve("/bin/rm", argv, envp);
			_exit(127);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* At exit: stop whatever a test left running. */
static void
on_exit_cleanup(void)
{
	int i;

	for (i = 0; i < HARNESS_MAX_LIVE; i++)
		if (live[i] != NULL)
			harness_stop(live[i]);
}

/* Installs the exit and signal handlers once. */
static void
install_handlers(void)
{
	struct sigaction sa;

	if (handlers_installed)
		return;
	handlers_installed = 1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	atexit(on_exit_cleanup);
}

/* Adds h to (add) or removes it from the live list. */
static void
set_live(struct harness *h, int add)
{
	int i;

	for (i = 0; i < HARNESS_MAX_LIVE; i++)
		if (live[i] == h)
			live[i] = NULL;
	if (!add)
		return;
	for (i = 0; i < HARNESS_MAX_LIVE; i++)
		if (live[i] == NULL) {
			live[i] = h;
			return;
		}
}

/* Returns an environment variable or dflt when unset or empty. */
static const char *
env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : dflt;
}

/*
 * Forks and execs argv with stdout and stderr appended to log_path and
 * stdin from /dev/null; the child dies with this process. Returns its pid.
 */
static pid_t
spawn(char *const argv[], const char *log_path, const char *notify)
{
	pid_t parent = getpid(), pid;
	int fd;

	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) != 0)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	signal(SIGPIPE, SIG_DFL);
	if (notify != NULL)
		setenv("NOTIFY_SOCKET", notify, 1);
	else
		unsetenv("NOTIFY_SOCKET");
	if ((fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0600)) != -1) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	if ((fd = open("/dev/null", O_RDONLY)) != -1) {
		dup2(fd, STDIN_FILENO);
		close(fd);
	}
	execvp(argv[0], argv);
	fprintf(stderr, "harness: exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/*
 * Waits up to wait_ms for pid to exit. Returns 1 with *status set if it did,
 * 0 if it still runs.
 */
static int
wait_exit(pid_t pid, int wait_ms, int *status)
{
	int64_t end = harness_now_ms() + wait_ms;

	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return 1;
		if (r == -1 && errno == ECHILD) {
			*status = -1;	/* already reaped: unknown */
			return 1;
		}
		if (harness_now_ms() >= end)
			return 0;
		harness_sleep_ms(10);
	}
}

/* Prints a file to stderr, framed, for diagnosis. */
static void
print_file(const char *what, const char *path)
{
	char line[4096];
	FILE *f;

	fprintf(stderr, "---- %s (%s) ----\n", what, path);
	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "(cannot open: %s)\n", strerror(errno));
		return;
	}
	while (fgets(line, sizeof line, f) != NULL)
		fputs(line, stderr);
	fclose(f);
	fprintf(stderr, "---- end of %s ----\n", what);
}

/* Prints d's log to stderr. */
void
harness_print_log(const struct harness_daemon *d)
{
	print_file("hotlined log", d->log);
}

/* Returns a TCP port on 127.0.0.1 that was free a moment ago, or -1. */
static int
free_port(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	int fd, port = -1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0)
		port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

/* Returns 1 if something accepts connections on the unix socket path. */
static int
unix_accepts(const char *path)
{
	struct sockaddr_un sun;
	int fd, ok;

	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return 0;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		close(fd);
		return 0;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	ok = connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0;
	close(fd);
	return ok;
}

/* Returns 1 if something accepts connections on 127.0.0.1:port. */
static int
tcp_accepts(int port)
{
	struct sockaddr_in sin;
	int fd, ok;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return 0;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	ok = connect(fd, (struct sockaddr *)&sin, sizeof sin) == 0;
	close(fd);
	return ok;
}

/* Returns 1 if the test Redis answers PING with PONG. */
static int
redis_pongs(struct harness *h)
{
	redisContext *rc;
	redisReply *r;
	int ok = 0;

	if ((rc = harness_redis(h)) == NULL)
		return 0;
	r = redisCommand(rc, "PING");
	if (r != NULL && r->type == REDIS_REPLY_STATUS &&
	    strcmp(r->str, "PONG") == 0)
		ok = 1;
	if (r != NULL)
		freeReplyObject(r);
	redisFree(rc);
	return ok;
}

/* Starts redis-server on h's socket and data and waits until it answers. */
int
harness_redis_start(struct harness *h)
{
	char *argv[] = { "redis-server", "--port", "0", "--unixsocket",
	    h->redis_sock, "--unixsocketperm", "700", "--dir", h->dir,
	    "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
	    "--daemonize", "no", NULL };
	int64_t end = harness_now_ms() + HARNESS_WAIT_MS;
	int status;

	if ((h->redis_pid = spawn(argv, h->redis_log, NULL)) == -1) {
		fprintf(stderr, "harness: fork: %s\n", strerror(errno));
		h->redis_pid = 0;
		return -1;
	}
	while (harness_now_ms() < end) {
		if (redis_pongs(h))
			return 0;
		if (wait_exit(h->redis_pid, 0, &status)) {
			fprintf(stderr, "harness: redis-server exited early\n");
			h->redis_pid = 0;
			print_file("redis log", h->redis_log);
			return -1;
		}
		harness_sleep_ms(20);
	}
	fprintf(stderr, "harness: redis-server did not answer in %d ms\n",
	    HARNESS_WAIT_MS);
	print_file("redis log", h->redis_log);
	return -1;
}

/* Stops redis-server with SIGTERM (it writes its AOF) and waits for it. */
int
harness_redis_stop(struct harness *h)
{
	int status, rc = 0;

	if (h->redis_pid <= 0)
		return -1;
	kill(h->redis_pid, SIGTERM);
	if (!wait_exit(h->redis_pid, HARNESS_WAIT_MS, &status)) {
		fprintf(stderr, "harness: redis-server ignored SIGTERM\n");
		kill(h->redis_pid, SIGKILL);
		waitpid(h->redis_pid, &status, 0);
		rc = -1;
	}
	h->redis_pid = 0;
	return rc;
}

/* Reads the whole file at path into a new NUL-terminated buffer. */
static char *
read_file(const char *path)
{
	FILE *f;
	char *buf;
	long n;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (buf = malloc((size_t)n + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return NULL;
	}
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/*
 * Writes text to f with each "@KEY@" of keys[] replaced by vals[]; other
 * text is copied as is.
 */
static void
write_substituted(FILE *f, const char *text, const char *const keys[],
    const char *const vals[], size_t n)
{
	size_t i;

	while (*text != '\0') {
		for (i = 0; i < n; i++)
			if (strncmp(text, keys[i], strlen(keys[i])) == 0)
				break;
		if (i < n) {
			fputs(vals[i], f);
			text += strlen(keys[i]);
		} else
			fputc(*text++, f);
	}
}

/* Writes d's config from the template; see harness.h. */
int
harness_write_config(struct harness *h, struct harness_daemon *d,
    const char *name, const char *extra)
{
	char src[PATH_MAX], tmpl[PATH_MAX + 64], catalogue[PATH_MAX + 64];
	char port[16];
	const char *keys[] = { "@DIR@", "@REDIS_SOCK@", "@SOCK@", "@TCP_PORT@",
	    "@CATALOGUE@", "@EXTRA_PRINCIPALS@", "@SRCDIR@", "@HTTP_PORT@" };
	const char *vals[8];
	char http_port[16];
	char *text;
	FILE *f;

	/* Absolute: hotlined reads a relative catalogue path from the config's directory. */
	if (realpath(env_or("HOTLINE_SRCDIR", "."), src) == NULL) {
		fprintf(stderr, "harness: HOTLINE_SRCDIR: %s\n", strerror(errno));
		return -1;
	}
	if (d->sock[0] == '\0') {
		snprintf(d->sock, sizeof d->sock, "%s/%s.sock", h->dir, name);
		snprintf(d->conf, sizeof d->conf, "%s/%s.conf", h->dir, name);
		snprintf(d->log, sizeof d->log, "%s/%s.log", h->dir, name);
	}
	if (d->tcp_port <= 0 && (d->tcp_port = free_port()) <= 0) {
		fprintf(stderr, "harness: no free TCP port\n");
		return -1;
	}
	snprintf(tmpl, sizeof tmpl, "%s/tests/integration/hotlined-test.conf.in",
	    src);
	snprintf(catalogue, sizeof catalogue,
	    "%s/tests/integration/catalogue-test.conf", src);
	snprintf(port, sizeof port, "%d", d->tcp_port);
	if ((text = read_file(tmpl)) == NULL) {
		fprintf(stderr, "harness: %s: %s (set HOTLINE_SRCDIR)\n", tmpl,
		    strerror(errno));
		return -1;
	}
	vals[0] = h->dir;
	vals[1] = h->redis_sock;
	vals[2] = d->sock;
	vals[3] = port;
	vals[4] = catalogue;
	vals[5] = extra;
	vals[6] = src;
	if (d->http_port <= 0 && (d->http_port = free_port()) <= 0) {
		fprintf(stderr, "harness: no free TCP port\n");
		free(text);
		return -1;
	}
	snprintf(http_port, sizeof http_port, "%d", d->http_port);
	vals[7] = http_port;
	if ((f = fopen(d->conf, "w")) == NULL) {
		fprintf(stderr, "harness: %s: %s\n", d->conf, strerror(errno));
		free(text);
		return -1;
	}
	write_substituted(f, text, keys, vals, sizeof keys / sizeof keys[0]);
	free(text);
	return fclose(f) == 0 ? 0 : -1;
}

/*
 * Opens a datagram socket at path for hotlined's readiness message (the
 * service manager's NOTIFY_SOCKET protocol, notify.c); the fd, or -1.
 */
static int
notify_open(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path)
		return -1;
	strcpy(sun.sun_path, path);
	unlink(path);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Waits up to wait_ms for "READY=1" on fd; 1 when it came, 0 if pid exited
 * first (*status set), -1 on timeout. hotlined sends it once its listeners
 * accept and its signal events are installed, so a SIGTERM sent after it
 * is always handled (listening alone came before the handlers).
 */
static int
notify_wait(int fd, pid_t pid, int wait_ms, int *status)
{
	int64_t end = harness_now_ms() + wait_ms;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char msg[256];
	ssize_t n;

	while (harness_now_ms() < end) {
		if (wait_exit(pid, 0, status))
			return 0;
		if (poll(&p, 1, 50) != 1)
			continue;
		if ((n = recv(fd, msg, sizeof msg - 1, 0)) <= 0)
			continue;
		msg[n] = '\0';
		if (strstr(msg, "READY=1") != NULL)
			return 1;
	}
	return -1;
}

/* Starts hotlined -d -f d->conf and waits until it says it is ready. */
int
harness_daemon_start(struct harness *h, struct harness_daemon *d)
{
	char *argv[] = { NULL, "-d", "-f", d->conf, NULL };
	char notify[HARNESS_PATH + 8];
	int status, fd, rc;

	(void)h;
	argv[0] = (char *)env_or("HOTLINED", "build/hotlined");
	snprintf(notify, sizeof notify, "%s.notify", d->sock);
	if ((fd = notify_open(notify)) == -1) {
		fprintf(stderr, "harness: %s: %s\n", notify, strerror(errno));
		return -1;
	}
	if ((d->pid = spawn(argv, d->log, notify)) == -1) {
		fprintf(stderr, "harness: fork: %s\n", strerror(errno));
		d->pid = 0;
		close(fd);
		unlink(notify);
		return -1;
	}
	rc = notify_wait(fd, d->pid, HARNESS_START_MS, &status);
	close(fd);
	unlink(notify);
	if (rc == 1 && unix_accepts(d->sock) && tcp_accepts(d->tcp_port))
		return 0;
	if (rc == 0) {
		fprintf(stderr, "harness: %s exited early (status %d)\n",
		    argv[0], status);
		d->pid = 0;
	} else
		fprintf(stderr, "harness: hotlined %s in %d ms\n", rc == 1 ?
		    "said ready but does not accept" : "was not ready",
		    HARNESS_START_MS);
	harness_print_log(d);
	return -1;
}

/* Sends sig to d and waits for it; see harness.h. */
int
harness_daemon_stop(struct harness_daemon *d, int sig, int wait_ms)
{
	int status;

	if (d->pid <= 0)
		return -1;
	kill(d->pid, sig);
	if (!wait_exit(d->pid, wait_ms, &status)) {
		fprintf(stderr, "harness: hotlined still running %d ms after "
		    "signal %d; killing it\n", wait_ms, sig);
		kill(d->pid, SIGKILL);
		waitpid(d->pid, &status, 0);
		d->pid = 0;
		return -1;
	}
	d->pid = 0;
	return status;
}

/* Pings through d until its store is ready; bounded by wait_ms. */
int
harness_wait_store(struct harness_daemon *d, int wait_ms)
{
	int64_t end = harness_now_ms() + wait_ms;
	char addr[HARNESS_PATH + 8];
	struct hl_client *c = NULL;
	struct hl_error err;
	int ready = 0;

	harness_unix_address(d, addr, sizeof addr);
	while (!ready && harness_now_ms() < end) {
		if (c == NULL && (c = harness_login_at(addr, "agent01")) == NULL) {
			harness_sleep_ms(50);
			continue;
		}
		if ((ready = harness_ping(c, &err)) == -1) {
			hl_close(c);
			c = NULL;
		}
		if (ready != 1) {
			ready = 0;
			harness_sleep_ms(50);
		}
	}
	if (c != NULL)
		hl_close(c);
	if (!ready) {
		fprintf(stderr, "harness: store not ready after %d ms\n", wait_ms);
		harness_print_log(d);
		return -1;
	}
	return 0;
}

/* Restarts the main hotlined and waits for its store. */
int
harness_restart(struct harness *h)
{
	int status = harness_daemon_stop(&h->main, SIGTERM,
	    HARNESS_DRAIN_MS + 5000);

	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "harness: hotlined did not exit cleanly "
		    "(status %d)\n", status);
		harness_print_log(&h->main);
		return -1;
	}
	if (harness_daemon_start(h, &h->main) == -1)
		return -1;
	return harness_wait_store(&h->main, HARNESS_WAIT_MS);
}

/* Clears h, makes its private directory and lists it for cleanup; 0 or -1. */
static int
harness_make_dir(struct harness *h)
{
	memset(h, 0, sizeof *h);
	install_handlers();
	snprintf(h->dir, sizeof h->dir, "/tmp/hotline-test-XXXXXX");
	if (mkdtemp(h->dir) == NULL) {
		fprintf(stderr, "harness: mkdtemp: %s\n", strerror(errno));
		return -1;
	}
	set_live(h, 1);
	return 0;
}

/* Starts Redis and the main hotlined; see harness.h. */
int
harness_start(struct harness *h)
{
	if (harness_make_dir(h) == -1)
		return -1;
	snprintf(h->redis_sock, sizeof h->redis_sock, "%s/redis.sock", h->dir);
	snprintf(h->redis_log, sizeof h->redis_log, "%s/redis.log", h->dir);
	if (harness_redis_start(h) == -1 ||
	    harness_write_config(h, &h->main, "hotlined", "") == -1 ||
	    harness_daemon_start(h, &h->main) == -1 ||
	    harness_wait_store(&h->main, HARNESS_WAIT_MS) == -1) {
		harness_stop(h);
		return -1;
	}
	return 0;
}

/* Replaces the first occurrence of from with to in d's config file; see harness.h. */
int
harness_edit_config(struct harness_daemon *d, const char *from, const char *to)
{
	char *text = read_file(d->conf), *at;
	FILE *f;
	int rc = -1;

	if (text == NULL || (at = strstr(text, from)) == NULL) {
		fprintf(stderr, "harness: %s: no \"%s\" to replace\n", d->conf,
		    from);
		free(text);
		return -1;
	}
	if ((f = fopen(d->conf, "w")) != NULL) {
		fprintf(f, "%.*s%s%s", (int)(at - text), text, to,
		    at + strlen(from));
		rc = fclose(f) == 0 ? 0 : -1;
	}
	free(text);
	return rc;
}

/* Starts the servers for a test group and logs principal in; see harness.h. */
int
harness_group_start(struct harness *h, const char *principal,
    struct hl_client **client)
{
	*client = NULL;
	if (harness_start(h) == -1)
		return -1;
	if (principal != NULL && (*client = harness_login(h, principal)) == NULL) {
		harness_stop(h);
		return -1;
	}
	return 0;
}

/* Starts a group on an edited configuration; see harness.h. */
int
harness_group_start_edited(struct harness *h, const struct harness_edit *edits,
    size_t n, const char *principal, struct hl_client **client)
{
	size_t i;

	if (harness_group_start(h, NULL, client) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (harness_edit_config(&h->main, edits[i].from,
		    edits[i].to) == -1) {
			harness_stop(h);
			return -1;
		}
	if (harness_restart(h) == -1) {
		harness_stop(h);
		return -1;
	}
	if (principal != NULL && (*client = harness_login(h, principal)) == NULL) {
		harness_stop(h);
		return -1;
	}
	return 0;
}

/* Closes a group's client and stops its servers; see harness.h. */
int
harness_group_stop(struct harness *h, struct hl_client *client)
{
	if (client != NULL)
		hl_close(client);
	return harness_stop(h);
}

/* Removes one path for nftw. */
static int
remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

/* Stops d with SIGTERM; returns -1 (after printing its log) unless it exits 0. */
static int
stop_clean(struct harness_daemon *d)
{
	int status;

	if (d->pid <= 0)
		return 0;
	status = harness_daemon_stop(d, SIGTERM, HARNESS_DRAIN_MS + 5000);
	if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	fprintf(stderr, "harness: hotlined did not exit cleanly on SIGTERM "
	    "(wait status %d)\n", status);
	harness_print_log(d);
	return -1;
}

/* Stops every server of h and removes its directory; see harness.h. */
int
harness_stop(struct harness *h)
{
	int rc = 0;

	if (stop_clean(&h->second) == -1)
		rc = -1;
	if (stop_clean(&h->main) == -1)
		rc = -1;
	harness_redis_stop(h);
	if (h->dir[0] != '\0' && getenv("HARNESS_KEEP") == NULL)
		nftw(h->dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	else if (h->dir[0] != '\0')
		fprintf(stderr, "harness: kept %s\n", h->dir);
	h->dir[0] = '\0';
	set_live(h, 0);
	return rc;
}

/* Formats d's unix socket address. */
const char *
harness_unix_address(const struct harness_daemon *d, char *buf, size_t len)
{
	snprintf(buf, len, "unix:%s", d->sock);
	return buf;
}

/* Formats d's TCP address. */
const char *
harness_tcp_address(const struct harness_daemon *d, char *buf, size_t len)
{
	snprintf(buf, len, "127.0.0.1:%d", d->tcp_port);
	return buf;
}

/* Connects to address without hello. */
struct hl_client *
harness_connect(const char *address)
{
	struct hl_error err;
	struct hl_client *c;

	memset(&err, 0, sizeof err);
	if ((c = hl_connect(address, HARNESS_CALL_MS, &err)) == NULL)
		fprintf(stderr, "harness: connect %s: %s: %s\n", address,
		    hl_error_name(err.code), err.message);
	return c;
}

/* Connects to address and says hello as principal; quiet on failure. */
struct hl_client *
harness_try_login(const char *address, const char *principal,
    struct hl_error *err)
{
	char token[128];
	struct hl_client *c;

	memset(err, 0, sizeof *err);
	if ((c = hl_connect(address, HARNESS_CALL_MS, err)) == NULL)
		return NULL;
	snprintf(token, sizeof token, "%s-test", principal);
	if (hl_hello(c, ROLE(UNSPECIFIED), principal, token, NULL, err) == -1) {
		hl_close(c);
		return NULL;
	}
	return c;
}

/* Connects to address and says hello as principal with its test token. */
struct hl_client *
harness_login_at(const char *address, const char *principal)
{
	struct hl_error err;
	struct hl_client *c;

	if ((c = harness_try_login(address, principal, &err)) == NULL)
		fprintf(stderr, "harness: hello %s at %s: %s: %s\n", principal,
		    address, hl_error_name(err.code), err.message);
	return c;
}

/* Connects to the main daemon's unix socket and says hello as principal. */
struct hl_client *
harness_login(struct harness *h, const char *principal)
{
	char addr[HARNESS_PATH + 8];

	return harness_login_at(harness_unix_address(&h->main, addr,
	    sizeof addr), principal);
}

/* Returns rc with tv as its command timeout, or NULL (rc freed) if it failed. */
static redisContext *
redis_checked(redisContext *rc, struct timeval tv)
{
	if (rc != NULL && rc->err) {
		redisFree(rc);
		return NULL;
	}
	if (rc != NULL)
		redisSetTimeout(rc, tv);
	return rc;
}

/* A synchronous hiredis connection to the test Redis, or NULL. */
redisContext *
harness_redis(struct harness *h)
{
	struct timeval tv = { 2, 0 };

	return redis_checked(redisConnectUnixWithTimeout(h->redis_sock, tv),
	    tv);
}

/* Counts the Redis keys whose name contains text. */
long
harness_redis_count_keys(struct harness *h, const char *text)
{
	redisContext *rc;
	char cursor[64] = "0", pattern[256];
	long n = 0;

	if ((rc = harness_redis(h)) == NULL)
		return -1;
	snprintf(pattern, sizeof pattern, "*%s*", text);
	do {
		redisReply *r = redisCommand(rc, "SCAN %s MATCH %s COUNT 1000",
		    cursor, pattern);

		if (r == NULL || r->type != REDIS_REPLY_ARRAY ||
		    r->elements != 2) {
			if (r != NULL)
				freeReplyObject(r);
			redisFree(rc);
			return -1;
		}
		snprintf(cursor, sizeof cursor, "%s", r->element[0]->str);
		n += (long)r->element[1]->elements;
		freeReplyObject(r);
	} while (strcmp(cursor, "0") != 0);
	redisFree(rc);
	return n;
}

/*
 * Asks Redis for the ticket created for call_id, as create.lua finds it
 * (daemon/scripts/lib/callids.lua: its hash bucket, else an earlier
 * version's key). The reply is a string, or nil; NULL on a Redis error.
 */
redisReply *
harness_callid(redisContext *rc, const char *call_id)
{
	static const char find[] =
	    "local b = 'ht:callids:' .. string.sub(redis.sha1hex(ARGV[1]), 1, 3) "
	    "return redis.call('HGET', b, ARGV[1]) or "
	    "redis.call('GET', 'ht:callid:' .. ARGV[1])";

	return redisCommand(rc, "EVAL %s 0 %s", find, call_id);
}

/* See harness.h. */
int
harness_callid_known(struct harness *h, const char *call_id)
{
	redisContext *rc = harness_redis(h);
	redisReply *r;
	int known = -1;

	if (rc == NULL)
		return -1;
	if ((r = harness_callid(rc, call_id)) != NULL) {
		known = r->type == REDIS_REPLY_STRING ? 1 :
		    r->type == REDIS_REPLY_NIL ? 0 : -1;
		freeReplyObject(r);
	}
	redisFree(rc);
	return known;
}

/*
 * Counts the entries of a ticket's history, ht:history:<number>: a string
 * with one entry a line, or a list (earlier versions). -1 on a Redis error.
 */
long
harness_history_len(redisContext *rc, const char *number)
{
	static const char count[] =
	    "local k = redis.call('TYPE', KEYS[1]).ok "
	    "if k == 'list' then return redis.call('LLEN', KEYS[1]) end "
	    "if k ~= 'string' then return 0 end "
	    "local _, n = string.gsub(redis.call('GET', KEYS[1]), '\\n', '') "
	    "return n + 1";
	redisReply *r = redisCommand(rc, "EVAL %s 1 ht:history:%s", count,
	    number);
	long n = r != NULL && r->type == REDIS_REPLY_INTEGER ?
	    (long)r->integer : -1;

	if (r != NULL)
		freeReplyObject(r);
	return n;
}

/* Sends one request with the given body and returns the answer. */
Hotline__Envelope *
harness_call(struct hl_client *c, Hotline__Envelope__BodyCase body_case,
    void *body, struct hl_error *err)
{
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT;
	Hotline__Envelope *reply = NULL;
	struct hl_error local;

	if (err == NULL)
		err = &local;
	memset(err, 0, sizeof *err);
	env.body_case = body_case;
	/* Every member of the body union is a message pointer. */
	env.ping = body;
	if (hl_call(c, &env, &reply, err) == -1)
		return NULL;
	return reply;
}

/* Makes a call id unique in this test run. */
const char *
harness_call_id(char *buf, size_t len)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(buf, len, "call-%ld-%lld%03ld-%lu", (long)getpid(),
	    (long long)ts.tv_sec, ts.tv_nsec / 1000000, ++unique_counter);
	return buf;
}

/* Makes a caller phone number unique in this test run. */
const char *
harness_phone(char *buf, size_t len)
{
	snprintf(buf, len, "139%04ld%04lu", (long)getpid() % 10000,
	    ++unique_counter % 10000);
	return buf;
}

/* Fills a create request with valid defaults and a new call id. */
void
harness_create_init(Hotline__CreateRequest *req, char *call_id,
    size_t call_id_len, const char *phone, const char *title,
    const char *content)
{
	hotline__create_request__init(req);
	req->call_id = (char *)harness_call_id(call_id, call_id_len);
	req->caller_phone = (char *)phone;
	req->caller_name = "张先生";
	req->district = "鼓楼区";
	req->street = "东街街道";
	req->address = "八一七北路 100 号";
	req->title = (char *)title;
	req->content = (char *)content;
	req->type = HOTLINE__TICKET_TYPE__TICKET_TYPE_COMPLAINT;
	req->urgency = HOTLINE__URGENCY__URGENCY_NORMAL;
	req->channel = HOTLINE__CHANNEL__CHANNEL_PHONE;
}

/* Creates a ticket with a new call id and phone; NULL with err on an Error. */
Hotline__Envelope *
harness_create_or_null(struct hl_client *c, const char *title,
    const char *content, struct hl_error *err)
{
	Hotline__CreateRequest req;
	char call_id[64], phone[32];

	harness_create_init(&req, call_id, sizeof call_id,
	    harness_phone(phone, sizeof phone), title, content);
	return harness_call(c, BODY(CREATE), &req, err);
}

/* Creates a ticket and asserts the daemon took it. */
Hotline__Envelope *
harness_create(struct hl_client *c, const char *title, const char *content)
{
	Hotline__Envelope *rep;
	struct hl_error err;

	rep = harness_create_or_null(c, title, content, &err);
	assert_reply(rep, err);
	assert_int_equal(rep->body_case, BODY(CREATED));
	assert_non_null(rep->created->ticket);
	return rep;
}

/* Shows a ticket. */
Hotline__Envelope *
harness_show(struct hl_client *c, const char *number, struct hl_error *err)
{
	Hotline__ShowRequest req = HOTLINE__SHOW_REQUEST__INIT;

	req.number = (char *)number;
	return harness_call(c, BODY(SHOW), &req, err);
}

/* Signs for a ticket. */
Hotline__Envelope *
harness_sign(struct hl_client *c, const char *number, struct hl_error *err)
{
	Hotline__SignRequest req = HOTLINE__SIGN_REQUEST__INIT;

	req.number = (char *)number;
	req.note = "已签收";
	return harness_call(c, BODY(SIGN), &req, err);
}

/* Replies to a ticket with result. */
Hotline__Envelope *
harness_reply(struct hl_client *c, const char *number, const char *result,
    struct hl_error *err)
{
	Hotline__ReplyRequest req = HOTLINE__REPLY_REQUEST__INIT;

	req.number = (char *)number;
	req.result = (char *)result;
	req.solved = 1;
	return harness_call(c, BODY(REPLY), &req, err);
}

/* Starts watching from cursor. */
Hotline__Envelope *
harness_watch(struct hl_client *c, const char *cursor, struct hl_error *err)
{
	Hotline__WatchRequest req = HOTLINE__WATCH_REQUEST__INIT;

	req.cursor = (char *)cursor;
	return harness_call(c, BODY(WATCH), &req, err);
}

/* Lists the department's open tickets. */
Hotline__Envelope *
harness_list(struct hl_client *c, uint32_t limit, struct hl_error *err)
{
	Hotline__ListRequest req = HOTLINE__LIST_REQUEST__INIT;

	req.limit = limit;
	return harness_call(c, BODY(LIST), &req, err);
}

/* Sends one frame with the given id and body, without waiting. */
int
harness_send(struct hl_client *c, uint64_t id,
    Hotline__Envelope__BodyCase body_case, void *body)
{
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT;
	struct hl_error err;

	env.id = id;
	env.body_case = body_case;
	env.ping = body;
	if (hl_send(c, &env, &err) == -1) {
		fprintf(stderr, "harness: send: %s: %s\n",
		    hl_error_name(err.code), err.message);
		return -1;
	}
	return 0;
}

/* Asserts that the next frame is an Error with code and envelope id. */
void
harness_expect_error_frame(struct hl_client *c, int code, uint64_t id)
{
	Hotline__Envelope *f = NULL;
	struct hl_error err;
	int r;

	memset(&err, 0, sizeof err);
	r = hl_recv(c, HARNESS_CALL_MS, &f, &err);
	if (r != 1)
		fail_msg("expected an Error frame (%s), got %s: %s",
		    hl_error_name(code), r == 0 ? "nothing in time" :
		    hl_error_name(err.code), err.message);
	if (f->body_case != BODY(ERROR)) {
		int body = f->body_case;

		hl_envelope_free(f);
		fail_msg("expected an Error frame (%s), got body %d",
		    hl_error_name(code), body);
	}
	if (f->error->code != (Hotline__ErrorCode)code) {
		int got = f->error->code;

		hl_envelope_free(f);
		fail_msg("expected error %s, got %s", hl_error_name(code),
		    hl_error_name(got));
	}
	assert_int_equal(f->id, id);
	hl_envelope_free(f);
}

/* Asserts that the daemon closes the connection. */
void
harness_assert_closed(struct hl_client *c)
{
	Hotline__Envelope *f = NULL;
	struct hl_error err;
	int r;

	memset(&err, 0, sizeof err);
	r = hl_recv(c, HARNESS_CALL_MS, &f, &err);
	if (r == 1) {
		int body = f->body_case;

		hl_envelope_free(f);
		fail_msg("expected the daemon to close the connection, "
		    "got a frame with body %d", body);
	}
	if (r == 0)
		fail_msg("the daemon kept the connection open for %d ms",
		    HARNESS_CALL_MS);
	assert_int_equal(err.code, HL_ERR_IO);
}

/* Asserts that the main daemon runs and serves a new session. */
void
harness_assert_serving(struct harness *h)
{
	struct hl_client *c;
	struct hl_error err;
	int status;

	assert_true(h->main.pid > 0);
	if (waitpid(h->main.pid, &status, WNOHANG) == h->main.pid) {
		h->main.pid = 0;
		harness_print_log(&h->main);
		fail_msg("hotlined died (wait status %d)", status);
	}
	c = harness_login(h, "agent02");
	assert_non_null(c);
	assert_int_equal(harness_ping(c, &err), 1);
	hl_close(c);
}

/* Pings; 1 if the store is ready, 0 if not, -1 on error. */
int
harness_ping(struct hl_client *c, struct hl_error *err)
{
	Hotline__Ping req = HOTLINE__PING__INIT;
	Hotline__Envelope *rep;
	int ready;

	if ((rep = harness_call(c, BODY(PING), &req, err)) == NULL)
		return -1;
	if (rep->body_case != BODY(PONG)) {
		hl_envelope_free(rep);
		return -1;
	}
	ready = rep->pong->store_ready ? 1 : 0;
	hl_envelope_free(rep);
	return ready;
}

/* Waits up to timeout_ms for the next pushed event; NULL on timeout or error. */
Hotline__Envelope *
harness_event(struct hl_client *c, int timeout_ms)
{
	Hotline__Envelope *ev = NULL;
	struct hl_error err;

	memset(&err, 0, sizeof err);
	if (hl_next_event(c, timeout_ms, &ev, &err) != 1)
		return NULL;
	return ev;
}

/* Runs only the tests matching $HARNESS_FILTER, if set. */
void
harness_filter(void)
{
	const char *pattern = getenv("HARNESS_FILTER");

	if (pattern != NULL && *pattern != '\0')
		cmocka_set_test_filter(pattern);
}

/* Today's date in Asia/Shanghai (UTC+8, no DST) as yyyymmdd. */
const char *
harness_shanghai_date(char buf[9])
{
	time_t t = time(NULL) + 8 * 3600;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 9, "%Y%m%d", &tm);
	return buf;
}

/* A synchronous hiredis connection to 127.0.0.1:port, or NULL. */
redisContext *
harness_redis_tcp(int port)
{
	struct timeval tv = { 2, 0 };

	return redis_checked(redisConnectWithTimeout("127.0.0.1", port, tv),
	    tv);
}

/* Runs one command at 127.0.0.1:port; the reply (NULL on failure) is the caller's. */
static redisReply *
ha_command(int port, const char *fmt, ...)
{
	redisContext *rc = harness_redis_tcp(port);
	redisReply *r;
	va_list ap;

	if (rc == NULL)
		return NULL;
	va_start(ap, fmt);
	r = redisvCommand(rc, fmt, ap);
	va_end(ap);
	redisFree(rc);
	return r;
}

/* Starts Redis server i of ha on its port (a replica of redis[0] unless i is 0). */
static int
ha_redis_spawn(struct harness *h, struct harness_ha *ha, int i)
{
	char port[16], master[16], dir[HARNESS_PATH], log[HARNESS_PATH];
	char *argv[] = { "redis-server", "--port", port, "--bind", "127.0.0.1",
	    "--dir", dir, "--save", "", "--appendonly", "no",
	    "--repl-diskless-sync-delay", "0", "--daemonize", "no",
	    i > 0 ? "--replicaof" : NULL, "127.0.0.1", master, NULL };

	snprintf(port, sizeof port, "%d", ha->redis_port[i]);
	snprintf(master, sizeof master, "%d", ha->redis_port[0]);
	snprintf(dir, sizeof dir, "%s/redis%d", h->dir, i);
	snprintf(log, sizeof log, "%s/redis%d.log", h->dir, i);
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return -1;
	ha->redis_pid[i] = spawn(argv, log, NULL);
	return ha->redis_pid[i] > 0 ? 0 : -1;
}

/* Writes sentinel i's config (Sentinel rewrites it, so it is a file of its own) and starts it. */
static int
ha_sentinel_spawn(struct harness *h, struct harness_ha *ha, int i,
    int down_after_ms, int failover_timeout_ms)
{
	char conf[HARNESS_PATH], log[HARNESS_PATH];
	char *argv[] = { "redis-sentinel", conf, NULL };
	FILE *f;

	snprintf(conf, sizeof conf, "%s/sentinel%d.conf", h->dir, i);
	snprintf(log, sizeof log, "%s/sentinel%d.log", h->dir, i);
	if ((f = fopen(conf, "w")) == NULL)
		return -1;
	fprintf(f, "port %d\nbind 127.0.0.1\ndaemonize no\ndir %s\n"
	    "sentinel monitor %s 127.0.0.1 %d 2\n"
	    "sentinel down-after-milliseconds %s %d\n"
	    "sentinel failover-timeout %s %d\n"
	    "sentinel parallel-syncs %s %d\n",
	    ha->sentinel_port[i], h->dir, HARNESS_HA_MASTER,
	    ha->redis_port[0], HARNESS_HA_MASTER, down_after_ms,
	    HARNESS_HA_MASTER, failover_timeout_ms, HARNESS_HA_MASTER,
	    HARNESS_HA_REDIS - 1);
	if (fclose(f) != 0)
		return -1;
	ha->sentinel_pid[i] = spawn(argv, log, NULL);
	return ha->sentinel_pid[i] > 0 ? 0 : -1;
}

/* Returns 1 if the master at port has every replica online. */
static int
ha_replicas_online(int port)
{
	redisReply *r = ha_command(port, "INFO replication");
	int n = 0;
	char *at;

	if (r != NULL && r->type == REDIS_REPLY_STRING)
		for (at = r->str; (at = strstr(at, ",state=online,")) != NULL;
		    at++)
			n++;
	if (r != NULL)
		freeReplyObject(r);
	return n == HARNESS_HA_REDIS - 1;
}

/* Counts the entries of an array reply whose "flags" are exactly flags. */
static int
ha_count_flags(const redisReply *r, const char *flags)
{
	size_t i, j;
	int n = 0;

	if (r == NULL || r->type != REDIS_REPLY_ARRAY)
		return 0;
	for (i = 0; i < r->elements; i++) {
		const redisReply *e = r->element[i];

		for (j = 0; e->type == REDIS_REPLY_ARRAY && j + 1 < e->elements;
		    j += 2)
			if (strcmp(e->element[j]->str, "flags") == 0 &&
			    strcmp(e->element[j + 1]->str, flags) == 0)
				n++;
	}
	return n;
}

/* Returns 1 if sentinel i sees the other sentinels and every replica, healthy. */
static int
ha_sentinel_ready(struct harness_ha *ha, int i)
{
	redisReply *peers, *replicas;
	int ok;

	peers = ha_command(ha->sentinel_port[i], "SENTINEL SENTINELS %s",
	    HARNESS_HA_MASTER);
	replicas = ha_command(ha->sentinel_port[i], "SENTINEL REPLICAS %s",
	    HARNESS_HA_MASTER);
	ok = ha_count_flags(peers, "sentinel") == HARNESS_HA_SENTINELS - 1 &&
	    ha_count_flags(replicas, "slave") == HARNESS_HA_REDIS - 1;
	if (peers != NULL)
		freeReplyObject(peers);
	if (replicas != NULL)
		freeReplyObject(replicas);
	return ok;
}

/* Waits up to HARNESS_WAIT_MS for ready(ha) to say 1; 0 or -1. */
static int
ha_wait(struct harness_ha *ha, int (*ready)(struct harness_ha *))
{
	int64_t end = harness_now_ms() + HARNESS_WAIT_MS;

	while (harness_now_ms() < end) {
		if (ready(ha))
			return 0;
		harness_sleep_ms(50);
	}
	return -1;
}

/* ha_wait condition: the first master has its replicas in sync. */
static int
ha_synced(struct harness_ha *ha)
{
	return ha_replicas_online(ha->redis_port[0]);
}

/* ha_wait condition: every sentinel is ready. */
static int
ha_sentinels_ready(struct harness_ha *ha)
{
	int i;

	for (i = 0; i < HARNESS_HA_SENTINELS; i++)
		if (!ha_sentinel_ready(ha, i))
			return 0;
	return 1;
}

/* Prints every log of ha (after a failure). */
static void
ha_print_logs(struct harness *h)
{
	char path[HARNESS_PATH];
	int i;

	for (i = 0; i < HARNESS_HA_REDIS; i++) {
		snprintf(path, sizeof path, "%s/redis%d.log", h->dir, i);
		print_file("redis log", path);
	}
	for (i = 0; i < HARNESS_HA_SENTINELS; i++) {
		snprintf(path, sizeof path, "%s/sentinel%d.log", h->dir, i);
		print_file("sentinel log", path);
	}
}

/* Starts a replicated Redis behind Sentinel; see harness.h. */
int
harness_ha_start(struct harness *h, struct harness_ha *ha, int down_after_ms,
    int failover_timeout_ms)
{
	int i;

	memset(ha, 0, sizeof *ha);
	/* ha's servers die with this process (spawn), so only h is listed. */
	if (harness_make_dir(h) == -1)
		return -1;
	for (i = 0; i < HARNESS_HA_REDIS; i++)
		if ((ha->redis_port[i] = free_port()) <= 0 ||
		    ha_redis_spawn(h, ha, i) == -1)
			goto fail;
	if (ha_wait(ha, ha_synced) == -1) {
		fprintf(stderr, "harness: replicas not in sync\n");
		goto fail;
	}
	for (i = 0; i < HARNESS_HA_SENTINELS; i++)
		if ((ha->sentinel_port[i] = free_port()) <= 0 ||
		    ha_sentinel_spawn(h, ha, i, down_after_ms,
		    failover_timeout_ms) == -1)
			goto fail;
	if (ha_wait(ha, ha_sentinels_ready) == -1) {
		fprintf(stderr, "harness: sentinels not ready\n");
		goto fail;
	}
	return 0;
fail:
	ha_print_logs(h);
	harness_ha_stop(h, ha);
	return -1;
}

/* Stops one server with SIGTERM, then SIGKILL if it lingers; reaps it. */
static void
ha_stop_one(pid_t *pid)
{
	int status;

	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM);
	if (!wait_exit(*pid, HARNESS_WAIT_MS, &status)) {
		kill(*pid, SIGKILL);
		waitpid(*pid, &status, 0);
	}
	*pid = 0;
}

/* Stops h's daemons, ha's servers and removes the directory; see harness.h. */
int
harness_ha_stop(struct harness *h, struct harness_ha *ha)
{
	int i, rc = 0;

	if (stop_clean(&h->second) == -1)
		rc = -1;
	if (stop_clean(&h->main) == -1)
		rc = -1;
	for (i = 0; i < HARNESS_HA_SENTINELS; i++)
		ha_stop_one(&ha->sentinel_pid[i]);
	for (i = 0; i < HARNESS_HA_REDIS; i++)
		ha_stop_one(&ha->redis_pid[i]);
	if (harness_stop(h) == -1)
		rc = -1;
	return rc;
}

/* Writes d's config pointing at ha's sentinels; see harness.h. */
int
harness_ha_write_config(struct harness *h, struct harness_ha *ha,
    struct harness_daemon *d, const char *name, int wait_replicas,
    int wait_timeout_ms)
{
	char from[HARNESS_PATH + 16], to[512];
	int i, n;

	if (harness_write_config(h, d, name, "") == -1)
		return -1;
	snprintf(from, sizeof from, "unix = \"%s\";", h->redis_sock);
	n = snprintf(to, sizeof to, "sentinels = [");
	for (i = 0; i < HARNESS_HA_SENTINELS; i++)
		n += snprintf(to + n, sizeof to - (size_t)n, "%s\"127.0.0.1:%d\"",
		    i > 0 ? ", " : "", ha->sentinel_port[i]);
	snprintf(to + n, sizeof to - (size_t)n, "]; master = \"%s\"; "
	    "wait_replicas = %d; wait_timeout_ms = %d;", HARNESS_HA_MASTER,
	    wait_replicas, wait_timeout_ms);
	return harness_edit_config(d, from, to);
}

/* The master's port according to the first sentinel that answers, or -1. */
int
harness_ha_master_port(struct harness_ha *ha)
{
	redisReply *r;
	int i, port = -1;

	for (i = 0; port == -1 && i < HARNESS_HA_SENTINELS; i++) {
		r = ha_command(ha->sentinel_port[i],
		    "SENTINEL get-master-addr-by-name %s", HARNESS_HA_MASTER);
		if (r != NULL && r->type == REDIS_REPLY_ARRAY &&
		    r->elements == 2)
			port = atoi(r->element[1]->str);
		if (r != NULL)
			freeReplyObject(r);
	}
	return port;
}

/* The master every sentinel names, or -1 while they disagree; see harness.h. */
int
harness_ha_master_agreed(struct harness_ha *ha)
{
	redisReply *r;
	int i, port, agreed = -1;

	for (i = 0; i < HARNESS_HA_SENTINELS; i++) {
		r = ha_command(ha->sentinel_port[i],
		    "SENTINEL get-master-addr-by-name %s", HARNESS_HA_MASTER);
		port = r != NULL && r->type == REDIS_REPLY_ARRAY &&
		    r->elements == 2 ? atoi(r->element[1]->str) : -1;
		if (r != NULL)
			freeReplyObject(r);
		if (port == -1 || (agreed != -1 && port != agreed))
			return -1;
		agreed = port;
	}
	return agreed;
}

/* Sends sig to ha's Redis server i; see harness.h. */
void
harness_ha_signal(struct harness_ha *ha, int i, int sig)
{
	if (ha->redis_pid[i] <= 0)
		return;
	kill(ha->redis_pid[i], sig);
	if (sig == SIGKILL) {
		waitpid(ha->redis_pid[i], NULL, 0);
		ha->redis_pid[i] = 0;
	}
}

/* Calls and fails the test on an Error answer; returns the answer. */
static Hotline__Envelope *
harness_call_ok(struct hl_client *c, Hotline__Envelope__BodyCase body,
    void *req)
{
	struct hl_error err;
	Hotline__Envelope *rep = harness_call(c, body, req, &err);

	if (rep == NULL)
		fail_msg("%s refused: %s (%s)", hl_body_name(body), err.message,
		    hl_error_name(err.code));
	return rep;
}

/* The daemons' shared clock (Pong.server_time); see harness.h. */
int64_t
harness_server_now(struct hl_client *c)
{
	Hotline__Ping req = HOTLINE__PING__INIT;
	Hotline__Envelope *rep = harness_call_ok(c, BODY(PING), &req);
	int64_t now = rep->pong->server_time;

	hl_envelope_free(rep);
	return now;
}

/* Moves the shared clock forward; see harness.h. */
int64_t
harness_shift_clock(struct hl_client *admin, int64_t ms)
{
	Hotline__ShiftClockRequest req = HOTLINE__SHIFT_CLOCK_REQUEST__INIT;
	Hotline__Envelope *rep;
	int64_t now;

	req.advance_ms = ms;
	rep = harness_call_ok(admin, BODY(SHIFT_CLOCK), &req);
	assert_int_equal(rep->body_case, BODY(PONG));
	now = rep->pong->server_time;
	hl_envelope_free(rep);
	return now;
}

/* Waits until no timer is due by at; see harness.h. */
void
harness_timers_settle(struct harness *h, int64_t at, int wait_ms)
{
	redisContext *rc = harness_redis(h);
	int64_t end = harness_now_ms() + wait_ms;
	redisReply *r;
	long long n;

	assert_non_null(rc);
	for (;;) {
		r = redisCommand(rc, "ZCOUNT ht:timers -inf %lld",
		    (long long)at);
		n = r != NULL && r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
		if (r != NULL)
			freeReplyObject(r);
		if (n == 0)
			break;
		if (harness_now_ms() > end) {
			redisFree(rc);
			fail_msg("%lld timers due by %lld still unfired after "
			    "%d ms", n, (long long)at, wait_ms);
		}
		harness_sleep_ms(10);
	}
	redisFree(rc);
}

/* The daemon's deadline arithmetic; see harness.h. */
int64_t
harness_due(struct hl_client *c, int64_t from, const char *limit)
{
	Hotline__DeadlineRequest req = HOTLINE__DEADLINE_REQUEST__INIT;
	Hotline__Envelope *rep;
	int64_t at;

	req.from = from;
	req.limit = (char *)limit;
	rep = harness_call_ok(c, BODY(DEADLINE), &req);
	assert_int_equal(rep->body_case, BODY(DEADLINE_REPLY));
	at = rep->deadline_reply->due_at;
	hl_envelope_free(rep);
	return at;
}

/* Sends GET path to d's HTTP port; see harness.h. */
char *
harness_http_get(const struct harness_daemon *d, const char *path,
    const char *credential, size_t credlen)
{
	struct sockaddr_in sin;
	char request[512], auth[256] = "", *answer;
	unsigned char b64[200];
	size_t used = 0, size = 65536;
	ssize_t n;
	int fd;

	if (credential != NULL) {
		EVP_EncodeBlock(b64, (const unsigned char *)credential,
		    (int)credlen);
		snprintf(auth, sizeof auth, "Authorization: Basic %s\r\n", b64);
	}
	snprintf(request, sizeof request, "GET %s HTTP/1.0\r\n%s\r\n", path,
	    auth);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)d->http_port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_int_equal(write(fd, request, strlen(request)),
	    (ssize_t)strlen(request));
	answer = calloc(1, size);
	assert_non_null(answer);
	while (used + 1 < size && (n = read(fd, answer + used,
	    size - used - 1)) > 0)
		used += (size_t)n;
	close(fd);
	return answer;
}

/* Reads one unlabelled metric of d's /metrics (as admin01); -1 if absent. */
double
harness_metric(const struct harness_daemon *d, const char *name)
{
	static const char cred[] = "admin01:admin01-test";
	char *page = harness_http_get(d, "/metrics", cred, sizeof cred - 1);
	char needle[128];
	const char *at;
	double v = -1;

	snprintf(needle, sizeof needle, "\n%s ", name);
	if ((at = strstr(page, needle)) != NULL)
		v = strtod(at + strlen(needle), NULL);
	free(page);
	return v;
}
