/* Readiness for service managers: systemd's notify protocol (Type=notify), spoken without libsystemd. */
#include <sys/socket.h>
#include <sys/un.h>

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hotlined.h"

/*
 * The protocol is one datagram of "KEY=value" lines to the unix socket named
 * by $NOTIFY_SOCKET (a leading '@' names an abstract socket); systemd
 * documents it as stable and meant to be spoken directly. Linking libsystemd
 * for one sendto() would add a dependency a non-systemd install does not
 * need. Without $NOTIFY_SOCKET (not started by systemd) nothing is sent.
 */

/* Sends state (e.g. "READY=1") to the service manager; 0, or -1 if it could not. */
int
notify_send(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun;
	socklen_t len;
	size_t plen;
	ssize_t n;
	int fd;

	if (path == NULL || path[0] == '\0')
		return 0;
	plen = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || plen >= sizeof sun.sun_path)
		return -1;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, plen);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	n = sendto(fd, state, strlen(state), MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, len);
	close(fd);
	return n == (ssize_t)strlen(state) ? 0 : -1;
}
