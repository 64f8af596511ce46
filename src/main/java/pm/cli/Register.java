package pm.cli;

import pm.core.Field;
import pm.core.ProcessSpec;
import pm.core.SpecBuilder;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * {@code pm register SCRIPT [flags] [-- args]} on top of {@link SpecBuilder}: the flags come from the
 * field table, and their values go to the builder as they were typed, which resolves the script and the
 * folder against the caller's, so the daemon gets nothing relative.
 */
final class Register {
    private Register() {}

    /**
     * register's flags, one per field of the table that has one; made when first read, since every
     * command builds the whole command table and making them (the table, the help texts) cost 0.5 ms.
     */
    static List<CommandLine.Opt> options() {
        return new Flags();
    }

    private static final class Flags extends AbstractList<CommandLine.Opt> {
        private List<CommandLine.Opt> opts;

        private List<CommandLine.Opt> opts() {
            if (opts == null) {
                var made = new ArrayList<CommandLine.Opt>();
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
        var raw = new LinkedHashMap<String, Object>();
        raw.put(Field.SCRIPT.key(), p.arg(0));
        if (!p.rest().isEmpty()) raw.put(Field.ARGS.key(), p.rest());
        p.opts().forEach((flag, values) -> {
            Field f = Field.byFlag(flag);
            // A repeatable flag gives all its values; any other, its last (as a later flag overrides an earlier one).
            if (f != null) raw.put(flag, f.kind() == Field.Kind.MAP || f.kind() == Field.Kind.LIST ? values : values.getLast());
        });
        return SpecBuilder.build(raw, SpecBuilder.Naming.flags(), context).orThrow();
    }
}
