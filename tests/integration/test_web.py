#!/usr/bin/python3
"""The supervision office's web page and its JSON API, in a real headless Chromium.

Starts redis-server and hotlined (test_metrics.py's servers, with the HTTP
listener), makes a small city's tickets through the protocol (one of them
confidential), then checks the API (sessions in Redis, cookie flags, the op
table's authorization, every answer valid against docs/openapi.json, which
must be what scripts/openapi.py makes of the proto) and drives Debian's
chromium through chromedriver (python3-selenium): a wrong token fails and a
department is refused; the dashboard loads with no console errors; its
ranking equals hotlinectl ranking; a ticket made overdue through the test
clock reaches the overdue list and the live banner without a reload; no
confidential caller appears in the DOM or the API answers. Saves the
dashboard's screenshot as BUILD/test-artifacts/web-dashboard.png.
Prints TAP. Env: HOTLINED, HOTLINECTL, HOTLINE_SRCDIR.
"""

import hashlib
import re
import http.client
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import time

import jsonschema
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

import test_metrics as tm
import test_python_client as tpc

check = tpc.check
WAIT = tpc.WAIT
ROOT = tpc.ROOT
HOTLINECTL = os.environ.get("HOTLINECTL") or os.path.join(ROOT, "build", "hotlinectl")
ARTIFACTS = os.path.join(os.path.dirname(os.path.abspath(tpc.HOTLINED)), "test-artifacts")
SECRET_NAME, SECRET_PHONE = "保密证人甲", "13700001111"
DEMO = "-demo"  # the demo city's tokens are "<principal>-demo"
TICKETS = 400   # tests/eval/set.tsv's lines: about 20 a department


def request(srv, method, path, body=None, cookie=None, headers=None):
    """One request to hotlined's listener (HTTPS verified against srv.ca when the
    servers have one); returns (status, headers, text)."""
    if getattr(srv, "ca", None):
        ctx = ssl.create_default_context(cafile=os.path.join(srv.ca, "ca.pem"))
        conn = http.client.HTTPSConnection("127.0.0.1", srv.http_port, timeout=WAIT,
                                           context=ctx)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", srv.http_port, timeout=WAIT)
    try:
        h = dict(headers or {})
        if cookie:
            h["Cookie"] = "hotline_session=" + cookie
        if body is not None:
            h["Content-Type"] = "application/json"
            body = json.dumps(body)
        conn.request(method, path, body=body, headers=h)
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read().decode("utf-8")
    finally:
        conn.close()


def login(srv, principal, token=None):
    """POST /api/v1/session; returns (status, answer JSON, cookie value or None)."""
    status, headers, text = request(srv, "POST", "/api/v1/session",
                                    {"principal": principal, "token": token or principal + DEMO})
    cookie = None
    for value in headers.get_all("Set-Cookie") or []:
        if value.startswith("hotline_session="):
            cookie = value
    return status, json.loads(text), cookie


class Spec:
    """docs/openapi.json, validating answers against its component schemas."""

    def __init__(self):
        with open(os.path.join(ROOT, "docs", "openapi.json"), encoding="utf-8") as f:
            self.doc = json.load(f)

    def validate(self, schema, value):
        """Raises unless value is valid against components/schemas/<schema>."""
        full = {"$ref": "#/components/schemas/" + schema,
                "components": self.doc["components"]}
        jsonschema.Draft202012Validator(full).validate(value)

    def reply_of(self, path):
        """The schema name of path's 200 answer."""
        ref = self.doc["paths"][path]["get"]["responses"]["200"]["content"][
            "application/json"]["schema"]["$ref"]
        return ref.rsplit("/", 1)[1]


def browser():
    """A headless Chromium (fresh profile, no network of its own) driven by chromedriver."""
    profile = tempfile.mkdtemp(prefix="hotline-chromium-", dir="/tmp")
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--window-size=1440,2400",
                "--lang=zh-CN", "--user-data-dir=" + profile):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    driver.hotline_profile = profile
    return driver


def wait_for(what, cond):
    """test_metrics.py's wait_for, a failing look (an element not there yet) counting as not yet."""
    def quiet():
        try:
            return cond()
        except Exception:  # pylint: disable=broad-except
            return None
    return tm.wait_for(what, quiet)


