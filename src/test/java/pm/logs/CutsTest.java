package pm.logs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** The record of a log's cuts ({@code NAME.out.log.cut}) is as private as the log it describes. */
class CutsTest {
    @TempDir
    Path dir;

    @Test
    void theRecordIsPrivateFromItsFirstInstantWhateverTheUmaskAndALeftTempFile() throws Exception {
        Path live = dir.resolve("app.out.log");
        Files.writeString(live, "x\n");
        // A temp file left by a daemon that died mid-write, with the usual umask's 0644.
        Path tmp = dir.resolve("app.out.log.cut.tmp");
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
        Cuts.read(live).begin(ProcessHandle.current().pid(), 4096).write(live);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(Cuts.path(live)))).isEqualTo("rw-------");
        assertThat(Cuts.read(live).front()).isEqualTo(4096);
        Cuts.read(live).rotated(4096, 3).write(live);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(Cuts.path(live)))).isEqualTo("rw-------");
    }
}
