package pm.cli;

import pm.core.Field;
import pm.core.PmException;
import pm.core.ProcessDescription;
import pm.core.ProcessSpec;
import pm.core.SpecBuilder;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static pm.cli.CommandLine.PM;

/**
 * {@code pm update NAME [SCRIPT] [flags] [-- args]}: the registered spec with the flags given changed,
 * through the same builder and checks as {@code register}, every error at once and nothing changed on
 * one. {@code --env} adds or changes variables and {@code --unset-env} removes them (the others stay, as
 * with {@code restart --env}); a new script, or {@code --} with the app's arguments, replaces the old.
 */
final class Update {
    private final Client client;
    private final PrintStream out;

    Update(Client client, PrintStream out) {
        this.client = client;
        this.out = out;
    }

    int run(CommandLine.Parsed p) {
        ProcessSpec.checkName(p.arg(0));
        var described = client.call("describe", Map.of("name", p.arg(0)));
        ProcessSpec base = ProcessDescription.fromJson(Verbs.map(described.get("process"))).spec();
        var spec = change(base, p, SpecBuilder.Context.ofCaller());
        var result = client.call("update", Map.of("name", base.name(), "spec", spec.toJson()));
        var changed = result.get("changed") instanceof List<?> l ? l : List.of();
        if (changed.isEmpty()) {
            out.println(base.name() + ": unchanged");
            return 0;
        }
        var line = new StringBuilder(base.name()).append(": updated ");
        for (int i = 0; i < changed.size(); i++) line.append(i == 0 ? "" : ", ").append(changed.get(i));
        if (Boolean.TRUE.equals(result.get("restarted"))) line.append("; restarted");
        out.println(line);
        return 0;
    }

    /** The base spec with the command line's changes, or INVALID with one line per thing wrong. */
    static ProcessSpec change(ProcessSpec base, CommandLine.Parsed p, SpecBuilder.Context context) {
        var errors = new ArrayList<String>();
        var raw = Register.raw(p);
        if (p.args().size() > 1) raw.put(Field.SCRIPT.key(), p.arg(1));
        if (p.has("name") && !p.value("name", "").equals(base.name()))
            errors.add("--name cannot change: an app's name is its key (its logs, its entry); to rename "
                    + base.name() + ", " + PM + " unregister it and register it under the new name");
        if (p.has("env") || p.has("unset-env")) raw.put(Field.ENV.flag(), env(base, p, errors));
        var built = SpecBuilder.change(base, raw, SpecBuilder.Naming.flags(), context);
        if (built instanceof SpecBuilder.Built.Invalid invalid) for (var e : invalid.errors()) errors.add(e.toString());
        if (!errors.isEmpty()) throw PmException.invalid(String.join("\n", errors));
        return built.orThrow();
    }

    /** The environment after the change, as KEY=VALUE words: the old variables, less those removed or given anew. */
    private static List<String> env(ProcessSpec base, CommandLine.Parsed p, List<String> errors) {
        var gone = new ArrayList<String>();
        for (String key : p.values("unset-env")) {
            if (key.isEmpty() || key.contains("="))
                errors.add("--unset-env '" + ProcessSpec.printable(key) + "' is not a variable's name: give the name alone, such as DEBUG");
            gone.add(key);
        }
        var given = p.values("env");
        for (String word : given) {
            int eq = word.indexOf('=');
            if (eq > 0) gone.add(word.substring(0, eq));
        }
        var words = new ArrayList<String>();
        base.env().forEach((k, v) -> {
            if (!gone.contains(k)) words.add(k + "=" + v);
        });
        // Last, so the builder reports a malformed one as typed; a variable both set and removed is set.
        words.addAll(given);
        return words;
    }
}