def table(driver, selector, cells):
    """The rows of selector as lists, read in one script: the page re-renders its tables on live
    events, so rows found by one WebDriver call and read by the next can be gone (stale)."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0]), r => "
        "arguments[1].map(c => c === '@' ? r.getAttribute('data-department') : "
        "(c.startsWith('td') ? (r.querySelector(c) || {}).innerText || '' : "
        "(r.cells[+c] || {}).innerText || '')));", selector, cells)


def text_of(driver, element_id):
    """The visible text of an element, looked up and read in one script (see table)."""
    return driver.execute_script(
        "const e = document.getElementById(arguments[0]); return e ? e.innerText : null;",
        element_id)


def login_form(driver, principal, token):
    """Fills in and sends the page's login form."""
    for field, value in (("login-principal", principal), ("login-token", token)):
        driver.find_element(By.ID, field).clear()
        driver.find_element(By.ID, field).send_keys(value)
    driver.find_element(By.ID, "login-submit").click()


def run(srv, st):
    """The test steps, in order; each returns nothing or raises."""
    pb = st["pb"]
    spec = Spec()
    base = "http://127.0.0.1:%d" % srv.http_port

    def city():
        agent = st["agent"] = tpc.Conn(pb, srv.sock)
        agent.hello("agent01", "agent01" + DEMO)
        wait_for("store ready", lambda: agent.call(ping=pb.Ping()).pong.store_ready)
        with open(os.path.join(ROOT, "tests", "eval", "set.tsv"), encoding="utf-8") as f:
            rows = [line.rstrip("\n").split("\t") for line in f if not line.startswith("#")]
        made = []
        # Every fifth ticket urgent (1 h to sign for); the first also confidential.
        for i, row in enumerate(rows[:TICKETS]):
            ans = agent.call(create=pb.CreateRequest(
                call_id="web-%d-%d" % (os.getpid(), i),
                caller_phone=SECRET_PHONE if i == 0 else "1391234%04d" % i,
                caller_name=SECRET_NAME if i == 0 else "市民%d" % i, confidential=i == 0,
                district=row[2], title=row[0], content=row[1], type=pb.TICKET_TYPE_HELP,
                urgency=pb.URGENCY_URGENT if i % 5 == 0 else pb.URGENCY_NORMAL))
            check(ans.WhichOneof("body") == "created", "create %s" % ans)
            made.append(ans.created.ticket)
        urgent = [t for i, t in enumerate(made) if i % 5 == 0 and
                  t.state == pb.TICKET_STATE_DISPATCHED]
        check(urgent, "no urgent ticket was dispatched")
        st["secret"] = urgent[0].number
        st["urgent"] = [t.number for t in urgent]
        if made[0].state == pb.TICKET_STATE_DISPATCHED:
            check(made[0].number == st["secret"], "the secret ticket is not first")
        else:  # the classifier left it for a dispatcher: make the first dispatched one secret
            check(False, "the confidential ticket was not dispatched: %s" % made[0])
        # Each department's terminal signs for its normal tickets, but not the urgent ones.
        with open(srv.conf, encoding="utf-8") as f:
            conf = f.read()
        st["departments"] = len(set(re.findall(r'\{ id = "([a-z]+)";\s+name = ', conf)))
        terms = {}
        try:
            for i, t in enumerate(made):
                principal = t.lead_department.id + "-01"
                if i % 5 == 0 or t.state != pb.TICKET_STATE_DISPATCHED or \
                        ('id = "%s"' % principal) not in conf or i % 7 == 3:
                    continue
                if principal not in terms:
                    terms[principal] = tpc.Conn(pb, srv.sock)
                    terms[principal].hello(principal, principal + DEMO)
                ans = terms[principal].call(sign=pb.SignRequest(number=t.number, note="已安排"))
                check(ans.WhichOneof("body") == "ticket", "sign %s" % ans)
        finally:
            for term in terms.values():
                term.close()

    def openapi_current():
        out = os.path.join(srv.dir, "openapi.json")
        subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "scripts", "openapi.py"), out],
                       check=True)
        with open(out, encoding="utf-8") as a, \
                open(os.path.join(ROOT, "docs", "openapi.json"), encoding="utf-8") as b:
            check(a.read() == b.read(),
                  "docs/openapi.json is not what scripts/openapi.py makes of the proto: rerun it")

    def sessions():
        status, body, _ = login(srv, "supervisor01", "wrong")
        check(status == 401 and body["error"]["code"] == "unauthenticated", "wrong token %s" % body)
        # Chinese first: message is the Chinese side of the daemon's pair, message_en the English.
        check(body["error"]["message"] == "账号或令牌错误"
              and body["error"]["message_en"] == "unknown principal or wrong token",
              "wrong token's texts %s" % body)
        spec.validate("ErrorAnswer", body)
        status, body, _ = login(srv, "agent01")
        check(status == 403 and body["error"]["code"] == "forbidden", "agent %s" % body)
        status, body, _ = login(srv, "dispatcher01")
        check(status == 403, "dispatcher %d %s" % (status, body))
        status, _, text = request(srv, "GET", "/api/v1/scorecard")
        check(status == 401, "no cookie: %d %s" % (status, text))
        status, body, cookie = login(srv, "supervisor01")
        check(status == 200 and body["principal"] == "supervisor01", "login %s" % body)
        spec.validate("Session", body)
        for flag in ("HttpOnly", "SameSite=Strict", "Max-Age=28800", "Path=/"):
            check(flag in cookie, "cookie lacks %s: %s" % (flag, cookie))
        token = cookie.split(";")[0].split("=", 1)[1]
        st["cookie"] = token
        # Redis keeps the token's hash only, expiring with the session.
        key = "ht:web:session:" + hashlib.sha256(token.encode()).hexdigest()
        check(tm.redis(srv, "GET", key).split(b"\r\n")[1] == b"supervisor01",
              "session not in Redis under its hash")
        ttl = int(tm.redis(srv, "TTL", key)[1:].strip())
        check(0 < ttl <= 28800, "ttl %d" % ttl)
        check(b"ht:web:session:" + token.encode() not in tm.redis(srv, "KEYS", "ht:web:*"),
              "the token itself is stored")
        status, _, text = request(srv, "GET", "/api/v1/session", cookie=token)
        check(status == 200 and json.loads(text)["logged_in"], "whoami %s" % text)
        status, body, cookie = login(srv, "admin01")
        check(status == 200 and body["role"] == "admin", "admin %s" % body)
        # Logging out ends the session in Redis.
        admin = cookie.split(";")[0].split("=", 1)[1]
        status, _, _ = request(srv, "POST", "/api/v1/logout", {}, cookie=admin)
        check(status == 200, "logout %d" % status)
        status, _, _ = request(srv, "GET", "/api/v1/scorecard", cookie=admin)
        check(status == 401, "after logout %d" % status)
        status, _, text = request(srv, "POST", "/api/v1/session", None,
                                  headers={"Content-Type": "text/plain"})
        check(status == 400, "login without JSON %d %s" % (status, text))

    def answers_valid():
        cookie = st["cookie"]
        for path, query in (("/api/v1/scorecard", ""), ("/api/v1/scorecard", "?department=water"),
                            ("/api/v1/hot", "?dimension=district&limit=5"),
                            ("/api/v1/hot", "?dimension=category"),
                            ("/api/v1/overdue", ""), ("/api/v1/overdue", "?within_hours=400"),
                            ("/api/v1/breaches", "?limit=10"),
                            ("/api/v1/timeline", "?number=" + st["secret"])):
            status, headers, text = request(srv, "GET", path + query, cookie=cookie)
            check(status == 200, "%s%s: %d %s" % (path, query, status, text))
            check("script-src 'self'" in headers["Content-Security-Policy"], "no CSP")
            spec.validate(spec.reply_of(path), json.loads(text))
            check(SECRET_NAME not in text and SECRET_PHONE not in text,
                  "%s%s shows the confidential caller" % (path, query))
        status, _, text = request(srv, "GET", "/api/v1/timeline?number=" + st["secret"],
                                  cookie=cookie)
        check(json.loads(text)["ticket"]["confidential"], "the secret ticket is not confidential")
        for query, field in (("/api/v1/hot?dimension=planet", "dimension"),
                             ("/api/v1/hot?limit=-1", "limit"),
                             ("/api/v1/overdue?bogus=1", "bogus"),
                             ("/api/v1/overdue?district=a%00b", ""),
                             ("/api/v1/scorecard?period=2026-13", "period"),
                             ("/api/v1/timeline?number=20000101999999", "number")):
            status, _, text = request(srv, "GET", query, cookie=cookie)
            body = json.loads(text)
            spec.validate("ErrorAnswer", body)
            check(status in (400, 404) and body["error"]["field"] == field,
                  "%s: %d %s" % (query, status, text))
            check(not any(m in body["error"]["message"] + body["error"].get("message_en", "")
                          for m in "\x1e\x1f\x1d"), "%s: a ZH_EN mark left %s" % (query, text))
        status, _, text = request(srv, "GET", "/api/v1/overdue?bogus=1", cookie=cookie)
        body = json.loads(text)["error"]
        check(body["message"] == "bogus: 没有这个参数"
              and body["message_en"] == "bogus: no such parameter", "bogus's texts %s" % text)
        # The op table decides: admins may not watch the feed.
        _, _, admin = login(srv, "admin01")
        status, _, text = request(srv, "GET", "/api/v1/events",
                                  cookie=admin.split(";")[0].split("=", 1)[1])
        check(status == 403 and "watch" in text, "admin events %d %s" % (status, text))

    def wrong_token_fails():
        driver = st["driver"] = browser()
        driver.set_page_load_timeout(WAIT)
        driver.get(base + "/")
        wait_for("the login form", lambda: driver.find_element(By.ID, "login-form").is_displayed())
        login_form(driver, "supervisor01", "wrong")
        wait_for("the error for a wrong token",
                 lambda: "账号或令牌错误" in driver.find_element(By.ID, "login-error").text)
        check(not driver.find_element(By.ID, "dashboard").is_displayed(), "wrong token let in")
        check(not driver.get_cookies(), "a refused login left a cookie: %s" % driver.get_cookies())
        # A department gets its own view, never the supervision page.
        login_form(driver, "zjj-01", "zjj-01" + DEMO)
        wait_for("the department's view loaded", lambda: driver.execute_script(
            "return document.body.dataset.view + document.body.dataset.loaded") ==
            "departmentyes")
        for panel in ("ranking-panel", "hot-panels"):
            check(not driver.find_element(By.ID, panel).is_displayed(), "%s shown" % panel)
        rows = table(driver, "#dept-table tbody tr", ["@"])
        check([r[0] for r in rows] == ["zjj"], "own scorecard")
        names = {r[0].strip() for r in table(
            driver, "#overdue-table tbody tr, #warning-table tbody tr", ["2"])}
        check(names <= {"住建局"}, "other departments' tickets: %s" % names)
        driver.find_element(By.ID, "logout").click()
        wait_for("the login form again", lambda: driver.find_element(By.ID, "login").is_displayed())
        check(not driver.get_cookie("hotline_session"), "the cookie outlived the logout")

    def login_and_load():
        driver = st["driver"]
        login_form(driver, "supervisor01", "supervisor01" + DEMO)
        wait_for("the dashboard", lambda: driver.find_element(By.ID, "dashboard").is_displayed())
        cookie = driver.get_cookie("hotline_session")
        check(cookie and cookie["httpOnly"] and cookie["sameSite"] == "Strict",
              "cookie %s" % cookie)
        driver.get_log("browser")  # the refused logins' 401 and 403 above
        driver.refresh()  # the session holds: straight to the dashboard
        wait_for("the dashboard loaded",
                 lambda: driver.execute_script("return document.body.dataset.loaded") == "yes")
        wait_for("the live feed", lambda: driver.find_element(By.ID, "live-state").text == "已连接")
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        check(not errors, "console errors: %s" % errors)
        paint = driver.execute_script(
            "const p = performance.getEntriesByName('first-contentful-paint')[0];"
            "return p ? p.startTime : null;")
        print("# first contentful paint: %s ms (loopback)" % paint)
        check(driver.execute_script("return typeof echarts") == "object", "ECharts not loaded")

    def ranking_equals_ctl():
        driver = st["driver"]
        period = text_of(driver, "ranking-period").split(" ")[0][:7]
        out = subprocess.run([HOTLINECTL, "-j", "-a", srv.sock, "-u", "supervisor01", "-t",
                              "supervisor01" + DEMO, "ranking", "--period", period],
                             capture_output=True, text=True, timeout=WAIT, check=True).stdout
        want = [(d["department"]["id"], str(d["rank"]) if d.get("rank") else "样本不足",
                 "—" if d.get("too_few") else "%.1f" % d["score"])
                for d in json.loads(out)["departments"]]
        got = [(r[0], r[1].strip(), r[2].strip()) for r in table(
            driver, "#ranking-table tbody tr", ["@", "td.rank", "td.score"])]
        check(got == want and len(got) == st["departments"], "page %s != hotlinectl %s" % (got, want))

    def overdue_live():
        driver = st["driver"]
        driver.execute_script("window.hotlineMarker = 1;")
        check(not driver.find_elements(By.CSS_SELECTOR,
                                       "#overdue-table tr[data-number='%s']" % st["secret"]),
              "the urgent ticket is overdue before the clock moved")
        tm.shift_clock(srv, pb, 2 * 3600 * 1000, "admin01" + DEMO)  # its 1 h to sign for passes
        moved = time.monotonic()
        wait_for("the ticket in the overdue list", lambda: driver.find_elements(
            By.CSS_SELECTOR, "#overdue-table tr[data-number='%s']" % st["secret"]))
        # Every urgent ticket breaches at once: the banner shows the newest of them.
        wait_for("the live banner", lambda: any(n in driver.find_element(
            By.ID, "banner-text").text for n in st["urgent"]))
        check("签收超时" in text_of(driver, "banner-text"), "banner's kind")
        print("# overdue list and banner %.2f s after the clock moved (asked: within 2 s)" %
              (time.monotonic() - moved))
        check(driver.find_element(By.ID, "banner").is_displayed(), "banner hidden")
        check(driver.execute_script("return window.hotlineMarker") == 1, "the page reloaded")
        check(text_of(driver, "today-sign") != "0", "today's sign breaches 0")

    def timeline_click():
        driver = st["driver"]
        # Found and clicked in one script: the overdue list may be re-rendered in between.
        check(driver.execute_script(
            "const a = document.querySelector(arguments[0]); if (a) a.click(); return !!a;",
            "a.ticket[data-number='%s']" % st["secret"]), "the ticket's link is gone")
        wait_for("the timeline", lambda: driver.find_element(By.ID, "timeline").is_displayed())
        check(st["secret"] in text_of(driver, "timeline-title"), "title")
        check(driver.find_elements(By.CSS_SELECTOR, "#timeline-deadlines tbody tr"), "no deadlines")
        dom = driver.page_source
        check(SECRET_NAME not in dom and SECRET_PHONE not in dom,
              "the confidential caller is in the DOM")
        driver.find_element(By.ID, "timeline-close").click()

    def screenshot():
        driver = st["driver"]
        os.makedirs(ARTIFACTS, exist_ok=True)
        driver.find_element(By.ID, "banner-close").click()
        path = os.path.join(ARTIFACTS, "web-dashboard.png")
        check(driver.save_screenshot(path), "screenshot failed")
        check(os.path.getsize(path) > 20000, "screenshot too small")
        print("# screenshot: %s" % path)

    def stream_resumes():
        # The same cursor as watch: from "0" every retained event, each with its id.
        events = events_from(srv, st["cookie"], "0")
        check(any(e[1] == "event" for e in events), "no events from cursor 0: %s" % events)
        last = [e for e in events if e[1] == "event"][-1]
        body = json.loads(last[2])
        spec.validate("Event", body)
        check(body["id"] == last[0], "SSE id %s != event id %s" % (last[0], body["id"]))
        for e in events:
            check(SECRET_NAME not in e[2] and SECRET_PHONE not in e[2], "event shows the caller")
        after = events_from(srv, st["cookie"], None, last_event_id=last[0])
        check(not [e for e in after if e[1] == "event"], "events after the last id: %s" % after)

    def department_view():
        # Item 4: a department logs in to its own view; the op table scopes and refuses.
        status, body, cookie = login(srv, "zjj-01")
        check(status == 200 and body["role"] == "department" and body["department"] == "zjj",
              "zjj-01 %s" % body)
        cookie = cookie.split(";")[0].split("=", 1)[1]
        for path in ("/api/v1/hot", "/api/v1/scorecard?department=water"):
            status, _, text = request(srv, "GET", path, cookie=cookie)
            check(status == 403, "%s as a department: %d %s" % (path, status, text))
        status, _, text = request(srv, "GET", "/api/v1/scorecard", cookie=cookie)
        got = [d["department"]["id"] for d in json.loads(text)["departments"]]
        check(status == 200 and got == ["zjj"], "own scorecard %d %s" % (status, got))
        status, _, text = request(srv, "GET", "/api/v1/overdue", cookie=cookie)
        spec.validate("OverdueReply", json.loads(text))
        depts = {o["ticket"]["lead_department"]["id"] for o in json.loads(text)["tickets"]}
        check(status == 200 and depts <= {"zjj"} and depts, "own overdue %s" % depts)
        events = events_from(srv, cookie, "0")
        check(events and events[0][1] == "watching", "department feed %s" % events[:1])
        for e in events:
            check(e[1] != "event" or json.loads(e[2]).get("ticket", {}).get(
                "lead_department", {}).get("id") in ("zjj", None), "another's event %s" % e[2])

    def any_daemon_serves():
        # A second hotlined on the same Redis knows the session the first one made.
        with open(srv.conf, encoding="utf-8") as f:
            text = f.read()
        port, sock = srv.free_port(), os.path.join(srv.dir, "second.sock")
        text = re.sub(r'address = "127\.0\.0\.1:%d"' % srv.http_port,
                      'address = "127.0.0.1:%d"' % port, text)
        text = re.sub(r'\{ address = "127\.0\.0\.1:\d+"; \}, \{ unix = "[^"]*"',
                      '{ address = "127.0.0.1:%d"; }, { unix = "%s"' % (srv.free_port(), sock),
                      text)
        conf = os.path.join(srv.dir, "second.conf")
        with open(conf, "w", encoding="utf-8") as f:
            f.write(text)
        second = srv.spawn([tpc.HOTLINED, "-d", "-f", conf], os.path.join(srv.dir, "second.log"))
        try:
            other = type("Second", (), {"http_port": port})()
            wait_for("the second hotlined", lambda: request(other, "GET", "/readyz")[0] == 200)
            status, _, text = request(other, "GET", "/api/v1/session", cookie=st["cookie"])
            check(status == 200 and json.loads(text).get("principal") == "supervisor01",
                  "the second daemon: %d %s" % (status, text))
        finally:
            second.terminate()
            second.wait(WAIT)

    def login_rate_limited():
        codes = [login(srv, "supervisor01", "wrong-%d" % i)[0] for i in range(25)]
        check(codes[0] == 401 and codes[-1] == 429, "codes %s" % codes)

    return [("the demo city's tickets through the protocol, one confidential", city),
            ("docs/openapi.json is what scripts/openapi.py makes of the proto", openapi_current),
            ("sessions: cookie flags, kept hashed in Redis, logout, roles", sessions),
            ("every answer is valid against docs/openapi.json; bad queries name the field",
             answers_valid),
            ("browser: a wrong token fails; a department gets its own view, not the supervision "
             "page", wrong_token_fails),
            ("browser: login, the page loads with no console errors", login_and_load),
            ("browser: the ranking equals hotlinectl ranking", ranking_equals_ctl),
            ("browser: a ticket made overdue appears in the list and the banner, no reload",
             overdue_live),
            ("browser: click-through to a ticket's timeline; no confidential caller in the DOM",
             timeline_click),
            ("browser: a screenshot of the dashboard", screenshot),
            ("SSE resumes with Last-Event-ID, the watch cursor", stream_resumes),
            ("a department sees only its own figures, tickets and feed (item 4)",
             department_view),
            ("a second hotlined on the same Redis serves the session", any_daemon_serves),
            ("failed logins are rate-limited like hellos", login_rate_limited),
            ("hotlined exits cleanly on SIGTERM with the page's stream open",
             lambda: tm.clean_exit(srv))]


