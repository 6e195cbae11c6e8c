#!/usr/bin/python3
"""Checks hotlinectl as people use it all day (issue 18): language, errors, feeds, dispatch --category, ping.

Starts its own redis-server and hotlined as test_python_client.py does (its
Servers class) and runs build/hotlinectl against them: the language from the
locale and --lang; a missing token said without a failed hello in the log; the
nearest command on a typo; -j errors as JSON; a manual dispatch with
--category (a bad code refused, the registration moved in 高频 statistics);
list marks and time left; feed lines that start with the local time and carry
an urge's text, and a return shown as 退单 on the returning department's feed,
also when replayed after the ticket was dispatched again;
report --json writing no CSV; errors (the daemon's and hotlinectl's own) in
Chinese or English, never mixed; and, last, ping exiting non-zero once Redis
is stopped. Prints TAP. Env: HOTLINED, HOTLINECTL, HOTLINE_SRCDIR.
"""

import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import test_python_client as base  # pylint: disable=wrong-import-position

HOTLINECTL = os.environ.get("HOTLINECTL") or os.path.join(base.ROOT, "build", "hotlinectl")
EXIT_USAGE, EXIT_BAD_REQUEST, EXIT_UNAVAILABLE = 2, 11, 16  # hotlinectl(1) EXIT STATUS
LOCAL_TIME = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?: \+08:00)?"


def run_ctl(srv, principal, *args, env=None, token=True):
    """Runs hotlinectl as principal (no -u when None); returns (status, stdout, stderr)."""
    argv = [HOTLINECTL, "-a", srv.sock]
    if principal is not None:
        argv += ["-u", principal] + (["-t", principal + "-test"] if token else [])
    full_env = {k: v for k, v in os.environ.items()
                if k not in ("LANG", "LC_ALL", "LC_MESSAGES", "HOTLINE_LANG", "HOTLINE_TOKEN",
                             "HOTLINE_USER")}
    full_env.update(env if env is not None else {"LC_ALL": "C"})
    proc = subprocess.run(argv + list(args), stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=base.WAIT * 3, cwd=srv.dir, env=full_env, check=False)
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


def ctl(srv, principal, *args, env=None):
    """Runs hotlinectl as principal; returns stdout, or raises unless it exits 0."""
    rc, out, err = run_ctl(srv, principal, *args, env=env)
    base.check(rc == 0, "hotlinectl %s %s: exit %d: %s" % (principal, " ".join(args), rc, err))
    return out


def ctl_json(srv, principal, *args):
    """Runs hotlinectl -j as principal; returns the parsed JSON."""
    return json.loads(ctl(srv, principal, "-j", *args))


def hot_registered(srv, key):
    """Tickets registered this month under category key in `hot --by category`."""
    hot = ctl_json(srv, "supervisor01", "hot", "--by", "category")
    for item in hot.get("items", []):
        if item["key"] == key:
            return int(item.get("counters", {}).get("registered", 0))
    return 0


