package pm.daemon.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** Whole-file replacement on a real filesystem: first write, swaps after it, with and without fsync. */
class AtomicFileTest {
    @TempDir
    Path dir;

    @Test
    void eachWriteLeavesExactlyTheNewContentOwnerOnly() throws Exception {
        Path file = dir.resolve("runs.json");
        for (int i = 0; i < 4; i++) {
            String content = "{\"generation\":" + i + "}\n".repeat(i + 1); // lengths differ: nothing of the old remains
            AtomicFile.write(file, content.getBytes(), i % 2 == 1);
            assertThat(Files.readString(file)).isEqualTo(content);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
        // What a swap leaves behind is only ever the temp file, replaced at the next write.
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("runs.json", "runs.json.tmp");
        }
    }
}
