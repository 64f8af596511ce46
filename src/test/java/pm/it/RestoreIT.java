package pm.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A daemon that starts after damage to its files never starts a second copy of a running app, and never
 * loses track of one: a corrupt run file is set aside and the apps are found by their mark; a registry
 * entry that cannot be loaded, or a second entry under one name, is reported with its running process.
 */
class RestoreIT {
    final Pm pm = new Pm();

    @AfterEach
    void tearDown() {
        pm.close();
    }

    private long daemonPid() throws IOException {
        return Long.parseLong(Files.readString(pm.home.resolve("daemon.pid")).strip());
    }

    /** Kills the daemon with SIGKILL: nothing of it gets to write anything. */
    private void killDaemon() throws IOException {
        long daemon = daemonPid();
        ProcessHandle.of(daemon).orElseThrow().destroyForcibly();
        Pm.await("the daemon is gone", Pm.seconds(10), () -> !Pm.alive(daemon));
    }

    /**
     * How many copies of the app run: group leaders (its loop forks) running the sleeper fixture with this
     * app name and this home (other tests on the machine run apps named so too).
     */
    private long copies(String name) {
        return ProcessHandle.allProcesses().filter(h -> h.info().commandLine().orElse("").contains("sleeper.sh")).filter(h -> {
            try {
                String stat = Files.readString(Path.of("/proc/" + h.pid() + "/stat"));
                boolean leader = stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2].equals(Long.toString(h.pid()));
                return leader && new String(Files.readAllBytes(Path.of("/proc/" + h.pid() + "/environ"))).contains("\0PM_NAME=" + name + "\0")
                        && new String(Files.readAllBytes(Path.of("/proc/" + h.pid() + "/environ"))).contains(pm.home + "\0");
            } catch (IOException e) {
                return false;
            }
        }).count();
    }

    @Test
    void aCorruptRunFileIsSetAsideReportedAndTheRunningAppsAreAdoptedNotStartedAgain() throws IOException {
        String sleeper = pm.fixture("sleeper.sh").toString();
        pm.ok("register", sleeper, "--name", "web");
        pm.ok("register", sleeper, "--name", "api");
        pm.ok("start", "all");
        long web = pm.pid("web"), api = pm.pid("api");
        Object tracking = pm.status("web").get("tracking");
        killDaemon();
        Files.writeString(pm.home.resolve("runs.json"), "{\"format\":1,\"runs\":{\"web\":{\"pid\":");

        var r = pm.run("status");
        assertThat(r.code()).isZero();
        assertThat(r.err()).contains("warning: the run file was corrupt").contains("runs.json.corrupt-")
                .contains("looked for in /proc by their mark");
        assertThat(pm.pid("web")).isEqualTo(web);
        assertThat(pm.pid("api")).isEqualTo(api);
        assertThat(pm.status("web").get("reason")).asString().contains("found running by its mark");
        // With its cgroup, where it has one.
        assertThat(pm.status("web").get("tracking")).isEqualTo(tracking);
        assertThat(copies("web")).isEqualTo(1);
        assertThat(copies("api")).isEqualTo(1);
        try (var files = Files.list(pm.home)) {
            assertThat(files.map(f -> f.getFileName().toString())).anyMatch(f -> f.startsWith("runs.json.corrupt-"));
        }
        assertThat(pm.run("daemon", "status").err()).contains("warning: the run file was corrupt");
        // Adopted for real: a stop reaches them.
        pm.ok("stop", "all");
        assertThat(Pm.alive(web) || Pm.alive(api)).isFalse();
    }

    @Test
    void everyCopyOfAnAppIsAdoptedByItsOwnMarkAfterACorruptRunFileAndNoneStartsTwice() throws IOException {
        pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "web", "--instances", "3");
        pm.ok("start", "web");
        long[] pids = {pm.pid("web:0"), pm.pid("web:1"), pm.pid("web:2")};
        killDaemon();
        Files.writeString(pm.home.resolve("runs.json"), "{\"format\":1,\"runs\":{\"web\":{\"pid\":");

        var r = pm.run("status");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.err()).contains("warning: the run file was corrupt");
        for (int i = 0; i < 3; i++) {
            assertThat(pm.pid("web:" + i)).as("copy " + i).isEqualTo(pids[i]);
            assertThat(pm.status("web:" + i).get("reason")).asString().contains("found running by its mark");
        }
        assertThat(copies("web") + copies("web:1") + copies("web:2")).as("three copies, no fourth").isEqualTo(3);
        assertThat(copies("web:1")).isEqualTo(1);
        assertThat(copies("web:2")).isEqualTo(1);
        pm.ok("stop", "web");
        for (long pid : pids) assertThat(Pm.alive(pid)).isFalse();
    }

    @Test
    void anUnreadableRegistryEntryIsReportedWithItsRunningProcessWhichRunsOn() throws IOException {
        String sleeper = pm.fixture("sleeper.sh").toString();
        pm.ok("register", sleeper, "--name", "web", "--port", "8123");
        pm.ok("start", "web");
        long web = pm.pid("web");
        pm.ok("daemon", "stop");
        Path registry = pm.home.resolve("registry.json");
        Files.writeString(registry, Files.readString(registry).replace("\"port\":8123", "\"port\":70000"));

        var r = pm.run("status");
        assertThat(r.err()).contains("1 registry entry was not loaded ('web' (id 0): ")
                .contains("'web' (id 0) was not loaded, and its process " + web + " was running").contains("leaves it running");
        assertThat(Pm.alive(web)).isTrue();
        assertThat(pm.run("daemon", "status").err()).contains("its process " + web + " was running");
        // Another daemon still knows of it: the entry stays in the file, the process is found by its mark.
        pm.ok("register", sleeper, "--name", "other");
        assertThat(Files.readString(registry)).contains("\"port\":70000");
        pm.ok("daemon", "stop");
        assertThat(pm.run("status").err()).contains("its process " + web + " was running");
        // Mended, it is adopted again, not started beside itself.
        Files.writeString(registry, Files.readString(registry).replace("\"port\":70000", "\"port\":8124"));
        pm.ok("daemon", "restart");
        assertThat(pm.pid("web")).isEqualTo(web);
        assertThat(copies("web")).isEqualTo(1);
    }

    @Test
    void aSecondEntryUnderOneNameIsReportedNotIgnored() throws IOException {
        String sleeper = pm.fixture("sleeper.sh").toString();
        pm.ok("register", sleeper, "--name", "web");
        pm.ok("register", sleeper, "--name", "api");
        pm.ok("start", "all");
        long api = pm.pid("api");
        pm.ok("daemon", "stop");
        // A hand edit renames api to web: two entries named web.
        Path registry = pm.home.resolve("registry.json");
        Files.writeString(registry, Files.readString(registry).replace("\"name\":\"api\"", "\"name\":\"web\""));

        var r = pm.run("status");
        assertThat(r.err()).contains("'web' (id 1): a second entry named 'web' (the first has id 0)")
                .contains("(id 1) was not loaded, and its process " + api + " was running");
        assertThat(Pm.alive(api)).isTrue();
        ProcessHandle.of(api).ifPresent(ProcessHandle::destroy);
    }
}
