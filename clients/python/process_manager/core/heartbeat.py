"""Heartbeats from an app to pm.

pm gives every app it starts PM_PROCESS_ID, PM_HEARTBEAT_ADDR (``127.0.0.1:PORT``),
PM_HEARTBEAT_SECRET and PM_HEARTBEAT_INTERVAL. A heartbeat is one UDP datagram to that address
reading ``PMHB1 <id> <secret>``. UDP never blocks and costs almost nothing, even while no daemon
runs; this module never raises out of a send, never blocks and never keeps the process alive.

    from process_manager.core.heartbeat import ProcessHeartbeatClient
    client = ProcessHeartbeatClient(os.environ.get("PM_PROCESS_ID"))
    client.start()          # daemon thread: beats now, then every PM_HEARTBEAT_INTERVAL seconds

Outside pm (the variables are missing) ``start()`` and ``beat()`` do nothing.
"""

import logging
import os
import socket
import threading
from typing import Optional, Tuple, Union

__all__ = ["ProcessHeartbeatClient", "send_heartbeat", "DEFAULT_INTERVAL", "MAGIC"]

MAGIC = "PMHB1"
DEFAULT_INTERVAL = 10.0
# Even a bad interval must not turn the thread into a busy loop.
MIN_INTERVAL = 0.1

log = logging.getLogger(__name__)

# Send errors are counted per client but reported at most once per process.
_error_logged = False
_error_lock = threading.Lock()


def _env(name: str) -> Optional[str]:
    value = os.environ.get(name, "").strip()
    return value or None


def _parse_id(process_id) -> Optional[str]:
    if process_id is None:
        process_id = _env("PM_PROCESS_ID")
    if process_id is None or isinstance(process_id, bool):
        return None
    try:
        n = int(str(process_id).strip())
    except ValueError:
        return None
    return str(n) if n >= 0 else None


def _parse_address(address) -> Optional[Tuple[str, int]]:
    """``"host:port"`` (``"[::1]:port"`` for IPv6) or a ``(host, port)`` tuple; None if unusable."""
    if address is None:
        address = _env("PM_HEARTBEAT_ADDR")
    if address is None:
        return None
    try:
        if isinstance(address, (tuple, list)):
            host, port = address[0], int(address[1])
        else:
            host, sep, port_text = str(address).strip().rpartition(":")
            if not sep:
                return None
            port = int(port_text)
        host = str(host).strip()
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
    except (ValueError, TypeError, IndexError):
        return None
    if not host or not 0 < port < 65536:
        return None
    return host, port


def _parse_interval(interval) -> float:
    if interval is None:
        interval = _env("PM_HEARTBEAT_INTERVAL")
    try:
        value = float(interval)
    except (TypeError, ValueError):
        return DEFAULT_INTERVAL
    if value != value or value <= 0:  # NaN or not positive
        return DEFAULT_INTERVAL
    return max(MIN_INTERVAL, value)


class ProcessHeartbeatClient:
    """Sends heartbeats for one app to pm over UDP.

    ``process_id``, ``address``, ``secret`` and ``interval`` default to the PM_* environment
    variables pm sets. If any of id, address or secret is missing the client is disabled:
    ``start()`` and ``beat()`` do nothing (``enabled`` is False).

    ``sent`` counts datagrams handed to the OS, ``errors`` counts failed sends.
    """

    def __init__(
        self,
        process_id: Union[str, int, None] = None,
        interval: Optional[float] = None,
        address: Union[str, Tuple[str, int], None] = None,
        secret: Optional[str] = None,
    ):
        self.process_id = _parse_id(process_id)
        self.address = _parse_address(address)
        self.secret = (secret if secret is not None else _env("PM_HEARTBEAT_SECRET")) or None
        if self.secret is not None:
            self.secret = str(self.secret).strip() or None
        self.interval = _parse_interval(interval)
        self.sent = 0
        self.errors = 0
        self.last_error: Optional[BaseException] = None

        self._payload = None
        if self.enabled:
            self._payload = f"{MAGIC} {self.process_id} {self.secret}".encode("ascii", "replace")
        self._lock = threading.Lock()
        self._sock: Optional[socket.socket] = None
        self._sockaddr = None
        self._thread: Optional[threading.Thread] = None
        self._stop = threading.Event()

    @property
    def enabled(self) -> bool:
        """True if id, address and secret are all known, i.e. the app was started by pm."""
        return self.process_id is not None and self.address is not None and self.secret is not None

    @property
    def running(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive()

    def __repr__(self) -> str:
        if not self.enabled:
            return "<ProcessHeartbeatClient disabled>"
        host, port = self.address
        return (f"<ProcessHeartbeatClient id={self.process_id} to={host}:{port} "
                f"interval={self.interval:g}s sent={self.sent} errors={self.errors}>")

    # -- sending --------------------------------------------------------------------------

    def _socket(self) -> socket.socket:
        if self._sock is None:
            host, port = self.address
            infos = socket.getaddrinfo(host, port, 0, socket.SOCK_DGRAM)
            family, _, proto, _, sockaddr = infos[0]
            sock = socket.socket(family, socket.SOCK_DGRAM, proto)
            sock.setblocking(False)
            self._sock, self._sockaddr = sock, sockaddr
        return self._sock

    def beat(self) -> bool:
        """Sends one heartbeat. True if the datagram was handed to the OS; never raises."""
        if not self.enabled:
            return False
        try:
            with self._lock:
                self._socket().sendto(self._payload, self._sockaddr)
                self.sent += 1
            return True
        except Exception as e:  # OSError mostly (ECONNREFUSED from an earlier ICMP, EAGAIN, ...)
            with self._lock:
                self.errors += 1
                self.last_error = e
            _log_first_error(e)
            return False

    # -- background thread ----------------------------------------------------------------

    def start(self) -> "ProcessHeartbeatClient":
        """Beats now and then every ``interval`` seconds in a daemon thread. Idempotent."""
        if not self.enabled:
            log.debug("pm heartbeat: PM_PROCESS_ID/PM_HEARTBEAT_ADDR/PM_HEARTBEAT_SECRET not set, not sending")
            return self
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return self
            self._stop = threading.Event()
            self._thread = threading.Thread(
                target=self._run, args=(self._stop,), name="pm-heartbeat", daemon=True)
            self._thread.start()
        return self

    def _run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.beat()
            except Exception:  # beat() does not raise; belt and braces so the thread never dies
                pass
            if stop.wait(self.interval):
                break

    def stop(self, timeout: float = 1.0) -> None:
        """Stops the thread (waiting at most ``timeout`` seconds) and closes the socket. Idempotent;
        ``start()`` may be called again afterwards."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        with self._lock:
            self._thread = None
            if self._sock is not None:
                try:
                    self._sock.close()
                except OSError:
                    pass
                self._sock = None

    close = stop

    def __enter__(self) -> "ProcessHeartbeatClient":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _log_first_error(error: BaseException) -> None:
    global _error_logged
    with _error_lock:
        if _error_logged:
            return
        _error_logged = True
    log.debug("pm heartbeat: send failed (%s); further failures are only counted", error)


def send_heartbeat(
    process_id: Union[str, int, None] = None,
    address: Union[str, Tuple[str, int], None] = None,
    secret: Optional[str] = None,
) -> bool:
    """Sends one heartbeat (defaults from the PM_* variables). True if handed to the OS; never raises.
    Does nothing and returns False outside pm."""
    client = ProcessHeartbeatClient(process_id, address=address, secret=secret)
    try:
        return client.beat()
    finally:
        client.stop()
