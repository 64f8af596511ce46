package pm.daemon.engine;

import pm.core.Condition;
import pm.core.ExitOutcome;
import pm.core.Health;
import pm.core.Names;
import pm.core.ProcessState;

import java.util.Map;
import java.util.TreeMap;

/**
 * Whether an app's dependencies meet their conditions, read from the engine's processes: what a start
 * waits for. Pure, engine thread only.
 */
final class Readiness {
    private Readiness() {}

    /**
     * What {@code p} still waits for, by the first dependency (by name) that does not meet its condition:
     * {@code db: healthy}, with why in brackets when the dependency cannot get there by itself
     * ({@code db: healthy (db is fatal)}); empty when it may start. A dependency with copies meets it when
     * every copy does (as a Compose service with replicas), but copies on their way out (a scale down).
     */
    static String waitingFor(Proc p, Map<String, Proc> procs) {
        if (p.spec.dependsOn().isEmpty()) return "";
        for (var e : new TreeMap<>(p.spec.dependsOn()).entrySet()) {
            String name = e.getKey();
            Condition condition = e.getValue();
            var dep = procs.get(name);
            String what = name + ": " + condition.wireName();
            if (dep == null || dep.removing) return what + " (" + name + " is not registered)";
            for (int i = 0; i < dep.spec.copies().count(); i++) {
                var copy = i == 0 ? dep : procs.get(Names.ofCopy(name, i));
                if (copy != null && !copy.removing && !met(copy, condition)) return what + stuck(copy, condition);
            }
        }
        return "";
    }

    static boolean met(Proc dep, Condition condition) {
        return switch (condition) {
            // Spawned, or it has run already (a job that ended counts as started).
            case STARTED -> dep.pid != 0 && (dep.state == ProcessState.RUNNING || dep.state == ProcessState.STARTING)
                    || dep.state == ProcessState.EXITED;
            case HEALTHY -> dep.state == ProcessState.RUNNING && dep.health == Health.HEALTHY;
            case COMPLETED -> dep.state == ProcessState.EXITED && dep.lastExit instanceof ExitOutcome.Exited x && x.code() == 0;
        };
    }

    /** Why the dependency will not meet the condition by itself, in brackets; empty while it may still. */
    private static String stuck(Proc dep, Condition condition) {
        String name = dep.shownName();
        return switch (dep.state) {
            case FATAL -> " (" + name + " is fatal)";
            case STOPPED -> " (" + name + " is stopped)";
            case EXITED -> " (" + name + " " + (dep.lastExit == null ? "exited" : dep.lastExit.describe()) + ")";
            case RUNNING -> condition == Condition.HEALTHY && dep.spec.healthCheck().isEmpty() && dep.health == Health.NONE
                    ? " (" + name + " has no health check: it counts as healthy once it sends a heartbeat)" : "";
            case WAITING, STARTING, BACKOFF, STOPPING -> "";
        };
    }
}
