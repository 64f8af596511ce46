package pm.daemon.http;

import pm.daemon.engine.Engine;
import pm.daemon.events.EventRing;
import pm.daemon.metrics.Scrape;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Which handler answers which method and path (docs/openapi.json lists them all). A read-only token may
 * read everything and act on nothing; unknown paths and methods get a JSON error that says what exists.
 */
final class Routes {
    /** What {@code /metrics} tells about the daemon itself. */
    record Daemon(String version, long startMillis, LongSupplier clientsDropped) {}

    private final Engine engine;
    private final EventRing ring;
    private final Streams streams;
    private final Logins logins;
    private final Daemon daemon;
    private final ProcessApi processes;
    private final LogApi logs;
    private final EventStream events;

    Routes(Engine engine, EventRing ring, Streams streams, Logins logins, Daemon daemon) {
        this.engine = engine;
        this.ring = ring;
        this.streams = streams;
        this.logins = logins;
        this.daemon = daemon;
        this.processes = new ProcessApi(engine);
        this.logs = new LogApi(engine, streams, ring);
        this.events = new EventStream(engine, ring, daemon.startMillis());
    }

    long lastEvent() {
        return ring.last();
    }

    void serve(Call call) throws IOException {
        String path = call.path();
        if (path.equals("/metrics")) {
            only(call, "GET");
            metrics(call);
        } else if (path.equals("/logout")) {
            only(call, "POST");
            logout(call);
        } else if (path.equals("/api/v1") || path.startsWith("/api/v1/")) {
            api(call, path.substring("/api/v1".length()));
        } else if (path.startsWith("/api/")) {
            throw Refusal.notFound("no API at " + path + ": this daemon serves /api/v1 (see /api/v1/openapi.json)");
        } else {
            only(call, "GET");
            asset(call, path);
        }
    }

    private void api(Call call, String rest) throws IOException {
        String[] s = rest.isEmpty() || rest.equals("/") ? new String[0] : rest.substring(1).split("/", -1);
        if (s.length == 1 && s[0].equals("openapi.json")) {
            only(call, "GET");
            call.send(200, Call.JSON, Assets.read(Assets.OPENAPI));
        } else if (s.length == 1 && s[0].equals("session")) {
            only(call, "GET");
            var m = new LinkedHashMap<String, Object>();
            m.put("token", call.caller.token());
            m.put("read_only", call.caller.readOnly());
            call.json(200, m);
        } else if (s.length == 1 && s[0].equals("events")) {
            only(call, "GET");
            events.serve(call, streams);
        } else if (s.length == 1 && s[0].equals("processes")) {
            if (only(call, "GET", "POST").equals("GET")) {
                long t = System.nanoTime();
                var reply = ProcessApi.ask(engine, "status", java.util.Map.of());
                timing(call, t);
                call.json(200, reply);
            } else {
                acting(call);
                processes.register(call);
            }
        } else if (s.length == 2 && s[0].equals("processes") && !s[1].isEmpty()) {
            if (only(call, "GET", "DELETE").equals("GET")) {
                processes.describe(call, s[1]);
            } else {
                acting(call);
                processes.unregister(call, s[1]);
            }
        } else if (s.length == 3 && s[0].equals("processes") && !s[1].isEmpty() && s[2].equals("logs")) {
            only(call, "GET");
            logs.serve(call, s[1]);
        } else if (s.length == 3 && s[0].equals("processes") && !s[1].isEmpty()
                && (s[2].equals("start") || s[2].equals("stop") || s[2].equals("restart"))) {
            only(call, "POST");
            acting(call);
            processes.change(call, s[2], s[1]);
        } else {
            throw Refusal.notFound("no route " + call.method() + " /api/v1" + rest + "; /api/v1/openapi.json lists them");
        }
    }