def events_from(srv, cookie, cursor, last_event_id=None):
    """Reads /api/v1/events until its first heartbeat gap; returns [(id, event, data)]."""
    import socket  # pylint: disable=import-outside-toplevel
    path = "/api/v1/events" + ("?cursor=" + cursor if cursor is not None else "")
    s = socket.create_connection(("127.0.0.1", srv.http_port), timeout=WAIT)
    try:
        req = "GET %s HTTP/1.1\r\nHost: x\r\nCookie: hotline_session=%s\r\n" % (path, cookie)
        if last_event_id:
            req += "Last-Event-ID: %s\r\n" % last_event_id
        s.sendall((req + "\r\n").encode())
        s.settimeout(1.0)
        data = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        except socket.timeout:
            pass  # nothing more for a second: the replay is over
    finally:
        s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    check(b" 200 " in head.split(b"\r\n")[0], "events: %s" % head)
    out = []
    for block in body.decode("utf-8", "replace").split("\n\n"):
        fields = {}
        for line in block.splitlines():
            if ":" in line and not line.startswith(":"):
                k, _, v = line.partition(":")
                fields[k.strip().split()[-1] if k.strip() else k] = v.strip()
        if "event" in fields:
            out.append((fields.get("id"), fields["event"], fields.get("data", "")))
    return out


