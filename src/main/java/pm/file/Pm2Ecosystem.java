package pm.file;

import pm.core.Copies;
import pm.core.Json;
import pm.core.PmException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code pm import pm2 FILE}: a PM2 ecosystem file as a pm.yaml. A {@code .js} file is evaluated with
 * {@code node}, as PM2 does ({@code require} it, print it as JSON); a {@code .json} is read as it is.
 */
public final class Pm2Ecosystem {
    private Pm2Ecosystem() {}

    /** Settings pm has no use for, or handles by itself, with why, as the note beside the app says. */
    private static final Map<String, String> UNMAPPED = Map.ofEntries(
            Map.entry("watch", "pm does not restart on file changes"),
            Map.entry("ignore_watch", "pm does not restart on file changes"),
            Map.entry("watch_delay", "pm does not restart on file changes"),
            Map.entry("cron_restart", "pm has no timed restarts: run pm restart NAME from cron"),
            Map.entry("min_uptime", "pm counts a run of 1s as stable"),
            Map.entry("wait_ready", "give a health_check: pm counts the app started once it passes"),
            Map.entry("listen_timeout", "give a health_check: pm counts the app started once it passes"),
            Map.entry("shutdown_with_message", "pm stops apps with a signal (stop_signal)"),
            Map.entry("merge_logs", "pm keeps each app's stdout and stderr in $PM_HOME/logs"),
            Map.entry("log_date_format", "pm writes lines as the app wrote them"),
            Map.entry("time", "pm writes lines as the app wrote them"),
            Map.entry("pid_file", "pm keeps pids itself (pm status)"),
            Map.entry("namespace", "pm has no namespaces"),
            Map.entry("increment_var", "copy i of an app gets PM_INSTANCE=i and, with a port P, PORT=P+i"),
            Map.entry("instance_var", "copy i of an app gets PM_INSTANCE=i"),
            Map.entry("source_map_support", "a Node.js option: pass it in interpreter"),
            Map.entry("vizion", "pm keeps no versioning metadata"),
            Map.entry("filter_env", "apps get the daemon's environment plus env"));

    private static final long PM2_MAX_RESTARTS = 16;

    private static final Set<String> LOGS = Set.of("out_file", "error_file", "log_file", "output", "error", "log", "out", "err", "out_log", "err_log");

