package pm.daemon.logs;

import pm.core.Home;
import pm.daemon.monitor.Target;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Rotates the running apps' log files past their size limit; {@link #check} runs once a period on the
 * daemon's timer thread, which alone touches this object's maps.
 */
public final class LogKeeper {
    private static final Logger LOG = Logger.getLogger("pm.logs");

    private final Home home;
    private final Supplier<List<Target>> targets;
    /** The two log paths of each app, built once. */
    private final java.util.Map<String, Path[]> paths = new java.util.HashMap<>();
    /** Open read descriptors of the live log files, by path. */
    private final java.util.Map<Path, Watched> open = new java.util.HashMap<>();
    static final int QUIET_EVERY = 5;
    /** The list of runs at the last check. */
    private List<Target> seen = List.of();

    public LogKeeper(Home home, Supplier<List<Target>> targets) {
        this.home = home;
        this.targets = targets;
    }

    /** Checks every running app's logs once. */
    public void check() {
        List<Target> current = targets.get();
        // A method per app, not a loop body here: this runs once a period and stays interpreted.
        for (Target t : current) check(t);
        // The engine publishes a new list when runs change: only then forget the files of stopped apps.
        if (current != seen) {
            forgetAllBut(current);
            seen = current;
        }
    }

    private void check(Target t) {
        if (t.logs().maxSize() <= 0) return;
        for (Path file : paths(t.name())) check(file, t);
    }

    private Path[] paths(String name) {
        return paths.computeIfAbsent(name, n -> new Path[]{home.outLog(n), home.errLog(n)});
    }

    private void forgetAllBut(List<Target> current) {
        var live = new java.util.HashSet<Path>();
        for (Target t : current) live.addAll(List.of(paths(t.name())));
        open.entrySet().removeIf(e -> {
            if (live.contains(e.getKey())) return false;
            close(e.getValue().channel);
            return true;
        });
    }

    /** A live log file being watched: its open descriptor, its size at the last check, and checks to skip. */
    private static final class Watched {
        final FileChannel channel;
        long size;
        int skip;

        Watched(FileChannel channel) {
            this.channel = channel;
        }
    }

    /**
     * Checks one file's size with an fstat on a descriptor kept open (cheaper than a stat by path;
     * rotation cuts the same file, so the descriptor stays right). A file that did not grow is checked
     * only every {@link #QUIET_EVERY}th period: most apps log little, and this runs for every log.
     */
    private void check(Path file, Target t) {
        try {
            Watched w = open.get(file);
            if (w == null) {
                if (!Files.exists(file)) return;
                w = new Watched(FileChannel.open(file, StandardOpenOption.READ));
                open.put(file, w);
            }
            if (w.skip > 0) {
                w.skip--;
                return;
            }
            long size = w.channel.size();
            if (size == w.size) w.skip = QUIET_EVERY - 1;
            w.size = size;
            if (size <= t.logs().maxSize()) return;
            var outcome = Rotator.rotate(file, t.logs().keep());
            w.size = w.channel.size();
            if (outcome == Rotator.Outcome.COPY_TRUNCATE)
                LOG.warning("rotated " + file + " by copy and truncate (this file system cannot collapse a range; a few bytes may be lost)");
        } catch (IOException | RuntimeException e) {
            LOG.warning("cannot rotate " + file + ": " + e.getMessage());
            var w = open.remove(file);
            if (w != null) close(w.channel);
        }
    }

    private static void close(FileChannel ch) {
        try {
            if (ch != null) ch.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
