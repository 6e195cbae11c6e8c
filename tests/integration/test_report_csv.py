#!/usr/bin/python3
"""Checks the quarter report's CSV (hotlinectl report) with Python's csv module, against tickets driven by hand.

Starts its own redis-server and hotlined as test_python_client.py does (its
Servers class), drives four tickets through hotlinectl as agent, department
terminals and dispatcher, then writes the report as supervisor01 and reads it
back after utf-8-sig decoding: the BOM, the header, one row per department, the
indicators computed by hand below, and agreement with `hotlinectl -j ranking`;
then moves the test clock past two open tickets' due time and reads `overdue`
and `timeline` as text.
Prints TAP. Env: HOTLINED, HOTLINECTL, HOTLINE_SRCDIR.
"""

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import test_python_client as base  # pylint: disable=wrong-import-position

HOTLINECTL = os.environ.get("HOTLINECTL") or os.path.join(base.ROOT, "build", "hotlinectl")

HEADER = ["排名", "单位", "得分", "受理/派单量", "按时签收率", "按时办结率", "解决率",
          "满意率", "退单率", "重办率", "平均签收时长(工作小时)", "平均办结时长(工作小时)",
          "超期", "签收超时", "延期", "免考核"]
DEPARTMENTS = {"zjj": "住建局", "sthjj": "生态环境局", "water": "供水公司", "cgj": "城管局"}

# By hand, from the steps in drive(): water received A, B and C, signed all
# three on time, completed A and B on time, A solved; callbacks satisfied (A)
# and basically satisfied (B); C returned. zjj received C (dispatched after
# the return) and D and signed both; nothing completed. Empty: undefined.
EXPECTED = {
    "water": {"受理/派单量": "3", "按时签收率": "100.0", "按时办结率": "100.0",
              "解决率": "50.0", "满意率": "100.0", "退单率": "33.3", "重办率": "0.0",
              "超期": "0", "签收超时": "0", "延期": "0", "免考核": "0",
              "签收": "3", "办结": "2", "退单": "1", "回访满意": "1", "回访基本满意": "1",
              "解决": "1", "平均办结时长(工作小时)": None},
    "zjj": {"受理/派单量": "2", "按时签收率": "100.0", "按时办结率": "", "解决率": "",
            "满意率": "", "退单率": "0.0", "重办率": "", "签收": "2", "办结": "0",
            "平均办结时长(工作小时)": ""},
    "sthjj": {"受理/派单量": "0", "按时签收率": "", "按时办结率": "", "解决率": "",
              "满意率": "", "退单率": "", "重办率": "", "平均签收时长(工作小时)": ""},
    "cgj": {"受理/派单量": "0", "按时签收率": "", "退单率": "", "平均签收时长(工作小时)": ""},
}


def ctl(srv, principal, *args, json_out=False):
    """Runs hotlinectl as principal; returns its output (parsed with json_out) or raises."""
    argv = [HOTLINECTL, "-a", srv.sock, "-u", principal, "-t", principal + "-test",
            "--lang", "zh"]  # the text checked below is Chinese, whatever the locale
    argv += ["-j"] if json_out else []
    proc = subprocess.run(argv + list(args), stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=base.WAIT * 3, cwd=srv.dir, check=False)
    if proc.returncode != 0:
        raise AssertionError("hotlinectl %s %s: exit %d: %s" % (
            principal, " ".join(args), proc.returncode, proc.stderr.decode(errors="replace")))
    out = proc.stdout.decode("utf-8")
    return json.loads(out) if json_out else out


def create(srv, st, title, content, district):
    """Registers a complaint as agent01; returns (number, lead department id)."""
    st["calls"] = st.get("calls", 0) + 1
    made = ctl(srv, "agent01", "create", "--call-id", "report-%d-%d" % (os.getpid(), st["calls"]),
               "--phone", "1391234%04d" % st["calls"], "--district", district,
               "--type", "complaint", "--title", title, "--content", content, json_out=True)
    t = made["ticket"]
    st.setdefault("created_at", int(t["created_at"]))
    return t["number"], t.get("lead_department", {}).get("id", "")


