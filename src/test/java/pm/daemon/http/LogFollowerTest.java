package pm.daemon.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pm.daemon.logs.Rotator;

import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class LogFollowerTest {
    /** Appends numbered lines the way an app does (O_APPEND), rotating now and then, and follows them. */
    @Test
    void everyLineIsReadOnceAndInOrderAcrossRotations(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("app.out.log");
        Files.createFile(log);
        var follower = new LogFollower(log, 0);
        var got = new ByteArrayOutputStream();
        try (var app = new FileOutputStream(log.toFile(), true)) {
            int line = 0;
            for (int round = 0; round < 12; round++) {
                for (int i = 0; i < 500; i++) app.write(("line " + line++ + " " + "x".repeat(40) + "\n").getBytes(StandardCharsets.UTF_8));
                if (round % 2 == 1) got.write(follower.poll(1 << 20)); // sometimes read before the rotation, sometimes not
                Rotator.rotate(log, 3);
                if (round % 3 == 0) got.write(follower.poll(100)); // and sometimes only a little of it
            }
            for (byte[] b; (b = follower.poll(1 << 20)).length > 0; ) got.write(b);
            var lines = got.toString(StandardCharsets.UTF_8).split("\n");
            assertThat(lines).hasSize(line);
            for (int i = 0; i < line; i++) assertThat(lines[i]).startsWith("line " + i + " ");
        }
        follower.close();
    }

    /** Seen by the file getting shorter: a file written past its old length between two polls is not (an adapter's limit). */
    @Test
    void aFlushStartsItOverAtTheFront(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("app.out.log");
        Files.writeString(log, "the old lines\n");
        var follower = new LogFollower(log, Files.size(log));
        assertThat(follower.poll(100)).isEmpty();
        Rotator.flush(log, 3);
        Files.writeString(log, "new\n");
        assertThat(new String(follower.poll(100), StandardCharsets.UTF_8)).isEqualTo("new\n");
    }
}
