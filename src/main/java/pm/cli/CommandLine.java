package pm.cli;

import pm.core.ErrorCode;
import pm.core.Names;
import pm.core.PmException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small declarative command table: each verb lists its flags once, and that list both parses the
 * command line and renders {@code --help}. Written by hand because picocli's annotations cost about
 * 100 ms of start-up even from an AOT cache (DESIGN.md section 3), more than the whole 60 ms budget of
 * {@code pm status}.
 */
final class CommandLine {
    private CommandLine() {}

    /** A flag: {@code value} names its argument, or is empty for a switch. */
    record Opt(String name, String value, String help) {
        static Opt flag(String name, String help) {
            return new Opt(name, "", help);
        }

        static Opt value(String name, String value, String help) {
            return new Opt(name, value, help);
        }

        boolean takesValue() {
            return !value.isEmpty();
        }
    }

    /** The body of a verb; returns the exit status. */
    interface Handler {
        int run(Parsed p) throws Exception;
    }

    /**
     * A verb: its usage line, summary, flags, how many positional arguments it takes, whether it
     * accepts arguments after {@code --}, an example, and its handler.
     */
    record Command(String name, String usage, String summary, List<Opt> opts, int minArgs, int maxArgs,
                   boolean passthrough, String example, Handler handler, List<String> aliases) {
        Command(String name, String usage, String summary, List<Opt> opts, int minArgs, int maxArgs,
                boolean passthrough, String example, Handler handler) {
            this(name, usage, summary, opts, minArgs, maxArgs, passthrough, example, handler, List.of());
        }

        /** The same command, also known by these words (listed in the help, found by did-you-mean). */
        Command aka(String... words) {
            return new Command(name, usage, summary, opts, minArgs, maxArgs, passthrough, example, handler, List.of(words));
        }

        boolean answers(String word) {
            return name.equals(word) || aliases.contains(word);
        }
    }

    /**
     * A parsed command line; {@code dashed} tells whether {@code --} was given (with nothing after it, it
     * says "no arguments", which {@code update} reads as clearing them).
     */
    record Parsed(Command command, Map<String, List<String>> opts, List<String> args, List<String> rest, boolean dashed) {
        boolean has(String name) {
            return opts.containsKey(name);
        }

        String value(String name, String fallback) {
            var v = opts.get(name);
            return v == null ? fallback : v.getLast();
        }

        List<String> values(String name) {
            return opts.getOrDefault(name, List.of());
        }

        String arg(int i) {
            return args.get(i);
        }
    }

    /**
     * How the user ran pm ({@code pm} when found on PATH, else as typed, such as {@code ./pm}): the
     * launcher passes it, and every command pm prints for the user to type starts with it.
     */
    static final String PM = System.getProperty("pm.invoked", "pm");

    /** A command written as {@code pm VERB ...}, as the user would type it here: {@code ./pm VERB ...}. */
    static String typed(String command) {
        return command.startsWith("pm ") ? PM + command.substring(2) : command;
    }

    static PmException usage(Command c, String message) {
        return new PmException(ErrorCode.USAGE, message + " (see " + PM + " " + c.name() + " --help)");
    }

