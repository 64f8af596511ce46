package pm.file;

import pm.core.Copies;
import pm.core.PmException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code pm import supervisord FILE}: the {@code [program:x]} sections of a supervisord.conf as a pm.yaml.
 * {@link SupervisordIni} reads the files; this maps their settings.
 */
public final class SupervisordConf {
    private SupervisordConf() {}

    /** Settings pm has no use for or handles by itself, with why, as the note beside the app says. */
    private static final Map<String, String> UNMAPPED = Map.ofEntries(
            Map.entry("numprocs_start", "pm numbers copies from 0: copy i gets PM_INSTANCE=i"),
            Map.entry("process_name", "pm names the app by its [program:NAME] and copy i NAME:i"),
            Map.entry("priority", "use depends_on to start an app after the ones it needs"),
            Map.entry("startsecs", "pm counts an app started once spawned (or once healthy, with a health_check)"),
            Map.entry("user", "pm runs apps as the daemon's user"),
            Map.entry("umask", "pm runs apps with the daemon's umask"),
            Map.entry("redirect_stderr", "pm keeps stdout and stderr in two files"),
            Map.entry("stdout_logfile", "pm writes stdout to $PM_HOME/logs/NAME.out.log (pm logs NAME)"),
            Map.entry("stderr_logfile", "pm writes stderr to $PM_HOME/logs/NAME.err.log (pm logs NAME)"),
            Map.entry("stderr_logfile_maxbytes", "pm rotates both logs at max_log_size, taken from stdout_logfile_maxbytes"),
            Map.entry("stderr_logfile_backups", "pm keeps log_files of both logs, taken from stdout_logfile_backups"),
            Map.entry("stdout_capture_maxbytes", "pm has no capture mode"),
            Map.entry("stderr_capture_maxbytes", "pm has no capture mode"),
            Map.entry("stdout_events_enabled", "pm has no event listeners"),
            Map.entry("stderr_events_enabled", "pm has no event listeners"),
            Map.entry("stdout_syslog", "pm writes logs to files only"),
            Map.entry("stderr_syslog", "pm writes logs to files only"),
            Map.entry("serverurl", "pm apps reach the daemon through PM_* variables"));

    /** Where a value of a [program:x] section goes: read by the app's own code below. */
    private static final Set<String> MAPPED = Set.of("command", "directory", "environment", "autostart", "autorestart",
            "exitcodes", "startretries", "stopsignal", "stopwaitsecs", "stopasgroup", "killasgroup",
            "stdout_logfile_maxbytes", "stdout_logfile_backups", "numprocs");

    public static Imported.Output yaml(Path file, String shown) {
        var sections = SupervisordIni.sections(AppsFile.text(file, shown), shown);
        Path here = file.toAbsolutePath().normalize().getParent();
        var apps = new ArrayList<Imported>();
        var fileNotes = new ArrayList<String>();
        var names = new HashSet<String>();
        read(sections, here, apps, fileNotes, names);
        // As supervisord reads them: the main file's [include] only, each file's sections in turn, files in name order.
        String include = sections.getOrDefault("include", Map.of()).getOrDefault("files", "").strip();
        var included = SupervisordIni.included(include, here);
        for (Path f : included) read(SupervisordIni.sections(AppsFile.text(f, f.toString()), f.toString()), f.getParent(), apps, fileNotes, names);
        if (apps.isEmpty() && include.isEmpty())
            throw PmException.invalid(shown + ": no [program:NAME] section in it: that is where supervisord's apps are");
        if (apps.isEmpty())
            throw PmException.invalid(shown + ": no [program:NAME] section in it, nor in the " + included.size()
                    + (included.size() == 1 ? " file" : " files") + " its [include] files = " + include + " names");
        return Imported.yaml("supervisord", shown, fileNotes, apps);
    }

    /** The apps and the notes of one file's sections; {@code here} is its folder. */
    private static void read(Map<String, Map<String, String>> sections, Path here, List<Imported> apps, List<String> fileNotes, Set<String> names) {
        sections.forEach((section, keys) -> {
            if (section.startsWith("program:")) apps.add(app(section.substring("program:".length()), keys, here, names));
            else if (section.startsWith("group:")) fileNotes.add("[" + section + "] - pm has no groups: name the apps in pm start, stop and restart");
            else if (section.startsWith("eventlistener:") || section.startsWith("fcgi-program:"))
                fileNotes.add("[" + section + "] - pm has no " + section.substring(0, section.indexOf(':')) + " sections");
        });
    }

