"""Client helpers for apps run by pm (standard library only, Python 3.9+).

pm puts the folder that holds this package on PYTHONPATH of every Python app it starts, so
``from process_manager.core.heartbeat import ProcessHeartbeatClient`` works without installing
anything. See clients/README.md.
"""

from .core.heartbeat import ProcessHeartbeatClient, send_heartbeat

__all__ = ["ProcessHeartbeatClient", "send_heartbeat"]
