package pm.cli;

import pm.core.HealthSettings;
import pm.core.LogSettings;
import pm.core.PmException;
import pm.core.ProcessSpec;
import pm.core.ProcessType;
import pm.core.RestartPolicy;
import pm.core.Signals;
import pm.core.Units;
import pm.core.Venv;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Turns {@code pm register SCRIPT [flags] [-- args]} into a validated {@link ProcessSpec}: resolves
 * paths against the caller's folder and infers the type, so the daemon gets nothing relative.
 */
final class Register {
    private Register() {}

    static ProcessSpec spec(CommandLine.Parsed p, Path cwd) {
        String scriptArg = p.arg(0);
        Path script = resolveScript(scriptArg, cwd);
        ProcessType type = p.has("type") ? ProcessType.parse(p.value("type", "")) : inferType(script);
        String name = p.value("name", defaultName(script));
        Path workdir = cwd;
        if (p.has("cwd")) {
            workdir = cwd.resolve(p.value("cwd", "")).normalize();
            if (!Files.isDirectory(workdir)) throw PmException.invalid("--cwd " + workdir + " is not a directory");
        }
        var env = new LinkedHashMap<String, String>();
        for (String e : p.values("env")) {
            Map.Entry<String, String> kv = ProcessSpec.parseEnv(e);
            env.put(kv.getKey(), kv.getValue());
        }
        // A Python app runs in the virtualenv kept beside it unless told otherwise; describe shows which.
        String interpreter = p.has("interpreter") || type != ProcessType.PYTHON ? p.value("interpreter", "")
                : Venv.find(script.getParent(), cwd).map(Path::toString).orElse("");
        return new ProcessSpec(
                name,
                type,
                script.toString(),
                p.rest(),
                interpreter,
                workdir.toString(),
                env,
                p.has("port") ? port(p.value("port", "")) : 0,
                p.value("health-check", ""),
                RestartPolicy.parse(p.value("restart-policy", "on-failure")),
                p.has("max-restarts") ? count(p.value("max-restarts", ""), "--max-restarts") : ProcessSpec.DEFAULT_MAX_RESTARTS,
                p.has("restart-delay") ? Units.parseDuration(p.value("restart-delay", "")) : ProcessSpec.DEFAULT_RESTART_DELAY,
                Signals.parse(p.value("stop-signal", "TERM")),
                p.has("kill-timeout") ? Units.parseDuration(p.value("kill-timeout", "")) : ProcessSpec.DEFAULT_KILL_TIMEOUT,
                new HealthSettings(
                        duration(p, "health-interval", HealthSettings.DEFAULT.interval()),
                        duration(p, "health-timeout", HealthSettings.DEFAULT.timeout()),
                        p.has("health-retries") ? count(p.value("health-retries", ""), "--health-retries") : HealthSettings.DEFAULT.retries(),
                        duration(p, "health-start-period", HealthSettings.DEFAULT.startPeriod())),
                duration(p, "heartbeat-timeout", ProcessSpec.DEFAULT_HEARTBEAT_TIMEOUT),
                p.has("max-memory") ? Units.parseSize(p.value("max-memory", "")) : 0,
                new LogSettings(
                        p.has("max-log-size") ? Units.parseSize(p.value("max-log-size", "")) : LogSettings.DEFAULT.maxSize(),
                        p.has("log-files") ? count(p.value("log-files", ""), "--log-files") : LogSettings.DEFAULT.keep()));
    }

    private static Duration duration(CommandLine.Parsed p, String flag, Duration fallback) {
        return p.has(flag) ? Units.parseDuration(p.value(flag, "")) : fallback;
    }

    /** A path (relative to the caller) that must exist, or a bare program name found on PATH. */
    static Path resolveScript(String arg, Path cwd) {
        if (arg.isEmpty()) throw PmException.invalid("the script is empty: give the program to run");
        Path local = cwd.resolve(arg).normalize();
        if (Files.isRegularFile(local)) return local;
        if (Files.isDirectory(local)) throw PmException.invalid(arg + " is a directory: give the file to run");
        if (!arg.contains("/")) {
            String path = System.getenv("PATH");
            if (path != null) {
                for (String dir : path.split(":")) {
                    Path p = Path.of(dir.isEmpty() ? "." : dir, arg);
                    if (Files.isExecutable(p) && Files.isRegularFile(p)) return p.toAbsolutePath().normalize();
                }
            }
        }
        throw PmException.invalid("script not found: " + local + " (check the path, it is relative to " + cwd + ")");
    }

    static ProcessType inferType(Path script) {
        String file = script.getFileName().toString().toLowerCase(Locale.ROOT);
        if (file.endsWith(".py")) return ProcessType.PYTHON;
        if (file.endsWith(".js") || file.endsWith(".mjs") || file.endsWith(".cjs")) return ProcessType.NODEJS;
        if (file.endsWith(".sh") || file.endsWith(".bash")) return ProcessType.SHELL;
        if (file.endsWith(".jar")) return ProcessType.JAVA;
        String shebang = shebang(script);
        if (shebang.contains("python")) return ProcessType.PYTHON;
        if (shebang.contains("node")) return ProcessType.NODEJS;
        if (shebang.matches(".*\\b(ba|da|z|k)?sh\\b.*")) return ProcessType.SHELL;
        if (Files.isExecutable(script)) return ProcessType.BINARY;
        throw PmException.invalid("cannot tell what kind of program " + script
                + " is: pass --type python, nodejs, shell, java or binary");
    }

    private static String shebang(Path script) {
        try (InputStream in = Files.newInputStream(script)) {
            byte[] head = in.readNBytes(256);
            String text = new String(head, StandardCharsets.ISO_8859_1);
            if (!text.startsWith("#!")) return "";
            int nl = text.indexOf('\n');
            return (nl < 0 ? text : text.substring(0, nl)).strip();
        } catch (IOException e) {
            return "";
        }
    }

    static String defaultName(Path script) {
        String file = script.getFileName().toString();
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }

    static int port(String text) {
        try {
            int port = Integer.parseInt(text.trim());
            if (port >= 1 && port <= 65535) return port;
        } catch (NumberFormatException ignored) {
            // fall through to the error
        }
        throw PmException.invalid("bad --port '" + text + "': use a number from 1 to 65535");
    }

    static int count(String text, String flag) {
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= 0) return n;
        } catch (NumberFormatException ignored) {
            // fall through to the error
        }
        throw PmException.invalid("bad " + flag + " '" + text + "': use a whole number, 0 or more");
    }
}
