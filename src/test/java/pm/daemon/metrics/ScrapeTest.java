package pm.daemon.metrics;

import org.junit.jupiter.api.Test;
import pm.core.Health;
import pm.core.Json;
import pm.core.ProcessState;
import pm.core.ProcessStatus;
import pm.core.ProcessType;
import pm.core.RestartPolicy;
import pm.daemon.engine.Reading;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class ScrapeTest {
    static final long NOW = 1_796_541_100_000L;

    static Reading running(String name) {
        var s = new ProcessStatus(1, name, ProcessType.PYTHON, ProcessState.RUNNING, true, 4242, NOW - 60_000, 60_000, 3, 1.5,
                20L << 20, 2, "cgroup", Health.HEALTHY, "HTTP 200 in 2ms", 5000, "http://127.0.0.1:5000/health", NOW - 2500,
                RestartPolicy.ALWAYS, "", Optional.empty(), 0, "/o", "/e");
        return new Reading(s, 12.5, 30_000);
    }

    static Reading stopped(String name) {
        var s = new ProcessStatus(2, name, ProcessType.SHELL, ProcessState.STOPPED, false, 0, 0, -1, 0, Double.NaN, -1, -1, "",
                Health.NONE, "", 0, "", 0, RestartPolicy.ON_FAILURE, "stopped by user", Optional.empty(), 0, "/o", "/e");
        return new Reading(s, 0, 30_000);
    }

    static String text(String accept) throws Exception {
        var all = new Reading.All(List.of(running("web"), stopped("job")), 7);
        var t = Scrape.render(all, new Scrape.Daemon("0.1.0", NOW - 3_600_000, 1), NOW, accept);
        return new String(t.bytes(), StandardCharsets.UTF_8);
    }

    /** The metric names that samples in a scrape carry. */
    static Set<String> names(String text) {
        var out = new TreeSet<String>();
        for (String line : text.split("\n")) if (!line.startsWith("#") && !line.isEmpty()) out.add(line.split("[{ ]")[0]);
        return out;
    }

    @Test
    void eachProcessIsLabelledByNameAndTypeAndCarriesOnlyWhatIsKnown() throws Exception {
        String t = text(null);
        assertThat(t).contains("pm_process_up{name=\"web\",type=\"python\"} 1.0", "pm_process_up{name=\"job\",type=\"shell\"} 0.0",
                "pm_process_restarts_total{name=\"web\",type=\"python\"} 3.0", "pm_process_cpu_seconds_total{name=\"web\",type=\"python\"} 12.5",
                "pm_process_resident_memory_bytes{name=\"web\",type=\"python\"} 2.097152E7",
                "pm_process_heartbeat_age_seconds{name=\"web\",type=\"python\"} 2.5", "pm_process_healthy{name=\"web\",type=\"python\"} 1.0",
                "pm_process_start_time_seconds{name=\"web\",type=\"python\"} 1.79654104E9", "pm_daemon_info{version=\"0.1.0\"} 1",
                "pm_daemon_processes 2.0", "pm_daemon_rejected_heartbeats_total 7.0", "# TYPE pm_process_restarts_total counter");
        assertThat(t).as("a stopped app has no run to measure").doesNotContain("pm_process_cpu_seconds_total{name=\"job\"",
                "pm_process_resident_memory_bytes{name=\"job\"", "pm_process_healthy{name=\"job\"", "pm_process_heartbeat_age_seconds{name=\"job\"");
    }

    @Test
    void openMetricsWhenTheScraperAsksForIt() throws Exception {
        var all = new Reading.All(List.of(running("web")), 0);
        var om = Scrape.render(all, new Scrape.Daemon("0.1.0", NOW, 0), NOW,
                "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
        assertThat(om.contentType()).startsWith("application/openmetrics-text; version=1.0.0");
        String t = new String(om.bytes(), StandardCharsets.UTF_8);
        assertThat(t).endsWith("# EOF\n").contains("# TYPE pm_process_restarts counter", "pm_process_restarts_total{name=\"web\",type=\"python\"} 3.0");
        assertThat(Scrape.render(all, new Scrape.Daemon("0.1.0", NOW, 0), NOW, "text/plain").contentType()).startsWith("text/plain; version=0.0.4");
    }

    private static final Pattern METRIC = Pattern.compile("\\bpm_[a-z_]+");

    /** Every metric the Grafana dashboard's panels and the alerting rules query is one pm exposes. */
    @Test
    @SuppressWarnings("unchecked")
    void theDashboardAndTheRulesAskOnlyForMetricsPmExposes() throws Exception {
        var exposed = names(text(null));
        var dashboard = Json.parseObject(Files.readString(Path.of("docs/grafana-dashboard.json")));
        var panels = (List<Map<String, Object>>) dashboard.get("panels");
        assertThat(panels).isNotEmpty();
        for (var panel : panels) {
            var targets = (List<Map<String, Object>>) panel.get("targets");
            assertThat(targets).as("panel " + panel.get("title")).isNotEmpty();
            for (var target : targets) {
                String expr = (String) target.get("expr");
                var used = METRIC.matcher(expr).results().map(r -> r.group()).toList();
                assertThat(used).as("panel %s: %s", panel.get("title"), expr).isNotEmpty();
                assertThat(exposed).as("panel %s: %s", panel.get("title"), expr).containsAll(used);
            }
        }
        var rules = METRIC.matcher(Files.readString(Path.of("docs/prometheus-rules.yml"))).results().map(r -> r.group()).toList();
        assertThat(rules).isNotEmpty();
        assertThat(exposed).containsAll(rules);
    }
}
