package pm.cli;

import pm.core.ErrorCode;
import pm.core.Field;
import pm.core.PmException;
import pm.core.Signals;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
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

    /** A flag as a completion script offers it, with its short form ({@code -f}) or "". */
    record Flag(String name, String shortName, String help, Values values, List<String> words) {
        /** The words that give it on a command line: {@code --file -f}. */
        List<String> spelled() {
            return shortName.isEmpty() ? List.of("--" + name) : List.of("--" + name, shortName);
        }
    }

    /** What an argument completes to: app names, files, and these words (choices such as start|stop, or all). */
    record Arg(boolean names, boolean files, List<String> words) {
        boolean isEmpty() {
            return !names && !files && words.isEmpty();
        }
    }

    /**
     * A command as a completion script offers it: the words that name it, its flags, and what its first
     * argument and the ones after it complete to (read from its usage line: NAME for app names, SCRIPT or
     * FILE for files, a|b|c for those words).
     */
    record Verb(String name, List<String> aliases, String summary, List<Flag> flags, Arg first, Arg later) {
        List<String> calledBy() {
            var all = new ArrayList<String>();
            all.add(name);
            all.addAll(aliases);
            return all;
        }

        boolean takesArguments() {
            return !first.isEmpty() || !later.isEmpty();
        }

        /** The words of its flags that take a value, which an argument's position does not count. */
        List<String> valued() {
            var words = new ArrayList<String>();
            for (Flag f : flags) if (f.values() != Values.NONE) words.addAll(f.spelled());
            return words;
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
        return List.of(Opt.flag("names", "print the registered apps' names, one a line, then their copies' (many:1) (what the scripts run at Tab; never starts the daemon)"));
    }

    int run(CommandLine.Parsed p) {
        if (p.has("names")) {
            if (!p.args().isEmpty())
                throw CommandLine.usage(p.command(), "unexpected argument '" + p.arg(0) + "': " + PM + " completion --names takes none");
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

    /**
     * The names of the apps a running daemon knows, then the copies of those that have several ({@code
     * many:1}), which the scripts offer once a colon is typed; none when no daemon runs (Tab must not start one).
     */
    private void names() {
        try {
            var result = client.callRunning("status", Map.of("fields", List.of("name")));
            var apps = new LinkedHashSet<String>();
            var copies = new ArrayList<String>();
            for (var m : Verbs.list(result.get("processes"))) {
                String name = String.valueOf(m.get("name"));
                int colon = name.indexOf(':');
                apps.add(colon < 0 ? name : name.substring(0, colon));
                if (colon >= 0) copies.add(name);
            }
            apps.forEach(out::println);
            copies.forEach(out::println);
        } catch (IOException | PmException e) {
            // no daemon, or one that cannot answer: nothing to offer
        }
    }

    static List<Verb> verbs(List<Command> commands) {
        var verbs = new ArrayList<Verb>();
        for (Command c : commands) {
            var flags = new ArrayList<Flag>();
            for (Opt o : c.opts()) flags.add(flag(o, shortOf(c, o)));
            flags.add(new Flag("help", "", "show the command's help", Values.NONE, List.of()));
            var first = new Arguments();
            var later = new Arguments();
            if (c.maxArgs() > 0) read(c, first, later);
            verbs.add(new Verb(c.name(), c.aliases(), c.summary(), flags, first.arg(), later.arg()));
        }
        return verbs;
    }

    /** A flag's short form: the table's (-f FILE, -i N), and pm logs's -f and -n, which Logs.ask reads itself. */
    private static String shortOf(Command c, Opt o) {
        if (!c.name().equals("logs")) return CommandLine.shortOf(o.name());
        return switch (o.name()) {
            case "follow" -> "-f";
            case "tail" -> "-n";
            default -> "";
        };
    }

    /** What an argument completes to, gathered from the alternatives of a usage line. */
    private static final class Arguments {
        boolean names;
        boolean files;
        final List<String> words = new ArrayList<>();

        Arg arg() {
            return new Arg(names, files, List.copyOf(words));
        }
    }

    /**
     * Reads a usage line's arguments, alternative by alternative ({@code token create NAME | token list}):
     * the flags in brackets left out. An app's NAME comes first wherever a command takes one, so a NAME
     * after a word names something else (the token of {@code token create NAME}), and only a repeated
     * first argument ({@code NAME...}) completes to names further on.
     */
    private static void read(Command c, Arguments first, Arguments later) {
        for (String alternative : c.usage().split(" \\| |, or ")) {
            var words = new ArrayList<>(List.of(alternative.strip().split(" ")));
            if (!words.isEmpty() && c.answers(words.getFirst())) words.removeFirst();
            int at = 0;
            int depth = 0; // inside a bracketed flag, such as [--env KEY=VALUE]
            for (String w : words) {
                if (depth > 0 || w.startsWith("[-")) {
                    depth += count(w, '[') - count(w, ']');
                    continue;
                }
                if (w.isEmpty() || w.equals("[OPTIONS]")) continue;
                for (String part : w.replace("[", "").replace("]", "").split("\\|")) {
                    add(at == 0 ? first : later, part, at == 0);
                    if (at == 0 && w.contains("...")) add(later, part, true);
                }
                at++;
            }
        }
    }

    private static void add(Arguments to, String part, boolean appsHere) {
        String word = part.replace("...", "");
        switch (word) {
            case "NAME" -> to.names |= appsHere;
            case "SCRIPT", "FILE" -> to.files = true;
            default -> {
                boolean choice = !word.isEmpty() && word.charAt(0) >= 'a' && word.charAt(0) <= 'z'
                        && word.chars().allMatch(ch -> (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-');
                if (choice && !to.words.contains(word)) to.words.add(word);
            }
        }
    }

    private static int count(String s, char ch) {
        return (int) s.chars().filter(x -> x == ch).count();
    }

    /** The values of a flag: a field's choices (types, policies), signal names, folders, programs, or free text. */
    static Flag flag(Opt o, String shortName) {
        if (!o.takesValue()) return new Flag(o.name(), shortName, o.help(), Values.NONE, List.of());
        Field f = Field.byFlag(o.name());
        if (f != null && !f.choices().isEmpty()) return new Flag(o.name(), shortName, o.help(), Values.WORDS, f.choices());
        return switch (o.value()) {
            case "SIGNAL" -> new Flag(o.name(), shortName, o.help(), Values.WORDS, Signals.names());
            case "DIR" -> new Flag(o.name(), shortName, o.help(), Values.DIRS, List.of());
            case "PROGRAM" -> new Flag(o.name(), shortName, o.help(), Values.COMMANDS, List.of());
            case "SCRIPT", "FILE" -> new Flag(o.name(), shortName, o.help(), Values.FILES, List.of());
            default -> new Flag(o.name(), shortName, o.help(), Values.TEXT, List.of());
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
            if (f.values() == Values.TEXT) text.addAll(f.spelled());
            else if (f.values() != Values.NONE)
                cases.append("                ").append(String.join("|", f.spelled())).append(") ").append(reply.apply(f)).append("; return ;;\n");
        }
        if (!text.isEmpty()) cases.append("                ").append(String.join("|", text)).append(") return ;;\n");
        return cases.isEmpty() ? "" : "            case $prev in\n" + cases + "            esac\n";
    }

    /**
     * bash's and zsh's {@code _pm_arg} (the same in both, each with {@code words} and {@code CURRENT} as
     * zsh has them): into {@code _pm_at}, how many arguments come before the word being completed.
     */
    static final String ARG_FUNCTION = """
            # Into _pm_at, how many arguments come before the word being completed, counted from the command at
            # $1, leaving out flags and the values of those listed in $2.
            _pm_arg() {
                _pm_at=0
                local i skip=
                for ((i = $1 + 1; i < CURRENT; i++)); do
                    if [[ -n $skip ]]; then skip=; continue; fi
                    case ${words[i]} in
                        -*=*) ;;
                        -*) [[ " $2 " == *" ${words[i]} "* ]] && skip=1 ;;
                        *) ((_pm_at++)) ;;
                    esac
                done
            }

            """;

    /**
     * bash's and zsh's offer for a verb's argument (the same syntax in both): what its first argument
     * completes to, else what the later ones do, counted by {@code _pm_arg} past flags and their values;
     * {@code offer} appends the lines for one, at an indent.
     */
    static String byPosition(Verb v, BiFunction<Arg, String, String> offer) {
        if (v.first().equals(v.later())) return offer.apply(v.first(), "            ");
        return "            _pm_arg \"$at\" \"" + String.join(" ", v.valued()) + "\"\n"
                + "            if ((_pm_at == 0)); then\n" + offer.apply(v.first(), "                ")
                + "            else\n" + offer.apply(v.later(), "                ")
                + "            fi\n";
    }

    /** The first line of a help text, cut short for a menu. */
    static String brief(String help) {
        String line = help.strip();
        int stop = line.indexOf(". ");
        if (stop > 0) line = line.substring(0, stop);
        return line.length() <= 80 ? line : line.substring(0, 77) + "...";
    }
}
