package pm.daemon.procfs;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The mark a run carries in its environment, and which marked process a daemon takes for a run. */
class RunMarkTest {
    private static RunMark.Found found(long pid, long startTime, long serial, int app) {
        return found(pid, startTime, serial, app, 0);
    }

    private static RunMark.Found found(long pid, long startTime, long serial, int app, int copy) {
        return new RunMark.Found(pid, startTime, serial, app, copy, "", "");
    }

    @Test
    void theValueHasASerialOfSixteenHexDigitsTheAppTheCopyAndTheHome() {
        assertThat(RunMark.value(0x1abL, 3, 0, "/root/.pm")).isEqualTo("00000000000001ab:3:0:/root/.pm");
        assertThat(RunMark.value(1_796_559_786_669_000L, 12, 7, "/h")).hasSize(16 + ":12:7:/h".length());
    }

    @Test
    void aMarkIsReadWithItsCopyAndOneWithoutIsCopyZeros() {
        var mark = new RunMark("/h:x");
        assertThat(mark.parse(5, 6, "00000000000001ab:3:2:/h:x", "s")).isEqualTo(new RunMark.Found(5, 6, 0x1ab, 3, 2, "s", ""));
        assertThat(mark.parse(5, 6, "00000000000001ab:3:/h:x", "s")).isEqualTo(new RunMark.Found(5, 6, 0x1ab, 3, 0, "s", ""));
        assertThat(mark.parse(5, 6, "00000000000001ab:3:2:/other", "s")).as("another home's").isNull();
        assertThat(mark.parse(5, 6, "1ab:3:2:/h:x", "s")).isNull();
        assertThat(mark.parse(5, 6, "00000000000001ab:3:two:/h:x", "s")).isNull();
    }

    @Test
    void anEntryIsFoundWholeAndOnlyAtTheStartOfAVariable() {
        byte[] env = "XPM_RUN_ID=no\0PATH=/bin\0PM_RUN_ID=00000000000001ab:3:/h\0A=1".getBytes(StandardCharsets.UTF_8);
        assertThat(RunMark.entry(env, "PM_RUN_ID=".getBytes(StandardCharsets.US_ASCII))).isEqualTo("00000000000001ab:3:/h");
        assertThat(RunMark.entry(env, "A=".getBytes(StandardCharsets.US_ASCII))).isEqualTo("1");
        assertThat(RunMark.entry(env, "B=".getBytes(StandardCharsets.US_ASCII))).isNull();
    }

    @Test
    void theNewestRunWinsAndOfItsLeadersTheFirstStarted() {
        var leader = found(500, 100, 9, 1);
        var escaped = found(510, 100, 9, 1); // a setsid child started in the same tick
        var older = found(400, 50, 8, 1); // what an older run left
        var other = found(600, 120, 10, 2);
        var best = RunMark.newest(List.of(escaped, older, other, leader), Set.of());
        assertThat(best.get(RunMark.key(1, 0))).isEqualTo(leader);
        assertThat(best.get(RunMark.key(2, 0))).isEqualTo(other);
    }

    @Test
    void eachCopyOfAnAppHasItsNewestRun() {
        var first = found(500, 100, 9, 1, 0);
        var second = found(501, 100, 10, 1, 1);
        var third = found(502, 100, 11, 1, 2);
        var best = RunMark.newest(List.of(third, second, first), Set.of());
        assertThat(best).hasSize(3);
        assertThat(best.get(RunMark.key(1, 0))).isEqualTo(first);
        assertThat(best.get(RunMark.key(1, 1))).isEqualTo(second);
        assertThat(best.get(RunMark.key(1, 2))).isEqualTo(third);
    }

    @Test
    void aRunTheRunFileAccountsForIsLeftOut() {
        var recorded = found(500, 100, 9, 1);
        assertThat(RunMark.newest(List.of(recorded), Set.of(9L))).isEmpty();
    }

    @Test
    void aScanFindsNothingOfAHomeNoRunCarries() {
        assertThat(new RunMark("/no/such/pm/home").scan()).isEmpty();
    }
}
