package pm.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static pm.it.Pm.await;
import static pm.it.Pm.seconds;

/** What an app gets (arguments, environment, working folder) and what pm logs shows of it. */
class EnvAndLogsIT {
    final Pm pm = new Pm();

    @AfterEach
    void tearDown() {
        pm.close();
    }

    private String log(String name) {
        return pm.ok("logs", name, "--tail", "100", "--out");
    }

    @Test
    void anAppGetsItsArgumentsEnvironmentAndFolder() throws Exception {
        pm.ok("register", pm.fixture("env-dump.sh").toString(), "--name", "envy", "--port", "8123",
                "--env", "GREETING=hello world", "--cwd", "/tmp", "--", "one", "two words");
        pm.ok("start", "envy");
        await("its output", seconds(10), () -> log("envy").contains("cwd="));
        String out = log("envy");
        assertThat(out).contains("args=one two words").contains("PM_NAME=envy").contains("PORT=8123")
                .contains("GREETING=hello world").contains("cwd=/tmp").containsPattern("PM_PROCESS_ID=\\d+");
        assertThat(pm.ok("logs", "envy", "--err")).contains("to-stderr");
        assertThat(Files.readString(pm.home.resolve("logs/envy.err.log"))).isEqualTo("to-stderr\n");
    }

    @Test
    void restartWithANewEnvironmentUsesIt() {
        pm.ok("register", pm.fixture("env-dump.sh").toString(), "--name", "envy", "--env", "GREETING=before");
        pm.ok("start", "envy");
        await("first run", seconds(10), () -> log("envy").contains("GREETING=before"));
        pm.ok("restart", "envy", "--env", "GREETING=after");
        await("second run", seconds(10), () -> log("envy").contains("GREETING=after"));
        assertThat(pm.ok("list", "--json")).contains("\"GREETING\":\"after\"");
    }

    @Test
    void logsTailShowsTheLastLines() throws Exception {
        var lines = new StringBuilder();
        for (int i = 1; i <= 100; i++) lines.append("line ").append(i).append('\n');
        pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "quiet");
        Files.createDirectories(pm.home.resolve("logs"));
        Files.writeString(pm.home.resolve("logs/quiet.out.log"), lines);
        String out = pm.ok("logs", "quiet", "--tail", "3", "--out");
        assertThat(out).isEqualTo("line 98\nline 99\nline 100\n");
    }

    @Test
    void logsShowsAnAppsBytesAsWrittenEvenWhenTheyAreNotUtf8() throws Exception {
        pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "latin");
        Files.createDirectories(pm.home.resolve("logs"));
        // "café" in Latin-1, then bytes that are no text at all.
        byte[] written = {'f', 'i', 'r', 's', 't', '\n', 'c', 'a', 'f', (byte) 0xE9, ' ', (byte) 0xFF, (byte) 0xFE, '\n'};
        Files.write(pm.home.resolve("logs/latin.out.log"), written);
        var pb = new ProcessBuilder(Pm.ROOT.resolve("pm").toString(), "logs", "latin", "--out", "--tail", "5")
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("PM_HOME", pm.home.toString());
        Process logs = pb.start();
        byte[] shown = logs.getInputStream().readAllBytes();
        assertThat(logs.waitFor()).isZero();
        assertThat(shown).isEqualTo(written);
    }

    @Test
    void logsFollowPrintsNewLinesAsTheyAreWritten() throws Exception {
        pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "chatty");
        pm.ok("start", "chatty");
        var pb = new ProcessBuilder(Pm.ROOT.resolve("pm").toString(), "logs", "chatty", "--follow", "--out", "--tail", "0");
        pb.environment().put("PM_HOME", pm.home.toString());
        Process follow = pb.start();
        // An app appending a numbered line every 50 ms, as a real one would.
        var writer = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
                    Files.writeString(pm.home.resolve("logs/chatty.out.log"), "fresh line " + i + "\n", StandardOpenOption.APPEND);
                    Thread.sleep(50);
                }
            } catch (Exception stopped) {
                // interrupted: the test is over
            }
        });
        try (var reader = new BufferedReader(new InputStreamReader(follow.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = reader.readLine();
            } while (line != null && !line.startsWith("fresh line"));
            assertThat(line).startsWith("fresh line");
            assertThat(reader.readLine()).startsWith("fresh line");
        } finally {
            writer.interrupt();
            follow.destroy();
            follow.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
