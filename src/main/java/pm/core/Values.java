package pm.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Reads one raw value (a string from a flag; a string, number, boolean, list or map from YAML or JSON)
 * as its {@link Field}'s kind says, into the form {@link Field#valueIn} gives; null when it cannot,
 * after telling {@code error} where and why. Each message begins with the value, so it reads after the
 * flag ({@code --port 'http' is not a port ...}) as after the key ({@code apps.web.port: 'http' is ...}).
 */
final class Values {
    private Values() {}

    static Object read(Field f, Object raw, SpecBuilder.Naming naming, BiConsumer<String, String> error) {
        String path = naming.path(f);
        return switch (f.kind()) {
            case DURATION -> duration(f, raw, path, error);
            case SIZE -> size(f, raw, path, error);
            case COUNT, PORT -> count(f, raw, path, error);
            case CHOICE -> choice(f, raw, !naming.byFlag(), path, error);
            case STRING -> string(f, raw, path, error);
            case LIST -> list(f, raw, naming, error);
            case MAP -> map(raw, naming.byFlag(), path, error);
            case BOOL -> bool(raw, path, error);
            case DEPENDENCIES -> dependencies(raw, naming.byFlag(), path, error);
        };
    }

    /**
     * App names with their conditions: a list of names (each {@code started}, or {@code NAME:CONDITION} as
     * the flag takes it), or a map of names to conditions. An empty word is skipped, so {@code --depends-on ''}
     * gives none.
     */
    private static Map<String, Condition> dependencies(Object raw, boolean flags, String path, BiConsumer<String, String> error) {
        var out = new LinkedHashMap<String, Condition>();
        boolean ok = true;
        if (raw instanceof List<?> items) {
            for (int i = 0; i < items.size(); i++) {
                String at = flags ? path : path + "[" + i + "]";
                if (!(items.get(i) instanceof String word)) {
                    error.accept(at, "expected an app's name, got " + what(items.get(i)));
                    ok = false;
                    continue;
                }
                if (word.isBlank()) continue;
                int colon = flags ? word.lastIndexOf(':') : -1;
                String name = colon < 0 ? word.strip() : word.substring(0, colon).strip();
                ok &= dependency(name, colon < 0 ? Condition.STARTED.wireName() : word.substring(colon + 1), at, out, error);
            }
        } else if (raw instanceof Map<?, ?> m) {
            for (var e : m.entrySet()) {
                String name = String.valueOf(e.getKey());
                String at = path + "." + name;
                Object v = e.getValue() == null ? Condition.STARTED.wireName() : e.getValue();
                if (!(v instanceof String word)) {
                    error.accept(at, "expected one of " + String.join(", ", Condition.words()) + ", got " + what(v));
                    ok = false;
                } else {
                    ok &= dependency(name, word, at, out, error);
                }
            }
        } else {
            error.accept(path, "expected a list of app names, or a map of names to " + String.join(", ", Condition.words())
                    + ", got " + what(raw));
            return null;
        }
        return ok ? out : null;
    }

    private static boolean dependency(String name, String word, String at, Map<String, Condition> out, BiConsumer<String, String> error) {
        String problem = ProcessSpec.nameProblem(name);
        if (!problem.isEmpty()) {
            error.accept(at, "the name " + problem);
            return false;
        }
        Condition c = Condition.of(word);
        if (c == null) {
            String near = Names.nearest(word.strip().toLowerCase(java.util.Locale.ROOT), Condition.words());
            error.accept(at, "'" + word + "' is not one of " + String.join(", ", Condition.words())
                    + (near.isEmpty() ? "" : "; did you mean " + near + "?"));
            return false;
        }
        out.put(name, c);
        return true;
    }

    private static Duration duration(Field f, Object raw, String path, BiConsumer<String, String> error) {
        Duration d;
        if (raw instanceof String s) {
            try {
                d = Units.parseDuration(s);
            } catch (PmException e) {
                error.accept(path, e.getMessage());
                return null;
            }
        } else if (raw instanceof Number n) {
            if (n.doubleValue() != 0) {
                error.accept(path, n + " needs a unit: " + n + "ms or " + n + "s?");
                return null;
            }
            d = Duration.ZERO;
        } else {
            error.accept(path, "expected a duration such as 5s, got " + what(raw));
            return null;
        }
        long ms = d.toMillis();
        if (ms == 0 && f.zeroIsOff()) return d;
        if (ms < f.min()) {
            error.accept(path, text(raw) + " is too short: use at least " + Units.formatDuration(Duration.ofMillis(f.min())));
            return null;
        }
        if (ms > f.max()) {
            error.accept(path, text(raw) + " is too long: use at most " + Units.formatDuration(Duration.ofMillis(f.max())));
            return null;
        }
        return d;
    }

