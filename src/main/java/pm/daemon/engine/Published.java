package pm.daemon.engine;

import pm.core.ProcessState;
import pm.daemon.monitor.Target;
import pm.daemon.registry.RunFile;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.logging.Logger;

/**
 * What the engine makes known after runs start or end: the snapshot the monitor and the heartbeat
 * receiver read, and the run file the next daemon adopts from. Written on the engine thread only; the
 * snapshot is read from any.
 */
final class Published {
    private static final Logger LOG = Logger.getLogger("pm.engine");
    static final String RUN_FILE_WARNING =
            "cannot write runs.json (is the disk full?): a daemon restart now could start running apps twice";

    private final RunFile runFile;
    private volatile List<Target> targets = List.of();
    private Runnable targetsChanged = () -> { };
    /** Runs started or ended since the snapshot, and since the run file, were last written. */
    private boolean targetsStale = true, runsStale = true;

    Published(RunFile runFile) {
        this.runFile = runFile;
    }

    /** Who is told when the snapshot changes. */
    void watchedBy(Runnable targetsChanged) {
        this.targetsChanged = targetsChanged;
    }

    /** The running processes, an immutable snapshot. Any thread. */
    List<Target> targets() {
        return targets;
    }

    /** A run started or ended: both are out of date. */
    void runsChanged() {
        targetsStale = runsStale = true;
    }

    /** A spec changed in place (pm update): the snapshot, which carries specs, is out of date; the run file is not. */
    void specsChanged() {
        targetsStale = true;
    }

    /** A new snapshot of the running processes, if runs changed since the last. */
    void publishTargets(Collection<Proc> procs) {
        if (!targetsStale) return;
        targetsStale = false;
        var list = new ArrayList<Target>();
        for (var p : procs) {
            if (p.run == null || (p.state != ProcessState.RUNNING && p.state != ProcessState.STARTING)) continue;
            var s = p.runSpec();
            list.add(new Target(s.name(), p.id, p.pid, p.state == ProcessState.STARTING, s.probe(), s.health(), s.cwd(),
                    s.heartbeatTimeout(), p.secret, s.logs(), p.run.cgroup(), s.maxMemory()));
        }
        targets = List.copyOf(list);
        targetsChanged.run();
    }

    /**
     * The run file, if runs changed since it was last written; a failure is kept in {@code warnings}. A run
     * set aside by a reload ({@code aside}) is written apart; one not spawned yet as pending, so that a
     * daemon killed before the next write still looks for it by its mark.
     */
    void saveRuns(Collection<Proc> procs, Collection<Proc> aside, List<String> warnings) {
        if (!runsStale) return;
        var runs = new LinkedHashMap<String, RunFile.Saved>();
        for (var p : procs) if (p.run != null) runs.put(p.name(), saved(p));
        var apart = new LinkedHashMap<String, RunFile.Saved>();
        for (var p : aside) apart.put(p.name(), p.run == null ? RunFile.Saved.PENDING : saved(p));
        try {
            runFile.save(runs, apart);
            runsStale = false;
            warnings.remove(RUN_FILE_WARNING);
        } catch (IOException e) {
            // Stays stale: tried again after the next message.
            if (!warnings.contains(RUN_FILE_WARNING)) {
                warnings.add(RUN_FILE_WARNING);
                LOG.warning(RUN_FILE_WARNING + ": " + e.getMessage());
            }
        }
    }

    private static RunFile.Saved saved(Proc p) {
        return new RunFile.Saved(p.pid, p.run.startTime(), p.startedAtMillis, p.restarts, p.secret, p.run.cgroup(), p.run.serial());
    }
}
