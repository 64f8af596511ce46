package pm.daemon.events;

import pm.core.Health;
import pm.core.ProcessState;
import pm.core.ProcessStatus;
import pm.core.UtcTime;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Something that happened to a process that a watcher (the dashboard, a script following the event
 * stream) wants to hear about at once. The engine makes these where it records the change; the JSON form
 * is the event stream's contract (docs/http.md).
 */
public sealed interface ProcessEvent {
    long atMillis();

    String name();

    /** The event's name on the stream ({@code event:} of server-sent events). */
    String kind();

    /** Its JSON, without the sequence number the stream adds. */
    Map<String, Object> fields();

    /** The state changed: {@code reason} says why, {@code pid} is the run's (0 for none). */
    record StateChanged(long atMillis, String name, ProcessState from, ProcessState to, String reason, long pid, int restarts)
            implements ProcessEvent {
        public String kind() {
            return "state";
        }

        public Map<String, Object> fields() {
            var m = head(this);
            m.put("from", from.wireName());
            m.put("to", to.wireName());
            m.put("reason", reason);
            m.put("pid", pid == 0 ? null : pid);
            m.put("restarts", restarts);
            return m;
        }
    }

    /** What the health check or heartbeats say changed; {@code detail} is what the last probe saw. */
    record HealthChanged(long atMillis, String name, Health from, Health to, String detail) implements ProcessEvent {
        public String kind() {
            return "health";
        }

        public Map<String, Object> fields() {
            var m = head(this);
            m.put("from", from.wireName());
            m.put("to", to.wireName());
            m.put("detail", detail.isEmpty() ? null : detail);
            return m;
        }
    }

    /** Heartbeats began (the run's first, or the first after a silence) or fell silent. */
    record HeartbeatChanged(long atMillis, String name, boolean beating, long lastBeatAtMillis) implements ProcessEvent {
        public String kind() {
            return "heartbeat";
        }

        public Map<String, Object> fields() {
            var m = head(this);
            m.put("state", beating ? "beating" : "lost");
            m.put("heartbeat_at", lastBeatAtMillis == 0 ? null : UtcTime.format(lastBeatAtMillis));
            return m;
        }
    }

    /** pm restarted it by itself (its policy, a failed health check, --max-memory); {@code reason} says why. */
    record Restarted(long atMillis, String name, int restarts, String reason) implements ProcessEvent {
        public String kind() {
            return "restart";
        }

        public Map<String, Object> fields() {
            var m = head(this);
            m.put("restarts", restarts);
            m.put("reason", reason);
            return m;
        }
    }

    /** A process was registered; {@code process} is its status, as the process list shows it. */
    record Registered(long atMillis, String name, ProcessStatus process) implements ProcessEvent {
        public String kind() {
            return "registered";
        }

        public Map<String, Object> fields() {
            return withProcess(this, process);
        }
    }

    /** A process's spec was replaced ({@code pm update}, a scale); {@code process} is its status, with the new spec's fields. */
    record Updated(long atMillis, String name, ProcessStatus process) implements ProcessEvent {
        public String kind() {
            return "updated";
        }

        public Map<String, Object> fields() {
            return withProcess(this, process);
        }
    }

    record Unregistered(long atMillis, String name) implements ProcessEvent {
        public String kind() {
            return "unregistered";
        }

        public Map<String, Object> fields() {
            return head(this);
        }
    }

    private static Map<String, Object> withProcess(ProcessEvent e, ProcessStatus process) {
        var m = head(e);
        m.put("process", process.toJson());
        return m;
    }

    private static Map<String, Object> head(ProcessEvent e) {
        var m = new LinkedHashMap<String, Object>();
        m.put("at", UtcTime.format(e.atMillis()));
        m.put("name", e.name());
        return m;
    }
}
