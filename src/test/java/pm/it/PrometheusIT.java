package pm.it;

import org.junit.jupiter.api.Test;
import pm.core.Json;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * pm's /metrics with Prometheus' own tools (Debian's prometheus package; .ci/run installs it): promtool
 * finds nothing to say about the exposition or the shipped rules, the rules' unit tests pass, and a real
 * Prometheus server scraping pm with a read-only bearer token sees the app up.
 */
class PrometheusIT {
    static String tool(String name) {
        for (String dir : System.getenv("PATH").split(":")) {
            if (Files.isExecutable(Path.of(dir, name))) return Path.of(dir, name).toString();
        }
        throw new AssertionError(name + " is not installed: .ci/run apt-installs what the tests need (prometheus, chromium, nodejs)");
    }

    static Pm.Result run(Path dir, String... argv) throws IOException {
        return Pm.finish(new ProcessBuilder(argv).directory(dir.toFile()));
    }

    @Test
    void promtoolFindsTheMetricsAndTheRulesClean() throws Exception {
        try (var pm = new Pm()) {
            pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "scraped-app");
            pm.ok("start", "scraped-app");
            var http = Http.of(pm);
            Pm.await("a sample of the app", Duration.ofSeconds(10), () -> http.get("/metrics").body().contains("pm_process_resident_memory_bytes{"));
            Path scrape = pm.file("scrape.txt");
            Files.writeString(scrape, http.get("/metrics").body());
            // Through sh, to give promtool the scrape on its stdin (Pm.finish gives commands none).
            var check = run(pm.home, "sh", "-c", tool("promtool") + " check metrics < " + scrape);
            assertThat(check.code()).as(check.toString()).isZero();
            assertThat(check.out() + check.err()).as("promtool's lint").isBlank();
        }
        Path docs = Pm.ROOT.resolve("docs");
        var rules = run(docs, tool("promtool"), "check", "rules", "prometheus-rules.yml");
        assertThat(rules.code()).as(rules.toString()).isZero();
        assertThat(rules.out()).contains("SUCCESS: 4 rules found");
        var tests = run(docs, tool("promtool"), "test", "rules", "prometheus-rules.test.yml");
        assertThat(tests.code()).as(tests.toString()).isZero();
        assertThat(tests.out()).contains("SUCCESS");
    }

    @Test
    void aPrometheusServerScrapesPmWithABearerTokenAndSeesTheAppUp() throws Exception {
        try (var pm = new Pm()) {
            pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "scraped-app");
            pm.ok("start", "scraped-app");
            int pmPort = Http.port(pm);
            Path dir = Files.createDirectories(pm.home.resolve("prometheus"));
            Files.writeString(dir.resolve("token"), pm.ok("token", "create", "--read-only", "prometheus").strip());
            int port;
            try (var free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
            Files.writeString(dir.resolve("prometheus.yml"), """
                    global: {scrape_interval: 1s, evaluation_interval: 1s}
                    rule_files: [%s]
                    scrape_configs:
                      - job_name: pm
                        authorization: {type: Bearer, credentials_file: %s}
                        static_configs: [{targets: ["127.0.0.1:%d"]}]
                    """.formatted(Pm.ROOT.resolve("docs/prometheus-rules.yml"), dir.resolve("token"), pmPort));
            var server = new ProcessBuilder(tool("prometheus"), "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            try {
                var client = HttpClient.newHttpClient();
                Pm.await("Prometheus to report pm_process_up{name=\"scraped-app\"} 1", Duration.ofSeconds(60),
                        () -> "1".equals(query(client, port, "pm_process_up{name=\"scraped-app\"}")));
                assertThat(query(client, port, "up{job=\"pm\"}")).isEqualTo("1");
                pm.ok("stop", "scraped-app");
                Pm.await("Prometheus to see it stopped", Duration.ofSeconds(30),
                        () -> "0".equals(query(client, port, "pm_process_up{name=\"scraped-app\"}")));
            } finally {
                server.destroy();
                if (!server.waitFor(10, TimeUnit.SECONDS)) server.destroyForcibly();
            }
        }
    }

    /** The value of an instant query's only series, or null. */
    @SuppressWarnings("unchecked")
    static String query(HttpClient client, int port, String promql) {
        try {
            var uri = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
            var body = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
            var data = (Map<String, Object>) Json.parseObject(body).get("data");
            var result = (List<Map<String, Object>>) data.get("result");
            if (result.size() != 1) return null;
            return (String) ((List<Object>) result.getFirst().get("value")).get(1);
        } catch (IOException | RuntimeException e) {
            return null; // not up yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
