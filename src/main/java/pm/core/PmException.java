package pm.core;

/** A failure with a stable code and a message that names what was wrong and, where it helps, the fix. */
public final class PmException extends RuntimeException {
    private final ErrorCode code;

    public PmException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public static PmException invalid(String message) {
        return new PmException(ErrorCode.INVALID, message);
    }
}
