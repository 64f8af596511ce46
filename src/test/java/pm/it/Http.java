package pm.it;

import pm.core.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A small HTTP/1.1 client over a plain socket, so a test controls every header (Host, Origin, which the
 * JDK's client will not let it set) and can read a server-sent-events stream event by event, or not at all.
 */
final class Http {
    final int port;
    final String token;

    Http(int port, String token) {
        this.port = port;
        this.token = token;
    }

    /** What the daemon of this home serves HTTP on, from {@code pm daemon status}; with a new full-access token. */
    static Http of(Pm pm) {
        return new Http(port(pm), pm.ok("token", "create", "t" + System.nanoTime()).strip());
    }

    static int port(Pm pm) {
        for (String line : pm.ok("daemon", "status").split("\n")) {
            if (line.startsWith("http: serving http://127.0.0.1:")) return Integer.parseInt(line.replaceAll(".*:(\\d+)/$", "$1"));
        }
        throw new AssertionError("pm daemon status names no HTTP address");
    }

    record Response(int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            var v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null ? null : v.getFirst();
        }

        Map<String, Object> json() {
            return Json.parseObject(body);
        }

        /** The code and message of an error body. */
        @SuppressWarnings("unchecked")
        List<String> error() {
            var e = (Map<String, Object>) json().get("error");
            return List.of((String) e.get("code"), (String) e.get("message"));
        }

        @Override
        public String toString() {
            return status + " " + headers + "\n" + body;
        }
    }

    /** A request with the token, and the usual Host. */
    Response get(String path) {
        return send("GET", path, auth(), null);
    }

    Response post(String path, String body) {
        return send("POST", path, auth(), body);
    }

    Map<String, String> auth() {
        var h = new LinkedHashMap<String, String>();
        h.put("Authorization", "Bearer " + token);
        return h;
    }

    /** Sends one request (Host 127.0.0.1:PORT unless given) and reads the whole answer. */
    Response send(String method, String path, Map<String, String> headers, String body) {
        try (var s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(30_000);
            write(s.getOutputStream(), method, path, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8), true);
            var in = s.getInputStream();
            var head = head(in);
            byte[] content;
            if ("chunked".equalsIgnoreCase(first(head.headers, "transfer-encoding"))) content = dechunk(in);
            else if (first(head.headers, "content-length") != null) content = in.readNBytes(Integer.parseInt(first(head.headers, "content-length")));
            else content = in.readAllBytes();
            return new Response(head.status, head.headers, new String(content, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + ": " + e, e);
        }
    }

    void write(OutputStream out, String method, String path, Map<String, String> headers, byte[] body, boolean close) throws IOException {
        var req = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
        if (headers.keySet().stream().noneMatch(k -> k.equalsIgnoreCase("Host"))) req.append("Host: 127.0.0.1:").append(port).append("\r\n");
        headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
        if (body != null) req.append("Content-Length: ").append(body.length).append("\r\n");
        if (close) req.append("Connection: close\r\n");
        req.append("\r\n");
        out.write(req.toString().getBytes(StandardCharsets.UTF_8));
        if (body != null) out.write(body);
        out.flush();
    }

    private record Head(int status, Map<String, List<String>> headers) {}

    private static Head head(InputStream in) throws IOException {
        String status = line(in);
        var headers = new LinkedHashMap<String, List<String>>();
        for (String l; !(l = line(in)).isEmpty(); ) {
            int colon = l.indexOf(':');
            headers.computeIfAbsent(l.substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(l.substring(colon + 1).strip());
        }
        return new Head(Integer.parseInt(status.split(" ")[1]), headers);
    }

    private static String first(Map<String, List<String>> headers, String name) {
        var v = headers.get(name);
        return v == null ? null : v.getFirst();
    }

    static String line(InputStream in) throws IOException {
        var out = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) throw new IOException("end of stream");
            if (c != '\r') out.write(c);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static byte[] dechunk(InputStream in) throws IOException {
        var out = new ByteArrayOutputStream();
        while (true) {
            int size = Integer.parseInt(line(in).strip(), 16);
            if (size == 0) {
                line(in);
                return out.toByteArray();
            }
            out.write(in.readNBytes(size));
            line(in);
        }
    }

    /** One server-sent event. */
    record Event(String id, String name, String data) {
        Map<String, Object> json() {
            return Json.parseObject(data);
        }
    }

    /** An open server-sent-events response, read event by event. */
    static final class Stream implements AutoCloseable {
        final Socket socket;
        final int status;
        private final InputStream in;
        private final StringBuilder pending = new StringBuilder();
        /** Whether the server ended the response (its last chunk came, or the connection closed). */
        boolean ended;

        Stream(Http http, String path, Map<String, String> headers) throws IOException {
            socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", http.port), 5000);
            http.write(socket.getOutputStream(), "GET", path, headers, null, false);
            in = socket.getInputStream();
            var head = head(in);
            status = head.status;
        }

        /** The next event (comments skipped), or null if none comes within the timeout or the stream ended. */
        Event next(Duration timeout) throws IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                int end = pending.indexOf("\n\n");
                if (end >= 0) {
                    String block = pending.substring(0, end);
                    pending.delete(0, end + 2);
                    String id = null, name = "message", data = null;
                    for (String l : block.split("\n")) {
                        if (l.startsWith("id: ")) id = l.substring(4);
                        else if (l.startsWith("event: ")) name = l.substring(7);
                        else if (l.startsWith("data: ")) data = l.substring(6);
                    }
                    if (data != null) return new Event(id, name, data);
                    continue;
                }
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) return null;
                socket.setSoTimeout((int) left);
                try {
                    String sizeLine = line(in).strip();
                    if (sizeLine.isEmpty()) continue;
                    int size = Integer.parseInt(sizeLine, 16);
                    if (size == 0) {
                        ended = true;
                        return null;
                    }
                    pending.append(new String(in.readNBytes(size), StandardCharsets.UTF_8));
                    line(in);
                } catch (SocketTimeoutException e) {
                    return null;
                } catch (IOException e) {
                    ended = true;
                    return null;
                }
            }
        }

        /** The next event named {@code name}, skipping others. */
        Event next(String name, Duration timeout) throws IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            for (Event e; (e = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) != null; ) {
                if (e.name().equals(name)) return e;
            }
            return null;
        }

        /** Whether the server ends the response within {@code timeout}; the events until then are skipped. */
        boolean endsWithin(Duration timeout) throws IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!ended && System.nanoTime() < deadline) next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            return ended;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    Stream stream(String path) throws IOException {
        return new Stream(this, path, auth());
    }
}
