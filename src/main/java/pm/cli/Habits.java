package pm.cli;

import static pm.cli.CommandLine.PM;

/**
 * PM2 commands that pm lacks or names differently, each with what to type instead. Looked up before
 * did-you-mean, which would otherwise match on spelling alone ({@code startup} is not {@code start}).
 * Commands pm has under PM2's name (delete, ls, show, ...) are aliases in the command table instead.
 */
final class Habits {
    private Habits() {}

    /** The line that answers a PM2 habit, or "" when the word is not one. */
    static String insteadOf(String word) {
        return switch (word) {
            case "save", "dump" -> PM + " " + word + " is not needed: pm remembers at once every app you register, "
                    + "start or stop, and its daemon starts again what was running";
            case "resurrect" -> "pm starts again by itself what was running when its daemon starts; to start every app: "
                    + PM + " start all";
            case "gracefulReload" -> "pm's zero-downtime reload is " + PM + " reload NAME";
            case "jlist" -> "for the JSON status of every app: " + PM + " status --json";
            case "prettylist" -> "for every app's spec: " + PM + " list (or " + PM + " list --json)";
            case "env" -> "an app's environment is in " + PM + " describe NAME";
            case "ping" -> "to see whether the daemon runs: " + PM + " daemon status";
            default -> "";
        };
    }
}
