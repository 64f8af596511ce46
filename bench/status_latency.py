#!/usr/bin/env python3
"""How long `./pm status` takes as a user sees it: the launcher, a fresh JVM, the socket round trip and
the table, with N processes registered and running. Prints a table and writes JSON.

Usage: bench/status_latency.py [--processes 10] [--runs 30] [--out bench/results/status_latency.json]
Runs in a private PM_HOME under /tmp and stops everything it started.
"""
import argparse, json, os, platform, shutil, statistics, subprocess, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PM = os.path.join(ROOT, "pm")


def pm(env, *args):
    subprocess.run([PM, *args], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def timed(env, *args):
    t0 = time.perf_counter()
    pm(env, *args)
    return (time.perf_counter() - t0) * 1000


def time_pairs(env, runs):
    """status and the floor alternately, so that a burst of load elsewhere on the machine hits both alike."""
    status, floor = [], []
    for _ in range(runs):
        status.append(timed(env, "status"))
        floor.append(timed(env, "--version"))
    return status, floor


def summary(name, samples):
    return {"measurement": name, "runs": len(samples), "median_ms": round(statistics.median(samples), 1),
            "min_ms": round(min(samples), 1), "max_ms": round(max(samples), 1)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--processes", type=int, default=10)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--out", default="")
    a = ap.parse_args()
    a.out = a.out or os.path.join(ROOT, "bench", "results", f"status_latency_{a.processes}.json")

    home = tempfile.mkdtemp(prefix="pm-bench-", dir="/tmp")
    env = dict(os.environ, PM_HOME=home, NO_COLOR="1")
    try:
        for i in range(a.processes):
            pm(env, "register", "/bin/sleep", "--name", f"app-{i}", "--type", "binary", "--", "100000")
        pm(env, "start", "--all")
        for _ in range(3):  # warm the page cache and the AOT cache
            pm(env, "status")
        # The floor in the same run: the same launcher and JVM, no socket, no daemon.
        status, floor = time_pairs(env, a.runs)
        rows = [summary(f"pm status, {a.processes} processes running", status),
                summary("pm --version (launcher + JVM floor)", floor)]
        result = {
            "results": rows,
            "machine": {"cpus": os.cpu_count(), "kernel": platform.release()},
            "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
    finally:
        # kill, not daemon stop: daemon stop leaves the apps running, and they would outlive the folder
        subprocess.run([PM, "kill"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(home, ignore_errors=True)
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(result, f, indent=2)
    print(f"{'measurement':40} {'median':>8} {'min':>8} {'max':>8}")
    for r in rows:
        print(f"{r['measurement']:40} {r['median_ms']:>6}ms {r['min_ms']:>6}ms {r['max_ms']:>6}ms")
    print(f"status above the floor: {rows[0]['median_ms'] - rows[1]['median_ms']:.1f} ms (medians)")


if __name__ == "__main__":
    main()
