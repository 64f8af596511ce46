package pm.daemon.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import pm.core.ErrorCode;
import pm.core.PmException;
import pm.daemon.engine.Engine;
import pm.daemon.events.EventRing;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The daemon's HTTP side (docs/http.md): the JSON API, its event stream, {@code /metrics} and the
 * dashboard's files, on the JDK's own server, another door to the same engine. It binds at the daemon's
 * start and makes the rest (threads, routes' state) at the first request, so a daemon nobody asks pays
 * for little more than the socket. A port in use is one line in daemon.log and in {@code pm daemon status},
 * and the daemon runs on without HTTP. Requests run on {@link Workers}' virtual threads, never on the engine
 * thread; they reach the engine through its queue, as the control socket's do, and read what it replies.
 */
public final class HttpDoor {
    private static final Logger LOG = Logger.getLogger("pm.http");

    private final Tokens tokens;
    private final Logins logins = new Logins();
    private final Listen listen;
    private final Watchdog watchdog = new Watchdog();
    private final Streams streams;
    private final long startMillis = System.currentTimeMillis();
    private HttpServer server;
    /** What {@code pm daemon status} says about it. */
    private String state;
    private Routes routes;
    private Guard guard;

    private HttpDoor(Path tokensFile, Listen listen) {
        this.tokens = new Tokens(tokensFile);
        this.listen = listen;
        // A stream whose token or session ended as it opened ends too: a revoke between the guard and its start misses it.
        this.streams = new Streams(c -> tokens.named(c.token()) != null && (c.session() == null || logins.session(c.session()) != null));
    }

    /**
     * Loads the tokens (making the first at the first start) and binds where {@code PM_HTTP_LISTEN} says;
     * a bad setting or a port in use leaves it off and says why.
     */
    public static HttpDoor open(Path tokensFile, Engine engine, String version) {
        Listen listen;
        try {
            listen = Listen.fromEnvironment();
        } catch (PmException e) {
            var door = new HttpDoor(tokensFile, new Listen(null));
            door.tokens.load();
            door.state = "off: " + e.getMessage();
            say(door.state);
            return door;
        }
        var door = new HttpDoor(tokensFile, listen);
        door.tokens.load();
        door.bind(engine, version);
        return door;
    }

    private void bind(Engine engine, String version) {
        if (listen.off()) {
            state = "off (PM_HTTP_LISTEN=off)";
            return;
        }
        // The JDK server's limits are system properties read once, when its first class loads.
        System.setProperty("sun.net.httpserver.maxReqTime", "10");     // seconds to send a whole request
        System.setProperty("sun.net.httpserver.timerMillis", "5000");  // how often that is checked (a wake-up at rest)
        System.setProperty("sun.net.httpserver.maxReqHeaderSize", "16384");
        System.setProperty("jdk.httpserver.maxConnections", "256");
        System.setProperty("sun.net.httpserver.nodelay", "true");      // headers and body in one segment: no 40 ms delayed-ACK stall
        try {
            server = HttpServer.create(listen.address(), 64);
        } catch (BindException e) {
            state = "not serving: cannot listen on " + where(listen.address()) + ": " + e.getMessage()
                    + " (another pm daemon, or another program, has it); set PM_HTTP_LISTEN to another ADDR:PORT, or off";
            say(state);
            return;
        } catch (IOException e) {
            state = "not serving: cannot listen on " + where(listen.address()) + ": " + e.getMessage();
            say(state);
            return;
        }
        var bound = server.getAddress();
        var ring = new EventRing();
        engine.reportTo(ring);
        guard = new Guard(tokens, logins, bound);
        routes = new Routes(engine, ring, streams, logins, new Routes.Daemon(version, startMillis, this::dropped));
        server.setExecutor(new Workers());
        server.createContext("/", this::handle);
        server.start();
        state = "serving " + url();
        say(state);
    }

    /**
     * One line in daemon.log (the daemon's stderr), as the daemon's other start-up lines: not through
     * java.util.logging, whose formatter would load ~200 classes (Formatter, regex, time zones) into a
     * daemon that otherwise never logs at rest (1.5 MiB, measured).
     */
    private static void say(String state) {
        System.err.println("pm daemon: http: " + state);
    }

    private static String where(InetSocketAddress a) {
        return Listen.hostPort(a.getAddress(), a.getPort());
    }

    /** The base URL a local browser reaches it at: the loopback address for a wildcard bind. */
    String url() {
        var a = server.getAddress();
        var address = a.getAddress().isAnyLocalAddress() ? java.net.InetAddress.getLoopbackAddress() : a.getAddress();
        return "http://" + Listen.hostPort(address, a.getPort()) + "/";
    }

    private long dropped() {
        return streams.dropped() + cut;
    }

    private volatile long cut;

    /** Cuts off clients that stopped reading; on the daemon's timer, every few seconds. */
    public void check() {
        if (routes == null) return;
        int n = watchdog.check();
        if (n > 0) {
            cut += n;
            LOG.info("cut off " + n + " client(s) that read nothing for " + Watchdog.LIMIT.toSeconds() + "s");
        }
        streams.check(routes.lastEvent());
    }

    private void handle(HttpExchange exchange) {
        var call = new Call(exchange, watchdog);
        try {
            try {
                guard.checkPlace(exchange.getRequestHeaders());
                if (call.path().equals("/login")) {
                    routes.login(call);
                    return;
                }
                call.caller = guard.caller(exchange.getRequestHeaders());
                if (call.caller.session() != null) exchange.getResponseHeaders().set("Set-Cookie", Guard.sessionCookie(call.caller.session()));
            } catch (Refusal r) {
                if (r.status != 401 || !Routes.browser(call)) throw r;
                Call.secure(exchange);
                call.send(401, "text/html", Assets.loginHint(r.getMessage()));
                return;
            }
            routes.serve(call);
        } catch (Refusal r) {
            answer(call, r);
        } catch (PmException e) {
            answer(call, Refusal.of(e));
        } catch (IOException e) {
            // the client went away
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, call.method() + " " + call.path() + ": " + e, e);
            answer(call, new Refusal(500, ErrorCode.INTERNAL.name(), "internal error: " + e + "; see daemon.log"));
        } finally {
            if (!call.streaming) {
                try (var w = watchdog.writing()) {
                    exchange.close();
                }
            }
        }
    }

    private static void answer(Call call, Refusal r) {
        try {
            call.fail(r);
        } catch (IOException | RuntimeException ignored) {
            // the answer was sent already, or the client went away
        }
    }

    /** For {@code pm daemon status}: whether it serves, where, or why not. */
    public Map<String, Object> describe(Map<String, Object> args) {
        var m = new LinkedHashMap<String, Object>();
        m.put("serving", routes != null);
        m.put("url", routes != null ? url() : null);
        m.put("state", state);
        return m;
    }

    /** For {@code pm dashboard}: a one-time login link, acting as the token named {@code token} (default: the first one). */
    public Map<String, Object> login(Map<String, Object> args) {
        if (routes == null) throw new PmException(ErrorCode.DAEMON_UNREACHABLE, "the daemon's HTTP side is " + state);
        String name = args.get("token") instanceof String t ? t : Tokens.DEFAULT;
        if (tokens.list().stream().noneMatch(t -> t.name().equals(name)))
            throw new PmException(ErrorCode.NOT_FOUND, "no token named '" + name + "' (pm token list shows them; pm token create "
                    + name + " makes it, and the dashboard then acts with its rights)");
        var m = new LinkedHashMap<String, Object>();
        m.put("url", url() + "login?t=" + logins.code(name));
        m.put("expires_in_s", Logins.CODE_LIFETIME.toSeconds());
        return m;
    }

    public Map<String, Object> createToken(Map<String, Object> args) {
        String name = args.get("name") instanceof String n ? n : "";
        boolean readOnly = Boolean.TRUE.equals(args.get("read_only"));
        String secret = guarded(() -> tokens.create(name, readOnly));
        var m = new LinkedHashMap<String, Object>();
        m.put("name", name);
        m.put("read_only", readOnly);
        m.put("token", secret);
        return m;
    }

    public Map<String, Object> listTokens(Map<String, Object> args) {
        var list = new ArrayList<Object>();
        for (var t : tokens.list()) list.add(t.toJson());
        return Map.of("tokens", list);
    }

    public Map<String, Object> revokeToken(Map<String, Object> args) {
        String name = args.get("name") instanceof String n ? n : "";
        guarded(() -> {
            tokens.revoke(name);
            return name;
        });
        logins.endAll(name);
        streams.endToken(name);
        return Map.of("revoked", name);
    }

    private static <T> T guarded(java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (PmException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new PmException(ErrorCode.INTERNAL, String.valueOf(e.getMessage()));
        }
    }

    public void close() {
        if (server != null) server.stop(0);
    }
}
