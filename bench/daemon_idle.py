#!/usr/bin/env python3
"""The daemon's own cost while it watches N idle processes: CPU (percent of one core, from the daemon's
CPU-time clock over a window) and resident memory. Sampling runs at its default (1 s) unless
--sample-interval is given; every process has no health check and sends no heartbeat, so this is the
floor cost of sampling, timers and the JVM itself.

Usage: bench/daemon_idle.py [--processes 100] [--seconds 60] [--sample-interval 1s]
"""
import argparse, json, os, platform, shutil, subprocess, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PM = os.path.join(ROOT, "pm")
PAGE = os.sysconf("SC_PAGE_SIZE")


def pm(env, *args):
    subprocess.run([PM, *args], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stat(pid):
    """CPU time in ns used by the daemon so far, all threads including those that have ended, read from
    its CPU-time clock (as clock_getcpuclockid(3) makes it: exact to the ns, where utime/stime count 10 ms
    ticks, and where a sum of /proc/PID/task/*/schedstat loses the time of threads that end, so that a
    window could even come out negative), and its resident memory in bytes."""
    ns = time.clock_gettime_ns(((~pid) << 3) | 2)  # CPUCLOCK_SCHED of process pid
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return ns, int(fields[21]) * PAGE


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--processes", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--sample-interval", default="")
    ap.add_argument("--settle", type=float, default=30, help="seconds to wait before measuring")
    ap.add_argument("--out", default="")
    a = ap.parse_args()
    home = tempfile.mkdtemp(prefix="pm-bench-", dir="/tmp")
    env = dict(os.environ, PM_HOME=home, NO_COLOR="1")
    if a.sample_interval:
        env["PM_SAMPLE_INTERVAL"] = a.sample_interval
    try:
        for i in range(a.processes):
            pm(env, "register", "/bin/sleep", "--name", f"idle-{i}", "--type", "binary", "--", "100000")
        pm(env, "start", "--all")
        with open(os.path.join(home, "daemon.pid")) as f:
            daemon = int(f.read())
        time.sleep(a.settle)  # let start-up work and the JIT settle
        t0, (c0, _) = time.monotonic(), stat(daemon)
        time.sleep(a.seconds)
        t1, (c1, rss) = time.monotonic(), stat(daemon)
        cpu = (c1 - c0) / 1e9 / (t1 - t0) * 100
        result = {"measurement": f"daemon idle, {a.processes} processes, sampling every {a.sample_interval or '1s'}",
                  "window_s": round(t1 - t0, 1), "cpu_percent_of_one_core": round(cpu, 3),
                  "rss_mib": round(rss / 2**20, 1), "cpu_ms": round((c1 - c0) / 1e6, 1),
                  "machine": {"cpus": os.cpu_count(), "kernel": platform.release()},
                  "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    finally:
        subprocess.run([PM, "kill"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(home, ignore_errors=True)
    out = a.out or os.path.join(ROOT, "bench", "results", f"daemon_idle_{a.processes}.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(result, f, indent=2)
    print(f"{result['measurement']}: {result['cpu_percent_of_one_core']}% of a core "
          f"({result['cpu_ms']} ms of CPU in {result['window_s']}s), RSS {result['rss_mib']} MiB")


if __name__ == "__main__":
    main()
