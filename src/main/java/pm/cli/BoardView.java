package pm.cli;

import pm.core.Health;
import pm.core.ProcessStatus;
import pm.core.Units;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Draws a {@link Board} as the lines of a screen of a given size, with ANSI colours: a header, the
 * table (or one app's logs), a message line and the keys. Below the columns it needs, the table drops
 * HEALTH, then RESTARTS, UPTIME and PID, cuts names to 10, and at last drops the sparklines; a line
 * never wraps. Below {@link #MIN_COLUMNS} x {@link #MIN_ROWS} it says so and draws nothing else.
 */
final class BoardView {
    static final int MIN_COLUMNS = 40;
    static final int MIN_ROWS = 10;
    private static final int SPARK_MIN = 8;
    private static final int SPARK_MAX = 30;
    private static final String RESET = "\033[0m";

    private final int width;
    private final int height;
    private final boolean unicode;

    BoardView(int width, int height, boolean unicode) {
        this.width = width;
        this.height = height;
        this.unicode = unicode;
    }

    static boolean fits(int width, int height) {
        return width >= MIN_COLUMNS && height >= MIN_ROWS;
    }

    static String tooSmall(int width, int height) {
        return "the terminal is " + width + "x" + height + "; pm top needs at least " + MIN_COLUMNS + "x" + MIN_ROWS
                + " (columns x rows)";
    }

    /** Exactly {@code height} lines, none wider than {@code width} characters. */
    List<String> render(Board board, String clock) {
        var lines = new ArrayList<String>();
        if (!fits(width, height)) {
            String full = tooSmall(width, height);
            String brief = "needs " + MIN_COLUMNS + "x" + MIN_ROWS + ", has " + width + "x" + height;
            lines.add(Table.cut(full.length() <= width ? full : brief, width));
        } else if (board.mode() == Board.Mode.LOGS && board.selected() != null) {
            logs(board, board.selected(), clock, lines);
        } else {
            table(board, clock, lines);
        }
        while (lines.size() < height) lines.add("");
        return lines;
    }

    /**
     * A column: its header, its cell's text and colour, whether it is aligned right, and its least width,
     * which keeps the columns (and so the sparklines' width) still from one refresh to the next.
     */
    private record Column(String header, Function<Board.App, String> text, Function<Board.App, String> color, boolean right, int least) {
        static Column of(String header, Function<Board.App, String> text, boolean right, int least) {
            return new Column(header, text, a -> "", right, least);
        }
    }

    private void table(Board board, String clock, List<String> lines) {
        var shown = board.shown();
        int running = 0;
        for (var a : board.apps()) if (a.status().pid() != 0) running++;
        String summary = board.apps().size() + (board.apps().size() == 1 ? " app, " : " apps, ") + running + " running"
                + (board.filter().isEmpty() ? "" : ", " + shown.size() + " shown by /" + board.filter());
        lines.add(header("pm top", summary, clock));

        var columns = new ArrayList<>(List.of(
                Column.of("ID", a -> String.valueOf(a.status().id()), true, 2),
                Column.of("NAME", a -> a.name(), false, 4),
                new Column("STATE", a -> a.status().state().wireName(), a -> Verbs.stateColor(a.status().state()), false, "stopping".length()),
                Column.of("PID", a -> a.status().pid() == 0 ? "-" : String.valueOf(a.status().pid()), true, 7),
                Column.of("UPTIME", a -> a.status().uptimeMillis() < 0 ? "-" : Units.formatAge(Duration.ofMillis(a.status().uptimeMillis())), true, 6),
                Column.of(unicode ? "↺" : "R", a -> String.valueOf(a.status().restarts()), true, 2),
                Column.of("CPU", a -> Double.isNaN(a.status().cpuPercent()) ? "-" : Units.oneDecimal(a.status().cpuPercent()) + "%", true, "100.0%".length()),
                Column.of("MEM", a -> a.status().memoryBytes() < 0 ? "-" : Units.formatSize(a.status().memoryBytes()), true, "999.9M".length()),
                Column.of("HEALTH", a -> a.status().health() == Health.NONE ? "-" : a.status().health().wireName(), false, "unhealthy".length())));
        // Room for two sparklines of at least SPARK_MIN first: the columns give way, one by one.
        int nameCap = 24;
        int sparkWidth = sparkWidth(columns, shown, nameCap);
        for (String step : List.of("HEALTH", unicode ? "↺" : "R", "UPTIME", "PID", "NAME")) {
            if (sparkWidth > 0) break;
            if (step.equals("NAME")) nameCap = 10;
            else columns.removeIf(c -> c.header().equals(step));
            sparkWidth = sparkWidth(columns, shown, nameCap);
        }
        int[] widths = widths(columns, shown, nameCap);
        lines.add(row("  ", columns, widths, sparkWidth, null, null, null, false));
        int top = lines.size();
        int room = height - top - 2;
        var selected = board.selected();
        int at = selected == null ? 0 : shown.indexOf(selected);
        int from = Math.max(0, Math.min(at - room / 2, shown.size() - room));
        for (int i = from; i < shown.size() && i < from + room; i++) {
            var a = shown.get(i);
            boolean chosen = a == selected;
            lines.add(row(chosen ? (unicode ? "▶ " : "> ") : "  ", columns, widths, sparkWidth, a,
                    Sparkline.cpu(a.cpu(), sparkWidth, unicode), Sparkline.memory(a.memory(), sparkWidth, unicode), chosen));
        }
        if (shown.isEmpty())
            lines.add(Table.cut(board.apps().isEmpty() ? "  " + Verbs.NONE_REGISTERED : "  no app matches /" + board.filter(), width));
        while (lines.size() < height - 2) lines.add("");
        lines.add(messageLine(board, selected));
        lines.add(keys(board));
    }

    /** Each sparkline's width in what the columns leave (two, with a space after each), or 0 below the least. */
    private int sparkWidth(List<Column> columns, List<Board.App> apps, int nameCap) {
        int used = 2;
        for (int w : widths(columns, apps, nameCap)) used += w + 1;
        int spare = width - used - 2;
        return spare < 2 * SPARK_MIN ? 0 : Math.min(SPARK_MAX, spare / 2);
    }

    private static int[] widths(List<Column> columns, List<Board.App> apps, int nameCap) {
        int[] w = new int[columns.size()];
        for (int i = 0; i < w.length; i++) {
            var c = columns.get(i);
            w[i] = Math.max(c.least(), c.header().length());
            for (var a : apps) w[i] = Math.max(w[i], c.text().apply(a).length());
            if (c.header().equals("NAME")) w[i] = Math.min(w[i], nameCap);
        }
        return w;
    }

    /** One row, or the column headers when {@code app} is null; the sparklines follow CPU and MEM. */
    private String row(String mark, List<Column> columns, int[] widths, int sparkWidth, Board.App app, String cpu, String mem,
                       boolean chosen) {
        var line = new Line(width, chosen ? "7" : app == null ? "1" : "");
        line.add(mark, "");
        for (int i = 0; i < columns.size(); i++) {
            var c = columns.get(i);
            String text = app == null ? c.header() : c.text().apply(app);
            text = Table.cut(text, widths[i]);
            String pad = " ".repeat(widths[i] - text.length());
            line.add(c.right() ? pad + text : text + pad, app == null ? "" : c.color().apply(app));
            line.add(" ", "");
            if (sparkWidth > 0 && (c.header().equals("CPU") || c.header().equals("MEM"))) {
                String spark = app == null ? " ".repeat(sparkWidth) : c.header().equals("CPU") ? cpu : mem;
                line.add(spark, app == null ? "" : c.header().equals("CPU") ? Table.GREEN : "36");
                line.add(" ", "");
            }
        }
        return line.fill();
    }

    private void logs(Board board, Board.App app, String clock, List<String> lines) {
        ProcessStatus s = app.status();
        lines.add(header("logs of " + app.name(), s.state().wireName() + (s.pid() == 0 ? "" : ", pid " + s.pid()), clock));
        int room = height - 5;
        var out = board.outTail();
        var err = board.errTail();
        int errRows = Math.max(1, Math.min(err.size(), Math.max(room / 2, room - Math.max(1, out.size()))));
        int outRows = room - errRows;
        section("stdout  " + s.outLog(), out, outRows, lines);
        section("stderr  " + s.errLog(), err, errRows, lines);
        lines.add(messageLine(board, app));
        lines.add(dim(Table.cut(unicode ? "Esc back  r restart  s stop/start   (the last lines, read every ¼ s)"
                : "Esc back  r restart  s stop/start   (the last lines, read every 1/4 s)", width)));
    }

    private void section(String title, List<String> tail, int rows, List<String> lines) {
        lines.add("\033[1m" + Table.cut(title, width) + RESET);
        if (tail.isEmpty()) {
            lines.add(dim("(empty)"));
            rows--;
        }
        for (int i = Math.max(0, tail.size() - rows); i < tail.size(); i++) lines.add(Table.cut(tail.get(i), width));
        for (int i = Math.min(rows, tail.size()); i < rows; i++) lines.add("");
    }

    private String header(String title, String detail, String clock) {
        var line = new Line(width, "");
        line.add(title, "1");
        line.add("  " + detail, "");
        int gap = width - line.length() - clock.length();
        if (gap >= 2) {
            line.add(" ".repeat(gap), "");
            line.add(clock, "2");
        }
        return line.fill();
    }

    /** What the last request did, else why the selected app is not running, else nothing. */
    private String messageLine(Board board, Board.App selected) {
        if (!board.message().isEmpty()) return Table.cut(board.message(), width);
        if (selected != null && selected.status().state().needsExplaining() && !selected.status().reason().isEmpty())
            return dim(Table.cut(selected.name() + ": " + selected.status().reason(), width));
        return "";
    }

    private String keys(Board board) {
        if (board.mode() == Board.Mode.FILTER) {
            var line = new Line(width, "");
            line.add("/" + board.filter(), "1");
            line.add(unicode ? "█" : "_", "");
            line.add("   Enter keep  Esc clear", "2");
            return line.fill();
        }
        String arrows = unicode ? "↑↓" : "up/down";
        String full = arrows + "/jk select  r restart  s stop/start  l logs  / filter  q quit";
        String brief = arrows + " select r restart s stop/start l logs / filter q quit";
        return dim(Table.cut(full.length() <= width ? full : brief, width));
    }

    private static String dim(String text) {
        return text.isEmpty() ? text : "\033[2m" + text + RESET;
    }

    /**
     * A line of coloured pieces, cut at the width; a whole-line style (reverse for the selected row)
     * stays on under each piece's colour and pads the line to the width.
     */
    private static final class Line {
        private final StringBuilder sb = new StringBuilder();
        private final int width;
        private final String base;
        private int length;

        Line(int width, String base) {
            this.width = width;
            this.base = base;
            if (!base.isEmpty()) sb.append("\033[").append(base).append('m');
        }

        int length() {
            return length;
        }

        void add(String text, String color) {
            if (length + text.length() > width) text = text.substring(0, width - length);
            if (text.isEmpty()) return;
            if (!color.isEmpty()) sb.append("\033[").append(color).append('m');
            sb.append(text);
            if (!color.isEmpty()) sb.append(RESET).append(base.isEmpty() ? "" : "\033[" + base + "m");
            length += text.length();
        }

        String fill() {
            if (!base.isEmpty() && base.equals("7")) add(" ".repeat(width - length), "");
            return base.isEmpty() ? sb.toString() : sb.append(RESET).toString();
        }
    }
}
