package pm.daemon.engine;

import java.util.Locale;

/** Where a process is in its life, as the engine sees it. */
public enum State {
    /** Not running, and not meant to (never started, or stopped by the user). */
    STOPPED,
    /** Being spawned (later: spawned and waiting for its first passing health check). */
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

    /** No process of this app is running. */
    public boolean isDown() {
        return this == STOPPED || this == EXITED || this == FATAL || this == BACKOFF;
    }
}
