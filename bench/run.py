#!/usr/bin/env python3
"""Whole-process benchmarks of pm, with PM2 and supervisord measured the same way in the same run.

Usage: bench/run.py [--quick | --smoke] [--only NAME,...] [--repeat N] [--out bench/results]

  --quick    one run of each measurement at small sizes (a smoke test of the whole bench); no CPU window
  --smoke    as --quick, at tiny sizes (about 20 s for pm alone): what the test suite runs so the bench never rots
  --only     managers (pm, pm2, supervisord) and/or measurements (status, memory, cpu, start, stop,
             crash, logs, http) to run; default: everything present
  --repeat   runs per measurement (default 5; 1 with --quick); the 1000-process cases use at most 3

Each manager runs in private folders under /tmp (pm: PM_HOME, PM2: PM2_HOME, supervisord: its own
config, socket and logs), removed at the end, with everything it started stopped, even on Ctrl-C.
PM2 is measured when /tmp/pm-bench-anchors/node_modules/.bin/pm2 exists and supervisord when it is on
PATH (bench/install-anchors.sh installs both). Writes results.json, results.md and SVG charts to --out.
"""
import argparse, json, os, platform, shutil, signal, subprocess, sys, tempfile, time, traceback, zipfile
from contextlib import contextmanager

import common
from common import (ROOT, BenchError, alive, children, cpu_ns, rss_bytes, start_time, summary, timed_ms,
                    wait_until)
from managers import App, Pm, Pm2, ShellLoop, Supervisord, close_all, PM2
import report
import http_bench

HERE = os.path.dirname(os.path.abspath(__file__))
CRASH_APP = os.path.join(HERE, "apps", "crash.sh")
LOG_WRITER = os.path.join(HERE, "apps", "logwriter.py")
sys.path.insert(0, os.path.join(HERE, "apps"))
import logwriter  # noqa: E402

FULL = dict(repeat=5, small=10, mid=100, large=1000, large_repeat=3, settle=20, cpu_window=60, cpu_slice=10,
            crash_up=2, crash_gaps=20, crash_stagger=0, hold=5, log_lines=5_000_000, rotate=50 * 2**20)
QUICK = dict(repeat=1, small=5, mid=10, large=20, large_repeat=1, settle=2, cpu_window=0, cpu_slice=0,
             crash_up=2, crash_gaps=1, crash_stagger=0.5, hold=2.5, log_lines=50_000, rotate=2**20)
SMOKE = dict(QUICK, small=2, mid=3, large=4, settle=0.5, crash_up=1.2, hold=2.5, log_lines=20_000, rotate=2**20)
MEASUREMENTS = ["status", "memory", "cpu", "start", "stop", "crash", "logs", "http"]
MIB = 2**20


class Results:
    def __init__(self):
        self.rows, self.notes, self.curves, self.ratios = {}, [], {}, {}

    def row(self, rid, title, unit):
        return self.rows.setdefault(rid, {"id": rid, "title": title, "unit": unit, "cells": {}})

    def add(self, rid, title, unit, key, samples, note=None):
        c = {"summary": summary(samples)}
        if note:
            c["note"] = note
        self.row(rid, title, unit)["cells"][key] = c
        return c["summary"]

    def fail(self, rid, title, unit, key, why):
        self.row(rid, title, unit)["cells"][key] = {"error": str(why)}
        print(f"    {key}: FAILED: {why}")

    def na(self, rid, title, unit, key, why):
        self.row(rid, title, unit)["cells"][key] = {"na": why}

    def point(self, curve, key, x, s):
        self.curves.setdefault(curve, {}).setdefault(key, []).append((x, s["median"], s["min"], s["max"]))

    def note(self, text):
        print(f"  note: {text}")
        self.notes.append(text)

    def ratio(self, rid, key, over):
        """Notes and keeps the ratio of two managers' medians in one row of this run, if both were measured."""
        cells = self.rows.get(rid, {}).get("cells", {})
        a, b = cells.get(key, {}).get("summary"), cells.get(over, {}).get("summary")
        if not a or not b or b["median"] <= 0:
            return None
        r = a["median"] / b["median"]
        self.ratios[f"{rid}: {key} / {over}"] = round(r, 3)
        self.note(f"{self.rows[rid]['title']}: {key} / {over} = {r:.2f} x "
                  f"({report.fmt(a['median'])} against {report.fmt(b['median'])} {self.rows[rid]['unit']}, this run)")
        return r


R = Results()


def say(msg):
    print(msg, flush=True)


def show(key, s, unit):
    say(f"    {key:12} {report.fmt(s['median'])} {unit} [{report.fmt(s['min'])}–{report.fmt(s['max'])}] (n={s['n']})")