    private static Imported app(String program, Map<String, String> keys, Path here, Set<String> names) {
        String name = Pm2Ecosystem.unique(Imported.appName(program), names);
        var out = new Imported(name);
        if (!name.equals(program)) out.note("name", program, "renamed to " + name + ", a name pm takes");
        var expand = new Expansion(program, here, out);
        String cwd = keys.containsKey("directory") ? expand.apply("directory", keys.get("directory")) : null;
        command(keys.getOrDefault("command", ""), cwd, expand, out);
        if (cwd != null) out.put("cwd", cwd);
        if (keys.containsKey("environment")) {
            var env = new LinkedHashMap<String, Object>();
            environment(keys.get("environment")).forEach((k, v) -> env.put(k, expand.apply("environment", v)));
            if (!env.isEmpty()) out.put("env", env);
        }
        policy(keys, out);
        if (keys.containsKey("startretries")) whole(keys.get("startretries"), "", "max_restarts", "startretries", out);
        if (keys.containsKey("stopsignal")) out.put("stop_signal", "SIG" + keys.get("stopsignal").toUpperCase(Locale.ROOT).replaceFirst("^SIG", ""));
        if (keys.containsKey("stopwaitsecs")) whole(keys.get("stopwaitsecs"), "s", "kill_timeout", "stopwaitsecs", out);
        size(keys.get("stdout_logfile_maxbytes"), out);
        if (keys.containsKey("stdout_logfile_backups")) {
            String backups = keys.get("stdout_logfile_backups");
            if (backups.equals("0")) out.note("stdout_logfile_backups", 0, "pm keeps at least 1 rotated file");
            else whole(backups, "", "log_files", "stdout_logfile_backups", out);
        }
        if (keys.containsKey("numprocs")) copies(keys.get("numprocs"), out);
        if ("false".equalsIgnoreCase(keys.get("autostart"))) out.put("autostart", false);
        for (String group : List.of("stopasgroup", "killasgroup"))
            if ("false".equalsIgnoreCase(keys.get(group))) out.note(group, false, "pm always signals the app's whole process group");
        for (var e : keys.entrySet()) {
            if (MAPPED.contains(e.getKey())) continue;
            out.note(e.getKey(), e.getValue(), UNMAPPED.getOrDefault(e.getKey(), "pm has no such setting"));
        }
        return out;
    }

    /** numprocs as pm's copies (instances), which pm numbers from 0 as supervisord's process_num does by default. */
    private static void copies(String numprocs, Imported out) {
        try {
            long n = Long.parseLong(numprocs.strip());
            if (n >= 1 && n <= Copies.MAX) {
                if (n > 1) out.put("instances", n);
                return;
            }
        } catch (NumberFormatException e) {
            // noted below
        }
        out.note("numprocs", numprocs, "pm runs a fixed number of copies, 1 to " + Copies.MAX + ": set instances");
    }

    /** An interpreter's options that take code or a module in place of a script file. */
    private static final Set<String> INLINE = Set.of("-c", "-m", "-e", "--eval", "-p", "--print");

    /**
     * The command's first word is the program; a known interpreter with a script after it becomes type and
     * interpreter. Split before expanding, so a folder with a space stays one word.
     */
    private static void command(String command, String cwd, Expansion expand, Imported out) {
        var words = Imported.words(command).stream().map(w -> expand.apply("command", w)).toList();
        if (words.isEmpty()) {
            out.note("command", "(none)", "supervisord needs one: set script before applying");
            return;
        }
        if (words.getFirst().endsWith("/env") && words.size() > 1 && !words.get(1).contains("=") && !words.get(1).startsWith("-"))
            words = words.subList(1, words.size()); // /usr/bin/env python3 app.py: the program is python3
        String program = words.getFirst();
        String base = program.substring(program.lastIndexOf('/') + 1);
        String type = base.startsWith("python") ? "python" : base.equals("node") || base.equals("nodejs") ? "nodejs"
                : base.equals("bash") || base.equals("sh") ? "shell" : "";
        int at = 1; // the script, after the interpreter's own options (python3 -u app.py)
        while (at < words.size() && words.get(at).startsWith("-") && !INLINE.contains(words.get(at))) at++;
        // sh -c CODE, python3 -m MODULE, node -e CODE: no script file, the interpreter is the program.
        if (!type.isEmpty() && at < words.size() && !INLINE.contains(words.get(at))) {
            out.put("script", Imported.inFolder(cwd, words.get(at)));
            out.put("type", type);
            out.put("interpreter", String.join(" ", words.subList(0, at)));
            words = words.subList(at + 1, words.size());
        } else {
            // supervisord executes the program itself, whatever it is.
            out.put("script", program);
            out.put("type", "binary");
            words = words.subList(1, words.size());
        }
        if (!words.isEmpty()) out.put("args", words);
    }

