package pm.cli;

import pm.core.ErrorCode;
import pm.core.PmException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * The Python sample app's virtualenv, {@code .venv} in its folder, with its requirements installed: the
 * demo makes it before registering the app (which then runs with its python), and the build before the
 * integration tests ({@link #main}). Never installs into the system's Python.
 */
final class SampleVenv {
    private SampleVenv() {}

    /** What the last successful install was given: the venv is current while it equals requirements.txt. */
    private static final String INSTALLED = "pm-requirements.txt";

    /** Creates the virtualenv and installs the requirements into it, unless it is there and current. */
    static void prepare(Path app, PrintStream out) throws IOException, InterruptedException {
        Path venv = app.resolve(".venv");
        Path python = venv.resolve("bin/python");
        String wanted = Files.readString(app.resolve("requirements.txt"));
        Path installed = venv.resolve(INSTALLED);
        if (Files.isExecutable(python) && Files.isRegularFile(installed) && Files.readString(installed).equals(wanted)) return;
        boolean made = false;
        if (!Files.isExecutable(python)) {
            out.println("creating the Python sample app's virtualenv (python3 -m venv " + venv + ") ...");
            int rc = run(app, List.of("python3", "-m", "venv", ".venv"), "python3 is not on PATH: install Python 3.9 or later");
            if (rc != 0) {
                delete(venv);
                throw failed("python3 -m venv could not create " + venv + " (exit status " + rc
                        + "); on Debian or Ubuntu install the python3-venv package, then run this again");
            }
            made = true;
        }
        out.println("installing the Python sample app's dependencies into it (pip install -r requirements.txt) ...");
        int rc = run(app, List.of(python.toString(), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                "-r", "requirements.txt"), python + " cannot be run: remove " + venv + " and run this again");
        if (rc != 0) {
            // A virtualenv made here without its packages would be picked up by register and fail at start.
            if (made) delete(venv);
            throw failed("pip could not install " + app.resolve("requirements.txt") + " into " + venv + " (exit status " + rc
                    + "); its messages are above");
        }
        Files.writeString(installed, wanted);
    }

    private static int run(Path dir, List<String> command, String whenMissing) throws InterruptedException {
        try {
            return new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw failed(whenMissing);
        }
    }

    private static PmException failed(String message) {
        return new PmException(ErrorCode.SPAWN_FAILED, message);
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        }
    }

    /** The build's step before the integration tests: {@code SampleVenv APP_FOLDER}; exit status 1 on failure. */
    public static void main(String[] args) throws Exception {
        try {
            prepare(Path.of(args[0]).toAbsolutePath(), System.out);
        } catch (PmException e) {
            System.err.println("pm: " + e.getMessage());
            System.exit(1);
        }
    }
}
