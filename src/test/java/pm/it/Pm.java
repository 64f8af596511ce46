package pm.it;

import pm.core.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs the real {@code ./pm} launcher against a private, temporary PM_HOME. Closing it stops the
 * daemon (which stops every app) and removes the home, so tests never see each other's processes.
 */
final class Pm implements AutoCloseable {
    static final Path ROOT = Path.of(System.getProperty("pm.root", System.getProperty("user.dir")));
    static final Path FIXTURES = ROOT.resolve("src/test/fixtures");

    /** What one command did. */
    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    final Path home;

    Pm() {
        try {
            // Short path: a Unix socket path must stay under 108 bytes.
            home = Files.createTempDirectory(Path.of("/tmp"), "pm-it-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    Result run(String... args) {
        return run(List.of(args));
    }

    Result run(List<String> args) {
        return runWith(Map.of(), args);
    }

    /** Runs a command with extra environment variables (a daemon it starts inherits them). */
    Result runWith(Map<String, String> env, String... args) {
        return runWith(env, List.of(args));
    }

    Result runWith(Map<String, String> env, List<String> args) {
        var cmd = new ArrayList<String>();
        cmd.add(ROOT.resolve("pm").toString());
        cmd.addAll(args);
        return command(env, cmd);
    }

    /** Runs this command line (a shell's, or pm under another name) in the checkout, with this home and extra variables. */
    Result command(Map<String, String> env, List<String> cmd) {
        try {
            var pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
            pb.environment().put("PM_HOME", home.toString());
            pb.environment().put("NO_COLOR", "1");
            // A free port for each test's daemon: the default one (9615) is for the user's daemon.
            pb.environment().put("PM_HTTP_LISTEN", "127.0.0.1:0");
            // pm on the PATH, as installed: its hints then say "pm ..." (TypedCommandsIT runs it as ./pm too).
            pb.environment().put("PATH", ROOT + ":" + System.getenv("PATH"));
            pb.environment().putAll(env);
            return finish(pb);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs a command with no input, waits for it (60 s at most) and returns what it did. */
    static Result finish(ProcessBuilder pb) throws IOException {
        // Outside the home, which a test may fill up or make read-only.
        Path out = Files.createTempFile("pm-it-out", ".txt");
        Path err = Files.createTempFile("pm-it-err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        try {
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(pb.command() + " did not finish within 60s");
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            Files.delete(out);
            Files.delete(err);
        }
    }

    /** Runs a command that must succeed, and returns its stdout. */
    String ok(String... args) {
        var r = run(args);
        if (r.code() != 0) throw new AssertionError("pm " + String.join(" ", args) + " failed: " + r);
        return r.out();
    }

    /** One process's entry in {@code pm status --json}. */
    @SuppressWarnings("unchecked")
    Map<String, Object> status(String name) {
        var all = (List<Map<String, Object>>) Json.parseObject(ok("status", "--json")).get("processes");
        return all.stream().filter(p -> name.equals(p.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in status"));
    }

    String state(String name) {
        return (String) status(name).get("state");
    }

    long pid(String name) {
        return ((Number) status(name).get("pid")).longValue();
    }

    Path fixture(String name) {
        return FIXTURES.resolve(name);
    }

    Path file(String name) {
        return home.resolve(name);
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Asserts that the condition holds the whole time, checked every 20 ms: for "nothing else happens". */
    static void stays(String what, Duration duration, BooleanSupplier condition) {
        long deadline = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < deadline) {
            if (!condition.getAsBoolean()) throw new AssertionError("expected " + what + " to hold for " + duration);
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    static boolean alive(long pid) {
        // A zombie is not alive for our purposes: read the state letter.
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.ISO_8859_1);
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        run("kill");
        try (var files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp folder is harmless
        }
    }

    static Duration seconds(long s) {
        return Duration.ofSeconds(s);
    }
}
