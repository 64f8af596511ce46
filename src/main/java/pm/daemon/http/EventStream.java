package pm.daemon.http;

import pm.core.Json;
import pm.core.UtcTime;
import pm.daemon.engine.Engine;
import pm.daemon.events.EventRing;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code GET /api/v1/events}: the process list, then every change as it happens, as server-sent events.
 * First a {@code snapshot} (the body of {@code GET /api/v1/processes}), then the ring's events ({@code
 * state}, {@code health}, {@code heartbeat}, {@code restart}, {@code registered}, {@code updated}, {@code unregistered}),
 * each with an id, and every few seconds a {@code samples} event (CPU, memory, uptime; no id). A client
 * that reconnects with {@code Last-Event-ID} gets what it missed, if the ring still holds it; if not, or
 * if the daemon restarted meanwhile (ids name the daemon's start), a {@code reset} and a new snapshot.
 */
final class EventStream {
    static final Duration KEEPALIVE = Duration.ofSeconds(15);
    static final int DEFAULT_SAMPLES_SECONDS = 2;
    /** How soon a browser reconnects after the stream ends (a daemon restart, a dropped client). */
    static final Duration RETRY = Duration.ofSeconds(2);
    private static final int BATCH = 256;
    /**
     * A stream opened with a session cookie ends after this long, and the browser reconnects at once with
     * Last-Event-ID (missing nothing): the reconnect renews the session and its cookie, so a dashboard left
     * open counts as a session in use.
     */
    static final Duration SESSION_RENEW = Duration.ofHours(1);
    /** What a samples event carries of each process. */
    static final List<String> SAMPLE_FIELDS = List.of("name", "state", "pid", "uptime_ms", "restarts", "cpu_percent",
            "memory_bytes", "processes", "health", "heartbeat_at");

    private final Engine engine;
    private final EventRing ring;
    /** Names this daemon's run in event ids: an id from an earlier daemon is not mistaken for one of ours. */
    private final String boot;

    EventStream(Engine engine, EventRing ring, long bootMillis) {
        this.engine = engine;
        this.ring = ring;
        this.boot = Long.toString(bootMillis, 36);
    }

    void serve(Call call, Streams streams) {
        int samples = call.number("samples", DEFAULT_SAMPLES_SECONDS, 0, 3600);
        String last = call.header("Last-Event-ID");
        if (last == null) last = call.query("last_event_id", null);
        String lastId = last;
        streams.start(call, "the event stream", open -> run(call, open, lastId, samples));
    }

    private void run(Call call, Streams.Open open, String lastId, int samplesSeconds) throws IOException, InterruptedException {
        ring.wakeOnAppend();
        try (var sse = SseStream.open(call)) {
            long cursor = resume(lastId);
            if (cursor < 0) {
                if (lastId != null) sse.event(null, "reset", Json.write(Map.of("reason", reason(lastId))));
                cursor = snapshot(sse);
            }
            open.cursor = cursor;
            sse.retry(RETRY.toMillis()).flush();
            long samplesEvery = Duration.ofSeconds(samplesSeconds).toNanos();
            long nextSamples = samplesEvery > 0 ? System.nanoTime() + samplesEvery : Long.MAX_VALUE;
            long nextKeepalive = System.nanoTime() + KEEPALIVE.toNanos();
            boolean renews = open.caller.session() != null;
            long renewAt = System.nanoTime() + SESSION_RENEW.toNanos();
            while (true) {
                if (open.ended()) throw new InterruptedException();
                if (renews && System.nanoTime() - renewAt >= 0) return;
                var read = ring.after(cursor, BATCH);
                if (read.gone()) {
                    // The ring moved on past this client (it fell that far behind): it reloads, as after a reconnect.
                    sse.event(null, "reset", Json.write(Map.of("reason", "this stream fell behind")));
                    cursor = snapshot(sse);
                } else {
                    for (var n : read.events()) sse.event(id(n.seq()), n.event().kind(), data(n));
                    if (!read.events().isEmpty()) cursor = read.events().getLast().seq();
                }
                long now = System.nanoTime();
                if (now - nextSamples >= 0) {
                    sse.event(null, "samples", samples());
                    nextSamples = now + samplesEvery;
                }
                if (now - nextKeepalive >= 0) sse.comment("keepalive");
                open.cursor = cursor;
                sse.flush();
                if (!read.events().isEmpty() || read.gone()) {
                    nextKeepalive = System.nanoTime() + KEEPALIVE.toNanos();
                    continue;
                }
                if (now - nextKeepalive >= 0) nextKeepalive = now + KEEPALIVE.toNanos();
                if (cursor == ring.last()) LockSupport.parkNanos(Math.max(1, Math.min(nextSamples, nextKeepalive) - System.nanoTime()));
            }
        } finally {
            ring.forget();
        }
    }

    /** The number after which to resume, or -1 when the client must reload. */
    private long resume(String lastId) {
        if (lastId == null) return -1;
        int dash = lastId.indexOf('-');
        if (dash < 0 || !lastId.substring(0, dash).equals(boot)) return -1;
        long seq;
        try {
            seq = Long.parseLong(lastId.substring(dash + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
        if (seq > ring.last() || seq < 0 || ring.after(seq, 1).gone()) return -1;
        return seq;
    }

    private String reason(String lastId) {
        int dash = lastId.indexOf('-');
        if (dash < 0 || !lastId.substring(0, dash).equals(boot)) return "the daemon restarted since event " + lastId;
        long seq;
        try {
            seq = Long.parseLong(lastId.substring(dash + 1));
        } catch (NumberFormatException e) {
            return "'" + lastId + "' is not an event id of this stream";
        }
        if (seq > ring.last() || seq < 0) return "event " + lastId + " was never sent: the last is " + id(ring.last());
        return "the events after " + lastId + " are no longer kept";
    }

    /** The process list, as an event with the id of the last event it includes; returns that number. */
    private long snapshot(SseStream sse) {
        long seq = ring.last(); // read before the list: an event after it is sent again, never missed
        sse.event(id(seq), "snapshot", Json.write(ProcessApi.ask(engine, "status", Map.of())));
        return seq;
    }

    private String samples() {
        var reply = ProcessApi.ask(engine, "status", Map.of("fields", SAMPLE_FIELDS));
        var m = new LinkedHashMap<String, Object>();
        m.put("at", UtcTime.format(System.currentTimeMillis()));
        m.put("processes", reply.get("processes"));
        return Json.write(m);
    }

    private String id(long seq) {
        return boot + "-" + seq;
    }

    private static String data(EventRing.Numbered n) {
        var m = new LinkedHashMap<String, Object>();
        m.put("seq", n.seq());
        m.put("type", n.event().kind());
        m.putAll(n.event().fields());
        return Json.write(m);
    }
}
