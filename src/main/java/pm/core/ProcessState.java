package pm.core;

import java.util.Locale;

/** Where a process is in its life, as the daemon sees it and status reports it. */
public enum ProcessState {
    /** Not running, and not meant to (never started, or stopped by the user). */
    STOPPED,
    /** Wanted running, and waiting for the apps it depends on to meet their conditions; the reason names which. */
    WAITING,
    /** Being spawned, or spawned and waiting for its first passing health check. */
    STARTING,
    RUNNING,
    /** Exited, and waiting out the restart delay before the policy starts it again. */
    BACKOFF,
    /** Signalled to stop; waiting for its whole process group to be gone. */
    STOPPING,
    /** Ended by itself and the policy does not restart it. */
    EXITED,
    /** pm gave up: a crash loop, or it could not be started at all. */
    FATAL;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The state with this wire name; an unknown name (from a newer daemon) reads as STOPPED. */
    public static ProcessState of(String wireName) {
        for (var s : values()) if (s.wireName().equals(wireName)) return s;
        return STOPPED;
    }

    /** No process of this app is running. */
    public boolean isDown() {
        return this == STOPPED || this == EXITED || this == FATAL || this == BACKOFF || this == WAITING;
    }

    /** Ended and not coming back by itself, or waiting to: what a user wants explained. */
    public boolean needsExplaining() {
        return this == FATAL || this == EXITED || this == BACKOFF || this == WAITING;
    }
}
