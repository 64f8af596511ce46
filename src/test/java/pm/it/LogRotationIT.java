package pm.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static pm.it.Pm.await;
import static pm.it.Pm.seconds;

/** Size-based rotation of a log an app writes at full speed loses no line and repeats none; pm flush empties. */
class LogRotationIT {
    final Pm pm = new Pm();

    @AfterEach
    void tearDown() {
        pm.close();
    }

    private List<Path> generations(String name) throws IOException {
        var files = new ArrayList<Path>();
        Path live = pm.home.resolve("logs/" + name + ".out.log");
        for (int i = 1000; i >= 1; i--) {
            Path old = live.resolveSibling(live.getFileName() + "." + i);
            if (Files.exists(old)) files.add(old);
        }
        files.add(live);
        return files;
    }

    /** The generations' names and sizes. */
    private List<String> snapshot(String name) {
        try {
            var out = new ArrayList<String>();
            for (Path f : generations(name)) out.add(f.getFileName() + " " + Files.size(f));
            return out;
        } catch (IOException renamedMeanwhile) {
            return List.of(renamedMeanwhile.toString());
        }
    }

    private List<String> snapshotAfter(String name, long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return snapshot(name);
    }

    @Test
    void rotationWhileAnAppWritesAtFullSpeedLosesAndRepeatsNoLine() throws IOException {
        int lines = 2_000_000; // 20 MB
        pm.runWith(java.util.Map.of("PM_LOG_CHECK_INTERVAL", "50ms"), "daemon", "start");
        pm.ok("register", pm.fixture("numbers.py").toString(), "--name", "numbers", "--max-log-size", "1M",
                "--log-files", "1000", "--", String.valueOf(lines));
        pm.ok("start", "numbers");
        Path live = pm.home.resolve("logs/numbers.out.log");
        await("all lines written", seconds(60), () -> {
            try {
                return Files.size(live) > 0 && Files.readString(live).endsWith("DONE\n");
            } catch (IOException e) {
                return false;
            }
        });
        // A rotation may be under way when DONE lands: stop the app (the keeper rotates running apps' logs
        // only), then read the files once they have stopped changing.
        pm.ok("stop", "numbers");
        await("the files settle", seconds(10), () -> snapshot("numbers").equals(snapshotAfter("numbers", 200)));
        var files = generations("numbers");
        assertThat(files.size()).as("rotations").isGreaterThan(5);
        // Concatenated oldest first, the files hold every line exactly once, in order.
        var all = new StringBuilder();
        for (Path f : files) all.append(Files.readString(f));
        String[] got = all.toString().split("\n");
        assertThat(got).hasSize(lines + 1);
        for (int i = 0; i < lines; i++) {
            if (Integer.parseInt(got[i]) != i + 1) throw new AssertionError("line " + (i + 1) + " reads " + got[i]);
        }
        assertThat(got[lines]).isEqualTo("DONE");
        for (Path f : files) assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        // The lossless path ran, not the copy-and-truncate fallback.
        assertThat(Files.readString(pm.home.resolve("daemon.log"))).doesNotContain("copy and truncate");
    }

    /**
     * A writer at 100 MiB/s with a 10M limit: every rotated file stays under 20 MiB (rotation follows the
     * file's growth), and the files hold every byte written, none twice.
     */
    @Test
    void aFastWriterCannotPushALogFarPastItsLimit() throws IOException {
        int rate = 100, seconds = 4;
        long total = (long) rate * seconds << 20;
        pm.ok("register", pm.fixture("paced.py").toString(), "--name", "fast", "--max-log-size", "10M",
                "--log-files", "1000", "--", String.valueOf(rate), String.valueOf(seconds));
        pm.ok("start", "fast");
        // Its own word, not the files' sizes: a listing taken while the rotated files shift may see one twice.
        Path err = pm.home.resolve("logs/fast.err.log");
        await("all bytes written", seconds(seconds + 20), () -> Files.exists(err) && sizeOf(err) > 0);
        pm.ok("stop", "fast");
        await("the files settle", seconds(10), () -> snapshot("fast").equals(snapshotAfter("fast", 200)));
        var files = generations("fast");
        long sum = 0, largest = 0;
        for (Path f : files) {
            sum += Files.size(f);
            largest = Math.max(largest, Files.size(f));
        }
        System.out.println("100 MiB/s, --max-log-size 10M: " + (files.size() - 1) + " rotations, largest file "
                + largest + " bytes; " + snapshot("fast"));
        assertThat(files.size()).as("rotations").isGreaterThan(20);
        assertThat(largest).as(snapshot("fast").toString()).isLessThanOrEqualTo(20L << 20);
        assertThat(sum).isEqualTo(total);
    }

    @Test
    void flushEmptiesTheLogsAndDeletesRotatedFiles() throws IOException {
        pm.ok("register", pm.fixture("env-dump.sh").toString(), "--name", "envy");
        pm.ok("start", "envy");
        Path out = pm.home.resolve("logs/envy.out.log");
        await("output", seconds(10), () -> Files.exists(out) && sizeOf(out) > 0);
        Files.writeString(out.resolveSibling("envy.out.log.1"), "old\n");
        assertThat(pm.ok("flush", "envy")).contains("envy: logs flushed");
        assertThat(Files.size(out)).isZero();
        assertThat(out.resolveSibling("envy.out.log.1")).doesNotExist();
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }
}
