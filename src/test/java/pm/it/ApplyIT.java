package pm.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static pm.it.Pm.await;
import static pm.it.Pm.seconds;

/** pm apply, down and export through the real ./pm, with real processes, a real health check and env files. */
class ApplyIT {
    Pm pm;
    Path dir;

    @BeforeEach
    void setUp() throws IOException {
        pm = new Pm();
        dir = Files.createDirectories(pm.home.resolve("project"));
    }

    @AfterEach
    void tearDown() {
        pm.close();
    }

    Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    Pm.Result apply(String... more) {
        var args = new java.util.ArrayList<>(List.of("apply", "-f", dir.resolve("pm.yaml").toString()));
        args.addAll(List.of(more));
        return pm.run(args);
    }

    String log(String name) {
        try {
            return Files.readString(pm.file("logs/" + name + ".out.log"));
        } catch (IOException e) {
            return "";
        }
    }

    /** Two apps and one not started: the plan of a new file, of the same again, of changes, of a prune. */
    String file(String greeting, String policy) {
        return """
                # yaml-language-server: $schema=../docs/pm.schema.json
                apps:
                  db:
                    script: %1$s/sleeper.sh
                    restart_policy: %3$s
                  web:
                    script: %1$s/env-dump.sh
                    args: [--price, "5$$"]
                    env_file: web.env
                    env:
                      GREETING: ${GREETING:-%2$s}
                    depends_on: [db]
                  manual:
                    script: %1$s/sleeper.sh
                    autostart: false
                """.formatted(Pm.FIXTURES, greeting, policy);
    }

    @Test
    void applyCreatesStartsUpdatesRestartsOnlyWhatChangedAndAgainDoesNothing() throws Exception {
        write("web.env", "# the web app's settings\nMODE=file\nGREETING=from-the-env-file\n");
        write("pm.yaml", file("hello", "on-failure"));
        var first = apply();
        assertThat(first.code()).as(first.toString()).isZero();
        assertThat(first.out()).startsWith("create     db\ncreate     web\ncreate     manual\nstart      db\nstart      web\n")
                .contains("db: running (pid ").contains("web: running (pid ");
        assertThat(pm.state("manual")).isEqualTo("stopped");
        await("web's output", seconds(10), () -> log("web").contains("GREETING=hello"));
        assertThat(log("web")).contains("args=--price 5$").contains("cwd=" + dir);
        long db = pm.pid("db");
        long web = pm.pid("web");

        var registry = pm.file("registry.json");
        var written = Files.getLastModifiedTime(registry);
        assertThat(pm.ok("apply", "-f", dir.resolve("pm.yaml").toString()))
                .isEqualTo(dir.resolve("pm.yaml") + ": nothing to do; 3 apps are as the file says\n");
        assertThat(Files.getLastModifiedTime(registry)).as("a second apply writes nothing").isEqualTo(written);

        write("pm.yaml", file("bonjour", "always"));
        var dry = apply("--dry-run");
        assertThat(dry.out()).isEqualTo("""
                update     db: restart_policy
                update     web: env (restarts it)
                unchanged  manual
                dry run: nothing was changed; pm apply -f %s does it
                """.formatted(dir.resolve("pm.yaml")));
        assertThat(Files.getLastModifiedTime(registry)).as("a dry run writes nothing").isEqualTo(written);

        var changed = apply();
        assertThat(changed.code()).as(changed.toString()).isZero();
        await("web's new run", seconds(10), () -> pm.state("web").equals("running") && pm.pid("web") != web);
        await("its new environment", seconds(10), () -> log("web").contains("GREETING=bonjour"));
        assertThat(pm.pid("db")).as("a restart policy takes effect without a restart").isEqualTo(db);
        assertThat(pm.status("db").get("restart_policy")).isEqualTo("always");

        // A variable of the environment of pm apply.
        var fromEnv = pm.runWith(Map.of("GREETING", "salut"), "apply", "-f", dir.resolve("pm.yaml").toString());
        assertThat(fromEnv.out()).startsWith("update     web: env (restarts it)\n");
        await("the variable", seconds(10), () -> log("web").contains("GREETING=salut"));
    }

    @Test
    void pruneRemovesWhatTheFileDoesNotNameAndAnExportAppliesBackWithNoChange() throws Exception {
        write("web.env", "MODE=file\n");
        write("pm.yaml", file("hello", "on-failure"));
        assertThat(apply().code()).isZero();
        pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "extra", "--env", "COST=$5");
        pm.ok("start", "extra");