def beijing_quarter(ms):
    """The quarter of ms since the epoch in Beijing time, as a period: "2026-Q4"."""
    day = time.gmtime(ms // 1000 + 8 * 3600)
    return "%d-Q%d" % (day.tm_year, (day.tm_mon + 2) // 3)


def run(srv, st):
    """The test steps, in order; each returns nothing or raises."""
    check = base.check

    def store_ready():
        end = time.monotonic() + base.WAIT
        while True:  # ping exits 0 only once the store is ready
            try:
                if ctl(srv, "agent01", "ping", json_out=True).get("store_ready"):
                    break
            except AssertionError:
                pass
            check(time.monotonic() < end, "store never ready")
            time.sleep(0.05)

    def drive():
        a, lead_a = create(srv, st, "小区停水", "从早上开始停水，报表测试甲。", "鼓楼区")
        b, lead_b = create(srv, st, "水压低", "楼上水压低，热水器打不着火，报表测试乙。", "台江区")
        c, lead_c = create(srv, st, "整栋楼停水", "整栋楼停水三小时，报表测试丙。", "仓山区")
        d, lead_d = create(srv, st, "物业不作为", "物业公司收费不干活，报表测试丁。", "晋安区")
        check([lead_a, lead_b, lead_c, lead_d] == ["water", "water", "water", "zjj"],
              "routing %r" % [lead_a, lead_b, lead_c, lead_d])
        for n in (a, b, c):
            ctl(srv, "water-01", "sign", n)
        ctl(srv, "water-01", "reply", a, "--result", "已恢复供水", "--solved")
        ctl(srv, "water-01", "reply", b, "--result", "已检查加压泵", "--unsolved")
        for n in (a, b):
            ctl(srv, "dispatcher01", "review", n, "--approve")
        ctl(srv, "agent01", "callback", a, "--result", "satisfied")
        ctl(srv, "agent01", "callback", b, "--result", "basic")
        ctl(srv, "water-01", "return", c, "--reason", "楼内管道属物业", "--basis", "供水条例")
        ctl(srv, "dispatcher01", "dispatch", c, "--to", "zjj")
        for n in (c, d):
            ctl(srv, "zjj-01", "sign", n)
        st["period"] = beijing_quarter(st["created_at"])
        st["open"] = [c, d]

    def write_report():
        out = ctl(srv, "supervisor01", "report", "--period", st["period"], "--csv", "report.csv")
        check(out.startswith("12345 热线 %s 季度通报（" % st["period"]), "title %r" % out[:80])
        check("样本不足" in out and "全市合计" in out, "table %r" % out)
        with open(os.path.join(srv.dir, "report.csv"), "rb") as f:
            st["raw"] = f.read()
        check(st["raw"].startswith(b"\xef\xbb\xbf"), "no BOM: %r" % st["raw"][:8])
        st["rows"] = list(csv.reader(io.StringIO(st["raw"].decode("utf-8-sig"), newline="")))

    def header_and_rows():
        raw = st["raw"]
        check(raw.count(b"\r\n") == len(st["rows"]), "every line ends with CRLF")
        check(b"\n" not in raw.replace(b"\r\n", b""), "a bare LF")
        check(st["rows"][0][:len(HEADER)] == HEADER, "header %r" % st["rows"][0])
        check(len(st["rows"]) == 1 + len(DEPARTMENTS), "rows %d" % len(st["rows"]))
        st["by_id"] = {dict(zip(st["rows"][0], r))["单位代码"]: dict(zip(st["rows"][0], r))
                       for r in st["rows"][1:]}
        check(sorted(st["by_id"]) == sorted(DEPARTMENTS), "departments %r" % sorted(st["by_id"]))
        for dept, row in st["by_id"].items():
            check(row["单位"] == DEPARTMENTS[dept], "%s named %r" % (dept, row["单位"]))

    def values_by_hand():
        for dept, want in EXPECTED.items():
            row = st["by_id"][dept]
            for col, val in want.items():
                if val is None:
                    float(row[col])  # defined: a number, whatever the working hours were
                    continue
                check(row[col] == val, "%s %s: %r, not %r" % (dept, col, row[col], val))

    def agrees_with_ranking():
        rank = ctl(srv, "supervisor01", "ranking", "--period", st["period"], json_out=True)
        depts = rank["departments"]
        check([d["department"]["id"] for d in depts] ==
              [r[st["rows"][0].index("单位代码")] for r in st["rows"][1:]], "order differs")
        for d in depts:
            row = st["by_id"][d["department"]["id"]]
            check(row["得分"] == "%.1f" % d.get("score", 0), "score %r vs %r" % (row["得分"], d))
            ranked = not d.get("too_few", False)
            check(row["排名"] == (str(d["rank"]) if ranked else ""), "rank %r" % row["排名"])
            check(ranked or row["备注"] != "", "too few is marked")

    def overdue_after_clock():
        ctl(srv, "admin01", "clock", "--advance", "20d")  # past C's and D's 10wd
        end = time.monotonic() + base.WAIT
        while ctl(srv, "supervisor01", "overdue", json_out=True).get("matched", 0) < 2:
            check(time.monotonic() < end, "C and D never overdue")
            time.sleep(0.05)
        lines = ctl(srv, "supervisor01", "overdue", "--dept", "zjj").splitlines()
        check(len(lines) == 3 and lines[-1] == "（共 2 件）", "overdue %r" % lines)
        for n in st["open"]:
            line = [x for x in lines if x.startswith(n + "  ")]
            check(len(line) == 1 and "住建局 zjj  办结  到期 " in line[0]
                  and re.search(r"  超时 [0-9.]+ 工作小时  ", line[0]),
                  "overdue line of %s: %r" % (n, line))
        out = ctl(srv, "supervisor01", "timeline", st["open"][1])
        check(re.search(r"^  办结 +到期 .*  未完成  超时 [0-9.]+ 工作小时  超时$", out, re.M),
              "timeline %r" % out)

    return [("store ready", store_ready),
            ("four tickets driven as agent, terminals and dispatcher", drive),
            ("report writes a CSV with a BOM and the table's title", write_report),
            ("header, CRLF rows, one row per department", header_and_rows),
            ("indicators match the values computed by hand", values_by_hand),
            ("ranks and scores match hotlinectl -j ranking", agrees_with_ranking),
            ("overdue lists and the timeline after the clock moves", overdue_after_clock)]


def main():
    """Runs the steps and prints TAP; returns the exit status."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    srv = base.Servers()
    st = {}
    failed = 0
    try:
        srv.start()
        steps = run(srv, st)
        print("1..%d" % len(steps))
        for i, (name, step) in enumerate(steps, 1):
            try:
                step()
                print("ok %d - %s" % (i, name))
            except Exception:  # pylint: disable=broad-except
                failed += 1
                print("not ok %d - %s" % (i, name))
                for line in traceback.format_exc().splitlines():
                    print("# " + line)
            sys.stdout.flush()
    except Exception:  # pylint: disable=broad-except
        print("1..1\nnot ok 1 - setup (redis-server, hotlined)")
        for line in traceback.format_exc().splitlines():
            print("# " + line)
        failed = 1
    finally:
        srv.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
