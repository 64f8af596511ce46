package pm.cli;

import pm.core.ErrorCode;
import pm.core.Field;
import pm.core.PmException;
import pm.core.Signals;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static pm.cli.CommandLine.Command;
import static pm.cli.CommandLine.Opt;
import static pm.cli.CommandLine.PM;

/**
 * {@code pm completion bash|zsh|fish}: a shell's completion script, made from the command table that
 * {@code --help} shows (commands, aliases, flags, the values a flag takes), so it never lists what pm
 * does not have. App names come at Tab time from {@code pm completion --names}, which asks a running
 * daemon and never starts one: one JVM start and one request, as a {@code pm status} is.
 */
final class Completion {
    /** What a flag's value completes to. */
    enum Values { NONE, TEXT, WORDS, FILES, DIRS, COMMANDS }

    /** A flag as a completion script offers it. */
    record Flag(String name, String help, Values values, List<String> words) {}

    /**
     * A command as a completion script offers it: the words that name it, its flags, and what its
     * arguments complete to (read from its usage line: NAME for app names, SCRIPT for files, a|b|c for
     * those words, {@code all} for itself).
     */
    record Verb(String name, List<String> aliases, String summary, List<Flag> flags, boolean names, boolean files, List<String> words) {
        List<String> calledBy() {
            var all = new ArrayList<String>();
            all.add(name);
            all.addAll(aliases);
            return all;
        }

        boolean takesArguments() {
            return names || files || !words.isEmpty();
        }
    }

    static final List<String> SHELLS = List.of("bash", "zsh", "fish");

    private final Main main;
    private final Client client;
    private final PrintStream out;

    Completion(Main main, Client client, PrintStream out) {
        this.main = main;
        this.client = client;
        this.out = out;
    }

    static List<Opt> options() {
        return List.of(Opt.flag("names", "print the registered apps' names, one a line (what the scripts run at Tab; never starts the daemon)"));
    }

    int run(CommandLine.Parsed p) {
        if (p.has("names")) {
            names();
            return 0;
        }
        if (p.args().isEmpty())
            throw CommandLine.usage(p.command(), "which shell? " + PM + " completion bash, zsh or fish");
        String shell = p.arg(0);
        var verbs = verbs(main.commands());
        String script = switch (shell) {
            case "bash" -> BashCompletion.script(verbs);
            case "zsh" -> ZshCompletion.script(verbs);
            case "fish" -> FishCompletion.script(verbs);
            default -> throw new PmException(ErrorCode.USAGE, "no completion for the shell '" + shell + "': pm has one for "
                    + String.join(", ", SHELLS) + " (" + PM + " completion bash)");
        };
        out.print(script);
        return 0;
    }

    /** The names of the apps a running daemon knows; none when no daemon runs (Tab must not start one). */
    private void names() {
        try {
            var result = client.callRunning("status", Map.of("fields", List.of("name")));
            for (var m : Verbs.list(result.get("processes"))) out.println(m.get("name"));
        } catch (IOException | PmException e) {
            // no daemon, or one that cannot answer: nothing to offer
        }
    }

    static List<Verb> verbs(List<Command> commands) {
        var verbs = new ArrayList<Verb>();
        for (Command c : commands) {
            var flags = new ArrayList<Flag>();
            for (Opt o : c.opts()) flags.add(flag(o));
            flags.add(new Flag("help", "show the command's help", Values.NONE, List.of()));
            String args = c.maxArgs() == 0 ? "" : c.usage().substring(c.name().length()).strip();
            String first = args.isEmpty() ? "" : args.split(" ", 2)[0].replace("[", "").replace("]", "").replace(",", "");
            var words = new ArrayList<String>();
            for (String w : first.split("\\|")) if (!w.isEmpty() && w.chars().allMatch(ch -> ch >= 'a' && ch <= 'z')) words.add(w);
            boolean names = args.contains("NAME");
            // Alone, a single lowercase word is not a choice (a NAME's "all" is, beside the names).
            if (words.size() == 1 && !names) words.clear();
            verbs.add(new Verb(c.name(), c.aliases(), c.summary(), flags, names, args.contains("SCRIPT"), words));
        }
        return verbs;
    }

    /** The values of a flag: a field's choices (types, policies), signal names, folders, programs, or free text. */
    static Flag flag(Opt o) {
        if (!o.takesValue()) return new Flag(o.name(), o.help(), Values.NONE, List.of());
        Field f = Field.byFlag(o.name());
        if (f != null && !f.choices().isEmpty()) return new Flag(o.name(), o.help(), Values.WORDS, f.choices());
        return switch (o.value()) {
            case "SIGNAL" -> new Flag(o.name(), o.help(), Values.WORDS, Signals.names());
            case "DIR" -> new Flag(o.name(), o.help(), Values.DIRS, List.of());
            case "PROGRAM" -> new Flag(o.name(), o.help(), Values.COMMANDS, List.of());
            case "SCRIPT", "FILE" -> new Flag(o.name(), o.help(), Values.FILES, List.of());
            default -> new Flag(o.name(), o.help(), Values.TEXT, List.of());
        };
    }

    /**
     * bash's and zsh's {@code case $prev in ... esac} (the same syntax in both): after a flag, its values
     * as {@code reply} offers them; after one whose value nothing can guess (a name, a port), nothing
     * rather than files. Empty when the verb has no flag that takes a value.
     */
    static String afterFlag(Verb v, Function<Flag, String> reply) {
        var cases = new StringBuilder();
        var text = new ArrayList<String>();
        for (Flag f : v.flags()) {
            if (f.values() == Values.TEXT) text.add("--" + f.name());
            else if (f.values() != Values.NONE) cases.append("                --").append(f.name()).append(") ").append(reply.apply(f)).append("; return ;;\n");
        }
        if (!text.isEmpty()) cases.append("                ").append(String.join("|", text)).append(") return ;;\n");
        return cases.isEmpty() ? "" : "            case $prev in\n" + cases + "            esac\n";
    }

    /** The first line of a help text, cut short for a menu. */
    static String brief(String help) {
        String line = help.strip();
        int stop = line.indexOf(". ");
        if (stop > 0) line = line.substring(0, stop);
        return line.length() <= 80 ? line : line.substring(0, 77) + "...";
    }
}
