package pm.cli;

import pm.core.Json;
import pm.core.ProcessDescription;
import pm.core.ProcessSpec;
import pm.core.Signals;
import pm.core.Units;
import pm.core.UtcTime;

import java.io.PrintStream;
import java.time.Duration;
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
        var raw = Verbs.map(client.call("describe", Map.of("name", p.arg(0))).get("process"));
        if (p.has("json")) {
            out.println(Json.write(raw));
            return 0;
        }
        var d = ProcessDescription.fromJson(raw);
        var proc = d.status();
        var spec = d.spec();
        out.printf("%s (id %s, %s)%n", proc.name(), proc.id(), proc.type().wireName());
        String state = proc.state().wireName();
        if (proc.pid() != 0) {
            state += " (pid " + proc.pid() + (proc.processes() >= 0 ? ", " + proc.processes() + " process(es) in its group" : "")
                    + ", up " + Units.formatAge(Duration.ofMillis(Math.max(0, proc.uptimeMillis()))) + ")";
        }
        line("state", state);
        if (d.pids().size() > 1)
            line("pids", String.join(" ", d.pids().stream().map(String::valueOf).toList()) + " (its process group)");
        line("desired", proc.wanted() ? "running" : "stopped");
        line("restarts", proc.restarts());
        if (!proc.reason().isEmpty()) line("reason", proc.reason());
        proc.lastExit().ifPresent(exit -> line("last exit", exit.describe()
                + (proc.lastExitAtMillis() == 0 ? "" : " at " + UtcTime.format(proc.lastExitAtMillis()))));
        String health = proc.health().wireName();
        if (!proc.healthCheck().isEmpty()) {
            var h = spec.health();
            health += "  " + proc.healthCheck() + " every " + Units.formatDuration(h.interval())
                    + ", timeout " + Units.formatDuration(h.timeout()) + ", " + h.retries() + " failures";
            if (!proc.healthDetail().isEmpty()) health += "; last: " + proc.healthDetail();
        }
        line("health", health);
        line("heartbeat", heartbeatLine(d));
        if (proc.sampled() && !Double.isNaN(proc.cpuPercent())) {
            line("cpu", Units.oneDecimal(proc.cpuPercent()) + "%  recent: " + join(d.recentCpuPercent(), false));
            line("memory", Units.formatSize(proc.memoryBytes()) + "  recent: " + join(d.recentMemoryBytes(), true));
        }
        // As a shell reads it back: an argument that holds a space is one argument.
        var command = new StringBuilder(CommandLine.quote(spec.script()));
        for (String a : spec.args()) command.append(' ').append(CommandLine.quote(a));
        line("script", command);
        if (!spec.interpreter().isEmpty()) line("interpreter", spec.interpreter());
        line("cwd", spec.cwd());
        if (!spec.env().isEmpty())
            line("env", String.join(" ", new java.util.TreeMap<>(spec.env()).entrySet().stream()
                    .map(e -> CommandLine.quote(e.getKey() + "=" + e.getValue())).toList()));
        if (proc.port() != 0) line("port", proc.port());
        line("policy", spec.restartPolicy().wireName() + ", max " + spec.maxRestarts() + " restarts in a row, first delay "
                + Units.formatDuration(spec.restartDelay()));
        line("stop", Signals.name(spec.stopSignal()) + ", SIGKILL after " + Units.formatDuration(spec.killTimeout()));
        if (spec.maxMemory() > 0) line("max memory", Units.formatSize(spec.maxMemory()));
        line("out log", proc.outLog());
        line("err log", proc.errLog());
        if (!d.history().isEmpty()) {
            out.println("history");
            for (var h : d.history()) {
                out.printf("  %s  %s -> %s%s%n", UtcTime.format(h.atMillis()), h.from().wireName(), h.to().wireName(),
                        h.reason().isEmpty() ? "" : "  " + h.reason());
            }
        }
        return 0;
    }

    private void line(String field, Object value) {
        out.printf("  %-11s %s%n", field, value);
    }

    private static String heartbeatLine(ProcessDescription d) {
        long timeout = d.heartbeatTimeout().toMillis();
        String limit = timeout == 0 ? "timeout off" : "timeout " + Units.formatDuration(d.heartbeatTimeout());
        String rejected = d.rejectedHeartbeats() == 0 ? "" : ", " + d.rejectedHeartbeats() + " rejected";
        long at = d.status().heartbeatAtMillis();
        if (at == 0) return "none received (" + limit + rejected + ")";
        return "last " + Units.formatAge(Duration.ofMillis(System.currentTimeMillis() - at)) + " ago (" + limit + rejected + ")";
    }

    private static String join(List<? extends Number> values, boolean sizes) {
        var parts = new java.util.ArrayList<String>();
        for (Number v : values) parts.add(sizes ? Units.formatSize(v.longValue()) : String.valueOf(v.doubleValue()));
        int from = Math.max(0, parts.size() - 10);
        return String.join(" ", parts.subList(from, parts.size()));
    }
}
