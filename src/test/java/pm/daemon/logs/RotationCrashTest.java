package pm.daemon.logs;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pm.logs.Cuts;
import pm.logs.Follower;

import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A daemon killed at each step of a rotation: a follower that was reading meanwhile, and one that starts
 * afterwards, read every line once, and the next rotation carries on from what the files show.
 */
class RotationCrashTest {
    @TempDir
    Path dir;
    Path live;
    Follower reading;
    /** The length a rotation of the first 3000 lines cuts: whole 4 KiB blocks of their 30,000 bytes. */
    static final long FRONT = 30_000 / 4096 * 4096;
    long deadPid;

    static byte[] lines(int from, int to) {
        var out = new ByteArrayOutputStream();
        for (int i = from; i <= to; i++) out.writeBytes(String.format("%09d\n", i).getBytes());
        return out.toByteArray();
    }

    void append(int from, int to) throws IOException {
        try (var out = new FileOutputStream(live.toFile(), true)) {
            out.write(lines(from, to));
        }
    }

    static byte[] drain(Follower f) throws IOException {
        var got = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        for (int n; (n = f.read(buf)) > 0; ) got.write(buf, 0, n);
        return got.toByteArray();
    }

    @BeforeEach
    void aFollowerHasReadTheFirstLines() throws Exception {
        live = dir.resolve("app.out.log");
        append(1, 3000);
        reading = new Follower(live, 0);
        assertThat(drain(reading)).isEqualTo(lines(1, 3000));
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        deadPid = gone.pid();
    }

    /** After the crash, the app writes on; then the next daemon rotates. */
    void theAppWritesOnAndTheNextDaemonRotates() throws IOException {
        assertThat(Cuts.read(live).odd()).isTrue();
        append(3001, 4000);
        assertThat(drain(reading)).isEqualTo(lines(3001, 4000));
        assertThat(drain(new Follower(live, 0))).as("a follower from the start").isEqualTo(lines(1, 4000));
        assertThat(Rotator.rotate(live, 5)).isEqualTo(Rotator.Outcome.LOSSLESS);
        assertThat(Cuts.read(live).odd()).isFalse();
        append(4001, 4100);
        assertThat(drain(reading)).isEqualTo(lines(4001, 4100));
        assertThat(drain(new Follower(live, 0))).as("a follower from the start").isEqualTo(lines(1, 4100));
        assertThat(reading.lost()).isZero();
    }

    /**
     * The steps of a rotation of the first 3000 lines by the daemon {@code pid}, up to {@code steps} of them:
     * copy the front and make the record odd, rename the copy to NAME.1, cut the front.
     */
    Cuts rotateUntil(int steps, long pid) throws IOException {
        try (InputStream in = Files.newInputStream(live)) {
            Files.write(Cuts.copying(live), in.readNBytes((int) FRONT));
        }
        Cuts odd = Cuts.NONE.begin(pid, FRONT);
        odd.write(live);
        if (steps >= 2) Files.move(Cuts.copying(live), Cuts.generation(live, 1));
        if (steps >= 3) assertThat(FileOps.collapseFront(live, FRONT)).isZero();
        return odd;
    }

    @Test
    void killedAfterTheRecordWasMadeOdd() throws IOException {
        rotateUntil(1, deadPid);
        theAppWritesOnAndTheNextDaemonRotates();
    }

    @Test
    void killedAfterTheCopyBecameTheFirstRotatedFile() throws IOException {
        rotateUntil(2, deadPid);
        theAppWritesOnAndTheNextDaemonRotates();
    }

    @Test
    void killedAfterTheCutBeforeItWasRecorded() throws IOException {
        rotateUntil(3, deadPid);
        theAppWritesOnAndTheNextDaemonRotates();
    }

    @Test
    void killedAfterCopyAndTruncateBeforeItWasRecorded() throws IOException {
        rotateUntil(2, deadPid);
        Files.write(Cuts.generation(live, 1), Files.readAllBytes(live));
        assertThat(FileOps.truncate(live, 0)).isZero();
        theAppWritesOnAndTheNextDaemonRotates();
    }

    @Test
    void aRotationUnderWayMakesTheFollowerWaitUntilItIsRecorded() throws IOException {
        Cuts odd = rotateUntil(3, ProcessHandle.current().pid());
        append(3001, 3100);
        assertThat(drain(reading)).as("while the record is odd").isEmpty();
        odd.rotated(FRONT, 5).write(live);
        assertThat(drain(reading)).isEqualTo(lines(3001, 3100));
    }
}
