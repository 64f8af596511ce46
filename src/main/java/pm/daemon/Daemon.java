package pm.daemon;

import pm.core.Home;
import pm.core.PmException;
import pm.core.Release;
import pm.core.Units;
import pm.daemon.logs.LogKeeper;
import pm.daemon.monitor.Monitor;
import pm.daemon.api.Server;
import pm.daemon.controller.Cgroups;
import pm.daemon.controller.Controller;
import pm.daemon.controller.Launcher;
import pm.daemon.engine.Clock;
import pm.daemon.engine.Engine;
import pm.daemon.http.HttpDoor;
import pm.daemon.registry.Registry;
import pm.daemon.registry.RunFile;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The daemon's entry point: claims its home (one daemon per {@code PM_HOME}, by a file lock), binds the
 * control socket and runs the engine on the main thread until a shutdown.
 */
public final class Daemon {
    private Daemon() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        Home home = Home.fromEnvironment();
        try {
            home.ensure();
        } catch (PmException e) {
            System.err.println("pm daemon: " + e.getMessage());
            System.exit(e.code().exitStatus());
        }
        FileChannel lockFile = PrivateFile.open(home.lock());
        FileLock lock = lockFile.tryLock();
        if (lock == null) {
            System.err.println("pm daemon: another daemon (pid " + readPid(home) + ") already serves " + home.dir());
            System.exit(Home.ALREADY_SERVED);
        }
        try {
            PrivateFile.write(home.pidFile(), ProcessHandle.current().pid() + "\n");
        } catch (IOException e) {
            // A full disk must not keep a daemon from serving: the pid file only names it to people.
            Files.deleteIfExists(home.pidFile());
            System.err.println("pm daemon: warning: cannot write " + home.pidFile() + ": " + e.getMessage());
        }

        Path root = Path.of(System.getProperty("pm.root", "."));
        var cgroups = Cgroups.find(home);
        var controller = new Controller(new Launcher(home, root.resolve("clients")), cgroups);
        var engine = new Engine(home, new Registry(home.registry()), new RunFile(home.runFile()), controller, new Clock());
        engine.restore();
        cgroups.clearStale();
        var monitor = new Monitor(engine::targets, engine::observe, interval("PM_SAMPLE_INTERVAL", Duration.ofSeconds(1)),
                HeartbeatPort.remembered(home));
        HeartbeatPort.remember(home, monitor.heartbeatPort());
        // One thread for the periodic chores: each thread the daemon keeps costs memory at rest.
        var chores = new Chores();
        // New runs are news to the log keeper too: an app that writes fast from its start is paced at once.
        engine.watchedBy(() -> {
            monitor.targetsChanged();
            chores.hurry();
        }, monitor.heartbeatPort());
        engine.figuresFrom(monitor::freshen);
        monitor.start();
        var replied = new CountDownLatch(1);
        var server = Server.bind(home.socket(), engine, replied::countDown);
        var http = HttpDoor.open(home.dir().resolve("tokens.json"), engine, Release.VERSION);
        server.answer("http", http::describe);
        server.answer("http_login", http::login);
        server.answer("token_create", http::createToken);
        server.answer("token_list", http::listTokens);
        server.answer("token_revoke", http::revokeToken);
        Duration logCheck = interval("PM_LOG_CHECK_INTERVAL", Duration.ofSeconds(2));
        chores.paced(logCheck, new LogKeeper(home, engine::targets, logCheck.toNanos())::check)
                .every(Footprint.PERIOD, new Footprint()::check)
                .every(Footprint.PERIOD, server::cutOffSilent) // the same period: one wake for both
                .every(Footprint.PERIOD, http::check)
                .start();
        Thread.ofPlatform().name("pm-accept").daemon().start(server::serve);
        // SIGTERM or Ctrl-C ends the daemon alone, as pm daemon stop does: the apps keep running and the run
        // file, written after every change (after a restart, within a few ms), lets the next daemon adopt them.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            engine.flush(Duration.ofSeconds(1)); // a run file put off after a restart
            http.close();
            cleanup(home, server, cgroups);
        }));
        // Not printf: java.util.Formatter loads the locale data, about 100 classes the daemon needs nowhere else.
        System.err.println("pm daemon " + ProcessHandle.current().pid() + " serving " + home.dir());
        engine.run();
        replied.await(2, TimeUnit.SECONDS);
        http.close();
        cleanup(home, server, cgroups);
        lock.release();
        System.exit(0);
    }

    /**
     * A period from the environment: PM_SAMPLE_INTERVAL (how often CPU and memory are sampled, default 1s;
     * 0 turns sampling off) and PM_LOG_CHECK_INTERVAL (how often growing log files are checked, default 2s).
     */
    private static Duration interval(String variable, Duration fallback) {
        String env = System.getenv(variable);
        if (env == null || env.isBlank()) return fallback;
        try {
            return Units.parseDuration(env);
        } catch (PmException e) {
            System.err.println("pm daemon: " + variable + ": " + e.getMessage() + "; using " + Units.formatDuration(fallback));
            return fallback;
        }
    }

    private static void cleanup(Home home, Server server, Cgroups cgroups) {
        cgroups.leave();
        try {
            server.close();
            Files.deleteIfExists(home.socket());
            Files.deleteIfExists(home.pidFile());
        } catch (IOException ignored) {
            // best effort: the next daemon replaces a stale socket anyway
        }
    }

    private static String readPid(Home home) {
        try {
            return Files.readString(home.pidFile()).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
