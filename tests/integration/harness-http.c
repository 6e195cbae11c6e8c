/* A plain HTTP/1.0 GET against a daemon's HTTP listener, for tests of /readyz and /metrics. */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "harness-http.h"

/* GET path with an optional Basic credential; see harness-http.h. */
char *
harness_http_get(int port, const char *path, const char *credential)
{
	struct sockaddr_in sin;
	char request[512], auth[256] = "", *answer;
	unsigned char b64[200];
	size_t used = 0, size = 65536;
	ssize_t n;
	int fd;

	if (credential != NULL) {
		EVP_EncodeBlock(b64, (const unsigned char *)credential,
		    (int)strlen(credential));
		snprintf(auth, sizeof auth, "Authorization: Basic %s\r\n", b64);
	}
	snprintf(request, sizeof request, "GET %s HTTP/1.0\r\n%s\r\n", path,
	    auth);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
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
