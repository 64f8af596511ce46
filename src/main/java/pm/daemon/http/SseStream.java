package pm.daemon.http;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A server-sent-events response: events are gathered, then written and flushed together, each write
 * watched ({@link Watchdog}) so a client that stops reading is cut off instead of holding its thread.
 */
final class SseStream implements AutoCloseable {
    private final HttpExchange exchange;
    private final Watchdog watchdog;
    private final OutputStream out;
    private final StringBuilder pending = new StringBuilder(512);

    private SseStream(HttpExchange exchange, Watchdog watchdog, OutputStream out) {
        this.exchange = exchange;
        this.watchdog = watchdog;
        this.out = out;
    }

    /** Sends the headers of a stream that stays open. */
    static SseStream open(Call call) throws IOException {
        var h = call.exchange.getResponseHeaders();
        h.set("Content-Type", "text/event-stream; charset=utf-8");
        h.set("X-Accel-Buffering", "no"); // a proxy in front must not hold events back
        Call.secure(call.exchange);
        try (var w = call.watchdog().writing()) {
            call.exchange.sendResponseHeaders(200, 0);
        }
        return new SseStream(call.exchange, call.watchdog(), call.exchange.getResponseBody());
    }

    /** One event; {@code id} may be null (the client's last id stays), {@code data} is one line (JSON). */
    SseStream event(String id, String name, String data) {
        if (id != null) pending.append("id: ").append(id).append('\n');
        pending.append("event: ").append(name).append('\n').append("data: ").append(data).append("\n\n");
        return this;
    }

    /** A comment line: keeps the connection alive through idle proxies, and finds clients that are gone. */
    SseStream comment(String text) {
        pending.append(": ").append(text).append("\n\n");
        return this;
    }

    /** Tells the client how long to wait before it reconnects. */
    SseStream retry(long millis) {
        pending.append("retry: ").append(millis).append("\n\n");
        return this;
    }

    void flush() throws IOException {
        if (pending.isEmpty()) return;
        byte[] bytes = pending.toString().getBytes(StandardCharsets.UTF_8);
        pending.setLength(0);
        try (var w = watchdog.writing()) {
            out.write(bytes);
            out.flush();
        }
    }

    @Override
    public void close() {
        try (var w = watchdog.writing()) {
            exchange.close();
        }
    }
}
