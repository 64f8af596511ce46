#!/usr/bin/env python3
"""Zero-downtime reload under HTTP load: pm reload (4 copies and 1 copy on a socket pm holds), pm restart
for comparison, and PM2's cluster-mode reload of the same Node.js app, side by side in one run.

Each case: the sample Node.js app (sample_apps/nodejs_app) started under the manager on a loopback
port, wrk (Debian's package) run at rest for --seconds, then again for --seconds with the reload or
restart issued a second in; the figures are wrk's requests, its errors (connect, read, write, timeout,
non-2xx) and its p99 latency, at rest and in the window holding the reload. Every request is on a new
connection (Connection: close), so a refused connection shows as a connect error.

Usage: bench/reload.py [--seconds 8] [--port 18900] [--only pm,pm2]
"""
import argparse, json, os, re, shutil, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

APP = os.path.join(common.ROOT, "sample_apps", "nodejs_app", "app.js")
PM2 = "/tmp/pm-bench-anchors/node_modules/.bin/pm2"


def wrk(port, seconds):
    out = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "-H", "Connection: close",
                          f"http://127.0.0.1:{port}/health"], capture_output=True, text=True, timeout=seconds + 60).stdout
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = int((re.search(r"Non-2xx or 3xx responses: (\d+)", out) or [0, 0])[1])
    requests = int(re.search(r"(\d+) requests in", out)[1])
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    p99ms = float(p99[1]) * {"us": 0.001, "ms": 1, "s": 1000}[p99[2]]
    return {"requests": requests, "errors": errors + non2xx, "p99_ms": p99ms, "raw": out}


def serve(port, timeout=30):
    def up():
        try:
            return subprocess.run(["curl", "-s", "-m", "1", f"http://127.0.0.1:{port}/health"], capture_output=True).returncode == 0
        except OSError:
            return False
    common.wait_until(up, timeout, f"the app answers on {port}", interval=0.2)


def case(label, start, operate, stop, port, seconds):
    try:
        start()
        serve(port)
        time.sleep(1)
        rest = wrk(port, seconds)
        took = {}

        def later():
            time.sleep(1)
            t = time.perf_counter()
            took["code"] = operate()
            took["s"] = time.perf_counter() - t
        worker = threading.Thread(target=later)
        worker.start()
        during = wrk(port, seconds)
        worker.join()
        row = {"case": label, "rest_rps": rest["requests"] / seconds, "rest_p99_ms": rest["p99_ms"], "rest_errors": rest["errors"],
               "during_requests": during["requests"], "during_errors": during["errors"], "during_p99_ms": during["p99_ms"],
               "op_seconds": round(took.get("s", -1), 2), "op_exit": took.get("code")}
        print(json.dumps(row), flush=True)
        return row
    finally:
        stop()


def pm_case(label, copies, socket, verb, port, seconds):
    home = tempfile.mkdtemp(prefix="pm-rl-", dir="/tmp")
    env = dict(os.environ, PM_HOME=home)
    pm = lambda *a: subprocess.run([common.PM, *a], env=env, capture_output=True, text=True, timeout=300).returncode  # noqa: E731
    flags = ["--name", "web", "--port", str(port), "--instances", str(copies)]
    if socket:
        flags += ["--socket", f"tcp://127.0.0.1:{port}"]
    try:
        return case(label, lambda: (pm("register", APP, *flags), pm("start", "web")), lambda: pm(verb, "web"),
                    lambda: pm("kill"), port, seconds)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def pm2_case(port, seconds):
    home = tempfile.mkdtemp(prefix="pm2-rl-", dir="/tmp")
    env = dict(os.environ, PM2_HOME=home, PORT=str(port))
    pm2 = lambda *a: subprocess.run([PM2, *a], env=env, capture_output=True, text=True, timeout=300).returncode  # noqa: E731
    try:
        return case("PM2 7 cluster mode, 4 copies: pm2 reload", lambda: pm2("start", APP, "-i", "4", "--name", "web"),
                    lambda: pm2("reload", "web"), lambda: pm2("kill"), port, seconds)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=8)
    ap.add_argument("--port", type=int, default=18900)
    ap.add_argument("--only", default="pm,pm2")
    a = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("needs wrk: apt-get install -y wrk")
    only = a.only.split(",")
    rows = []
    if "pm" in only:
        rows.append(pm_case("pm, 4 copies, held socket: pm reload", 4, True, "reload", a.port, a.seconds))
        rows.append(pm_case("pm, 1 copy, held socket: pm reload", 1, True, "reload", a.port, a.seconds))
        rows.append(pm_case("pm, 4 copies, held socket: pm restart", 4, True, "restart", a.port, a.seconds))
        rows.append(pm_case("pm, 1 copy on its port: pm restart", 1, False, "restart", a.port, a.seconds))
    if "pm2" in only and os.access(PM2, os.X_OK):
        rows.append(pm2_case(a.port, a.seconds))
    elif "pm2" in only:
        print("PM2 skipped: run bench/install-anchors.sh pm2", file=sys.stderr)
    print()
    print("| case | at rest: req/s, p99 | during: requests, failed, p99 | reload took |")
    print("|---|---|---|---|")
    for r in rows:
        print(f"| {r['case']} | {r['rest_rps']:.0f}, {r['rest_p99_ms']:.1f} ms | {r['during_requests']}, "
              f"{r['during_errors']}, {r['during_p99_ms']:.1f} ms | {r['op_seconds']} s (exit {r['op_exit']}) |")


if __name__ == "__main__":
    main()
