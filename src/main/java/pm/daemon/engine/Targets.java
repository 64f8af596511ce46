package pm.daemon.engine;

import pm.core.ErrorCode;
import pm.core.Names;
import pm.core.PmException;
import pm.daemon.registry.Registry;

import pm.core.ProcessSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a request's words name, and the registry's view of the apps. An app with several copies is one
 * registry entry and one process per copy: {@code web} names every copy, {@code web:1} one of them
 * ({@code web:0} the first, whose key is {@code web}), an id every copy of that app. Engine thread only.
 */
final class Targets {
    private final Engine engine;
    final Unloaded unloaded;

    Targets(Engine engine) {
        this.engine = engine;
        this.unloaded = new Unloaded(engine);
    }

    /**
     * The processes a request names: {@code all} for every one, else {@code names} (or one {@code name}),
     * each a name or an id. A name matches first: a registry may hold an all-digit name from before ids
     * were accepted. Every unknown one is reported in one error, and then nothing is done.
     */
    List<String> of(Map<String, Object> args) {
        if (bool(args, "all")) return copyNames(ordered());
        var out = new ArrayList<String>();
        var unknown = new ArrayList<String>();
        for (String word : words(args)) {
            var found = resolve(word);
            if (found.isEmpty()) unknown.add(word);
            for (var p : found) if (!out.contains(p.name())) out.add(p.name());
        }
        if (!unknown.isEmpty()) throw notFound(unknown, pm(args));
        return out;
    }

    /** The words a request names processes by: {@code names}, or one {@code name}. */
    static List<String> words(Map<String, Object> args) {
        List<?> given = args.get("names") instanceof List<?> l ? l : args.get("name") instanceof String n ? List.of(n) : List.of();
        if (given.isEmpty()) throw new PmException(ErrorCode.BAD_REQUEST, "give names or all");
        var words = new ArrayList<String>(given.size());
        for (Object o : given) {
            if (!(o instanceof String w)) throw new PmException(ErrorCode.BAD_REQUEST, "names: expected names (strings), got " + ProcessSpec.what(o));
            words.add(w);
        }
        return words;
    }

    /** What a word names: an app (all its copies), one copy (NAME:i; NAME:0 is the first), or an app by id. */
    private List<Proc> resolve(String word) {
        var p = engine.procs.get(word);
        if (p != null && p.copy == 0) return copies(p.spec.name());
        if (p != null) return List.of(p);
        int copy = Names.copyNumber(word);
        if (copy == 0 && engine.procs.get(Names.appOf(word)) instanceof Proc first) return List.of(first);
        if (word.isEmpty() || word.length() > 9) return List.of();
        for (int i = 0; i < word.length(); i++) if (word.charAt(i) < '0' || word.charAt(i) > '9') return List.of();
        int id = Integer.parseInt(word);
        for (var q : engine.procs.values()) if (q.id == id) return copies(q.spec.name());
        return List.of();
    }

    /** The apps the named copies belong to, each once. */
    List<String> apps(List<String> names) {
        var out = new ArrayList<String>();
        for (String n : names) {
            String app = engine.procs.get(n).spec.name();
            if (!out.contains(app)) out.add(app);
        }
        return out;
    }

    List<Proc> procs(List<String> names) {
        var out = new ArrayList<Proc>();
        for (String n : names) out.add(engine.procs.get(n));
        return out;
    }

    static List<String> copyNames(List<Proc> procs) {
        var out = new ArrayList<String>(procs.size());
        for (var p : procs) out.add(p.name());
        return out;
    }

    /** Whether the app is meant to run: any of its copies is. */
    boolean wanted(String app) {
        for (var c : copies(app)) if (c.wanted) return true;
        return false;
    }

