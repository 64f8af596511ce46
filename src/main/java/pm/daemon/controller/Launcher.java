package pm.daemon.controller;

import pm.core.Home;
import pm.core.ProcessSpec;
import pm.core.ProcessType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    /** pm's heartbeat client libraries, put on Python's and Node.js's module path so apps can import them. */
    private final Path clients;

    public Launcher(Home home, Path clients) {
        this.home = home;
        this.clients = clients;
    }

    /** Starts the app in its own session and process group; returns its pid, which is also its group id. */
    public long spawn(int id, ProcessSpec spec, Map<String, String> pmEnv) throws SpawnFailure {
        var command = commandFor(spec);
        Path cwd = Path.of(spec.cwd());
        if (!Files.isDirectory(cwd)) throw new SpawnFailure("working directory " + cwd + " does not exist");
        if (!Files.isReadable(Path.of(spec.script()))) throw new SpawnFailure("cannot read " + spec.script());
        String program = command.getFirst();
        if (!program.contains("/")) {
            program = onPath(program, System.getenv("PATH"));
            if (program.isEmpty()) throw new SpawnFailure(command.getFirst() + " is not on PATH; install it or pass --interpreter");
        } else if (!Files.isExecutable(Path.of(program))) {
            throw new SpawnFailure(program + " is not executable (chmod +x it, or pass --type or --interpreter)");
        }
        try {
            ownerOnly(home.outLog(spec.name()));
            ownerOnly(home.errLog(spec.name()));
        } catch (IOException e) {
            throw new SpawnFailure("cannot create its log files in " + home.logs() + ": " + e.getMessage());
        }
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
        try {
            return Posix.spawn(program, command, envList, cwd.toString(),
                    home.outLog(spec.name()).toString(), home.errLog(spec.name()).toString());
        } catch (Posix.Failure e) {
            throw new SpawnFailure(e.getMessage());
        }
    }

    /** Log files are created readable by their owner only: logs often hold what no one else should read. */
    private static void ownerOnly(Path file) throws IOException {
        if (Files.exists(file)) return;
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            // created meanwhile: fine
        }
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
