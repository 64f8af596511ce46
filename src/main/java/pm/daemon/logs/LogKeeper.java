package pm.daemon.logs;

import pm.core.Home;
import pm.daemon.monitor.Target;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Logger;

/** Checks the running apps' log files once a period and rotates those past their size limit. */
public final class LogKeeper {
    private static final Logger LOG = Logger.getLogger("pm.logs");

    private final Home home;
    private final Supplier<List<Target>> targets;
    private final Duration period;

    public LogKeeper(Home home, Supplier<List<Target>> targets, Duration period) {
        this.home = home;
        this.targets = targets;
        this.period = period;
    }

    public void start() {
        Thread.ofPlatform().name("pm-logs").daemon().start(this::loop);
    }

    private void loop() {
        while (true) {
            for (Target t : targets.get()) {
                if (t.logs().maxSize() <= 0) continue;
                check(home.outLog(t.name()), t);
                check(home.errLog(t.name()), t);
            }
            try {
                Thread.sleep(period.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void check(Path file, Target t) {
        try {
            var outcome = Rotator.rotateIfLarger(file, t.logs().maxSize(), t.logs().keep());
            if (outcome == Rotator.Outcome.COPY_TRUNCATE)
                LOG.warning("rotated " + file + " by copy and truncate (this file system cannot collapse a range; a few bytes may be lost)");
        } catch (IOException | RuntimeException e) {
            LOG.warning("cannot rotate " + file + ": " + e.getMessage());
        }
    }
}
