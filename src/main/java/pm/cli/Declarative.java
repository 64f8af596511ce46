package pm.cli;

import pm.core.ErrorCode;
import pm.core.PmException;
import pm.core.ProcessSpec;
import pm.core.ProcessStatus;
import pm.file.Applied;
import pm.file.AppsFile;
import pm.file.Exported;
import pm.file.Pm2Ecosystem;
import pm.file.SupervisordConf;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static pm.cli.CommandLine.PM;

/**
 * The verbs of the declarative file: {@code apply} (load a pm.yaml, send the whole set to the daemon,
 * print its plan), {@code down}, {@code export} and {@code import}. They alone reach the YAML library
 * (pm.file), which no hot command loads: this class names it only inside these methods. An apply of a
 * file that is as it was last applied skips the YAML parse ({@link Applied}).
 */
final class Declarative {
    /** The files apply and down look for when no -f is given, in this order. */
    static final List<String> DEFAULT_FILES = List.of("pm.yaml", "pm.yml", "pm.json");

    private final Client client;
    private final PrintStream out;

    Declarative(Client client, PrintStream out) {
        this.client = client;
        this.out = out;
    }

    int apply(CommandLine.Parsed p) {
        String shown = file(p);
        Path file = Path.of(shown);
        String text = AppsFile.text(file, shown);
        var env = System.getenv();
        var applied = new Applied(client.home().applied());
        var apps = applied.recall(file, text, env);
        AppsFile.Loaded loaded = null;
        if (apps == null) {
            loaded = AppsFile.load(file, shown, text, env);
            apps = loaded.apps();
        }
        var list = new ArrayList<Object>();
        for (var app : apps) list.add(Map.of("spec", app.spec().toJson(), "autostart", app.autostart()));
        var args = new LinkedHashMap<String, Object>();
        args.put("apps", list);
        args.put("prune", p.has("prune"));
        args.put("dry_run", p.has("dry-run"));
        args.put("as", PM);
        var result = client.call("apply", args);
        // Kept once the daemon took the request: a refused one would be refused again, parse or no parse.
        if (loaded != null) applied.keep(loaded.memory());
        var plan = Verbs.map(result.get("plan"));
        var lines = planLines(plan);
        if (lines.isEmpty()) {
            out.println(shown + ": nothing to do; " + apps.size() + (apps.size() == 1 ? " app is" : " apps are") + " as the file says");
            return 0;
        }
        for (String line : lines) out.println(line);
        if (p.has("dry-run")) {
            out.println("dry run: nothing was changed; " + PM + " apply" + (p.has("file") ? " -f " + CommandLine.quote(shown) : "")
                    + (p.has("prune") ? " --prune" : "") + " does it");
            return 0;
        }
        // The daemon sends the state of every copy of the apps it created, updated or started, and of no other.
        for (ProcessStatus s : Verbs.statuses(result)) {
            // A waiting app's reason says it all: "web: waiting for db: healthy".
            var line = new StringBuilder(s.name()).append(": ")
                    .append(s.state() == pm.core.ProcessState.WAITING ? s.reason() : s.state().wireName());
            if (s.pid() != 0) line.append(" (pid ").append(s.pid()).append(')');
            out.println(line);
        }
        var failed = items(result.get("failed"));
        if (failed.isEmpty()) return 0;
        var message = new StringBuilder();
        for (Object f : failed) message.append(message.isEmpty() ? "" : "\n").append(f);
        throw new PmException(ErrorCode.SPAWN_FAILED, message.toString());
    }

    /** One line per app and what happens to it: create, update (with the fields), start, remove; unchanged ones last, on one line. */
    static List<String> planLines(Map<String, Object> plan) {
        var lines = new ArrayList<String>();
        for (Object n : items(plan.get("create"))) lines.add("create     " + n);
        for (var u : Verbs.list(plan.get("update"))) {
            lines.add("update     " + u.get("name") + ": " + String.join(", ", items(u.get("changed")).stream().map(String::valueOf).toList())
                    + (Boolean.TRUE.equals(u.get("restart")) ? " (restarts it)" : ""));
        }
        for (Object n : items(plan.get("start"))) lines.add("start      " + n);
        for (Object n : items(plan.get("remove"))) lines.add("remove     " + n);
        if (lines.isEmpty()) return lines;
        var unchanged = items(plan.get("unchanged"));
        if (!unchanged.isEmpty()) lines.add("unchanged  " + String.join(", ", unchanged.stream().map(String::valueOf).toList()));
        return lines;
    }

