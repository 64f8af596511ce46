#!/usr/bin/env python3
"""Sample Python app managed by pm.

A tiny HTTP service (standard library only) with a /health endpoint and a
background worker. It knows nothing about pm beyond optional env vars.

Env vars:
  HOST             bind address (default 127.0.0.1)
  PORT             listen port (default 5000)
  WORKER_INTERVAL  seconds between worker ticks, float allowed (default 5)
  PM_PROCESS_ID    optional; set by pm. Echoed in the start log line and, with the
                   other PM_HEARTBEAT_* variables pm sets, used to send heartbeats
"""

import errno
import json
import os
import random
import signal
import sys
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOST = os.environ.get("HOST", "127.0.0.1")
PORT = int(os.environ.get("PORT", "5000"))
# Clamp so 0 or a negative value can't turn the worker into a busy loop.
WORKER_INTERVAL = max(0.1, float(os.environ.get("WORKER_INTERVAL", "5")))

STARTED_AT = time.monotonic()
stop_event = threading.Event()
stats = {"ticks": 0, "items": 0}


def log(msg, stream=sys.stdout):
    ts = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    # flush so lines reach pm's log files immediately, not when the buffer fills
    print(f"{ts} {msg}", file=stream, flush=True)


def start_heartbeats():
    """Heartbeats to pm, only when pm started us (PM_PROCESS_ID is set).

    pm puts clients/python on PYTHONPATH; run standalone the import may fail, and that's fine.
    Returns the client, or None.
    """
    process_id = os.environ.get("PM_PROCESS_ID")
    if not process_id:
        return None
    try:
        from process_manager.core.heartbeat import ProcessHeartbeatClient
    except ImportError:
        log("heartbeat client not available")
        return None
    client = ProcessHeartbeatClient(process_id)
    client.start()
    if client.enabled:
        log(f"heartbeats to pm every {client.interval:g}s")
    else:
        log("heartbeats off: PM_HEARTBEAT_ADDR/PM_HEARTBEAT_SECRET not set")
    return client


def worker():
    """Pretend to process some items every WORKER_INTERVAL seconds."""
    # Event.wait instead of sleep so shutdown doesn't wait for the interval
    while not stop_event.wait(WORKER_INTERVAL):
        stats["ticks"] += 1
        stats["items"] += random.randint(1, 10)
        log(f"worker: tick {stats['ticks']}, processed {stats['items']} items")


class Handler(BaseHTTPRequestHandler):
    server_version = "python-app/1.0"

    def _json(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = urlsplit(self.path).path  # ignore query strings
        if path == "/health":
            self._json(200, {
                "status": "ok",
                "uptime_s": round(time.monotonic() - STARTED_AT, 3),
                "pid": os.getpid(),
                "worker_ticks": stats["ticks"],
            })
        elif path == "/":
            self._json(200, {
                "name": "python-app",
                "description": "Sample Python HTTP app with a background worker, managed by pm",
                "links": {"health": "/health"},
            })
        else:
            self._json(404, {"error": "not found", "path": self.path})

    def log_request(self, code="-", size="-"):
        # One concise stdout line instead of the default Apache-style stderr log.
        log(f"http: {self.command} {self.path} -> {getattr(code, 'value', code)}")

    def log_message(self, fmt, *args):
        # Only errors (bad requests etc.) reach here now; keep them on stderr.
        log(f"http error: {fmt % args}", stream=sys.stderr)


def main():
    try:
        server = ThreadingHTTPServer((HOST, PORT), Handler)
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            log(f"error: port {PORT} on {HOST} is already in use", stream=sys.stderr)
        else:
            log(f"error: cannot bind {HOST}:{PORT}: {e}", stream=sys.stderr)
        sys.exit(1)
    # Request threads must not keep the process alive after shutdown.
    server.daemon_threads = True

    worker_thread = threading.Thread(target=worker, name="worker", daemon=True)

    def on_signal(signum, _frame):
        log(f"received {signal.Signals(signum).name}, shutting down")
        stop_event.set()
        # shutdown() blocks until serve_forever() returns, and serve_forever()
        # runs in this (main) thread, so it must be called from another thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    start = f"python-app listening on http://{HOST}:{PORT} (pid {os.getpid()})"
    if os.environ.get("PM_PROCESS_ID"):
        start += f" pm_process_id={os.environ['PM_PROCESS_ID']}"
    log(start)

    heartbeat = start_heartbeats()
    worker_thread.start()
    # Short poll interval so shutdown() is noticed quickly.
    server.serve_forever(poll_interval=0.2)

    worker_thread.join(timeout=1)
    if heartbeat is not None:
        heartbeat.stop()
    server.server_close()
    log("stopped cleanly")
    sys.exit(0)


if __name__ == "__main__":
    main()
