package pm.cli;

import pm.core.Json;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * {@code pm token create|list|revoke}: the HTTP API's tokens, which the daemon keeps (only their hashes, in
 * $PM_HOME/tokens.json); a new token's secret is printed once, alone on stdout, so a script can take it.
 */
final class TokenVerb {
    private final Client client;
    private final PrintStream out;

    TokenVerb(Client client, PrintStream out) {
        this.client = client;
        this.out = out;
    }

    int run(CommandLine.Parsed p) {
        String action = p.arg(0);
        return switch (action) {
            case "create" -> create(p);
            case "list" -> list(p);
            case "revoke" -> revoke(p);
            default -> throw CommandLine.usage(p.command(), "unknown action '" + action + "': use create, list or revoke");
        };
    }

    private static String name(CommandLine.Parsed p) {
        if (p.args().size() < 2) throw CommandLine.usage(p.command(), "pm token " + p.arg(0) + " needs a NAME");
        return p.arg(1);
    }

    private int create(CommandLine.Parsed p) {
        String name = name(p);
        boolean readOnly = p.has("read-only");
        var reply = client.call("token_create", Map.of("name", name, "read_only", readOnly));
        out.println(reply.get("token"));
        System.err.println("pm: token '" + name + "'" + (readOnly ? " (read-only)" : "")
                + " created; this is the only time it is shown. Send it as 'Authorization: Bearer TOKEN'.");
        return 0;
    }

    private int list(CommandLine.Parsed p) {
        var reply = client.call("token_list", Map.of());
        if (p.has("json")) {
            out.println(Json.write(reply));
            return 0;
        }
        var tokens = Verbs.list(reply.get("tokens"));
        if (tokens.isEmpty()) {
            out.println("no tokens; pm token create NAME makes one");
            return 0;
        }
        var table = new Table(List.of("NAME", "ACCESS", "CREATED"));
        for (var t : tokens)
            table.add(List.of(Table.Cell.of(t.get("name")), Table.Cell.of(Boolean.TRUE.equals(t.get("read_only")) ? "read-only" : "full"),
                    Table.Cell.of(t.get("created"))));
        out.print(table.render(false));
        return 0;
    }

    private int revoke(CommandLine.Parsed p) {
        String name = name(p);
        client.call("token_revoke", Map.of("name", name));
        out.println("revoked token '" + name + "'; requests with it are refused from now on, and its dashboard sessions and open streams end");
        return 0;
    }
}
