package pm.cli;

import pm.core.Health;
import pm.core.PmException;
import pm.core.ProcessState;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code pm demo}: the first thing a new user runs. Installs the sample apps' dependencies (npm ci, and a
 * virtualenv for the Python app), registers both apps exactly as the README's quick start does (if they
 * are not registered yet), starts them, waits until their /health answers, and prints the status table
 * and their URLs. Registered after its virtualenv exists, the Python app gets the same spec, interpreter
 * included, as the quick start's command gives it.
 */
final class Demo {
    private record App(String name, String script, String type, int port, List<String> extra) {}

    private static final List<App> APPS = List.of(
            new App("python-app", "sample_apps/python_app/app.py", "python", 5000, List.of("--restart-policy", "on-failure")),
            new App("nodejs-app", "sample_apps/nodejs_app/app.js", "nodejs", 3000, List.of()));

    private final Client client;
    private final PrintStream out;
    private final Main main;

    Demo(Client client, PrintStream out, Main main) {
        this.client = client;
        this.out = out;
        this.main = main;
    }

    int run(CommandLine.Parsed p) throws Exception {
        Path root = Path.of(System.getProperty("pm.root", System.getProperty("user.dir")));
        installNodeModules(root.resolve("sample_apps/nodejs_app"));
        SampleVenv.prepare(root.resolve("sample_apps/python_app"), out);
        var registered = Verbs.list(client.call("list", Map.of()).get("processes")).stream()
                .map(m -> (String) m.get("name")).toList();
        for (App app : APPS) {
            if (registered.contains(app.name())) continue;
            var words = new java.util.ArrayList<>(List.of("register", root.resolve(app.script()).toString(),
                    "--name", app.name(), "--type", app.type(), "--port", String.valueOf(app.port()),
                    "--health-check", "/health"));
            words.addAll(app.extra());
            int rc = main.dispatch(words);
            if (rc != 0) return rc;
        }
        for (App app : APPS) {
            int rc = main.dispatch(List.of("start", app.name()));
            if (rc != 0) return rc;
        }
        for (App app : APPS) waitHealthy(app);
        out.println();
        main.dispatch(List.of("status"));
        out.println();
        for (App app : APPS) out.printf("%s: http://127.0.0.1:%d/  (health: http://127.0.0.1:%d/health)%n", app.name(), app.port(), app.port());
        out.println();
        String pm = CommandLine.PM;
        out.println("Next: " + pm + " logs python-app --tail 20   " + pm + " restart nodejs-app   " + pm + " stop all");
        return 0;
    }

    private void installNodeModules(Path app) throws IOException, InterruptedException {
        if (Files.isDirectory(app.resolve("node_modules/express"))) return;
        out.println("installing the Node.js sample app's dependencies (npm ci) ...");
        var npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(app.toFile()).inheritIO().start();
        if (npm.waitFor() != 0) throw PmException.invalid("npm ci failed in " + app + "; is npm installed?");
    }

    /** Waits until the daemon's own health check has passed: the status table then says so too. */
    private void waitHealthy(App app) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            var proc = Verbs.statuses(client.call("status", Map.of("name", app.name()))).getFirst();
            if (proc.state() == ProcessState.RUNNING && proc.health() == Health.HEALTHY) {
                out.printf("%s answers at %s%n", app.name(), proc.healthCheck());
                return;
            }
            if (proc.state() == ProcessState.FATAL || proc.state() == ProcessState.EXITED) break;
            Thread.sleep(100);
        }
        throw new PmException(pm.core.ErrorCode.SPAWN_FAILED, app.name() + " did not become healthy within 30s; see " + CommandLine.PM + " describe "
                + app.name() + " and " + CommandLine.PM + " logs " + app.name() + " (is port " + app.port() + " taken by another program?)");
    }
}
