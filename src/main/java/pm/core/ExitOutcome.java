package pm.core;

import java.util.LinkedHashMap;
import java.util.Map;

/** How a process ended. */
public sealed interface ExitOutcome {
    /** It exited by itself with this status. */
    record Exited(int code) implements ExitOutcome {}

    /** It died of a signal; {@code sentByPm} tells whether pm sent it (a stop) or something else did. */
    record Signalled(int signal, boolean sentByPm) implements ExitOutcome {}

    /** It never ran: the program could not be started. */
    record FailedToStart(String reason) implements ExitOutcome {}

    /**
     * It ended while pm was not its parent (an app adopted from an earlier daemon, or one that ended while
     * no daemon ran), so its exit status cannot be known. Counted as a failure: a restart policy keeps
     * such an app running rather than guess that it ended cleanly.
     */
    record Unknown() implements ExitOutcome {}

    /** A failure, in the sense of the on-failure policy. */
    default boolean isFailure() {
        return switch (this) {
            case Exited e -> e.code() != 0;
            case Signalled s -> !s.sentByPm();
            case FailedToStart f -> true;
            case Unknown u -> true;
        };
    }

    default String describe() {
        return switch (this) {
            case Exited e -> "exited with status " + e.code();
            case Signalled s -> "killed by " + Signals.name(s.signal()) + (s.sentByPm() ? " (sent by pm)" : "");
            case FailedToStart f -> "failed to start: " + f.reason();
            case Unknown u -> "ended while pm was not its parent (exit status unknown)";
        };
    }

    default Map<String, Object> toJson() {
        var m = new LinkedHashMap<String, Object>();
        switch (this) {
            case Exited e -> {
                m.put("kind", "exited");
                m.put("code", e.code());
            }
            case Signalled s -> {
                m.put("kind", "signalled");
                m.put("signal", Signals.name(s.signal()));
            }
            case FailedToStart f -> {
                m.put("kind", "failed-to-start");
                m.put("reason", f.reason());
            }
            case Unknown u -> m.put("kind", "unknown");
        }
        return m;
    }

    /**
     * Reads what {@link #toJson} writes. Whether pm sent a signal is not on the wire, so a signalled outcome
     * reads back as not sent by pm; a kind this version does not know reads as {@link Unknown}.
     */
    static ExitOutcome fromJson(Map<?, ?> m) {
        return switch (String.valueOf(m.get("kind"))) {
            case "exited" -> new Exited(m.get("code") instanceof Number n ? n.intValue() : 0);
            case "signalled" -> new Signalled(signal(m.get("signal")), false);
            case "failed-to-start" -> new FailedToStart(String.valueOf(m.get("reason")));
            default -> new Unknown();
        };
    }

    /** A signal's name as {@link Signals#name} writes it: "SIGTERM", or "signal 40" for one it has no name for. */
    private static int signal(Object name) {
        String s = String.valueOf(name);
        try {
            return s.startsWith("signal ") ? Integer.parseInt(s.substring(7)) : Signals.parse(s);
        } catch (PmException | NumberFormatException e) {
            return 0;
        }
    }
}
