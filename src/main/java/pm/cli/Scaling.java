package pm.cli;

import pm.core.Copies;
import pm.core.ErrorCode;
import pm.core.PmException;
import pm.core.ProcessSpec;

import java.io.PrintStream;
import java.util.LinkedHashMap;

import static pm.cli.CommandLine.PM;

/** The verbs about an app's copies: scale (how many run). */
final class Scaling {
    private final Client client;
    private final PrintStream out;

    Scaling(Client client, PrintStream out) {
        this.client = client;
        this.out = out;
    }

    int scale(CommandLine.Parsed p) {
        String name = p.arg(0);
        ProcessSpec.checkName(name);
        int count;
        try {
            count = Integer.parseInt(p.arg(1));
        } catch (NumberFormatException e) {
            count = -1;
        }
        if (count < 1 || count > Copies.MAX)
            throw new PmException(ErrorCode.USAGE, "'" + ProcessSpec.printable(p.arg(1)) + "' is not a number of copies from 1 to "
                    + Copies.MAX + ", such as " + PM + " scale " + name + " 4");
        var args = new LinkedHashMap<String, Object>();
        args.put("name", name);
        args.put("count", count);
        var result = client.call("scale", args);
        out.println(name + ": " + result.get("to") + (count == 1 ? " copy" : " copies") + " (was " + result.get("from") + ")");
        for (var proc : Verbs.statuses(result)) {
            var line = new StringBuilder("  ").append(proc.name()).append(": ").append(proc.state().wireName());
            if (proc.pid() != 0) line.append(" (pid ").append(proc.pid()).append(')');
            out.println(line);
        }
        return 0;
    }
}
