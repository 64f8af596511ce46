package pm.it;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * A terminal for tests: a tmux server of its own (its own socket name, no config file) with one pane of a
 * fixed size running a plain bash whose prompt is {@value #PROMPT}, in the checkout, with the given
 * environment. Keys go in with send-keys, the screen comes out with capture-pane. Closing it kills that
 * server only.
 */
final class Tmux implements AutoCloseable {
    static final String PROMPT = "READY$ ";
    private final String server = "pm-it-" + UUID.randomUUID().toString().substring(0, 8);

    static boolean installed() {
        try {
            return new ProcessBuilder("tmux", "-V").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    Tmux(int columns, int rows, Map<String, String> env) {
        var cmd = new ArrayList<>(List.of("tmux", "-u", "-L", server, "-f", "/dev/null", "new-session", "-d", "-s", "main",
                "-x", String.valueOf(columns), "-y", String.valueOf(rows), "-c", Pm.ROOT.toString(), "env", "PS1=" + PROMPT, "LANG=C.UTF-8"));
        env.forEach((k, v) -> cmd.add(k + "=" + v));
        cmd.addAll(List.of("bash", "--norc", "--noprofile"));
        tmux(cmd);
        awaitScreen("the shell's prompt", s -> s.contains(PROMPT.strip()));
    }

    /** Types a line into the shell and presses Enter. */
    void type(String line) {
        tmux(List.of("tmux", "-L", server, "send-keys", "-t", "main", "-l", line));
        keys("Enter");
    }

    /** Presses keys by tmux's names: Down, Escape, C-c, or characters. */
    void keys(String... keys) {
        var cmd = new ArrayList<>(List.of("tmux", "-L", server, "send-keys", "-t", "main"));
        cmd.addAll(List.of(keys));
        tmux(cmd);
    }

    /** Resizes the terminal, as a person dragging its window would. */
    void resizeTo(int columns, int rows) {
        tmux(List.of("tmux", "-L", server, "resize-window", "-t", "main", "-x", String.valueOf(columns), "-y", String.valueOf(rows)));
    }

    /** What the pane shows now, one line per row, trailing blanks dropped. */
    String screen() {
        return tmux(List.of("tmux", "-L", server, "capture-pane", "-p", "-t", "main"));
    }

    /** A tmux format about the pane: #{alternate_on} is 1 on the alternate screen, #{cursor_flag} 1 when the cursor shows. */
    String pane(String format) {
        return tmux(List.of("tmux", "-L", server, "display-message", "-p", "-t", "main", format)).strip();
    }

    /** Waits (15 s at most) until the screen satisfies the condition, and returns that screen; on a timeout, fails showing the last one. */
    String awaitScreen(String what, Predicate<String> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = screen();
            if (condition.test(last)) return last;
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("timed out waiting for " + what + "; the screen:\n" + last);
    }

    /** The screen as a person would read it, framed, for the test's output. */
    static String framed(String title, String screen) {
        var sb = new StringBuilder("---- " + title + "\n");
        for (String line : screen.split("\n", -1)) sb.append('|').append(line).append('\n');
        return sb.append("----").toString();
    }

    private static String tmux(List<String> cmd) {
        return Unpacked.tool(cmd.toArray(String[]::new));
    }

    @Override
    public void close() {
        try {
            Pm.finish(new ProcessBuilder("tmux", "-L", server, "kill-server"));
        } catch (IOException ignored) {
            // the server is gone already
        }
    }
}
