#!/usr/bin/env python3
"""What pm's HTTP side costs the daemon, and how fast it answers (issue 15's budgets).

  at rest      N idle apps, three daemons side by side: HTTP off, HTTP on with no client, HTTP on and
               scraped every 15 s (/metrics with a bearer token): RSS of each, and CPU over the window
  stream       one event-stream client (/api/v1/events, samples every 2 s) on the HTTP-on daemon: its CPU
               (the dashboard's table), then with one app's log follow as well (an app's page)
  large        1000 apps: /metrics per scrape at the server (its Server-Timing header) and round trip,
               the API's process list against the control socket's `status` (what `pm status --json`
               asks), each a round trip from a client already connected (the daemon's side, no CLI start)

Run by bench/run.py (measurement `http`), or alone: bench/http_bench.py [--quick].
"""
import http.client, json, os, socket, statistics, sys, threading, time

import common
from common import BenchError, cpu_ns, rss_bytes, wait_until
from managers import App, Pm

MIB = 2**20
SCRAPE_EVERY = 15


def sleepers(n):
    return [App(f"sleep-{i}", ["/bin/sleep", "100000"]) for i in range(n)]


def started(http, n):
    m = Pm(http=http)
    m.setup(sleepers(n))
    m.start_all()
    wait_until(m.running_pids, 300, f"{n} apps running")
    return m


def base_url(m):
    out = m.pm("daemon", "status", capture=True).stdout
    for line in out.splitlines():
        if line.startswith("http: serving "):
            return line.split()[-1]
    raise BenchError(f"pm daemon status says no HTTP: {out.strip()}")


class Api:
    """A keep-alive HTTP client with a token, timing each request."""

    def __init__(self, m):
        url = base_url(m)
        self.host, self.port = url.split("//")[1].rstrip("/").rsplit(":", 1)
        self.token = m.pm("token", "create", f"bench-{common.RUN_ID}", capture=True).stdout.strip()
        self.conn = http.client.HTTPConnection(self.host, int(self.port), timeout=60)

    def get(self, path, accept=None):
        headers = {"Authorization": f"Bearer {self.token}"}
        if accept:
            headers["Accept"] = accept
        t0 = time.perf_counter()
        self.conn.request("GET", path, headers=headers)
        r = self.conn.getresponse()
        body = r.read()
        ms = (time.perf_counter() - t0) * 1000
        if r.status != 200:
            raise BenchError(f"GET {path}: {r.status} {body[:200]!r}")
        timing = server_timing(r)
        self.engine = timing.get("engine")  # of the last request: the engine's part of the server's time
        return body, ms, timing.get("app")


def server_timing(response):
    """The Server-Timing header's metrics as {name: ms}: `app` is the whole answer, `engine` the wait for the
    engine's readings (/metrics only)."""
    header = ",".join(v for k, v in response.getheaders() if k.lower() == "server-timing")
    return {m.split(";dur=")[0].strip(): float(m.split(";dur=")[1]) for m in header.split(",") if ";dur=" in m}


def socket_status_ms(home):
    """One `status` request over the control socket, as `pm status --json` sends it, from a client
    already started: the daemon's side of the command."""
    t0 = time.perf_counter()
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(os.path.join(home, "pm.sock"))
        s.sendall(b'{"v":1,"cmd":"status","args":{}}\n')
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            data += chunk
    ms = (time.perf_counter() - t0) * 1000
    if not json.loads(data).get("ok"):
        raise BenchError(f"status over the socket failed: {data[:200]!r}")
    return ms


def stream_client(api, stop, path="/api/v1/events?samples=2"):
    """Reads a stream until told to stop, as the dashboard does: its table holds /api/v1/events, an app's
    page also that app's log follow."""
    conn = http.client.HTTPConnection(api.host, int(api.port), timeout=30)
    conn.request("GET", path, headers={"Authorization": f"Bearer {api.token}"})
    r = conn.getresponse()
    while not stop.is_set():
        if not r.readline():
            break
    conn.close()


def cpu_window(pids, seconds):
    t0 = time.monotonic()
    c0 = {k: cpu_ns(p) for k, p in pids.items()}
    time.sleep(seconds)
    dt = time.monotonic() - t0
    return {k: (cpu_ns(p) - c0[k]) / 1e9 / dt * 100 for k, p in pids.items()}


