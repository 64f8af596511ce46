package pm.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The fields in which two specs of an app differ, for {@code pm update} and {@code pm apply}: what to
 * name in the output, and whether a running app must be restarted for the change to take effect.
 */
public record SpecDiff(List<Field> changed) {
    public SpecDiff {
        changed = List.copyOf(changed);
    }

    /** Compares field by field, in the field table's order. */
    public static SpecDiff between(ProcessSpec before, ProcessSpec after) {
        var changed = new ArrayList<Field>();
        for (var f : Field.values()) if (!f.valueIn(before).equals(f.valueIn(after))) changed.add(f);
        return new SpecDiff(changed);
    }

    public boolean isEmpty() {
        return changed.isEmpty();
    }

    /**
     * Whether a running app must be spawned again for the change to take effect (its command line,
     * environment, folder, port or heartbeat interval). Other changes apply to the running app as they
     * are (the engine still has to hand the monitor the new spec).
     */
    public boolean needsRestart() {
        for (var f : changed) if (f.mattersAtSpawn()) return true;
        return false;
    }

    /** The changed fields' file keys: {@code [restart_delay, env]}. */
    public List<String> keys() {
        return changed.stream().map(Field::key).toList();
    }
}
