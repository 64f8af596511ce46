package pm.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;

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
        "0, 0",
        "0.0, 0",
        "1.5s, 1500",
        "0.5s, 500",
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
                .hasMessage("'" + text + "' is not a duration: write it like 500ms, 5s, 2m or 1h");
    }

    /** PM2 counts milliseconds where pm would count seconds: a bare number is asked about, not guessed. */
    @ParameterizedTest
    @CsvSource({"3000, 3000ms or 3000s?", "' 3 ', 3ms or 3s?", "0.5, 0.5ms or 0.5s?", "1, 1ms or 1s?"})
    void aDurationWithoutItsUnitShowsBothReadings(String text, String readings) {
        assertThatThrownBy(() -> Units.parseDuration(text))
                .isInstanceOfSatisfying(PmException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID))
                .hasMessage(text.strip() + " needs a unit: " + readings);
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
        "0, 0",
        "0K, 0",
        "100B, 100",
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
    @ValueSource(strings = {"", "M", "MB", "abc", "-1M", "+5M", "1.5G", "10T", "10X", "99999999999999G", "10 M"})
    void rejectsBadSizesWithAHint(String text) {
        assertThatThrownBy(() -> Units.parseSize(text))
                .isInstanceOfSatisfying(PmException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID))
                .hasMessage("'" + text + "' is not a size: write it like 512K, 10M or 1G");
    }

    @ParameterizedTest
    @CsvSource({"200, 200K or 200M?", "' 1 ', 1K or 1M?"})
    void aSizeWithoutItsUnitShowsBothReadings(String text, String readings) {
        assertThatThrownBy(() -> Units.parseSize(text))
                .isInstanceOfSatisfying(PmException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID))
                .hasMessage(text.strip() + " needs a unit: " + readings);
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "100, 100B", "1024, 1K", "1536, 1536B", "209715200, 200M", "1572864, 1536K", "1073741824, 1G",
            "3221225472, 3G", "1073741825, 1073741825B"})
    void exactSizesUseTheLargestUnitThatWritesThemExactly(long bytes, String text) {
        assertThat(Units.formatSizeExact(bytes)).isEqualTo(text);
        assertThat(Units.parseSize(text)).isEqualTo(bytes);
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

    @Test
    void oneDecimalPrintsWhatTheFormatterPrints() {
        var random = new java.util.Random(42);
        var values = new java.util.ArrayList<Double>(List.of(0.0, -0.0, 0.05, 0.15, 0.25, 0.95, 9.95, 99.95, 0.001, 0.0009,
                1.0E-5, 123.45, 1234567.85, 9999999.95, 1.0E7, 3.0E12, -1.5, Double.NaN, Double.POSITIVE_INFINITY));
        for (int i = 0; i < 20_000; i++) {
            values.add(random.nextInt(2001) / 10.0);            // what the daemon sends: already tenths
            values.add(random.nextDouble() * 400);              // any CPU percentage
            values.add(random.nextLong(1L << 40) / (double) (1L << 20)); // a size in MiB
        }
        for (double v : values)
            assertThat(Units.oneDecimal(v)).as("%s", v).isEqualTo(String.format(java.util.Locale.ROOT, "%.1f", v));
    }
}
