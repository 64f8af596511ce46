package pm.daemon.http;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The browser's way in: {@code pm dashboard} asks for a one-time code, the login link trades it (once,
 * within {@link #CODE_LIFETIME}) for a session cookie, and the session acts as the token it was made
 * for, until it is unused for {@link #IDLE} or the token is revoked. In memory only: a daemon restart
 * ends every session. Codes and sessions are kept by their SHA-256, so a lookup compares hashes.
 */
final class Logins {
    static final Duration CODE_LIFETIME = Duration.ofMinutes(2);
    static final Duration IDLE = Duration.ofHours(24);
    /** Beyond these the oldest go first: a flood of logins cannot grow the heap. */
    static final int MAX_CODES = 32, MAX_SESSIONS = 256;

    private record Grant(String token, long untilNanos) {}

    private final long codeLifetime, idle;
    private final Map<String, Grant> codes = new LinkedHashMap<>();
    /** Access-ordered, so the least recently used session is the first to go. */
    private final Map<String, Grant> sessions = new LinkedHashMap<>(16, 0.75f, true);

    Logins() {
        this(CODE_LIFETIME, IDLE);
    }

    Logins(Duration codeLifetime, Duration idle) {
        this.codeLifetime = codeLifetime.toNanos();
        this.idle = idle.toNanos();
    }

    /** A new one-time code for a session as {@code token}. */
    synchronized String code(String token) {
        String code = Secret.make();
        codes.put(Secret.hash(code), new Grant(token, System.nanoTime() + codeLifetime));
        trim(codes, MAX_CODES);
        return code;
    }

    /** Trades a code for a new session id; null if the code is unknown, used or expired. */
    synchronized String redeem(String code) {
        var grant = codes.remove(Secret.hash(code));
        if (grant == null || System.nanoTime() - grant.untilNanos() > 0) return null;
        String session = Secret.make();
        sessions.put(Secret.hash(session), new Grant(grant.token(), System.nanoTime() + idle));
        trim(sessions, MAX_SESSIONS);
        return session;
    }

    /** The token a live session acts as, or null; each use keeps it alive for another {@link #IDLE}. */
    synchronized String session(String id) {
        String key = Secret.hash(id);
        var grant = sessions.get(key);
        if (grant == null) return null;
        long now = System.nanoTime();
        if (now - grant.untilNanos() > 0) {
            sessions.remove(key);
            return null;
        }
        sessions.put(key, new Grant(grant.token(), now + idle));
        return grant.token();
    }

    synchronized void end(String id) {
        sessions.remove(Secret.hash(id));
    }

    /** A revoked token's sessions end with it. */
    synchronized void endAll(String token) {
        sessions.values().removeIf(g -> g.token().equals(token));
        codes.values().removeIf(g -> g.token().equals(token));
    }

    private static void trim(Map<String, Grant> map, int max) {
        for (Iterator<String> it = map.keySet().iterator(); map.size() > max && it.hasNext(); ) {
            it.next();
            it.remove();
        }
    }
}
