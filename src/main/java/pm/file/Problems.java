package pm.file;

import pm.core.PmException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Everything wrong with a file, each where it is: {@code pm.yaml:12:5: apps.web.restart_policy: 'sometimes'
 * is not one of ...}. Collected so that one run reports every problem at once, in the file's order.
 */
final class Problems {
    /** A place in the file, from 1; line 0 is the file as a whole. */
    record Position(int line, int column) {
        static final Position FILE = new Position(0, 0);
    }

    private record Problem(Position at, String path, String message) {}

    private final String file;
    private final List<Problem> problems = new ArrayList<>();

    /** {@code file} is the file as the user named it, which every line starts with. */
    Problems(String file) {
        this.file = file;
    }

    void add(Position at, String path, String message) {
        problems.add(new Problem(at, path, message));
    }

    /** Whether a problem is reported at this path already (an unset variable in the value a later check reads). */
    boolean has(String path) {
        for (var p : problems) if (p.path().equals(path)) return true;
        return false;
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    /** INVALID (exit 2) with one line per problem, by position, when there are any. */
    void throwIfAny() {
        if (problems.isEmpty()) return;
        var sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.comparingInt((Problem p) -> p.at().line()).thenComparingInt(p -> p.at().column()));
        var lines = new ArrayList<String>();
        for (var p : sorted) {
            String where = p.at().line() == 0 ? file : file + ":" + p.at().line() + ":" + p.at().column();
            lines.add(where + ": " + (p.path().isEmpty() ? "" : p.path() + ": ") + p.message());
        }
        throw PmException.invalid(String.join("\n", lines));
    }
}
