package pm.daemon;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FootprintTest {
    private static final long MIB = 1L << 20;

    @Test
    void aHeapThatGrewPastTheMarginIsCollected() {
        assertThat(Footprint.due(64 * MIB, 8 * MIB)).isTrue();
        assertThat(Footprint.due(13 * MIB, 8 * MIB)).isTrue();
    }

    @Test
    void aHeapThatStayedNearItsSizeAfterTheLastCollectionIsLeftAlone() {
        assertThat(Footprint.due(8 * MIB, 8 * MIB)).isFalse();
        assertThat(Footprint.due(12 * MIB, 8 * MIB)).isFalse();
        assertThat(Footprint.due(6 * MIB, 8 * MIB)).isFalse();
    }
}
