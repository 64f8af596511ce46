package pm.it;

import org.junit.jupiter.api.Test;
import pm.core.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmarks must not rot: `bench/run.py --smoke` runs every measurement of pm at tiny sizes (about
 * 30 s) and every one must produce a figure, with no log line lost. The figures themselves are not judged
 * here: benchmarks report, tests assert behaviour (docs/performance.md has the real runs).
 */
class BenchSmokeIT {
    @Test
    void theBenchRunsEveryMeasurementOfPm() throws Exception {
        Path out = Files.createTempDirectory("pm-bench-smoke-");
        var bench = new ProcessBuilder("python3", "bench/run.py", "--smoke", "--only", "pm", "--no-snapshot", "--out", out.toString())
                .redirectErrorStream(true).redirectOutput(out.resolve("output.txt").toFile()).start();
        assertThat(bench.waitFor(3, TimeUnit.MINUTES)).as("finished within 3 minutes").isTrue();
        String output = Files.readString(out.resolve("output.txt"));
        assertThat(bench.exitValue()).as(output).isZero();

        var results = Json.parseObject(Files.readString(out.resolve("results.json")));
        @SuppressWarnings("unchecked")
        var rows = (List<Map<String, Object>>) results.get("measurements");
        assertThat(rows).as(output).extracting(r -> r.get("id"))
                .contains("status_small", "floor", "rss_small", "start_mid", "stop_mid", "crash_gap", "logs_norot", "lost_rot");
        for (var row : rows) {
            @SuppressWarnings("unchecked")
            var pm = (Map<String, Object>) ((Map<String, Object>) row.get("cells")).get("pm");
            if (pm == null) continue; // a baseline-only row
            assertThat(pm).as(row.get("id") + "\n" + output).doesNotContainKey("error").containsKey("summary");
            if (String.valueOf(row.get("id")).startsWith("lost_")) {
                @SuppressWarnings("unchecked")
                var summary = (Map<String, Object>) pm.get("summary");
                assertThat(((Number) summary.get("max")).doubleValue()).as(row.get("id") + ": lines lost").isZero();
            }
        }
        try (var files = Files.walk(out)) { // kept when the test fails, to look at
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
