package pm.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * An aligned text table; cells may carry an ANSI colour that does not count towards the width. Given a
 * width, it fits: it drops and shortens columns as its {@link Fit} steps say, in their order, cut texts
 * end (or begin) with an ellipsis, and a row never wraps.
 */
final class Table {
    /** A cell: its text and an ANSI colour code, or "" for none. */
    record Cell(String text, String color) {
        static Cell of(Object text) {
            return new Cell(text == null ? "-" : String.valueOf(text), "");
        }
    }

    static final String GREEN = "32";
    static final String YELLOW = "33";
    static final String RED = "31";
    static final String DIM = "2";
    static final String BOLD = "1";
    /** No width to fit: the table is as wide as its cells. */
    static final int UNLIMITED = Integer.MAX_VALUE;
    /** A shortened column keeps at least this many characters, its ellipsis included. */
    private static final int NARROWEST = 6;
    /** Marks a cut text: one character, "…" where the output can carry it. */
    static final String ELLIPSIS = java.nio.charset.StandardCharsets.UTF_8.equals(System.out.charset()) ? "…" : "~";

    /**
     * One step towards a narrower table: drop a column ({@code keep} 0), or cut its long texts down to
     * {@code keep} characters, at their end or, for paths, at their start (the file name tells most).
     */
    record Fit(String column, int keep, boolean atStart) {
        static Fit drop(String column) {
            return new Fit(column, 0, false);
        }

        static Fit shorten(String column, int keep) {
            return new Fit(column, Math.max(NARROWEST, keep), false);
        }

        static Fit shortenPath(String column, int keep) {
            return new Fit(column, Math.max(NARROWEST, keep), true);
        }
    }

    private final List<String> headers;
    private final List<List<Cell>> rows = new ArrayList<>();
    private List<Fit> fits = List.of();

    Table(List<String> headers) {
        this.headers = headers;
    }

    /** How the table narrows when it is wider than the width asked for: these steps, in order, until it fits. */
    Table fitting(Fit... steps) {
        fits = List.of(steps);
        return this;
    }

    void add(List<Cell> row) {
        rows.add(row);
    }

    String render(boolean color) {
        return render(color, UNLIMITED);
    }

    String render(boolean color, int maxWidth) {
        int n = headers.size();
        int[] width = new int[n];
        for (int i = 0; i < n; i++) width[i] = headers.get(i).length();
        for (var row : rows) for (int i = 0; i < n; i++) width[i] = Math.max(width[i], row.get(i).text().length());
        boolean[] shown = new boolean[n];
        boolean[] atStart = new boolean[n];
        java.util.Arrays.fill(shown, true);
        for (Fit f : fits) {
            int over = total(width, shown) - maxWidth;
            int i = headers.indexOf(f.column());
            if (over <= 0) break;
            if (i < 0 || !shown[i]) continue;
            if (f.keep() == 0) {
                shown[i] = false;
            } else {
                width[i] = Math.max(Math.min(width[i], Math.max(f.keep(), headers.get(i).length())), width[i] - over);
                atStart[i] = f.atStart();
            }
        }
        var out = new StringBuilder();
        var head = new ArrayList<Cell>();
        for (String h : headers) head.add(new Cell(h, BOLD));
        line(out, head, width, shown, atStart, color, maxWidth);
        for (var row : rows) line(out, row, width, shown, atStart, color, maxWidth);
        return out.toString();
    }

    /** The width of a line: the columns shown, two spaces between each. */
    private static int total(int[] width, boolean[] shown) {
        int sum = 0, n = 0;
        for (int i = 0; i < width.length; i++) {
            if (!shown[i]) continue;
            sum += width[i];
            n++;
        }
        return sum + 2 * Math.max(0, n - 1);
    }

    private static void line(StringBuilder out, List<Cell> row, int[] width, boolean[] shown, boolean[] atStart, boolean color,
                             int maxWidth) {
        var sb = new StringBuilder();
        int last = width.length - 1;
        while (last > 0 && !shown[last]) last--;
        int visible = 0;
        for (int i = 0; i <= last; i++) {
            if (!shown[i]) continue;
            Cell c = row.get(i);
            String text = c.text();
            if (text.length() > width[i])
                text = atStart[i] ? ELLIPSIS + text.substring(text.length() - width[i] + 1) : cut(text, width[i]);
            // Past the width even so (a terminal narrower than the columns kept): the line ends, never wraps.
            if (visible + text.length() > maxWidth) text = cut(text, maxWidth - visible);
            boolean paint = color && !c.color().isEmpty();
            if (paint) sb.append("\033[").append(c.color()).append('m');
            sb.append(text);
            if (paint) sb.append("\033[0m");
            visible += text.length();
            if (i < last) {
                int gap = Math.min(width[i] - text.length() + 2, Math.max(0, maxWidth - visible));
                sb.append(" ".repeat(gap));
                visible += gap;
            }
            if (visible >= maxWidth) break;
        }
        out.append(sb.toString().stripTrailing()).append('\n');
    }

    /** The text cut to the width, its end marked with an ellipsis. */
    static String cut(String text, int width) {
        if (text.length() <= width) return text;
        return width <= 0 ? "" : text.substring(0, width - 1) + ELLIPSIS;
    }

    /**
     * The width tables fit: {@code COLUMNS} if set, else the terminal's, which the launcher measures only
     * when stdout is a terminal ({@code pm.columns}); else none, and a table is as wide as its cells.
     */
    static int width() {
        int columns = number(System.getenv("COLUMNS"));
        if (columns <= 0) columns = number(System.getProperty("pm.columns"));
        return columns > 0 ? columns : UNLIMITED;
    }

    private static int number(String text) {
        if (text == null || text.isEmpty() || text.length() > 6) return 0;
        for (int i = 0; i < text.length(); i++) if (text.charAt(i) < '0' || text.charAt(i) > '9') return 0;
        return Integer.parseInt(text);
    }

    /**
     * Colour only on a terminal, and never when NO_COLOR is set (no-color.org). The launcher says whether
     * stdin and stdout are a terminal ({@code pm.terminal}): the shell knows for free, and asking
     * {@code System.console()} costs about a millisecond.
     */
    static boolean colorWanted() {
        String noColor = System.getenv("NO_COLOR");
        if (noColor != null && !noColor.isEmpty()) return false;
        String terminal = System.getProperty("pm.terminal");
        if (terminal != null) return terminal.equals("true");
        var console = System.console();
        return console != null && console.isTerminal();
    }
}
