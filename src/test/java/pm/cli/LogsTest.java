package pm.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pm.core.PmException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogsTest {
    @TempDir
    Path dir;

    Path file(String content) throws IOException {
        return Files.writeString(dir.resolve("out.log"), content, StandardCharsets.UTF_8);
    }

    List<String> last(String content, int n) throws IOException {
        Path f = file(content);
        return lines(Logs.lastLines(f, n, Files.size(f)));
    }

    /** The lines in what lastLines returned: its text split at newlines, a trailing one ending the last line. */
    static List<String> lines(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.isEmpty()) return List.of();
        if (text.endsWith("\n")) text = text.substring(0, text.length() - 1);
        return List.of(text.split("\n", -1));
    }

    @Test
    void lastLinesWithATrailingNewline() throws IOException {
        assertThat(last("a\nb\nc\n", 2)).containsExactly("b", "c");
        assertThat(last("a\nb\nc\n", 1)).containsExactly("c");
    }

    @Test
    void lastLinesWithoutATrailingNewline() throws IOException {
        assertThat(last("a\nb\nc", 2)).containsExactly("b", "c");
        assertThat(last("single", 5)).containsExactly("single");
    }

    @Test
    void askingForMoreLinesThanTheFileHasGivesThemAll() throws IOException {
        assertThat(last("a\nb\nc\n", 100)).containsExactly("a", "b", "c");
    }

    @Test
    void emptyFileOrZeroLinesGivesNothing() throws IOException {
        assertThat(last("", 10)).isEmpty();
        assertThat(last("a\nb\n", 0)).isEmpty();
    }

    @Test
    void blankLinesAreKept() throws IOException {
        assertThat(last("\n", 5)).containsExactly("");
        assertThat(last("a\n\nb\n\n", 2)).containsExactly("b", "");
        assertThat(last("a\n\n\n", 3)).containsExactly("a", "", "");
    }

    @Test
    void readsOnlyTheFirstSizeBytes() throws IOException {
        Path f = file("a\nb\nc\nd\n");
        assertThat(lines(Logs.lastLines(f, 10, 4))).containsExactly("a", "b");
        assertThat(lines(Logs.lastLines(f, 10, 5))).containsExactly("a", "b", "c");
    }

    @Test
    void linesAcrossManyReadBlocksComeBackWhole() throws IOException {
        var lines = IntStream.range(0, 5000).mapToObj(i -> "line " + i + " é".repeat(i % 7)).toList();
        Path f = file(String.join("\n", lines) + "\n");
        assertThat(lines(Logs.lastLines(f, 3000, Files.size(f)))).isEqualTo(lines.subList(2000, 5000));
        assertThat(lines(Logs.lastLines(f, 10_000, Files.size(f)))).isEqualTo(lines);
    }

    @Test
    void bytesComeBackAsWrittenNotDecoded() throws IOException {
        byte[] latin1 = {'a', '\n', 'c', 'a', 'f', (byte) 0xE9, '\n', (byte) 0xFF, (byte) 0xFE};
        Path f = Files.write(dir.resolve("raw.log"), latin1);
        assertThat(Logs.lastLines(f, 2, latin1.length)).containsExactly('c', 'a', 'f', (byte) 0xE9, '\n', (byte) 0xFF, (byte) 0xFE);
        assertThat(Logs.lastLines(f, 1, 7)).containsExactly('c', 'a', 'f', (byte) 0xE9, '\n');
    }

    @Test
    void aMissingFileIsAnInvalidError() {
        assertThatThrownBy(() -> Logs.lastLines(dir.resolve("gone.log"), 5, 10))
                .isInstanceOf(PmException.class).hasMessageContaining("cannot read");
    }
}