    public static Imported.Output yaml(Path file, String shown) {
        Object root = read(file, shown);
        // PM2 takes {apps: [...]}, a list of apps, or one app ({script: ...}).
        boolean oneApp = root instanceof Map<?, ?> m && !m.containsKey("apps") && (m.containsKey("script") || m.containsKey("exec"));
        Object apps = root instanceof Map<?, ?> m && !oneApp ? m.get("apps") : root;
        List<?> list = apps instanceof List<?> l ? l : apps instanceof Map<?, ?> one ? List.of(one) : List.of();
        if (list.isEmpty()) {
            String near = root instanceof Map<?, ?> m && !m.containsKey("apps") ? pm.core.Names.nearest("apps",
                    m.keySet().stream().map(String::valueOf).toList()) : "";
            throw PmException.invalid(shown + ": no apps in it: PM2 reads apps: [{name, script, ...}]"
                    + (near.isEmpty() ? "" : " (it has " + near + ":, not apps:)"));
        }
        var out = new ArrayList<Imported>();
        var names = new HashSet<String>();
        var fileNotes = new ArrayList<String>();
        if (root instanceof Map<?, ?> m && m.containsKey("deploy")) fileNotes.add("deploy - pm does not deploy code");
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> app)) throw PmException.invalid(shown + ": an app is not an object: " + o);
            out.add(app(app, names));
        }
        return Imported.yaml("pm2", shown, fileNotes, out);
    }

    private static Object read(Path file, String shown) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!Files.isRegularFile(file)) throw PmException.invalid(shown + ": no such file");
        try {
            if (name.endsWith(".json")) return Json.parse(Files.readString(file));
        } catch (IOException | Json.ParseException e) {
            throw PmException.invalid(shown + ": cannot read it as JSON: " + e.getMessage());
        }
        return evaluate(file.toAbsolutePath(), shown);
    }

    /**
     * The module's export as PM2 loads it: node requires the file and writes it as JSON to a file of its
     * own, as the module may print on stdout itself (a console.log at its top).
     */
    private static Object evaluate(Path file, String shown) {
        Path json;
        try {
            json = Files.createTempFile("pm-import-", ".json");
        } catch (IOException e) {
            throw PmException.invalid(shown + ": cannot make a temporary file for node's answer: " + e.getMessage());
        }
        try {
            return evaluate(file, shown, json);
        } finally {
            try {
                Files.deleteIfExists(json);
            } catch (IOException ignored) {
                // a temporary file left behind is harmless
            }
        }
    }

    private static Object evaluate(Path file, String shown, Path json) {
        Process node;
        try {
            node = new ProcessBuilder("node", "-e", "const c = require(process.argv[1]);"
                    + " require('fs').writeFileSync(process.argv[2], JSON.stringify(c && c.default ? c.default : c))",
                    file.toString(), json.toString()).directory(file.getParent().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw PmException.invalid(shown + ": node is needed to evaluate it (" + e.getMessage() + "): install Node.js, or give the ecosystem as .json");
        }
        try {
            var stderr = new java.util.concurrent.CompletableFuture<String>();
            Thread.ofVirtual().start(() -> {
                try {
                    stderr.complete(new String(node.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    stderr.complete("");
                }
            });
            if (!node.waitFor(30, TimeUnit.SECONDS)) {
                node.destroyForcibly();
                throw PmException.invalid(shown + ": node did not finish evaluating it within 30s");
            }
            if (node.exitValue() != 0) {
                String err = stderr.join().strip();
                String line = err.lines().filter(l -> l.contains("Error")).findFirst().orElse(err.lines().findFirst().orElse(""));
                throw PmException.invalid(shown + ": node could not evaluate it: " + line);
            }
            return Json.parse(Files.readString(json));
        } catch (IOException | Json.ParseException e) {
            throw PmException.invalid(shown + ": cannot read what node made of it: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PmException.invalid(shown + ": interrupted");
        }
    }

    private static Imported app(Map<?, ?> app, Set<String> names) {
        Object script = app.containsKey("script") ? app.get("script") : app.get("exec");
        String wanted = app.get("name") instanceof String n ? n : script instanceof String s ? baseName(s) : "app";
        String name = unique(Imported.appName(wanted), names);
        var out = new Imported(name);
        if (!name.equals(wanted)) out.note("name", wanted, "renamed to " + name + ", a name pm takes");
        String cwd = app.get("cwd") instanceof String c ? c : null;
        if (script instanceof String s && !s.isBlank()) {
            // PM2 finds a relative script in the app's folder.
            out.put("script", esc(Imported.inFolder(cwd, s)));
        } else {
            out.note("script", script == null ? "(none)" : script, "PM2 needs one too: set script before applying");
        }
        interpreter(app, out);
        if (app.get("args") instanceof String a) out.put("args", esc(Imported.words(a)));
        else if (app.get("args") instanceof List<?> l) out.put("args", esc(l.stream().map(String::valueOf).toList()));
        if (cwd != null) out.put("cwd", esc(cwd));
        if (app.get("env") instanceof Map<?, ?> env && !env.isEmpty()) {
            var vars = new java.util.LinkedHashMap<String, Object>();
            env.forEach((k, v) -> vars.put(String.valueOf(k), esc(String.valueOf(v))));
            out.put("env", vars);
        }
        policy(app, out);
        // PM2's own default, which differs from pm's: 16 quick restarts (within 1s of a start) before it gives up.
        if (app.get("max_restarts") instanceof Number n) out.put("max_restarts", n.longValue());
        else if (!"never".equals(out.keys.get("restart_policy"))) out.put("max_restarts", PM2_MAX_RESTARTS);
        Object delay = app.containsKey("exp_backoff_restart_delay") ? app.get("exp_backoff_restart_delay") : app.get("restart_delay");
        if (delay instanceof Number n) out.put("restart_delay", n.longValue() + "ms");
        if (app.containsKey("exp_backoff_restart_delay") && app.containsKey("restart_delay"))
            out.note("restart_delay", app.get("restart_delay"), "pm backs off from exp_backoff_restart_delay, doubling each time");
        Object memory = app.get("max_memory_restart");
        if (memory instanceof Number n) out.put("max_memory", n.longValue() + "B");
        else if (memory instanceof String m) out.put("max_memory", m.strip().toUpperCase(Locale.ROOT));
        // PM2 stops an app with SIGINT (its graceful-shutdown docs have apps listen for it), pm with SIGTERM by default.
        out.put("stop_signal", "SIGINT");
        if (app.get("kill_timeout") instanceof Number n) out.put("kill_timeout", n.longValue() + "ms");
        if (app.get("autostart") instanceof Boolean b && !b) out.put("autostart", false);
        copies(app, out);
        if (Boolean.FALSE.equals(app.get("treekill"))) out.note("treekill", false, "pm always stops the app's whole process group");
        for (var e : app.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (LOGS.contains(key)) out.note(key, e.getValue(), "pm writes logs to $PM_HOME/logs/" + name + ".out.log and .err.log (pm logs " + name + ")");
            else if (key.startsWith("env_")) out.note(key, "{...}", "PM2's --env " + key.substring(4) + ": put those variables in an env_file, or use ${VAR}");
            else if (UNMAPPED.containsKey(key)) out.note(key, e.getValue(), UNMAPPED.get(key));
            else if (!KNOWN.contains(key)) out.note(key, e.getValue(), "pm has no such setting");
        }
        return out;
    }

    private static final Set<String> KNOWN = Set.of("name", "script", "exec", "cwd", "args", "interpreter", "exec_interpreter",
            "interpreter_args", "node_args", "env", "autorestart", "stop_exit_codes", "max_restarts", "restart_delay",
            "exp_backoff_restart_delay", "max_memory_restart", "kill_timeout", "autostart", "treekill", "instances", "exec_mode");

    /**
     * PM2's instances as pm's copies; a count by the CPUs ({@code max}, 0, -1) is left to the user, as this
     * machine's count need not be the server's. Cluster mode shares one port among the workers; pm's copies
     * share one only as a held socket, which the app must take (fd 3, LISTEN_FDS), so that is a note.
     */
    private static void copies(Map<?, ?> app, Imported out) {
        Object n = app.get("instances");
        if (n instanceof Number c && c.longValue() >= 1 && c.longValue() <= Copies.MAX) {
            if (c.longValue() > 1) out.put("instances", c.longValue());
        } else if (n != null) {
            out.note("instances", n, "pm runs a fixed number of copies, 1 to " + Copies.MAX + ": set instances");
        }
        if ("cluster".equals(app.get("exec_mode")) || "cluster_mode".equals(app.get("exec_mode")))
            out.note("exec_mode", app.get("exec_mode"), "copies get PORT=P+i each; to share one port, give sockets: [tcp://HOST:P] and serve fd 3");
    }

    private static void interpreter(Map<?, ?> app, Imported out) {
        Object given = app.containsKey("interpreter") ? app.get("interpreter") : app.get("exec_interpreter");
        Object extra = app.containsKey("interpreter_args") ? app.get("interpreter_args") : app.get("node_args");
        String args = extra instanceof List<?> l ? String.join(" ", l.stream().map(String::valueOf).toList()) : extra instanceof String s ? s : "";
        if ("none".equals(given)) {
            out.put("type", "binary");
            if (!args.isEmpty()) out.note("interpreter_args", args, "interpreter none runs the script itself");
            return;
        }
        String program = given instanceof String s ? s : "";
        String base = program.substring(program.lastIndexOf('/') + 1);
        if (base.startsWith("python")) out.put("type", "python");
        else if (base.equals("node") || base.equals("nodejs")) out.put("type", "nodejs");
        else if (base.equals("bash") || base.equals("sh")) out.put("type", "shell");
        if (program.isEmpty() && !args.isEmpty()) program = "node";
        if (!program.isEmpty()) out.put("interpreter", esc((program + " " + args).strip()));
    }

    private static void policy(Map<?, ?> app, Imported out) {
        Object auto = app.get("autorestart");
        Object codes = app.get("stop_exit_codes");
        boolean zeroOnly = codes instanceof List<?> l && l.size() == 1 && l.getFirst() instanceof Number n && n.intValue() == 0
                || codes instanceof Number c && c.intValue() == 0;
        // PM2's autorestart is true unless set false: it restarts an app after any exit, 0 too.
        if (Boolean.FALSE.equals(auto)) out.put("restart_policy", "never");
        else if (zeroOnly) out.put("restart_policy", "on-failure");
        else out.put("restart_policy", "always");
        if (codes != null && !zeroOnly) out.note("stop_exit_codes", codes, "pm's on-failure treats 0 alone as success");
    }

    static String unique(String name, Set<String> taken) {
        String n = name;
        for (int i = 2; !taken.add(n); i++) n = name + "-" + i;
        return n;
    }

    private static String baseName(String script) {
        String file = script.substring(script.lastIndexOf('/') + 1);
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }

    private static String esc(String s) {
        return Variables.escape(s);
    }

    private static List<String> esc(List<String> l) {
        return l.stream().map(Variables::escape).toList();
    }
}
