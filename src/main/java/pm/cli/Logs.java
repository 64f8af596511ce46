package pm.cli;

import pm.core.ErrorCode;
import pm.core.PmException;
import pm.core.ProcessSpec;
import pm.core.ProcessStatus;
import pm.logs.Backlog;
import pm.logs.Follower;
import pm.logs.Stamps;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import static pm.cli.CommandLine.Opt;

/**
 * {@code pm logs}: reads the apps' log files directly (the daemon never carries log data): the last lines
 * of each, then, with {@code --follow}, every line as it arrives, through rotations. One log is shown as
 * the app wrote it; several are interleaved line by line, each line behind its app's name and stream.
 */
final class Logs {
    static List<Opt> options() {
        return wrapped(List.of(
                Opt.flag("follow", "(-f) keep printing lines as they are written, through rotations, until Ctrl-C"),
                Opt.value("tail", "N", "(-n N, --lines N) the last N lines of each log (default 20, or all with --since)"),
                Opt.value("lines", "N", "the same as --tail"),
                Opt.value("since", "WHEN", "lines since WHEN: 30s, 10m, 2h, 1d ago, 09:30 today, or 2026-12-06 09:30."
                        + " pm adds no timestamps: it reads the one a line begins with (2026-12-06 09:30:00, with T, a"
                        + " fraction, a zone, or in [ ]), and a line without one goes with the line above it; rotated files"
                        + " last changed before WHEN are skipped, and lines dated by nothing are kept"),
                Opt.value("grep", "REGEX", "only lines that match (Java regular expression, anywhere in the line)"),
                Opt.flag("out", "only stdout (with several logs, a line reads NAME | ...)"),
                Opt.flag("err", "only stderr (with several logs, a line reads NAME ! ...)")));
    }

    /** The options with long help texts broken into lines under their column (--help prints a text as is). */
    private static List<Opt> wrapped(List<Opt> opts) {
        int width = "-h, --help".length();
        for (Opt o : opts) width = Math.max(width, o.name().length() + 2 + (o.takesValue() ? o.value().length() + 1 : 0));
        String indent = "\n" + " ".repeat(width + 4);
        var out = new ArrayList<Opt>();
        for (Opt o : opts) {
            var text = new StringBuilder();
            int line = 0;
            for (String word : o.help().split(" ")) {
                if (line > 0 && line + 1 + word.length() > 96 - width) {
                    text.append(indent);
                    line = 0;
                } else if (line > 0) {
                    text.append(' ');
                    line++;
                }
                text.append(word);
                line += word.length();
            }
            out.add(new Opt(o.name(), o.value(), text.toString()));
        }
        return out;
    }

    private final Client client;
    private final PrintStream out;

    Logs(Client client, PrintStream out) {
        this.client = client;
        this.out = out;
    }

    /** What the command line asked for. */
    record Ask(List<String> names, boolean follow, int tail, long since, Pattern grep, boolean out, boolean err) {
        boolean all() {
            return names.isEmpty() || names.contains("all");
        }
    }

