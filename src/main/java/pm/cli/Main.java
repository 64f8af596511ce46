package pm.cli;

import pm.core.ErrorCode;
import pm.core.Home;
import pm.core.Names;
import pm.core.PmException;

import java.io.PrintStream;
import java.util.List;

import static pm.cli.CommandLine.Command;
import static pm.cli.CommandLine.Opt;

/** The {@code pm} command: looks up the verb in the command table, parses, runs, maps errors to exit statuses. */
public final class Main {
    static final String VERSION = pm.core.Release.VERSION;

    private static final Opt ALL = Opt.flag("all", "act on every registered process");
    private static final Opt JSON = Opt.flag("json", "print JSON (schema in docs/status-json.md)");

    private final List<Command> commands;

    Main(Home home, PrintStream out) {
        var client = new Client(home);
        var verbs = new Verbs(client, out);
        var logs = new Logs(client, out);
        var daemon = new DaemonVerb(home, client, out);
        var demo = new Demo(client, out, this);
        var tokens = new TokenVerb(client, out);
        commands = List.of(
                new Command("register", "register SCRIPT [OPTIONS] [-- APP_ARGS...]", "Register a process (it does not start it)",
                        Register.options(),
                        1, 1, true, "pm register app.py --name myapp --type python --port 5000 --health-check /health", verbs::register),
                new Command("unregister", "unregister NAME|--all", "Stop a process if it runs and remove it from the registry",
                        List.of(ALL), 0, 1, false, "pm unregister myapp", verbs::unregister),
                new Command("start", "start NAME|--all", "Start a process; returns once it is spawned",
                        List.of(ALL), 0, 1, false, "pm start myapp", verbs::start),
                new Command("stop", "stop NAME|--all [--force]", "Stop a process and its whole process tree; returns once all of it is gone",
                        List.of(ALL, Opt.flag("force", "kill at once with SIGKILL")), 0, 1, false, "pm stop myapp --force", verbs::stop),
                new Command("restart", "restart NAME|--all [--env KEY=VALUE]", "Stop, then start again with the current spec",
                        List.of(ALL, Opt.value("env", "KEY=VALUE", "set or change an environment variable first (repeatable, kept)")),
                        0, 1, false, "pm restart myapp", verbs::restart),
                new Command("status", "status [NAME] [--json]", "Show the state of every process (or one)",
                        List.of(JSON), 0, 1, false, "pm status --json", verbs::status),
                new Command("list", "list [--json]", "List registered processes and their specs",
                        List.of(JSON), 0, 0, false, "pm list", verbs::list),
                new Command("describe", "describe NAME [--json]", "Show everything about one process: spec, state history, CPU and memory, health",
                        List.of(JSON), 1, 1, false, "pm describe myapp", new Describe(client, out)::run),
                new Command("heartbeat", "heartbeat", "Send one heartbeat for the app this runs in (uses its PM_* environment)",
                        List.of(), 0, 0, false, "while work; do pm heartbeat; done", Heartbeat::send),
                new Command("logs", "logs NAME [--tail N] [--follow] [--out|--err]", "Show a process's stdout and stderr logs",
                        List.of(Opt.value("tail", "N", "how many of the last lines to show (default 20)"),
                                Opt.flag("follow", "keep printing lines as they are written (Ctrl-C ends)"),
                                Opt.flag("out", "only stdout"), Opt.flag("err", "only stderr")),
                        1, 1, false, "pm logs myapp --tail 100", logs::run),
                new Command("flush", "flush NAME|--all", "Empty a process's log files and delete the rotated ones",
                        List.of(ALL), 0, 1, false, "pm flush myapp", verbs::flush),
                new Command("daemon", "daemon start|stop|restart|status|run",
                        "Control the daemon (it also starts on demand). stop and restart leave the apps running; run stays in the foreground",
                        List.of(), 1, 1, false, "pm daemon status", daemon::run),
                new Command("kill", "kill", "Stop every app (they stay stopped until started again), then the daemon; pm daemon stop leaves the apps running",
                        List.of(), 0, 0, false, "pm kill", daemon::kill),
                new Command("token", "token create [--read-only] NAME | token list [--json] | token revoke NAME",
                        "Make, list or revoke tokens for the HTTP API (docs/http.md); a new token is printed once",
                        List.of(Opt.flag("read-only", "the token may read but not start, stop, restart, register or unregister"),
                                Opt.flag("json", "list them as JSON: {\"tokens\":[{\"name\",\"read_only\",\"created\"}]}")),
                        1, 2, false, "pm token create --read-only prometheus", tokens::run),
                new Command("dashboard", "dashboard [--open] [--token NAME]",
                        "Print a one-time login link to the web dashboard (it works once, within 2 minutes)",
                        List.of(Opt.flag("open", "also open it in the desktop's browser (xdg-open or sensible-browser)"),
                                Opt.value("token", "NAME", "act with this token's rights (default: default, which may do everything)")),
                        0, 0, false, "pm dashboard --open", new Dashboard(client, out)::run),
                new Command("demo", "demo", "Install the sample apps' dependencies if needed, register and start both, wait until they answer, show them",
                        List.of(), 0, 0, false, "./pm demo", demo::run));
    }

    public static void main(String[] argv) {
        // List.of, as in the training run (pm.cli.Train): its sublists are then in the AOT cache.
        int status = new Main(Home.fromEnvironment(), System.out).dispatch(List.of(argv));
        System.out.flush();
        System.err.flush();
        // halt, not exit: the CLI has no shutdown hooks, and exit() starts the JDK's logging machinery
        // to log the exit, a few milliseconds of every command.
        Runtime.getRuntime().halt(status);
    }

    // A loop, not a stream: the stream pipeline costs every command about half a millisecond.
    private Command command(String verb) {
        for (var c : commands) if (c.name().equals(verb)) return c;
        String near = Names.nearest(verb, commands.stream().map(Command::name).toList());
        throw new PmException(ErrorCode.USAGE, "unknown command '" + verb + "'"
                + (near.isEmpty() ? "; run pm --help to see them all" : "; did you mean pm " + near + "?"));
    }

    int dispatch(List<String> argv) {
        try {
            if (argv.isEmpty() || argv.getFirst().equals("--help") || argv.getFirst().equals("-h") || argv.getFirst().equals("help")) {
                if (argv.size() > 1) return dispatch(List.of(argv.get(1), "--help"));
                System.out.print(CommandLine.overview(commands));
                return argv.isEmpty() ? ErrorCode.USAGE.exitStatus() : 0;
            }
            if (argv.getFirst().equals("--version") || argv.getFirst().equals("version")) {
                System.out.println("pm " + VERSION);
                return 0;
            }
            String verb = argv.getFirst();
            Command command = command(verb);
            var parsed = CommandLine.parse(command, argv.subList(1, argv.size()));
            if (parsed.has("help")) {
                System.out.print(CommandLine.help(command));
                return 0;
            }
            return command.handler().run(parsed);
        } catch (PmException e) {
            System.out.flush();
            // One line per error: a spec with three bad values says so three times.
            System.err.println("pm: " + e.getMessage().replace("\n", "\npm: "));
            return e.code().exitStatus();
        } catch (Exception e) {
            System.out.flush();
            System.err.println("pm: unexpected error: " + e);
            if (System.getenv("PM_DEBUG") != null) e.printStackTrace();
            return ErrorCode.INTERNAL.exitStatus();
        }
    }
}
