#!/usr/bin/python3
"""Scrapes /metrics of a real hotlined and parses it with Prometheus's own Python parser.

Starts redis-server and hotlined in a private directory (the servers and the
client of test_python_client.py), sends some requests, fires a timer through
the test clock, then checks the text with prometheus_client's
text_string_to_metric_families (Debian's python3-prometheus-client): family
names and types, labels, histograms cumulative and ending with +Inf equal to
_count; /healthz and /readyz; who may read /metrics (a supervisor's or admin's
credential, or an allowed address after a reload); and what /metrics says with
Redis gone. Prints TAP. Env: HOTLINED, HOTLINE_SRCDIR.
"""

import base64
import http.client
import math
import os
import re
import signal
import socket
import sys
import time

from prometheus_client.parser import text_string_to_metric_families

import test_python_client as tpc

check = tpc.check
WAIT = tpc.WAIT

# Every family /metrics must hold while Redis answers, with its type.
FAMILIES = {
    "hotline_store_ready": "gauge",
    "hotline_store_pending": "gauge",
    "hotline_store_write_pending": "gauge",
    "hotline_store_read_pending": "gauge",
    "hotline_store_read_ready": "gauge",
    "hotline_store_watchdog_drops": "counter",
    "hotline_http_connections": "gauge",
    "hotline_redis_lost": "counter",
    "hotline_connections": "gauge",
    "hotline_connections_accepted": "counter",
    "hotline_calendar_covered": "gauge",
    "hotline_calendar_provisional": "gauge",
    "hotline_calendar_missing_year": "gauge",
    "hotline_timers_fired": "counter",
    "hotline_timer_lag_ms": "gauge",
    "hotline_config_generation": "gauge",
    "hotline_requests": "counter",
    "hotline_errors": "counter",
    "hotline_request_duration_seconds": "histogram",
    "hotline_redis_roundtrip_seconds": "histogram",
    "hotline_timer_lag_seconds": "histogram",
    "hotline_classify_duration_seconds": "histogram",
    "hotline_scrape_redis_ok": "gauge",
    "hotline_tickets": "gauge",
    "hotline_breaches_today": "gauge",
    "hotline_warnings_today": "gauge",
}
STATES = ["registered", "triage", "dispatched", "accepted", "replied", "suspended",
          "awaiting_callback", "closed", "merged", "transferred"]
BREACH_KINDS = ["sign", "complete", "supervision", "callback"]


class Servers(tpc.Servers):
    """The Python client test's servers, remembering hotlined's HTTP port."""

    def write_config(self):
        """Writes the config, then reads back the HTTP port it chose."""
        super().write_config()
        with open(self.conf, encoding="utf-8") as f:
            self.config_text = f.read()
        self.http_port = int(re.search(r'http = \{ address = "127\.0\.0\.1:(\d+)"',
                                       self.config_text).group(1))

    def allow_loopback(self):
        """Rewrites the config with 127.0.0.1 on the allow-list and reloads (SIGHUP)."""
        text = self.config_text.replace('allow = ["192.0.2.1"]', 'allow = ["127.0.0.1"]')
        check(text != self.config_text, "the template's allow-list changed")
        with open(self.conf, "w", encoding="utf-8") as f:
            f.write(text)
        self.hotlined.send_signal(signal.SIGHUP)


def get(srv, path, credential=None):
    """GET path on hotlined's HTTP port; returns (status, headers, body text)."""
    conn = http.client.HTTPConnection("127.0.0.1", srv.http_port, timeout=WAIT)
    try:
        headers = {}
        if credential is not None:
            headers["Authorization"] = "Basic " + base64.b64encode(
                credential.encode()).decode()
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read().decode("utf-8")
    finally:
        conn.close()


def redis(srv, *args):
    """Runs one command on the test's Redis (RESP by hand); returns the reply line."""
    cmd = b"*%d\r\n" % len(args)
    for a in args:
        a = a.encode() if isinstance(a, str) else a
        cmd += b"$%d\r\n%s\r\n" % (len(a), a)
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(WAIT)
        s.connect(srv.redis_sock)
        s.sendall(cmd)
        reply = b""
        while not reply.endswith(b"\r\n"):
            chunk = s.recv(4096)
            check(chunk, "Redis closed the connection")
            reply += chunk
    check(not reply.startswith(b"-"), "Redis: %r" % reply)
    return reply


def shift_clock(srv, pb, advance_ms, token=None):
    """Moves the daemons' test clock forward as admin01 (test_web.py uses it too)."""
    admin = tpc.Conn(pb, srv.sock)
    try:
        admin.hello("admin01", token)
        ans = admin.call(shift_clock=pb.ShiftClockRequest(advance_ms=advance_ms))
        check(ans.WhichOneof("body") == "pong", "shift_clock %s" % ans)
    finally:
        admin.close()


