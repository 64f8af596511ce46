package pm.cli;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Sparklines: newest on the right, blanks where there is no sample yet, scaled as pm top's columns need. */
class SparklineTest {
    @Test
    void cpuIsScaledToItsPeakAndASeriesShorterThanTheWidthStartsWithBlanks() {
        assertThat(Sparkline.cpu(List.of(0.0, 50.0, 100.0), 5, true)).isEqualTo("  ▁▄█");
        assertThat(Sparkline.cpu(List.of(10.0, 20.0), 2, true)).isEqualTo("▄█");
    }

    @Test
    void anIdleAppsNoiseStaysLowBelowFivePercent() {
        assertThat(Sparkline.cpu(List.of(1.0, 1.0, 0.5), 3, true)).isEqualTo("▂▂▁");
        assertThat(Sparkline.cpu(List.of(0.0, 0.0), 2, true)).isEqualTo("▁▁");
    }

    @Test
    void onlyTheLastSamplesThatFitAreDrawnAndScaled() {
        var many = new ArrayList<Double>();
        for (int i = 0; i < 40; i++) many.add(i < 30 ? 100.0 : 10.0);
        // The peak of 100 is out of the window of 10: the 10s fill the row.
        assertThat(Sparkline.cpu(many, 10, true)).isEqualTo("██████████");
        assertThat(Sparkline.cpu(many, 12, true)).hasSize(12).startsWith("██▁");
    }

    @Test
    void memoryShowsItsSlopeBetweenLowAndHighAndAFlatSeriesAtMidHeight() {
        assertThat(Sparkline.memory(List.of(100L << 20, 200L << 20, 300L << 20), 3, true)).isEqualTo("▁▄█");
        assertThat(Sparkline.memory(List.of(100L << 20, (100L << 20) + 4096, 100L << 20), 3, true)).isEqualTo("▄▄▄");
        assertThat(Sparkline.memory(List.of(), 4, true)).isEqualTo("    ");
    }

    @Test
    void withoutUtf8TheBarsAreAscii() {
        assertThat(Sparkline.cpu(List.of(0.0, 50.0, 100.0), 3, false)).isEqualTo("_=@");
    }
}
