package pm.cli;

import pm.core.ErrorCode;
import pm.core.Health;
import pm.core.Json;
import pm.core.PmException;
import pm.core.ProcessSpec;
import pm.core.ProcessState;
import pm.core.ProcessStatus;
import pm.core.ProcessType;
import pm.core.SpecBuilder;
import pm.core.Units;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static pm.cli.CommandLine.PM;

/** The verbs that talk to the daemon about processes: unregister, start, stop, restart, status, list, flush. */
final class Verbs {
    static final String NONE_REGISTERED = "no processes registered; add one with: " + PM + " register SCRIPT --name NAME";

    private final Client client;
    private final PrintStream out;
    private final Register register;

    Verbs(Client client, PrintStream out, Register register) {
        this.client = client;
        this.out = out;
        this.register = register;
    }

    int unregister(CommandLine.Parsed p) {
        for (var proc : statuses(client.call("unregister", target(p))))
            out.printf("%s: unregistered%n", proc.name());
        return 0;
    }

    int flush(CommandLine.Parsed p) {
        for (Object n : (List<?>) client.call("flush", target(p)).get("flushed")) out.printf("%s: logs flushed%n", n);
        return 0;
    }

    /**
     * {@code start NAME...}, or {@code start SCRIPT [flags] [-- args]}: a script that is not registered is
     * registered first, as register would, then started (PM2's {@code start app.py}).
     */
    int start(CommandLine.Parsed p) {
        boolean flags = p.dashed();
        for (String flag : p.opts().keySet()) flags |= !flag.equals("all") && !flag.equals("help");
        if (p.args().size() > 1 && isScript(p.arg(0)))
            throw new PmException(ErrorCode.USAGE, "unexpected argument '" + p.arg(1) + "' after the script; " + CommandLine.afterDashes(p, 1));
        String word = p.args().size() == 1 ? p.arg(0) : "";
        boolean file = !word.isEmpty() && !word.equals("all") && (word.contains("/") || isFile(word));
        if (file && p.has("all")) throw new PmException(ErrorCode.USAGE, "give a script or all, not both (see " + PM + " start --help)");
        if (file && !word.contains("/") && !flags) {
            // A file in this folder whose name is also an app's: the app wins.
            try {
                return report(client.call("start", target(p)));
            } catch (PmException e) {
                if (e.code() != ErrorCode.NOT_FOUND) throw e;
            }
        }
        if (file) {
            var spec = Register.spec(p, SpecBuilder.Context.ofCaller());
            register.enrol(spec);
            // By the app's name, which starts every copy as start NAME does; the reply names only the first (loop:0).
            return report(client.call("start", Map.of("names", List.of(spec.name()))));
        }
        if (flags)
            throw new PmException(ErrorCode.USAGE, (word.isEmpty() ? "register flags and --" : "'" + word + "' is no file: register flags and --")
                    + " go with a SCRIPT to register and start; to change a registered app: " + PM + " update NAME [OPTIONS]");
        try {
            return report(client.call("start", target(p)));
        } catch (PmException e) {
            // app.js that is neither a file nor an app was most likely meant as a script, mistyped or elsewhere.
            if (e.code() != ErrorCode.NOT_FOUND || word.isEmpty() || ProcessType.ofExtension(word) == null
                    || e.getMessage().contains("did you mean")) throw e;
            throw new PmException(ErrorCode.NOT_FOUND, "script not found: " + Path.of(word).toAbsolutePath()
                    + " (check the path, it is relative to " + Path.of("").toAbsolutePath() + "), and no app is named '" + word + "'");
        }
    }

    /**
     * Whether the first of several words is a script to register rather than an app's name: a path (no
     * name holds a '/'), or a file here that names no app (a registered name wins, as with one word).
     */
    private boolean isScript(String word) {
        if (word.contains("/")) return true;
        if (!isFile(word)) return false;
        try {
            client.call("status", Map.of("names", List.of(word), "fields", List.of("name")));
            return false;
        } catch (PmException e) {
            if (e.code() != ErrorCode.NOT_FOUND) throw e;
            return true;
        }
    }