def phase_http(cfg, R, say, show):
    n, big = cfg["mid"], cfg["large"]
    window = cfg["cpu_window"] or 3
    say(f"== HTTP side: {n} idle apps with HTTP off, on, on and scraped every {SCRAPE_EVERY} s; settle {cfg['settle']} s, window {window} s")
    ms = {}
    try:
        for key, http in (("off", "off"), ("on", "127.0.0.1:0"), ("scraped", "127.0.0.1:0")):
            ms[key] = started(http, n)
        scraper = Api(ms["scraped"])
        stop = threading.Event()

        def scrape():
            while not stop.is_set():
                scraper.get("/metrics")
                stop.wait(SCRAPE_EVERY)
        t = threading.Thread(target=scrape, daemon=True)
        t.start()
        time.sleep(cfg["settle"])
        pids = {k: m.daemon_pid() for k, m in ms.items()}
        cpu = cpu_window(pids, window)
        for k in ms:
            s = R.add(f"http_rss_{k}", f"daemon RSS, {n} idle apps, HTTP {k}", "MiB", "pm", [rss_bytes(pids[k]) / MIB])
            show(f"rss {k}", s, "MiB")
            if cfg["cpu_window"]:
                show(f"cpu {k}", R.add(f"http_cpu_{k}", f"daemon CPU at rest, {n} apps, HTTP {k}, over {window} s",
                                       "% of one core", "pm", [cpu[k]]), "%")
        stop.set()
        api = Api(ms["on"])
        done = threading.Event()
        c = threading.Thread(target=stream_client, args=(api, done), daemon=True)
        c.start()
        time.sleep(2)
        cpu = cpu_window({"on": pids["on"]}, window)
        show("cpu stream", R.add("http_cpu_stream", f"daemon CPU, {n} apps, one event-stream client (samples every 2 s), over {window} s",
                                 "% of one core", "pm", [cpu["on"]]), "%")
        # An app's page: the event stream above, and that app's log follow (read every 200 ms).
        f = threading.Thread(target=stream_client, args=(api, done, "/api/v1/processes/sleep-0/logs?follow=true&lines=100"), daemon=True)
        f.start()
        time.sleep(2)
        cpu = cpu_window({"on": pids["on"]}, window)
        done.set()
        show("cpu page", R.add("http_cpu_page", f"daemon CPU, {n} apps, the event stream and one log follow (an app's page), over {window} s",
                               "% of one core", "pm", [cpu["on"]]), "%")
    finally:
        for m in ms.values():
            m.close()
    reps = 4 * cfg["repeat"]
    say(f"== HTTP side at {big} apps: /metrics and the process list ({reps} requests each after 3 warm-up)")
    m = started("127.0.0.1:0", big)
    try:
        api = Api(m)
        for _ in range(3):
            api.get("/metrics"), api.get("/api/v1/processes"), socket_status_ms(m.home)
        scrapes, engine = [], []
        for _ in range(reps):
            scrapes.append(api.get("/metrics"))
            engine.append(api.engine)
        show("metrics server", R.add("http_metrics_server", f"/metrics at {big} apps, at the server (Server-Timing)", "ms", "pm",
                                     [x[2] for x in scrapes], note=f"{len(scrapes[0][0]) // 1024} KiB per scrape"), "ms")
        show("metrics engine", R.add("http_metrics_engine", f"/metrics at {big} apps, the engine's readings within it", "ms", "pm",
                                     engine), "ms")
        show("metrics trip", R.add("http_metrics_trip", f"/metrics at {big} apps, round trip", "ms", "pm", [x[1] for x in scrapes]), "ms")
        lists = [api.get("/api/v1/processes") for _ in range(reps)]
        show("list trip", R.add("http_list_trip", f"GET /api/v1/processes at {big} apps, round trip", "ms", "pm", [x[1] for x in lists]), "ms")
        sock = [socket_status_ms(m.home) for _ in range(reps)]
        show("socket trip", R.add("http_socket_trip", f"`status` over the control socket at {big} apps, round trip", "ms", "pm", sock), "ms")
        R.note(f"HTTP list / socket status at {big} apps: {statistics.median(x[1] for x in lists) / statistics.median(sock):.2f} x (medians)")
    finally:
        m.close()


if __name__ == "__main__":
    import run
    cfg = dict(run.QUICK if "--quick" in sys.argv else run.FULL)
    try:
        phase_http(cfg, run.R, run.say, run.show)
    finally:
        from managers import close_all
        close_all()
