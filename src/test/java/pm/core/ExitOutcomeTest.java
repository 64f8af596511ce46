package pm.core;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ExitOutcomeTest {

    record Row(ExitOutcome outcome, boolean failure, boolean never, boolean onFailure, boolean always, boolean unlessStopped) {}

    static final List<Row> TABLE = List.of(
            //                                                 failure never  on-fail always unless
            new Row(new ExitOutcome.Exited(0),                   false, false, false, true, true),
            new Row(new ExitOutcome.Exited(1),                   true,  false, true,  true, true),
            new Row(new ExitOutcome.Exited(255),                 true,  false, true,  true, true),
            new Row(new ExitOutcome.Signalled(9, false),         true,  false, true,  true, true),
            new Row(new ExitOutcome.Signalled(15, false),        true,  false, true,  true, true),
            new Row(new ExitOutcome.Signalled(15, true),         false, false, false, true, true),
            new Row(new ExitOutcome.Signalled(9, true),          false, false, false, true, true),
            new Row(new ExitOutcome.FailedToStart("no such file"), true, false, true, true, true));

    @Test
    void isFailureAndRestartsAfterFollowTheTable() {
        for (var row : TABLE) {
            assertThat(row.outcome().isFailure()).as("isFailure of %s", row.outcome()).isEqualTo(row.failure());
            assertThat(RestartPolicy.NEVER.restartsAfter(row.outcome())).as("never, %s", row.outcome()).isEqualTo(row.never());
            assertThat(RestartPolicy.ON_FAILURE.restartsAfter(row.outcome())).as("on-failure, %s", row.outcome()).isEqualTo(row.onFailure());
            assertThat(RestartPolicy.ALWAYS.restartsAfter(row.outcome())).as("always, %s", row.outcome()).isEqualTo(row.always());
            assertThat(RestartPolicy.UNLESS_STOPPED.restartsAfter(row.outcome())).as("unless-stopped, %s", row.outcome()).isEqualTo(row.unlessStopped());
        }
    }

    @Test
    void describesEachOutcome() {
        assertThat(new ExitOutcome.Exited(3).describe()).isEqualTo("exited with status 3");
        assertThat(new ExitOutcome.Signalled(9, false).describe()).isEqualTo("killed by SIGKILL");
        assertThat(new ExitOutcome.Signalled(15, true).describe()).isEqualTo("killed by SIGTERM (sent by pm)");
        assertThat(new ExitOutcome.FailedToStart("boom").describe()).isEqualTo("failed to start: boom");
    }

    @Test
    void serialisesEachOutcomeWithAKind() {
        assertThat(new ExitOutcome.Exited(3).toJson()).isEqualTo(Map.of("kind", "exited", "code", 3));
        assertThat(new ExitOutcome.Signalled(9, true).toJson()).isEqualTo(Map.of("kind", "signalled", "signal", "SIGKILL"));
        assertThat(new ExitOutcome.FailedToStart("boom").toJson()).isEqualTo(Map.of("kind", "failed-to-start", "reason", "boom"));
    }
}
