#!/usr/bin/python3
"""Checks hotlinectl's paging (issue 16): every list's --cursor, list --department, and the hint naming the next page.

Starts its own redis-server and hotlined as test_python_client.py does and
runs build/hotlinectl against them: five tickets of one caller wait in
triage, then go to zjj; triage, caller, list --department (as a dispatcher
and a supervisor; a department may not name another) and warnings (the 预警
list) are walked two at a time by following the command the hint prints,
each ticket seen once; the hint names the command as typed, in both
languages. Prints TAP. Env: HOTLINED, HOTLINECTL, HOTLINE_SRCDIR.
"""

import os
import re
import shlex
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import test_python_client as base  # pylint: disable=wrong-import-position
import test_ctl_daily as daily  # pylint: disable=wrong-import-position

N = 5
PAGES_MAX = 10
HINT_EN = re.compile(r"^\(more: the next page is (.*)\)$", re.M)
HINT_ZH = re.compile(r"^（还有：下一页 (.*)）$", re.M)


def walk(srv, principal, argv, numbers):
    """Runs argv as principal, then each command its hint names; returns how often each of numbers was listed."""
    seen = {n: 0 for n in numbers}
    pages = 0
    while argv is not None:
        pages += 1
        base.check(pages <= PAGES_MAX, "more than %d pages" % PAGES_MAX)
        out = daily.ctl(srv, principal, "--lang", "en", *argv)
        for line in out.splitlines():
            first = line.split("  ")[0] if line else ""
            if first in seen:
                seen[first] += 1
        hint = HINT_EN.search(out)
        if hint is None:
            argv = None
            continue
        nxt = shlex.split(hint.group(1))
        base.check(nxt[0] == argv[0] and "--cursor" in nxt, "hint %r after %r" % (nxt, argv))
        argv = nxt
    base.check(pages >= 2, "one page only: %r" % argv)
    return seen


def run(srv, st):
    """The test steps, in order; each returns nothing or raises."""

    def create():
        end = time.monotonic() + base.WAIT
        while daily.run_ctl(srv, "agent01", "ping")[0] != 0:
            base.check(time.monotonic() < end, "store never ready")
            time.sleep(0.05)
        st["numbers"] = []
        for i in range(N):
            made = daily.ctl_json(srv, "agent01", "create", "--call-id",
                                  "paging-%d-%d" % (os.getpid(), i), "--phone", "13900000077",
                                  "--type", "complaint", "--title", "楼道灯",
                                  "--content", "分页：楼道里一直黑着，第%d次来电。" % i)["ticket"]
            base.check(made["state"] == "triage", made)
            st["numbers"].append(made["number"])

    def triage_and_caller():
        seen = walk(srv, "dispatcher01", ["triage", "--limit", "2"], st["numbers"])
        base.check(all(v == 1 for v in seen.values()), "triage: %r" % seen)
        seen = walk(srv, "agent01", ["caller", "13900000077", "--limit", "2"], st["numbers"])
        base.check(all(v == 1 for v in seen.values()), "caller: %r" % seen)

    def department_list():
        for n in st["numbers"]:
            daily.ctl(srv, "dispatcher01", "dispatch", n, "--to", "zjj")
        for who in ("dispatcher01", "supervisor01"):
            seen = walk(srv, who, ["list", "--department", "zjj", "--limit", "2"], st["numbers"])
            base.check(all(v == 1 for v in seen.values()), "%s: %r" % (who, seen))
        rc, _, err = daily.run_ctl(srv, "water-01", "list", "--department", "zjj")
        base.check(rc != 0 and "department" in err, "water listed zjj's: %d %r" % (rc, err))

    def warnings():
        seen = walk(srv, "supervisor01", ["warnings", "--within", "100", "--dept", "zjj",
                                          "--limit", "2"], st["numbers"])
        base.check(all(v >= 1 for v in seen.values()), "warnings: %r" % seen)

    def hint_in_chinese():
        out = daily.ctl(srv, "dispatcher01", "list", "--department", "zjj", "--limit", "2",
                        env={"LANG": "zh_CN.UTF-8"})
        hint = HINT_ZH.search(out)
        base.check(hint is not None, out)
        base.check(hint.group(1).startswith("list --department zjj --limit 2 --cursor "), out)

    return [("five tickets wait in triage", create),
            ("triage and caller page by the hint's command", triage_and_caller),
            ("list --department for dispatchers and supervisors, refused to another department",
             department_list),
            ("warnings page by the hint's command", warnings),
            ("the hint in Chinese names the command as typed", hint_in_chinese)]


if __name__ == "__main__":
    sys.exit(base.main(steps_of=run))
