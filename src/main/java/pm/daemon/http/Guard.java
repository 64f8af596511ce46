package pm.daemon.http;

import com.sun.net.httpserver.Headers;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * Who may ask, and from where. A request must name the daemon's own address in {@code Host} (a DNS
 * rebinding page names its own domain) and, if it carries an {@code Origin}, come from the daemon's own
 * pages (a page elsewhere cannot drive the API with the user's cookie); both are checked before any
 * credential. Then it must carry a token ({@code Authorization: Bearer}) or a session cookie.
 */
final class Guard {
    static final String COOKIE = "pm_session";

    /**
     * Who is asking: the token's name, whether it may only read, and the session cookie it came with (null
     * for a bearer token), so what it opens can end when the token is revoked or the session logs out.
     */
    record Caller(String token, boolean readOnly, String session) {}

    private final Tokens tokens;
    private final Logins logins;
    private final InetSocketAddress bound;

    Guard(Tokens tokens, Logins logins, InetSocketAddress bound) {
        this.tokens = tokens;
        this.logins = logins;
        this.bound = bound;
    }

    /** Refuses a request whose Host or Origin is not this daemon, whatever its credentials. */
    void checkPlace(Headers headers) {
        String host = headers.getFirst("Host");
        if (host == null || !ours(host))
            throw Refusal.forbidden("Host '" + (host == null ? "" : host) + "' is not this daemon's address (" + addresses()
                    + "); requests through other names are refused");
        String origin = headers.getFirst("Origin");
        if (origin != null && !(origin.startsWith("http://") && ours(origin.substring("http://".length()))))
            throw Refusal.forbidden("Origin '" + origin + "' is not this daemon: pages elsewhere may not use its API");
    }

    /** What a Host header may name, as a person reads it: a wildcard bind takes any IP address. */
    private String addresses() {
        int port = bound.getPort();
        if (bound.getAddress().isAnyLocalAddress()) return "any IP address of this machine with port " + port + ", or localhost:" + port;
        return Listen.hostPort(bound.getAddress(), port) + " or localhost:" + port;
    }

    /**
     * Whether {@code host} (HOST:PORT, as in a Host header) names this daemon: its port, and localhost, its
     * own address, or for a wildcard address any IP literal (rebinding needs a name: an IP cannot be rebound).
     */
    boolean ours(String host) {
        int colon = host.lastIndexOf(':');
        String name = colon > 0 && !host.endsWith("]") ? host.substring(0, colon) : host;
        String port = colon > 0 && !host.endsWith("]") ? host.substring(colon + 1) : "80";
        if (!port.equals(String.valueOf(bound.getPort()))) return false;
        if (name.toLowerCase(Locale.ROOT).equals("localhost")) return bound.getAddress().isLoopbackAddress() || bound.getAddress().isAnyLocalAddress();
        InetAddress literal;
        try {
            boolean bracketed = name.startsWith("[") && name.endsWith("]");
            literal = InetAddress.ofLiteral(bracketed ? name.substring(1, name.length() - 1) : name);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return bound.getAddress().isAnyLocalAddress() || literal.equals(bound.getAddress());
    }

    /** The caller its token or session cookie names; refused without one. */
    Caller caller(Headers headers) {
        String auth = headers.getFirst("Authorization");
        if (auth != null) {
            if (!auth.regionMatches(true, 0, "Bearer ", 0, 7))
                throw Refusal.unauthorized("the Authorization header must be 'Bearer TOKEN' (pm token create NAME makes one)");
            var t = tokens.verify(auth.substring(7).strip());
            if (t == null) throw Refusal.unauthorized("unknown or revoked token; pm token list shows the valid ones");
            return new Caller(t.name(), t.readOnly(), null);
        }
        String session = cookie(headers, COOKIE);
        if (session != null) {
            String name = logins.session(session);
            var t = name == null ? null : tokens.named(name);
            if (t == null) throw Refusal.unauthorized("the session has ended; run pm dashboard for a new login link");
            return new Caller(t.name(), t.readOnly(), session);
        }
        throw Refusal.unauthorized("no credentials: send 'Authorization: Bearer TOKEN' (pm token create NAME), "
                + "or log in with the link pm dashboard prints");
    }

    /**
     * The Set-Cookie value that keeps {@code session} in the browser for {@link Logins#IDLE}: sent at the
     * login and again with every answer to a request that came with it, so a used session's cookie never
     * lapses before the session does.
     */
    static String sessionCookie(String session) {
        return COOKIE + "=" + session + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + Logins.IDLE.toSeconds();
    }

    /** The value of a cookie, or null. */
    static String cookie(Headers headers, String name) {
        var all = headers.get("Cookie");
        if (all == null) return null;
        for (String header : all) {
            for (String part : header.split(";")) {
                String p = part.strip();
                if (p.startsWith(name + "=")) return p.substring(name.length() + 1);
            }
        }
        return null;
    }
}