    private static Long size(Field f, Object raw, String path, BiConsumer<String, String> error) {
        long n;
        if (raw instanceof String s) {
            try {
                n = Units.parseSize(s);
            } catch (PmException e) {
                error.accept(path, e.getMessage());
                return null;
            }
        } else if (raw instanceof Number number) {
            if (number.doubleValue() != 0) {
                error.accept(path, number + " needs a unit: " + number + "K or " + number + "M?");
                return null;
            }
            n = 0;
        } else {
            error.accept(path, "expected a size such as 200M, got " + what(raw));
            return null;
        }
        if (n == 0 && f.zeroIsOff()) return n;
        if (n < f.min()) {
            error.accept(path, text(raw) + " is too small: use at least " + Units.formatSizeExact(f.min())
                    + (f.zeroIsOff() ? ", or 0 to turn it off" : ""));
            return null;
        }
        return n;
    }

    private static Integer count(Field f, Object raw, String path, BiConsumer<String, String> error) {
        String range = f.kind() == Field.Kind.PORT ? "is not a port: use a number from 1 to 65535"
                : f.max() >= Integer.MAX_VALUE ? "is not a whole number of " + f.min() + " or more"
                : "is not a whole number from " + f.min() + " to " + f.max();
        long n;
        if (raw instanceof String s) {
            try {
                n = Long.parseLong(s.strip());
                if (s.strip().startsWith("+")) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                error.accept(path, "'" + s + "' " + range);
                return null;
            }
        } else if (raw instanceof Long || raw instanceof Integer || raw instanceof Short) {
            n = ((Number) raw).longValue();
        } else {
            error.accept(path, (raw instanceof Number ? raw + " " + range : "expected a whole number, got " + what(raw)));
            return null;
        }
        if (n < f.min() || n > f.max()) {
            error.accept(path, text(raw) + " " + range);
            return null;
        }
        return (int) n;
    }

    /**
     * One of the field's words. A flag also takes other spellings ({@code --type node}, {@code Always}); a
     * key takes the words alone, as the schema of pm.yaml does, so that an editor and pm apply agree.
     */
    private static Object choice(Field f, Object raw, boolean exact, String path, BiConsumer<String, String> error) {
        String s;
        if (raw instanceof String str) s = str;
        else if (f == Field.STOP_SIGNAL && (raw instanceof Long || raw instanceof Integer)) s = raw.toString();
        else {
            error.accept(path, "expected one of " + String.join(", ", f.choices()) + ", got " + what(raw));
            return null;
        }
        try {
            if (exact && f != Field.STOP_SIGNAL && !f.choices().contains(s)) throw PmException.invalid(s);
            return switch (f) {
                case TYPE -> ProcessType.parse(s);
                case RESTART_POLICY -> RestartPolicy.parse(s);
                case STOP_SIGNAL -> Signals.parse(s);
                default -> throw new IllegalArgumentException("not a choice: " + f);
            };
        } catch (PmException e) {
            if (f == Field.STOP_SIGNAL) {
                error.accept(path, "'" + s + "' is not a signal: use a name such as TERM, INT, QUIT, HUP or KILL, or a number from 1 to 31");
            } else {
                String near = Names.nearest(s.strip().toLowerCase(java.util.Locale.ROOT), f.choices());
                error.accept(path, "'" + s + "' is not one of " + String.join(", ", f.choices())
                        + (near.isEmpty() ? "" : "; did you mean " + near + "?"));
            }
            return null;
        }
    }

