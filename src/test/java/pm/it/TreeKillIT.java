package pm.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static pm.it.Pm.await;
import static pm.it.Pm.seconds;

/** A stop leaves nothing of the app's process tree behind, including what a shell script started in the background. */
class TreeKillIT {
    final Pm pm = new Pm();

    @AfterEach
    void tearDown() {
        pm.close();
    }

    private List<Long> startTree(String name, boolean ignoreTerm, String... extra) {
        Path pids = pm.file(name + ".pids");
        var args = new java.util.ArrayList<>(List.of("register", pm.fixture("tree.sh").toString(), "--name", name));
        args.addAll(List.of(extra));
        args.addAll(List.of("--", pids.toString(), ignoreTerm ? "1" : "0"));
        pm.ok(args.toArray(String[]::new));
        pm.ok("start", name);
        await("the tree is up", seconds(10), () -> Files.exists(Path.of(pids + ".ready")));
        try {
            List<Long> all = Files.readAllLines(pids).stream().map(Long::parseLong).toList();
            assertThat(all).allMatch(Pm::alive);
            return all;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void stopKillsBackgroundChildrenAndGrandchildren() {
        var pids = startTree("tree", false);
        assertThat(pids).hasSizeGreaterThanOrEqualTo(4);
        assertThat(pm.ok("stop", "tree")).contains("tree: stopped");
        // stop returns once the whole tree is gone: no waiting needed here.
        assertThat(pids).noneMatch(Pm::alive);
    }

    @Test
    void aChildThatIgnoresSigtermIsKilledAfterTheKillTimeout() {
        var pids = startTree("stubborn", true, "--kill-timeout", "500ms");
        long started = System.nanoTime();
        assertThat(pm.ok("stop", "stubborn")).contains("stubborn: stopped");
        assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(450);
        assertThat(pids).noneMatch(Pm::alive);
        assertThat(pm.status("stubborn").get("reason")).asString().contains("SIGKILL");
    }

    @Test
    void forceKillsAtOnce() {
        var pids = startTree("forced", true, "--kill-timeout", "30s");
        long started = System.nanoTime();
        assertThat(pm.ok("stop", "forced", "--force")).contains("forced: stopped");
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(10_000);
        assertThat(pids).noneMatch(Pm::alive);
    }

    @Test
    void leftoversOfAnAppThatExitedByItselfAreCleanedUp() {
        // Kill only the leader: its background children remain in its group until pm cleans up.
        var pids = startTree("orphans", false, "--restart-policy", "never");
        long leader = pm.pid("orphans");
        ProcessHandle.of(leader).orElseThrow().destroyForcibly();
        await("the app is exited", seconds(10), () -> pm.state("orphans").equals("exited"));
        await("its group is gone", seconds(5), () -> pids.stream().noneMatch(Pm::alive));
    }

    @Test
    void stopAllStopsEveryAppInParallel() {
        // Each app ignores SIGTERM and needs its whole 1s kill timeout: one at a time would take 5s.
        for (int i = 0; i < 5; i++) {
            pm.ok("register", pm.fixture("stubborn.sh").toString(), "--name", "s" + i, "--kill-timeout", "1s");
        }
        pm.ok("start", "--all");
        var pids = new java.util.ArrayList<Long>();
        for (int i = 0; i < 5; i++) pids.add(pm.pid("s" + i));
        long started = System.nanoTime();
        assertThat(pm.ok("stop", "--all")).contains("s0: stopped").contains("s4: stopped");
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(3500);
        assertThat(pids).noneMatch(Pm::alive);
    }
}
