package pm.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import pm.core.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static pm.it.Pm.await;
import static pm.it.Pm.seconds;

/** A Python app runs in the virtualenv kept beside it without being told, and --interpreter still wins. */
class VenvIT {
    static Pm pm;
    /** Under the folder the tests run pm in, so that register may look up to there. */
    static Path dir;

    @BeforeAll
    static void setUp() throws IOException {
        pm = new Pm();
        Path target = Files.createDirectories(Pm.ROOT.resolve("target"));
        dir = Files.createTempDirectory(target, "venv-it-");
    }

    @AfterAll
    static void tearDown() throws IOException {
        pm.close();
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(f);
        }
    }

    @Test
    void anAppBesideAVirtualenvRunsWithItsPython() throws Exception {
        Path script = app("alone/app");
        Path python = venv(dir.resolve("alone/app/.venv"));

        pm.ok("register", script.toString(), "--name", "in-venv", "--restart-policy", "never");
        assertThat(interpreter("in-venv")).isEqualTo(python.toString());
        assertThat(pm.ok("describe", "in-venv")).containsPattern("(?m)^ *interpreter +" + Pattern.quote(python.toString()) + "$");

        pm.ok("start", "in-venv");
        await("its line in the log", seconds(10), () -> log("in-venv").contains("executable="));
        assertThat(log("in-venv")).contains("executable=" + python + " prefix=" + python.getParent().getParent());
    }

    @Test
    void aVirtualenvInAParentUpToTheRegisterFolderCountsAndTheNearestWins() throws Exception {
        Path script = app("tree/project/src/app");
        Path project = venv(dir.resolve("tree/project/.venv"));
        venv(dir.resolve("tree/.venv"));

        pm.ok("register", script.toString(), "--name", "parent-venv", "--restart-policy", "never");
        assertThat(interpreter("parent-venv")).isEqualTo(project.toString());
        pm.ok("start", "parent-venv");
        await("its line in the log", seconds(10), () -> log("parent-venv").contains("executable="));
        assertThat(log("parent-venv")).contains("prefix=" + project.getParent().getParent());
    }

    @Test
    void anInterpreterGivenWinsAndOtherTypesGetNone() throws Exception {
        Path script = app("given/app");
        Path python = venv(dir.resolve("given/app/.venv"));

        pm.ok("register", script.toString(), "--name", "given", "--interpreter", "python3", "--restart-policy", "never");
        assertThat(interpreter("given")).isEqualTo("python3");
        pm.ok("start", "given");
        await("its line in the log", seconds(10), () -> log("given").contains("executable="));
        assertThat(log("given")).doesNotContain("prefix=" + python.getParent().getParent());

        Path shell = Files.writeString(dir.resolve("given/app/run.sh"), "#!/bin/sh\necho hi\n");
        pm.ok("register", shell.toString(), "--name", "shell-beside-venv");
        assertThat(interpreter("shell-beside-venv")).isNull(); // list --json writes an absent value as null
    }

    /** A folder holding a copy of the fixture that prints which python runs it. */
    private static Path app(String folder) throws IOException {
        Path to = Files.createDirectories(dir.resolve(folder)).resolve("which_python.py");
        return Files.copy(Pm.FIXTURES.resolve("which_python.py"), to);
    }

    /** A real virtualenv, the smallest kind (no pip in it); returns its bin/python. */
    private static Path venv(Path at) throws Exception {
        var p = new ProcessBuilder("python3", "-m", "venv", "--without-pip", at.toString()).inheritIO().start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("python3 -m venv finished").isTrue();
        assertThat(p.exitValue()).as("python3 -m venv " + at).isZero();
        return at.resolve("bin/python");
    }

    @SuppressWarnings("unchecked")
    private static String interpreter(String name) {
        var process = Json.parseObject(pm.ok("describe", name, "--json"));
        return (String) ((Map<String, Object>) process.get("spec")).get("interpreter");
    }

    private static String log(String name) {
        return pm.ok("logs", name, "--tail", "20", "--out");
    }
}
