package pm.core;

/**
 * The stable vocabulary of failures: each code travels over the wire by name and maps to one exit
 * status of the {@code pm} command (documented in docs/cli.md).
 */
public enum ErrorCode {
    /** The command line itself is wrong: unknown command or flag, missing argument. */
    USAGE(2),
    /** A value is not acceptable: a bad name, port, policy, signal, duration or --env. */
    INVALID(2),
    /** No process has that name. */
    NOT_FOUND(4),
    /** A process with that name is already registered. */
    ALREADY_EXISTS(5),
    /** The request could not be read: malformed JSON, too large, unknown command or version. */
    BAD_REQUEST(1),
    /** The program could not be started (missing interpreter, permission denied, ...). */
    SPAWN_FAILED(1),
    /** The registry could not be written or read back. */
    STORAGE(1),
    /** The daemon could not be reached or started. */
    DAEMON_UNREACHABLE(3),
    /** The daemon had every connection slot taken and refused this one unread: nothing was done, retry. */
    BUSY(6),
    /** What the command needs is not on this machine or in this install: systemd, npm, the sample apps. */
    UNAVAILABLE(1),
    /** Anything else; a bug if it ever shows up. */
    INTERNAL(1);

    private final int exitStatus;

    ErrorCode(int exitStatus) {
        this.exitStatus = exitStatus;
    }

    public int exitStatus() {
        return exitStatus;
    }

    /** The code with this wire name, or INTERNAL for a name this version does not know. */
    public static ErrorCode of(String name) {
        for (var c : values()) if (c.name().equals(name)) return c;
        return INTERNAL;
    }
}