def close(m):
    """Stops everything the manager started and removes its folder; says so if anything outlived it."""
    if not m.closed:
        m.close()
        if m.leftovers:
            R.note(f"{m.label}: still running 10 s after its shutdown, killed: {'; '.join(m.leftovers)}")


@contextmanager
def opened(factory, apps):
    """A manager set up with these apps; closed (everything stopped, its folder removed) on the way out."""
    m = factory()
    try:
        m.setup(apps)
        yield m
    finally:
        close(m)


def sleepers(n):
    return [App(f"sleep-{i}", ["/bin/sleep", "100000"]) for i in range(n)]


def start_and_wait(m, timeout):
    """Times the manager's start-everything command plus polls of its status until every app runs."""
    m.prepare_start()
    t0 = time.perf_counter()
    m.start_all()
    pids = wait_until(m.running_pids, timeout, f"{m.label}: all {len(m.apps)} apps running")
    return (time.perf_counter() - t0) * 1000, pids


def stop_and_wait(m, pids, timeout):
    """Times the manager's stop-everything command until it returns and every app's pid is gone."""
    started = {p: start_time(p) for p in pids.values()}
    t0 = time.perf_counter()
    m.stop_all()
    wait_until(lambda: not any(alive(p, s) for p, s in started.items()), timeout, f"{m.label}: all apps gone")
    return (time.perf_counter() - t0) * 1000


def latency(m, runs, cmd=None):
    cmd = cmd or m.status_cmd()
    for _ in range(3):  # warm the page cache (and pm's AOT cache)
        timed_ms(cmd, m.env)
    return [timed_ms(cmd, m.env) for _ in range(runs)]


def rss_samples(m, n, every):
    out = []
    for i in range(n):
        if i:
            time.sleep(every)
        out.append(rss_bytes(m.daemon_pid()) / MIB)
    return out


# --- the phases: each sets up the processes several measurements share --------------------------------

def phase_status(cfg, mgrs):
    """status latency and daemon RSS with a few processes running; the CLI floors."""
    n, runs = cfg["small"], 4 * cfg["repeat"]
    say(f"== status latency, {n} processes ({runs} runs each after 3 warm-up runs)")
    rid, title = "status_small", f"`status` latency, {n} processes"
    for key, factory in mgrs:
        try:
            with opened(factory, sleepers(n)) as m:
                start_and_wait(m, 120)
                s = R.add(rid, title, "ms", key, latency(m, runs),
                          note={"pm": "`pm status`", "pm2": "`pm2 status`", "supervisord": "`supervisorctl status`"}[key])
                show(key, s, "ms")
                R.point("status", key, n, s)
                if m.json_status_cmd():
                    s = R.add("status_json_small", f"`status` as JSON, {n} processes", "ms", key,
                              latency(m, runs, m.json_status_cmd()),
                              note="`pm status --json`" if key == "pm" else "`pm2 jlist`")
                    show(key + " json", s, "ms")
                floor = {"pm": [common.PM, "--version"], "pm2": [PM2, "-v"], "supervisord": ["supervisorctl", "-h"]}[key]
                s = R.add("floor", "CLI floor: start-up only, no daemon asked", "ms", key, latency(m, runs, floor),
                          note=f"`{os.path.basename(floor[0])} {floor[1]}`")
                show(key + " floor", s, "ms")
                s = R.add("rss_small", f"daemon RSS, {n} idle processes", "MiB", key, rss_samples(m, 3, 0.5))
                R.point("rss", key, n, s)
        except BenchError as e:
            R.fail(rid, title, "ms", key, e)
    R.na("status_json_small", f"`status` as JSON, {n} processes", "ms", "supervisord", "no JSON output")


def phase_start_stop(cfg, mgrs):
    n, reps = cfg["mid"], cfg["repeat"]
    say(f"== start and stop {n} processes ({reps} runs each)")
    variants = []
    for key, factory in mgrs:
        variants.append((key, factory, "start_mid", f"start {n} processes until all are reported running"))
        if key == "supervisord":
            variants.append((key, lambda: Supervisord(startsecs=0), "start_mid_startsecs0",
                             f"start {n} processes, supervisord with startsecs=0"))
    for key, factory, rid, title in variants:
        stop_rid, stop_title = f"stop_mid{rid[9:]}", f"`stop --all`, {n} processes, until all are gone"
        starts, stops = [], []
        try:
            with opened(factory, sleepers(n)) as m:
                for _ in range(reps):
                    ms, pids = start_and_wait(m, 300)
                    starts.append(ms)
                    time.sleep(1)
                    stops.append(stop_and_wait(m, pids, 300))
                    time.sleep(0.5)
        except BenchError as e:
            R.fail(rid, title, "ms", key, e)
            continue
        show(key + " start", R.add(rid, title, "ms", key, starts, note=start_note(key, m)), "ms")
        if rid == "start_mid":  # the stop of the startsecs=0 variant is the same stop: not shown twice
            show(key + " stop", R.add(stop_rid, stop_title, "ms", key, stops, note=stop_note(key)), "ms")


