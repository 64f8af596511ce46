package pm.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;

/**
 * {@code pm dashboard}: prints a one-time login link to the daemon's web dashboard (it works once, for two
 * minutes, and leaves a session cookie in the browser that opens it); {@code --open} hands it to the
 * desktop's browser too.
 */
final class Dashboard {
    private static final String[] OPENERS = {"xdg-open", "sensible-browser"};
    private final Client client;
    private final PrintStream out;

    Dashboard(Client client, PrintStream out) {
        this.client = client;
        this.out = out;
    }

    int run(CommandLine.Parsed p) {
        var args = new LinkedHashMap<String, Object>();
        if (p.has("token")) args.put("token", p.value("token", ""));
        var reply = client.call("http_login", args);
        String url = String.valueOf(reply.get("url"));
        out.println(url);
        out.flush();
        System.err.println("pm: open this link on this machine; it works once, within " + reply.get("expires_in_s") + " s");
        if (p.has("open")) open(url);
        return 0;
    }

    private static void open(String url) {
        for (String name : OPENERS) {
            Path program = onPath(name);
            if (program == null) continue;
            try {
                new ProcessBuilder(program.toString(), url).redirectInput(new File("/dev/null"))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                return;
            } catch (IOException e) {
                System.err.println("pm: cannot run " + program + ": " + e.getMessage());
            }
        }
        System.err.println("pm: cannot open a browser (no xdg-open or sensible-browser on PATH); open the link above yourself");
    }

    private static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }
}
