package pm.cli;

import pm.core.ProcessState;
import pm.core.ProcessStatus;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What pm top shows and how its keys change it: the apps of the last refresh, the one selected, the
 * name filter, the view (the table, the filter being typed, or one app's logs) and a message line. It
 * touches no terminal and no socket: a key returns the request it asks for, and the caller sends it.
 * One thread, the view's own, reads and changes it.
 */
final class Board {
    enum Mode { TABLE, FILTER, LOGS }

    /** One app as the view shows it: its status and its last samples, oldest first. */
    record App(ProcessStatus status, List<Double> cpu, List<Long> memory) {
        String name() {
            return status.name();
        }

        /** A status entry of a {@code status} reply that asked for {@code recent}. */
        static App fromJson(Map<String, Object> m) {
            var cpu = new ArrayList<Double>();
            var memory = new ArrayList<Long>();
            if (m.get("recent_cpu_percent") instanceof List<?> l) for (Object o : l) if (o instanceof Number n) cpu.add(n.doubleValue());
            if (m.get("recent_memory_bytes") instanceof List<?> l) for (Object o : l) if (o instanceof Number n) memory.add(n.longValue());
            return new App(ProcessStatus.fromJson(m), cpu, memory);
        }
    }

    /** What a key asks the daemon to do: {@code restart}, {@code stop} or {@code start} the app named. */
    record Request(String command, String name) {}

    private List<App> apps = List.of();
    private String selected = "";
    private String filter = "";
    private Mode mode = Mode.TABLE;
    private String message = "";
    private boolean quit;
    /** Apps with a request under way: another key for them waits for its answer. */
    private final Set<String> busy = new HashSet<>();
    private List<String> outTail = List.of();
    private List<String> errTail = List.of();

    List<App> apps() {
        return apps;
    }

    /** The apps the filter lets through, in the daemon's order. */
    List<App> shown() {
        if (filter.isEmpty()) return apps;
        String f = filter.toLowerCase(Locale.ROOT);
        var out = new ArrayList<App>();
        for (var a : apps) if (a.name().toLowerCase(Locale.ROOT).contains(f)) out.add(a);
        return out;
    }

    /** The selected app among those shown, or null when none is. */
    App selected() {
        for (var a : shown()) if (a.name().equals(selected)) return a;
        return null;
    }

    Mode mode() {
        return mode;
    }

    String filter() {
        return filter;
    }

    String message() {
        return message;
    }

    boolean quitting() {
        return quit;
    }

    List<String> outTail() {
        return outTail;
    }

    List<String> errTail() {
        return errTail;
    }

    /** A refresh: the selection stays on its app by name, or moves to the first one shown if it left. */
    void update(List<App> fresh) {
        apps = List.copyOf(fresh);
        keepSelection();
    }

    void tails(List<String> out, List<String> err) {
        outTail = List.copyOf(out);
        errTail = List.copyOf(err);
    }

    void say(String line) {
        message = line;
    }

    /** The answer to a request came: the app takes keys again. */
    void finished(String name, String line) {
        busy.remove(name);
        message = line;
    }

    /**
     * A key: a name ({@code up}, {@code down}, {@code home}, {@code end}, {@code enter}, {@code esc},
     * {@code backspace}, {@code ctrl-c}, {@code eof}) or the character typed. Returns the request it
     * asks for, or null.
     */
    Request press(String key) {
        if (key.equals("ctrl-c") || key.equals("eof")) {
            quit = true;
            return null;
        }
        return switch (mode) {
            case FILTER -> typeFilter(key);
            case LOGS -> inLogs(key);
            case TABLE -> inTable(key);
        };
    }

    private Request inTable(String key) {
        switch (key) {
            case "q" -> quit = true;
            case "up", "k" -> move(-1);
            case "down", "j" -> move(1);
            case "home", "g" -> move(-apps.size());
            case "end", "G" -> move(apps.size());
            case "/" -> {
                mode = Mode.FILTER;
                message = "";
            }
            case "esc" -> {
                filter = "";
                keepSelection();
            }
            case "l", "enter" -> {
                if (selected() != null) {
                    view(Mode.LOGS);
                    tails(List.of(), List.of());
                }
            }
            case "r", "s" -> {
                return act(key);
            }
            default -> {
                // other keys do nothing
            }
        }
        return null;
    }

    private Request inLogs(String key) {
        switch (key) {
            case "esc", "q", "l" -> view(Mode.TABLE);
            case "r", "s" -> {
                return act(key);
            }
            default -> {
                // the log view scrolls by itself
            }
        }
        return null;
    }

    /** The filter is applied as it is typed; Enter keeps it, Esc drops it. */
    private Request typeFilter(String key) {
        switch (key) {
            case "enter" -> mode = Mode.TABLE;
            case "esc" -> {
                filter = "";
                mode = Mode.TABLE;
            }
            case "backspace" -> {
                if (!filter.isEmpty()) filter = filter.substring(0, filter.length() - 1);
            }
            case "up" -> move(-1);
            case "down" -> move(1);
            default -> {
                if (key.length() == 1 && key.charAt(0) >= ' ') filter += key;
            }
        }
        keepSelection();
        return null;
    }

    /** r restarts the selected app; s stops it when it runs (or is on its way), else starts it. */
    private Request act(String key) {
        var app = selected();
        if (app == null) return null;
        String name = app.name();
        if (busy.contains(name)) {
            message = name + ": still waiting for the last request";
            return null;
        }
        var state = app.status().state();
        boolean up = state == ProcessState.RUNNING || state == ProcessState.STARTING || state == ProcessState.BACKOFF
                || state == ProcessState.STOPPING;
        String command = key.equals("r") ? "restart" : up ? "stop" : "start";
        busy.add(name);
        message = switch (command) {
            case "restart" -> "restarting " + name + " ...";
            case "stop" -> "stopping " + name + " ...";
            default -> "starting " + name + " ...";
        };
        return new Request(command, name);
    }

    /** Between the table and a log: the last answer went with the view it was given in, unless one is awaited. */
    private void view(Mode to) {
        mode = to;
        if (busy.isEmpty()) message = "";
    }

    private void move(int by) {
        var shown = shown();
        if (shown.isEmpty()) return;
        int at = 0;
        for (int i = 0; i < shown.size(); i++) if (shown.get(i).name().equals(selected)) at = i;
        selected = shown.get(Math.max(0, Math.min(shown.size() - 1, at + by))).name();
    }

    private void keepSelection() {
        if (selected() != null) return;
        // The app whose logs were shown is gone (unregistered): back to the table, not to another app's logs.
        if (mode == Mode.LOGS) mode = Mode.TABLE;
        var shown = shown();
        selected = shown.isEmpty() ? "" : shown.getFirst().name();
    }
}