    /** {@code A="x",B=y}, as supervisord writes an environment: commas between pairs, quotes optional. */
    static Map<String, String> environment(String text) {
        var out = new LinkedHashMap<String, String>();
        var pair = new StringBuilder();
        char quote = 0;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : ',';
            if (quote != 0) {
                if (c == quote) quote = 0;
                else pair.append(c);
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == ',' || c == '\n') {
                int eq = pair.indexOf("=");
                if (eq > 0) out.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
                pair.setLength(0);
            } else {
                pair.append(c);
            }
        }
        return out;
    }

    private static void policy(Map<String, String> keys, Imported out) {
        String auto = keys.getOrDefault("autorestart", "unexpected").toLowerCase(Locale.ROOT);
        String codes = keys.getOrDefault("exitcodes", "0").replace(" ", "");
        switch (auto) {
            case "true" -> out.put("restart_policy", "always");
            case "false" -> out.put("restart_policy", "never");
            case "unexpected" -> out.put("restart_policy", "on-failure");
            default -> out.note("autorestart", auto, "not true, false or unexpected");
        }
        if (!codes.equals("0")) out.note("exitcodes", codes, "pm's on-failure treats exit status 0 alone as expected");
    }

    private static void whole(String value, String unit, String key, String setting, Imported out) {
        try {
            out.put(key, unit.isEmpty() ? (Object) Long.parseLong(value.strip()) : Long.parseLong(value.strip()) + unit);
        } catch (NumberFormatException e) {
            out.note(setting, value, "not a whole number");
        }
    }

    private static void size(String value, Imported out) {
        if (value == null) return;
        String v = value.strip().toUpperCase(Locale.ROOT);
        if (v.equals("0")) out.put("max_log_size", 0L);
        else if (v.matches("[0-9]+")) out.put("max_log_size", v + "B");
        else if (v.matches("[0-9]+[KMG]B?")) out.put("max_log_size", v.endsWith("B") ? v.substring(0, v.length() - 1) : v);
        else out.note("stdout_logfile_maxbytes", value, "not a size");
    }

    /**
     * supervisord's {@code %(name)s} expansions (Python's %-format, so also {@code %(process_num)02d}):
     * {@code here} (the file's folder), {@code program_name}, and {@code ENV_X}, which becomes pm's own
     * {@code ${X}}, read when the file is applied. Any other is kept as written and noted. The rest of the
     * text has its {@code $} doubled, as pm.yaml reads {@code $} itself.
     */
    private record Expansion(String program, Path here, Imported out) {
        /** The text of setting {@code key} with its expansions done. */
        String apply(String key, String text) {
            var result = new StringBuilder();
            int i = 0;
            while (i < text.length()) {
                int start = text.indexOf("%(", i);
                int close = start < 0 ? -1 : text.indexOf(')', start);
                if (close < 0) {
                    result.append(Variables.escape(text.substring(i)));
                    break;
                }
                int end = conversionEnd(text, close + 1);
                if (end < 0) { // not an expansion: kept as it is
                    result.append(Variables.escape(text.substring(i, close + 1)));
                    i = close + 1;
                    continue;
                }
                result.append(Variables.escape(text.substring(i, start)));
                String name = text.substring(start + 2, close);
                String written = text.substring(start, end);
                boolean plain = written.endsWith(")s");
                if (plain && name.equals("here")) result.append(Variables.escape(here.toString()));
                else if (plain && name.equals("program_name")) result.append(Variables.escape(program));
                else if (plain && name.startsWith("ENV_")) result.append("${").append(name.substring(4)).append('}');
                else {
                    result.append(Variables.escape(written));
                    out.note(key, written, name.equals("process_num")
                            ? "pm does not put a copy's number in its command or settings: copy i gets PM_INSTANCE=i in its environment"
                            : "pm has no such expansion");
                }
                i = end;
            }
            return result.toString().replace("%%", "%");
        }

        /** Where a %-format's conversion after {@code %(name)} ends ({@code 02d}, {@code s}), or -1 when there is none. */
        private static int conversionEnd(String text, int at) {
            int j = at;
            while (j < text.length() && "#0- +".indexOf(text.charAt(j)) >= 0) j++;
            while (j < text.length() && Character.isDigit(text.charAt(j))) j++;
            if (j < text.length() && text.charAt(j) == '.') {
                j++;
                while (j < text.length() && Character.isDigit(text.charAt(j))) j++;
            }
            return j < text.length() && "diouxXeEfFgGcrsa".indexOf(text.charAt(j)) >= 0 ? j + 1 : -1;
        }
    }
}
