package pm.file;

import pm.core.Condition;
import pm.core.Field;
import pm.core.Json;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * docs/pm.schema.json as the field table and the loader's own keys make it: SchemaTest checks that the
 * file is exactly this, and writes it when run with {@code -Dpm.schema.write=true}. So a new field is in
 * the schema as soon as it is in the table, and the two cannot disagree on which keys there are.
 */
final class Schema {
    private Schema() {}

    /** A string holding a variable, which pm apply replaces before it reads the value. */
    private static final Map<String, Object> VARIABLE = object("type", "string", "pattern", "\\$\\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\\}");
    private static final List<String> SCALAR = List.of("string", "number", "boolean");

    static Map<String, Object> schema() {
        var top = new LinkedHashMap<String, Object>();
        top.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        top.put("title", "pm.yaml");
        top.put("description", "The apps pm apply makes true: apps, a map of app names to their settings (docs/config.md)."
                + " Written from pm's field table; strings may hold ${VAR} and ${VAR:-default}, $$ for a $.");
        top.put("type", "object");
        top.put("required", List.of("apps"));
        top.put("properties", object("apps", object("description", "The apps, by name.", "type", "object",
                "propertyNames", object("pattern", "^(?!-)(?!.*\\.\\.)[A-Za-z0-9_.@-]{1,64}$"),
                "additionalProperties", object("$ref", "#/$defs/app"))));
        top.put("patternProperties", object("^x-", object("description", "Free for YAML anchors that the apps refer to.")));
        top.put("additionalProperties", false);
        var app = new LinkedHashMap<String, Object>();
        app.put("type", "object");
        app.put("required", List.of(Field.SCRIPT.key()));
        app.put("additionalProperties", false);
        app.put("properties", appProperties());
        top.put("$defs", object("app", app));
        return top;
    }

    /** Every key of an app: one per field of the table, then the loader's own. */
    static Map<String, Object> appProperties() {
        var out = new LinkedHashMap<String, Object>();
        for (var f : Field.values()) {
            var p = new LinkedHashMap<String, Object>();
            p.put("description", f == Field.NAME ? "Leave it out: the app's key under apps is its name." : description(f));
            p.putAll(shape(f));
            out.put(f.key(), p);
        }
        for (var k : AppsFile.Key.values()) {
            var p = new LinkedHashMap<String, Object>();
            p.put("description", k.help + " (default " + k.defaultText + ")");
            p.putAll(k == AppsFile.Key.AUTOSTART ? object("type", "boolean", "default", true)
                    : object("anyOf", List.of(object("type", "string"), object("type", "array", "items", object("type", "string")))));
            out.put(k.key, p);
        }
        return out;
    }

    /** The help of register's flag, except where a file reads the value differently. */
    private static String description(Field f) {
        return switch (f) {
            case SCRIPT -> "the program to run: a path (relative to this file's folder) or a bare name found on PATH";
            case CWD -> "its working folder, relative to this file's folder (default: this file's folder)";
            default -> f.help().isEmpty() ? f.key() : f.help();
        };
    }

    private static Map<String, Object> shape(Field f) {
        return switch (f.kind()) {
            case DURATION -> anyOf(object("const", 0),
                    object("type", "string", "pattern", "^\\s*(0|[0-9]{1,9}(\\.[0-9]{1,9})?([mM][sS]|[sSmMhH]))\\s*$"), VARIABLE);
            case SIZE -> anyOf(object("const", 0), object("type", "string", "pattern", "^\\s*(0|[0-9]+([kKmMgG][bB]?|[bB]))\\s*$"), VARIABLE);
            case COUNT, PORT -> anyOf(object("type", "integer", "minimum", f.min(), "maximum", f.max()),
                    object("type", "string", "pattern", "^\\s*[0-9]+\\s*$"), VARIABLE);
            case CHOICE -> f == Field.STOP_SIGNAL
                    ? anyOf(object("type", "string", "pattern", "^\\s*([sS][iI][gG])?[A-Za-z0-9]+\\s*$"), object("type", "integer", "minimum", 1, "maximum", 31))
                    : anyOf(object("enum", f.choices()), VARIABLE);
            case STRING -> object("type", "string");
            case LIST -> object("type", "array", "items", object("type", SCALAR));
            case MAP -> anyOf(object("type", "object", "additionalProperties", object("type", SCALAR)),
                    object("type", "array", "items", object("type", "string", "pattern", "^[^=]+=")));
            case BOOL -> object("type", "boolean");
            case DEPENDENCIES -> anyOf(object("type", "array", "items", object("type", "string")),
                    object("type", "object", "additionalProperties", object("enum", withNull(Condition.words()))));
        };
    }

    private static List<Object> withNull(List<String> words) {
        var out = new java.util.ArrayList<Object>(words);
        out.add(null);
        return out;
    }

    private static Map<String, Object> anyOf(Object... choices) {
        var out = new LinkedHashMap<String, Object>();
        out.put("anyOf", List.of(choices));
        return out;
    }

    /** A map in the order given (Map.of has none, and the file should read in a sensible order). */
    private static Map<String, Object> object(Object... pairs) {
        var out = new LinkedHashMap<String, Object>();
        for (int i = 0; i < pairs.length; i += 2) out.put((String) pairs[i], pairs[i + 1]);
        return out;
    }

    /** The schema as the file holds it: two-space indents, short lists and maps of plain values on one line. */
    static String text() {
        var out = new StringBuilder();
        write(schema(), 0, out);
        return out.append('\n').toString();
    }

    private static void write(Object value, int indent, StringBuilder out) {
        String oneLine = Json.write(value);
        if (!(value instanceof Map<?, ?> || value instanceof List<?>) || oneLine.length() + indent <= 100 && !oneLine.contains("{\"")) {
            out.append(oneLine.replace("\":", "\": ").replace(",\"", ", \""));
            return;
        }
        String pad = " ".repeat(indent + 2);
        boolean map = value instanceof Map<?, ?>;
        out.append(map ? "{\n" : "[\n");
        var items = map ? List.copyOf(((Map<?, ?>) value).entrySet()) : (List<?>) value;
        for (int i = 0; i < items.size(); i++) {
            out.append(pad);
            Object item = items.get(i);
            if (item instanceof Map.Entry<?, ?> e) {
                out.append(Json.write(String.valueOf(e.getKey()))).append(": ");
                item = e.getValue();
            }
            write(item, indent + 2, out);
            out.append(i + 1 < items.size() ? ",\n" : "\n");
        }
        out.append(" ".repeat(indent)).append(map ? "}" : "]");
    }
}
