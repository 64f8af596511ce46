#!/usr/bin/env python3
"""What pm apply costs against the one-at-a-time commands it replaces, with N /bin/sleep apps:
a new file applied (the apps created and started) against N `pm register` and one `pm start --all`;
the same file applied again (nothing to do) against `pm status`, alternately. Prints medians and ratios
and writes JSON.

Usage: bench/apply.py [--processes 100] [--runs 20] [--out bench/results/apply.json]
Runs in private PM_HOMEs under /tmp and stops everything it started.
"""
import argparse, json, os, shutil, statistics, subprocess, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PM = os.path.join(ROOT, "pm")


def timed(env, *args):
    t0 = time.perf_counter()
    subprocess.run([PM, *args], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - t0) * 1000


def home():
    env = dict(os.environ, PM_HOME=tempfile.mkdtemp(prefix="pm-bench-", dir="/tmp"))
    timed(env, "daemon", "start")
    return env


def done(env):
    subprocess.run([PM, "kill"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shutil.rmtree(env["PM_HOME"], ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--processes", type=int, default=100)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench/results/apply.json"))
    a = ap.parse_args()
    names = ["app%d" % i for i in range(a.processes)]
    folder = tempfile.mkdtemp(prefix="pm-bench-file-", dir="/tmp")
    yaml = os.path.join(folder, "pm.yaml")
    with open(yaml, "w") as f:
        f.write("apps:\n" + "".join('  %s:\n    script: /bin/sleep\n    args: ["1000"]\n    type: binary\n' % n for n in names))
    result = {"processes": a.processes, "runs": a.runs, "load": os.getloadavg()}
    one = home()
    try:
        result["register_and_start_all_ms"] = round(sum(
            [timed(one, "register", "/bin/sleep", "--name", n, "--type", "binary", "--", "1000") for n in names]
            + [timed(one, "start", "--all")]), 1)
    finally:
        done(one)
    env = home()
    try:
        result["apply_new_ms"] = round(timed(env, "apply", "-f", yaml), 1)
        again, status = [], []
        for _ in range(a.runs):
            again.append(timed(env, "apply", "-f", yaml))
            status.append(timed(env, "status"))
        result["apply_unchanged_median_ms"] = round(statistics.median(again), 1)
        result["status_median_ms"] = round(statistics.median(status), 1)
    finally:
        done(env)
        shutil.rmtree(folder, ignore_errors=True)
    result["apply_new_minus_register_ms"] = round(result["apply_new_ms"] - result["register_and_start_all_ms"], 1)
    result["apply_unchanged_over_status"] = round(result["apply_unchanged_median_ms"] / result["status_median_ms"], 2)
    for k, v in result.items():
        print("%-32s %s" % (k, v))
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
