package pm.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UtcTimeTest {
    static final long[] EDGES = {0, 1, 999, 1000, 59_999, 86_399_999, 86_400_000, -1, -86_400_001, 951_782_400_000L /* 2000-02-29 */,
            1_795_676_750_120L, 1_795_676_750_000L, 1_795_676_750_100L, 253_402_300_799_999L /* 9999-12-31 */};

    @Test
    void timesReadExactlyAsInstantWritesThem() {
        for (long t : EDGES) assertThat(UtcTime.format(t)).as("%d", t).isEqualTo(Instant.ofEpochMilli(t).toString());
        var random = new SplittableRandom(5);
        for (int i = 0; i < 10_000; i++) {
            long t = random.nextLong(-10_000_000_000_000L, 253_402_300_800_000L);
            assertThat(UtcTime.format(t)).as("%d", t).isEqualTo(Instant.ofEpochMilli(t).toString());
        }
    }

    @Test
    void whatIsWrittenReadsBack() {
        for (long t : EDGES) if (t >= -62_167_219_200_000L) assertThat(UtcTime.parse(UtcTime.format(t))).as("%d", t).isEqualTo(t);
        var random = new SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            long t = random.nextLong(0, 253_402_300_800_000L);
            assertThat(UtcTime.parse(UtcTime.format(t))).as("%d", t).isEqualTo(t);
        }
    }

    @Test
    void finerFractionsAreCutToMilliseconds() {
        assertThat(UtcTime.parse("2026-11-26T07:05:50.1Z")).isEqualTo(Instant.parse("2026-11-26T07:05:50.100Z").toEpochMilli());
        assertThat(UtcTime.parse("2026-11-26T07:05:50.123456789Z")).isEqualTo(Instant.parse("2026-11-26T07:05:50.123Z").toEpochMilli());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "yesterday", "2026-11-26", "2026-11-26T07:05:50", "2026-13-26T07:05:50Z", "2026-02-30T07:05:50Z",
            "2026-11-26T24:05:50Z", "2026-11-26T07:05:50.Z", "2026-11-26T07:05:50.1234567890Z", "2026-11-26T07:05:5xZ",
            "2026-11-26 07:05:50Z"})
    void anythingElseIsRefused(String text) {
        assertThatThrownBy(() -> UtcTime.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
