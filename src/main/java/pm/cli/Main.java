package pm.cli;

import pm.core.ErrorCode;
import pm.core.Home;
import pm.core.Names;
import pm.core.PmException;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import static pm.cli.CommandLine.Command;
import static pm.cli.CommandLine.Opt;

/** The {@code pm} command: looks up the verb in the command table, parses, runs, maps errors to exit statuses. */
public final class Main {
    static final String VERSION = pm.core.Release.VERSION;

    private static final Opt ALL = Opt.flag("all", "act on every registered process");
    private static final Opt JSON = Opt.flag("json", "print JSON (schema in docs/status-json.md)");
    /** No limit on the names a command takes. */
    private static final int MANY = Integer.MAX_VALUE;

    private final List<Command> commands;

    Main(Home home, PrintStream out) {
        var client = new Client(home);
        var register = new Register(client, out);
        var verbs = new Verbs(client, out, register);
        var logs = new Logs(client, out);
        var daemon = new DaemonVerb(home, client, out);
        var demo = new Demo(client, out, this);
        var declarative = new Declarative(client, out);
        var file = Opt.value("file", "FILE", "the file to read (default: pm.yaml, pm.yml or pm.json in this folder)");
        var tokens = new TokenVerb(client, out);
        var scaling = new Scaling(client, out);
        commands = List.of(
                new Command("register", "register SCRIPT [OPTIONS] [-- APP_ARGS...]", "Register a process (it does not start it)",
                        Register.options(),
                        1, 1, true, "pm register app.py --name myapp --type python --port 5000 --health-check /health", register::run),
                new Command("update", "update NAME|ID [SCRIPT] [OPTIONS] [-- APP_ARGS...]",
                        "Change a registered process's spec; restarts it only when the change needs a new process",
                        Register.options(Opt.value("unset-env", "KEY", "remove an environment variable (repeatable); --env adds or changes one")),
                        1, 2, true, "pm update myapp --max-memory 300M --env DEBUG=1", new Update(client, out)::run),
                new Command("unregister", "unregister NAME...|ID...|all", "Stop a process if it runs and remove it from the registry",
                        List.of(ALL), 0, MANY, false, "pm unregister myapp", verbs::unregister).aka("delete", "rm"),
                new Command("start", "start NAME...|ID...|all, or start SCRIPT [OPTIONS] [-- APP_ARGS...]",
                        "Start processes; returns once they are spawned. Given a script that is not registered, registers it first",
                        Register.options(ALL), 0, MANY, true, "pm start myapp", verbs::start),
                new Command("stop", "stop NAME...|ID...|all [--force]", "Stop processes and their whole process trees; returns once all of them are gone",
                        List.of(ALL, Opt.flag("force", "kill at once with SIGKILL")), 0, MANY, false, "pm stop myapp --force", verbs::stop),
                new Command("restart", "restart NAME...|ID...|all [--env KEY=VALUE]", "Stop, then start again with the current spec",
                        List.of(ALL, Opt.value("env", "KEY=VALUE", "set or change an environment variable first (repeatable, kept)")),
                        0, MANY, false, "pm restart myapp", verbs::restart),
                new Command("reload", "reload NAME...|ID...|all [--env KEY=VALUE]",
                        "Zero-downtime restart with the current spec: each copy's replacement starts, and the old copy stops once the new one is ready",
                        List.of(ALL, Opt.value("env", "KEY=VALUE", "set or change an environment variable first (repeatable, kept)")),
                        0, MANY, false, "pm reload web", verbs::reload),
                new Command("scale", "scale NAME|ID N", "Run N copies of an app: starts the missing ones or stops the highest-numbered extra ones; the others keep running",
                        List.of(), 2, 2, false, "pm scale web 4", scaling::scale),
                new Command("status", "status [NAME...|ID...] [--json]", "Show the state of every process (or some)",
                        List.of(JSON), 0, MANY, false, "pm status --json", verbs::status).aka("ls", "ps"),
                new Command("list", "list [--json]", "List registered processes and their specs",
                        List.of(JSON), 0, 0, false, "pm list", verbs::list),
                new Command("describe", "describe NAME|ID [--json]", "Show everything about one process: spec, state history, CPU and memory, health",
                        List.of(JSON), 1, 1, false, "pm describe myapp", new Describe(client, out)::run).aka("show", "info"),
                new Command("heartbeat", "heartbeat", "Send one heartbeat for the app this runs in (uses its PM_* environment)",
                        List.of(), 0, 0, false, "while work; do pm heartbeat; done", Heartbeat::send),
                new Command("logs", "logs [NAME...|all] [--follow] [--tail N] [--since WHEN] [--grep REGEX] [--out|--err]",
                        "Show apps' stdout and stderr: one app's, several or every app's (no NAME), interleaved as lines come",
                        Logs.options(), 0, MANY, false,
                        "pm logs web worker -f --since 10m --grep 'ERROR|WARN'", logs::run),
                new Command("flush", "flush NAME...|ID...|all", "Empty processes' log files and delete the rotated ones",
                        List.of(ALL), 0, MANY, false, "pm flush myapp", verbs::flush),
                new Command("apply", "apply [-f FILE] [--prune] [--dry-run]",
                        "Make the apps what a pm.yaml says: create, update (restarting what needs it) and start them; prints the plan",
                        List.of(file, Opt.flag("prune", "also remove the registered apps the file does not name"),
                                Opt.flag("dry-run", "print the plan only; change nothing")),
                        0, 0, false, "pm apply -f pm.yaml", declarative::apply),
                new Command("down", "down [-f FILE]", "Stop a pm.yaml's apps, each before the apps it depends on",
                        List.of(file), 0, 0, false, "pm down", declarative::down),
                new Command("export", "export [NAME...]", "Print the registered apps (or the named ones and the apps they depend on) as a pm.yaml",
                        List.of(), 0, MANY, false, "pm export > pm.yaml", declarative::export),
                new Command("import", "import pm2|supervisord FILE",
                        "Print a pm.yaml that does what a PM2 ecosystem file or a supervisord.conf does; what has no equivalent is listed as comments",
                        List.of(), 2, 2, false, "pm import pm2 ecosystem.config.js > pm.yaml", declarative::importFile),
                new Command("daemon", "daemon start|stop|restart|status|run",
                        "Control the daemon (it also starts on demand). stop and restart leave the apps running; run stays in the foreground",
                        List.of(), 1, 1, false, "pm daemon status", daemon::run),
                new Command("kill", "kill", "Stop every app (they stay stopped until started again), then the daemon; pm daemon stop leaves the apps running",
                        List.of(), 0, 0, false, "pm kill", daemon::kill),
                new Command("top", "top", "A live view of every app, refreshed each second: state, CPU and memory with their recent samples. "
                        + "Keys: Up/Down (j/k) select, r restart, s stop or start, l its logs, / filter by name, q quit",
                        List.of(), 0, 0, false, "pm top", p -> new Top(client).run(p)).aka("monit"),
                new Command("startup", "startup [--user] [--print]", "Have systemd start pm's daemon at boot, for you and this PM_HOME: "
                        + "writes and enables a unit (pm unstartup removes it)",
                        Startup.options(true), 0, 0, false, "pm startup", p -> new Startup(Startup.Host.real(), out).startup(p)),
                new Command("unstartup", "unstartup [--user]", "Disable and remove the unit pm startup wrote (the daemon and the apps keep running)",
                        Startup.options(false), 0, 0, false, "pm unstartup", p -> new Startup(Startup.Host.real(), out).unstartup(p)),
                new Command("completion", "completion bash|zsh|fish", "Print pm's completion script for a shell: commands, flags, their values, "
                        + "app names", Completion.options(), 0, 1, false, "source <(pm completion bash)", p -> new Completion(this, client, out).run(p)),
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
                        List.of(), 0, 0, false, "pm demo", demo::run));
    }

    /** The command table, which --help and the completion scripts show. */
    List<Command> commands() {
        return commands;
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
        for (var c : commands) if (c.answers(verb)) return c;
        // A PM2 habit first: spelling alone would answer "startup" with "start".
        String habit = Habits.insteadOf(verb);
        if (!habit.isEmpty()) throw new PmException(ErrorCode.USAGE, habit);
        var words = new ArrayList<String>();
        for (var c : commands) {
            words.add(c.name());
            words.addAll(c.aliases());
        }
        String near = Names.nearest(verb, words);
        throw new PmException(ErrorCode.USAGE, "unknown command '" + verb + "'"
                + (near.isEmpty() ? "; run " + CommandLine.PM + " --help to see them all" : "; did you mean " + CommandLine.PM + " " + near + "?"));
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