    private PmException notFound(List<String> words, String pm) {
        var parts = new ArrayList<String>();
        String hint = "";
        for (String w : words) if (unloaded.named(w) != null) throw unloaded.unusable(unloaded.named(w), pm);
        for (String w : words) {
            int copy = Names.copyNumber(w);
            var app = copy < 0 ? List.<Proc>of() : copies(Names.appOf(w));
            if (!app.isEmpty() && words.size() == 1)
                return new PmException(ErrorCode.NOT_FOUND, "no copy " + w + ": " + Names.appOf(w) + " has " + app.size()
                        + (app.size() == 1 ? " copy (" + Names.appOf(w) + ")" : " copies, " + Names.appOf(w) + ":0 to " + Names.appOf(w) + ":" + (app.size() - 1)));
            hint = Names.nearest(w, engine.procs.keySet());
            parts.add("'" + w + "'" + (hint.isEmpty() || words.size() == 1 ? "" : " (did you mean '" + hint + "'?)"));
        }
        String end = words.size() == 1 && !hint.isEmpty() ? "; did you mean '" + hint + "'?" : "; " + pm + " list shows the registered ones";
        return new PmException(ErrorCode.NOT_FOUND, (words.size() == 1 ? "no process named " : "no processes named ")
                + String.join(", ", parts) + end);
    }


    /** How the client's user runs pm ({@code ./pm}), for the commands a message tells them to type. */
    static String pm(Map<String, Object> args) {
        return args.get("as") instanceof String as && !as.isEmpty() ? as : "pm";
    }


    /** Makes these the apps' specs: the registry written once with them, then every copy of each takes its own. */
    void saveSpecs(Map<String, ProcessSpec> byApp) {
        var entries = new ArrayList<Registry.Entry>();
        for (var e : entries()) {
            var spec = byApp.get(e.spec().name());
            entries.add(spec == null ? e : new Registry.Entry(e.id(), spec, e.wanted()));
        }
        engine.registry.save(entries);
        byApp.forEach((app, spec) -> copies(app).forEach(c -> c.spec = spec));
    }

    List<Registry.Entry> entries() {
        var out = new ArrayList<Registry.Entry>();
        for (var p : engine.procs.values()) if (p.copy == 0) out.add(new Registry.Entry(p.id, p.spec, wanted(p.spec.name())));
        return out;
    }

    List<Object> views(List<String> names) {
        return views(names, false);
    }

    /** The status of each named process; with {@code recent}, each with its last samples (pm top draws them). */
    List<Object> views(List<String> names, boolean recent) {
        long now = engine.clock.millis();
        var out = new ArrayList<Object>();
        for (String n : names) {
            var p = engine.procs.get(n);
            if (p != null) out.add(recent ? Views.statusWithRecent(p, engine.home, now) : Views.status(p, engine.home, now).toJson());
        }
        return out;
    }

    /** Every copy of an app, copy 0 first. */
    List<Proc> copies(String app) {
        var out = new ArrayList<Proc>();
        for (var p : engine.procs.values()) if (p.spec.name().equals(app)) out.add(p);
        out.sort((a, b) -> Integer.compare(a.copy, b.copy));
        return out;
    }

    /** Every process, each app's copies together in copy order, apps in the order they came. */
    List<Proc> ordered() {
        var apps = new LinkedHashMap<String, List<Proc>>();
        for (var p : engine.procs.values()) apps.computeIfAbsent(p.spec.name(), k -> new ArrayList<>()).add(p);
        var out = new ArrayList<Proc>(engine.procs.size());
        for (var copies : apps.values()) {
            copies.sort((a, b) -> Integer.compare(a.copy, b.copy));
            out.addAll(copies);
        }
        return out;
    }

    /**
     * Holds the sockets a spec names, before it is stored: an address in use, not allowed, or another
     * app's is refused with one line, and nothing changes.
     */
    void holdSockets(ProcessSpec spec) {
        for (var p : engine.procs.values()) {
            if (p.copy != 0 || p.spec.name().equals(spec.name())) continue;
            for (String a : spec.copies().sockets())
                if (p.spec.copies().sockets().contains(a)) throw PmException.invalid("--socket " + a + " is " + p.spec.name() + "'s already");
        }
        if (!spec.copies().sockets().isEmpty()) engine.processes().holdSockets(spec.copies().sockets(), List.of());
    }

    /** Closes the sockets no registered app names any more. */
    void releaseSockets() {
        var used = new java.util.HashSet<String>();
        for (var p : engine.procs.values()) used.addAll(p.spec.copies().sockets());
        engine.processes().keepSockets(used);
    }

    private static boolean bool(Map<String, Object> args, String key) {
        return Args.flag(args, key);
    }
}
