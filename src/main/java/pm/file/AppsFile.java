package pm.file;

import pm.core.Dependencies;
import pm.core.Field;
import pm.core.Names;
import pm.core.PmException;
import pm.core.ProcessSpec;
import pm.core.SpecBuilder;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A pm.yaml (or the same as JSON): {@code apps:}, a map of app names to their settings, each read by
 * {@link SpecBuilder} with the keys of the field table, plus the keys read here: {@code env_file} (dotenv
 * files, relative to the file, whose variables {@code env} overrides) and {@code autostart}. Relative
 * paths resolve from the file's folder. Every problem of the file is reported at once, each with its
 * line, column and key path, and nothing is loaded unless there are none.
 */
public final class AppsFile {
    /** One app of the file: its spec, and whether {@code apply} starts it. */
    public record App(ProcessSpec spec, boolean autostart) {}

    /** The apps of a file, and what {@code pm apply} remembers of the parse that gave them ({@link Applied}). */
    public record Loaded(List<App> apps, Applied.Memory memory) {}

    /** The keys of an app that the loader reads itself: name, what it is, its default, what it does. */
    public enum Key {
        ENV_FILE("env_file", "a file, or a list of files", "none",
                "dotenv files (KEY=VALUE lines) read when the file is applied, relative to it; env overrides them"),
        AUTOSTART("autostart", "true or false", "true", "whether pm apply starts it");

        public final String key;
        public final String kind;
        public final String defaultText;
        public final String help;

        Key(String key, String kind, String defaultText, String help) {
            this.key = key;
            this.kind = kind;
            this.defaultText = defaultText;
            this.help = help;
        }
    }

    private static final Set<String> OWN_KEYS = Set.of(Key.ENV_FILE.key, Key.AUTOSTART.key);

    private final YamlTree.Tree tree;
    private final Path folder;
    private final SpecBuilder.Context context;
    private final Problems problems;
    /** Each env file read, by absolute path, with its text: read once, however many apps name it. */
    private final Map<String, String> envFiles = new LinkedHashMap<>();
    /** Each app's settings as the spec builder was given them. */
    private final List<Applied.Settings> settings = new ArrayList<>();

    private AppsFile(YamlTree.Tree tree, Path folder, Map<String, String> env, Problems problems) {
        this.tree = tree;
        this.folder = folder;
        this.context = new SpecBuilder.Context(folder, env);
        this.problems = problems;
    }

    /**
     * The apps of {@code file}, named in messages as {@code shown} (as the user typed it), with variables
     * from {@code env}; INVALID (exit 2) with one line per problem.
     */
    public static List<App> load(Path file, String shown, Map<String, String> env) {
        return load(file, shown, text(file, shown), env).apps();
    }

    /** The apps of {@code file}, whose text is {@code text}, and what they were made from; as {@link #load(Path, String, Map)}. */
    public static Loaded load(Path file, String shown, String text, Map<String, String> env) {
        var problems = new Problems(shown);
        var variables = new TreeMap<String, String>();
        var tree = YamlTree.read(text, shown, noting(env, variables), problems);
        if (tree == null) problems.throwIfAny();
        var loader = new AppsFile(tree, file.toAbsolutePath().getParent(), env, problems);
        var apps = loader.apps();
        problems.throwIfAny();
        return new Loaded(apps, new Applied.Memory(file, text, loader.envFiles, variables, loader.settings));
    }

    /** {@code env} as the file's variables read it: each name read goes into {@code read} with its value, null when unset. */
    private static Map<String, String> noting(Map<String, String> env, Map<String, String> read) {
        return new java.util.AbstractMap<>() {
            @Override
            public String get(Object name) {
                String value = env.get(name);
                read.put((String) name, value);
                return value;
            }

            @Override
            public Set<Entry<String, String>> entrySet() {
                return env.entrySet();
            }
        };
    }

