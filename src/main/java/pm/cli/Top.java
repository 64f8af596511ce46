package pm.cli;

import pm.core.ErrorCode;
import pm.core.PmException;
import pm.core.ProcessStatus;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static pm.cli.CommandLine.PM;

/**
 * {@code pm top} (also {@code pm monit}): the live view. It checks everything that can fail before the
 * screen changes (a terminal, its library, its size, the daemon's first answer), then runs one loop on
 * this thread that owns the {@link Board}: it draws, reads a key, and applies what the other threads
 * post. A poller asks the daemon for every app's status and samples once a second; each request a key
 * asks for (restart, stop, start) runs on a thread of its own, since a stop may wait out a kill timeout,
 * and posts its answer. This class touches no JLine type: {@link TopScreen} does, and it is loaded only
 * after the library was found.
 */
final class Top {
    private static final long REFRESH_MILLIS = 1000;
    private static final long TAIL_MILLIS = 250;
    /** How long a key read waits: what others post shows within this. */
    private static final long TICK_MILLIS = 100;
    private static final String OFFLINE = "the daemon is not running; start it with " + PM + " daemon start";

    private final Client client;
    private final Queue<Consumer<Board>> inbox = new ConcurrentLinkedQueue<>();
    private final LinkedBlockingQueue<Boolean> refreshNow = new LinkedBlockingQueue<>();

    Top(Client client) {
        this.client = client;
    }

    int run(CommandLine.Parsed p) throws Exception {
        String terminal = System.getProperty("pm.terminal");
        if (terminal != null ? !terminal.equals("true") : System.console() == null)
            throw new PmException(ErrorCode.USAGE, PM + " top needs a terminal for its input and output; for the table once: " + PM + " status");
        requireLibrary();
        try (var screen = TopScreen.open()) {
            if (!screen.capable())
                throw new PmException(ErrorCode.USAGE, "this terminal (TERM=" + System.getenv("TERM") + ") cannot move its cursor, which "
                        + PM + " top needs; for the table once: " + PM + " status");
            if (!BoardView.fits(screen.columns(), screen.rows()))
                throw new PmException(ErrorCode.USAGE, BoardView.tooSmall(screen.columns(), screen.rows())
                        + "; enlarge it, or use " + PM + " status");
            var board = new Board();
            // The first answer may start the daemon, as any command's does; later ones never do.
            board.update(apps(client.call("status", request())));
            screen.enter();
            poll();
            loop(screen, board);
        }
        return 0;
    }

    private void loop(TopScreen screen, Board board) throws IOException {
        boolean unicode = screen.unicode();
        boolean dirty = true;
        long nextTail = 0;
        String shownClock = "";
        while (!board.quitting()) {
            for (Consumer<Board> change; (change = inbox.poll()) != null; dirty = true) change.accept(board);
            long now = System.nanoTime();
            if (board.mode() == Board.Mode.LOGS && now - nextTail >= 0) {
                tail(board, screen.rows());
                nextTail = now + TimeUnit.MILLISECONDS.toNanos(TAIL_MILLIS);
                dirty = true;
            }
            String clock = clock();
            if (screen.takeResize() || !clock.equals(shownClock)) dirty = true;
            if (dirty) {
                screen.draw(new BoardView(screen.columns(), screen.rows(), unicode).render(board, clock));
                shownClock = clock;
                dirty = false;
            }
            String key = screen.readKey(TICK_MILLIS);
            if (key == null) continue;
            var mode = board.mode();
            var request = board.press(key);
            if (request != null) send(request);
            if (board.mode() == Board.Mode.LOGS && mode != Board.Mode.LOGS) nextTail = now;
            dirty = true;
        }
    }

    /** Every app's status with its last samples. */
    private static Map<String, Object> request() {
        var args = new LinkedHashMap<String, Object>();
        args.put("recent", true);
        return args;
    }

    private static List<Board.App> apps(Map<String, Object> result) {
        var out = new ArrayList<Board.App>();
        for (var m : Verbs.list(result.get("processes"))) out.add(Board.App.fromJson(m));
        return out;
    }

    /** Asks the daemon once a second, or at once after a request was answered; never starts one. */
    private void poll() {
        Thread.ofPlatform().daemon().name("pm-top-poll").start(() -> {
            boolean offline = false;
            while (true) {
                try {
                    refreshNow.poll(REFRESH_MILLIS, TimeUnit.MILLISECONDS);
                    var apps = apps(client.callRunning("status", request()));
                    boolean wasOffline = offline;
                    offline = false;
                    inbox.add(b -> {
                        b.update(apps);
                        if (wasOffline && b.message().endsWith(OFFLINE)) b.say("");
                    });
                } catch (IOException e) {
                    offline = true;
                    // A key's line that says what it could not do stays, as it says this too.
                    inbox.add(b -> {
                        if (!b.message().endsWith(OFFLINE)) b.say(OFFLINE);
                    });
                } catch (PmException e) {
                    inbox.add(b -> b.say("pm: " + e.getMessage().replace("\n", "; ")));
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /**
     * Sends what a key asked for on a thread of its own, and posts the answer as the message line. Like the
     * poller, it never starts a daemon: one stopped meanwhile is said so, and nothing is done.
     */
    private void send(Board.Request r) {
        Thread.ofPlatform().daemon().name("pm-top-" + r.command()).start(() -> {
            String line;
            try {
                var procs = Verbs.statuses(client.callRunning(r.command(), Map.of("names", List.of(r.name()))));
                line = procs.isEmpty() ? r.name() + ": done" : outcome(r.command(), procs.getFirst());
            } catch (IOException e) {
                line = r.name() + " not " + (r.command().equals("stop") ? "stopped" : r.command() + "ed") + ": " + OFFLINE;
            } catch (PmException e) {
                line = "pm: " + e.getMessage().replace("\n", "; ");
            } catch (RuntimeException e) {
                line = "pm: " + r.command() + " " + r.name() + " failed: " + e;
            }
            String said = line;
            inbox.add(b -> b.finished(r.name(), said));
            refreshNow.offer(true);
        });
    }

    static String outcome(String command, ProcessStatus s) {
        return s.name() + ": " + (command.equals("restart") ? "restarted, " : "") + s.state().wireName()
                + (s.pid() == 0 ? "" : " (pid " + s.pid() + ")");
    }

    /** The selected app's last log lines, as many as the screen has rows. */
    private static void tail(Board board, int rows) {
        var app = board.selected();
        if (app == null) return;
        board.tails(LogTail.lines(Path.of(app.status().outLog()), rows), LogTail.lines(Path.of(app.status().errLog()), rows));
    }

    private static String clock() {
        var t = LocalTime.now();
        return two(t.getHour()) + ":" + two(t.getMinute()) + ":" + two(t.getSecond());
    }

    private static String two(int n) {
        return n < 10 ? "0" + n : String.valueOf(n);
    }

    /** The launcher puts JLine on the class path for top alone; run another way, it is missing. */
    private static void requireLibrary() {
        try {
            Class.forName("org.jline.terminal.Terminal", false, Top.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new PmException(ErrorCode.INTERNAL, PM + " top needs its terminal library (JLine), which the pm launcher puts on "
                    + "its class path from lib/ beside pm.jar, and it is not there; rebuild pm (PM_REBUILD=1 " + PM
                    + " --version in a checkout) or reinstall it");
        }
    }
}
