/* Prints a TCP port on 127.0.0.1 that was free a moment ago, for run.sh's private servers. */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

/* Binds port 0 on loopback and prints the port the kernel chose. */
int
main(int argc, char *argv[])
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	int fd;

	(void)argc;
	bench_set_name(argv[0]);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		bench_die("socket failed");
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		bench_die("no free port on 127.0.0.1");
	close(fd);
	printf("%d\n", ntohs(sin.sin_port));
	return 0;
}
