#!/usr/bin/env python3
"""Sample Python app managed by pm.

A small Flask service with a /health endpoint and a background worker. It knows nothing
about pm beyond optional env vars, and runs on its own with `python app.py`.

Env vars:
  HOST             bind address (default 127.0.0.1)
  PORT             listen port (default 5000)
  WORKER_INTERVAL  seconds between worker ticks, float allowed (default 5)
  LISTEN_FDS, LISTEN_PID
                   systemd socket activation: when LISTEN_PID is this process and LISTEN_FDS
                   is 1 or more, the app serves on the listening socket it inherited as fd 3
                   instead of binding HOST:PORT
  PM_PROCESS_ID    optional; set by pm. Echoed in the start log line and, with the
                   other PM_HEARTBEAT_* variables pm sets, used to send heartbeats
"""

import errno
import os
import random
import signal
import socket
import sys
import threading
import time
from datetime import datetime, timezone

from flask import Flask, jsonify, request
from werkzeug.serving import WSGIRequestHandler, make_server

HOST = os.environ.get("HOST", "127.0.0.1")
PORT = int(os.environ.get("PORT", "5000"))
# Clamp so 0 or a negative value can't turn the worker into a busy loop.
WORKER_INTERVAL = max(0.1, float(os.environ.get("WORKER_INTERVAL", "5")))
# The first socket systemd's protocol passes; 0, 1 and 2 are the standard streams.
LISTEN_FDS_START = 3

STARTED_AT = time.monotonic()
stop_event = threading.Event()
stats = {"ticks": 0, "items": 0}

app = Flask(__name__)


def log(msg, stream=sys.stdout):
    ts = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    # flush so lines reach pm's log files immediately, not when the buffer fills
    print(f"{ts} {msg}", file=stream, flush=True)


@app.get("/health")
def health():
    return jsonify(
        status="ok",
        uptime_s=round(time.monotonic() - STARTED_AT, 3),
        pid=os.getpid(),
        worker_ticks=stats["ticks"],
    )


@app.get("/")
def index():
    return jsonify(
        name="python-app",
        description="Sample Flask app with a background worker, managed by pm",
        links={"health": "/health"},
    )


@app.errorhandler(404)
def not_found(_error):
    return jsonify(error="not found", path=request.full_path.rstrip("?")), 404


class RequestLog(WSGIRequestHandler):
    """One concise stdout line per request instead of werkzeug's Apache-style lines on stderr."""

    def log_request(self, code="-", size="-"):
        log(f"http: {self.command} {self.path} -> {getattr(code, 'value', code)}")

    def log(self, type, message, *args):
        # Only errors (bad requests, broken connections) reach here now; keep them on stderr.
        log(f"http {type}: {message % args}", stream=sys.stderr)


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
    # Event.wait instead of sleep: a stop ends the wait at once, and a tick in progress finishes.
    while not stop_event.wait(WORKER_INTERVAL):
        stats["ticks"] += 1
        stats["items"] += random.randint(1, 10)
        log(f"worker: tick {stats['ticks']}, processed {stats['items']} items")


def listening_socket():
    """The socket passed by socket activation (systemd's protocol), else one bound to HOST:PORT.

    Returns the socket and, for the start line, where it came from when it was passed.
    """
    if os.environ.get("LISTEN_PID") == str(os.getpid()) and int(os.environ.get("LISTEN_FDS", "0")) >= 1:
        # Not for any child we might start: the socket was passed to this process only.
        for name in ("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"):
            os.environ.pop(name, None)
        return socket.socket(fileno=LISTEN_FDS_START), ", socket passed as fd 3"
    family = socket.AF_INET6 if ":" in HOST else socket.AF_INET
    try:
        return socket.create_server((HOST, PORT), family=family, backlog=128), ""
    except OSError as e:
        reason = "is already in use" if e.errno == errno.EADDRINUSE else f"cannot be bound: {e.strerror}"
        log(f"error: port {PORT} on {HOST} {reason}", stream=sys.stderr)
        sys.exit(1)


def serve(sock):
    """werkzeug's threaded WSGI server (it comes with Flask) on the given listening socket.

    Returns the server and its address for the start line.
    """
    name = sock.getsockname()
    if sock.family == socket.AF_UNIX:
        host, port, url = "unix://" + name, 0, "unix:" + name
    else:
        host, port = name[0], name[1]
        url = f"http://[{host}]:{port}" if sock.family == socket.AF_INET6 else f"http://{host}:{port}"
    # werkzeug serves a duplicate of the descriptor; ours is no longer needed.
    server = make_server(host, port, app, threaded=True, request_handler=RequestLog, fd=sock.fileno())
    sock.close()
    return server, url


def main():
    sock, origin = listening_socket()
    server, url = serve(sock)
    worker_thread = threading.Thread(target=worker, name="worker", daemon=True)

    def on_signal(signum, _frame):
        log(f"received {signal.Signals(signum).name}, shutting down")
        stop_event.set()
        # shutdown() blocks until serve_forever() returns, and serve_forever()
        # runs in this (main) thread, so it must be called from another thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    start = f"python-app listening on {url} (Flask{origin}, pid {os.getpid()})"
    if os.environ.get("PM_PROCESS_ID"):
        start += f" pm_process_id={os.environ['PM_PROCESS_ID']}"
    log(start)

    heartbeat = start_heartbeats()
    worker_thread.start()
    # Returns once shutdown() is called, having closed the listening socket: no new connections.
    server.serve_forever(poll_interval=0.2)

    worker_thread.join(timeout=5)
    if heartbeat is not None:
        heartbeat.stop()
    log("stopped cleanly")
    sys.exit(0)


if __name__ == "__main__":
    main()
