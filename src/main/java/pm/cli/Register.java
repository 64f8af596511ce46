package pm.cli;

import pm.core.ErrorCode;
import pm.core.Field;
import pm.core.PmException;
import pm.core.ProcessDescription;
import pm.core.ProcessSpec;
import pm.core.ProcessStatus;
import pm.core.SpecBuilder;
import pm.core.SpecDiff;
import pm.core.SpecFile;

import java.io.PrintStream;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static pm.cli.CommandLine.PM;

/**
 * {@code pm register SCRIPT [flags] [-- args]} on top of {@link SpecBuilder}: the flags come from the
 * field table, and their values go to the builder as they were typed, which resolves the script and the
 * folder against the caller's, so the daemon gets nothing relative. {@code start SCRIPT} registers
 * through it too.
 */
final class Register {
    /**
     * register's flags, one per field of the table that has one; made when first read, since every
     * command builds the whole command table and making them (the table, the help texts) cost 0.5 ms.
     */
    static List<CommandLine.Opt> options(CommandLine.Opt... others) {
        return new Flags(others);
    }

    private static final class Flags extends AbstractList<CommandLine.Opt> {
        private final CommandLine.Opt[] others;
        private List<CommandLine.Opt> opts;

        Flags(CommandLine.Opt[] others) {
            this.others = others;
        }

        private List<CommandLine.Opt> opts() {
            if (opts == null) {
                var made = new ArrayList<CommandLine.Opt>(List.of(others));
                for (var f : Field.values()) if (!f.flag().isEmpty()) made.add(CommandLine.Opt.value(f.flag(), f.valueName(), f.help()));
                opts = List.copyOf(made);
            }
            return opts;
        }

        @Override
        public CommandLine.Opt get(int index) {
            return opts().get(index);
        }

        @Override
        public int size() {
            return opts().size();
        }
    }

    /** The spec the command line describes, or INVALID with one line per thing wrong with it. */
    static ProcessSpec spec(CommandLine.Parsed p, SpecBuilder.Context context) {
        var raw = raw(p);
        raw.put(Field.SCRIPT.key(), p.arg(0));
        return SpecBuilder.build(raw, SpecBuilder.Naming.flags(), context).orThrow();
    }

    /** The fields' values as typed, by flag (the app's arguments by key, when {@code --} was given). */
    static Map<String, Object> raw(CommandLine.Parsed p) {
        var raw = new LinkedHashMap<String, Object>();
        if (p.dashed()) raw.put(Field.ARGS.key(), p.rest());
        p.opts().forEach((flag, values) -> {
            Field f = Field.byFlag(flag);
            // A repeatable flag gives all its values; any other, its last (as a later flag overrides an earlier one).
            if (f != null) raw.put(flag, f.kind() == Field.Kind.MAP || f.kind() == Field.Kind.LIST || f.kind() == Field.Kind.DEPENDENCIES ? values : values.getLast());
        });
        return raw;
    }

    private final Client client;
    private final PrintStream out;

    Register(Client client, PrintStream out) {
        this.client = client;
        this.out = out;
    }

    /** {@code pm register}. */
    int run(CommandLine.Parsed p) {
        var proc = enrol(spec(p, SpecBuilder.Context.ofCaller()));
        out.println("start it with: " + PM + " start " + pm.core.Names.appOf(proc.name()));
        return 0;
    }

    /**
     * Registers the spec and says so; the same spec registered under its name already is fine, and said to
     * be. Another spec under that name is refused (exit 5) with the update that would make it this one.
     */
    ProcessStatus enrol(ProcessSpec spec) {
        Map<String, Object> result;
        try {
            result = client.call("register", Map.of("spec", spec.toJson()));
        } catch (PmException e) {
            if (e.code() != ErrorCode.ALREADY_EXISTS) throw e;
            throw new PmException(ErrorCode.ALREADY_EXISTS, conflict(spec).orElse(e.getMessage()));
        }
        var proc = ProcessStatus.fromJson(Verbs.map(result.get("process")));
        if (Boolean.TRUE.equals(result.get("unchanged"))) out.println(spec.name() + ": already registered with this spec; nothing changed");
        else out.println("registered " + spec.name() + " (id " + proc.id() + ", " + spec.type().wireName() + ", " + spec.script() + ")");
        return proc;
    }

    /** What differs from the registered spec, and the update that would make it this one; empty if it cannot be read. */
    private Optional<String> conflict(ProcessSpec spec) {
        ProcessSpec registered;
        try {
            registered = ProcessDescription.fromJson(Verbs.map(client.call("describe", Map.of("name", spec.name())).get("process"))).spec();
        } catch (PmException e) {
            return Optional.empty();
        }
        var diff = SpecDiff.between(registered, spec);
        return Optional.of("'" + spec.name() + "' is already registered with another spec (it differs in " + String.join(", ", diff.keys())
                + "); to change it: " + updateLine(registered, spec, diff) + ", or pick another --name");
    }

    /** The {@code pm update} command line that turns {@code from} into {@code to}, field by field. */
    static String updateLine(ProcessSpec from, ProcessSpec to, SpecDiff diff) {
        var line = new StringBuilder(PM).append(" update ").append(CommandLine.quote(to.name()));
        String args = "";
        for (var f : diff.changed()) {
            Object value = f.valueIn(to);
            switch (f) {
                case SCRIPT -> line.append(' ').append(CommandLine.quote(to.script()));
                case ARGS -> {
                    var words = new StringBuilder(" --");
                    for (String a : to.args()) words.append(' ').append(CommandLine.quote(a));
                    args = words.toString();
                }
                case ENV -> {
                    new java.util.TreeMap<>(to.env()).forEach((k, v) -> {
                        if (!v.equals(from.env().get(k))) line.append(" --env ").append(CommandLine.quote(k + "=" + v));
                    });
                    for (String k : new java.util.TreeSet<>(from.env().keySet())) if (!to.env().containsKey(k)) line.append(" --unset-env ").append(CommandLine.quote(k));
                }
                case DEPENDS_ON -> {
                    if (to.dependsOn().isEmpty()) line.append(" --depends-on ''");
                    new java.util.TreeMap<>(to.dependsOn()).forEach((n, c) -> line.append(" --depends-on ").append(n).append(':').append(c.wireName()));
                }
                // No flag turns the port off; the line then changes what it can.
                case PORT -> {
                    if (to.port() != 0) line.append(" --port ").append(to.port());
                }
                default -> {
                    if (!f.flag().isEmpty()) line.append(" --").append(f.flag()).append(' ').append(CommandLine.quote(SpecFile.human(f, value)));
                }
            }
        }
        return line.append(args).toString();
    }
}
