package pm.logs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pm.daemon.logs.Rotator;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The follower against real files, the real Rotator and a writer appending as fast as it can. */
class FollowerTest {
    @TempDir
    Path dir;

    /** "000000001\n" and so on: ten bytes a line. */
    static byte[] line(int i) {
        byte[] b = new byte[10];
        for (int k = 8; k >= 0; k--, i /= 10) b[k] = (byte) ('0' + i % 10);
        b[9] = '\n';
        return b;
    }

    static void append(Path file, int from, int to) throws IOException {
        try (OutputStream out = new FileOutputStream(file.toFile(), true)) {
            for (int i = from; i <= to; i++) out.write(line(i));
        }
    }

    /** Everything the follower can read now. */
    static byte[] drain(Follower f) throws IOException {
        var got = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        for (int n; (n = f.read(buf)) > 0; ) got.write(buf, 0, n);
        return got.toByteArray();
    }

    /** The lines 1..n, as one block of bytes. */
    static byte[] lines(int from, int to) {
        var out = new ByteArrayOutputStream();
        for (int i = from; i <= to; i++) out.writeBytes(line(i));
        return out.toByteArray();
    }

    /**
     * Runs a writer of {@code count} lines at full speed (O_APPEND, as an app's stdout, in 8 KiB writes,
     * with a pause of 1 ms every 2,000 lines)
     * beside a rotator that rotates whenever the file passes 64 KiB, and follows the file from its start
     * meanwhile, until it has read all that was written or, when rotation may lose bytes, until the file
     * has been quiet a while after the writer is done; returns what the follower read.
     */
    byte[] followWhileRotating(Path live, int count, AtomicInteger rotations, boolean lossy) throws Exception {
        Files.createFile(live);
        var writing = new AtomicBoolean(true);
        var writer = Thread.ofPlatform().start(() -> {
            try (var out = new BufferedOutputStream(new FileOutputStream(live.toFile(), true), 8192)) {
                for (int i = 1; i <= count; i++) {
                    out.write(line(i));
                    if (i % 2_000 == 0) Thread.sleep(1); // so that the run spans many rotations
                }
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                writing.set(false);
            }
        });
        var rotator = Thread.ofPlatform().start(() -> {
            try {
                while (writing.get()) {
                    if (Files.size(live) > 64 * 1024 && Rotator.rotate(live, 1000) != Rotator.Outcome.NOTHING_TO_DO)
                        rotations.incrementAndGet();
                    Thread.onSpinWait();
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        var got = new ByteArrayOutputStream();
        try (var f = new Follower(live, 0)) {
            byte[] buf = new byte[16 * 1024];
            long deadline = System.nanoTime() + 60_000_000_000L;
            int quiet = 0;
            while (lossy ? writing.get() || quiet < 50 : got.size() < count * 10L && System.nanoTime() < deadline) {
                int n = f.read(buf);
                got.write(buf, 0, n);
                quiet = n == 0 ? quiet + 1 : 0;
                if (n == 0) Thread.sleep(1);
            }
            if (!lossy) assertThat(f.lost()).isZero();
        }
        writer.join();
        rotator.join();
        return got.toByteArray();
    }

    /** The log's files, oldest first, one after the other. */
    static byte[] concatenated(Path live) throws IOException {
        var all = new ByteArrayOutputStream();
        for (int i = 1000; i >= 1; i--) {
            Path g = Cuts.generation(live, i);
            if (Files.exists(g)) all.writeBytes(Files.readAllBytes(g));
        }
        all.writeBytes(Files.readAllBytes(live));
        return all.toByteArray();
    }

    @Test
    void everyLineOnceInOrderWhileTheFileRotatesUnderAFullSpeedWriter() throws Exception {
        int count = 1_500_000;
        var rotations = new AtomicInteger();
        byte[] got = followWhileRotating(dir.resolve("app.out.log"), count, rotations, false);
        System.out.println("lossless: " + rotations + " rotations");
        assertThat(rotations.get()).as("rotations").isGreaterThan(50);
        assertThat(got.length).isEqualTo(count * 10);
        for (int i = 0; i < count; i++) {
            int at = i * 10;
            if (!java.util.Arrays.equals(got, at, at + 10, line(i + 1), 0, 10))
                throw new AssertionError("line " + (i + 1) + " reads " + new String(got, at, 10, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void withCopyAndTruncateTheFollowerReadsExactlyWhatTheFilesKeep() throws Exception {
        Path shm = Path.of("/dev/shm");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shm) && Files.getFileStore(shm).type().equals("tmpfs"));
        Path tmp = Files.createTempDirectory(shm, "pm-follower");
        try {
            Path live = tmp.resolve("app.out.log");
            var rotations = new AtomicInteger();
            int count = 600_000;
            byte[] got = followWhileRotating(live, count, rotations, true);
            System.out.println("copy and truncate: " + rotations + " rotations");
            assertThat(rotations.get()).as("rotations").isGreaterThan(5);
            assertThat(got).isEqualTo(concatenated(live));
        } finally {
            try (var files = Files.list(tmp)) {
                for (Path p : files.toList()) Files.delete(p);
            }
            Files.delete(tmp);
        }
    }

    @Test
    void severalRotationsBetweenTwoReadsAreReadFromTheRotatedFiles() throws Exception {
        Path live = dir.resolve("app.out.log");
        append(live, 1, 2000);
        var f = new Follower(live, 0);
        assertThat(drain(f)).isEqualTo(lines(1, 2000));
        int next = 2001;
        for (int r = 0; r < 5; r++) {
            append(live, next, next + 999);
            next += 1000;
            assertThat(Rotator.rotate(live, 10)).isEqualTo(Rotator.Outcome.LOSSLESS);
        }
        append(live, next, next + 9);
        assertThat(drain(f)).isEqualTo(lines(2001, next + 9));
        assertThat(f.lost()).isZero();
    }

    @Test
    void bytesRotatedPastTheLastKeptFileAreSkippedAndCounted() throws Exception {
        Path live = dir.resolve("app.out.log");
        var f = new Follower(live, 0);
        int next = 1;
        for (int r = 0; r < 4; r++) {
            append(live, next, next + 999);
            next += 1000;
            Rotator.rotate(live, 2);
        }
        byte[] got = drain(f);
        assertThat(f.lost()).isPositive();
        assertThat(f.lost() + got.length).isEqualTo(4000 * 10);
        assertThat(got).isEqualTo(concatenated(live));
    }

    @Test
    void aFollowerAtTheEndSeesOnlyWhatComesAfter() throws Exception {
        Path live = dir.resolve("app.out.log");
        append(live, 1, 3000);
        Rotator.rotate(live, 5);
        var f = Follower.atEnd(live);
        assertThat(drain(f)).isEmpty();
        append(live, 3001, 3005);
        assertThat(drain(f)).isEqualTo(lines(3001, 3005));
    }

    @Test
    void aFlushStartsTheFollowerAgainAtTheEmptiedFilesStart() throws Exception {
        Path live = dir.resolve("app.out.log");
        append(live, 1, 3000);
        var f = new Follower(live, 0);
        assertThat(drain(f)).isEqualTo(lines(1, 3000));
        Rotator.flush(live, 5);
        // More than was there before: a follower that only compared sizes would skip these.
        append(live, 1, 4000);
        assertThat(drain(f)).isEqualTo(lines(1, 4000));
    }

    @Test
    void aFileTruncatedBySomeoneElseIsReadAgainFromItsStart() throws Exception {
        Path live = dir.resolve("app.out.log");
        append(live, 1, 300);
        var f = new Follower(live, 0);
        drain(f);
        Files.write(live, new byte[0]);
        append(live, 1, 5);
        assertThat(drain(f)).isEqualTo(lines(1, 5));
    }

    @Test
    void aFileDeletedAndMadeAgainIsFollowedFromTheNewOnesStart() throws Exception {
        Path live = dir.resolve("app.out.log");
        append(live, 1, 300);
        var f = new Follower(live, 0);
        drain(f);
        Files.delete(live);
        append(live, 1, 500);
        var got = new ByteArrayOutputStream();
        for (int i = 0; i < 3; i++) got.writeBytes(drain(f)); // the first read finds the new file
        assertThat(got.toByteArray()).isEqualTo(lines(1, 500));
    }

    @Test
    void aFileThatDoesNotExistYetIsFollowedOnceItDoes() throws Exception {
        Path live = dir.resolve("app.out.log");
        var f = Follower.atEnd(live);
        assertThat(drain(f)).isEmpty();
        append(live, 1, 5);
        assertThat(drain(f)).isEqualTo(lines(1, 5));
    }
}
