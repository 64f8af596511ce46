package pm.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Signal names and their Linux numbers, for --stop-signal and for describing how a process died. */
public final class Signals {
    private Signals() {}

    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;

    // Linux x86-64 and arm64 numbering.
    private static final String[] NAMES = {
        null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
        "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU",
        "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"
    };

    /** Parses "TERM", "SIGTERM", "sigterm" or "15". */
    public static int parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        if (t.startsWith("SIG")) t = t.substring(3);
        for (int i = 1; i < NAMES.length; i++) if (NAMES[i].equals(t)) return i;
        try {
            int n = Integer.parseInt(t);
            if (n >= 1 && n < NAMES.length) return n;
        } catch (NumberFormatException ignored) {
            // fall through to the error
        }
        throw PmException.invalid("unknown signal '" + text + "': use a name such as TERM, INT, QUIT, HUP or KILL");
    }

    /** Every signal's name, SIGHUP to SIGSYS, in the order of their numbers. */
    public static List<String> names() {
        var names = new ArrayList<String>();
        for (int i = 1; i < NAMES.length; i++) names.add("SIG" + NAMES[i]);
        return names;
    }

    public static String name(int signal) {
        return signal >= 1 && signal < NAMES.length ? "SIG" + NAMES[signal] : "signal " + signal;
    }
}
