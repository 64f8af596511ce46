package pm.daemon.controller;

import pm.core.Home;
import pm.core.ProcessSpec;
import pm.core.ProcessType;
import pm.daemon.procfs.RunMark;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    /**
     * What an app is told about heartbeats (clients/README.md): where to send them, how often, and this
     * run's secret. The secret is new for every run and always {@link #SECRET_LENGTH} characters long.
     */
    public record Heartbeat(String address, Duration interval, String secret) {}

    public static final int SECRET_LENGTH = 32;
    private static final String SECRET_VARIABLE = "PM_HEARTBEAT_SECRET";

    /**
     * A spawn kept ready for an app that restarts, with the secret's place in it: it serves while the app
     * has the same spec (the same object) and the same heartbeat address and interval.
     */
    private record Kept(ProcessSpec spec, String address, Duration interval, Posix.Prepared prepared, int secretEntry,
                        int runEntry) {
        boolean serves(ProcessSpec spec, Heartbeat heartbeat) {
            return this.spec == spec && address.equals(heartbeat.address()) && interval.equals(heartbeat.interval());
        }
    }

    private final Home home;
    /** How this home's runs are marked. */
    private final RunMark marks;
    /** Programs found on PATH, by name; the engine thread's only. */
    private final Map<String, String> resolved = new HashMap<>();
    /** Spawns kept ready, by copy ({@link RunMark#key}); the engine thread's only. */
    private final Map<Long, Kept> kept = new HashMap<>();
    /** pm's heartbeat client libraries, put on Python's and Node.js's module path so apps can import them. */
    private final Path clients;

    public Launcher(Home home, Path clients) {
        this.home = home;
        this.clients = clients;
        this.marks = RunMark.of(home);
    }

    /**
     * Starts the app in its own session and process group; returns its pid, which is also its group id.
     * With {@code keepReady}, the spawn's native set-up (file actions, argv, environment) is kept for the
     * app's next start, which then only writes its new secret and calls {@code posix_spawn}: on a crashed
     * app's restart that set-up was most of the daemon's work, about 0.4 ms run cold. With a cgroup folder's
     * descriptor ({@code cgroup >= 0}) the app is born in that cgroup, where glibc can (Cgroups). Engine
     * thread only.
     */
    public long spawn(int id, ProcessSpec spec, Heartbeat heartbeat, long runId, boolean keepReady, int cgroup) throws SpawnFailure {
        return spawn(id, spec, heartbeat, runId, keepReady, cgroup, List.of());
    }

    /** As above, passing the held listening sockets {@code fds} (one per {@code --socket}, in order) as fd 3 and up. */
    public long spawn(int id, ProcessSpec spec, Heartbeat heartbeat, long runId, boolean keepReady, int cgroup,
                      List<Integer> fds) throws SpawnFailure {
        if (heartbeat.secret().length() != SECRET_LENGTH) throw new IllegalArgumentException("a secret has 32 characters");
        // An interpreter given a script it cannot read would start and fail at once; say why instead.
        if (!new File(spec.script()).canRead()) throw new SpawnFailure("cannot read " + spec.script());
        int copy = copyOf(spec);
        var ready = kept.remove(RunMark.key(id, copy));
        if (ready != null && !ready.serves(spec, heartbeat)) {
            ready.prepared().close();
            ready = null;
        }
        boolean keep = false;
        try {
            if (ready == null) {
                ready = prepare(spec, heartbeat, id, copy, runId, fds);
            } else {
                // Its entries are "PM_HEARTBEAT_SECRET=<secret>" and "PM_RUN_ID=<serial>:...", as long for every run
                // of this copy (its spec, hence its name and copy number, is the same object: Kept#serves).
                ready.prepared().overwriteEnv(ready.secretEntry(), SECRET_VARIABLE.length() + 1,
                        heartbeat.secret().getBytes(StandardCharsets.US_ASCII));
                ready.prepared().overwriteEnv(ready.runEntry(), RunMark.VARIABLE.length() + 1,
                        RunMark.value(runId, id, copy, marks.home()).getBytes(StandardCharsets.UTF_8));
            }
            long pid = ready.prepared().run(cgroup);
            keep = keepReady;
            return pid;
        } catch (Posix.Failure e) {
            String command = commandFor(spec).getFirst();
            resolved.remove(command);
            // Checked only after a failure: on a restart's path these checks took longer than the spawn.
            throw new SpawnFailure(whyNot(spec, command).orElse(e.getMessage()));
        } finally {
            if (ready != null && keep) kept.put(RunMark.key(id, copy), ready);
            else if (ready != null) ready.prepared().close();
        }
    }

    /** How this home's runs are marked. */
    RunMark marks() {
        return marks;
    }

    /** The copy a spec is for: copy i of an app runs as NAME:i, copy 0 as NAME ({@link ProcessSpec#copy}). */
    static int copyOf(ProcessSpec spec) {
        return Math.max(0, pm.core.Names.copyNumber(spec.name()));
    }

    /** Frees what is kept for a copy of an app that is gone or settled; its next spawn is made afresh. */
    public void forget(int id, int copy) {
        var ready = kept.remove(RunMark.key(id, copy));
        if (ready != null) ready.prepared().close();
    }

    private Kept prepare(ProcessSpec spec, Heartbeat heartbeat, int id, int copy, long runId, List<Integer> fds) throws SpawnFailure, Posix.Failure {
        var command = commandFor(spec);
        var env = new LinkedHashMap<>(System.getenv());
        env.putAll(spec.env());
        env.put("PM_PROCESS_ID", Integer.toString(id));
        env.put("PM_NAME", spec.name());
        if (spec.port() != 0) env.put("PORT", Integer.toString(spec.port()));
        env.put("PM_HEARTBEAT_ADDR", heartbeat.address());
        env.put(SECRET_VARIABLE, heartbeat.secret());
        env.put("PM_HEARTBEAT_INTERVAL", seconds(heartbeat.interval()));
        env.put(RunMark.VARIABLE, RunMark.value(runId, id, copy, marks.home()));
        switch (spec.type()) {
            case PYTHON -> {
                env.put("PYTHONUNBUFFERED", "1");
                prependPath(env, "PYTHONPATH", clients.resolve("python"));
            }
            case NODEJS -> prependPath(env, "NODE_PATH", clients.resolve("node"));
            case SHELL, JAVA, BINARY -> { }
        }
        boolean shell = false;
        if (!fds.isEmpty()) {
            env.put("LISTEN_FDS", Integer.toString(fds.size()));
            var names = new ArrayList<String>();
            for (String a : spec.copies().sockets()) names.add(pm.core.SocketAddress.parse(a).fdName());
            env.put("LISTEN_FDNAMES", String.join(":", names));
            env.remove("LISTEN_PID");
            // LISTEN_PID must be the app's own pid, known only once it is forked, and posix_spawn sets the
            // environment before: a shell sets it and execs the app in its place, keeping the pid (~1 ms more).
            var wrapped = new ArrayList<String>(List.of("sh", "-c", "LISTEN_PID=$$; export LISTEN_PID; exec \"$0\" \"$@\"", resolve(command.getFirst())));
            wrapped.addAll(command.subList(1, command.size()));
            command = wrapped;
            shell = true;
        }
        var envList = new ArrayList<String>(env.size());
        int secretEntry = -1, runEntry = -1;
        for (var e : env.entrySet()) {
            if (e.getKey().equals(SECRET_VARIABLE)) secretEntry = envList.size();
            if (e.getKey().equals(RunMark.VARIABLE)) runEntry = envList.size();
            envList.add(e.getKey() + "=" + e.getValue());
        }
        String program = resolve(shell ? "sh" : command.getFirst());
        // The spawn itself creates the log files, owner-only (0600): logs often hold what no one else should read.
        var prepared = Posix.prepare(program, command, envList, spec.cwd(),
                home.outLog(spec.name()).toString(), home.errLog(spec.name()).toString(), fds);
        return new Kept(spec, heartbeat.address(), heartbeat.interval(), prepared, secretEntry, runEntry);
    }

    /** Seconds as the heartbeat clients read them: "10", "0.3". */
    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? Long.toString(ms / 1000) : java.math.BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString();
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
        } else if (!Files.exists(Path.of(program))) {
            // The script was read just before the spawn, so what is missing is most likely the interpreter.
            return Optional.of(program + " does not exist" + (program.equals(spec.script()) ? "" : "; give an installed interpreter with --interpreter"));
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

    /**
     * The command line for a spec: the interpreter's words (the program first, then its own arguments,
     * as {@code --interpreter "node --max-old-space-size=64"} gives them), then the script and its args.
     */
    public static List<String> commandFor(ProcessSpec spec) {
        var cmd = new ArrayList<String>(spec.interpreterWords());
        if (cmd.isEmpty() && !spec.type().defaultInterpreter().isEmpty()) cmd.add(spec.type().defaultInterpreter());
        switch (spec.type()) {
            case PYTHON -> cmd.add("-u"); // unbuffered, so log lines appear at once
            case JAVA -> cmd.add("-jar");
            case NODEJS, SHELL, BINARY -> { }
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
