package pm.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one way to build a {@link ProcessSpec} from what a user wrote: flags ({@code register}, {@code
 * update}), a file's keys ({@code apply}) or a JSON request (the HTTP API). It reads every raw value by
 * the {@link Field} table, resolves the script and the folder against the caller's, infers the type and
 * the name, and returns the spec or every error at once, each with its field's path.
 *
 * <p>Raw values are what a parser gives: strings from the command line; strings, numbers, booleans,
 * lists and maps from YAML or JSON. A null value counts as not given.
 */
public final class SpecBuilder {
    /** Where relative paths resolve from, and the environment whose PATH finds a bare program name. */
    public record Context(Path base, Map<String, String> environment) {
        public Context {
            base = base.toAbsolutePath().normalize();
            environment = Map.copyOf(environment);
        }

        /** The calling process's folder and environment: what {@code pm register} resolves against. */
        public static Context ofCaller() {
            return new Context(Path.of(System.getProperty("user.dir")), System.getenv());
        }
    }

    /**
     * How the input names fields, which is also how errors name them: by flag ({@code --restart-policy};
     * the script and its arguments by their keys, {@code script} and {@code args}), or by key under a
     * prefix ({@code apps.web.restart_policy}). {@code alsoKnown} are keys the caller reads itself
     * ({@code depends_on}): they are skipped, not reported, and offered as did-you-mean answers.
     */
    public record Naming(boolean byFlag, String prefix, Set<String> alsoKnown) {
        public Naming {
            alsoKnown = Set.copyOf(alsoKnown);
        }

        public static Naming flags() {
            return new Naming(true, "", Set.of());
        }

        public static Naming keys(String prefix) {
            return new Naming(false, prefix, Set.of());
        }

        public Naming alsoKnowing(Set<String> keys) {
            return new Naming(byFlag, prefix, keys);
        }

        /** How the input names this field: {@code --port} or {@code port}; the script and args by their keys. */
        String name(Field f) {
            return byFlag && !f.flag().isEmpty() ? "--" + f.flag() : f.key();
        }

        /** Where an error about this field points; empty for the positional script and args of a command line. */
        String path(Field f) {
            if (byFlag) return f.flag().isEmpty() ? "" : "--" + f.flag();
            return under(f.key());
        }

        String under(String key) {
            return prefix.isEmpty() ? key : prefix + "." + key;
        }

        Field field(String raw) {
            if (!byFlag) return Field.byKey(raw);
            Field f = Field.byFlag(raw);
            return f != null ? f : raw.equals(Field.SCRIPT.key()) ? Field.SCRIPT : raw.equals(Field.ARGS.key()) ? Field.ARGS : null;
        }

        Collection<String> names() {
            var out = new ArrayList<String>(alsoKnown);
            for (var f : Field.values()) out.add(byFlag && !f.flag().isEmpty() ? f.flag() : f.key());
            return out;
        }
    }

    /**
     * One thing wrong, where: {@code path} is the flag or key path (empty where the message names what it is
     * about), {@code message} starts with the value or what is wrong with it, so both read as one line:
     * {@code --restart-delay 3000 needs a unit: 3000ms or 3000s?},
     * {@code apps.web.restart_policy: 'sometimes' is not one of never, on-failure, always, unless-stopped}.
     */
    public record FieldError(String path, String message) {
        @Override
        public String toString() {
            if (path.isEmpty()) return message;
            return path + (path.startsWith("--") ? " " : ": ") + message;
        }
    }

    /** A spec, or everything that kept it from being one. */
    public sealed interface Built {
        record Valid(ProcessSpec spec) implements Built {}

        record Invalid(List<FieldError> errors) implements Built {
            public Invalid {
                errors = List.copyOf(errors);
            }
        }

        /** The spec, or an INVALID failure whose message holds one line per error. */
        default ProcessSpec orThrow() {
            return switch (this) {
                case Valid v -> v.spec();
                case Invalid i -> throw PmException.invalid(String.join("\n", i.errors().stream().map(FieldError::toString).toList()));
            };
        }
    }