    /** Parses the words after the verb. {@code --help} anywhere is returned as the flag "help". */
    static Parsed parse(Command c, List<String> words) {
        var opts = new LinkedHashMap<String, List<String>>();
        var args = new ArrayList<String>();
        var rest = new ArrayList<String>();
        boolean dashed = false;
        int excess = -1; // where the first argument past the most the command takes is
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w.equals("--")) {
                if (!c.passthrough()) throw usage(c, PM + " " + c.name() + " takes no arguments after --");
                rest.addAll(words.subList(i + 1, words.size()));
                dashed = true;
                break;
            }
            if (w.equals("--help") || w.equals("-h")) {
                opts.put("help", List.of());
                continue;
            }
            if (w.length() == 2 && w.charAt(0) == '-') w = longForm(c, w);
            if (!w.startsWith("--") || w.length() == 2) {
                if (args.size() == c.maxArgs() && excess < 0) excess = i;
                args.add(w);
                continue;
            }
            int eq = w.indexOf('=');
            String name = w.substring(2, eq < 0 ? w.length() : eq);
            Opt opt = find(c, name);
            if (opt == null) {
                var names = c.opts().stream().map(Opt::name).toList();
                // After the script, a flag pm does not know is most likely the app's own, unless it is a slip.
                String slip = Names.typo(name, names);
                if (c.passthrough() && !args.isEmpty() && slip.isEmpty())
                    throw new PmException(ErrorCode.USAGE, "unknown flag --" + name + "; " + afterDashes(c, words, excess >= 0 ? excess : i, "flags"));
                String near = slip.isEmpty() ? Names.nearest(name, names) : slip;
                throw usage(c, "unknown flag --" + name + " for " + PM + " " + c.name()
                        + (near.isEmpty() ? "" : "; did you mean --" + near + "?"));
            }
            String value;
            if (!opt.takesValue()) {
                if (eq >= 0) throw usage(c, "--" + name + " takes no value");
                value = "";
            } else if (eq >= 0) {
                value = w.substring(eq + 1);
            } else if (i + 1 < words.size()) {
                value = words.get(++i);
            } else {
                throw usage(c, "--" + name + " needs a value: --" + name + " " + opt.value());
            }
            opts.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        if (!opts.containsKey("help")) {
            if (args.size() < c.minArgs()) throw usage(c, "missing argument: " + PM + " " + c.usage());
            if (excess >= 0)
                throw usage(c, "unexpected argument '" + words.get(excess) + "'" + (c.passthrough() ? "; " + afterDashes(c, words, excess, "arguments") : ""));
        }
        return new Parsed(c, opts, args, rest, dashed);
    }

    /**
     * The short form of a flag, or "": only the few habits worth keeping, -f FILE for the commands that read
     * a pm.yaml (compose's -f) and -i N for copies (PM2's -i).
     */
    static String shortOf(String name) {
        return switch (name) {
            case "file" -> "-f";
            case "instances" -> "-i";
            default -> "";
        };
    }

    /** The long flag a short form stands for on this command, or the word as it is when the command has no such flag. */
    private static String longForm(Command c, String word) {
        for (Opt o : c.opts()) if (shortOf(o.name()).equals(word)) return "--" + o.name();
        return word;
    }

    // A loop, not a stream: this runs for every flag of every command.
    private static Opt find(Command c, String name) {
        for (Opt o : c.opts()) if (o.name().equals(name)) return o;
        return null;
    }

    /** The command line again with the words from {@code from} on moved after {@code --}, as the user could type it. */
    private static String afterDashes(Command c, List<String> words, int from, String what) {
        var line = new StringBuilder(PM).append(' ').append(c.name());
        for (int i = 0; i < words.size(); i++) {
            if (i == from) line.append(" --");
            if (!words.get(i).equals("--")) line.append(' ').append(quote(words.get(i)));
        }
        return "put the app's own " + what + " after --: " + line;
    }

    /** As above for a parsed command line: its flags, then its arguments from {@code from} on after --. */
    static String afterDashes(Parsed p, int from) {
        var words = new ArrayList<>(p.args().subList(0, from));
        for (var flag : p.opts().entrySet()) {
            Opt opt = find(p.command(), flag.getKey());
            for (String value : flag.getValue()) {
                words.add("--" + flag.getKey());
                if (opt != null && opt.takesValue()) words.add(value);
            }
        }
        int at = words.size();
        words.addAll(p.args().subList(from, p.args().size()));
        words.addAll(p.rest());
        return afterDashes(p.command(), words, at, "arguments");
    }

    /** A word as a POSIX shell reads it back: as it is when that is safe, else in single quotes. */
    static String quote(String word) {
        if (word.isEmpty()) return "''";
        for (int i = 0; i < word.length(); i++) {
            char ch = word.charAt(i);
            boolean safe = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
                    || "_@%+=:,./-".indexOf(ch) >= 0;
            if (!safe) return "'" + word.replace("'", "'\\''") + "'";
        }
        return word;
    }

    /** A flag's whole number, 0 or more. */
    static int count(String text, String flag) {
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= 0) return n;
        } catch (NumberFormatException ignored) {
            // fall through to the error
        }
        throw PmException.invalid("bad " + flag + " '" + text + "': use a whole number, 0 or more");
    }

    static String help(Command c) {
        var out = new StringBuilder();
        out.append("Usage: ").append(PM).append(' ').append(c.usage()).append("\n\n").append(c.summary()).append("\n");
        if (!c.aliases().isEmpty()) out.append("Also: ").append(String.join(", ", c.aliases())).append('\n');
        if (!c.opts().isEmpty()) {
            out.append("\nOptions:\n");
            int width = "-h, --help".length();
            for (Opt o : c.opts()) width = Math.max(width, label(o).length());
            for (Opt o : c.opts()) {
                out.append("  ").append(pad(label(o), width)).append("  ").append(o.help()).append('\n');
            }
            out.append("  ").append(pad("-h, --help", width)).append("  show this help\n");
        }
        if (!c.example().isEmpty()) out.append("\nExample:\n  ").append(typed(c.example())).append('\n');
        return out.toString();
    }

    static String overview(List<Command> commands) {
        var out = new StringBuilder("Usage: " + PM + " COMMAND [ARGS] [OPTIONS]\n\npm runs and watches processes of any kind.\n\nCommands:\n");
        int width = 0;
        for (var c : commands) width = Math.max(width, listed(c).length());
        for (var c : commands) out.append("  ").append(pad(listed(c), width)).append("  ").append(c.summary()).append('\n');
        out.append("\nRun ").append(PM).append(" COMMAND --help for its options. A NAME may also be the app's ID; "
                + "\"all\" means every app. State lives in $PM_HOME (default ~/.pm).\n");
        return out.toString();
    }

    /** A command as the overview lists it: {@code status (ls, ps)}. */
    private static String listed(Command c) {
        return c.aliases().isEmpty() ? c.name() : c.name() + " (" + String.join(", ", c.aliases()) + ")";
    }

    private static String label(Opt o) {
        String shortForm = shortOf(o.name());
        return (shortForm.isEmpty() ? "" : shortForm + ", ") + "--" + o.name() + (o.takesValue() ? " " + o.value() : "");
    }

    static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
