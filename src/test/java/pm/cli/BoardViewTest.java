package pm.cli;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** pm top's screen: its size exactly, no line past the width, and the columns that give way first. */
class BoardViewTest {
    private static final Pattern ANSI = Pattern.compile("\033\\[[0-9;]*m");

    static List<String> plain(List<String> lines) {
        return lines.stream().map(l -> ANSI.matcher(l).replaceAll("")).toList();
    }

    static List<String> render(Board b, int width, int height) {
        var lines = new BoardView(width, height, true).render(b, "12:34:56");
        assertThat(lines).hasSize(height);
        var text = plain(lines);
        for (String l : text) assertThat(l.length()).as(l).isLessThanOrEqualTo(width);
        return text;
    }

    @Test
    void sixtyColumnsShowEveryAppWithStateCpuMemoryAndTheirSparklines() {
        var b = BoardTest.board();
        var screen = render(b, 60, 15);
        assertThat(screen.get(0)).startsWith("pm top  3 apps, 1 running").endsWith("12:34:56");
        assertThat(screen.get(1)).contains("ID", "NAME", "STATE", "CPU", "MEM").doesNotContain("HEALTH");
        assertThat(screen.get(2)).startsWith("▶  0 web").contains("running", "12.5%", "45.0M", "▁█▂", "▁█");
        assertThat(screen.get(3)).startsWith("   1 worker").contains("stopped");
        assertThat(screen.get(4)).contains("web-admin", "fatal");
        assertThat(screen.get(14)).contains("r restart", "s stop/start", "l logs", "/ filter", "q quit");
        // The selected row is drawn in reverse video across the whole width.
        var raw = new BoardView(60, 15, true).render(b, "12:34:56");
        assertThat(raw.get(2)).startsWith("\033[7m");
        assertThat(ANSI.matcher(raw.get(2)).replaceAll("")).hasSize(60);
    }

    @Test
    void sixtyColumnsShowThePidTooWhileTheNamesAreShort() {
        var b = new Board();
        b.update(List.of(BoardTest.app(0, "alpha", "running", 4194304), BoardTest.app(1, "beta", "running", 100)));
        var screen = render(b, 60, 15);
        assertThat(screen.get(1)).contains("ID", "NAME", "STATE", "PID", "CPU", "MEM").doesNotContain("UPTIME");
        assertThat(screen.get(2)).contains("4194304", "▁█▂");
        assertThat(render(BoardTest.board(), 60, 15).get(1)).as("web-admin: the sparklines keep their room").doesNotContain("PID");
    }

    @Test
    void aWideTerminalShowsPidUptimeRestartsAndHealthToo() {
        var screen = render(BoardTest.board(), 120, 12);
        assertThat(screen.get(1)).contains("PID", "UPTIME", "↺", "HEALTH");
        assertThat(screen.get(2)).contains(" 100 ", "1m");
    }

    @Test
    void theMessageLineSaysWhatARequestDidElseWhyTheSelectedAppIsDown() {
        var b = BoardTest.board();
        BoardTest.press(b, "end");
        assertThat(render(b, 80, 10).get(8)).isEqualTo("web-admin: crashed 10 times in a row; start it again when fixed");
        b.say("web: restarted, running (pid 7)");
        assertThat(render(b, 80, 10).get(8)).isEqualTo("web: restarted, running (pid 7)");
    }

    @Test
    void belowFortyByTenOneLineSaysSo() {
        var screen = render(BoardTest.board(), 39, 20);
        assertThat(screen.get(0)).isEqualTo("needs 40x10, has 39x20");
        assertThat(screen.subList(1, 20)).allMatch(String::isEmpty);
        assertThat(BoardView.tooSmall(30, 8)).isEqualTo("the terminal is 30x8; pm top needs at least 40x10 (columns x rows)");
        assertThat(BoardView.fits(40, 10)).isTrue();
        assertThat(BoardView.fits(40, 9)).isFalse();
    }

    @Test
    void theFilterIsShownAsItIsTypedAndAnEmptyMatchSaysSo() {
        var b = BoardTest.board();
        BoardTest.press(b, "/", "z", "z");
        var screen = render(b, 60, 12);
        assertThat(screen.get(0)).contains("0 shown by /zz");
        assertThat(screen.get(2)).isEqualTo("  no app matches /zz");
        assertThat(screen.get(11)).startsWith("/zz█").contains("Enter keep", "Esc clear");
    }

    @Test
    void theLogViewShowsBothFilesLastLinesAndTheirPaths() {
        var b = BoardTest.board();
        BoardTest.press(b, "l");
        b.tails(List.of("out 1", "out 2", "out 3", "out 4", "out 5", "out 6", "out 7", "out 8"), List.of("err 1"));
        var screen = render(b, 60, 12);
        assertThat(screen.get(0)).startsWith("logs of web  running, pid 100");
        assertThat(screen.get(1)).isEqualTo("stdout  /tmp/web.out.log");
        assertThat(screen.subList(2, 8)).containsExactly("out 3", "out 4", "out 5", "out 6", "out 7", "out 8");
        assertThat(screen.get(8)).isEqualTo("stderr  /tmp/web.err.log");
        assertThat(screen.get(9)).isEqualTo("err 1");
        assertThat(screen.get(11)).startsWith("Esc back");
        b.tails(List.of(), List.of());
        assertThat(render(b, 60, 12)).contains("(empty)");
    }

    @Test
    void noAppsSaysHowToRegisterOne() {
        var screen = render(new Board(), 100, 10);
        assertThat(screen.get(2)).contains("no processes registered");
    }
}
