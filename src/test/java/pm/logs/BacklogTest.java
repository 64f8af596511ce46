package pm.logs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pm.daemon.logs.Rotator;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class BacklogTest {
    @TempDir
    Path dir;

    Path live() {
        return dir.resolve("app.out.log");
    }

    Path file(String content) throws IOException {
        return Files.writeString(live(), content, StandardCharsets.UTF_8);
    }

    List<String> last(String content, int n) throws IOException {
        file(content);
        return shown(n, null, Stamps.NONE);
    }

    /** What the backlog holds, as lines. */
    List<String> shown(int n, Backlog.LineTest test, long since) throws IOException {
        return lines(Backlog.read(live(), Backlog.find(live(), n, test, since)));
    }

    /** The lines in some bytes: split at newlines, a trailing one ending the last line. */
    static List<String> lines(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.isEmpty()) return List.of();
        if (text.endsWith("\n")) text = text.substring(0, text.length() - 1);
        return List.of(text.split("\n", -1));
    }

    /** Numbered lines ({@link FollowerTest#line}) in short: how many, the first and the last, and a gap, a repeat or a cut line if any. */
    static String numbered(byte[] bytes) {
        var lines = lines(bytes);
        if (lines.isEmpty()) return "no lines";
        for (int i = 1; i < lines.size(); i++)
            if (!lines.get(i).equals(new String(FollowerTest.line(i + Integer.parseInt(lines.getFirst())), 0, 9, StandardCharsets.US_ASCII)))
                return lines.size() + " lines, line " + (i + 1) + " reads '" + lines.get(i) + "' after '" + lines.get(i - 1) + "'";
        return lines.size() + " lines, " + lines.getFirst() + " to " + lines.getLast();
    }

    @Test
    void lastLinesWithAndWithoutATrailingNewline() throws IOException {
        assertThat(last("a\nb\nc\n", 2)).containsExactly("b", "c");
        assertThat(last("a\nb\nc\n", 1)).containsExactly("c");
        assertThat(last("a\nb\nc", 2)).containsExactly("b", "c");
        assertThat(last("single", 5)).containsExactly("single");
    }

    @Test
    void moreLinesThanTheFileHasGivesThemAllAndZeroGivesNone() throws IOException {
        assertThat(last("a\nb\nc\n", 100)).containsExactly("a", "b", "c");
        assertThat(last("a\nb\nc\n", -1)).containsExactly("a", "b", "c");
        assertThat(last("", 10)).isEmpty();
        assertThat(last("a\nb\n", 0)).isEmpty();
    }

    @Test
    void blankLinesAreKept() throws IOException {
        assertThat(last("\n", 5)).containsExactly("");
        assertThat(last("a\n\nb\n\n", 2)).containsExactly("b", "");
        assertThat(last("a\n\n\n", 3)).containsExactly("a", "", "");
        assertThat(last("\na\n", 5)).containsExactly("", "a");
    }

    @Test
    void linesAcrossManyReadBlocksComeBackWhole() throws IOException {
        var lines = IntStream.range(0, 50_000).mapToObj(i -> "line " + i + " é".repeat(i % 7)).toList();
        file(String.join("\n", lines) + "\n");
        assertThat(shown(30_000, null, Stamps.NONE)).isEqualTo(lines.subList(20_000, 50_000));
        assertThat(shown(100_000, null, Stamps.NONE)).isEqualTo(lines);
        String longLine = "x".repeat(200_000);
        file("a\n" + longLine + "\nb\n");
        assertThat(shown(2, null, Stamps.NONE)).containsExactly(longLine, "b");
    }

    @Test
    void bytesComeBackAsWrittenNotDecoded() throws IOException {
        byte[] latin1 = {'a', '\n', 'c', 'a', 'f', (byte) 0xE9, '\n', (byte) 0xFF, (byte) 0xFE};
        Files.write(live(), latin1);
        assertThat(Backlog.read(live(), Backlog.find(live(), 2, null, Stamps.NONE)))
                .containsExactly('c', 'a', 'f', (byte) 0xE9, '\n', (byte) 0xFF, (byte) 0xFE);
    }

    @Test
    void aMissingFileHasNoBacklog() throws IOException {
        assertThat(Backlog.find(live(), 5, null, Stamps.NONE)).isEqualTo(new Backlog.Span(0, 0));
        assertThat(Backlog.read(live(), new Backlog.Span(0, 10))).isEmpty();
    }

    @Test
    void theLastLinesReachIntoTheRotatedFiles() throws IOException {
        var all = IntStream.rangeClosed(1, 3000).mapToObj(i -> String.format("%09d", i)).toList();
        Files.write(live(), all.subList(0, 2000));
        Rotator.rotate(live(), 5);
        Files.write(live(), all.subList(2000, 3000), StandardOpenOption.APPEND);
        Rotator.rotate(live(), 5);
        assertThat(Files.size(live())).as("what is left in the live file").isLessThan(4096);
        assertThat(shown(2500, null, Stamps.NONE)).isEqualTo(all.subList(500, 3000));
        assertThat(shown(-1, null, Stamps.NONE)).isEqualTo(all);
    }

    @Test
    void theSpanEndsWhereTheLogEndedWhenItWasFound() throws IOException {
        file("a\nb\nc\n");
        var span = Backlog.find(live(), 2, null, Stamps.NONE);
        Files.writeString(live(), "d\n", StandardOpenOption.APPEND);
        assertThat(span).isEqualTo(new Backlog.Span(2, 6));
        assertThat(lines(Backlog.read(live(), span))).containsExactly("b", "c");
    }

    @Test
    void aTestKeepsTheLastLinesItAccepts() throws IOException {
        file("error 1\ninfo 2\nerror 3\ninfo 4\nerror 5\ninfo 6\n");
        Backlog.LineTest errors = (b, off, len) -> new String(b, off, len, StandardCharsets.UTF_8).startsWith("error");
        // The position bounds the backlog; the reader filters the lines after it with the same test.
        assertThat(shown(2, errors, Stamps.NONE)).containsExactly("error 3", "info 4", "error 5", "info 6");
    }

    @Test
    void rotationsDuringTheScanMoveNoLineInOrOutOfTheBacklog() throws IOException {
        Path live = live();
        FollowerTest.append(live, 1, 200_000);
        var looked = new AtomicInteger();
        var written = new AtomicInteger(200_000);
        // Every 10,000 lines the scan looks at, the app writes 1,000 more and the log rotates: under the scan, as it walks back.
        Backlog.LineTest rotating = (b, off, len) -> {
            if (looked.incrementAndGet() % 10_000 == 0) {
                try {
                    int from = written.getAndAdd(1_000) + 1;
                    FollowerTest.append(live, from, from + 999);
                    Rotator.rotate(live, 50);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return true;
        };
        var span = Backlog.find(live, 100_000, rotating, Stamps.NONE);
        assertThat(numbered(Backlog.read(live, span))).isEqualTo("100000 lines, 000100001 to 000200000");
        assertThat(Cuts.read(live).seq() / 2).as("rotations during the scan").isGreaterThanOrEqualTo(10);
    }

    @Test
    void aRotationUnderWayWhenTheBacklogIsReadIsWaitedOut() throws Exception {
        FollowerTest.append(live(), 1, 20_000);
        var span = Backlog.find(live(), 5_000, null, Stamps.NONE);
        // A rotation that takes 100 ms (a loaded machine) begins before the read: longer than a follower waits for one.
        Cuts.read(live()).begin(ProcessHandle.current().pid(), 4096).write(live());
        var rotator = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(100);
                Rotator.rotate(live(), 5);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            assertThat(numbered(Backlog.read(live(), span))).isEqualTo("5000 lines, 000015001 to 000020000");
        } finally {
            rotator.join();
        }
        assertThat(Cuts.read(live()).cut()).as("where the rotation cut").isPositive();
    }

    @Test
    void aLineBeingWrittenWhenTheBacklogIsFoundIsShownWhole() throws Exception {
        // An app writes 819 lines at a time; a reader sees such a write half done (the file grows a page at a time).
        Path live = live();
        Files.createFile(live);
        var writing = new AtomicBoolean(true);
        var writer = Thread.ofPlatform().start(() -> {
            try (var out = new FileOutputStream(live.toFile(), true)) {
                for (int i = 1; writing.get(); i += 819) out.write(FollowerTest.lines(i, i + 818));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        int cut = 0, calls = 0;
        try {
            for (long until = System.nanoTime() + 2_000_000_000L; System.nanoTime() < until; calls++) {
                byte[] last = Backlog.read(live, Backlog.find(live, 3, null, Stamps.NONE));
                if (last.length > 0 && last[last.length - 1] != '\n') cut++;
                if (calls % 100 == 0 && Files.size(live) > 1 << 20) Rotator.rotate(live, 2);
            }
        } finally {
            writing.set(false);
            writer.join();
        }
        System.out.println("backlogs ending in a line cut short: " + cut + " of " + calls);
        assertThat(cut).as("backlogs ending in a line cut short, of " + calls).isZero();
    }

    static final long T = Stamps.since("2020-01-06 10:00:00", 0);

    @Test
    void sinceStartsAtTheFirstLineDatedThenOrLaterAndUndatedLinesFollowTheirDate() throws IOException {
        file("""
                2020-01-06 09:58:00 old
                  old detail
                2020-01-06 09:59:59,999 old too
                Traceback of the old one
                2020-01-06 10:00:00 new
                  new detail
                [2020-01-06T10:05:00] newer
                """);
        assertThat(shown(-1, null, T)).containsExactly("2020-01-06 10:00:00 new", "  new detail", "[2020-01-06T10:05:00] newer");
        assertThat(shown(1, null, T)).containsExactly("[2020-01-06T10:05:00] newer");
        assertThat(shown(5, null, T)).hasSize(3);
    }

    @Test
    void undatedLinesBelowTheTailBelongToTheirDate() throws IOException {
        file("2020-01-06 09:00:00 old\n  detail a\n  detail b\n");
        assertThat(shown(1, null, T)).isEmpty();
        file("2020-01-06 11:00:00 new\n  detail a\n  detail b\n");
        assertThat(shown(1, null, T)).containsExactly("  detail b");
    }

    @Test
    void undatedLogsAreKeptWhenTheirFileChangedSinceAndSkippedWhenNot() throws IOException {
        var old = IntStream.range(0, 1000).mapToObj(i -> "old " + i).toList();
        Files.write(live(), old);
        Rotator.rotate(live(), 5);
        Files.write(live(), List.of("a", "b", "c"), StandardOpenOption.APPEND);
        long now = System.currentTimeMillis();
        assertThat(shown(-1, null, now - 60_000)).hasSize(1003);
        Files.setLastModifiedTime(Cuts.generation(live(), 1), FileTime.fromMillis(now - 3_600_000));
        // The line split across the two files at the cut is whole; the older lines are skipped.
        var shown = shown(-1, null, now - 60_000);
        int first = old.indexOf(shown.getFirst());
        assertThat(first).isPositive();
        var expected = new java.util.ArrayList<>(old.subList(first, 1000));
        expected.addAll(List.of("a", "b", "c"));
        assertThat(shown).isEqualTo(expected);
        Files.setLastModifiedTime(live(), FileTime.fromMillis(now - 3_600_000));
        assertThat(shown(-1, null, now - 60_000)).isEmpty();
    }
}
