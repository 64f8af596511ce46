package pm.logs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LinesTest {
    final List<String> got = new ArrayList<>();
    final Lines.Sink sink = (b, off, len) -> got.add(new String(b, off, len, StandardCharsets.ISO_8859_1));
    final Lines lines = new Lines();

    void feed(String s) throws IOException {
        byte[] b = ("xx" + s + "yy").getBytes(StandardCharsets.ISO_8859_1);
        lines.feed(b, 2, b.length - 4, sink);
    }

    @Test
    void linesEndAtNewlinesAndAnUnfinishedOneWaitsForTheRest() throws IOException {
        feed("a\nb");
        assertThat(got).containsExactly("a");
        feed("c\n\nd");
        assertThat(got).containsExactly("a", "bc", "");
        feed("e");
        lines.finish(sink);
        assertThat(got).containsExactly("a", "bc", "", "de");
        lines.finish(sink);
        assertThat(got).hasSize(4);
    }

    @Test
    void anUnfinishedLineSaysHowLongItHasWaited() throws IOException {
        assertThat(lines.waiting(0)).isFalse();
        feed("partial");
        assertThat(lines.waiting(0)).isTrue();
        assertThat(lines.waiting(60_000_000_000L)).isFalse();
        feed("\n");
        assertThat(lines.waiting(0)).isFalse();
    }

    @Test
    void aVeryLongLineIsPassedOnInPieces() throws IOException {
        byte[] big = new byte[Lines.LONGEST + 10];
        java.util.Arrays.fill(big, (byte) 'x');
        lines.feed(big, 0, big.length, sink);
        assertThat(got).hasSize(1);
        assertThat(got.getFirst()).hasSize(big.length);
    }
}
