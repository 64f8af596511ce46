package pm.cli;

import java.util.ArrayList;
import java.util.List;

/** An aligned text table; cells may carry an ANSI colour that does not count towards the width. */
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

    private final List<String> headers;
    private final List<List<Cell>> rows = new ArrayList<>();

    Table(List<String> headers) {
        this.headers = headers;
    }

    void add(List<Cell> row) {
        rows.add(row);
    }

    String render(boolean color) {
        int[] width = new int[headers.size()];
        for (int i = 0; i < width.length; i++) width[i] = headers.get(i).length();
        for (var row : rows) for (int i = 0; i < width.length; i++) width[i] = Math.max(width[i], row.get(i).text().length());
        var out = new StringBuilder();
        var head = new ArrayList<Cell>();
        for (String h : headers) head.add(new Cell(h, BOLD));
        line(out, head, width, color);
        for (var row : rows) line(out, row, width, color);
        return out.toString();
    }

    private static void line(StringBuilder out, List<Cell> row, int[] width, boolean color) {
        var sb = new StringBuilder();
        for (int i = 0; i < width.length; i++) {
            Cell c = row.get(i);
            boolean paint = color && !c.color().isEmpty();
            if (paint) sb.append("\033[").append(c.color()).append('m');
            sb.append(c.text());
            if (paint) sb.append("\033[0m");
            if (i < width.length - 1) sb.append(" ".repeat(width[i] - c.text().length() + 2));
        }
        out.append(sb.toString().stripTrailing()).append('\n');
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