    private final Naming naming;
    private final Context context;
    private final List<FieldError> errors = new ArrayList<>();
    private final Map<Field, Object> values = new EnumMap<>(Field.class);
    private final Map<Field, Object> given = new EnumMap<>(Field.class);
    /** Fields given a value that could not be read: the rules between fields leave them out. */
    private final Set<Field> failed = EnumSet.noneOf(Field.class);

    private SpecBuilder(Naming naming, Context context) {
        this.naming = naming;
        this.context = context;
    }

    /** A new spec from raw values by name; what is not given takes its default. */
    public static Built build(Map<String, ?> raw, Naming naming, Context context) {
        return new SpecBuilder(naming, context).run(raw, null);
    }

    /**
     * {@code base} with the raw values given changed (for {@code update}): what is not given keeps its value
     * in {@code base}. A new script without a type has its type inferred again; a map or list given replaces
     * the old one whole (merge first to add to it).
     */
    public static Built change(ProcessSpec base, Map<String, ?> raw, Naming naming, Context context) {
        return new SpecBuilder(naming, context).run(raw, base);
    }

    private Built run(Map<String, ?> raw, ProcessSpec base) {
        for (var f : Field.values()) values.put(f, base == null ? f.defaultValue() : f.valueIn(base));
        raw.forEach((name, value) -> {
            Field f = naming.field(name);
            if (f == null) {
                if (!naming.alsoKnown().contains(name)) unknown(name);
            } else if (value != null) {
                Object v = Values.read(f, value, naming, this::error);
                if (v != null) given.put(f, v);
                else failed.add(f);
            }
        });
        values.putAll(given);
        values.put(Field.CWD, cwd());
        Path script = script(base);
        values.put(Field.TYPE, type(script, base));
        values.put(Field.INTERPRETER, interpreter(script));
        if (base == null && !given.containsKey(Field.NAME) && script != null) values.put(Field.NAME, Script.defaultName(script));
        check(base);
        if (!errors.isEmpty()) return new Built.Invalid(errors);
        try {
            return new Built.Valid(spec());
        } catch (PmException e) {
            // Every rule of the constructor is checked above with its path; this is a safety net.
            error("", e.getMessage());
            return new Built.Invalid(errors);
        }
    }

    private void unknown(String name) {
        String near = Names.nearest(name, naming.names());
        String what = naming.byFlag() ? "unknown flag" : "unknown key";
        String path = naming.byFlag() ? "--" + name : naming.under(name);
        errors.add(new FieldError(naming.byFlag() ? "" : path, (naming.byFlag() ? what + " " + path : what)
                + (near.isEmpty() ? "" : "; did you mean " + (naming.byFlag() ? "--" : "") + near + "?")));
    }

    void error(String path, String message) {
        errors.add(new FieldError(path, message));
    }

    private String cwd() {
        Object given = this.given.get(Field.CWD);
        if (given == null) return values.get(Field.CWD) == null ? context.base().toString() : (String) values.get(Field.CWD);
        Path dir = context.base().resolve((String) given).normalize();
        if (!Files.isDirectory(dir)) error(naming.path(Field.CWD), dir + " is not a directory");
        return dir.toString();
    }

    /** The resolved script, or null when it is not known (an error says why, except for a kept one). */
    private Path script(ProcessSpec base) {
        Object given = this.given.get(Field.SCRIPT);
        if (given == null) {
            if (base == null) error(naming.prefix(), "missing script: give the program to run");
            return null;
        }
        try {
            Path p = Script.resolve((String) given, context.base(), context.environment().get("PATH"));
            values.put(Field.SCRIPT, p.toString());
            return p;
        } catch (PmException e) {
            error(naming.path(Field.SCRIPT), e.getMessage());
            return null;
        }
    }

    private ProcessType type(Path script, ProcessSpec base) {
        if (given.containsKey(Field.TYPE)) return (ProcessType) given.get(Field.TYPE);
        if (script == null) return base == null ? null : base.type();
        ProcessType inferred = Script.inferType(script);
        if (inferred == null)
            error(naming.byFlag() ? "" : naming.path(Field.TYPE), "cannot tell what kind of program " + script + " is: "
                    + (naming.byFlag() ? "pass --type " : "set type to ") + String.join(", ", Field.TYPE.choices()));
        return inferred;
    }

