package pm.daemon.http;

import pm.core.ErrorCode;
import pm.core.PmException;

/**
 * A request answered with an error: its HTTP status, a stable code (an {@link ErrorCode} name, or one of
 * HTTP's own: UNAUTHORIZED, FORBIDDEN, METHOD_NOT_ALLOWED, PAYLOAD_TOO_LARGE) and a message that says what
 * was wrong and what to do. The body is {@code {"error":{"code":"...","message":"..."}}}.
 */
final class Refusal extends RuntimeException {
    final int status;
    final String code;

    Refusal(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    /** A failure of a command, with the code and message the CLI would print. */
    static Refusal of(PmException e) {
        return new Refusal(status(e.code()), e.code().name(), e.getMessage());
    }

    static int status(ErrorCode code) {
        return switch (code) {
            case USAGE, INVALID, BAD_REQUEST -> 400;
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS -> 409;
            case DAEMON_UNREACHABLE, BUSY, UNAVAILABLE -> 503;
            case SPAWN_FAILED, STORAGE, INTERNAL -> 500;
        };
    }

    static Refusal badRequest(String message) {
        return new Refusal(400, ErrorCode.BAD_REQUEST.name(), message);
    }

    static Refusal notFound(String message) {
        return new Refusal(404, ErrorCode.NOT_FOUND.name(), message);
    }

    static Refusal forbidden(String message) {
        return new Refusal(403, "FORBIDDEN", message);
    }

    static Refusal unauthorized(String message) {
        return new Refusal(401, "UNAUTHORIZED", message);
    }

    static Refusal busy(String message) {
        return new Refusal(503, ErrorCode.BUSY.name(), message);
    }
}
