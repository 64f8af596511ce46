package pm.daemon.http;

import pm.core.Json;
import pm.core.ProcessStatus;
import pm.daemon.engine.Engine;
import pm.daemon.events.EventRing;
import pm.daemon.events.ProcessEvent;
import pm.logs.Backlog;
import pm.logs.Follower;
import pm.logs.Lines;
import pm.logs.Stamps;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/processes/NAME/logs}: an app's last lines as JSON, or with {@code follow=true} (or
 * {@code Accept: text/event-stream}) those lines and then every new one as server-sent events. Lines are
 * read from the log files, as {@code pm logs} reads them (the daemon never carries an app's output
 * otherwise), and decoded as UTF-8 (bytes that are not become U+FFFD).
 */
final class LogApi {
    static final int DEFAULT_LINES = 100, MAX_LINES = 10_000;
    private static final Duration POLL = Duration.ofMillis(200);
    /** A line that has waited this long for its end is sent as it is (a prompt, a progress bar). */
    private static final long PARTIAL_AFTER_NANOS = Duration.ofSeconds(1).toNanos();
    private static final int CHUNK = 256 << 10;

    private final Engine engine;
    private final Streams streams;
    private final EventRing ring;

    LogApi(Engine engine, Streams streams, EventRing ring) {
        this.engine = engine;
        this.streams = streams;
        this.ring = ring;
    }

    void serve(Call call, String name) throws IOException {
        int lines = call.number("lines", DEFAULT_LINES, 0, MAX_LINES);
        String stream = call.query("stream", "both");
        if (!stream.equals("out") && !stream.equals("err") && !stream.equals("both"))
            throw Refusal.badRequest("bad stream '" + stream + "': use out, err or both");
        var status = ProcessStatus.fromJson(ProcessApi.first(ProcessApi.ask(engine, "status", Map.of("name", name))));
        var files = new LinkedHashMap<String, Path>();
        if (!stream.equals("err")) files.put("out", Path.of(status.outLog()));
        if (!stream.equals("out")) files.put("err", Path.of(status.errLog()));
        String accept = call.header("Accept");
        if (call.flag("follow") || (accept != null && accept.contains("text/event-stream"))) {
            streams.start(call, "the log of " + name, open -> follow(call, open, new Gone(ring, name), files, lines));
            return;
        }
        var body = new LinkedHashMap<String, Object>();
        body.put("name", name);
        for (var e : files.entrySet()) body.put(e.getKey(), split(last(e.getValue(), lines)));
        call.json(200, body);
    }

    private static byte[] last(Path file, int lines) throws IOException {
        return Backlog.read(file, Backlog.find(file, lines, null, Stamps.NONE));
    }

    /**
     * The last lines as {@code line} events, then each new line as it is written, until the client goes. Each
     * log is read by a follower from where its last lines begin, so no line falls between the two, and
     * rotations lose nothing (pm.logs).
     */
    private static void follow(Call call, Streams.Open open, Gone gone, Map<String, Path> files, int lines) throws IOException, InterruptedException {
        var logs = new ArrayList<Followed>();
        byte[] buf = new byte[CHUNK];
        try (var sse = SseStream.open(call)) {
            for (var e : files.entrySet()) {
                var span = Backlog.find(e.getValue(), lines, null, Stamps.NONE);
                String which = e.getKey();
                logs.add(new Followed(new Follower(e.getValue(), span.from()), new Lines(),
                        (b, off, len) -> sse.event(null, "line", line(which, new String(b, off, len, StandardCharsets.UTF_8)))));
            }
            sse.retry(2000).flush();
            long quietSince = System.nanoTime();
            while (!open.ended() && !gone.check()) {
                boolean any = false;
                for (var f : logs) {
                    int n = f.follower.read(buf);
                    if (n > 0) {
                        any = true;
                        f.lines.feed(buf, 0, n, f.sink);
                    } else if (f.lines.waiting(PARTIAL_AFTER_NANOS)) {
                        f.lines.finish(f.sink);
                        any = true;
                    }
                }
                if (any) {
                    sse.flush();
                    quietSince = System.nanoTime();
                    continue;
                }
                if (System.nanoTime() - quietSince > EventStream.KEEPALIVE.toNanos()) {
                    sse.comment("keepalive").flush();
                    quietSince = System.nanoTime();
                }
                Thread.sleep(POLL.toMillis());
            }
        } finally {
            for (var f : logs) f.follower.close();
        }
    }

    /**
     * Whether the followed app was unregistered, from the event ring: its follow ends then, as there is
     * no more log to wait for. Looks only at the events since the last look.
     */
    private static final class Gone {
        private final EventRing ring;
        private final String name;
        private long seen;

        Gone(EventRing ring, String name) {
            this.ring = ring;
            this.name = name;
            this.seen = ring.last();
        }

        boolean check() {
            while (seen != ring.last()) {
                var read = ring.after(seen, 256);
                if (read.gone()) {
                    seen = ring.last(); // fell behind the ring: an unregister among those is missed, which only keeps the follow open
                    return false;
                }
                for (var n : read.events()) if (n.event() instanceof ProcessEvent.Unregistered u && u.name().equals(name)) return true;
                seen = read.events().getLast().seq();
            }
            return false;
        }
    }

    private record Followed(Follower follower, Lines lines, Lines.Sink sink) {}

    private static String line(String stream, String text) {
        var m = new LinkedHashMap<String, Object>();
        m.put("stream", stream);
        m.put("line", text);
        return Json.write(m);
    }

    /** Lines without their newlines; a last line without one counts too. */
    static List<String> split(byte[] bytes) {
        var out = new ArrayList<String>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                out.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < bytes.length) out.add(new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8));
        return out;
    }
}