    /**
     * The names of the file's apps, with no more checked than that the file has them ({@code pm down} of a
     * file whose scripts are gone, or whose variables are not set here, still works).
     */
    public static List<String> names(Path file, String shown) {
        var problems = new Problems(shown);
        var tree = YamlTree.read(text(file, shown), shown, null, problems);
        // An app named twice (or any other problem of the YAML itself) leaves it unclear which apps are meant.
        problems.throwIfAny();
        if (tree.root() instanceof Map<?, ?> top && top.get("apps") instanceof Map<?, ?> apps) {
            var out = new ArrayList<String>();
            for (Object n : apps.keySet()) out.add(String.valueOf(n));
            return out;
        }
        throw PmException.invalid(shown + ": no apps: map in it (docs/config.md shows how to write one)");
    }

    /** The file's text, or INVALID saying why it cannot be read. */
    public static String text(Path file, String shown) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw PmException.invalid(shown + ": no such file");
        } catch (CharacterCodingException e) {
            throw PmException.invalid(shown + ": is not UTF-8 text");
        } catch (IOException e) {
            throw PmException.invalid(shown + ": cannot read it: " + e.getMessage());
        }
    }

    private List<App> apps() {
        if (!(tree.root() instanceof Map<?, ?> top)) {
            problems.add(tree.at(""), "", "the file is " + what(tree.root()) + ", not a map: start it with apps:, a map of app names to their settings");
            return List.of();
        }
        for (Object key : top.keySet()) {
            String k = String.valueOf(key);
            if (!k.equals("apps") && !k.startsWith("x-")) {
                String near = Names.nearest(k, List.of("apps"));
                problems.add(tree.at(k), k, "unknown key: the file holds apps: (and x- keys for anchors)" + (near.isEmpty() ? "" : "; did you mean apps?"));
            }
        }
        if (!top.containsKey("apps")) {
            if (problems.isEmpty()) problems.add(tree.at(""), "", "no apps: key: list your apps under apps:, a map of app names to their settings");
            return List.of();
        }
        if (!(top.get("apps") instanceof Map<?, ?> byName)) {
            problems.add(tree.at("apps"), "apps", "expected a map of app names to their settings, got " + what(top.get("apps"))
                    + (top.get("apps") == null ? " (write apps: {} for none)" : ""));
            return List.of();
        }
        var out = new ArrayList<App>();
        var raws = new LinkedHashMap<String, Map<?, ?>>();
        for (var e : byName.entrySet()) {
            String name = String.valueOf(e.getKey());
            String path = "apps." + name;
            if (!(e.getValue() instanceof Map<?, ?> raw)) {
                problems.add(tree.at(path), path, "expected a map of settings (script: ... and the others), got " + what(e.getValue()));
                continue;
            }
            raws.put(name, raw);
            var app = app(name, raw, path);
            if (app != null) out.add(app);
        }
        dependencies(raws);
        return out;
    }

    private App app(String name, Map<?, ?> given, String path) {
        var raw = new LinkedHashMap<String, Object>();
        given.forEach((k, v) -> raw.put(String.valueOf(k), v));
        Object named = raw.get(Field.NAME.key());
        if (named != null && !name.equals(String.valueOf(named)))
            problems.add(tree.at(path + ".name"), path + ".name", "'" + named + "' is not the app's name, " + name
                    + " (its key under apps): leave name: out");
        raw.put(Field.NAME.key(), name);
        boolean autostart = autostart(raw.remove(Key.AUTOSTART.key), path);
        Object envFile = raw.remove(Key.ENV_FILE.key);
        if (envFile != null) raw.put(Field.ENV.key(), withEnvFiles(envFile, raw.get(Field.ENV.key()), path));
        settings.add(new Applied.Settings(name, raw, autostart));
        var naming = SpecBuilder.Naming.keys(path).alsoKnowing(OWN_KEYS);
        return switch (SpecBuilder.build(raw, naming, context)) {
            case SpecBuilder.Built.Valid v -> new App(v.spec(), autostart);
            case SpecBuilder.Built.Invalid i -> {
                // A value whose variable is not set is reported once, for that: its empty stand-in is no second problem.
                for (var error : i.errors()) if (!problems.has(error.path())) problems.add(tree.at(error.path()), error.path(), error.message());
                yield null;
            }
        };
    }

    private boolean autostart(Object value, String path) {
        if (value == null || value instanceof Boolean) return !Boolean.FALSE.equals(value);
        String at = path + "." + Key.AUTOSTART.key;
        // As the schema says: true or false, not the text of one ("true" in quotes, or from a variable).
        if (value instanceof String s && (s.strip().equalsIgnoreCase("true") || s.strip().equalsIgnoreCase("false")))
            problems.add(tree.at(at), at, "'" + s + "' is text, not true or false: write " + s.strip().toLowerCase(java.util.Locale.ROOT) + " without quotes");
        else
            problems.add(tree.at(at), at, "'" + value + "' is not true or false" + (value instanceof String ? " (YAML 1.2 reads yes and on as words)" : ""));
        return true;
    }

    /** The variables of the env files, in order, then the app's own env over them. */
    private Object withEnvFiles(Object envFile, Object env, String path) {
        String at = path + "." + Key.ENV_FILE.key;
        List<?> files = envFile instanceof List<?> l ? l : List.of(envFile);
        var merged = new LinkedHashMap<String, Object>();
        for (int i = 0; i < files.size(); i++) {
            String itemAt = envFile instanceof List<?> ? at + "[" + i + "]" : at;
            if (!(files.get(i) instanceof String name) || name.isEmpty()) {
                problems.add(tree.at(itemAt), itemAt, "expected a file's path, got " + what(files.get(i)));
                continue;
            }
            Path file = folder.resolve(name).normalize();
            Consumer<String> problem = message -> problems.add(tree.at(itemAt), itemAt, message);
            String text = envFiles.containsKey(file.toString()) ? envFiles.get(file.toString()) : DotEnv.text(file, name, problem);
            if (text == null) continue;
            envFiles.put(file.toString(), text);
            merged.putAll(DotEnv.parse(text, name, problem));
        }
        if (env instanceof Map<?, ?> own) {
            own.forEach((k, v) -> merged.put(String.valueOf(k), v));
        } else if (env instanceof List<?> words) {
            // KEY=VALUE words, as compose writes them: the builder reads them, after the files' variables.
            var out = new ArrayList<Object>();
            merged.forEach((k, v) -> out.add(k + "=" + v));
            out.addAll(words);
            return out;
        } else if (env != null) {
            return env; // the builder says what is wrong with it
        }
        return merged;
    }

    /** Every dependency names an app of the file, and none goes round in a cycle. */
    private void dependencies(Map<String, Map<?, ?>> raws) {
        var graph = new LinkedHashMap<String, Set<String>>();
        raws.forEach((name, raw) -> {
            String at = "apps." + name + "." + Field.DEPENDS_ON.key();
            var names = new java.util.LinkedHashSet<String>();
            Object deps = raw.get(Field.DEPENDS_ON.key());
            if (deps instanceof List<?> list) {
                for (int i = 0; i < list.size(); i++) if (list.get(i) instanceof String d) check(d, at + "[" + i + "]", raws, names);
            } else if (deps instanceof Map<?, ?> map) {
                for (Object d : map.keySet()) check(String.valueOf(d), at + "." + d, raws, names);
            }
            graph.put(name, names);
        });
        for (var cycle : Dependencies.cycles(graph)) {
            String at = "apps." + cycle.getFirst() + "." + Field.DEPENDS_ON.key();
            problems.add(tree.at(at), at, "a dependency cycle: " + Dependencies.describe(cycle) + "; no app of it could ever start");
        }
    }

    private void check(String dependency, String at, Map<String, Map<?, ?>> raws, Set<String> names) {
        if (raws.containsKey(dependency)) {
            names.add(dependency);
            return;
        }
        try {
            ProcessSpec.checkName(dependency);
        } catch (PmException badName) {
            return; // the builder says what is wrong with the name
        }
        String near = Names.nearest(dependency, raws.keySet());
        problems.add(tree.at(at), at, "no app named " + dependency + " in this file" + (near.isEmpty() ? "" : "; did you mean " + near + "?"));
    }

    private static String what(Object v) {
        if (v == null) return "empty";
        if (v instanceof List<?>) return "a list";
        if (v instanceof Map<?, ?>) return "a map";
        if (v instanceof String s) return "the text '" + s + "'";
        return "the value " + v;
    }
}
