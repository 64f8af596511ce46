package pm.core;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The status contract of docs/status-json.md, as the daemon writes it and the CLI reads it. */
class ProcessStatusTest {
    static final long STARTED = 1_795_676_750_120L;

    static ProcessStatus running() {
        return new ProcessStatus(3, "web", ProcessType.PYTHON, ProcessState.RUNNING, true, 4085, STARTED, 5123, 2,
                0.3, 21_807_104, 1, "cgroup", Health.HEALTHY, "HTTP 200 in 2ms", 5000, "http://127.0.0.1:5000/health", STARTED + 4000,
                RestartPolicy.ON_FAILURE, "", Optional.of(new ExitOutcome.Exited(1)), STARTED - 1000,
                "/home/me/.pm/logs/web.out.log", "/home/me/.pm/logs/web.err.log");
    }

    static ProcessStatus stopped() {
        return new ProcessStatus(0, "job", ProcessType.BINARY, ProcessState.STOPPED, false, 0, 0, -1, 0, Double.NaN, -1, -1, "",
                Health.NONE, "", 0, "", 0, RestartPolicy.NEVER, "stopped by user", Optional.empty(), 0, "/o", "/e");
    }

    @Test
    void writesEveryDocumentedFieldInOrder() {
        assertThat(running().toJson().keySet()).containsExactly("id", "name", "type", "state", "desired", "pid", "started_at",
                "uptime_ms", "restarts", "cpu_percent", "memory_bytes", "processes", "tracking", "health", "health_detail", "port",
                "health_check", "heartbeat_at", "restart_policy", "reason", "last_exit", "out_log", "err_log");
        assertThat(Json.write(running().toJson())).isEqualTo("{\"id\":3,\"name\":\"web\",\"type\":\"python\",\"state\":\"running\","
                + "\"desired\":\"running\",\"pid\":4085,\"started_at\":\"2026-11-26T07:05:50.120Z\",\"uptime_ms\":5123,\"restarts\":2,"
                + "\"cpu_percent\":0.3,\"memory_bytes\":21807104,\"processes\":1,\"tracking\":\"cgroup\",\"health\":\"healthy\",\"health_detail\":\"HTTP 200 in 2ms\","
                + "\"port\":5000,\"health_check\":\"http://127.0.0.1:5000/health\",\"heartbeat_at\":\"2026-11-26T07:05:54.120Z\","
                + "\"restart_policy\":\"on-failure\",\"reason\":\"\",\"last_exit\":{\"kind\":\"exited\",\"code\":1,"
                + "\"at\":\"2026-11-26T07:05:49.120Z\"},\"out_log\":\"/home/me/.pm/logs/web.out.log\",\"err_log\":\"/home/me/.pm/logs/web.err.log\"}");
    }

    @Test
    void absentValuesAreNullNeverMissing() {
        var json = stopped().toJson();
        assertThat(json).hasSize(23);
        for (String key : List.of("pid", "started_at", "uptime_ms", "cpu_percent", "memory_bytes", "processes", "tracking", "health_detail",
                "port", "health_check", "heartbeat_at", "last_exit"))
            assertThat(json).containsEntry(key, null);
        assertThat(json).containsEntry("desired", "stopped").containsEntry("health", "none").containsEntry("reason", "stopped by user");
    }

    @Test
    void readsBackWhatItWrites() {
        for (var s : List.of(running(), stopped())) {
            var back = ProcessStatus.fromJson(Json.parseObject(Json.write(s.toJson())));
            assertThat(Json.write(back.toJson())).isEqualTo(Json.write(s.toJson()));
        }
        var back = ProcessStatus.fromJson(Json.parseObject(Json.write(running().toJson())));
        assertThat(back.startedAtMillis()).isEqualTo(STARTED);
        assertThat(back.lastExit()).contains(new ExitOutcome.Exited(1));
        assertThat(back.state()).isEqualTo(ProcessState.RUNNING);
    }

