"""Core pieces of the pm client: heartbeats."""

from .heartbeat import ProcessHeartbeatClient, send_heartbeat

__all__ = ["ProcessHeartbeatClient", "send_heartbeat"]