class Servers(tm.Servers):
    """test_metrics.py's servers running the demo city (conf/hotlined.conf); the browser goes with them.

    The config is the shipped one with only the addresses changed (a free TCP
    port, a unix socket, the private Redis's socket, a free HTTP port), its
    files named by absolute paths, and the test clock switched on.
    """

    def write_config(self):
        """Writes the demo city's config with this test's addresses."""
        conf_dir = os.path.join(ROOT, "conf")
        with open(os.path.join(conf_dir, "hotlined.conf"), encoding="utf-8") as f:
            text = f.read()
        self.http_port = self.free_port()
        for old, new in (
                ('{ address = "127.0.0.1:7345"; }',
                 '{ address = "127.0.0.1:%d"; }, { unix = "%s"; mode = 0660; }' %
                 (self.free_port(), self.sock)),
                ("\nredis = {\n", '\nredis = {\n  unix = "%s";\n' % self.redis_sock),
                ('address = "127.0.0.1:7346";', 'address = "127.0.0.1:%d";' % self.http_port),
                ('catalogue = "catalogue.conf";',
                 'catalogue = "%s";' % os.path.join(conf_dir, "catalogue.conf")),
                ('dir = "calendar";', 'dir = "%s";' % os.path.join(conf_dir, "calendar"))):
            check(text.count(old) == 1, "conf/hotlined.conf: %r not found once" % old)
            text = text.replace(old, new)
        # No archive here (no PostgreSQL): the page reads the live store only.
        text, n = re.subn(r"\narchive = \{.*?\n\};\n", "\n", text, count=1, flags=re.S)
        check(n == 1, "conf/hotlined.conf: no archive group to leave out")
        # Nor the routing model: its training (seconds, more under ASan) is
        # not what this test is about, and a daemon stopping waits for it.
        check(text.count("  model = true;") == 1, "conf/hotlined.conf: no routing.model")
        text = text.replace("  model = true;", "  model = false;")
        text += "\ntesting = { clock_control = true; };\n"
        self.conf = os.path.join(self.dir, "hotlined.conf")
        with open(self.conf, "w", encoding="utf-8") as f:
            f.write(text)

    def stop(self):
        """Quits the browser (and its profile), then the servers."""
        driver = getattr(self, "driver", None)
        if driver is not None:
            driver.quit()
            shutil.rmtree(driver.hotline_profile, ignore_errors=True)
        super().stop()


def main():
    """Runs the steps; the browser is quit with the servers."""
    def steps(srv, st):
        out = run(srv, st)

        def remember_driver(step):
            def wrapped():
                try:
                    step()
                finally:
                    srv.driver = st.get("driver")
            return wrapped
        return [(name, remember_driver(step)) for name, step in out]
    return tpc.main(Servers, steps)


if __name__ == "__main__":
    sys.exit(main())
