package pm.cli;

import org.junit.jupiter.api.Test;
import pm.cli.CommandLine.Command;
import pm.core.ErrorCode;
import pm.core.PmException;
import pm.logs.Stamps;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How {@code pm logs} reads its command line, and the prefix it puts before a line. */
class LogsTest {
    static final Command LOGS = new Command("logs", "logs [NAME...]", "Show logs", Logs.options(), 0, Integer.MAX_VALUE,
            false, "", p -> 0);
    static final long NOW = 1_000_000_000_000L;

    static String ask(String... words) {
        return Logs.ask(CommandLine.parse(LOGS, List.of(words)), NOW).toString();
    }

    static void assertFails(ErrorCode code, String message, String... words) {
        assertThatThrownBy(() -> ask(words))
                .isInstanceOfSatisfying(PmException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessageContaining(message);
    }

    @Test
    void noNameOrAllMeansEveryAppWithTheLast20LinesOfBothStreams() {
        assertThat(ask()).isEqualTo("Ask[names=[], follow=false, tail=20, since=" + Stamps.NONE + ", grep=null, out=true, err=true]");
        assertThat(ask("all")).contains("names=[all]");
    }

    @Test
    void severalNamesInTheirOrderOnceEach() {
        assertThat(ask("web", "worker", "web", "3")).contains("names=[web, worker, 3]");
    }

    @Test
    void theShortFlagsOfTailAndPm2() {
        assertThat(ask("web", "-f")).contains("follow=true");
        assertThat(ask("-f", "web")).contains("names=[web], follow=true");
        assertThat(ask("web", "-n", "5")).contains("names=[web]", "tail=5");
        assertThat(ask("web", "-n7")).contains("tail=7");
        assertThat(ask("web", "--lines", "8")).contains("tail=8");
        assertThat(ask("web", "--tail", "9", "--follow")).contains("tail=9", "follow=true");
    }

    @Test
    void outOrErrChoosesOneStreamAndBothMeansBoth() {
        assertThat(ask("--out")).contains("out=true, err=false");
        assertThat(ask("--err")).contains("out=false, err=true");
        assertThat(ask("--out", "--err")).contains("out=true, err=true");
    }

    @Test
    void sinceWithoutTailShowsEveryLineSinceThen() {
        assertThat(ask("--since", "10m")).contains("tail=-1", "since=" + (NOW - 600_000));
        assertThat(ask("--since", "10m", "-n", "3")).contains("tail=3");
    }

    @Test
    void badInputSaysWhatToType() {
        assertFails(ErrorCode.USAGE, "unknown flag -x for pm logs", "-x");
        assertFails(ErrorCode.USAGE, "-n needs a value", "web", "-n");
        assertFails(ErrorCode.INVALID, "bad --tail 'many'", "-n", "many");
        assertFails(ErrorCode.INVALID, "bad --grep '(oops': Unclosed group", "--grep", "(oops");
        assertFails(ErrorCode.INVALID, "bad --since 'soon'", "--since", "soon");
        assertFails(ErrorCode.INVALID, "name", "../etc");
    }

    @Test
    void aPrefixNamesTheAppAndTheStreamAlignedAndColouredOnlyWhenAsked() {
        assertThat(new String(ShownLog.prefix("web", false, 6, false), StandardCharsets.UTF_8)).isEqualTo("web    | ");
        assertThat(new String(ShownLog.prefix("web", true, 6, false), StandardCharsets.UTF_8)).isEqualTo("web    ! ");
        String coloured = new String(ShownLog.prefix("web", true, 3, true), StandardCharsets.UTF_8);
        assertThat(coloured).startsWith("\033[").contains("web").endsWith("\033[0m ");
        assertThat(ShownLog.prefix("web", false, 3, true)).as("the same colour every time").isEqualTo(ShownLog.prefix("web", false, 3, true));
    }
}
