package pm.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pm.logs.Backlog;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code pm logs} writes for one log: its bytes as they are, or whole lines behind a prefix. */
class ShownLogTest {
    @TempDir
    Path dir;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final byte[] buf = new byte[64 * 1024];

    ShownLog shown(byte[] prefix) {
        return new ShownLog("web", false, dir.resolve("web.out.log"), new Backlog.Span(0, 0), out, prefix, null, false);
    }

    void append(String s) throws IOException {
        Files.writeString(dir.resolve("web.out.log"), s, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** One round of the follow loop: a read, then the look for a line that has waited too long. */
    void round(ShownLog log, long unendedNanos) throws IOException {
        log.pump(buf);
        log.endWaitingLine(unendedNanos);
    }

    @Test
    void plainOutputIsTheLogsBytesThoughALineComesInTwoReads() throws IOException {
        var log = shown(null);
        append("one\ntw");
        round(log, 1_000_000_000L);
        append("o\nthree");
        round(log, 0);
        append("\n");
        round(log, 1_000_000_000L);
        append("four");
        round(log, 0); // the end of a backlog without --follow: nothing added there either
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("one\ntwo\nthree\nfour");
    }

    @Test
    void byLineALineInTwoReadsIsShownOnceWholeAndOneLeftUnendedIsEndedOnceItHasWaited() throws IOException {
        var log = shown("web | ".getBytes(StandardCharsets.UTF_8));
        append("one\ntw");
        round(log, 1_000_000_000L);
        assertThat(log.hasUnendedLine()).isTrue();
        append("o\nthree");
        round(log, 1_000_000_000L);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("web | one\nweb | two\n");
        round(log, 0);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("web | one\nweb | two\nweb | three\n");
    }
}
