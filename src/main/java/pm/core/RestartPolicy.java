package pm.core;

/** When an exited process is started again. */
public enum RestartPolicy {
    /** Never restarted. */
    NEVER,
    /** Restarted when it exits with a status other than 0, or dies of a signal pm did not send. */
    ON_FAILURE,
    /** Restarted after any exit, up to the process's max-restarts in a row. */
    ALWAYS,
    /** Restarted after any exit, without limit, until a user stops it. */
    UNLESS_STOPPED;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public static RestartPolicy parse(String text) {
        for (var p : values()) if (p.wireName().equalsIgnoreCase(text.trim())) return p;
        throw PmException.invalid("unknown restart policy '" + text
                + "': use never, on-failure, always or unless-stopped");
    }

    /** Whether an exit with this outcome calls for a restart (limits are the engine's business). */
    public boolean restartsAfter(ExitOutcome outcome) {
        return switch (this) {
            case NEVER -> false;
            case ON_FAILURE -> outcome.isFailure();
            case ALWAYS, UNLESS_STOPPED -> true;
        };
    }
}
