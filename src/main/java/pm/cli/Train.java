package pm.cli;

import pm.core.Home;
import pm.core.Json;
import pm.core.Protocol;
import pm.file.Applied;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training run for the client's AOT cache (the launcher runs it once per build): it drives the
 * real command paths (parsing, help, the socket round trip, JSON, the status table with its ID column,
 * fitted to a terminal's width or not, and an apply of a pm.yaml as it was last applied) against a
 * stand-in daemon in this JVM, so the classes a real {@code pm status} or an unchanged {@code pm apply}
 * loads are in the cache. Every command maps the cached classes at its start: apply's spec builder costs
 * status about 1 ms of CPU, and saves an unchanged apply about 20 (docs/performance.md). Not a test.
 */
public final class Train {
    private Train() {}

    public static void main(String[] args) throws Exception {
        var dir = Files.createTempDirectory("pm-train");
        var home = new Home(dir);
        try (var server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(home.socket()));
            // Made with the caller's umask: under umask 000 the client would refuse it as others' to write,
            // every command of the run would fail, and the cache would lack the hot path (measured: 12% more
            // CPU for pm status, after a build first run that way).
            Files.setPosixFilePermissions(home.socket(), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            Thread.ofPlatform().daemon().start(() -> answer(server));
            var sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
            var main = new Main(home, sink);
            for (var argv : List.of(List.of("status"), List.of("status", "--json"), List.of("list"),
                    List.of("start", "app-1"), List.of("stop", "--all"), List.of("status", "--help"), List.of("--help"))) {
                main.dispatch(argv);
            }
            // On a terminal the table is fitted to its width (the launcher passes it): that path too.
            System.setProperty("pm.columns", "60");
            main.dispatch(List.of("ls"));
            System.clearProperty("pm.columns");
            applyAgain(home, dir, main);
        } finally {
            try (var files = Files.walk(dir)) {
                for (var f : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
            }
        }
    }

    /**
     * {@code pm apply} of a file as it was last applied: the apps are recalled from the memory and built
     * again by the spec builder, with no YAML parse (which stays out of the cache, as out of pm status).
     */
    private static void applyAgain(Home home, Path dir, Main main) throws IOException {
        var file = dir.resolve("pm.yaml");
        String text = "apps:\n  web:\n    script: /bin/sleep\n";
        Files.writeString(file, text);
        var settings = new LinkedHashMap<String, Object>();
        settings.put("name", "web");
        settings.put("script", "/bin/sleep");
        settings.put("type", "binary");
        settings.put("args", List.of("1000"));
        settings.put("env", Map.of("GREETING", "hello"));
        settings.put("restart_policy", "on-failure");
        settings.put("port", 8080L);
        settings.put("health_check", "/health");
        new Applied(home.applied()).keep(new Applied.Memory(file, text, Map.of(), Map.of(), List.of(new Applied.Settings("web", settings, true))));
        main.dispatch(List.of("apply", "-f", file.toString()));
    }

    /** Answers every request with a ten-process status, which is what the hot path reads. */
    private static void answer(ServerSocketChannel server) {
        var procs = new ArrayList<Object>();
        for (int i = 0; i < 10; i++) {
            var p = new LinkedHashMap<String, Object>();
            p.put("id", (long) i);
            p.put("name", "app-" + i);
            p.put("type", "python");
            p.put("state", i % 2 == 0 ? "running" : "stopped");
            p.put("pid", i % 2 == 0 ? 1000L + i : null);
            p.put("uptime_ms", 123456L);
            p.put("restarts", 0L);
            p.put("cpu_percent", 1.5);
            p.put("memory_bytes", 12345678L);
            p.put("health", "unknown");
            p.put("port", 5000L + i);
            p.put("script", "/srv/app.py");
            p.put("restart_policy", "on-failure");
            p.put("health_check", "/health");
            p.put("desired", "running");
            p.put("reason", "");
            procs.add(p);
        }
        String reply = Protocol.ok(Map.of("processes", procs, "warnings", List.of())) + "\n";
        while (server.isOpen()) {
            try (var ch = server.accept()) {
                var in = Channels.newInputStream(ch);
                while (in.read() != '\n') {
                    // read the request line
                }
                ch.write(ByteBuffer.wrap(reply.getBytes(StandardCharsets.UTF_8)));
            } catch (Exception e) {
                return;
            }
        }
        Json.write(Map.of());
    }
}
