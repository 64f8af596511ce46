package pm.daemon.controller;

import pm.core.Home;
import pm.core.ProcessSpec;
import pm.core.ProcessType;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Spawns an app in its own session and process group ({@code posix_spawn} with POSIX_SPAWN_SETSID),
 * with stdout and stderr appended straight to its log files, so the daemon never sits between the app
 * and its output (DESIGN.md principle 1). The app's pid is also its process group id.
 */
public final class Launcher {
    /** Why a spawn did not happen; the message is shown to the user as is. */
    public static final class SpawnFailure extends Exception {
        public SpawnFailure(String message) {
            super(message, null, false, false);
        }
    }

    private final Home home;
    /** Programs found on PATH, by name; the engine thread's only. */
    private final Map<String, String> resolved = new HashMap<>();
    /** pm's heartbeat client libraries, put on Python's and Node.js's module path so apps can import them. */
    private final Path clients;

    public Launcher(Home home, Path clients) {
        this.home = home;
        this.clients = clients;
    }

    /** Starts the app in its own session and process group; returns its pid, which is also its group id. */
    public long spawn(int id, ProcessSpec spec, Map<String, String> pmEnv) throws SpawnFailure {
        var command = commandFor(spec);
        // An interpreter given a script it cannot read would start and fail at once; say why instead.
        if (!new File(spec.script()).canRead()) throw new SpawnFailure("cannot read " + spec.script());
        var env = new LinkedHashMap<>(System.getenv());
        env.putAll(spec.env());
        env.put("PM_PROCESS_ID", Integer.toString(id));
        env.put("PM_NAME", spec.name());
        if (spec.port() != 0) env.put("PORT", Integer.toString(spec.port()));
        env.putAll(pmEnv);
        switch (spec.type()) {
            case PYTHON -> {
                env.put("PYTHONUNBUFFERED", "1");
                prependPath(env, "PYTHONPATH", clients.resolve("python"));
            }
            case NODEJS -> prependPath(env, "NODE_PATH", clients.resolve("node"));
            case SHELL, JAVA, BINARY -> { }
        }
        var envList = new ArrayList<String>(env.size());
        env.forEach((k, v) -> envList.add(k + "=" + v));
        String program = resolve(command.getFirst());
        try {
            // The spawn itself creates the log files, owner-only (0600): logs often hold what no one else should read.
            return Posix.spawn(program, command, envList, spec.cwd(),
                    home.outLog(spec.name()).toString(), home.errLog(spec.name()).toString());
        } catch (Posix.Failure e) {
            resolved.remove(command.getFirst());
            // Checked only after a failure: on a restart's path these checks took longer than the spawn.
            throw new SpawnFailure(whyNot(spec, command.getFirst()).orElse(e.getMessage()));
        }
    }

    /**
     * A bare program name (bash, python3, node) as found on the daemon's PATH, remembered: letting the
     * child search PATH cost a failed execve per folder before the right one (0.4 ms for bash here), on
     * the path of every restart. A path remembered is looked up again after a spawn that failed; an
     * interpreter installed meanwhile earlier on PATH is found by the next daemon.
     */
    private String resolve(String program) throws SpawnFailure {
        if (program.contains("/")) return program;
        String found = resolved.get(program);
        if (found == null) {
            found = onPath(program, System.getenv("PATH"));
            if (found.isEmpty()) throw new SpawnFailure(notOnPath(program));
            resolved.put(program, found);
        }
        return found;
    }

    private static String notOnPath(String program) {
        return program + " is not on PATH; install it or pass --interpreter";
    }

    /** What stops the app from starting, in words a user can act on, if a check finds it. */
    private Optional<String> whyNot(ProcessSpec spec, String program) {
        if (!Files.isDirectory(Path.of(spec.cwd()))) return Optional.of("working directory " + spec.cwd() + " does not exist");
        if (!program.contains("/")) {
            if (onPath(program, System.getenv("PATH")).isEmpty())
                return Optional.of(notOnPath(program));
        } else if (!Files.isExecutable(Path.of(program))) {
            return Optional.of(program + " is not executable (chmod +x it, or pass --type or --interpreter)");
        }
        if (!Files.isWritable(home.logs())) return Optional.of("cannot create its log files in " + home.logs() + ": not writable");
        return Optional.empty();
    }

    /** Appends pm's folder to a search path the app may already have; the app's own entries win. */
    private static void prependPath(Map<String, String> env, String name, Path dir) {
        String old = env.get(name);
        env.put(name, old == null || old.isEmpty() ? dir.toString() : old + ":" + dir);
    }

    /** The command line for a spec, without the setsid prefix. */
    public static List<String> commandFor(ProcessSpec spec) {
        var cmd = new ArrayList<String>();
        String interpreter = spec.interpreter().isEmpty() ? spec.type().defaultInterpreter() : spec.interpreter();
        switch (spec.type()) {
            case PYTHON -> {
                cmd.add(interpreter);
                cmd.add("-u"); // unbuffered, so log lines appear at once
            }
            case JAVA -> {
                cmd.add(interpreter);
                cmd.add("-jar");
            }
            case NODEJS, SHELL, BINARY -> {
                if (!interpreter.isEmpty()) cmd.add(interpreter);
            }
        }
        cmd.add(spec.script());
        cmd.addAll(spec.args());
        return cmd;
    }

    static String onPath(String program, String path) {
        if (path == null) return "";
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) return p.toString();
        }
        return "";
    }
}