    /** Stops the file's registered apps, dependents before their dependencies (the daemon orders them). */
    int down(CommandLine.Parsed p) {
        String shown = file(p);
        var named = AppsFile.names(Path.of(shown), shown);
        // By app name, as list gives them: status names each copy (web:0, web:1), and stop takes the app for all of them.
        var registered = new java.util.HashSet<String>();
        for (var m : Verbs.list(client.call("list", Map.of()).get("processes"))) registered.add(String.valueOf(m.get("name")));
        var names = new ArrayList<String>();
        for (String n : named) if (registered.contains(n)) names.add(n);
        if (names.isEmpty()) {
            out.println(shown + ": none of its apps is registered; nothing to stop");
            return 0;
        }
        for (ProcessStatus s : Verbs.statuses(client.call("stop", Map.of("names", names)))) out.println(s.name() + ": " + s.state().wireName());
        return 0;
    }

    /**
     * The registry (or the named apps, by name or id, with the apps they depend on, and theirs) as a
     * pm.yaml on stdout: a file that names an app without its dependencies would not apply.
     */
    int export(CommandLine.Parsed p) {
        var processes = Verbs.list(client.call("list", Map.of()).get("processes"));
        var byName = new LinkedHashMap<String, ProcessSpec>();
        var stopped = new java.util.HashSet<String>();
        var byId = new java.util.HashMap<String, String>();
        for (var m : processes) {
            var spec = ProcessSpec.fromJson(m);
            byName.put(spec.name(), spec);
            byId.put(String.valueOf(m.get("id")), spec.name());
            if (!"running".equals(m.get("desired"))) stopped.add(spec.name());
        }
        var wanted = new java.util.HashSet<String>();
        var unknown = new ArrayList<String>();
        for (String n : p.args()) {
            // A name first, as the daemon resolves one: a registry may hold an all-digit name.
            String app = byName.containsKey(n) ? n : byId.get(n);
            if (app == null) unknown.add(n);
            else withDependencies(app, byName, wanted);
        }
        if (!unknown.isEmpty())
            throw new PmException(ErrorCode.NOT_FOUND, "no process named " + String.join(", ", unknown) + "; " + PM + " list shows the registered ones");
        var specs = new ArrayList<ProcessSpec>();
        for (var spec : byName.values()) if (p.args().isEmpty() || wanted.contains(spec.name())) specs.add(spec);
        out.print(Exported.yaml(specs, stopped));
        return 0;
    }

    private static void withDependencies(String app, Map<String, ProcessSpec> byName, java.util.Set<String> into) {
        if (!into.add(app) || !byName.containsKey(app)) return;
        for (String d : byName.get(app).dependsOn().keySet()) withDependencies(d, byName, into);
    }

    /** {@code import pm2|supervisord FILE}: the equivalent pm.yaml on stdout. */
    int importFile(CommandLine.Parsed p) {
        String tool = p.args().get(0);
        String shown = p.args().get(1);
        var imported = switch (tool) {
            case "pm2" -> Pm2Ecosystem.yaml(Path.of(shown), shown);
            case "supervisord" -> SupervisordConf.yaml(Path.of(shown), shown);
            default -> throw new PmException(ErrorCode.USAGE, "cannot import from '" + tool + "': " + PM + " import reads pm2 or supervisord files");
        };
        out.print(imported.yaml());
        out.flush();
        // On stderr, so that it shows when stdout goes to a file.
        System.err.println("pm import: imported " + imported.apps() + (imported.apps() == 1 ? " app" : " apps") + " from " + shown
                + (imported.notes() == 0 ? "; every setting was carried over"
                : "; " + imported.notes() + (imported.notes() == 1 ? " setting" : " settings") + " not carried over, listed as # comments in the output"));
        return 0;
    }

    /** {@code -f FILE}, else the first of pm.yaml, pm.yml, pm.json in this folder. */
    private static String file(CommandLine.Parsed p) {
        if (p.has("file")) return p.value("file", "");
        for (String f : DEFAULT_FILES) if (Files.isRegularFile(Path.of(f))) return f;
        throw PmException.invalid("no pm.yaml in this folder: give the file with -f FILE (" + PM + " export > pm.yaml writes one of the apps registered now)");
    }

    private static List<?> items(Object o) {
        return o instanceof List<?> l ? l : List.of();
    }
}