    private static String string(Field f, Object raw, String path, BiConsumer<String, String> error) {
        if (!scalar(raw)) {
            error.accept(path, "expected a string, got " + what(raw));
            return null;
        }
        String s = String.valueOf(raw);
        if (s.indexOf('\0') >= 0) {
            error.accept(path, path.isEmpty() ? "the " + f.key() + " holds a NUL character" : "holds a NUL character");
            return null;
        }
        return f == Field.INTERPRETER ? String.join(" ", ProcessSpec.words(s)) : s;
    }

    private static List<String> list(Field f, Object raw, SpecBuilder.Naming naming, BiConsumer<String, String> error) {
        String path = naming.path(f);
        if (!(raw instanceof List<?> items)) {
            error.accept(path, "expected a list such as [a, b], got " + what(raw));
            return null;
        }
        var out = new ArrayList<String>();
        boolean ok = true;
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            String at = naming.byFlag() ? path : path + "[" + i + "]";
            if (!scalar(item)) {
                error.accept(at, "expected a string, got " + what(item));
                ok = false;
            } else if (String.valueOf(item).indexOf('\0') >= 0) {
                error.accept(at, at.isEmpty() ? "an argument holds a NUL character" : "holds a NUL character");
                ok = false;
            } else {
                out.add(String.valueOf(item));
            }
        }
        return ok ? out : null;
    }

    /** A map, or KEY=VALUE words (repeated flags, or a list as compose files write it). */
    private static Map<String, String> map(Object raw, boolean flags, String path, BiConsumer<String, String> error) {
        var out = new LinkedHashMap<String, String>();
        boolean ok = true;
        if (raw instanceof Map<?, ?> m) {
            for (var e : m.entrySet()) {
                String key = String.valueOf(e.getKey());
                String at = flags ? path : path + "." + key;
                Object v = e.getValue();
                if (v == null) {
                    error.accept(at, (flags ? key + ": " : "") + "null is not a value: write \"\" for an empty one");
                    ok = false;
                } else if (!scalar(v)) {
                    error.accept(at, "expected a string, got " + what(v));
                    ok = false;
                } else {
                    ok &= entry(key, String.valueOf(v), at, out, error);
                }
            }
        } else if (raw instanceof List<?> items) {
            for (int i = 0; i < items.size(); i++) {
                String at = flags ? path : path + "[" + i + "]";
                String word = String.valueOf(items.get(i));
                int eq = word.indexOf('=');
                if (!(items.get(i) instanceof String) || eq <= 0) {
                    error.accept(at, "'" + ProcessSpec.printable(word) + "' is not KEY=VALUE: write it like DEBUG=true");
                    ok = false;
                } else {
                    ok &= entry(word.substring(0, eq), word.substring(eq + 1), at, out, error);
                }
            }
        } else {
            error.accept(path, "expected a map of names to values, got " + what(raw));
            return null;
        }
        return ok ? out : null;
    }

    private static boolean entry(String key, String value, String at, Map<String, String> out, BiConsumer<String, String> error) {
        if (key.isEmpty() || key.contains("=") || key.indexOf('\0') >= 0) {
            error.accept(at, "'" + ProcessSpec.printable(key) + "' is not a variable name: it may not be empty or hold '=' or NUL");
            return false;
        }
        if (value.indexOf('\0') >= 0) {
            error.accept(at, key + " holds a NUL character");
            return false;
        }
        out.put(key, value);
        return true;
    }

    static Boolean bool(Object raw, String path, BiConsumer<String, String> error) {
        if (raw instanceof Boolean b) return b;
        if (raw instanceof String s && (s.strip().equalsIgnoreCase("true") || s.strip().equalsIgnoreCase("false")))
            return Boolean.parseBoolean(s.strip());
        error.accept(path, (raw instanceof String s ? "'" + s + "'" : String.valueOf(raw)) + " is not true or false");
        return null;
    }

    private static boolean scalar(Object v) {
        return v instanceof String || v instanceof Number || v instanceof Boolean;
    }

    /** The value as the user wrote it, for a message. */
    private static String text(Object raw) {
        return raw instanceof String s ? s.strip() : String.valueOf(raw);
    }

    private static String what(Object raw) {
        if (raw == null) return "null";
        if (raw instanceof List<?>) return "a list";
        if (raw instanceof Map<?, ?>) return "a map";
        if (raw instanceof Boolean b) return b.toString();
        if (raw instanceof Number n) return "the number " + n;
        return "'" + raw + "'";
    }
}
