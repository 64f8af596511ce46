package pm.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * pm apply, down and export through the real ./pm at their edges: an app with several copies, one that
 * depends on another, one named by its id, one that failed, an invalid file.
 */
class ApplyDownExportIT {
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

    @Test
    void applyShowsEveryCopyAndDownStopsEveryCopy() throws Exception {
        Path file = write("pm.yaml", """
                apps:
                  m:
                    script: %1$s/sleeper.sh
                    instances: 3
                  n:
                    script: %1$s/sleeper.sh
                """.formatted(Pm.FIXTURES));
        var applied = pm.run("apply", "-f", file.toString());
        assertThat(applied.code()).as(applied.toString()).isZero();
        assertThat(applied.out()).contains("\nm:0: running (pid ", "\nm:1: running (pid ", "\nm:2: running (pid ", "\nn: running (pid ");

        var down = pm.run("down", "-f", file.toString());
        assertThat(down.code()).as(down.toString()).isZero();
        assertThat(down.out()).contains("m:0: stopped", "m:1: stopped", "m:2: stopped", "n: stopped");
        for (String n : new String[] {"m:0", "m:1", "m:2", "n"}) assertThat(pm.state(n)).as(n).isEqualTo("stopped");

        pm.ok("start", "m");
        Path onlyM = write("m.yaml", "apps:\n  m:\n    script: %s/sleeper.sh\n    instances: 3\n".formatted(Pm.FIXTURES));
        var downM = pm.run("down", "-f", onlyM.toString());
        assertThat(downM.out()).doesNotContain("none of its apps").contains("m:0: stopped", "m:1: stopped", "m:2: stopped");
        assertThat(pm.state("m:2")).isEqualTo("stopped");
    }

    @Test
    void exportOfAnAppByNameOrIdTakesWhatItDependsOnAndAppliesBackWithNoChange() throws Exception {
        Path file = write("pm.yaml", """
                apps:
                  db:
                    script: %1$s/sleeper.sh
                  api:
                    script: %1$s/sleeper.sh
                    depends_on: [db]
                  web:
                    script: %1$s/sleeper.sh
                    depends_on: {api: started}
                  other:
                    script: %1$s/sleeper.sh
                """.formatted(Pm.FIXTURES));
        assertThat(pm.run("apply", "-f", file.toString()).code()).isZero();

        String web = pm.ok("export", "web");
        assertThat(web).contains("  web:\n", "  api:\n", "  db:\n").doesNotContain("  other:");
        Path exported = write("web.yaml", web);
        var again = pm.run("apply", "-f", exported.toString());
        assertThat(again.out()).as(again.toString()).isEqualTo(exported + ": nothing to do; 3 apps are as the file says\n");

        String id = String.valueOf(((Number) pm.status("db").get("id")).longValue());
        assertThat(pm.ok("export", id)).contains("  db:\n").doesNotContain("  api:", "  web:");
        assertThat(pm.run("export", "99").err()).isEqualTo("pm: no process named 99; pm list shows the registered ones\n");
    }

    @Test
    void downOfAnInvalidFileChangesNothingAndSaysWhy() throws Exception {
        Path file = write("pm.yaml", "apps:\n  n:\n    script: %s/sleeper.sh\n".formatted(Pm.FIXTURES));
        assertThat(pm.run("apply", "-f", file.toString()).code()).isZero();
        write("pm.yaml", "apps:\n  n:\n    script: x\n  n:\n    script: y\n");
        var down = pm.run("down", "-f", file.toString());
        assertThat(down.code()).isEqualTo(2);
        assertThat(down.err()).isEqualTo("pm: " + file + ":4:3: apps.n: the app n is named twice (first on line 2): an app's name must be unique\n");
        assertThat(down.out()).isEmpty();
        assertThat(pm.state("n")).isEqualTo("running");
    }

    @Test
    void applyStartsAnAutostartAppThatFailedButNotAJobThatCompleted() throws Exception {
        Path runs = dir.resolve("runs");
        Path file = write("pm.yaml", """
                apps:
                  crash:
                    script: %1$s/exit-with.sh
                    args: ["3", "0", "%2$s"]
                    restart_policy: never
                  job:
                    script: %1$s/exit-with.sh
                    args: ["0"]
                    restart_policy: never
                  gives-up:
                    script: %1$s/exit-with.sh
                    args: ["1"]
                    restart_policy: always
                    max_restarts: 1
                    restart_delay: 10ms
                """.formatted(Pm.FIXTURES, runs));
        pm.run("apply", "-f", file.toString());
        Pm.await("crash and job exited, gives-up fatal", Pm.seconds(15), () -> pm.state("crash").equals("exited")
                && pm.state("job").equals("exited") && pm.state("gives-up").equals("fatal"));

        var again = pm.run("apply", "-f", file.toString());
        assertThat(again.out()).as(again.toString()).startsWith("start      crash\nstart      gives-up\nunchanged  job\n");
        Pm.await("crash ran again", Pm.seconds(10), () -> runs(runs) == 2);
    }

    static long runs(Path file) {
        try {
            return Files.readAllLines(file).size();
        } catch (IOException e) {
            return 0;
        }
    }
}