def run(srv, st):
    """The test steps, in order; each returns nothing or raises."""

    def store_ready():
        end = time.monotonic() + base.WAIT
        while run_ctl(srv, "agent01", "ping")[0] != 0:
            base.check(time.monotonic() < end, "store never ready")
            time.sleep(0.05)

    def language():
        out = ctl(srv, "agent01", "ping", env={"LC_ALL": "C"})
        base.check(out.startswith("pong  server time ") and "store ready" in out, out)
        out = ctl(srv, "agent01", "ping", env={"LANG": "zh_CN.UTF-8"})
        base.check(out.startswith("在线  服务器时间 ") and "存储 就绪" in out, out)
        out = ctl(srv, "agent01", "ping", env={})
        base.check(out.startswith("在线"), "nothing set is Chinese: %r" % out)
        out = ctl(srv, "agent01", "--lang", "en", "ping", env={"LANG": "zh_CN.UTF-8"})
        base.check(out.startswith("pong"), "--lang en wins: %r" % out)
        out = ctl(srv, "agent01", "ping", env={"LC_ALL": "C", "HOTLINE_LANG": "zh"})
        base.check(out.startswith("在线"), "HOTLINE_LANG wins: %r" % out)

    def no_token():
        rc, out, err = run_ctl(srv, "agent02", "ping", token=False)
        base.check(rc == EXIT_USAGE and out == "", "exit %d, %r" % (rc, out))
        base.check("no token: use -t TOKEN or set HOTLINE_TOKEN" in err, err)
        base.check('hello as "agent02"' not in srv.read_log(), "a hello was tried")
        rc, out, err = run_ctl(srv, None, "ping")
        base.check(rc == EXIT_USAGE and "set HOTLINE_USER" in err, "%d %r" % (rc, err))
        rc, out, err = run_ctl(srv, "agent02", "-j", "ping", token=False)
        base.check(rc == EXIT_USAGE and json.loads(out)["error"]["code"] == "usage", out)

    def typo():
        rc, out, err = run_ctl(srv, "agent01", "pnig")
        base.check(rc == EXIT_USAGE and out == "", "exit %d" % rc)
        base.check("unknown command pnig" in err and "`hotlinectl ping`" in err, err)
        base.check(len(err.splitlines()) == 1, "one line, not the usage: %r" % err)
        rc, _, err = run_ctl(srv, "agent01", "dispach")
        base.check(rc == EXIT_USAGE and "`hotlinectl dispatch`" in err, err)
        rc, _, err = run_ctl(srv, "agent01", "zzzzzzzz")
        base.check(rc == EXIT_USAGE and "hotlinectl -h" in err, err)
        rc, out, _ = run_ctl(srv, None, "-h")
        base.check(rc == 0 and all(v in out for v in ("HOTLINE_ADDR", "HOTLINE_USER",
                                                      "HOTLINE_TOKEN")), out)

    def deadline_language():
        args = ("deadline", "--from", "2026-09-30T10:00", "--limit", "5wd")
        out = ctl(srv, "agent01", *args, env={"LANG": "zh_CN.UTF-8"})
        base.check(re.search(r"^  2026-09-30 周三  起算日 +起算日（工作日），不计入", out, re.M)
                   and re.search(r"^  2026-10-01 周四 .*节假日 国庆节", out, re.M)
                   and "第 5 个工作日（共 5 个），下班时 18:00 到期" in out
                   and re.search(r"^[^\n]*2026-10-\d\d 18:00:00 \+08:00 周.$", out, re.M)
                   and not re.search(r"[A-Za-z]{3,}", re.sub(r"\+08:00|民法典", "", out)), out)
        out = ctl(srv, "agent01", "--lang", "en", *args, env={"LANG": "zh_CN.UTF-8"})
        base.check("2026-09-30 Wed" in out and "working day 5 of 5" in out
                   and "not counted (Civil Code art. 201)" in out
                   and not re.search(r"[\u4e00-\u9fff]", re.sub(r"国庆节", "", out)), out)
        # Working hours and natural time: rendered from DeadlineStep's fields.
        args = ("deadline", "--from", "2026-09-30T10:00", "--limit", "9wh")
        out = ctl(srv, "agent01", *args, env={"LANG": "zh_CN.UTF-8"})
        base.check("办公时间内，计入 " in out and re.search(r"节假日 国庆节", out)
                   and re.search(r"\d\d:\d\d 到期", out)
                   and not re.search(r"[A-Za-z]{3,}", out), out)
        out = ctl(srv, "agent01", *args, env={"LANG": "C.UTF-8"})
        base.check("during business hours, counted " in out and "holiday 国庆节" in out
                   and re.search(r"due \d\d:\d\d", out), out)
        out = ctl(srv, "agent01", "deadline", "--from", "2026-09-30T10:00", "--limit", "2h",
                  env={"LANG": "zh_CN.UTF-8"})
        base.check("自然时间：周末和节假日照常计算" in out, out)
        steps = ctl_json(srv, "agent01", *args)["steps"]
        base.check(steps[0]["reason_code"] == "working_hours"
                   and steps[0]["position"] == "during_hours"
                   and steps[0]["reason"].startswith("during business hours"), steps[0])

    def json_errors():
        rc, out, err = run_ctl(srv, "agent01", "-j", "show", "20000101999999")
        base.check(rc == 10 + 4 and err == "", "exit %d, stderr %r" % (rc, err))
        e = json.loads(out)["error"]
        base.check(e["code"] == "not_found" and e["message"] != "", out)
        rc, out, _ = run_ctl(srv, "agent01", "-j", "show", "1")
        e = json.loads(out)["error"]
        base.check(rc == EXIT_BAD_REQUEST and e["field"] == "number", out)
        rc, out, _ = run_ctl(srv, "agent01", "-j", "passwd", "--generate")
        p = json.loads(out)
        base.check(rc == 0 and p["hash"].startswith("$argon2id$") and len(p["token"]) == 32, out)

    def dispatch_category():
        made = ctl_json(srv, "agent01", "create", "--call-id", "daily-%d" % os.getpid(),
                        "--phone", "13900000001", "--type", "complaint", "--title", "楼道灯",
                        "--content", "楼道里一直黑着，没人管。")["ticket"]
        base.check(made["state"] == "triage" and made.get("category", "") == "", made)
        st["number"] = made["number"]
        before = hot_registered(srv, "-")
        base.check(before >= 1, "registered under '-': %d" % before)
        rc, out, _ = run_ctl(srv, "dispatcher01", "-j", "dispatch", made["number"], "--to",
                             "zjj", "--category", "03")
        base.check(rc == EXIT_BAD_REQUEST and json.loads(out)["error"]["field"] == "category",
                   "a major class is refused: %d %r" % (rc, out))
        t = ctl_json(srv, "dispatcher01", "dispatch", made["number"], "--to", "zjj",
                     "--assist", "water", "--category", "030101")["ticket"]
        base.check(t["category"] == "030101" and t["category_name"] == "城乡建设/物业管理/物业服务",
                   t)
        base.check(hot_registered(srv, "-") == before - 1, "still under '-'")
        base.check(hot_registered(srv, "030101") == 1, "not moved to 030101")

    def list_marks():
        ctl(srv, "supervisor01", "urge", st["number"], "请今天回复")
        ctl(srv, "supervisor01", "supervise", st["number"], "限期修复", "--limit", "2wd")
        out = ctl(srv, "zjj-01", "list", env={"LANG": "zh_CN.UTF-8"})
        line = [x for x in out.splitlines() if x.startswith(st["number"])]
        base.check(len(line) == 1, out)
        base.check(re.search(r"签收 \d\d-\d\d \d\d:\d\d 北京时间 前", line[0]) and
                   re.search(r"剩 \d+小时", line[0]) and "催办" in line[0] and
                   re.search(r"督办\(到期 \d\d-\d\d \d\d:\d\d 北京时间\)", line[0]), line[0])
        out = ctl(srv, "zjj-01", "--lang", "en", "list")
        line = [x for x in out.splitlines() if x.startswith(st["number"])]
        base.check(len(line) == 1 and re.search(r"sign by \d\d-\d\d \d\d:\d\d CST", line[0])
                   and "CST)" in line[0] and "北京" not in line[0], out)
        out = ctl(srv, "zjj-01", "show", st["number"], env={"LANG": "zh_CN.UTF-8"})
        base.check(re.search(r"^协办进度 +water 供水公司: 待签收$", out, re.M), out)
        ctl(srv, "water-01", "sign", st["number"])
        out = ctl(srv, "zjj-01", "show", st["number"], env={"LANG": "zh_CN.UTF-8"})
        base.check(re.search(r"^协办进度 +water 供水公司: \d\d-\d\d \d\d:\d\d 已签收$", out,
                             re.M), out)
        base.check(re.search(r"^  %s  supervisor01 \(督办\)  催办  已派单  \[zjj\]  请今天回复  \{催办次数=1\}$"
                             % LOCAL_TIME, out, re.M), "history: %r" % out)

    def feeds():
        out = ctl(srv, "zjj-01", "watch", "--cursor", "0", "--idle", "1",
                  env={"LANG": "zh_CN.UTF-8"})
        lines = out.splitlines()
        urge = [x for x in lines if "  催办  " in x]
        base.check(len(urge) == 1 and re.match(LOCAL_TIME + "  催办  " + st["number"], urge[0])
                   and urge[0].endswith("「请今天回复」"), out)
        ctl(srv, "zjj-01", "return", st["number"], "--reason", "不归本单位", "--basis", "职责清单")
        out = ctl(srv, "zjj-01", "watch", "--cursor", "0", "--idle", "1",
                  env={"LANG": "zh_CN.UTF-8"})
        last = [x for x in out.splitlines() if x.startswith("20")][-1]
        base.check("  退单  " in last and last.endswith("「不归本单位」"), out)
        out = ctl(srv, "zjj-01", "--lang", "en", "watch", "--cursor", "0", "--idle", "1")
        base.check("  returned  " in out.splitlines()[-2], out)
        # Replayed after the ticket moved on, the return still reads as one.
        ctl(srv, "dispatcher01", "dispatch", st["number"], "--to", "water")
        out = ctl(srv, "zjj-01", "watch", "--cursor", "0", "--idle", "1",
                  env={"LANG": "zh_CN.UTF-8"})
        last = [x for x in out.splitlines() if x.startswith("20")][-1]
        base.check("  退单  " in last and last.endswith("「不归本单位」"), out)

    def errors_language():
        # A conflict, a refusal by role and a bad field: the daemon's words in
        # Chinese (state and step in Chinese, no English), or in English.
        zh = {"LANG": "zh_CN.UTF-8"}
        ctl(srv, "agent01", "create", "--call-id", "daily-lang-1", "--phone", "13800000077",
            "--type", "complaint", "--title", "电梯故障", "--content", "电梯坏了")
        number = ctl_json(srv, "agent01", "caller", "13800000077")["tickets"][0]["number"]
        ctl(srv, "zjj-01", "sign", number)
        rc, _, err = run_ctl(srv, "zjj-01", "sign", number, env=zh)
        base.check(rc == 10 + 5 and "工单当前为已签收，不能签收" in err
                   and not re.search(r"[A-Za-z]{3,}", err.replace("hotlinectl", "")), err)
        rc, _, err = run_ctl(srv, "zjj-01", "sign", number, env={"LANG": "C"})
        base.check("cannot sign: the ticket is accepted" in err
                   and not re.search(r"[\u4e00-\u9fff]", err), err)
        rc, out, _ = run_ctl(srv, "zjj-01", "-j", "sign", number)
        e = json.loads(out)["error"]
        base.check(e["code"] == "conflict" and e["state"] == "accepted"
                   and e["message"].startswith("工单当前为")
                   and e["message_en"].startswith("cannot sign"), out)
        rc, _, err = run_ctl(srv, "agent01", "sign", number, env=zh)
        base.check(rc == 10 + 3 and "话务员无权签收" in err, err)
        rc, _, err = run_ctl(srv, "agent01", "create", "--call-id", "daily-lang-2", "--phone",
                             "abc", "--type", "complaint", "--title", "x", "--content", "y",
                             env=zh)
        base.check(rc == EXIT_BAD_REQUEST and "caller_phone 须为 3 至 20 位数字" in err, err)
        # hotlinectl's own usage errors, and a limit in words.
        rc, _, err = run_ctl(srv, "zjj-01", "extend", number, "--by", "9x", "--reason", "r",
                             env=zh)
        base.check(rc == EXIT_USAGE and "--by 9x 不是时限（如 5wd）" in err
                   and "用法：hotlinectl [选项] extend" in err, err)
        out = ctl(srv, "zjj-01", "show", number, env=zh)
        base.check(re.search(r"^办结时限 .* 周.  10个工作日  ", out, re.M), out)

    def report_json_only():
        before = set(os.listdir(srv.dir))
        out = ctl(srv, "supervisor01", "report", "--json")
        json.loads(out)
        base.check(set(os.listdir(srv.dir)) == before, "files written: %r" %
                   (set(os.listdir(srv.dir)) - before))

    def evaluate_language():
        # routing.model is off here: no model, said in Chinese by default.
        out = ctl(srv, "dispatcher01", "evaluate", env={"LANG": "zh_CN.UTF-8"})
        base.check(out.startswith("路由模型：尚无") and "自动派单" in out, out)
        out = ctl(srv, "dispatcher01", "--lang", "en", "evaluate", env={})
        base.check(out.startswith("routing model: none yet"), out)

    def ping_without_store():
        srv.redis.terminate()
        srv.redis.wait(base.WAIT)
        end = time.monotonic() + base.WAIT
        while True:
            rc, out, _ = run_ctl(srv, "agent01", "ping")
            if rc == EXIT_UNAVAILABLE:
                break
            base.check(time.monotonic() < end, "ping exits %d: %r" % (rc, out))
            time.sleep(0.05)
        base.check("store unavailable" in out or out == "", out)

    return [("store ready", store_ready),
            ("the language from the locale, HOTLINE_LANG and --lang", language),
            ("a missing token is said before any hello", no_token),
            ("a typo names the nearest command; -h names the environment", typo),
            ("deadline: Chinese, or English with --lang en", deadline_language),
            ("-j prints errors as JSON, passwd too", json_errors),
            ("dispatch --category: checked, and the registration moves", dispatch_category),
            ("list marks and time left; the lead sees its assists", list_marks),
            ("feeds: local time, the urge's text, a return as 退单", feeds),
            ("report --json writes no CSV", report_json_only),
            ("errors in Chinese, or in English", errors_language),
            ("evaluate: Chinese, or English with --lang en", evaluate_language),
            ("ping exits non-zero when the store is down", ping_without_store)]


if __name__ == "__main__":
    sys.exit(base.main(steps_of=run))