    @Test
    void aStatusCutToTheTablesColumnsReadsWithAbsentValuesForTheRest() {
        var m = Json.parseObject("{\"name\":\"web\",\"state\":\"fatal\",\"pid\":null,\"reason\":\"crash loop\"}");
        var s = ProcessStatus.fromJson(m);
        assertThat(s.name()).isEqualTo("web");
        assertThat(s.state()).isEqualTo(ProcessState.FATAL);
        assertThat(s.pid()).isZero();
        assertThat(s.uptimeMillis()).isEqualTo(-1);
        assertThat(s.cpuPercent()).isNaN();
        assertThat(s.health()).isEqualTo(Health.NONE);
        assertThat(s.lastExit()).isEmpty();
    }

    @Test
    void namesFromANewerDaemonReadAsNeutralOnes() {
        var s = ProcessStatus.fromJson(Json.parseObject("{\"state\":\"hibernating\",\"type\":\"ruby\",\"health\":\"meh\","
                + "\"restart_policy\":\"sometimes\",\"last_exit\":{\"kind\":\"vanished\"}}"));
        assertThat(s.state()).isEqualTo(ProcessState.STOPPED);
        assertThat(s.type()).isEqualTo(ProcessType.BINARY);
        assertThat(s.health()).isEqualTo(Health.UNKNOWN);
        assertThat(s.lastExit()).contains(new ExitOutcome.Unknown());
    }

    @Test
    void everyExitKindReadsBackAndDescribesItself() {
        var kinds = List.of(new ExitOutcome.Exited(3), new ExitOutcome.Signalled(9, false), new ExitOutcome.FailedToStart("no python3"),
                new ExitOutcome.Unknown());
        for (var k : kinds) assertThat(ExitOutcome.fromJson(Json.parseObject(Json.write(k.toJson())))).isEqualTo(k);
        assertThat(ExitOutcome.fromJson(Map.of("kind", "signalled", "signal", "signal 40"))).isEqualTo(new ExitOutcome.Signalled(40, false));
        // An app that ended while no daemon ran: never "failed to start: null".
        assertThat(ExitOutcome.fromJson(Map.of("kind", "unknown")).describe()).isEqualTo("ended while pm was not its parent (exit status unknown)");
    }

    @Test
    void aDescriptionIsTheStatusPlusItsOwnFields() {
        var spec = ProcessSpecTest.spec("web", 5000, "/health", Map.of());
        var d = new ProcessDescription(running(), List.of(4085L, 4090L), "/sys/fs/cgroup/pm-1/web:1", spec,
                List.of(new StateChange(STARTED, ProcessState.STARTING, ProcessState.RUNNING, "")), List.of(0.25, 1.0),
                List.of(100L, 200L), 4, 1);
        var json = d.toJson();
        assertThat(List.copyOf(json.keySet()).subList(23, json.size())).containsExactly("pids", "cgroup", "spec", "history",
                "recent_cpu_percent", "recent_memory_bytes", "heartbeat_timeout_ms", "rejected_heartbeats", "probe_failures");
        assertThat(Json.write(json.get("history"))).isEqualTo("[{\"at\":\"2026-11-26T07:05:50.120Z\",\"from\":\"starting\",\"to\":\"running\",\"reason\":\"\"}]");
        assertThat(json.get("recent_cpu_percent")).isEqualTo(List.of(0.3, 1.0));
        var back = ProcessDescription.fromJson(Json.parseObject(Json.write(json)));
        assertThat(back.spec()).isEqualTo(spec);
        assertThat(back.pids()).containsExactly(4085L, 4090L);
        assertThat(back.cgroup()).isEqualTo("/sys/fs/cgroup/pm-1/web:1");
        assertThat(back.history()).isEqualTo(d.history());
        assertThat(back.heartbeatTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(back.rejectedHeartbeats()).isEqualTo(4);
        assertThat(Json.write(back.toJson())).isEqualTo(Json.write(json));
    }
}
