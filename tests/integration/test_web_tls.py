#!/usr/bin/python3
"""The HTTP listener under TLS (http.tls): the page, its API and /metrics over HTTPS, the cookie Secure.

Makes a test CA (scripts/make-test-ca.sh), starts redis-server and hotlined
(test_metrics.py's servers) with a tls group in the http group, then checks
with Python's ssl module: answers verify against the CA, plain HTTP gets no
answer, a login's cookie carries Secure, the API answers with it, and
hotlined exits cleanly. Prints TAP. Env: HOTLINED, HOTLINE_SRCDIR.
"""

import json
import os
import socket
import subprocess
import sys

import test_metrics as tm
import test_python_client as tpc
import test_web as tw

check = tpc.check
WAIT = tpc.WAIT


class Servers(tm.Servers):
    """test_metrics.py's servers with TLS on the HTTP listener."""

    def write_config(self):
        """Makes the CA, then adds tls to the http group of the test config."""
        self.ca = os.path.join(self.dir, "ca")
        subprocess.run([os.path.join(tpc.ROOT, "scripts", "make-test-ca.sh"), self.ca],
                       check=True, stdout=subprocess.DEVNULL)
        super().write_config()
        old = 'allow = ["192.0.2.1"]; };'
        check(self.config_text.count(old) == 1, "the template's http group changed")
        self.config_text = self.config_text.replace(old, (
            'allow = ["192.0.2.1"]; tls = { cert = "%s/server.pem"; key = "%s/server.key"; }; };'
            % (self.ca, self.ca)))
        with open(self.conf, "w", encoding="utf-8") as f:
            f.write(self.config_text)


def run(srv, st):
    """The test steps, in order."""
    del st

    def verified():
        status, _, text = tw.request(srv, "GET", "/healthz")
        check(status == 200 and text == "ok\n", "healthz %d %r" % (status, text))
        status, headers, text = tw.request(srv, "GET", "/")
        check(status == 200 and "督办考核" in text, "page %d" % status)
        check("script-src 'self'" in headers["Content-Security-Policy"], "no CSP")

    def plain_refused():
        with socket.create_connection(("127.0.0.1", srv.http_port), timeout=WAIT) as s:
            s.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
            try:
                reply = s.recv(4096)
            except ConnectionResetError:
                reply = b""
        check(not reply.startswith(b"HTTP/1.") or b" 200 " not in reply.split(b"\r\n")[0],
              "plain HTTP answered: %r" % reply[:80])

    def secure_cookie():
        status, headers, text = tw.request(srv, "POST", "/api/v1/session",
                                      {"principal": "supervisor01", "token": "supervisor01-test"})
        check(status == 200, "login %d %s" % (status, text))
        cookie = headers["Set-Cookie"]
        for flag in ("HttpOnly", "SameSite=Strict", "Secure"):
            check(flag in cookie, "cookie lacks %s: %s" % (flag, cookie))
        token = cookie.split(";")[0].split("=", 1)[1]
        status, _, text = tw.request(srv, "GET", "/api/v1/scorecard", cookie=token)
        check(status == 200 and "departments" in json.loads(text), "scorecard %d" % status)

    return [("HTTPS answers verify against the CA; the page and its CSP", verified),
            ("plain HTTP on the TLS port gets no answer", plain_refused),
            ("a login's cookie is Secure under TLS; the API answers with it", secure_cookie),
            ("hotlined exits cleanly on SIGTERM", lambda: tm.clean_exit(srv))]


if __name__ == "__main__":
    sys.exit(tpc.main(Servers, run))