def clean_exit(srv):
    """SIGTERM: hotlined must exit 0; a sanitizer build reports errors and leaks at exit."""
    srv.hotlined.terminate()
    status = srv.hotlined.wait(WAIT)
    log = srv.read_log()
    check(status == 0 and "Sanitizer" not in log, "exit %s: %s" % (status, log[-3000:]))


def parse(text):
    """Parses /metrics; returns {family name: Metric}, checking names are unique and typed."""
    families = {}
    for fam in text_string_to_metric_families(text):
        check(fam.name not in families, "family %s twice" % fam.name)
        # The parser makes an untyped ("unknown") family of any sample its TYPE
        # does not allow.
        check(fam.type not in ("untyped", "unknown"),
              "untyped family %s: %r" % (fam.name, fam.samples))
        families[fam.name] = fam
    return families


def scrape(srv, credential="supervisor01:supervisor01-test"):
    """GET /metrics as a supervisor: checks 200 and the content type; returns the families."""
    status, headers, body = get(srv, "/metrics", credential)
    check(status == 200, "status %d: %s" % (status, body))
    check(headers["Content-Type"].startswith("text/plain; version=0.0.4"),
          "content type %r" % headers["Content-Type"])
    return parse(body)


def value(fams, family, sample, **labels):
    """The value of one sample (by name and exact labels), or None."""
    for s in fams[family].samples if family in fams else []:
        if s.name == sample and s.labels == labels:
            return s.value
    return None


def check_histogram(fam):
    """Per label set: le ascending, counts never falling, +Inf last and equal to _count."""
    series = {}
    for s in fam.samples:
        key = tuple(sorted((k, v) for k, v in s.labels.items() if k != "le"))
        series.setdefault(key, {"buckets": []})
        if s.name == fam.name + "_bucket":
            series[key]["buckets"].append((float(s.labels["le"]), s.value))
        elif s.name in (fam.name + "_count", fam.name + "_sum"):
            series[key][s.name[len(fam.name) + 1:]] = s.value
        else:
            raise AssertionError("%s: unexpected sample %s" % (fam.name, s.name))
    for key, ser in series.items():
        b = ser["buckets"]
        where = "%s%s" % (fam.name, dict(key))
        check(len(b) == 14, "%s: %d buckets" % (where, len(b)))
        check(b[0][0] == 0.0005 and b[-2][0] == 5.0, "%s: bounds %r" % (where, b))
        check(all(b[i][0] < b[i + 1][0] for i in range(len(b) - 1)),
              "%s: le not ascending" % where)
        check(all(b[i][1] <= b[i + 1][1] for i in range(len(b) - 1)),
              "%s: buckets not cumulative %r" % (where, b))
        check(math.isinf(b[-1][0]), "%s: last bucket is not +Inf" % where)
        check("count" in ser and "sum" in ser, "%s: _count or _sum missing" % where)
        check(b[-1][1] == ser["count"], "%s: +Inf %s != _count %s" %
              (where, b[-1][1], ser["count"]))
        check(ser["sum"] >= 0, "%s: _sum %s" % (where, ser["sum"]))
    return series


def wait_for(what, cond):
    """Polls cond() (returning a true value when done) for at most WAIT seconds."""
    end = time.monotonic() + WAIT
    while True:
        got = cond()
        if got:
            return got
        check(time.monotonic() < end, "waited %.0f s for %s" % (WAIT, what))
        time.sleep(0.05)