    /** The request's method if it is one of {@code allowed}; 405 otherwise. */
    private static String only(Call call, String... allowed) {
        for (String m : allowed) if (m.equals(call.method())) return m;
        call.exchange.getResponseHeaders().set("Allow", String.join(", ", allowed));
        throw new Refusal(405, "METHOD_NOT_ALLOWED", call.method() + " is not allowed on " + call.path() + "; use "
                + String.join(" or ", allowed));
    }

    /** Refuses a read-only token anything but reading. */
    private static void acting(Call call) {
        if (call.caller.readOnly())
            throw Refusal.forbidden("token '" + call.caller.token() + "' is read-only: it may read everything but not start, stop, "
                    + "restart, register or unregister (pm token create NAME makes one that may)");
    }

    private void metrics(Call call) throws IOException {
        long t = System.nanoTime(), read;
        Scrape.Text text;
        try {
            var all = engine.readings().get(ProcessApi.READ_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            read = System.nanoTime();
            var d = new Scrape.Daemon(daemon.version(), daemon.startMillis(), daemon.clientsDropped().getAsLong());
            text = Scrape.render(all, d, System.currentTimeMillis(), call.header("Accept"));
        } catch (ExecutionException | TimeoutException e) {
            throw Refusal.busy("the daemon's engine did not answer within " + ProcessApi.READ_TIMEOUT_SECONDS + "s; see daemon.log");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Refusal.busy("interrupted");
        }
        timing(call, t);
        call.exchange.getResponseHeaders().add("Server-Timing", "engine;dur=" + millis(read - t));
        call.exchange.getResponseHeaders().set("Content-Type", text.contentType());
        call.send(200, null, text.bytes());
    }

    /** Says how long the daemon took to make the answer (the bench reads it: time at the server). */
    private static void timing(Call call, long startNanos) {
        call.exchange.getResponseHeaders().set("Server-Timing", "app;dur=" + millis(System.nanoTime() - startNanos));
    }

    /** Milliseconds with two decimals, without Formatter. */
    private static String millis(long nanos) {
        long hundredths = nanos / 10_000, frac = hundredths % 100;
        return hundredths / 100 + "." + (frac < 10 ? "0" : "") + frac;
    }

    private void asset(Call call, String path) throws IOException {
        byte[] bytes = Assets.dashboard(path);
        if (bytes == null) throw Refusal.notFound("nothing at " + path);
        String type = Assets.type(path);
        if (type.equals("text/html")) call.exchange.getResponseHeaders().set("Content-Security-Policy", Assets.POLICY);
        call.send(200, type, bytes);
    }

    /** {@code /login?t=CODE}: trades a one-time code for a session cookie, then opens the dashboard. */
    void login(Call call) throws IOException {
        only(call, "GET");
        String code = call.query("t", "");
        String session = code.isEmpty() ? null : logins.redeem(code);
        if (session == null) {
            var r = Refusal.unauthorized("this login link was used already, has expired (links last "
                    + Logins.CODE_LIFETIME.toMinutes() + " minutes) or is not one; run pm dashboard for a new one");
            if (!browser(call)) throw r;
            call.send(401, "text/html", Assets.loginHint(r.getMessage()));
            return;
        }
        var h = call.exchange.getResponseHeaders();
        h.set("Set-Cookie", Guard.sessionCookie(session));
        h.set("Location", "/");
        call.send(303, null, new byte[0]);
    }

    private void logout(Call call) throws IOException {
        String session = Guard.cookie(call.exchange.getRequestHeaders(), Guard.COOKIE);
        if (session != null) {
            logins.end(session);
            streams.endSession(session);
        }
        call.exchange.getResponseHeaders().set("Set-Cookie", Guard.COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
        call.send(204, null, new byte[0]);
    }

    /** Whether the request comes from a browser that wants a page (it gets one instead of JSON for a missing login). */
    static boolean browser(Call call) {
        String accept = call.header("Accept");
        return accept != null && accept.contains("text/html") && call.method().equals("GET") && !call.path().startsWith("/api/");
    }
}
