package pm.file;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A YAML 1.2 text (JSON is YAML too) read by SnakeYAML Engine into plain values, strings, numbers,
 * booleans, lists and maps, with the position of every key and list item by its path
 * ({@code apps.web.env.PORT}, {@code apps.web.args[0]}), so a problem found later names its line and
 * column. Duplicate keys, tabs and syntax errors are problems here; variables are expanded in string
 * values (not keys) on the way.
 */
final class YamlTree {
    /** The values, and where each path starts in the file. */
    record Tree(Object root, Map<String, Problems.Position> marks) {
        /** Where this path, or the nearest enclosing one that is in the file, starts. */
        Problems.Position at(String path) {
            for (String p = path; ; ) {
                var found = marks.get(p);
                if (found != null) return found;
                int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
                if (cut <= 0) return marks.getOrDefault("", Problems.Position.FILE);
                p = p.substring(0, cut);
            }
        }
    }

    private static final int MAX_DEPTH = 32;

    private final Map<String, String> env;
    private final Problems problems;
    private final Map<String, Problems.Position> marks = new HashMap<>();

    private YamlTree(Map<String, String> env, Problems problems) {
        this.env = env;
        this.problems = problems;
    }

    /**
     * The file's values, or null when it cannot be read as YAML at all (problems say why). Top-level keys
     * starting {@code x-} are kept unexpanded: they only hold anchors for the rest. With no {@code env},
     * nothing is expanded.
     */
    static Tree read(String text, String shown, Map<String, String> env, Problems problems) {
        var settings = LoadSettings.builder().setSchema(new CoreSchema()).setAllowDuplicateKeys(true).setLabel(shown).build();
        Optional<Node> node;
        try {
            node = new Compose(settings).composeString(text);
        } catch (MarkedYamlEngineException e) {
            syntax(e, text, problems);
            return null;
        } catch (YamlEngineException e) {
            problems.add(Problems.Position.FILE, "", "is not valid YAML: " + e.getMessage());
            return null;
        }
        if (node.isEmpty()) {
            problems.add(Problems.Position.FILE, "", "the file is empty: list your apps under apps: (docs/config.md shows how)");
            return null;
        }
        var tree = new YamlTree(env, problems);
        tree.marks.put("", position(node.get()));
        return new Tree(tree.value(node.get(), "", env != null, 0), tree.marks);
    }

    private static void syntax(MarkedYamlEngineException e, String text, Problems problems) {
        String problem = String.valueOf(e.getProblem());
        if (problem.contains("\\t") || problem.toLowerCase(java.util.Locale.ROOT).contains("tab")) {
            // Every line a tab indents, not just the first one the parser met.
            String[] lines = text.split("\n", -1);
            boolean any = false;
            for (int i = 0; i < lines.length; i++) {
                int tab = indentTab(lines[i]);
                if (tab < 0) continue;
                problems.add(new Problems.Position(i + 1, tab + 1), "", "a tab indents this line: YAML indents with spaces only");
                any = true;
            }
            if (any) return;
        }
        var at = e.getProblemMark().map(YamlTree::position).orElse(Problems.Position.FILE);
        String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
        problems.add(at, "", "not valid YAML: " + problem + context);
    }

    /** Where a tab sits in the line's leading white space, or -1. */
    private static int indentTab(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\t') return line.strip().isEmpty() ? -1 : i;
            if (c != ' ') return -1;
        }
        return -1;
    }

    static Problems.Position position(Node node) {
        return node.getStartMark().map(YamlTree::position).orElse(Problems.Position.FILE);
    }

    private static Problems.Position position(Mark m) {
        return new Problems.Position(m.getLine() + 1, m.getColumn() + 1);
    }

    private Object value(Node node, String path, boolean expand, int depth) {
        if (depth > MAX_DEPTH) {
            problems.add(position(node), path, "nested too deep (an alias that contains itself?)");
            return null;
        }
        return switch (node) {
            case ScalarNode s -> scalar(s, path, expand);
            case SequenceNode seq -> {
                var out = new ArrayList<Object>();
                for (var item : seq.getValue()) {
                    String at = path + "[" + out.size() + "]";
                    marks.put(at, position(item));
                    out.add(value(item, at, expand, depth + 1));
                }
                yield out;
            }
            case MappingNode map -> mapping(map, path, expand, depth);
            default -> null;
        };
    }

    private Map<String, Object> mapping(MappingNode map, String path, boolean expand, int depth) {
        var out = new LinkedHashMap<String, Object>();
        for (var tuple : map.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
                problems.add(position(tuple.getKeyNode()), path, "a key must be a word, not a list or a map");
                continue;
            }
            String key = keyNode.getValue();
            String at = path.isEmpty() ? key : path + "." + key;
            if (out.containsKey(key)) {
                int first = marks.get(at).line();
                problems.add(position(keyNode), at, path.equals("apps")
                        ? "the app " + key + " is named twice (first on line " + first + "): an app's name must be unique"
                        : key + " is given twice (first on line " + first + "): keep one");
                continue;
            }
            marks.put(at, position(keyNode));
            boolean extension = path.isEmpty() && key.startsWith("x-");
            out.put(key, value(tuple.getValueNode(), at, expand && !extension, depth + 1));
        }
        return out;
    }

    private Object scalar(ScalarNode s, String path, boolean expand) {
        String text = s.getValue();
        Tag tag = s.getTag();
        if (Tag.NULL.equals(tag)) return null;
        if (Tag.BOOL.equals(tag)) return Boolean.parseBoolean(text.toLowerCase(java.util.Locale.ROOT));
        if (Tag.INT.equals(tag)) return integer(text);
        if (Tag.FLOAT.equals(tag)) return decimal(text);
        if (!expand) return text;
        return Variables.expand(text, env, message -> problems.add(position(s), path, message));
    }

    /** The YAML 1.2 core schema's integers: decimal, 0o octal, 0x hex; too large for a long stays the text. */
    private static Object integer(String text) {
        try {
            String t = text.startsWith("+") ? text.substring(1) : text;
            if (t.startsWith("0o")) return Long.parseLong(t.substring(2), 8);
            if (t.startsWith("0x")) return Long.parseLong(t.substring(2), 16);
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            return text;
        }
    }

    private static Object decimal(String text) {
        String t = text.toLowerCase(java.util.Locale.ROOT);
        if (t.endsWith(".inf")) return t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        if (t.equals(".nan")) return Double.NaN;
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return text;
        }
    }
}
