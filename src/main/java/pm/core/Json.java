package pm.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON codec for the wire protocol and the registry file.
 *
 * <p>Written by hand on purpose: Jackson adds about 55 ms to every CLI start even from an AOT cache
 * (DESIGN.md section 3), and our documents are small. Values map to {@code Map<String,Object>}
 * (insertion order kept), {@code List<Object>}, {@code String}, {@code Long}, {@code Double},
 * {@code Boolean} and {@code null}.
 */
public final class Json {
    private Json() {}

    /** Thrown for any text that is not one complete JSON value. */
    public static final class ParseException extends RuntimeException {
        ParseException(String message, int at) {
            super(message + " at offset " + at);
        }
    }

    public static Object parse(String text) {
        var p = new Parser(text);
        p.skipSpace();
        Object value = p.value(0);
        p.skipSpace();
        if (p.at != text.length()) throw new ParseException("trailing characters", p.at);
        return value;
    }

    /** Parses a JSON object, or throws if the text is any other value. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        if (parse(text) instanceof Map<?, ?> map) return (Map<String, Object>) map;
        throw new ParseException("expected a JSON object", 0);
    }

    public static String write(Object value) {
        var out = new StringBuilder(256);
        write(value, out);
        return out.toString();
    }

    // An if-chain, not a pattern switch: a type switch is bootstrapped through invokedynamic at run
    // time, which costs the CLI about a millisecond on every start.
    private static void write(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            quote(s, out);
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
            out.append(value);
        } else if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
            out.append("null");
        } else if (value instanceof Number n) {
            out.append(n);
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (var e : map.entrySet()) {
                if (!first) out.append(',');
                first = false;
                quote(String.valueOf(e.getKey()), out);
                out.append(':');
                write(e.getValue(), out);
            }
            out.append('}');
        } else if (value instanceof Iterable<?> list) {
            out.append('[');
            boolean first = true;
            for (Object o : list) {
                if (!first) out.append(',');
                first = false;
                write(o, out);
            }
            out.append(']');
        } else {
            quote(value.toString(), out);
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    // By hand, not String.format: the daemon writes app output (ANSI colours) as JSON, and Formatter
                    // would load about 100 classes it keeps for good.
                    if (c < 0x20) out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }

    private static final class Parser {
        private static final int MAX_DEPTH = 64;
        private final String s;
        private int at;

        Parser(String s) {
            this.s = s;
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) throw new ParseException("nesting too deep", at);
            if (at >= s.length()) throw new ParseException("unexpected end", at);
            char c = s.charAt(at);
            return switch (c) {
                case '{' -> object(depth);
                case '[' -> array(depth);
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) yield number();
                    throw new ParseException("unexpected character '" + c + "'", at);
                }
            };
        }

        private Map<String, Object> object(int depth) {
            var map = new LinkedHashMap<String, Object>();
            at++;
            skipSpace();
            if (peek() == '}') {
                at++;
                return map;
            }
            while (true) {
                skipSpace();
                if (peek() != '"') throw new ParseException("expected a key", at);
                String key = string();
                skipSpace();
                expect(':');
                skipSpace();
                map.put(key, value(depth + 1));
                skipSpace();
                char c = next();
                if (c == '}') return map;
                if (c != ',') throw new ParseException("expected ',' or '}'", at - 1);
            }
        }

        private List<Object> array(int depth) {
            var list = new ArrayList<Object>();
            at++;
            skipSpace();
            if (peek() == ']') {
                at++;
                return list;
            }
            while (true) {
                skipSpace();
                list.add(value(depth + 1));
                skipSpace();
                char c = next();
                if (c == ']') return list;
                if (c != ',') throw new ParseException("expected ',' or ']'", at - 1);
            }
        }

        private String string() {
            int start = ++at;
            // Most strings hold no escape: take them whole. (Char by char, a status reply of 1000
            // processes took the CLI about 5 ms longer to read.)
            for (int i = start; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"') {
                    at = i + 1;
                    return s.substring(start, i);
                }
                if (c == '\\' || c < 0x20) break;
            }
            var out = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') return out.toString();
                if (c < 0x20) throw new ParseException("control character in string", at - 1);
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = next();
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (at + 4 > s.length()) throw new ParseException("bad \\u escape", at);
                        int code = 0;
                        for (int k = 0; k < 4; k++) {
                            int digit = Character.digit(s.charAt(at + k), 16);
                            if (digit < 0) throw new ParseException("bad \\u escape", at);
                            code = code * 16 + digit;
                        }
                        out.append((char) code);
                        at += 4;
                    }
                    default -> throw new ParseException("bad escape '\\" + e + "'", at - 1);
                }
            }
        }

        private Object number() {
            int start = at;
            // Whole numbers that fit, the common case, without a substring to parse again.
            boolean negative = peek() == '-';
            int i = negative ? at + 1 : at;
            long value = 0;
            while (i < s.length() && i - start < 18) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') break;
                value = value * 10 + (c - '0');
                i++;
            }
            boolean digits = i > (negative ? at + 1 : at);
            if (digits && (i == s.length() || !continuesNumber(s.charAt(i)))) {
                at = i;
                return negative ? -value : value;
            }
            if (peek() == '-') at++;
            boolean fraction = false;
            while (at < s.length()) {
                char c = s.charAt(at);
                if (c >= '0' && c <= '9') at++;
                else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                    fraction = true;
                    at++;
                } else break;
            }
            String text = s.substring(start, at);
            try {
                if (!fraction) {
                    try {
                        return Long.parseLong(text);
                    } catch (NumberFormatException tooBig) {
                        return Double.parseDouble(text);
                    }
                }
                return Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw new ParseException("bad number '" + text + "'", start);
            }
        }

        private static boolean continuesNumber(char c) {
            return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
        }

        private Object literal(String word, Object value) {
            if (!s.startsWith(word, at)) throw new ParseException("unexpected word", at);
            at += word.length();
            return value;
        }

        private char peek() {
            if (at >= s.length()) throw new ParseException("unexpected end", at);
            return s.charAt(at);
        }

        private char next() {
            char c = peek();
            at++;
            return c;
        }

        private void expect(char c) {
            if (next() != c) throw new ParseException("expected '" + c + "'", at - 1);
        }

        void skipSpace() {
            while (at < s.length()) {
                char c = s.charAt(at);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') at++;
                else break;
            }
        }
    }
}
