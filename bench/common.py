"""Small helpers shared by the benchmark scripts: running and timing commands, reading /proc, waiting,
summarising samples, and cleaning up whatever a run started.

Every process the benchmark starts (daemons, and through them the apps) carries the environment
variable PM_BENCH_TOKEN with a value unique to one manager instance, so that anything left behind can
be found in /proc/*/environ and killed (`sweep`), whatever went wrong.
"""
import os, signal, statistics, subprocess, threading, time, uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PM = os.path.join(ROOT, "pm")  # run.py may point this at a snapshot (see run.py snapshot_pm)
PAGE = os.sysconf("SC_PAGE_SIZE")
TOKEN_VAR = "PM_BENCH_TOKEN"
RUN_ID = uuid.uuid4().hex[:8]


class BenchError(Exception):
    """A measurement could not be taken (a timeout, a command that failed); the run goes on without it."""


def run(argv, env=None, timeout=120, check=True, capture=False, cwd=None):
    """Runs a command to its end; its output is discarded unless capture is set.

    Not subprocess.run(timeout=...): with a timeout, Python (before 3.13) waits for the child by polling
    with sleeps that grow to 50 ms, which rounds every timing up by as much. Here the wait blocks, and a
    timer kills a command that overruns."""
    out = subprocess.PIPE if capture else subprocess.DEVNULL
    p = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out,
                         stderr=subprocess.PIPE, text=True, errors="replace")
    timer = threading.Timer(timeout, p.kill)
    timer.start()
    try:
        stdout, stderr = p.communicate()
    finally:
        expired = not timer.is_alive()
        timer.cancel()
    if expired:
        raise BenchError(f"`{os.path.basename(argv[0])} {' '.join(map(str, argv[1:3]))}` did not finish within {timeout}s")
    if check and p.returncode != 0:
        detail = (stderr or "").strip().splitlines()[-1:]
        raise BenchError(f"`{os.path.basename(argv[0])} {' '.join(map(str, argv[1:3]))}` exited {p.returncode}: "
                         f"{' '.join(detail)[:300]}")
    return subprocess.CompletedProcess(argv, p.returncode, stdout, stderr)


def timed_ms(argv, env=None, timeout=120, check=True):
    """A command as a user sees it: a fresh process, timed from before the fork to after the wait."""
    t0 = time.perf_counter()
    run(argv, env=env, timeout=timeout, check=check)
    return (time.perf_counter() - t0) * 1000


def wait_until(pred, timeout, what, interval=0.0):
    """Calls pred until it returns something true; returns that. Raises BenchError after timeout s."""
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > deadline:
            raise BenchError(f"timed out after {timeout:.0f}s waiting for {what}")
        if interval:
            time.sleep(interval)


def summary(samples):
    s = [float(x) for x in samples]
    return {"n": len(s), "median": statistics.median(s), "min": min(s), "max": max(s), "samples": s}


# --- /proc -------------------------------------------------------------------------------------------

def start_time(pid):
    """The process's start time in clock ticks (field 22 of /proc/PID/stat), or None if it is gone or a
    zombie (dead, waiting to be reaped: gone as far as a user is concerned)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return None if fields[0] in ("Z", "X") else int(fields[19])


def alive(pid, started):
    """True while the process that had this pid and start time runs (a reused pid does not count)."""
    return start_time(pid) == started


def rss_bytes(pid):
    """Resident memory of one process (VmRSS)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise BenchError(f"no VmRSS for pid {pid}")


def cpu_ns(pid):
    """CPU time in ns used by a process so far, all its threads, including threads that have ended.

    Read from the process's CPU-time clock (clock_gettime on the clock id of another process, as
    clock_getcpuclockid(3) makes it: ((~pid) << 3) | CPUCLOCK_SCHED), which is exact to the ns. Neither
    /proc/PID/stat (utime and stime count 10 ms ticks) nor a sum of /proc/PID/task/*/schedstat (a thread
    that ends takes its time with it, so a window can even come out negative) will do."""
    return time.clock_gettime_ns(((~pid) << 3) | 2)


def children(pid):
    """The pids of a process's live children."""
    out = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid and fields[0] not in ("Z", "X"):
                    out.append(int(name))
            except (OSError, IndexError):
                pass
    return out


def tagged(token):
    """The pids of the live processes whose environment carries this token."""
    needle = f"{TOKEN_VAR}={token}".encode()
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            with open(f"/proc/{name}/environ", "rb") as f:
                if needle in f.read().split(b"\0") and start_time(int(name)) is not None:
                    found.append(int(name))
        except OSError:
            pass
    return found


def sweep(token, grace=10.0):
    """Waits up to grace seconds for every process carrying this token to end by itself, then kills
    (SIGKILL) those left; returns what it had to kill, as "pid command" strings."""
    deadline = time.monotonic() + grace
    while (left := tagged(token)) and time.monotonic() < deadline:
        time.sleep(0.05)
    killed = []
    for pid in left:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")[:80]
            os.kill(pid, signal.SIGKILL)
            killed.append(f"{pid} {cmd}")
        except OSError:
            pass
    return killed
