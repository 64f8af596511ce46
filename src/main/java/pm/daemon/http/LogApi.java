package pm.daemon.http;

import pm.core.Json;
import pm.core.ProcessStatus;
import pm.daemon.engine.Engine;

import java.io.ByteArrayOutputStream;
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
    /** A line longer than this is sent in pieces. */
    private static final int MAX_LINE = 64 << 10;

    private final Engine engine;
    private final Streams streams;

    LogApi(Engine engine, Streams streams) {
        this.engine = engine;
        this.streams = streams;
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
            streams.start(call, "the log of " + name, open -> follow(call, files, lines));
            return;
        }
        var body = new LinkedHashMap<String, Object>();
        body.put("name", name);
        for (var e : files.entrySet()) body.put(e.getKey(), split(last(e.getValue(), lines)));
        call.json(200, body);
    }

    private static byte[] last(Path file, int lines) throws IOException {
        return pm.cli.Logs.lastLines(file, lines, LogFollower.size(file));
    }

    /** The last lines as {@code line} events, then each new line as it is written, until the client goes. */
    private static void follow(Call call, Map<String, Path> files, int lines) throws IOException, InterruptedException {
        var followers = new LinkedHashMap<String, LogFollower>();
        var partial = new LinkedHashMap<String, ByteArrayOutputStream>();
        var partialSince = new LinkedHashMap<String, Long>();
        try (var sse = SseStream.open(call)) {
            for (var e : files.entrySet()) {
                long size = LogFollower.size(e.getValue());
                for (String line : split(pm.cli.Logs.lastLines(e.getValue(), lines, size))) sse.event(null, "line", line(e.getKey(), line));
                followers.put(e.getKey(), new LogFollower(e.getValue(), size));
                partial.put(e.getKey(), new ByteArrayOutputStream());
            }
            sse.retry(2000).flush();
            long quietSince = System.nanoTime();
            while (!Thread.currentThread().isInterrupted()) {
                boolean any = false;
                for (var e : followers.entrySet()) {
                    String which = e.getKey();
                    byte[] bytes = e.getValue().poll(CHUNK);
                    var held = partial.get(which);
                    if (bytes.length > 0) {
                        any = true;
                        int start = 0;
                        for (int i = 0; i < bytes.length; i++) {
                            if (bytes[i] != '\n') continue;
                            held.write(bytes, start, i - start);
                            sse.event(null, "line", line(which, held.toString(StandardCharsets.UTF_8)));
                            held.reset();
                            start = i + 1;
                        }
                        held.write(bytes, start, bytes.length - start);
                        if (held.size() > MAX_LINE) { // output without newlines: sent in pieces, never held without bound
                            sse.event(null, "line", line(which, held.toString(StandardCharsets.UTF_8)));
                            held.reset();
                        }
                        if (held.size() > 0) partialSince.putIfAbsent(which, System.nanoTime());
                        else partialSince.remove(which);
                    } else if (held.size() > 0 && System.nanoTime() - partialSince.getOrDefault(which, 0L) > PARTIAL_AFTER_NANOS) {
                        sse.event(null, "line", line(which, held.toString(StandardCharsets.UTF_8)));
                        held.reset();
                        partialSince.remove(which);
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
            for (var f : followers.values()) f.close();
        }
    }

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
