package pm.logs;

import org.junit.jupiter.api.Test;
import pm.core.PmException;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StampsTest {
    static long at(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return Stamps.at(b, 0, b.length);
    }

    static long local(int y, int mo, int d, int h, int mi, int s, int ms) {
        return LocalDateTime.of(y, mo, d, h, mi, s, ms * 1_000_000).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
    }

    @Test
    void readsTheCommonFormsAtTheStartOfALine() {
        long t = local(2026, 12, 6, 10, 11, 12, 0);
        assertThat(at("2026-12-06 10:11:12 started")).isEqualTo(t);
        assertThat(at("2026-12-06T10:11:12 started")).isEqualTo(t);
        assertThat(at("2026/12/06 10:11:12 listening")).isEqualTo(t);
        assertThat(at("[2026-12-06 10:11:12] GET /")).isEqualTo(t);
        assertThat(at("2026-12-06 10:11:12,345 INFO x")).isEqualTo(t + 345);
        assertThat(at("2026-12-06 10:11:12.3 x")).isEqualTo(t + 300);
        assertThat(at("2026-12-06 10:11 x")).isEqualTo(local(2026, 12, 6, 10, 11, 0, 0));
    }

    @Test
    void aZoneIsHonoured() {
        long utc = java.time.Instant.parse("2026-12-06T10:11:12Z").toEpochMilli();
        assertThat(at("2026-12-06T10:11:12Z x")).isEqualTo(utc);
        assertThat(at("2026-12-06T10:11:12.500Z")).isEqualTo(utc + 500);
        assertThat(at("2026-12-06T11:11:12+01:00 x")).isEqualTo(utc);
        assertThat(at("2026-12-06T05:11:12-0500 x")).isEqualTo(utc);
    }

    @Test
    void otherLinesHaveNone() {
        for (String line : new String[]{"", "hello", "  at pm.Main", "12345678901234567890", "2026-12-06", "2026-13-06 10:11:12",
                "2026-02-30 10:11:12", "2026-12-06 25:11:12", "Dec  6 10:11:12 host", "10.0.0.1 - - [06/Dec/2026:10:11:12 +0000]"})
            assertThat(at(line)).as(line).isEqualTo(Stamps.NONE);
    }

    @Test
    void sinceTakesADurationATimeTodayOrADate() {
        long now = 1_000_000_000_000L;
        assertThat(Stamps.since("10m", now)).isEqualTo(now - 600_000);
        assertThat(Stamps.since("2h", now)).isEqualTo(now - 7_200_000);
        assertThat(Stamps.since("30s", now)).isEqualTo(now - 30_000);
        assertThat(Stamps.since("1d", now)).isEqualTo(now - 86_400_000);
        assertThat(Stamps.since("2026-12-06 10:11", now)).isEqualTo(local(2026, 12, 6, 10, 11, 0, 0));
        assertThat(Stamps.since("2026-12-06T10:11:12Z", now)).isEqualTo(java.time.Instant.parse("2026-12-06T10:11:12Z").toEpochMilli());
        assertThat(Stamps.since("2026-12-06", now)).isEqualTo(local(2026, 12, 6, 0, 0, 0, 0));
        var today = java.time.LocalDate.now();
        assertThat(Stamps.since("09:30", now)).isEqualTo(local(today.getYear(), today.getMonthValue(), today.getDayOfMonth(), 9, 30, 0, 0));
    }

    @Test
    void aBadSinceSaysWhatItTakes() {
        for (String bad : new String[]{"yesterday", "10", "", "25:00", "-5m"})
            assertThatThrownBy(() -> Stamps.since(bad, 0)).as(bad).isInstanceOf(PmException.class).hasMessageContaining("bad --since");
    }
}
