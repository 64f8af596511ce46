package pm.file;

import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code ${VAR}} and {@code ${VAR:-default}} in a file's values, from the environment of the command that
 * reads it, and {@code $$} for a literal {@code $}, as compose files write them. Any other {@code $} is
 * kept as it is ({@code cmd:kill -0 $PPID}). Written by hand: a few lines, and no template library reads
 * exactly this.
 */
final class Variables {
    private Variables() {}

    /** The text with its variables replaced; each problem (an unset variable without a default) goes to {@code problem}. */
    static String expand(String text, Map<String, String> env, Consumer<String> problem) {
        if (text.indexOf('$') < 0) return text;
        var out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '$' || i + 1 == text.length()) {
                out.append(c);
            } else if (text.charAt(i + 1) == '$') {
                out.append('$');
                i++;
            } else if (text.charAt(i + 1) == '{') {
                int end = text.indexOf('}', i + 2);
                if (end < 0) {
                    problem.accept("'" + text.substring(i) + "' has no closing }: write ${NAME}, or $$ for a $");
                    return text;
                }
                out.append(value(text.substring(i + 2, end), env, problem));
                i = end;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String value(String inside, Map<String, String> env, Consumer<String> problem) {
        int dash = inside.indexOf(":-");
        String name = dash < 0 ? inside : inside.substring(0, dash);
        if (!isName(name)) {
            problem.accept("'${" + inside + "}' is not a variable: write ${NAME} or ${NAME:-default}, NAME in letters, digits and _");
            return "";
        }
        String value = env.get(name);
        if (value != null && !(dash >= 0 && value.isEmpty())) return value;
        if (dash >= 0) return inside.substring(dash + 2);
        problem.accept("${" + name + "} is not set and has no default: set it, or write ${" + name + ":-default}");
        return "";
    }

    private static boolean isName(String s) {
        if (s.isEmpty() || Character.isDigit(s.charAt(0))) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
        }
        return true;
    }

    /** The text with every {@code $} written {@code $$}, so that reading it back gives the text again. */
    static String escape(String text) {
        return text.replace("$", "$$");
    }
}
