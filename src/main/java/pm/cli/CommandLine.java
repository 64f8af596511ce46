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
                   boolean passthrough, String example, Handler handler) {}

    /** A parsed command line. */
    record Parsed(Command command, Map<String, List<String>> opts, List<String> args, List<String> rest) {
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

    static PmException usage(Command c, String message) {
        return new PmException(ErrorCode.USAGE, message + " (see pm " + c.name() + " --help)");
    }

    /** Parses the words after the verb. {@code --help} anywhere is returned as the flag "help". */
    static Parsed parse(Command c, List<String> words) {
        var opts = new LinkedHashMap<String, List<String>>();
        var args = new ArrayList<String>();
        var rest = new ArrayList<String>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w.equals("--")) {
                if (!c.passthrough()) throw usage(c, "pm " + c.name() + " takes no arguments after --");
                rest.addAll(words.subList(i + 1, words.size()));
                break;
            }
            if (w.equals("--help") || w.equals("-h")) {
                opts.put("help", List.of());
                continue;
            }
            if (!w.startsWith("--") || w.length() == 2) {
                args.add(w);
                continue;
            }
            int eq = w.indexOf('=');
            String name = w.substring(2, eq < 0 ? w.length() : eq);
            Opt opt = c.opts().stream().filter(o -> o.name().equals(name)).findFirst().orElseThrow(() -> {
                String near = Names.nearest(name, c.opts().stream().map(Opt::name).toList());
                return usage(c, "unknown flag --" + name + " for pm " + c.name()
                        + (near.isEmpty() ? "" : "; did you mean --" + near + "?"));
            });
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
            if (args.size() < c.minArgs()) throw usage(c, "missing argument: pm " + c.usage());
            if (args.size() > c.maxArgs())
                throw usage(c, "unexpected argument '" + args.get(c.maxArgs()) + "'"
                        + (c.passthrough() ? "; put the app's own arguments after --" : ""));
        }
        return new Parsed(c, opts, args, rest);
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
        out.append("Usage: pm ").append(c.usage()).append("\n\n").append(c.summary()).append("\n");
        if (!c.opts().isEmpty()) {
            out.append("\nOptions:\n");
            int width = "-h, --help".length();
            for (Opt o : c.opts()) width = Math.max(width, label(o).length());
            for (Opt o : c.opts()) {
                out.append("  ").append(pad(label(o), width)).append("  ").append(o.help()).append('\n');
            }
            out.append("  ").append(pad("-h, --help", width)).append("  show this help\n");
        }
        if (!c.example().isEmpty()) out.append("\nExample:\n  ").append(c.example()).append('\n');
        return out.toString();
    }

    static String overview(List<Command> commands) {
        var out = new StringBuilder("Usage: pm COMMAND [ARGS] [OPTIONS]\n\npm runs and watches processes of any kind.\n\nCommands:\n");
        int width = 0;
        for (var c : commands) width = Math.max(width, c.name().length());
        for (var c : commands) out.append("  ").append(pad(c.name(), width)).append("  ").append(c.summary()).append('\n');
        out.append("\nRun pm COMMAND --help for its options. State lives in $PM_HOME (default ~/.pm).\n");
        return out.toString();
    }

    private static String label(Opt o) {
        return "--" + o.name() + (o.takesValue() ? " " + o.value() : "");
    }

    static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
