package pm.daemon.http;

import com.sun.net.httpserver.HttpExchange;
import pm.core.Json;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** One request and its answer: what handlers read from the exchange and how they reply to it. */
final class Call {
    /** Longer request bodies are refused: the largest real one (a spec) is a few KiB. */
    static final int MAX_BODY = 64 << 10;
    static final String JSON = "application/json";

    final HttpExchange exchange;
    private final Watchdog watchdog;
    /** Who asks; set once the guard let the request in. */
    Guard.Caller caller;
    /** Handed to a stream's own thread, which answers and closes it. */
    boolean streaming;
    private Map<String, String> query;

    Call(HttpExchange exchange, Watchdog watchdog) {
        this.exchange = exchange;
        this.watchdog = watchdog;
    }

    String method() {
        return exchange.getRequestMethod();
    }

    String path() {
        return exchange.getRequestURI().getPath();
    }

    String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    /** A query parameter, or {@code fallback}. */
    String query(String name, String fallback) {
        if (query == null) query = parseQuery(exchange.getRequestURI().getRawQuery());
        return query.getOrDefault(name, fallback);
    }

    /** A whole-number query parameter from {@code min} to {@code max}; refused otherwise. */
    int number(String name, int fallback, int min, int max) {
        String text = query(name, null);
        if (text == null) return fallback;
        try {
            int n = Integer.parseInt(text);
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw Refusal.badRequest("bad " + name + " '" + text + "': use a whole number from " + min + " to " + max);
    }

    boolean flag(String name) {
        String v = query(name, "false");
        if (v.equals("true") || v.equals("1") || v.isEmpty()) return true;
        if (v.equals("false") || v.equals("0")) return false;
        throw Refusal.badRequest("bad " + name + " '" + v + "': use true or false");
    }

    static Map<String, String> parseQuery(String raw) {
        var out = new HashMap<String, String>();
        if (raw == null || raw.isEmpty()) return out;
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                out.putIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw Refusal.badRequest("malformed query string: " + e.getMessage());
            }
        }
        return out;
    }

    /** The body as a JSON object; an empty body is an empty object. Refused if too large or not JSON. */
    Map<String, Object> body() throws IOException {
        String length = header("Content-Length");
        if (length != null) {
            long n;
            try {
                n = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                throw Refusal.badRequest("bad Content-Length '" + length + "'");
            }
            if (n > MAX_BODY) throw tooLarge();
        }
        byte[] bytes;
        try (InputStream in = exchange.getRequestBody()) {
            bytes = in.readNBytes(MAX_BODY + 1);
        }
        if (bytes.length > MAX_BODY) throw tooLarge();
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.isBlank()) return new LinkedHashMap<>();
        try {
            return Json.parseObject(text);
        } catch (Json.ParseException e) {
            throw Refusal.badRequest("malformed JSON in the request body: " + e.getMessage());
        }
    }

    private static Refusal tooLarge() {
        return new Refusal(413, "PAYLOAD_TOO_LARGE", "the request body is larger than " + (MAX_BODY >> 10) + " KiB");
    }

    void json(int status, Object value) throws IOException {
        send(status, JSON, (Json.write(value) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    void fail(Refusal r) throws IOException {
        if (r.status == 401) exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"pm\"");
        var error = new LinkedHashMap<String, Object>();
        error.put("code", r.code);
        error.put("message", r.getMessage());
        json(r.status, Map.of("error", error));
    }

    /** Answers with a body (none for 204 or an empty one); every write is watched for a client that stopped reading. */
    void send(int status, String type, byte[] body) throws IOException {
        var h = exchange.getResponseHeaders();
        if (type != null) h.set("Content-Type", type.startsWith("text/") || type.equals(JSON) ? type + "; charset=utf-8" : type);
        secure(exchange);
        try (var w = watchdog.writing()) {
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                var out = exchange.getResponseBody();
                out.write(body);
                out.close();
            }
        }
    }

    /** Headers every answer carries: nothing cached, sniffed, framed or referred (a login link holds a code). */
    static void secure(HttpExchange exchange) {
        var h = exchange.getResponseHeaders();
        h.set("Cache-Control", "no-store");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Referrer-Policy", "no-referrer");
        h.set("X-Frame-Options", "DENY");
    }

    Watchdog watchdog() {
        return watchdog;
    }
}