    /**
     * A Python app runs in the virtualenv kept beside it ({@code .venv/} or {@code venv/} in the script's
     * folder or a parent, up to the base folder) unless an interpreter is given; stored in the spec, so
     * {@code describe} shows which. Looked for only when the script is given.
     */
    private Object interpreter(Path script) {
        Object current = values.get(Field.INTERPRETER);
        if (given.containsKey(Field.INTERPRETER) || script == null || values.get(Field.TYPE) != ProcessType.PYTHON) return current;
        return Venv.find(script.getParent(), context.base()).map(Path::toString).orElse((String) current);
    }

    /** The rules between fields, and the name's, which need the default name worked out first. */
    private void check(ProcessSpec base) {
        String name = (String) values.get(Field.NAME);
        if (name != null) {
            String problem = ProcessSpec.nameProblem(name);
            if (problem.isEmpty() && (base == null || !name.equals(base.name()))) problem = ProcessSpec.newNameProblem(name);
            if (!problem.isEmpty()) error(naming.path(Field.NAME), problem);
            if (((Map<?, ?>) values.get(Field.DEPENDS_ON)).containsKey(name))
                error(naming.path(Field.DEPENDS_ON), name + " cannot depend on itself");
        }
        for (String socket : sockets()) {
            String problem = SocketAddress.problem(socket);
            if (!problem.isEmpty()) error(naming.path(Field.SOCKETS), problem);
        }
        int port = (Integer) values.get(Field.PORT), count = (Integer) values.get(Field.INSTANCES);
        if (port != 0 && count > 1 && sockets().isEmpty() && port + count - 1 > 65535)
            error(naming.path(Field.INSTANCES), count + " copies from --port " + port + " need ports past 65535; lower one of them");
        String check = (String) values.get(Field.HEALTH_CHECK);
        if (!check.isEmpty() && !failed.contains(Field.PORT)) {
            String problem = Probe.problem(check, (Integer) values.get(Field.PORT), naming.name(Field.PORT));
            if (!problem.isEmpty()) error(naming.path(Field.HEALTH_CHECK), problem);
        }
    }

    private ProcessSpec spec() {
        @SuppressWarnings("unchecked")
        var env = (Map<String, String>) values.get(Field.ENV);
        @SuppressWarnings("unchecked")
        var args = (List<String>) values.get(Field.ARGS);
        @SuppressWarnings("unchecked")
        var dependsOn = (Map<String, Condition>) values.get(Field.DEPENDS_ON);
        return new ProcessSpec((String) values.get(Field.NAME), (ProcessType) values.get(Field.TYPE),
                (String) values.get(Field.SCRIPT), args, (String) values.get(Field.INTERPRETER), (String) values.get(Field.CWD),
                new LinkedHashMap<>(env), (Integer) values.get(Field.PORT), (String) values.get(Field.HEALTH_CHECK),
                (RestartPolicy) values.get(Field.RESTART_POLICY), (Integer) values.get(Field.MAX_RESTARTS),
                duration(Field.RESTART_DELAY), (Integer) values.get(Field.STOP_SIGNAL), duration(Field.KILL_TIMEOUT),
                new HealthSettings(duration(Field.HEALTH_INTERVAL), duration(Field.HEALTH_TIMEOUT),
                        (Integer) values.get(Field.HEALTH_RETRIES), duration(Field.HEALTH_START_PERIOD)),
                duration(Field.HEARTBEAT_TIMEOUT), (Long) values.get(Field.MAX_MEMORY),
                new LogSettings((Long) values.get(Field.MAX_LOG_SIZE), (Integer) values.get(Field.LOG_FILES)), dependsOn,
                new Copies((Integer) values.get(Field.INSTANCES), sockets(), duration(Field.READY_AFTER)));
    }

    @SuppressWarnings("unchecked")
    private List<String> sockets() {
        return (List<String>) values.get(Field.SOCKETS);
    }

    private Duration duration(Field f) {
        return (Duration) values.get(f);
    }
}