        var export = pm.ok("export");
        Files.writeString(dir.resolve("exported.yaml"), export);
        assertThat(export).contains("  extra:\n").contains("COST: $$5").contains("autostart: false");
        assertThat(pm.ok("apply", "-f", dir.resolve("exported.yaml").toString()))
                .isEqualTo(dir.resolve("exported.yaml") + ": nothing to do; 4 apps are as the file says\n");
        assertThat(pm.ok("export", "manual")).contains("  manual:\n").doesNotContain("  db:\n");
        assertThat(pm.ok("export", "web")).as("with what it depends on").contains("  web:\n", "  db:\n").doesNotContain("  manual:\n");
        assertThat(pm.run("export", "nosuch").err()).isEqualTo("pm: no process named nosuch; pm list shows the registered ones\n");

        var plain = apply();
        assertThat(plain.out()).as("without --prune the others stay").isEqualTo(dir.resolve("pm.yaml") + ": nothing to do; 3 apps are as the file says\n");
        var pruneDry = apply("--prune", "--dry-run");
        assertThat(pruneDry.out()).startsWith("remove     extra\nunchanged  db, web, manual\ndry run:");
        assertThat(pm.state("extra")).isEqualTo("running");
        long pid = pm.pid("extra");

        var prune = apply("--prune");
        assertThat(prune.code()).as(prune.toString()).isZero();
        assertThat(prune.out()).startsWith("remove     extra\n");
        assertThat(pm.ok("status")).doesNotContain("extra");
        await("the pruned app gone", seconds(10), () -> !Pm.alive(pid));
    }

    @Test
    void copiesAHeldSocketAndReadyAfterComeFromTheFileAndGoBackToIt() throws Exception {
        int port = SocketsIT.freePort();
        write("pm.yaml", """
                apps:
                  web:
                    script: %s/sleeper.sh
                    instances: 2
                    sockets: [tcp://127.0.0.1:%d]
                    ready_after: 3s
                """.formatted(Pm.FIXTURES, port));
        var applied = apply();
        assertThat(applied.code()).as(applied.toString()).isZero();
        assertThat(applied.out()).startsWith("create     web\nstart      web\n");
        assertThat(pm.state("web:0")).isEqualTo("running");
        assertThat(pm.state("web:1")).isEqualTo("running");
        assertThat(pm.pid("web:0")).isNotEqualTo(pm.pid("web:1"));

        String export = pm.ok("export");
        assertThat(export).contains("    instances: 2\n", "    sockets:\n      - tcp://127.0.0.1:" + port + "\n", "    ready_after: 3s\n");
        Files.writeString(dir.resolve("exported.yaml"), export);
        assertThat(pm.ok("apply", "-f", dir.resolve("exported.yaml").toString()))
                .isEqualTo(dir.resolve("exported.yaml") + ": nothing to do; 1 app is as the file says\n");
    }

    @Test
    void anInvalidFileChangesNothingAndSaysEveryProblemWithItsLine() throws Exception {
        write("web.env", "MODE=file\n");
        write("pm.yaml", file("hello", "on-failure"));
        assertThat(apply().code()).isZero();
        long db = pm.pid("db");
        var registry = pm.file("registry.json");
        var before = Files.readString(registry);
        var written = Files.getLastModifiedTime(registry);

        write("pm.yaml", """
                apps:
                  db:
                    script: %1$s/sleeper.sh
                    restart_policy: sometimes
                  web:
                    script: %1$s/env-dump.sh
                    helth_check: /health
                    depends_on: [dbb]
                  added:
                    script: %1$s/sleeper.sh
                    env:
                      TOKEN: ${UNSET_TOKEN}
                """.formatted(Pm.FIXTURES));
        var bad = apply("--prune");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.out()).isEmpty();
        String f = "pm: " + dir.resolve("pm.yaml");
        assertThat(bad.err().lines().toList()).containsExactly(
                f + ":4:5: apps.db.restart_policy: 'sometimes' is not one of never, on-failure, always, unless-stopped",
                f + ":7:5: apps.web.helth_check: unknown key; did you mean health_check?",
                f + ":8:18: apps.web.depends_on[0]: no app named dbb in this file; did you mean db?",
                f + ":12:14: apps.added.env.TOKEN: ${UNSET_TOKEN} is not set and has no default: set it, or write ${UNSET_TOKEN:-default}");
        assertThat(Files.readString(registry)).isEqualTo(before);
        assertThat(Files.getLastModifiedTime(registry)).isEqualTo(written);
        assertThat(pm.pid("db")).isEqualTo(db);
        assertThat(pm.ok("status")).doesNotContain("added");

        write("pm.yaml", "apps:\n\tdb:\n\t\tscript: x\n");
        assertThat(apply().err()).isEqualTo(f + ":2:1: a tab indents this line: YAML indents with spaces only\n"
                + f + ":3:1: a tab indents this line: YAML indents with spaces only\n");
        write("pm.yaml", "");
        assertThat(apply().err()).isEqualTo(f + ": the file is empty: list your apps under apps: (docs/config.md shows how)\n");
        assertThat(pm.run("apply", "-f", dir.resolve("none.yaml").toString()).err()).isEqualTo("pm: " + dir.resolve("none.yaml") + ": no such file\n");
        assertThat(Files.readString(registry)).isEqualTo(before);
    }

    @Test
    void dependentsStartOnceTheirDependencyIsHealthyAndDownStopsThemFirst() throws Exception {
        int port = MonitorIT.freePort();
        Path health = dir.resolve("db-health");
        Files.writeString(health, "500");
        Path stops = dir.resolve("stops.log");
        write("pm.yaml", """
                apps:
                  db:
                    script: %1$s/health_app.py
                    port: %2$d
                    health_check: /health
                    health_interval: 100ms
                    health_retries: 1
                    env: {HEALTH_FILE: %3$s}
                  migrate:
                    script: %1$s/exit-with.sh
                    args: ["0"]
                    restart_policy: never
                    depends_on: {db: healthy}
                  web:
                    script: %1$s/stop-order.sh
                    env: {STOP_LOG: %4$s}
                    depends_on:
                      db: healthy
                      migrate: completed
                  worker:
                    script: %1$s/stop-order.sh
                    env: {STOP_LOG: %4$s}
                    depends_on: [web]
                """.formatted(Pm.FIXTURES, port, health, stops));
        var applied = apply();
        assertThat(applied.code()).as(applied.toString()).isZero();
        assertThat(applied.out()).contains("web: waiting for db: healthy").contains("migrate: waiting for db: healthy");
        assertThat(pm.state("web")).isEqualTo("waiting");
        assertThat(pm.status("web").get("reason")).isEqualTo("waiting for db: healthy");
        Pm.stays("web waiting while db is unhealthy", java.time.Duration.ofMillis(600), () -> pm.state("web").equals("waiting"));

        Files.writeString(health, "ok");
        await("web and worker running", seconds(20), () -> pm.state("web").equals("running") && pm.state("worker").equals("running"));
        assertThat(pm.state("migrate")).isEqualTo("exited");

        // Down stops worker, then web (each exits 0.3 s after its TERM), then db.
        var down = pm.run("down", "-f", dir.resolve("pm.yaml").toString());
        assertThat(down.code()).as(down.toString()).isZero();
        assertThat(Files.readAllLines(stops)).containsExactly("worker term", "worker exit", "web term", "web exit");
        assertThat(pm.state("db")).isEqualTo("stopped");
        assertThat(pm.state("web")).isEqualTo("stopped");
    }

    /** The JVM's class-load log of one command, run as the launcher runs it (its AOT cache too), which silences JVM logging. */
    List<String> classesLoadedBy(String... command) throws Exception {
        Path log = pm.home.resolve("classes.txt");
        var cmd = new java.util.ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(), "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-Xlog:class+load:file=" + log));
        Path aot = Pm.ROOT.resolve("target/pm.aot");
        if (Files.exists(aot)) cmd.add("-XX:AOTCache=" + aot);
        cmd.addAll(List.of("-cp", Pm.ROOT.resolve("target/pm.jar").toString(), "pm.cli.Main"));
        cmd.addAll(List.of(command));
        var pb = new ProcessBuilder(cmd).directory(Pm.ROOT.toFile());
        pb.environment().put("PM_HOME", pm.home.toString());
        var r = Pm.finish(pb);
        assertThat(r.code()).as(r.toString()).isZero();
        return Files.readAllLines(log);
    }

    @Test
    void statusLoadsNoClassOfTheYamlLibraryNorReadsTheFileLoader() throws Exception {
        write("web.env", "MODE=file\n");
        write("pm.yaml", file("hello", "on-failure"));
        assertThat(apply().code()).isZero();
        var status = classesLoadedBy("status");
        assertThat(status).as("a log of what it loads").anyMatch(l -> l.contains("pm.cli.Main"));
        // The AOT cache maps the classes of apply's fast path (Applied, AppsFile's reading of the text) into every
        // command, ready-made; none of the YAML library is in it, and nothing of pm.file is read from the jar.
        for (String command : List.of("status", "list"))
            assertThat(classesLoadedBy(command)).as(command).noneMatch(l -> l.contains("org.snakeyaml")
                    || l.contains(" pm.file.") && !l.endsWith("source: shared objects file"));
        assertThat(classesLoadedBy("apply", "-f", dir.resolve("pm.yaml").toString()))
                .as("the same file again skips the parse").noneMatch(l -> l.contains("org.snakeyaml"));
        write("pm.yaml", file("bonjour", "on-failure"));
        assertThat(classesLoadedBy("apply", "-f", dir.resolve("pm.yaml").toString()))
                .as("the check can fail: a changed file is parsed").anyMatch(l -> l.contains("org.snakeyaml"));
    }

    /** What apply keeps of its last apply of pm.yaml, with what it was read from. */
    String memory() throws IOException {
        String file = "\"file\":\"" + dir.resolve("pm.yaml") + "\"";
        try (var files = Files.list(pm.file("applied"))) {
            for (Path f : files.toList()) if (Files.readString(f).contains(file)) return Files.readString(f);
        }
        return "";
    }

    @Test
    void anUnchangedFileSkipsTheParseYetEveryChangeIsAppliedAndADamagedMemoryIsIgnored() throws Exception {
        write("web.env", "MODE=file\n");
        write("pm.yaml", file("hello", "on-failure"));
        assertThat(apply().code()).isZero();
        String path = dir.resolve("pm.yaml").toString();
        String same = path + ": nothing to do; 3 apps are as the file says\n";
        assertThat(pm.ok("apply", "-f", path)).isEqualTo(same);
        assertThat(Files.getPosixFilePermissions(pm.file("applied"))).isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));

        // A dry run's plan is the same with the memory and without.
        pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "extra");
        var remembered = apply("--prune", "--dry-run");
        Files.walk(pm.file("applied")).sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        var parsed = apply("--prune", "--dry-run");
        assertThat(remembered.out()).startsWith("remove     extra\nunchanged  db, web, manual\ndry run:").isEqualTo(parsed.out());
        assertThat(pm.ok("apply", "-f", path)).isEqualTo(same);
        assertThat(pm.state("extra")).isEqualTo("stopped");

        // An env file changed; a variable set where its default was used, the same again, then unset.
        write("web.env", "MODE=changed\n");
        assertThat(apply().out()).startsWith("update     web: env (restarts it)\n");
        var set = pm.runWith(Map.of("GREETING", "salut"), "apply", "-f", path);
        assertThat(set.out()).startsWith("update     web: env (restarts it)\n");
        assertThat(pm.runWith(Map.of("GREETING", "salut"), "apply", "-f", path).out()).isEqualTo(same);
        assertThat(apply().out()).startsWith("update     web: env (restarts it)\n");

        // The same text under another path is another file: its cwd is its own folder.
        Path other = Files.createDirectories(dir.resolve("elsewhere")).resolve("pm.yaml");
        Files.writeString(other, file("hello", "on-failure"));
        Files.writeString(other.resolveSibling("web.env"), "MODE=changed\n");
        assertThat(pm.ok("apply", "-f", other.toString())).contains("update     web: cwd (restarts it)\n");
        assertThat(pm.ok("apply", "-f", path)).contains("update     web: cwd (restarts it)\n");

        // A damaged memory is ignored.
        try (var files = Files.list(pm.file("applied"))) {
            for (Path f : files.toList()) Files.writeString(f, "{\"format\": 1, \"apps\": [");
        }
        assertThat(pm.ok("apply", "-f", path)).isEqualTo(same);
        assertThat(memory()).as("and replaced").contains("MODE=changed");
    }
}
