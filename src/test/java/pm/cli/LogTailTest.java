package pm.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** pm top's log view shows an app's last lines, never its escape sequences or control characters. */
class LogTailTest {
    @TempDir
    Path dir;

    @Test
    void theLastLinesDecodedWithWhatWouldMoveTheCursorTakenOut() throws Exception {
        Path log = dir.resolve("app.out.log");
        byte[] bad = {'b', 'a', 'd', ' ', (byte) 0xff, '\n'};
        Files.write(log, ("one\ntwo\n\033[31mred\033[0m and \033]0;title\007plain\ttab\r\n").getBytes());
        Files.write(log, bad, java.nio.file.StandardOpenOption.APPEND);
        assertThat(LogTail.lines(log, 3)).containsExactly("two", "red and plain   tab", "bad \uFFFD");
        assertThat(LogTail.lines(log, 10)).hasSize(4).startsWith("one");
    }

    @Test
    void aMissingOrEmptyFileHasNoLines() throws Exception {
        assertThat(LogTail.lines(dir.resolve("none.log"), 5)).isEmpty();
        Files.writeString(dir.resolve("empty.log"), "");
        assertThat(LogTail.lines(dir.resolve("empty.log"), 5)).isEmpty();
    }

    @Test
    void controlCharactersGoAndOtherTextStays() {
        assertThat(LogTail.printable("a\u0007b\u0000c\u009bd é ✓", 0, 11)).isEqualTo("abcd é ✓");
        assertThat(LogTail.printable("cut \033[", 0, 6)).isEqualTo("cut ");
    }
}
