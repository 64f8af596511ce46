package pm.daemon.monitor;

import pm.core.Probe;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs one probe to completion within its timeout, on the caller's (virtual) thread. A hung endpoint
 * costs that one thread its timeout and nothing else.
 */
final class Prober {
    /** Made on first use: an HTTP client keeps a selector thread awake, which a daemon without HTTP checks does not need. */
    private static final class Http {
        static {
            // Each check asks for "Connection: close" (a header the JDK's client refuses unless allowed): a
            // connection kept alive between checks would be one an app that finishes its open connections
            // before it exits waits on, until pm's kill timeout ends it.
            System.setProperty("jdk.httpclient.allowRestrictedHeaders", "connection");
        }

        static final HttpClient CLIENT = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(Runnable::run)
                .build();
    }

    /** Whether the probe passed, and a short description of what it saw. */
    record Result(boolean ok, String detail) {}

    Result probe(Probe probe, Duration timeout, String cwd) {
        long started = System.nanoTime();
        try {
            return switch (probe) {
                case Probe.Http h -> http(h, timeout, started);
                case Probe.Tcp t -> tcp(t, timeout, started);
                case Probe.Command c -> command(c, timeout, cwd, started);
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(false, "interrupted");
        }
    }

    private Result http(Probe.Http h, Duration timeout, long started) throws InterruptedException {
        var client = Http.CLIENT; // first: it allows the Connection header
        var request = HttpRequest.newBuilder(h.uri()).timeout(timeout).GET()
                .header("User-Agent", "pm-health").header("Connection", "close").build();
        // The request timeout covers only the wait for the headers; the deadline on the future covers a
        // body that never ends too, so a probe never outlives its timeout.
        var response = client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        try {
            int code = response.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).statusCode();
            // Any 2xx or 3xx is healthy, as in Kubernetes' httpGet probe.
            return new Result(code >= 200 && code < 400, "HTTP " + code + " in " + ms(started));
        } catch (java.util.concurrent.TimeoutException e) {
            response.cancel(true);
            return new Result(false, "no answer within " + timeout.toMillis() + "ms");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof java.net.http.HttpTimeoutException)
                return new Result(false, "no answer within " + timeout.toMillis() + "ms");
            return new Result(false, e.getCause() instanceof IOException io ? describe(io) : String.valueOf(e.getCause()));
        }
    }

    private static Result tcp(Probe.Tcp t, Duration timeout, long started) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(t.host(), t.port()), (int) Math.max(1, timeout.toMillis()));
            return new Result(true, "connected in " + ms(started));
        } catch (java.net.SocketTimeoutException e) {
            return new Result(false, "no connection within " + timeout.toMillis() + "ms");
        } catch (IOException e) {
            return new Result(false, describe(e));
        }
    }

    private static Result command(Probe.Command c, Duration timeout, String cwd, long started) throws InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("sh", "-c", c.command())
                    .directory(Path.of(cwd).toFile())
                    .redirectInput(new File("/dev/null"))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            return new Result(false, "cannot run: " + e.getMessage());
        }
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            return new Result(false, "command did not finish within " + timeout.toMillis() + "ms");
        }
        int code = p.exitValue();
        return new Result(code == 0, "command exited " + code + " in " + ms(started));
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        if (e instanceof java.net.ConnectException) return "connection refused";
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private static String ms(long started) {
        return (System.nanoTime() - started) / 1_000_000 + "ms";
    }
}
