package pm.cli;

import pm.core.Json;
import pm.core.ProcessSpec;
import pm.core.Units;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** {@code pm describe NAME}: everything about one process, as aligned "field  value" lines. */
final class Describe {
    private final Client client;
    private final PrintStream out;

    Describe(Client client, PrintStream out) {
        this.client = client;
        this.out = out;
    }

    int run(CommandLine.Parsed p) {
        ProcessSpec.checkName(p.arg(0));
        var proc = Verbs.map(client.call("describe", Map.of("name", p.arg(0))).get("process"));
        if (p.has("json")) {
            out.println(Json.write(proc));
            return 0;
        }
        var spec = Verbs.map(proc.get("spec"));
        out.printf("%s (id %s, %s)%n", proc.get("name"), proc.get("id"), proc.get("type"));
        String state = String.valueOf(proc.get("state"));
        if (proc.get("pid") != null) {
            state += " (pid " + proc.get("pid") + (proc.get("processes") instanceof Number n ? ", " + n + " process(es) in its group" : "")
                    + ", up " + Units.formatAge(Duration.ofMillis(((Number) proc.get("uptime_ms")).longValue())) + ")";
        }
        line("state", state);
        boolean cgroup = "cgroup".equals(proc.get("tracking"));
        if (proc.get("pids") instanceof List<?> pids && pids.size() > 1)
            line("pids", String.join(" ", pids.stream().map(String::valueOf).toList()) + (cgroup ? " (its cgroup)" : " (its process group)"));
        if (proc.get("tracking") != null) line("tracking", cgroup ? "cgroup " + proc.get("cgroup") : "process group");
        line("desired", proc.get("desired"));
        line("restarts", proc.get("restarts"));
        if (!"".equals(proc.get("reason"))) line("reason", proc.get("reason"));
        if (proc.get("last_exit") instanceof Map<?, ?> exit) line("last exit", exitLine(exit));
        String health = String.valueOf(proc.get("health"));
        if (proc.get("health_check") != null) {
            health += "  " + proc.get("health_check") + " every " + ms(spec.get("health_interval_ms"))
                    + ", timeout " + ms(spec.get("health_timeout_ms")) + ", " + spec.get("health_retries") + " failures";
            if (proc.get("health_detail") != null) health += "; last: " + proc.get("health_detail");
        }
        line("health", health);
        line("heartbeat", heartbeatLine(proc));
        if (proc.get("cpu_percent") instanceof Number cpu) {
            line("cpu", Units.oneDecimal(cpu.doubleValue()) + "%  recent: " + join(proc.get("recent_cpu_percent"), false));
            line("memory", Units.formatSize(((Number) proc.get("memory_bytes")).longValue())
                    + "  recent: " + join(proc.get("recent_memory_bytes"), true));
        }
        line("script", spec.get("script") + (((List<?>) spec.get("args")).isEmpty() ? "" : " " + String.join(" ", strings(spec.get("args")))));
        if (!"".equals(spec.get("interpreter"))) line("interpreter", spec.get("interpreter"));
        line("cwd", spec.get("cwd"));
        var env = Verbs.map(spec.get("env"));
        if (!env.isEmpty()) line("env", String.join(" ", env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
        if (proc.get("port") != null) line("port", proc.get("port"));
        line("policy", spec.get("restart_policy") + ", max " + spec.get("max_restarts") + " restarts in a row, first delay "
                + ms(spec.get("restart_delay_ms")));
        line("stop", spec.get("stop_signal") + ", SIGKILL after " + ms(spec.get("kill_timeout_ms")));
        if (((Number) spec.get("max_memory_bytes")).longValue() > 0)
            line("max memory", Units.formatSize(((Number) spec.get("max_memory_bytes")).longValue()));
        line("out log", proc.get("out_log"));
        line("err log", proc.get("err_log"));
        var history = Verbs.list(proc.get("history"));
        if (!history.isEmpty()) {
            out.println("history");
            for (var h : history) {
                out.printf("  %s  %s -> %s%s%n", h.get("at"), h.get("from"), h.get("to"),
                        "".equals(h.get("reason")) ? "" : "  " + h.get("reason"));
            }
        }
        return 0;
    }

    private void line(String field, Object value) {
        out.printf("  %-11s %s%n", field, value);
    }

    private static String exitLine(Map<?, ?> exit) {
        String what = switch (String.valueOf(exit.get("kind"))) {
            case "exited" -> "exited with status " + exit.get("code");
            case "signalled" -> "killed by " + exit.get("signal");
            default -> "failed to start: " + exit.get("reason");
        };
        return what + (exit.get("at") == null ? "" : " at " + exit.get("at"));
    }

    private static String heartbeatLine(Map<String, Object> proc) {
        long timeout = ((Number) proc.get("heartbeat_timeout_ms")).longValue();
        String limit = timeout == 0 ? "timeout off" : "timeout " + Units.formatDuration(Duration.ofMillis(timeout));
        String rejected = ((Number) proc.get("rejected_heartbeats")).longValue() == 0 ? "" : ", " + proc.get("rejected_heartbeats") + " rejected";
        if (proc.get("heartbeat_at") == null) return "none received (" + limit + rejected + ")";
        long age = Duration.between(Instant.parse((String) proc.get("heartbeat_at")), Instant.now()).toMillis();
        return "last " + Units.formatAge(Duration.ofMillis(age)) + " ago (" + limit + rejected + ")";
    }

    private static String ms(Object millis) {
        return Units.formatDuration(Duration.ofMillis(((Number) millis).longValue()));
    }

    private static String join(Object values, boolean sizes) {
        var parts = new java.util.ArrayList<String>();
        for (Object v : (List<?>) values) {
            parts.add(sizes ? Units.formatSize(((Number) v).longValue()) : String.valueOf(v));
        }
        int from = Math.max(0, parts.size() - 10);
        return String.join(" ", parts.subList(from, parts.size()));
    }

    private static List<String> strings(Object list) {
        return ((List<?>) list).stream().map(String::valueOf).toList();
    }
}