def run(srv, st):
    """The test steps, in order; each returns nothing or raises."""
    pb = st["pb"]

    def health_open():
        status, _, body = get(srv, "/healthz")
        check(status == 200 and body == "ok\n", "healthz %d %r" % (status, body))
        status, _, body = get(srv, "/nothing")
        check(status == 404, "unknown path %d" % status)

    def metrics_refused():
        for cred in (None, "agent01:agent01-test", "supervisor01:wrong", "nobody:x",
                     "water-01:water-01-test"):
            status, headers, _ = get(srv, "/metrics", cred)
            check(status == 401, "credential %r: status %d" % (cred, status))
            check(headers["WWW-Authenticate"].startswith("Basic"), "no WWW-Authenticate")
        check(get(srv, "/metrics", "admin01:admin01-test")[0] == 200, "admin refused")

    def traffic():
        agent = st["agent"] = tpc.Conn(pb, srv.sock)
        agent.hello("agent01")
        wait_for("store ready", lambda: agent.call(ping=pb.Ping()).pong.store_ready)
        for _ in range(3):
            check(agent.call(ping=pb.Ping()).WhichOneof("body") == "pong", "ping")
        ans = agent.call(classify=pb.ClassifyRequest(title="停水", content="家里停水了"))
        check(ans.WhichOneof("body") == "classified", "classify %s" % ans)
        for i, title in enumerate(("小区停水", "漏水")):
            ans = agent.call(create=pb.CreateRequest(
                call_id="metrics-%d-%d" % (os.getpid(), i), caller_phone="1391234567%d" % i,
                title=title, content=title + "，请尽快处理。", urgency=pb.URGENCY_URGENT,
                type=pb.TICKET_TYPE_HELP))
            check(ans.WhichOneof("body") == "created", "create %s" % ans)
        ans = agent.call(show=pb.ShowRequest(number="20000101999999"))
        check(ans.error.code == pb.ERROR_CODE_NOT_FOUND, "show %s" % ans)

    def timer_fires():
        shift_clock(srv, pb, 2 * 3600 * 1000)
        # The urgent dispatched ticket had 1 h to be signed for: 签收超时.
        wait_for("a fired timer in /metrics", lambda: (
            lambda f: (value(f, "hotline_timers_fired", "hotline_timers_fired_total") or 0) >= 1
            and (value(f, "hotline_timer_lag_seconds", "hotline_timer_lag_seconds_count")
                 or 0) >= 1
            and (value(f, "hotline_breaches_today", "hotline_breaches_today",
                       kind="sign") or 0) >= 1)(scrape(srv)))

    def families_and_types():
        fams = scrape(srv)
        missing = sorted(set(FAMILIES) - set(fams))
        check(not missing, "missing families %s" % missing)
        for name, typ in FAMILIES.items():
            check(fams[name].type == typ, "%s is %s, not %s" % (name, fams[name].type, typ))
            check(fams[name].documentation, "%s has no HELP" % name)
            check(fams[name].samples, "%s has no samples" % name)
        check(value(fams, "hotline_store_ready", "hotline_store_ready") == 1, "store not ready")
        check(value(fams, "hotline_scrape_redis_ok", "hotline_scrape_redis_ok") == 1,
              "scrape_redis_ok")
        check(value(fams, "hotline_connections", "hotline_connections") >= 1, "connections")
        check(value(fams, "hotline_store_read_ready", "hotline_store_read_ready") == 1,
              "the read link is not ready")
        check(value(fams, "hotline_store_read_pending", "hotline_store_read_pending") +
              value(fams, "hotline_store_write_pending", "hotline_store_write_pending") ==
              value(fams, "hotline_store_pending", "hotline_store_pending"),
              "read and write pending do not add up")
        # The scrape's own connection is open while the page is made; three
        # idle ones beside it are counted too, and leave the count when closed.
        http = value(fams, "hotline_http_connections", "hotline_http_connections")
        check(http >= 1, "http connections %r" % http)
        idle = [socket.create_connection(("127.0.0.1", srv.http_port), timeout=WAIT)
                for _ in range(3)]
        wait_for("three more HTTP connections", lambda: value(
            scrape(srv), "hotline_http_connections", "hotline_http_connections") >= http + 3)
        for sock in idle:
            sock.close()
        wait_for("the idle HTTP connections gone", lambda: value(
            scrape(srv), "hotline_http_connections", "hotline_http_connections") <= http)
        check(value(fams, "hotline_requests", "hotline_requests_total", op="ping") >= 4,
              "ping requests")
        check(value(fams, "hotline_errors", "hotline_errors_total",
                    code="ERROR_CODE_NOT_FOUND") >= 1, "NOT_FOUND errors")

    def histograms_hold():
        fams = scrape(srv)
        for name, typ in FAMILIES.items():
            if typ == "histogram":
                check_histogram(fams[name])
        lat = check_histogram(fams["hotline_request_duration_seconds"])
        ops = {dict(k)["op"]: ser for k, ser in lat.items()}
        for op in ("hello", "ping", "classify", "create", "show", "shift_clock"):
            check(op in ops, "no latency for op %s (have %s)" % (op, sorted(ops)))
            # Every request counted was answered before this scrape.
            check(ops[op]["count"] == value(fams, "hotline_requests", "hotline_requests_total",
                                            op=op), "op %s: count differs" % op)
        check(ops["ping"]["count"] >= 4, "ping count %s" % ops["ping"]["count"])
        rt = check_histogram(fams["hotline_redis_roundtrip_seconds"])
        check(rt[()]["count"] >= 5, "redis round trips %s" % rt[()]["count"])
        cl = check_histogram(fams["hotline_classify_duration_seconds"])
        check(cl[()]["count"] >= 3, "classifications %s" % cl[()]["count"])

    def tickets_by_state():
        # The scripts keep ht:stats:states: the urgent 停水 ticket was
        # dispatched, the 漏水 one waits in triage.
        fams = scrape(srv)
        got = {s.labels["state"]: s.value for s in fams["hotline_tickets"].samples}
        check(got["dispatched"] >= 1 and got["triage"] >= 1, "tickets %s" % got)
        redis(srv, "DEL", "ht:stats:states")
        fams = scrape(srv)
        got = {s.labels["state"]: s.value for s in fams["hotline_tickets"].samples}
        check(sorted(got) == sorted(STATES), "states %s" % sorted(got))
        check(all(v == 0 for v in got.values()), "missing key is not all zero: %s" % got)
        redis(srv, "HSET", "ht:stats:states", "3", "7", "4", "2", "8", "40", "99", "5",
              "x", "1")
        fams = scrape(srv)
        got = {s.labels["state"]: s.value for s in fams["hotline_tickets"].samples}
        want = {s: 0 for s in STATES}
        want.update(dispatched=7, accepted=2, closed=40)
        check(got == want, "tickets %s" % got)
        kinds = sorted(s.labels["kind"] for s in fams["hotline_breaches_today"].samples)
        check(kinds == sorted(BREACH_KINDS), "breach kinds %s" % kinds)

    def scrape_waits():
        # Redis holds every command for a while: /metrics waits for its figures.
        redis(srv, "CLIENT", "PAUSE", "500", "ALL")
        gone = socket.create_connection(("127.0.0.1", srv.http_port), timeout=WAIT)
        gone.sendall(b"GET /metrics HTTP/1.0\r\nAuthorization: Basic " +
                     base64.b64encode(b"supervisor01:supervisor01-test") + b"\r\n\r\n")
        gone.close()  # leaves before its answer: hotlined must not mind
        fams = scrape(srv)
        check(value(fams, "hotline_scrape_redis_ok", "hotline_scrape_redis_ok") == 1,
              "scrape did not wait for Redis")
        check(get(srv, "/healthz")[0] == 200, "healthz after a vanished client")

    def readyz_agrees():
        # a provisional calendar is a warning on /metrics, never a 503 (issue 15)
        fams = scrape(srv)
        covered = value(fams, "hotline_calendar_covered", "hotline_calendar_covered")
        provisional = value(fams, "hotline_calendar_provisional",
                            "hotline_calendar_provisional")
        check(provisional == 1 - covered, "provisional %r covered %r" % (provisional, covered))
        status, _, body = get(srv, "/readyz")
        check(status == 200 and body == "ready\n", "readyz %d %r" % (status, body))

    def allow_list():
        before = value(scrape(srv), "hotline_config_generation",
                       "hotline_config_generation")
        check(before == 1, "generation %r before any reload" % before)
        srv.allow_loopback()
        wait_for("127.0.0.1 allowed after SIGHUP",
                 lambda: get(srv, "/metrics")[0] == 200)
        status, _, body = get(srv, "/metrics")
        check(status == 200, "status %d" % status)
        fams = parse(body)
        check("hotline_request_duration_seconds" in fams, "no latency family")
        after = value(fams, "hotline_config_generation", "hotline_config_generation")
        check(after == 2, "generation %r after one reload" % after)

    def redis_gone():
        srv.redis.terminate()
        srv.redis.wait(WAIT)
        fams = wait_for("store_ready 0", lambda: (
            lambda f: f if value(f, "hotline_store_ready", "hotline_store_ready") == 0
            else None)(scrape(srv)))
        check(value(fams, "hotline_scrape_redis_ok", "hotline_scrape_redis_ok") == 0,
              "scrape_redis_ok with Redis gone")
        for name in ("hotline_tickets", "hotline_breaches_today", "hotline_warnings_today"):
            check(name not in fams, "%s without Redis" % name)
        check("hotline_request_duration_seconds" in fams, "process figures missing")
        status, _, body = get(srv, "/readyz")
        check(status == 503 and "Redis" in body, "readyz %d %r" % (status, body))
        check(get(srv, "/healthz")[0] == 200, "healthz with Redis gone")

    return [("/healthz answers anyone; unknown paths 404", health_open),
            ("/metrics refuses without a supervisor's or admin's credential", metrics_refused),
            ("requests from an agent", traffic),
            ("a timer fires after the test clock moves", timer_fires),
            ("every family parses with its type and HELP", families_and_types),
            ("histograms are cumulative, +Inf equals _count, counts match", histograms_hold),
            ("tickets by state from ht:stats:states, zero without it", tickets_by_state),
            ("a scrape waits for a slow Redis; a client leaving meanwhile is harmless",
             scrape_waits),
            ("/readyz agrees with the calendar gauge", readyz_agrees),
            ("an allow-listed address reads /metrics without credential; the "
             "configuration's generation goes from 1 to 2", allow_list),
            ("Redis gone: /metrics without its figures, /readyz 503", redis_gone),
            ("hotlined exits cleanly on SIGTERM", lambda: clean_exit(srv))]


if __name__ == "__main__":
    sys.exit(tpc.main(Servers, run))