    private static boolean isFile(String word) {
        try {
            return Files.isRegularFile(Path.of(word));
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    int stop(CommandLine.Parsed p) {
        var args = target(p);
        if (p.has("force")) args.put("force", true);
        return report(client.call("stop", args));
    }

    int restart(CommandLine.Parsed p) {
        return restartLike("restart", p);
    }

    int reload(CommandLine.Parsed p) {
        return restartLike("reload", p);
    }

    private int restartLike(String verb, CommandLine.Parsed p) {
        var args = target(p);
        if (p.has("env")) {
            var env = new LinkedHashMap<String, Object>();
            for (String e : p.values("env")) {
                var kv = ProcessSpec.parseEnv(e);
                env.put(kv.getKey(), kv.getValue());
            }
            args.put("env", env);
        }
        return report(client.call(verb, args));
    }

    /**
     * One line per process. A start or restart that could not spawn a process comes back as a SPAWN_FAILED
     * error from the daemon instead, with the reason, and never gets here.
     */
    private int report(Map<String, Object> result) {
        var procs = statuses(result);
        if (procs.isEmpty()) out.println("no processes registered");
        for (var proc : procs) {
            var line = new StringBuilder().append(proc.name()).append(": ").append(proc.state().wireName());
            if (proc.pid() != 0) line.append(" (pid ").append(proc.pid()).append(')');
            out.println(line);
        }
        return 0;
    }

    /** What the status table shows; the daemon sends only these (a daemon that predates this sends all). */
    private static final List<String> TABLE_FIELDS = List.of("id", "name", "type", "state", "pid", "uptime_ms", "restarts",
            "cpu_percent", "memory_bytes", "health", "port", "reason");

    int status(CommandLine.Parsed p) {
        var args = new LinkedHashMap<String, Object>();
        if (!p.args().isEmpty() && !p.args().equals(List.of("all"))) args.putAll(target(p));
        if (!p.has("json")) args.put("fields", TABLE_FIELDS);
        var result = client.call("status", args);
        if (p.has("json")) {
            out.println(Json.write(result));
            return 0;
        }
        var procs = statuses(result);
        for (Object w : (List<?>) result.getOrDefault("warnings", List.of())) System.err.println("warning: " + w);
        if (procs.isEmpty()) {
            out.println(NONE_REGISTERED);
            return 0;
        }
        var table = new Table(List.of("ID", "NAME", "TYPE", "STATE", "PID", "UPTIME", "RESTARTS", "CPU", "MEM", "HEALTH", "PORT"));
        // Below the terminal's width: the least asked-for columns go first, then long names are cut to 16
        // characters, then PID and UPTIME go, then names are cut further.
        table.fitting(Table.Fit.drop("PORT"), Table.Fit.drop("TYPE"), Table.Fit.drop("HEALTH"), Table.Fit.drop("RESTARTS"),
                Table.Fit.shorten("NAME", 16), Table.Fit.drop("PID"), Table.Fit.drop("UPTIME"), Table.Fit.shorten("NAME", 6));
        for (var proc : procs) {
            table.add(List.of(
                    Table.Cell.of(proc.id()),
                    Table.Cell.of(proc.name()),
                    Table.Cell.of(proc.type().wireName()),
                    new Table.Cell(proc.state().wireName(), stateColor(proc.state())),
                    Table.Cell.of(proc.pid() == 0 ? null : proc.pid()),
                    Table.Cell.of(proc.uptimeMillis() < 0 ? null : Units.formatAge(Duration.ofMillis(proc.uptimeMillis()))),
                    Table.Cell.of(proc.restarts()),
                    Table.Cell.of(Double.isNaN(proc.cpuPercent()) ? null : Units.oneDecimal(proc.cpuPercent()) + "%"),
                    Table.Cell.of(proc.memoryBytes() < 0 ? null : Units.formatSize(proc.memoryBytes())),
                    Table.Cell.of(proc.health() == Health.NONE ? null : proc.health().wireName()),
                    Table.Cell.of(proc.port() == 0 ? null : proc.port())));
        }
        int width = Table.width();
        print(table.render(Table.colorWanted(), width));
        for (var proc : procs) {
            if (proc.state().needsExplaining()) out.println(Table.cut("  " + proc.name() + ": " + proc.reason(), width));
        }
        return 0;
    }

    int list(CommandLine.Parsed p) {
        var result = client.call("list", Map.of());
        if (p.has("json")) {
            out.println(Json.write(result));
            return 0;
        }
        var procs = list(result.get("processes"));
        if (procs.isEmpty()) {
            out.println(NONE_REGISTERED);
            return 0;
        }
        var table = new Table(List.of("ID", "NAME", "TYPE", "SCRIPT", "POLICY", "PORT", "HEALTH CHECK", "DESIRED"));
        table.fitting(Table.Fit.drop("HEALTH CHECK"), Table.Fit.drop("PORT"), Table.Fit.drop("POLICY"), Table.Fit.drop("TYPE"),
                Table.Fit.shortenPath("SCRIPT", 24), Table.Fit.shorten("NAME", 16), Table.Fit.shortenPath("SCRIPT", 6),
                Table.Fit.shorten("NAME", 6));
        for (var proc : procs) {
            var spec = ProcessSpec.fromJson(proc);
            table.add(List.of(
                    Table.Cell.of(proc.get("id")),
                    Table.Cell.of(spec.name()),
                    Table.Cell.of(spec.type().wireName()),
                    Table.Cell.of(spec.script()),
                    Table.Cell.of(spec.restartPolicy().wireName()),
                    Table.Cell.of(spec.port() == 0 ? null : spec.port()),
                    Table.Cell.of(spec.healthCheck().isEmpty() ? null : spec.healthCheck()),
                    Table.Cell.of(proc.get("desired"))));
        }
        print(table.render(Table.colorWanted(), Table.width()));
        return 0;
    }

    /**
     * Writes text as bytes in the stream's charset, which is what {@code print} sends too, in one go:
     * {@code print} encodes through a writer in small chunks, about 3 ms for a table of 1000 processes.
     */
    private void print(String text) {
        byte[] bytes = text.getBytes(out.charset());
        out.write(bytes, 0, bytes.length);
    }

    static String stateColor(ProcessState state) {
        return switch (state) {
            case RUNNING -> Table.GREEN;
            case STARTING, STOPPING, BACKOFF, WAITING -> Table.YELLOW;
            case FATAL -> Table.RED;
            case STOPPED, EXITED -> Table.DIM;
        };
    }

    /**
     * The request arguments for the apps a command names: {@code all} (or {@code --all}), or names and ids,
     * which the daemon resolves; it reports every unknown one at once.
     */
    static Map<String, Object> target(CommandLine.Parsed p) {
        var args = new LinkedHashMap<String, Object>();
        boolean all = p.has("all") || p.args().contains("all");
        if (all && p.args().size() > (p.has("all") ? 0 : 1))
            throw new PmException(ErrorCode.USAGE, "give names or all, not both (see " + PM + " " + p.command().name() + " --help)");
        if (!all && p.args().isEmpty())
            throw new PmException(ErrorCode.USAGE, "give a NAME, an ID or all (see " + PM + " " + p.command().name() + " --help)");
        if (all) {
            args.put("all", true);
            return args;
        }
        for (String name : p.args()) ProcessSpec.checkName(name);
        args.put("names", p.args());
        return args;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** The {@code processes} of a reply, as status records. */
    static List<ProcessStatus> statuses(Map<String, Object> result) {
        var out = new java.util.ArrayList<ProcessStatus>();
        for (var m : list(result.get("processes"))) out.add(ProcessStatus.fromJson(m));
        return out;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object o) {
        return o instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }
}