    /**
     * Reads the words after {@code pm logs}: the flags the table knows, and here the short ones PM2 and
     * tail users type ({@code -f}, {@code -n N}, {@code -nN}), which the table takes for names.
     */
    static Ask ask(CommandLine.Parsed p, long now) {
        boolean follow = p.has("follow");
        String tail = p.has("tail") ? p.value("tail", "") : p.has("lines") ? p.value("lines", "") : null;
        var names = new ArrayList<String>();
        var words = p.args();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w.equals("-f")) {
                follow = true;
            } else if (w.equals("-n")) {
                if (i + 1 == words.size()) throw CommandLine.usage(p.command(), "-n needs a value: -n N");
                tail = words.get(++i);
            } else if (w.startsWith("-n") && w.length() > 2) {
                tail = w.substring(2);
            } else if (w.startsWith("-") && w.length() > 1) {
                throw CommandLine.usage(p.command(), "unknown flag " + w + " for pm logs");
            } else {
                if (!w.equals("all") && !isId(w)) ProcessSpec.checkName(w);
                if (!names.contains(w)) names.add(w);
            }
        }
        long since = p.has("since") ? Stamps.since(p.value("since", ""), now) : Stamps.NONE;
        int lines = tail != null ? CommandLine.count(tail, "--tail") : since != Stamps.NONE ? -1 : 20;
        Pattern grep = null;
        if (p.has("grep")) {
            try {
                grep = Pattern.compile(p.value("grep", ""));
            } catch (PatternSyntaxException e) {
                throw PmException.invalid("bad --grep '" + p.value("grep", "") + "': " + e.getDescription()
                        + (e.getIndex() >= 0 ? " at " + e.getIndex() : ""));
            }
        }
        boolean both = p.has("out") == p.has("err");
        return new Ask(List.copyOf(names), follow, lines, since, grep, both || p.has("out"), both || p.has("err"));
    }

    private static boolean isId(String w) {
        return !w.isEmpty() && w.chars().allMatch(Character::isDigit);
    }

    int run(CommandLine.Parsed p) throws IOException, InterruptedException {
        var ask = ask(p, System.currentTimeMillis());
        var apps = apps(ask);
        if (apps.isEmpty() && !ask.follow()) {
            System.err.println("pm: no processes registered; add one with: pm register SCRIPT --name NAME");
            return 0;
        }
        var sink = new BufferedOutputStream(out, 64 * 1024);
        int width = 0;
        for (var a : apps) width = Math.max(width, a.name().length());
        boolean several = ask.all() || apps.size() > 1 || (ask.out() && ask.err());
        boolean byLine = several || ask.grep() != null || ask.since() != Stamps.NONE;
        var shown = new ArrayList<ShownLog>();
        for (var a : apps) shown.addAll(show(a, ask, sink, several, byLine, width, null));
        byte[] buf = new byte[256 * 1024];
        try {
            // The past, log by log; then, following, whatever comes, log by log as it comes.
            for (var s : shown) {
                s.drain(buf);
                if (!ask.follow()) s.endWaitingLine(0);
            }
            sink.flush();
            warnUndated(ask, shown);
            if (ask.follow()) follow(ask, shown, sink, buf, width);
        } finally {
            for (var s : shown) s.close();
        }
        return 0;
    }

    /**
     * The logs of one app this command shows, each read from where its backlog begins, or for an app that
     * came while following, from where its log ended when the follow began ({@code ends}; a new log from its start).
     */
    private List<ShownLog> show(ProcessStatus app, Ask ask, BufferedOutputStream sink, boolean several, boolean byLine,
                                int width, Map<Path, Long> ends) throws IOException {
        var list = new ArrayList<ShownLog>();
        boolean colour = Table.colorWanted();
        for (boolean err : new boolean[]{false, true}) {
            if (err ? !ask.err() : !ask.out()) continue;
            Path live = Path.of(err ? app.errLog() : app.outLog());
            var backlog = ends != null ? new Backlog.Span(ends.getOrDefault(live, 0L), 0) : backlog(live, ask);
            byte[] prefix = !byLine ? null : several ? ShownLog.prefix(app.name(), err, width, colour) : new byte[0];
            list.add(new ShownLog(app.name(), err, live, backlog, sink, prefix, ask.grep(), ask.since() != Stamps.NONE));
        }
        return list;
    }

    private static Backlog.Span backlog(Path live, Ask ask) throws IOException {
        Pattern grep = ask.grep();
        Backlog.LineTest test = grep == null ? null
                : (b, off, len) -> grep.matcher(new String(b, off, len, StandardCharsets.UTF_8)).find();
        try {
            return Backlog.find(live, ask.tail(), test, ask.since());
        } catch (java.nio.file.AccessDeniedException e) {
            throw PmException.invalid("cannot read " + live + ": permission denied");
        }
    }

    /** Follows the logs shown, and with every app asked for, the logs of apps that come meanwhile. */
    private void follow(Ask ask, List<ShownLog> shown, BufferedOutputStream sink, byte[] buf, int width)
            throws IOException, InterruptedException {
        Path dir = client.home().logs();
        Following.Newcomers newcomers = null;
        if (ask.all()) {
            var seen = new HashSet<String>();
            for (var s : shown) seen.add(s.app);
            var ends = ends(dir);
            newcomers = () -> {
                var come = new ArrayList<ShownLog>();
                for (var a : statuses())
                    if (seen.add(a.name())) come.addAll(show(a, ask, sink, true, true, Math.max(width, a.name().length()), ends));
                return come;
            };
        }
        new Following(shown, sink, out, dir, newcomers, buf).run();
    }

    /** Where each log in the folder ends now: an app registered later is shown from there on, or from its start. */
    private static Map<Path, Long> ends(Path dir) throws IOException {
        var ends = new HashMap<Path, Long>();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (!n.endsWith(".out.log") && !n.endsWith(".err.log")) continue;
                try (var f0 = Follower.atEnd(f)) {
                    ends.put(f, f0.position());
                }
            }
        }
        return ends;
    }

    /** Every app, or the ones named (by name or id), in the order given; an unknown one is the daemon's error. */
    private List<ProcessStatus> apps(Ask ask) {
        var all = statuses();
        if (ask.all()) return all;
        var found = new ArrayList<ProcessStatus>();
        for (String n : ask.names()) {
            var app = all.stream().filter(a -> a.name().equals(n)).findFirst()
                    .or(() -> all.stream().filter(a -> isId(n) && String.valueOf(a.id()).equals(n)).findFirst());
            if (app.isEmpty()) {
                var args = new LinkedHashMap<String, Object>();
                args.put("name", n);
                Verbs.statuses(client.call("status", args)); // the daemon's own words for a name it does not know
                throw new PmException(ErrorCode.NOT_FOUND, "no process named '" + n + "'");
            }
            if (!found.contains(app.get())) found.add(app.get());
        }
        return found;
    }

    private List<ProcessStatus> statuses() {
        var args = new LinkedHashMap<String, Object>();
        args.put("fields", List.of("id", "name", "out_log", "err_log"));
        return Verbs.statuses(client.call("status", args));
    }

    /** With --since, says which logs showed lines but no timestamp: for those, only whole files were skipped. */
    private static void warnUndated(Ask ask, List<ShownLog> shown) {
        if (ask.since() == Stamps.NONE) return;
        var undated = new ArrayList<String>();
        for (var s : shown) if (s.shown && !s.dated) undated.add(s.what());
        if (!undated.isEmpty())
            System.err.println("pm: no timestamps at the start of the lines of " + String.join(", ", undated)
                    + ": --since skipped only their files last changed before it");
    }
}