def start_note(key, m):
    return {"pm": "`pm start --all`, then `pm status --json` until all are running",
            "pm2": "`pm2 start ecosystem.config.js` (apps deleted before each run), then `pm2 jlist` until all are online",
            "supervisord": f"`supervisorctl start all` (returns once all are RUNNING), startsecs={'1 (default)' if getattr(m, 'startsecs', None) is None else m.startsecs}, then `supervisorctl status`"}[key]


def stop_note(key):
    return {"pm": "`pm stop --all` (SIGTERM)", "pm2": "`pm2 stop all` (PM2 sends SIGINT by default)",
            "supervisord": "`supervisorctl stop all` (SIGTERM)"}[key]


def phase_idle(cfg, mgrs):
    """Daemon RSS and CPU at rest with mid processes, all managers at once (they are idle), then status."""
    n = cfg["mid"]
    win, slice_ = cfg["cpu_window"], cfg["cpu_slice"]
    say(f"== at rest, {n} processes: settle {cfg['settle']} s" + (f", CPU over {win} s" if win else ", no CPU window (--quick)"))
    opened_ = []
    try:
        for key, factory in mgrs:
            m = factory()
            opened_.append((key, m))
            try:
                m.setup(sleepers(n))
                start_and_wait(m, 300)
            except BenchError as e:
                R.fail("rss_mid", f"daemon RSS, {n} idle processes", "MiB", key, e)
                close(m)
        live = [(k, m) for k, m in opened_ if not m.closed]
        time.sleep(cfg["settle"])
        rss = {k: [] for k, _ in live}
        if win:
            cpu = {k: [] for k, _ in live}
            pids = {k: m.daemon_pid() for k, m in live}
            first = last = {k: (time.monotonic(), cpu_ns(pids[k])) for k, _ in live}
            for _ in range(int(win // slice_)):
                time.sleep(slice_)
                now = {k: (time.monotonic(), cpu_ns(pids[k])) for k, _ in live}
                for k, m in live:
                    cpu[k].append((now[k][1] - last[k][1]) / 1e9 / (now[k][0] - last[k][0]) * 100)
                    rss[k].append(rss_bytes(pids[k]) / MIB)
                last = now
            for k, _ in live:
                whole = (last[k][1] - first[k][1]) / 1e9 / (last[k][0] - first[k][0]) * 100
                s = R.add("cpu_mid", f"daemon CPU at rest, {n} processes, over {win} s", "% of one core", k, [whole],
                          note=f"{(last[k][1] - first[k][1]) / 1e6:.1f} ms of CPU in {last[k][0] - first[k][0]:.1f} s")
                show(k + " cpu", s, "%")
                R.add("cpu_mid_slices", f"daemon CPU at rest, {n} processes, per {slice_} s slice", "% of one core",
                      k, cpu[k], note="slices in order: " + ", ".join(f"{x:.3f}" for x in cpu[k]) + " %")
        else:
            for k, m in live:
                rss[k] = rss_samples(m, 3, 0.5)
        for k, _ in live:
            s = R.add("rss_mid", f"daemon RSS, {n} idle processes", "MiB", k, rss[k])
            R.point("rss", k, n, s)
            show(k + " rss", s, "MiB")
        runs = 4 * cfg["repeat"]
        for k, m in live:
            s = R.add("status_mid", f"`status` latency, {n} processes", "ms", k, latency(m, runs))
            R.point("status", k, n, s)
            show(k + " status", s, "ms")
    finally:
        for _, m in opened_:
            close(m)
    R.ratio("cpu_mid", "pm", "supervisord")
    R.ratio("cpu_mid", "pm", "pm2")
    R.note(f"At rest ({n} processes): the managers ran side by side (each idle, each measured in its own "
           f"/proc), after {cfg['settle']} s to settle; RSS is VmRSS of the daemon process alone "
           "(pm: the JVM; PM2: the God daemon; supervisord: its Python process).")


def phase_large(cfg, mgrs):
    n, reps = cfg["large"], min(cfg["repeat"], cfg["large_repeat"])
    say(f"== {n} processes ({reps} runs where repeated)")
    start_t, status_t, rss_t, stop_t = (f"start {n} processes until all are reported running",
                                        f"`status` latency, {n} processes", f"daemon RSS, {n} idle processes",
                                        f"`stop --all`, {n} processes, until all are gone")
    for key, factory in mgrs:
        try:
            with opened(factory, sleepers(n)) as m:
                try:
                    ms, pids = start_and_wait(m, 600)
                    show(key + " start", R.add("start_large", start_t, "ms", key, [ms]), "ms")
                except BenchError as e:
                    if key != "pm":
                        raise
                    R.fail("start_large", start_t, "ms", key, e)
                    pids = start_one_by_one(m, n)
                time.sleep(cfg["settle"] / 2)
                s = R.add("rss_large", rss_t, "MiB", key, rss_samples(m, 3, 1))
                R.point("rss", key, n, s)
                show(key + " rss", s, "MiB")
                try:
                    s = R.add("status_large", status_t, "ms", key, latency(m, 4 * reps))
                    R.point("status", key, n, s)
                    show(key + " status", s, "ms")
                except BenchError as e:
                    R.fail("status_large", status_t, "ms", key, e)
                try:
                    show(key + " stop", R.add("stop_large", stop_t, "ms", key, [stop_and_wait(m, pids, 600)]), "ms")
                except BenchError as e:
                    R.fail("stop_large", stop_t, "ms", key, e)
        except BenchError as e:
            R.fail("rss_large", rss_t, "MiB", key, e)
    R.note(f"{n} processes: one start and one stop each; status latency over {4 * reps} runs; "
           "RSS read 3 times 1 s apart.")


def start_one_by_one(m, n):
    """pm only, when `start --all` fails: `pm start NAME` for each app (4 at a time), then waits until the
    daemon has n children, read from /proc, so that the measurements that do not need the failed command
    can still be taken."""
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(4) as pool:
        # check=False: `start --all` may have started some or all of them before it failed
        list(pool.map(lambda a: common.run([common.PM, "start", a.name], env=m.env, check=False), m.apps))
    daemon = m.daemon_pid()
    kids = wait_until(lambda: (k := children(daemon)) and len(k) >= n and k, 120, f"{n} children of the daemon", 0.2)
    R.note(f"pm, {n} processes: `start --all` failed, so the apps were started one by one (`pm start NAME`) "
           "and counted in /proc, to measure the daemon's RSS all the same.")
    return {str(p): p for p in kids}


def gaps_of(path):
    """(gaps in ms, number of starts) from a crash app's stamp file: each next start minus the exit before."""
    try:
        with open(path) as f:
            ev = [(kind, float(t)) for kind, t in (line.split() for line in f if line.strip())]
    except FileNotFoundError:
        return [], 0
    gaps = [(b[1] - a[1]) * 1000 for a, b in zip(ev, ev[1:]) if a[0] == "E" and b[0] == "S"]
    return gaps, sum(1 for kind, _ in ev if kind == "S")


def crash_run(cfg, mgrs, work, up, gaps, rid, title, stagger=0.0):
    """Runs the crash app under every manager (one after the other, or side by side `stagger` seconds
    apart) until each has restarted it `gaps` times."""
    todo, failed = [], set()
    try:
        for key, factory in mgrs:
            stamps = os.path.join(work, f"crash-{rid}-{key}.txt")
            m = factory()
            todo.append((key, m, stamps))
            try:
                m.setup([App("crash", [CRASH_APP, stamps, str(up)])])  # each manager's default settings
                m.start_all()
                if not stagger:
                    wait_until(lambda: gaps_of(stamps)[1] > gaps, (gaps + 1) * (up + 5) + 30,
                               f"{m.label}: {gaps} restarts", 0.05)
                    close(m)
                else:
                    time.sleep(stagger)
            except BenchError as e:
                R.fail(rid, title, "ms", key, e)
                failed.add(key)
                close(m)
        for key, m, stamps in todo:
            if not m.closed:
                try:
                    wait_until(lambda: gaps_of(stamps)[1] > gaps, (gaps + 1) * (up + 5) + 30,
                               f"{m.label}: {gaps} restarts", 0.05)
                except BenchError as e:
                    R.fail(rid, title, "ms", key, e)
                    failed.add(key)
                close(m)
    finally:
        for _, m, _ in todo:
            close(m)
    for key, m, stamps in todo:
        g = gaps_of(stamps)[0][:gaps]
        if len(g) == gaps and key not in failed:
            s = R.add(rid, title, "ms", key, g, note="gaps in order: " + ", ".join(f"{x:.1f}" for x in g) + " ms")
            show(key, s, "ms")


def phase_crash(cfg, mgrs, work):
    # The loop first, right before pm: the target is a ratio of the two, and this machine's speed drifts
    # over minutes (the loop's median moved between 1.8 and 2.7 ms in one day).
    mgrs = [("baseline", ShellLoop)] + [(k, f) for k, f in mgrs]
    up, n = cfg["crash_up"], cfg["crash_gaps"]
    st = cfg["crash_stagger"]
    say(f"== crash-to-restart gap: an app up {up} s that exits 1, {n} gaps each"
        + (f", the managers side by side, {st} s apart" if st else ""))
    crash_run(cfg, mgrs, work, up, n, "crash_gap", f"crash-to-restart gap, app up {up} s", stagger=st)
    R.ratio("crash_gap", "pm", "baseline")
    R.note(f"Crash gap: next start minus the previous exit, both stamped by the app itself (`date +%s.%N`). "
           "Every manager with its default settings. pm: policy on-failure, --restart-delay 100ms (a run of 1 s or "
           "more is stable, so each crash is the first in a row: restarted at once). PM2: autorestart, restart_delay 0 "
           "(min_uptime 1 s: a 2 s run is stable). supervisord: autorestart=unexpected, exit 1 is unexpected "
           "(startsecs 1: a 2 s run is RUNNING); it restarts an exited program on the pass of its main loop after "
           "the one that reaps it, and between passes it polls with a 1 s timeout (supervisord.py runforever: "
           "transition() runs before reap()), hence about 1 s. baseline: `while true; do app; done` in /bin/sh.")


def file_sizes(paths):
    """(path, size) of each file that exists: a manager's rotation may remove one between the listing
    and the look (supervisord, with its backups full)."""
    out = []
    for f in paths:
        try:
            out.append((f, os.path.getsize(f)))
        except FileNotFoundError:
            pass
    return out


def land(files, stamp, nbytes, timeout):
    """Waits until the writer is done and its nbytes all are in the log files. Returns (start, landed,
    writer_end, total) in time.time() seconds; landed is when the last byte was seen (or the last
    change, if the log never reaches nbytes: lost lines)."""
    deadline = time.monotonic() + timeout
    last_total, last_change = -1, time.time()
    while True:
        total = sum(size for _, size in file_sizes(files()))
        now = time.time()
        if total != last_total:
            last_total, last_change = total, now
        try:
            with open(stamp) as f:
                st = [float(x) for x in f.read().split()]
        except (FileNotFoundError, ValueError):
            st = []
        if len(st) == 2 and total >= nbytes:  # more: a rotation copying out the front of the live file
            return st[0], now, st[1], total
        if len(st) == 2 and now - last_change > 5:
            return st[0], last_change, st[1], total
        if time.monotonic() > deadline:
            raise BenchError(f"the log did not reach {nbytes} bytes within {timeout}s (at {total})")
        time.sleep(0.005)


def settled(files, rotate, give_up_at, timeout=60):
    """Waits until no log file changed for 1.5 s and no rotation is due (the live file is under the
    size), or, after give_up_at (time.time()), for a live file that stays above it. Returns when
    (time.time()) the files last changed and their sizes, oldest first."""
    deadline, prev, since, changed = time.monotonic() + timeout, None, time.monotonic(), time.time()
    while time.monotonic() < deadline:
        cur = file_sizes(files())
        if cur != prev:
            prev, since, changed = cur, time.monotonic(), time.time()
        elif time.monotonic() - since > 1.5 and (not rotate or not cur or cur[-1][1] <= rotate
                                                  or time.time() > give_up_at):
            return changed, [size for _, size in cur]
        time.sleep(0.05)
    raise BenchError(f"the log files were still changing {timeout}s after the writer ended")


def check_lines(data, expected, lines):
    """Lines lost or repeated (0 when the log is byte for byte what was written)."""
    if data == expected:
        return 0, ""
    seen = {}
    for line in data.split(b"\n"):
        if line[:10].isdigit():
            seen[int(line[:10])] = seen.get(int(line[:10]), 0) + 1
    lost = lines - sum(1 for i in seen if i < lines)
    dup = sum(c - 1 for c in seen.values())
    return lost + dup, f"{lost} lost, {dup} repeated, {len(data)} bytes of {len(expected)}"


def phase_logs(cfg, mgrs, work):
    lines = cfg["log_lines"]
    nbytes = lines * logwriter.LINE
    rot, reps, mb = cfg["rotate"], cfg["repeat"], f"{nbytes / 1e6:.0f} MB"
    say(f"== log throughput: {mb} of 100-byte lines to stdout ({reps} rounds, each case once a round)")
    expected = logwriter.content(lines)
    factories = dict(mgrs)
    # (row, title, rotation size, files kept, manager): every case once per round, so that a slow spell of
    # the shared machine (page reclaim, writeback, other jobs) falls on all of them alike.
    cases = [("logs_norot", f"log throughput, {mb}, no rotation", 0, None, k) for k in list(factories) + ["baseline"]]
    rot_title = f"log throughput, {mb}, rotation at {rot // MIB} MiB"
    cases += [("logs_rot", rot_title, rot, 20, k) for k in factories if k != "pm2"]
    if "pm2" in factories:
        R.na("logs_rot", rot_title, "MB/s", "pm2", "no built-in rotation (the pm2-logrotate module)")
    runs = {c: {"speeds": [], "lost": [], "details": [], "rotations": [], "error": None} for c in cases}
    log_case(cfg, work, nbytes, expected, lines, 0, None, "baseline", None)  # warm-up, not counted
    for _ in range(reps):
        for case in cases:
            rid, title, rotate, keep, key = case
            if runs[case]["error"]:
                continue
            try:
                speed, lost, detail, rotation = log_case(cfg, work, nbytes, expected, lines, rotate, keep, key,
                                                         factories.get(key))
            except BenchError as e:
                runs[case]["error"] = e
                R.fail(rid, title, "MB/s", key, e)
                continue
            runs[case]["speeds"].append(speed)
            runs[case]["lost"].append(lost)
            runs[case]["details"] += [detail] if detail else []
            runs[case]["rotations"] += [rotation] if rotation else []
    for (rid, title, rotate, keep, key), got in runs.items():
        if got["error"]:
            continue
        note = {"pm": f"--max-log-size {rotate}B" + (f" --log-files {keep}" if keep else ""),
                "pm2": "default (no rotation)",
                "supervisord": f"stdout_logfile_maxbytes={rotate}" + (f", backups={keep}" if keep else ""),
                "baseline": "the same writer with `> file`"}[key]
        for i, (after, sizes) in enumerate(got["rotations"]):
            note += (f"; run {i + 1}: {len(sizes) - 1} rotated files, sizes "
                     + " ".join(f"{x / 1e6:.0f}" for x in sizes) + " MB (oldest first, live last)"
                     + (f", the last rotation {after:.2f} s after the last byte" if len(sizes) > 1 else "")
                     + (", the live file still above the size" if sizes and sizes[-1] > rotate else ""))
        show(f"{key} {'rot' if rotate else 'no rot'}", R.add(rid, title, "MB/s", key, got["speeds"], note=note), "MB/s")
        R.add(rid.replace("logs", "lost"), title.replace("log throughput", "lines lost or repeated"),
              f"of {lines} lines", key, got["lost"], note="; ".join(got["details"]) or None)
    R.note(f"Log throughput: MB/s = {mb} / (time the last byte is in the log files - the writer's own start "
           "stamp). The writer (bench/apps/logwriter.py) writes numbered 100-byte lines in 1 MB writes; the log "
           "files (rotated ones oldest first, then the live one) are compared byte for byte with what was written. "
           "pm: the app writes to the file itself; PM2 and supervisord read a pipe and copy. The cases take turns "
           "(one run of each per round, after an untimed warm-up run), each after a sync. With rotation, 20 "
           f"rotated files are kept so none is dropped, and the writer stays up {cfg['hold']} s after its last "
           "byte, since pm checks the logs of running apps only, every 2 s (PM_LOG_CHECK_INTERVAL); the "
           "throughput still ends at the last byte.")


def log_case(cfg, work, nbytes, expected, lines, rotate, keep, key, factory):
    """One run of the writer under one manager (or `> file` for the baseline). Returns MB/s, lines lost or
    repeated, what went wrong if anything, and for rotation (seconds from the last byte to the last
    rotation, file sizes)."""
    stamp = os.path.join(work, "writer.stamp")
    if os.path.exists(stamp):
        os.remove(stamp)
    os.sync()  # no dirty pages left by the run before (writeback throttling would slow this one)
    time.sleep(0.5)
    hold = cfg["hold"] if rotate else 0  # pm rotates the logs of running apps only
    app = App("writer", [sys.executable, LOG_WRITER, str(lines), stamp] + ([str(hold)] if hold else []),
              restart=False, rotate=rotate, keep=keep, startsecs=0)
    if key == "baseline":
        return (*log_baseline(app, work, nbytes, expected, lines), None)
    with opened(factory, [app]) as m:
        m.start_all()
        files = lambda: m.out_logs("writer")
        t0, t1, tw, _ = land(files, stamp, nbytes, 600)
        t2, sizes = settled(files, rotate, tw + hold + 2.5)
        data = b"".join(open(f, "rb").read() for f in files() if os.path.exists(f))
        lost, detail = check_lines(data, expected, lines)
    return nbytes / 1e6 / (t1 - t0), lost, detail, ((max(0.0, t2 - t1), sizes) if rotate else None)


def log_baseline(app, work, nbytes, expected, lines):
    out = os.path.join(work, "baseline.log")
    with open(out, "wb") as f:
        p = subprocess.Popen(app.argv, stdout=f, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        t0, t1, _, _ = land(lambda: [out], app.argv[-1], nbytes, 600)
        p.wait(60)
        with open(out, "rb") as f:
            lost, detail = check_lines(f.read(), expected, lines)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        os.remove(out)
    return nbytes / 1e6 / (t1 - t0), lost, detail


# --- main ---------------------------------------------------------------------------------------------

def versions():
    v = {}
    try:
        v["pm"] = subprocess.run([common.PM, "--version"], capture_output=True, text=True, timeout=120).stdout.split()[-1]
        with open(os.path.join(ROOT, "target", ".java")) as f, open(os.path.join(f.read().strip(), "release")) as r:
            v["java"] = next(l.split("=")[1].strip().strip('"') for l in r if l.startswith("JAVA_RUNTIME_VERSION"))
    except Exception:
        pass
    if os.access(PM2, os.X_OK):
        with open("/tmp/pm-bench-anchors/node_modules/pm2/package.json") as f:
            v["pm2"] = json.load(f)["version"]
        v["node"] = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    if shutil.which("supervisord"):
        v["supervisord"] = subprocess.run(["supervisord", "--version"], capture_output=True, text=True).stdout.strip()
    v["python"] = platform.python_version()
    return v


def snapshot_pm(work):
    """Copies the launcher and the built jar to a private folder and uses that `pm` for the whole run.
    Other work on the same tree may rebuild target/pm.jar in place while the bench runs: a run should
    measure one build, and never a half-written jar. The launcher trains its AOT cache for the copy on
    the first call here, as ./pm does after a build. Returns what was copied."""
    jar = os.path.join(ROOT, "target", "pm.jar")
    if not os.path.exists(jar):
        subprocess.run([os.path.join(ROOT, "pm"), "--version"], check=True, stdout=subprocess.DEVNULL)  # builds
    snap = os.path.join(work, "pm-snapshot")
    os.makedirs(os.path.join(snap, "target"))
    for _ in range(60):  # a jar that is not being written: unchanged for 2 s, and a whole zip
        m0 = os.path.getmtime(jar)
        time.sleep(2)
        if os.path.getmtime(jar) == m0:
            shutil.copy2(jar, os.path.join(snap, "target", "pm.jar"))
            if zipfile.is_zipfile(os.path.join(snap, "target", "pm.jar")) and os.path.getmtime(jar) == m0:
                break
    else:
        raise SystemExit("target/pm.jar kept changing for 2 minutes; try again, or use --no-snapshot")
    shutil.copy2(os.path.join(ROOT, "pm"), os.path.join(snap, "pm"))
    if os.path.exists(os.path.join(ROOT, "target", ".java")):
        shutil.copy2(os.path.join(ROOT, "target", ".java"), os.path.join(snap, "target", ".java"))
    shutil.copytree(os.path.join(ROOT, "clients"), os.path.join(snap, "clients"))
    common.PM = os.path.join(snap, "pm")
    subprocess.run([common.PM, "--version"], check=True, stdout=subprocess.DEVNULL)  # trains the AOT cache
    return time.strftime("%H:%M:%S UTC", time.gmtime(m0))


def aot_fresh():
    """Whether pm's client AOT cache is in use (newer than the jar): without it the CLI starts slower."""
    try:
        target = os.path.join(os.path.dirname(common.PM), "target")
        return os.path.getmtime(os.path.join(target, "pm.aot")) > os.path.getmtime(os.path.join(target, "pm.jar"))
    except OSError:
        return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--only", default="")
    ap.add_argument("--repeat", type=int, default=0)
    ap.add_argument("--out", default=os.path.join(HERE, "results"))
    ap.add_argument("--no-snapshot", action="store_true",
                    help="run ./pm in place instead of a copy of the launcher and jar taken at the start")
    a = ap.parse_args()
    a.quick = a.quick or a.smoke
    cfg = dict(SMOKE if a.smoke else QUICK if a.quick else FULL)
    if a.repeat:
        cfg["repeat"] = a.repeat
    only = {x.strip() for x in a.only.split(",") if x.strip()}
    unknown = only - set(MEASUREMENTS) - {"pm", "pm2", "supervisord"}
    if unknown:
        ap.error(f"--only: unknown {', '.join(sorted(unknown))} (managers: pm, pm2, supervisord; "
                 f"measurements: {', '.join(MEASUREMENTS)})")
    want_m = only & set(MEASUREMENTS) or set(MEASUREMENTS)
    want_k = only & {"pm", "pm2", "supervisord"} or {"pm", "pm2", "supervisord"}

    mgrs = [("pm", Pm)]
    for key, cls, how in (("pm2", Pm2, f"{PM2} not found"), ("supervisord", Supervisord, "supervisord not on PATH")):
        if cls.present():
            mgrs.append((key, cls))
        elif key in want_k:
            R.note(f"{key} skipped: {how} (bench/install-anchors.sh installs it)")
    mgrs = [(k, f) for k, f in mgrs if k in want_k]
    if cfg["cpu_window"] == 0 and "cpu" in want_m:
        R.note("Daemon CPU at rest is not measured with --quick (it needs a 60 s window).")

    def on_term(*_):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started with SIGINT ignored (`&`)
    work = tempfile.mkdtemp(prefix="pm-bench-work-", dir="/tmp")
    try:
        built = "in place" if a.no_snapshot else f"a copy of target/pm.jar built at {snapshot_pm(work)}"
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    t_start, load0, aot0 = time.time(), open("/proc/loadavg").read().split()[:3], aot_fresh()
    head = subprocess.run(["git", "-C", ROOT, "log", "-1", "--format=%h %s"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "src", "pm", "pom.xml"],
                           capture_output=True, text=True).stdout.strip()
    meta = {"commit": head.stdout.strip()[:60] + (" + uncommitted changes to src/, pm or pom.xml" if dirty else "")
            + f"; ./pm run {built}",
            "quick": a.quick, "config": cfg, "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "machine": f"{os.cpu_count()} cores, Linux {platform.release()}", "versions": versions(),
            "loadavg_start": " ".join(load0)}
    say(f"pm bench ({'quick' if a.quick else 'full'}): managers {', '.join(k for k, _ in mgrs)}; "
        f"{meta['versions']}")
    phases = [("status", {"status", "memory"}, lambda: phase_status(cfg, mgrs)),
              ("start/stop", {"start", "stop"}, lambda: phase_start_stop(cfg, mgrs)),
              ("at rest", {"cpu", "memory", "status"}, lambda: phase_idle(cfg, mgrs)),
              ("large", {"status", "memory"}, lambda: phase_large(cfg, mgrs)),
              ("crash", {"crash"}, lambda: phase_crash(cfg, mgrs, work)),
              ("logs", {"logs"}, lambda: phase_logs(cfg, mgrs, work)),
              ("http", {"http"}, lambda: "pm" in dict(mgrs) and http_bench.phase_http(cfg, R, say, show))]
    took = {}
    try:
        for name, needs, fn in phases:
            if not needs & want_m:
                continue
            t = time.time()
            try:
                fn()
            except Exception as e:  # a bug or a surprise in one phase: note it, clean up, go on
                traceback.print_exc()
                R.note(f"phase {name} stopped early: {type(e).__name__}: {e}")
                close_all()
            took[name] = round(time.time() - t, 1)
            say(f"   ({name}: {took[name]} s)")
    finally:
        close_all()
        aot1 = aot_fresh()
        shutil.rmtree(work, ignore_errors=True)
    meta.update(duration_s=time.time() - t_start, phase_s=took, aot_cache_fresh=f"{aot0} at the start, {aot1} at the end",
                loadavg_end=" ".join(open("/proc/loadavg").read().split()[:3]))
    write(a.out, meta)


def write(out, meta):
    os.makedirs(out, exist_ok=True)
    charts = []
    for curve, fname, title, ylabel in (("rss", "memory.svg", "Daemon RSS against processes managed", "MiB"),
                                        ("status", "status.svg", "`status` latency against processes", "ms")):
        series = R.curves.get(curve, {})
        rows = {"rss": ("rss_small", "rss_mid", "rss_large"), "status": ("status_small", "status_mid", "status_large")}
        missing = [f"{k} at {R.rows[rid]['title'].split(', ')[-1].split()[0]}" for rid in rows[curve] if rid in R.rows
                   for k, c in R.rows[rid]["cells"].items() if "error" in c]
        note = f"Not shown (failed, see results.md): {', '.join(missing)}." if missing else ""
        svg = report.svg_chart(title.replace("`", ""), "processes (log scale)", ylabel, series, note) if series else None
        if svg:
            with open(os.path.join(out, fname), "w") as f:
                f.write(svg)
            charts.append((fname, title.replace("`", "")))
    order = ["status_small", "status_json_small", "floor", "status_mid", "status_large", "rss_small", "rss_mid",
             "rss_large", "cpu_mid", "cpu_mid_slices", "start_mid", "start_mid_startsecs0", "start_large", "stop_mid", "stop_large",
             "crash_gap", "logs_norot", "lost_norot", "logs_rot", "lost_rot"]
    rows = sorted(R.rows.values(), key=lambda r: order.index(r["id"]) if r["id"] in order else 99)
    res = {"meta": meta, "measurements": rows, "curves": R.curves, "ratios": R.ratios, "notes": R.notes, "charts": charts}
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(res, f, indent=1)
    md = report.markdown(res)
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write(md)
    say(f"\nwrote {out}/results.json, results.md" + "".join(f", {c}" for c, _ in charts)
        + f" in {meta['duration_s']:.0f} s\n")
    print(md)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("\ninterrupted: everything the bench started was stopped and its folders removed", file=sys.stderr)
        sys.exit(130)
