package pm.cli;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** pm top's keys: what they select, filter and show, and the request each asks the daemon for. */
class BoardTest {
    static Board.App app(int id, String name, String state, long pid) {
        var m = new LinkedHashMap<String, Object>();
        m.put("id", (long) id);
        m.put("name", name);
        m.put("type", "python");
        m.put("state", state);
        m.put("pid", pid == 0 ? null : pid);
        m.put("uptime_ms", pid == 0 ? null : 90_000L);
        m.put("restarts", 1L);
        m.put("cpu_percent", pid == 0 ? null : 12.5);
        m.put("memory_bytes", pid == 0 ? null : 45L << 20);
        m.put("health", "none");
        m.put("reason", state.equals("fatal") ? "crashed 10 times in a row; start it again when fixed" : "");
        m.put("out_log", "/tmp/" + name + ".out.log");
        m.put("err_log", "/tmp/" + name + ".err.log");
        m.put("recent_cpu_percent", List.of(1.0, 50.0, 12.5));
        m.put("recent_memory_bytes", List.of(40L << 20, 45L << 20));
        return Board.App.fromJson(m);
    }

    static Board board() {
        var b = new Board();
        b.update(List.of(app(0, "web", "running", 100), app(1, "worker", "stopped", 0), app(2, "web-admin", "fatal", 0)));
        return b;
    }

    static List<Board.Request> press(Board b, String... keys) {
        var requests = new ArrayList<Board.Request>();
        for (String k : keys) {
            var r = b.press(k);
            if (r != null) requests.add(r);
        }
        return requests;
    }

    @Test
    void theFirstAppIsSelectedAndArrowsOrJkMoveWithinTheList() {
        var b = board();
        assertThat(b.selected().name()).isEqualTo("web");
        press(b, "down", "j");
        assertThat(b.selected().name()).isEqualTo("web-admin");
        press(b, "down");
        assertThat(b.selected().name()).as("stays on the last").isEqualTo("web-admin");
        press(b, "k", "home");
        assertThat(b.selected().name()).isEqualTo("web");
        press(b, "end");
        assertThat(b.selected().name()).isEqualTo("web-admin");
    }

    @Test
    void theSelectionFollowsItsAppByNameAcrossRefreshesAndMovesOnWhenItLeaves() {
        var b = board();
        press(b, "down");
        b.update(List.of(app(5, "new", "running", 7), app(1, "worker", "running", 8)));
        assertThat(b.selected().name()).isEqualTo("worker");
        b.update(List.of(app(5, "new", "running", 7)));
        assertThat(b.selected().name()).isEqualTo("new");
        b.update(List.of());
        assertThat(b.selected()).isNull();
        assertThat(press(b, "r", "s", "l")).isEmpty();
    }

    @Test
    void rRestartsAndSStopsARunningAppOrStartsAStoppedOneOneRequestAtATime() {
        var b = board();
        assertThat(press(b, "r")).containsExactly(new Board.Request("restart", "web"));
        assertThat(b.message()).isEqualTo("restarting web ...");
        assertThat(press(b, "s", "r")).as("web waits for its answer").isEmpty();
        assertThat(b.message()).contains("still waiting");
        b.finished("web", "web: restarted, running (pid 101)");
        assertThat(b.message()).isEqualTo("web: restarted, running (pid 101)");
        assertThat(press(b, "s")).containsExactly(new Board.Request("stop", "web"));
        assertThat(press(b, "down", "s")).containsExactly(new Board.Request("start", "worker"));
        assertThat(press(b, "down", "s")).as("a fatal app is started again").containsExactly(new Board.Request("start", "web-admin"));
    }

    @Test
    void slashFiltersByNameAsItIsTypedEnterKeepsItEscDropsIt() {
        var b = board();
        press(b, "/", "w", "e", "b");
        assertThat(b.mode()).isEqualTo(Board.Mode.FILTER);
        assertThat(b.shown()).extracting(Board.App::name).containsExactly("web", "web-admin");
        press(b, "-", "A");
        assertThat(b.shown()).extracting(Board.App::name).as("any case").containsExactly("web-admin");
        assertThat(b.selected().name()).isEqualTo("web-admin");
        assertThat(press(b, "r", "q")).as("typed into the filter, not keys").isEmpty();
        assertThat(b.quitting()).isFalse();
        assertThat(b.filter()).isEqualTo("web-Arq");
        press(b, "backspace", "backspace", "enter");
        assertThat(b.mode()).isEqualTo(Board.Mode.TABLE);
        assertThat(b.filter()).isEqualTo("web-A");
        press(b, "esc");
        assertThat(b.filter()).isEmpty();
        assertThat(b.shown()).hasSize(3);
        press(b, "/", "x", "esc");
        assertThat(b.filter()).isEmpty();
        assertThat(b.mode()).isEqualTo(Board.Mode.TABLE);
    }

    @Test
    void lShowsTheSelectedAppsLogsAndEscOrQGoBack() {
        var b = board();
        press(b, "down", "l");
        assertThat(b.mode()).isEqualTo(Board.Mode.LOGS);
        assertThat(press(b, "r")).containsExactly(new Board.Request("restart", "worker"));
        press(b, "esc");
        assertThat(b.mode()).isEqualTo(Board.Mode.TABLE);
        press(b, "enter", "q");
        assertThat(b.mode()).isEqualTo(Board.Mode.TABLE);
        assertThat(b.quitting()).isFalse();
        press(b, "l");
        b.update(List.of(app(0, "web", "running", 100)));
        assertThat(b.mode()).as("its app is gone: back to the table, not another app's logs").isEqualTo(Board.Mode.TABLE);
    }

    @Test
    void anAnswersLineGoesWhenTheViewChangesOnceNoRequestIsUnderWay() {
        var b = board();
        press(b, "s");
        b.finished("web", "web: stopped");
        press(b, "l");
        assertThat(b.message()).as("the table's last answer, not this log's").isEmpty();
        press(b, "s");
        press(b, "esc");
        assertThat(b.message()).as("a request under way keeps its line").isEqualTo("stopping web ...");
        press(b, "l");
        b.finished("web", "web: running (pid 7)");
        assertThat(b.message()).isEqualTo("web: running (pid 7)");
        press(b, "esc");
        assertThat(b.message()).as("back to the table").isEmpty();
    }

    @Test
    void qQuitsFromTheTableAndCtrlCOrTheEndOfInputFromAnywhere() {
        var b = board();
        press(b, "q");
        assertThat(b.quitting()).isTrue();
        for (String mode : List.of("/", "l")) {
            for (String key : List.of("ctrl-c", "eof")) {
                var c = board();
                press(c, mode, key);
                assertThat(c.quitting()).as(mode + " " + key).isTrue();
            }
        }
    }

    @Test
    void anEntryOfAStatusReplyWithRecentCarriesItsSamples() {
        var a = app(3, "api", "running", 42);
        assertThat(a.cpu()).containsExactly(1.0, 50.0, 12.5);
        assertThat(a.memory()).containsExactly(40L << 20, 45L << 20);
        assertThat(Board.App.fromJson(Map.of("name", "old", "state", "running")).cpu()).isEmpty();
    }
}
