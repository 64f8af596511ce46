package pm.daemon.engine;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class ViewsTest {
    @Test
    void timesReadExactlyAsInstantWritesThem() {
        long[] edges = {0, 1, 999, 1000, 59_999, 86_399_999, 86_400_000, -1, -86_400_001, 951_782_400_000L /* 2000-02-29 */,
                1_795_676_750_120L, 1_795_676_750_000L, 1_795_676_750_100L, 253_402_300_799_999L /* 9999-12-31 */};
        for (long t : edges) assertThat(Views.instant(t)).as("%d", t).isEqualTo(Instant.ofEpochMilli(t).toString());
        var random = new SplittableRandom(5);
        for (int i = 0; i < 10_000; i++) {
            long t = random.nextLong(-10_000_000_000_000L, 253_402_300_800_000L);
            assertThat(Views.instant(t)).as("%d", t).isEqualTo(Instant.ofEpochMilli(t).toString());
        }
    }
}
