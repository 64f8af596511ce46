package pm.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UnitsTest {

    @ParameterizedTest
    @CsvSource({
        "500ms, 500",
        "0ms, 0",
        "5s, 5000",
        "2m, 120000",
        "1h, 3600000",
        "3, 3000",
        "1.5s, 1500",
        "0.5, 500",
        "' 10S ', 10000",
        "250MS, 250",
    })
    void parsesDurations(String text, long millis) {
        assertThat(Units.parseDuration(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "abc", "-1s", "-1", "5x", "s", "ms", "1.5.2s", "5d", "NaN", "Infinitys", "1e400s"})
    void rejectsBadDurationsWithAHint(String text) {
        assertThatThrownBy(() -> Units.parseDuration(text))
                .isInstanceOfSatisfying(PmException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID))
                .hasMessageContaining("bad duration '" + text + "'")
                .hasMessageContaining("500ms, 5s, 2m or 1h");
    }

    @Test
    void negativeMillisecondsAreRejectedLikeNegativeSeconds() {
        assertThatThrownBy(() -> Units.parseDuration("-5ms")).isInstanceOf(PmException.class);
    }

    @ParameterizedTest
    @CsvSource({"0, 0s", "500, 500ms", "1500, 1500ms", "5000, 5s", "90000, 90s", "120000, 2m", "3600000, 1h", "5400000, 90m"})
    void formatsDurationsInTheLargestExactUnit(long millis, String text) {
        assertThat(Units.formatDuration(Duration.ofMillis(millis))).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 500, 1500, 5000, 90_000, 120_000, 3_600_000})
    void formattedDurationsParseBack(long millis) {
        var d = Duration.ofMillis(millis);
        assertThat(Units.parseDuration(Units.formatDuration(d))).isEqualTo(d);
    }

    @ParameterizedTest
    @CsvSource({
        "100, 100",
        "512K, 524288",
        "10M, 10485760",
        "1G, 1073741824",
        "10MB, 10485760",
        "512kb, 524288",
        "' 2g ', 2147483648",
    })
    void parsesSizes(String text, long bytes) {
        assertThat(Units.parseSize(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "M", "MB", "abc", "-1M", "1.5G", "10T", "10X", "99999999999999G", "10 M"})
    void rejectsBadSizesWithAHint(String text) {
        assertThatThrownBy(() -> Units.parseSize(text))
                .isInstanceOfSatisfying(PmException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID))
                .hasMessageContaining("bad size '" + text + "'")
                .hasMessageContaining("512K, 10M or 1G");
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0B",
        "1023, 1023B",
        "1024, 1K",
        "933888, 912K",
        "1572864, 1.5M",
        "14889779, 14.2M",
        "1073741824, 1.0G",
        "1395864371, 1.3G",
    })
    void formatsSizesCompactly(long bytes, String text) {
        assertThat(Units.formatSize(bytes)).isEqualTo(text);
    }

    @ParameterizedTest
    @CsvSource({"-5, 0s", "0, 0s", "45, 45s", "59, 59s", "60, 1m", "754, 12m", "3600, 1h", "11000, 3h", "86400, 1d", "200000, 2d"})
    void formatsAgesInOneUnit(long seconds, String text) {
        assertThat(Units.formatAge(Duration.ofSeconds(seconds))).isEqualTo(text);
    }
}
